/*
 * L2 segments of a scenario (see "Segments" in scenario.h), and the ones
 * two nodes share.
 */
#include <config.h>
#include "scenario-private.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/shash.h"
#include "util.h"

/* Segments under construction.  'member_allocs[i]' is the allocated size
 * of segs[i].members. */
struct segment_builder {
    struct scenario_segment *segs;
    size_t n, allocated;
    size_t *member_allocs;
    struct shash switch_segs;   /* "SWITCH VLAN" -> index + 1. */
};

static size_t
new_segment(struct segment_builder *b, enum scenario_segment_kind kind,
            char *name)
{
    if (b->n >= b->allocated) {
        size_t allocated = b->allocated;
        b->segs = x2nrealloc(b->segs, &b->allocated, sizeof *b->segs);
        b->member_allocs = xrealloc(b->member_allocs,
                                    b->allocated * sizeof *b->member_allocs);
        ovs_assert(b->allocated > allocated);
    }

    struct scenario_segment *seg = &b->segs[b->n];
    memset(seg, 0, sizeof *seg);
    seg->kind = kind;
    seg->name = name;
    b->member_allocs[b->n] = 0;
    return b->n++;
}

static size_t
switch_segment(struct segment_builder *b, struct scenario_switch *sw,
               int vlan)
{
    char *key = xasprintf("%s %d", sw->name, vlan);
    uintptr_t found = (uintptr_t) shash_find_data(&b->switch_segs, key);
    size_t idx;

    if (found) {
        idx = found - 1;
        free(key);
    } else {
        idx = new_segment(b, SCENARIO_SEGMENT_SWITCH,
                          vlan ? xasprintf("switch %s VLAN %d", sw->name, vlan)
                          : xasprintf("switch %s untagged", sw->name));
        b->segs[idx].sw = sw;
        b->segs[idx].vlan = vlan;
        shash_add_nocopy(&b->switch_segs, key, (void *) (uintptr_t) (idx + 1));
    }
    return idx;
}

static void
add_member(struct segment_builder *b, size_t idx,
           enum scenario_member_kind kind, struct scenario_iface *iface,
           struct scenario_gateway *gw, const struct scenario_addr *addrs,
           size_t n_addrs)
{
    struct scenario_segment *seg = &b->segs[idx];

    if (seg->n_members >= b->member_allocs[idx]) {
        seg->members = x2nrealloc(seg->members, &b->member_allocs[idx],
                                  sizeof *seg->members);
    }
    seg->members[seg->n_members++] = (struct scenario_segment_member) {
        .kind = kind,
        .iface = iface,
        .gateway = gw,
        .addrs = addrs,
        .n_addrs = n_addrs,
    };
}

static void
add_iface(struct segment_builder *b, struct scenario_iface *iface)
{
    switch (iface->link) {
    case SCENARIO_LINK_SWITCH:
        if (!iface->sw || iface->vlan < 0) {
            return;
        }
        if (iface->n_trunks) {
            for (size_t i = 0; i < iface->n_trunks; i++) {
                add_member(b, switch_segment(b, iface->sw, iface->trunks[i]),
                           SCENARIO_MEMBER_IFACE, iface, NULL, NULL, 0);
            }
        } else {
            add_member(b, switch_segment(b, iface->sw, iface->vlan),
                       SCENARIO_MEMBER_IFACE, iface, NULL,
                       iface->addrs, iface->n_addrs);
        }
        break;

    case SCENARIO_LINK_PEER:
        /* The pair is added once, when its first end comes along. */
        if (iface->peer && iface->peer_first) {
            struct scenario_iface *peer = iface->peer;
            size_t idx = new_segment(
                b, SCENARIO_SEGMENT_PEER,
                xasprintf("veth %s.%s -- %s.%s", iface->node->name,
                          iface->name, peer->node->name, peer->name));
            add_member(b, idx, SCENARIO_MEMBER_IFACE, iface, NULL,
                       iface->addrs, iface->n_addrs);
            add_member(b, idx, SCENARIO_MEMBER_IFACE, peer, NULL,
                       peer->addrs, peer->n_addrs);
        }
        break;

    case SCENARIO_LINK_HOST: {
        size_t idx = new_segment(b, SCENARIO_SEGMENT_HOST,
                                 xasprintf("host link %s.%s",
                                           iface->node->name, iface->name));
        add_member(b, idx, SCENARIO_MEMBER_IFACE, iface, NULL,
                   iface->addrs, iface->n_addrs);
        add_member(b, idx, SCENARIO_MEMBER_HOST_END, iface, NULL,
                   iface->host_addrs, iface->n_host_addrs);
        break;
    }
    }
}

void
scenario_compute_segments(struct scenario *s)
{
    struct segment_builder b = {
        .switch_segs = SHASH_INITIALIZER(&b.switch_segs),
    };

    for (size_t i = 0; i < s->n_switches; i++) {
        struct scenario_switch *sw = &s->switches[i];
        for (size_t j = 0; j < sw->n_gateways; j++) {
            struct scenario_gateway *gw = &sw->gateways[j];
            if (gw->vlan >= 0) {
                add_member(&b, switch_segment(&b, sw, gw->vlan),
                           SCENARIO_MEMBER_GATEWAY, NULL, gw,
                           gw->addrs, gw->n_addrs);
            }
        }
    }
    for (size_t i = 0; i < s->n_nodes; i++) {
        struct scenario_node *node = &s->nodes[i];
        for (size_t j = 0; j < node->n_ifaces; j++) {
            add_iface(&b, &node->ifaces[j]);
        }
    }

    /* The array is final: now the back pointers can be set. */
    for (size_t i = 0; i < b.n; i++) {
        struct scenario_segment *seg = &b.segs[i];
        for (size_t j = 0; j < seg->n_members; j++) {
            struct scenario_segment_member *m = &seg->members[j];
            if (m->kind == SCENARIO_MEMBER_GATEWAY) {
                m->gateway->segment = seg;
            } else if (!m->iface->n_trunks) {
                m->iface->segment = seg;
            }
        }
    }

    shash_destroy(&b.switch_segs);
    free(b.member_allocs);
    s->segments = b.segs;
    s->n_segments = b.n;
}

const struct scenario_iface *
scenario_segment_iface_of(const struct scenario_segment *seg,
                          const struct scenario_node *node)
{
    for (size_t i = 0; i < seg->n_members; i++) {
        const struct scenario_segment_member *m = &seg->members[i];

        if (m->kind == SCENARIO_MEMBER_IFACE && m->iface->node == node
            && scenario_iface_has_address(m->iface)) {
            return m->iface;
        }
    }
    return NULL;
}

const struct scenario_segment *
scenario_next_shared_segment(const struct scenario *s,
                             const struct scenario_node *a,
                             const struct scenario_node *b, size_t *start,
                             const struct scenario_iface **a_ifacep,
                             const struct scenario_iface **b_ifacep)
{
    for (size_t i = *start; i < s->n_segments; i++) {
        const struct scenario_segment *seg = &s->segments[i];
        const struct scenario_iface *a_iface
            = scenario_segment_iface_of(seg, a);
        const struct scenario_iface *b_iface
            = a_iface ? scenario_segment_iface_of(seg, b) : NULL;

        if (b_iface) {
            *a_ifacep = a_iface;
            *b_ifacep = b_iface;
            *start = i + 1;
            return seg;
        }
    }
    *start = s->n_segments;
    return NULL;
}
