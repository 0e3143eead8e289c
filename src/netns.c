#include <config.h>
#include "netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include "sset.h"
#include "timeval.h"
#include "util.h"

/* The calling thread's namespace.  "/proc/self" would be the thread group
 * leader's, which differs when another thread has switched. */
#define NETNS_SELF "/proc/thread-self/ns/net"

static char *
netns_path(const char *name)
{
    return xasprintf("%s/%s", NETNS_RUN_DIR, name);
}

bool
netns_name_is_valid(const char *name)
{
    return (name[0] != '\0' && strlen(name) <= NAME_MAX
            && !strchr(name, '/')
            && strcmp(name, ".") && strcmp(name, ".."));
}

/* True if directory 'dir_fd' has no entry but "." and "..". */
static bool
netns_dir_is_empty(int dir_fd)
{
    /* A descriptor of its own: readdir() moves the descriptor's offset. */
    int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct dirent *de;
    bool empty = true;
    DIR *dir;

    dir = fd < 0 ? NULL : fdopendir(fd);
    if (!dir) {
        if (fd >= 0) {
            close(fd);
        }
        return false;
    }
    while (empty && (de = readdir(dir)) != NULL) {
        empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
    }
    closedir(dir);
    return empty;
}

/* /run is meant to be a tmpfs, cleared at boot, and on most machines it is.
 * Where it is not (some containers and VMs), the empty files that
 * namespaces are mounted on are created and removed on disk, outlive a
 * reboot as stale entries of "ip netns list", and can be slow: ext4
 * without a journal scans past every inode freed in the last half minute
 * for each new one, 0.3 s for 1000 namespaces created right after 1000
 * were deleted.  So NETNS_RUN_DIR gets a tmpfs of its own, but only while
 * it holds no namespace: the tmpfs would hide them.  Like the mount point
 * "ip netns add" makes, it stays.  Another tool may create a namespace
 * file at the same moment (iproute2 locks only its mount setup): the
 * directory below is checked again once the tmpfs is on it, and the tmpfs
 * removed if that happened.  Failing to mount is not an error: the
 * directory works as it is. */
static void
netns_put_run_dir_on_tmpfs(void)
{
    struct statfs fs;
    int below;

    if (statfs(NETNS_RUN_DIR, &fs)
        || fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC) {
        return;
    }
    /* Opened before the mount, it stays the directory under the tmpfs. */
    below = open(NETNS_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (below < 0) {
        return;
    }
    if (netns_dir_is_empty(below)
        && !mount("tmpfs", NETNS_RUN_DIR, "tmpfs",
                  MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755")
        && !netns_dir_is_empty(below)) {
        umount2(NETNS_RUN_DIR, MNT_DETACH);
    }
    close(below);
}

/* Makes NETNS_RUN_DIR a shared mount point, bind-mounting it onto itself
 * first if it is not a mount point yet, as "ip netns add" does: then
 * unmounting a namespace file also unmounts it in every mount namespace
 * that has a copy (e.g. from "ip netns exec"), so the namespace can be
 * freed.  The flock keeps concurrent creators from stacking mounts. */
static int
netns_prepare_run_dir(void)
{
    /* Once shared, it stays shared; spare the syscalls for big labs. */
    static bool prepared;
    bool made_mount_point = false;
    int error = 0;
    int lock;

    if (prepared) {
        return 0;
    }
    if (mkdir(NETNS_RUN_DIR, 0755) && errno != EEXIST) {
        return errno;
    }

    lock = open(NETNS_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lock < 0) {
        return errno;
    }
    /* Like iproute2, go on without the lock if flock() fails. */
    flock(lock, LOCK_EX);
    netns_put_run_dir_on_tmpfs();
    while (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL)) {
        if (errno != EINVAL || made_mount_point) {
            error = errno;
            break;
        }
        if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC,
                  NULL)) {
            error = errno;
            break;
        }
        made_mount_point = true;
    }
    close(lock);

    prepared = !error;
    return error;
}

