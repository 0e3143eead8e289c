/*
 * Scenario semantic validation: resolves references and applies the rules
 * that relate elements to each other.  scenario-load.c has already checked
 * each value on its own; placeholders it left for invalid values (addresses
 * with family AF_UNSPEC, VLAN -1) are skipped here, so that one mistake is
 * reported once.
 */
#include <config.h>
#include "scenario-private.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "nat.h"
#include "packets.h"
#include "plan.h"
#include "util.h"

struct validator {
    struct scenario *s;
    struct scenario_errors *errors;
};

static void error_at(struct validator *, struct scenario_loc,
                     const char *format, ...)
    OVS_PRINTF_FORMAT(3, 4);

static void
error_at(struct validator *v, struct scenario_loc loc, const char *format,
         ...)
{
    va_list args;

    va_start(args, format);
    char *msg = xvasprintf(format, args);
    va_end(args);

    scenario_errors_add(v->errors, loc, "%s", msg);
    free(msg);
}

static bool
loc_before(struct scenario_loc a, struct scenario_loc b)
{
    return a.line < b.line || (a.line == b.line && a.column < b.column);
}

static bool
addr_valid(const struct scenario_addr *a)
{
    return a->family == AF_INET || a->family == AF_INET6;
}

static bool
same_ip(const struct scenario_addr *a, const struct scenario_addr *b)
{
    return (addr_valid(a) && addr_valid(b)
            && !memcmp(&a->ip, &b->ip, sizeof a->ip));
}

/* True if 'a' is within [lo, hi] (all IPv4). */
static bool
ip_in_range(const struct scenario_addr *a, const struct scenario_addr *lo,
            const struct scenario_addr *hi)
{
    return (a->family == AF_INET && lo->family == AF_INET
            && hi->family == AF_INET
            && memcmp(&a->ip, &lo->ip, sizeof a->ip) >= 0
            && memcmp(&a->ip, &hi->ip, sizeof a->ip) <= 0);
}

static bool
node_has_address(const struct scenario_node *node)
{
    for (size_t i = 0; i < node->n_ifaces; i++) {
        if (scenario_iface_has_address(&node->ifaces[i])) {
            return true;
        }
    }
    return false;
}

/* ---- Name lists for "did you mean" hints. ---- */

#define MAX_LISTED 12

static char *
node_names(const struct scenario *s)
{
    struct ds ds = DS_EMPTY_INITIALIZER;

    ds_put_cstr(&ds, "defined nodes: ");
    for (size_t i = 0; i < s->n_nodes && i < MAX_LISTED; i++) {
        ds_put_format(&ds, "%s%s", i ? ", " : "", s->nodes[i].name);
    }
    if (s->n_nodes > MAX_LISTED) {
        ds_put_format(&ds, ", ... (%"PRIuSIZE" in all)", s->n_nodes);
    }
    return ds_steal_cstr(&ds);
}

static char *
iface_names(const struct scenario_node *node)
{
    struct ds ds = DS_EMPTY_INITIALIZER;

    if (!node->n_ifaces) {
        ds_put_format(&ds, "node %s has no interfaces", node->name);
    } else {
        ds_put_format(&ds, "interfaces of %s: ", node->name);
        for (size_t i = 0; i < node->n_ifaces; i++) {
            ds_put_format(&ds, "%s%s", i ? ", " : "", node->ifaces[i].name);
        }
    }
    return ds_steal_cstr(&ds);
}

/* Looks up the node named by 'ref' (for 'what', e.g. "ping check"). */
static struct scenario_node *
resolve_node(struct validator *v, const struct scenario_ref *ref,
             const char *what)
{
    if (!ref->text) {
        return NULL;
    }
    struct scenario_node *node = scenario_find_node(v->s, ref->text);
    if (!node) {
        char *names = node_names(v->s);
        error_at(v, ref->loc, "unknown node \"%s\" in %s; %s", ref->text,
                 what, names);
        free(names);
    }
    return node;
}

/* Looks up interface 'name' of 'node', reporting at 'loc'. */
static struct scenario_iface *
resolve_iface(struct validator *v, struct scenario_node *node,
              const char *name, struct scenario_loc loc, const char *what)
{
    struct scenario_iface *iface = scenario_node_find_iface(node, name);
    if (!iface) {
        char *names = iface_names(node);
        error_at(v, loc, "node %s has no interface \"%s\" (in %s); %s",
                 node->name, name, what, names);
        free(names);
    }
    return iface;
}

/* Resolves "NODE" or "NODE.INTERFACE" in 'ref'.  '*iface' is NULL if only
 * a node was named.  Returns false if something was not found. */
static bool
resolve_node_or_iface(struct validator *v, const struct scenario_ref *ref,
                      const char *what, struct scenario_node **nodep,
                      struct scenario_iface **ifacep)
{
    char *node_name, *iface_name;
    struct scenario_ref node_ref = *ref;

    *nodep = NULL;
    *ifacep = NULL;
    if (!ref->text) {
        return false;
    }
    if (!scenario_split_iface_ref(ref->text, &node_name, &iface_name)) {
        node_name = xstrdup(ref->text);
        iface_name = NULL;
    }
    node_ref.text = node_name;
    *nodep = resolve_node(v, &node_ref, what);
    if (*nodep && iface_name) {
        *ifacep = resolve_iface(v, *nodep, iface_name, ref->loc, what);
    }
    bool ok = *nodep && (!iface_name || *ifacep);
    free(node_name);
    free(iface_name);
    return ok;
}

/* ---- Links. ---- */

static void
resolve_switches(struct validator *v)
{
    struct scenario *s = v->s;

    for (size_t i = 0; i < s->n_nodes; i++) {
        for (size_t j = 0; j < s->nodes[i].n_ifaces; j++) {
            struct scenario_iface *iface = &s->nodes[i].ifaces[j];
            if (iface->link != SCENARIO_LINK_SWITCH
                || !iface->switch_ref.text) {
                continue;
            }
            iface->sw = scenario_find_switch(s, iface->switch_ref.text);
            if (!iface->sw) {
                struct ds names = DS_EMPTY_INITIALIZER;
                for (size_t k = 0; k < s->n_switches; k++) {
                    ds_put_format(&names, "%s%s", k ? ", " : "",
                                  s->switches[k].name);
                }
                error_at(v, iface->switch_ref.loc, "unknown switch \"%s\" "
                         "for interface %s.%s; %s%s",
                         iface->switch_ref.text, iface->node->name,
                         iface->name,
                         s->n_switches ? "defined switches: "
                         : "define it under switches:",
                         ds_cstr(&names));
                ds_destroy(&names);
            }
        }
    }
}

