/*
 * Scenario files: loading a lab description (YAML) into a validated model.
 *
 * A scenario file describes switches (OVS bridges), nodes (network
 * namespaces) with their interfaces, routes, DHCP server, files and
 * started commands, what the host does for the lab (NAT, port forwarding),
 * settings, and checks.  docs/scenario-format.md is the user reference.
 *
 * Loading is pure: it reads the file and touches nothing on the system.
 * Every problem found is collected (not just the first), each with the
 * 1-based line and column of the YAML node it concerns, and reported as
 *
 *     FILE:LINE:COLUMN: error: WHAT IS WRONG; WHAT IS ALLOWED OR WHAT TO DO
 *
 * sorted by position.  A scenario is returned only if there was no error,
 * so every consumer of the model may rely on it being complete, valid and
 * fully resolved: every reference (switch, peer, route device, DHCP fixed
 * lease, forward target, check node/interface) is a pointer into the
 * model, and every address is parsed.
 *
 * Declaration order is preserved everywhere: arrays hold elements in the
 * order they appear in the file, so plans, reports and tests are
 * deterministic.
 *
 * Typical use (the CLI):
 *
 *     struct scenario *s;
 *     char *error = scenario_load_file(path, &s);
 *     if (error) {
 *         fputs(error, stderr);       (one "FILE:L:C: error: ..." per line)
 *         free(error);
 *         exit(1);
 *     }
 *     ...
 *     scenario_destroy(s);
 */
#ifndef SCENARIO_H
#define SCENARIO_H 1

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/hmap.h"
#include "openvswitch/shash.h"
#include "openvswitch/types.h"

/* Maximum lengths of names (in bytes, excluding the null terminator). */
#define SCENARIO_LAB_NAME_MAX 32
#define SCENARIO_NODE_NAME_MAX 32
#define SCENARIO_IFNAME_MAX 15      /* IFNAMSIZ - 1. */

/* Lease time meaning "infinite" (dnsmasq's "infinite"). */
#define SCENARIO_LEASE_INFINITE UINT32_MAX

/* A position in the scenario file, 1-based.  0:0 means "no position" (for
 * example an error about the file as a whole). */
struct scenario_loc {
    int line;
    int column;
};

/* An IPv4 or IPv6 address, optionally with a prefix length.
 *
 * Interface, gateway and host-side addresses are CIDRs ("10.0.0.1/24");
 * route destinations and NAT sources are networks ("10.0.0.0/24", no host
 * bits set); gateways ("via"), DHCP ranges, routers, DNS servers and fixed
 * leases are plain addresses, stored with plen 32 or 128. */
struct scenario_addr {
    int family;                 /* AF_INET or AF_INET6. */
    struct in6_addr ip;         /* IPv4 as an IPv4-mapped IPv6 address. */
    unsigned int plen;          /* Prefix length: 0..32 or 0..128. */
    char *text;                 /* As written in the file (owned). */
    struct scenario_loc loc;
};

/* A reference to another element (a switch, node or interface), as written
 * in the file.  The model holds the resolved pointer next to it; keep the
 * reference for messages that should point at the text. */
struct scenario_ref {
    char *text;                 /* Owned, or NULL if absent. */
    struct scenario_loc loc;
};

/* ---- Switches. ---- */

enum scenario_datapath {
    SCENARIO_DATAPATH_AUTO,     /* Whatever the OVS instance supports. */
    SCENARIO_DATAPATH_NETDEV,   /* Userspace datapath. */
    SCENARIO_DATAPATH_SYSTEM,   /* Kernel datapath. */
};

/* Host addresses on an internal port of a switch ("gateway:"). */
struct scenario_gateway {
    struct scenario_switch *sw; /* The switch this belongs to. */
    int vlan;                   /* Access VLAN 1..4094, 0 = untagged. */
    struct scenario_addr *addrs; /* At least one CIDR. */
    size_t n_addrs;
    struct scenario_segment *segment; /* The segment it is on. */
    struct scenario_loc loc;
};

/* An OVS bridge. */
struct scenario_switch {
    char *name;                 /* Valid Linux interface name. */
    struct scenario_loc loc;    /* Position of the name. */
    enum scenario_datapath datapath;

    struct scenario_gateway *gateways; /* Distinct VLANs, file order. */
    size_t n_gateways;

    /* Node interfaces attached to this switch, in file order (pointers into
     * the nodes' interface arrays). */
    struct scenario_iface **ifaces;
    size_t n_ifaces;
};

