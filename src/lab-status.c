/* "ovs-lab status" and "ovs-lab list". */
#include <config.h>
#include "lab.h"
#include "lab-private.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dhcp-server.h"
#include "json-util.h"
#include "lease.h"
#include "netns.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "packets.h"
#include "plan.h"
#include "private-ovs.h"
#include "scenario.h"
#include "sset.h"
#include "switchdb.h"
#include "util.h"

/* What status shows about one node interface. */
static struct json *
iface_json(const struct lab_record *record, const struct scenario_iface *iface,
           const struct shash *ports_by_iface,
           const struct lease_table *leases)
{
    const struct plan_veth *veth = plan_find_veth(record->plan, iface);
    struct eth_addr mac = plan_iface_mac(record->plan, iface);
    struct json *json = json_object_create();
    struct json *addrs = json_array_create_empty();
    char *key = xasprintf("%s.%s", iface->node->name, iface->name);
    const struct switchdb_port *port = shash_find_data(ports_by_iface, key);

    json_object_put_string(json, "name", iface->name);
    json_object_put_format(json, "mac", ETH_ADDR_FMT, ETH_ADDR_ARGS(mac));
    switch (iface->link) {
    case SCENARIO_LINK_SWITCH:
        json_object_put_string(json, "link", "switch");
        json_object_put_string(json, "switch", iface->sw->name);
        json_object_put_string(json, "bridge",
                               record->plan->bridges[veth->bridge].name);
        if (iface->vlan) {
            json_object_put(json, "vlan", json_integer_create(iface->vlan));
        } else if (iface->n_trunks) {
            struct json *trunks = json_array_create_empty();

            for (size_t i = 0; i < iface->n_trunks; i++) {
                json_array_add(trunks, json_integer_create(iface->trunks[i]));
            }
            json_object_put(json, "trunks", trunks);
        }
        json_object_put_string(json, "host_end", veth->b_name);
        if (port) {
            json_object_put(json, "ofport", json_integer_create(port->ofport));
            if (port->error) {
                json_object_put_string(json, "error", port->error);
            }
        }
        break;
    case SCENARIO_LINK_HOST:
        json_object_put_string(json, "link", "host");
        json_object_put_string(json, "host_end", veth->b_name);
        break;
    case SCENARIO_LINK_PEER:
        json_object_put_string(json, "link", "peer");
        json_object_put_format(json, "peer", "%s.%s", iface->peer->node->name,
                               iface->peer->name);
        break;
    }
    for (size_t i = 0; i < iface->n_addrs; i++) {
        json_array_add(addrs, json_string_create(iface->addrs[i].text));
    }
    json_object_put(json, "addresses", addrs);
    if (iface->dhcp) {
        const struct lease *lease = lease_table_find(leases, iface);

        json_object_put(json, "dhcp", json_boolean_create(true));
        if (lease) {
            json_object_put(json, "lease", lease_to_json(lease));
        }
    }
    free(key);
    return json;
}

/* The status of one recorded lab, as JSON (text output is printed from
 * the same JSON, so the two never disagree). */
