/*
 * ovs-program: running Open vSwitch's programs (ovsdb-server,
 * ovs-vswitchd) for an instance whose files are all in one directory, and
 * talking to their control sockets.
 *
 * Processes are started with posix_spawn() and waited for in a poll loop
 * of the calling thread, so any one thread of a process may use this.
 */
#ifndef OVS_PROGRAM_H
#define OVS_PROGRAM_H 1

#include <sys/types.h>

struct svec;

/* Returns the value for GLIBC_TUNABLES (malloc'd) for a program started
 * here: 'value' (may be NULL, i.e. not set) with glibc.malloc.hugetlb=1
 * added, unless it sets that tunable itself.  With it, glibc's malloc puts
 * its heap on transparent huge pages where the kernel gives them on
 * request (Debian's default): a new ovs-vswitchd grows its heap by about
 * 30 MB while it adds 1000 ports and takes a page fault for every 4 KiB of
 * it (7000 faults); with this, 700, and the ports are added about 0.1 s
 * sooner (docs/performance.md, section 5.1). */
char *ovs_program_malloc_tunables(const char *value);

/* Stores in 'env' (initialized here, NULL-terminated) the environment for
 * the programs of the instance in 'dir': this process's, with OVS_RUNDIR,
 * OVS_DBDIR, OVS_LOGDIR and OVS_SYSCONFDIR set to 'dir', and
 * GLIBC_TUNABLES as ovs_program_malloc_tunables() makes it. */
void ovs_program_environment(const char *dir, struct svec *env);

/* A program started by ovs_program_spawn(), until ovs_program_wait() has
 * seen it exit. */
struct ovs_program {
    pid_t pid;
    long long int started;      /* time_msec() when it was started. */
    char *name;                 /* argv[0]. */
    char *log;                  /* Where its output goes. */
};

/* Starts 'argv' (argv[0] is found with file_find_program()) in the
 * environment of ovs_program_environment() for 'dir', stdin from /dev/null
 * and stdout and stderr appended to file 'log'.  The child starts with
 * default signal handling and nothing blocked.  On success fills in 'run'
 * and returns NULL; the caller must then call ovs_program_wait().
 * Otherwise returns an error message. */
char *ovs_program_spawn(const char *dir, struct svec *argv, const char *log,
                        struct ovs_program *run);

/* Waits until 'deadline' (time_msec()) for 'run' to exit successfully (for
 * a daemon started with --detach, that is when the daemon is ready),
 * killing it if it has not by then, and frees what 'run' holds.  Returns
 * NULL, or an error message that ends with the last line of its log. */
char *ovs_program_wait(struct ovs_program *run, long long int deadline);

/* Sends 'command' with 'args' (NULL-terminated) to the unixctl server at
 * 'path', waiting until 'deadline' to connect and send it.  With 'replyp'
 * null, does not wait for the answer: ovs-vswitchd reads its unixctl
 * requests only between two rounds of work, and its round after a lab's
 * rows were deleted (tearing down a bridge of 1000 ports) takes seconds;
 * the server still reads the request after the client has gone.  Otherwise
 * waits for it, also until 'deadline', and stores in '*replyp' the
 * server's error message (malloc'd) if it answered with one, else NULL.
 * Returns 0 or a positive errno value. */
int ovs_program_unixctl(const char *path, const char *command,
                        const char *const *args, long long int deadline,
                        char **replyp);

#endif /* ovs-program.h */
