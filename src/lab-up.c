/* "ovs-lab up": deploying a lab from its plan.
 *
 * The phases, in order: namespaces (each marked as the lab's at once),
 * veth pairs (one rtnetlink batch per namespace, and one in the host), the
 * configuration inside each namespace (one batch per namespace: addresses,
 * routes), OVS bridges and ports (through the IDL, in a thread that works
 * in parallel with the phases before, waiting for ovs-vswitchd), host
 * addresses on switch gateways, NAT, DHCP, per-node /etc files, and the
 * commands the scenario starts in nodes.
 *
 * Whatever fails, everything created so far is removed again by the same
 * teardown "down" uses, which only removes what carries the lab's marks. */
#include <config.h>
#include "lab.h"
#include "lab-private.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dhcp-client.h"
#include "dhcp-server.h"
#include "error-list.h"
#include "ethtool.h"
#include "file-util.h"
#include "lease.h"
#include "netlink-addr.h"
#include "netlink-link.h"
#include "netlink-route.h"
#include "netlink-rtnl.h"
#include "nat.h"
#include "netns.h"
#include "latch.h"
#include "openvswitch/dynamic-string.h"
#include "ovs-atomic.h"
#include "ovs-thread.h"
#include "owner.h"
#include "packets.h"
#include "plan.h"
#include "openvswitch/poll-loop.h"
#include "private-ovs.h"
#include "process.h"
#include "progress.h"
#include "scenario.h"
#include "simap.h"
#include "socket-util.h"
#include "sset.h"
#include "switchdb.h"
#include "timeval.h"
#include "util.h"

/* How long a started command may take to listen on its "wait-port". */
#define START_WAIT_MS 10000
/* Lines of a failed start command's output shown in the error. */
#define START_LOG_TAIL_LINES 5

/* Everything "up" holds while it works. */
struct deploy {
    const struct scenario *scenario;
    const struct plan *plan;
    const struct lab_options *options;
    struct progress progress;

    int *netns_fds;             /* One per plan->netns, -1 if not open. */
    struct rtnl_sock **socks;   /* One per plan->netns, NULL if not open. */
    struct rtnl_sock *host_sock;

    /* The OVS side runs in a thread of its own (see "Switches" below).
     * 'db' and 'private' are the worker's until it has been joined. */
    struct switchdb *db;
    struct private_ovs *private;
    struct switch_worker *switches;

    struct lease_table leases;  /* Leases the lab's DHCP clients got. */
};

static void release_switch_ports(struct deploy *, bool abort);

/* The node end a veth request creates gets a fixed index in its (new,
 * empty) namespace: lo is 1, the node's J-th interface 2 + J.  Requests
 * that configure it can then go into the same batch as the one that
 * creates it, without a round trip to look the index up.  The far end of a
 * node-to-node veth is created as the peer, in another namespace, where
 * the kernel chooses the index (older kernels check a peer's index in the
 * sender's namespace), so it is looked up by name. */
static bool
iface_has_fixed_ifindex(const struct scenario_iface *iface)
{
    return iface->link != SCENARIO_LINK_PEER || iface->peer_first;
}

static int
iface_fixed_ifindex(const struct scenario_iface *iface)
{
    return 2 + (iface - iface->node->ifaces);
}

/* The index of 'iface': fixed, or from 'looked_up' (name -> index). */
static int
iface_ifindex(const struct scenario_iface *iface,
              const struct simap *looked_up)
{
    return (iface_has_fixed_ifindex(iface) ? iface_fixed_ifindex(iface)
            : simap_get(looked_up, iface->name));
}