static struct json *
lab_status_json(const struct lab_record *record, struct switchdb *db)
{
    const struct scenario *s = record->scenario;
    struct json *json = json_object_create();
    struct json *nodes = json_array_create_empty();
    struct json *bridges = json_array_create_empty();
    struct shash ports_by_iface = SHASH_INITIALIZER(&ports_by_iface);
    struct lease_table leases;
    struct switchdb_lab rows;
    char *leases_path = xasprintf("%s/%s/%s", STATE_LABS_DIR,
                                  record->state.lab, LEASE_FILE_NAME);
    char *error;

    lease_table_init(&leases);
    error = lease_table_load(leases_path, s, &leases);
    if (error) {
        fprintf(stderr, "ovs-lab: warning: %s\n", error);
        free(error);
    }
    free(leases_path);

    switchdb_lab_init(&rows, record->state.lab);
    if (db) {
        switchdb_list(db, record->state.lab, &rows);
    }
    for (size_t i = 0; i < rows.n_ports; i++) {
        const struct switchdb_port *port = rows.ports[i];

        if (port->node && port->iface) {
            shash_add_nocopy(&ports_by_iface,
                             xasprintf("%s.%s", port->node, port->iface),
                             port);
        }
    }

    json_object_put_string(json, "lab", record->state.lab);
    if (record->state.scenario_path) {
        json_object_put_string(json, "scenario", record->state.scenario_path);
    }
    json_object_put_string(json, "ovsdb", record->state.ovsdb);
    json_object_put(json, "private_ovs",
                    json_boolean_create(record->state.private_ovs));
    json_object_put(json, "created",
                    json_integer_create(record->state.created));

    for (size_t i = 0; i < record->plan->n_bridges; i++) {
        const struct plan_bridge *pb = &record->plan->bridges[i];
        struct json *bridge = json_object_create();
        bool present = false;

        for (size_t j = 0; j < rows.n_bridges; j++) {
            present |= !strcmp(rows.bridges[j]->name, pb->name);
        }
        json_object_put_string(bridge, "switch", pb->sw->name);
        json_object_put_string(bridge, "bridge", pb->name);
        json_object_put(bridge, "present", json_boolean_create(present));
        json_array_add(bridges, bridge);
    }
    json_object_put(json, "switches", bridges);

    char *dir = state_dir(record->state.lab);
    struct dhcp_servers *servers = dhcp_servers_find(s, record->plan, dir);

    free(dir);
    for (size_t i = 0; i < s->n_nodes; i++) {
        const struct scenario_node *node = &s->nodes[i];
        const char *netns = record->plan->netns[i].name;
        struct json *jnode = json_object_create();
        struct json *ifaces = json_array_create_empty();
        size_t n_pids = 0;
        pid_t *pids = NULL;

        json_object_put_string(jnode, "name", node->name);
        json_object_put_string(jnode, "netns", netns);
        json_object_put(jnode, "present",
                        json_boolean_create(netns_exists(netns)));
        if (!netns_list_pids(netns, &pids, &n_pids)) {
            json_object_put(jnode, "processes", json_integer_create(n_pids));
        }
        free(pids);
        for (size_t j = 0; j < node->n_ifaces; j++) {
            json_array_add(ifaces, iface_json(record, &node->ifaces[j],
                                              &ports_by_iface, &leases));
        }
        json_object_put(jnode, "interfaces", ifaces);
        for (size_t j = 0; j < servers->n; j++) {
            const struct dhcp_server *server = &servers->servers[j];

            if (server->node == node) {
                struct json *jserver = json_object_create();

                json_object_put(jserver, "running",
                                json_boolean_create(server->pid > 0));
                if (server->pid > 0) {
                    json_object_put(jserver, "pid",
                                    json_integer_create(server->pid));
                }
                json_object_put_string(jserver, "log", server->log_path);
                json_object_put_string(jserver, "leases", server->lease_path);
                json_object_put_string(jserver, "config", server->conf_path);
                json_object_put(jnode, "dhcp_server", jserver);
            }
        }
        json_array_add(nodes, jnode);
    }
    dhcp_servers_destroy(servers);
    json_object_put(json, "nodes", nodes);

    shash_destroy(&ports_by_iface);
    switchdb_lab_destroy(&rows);
    lease_table_destroy(&leases);
    return json;
}

static const struct json *
json_get(const struct json *object, const char *name)
{
    return shash_find_data(json_object(object), name);
}

static size_t
json_array_size(const struct json *array)
{
    return json_array(array)->n;
}

static struct json *
json_array_at(const struct json *array, size_t i)
{
    return json_array(array)->elems[i];
}

static void
format_time(long long int msec, struct ds *out)
{
    time_t t = msec / 1000;
    struct tm tm;
    char buf[64];

    localtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    ds_put_cstr(out, buf);
}

/* "dhcp 10.0.0.100/24 from 10.0.0.1, lease 3600 s, after 0.1 s", or why
 * there is none. */
