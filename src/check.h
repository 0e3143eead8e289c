/*
 * check: running a lab's checks and collecting their results.
 *
 * The checks of a scenario (scenario->checks) run against a deployed lab:
 *
 *   - ping: ICMP echo requests from ovs-lab's own raw ICMP socket, opened
 *     inside the source node's namespace (no "ping" program is run);
 *   - tcp: a non-blocking connect() from a socket opened inside the source
 *     node's namespace; a refused connection is a failure;
 *   - dhcp: the interface's entry in the lease table;
 *   - isolation: every ordered pair of the listed nodes must reach each
 *     other (ICMP) if and only if they share an L2 segment on which both
 *     have an address;
 *   - exec: "/bin/sh -c COMMAND" in the node, exit status and output.
 *
 * Every check is bounded by its timeout, and all of them run at once in a
 * single poll() loop, so running a whole scenario takes about as long as
 * its longest timeout, not the sum of them.  A check that expects failure
 * ("expect: fail") costs its full timeout, because only the end of the
 * timeout proves that nothing came back.
 *
 * Where a check targets a node rather than an address, the address probed
 * is the node's address on a segment it shares with the source node, if
 * any (one in the subnet of one of the source's addresses there, else one
 * of a family the source has there), otherwise its first address (in
 * interface order; static addresses first, then the DHCP lease),
 * preferring a family the source has.  An address that another node holds
 * too (statically or by DHCP, the source included) is never probed: a
 * reply could have come from either.  A check whose target has only such
 * addresses (or an address target that two nodes hold) fails, whatever it
 * expects, like one whose probe could not start.
 *
 * Results are plain data (struct check_results) that report.h turns into a
 * table, JSON or JUnit XML.  The caller may add results of its own for
 * problems of the lab itself (check_results_add_problem()), which are
 * reported as failures like any failed check.
 */
#ifndef CHECK_H
#define CHECK_H 1

#include <stdbool.h>
#include <stddef.h>
#include "openvswitch/compiler.h"
#include "scenario.h"

struct lease_table;
struct plan;

/* Kind of results added by check_results_add_problem(). */
#define CHECK_KIND_LAB "lab"

/* What the checks run against: a deployed lab. */
struct check_env {
    const struct scenario *scenario;
    const struct plan *plan;            /* Namespace names. */
    const struct lease_table *leases;   /* DHCP leases, or NULL if none. */
    bool (*stop)(void);                 /* If nonnull, asked every 0.1 s:
                                         * true ends the checks at once,
                                         * those without a verdict yet
                                         * failing as interrupted. */
};

/* One part of a result, e.g. one ordered pair of an isolation matrix. */
struct check_detail {
    char *name;                 /* "ns1 -> ns2". */
    char *expected;             /* "reachable (switch br0 VLAN 100)". */
    char *observed;             /* "reply from 10.0.0.2 in 0.2 ms". */
    bool passed;
    long long int duration_ms;
};

/* The outcome of one check (or one problem of the lab). */
struct check_result {
    char *name;                 /* Given, or generated ("ping ns2 -> ns1"). */
    const char *kind;           /* "ping", "tcp", "dhcp", "isolation",
                                 * "exec", or CHECK_KIND_LAB.  Static. */
    char *expected;             /* "reply from 10.0.0.1". */
    char *observed;             /* "no reply within 2 s". */
    bool passed;
    long long int duration_ms;
    struct scenario_loc loc;    /* Position in the scenario, 0:0 if none. */

    struct check_detail *details; /* Owned; none for most kinds. */
    size_t n_details;
};

/* All results of a run, in scenario order, then added problems. */
struct check_results {
    char *lab;                  /* Lab name. */
    char *file_name;            /* Scenario file for messages, or NULL. */
    struct check_result *results;
    size_t n, allocated;
    long long int duration_ms;  /* Wall time spent running checks. */
};

/* Initializes 'results', empty, for 'lab' and scenario file 'file_name'
 * (may be NULL).  Both strings are copied. */
void check_results_init(struct check_results *, const char *lab,
                        const char *file_name);
void check_results_destroy(struct check_results *);

/* Appends a new, zeroed result of 'kind' (a static string) named 'name'
 * (copied) and returns it for the caller to fill with malloc'd strings,
 * which 'results' then owns.  The pointer is valid until the next call
 * that adds a result. */
struct check_result *check_results_add(struct check_results *,
                                       const char *kind, const char *name);

/* Appends a failed result of kind CHECK_KIND_LAB named 'name' (e.g.
 * "dnsmasq in ns1") whose observed text is formatted from 'format' (e.g.
 * "exited with status 2 during the run"), for problems of the lab that
 * the report must show as failures. */
void check_results_add_problem(struct check_results *, const char *name,
                               const char *format, ...)
    OVS_PRINTF_FORMAT(3, 4);

/* Counts results that passed or failed, respectively. */
size_t check_results_n_passed(const struct check_results *);
size_t check_results_n_failed(const struct check_results *);

/* Runs every check of env->scenario against the lab and appends one result
 * per check to 'results', in scenario order.  Blocks for about the longest
 * check timeout.  Switches the calling thread into the lab's namespaces
 * (and back) to open sockets.  Exec checks run as children of the caller
 * and are reaped by pid before this returns. */
void check_run_all(const struct check_env *, struct check_results *);

#endif /* check.h */
