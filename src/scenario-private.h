/*
 * Internals shared by the scenario modules: scenario.c (entry points,
 * errors, helpers), scenario-load.c (YAML to model), scenario-validate.c
 * (references and semantic rules) and scenario-segments.c.
 */
#ifndef SCENARIO_PRIVATE_H
#define SCENARIO_PRIVATE_H 1

#include <stdbool.h>
#include "scenario.h"

/* How an address literal must look (see scenario_parse_addr()). */
enum scenario_addr_kind {
    SCENARIO_ADDR_CIDR,         /* Host address with a prefix length, e.g. an
                                 * interface address "10.0.0.1/24". */
    SCENARIO_ADDR_NETWORK,      /* Network, prefix length optional (default
                                 * a host route), no host bits set. */
    SCENARIO_ADDR_PLAIN,        /* Address without a prefix length. */
};

/* Parses 'text' as 'kind' into 'addr' (addr->text becomes a copy of 'text';
 * 'addr->loc' is left alone).  Returns NULL, or a malloc'd message "what is
 * wrong; what to do" and leaves 'addr' untouched. */
char *scenario_parse_addr(const char *text, enum scenario_addr_kind kind,
                          struct scenario_addr *addr);

/* "the network address" or "the broadcast address" if 'ip' is that of
 * the subnet of IPv4 CIDR 'net' (prefix length up to 30: /31 and /32 have
 * neither), otherwise NULL.  Such an address cannot be a host's. */
const char *scenario_addr_subnet_edge(const struct scenario_addr *net,
                                      const struct in6_addr *ip);

/* Frees the text of 'addr' (not 'addr' itself). */
void scenario_addr_uninit(struct scenario_addr *addr);

/* Builds a model from the YAML 'text' (YAML syntax, types, keys, names,
 * value formats and ranges).  References stay unresolved.  Every problem
 * goes to 'errors'.  Returns the (possibly partial) model, or NULL if the
 * text is not a YAML mapping at all.  The caller owns the result. */
struct scenario *scenario_from_yaml(const char *text, size_t length,
                                    const char *file_name,
                                    struct scenario_errors *errors);

/* Resolves the references of 's' and applies the rules that involve more
 * than one element (links, segments, addresses, DHCP, routes, host,
 * checks), adding problems to 'errors'.  Works on partial models built from
 * files with errors, so that as many problems as possible are reported. */
void scenario_validate(struct scenario *s, struct scenario_errors *errors);

/* Adds to 'errors' what in validated scenario 's' would collide with the
 * names that the plan gives lab 'lab' on the host: the host-side names of
 * host links against the switches' bridges.  scenario_validate() checks
 * this under s->name, scenario_set_name() again under the new name. */
void scenario_validate_lab_name(struct scenario *s, const char *lab,
                                struct scenario_errors *errors);

/* Computes s->segments (and iface->segment, gateway->segment) from the
 * resolved links of 's'.  Interfaces whose link is unresolved are left
 * out. */
void scenario_compute_segments(struct scenario *s);

/* A reference that the file gives but the loader rejected (not a string,
 * or not NODE.INTERFACE where that is required) has no text but keeps its
 * position: the element is neither resolved nor treated as absent, and the
 * rules that would use it are skipped, so that one mistake gives one
 * error. */
static inline bool
scenario_ref_rejected(const struct scenario_ref *ref)
{
    return !ref->text && ref->loc.line;
}

/* Splits "node.iface" at its first dot.  Returns false if there is no dot
 * or either part is empty.  The caller frees '*node' and '*iface'. */
bool scenario_split_iface_ref(const char *text, char **node, char **iface);

#endif /* scenario-private.h */
