/* Tearing labs down: "ovs-lab down", and the rollback of a failed "up". */
#include <config.h>
#include "lab.h"
#include "lab-private.h"

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>

#include "netlink-link.h"
#include "netlink-neigh.h"
#include "netlink-rtnl.h"
#include "error-list.h"
#include "nat.h"
#include "netns.h"
#include "openvswitch/dynamic-string.h"
#include "ovs-atomic.h"
#include "ovs-thread.h"
#include "owner.h"
#include "plan.h"
#include "private-ovs.h"
#include "progress.h"
#include "scenario.h"
#include "simap.h"
#include "smap.h"
#include "sset.h"
#include "switchdb.h"
#include "timeval.h"
#include "util.h"

/* How long processes in a namespace get to exit after SIGTERM. */
#define TEARDOWN_GRACE_MS 1000

/* Whether namespace 'name', which does not carry the lab's mark, is what
 * an "up" killed between creating it and marking it leaves: no process in
 * it, no device but lo.  Anything else in a namespace of that name is
 * somebody else's (or the user's), and teardown leaves it alone. */
static bool
netns_is_half_made(const char *name)
{
    struct simap links = SIMAP_INITIALIZER(&links);
    struct rtnl_sock *sock;
    bool half_made = false;
    size_t n_pids;
    pid_t *pids;
    int fd;

    if (netns_list_pids(name, &pids, &n_pids)) {
        return false;
    }
    free(pids);
    if (!n_pids && !netns_open(name, &fd)) {
        if (!rtnl_sock_open(fd, &sock)) {
            half_made = (!rtnl_link_list(sock, &links)
                         && simap_count(&links) == 1
                         && simap_contains(&links, "lo"));
            rtnl_sock_close(sock);
        }
        close(fd);
    }
    simap_destroy(&links);
    return half_made;
}

/* Looks at 'name', a namespace of the lab's plan that does not carry the
 * lab's mark (or is not there): a file in NETNS_RUN_DIR without a
 * namespace mounted on it (left by a killed "up" or "down") is removed at
 * once, and counted in '*n_stale'; a half-made namespace (see
 * netns_is_half_made()) is added to 'found', to be deleted with the
 * others; anything else is added to 'foreign', with the reason, to be
 * reported.  A file that cannot be removed goes into 'errors'. */
static void
find_half_made_netns(const char *name, struct sset *found,
                     struct smap *foreign, size_t *n_stale,
                     struct ds *errors)
{
    int err = netns_remove_stale(name);

    if (!err) {
        ++*n_stale;
    } else if (err == EBUSY) {
        if (netns_is_half_made(name)) {
            sset_add(found, name);
        } else {
            smap_add(foreign, name, "it does not carry the lab's mark and "
                     "has processes or devices other than lo");
        }
    } else if (err != ENOENT) {
        ds_put_format(errors, "namespace %s: cannot remove its stale file "
                      "%s/%s: %s\n", name, NETNS_RUN_DIR, name,
                      ovs_strerror(err));
    }
}

/* The namespaces of 'lab' that carry its mark: those the plan names, or
 * without a plan every "LAB-*" namespace.  With a plan, also those it
 * names that are half made (see find_half_made_netns()). */
static void
find_lab_netns(const char *lab, const struct plan *plan, struct sset *found,
               struct smap *foreign, size_t *n_stale, struct ds *errors)
{
    struct sset candidates = SSET_INITIALIZER(&candidates);
    const char *name;

    if (plan) {
        for (size_t i = 0; i < plan->n_netns; i++) {
            sset_add(&candidates, plan->netns[i].name);
        }
    } else {
        struct sset all = SSET_INITIALIZER(&all);
        size_t prefix_len = strlen(lab) + 1;

        netns_list(&all);
        SSET_FOR_EACH (name, &all) {
            if (!strncmp(name, lab, prefix_len - 1)
                && name[prefix_len - 1] == '-') {
                sset_add(&candidates, name);
            }
        }
        sset_destroy(&all);
    }
    SSET_FOR_EACH (name, &candidates) {
        if (owner_netns_is_lab(name, lab)) {
            sset_add(found, name);
        } else if (plan) {
            find_half_made_netns(name, found, foreign, n_stale, errors);
        }
    }
    sset_destroy(&candidates);
}

