/* DHCP leases that the lab's clients obtained, as recorded by ovs-lab.
 *
 * The DHCP client code fills a lease_table; checks, status and reports
 * read it.  Leases are keyed by node interface. */
#ifndef LEASE_H
#define LEASE_H 1

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include "openvswitch/hmap.h"

struct scenario_iface;

struct lease {
    struct hmap_node hmap_node; /* In lease_table, by 'iface'. */
    const struct scenario_iface *iface; /* The client interface. */
    bool obtained;              /* False: the client gave up (no lease). */
    struct in6_addr addr;       /* IPv4-mapped, if 'obtained'. */
    unsigned int plen;          /* Prefix length from the subnet mask. */
    struct in6_addr server;     /* Server identifier (IPv4-mapped). */
    struct in6_addr router;     /* Option 3, all-zero if none. */
    uint32_t lease_time;        /* Seconds. */
    long long int elapsed_ms;   /* From client start to lease (or giving
                                 * up). */
    char *error;                /* Why there is no lease, or NULL. */
};

struct lease_table {
    struct hmap leases;
};

void lease_table_init(struct lease_table *);
void lease_table_destroy(struct lease_table *);

/* Adds a new lease for 'iface' (replacing any earlier one) and returns it
 * for the caller to fill; the table owns it. */
struct lease *lease_table_put(struct lease_table *,
                              const struct scenario_iface *);

/* The lease of 'iface', or NULL if its client has not finished. */
const struct lease *lease_table_find(const struct lease_table *,
                                     const struct scenario_iface *);

#endif /* lease.h */
