/*
 * Internals of the check module, shared by its files:
 *
 *   check.c           results, the run loop, one result per check;
 *   check-addr.c      which address of a node a check probes;
 *   check-isolation.c the isolation matrix;
 *   check-probe.c     ICMP echo and TCP connect probes;
 *   check-exec.c      commands run in nodes.
 *
 * Probes and exec jobs follow the same pattern: add them all, then call
 * *_wait() to register descriptors and timers in a check_pollset, block in
 * check_pollset_block(), call *_run() to act on what happened, and repeat
 * until *_done().  So everything runs at once in one poll() loop.
 */
#ifndef CHECK_PRIVATE_H
#define CHECK_PRIVATE_H 1

#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include "check.h"

/* ---- One round of poll() (check.c). ---- */

struct check_pollset {
    struct pollfd *fds;
    size_t n, allocated;
    long long int wake_ms;      /* Earliest timer (time_msec()), or
                                 * LLONG_MAX if none. */
};

void check_pollset_init(struct check_pollset *);
void check_pollset_destroy(struct check_pollset *);

/* Forgets the descriptors and timer of the previous round. */
void check_pollset_clear(struct check_pollset *);

/* Waits for 'events' on 'fd'; returns the index to pass to
 * check_pollset_revents() after check_pollset_block(). */
size_t check_pollset_add(struct check_pollset *, int fd, short events);

/* Wakes up no later than 'when' (time_msec()). */
void check_pollset_wake_at(struct check_pollset *, long long int when);

/* Blocks until a descriptor is ready or the timer expires. */
void check_pollset_block(struct check_pollset *);

short check_pollset_revents(const struct check_pollset *, size_t idx);

/* ---- Addresses (check-addr.c). ---- */

/* An IPv4 (IPv4-mapped) or IPv6 address. */
struct check_addr {
    int family;
    struct in6_addr ip;
    unsigned int plen;          /* Prefix length of an interface's address
                                 * (static or leased), otherwise that of a
                                 * single host. */
};

struct check_addrs {
    struct check_addr *addrs;
    size_t n, allocated;
};

void check_addrs_init(struct check_addrs *);
void check_addrs_destroy(struct check_addrs *);
void check_addrs_add(struct check_addrs *, const struct check_addr *);

/* Appends the addresses of 'iface': its static addresses in file order,
 * then its DHCP lease, if it obtained one. */
void check_iface_addrs(const struct check_env *,
                       const struct scenario_iface *, struct check_addrs *);

/* Appends the addresses of every interface of 'node', in interface
 * order. */
void check_node_addrs(const struct check_env *, const struct scenario_node *,
                      struct check_addrs *);

/* Records in 'holders' (initialized by the caller) every address that the
 * lab's nodes hold: static ones and the DHCP leases obtained. */
void check_holders_add_all(const struct check_env *,
                           struct scenario_holders *holders);

/* What check_pick_target() found. */
enum check_pick_result {
    CHECK_PICKED,               /* 'addr' is the address to probe. */
    CHECK_PICK_NO_ADDRESS,      /* The target has no address to probe
                                 * (e.g. its DHCP client got no lease). */
    CHECK_PICK_AMBIGUOUS,       /* Every address of the target is also
                                 * another node's ('other' holds 'addr'):
                                 * a reply could not be told apart. */
};

struct check_pick {
    enum check_pick_result result;
    struct check_addr addr;     /* PICKED, AMBIGUOUS. */
    const struct scenario_segment *segment; /* Shared segment of 'addr', or
                                             * NULL. */
    const struct scenario_node *other; /* AMBIGUOUS: another node that holds
                                        * 'addr' (maybe the source). */
};

/* Chooses the address of 'to' (a node, or only its interface 'to_iface'
 * if nonnull) that 'from' probes, among those that no node other than
 * 'to' holds ('holders'): on the segments they share, an address in a
 * subnet of one of the addresses 'from' has there, else one of a family
 * 'from' has there; unless 'shared_only', the first address of 'to'
 * elsewhere, preferring a family 'from' has.  If every such address is
 * also another node's, the result is CHECK_PICK_AMBIGUOUS with the one
 * that would have been chosen; if there is none, CHECK_PICK_NO_ADDRESS. */
void check_pick_target(const struct check_env *,
                       const struct scenario_holders *holders,
                       const struct scenario_node *from,
                       const struct scenario_node *to,
                       const struct scenario_iface *to_iface,
                       bool shared_only, struct check_pick *);

/* "10.0.0.2 is also b's address: a reply cannot be told apart", for an
 * ambiguous 'pick' (malloc'd). */
char *check_describe_ambiguous(const struct check_pick *);

/* Formats 'addr' ("10.0.0.1", "fd00::1") into 'buf'. */
#define CHECK_ADDR_STRLEN INET6_ADDRSTRLEN
const char *check_addr_format(const struct check_addr *,
                              char buf[CHECK_ADDR_STRLEN]);

