/*
 * Unit tests of the scenario module (no root needed):
 *
 *   - every .yaml file in scenarios/ loads, and the models of some are as
 *     written;
 *   - every .yaml file in tests/invalid/ fails with exactly the errors its
 *     "# expect: LINE:COLUMN: TEXT" comments list;
 *   - segments, error formatting, names, addresses, lookups.
 *
 * Files are found under $OVS_LAB_SRCDIR (set by tests/run-tests) or else
 * the source directory this program was built from (SRCDIR).
 */
#include <config.h>
#include "scenario.h"

#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "scenario-private.h"
#include "tests/cunit-util.h"
#include "util.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif

static const char *
srcdir(void)
{
    const char *dir = getenv("OVS_LAB_SRCDIR");
    return dir && dir[0] ? dir : SRCDIR;
}

static int
compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Returns the sorted names of the *.yaml files in 'subdir' of the source
 * tree, as a malloc'd NULL-terminated array of malloc'd paths. */
static char **
yaml_files(const char *subdir, size_t *n)
{
    char *dir_name = xasprintf("%s/%s", srcdir(), subdir);
    DIR *dir = opendir(dir_name);
    char **paths = NULL;
    size_t allocated = 0;

    *n = 0;
    if (!dir) {
        fprintf(stderr, "cannot open %s\n", dir_name);
        free(dir_name);
        return xzalloc(sizeof *paths);
    }

    struct dirent *de;
    while ((de = readdir(dir))) {
        size_t len = strlen(de->d_name);
        if (len > 5 && !strcmp(de->d_name + len - 5, ".yaml")) {
            if (*n + 1 >= allocated) {
                paths = x2nrealloc(paths, &allocated, sizeof *paths);
            }
            paths[(*n)++] = xasprintf("%s/%s", dir_name, de->d_name);
        }
    }
    closedir(dir);
    free(dir_name);

    paths = xrealloc(paths, (*n + 1) * sizeof *paths);
    paths[*n] = NULL;
    qsort(paths, *n, sizeof *paths, compare_strings);
    return paths;
}

static void
free_paths(char **paths)
{
    for (char **p = paths; *p; p++) {
        free(*p);
    }
    free(paths);
}

static struct scenario *
load_scenario(const char *name)
{
    char *path = xasprintf("%s/scenarios/%s", srcdir(), name);
    struct scenario *s;
    char *error = scenario_load_file(path, &s);

    if (error) {
        fprintf(stderr, "%s", error);
        free(error);
    }
    free(path);
    return s;
}

/* Loads 'text' and returns the scenario, or NULL after printing errors. */
static struct scenario *
load_text(const char *text)
{
    struct scenario *s;
    char *error = scenario_load_string(text, "test.yaml", &s);

    if (error) {
        fprintf(stderr, "%s", error);
        free(error);
    }
    return s;
}

/* Loads 'text', which must fail, and returns the error string. */
static char *
load_text_error(const char *text)
{
    struct scenario *s;
    char *error = scenario_load_string(text, "bad.yaml", &s);

    CU_ASSERT_PTR_NULL(s);
    scenario_destroy(s);
    return error ? error : xstrdup("");
}

/* Writes 'length' bytes of 'text' to a file named 'name' in a new
 * temporary directory and loads it.  Returns the error string (NULL if the
 * file loaded; the scenario is then destroyed). */
static char *
load_temp_file(const char *name, const char *text, size_t length)
{
    char dir[] = "/tmp/test-scenario-XXXXXX";
    struct scenario *s;
    char *error = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char *path = xasprintf("%s/%s", dir, name);
    FILE *stream = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(stream);
    CU_ASSERT_EQUAL(fwrite(text, 1, length, stream), length);
    CU_ASSERT_EQUAL(fclose(stream), 0);

    error = scenario_load_file(path, &s);
    scenario_destroy(s);
    unlink(path);
    rmdir(dir);
    free(path);
    return error;
}

/* ---- Settings. ---- */

static void
test_settings(void)
{
    struct scenario *s = load_text(
        "settings: {timeout: 1m, isolation-timeout: 3s}\n"
        "nodes:\n"
        "  a: {interfaces: {eth0: {peer: b.eth0, address: 10.0.0.1/24}}}\n"
        "  b: {interfaces: {eth0: {address: 10.0.0.2/24}}}\n"
        "checks:\n"
        "  - isolation: {}\n"
        "  - isolation: {timeout: 2}\n");

    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->settings.timeout, 60);
    CU_ASSERT_EQUAL(s->settings.isolation_timeout, 3);
    CU_ASSERT_EQUAL(s->checks[0].timeout, 60);
    CU_ASSERT_EQUAL(s->checks[1].timeout, 2);
    scenario_destroy(s);
}

/* ---- Shipped scenarios. ---- */

static void
test_all_scenarios_load(void)
{
    size_t n;
    char **paths = yaml_files("scenarios", &n);

    CU_ASSERT(n >= 8);
    for (size_t i = 0; i < n; i++) {
        struct scenario_errors errors;
        struct scenario *s;

        scenario_errors_init(&errors);
        s = scenario_parse_file(paths[i], &errors);
        if (!s) {
            char *msg = scenario_errors_to_string(&errors);
            fprintf(stderr, "%s should load but fails:\n%s", paths[i], msg);
            free(msg);
        }
        CU_ASSERT_PTR_NOT_NULL(s);
        CU_ASSERT_EQUAL(errors.n, 0);
        if (s) {
            CU_ASSERT(s->n_nodes >= 1);
            CU_ASSERT(scenario_is_valid_lab_name(s->name));
        }
        scenario_destroy(s);
        scenario_errors_destroy(&errors);
    }
    free_paths(paths);
}

