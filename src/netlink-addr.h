/*
 * rtnetlink address requests.  See netlink-rtnl.h for batches and errors.
 *
 * Addresses are struct in6_addr, IPv4 ones in IPv4-mapped form
 * (::ffff:a.b.c.d), the convention of OVS's lib/packets.h
 * (in6_addr_set_mapped_ipv4(), ip_parse_cidr(), ipv6_parse_cidr()).
 */

#ifndef NETLINK_ADDR_H
#define NETLINK_ADDR_H 1

#include <netinet/in.h>

struct rtnl_batch;

/* Adds 'addr'/'plen' to the device with index 'ifindex' (NLM_F_CREATE |
 * NLM_F_EXCL).  IPv4 ('plen' 0...32) gets the broadcast address of its
 * subnet (none for /31 and /32), as "ip address add ... brd +" gives.
 * IPv6 ('plen' 0...128) is added with IFA_F_NODAD, so that it is usable at
 * once instead of after a second of duplicate address detection.  EINVAL
 * for a bad 'ifindex' or 'plen'. */
int rtnl_addr_add(struct rtnl_batch *, int ifindex,
                  const struct in6_addr *addr, unsigned int plen);

#endif /* netlink-addr.h */
