/*
 * switchdb: ovs-lab's client of the Open vSwitch database.  See switchdb.h.
 */
#include <config.h>
#include "switchdb.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fatal-signal.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(switchdb);

struct switchdb {
    struct ovsdb_idl *idl;
    char *remote;
    char *lab;                  /* Only this lab's rows are replicated, or
                                 * NULL for all rows (see switchdb_widen()). */
    int timeout_ms;             /* Limit for each connect/commit/wait. */
    size_t chunk_size;          /* Ports per transaction. */
};

/* switchdb_lab. */

void
switchdb_lab_init(struct switchdb_lab *lab, const char *name)
{
    memset(lab, 0, sizeof *lab);
    lab->name = xstrdup(name);
}

static void
switchdb_bridge_destroy(struct switchdb_bridge *br)
{
    free(br->name);
    free(br->datapath_type);
    free(br->switch_name);
    smap_destroy(&br->external_ids);
    free(br);
}

static void
switchdb_port_destroy(struct switchdb_port *port)
{
    free(port->bridge);
    free(port->name);
    free(port->type);
    free(port->trunks);
    free(port->node);
    free(port->iface);
    free(port->error);
    smap_destroy(&port->external_ids);
    free(port);
}

void
switchdb_lab_destroy(struct switchdb_lab *lab)
{
    if (!lab) {
        return;
    }
    for (size_t i = 0; i < lab->n_bridges; i++) {
        switchdb_bridge_destroy(lab->bridges[i]);
    }
    for (size_t i = 0; i < lab->n_ports; i++) {
        switchdb_port_destroy(lab->ports[i]);
    }
    free(lab->bridges);
    free(lab->ports);
    free(lab->name);
    memset(lab, 0, sizeof *lab);
}

/* Adds a bridge to 'lab' and returns it (owned by 'lab').  The strings are
 * copied; NULL 'datapath_type' means "" and NULL 'switch_name' means the
 * bridge's name. */
struct switchdb_bridge *
switchdb_lab_add_bridge(struct switchdb_lab *lab, const char *name,
                        const char *datapath_type, const char *switch_name)
{
    struct switchdb_bridge *br = xzalloc(sizeof *br);

    br->name = xstrdup(name);
    br->datapath_type = xstrdup(datapath_type ? datapath_type : "");
    br->switch_name = xstrdup(switch_name ? switch_name : name);
    smap_init(&br->external_ids);

    if (lab->n_bridges >= lab->allocated_bridges) {
        lab->bridges = x2nrealloc(lab->bridges, &lab->allocated_bridges,
                                  sizeof *lab->bridges);
    }
    lab->bridges[lab->n_bridges++] = br;
    return br;
}

/* Adds a port to 'lab' and returns it (owned by 'lab'), without an access
 * VLAN and without trunks: set 'tag' and call switchdb_port_set_trunks() on
 * the result as needed.  The strings are copied; NULL 'type' means "" (a
 * Linux device that exists already, such as a veth), 'node' and 'iface' may
 * be NULL. */
struct switchdb_port *
switchdb_lab_add_port(struct switchdb_lab *lab, const char *bridge,
                      const char *name, const char *type,
                      const char *node, const char *iface)
{
    struct switchdb_port *port = xzalloc(sizeof *port);

    port->bridge = xstrdup(bridge);
    port->name = xstrdup(name);
    port->type = xstrdup(type ? type : "");
    port->tag = SWITCHDB_NO_TAG;
    port->node = nullable_xstrdup(node);
    port->iface = nullable_xstrdup(iface);
    smap_init(&port->external_ids);

    if (lab->n_ports >= lab->allocated_ports) {
        lab->ports = x2nrealloc(lab->ports, &lab->allocated_ports,
                                sizeof *lab->ports);
    }
    lab->ports[lab->n_ports++] = port;
    return port;
}

/* Replaces the trunked VLANs of 'port' by the 'n' in 'vlans'. */
void
switchdb_port_set_trunks(struct switchdb_port *port,
                         const int *vlans, size_t n)
{
    free(port->trunks);
    port->trunks = n ? xmemdup(vlans, n * sizeof *vlans) : NULL;
    port->n_trunks = n;
}

/* Process setup. */

/* Prepares the process for this module and private-ovs, the way ovs-vsctl
 * does: libopenvswitch logs only warnings and errors to the console (with
 * 'verbose', informational messages too, such as each connection), syslog
 * gets warnings only, and SIGPIPE is ignored so that a database that goes
 * away is an error instead of killing the process.
 *
 * The "Unreasonably long poll interval" warnings are off: ovs-lab does long
 * work (netlink, processes) between poll loops, which is not the problem
 * those warnings are meant to reveal in a daemon. */
void
switchdb_init_process(bool verbose)
{
    vlog_set_levels(NULL, VLF_CONSOLE, verbose ? VLL_INFO : VLL_WARN);
    vlog_set_levels(NULL, VLF_SYSLOG, VLL_WARN);
    vlog_set_levels_from_string_assert("timeval:console:off");
    vlog_set_levels_from_string_assert("timeval:syslog:off");
    fatal_ignore_sigpipe();
}

/* Connection. */

/* Makes the IDL of 'db' replicate only the Bridge, Port and Interface rows
 * marked as lab 'lab''s (the single Open_vSwitch row is always
 * replicated). */
static void
set_lab_condition(struct ovsdb_idl *idl, const char *lab)
{
    struct ovsdb_idl_condition cond;
    struct smap ids = SMAP_INITIALIZER(&ids);

    smap_add(&ids, SWITCHDB_KEY_LAB, lab);

    ovsdb_idl_condition_init(&cond);
    ovsrec_bridge_add_clause_external_ids(&cond, OVSDB_F_INCLUDES, &ids);
    ovsrec_bridge_set_condition(idl, &cond);
    ovsdb_idl_condition_destroy(&cond);

    ovsdb_idl_condition_init(&cond);
    ovsrec_port_add_clause_external_ids(&cond, OVSDB_F_INCLUDES, &ids);
    ovsrec_port_set_condition(idl, &cond);
    ovsdb_idl_condition_destroy(&cond);

    ovsdb_idl_condition_init(&cond);
    ovsrec_interface_add_clause_external_ids(&cond, OVSDB_F_INCLUDES, &ids);
    ovsrec_interface_set_condition(idl, &cond);
    ovsdb_idl_condition_destroy(&cond);

    smap_destroy(&ids);
}

static char *
switchdb_open__(const char *remote, int timeout_ms, const char *lab,
                struct switchdb **dbp)
{
    struct switchdb *db = xzalloc(sizeof *db);
    long long int deadline;
    char *error = NULL;

