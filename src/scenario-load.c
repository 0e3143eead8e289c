/*
 * Scenario YAML -> model.
 *
 * This file knows the YAML layout of a scenario: which keys exist where,
 * their types, the syntax of names and values, and their ranges.  Anything
 * that relates one element to another (references, segments, addresses
 * against DHCP ranges, ...) is scenario-validate.c's job.
 *
 * Scalars are typed by their text, YAML 1.1 style, but only when they are
 * plain (unquoted): "5" is a string, 5 an integer; true/false/yes/no/on/off
 * are booleans; an empty value, ~ and null are null.  A null where a mapping
 * or a list is expected counts as an empty one ("host:" = "host: {}").
 *
 * The model built from a file with errors is partial: an element whose
 * value is invalid is still present where possible (so that references to
 * it resolve), with these placeholders, which scenario-validate.c skips:
 * an address that did not parse has family AF_UNSPEC, and an invalid VLAN
 * is -1.  Such a model never leaves the scenario module.
 */
#include <config.h>
#include "scenario-private.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

struct loader {
    yaml_document_t *doc;
    struct scenario *s;
    struct scenario_errors *errors;
};

/* ---- Positions and errors. ---- */

static struct scenario_loc
loc_of(const yaml_node_t *node)
{
    return (struct scenario_loc) {
        .line = node->start_mark.line + 1,
        .column = node->start_mark.column + 1,
    };
}

static void error_at(struct loader *, const yaml_node_t *,
                     const char *format, ...)
    OVS_PRINTF_FORMAT(3, 4);

static void
error_at(struct loader *ld, const yaml_node_t *node, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    char *msg = xvasprintf(format, args);
    va_end(args);

    scenario_errors_add(ld->errors, loc_of(node), "%s", msg);
    free(msg);
}

/* ---- Scalars. ---- */

/* A plain scalar with an explicit tag ("!!str 10", "&a !!str 10") has the
 * same tag in the document as an untagged one, so look at the text: its
 * properties (anchor, tag) come first. */
static bool
has_explicit_tag(const char *text, size_t length, const yaml_node_t *node)
{
    size_t i = node->start_mark.index;

    for (int n = 0; n < 2 && i < length; n++) {
        if (text[i] == '!') {
            return true;
        } else if (text[i] != '&') {
            break;
        }
        i += strcspn(text + i, " \t\r\n");
        i += strspn(text + i, " \t\r\n");
    }
    return false;
}

/* Makes every explicitly tagged string ("!!str 10") quoted, so that it is
 * not typed by its text: written that way, "10" is a string, not an
 * integer. */
static void
quote_tagged_strings(yaml_document_t *doc, const char *text, size_t length)
{
    for (yaml_node_t *node = doc->nodes.start; node < doc->nodes.top;
         node++) {
        if (node->type == YAML_SCALAR_NODE
            && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
            && node->tag && !strcmp((const char *) node->tag, YAML_STR_TAG)
            && has_explicit_tag(text, length, node)) {
            node->data.scalar.style = YAML_SINGLE_QUOTED_SCALAR_STYLE;
        }
    }
}

static const char *
scalar_text(const yaml_node_t *node)
{
    return (const char *) node->data.scalar.value;
}

static bool
is_plain_scalar(const yaml_node_t *node)
{
    return (node->type == YAML_SCALAR_NODE
            && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
}

static bool
is_null(const yaml_node_t *node)
{
    if (!is_plain_scalar(node)) {
        return false;
    }
    const char *s = scalar_text(node);
    return (!s[0] || !strcmp(s, "~") || !strcmp(s, "null")
            || !strcmp(s, "Null") || !strcmp(s, "NULL"));
}

/* Parses the YAML 1.1 boolean words. */
static bool
parse_bool_word(const char *s, bool *value)
{
    static const char *const trues[] = {
        "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON",
    };
    static const char *const falses[] = {
        "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF",
    };

    for (size_t i = 0; i < ARRAY_SIZE(trues); i++) {
        if (!strcmp(s, trues[i])) {
            *value = true;
            return true;
        } else if (!strcmp(s, falses[i])) {
            *value = false;
            return true;
        }
    }
    return false;
}

static bool
is_int_word(const char *s)
{
    if (*s == '-' || *s == '+') {
        s++;
    }
    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        if (!isdigit((unsigned char) *s)) {
            return false;
        }
    }
    return true;
}

/* Describes 'node' for "wrong type" messages: "a list", "a string (\"x\")",
 * ...  Returns a malloc'd string. */
static char *
describe(const yaml_node_t *node)
{
    bool b;

    switch (node->type) {
    case YAML_MAPPING_NODE:
        return xstrdup("a mapping");
    case YAML_SEQUENCE_NODE:
        return xstrdup("a list");
    case YAML_SCALAR_NODE: {
        const char *s = scalar_text(node);
        const char *kind = "a string";
        if (is_null(node)) {
            return xstrdup("empty");
        } else if (is_plain_scalar(node) && is_int_word(s)) {
            kind = "an integer";
        } else if (is_plain_scalar(node) && parse_bool_word(s, &b)) {
            kind = "a boolean";
        }
        int len = strlen(s);
        return (len > 40
                ? xasprintf("%s (\"%.37s...\")", kind, s)
                : xasprintf("%s (\"%s\")", kind, s));
    }
    case YAML_NO_NODE:
    default:
        return xstrdup("nothing");
    }
}

static void
type_error(struct loader *ld, const yaml_node_t *node, const char *what,
           const char *expected)
{
    char *found = describe(node);
    error_at(ld, node, "wrong type for %s: found %s; expected %s",
             what, found, expected);
    free(found);
}

/* Stores a copy of the non-null scalar 'node' in '*out'. */
static bool
get_string(struct loader *ld, const yaml_node_t *node, const char *what,
           char **out)
{
    if (node->type != YAML_SCALAR_NODE || is_null(node)) {
        type_error(ld, node, what, "a string");
        return false;
    }
    *out = xstrdup(scalar_text(node));
    return true;
}

/* Parses an integer in min..max; 'noun' names the value in range errors
 * ("VLAN 5000 is out of range"). */
static bool
get_int(struct loader *ld, const yaml_node_t *node, const char *what,
        const char *noun, long long min, long long max, int *out)
{
    if (!is_plain_scalar(node) || !is_int_word(scalar_text(node))) {
        char *expected = xasprintf("an integer %lld..%lld", min, max);
        type_error(ld, node, what, expected);
        free(expected);
        return false;
    }

    errno = 0;
    long long value = strtoll(scalar_text(node), NULL, 10);
    if (errno || value < min || value > max) {
        error_at(ld, node, "%s %s is out of range; use %lld..%lld",
                 noun, scalar_text(node), min, max);
        return false;
    }
    *out = value;
    return true;
}

static bool
get_bool(struct loader *ld, const yaml_node_t *node, const char *what,
         bool *out)
{
    if (!is_plain_scalar(node) || !parse_bool_word(scalar_text(node), out)) {
        type_error(ld, node, what, "a boolean (true or false)");
        return false;
    }
    return true;
}

/* Parses one of 'words' (NULL-terminated), storing its index. */
static bool
get_word(struct loader *ld, const yaml_node_t *node, const char *what,
         const char *const words[], int *out)
{
    struct ds allowed = DS_EMPTY_INITIALIZER;

    for (int i = 0; words[i]; i++) {
        if (node->type == YAML_SCALAR_NODE
            && !strcmp(scalar_text(node), words[i])) {
            *out = i;
            ds_destroy(&allowed);
            return true;
        }
        ds_put_format(&allowed, "%s%s", (!i ? ""
                                          : words[i + 1] ? ", " : " or "),
                      words[i]);
    }

    if (node->type != YAML_SCALAR_NODE || is_null(node)) {
        type_error(ld, node, what, ds_cstr(&allowed));
    } else {
        error_at(ld, node, "invalid %s \"%s\"; use %s", what,
                 scalar_text(node), ds_cstr(&allowed));
    }
    ds_destroy(&allowed);
    return false;
}

/* Parses a duration: an integer (seconds) or "<n>s", "<n>m", "<n>h", "<n>d",
 * and "infinite" if 'allow_infinite'.  'min' to 'max' seconds. */
static bool
get_duration(struct loader *ld, const yaml_node_t *node, const char *what,
             bool allow_infinite, uint32_t min, uint32_t max, uint32_t *out)
{
    if (node->type != YAML_SCALAR_NODE || is_null(node)) {
        type_error(ld, node, what, "a duration (30, 10s, 5m, 1h, 1d)");
        return false;
    }

    const char *s = scalar_text(node);
    if (allow_infinite && !strcmp(s, "infinite")) {
        *out = SCENARIO_LEASE_INFINITE;
        return true;
    }

    char *end;
    unsigned long long n;
    errno = 0;
    n = isdigit((unsigned char) *s) ? strtoull(s, &end, 10) : 0;
    unsigned long long unit = 0;
    if (isdigit((unsigned char) *s) && !errno) {
        unit = (!*end ? 1
                : !strcmp(end, "s") ? 1
                : !strcmp(end, "m") ? 60
                : !strcmp(end, "h") ? 3600
                : !strcmp(end, "d") ? 86400
                : 0);
    }
    if (!unit) {
        error_at(ld, node, "invalid duration \"%s\" for %s; use seconds (30) "
                 "or a number with s, m, h or d (10s, 5m, 1h)%s",
                 s, what, allow_infinite ? " or infinite" : "");
        return false;
    }
    if (n > max / unit) {
        error_at(ld, node, "duration \"%s\" is too long for %s; use at most "
                 "%"PRIu32" seconds%s", s, what, max,
                 max == SCENARIO_TIMEOUT_MAX ? " (1d)" : "");
        return false;
    }
    if (n * unit < min) {
        error_at(ld, node, "duration \"%s\" is too short for %s; use at least "
                 "%"PRIu32" second%s", s, what, min, min == 1 ? "" : "s");
        return false;
    }
    *out = n * unit;
    return true;
}

