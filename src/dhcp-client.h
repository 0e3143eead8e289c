/*
 * DHCP clients: a real client (busybox udhcpc, or ISC dhclient) for every
 * node interface with "dhcp: true", run once in the node's namespace.
 *
 * Each client is bounded by the same timeout, counted from its own start.
 *
 * Pacing.  The clients are started in scenario order, but at most 8 of
 * those on a segment that a server of the lab serves are in their first
 * 2 seconds at once; the next one starts when one of them ends (leased)
 * or has asked for 2 seconds (a healthy exchange takes milliseconds; a
 * client still asking then, e.g. with the pool exhausted, must not hold
 * up the others).  Clients on segments without a server do not count;
 * they are started first.
 * Started all at once, clients flood the segment with broadcasts (each
 * copied to every port of the switch, in the userspace datapath by one
 * thread of ovs-vswitchd), the server's answers come later than the
 * clients wait, every client asks again each second, and most get
 * nothing.  Pacing also keeps the cores (each client costs 3 process
 * creations: the client, and its script at start and once leased) from
 * being shared by more clients than they can serve.
 *
 * A client does not configure anything itself: its script only records
 * the lease it obtained into a file, and ovs-lab then applies the lease
 * over rtnetlink: the
 * address with the lease's prefix length, and a default route via the
 * lease's router if the node has no IPv4 default route of its own (the
 * scenario's, or one from an earlier interface's lease).  The address is
 * added with an infinite valid lifetime, and no client stays running
 * (udhcpc quits once leased, dhclient is killed with SIGKILL once leased,
 * so neither releases the lease; a client that gets none asks until it is
 * killed at the timeout): nothing renews the lease behind the lab's back
 * and nothing removes the address when the lease time runs out.  A lab
 * is short-lived; its leases are as permanent as its static addresses.
 *
 * The clients are started in the node's network namespace only (not with
 * netns_spawn(), whose private mount namespace per process costs too much
 * time for many clients): they see the host's /etc and /sys, which they do
 * not need, since they configure nothing.
 *
 * Files, in the state directory, for interface IFACE of node NODE (a node
 * name has no '.', so the names cannot collide):
 *
 *     dhcp-client-NODE.IFACE.lease   the lease as the script recorded it
 *                                    ("ip=...", "subnet=...", "router=...",
 *                                    "serverid=...", "lease=...", "dns=...")
 *     dhcp-client-NODE.IFACE.log     the client's output
 *     dhclient-NODE.IFACE.leases     dhclient's own lease database and
 *     dhclient-NODE.IFACE.pid        pid file (dhclient only)
 *
 * and, shared by all clients, dhcp-client-dhclient.sh (the script) and
 * dhclient.conf, or dhcp-client-udhcpc.sh where udhcpc's script is not
 * the program ovs-lab-lease-hook (src/lease-hook.c: the same, without a
 * shell or libc to start twice per client; it is found next to the
 * ovs-lab executable or in pkglibexecdir).
 */
#ifndef DHCP_CLIENT_H
#define DHCP_CLIENT_H 1

#include <stdbool.h>
#include "openvswitch/compiler.h"

struct lease;
struct lease_table;
struct plan;
struct scenario;
struct scenario_iface;

/* Checks, before anything is deployed, that the DHCP client the scenario
 * chose (settings: dhcp-client) is installed if any interface uses DHCP.
 * Returns NULL or a malloc'd message saying which package to install. */
char *dhcp_client_preflight(const struct scenario *) OVS_WARN_UNUSED_RESULT;

/* Runs a DHCP client on every interface of 'scenario' with "dhcp: true",
 * paced (see above), in the namespaces of 'plan' (which must exist, with
 * the interfaces up), with files in 'state_dir'.  Each client gets
 * 'timeout_ms' (positive) milliseconds from its start to obtain a lease;
 * then it is killed.  Then applies the leases obtained (see above).
 *
 * Running the clients again is possible: an address or default route that
 * is already there is not an error.
 *
 * Records the outcome for every DHCP interface in 'leases' (initialized by
 * the caller), replacing earlier ones: a lease (address, server, router,
 * lease time, time it took), or no lease with the reason.  Not getting a
 * lease is not an error here (see dhcp_clients_check_leases()).
 * Returns NULL, or a malloc'd message for an operational failure (a client
 * could not be started, a lease could not be applied); 'leases' is filled
 * in as far as possible even then.  No client is left running.
 *
 * 'stop', if nonnull, is asked every 0.1 s while the clients run: once it
 * returns true, they are killed and this returns "interrupted" (Ctrl-C
 * need not wait for the clients' timeout). */
char *dhcp_clients_run(const struct scenario *, const struct plan *,
                       const char *state_dir, int timeout_ms,
                       bool (*stop)(void), struct lease_table *leases)
    OVS_WARN_UNUSED_RESULT;

/* True if 'iface' (with "dhcp: true") is to get a lease when the lab comes
 * up: a DHCP server of the lab serves its segment, and no "dhcp" check
 * expects it to get none ("expect: fail"). */
bool dhcp_client_expects_lease(const struct scenario *,
                               const struct scenario_iface *);

/* Returns NULL if every interface of 'scenario' that
 * dhcp_client_expects_lease() holds an obtained lease in 'leases',
 * otherwise a malloc'd message that names each one that does not, with
 * why (the client's reason, and what its segment's dnsmasq logged about
 * its MAC, read from the servers' logs in 'state_dir'). */
char *dhcp_clients_check_leases(const struct scenario *, const struct plan *,
                                const char *state_dir,
                                const struct lease_table *)
    OVS_WARN_UNUSED_RESULT;

/* Parses 'text', a lease as a client script records it, into 'lease''s
 * 'addr', 'plen', 'server', 'router' and 'lease_time' (0 if absent).
 * Returns NULL, or a malloc'd message if the address, subnet mask or a
 * given server or router is missing or invalid. */
char *dhcp_client_parse_lease(const char *text, struct lease *)
    OVS_WARN_UNUSED_RESULT;

#endif /* dhcp-client.h */