int
netns_add(const char *name)
{
    char *path;
    int saved_fd;
    int error;
    int fd;

    if (!netns_name_is_valid(name)) {
        return EINVAL;
    }
    error = netns_prepare_run_dir();
    if (error) {
        return error;
    }

    path = netns_path(name);
    fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
    if (fd < 0) {
        error = errno;
        free(path);
        return error;
    }
    close(fd);

    error = netns_open_current(&saved_fd);
    if (error) {
        goto out_unlink;
    }
    if (unshare(CLONE_NEWNET)) {
        error = errno;
        close(saved_fd);
        goto out_unlink;
    }
    if (mount(NETNS_SELF, path, "none", MS_BIND, NULL)) {
        error = errno;
    }
    netns_leave(saved_fd);
    if (!error) {
        free(path);
        return 0;
    }

out_unlink:
    unlink(path);
    free(path);
    return error;
}

int
netns_delete(const char *name)
{
    char *path;
    int error;

    if (!netns_name_is_valid(name)) {
        return EINVAL;
    }
    path = netns_path(name);
    /* Fails harmlessly if the file is not (or no longer) mounted. */
    umount2(path, MNT_DETACH);
    error = unlink(path) ? errno : 0;
    free(path);
    return error;
}

int
netns_remove_stale(const char *name)
{
    struct statfs fs;
    char *path;
    int error;

    if (!netns_name_is_valid(name)) {
        return EINVAL;
    }
    path = netns_path(name);
    if (statfs(path, &fs)) {
        error = errno;
    } else if (fs.f_type == NSFS_MAGIC) {
        error = EBUSY;
    } else {
        error = unlink(path) ? errno : 0;
    }
    free(path);
    return error;
}

bool
netns_exists(const char *name)
{
    char *path;
    bool exists;

    if (!netns_name_is_valid(name)) {
        return false;
    }
    path = netns_path(name);
    exists = !access(path, F_OK);
    free(path);
    return exists;
}

int
netns_list(struct sset *names)
{
    struct dirent *de;
    DIR *dir;

    dir = opendir(NETNS_RUN_DIR);
    if (!dir) {
        return errno == ENOENT ? 0 : errno;
    }
    while ((de = readdir(dir)) != NULL) {
        if (netns_name_is_valid(de->d_name)) {
            sset_add(names, de->d_name);
        }
    }
    closedir(dir);
    return 0;
}

int
netns_open(const char *name, int *fdp)
{
    char *path;
    int error;

    *fdp = -1;
    if (!netns_name_is_valid(name)) {
        return EINVAL;
    }
    path = netns_path(name);
    *fdp = open(path, O_RDONLY | O_CLOEXEC);
    error = *fdp < 0 ? errno : 0;
    free(path);
    return error;
}

int
netns_open_current(int *fdp)
{
    *fdp = open(NETNS_SELF, O_RDONLY | O_CLOEXEC);
    return *fdp < 0 ? errno : 0;
}

int
netns_enter(int netns_fd, int *saved_fdp)
{
    int error;

    error = netns_open_current(saved_fdp);
    if (error) {
        return error;
    }
    if (setns(netns_fd, CLONE_NEWNET)) {
        error = errno;
        close(*saved_fdp);
        *saved_fdp = -1;
    }
    return error;
}

void
netns_leave(int saved_fd)
{
    if (setns(saved_fd, CLONE_NEWNET)) {
        ovs_abort(errno, "cannot return to the original network namespace");
    }
    close(saved_fd);
}

/* Writes all of 's' to 'fd'. */
static int
write_fully(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t retval = write(fd, s, n);
        if (retval < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        s += retval;
        n -= retval;
    }
    return 0;
}

int
netns_sysctl_set(int netns_fd, const char *key, const char *value)
{
    char *path;
    int saved_fd = -1;
    int error = 0;
    int fd;

    path = xasprintf("/proc/sys/%s", key);
    if (!strchr(key, '/')) {
        for (char *p = path + strlen("/proc/sys/"); *p; p++) {
            if (*p == '.') {
                *p = '/';
            }
        }
    }

    if (netns_fd >= 0) {
        error = netns_enter(netns_fd, &saved_fd);
        if (error) {
            free(path);
            return error;
        }
    }
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        error = errno;
    }
    if (saved_fd >= 0) {
        netns_leave(saved_fd);
    }
    free(path);
    if (error) {
        return error;
    }

    /* The file keeps referring to the namespace it was opened in. */
    error = write_fully(fd, value, strlen(value));
    close(fd);
    return error;
}

/* The identity of a namespace: what stat() gives for its file. */
struct netns_id {
    dev_t dev;
    ino_t ino;
};

