/*
 * Unit tests of the nftables ruleset ovs-lab generates for a lab's "host:"
 * section (no root): scenarios are loaded from YAML text, planned, and the
 * text nat_ruleset() would hand to libnftables is compared with what the
 * rules must say.
 */
#include <config.h>
#include "nat.h"

#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "scenario.h"
#include "tests/cunit-util.h"
#include "util.h"

/* Loads 'yaml' and plans it; both must succeed. */
static void
load(const char *yaml, struct scenario **sp, struct plan **planp)
{
    struct plan_options options = { .auto_datapath = "netdev" };
    char *error;

    *planp = NULL;
    error = scenario_load_string(yaml, "test.yaml", sp);
    if (error) {
        fprintf(stderr, "%s", error);
    }
    CU_ASSERT_FATAL(error == NULL);
    error = plan_build(*sp, &options, planp);
    CU_ASSERT_FATAL(error == NULL);
}

/* nat_ruleset() of 'yaml', which must succeed (malloc'd). */
static char *
ruleset_of(const char *yaml, struct scenario **sp, struct plan **planp)
{
    char *ruleset, *error;

    load(yaml, sp, planp);
    error = nat_ruleset(*sp, *planp, &ruleset);
    if (error) {
        fprintf(stderr, "%s\n", error);
    }
    CU_ASSERT_FATAL(error == NULL);
    CU_ASSERT_FATAL(ruleset != NULL);
    return ruleset;
}

/* Compares, printing both on a mismatch. */
static void
assert_text(const char *got, const char *expected)
{
    if (strcmp(got, expected)) {
        fprintf(stderr, "\n--- expected:\n%s--- got:\n%s---\n", expected, got);
    }
    CU_ASSERT_STRING_EQUAL(got, expected);
}

/* The bridge-and-NAT scenario of seed 002, as scenarios/ ships it. */
static const char seed002[] =
    "lab: s2\n"
    "switches:\n"
    "  planet-br:\n"
    "    gateway: 10.10.0.1/16\n"
    "nodes:\n"
    "  earth:\n"
    "    interfaces:\n"
    "      earth-veth: {switch: planet-br, address: 10.10.0.10/16}\n"
    "    routes: [{to: default, via: 10.10.0.1}]\n"
    "  neptune:\n"
    "    interfaces:\n"
    "      neptune-veth: {switch: planet-br, address: 10.10.0.20/16}\n"
    "  upstream:\n"
    "    interfaces:\n"
    "      wan0:\n"
    "        host: {name: up0, address: 203.0.113.1/24}\n"
    "        address: 203.0.113.2/24\n"
    "host:\n"
    "  nat:\n"
    "    - {source: 10.10.0.0/16, out: up0}\n"
    "  forward:\n"
    "    - {port: 8080, to: earth, to-port: 8000, protocol: tcp}\n";

static void
test_seed002(void)
{
    struct scenario *s;
    struct plan *plan;
    char *ruleset = ruleset_of(seed002, &s, &plan);

    CU_ASSERT(nat_needed(s));
    assert_text(ruleset,
"table ip ovs-lab-s2\n"
"delete table ip ovs-lab-s2\n"
"table ip ovs-lab-s2 {\n"
"\tchain prerouting {\n"
"\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
"\t\tfib daddr type local tcp dport 8080 dnat to 10.10.0.10:8000"
" comment \"forward tcp 8080 to earth:8000\"\n"
"\t}\n"
"\tchain output {\n"
"\t\ttype nat hook output priority -100; policy accept;\n"
"\t\tip daddr != 127.0.0.0/8 fib daddr type local tcp dport 8080"
" dnat to 10.10.0.10:8000"
" comment \"forward tcp 8080 to earth:8000 (from the host)\"\n"
"\t}\n"
"\tchain postrouting {\n"
"\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
"\t\tip saddr 10.10.0.0/16 oifname \"up0\" masquerade"
" comment \"nat 10.10.0.0/16\"\n"
"\t\tct status dnat fib saddr type local ip daddr 10.10.0.10"
" tcp dport 8000 masquerade"
" comment \"forward tcp 8080 to earth:8000: the host as client\"\n"
"\t\tct status dnat ip saddr 10.10.0.0/16 ip daddr 10.10.0.10"
" tcp dport 8000 masquerade"
" comment \"forward tcp 8080 to earth:8000: a client beside the target\"\n"
"\t}\n"
"}\n");
    free(ruleset);
    plan_destroy(plan);
    scenario_destroy(s);
}