static void
format_lease(const struct json *lease, struct ds *out)
{
    const char *error;

    ds_put_cstr(out, "dhcp");
    if (!lease) {
        ds_put_cstr(out, " (no client ran)");
    } else if (json_get(lease, "obtained")->type == JSON_TRUE) {
        ds_put_format(out, " %s", json_util_get_string(lease, "address"));
        if (json_util_get_string(lease, "server")) {
            ds_put_format(out, " from %s",
                          json_util_get_string(lease, "server"));
        }
        ds_put_format(out, ", lease %"PRId64" s, after %.1f s",
                      json_integer(json_get(lease, "lease_time")),
                      json_integer(json_get(lease, "elapsed_ms")) / 1000.0);
    } else {
        error = json_util_get_string(lease, "error");
        ds_put_format(out, ": no lease (%s)", error ? error : "no answer");
    }
}

static void
print_lab_text(const struct json *json)
{
    const struct json *nodes = json_get(json, "nodes");
    const struct json *switches = json_get(json, "switches");
    struct ds out = DS_EMPTY_INITIALIZER;

    ds_put_format(&out, "lab %s, up since ",
                  json_util_get_string(json, "lab"));
    format_time(json_integer(json_get(json, "created")), &out);
    ds_put_format(&out, "\n  scenario: %s\n  ovsdb: %s%s\n",
                  json_util_get_string(json, "scenario"),
                  json_util_get_string(json, "ovsdb"),
                  json_get(json, "private_ovs")->type == JSON_TRUE
                  ? " (ovs-lab's private OVS)" : "");

    for (size_t i = 0; i < json_array_size(switches); i++) {
        const struct json *sw = json_array_at(switches, i);

        ds_put_format(&out, "  switch %s: bridge %s%s\n",
                      json_util_get_string(sw, "switch"),
                      json_util_get_string(sw, "bridge"),
                      json_get(sw, "present")->type == JSON_TRUE
                      ? "" : " (MISSING)");
    }

    ds_put_format(&out, "  %-22s %-26s %-15s %-6s %s\n", "NODE.INTERFACE",
                  "LINK", "HOST END", "OFPORT", "ADDRESSES");
    for (size_t i = 0; i < json_array_size(nodes); i++) {
        const struct json *node = json_array_at(nodes, i);
        const struct json *ifaces = json_get(node, "interfaces");
        const struct json *processes = json_get(node, "processes");

        ds_put_format(&out, "  %s: namespace %s",
                      json_util_get_string(node, "name"),
                      json_util_get_string(node, "netns"));
        if (json_get(node, "present")->type != JSON_TRUE) {
            ds_put_cstr(&out, " (MISSING)");
        } else if (processes) {
            ds_put_format(&out, ", %"PRId64" process%s",
                          json_integer(processes),
                          json_integer(processes) == 1 ? "" : "es");
        }
        ds_put_char(&out, '\n');
        if (json_get(node, "dhcp_server")) {
            const struct json *server = json_get(node, "dhcp_server");

            if (json_get(server, "pid")) {
                ds_put_format(&out, "    dnsmasq (pid %"PRId64")",
                              json_integer(json_get(server, "pid")));
            } else {
                ds_put_cstr(&out, "    dnsmasq NOT RUNNING");
            }
            ds_put_format(&out, ", log %s\n",
                          json_util_get_string(server, "log"));
        }

        for (size_t j = 0; j < json_array_size(ifaces); j++) {
            const struct json *iface = json_array_at(ifaces, j);
            const struct json *addrs = json_get(iface, "addresses");
            const char *link = json_util_get_string(iface, "link");
            const struct json *ofport = json_get(iface, "ofport");
            const char *error = json_util_get_string(iface, "error");
            struct ds name = DS_EMPTY_INITIALIZER;
            struct ds desc = DS_EMPTY_INITIALIZER;
            struct ds port = DS_EMPTY_INITIALIZER;

            ds_put_format(&name, "%s.%s", json_util_get_string(node, "name"),
                          json_util_get_string(iface, "name"));
            if (!strcmp(link, "switch")) {
                const struct json *vlan = json_get(iface, "vlan");
                const struct json *trunks = json_get(iface, "trunks");

                ds_put_format(&desc, "switch %s",
                              json_util_get_string(iface, "switch"));
                if (vlan) {
                    ds_put_format(&desc, " vlan %"PRId64, json_integer(vlan));
                } else if (trunks) {
                    ds_put_cstr(&desc, " trunk ");
                    for (size_t k = 0; k < json_array_size(trunks); k++) {
                        ds_put_format(&desc, "%s%"PRId64, k ? "," : "",
                                      json_integer(json_array_at(trunks, k)));
                    }
                }
                ds_put_format(&port, "%s", ofport
                              ? (json_integer(ofport) > 0 ? "" : "FAILED")
                              : "none");
                if (ofport && json_integer(ofport) > 0) {
                    ds_put_format(&port, "%"PRId64, json_integer(ofport));
                }
            } else if (!strcmp(link, "peer")) {
                ds_put_format(&desc, "veth to %s",
                              json_util_get_string(iface, "peer"));
            } else {
                ds_put_cstr(&desc, "veth to host");
            }
            ds_put_format(&out, "  %-22s %-26s %-15s %-6s ", ds_cstr(&name),
                          ds_cstr(&desc),
                          json_util_get_string(iface, "host_end")
                          ? json_util_get_string(iface, "host_end") : "-",
                          port.length ? ds_cstr(&port) : "-");
            for (size_t k = 0; k < json_array_size(addrs); k++) {
                ds_put_format(&out, "%s%s", k ? " " : "",
                              json_string(json_array_at(addrs, k)));
            }
            if (json_get(iface, "dhcp")) {
                format_lease(json_get(iface, "lease"), &out);
            }
            if (error) {
                ds_put_format(&out, " (error: %s)", error);
            }
            ds_put_char(&out, '\n');
            ds_destroy(&name);
            ds_destroy(&desc);
            ds_destroy(&port);
        }
    }
    fputs(ds_cstr(&out), stdout);
    ds_destroy(&out);
}