    db->remote = xstrdup(remote);
    db->lab = nullable_xstrdup(lab);
    db->timeout_ms = timeout_ms > 0 ? timeout_ms : SWITCHDB_DEFAULT_TIMEOUT_MS;
    db->chunk_size = SWITCHDB_DEFAULT_CHUNK_SIZE;

    /* As ovs-vsctl: no retry while connecting, so that a wrong or dead
     * remote is reported at once instead of after the timeout. */
    db->idl = ovsdb_idl_create_unconnected(&ovsrec_idl_class, false);
    ovsdb_idl_set_db_change_aware(db->idl, false);

    /* Monitor only what ovs-lab reads or writes. */
    static const struct ovsdb_idl_column *const columns[] = {
        &ovsrec_open_vswitch_col_bridges,
        &ovsrec_open_vswitch_col_next_cfg,
        &ovsrec_open_vswitch_col_cur_cfg,
        &ovsrec_bridge_col_name,
        &ovsrec_bridge_col_datapath_type,
        &ovsrec_bridge_col_ports,
        &ovsrec_bridge_col_external_ids,
        &ovsrec_port_col_name,
        &ovsrec_port_col_interfaces,
        &ovsrec_port_col_tag,
        &ovsrec_port_col_trunks,
        &ovsrec_port_col_external_ids,
        &ovsrec_interface_col_name,
        &ovsrec_interface_col_type,
        &ovsrec_interface_col_ofport,
        &ovsrec_interface_col_error,
        &ovsrec_interface_col_external_ids,
    };
    for (size_t i = 0; i < ARRAY_SIZE(columns); i++) {
        ovsdb_idl_add_column(db->idl, columns[i]);
    }
    if (lab) {
        set_lab_condition(db->idl, lab);
    }
    ovsdb_idl_set_remote(db->idl, remote, false);

    deadline = time_msec() + db->timeout_ms;
    for (;;) {
        ovsdb_idl_run(db->idl);
        if (ovsdb_idl_has_ever_connected(db->idl)) {
            break;
        }
        if (!ovsdb_idl_is_alive(db->idl)) {
            int retval = ovsdb_idl_get_last_error(db->idl);
            error = xasprintf("%s: cannot connect to the Open vSwitch "
                              "database (%s)", remote,
                              ovs_retval_to_string(retval));
            break;
        }
        if (time_msec() >= deadline) {
            error = xasprintf("%s: no answer from the Open vSwitch database "
                              "within %d ms", remote, db->timeout_ms);
            break;
        }
        ovsdb_idl_wait(db->idl);
        poll_timer_wait_until(deadline);
        poll_block();
    }
    if (error) {
        switchdb_close(db);
        *dbp = NULL;
        return error;
    }

    /* From now on a dropped connection is retried: transactions report
     * TXN_TRY_AGAIN and are redone, waits continue until their deadline. */
    ovsdb_idl_enable_reconnect(db->idl);
    *dbp = db;
    return NULL;
}

/* Connects to the OVSDB server at 'remote' (e.g. "unix:/run/x/db.sock") and
 * waits, at most 'timeout_ms' (0 means SWITCHDB_DEFAULT_TIMEOUT_MS), for the
 * contents of the columns this module uses.  The same limit then applies to
 * each later step.  On success stores the connection in '*dbp' (the caller
 * closes it with switchdb_close()) and returns NULL; otherwise stores NULL
 * and returns an error message naming 'remote' (the caller frees it). */
char *
switchdb_open(const char *remote, int timeout_ms, struct switchdb **dbp)
{
    return switchdb_open__(remote, timeout_ms, NULL, dbp);
}

/* Like switchdb_open(), but replicates only the Bridge, Port and Interface
 * rows of lab 'lab' (conditional monitoring), so that the rows of other labs
 * are never downloaded: what "ovs-lab down" needs.  switchdb_list() and
 * switchdb_remove() of 'lab' work as on a full connection (the latter
 * widens the view by itself in the rare cases that need other rows);
 * switchdb_apply() needs a full connection. */
char *
switchdb_open_lab(const char *remote, int timeout_ms, const char *lab,
                  struct switchdb **dbp)
{
    return switchdb_open__(remote, timeout_ms, lab, dbp);
}

/* Runs the IDL of 'db' until 'done' (called after each run) returns true,
 * at most for the connection's timeout.  Returns whether 'done' did. */
static bool
switchdb_run_until(struct switchdb *db,
                   bool (*done)(struct switchdb *, const void *aux),
                   const void *aux)
{
    long long int deadline = time_msec() + db->timeout_ms;

    for (;;) {
        ovsdb_idl_run(db->idl);
        if (done(db, aux)) {
            return true;
        }
        if (time_msec() >= deadline) {
            return false;
        }
        ovsdb_idl_wait(db->idl);
        poll_timer_wait_until(deadline);
        poll_block();
    }
}

static bool
condition_applied(struct switchdb *db, const void *seqno_)
{
    const unsigned int *seqno = seqno_;

    return ovsdb_idl_get_condition_seqno(db->idl) >= *seqno;
}

/* Makes a connection opened with switchdb_open_lab() replicate every row,
 * like one from switchdb_open(), and waits until it does.  Returns NULL or
 * an error message. */
static char *
switchdb_widen(struct switchdb *db)
{
    struct ovsdb_idl_condition cond;
    unsigned int seqno;

    if (!db->lab) {
        return NULL;
    }
    free(db->lab);
    db->lab = NULL;

    ovsdb_idl_condition_init(&cond);
    ovsdb_idl_condition_add_clause_true(&cond);
    ovsrec_bridge_set_condition(db->idl, &cond);
    ovsrec_port_set_condition(db->idl, &cond);
    seqno = ovsrec_interface_set_condition(db->idl, &cond);
    ovsdb_idl_condition_destroy(&cond);

    if (!switchdb_run_until(db, condition_applied, &seqno)) {
        return xasprintf("%s: the database did not send all of its rows "
                         "within %d ms", db->remote, db->timeout_ms);
    }
    return NULL;
}

void
switchdb_close(struct switchdb *db)
{
    if (db) {
        ovsdb_idl_destroy(db->idl);
        free(db->remote);
        free(db->lab);
        free(db);
    }
}

const char *
switchdb_remote(const struct switchdb *db)
{
    return db->remote;
}

/* Sets how many ports switchdb_apply() and switchdb_remove() put into one
 * transaction (0 means SWITCHDB_DEFAULT_CHUNK_SIZE). */
