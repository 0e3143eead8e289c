/*
 * System test of DHCP (needs root, no OVS): real dnsmasq servers and real
 * udhcpc and dhclient clients in namespaces joined by direct veth pairs.
 *
 * Each lab is a scenario loaded from YAML text and planned; the test
 * builds its namespaces, veths and static addresses itself with the
 * kernel layer (netns.h, netlink-*.h), then runs the DHCP code under test
 * on it.  Outcomes are checked from outside: iproute2 for addresses,
 * routes and processes, dnsmasq's own lease file, ping between the
 * namespaces, /proc.
 *
 * Namespaces are named "dt<pid in hex>[ghs]-NODE"; whatever carries the
 * run's prefix is removed at exit, on failure and on fatal signals too.
 * Traffic only goes between the namespaces the test creates.
 *
 * OVS_LAB_DHCP_SCALE=N sets how many clients the scale test leases at once
 * (default 100); it prints how long that took.
 */

#include <config.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <CUnit/Basic.h>

#include "dhcp-client.h"
#include "dhcp-server.h"
#include "file-util.h"
#include "lease.h"
#include "netlink-addr.h"
#include "netlink-link.h"
#include "netlink-route.h"
#include "netlink-rtnl.h"
#include "netns.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "plan.h"
#include "scenario.h"
#include "simap.h"
#include "sset.h"
#include "tests/cunit-util.h"
#include "timeval.h"
#include "util.h"

/* Lab name suffixes, after "dt<pid in hex>": not hex digits, so that one
 * run's prefix never matches another's. */
#define LAB_UDHCPC 'g'
#define LAB_DHCLIENT 'h'
#define LAB_SCALE 's'

#define CLIENT_TIMEOUT_MS 3000

static char prefix[16];         /* "dt<pid in hex>" */
static char tmp_dir[PATH_MAX];

/* A lab under test: the scenario, its plan, its state directory. */
struct test_lab {
    struct scenario *s;
    struct plan *plan;
    char *dir;
};

/* The udhcpc lab, shared by the tests that use it in order. */
static struct test_lab udhcpc_lab;
static struct dhcp_servers *udhcpc_servers;

/* Asserts that 'haystack' (the output of 'what') contains 'needle', or
 * lacks it if 'present' is false, and shows it if not. */
static void
assert_contains(const char *what, const char *haystack, const char *needle,
                bool present)
{
    bool found = strstr(haystack, needle) != NULL;

    if (found != present) {
        printf("\n  %s %s \"%s\":\n%s\n", what, present ? "lacks" : "shows",
               needle, haystack);
    }
    CU_ASSERT(found == present);
}

/* Asserts that the output of shell command 'format' contains 'needle', or
 * lacks it if 'present' is false. */
static void OVS_PRINTF_FORMAT(3, 4)
assert_output(const char *needle, bool present, const char *format, ...)
{
    struct ds cmd = DS_EMPTY_INITIALIZER;
    va_list args;
    char *out;

    va_start(args, format);
    ds_put_format_valist(&cmd, format, args);
    va_end(args);
    out = test_shell(NULL, "%s", ds_cstr(&cmd));
    assert_contains(ds_cstr(&cmd), out, needle, present);
    free(out);
    ds_destroy(&cmd);
}

static bool
is_ours(const char *name)
{
    size_t len = strlen(prefix);

    return (!strncmp(name, prefix, len) && name[len]
            && strchr("ghs", name[len]) && name[len + 1] == '-');
}

/* Removes everything of this run whose name starts with 'prefix' followed
 * by 'lab' (any of ours if 'lab' is 0): kills its processes, deletes its
 * namespaces (and with them the veths).  Makes no assertions. */
static void
remove_labs(char lab)
{
    struct sset names = SSET_INITIALIZER(&names);
    size_t len = strlen(prefix);
    const char *name;

    netns_list(&names);
    SSET_FOR_EACH_SAFE (name, &names) {
        if (!is_ours(name) || (lab && name[len] != lab)) {
            sset_delete(&names, SSET_NODE_FROM_NAME(name));
        }
    }
    netns_kill_all_set(&names, 500);
    SSET_FOR_EACH (name, &names) {
        netns_delete(name);
    }
    sset_destroy(&names);
    /* Reap what was ours among the killed. */
    while (waitpid(-1, NULL, WNOHANG) > 0) {
        continue;
    }
}

