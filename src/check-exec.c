/*
 * Commands run in nodes for exec checks.
 *
 * Each command runs as "/bin/sh -c COMMAND" through netns_spawn(), in a
 * session of its own (so that a timeout kills the shell and whatever it
 * started), with standard output and error in one anonymous temporary
 * file: it is unlinked as soon as the child has opened it, so nothing is
 * left behind, and read back through the descriptor kept open.  The end
 * of a child is seen in the poll loop through a pidfd.
 */
#include <config.h>
#include "check-private.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netns.h"
#include "timeval.h"
#include "util.h"

/* Commands running at once, to bound processes and descriptors. */
#define EXEC_MAX_RUNNING 16

/* Without pidfds (Linux < 5.3), how often to look for ended children. */
#define EXEC_POLL_MS 50

enum exec_state {
    EXEC_PENDING,
    EXEC_RUNNING,
    EXEC_DONE,
};

struct exec_job {
    char *netns;
    char *command;
    unsigned int timeout_ms;
    enum exec_state state;
    struct check_exec_result result;

    pid_t pid;
    int pidfd;                  /* -1 if pidfds are not available. */
    size_t poll_idx;
    int output_fd;              /* The (unlinked) output file. */
    long long int start_ms;
    long long int deadline;
};

struct check_execs {
    struct exec_job *jobs;
    size_t n, allocated;
    size_t n_running;
    size_t n_done;
};

struct check_execs *
check_execs_create(void)
{
    return xzalloc(sizeof(struct check_execs));
}

static void
close_job_fds(struct exec_job *job)
{
    if (job->pidfd >= 0) {
        close(job->pidfd);
        job->pidfd = -1;
    }
    if (job->output_fd >= 0) {
        close(job->output_fd);
        job->output_fd = -1;
    }
}

void
check_execs_destroy(struct check_execs *execs)
{
    if (!execs) {
        return;
    }
    for (size_t i = 0; i < execs->n; i++) {
        struct exec_job *job = &execs->jobs[i];

        if (job->state == EXEC_RUNNING) {
            kill(-job->pid, SIGKILL);
            kill(job->pid, SIGKILL);
            waitpid(job->pid, NULL, 0);
        }
        close_job_fds(job);
        free(job->netns);
        free(job->command);
        free(job->result.error);
        free(job->result.output);
    }
    free(execs->jobs);
    free(execs);
}

size_t
check_execs_add(struct check_execs *execs, const char *netns,
                const char *command, unsigned int timeout_ms)
{
    struct exec_job *job;

    if (execs->n >= execs->allocated) {
        execs->jobs = x2nrealloc(execs->jobs, &execs->allocated,
                                 sizeof *execs->jobs);
    }
    job = &execs->jobs[execs->n];
    memset(job, 0, sizeof *job);
    job->netns = xstrdup(netns);
    job->command = xstrdup(command);
    job->timeout_ms = timeout_ms;
    job->state = EXEC_PENDING;
    job->pid = -1;
    job->pidfd = -1;
    job->output_fd = -1;
    return execs->n++;
}

/* Reads what the command wrote, up to CHECK_EXEC_OUTPUT_MAX bytes, into
 * 'result' (its output, and whether there was more). */
static void
read_output(int fd, struct check_exec_result *result)
{
    size_t size = 4096, len = 0;
    char *buf = xmalloc(size + 1);
    struct stat st;

    while (len < CHECK_EXEC_OUTPUT_MAX) {
        ssize_t n;

        if (len == size) {
            size = MIN(size * 2, CHECK_EXEC_OUTPUT_MAX);
            buf = xrealloc(buf, size + 1);
        }
        n = pread(fd, buf + len, size - len, len);
        if (n < 0 && errno == EINTR) {
            continue;
        } else if (n <= 0) {
            break;
        }
        len += n;
    }
    for (size_t i = 0; i < len; i++) {
        if (!buf[i]) {
            buf[i] = ' ';
        }
    }
    buf[len] = '\0';
    result->output = buf;
    result->output_size = !fstat(fd, &st) && st.st_size > len ? st.st_size
                                                               : len;
}