/* Position of 'iface' in declaration order, for comparisons. */
static bool
iface_declared_before(const struct scenario *s, const struct scenario_iface *a,
                      const struct scenario_iface *b)
{
    size_t na = a->node - s->nodes, nb = b->node - s->nodes;
    if (na != nb) {
        return na < nb;
    }
    return a < b;
}

static void
resolve_peer(struct validator *v, struct scenario_iface *iface)
{
    struct scenario_node *node;
    struct scenario_iface *target;
    const struct scenario_ref *ref = &iface->peer_ref;
    char *self = xasprintf("%s.%s", iface->node->name, iface->name);
    char *what = xasprintf("peer of %s", self);

    if (!resolve_node_or_iface(v, ref, what, &node, &target)) {
        goto out;
    }
    if (target == iface) {
        error_at(v, ref->loc, "interface %s names itself as its peer; name "
                 "the other end of the veth pair, NODE.INTERFACE", self);
    } else if (target->link != SCENARIO_LINK_PEER) {
        error_at(v, ref->loc, "peer %s is connected to %s; a peer must be an "
                 "interface without switch or host (or one that names %s as "
                 "its peer)", ref->text,
                 target->link == SCENARIO_LINK_SWITCH ? "a switch"
                 : "the host", self);
    } else if (target->peer_ref.text
               && strcmp(target->peer_ref.text, self)) {
        error_at(v, ref->loc, "peer %s names a different peer (%s); both "
                 "ends must name each other, or only one end names the "
                 "other", ref->text, target->peer_ref.text);
    } else if (target->peer && target->peer != iface) {
        error_at(v, ref->loc, "%s is already the peer of %s.%s; a veth pair "
                 "has exactly two ends", ref->text, target->peer->node->name,
                 target->peer->name);
    } else {
        iface->peer = target;
        target->peer = iface;
    }

out:
    free(what);
    free(self);
}

static void
resolve_peers(struct validator *v)
{
    struct scenario *s = v->s;
    bool rejected = false;      /* Some link the loader could not read. */

    for (size_t i = 0; i < s->n_nodes; i++) {
        for (size_t j = 0; j < s->nodes[i].n_ifaces; j++) {
            struct scenario_iface *iface = &s->nodes[i].ifaces[j];
            if (iface->link == SCENARIO_LINK_PEER && iface->peer_ref.text) {
                resolve_peer(v, iface);
            }
            rejected |= scenario_ref_rejected(&iface->peer_ref);
        }
    }

    for (size_t i = 0; i < s->n_nodes; i++) {
        for (size_t j = 0; j < s->nodes[i].n_ifaces; j++) {
            struct scenario_iface *iface = &s->nodes[i].ifaces[j];
            if (iface->link != SCENARIO_LINK_PEER) {
                continue;
            }
            if (iface->peer) {
                iface->peer_first = iface_declared_before(s, iface,
                                                          iface->peer);
            } else if (!iface->peer_ref.text && !rejected) {
                /* Unless a link that was rejected might name it. */
                error_at(v, iface->loc, "interface %s.%s is not connected; "
                         "give it switch: NAME, peer: NODE.INTERFACE or "
                         "host: {}", iface->node->name, iface->name);
            }
        }
    }
}

static void
collect_switch_ifaces(struct scenario *s)
{
    for (size_t i = 0; i < s->n_nodes; i++) {
        for (size_t j = 0; j < s->nodes[i].n_ifaces; j++) {
            struct scenario_iface *iface = &s->nodes[i].ifaces[j];
            if (iface->link == SCENARIO_LINK_SWITCH && iface->sw) {
                struct scenario_switch *sw = iface->sw;
                sw->ifaces = xrealloc(sw->ifaces,
                                      (sw->n_ifaces + 1) * sizeof *sw->ifaces);
                sw->ifaces[sw->n_ifaces++] = iface;
            }
        }
    }
}

/* ---- DHCP. ---- */

/* Reports 'a' ('what' of 'pool', inside its subnet) if it is the
 * network or broadcast address of that subnet, which no host may have, as
 * for static addresses. */
static void
check_pool_host_address(struct validator *v,
                        const struct scenario_dhcp_pool *pool,
                        const struct scenario_addr *a, const char *what)
{
    const char *edge = (a->family == AF_INET
                        ? scenario_addr_subnet_edge(pool->subnet, &a->ip)
                        : NULL);

    if (edge) {
        error_at(v, a->loc, "%s %s is %s of the subnet %s served by %s.%s; "
                 "use a host address of that subnet", what, a->text, edge,
                 pool->subnet->text, pool->iface->node->name,
                 pool->iface->name);
    }
}

/* Resolves the serving interface of 'pool' and its subnet, and checks the
 * range and router against that subnet. */
static void
resolve_pool(struct validator *v, struct scenario_node *node,
             struct scenario_dhcp_pool *pool)
{
    pool->iface = resolve_iface(v, node, pool->iface_ref.text,
                                pool->iface_ref.loc, "dhcp-server");
    if (!pool->iface) {
        return;
    }

    struct scenario_iface *iface = pool->iface;
    const struct scenario_addr *subnet = NULL;
    bool has_ipv4 = false;
    for (size_t i = 0; i < iface->n_addrs; i++) {
        const struct scenario_addr *a = &iface->addrs[i];
        if (a->family == AF_INET) {
            has_ipv4 = true;
            if (!subnet || (pool->range_start.family == AF_INET
                            && scenario_addr_in_subnet(
                                a, &pool->range_start.ip))) {
                subnet = a;
            }
        } else if (a->family == AF_UNSPEC) {
            /* An invalid address, already reported. */
            return;
        }
    }
    if (!has_ipv4) {
        error_at(v, pool->loc, "the DHCP server on %s.%s needs a static IPv4 "
                 "address on that interface; add address: (e.g. "
                 "10.0.0.1/24) to it", node->name, iface->name);
        return;
    }
    pool->subnet = subnet;

