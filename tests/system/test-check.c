/*
 * System tests of the checks (root): real namespaces joined by direct veth
 * pairs, built with "ip" from a scenario's plan (no OVS), then every check
 * kind run against them, including checks that must fail.
 *
 * The lab (LAB is unique per run):
 *
 *   a (10.77.0.1, fd77::1) ==== b (10.77.0.2, fd77::2)   a routes
 *                                                       10.77.1.0/24 via b,
 *   c (10.77.1.1) ============= d (10.77.1.2)           which drops it
 *   srv (10.77.2.1) ======= cl (DHCP: 10.77.2.150, hand-filled lease)
 *   srv (no address) ====== cl2 (DHCP: no lease)
 *   y (10.77.3.2) ==== x (router) ==== z (10.77.4.2)
 *
 * plus a second lab of 30 nodes in 15 pairs for an 870-pair isolation
 * matrix that must take about one timeout, and a third lab for the choice
 * of the address probed:
 *
 *   a (192.168.5.1) ======== b (10.0.0.2, 192.168.5.2)
 *   p (10.0.1.1) =========== q (10.0.1.2)
 *   r (DHCP: 10.0.1.2) ===== s (DHCP: 10.0.1.1)    hand-filled leases
 *   switch sw0: t (VLAN 40, 10.0.40.2), u (VLAN 40, DHCP: no lease),
 *               m (trunk of VLANs 40 and 41; VLAN 50, 10.0.50.2)
 *
 * Switch ports end, unconnected, in a namespace of their own (there is no
 * switch here): no pair on sw0 needs traffic to pass through it.
 *
 * The tests run in a child process; the parent removes every namespace
 * (and the processes in them) whatever happened to the child.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>
#include <CUnit/Basic.h>

#include "check.h"
#include "lease.h"
#include "netns.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "plan.h"
#include "report.h"
#include "scenario.h"
#include "tests/cunit-util.h"
#include "timeval.h"
#include "util.h"

#define OPEN_PORT 8000
#define CLOSED_PORT 8001
#define BIG_PAIRS 15            /* The big lab has 2 * BIG_PAIRS nodes. */

static const char lab_yaml[] =
    "settings: {timeout: 1}\n"
    "nodes:\n"
    "  a:\n"
    "    interfaces:\n"
    "      eth0: {peer: b.eth0, addresses: [10.77.0.1/24, \"fd77::1/64\"]}\n"
    "    routes:\n"
    "      - {to: 10.77.1.0/24, via: 10.77.0.2}\n"
    "  b:\n"
    "    interfaces:\n"
    "      eth0: {addresses: [10.77.0.2/24, \"fd77::2/64\"]}\n"
    "  c:\n"
    "    interfaces:\n"
    "      eth0: {peer: d.eth0, address: 10.77.1.1/24}\n"
    "  d:\n"
    "    interfaces:\n"
    "      eth0: {address: 10.77.1.2/24}\n"
    "  srv:\n"
    "    interfaces:\n"
    "      eth0: {peer: cl.eth0, address: 10.77.2.1/24}\n"
    "      eth1: {peer: cl2.eth0}\n"
    "    dhcp-server:\n"
    "      interfaces:\n"
    "        eth0: {range: [10.77.2.100, 10.77.2.200]}\n"
    "  cl:\n"
    "    interfaces:\n"
    "      eth0: {dhcp: true}\n"
    "  cl2:\n"
    "    interfaces:\n"
    "      eth0: {dhcp: true}\n"
    "  x:\n"
    "    forwarding: true\n"
    "    interfaces:\n"
    "      eth0: {peer: y.eth0, address: 10.77.3.1/24}\n"
    "      eth1: {peer: z.eth0, address: 10.77.4.1/24}\n"
    "  y:\n"
    "    interfaces:\n"
    "      eth0: {address: 10.77.3.2/24}\n"
    "    routes: [{to: 10.77.4.0/24, via: 10.77.3.1}]\n"
    "  z:\n"
    "    interfaces:\n"
    "      eth0: {address: 10.77.4.2/24}\n"
    "    routes: [{to: 10.77.3.0/24, via: 10.77.4.1}]\n"
    "checks:\n"
    "  - ping: {name: p-ab, from: a, to: b}\n"
    "  - ping: {name: p-ab6, from: a, to: \"fd77::2\"}\n"
    "  - ping: {name: p-a-beth0, from: a, to: b.eth0}\n"
    "  - ping: {name: p-ac, from: a, to: c}\n"
    "  - ping: {name: p-ac-fail, from: a, to: c, expect: fail}\n"
    "  - ping: {name: p-ca, from: c, to: a}\n"
    "  - ping: {name: p-srv-cl, from: srv, to: cl}\n"
    "  - ping: {name: p-srv-cl2, from: srv, to: cl2}\n"
    "  - ping: {from: y, to: z}\n"
    "  - tcp: {name: t-open, from: a, to: b, port: 8000}\n"
    "  - tcp: {name: t-closed, from: a, to: b, port: 8001}\n"
    "  - tcp: {name: t-closed-fail, from: a, to: b, port: 8001,"
    " expect: fail}\n"
    "  - tcp: {name: t-ac, from: a, to: c, port: 8000}\n"
    "  - dhcp: {name: d-range, node: cl, range: [10.77.2.100, 10.77.2.200]}\n"
    "  - dhcp: {name: d-addr, node: cl, address: 10.77.2.151}\n"
    "  - dhcp: {name: d-cl-fail, node: cl, expect: fail}\n"
    "  - dhcp: {name: d-cl2-fail, node: cl2, expect: fail}\n"
    "  - isolation: {name: iso-abcd, nodes: [a, b, c, d]}\n"
    "  - isolation: {name: iso-yz, nodes: [y, z]}\n"
    "  - isolation: {name: iso-srv-cl2, nodes: [srv, cl2]}\n"
    "  - isolation: {name: iso-long, nodes: [a, b, c, y, z], timeout: 8}\n"
    "  - exec: {name: e-sys, node: a, command: \"ls /sys/class/net\","
    " output: \"^eth0$\"}\n"
    "  - exec: {name: e-exit3, node: a, command: \"exit 3\", exit: 3}\n"
    "  - exec: {name: e-exit1, node: a, command: \"echo out; exit 1\"}\n"
    "  - exec: {name: e-stderr, node: b, command: \"echo err-only >&2\","
    " output: \"err-only\"}\n"
    "  - exec: {name: e-nomatch, node: b, command: \"echo abc\","
    " output: \"^xyz$\"}\n"
    "  - exec: {name: e-timeout, node: b, command: \"sleep 30\","
    " timeout: 1}\n"
    "  - exec: {name: e-ok-fail, node: a, command: \"echo hello\","
    " expect: fail}\n"
    "  - exec: {name: e-exit1-fail, node: a, command: \"false\","
    " expect: fail}\n"
    "  - exec: {name: e-timeout-fail, node: b, command: \"sleep 30\","
    " timeout: 1, expect: fail}\n"
    "  - exec: {name: e-big, node: b, command: \"seq 300000; echo DONE\","
    " output: \"^DONE$\"}\n"
    "  - dhcp: {name: d-addr-fail, node: cl, address: 10.77.2.151,"
    " expect: fail}\n"
    "  - dhcp: {name: d-range-fail, node: cl,"
    " range: [10.77.2.100, 10.77.2.200], expect: fail}\n";

