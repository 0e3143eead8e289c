#include <config.h>
#include "netlink-route.h"

#include <errno.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "netlink-rtnl.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

static bool
rtnl_route_has_gw(const struct rtnl_route *route)
{
    return (IN6_IS_ADDR_V4MAPPED(&route->gw)
            ? in6_addr_get_mapped_ipv4(&route->gw) != htonl(0)
            : ipv6_addr_is_set(&route->gw));
}

/* Appends 'addr' to 'nlh' as attribute 'type', as 4 bytes for IPv4. */
static bool
rtnl_put_ip(struct nlmsghdr *nlh, uint16_t type, const struct in6_addr *addr)
{
    if (IN6_IS_ADDR_V4MAPPED(addr)) {
        ovs_be32 ip = in6_addr_get_mapped_ipv4(addr);
        return mnl_attr_put_check(nlh, RTNL_MSG_MAX, type, sizeof ip, &ip);
    }
    return mnl_attr_put_check(nlh, RTNL_MSG_MAX, type, sizeof *addr, addr);
}

static char *
rtnl_route_describe(const struct rtnl_route *route)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_cstr(&s, "add route ");
    if (route->plen) {
        ipv6_format_mapped(&route->dst, &s);
        ds_put_format(&s, "/%u", route->plen);
    } else {
        ds_put_cstr(&s, "default");
    }
    if (rtnl_route_has_gw(route)) {
        ds_put_cstr(&s, " via ");
        ipv6_format_mapped(&route->gw, &s);
    }
    if (route->oif) {
        ds_put_format(&s, " dev ifindex %d", route->oif);
    }
    return ds_steal_cstr(&s);
}

int
rtnl_route_add(struct rtnl_batch *b, const struct rtnl_route *route)
{
    bool is_ipv4 = IN6_IS_ADDR_V4MAPPED(&route->dst);
    bool has_gw = rtnl_route_has_gw(route);
    struct nlmsghdr *nlh;
    struct rtmsg *rtm;
    int error = 0;

    if (route->plen > (is_ipv4 ? 32 : 128)
        || (has_gw && IN6_IS_ADDR_V4MAPPED(&route->gw) != is_ipv4)
        || (!has_gw && route->oif <= 0)
        || route->oif < 0) {
        error = EINVAL;
    }

    nlh = rtnl_batch_start(b, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
    rtm = mnl_nlmsg_put_extra_header(nlh, sizeof *rtm);
    rtm->rtm_family = is_ipv4 ? AF_INET : AF_INET6;
    rtm->rtm_dst_len = route->plen;
    rtm->rtm_table = RT_TABLE_MAIN;
    rtm->rtm_protocol = RTPROT_STATIC;
    /* As "ip route" chooses: IPv6 routes are always universe scope. */
    rtm->rtm_scope = (is_ipv4 && !has_gw ? RT_SCOPE_LINK
                      : RT_SCOPE_UNIVERSE);
    rtm->rtm_type = RTN_UNICAST;

    if (!error
        && ((route->plen && !rtnl_put_ip(nlh, RTA_DST, &route->dst))
            || (has_gw && !rtnl_put_ip(nlh, RTA_GATEWAY, &route->gw))
            || (route->oif
                && !mnl_attr_put_u32_check(nlh, RTNL_MSG_MAX, RTA_OIF,
                                           route->oif)))) {
        error = EMSGSIZE;
    }
    return rtnl_batch_finish(b, nlh, error, rtnl_route_describe(route));
}
