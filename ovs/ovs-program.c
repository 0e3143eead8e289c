/*
 * ovs-program: running Open vSwitch's programs for an instance directory.
 * See ovs-program.h.
 */
#include <config.h>
#include "ovs-program.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file-util.h"
#include "jsonrpc.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "process.h"
#include "socket-util.h"
#include "stream.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"

extern char **environ;

/* Why: see ovs_program_malloc_tunables() in ovs-program.h. */
#define MALLOC_TUNABLE "glibc.malloc.hugetlb"
#define MALLOC_TUNABLE_VALUE MALLOC_TUNABLE "=1"

char *
ovs_program_malloc_tunables(const char *value)
{
    if (!value || !*value) {
        return xstrdup(MALLOC_TUNABLE_VALUE);
    }
    return (strstr(value, MALLOC_TUNABLE "=")
            ? xstrdup(value)
            : xasprintf("%s:%s", value, MALLOC_TUNABLE_VALUE));
}

/* Returns true if environment entry 'entry' sets variable 'var'. */
static bool
env_entry_sets(const char *entry, const char *var)
{
    size_t n = strlen(var);
    return !strncmp(entry, var, n) && entry[n] == '=';
}

void
ovs_program_environment(const char *dir, struct svec *env)
{
    static const char *const vars[] = {
        "OVS_RUNDIR", "OVS_DBDIR", "OVS_LOGDIR", "OVS_SYSCONFDIR",
    };

    svec_init(env);
    for (char **e = environ; *e; e++) {
        bool ours = env_entry_sets(*e, "GLIBC_TUNABLES");
        for (size_t i = 0; i < ARRAY_SIZE(vars); i++) {
            ours = ours || env_entry_sets(*e, vars[i]);
        }
        if (!ours) {
            svec_add(env, *e);
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(vars); i++) {
        svec_add_nocopy(env, xasprintf("%s=%s", vars[i], dir));
    }
    char *tunables = ovs_program_malloc_tunables(getenv("GLIBC_TUNABLES"));
    svec_add_nocopy(env, xasprintf("GLIBC_TUNABLES=%s", tunables));
    free(tunables);
    svec_terminate(env);
}

char *
ovs_program_spawn(const char *dir, struct svec *argv, const char *log,
                  struct ovs_program *run)
{
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    sigset_t no_signals, all_signals;
    struct svec env;
    char *program, *error = NULL;
    int retval;
    pid_t pid;
    int log_fd;

    program = file_find_program(argv->names[0]);
    if (!program) {
        return xasprintf("%s: program not found (install Open vSwitch: "
                         "openvswitch-switch)", argv->names[0]);
    }
    svec_terminate(argv);

    log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (log_fd < 0) {
        error = xasprintf("%s: cannot open (%s)", log, ovs_strerror(errno));
        free(program);
        return error;
    }

    /* The child starts with default signal handling and nothing blocked,
     * whatever this process does with signals, in a process group of its
     * own: a terminal's Ctrl-C, which goes to the whole foreground group,
     * must not kill a daemon's starter (with --detach, the process that
     * waits for the daemon to be ready) while the daemon, already in a
     * session of its own, lives on.  This process would see the start fail
     * and not stop a daemon that then runs.  This process handles the
     * interrupt instead, and stops what it started. */
    sigemptyset(&no_signals);
    sigfillset(&all_signals);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigmask(&attr, &no_signals);
    posix_spawnattr_setsigdefault(&attr, &all_signals);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK
                                    | POSIX_SPAWN_SETSIGDEF
                                    | POSIX_SPAWN_SETPGROUP);
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                     O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, log_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, log_fd, STDERR_FILENO);

    ovs_program_environment(dir, &env);
    retval = posix_spawn(&pid, program, &actions, &attr, argv->names,
                         env.names);
    svec_destroy(&env);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(log_fd);
    if (retval) {
        error = xasprintf("%s: cannot run (%s)", program,
                          ovs_strerror(retval));
    } else {
        run->pid = pid;
        run->started = time_msec();
        run->name = xstrdup(argv->names[0]);
        run->log = xstrdup(log);
    }
    free(program);
    return error;
}