static const char addr_yaml[] =
    "settings: {timeout: 1}\n"
    "switches: {sw0: {}}\n"
    "nodes:\n"
    "  a:\n"
    "    interfaces:\n"
    "      eth0: {peer: b.eth0, address: 192.168.5.1/24}\n"
    "  b:\n"
    "    interfaces:\n"
    "      eth0: {addresses: [10.0.0.2/24, 192.168.5.2/24]}\n"
    "  p:\n"
    "    interfaces:\n"
    "      eth0: {peer: q.eth0, address: 10.0.1.1/24}\n"
    "  q:\n"
    "    interfaces:\n"
    "      eth0: {address: 10.0.1.2/24}\n"
    "  r:\n"
    "    interfaces:\n"
    "      eth0: {peer: s.eth0, dhcp: true}\n"
    "  s:\n"
    "    interfaces:\n"
    "      eth0: {dhcp: true}\n"
    "  t:\n"
    "    interfaces:\n"
    "      eth0: {switch: sw0, vlan: 40, address: 10.0.40.2/24}\n"
    "  u:\n"
    "    interfaces:\n"
    "      eth0: {switch: sw0, vlan: 40, dhcp: true}\n"
    "  m:\n"
    "    interfaces:\n"
    "      mon0: {switch: sw0, trunk: [40, 41]}\n"
    "      eth1: {switch: sw0, vlan: 50, address: 10.0.50.2/24}\n"
    "checks:\n"
    "  - ping: {name: subnet, from: a, to: b}\n"
    "  - ping: {name: subnet-iface, from: a, to: b.eth0}\n"
    "  - isolation: {name: subnet-iso, nodes: [a, b]}\n"
    "  - ping: {name: amb-lease, from: p, to: r}\n"
    "  - ping: {name: amb-lease-fail, from: p, to: r, expect: fail}\n"
    "  - tcp: {name: amb-lease-tcp, from: p, to: r, port: 8000}\n"
    "  - ping: {name: amb-static, from: p, to: q}\n"
    "  - ping: {name: amb-addr, from: p, to: 10.0.1.2}\n"
    "  - isolation: {name: amb-iso, nodes: [p, s]}\n"
    "  - isolation: {name: trunk-iso, nodes: [t, m]}\n"
    "  - isolation: {name: nolease-iso, nodes: [t, u]}\n";

struct test_lab {
    struct scenario *scenario;
    struct plan *plan;
};

static struct test_lab lab, big, addr;
static struct check_results results, big_results, addr_results;
static struct lease_table leases, addr_leases;
static bool lab_ready, big_ready, addr_ready;

/* ---- Building and removing labs with "ip". ---- */

static bool
load_lab(struct test_lab *t, const char *name, const char *yaml)
{
    struct plan_options options = { .auto_datapath = "netdev" };
    char *text = xasprintf("lab: %s\n%s", name, yaml);
    char *error = scenario_load_string(text, "test-check.yaml", &t->scenario);

    free(text);
    if (!error) {
        error = plan_build(t->scenario, &options, &t->plan);
    }
    if (error) {
        fprintf(stderr, "%s\n", error);
        free(error);
        return false;
    }
    return true;
}

static const char *
ns_of(const struct test_lab *t, const struct scenario_node *node)
{
    return plan_netns_of(t->plan, node)->name;
}