/* Parses an address of 'kind'.  On error reports it and leaves a
 * placeholder (AF_UNSPEC) so that the element still counts as addressed. */
static bool
get_addr(struct loader *ld, const yaml_node_t *node, const char *what,
         enum scenario_addr_kind kind, struct scenario_addr *addr)
{
    memset(addr, 0, sizeof *addr);
    addr->family = AF_UNSPEC;
    addr->loc = loc_of(node);

    if (node->type != YAML_SCALAR_NODE || is_null(node)) {
        type_error(ld, node, what,
                   kind == SCENARIO_ADDR_PLAIN ? "an IP address"
                   : kind == SCENARIO_ADDR_CIDR
                   ? "an address with prefix length (10.0.0.1/24)"
                   : "a network (10.0.0.0/24)");
        return false;
    }

    char *error = scenario_parse_addr(scalar_text(node), kind, addr);
    if (error) {
        error_at(ld, node, "%s", error);
        free(error);
        return false;
    }
    return true;
}

/* Like get_addr() for a plain IPv4 address (DHCP ranges and options). */
static bool
get_ipv4(struct loader *ld, const yaml_node_t *node, const char *what,
         struct scenario_addr *addr)
{
    if (!get_addr(ld, node, what, SCENARIO_ADDR_PLAIN, addr)) {
        return false;
    }
    if (addr->family != AF_INET) {
        error_at(ld, node, "%s \"%s\" is IPv6; DHCP here is IPv4 only, use an "
                 "IPv4 address", what, addr->text);
        addr->family = AF_UNSPEC;
        return false;
    }
    return true;
}

/* ---- Mappings and lists. ---- */

struct ypair {
    const yaml_node_t *key;
    const yaml_node_t *value;
    const char *name;           /* Key text. */
};

/* The valid entries of a mapping: scalar keys, first occurrence only. */
struct ymap {
    const yaml_node_t *node;
    struct ypair *pairs;
    size_t n;
    bool valid;                 /* False if 'node' is not a mapping. */
    bool merge;                 /* Has a merge key (<<), reported. */
};

static const yaml_node_t *
doc_node(const struct loader *ld, int id)
{
    return yaml_document_get_node(ld->doc, id);
}

/* Reads 'node' into 'map', checking that it is a mapping (null counts as
 * empty), that keys are scalars and distinct and, if 'allowed' is
 * non-null, that each is one of 'allowed' (NULL-terminated).  'what'
 * names the mapping in messages ("interface ns1.eth0"); 'noun' names an
 * entry in duplicate messages ("node", "key").  Returns false, with 'map'
 * empty, if 'node' is not a mapping. */
static bool
ymap_init(struct loader *ld, const yaml_node_t *node, const char *what,
          const char *const allowed[], const char *noun, struct ymap *map)
{
    map->node = node;
    map->pairs = NULL;
    map->n = 0;
    map->valid = true;
    map->merge = false;

    if (is_null(node)) {
        return true;
    } else if (node->type != YAML_MAPPING_NODE) {
        type_error(ld, node, what, "a mapping (key: value)");
        map->valid = false;
        return false;
    }

    yaml_node_pair_t *start = node->data.mapping.pairs.start;
    yaml_node_pair_t *top = node->data.mapping.pairs.top;
    struct shash seen = SHASH_INITIALIZER(&seen);

    map->pairs = xmalloc((top - start) * sizeof *map->pairs + 1);
    for (yaml_node_pair_t *p = start; p < top; p++) {
        const yaml_node_t *key = doc_node(ld, p->key);
        const yaml_node_t *value = doc_node(ld, p->value);

        if (key->type != YAML_SCALAR_NODE) {
            error_at(ld, key, "a key in %s is %s; keys must be plain "
                     "strings", what,
                     key->type == YAML_MAPPING_NODE ? "a mapping" : "a list");
            continue;
        }

        const char *name = scalar_text(key);
        if (is_plain_scalar(key) && !strcmp(name, "<<")) {
            error_at(ld, key, "merge keys (<<) are not supported; write the "
                     "keys out");
            map->merge = true;
            continue;
        }

        const yaml_node_t *first = shash_find_data(&seen, name);
        if (first) {
            error_at(ld, key, "duplicate %s \"%s\" in %s (first at %d:%d); "
                     "each %s may appear only once", noun, name, what,
                     loc_of(first).line, loc_of(first).column, noun);
            continue;
        }
        shash_add(&seen, name, key);

        if (allowed) {
            bool ok = false;
            for (size_t i = 0; allowed[i]; i++) {
                if (!strcmp(name, allowed[i])) {
                    ok = true;
                    break;
                }
            }
            if (!ok) {
                struct ds list = DS_EMPTY_INITIALIZER;
                for (size_t i = 0; allowed[i]; i++) {
                    ds_put_format(&list, "%s%s", i ? ", " : "", allowed[i]);
                }
                error_at(ld, key, "unknown key \"%s\" in %s; allowed keys: %s",
                         name, what, ds_cstr(&list));
                ds_destroy(&list);
                continue;
            }
        }

        struct ypair *pair = &map->pairs[map->n++];
        pair->key = key;
        pair->value = value;
        pair->name = name;
    }
    shash_destroy(&seen);
    return true;
}

static void
ymap_destroy(struct ymap *map)
{
    free(map->pairs);
}

static const struct ypair *
ymap_find(const struct ymap *map, const char *key)
{
    for (size_t i = 0; i < map->n; i++) {
        if (!strcmp(map->pairs[i].name, key)) {
            return &map->pairs[i];
        }
    }
    return NULL;
}

static const yaml_node_t *
ymap_get(const struct ymap *map, const char *key)
{
    const struct ypair *pair = ymap_find(map, key);
    return pair ? pair->value : NULL;
}

/* Returns the value of required 'key', or reports that it is missing at
 * 'owner' (the node that names the mapping, e.g. its key).  A mapping that
 * was not a mapping at all has been reported already. */
static const yaml_node_t *
ymap_require(struct loader *ld, const struct ymap *map, const char *key,
             const yaml_node_t *owner, const char *what, const char *hint)
{
    const yaml_node_t *value = ymap_get(map, key);
    if (!value && map->valid) {
        error_at(ld, owner, "missing key \"%s\" in %s; %s", key, what, hint);
    }
    return value;
}

/* Checks that 'node' is a list (null counts as empty). */
static bool
check_list(struct loader *ld, const yaml_node_t *node, const char *what,
           const char *expected)
{
    if (is_null(node) || node->type == YAML_SEQUENCE_NODE) {
        return true;
    }
    type_error(ld, node, what, expected);
    return false;
}

static size_t
list_length(const yaml_node_t *node)
{
    return (node->type == YAML_SEQUENCE_NODE
            ? node->data.sequence.items.top - node->data.sequence.items.start
            : 0);
}

static const yaml_node_t *
list_item(const struct loader *ld, const yaml_node_t *node, size_t i)
{
    return doc_node(ld, node->data.sequence.items.start[i]);
}

/* Stores a reference from the scalar 'node'.  If it is not one, the
 * reference is rejected (see scenario_ref_rejected()). */
static bool
get_ref(struct loader *ld, const yaml_node_t *node, const char *what,
        struct scenario_ref *ref)
{
    ref->loc = loc_of(node);
    return get_string(ld, node, what, &ref->text);
}

/* Like get_ref() for "node.iface". */
static bool
get_iface_ref(struct loader *ld, const yaml_node_t *node, const char *what,
              struct scenario_ref *ref)
{
    char *node_name, *iface_name;

    if (!get_ref(ld, node, what, ref)) {
        return false;
    }
    if (!scenario_split_iface_ref(ref->text, &node_name, &iface_name)) {
        error_at(ld, node, "invalid %s \"%s\"; write NODE.INTERFACE, e.g. "
                 "ns2.eth0", what, ref->text);
        free(ref->text);
        ref->text = NULL;
        return false;
    }
    free(node_name);
    free(iface_name);
    return true;
}

/* Reads "address" (one CIDR) or "addresses" (a list) from 'map'. */
static void
load_addresses(struct loader *ld, const struct ymap *map, const char *what,
               struct scenario_addr **addrs, size_t *n_addrs)
{
    const struct ypair *one = ymap_find(map, "address");
    const struct ypair *list = ymap_find(map, "addresses");

