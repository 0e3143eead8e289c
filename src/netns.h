/*
 * Named network namespaces, compatible with iproute2's "ip netns".
 *
 * A named namespace is an empty file /run/netns/NAME with the namespace's
 * /proc/.../ns/net bind-mounted onto it, exactly as "ip netns add" makes
 * it, so "ip netns list", "ip -n NAME ..." and "ip netns exec NAME ..."
 * work on ovs-lab's namespaces and the other way round.  Where /run/netns
 * is on disk (a /run that is not a tmpfs), the first namespace created
 * while it holds none puts a tmpfs on it, which stays.
 *
 * Errors: functions return 0 or a positive errno value, except the two
 * that start programs (netns_spawn(), netns_exec()), which return a
 * malloc'd error message (NULL on success) that the caller must free,
 * because "which step failed" matters there.
 *
 * Namespace switches (netns_enter(), and the ones done internally) act on
 * the calling thread only, as setns(2) does.
 */

#ifndef NETNS_H
#define NETNS_H 1

#include <stdbool.h>
#include <sys/types.h>
#include "openvswitch/compiler.h"

struct sset;

/* Same directories as iproute2's NETNS_RUN_DIR and NETNS_ETC_DIR. */
#define NETNS_RUN_DIR "/run/netns"
#define NETNS_ETC_DIR "/etc/netns"

/* Same rule as "ip netns": not empty, not "." or "..", no '/', at most
 * NAME_MAX bytes. */
bool netns_name_is_valid(const char *name);

/* Creates a new network namespace named 'name'.  Returns EEXIST if one
 * already exists, EINVAL for an invalid name. */
int netns_add(const char *name);

/* Removes the name of namespace 'name' (detaching its bind mount and
 * removing the file).  The namespace itself, with its devices, goes away
 * once no process or open file descriptor refers to it any more (see
 * netns_kill_all()).  Returns ENOENT if there is no such namespace. */
int netns_delete(const char *name);

/* Removes the file of namespace 'name' if no namespace is mounted on it:
 * what a process killed between creating the file and mounting the
 * namespace on it, or between unmounting and removing it, leaves.  Such a
 * file is no namespace, but it makes "ip netns add" of its name fail.
 * Returns 0 if it was removed, EBUSY if a namespace is mounted on it,
 * ENOENT if there is no such file. */
int netns_remove_stale(const char *name);

bool netns_exists(const char *name);

/* Adds the names of all named namespaces (ovs-lab's and others') to
 * 'names'.  A missing /run/netns is not an error. */
int netns_list(struct sset *names);

/* Opens namespace 'name' (or, for netns_open_current(), the calling
 * thread's namespace) and stores the file descriptor in '*fdp'.  The
 * caller owns the descriptor (it is close-on-exec) and must close it.
 * Such a descriptor is what IFLA_NET_NS_FD, rtnl_sock_open() and
 * netns_enter() take. */
int netns_open(const char *name, int *fdp);
int netns_open_current(int *fdp);

/* Moves the calling thread into the namespace that 'netns_fd' refers to,
 * storing a descriptor for the namespace it was in into '*saved_fdp'.
 * On success the caller must call netns_leave('*saved_fdp') to return;
 * on failure the thread has not moved and nothing needs to be undone. */
int netns_enter(int netns_fd, int *saved_fdp);

/* Moves the calling thread back into 'saved_fd' (from netns_enter()) and
 * closes it.  Aborts the program if that fails, because carrying on in
 * the wrong namespace would silently misconfigure everything after. */
void netns_leave(int saved_fd);

/* Writes 'value' to sysctl 'key' in the namespace 'netns_fd' (-1: the
 * caller's own), e.g. "net.ipv4.ip_forward" or
 * "net.ipv6.conf.all.accept_dad".  'key' may use '.' or '/' as separator,
 * as sysctl(8) accepts; with '/' an interface name may contain dots.
 * /proc/sys/net shows the namespace of the task that opens the file, so
 * the file is opened from inside the namespace. */
int netns_sysctl_set(int netns_fd, const char *key, const char *value);

/* Stores in '*pidsp' a malloc'd array (owned by the caller) of the
 * processes other than the caller whose network namespace is 'name', and
 * their number in '*n_pidsp', like "ip netns pids".  Zombies are no longer
 * in any namespace and are not listed. */
int netns_list_pids(const char *name, pid_t **pidsp, size_t *n_pidsp);

/* Terminates every process in namespace 'name' (except the caller): sends
 * SIGTERM, waits up to 'grace_ms' milliseconds for them to go, then sends
 * SIGKILL to what is left.  A process left in a namespace keeps it and
 * its devices alive after netns_delete(), so teardown calls this first.
 * Does not reap the caller's own children; they are left as zombies for
 * the caller's waitpid().  A namespace that does not exist has nothing to
 * kill.  Returns 0 once no process is left, EBUSY if some survived
 * SIGKILL for a second (e.g. stuck in the kernel). */
int netns_kill_all(const char *name, int grace_ms);

/* The same for every namespace in 'names' at once, with one scan of /proc
 * per round instead of one per namespace (1000 scans take seconds). */
int netns_kill_all_set(const struct sset *names, int grace_ms);

/* Terminates, as netns_kill_all_set() does, the processes of the network
 * namespaces that 'select' chooses among those that have processes but no
 * name in NETNS_RUN_DIR (other than the caller's namespace): a namespace
 * whose name "ip netns del" removed lives on as long as a process is in
 * it.  'select' is called once per such namespace with a descriptor for it
 * (which it must not close) and 'aux'.  Stores in '*n_selectedp' how many
 * namespaces were chosen. */
int netns_kill_unnamed(bool (*select)(int netns_fd, void *aux), void *aux,
                       int grace_ms, size_t *n_selectedp);

/* How netns_spawn() sets up the child.  A null pointer means all
 * defaults (inherit everything). */
struct netns_spawn_options {
    /* Files that receive the child's standard output and standard error,
     * opened for appending and created (mode 0644) if needed.  NULL
     * inherits the caller's.  Both may name the same file. */
    const char *stdout_path;
    const char *stderr_path;

    /* Working directory of the child, NULL to inherit. */
    const char *cwd;

    /* Starts a new session (no controlling terminal, no signals from the
     * caller's terminal) with standard input from /dev/null: for daemons
     * and background clients. */
    bool detach;
};

/* Starts 'argv' (argv[0] is looked up in $PATH) inside namespace 'name',
 * set up like "ip netns exec": the network namespace, a private mount
 * namespace with / made rslave, /sys remounted so that it shows the
 * namespace's devices, and each file of /etc/netns/NAME/ bind-mounted
 * over the file of the same name in /etc.  Signal dispositions and mask
 * are reset to the defaults.  On success stores the child's pid in
 * '*pidp' and returns NULL; the caller must reap it with waitpid().  On
 * failure (including a failed exec) nothing is left running. */
char *netns_spawn(const char *name, char *const argv[],
                  const struct netns_spawn_options *, pid_t *pidp)
    OVS_WARN_UNUSED_RESULT;

/* Like netns_spawn() without options, but replaces the calling process
 * (which must be single-threaded), as "ip netns exec" does: for an
 * interactive "ovs-lab exec".  Returns only on failure; if the exec itself
 * failed, stores 127 (not found) or 126 (other errors) in '*exit_statusp'
 * if nonnull, as a shell would. */
char *netns_exec(const char *name, char *const argv[], int *exit_statusp)
    OVS_WARN_UNUSED_RESULT;

#endif /* netns.h */