static void
test_seed001_model(void)
{
    struct scenario *s = load_scenario("seed001-ovs-vlans-dhcp.yaml");

    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_STRING_EQUAL(s->name, "seed001");
    CU_ASSERT_EQUAL(s->n_switches, 1);
    CU_ASSERT_STRING_EQUAL(s->switches[0].name, "br0");
    CU_ASSERT_EQUAL(s->switches[0].n_ifaces, 3);

    /* Nodes in file order. */
    CU_ASSERT_EQUAL_FATAL(s->n_nodes, 3);
    CU_ASSERT_STRING_EQUAL(s->nodes[0].name, "ns1");
    CU_ASSERT_STRING_EQUAL(s->nodes[1].name, "ns2");
    CU_ASSERT_STRING_EQUAL(s->nodes[2].name, "ns3");

    struct scenario_node *ns1 = scenario_find_node(s, "ns1");
    CU_ASSERT_PTR_EQUAL(ns1, &s->nodes[0]);
    struct scenario_iface *eth0 = scenario_node_find_iface(ns1, "eth0");
    CU_ASSERT_FATAL(eth0 != NULL);
    CU_ASSERT_PTR_EQUAL(eth0->node, ns1);
    CU_ASSERT_EQUAL(eth0->link, SCENARIO_LINK_SWITCH);
    CU_ASSERT_PTR_EQUAL(eth0->sw, &s->switches[0]);
    CU_ASSERT_EQUAL(eth0->vlan, 100);
    CU_ASSERT_EQUAL_FATAL(eth0->n_addrs, 1);
    CU_ASSERT_EQUAL(eth0->addrs[0].family, AF_INET);
    CU_ASSERT_EQUAL(eth0->addrs[0].plen, 24);
    CU_ASSERT_STRING_EQUAL(eth0->addrs[0].text, "10.0.100.1/24");
    CU_ASSERT_EQUAL(scenario_addr_ipv4(&eth0->addrs[0]),
                    htonl(0x0a006401));
    CU_ASSERT_FALSE(eth0->dhcp);

    /* The DHCP server. */
    CU_ASSERT_FATAL(ns1->dhcp_server != NULL);
    CU_ASSERT_FALSE(ns1->dhcp_server->dns);
    CU_ASSERT_EQUAL_FATAL(ns1->dhcp_server->n_pools, 1);
    struct scenario_dhcp_pool *pool = &ns1->dhcp_server->pools[0];
    CU_ASSERT_PTR_EQUAL(pool->iface, eth0);
    CU_ASSERT_PTR_EQUAL(pool->subnet, &eth0->addrs[0]);
    CU_ASSERT_STRING_EQUAL(pool->range_start.text, "10.0.100.100");
    CU_ASSERT_STRING_EQUAL(pool->range_end.text, "10.0.100.200");
    CU_ASSERT_EQUAL(scenario_addr_ipv4(&pool->range_end),
                    htonl(0x0a0064c8));
    CU_ASSERT_EQUAL(pool->lease_time, 3600);

    /* ns2 and ns3 are DHCP clients on different VLANs. */
    struct scenario_iface *ns2 = &s->nodes[1].ifaces[0];
    struct scenario_iface *ns3 = &s->nodes[2].ifaces[0];
    CU_ASSERT(ns2->dhcp && ns3->dhcp);
    CU_ASSERT_EQUAL(ns3->vlan, 200);
    CU_ASSERT_PTR_EQUAL(ns2->segment, eth0->segment);
    CU_ASSERT_PTR_NOT_EQUAL(ns3->segment, eth0->segment);
    CU_ASSERT_PTR_EQUAL(eth0->segment->dhcp, pool);
    CU_ASSERT_PTR_EQUAL(pool->segment, eth0->segment);
    CU_ASSERT_PTR_NULL(ns3->segment->dhcp);

    /* Checks in file order, resolved. */
    CU_ASSERT_EQUAL_FATAL(s->n_checks, 6);
    struct scenario_check *c = &s->checks[0];
    CU_ASSERT_EQUAL(c->kind, SCENARIO_CHECK_DHCP);
    CU_ASSERT_PTR_EQUAL(c->dhcp.node, &s->nodes[1]);
    CU_ASSERT_PTR_EQUAL(c->dhcp.iface, ns2);
    CU_ASSERT(c->dhcp.has_range);
    CU_ASSERT(c->expect_ok);
    /* "settings: timeout: 4s" applies to every check without its own. */
    CU_ASSERT_EQUAL(s->settings.timeout, 4);
    CU_ASSERT_EQUAL(c->timeout, 4);
    CU_ASSERT_STRING_EQUAL(c->name, "ns2 gets a lease from dnsmasq in ns1");
    c = &s->checks[3];
    CU_ASSERT_EQUAL(c->kind, SCENARIO_CHECK_DHCP);
    CU_ASSERT_FALSE(c->expect_ok);
    CU_ASSERT_PTR_EQUAL(c->dhcp.iface, ns3);
    c = &s->checks[4];
    CU_ASSERT_EQUAL(c->kind, SCENARIO_CHECK_PING);
    CU_ASSERT_PTR_EQUAL(c->reach.from, &s->nodes[2]);
    CU_ASSERT_PTR_EQUAL(c->reach.to.node, ns1);
    CU_ASSERT_PTR_NULL(c->reach.to.iface);
    CU_ASSERT_FALSE(c->reach.to.is_addr);
    CU_ASSERT_FALSE(c->expect_ok);
    c = &s->checks[5];
    CU_ASSERT_EQUAL(c->kind, SCENARIO_CHECK_ISOLATION);
    CU_ASSERT(c->isolation.all);
    CU_ASSERT_EQUAL(c->isolation.n_nodes, 3);

    scenario_destroy(s);
}

static void
test_seed002_nat_model(void)
{
    struct scenario *s = load_scenario("seed002-bridge-nat.yaml");

    CU_ASSERT_FATAL(s != NULL);
    struct scenario_switch *br = scenario_find_switch(s, "planet-br");
    CU_ASSERT_FATAL(br != NULL);
    CU_ASSERT_EQUAL_FATAL(br->n_gateways, 1);
    CU_ASSERT_EQUAL(br->gateways[0].vlan, 0);
    CU_ASSERT_STRING_EQUAL(br->gateways[0].addrs[0].text, "10.10.0.1/16");

    struct scenario_node *earth = scenario_find_node(s, "earth");
    CU_ASSERT_FATAL(earth != NULL);
    CU_ASSERT_EQUAL_FATAL(earth->n_routes, 1);
    CU_ASSERT(earth->routes[0].is_default);
    CU_ASSERT_EQUAL(earth->routes[0].dst.plen, 0);
    CU_ASSERT_STRING_EQUAL(earth->routes[0].via.text, "10.10.0.1");
    CU_ASSERT_EQUAL_FATAL(earth->n_starts, 1);
    CU_ASSERT_STRING_EQUAL(earth->starts[0].command,
                           "python3 -m http.server 8000");
    CU_ASSERT_EQUAL(earth->starts[0].wait_port, 8000);

    struct scenario_node *up = scenario_find_node(s, "upstream");
    CU_ASSERT_FATAL(up != NULL);
    struct scenario_iface *wan = &up->ifaces[0];
    CU_ASSERT_EQUAL(wan->link, SCENARIO_LINK_HOST);
    CU_ASSERT_STRING_EQUAL(wan->host_name, "seed2-up0");
    CU_ASSERT_EQUAL_FATAL(wan->n_host_addrs, 1);
    CU_ASSERT_STRING_EQUAL(wan->host_addrs[0].text, "203.0.113.1/24");

    CU_ASSERT_EQUAL_FATAL(s->host.n_nats, 1);
    CU_ASSERT_STRING_EQUAL(s->host.nats[0].source.text, "10.10.0.0/16");
    CU_ASSERT_STRING_EQUAL(s->host.nats[0].out, "seed2-up0");
    CU_ASSERT_EQUAL_FATAL(s->host.n_forwards, 1);
    struct scenario_forward *fwd = &s->host.forwards[0];
    CU_ASSERT_EQUAL(fwd->port, 8080);
    CU_ASSERT_EQUAL(fwd->to_port, 8000);
    CU_ASSERT_EQUAL(fwd->protocol, IPPROTO_TCP);
    CU_ASSERT_PTR_EQUAL(fwd->node, earth);
    CU_ASSERT_PTR_NULL(fwd->iface);
    CU_ASSERT_PTR_EQUAL(fwd->to_addr, &earth->ifaces[0].addrs[0]);

    /* A check to a host-side address is a lab address. */
    struct scenario_check *tcp = &s->checks[4];
    CU_ASSERT_EQUAL(tcp->kind, SCENARIO_CHECK_TCP);
    CU_ASSERT(tcp->reach.to.is_addr);
    CU_ASSERT_PTR_NULL(tcp->reach.to.node);
    CU_ASSERT_EQUAL(tcp->reach.port, 8080);

    scenario_destroy(s);
}

