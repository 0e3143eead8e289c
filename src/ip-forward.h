/*
 * ip-forward: the host's IPv4 forwarding (net.ipv4.ip_forward), shared by
 * every lab that needs it, and put back as it was when the last one goes.
 *
 * Why the global switch and not net.ipv4.conf.IF.forwarding on the lab's
 * interfaces: IPv4 forwards a packet only if forwarding is on for the
 * interface it *arrived* on.  Traffic from the lab arrives on the lab's
 * interfaces, but replies to masqueraded connections arrive on the egress
 * interface, and connections to forwarded ports on whatever interface the
 * client is behind (any of them).  And writing net.ipv4.ip_forward sets
 * every interface's conf.IF.forwarding (and conf.default.forwarding), so a
 * lab enabling only some interfaces would be undone by another lab, or by
 * the restore, writing the global switch.
 *
 * Because writing the global switch rewrites the per-interface values too,
 * all of them are saved when the first lab enables forwarding, and all of
 * them are restored when the last lab releases it (only if forwarding is
 * still on then: if someone turned it off meanwhile, that is left alone).
 *
 * Records, in STATE_ROOT_DIR (a tmpfs: gone after a reboot, as are the
 * values they describe), all changed under an exclusive flock(2) on
 * ip_forward.lock so that labs going up and down at once do not race:
 *
 *     ip_forward.labs    the labs that hold forwarding, one name per line;
 *     ip_forward.saved   "KEY VALUE" lines: the sysctls as they were before
 *                        the first of them, KEY relative to /proc/sys
 *                        (e.g. "net/ipv4/conf/eth0/forwarding 0").
 *
 * IPv6 forwarding is never touched (see docs/host-networking.md).
 */
#ifndef IP_FORWARD_H
#define IP_FORWARD_H 1

#include <stdbool.h>
#include "openvswitch/compiler.h"

/* Where the records are kept and where the sysctls are.  A null pointer
 * means the real ones (STATE_ROOT_DIR and /proc/sys); unit tests point
 * both at temporary directories. */
struct ip_forward_dirs {
    const char *state_dir;
    const char *sysctl_dir;
};

/* Records that lab 'lab' needs IPv4 forwarding and turns it on, saving the
 * previous values first if no lab held it.  Holding twice is the same as
 * holding once.  Returns NULL, or a malloc'd error message (then 'lab' does
 * not hold forwarding and nothing was changed). */
char *ip_forward_hold(const struct ip_forward_dirs *, const char *lab)
    OVS_WARN_UNUSED_RESULT;

/* Records that lab 'lab' no longer needs forwarding; if it was the last,
 * restores the saved values.  Sets '*held' to whether 'lab' held it.
 * Returns NULL, or a malloc'd error message about what could not be
 * restored (the records are dropped anyway, so that a later lab starts
 * afresh). */
char *ip_forward_release(const struct ip_forward_dirs *, const char *lab,
                         bool *held) OVS_WARN_UNUSED_RESULT;

#endif /* ip-forward.h */