/* Whether 'plan' names a namespace that is not in 'found'. */
static bool
plan_has_missing_netns(const struct plan *plan, const struct sset *found)
{
    for (size_t i = 0; i < plan->n_netns; i++) {
        if (!sset_contains(found, plan->netns[i].name)) {
            return true;
        }
    }
    return false;
}

/* netns_kill_unnamed()'s choice: the namespaces of lab 'lab_'. */
static bool
is_lab_netns_fd(int netns_fd, void *lab_)
{
    const char *lab = lab_;

    return owner_netns_fd_is_lab(netns_fd, lab);
}

/* Removes /etc/netns/NETNS and the files in it. */
static int
remove_etc_netns(const char *netns)
{
    char *dir = xasprintf("%s/%s", NETNS_ETC_DIR, netns);
    DIR *d = opendir(dir);
    int err = 0;

    if (d) {
        for (struct dirent *de; (de = readdir(d)) != NULL; ) {
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")
                && unlinkat(dirfd(d), de->d_name, 0) && errno != ENOENT) {
                err = errno;
            }
        }
        closedir(d);
        if (rmdir(dir) && errno != ENOENT) {
            err = errno;
        }
    } else if (errno != ENOENT) {
        err = errno;
    }
    free(dir);
    return err;
}

/* Deletes namespace 'name' and its /etc/netns files, appending problems to
 * 'errors'.  First flushes its neighbour tables: an entry still being
 * resolved, with a packet queued on it (any unanswered ping leaves one),
 * makes the kernel take about 2 s to destroy the namespace. */
static void
delete_netns(const char *name, struct ds *errors)
{
    struct rtnl_sock *sock;
    int fd, err;

    if (!netns_open(name, &fd)) {
        if (!rtnl_sock_open(fd, &sock)) {
            /* At worst the namespace goes slowly. */
            rtnl_neigh_flush(sock, NULL);
            rtnl_sock_close(sock);
        }
        close(fd);
    }

    err = netns_delete(name);
    if (err && err != ENOENT) {
        ds_put_format(errors, "namespace %s: cannot delete: %s\n", name,
                      ovs_strerror(err));
    }
    err = remove_etc_netns(name);
    if (err) {
        ds_put_format(errors, "cannot remove %s/%s: %s\n",
                      NETNS_ETC_DIR, name, ovs_strerror(err));
    }
}

/* Deleting a namespace costs the kernel an expedited RCU grace period
 * (umount2() waits for one, about 0.5 ms on a 2-CPU VM, most of the time
 * "down" spends per namespace), and umounts that wait at the same time
 * share one: 8 threads delete 1000 namespaces in 0.25 s instead of
 * 0.5-0.7 s.  (The kernel's own destruction of the namespaces then has
 * less to overlap with, which takes back a third of the gain.) */
#define TEARDOWN_NETNS_THREADS 8

/* The namespaces that delete_netns_set() deletes, shared by its threads. */
struct netns_deletion {
    const char **names;
    size_t n;
    atomic_size_t next;         /* Index of the next one to delete. */
};

/* One thread of delete_netns_set(). */
struct netns_deleter {
    struct netns_deletion *deletion;
    struct ds errors;           /* Its problems, one per line. */
    pthread_t thread;
};

static void *
netns_deleter_main(void *deleter_)
{
    struct netns_deleter *deleter = deleter_;
    struct netns_deletion *deletion = deleter->deletion;

    for (;;) {
        size_t i;

        atomic_add(&deletion->next, 1, &i);
        if (i >= deletion->n) {
            return NULL;
        }
        delete_netns(deletion->names[i], &deleter->errors);
    }
}