char *
ovs_program_wait(struct ovs_program *run, long long int deadline)
{
    char *error = NULL;
    int status = 0;

    /* Readable once the process has exited: woken at once, where a timer
     * would add up to its period to every daemon's start. */
    int pidfd = pidfd_open(run->pid, 0);

    for (;;) {
        pid_t retpid = waitpid(run->pid, &status, WNOHANG);
        if (retpid == run->pid) {
            break;
        } else if (retpid < 0 && errno != EINTR) {
            /* ECHILD: SIGCHLD is ignored in this process, so the child was
             * reaped without a status.  The caller checks the outcome. */
            status = 0;
            break;
        } else if (time_msec() >= deadline) {
            kill(run->pid, SIGKILL);
            waitpid(run->pid, &status, 0);
            error = xasprintf("%s did not finish within %lld ms (see %s)",
                              run->name, deadline - run->started, run->log);
            break;
        }
        if (pidfd >= 0) {
            poll_fd_wait(pidfd, POLLIN);
        } else {
            poll_timer_wait(1);     /* A kernel older than 5.3. */
        }
        poll_timer_wait_until(deadline);
        poll_block();
    }
    if (pidfd >= 0) {
        close(pidfd);
    }

    if (!error && (!WIFEXITED(status) || WEXITSTATUS(status))) {
        char *msg = process_status_msg(status);
        struct svec lines = SVEC_EMPTY_INITIALIZER;
        const char *line = (!file_read_last_lines(run->log, 1, &lines)
                            && lines.n ? lines.names[0] : NULL);

        error = xasprintf("%s failed (%s)%s%s (see %s)", run->name, msg,
                          line ? ": " : "", line ? line : "", run->log);
        svec_destroy(&lines);
        free(msg);
    }
    free(run->name);
    free(run->log);
    return error;
}

int
ovs_program_unixctl(const char *path, const char *command,
                    const char *const *args, long long int deadline,
                    char **replyp)
{
    struct jsonrpc_msg *request, *reply = NULL;
    struct stream *stream;
    struct jsonrpc *rpc;
    struct json *params;
    struct json *id;
    char *name;
    int error;

    if (replyp) {
        *replyp = NULL;
    }
    name = xasprintf("unix:%s", path);
    error = stream_open_block(stream_open(name, &stream, DSCP_DEFAULT),
                              MAX(deadline - time_msec(), 1), &stream);
    free(name);
    if (error) {
        return error;
    }

    rpc = jsonrpc_open(stream);
    params = json_array_create_empty();
    for (size_t i = 0; args[i]; i++) {
        json_array_add(params, json_string_create(args[i]));
    }
    request = jsonrpc_create_request(command, params, &id);
    error = jsonrpc_send_block(rpc, request);
    while (!error && replyp) {
        jsonrpc_run(rpc);
        error = jsonrpc_recv(rpc, &reply);
        if (!error) {
            if (json_equal(reply->id, id)) {
                break;
            }
            jsonrpc_msg_destroy(reply);
            reply = NULL;
        } else if (error == EAGAIN) {
            if (time_msec() >= deadline) {
                error = ETIMEDOUT;
                break;
            }
            error = 0;
            jsonrpc_wait(rpc);
            jsonrpc_recv_wait(rpc);
            poll_timer_wait_until(deadline);
            poll_block();
        }
    }
    if (reply && reply->error) {
        *replyp = (reply->error->type == JSON_STRING
                   ? xstrdup(json_string(reply->error))
                   : json_to_string(reply->error, 0));
    }
    jsonrpc_msg_destroy(reply);
    json_destroy(id);
    jsonrpc_close(rpc);
    return error;
}