static const struct scenario_node *
node_named(const struct test_lab *t, const char *name)
{
    return scenario_find_node(t->scenario, name);
}

/* The namespace where the switch ends of 't''s veths are (malloc'd).  No
 * node's: node names do not start with "-". */
static char *
ports_ns(const struct test_lab *t)
{
    return xasprintf("%s--ports", t->scenario->name);
}

/* Builds 't''s namespaces, veth pairs, static addresses, routes and
 * forwarding, as one shell script. */
static bool
build_lab(const struct test_lab *t)
{
    const struct scenario *s = t->scenario;
    struct ds script = DS_EMPTY_INITIALIZER;
    char *ports = ports_ns(t);
    bool ok;

    ds_put_cstr(&script, "set -e\n");
    if (s->n_switches) {
        ds_put_format(&script, "ip netns add %s\n", ports);
    }
    for (size_t i = 0; i < s->n_nodes; i++) {
        const char *ns = ns_of(t, &s->nodes[i]);

        ds_put_format(&script, "ip netns add %s\n"
                      "ip -n %s link set lo up\n", ns, ns);
        if (s->nodes[i].forwarding) {
            ds_put_format(&script, "ip netns exec %s sysctl -qw "
                          "net.ipv4.ip_forward=1\n", ns);
        }
    }
    for (size_t i = 0; i < t->plan->n_veths; i++) {
        const struct plan_veth *v = &t->plan->veths[i];
        bool peer = v->kind == PLAN_VETH_PEER;

        ds_put_format(&script, "ip -n %s link add %s type veth peer name %s "
                      "netns %s\n", ns_of(t, v->a->node), v->a->name,
                      v->b_name, peer ? ns_of(t, v->b->node) : ports);
        if (!peer) {
            ds_put_format(&script, "ip -n %s link set %s up\n", ports,
                          v->b_name);
        }
    }
    for (size_t i = 0; i < s->n_nodes; i++) {
        const struct scenario_node *node = &s->nodes[i];
        const char *ns = ns_of(t, node);

        for (size_t j = 0; j < node->n_ifaces; j++) {
            const struct scenario_iface *iface = &node->ifaces[j];

            ds_put_format(&script, "ip -n %s link set %s up\n", ns,
                          iface->name);
            for (size_t k = 0; k < iface->n_addrs; k++) {
                ds_put_format(&script, "ip -n %s addr add %s dev %s%s\n", ns,
                              iface->addrs[k].text, iface->name,
                              iface->addrs[k].family == AF_INET6
                              ? " nodad" : "");
            }
        }
        for (size_t j = 0; j < node->n_routes; j++) {
            const struct scenario_route *r = &node->routes[j];

            ds_put_format(&script, "ip -n %s route add %s via %s\n", ns,
                          r->dst.text, r->via.text);
        }
    }

    ok = !system(ds_cstr(&script));
    if (!ok) {
        fprintf(stderr, "building the lab failed:\n%s", ds_cstr(&script));
    }
    ds_destroy(&script);
    free(ports);
    return ok;
}

static void
remove_netns(const char *name)
{
    if (netns_exists(name)) {
        netns_kill_all(name, 500);
        netns_delete(name);
    }
}

static void
remove_lab(const struct test_lab *t)
{
    char *ports;

    if (!t->plan) {
        return;
    }
    for (size_t i = 0; i < t->plan->n_netns; i++) {
        remove_netns(t->plan->netns[i].name);
    }
    ports = ports_ns(t);
    remove_netns(ports);
    free(ports);
}

/* ---- The main lab. ---- */

/* Opens a TCP socket listening on OPEN_PORT inside namespace 'ns'. */
static int
listen_in(const char *ns)
{
    struct sockaddr_in sin = {
        .sin_family = AF_INET,
        .sin_port = htons(OPEN_PORT),
    };
    int netns_fd, saved, fd;

    if (netns_open(ns, &netns_fd) || netns_enter(netns_fd, &saved)) {
        return -1;
    }
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    netns_leave(saved);
    close(netns_fd);
    if (fd >= 0 && (bind(fd, (struct sockaddr *) &sin, sizeof sin)
                    || listen(fd, 16))) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Records in 'table' what the DHCP client of 'node''s first interface in
 * lab 't' would have left: lease 'ip' (host order; 0 for none), also put
 * on the interface. */
static bool
fake_lease(struct lease_table *table, const struct test_lab *t,
           const char *node, uint32_t ip)
{
    const struct scenario_node *n = node_named(t, node);
    struct lease *lease = lease_table_put(table, &n->ifaces[0]);
    struct in6_addr addr;
    char buf[INET6_ADDRSTRLEN];
    char *cmd;
    bool ok;

    if (!ip) {
        lease->obtained = false;
        lease->error = xstrdup("no offer");
        return true;
    }
    lease->obtained = true;
    in6_addr_set_mapped_ipv4(&lease->addr, htonl(ip));
    lease->plen = 24;
    in6_addr_set_mapped_ipv4(&lease->server, htonl((ip & ~0xffu) | 1));
    lease->lease_time = 3600;
    lease->elapsed_ms = 1200;

    addr = lease->addr;
    cmd = xasprintf("ip -n %s addr add %s/24 dev %s", ns_of(t, n),
                    inet_ntop(AF_INET, &addr.s6_addr[12], buf, sizeof buf),
                    n->ifaces[0].name);
    ok = !system(cmd);
    free(cmd);
    return ok;
}

/* What a DHCP client would have left: cl got 10.77.2.150, cl2 got
 * nothing. */
static bool
fake_leases(void)
{
    lease_table_init(&leases);
    return (fake_lease(&leases, &lab, "cl", 0x0a4d0296)
            && fake_lease(&leases, &lab, "cl2", 0));
}

/* r got q's address, s got p's, u got nothing. */
static bool
fake_addr_leases(void)
{
    lease_table_init(&addr_leases);
    return (fake_lease(&addr_leases, &addr, "r", 0x0a000102)
            && fake_lease(&addr_leases, &addr, "s", 0x0a000101)
            && fake_lease(&addr_leases, &addr, "u", 0));
}

static const struct check_result *
result_named(const struct check_results *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++) {
        if (!strcmp(r->results[i].name, name)) {
            return &r->results[i];
        }
    }
    fprintf(stderr, "no result named \"%s\"\n", name);
    return NULL;
}

