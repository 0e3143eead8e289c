/*
 * Which address of a node a check probes: static addresses from the
 * scenario, DHCP addresses from the lease table, the segments nodes share,
 * and which addresses other nodes hold too.  Also how addresses and times
 * appear in results.
 */
#include <config.h>
#include "check-private.h"

#include <arpa/inet.h>
#include <string.h>

#include "lease.h"
#include "plan.h"
#include "util.h"

void
check_addrs_init(struct check_addrs *addrs)
{
    memset(addrs, 0, sizeof *addrs);
}

void
check_addrs_destroy(struct check_addrs *addrs)
{
    if (addrs) {
        free(addrs->addrs);
    }
}

void
check_addrs_add(struct check_addrs *addrs, const struct check_addr *addr)
{
    if (addrs->n >= addrs->allocated) {
        addrs->addrs = x2nrealloc(addrs->addrs, &addrs->allocated,
                                  sizeof *addrs->addrs);
    }
    addrs->addrs[addrs->n++] = *addr;
}

static void
check_addrs_push(struct check_addrs *addrs, int family,
                 const struct in6_addr *ip, unsigned int plen)
{
    struct check_addr addr = { .family = family, .ip = *ip, .plen = plen };

    check_addrs_add(addrs, &addr);
}

/* The lease of 'iface', if it is a DHCP client that obtained one. */
static const struct lease *
obtained_lease(const struct check_env *env, const struct scenario_iface *iface)
{
    const struct lease *lease = (iface->dhcp && env->leases
                                 ? lease_table_find(env->leases, iface)
                                 : NULL);

    return lease && lease->obtained ? lease : NULL;
}

void
check_iface_addrs(const struct check_env *env,
                  const struct scenario_iface *iface,
                  struct check_addrs *addrs)
{
    const struct lease *lease = obtained_lease(env, iface);

    for (size_t i = 0; i < iface->n_addrs; i++) {
        check_addrs_push(addrs, iface->addrs[i].family, &iface->addrs[i].ip,
                         iface->addrs[i].plen);
    }
    if (lease) {
        check_addrs_push(addrs, AF_INET, &lease->addr, lease->plen);
    }
}

void
check_node_addrs(const struct check_env *env,
                 const struct scenario_node *node, struct check_addrs *addrs)
{
    for (size_t i = 0; i < node->n_ifaces; i++) {
        check_iface_addrs(env, &node->ifaces[i], addrs);
    }
}

void
check_holders_add_all(const struct check_env *env,
                      struct scenario_holders *holders)
{
    const struct scenario *s = env->scenario;

    scenario_holders_add_static(holders, s);
    for (size_t i = 0; i < s->n_nodes; i++) {
        for (size_t j = 0; j < s->nodes[i].n_ifaces; j++) {
            const struct lease *lease = obtained_lease(env,
                                                       &s->nodes[i].ifaces[j]);

            if (lease) {
                scenario_holders_add(holders, &lease->addr, &s->nodes[i]);
            }
        }
    }
}

/* How well an address of the target suits the source, best first. */
enum match {
    MATCH_SUBNET,               /* In the subnet of one of the source's
                                 * addresses: reached directly. */
    MATCH_FAMILY,               /* Of a family the source has. */
    MATCH_ANY,
};

/* True if 'addr' matches one of 'from_addrs' as 'match' says. */
static bool
addr_matches(const struct check_addr *addr,
             const struct check_addrs *from_addrs, enum match match)
{
    if (match == MATCH_ANY) {
        return true;
    }
    for (size_t i = 0; i < from_addrs->n; i++) {
        const struct check_addr *f = &from_addrs->addrs[i];
        struct scenario_addr subnet = {
            .family = f->family, .ip = f->ip, .plen = f->plen,
        };

        if (f->family == addr->family
            && (match == MATCH_FAMILY
                || scenario_addr_in_subnet(&subnet, &addr->ip))) {
            return true;
        }
    }
    return false;
}

/* Picks into 'pick' the first of 'candidates' (addresses of 'to', on
 * shared segment 'seg' or NULL) that matches 'from_addrs' as 'match' says
 * and that no node other than 'to' holds, and returns true.  Otherwise
 * returns false, after remembering in 'pick' the first candidate that
 * matched but is ambiguous, unless 'pick' already holds one. */