static void
job_finish(struct check_execs *execs, struct exec_job *job, int status,
           long long int now)
{
    job->result.status = status;
    read_output(job->output_fd, &job->result);
    job->result.elapsed_ms = now - job->start_ms;
    job->result.done = true;
    job->state = EXEC_DONE;
    close_job_fds(job);
    execs->n_running--;
    execs->n_done++;
}

static void
job_fail(struct check_execs *execs, struct exec_job *job, char *error)
{
    job->result.error = error;
    job->result.done = true;
    job->state = EXEC_DONE;
    close_job_fds(job);
    execs->n_done++;
}

static void
job_start(struct check_execs *execs, struct exec_job *job)
{
    char *argv[] = { "/bin/sh", "-c", job->command, NULL };
    char path[] = "/tmp/ovs-lab-exec-XXXXXX";
    struct netns_spawn_options options = {
        .stdout_path = path,
        .stderr_path = path,
        .detach = true,
    };
    char *error;

    job->start_ms = time_msec();
    job->deadline = job->start_ms + job->timeout_ms;
    job->output_fd = mkostemp(path, O_CLOEXEC);
    if (job->output_fd < 0) {
        job_fail(execs, job, xasprintf("cannot create an output file: %s",
                                       ovs_strerror(errno)));
        return;
    }
    error = netns_spawn(job->netns, argv, &options, &job->pid);
    unlink(path);
    if (error) {
        job_fail(execs, job, error);
        return;
    }
    job->pidfd = syscall(SYS_pidfd_open, job->pid, 0);
    job->state = EXEC_RUNNING;
    execs->n_running++;
}

void
check_execs_start(struct check_execs *execs)
{
    for (size_t i = 0; i < execs->n && execs->n_running < EXEC_MAX_RUNNING;
         i++) {
        if (execs->jobs[i].state == EXEC_PENDING) {
            job_start(execs, &execs->jobs[i]);
        }
    }
}

bool
check_execs_done(const struct check_execs *execs)
{
    return execs->n_done == execs->n;
}

void
check_execs_wait(struct check_execs *execs, struct check_pollset *ps)
{
    for (size_t i = 0; i < execs->n; i++) {
        struct exec_job *job = &execs->jobs[i];

        if (job->state == EXEC_RUNNING) {
            if (job->pidfd >= 0) {
                job->poll_idx = check_pollset_add(ps, job->pidfd, POLLIN);
            } else {
                check_pollset_wake_at(ps, time_msec() + EXEC_POLL_MS);
            }
            check_pollset_wake_at(ps, job->deadline);
        }
    }
}

void
check_execs_run(struct check_execs *execs, const struct check_pollset *ps)
{
    long long int now = time_msec();

    for (size_t i = 0; i < execs->n; i++) {
        struct exec_job *job = &execs->jobs[i];
        int status;
        pid_t pid;

        if (job->state != EXEC_RUNNING) {
            continue;
        }
        do {
            pid = waitpid(job->pid, &status, WNOHANG);
        } while (pid < 0 && errno == EINTR);
        if (pid == job->pid) {
            job_finish(execs, job, status, now);
        } else if (pid < 0) {
            execs->n_running--;
            job_fail(execs, job, xasprintf("cannot wait for process %ld: %s",
                                           (long) job->pid,
                                           ovs_strerror(errno)));
        } else if (now >= job->deadline) {
            /* The shell leads its own session: kill all of it. */
            kill(-job->pid, SIGKILL);
            kill(job->pid, SIGKILL);
            while (waitpid(job->pid, &status, 0) < 0 && errno == EINTR) {
                continue;
            }
            job->result.timed_out = true;
            job_finish(execs, job, status, now);
        }
    }
    check_execs_start(execs);
}

const struct check_exec_result *
check_execs_result(const struct check_execs *execs, size_t idx)
{
    return &execs->jobs[idx].result;
}