void
switchdb_set_chunk_size(struct switchdb *db, size_t chunk_size)
{
    db->chunk_size = chunk_size ? chunk_size : SWITCHDB_DEFAULT_CHUNK_SIZE;
}

/* Transactions. */

enum build_result {
    BUILD_OK,                   /* Commit the transaction. */
    BUILD_WAIT,                 /* Needs rows not received yet: retry at the
                                 * next change of the database. */
    BUILD_ERROR,                /* Give up with an error message. */
};

/* Adds operations to 'txn' from the current contents of 'db', or sets
 * '*errorp'. */
typedef enum build_result build_txn_func(struct switchdb *db,
                                         struct ovsdb_idl_txn *txn,
                                         void *aux, char **errorp);

/* ovsdb_idl_txn_commit_block() with a deadline: returns TXN_INCOMPLETE if
 * the server has not answered by then. */
static enum ovsdb_idl_txn_status
commit_until(struct switchdb *db, struct ovsdb_idl_txn *txn,
             long long int deadline)
{
    for (;;) {
        enum ovsdb_idl_txn_status status = ovsdb_idl_txn_commit(txn);
        if (status != TXN_INCOMPLETE || time_msec() >= deadline) {
            return status;
        }
        ovsdb_idl_run(db->idl);
        ovsdb_idl_wait(db->idl);
        ovsdb_idl_txn_wait(txn);
        poll_timer_wait_until(deadline);
        poll_block();
    }
}

/* Commits one transaction the way ovs-vsctl does: 'build' fills it from the
 * IDL's current contents, it carries 'comment' and increments
 * Open_vSwitch.next_cfg (even if nothing else changes when 'force'), and on
 * TXN_TRY_AGAIN it is built again from the next contents of the database.
 * 'build' may be NULL for a transaction that only increments next_cfg.
 *
 * On success returns NULL and stores the new next_cfg in '*next_cfg' (left
 * alone if the transaction changed nothing).  Otherwise returns an error
 * message. */
static char *
switchdb_transact(struct switchdb *db, const char *comment,
                  build_txn_func *build, void *aux, bool force,
                  int64_t *next_cfg)
{
    long long int deadline = time_msec() + db->timeout_ms;
    unsigned int seqno = ovsdb_idl_get_seqno(db->idl);
    bool attempt = true;

    for (;;) {
        ovsdb_idl_run(db->idl);
        if (seqno != ovsdb_idl_get_seqno(db->idl)) {
            seqno = ovsdb_idl_get_seqno(db->idl);
            attempt = true;
        }

        if (attempt) {
            struct ovsdb_idl_txn *txn = ovsdb_idl_txn_create(db->idl);
            const struct ovsrec_open_vswitch *ovs;
            enum ovsdb_idl_txn_status status;
            enum build_result result = BUILD_OK;
            char *error = NULL;

            attempt = false;
            ovsdb_idl_txn_add_comment(txn, "ovs-lab: %s", comment);
            if (build) {
                result = build(db, txn, aux, &error);
            }
            ovs = ovsrec_open_vswitch_first(db->idl);
            if (result == BUILD_OK && !ovs) {
                error = xasprintf("%s: the database has no Open_vSwitch "
                                  "row (run \"ovs-vsctl init\")", db->remote);
                result = BUILD_ERROR;
            }
            if (result != BUILD_OK) {
                ovsdb_idl_txn_abort(txn);
                ovsdb_idl_txn_destroy(txn);
                if (result == BUILD_ERROR) {
                    return error;
                }
                goto wait;
            }

            ovsdb_idl_txn_increment(txn, &ovs->header_,
                                    &ovsrec_open_vswitch_col_next_cfg, force);
            status = commit_until(db, txn, deadline);
            switch (status) {
            case TXN_SUCCESS:
                *next_cfg = ovsdb_idl_txn_get_increment_new_value(txn);
                /* fall through */
            case TXN_UNCHANGED:
                break;
            case TXN_TRY_AGAIN:
                VLOG_DBG("%s: %s: database changed, trying again",
                         db->remote, comment);
                break;
            case TXN_INCOMPLETE:
                error = xasprintf("%s: %s: no answer from the database "
                                  "within %d ms", db->remote, comment,
                                  db->timeout_ms);
                break;
            case TXN_ERROR:
                error = xasprintf("%s: %s: transaction failed: %s",
                                  db->remote, comment,
                                  ovsdb_idl_txn_get_error(txn));
                break;
            case TXN_UNCOMMITTED:
            case TXN_ABORTED:
            case TXN_NOT_LOCKED:
            default:
                error = xasprintf("%s: %s: transaction failed (%s)",
                                  db->remote, comment,
                                  ovsdb_idl_txn_status_to_string(status));
                break;
            }
            ovsdb_idl_txn_destroy(txn);
            if (status != TXN_TRY_AGAIN) {
                return error;
            }
        }

    wait:
        if (time_msec() >= deadline) {
            return xasprintf("%s: %s: gave up after %d ms (the database "
                             "kept changing or did not send the rows "
                             "needed)", db->remote, comment, db->timeout_ms);
        }
        ovsdb_idl_wait(db->idl);
        poll_timer_wait_until(deadline);
        poll_block();
    }
}

static bool
cur_cfg_reached(struct switchdb *db, const void *next_cfg_)
{
    const int64_t *next_cfg = next_cfg_;
    const struct ovsrec_open_vswitch *ovs = ovsrec_open_vswitch_first(db->idl);

    return ovs && ovs->cur_cfg >= *next_cfg;
}

/* Waits until ovs-vswitchd reports in Open_vSwitch.cur_cfg that it has
 * applied configuration 'next_cfg'. */
static char *
switchdb_wait_cur_cfg(struct switchdb *db, int64_t next_cfg)
{
    const struct ovsrec_open_vswitch *ovs;

    if (switchdb_run_until(db, cur_cfg_reached, &next_cfg)) {
        return NULL;
    }
    ovs = ovsrec_open_vswitch_first(db->idl);
    return xasprintf("%s: ovs-vswitchd did not apply the configuration "
                     "within %d ms (next_cfg %"PRId64", cur_cfg %"PRId64"): "
                     "is ovs-vswitchd running and connected to this "
                     "database?", db->remote, db->timeout_ms, next_cfg,
                     ovs ? ovs->cur_cfg : 0);
}

static enum build_result
build_init(struct switchdb *db, struct ovsdb_idl_txn *txn,
           void *aux OVS_UNUSED, char **errorp OVS_UNUSED)
{
    if (!ovsrec_open_vswitch_first(db->idl)) {
        ovsrec_open_vswitch_insert(txn);
    }
    return BUILD_OK;
}