static void
test_two_vlan_dhcp_model(void)
{
    struct scenario *s = load_scenario("two-vlan-dhcp.yaml");

    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL(s->settings.timeout, 15);
    CU_ASSERT_EQUAL(s->settings.dhcp_client, SCENARIO_DHCP_CLIENT_UDHCPC);
    CU_ASSERT_EQUAL(s->checks[0].timeout, 15);

    struct scenario_node *dhcp = scenario_find_node(s, "dhcp");
    CU_ASSERT_FATAL(dhcp && dhcp->dhcp_server);
    CU_ASSERT_EQUAL_FATAL(dhcp->dhcp_server->n_pools, 2);
    struct scenario_dhcp_pool *p10 = &dhcp->dhcp_server->pools[0];
    struct scenario_dhcp_pool *p20 = &dhcp->dhcp_server->pools[1];
    CU_ASSERT_STRING_EQUAL(p10->iface->name, "eth10");
    CU_ASSERT_STRING_EQUAL(p20->iface->name, "eth20");
    CU_ASSERT_EQUAL(p10->lease_time, 600);
    CU_ASSERT(p10->has_router);
    CU_ASSERT_FALSE(p20->has_router);
    CU_ASSERT_PTR_NOT_EQUAL(p10->segment, p20->segment);
    CU_ASSERT_EQUAL(p10->segment->vlan, 10);
    CU_ASSERT_EQUAL(p20->segment->vlan, 20);

    /* The fixed lease "a2" resolves to a2's DHCP interface. */
    struct scenario_node *a2 = scenario_find_node(s, "a2");
    CU_ASSERT_EQUAL_FATAL(p10->n_fixed, 1);
    CU_ASSERT_PTR_EQUAL(p10->fixed[0].iface, &a2->ifaces[0]);
    CU_ASSERT_STRING_EQUAL(p10->fixed[0].addr.text, "10.0.10.50");
    CU_ASSERT(a2->ifaces[0].has_mac);
    CU_ASSERT_EQUAL(a2->ifaces[0].mac.ea[5], 0x02);

    /* dhcp check with an explicit interface; ping to NODE.IFACE. */
    CU_ASSERT_STRING_EQUAL(s->checks[2].dhcp.iface->name, "eth0");
    CU_ASSERT_PTR_EQUAL(s->checks[3].reach.to.iface, &dhcp->ifaces[0]);

    scenario_destroy(s);
}

static void
test_seed003_model(void)
{
    struct scenario *s = load_scenario("seed003-services.yaml");

    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL_FATAL(s->n_nodes, 3);
    for (size_t i = 0; i < s->n_nodes; i++) {
        const struct scenario_node *node = &s->nodes[i];

        /* The aliased resolv.conf is the same text everywhere. */
        CU_ASSERT_EQUAL_FATAL(node->n_files, 2);
        CU_ASSERT_STRING_EQUAL(node->files[0].name, "resolv.conf");
        CU_ASSERT_STRING_EQUAL(node->files[0].content,
                               "nameserver 10.0.3.53\nsearch lab.test\n"
                               "options timeout:1 attempts:1\n");
        CU_ASSERT_FALSE(node->files[0].generate_hosts);
        CU_ASSERT_STRING_EQUAL(node->files[1].name, "hosts");
        CU_ASSERT_PTR_NULL(node->files[1].content);
        CU_ASSERT(node->files[1].generate_hosts);
        CU_ASSERT_EQUAL(node->n_starts, 1);
        CU_ASSERT_EQUAL(node->starts[0].wait_port, 8000);
    }
    CU_ASSERT_EQUAL(s->checks[4].kind, SCENARIO_CHECK_EXEC);
    CU_ASSERT_STRING_EQUAL(s->checks[4].exec.output,
                           "nameserver 10\\.0\\.3\\.53");
    scenario_destroy(s);
}

static void
test_seed004_model(void)
{
    struct scenario *s = load_scenario("seed004-host-veth.yaml");

    CU_ASSERT_FATAL(s != NULL);
    struct scenario_node *isolated = scenario_find_node(s, "isolated");
    CU_ASSERT_FATAL(isolated != NULL);
    CU_ASSERT_EQUAL(isolated->n_ifaces, 0);

    struct scenario_iface *veth = &s->nodes[0].ifaces[0];
    CU_ASSERT_EQUAL(veth->link, SCENARIO_LINK_HOST);
    CU_ASSERT_PTR_NULL(veth->host_name);
    CU_ASSERT_STRING_EQUAL(veth->host_addrs[0].text, "10.1.1.2/24");

    struct scenario_check *iso = &s->checks[4];
    CU_ASSERT_EQUAL(iso->kind, SCENARIO_CHECK_ISOLATION);
    CU_ASSERT_FALSE(iso->isolation.all);
    CU_ASSERT_EQUAL_FATAL(iso->isolation.n_nodes, 2);
    CU_ASSERT_PTR_EQUAL(iso->isolation.nodes[1], isolated);
    CU_ASSERT_EQUAL(s->checks[3].exec.exit_status, 0);
    CU_ASSERT_PTR_NULL(s->checks[3].exec.output);
    /* No settings: the default timeout of 10 s, isolation-timeout 1 s. */
    CU_ASSERT_EQUAL(s->settings.timeout, 10);
    CU_ASSERT_EQUAL(s->settings.isolation_timeout, 1);
    CU_ASSERT_EQUAL(s->checks[0].timeout, 10);

    scenario_destroy(s);
}

/* ---- The invalid corpus. ---- */

struct expectation {
    int line, column;
    char *text;
    bool found;
};

/* Reads the "# expect: LINE:COLUMN: TEXT" lines of 'path'. */
static size_t
read_expectations(const char *path, struct expectation **exps)
{
    FILE *stream = fopen(path, "r");
    size_t n = 0, allocated = 0;
    char line[1024];

    *exps = NULL;
    if (!stream) {
        return 0;
    }
    while (fgets(line, sizeof line, stream)) {
        int l, c, pos = 0;
        if (sscanf(line, "# expect: %d:%d: %n", &l, &c, &pos) == 2 && pos) {
            char *text = xstrdup(line + pos);
            text[strcspn(text, "\n")] = '\0';
            if (n >= allocated) {
                *exps = x2nrealloc(*exps, &allocated, sizeof **exps);
            }
            (*exps)[n++] = (struct expectation) { l, c, text, false };
        }
    }
    fclose(stream);
    return n;
}