    *addrs = NULL;
    *n_addrs = 0;
    if (one && list) {
        const struct ypair *later = one->key->start_mark.index
                                    > list->key->start_mark.index
                                    ? one : list;
        error_at(ld, later->key, "%s has both address and addresses; use "
                 "address for one CIDR or addresses for a list", what);
    }
    if (one) {
        *addrs = xmalloc(sizeof **addrs);
        get_addr(ld, one->value, "address", SCENARIO_ADDR_CIDR, *addrs);
        *n_addrs = 1;
    } else if (list
               && check_list(ld, list->value, "addresses",
                             "a list of addresses ([10.0.0.1/24])")) {
        size_t n = list_length(list->value);
        *addrs = xmalloc(n * sizeof **addrs + 1);
        for (size_t i = 0; i < n; i++) {
            get_addr(ld, list_item(ld, list->value, i), "addresses item",
                     SCENARIO_ADDR_CIDR, &(*addrs)[i]);
        }
        *n_addrs = n;
    }
}

/* ---- Switches. ---- */

static const char *const gateway_keys[] = { "vlan", "address", "addresses",
                                         NULL };

static void
load_gateways(struct loader *ld, struct scenario_switch *sw,
              const yaml_node_t *node)
{
    char *what = xasprintf("gateway of switch %s", sw->name);

    if (node->type == YAML_SCALAR_NODE && !is_null(node)) {
        struct scenario_gateway *gw = xzalloc(sizeof *gw);
        gw->sw = sw;
        gw->loc = loc_of(node);
        gw->addrs = xmalloc(sizeof *gw->addrs);
        gw->n_addrs = 1;
        get_addr(ld, node, "gateway", SCENARIO_ADDR_CIDR, gw->addrs);
        sw->gateways = gw;
        sw->n_gateways = 1;
    } else if (node->type != YAML_SEQUENCE_NODE) {
        type_error(ld, node, "gateway", "an address (10.0.0.1/24) or a list "
                   "of {vlan, address}");
    } else {
        size_t n = list_length(node);
        sw->gateways = xzalloc(n * sizeof *sw->gateways + 1);
        for (size_t i = 0; i < n; i++) {
            const yaml_node_t *item = list_item(ld, node, i);
            struct scenario_gateway *gw = &sw->gateways[sw->n_gateways];
            struct ymap map;

            if (is_null(item) || item->type != YAML_MAPPING_NODE) {
                type_error(ld, item, "gateway item",
                           "a mapping {vlan: 100, address: 10.0.0.1/24}");
                continue;
            }
            ymap_init(ld, item, what, gateway_keys, "key", &map);
            gw->sw = sw;
            gw->loc = loc_of(item);
            const yaml_node_t *vlan = ymap_get(&map, "vlan");
            if (vlan && !get_int(ld, vlan, "vlan", "VLAN", 1, 4094,
                                 &gw->vlan)) {
                gw->vlan = -1;
            }
            if (!ymap_find(&map, "address") && !ymap_find(&map, "addresses")) {
                error_at(ld, item, "missing key \"address\" in %s; give the "
                         "host's address on this VLAN (address or "
                         "addresses)", what);
            }
            load_addresses(ld, &map, what, &gw->addrs, &gw->n_addrs);
            ymap_destroy(&map);

            for (size_t j = 0; j < sw->n_gateways; j++) {
                if (gw->vlan >= 0 && sw->gateways[j].vlan == gw->vlan) {
                    struct scenario_loc first = sw->gateways[j].loc;
                    error_at(ld, item, "switch %s has two gateways for %s "
                             "(first at %d:%d); give one gateway several "
                             "addresses with addresses", sw->name,
                             gw->vlan ? "the same VLAN" : "untagged traffic",
                             first.line, first.column);
                    break;
                }
            }
            sw->n_gateways++;
        }
    }
    free(what);
}

static void
load_switch(struct loader *ld, struct scenario_switch *sw,
            const yaml_node_t *node)
{
    static const char *const keys[] = { "datapath", "gateway", NULL };
    static const char *const datapaths[] = { "auto", "netdev", "system",
                                             NULL };
    char *what = xasprintf("switch %s", sw->name);
    struct ymap map;

    ymap_init(ld, node, what, keys, "key", &map);

    const yaml_node_t *datapath = ymap_get(&map, "datapath");
    int dp;
    if (datapath && get_word(ld, datapath, "datapath", datapaths, &dp)) {
        sw->datapath = dp == 0 ? SCENARIO_DATAPATH_AUTO
                       : dp == 1 ? SCENARIO_DATAPATH_NETDEV
                       : SCENARIO_DATAPATH_SYSTEM;
    }

    const yaml_node_t *gateway = ymap_get(&map, "gateway");
    if (gateway) {
        load_gateways(ld, sw, gateway);
    }

    ymap_destroy(&map);
    free(what);
}

static void
load_switches(struct loader *ld, const yaml_node_t *node)
{
    struct scenario *s = ld->s;
    struct ymap map;

    ymap_init(ld, node, "switches", NULL, "switch", &map);
    s->switches = xzalloc(map.n * sizeof *s->switches + 1);
    for (size_t i = 0; i < map.n; i++) {
        const struct ypair *p = &map.pairs[i];
        struct scenario_switch *sw = &s->switches[s->n_switches++];

        sw->name = xstrdup(p->name);
        sw->loc = loc_of(p->key);
        if (!scenario_is_valid_switch_name(sw->name)) {
            error_at(ld, p->key, "invalid switch name \"%s\"; use 1 to %d "
                     "letters, digits, '-' or '_', starting with a letter or "
                     "digit (it becomes a Linux interface name)", sw->name,
                     SCENARIO_IFNAME_MAX);
        }
        shash_add(&s->switches_by_name, sw->name, sw);
        load_switch(ld, sw, p->value);
    }
    ymap_destroy(&map);
}

/* ---- Nodes. ---- */

/* Reports why 'name' is not a valid interface name, at 'node'. */
static void
check_ifname(struct loader *ld, const yaml_node_t *node, const char *what,
             const char *name)
{
    size_t len = strlen(name);

    if (len > SCENARIO_IFNAME_MAX) {
        error_at(ld, node, "%s \"%s\" is %"PRIuSIZE" bytes long; Linux "
                 "interface names have at most %d bytes", what, name, len,
                 SCENARIO_IFNAME_MAX);
    } else if (!scenario_is_valid_ifname(name)) {
        error_at(ld, node, "invalid %s \"%s\"; Linux interface names have "
                 "1 to %d bytes without '/', ':', '%%' or spaces, and are not "
                 "\".\", \"..\" or \"lo\"", what, name, SCENARIO_IFNAME_MAX);
    }
}

static void
load_trunks(struct loader *ld, struct scenario_iface *iface,
            const yaml_node_t *node)
{
    if (!check_list(ld, node, "trunk", "a list of VLANs ([100, 200])")) {
        return;
    }

    size_t n = list_length(node);
    if (!n) {
        error_at(ld, node, "empty trunk list; list at least one VLAN, or "
                 "remove trunk for an untagged port");
        return;
    }
    iface->trunks = xmalloc(n * sizeof *iface->trunks);
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item = list_item(ld, node, i);
        int vlan;

        if (!get_int(ld, item, "trunk item", "VLAN", 1, 4094, &vlan)) {
            continue;
        }
        for (size_t j = 0; j < iface->n_trunks; j++) {
            if (iface->trunks[j] == vlan) {
                error_at(ld, item, "VLAN %d appears twice in trunk; list "
                         "each VLAN once", vlan);
                vlan = -1;
                break;
            }
        }
        if (vlan > 0) {
            iface->trunks[iface->n_trunks++] = vlan;
        }
    }
}

/* Parses exactly six pairs of hex digits separated by ':'. */
static bool
parse_mac(const char *text, struct eth_addr *mac)
{
    for (int i = 0; i < 6; i++) {
        const char *p = text + 3 * i;
        if (!isxdigit((unsigned char) p[0]) || !isxdigit((unsigned char) p[1])
            || p[2] != (i < 5 ? ':' : '\0')) {
            return false;
        }
        mac->ea[i] = hexit_value(p[0]) * 16 + hexit_value(p[1]);
    }
    return true;
}

static void
load_mac(struct loader *ld, struct scenario_iface *iface,
         const yaml_node_t *node)
{
    char *text;

    if (!get_string(ld, node, "mac", &text)) {
        return;
    }
    if (!parse_mac(text, &iface->mac)) {
        error_at(ld, node, "invalid MAC address \"%s\"; write six hex bytes "
                 "like 02:00:00:00:00:01", text);
    } else if (eth_addr_is_multicast(iface->mac)
               || eth_addr_is_zero(iface->mac)) {
        error_at(ld, node, "MAC address %s is %s; use a unicast address "
                 "(first byte even), e.g. 02:00:00:00:00:01", text,
                 eth_addr_is_zero(iface->mac) ? "all zeros" : "multicast");
    } else {
        iface->has_mac = true;
    }
    free(text);
}

