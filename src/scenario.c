/*
 * Scenario entry points, error lists, address parsing, name rules, lookups
 * and destruction.  YAML -> model is in scenario-load.c, the semantic rules
 * in scenario-validate.c, segments in scenario-segments.c.
 */
#include <config.h>
#include "scenario.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "scenario-private.h"
#include "util.h"

/* ---- Errors. ---- */

void
scenario_errors_init(struct scenario_errors *errors)
{
    errors->file_name = NULL;
    errors->errors = NULL;
    errors->n = errors->allocated = 0;
}

void
scenario_errors_destroy(struct scenario_errors *errors)
{
    if (errors) {
        for (size_t i = 0; i < errors->n; i++) {
            free(errors->errors[i].msg);
        }
        free(errors->errors);
        free(errors->file_name);
    }
}

void
scenario_errors_add(struct scenario_errors *errors, struct scenario_loc loc,
                    const char *format, ...)
{
    if (errors->n >= errors->allocated) {
        errors->errors = x2nrealloc(errors->errors, &errors->allocated,
                                    sizeof *errors->errors);
    }

    va_list args;
    va_start(args, format);
    struct scenario_error *e = &errors->errors[errors->n++];
    e->loc = loc;
    e->msg = xvasprintf(format, args);
    va_end(args);
}

/* Compares two pointers into an error array: by position, then by index in
 * the array, so that sorting is stable. */
static int
compare_errors(const void *a_, const void *b_)
{
    const struct scenario_error *const *a = a_;
    const struct scenario_error *const *b = b_;
    const struct scenario_loc *la = &(*a)->loc;
    const struct scenario_loc *lb = &(*b)->loc;

    if (la->line != lb->line) {
        return la->line < lb->line ? -1 : 1;
    } else if (la->column != lb->column) {
        return la->column < lb->column ? -1 : 1;
    } else {
        return *a < *b ? -1 : *a > *b;
    }
}

static bool
same_loc(const struct scenario_loc *a, const struct scenario_loc *b)
{
    return a->line == b->line && a->column == b->column;
}

/* Returns true if one of the first 'n' errors of 'sorted' is 'e' again:
 * the same message at the same position. */
static bool
is_repeated(const struct scenario_error *sorted, size_t n,
            const struct scenario_error *e)
{
    for (; n > 0 && same_loc(&sorted[n - 1].loc, &e->loc); n--) {
        if (!strcmp(sorted[n - 1].msg, e->msg)) {
            return true;
        }
    }
    return false;
}

/* Sorts by position; errors at the same position keep their order.  An
 * error said twice at one position is kept once: a value that YAML aliases
 * put in several places is checked in each of them, and each finds the
 * same mistake at the anchor. */
void
scenario_errors_sort(struct scenario_errors *errors)
{
    size_t n = errors->n, n_kept = 0;
    struct scenario_error **ptrs = xmalloc(n * sizeof *ptrs + 1);
    struct scenario_error *sorted = xmalloc(n * sizeof *sorted + 1);

    for (size_t i = 0; i < n; i++) {
        ptrs[i] = &errors->errors[i];
    }
    qsort(ptrs, n, sizeof *ptrs, compare_errors);
    for (size_t i = 0; i < n; i++) {
        if (is_repeated(sorted, n_kept, ptrs[i])) {
            free(ptrs[i]->msg);
        } else {
            sorted[n_kept++] = *ptrs[i];
        }
    }
    free(ptrs);
    free(errors->errors);
    errors->errors = sorted;
    errors->n = n_kept;
    errors->allocated = n;
}

/* Returns a malloc'd string with one line per error: "FILE:LINE:COLUMN:
 * error: MESSAGE\n" ("FILE: error: MESSAGE\n" for an error without a
 * position). */
char *
scenario_errors_to_string(const struct scenario_errors *errors)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *file_name = errors->file_name ? errors->file_name : "-";

    for (size_t i = 0; i < errors->n; i++) {
        const struct scenario_error *e = &errors->errors[i];
        if (e->loc.line > 0) {
            ds_put_format(&s, "%s:%d:%d: error: %s\n",
                          file_name, e->loc.line, e->loc.column, e->msg);
        } else {
            ds_put_format(&s, "%s: error: %s\n", file_name, e->msg);
        }
    }
    return ds_steal_cstr(&s);
}

/* ---- Names. ---- */