static void
test_invalid_corpus(void)
{
    size_t n_files, n_expectations = 0;
    char **paths = yaml_files("tests/invalid", &n_files);

    CU_ASSERT(n_files >= 35);
    for (size_t i = 0; i < n_files; i++) {
        const char *path = paths[i];
        struct expectation *exps;
        size_t n = read_expectations(path, &exps);
        struct scenario_errors errors;
        struct scenario *s;
        bool ok = true;

        n_expectations += n;
        scenario_errors_init(&errors);
        s = scenario_parse_file(path, &errors);
        if (s || !n || errors.n != n) {
            ok = false;
        }
        for (size_t j = 0; j < errors.n; j++) {
            const struct scenario_error *e = &errors.errors[j];
            for (size_t k = 0; k < n; k++) {
                if (!exps[k].found && e->loc.line == exps[k].line
                    && e->loc.column == exps[k].column
                    && strstr(e->msg, exps[k].text)) {
                    exps[k].found = true;
                    break;
                }
            }
            /* Every message says what is wrong; what to do. */
            if (!strstr(e->msg, "; ")) {
                fprintf(stderr, "%s: message without a hint: %s\n", path,
                        e->msg);
                ok = false;
            }
            /* Sorted by position. */
            if (j && (e->loc.line < errors.errors[j - 1].loc.line
                      || (e->loc.line == errors.errors[j - 1].loc.line
                          && e->loc.column
                             < errors.errors[j - 1].loc.column))) {
                ok = false;
            }
        }
        for (size_t k = 0; k < n; k++) {
            if (!exps[k].found) {
                fprintf(stderr, "%s: expected error not reported: %d:%d: "
                        "%s\n", path, exps[k].line, exps[k].column,
                        exps[k].text);
                ok = false;
            }
            free(exps[k].text);
        }
        if (!ok) {
            char *msg = scenario_errors_to_string(&errors);
            fprintf(stderr, "%s: %s with %"PRIuSIZE" expectations, got:\n%s",
                    path, s ? "LOADED" : "failed", n, msg);
            free(msg);
        }
        CU_ASSERT(ok);
        free(exps);
        scenario_destroy(s);
        scenario_errors_destroy(&errors);
    }
    CU_ASSERT(n_expectations >= n_files);
    free_paths(paths);
}

/* ---- Segments. ---- */

static const struct scenario_segment *
find_segment(const struct scenario *s, const char *name)
{
    for (size_t i = 0; i < s->n_segments; i++) {
        if (!strcmp(s->segments[i].name, name)) {
            return &s->segments[i];
        }
    }
    return NULL;
}

static void
test_segments_switch(void)
{
    struct scenario *s = load_text(
        "switches:\n"
        "  br0:\n"
        "    gateway:\n"
        "      - {vlan: 10, address: 10.0.10.1/24}\n"
        "      - {address: 10.0.0.1/24}\n"
        "  br1: {}\n"
        "nodes:\n"
        "  a:\n"
        "    interfaces:\n"
        "      e10: {switch: br0, vlan: 10, address: 10.0.10.2/24}\n"
        "      e0: {switch: br0, address: 10.0.0.2/24}\n"
        "      t: {switch: br0, trunk: [20, 10]}\n"
        "  b:\n"
        "    interfaces:\n"
        "      e10: {switch: br0, vlan: 10, address: 10.0.10.3/24}\n"
        "      e20: {switch: br0, vlan: 20}\n"
        "      x: {switch: br1, vlan: 10}\n");

    CU_ASSERT_FATAL(s != NULL);
    /* Order: gateways first (br0 VLAN 10, br0 untagged), then interfaces
     * (a.t brings br0 VLAN 20, b.x brings br1 VLAN 10). */
    CU_ASSERT_EQUAL_FATAL(s->n_segments, 4);
    CU_ASSERT_STRING_EQUAL(s->segments[0].name, "switch br0 VLAN 10");
    CU_ASSERT_STRING_EQUAL(s->segments[1].name, "switch br0 untagged");
    CU_ASSERT_STRING_EQUAL(s->segments[2].name, "switch br0 VLAN 20");
    CU_ASSERT_STRING_EQUAL(s->segments[3].name, "switch br1 VLAN 10");

    const struct scenario_segment *v10 = &s->segments[0];
    CU_ASSERT_EQUAL(v10->kind, SCENARIO_SEGMENT_SWITCH);
    CU_ASSERT_PTR_EQUAL(v10->sw, &s->switches[0]);
    CU_ASSERT_EQUAL(v10->vlan, 10);
    /* Gateway, a.e10, a.t (trunk), b.e10. */
    CU_ASSERT_EQUAL_FATAL(v10->n_members, 4);
    CU_ASSERT_EQUAL(v10->members[0].kind, SCENARIO_MEMBER_GATEWAY);
    CU_ASSERT_PTR_EQUAL(v10->members[0].gateway,
                        &s->switches[0].gateways[0]);
    CU_ASSERT_EQUAL(v10->members[0].n_addrs, 1);
    CU_ASSERT_STRING_EQUAL(v10->members[1].iface->name, "e10");
    CU_ASSERT_STRING_EQUAL(v10->members[2].iface->name, "t");
    CU_ASSERT_EQUAL(v10->members[2].n_addrs, 0);
    CU_ASSERT_STRING_EQUAL(v10->members[3].iface->node->name, "b");

    /* The untagged segment: gateway and a.e0, not the trunk port. */
    const struct scenario_segment *untagged = &s->segments[1];
    CU_ASSERT_EQUAL(untagged->vlan, 0);
    CU_ASSERT_EQUAL_FATAL(untagged->n_members, 2);
    CU_ASSERT_STRING_EQUAL(untagged->members[1].iface->name, "e0");

    /* VLAN 20: the trunk and b.e20. */
    CU_ASSERT_EQUAL(s->segments[2].n_members, 2);
    /* Same VLAN on another switch is another segment. */
    CU_ASSERT_EQUAL(s->segments[3].n_members, 1);

    /* Back pointers. */
    struct scenario_node *a = &s->nodes[0];
    CU_ASSERT_PTR_EQUAL(a->ifaces[0].segment, v10);
    CU_ASSERT_PTR_EQUAL(a->ifaces[1].segment, untagged);
    CU_ASSERT_PTR_NULL(a->ifaces[2].segment);
    CU_ASSERT_PTR_EQUAL(s->switches[0].gateways[1].segment, untagged);
    CU_ASSERT_EQUAL(s->switches[0].n_ifaces, 5);
    CU_ASSERT_EQUAL(s->switches[1].n_ifaces, 1);

    scenario_destroy(s);
}