static void
load_host_link(struct loader *ld, struct scenario_iface *iface,
               const char *what, const yaml_node_t *node)
{
    static const char *const keys[] = { "name", "address", "addresses",
                                        NULL };
    char *host_what = xasprintf("host link of %s", what);
    struct ymap map;

    ymap_init(ld, node, host_what, keys, "key", &map);
    const yaml_node_t *name = ymap_get(&map, "name");
    if (name && get_string(ld, name, "name", &iface->host_name)) {
        check_ifname(ld, name, "host-side interface name", iface->host_name);
    }
    load_addresses(ld, &map, host_what, &iface->host_addrs,
                   &iface->n_host_addrs);
    ymap_destroy(&map);
    free(host_what);
}

static void
load_iface(struct loader *ld, struct scenario_iface *iface,
           const yaml_node_t *node)
{
    static const char *const keys[] = {
        "switch", "vlan", "trunk", "peer", "host",
        "address", "addresses", "dhcp", "mac", "mtu", NULL
    };
    char *what = xasprintf("interface %s.%s", iface->node->name, iface->name);
    struct ymap map;

    iface->link = SCENARIO_LINK_PEER;
    if (is_null(node)) {
        /* "eth0:" alone: a passive peer end, resolved later. */
        free(what);
        return;
    }
    if (!ymap_init(ld, node, what, keys, "key", &map)) {
        /* Not a mapping: which link it has is unknown.  A rejected peer
         * reference says so to the validator. */
        iface->peer_ref.loc = loc_of(node);
        free(what);
        return;
    }

    /* Which link: switch, peer or host (at most one). */
    const struct ypair *link_pair = NULL;
    for (size_t i = 0; i < map.n; i++) {
        const struct ypair *p = &map.pairs[i];
        if (strcmp(p->name, "switch") && strcmp(p->name, "peer")
            && strcmp(p->name, "host")) {
            continue;
        }
        if (link_pair) {
            error_at(ld, p->key, "%s has both %s and %s; an interface "
                     "connects to exactly one of switch, peer or host",
                     what, link_pair->name, p->name);
            continue;
        }
        link_pair = p;
        if (!strcmp(p->name, "switch")) {
            iface->link = SCENARIO_LINK_SWITCH;
            get_ref(ld, p->value, "switch", &iface->switch_ref);
        } else if (!strcmp(p->name, "peer")) {
            iface->link = SCENARIO_LINK_PEER;
            get_iface_ref(ld, p->value, "peer", &iface->peer_ref);
        } else {
            iface->link = SCENARIO_LINK_HOST;
            load_host_link(ld, iface, what, p->value);
        }
    }

    if (!link_pair && map.merge) {
        /* The link may be among the keys merged in: unknown. */
        iface->peer_ref.loc = loc_of(node);
    }

    const struct ypair *vlan = ymap_find(&map, "vlan");
    const struct ypair *trunk = ymap_find(&map, "trunk");
    if (vlan && !get_int(ld, vlan->value, "vlan", "VLAN", 1, 4094,
                         &iface->vlan)) {
        iface->vlan = -1;
    }
    if (trunk) {
        load_trunks(ld, iface, trunk->value);
    }
    if (vlan && trunk) {
        error_at(ld, trunk->key, "%s has both vlan and trunk; use vlan for an "
                 "access port or trunk for a trunk port", what);
    }
    const struct ypair *tag = vlan ? vlan : trunk;
    if (tag && iface->link != SCENARIO_LINK_SWITCH) {
        error_at(ld, tag->key, "%s has %s but no switch; VLANs exist only on "
                 "switch ports, add switch: NAME", what, tag->name);
    }

    load_addresses(ld, &map, what, &iface->addrs, &iface->n_addrs);

    const struct ypair *dhcp = ymap_find(&map, "dhcp");
    if (dhcp && get_bool(ld, dhcp->value, "dhcp", &iface->dhcp)
        && iface->dhcp && iface->n_addrs) {
        error_at(ld, dhcp->value, "%s has dhcp: true and a static address; "
                 "use one or the other", what);
    }

    if (trunk && (iface->n_addrs || iface->dhcp)) {
        const struct ypair *p = ymap_find(&map, "address");
        p = p ? p : ymap_find(&map, "addresses");
        p = p ? p : dhcp;
        error_at(ld, p->key, "%s is a trunk port and cannot have addresses; "
                 "trunk ports carry only tagged frames, use vlan: for an "
                 "access port", what);
    }

    const yaml_node_t *mac = ymap_get(&map, "mac");
    if (mac) {
        load_mac(ld, iface, mac);
    }
    const yaml_node_t *mtu = ymap_get(&map, "mtu");
    if (mtu) {
        get_int(ld, mtu, "mtu", "MTU", 68, 65535, &iface->mtu);
    }

    ymap_destroy(&map);
    free(what);
}

static void
load_ifaces(struct loader *ld, struct scenario_node *node,
            const yaml_node_t *value)
{
    char *what = xasprintf("interfaces of node %s", node->name);
    struct ymap map;

    ymap_init(ld, value, what, NULL, "interface", &map);
    node->ifaces = xzalloc(map.n * sizeof *node->ifaces + 1);
    for (size_t i = 0; i < map.n; i++) {
        const struct ypair *p = &map.pairs[i];
        struct scenario_iface *iface = &node->ifaces[node->n_ifaces++];

        iface->node = node;
        iface->name = xstrdup(p->name);
        iface->loc = loc_of(p->key);
        check_ifname(ld, p->key, "interface name", iface->name);
        shash_add(&node->ifaces_by_name, iface->name, iface);
        load_iface(ld, iface, p->value);
    }
    ymap_destroy(&map);
    free(what);
}

static void
load_route(struct loader *ld, struct scenario_node *node,
           struct scenario_route *route, const yaml_node_t *item)
{
    static const char *const keys[] = { "to", "via", "dev", NULL };
    char *what = xasprintf("route of node %s", node->name);
    struct ymap map;

    route->loc = loc_of(item);
    route->dst.family = AF_UNSPEC;
    route->via.family = AF_UNSPEC;
    if (is_null(item) || item->type != YAML_MAPPING_NODE) {
        type_error(ld, item, "route", "a mapping {to: NETWORK, via: ADDRESS}");
        free(what);
        return;
    }
    ymap_init(ld, item, what, keys, "key", &map);

    const yaml_node_t *via = ymap_get(&map, "via");
    if (via) {
        route->has_via = true;
        get_addr(ld, via, "via", SCENARIO_ADDR_PLAIN, &route->via);
    }
    const yaml_node_t *dev = ymap_get(&map, "dev");
    if (dev) {
        get_ref(ld, dev, "dev", &route->dev_ref);
    }
    if (!via && !dev) {
        error_at(ld, item, "%s has neither via nor dev; give the gateway "
                 "(via) or the output interface (dev)", what);
    }

    const yaml_node_t *to = ymap_require(ld, &map, "to", item, what,
                                         "give the destination (default or "
                                         "a network like 10.1.0.0/16)");
    if (to && to->type == YAML_SCALAR_NODE && !strcmp(scalar_text(to),
                                                      "default")) {
        bool v6 = route->via.family == AF_INET6;
        route->is_default = true;
        route->dst.loc = loc_of(to);
        free(scenario_parse_addr(v6 ? "::/0" : "0.0.0.0/0",
                                 SCENARIO_ADDR_NETWORK, &route->dst));
    } else if (to && get_addr(ld, to, "to", SCENARIO_ADDR_NETWORK,
                              &route->dst)
               && route->via.family != AF_UNSPEC
               && route->via.family != route->dst.family) {
        error_at(ld, via, "route to %s via %s mixes IPv4 and IPv6; the "
                 "gateway must have the destination's address family",
                 route->dst.text, route->via.text);
    }

    ymap_destroy(&map);
    free(what);
}

static void
load_routes(struct loader *ld, struct scenario_node *node,
            const yaml_node_t *value)
{
    if (!check_list(ld, value, "routes",
                    "a list of {to: NETWORK, via: ADDRESS}")) {
        return;
    }
    size_t n = list_length(value);
    node->routes = xzalloc(n * sizeof *node->routes + 1);
    for (size_t i = 0; i < n; i++) {
        load_route(ld, node, &node->routes[node->n_routes++],
                   list_item(ld, value, i));
    }
}

static void
load_fixed(struct loader *ld, struct scenario_dhcp_pool *pool,
           const char *pool_what, const yaml_node_t *value)
{
    char *what = xasprintf("fixed leases of %s", pool_what);
    struct ymap map;

    ymap_init(ld, value, what, NULL, "fixed lease", &map);
    pool->fixed = xzalloc(map.n * sizeof *pool->fixed + 1);
    for (size_t i = 0; i < map.n; i++) {
        const struct ypair *p = &map.pairs[i];
        struct scenario_dhcp_fixed *fixed = &pool->fixed[pool->n_fixed++];

        fixed->loc = loc_of(p->key);
        fixed->client_ref.text = xstrdup(p->name);
        fixed->client_ref.loc = loc_of(p->key);
        get_ipv4(ld, p->value, "fixed address", &fixed->addr);
    }
    ymap_destroy(&map);
    free(what);
}

