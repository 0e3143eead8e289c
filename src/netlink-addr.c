#include <config.h>
#include "netlink-addr.h"

#include <errno.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "netlink-rtnl.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

int
rtnl_addr_add(struct rtnl_batch *b, int ifindex, const struct in6_addr *addr,
              unsigned int plen)
{
    bool is_ipv4 = IN6_IS_ADDR_V4MAPPED(addr);
    struct ifaddrmsg *ifa;
    struct nlmsghdr *nlh;
    struct ds desc;
    int error = 0;
    bool ok;

    if (ifindex <= 0 || plen > (is_ipv4 ? 32 : 128)) {
        error = EINVAL;
    }

    nlh = rtnl_batch_start(b, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
    ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
    ifa->ifa_family = is_ipv4 ? AF_INET : AF_INET6;
    ifa->ifa_prefixlen = plen;
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    ifa->ifa_index = ifindex;
    if (is_ipv4) {
        ovs_be32 ip = in6_addr_get_mapped_ipv4(addr);

        /* IFA_LOCAL is the address, IFA_ADDRESS the peer (itself, on a
         * broadcast link), as "ip address add" sends them. */
        ok = (mnl_attr_put_check(nlh, RTNL_MSG_MAX, IFA_LOCAL, sizeof ip, &ip)
              && mnl_attr_put_check(nlh, RTNL_MSG_MAX, IFA_ADDRESS,
                                    sizeof ip, &ip));
        if (ok && plen <= 30) {
            ovs_be32 brd = ip | ~be32_prefix_mask(plen);
            ok = mnl_attr_put_check(nlh, RTNL_MSG_MAX, IFA_BROADCAST,
                                    sizeof brd, &brd);
        }
    } else {
        ifa->ifa_flags = IFA_F_NODAD;
        ok = (mnl_attr_put_check(nlh, RTNL_MSG_MAX, IFA_LOCAL,
                                 sizeof *addr, addr)
              && mnl_attr_put_check(nlh, RTNL_MSG_MAX, IFA_ADDRESS,
                                    sizeof *addr, addr)
              /* ifa_flags has only 8 bits; newer flags need this. */
              && mnl_attr_put_u32_check(nlh, RTNL_MSG_MAX, IFA_FLAGS,
                                        IFA_F_NODAD));
    }
    if (!error && !ok) {
        error = EMSGSIZE;
    }

    ds_init(&desc);
    ds_put_cstr(&desc, "add address ");
    ipv6_format_mapped(addr, &desc);
    ds_put_format(&desc, "/%u to ifindex %d", plen, ifindex);
    return rtnl_batch_finish(b, nlh, error, ds_steal_cstr(&desc));
}