static void
test_segments_peer_and_host(void)
{
    struct scenario *s = load_text(
        "nodes:\n"
        "  a:\n"
        "    interfaces:\n"
        "      p: {address: 10.0.0.1/30}\n"
        "      h: {host: {address: 10.9.0.1/24}, address: 10.9.0.2/24}\n"
        "  b:\n"
        "    interfaces:\n"
        "      p: {peer: a.p, address: 10.0.0.2/30}\n"
        "      q: {peer: c.q}\n"
        "  c:\n"
        "    interfaces:\n"
        "      q: {peer: b.q}\n");

    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL_FATAL(s->n_segments, 3);

    /* a.p is declared first: it creates the pair, though b.p names it. */
    struct scenario_iface *ap = &s->nodes[0].ifaces[0];
    struct scenario_iface *bp = &s->nodes[1].ifaces[0];
    CU_ASSERT_EQUAL(ap->link, SCENARIO_LINK_PEER);
    CU_ASSERT_PTR_EQUAL(ap->peer, bp);
    CU_ASSERT_PTR_EQUAL(bp->peer, ap);
    CU_ASSERT(ap->peer_first);
    CU_ASSERT_FALSE(bp->peer_first);
    CU_ASSERT_PTR_NULL(ap->peer_ref.text);
    CU_ASSERT_STRING_EQUAL(bp->peer_ref.text, "a.p");

    const struct scenario_segment *pair = find_segment(s,
                                                       "veth a.p -- b.p");
    CU_ASSERT_FATAL(pair != NULL);
    CU_ASSERT_EQUAL(pair->kind, SCENARIO_SEGMENT_PEER);
    CU_ASSERT_EQUAL(pair->n_members, 2);
    CU_ASSERT_PTR_EQUAL(ap->segment, pair);
    CU_ASSERT_PTR_EQUAL(bp->segment, pair);

    /* Both ends naming each other is fine. */
    const struct scenario_segment *q = find_segment(s, "veth b.q -- c.q");
    CU_ASSERT_FATAL(q != NULL);
    CU_ASSERT(s->nodes[1].ifaces[1].peer_first);

    const struct scenario_segment *host = find_segment(s, "host link a.h");
    CU_ASSERT_FATAL(host != NULL);
    CU_ASSERT_EQUAL(host->kind, SCENARIO_SEGMENT_HOST);
    CU_ASSERT_EQUAL_FATAL(host->n_members, 2);
    CU_ASSERT_EQUAL(host->members[0].kind, SCENARIO_MEMBER_IFACE);
    CU_ASSERT_EQUAL(host->members[1].kind, SCENARIO_MEMBER_HOST_END);
    CU_ASSERT_STRING_EQUAL(host->members[1].addrs[0].text, "10.9.0.1/24");

    /* Segment order follows the first member's declaration. */
    CU_ASSERT_PTR_EQUAL(&s->segments[0], pair);
    CU_ASSERT_PTR_EQUAL(&s->segments[1], host);
    CU_ASSERT_PTR_EQUAL(&s->segments[2], q);

    scenario_destroy(s);
}

static void
test_segments_same_subnet_different_vlans(void)
{
    /* The same address on two segments is fine; on one it is not. */
    struct scenario *s = load_text(
        "switches: {s: {}}\n"
        "nodes:\n"
        "  a: {interfaces: {e: {switch: s, vlan: 1, address: 10.0.0.1/8}}}\n"
        "  b: {interfaces: {e: {switch: s, vlan: 2, address: 10.0.0.1/8}}}\n");
    CU_ASSERT_PTR_NOT_NULL(s);
    scenario_destroy(s);

    char *error = load_text_error(
        "switches: {s: {}}\n"
        "nodes:\n"
        "  a: {interfaces: {e: {switch: s, vlan: 1, address: 10.0.0.1/8}}}\n"
        "  b: {interfaces: {e: {switch: s, vlan: 1, address: 10.0.0.1/9}}}\n");
    CU_ASSERT_STRING_EQUAL(error, "bad.yaml:4:53: error: address 10.0.0.1/9 "
                           "is used twice on switch s VLAN 1 (also at "
                           "3:53); every address on a segment must be "
                           "unique\n");
    free(error);
}

/* ---- Addresses that two nodes hold. ---- */

static const char four_nodes_yaml[] =
    "switches: {s: {}}\n"
    "nodes:\n"
    "  a: {interfaces: {e: {switch: s, vlan: 10, address: 10.0.0.1/24}}}\n"
    "  b: {interfaces: {e: {switch: s, vlan: 10, address: 10.0.0.2/24}}}\n"
    "  c: {interfaces: {e: {switch: s, vlan: 20, address: 10.0.0.%d/24}}}\n"
    "  d: {interfaces: {e: {switch: s, vlan: 20, address: 10.0.0.%d/24}}}\n"
    "checks:\n"
    "  - isolation: {}\n";

static void
test_ambiguous_addresses(void)
{
    char *text = xasprintf(four_nodes_yaml, 2, 1);
    char *error = load_text_error(text);
    struct scenario *s;

    /* Every pair of "isolation: {}" in the reviewer's lab, one error per
     * target node. */
    CU_ASSERT_STRING_EQUAL(
        error,
        "bad.yaml:8:5: error: isolation check pairs b -> a, c -> a, d -> a "
        "cannot be probed: 10.0.0.1 is also d's address, so a reply could "
        "not be told apart; list nodes with distinct addresses in nodes:, "
        "or give a an address that no other node has\n"
        "bad.yaml:8:5: error: isolation check pairs a -> b, c -> b, d -> b "
        "cannot be probed: 10.0.0.2 is also c's address, so a reply could "
        "not be told apart; list nodes with distinct addresses in nodes:, "
        "or give b an address that no other node has\n"
        "bad.yaml:8:5: error: isolation check pairs a -> c, b -> c, d -> c "
        "cannot be probed: 10.0.0.2 is also b's address, so a reply could "
        "not be told apart; list nodes with distinct addresses in nodes:, "
        "or give c an address that no other node has\n"
        "bad.yaml:8:5: error: isolation check pairs a -> d, b -> d, c -> d "
        "cannot be probed: 10.0.0.1 is also a's address, so a reply could "
        "not be told apart; list nodes with distinct addresses in nodes:, "
        "or give d an address that no other node has\n");
    free(error);
    free(text);

    /* The same subnet on both VLANs, distinct addresses: fine. */
    text = xasprintf(four_nodes_yaml, 3, 4);
    s = load_text(text);
    CU_ASSERT_PTR_NOT_NULL(s);
    scenario_destroy(s);
    free(text);

    /* An address used twice on one segment is reported once, not again
     * for the checks that would probe it. */
    error = load_text_error(
        "switches: {s: {}}\n"
        "nodes:\n"
        "  a: {interfaces: {e: {switch: s, address: 10.0.0.1/24}}}\n"
        "  b: {interfaces: {e: {switch: s, address: 10.0.0.1/24}}}\n"
        "checks:\n"
        "  - ping: {from: a, to: b}\n"
        "  - ping: {from: a, to: 10.0.0.1}\n");
    CU_ASSERT_STRING_EQUAL(error, "bad.yaml:4:44: error: address 10.0.0.1/24 "
                           "is used twice on switch s untagged (also at "
                           "3:44); every address on a segment must be "
                           "unique\n");
    free(error);

    /* A target with a DHCP interface may get an address of its own: only
     * the run can tell. */
    s = load_text(
        "switches: {s: {}}\n"
        "nodes:\n"
        "  a: {interfaces: {e: {switch: s, vlan: 1, address: 10.0.0.1/24}}}\n"
        "  b:\n"
        "    interfaces:\n"
        "      e0: {switch: s, vlan: 2, address: 10.0.0.1/24}\n"
        "      e1: {switch: s, vlan: 3, dhcp: true}\n"
        "checks:\n"
        "  - ping: {from: a, to: b}\n");
    CU_ASSERT_PTR_NOT_NULL(s);
    scenario_destroy(s);
}