/* Many namespaces mean many descriptors: two per node while deploying. */
static void
raise_fd_limit(size_t needed)
{
    struct rlimit rl;

    if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < needed + 64) {
        rl.rlim_cur = MIN(rl.rlim_max, needed + 64);
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* Appends to 'errors' the host ports that 'd''s lab forwards and a lab
 * already up forwards too: each lab's DNAT rules are in a table of its
 * own, and a second rule for a port would silently take its traffic
 * from the first lab. */
static void
check_forwards_free(const struct deploy *d, struct ds *errors)
{
    const struct scenario_host *host = &d->scenario->host;
    struct sset labs = SSET_INITIALIZER(&labs);
    const char *other;

    if (!host->n_forwards) {
        return;
    }
    state_list(&labs);
    SSET_FOR_EACH (other, &labs) {
        struct lab_record record;
        char *error = NULL;

        if (!strcmp(other, d->plan->lab)
            || lab_record_load(other, &record, &error)) {
            free(error);
            continue;
        }
        const struct scenario_host *used = &record.scenario->host;
        for (size_t i = 0; i < host->n_forwards; i++) {
            const struct scenario_forward *f = &host->forwards[i];

            for (size_t j = 0; j < used->n_forwards; j++) {
                const struct scenario_forward *g = &used->forwards[j];

                if (f->port == g->port && f->protocol == g->protocol) {
                    ds_put_format(errors, "host port %d/%s (line %d) is "
                                  "already forwarded by lab %s, to %s; "
                                  "forward another port, or take lab %s "
                                  "down first\n", f->port,
                                  f->protocol == IPPROTO_UDP ? "udp" : "tcp",
                                  f->loc.line, other, g->to_ref.text,
                                  other);
                }
            }
        }
        lab_record_destroy(&record);
    }
    sset_destroy(&labs);
}

/* Stores in 'addr' the address and prefix length of 'ifa', if it is an
 * IPv4 or IPv6 address other than an IPv6 link-local one (which every
 * interface has, and which no scenario puts on the host). */
static bool
host_addr_from_ifaddr(const struct ifaddrs *ifa, struct scenario_addr *addr)
{
    const struct sockaddr *sa = ifa->ifa_addr, *mask = ifa->ifa_netmask;

    memset(addr, 0, sizeof *addr);
    if (!sa || !mask || sa->sa_family != mask->sa_family) {
        return false;
    }
    if (sa->sa_family == AF_INET) {
        addr->family = AF_INET;
        in6_addr_set_mapped_ipv4(
            &addr->ip, ((const struct sockaddr_in *) sa)->sin_addr.s_addr);
        addr->plen = ip_count_cidr_bits(
            ((const struct sockaddr_in *) mask)->sin_addr.s_addr);
        return true;
    } else if (sa->sa_family == AF_INET6) {
        const struct in6_addr *ip6
            = &((const struct sockaddr_in6 *) sa)->sin6_addr;

        if (IN6_IS_ADDR_LINKLOCAL(ip6)) {
            return false;
        }
        addr->family = AF_INET6;
        addr->ip = *ip6;
        addr->plen = ipv6_count_cidr_bits(
            &((const struct sockaddr_in6 *) mask)->sin6_addr);
        return true;
    }
    return false;
}

/* Appends to 'errors' each address that 'd''s lab puts on the host (its
 * gateways and the host ends of its host links) that the host already
 * has, or whose subnet overlaps one the host already has: the host would
 * route the subnet through one of the two interfaces only, and cut off
 * either this lab or what is there (another lab's segment, or the host's
 * own network, if the scenario took the LAN's subnet). */
static void
check_host_subnets_free(const struct deploy *d, struct ds *errors)
{
    struct scenario_addr_use *host;
    size_t n = scenario_host_addrs(d->scenario, &host);
    struct ifaddrs *ifas;

    if (!n) {
        free(host);
        return;
    }
    if (getifaddrs(&ifas)) {
        ds_put_format(errors, "cannot list the host's addresses (%s)\n",
                      ovs_strerror(errno));
        free(host);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct scenario_addr *a = host[i].addr;

        for (const struct ifaddrs *ifa = ifas; ifa; ifa = ifa->ifa_next) {
            struct scenario_addr used;
            bool same;

            if (!host_addr_from_ifaddr(ifa, &used)) {
                continue;
            }
            same = ipv6_addr_equals(&used.ip, &a->ip);
            if (!same && !scenario_addr_subnets_overlap(a, &used)) {
                continue;
            }

            char *lab = owner_link_lab(ifa->ifa_name);
            char ip[INET6_ADDRSTRLEN];

            ipv6_string_mapped(ip, &used.ip);
            ds_put_format(errors, "%s (line %d, on the host for %s) %s %s/%u "
                          "on host interface %s", a->text, a->loc.line,
                          host[i].seg->name,
                          same ? "is already there, as"
                          : "overlaps the subnet of",
                          ip, used.plen, ifa->ifa_name);
            if (lab) {
                ds_put_format(errors, " (lab %s)", lab);
            }
            ds_put_format(errors, "; the host would reach only one of the "
                          "two: give the lab another subnet%s%s%s\n",
                          lab ? ", or take lab " : "", lab ? lab : "",
                          lab ? " down first" : "");
            free(lab);
            break;
        }
    }
    freeifaddrs(ifas);
    free(host);
}

/* Refuses to start if any name the lab needs is taken, before anything is
 * created, so that a refused "up" has nothing to roll back. */
static char *
preflight(const struct deploy *d)
{
    const struct plan *plan = d->plan;
    struct ds errors = DS_EMPTY_INITIALIZER;
    char *dir = state_dir(plan->lab);
    bool recorded = !access(dir, F_OK);

    free(dir);
    if (recorded) {
        return xasprintf("lab %s is already up (see \"ovs-lab status %s\"; "
                         "\"ovs-lab down %s\" removes it, or use --name to "
                         "run another copy)", plan->lab, plan->lab,
                         plan->lab);
    }
    for (size_t i = 0; i < plan->n_netns; i++) {
        const char *name = plan->netns[i].name;
        char *etc = xasprintf("%s/%s", NETNS_ETC_DIR, name);

        if (netns_exists(name)) {
            ds_put_format(&errors, "namespace %s already exists (for node "
                          "%s); remove it, or use --name to pick another "
                          "lab name\n", name, plan->netns[i].node->name);
        }
        /* "ip netns exec" would lay its files over the node's /etc, and
         * "down" removes that directory with the lab. */
        if (!access(etc, F_OK)) {
            ds_put_format(&errors, "%s already exists (for node %s); "
                          "remove it, or use --name to pick another lab "
                          "name\n", etc, plan->netns[i].node->name);
        }
        free(etc);
    }
    for (size_t i = 0; i < plan->n_veths; i++) {
        const struct plan_veth *veth = &plan->veths[i];

        if (veth->kind != PLAN_VETH_PEER && if_nametoindex(veth->b_name)) {
            ds_put_format(&errors, "host interface %s (for %s.%s) already "
                          "exists\n", veth->b_name, veth->a->node->name,
                          veth->a->name);
        }
    }
    for (size_t i = 0; i < plan->n_bridges; i++) {
        if (if_nametoindex(plan->bridges[i].name)) {
            ds_put_format(&errors, "host interface %s (for switch %s) "
                          "already exists\n", plan->bridges[i].name,
                          plan->bridges[i].sw->name);
        }
    }
    for (size_t i = 0; i < plan->n_gateways; i++) {
        const struct plan_gateway *gw = &plan->gateways[i];
        const struct plan_bridge *br = &plan->bridges[gw->bridge];

        /* An untagged gateway is the bridge's own port, checked above. */
        if (strcmp(gw->port_name, br->name)
            && if_nametoindex(gw->port_name)) {
            ds_put_format(&errors, "host interface %s (for a gateway of "
                          "switch %s) already exists\n", gw->port_name,
                          br->sw->name);
        }
    }

    check_forwards_free(d, &errors);
    check_host_subnets_free(d, &errors);

    /* Programs the lab will need at run time. */
    error_list_add(&errors, dhcp_server_preflight(d->scenario));
    error_list_add(&errors, dhcp_client_preflight(d->scenario));
    return error_list_finish(&errors);
}

static bool
iface_has_ipv6(const struct scenario_iface *iface)
{
    for (size_t i = 0; i < iface->n_addrs; i++) {
        if (iface->addrs[i].family == AF_INET6) {
            return true;
        }
    }
    return false;
}

static bool
scenario_uses_ipv6(const struct scenario *s)
{
    for (size_t i = 0; i < s->n_nodes; i++) {
        for (size_t j = 0; j < s->nodes[i].n_ifaces; j++) {
            if (iface_has_ipv6(&s->nodes[i].ifaces[j])) {
                return true;
            }
        }
    }
    return false;
}

/* Creates the namespaces, opens a descriptor and a netlink socket in each,
 * and marks each as the lab's (lo's alias) and brings lo up, one request
 * batch per namespace. */
static char *
create_namespaces(struct deploy *d, size_t *n)
{
    const struct plan *plan = d->plan;
    char *mark = owner_netns_mark(plan->lab);
    struct rtnl_batch *batch = rtnl_batch_create();
    /* Duplicate address detection keeps even link-local IPv6 addresses
     * unusable for a second or more after a link comes up; in a lab every
     * address is planned, so interfaces created later skip it. */
    bool no_dad = scenario_uses_ipv6(d->scenario);
    char *error = NULL;

    *n = plan->n_netns;
    for (size_t i = 0; i < plan->n_netns && !error; i++) {
        const char *name = plan->netns[i].name;
        int err = netns_add(name);

        if (!err) {
            err = netns_open(name, &d->netns_fds[i]);
        }
        if (!err && no_dad) {
            err = netns_sysctl_set(d->netns_fds[i],
                                   "net.ipv6.conf.default.accept_dad", "0");
        }
        if (!err) {
            err = rtnl_sock_open(d->netns_fds[i], &d->socks[i]);
        }
        if (err) {
            error = xasprintf("namespace %s: %s", name, ovs_strerror(err));
            break;
        }
        rtnl_batch_clear(batch);
        rtnl_batch_set_context(batch, "namespace %s", name);
        owner_mark_link(batch, 1, "lo", mark);
        rtnl_link_set_up(batch, 1, "lo", true);
        error = rtnl_sock_run(d->socks[i], batch);
    }
    rtnl_batch_destroy(batch);
    free(mark);
    return error;
}

static void
fill_node_end(struct rtnl_link_end *end, const struct scenario_iface *iface,
              int netns_fd, struct eth_addr mac, int mtu)
{
    end->name = iface->name;
    end->ifindex = iface_has_fixed_ifindex(iface) ? iface_fixed_ifindex(iface)
                                                  : 0;
    end->netns_fd = netns_fd;
    end->mac = mac;
    end->mtu = mtu;
}

/* Whether a device of 'mtu' (0: the default) has IPv6 at all: below 1280
 * bytes, the minimum of RFC 8200, the kernel turns IPv6 off on it, and
 * asking it to turn off the link-local address fails (EAFNOSUPPORT). */
static bool
mtu_allows_ipv6(int mtu)
{
    return !mtu || mtu >= 1280;
}

/* Brings up node interface 'iface', whose index is 'ifindex'.
 *
 * An interface without planned IPv6 addresses gets no link-local one
 * either: its autoconfiguration chatter (DAD, router solicitations, MLD
 * reports), flooded by the switch to every port of the segment, swamps a
 * large lab's switch. */
static void
bring_up_iface(struct rtnl_batch *batch, int ifindex,
               const struct scenario_iface *iface)
{
    if (!iface_has_ipv6(iface)
        && mtu_allows_ipv6(scenario_iface_link_mtu(iface))) {
        rtnl_link_set_ipv6_link_local(batch, ifindex, iface->name, false);
    }
    rtnl_link_set_up(batch, ifindex, iface->name, true);
}

/* The flags besides IFF_UP that the host end of 'pv' gets.  A switch
 * port is made promiscuous here, in the same request that brings it up:
 * ovs-vswitchd would otherwise do it while adding the port, one ioctl and
 * one link change per port under the RTNL lock, after which it
 * reconfigures all bridges once more (adding 1000 ports took 0.2-0.3 s
 * longer).  It leaves the flag alone then, also when it removes the port,
 * since it did not set it. */
static unsigned int
switch_port_flags(const struct plan_veth *pv)
{
    return pv->kind == PLAN_VETH_SWITCH ? IFF_PROMISC : 0;
}

/* Creates the veth pairs: from a socket in each node's namespace, one
 * batch per node, the node end in the node and the peer in the host or in
 * the other node; the node end is brought up in the same batch.  Then, in
 * one batch in the host, the host ends are marked as the lab's and brought
 * up (a peer cannot be brought up as it is created).
 *
 * So every change of a host end (its creation, and its carrier coming on
 * when both ends are up) happens here, before the ports are added to OVS:
 * ovs-vswitchd reconfigures all bridges on any link change in the host's
 * namespace, which costs a lot with a large bridge. */
static char *
create_veths(struct deploy *d, size_t *n)
{
    const struct plan *plan = d->plan;
    struct rtnl_batch *batch = rtnl_batch_create();
    struct ds errors = DS_EMPTY_INITIALIZER;
    char *error = NULL;
    int host_fd;
    int err;

    *n = plan->n_veths;
    err = netns_open_current(&host_fd);
    if (err) {
        rtnl_batch_destroy(batch);
        return xasprintf("cannot open the host's namespace: %s",
                         ovs_strerror(err));
    }
    for (size_t i = 0; i < plan->n_netns; i++) {
        rtnl_batch_clear(batch);
        rtnl_batch_set_context(batch, "node %s", plan->netns[i].node->name);
        for (size_t j = 0; j < plan->n_veths; j++) {
            const struct plan_veth *pv = &plan->veths[j];
            struct rtnl_veth veth;

            if (pv->a_netns != i) {
                continue;
            }
            rtnl_veth_init(&veth);
            fill_node_end(&veth.end, pv->a, -1, pv->a_mac, pv->mtu);
            if (pv->kind == PLAN_VETH_PEER) {
                fill_node_end(&veth.peer, pv->b, d->netns_fds[pv->b_netns],
                              pv->b_mac, pv->mtu);
            } else {
                veth.peer.name = pv->b_name;
                veth.peer.netns_fd = host_fd;
                veth.peer.mtu = pv->mtu;
            }
            rtnl_link_add_veth(batch, &veth);
            rtnl_batch_describe(batch, "create veth %s -- %s%s%s",
                                pv->a->name,
                                pv->b ? pv->b->node->name : "host ",
                                pv->b ? "." : "", pv->b_name);
            if (veth.end.ifindex) {
                bring_up_iface(batch, veth.end.ifindex, pv->a);
            }
        }
        error = (rtnl_batch_count(batch)
                 ? rtnl_sock_run(d->socks[i], batch) : NULL);
        error_list_add(&errors, error);
    }
    close(host_fd);

    if (!errors.length) {
        rtnl_batch_clear(batch);
        rtnl_batch_set_context(batch, "lab %s", plan->lab);
        for (size_t i = 0; i < plan->n_veths; i++) {
            const struct plan_veth *pv = &plan->veths[i];

            if (pv->kind != PLAN_VETH_PEER) {
                char *mark = owner_link_mark(plan->lab, pv->a->node->name,
                                             pv->a->name);
                unsigned int flags = IFF_UP | switch_port_flags(pv);

                owner_mark_link(batch, 0, pv->b_name, mark);
                if (mtu_allows_ipv6(pv->mtu)) {
                    rtnl_link_set_ipv6_link_local(batch, 0, pv->b_name,
                                                  false);
                }
                rtnl_link_set_flags(batch, 0, pv->b_name, flags, flags);
                free(mark);
            }
        }
        error = (rtnl_batch_count(batch)
                 ? rtnl_sock_run(d->host_sock, batch) : NULL);
        error_list_add(&errors, error);
    }
    rtnl_batch_destroy(batch);
    /* The host ends exist: OVS may take them as ports now. */
    release_switch_ports(d, errors.length != 0);
    return error_list_finish(&errors);
}

static void
add_addrs(struct rtnl_batch *batch, int ifindex, const char *ifname,
          const struct scenario_addr *addrs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rtnl_addr_add(batch, ifindex, &addrs[i].ip, addrs[i].plen);
        rtnl_batch_describe(batch, "add address %s to %s", addrs[i].text,
                            ifname);
    }
}

