/*
 * DHCP servers: a real dnsmasq in each node that has a "dhcp-server".
 *
 * For node NODE, everything lives in the lab's state directory
 * (state_dir(lab), or any directory the caller chooses):
 *
 *     dnsmasq-NODE.conf     the configuration ovs-lab generates;
 *     dnsmasq-NODE.pid      dnsmasq's pid file (how another process finds
 *                           it again);
 *     dnsmasq-NODE.leases   dnsmasq's lease database;
 *     dnsmasq-NODE.log      dnsmasq's log (log-dhcp: every packet) and its
 *                           standard output and error.
 *
 * dnsmasq runs in the foreground (keep-in-foreground), so the pid
 * netns_spawn() returns is dnsmasq's own, detached in a session of its own
 * so that it outlives "ovs-lab up".  It serves only the interfaces of the
 * dhcp-server (bind-interfaces), one dhcp-range per pool tagged with the
 * interface name, offers at once (no-ping: otherwise dnsmasq pings each
 * address for about 3 s first), is authoritative, reads neither
 * /etc/resolv.conf nor /etc/dnsmasq.conf, and answers DNS only if the
 * scenario says "dns: true" (otherwise port=0), from the node's /etc/hosts
 * (e.g. "hosts: auto") and the DHCP clients' names, never forwarding.  A
 * pool without "router" sends no router option (dnsmasq would otherwise
 * offer its own address, giving clients a default route); a pool without
 * "dns-servers" sends no DNS option, except that with "dns: true" dnsmasq
 * offers itself.
 * Fixed leases are dhcp-host lines with the MAC ovs-lab gives the client
 * interface (plan_iface_mac()).
 *
 * Stopping: nothing here kills a dnsmasq.  Teardown kills every process in
 * the lab's namespaces, dnsmasq included.
 *
 * Typical use, in "ovs-lab up":
 *
 *     error = dhcp_server_preflight(scenario);   (before creating anything)
 *     ...deploy namespaces, veths, addresses...
 *     error = dhcp_servers_start(scenario, plan, dir, &servers);
 *     ...
 *     error = dhcp_servers_check_alive(servers);  (supervision, any time)
 *     dhcp_servers_destroy(servers);
 *
 * and in another process ("ovs-lab status"):
 *
 *     servers = dhcp_servers_find(scenario, plan, dir);
 *     error = dhcp_servers_check_alive(servers);
 */
#ifndef DHCP_SERVER_H
#define DHCP_SERVER_H 1

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "openvswitch/compiler.h"

struct plan;
struct scenario;
struct scenario_node;
struct shash;

/* How long dhcp_servers_start() waits for every dnsmasq to be ready. */
#define DHCP_SERVER_START_MS 5000

/* One dnsmasq. */
struct dhcp_server {
    const struct scenario_node *node;   /* Has a dhcp_server. */
    const char *netns;          /* The node's namespace (plan's name). */
    char *conf_path;            /* Paths in the state directory (owned). */
    char *pid_path;
    char *lease_path;
    char *log_path;

    pid_t pid;                  /* 0 if not known (see dhcp_servers_find). */
    bool is_child;              /* Started by this process, which reaps it. */
    bool exited;                /* A child whose exit was seen... */
    int status;                 /* ...with this wait status. */
};

/* The DHCP servers of a lab, in node order. */
struct dhcp_servers {
    struct dhcp_server *servers;
    size_t n;
};

/* Checks, before anything is deployed, that the DHCP servers of the
 * scenario can run: dnsmasq is installed and every served interface name
 * can be written in a dnsmasq configuration.  Returns NULL or a malloc'd
 * message saying what to install or change. */
char *dhcp_server_preflight(const struct scenario *) OVS_WARN_UNUSED_RESULT;

/* Returns the dnsmasq configuration (malloc'd text, the caller frees it)
 * for 'node', which must have a dhcp_server, with its files in
 * 'state_dir'.  Pure: touches nothing. */
char *dhcp_server_config(const struct scenario_node *, const struct plan *,
                         const char *state_dir);

/* Writes the configuration of every DHCP server of 'scenario' into
 * 'state_dir', starts each dnsmasq in its node's namespace, all at once,
 * and waits until each has bound UDP port 67 and written its pid file
 * (at most DHCP_SERVER_START_MS).  The namespaces, their interfaces and
 * the servers' static addresses must exist.
 *
 * On success stores in '*serversp' the servers started (the caller owns
 * them; free with dhcp_servers_destroy()) and returns NULL; a scenario
 * without DHCP server gives an empty set.  On failure stores NULL and
 * returns a malloc'd message with the end of the failing dnsmasq's log
 * (its last lines, not its path: the rollback of a failed deploy removes
 * 'state_dir'); dnsmasqs that did start are left running for teardown. */
char *dhcp_servers_start(const struct scenario *, const struct plan *,
                         const char *state_dir,
                         struct dhcp_servers **serversp)
    OVS_WARN_UNUSED_RESULT;

/* Finds the dnsmasqs of a lab deployed earlier (maybe by another process)
 * from their pid files in 'state_dir'.  A server is only found if its pid
 * is a live dnsmasq in the node's namespace; otherwise its 'pid' is 0
 * and dhcp_servers_check_alive() reports it.  The caller owns the result
 * (free with dhcp_servers_destroy()). */
struct dhcp_servers *dhcp_servers_find(const struct scenario *,
                                       const struct plan *,
                                       const char *state_dir);

/* Returns NULL if every server in 'servers' is running, otherwise a
 * malloc'd message naming each one that is not (how it ended, if it was
 * this process's child) with the last lines of its log (not its path: a
 * "run" removes the lab's files with the lab).  Reaps children that
 * exited. */
char *dhcp_servers_check_alive(struct dhcp_servers *) OVS_WARN_UNUSED_RESULT;

/* What a dnsmasq logged about one client MAC (dhcp_server_client_log()). */
struct dhcp_server_client_log {
    size_t n_messages;          /* DHCP messages logged (DHCPDISCOVER,
                                 * DHCPOFFER, ...), received or sent. */
    char *last;                 /* The last one, e.g. "DHCPOFFER(eth0)
                                 * 10.0.0.5 02:00:00:00:00:01" (owned). */
};

/* Reads the log of 'server' (as dnsmasq's log-dhcp writes it) and adds to
 * 'clients' (initialized by the caller), under each client MAC that a DHCP
 * message line names (as ETH_ADDR_FMT prints it), a malloc'd struct
 * dhcp_server_client_log; free them with
 * dhcp_server_client_logs_destroy().  A log that cannot be read adds
 * nothing.  For messages about clients that got no lease. */
void dhcp_server_client_log(const struct dhcp_server *, struct shash *clients);
void dhcp_server_client_logs_destroy(struct shash *clients);

/* Frees 'servers' (NULL is fine) without stopping any dnsmasq; reaps
 * children that have already exited, e.g. killed by teardown. */
void dhcp_servers_destroy(struct dhcp_servers *);

#endif /* dhcp-server.h */