/* Calls 'cb' for each process other than the caller, with its pid, the
 * path of its network namespace ("/proc/PID/ns/net") and that namespace's
 * identity, scanning /proc once. */
static int
netns_for_each_process(void (*cb)(pid_t, const char *proc_path,
                                  const struct netns_id *, void *aux),
                       void *aux)
{
    struct dirent *de;
    DIR *dir;

    dir = opendir("/proc");
    if (!dir) {
        return errno;
    }
    while ((de = readdir(dir)) != NULL) {
        char proc_path[64];
        struct netns_id id;
        struct stat st;
        char *end;
        long pid;

        pid = strtol(de->d_name, &end, 10);
        if (*end || pid <= 0 || pid == getpid()) {
            continue;
        }
        snprintf(proc_path, sizeof proc_path, "/proc/%ld/ns/net", pid);
        if (stat(proc_path, &st)) {
            continue;
        }
        id = (struct netns_id) { st.st_dev, st.st_ino };
        cb(pid, proc_path, &id, aux);
    }
    closedir(dir);
    return 0;
}

static int
netns_id_compare(const void *a_, const void *b_)
{
    const struct netns_id *a = a_, *b = b_;

    return (a->dev != b->dev ? (a->dev < b->dev ? -1 : 1)
            : a->ino != b->ino ? (a->ino < b->ino ? -1 : 1)
            : 0);
}

static bool
netns_id_in(const struct netns_id *id, const struct netns_id *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!netns_id_compare(id, &ids[i])) {
            return true;
        }
    }
    return false;
}

/* What netns_collect_pids() passes to collect_pid(). */
struct netns_pids {
    const struct netns_id *ids;
    size_t n_ids;
    pid_t *pids;
    size_t n, allocated;
};

static void
collect_pid(pid_t pid, const char *proc_path OVS_UNUSED,
            const struct netns_id *id, void *c_)
{
    struct netns_pids *c = c_;

    if (netns_id_in(id, c->ids, c->n_ids)) {
        if (c->n >= c->allocated) {
            c->pids = x2nrealloc(c->pids, &c->allocated, sizeof *c->pids);
        }
        c->pids[c->n++] = pid;
    }
}

/* Stores in '*pidsp' (malloc'd) and '*n_pidsp' the processes, other than
 * the caller, whose network namespace is one of the 'n_ids' in 'ids',
 * scanning /proc once. */
static int
netns_collect_pids(const struct netns_id *ids, size_t n_ids,
                   pid_t **pidsp, size_t *n_pidsp)
{
    struct netns_pids c = { .ids = ids, .n_ids = n_ids };
    int error;

    *pidsp = NULL;
    *n_pidsp = 0;
    if (!n_ids) {
        return 0;
    }
    error = netns_for_each_process(collect_pid, &c);
    if (error) {
        free(c.pids);
        return error;
    }
    *pidsp = c.pids;
    *n_pidsp = c.n;
    return 0;
}

static int
netns_get_id(const char *name, struct netns_id *id)
{
    struct stat st;
    char *path;
    int error;

    if (!netns_name_is_valid(name)) {
        return EINVAL;
    }
    path = netns_path(name);
    error = stat(path, &st) ? errno : 0;
    free(path);
    if (!error) {
        id->dev = st.st_dev;
        id->ino = st.st_ino;
    }
    return error;
}

int
netns_list_pids(const char *name, pid_t **pidsp, size_t *n_pidsp)
{
    struct netns_id id;
    int error;

    *pidsp = NULL;
    *n_pidsp = 0;
    error = netns_get_id(name, &id);
    return error ? error : netns_collect_pids(&id, 1, pidsp, n_pidsp);
}

/* Sends 'sig' to each process in the namespaces 'ids'.  Stores in
 * '*n_leftp' how many there were. */
static int
netns_signal_all(const struct netns_id *ids, size_t n_ids, int sig,
                 size_t *n_leftp)
{
    size_t n_pids;
    pid_t *pids;
    int error;

    error = netns_collect_pids(ids, n_ids, &pids, &n_pids);
    for (size_t i = 0; i < n_pids; i++) {
        kill(pids[i], sig);
    }
    free(pids);
    *n_leftp = n_pids;
    return error;
}

