#include <config.h>
#include "nat.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <nftables/libnftables.h>

#include "error-list.h"
#include "ip-forward.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "plan.h"
#include "scenario.h"
#include "svec.h"
#include "util.h"

#define NAT_TABLE_PREFIX "ovs-lab-"

bool
nat_needed(const struct scenario *s)
{
    return s->host.n_nats || s->host.n_forwards;
}

char *
nat_table_name(const char *lab)
{
    return xasprintf(NAT_TABLE_PREFIX "%s", lab);
}

/* ---- The ruleset. ---- */

static const char *
protocol_name(int protocol)
{
    return protocol == IPPROTO_UDP ? "udp" : "tcp";
}

/* True if 'name' written in double quotes matches exactly the interface
 * 'name' in nftables: its strings have no escapes, and a '*' would make
 * the name a wildcard. */
static bool
ifname_is_quotable(const char *name)
{
    return !strpbrk(name, "\"*\\");
}

/* Writes the network 'a' is in, e.g. "10.10.0.0/16" for 10.10.0.10/16. */
static void
put_network(struct ds *out, const struct scenario_addr *a)
{
    ovs_be32 net = scenario_addr_ipv4(a) & be32_prefix_mask(a->plen);

    ds_put_format(out, IP_FMT"/%u", IP_ARGS(net), a->plen);
}

/* The lab's host-side interfaces that route: switch gateway ports and the
 * host ends of host links, in plan order. */
static void
lab_host_ifaces(const struct plan *plan, struct svec *names)
{
    for (size_t i = 0; i < plan->n_gateways; i++) {
        svec_add(names, plan->gateways[i].port_name);
    }
    for (size_t i = 0; i < plan->n_veths; i++) {
        if (plan->veths[i].kind == PLAN_VETH_HOST) {
            svec_add(names, plan->veths[i].b_name);
        }
    }
}

void
nat_validate(const struct scenario *s, struct scenario_errors *errors)
{
    for (size_t i = 0; i < s->host.n_nats; i++) {
        const struct scenario_nat *nat = &s->host.nats[i];

        if (nat->source.family == AF_INET6) {
            scenario_errors_add(errors, nat->source.loc, "NAT source %s is "
                                "not IPv4; ovs-lab masquerades IPv4 only, "
                                "use an IPv4 network or remove the rule",
                                nat->source.text);
        }
        if (nat->out && !ifname_is_quotable(nat->out)) {
            scenario_errors_add(errors, nat->loc, "NAT egress interface "
                                "\"%s\" contains '\"', '*' or '\\', which "
                                "nftables cannot match literally; use a "
                                "name without them", nat->out);
        }
    }
    for (size_t i = 0; nat_needed(s) && i < s->n_nodes; i++) {
        const struct scenario_node *node = &s->nodes[i];

        for (size_t j = 0; j < node->n_ifaces; j++) {
            const struct scenario_iface *iface = &node->ifaces[j];

            if (iface->link == SCENARIO_LINK_HOST && iface->host_name
                && !ifname_is_quotable(iface->host_name)) {
                scenario_errors_add(errors, iface->loc, "host-side name "
                                    "\"%s\" of %s.%s contains '\"', '*' or "
                                    "'\\', which the lab's NAT rules cannot "
                                    "match literally; rename it",
                                    iface->host_name, node->name,
                                    iface->name);
            }
        }
    }
}

static void
put_forward_comment(struct ds *out, const struct scenario_forward *fwd,
                    const char *what)
{
    ds_put_format(out, " comment \"forward %s %d to %s:%d%s\"\n",
                  protocol_name(fwd->protocol), fwd->port, fwd->to_ref.text,
                  fwd->to_port, what);
}

/* DNAT of host port -> node address:port, in the prerouting chain (clients
 * elsewhere) or the output chain (the host itself as the client: the
 * loopback addresses are left alone, because a packet from 127.0.0.1 may
 * not leave the host). */
static void
put_dnat(struct ds *out, const struct scenario_forward *fwd, bool output)
{
    ds_put_cstr(out, "\t\t");
    if (output) {
        ds_put_cstr(out, "ip daddr != 127.0.0.0/8 ");
    }
    ds_put_format(out, "fib daddr type local %s dport %d dnat to "IP_FMT":%d",
                  protocol_name(fwd->protocol), fwd->port,
                  IP_ARGS(scenario_addr_ipv4(fwd->to_addr)), fwd->to_port);
    put_forward_comment(out, fwd, output ? " (from the host)" : "");
}

