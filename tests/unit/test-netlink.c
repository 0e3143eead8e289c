/*
 * Unit tests of the rtnetlink request builders and batches: each request
 * is built into a batch, then parsed back with libmnl and checked field by
 * field.  Needs no privileges and touches no system state.
 */

#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <CUnit/Basic.h>

#include "netlink-addr.h"
#include "netlink-link.h"
#include "netlink-neigh.h"
#include "netlink-route.h"
#include "netlink-rtnl.h"
#include "packets.h"
#include "tests/cunit-util.h"
#include "util.h"

/* Attribute table big enough for IFLA_*, IFA_*, RTA_*. */
#define TB_SIZE 128

static int
collect_attr_cb(const struct nlattr *attr, void *tb_)
{
    const struct nlattr **tb = tb_;
    uint16_t type = mnl_attr_get_type(attr);

    if (type < TB_SIZE) {
        /* Each attribute type may appear only once in our requests. */
        CU_ASSERT_PTR_NULL(tb[type]);
        tb[type] = attr;
    }
    return MNL_CB_OK;
}

/* Parses the attributes of 'nlh' that follow a fixed header of
 * 'hdr_size' bytes into 'tb', and checks that they fill the message
 * exactly. */
static void
parse_attrs(const struct nlmsghdr *nlh, size_t hdr_size,
            const struct nlattr *tb[TB_SIZE])
{
    memset(tb, 0, TB_SIZE * sizeof *tb);
    CU_ASSERT_FATAL(nlh->nlmsg_len >= mnl_nlmsg_size(hdr_size));
    CU_ASSERT_EQUAL(mnl_attr_parse(nlh, hdr_size, collect_attr_cb, tb),
                    MNL_CB_OK);
}

static void
parse_nested(const struct nlattr *nest, const struct nlattr *tb[TB_SIZE])
{
    memset(tb, 0, TB_SIZE * sizeof *tb);
    CU_ASSERT_FATAL(nest != NULL);
    CU_ASSERT_EQUAL(mnl_attr_parse_nested(nest, collect_attr_cb, tb),
                    MNL_CB_OK);
}

static void
assert_str_attr(const struct nlattr *attr, const char *expected)
{
    CU_ASSERT_FATAL(attr != NULL);
    CU_ASSERT_EQUAL(mnl_attr_validate(attr, MNL_TYPE_NUL_STRING), 0);
    CU_ASSERT_STRING_EQUAL(mnl_attr_get_str(attr), expected);
}

static void
assert_u32_attr(const struct nlattr *attr, uint32_t expected)
{
    CU_ASSERT_FATAL(attr != NULL);
    CU_ASSERT_EQUAL(mnl_attr_get_payload_len(attr), 4);
    CU_ASSERT_EQUAL(mnl_attr_get_u32(attr), expected);
}

static void
assert_bytes_attr(const struct nlattr *attr, const void *expected,
                  size_t len)
{
    CU_ASSERT_FATAL(attr != NULL);
    CU_ASSERT_EQUAL(mnl_attr_get_payload_len(attr), len);
    CU_ASSERT_EQUAL(memcmp(mnl_attr_get_payload(attr), expected, len), 0);
}

static void
assert_header(const struct nlmsghdr *nlh, uint16_t type, uint16_t flags)
{
    CU_ASSERT_EQUAL(nlh->nlmsg_type, type);
    CU_ASSERT_EQUAL(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | flags);
    CU_ASSERT(nlh->nlmsg_len <= RTNL_MSG_MAX);
    CU_ASSERT_EQUAL(nlh->nlmsg_len % 4, 0);
}