static void
add_routes(struct rtnl_batch *batch, const struct scenario_node *node,
           const struct simap *ifindexes)
{
    for (size_t i = 0; i < node->n_routes; i++) {
        const struct scenario_route *sr = &node->routes[i];
        struct rtnl_route route = {
            .dst = sr->dst.ip,
            .plen = sr->dst.plen,
            .gw = sr->has_via ? sr->via.ip : in6addr_any,
            .oif = sr->dev ? iface_ifindex(sr->dev, ifindexes) : 0,
        };

        rtnl_route_add(batch, &route);
        rtnl_batch_describe(batch, "add route %s%s%s%s%s (line %d)",
                            sr->dst.text,
                            sr->has_via ? " via " : "",
                            sr->has_via ? sr->via.text : "",
                            sr->dev ? " dev " : "",
                            sr->dev ? sr->dev->name : "", sr->loc.line);
    }
}

static bool
host_ipv4_forwarding(void)
{
    char *text;
    bool forwarding;

    if (file_read_string("/proc/sys/net/ipv4/ip_forward", &text)) {
        return true;            /* Unknown: be explicit in every node. */
    }
    forwarding = text[0] != '0';
    free(text);
    return forwarding;
}

/* Inside each namespace: interfaces not brought up by create_veths() up,
 * addresses, routes (one batch),
 * TX checksum offload off where a port of OVS's userspace datapath is on
 * the other end, and forwarding for routers. */