static void
load_pool(struct loader *ld, struct scenario_dhcp_pool *pool,
          const char *what, const yaml_node_t *key, const yaml_node_t *value)
{
    static const char *const keys[] = {
        "range", "lease-time", "router", "dns-servers", "fixed", NULL
    };
    struct ymap map;

    pool->loc = loc_of(key);
    pool->lease_time = 3600;
    pool->range_start.family = pool->range_end.family = AF_UNSPEC;
    pool->router.family = AF_UNSPEC;
    ymap_init(ld, value, what, keys, "key", &map);

    const yaml_node_t *range = ymap_require(ld, &map, "range", key, what,
                                            "give the addresses to lease, "
                                            "e.g. range: [10.0.0.100, "
                                            "10.0.0.200]");
    if (range && (range->type != YAML_SEQUENCE_NODE
                  || list_length(range) != 2)) {
        type_error(ld, range, "range", "a list of two IPv4 addresses "
                   "[FIRST, LAST]");
    } else if (range
               && get_ipv4(ld, list_item(ld, range, 0), "range start",
                           &pool->range_start)
               && get_ipv4(ld, list_item(ld, range, 1), "range end",
                           &pool->range_end)
               && memcmp(&pool->range_start.ip, &pool->range_end.ip,
                         sizeof pool->range_start.ip) > 0) {
        error_at(ld, range, "DHCP range start %s is after its end %s; write "
                 "[LOWEST, HIGHEST]", pool->range_start.text,
                 pool->range_end.text);
    }

    const yaml_node_t *lease = ymap_get(&map, "lease-time");
    if (lease) {
        get_duration(ld, lease, "lease-time", true, 120,
                     UINT32_MAX - 1, &pool->lease_time);
    }
    const yaml_node_t *router = ymap_get(&map, "router");
    if (router) {
        pool->has_router = get_ipv4(ld, router, "router", &pool->router);
    }
    const yaml_node_t *dns = ymap_get(&map, "dns-servers");
    if (dns && check_list(ld, dns, "dns-servers",
                          "a list of IPv4 addresses")) {
        size_t n = list_length(dns);
        pool->dns_servers = xzalloc(n * sizeof *pool->dns_servers + 1);
        for (size_t i = 0; i < n; i++) {
            struct scenario_addr *a
                = &pool->dns_servers[pool->n_dns_servers];
            if (get_ipv4(ld, list_item(ld, dns, i), "dns-servers item", a)) {
                pool->n_dns_servers++;
            }
        }
    }
    const yaml_node_t *fixed = ymap_get(&map, "fixed");
    if (fixed) {
        load_fixed(ld, pool, what, fixed);
    }
    ymap_destroy(&map);
}

static void
load_dhcp_server(struct loader *ld, struct scenario_node *node,
                 const yaml_node_t *key, const yaml_node_t *value)
{
    static const char *const keys[] = { "dns", "interfaces", NULL };
    char *what = xasprintf("dhcp-server of node %s", node->name);
    struct scenario_dhcp_server *server = xzalloc(sizeof *server);
    struct ymap map;

    node->dhcp_server = server;
    server->loc = loc_of(key);
    ymap_init(ld, value, what, keys, "key", &map);

    const yaml_node_t *dns = ymap_get(&map, "dns");
    if (dns) {
        get_bool(ld, dns, "dns", &server->dns);
    }

    const yaml_node_t *ifaces = ymap_require(ld, &map, "interfaces", key,
                                             what, "list the interfaces to "
                                             "serve with their range");
    struct ymap imap;
    if (ifaces) {
        char *iwhat = xasprintf("interfaces of %s", what);
        ymap_init(ld, ifaces, iwhat, NULL, "interface", &imap);
        if (!imap.n && is_null(ifaces)) {
            error_at(ld, ifaces, "%s serves no interface; list at least one "
                     "interface with its range", what);
        }
        server->pools = xzalloc(imap.n * sizeof *server->pools + 1);
        for (size_t i = 0; i < imap.n; i++) {
            const struct ypair *p = &imap.pairs[i];
            struct scenario_dhcp_pool *pool
                = &server->pools[server->n_pools++];
            char *pwhat = xasprintf("DHCP pool %s.%s", node->name, p->name);

            pool->iface_ref.text = xstrdup(p->name);
            pool->iface_ref.loc = loc_of(p->key);
            load_pool(ld, pool, pwhat, p->key, p->value);
            free(pwhat);
        }
        ymap_destroy(&imap);
        free(iwhat);
    }

    ymap_destroy(&map);
    free(what);
}

static void
load_files(struct loader *ld, struct scenario_node *node,
           const yaml_node_t *value)
{
    char *what = xasprintf("files of node %s", node->name);
    struct ymap map;

    ymap_init(ld, value, what, NULL, "file", &map);
    node->files = xzalloc(map.n * sizeof *node->files + 1);
    for (size_t i = 0; i < map.n; i++) {
        const struct ypair *p = &map.pairs[i];
        struct scenario_file *file = &node->files[node->n_files++];

        file->name = xstrdup(p->name);
        file->loc = loc_of(p->key);
        if (!file->name[0] || strchr(file->name, '/')
            || !strcmp(file->name, ".") || !strcmp(file->name, "..")
            || strlen(file->name) > 255) {
            error_at(ld, p->key, "invalid file name \"%s\"; files are placed "
                     "in /etc/netns/NAMESPACE/, use a plain name like "
                     "resolv.conf or hosts", file->name);
        }

        const yaml_node_t *v = p->value;
        if (is_plain_scalar(v) && !strcmp(scalar_text(v), "auto")) {
            if (!strcmp(file->name, "hosts")) {
                file->generate_hosts = true;
            } else {
                error_at(ld, v, "auto is only available for hosts; quote "
                         "\"auto\" to write that text into %s", file->name);
            }
        } else if (v->type == YAML_SCALAR_NODE && is_null(v)) {
            file->content = xstrdup("");
        } else {
            get_string(ld, v, "file content", &file->content);
        }
    }
    ymap_destroy(&map);
    free(what);
}

static void
load_starts(struct loader *ld, struct scenario_node *node,
            const yaml_node_t *value)
{
    static const char *const keys[] = { "command", "wait-port", NULL };

    if (!check_list(ld, value, "start", "a list of commands")) {
        return;
    }

    char *what = xasprintf("start command of node %s", node->name);
    size_t n = list_length(value);
    node->starts = xzalloc(n * sizeof *node->starts + 1);
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item = list_item(ld, value, i);
        struct scenario_start *start = &node->starts[node->n_starts++];

        start->loc = loc_of(item);
        if (item->type == YAML_MAPPING_NODE) {
            struct ymap map;

            ymap_init(ld, item, what, keys, "key", &map);
            const yaml_node_t *command = ymap_require(
                ld, &map, "command", item, what, "give the shell command");
            if (command) {
                get_string(ld, command, "command", &start->command);
            }
            const yaml_node_t *port = ymap_get(&map, "wait-port");
            if (port) {
                get_int(ld, port, "wait-port", "port", 1, 65535,
                        &start->wait_port);
            }
            ymap_destroy(&map);
        } else if (item->type != YAML_SCALAR_NODE || is_null(item)) {
            type_error(ld, item, "start item", "a command string or "
                       "{command: ..., wait-port: PORT}");
        } else {
            start->command = xstrdup(scalar_text(item));
        }
    }
    free(what);
}

static void
load_node(struct loader *ld, struct scenario_node *node,
          const yaml_node_t *value)
{
    static const char *const keys[] = {
        "interfaces", "routes", "forwarding", "dhcp-server", "files",
        "start", NULL
    };
    char *what = xasprintf("node %s", node->name);
    struct ymap map;

    ymap_init(ld, value, what, keys, "key", &map);

    const yaml_node_t *ifaces = ymap_get(&map, "interfaces");
    if (ifaces) {
        load_ifaces(ld, node, ifaces);
    }
    const yaml_node_t *routes = ymap_get(&map, "routes");
    if (routes) {
        load_routes(ld, node, routes);
    }
    const yaml_node_t *forwarding = ymap_get(&map, "forwarding");
    if (forwarding) {
        get_bool(ld, forwarding, "forwarding", &node->forwarding);
    }
    const struct ypair *dhcp = ymap_find(&map, "dhcp-server");
    if (dhcp) {
        load_dhcp_server(ld, node, dhcp->key, dhcp->value);
    }
    const yaml_node_t *files = ymap_get(&map, "files");
    if (files) {
        load_files(ld, node, files);
    }
    const yaml_node_t *start = ymap_get(&map, "start");
    if (start) {
        load_starts(ld, node, start);
    }

    ymap_destroy(&map);
    free(what);
}

static void
load_nodes(struct loader *ld, const yaml_node_t *key,
           const yaml_node_t *value)
{
    struct scenario *s = ld->s;
    struct ymap map;

    if (ymap_init(ld, value, "nodes", NULL, "node", &map) && !map.n) {
        error_at(ld, key, "no nodes defined; a scenario needs at least one "
                 "node under nodes:");
    }
    s->nodes = xzalloc(map.n * sizeof *s->nodes + 1);
    for (size_t i = 0; i < map.n; i++) {
        const struct ypair *p = &map.pairs[i];
        struct scenario_node *node = &s->nodes[s->n_nodes++];

        node->name = xstrdup(p->name);
        node->loc = loc_of(p->key);
        shash_init(&node->ifaces_by_name);
        if (!scenario_is_valid_node_name(node->name)) {
            error_at(ld, p->key, "invalid node name \"%s\"; use 1 to %d "
                     "letters, digits, '-' or '_', starting with a letter or "
                     "digit (no dots)", node->name, SCENARIO_NODE_NAME_MAX);
        }
        shash_add(&s->nodes_by_name, node->name, node);
        load_node(ld, node, p->value);
    }
    ymap_destroy(&map);
}

