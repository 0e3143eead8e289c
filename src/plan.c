#include <config.h>
#include "plan.h"

#include <string.h>

#include "hash.h"
#include "openvswitch/util.h"
#include "scenario.h"
#include "util.h"

/* Generated names are "XXHHHHHH-K": a two-letter kind, the lab hash in six
 * hex digits and an index, which leaves 5 digits for K in 15 bytes. */
#define PLAN_MAX_INDEX 99999

char *
plan_netns_name(const char *lab, const char *node)
{
    return xasprintf("%s-%s", lab, node);
}

static char *
generated_name(const char *kind, unsigned int lab_hash, size_t index)
{
    return xasprintf("%s%06x-%"PRIuSIZE, kind, lab_hash, index);
}

static unsigned int
lab_hash(const char *lab)
{
    return hash_string(lab, 0) & 0xffffff;
}

char *
plan_bridge_name(const char *lab, const char *sw, size_t index)
{
    char *name = xasprintf("%s-%s", lab, sw);

    if (!scenario_is_valid_ifname(name)) {
        free(name);
        name = generated_name("ob", lab_hash(lab), index);
    }
    return name;
}

static struct eth_addr
generated_mac(unsigned int lab_hash, size_t index)
{
    /* 0x02: locally administered, unicast. */
    return (struct eth_addr) { .ea = {
        0x02, lab_hash >> 16, lab_hash >> 8, lab_hash, index >> 8, index,
    } };
}

static size_t
node_index(const struct scenario *s, const struct scenario_node *node)
{
    return node - s->nodes;
}

static size_t
switch_index(const struct scenario *s, const struct scenario_switch *sw)
{
    return sw - s->switches;
}

/* Numbers every node interface in declaration order, for MACs. */
static size_t
iface_ordinal(const struct scenario *s, const struct scenario_iface *iface)
{
    size_t ordinal = 0;

    for (size_t i = 0; i < s->n_nodes; i++) {
        const struct scenario_node *node = &s->nodes[i];

        if (node == iface->node) {
            return ordinal + (iface - node->ifaces);
        }
        ordinal += node->n_ifaces;
    }
    OVS_NOT_REACHED();
}

static struct eth_addr
iface_mac(const struct scenario *s, unsigned int lab_hash,
          const struct scenario_iface *iface)
{
    return (iface->has_mac ? iface->mac
            : generated_mac(lab_hash, iface_ordinal(s, iface)));
}

static void
plan_bridges(const struct scenario *s, const struct plan_options *options,
             struct plan *plan)
{
    plan->n_bridges = s->n_switches;
    plan->bridges = xcalloc(MAX(1, s->n_switches), sizeof *plan->bridges);
    for (size_t i = 0; i < s->n_switches; i++) {
        const struct scenario_switch *sw = &s->switches[i];
        struct plan_bridge *br = &plan->bridges[i];

        br->name = plan_bridge_name(plan->lab, sw->name, i);
        br->sw = sw;
        br->datapath_type = (sw->datapath == SCENARIO_DATAPATH_NETDEV
                             ? "netdev"
                             : sw->datapath == SCENARIO_DATAPATH_SYSTEM
                             ? "system"
                             : options->auto_datapath);
    }
}

static void
plan_gateways(const struct scenario *s, struct plan *plan)
{
    size_t n = 0;

    for (size_t i = 0; i < s->n_switches; i++) {
        n += s->switches[i].n_gateways;
    }
    plan->gateways = xcalloc(MAX(1, n), sizeof *plan->gateways);
    for (size_t i = 0; i < s->n_switches; i++) {
        const struct scenario_switch *sw = &s->switches[i];

        for (size_t j = 0; j < sw->n_gateways; j++) {
            const struct scenario_gateway *gw = &sw->gateways[j];
            struct plan_gateway *pg = &plan->gateways[plan->n_gateways];

            pg->gw = gw;
            pg->bridge = i;
            pg->port_name = (gw->vlan
                             ? generated_name("og", plan->lab_hash,
                                              plan->n_gateways)
                             : xstrdup(plan->bridges[i].name));
            plan->n_gateways++;
        }
    }
}