/* Creates the Open_vSwitch root row if the database has none, like
 * "ovs-vsctl --no-wait init".  Returns NULL or an error message. */
char *
switchdb_init(struct switchdb *db)
{
    int64_t next_cfg = 0;

    return switchdb_transact(db, "init", build_init, NULL, false, &next_cfg);
}

/* Lookups in the IDL. */

static const char *
row_lab(const struct smap *external_ids)
{
    return smap_get(external_ids, SWITCHDB_KEY_LAB);
}

static bool
row_is_lab(const struct smap *external_ids, const char *lab)
{
    const char *owner = row_lab(external_ids);
    return owner && !strcmp(owner, lab);
}

/* Describes who owns a row whose external_ids are 'external_ids', for error
 * messages. */
static char *
describe_owner(const struct smap *external_ids)
{
    const char *owner = row_lab(external_ids);
    return (owner
            ? xasprintf("it belongs to lab %s", owner)
            : xstrdup("it was not created by ovs-lab"));
}

/* The database's bridges, ports and interfaces by name, and each port's
 * bridge.  The maps point into the IDL: rebuild after ovsdb_idl_run(). */
struct db_index {
    struct shash bridges;       /* const struct ovsrec_bridge *. */
    struct shash ports;         /* const struct ovsrec_port *. */
    struct shash ifaces;        /* const struct ovsrec_interface *. */
    struct shash port_bridge;   /* Port name -> the port's bridge. */
};

static void
db_index_init(struct db_index *idx, struct ovsdb_idl *idl)
{
    const struct ovsrec_bridge *br;
    const struct ovsrec_port *port;
    const struct ovsrec_interface *iface;

    shash_init(&idx->bridges);
    shash_init(&idx->ports);
    shash_init(&idx->ifaces);
    shash_init(&idx->port_bridge);
    OVSREC_BRIDGE_FOR_EACH (br, idl) {
        shash_add_once(&idx->bridges, br->name, br);
        for (size_t i = 0; i < br->n_ports; i++) {
            shash_add_once(&idx->port_bridge, br->ports[i]->name, br);
        }
    }
    OVSREC_PORT_FOR_EACH (port, idl) {
        shash_add_once(&idx->ports, port->name, port);
    }
    OVSREC_INTERFACE_FOR_EACH (iface, idl) {
        shash_add_once(&idx->ifaces, iface->name, iface);
    }
}

static void
db_index_destroy(struct db_index *idx)
{
    shash_destroy(&idx->bridges);
    shash_destroy(&idx->ports);
    shash_destroy(&idx->ifaces);
    shash_destroy(&idx->port_bridge);
}

/* Apply. */

struct apply_chunk {
    const struct switchdb_lab *lab;
    size_t start, end;          /* Ports [start, end) of 'lab'. */
};

/* "port NAME (LAB NODE.IFACE)" for messages about 'port'. */
static void
put_port_name(struct ds *s, const char *lab, const struct switchdb_port *port)
{
    ds_put_format(s, "port %s (%s", port->name, lab);
    if (port->node || port->iface) {
        ds_put_format(s, " %s%s%s", port->node ? port->node : "",
                      port->node && port->iface ? "." : "",
                      port->iface ? port->iface : "");
    }
    ds_put_char(s, ')');
}

/* Checks before changing anything that 'lab' can be applied: names unique
 * within the lab, existing rows of those names belong to the lab (they are
 * then updated in place, so applying twice is harmless), every port's
 * bridge is in the lab or in the database.  Returns NULL or a message
 * listing every problem. */
static char *
check_apply(struct switchdb *db, const struct switchdb_lab *lab)
{
    struct sset bridge_names = SSET_INITIALIZER(&bridge_names);
    struct sset port_names = SSET_INITIALIZER(&port_names);
    struct ds problems = DS_EMPTY_INITIALIZER;
    struct db_index idx;
    size_t n_problems = 0;

    db_index_init(&idx, db->idl);
    for (size_t i = 0; i < lab->n_bridges; i++) {
        const struct switchdb_bridge *sb = lab->bridges[i];
        const struct ovsrec_bridge *br = shash_find_data(&idx.bridges,
                                                         sb->name);
        const struct ovsrec_port *port = shash_find_data(&idx.ports,
                                                         sb->name);
        const struct ovsrec_interface *iface = shash_find_data(&idx.ifaces,
                                                               sb->name);

        if (!sset_add(&bridge_names, sb->name)) {
            ds_put_format(&problems, "\n  bridge %s is listed twice",
                          sb->name);
            n_problems++;
        } else if (br && !row_is_lab(&br->external_ids, lab->name)) {
            char *owner = describe_owner(&br->external_ids);
            ds_put_format(&problems, "\n  bridge %s already exists and %s",
                          sb->name, owner);
            free(owner);
            n_problems++;
        } else if (!br && (port || iface)) {
            /* The bridge's own port and interface would take the name. */
            ds_put_format(&problems, "\n  bridge %s: a port or interface "
                          "of that name already exists", sb->name);
            n_problems++;
        }
    }
    for (size_t i = 0; i < lab->n_ports; i++) {
        const struct switchdb_port *sp = lab->ports[i];
        const struct ovsrec_port *port = shash_find_data(&idx.ports,
                                                         sp->name);
        const struct ovsrec_interface *iface = shash_find_data(&idx.ifaces,
                                                               sp->name);
        const struct ovsrec_bridge *port_br
            = shash_find_data(&idx.port_bridge, sp->name);
        const char *problem = NULL;
        char *owner = NULL;

        if (!sset_add(&port_names, sp->name)
            || sset_contains(&bridge_names, sp->name)) {
            problem = "has the name of another port or bridge of the lab";
        } else if (port && !row_is_lab(&port->external_ids, lab->name)) {
            owner = describe_owner(&port->external_ids);
        } else if (iface && !row_is_lab(&iface->external_ids, lab->name)) {
            owner = describe_owner(&iface->external_ids);
        } else if (port_br && strcmp(port_br->name, sp->bridge)) {
            problem = "exists already on another bridge";
        } else if (!sset_contains(&bridge_names, sp->bridge)
                   && !shash_find(&idx.bridges, sp->bridge)) {
            problem = "is on a bridge that does not exist";
        } else if (sp->tag < SWITCHDB_NO_TAG || sp->tag > 4095) {
            problem = "has a VLAN tag outside 0...4095";
        }
        for (size_t j = 0; !problem && j < sp->n_trunks; j++) {
            if (sp->trunks[j] < 0 || sp->trunks[j] > 4095) {
                problem = "trunks a VLAN outside 0...4095";
            }
        }
        if (problem || owner) {
            ds_put_cstr(&problems, "\n  ");
            put_port_name(&problems, lab->name, sp);
            ds_put_format(&problems, " on bridge %s: %s", sp->bridge,
                          owner ? "already exists and " : problem);
            if (owner) {
                ds_put_cstr(&problems, owner);
                free(owner);
            }
            n_problems++;
        }
    }
    db_index_destroy(&idx);
    sset_destroy(&bridge_names);
    sset_destroy(&port_names);

    if (!n_problems) {
        ds_destroy(&problems);
        return NULL;
    }
    char *error = xasprintf("%s: cannot apply lab %s (%"PRIuSIZE" problem%s):"
                            "%s", db->remote, lab->name, n_problems,
                            n_problems > 1 ? "s" : "", ds_cstr(&problems));
    ds_destroy(&problems);
    return error;
}