static const struct check_detail *
detail_named(const struct check_result *r, const char *name)
{
    for (size_t i = 0; r && i < r->n_details; i++) {
        if (!strcmp(r->details[i].name, name)) {
            return &r->details[i];
        }
    }
    return NULL;
}

static bool
starts_with(const char *s, const char *prefix)
{
    return s && !strncmp(s, prefix, strlen(prefix));
}

/* Asserts that result 'name' of 'results' passed or not, with these
 * texts (NULL: not checked; observed text: a prefix). */
#define ASSERT_RESULT_IN(RESULTS, NAME, PASSED, EXPECTED, OBSERVED_PREFIX) \
    do {                                                                \
        const struct check_result *r_ = result_named(RESULTS, NAME);    \
        CU_ASSERT_PTR_NOT_NULL_FATAL(r_);                               \
        if (r_->passed != (PASSED)                                      \
            || (EXPECTED && strcmp(r_->expected, EXPECTED))             \
            || !starts_with(r_->observed, OBSERVED_PREFIX)) {           \
            fprintf(stderr, "%s: passed=%d expected=\"%s\" "            \
                    "observed=\"%s\"\n", NAME, r_->passed,              \
                    r_->expected, r_->observed);                        \
        }                                                               \
        CU_ASSERT_EQUAL(r_->passed, PASSED);                            \
        if (EXPECTED) {                                                 \
            CU_ASSERT_STRING_EQUAL(r_->expected, EXPECTED);             \
        }                                                               \
        CU_ASSERT_TRUE(starts_with(r_->observed, OBSERVED_PREFIX));     \
    } while (0)

/* The same, for the main lab. */
#define ASSERT_RESULT(NAME, PASSED, EXPECTED, OBSERVED_PREFIX)          \
    ASSERT_RESULT_IN(&results, NAME, PASSED, EXPECTED, OBSERVED_PREFIX)

/* The lab itself works, seen with the system's own tools. */
static void
test_setup_sanity(void)
{
    char *cmd;

    CU_ASSERT_TRUE_FATAL(lab_ready);
    cmd = xasprintf("ip netns exec %s ping -q -c1 -W2 10.77.0.2 >/dev/null",
                    ns_of(&lab, node_named(&lab, "a")));
    CU_ASSERT_EQUAL(system(cmd), 0);
    free(cmd);
}

static void
test_all_results(void)
{
    const struct scenario *s = lab.scenario;

    CU_ASSERT_TRUE_FATAL(lab_ready);
    CU_ASSERT_EQUAL_FATAL(results.n, s->n_checks);
    for (size_t i = 0; i < s->n_checks; i++) {
        const struct check_result *r = &results.results[i];

        /* Scenario order, with positions and kinds. */
        CU_ASSERT_EQUAL(r->loc.line, s->checks[i].loc.line);
        CU_ASSERT_STRING_EQUAL(r->kind,
                               scenario_check_kind_name(s->checks[i].kind));
        CU_ASSERT_PTR_NOT_NULL(r->expected);
        CU_ASSERT_PTR_NOT_NULL(r->observed);
    }
    /* Everything ran at once: the 1-second timeouts did not add up. */
    CU_ASSERT(results.duration_ms >= 1000);
    CU_ASSERT(results.duration_ms < 3000);
    printf("\n%" PRIuSIZE " checks in %lld ms\n", results.n,
           results.duration_ms);
}

static void
test_ping(void)
{
    const struct check_result *r;

    CU_ASSERT_TRUE_FATAL(lab_ready);
    ASSERT_RESULT("p-ab", true, "reply from 10.77.0.2",
                  "reply from 10.77.0.2 in ");
    ASSERT_RESULT("p-ab6", true, "reply from fd77::2",
                  "reply from fd77::2 in ");
    ASSERT_RESULT("p-a-beth0", true, "reply from 10.77.0.2",
                  "reply from 10.77.0.2 in ");
    /* Routed to b, which drops it: a failed check costs its timeout. */
    ASSERT_RESULT("p-ac", false, "reply from 10.77.1.1",
                  "no reply within 1 s");
    r = result_named(&results, "p-ac");
    CU_ASSERT(r && r->duration_ms >= 950 && r->duration_ms < 1500);
    ASSERT_RESULT("p-ac-fail", true, "no reply from 10.77.1.1",
                  "no reply within 1 s");
    /* No route at all: known at once. */
    ASSERT_RESULT("p-ca", false, "reply from 10.77.0.1",
                  "no route to 10.77.0.1");
    r = result_named(&results, "p-ca");
    CU_ASSERT(r && r->duration_ms < 500);
    /* The target's address comes from the lease table. */
    ASSERT_RESULT("p-srv-cl", true, "reply from 10.77.2.150",
                  "reply from 10.77.2.150 in ");
    ASSERT_RESULT("p-srv-cl2", false, "reply from cl2",
                  "cl2 has no address (no DHCP lease)");
    /* Generated name; through router x. */
    ASSERT_RESULT("ping y -> z", true, "reply from 10.77.4.2",
                  "reply from 10.77.4.2 in ");
}

