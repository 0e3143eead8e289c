/*
 * Which address of a node a check probes: static addresses from the
 * scenario, DHCP addresses from the lease table, and the segments nodes
 * share.  Also how addresses and times appear in results.
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
                 const struct in6_addr *ip)
{
    struct check_addr addr = { .family = family, .ip = *ip };

    check_addrs_add(addrs, &addr);
}

static bool
check_addrs_has_family(const struct check_addrs *addrs, int family)
{
    for (size_t i = 0; i < addrs->n; i++) {
        if (addrs->addrs[i].family == family) {
            return true;
        }
    }
    return false;
}

void
check_iface_addrs(const struct check_env *env,
                  const struct scenario_iface *iface,
                  struct check_addrs *addrs)
{
    for (size_t i = 0; i < iface->n_addrs; i++) {
        check_addrs_push(addrs, iface->addrs[i].family, &iface->addrs[i].ip);
    }
    if (iface->dhcp && env->leases) {
        const struct lease *lease = lease_table_find(env->leases, iface);

        if (lease && lease->obtained) {
            check_addrs_push(addrs, AF_INET, &lease->addr);
        }
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

/* The first node interface of 'node' among the members of 'seg', or
 * NULL. */
static const struct scenario_iface *
segment_iface_of(const struct scenario_segment *seg,
                 const struct scenario_node *node)
{
    for (size_t i = 0; i < seg->n_members; i++) {
        const struct scenario_segment_member *m = &seg->members[i];

        if (m->kind == SCENARIO_MEMBER_IFACE && m->iface->node == node) {
            return m->iface;
        }
    }
    return NULL;
}

const struct scenario_segment *
check_shared_segment(const struct scenario *s, const struct scenario_node *a,
                     const struct scenario_node *b, size_t *start,
                     const struct scenario_iface **a_ifacep,
                     const struct scenario_iface **b_ifacep)
{
    for (size_t i = *start; i < s->n_segments; i++) {
        const struct scenario_segment *seg = &s->segments[i];
        const struct scenario_iface *a_iface = segment_iface_of(seg, a);
        const struct scenario_iface *b_iface
            = a_iface ? segment_iface_of(seg, b) : NULL;

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

/* The first of 'candidates' whose family is in 'families', or NULL. */
static const struct check_addr *
first_of_families(const struct check_addrs *candidates,
                  const struct check_addrs *families)
{
    for (size_t i = 0; i < candidates->n; i++) {
        if (check_addrs_has_family(families, candidates->addrs[i].family)) {
            return &candidates->addrs[i];
        }
    }
    return NULL;
}

/* On the segments 'from' and 'to' share, the first address of 'to' (only
 * on 'to_iface', if nonnull) of a family that 'from' has on the same
 * segment. */
static bool
pick_on_shared_segment(const struct check_env *env,
                       const struct scenario_node *from,
                       const struct scenario_node *to,
                       const struct scenario_iface *to_iface,
                       struct check_addr *addr,
                       const struct scenario_segment **segp)
{
    const struct scenario_iface *a_iface, *b_iface;
    const struct scenario_segment *seg;
    size_t start = 0;

    while ((seg = check_shared_segment(env->scenario, from, to, &start,
                                       &a_iface, &b_iface))) {
        struct check_addrs a_addrs, b_addrs;
        const struct check_addr *found;

        if (to_iface && b_iface != to_iface) {
            continue;
        }
        check_addrs_init(&a_addrs);
        check_addrs_init(&b_addrs);
        check_iface_addrs(env, a_iface, &a_addrs);
        check_iface_addrs(env, b_iface, &b_addrs);
        found = first_of_families(&b_addrs, &a_addrs);
        if (found) {
            *addr = *found;
            *segp = seg;
        }
        check_addrs_destroy(&a_addrs);
        check_addrs_destroy(&b_addrs);
        if (found) {
            return true;
        }
    }
    return false;
}

bool
check_pick_target(const struct check_env *env,
                  const struct scenario_node *from,
                  const struct scenario_node *to,
                  const struct scenario_iface *to_iface,
                  struct check_addr *addr,
                  const struct scenario_segment **segp)
{
    struct check_addrs from_addrs, to_addrs;
    const struct check_addr *found;

    *segp = NULL;
    if (pick_on_shared_segment(env, from, to, to_iface, addr, segp)) {
        return true;
    }

    check_addrs_init(&from_addrs);
    check_addrs_init(&to_addrs);
    check_node_addrs(env, from, &from_addrs);
    if (to_iface) {
        check_iface_addrs(env, to_iface, &to_addrs);
    } else {
        check_node_addrs(env, to, &to_addrs);
    }
    found = first_of_families(&to_addrs, &from_addrs);
    if (!found && to_addrs.n) {
        found = &to_addrs.addrs[0];
    }
    if (found) {
        *addr = *found;
    }
    check_addrs_destroy(&from_addrs);
    check_addrs_destroy(&to_addrs);
    return found != NULL;
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