static char *
plan_veths(const struct scenario *s, struct plan *plan)
{
    size_t n_host_ends = 0;
    size_t n = 0;

    for (size_t i = 0; i < s->n_nodes; i++) {
        n += s->nodes[i].n_ifaces;
    }
    plan->veths = xcalloc(MAX(1, n), sizeof *plan->veths);

    for (size_t i = 0; i < s->n_nodes; i++) {
        const struct scenario_node *node = &s->nodes[i];

        for (size_t j = 0; j < node->n_ifaces; j++) {
            const struct scenario_iface *iface = &node->ifaces[j];
            struct plan_veth *veth;

            if (iface->link == SCENARIO_LINK_PEER && !iface->peer_first) {
                continue;       /* Planned with the other end. */
            }
            veth = &plan->veths[plan->n_veths++];
            veth->a = iface;
            veth->a_netns = i;
            veth->a_mac = iface_mac(s, plan->lab_hash, iface);
            veth->mtu = scenario_iface_link_mtu(iface);

            if (iface->link == SCENARIO_LINK_PEER) {
                veth->kind = PLAN_VETH_PEER;
                veth->b = iface->peer;
                veth->b_netns = node_index(s, iface->peer->node);
                veth->b_mac = iface_mac(s, plan->lab_hash, iface->peer);
                veth->b_name = xstrdup(iface->peer->name);
                continue;
            }

            if (n_host_ends > PLAN_MAX_INDEX) {
                return xasprintf("%s: lab has more than %d interfaces "
                                 "linked to switches or the host",
                                 s->file_name, PLAN_MAX_INDEX + 1);
            }
            if (iface->link == SCENARIO_LINK_SWITCH) {
                veth->kind = PLAN_VETH_SWITCH;
                veth->bridge = switch_index(s, iface->sw);
            } else {
                veth->kind = PLAN_VETH_HOST;
            }
            veth->b_name = (iface->link == SCENARIO_LINK_HOST
                            && iface->host_name
                            ? xstrdup(iface->host_name)
                            : generated_name("ol", plan->lab_hash,
                                             n_host_ends));
            n_host_ends++;
        }
    }
    return NULL;
}

char *
plan_build(const struct scenario *s, const struct plan_options *options,
           struct plan **planp)
{
    struct plan *plan = xzalloc(sizeof *plan);
    char *error;

    plan->lab = xstrdup(s->name);
    plan->lab_hash = lab_hash(s->name);

    plan->n_netns = s->n_nodes;
    plan->netns = xcalloc(MAX(1, s->n_nodes), sizeof *plan->netns);
    for (size_t i = 0; i < s->n_nodes; i++) {
        plan->netns[i].name = plan_netns_name(s->name, s->nodes[i].name);
        plan->netns[i].node = &s->nodes[i];
    }

    plan_bridges(s, options, plan);
    plan_gateways(s, plan);
    error = plan_veths(s, plan);
    if (error) {
        plan_destroy(plan);
        *planp = NULL;
        return error;
    }
    *planp = plan;
    return NULL;
}

void
plan_destroy(struct plan *plan)
{
    if (!plan) {
        return;
    }
    for (size_t i = 0; i < plan->n_netns; i++) {
        free(plan->netns[i].name);
    }
    for (size_t i = 0; i < plan->n_veths; i++) {
        free(plan->veths[i].b_name);
    }
    for (size_t i = 0; i < plan->n_bridges; i++) {
        free(plan->bridges[i].name);
    }
    for (size_t i = 0; i < plan->n_gateways; i++) {
        free(plan->gateways[i].port_name);
    }
    free(plan->netns);
    free(plan->veths);
    free(plan->bridges);
    free(plan->gateways);
    free(plan->lab);
    free(plan);
}

const struct plan_veth *
plan_find_veth(const struct plan *plan, const struct scenario_iface *iface)
{
    for (size_t i = 0; i < plan->n_veths; i++) {
        const struct plan_veth *veth = &plan->veths[i];

        if (veth->a == iface || veth->b == iface) {
            return veth;
        }
    }
    return NULL;
}

struct eth_addr
plan_iface_mac(const struct plan *plan, const struct scenario_iface *iface)
{
    const struct plan_veth *veth = plan_find_veth(plan, iface);

    ovs_assert(veth);
    return veth->a == iface ? veth->a_mac : veth->b_mac;
}

const struct plan_netns *
plan_netns_of(const struct plan *plan, const struct scenario_node *node)
{
    for (size_t i = 0; i < plan->n_netns; i++) {
        if (plan->netns[i].node == node) {
            return &plan->netns[i];
        }
    }
    return NULL;
}