static void
test_tcp(void)
{
    CU_ASSERT_TRUE_FATAL(lab_ready);
    ASSERT_RESULT("t-open", true, "connection to 10.77.0.2 port 8000",
                  "connected to 10.77.0.2 in ");
    ASSERT_RESULT("t-closed", false, "connection to 10.77.0.2 port 8001",
                  "connection refused");
    ASSERT_RESULT("t-closed-fail", true,
                  "no connection to 10.77.0.2 port 8001",
                  "connection refused");
    ASSERT_RESULT("t-ac", false, "connection to 10.77.1.1 port 8000",
                  "no connection within 1 s");
}

static void
test_dhcp(void)
{
    CU_ASSERT_TRUE_FATAL(lab_ready);
    ASSERT_RESULT("d-range", true, "a lease in 10.77.2.100-10.77.2.200",
                  "lease 10.77.2.150/24 from 10.77.2.1 after 1.2 s");
    ASSERT_RESULT("d-addr", false, "a lease of 10.77.2.151",
                  "lease 10.77.2.150/24");
    ASSERT_RESULT("d-cl-fail", false, "no lease", "lease 10.77.2.150/24");
    ASSERT_RESULT("d-cl2-fail", true, "no lease", "no lease: no offer");
    /* With 'expect: fail', only the lease described must not happen. */
    ASSERT_RESULT("d-addr-fail", true, "no lease of 10.77.2.151",
                  "lease 10.77.2.150/24");
    ASSERT_RESULT("d-range-fail", false,
                  "no lease in 10.77.2.100-10.77.2.200",
                  "lease 10.77.2.150/24");
}

static void
test_isolation(void)
{
    const struct check_result *r;
    const struct check_detail *d;

    CU_ASSERT_TRUE_FATAL(lab_ready);
    ASSERT_RESULT("iso-abcd", true, "12 pairs: 4 reachable, 8 isolated",
                  "all 12 pairs as expected");
    r = result_named(&results, "iso-abcd");
    CU_ASSERT_EQUAL(r ? r->n_details : 0, 12);
    d = detail_named(r, "a -> b");
    CU_ASSERT(d && d->passed
              && !strcmp(d->expected, "reachable (veth a.eth0 -- b.eth0)")
              && starts_with(d->observed, "reply from 10.77.0.2 in "));
    d = detail_named(r, "a -> c");
    CU_ASSERT(d && d->passed && !strcmp(d->expected, "isolated")
              && !strcmp(d->observed, "no reply from 10.77.1.1 within 1 s"));
    d = detail_named(r, "d -> c");
    CU_ASSERT(d && d->passed
              && !strcmp(d->expected, "reachable (veth c.eth0 -- d.eth0)"));
    d = detail_named(r, "c -> a");
    CU_ASSERT(d && d->passed && starts_with(d->observed, "no route to "));

    /* y and z share no segment, but router x joins them. */
    ASSERT_RESULT("iso-yz", false, "2 pairs: 0 reachable, 2 isolated",
                  "2 of 2 pairs wrong: y -> z reached, z -> y reached");

    /* srv and cl2 are on one veth, but srv has no address on it: they
     * share no segment where they could talk.  cl2 got no lease. */
    ASSERT_RESULT("iso-srv-cl2", true, "2 pairs: 0 reachable, 2 isolated",
                  "all 2 pairs as expected");
    d = detail_named(result_named(&results, "iso-srv-cl2"), "srv -> cl2");
    CU_ASSERT(d && d->passed && !strcmp(d->expected, "isolated")
              && !strcmp(d->observed, "cl2 has no address"));

    /* A timeout of 8 s, isolation-timeout 1 s (the default): once a <-> b
     * answered, the isolated pairs wait 1 s more, not 8; the leak through
     * router x is still seen. */
    ASSERT_RESULT("iso-long", false, "20 pairs: 2 reachable, 18 isolated",
                  "2 of 20 pairs wrong: y -> z reached, z -> y reached");
    r = result_named(&results, "iso-long");
    d = detail_named(r, "a -> c");
    CU_ASSERT(d && d->passed
              && !strcmp(d->observed, "no reply from 10.77.1.1 within 1 s "
                         "after the reachable pairs were done "
                         "(isolation-timeout)")
              && d->duration_ms < 8000);
    d = detail_named(r, "b -> y");
    CU_ASSERT(d && d->passed && d->duration_ms < 8000);
}

