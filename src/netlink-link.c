#include <config.h>
#include "netlink-link.h"

#include <errno.h>
#include <string.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "netlink-rtnl.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "simap.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"

void
rtnl_veth_init(struct rtnl_veth *veth)
{
    memset(veth, 0, sizeof *veth);
    veth->end.netns_fd = -1;
    veth->peer.netns_fd = -1;
}

static bool
rtnl_ifname_is_valid(const char *name)
{
    return name && name[0] && strlen(name) < IFNAMSIZ;
}

static int
rtnl_link_end_check(const struct rtnl_link_end *end)
{
    return rtnl_ifname_is_valid(end->name) && end->ifindex >= 0 ? 0 : EINVAL;
}

static void
rtnl_put_ifinfomsg(struct ifinfomsg *ifi, int ifindex, unsigned int flags,
                   unsigned int change)
{
    memset(ifi, 0, sizeof *ifi);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = ifindex;
    ifi->ifi_flags = flags & change;
    ifi->ifi_change = change;
}

/* Adds the attributes that describe 'end' (after its ifinfomsg). */
static bool
rtnl_put_link_end_attrs(struct nlmsghdr *nlh, const struct rtnl_link_end *end)
{
    return (mnl_attr_put_strz_check(nlh, RTNL_MSG_MAX, IFLA_IFNAME,
                                    end->name)
            && (!end->mtu
                || mnl_attr_put_u32_check(nlh, RTNL_MSG_MAX, IFLA_MTU,
                                          end->mtu))
            && (eth_addr_is_zero(end->mac)
                || mnl_attr_put_check(nlh, RTNL_MSG_MAX, IFLA_ADDRESS,
                                      sizeof end->mac, &end->mac))
            && (end->netns_fd < 0
                || mnl_attr_put_u32_check(nlh, RTNL_MSG_MAX, IFLA_NET_NS_FD,
                                          end->netns_fd)));
}

/* IFLA_LINKINFO { KIND "veth", DATA { VETH_INFO_PEER { ifinfomsg, attrs } } }:
 * the peer is described like a device of its own. */
static bool
rtnl_put_veth_linkinfo(struct nlmsghdr *nlh, const struct rtnl_link_end *peer)
{
    struct nlattr *linkinfo, *data, *peer_nest;
    struct ifinfomsg *ifi;

    linkinfo = mnl_attr_nest_start_check(nlh, RTNL_MSG_MAX, IFLA_LINKINFO);
    if (!linkinfo
        || !mnl_attr_put_str_check(nlh, RTNL_MSG_MAX, IFLA_INFO_KIND,
                                   "veth")) {
        return false;
    }
    data = mnl_attr_nest_start_check(nlh, RTNL_MSG_MAX, IFLA_INFO_DATA);
    if (!data) {
        return false;
    }
    peer_nest = mnl_attr_nest_start_check(nlh, RTNL_MSG_MAX, VETH_INFO_PEER);
    if (!peer_nest
        || nlh->nlmsg_len + MNL_ALIGN(sizeof *ifi) > RTNL_MSG_MAX) {
        return false;
    }
    ifi = mnl_nlmsg_get_payload_tail(nlh);
    rtnl_put_ifinfomsg(ifi, peer->ifindex, 0, 0);
    nlh->nlmsg_len += MNL_ALIGN(sizeof *ifi);
    if (!rtnl_put_link_end_attrs(nlh, peer)) {
        return false;
    }
    mnl_attr_nest_end(nlh, peer_nest);
    mnl_attr_nest_end(nlh, data);
    mnl_attr_nest_end(nlh, linkinfo);
    return true;
}