/* ---- Host. ---- */

static void
load_nats(struct loader *ld, const yaml_node_t *value)
{
    static const char *const keys[] = { "source", "out", NULL };
    struct scenario_host *host = &ld->s->host;

    if (!check_list(ld, value, "nat", "a list of {source: NETWORK}")) {
        return;
    }
    size_t n = list_length(value);
    host->nats = xzalloc(n * sizeof *host->nats + 1);
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item = list_item(ld, value, i);
        struct scenario_nat *nat = &host->nats[host->n_nats++];
        struct ymap map;

        nat->loc = loc_of(item);
        nat->source.family = AF_UNSPEC;
        if (is_null(item) || item->type != YAML_MAPPING_NODE) {
            type_error(ld, item, "nat item", "a mapping {source: NETWORK}");
            continue;
        }
        ymap_init(ld, item, "host nat", keys, "key", &map);
        const yaml_node_t *source = ymap_require(
            ld, &map, "source", item, "host nat",
            "give the lab network to masquerade, e.g. 10.10.0.0/16");
        if (source) {
            get_addr(ld, source, "source", SCENARIO_ADDR_NETWORK,
                     &nat->source);
        }
        const yaml_node_t *out = ymap_get(&map, "out");
        if (out && get_string(ld, out, "out", &nat->out)) {
            check_ifname(ld, out, "egress interface name", nat->out);
        }
        ymap_destroy(&map);
    }
}

static void
load_forwards(struct loader *ld, const yaml_node_t *value)
{
    static const char *const keys[] = { "port", "to", "to-port", "protocol",
                                        NULL };
    static const char *const protocols[] = { "tcp", "udp", NULL };
    struct scenario_host *host = &ld->s->host;

    if (!check_list(ld, value, "forward",
                    "a list of {port: PORT, to: NODE}")) {
        return;
    }
    size_t n = list_length(value);
    host->forwards = xzalloc(n * sizeof *host->forwards + 1);
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item = list_item(ld, value, i);
        struct scenario_forward *fwd = &host->forwards[host->n_forwards++];
        struct ymap map;

        fwd->loc = loc_of(item);
        fwd->protocol = IPPROTO_TCP;
        if (is_null(item) || item->type != YAML_MAPPING_NODE) {
            type_error(ld, item, "forward item",
                       "a mapping {port: PORT, to: NODE}");
            continue;
        }
        ymap_init(ld, item, "host forward", keys, "key", &map);
        const yaml_node_t *port = ymap_require(
            ld, &map, "port", item, "host forward",
            "give the host port to forward");
        if (port) {
            get_int(ld, port, "port", "port", 1, 65535, &fwd->port);
        }
        const yaml_node_t *to = ymap_require(
            ld, &map, "to", item, "host forward",
            "give the target node (NODE or NODE.INTERFACE)");
        if (to) {
            get_ref(ld, to, "to", &fwd->to_ref);
        }
        const yaml_node_t *to_port = ymap_get(&map, "to-port");
        fwd->to_port = fwd->port;
        if (to_port) {
            get_int(ld, to_port, "to-port", "port", 1, 65535, &fwd->to_port);
        }
        const yaml_node_t *protocol = ymap_get(&map, "protocol");
        int proto;
        if (protocol && get_word(ld, protocol, "protocol", protocols,
                                 &proto)) {
            fwd->protocol = proto ? IPPROTO_UDP : IPPROTO_TCP;
        }
        ymap_destroy(&map);
    }
}

static void
load_host(struct loader *ld, const yaml_node_t *value)
{
    static const char *const keys[] = { "nat", "forward", NULL };
    struct ymap map;

    ymap_init(ld, value, "host", keys, "key", &map);
    const yaml_node_t *nat = ymap_get(&map, "nat");
    if (nat) {
        load_nats(ld, nat);
    }
    const yaml_node_t *forward = ymap_get(&map, "forward");
    if (forward) {
        load_forwards(ld, forward);
    }
    ymap_destroy(&map);
}

static void
load_settings(struct loader *ld, const yaml_node_t *value)
{
    static const char *const keys[] = {
        "dhcp-client", "timeout", "isolation-timeout", NULL
    };
    static const char *const clients[] = { "udhcpc", "dhclient", NULL };
    struct scenario_settings *settings = &ld->s->settings;
    struct ymap map;

    ymap_init(ld, value, "settings", keys, "key", &map);
    const yaml_node_t *client = ymap_get(&map, "dhcp-client");
    int c;
    if (client && get_word(ld, client, "dhcp-client", clients, &c)) {
        settings->dhcp_client = (c ? SCENARIO_DHCP_CLIENT_DHCLIENT
                                 : SCENARIO_DHCP_CLIENT_UDHCPC);
    }
    const yaml_node_t *timeout = ymap_get(&map, "timeout");
    uint32_t t;
    if (timeout && get_duration(ld, timeout, "timeout", false, 1,
                                 SCENARIO_TIMEOUT_MAX, &t)) {
        settings->timeout = t;
    }
    const yaml_node_t *iso = ymap_get(&map, "isolation-timeout");
    if (iso && get_duration(ld, iso, "isolation-timeout", false, 1,
                             SCENARIO_TIMEOUT_MAX, &t)) {
        settings->isolation_timeout = t;
    }
    ymap_destroy(&map);
}

/* ---- Checks. ---- */

/* Parses a ping/tcp destination: an IP literal, NODE or NODE.INTERFACE.
 * Text with a ':', or made of digits and dots only, is meant as an
 * address. */
static void
load_target(struct loader *ld, const yaml_node_t *node,
            struct scenario_target *target)
{
    if (!get_ref(ld, node, "to", &target->ref)) {
        return;
    }

    const char *text = target->ref.text;
    target->addr.family = AF_UNSPEC;
    if (strchr(text, ':')
        || (strchr(text, '.') && !text[strspn(text, "0123456789.")])) {
        target->is_addr = true;
        get_addr(ld, node, "to", SCENARIO_ADDR_PLAIN, &target->addr);
    }
}

/* Reads two IPv4 addresses [FIRST, LAST] for a dhcp check. */
static bool
load_check_range(struct loader *ld, const yaml_node_t *node,
                 struct scenario_check_dhcp *dhcp)
{
    if (node->type != YAML_SEQUENCE_NODE || list_length(node) != 2) {
        type_error(ld, node, "range", "a list of two IPv4 addresses "
                   "[FIRST, LAST]");
        return false;
    }
    if (!get_ipv4(ld, list_item(ld, node, 0), "range start",
                  &dhcp->range_start)
        || !get_ipv4(ld, list_item(ld, node, 1), "range end",
                     &dhcp->range_end)) {
        return false;
    }
    if (memcmp(&dhcp->range_start.ip, &dhcp->range_end.ip,
               sizeof dhcp->range_start.ip) > 0) {
        error_at(ld, node, "range start %s is after its end %s; write "
                 "[LOWEST, HIGHEST]", dhcp->range_start.text,
                 dhcp->range_end.text);
        return false;
    }
    return true;
}