static void
lab_ids(struct smap *ids, const char *lab)
{
    smap_init(ids);
    smap_add(ids, SWITCHDB_KEY_LAB, lab);
}

static void
port_ids(struct smap *ids, const char *lab, const struct switchdb_port *sp)
{
    lab_ids(ids, lab);
    if (sp->node) {
        smap_add(ids, SWITCHDB_KEY_NODE, sp->node);
    }
    if (sp->iface) {
        smap_add(ids, SWITCHDB_KEY_INTERFACE, sp->iface);
    }
}

static enum build_result
build_bridges(struct switchdb *db, struct ovsdb_idl_txn *txn,
              void *lab_, char **errorp OVS_UNUSED)
{
    const struct switchdb_lab *lab = lab_;
    const struct ovsrec_open_vswitch *ovs;
    struct db_index idx;

    ovs = ovsrec_open_vswitch_first(db->idl);
    if (!ovs) {
        return BUILD_OK;        /* switchdb_transact() reports it. */
    }

    db_index_init(&idx, db->idl);
    for (size_t i = 0; i < lab->n_bridges; i++) {
        const struct switchdb_bridge *sb = lab->bridges[i];
        const struct ovsrec_bridge *br = shash_find_data(&idx.bridges,
                                                         sb->name);
        struct smap ids;

        if (br) {
            /* The lab's own bridge from an earlier apply: update it. */
            if (strcmp(br->datapath_type, sb->datapath_type)) {
                ovsrec_bridge_set_datapath_type(br, sb->datapath_type);
            }
            ovsrec_bridge_update_external_ids_setkey(br, SWITCHDB_KEY_SWITCH,
                                                     sb->switch_name);
            continue;
        }

        /* Like "ovs-vsctl add-br": the bridge with its own internal port,
         * all three rows marked as the lab's. */
        lab_ids(&ids, lab->name);
        smap_add(&ids, SWITCHDB_KEY_SWITCH, sb->switch_name);

        struct ovsrec_interface *iface = ovsrec_interface_insert(txn);
        ovsrec_interface_set_name(iface, sb->name);
        ovsrec_interface_set_type(iface, "internal");
        ovsrec_interface_set_external_ids(iface, &ids);

        struct ovsrec_port *port = ovsrec_port_insert(txn);
        ovsrec_port_set_name(port, sb->name);
        ovsrec_port_set_interfaces(port, &iface, 1);
        ovsrec_port_set_external_ids(port, &ids);

        struct ovsrec_bridge *new_br = ovsrec_bridge_insert(txn);
        ovsrec_bridge_set_name(new_br, sb->name);
        ovsrec_bridge_set_datapath_type(new_br, sb->datapath_type);
        ovsrec_bridge_set_ports(new_br, &port, 1);
        ovsrec_bridge_set_external_ids(new_br, &ids);

        ovsrec_open_vswitch_update_bridges_addvalue(ovs, new_br);
        smap_destroy(&ids);
    }
    db_index_destroy(&idx);
    return BUILD_OK;
}

static void
set_port_vlans(const struct ovsrec_port *port, const struct switchdb_port *sp)
{
    int64_t tag = sp->tag;
    int64_t *trunks = xmalloc((sp->n_trunks + 1) * sizeof *trunks);

    for (size_t i = 0; i < sp->n_trunks; i++) {
        trunks[i] = sp->trunks[i];
    }
    ovsrec_port_set_tag(port, &tag, sp->tag != SWITCHDB_NO_TAG);
    ovsrec_port_set_trunks(port, trunks, sp->n_trunks);
    free(trunks);
}

static enum build_result
build_ports(struct switchdb *db, struct ovsdb_idl_txn *txn,
            void *chunk_, char **errorp OVS_UNUSED)
{
    const struct apply_chunk *chunk = chunk_;
    const struct switchdb_lab *lab = chunk->lab;
    enum build_result result = BUILD_OK;
    struct db_index idx;

    db_index_init(&idx, db->idl);
    for (size_t i = chunk->start; i < chunk->end; i++) {
        const struct switchdb_port *sp = lab->ports[i];
        const struct ovsrec_port *port = shash_find_data(&idx.ports,
                                                         sp->name);
        const struct ovsrec_interface *iface;
        struct smap ids;

        if (port) {
            /* The lab's own port from an earlier apply: update it, keeping
             * external_ids that others may have added. */
            const struct smap_node *node;

            port_ids(&ids, lab->name, sp);
            set_port_vlans(port, sp);
            SMAP_FOR_EACH (node, &ids) {
                ovsrec_port_update_external_ids_setkey(port, node->key,
                                                       node->value);
            }
            for (size_t j = 0; j < port->n_interfaces; j++) {
                iface = port->interfaces[j];
                if (strcmp(iface->name, sp->name)) {
                    continue;
                }
                if (strcmp(iface->type, sp->type)) {
                    ovsrec_interface_set_type(iface, sp->type);
                }
                SMAP_FOR_EACH (node, &ids) {
                    ovsrec_interface_update_external_ids_setkey(
                        iface, node->key, node->value);
                }
            }
            smap_destroy(&ids);
            continue;
        }

        const struct ovsrec_bridge *br = shash_find_data(&idx.bridges,
                                                         sp->bridge);
        if (!br) {
            /* Inserted by the bridge transaction but not yet received. */
            result = BUILD_WAIT;
            break;
        }

        port_ids(&ids, lab->name, sp);
        struct ovsrec_interface *new_iface = ovsrec_interface_insert(txn);
        ovsrec_interface_set_name(new_iface, sp->name);
        ovsrec_interface_set_type(new_iface, sp->type);
        ovsrec_interface_set_external_ids(new_iface, &ids);

        struct ovsrec_port *new_port = ovsrec_port_insert(txn);
        ovsrec_port_set_name(new_port, sp->name);
        ovsrec_port_set_interfaces(new_port, &new_iface, 1);
        set_port_vlans(new_port, sp);
        ovsrec_port_set_external_ids(new_port, &ids);
        smap_destroy(&ids);

        /* A mutation, not a rewrite of Bridge.ports: other clients may be
         * adding ports to the same bridge. */
        ovsrec_bridge_update_ports_addvalue(br, new_port);
    }
    db_index_destroy(&idx);
    return result;
}

