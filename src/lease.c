#include <config.h>
#include "lease.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file-util.h"
#include "hash.h"
#include "json-util.h"
#include "openvswitch/json.h"
#include "packets.h"
#include "scenario.h"
#include "util.h"

void
lease_table_init(struct lease_table *table)
{
    hmap_init(&table->leases);
}

static void
lease_destroy(struct lease *lease)
{
    free(lease->error);
    free(lease);
}

void
lease_table_destroy(struct lease_table *table)
{
    struct lease *lease;

    if (!table) {
        return;
    }
    HMAP_FOR_EACH_POP (lease, hmap_node, &table->leases) {
        lease_destroy(lease);
    }
    hmap_destroy(&table->leases);
}

static uint32_t
lease_hash(const struct scenario_iface *iface)
{
    return hash_pointer(iface, 0);
}

struct lease *
lease_table_put(struct lease_table *table, const struct scenario_iface *iface)
{
    struct lease *old = CONST_CAST(struct lease *,
                                   lease_table_find(table, iface));
    struct lease *lease = xzalloc(sizeof *lease);

    if (old) {
        hmap_remove(&table->leases, &old->hmap_node);
        lease_destroy(old);
    }
    lease->iface = iface;
    hmap_insert(&table->leases, &lease->hmap_node, lease_hash(iface));
    return lease;
}

const struct lease *
lease_table_find(const struct lease_table *table,
                 const struct scenario_iface *iface)
{
    const struct lease *lease;

    HMAP_FOR_EACH_WITH_HASH (lease, hmap_node, lease_hash(iface),
                             &table->leases) {
        if (lease->iface == iface) {
            return lease;
        }
    }
    return NULL;
}

/* Orders leases as their interfaces are in the scenario: nodes are one
 * array, and each node's interfaces another. */
static int
compare_leases(const void *a_, const void *b_)
{
    const struct lease *const *a = a_;
    const struct lease *const *b = b_;
    const struct scenario_iface *x = (*a)->iface;
    const struct scenario_iface *y = (*b)->iface;

    if (x->node != y->node) {
        return x->node < y->node ? -1 : 1;
    }
    return x < y ? -1 : x > y;
}

static void
put_ip(struct json *object, const char *name, const struct in6_addr *addr)
{
    if (ipv6_addr_is_set(addr)) {
        json_object_put_format(object, name, IP_FMT,
                               IP_ARGS(in6_addr_get_mapped_ipv4(addr)));
    }
}

struct json *
lease_to_json(const struct lease *lease)
{
    struct json *json = json_object_create();

    json_object_put_string(json, "node", lease->iface->node->name);
    json_object_put_string(json, "interface", lease->iface->name);
    json_object_put(json, "obtained", json_boolean_create(lease->obtained));
    if (lease->obtained) {
        json_object_put_format(json, "address", IP_FMT"/%u",
                               IP_ARGS(in6_addr_get_mapped_ipv4(
                                           &lease->addr)),
                               lease->plen);
        put_ip(json, "server", &lease->server);
        put_ip(json, "router", &lease->router);
        json_object_put(json, "lease_time",
                        json_integer_create(lease->lease_time));
    }
    if (lease->error) {
        json_object_put_string(json, "error", lease->error);
    }
    json_object_put(json, "elapsed_ms",
                    json_integer_create(lease->elapsed_ms));
    return json;
}

char *
lease_table_save(const struct lease_table *table, const char *path)
{
    size_t n = hmap_count(&table->leases);
    const struct lease **sorted = xmalloc(MAX(n, 1) * sizeof *sorted);
    struct json *array = json_array_create_empty();
    struct json *json = json_object_create();
    const struct lease *lease;
    char *error = NULL;
    char *text;
    size_t i = 0;
    int err;

    HMAP_FOR_EACH (lease, hmap_node, &table->leases) {
        sorted[i++] = lease;
    }
    qsort(sorted, n, sizeof *sorted, compare_leases);
    for (i = 0; i < n; i++) {
        json_array_add(array, lease_to_json(sorted[i]));
    }
    json_object_put(json, "leases", array);
    text = json_to_string(json, JSSF_PRETTY | JSSF_SORT);
    json_destroy(json);
    free(sorted);

    err = file_replace_string(path, text);
    if (err) {
        error = xasprintf("cannot write %s: %s", path, ovs_strerror(err));
    }
    free(text);
    return error;
}