/* Deletes the namespaces in 'names' with delete_netns(), several at a
 * time if there are many. */
static void
delete_netns_set(const struct sset *names, struct ds *errors)
{
    struct netns_deletion deletion = {
        .names = sset_array(names),
        .n = sset_count(names),
    };
    size_t n_threads = MIN(TEARDOWN_NETNS_THREADS, deletion.n / 8);
    struct netns_deleter *deleters;

    atomic_init(&deletion.next, 0);
    deleters = xcalloc(MAX(n_threads, 1), sizeof *deleters);
    for (size_t i = 0; i < MAX(n_threads, 1); i++) {
        deleters[i].deletion = &deletion;
        ds_init(&deleters[i].errors);
    }
    if (n_threads > 1) {
        for (size_t i = 0; i < n_threads; i++) {
            deleters[i].thread = ovs_thread_create("netns_delete",
                                                   netns_deleter_main,
                                                   &deleters[i]);
        }
        for (size_t i = 0; i < n_threads; i++) {
            xpthread_join(deleters[i].thread, NULL);
        }
    } else {
        /* A small lab is not worth a thread. */
        netns_deleter_main(&deleters[0]);
    }
    for (size_t i = 0; i < MAX(n_threads, 1); i++) {
        ds_put_cstr(errors, ds_cstr(&deleters[i].errors));
        ds_destroy(&deleters[i].errors);
    }
    free(deleters);
    free(deletion.names);
}

/* How long ovs-vswitchd gets to remove the devices of a lab's switches that
 * teardown cannot delete itself. */
#define TEARDOWN_OVS_DEVICES_MS 10000

/* Adds to 'names' the kernel devices that ovs-vswitchd made for the
 * switches in 'rows': each bridge's own internal port, named like the
 * bridge, and the other internal ports (gateways on VLANs). */
static void
collect_ovs_devices(const struct switchdb_lab *rows, struct sset *names)
{
    for (size_t i = 0; i < rows->n_bridges; i++) {
        sset_add(names, rows->bridges[i]->name);
    }
    for (size_t i = 0; i < rows->n_ports; i++) {
        if (!strcmp(rows->ports[i]->type, "internal")) {
            sset_add(names, rows->ports[i]->name);
        }
    }
}

/* Makes sure the switch devices in 'names' (see collect_ovs_devices()) are
 * gone, once their rows are.  ovs-vswitchd removes them when it applies
 * the deletion, but for a bridge of 1000 ports that takes it 1.5-2 s, most
 * of it closing the other ports.  With the userspace datapath they are tap
 * devices, which teardown deletes itself: nothing of the lab is left when
 * "down" returns, and an "up" of the same lab right after does not find
 * its bridge's name taken.  (ovs-vswitchd then finds the device gone,
 * which it does not mind: it was about to close it.)  Other devices (the
 * kernel datapath's internal ports cannot be deleted from outside) are
 * waited for.  Stores in '*n' how many were there. */
