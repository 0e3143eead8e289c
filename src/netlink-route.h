/*
 * rtnetlink route requests.  See netlink-rtnl.h for batches and errors,
 * netlink-addr.h for how addresses are represented.
 */

#ifndef NETLINK_ROUTE_H
#define NETLINK_ROUTE_H 1

#include <netinet/in.h>

struct rtnl_batch;

/* A unicast route in the main table. */
struct rtnl_route {
    /* Destination.  Also decides the family, for a default route (plen 0)
     * too: in6_addr_mapped_ipv4(0) is the IPv4 default, in6addr_any the
     * IPv6 one. */
    struct in6_addr dst;        /* IPv4-mapped for an IPv4 route. */
    unsigned int plen;

    /* Next hop: all-zero for none (a device route, which needs 'oif'),
     * otherwise of the same family as 'dst'. */
    struct in6_addr gw;
    int oif;                    /* Output ifindex, 0 for none. */
};

/* Adds 'route' (NLM_F_CREATE | NLM_F_EXCL), with protocol "static".  An
 * IPv4 route without a gateway gets link scope, like "ip route add ...
 * dev X".  EINVAL for a bad 'plen', a gateway of the other family, or
 * neither gateway nor 'oif'. */
int rtnl_route_add(struct rtnl_batch *, const struct rtnl_route *);

#endif /* netlink-route.h */