/* [A-Za-z0-9][A-Za-z0-9_-]*, 1..max_len bytes. */
static bool
is_simple_name(const char *name, size_t max_len)
{
    size_t len = strlen(name);

    if (!len || len > max_len || !isalnum((unsigned char) name[0])) {
        return false;
    }
    for (const char *p = name; *p; p++) {
        if (!isalnum((unsigned char) *p) && *p != '_' && *p != '-') {
            return false;
        }
    }
    return true;
}

bool
scenario_is_valid_lab_name(const char *name)
{
    return is_simple_name(name, SCENARIO_LAB_NAME_MAX);
}

bool
scenario_is_valid_node_name(const char *name)
{
    return is_simple_name(name, SCENARIO_NODE_NAME_MAX);
}

bool
scenario_is_valid_switch_name(const char *name)
{
    return is_simple_name(name, SCENARIO_IFNAME_MAX);
}

/* The kernel's rules (dev_valid_name()), plus: no '%' (the kernel would
 * treat "eth%d" as a template and pick a name itself), no control
 * characters, and not "lo" (every namespace already has it). */
bool
scenario_is_valid_ifname(const char *name)
{
    size_t len = strlen(name);

    if (!len || len > SCENARIO_IFNAME_MAX
        || !strcmp(name, ".") || !strcmp(name, "..")
        || !strcmp(name, "lo")) {
        return false;
    }
    for (const char *p = name; *p; p++) {
        unsigned char c = *p;
        if (c == '/' || c == ':' || c == '%' || isspace(c) || iscntrl(c)) {
            return false;
        }
    }
    return true;
}

char *
scenario_set_name(struct scenario *s, const char *name)
{
    if (!scenario_is_valid_lab_name(name)) {
        return xasprintf("invalid lab name \"%s\"; use 1 to %d letters, "
                         "digits, '-' or '_', starting with a letter or "
                         "digit", name, SCENARIO_LAB_NAME_MAX);
    }

    struct scenario_errors errors;
    scenario_errors_init(&errors);
    scenario_validate_lab_name(s, name, &errors);
    if (errors.n) {
        errors.file_name = xstrdup(s->file_name);
        scenario_errors_sort(&errors);
        char *error = scenario_errors_to_string(&errors);
        scenario_errors_destroy(&errors);
        return error;
    }
    scenario_errors_destroy(&errors);

    free(s->name);
    s->name = xstrdup(name);
    return NULL;
}

bool
scenario_split_iface_ref(const char *text, char **node, char **iface)
{
    const char *dot = strchr(text, '.');

    if (!dot || dot == text || !dot[1]) {
        return false;
    }
    *node = xmemdup0(text, dot - text);
    *iface = xstrdup(dot + 1);
    return true;
}

/* ---- Addresses. ---- */

/* Sets the bits of 'ip' beyond 'plen' to zero (to_ones = false) or one. */
static struct in6_addr
addr_host_bits(const struct in6_addr *ip, unsigned int plen, bool to_ones)
{
    struct in6_addr r = *ip;

    for (unsigned int bit = plen; bit < 128; bit++) {
        uint8_t mask = 0x80 >> (bit % 8);
        if (to_ones) {
            r.s6_addr[bit / 8] |= mask;
        } else {
            r.s6_addr[bit / 8] &= ~mask;
        }
    }
    return r;
}

char *
scenario_parse_addr(const char *text, enum scenario_addr_kind kind,
                    struct scenario_addr *addr)
{
    const char *slash = strchr(text, '/');
    char *ip_text = slash ? xmemdup0(text, slash - text) : xstrdup(text);
    struct scenario_addr a = { .family = AF_INET };
    char *error = NULL;
    unsigned int max_plen;

    struct in_addr ip4;
    if (inet_pton(AF_INET, ip_text, &ip4) == 1) {
        a.family = AF_INET;
        a.ip = in6_addr_mapped_ipv4(ip4.s_addr);
        max_plen = 32;
    } else if (strchr(ip_text, ':') && inet_pton(AF_INET6, ip_text, &a.ip) == 1
               && !IN6_IS_ADDR_V4MAPPED(&a.ip)) {
        a.family = AF_INET6;
        max_plen = 128;
    } else {
        error = xasprintf("\"%s\" is not a valid IP address; use IPv4 "
                          "(10.0.0.1) or IPv6 (fd00::1)%s", ip_text,
                          kind == SCENARIO_ADDR_PLAIN ? ""
                          : " with a prefix length (/24)");
        goto out;
    }