/* Removes everything this run made.  Safe to call at any point, several
 * times, and from a signal handler. */
static void
cleanup(void)
{
    static bool cleaning;

    if (!prefix[0] || cleaning) {
        return;
    }
    cleaning = true;
    remove_labs(0);
    if (tmp_dir[0]) {
        char *cmd = xasprintf("rm -rf '%s'", tmp_dir);
        ignore(system(cmd));
        free(cmd);
    }
    cleaning = false;
}

/* Loads 'yaml' under lab name 'name' (replacing its "lab:"), plans it,
 * and creates its state directory 'subdir' of the run's directory. */
static void
lab_load_named(struct test_lab *lab, const char *name, const char *subdir,
               const char *yaml)
{
    struct plan_options options = { .auto_datapath = "netdev" };
    char *error;

    memset(lab, 0, sizeof *lab);
    error = scenario_load_string(yaml, "test.yaml", &lab->s);
    if (error) {
        printf("\n%s", error);
    }
    CU_ASSERT_PTR_NULL_FATAL(error);
    error = scenario_set_name(lab->s, name);
    CU_ASSERT_PTR_NULL_FATAL(error);
    error = plan_build(lab->s, &options, &lab->plan);
    CU_ASSERT_PTR_NULL_FATAL(error);
    lab->dir = xasprintf("%s/%s", tmp_dir, subdir);
    CU_ASSERT_EQUAL_FATAL(mkdir(lab->dir, 0755), 0);
}

/* The same for this run's lab 'lab_char' (LAB_*). */
static void
lab_load(struct test_lab *lab, char lab_char, const char *yaml)
{
    char *name = xasprintf("%s%c", prefix, lab_char);
    char subdir[2] = { lab_char, '\0' };

    lab_load_named(lab, name, subdir, yaml);
    free(name);
}

static void
lab_destroy(struct test_lab *lab)
{
    plan_destroy(lab->plan);
    scenario_destroy(lab->s);
    free(lab->dir);
    memset(lab, 0, sizeof *lab);
}

/* Builds 'lab''s namespaces, its veths (direct pairs only: no OVS here),
 * static addresses, everything up: what "ovs-lab up" does before DHCP. */