static void
test_holders(void)
{
    struct scenario *s = load_text(
        "switches: {s: {}}\n"
        "nodes:\n"
        "  a:\n"
        "    interfaces:\n"
        "      e0: {switch: s, vlan: 1, address: 10.0.0.1/24}\n"
        "      e1: {switch: s, vlan: 2, address: 10.0.0.1/24}\n"
        "  b:\n"
        "    interfaces:\n"
        "      e0: {switch: s, vlan: 3, address: 10.0.0.1/24}\n"
        "      e1: {switch: s, vlan: 3, address: \"fd00::2/64\"}\n"
        "  c: {interfaces: {e: {switch: s, vlan: 4, address: 10.0.0.1/8}}}\n");
    struct scenario_holders holders;
    const struct scenario_node *a, *b, *c;
    struct in6_addr ip;

    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    a = &s->nodes[0];
    b = &s->nodes[1];
    c = &s->nodes[2];
    scenario_holders_init(&holders);
    scenario_holders_add_static(&holders, s);

    /* a holds 10.0.0.1 twice, b and c too: the first other one counts. */
    ip = in6_addr_mapped_ipv4(htonl(0x0a000001));
    CU_ASSERT_PTR_EQUAL(scenario_holders_other(&holders, &ip, NULL), a);
    CU_ASSERT_PTR_EQUAL(scenario_holders_other(&holders, &ip, a), b);
    CU_ASSERT_PTR_EQUAL(scenario_holders_other(&holders, &ip, b), a);
    CU_ASSERT_PTR_EQUAL(scenario_holders_other(&holders, &ip, c), a);

    /* Only b holds fd00::2, until c gets it too (e.g. a DHCP lease). */
    inet_pton(AF_INET6, "fd00::2", &ip);
    CU_ASSERT_PTR_NULL(scenario_holders_other(&holders, &ip, b));
    CU_ASSERT_PTR_EQUAL(scenario_holders_other(&holders, &ip, a), b);
    scenario_holders_add(&holders, &ip, b);
    CU_ASSERT_PTR_NULL(scenario_holders_other(&holders, &ip, b));
    scenario_holders_add(&holders, &ip, c);
    CU_ASSERT_PTR_EQUAL(scenario_holders_other(&holders, &ip, b), c);

    /* Nobody holds 10.0.0.9. */
    ip = in6_addr_mapped_ipv4(htonl(0x0a000009));
    CU_ASSERT_PTR_NULL(scenario_holders_other(&holders, &ip, NULL));

    scenario_holders_destroy(&holders);
    scenario_holders_destroy(NULL);
    scenario_destroy(s);
}

/* Segments count as shared only where both nodes have (or may get) an
 * address: not through a trunk port or an interface without any. */
static void
test_shared_segments(void)
{
    struct scenario *s = load_text(
        "switches: {s: {}}\n"
        "nodes:\n"
        "  a: {interfaces: {e: {switch: s, vlan: 10, address: 10.0.10.2/8}}}\n"
        "  m:\n"
        "    interfaces:\n"
        "      mon0: {switch: s, trunk: [10, 20]}\n"
        "      bare: {switch: s, vlan: 10}\n"
        "      eth1: {switch: s, vlan: 30, address: 10.0.30.2/24}\n"
        "  d:\n"
        "    interfaces:\n"
        "      bare: {switch: s, vlan: 30}\n"
        "      eth0: {switch: s, vlan: 30, dhcp: true}\n");
    const struct scenario_iface *a_iface, *b_iface;
    const struct scenario_segment *seg;
    const struct scenario_node *a, *m, *d;
    size_t start = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    a = &s->nodes[0];
    m = &s->nodes[1];
    d = &s->nodes[2];
    CU_ASSERT_PTR_NULL(scenario_next_shared_segment(s, a, m, &start,
                                                    &a_iface, &b_iface));
    CU_ASSERT_EQUAL(start, s->n_segments);

    /* m and d share VLAN 30, where d's DHCP interface (not its first one,
     * which has no address) counts. */
    start = 0;
    seg = scenario_next_shared_segment(s, m, d, &start, &a_iface, &b_iface);
    CU_ASSERT_PTR_NOT_NULL_FATAL(seg);
    CU_ASSERT_STRING_EQUAL(seg->name, "switch s VLAN 30");
    CU_ASSERT_PTR_EQUAL(a_iface, &m->ifaces[2]);
    CU_ASSERT_PTR_EQUAL(b_iface, &d->ifaces[1]);
    CU_ASSERT_PTR_NULL(scenario_next_shared_segment(s, m, d, &start,
                                                    &a_iface, &b_iface));
    CU_ASSERT_PTR_NULL(scenario_segment_iface_of(m->ifaces[1].segment, m));
    CU_ASSERT(scenario_iface_has_address(&d->ifaces[1]));
    CU_ASSERT_FALSE(scenario_iface_has_address(&m->ifaces[0]));
    scenario_destroy(s);
}

/* ---- Errors and API. ---- */

static void
test_error_format(void)
{
    char *error = load_text_error(
        "nodes:\n"
        "  n1:\n"
        "    interfaces:\n"
        "      e0: {switch: nope, vlan: 0}\n"
        "bogus: 1\n");

    /* Sorted by position, one line per error, FILE:LINE:COLUMN. */
    CU_ASSERT_STRING_EQUAL(
        error,
        "bad.yaml:4:20: error: unknown switch \"nope\" for interface n1.e0; "
        "define it under switches:\n"
        "bad.yaml:4:32: error: VLAN 0 is out of range; use 1..4094\n"
        "bad.yaml:5:1: error: unknown key \"bogus\" in the scenario; allowed "
        "keys: lab, description, switches, nodes, host, settings, checks\n");
    free(error);
}

