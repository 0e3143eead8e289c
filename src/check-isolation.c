/*
 * The isolation check: for every ordered pair (a, b) of its nodes, a must
 * reach b if and only if they share an L2 segment on which both have an
 * address (static or DHCP; scenario_next_shared_segment()).  A trunk port,
 * or an interface with neither address nor DHCP, joins a segment where its
 * node can neither send nor answer: it makes no pair reachable.
 *
 * A pair that shares a segment is probed with ICMP at b's address on that
 * segment; a pair that does not is probed at every address of b, and none
 * may answer.  An address that another node (or a itself) also holds is
 * never probed: its reply could have come from either.  A pair left with
 * only such addresses fails, as it proves nothing.  All pairs' probes run
 * at once.  The pairs that must not answer wait for the check's timeout,
 * but once every pair that must answer is decided (on one machine, replies
 * take milliseconds), for at most settings.isolation-timeout more: a reply
 * that has not come by then is not coming, and the matrix takes about that
 * long instead of a whole timeout.
 */
#include <config.h>
#include "check-private.h"

#include <errno.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "util.h"

/* Wrong pairs named in the check's observed text; the details have all. */
#define ISOLATION_MAX_LISTED 5

struct isolation_pair {
    const struct scenario_node *a, *b;
    const struct scenario_segment *segment; /* Shared: expect reachable. */
    char *not_probed;           /* Why the pair was not probed (nothing
                                 * of b to probe on the shared segment,
                                 * or only addresses that another node
                                 * holds too), or NULL. */
    bool ambiguous;             /* The latter. */
    struct check_addrs targets; /* Addresses of b probed. */
    size_t first_probe;         /* Index of the probe of targets[0]. */
    bool cut;                   /* Isolated, and still waiting when the
                                 * reachable pairs were decided: waited
                                 * at most settings.isolation-timeout
                                 * more. */
};

struct check_isolation {
    const struct check_env *env;
    const struct scenario_check *check;
    struct isolation_pair *pairs;
    size_t n_pairs;
    unsigned int isolated_wait; /* Seconds isolated pairs wait once the
                                 * reachable ones are decided. */
    bool reachable_decided;     /* Every reachable pair is decided. */
};

/* Why a pair that shares 'pair->segment' through 'a_iface' and 'b_iface'
 * has no address of b to probe there. */
static char *
describe_no_address(const struct check_env *env,
                    const struct isolation_pair *pair,
                    const struct scenario_iface *a_iface,
                    const struct scenario_iface *b_iface)
{
    const char *seg = pair->segment->name;
    struct check_addrs a_addrs, b_addrs;
    char *s;

    check_addrs_init(&a_addrs);
    check_addrs_init(&b_addrs);
    check_iface_addrs(env, a_iface, &a_addrs);
    check_iface_addrs(env, b_iface, &b_addrs);
    if (!a_addrs.n && !b_addrs.n) {
        s = xasprintf("neither %s nor %s has an address on %s to probe",
                      pair->a->name, pair->b->name, seg);
    } else if (!a_addrs.n) {
        s = xasprintf("%s has no address on %s to probe from",
                      pair->a->name, seg);
    } else if (!b_addrs.n) {
        s = xasprintf("%s has no address on %s to probe", pair->b->name,
                      seg);
    } else {
        s = xasprintf("%s and %s have no addresses of one family on %s to "
                      "probe", pair->a->name, pair->b->name, seg);
    }
    check_addrs_destroy(&a_addrs);
    check_addrs_destroy(&b_addrs);
    return s;
}

/* Adds to 'pair->targets' every address of b that no other node holds.
 * If b has addresses, but each is also another node's, sets
 * 'pair->not_probed'. */
static void
plan_isolated_targets(const struct check_env *env,
                      const struct scenario_holders *holders,
                      struct isolation_pair *pair)
{
    struct check_addrs addrs;
    struct check_pick pick = { .result = CHECK_PICK_NO_ADDRESS };

    check_addrs_init(&addrs);
    check_node_addrs(env, pair->b, &addrs);
    for (size_t i = 0; i < addrs.n; i++) {
        const struct scenario_node *other
            = scenario_holders_other(holders, &addrs.addrs[i].ip, pair->b);

        if (!other) {
            check_addrs_add(&pair->targets, &addrs.addrs[i]);
        } else if (pick.result == CHECK_PICK_NO_ADDRESS) {
            pick.result = CHECK_PICK_AMBIGUOUS;
            pick.addr = addrs.addrs[i];
            pick.other = other;
        }
    }
    if (!pair->targets.n && pick.result == CHECK_PICK_AMBIGUOUS) {
        pair->not_probed = check_describe_ambiguous(&pick);
        pair->ambiguous = true;
    }
    check_addrs_destroy(&addrs);
}