/* Formats a round trip of 'us' microseconds: "0.043 ms", "12.5 ms". */
char *check_format_rtt(long long int us);

/* The namespace of 'node' in the lab. */
const char *check_netns_name(const struct check_env *,
                             const struct scenario_node *);

/* ---- Probes (check-probe.c). ---- */

enum check_probe_kind {
    CHECK_PROBE_ICMP,           /* Echo requests until a reply. */
    CHECK_PROBE_TCP,            /* connect() until one succeeds. */
};

struct check_probe_result {
    bool done;
    bool reached;               /* Echo reply or connection. */
    int error;                  /* Last error seen (errno), or 0: e.g.
                                 * ECONNREFUSED, EHOSTUNREACH, or
                                 * ENETUNREACH (no route, given up at
                                 * once). */
    bool no_socket;             /* 'error' is from opening the socket in
                                 * the namespace: nothing was sent. */
    long long int rtt_us;       /* If reached: round trip of the echo, or
                                 * time the connect() took. */
    long long int elapsed_ms;   /* From start until done. */
};

struct check_prober *check_prober_create(void);
void check_prober_destroy(struct check_prober *);

/* Adds a probe from namespace 'netns' (copied) to 'dst' ('port' for TCP)
 * that gives up after 'timeout_ms'.  Returns its index for
 * check_prober_result(). */
size_t check_prober_add(struct check_prober *, enum check_probe_kind,
                        const char *netns, const struct check_addr *dst,
                        int port, unsigned int timeout_ms);

/* Opens the sockets and sends the first requests.  Probes whose socket
 * cannot be opened are done at once, with the error. */
void check_prober_start(struct check_prober *);
bool check_prober_done(const struct check_prober *);
void check_prober_wait(struct check_prober *, struct check_pollset *);
void check_prober_run(struct check_prober *, const struct check_pollset *);

/* After check_prober_start(): makes probe 'idx', if it still runs, give
 * up at most 'timeout_ms' from now, sending requests as often as a probe
 * of that timeout does. */
void check_prober_shorten(struct check_prober *, size_t idx,
                          unsigned int timeout_ms);

const struct check_probe_result *check_prober_result(
    const struct check_prober *, size_t idx);

/* "cannot open a socket in node NODE: ERROR", for a 'no_socket' result
 * (malloc'd). */
char *check_describe_no_socket(const struct check_probe_result *,
                               const struct scenario_node *from);

/* ---- Commands run in nodes (check-exec.c). ---- */

struct check_exec_result {
    bool done;
    char *error;                /* Could not run it (malloc'd), or NULL. */
    bool timed_out;             /* Killed at the timeout. */
    int status;                 /* waitpid() status, unless 'error'. */
    char *output;               /* Standard output and error, at most
                                 * CHECK_EXEC_OUTPUT_MAX bytes, null bytes
                                 * replaced by spaces (malloc'd). */
    size_t output_size;         /* Bytes the command wrote: more than
                                 * 'output' holds if it was cut. */
    long long int elapsed_ms;
};

#define CHECK_EXEC_OUTPUT_MAX (1024 * 1024)

struct check_execs *check_execs_create(void);

/* Kills what still runs, reaps it, removes the output files. */
void check_execs_destroy(struct check_execs *);

/* Adds "/bin/sh -c 'command'" (copied) to run in namespace 'netns'
 * (copied), killed (with everything in its session) after 'timeout_ms'.
 * Returns its index for check_execs_result(). */
size_t check_execs_add(struct check_execs *, const char *netns,
                       const char *command, unsigned int timeout_ms);

/* Starts the commands, a bounded number at a time. */
void check_execs_start(struct check_execs *);
bool check_execs_done(const struct check_execs *);
void check_execs_wait(struct check_execs *, struct check_pollset *);
void check_execs_run(struct check_execs *, const struct check_pollset *);

const struct check_exec_result *check_execs_result(
    const struct check_execs *, size_t idx);

/* ---- Isolation (check-isolation.c). ---- */

struct check_isolation;

/* Plans the pairs of isolation check 'check' and adds their probes to
 * 'prober', avoiding addresses that 'holders' (check_holders_add_all())
 * says another node holds too.  The returned object refers to 'env' and
 * 'check', not to 'holders'. */
struct check_isolation *check_isolation_plan(
    const struct check_env *, const struct scenario_holders *holders,
    const struct scenario_check *, struct check_prober *);

/* To be called after check_prober_start() and after each
 * check_prober_run(): once every pair that must reach its peer is
 * decided, gives the pairs that must not settings.isolation-timeout more
 * (if that is shorter than what they have left). */
void check_isolation_run(struct check_isolation *, struct check_prober *);

/* Fills 'result' (expected, observed, passed, duration, one detail per
 * pair) from the finished probes, and frees 'iso'. */
void check_isolation_finish(struct check_isolation *iso,
                            const struct check_prober *,
                            struct check_result *result);

#endif /* check-private.h */