    /* IPv4 addresses keep the mapped form, so prefix lengths of IPv4
     * addresses count from bit 96 of 'ip'. */
    unsigned int offset = a.family == AF_INET ? 96 : 0;
    if (slash) {
        const char *p = slash + 1;
        char *end;
        long plen;

        if (kind == SCENARIO_ADDR_PLAIN) {
            error = xasprintf("\"%s\" has a prefix length; write a plain "
                              "address here, without \"/%s\"", text, p);
            goto out;
        }
        errno = 0;
        plen = strtol(p, &end, 10);
        if (!isdigit((unsigned char) *p) || *end || errno
            || plen > max_plen) {
            error = xasprintf("\"%s\" has an invalid prefix length \"%s\"; "
                              "use 0..%u", text, p, max_plen);
            goto out;
        }
        a.plen = plen;
    } else if (kind == SCENARIO_ADDR_CIDR) {
        error = xasprintf("\"%s\" has no prefix length; write it as a CIDR, "
                          "e.g. %s/%s", text, text,
                          a.family == AF_INET ? "24" : "64");
        goto out;
    } else {
        a.plen = max_plen;
    }

    struct in6_addr network = addr_host_bits(&a.ip, a.plen + offset, false);
    if (kind == SCENARIO_ADDR_NETWORK) {
        if (!ipv6_addr_equals(&network, &a.ip)) {
            char buf[INET6_ADDRSTRLEN];
            if (a.family == AF_INET) {
                ovs_be32 ip = in6_addr_get_mapped_ipv4(&network);
                inet_ntop(AF_INET, &ip, buf, sizeof buf);
            } else {
                inet_ntop(AF_INET6, &network, buf, sizeof buf);
            }
            error = xasprintf("\"%s\" has host bits set; write the network "
                              "as %s/%u", text, buf, a.plen);
            goto out;
        }
    } else {
        /* A unicast host address. */
        const char *what = NULL, *of_subnet = "";
        if (a.family == AF_INET) {
            uint32_t ip = ntohl(in6_addr_get_mapped_ipv4(&a.ip));
            if (!ip) {
                what = "the unspecified address";
            } else if ((ip >> 24) == 127) {
                what = "a loopback address";
            } else if (ip >= 0xe0000000) {
                what = ip == 0xffffffff ? "the broadcast address"
                       : "a multicast or reserved address";
            } else if (kind == SCENARIO_ADDR_CIDR
                       && (what = scenario_addr_subnet_edge(&a, &a.ip))) {
                of_subnet = " of its subnet";
            }
        } else {
            if (ipv6_is_zero(&a.ip)) {
                what = "the unspecified address";
            } else if (IN6_IS_ADDR_LOOPBACK(&a.ip)) {
                what = "the loopback address";
            } else if (IN6_IS_ADDR_MULTICAST(&a.ip)) {
                what = "a multicast address";
            }
        }
        if (what) {
            error = xasprintf("\"%s\" is %s%s; use a unicast host "
                              "address", text, what, of_subnet);
            goto out;
        }
    }

    a.text = xstrdup(text);
    a.loc = addr->loc;
    *addr = a;

out:
    free(ip_text);
    return error;
}

const char *
scenario_addr_subnet_edge(const struct scenario_addr *net,
                          const struct in6_addr *ip)
{
    if (net->family != AF_INET || net->plen > 30
        || !scenario_addr_in_subnet(net, ip)) {
        return NULL;
    }

    struct in6_addr network = addr_host_bits(ip, net->plen + 96, false);
    struct in6_addr bcast = addr_host_bits(ip, net->plen + 96, true);
    return (ipv6_addr_equals(&network, ip) ? "the network address"
            : ipv6_addr_equals(&bcast, ip) ? "the broadcast address"
            : NULL);
}

void
scenario_addr_uninit(struct scenario_addr *addr)
{
    if (addr) {
        free(addr->text);
        addr->text = NULL;
    }
}

bool
scenario_addr_in_subnet(const struct scenario_addr *net,
                        const struct in6_addr *ip)
{
    if (IN6_IS_ADDR_V4MAPPED(ip) != (net->family == AF_INET)) {
        return false;
    }

    unsigned int plen = net->plen + (net->family == AF_INET ? 96 : 0);
    struct in6_addr a = addr_host_bits(&net->ip, plen, false);
    struct in6_addr b = addr_host_bits(ip, plen, false);
    return ipv6_addr_equals(&a, &b);
}