/* Waits up to 'ms' milliseconds for the namespaces 'ids' to have no
 * process left, sending 'sig' again at every look so that children forked
 * meanwhile get it too. */
static int
netns_wait_empty(const struct netns_id *ids, size_t n_ids, int sig, int ms)
{
    long long int deadline = time_msec() + ms;

    for (;;) {
        size_t n_left;
        int error = netns_signal_all(ids, n_ids, sig, &n_left);
        if (error || !n_left) {
            return error;
        }
        if (time_msec() >= deadline) {
            return EBUSY;
        }
        xnanosleep(10 * 1000 * 1000);
    }
}

/* netns_kill_all_set() for the namespaces 'ids'. */
static int
netns_kill_ids(const struct netns_id *ids, size_t n_ids, int grace_ms)
{
    size_t n_left;
    int error;

    error = netns_signal_all(ids, n_ids, SIGTERM, &n_left);
    if (!error && n_left
        && netns_wait_empty(ids, n_ids, SIGTERM, grace_ms) == EBUSY) {
        error = netns_wait_empty(ids, n_ids, SIGKILL, 1000);
    }
    return error;
}

int
netns_kill_all_set(const struct sset *names, int grace_ms)
{
    struct netns_id *ids = xmalloc(sset_count(names) * sizeof *ids);
    size_t n_ids = 0;
    const char *name;
    int error;

    SSET_FOR_EACH (name, names) {
        /* A namespace that does not exist has no process to kill. */
        if (!netns_get_id(name, &ids[n_ids])) {
            n_ids++;
        }
    }
    error = netns_kill_ids(ids, n_ids, grace_ms);
    free(ids);
    return error;
}

/* Stores in '*idsp' (malloc'd, sorted) and '*np' the namespaces that have a
 * name in NETNS_RUN_DIR. */
static void
netns_named_ids(struct netns_id **idsp, size_t *np)
{
    size_t n = 0, allocated = 0;
    struct netns_id *ids = NULL;
    struct dirent *de;
    DIR *dir;

    dir = opendir(NETNS_RUN_DIR);
    while (dir && (de = readdir(dir)) != NULL) {
        struct stat st;

        if (netns_name_is_valid(de->d_name)
            && !fstatat(dirfd(dir), de->d_name, &st, 0)) {
            if (n >= allocated) {
                ids = x2nrealloc(ids, &allocated, sizeof *ids);
            }
            ids[n++] = (struct netns_id) { st.st_dev, st.st_ino };
        }
    }
    if (dir) {
        closedir(dir);
    }
    if (n) {
        qsort(ids, n, sizeof *ids, netns_id_compare);
    }
    *idsp = ids;
    *np = n;
}

/* What netns_kill_unnamed() passes to choose_unnamed(). */
struct netns_unnamed {
    bool (*select)(int netns_fd, void *aux);
    void *aux;
    struct netns_id self;       /* The caller's namespace. */
    struct netns_id *named;     /* Sorted, see netns_named_ids(). */
    size_t n_named;
    struct netns_id *seen;      /* Unnamed namespaces asked about. */
    size_t n_seen, seen_allocated;
    struct netns_id *chosen;    /* Those 'select' chose. */
    size_t n_chosen, chosen_allocated;
};

static void
choose_unnamed(pid_t pid OVS_UNUSED, const char *proc_path,
               const struct netns_id *id, void *u_)
{
    struct netns_unnamed *u = u_;
    int fd;

    if (!netns_id_compare(id, &u->self)
        || (u->n_named && bsearch(id, u->named, u->n_named,
                                  sizeof *u->named, netns_id_compare))
        || netns_id_in(id, u->seen, u->n_seen)) {
        return;
    }
    /* The process may have gone meanwhile: then ask again at the next
     * process of the namespace, if any. */
    fd = open(proc_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return;
    }
    if (u->n_seen >= u->seen_allocated) {
        u->seen = x2nrealloc(u->seen, &u->seen_allocated, sizeof *u->seen);
    }
    u->seen[u->n_seen++] = *id;
    if (u->select(fd, u->aux)) {
        if (u->n_chosen >= u->chosen_allocated) {
            u->chosen = x2nrealloc(u->chosen, &u->chosen_allocated,
                                   sizeof *u->chosen);
        }
        u->chosen[u->n_chosen++] = *id;
    }
    close(fd);
}

