/*
 * owner: marks that say which lab created a kernel object, so teardown can
 * tell a lab's objects from anybody else's even when the lab's recorded
 * state is lost, and never removes what the lab did not create.
 *
 * The mark is the interface alias (IFLA_IFALIAS, "ip link show" prints it
 * as "alias ..."):
 *
 *     lo of each node namespace:     "ovs-lab:LAB"
 *     host end of each veth pair:    "ovs-lab:LAB:NODE.IFACE"
 */
#ifndef OWNER_H
#define OWNER_H 1

#include <stdbool.h>

struct rtnl_batch;
struct rtnl_sock;
struct sset;

/* The alias that marks a namespace's lo (malloc'd). */
char *owner_netns_mark(const char *lab);

/* The alias that marks the host end of 'node'.'iface''s veth (malloc'd). */
char *owner_link_mark(const char *lab, const char *node, const char *iface);

/* The lab whose host-end mark the host interface 'ifname' carries
 * (malloc'd), or NULL if it carries none. */
char *owner_link_lab(const char *ifname);

/* Adds to 'batch' a request that sets the alias of the device with index
 * 'ifindex' (if positive) or else named 'name' to 'mark'.  Returns 0 or a
 * positive errno, as the rtnl builders do. */
int owner_mark_link(struct rtnl_batch *, int ifindex, const char *name,
                    const char *mark);

/* True if the namespace named 'netns' exists and its lo carries lab
 * 'lab''s mark. */
bool owner_netns_is_lab(const char *netns, const char *lab);

/* The same for the namespace that 'netns_fd' refers to. */
bool owner_netns_fd_is_lab(int netns_fd, const char *lab);

/* Stores in 'names' (cleared first) the interfaces in the namespace of
 * 'sock' whose alias marks them as lab 'lab''s.  Returns 0 or a positive
 * errno. */
int owner_find_links(struct rtnl_sock *sock, const char *lab,
                     struct sset *names);

#endif /* owner.h */