/* ---- Nodes. ---- */

/* What the namespace side of an interface's veth pair is connected to. */
enum scenario_link {
    SCENARIO_LINK_SWITCH,       /* A port on a switch. */
    SCENARIO_LINK_PEER,         /* Directly to another node's interface
                                 * (which may itself name neither switch,
                                 * peer nor host: one end is enough). */
    SCENARIO_LINK_HOST,         /* To the host (root namespace). */
};

/* A network interface inside a node: one end of a veth pair. */
struct scenario_iface {
    struct scenario_node *node; /* The node it is in. */
    char *name;                 /* Linux interface name inside the node. */
    struct scenario_loc loc;    /* Position of the name. */

    enum scenario_link link;

    /* SCENARIO_LINK_SWITCH. */
    struct scenario_ref switch_ref;
    struct scenario_switch *sw;
    int vlan;                   /* Access VLAN 1..4094, or 0. */
    int *trunks;                /* Trunk VLANs in file order, or NULL. */
    size_t n_trunks;            /* Neither vlan nor trunks: untagged port. */

    /* SCENARIO_LINK_PEER.  Set on both ends, even if only one end names the
     * other in the file.  'peer_first' is true on exactly one end of each
     * pair (the one declared first in the file): create the pair there.
     * 'peer_ref' is set only on the end(s) that named the other. */
    struct scenario_ref peer_ref;
    struct scenario_iface *peer;
    bool peer_first;

    /* SCENARIO_LINK_HOST: the host side of the veth pair. */
    char *host_name;            /* Host-side interface name, or NULL to let
                                 * the deployer choose one. */
    struct scenario_addr *host_addrs; /* Host-side CIDRs (may be none). */
    size_t n_host_addrs;

    /* Addressing. */
    struct scenario_addr *addrs; /* Static CIDRs, file order. */
    size_t n_addrs;
    bool dhcp;                  /* Get an IPv4 address from DHCP.  Never
                                 * together with static addresses. */
    bool has_mac;
    struct eth_addr mac;        /* Unicast; only if 'has_mac'. */
    int mtu;                    /* 68..65535, or 0 for the default. */

    /* The L2 segment this interface is on.  NULL for a trunk port, which
     * is on one segment per trunk VLAN (see scenario_segment). */
    struct scenario_segment *segment;
};

/* A static route in a node.  At least one of 'has_via' and 'dev' is set. */
struct scenario_route {
    struct scenario_addr dst;   /* Network; "default" is 0.0.0.0/0 (or ::/0
                                 * if 'via' is IPv6). */
    bool is_default;            /* 'dst' was written as "default". */
    bool has_via;
    struct scenario_addr via;   /* Gateway, if 'has_via': inside the subnet
                                 * of one of the node's static addresses. */
    struct scenario_ref dev_ref;
    struct scenario_iface *dev; /* Output interface, or NULL. */
    struct scenario_loc loc;
};

/* A fixed DHCP lease. */
struct scenario_dhcp_fixed {
    struct scenario_ref client_ref; /* "node" or "node.iface". */
    struct scenario_iface *iface; /* The client interface (dhcp: true) on the
                                   * pool's segment. */
    struct scenario_addr addr;  /* Inside the pool's subnet. */
    struct scenario_loc loc;
};

/* One interface a DHCP server serves. */
struct scenario_dhcp_pool {
    struct scenario_ref iface_ref;
    struct scenario_iface *iface; /* Serving interface, in the server node. */
    const struct scenario_addr *subnet; /* The iface's static IPv4 address
                                         * whose subnet holds the range. */
    struct scenario_addr range_start; /* IPv4, start <= end, in 'subnet'. */
    struct scenario_addr range_end;
    uint32_t lease_time;        /* Seconds, >= 120, or
                                 * SCENARIO_LEASE_INFINITE.  Default 3600. */
    bool has_router;
    struct scenario_addr router; /* DHCP option 3, if 'has_router'. */
    struct scenario_addr *dns_servers; /* DHCP option 6 (may be none). */
    size_t n_dns_servers;
    struct scenario_dhcp_fixed *fixed; /* Fixed leases, file order. */
    size_t n_fixed;
    struct scenario_segment *segment; /* Segment served. */
    struct scenario_loc loc;    /* Position of the interface name. */
};

