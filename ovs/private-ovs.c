/*
 * private-ovs: ovs-lab's own Open vSwitch instance.  See private-ovs.h.
 */
#include <config.h>
#include "private-ovs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "file-util.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs-program.h"
#include "ovsdb-error.h"
#include "ovsdb/log.h"
#include "ovsdb/ovsdb.h"
#include "sset.h"
#include "svec.h"
#include "switchdb.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(private_ovs);

struct private_ovs {
    char *dir;
    char *remote;
    int timeout_ms;
    int users_fd;               /* Shared flock on DIR/users.lock. */
};

/* One of the two daemons of an instance. */
struct daemon {
    const char *program;        /* "ovsdb-server" or "ovs-vswitchd". */
    char *pidfile;
    char *ctl;                  /* unixctl socket. */
    char *log;
};

/* The file names of an instance in directory 'dir'. */
struct instance {
    char *dir;                  /* Absolute, without trailing '/'. */
    char *lock;                 /* PARENT/NAME.lock, next to 'dir'. */
    char *users;                /* DIR/users.lock. */
    char *kept;                 /* DIR/kept: see private_ovs_set_kept(). */
    char *db;                   /* DIR/conf.db. */
    char *sock;                 /* DIR/db.sock. */
    char *remote;               /* "unix:DIR/db.sock". */
    struct daemon server;
    struct daemon vswitchd;
    int timeout_ms;
};

static void
daemon_init(struct daemon *d, const char *dir, const char *program)
{
    d->program = program;
    d->pidfile = xasprintf("%s/%s.pid", dir, program);
    d->ctl = xasprintf("%s/%s.ctl", dir, program);
    d->log = xasprintf("%s/%s.log", dir, program);
}

static void
daemon_destroy(struct daemon *d)
{
    free(d->pidfile);
    free(d->ctl);
    free(d->log);
}

static char *
instance_init(struct instance *inst, const char *dir_, int timeout_ms)
{
    char *dir = abs_file_name(NULL, dir_);
    size_t len = dir ? strlen(dir) : 0;

    while (len > 1 && dir[len - 1] == '/') {
        dir[--len] = '\0';
    }
    if (len <= 1) {
        free(dir);
        return xasprintf("%s: not usable as the private Open vSwitch "
                         "directory", dir_);
    }

    char *parent = dir_name(dir);
    char *base = base_name(dir);

    memset(inst, 0, sizeof *inst);
    inst->dir = dir;
    inst->lock = xasprintf("%s/%s.lock", parent, base);
    inst->users = xasprintf("%s/users.lock", dir);
    inst->kept = xasprintf("%s/kept", dir);
    inst->db = xasprintf("%s/conf.db", dir);
    inst->sock = xasprintf("%s/db.sock", dir);
    inst->remote = xasprintf("unix:%s", inst->sock);
    daemon_init(&inst->server, dir, "ovsdb-server");
    daemon_init(&inst->vswitchd, dir, "ovs-vswitchd");
    inst->timeout_ms = (timeout_ms > 0 ? timeout_ms
                        : PRIVATE_OVS_DEFAULT_TIMEOUT_MS);
    free(parent);
    free(base);
    return NULL;
}

static void
instance_destroy(struct instance *inst)
{
    free(inst->dir);
    free(inst->lock);
    free(inst->users);
    free(inst->kept);
    free(inst->db);
    free(inst->sock);
    free(inst->remote);
    daemon_destroy(&inst->server);
    daemon_destroy(&inst->vswitchd);
}

/* Files. */

/* Creates directory 'dir' and its missing parents (mode 0755). */
static char *
make_dirs(const char *dir)
{
    char *path = xstrdup(dir);
    char *error = NULL;

    for (char *p = path + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;

            *p = '\0';
            if (mkdir(path, 0755) && errno != EEXIST) {
                error = xasprintf("%s: cannot create directory (%s)", path,
                                  ovs_strerror(errno));
                break;
            }
            *p = c;
            if (c == '\0') {
                break;
            }
        }
    }
    free(path);
    return error;
}

/* Whether 'name' is a file that an instance creates in its directory. */
static bool
is_instance_file(const char *name)
{
    static const char *const names[] = {
        "conf.db", "conf.db.tmp", ".conf.db.~lock~", "db.sock", "users.lock",
        "kept",
    };
    static const char *const suffixes[] = {
        ".pid", ".ctl", ".log", ".mgmt", ".snoop",
    };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcmp(name, names[i])) {
            return true;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
        size_t n = strlen(name), s = strlen(suffixes[i]);
        if (n > s && !strcmp(name + n - s, suffixes[i])) {
            return true;
        }
    }
    return false;
}

/* Reads the entries of 'dir' into 'names' (none if it does not exist).
 * Returns an error if 'dir' holds anything an instance does not create: such
 * a directory is not ovs-lab's to fill or to empty. */
static char *
read_instance_dir(const char *dir, struct sset *names)
{
    struct sset foreign = SSET_INITIALIZER(&foreign);
    struct dirent *de;
    char *error = NULL;
    DIR *d;

    d = opendir(dir);
    if (!d) {
        return (errno == ENOENT ? NULL
                : xasprintf("%s: cannot read directory (%s)", dir,
                            ovs_strerror(errno)));
    }
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) {
            continue;
        }
        sset_add(is_instance_file(de->d_name) ? names : &foreign,
                 de->d_name);
    }
    closedir(d);

    if (!sset_is_empty(&foreign)) {
        char *list = sset_join(&foreign, " ", "");
        error = xasprintf("%s: not an ovs-lab Open vSwitch directory (it "
                          "holds %s); choose another directory", dir, list);
        free(list);
    }
    sset_destroy(&foreign);
    return error;
}