/* Masquerade of forwarded connections whose replies would not come back
 * through the host otherwise: the host itself as the client (the node may
 * have no route to the host address it connected from), and clients on
 * the target's own subnet (the node would answer them directly, from its
 * own address). */
static void
put_forward_masquerades(struct ds *out, const struct scenario_forward *fwd)
{
    ovs_be32 to = scenario_addr_ipv4(fwd->to_addr);
    const char *proto = protocol_name(fwd->protocol);

    ds_put_format(out, "\t\tct status dnat fib saddr type local ip daddr "
                  IP_FMT" %s dport %d masquerade", IP_ARGS(to), proto,
                  fwd->to_port);
    put_forward_comment(out, fwd, ": the host as client");

    ds_put_cstr(out, "\t\tct status dnat ip saddr ");
    put_network(out, fwd->to_addr);
    ds_put_format(out, " ip daddr "IP_FMT" %s dport %d masquerade",
                  IP_ARGS(to), proto, fwd->to_port);
    put_forward_comment(out, fwd, ": a client beside the target");
}

/* Egress NAT of 'nat->source': through 'nat->out', or through any
 * interface that is not one of the lab's own ('lab_ifaces'), since
 * traffic between the lab's own subnets is not NATed. */
static void
put_masquerade(struct ds *out, const struct scenario_nat *nat,
               const struct svec *lab_ifaces)
{
    ds_put_cstr(out, "\t\tip saddr ");
    put_network(out, &nat->source);
    if (nat->out) {
        ds_put_format(out, " oifname \"%s\"", nat->out);
    } else if (lab_ifaces->n == 1) {
        ds_put_format(out, " oifname != \"%s\"", lab_ifaces->names[0]);
    } else if (lab_ifaces->n > 1) {
        ds_put_cstr(out, " oifname != {");
        for (size_t i = 0; i < lab_ifaces->n; i++) {
            ds_put_format(out, "%s \"%s\"", i ? "," : "",
                          lab_ifaces->names[i]);
        }
        ds_put_cstr(out, " }");
    }
    ds_put_cstr(out, " masquerade comment \"nat ");
    put_network(out, &nat->source);
    ds_put_cstr(out, "\"\n");
}

char *
nat_ruleset(const struct scenario *s, const struct plan *plan,
            char **rulesetp)
{
    const struct scenario_host *host = &s->host;
    struct svec lab_ifaces;
    struct ds out = DS_EMPTY_INITIALIZER;
    char *table = nat_table_name(plan->lab);
    char *error = NULL;

    *rulesetp = NULL;
    svec_init(&lab_ifaces);
    lab_host_ifaces(plan, &lab_ifaces);

    /* A loaded scenario has passed these already; a plan's own names
     * (bridges, generated ones) never contain such characters. */
    struct scenario_errors errors;
    scenario_errors_init(&errors);
    nat_validate(s, &errors);
    if (errors.n) {
        errors.file_name = xstrdup(s->file_name);
        error = scenario_errors_to_string(&errors);
        scenario_errors_destroy(&errors);
        error[strlen(error) - 1] = '\0';     /* No final newline. */
        goto out;
    }
    scenario_errors_destroy(&errors);

    /* A table of this name can only be a leftover ("up" has claimed the
     * lab name): the first two commands remove it, adding it first if it
     * is absent so that the delete cannot fail.  Everything is one
     * transaction, so the table appears complete or not at all. */
    ds_put_format(&out, "table ip %s\n", table);
    ds_put_format(&out, "delete table ip %s\n", table);
    ds_put_format(&out, "table ip %s {\n", table);

    if (host->n_forwards) {
        ds_put_cstr(&out, "\tchain prerouting {\n"
                    "\t\ttype nat hook prerouting priority dstnat; "
                    "policy accept;\n");
        for (size_t i = 0; i < host->n_forwards; i++) {
            put_dnat(&out, &host->forwards[i], false);
        }
        ds_put_cstr(&out, "\t}\n");

        ds_put_cstr(&out, "\tchain output {\n"
                    "\t\ttype nat hook output priority -100; "
                    "policy accept;\n");
        for (size_t i = 0; i < host->n_forwards; i++) {
            put_dnat(&out, &host->forwards[i], true);
        }
        ds_put_cstr(&out, "\t}\n");
    }

    ds_put_cstr(&out, "\tchain postrouting {\n"
                "\t\ttype nat hook postrouting priority srcnat; "
                "policy accept;\n");
    for (size_t i = 0; i < host->n_nats; i++) {
        put_masquerade(&out, &host->nats[i], &lab_ifaces);
    }
    for (size_t i = 0; i < host->n_forwards; i++) {
        put_forward_masquerades(&out, &host->forwards[i]);
    }
    ds_put_cstr(&out, "\t}\n}\n");
    *rulesetp = ds_steal_cstr(&out);

out:
    ds_destroy(&out);
    svec_destroy(&lab_ifaces);
    free(table);
    return error;
}