int
rtnl_link_add_veth(struct rtnl_batch *b, const struct rtnl_veth *veth)
{
    struct nlmsghdr *nlh;
    struct ifinfomsg *ifi;
    int error;

    error = rtnl_link_end_check(&veth->end);
    if (!error) {
        error = rtnl_link_end_check(&veth->peer);
    }
    if (!error
        && ((veth->peer.ifindex && !veth->end.ifindex) || veth->peer.up)) {
        error = EINVAL;
    }

    nlh = rtnl_batch_start(b, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
    rtnl_put_ifinfomsg(ifi, veth->end.ifindex, IFF_UP,
                       veth->end.up ? IFF_UP : 0);
    if (!error
        && (!rtnl_put_link_end_attrs(nlh, &veth->end)
            || !rtnl_put_veth_linkinfo(nlh, &veth->peer))) {
        error = EMSGSIZE;
    }
    return rtnl_batch_finish(b, nlh, error,
                             xasprintf("create veth %s with peer %s",
                                       veth->end.name ? veth->end.name : "?",
                                       veth->peer.name
                                       ? veth->peer.name : "?"));
}

/* Describes the device a request identifies by 'ifindex' or 'name'. */
static char *
rtnl_link_describe(int ifindex, const char *name)
{
    return (name ? xstrdup(name)
            : xasprintf("ifindex %d", ifindex));
}

/* Starts a request of 'type' for the existing device 'ifindex'/'name'.
 * Stores 0 or an errno in '*errorp'. */
static struct nlmsghdr *
rtnl_link_start(struct rtnl_batch *b, uint16_t type, int ifindex,
                const char *name, unsigned int flags, unsigned int change,
                int *errorp)
{
    struct nlmsghdr *nlh;
    struct ifinfomsg *ifi;

    *errorp = (ifindex > 0 || (ifindex == 0 && rtnl_ifname_is_valid(name))
               ? 0 : EINVAL);
    nlh = rtnl_batch_start(b, type, 0);
    ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
    rtnl_put_ifinfomsg(ifi, ifindex > 0 ? ifindex : 0, flags, change);
    /* Never both: an ifindex with IFLA_IFNAME renames the device. */
    if (!*errorp && ifindex <= 0
        && !mnl_attr_put_strz_check(nlh, RTNL_MSG_MAX, IFLA_IFNAME, name)) {
        *errorp = EMSGSIZE;
    }
    return nlh;
}

/* Appends " up"/" down" and " promisc on"/" promisc off" for the flags of
 * 'change' to 's'. */
static void
rtnl_link_describe_flags(struct ds *s, unsigned int flags,
                         unsigned int change)
{
    if (change & IFF_UP) {
        ds_put_cstr(s, flags & IFF_UP ? " up" : " down");
    }
    if (change & IFF_PROMISC) {
        ds_put_format(s, " promisc %s", flags & IFF_PROMISC ? "on" : "off");
    }
}

int
rtnl_link_set_flags(struct rtnl_batch *b, int ifindex, const char *name,
                    unsigned int flags, unsigned int change)
{
    struct ds what = DS_EMPTY_INITIALIZER;
    struct nlmsghdr *nlh;
    char *dev;
    int error;

    nlh = rtnl_link_start(b, RTM_NEWLINK, ifindex, name, flags, change,
                          &error);
    if (!error && (!change || change & ~(IFF_UP | IFF_PROMISC))) {
        error = EINVAL;
    }
    dev = rtnl_link_describe(ifindex, name);
    ds_put_format(&what, "set link %s", dev);
    rtnl_link_describe_flags(&what, flags, change);
    error = rtnl_batch_finish(b, nlh, error, ds_steal_cstr(&what));
    free(dev);
    return error;
}

int
rtnl_link_set_up(struct rtnl_batch *b, int ifindex, const char *name,
                 bool up)
{
    return rtnl_link_set_flags(b, ifindex, name, up ? IFF_UP : 0, IFF_UP);
}

int
rtnl_link_set_ipv6_link_local(struct rtnl_batch *b, int ifindex,
                              const char *name, bool link_local)
{
    struct nlattr *af_spec, *inet6;
    struct nlmsghdr *nlh;
    char *dev;
    int error;

    nlh = rtnl_link_start(b, RTM_NEWLINK, ifindex, name, 0, 0, &error);
    af_spec = mnl_attr_nest_start_check(nlh, RTNL_MSG_MAX, IFLA_AF_SPEC);
    inet6 = af_spec ? mnl_attr_nest_start_check(nlh, RTNL_MSG_MAX, AF_INET6)
                    : NULL;
    if (!inet6
        || !mnl_attr_put_u8_check(nlh, RTNL_MSG_MAX, IFLA_INET6_ADDR_GEN_MODE,
                                  link_local ? IN6_ADDR_GEN_MODE_EUI64
                                             : IN6_ADDR_GEN_MODE_NONE)) {
        error = error ? error : EMSGSIZE;
    } else {
        mnl_attr_nest_end(nlh, inet6);
        mnl_attr_nest_end(nlh, af_spec);
    }
    dev = rtnl_link_describe(ifindex, name);
    error = rtnl_batch_finish(b, nlh, error,
                              xasprintf("%s IPv6 link-local address on %s",
                                        link_local ? "enable" : "disable",
                                        dev));
    free(dev);
    return error;
}

int
rtnl_link_del(struct rtnl_batch *b, int ifindex, const char *name)
{
    struct nlmsghdr *nlh;
    char *dev;
    int error;

    nlh = rtnl_link_start(b, RTM_DELLINK, ifindex, name, 0, 0, &error);
    dev = rtnl_link_describe(ifindex, name);
    error = rtnl_batch_finish(b, nlh, error,
                              xasprintf("delete link %s", dev));
    free(dev);
    return error;
}

static int
rtnl_link_list_attr_cb(const struct nlattr *attr, void *name_)
{
    const char **name = name_;

    if (mnl_attr_get_type(attr) == IFLA_IFNAME
        && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0) {
        *name = mnl_attr_get_str(attr);
    }
    return MNL_CB_OK;
}

static int
rtnl_link_list_cb(const struct nlmsghdr *nlh, void *ifindexes)
{
    const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
    const char *name = NULL;

    if (nlh->nlmsg_type != RTM_NEWLINK
        || nlh->nlmsg_len < mnl_nlmsg_size(sizeof *ifi)) {
        return MNL_CB_OK;
    }
    if (mnl_attr_parse(nlh, sizeof *ifi, rtnl_link_list_attr_cb, &name) < 0) {
        return MNL_CB_ERROR;
    }
    if (name) {
        simap_put(ifindexes, name, ifi->ifi_index);
    }
    return MNL_CB_OK;
}

static void
rtnl_link_list_restart(void *links)
{
    simap_clear(links);
}

int
rtnl_link_list(struct rtnl_sock *sock, struct simap *ifindexes)
{
    return rtnl_link_list_kind(sock, NULL, ifindexes);
}

int
rtnl_link_list_kind(struct rtnl_sock *sock, const char *kind,
                    struct simap *ifindexes)
{
    struct simap links = SIMAP_INITIALIZER(&links);
    struct simap_node *node;
    int error;

    /* Collected apart: a dump that never comes through leaves 'ifindexes'
     * as it was. */
    error = rtnl_link_dump(sock, kind, rtnl_link_list_restart,
                           rtnl_link_list_cb, &links);
    if (!error) {
        SIMAP_FOR_EACH (node, &links) {
            simap_put(ifindexes, node->name, node->data);
        }
    }
    simap_destroy(&links);
    return error;
}

int
rtnl_link_dump(struct rtnl_sock *sock, const char *kind,
               void (*restart)(void *aux), mnl_cb_t cb, void *aux)
{
    union {
        struct nlmsghdr nlh;
        uint8_t bytes[256];
    } req;
    struct nlmsghdr *nlh;
    struct ifinfomsg *ifi;

    nlh = mnl_nlmsg_put_header(&req);
    nlh->nlmsg_type = RTM_GETLINK;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
    ifi->ifi_family = AF_UNSPEC;
    if (kind) {
        /* The kernel filters the dump by IFLA_INFO_KIND. */
        struct nlattr *linkinfo;

        linkinfo = mnl_attr_nest_start_check(nlh, sizeof req, IFLA_LINKINFO);
        if (!linkinfo
            || !mnl_attr_put_strz_check(nlh, sizeof req, IFLA_INFO_KIND,
                                        kind)) {
            return EINVAL;
        }
        mnl_attr_nest_end(nlh, linkinfo);
    }
    return rtnl_sock_dump_consistent(sock, nlh, restart, cb, aux);
}

int
rtnl_link_wait_gone(struct rtnl_sock *sock, const struct sset *names,
                    int timeout_ms)
{
    long long int deadline = time_msec() + timeout_ms;
    const char *name;

    /* One lookup per device (and poll), not a link dump: dumping N veths
     * whose peers are in N namespaces costs the kernel O(N^2), since each
     * veth's peer namespace is looked up among the N.  The ioctl acts in
     * the socket's namespace. */
    SSET_FOR_EACH (name, names) {
        for (;;) {
            struct ifreq ifr;

            memset(&ifr, 0, sizeof ifr);
            ovs_strlcpy(ifr.ifr_name, name, sizeof ifr.ifr_name);
            if (ioctl(rtnl_sock_fd(sock), SIOCGIFINDEX, &ifr)) {
                if (errno == ENODEV) {
                    break;
                }
                return errno;
            }
            if (time_msec() >= deadline) {
                return ETIMEDOUT;
            }
            xnanosleep(10 * 1000 * 1000);
        }
    }
    return 0;
}