/* True if ovs-vswitchd has not yet reported on 'sp': neither an OpenFlow
 * port nor an error. */
static bool
port_is_pending(const struct db_index *idx, const struct switchdb_port *sp)
{
    const struct ovsrec_interface *iface = shash_find_data(&idx->ifaces,
                                                           sp->name);

    return (iface && !iface->n_ofport
            && !(iface->error && iface->error[0]));
}

static bool
no_port_pending(struct switchdb *db, const void *lab_)
{
    const struct switchdb_lab *lab = lab_;
    struct db_index idx;
    bool pending = false;

    db_index_init(&idx, db->idl);
    for (size_t i = 0; i < lab->n_ports && !pending; i++) {
        pending = port_is_pending(&idx, lab->ports[i]);
    }
    db_index_destroy(&idx);
    return !pending;
}

/* Waits, up to the timeout, until ovs-vswitchd has reported an OpenFlow
 * port or an error for every port of 'lab'.  cur_cfg >= next_cfg normally
 * means it has, but under load ovs-vswitchd has been seen to report
 * cur_cfg before the ofport of every new interface. */
static void
wait_for_ports(struct switchdb *db, const struct switchdb_lab *lab)
{
    /* What is still missing then, check_ports() reports. */
    switchdb_run_until(db, no_port_pending, lab);
}

/* After ovs-vswitchd has applied the lab, checks that each of its ports got
 * an OpenFlow port number.  Returns NULL or a message naming every port
 * that failed, with ovs-vswitchd's reason. */
static char *
check_ports(struct switchdb *db, const struct switchdb_lab *lab)
{
    struct ds failures = DS_EMPTY_INITIALIZER;
    size_t n_failed = 0;
    struct db_index idx;

    db_index_init(&idx, db->idl);
    for (size_t i = 0; i < lab->n_ports; i++) {
        const struct switchdb_port *sp = lab->ports[i];
        const struct ovsrec_interface *iface = shash_find_data(&idx.ifaces,
                                                               sp->name);
        const char *reason;

        if (!iface) {
            reason = "missing from the database";
        } else if (iface->n_ofport && iface->ofport[0] > 0) {
            continue;
        } else if (iface->error && iface->error[0]) {
            reason = iface->error;
        } else {
            reason = "ovs-vswitchd assigned no OpenFlow port";
        }
        ds_put_cstr(&failures, "\n  ");
        put_port_name(&failures, lab->name, sp);
        ds_put_format(&failures, ": %s", reason);
        n_failed++;
    }
    db_index_destroy(&idx);

    if (!n_failed) {
        ds_destroy(&failures);
        return NULL;
    }
    char *error = xasprintf("%s: ovs-vswitchd could not add %"PRIuSIZE" of "
                            "the %"PRIuSIZE" ports of lab %s:%s", db->remote,
                            n_failed, lab->n_ports, lab->name,
                            ds_cstr(&failures));
    ds_destroy(&failures);
    return error;
}

/* Creates or updates in the database every bridge and port of 'lab': one
 * transaction for the bridges, then the ports in transactions of the chunk
 * size, waiting after each transaction until ovs-vswitchd has applied it;
 * then checks that every port got an OpenFlow port.  Rows that already
 * exist under the same names must belong to the lab (they are updated, so
 * applying twice is harmless); any other existing row of the same name is an
 * error before anything changes.
 *
 * Returns NULL on success, otherwise an error message (e.g. naming each port
 * ovs-vswitchd could not add, with its reason).  After an error, rows of the
 * lab may exist; switchdb_remove() deletes them. */
char *
switchdb_apply(struct switchdb *db, const struct switchdb_lab *lab)
{
    char *error = switchdb_apply_bridges(db, lab);

    return error ? error : switchdb_apply_ports(db, lab);
}

char *
switchdb_apply_bridges(struct switchdb *db, const struct switchdb_lab *lab)
{
    const struct ovsrec_open_vswitch *ovs;
    int64_t next_cfg = 0;
    char *error;

    /* A bridge of the same name may just have been deleted ("up" right
     * after "down") without ovs-vswitchd having applied that yet.  If it
     * saw the deletion and the new bridge in one reconfiguration, it would
     * keep the old bridge, whose devices "down" has deleted; so it gets to
     * catch up first (no wait at all when it has). */
    ovsdb_idl_run(db->idl);
    ovs = ovsrec_open_vswitch_first(db->idl);
    if (ovs && ovs->cur_cfg < ovs->next_cfg) {
        error = switchdb_wait_cur_cfg(db, ovs->next_cfg);
        if (error) {
            return error;
        }
    }

    error = check_apply(db, lab);
    if (error) {
        return error;
    }

    char *comment = xasprintf("add bridges of lab %s", lab->name);
    error = switchdb_transact(db, comment, build_bridges,
                              CONST_CAST(struct switchdb_lab *, lab), false,
                              &next_cfg);
    free(comment);

    if (!error && next_cfg) {
        error = switchdb_wait_cur_cfg(db, next_cfg);
    }
    return error;
}

char *
switchdb_apply_ports(struct switchdb *db, const struct switchdb_lab *lab)
{
    char *error = NULL;
    char *comment;
    int64_t next_cfg;

    /* Waiting for ovs-vswitchd after each chunk bounds the time each wait
     * may take by the chunk size, whatever the size of the lab. */
    for (size_t start = 0; !error && start < lab->n_ports;
         start += db->chunk_size) {
        struct apply_chunk chunk = {
            .lab = lab,
            .start = start,
            .end = MIN(start + db->chunk_size, lab->n_ports),
        };

        next_cfg = 0;
        comment = xasprintf("add ports %"PRIuSIZE"-%"PRIuSIZE" of %"PRIuSIZE
                            " of lab %s", chunk.start + 1, chunk.end,
                            lab->n_ports, lab->name);
        error = switchdb_transact(db, comment, build_ports, &chunk, false,
                                  &next_cfg);
        free(comment);
        if (!error && next_cfg) {
            error = switchdb_wait_cur_cfg(db, next_cfg);
        }
    }

    if (error) {
        return error;
    }
    wait_for_ports(db, lab);
    return check_ports(db, lab);
}

/* Remove. */