static bool
get_ip(const struct json *object, const char *name, struct in6_addr *addr)
{
    const char *value = json_util_get_string(object, name);
    ovs_be32 ip;

    *addr = in6addr_any;
    if (!value) {
        return true;
    }
    if (!ip_parse(value, &ip)) {
        return false;
    }
    *addr = in6_addr_mapped_ipv4(ip);
    return true;
}

/* Parses one element of the "leases" array into a new lease in 'table'. */
static char *
lease_from_json(const struct json *json, const struct scenario *s,
                struct lease_table *table)
{
    const char *node_name, *iface_name, *address;
    const struct scenario_iface *iface = NULL;
    const struct scenario_node *node;
    const struct json *value;
    struct lease *lease;

    if (json->type != JSON_OBJECT) {
        return xstrdup("a lease is not a JSON object");
    }
    node_name = json_util_get_string(json, "node");
    iface_name = json_util_get_string(json, "interface");
    if (!node_name || !iface_name) {
        return xstrdup("a lease lacks \"node\" or \"interface\"");
    }
    node = scenario_find_node(s, node_name);
    if (node) {
        iface = scenario_node_find_iface(node, iface_name);
    }
    if (!iface) {
        return xasprintf("lease for %s.%s, which the scenario does not have",
                         node_name, iface_name);
    }

    lease = lease_table_put(table, iface);
    lease->obtained = json_util_get(json, "obtained", JSON_TRUE) != NULL;
    lease->error = nullable_xstrdup(json_util_get_string(json, "error"));
    value = json_util_get(json, "elapsed_ms", JSON_INTEGER);
    lease->elapsed_ms = value ? json_integer(value) : 0;
    if (!lease->obtained) {
        return NULL;
    }

    address = json_util_get_string(json, "address");
    if (address) {
        ovs_be32 ip;
        char *error = ip_parse_cidr(address, &ip, &lease->plen);

        if (error) {
            free(error);
            address = NULL;
        } else {
            lease->addr = in6_addr_mapped_ipv4(ip);
        }
    }
    if (!address || !get_ip(json, "server", &lease->server)
        || !get_ip(json, "router", &lease->router)) {
        lease->obtained = false;
        return xasprintf("invalid lease for %s.%s", node->name, iface->name);
    }
    value = json_util_get(json, "lease_time", JSON_INTEGER);
    lease->lease_time = (value && json_integer(value) >= 0
                         && json_integer(value) <= UINT32_MAX
                         ? json_integer(value) : 0);
    return NULL;
}

char *
lease_table_load(const char *path, const struct scenario *s,
                 struct lease_table *table)
{
    const struct json *leases;
    struct json *json;
    char *error = NULL;

    if (access(path, F_OK) && errno == ENOENT) {
        return NULL;
    }
    json = json_from_file(path);
    if (json->type == JSON_STRING) {
        error = xasprintf("%s: %s", path, json_string(json));
        goto out;
    }
    leases = (json->type == JSON_OBJECT
              ? json_util_get(json, "leases", JSON_ARRAY) : NULL);
    if (!leases) {
        error = xasprintf("%s: not an object with a \"leases\" array", path);
        goto out;
    }
    for (size_t i = 0; i < json_array(leases)->n; i++) {
        error = lease_from_json(json_array(leases)->elems[i], s, table);
        if (error) {
            char *e = xasprintf("%s: %s", path, error);
            free(error);
            error = e;
            break;
        }
    }

out:
    json_destroy(json);
    return error;
}