int
netns_kill_unnamed(bool (*select)(int netns_fd, void *aux), void *aux,
                   int grace_ms, size_t *n_selectedp)
{
    struct netns_unnamed u = { .select = select, .aux = aux };
    struct stat st;
    int error;

    *n_selectedp = 0;
    if (stat("/proc/self/ns/net", &st)) {
        return errno;
    }
    u.self = (struct netns_id) { st.st_dev, st.st_ino };
    netns_named_ids(&u.named, &u.n_named);
    error = netns_for_each_process(choose_unnamed, &u);
    if (!error) {
        error = netns_kill_ids(u.chosen, u.n_chosen, grace_ms);
        *n_selectedp = u.n_chosen;
    }
    free(u.chosen);
    free(u.seen);
    free(u.named);
    return error;
}

int
netns_kill_all(const char *name, int grace_ms)
{
    struct sset names = SSET_INITIALIZER(&names);
    int error;

    sset_add(&names, name);
    error = netns_kill_all_set(&names, grace_ms);
    sset_destroy(&names);
    return error;
}

/* What "ip netns exec" does, split into what must happen before fork()
 * (anything that allocates memory) and what the child does with only
 * system calls. */
struct netns_exec_env {
    const char *name;
    int netns_fd;

    /* Bind mounts from /etc/netns/NAME/FILE onto /etc/FILE. */
    struct netns_bind {
        char *src;
        char *dst;
    } *etc;
    size_t n_etc;
};

/* Steps of entering the namespace, to say which one failed. */
enum netns_exec_step {
    NETNS_STEP_SETNS,
    NETNS_STEP_UNSHARE,
    NETNS_STEP_RSLAVE,
    NETNS_STEP_SYSFS,
    NETNS_STEP_ETC,
    NETNS_STEP_SETSID,
    NETNS_STEP_STDIO,
    NETNS_STEP_CHDIR,
    NETNS_STEP_EXEC,
};

/* A failure, as the child reports it to the parent through a pipe. */
struct netns_exec_failure {
    int step;                   /* One of enum netns_exec_step. */
    int error;                  /* errno value. */
    size_t index;               /* For NETNS_STEP_ETC, which bind mount. */
};

static int
netns_exec_env_init(struct netns_exec_env *env, const char *name)
{
    size_t allocated = 0;
    struct dirent *de;
    char *etc_dir;
    DIR *dir;
    int error;

    memset(env, 0, sizeof *env);
    env->name = name;
    error = netns_open(name, &env->netns_fd);
    if (error) {
        return error;
    }

    etc_dir = xasprintf("%s/%s", NETNS_ETC_DIR, name);
    dir = opendir(etc_dir);
    if (dir) {
        while ((de = readdir(dir)) != NULL) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) {
                continue;
            }
            if (env->n_etc >= allocated) {
                env->etc = x2nrealloc(env->etc, &allocated, sizeof *env->etc);
            }
            env->etc[env->n_etc].src = xasprintf("%s/%s", etc_dir,
                                                 de->d_name);
            env->etc[env->n_etc].dst = xasprintf("/etc/%s", de->d_name);
            env->n_etc++;
        }
        closedir(dir);
    }
    free(etc_dir);
    return 0;
}

static void
netns_exec_env_destroy(struct netns_exec_env *env)
{
    for (size_t i = 0; i < env->n_etc; i++) {
        free(env->etc[i].src);
        free(env->etc[i].dst);
    }
    free(env->etc);
    if (env->netns_fd >= 0) {
        close(env->netns_fd);
    }
}

/* Moves the calling (single-threaded) process into 'env''s namespace the
 * way "ip netns exec" does.  Uses only system calls, so that it is safe
 * between fork() and exec().  On failure fills in '*f'. */
static bool
netns_exec_enter(const struct netns_exec_env *env,
                 struct netns_exec_failure *f)
{
    unsigned long sysfs_flags = 0;
    struct statvfs st;