static char *
remove_ovs_devices(struct rtnl_sock *sock, const char *lab,
                   const struct sset *names, size_t *n)
{
    long long int deadline = time_msec() + TEARDOWN_OVS_DEVICES_MS;
    struct simap tuns = SIMAP_INITIALIZER(&tuns);
    struct sset left = SSET_INITIALIZER(&left);
    const char *name;
    char *error = NULL;

    *n = 0;
    for (bool first = true; ; first = false) {
        struct rtnl_batch *batch;
        int err;

        sset_clear(&left);
        SSET_FOR_EACH (name, names) {
            if (if_nametoindex(name)) {
                sset_add(&left, name);
            }
        }
        if (first) {
            *n = sset_count(&left);
        }
        if (sset_is_empty(&left)) {
            break;
        }
        if (time_msec() >= deadline) {
            char *list = sset_join(&left, " ", "");
            error = xasprintf("lab %s: ovs-vswitchd did not remove the "
                              "devices of its switches within %d ms: %s",
                              lab, TEARDOWN_OVS_DEVICES_MS, list);
            free(list);
            break;
        }

        simap_clear(&tuns);
        err = rtnl_link_list_kind(sock, "tun", &tuns);
        if (err) {
            error = xasprintf("cannot list the host's tap devices: %s",
                              ovs_strerror(err));
            break;
        }
        batch = rtnl_batch_create();
        rtnl_batch_set_context(batch, "lab %s", lab);
        SSET_FOR_EACH (name, &left) {
            if (simap_contains(&tuns, name)) {
                rtnl_link_del(batch, 0, name);
                rtnl_batch_allow_error(batch, ENODEV);
            }
        }
        if (rtnl_batch_count(batch)) {
            error = rtnl_sock_run(sock, batch);
        }
        if (!error && rtnl_batch_count(batch) < sset_count(&left)) {
            xnanosleep(10 * 1000 * 1000);
        }
        rtnl_batch_destroy(batch);
        if (error) {
            break;
        }
    }
    simap_destroy(&tuns);
    sset_destroy(&left);
    return error;
}

/* How long the kernel gets to destroy the devices of deleted namespaces
 * before teardown deletes what is left one by one. */
#define TEARDOWN_LINKS_GONE_MS 10000

/* Makes sure the host-side veths in 'names' are gone.  Their namespace ends
 * went with the namespaces, which the kernel destroys together,
 * asynchronously, taking the host ends with them; deleting each veth
 * instead would cost an RCU grace period per device (~30 ms, 30 s for a
 * 1000-node lab).  Whatever outlives the wait (a namespace kept alive by a
 * descriptor someone holds) is deleted explicitly. */
static char *
remove_host_links(struct rtnl_sock *sock, const char *lab,
                  const struct sset *names)
{
    struct rtnl_batch *batch;
    struct simap left = SIMAP_INITIALIZER(&left);
    const char *name;
    char *error = NULL;
    int err;

    if (sset_is_empty(names)
        || !rtnl_link_wait_gone(sock, names, TEARDOWN_LINKS_GONE_MS)) {
        return NULL;
    }
    err = rtnl_link_list(sock, &left);
    if (err) {
        simap_destroy(&left);
        return xasprintf("cannot list the host's links: %s",
                         ovs_strerror(err));
    }
    batch = rtnl_batch_create();
    rtnl_batch_set_context(batch, "lab %s", lab);
    SSET_FOR_EACH (name, names) {
        if (simap_contains(&left, name)) {
            rtnl_link_del(batch, 0, name);
            rtnl_batch_allow_error(batch, ENODEV);
        }
    }
    if (rtnl_batch_count(batch)) {
        error = rtnl_sock_run(sock, batch);
    }
    rtnl_batch_destroy(batch);
    simap_destroy(&left);
    return error;
}

char *
lab_teardown(const char *lab, const struct plan *plan, struct switchdb *db,
             struct progress *progress, bool *found)
{
    struct sset ovs_devices = SSET_INITIALIZER(&ovs_devices);
    struct sset netns = SSET_INITIALIZER(&netns);
    struct sset links = SSET_INITIALIZER(&links);
    struct smap foreign = SMAP_INITIALIZER(&foreign);
    struct ds errors = DS_EMPTY_INITIALIZER;
    struct rtnl_sock *host_sock = NULL;
    size_t n_stale = 0, n_unnamed = 0;
    char *error;
    int err;

    *found = false;
    progress_begin_phase(progress);
    find_lab_netns(lab, plan, &netns, &foreign, &n_stale, &errors);