bool
scenario_addr_subnets_overlap(const struct scenario_addr *a,
                              const struct scenario_addr *b)
{
    unsigned int max = a->family == AF_INET ? 32 : 128;

    if ((a->family != AF_INET && a->family != AF_INET6)
        || a->family != b->family || a->plen == max || b->plen == max) {
        return false;
    }
    return (a->plen <= b->plen ? scenario_addr_in_subnet(a, &b->ip)
            : scenario_addr_in_subnet(b, &a->ip));
}

ovs_be32
scenario_addr_ipv4(const struct scenario_addr *addr)
{
    ovs_assert(addr->family == AF_INET);
    return in6_addr_get_mapped_ipv4(&addr->ip);
}

/* ---- Lookups. ---- */

void
scenario_addr_use_add(struct scenario_addr_use **uses, size_t *n,
                      size_t *allocated, const struct scenario_addr *addr,
                      const struct scenario_segment *seg)
{
    if (addr->family != AF_INET && addr->family != AF_INET6) {
        return;
    }
    if (*n >= *allocated) {
        *uses = x2nrealloc(*uses, allocated, sizeof **uses);
    }
    (*uses)[(*n)++] = (struct scenario_addr_use) { addr, seg };
}

size_t
scenario_host_addrs(const struct scenario *s,
                    struct scenario_addr_use **usesp)
{
    struct scenario_addr_use *uses = NULL;
    size_t n = 0, allocated = 0;

    for (size_t i = 0; i < s->n_segments; i++) {
        const struct scenario_segment *seg = &s->segments[i];

        for (size_t j = 0; j < seg->n_members; j++) {
            const struct scenario_segment_member *m = &seg->members[j];

            for (size_t k = 0; m->kind != SCENARIO_MEMBER_IFACE
                               && k < m->n_addrs; k++) {
                scenario_addr_use_add(&uses, &n, &allocated, &m->addrs[k],
                                      seg);
            }
        }
    }
    *usesp = uses;
    return n;
}

struct scenario_node *
scenario_find_node(const struct scenario *s, const char *name)
{
    return shash_find_data(&s->nodes_by_name, name);
}

struct scenario_switch *
scenario_find_switch(const struct scenario *s, const char *name)
{
    return shash_find_data(&s->switches_by_name, name);
}

struct scenario_iface *
scenario_node_find_iface(const struct scenario_node *node, const char *name)
{
    return shash_find_data(&node->ifaces_by_name, name);
}

const struct scenario_addr *
scenario_iface_ipv4(const struct scenario_iface *iface)
{
    for (size_t i = 0; i < iface->n_addrs; i++) {
        if (iface->addrs[i].family == AF_INET) {
            return &iface->addrs[i];
        }
    }
    return NULL;
}

int
scenario_iface_link_mtu(const struct scenario_iface *iface)
{
    const struct scenario_iface *first = iface, *second = iface->peer;

    if (second && second->peer_first) {
        first = second;
        second = iface;
    }
    return first->mtu ? first->mtu : second ? second->mtu : 0;
}

bool
scenario_iface_has_address(const struct scenario_iface *iface)
{
    return iface->n_addrs > 0 || iface->dhcp;
}

/* ---- Which nodes hold an address. ---- */

struct scenario_holder {
    struct hmap_node hmap_node; /* In scenario_holders, by 'ip'. */
    struct in6_addr ip;
    const struct scenario_node *nodes[2]; /* Distinct; [1] may be NULL. */
};

static uint32_t
holder_hash(const struct in6_addr *ip)
{
    return hash_bytes(ip, sizeof *ip, 0);
}

static struct scenario_holder *
holder_find(const struct scenario_holders *holders, const struct in6_addr *ip)
{
    struct scenario_holder *h;

    HMAP_FOR_EACH_WITH_HASH (h, hmap_node, holder_hash(ip), &holders->map) {
        if (ipv6_addr_equals(&h->ip, ip)) {
            return h;
        }
    }
    return NULL;
}

void
scenario_holders_init(struct scenario_holders *holders)
{
    hmap_init(&holders->map);
}

void
scenario_holders_destroy(struct scenario_holders *holders)
{
    if (holders) {
        struct scenario_holder *h;

        HMAP_FOR_EACH_POP (h, hmap_node, &holders->map) {
            free(h);
        }
        hmap_destroy(&holders->map);
    }
}

void
scenario_holders_add(struct scenario_holders *holders,
                     const struct in6_addr *ip,
                     const struct scenario_node *node)
{
    struct scenario_holder *h = holder_find(holders, ip);

    if (!h) {
        h = xzalloc(sizeof *h);
        h->ip = *ip;
        h->nodes[0] = node;
        hmap_insert(&holders->map, &h->hmap_node, holder_hash(ip));
    } else if (!h->nodes[1] && h->nodes[0] != node) {
        h->nodes[1] = node;
    }
}