static void
plan_pair(struct check_isolation *iso, struct isolation_pair *pair,
          const struct scenario_holders *holders,
          struct check_prober *prober)
{
    const struct check_env *env = iso->env;
    const struct scenario_iface *a_iface, *b_iface;
    size_t start = 0;

    check_addrs_init(&pair->targets);
    pair->segment = scenario_next_shared_segment(env->scenario, pair->a,
                                                 pair->b, &start, &a_iface,
                                                 &b_iface);
    if (pair->segment) {
        struct check_pick pick;

        check_pick_target(env, holders, pair->a, pair->b, NULL, true, &pick);
        if (pick.result == CHECK_PICKED) {
            pair->segment = pick.segment;
            check_addrs_add(&pair->targets, &pick.addr);
        } else if (pick.result == CHECK_PICK_AMBIGUOUS) {
            pair->not_probed = check_describe_ambiguous(&pick);
            pair->ambiguous = true;
        } else {
            pair->not_probed = describe_no_address(env, pair, a_iface,
                                                   b_iface);
        }
    } else {
        plan_isolated_targets(env, holders, pair);
    }

    pair->first_probe = SIZE_MAX;
    for (size_t i = 0; i < pair->targets.n; i++) {
        size_t idx = check_prober_add(prober, CHECK_PROBE_ICMP,
                                      check_netns_name(env, pair->a),
                                      &pair->targets.addrs[i], 0,
                                      iso->check->timeout * 1000);
        if (!i) {
            pair->first_probe = idx;
        }
    }
}

struct check_isolation *
check_isolation_plan(const struct check_env *env,
                     const struct scenario_holders *holders,
                     const struct scenario_check *check,
                     struct check_prober *prober)
{
    const struct scenario_check_isolation *c = &check->isolation;
    struct check_isolation *iso = xzalloc(sizeof *iso);

    iso->env = env;
    iso->check = check;
    iso->isolated_wait = MIN(check->timeout,
                             env->scenario->settings.isolation_timeout);
    if (c->n_nodes > 1) {
        iso->pairs = xcalloc(c->n_nodes * (c->n_nodes - 1),
                             sizeof *iso->pairs);
    }
    for (size_t i = 0; i < c->n_nodes; i++) {
        for (size_t j = 0; j < c->n_nodes; j++) {
            if (i != j) {
                struct isolation_pair *pair = &iso->pairs[iso->n_pairs++];

                pair->a = c->nodes[i];
                pair->b = c->nodes[j];
                plan_pair(iso, pair, holders, prober);
            }
        }
    }
    return iso;
}

void
check_isolation_run(struct check_isolation *iso, struct check_prober *prober)
{
    if (iso->reachable_decided || iso->isolated_wait >= iso->check->timeout) {
        return;
    }
    for (size_t i = 0; i < iso->n_pairs; i++) {
        const struct isolation_pair *pair = &iso->pairs[i];

        if (pair->segment && pair->targets.n
            && !check_prober_result(prober, pair->first_probe)->done) {
            return;
        }
    }
    for (size_t i = 0; i < iso->n_pairs; i++) {
        struct isolation_pair *pair = &iso->pairs[i];

        for (size_t j = 0; !pair->segment && j < pair->targets.n; j++) {
            size_t idx = pair->first_probe + j;

            if (!check_prober_result(prober, idx)->done) {
                check_prober_shorten(prober, idx, iso->isolated_wait * 1000);
                pair->cut = true;
            }
        }
    }
    iso->reachable_decided = true;
}

/* Appends the addresses in 'addrs' to 's', separated by ", ". */
static void
put_addrs(struct ds *s, const struct check_addrs *addrs)
{
    for (size_t i = 0; i < addrs->n; i++) {
        char buf[CHECK_ADDR_STRLEN];

        ds_put_format(s, "%s%s", i ? ", " : "",
                      check_addr_format(&addrs->addrs[i], buf));
    }
}

/* Fills 'detail' for 'pair' and returns the outcome in a few words, for
 * the summary of wrong pairs. */