static void
lab_build(const struct test_lab *lab)
{
    const struct plan *plan = lab->plan;
    struct rtnl_batch *b = rtnl_batch_create();
    int *fds = xmalloc(plan->n_netns * sizeof *fds);
    struct rtnl_sock *sock;

    for (size_t i = 0; i < plan->n_netns; i++) {
        CU_ASSERT_EQUAL_FATAL(netns_add(plan->netns[i].name), 0);
        CU_ASSERT_EQUAL_FATAL(netns_open(plan->netns[i].name, &fds[i]), 0);
    }

    /* All veths from the host, each end created in its namespace. */
    CU_ASSERT_EQUAL_FATAL(rtnl_sock_open(-1, &sock), 0);
    for (size_t i = 0; i < plan->n_veths; i++) {
        const struct plan_veth *pv = &plan->veths[i];
        struct rtnl_veth veth;

        CU_ASSERT_EQUAL_FATAL(pv->kind, PLAN_VETH_PEER);
        rtnl_veth_init(&veth);
        veth.end.name = pv->a->name;
        veth.end.netns_fd = fds[pv->a_netns];
        veth.end.mac = pv->a_mac;
        veth.peer.name = pv->b->name;
        veth.peer.netns_fd = fds[pv->b_netns];
        veth.peer.mac = pv->b_mac;
        rtnl_link_add_veth(b, &veth);
    }
    test_run_batch(sock, b);
    rtnl_sock_close(sock);

    /* In each namespace: lo and the interfaces up, static addresses. */
    for (size_t i = 0; i < plan->n_netns; i++) {
        const struct scenario_node *node = plan->netns[i].node;
        struct simap ifindexes = SIMAP_INITIALIZER(&ifindexes);

        CU_ASSERT_EQUAL_FATAL(rtnl_sock_open(fds[i], &sock), 0);
        CU_ASSERT_EQUAL_FATAL(rtnl_link_list(sock, &ifindexes), 0);
        rtnl_batch_clear(b);
        rtnl_link_set_up(b, 1, "lo", true);
        for (size_t j = 0; j < node->n_ifaces; j++) {
            const struct scenario_iface *iface = &node->ifaces[j];
            int ifindex = simap_get(&ifindexes, iface->name);

            CU_ASSERT_FATAL(ifindex > 0);
            rtnl_link_set_up(b, ifindex, iface->name, true);
            for (size_t k = 0; k < iface->n_addrs; k++) {
                rtnl_addr_add(b, ifindex, &iface->addrs[k].ip,
                              iface->addrs[k].plen);
            }
        }
        for (size_t j = 0; j < node->n_routes; j++) {
            const struct scenario_route *sr = &node->routes[j];
            struct rtnl_route route = {
                .dst = sr->dst.ip,
                .plen = sr->dst.plen,
                .gw = sr->has_via ? sr->via.ip : in6addr_any,
                .oif = sr->dev ? simap_get(&ifindexes, sr->dev->name) : 0,
            };
            rtnl_route_add(b, &route);
        }
        test_run_batch(sock, b);
        rtnl_sock_close(sock);
        simap_destroy(&ifindexes);
        close(fds[i]);
    }
    rtnl_batch_destroy(b);
    free(fds);
}

static const struct scenario_iface *
find_iface(const struct test_lab *lab, const char *node, const char *iface)
{
    const struct scenario_node *n = scenario_find_node(lab->s, node);

    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(scenario_node_find_iface(n, iface));
    return scenario_node_find_iface(n, iface);
}

static const char *
netns_of(const struct test_lab *lab, const char *node)
{
    return plan_netns_of(lab->plan, scenario_find_node(lab->s, node))->name;
}

/* The MAC of NODE's interface, as iproute2 shows it. */
static char *
mac_of(const struct test_lab *lab, const char *node, const char *iface)
{
    char *out = test_shell(NULL, "ip -n %s -o link show dev %s",
                           netns_of(lab, node), iface);
    char *p = strstr(out, "link/ether ");
    char *mac;

    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    mac = xmemdup0(p + strlen("link/ether "), 17);
    free(out);
    return mac;
}

static char *
ip_text(const struct in6_addr *addr)
{
    return xasprintf(IP_FMT, IP_ARGS(in6_addr_get_mapped_ipv4(addr)));
}

/* Asserts that NODE.IFACE holds a lease that "ip" shows applied, with a
 * valid lifetime of forever, and that dnsmasq's lease file (from
 * 'server') records it for the interface's MAC.  Returns the address
 * (malloc'd). */
static char *
assert_leased(const struct test_lab *lab, const struct lease_table *leases,
              const struct dhcp_server *server, const char *node,
              const char *iface_name)
{
    const struct scenario_iface *iface = find_iface(lab, node, iface_name);
    const struct lease *lease = lease_table_find(leases, iface);
    char *addr, *out, *cidr, *mac, *leasefile, *line;

    CU_ASSERT_PTR_NOT_NULL_FATAL(lease);
    if (!lease->obtained) {
        printf("\n  %s.%s: no lease: %s\n", node, iface_name, lease->error);
    }
    CU_ASSERT_FATAL(lease->obtained);
    CU_ASSERT_PTR_NULL(lease->error);
    addr = ip_text(&lease->addr);

    out = test_shell(NULL, "ip -n %s -4 addr show dev %s", netns_of(lab, node),
                     iface_name);
    cidr = xasprintf("inet %s/%u ", addr, lease->plen);
    assert_contains("ip addr", out, cidr, true);
    assert_contains("ip addr", out, "valid_lft forever", true);
    free(cidr);
    free(out);

    mac = mac_of(lab, node, iface_name);
    CU_ASSERT_EQUAL_FATAL(file_read_string(server->lease_path, &leasefile),
                          0);
    line = xasprintf(" %s %s ", mac, addr);
    assert_contains(server->lease_path, leasefile, line, true);
    free(line);
    free(leasefile);
    free(mac);
    return addr;
}