static bool
pick_from(const struct check_addrs *candidates,
          const struct check_addrs *from_addrs, enum match match,
          const struct scenario_holders *holders,
          const struct scenario_node *to,
          const struct scenario_segment *seg, struct check_pick *pick)
{
    for (size_t i = 0; i < candidates->n; i++) {
        const struct check_addr *addr = &candidates->addrs[i];
        const struct scenario_node *other;

        if (!addr_matches(addr, from_addrs, match)) {
            continue;
        }
        other = scenario_holders_other(holders, &addr->ip, to);
        if (!other || pick->result == CHECK_PICK_NO_ADDRESS) {
            pick->result = other ? CHECK_PICK_AMBIGUOUS : CHECK_PICKED;
            pick->addr = *addr;
            pick->segment = seg;
            pick->other = other;
        }
        if (!other) {
            return true;
        }
    }
    return false;
}

/* pick_from() on each segment that 'from' and 'to' share, with the
 * addresses of each on that segment, until one picks. */
static bool
pick_on_shared_segments(const struct check_env *env,
                        const struct scenario_holders *holders,
                        const struct scenario_node *from,
                        const struct scenario_node *to,
                        const struct scenario_iface *to_iface,
                        enum match match, struct check_pick *pick)
{
    const struct scenario_iface *a_iface, *b_iface;
    const struct scenario_segment *seg;
    size_t start = 0;

    while ((seg = scenario_next_shared_segment(env->scenario, from, to,
                                               &start, &a_iface,
                                               &b_iface))) {
        struct check_addrs a_addrs, b_addrs;
        bool picked;

        if (to_iface && b_iface != to_iface) {
            continue;
        }
        check_addrs_init(&a_addrs);
        check_addrs_init(&b_addrs);
        check_iface_addrs(env, a_iface, &a_addrs);
        check_iface_addrs(env, b_iface, &b_addrs);
        picked = pick_from(&b_addrs, &a_addrs, match, holders, to, seg,
                           pick);
        check_addrs_destroy(&a_addrs);
        check_addrs_destroy(&b_addrs);
        if (picked) {
            return true;
        }
    }
    return false;
}

void
check_pick_target(const struct check_env *env,
                  const struct scenario_holders *holders,
                  const struct scenario_node *from,
                  const struct scenario_node *to,
                  const struct scenario_iface *to_iface, bool shared_only,
                  struct check_pick *pick)
{
    struct check_addrs from_addrs, to_addrs;

    memset(pick, 0, sizeof *pick);
    pick->result = CHECK_PICK_NO_ADDRESS;

    /* Of two addresses of 'to' on a shared segment, one in another subnet
     * than 'from''s would take a route that 'from' may not have. */
    if (pick_on_shared_segments(env, holders, from, to, to_iface,
                                MATCH_SUBNET, pick)
        || pick_on_shared_segments(env, holders, from, to, to_iface,
                                   MATCH_FAMILY, pick)
        || shared_only) {
        return;
    }

    check_addrs_init(&from_addrs);
    check_addrs_init(&to_addrs);
    check_node_addrs(env, from, &from_addrs);
    if (to_iface) {
        check_iface_addrs(env, to_iface, &to_addrs);
    } else {
        check_node_addrs(env, to, &to_addrs);
    }
    if (!pick_from(&to_addrs, &from_addrs, MATCH_FAMILY, holders, to, NULL,
                   pick)) {
        pick_from(&to_addrs, &from_addrs, MATCH_ANY, holders, to, NULL, pick);
    }
    check_addrs_destroy(&from_addrs);
    check_addrs_destroy(&to_addrs);
}

char *
check_describe_ambiguous(const struct check_pick *pick)
{
    char buf[CHECK_ADDR_STRLEN];

    return xasprintf("%s is also %s's address: a reply cannot be told apart",
                     check_addr_format(&pick->addr, buf), pick->other->name);
}

const char *
check_addr_format(const struct check_addr *addr, char buf[CHECK_ADDR_STRLEN])
{
    if (addr->family == AF_INET) {
        return inet_ntop(AF_INET, &addr->ip.s6_addr[12], buf,
                         CHECK_ADDR_STRLEN);
    }
    return inet_ntop(AF_INET6, &addr->ip, buf, CHECK_ADDR_STRLEN);
}

char *
check_format_rtt(long long int us)
{
    double ms = us / 1000.0;

    return xasprintf(ms < 1 ? "%.3f ms" : ms < 100 ? "%.1f ms" : "%.0f ms",
                     ms);
}

const char *
check_netns_name(const struct check_env *env,
                 const struct scenario_node *node)
{
    return plan_netns_of(env->plan, node)->name;
}