struct remove_chunk {
    const struct uuid *ports;   /* Port rows to delete. */
    size_t n_ports;
};

/* Deletes 'port' and its interfaces from the database, taking it out of
 * 'br' (if nonnull) by a mutation of Bridge.ports. */
static void
delete_port(const struct ovsrec_bridge *br, const struct ovsrec_port *port)
{
    if (br) {
        ovsrec_bridge_update_ports_delvalue(br, port);
    }
    for (size_t i = 0; i < port->n_interfaces; i++) {
        ovsrec_interface_delete(port->interfaces[i]);
    }
    ovsrec_port_delete(port);
}

static enum build_result
build_remove_ports(struct switchdb *db, struct ovsdb_idl_txn *txn OVS_UNUSED,
                   void *chunk_, char **errorp OVS_UNUSED)
{
    const struct remove_chunk *chunk = chunk_;
    struct db_index idx;

    db_index_init(&idx, db->idl);
    for (size_t i = 0; i < chunk->n_ports; i++) {
        const struct ovsrec_port *port
            = ovsrec_port_get_for_uuid(db->idl, &chunk->ports[i]);

        if (port) {
            delete_port(shash_find_data(&idx.port_bridge, port->name), port);
        }
    }
    db_index_destroy(&idx);
    return BUILD_OK;
}

struct remove_bridges {
    const char *lab;
    struct ds kept;             /* Report of bridges not deleted. */
};

/* Deletes the lab's bridges.  A port that is not the lab's keeps its bridge
 * alive: that port is somebody else's, and deleting the bridge would delete
 * it too.  Such bridges are described in 'ctx->kept'. */
static enum build_result
build_remove_bridges(struct switchdb *db, struct ovsdb_idl_txn *txn OVS_UNUSED,
                     void *ctx_, char **errorp OVS_UNUSED)
{
    struct remove_bridges *ctx = ctx_;
    const struct ovsrec_open_vswitch *ovs;
    const struct ovsrec_bridge *br;

    ds_clear(&ctx->kept);
    ovs = ovsrec_open_vswitch_first(db->idl);
    if (!ovs) {
        return BUILD_OK;        /* switchdb_transact() reports it. */
    }

    OVSREC_BRIDGE_FOR_EACH (br, db->idl) {
        struct sset foreign = SSET_INITIALIZER(&foreign);

        if (!row_is_lab(&br->external_ids, ctx->lab)) {
            continue;
        }
        for (size_t i = 0; i < br->n_ports; i++) {
            if (!row_is_lab(&br->ports[i]->external_ids, ctx->lab)) {
                sset_add(&foreign, br->ports[i]->name);
            }
        }
        if (sset_is_empty(&foreign)) {
            /* The IDL may still show lab ports deleted by the previous
             * transactions; deleting them again is harmless. */
            for (size_t i = 0; i < br->n_ports; i++) {
                delete_port(NULL, br->ports[i]);
            }
            ovsrec_open_vswitch_update_bridges_delvalue(ovs, br);
            ovsrec_bridge_delete(br);
        } else {
            const char **names = sset_sort(&foreign);
            ds_put_format(&ctx->kept, "\n  bridge %s has ports that are not "
                          "lab %s's:", br->name, ctx->lab);
            for (size_t i = 0; names[i]; i++) {
                ds_put_format(&ctx->kept, " %s", names[i]);
            }
            free(names);
        }
        sset_destroy(&foreign);
    }
    return BUILD_OK;
}

/* Whether removing 'lab' needs rows that a connection filtered to the lab
 * does not replicate: a bridge of the lab that holds ports of no lab or of
 * another lab (their names go into the error message, and the bridge must
 * be kept), or a port of the lab on a bridge that is not the lab's (it must
 * be taken out of that bridge).  ovs-lab creates neither; only changes made
 * by hand lead here. */
static bool
remove_needs_all_rows(struct switchdb *db, const char *lab)
{
    struct sset on_lab_bridges = SSET_INITIALIZER(&on_lab_bridges);
    const struct ovsrec_bridge *br;
    const struct ovsrec_port *port;
    bool needed = false;

    OVSREC_BRIDGE_FOR_EACH (br, db->idl) {
        if (!row_is_lab(&br->external_ids, lab)) {
            continue;
        }
        /* The IDL leaves out of 'ports' the rows it does not replicate; the
         * column's datum has them all. */
        if (ovsrec_bridge_get_ports(br, OVSDB_TYPE_UUID)->n != br->n_ports) {
            needed = true;
        }
        for (size_t i = 0; i < br->n_ports; i++) {
            sset_add(&on_lab_bridges, br->ports[i]->name);
        }
    }
    OVSREC_PORT_FOR_EACH (port, db->idl) {
        if (row_is_lab(&port->external_ids, lab)
            && !sset_contains(&on_lab_bridges, port->name)) {
            needed = true;
        }
    }
    sset_destroy(&on_lab_bridges);
    return needed;
}

/* Deletes from the database every Port, Interface and Bridge row whose
 * external_ids say it belongs to 'lab', and nothing else: ports first, in
 * transactions of the chunk size, then the bridges.  A bridge of the lab
 * that holds a port that is not the lab's is kept (with the lab's ports
 * removed from it) and reported as an error.  With 'wait', waits after each
 * transaction until ovs-vswitchd has applied it.  Without, there is no
 * reason to split the ports into chunks: they all go in one transaction,
 * and ovs-vswitchd removes them from its datapath afterwards (pass false
 * when ovs-vswitchd may not be running, or to return before it is done:
 * it takes seconds for a bridge of 1000 ports).  Removing a lab that has no
 * rows succeeds.
 *
 * On a connection from switchdb_open_lab(), 'lab' must be its lab.
 *
 * Returns NULL on success, otherwise an error message. */
