/*
 * switchdb: ovs-lab's client of the Open vSwitch database (OVSDB IDL).
 *
 * Everything ovs-lab puts into Open vSwitch goes through this module, the
 * way ovs-vsctl does it: an IDL that monitors only the columns used here,
 * transactions with a comment and an increment of Open_vSwitch.next_cfg,
 * then a wait until ovs-vswitchd reports cur_cfg >= next_cfg, then a read
 * back of Interface.ofport and Interface.error.
 *
 * Ownership in the database: every Bridge, Port and Interface row that
 * ovs-lab creates carries external_ids
 *
 *     ovs-lab.lab=LAB                       on every row,
 *     ovs-lab.switch=SWITCH                 on bridges (and their own port),
 *     ovs-lab.node=NODE, ovs-lab.interface=IFACE   on ports and interfaces,
 *
 * so that "ovs-vsctl find port external_ids:ovs-lab.lab=LAB" shows what a
 * lab owns, and so that switchdb_remove() deletes exactly those rows and
 * never touches anything else.
 *
 * Concurrency: ports are added and removed with mutations of Bridge.ports
 * and bridges with mutations of Open_vSwitch.bridges ("addvalue" and
 * "delvalue"), never by rewriting the whole set, so labs applied at the same
 * time by different ovs-lab processes do not clobber each other.
 *
 * Logging: libopenvswitch logs to the console at INFO level by default.
 * Call switchdb_init_process() once from main(), after set_program_name(),
 * before using this module or private-ovs.
 */
#ifndef SWITCHDB_H
#define SWITCHDB_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/compiler.h"
#include "smap.h"

struct sset;

/* external_ids keys that mark ovs-lab's rows. */
#define SWITCHDB_KEY_LAB "ovs-lab.lab"
#define SWITCHDB_KEY_SWITCH "ovs-lab.switch"
#define SWITCHDB_KEY_NODE "ovs-lab.node"
#define SWITCHDB_KEY_INTERFACE "ovs-lab.interface"

/* Ports per transaction; switchdb_apply() and switchdb_remove() wait for
 * ovs-vswitchd after each, so that a wait is bounded by the chunk size, not
 * by the size of the lab.  Measured with ovs-vswitchd 3.1, userspace
 * datapath, 2 cores, adding 1000 existing veths (no traffic on them), by
 * ports per transaction: 100: 5.0 s, 200: 2.7 s, 500: 2.2 s, 1000: 1.7 s
 * (docs/performance.md, 5.1): each reconfiguration costs ovs-vswitchd time
 * in proportion to the bridge's size, so fewer, bigger ones win. */
#define SWITCHDB_DEFAULT_CHUNK_SIZE 1000

/* How long any single step (connect, one commit, one wait for ovs-vswitchd)
 * may take before it is reported as failed. */
#define SWITCHDB_DEFAULT_TIMEOUT_MS 30000

/* switchdb_port.tag for a port without an access VLAN. */
#define SWITCHDB_NO_TAG (-1)

/* A bridge of a lab. */
struct switchdb_bridge {
    char *name;                 /* Bridge name (also a Linux device name). */
    char *datapath_type;        /* "netdev", "system" or "" (OVS default). */
    char *switch_name;          /* The scenario's switch (ovs-lab.switch). */

    /* Filled by switchdb_list() only. */
    struct smap external_ids;
};

/* A port of a lab: one Port row with one Interface row of the same name. */
struct switchdb_port {
    char *bridge;               /* Name of the bridge it is on. */
    char *name;                 /* Port and Interface name. */
    char *type;                 /* Interface type: "" or "internal". */
    int tag;                    /* Access VLAN 0...4095 or SWITCHDB_NO_TAG. */
    int *trunks;                /* Trunked VLANs; none means all VLANs. */
    size_t n_trunks;
    char *node;                 /* ovs-lab.node, may be NULL. */
    char *iface;                /* ovs-lab.interface, may be NULL. */

    /* Filled by switchdb_list() only. */
    int64_t ofport;             /* OpenFlow port; -1 failed, 0 not yet. */
    char *error;                /* Interface.error or NULL. */
    struct smap external_ids;
};

/* What one lab has (or should have) in Open vSwitch.  The lab owns the
 * bridges and ports and everything in them; the pointers stay valid until
 * switchdb_lab_destroy(). */
struct switchdb_lab {
    char *name;
    struct switchdb_bridge **bridges;
    size_t n_bridges, allocated_bridges;
    struct switchdb_port **ports;
    size_t n_ports, allocated_ports;
};

void switchdb_lab_init(struct switchdb_lab *, const char *name);
void switchdb_lab_destroy(struct switchdb_lab *);
struct switchdb_bridge *switchdb_lab_add_bridge(struct switchdb_lab *,
                                                const char *name,
                                                const char *datapath_type,
                                                const char *switch_name);
struct switchdb_port *switchdb_lab_add_port(struct switchdb_lab *,
                                            const char *bridge,
                                            const char *name,
                                            const char *type,
                                            const char *node,
                                            const char *iface);
void switchdb_port_set_trunks(struct switchdb_port *,
                              const int *vlans, size_t n);

void switchdb_init_process(bool verbose);

/* A connection to one OVSDB server holding the Open_vSwitch database. */
struct switchdb;

char *switchdb_open(const char *remote, int timeout_ms, struct switchdb **)
    OVS_WARN_UNUSED_RESULT;
void switchdb_close(struct switchdb *);
const char *switchdb_remote(const struct switchdb *);
void switchdb_set_chunk_size(struct switchdb *, size_t chunk_size);

char *switchdb_init(struct switchdb *) OVS_WARN_UNUSED_RESULT;
char *switchdb_sync(struct switchdb *) OVS_WARN_UNUSED_RESULT;

char *switchdb_apply(struct switchdb *, const struct switchdb_lab *)
    OVS_WARN_UNUSED_RESULT;
/* switchdb_apply() in two steps, for a caller that overlaps them with other
 * work: the bridges (after checking all names, bridges and ports), which
 * need no devices, and then the ports, which need their devices. */
char *switchdb_apply_bridges(struct switchdb *, const struct switchdb_lab *)
    OVS_WARN_UNUSED_RESULT;
char *switchdb_apply_ports(struct switchdb *, const struct switchdb_lab *)
    OVS_WARN_UNUSED_RESULT;
char *switchdb_remove(struct switchdb *, const char *lab, bool wait)
    OVS_WARN_UNUSED_RESULT;

void switchdb_list(struct switchdb *, const char *lab, struct switchdb_lab *);
void switchdb_list_labs(struct switchdb *, struct sset *labs);

#endif /* switchdb.h */
