#include <config.h>
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "timeval.h"

void
progress_init(struct progress *p, bool quiet)
{
    p->quiet = quiet;
    p->phases = !quiet && isatty(STDERR_FILENO);
    p->start = p->phase_start = time_msec();
}

void
progress_begin_phase(struct progress *p)
{
    p->phase_start = time_msec();
}

/* Reports that 'phase' finished after handling 'count' objects described by
 * 'what' (e.g. "created"), then starts timing the next phase. */
void
progress_phase_done(struct progress *p, const char *phase, size_t count,
                    const char *what)
{
    long long int now = time_msec();

    if (p->phases) {
        fprintf(stderr, "  %-14s %6zu %-10s %7.2f s\n", phase, count, what,
                (now - p->phase_start) / 1000.0);
    }
    p->phase_start = now;
}

/* Prints the closing line, followed by the total elapsed time. */
void
progress_total(struct progress *p, const char *fmt, ...)
{
    struct ds line = DS_EMPTY_INITIALIZER;
    va_list args;

    if (p->quiet) {
        return;
    }
    va_start(args, fmt);
    ds_put_format_valist(&line, fmt, args);
    va_end(args);
    printf("%s (%.2f s)\n", ds_cstr(&line),
            (time_msec() - p->start) / 1000.0);
    ds_destroy(&line);
}