static void
test_exec(void)
{
    const struct check_result *r;
    pid_t *pids;
    size_t n_pids;

    CU_ASSERT_TRUE_FATAL(lab_ready);
    /* /sys shows the node's devices; the regex works line by line. */
    ASSERT_RESULT("e-sys", true, "exit status 0, output matching /^eth0$/",
                  "exit status 0, output \"eth0...\"");
    ASSERT_RESULT("e-exit3", true, "exit status 3",
                  "exit status 3, no output");
    ASSERT_RESULT("e-exit1", false, "exit status 0",
                  "exit status 1, output \"out\"");
    ASSERT_RESULT("e-stderr", true,
                  "exit status 0, output matching /err-only/",
                  "exit status 0, output \"err-only\"");
    ASSERT_RESULT("e-nomatch", false, "exit status 0, output matching /^xyz$/",
                  "exit status 0, output not matching \"abc\"");
    ASSERT_RESULT("e-timeout", false, "exit status 0",
                  "still running after 1 s, killed");
    r = result_named(&results, "e-timeout");
    CU_ASSERT(r && r->duration_ms >= 950 && r->duration_ms < 1500);

    /* 'expect: fail' turns the verdict round. */
    ASSERT_RESULT("e-ok-fail", false, "not (exit status 0)",
                  "exit status 0, output \"hello\"");
    ASSERT_RESULT("e-exit1-fail", true, "not (exit status 0)",
                  "exit status 1, no output");
    ASSERT_RESULT("e-timeout-fail", true, "not (exit status 0)",
                  "still running after 1 s, killed");

    /* 1.9 MB of output: only the first MiB is matched, and the result
     * says so. */
    ASSERT_RESULT("e-big", false, "exit status 0, output matching /^DONE$/",
                  "exit status 0, output not matching \"1...\" (only its "
                  "first 1024 kB of 1942 kB were kept and matched)");

    /* The killed command left nothing behind in its node. */
    CU_ASSERT_EQUAL(netns_list_pids(ns_of(&lab, node_named(&lab, "b")),
                                    &pids, &n_pids), 0);
    CU_ASSERT_EQUAL(n_pids, 0);
    free(pids);
}

/* The reports of a real run agree with the results. */
static void
test_reports(void)
{
    struct ds xml = DS_EMPTY_INITIALIZER;
    struct ds text = DS_EMPTY_INITIALIZER;
    char *summary;

    CU_ASSERT_TRUE_FATAL(lab_ready);
    report_format_text(&results, false, &text);
    summary = xasprintf("\n%"PRIuSIZE" passed, %"PRIuSIZE" failed (",
                        check_results_n_passed(&results),
                        check_results_n_failed(&results));
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&text), summary));
    free(summary);
    report_format_junit(&results, &xml);
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&xml),
                                  "<testcase name=\"iso-abcd: a -&gt; b\""));
    ds_destroy(&xml);
    ds_destroy(&text);
}

/* ---- The address probed. ---- */

#define ASSERT_ADDR_RESULT(NAME, PASSED, EXPECTED, OBSERVED_PREFIX)     \
    ASSERT_RESULT_IN(&addr_results, NAME, PASSED, EXPECTED, OBSERVED_PREFIX)

/* b's first address is in no subnet of a's: its second one is probed. */
static void
test_addr_subnet(void)
{
    const struct check_detail *d;

    CU_ASSERT_TRUE_FATAL(addr_ready);
    ASSERT_ADDR_RESULT("subnet", true, "reply from 192.168.5.2",
                       "reply from 192.168.5.2 in ");
    ASSERT_ADDR_RESULT("subnet-iface", true, "reply from 192.168.5.2",
                       "reply from 192.168.5.2 in ");
    ASSERT_ADDR_RESULT("subnet-iso", true, "2 pairs: 2 reachable, 0 isolated",
                       "all 2 pairs as expected");
    d = detail_named(result_named(&addr_results, "subnet-iso"), "a -> b");
    CU_ASSERT(d && starts_with(d->observed, "reply from 192.168.5.2 in "));
}

/* An address that another node holds too is not probed: a reply from it
 * proves nothing, whatever the check expects. */
static void
test_addr_ambiguous(void)
{
    const struct check_result *r;
    const struct check_detail *d;

    CU_ASSERT_TRUE_FATAL(addr_ready);
    /* r's lease is q's address, which q would answer. */
    ASSERT_ADDR_RESULT("amb-lease", false, "reply from 10.0.1.2",
                       "10.0.1.2 is also q's address: a reply cannot be "
                       "told apart");
    ASSERT_ADDR_RESULT("amb-lease-fail", false, "no reply from 10.0.1.2",
                       "10.0.1.2 is also q's address: a reply cannot be "
                       "told apart");
    ASSERT_ADDR_RESULT("amb-lease-tcp", false,
                       "connection to 10.0.1.2 port 8000",
                       "10.0.1.2 is also q's address: a reply cannot be "
                       "told apart");
    r = result_named(&addr_results, "amb-lease");
    CU_ASSERT(r && r->duration_ms == 0);
    /* And so q's own address is r's too. */
    ASSERT_ADDR_RESULT("amb-static", false, "reply from 10.0.1.2",
                       "10.0.1.2 is also r's address: a reply cannot be "
                       "told apart");
    ASSERT_ADDR_RESULT("amb-addr", false, "reply from 10.0.1.2",
                       "10.0.1.2 is the address of both q and r: a reply "
                       "cannot be told apart");

    /* s's lease is p's own address: p would answer itself. */
    ASSERT_ADDR_RESULT("amb-iso", false, "2 pairs: 0 reachable, 2 isolated",
                       "2 of 2 pairs wrong: p -> s not probed (ambiguous "
                       "address), s -> p not probed (ambiguous address)");
    r = result_named(&addr_results, "amb-iso");
    d = detail_named(r, "p -> s");
    CU_ASSERT(d && !d->passed && !strcmp(d->expected, "isolated")
              && !strcmp(d->observed, "10.0.1.1 is also p's address: a "
                         "reply cannot be told apart"));
    d = detail_named(r, "s -> p");
    CU_ASSERT(d && !d->passed
              && !strcmp(d->observed, "10.0.1.1 is also s's address: a "
                         "reply cannot be told apart"));
}