static char *
configure_namespaces(struct deploy *d, size_t *n)
{
    const struct scenario *s = d->scenario;
    struct rtnl_batch *batch = rtnl_batch_create();
    struct ds errors = DS_EMPTY_INITIALIZER;
    /* A new namespace inherits the host's IPv4 forwarding setting; a node
     * that is not a router must not forward, or VLAN isolation would
     * depend on how the host happens to be configured. */
    bool host_forwards = host_ipv4_forwarding();

    *n = s->n_nodes;
    for (size_t i = 0; i < s->n_nodes; i++) {
        const struct scenario_node *node = &s->nodes[i];
        struct simap ifindexes = SIMAP_INITIALIZER(&ifindexes);
        char *error;

        for (size_t j = 0; j < node->n_ifaces; j++) {
            if (!iface_has_fixed_ifindex(&node->ifaces[j])) {
                rtnl_link_list(d->socks[i], &ifindexes);
                break;
            }
        }
        rtnl_batch_clear(batch);
        rtnl_batch_set_context(batch, "node %s", node->name);
        for (size_t j = 0; j < node->n_ifaces; j++) {
            const struct scenario_iface *iface = &node->ifaces[j];
            int ifindex = iface_ifindex(iface, &ifindexes);

            if (!iface_has_fixed_ifindex(iface)) {
                bring_up_iface(batch, ifindex, iface);
            }
            add_addrs(batch, ifindex, iface->name, iface->addrs,
                      iface->n_addrs);
        }
        add_routes(batch, node, &ifindexes);
        simap_destroy(&ifindexes);
        error = rtnl_batch_count(batch)
                ? rtnl_sock_run(d->socks[i], batch) : NULL;
        if (error) {
            error_list_add(&errors, error);
            continue;
        }

        for (size_t j = 0; j < node->n_ifaces; j++) {
            const struct scenario_iface *iface = &node->ifaces[j];

            /* The userspace datapath does not complete checksums that a
             * veth left to "hardware": TCP and UDP (DHCP) would be dropped
             * while ping works. */
            if (iface->link == SCENARIO_LINK_SWITCH) {
                int err = ethtool_set_tx_csum(rtnl_sock_fd(d->socks[i]),
                                              iface->name, false);
                if (err) {
                    ds_put_format(&errors, "node %s: cannot turn off TX "
                                  "checksum offload on %s: %s\n",
                                  node->name, iface->name, ovs_strerror(err));
                }
            }
        }
        if (node->forwarding || host_forwards) {
            const char *value = node->forwarding ? "1" : "0";
            int err = netns_sysctl_set(d->netns_fds[i], "net.ipv4.ip_forward",
                                       value);
            if (!err && node->forwarding) {
                err = netns_sysctl_set(d->netns_fds[i],
                                       "net.ipv6.conf.all.forwarding", "1");
            }
            if (err) {
                ds_put_format(&errors, "node %s: cannot set forwarding: "
                              "%s\n", node->name, ovs_strerror(err));
            }
        }
    }
    rtnl_batch_destroy(batch);
    return error_list_finish(&errors);
}