    const struct scenario_addr *ends[] = { &pool->range_start,
                                           &pool->range_end };
    for (size_t i = 0; i < ARRAY_SIZE(ends); i++) {
        const struct scenario_addr *a = ends[i];
        if (a->family == AF_INET && !scenario_addr_in_subnet(subnet, &a->ip)) {
            error_at(v, a->loc, "DHCP range %s %s is outside the subnet of "
                     "%s.%s (%s); use addresses from that subnet",
                     i ? "end" : "start", a->text, node->name, iface->name,
                     subnet->text);
        } else {
            check_pool_host_address(v, pool, a, i ? "DHCP range end"
                                    : "DHCP range start");
        }
    }
    if (pool->has_router
        && !scenario_addr_in_subnet(subnet, &pool->router.ip)) {
        error_at(v, pool->router.loc, "router %s is outside the subnet %s "
                 "served by %s.%s; clients could not reach it, use an "
                 "address from that subnet", pool->router.text, subnet->text,
                 node->name, iface->name);
    } else if (pool->has_router) {
        check_pool_host_address(v, pool, &pool->router, "router");
    }
    for (size_t i = 0; i < pool->n_fixed; i++) {
        const struct scenario_addr *a = &pool->fixed[i].addr;
        if (a->family == AF_INET && !scenario_addr_in_subnet(subnet, &a->ip)) {
            error_at(v, a->loc, "fixed address %s is outside the subnet %s "
                     "served by %s.%s; use an address from that subnet",
                     a->text, subnet->text, node->name, iface->name);
        } else {
            check_pool_host_address(v, pool, a, "fixed address");
        }
    }
}

/* Resolves a fixed lease's client: "NODE.IFACE", or "NODE" meaning its one
 * DHCP interface on the pool's segment. */
static void
resolve_fixed(struct validator *v, struct scenario_dhcp_pool *pool,
              struct scenario_dhcp_fixed *fixed)
{
    const struct scenario_segment *seg = pool->segment;
    struct scenario_node *node;
    struct scenario_iface *iface;

    if (!resolve_node_or_iface(v, &fixed->client_ref, "fixed lease",
                               &node, &iface)) {
        return;
    }
    if (iface) {
        if (!iface->dhcp) {
            error_at(v, fixed->loc, "%s does not use DHCP; fixed leases are "
                     "for interfaces with dhcp: true", fixed->client_ref.text);
        } else if (iface->segment != seg) {
            error_at(v, fixed->loc, "%s is not on %s, which %s.%s serves; a "
                     "fixed lease must be for a client on that segment",
                     fixed->client_ref.text, seg->name,
                     pool->iface->node->name, pool->iface->name);
        } else {
            fixed->iface = iface;
        }
        return;
    }

    size_t n = 0;
    for (size_t i = 0; i < node->n_ifaces; i++) {
        struct scenario_iface *c = &node->ifaces[i];
        if (c->dhcp && c->segment == seg) {
            fixed->iface = c;
            n++;
        }
    }
    if (n != 1) {
        fixed->iface = NULL;
        error_at(v, fixed->loc, "node %s has %s DHCP client interface on %s; "
                 "%s", node->name, n ? "more than one" : "no", seg->name,
                 n ? "write NODE.INTERFACE"
                 : "give it an interface with dhcp: true on that segment");
    }
}

/* Attaches each pool to its segment (one server per segment) and resolves
 * the fixed leases, which need segments. */
static void
validate_dhcp_segments(struct validator *v)
{
    struct scenario *s = v->s;

    for (size_t i = 0; i < s->n_nodes; i++) {
        struct scenario_dhcp_server *server = s->nodes[i].dhcp_server;
        for (size_t j = 0; server && j < server->n_pools; j++) {
            struct scenario_dhcp_pool *pool = &server->pools[j];
            struct scenario_segment *seg;

            if (!pool->subnet || !(seg = pool->iface->segment)) {
                continue;
            }
            if (seg->dhcp) {
                error_at(v, pool->loc, "%s already has a DHCP server (%s.%s "
                         "at %d:%d); only one DHCP server may serve a "
                         "segment", seg->name, seg->dhcp->iface->node->name,
                         seg->dhcp->iface->name, seg->dhcp->loc.line,
                         seg->dhcp->loc.column);
                continue;
            }
            seg->dhcp = pool;
            pool->segment = seg;

            for (size_t k = 0; k < pool->n_fixed; k++) {
                struct scenario_dhcp_fixed *fixed = &pool->fixed[k];
                resolve_fixed(v, pool, fixed);
                for (size_t m = 0; m < k; m++) {
                    const struct scenario_dhcp_fixed *other = &pool->fixed[m];
                    /* Repeated addresses are reported with the other
                     * addresses of the segment. */
                    if (fixed->iface && fixed->iface == other->iface) {
                        error_at(v, fixed->loc, "second fixed lease for %s.%s "
                                 "(first at %d:%d); give each client one "
                                 "fixed address", fixed->iface->node->name,
                                 fixed->iface->name, other->loc.line,
                                 other->loc.column);
                        break;
                    }
                }
            }
        }
    }
}

/* ---- Addresses on segments and on the host. ---- */

/* Reports each address in 'uses' that repeats an earlier one, at the later
 * position: on the same segment ('same_seg'), or else on different segments
 * (the host's addresses). */
static void
report_duplicates(struct validator *v, const struct scenario_addr_use *uses,
                  size_t n, bool same_seg)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < i; j++) {
            const struct scenario_addr_use *a = &uses[i], *b = &uses[j];
            if ((a->seg == b->seg) != same_seg
                || !same_ip(a->addr, b->addr)) {
                continue;
            }
            const struct scenario_addr *later = a->addr, *first = b->addr;
            if (loc_before(later->loc, first->loc)) {
                later = b->addr;
                first = a->addr;
            }
            if (same_seg) {
                error_at(v, later->loc, "address %s is used twice on %s (also "
                         "at %d:%d); every address on a segment must be "
                         "unique", later->text, a->seg->name,
                         first->loc.line, first->loc.column);
            } else {
                error_at(v, later->loc, "address %s is used twice on the host "
                         "(also at %d:%d); the host is one namespace, give "
                         "each of its addresses once", later->text,
                         first->loc.line, first->loc.column);
            }
            break;
        }
    }
}

static void
validate_segment_addresses(struct validator *v)
{
    struct scenario *s = v->s;

    for (size_t i = 0; i < s->n_segments; i++) {
        const struct scenario_segment *seg = &s->segments[i];
        const struct scenario_dhcp_pool *pool = seg->dhcp;
        struct scenario_addr_use *uses = NULL;
        size_t n = 0, allocated = 0;

        for (size_t j = 0; j < seg->n_members; j++) {
            const struct scenario_segment_member *m = &seg->members[j];
            for (size_t k = 0; k < m->n_addrs; k++) {
                const struct scenario_addr *a = &m->addrs[k];
                scenario_addr_use_add(&uses, &n, &allocated, a, seg);
                if (pool && ip_in_range(a, &pool->range_start,
                                        &pool->range_end)) {
                    error_at(v, a->loc, "static address %s is inside the "
                             "DHCP range %s-%s of %s (served by %s.%s); use "
                             "an address outside the range", a->text,
                             pool->range_start.text, pool->range_end.text,
                             seg->name, pool->iface->node->name,
                             pool->iface->name);
                }
            }
        }
        for (size_t j = 0; pool && j < pool->n_fixed; j++) {
            scenario_addr_use_add(&uses, &n, &allocated,
                                  &pool->fixed[j].addr, seg);
        }
        report_duplicates(v, uses, n, true);
        free(uses);
    }
}