/* A DHCP server (dnsmasq) running in a node. */
struct scenario_dhcp_server {
    bool dns;                   /* Also answer DNS (default false). */
    struct scenario_dhcp_pool *pools; /* One per served interface. */
    size_t n_pools;
    struct scenario_loc loc;
};

/* A file installed as /etc/netns/NAMESPACE/NAME. */
struct scenario_file {
    char *name;                 /* Plain file name: no '/', not "." or "..". */
    char *content;              /* Literal content, or NULL if
                                 * 'generate_hosts'. */
    bool generate_hosts;        /* "hosts: auto": an /etc/hosts listing
                                 * every node's static addresses. */
    struct scenario_loc loc;
};

/* A command started (and supervised) in a node. */
struct scenario_start {
    char *command;              /* Run with /bin/sh -c. */
    int wait_port;              /* TCP port to wait for, or 0. */
    struct scenario_loc loc;
};

/* A network namespace. */
struct scenario_node {
    char *name;                 /* [A-Za-z0-9][A-Za-z0-9_-]*, <= 32 bytes. */
    struct scenario_loc loc;    /* Position of the name. */

    struct scenario_iface *ifaces; /* File order; may be none. */
    size_t n_ifaces;
    struct scenario_route *routes;
    size_t n_routes;
    bool forwarding;            /* Enable IPv4 and IPv6 forwarding. */
    struct scenario_dhcp_server *dhcp_server; /* Or NULL. */
    struct scenario_file *files;
    size_t n_files;
    struct scenario_start *starts;
    size_t n_starts;

    struct shash ifaces_by_name; /* Private: use scenario_node_find_iface. */
};

/* ---- Host. ---- */

/* Masquerade traffic from 'source' leaving the host. */
struct scenario_nat {
    struct scenario_addr source; /* Network. */
    char *out;                  /* Egress interface name, or NULL. */
    struct scenario_loc loc;
};

/* Forward a host port to a node (DNAT). */
struct scenario_forward {
    int protocol;               /* IPPROTO_TCP or IPPROTO_UDP. */
    int port;                   /* Host port, 1..65535. */
    struct scenario_ref to_ref; /* "node" or "node.iface". */
    struct scenario_node *node; /* Target node. */
    struct scenario_iface *iface; /* Target interface, or NULL if only the
                                   * node was named. */
    const struct scenario_addr *to_addr; /* Static IPv4 address forwarded
                                          * to, on a segment where the host
                                          * has an address. */
    int to_port;                /* 1..65535, default 'port'. */
    struct scenario_loc loc;
};

struct scenario_host {
    struct scenario_nat *nats;
    size_t n_nats;
    struct scenario_forward *forwards;
    size_t n_forwards;
};

/* ---- Settings. ---- */

enum scenario_dhcp_client {
    SCENARIO_DHCP_CLIENT_UDHCPC,
    SCENARIO_DHCP_CLIENT_DHCLIENT,
};

/* The longest timeout, in seconds: a day.  Timeouts become milliseconds in
 * an int. */
#define SCENARIO_TIMEOUT_MAX 86400

struct scenario_settings {
    enum scenario_dhcp_client dhcp_client; /* Default udhcpc. */
    unsigned int timeout;       /* Default per-check timeout, seconds
                                 * (default 10). */
    unsigned int isolation_timeout; /* Seconds that the pairs of an
                                     * isolation check that must not reach
                                     * each other wait once the reachable
                                     * pairs are decided (default 1). */
};

/* ---- Checks. ---- */

enum scenario_check_kind {
    SCENARIO_CHECK_PING,
    SCENARIO_CHECK_TCP,
    SCENARIO_CHECK_DHCP,
    SCENARIO_CHECK_ISOLATION,
    SCENARIO_CHECK_EXEC,
};

/* The destination of a ping or tcp check. */
struct scenario_target {
    struct scenario_ref ref;    /* As written. */
    struct scenario_node *node; /* Node named, or NULL for an address. */
    struct scenario_iface *iface; /* Interface named ("node.iface"), or
                                   * NULL. */
    bool is_addr;               /* An IP literal: 'addr' is set.  It is
                                 * always an address of the lab. */
    struct scenario_addr addr;
};

/* SCENARIO_CHECK_PING, SCENARIO_CHECK_TCP. */
struct scenario_check_reach {
    struct scenario_ref from_ref;
    struct scenario_node *from;
    struct scenario_target to;  /* A node/interface that has an address
                                 * (static or DHCP), or a lab address. */
    int port;                   /* TCP only: 1..65535. */
};