static void
load_check_params(struct loader *ld, struct scenario_check *check,
                  const yaml_node_t *kind_key, const yaml_node_t *value)
{
    static const char *const ping_keys[] = {
        "from", "to", "expect", "name", "timeout", NULL
    };
    static const char *const tcp_keys[] = {
        "from", "to", "port", "expect", "name", "timeout", NULL
    };
    static const char *const dhcp_keys[] = {
        "node", "interface", "range", "address", "expect", "name",
        "timeout", NULL
    };
    static const char *const isolation_keys[] = {
        "nodes", "name", "timeout", NULL
    };
    static const char *const exec_keys[] = {
        "node", "command", "exit", "output", "expect", "name", "timeout",
        NULL
    };
    static const char *const expects[] = { "ok", "fail", NULL };
    const char *const *keys = (check->kind == SCENARIO_CHECK_PING ? ping_keys
                               : check->kind == SCENARIO_CHECK_TCP ? tcp_keys
                               : check->kind == SCENARIO_CHECK_DHCP
                               ? dhcp_keys
                               : check->kind == SCENARIO_CHECK_ISOLATION
                               ? isolation_keys
                               : exec_keys);
    const char *kind = scenario_check_kind_name(check->kind);
    char *what = xasprintf("%s check", kind);
    const yaml_node_t *v;
    struct ymap map;

    ymap_init(ld, value, what, keys, "key", &map);

    if ((v = ymap_get(&map, "name"))) {
        get_string(ld, v, "name", &check->name);
    }
    if ((v = ymap_get(&map, "timeout"))) {
        uint32_t t;
        if (get_duration(ld, v, "timeout", false, 1, SCENARIO_TIMEOUT_MAX,
                         &t)) {
            check->timeout = t;
        }
    }
    int expect;
    if ((v = ymap_get(&map, "expect"))
        && get_word(ld, v, "expect", expects, &expect)) {
        check->expect_ok = !expect;
    }

    switch (check->kind) {
    case SCENARIO_CHECK_PING:
    case SCENARIO_CHECK_TCP:
        if ((v = ymap_require(ld, &map, "from", kind_key, what,
                              "give the node the check runs in"))) {
            get_ref(ld, v, "from", &check->reach.from_ref);
        }
        if ((v = ymap_require(ld, &map, "to", kind_key, what,
                              "give a node, NODE.INTERFACE or an address"))) {
            load_target(ld, v, &check->reach.to);
        }
        if (check->kind == SCENARIO_CHECK_TCP
            && (v = ymap_require(ld, &map, "port", kind_key, what,
                                 "give the TCP port to connect to"))) {
            get_int(ld, v, "port", "port", 1, 65535, &check->reach.port);
        }
        break;

    case SCENARIO_CHECK_DHCP:
        if ((v = ymap_require(ld, &map, "node", kind_key, what,
                              "give the DHCP client node"))) {
            get_ref(ld, v, "node", &check->dhcp.node_ref);
        }
        if ((v = ymap_get(&map, "interface"))) {
            get_ref(ld, v, "interface", &check->dhcp.iface_ref);
        }
        if ((v = ymap_get(&map, "range"))) {
            check->dhcp.has_range = load_check_range(ld, v, &check->dhcp);
        }
        if ((v = ymap_get(&map, "address"))) {
            check->dhcp.has_address = get_ipv4(ld, v, "address",
                                               &check->dhcp.address);
        }
        break;

    case SCENARIO_CHECK_ISOLATION:
        v = ymap_get(&map, "nodes");
        check->isolation.all = !v;
        if (v && check_list(ld, v, "nodes", "a list of node names")) {
            struct scenario_check_isolation *iso = &check->isolation;
            size_t n = list_length(v);

            iso->node_refs = xzalloc(n * sizeof *iso->node_refs + 1);
            iso->nodes = xzalloc(n * sizeof *iso->nodes + 1);
            /* An invalid item stays in the list, rejected, so that the
             * list is not judged too short without it. */
            for (size_t i = 0; i < n; i++) {
                get_ref(ld, list_item(ld, v, i), "nodes item",
                        &iso->node_refs[iso->n_nodes++]);
            }
        }
        break;

    case SCENARIO_CHECK_EXEC:
        if ((v = ymap_require(ld, &map, "node", kind_key, what,
                              "give the node to run the command in"))) {
            get_ref(ld, v, "node", &check->exec.node_ref);
        }
        if ((v = ymap_require(ld, &map, "command", kind_key, what,
                              "give the shell command to run"))) {
            get_string(ld, v, "command", &check->exec.command);
        }
        if ((v = ymap_get(&map, "exit"))) {
            get_int(ld, v, "exit", "exit status", 0, 255,
                    &check->exec.exit_status);
        }
        if ((v = ymap_get(&map, "output"))
            && get_string(ld, v, "output", &check->exec.output)) {
            regex_t re;
            int error = regcomp(&re, check->exec.output,
                                REG_EXTENDED | REG_NOSUB);
            if (error) {
                char buf[128];
                regerror(error, &re, buf, sizeof buf);
                error_at(ld, v, "invalid regular expression \"%s\": %s; "
                         "output is a POSIX extended regex",
                         check->exec.output, buf);
            } else {
                regfree(&re);
            }
        }
        break;
    }

    ymap_destroy(&map);
    free(what);
}

static void
load_check(struct loader *ld, struct scenario_check *check,
           const yaml_node_t *item)
{
    static const char *const kinds[] = {
        "ping", "tcp", "dhcp", "isolation", "exec", NULL
    };
    static const enum scenario_check_kind kind_values[] = {
        SCENARIO_CHECK_PING, SCENARIO_CHECK_TCP, SCENARIO_CHECK_DHCP,
        SCENARIO_CHECK_ISOLATION, SCENARIO_CHECK_EXEC,
    };
    struct ymap map;

    check->loc = loc_of(item);
    check->timeout = ld->s->settings.timeout;
    check->expect_ok = true;
    if (is_null(item) || item->type != YAML_MAPPING_NODE) {
        type_error(ld, item, "check", "a mapping with one kind key, e.g. "
                   "- ping: {from: a, to: b}");
        return;
    }

    ymap_init(ld, item, "check", NULL, "check kind", &map);
    if (!map.n) {
        ymap_destroy(&map);
        if (item->data.mapping.pairs.top == item->data.mapping.pairs.start) {
            error_at(ld, item, "empty check; use one of ping, tcp, dhcp, "
                     "isolation, exec");
        }
        return;
    }

    const struct ypair *p = &map.pairs[0];
    for (size_t i = 1; i < map.n; i++) {
        error_at(ld, map.pairs[i].key, "a check has exactly one kind key, "
                 "but this one also has \"%s\"; start a new list item "
                 "(\"- %s: ...\") for each check", p->name,
                 map.pairs[i].name);
    }
    check->loc = loc_of(p->key);

    int kind;
    if (get_word(ld, p->key, "check kind", kinds, &kind)) {
        check->kind = kind_values[kind];
        load_check_params(ld, check, p->key, p->value);
    }
    ymap_destroy(&map);
}

static void
load_checks(struct loader *ld, const yaml_node_t *value)
{
    struct scenario *s = ld->s;

    if (!check_list(ld, value, "checks", "a list of checks")) {
        return;
    }
    size_t n = list_length(value);
    s->checks = xzalloc(n * sizeof *s->checks + 1);
    for (size_t i = 0; i < n; i++) {
        load_check(ld, &s->checks[s->n_checks++], list_item(ld, value, i));
    }
}

/* ---- Top level. ---- */

/* The lab name derived from 'file_name': its last component without
 * ".yaml" or ".yml". */
static char *
default_lab_name(const char *file_name)
{
    const char *slash = strrchr(file_name, '/');
    const char *base = slash ? slash + 1 : file_name;
    size_t len = strlen(base);

    if (len > 5 && !strcmp(base + len - 5, ".yaml")) {
        len -= 5;
    } else if (len > 4 && !strcmp(base + len - 4, ".yml")) {
        len -= 4;
    }
    return xmemdup0(base, len);
}

static void
load_top(struct loader *ld, const yaml_node_t *root, const char *file_name)
{
    static const char *const keys[] = {
        "lab", "description", "switches", "nodes", "host", "settings",
        "checks", NULL
    };
    struct scenario *s = ld->s;
    const yaml_node_t *v;
    struct ymap map;

    ymap_init(ld, root, "the scenario", keys, "key", &map);

    if ((v = ymap_get(&map, "lab"))) {
        if (get_string(ld, v, "lab", &s->name)
            && !scenario_is_valid_lab_name(s->name)) {
            error_at(ld, v, "invalid lab name \"%s\"; use 1 to %d letters, "
                     "digits, '-' or '_', starting with a letter or digit",
                     s->name, SCENARIO_LAB_NAME_MAX);
        }
    } else {
        s->name = default_lab_name(file_name);
        if (!scenario_is_valid_lab_name(s->name)) {
            error_at(ld, root, "the file name gives the invalid lab name "
                     "\"%s\"; add \"lab: NAME\" (1 to %d letters, digits, "
                     "'-' or '_')", s->name, SCENARIO_LAB_NAME_MAX);
        }
    }
    if ((v = ymap_get(&map, "description"))) {
        get_string(ld, v, "description", &s->description);
    }

    /* Settings first: checks take their default timeout from them. */
    if ((v = ymap_get(&map, "settings"))) {
        load_settings(ld, v);
    }
    if ((v = ymap_get(&map, "switches"))) {
        load_switches(ld, v);
    }
    const struct ypair *nodes = ymap_find(&map, "nodes");
    if (nodes) {
        load_nodes(ld, nodes->key, nodes->value);
    } else {
        error_at(ld, root, "missing key \"nodes\" in the scenario; a "
                 "scenario needs at least one node under nodes:");
    }
    if ((v = ymap_get(&map, "host"))) {
        load_host(ld, v);
    }
    if ((v = ymap_get(&map, "checks"))) {
        load_checks(ld, v);
    }
    ymap_destroy(&map);
}

/* Converts a byte offset in 'text' into a position. */
static struct scenario_loc
offset_to_loc(const char *text, size_t length, size_t offset)
{
    struct scenario_loc loc = { 1, 1 };

    for (size_t i = 0; i < offset && i < length; i++) {
        if (text[i] == '\n') {
            loc.line++;
            loc.column = 1;
        } else {
            loc.column++;
        }
    }
    return loc;
}

static bool
is_ipv6_char(char c)
{
    return isxdigit((unsigned char) c) || c == ':' || c == '.' || c == '/';
}

/* Returns the text around byte 'offset' of 'text' that looks like an IPv6
 * address (with or without a prefix length) starting or ending with ':',
 * which YAML cannot take unquoted: "fd00::" in block style, "fd00::" and
 * "::/0" in flow style.  Returns NULL if there is none, otherwise a
 * malloc'd copy. */