/* Reports a MAC address that two interfaces on one segment set. */
static void
validate_segment_macs(struct validator *v)
{
    struct scenario *s = v->s;

    for (size_t i = 0; i < s->n_segments; i++) {
        const struct scenario_segment *seg = &s->segments[i];

        for (size_t j = 0; j < seg->n_members; j++) {
            const struct scenario_iface *a = seg->members[j].iface;

            if (seg->members[j].kind != SCENARIO_MEMBER_IFACE
                || !a->has_mac) {
                continue;
            }
            for (size_t k = 0; k < j; k++) {
                const struct scenario_iface *b = seg->members[k].iface;

                if (seg->members[k].kind == SCENARIO_MEMBER_IFACE
                    && b->has_mac && eth_addr_equals(a->mac, b->mac)) {
                    error_at(v, a->loc, "MAC address "ETH_ADDR_FMT" of "
                             "%s.%s is also that of %s.%s (at %d:%d) on %s; "
                             "give each interface of a segment its own MAC "
                             "address", ETH_ADDR_ARGS(a->mac),
                             a->node->name, a->name, b->node->name,
                             b->name, b->loc.line, b->loc.column, seg->name);
                    break;
                }
            }
        }
    }
}

/* Reports the host's connected subnets in 'host' (its 'n' addresses, in
 * segment order) that overlap on different segments: the host would have
 * two routes to one subnet and reach only one of the segments.  The same
 * address twice on the host is reported as such, by report_duplicates(). */
static void
report_overlapping_subnets(struct validator *v,
                           const struct scenario_addr_use *host, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct scenario_addr *a = host[i].addr;

        /* Earlier segments only: the list is in segment order. */
        for (size_t j = 0; j < i && host[j].seg != host[i].seg; j++) {
            const struct scenario_addr *b = host[j].addr;

            if (scenario_addr_subnets_overlap(a, b) && !same_ip(a, b)) {
                error_at(v, a->loc, "the host's subnet of %s on %s "
                         "overlaps that of %s on %s (at %d:%d); the "
                         "host would route both through one interface, "
                         "give its segments distinct subnets", a->text,
                         host[i].seg->name, b->text, host[j].seg->name,
                         b->loc.line, b->loc.column);
                break;
            }
        }
    }
}

/* The host is one namespace: its addresses on different segments
 * (gateways, host links) must differ, and so must their subnets. */
static void
validate_host_addresses(struct validator *v)
{
    struct scenario_addr_use *host;
    size_t n = scenario_host_addrs(v->s, &host);

    report_duplicates(v, host, n, false);
    report_overlapping_subnets(v, host, n);
    free(host);
}

/* A veth pair has one MTU: both ends of a direct link that set one must
 * set the same. */
static void
validate_peer_mtus(struct validator *v)
{
    struct scenario *s = v->s;

    for (size_t i = 0; i < s->n_nodes; i++) {
        const struct scenario_node *node = &s->nodes[i];

        for (size_t j = 0; j < node->n_ifaces; j++) {
            const struct scenario_iface *iface = &node->ifaces[j];
            const struct scenario_iface *peer = iface->peer;

            if (peer && peer->peer_first && iface->mtu && peer->mtu
                && iface->mtu != peer->mtu) {
                error_at(v, iface->loc, "MTU %d of %s.%s differs from MTU "
                         "%d of its peer %s.%s (at %d:%d); a veth pair has "
                         "one MTU: give both ends the same mtu, or set it "
                         "on one end only", iface->mtu, node->name,
                         iface->name, peer->mtu, peer->node->name,
                         peer->name, peer->loc.line, peer->loc.column);
            }
        }
    }
}

/* IPv6 needs a link MTU of at least 1280 bytes (RFC 8200): below it the
 * kernel turns IPv6 off on the device, and its addresses could not be
 * added. */
static void
validate_ipv6_mtu(struct validator *v)
{
    struct scenario *s = v->s;

    for (size_t i = 0; i < s->n_nodes; i++) {
        const struct scenario_node *node = &s->nodes[i];

        for (size_t j = 0; j < node->n_ifaces; j++) {
            const struct scenario_iface *iface = &node->ifaces[j];
            int mtu = scenario_iface_link_mtu(iface);

            for (size_t k = 0; mtu && mtu < 1280 && k < iface->n_addrs;
                 k++) {
                const struct scenario_addr *a = &iface->addrs[k];

                if (a->family == AF_INET6) {
                    error_at(v, a->loc, "IPv6 address %s needs an MTU of "
                             "at least 1280, and %s.%s has %d; raise its "
                             "mtu or give it IPv4 addresses only", a->text,
                             node->name, iface->name, mtu);
                    break;
                }
            }
        }
    }
}

/* Reports host-side names of host links that another interface the lab
 * creates on the host has too, in lab 'lab': the bridge of a switch (also
 * the port of its untagged gateway), or another host link. */