    /* Processes first: one left in a namespace keeps the namespace and its
     * veths alive after the namespace's name is gone. */
    err = netns_kill_all_set(&netns, TEARDOWN_GRACE_MS);
    if (err) {
        ds_put_format(&errors, "lab %s: could not stop every process in its "
                      "namespaces: %s\n", lab, ovs_strerror(err));
    }
    /* A namespace whose name was deleted by hand ("ip netns del") lives on
     * while processes of the lab (dnsmasq, started commands) are in it,
     * keeping its veths: they are found by the mark on its lo. */
    if (!plan || plan_has_missing_netns(plan, &netns)) {
        size_t n;

        err = netns_kill_unnamed(is_lab_netns_fd, CONST_CAST(char *, lab),
                                 TEARDOWN_GRACE_MS, &n);
        if (err) {
            ds_put_format(&errors, "lab %s: could not stop every process in "
                          "its namespaces that have no name any more: %s\n",
                          lab, ovs_strerror(err));
        }
        n_unnamed += n;
    }
    progress_phase_done(progress, "processes", sset_count(&netns) + n_unnamed,
                        "namespaces");

    /* The rows go without waiting for ovs-vswitchd to apply that: it takes
     * seconds for a big bridge, and nothing here needs it done, but for the
     * switches' own devices (see remove_ovs_devices()). */
    if (db) {
        struct switchdb_lab rows;

        switchdb_lab_init(&rows, lab);
        switchdb_list(db, lab, &rows);
        if (rows.n_bridges || rows.n_ports) {
            *found = true;
            error = switchdb_remove(db, lab, false);
            if (error) {
                /* Bridges may be kept, with their devices. */
                error_list_add(&errors, error);
            } else {
                collect_ovs_devices(&rows, &ovs_devices);
            }
        }
        progress_phase_done(progress, "OVS rows", rows.n_bridges
                            + rows.n_ports, "removed");
        switchdb_lab_destroy(&rows);
    }

    {
        bool nat_found;

        error = nat_remove(lab, &nat_found);
        *found = *found || nat_found;
        error_list_add(&errors, error);
    }

    /* The host ends are found by their mark, so that they are found even
     * when the lab's record is lost. */
    err = rtnl_sock_open(-1, &host_sock);
    if (!err) {
        err = owner_find_links(host_sock, lab, &links);
    }
    if (err) {
        ds_put_format(&errors, "cannot list the host's links: %s\n",
                      ovs_strerror(err));
    }

    /* Before the namespaces: the kernel destroys those holding the RTNL
     * lock, which deleting a device needs too. */
    if (host_sock && !sset_is_empty(&ovs_devices)) {
        size_t n;

        error = remove_ovs_devices(host_sock, lab, &ovs_devices, &n);
        error_list_add(&errors, error);
        progress_phase_done(progress, "OVS devices", n, "removed");
    }

    delete_netns_set(&netns, &errors);
    progress_phase_done(progress, "namespaces", sset_count(&netns),
                        "removed");

    if (host_sock) {
        error = remove_host_links(host_sock, lab, &links);
        error_list_add(&errors, error);
        progress_phase_done(progress, "veths", sset_count(&links), "removed");
    }

    /* "down" must not say the lab is gone while a namespace of its plan is
     * still there, whoever made it. */
    if (plan) {
        for (size_t i = 0; i < plan->n_netns; i++) {
            const char *name = plan->netns[i].name;

            if (sset_contains(&netns, name)) {
                continue;
            } else if (!netns_exists(name)) {
                /* Its namespace was deleted by hand, or never made. */
                err = remove_etc_netns(name);
                if (err) {
                    ds_put_format(&errors, "cannot remove %s/%s: %s\n",
                                  NETNS_ETC_DIR, name, ovs_strerror(err));
                }
            } else {
                const char *why = smap_get(&foreign, name);

                ds_put_format(&errors, "namespace %s (node %s) is still "
                              "there: %s; remove it (\"ip netns del %s\") "
                              "and run \"ovs-lab down %s\" again\n",
                              name, plan->netns[i].node->name,
                              why ? why : "it appeared during teardown",
                              name, lab);
                *found = true;
            }
        }
    }

    *found = (*found || n_stale || n_unnamed || !sset_is_empty(&links)
              || !sset_is_empty(&netns));
    smap_destroy(&foreign);
    rtnl_sock_close(host_sock);
    sset_destroy(&ovs_devices);
    sset_destroy(&links);
    sset_destroy(&netns);
    return error_list_finish(&errors);
}