static char *
unquoted_ipv6_at(const char *text, size_t length, size_t offset)
{
    size_t start = offset, end = offset;

    if (offset >= length || !is_ipv6_char(text[offset])) {
        return NULL;
    }
    while (start > 0 && is_ipv6_char(text[start - 1])) {
        start--;
    }
    while (end < length && is_ipv6_char(text[end])) {
        end++;
    }

    char *word = xmemdup0(text + start, end - start);
    size_t len = end - start;
    size_t addr_len = strcspn(word, "/");
    char *addr = xmemdup0(word, addr_len);
    struct in6_addr ip;
    bool ok = ((word[0] == ':' || (word[len - 1] == ':' && addr_len == len))
               && inet_pton(AF_INET6, addr, &ip) == 1);
    free(addr);
    if (!ok) {
        free(word);
        return NULL;
    }
    return word;
}

static void
report_parser_error(const yaml_parser_t *parser, const char *text,
                    size_t length, struct scenario_errors *errors)
{
    struct scenario_loc loc;
    struct ds msg = DS_EMPTY_INITIALIZER;

    if (parser->error == YAML_READER_ERROR) {
        loc = offset_to_loc(text, length, parser->problem_offset);
        ds_put_format(&msg, "invalid text: %s", parser->problem);
        if (parser->problem_value != -1) {
            ds_put_format(&msg, " (byte 0x%02x)", parser->problem_value);
        }
        ds_put_cstr(&msg, "; scenario files must be UTF-8 text");
    } else {
        loc.line = parser->problem_mark.line + 1;
        loc.column = parser->problem_mark.column + 1;
        ds_put_format(&msg, "YAML syntax error: %s",
                      parser->problem ? parser->problem : "unknown problem");
        if (parser->context) {
            ds_put_format(&msg, " (%s at %d:%d)", parser->context,
                          (int) parser->context_mark.line + 1,
                          (int) parser->context_mark.column + 1);
        }
        char *ipv6 = unquoted_ipv6_at(text, length,
                                      parser->problem_mark.index);
        if (ipv6) {
            ds_put_format(&msg, "; an IPv6 address that starts or ends with "
                          "\":\" must be quoted: write \"%s\"", ipv6);
            free(ipv6);
        } else {
            ds_put_cstr(&msg, "; check indentation (spaces, no tabs) and "
                        "quoting (quote values containing \": \", \"#\", "
                        "\"[\" or \"{\")");
        }
    }
    scenario_errors_add(errors, loc, "%s", ds_cstr(&msg));
    ds_destroy(&msg);
}

/* Nesting deeper than any scenario needs.  check_nesting() refuses it
 * before the document is loaded, so that expanded_size() and libyaml
 * never go deeper. */
#define MAX_DEPTH 1000

/* A document is a graph: aliases let one node appear in several places, or
 * even inside itself.  The loader walks the document as a tree, so refuse
 * recursive aliases and documents that aliases blow up beyond any sensible
 * scenario size ("billion laughs"): the tree may have at most this many
 * nodes more than the document itself (a large file without aliases is
 * fine). */
#define MAX_EXPANDED_NODES 100000

struct size_walk {
    yaml_document_t *doc;
    uint8_t *state;             /* Per node: 0 new, 1 on the path, 2 done. */
    size_t *sizes;              /* Per node in state 2: its expanded size. */
    size_t limit;               /* Sizes above it become SIZE_MAX. */
    struct scenario_errors *errors;
};

/* Returns the number of nodes of the tree rooted at node 'id', with aliases
 * expanded, or SIZE_MAX if it is above 'walk->limit' or the document is
 * recursive (reported).  An alias refers to a node that came before it, so
 * that node has been walked already (or is on the path: recursive): the
 * recursion is as deep as the document's nesting, at most MAX_DEPTH. */
static size_t
expanded_size(struct size_walk *walk, int id)
{
    const yaml_node_t *node = yaml_document_get_node(walk->doc, id);
    size_t i = id - 1;

    if (walk->state[i] == 2) {
        return walk->sizes[i];
    } else if (walk->state[i] == 1) {
        scenario_errors_add(walk->errors, loc_of(node), "an alias refers to "
                            "a node that contains it; scenarios cannot be "
                            "recursive, remove that alias");
        return SIZE_MAX;
    }

    walk->state[i] = 1;
    size_t size = 1;
    if (node->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *item = node->data.sequence.items.start;
             item < node->data.sequence.items.top && size != SIZE_MAX;
             item++) {
            size_t n = expanded_size(walk, *item);
            size = n > walk->limit ? SIZE_MAX : size + n;
        }
    } else if (node->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
             pair < node->data.mapping.pairs.top && size != SIZE_MAX;
             pair++) {
            size_t k = expanded_size(walk, pair->key);
            size_t v = (k == SIZE_MAX ? SIZE_MAX
                        : expanded_size(walk, pair->value));
            size = (k > walk->limit || v > walk->limit
                    ? SIZE_MAX : size + k + v);
        }
    }
    walk->state[i] = 2;
    walk->sizes[i] = size;
    return size;
}

static bool
check_document_size(yaml_document_t *doc, struct scenario_errors *errors)
{
    size_t n = doc->nodes.top - doc->nodes.start;
    struct size_walk walk = {
        .doc = doc,
        .state = xzalloc(n + 1),
        .sizes = xmalloc(n * sizeof *walk.sizes + 1),
        .limit = n + MAX_EXPANDED_NODES,
        .errors = errors,
    };
    size_t errors_before = errors->n;

    size_t size = expanded_size(&walk, 1);
    if (size > walk.limit && errors->n == errors_before) {
        scenario_errors_add(errors, loc_of(yaml_document_get_root_node(doc)),
                            "aliases add more than %d YAML nodes to this "
                            "document; write the scenario without nested "
                            "aliases", MAX_EXPANDED_NODES);
    }
    free(walk.state);
    free(walk.sizes);
    return errors->n == errors_before;
}

/* libyaml has no nesting limit, and its scanner takes time proportional to
 * the nesting level for every token: a file of a million '[' would keep it
 * busy for hours.  So before loading, read the events up to the first list
 * or mapping nested deeper than MAX_DEPTH and report it.  Syntax errors are
 * left to the real load. */
static bool
check_nesting(const char *text, size_t length,
              struct scenario_errors *errors)
{
    yaml_parser_t parser;
    bool ok = true;
    int depth = 0;

    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *) text,
                                 length);
    for (;;) {
        yaml_event_t event;

        if (!yaml_parser_parse(&parser, &event)) {
            break;
        }
        yaml_event_type_t type = event.type;
        if (type == YAML_SEQUENCE_START_EVENT
            || type == YAML_MAPPING_START_EVENT) {
            if (++depth > MAX_DEPTH) {
                scenario_errors_add(errors, (struct scenario_loc) {
                        .line = event.start_mark.line + 1,
                        .column = event.start_mark.column + 1,
                    }, "lists and mappings are nested more than %d levels "
                    "deep here; a scenario needs only a few levels, check "
                    "the brackets", MAX_DEPTH);
                ok = false;
            }
        } else if (type == YAML_SEQUENCE_END_EVENT
                   || type == YAML_MAPPING_END_EVENT) {
            depth--;
        }
        yaml_event_delete(&event);
        if (!ok || type == YAML_STREAM_END_EVENT) {
            break;
        }
    }
    yaml_parser_delete(&parser);
    return ok;
}

struct scenario *
scenario_from_yaml(const char *text, size_t length, const char *file_name,
                   struct scenario_errors *errors)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    struct scenario *s = NULL;

    if (!check_nesting(text, length, errors)) {
        return NULL;
    }

    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *) text,
                                 length);
    if (!yaml_parser_load(&parser, &doc)) {
        report_parser_error(&parser, text, length, errors);
        yaml_parser_delete(&parser);
        return NULL;
    }

    const yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || is_null(root)) {
        scenario_errors_add(errors, (struct scenario_loc) { 1, 1 },
                            "the scenario is empty; it needs at least a "
                            "nodes: mapping (see docs/scenario-format.md)");
    } else if (root->type != YAML_MAPPING_NODE) {
        scenario_errors_add(errors, loc_of(root),
                            "the top level is %s; it must be a mapping with "
                            "keys such as lab, switches, nodes, checks",
                            root->type == YAML_SEQUENCE_NODE ? "a list"
                            : "a scalar");
    } else if (check_document_size(&doc, errors)) {
        struct loader ld = { .doc = &doc, .errors = errors };

        quote_tagged_strings(&doc, text, length);

        s = xzalloc(sizeof *s);
        s->file_name = xstrdup(file_name);
        s->settings.dhcp_client = SCENARIO_DHCP_CLIENT_UDHCPC;
        s->settings.timeout = 10;
        s->settings.isolation_timeout = 1;
        shash_init(&s->nodes_by_name);
        shash_init(&s->switches_by_name);
        ld.s = s;
        load_top(&ld, root, file_name);
    }
    yaml_document_delete(&doc);

    /* A scenario is one document: reject anything after it. */
    if (!yaml_parser_load(&parser, &doc)) {
        report_parser_error(&parser, text, length, errors);
    } else {
        const yaml_node_t *extra = yaml_document_get_root_node(&doc);
        if (extra) {
            scenario_errors_add(errors, loc_of(extra),
                                "a second YAML document; a scenario file "
                                "holds one document, remove the \"---\" "
                                "separator or split the file");
        }
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    return s;
}