/* Deletes the instance's directory and everything in it. */
static char *
remove_instance_dir(const struct instance *inst)
{
    struct sset names = SSET_INITIALIZER(&names);
    const char *name;
    char *error;

    error = read_instance_dir(inst->dir, &names);
    SSET_FOR_EACH (name, &names) {
        char *file = xasprintf("%s/%s", inst->dir, name);
        if (!error && unlink(file) && errno != ENOENT) {
            error = xasprintf("%s: cannot delete (%s)", file,
                              ovs_strerror(errno));
        }
        free(file);
    }
    if (!error && rmdir(inst->dir) && errno != ENOENT) {
        error = xasprintf("%s: cannot delete directory (%s)", inst->dir,
                          ovs_strerror(errno));
    }
    sset_destroy(&names);
    return error;
}

/* Deletes the instance's directory and then, if that worked, its lock file,
 * so that nothing of the instance is left.  The caller holds the instance
 * lock. */
static char *
remove_instance(const struct instance *inst)
{
    char *error = remove_instance_dir(inst);

    if (!error) {
        unlink(inst->lock);
    }
    return error;
}

/* Locks. */

/* Takes the exclusive lock that serializes starting and stopping the
 * instance, waiting at most the instance's timeout.  On success stores the
 * locked fd (close it to unlock) in '*fdp'. */
static char *
lock_instance(const struct instance *inst, int *fdp)
{
    long long int deadline = time_msec() + inst->timeout_ms;

    for (;;) {
        /* Stopping the instance deletes the lock file while holding it
         * (see file_try_lock()). */
        int err = file_try_lock(inst->lock, 0600, fdp);

        if (!err) {
            return NULL;
        } else if (err != EWOULDBLOCK && err != EINTR) {
            return xasprintf("%s: cannot lock (%s)", inst->lock,
                             ovs_strerror(err));
        }

        if (time_msec() >= deadline) {
            return xasprintf("%s: another ovs-lab process kept the private "
                             "Open vSwitch locked for %d ms", inst->lock,
                             inst->timeout_ms);
        }
        poll_timer_wait(50);
        poll_block();
    }
}

/* Returns the pid of the process that holds pidfile 'path' locked, that is,
 * of the running daemon that wrote it, or 0 if there is none (the file
 * missing or stale).  OVS daemons hold their pidfile locked (fcntl) while
 * they run. */
static pid_t
pidfile_owner(const char *path)
{
    struct flock lck = {
        .l_type = F_WRLCK,
        .l_whence = SEEK_SET,
        .l_start = 0,
        .l_len = 0,
    };
    pid_t pid = 0;
    int fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (!fcntl(fd, F_GETLK, &lck) && lck.l_type != F_UNLCK) {
            pid = lck.l_pid;
        }
        close(fd);
    }
    return pid;
}

/* Returns true if either daemon of the instance runs. */
static bool
instance_runs(const struct instance *inst)
{
    return (pidfile_owner(inst->server.pidfile)
            || pidfile_owner(inst->vswitchd.pidfile));
}

/* CLOCK_MONOTONIC in milliseconds.  (Not time_msec(): the background
 * stopper, a forked child, uses only plain system calls.) */
static long long int
monotonic_msec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Waits until no process holds 'd''s pidfile, until 'deadline' (in
 * monotonic_msec() time).  Plain system calls only. */
