/*
 * rtnetlink link requests: veth pairs, up/down, delete; and a link dump.
 *
 * The builders append one request to a batch (see netlink-rtnl.h for the
 * error conventions) and do nothing else.
 *
 * Where devices end up.  A request acts in the namespace of the socket
 * that sends it, except that a new device (or its veth peer) is created
 * in the namespace its 'netns_fd' names.  An explicit ifindex lets later
 * requests of the same batch address a new device without a lookup (lo is
 * 1 in a fresh namespace, so a node's interfaces can be 2, 3, ...).  The
 * kernel honours a peer's ifindex only when the device itself has one
 * too.  Linux 6.18 (tested) checks an explicit ifindex in the namespace
 * the device is created in; older kernels check it in the namespace of
 * the socket, where it may well be taken (EEXIST) if that is the host's.
 * A request sent from a socket inside the node's namespace works with
 * both, e.g. for interface 'eth0' of namespace N with host end
 * 'ol1a2b3c-12':
 *
 *     struct rtnl_veth veth;
 *     rtnl_veth_init(&veth);
 *     veth.end.name = "eth0";           (created in N, the socket's ns)
 *     veth.end.ifindex = 2;             (lo is 1 in a fresh namespace)
 *     veth.end.up = true;
 *     veth.peer.name = "ol1a2b3c-12";
 *     veth.peer.netns_fd = host_netns_fd;  (netns_open_current())
 *     rtnl_link_add_veth(batch, &veth);
 *
 * after which the same batch can address eth0 as ifindex 2 (addresses,
 * routes) without a lookup.  The peer cannot be brought up by the same
 * request (see 'up' below): one batch from the host socket brings up all
 * host ends by name, rtnl_link_set_up(b, 0, "ol1a2b3c-12", true).  Until
 * then eth0 has no carrier; addresses and routes can be added anyway, and
 * an IPv6 address becomes usable the moment the carrier comes.  A
 * node-to-node link is the same with the peer in the other node's
 * namespace (its ifindex may then be set too), brought up from there.
 */

#ifndef NETLINK_LINK_H
#define NETLINK_LINK_H 1

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include "openvswitch/types.h"

struct rtnl_batch;
struct rtnl_sock;
struct simap;
struct sset;

/* One end of a new veth pair. */
struct rtnl_link_end {
    const char *name;           /* Required, at most IFNAMSIZ - 1 bytes. */
    int ifindex;                /* 0: the kernel chooses. */
    int netns_fd;               /* Namespace to create it in, -1: the
                                 * namespace of the sending socket. */
    uint32_t mtu;               /* 0: the default (1500). */
    struct eth_addr mac;        /* All-zero: a random address. */
    /* Bring it up at creation.  Only for the device itself: the kernel
     * configures the peer before linking the pair, and a veth without a
     * peer refuses to go up (ENOTCONN).  Must be false for the peer. */
    bool up;
};

struct rtnl_veth {
    struct rtnl_link_end end;   /* The device the request creates... */
    struct rtnl_link_end peer;  /* ...and its peer. */
};

/* Initializes 'veth' to defaults: everything zero, both netns_fd -1. */
void rtnl_veth_init(struct rtnl_veth *veth);

/* Creates the veth pair 'veth' (NLM_F_CREATE | NLM_F_EXCL: EEXIST if a
 * name or index is taken).  The names are copied into the request; the
 * netns fds must stay open until the batch has been sent.  EINVAL for a
 * missing or too long name, a negative ifindex, a peer ifindex without
 * one for the device itself (the kernel would ignore it), or 'up' for
 * the peer. */
int rtnl_link_add_veth(struct rtnl_batch *, const struct rtnl_veth *);

/* Brings a device up or down.  It is identified by 'ifindex' if that is
 * positive (then 'name' may be NULL and only names it in messages),
 * otherwise by 'name'. */
int rtnl_link_set_up(struct rtnl_batch *, int ifindex, const char *name,
                     bool up);

/* Sets the device flags in 'change' (IFF_UP, IFF_PROMISC; EINVAL for any
 * other) to their values in 'flags', leaving the others alone: one request,
 * one notification.  The device is identified as for rtnl_link_set_up(). */
int rtnl_link_set_flags(struct rtnl_batch *, int ifindex, const char *name,
                        unsigned int flags, unsigned int change);

/* Whether a device gets an IPv6 link-local address when it comes up
 * (IFLA_INET6_ADDR_GEN_MODE EUI64 or NONE).  Without one it sends no IPv6
 * autoconfiguration traffic at all: no duplicate address detection, router
 * solicitations or MLD reports, which on a switch of hundreds of ports are
 * each flooded to every port.  Takes effect the next time the device comes
 * up, so send it before rtnl_link_set_up().  The device is identified as
 * for rtnl_link_set_up(). */
int rtnl_link_set_ipv6_link_local(struct rtnl_batch *, int ifindex,
                                  const char *name, bool link_local);

/* Deletes a device (both ends, for a veth), identified as for
 * rtnl_link_set_up().  Fails with ENODEV if there is none; see
 * rtnl_batch_allow_error(). */
int rtnl_link_del(struct rtnl_batch *, int ifindex, const char *name);

/* Dumps the links of the socket's namespace into 'ifindexes', mapping each
 * device name to its ifindex. */
int rtnl_link_list(struct rtnl_sock *, struct simap *ifindexes);

/* The same for the devices of one kind only ("tun", "veth": the kernel's
 * IFLA_INFO_KIND), or of all kinds if 'kind' is NULL. */
int rtnl_link_list_kind(struct rtnl_sock *, const char *kind,
                        struct simap *ifindexes);

/* Dumps the links of the socket's namespace (of kind 'kind' only, if
 * nonnull) through rtnl_sock_dump_consistent(): 'cb' gets each RTM_NEWLINK
 * message with 'aux', 'restart' (if nonnull) is called before each
 * attempt.  For callers that need more of each link than its index. */
int rtnl_link_dump(struct rtnl_sock *, const char *kind,
                   void (*restart)(void *aux), mnl_cb_t cb, void *aux);

/* Waits up to 'timeout_ms' milliseconds until none of the devices named in
 * 'names' exists in the socket's namespace any more; returns 0 then, or
 * ETIMEDOUT.
 *
 * For teardown: deleting veths one by one costs the kernel some 30 ms
 * each (an RCU grace period per device), while the devices of deleted
 * namespaces are destroyed together, asynchronously, taking their veth
 * peers in the host namespace with them (100 pairs in about 150 ms).  So
 * kill the namespaces' processes, delete the namespaces, then wait here
 * for the host ends to be gone. */
int rtnl_link_wait_gone(struct rtnl_sock *, const struct sset *names,
                        int timeout_ms);

#endif /* netlink-link.h */