/* Without "out", a source is masqueraded through every interface except
 * the lab's own routed ones: untagged and VLAN gateways, host links. */
static void
test_nat_without_out(void)
{
    static const char yaml[] =
        "lab: n\n"
        "switches:\n"
        "  sw:\n"
        "    gateway:\n"
        "      - {address: 10.1.0.1/24}\n"
        "      - {vlan: 20, address: 10.2.0.1/24}\n"
        "nodes:\n"
        "  a:\n"
        "    interfaces:\n"
        "      eth0: {switch: sw, address: 10.1.0.10/24}\n"
        "      eth1: {switch: sw, vlan: 20, address: 10.2.0.10/24}\n"
        "      eth2: {host: {name: hl0, address: 10.3.0.1/24},"
        " address: 10.3.0.2/24}\n"
        "host:\n"
        "  nat:\n"
        "    - source: 10.1.0.0/24\n"
        "    - source: 10.2.0.0/24\n";
    struct scenario *s;
    struct plan *plan;
    char *ruleset = ruleset_of(yaml, &s, &plan);
    char *expected;

    CU_ASSERT_EQUAL_FATAL(plan->n_gateways, 2);
    CU_ASSERT_STRING_EQUAL(plan->gateways[0].port_name, "n-sw");
    expected = xasprintf(
        "table ip ovs-lab-n\n"
        "delete table ip ovs-lab-n\n"
        "table ip ovs-lab-n {\n"
        "\tchain postrouting {\n"
        "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
        "\t\tip saddr 10.1.0.0/24 oifname != { \"n-sw\", \"%s\", \"hl0\" }"
        " masquerade comment \"nat 10.1.0.0/24\"\n"
        "\t\tip saddr 10.2.0.0/24 oifname != { \"n-sw\", \"%s\", \"hl0\" }"
        " masquerade comment \"nat 10.2.0.0/24\"\n"
        "\t}\n"
        "}\n", plan->gateways[1].port_name, plan->gateways[1].port_name);
    assert_text(ruleset, expected);
    free(expected);
    free(ruleset);
    plan_destroy(plan);
    scenario_destroy(s);
}

/* A single lab interface is matched without a set; UDP forwards use
 * "udp dport"; a forward to NODE.IFACE on a host link uses that link's
 * address, and the hairpin rule its subnet. */
static void
test_host_link_udp_forward(void)
{
    static const char yaml[] =
        "lab: u\n"
        "nodes:\n"
        "  dns:\n"
        "    interfaces:\n"
        "      eth0: {host: {name: u-dns0, address: 192.168.7.1/28},"
        " address: 192.168.7.2/28}\n"
        "host:\n"
        "  nat:\n"
        "    - source: 192.168.7.0/28\n"
        "  forward:\n"
        "    - {port: 5353, to: dns.eth0, to-port: 53, protocol: udp}\n"
        "    - {port: 5353, to: dns, protocol: tcp}\n";
    struct scenario *s;
    struct plan *plan;
    char *ruleset = ruleset_of(yaml, &s, &plan);

    assert_text(ruleset,
"table ip ovs-lab-u\n"
"delete table ip ovs-lab-u\n"
"table ip ovs-lab-u {\n"
"\tchain prerouting {\n"
"\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
"\t\tfib daddr type local udp dport 5353 dnat to 192.168.7.2:53"
" comment \"forward udp 5353 to dns.eth0:53\"\n"
"\t\tfib daddr type local tcp dport 5353 dnat to 192.168.7.2:5353"
" comment \"forward tcp 5353 to dns:5353\"\n"
"\t}\n"
"\tchain output {\n"
"\t\ttype nat hook output priority -100; policy accept;\n"
"\t\tip daddr != 127.0.0.0/8 fib daddr type local udp dport 5353"
" dnat to 192.168.7.2:53"
" comment \"forward udp 5353 to dns.eth0:53 (from the host)\"\n"
"\t\tip daddr != 127.0.0.0/8 fib daddr type local tcp dport 5353"
" dnat to 192.168.7.2:5353"
" comment \"forward tcp 5353 to dns:5353 (from the host)\"\n"
"\t}\n"
"\tchain postrouting {\n"
"\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
"\t\tip saddr 192.168.7.0/28 oifname != \"u-dns0\" masquerade"
" comment \"nat 192.168.7.0/28\"\n"
"\t\tct status dnat fib saddr type local ip daddr 192.168.7.2"
" udp dport 53 masquerade"
" comment \"forward udp 5353 to dns.eth0:53: the host as client\"\n"
"\t\tct status dnat ip saddr 192.168.7.0/28 ip daddr 192.168.7.2"
" udp dport 53 masquerade"
" comment \"forward udp 5353 to dns.eth0:53: a client beside the target\"\n"
"\t\tct status dnat fib saddr type local ip daddr 192.168.7.2"
" tcp dport 5353 masquerade"
" comment \"forward tcp 5353 to dns:5353: the host as client\"\n"
"\t\tct status dnat ip saddr 192.168.7.0/28 ip daddr 192.168.7.2"
" tcp dport 5353 masquerade"
" comment \"forward tcp 5353 to dns:5353: a client beside the target\"\n"
"\t}\n"
"}\n");
    free(ruleset);
    plan_destroy(plan);
    scenario_destroy(s);
}