void
scenario_holders_add_static(struct scenario_holders *holders,
                            const struct scenario *s)
{
    for (size_t i = 0; i < s->n_nodes; i++) {
        const struct scenario_node *node = &s->nodes[i];

        for (size_t j = 0; j < node->n_ifaces; j++) {
            const struct scenario_iface *iface = &node->ifaces[j];

            for (size_t k = 0; k < iface->n_addrs; k++) {
                const struct scenario_addr *a = &iface->addrs[k];

                if (a->family == AF_INET || a->family == AF_INET6) {
                    scenario_holders_add(holders, &a->ip, node);
                }
            }
        }
    }
}

const struct scenario_node *
scenario_holders_other(const struct scenario_holders *holders,
                       const struct in6_addr *ip,
                       const struct scenario_node *node)
{
    const struct scenario_holder *h = holder_find(holders, ip);

    return (!h ? NULL
            : h->nodes[0] != node ? h->nodes[0]
            : h->nodes[1]);
}

const char *
scenario_check_kind_name(enum scenario_check_kind kind)
{
    switch (kind) {
    case SCENARIO_CHECK_PING: return "ping";
    case SCENARIO_CHECK_TCP: return "tcp";
    case SCENARIO_CHECK_DHCP: return "dhcp";
    case SCENARIO_CHECK_ISOLATION: return "isolation";
    case SCENARIO_CHECK_EXEC: return "exec";
    }
    OVS_NOT_REACHED();
}

/* ---- Loading. ---- */

struct scenario *
scenario_parse_buffer(const char *text, size_t length, const char *file_name,
                      struct scenario_errors *errors)
{
    free(errors->file_name);
    errors->file_name = xstrdup(file_name);

    struct scenario *s = scenario_from_yaml(text, length, file_name, errors);
    if (s) {
        scenario_validate(s, errors);
    }
    scenario_errors_sort(errors);
    if (errors->n) {
        scenario_destroy(s);
        return NULL;
    }
    return s;
}

struct scenario *
scenario_parse_file(const char *path, struct scenario_errors *errors)
{
    struct ds text = DS_EMPTY_INITIALIZER;
    FILE *stream = fopen(path, "r");
    struct scenario *s = NULL;

    if (stream) {
        char buf[4096];
        size_t n;

        while ((n = fread(buf, 1, sizeof buf, stream)) > 0) {
            ds_put_buffer(&text, buf, n);
        }
        /* fread() sets errno (EISDIR for a directory); fclose() may not
         * keep it. */
        int error = ferror(stream) ? (errno ? errno : EIO) : 0;
        fclose(stream);
        if (error) {
            stream = NULL;
            errno = error;
        }
    }
    if (!stream) {
        int error = errno;
        free(errors->file_name);
        errors->file_name = xstrdup(path);
        scenario_errors_add(errors, (struct scenario_loc) { 0, 0 },
                            "cannot read the scenario: %s; check the path "
                            "and permissions", ovs_strerror(error));
    } else {
        s = scenario_parse_buffer(ds_cstr(&text), text.length, path, errors);
    }
    ds_destroy(&text);
    return s;
}

static char *
load_result(struct scenario *s, struct scenario_errors *errors,
            struct scenario **sp)
{
    char *msg = s ? NULL : scenario_errors_to_string(errors);

    scenario_errors_destroy(errors);
    *sp = s;
    return msg;
}

char *
scenario_load_file(const char *path, struct scenario **sp)
{
    struct scenario_errors errors;

    scenario_errors_init(&errors);
    return load_result(scenario_parse_file(path, &errors), &errors, sp);
}

char *
scenario_load_string(const char *text, const char *file_name,
                     struct scenario **sp)
{
    struct scenario_errors errors;

    scenario_errors_init(&errors);
    return load_result(scenario_parse_buffer(text, strlen(text), file_name,
                                             &errors),
                       &errors, sp);
}

/* ---- Destruction. ---- */

static void
ref_uninit(struct scenario_ref *ref)
{
    free(ref->text);
}

static void
addrs_free(struct scenario_addr *addrs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        scenario_addr_uninit(&addrs[i]);
    }
    free(addrs);
}