/* Only segments where both nodes have (or may get) an address make a
 * pair reachable; a pair that cannot be probed there names the node that
 * lacks the address. */
static void
test_addr_isolation_segments(void)
{
    const struct check_result *r;
    const struct check_detail *d;

    CU_ASSERT_TRUE_FATAL(addr_ready);
    /* m is on VLAN 40 only through its trunk port. */
    ASSERT_ADDR_RESULT("trunk-iso", true, "2 pairs: 0 reachable, 2 isolated",
                       "all 2 pairs as expected");
    d = detail_named(result_named(&addr_results, "trunk-iso"), "m -> t");
    CU_ASSERT(d && d->passed && !strcmp(d->expected, "isolated")
              && !strcmp(d->observed, "no route to 10.0.40.2"));

    /* u's DHCP client got no lease. */
    ASSERT_ADDR_RESULT("nolease-iso", false,
                       "2 pairs: 2 reachable, 0 isolated",
                       "2 of 2 pairs wrong: t -> u not probed (no address), "
                       "u -> t not probed (no address)");
    r = result_named(&addr_results, "nolease-iso");
    d = detail_named(r, "t -> u");
    CU_ASSERT(d && !d->passed
              && !strcmp(d->expected, "reachable (switch sw0 VLAN 40)")
              && !strcmp(d->observed, "u has no address on switch sw0 "
                         "VLAN 40 to probe"));
    d = detail_named(r, "u -> t");
    CU_ASSERT(d && !d->passed
              && !strcmp(d->observed, "u has no address on switch sw0 "
                         "VLAN 40 to probe from"));
}

/* ---- The big lab: 30 nodes, 870 pairs, one timeout. ---- */

static char *
big_yaml(void)
{
    struct ds y = DS_EMPTY_INITIALIZER;

    ds_put_cstr(&y, "settings: {timeout: 1}\nnodes:\n");
    for (int i = 0; i < BIG_PAIRS; i++) {
        /* Default routes through the peer, which does not forward: probes
         * to other pairs wait out their timeout. */
        ds_put_format(&y, "  n%da:\n    interfaces:\n"
                      "      e: {peer: n%db.e, address: 10.78.%d.1/24}\n"
                      "    routes: [{to: default, via: 10.78.%d.2}]\n"
                      "  n%db:\n    interfaces:\n"
                      "      e: {address: 10.78.%d.2/24}\n"
                      "    routes: [{to: default, via: 10.78.%d.1}]\n",
                      i, i, i, i, i, i, i);
    }
    ds_put_cstr(&y, "checks:\n  - isolation: {}\n");
    return ds_steal_cstr(&y);
}

static void
test_big_isolation(void)
{
    const struct check_result *r;
    size_t n_reachable = 0;

    CU_ASSERT_TRUE_FATAL(big_ready);
    CU_ASSERT_EQUAL_FATAL(big_results.n, 1);
    r = &big_results.results[0];
    CU_ASSERT_EQUAL(r->n_details, 2 * BIG_PAIRS * (2 * BIG_PAIRS - 1));
    CU_ASSERT_TRUE(r->passed);
    CU_ASSERT_STRING_EQUAL(r->observed, "all 870 pairs as expected");
    for (size_t i = 0; i < r->n_details; i++) {
        n_reachable += starts_with(r->details[i].expected, "reachable");
        if (!r->details[i].passed) {
            fprintf(stderr, "%s: %s\n", r->details[i].name,
                    r->details[i].observed);
        }
    }
    CU_ASSERT_EQUAL(n_reachable, 2 * BIG_PAIRS);
    CU_ASSERT(big_results.duration_ms < 2500);
    printf("\n870 pairs in %lld ms\n", big_results.duration_ms);
}

/* ---- A lab that is not there. ---- */

static const char ghost_yaml[] =
    "settings: {timeout: 1}\n"
    "nodes:\n"
    "  g1: {interfaces: {eth0: {peer: g2.eth0, address: 10.79.0.1/24}}}\n"
    "  g2: {interfaces: {eth0: {address: 10.79.0.2/24}}}\n"
    "checks:\n"
    "  - ping: {name: g-ping, from: g1, to: g2, expect: fail}\n"
    "  - tcp: {name: g-tcp, from: g1, to: g2, port: 80, expect: fail}\n"
    "  - isolation: {name: g-iso}\n"
    "  - exec: {name: g-exec, node: g1, command: \"true\"}\n";

/* Checks against namespaces that do not exist fail, even those that
 * expect failure: nothing could be probed. */
