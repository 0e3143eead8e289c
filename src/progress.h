/* Progress of long operations: on a terminal, one line per phase with a
 * count and the elapsed time ("  namespaces     12 created    0.04 s"), to
 * stderr; then one closing line with the total time, to stdout.  Quiet
 * prints nothing. */
#ifndef PROGRESS_H
#define PROGRESS_H 1

#include <stdbool.h>
#include <stddef.h>

struct progress {
    bool quiet;                 /* Print nothing. */
    bool phases;                /* Print phase lines (stderr is a tty). */
    long long int phase_start;  /* time_msec() when the phase began. */
    long long int start;        /* time_msec() when the operation began. */
};

void progress_init(struct progress *, bool quiet);
void progress_begin_phase(struct progress *);
void progress_phase_done(struct progress *, const char *phase, size_t count,
                         const char *what);
void progress_total(struct progress *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* progress.h */
