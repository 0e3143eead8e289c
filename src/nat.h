/*
 * nat: what the host does for a lab beyond addresses: egress NAT
 * (masquerade of lab subnets, "host: nat:"), port forwarding (DNAT of a
 * host port to node:port, "host: forward:"), and the IP forwarding both
 * need.
 *
 * Rules live in one nftables table per lab, named "ovs-lab-LAB", created
 * and deleted atomically through libnftables (never by running nft or
 * iptables), so that removing the lab removes exactly its rules.
 * Forwarding is the host's IPv4 forwarding, shared between labs (see
 * ip-forward.h).  IPv4 only: an IPv6 NAT source is refused.
 * docs/host-networking.md describes the rules and why each is there.
 */
#ifndef NAT_H
#define NAT_H 1

#include <stdbool.h>
#include "openvswitch/compiler.h"

struct plan;
struct scenario;
struct scenario_errors;

/* True if the scenario asks for NAT or port forwarding. */
bool nat_needed(const struct scenario *);

/* Adds to 'errors' (with their positions) what of 's' the ruleset cannot
 * express: a NAT source that is not IPv4, and a NAT egress interface or,
 * in a lab with NAT or forwards, a host-side interface name with '"', '*'
 * or '\\' in it.  The scenario validator calls it, so that 'validate'
 * refuses them; nat_ruleset() checks again. */
void nat_validate(const struct scenario *, struct scenario_errors *);

/* The name of lab 'lab''s nftables table, "ovs-lab-LAB" (malloc'd). */
char *nat_table_name(const char *lab);

/* Builds the nftables commands that (re)create the table of the lab that
 * 'plan' describes, with every chain and rule 'scenario' asks for, as one
 * libnftables transaction: on success stores them in '*rulesetp' (malloc'd,
 * the caller frees it) and returns NULL; otherwise stores NULL and returns
 * a malloc'd error message.  Pure: touches nothing on the system. */
char *nat_ruleset(const struct scenario *, const struct plan *,
                  char **rulesetp) OVS_WARN_UNUSED_RESULT;

/* Creates the lab's nftables table and enables the forwarding it needs,
 * recording what is needed to undo it.  Returns NULL or a malloc'd error
 * message (then nothing is left applied). */
char *nat_apply(const struct scenario *, const struct plan *)
    OVS_WARN_UNUSED_RESULT;

/* Deletes lab 'lab''s table if it exists and restores forwarding as it was
 * before the lab (once no other lab needs it).  Sets '*found' to whether
 * there was anything to remove.  Returns NULL or a malloc'd error. */
char *nat_remove(const char *lab, bool *found) OVS_WARN_UNUSED_RESULT;

#endif /* nat.h */
