/* Tearing labs down: "ovs-lab down", and the rollback of a failed "up". */
#include <config.h>
#include "lab.h"
#include "lab-private.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "netlink-link.h"
#include "netlink-rtnl.h"
#include "nat.h"
#include "netns.h"
#include "openvswitch/dynamic-string.h"
#include "owner.h"
#include "plan.h"
#include "private-ovs.h"
#include "progress.h"
#include "scenario.h"
#include "sset.h"
#include "switchdb.h"
#include "util.h"

/* How long processes in a namespace get to exit after SIGTERM. */
#define TEARDOWN_GRACE_MS 1000

/* The namespaces of 'lab' that carry its mark: those the plan names, or
 * without a plan every "LAB-*" namespace. */
static void
find_lab_netns(const char *lab, const struct plan *plan, struct sset *found)
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
        }
    }
    sset_destroy(&candidates);
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

/* Deletes the host-side veths marked as 'lab''s.  Deleting one end of a
 * veth pair deletes both, at once, which deleting the namespace would only
 * do later in a kernel work queue. */
static char *
delete_host_links(const char *lab, size_t *n_deleted)
{
    struct sset names = SSET_INITIALIZER(&names);
    struct rtnl_sock *sock = NULL;
    struct rtnl_batch *batch = NULL;
    const char *name;
    char *error = NULL;
    int err;

    *n_deleted = 0;
    err = rtnl_sock_open(-1, &sock);
    if (!err) {
        err = owner_find_links(sock, lab, &names);
    }
    if (err) {
        error = xasprintf("cannot list the host's links: %s",
                          ovs_strerror(err));
        goto out;
    }
    batch = rtnl_batch_create();
    rtnl_batch_set_context(batch, "lab %s", lab);
    SSET_FOR_EACH (name, &names) {
        rtnl_link_del(batch, 0, name);
        /* Gone already, e.g. with its namespace: fine. */
        rtnl_batch_allow_error(batch, ENODEV);
    }
    if (rtnl_batch_count(batch)) {
        error = rtnl_sock_run(sock, batch);
    }
    *n_deleted = sset_count(&names);

out:
    rtnl_batch_destroy(batch);
    rtnl_sock_close(sock);
    sset_destroy(&names);
    return error;
}

char *
lab_teardown(const char *lab, const struct plan *plan, struct switchdb *db,
             struct progress *progress, bool *found)
{
    struct sset netns = SSET_INITIALIZER(&netns);
    struct ds errors = DS_EMPTY_INITIALIZER;
    const char *name;
    size_t n_links;
    char *error;

    *found = false;
    progress_begin_phase(progress);
    find_lab_netns(lab, plan, &netns);

    /* Processes first: one left in a namespace keeps the namespace and its
     * veths alive after the namespace's name is gone. */
    SSET_FOR_EACH (name, &netns) {
        int err = netns_kill_all(name, TEARDOWN_GRACE_MS);

        if (err) {
            ds_put_format(&errors, "namespace %s: could not stop all its "
                          "processes: %s\n", name, ovs_strerror(err));
        }
    }
    progress_phase_done(progress, "processes", sset_count(&netns),
                        "namespaces");

    if (db) {
        struct switchdb_lab rows;

        switchdb_lab_init(&rows, lab);
        switchdb_list(db, lab, &rows);
        if (rows.n_bridges || rows.n_ports) {
            *found = true;
            error = switchdb_remove(db, lab, false);
            if (error) {
                ds_put_format(&errors, "%s\n", error);
                free(error);
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
        if (error) {
            ds_put_format(&errors, "%s\n", error);
            free(error);
        }
    }

    error = delete_host_links(lab, &n_links);
    if (error) {
        ds_put_format(&errors, "%s\n", error);
        free(error);
    }
    progress_phase_done(progress, "veths", n_links, "removed");

    SSET_FOR_EACH (name, &netns) {
        int err = netns_delete(name);

        if (err && err != ENOENT) {
            ds_put_format(&errors, "namespace %s: cannot delete: %s\n", name,
                          ovs_strerror(err));
        }
        err = remove_etc_netns(name);
        if (err) {
            ds_put_format(&errors, "cannot remove %s/%s: %s\n",
                          NETNS_ETC_DIR, name, ovs_strerror(err));
        }
    }
    progress_phase_done(progress, "namespaces", sset_count(&netns),
                        "removed");

    *found = *found || n_links || !sset_is_empty(&netns);
    sset_destroy(&netns);
    if (errors.length) {
        ds_chomp(&errors, '\n');
        return ds_steal_cstr(&errors);
    }
    ds_destroy(&errors);
    return NULL;
}

char *
lab_down(const char *lab, const struct lab_options *options)
{
    struct lab_record record;
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
    error = lab_connect_ovs(remote, false, &db, &private);
    if (error) {
        if (recorded) {
            lab_record_destroy(&record);
            return xasprintf("lab %s: %s; nothing was removed", lab, error);
        }
        fprintf(stderr, "ovs-lab: warning: %s; OVS rows of lab %s (if "
                "any) were not looked for\n", error, lab);
        free(error);
    }

    error = lab_teardown(lab, recorded ? record.plan : NULL, db, &progress,
                         &found);
    switchdb_close(db);
    if (!error) {
        err = state_remove(lab);
        if (err) {
            error = xasprintf("lab %s: cannot remove %s/%s: %s", lab,
                              STATE_LABS_DIR, lab, ovs_strerror(err));
        }
    }
    lab_release_private_ovs(private, &progress);

    if (!error) {
        if (recorded || found) {
            progress_total(&progress, "lab %s is down", lab);
        } else if (!options->quiet) {
            printf("lab %s is not up; nothing to remove\n", lab);
        }
    }
    lab_record_destroy(&record);
    return error;
}