/* SCENARIO_CHECK_DHCP: 'iface' obtained (or, with expect fail, did not
 * obtain) a lease. */
struct scenario_check_dhcp {
    struct scenario_ref node_ref;
    struct scenario_node *node;
    struct scenario_ref iface_ref; /* Text NULL if not given. */
    struct scenario_iface *iface; /* Given, or the node's only dhcp iface. */
    bool has_range;             /* Lease must be inside the range. */
    struct scenario_addr range_start;
    struct scenario_addr range_end;
    bool has_address;           /* Lease must be exactly 'address'. */
    struct scenario_addr address;
};

/* SCENARIO_CHECK_ISOLATION: nodes on a common segment (where both have an
 * address: scenario_next_shared_segment()) reach each other, nodes that
 * share no segment do not. */
struct scenario_check_isolation {
    bool all;                   /* No list given: every node that has an
                                 * address (static or DHCP). */
    struct scenario_node **nodes; /* Resolved list, file order. */
    struct scenario_ref *node_refs; /* The list as written (NULL if 'all'),
                                     * parallel to 'nodes'. */
    size_t n_nodes;
};

/* SCENARIO_CHECK_EXEC. */
struct scenario_check_exec {
    struct scenario_ref node_ref;
    struct scenario_node *node;
    char *command;              /* Run with /bin/sh -c in the node. */
    int exit_status;            /* Expected exit status (default 0). */
    char *output;               /* POSIX extended regex the output must
                                 * match (known to compile), or NULL. */
};

struct scenario_check {
    enum scenario_check_kind kind;
    char *name;                 /* Given "name", or NULL. */
    unsigned int timeout;       /* Seconds: given, or settings.timeout. */
    bool expect_ok;             /* "expect: ok" (default) or "fail". */
    struct scenario_loc loc;    /* Position of the kind key. */

    /* Only the member for 'kind' is set. */
    struct scenario_check_reach reach;          /* PING, TCP. */
    struct scenario_check_dhcp dhcp;            /* DHCP. */
    struct scenario_check_isolation isolation;  /* ISOLATION. */
    struct scenario_check_exec exec;            /* EXEC. */
};

/* ---- Segments. ---- */

/* An L2 segment (broadcast domain):
 *
 *   - SCENARIO_SEGMENT_SWITCH: (switch, VLAN) for access ports, (switch,
 *     untagged) for ports with neither vlan nor trunk; a trunk port is a
 *     member of (switch, V) for each V in its trunk list (not of the
 *     untagged segment); a switch gateway is a member of (switch, its VLAN
 *     or untagged).  A segment exists only if it has a member.
 *
 *   - SCENARIO_SEGMENT_PEER: the two ends of a direct veth pair.
 *
 *   - SCENARIO_SEGMENT_HOST: a node interface and the host side of its
 *     veth pair.
 *
 * Segments are ordered by first member: switch gateways (switch order,
 * then gateway order), then node interfaces (node order, then interface
 * order; a trunk port's segments in trunk list order).  Members are in the
 * same order. */
enum scenario_segment_kind {
    SCENARIO_SEGMENT_SWITCH,
    SCENARIO_SEGMENT_PEER,
    SCENARIO_SEGMENT_HOST,
};

enum scenario_member_kind {
    SCENARIO_MEMBER_IFACE,      /* A node interface. */
    SCENARIO_MEMBER_GATEWAY,    /* A switch's internal port (host). */
    SCENARIO_MEMBER_HOST_END,   /* The host side of 'iface''s host link. */
};

struct scenario_segment_member {
    enum scenario_member_kind kind;
    struct scenario_iface *iface;   /* IFACE, HOST_END. */
    struct scenario_gateway *gateway; /* GATEWAY. */
    const struct scenario_addr *addrs; /* Static addresses of this member
                                        * (into the model). */
    size_t n_addrs;
};

struct scenario_segment {
    enum scenario_segment_kind kind;
    struct scenario_switch *sw; /* SWITCH only. */
    int vlan;                   /* SWITCH only: VLAN, or 0 for untagged. */
    char *name;                 /* For messages, e.g. "switch br0 VLAN 100",
                                 * "switch br0 untagged", "veth ns1.eth0 --
                                 * ns2.eth0", "host link ns1.eth0". */
    struct scenario_segment_member *members;
    size_t n_members;
    struct scenario_dhcp_pool *dhcp; /* The DHCP pool serving it, or NULL. */
};

