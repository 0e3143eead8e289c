/* DHCP leases that the lab's clients obtained, as recorded by ovs-lab.
 *
 * The DHCP client code (dhcp-client.h) fills a lease_table; checks, status
 * and reports read it.  Leases are keyed by node interface.  A table can
 * be saved as JSON and loaded again by another process (e.g. "status"),
 * in this form (one object per interface, in scenario order):
 *
 *     {"leases": [
 *        {"node": "a1", "interface": "eth0", "obtained": true,
 *         "address": "10.0.10.100/24", "server": "10.0.10.1",
 *         "router": "10.0.10.1", "lease_time": 600, "elapsed_ms": 23},
 *        {"node": "b1", "interface": "eth0", "obtained": false,
 *         "error": "no lease within 10.0 s (...)", "elapsed_ms": 10001}]}
 *
 * "router" is present only if there is one; "lease_time" is in seconds,
 * 4294967295 for an infinite lease. */
#ifndef LEASE_H
#define LEASE_H 1

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include "openvswitch/compiler.h"
#include "openvswitch/hmap.h"

struct scenario;
struct json;
struct scenario_iface;

struct lease {
    struct hmap_node hmap_node; /* In lease_table, by 'iface'. */
    const struct scenario_iface *iface; /* The client interface. */
    bool obtained;              /* False: the client gave up (no lease). */
    struct in6_addr addr;       /* IPv4-mapped, if 'obtained'. */
    unsigned int plen;          /* Prefix length from the subnet mask. */
    struct in6_addr server;     /* Server identifier (IPv4-mapped). */
    struct in6_addr router;     /* Option 3, all-zero if none. */
    uint32_t lease_time;        /* Seconds (UINT32_MAX: infinite). */
    long long int elapsed_ms;   /* From client start to lease (or giving
                                 * up). */
    char *error;                /* Why there is no lease, or NULL. */
};

struct lease_table {
    struct hmap leases;
};

/* The file, in a lab's state directory, that holds the lab's leases for
 * other processes (lease_table_save() and lease_table_load()). */
#define LEASE_FILE_NAME "leases.json"

void lease_table_init(struct lease_table *);
void lease_table_destroy(struct lease_table *);

/* Adds a new lease for 'iface' (replacing any earlier one) and returns it
 * for the caller to fill; the table owns it. */
struct lease *lease_table_put(struct lease_table *,
                              const struct scenario_iface *);

/* The lease of 'iface', or NULL if its client has not finished. */
const struct lease *lease_table_find(const struct lease_table *,
                                     const struct scenario_iface *);

/* 'lease' as a JSON object (node, interface, obtained, address, server,
 * router, lease_time, error, elapsed_ms), as saved and as "status" shows
 * it.  The caller owns the result. */
struct json *lease_to_json(const struct lease *);

/* Writes 'table' as JSON to 'path' (through a temporary file and a
 * rename, so that a reader never sees half of it).  Returns NULL or a
 * malloc'd error message. */
char *lease_table_save(const struct lease_table *, const char *path)
    OVS_WARN_UNUSED_RESULT;

/* Adds the leases saved in 'path' to 'table' (initialized by the caller),
 * resolving their interfaces in 'scenario' (the scenario the leases were
 * obtained in).  A missing file is not an error: the table is left as it
 * was, as before any client ran.  Returns NULL or a malloc'd error message
 * (the table may then hold some of the leases). */
char *lease_table_load(const char *path, const struct scenario *,
                       struct lease_table *) OVS_WARN_UNUSED_RESULT;

#endif /* lease.h */