char *
lab_down(const char *lab, const struct lab_options *options)
{
    struct lab_record record;
    struct state_lock *lock;
    struct private_ovs *private = NULL;
    struct switchdb *db = NULL;
    struct progress progress;
    const char *remote;
    bool recorded, found;
    char *error;
    int err;

    error = lab_check_privileges("ovs-lab down");
    if (error) {
        return error;
    }
    if (!scenario_is_valid_lab_name(lab)) {
        return xasprintf("'%s' is not a lab name (see \"ovs-lab list\")",
                         lab);
    }
    error = state_lock_lab(lab, "down", &lock);
    if (error) {
        return error;
    }
    progress_init(&progress, options->quiet);

    err = lab_record_load(lab, &record, &error);
    if (err == ENOENT) {
        recorded = false;
    } else if (err) {
        /* The record is damaged: remove what is marked as the lab's. */
        fprintf(stderr, "ovs-lab: warning: %s\n", error);
        free(error);
        recorded = false;
    } else {
        recorded = true;
    }

    /* The lab's rows are in the OVS it was deployed to; without a record,
     * look where the user points, or in the private OVS if it runs. */
    remote = lab_ovsdb_remote_option(options);
    if (recorded && !record.state.private_ovs) {
        remote = record.state.ovsdb;
    }
    if (!remote && recorded && record.state.private_ovs
        && !private_ovs_is_running(PRIVATE_OVS_DEFAULT_DIR)
        && !access(PRIVATE_OVS_DEFAULT_DIR "/conf.db", F_OK)) {
        /* The private OVS died (or was killed) with the lab's rows in its
         * database, and with the tap devices of its bridges: an "up" of
         * the lab would find both.  Started again, it opens the devices,
         * and the usual teardown removes rows and devices; released
         * below, it stops again if no lab uses it. */
        error = private_ovs_acquire(PRIVATE_OVS_DEFAULT_DIR,
                                    PRIVATE_OVS_DEFAULT_TIMEOUT_MS, true, lab,
                                    &private, &db);
        if (error) {
            char *e = xasprintf("cannot start ovs-lab's private Open "
                                "vSwitch, which holds the lab's switches: "
                                "%s", error);

            free(error);
            error = e;
        }
    } else {
        error = lab_connect_ovs_lab(remote, lab, &db, &private);
    }
    if (error) {
        if (recorded) {
            char *e = xasprintf("lab %s: %s; nothing was removed", lab,
                                error);

            free(error);
            lab_record_destroy(&record);
            state_unlock_lab(lock);
            return e;
        }
        fprintf(stderr, "ovs-lab: warning: %s; OVS rows of lab %s (if "
                "any) were not looked for\n", error, lab);
        free(error);
    }

    error = lab_teardown(lab, recorded ? record.plan : NULL, db, &progress,
                         &found);
    if (!error) {
        err = state_remove(lab);
        if (err) {
            error = xasprintf("lab %s: cannot remove %s/%s: %s", lab,
                              STATE_LABS_DIR, lab, ovs_strerror(err));
        }
    }
    /* Stops the private OVS, in the background, if this was its last lab. */
    lab_release_private_ovs_db(private, db, &progress);
    switchdb_close(db);
    if (!remote && !private) {
        /* None runs; an "up" killed while it started one may have left the
         * beginning of one. */
        char *e = private_ovs_remove_stale(PRIVATE_OVS_DEFAULT_DIR);

        if (e) {
            fprintf(stderr, "ovs-lab: warning: %s\n", e);
            free(e);
        }
    }

    if (!error) {
        if (recorded || found) {
            progress_total(&progress, "lab %s is down", lab);
        } else if (!options->quiet) {
            printf("lab %s is not up; nothing to remove\n", lab);
        }
    }
    lab_record_destroy(&record);
    state_unlock_lab(lock);
    return error;
}