static bool
wait_for_exit(const struct daemon *d, long long int deadline)
{
    for (;;) {
        if (!pidfile_owner(d->pidfile)) {
            return true;
        }
        if (monotonic_msec() >= deadline) {
            return false;
        }

        struct timespec ts = { .tv_sec = 0, .tv_nsec = 10 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
}

/* The database. */

/* Creates the instance's database file, empty, with the schema of the
 * installed Open vSwitch: what "ovsdb-tool create" does, with OVS's own
 * code, but without the 40 ms it takes to start ovsdb-tool, which are on
 * the critical path of the first "up".  Returns NULL or an error
 * message. */
static char *
create_database(const struct instance *inst)
{
    struct ovsdb_schema *schema;
    struct ovsdb_error *error;
    struct ovsdb_log *log;

    error = ovsdb_schema_from_file(OVS_LAB_VSWITCH_SCHEMA, &schema);
    if (error) {
        char *msg = ovsdb_error_to_string_free(error);
        char *e = xasprintf("cannot read the schema of Open vSwitch's "
                            "database (%s); reinstall openvswitch-common",
                            msg);
        free(msg);
        return e;
    }
    struct json *json = ovsdb_schema_to_json(schema);
    ovsdb_schema_destroy(schema);

    /* Written under another name and renamed into place, so that a
     * process killed meanwhile leaves no empty or partial database, which
     * ovsdb-server would refuse ("cannot identify file type") until
     * someone deletes it.  The instance lock keeps other creators out: no
     * lock of the file's own, and a temporary file left by a killed
     * process is removed first. */
    char *tmp = xasprintf("%s.tmp", inst->db);
    unlink(tmp);
    error = ovsdb_log_open(tmp, OVSDB_MAGIC, OVSDB_LOG_CREATE_EXCL, false,
                           &log);
    if (error) {
        json_destroy(json);
    } else {
        error = ovsdb_log_write_and_free(log, json);
        if (!error) {
            error = ovsdb_log_commit_block(log);
        }
        ovsdb_log_close(log);
    }
    if (!error && rename(tmp, inst->db)) {
        error = ovsdb_io_error(errno, "%s: rename to %s failed", tmp,
                               inst->db);
    }
    if (error) {
        char *msg = ovsdb_error_to_string_free(error);
        char *e = xasprintf("%s: cannot create the database (%s)",
                            inst->db, msg);
        free(msg);
        unlink(tmp);
        free(tmp);
        return e;
    }
    free(tmp);
    return NULL;
}

/* Daemons. */

/* Starts daemon 'd' with ovs_program_spawn(): the options both daemons
 * take (no console or syslog logging, and 'd''s log file, pidfile and
 * unixctl socket), then 'args' (with --detach). */
static char *
spawn_daemon(const struct instance *inst, const struct daemon *d,
             const struct svec *args, struct ovs_program *run)
{
    struct svec argv = SVEC_EMPTY_INITIALIZER;
    char *error;

    /* A daemon that died left this behind; it would not start with it. */
    unlink(d->ctl);

    svec_add(&argv, d->program);
    svec_add(&argv, "-vconsole:off");
    svec_add(&argv, "-vsyslog:off");
    svec_add_nocopy(&argv, xasprintf("--log-file=%s", d->log));
    svec_add_nocopy(&argv, xasprintf("--pidfile=%s", d->pidfile));
    svec_add_nocopy(&argv, xasprintf("--unixctl=%s", d->ctl));
    svec_append(&argv, args);

    error = ovs_program_spawn(inst->dir, &argv, d->log, run);
    svec_destroy(&argv);
    return error;
}

static char *
start_server(const struct instance *inst, long long int deadline)
{
    struct svec args = SVEC_EMPTY_INITIALIZER;
    struct ovs_program run;
    char *error;

    /* A server that died left its socket behind too. */
    unlink(inst->sock);

    svec_add_nocopy(&args, xasprintf("--remote=punix:%s", inst->sock));
    svec_add(&args, "--detach");
    svec_add(&args, inst->db);
    error = spawn_daemon(inst, &inst->server, &args, &run);
    svec_destroy(&args);
    return error ? error : ovs_program_wait(&run, deadline);
}

/* The tap device of ovs-vswitchd's userspace datapath ("ovs-" and the
 * datapath type): one per network namespace. */
#define NETDEV_DATAPATH_DEVICE "ovs-netdev"

/* Returns an error message if another ovs-vswitchd with a userspace
 * datapath runs in this network namespace.  The one started next could
 * not create its datapath (it would open the same tap device, which is
 * busy), and the labs' ports would never get an OpenFlow port.  Asking
 * for the device as ovs-vswitchd does tells whether it is free: EBUSY while
 * another process holds it (ovs-vswitchd makes it persistent, so one left
 * by an ovs-vswitchd that died is free).  Only asked if the device exists,
 * so that nothing is created here. */
static char *
check_netdev_datapath_free(const struct instance *inst)
{
    struct ifreq ifr;
    char *error = NULL;
    int fd;

    if (!if_nametoindex(NETDEV_DATAPATH_DEVICE)) {
        return NULL;
    }
    fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return NULL;            /* ovs-vswitchd will say what is wrong. */
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    ovs_strzcpy(ifr.ifr_name, NETDEV_DATAPATH_DEVICE, sizeof ifr.ifr_name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0 && errno == EBUSY) {
        error = xasprintf("another ovs-vswitchd with the userspace datapath "
                          "runs in this network namespace (it holds the "
                          "device %s), and ovs-lab's private Open vSwitch "
                          "in %s cannot run beside it: use that one "
                          "(--ovsdb=REMOTE, e.g. "
                          "unix:/var/run/openvswitch/db.sock), or stop it",
                          NETDEV_DATAPATH_DEVICE, inst->dir);
    }
    close(fd);
    return error;
}

/* Starts ovs-vswitchd; it is ready once ovs_program_wait() returns for
 * 'run'. */
static char *
spawn_vswitchd(const struct instance *inst, struct ovs_program *run)
{
    struct svec args = SVEC_EMPTY_INITIALIZER;
    char *error;

    /* Userspace datapath only: the kernel datapath belongs to the system's
     * Open vSwitch, if any. */
    svec_add(&args, "--disable-system");
    svec_add(&args, "--detach");
    svec_add(&args, inst->remote);
    error = spawn_daemon(inst, &inst->vswitchd, &args, run);
    svec_destroy(&args);
    return error;
}

/* Asks daemon 'd' to exit, if it runs: "exit" with 'args' over unixctl.
 * Returns its pid, or 0 if it does not run. */
static pid_t
request_exit(const struct instance *inst, const struct daemon *d,
             const char *const *args)
{
    pid_t pid = pidfile_owner(d->pidfile);

    if (pid) {
        int error = ovs_program_unixctl(d->ctl, "exit", args,
                                        time_msec() + inst->timeout_ms,
                                        NULL);
        if (error) {
            VLOG_WARN("%s: \"exit\" failed (%s)", d->ctl,
                      ovs_retval_to_string(error));
        }
    }
    return pid;
}

/* Waits for daemon 'd' (pid 'pid', 0 if it did not run), asked to exit, to
 * be gone; SIGTERM and then SIGKILL if it does not exit within the
 * instance's timeout.  Plain system calls only (but for the messages): also
 * runs in the background stopper. */
static char *
wait_daemon_gone(const struct instance *inst, const struct daemon *d,
                 pid_t pid)
{
    if (!pid || wait_for_exit(d, monotonic_msec() + inst->timeout_ms)) {
        return NULL;
    }
    VLOG_WARN("%s (pid %ld) did not exit on request, terminating it",
              d->program, (long int) pid);
    kill(pid, SIGTERM);
    if (wait_for_exit(d, monotonic_msec() + 5000)) {
        return NULL;
    }
    kill(pid, SIGKILL);
    if (wait_for_exit(d, monotonic_msec() + 5000)) {
        return NULL;
    }
    return xasprintf("%s (pid %ld) does not exit, even on SIGKILL",
                     d->program, (long int) pid);
}

/* Waits for ovs-vswitchd (pid 'vswitchd', 0 if it did not run), asked to
 * exit, to be gone, then stops ovsdb-server, then deletes the instance's
 * directory and lock file.  The caller holds the instance lock.  The
 * database stays up, without the rows that were deleted, until
 * ovs-vswitchd is gone: whoever looks at it meanwhile sees it answer.
 *
 * 'in_stopper': runs in the background stopper (see
 * stop_locked_in_background()), which makes plain system calls only (but
 * for error messages and the directory listing), so ovsdb-server gets
 * SIGTERM, which it handles like "exit". */
static char *
finish_stop(const struct instance *inst, pid_t vswitchd, bool in_stopper)
{
    static const char *const none[] = { NULL };
    char *error;

    error = wait_daemon_gone(inst, &inst->vswitchd, vswitchd);
    if (!error) {
        pid_t server;

        if (in_stopper) {
            server = pidfile_owner(inst->server.pidfile);
            if (server) {
                kill(server, SIGTERM);
            }
        } else {
            server = request_exit(inst, &inst->server, none);
        }
        error = wait_daemon_gone(inst, &inst->server, server);
    }
    if (!error) {
        error = remove_instance(inst);
    }
    return error;
}

/* Asks ovs-vswitchd to exit with --cleanup: it deletes its datapaths, so
 * that the tap devices of the bridges' internal ports (the userspace
 * datapath creates them persistent) go away.  Returns its pid, or 0 if it
 * does not run. */
static pid_t
request_vswitchd_exit(const struct instance *inst)
{
    static const char *const cleanup[] = { "--cleanup", NULL };

    return request_exit(inst, &inst->vswitchd, cleanup);
}

/* Stops both daemons and deletes the instance's directory and lock file.
 * The caller holds the instance lock. */
static char *
stop_locked(const struct instance *inst)
{
    return finish_stop(inst, request_vswitchd_exit(inst), false);
}

/* Like stop_locked(), but returns once ovs-vswitchd has been asked to
 * exit.  A detached process (a grandchild, so that init reaps it) inherits
 * the instance lock 'lock_fd' and does the rest: waits for ovs-vswitchd to
 * be gone, stops ovsdb-server, deletes the directory and exits.  Whoever
 * wants the instance meanwhile waits for the lock, then starts a new one.
 * After a lab of 1000 ports, ovs-vswitchd takes 1.5-2 s to exit (on 2
 * CPUs), tearing down a bridge nobody needs to wait for.
 *
 * The stopper is a fork() without exec.  OVS forbids forking once a
 * process has had threads, because the child might need a lock another
 * thread held.  Call this only when the caller's own threads have been
 * joined (they hold no lock).  OVS's RCU thread ("urcu", started by the
 * first ovsrcu_postpone() and never joined) may still run: of the locks
 * the stopper takes, it only ever holds vlog's, while it warns that a
 * thread has not quiesced for a second, and the stopper logs nothing but a
 * failure (malloc, which it also uses, glibc makes safe in a forked
 * child).  It keeps nothing of the caller open but the lock (a
 * descriptor of a network namespace would keep the namespace alive), uses
 * nothing but system calls until it reports a failure to syslog, and takes
 * no signal from the caller's terminal. */
static char *
stop_locked_in_background(const struct instance *inst, int lock_fd)
{
    pid_t vswitchd = request_vswitchd_exit(inst);
    pid_t pid;

    pid = fork();
    if (pid < 0) {
        VLOG_WARN("fork failed (%s), stopping the private Open vSwitch "
                  "in the foreground", ovs_strerror(errno));
        return finish_stop(inst, vswitchd, false);
    } else if (!pid) {
        /* The child: a grandchild does the work, so that the caller
         * does not have to reap it and init does. */
        if (fork() > 0) {
            _exit(0);
        }

        int null_fd = open("/dev/null", O_RDWR);
        sigset_t none;
        char *error;

        setsid();
        if (null_fd >= 0) {
            dup2(null_fd, STDIN_FILENO);
            dup2(null_fd, STDOUT_FILENO);
            dup2(null_fd, STDERR_FILENO);
        }
        if (dup2(lock_fd, 3) == 3) {
            close_range(4, ~0U, 0);
        }
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);

        error = finish_stop(inst, vswitchd, true);
        if (error) {
            VLOG_ERR("stopping the private Open vSwitch: %s", error);
        }
        _exit(error ? 1 : 0);
    }
    waitpid(pid, NULL, 0);
    return NULL;
}

/* Connects to the instance's database, as switchdb_open_lab() for 'lab' if
 * nonnull, else as switchdb_open().  If 'patient', retries until
 * 'deadline' while ovsdb-server holds its pidfile: a server found running
 * may still be starting.  An OVS daemon takes its pidfile first thing and
 * opens its database and its socket only then, and a process killed while
 * it started one (an "up" interrupted with SIGKILL) does not take the
 * daemon along: the next user of the instance finds it running but not
 * listening yet ("cannot connect"), for a moment. */
static char *
connect_database(const struct instance *inst, const char *lab, bool patient,
                 long long int deadline, struct switchdb **dbp)
{
    for (;;) {
        char *error = (lab
                       ? switchdb_open_lab(inst->remote, inst->timeout_ms,
                                           lab, dbp)
                       : switchdb_open(inst->remote, inst->timeout_ms, dbp));

        if (!error || !patient || time_msec() >= deadline
            || !pidfile_owner(inst->server.pidfile)) {
            return error;
        }
        free(error);
        poll_timer_wait(10);
        poll_block();
    }
}

/* Whether daemon 'd', which this process has just failed to start (before
 * 'deadline'), runs all the same.  One that a process killed while it
 * started it (see connect_database()) had no pidfile yet when we looked
 * may take it before ours does, and ours then gives up ("already
 * running").  That one is as good as one found running, and not ours to
 * stop.
 *
 * Not after the deadline: ovs_program_wait() then killed the starter of
 * our daemon, which may itself be the one that holds the pidfile. */
static bool
daemon_started_meanwhile(const struct daemon *d, long long int deadline)
{
    pid_t pid;

    if (time_msec() >= deadline) {
        return false;
    }
    pid = pidfile_owner(d->pidfile);
    if (pid) {
        VLOG_INFO("%s (pid %ld) was started meanwhile by another process, "
                  "using it", d->program, (long int) pid);
    }
    return pid != 0;
}

/* Makes sure both daemons run, starting what is missing, and connects to
 * the database (as switchdb_open_lab() for 'lab' if nonnull, else as
 * switchdb_open()), storing the connection in '*dbp'.  The caller holds the
 * instance lock.  Daemons started here are stopped again on failure.
 *
 * Running daemons are taken as they are: ovsdb-server answers if the
 * connection gets the database's contents (once it listens: see
 * connect_database()); ovs-vswitchd runs if it holds
 * its pidfile, and whoever needs it to apply something waits for cur_cfg
 * anyway (and reports it if it does not answer).  Asking it to prove it
 * works (incrementing next_cfg and waiting for cur_cfg) would make it
 * reconfigure every bridge: 0.2 s for one of 1000 ports when it has
 * nothing else to do, seconds when it is busy.  A daemon started here is
 * ready when this returns: with --detach, ovs-vswitchd only detaches once
 * it has applied the database. */
static char *
start_locked(const struct instance *inst, const char *lab,
             struct switchdb **dbp)
{
    long long int deadline = time_msec() + inst->timeout_ms;
    bool started_server = false, started_vswitchd = false;
    struct sset names = SSET_INITIALIZER(&names);
    struct ovs_program vswitchd_run;
    struct switchdb *db = NULL;
    char *error;

    *dbp = NULL;
    error = read_instance_dir(inst->dir, &names);
    sset_destroy(&names);
    if (!error && !pidfile_owner(inst->vswitchd.pidfile)) {
        /* Before anything is created or started for an ovs-vswitchd that
         * could not run. */
        error = check_netdev_datapath_free(inst);
    }
    if (error) {
        return error;
    }

    if (access(inst->db, F_OK)) {
        error = create_database(inst);
        if (error) {
            return error;
        }
    }

    if (!pidfile_owner(inst->server.pidfile)) {
        error = start_server(inst, deadline);
        if (error && daemon_started_meanwhile(&inst->server, deadline)) {
            free(error);
            error = NULL;
        } else if (error) {
            goto out;
        } else {
            started_server = true;
        }
    }

    /* ovs-vswitchd takes a while to start: meanwhile this process connects
     * to the database and creates its root row (ovs-vswitchd applies it
     * when it arrives). */
    if (!pidfile_owner(inst->vswitchd.pidfile)) {
        error = spawn_vswitchd(inst, &vswitchd_run);
        if (error) {
            goto out;
        }
        started_vswitchd = true;
    }
    /* A server started here listens: it detached only then. */
    error = connect_database(inst, lab, !started_server, deadline, &db);
    if (!error) {
        /* Nothing to commit unless the database is new. */
        error = switchdb_init(db);
    }
    if (started_vswitchd) {
        /* Also after an error: once ovs-vswitchd has detached (or was
         * killed at the deadline), its pidfile tells the cleanup below
         * whom to stop. */
        char *e = ovs_program_wait(&vswitchd_run, deadline);

        if (e && daemon_started_meanwhile(&inst->vswitchd, deadline)) {
            free(e);
            e = NULL;
            started_vswitchd = false;
        }
        if (error) {
            free(e);
        } else {
            error = e;
        }
    }

out:
    if (error) {
        static const char *const none[] = { NULL };
        pid_t pid;
        char *e;

        switchdb_close(db);
        db = NULL;
        if (started_vswitchd) {
            pid = request_exit(inst, &inst->vswitchd, none);
            e = wait_daemon_gone(inst, &inst->vswitchd, pid);
            free(e);
        }
        if (started_server) {
            pid = request_exit(inst, &inst->server, none);
            e = wait_daemon_gone(inst, &inst->server, pid);
            free(e);
        }
    }
    *dbp = db;
    return error;
}

/* Interface. */

/* Makes sure the private Open vSwitch in 'dir' runs, starting what is
 * missing (creating 'dir' and its database on first use), and connects to
 * its database.  With 'start' false, only an instance that runs (at least
 * one of its daemons) is acquired: if none does, stores NULL in '*pop' and
 * '*dbp' and returns NULL.  'timeout_ms' (0 for
 * PRIVATE_OVS_DEFAULT_TIMEOUT_MS) limits each step.  Safe to call from
 * several processes at once, and from any one thread of a process (it
 * starts programs with posix_spawn() and waits in a poll loop of the
 * calling thread).
 *
 * If the instance is being stopped (see
 * private_ovs_release_and_stop_if_unused()), waits until it is gone, then
 * starts a new one (or, without 'start', acquires nothing).
 *
 * On success stores in '*pop' a handle that marks the instance as used by
 * this process until private_ovs_release() (or
 * private_ovs_release_and_stop_if_unused(), or exit), stores the database
 * connection in '*dbp' (if 'dbp' is nonnull; else it is closed): one made
 * by switchdb_open_lab() for 'lab' if 'lab' is nonnull, otherwise by
 * switchdb_open().  Returns NULL.  Otherwise stores NULL in both and
 * returns an error message; daemons started by this call are stopped
 * again. */
char *
private_ovs_acquire(const char *dir, int timeout_ms, bool start,
                    const char *lab, struct private_ovs **pop,
                    struct switchdb **dbp)
{
    struct switchdb *db = NULL;
    struct instance inst;
    int lock_fd = -1;
    char *error;

    *pop = NULL;
    if (dbp) {
        *dbp = NULL;
    }
    if (!start && !private_ovs_is_running(dir)) {
        return NULL;
    }
    error = instance_init(&inst, dir, timeout_ms);
    if (error) {
        return error;
    }

    /* The directory itself only once locked: whoever holds the lock may be
     * deleting it. */
    char *parent = dir_name(inst.dir);
    error = make_dirs(parent);
    free(parent);
    if (!error) {
        error = lock_instance(&inst, &lock_fd);
    }
    if (!error && !start && !instance_runs(&inst)) {
        /* Stopped while we waited for the lock.  The lock file is ours
         * (lock_instance() creates it) unless an instance is there. */
        if (access(inst.dir, F_OK) && errno == ENOENT) {
            unlink(inst.lock);
        }
        close(lock_fd);
        instance_destroy(&inst);
        return NULL;
    }
    if (!error) {
        error = make_dirs(inst.dir);
    }
    if (!error) {
        /* A database that was there before holds the rows of labs, which
         * their "down" needs (it starts the instance again to remove
         * them): it stays ("ovs-lab ovs stop" removes it). */
        bool had_db = !access(inst.db, F_OK);

        error = start_locked(&inst, lab, &db);
        if (error && !had_db && !instance_runs(&inst)) {
            /* Nothing of the instance runs: leave nothing of it behind. */
            free(remove_instance(&inst));
        }
    }
    if (!error) {
        int fd = open(inst.users, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

        /* Nobody holds it exclusively: that takes the instance lock. */
        if (fd < 0 || flock(fd, LOCK_SH)) {
            error = xasprintf("%s: cannot lock (%s)", inst.users,
                              ovs_strerror(errno));
            if (fd >= 0) {
                close(fd);
            }
            switchdb_close(db);
            db = NULL;
        } else {
            struct private_ovs *po = xmalloc(sizeof *po);

            po->dir = xstrdup(inst.dir);
            po->remote = xstrdup(inst.remote);
            po->timeout_ms = inst.timeout_ms;
            po->users_fd = fd;
            *pop = po;
        }
    }
    if (lock_fd >= 0) {
        close(lock_fd);
    }
    instance_destroy(&inst);
    if (dbp) {
        *dbp = db;
    } else {
        switchdb_close(db);
    }
    return error;
}

/* The database remote of 'po', "unix:DIR/db.sock". */
const char *
private_ovs_remote(const struct private_ovs *po)
{
    return po->remote;
}

/* The absolute directory of 'po'. */
const char *
private_ovs_dir(const struct private_ovs *po)
{
    return po->dir;
}

/* Frees 'po' and ends this process's use of the instance, which keeps
 * running. */
void
private_ovs_release(struct private_ovs *po)
{
    if (po) {
        if (po->users_fd >= 0) {
            close(po->users_fd);
        }
        free(po->dir);
        free(po->remote);
        free(po);
    }
}

/* Whether no process but ours holds the instance's users.lock.  The caller
 * holds the instance lock, which new users need first.  Drops our own hold
 * (which would conflict with the test) and tests the file now at the path,
 * in case the instance was stopped and started again meanwhile. */
static bool
instance_unused(const struct instance *inst, struct private_ovs *po)
{
    bool unused;
    int fd;

    close(po->users_fd);
    po->users_fd = -1;

    fd = open(inst->users, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return errno == ENOENT;
    }
    unused = !flock(fd, LOCK_EX | LOCK_NB);
    close(fd);
    return unused;
}

/* Releases 'po' like private_ovs_release() and, if the instance is not kept
 * (see private_ovs_set_kept()), no other process uses it and its database
 * holds no lab any more, stops it and deletes its directory.  'db' (may be
 * NULL) is a connection to the instance's database to look for labs in,
 * e.g. the one private_ovs_acquire() made (without, this opens one).  Sets
 * '*stopped' to whether it stopped the instance.  Returns NULL or an error
 * message ('po' is freed either way).
 *
 * With 'wait' false, returns as soon as both daemons have been asked to
 * exit: a detached process waits for them and deletes the directory,
 * holding the instance's lock until then, so that whoever acquires the
 * instance meanwhile waits and then starts a new one (see
 * stop_locked_in_background(); only for a process with one thread).  Its
 * errors go to syslog. */
char *
private_ovs_release_and_stop_if_unused(struct private_ovs *po,
                                       struct switchdb *db, bool wait,
                                       bool *stopped)
{
    struct instance inst;
    int lock_fd = -1;
    char *error;

    *stopped = false;
    error = instance_init(&inst, po->dir, po->timeout_ms);
    if (error) {
        private_ovs_release(po);
        return error;
    }

    error = lock_instance(&inst, &lock_fd);
    if (!error && access(inst.kept, F_OK) && instance_unused(&inst, po)) {
        struct sset labs = SSET_INITIALIZER(&labs);
        struct switchdb *own_db = NULL;

        if (!db && pidfile_owner(inst.server.pidfile)) {
            error = switchdb_open(inst.remote, inst.timeout_ms, &own_db);
            db = own_db;
        }
        if (!error && db) {
            error = switchdb_list_labs(db, &labs);
        }
        switchdb_close(own_db);
        if (!error && sset_is_empty(&labs)) {
            error = (wait
                     ? stop_locked(&inst)
                     : stop_locked_in_background(&inst, lock_fd));
            *stopped = !error;
        }
        sset_destroy(&labs);
    }
    if (lock_fd >= 0) {
        close(lock_fd);
    }
    instance_destroy(&inst);
    private_ovs_release(po);
    return error;
}

/* Marks the instance of 'po' as kept, or no longer kept.  A kept instance
 * keeps running when its last lab goes ("ovs-lab ovs start"), so that the
 * next lab finds it running: private_ovs_release_and_stop_if_unused()
 * leaves it alone.  The mark is the file DIR/kept; it goes with the
 * directory when the instance stops.  'po' holds the instance, so it cannot
 * be stopped meanwhile.  Returns NULL or an error message. */
char *
private_ovs_set_kept(const struct private_ovs *po, bool kept)
{
    char *path = xasprintf("%s/kept", po->dir);
    char *error = NULL;

    if (kept) {
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

        if (fd < 0) {
            error = xasprintf("%s: cannot create (%s)", path,
                              ovs_strerror(errno));
        } else {
            close(fd);
        }
    } else if (unlink(path) && errno != ENOENT) {
        error = xasprintf("%s: cannot delete (%s)", path,
                          ovs_strerror(errno));
    }
    free(path);
    return error;
}

/* Sends 'command' for datapath 'dp' to ovs-vswitchd's control socket 'ctl'
 * and waits for the answer until 'deadline'.  Returns NULL, or what went
 * wrong (malloc'd): ovs-vswitchd's error message or why it did not
 * answer. */
static char *
dpctl(const char *ctl, const char *command, const char *dp,
      long long int deadline)
{
    const char *args[] = { dp, NULL };
    char *reply = NULL;
    int error = ovs_program_unixctl(ctl, command, args, deadline, &reply);

    if (reply) {
        size_t len = strlen(reply);

        while (len && isspace((unsigned char) reply[len - 1])) {
            reply[--len] = '\0';
        }
        return reply;
    } else if (error) {
        return xasprintf("no answer (%s)", ovs_retval_to_string(error));
    }
    return NULL;
}

/* Makes ovs-vswitchd of 'po' do now what it does only for its first
 * userspace datapath (docs/performance.md, 5.7): it sleeps 0.1 s there to
 * measure the TSC frequency, once per process.  Creates a datapath of type
 * netdev and deletes it again, so that the next lab's bridge does not wait
 * for that.  For an instance that is kept running ("ovs-lab ovs start"):
 * "up" would only add time by it.
 *
 * Returns NULL, or a warning (malloc'd) for the user: the instance runs
 * either way, but a failure here says something about it.  If ovs-vswitchd
 * cannot create a userspace datapath (no /dev/net/tun in a container, say)
 * or does not answer, a lab's switch will fail the same way; if it cannot
 * delete the one it made, that one's tap device stays on the host until
 * ovs-vswitchd stops. */
char *
private_ovs_warm_up(const struct private_ovs *po)
{
    long long int deadline = time_msec() + po->timeout_ms;
    char *ctl = xasprintf("%s/ovs-vswitchd.ctl", po->dir);
    /* Its tap device appears in the host namespace for a moment: a name of
     * our own, within IFNAMSIZ. */
    char *name = xasprintf("olwarm%ld", (long int) getpid() % 100000);
    char *dp = xasprintf("netdev@%s", name);
    char *warning = NULL;
    char *problem;

    problem = dpctl(ctl, "dpctl/add-dp", dp, deadline);
    if (problem) {
        warning = xasprintf("ovs-vswitchd of the private Open vSwitch could "
                            "not create a userspace datapath (dpctl/add-dp "
                            "%s: %s); a lab's switches need one, so \"up\" "
                            "will likely fail the same way (see "
                            "%s/ovs-vswitchd.log)", dp, problem, po->dir);
    } else {
        problem = dpctl(ctl, "dpctl/del-dp", dp, deadline);
        if (problem) {
            warning = xasprintf("ovs-vswitchd of the private Open vSwitch "
                                "could not delete the datapath it was "
                                "warmed up with (dpctl/del-dp %s: %s); its "
                                "device %s may stay on the host until "
                                "\"ovs-lab ovs stop\"", dp, problem, name);
        }
    }
    free(problem);
    free(dp);
    free(name);
    free(ctl);
    return warning;
}

/* Stores what is known of the private Open vSwitch in 'dir' in 'st' (free
 * it with private_ovs_status_destroy()): which daemons run, whether it is
 * kept, its database remote and ovs-vswitchd's control socket.  Looks at
 * its files only, without locking: the answer may be out of date at once,
 * which is fine for showing it or for deciding whether to acquire it. */
void
private_ovs_get_status(const char *dir, struct private_ovs_status *st)
{
    struct instance inst;
    char *error;

    memset(st, 0, sizeof *st);
    error = instance_init(&inst, dir, 0);
    if (error) {
        free(error);
        return;
    }
    st->server = pidfile_owner(inst.server.pidfile);
    st->vswitchd = pidfile_owner(inst.vswitchd.pidfile);
    st->kept = !access(inst.kept, F_OK);
    st->remote = xstrdup(inst.remote);
    st->vswitchd_ctl = xstrdup(inst.vswitchd.ctl);
    instance_destroy(&inst);
}

void
private_ovs_status_destroy(struct private_ovs_status *st)
{
    if (st) {
        free(st->remote);
        free(st->vswitchd_ctl);
    }
}

/* Whether either daemon of the private Open vSwitch in 'dir' runs. */
bool
private_ovs_is_running(const char *dir)
{
    struct private_ovs_status st;
    bool running;

    private_ovs_get_status(dir, &st);
    running = st.server || st.vswitchd;
    private_ovs_status_destroy(&st);
    return running;
}

/* Stops the private Open vSwitch in 'dir', whoever uses it and whatever its
 * database holds: "exit" to each daemon (ovs-vswitchd with --cleanup, so its
 * tap devices go away), SIGTERM and SIGKILL if that does not work, then
 * deletes the directory and its lock file.  Stopping an instance that does
 * not run or does not exist succeeds.  'timeout_ms' (0 for
 * PRIVATE_OVS_DEFAULT_TIMEOUT_MS) limits the wait for each daemon.  Returns
 * NULL or an error message. */
char *
private_ovs_stop(const char *dir, int timeout_ms)
{
    struct instance inst;
    int lock_fd;
    char *error;

    error = instance_init(&inst, dir, timeout_ms);
    if (error) {
        return error;
    }
    if (access(inst.dir, F_OK) && errno == ENOENT) {
        instance_destroy(&inst);
        return NULL;
    }

    error = lock_instance(&inst, &lock_fd);
    if (!error) {
        error = stop_locked(&inst);
        close(lock_fd);
    }
    instance_destroy(&inst);
    return error;
}

/* Removes what a start of the private Open vSwitch in 'dir' that was killed
 * before the database was in place left behind: the directory, with at
 * most a temporary database file (see create_database()), and the lock
 * file next to it.  Nothing needs them, and "down" leaves nothing behind.
 * Does nothing if a daemon runs or the database is there (it may hold the
 * rows of labs), nor while another process starts or stops the instance
 * (it holds the instance lock, and removes what it does not need itself).
 * Returns NULL or an error message. */
char *
private_ovs_remove_stale(const char *dir)
{
    struct instance inst;
    char *error;
    int err, lock_fd;

    error = instance_init(&inst, dir, 0);
    if (error) {
        return error;
    }
    if (access(inst.dir, F_OK) && access(inst.lock, F_OK)) {
        instance_destroy(&inst);
        return NULL;
    }

    err = file_try_lock(inst.lock, 0600, &lock_fd);
    if (!err) {
        if (!instance_runs(&inst) && access(inst.db, F_OK)
            && errno == ENOENT) {
            error = remove_instance(&inst);
        }
        close(lock_fd);
    } else if (err != EWOULDBLOCK) {
        error = xasprintf("%s: cannot lock (%s)", inst.lock,
                          ovs_strerror(err));
    }
    instance_destroy(&inst);
    return error;
}

/* Whether the kernel's openvswitch module is loaded, that is, whether an
 * existing Open vSwitch can use datapath_type "system".  (The private
 * instance always uses "netdev".) */
bool
private_ovs_kernel_datapath_available(void)
{
    return access("/sys/module/openvswitch", F_OK) == 0;
}