/* What the lab needs in OVS, for switchdb. */
static void
build_switchdb_lab(const struct plan *plan, struct switchdb_lab *lab)
{
    switchdb_lab_init(lab, plan->lab);
    for (size_t i = 0; i < plan->n_bridges; i++) {
        const struct plan_bridge *pb = &plan->bridges[i];

        switchdb_lab_add_bridge(lab, pb->name, pb->datapath_type,
                                pb->sw->name);
    }
    for (size_t i = 0; i < plan->n_veths; i++) {
        const struct plan_veth *pv = &plan->veths[i];
        struct switchdb_port *port;

        if (pv->kind != PLAN_VETH_SWITCH) {
            continue;
        }
        port = switchdb_lab_add_port(lab, plan->bridges[pv->bridge].name,
                                     pv->b_name, "", pv->a->node->name,
                                     pv->a->name);
        if (pv->a->vlan) {
            port->tag = pv->a->vlan;
        } else if (pv->a->n_trunks) {
            switchdb_port_set_trunks(port, pv->a->trunks, pv->a->n_trunks);
        }
    }
    for (size_t i = 0; i < plan->n_gateways; i++) {
        const struct plan_gateway *pg = &plan->gateways[i];
        struct switchdb_port *port;

        if (!pg->gw->vlan) {
            continue;           /* The bridge's own internal port. */
        }
        port = switchdb_lab_add_port(lab, plan->bridges[pg->bridge].name,
                                     pg->port_name, "internal", NULL, NULL);
        port->tag = pg->gw->vlan;
    }
}

/* Switches.
 *
 * Most of the time "up" of a large lab takes is ovs-vswitchd's: starting
 * the private OVS (about 0.2 s) and adding the ports (0.9-1.3 s for
 * 1000).  ovs-lab is meanwhile idle, so a worker thread does the OVS side
 * in parallel with the kernel work: it connects to (or starts) the OVS
 * while the namespaces and veths are created, and adds the bridges and
 * ports, which need only the host ends of the veths, while the main thread
 * configures the namespaces.  The "switches" phase then only waits for the
 * worker to finish.
 *
 * The worker uses only its own IDL connection and no other state of the
 * deploy; the main thread touches 'd->db' and 'd->private' only after
 * joining it. */
struct switch_worker {
    pthread_t thread;
    struct deploy *d;
    struct switchdb_lab lab;
    struct latch ports_go;      /* Set when the ports may be added... */
    atomic_bool abort;          /* ...or when they must not be after all. */
    char *error;                /* The worker's result, after joining. */
};

static void *
switch_worker_main(void *w_)
{
    struct switch_worker *w = w_;
    struct deploy *d = w->d;
    char *error;

    error = lab_connect_ovs(lab_ovsdb_remote_option(d->options), true,
                            &d->db, &d->private);
    if (!error) {
        error = switchdb_apply_bridges(d->db, &w->lab);
    }
    while (!error && !latch_is_set(&w->ports_go)) {
        latch_wait(&w->ports_go);
        poll_block();
    }

    bool abort;
    atomic_read(&w->abort, &abort);
    if (!error) {
        error = (abort ? xstrdup("the ports were not added: the deploy "
                                 "stopped before")
                 : switchdb_apply_ports(d->db, &w->lab));
    }
    w->error = error;
    return NULL;
}

/* Starts the worker, if the lab has switches. */
static char *
start_switches(struct deploy *d, size_t *n)
{
    struct switch_worker *w;

    *n = 0;                     /* No progress line of its own. */
    if (!d->plan->n_bridges) {
        return NULL;
    }
    w = d->switches = xzalloc(sizeof *w);
    w->d = d;
    build_switchdb_lab(d->plan, &w->lab);
    latch_init(&w->ports_go);
    atomic_init(&w->abort, false);
    /* Interrupt signals are blocked (lab_defer_interrupts()), and the new
     * thread inherits that, so they stay the main thread's business. */
    w->thread = ovs_thread_create("switches", switch_worker_main, w);
    return NULL;
}

/* Lets the worker add the ports, or tells it not to if 'abort'.  Only
 * the first call counts. */
static void
release_switch_ports(struct deploy *d, bool abort)
{
    struct switch_worker *w = d->switches;

    if (w && !latch_is_set(&w->ports_go)) {
        atomic_store(&w->abort, abort);
        latch_set(&w->ports_go);
    }
}

/* Waits for the worker to finish and returns its result. */
static char *
join_switch_worker(struct deploy *d)
{
    struct switch_worker *w = d->switches;
    char *error;

    if (!w) {
        return NULL;
    }
    release_switch_ports(d, true);  /* If the veths never got done. */
    xpthread_join(w->thread, NULL);
    error = w->error;
    switchdb_lab_destroy(&w->lab);
    latch_destroy(&w->ports_go);
    free(w);
    d->switches = NULL;
    return error;
}

static char *
finish_switches(struct deploy *d, size_t *n)
{
    *n = d->plan->n_bridges;
    return join_switch_worker(d);
}

/* Host addresses on the switches' internal ports, which ovs-vswitchd has
 * created by now. */
static char *
configure_gateways(struct deploy *d, size_t *n)
{
    const struct plan *plan = d->plan;
    struct rtnl_batch *batch = rtnl_batch_create();
    char *error = NULL;

    *n = plan->n_gateways;
    rtnl_batch_set_context(batch, "lab %s", plan->lab);
    for (size_t i = 0; i < plan->n_gateways; i++) {
        const struct plan_gateway *pg = &plan->gateways[i];
        int ifindex = if_nametoindex(pg->port_name);

        if (!ifindex) {
            error = xasprintf("switch %s: ovs-vswitchd did not create the "
                              "host interface %s for its gateway",
                              pg->gw->sw->name, pg->port_name);
            break;
        }
        rtnl_link_set_up(batch, ifindex, pg->port_name, true);
        add_addrs(batch, ifindex, pg->port_name, pg->gw->addrs,
                  pg->gw->n_addrs);
    }
    for (size_t i = 0; i < plan->n_veths && !error; i++) {
        const struct plan_veth *pv = &plan->veths[i];

        if (pv->kind == PLAN_VETH_HOST) {
            int ifindex = if_nametoindex(pv->b_name);

            add_addrs(batch, ifindex, pv->b_name, pv->a->host_addrs,
                      pv->a->n_host_addrs);
        }
    }
    if (!error && rtnl_batch_count(batch)) {
        error = rtnl_sock_run(d->host_sock, batch);
    }
    rtnl_batch_destroy(batch);
    return error;
}