/* ---- The scenario. ---- */

struct scenario {
    char *file_name;            /* As given to the loader, for messages. */
    char *name;                 /* Lab name ("lab:", or the file name
                                 * without .yaml/.yml). */
    char *description;          /* Or NULL. */

    struct scenario_switch *switches; /* File order. */
    size_t n_switches;
    struct scenario_node *nodes; /* File order; at least one. */
    size_t n_nodes;
    struct scenario_host host;
    struct scenario_settings settings;
    struct scenario_check *checks; /* File order. */
    size_t n_checks;

    struct scenario_segment *segments; /* See "Segments" above. */
    size_t n_segments;

    /* Private: use scenario_find_node() and scenario_find_switch(). */
    struct shash nodes_by_name;
    struct shash switches_by_name;
};

/* ---- Which nodes hold an address. ---- */

/* The same address may be on two nodes of different segments.  A reply
 * from such an address cannot be told apart from the other node's, so
 * checks must not count on it.  This records, for each address, the
 * first two distinct nodes that hold it, which is all that "does a node
 * other than this one hold it?" needs. */
struct scenario_holders {
    struct hmap map;            /* Private. */
};

void scenario_holders_init(struct scenario_holders *);
void scenario_holders_destroy(struct scenario_holders *);

/* Records that 'node' holds 'ip' (IPv4-mapped or IPv6). */
void scenario_holders_add(struct scenario_holders *, const struct in6_addr *ip,
                          const struct scenario_node *);

/* Records the static addresses of the interfaces of every node of 's'
 * (valid ones only, so that it also works during validation). */
void scenario_holders_add_static(struct scenario_holders *,
                                 const struct scenario *);

/* A node other than 'node' (NULL: any node) that holds 'ip', or NULL. */
const struct scenario_node *scenario_holders_other(
    const struct scenario_holders *, const struct in6_addr *ip,
    const struct scenario_node *node);

/* ---- Errors. ---- */

struct scenario_error {
    struct scenario_loc loc;    /* 0:0 if it concerns the whole file. */
    char *msg;                  /* "what is wrong; what to do" (owned). */
};

/* A list of errors about one file.  The scenario_parse_*() functions set
 * 'file_name'. */
struct scenario_errors {
    char *file_name;            /* Owned, or NULL. */
    struct scenario_error *errors; /* Sorted after scenario_parse_*(). */
    size_t n, allocated;
};

/* Initializes an empty list / frees its contents (accepts NULL). */
void scenario_errors_init(struct scenario_errors *);
void scenario_errors_destroy(struct scenario_errors *);

/* Appends an error at 'loc'; the message should read "what is wrong; what
 * is allowed or what to do". */
void scenario_errors_add(struct scenario_errors *, struct scenario_loc,
                         const char *format, ...)
    OVS_PRINTF_FORMAT(3, 4);

/* Sorts by position (stable). */
void scenario_errors_sort(struct scenario_errors *);

/* Returns a malloc'd string with one "FILE:LINE:COLUMN: error: MSG\n" line
 * per error ("FILE: error: MSG\n" for an error without a position). */
char *scenario_errors_to_string(const struct scenario_errors *);

/* ---- Loading. ---- */

/* Reads and validates the scenario file 'path'.  On success stores a new
 * scenario in '*sp' (the caller owns it; free with scenario_destroy()) and
 * returns NULL.  On failure stores NULL in '*sp' and returns a malloc'd
 * string (the caller frees it) of one "PATH:LINE:COLUMN: error: ...\n" line
 * per error, sorted by position. */
char *scenario_load_file(const char *path, struct scenario **sp)
    OVS_WARN_UNUSED_RESULT;

/* Like scenario_load_file(), for a scenario in the null-terminated 'text';
 * 'file_name' is used in messages and to derive the default lab name. */
char *scenario_load_string(const char *text, const char *file_name,
                           struct scenario **sp)
    OVS_WARN_UNUSED_RESULT;

/* The same as the two functions above, with the errors as a list: returns
 * the scenario (caller owns it), or NULL if 'errors' (initialized by the
 * caller) received at least one error; the errors are sorted. */
struct scenario *scenario_parse_file(const char *path,
                                     struct scenario_errors *errors);
struct scenario *scenario_parse_buffer(const char *text, size_t length,
                                       const char *file_name,
                                       struct scenario_errors *errors);

void scenario_destroy(struct scenario *);