/* Connects to the OVS that 'record''s lab is in, without starting
 * anything, replicating only the lab's rows (the other labs' may be
 * thousands).  Returns NULL if it is not reachable (status then shows the
 * ports as unknown). */
static struct switchdb *
connect_for_status(const struct lab_record *record,
                   struct private_ovs **privatep)
{
    struct switchdb *db = NULL;
    char *error = lab_connect_ovs_lab(record->state.private_ovs
                                      ? NULL : record->state.ovsdb,
                                      record->state.lab, &db, privatep);

    if (error) {
        fprintf(stderr, "ovs-lab: warning: %s\n", error);
        free(error);
    }
    return db;
}

char *
lab_status(const char *lab, bool json_output, const struct lab_options *o)
{
    struct sset labs = SSET_INITIALIZER(&labs);
    struct json *all = json_array_create_empty();
    const char **sorted;
    const char *name;
    char *error = NULL;

    if (lab) {
        sset_add(&labs, lab);
    } else {
        state_list(&labs);
    }
    sorted = sset_sort(&labs);

    for (size_t i = 0; i < sset_count(&labs); i++) {
        struct private_ovs *private = NULL;
        struct lab_record record;
        struct switchdb *db;
        int err;

        name = sorted[i];
        err = lab_record_load(name, &record, &error);
        if (err) {
            if (err == ENOENT) {
                error = xasprintf("lab %s is not up (see \"ovs-lab list\")",
                                  name);
            }
            break;
        }
        db = connect_for_status(&record, &private);
        json_array_add(all, lab_status_json(&record, db));
        switchdb_close(db);
        private_ovs_release(private);
        lab_record_destroy(&record);
    }

    if (!error) {
        if (json_output) {
            struct json *out = lab ? json_array_at(all, 0) : all;
            char *text = json_to_string(out, JSSF_PRETTY | JSSF_SORT);

            puts(text);
            free(text);
        } else if (!json_array_size(all)) {
            puts("no lab is up");
        } else {
            for (size_t i = 0; i < json_array_size(all); i++) {
                print_lab_text(json_array_at(all, i));
            }
        }
    }
    free(sorted);
    json_destroy(all);
    sset_destroy(&labs);
    return error;
}

char *
lab_list(const struct lab_options *options OVS_UNUSED)
{
    struct sset labs = SSET_INITIALIZER(&labs);
    const char **sorted;

    state_list(&labs);
    sorted = sset_sort(&labs);
    for (size_t i = 0; i < sset_count(&labs); i++) {
        puts(sorted[i]);
    }
    free(sorted);
    sset_destroy(&labs);
    return NULL;
}