static void
test_veth_full(void)
{
    static const struct eth_addr mac1 = ETH_ADDR_C(02, 00, 00, 00, 00, 01);
    static const struct eth_addr mac2 = ETH_ADDR_C(02, 00, 00, 00, 00, 02);
    const struct nlattr *tb[TB_SIZE], *info[TB_SIZE], *data[TB_SIZE];
    const struct nlattr *peer_tb[TB_SIZE];
    struct rtnl_batch *b = rtnl_batch_create();
    const struct ifinfomsg *ifi, *peer_ifi;
    const struct nlattr *peer;
    const struct nlmsghdr *nlh;
    struct rtnl_veth veth;

    rtnl_veth_init(&veth);
    veth.end.name = "eth0";
    veth.end.ifindex = 2;
    veth.end.mtu = 1400;
    veth.end.mac = mac1;
    veth.end.up = true;
    veth.peer.name = "ol1a2b3c-12";
    veth.peer.ifindex = 7;
    veth.peer.netns_fd = 42;
    veth.peer.mtu = 9000;
    veth.peer.mac = mac2;
    CU_ASSERT_EQUAL_FATAL(rtnl_link_add_veth(b, &veth), 0);
    CU_ASSERT_EQUAL_FATAL(rtnl_batch_count(b), 1);
    CU_ASSERT_STRING_EQUAL(rtnl_batch_desc(b, 0),
                           "create veth eth0 with peer ol1a2b3c-12");

    nlh = rtnl_batch_msg(b, 0);
    assert_header(nlh, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    ifi = mnl_nlmsg_get_payload(nlh);
    CU_ASSERT_EQUAL(ifi->ifi_family, AF_UNSPEC);
    CU_ASSERT_EQUAL(ifi->ifi_index, 2);
    CU_ASSERT_EQUAL(ifi->ifi_flags, IFF_UP);
    CU_ASSERT_EQUAL(ifi->ifi_change, IFF_UP);

    parse_attrs(nlh, sizeof *ifi, tb);
    assert_str_attr(tb[IFLA_IFNAME], "eth0");
    assert_u32_attr(tb[IFLA_MTU], 1400);
    assert_bytes_attr(tb[IFLA_ADDRESS], &mac1, ETH_ADDR_LEN);
    CU_ASSERT_PTR_NULL(tb[IFLA_NET_NS_FD]);

    parse_nested(tb[IFLA_LINKINFO], info);
    CU_ASSERT_FATAL(info[IFLA_INFO_KIND] != NULL);
    CU_ASSERT_EQUAL(mnl_attr_get_payload_len(info[IFLA_INFO_KIND]), 4);
    CU_ASSERT_EQUAL(memcmp(mnl_attr_get_payload(info[IFLA_INFO_KIND]),
                           "veth", 4), 0);
    parse_nested(info[IFLA_INFO_DATA], data);

    /* VETH_INFO_PEER holds an ifinfomsg and then the peer's attributes. */
    peer = data[VETH_INFO_PEER];
    CU_ASSERT_FATAL(peer != NULL);
    CU_ASSERT_FATAL(mnl_attr_get_payload_len(peer) > sizeof *peer_ifi);
    peer_ifi = mnl_attr_get_payload(peer);
    CU_ASSERT_EQUAL(peer_ifi->ifi_index, 7);
    CU_ASSERT_EQUAL(peer_ifi->ifi_flags, 0);
    CU_ASSERT_EQUAL(peer_ifi->ifi_change, 0);
    memset(peer_tb, 0, sizeof peer_tb);
    CU_ASSERT_EQUAL(mnl_attr_parse_payload(
                        (const char *) peer_ifi + MNL_ALIGN(sizeof *peer_ifi),
                        mnl_attr_get_payload_len(peer)
                        - MNL_ALIGN(sizeof *peer_ifi),
                        collect_attr_cb, peer_tb), MNL_CB_OK);
    assert_str_attr(peer_tb[IFLA_IFNAME], "ol1a2b3c-12");
    assert_u32_attr(peer_tb[IFLA_MTU], 9000);
    assert_bytes_attr(peer_tb[IFLA_ADDRESS], &mac2, ETH_ADDR_LEN);
    assert_u32_attr(peer_tb[IFLA_NET_NS_FD], 42);

    rtnl_batch_destroy(b);
}

static void
test_veth_minimal(void)
{
    const struct nlattr *tb[TB_SIZE];
    struct rtnl_batch *b = rtnl_batch_create();
    const struct ifinfomsg *ifi;
    const struct nlmsghdr *nlh;
    struct rtnl_veth veth;

    rtnl_veth_init(&veth);
    veth.end.name = "a";
    veth.end.netns_fd = 0;      /* 0 is a valid descriptor. */
    veth.peer.name = "b";
    CU_ASSERT_EQUAL_FATAL(rtnl_link_add_veth(b, &veth), 0);

    nlh = rtnl_batch_msg(b, 0);
    ifi = mnl_nlmsg_get_payload(nlh);
    CU_ASSERT_EQUAL(ifi->ifi_index, 0);
    CU_ASSERT_EQUAL(ifi->ifi_flags, 0);
    CU_ASSERT_EQUAL(ifi->ifi_change, 0);
    parse_attrs(nlh, sizeof *ifi, tb);
    assert_str_attr(tb[IFLA_IFNAME], "a");
    assert_u32_attr(tb[IFLA_NET_NS_FD], 0);
    CU_ASSERT_PTR_NULL(tb[IFLA_MTU]);
    CU_ASSERT_PTR_NULL(tb[IFLA_ADDRESS]);
    CU_ASSERT_PTR_NOT_NULL(tb[IFLA_LINKINFO]);
    rtnl_batch_destroy(b);
}

static void
test_veth_invalid(void)
{
    struct rtnl_batch *b = rtnl_batch_create();
    struct rtnl_sock *sock;
    struct rtnl_veth veth;
    char *error;

    rtnl_veth_init(&veth);
    veth.end.name = "eth0";
    veth.peer.name = "0123456789abcdef";        /* IFNAMSIZ bytes. */
    CU_ASSERT_EQUAL(rtnl_link_add_veth(b, &veth), EINVAL);

    veth.peer.name = NULL;
    CU_ASSERT_EQUAL(rtnl_link_add_veth(b, &veth), EINVAL);

    /* The kernel ignores a peer ifindex unless the device has one. */
    veth.peer.name = "0123456789abcde";         /* Longest valid. */
    veth.peer.ifindex = 5;
    CU_ASSERT_EQUAL(rtnl_link_add_veth(b, &veth), EINVAL);
    veth.end.ifindex = -1;
    CU_ASSERT_EQUAL(rtnl_link_add_veth(b, &veth), EINVAL);
    /* A veth peer cannot go up before the pair is linked (ENOTCONN). */
    veth.end.ifindex = 4;
    veth.peer.up = true;
    CU_ASSERT_EQUAL(rtnl_link_add_veth(b, &veth), EINVAL);
    veth.peer.up = false;
    CU_ASSERT_EQUAL(rtnl_link_add_veth(b, &veth), 0);

    /* Failed builds add nothing, but stick: the batch is not sent.
     * (Opening a NETLINK_ROUTE socket needs no privileges.) */
    CU_ASSERT_EQUAL(rtnl_batch_count(b), 1);
    rtnl_batch_set_context(b, "lab x node y");
    CU_ASSERT_EQUAL_FATAL(rtnl_sock_open(-1, &sock), 0);
    error = rtnl_sock_run(sock, b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT_STRING_EQUAL(error, "lab x node y: create veth eth0 with "
                           "peer 0123456789abcdef: Invalid argument");
    free(error);
    rtnl_sock_close(sock);

    rtnl_batch_clear(b);
    CU_ASSERT_EQUAL(rtnl_batch_count(b), 0);
    rtnl_batch_destroy(b);
}

static void
test_link_set_up(void)
{
    const struct nlattr *tb[TB_SIZE];
    struct rtnl_batch *b = rtnl_batch_create();
    const struct ifinfomsg *ifi;
    const struct nlmsghdr *nlh;

    /* By index: the name only describes it (with the index and a name,
     * the kernel would rename the device). */
    CU_ASSERT_EQUAL(rtnl_link_set_up(b, 3, "eth1", true), 0);
    nlh = rtnl_batch_msg(b, 0);
    assert_header(nlh, RTM_NEWLINK, 0);
    ifi = mnl_nlmsg_get_payload(nlh);
    CU_ASSERT_EQUAL(ifi->ifi_index, 3);
    CU_ASSERT_EQUAL(ifi->ifi_flags, IFF_UP);
    CU_ASSERT_EQUAL(ifi->ifi_change, IFF_UP);
    parse_attrs(nlh, sizeof *ifi, tb);
    CU_ASSERT_PTR_NULL(tb[IFLA_IFNAME]);
    CU_ASSERT_STRING_EQUAL(rtnl_batch_desc(b, 0), "set link eth1 up");

    /* By name, down. */
    CU_ASSERT_EQUAL(rtnl_link_set_up(b, 0, "ol1a2b3c-12", false), 0);
    nlh = rtnl_batch_msg(b, 1);
    ifi = mnl_nlmsg_get_payload(nlh);
    CU_ASSERT_EQUAL(ifi->ifi_index, 0);
    CU_ASSERT_EQUAL(ifi->ifi_flags, 0);
    CU_ASSERT_EQUAL(ifi->ifi_change, IFF_UP);
    parse_attrs(nlh, sizeof *ifi, tb);
    assert_str_attr(tb[IFLA_IFNAME], "ol1a2b3c-12");
    CU_ASSERT_STRING_EQUAL(rtnl_batch_desc(b, 1),
                           "set link ol1a2b3c-12 down");

    CU_ASSERT_EQUAL(rtnl_link_set_up(b, 1, NULL, true), 0);
    CU_ASSERT_STRING_EQUAL(rtnl_batch_desc(b, 2), "set link ifindex 1 up");

    CU_ASSERT_EQUAL(rtnl_link_set_up(b, 0, NULL, true), EINVAL);
    CU_ASSERT_EQUAL(rtnl_link_set_up(b, 0, "", true), EINVAL);
    CU_ASSERT_EQUAL(rtnl_link_set_up(b, -2, "eth0", true), EINVAL);
    CU_ASSERT_EQUAL(rtnl_batch_count(b), 3);
    rtnl_batch_destroy(b);
}

static void
test_link_set_flags(void)
{
    struct rtnl_batch *b = rtnl_batch_create();
    const struct ifinfomsg *ifi;

    /* Up and promiscuous in one request. */
    CU_ASSERT_EQUAL(rtnl_link_set_flags(b, 0, "ol1a2b3c-12",
                                        IFF_UP | IFF_PROMISC,
                                        IFF_UP | IFF_PROMISC), 0);
    ifi = mnl_nlmsg_get_payload(rtnl_batch_msg(b, 0));
    CU_ASSERT_EQUAL(ifi->ifi_flags, IFF_UP | IFF_PROMISC);
    CU_ASSERT_EQUAL(ifi->ifi_change, IFF_UP | IFF_PROMISC);
    CU_ASSERT_STRING_EQUAL(rtnl_batch_desc(b, 0),
                           "set link ol1a2b3c-12 up promisc on");

    /* Only the flags in 'change' are set, whatever 'flags' says. */
    CU_ASSERT_EQUAL(rtnl_link_set_flags(b, 4, "eth0", IFF_UP | IFF_PROMISC,
                                        IFF_PROMISC), 0);
    ifi = mnl_nlmsg_get_payload(rtnl_batch_msg(b, 1));
    CU_ASSERT_EQUAL(ifi->ifi_index, 4);
    CU_ASSERT_EQUAL(ifi->ifi_flags, IFF_PROMISC);
    CU_ASSERT_EQUAL(ifi->ifi_change, IFF_PROMISC);
    CU_ASSERT_STRING_EQUAL(rtnl_batch_desc(b, 1),
                           "set link eth0 promisc on");

    CU_ASSERT_EQUAL(rtnl_link_set_flags(b, 4, "eth0", 0, IFF_PROMISC), 0);
    CU_ASSERT_STRING_EQUAL(rtnl_batch_desc(b, 2),
                           "set link eth0 promisc off");

    /* Nothing to change, or a flag it does not handle. */
    CU_ASSERT_EQUAL(rtnl_link_set_flags(b, 4, "eth0", 0, 0), EINVAL);
    CU_ASSERT_EQUAL(rtnl_link_set_flags(b, 4, "eth0", IFF_NOARP,
                                        IFF_NOARP), EINVAL);
    CU_ASSERT_EQUAL(rtnl_batch_count(b), 3);
    rtnl_batch_destroy(b);
}

static void
test_link_del(void)
{
    const struct nlattr *tb[TB_SIZE];
    struct rtnl_batch *b = rtnl_batch_create();
    const struct ifinfomsg *ifi;
    const struct nlmsghdr *nlh;

    CU_ASSERT_EQUAL(rtnl_link_del(b, 0, "ol1a2b3c-12"), 0);
    nlh = rtnl_batch_msg(b, 0);
    assert_header(nlh, RTM_DELLINK, 0);
    ifi = mnl_nlmsg_get_payload(nlh);
    CU_ASSERT_EQUAL(ifi->ifi_index, 0);
    CU_ASSERT_EQUAL(ifi->ifi_change, 0);
    parse_attrs(nlh, sizeof *ifi, tb);
    assert_str_attr(tb[IFLA_IFNAME], "ol1a2b3c-12");
    CU_ASSERT_STRING_EQUAL(rtnl_batch_desc(b, 0),
                           "delete link ol1a2b3c-12");
    rtnl_batch_destroy(b);
}

static void
test_neigh_del(void)
{
    const struct nlattr *tb[TB_SIZE];
    struct rtnl_batch *b = rtnl_batch_create();
    struct in6_addr ip6 = test_ip6("2001:db8::1");
    ovs_be32 ip = htonl(0x0a010203);
    const struct ndmsg *ndm;
    const struct nlmsghdr *nlh;

    CU_ASSERT_EQUAL(rtnl_neigh_del(b, AF_INET, 2, &ip, sizeof ip), 0);
    nlh = rtnl_batch_msg(b, 0);
    assert_header(nlh, RTM_DELNEIGH, 0);
    ndm = mnl_nlmsg_get_payload(nlh);
    CU_ASSERT_EQUAL(ndm->ndm_family, AF_INET);
    CU_ASSERT_EQUAL(ndm->ndm_ifindex, 2);
    parse_attrs(nlh, sizeof *ndm, tb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tb[NDA_DST]);
    CU_ASSERT_EQUAL(mnl_attr_get_payload_len(tb[NDA_DST]), 4);
    CU_ASSERT(!memcmp(mnl_attr_get_payload(tb[NDA_DST]), &ip, 4));
    CU_ASSERT_STRING_EQUAL(rtnl_batch_desc(b, 0),
                           "delete neighbour 10.1.2.3 on ifindex 2");

    CU_ASSERT_EQUAL(rtnl_neigh_del(b, AF_INET6, 3, &ip6, sizeof ip6), 0);
    nlh = rtnl_batch_msg(b, 1);
    ndm = mnl_nlmsg_get_payload(nlh);
    CU_ASSERT_EQUAL(ndm->ndm_family, AF_INET6);
    parse_attrs(nlh, sizeof *ndm, tb);
    CU_ASSERT_EQUAL(mnl_attr_get_payload_len(tb[NDA_DST]), 16);

    /* An address of the wrong size for its family, or no device. */
    rtnl_batch_clear(b);
    CU_ASSERT_EQUAL(rtnl_neigh_del(b, AF_INET6, 3, &ip, sizeof ip), EINVAL);
    rtnl_batch_clear(b);
    CU_ASSERT_EQUAL(rtnl_neigh_del(b, AF_INET, 0, &ip, sizeof ip), EINVAL);
    CU_ASSERT_EQUAL(rtnl_batch_count(b), 0);
    rtnl_batch_destroy(b);
}

static void
test_addr_ipv4(void)
{
    const struct nlattr *tb[TB_SIZE];
    struct rtnl_batch *b = rtnl_batch_create();
    struct in6_addr addr = test_ip4("10.1.2.3");
    const struct ifaddrmsg *ifa;
    const struct nlmsghdr *nlh;
    ovs_be32 ip = htonl(0x0a010203);
    ovs_be32 brd = htonl(0x0a0102ff);

    CU_ASSERT_EQUAL_FATAL(rtnl_addr_add(b, 2, &addr, 24), 0);
    nlh = rtnl_batch_msg(b, 0);
    assert_header(nlh, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
    ifa = mnl_nlmsg_get_payload(nlh);
    CU_ASSERT_EQUAL(ifa->ifa_family, AF_INET);
    CU_ASSERT_EQUAL(ifa->ifa_prefixlen, 24);
    CU_ASSERT_EQUAL(ifa->ifa_index, 2);
    CU_ASSERT_EQUAL(ifa->ifa_flags, 0);
    CU_ASSERT_EQUAL(ifa->ifa_scope, RT_SCOPE_UNIVERSE);
    parse_attrs(nlh, sizeof *ifa, tb);
    assert_bytes_attr(tb[IFA_LOCAL], &ip, 4);
    assert_bytes_attr(tb[IFA_ADDRESS], &ip, 4);
    assert_bytes_attr(tb[IFA_BROADCAST], &brd, 4);
    CU_ASSERT_PTR_NULL(tb[IFA_FLAGS]);
    CU_ASSERT_STRING_EQUAL(rtnl_batch_desc(b, 0),
                           "add address 10.1.2.3/24 to ifindex 2");

    /* Point-to-point sized prefixes have no broadcast address. */
    CU_ASSERT_EQUAL_FATAL(rtnl_addr_add(b, 2, &addr, 31), 0);
    parse_attrs(rtnl_batch_msg(b, 1), sizeof *ifa, tb);
    CU_ASSERT_PTR_NULL(tb[IFA_BROADCAST]);
    CU_ASSERT_EQUAL_FATAL(rtnl_addr_add(b, 2, &addr, 32), 0);
    parse_attrs(rtnl_batch_msg(b, 2), sizeof *ifa, tb);
    CU_ASSERT_PTR_NULL(tb[IFA_BROADCAST]);

    /* /8: broadcast 10.255.255.255. */
    brd = htonl(0x0affffff);
    CU_ASSERT_EQUAL_FATAL(rtnl_addr_add(b, 2, &addr, 8), 0);
    parse_attrs(rtnl_batch_msg(b, 3), sizeof *ifa, tb);
    assert_bytes_attr(tb[IFA_BROADCAST], &brd, 4);

    CU_ASSERT_EQUAL(rtnl_addr_add(b, 2, &addr, 33), EINVAL);
    CU_ASSERT_EQUAL(rtnl_addr_add(b, 0, &addr, 24), EINVAL);
    CU_ASSERT_EQUAL(rtnl_batch_count(b), 4);
    rtnl_batch_destroy(b);
}

static void
test_addr_ipv6(void)
{
    const struct nlattr *tb[TB_SIZE];
    struct rtnl_batch *b = rtnl_batch_create();
    struct in6_addr addr = test_ip6("fd00:1::5");
    const struct ifaddrmsg *ifa;
    const struct nlmsghdr *nlh;

    CU_ASSERT_EQUAL_FATAL(rtnl_addr_add(b, 9, &addr, 64), 0);
    nlh = rtnl_batch_msg(b, 0);
    assert_header(nlh, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
    ifa = mnl_nlmsg_get_payload(nlh);
    CU_ASSERT_EQUAL(ifa->ifa_family, AF_INET6);
    CU_ASSERT_EQUAL(ifa->ifa_prefixlen, 64);
    CU_ASSERT_EQUAL(ifa->ifa_index, 9);
    CU_ASSERT_EQUAL(ifa->ifa_flags, IFA_F_NODAD);
    parse_attrs(nlh, sizeof *ifa, tb);
    assert_bytes_attr(tb[IFA_LOCAL], &addr, 16);
    assert_bytes_attr(tb[IFA_ADDRESS], &addr, 16);
    assert_u32_attr(tb[IFA_FLAGS], IFA_F_NODAD);
    CU_ASSERT_PTR_NULL(tb[IFA_BROADCAST]);
    CU_ASSERT_STRING_EQUAL(rtnl_batch_desc(b, 0),
                           "add address fd00:1::5/64 to ifindex 9");

    CU_ASSERT_EQUAL(rtnl_addr_add(b, 9, &addr, 128), 0);
    CU_ASSERT_EQUAL(rtnl_addr_add(b, 9, &addr, 129), EINVAL);
    rtnl_batch_destroy(b);
}

static void
test_route_ipv4(void)
{
    const struct nlattr *tb[TB_SIZE];
    struct rtnl_batch *b = rtnl_batch_create();
    struct rtnl_route route;
    const struct nlmsghdr *nlh;
    const struct rtmsg *rtm;
    ovs_be32 gw = htonl(0x0a000001);
    ovs_be32 dst = htonl(0x0a090000);

    /* default via 10.0.0.1 */
    memset(&route, 0, sizeof route);
    route.dst = in6_addr_mapped_ipv4(0);
    route.gw = test_ip4("10.0.0.1");
    CU_ASSERT_EQUAL_FATAL(rtnl_route_add(b, &route), 0);
    nlh = rtnl_batch_msg(b, 0);
    assert_header(nlh, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
    rtm = mnl_nlmsg_get_payload(nlh);
    CU_ASSERT_EQUAL(rtm->rtm_family, AF_INET);
    CU_ASSERT_EQUAL(rtm->rtm_dst_len, 0);
    CU_ASSERT_EQUAL(rtm->rtm_table, RT_TABLE_MAIN);
    CU_ASSERT_EQUAL(rtm->rtm_protocol, RTPROT_STATIC);
    CU_ASSERT_EQUAL(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
    CU_ASSERT_EQUAL(rtm->rtm_type, RTN_UNICAST);
    parse_attrs(nlh, sizeof *rtm, tb);
    CU_ASSERT_PTR_NULL(tb[RTA_DST]);
    CU_ASSERT_PTR_NULL(tb[RTA_OIF]);
    assert_bytes_attr(tb[RTA_GATEWAY], &gw, 4);
    CU_ASSERT_STRING_EQUAL(rtnl_batch_desc(b, 0),
                           "add route default via 10.0.0.1");

    /* 10.9.0.0/16 dev ifindex 3: link scope, no gateway. */
    memset(&route, 0, sizeof route);
    route.dst = test_ip4("10.9.0.0");
    route.plen = 16;
    route.oif = 3;
    CU_ASSERT_EQUAL_FATAL(rtnl_route_add(b, &route), 0);
    nlh = rtnl_batch_msg(b, 1);
    rtm = mnl_nlmsg_get_payload(nlh);
    CU_ASSERT_EQUAL(rtm->rtm_dst_len, 16);
    CU_ASSERT_EQUAL(rtm->rtm_scope, RT_SCOPE_LINK);
    parse_attrs(nlh, sizeof *rtm, tb);
    assert_bytes_attr(tb[RTA_DST], &dst, 4);
    assert_u32_attr(tb[RTA_OIF], 3);
    CU_ASSERT_PTR_NULL(tb[RTA_GATEWAY]);
    CU_ASSERT_STRING_EQUAL(rtnl_batch_desc(b, 1),
                           "add route 10.9.0.0/16 dev ifindex 3");

    /* Mapped 0.0.0.0 as gateway means none. */
    route.gw = in6_addr_mapped_ipv4(0);
    CU_ASSERT_EQUAL(rtnl_route_add(b, &route), 0);
    parse_attrs(rtnl_batch_msg(b, 2), sizeof *rtm, tb);
    CU_ASSERT_PTR_NULL(tb[RTA_GATEWAY]);

    /* Invalid: IPv6 gateway, no next hop at all, prefix too long. */
    route.gw = test_ip6("fd00::1");
    CU_ASSERT_EQUAL(rtnl_route_add(b, &route), EINVAL);
    memset(&route.gw, 0, sizeof route.gw);
    route.oif = 0;
    CU_ASSERT_EQUAL(rtnl_route_add(b, &route), EINVAL);
    route.oif = 3;
    route.plen = 33;
    CU_ASSERT_EQUAL(rtnl_route_add(b, &route), EINVAL);
    CU_ASSERT_EQUAL(rtnl_batch_count(b), 3);
    rtnl_batch_destroy(b);
}

static void
test_route_ipv6(void)
{
    const struct nlattr *tb[TB_SIZE];
    struct rtnl_batch *b = rtnl_batch_create();
    struct rtnl_route route;
    const struct nlmsghdr *nlh;
    const struct rtmsg *rtm;

    memset(&route, 0, sizeof route);
    route.dst = test_ip6("fd00:2::");
    route.plen = 64;
    route.gw = test_ip6("fd00:1::1");
    route.oif = 2;
    CU_ASSERT_EQUAL_FATAL(rtnl_route_add(b, &route), 0);
    nlh = rtnl_batch_msg(b, 0);
    rtm = mnl_nlmsg_get_payload(nlh);
    CU_ASSERT_EQUAL(rtm->rtm_family, AF_INET6);
    CU_ASSERT_EQUAL(rtm->rtm_dst_len, 64);
    CU_ASSERT_EQUAL(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
    parse_attrs(nlh, sizeof *rtm, tb);
    assert_bytes_attr(tb[RTA_DST], &route.dst, 16);
    assert_bytes_attr(tb[RTA_GATEWAY], &route.gw, 16);
    assert_u32_attr(tb[RTA_OIF], 2);
    CU_ASSERT_STRING_EQUAL(rtnl_batch_desc(b, 0),
                           "add route fd00:2::/64 via fd00:1::1 "
                           "dev ifindex 2");

    /* IPv6 default route: in6addr_any, device route keeps universe. */
    memset(&route, 0, sizeof route);
    route.oif = 4;
    CU_ASSERT_EQUAL_FATAL(rtnl_route_add(b, &route), 0);
    rtm = mnl_nlmsg_get_payload(rtnl_batch_msg(b, 1));
    CU_ASSERT_EQUAL(rtm->rtm_family, AF_INET6);
    CU_ASSERT_EQUAL(rtm->rtm_dst_len, 0);
    CU_ASSERT_EQUAL(rtm->rtm_scope, RT_SCOPE_UNIVERSE);

    /* IPv4 gateway for an IPv6 destination. */
    route.gw = test_ip4("10.0.0.1");
    CU_ASSERT_EQUAL(rtnl_route_add(b, &route), EINVAL);
    rtnl_batch_destroy(b);
}

/* Thousands of requests: the buffer grows, each request stays intact and
 * in order, with its own description; context and overrides apply. */
static void
test_batch_many(void)
{
    struct rtnl_batch *b = rtnl_batch_create();
    const size_t n = 5000;

    for (size_t i = 0; i < n; i++) {
        struct in6_addr addr = in6_addr_mapped_ipv4(htonl(0x0a000000 + i));
        CU_ASSERT_EQUAL_FATAL(rtnl_addr_add(b, i + 1, &addr, 8), 0);
        if (i % 1000 == 7) {
            rtnl_batch_describe(b, "address #%"PRIuSIZE, i);
            rtnl_batch_allow_error(b, EEXIST);
        }
    }
    CU_ASSERT_EQUAL_FATAL(rtnl_batch_count(b), n);

    for (size_t i = 0; i < n; i++) {
        const struct nlattr *tb[TB_SIZE];
        const struct nlmsghdr *nlh = rtnl_batch_msg(b, i);
        const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
        ovs_be32 ip = htonl(0x0a000000 + i);
        char *desc;

        /* Back to back: each message starts where the previous ends. */
        if (i > 0) {
            const struct nlmsghdr *prev = rtnl_batch_msg(b, i - 1);
            CU_ASSERT_PTR_EQUAL(nlh, (const char *) prev
                                     + NLMSG_ALIGN(prev->nlmsg_len));
        }
        CU_ASSERT_EQUAL(ifa->ifa_index, i + 1);
        parse_attrs(nlh, sizeof *ifa, tb);
        assert_bytes_attr(tb[IFA_LOCAL], &ip, 4);

        desc = (i % 1000 == 7
                ? xasprintf("address #%"PRIuSIZE, i)
                : xasprintf("add address 10.%d.%d.%d/8 to ifindex %"PRIuSIZE,
                            (int) (i >> 16) & 0xff, (int) (i >> 8) & 0xff,
                            (int) i & 0xff, i + 1));
        CU_ASSERT_STRING_EQUAL(rtnl_batch_desc(b, i), desc);
        free(desc);
    }

    rtnl_batch_clear(b);
    CU_ASSERT_EQUAL(rtnl_batch_count(b), 0);
    CU_ASSERT_EQUAL(rtnl_link_set_up(b, 1, "lo", true), 0);
    CU_ASSERT_EQUAL(rtnl_batch_count(b), 1);
    rtnl_batch_destroy(b);
    rtnl_batch_destroy(NULL);
}

int
main(void)
{
    static const struct test_case tests[] = {
        { "veth with every option", test_veth_full },
        { "veth with names only", test_veth_minimal },
        { "veth invalid arguments", test_veth_invalid },
        { "link set up/down", test_link_set_up },
        { "link set flags", test_link_set_flags },
        { "link delete", test_link_del },
        { "neighbour delete", test_neigh_del },
        { "IPv4 address", test_addr_ipv4 },
        { "IPv6 address", test_addr_ipv6 },
        { "IPv4 routes", test_route_ipv4 },
        { "IPv6 routes", test_route_ipv6 },
        { "batch of 5000 requests", test_batch_many },
    };

    return TEST_RUN_SUITE("netlink", tests);
}