char *
switchdb_remove(struct switchdb *db, const char *lab, bool wait)
{
    struct remove_bridges bridges = { .lab = lab };
    const struct ovsrec_port *port;
    struct uuid *ports = NULL;
    size_t n_ports = 0, allocated_ports = 0;
    size_t chunk_size;
    int64_t next_cfg = 0;
    char *error = NULL;
    char *comment;

    ovsdb_idl_run(db->idl);
    if (db->lab && (strcmp(db->lab, lab)
                    || remove_needs_all_rows(db, lab))) {
        error = switchdb_widen(db);
        if (error) {
            return error;
        }
    }
    OVSREC_PORT_FOR_EACH (port, db->idl) {
        if (row_is_lab(&port->external_ids, lab)) {
            if (n_ports >= allocated_ports) {
                ports = x2nrealloc(ports, &allocated_ports, sizeof *ports);
            }
            ports[n_ports++] = port->header_.uuid;
        }
    }

    chunk_size = wait ? db->chunk_size : MAX(n_ports, 1);
    for (size_t start = 0; !error && start < n_ports; start += chunk_size) {
        struct remove_chunk chunk = {
            .ports = &ports[start],
            .n_ports = MIN(chunk_size, n_ports - start),
        };

        next_cfg = 0;
        comment = xasprintf("delete ports %"PRIuSIZE"-%"PRIuSIZE" of %"
                            PRIuSIZE" of lab %s", start + 1,
                            start + chunk.n_ports, n_ports, lab);
        error = switchdb_transact(db, comment, build_remove_ports, &chunk,
                                  false, &next_cfg);
        free(comment);
        if (!error && wait && next_cfg) {
            error = switchdb_wait_cur_cfg(db, next_cfg);
        }
    }
    free(ports);

    if (!error) {
        next_cfg = 0;
        ds_init(&bridges.kept);
        comment = xasprintf("delete bridges of lab %s", lab);
        error = switchdb_transact(db, comment, build_remove_bridges,
                                  &bridges, false, &next_cfg);
        free(comment);
        if (!error && wait && next_cfg) {
            error = switchdb_wait_cur_cfg(db, next_cfg);
        }
        if (!error && bridges.kept.length) {
            error = xasprintf("%s: kept bridges of lab %s (remove the other "
                              "ports, e.g. with ovs-vsctl del-port, then "
                              "try again):%s", db->remote, lab,
                              ds_cstr(&bridges.kept));
        }
        ds_destroy(&bridges.kept);
    }
    return error;
}

/* Listing. */

static int
compare_bridges(const void *a_, const void *b_)
{
    const struct switchdb_bridge *const *a = a_;
    const struct switchdb_bridge *const *b = b_;

    return strcmp((*a)->name, (*b)->name);
}

static int
compare_ports(const void *a_, const void *b_)
{
    const struct switchdb_port *const *a = a_;
    const struct switchdb_port *const *b = b_;
    int cmp = strcmp((*a)->bridge, (*b)->bridge);

    return cmp ? cmp : strcmp((*a)->name, (*b)->name);
}

/* Adds to 'out' (initialized by the caller with switchdb_lab_init(), and
 * destroyed by the caller) what the database holds for 'lab': its bridges
 * and its ports, sorted by name, with external_ids and, for ports, tag,
 * trunks, ofport and error as ovs-vswitchd reports them.  A bridge's own
 * internal port (named like the bridge) is part of the bridge and not
 * listed.  Reflects the database as of the last update received, without
 * waiting.  On a connection from switchdb_open_lab(), only its lab's rows
 * are there to list. */
void
switchdb_list(struct switchdb *db, const char *lab, struct switchdb_lab *out)
{
    const struct ovsrec_bridge *br;
    const struct ovsrec_port *port;
    struct db_index idx;

    ovsdb_idl_run(db->idl);
    db_index_init(&idx, db->idl);

    OVSREC_BRIDGE_FOR_EACH (br, db->idl) {
        if (row_is_lab(&br->external_ids, lab)) {
            struct switchdb_bridge *sb;

            sb = switchdb_lab_add_bridge(
                out, br->name, br->datapath_type,
                smap_get(&br->external_ids, SWITCHDB_KEY_SWITCH));
            smap_clone(&sb->external_ids, &br->external_ids);
        }
    }

    OVSREC_PORT_FOR_EACH (port, db->idl) {
        const struct ovsrec_bridge *port_br;
        const struct ovsrec_interface *iface;
        struct switchdb_port *sp;

        if (!row_is_lab(&port->external_ids, lab)) {
            continue;
        }
        port_br = shash_find_data(&idx.port_bridge, port->name);
        if (port_br && !strcmp(port_br->name, port->name)) {
            continue;
        }
        iface = shash_find_data(&idx.ifaces, port->name);
        sp = switchdb_lab_add_port(
            out, port_br ? port_br->name : "", port->name,
            iface ? iface->type : "",
            smap_get(&port->external_ids, SWITCHDB_KEY_NODE),
            smap_get(&port->external_ids, SWITCHDB_KEY_INTERFACE));
        if (port->n_tag) {
            sp->tag = port->tag[0];
        }
        if (port->n_trunks) {
            sp->trunks = xmalloc(port->n_trunks * sizeof *sp->trunks);
            for (size_t i = 0; i < port->n_trunks; i++) {
                sp->trunks[i] = port->trunks[i];
            }
            sp->n_trunks = port->n_trunks;
        }
        if (iface && iface->n_ofport) {
            sp->ofport = iface->ofport[0];
        }
        sp->error = nullable_xstrdup(iface ? iface->error : NULL);
        smap_clone(&sp->external_ids, &port->external_ids);
    }
    db_index_destroy(&idx);

    if (out->n_bridges) {
        qsort(out->bridges, out->n_bridges, sizeof *out->bridges,
              compare_bridges);
    }
    if (out->n_ports) {
        qsort(out->ports, out->n_ports, sizeof *out->ports, compare_ports);
    }
}

/* Adds to 'labs' the name of every lab that has a Bridge, Port or Interface
 * row in the database.  On a connection from switchdb_open_lab() that
 * means first asking for every row, unless the database has no bridge at
 * all (ports and interfaces only exist on bridges).  Returns NULL or an
 * error message. */
char *
switchdb_list_labs(struct switchdb *db, struct sset *labs)
{
    const struct ovsrec_bridge *br;
    const struct ovsrec_port *port;
    const struct ovsrec_interface *iface;
    const char *lab;

    ovsdb_idl_run(db->idl);
    if (db->lab) {
        const struct ovsrec_open_vswitch *ovs;
        char *error;

        ovs = ovsrec_open_vswitch_first(db->idl);
        if (!ovs || !ovsrec_open_vswitch_get_bridges(ovs,
                                                     OVSDB_TYPE_UUID)->n) {
            return NULL;
        }
        error = switchdb_widen(db);
        if (error) {
            return error;
        }
    }
    OVSREC_BRIDGE_FOR_EACH (br, db->idl) {
        if ((lab = row_lab(&br->external_ids))) {
            sset_add(labs, lab);
        }
    }
    OVSREC_PORT_FOR_EACH (port, db->idl) {
        if ((lab = row_lab(&port->external_ids))) {
            sset_add(labs, lab);
        }
    }
    OVSREC_INTERFACE_FOR_EACH (iface, db->idl) {
        if ((lab = row_lab(&iface->external_ids))) {
            sset_add(labs, lab);
        }
    }
    return NULL;
}
