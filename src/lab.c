/* What the lab commands share: options, privileges, records, OVS. */
#include <config.h>
#include "lab.h"
#include "lab-private.h"

#include <errno.h>
#include <signal.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "netns.h"
#include "openvswitch/dynamic-string.h"
#include "plan.h"
#include "private-ovs.h"
#include "progress.h"
#include "scenario.h"
#include "switchdb.h"
#include "util.h"

void
lab_options_init(struct lab_options *options)
{
    memset(options, 0, sizeof *options);
}

static void
interrupt_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
}

void
lab_defer_interrupts(void)
{
    sigset_t set;

    interrupt_signals(&set);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

/* The deferred signal that is pending, or 0. */
static int
pending_interrupt(void)
{
    sigset_t pending;

    if (sigpending(&pending)) {
        return 0;
    }
    return (sigismember(&pending, SIGINT) ? SIGINT
            : sigismember(&pending, SIGTERM) ? SIGTERM
            : sigismember(&pending, SIGHUP) ? SIGHUP
            : 0);
}

bool
lab_interrupted(void)
{
    return pending_interrupt() != 0;
}

int
lab_interrupted_exit_status(void)
{
    int sig = pending_interrupt();

    return sig ? 128 + sig : 0;
}

const char *
lab_ovsdb_remote_option(const struct lab_options *options)
{
    const char *env = getenv(LAB_OVSDB_ENV);

    return options->ovsdb ? options->ovsdb : env && env[0] ? env : NULL;
}

char *
lab_check_privileges(const char *what)
{
    struct __user_cap_header_struct header = {
        .version = _LINUX_CAPABILITY_VERSION_3,
    };
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    static const struct {
        int cap;
        const char *name;
        const char *why;
    } needed[] = {
        { CAP_SYS_ADMIN, "CAP_SYS_ADMIN", "to enter and manage network "
          "namespaces" },
        { CAP_NET_ADMIN, "CAP_NET_ADMIN", "to manage links, addresses and "
          "Open vSwitch" },
    };

    if (syscall(SYS_capget, &header, data)) {
        return xasprintf("%s: cannot read this process's capabilities: %s",
                         what, ovs_strerror(errno));
    }
    for (size_t i = 0; i < ARRAY_SIZE(needed); i++) {
        int cap = needed[i].cap;

        if (!(data[CAP_TO_INDEX(cap)].effective & CAP_TO_MASK(cap))) {
            return xasprintf("%s needs %s %s; run it as root (sudo)",
                             what, needed[i].name, needed[i].why);
        }
    }
    return NULL;
}

int
lab_record_load(const char *lab, struct lab_record *record, char **errorp)
{
    struct plan_options plan_options = { .auto_datapath = "netdev" };
    char *text = NULL;
    char *file_name;
    char *error;
    int err;

    memset(record, 0, sizeof *record);
    *errorp = NULL;
    err = state_load(lab, &record->state, &text);
    if (err) {
        if (err != ENOENT) {
            *errorp = xasprintf("lab %s: cannot read its state in %s/%s: %s",
                                lab, STATE_LABS_DIR, lab, ovs_strerror(err));
        }
        return err;
    }

    file_name = xasprintf("%s/%s/scenario.yaml", STATE_LABS_DIR, lab);
    error = scenario_load_string(text, file_name, &record->scenario);
    free(file_name);
    free(text);
    if (!error) {
        error = scenario_set_name(record->scenario, lab);
    }
    if (!error) {
        /* The datapath does not matter for anything but "up". */
        error = plan_build(record->scenario, &plan_options, &record->plan);
    }
    if (error) {
        *errorp = xasprintf("lab %s: its recorded scenario no longer "
                            "loads:\n%s", lab, error);
        free(error);
        lab_record_destroy(record);
        return EINVAL;
    }
    return 0;
}

void
lab_record_destroy(struct lab_record *record)
{
    if (record) {
        plan_destroy(record->plan);
        scenario_destroy(record->scenario);
        lab_state_destroy(&record->state);
        memset(record, 0, sizeof *record);
    }
}

/* lab_connect_ovs() and lab_connect_ovs_lab(). */
static char *
connect_ovs(const char *remote, bool start, const char *lab,
            struct switchdb **dbp, struct private_ovs **privatep)
{
    char *error;

    *dbp = NULL;
    *privatep = NULL;
    if (!remote) {
        /* The acquire's own connection is the one we need. */
        return private_ovs_acquire(PRIVATE_OVS_DEFAULT_DIR,
                                   PRIVATE_OVS_DEFAULT_TIMEOUT_MS, start, lab,
                                   privatep, dbp);
    }
    error = (lab
             ? switchdb_open_lab(remote, SWITCHDB_DEFAULT_TIMEOUT_MS, lab,
                                 dbp)
             : switchdb_open(remote, SWITCHDB_DEFAULT_TIMEOUT_MS, dbp));
    return error;
}

char *
lab_connect_ovs(const char *remote, bool start, struct switchdb **dbp,
                struct private_ovs **privatep)
{
    return connect_ovs(remote, start, NULL, dbp, privatep);
}

char *
lab_connect_ovs_lab(const char *remote, const char *lab,
                    struct switchdb **dbp, struct private_ovs **privatep)
{
    return connect_ovs(remote, false, lab, dbp, privatep);
}

/* Releases 'ovs' (may be NULL): see lab_release_private_ovs(). */
static void
release_private_ovs(struct private_ovs *ovs, struct switchdb *db,
                    struct progress *progress)
{
    bool stopped = false;
    char *error;

    if (!ovs) {
        return;
    }
    progress_begin_phase(progress);
    error = private_ovs_release_and_stop_if_unused(ovs, db, false, &stopped);
    if (error) {
        /* Not fatal for the lab: tell the user and go on. */
        fprintf(stderr, "ovs-lab: warning: %s\n", error);
        free(error);
    } else if (stopped) {
        progress_phase_done(progress, "private OVS", 1, "stopping");
    }
}

void
lab_release_private_ovs(struct private_ovs *ovs, struct progress *progress)
{
    release_private_ovs(ovs, NULL, progress);
}

void
lab_release_private_ovs_db(struct private_ovs *ovs, struct switchdb *db,
                           struct progress *progress)
{
    release_private_ovs(ovs, db, progress);
}

char *
lab_exec(const char *lab, const char *node, char *argv[],
         const struct lab_options *options OVS_UNUSED, int *exit_statusp)
{
    struct lab_record record;
    const struct scenario_node *snode;
    char *netns;
    char *error;
    int err;

    err = lab_record_load(lab, &record, &error);
    if (err) {
        return (err == ENOENT
                ? xasprintf("lab %s is not up (see \"ovs-lab list\")", lab)
                : error);
    }
    snode = scenario_find_node(record.scenario, node);
    if (!snode) {
        struct ds nodes = DS_EMPTY_INITIALIZER;

        for (size_t i = 0; i < record.scenario->n_nodes; i++) {
            ds_put_format(&nodes, "%s%s", i ? ", " : "",
                          record.scenario->nodes[i].name);
        }
        error = xasprintf("lab %s has no node %s (its nodes: %s)", lab, node,
                          ds_cstr(&nodes));
        ds_destroy(&nodes);
        lab_record_destroy(&record);
        return error;
    }
    netns = plan_netns_name(lab, node);
    lab_record_destroy(&record);
    error = netns_exec(netns, argv, exit_statusp);
    free(netns);
    return error;
}