static void
iface_uninit(struct scenario_iface *iface)
{
    free(iface->name);
    ref_uninit(&iface->switch_ref);
    free(iface->trunks);
    ref_uninit(&iface->peer_ref);
    free(iface->host_name);
    addrs_free(iface->host_addrs, iface->n_host_addrs);
    addrs_free(iface->addrs, iface->n_addrs);
}

static void
dhcp_server_destroy(struct scenario_dhcp_server *server)
{
    if (!server) {
        return;
    }
    for (size_t i = 0; i < server->n_pools; i++) {
        struct scenario_dhcp_pool *pool = &server->pools[i];

        ref_uninit(&pool->iface_ref);
        scenario_addr_uninit(&pool->range_start);
        scenario_addr_uninit(&pool->range_end);
        scenario_addr_uninit(&pool->router);
        addrs_free(pool->dns_servers, pool->n_dns_servers);
        for (size_t j = 0; j < pool->n_fixed; j++) {
            ref_uninit(&pool->fixed[j].client_ref);
            scenario_addr_uninit(&pool->fixed[j].addr);
        }
        free(pool->fixed);
    }
    free(server->pools);
    free(server);
}

static void
node_uninit(struct scenario_node *node)
{
    free(node->name);
    for (size_t i = 0; i < node->n_ifaces; i++) {
        iface_uninit(&node->ifaces[i]);
    }
    free(node->ifaces);
    shash_destroy(&node->ifaces_by_name);
    for (size_t i = 0; i < node->n_routes; i++) {
        struct scenario_route *route = &node->routes[i];
        scenario_addr_uninit(&route->dst);
        scenario_addr_uninit(&route->via);
        ref_uninit(&route->dev_ref);
    }
    free(node->routes);
    dhcp_server_destroy(node->dhcp_server);
    for (size_t i = 0; i < node->n_files; i++) {
        free(node->files[i].name);
        free(node->files[i].content);
    }
    free(node->files);
    for (size_t i = 0; i < node->n_starts; i++) {
        free(node->starts[i].command);
    }
    free(node->starts);
}

static void
check_uninit(struct scenario_check *check)
{
    free(check->name);

    ref_uninit(&check->reach.from_ref);
    ref_uninit(&check->reach.to.ref);
    scenario_addr_uninit(&check->reach.to.addr);

    ref_uninit(&check->dhcp.node_ref);
    ref_uninit(&check->dhcp.iface_ref);
    scenario_addr_uninit(&check->dhcp.range_start);
    scenario_addr_uninit(&check->dhcp.range_end);
    scenario_addr_uninit(&check->dhcp.address);

    for (size_t i = 0; check->isolation.node_refs
                       && i < check->isolation.n_nodes; i++) {
        ref_uninit(&check->isolation.node_refs[i]);
    }
    free(check->isolation.node_refs);
    free(check->isolation.nodes);

    ref_uninit(&check->exec.node_ref);
    free(check->exec.command);
    free(check->exec.output);
}

static void
segments_free(struct scenario *s)
{
    for (size_t i = 0; i < s->n_segments; i++) {
        free(s->segments[i].name);
        free(s->segments[i].members);
    }
    free(s->segments);
    s->segments = NULL;
    s->n_segments = 0;
}

void
scenario_destroy(struct scenario *s)
{
    if (!s) {
        return;
    }

    free(s->file_name);
    free(s->name);
    free(s->description);

    for (size_t i = 0; i < s->n_switches; i++) {
        struct scenario_switch *sw = &s->switches[i];
        free(sw->name);
        for (size_t j = 0; j < sw->n_gateways; j++) {
            addrs_free(sw->gateways[j].addrs, sw->gateways[j].n_addrs);
        }
        free(sw->gateways);
        free(sw->ifaces);
    }
    free(s->switches);
    shash_destroy(&s->switches_by_name);

    for (size_t i = 0; i < s->n_nodes; i++) {
        node_uninit(&s->nodes[i]);
    }
    free(s->nodes);
    shash_destroy(&s->nodes_by_name);

    for (size_t i = 0; i < s->host.n_nats; i++) {
        scenario_addr_uninit(&s->host.nats[i].source);
        free(s->host.nats[i].out);
    }
    free(s->host.nats);
    for (size_t i = 0; i < s->host.n_forwards; i++) {
        ref_uninit(&s->host.forwards[i].to_ref);
    }
    free(s->host.forwards);

    for (size_t i = 0; i < s->n_checks; i++) {
        check_uninit(&s->checks[i]);
    }
    free(s->checks);

    segments_free(s);
    free(s);
}