static void
validate_host_names__(struct validator *v, const char *lab)
{
    struct scenario *s = v->s;
    struct shash bridges = SHASH_INITIALIZER(&bridges);
    struct shash names = SHASH_INITIALIZER(&names);

    for (size_t i = 0;
         lab && scenario_is_valid_lab_name(lab) && i < s->n_switches;
         i++) {
        shash_add_nocopy(&bridges,
                         plan_bridge_name(lab, s->switches[i].name, i),
                         &s->switches[i]);
    }
    for (size_t i = 0; i < s->n_nodes; i++) {
        for (size_t j = 0; j < s->nodes[i].n_ifaces; j++) {
            struct scenario_iface *iface = &s->nodes[i].ifaces[j];
            if (iface->link != SCENARIO_LINK_HOST || !iface->host_name) {
                continue;
            }
            const struct scenario_switch *sw = shash_find_data(
                &bridges, iface->host_name);
            const struct scenario_loc *first = shash_find_data(
                &names, iface->host_name);
            if (!strcmp(iface->host_name, "ovs-netdev")
                || !strcmp(iface->host_name, "ovs-system")) {
                /* Open vSwitch's own: "ovs-netdev" is the userspace
                 * datapath's device, which the private ovs-vswitchd would
                 * fail to create (its bridges then get no ports). */
                error_at(v, iface->loc, "host-side name %s of %s.%s is the "
                         "name of Open vSwitch's datapath device; rename "
                         "the host side", iface->host_name,
                         iface->node->name, iface->name);
            } else if (sw) {
                error_at(v, iface->loc, "host-side name %s of %s.%s is the "
                         "name of the bridge of switch %s (at %d:%d) in lab "
                         "%s; interfaces on the host need distinct names, "
                         "rename the host side", iface->host_name,
                         iface->node->name, iface->name, sw->name,
                         sw->loc.line, sw->loc.column, lab);
            } else if (first) {
                error_at(v, iface->loc, "host-side name %s of %s.%s is "
                         "already used at %d:%d; interfaces on the host need "
                         "distinct names", iface->host_name,
                         iface->node->name, iface->name,
                         first->line, first->column);
            } else {
                shash_add(&names, iface->host_name, &iface->loc);
            }
        }
    }
    shash_destroy(&names);
    shash_destroy(&bridges);
}

static void
validate_host_names(struct validator *v)
{
    validate_host_names__(v, v->s->name);
}

void
scenario_validate_lab_name(struct scenario *s, const char *lab,
                           struct scenario_errors *errors)
{
    struct validator v = { .s = s, .errors = errors };

    validate_host_names__(&v, lab);
}

/* ---- Routes. ---- */

/* Appends to 'ds' the subnets of 'iface' in 'family' and returns true if
 * one of them contains 'ip'.  Sets '*unknown' if 'iface' uses DHCP on a
 * segment with no known server (its subnet cannot be known). */
static bool
iface_subnet_contains(const struct scenario_iface *iface, int family,
                      const struct in6_addr *ip, struct ds *ds, bool *unknown)
{
    bool found = false;

    for (size_t i = 0; i < iface->n_addrs; i++) {
        const struct scenario_addr *a = &iface->addrs[i];
        if (a->family == AF_UNSPEC) {
            *unknown = true;
        } else if (a->family == family) {
            ds_put_format(ds, "%s%s on %s", ds->length ? ", " : "", a->text,
                          iface->name);
            found = found || scenario_addr_in_subnet(a, ip);
        }
    }
    if (iface->dhcp && family == AF_INET) {
        const struct scenario_dhcp_pool *pool
            = iface->segment ? iface->segment->dhcp : NULL;
        if (pool && pool->subnet) {
            ds_put_format(ds, "%s%s by DHCP on %s", ds->length ? ", " : "",
                          pool->subnet->text, iface->name);
            found = found || scenario_addr_in_subnet(pool->subnet, ip);
        } else {
            *unknown = true;
        }
    }
    return found;
}

/* Reports a gateway that is the network or broadcast address of a subnet
 * of the node (of 'route->dev' if given) that contains it: the kernel
 * refuses the broadcast address ("invalid gateway"), and no host can have
 * either. */
static void
validate_route_via_edge(struct validator *v,
                        const struct scenario_node *node,
                        const struct scenario_route *route)
{
    for (size_t i = 0; i < node->n_ifaces; i++) {
        const struct scenario_iface *iface = &node->ifaces[i];
        const struct scenario_dhcp_pool *pool
            = iface->dhcp && iface->segment ? iface->segment->dhcp : NULL;

        if (route->dev && route->dev != iface) {
            continue;
        }
        for (size_t j = 0; j <= iface->n_addrs; j++) {
            const struct scenario_addr *a = (j < iface->n_addrs
                                             ? &iface->addrs[j]
                                             : pool ? pool->subnet : NULL);
            const char *edge = (a && addr_valid(a)
                                ? scenario_addr_subnet_edge(a,
                                                            &route->via.ip)
                                : NULL);
            if (edge) {
                error_at(v, route->via.loc, "gateway %s is %s of the subnet "
                         "of %s on %s.%s; use the address of a router on "
                         "that subnet", route->via.text, edge, a->text,
                         node->name, iface->name);
                return;
            }
        }
    }
}

/* Reports an IPv4 route to a subnet that one of the node's static
 * addresses makes connected: the kernel adds that route itself, with the
 * same metric (0), so adding it again fails ("File exists").  (IPv6
 * connected routes have metric 256 and static ones 1024: no conflict.) */
static void
validate_route_connected(struct validator *v,
                         const struct scenario_node *node,
                         const struct scenario_route *route)
{
    if (route->dst.family != AF_INET) {
        return;
    }
    for (size_t i = 0; i < node->n_ifaces; i++) {
        const struct scenario_iface *iface = &node->ifaces[i];

        for (size_t j = 0; j < iface->n_addrs; j++) {
            const struct scenario_addr *a = &iface->addrs[j];

            if (a->family == AF_INET && a->plen < 32
                && a->plen == route->dst.plen
                && scenario_addr_in_subnet(a, &route->dst.ip)) {
                error_at(v, route->dst.loc, "route to %s in node %s is the "
                         "subnet of %s on %s, which the kernel routes "
                         "already (its route would be refused: \"File "
                         "exists\"); remove this route", route->dst.text,
                         node->name, a->text, iface->name);
                return;
            }
        }
    }
}

static void
validate_routes(struct validator *v, struct scenario_node *node)
{
    for (size_t i = 0; i < node->n_routes; i++) {
        struct scenario_route *route = &node->routes[i];
        char *what = xasprintf("route of node %s", node->name);

        if (route->dev_ref.text) {
            route->dev = resolve_iface(v, node, route->dev_ref.text,
                                       route->dev_ref.loc, what);
        }
        free(what);

        if (route->has_via && addr_valid(&route->via)
            && (route->dev || !route->dev_ref.text)) {
            struct ds subnets = DS_EMPTY_INITIALIZER;
            bool unknown = false, found = false;

            for (size_t j = 0; j < node->n_ifaces; j++) {
                const struct scenario_iface *iface = &node->ifaces[j];
                if (!route->dev || route->dev == iface) {
                    found |= iface_subnet_contains(iface, route->via.family,
                                                   &route->via.ip, &subnets,
                                                   &unknown);
                }
            }
            if (!found && !unknown) {
                error_at(v, route->via.loc, "gateway %s is not in a subnet of "
                         "%s%s (%s); use an address on a directly connected "
                         "subnet", route->via.text,
                         route->dev ? "interface " : "node ",
                         route->dev ? route->dev->name : node->name,
                         subnets.length ? ds_cstr(&subnets)
                         : "it has no addresses of that family");
            } else if (found) {
                validate_route_via_edge(v, node, route);
            }
            ds_destroy(&subnets);
        }
        validate_route_connected(v, node, route);

        for (size_t j = 0; j < i; j++) {
            const struct scenario_route *other = &node->routes[j];
            if (same_ip(&route->dst, &other->dst)
                && route->dst.plen == other->dst.plen) {
                error_at(v, route->loc, "second route to %s in node %s "
                         "(first at %d:%d); give each destination one "
                         "route", route->dst.text, node->name,
                         other->loc.line, other->loc.column);
                break;
            }
        }
    }
}