/* Errors: an IPv6 source (IPv4 only), an interface name nftables would
 * take for a wildcard. */
static void
test_refused(void)
{
    static const char ipv6[] =
        "lab: v6\n"
        "switches:\n"
        "  sw: {gateway: 'fd00:1::1/64'}\n"
        "nodes:\n"
        "  a:\n"
        "    interfaces:\n"
        "      eth0: {switch: sw, address: 'fd00:1::10/64'}\n"
        "host:\n"
        "  nat:\n"
        "    - source: fd00:1::/64\n";
    static const char wildcard[] =
        "lab: w\n"
        "switches:\n"
        "  sw: {gateway: 10.1.0.1/24}\n"
        "nodes:\n"
        "  a:\n"
        "    interfaces:\n"
        "      eth0: {switch: sw, address: 10.1.0.10/24}\n"
        "host:\n"
        "  nat:\n"
        "    - {source: 10.1.0.0/24, out: 'eth*'}\n";
    static const char host_name[] =
        "lab: q\n"
        "nodes:\n"
        "  a:\n"
        "    interfaces:\n"
        "      up: {host: {name: 'up\"x*', address: 10.1.0.1/24}, "
        "address: 10.1.0.2/24}\n"
        "host:\n"
        "  forward:\n"
        "    - {port: 80, to: a}\n";
    struct scenario *s;
    char *error;

    /* Validation refuses them (nat_validate()), with their positions. */
    error = scenario_load_string(ipv6, "test.yaml", &s);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_STRING_EQUAL(error, "test.yaml:10:15: error: NAT source "
                           "fd00:1::/64 is not IPv4; ovs-lab masquerades "
                           "IPv4 only, use an IPv4 network or remove the "
                           "rule\n");
    free(error);

    error = scenario_load_string(wildcard, "test.yaml", &s);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_STRING_EQUAL(error, "test.yaml:10:7: error: NAT egress "
                           "interface \"eth*\" contains '\"', '*' or '\\', "
                           "which nftables cannot match literally; use a "
                           "name without them\n");
    free(error);

    error = scenario_load_string(host_name, "test.yaml", &s);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_STRING_EQUAL(error, "test.yaml:5:7: error: host-side name "
                           "\"up\"x*\" of a.up contains '\"', '*' or "
                           "'\\', which the lab's NAT rules cannot match "
                           "literally; rename it\n");
    free(error);
}

static void
test_names(void)
{
    static const char no_host[] =
        "nodes:\n"
        "  a: {}\n";
    struct scenario *s;
    struct plan *plan;
    char *name = nat_table_name("lab-1");

    CU_ASSERT_STRING_EQUAL(name, "ovs-lab-lab-1");
    free(name);

    load(no_host, &s, &plan);
    CU_ASSERT_FALSE(nat_needed(s));
    plan_destroy(plan);
    scenario_destroy(s);
}

int
main(void)
{
    static const struct test_case tests[] = {
        { "seed 002 ruleset", test_seed002 },
        { "nat without out", test_nat_without_out },
        { "host link, udp forward", test_host_link_udp_forward },
        { "refused", test_refused },
        { "names", test_names },
    };

    return TEST_RUN_SUITE("nat", tests);
}