static bool
scenario_has_dhcp_clients(const struct scenario *s)
{
    for (size_t i = 0; i < s->n_nodes; i++) {
        for (size_t j = 0; j < s->nodes[i].n_ifaces; j++) {
            if (s->nodes[i].ifaces[j].dhcp) {
                return true;
            }
        }
    }
    return false;
}

/* Starts dnsmasq in every node with a DHCP server and waits until each is
 * ready. */
static char *
start_dhcp_servers(struct deploy *d, size_t *n)
{
    struct dhcp_servers *servers = NULL;
    char *dir = state_dir(d->plan->lab);
    char *error = dhcp_servers_start(d->scenario, d->plan, dir, &servers);

    *n = servers ? servers->n : 0;
    dhcp_servers_destroy(servers);
    free(dir);
    return error;
}

/* Runs every DHCP client of the lab and records their leases.  The deploy
 * fails if an interface that a server of the lab serves got none, unless
 * a dhcp check expects that (see dhcp_client_expects_lease()). */
static char *
run_dhcp_clients(struct deploy *d, size_t *n)
{
    char *dir, *path;
    const struct lease *lease;
    char *error;

    *n = 0;
    if (!scenario_has_dhcp_clients(d->scenario)) {
        return NULL;
    }
    /* A descriptor (pidfd) for each running client, on top of the
     * namespaces' two. */
    raise_fd_limit(3 * d->plan->n_netns);
    dir = state_dir(d->plan->lab);
    error = dhcp_clients_run(d->scenario, d->plan, dir,
                             d->scenario->settings.timeout * 1000,
                             lab_interrupted, &d->leases);
    if (!error) {
        HMAP_FOR_EACH (lease, hmap_node, &d->leases.leases) {
            *n += lease->obtained;
        }
        path = xasprintf("%s/%s", dir, LEASE_FILE_NAME);
        error = lease_table_save(&d->leases, path);
        free(path);
    }
    if (!error) {
        error = dhcp_clients_check_leases(d->scenario, d->plan, dir,
                                          &d->leases);
    }
    free(dir);
    return error;
}

static char *
apply_nat(struct deploy *d, size_t *n)
{
    const struct scenario_host *host = &d->scenario->host;

    if (!nat_needed(d->scenario)) {
        return NULL;
    }
    *n = host->n_nats + host->n_forwards;
    return nat_apply(d->scenario, d->plan);
}

/* /etc/hosts for "hosts: auto": every node's static addresses, under the
 * node's name and NODE.IFACE. */
static char *
generate_hosts(const struct scenario *s)
{
    struct ds hosts = DS_EMPTY_INITIALIZER;

    ds_put_format(&hosts, "# generated by ovs-lab for lab %s\n"
                  "127.0.0.1\tlocalhost\n::1\tlocalhost\n", s->name);
    for (size_t i = 0; i < s->n_nodes; i++) {
        const struct scenario_node *node = &s->nodes[i];

        for (size_t j = 0; j < node->n_ifaces; j++) {
            const struct scenario_iface *iface = &node->ifaces[j];

            for (size_t k = 0; k < iface->n_addrs; k++) {
                char *text = xstrdup(iface->addrs[k].text);

                *strchrnul(text, '/') = '\0';
                ds_put_format(&hosts, "%s\t%s %s.%s\n", text, node->name,
                              node->name, iface->name);
                free(text);
            }
        }
    }
    return ds_steal_cstr(&hosts);
}

static bool
node_has_file(const struct scenario_node *node, const char *name)
{
    for (size_t i = 0; i < node->n_files; i++) {
        if (!strcmp(node->files[i].name, name)) {
            return true;
        }
    }
    return false;
}

static char *
write_file(const char *dir, const char *name, const char *content)
{
    char *path = xasprintf("%s/%s", dir, name);
    int err = file_write_string(path, content);
    char *error = (err ? xasprintf("cannot write %s: %s", path,
                                   ovs_strerror(err))
                   : NULL);

    free(path);
    return error;
}

/* The files of /etc/netns/NETNS/, which "ip netns exec" and "ovs-lab exec"
 * bind-mount over /etc.  A node with files of its own also gets a
 * generated "hosts" unless it has one, so that the lab's names resolve in
 * it ("ping server"). */
static char *
write_files(struct deploy *d, size_t *n_files)
{
    const struct scenario *s = d->scenario;
    char *hosts = generate_hosts(s);
    char *error = NULL;

    *n_files = 0;
    for (size_t i = 0; i < s->n_nodes && !error; i++) {
        const struct scenario_node *node = &s->nodes[i];
        char *dir;

        if (!node->n_files) {
            continue;
        }
        dir = xasprintf("%s/%s", NETNS_ETC_DIR, d->plan->netns[i].name);
        if ((mkdir(NETNS_ETC_DIR, 0755) && errno != EEXIST)
            || mkdir(dir, 0755)) {
            error = xasprintf("cannot create %s: %s", dir,
                              ovs_strerror(errno));
        }
        for (size_t j = 0; j < node->n_files && !error; j++) {
            const struct scenario_file *file = &node->files[j];

            error = write_file(dir, file->name, (file->generate_hosts
                                                 ? hosts : file->content));
            *n_files += !error;
        }
        if (!error && !node_has_file(node, "hosts")) {
            error = write_file(dir, "hosts", hosts);
            *n_files += !error;
        }
        free(dir);
    }
    free(hosts);
    return error;
}

/* Returns true if a TCP connection to 'ip' port 'port' succeeds from inside
 * the namespace of 'netns_fd'.  Only the namespace's own addresses are
 * tried, so connect() answers at once. */