/* Asserts that no process is left in NODE's namespace. */
static void
assert_no_process(const struct test_lab *lab, const char *node)
{
    char *cmd = xasprintf("ip netns pids %s | wc -l", netns_of(lab, node));
    char *out = test_shell(NULL, "%s", cmd);

    if (atoi(out)) {
        printf("\n  %s: %s", cmd, out);
    }
    CU_ASSERT_EQUAL(atoi(out), 0);
    free(out);
    free(cmd);
}

/* ---- udhcpc lab. ---- */

/* srv serves c1 (range, router) and c2 (fixed address, no router) through
 * two direct veths; c3 asks on a link where only c4, without server,
 * listens. */
static const char udhcpc_yaml[] =
    "lab: x\n"
    "nodes:\n"
    "  srv:\n"
    "    interfaces:\n"
    "      eth0: {peer: c1.eth0, address: 10.77.1.1/24}\n"
    "      eth1: {peer: c2.eth0, address: 10.77.2.1/24}\n"
    "    dhcp-server:\n"
    "      interfaces:\n"
    "        eth0:\n"
    "          range: [10.77.1.100, 10.77.1.150]\n"
    "          lease-time: 10m\n"
    "          router: 10.77.1.1\n"
    "        eth1:\n"
    "          range: [10.77.2.100, 10.77.2.150]\n"
    "          fixed: {c2: 10.77.2.42}\n"
    "  c1:\n"
    "    interfaces:\n"
    "      eth0: {dhcp: true}\n"
    "  c2:\n"
    "    interfaces:\n"
    "      eth0: {dhcp: true}\n"
    "  c3:\n"
    "    interfaces:\n"
    "      eth0: {peer: c4.eth0, dhcp: true}\n"
    "  c4:\n"
    "    interfaces:\n"
    "      eth0: {address: 10.77.3.4/24}\n";

static void
test_servers_start(void)
{
    struct test_lab *lab = &udhcpc_lab;
    const struct dhcp_server *server;
    char *error, *out, *comm_path, *comm;

    lab_load(lab, LAB_UDHCPC, udhcpc_yaml);
    error = dhcp_server_preflight(lab->s);
    CU_ASSERT_PTR_NULL(error);
    free(error);
    error = dhcp_client_preflight(lab->s);
    CU_ASSERT_PTR_NULL(error);
    free(error);

    lab_build(lab);
    error = dhcp_servers_start(lab->s, lab->plan, lab->dir, &udhcpc_servers);
    if (error) {
        printf("\n%s\n", error);
    }
    CU_ASSERT_PTR_NULL_FATAL(error);
    CU_ASSERT_EQUAL_FATAL(udhcpc_servers->n, 1);
    server = &udhcpc_servers->servers[0];
    CU_ASSERT_STRING_EQUAL(server->node->name, "srv");

    /* Outside view: dnsmasq itself, in srv's namespace, on port 67. */
    comm_path = xasprintf("/proc/%ld/comm", (long int) server->pid);
    CU_ASSERT_EQUAL(file_read_string(comm_path, &comm), 0);
    CU_ASSERT_STRING_EQUAL(comm, "dnsmasq\n");
    free(comm);
    free(comm_path);
    out = test_shell(NULL, "ip netns pids %s", netns_of(lab, "srv"));
    CU_ASSERT_EQUAL(atol(out), server->pid);
    free(out);
    out = test_shell(NULL, "ip netns exec %s ss -Hlunp 'sport = :67'",
                     netns_of(lab, "srv"));
    assert_contains("ss", out, "dnsmasq", true);
    free(out);
}

