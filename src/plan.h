/*
 * plan: the desired state of a lab, derived from a validated scenario.
 *
 * The plan names every object the lab needs on the system (namespaces,
 * veth pairs, OVS bridges and ports, host-side internal ports) and gives
 * each a stable name, so that deploying, tearing down and reporting all
 * agree on them without talking to each other.  Building a plan is pure:
 * it touches nothing on the system.
 *
 * Naming:
 *
 *   - namespace of node N in lab L: "L-N" (ip netns compatible);
 *   - host end of the veth pair of the K-th switch-attached or host-linked
 *     interface: "olHHHHHH-K", where HHHHHH is a hash of the lab name,
 *     unless the scenario names the host end itself;
 *   - OVS bridge of switch S: "L-S" if that is a valid interface name
 *     (at most 15 bytes), otherwise "obHHHHHH-K";
 *   - OVS internal port for the K-th switch gateway (host address on a
 *     VLAN): the bridge itself for an untagged gateway, else "ogHHHHHH-K";
 *   - MAC of every node interface the scenario gives none: 02:HH:HH:HH:KK:KK,
 *     locally administered and stable, so DHCP fixed leases can use it.
 */
#ifndef PLAN_H
#define PLAN_H 1

#include <stdbool.h>
#include <stddef.h>
#include "openvswitch/types.h"

struct scenario;
struct scenario_gateway;
struct scenario_iface;
struct scenario_node;
struct scenario_switch;

/* A network namespace, one per node. */
struct plan_netns {
    char *name;                 /* "LAB-NODE". */
    const struct scenario_node *node;
};

enum plan_veth_kind {
    PLAN_VETH_SWITCH,           /* Node end + host end that becomes an OVS
                                 * port. */
    PLAN_VETH_HOST,             /* Node end + host end with addresses. */
    PLAN_VETH_PEER,             /* Two node ends. */
};

/* A veth pair.  End A is always a node interface; end B is in the host
 * namespace (SWITCH, HOST) or in another node (PEER). */
struct plan_veth {
    enum plan_veth_kind kind;
    const struct scenario_iface *a;
    size_t a_netns;             /* Index into plan->netns. */
    struct eth_addr a_mac;

    const struct scenario_iface *b; /* PEER: the other node interface. */
    size_t b_netns;             /* PEER: index into plan->netns. */
    struct eth_addr b_mac;      /* PEER only. */
    char *b_name;               /* Name of end B: the host-side name, or
                                 * the peer's interface name. */
    int mtu;                    /* 0: kernel default. */
    size_t bridge;              /* SWITCH: index into plan->bridges. */
};

/* An OVS bridge, one per switch. */
struct plan_bridge {
    char *name;
    const struct scenario_switch *sw;
    const char *datapath_type;  /* "netdev" or "system". */
};

/* A host address on a switch: the bridge's own internal port (untagged)
 * or an internal port with an access tag. */
struct plan_gateway {
    char *port_name;            /* Also the host interface name. */
    const struct scenario_gateway *gw;
    size_t bridge;              /* Index into plan->bridges. */
};

struct plan {
    char *lab;
    unsigned int lab_hash;      /* 24 bits, as in generated names. */

    struct plan_netns *netns;   /* Same order as scenario->nodes. */
    size_t n_netns;
    struct plan_veth *veths;    /* Node and interface order. */
    size_t n_veths;
    struct plan_bridge *bridges; /* Same order as scenario->switches. */
    size_t n_bridges;
    struct plan_gateway *gateways; /* Switch, then gateway order. */
    size_t n_gateways;
};

/* How the switch datapath "auto" is resolved: "netdev" for ovs-lab's own
 * OVS (userspace datapath), "system" for an existing OVS whose kernel
 * module is loaded. */
struct plan_options {
    const char *auto_datapath;  /* "netdev" or "system". */
};

/* Builds the plan for 'scenario' under the scenario's lab name.  Returns
 * NULL and stores a new plan in '*planp' (free with plan_destroy()), or
 * returns a malloc'd error message (a generated name would be invalid). */
char *plan_build(const struct scenario *, const struct plan_options *,
                 struct plan **planp) OVS_WARN_UNUSED_RESULT;
void plan_destroy(struct plan *);

/* The namespace name of 'node' in lab 'lab' (malloc'd). */
char *plan_netns_name(const char *lab, const char *node);

/* The name of the OVS bridge of 'sw', the 'index'th switch, in lab 'lab':
 * "LAB-SWITCH", or a generated name if that is not a valid interface name
 * (malloc'd).  The untagged gateway port of the switch has the same name.
 * The validator checks the host-side names against it. */
char *plan_bridge_name(const char *lab, const char *sw, size_t index);

/* The veth whose end A or B is 'iface', or NULL (never, for a planned
 * lab's interface). */
const struct plan_veth *plan_find_veth(const struct plan *,
                                       const struct scenario_iface *);

/* The MAC address planned for node interface 'iface'. */
struct eth_addr plan_iface_mac(const struct plan *,
                               const struct scenario_iface *);

/* The namespace of 'node'. */
const struct plan_netns *plan_netns_of(const struct plan *,
                                       const struct scenario_node *);

#endif /* plan.h */