static bool
tcp_connects_in(int netns_fd, ovs_be32 ip, int port)
{
    struct sockaddr_in sin = {
        .sin_family = AF_INET,
        .sin_port = htons(port),
        .sin_addr.s_addr = ip,
    };
    bool connected;
    int saved, fd;

    if (netns_enter(netns_fd, &saved)) {
        return false;
    }
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    netns_leave(saved);
    if (fd < 0) {
        return false;
    }
    connected = !connect(fd, (struct sockaddr *) &sin, sizeof sin);
    close(fd);
    return connected;
}

/* Tries to connect to TCP 'port' from inside the namespace of 'netns_fd', at
 * the loopback address and at each of 'node''s static IPv4 addresses
 * (a server may listen on one address only).  Returns true once one
 * connection succeeds. */
static bool
port_is_listening(int netns_fd, const struct scenario_node *node, int port)
{
    if (tcp_connects_in(netns_fd, htonl(INADDR_LOOPBACK), port)) {
        return true;
    }
    for (size_t i = 0; i < node->n_ifaces; i++) {
        const struct scenario_addr *addr
            = scenario_iface_ipv4(&node->ifaces[i]);

        if (addr
            && tcp_connects_in(netns_fd, scenario_addr_ipv4(addr), port)) {
            return true;
        }
    }
    return false;
}

/* A started command that "up" waits for. */
struct started {
    size_t node;                /* Index into scenario->nodes. */
    const struct scenario_start *start;
    size_t number;              /* 1-based, within the node. */
    pid_t pid;
    bool waiting;               /* Its "wait-port" does not listen yet. */
};

static char *
start_log_path(const char *dir, const struct scenario_node *node,
               size_t number)
{
    return xasprintf("%s/%s-start%"PRIuSIZE".log", dir, node->name, number);
}

/* Waits until every command in 'started' with a "wait-port" listens on it,
 * all at once, so that slow starters do not add up. */
static char *
wait_for_ports(struct deploy *d, const char *dir, struct started *started,
               size_t n)
{
    long long int deadline = time_msec() + START_WAIT_MS;
    size_t n_waiting = 0;

    for (size_t i = 0; i < n; i++) {
        n_waiting += started[i].waiting;
    }
    while (n_waiting) {
        if (lab_interrupted()) {
            return xstrdup("interrupted");
        }
        for (size_t i = 0; i < n; i++) {
            struct started *st = &started[i];
            const struct scenario_node *node = &d->scenario->nodes[st->node];
            int status;

            if (!st->waiting) {
                continue;
            }
            if (port_is_listening(d->netns_fds[st->node], node,
                                  st->start->wait_port)) {
                st->waiting = false;
                n_waiting--;
                continue;
            }
            bool exited = waitpid(st->pid, &status, WNOHANG) == st->pid;
            if (exited || time_msec() > deadline) {
                /* The log goes with the rollback: show its end here. */
                char *log = start_log_path(dir, node, st->number);
                char *tail = file_format_tail(log, START_LOG_TAIL_LINES);
                char *why;
                if (exited) {
                    char *msg = process_status_msg(status);
                    why = xasprintf("exited before listening on port %d "
                                    "(%s)", st->start->wait_port, msg);
                    free(msg);
                } else {
                    why = xasprintf("did not listen on port %d within %d s",
                                    st->start->wait_port,
                                    START_WAIT_MS / 1000);
                }
                char *error = xasprintf("node %s: \"%s\" (line %d) %s; the "
                                        "end of its output:\n%s",
                                        node->name, st->start->command,
                                        st->start->loc.line, why, tail);
                free(why);
                free(tail);
                free(log);
                return error;
            }
        }
        if (n_waiting) {
            xnanosleep(20 * 1000 * 1000);
        }
    }
    return NULL;
}

/* Starts the scenario's commands in their nodes, detached, with output in
 * the lab's state directory, then waits for those with a "wait-port". */
static char *
start_commands(struct deploy *d, size_t *n_started)
{
    const struct scenario *s = d->scenario;
    char *dir = state_dir(d->plan->lab);
    struct started *started = NULL;
    size_t n = 0, allocated = 0;
    char *error = NULL;

    for (size_t i = 0; i < s->n_nodes && !error; i++) {
        const struct scenario_node *node = &s->nodes[i];

        for (size_t j = 0; j < node->n_starts && !error; j++) {
            const struct scenario_start *start = &node->starts[j];
            char *log = start_log_path(dir, node, j + 1);
            struct netns_spawn_options opts = {
                .stdout_path = log,
                .stderr_path = log,
                .cwd = "/",
                .detach = true,
            };
            char *argv[] = { "/bin/sh", "-c", start->command, NULL };
            pid_t pid;

            error = netns_spawn(d->plan->netns[i].name, argv, &opts, &pid);
            free(log);
            if (!error) {
                if (n >= allocated) {
                    started = x2nrealloc(started, &allocated,
                                         sizeof *started);
                }
                started[n++] = (struct started) {
                    .node = i,
                    .start = start,
                    .number = j + 1,
                    .pid = pid,
                    .waiting = start->wait_port != 0,
                };
            }
        }
    }
    if (!error) {
        error = wait_for_ports(d, dir, started, n);
    }
    *n_started = n;
    free(started);
    free(dir);
    return error;
}

/* The phases of a deploy, in order.  Each creates or configures one kind
 * of object and says how many; a phase that had nothing to do reports 0
 * and prints no progress line. */
static const struct deploy_phase {
    const char *name;
    const char *unit;
    char *(*run)(struct deploy *, size_t *count);
} deploy_phases[] = {
    { "switches", "started", start_switches },    /* Prints nothing. */
    { "namespaces", "created", create_namespaces },
    { "veths", "created", create_veths },
    { "addresses", "nodes", configure_namespaces },
    { "switches", "bridges", finish_switches },
    { "gateways", "ports", configure_gateways },
    { "nat", "rules", apply_nat },
    { "dhcp servers", "ready", start_dhcp_servers },
    { "dhcp leases", "obtained", run_dhcp_clients },
    { "files", "written", write_files },
    { "commands", "started", start_commands },
};