static void
test_udhcpc_leases(void)
{
    struct test_lab *lab = &udhcpc_lab;
    const struct dhcp_server *server;
    struct lease_table leases;
    const struct lease *lease;
    long long int start, elapsed;
    char *error, *addr, *out;
    ovs_be32 ip;

    CU_ASSERT_PTR_NOT_NULL_FATAL(udhcpc_servers);
    server = &udhcpc_servers->servers[0];
    lease_table_init(&leases);
    start = time_msec();
    error = dhcp_clients_run(lab->s, lab->plan, lab->dir, CLIENT_TIMEOUT_MS,
                             NULL, &leases);
    elapsed = time_msec() - start;
    if (error) {
        printf("\n%s\n", error);
    }
    CU_ASSERT_PTR_NULL(error);
    free(error);
    CU_ASSERT_EQUAL(hmap_count(&leases.leases), 3);
    /* Bounded by the timeout of the client that gets nothing. */
    CU_ASSERT(elapsed < CLIENT_TIMEOUT_MS + 1500);

    /* c1: from the range, with the router as default route. */
    addr = assert_leased(lab, &leases, server, "c1", "eth0");
    CU_ASSERT_FATAL(ip_parse(addr, &ip));
    CU_ASSERT(ntohl(ip) >= 0x0a4d0164 && ntohl(ip) <= 0x0a4d0196);
    free(addr);
    lease = lease_table_find(&leases, find_iface(lab, "c1", "eth0"));
    CU_ASSERT_EQUAL(lease->plen, 24);
    CU_ASSERT_EQUAL(lease->lease_time, 600);
    CU_ASSERT_EQUAL(in6_addr_get_mapped_ipv4(&lease->server),
                    htonl(0x0a4d0101));
    CU_ASSERT_EQUAL(in6_addr_get_mapped_ipv4(&lease->router),
                    htonl(0x0a4d0101));
    CU_ASSERT(lease->elapsed_ms < 2000);
    assert_output("default via 10.77.1.1 dev eth0", true,
                  "ip -n %s -4 route show default", netns_of(lab, "c1"));

    /* The address works: c1 reaches the server. */
    out = test_shell(NULL, "ip netns exec %s ping -c1 -W2 10.77.1.1",
                     netns_of(lab, "c1"));
    assert_contains("ping", out, " 0% packet loss", true);
    free(out);

    /* c2: its fixed address, no router sent, so no default route. */
    addr = assert_leased(lab, &leases, server, "c2", "eth0");
    CU_ASSERT_STRING_EQUAL(addr, "10.77.2.42");
    free(addr);
    lease = lease_table_find(&leases, find_iface(lab, "c2", "eth0"));
    CU_ASSERT(!ipv6_addr_is_set(&lease->router));
    CU_ASSERT_EQUAL(lease->lease_time, 3600);
    out = test_shell(NULL, "ip -n %s -4 route show default",
                     netns_of(lab, "c2"));
    CU_ASSERT_STRING_EQUAL(out, "");
    free(out);

    /* c3: no server on its link: no lease, a reason, no address. */
    lease = lease_table_find(&leases, find_iface(lab, "c3", "eth0"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(lease);
    CU_ASSERT(!lease->obtained);
    CU_ASSERT_PTR_NOT_NULL(lease->error);
    if (lease->error) {
        printf("\n  c3 (expected no lease): %s\n", lease->error);
        CU_ASSERT_PTR_NOT_NULL(strstr(lease->error, "no lease"));
    }
    CU_ASSERT(lease->elapsed_ms >= CLIENT_TIMEOUT_MS - 1000);
    CU_ASSERT(lease->elapsed_ms < CLIENT_TIMEOUT_MS + 1000);
    assert_output("inet ", false, "ip -n %s -4 addr show dev eth0",
                  netns_of(lab, "c3"));

    /* One-shot: no client is left running. */
    assert_no_process(lab, "c1");
    assert_no_process(lab, "c2");
    assert_no_process(lab, "c3");

    lease_table_destroy(&leases);
}

static void
test_servers_supervision(void)
{
    struct test_lab *lab = &udhcpc_lab;
    struct dhcp_servers *found;
    pid_t pid;
    char *error;

    CU_ASSERT_PTR_NOT_NULL_FATAL(udhcpc_servers);
    pid = udhcpc_servers->servers[0].pid;

    /* As "status" in another process would: from the pid file. */
    found = dhcp_servers_find(lab->s, lab->plan, lab->dir);
    CU_ASSERT_EQUAL_FATAL(found->n, 1);
    CU_ASSERT_EQUAL(found->servers[0].pid, pid);
    CU_ASSERT(!found->servers[0].is_child);
    error = dhcp_servers_check_alive(found);
    CU_ASSERT_PTR_NULL(error);
    free(error);
    error = dhcp_servers_check_alive(udhcpc_servers);
    CU_ASSERT_PTR_NULL(error);
    free(error);

    /* dnsmasq dies. */
    CU_ASSERT_EQUAL(kill(pid, SIGKILL), 0);
    xnanosleep(100 * 1000 * 1000);

    error = dhcp_servers_check_alive(found);
    CU_ASSERT_PTR_NOT_NULL(error);
    if (error) {
        printf("\n  seen from outside: %s", error);
        CU_ASSERT_PTR_NOT_NULL(strstr(error, "node srv: dnsmasq"));
        CU_ASSERT_PTR_NOT_NULL(strstr(error, "no longer running"));
    }
    free(error);
    dhcp_servers_destroy(found);

    error = dhcp_servers_check_alive(udhcpc_servers);
    CU_ASSERT_PTR_NOT_NULL(error);
    if (error) {
        printf("\n  seen by its parent: %s", error);
        CU_ASSERT_PTR_NOT_NULL(strstr(error, "node srv: dnsmasq"));
        CU_ASSERT_PTR_NOT_NULL(strstr(error, "ended: killed"));
    }
    free(error);

    /* Now nothing is found from the pid file either. */
    found = dhcp_servers_find(lab->s, lab->plan, lab->dir);
    CU_ASSERT_EQUAL(found->servers[0].pid, 0);
    error = dhcp_servers_check_alive(found);
    CU_ASSERT_PTR_NOT_NULL(error);
    free(error);
    dhcp_servers_destroy(found);
}

/* A dnsmasq that cannot start: its failure comes with its log. */
static void
test_server_start_failure(void)
{
    /* The same lab name, so srv's namespace (which has no eth9). */
    static const char yaml[] =
        "lab: x\n"
        "nodes:\n"
        "  srv:\n"
        "    interfaces:\n"
        "      eth9: {peer: c9.eth0, address: 10.77.9.1/24}\n"
        "    dhcp-server:\n"
        "      interfaces:\n"
        "        eth9: {range: [10.77.9.100, 10.77.9.150]}\n"
        "  c9:\n"
        "    interfaces:\n"
        "      eth0: {dhcp: true}\n";
    struct dhcp_servers *servers = NULL;
    struct test_lab lab;
    long long int start;
    char *error;

    lab_load_named(&lab, udhcpc_lab.plan->lab, "failing", yaml);
    CU_ASSERT_TRUE_FATAL(netns_exists(netns_of(&lab, "srv")));

    start = time_msec();
    error = dhcp_servers_start(lab.s, lab.plan, lab.dir, &servers);
    CU_ASSERT(time_msec() - start < DHCP_SERVER_START_MS);
    CU_ASSERT_PTR_NULL(servers);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    printf("\n  expected failure: %s", error);
    CU_ASSERT_PTR_NOT_NULL(strstr(error, "node srv: dnsmasq"));
    CU_ASSERT_PTR_NOT_NULL(strstr(error, "while starting"));
    CU_ASSERT_PTR_NOT_NULL(strstr(error, "eth9"));     /* From its log. */
    free(error);
    lab_destroy(&lab);

    dhcp_servers_destroy(udhcpc_servers);
    udhcpc_servers = NULL;
    remove_labs(LAB_UDHCPC);
    assert_output(udhcpc_lab.plan->lab, false, "ip netns list");
    lab_destroy(&udhcpc_lab);
}

/* ---- dhclient lab. ---- */

static const char dhclient_yaml[] =
    "lab: x\n"
    "settings: {dhcp-client: dhclient}\n"
    "nodes:\n"
    "  srv:\n"
    "    interfaces:\n"
    "      s0: {peer: d1.eth0, address: 192.168.77.1/24}\n"
    "    dhcp-server:\n"
    "      interfaces:\n"
    "        s0:\n"
    "          range: [192.168.77.10, 192.168.77.20]\n"
    "          router: 192.168.77.1\n"
    "          lease-time: 2m\n"
    "  d1:\n"
    "    interfaces:\n"
    "      eth0: {dhcp: true}\n"
    "    routes:\n"
    "      - {to: default, dev: eth0}\n"
    "  d2:\n"
    "    interfaces:\n"
    "      eth0: {peer: d3.eth0, dhcp: true}\n"
    "  d3:\n"
    "    interfaces:\n"
    "      eth0: {address: 192.168.78.3/24}\n";

static void
test_dhclient(void)
{
    struct dhcp_servers *servers;
    struct lease_table leases;
    const struct lease *lease;
    struct test_lab lab;
    char *error, *addr, *out;

    lab_load(&lab, LAB_DHCLIENT, dhclient_yaml);
    error = dhcp_client_preflight(lab.s);
    CU_ASSERT_PTR_NULL(error);
    free(error);
    lab_build(&lab);
    error = dhcp_servers_start(lab.s, lab.plan, lab.dir, &servers);
    CU_ASSERT_PTR_NULL_FATAL(error);

    lease_table_init(&leases);
    error = dhcp_clients_run(lab.s, lab.plan, lab.dir, CLIENT_TIMEOUT_MS,
                             NULL, &leases);
    if (error) {
        printf("\n%s\n", error);
    }
    CU_ASSERT_PTR_NULL(error);
    free(error);

    addr = assert_leased(&lab, &leases, &servers->servers[0], "d1", "eth0");
    CU_ASSERT(!strncmp(addr, "192.168.77.", 11));
    free(addr);
    lease = lease_table_find(&leases, find_iface(&lab, "d1", "eth0"));
    CU_ASSERT_EQUAL(lease->lease_time, 120);
    CU_ASSERT_EQUAL(in6_addr_get_mapped_ipv4(&lease->router),
                    htonl(0xc0a84d01));
    /* d1 has a default route of its own: the lease's is not added. */
    out = test_shell(NULL, "ip -n %s -4 route show default",
                     netns_of(&lab, "d1"));
    assert_contains("ip route", out, "default dev eth0", true);
    assert_contains("ip route", out, "via", false);
    free(out);

    lease = lease_table_find(&leases, find_iface(&lab, "d2", "eth0"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(lease);
    CU_ASSERT(!lease->obtained);
    CU_ASSERT_PTR_NOT_NULL(lease->error);
    if (lease->error) {
        printf("\n  d2 (expected no lease): %s\n", lease->error);
    }
    assert_output("inet ", false, "ip -n %s -4 addr show dev eth0",
                  netns_of(&lab, "d2"));

    /* dhclient would stay to renew: it must be gone. */
    assert_no_process(&lab, "d1");
    assert_no_process(&lab, "d2");

    lease_table_destroy(&leases);
    dhcp_servers_destroy(servers);
    remove_labs(LAB_DHCLIENT);
    lab_destroy(&lab);
}

/* ---- Scale: many clients at once. ---- */

static void
test_scale(void)
{
    const char *env = getenv("OVS_LAB_DHCP_SCALE");
    int n = env ? atoi(env) : 100;
    struct ds yaml = DS_EMPTY_INITIALIZER;
    struct dhcp_servers *servers;
    struct lease_table leases;
    long long int t0, t1, t2;
    struct test_lab lab;
    size_t n_leased = 0;
    long long int max_ms = 0;
    char *error;

    if (n <= 0 || n > 250) {
        printf("\n  skipped (OVS_LAB_DHCP_SCALE=%s)\n", env);
        return;
    }
    /* One server with one direct veth per client: no bridge needed. */
    ds_put_cstr(&yaml, "lab: x\nnodes:\n  srv:\n    interfaces:\n");
    for (int i = 0; i < n; i++) {
        ds_put_format(&yaml, "      e%d: {peer: c%d.eth0, "
                      "address: 10.78.%d.1/24}\n", i, i, i);
    }
    ds_put_cstr(&yaml, "    dhcp-server:\n      interfaces:\n");
    for (int i = 0; i < n; i++) {
        ds_put_format(&yaml, "        e%d: {range: [10.78.%d.10, "
                      "10.78.%d.20]}\n", i, i, i);
    }
    for (int i = 0; i < n; i++) {
        ds_put_format(&yaml, "  c%d:\n    interfaces:\n"
                      "      eth0: {dhcp: true}\n", i);
    }
    lab_load(&lab, LAB_SCALE, ds_cstr(&yaml));
    ds_destroy(&yaml);

    t0 = time_msec();
    lab_build(&lab);
    t1 = time_msec();
    error = dhcp_servers_start(lab.s, lab.plan, lab.dir, &servers);
    if (error) {
        printf("\n%s\n", error);
    }
    CU_ASSERT_PTR_NULL_FATAL(error);
    t2 = time_msec();

    lease_table_init(&leases);
    error = dhcp_clients_run(lab.s, lab.plan, lab.dir, 10000, NULL, &leases);
    CU_ASSERT_PTR_NULL(error);
    free(error);
    {
        const struct lease *lease;

        HMAP_FOR_EACH (lease, hmap_node, &leases.leases) {
            n_leased += lease->obtained;
            max_ms = MAX(max_ms, lease->elapsed_ms);
            if (!lease->obtained) {
                printf("\n  %s: %s", lease->iface->node->name, lease->error);
            }
        }
    }
    CU_ASSERT_EQUAL(n_leased, n);
    printf("\n  %d namespaces built in %lld ms, dnsmasq (%d interfaces) "
           "ready in %lld ms, %"PRIuSIZE"/%d clients leased and applied in "
           "%lld ms (slowest client %lld ms)\n", n + 1, t1 - t0, n, t2 - t1,
           n_leased, n, time_msec() - t2, max_ms);

    /* Outside view of the last client. */
    {
        char *node = xasprintf("c%d", n - 1);
        char *inet = xasprintf("inet 10.78.%d.", n - 1);

        assert_output(inet, true, "ip -n %s -4 addr show dev eth0",
                      netns_of(&lab, node));
        free(inet);
        free(node);
    }

    lease_table_destroy(&leases);
    dhcp_servers_destroy(servers);
    remove_labs(LAB_SCALE);
    lab_destroy(&lab);
}

static void
test_nothing_left(void)
{
    char *out;

    assert_output(prefix, false, "ip netns list");
    /* No process started with a file of ours (dnsmasq's --conf-file, a
     * client's script). */
    out = test_shell(NULL, "ps -eo pid,args");
    assert_contains("ps", out, tmp_dir, false);
    free(out);
}

int
main(void)
{
    static const struct test_case tests[] = {
        { "dnsmasq starts and is ready", test_servers_start },
        { "udhcpc clients lease, fixed address, no server",
          test_udhcpc_leases },
        { "supervision: find from pid file, dnsmasq dies",
          test_servers_supervision },
        { "dnsmasq that cannot start reports its log",
          test_server_start_failure },
        { "dhclient clients", test_dhclient },
        { "many clients at once", test_scale },
        { "nothing left behind", test_nothing_left },
    };

    if (getuid()) {
        fprintf(stderr, "test-dhcp: needs root\n");
        return 77;
    }
    snprintf(prefix, sizeof prefix, "dt%x", (unsigned int) getpid());
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/ovs-lab-%s-XXXXXX", prefix);
    if (!mkdtemp(tmp_dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_cleanup_at_exit(cleanup);

    return TEST_RUN_SUITE("dhcp", tests);
}