static void
test_missing_namespaces(void)
{
    struct check_results r;
    struct test_lab ghost;
    struct check_env env;
    char *name = xasprintf("ckg%x", (unsigned int) getpid());

    CU_ASSERT_TRUE_FATAL(load_lab(&ghost, name, ghost_yaml));
    CU_ASSERT_FALSE_FATAL(netns_exists(ns_of(&ghost,
                                             node_named(&ghost, "g1"))));
    env = (struct check_env) {
        .scenario = ghost.scenario, .plan = ghost.plan, .leases = NULL,
    };
    check_results_init(&r, name, NULL);
    check_run_all(&env, &r);

    CU_ASSERT_EQUAL_FATAL(r.n, 4);
    CU_ASSERT_EQUAL(check_results_n_failed(&r), 4);
    for (size_t i = 0; i < 3; i++) {
        CU_ASSERT_TRUE(starts_with(r.results[i].observed,
                                   i == 2 ? "2 of 2 pairs wrong: g1 -> g2 "
                                   "not probed (no socket)"
                                   : "cannot open a socket in node g1: "));
    }
    CU_ASSERT_TRUE(starts_with(r.results[3].observed, "cannot run: "));
    CU_ASSERT(r.duration_ms < 500);

    check_results_destroy(&r);
    plan_destroy(ghost.plan);
    scenario_destroy(ghost.scenario);
    free(name);
}

/* ---- Running. ---- */

static void
run_checks(void)
{
    const struct scenario_node *b = node_named(&lab, "b");
    struct check_env env;
    int listener;

    lab_ready = build_lab(&lab) && fake_leases();
    listener = lab_ready ? listen_in(ns_of(&lab, b)) : -1;
    lab_ready = lab_ready && listener >= 0;
    if (lab_ready) {
        env = (struct check_env) {
            .scenario = lab.scenario, .plan = lab.plan, .leases = &leases,
        };
        check_results_init(&results, lab.scenario->name, "test-check.yaml");
        check_run_all(&env, &results);
        report_print(&results, stdout);
    }
    if (listener >= 0) {
        close(listener);
    }

    big_ready = build_lab(&big);
    if (big_ready) {
        env = (struct check_env) {
            .scenario = big.scenario, .plan = big.plan, .leases = NULL,
        };
        check_results_init(&big_results, big.scenario->name, NULL);
        check_run_all(&env, &big_results);
    }

    addr_ready = build_lab(&addr) && fake_addr_leases();
    if (addr_ready) {
        env = (struct check_env) {
            .scenario = addr.scenario, .plan = addr.plan,
            .leases = &addr_leases,
        };
        check_results_init(&addr_results, addr.scenario->name, NULL);
        check_run_all(&env, &addr_results);
        report_print(&addr_results, stdout);
    }
}

static int
run_tests(void)
{
    static const struct test_case tests[] = {
        { "lab works (system ping)", test_setup_sanity },
        { "one result per check, in order, in parallel", test_all_results },
        { "ping", test_ping },
        { "tcp", test_tcp },
        { "dhcp (hand-filled leases)", test_dhcp },
        { "isolation", test_isolation },
        { "exec", test_exec },
        { "reports of a real run", test_reports },
        { "isolation of 30 nodes in one timeout", test_big_isolation },
        { "namespaces that are not there", test_missing_namespaces },
        { "address in a subnet of the source's", test_addr_subnet },
        { "addresses that two nodes hold", test_addr_ambiguous },
        { "isolation: segments where both have an address",
          test_addr_isolation_segments },
    };
    int status;

    run_checks();
    status = TEST_RUN_SUITE("check", tests);

    check_results_destroy(&results);
    check_results_destroy(&big_results);
    check_results_destroy(&addr_results);
    lease_table_destroy(&leases);
    lease_table_destroy(&addr_leases);
    return status;
}

static pid_t test_pid;

/* Stopping this program stops the tests, then removes the labs. */
static void
stop_tests(int signo)
{
    kill(test_pid, SIGKILL);
}

int
main(void)
{
    char *lab_name = xasprintf("ck%x", (unsigned int) getpid());
    char *big_name = xasprintf("ckb%x", (unsigned int) getpid());
    char *addr_name = xasprintf("cka%x", (unsigned int) getpid());
    char *big_text = big_yaml();
    int status = 1;
    bool loaded;
    pid_t pid;

    loaded = (load_lab(&lab, lab_name, lab_yaml)
              && load_lab(&big, big_name, big_text)
              && load_lab(&addr, addr_name, addr_yaml));

    /* Freed before the fork: the test process exits with exit(), and
     * LeakSanitizer found one of these, held only in a register of this
     * frame by then, to be a leak. */
    free(lab_name);
    free(big_name);
    free(addr_name);
    free(big_text);
    if (!loaded) {
        return 1;
    }

    /* Tests in a child, so that the lab goes away even if it crashes. */
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        ovs_fatal(errno, "fork");
    } else if (!pid) {
        exit(run_tests());
    }
    test_pid = pid;
    signal(SIGINT, stop_tests);
    signal(SIGTERM, stop_tests);
    signal(SIGHUP, stop_tests);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        continue;
    }
    remove_lab(&lab);
    remove_lab(&big);
    remove_lab(&addr);
    if (!WIFEXITED(status)) {
        fprintf(stderr, "test-check: test process died (status %d)\n",
                status);
    }

    plan_destroy(lab.plan);
    plan_destroy(big.plan);
    plan_destroy(addr.plan);
    scenario_destroy(lab.scenario);
    scenario_destroy(big.scenario);
    scenario_destroy(addr.scenario);
    return !WIFEXITED(status) || WEXITSTATUS(status);
}