/* ---- Applying it. ---- */

/* Runs the nftables commands 'commands' in one transaction.  If 'outputp'
 * is nonnull, stores what they print there (malloc'd).  Returns NULL or a
 * malloc'd error message: what libnftables reports. */
static char *
nft_run(const char *commands, char **outputp)
{
    struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
    char *error = NULL;

    if (!nft) {
        return xstrdup("cannot initialize libnftables");
    }
    if (nft_ctx_buffer_output(nft) || nft_ctx_buffer_error(nft)) {
        error = xstrdup("cannot set up libnftables' output buffers");
    } else if (nft_run_cmd_from_buffer(nft, commands)) {
        struct ds msg = DS_EMPTY_INITIALIZER;

        ds_put_cstr(&msg, nft_ctx_get_error_buffer(nft));
        ds_chomp(&msg, '\n');
        if (!msg.length) {
            ds_put_cstr(&msg, "nftables refused the commands");
        }
        error = ds_steal_cstr(&msg);
    } else if (outputp) {
        *outputp = xstrdup(nft_ctx_get_output_buffer(nft));
    }
    nft_ctx_free(nft);
    return error;
}

/* Stores in '*exists' whether the ip table 'table' exists. */
static char *
table_exists(const char *table, bool *exists)
{
    char *output, *save_ptr = NULL;
    char *error = nft_run("list tables ip", &output);

    *exists = false;
    if (error) {
        return error;
    }
    for (char *line = strtok_r(output, "\n", &save_ptr); line;
         line = strtok_r(NULL, "\n", &save_ptr)) {
        if (!strncmp(line, "table ip ", 9) && !strcmp(line + 9, table)) {
            *exists = true;
        }
    }
    free(output);
    return NULL;
}

static char *
delete_table(const char *table)
{
    char *command = xasprintf("delete table ip %s", table);
    char *error = nft_run(command, NULL);

    free(command);
    return error;
}

char *
nat_apply(const struct scenario *s, const struct plan *plan)
{
    char *table = nat_table_name(plan->lab);
    char *ruleset, *error;

    error = nat_ruleset(s, plan, &ruleset);
    if (error) {
        goto out;
    }
    error = nft_run(ruleset, NULL);
    free(ruleset);
    if (error) {
        char *msg = xasprintf("cannot create nftables table ip %s: %s",
                              table, error);
        free(error);
        error = msg;
        goto out;
    }

    error = ip_forward_hold(NULL, plan->lab);
    if (error) {
        free(delete_table(table));  /* The error to report is the first. */
    }

out:
    free(table);
    return error;
}

char *
nat_remove(const char *lab, bool *found)
{
    struct ds errors = DS_EMPTY_INITIALIZER;
    char *table = nat_table_name(lab);
    bool exists, held;
    char *error;

    error = table_exists(table, &exists);
    if (!error && exists) {
        error = delete_table(table);
    }
    if (error) {
        ds_put_format(&errors, "cannot remove nftables table ip %s: %s",
                      table, error);
        free(error);
    }

    error = ip_forward_release(NULL, lab, &held);
    if (error) {
        ds_put_format(&errors, "%slab %s: IPv4 forwarding: %s",
                      errors.length ? "\n" : "", lab, error);
        free(error);
    }

    *found = exists || held;
    free(table);
    return errors.length ? ds_steal_cstr(&errors) : NULL;
}
