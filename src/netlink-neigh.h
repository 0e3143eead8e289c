/*
 * rtnetlink neighbour requests: delete one entry; flush the neighbour
 * tables of a namespace.
 *
 * For teardown: a namespace whose neighbour table holds an entry still
 * being resolved, with a packet queued on it (left by any unanswered ping),
 * takes the kernel about 2 s to destroy instead of a millisecond: the
 * device cannot go before the entry's retries are over.  Flushing the
 * table first avoids that wait.
 */
#ifndef NETLINK_NEIGH_H
#define NETLINK_NEIGH_H 1

#include <stddef.h>

struct rtnl_batch;
struct rtnl_sock;

/* Deletes the neighbour entry for address 'addr' ('addr_len' bytes: 4 for
 * AF_INET, 16 for AF_INET6) on the device with index 'ifindex'.  Fails
 * with ENOENT if there is none; see rtnl_batch_allow_error(). */
int rtnl_neigh_del(struct rtnl_batch *, int family, int ifindex,
                   const void *addr, size_t addr_len);

/* Deletes every IPv4 and IPv6 neighbour entry of the namespace of 'sock'
 * that the kernel learned or is learning, like "ip neigh flush all" (not
 * the NOARP and PERMANENT ones): one dump, then one batch for the entries
 * found, if any.  Stores their number in '*n_flushed' if nonnull.  Returns
 * 0 or a positive errno. */
int rtnl_neigh_flush(struct rtnl_sock *, size_t *n_flushed);

#endif /* netlink-neigh.h */