/* Replaces the lab name (e.g. from a command line option).  Returns NULL,
 * or a malloc'd error message if 'name' is not a valid lab name or if,
 * under it, a host-side name of a host link would be the name of a
 * switch's bridge ("FILE:LINE:COLUMN: error: ..." lines, as the loaders
 * return).  The lab name is unchanged on error. */
char *scenario_set_name(struct scenario *, const char *name)
    OVS_WARN_UNUSED_RESULT;

/* ---- Lookups and helpers. ---- */

struct scenario_node *scenario_find_node(const struct scenario *,
                                         const char *name);
struct scenario_switch *scenario_find_switch(const struct scenario *,
                                             const char *name);
struct scenario_iface *scenario_node_find_iface(const struct scenario_node *,
                                                const char *name);

/* A static address and the segment it is on. */
struct scenario_addr_use {
    const struct scenario_addr *addr;
    const struct scenario_segment *seg;
};

/* Appends 'addr' on 'seg' to the array '*uses' of '*n' elements (room for
 * '*allocated'), growing it, if 'addr' is valid (it is not, after an error
 * in the file). */
void scenario_addr_use_add(struct scenario_addr_use **uses, size_t *n,
                           size_t *allocated,
                           const struct scenario_addr *addr,
                           const struct scenario_segment *seg);

/* Stores in '*usesp' (malloc'd; the caller frees it) the valid static
 * addresses that 's' puts on the host: on switch gateways and on the host
 * ends of host links, in segment order.  Returns how many. */
size_t scenario_host_addrs(const struct scenario *,
                           struct scenario_addr_use **usesp);

/* The first static IPv4 address of 'iface', or NULL. */
const struct scenario_addr *scenario_iface_ipv4(
    const struct scenario_iface *);

/* The MTU of 'iface''s link, 0 for the kernel's default: its own, or for
 * a direct link (peer) whose end declared first sets none, the other
 * end's.  The validator refuses two ends with different MTUs. */
int scenario_iface_link_mtu(const struct scenario_iface *);

/* True if 'iface' has a static address or gets one by DHCP.  A trunk port,
 * or an interface with neither, never has an address. */
bool scenario_iface_has_address(const struct scenario_iface *);

/* The first interface of 'node' among the members of 'seg' that has an
 * address (scenario_iface_has_address()), or NULL. */
const struct scenario_iface *scenario_segment_iface_of(
    const struct scenario_segment *seg, const struct scenario_node *node);

/* The first segment (in scenario order, from index '*start' on) on which
 * both 'a' and 'b' have an interface with an address, static or by DHCP:
 * where they can reach each other without a router.  A segment that one of
 * them is on only through a trunk port or an interface without address
 * or DHCP does not count, because nothing could be sent or answered
 * there.  Returns NULL if there is none.  Stores the two interfaces
 * (scenario_segment_iface_of()) in '*a_ifacep' and '*b_ifacep', and in
 * '*start' the index to continue from. */
const struct scenario_segment *scenario_next_shared_segment(
    const struct scenario *, const struct scenario_node *a,
    const struct scenario_node *b, size_t *start,
    const struct scenario_iface **a_ifacep,
    const struct scenario_iface **b_ifacep);

/* True if 'ip' is inside the subnet 'net' ('net->plen' leading bits
 * equal; an IPv4 'ip' never matches an IPv6 'net' and vice versa). */
bool scenario_addr_in_subnet(const struct scenario_addr *net,
                             const struct in6_addr *ip);

/* True if the subnets of CIDRs 'a' and 'b' overlap: one holds the other.
 * Host routes (/32, /128) make no connected subnet, so they overlap
 * nothing. */
bool scenario_addr_subnets_overlap(const struct scenario_addr *a,
                                   const struct scenario_addr *b);

/* The IPv4 address in 'addr' (family must be AF_INET), network order. */
ovs_be32 scenario_addr_ipv4(const struct scenario_addr *);

/* "ping", "tcp", "dhcp", "isolation", "exec". */
const char *scenario_check_kind_name(enum scenario_check_kind);

/* True if 'name' is a valid lab name, node name, switch name (also a
 * valid interface name) or Linux interface name, respectively. */
bool scenario_is_valid_lab_name(const char *name);
bool scenario_is_valid_node_name(const char *name);
bool scenario_is_valid_switch_name(const char *name);
bool scenario_is_valid_ifname(const char *name);

#endif /* scenario.h */