static void
test_api(void)
{
    struct scenario *s = load_text("nodes: {only: {}}\n");

    CU_ASSERT_FATAL(s != NULL);
    /* The default lab name comes from the file name. */
    CU_ASSERT_STRING_EQUAL(s->name, "test");
    CU_ASSERT_STRING_EQUAL(s->file_name, "test.yaml");
    CU_ASSERT_PTR_NULL(s->description);
    CU_ASSERT_EQUAL(s->n_switches, 0);
    CU_ASSERT_EQUAL(s->n_checks, 0);
    CU_ASSERT_EQUAL(s->n_segments, 0);
    CU_ASSERT_PTR_NULL(scenario_find_node(s, "other"));
    CU_ASSERT_PTR_NULL(scenario_find_switch(s, "br0"));

    char *error = scenario_set_name(s, "has space");
    CU_ASSERT_PTR_NOT_NULL(error);
    free(error);
    CU_ASSERT_STRING_EQUAL(s->name, "test");
    CU_ASSERT_PTR_NULL(scenario_set_name(s, "renamed-1"));
    CU_ASSERT_STRING_EQUAL(s->name, "renamed-1");
    scenario_destroy(s);
    scenario_destroy(NULL);

    /* A host-side name is free unless the lab name makes it a bridge's:
     * renaming the lab checks it again. */
    error = scenario_load_string("lab: x\n"
                                 "switches: {br0: {}}\n"
                                 "nodes:\n"
                                 "  a:\n"
                                 "    interfaces:\n"
                                 "      up: {host: {name: y-br0}}\n",
                                 "test.yaml", &s);
    CU_ASSERT_PTR_NULL_FATAL(error);
    error = scenario_set_name(s, "y");
    CU_ASSERT_STRING_EQUAL(error, "test.yaml:6:7: error: host-side name "
                           "y-br0 of a.up is the name of the bridge of "
                           "switch br0 (at 2:12) in lab y; interfaces on "
                           "the host need distinct names, rename the host "
                           "side\n");
    free(error);
    CU_ASSERT_STRING_EQUAL(s->name, "x");
    CU_ASSERT_PTR_NULL(scenario_set_name(s, "z"));
    scenario_destroy(s);

    /* A missing file is an error without a position. */
    error = scenario_load_file("/nonexistent/x.yaml", &s);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT(error && !strncmp(error, "/nonexistent/x.yaml: error: cannot "
                                "read", 35));
    free(error);

    /* A directory is not read as an empty file. */
    char dir[] = "/tmp/test-scenario-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    error = scenario_load_file(dir, &s);
    char *expected = xasprintf("%s: error: cannot read the scenario: Is a "
                               "directory; check the path and permissions\n",
                               dir);
    CU_ASSERT(error && !strcmp(error, expected));
    if (!error || strcmp(error, expected)) {
        fprintf(stderr, "got %s", error ? error : "(success)");
    }
    free(expected);
    free(error);
    rmdir(dir);

    /* ".yml" is stripped too; "lab:" wins over the file name. */
    error = scenario_load_string("nodes: {a: {}}\n", "dir/x.y/lab1.yml", &s);
    CU_ASSERT_PTR_NULL(error);
    CU_ASSERT(s && !strcmp(s->name, "lab1"));
    scenario_destroy(s);
    error = scenario_load_string("lab: mine\nnodes: {a: {}}\n", "x.yaml",
                                 &s);
    CU_ASSERT_PTR_NULL(error);
    CU_ASSERT(s && !strcmp(s->name, "mine"));
    scenario_destroy(s);
}

static void
test_names(void)
{
    CU_ASSERT(scenario_is_valid_ifname("eth0"));
    CU_ASSERT(scenario_is_valid_ifname("eth0.100"));
    CU_ASSERT(scenario_is_valid_ifname("123456789012345"));
    CU_ASSERT_FALSE(scenario_is_valid_ifname("1234567890123456"));
    CU_ASSERT_FALSE(scenario_is_valid_ifname(""));
    CU_ASSERT_FALSE(scenario_is_valid_ifname("."));
    CU_ASSERT_FALSE(scenario_is_valid_ifname(".."));
    CU_ASSERT_FALSE(scenario_is_valid_ifname("lo"));
    CU_ASSERT_FALSE(scenario_is_valid_ifname("a/b"));
    CU_ASSERT_FALSE(scenario_is_valid_ifname("a:b"));
    CU_ASSERT_FALSE(scenario_is_valid_ifname("a b"));
    CU_ASSERT_FALSE(scenario_is_valid_ifname("eth%d"));

    CU_ASSERT(scenario_is_valid_node_name("ns1"));
    CU_ASSERT(scenario_is_valid_node_name("a_b-c"));
    CU_ASSERT_FALSE(scenario_is_valid_node_name("ns.1"));
    CU_ASSERT_FALSE(scenario_is_valid_node_name("-ns"));
    CU_ASSERT(scenario_is_valid_node_name(
                  "a2345678901234567890123456789012"));
    CU_ASSERT_FALSE(scenario_is_valid_node_name(
                        "a23456789012345678901234567890123"));
    CU_ASSERT(scenario_is_valid_switch_name("planet-br"));
    CU_ASSERT_FALSE(scenario_is_valid_switch_name("a234567890123456"));
    CU_ASSERT(scenario_is_valid_lab_name("seed001"));
    CU_ASSERT_FALSE(scenario_is_valid_lab_name("seed 001"));
}