static char *
deploy_run(struct deploy *d)
{
    char *error = NULL;

    for (size_t i = 0; i < ARRAY_SIZE(deploy_phases) && !error; i++) {
        const struct deploy_phase *phase = &deploy_phases[i];
        size_t n = 0;

        /* Ctrl-C: stop before the next phase; the caller rolls back. */
        if (lab_interrupted()) {
            error = xstrdup("interrupted");
        } else {
            error = phase->run(d, &n);
        }
        if (!error && n) {
            progress_phase_done(&d->progress, phase->name, n, phase->unit);
        }
    }
    /* ...also during the last phase: the command exits as interrupted,
     * which must not leave a lab up. */
    if (!error && lab_interrupted()) {
        error = xstrdup("interrupted");
    }
    if (error) {
        /* The first error is the one to report; the switch worker's, if
         * any, is most likely a consequence of it. */
        free(join_switch_worker(d));
    }
    return error;
}

static void
deploy_close(struct deploy *d)
{
    for (size_t i = 0; i < d->plan->n_netns; i++) {
        rtnl_sock_close(d->socks[i]);
        if (d->netns_fds[i] >= 0) {
            close(d->netns_fds[i]);
        }
    }
    free(d->socks);
    free(d->netns_fds);
    rtnl_sock_close(d->host_sock);
}

/* Reads the scenario at 'path' as the text to record, and its absolute
 * path. */
static char *
read_scenario(const char *path, char **textp, char **abs_pathp)
{
    int err = file_read_string(path, textp);

    if (err) {
        return xasprintf("%s: cannot read: %s", path, ovs_strerror(err));
    }
    *abs_pathp = realpath(path, NULL);
    if (!*abs_pathp) {
        *abs_pathp = xstrdup(path);
    }
    return NULL;
}

char *
lab_deploy(const char *path, const struct lab_options *options,
           struct lab_record *record)
{
    struct plan_options plan_options;
    struct state_lock *lock = NULL;
    struct lab_state state;
    struct scenario *scenario;
    struct plan *plan = NULL;
    struct deploy d;
    char *text = NULL;
    char *error;
    const char *remote;

    memset(&state, 0, sizeof state);
    error = lab_check_privileges("ovs-lab up");
    if (error) {
        return error;
    }
    error = scenario_load_file(path, &scenario);
    if (!error && options->name) {
        error = scenario_set_name(scenario, options->name);
    }
    if (error) {
        return error;
    }

    /* ovs-lab's private OVS only has the userspace datapath; an existing
     * OVS has the kernel one if its module is loaded. */
    remote = lab_ovsdb_remote_option(options);
    plan_options.auto_datapath
        = (remote && private_ovs_kernel_datapath_available()
           ? "system" : "netdev");
    error = plan_build(scenario, &plan_options, &plan);
    if (error) {
        goto out;
    }

    /* Held until the deploy or its rollback is over (see state.h). */
    error = state_lock_lab(plan->lab, "up", &lock);
    if (error) {
        goto out;
    }

    memset(&d, 0, sizeof d);
    d.scenario = scenario;
    d.plan = plan;
    d.options = options;
    lease_table_init(&d.leases);
    error = preflight(&d);
    if (error) {
        char *e = xasprintf("lab %s cannot be deployed; nothing was "
                            "changed:\n%s", plan->lab, error);

        free(error);
        error = e;
        goto out;
    }

    error = read_scenario(path, &text, &state.scenario_path);
    if (error) {
        goto out;
    }
    state.lab = xstrdup(plan->lab);
    state.ovsdb = xstrdup(remote ? remote
                          : "unix:" PRIVATE_OVS_DEFAULT_DIR "/db.sock");
    state.private_ovs = !remote;
    state.created = time_wall_msec();
    error = state_create(&state, text);
    if (error) {
        goto out;
    }

    raise_fd_limit(2 * plan->n_netns);
    d.netns_fds = xmalloc(MAX(1, plan->n_netns) * sizeof *d.netns_fds);
    d.socks = xcalloc(MAX(1, plan->n_netns), sizeof *d.socks);
    for (size_t i = 0; i < plan->n_netns; i++) {
        d.netns_fds[i] = -1;
    }
    progress_init(&d.progress, options->quiet);
    {
        int err = rtnl_sock_open(-1, &d.host_sock);

        error = (err ? xasprintf("cannot open an rtnetlink socket: %s",
                                 ovs_strerror(err))
                 : deploy_run(&d));
    }
    deploy_close(&d);
    lease_table_destroy(&d.leases);

    if (error) {
        char *teardown_error;
        bool found;

        teardown_error = lab_teardown(plan->lab, plan, d.db, &d.progress,
                                      &found);
        if (teardown_error) {
            char *e = xasprintf("lab %s: deploy failed:\n%s\nand rolling "
                                "back failed too:\n%s\n(\"ovs-lab down %s\" "
                                "tries again)", plan->lab, error,
                                teardown_error, plan->lab);

            free(error);
            free(teardown_error);
            error = e;
        } else {
            char *e = xasprintf("lab %s: deploy failed, everything it had "
                                "created was removed:\n%s", plan->lab, error);

            free(error);
            error = e;
            state_remove(plan->lab);
        }
    } else {
        progress_total(&d.progress, "lab %s is up: %"PRIuSIZE" node%s, "
                       "%"PRIuSIZE" link%s, %"PRIuSIZE" switch%s",
                       plan->lab, plan->n_netns,
                       plan->n_netns == 1 ? "" : "s", plan->n_veths,
                       plan->n_veths == 1 ? "" : "s", plan->n_bridges,
                       plan->n_bridges == 1 ? "" : "es");
    }
    switchdb_close(d.db);
    if (d.private) {
        if (error) {
            lab_release_private_ovs(d.private, &d.progress);
        } else {
            private_ovs_release(d.private);
        }
    }

out:
    state_unlock_lab(lock);
    if (!error && record) {
        /* Hand the lab over to the caller. */
        record->state = state;
        record->scenario = scenario;
        record->plan = plan;
        free(text);
        return NULL;
    }
    lab_state_destroy(&state);
    free(text);
    plan_destroy(plan);
    scenario_destroy(scenario);
    return error;
}

char *
lab_up(const char *path, const struct lab_options *options)
{
    return lab_deploy(path, options, NULL);
}