    f->index = 0;
    if (setns(env->netns_fd, CLONE_NEWNET)) {
        f->step = NETNS_STEP_SETNS;
        goto error;
    }
    if (unshare(CLONE_NEWNS)) {
        f->step = NETNS_STEP_UNSHARE;
        goto error;
    }
    /* Keep our mounts from propagating back to the caller's namespace. */
    if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL)) {
        f->step = NETNS_STEP_RSLAVE;
        goto error;
    }
    /* A /sys that lists this namespace's devices.  If the old one cannot
     * be unmounted, mount over it; a read-only /sys can only be shadowed
     * by a read-only one. */
    if (umount2("/sys", MNT_DETACH) && !statvfs("/sys", &st)
        && st.f_flag & ST_RDONLY) {
        sysfs_flags = MS_RDONLY;
    }
    if (mount(env->name, "/sys", "sysfs", sysfs_flags, NULL)) {
        f->step = NETNS_STEP_SYSFS;
        goto error;
    }
    for (size_t i = 0; i < env->n_etc; i++) {
        if (mount(env->etc[i].src, env->etc[i].dst, "none", MS_BIND, NULL)) {
            f->step = NETNS_STEP_ETC;
            f->index = i;
            goto error;
        }
    }
    return true;

error:
    f->error = errno;
    return false;
}

/* Undoes what signal handling the caller set up (OVS ignores SIGPIPE, for
 * instance, and an ignored signal stays ignored across exec). */
static void
reset_signals(void)
{
    sigset_t none;

    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP) {
            signal(sig, SIG_DFL);
        }
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static char *
netns_exec_failure_to_string(const struct netns_exec_env *env,
                             char *const argv[],
                             const struct netns_exec_failure *f)
{
    const char *error = ovs_strerror(f->error);
    const char *name = env->name;

    switch ((enum netns_exec_step) f->step) {
    case NETNS_STEP_SETNS:
        return xasprintf("%s: cannot enter network namespace: %s",
                         name, error);
    case NETNS_STEP_UNSHARE:
        return xasprintf("%s: cannot create mount namespace: %s",
                         name, error);
    case NETNS_STEP_RSLAVE:
        return xasprintf("%s: \"mount --make-rslave /\" failed: %s",
                         name, error);
    case NETNS_STEP_SYSFS:
        return xasprintf("%s: mount of /sys failed: %s", name, error);
    case NETNS_STEP_ETC:
        return xasprintf("%s: bind mount %s -> %s failed: %s", name,
                         env->etc[f->index].src, env->etc[f->index].dst,
                         error);
    case NETNS_STEP_SETSID:
        return xasprintf("%s: %s: setsid failed: %s", name, argv[0], error);
    case NETNS_STEP_STDIO:
        return xasprintf("%s: %s: cannot redirect standard streams: %s",
                         name, argv[0], error);
    case NETNS_STEP_CHDIR:
        return xasprintf("%s: %s: cannot change directory: %s",
                         name, argv[0], error);
    case NETNS_STEP_EXEC:
        return xasprintf("%s: cannot execute %s: %s", name, argv[0], error);
    }
    return xasprintf("%s: %s: failed: %s", name, argv[0], error);
}

/* Makes 'fd' the child's descriptor 'target' (without close-on-exec). */
static int
move_fd(int fd, int target)
{
    if (fd == target) {
        return fcntl(fd, F_SETFD, 0);
    }
    return dup2(fd, target) < 0 ? -1 : 0;
}

static int
open_output(const char *path, int *fdp)
{
    *fdp = -1;
    if (path) {
        *fdp = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (*fdp < 0) {
            return errno;
        }
    }
    return 0;
}

/* The child side of netns_spawn(): never returns. */
static void OVS_NO_RETURN
netns_spawn_child(const struct netns_exec_env *env, char *const argv[],
                  const struct netns_spawn_options *opts,
                  int stdin_fd, int stdout_fd, int stderr_fd, int status_fd)
{
    struct netns_exec_failure f;

    reset_signals();
    if (!netns_exec_enter(env, &f)) {
        goto error;
    }
    if (opts->detach && setsid() < 0) {
        f.step = NETNS_STEP_SETSID;
        goto error_errno;
    }
    if ((stdin_fd >= 0 && move_fd(stdin_fd, STDIN_FILENO))
        || (stdout_fd >= 0 && move_fd(stdout_fd, STDOUT_FILENO))
        || (stderr_fd >= 0 && move_fd(stderr_fd, STDERR_FILENO))) {
        f.step = NETNS_STEP_STDIO;
        goto error_errno;
    }
    if (opts->cwd && chdir(opts->cwd)) {
        f.step = NETNS_STEP_CHDIR;
        goto error_errno;
    }
    execvp(argv[0], argv);
    f.step = NETNS_STEP_EXEC;

error_errno:
    f.error = errno;
error:
    /* Nothing useful can be done if this fails: the parent then reports
     * success and sees the child exit with status 127. */
    ignore(write(status_fd, &f, sizeof f));
    _exit(127);
}

