#include <config.h>
#include "lease.h"

#include <string.h>

#include "hash.h"
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