/* ---- Host forwarding. ---- */

/* True if the host has an address on the segment of 'iface' whose subnet
 * contains 'a'. */
static bool
host_reaches(const struct scenario_iface *iface, const struct scenario_addr *a)
{
    const struct scenario_segment *seg = iface->segment;

    for (size_t i = 0; seg && i < seg->n_members; i++) {
        const struct scenario_segment_member *m = &seg->members[i];
        if (m->kind == SCENARIO_MEMBER_IFACE) {
            continue;
        }
        for (size_t j = 0; j < m->n_addrs; j++) {
            if (addr_valid(&m->addrs[j])
                && scenario_addr_in_subnet(&m->addrs[j], &a->ip)) {
                return true;
            }
        }
    }
    return false;
}

static void
validate_forwards(struct validator *v)
{
    struct scenario_host *host = &v->s->host;

    for (size_t i = 0; i < host->n_forwards; i++) {
        struct scenario_forward *fwd = &host->forwards[i];

        for (size_t j = 0; j < i; j++) {
            const struct scenario_forward *other = &host->forwards[j];
            if (fwd->port && other->port == fwd->port
                && other->protocol == fwd->protocol) {
                error_at(v, fwd->loc, "host port %d/%s is forwarded twice "
                         "(first at %d:%d); forward each host port once",
                         fwd->port,
                         fwd->protocol == IPPROTO_UDP ? "udp" : "tcp",
                         other->loc.line, other->loc.column);
                break;
            }
        }

        if (!resolve_node_or_iface(v, &fwd->to_ref, "forward", &fwd->node,
                                   &fwd->iface)) {
            continue;
        }
        bool unknown = false;
        for (size_t j = 0; j < fwd->node->n_ifaces && !fwd->to_addr; j++) {
            const struct scenario_iface *iface = &fwd->node->ifaces[j];
            if (fwd->iface && fwd->iface != iface) {
                continue;
            }
            for (size_t k = 0; k < iface->n_addrs && !fwd->to_addr; k++) {
                const struct scenario_addr *a = &iface->addrs[k];
                unknown |= a->family == AF_UNSPEC;
                if (a->family == AF_INET && host_reaches(iface, a)) {
                    fwd->to_addr = a;
                }
            }
        }
        if (!fwd->to_addr && !unknown) {
            error_at(v, fwd->to_ref.loc, "forward target %s has no static "
                     "IPv4 address the host can reach; put it on a switch "
                     "with a gateway, or on a host link with a host-side "
                     "address, in the same subnet", fwd->to_ref.text);
        }
    }
}

/* ---- Checks. ---- */

/* True if 'a' is an address of the lab: static anywhere, on the host side,
 * or one DHCP may hand out. */
static bool
is_lab_address(const struct scenario *s, const struct scenario_addr *a)
{
    for (size_t i = 0; i < s->n_segments; i++) {
        const struct scenario_segment *seg = &s->segments[i];
        for (size_t j = 0; j < seg->n_members; j++) {
            const struct scenario_segment_member *m = &seg->members[j];
            for (size_t k = 0; k < m->n_addrs; k++) {
                if (same_ip(&m->addrs[k], a)) {
                    return true;
                }
            }
        }
        const struct scenario_dhcp_pool *pool = seg->dhcp;
        if (pool) {
            if (ip_in_range(a, &pool->range_start, &pool->range_end)) {
                return true;
            }
            for (size_t j = 0; j < pool->n_fixed; j++) {
                if (same_ip(&pool->fixed[j].addr, a)) {
                    return true;
                }
            }
        }
    }
    return false;
}

/* ---- Checks: replies that can be told apart. ---- */

/* The addresses that a check may probe at its target node, as far as the
 * file tells, and whether a reply from them can only come from that node.
 * A reply from an address that another node (or the source itself) holds
 * too could have come from either, so it proves nothing. */
struct reply_sources {
    const struct scenario *s;
    const struct scenario_holders *holders; /* Static addresses. */
    const struct scenario_node *target;
    size_t n;                   /* Candidate addresses. */
    bool distinct;              /* A candidate is the target's alone, or
                                 * may come from DHCP (known only when the
                                 * lab runs). */
    struct ds why;              /* "10.0.0.2 is also b's address, ...". */
};

static void
reply_sources_init(struct reply_sources *rs, const struct scenario *s,
                   const struct scenario_holders *holders,
                   const struct scenario_node *target)
{
    *rs = (struct reply_sources) {
        .s = s, .holders = holders, .target = target,
    };
    ds_init(&rs->why);
}

/* True if 'a' is used twice on one segment, which is reported as such:
 * the checks that would probe it need no error of their own. */
static bool
used_twice_on_a_segment(const struct scenario *s,
                        const struct scenario_addr *a)
{
    for (size_t i = 0; i < s->n_segments; i++) {
        const struct scenario_segment *seg = &s->segments[i];
        size_t n = 0;

        for (size_t j = 0; j < seg->n_members; j++) {
            const struct scenario_segment_member *m = &seg->members[j];

            for (size_t k = 0; k < m->n_addrs; k++) {
                n += same_ip(&m->addrs[k], a);
            }
        }
        if (n > 1) {
            return true;
        }
    }
    return false;
}

/* Adds the addresses of 'iface', an interface of rs->target, of the
 * families wanted. */