static void
test_addresses(void)
{
    struct scenario_addr a = { .loc = { 3, 4 } };
    char *error;

    CU_ASSERT_PTR_NULL(scenario_parse_addr("10.1.2.3/8", SCENARIO_ADDR_CIDR,
                                           &a));
    CU_ASSERT_EQUAL(a.family, AF_INET);
    CU_ASSERT_EQUAL(a.plen, 8);
    CU_ASSERT_EQUAL(a.loc.line, 3);
    CU_ASSERT_STRING_EQUAL(a.text, "10.1.2.3/8");

    struct in6_addr ip;
    ip = in6_addr_mapped_ipv4(htonl(0x0affffff));
    CU_ASSERT(scenario_addr_in_subnet(&a, &ip));
    ip = in6_addr_mapped_ipv4(htonl(0x0b000001));
    CU_ASSERT_FALSE(scenario_addr_in_subnet(&a, &ip));
    inet_pton(AF_INET6, "fd00::1", &ip);
    CU_ASSERT_FALSE(scenario_addr_in_subnet(&a, &ip));
    scenario_addr_uninit(&a);

    CU_ASSERT_PTR_NULL(scenario_parse_addr("fd00:1::5/64",
                                           SCENARIO_ADDR_CIDR, &a));
    CU_ASSERT_EQUAL(a.family, AF_INET6);
    CU_ASSERT_EQUAL(a.plen, 64);
    inet_pton(AF_INET6, "fd00:1::ffff:1", &ip);
    CU_ASSERT(scenario_addr_in_subnet(&a, &ip));
    inet_pton(AF_INET6, "fd00:2::1", &ip);
    CU_ASSERT_FALSE(scenario_addr_in_subnet(&a, &ip));
    scenario_addr_uninit(&a);

    CU_ASSERT_PTR_NULL(scenario_parse_addr("10.0.0.0/16",
                                           SCENARIO_ADDR_NETWORK, &a));
    CU_ASSERT_EQUAL(a.plen, 16);
    scenario_addr_uninit(&a);
    CU_ASSERT_PTR_NULL(scenario_parse_addr("10.0.0.9",
                                           SCENARIO_ADDR_NETWORK, &a));
    CU_ASSERT_EQUAL(a.plen, 32);
    scenario_addr_uninit(&a);

    static const struct {
        const char *text;
        enum scenario_addr_kind kind;
        const char *msg;
    } bad[] = {
        { "10.0.0.1", SCENARIO_ADDR_CIDR, "no prefix length" },
        { "10.0.0.1/33", SCENARIO_ADDR_CIDR, "invalid prefix length" },
        { "10.0.0.1/", SCENARIO_ADDR_CIDR, "invalid prefix length" },
        { "10.0.0.1/2x", SCENARIO_ADDR_CIDR, "invalid prefix length" },
        { "fd00::1/129", SCENARIO_ADDR_CIDR, "invalid prefix length" },
        { "10.0.0/24", SCENARIO_ADDR_CIDR, "not a valid IP address" },
        { "10.0.0.256/24", SCENARIO_ADDR_CIDR, "not a valid IP address" },
        { "::ffff:10.0.0.1/120", SCENARIO_ADDR_CIDR,
          "not a valid IP address" },
        { "10.0.0.0/24", SCENARIO_ADDR_CIDR, "network address" },
        { "10.0.0.255/24", SCENARIO_ADDR_CIDR, "broadcast address" },
        { "127.0.0.2/8", SCENARIO_ADDR_CIDR, "loopback" },
        { "224.0.0.1/24", SCENARIO_ADDR_CIDR, "multicast" },
        { "::1/128", SCENARIO_ADDR_CIDR, "loopback" },
        { "ff02::1/64", SCENARIO_ADDR_CIDR, "multicast" },
        { "10.0.0.1/24", SCENARIO_ADDR_PLAIN, "prefix length" },
        { "10.0.0.1/24", SCENARIO_ADDR_NETWORK, "host bits set" },
        { "fd00::1/64", SCENARIO_ADDR_NETWORK, "fd00::/64" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        error = scenario_parse_addr(bad[i].text, bad[i].kind, &a);
        CU_ASSERT_PTR_NOT_NULL(error);
        if (!error || !strstr(error, bad[i].msg)) {
            fprintf(stderr, "%s: expected \"%s\", got \"%s\"\n", bad[i].text,
                    bad[i].msg, error ? error : "(success)");
            CU_FAIL("address error message");
        }
        free(error);
    }

    /* /31 and /32 have no network or broadcast address. */
    CU_ASSERT_PTR_NULL(error = scenario_parse_addr("10.0.0.0/31",
                                                   SCENARIO_ADDR_CIDR, &a));
    scenario_addr_uninit(&a);
    free(error);
}

/* Nesting deeper than 1000 levels is an error at the first list or mapping
 * too deep, however deep the file goes (libyaml and the loader would
 * otherwise overflow the stack or take hours). */
static void
test_deep_nesting(void)
{
    static const size_t depths[] = { 100000, 1000000 };

    for (size_t i = 0; i < ARRAY_SIZE(depths); i++) {
        size_t n = depths[i];
        struct ds text = DS_EMPTY_INITIALIZER;

        ds_put_cstr(&text, "nodes: ");
        ds_put_char_multiple(&text, '[', n);
        ds_put_char_multiple(&text, ']', n);
        ds_put_char(&text, '\n');
        char *error = load_temp_file("deep.yaml", ds_cstr(&text),
                                     text.length);
        char *expected = xasprintf("deep.yaml:1:1007: error: lists and "
                                   "mappings are nested more than 1000 "
                                   "levels deep here; a scenario needs only "
                                   "a few levels, check the brackets\n");
        CU_ASSERT_PTR_NOT_NULL_FATAL(error);
        const char *base = strstr(error, "deep.yaml:");
        CU_ASSERT(base && !strcmp(base, expected));
        if (!base || strcmp(base, expected)) {
            fprintf(stderr, "depth %"PRIuSIZE": got %s", n, error);
        }
        free(expected);
        free(error);
        ds_destroy(&text);
    }

    /* Block style, and 1000 levels are still fine for YAML (the scenario
     * is then wrong, but only in its types). */
    char *error = load_text_error("nodes:\n  a:\n    interfaces:\n"
                                  "      e0: [[[[[[[[[[x]]]]]]]]]]\n");
    CU_ASSERT(strstr(error, "wrong type for interface a.e0") != NULL);
    free(error);

    struct ds text = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&text, "nodes: {a: {}}\nx:");
    for (int i = 0; i < 1200; i++) {
        ds_put_char(&text, '\n');
        ds_put_char_multiple(&text, ' ', i + 1);
        ds_put_cstr(&text, "- ");
    }
    ds_put_cstr(&text, "x\n");
    error = load_text_error(ds_cstr(&text));
    CU_ASSERT(strstr(error, "bad.yaml:1002:1001: error: lists and mappings "
                     "are nested more than 1000 levels deep here") != NULL);
    if (!strstr(error, "bad.yaml:1002:1001:")) {
        fprintf(stderr, "block style: got %s", error);
    }
    free(error);
    ds_destroy(&text);
}

/* The alias limit counts only the nodes that aliases add: a file with more
 * than 100000 YAML nodes of its own, and a few aliases, loads. */
static void
test_large_file(void)
{
    struct ds text = DS_EMPTY_INITIALIZER;

    ds_put_cstr(&text, "nodes:\n  a:\n    start: &cmds\n");
    for (int i = 0; i < 60000; i++) {
        ds_put_cstr(&text, "      - sleep infinity\n");
    }
    ds_put_cstr(&text, "  b:\n    start: *cmds\n");
    for (int i = 0; i < 50000; i++) {
        ds_put_format(&text, "  n%d: {}\n", i);
    }
    struct scenario *s = load_text(ds_cstr(&text));
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL(s->n_nodes, 50002);
    CU_ASSERT_EQUAL(s->nodes[1].n_starts, 60000);
    scenario_destroy(s);
    ds_destroy(&text);
}

static void
test_quoting_and_types(void)
{
    /* Quoted numbers are strings; plain scalars are typed. */
    char *error = load_text_error(
        "switches: {sw: {}}\n"
        "nodes:\n"
        "  a:\n"
        "    interfaces:\n"
        "      e: {switch: sw, vlan: \"10\"}\n"
        "    forwarding: yes\n");
    CU_ASSERT_STRING_EQUAL(error, "bad.yaml:5:29: error: wrong type for vlan: "
                           "found a string (\"10\"); expected an integer "
                           "1..4094\n");
    free(error);

    /* Null counts as an empty mapping: "host:" is "host: {}". */
    struct scenario *s = load_text(
        "nodes:\n"
        "  a:\n"
        "    interfaces:\n"
        "      e:\n"
        "        host:\n"
        "        dhcp: no\n"
        "    forwarding: on\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL(s->nodes[0].ifaces[0].link, SCENARIO_LINK_HOST);
    CU_ASSERT(s->nodes[0].forwarding);
    scenario_destroy(s);
}

int
main(void)
{
    static const struct test_case tests[] = {
        { "settings", test_settings },
        { "every shipped scenario loads", test_all_scenarios_load },
        { "seed001 model", test_seed001_model },
        { "seed002 bridge/NAT model", test_seed002_nat_model },
        { "two-vlan-dhcp model", test_two_vlan_dhcp_model },
        { "seed003 model", test_seed003_model },
        { "seed004 model", test_seed004_model },
        { "invalid corpus reports the expected errors",
          test_invalid_corpus },
        { "segments on switches, VLANs and trunks", test_segments_switch },
        { "segments of peer and host links", test_segments_peer_and_host },
        { "addresses per segment",
          test_segments_same_subnet_different_vlans },
        { "addresses that two nodes hold", test_ambiguous_addresses },
        { "which nodes hold an address", test_holders },
        { "segments two nodes share", test_shared_segments },
        { "error format and order", test_error_format },
        { "API: names, lookups, files", test_api },
        { "name rules", test_names },
        { "address parsing", test_addresses },
        { "scalar types and quoting", test_quoting_and_types },
        { "nesting deeper than 1000 levels", test_deep_nesting },
        { "large files without aliases", test_large_file },
    };

    return TEST_RUN_SUITE("scenario", tests);
}
