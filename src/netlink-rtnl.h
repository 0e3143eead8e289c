/*
 * A thin layer over libmnl for rtnetlink: batches of requests and a socket
 * bound to one network namespace that sends them.
 *
 * (Named "rtnl" rather than "nl": libopenvswitch already has lib/netlink.h
 * and exports nl_sock_*() and nl_msg_*().)
 *
 * Batches.  A batch is a growable buffer holding many rtnetlink requests
 * back to back, each with a description ("create veth eth0 with peer
 * ol1a2b3c-12") used in error messages.  Builders in netlink-link.h,
 * netlink-addr.h and netlink-route.h append requests; they only fill
 * memory, so tests can check the bytes without privileges.  Every request
 * carries NLM_F_ACK.  rtnl_sock_run() sends a whole batch with as few
 * sendmsg() calls as the socket buffers allow (the kernel executes the
 * requests of one sendmsg() in order), collects one acknowledgement per
 * request and maps each error back to its request by sequence number.
 * The kernel goes on with the next request after a failed one, so every
 * failure of a batch is reported, not only the first.
 *
 *     struct rtnl_batch *b = rtnl_batch_create();
 *     rtnl_batch_set_context(b, "lab %s node %s", lab, node);
 *     rtnl_link_set_up(b, 1, NULL, true);
 *     rtnl_addr_add(b, 2, &addr, 24);
 *     rtnl_batch_describe(b, "add address %s to eth0", text);  (optional)
 *     char *error = rtnl_sock_run(sock, b);
 *     rtnl_batch_destroy(b);
 *
 * Errors: builders return 0 or a positive errno (EINVAL for an invalid
 * argument, EMSGSIZE if a request would exceed RTNL_MSG_MAX); the first
 * such failure also sticks to the batch and rtnl_sock_run() refuses to
 * send it, so a caller may check only the result of rtnl_sock_run().
 * rtnl_sock_run() returns NULL on success or a malloc'd message, one line
 * per failed request: "CONTEXT: DESCRIPTION: strerror (kernel: EXTACK)",
 * at most 10 lines and then a count of the others.  Other functions
 * return 0 or a positive errno.
 *
 * Cost: rtnetlink requests are processed under the kernel's RTNL lock, so
 * batches to several namespaces gain nothing from running in parallel.
 * Creating a veth pair takes the kernel about 1 ms, everything else here
 * a fraction of that; see netlink-link.h for how to tear down fast.
 */

#ifndef NETLINK_RTNL_H
#define NETLINK_RTNL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include "openvswitch/compiler.h"

struct nlmsghdr;
struct rtnl_batch;
struct rtnl_sock;

/* The most space any single request may take. */
#define RTNL_MSG_MAX 1024

/* Batches. */

struct rtnl_batch *rtnl_batch_create(void);
void rtnl_batch_destroy(struct rtnl_batch *);

/* Removes every request (and the sticky build error), keeping the
 * context and the memory for reuse. */
void rtnl_batch_clear(struct rtnl_batch *);

/* Sets the text that prefixes every error message of the batch, e.g. the
 * lab and node it configures.  Empty by default. */
void rtnl_batch_set_context(struct rtnl_batch *, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3);

/* Replaces the builder's description of the last request added. */
void rtnl_batch_describe(struct rtnl_batch *, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3);

/* Makes 'error' (a positive errno, e.g. ENODEV when deleting what may
 * already be gone) count as success for the last request added. */
void rtnl_batch_allow_error(struct rtnl_batch *, int error);

size_t rtnl_batch_count(const struct rtnl_batch *);

/* Request 'i' (0-based, in the order added) as built.  Its nlmsg_seq is
 * set when it is sent. */
const struct nlmsghdr *rtnl_batch_msg(const struct rtnl_batch *, size_t i);
const char *rtnl_batch_desc(const struct rtnl_batch *, size_t i);

/* After rtnl_sock_run(): request 'i''s result as a positive errno (0 on
 * success, also if the error was allowed) and the kernel's extended ack
 * message for it (NULL if none), owned by the batch. */
int rtnl_batch_error(const struct rtnl_batch *, size_t i);
const char *rtnl_batch_extack(const struct rtnl_batch *, size_t i);

/* For request builders.  rtnl_batch_start() appends a request header
 * with NLM_F_REQUEST | NLM_F_ACK | 'flags' and RTNL_MSG_MAX bytes of
 * room; the builder adds its fixed header and attributes, checking each
 * against RTNL_MSG_MAX, then calls rtnl_batch_finish() exactly once with
 * 0 or the errno that went wrong.  rtnl_batch_finish() takes ownership of
 * the malloc'd 'desc' and, on error, drops the request, makes 'error' the
 * batch's sticky build error and returns it. */
struct nlmsghdr *rtnl_batch_start(struct rtnl_batch *, uint16_t type,
                                  uint16_t flags);
int rtnl_batch_finish(struct rtnl_batch *, struct nlmsghdr *, int error,
                      char *desc);

/* Sockets. */

/* Opens a NETLINK_ROUTE socket in the namespace 'netns_fd' refers to (-1:
 * the calling thread's).  The socket is created inside that namespace and
 * keeps working there after the thread has switched back, so one thread
 * can hold sockets for many namespaces.  Extended acks are turned on.  The
 * caller owns '*sockp' and closes it with rtnl_sock_close(). */
int rtnl_sock_open(int netns_fd, struct rtnl_sock **sockp);
void rtnl_sock_close(struct rtnl_sock *);

/* The socket's descriptor.  Any socket can carry device ioctls for its
 * namespace, so this can be given to ethtool_set_tx_csum(). */
int rtnl_sock_fd(const struct rtnl_sock *);

/* Sends every request of 'batch' and waits for all acknowledgements, then
 * records each request's result in the batch (see rtnl_batch_error()).
 * Returns NULL if all succeeded, otherwise a malloc'd message that the
 * caller frees.  The batch is left as it was (results aside), so it can
 * be inspected, cleared or destroyed by the caller.  Any file descriptor
 * a request names (IFLA_NET_NS_FD) must stay open until this returns. */
char *rtnl_sock_run(struct rtnl_sock *, struct rtnl_batch *)
    OVS_WARN_UNUSED_RESULT;

/* Sends 'request', which must have NLM_F_REQUEST | NLM_F_DUMP set (its
 * sequence number is assigned here), and calls 'cb' with 'aux' for each
 * message of the reply, until the dump ends or 'cb' returns MNL_CB_STOP
 * (success) or MNL_CB_ERROR (EPROTO).  Returns EAGAIN if a concurrent
 * change interrupted the dump (NLM_F_DUMP_INTR): 'cb' then saw an
 * inconsistent part of it, and the caller should start over. */
int rtnl_sock_dump(struct rtnl_sock *, struct nlmsghdr *request,
                   mnl_cb_t cb, void *aux);

/* rtnl_sock_dump() again until a dump comes through uninterrupted, at most
 * RTNL_DUMP_ATTEMPTS times (then EAGAIN): devices and neighbours come and
 * go while labs are built and torn down.  'restart', if nonnull, is called
 * with 'aux' before each attempt, to forget what 'cb' collected from an
 * interrupted one. */
#define RTNL_DUMP_ATTEMPTS 20
int rtnl_sock_dump_consistent(struct rtnl_sock *, struct nlmsghdr *request,
                              void (*restart)(void *aux), mnl_cb_t cb,
                              void *aux);

#endif /* netlink-rtnl.h */