static void
reply_sources_add(struct reply_sources *rs,
                  const struct scenario_iface *iface, bool ipv4, bool ipv6)
{
    if (iface->dhcp && ipv4) {
        rs->n++;
        rs->distinct = true;
    }
    for (size_t i = 0; i < iface->n_addrs; i++) {
        const struct scenario_addr *a = &iface->addrs[i];
        const struct scenario_node *other;

        if (!addr_valid(a)) {
            rs->distinct = true;    /* Reported already. */
            continue;
        } else if (a->family == AF_INET ? !ipv4 : !ipv6) {
            continue;
        }
        rs->n++;
        other = scenario_holders_other(rs->holders, &a->ip, rs->target);
        if (!other || used_twice_on_a_segment(rs->s, a)) {
            rs->distinct = true;
        } else {
            ds_put_format(&rs->why, "%s%.*s is also %s's address",
                          rs->why.length ? ", " : "",
                          (int) strcspn(a->text, "/"), a->text, other->name);
        }
    }
}

static bool
reply_sources_ambiguous(const struct reply_sources *rs)
{
    return rs->n && !rs->distinct;
}

/* The addresses that isolation pair 'a' -> 'b' may probe: b's on the
 * segments they share (scenario_next_shared_segment()), of a family that
 * a has there, or else every address of b. */
static void
pair_reply_sources(const struct scenario *s,
                   const struct scenario_holders *holders,
                   const struct scenario_node *a,
                   const struct scenario_node *b, struct reply_sources *rs)
{
    bool shared = false;

    reply_sources_init(rs, s, holders, b);
    for (size_t i = 0; i < b->n_ifaces; i++) {
        const struct scenario_iface *b_iface = &b->ifaces[i];
        const struct scenario_iface *a_iface;
        bool ipv4, ipv6 = false;

        /* Only the first interface of b on a segment is probed there. */
        if (!b_iface->segment
            || scenario_segment_iface_of(b_iface->segment, b) != b_iface
            || !(a_iface = scenario_segment_iface_of(b_iface->segment, a))) {
            continue;
        }
        ipv4 = a_iface->dhcp;
        for (size_t j = 0; j < a_iface->n_addrs; j++) {
            ipv4 = ipv4 || a_iface->addrs[j].family == AF_INET;
            ipv6 = ipv6 || a_iface->addrs[j].family == AF_INET6;
        }
        reply_sources_add(rs, b_iface, ipv4, ipv6);
        shared = true;
    }
    for (size_t i = 0; !shared && i < b->n_ifaces; i++) {
        reply_sources_add(rs, &b->ifaces[i], true, true);
    }
}

/* True if another node holds one of the static addresses of 'node'. */
static bool
shares_an_address(const struct scenario_holders *holders,
                  const struct scenario_node *node)
{
    for (size_t i = 0; i < node->n_ifaces; i++) {
        const struct scenario_iface *iface = &node->ifaces[i];

        for (size_t j = 0; j < iface->n_addrs; j++) {
            if (addr_valid(&iface->addrs[j])
                && scenario_holders_other(holders, &iface->addrs[j].ip,
                                          node)) {
                return true;
            }
        }
    }
    return false;
}

/* Reports the ping or tcp 'check' whose target has only addresses that
 * another node holds too. */
static void
validate_reach_replies(struct validator *v,
                       const struct scenario_check *check,
                       const struct scenario_holders *holders)
{
    const struct scenario_target *to = &check->reach.to;
    const char *kind = scenario_check_kind_name(check->kind);

    if (to->is_addr) {
        const struct scenario_node *owner
            = scenario_holders_other(holders, &to->addr.ip, NULL);
        const struct scenario_node *other
            = owner ? scenario_holders_other(holders, &to->addr.ip, owner)
              : NULL;

        if (other && !used_twice_on_a_segment(v->s, &to->addr)) {
            error_at(v, to->ref.loc, "%s target %s is the address of both "
                     "%s and %s, so a reply could not be told apart; use an "
                     "address that only one node has", kind, to->ref.text,
                     owner->name, other->name);
        }
    } else {
        struct reply_sources rs;

        reply_sources_init(&rs, v->s, holders, to->node);
        for (size_t i = 0; i < to->node->n_ifaces; i++) {
            if (!to->iface || to->iface == &to->node->ifaces[i]) {
                reply_sources_add(&rs, &to->node->ifaces[i], true, true);
            }
        }
        if (reply_sources_ambiguous(&rs)) {
            error_at(v, to->ref.loc, "%s target %s has no address of its "
                     "own: %s, so a reply could not be told apart; give %s "
                     "an address that no other node has, or check another "
                     "target", kind, to->ref.text, ds_cstr(&rs.why),
                     to->ref.text);
        }
        ds_destroy(&rs.why);
    }
}

/* Reports, once for each node b of isolation check 'check', the pairs
 * a -> b that could not be told apart. */
static void
validate_isolation_replies(struct validator *v,
                           const struct scenario_check *check,
                           const struct scenario_holders *holders)
{
    const struct scenario_check_isolation *iso = &check->isolation;

    for (size_t j = 0; j < iso->n_nodes; j++) {
        const struct scenario_node *b = iso->nodes[j];
        struct ds pairs = DS_EMPTY_INITIALIZER;
        char *why = NULL;
        size_t n_bad = 0;

        if (!shares_an_address(holders, b)) {
            continue;
        }
        for (size_t i = 0; i < iso->n_nodes; i++) {
            const struct scenario_node *a = iso->nodes[i];
            struct reply_sources rs;

            if (i == j) {
                continue;
            }
            pair_reply_sources(v->s, holders, a, b, &rs);
            if (reply_sources_ambiguous(&rs)) {
                if (n_bad++ < MAX_LISTED) {
                    ds_put_format(&pairs, "%s%s -> %s", n_bad > 1 ? ", " : "",
                                  a->name, b->name);
                }
                if (!why) {
                    why = ds_steal_cstr(&rs.why);
                }
            }
            ds_destroy(&rs.why);
        }
        if (n_bad > MAX_LISTED) {
            ds_put_format(&pairs, ", ... (%"PRIuSIZE" pairs in all)", n_bad);
        }
        if (n_bad) {
            error_at(v, iso->node_refs ? iso->node_refs[j].loc : check->loc,
                     "isolation check pair%s %s cannot be probed: %s, so a "
                     "reply could not be told apart; list nodes with "
                     "distinct addresses in nodes:, or give %s an address "
                     "that no other node has", n_bad > 1 ? "s" : "",
                     ds_cstr(&pairs), why, b->name);
        }
        ds_destroy(&pairs);
        free(why);
    }
}