/* Reads the child's report from 'status_fd': returns true if the child
 * reached exec (the close-on-exec pipe closed without data). */
static bool
read_child_status(int status_fd, struct netns_exec_failure *f)
{
    size_t got = 0;

    while (got < sizeof *f) {
        ssize_t n = read(status_fd, (char *) f + got, sizeof *f - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        got += n;
    }
    return got < sizeof *f;
}

char *
netns_spawn(const char *name, char *const argv[],
            const struct netns_spawn_options *opts_, pid_t *pidp)
{
    static const struct netns_spawn_options no_opts;
    const struct netns_spawn_options *opts = opts_ ? opts_ : &no_opts;
    int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1;
    int status_pipe[2] = { -1, -1 };
    struct netns_exec_failure f;
    struct netns_exec_env env;
    char *error = NULL;
    int retval;
    pid_t pid;

    *pidp = -1;
    retval = netns_exec_env_init(&env, name);
    if (retval) {
        error = xasprintf("%s: cannot open network namespace: %s",
                          name, ovs_strerror(retval));
        goto out;
    }

    retval = open_output(opts->stdout_path, &stdout_fd);
    if (!retval) {
        if (opts->stderr_path && opts->stdout_path
            && !strcmp(opts->stderr_path, opts->stdout_path)) {
            stderr_fd = dup(stdout_fd);
            retval = stderr_fd < 0 ? errno : 0;
        } else {
            retval = open_output(opts->stderr_path, &stderr_fd);
        }
    }
    if (retval) {
        error = xasprintf("%s: %s: cannot open output file: %s",
                          name, argv[0], ovs_strerror(retval));
        goto out;
    }
    if (opts->detach) {
        stdin_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (stdin_fd < 0) {
            error = xasprintf("/dev/null: %s", ovs_strerror(errno));
            goto out;
        }
    }
    if (pipe2(status_pipe, O_CLOEXEC)) {
        error = xasprintf("pipe: %s", ovs_strerror(errno));
        goto out;
    }

    pid = fork();
    if (pid < 0) {
        error = xasprintf("%s: fork: %s", name, ovs_strerror(errno));
        goto out;
    } else if (!pid) {
        close(status_pipe[0]);
        netns_spawn_child(&env, argv, opts, stdin_fd, stdout_fd, stderr_fd,
                          status_pipe[1]);
    }

    close(status_pipe[1]);
    status_pipe[1] = -1;
    if (read_child_status(status_pipe[0], &f)) {
        *pidp = pid;
    } else {
        error = netns_exec_failure_to_string(&env, argv, &f);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
            continue;
        }
    }

out:
    for (int i = 0; i < 2; i++) {
        if (status_pipe[i] >= 0) {
            close(status_pipe[i]);
        }
    }
    if (stdin_fd >= 0) {
        close(stdin_fd);
    }
    if (stdout_fd >= 0) {
        close(stdout_fd);
    }
    if (stderr_fd >= 0) {
        close(stderr_fd);
    }
    netns_exec_env_destroy(&env);
    return error;
}

char *
netns_exec(const char *name, char *const argv[], int *exit_statusp)
{
    struct netns_exec_failure f;
    struct netns_exec_env env;
    char *error;
    int retval;

    retval = netns_exec_env_init(&env, name);
    if (retval) {
        netns_exec_env_destroy(&env);
        return xasprintf("%s: cannot open network namespace: %s",
                         name, ovs_strerror(retval));
    }
    if (netns_exec_enter(&env, &f)) {
        reset_signals();
        execvp(argv[0], argv);
        f.step = NETNS_STEP_EXEC;
        f.error = errno;
        if (exit_statusp) {
            *exit_statusp = f.error == ENOENT ? 127 : 126;
        }
    }
    error = netns_exec_failure_to_string(&env, argv, &f);
    netns_exec_env_destroy(&env);
    return error;
}