static const char *
finish_pair(const struct check_isolation *iso,
            const struct isolation_pair *pair,
            const struct check_prober *prober, struct check_detail *detail)
{
    const struct check_probe_result *reply = NULL;
    const struct check_probe_result *no_socket = NULL;
    bool all_unroutable = pair->targets.n > 0;
    struct ds observed = DS_EMPTY_INITIALIZER;
    int other_error = 0;

    detail->duration_ms = 0;
    for (size_t i = 0; i < pair->targets.n; i++) {
        const struct check_probe_result *r
            = check_prober_result(prober, pair->first_probe + i);

        detail->duration_ms = MAX(detail->duration_ms, r->elapsed_ms);
        if (r->reached && !reply) {
            char buf[CHECK_ADDR_STRLEN];
            char *rtt = check_format_rtt(r->rtt_us);

            reply = r;
            ds_put_format(&observed, "reply from %s in %s",
                          check_addr_format(&pair->targets.addrs[i], buf),
                          rtt);
            free(rtt);
        }
        all_unroutable = all_unroutable && r->error == ENETUNREACH;
        if (r->no_socket) {
            no_socket = r;
        } else if (r->error && r->error != ENETUNREACH) {
            other_error = r->error;
        }
    }

    detail->name = xasprintf("%s -> %s", pair->a->name, pair->b->name);
    detail->expected = (pair->segment
                        ? xasprintf("reachable (%s)", pair->segment->name)
                        : xstrdup("isolated"));
    if (pair->not_probed) {
        ds_put_cstr(&observed, pair->not_probed);
    } else if (no_socket) {
        char *s = check_describe_no_socket(no_socket, pair->a);

        ds_put_cstr(&observed, s);
        free(s);
    } else if (!reply && !pair->targets.n) {
        ds_put_format(&observed, "%s has no address", pair->b->name);
    } else if (!reply && all_unroutable) {
        ds_put_cstr(&observed, "no route to ");
        put_addrs(&observed, &pair->targets);
    } else if (!reply) {
        ds_put_cstr(&observed, "no reply from ");
        put_addrs(&observed, &pair->targets);
        if (pair->cut) {
            ds_put_format(&observed, " within %u s after the reachable "
                          "pairs were done (isolation-timeout)",
                          iso->isolated_wait);
        } else {
            ds_put_format(&observed, " within %u s", iso->check->timeout);
        }
        if (other_error) {
            ds_put_format(&observed, " (%s)", ovs_strerror(other_error));
        }
    }
    detail->observed = ds_steal_cstr(&observed);
    /* A pair that could not be probed proves nothing either way. */
    detail->passed = (!pair->not_probed && !no_socket
                      && (reply != NULL) == !!pair->segment);
    return (pair->ambiguous ? "not probed (ambiguous address)"
            : pair->not_probed ? "not probed (no address)"
            : no_socket ? "not probed (no socket)"
            : reply ? "reached" : "not reached");
}

void
check_isolation_finish(struct check_isolation *iso,
                       const struct check_prober *prober,
                       struct check_result *result)
{
    struct ds observed = DS_EMPTY_INITIALIZER;
    size_t n_reachable = 0, n_wrong = 0;

    result->details = xcalloc(MAX(iso->n_pairs, 1), sizeof *result->details);
    result->n_details = iso->n_pairs;
    for (size_t i = 0; i < iso->n_pairs; i++) {
        const struct isolation_pair *pair = &iso->pairs[i];
        struct check_detail *detail = &result->details[i];
        const char *outcome = finish_pair(iso, pair, prober, detail);

        n_reachable += pair->segment != NULL;
        result->duration_ms = MAX(result->duration_ms, detail->duration_ms);
        if (detail->passed) {
            continue;
        }
        if (++n_wrong <= ISOLATION_MAX_LISTED) {
            ds_put_format(&observed, "%s%s %s", n_wrong > 1 ? ", " : "",
                          detail->name, outcome);
        }
    }

    result->expected = xasprintf("%"PRIuSIZE" pairs: %"PRIuSIZE" reachable, "
                                 "%"PRIuSIZE" isolated", iso->n_pairs,
                                 n_reachable, iso->n_pairs - n_reachable);
    if (n_wrong > ISOLATION_MAX_LISTED) {
        ds_put_format(&observed, ", ...");
    }
    if (n_wrong) {
        result->observed = xasprintf("%"PRIuSIZE" of %"PRIuSIZE" pairs "
                                     "wrong: %s", n_wrong, iso->n_pairs,
                                     ds_cstr(&observed));
    } else {
        result->observed = xasprintf("all %"PRIuSIZE" pairs as expected",
                                     iso->n_pairs);
    }
    result->passed = !n_wrong;
    ds_destroy(&observed);

    for (size_t i = 0; i < iso->n_pairs; i++) {
        check_addrs_destroy(&iso->pairs[i].targets);
        free(iso->pairs[i].not_probed);
    }
    free(iso->pairs);
    free(iso);
}