static void
validate_reach(struct validator *v, struct scenario_check *check,
               const char *what, const struct scenario_holders *holders)
{
    struct scenario_check_reach *r = &check->reach;
    struct scenario_target *to = &r->to;

    r->from = resolve_node(v, &r->from_ref, what);
    if (!to->ref.text) {
        return;
    }
    if (to->is_addr) {
        if (addr_valid(&to->addr) && !is_lab_address(v->s, &to->addr)) {
            error_at(v, to->ref.loc, "%s target %s is not an address of this "
                     "lab; checks may only send traffic to the lab's own "
                     "addresses (static, gateway, host link or DHCP range)",
                     scenario_check_kind_name(check->kind), to->ref.text);
        } else if (addr_valid(&to->addr)) {
            validate_reach_replies(v, check, holders);
        }
        return;
    }
    if (!resolve_node_or_iface(v, &to->ref, what, &to->node, &to->iface)) {
        return;
    }
    if (to->iface ? !scenario_iface_has_address(to->iface)
        : !node_has_address(to->node)) {
        error_at(v, to->ref.loc, "%s target %s has no address (static or "
                 "dhcp); give it an address or check another target",
                 scenario_check_kind_name(check->kind), to->ref.text);
    } else {
        validate_reach_replies(v, check, holders);
    }
}

static void
validate_dhcp_check(struct validator *v, struct scenario_check *check)
{
    struct scenario_check_dhcp *d = &check->dhcp;

    d->node = resolve_node(v, &d->node_ref, "dhcp check");
    if (!d->node || scenario_ref_rejected(&d->iface_ref)) {
        return;
    }
    if (d->iface_ref.text) {
        d->iface = resolve_iface(v, d->node, d->iface_ref.text,
                                 d->iface_ref.loc, "dhcp check");
        if (d->iface && !d->iface->dhcp) {
            error_at(v, d->iface_ref.loc, "%s.%s does not use DHCP; set "
                     "dhcp: true on it or check another interface",
                     d->node->name, d->iface->name);
            d->iface = NULL;
        }
    } else {
        size_t n = 0;
        for (size_t i = 0; i < d->node->n_ifaces; i++) {
            if (d->node->ifaces[i].dhcp) {
                d->iface = &d->node->ifaces[i];
                n++;
            }
        }
        if (n != 1) {
            d->iface = NULL;
            error_at(v, d->node_ref.loc, "node %s has %s interface with "
                     "dhcp: true; %s", d->node->name,
                     n ? "more than one" : "no",
                     n ? "add interface: NAME to the check"
                     : "set dhcp: true on the interface to check");
        }
    }

    if (d->iface && check->expect_ok
        && !(d->iface->segment && d->iface->segment->dhcp)) {
        error_at(v, check->loc, "this dhcp check expects a lease on %s.%s, "
                 "but no DHCP server serves %s; add a dhcp-server there or "
                 "use expect: fail", d->node->name, d->iface->name,
                 d->iface->segment ? d->iface->segment->name
                 : "its segment");
    }
}

static void
validate_isolation(struct validator *v, struct scenario_check *check,
                   const struct scenario_holders *holders)
{
    struct scenario_check_isolation *iso = &check->isolation;
    struct scenario *s = v->s;

    if (iso->all) {
        iso->nodes = xmalloc(s->n_nodes * sizeof *iso->nodes + 1);
        for (size_t i = 0; i < s->n_nodes; i++) {
            if (node_has_address(&s->nodes[i])) {
                iso->nodes[iso->n_nodes++] = &s->nodes[i];
            }
        }
        if (iso->n_nodes < 2) {
            error_at(v, check->loc, "isolation check over all nodes with an "
                     "address, but only %"PRIuSIZE" has one; it needs at "
                     "least two", iso->n_nodes);
        } else {
            validate_isolation_replies(v, check, holders);
        }
        return;
    }

    bool complete = true, twice = false;
    for (size_t i = 0; i < iso->n_nodes; i++) {
        const struct scenario_ref *ref = &iso->node_refs[i];
        iso->nodes[i] = resolve_node(v, ref, "isolation check");
        complete = complete && iso->nodes[i];
        for (size_t j = 0; j < i; j++) {
            if (iso->nodes[i] && iso->nodes[i] == iso->nodes[j]) {
                twice = true;
                error_at(v, ref->loc, "node %s is listed twice in the "
                         "isolation check; list each node once", ref->text);
                break;
            }
        }
    }
    if (complete && iso->node_refs && iso->n_nodes < 2) {
        error_at(v, check->loc, "isolation check lists %"PRIuSIZE" node%s; "
                 "list at least two nodes, or drop nodes to check all",
                 iso->n_nodes, iso->n_nodes == 1 ? "" : "s");
    } else if (complete && !twice) {
        validate_isolation_replies(v, check, holders);
    }
}

static void
validate_checks(struct validator *v)
{
    struct scenario *s = v->s;
    struct scenario_holders holders;

    scenario_holders_init(&holders);
    scenario_holders_add_static(&holders, s);
    for (size_t i = 0; i < s->n_checks; i++) {
        struct scenario_check *check = &s->checks[i];

        switch (check->kind) {
        case SCENARIO_CHECK_PING:
            validate_reach(v, check, "ping check", &holders);
            break;
        case SCENARIO_CHECK_TCP:
            validate_reach(v, check, "tcp check", &holders);
            break;
        case SCENARIO_CHECK_DHCP:
            validate_dhcp_check(v, check);
            break;
        case SCENARIO_CHECK_ISOLATION:
            validate_isolation(v, check, &holders);
            break;
        case SCENARIO_CHECK_EXEC:
            check->exec.node = resolve_node(v, &check->exec.node_ref,
                                            "exec check");
            break;
        }
    }
    scenario_holders_destroy(&holders);
}

void
scenario_validate(struct scenario *s, struct scenario_errors *errors)
{
    struct validator v = { .s = s, .errors = errors };

    resolve_switches(&v);
    resolve_peers(&v);
    collect_switch_ifaces(s);
    for (size_t i = 0; i < s->n_nodes; i++) {
        struct scenario_dhcp_server *server = s->nodes[i].dhcp_server;
        for (size_t j = 0; server && j < server->n_pools; j++) {
            resolve_pool(&v, &s->nodes[i], &server->pools[j]);
        }
    }

    scenario_compute_segments(s);

    validate_dhcp_segments(&v);
    validate_segment_addresses(&v);
    validate_host_addresses(&v);
    validate_host_names(&v);
    validate_peer_mtus(&v);
    validate_segment_macs(&v);
    validate_ipv6_mtu(&v);
    for (size_t i = 0; i < s->n_nodes; i++) {
        validate_routes(&v, &s->nodes[i]);
    }
    validate_forwards(&v);
    nat_validate(s, errors);
    validate_checks(&v);
}
