/*
 * ICMP echo and TCP connect probes from inside the lab's namespaces.
 *
 * A socket belongs to the network namespace it was created in, whatever
 * namespace the process is in later: so each socket is created after
 * entering the source node's namespace, and used from the host's.
 *
 * ICMP: one raw socket per (namespace, address family), shared by every
 * probe from that namespace, filtered in the kernel to echo replies.  Each
 * probe has its own echo identifier within its namespace (a random base
 * plus its rank there), so a reply is matched to its probe by identifier,
 * sequence number (one per request sent), source address and a magic
 * payload that other programs' echo requests do not carry.  A probe sends
 * a request every interval (a fifth of its timeout, between 0.2 and 1 s)
 * and succeeds on the first reply.  Round trips are measured with the
 * kernel's receive timestamps, so a busy loop does not inflate them.
 *
 * TCP: one non-blocking socket per attempt; a refused or failed attempt is
 * retried every interval until the timeout, since a server may still be
 * starting.  A route lookup failure (ENETUNREACH) ends a probe at once: no
 * route will appear while the checks run.
 */
#include <config.h>
#include "check-private.h"

#include <errno.h>
#include <limits.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "csum.h"
#include "netns.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "random.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(check_probe);

#define PROBE_MAGIC "ovs-lab"   /* 8 bytes with the null terminator. */

/* An echo request or reply, as ovs-lab sends it: the ICMP and ICMPv6 echo
 * headers have the same layout. */
struct echo_packet {
    uint8_t type;
    uint8_t code;
    ovs_be16 csum;
    ovs_be16 id;
    ovs_be16 seq;
    char magic[8];              /* PROBE_MAGIC. */
    uint64_t sent_us;           /* time_wall_usec() at sending, host
                                 * order (the clock of SO_TIMESTAMPNS). */
};

/* A namespace that probes start from. */
struct probe_netns {
    int fd;                     /* The namespace, or -1 if 'error'. */
    int error;                  /* Why it could not be opened. */
    int icmp_fd[2];             /* Raw ICMP, ICMPv6 sockets, or -1. */
    int icmp_error[2];          /* Why that socket could not be opened. */
    size_t icmp_poll[2];        /* Index in this round's pollset. */

    /* Indexes (in check_prober's 'probes') of the ICMP probes from this
     * namespace: the probe with echo identifier 'id_base + K' is
     * probes[K].  (Beyond 65536 probes, identifiers would repeat.) */
    size_t *probes;
    size_t n_probes, allocated;
};

struct probe {
    enum check_probe_kind kind;
    struct probe_netns *ns;
    struct check_addr dst;
    int port;                   /* TCP only. */
    long long int deadline;     /* time_msec() when it gives up. */
    long long int interval_ms;  /* Between requests or attempts. */
    long long int next_ms;      /* Next request or attempt. */
    struct check_probe_result result;

    /* ICMP. */
    uint16_t id;                /* Echo identifier. */
    uint16_t n_sent;            /* Sequence number of the next request. */

    /* TCP. */
    int fd;                     /* Connecting socket, or -1. */
    long long int attempt_us;   /* When connect() was called. */
    size_t poll_idx;
};

struct check_prober {
    struct probe *probes;
    size_t n, allocated;
    struct shash netns;         /* Namespace name -> struct probe_netns. */
    uint16_t id_base;           /* Echo identifier of each namespace's
                                 * first probe. */
    long long int start_ms;
    size_t n_running;
};

static int
family_index(int family)
{
    return family == AF_INET6;
}

struct check_prober *
check_prober_create(void)
{
    struct check_prober *prober = xzalloc(sizeof *prober);

    shash_init(&prober->netns);
    prober->id_base = random_uint16();
    return prober;
}

void
check_prober_destroy(struct check_prober *prober)
{
    struct shash_node *node;

    if (!prober) {
        return;
    }
    for (size_t i = 0; i < prober->n; i++) {
        if (prober->probes[i].fd >= 0) {
            close(prober->probes[i].fd);
        }
    }
    SHASH_FOR_EACH (node, &prober->netns) {
        struct probe_netns *ns = node->data;

        for (int i = 0; i < 2; i++) {
            if (ns->icmp_fd[i] >= 0) {
                close(ns->icmp_fd[i]);
            }
        }
        if (ns->fd >= 0) {
            close(ns->fd);
        }
        free(ns->probes);
        free(ns);
    }
    shash_destroy(&prober->netns);
    free(prober->probes);
    free(prober);
}

static struct probe_netns *
probe_netns_get(struct check_prober *prober, const char *name)
{
    struct probe_netns *ns = shash_find_data(&prober->netns, name);

    if (!ns) {
        ns = xzalloc(sizeof *ns);
        ns->fd = -1;
        ns->icmp_fd[0] = ns->icmp_fd[1] = -1;
        shash_add(&prober->netns, name, ns);
    }
    return ns;
}

/* The time between requests or attempts of a probe that gives up after
 * 'timeout_ms'. */
static long long int
probe_interval(unsigned int timeout_ms)
{
    return MIN(1000, MAX(200, timeout_ms / 5));
}

size_t
check_prober_add(struct check_prober *prober, enum check_probe_kind kind,
                 const char *netns, const struct check_addr *dst, int port,
                 unsigned int timeout_ms)
{
    struct probe *p;

    if (prober->n >= prober->allocated) {
        prober->probes = x2nrealloc(prober->probes, &prober->allocated,
                                    sizeof *prober->probes);
    }
    p = &prober->probes[prober->n];
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->ns = probe_netns_get(prober, netns);
    p->dst = *dst;
    p->port = port;
    if (kind == CHECK_PROBE_ICMP) {
        struct probe_netns *ns = p->ns;

        if (ns->n_probes >= ns->allocated) {
            ns->probes = x2nrealloc(ns->probes, &ns->allocated,
                                    sizeof *ns->probes);
        }
        p->id = prober->id_base + ns->n_probes;
        ns->probes[ns->n_probes++] = prober->n;
    }
    p->interval_ms = probe_interval(timeout_ms);
    p->deadline = timeout_ms;   /* Made absolute by check_prober_start(). */
    p->fd = -1;
    return prober->n++;
}

/* Creates a socket inside namespace 'ns', stored in '*fdp'. */
static int
socket_in_netns(const struct probe_netns *ns, int family, int type,
                int protocol, int *fdp)
{
    int saved, error;

    *fdp = -1;
    if (ns->fd < 0) {
        return ns->error;
    }
    error = netns_enter(ns->fd, &saved);
    if (error) {
        return error;
    }
    *fdp = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    error = *fdp < 0 ? errno : 0;
    netns_leave(saved);
    return error;
}

/* Opens the raw socket of 'family' in 'ns', letting only echo replies
 * through, with receive timestamps. */
static int
open_icmp_socket(const struct probe_netns *ns, int family, int *fdp)
{
    int on = 1;
    int error;

    if (family == AF_INET) {
        struct icmp_filter filter = { .data = ~(1U << ICMP_ECHOREPLY) };

        error = socket_in_netns(ns, AF_INET, SOCK_RAW, IPPROTO_ICMP, fdp);
        if (!error && setsockopt(*fdp, SOL_RAW, ICMP_FILTER, &filter,
                                 sizeof filter)) {
            error = errno;
        }
    } else {
        struct icmp6_filter filter;

        ICMP6_FILTER_SETBLOCKALL(&filter);
        ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
        error = socket_in_netns(ns, AF_INET6, SOCK_RAW, IPPROTO_ICMPV6, fdp);
        if (!error && setsockopt(*fdp, IPPROTO_ICMPV6, ICMP6_FILTER, &filter,
                                 sizeof filter)) {
            error = errno;
        }
    }
    if (!error && setsockopt(*fdp, SOL_SOCKET, SO_TIMESTAMPNS, &on,
                             sizeof on)) {
        error = errno;
    }
    if (error && *fdp >= 0) {
        close(*fdp);
        *fdp = -1;
    }
    return error;
}

static socklen_t
make_sockaddr(const struct check_addr *addr, int port,
              struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (addr->family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *) ss;

        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        memcpy(&sin->sin_addr, &addr->ip.s6_addr[12], 4);
        return sizeof *sin;
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;

        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        sin6->sin6_addr = addr->ip;
        return sizeof *sin6;
    }
}

static void
probe_finish(struct check_prober *prober, struct probe *p, bool reached,
             long long int now)
{
    if (p->fd >= 0) {
        close(p->fd);
        p->fd = -1;
    }
    p->result.done = true;
    p->result.reached = reached;
    p->result.elapsed_ms = now - prober->start_ms;
    prober->n_running--;
}

/* Records 'error' from a failed request or attempt; gives up at once if
 * there is no route. */
static void
probe_error(struct check_prober *prober, struct probe *p, int error,
            long long int now)
{
    p->result.error = error;
    if (error == ENETUNREACH) {
        probe_finish(prober, p, false, now);
    }
}

static void
icmp_send(struct check_prober *prober, struct probe *p, long long int now)
{
    int fam = family_index(p->dst.family);
    int fd = p->ns->icmp_fd[fam];
    struct echo_packet pkt;
    struct sockaddr_storage ss;
    socklen_t len = make_sockaddr(&p->dst, 0, &ss);

    memset(&pkt, 0, sizeof pkt);
    pkt.type = p->dst.family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
    pkt.id = htons(p->id);
    pkt.seq = htons(p->n_sent);
    memcpy(pkt.magic, PROBE_MAGIC, sizeof pkt.magic);
    pkt.sent_us = time_wall_usec();
    if (p->dst.family == AF_INET) {
        pkt.csum = csum(&pkt, sizeof pkt);
    }                           /* The kernel computes ICMPv6 checksums. */

    p->next_ms = now + p->interval_ms;
    if (sendto(fd, &pkt, sizeof pkt, 0, (struct sockaddr *) &ss, len) < 0) {
        probe_error(prober, p, errno, now);
    } else {
        p->n_sent++;
    }
}

static void
tcp_attempt(struct check_prober *prober, struct probe *p, long long int now)
{
    struct sockaddr_storage ss;
    socklen_t len = make_sockaddr(&p->dst, p->port, &ss);
    int error;

    p->next_ms = now + p->interval_ms;
    error = socket_in_netns(p->ns, p->dst.family, SOCK_STREAM, 0, &p->fd);
    if (error) {
        p->result.error = error;
        p->result.no_socket = true;
        probe_finish(prober, p, false, now);
        return;
    }
    p->attempt_us = time_usec();
    if (!connect(p->fd, (struct sockaddr *) &ss, len)) {
        p->result.rtt_us = time_usec() - p->attempt_us;
        probe_finish(prober, p, true, now);
    } else if (errno != EINPROGRESS) {
        error = errno;
        close(p->fd);
        p->fd = -1;
        probe_error(prober, p, error, now);
    }
}

void
check_prober_start(struct check_prober *prober)
{
    struct shash_node *node;
    long long int now = time_msec();

    prober->start_ms = now;
    prober->n_running = prober->n;
    SHASH_FOR_EACH (node, &prober->netns) {
        struct probe_netns *ns = node->data;

        ns->error = netns_open(node->name, &ns->fd);
    }
    for (size_t i = 0; i < prober->n; i++) {
        struct probe *p = &prober->probes[i];

        p->deadline += now;
        p->next_ms = now;
        if (p->kind == CHECK_PROBE_ICMP) {
            int fam = family_index(p->dst.family);

            if (p->ns->icmp_fd[fam] < 0 && !p->ns->icmp_error[fam]) {
                p->ns->icmp_error[fam] = open_icmp_socket(
                    p->ns, p->dst.family, &p->ns->icmp_fd[fam]);
            }
            if (p->ns->icmp_fd[fam] < 0) {
                p->result.error = p->ns->icmp_error[fam];
                p->result.no_socket = true;
                probe_finish(prober, p, false, now);
            }
        }
    }
    /* Sockets first, traffic second: replies to the first requests must
     * find every socket open. */
    check_prober_run(prober, NULL);
}

bool
check_prober_done(const struct check_prober *prober)
{
    return !prober->n_running;
}

void
check_prober_wait(struct check_prober *prober, struct check_pollset *ps)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &prober->netns) {
        struct probe_netns *ns = node->data;

        for (int i = 0; i < 2; i++) {
            if (ns->icmp_fd[i] >= 0) {
                ns->icmp_poll[i] = check_pollset_add(ps, ns->icmp_fd[i],
                                                     POLLIN);
            }
        }
    }
    for (size_t i = 0; i < prober->n; i++) {
        struct probe *p = &prober->probes[i];

        if (p->result.done) {
            continue;
        }
        if (p->fd >= 0) {
            p->poll_idx = check_pollset_add(ps, p->fd, POLLOUT);
        } else {
            check_pollset_wake_at(ps, p->next_ms);
        }
        check_pollset_wake_at(ps, p->deadline);
    }
}

/* The probe that echo reply 'pkt' from 'src', received on 'ns''s socket
 * of 'family', answers, or NULL. */
static struct probe *
match_reply(struct check_prober *prober, const struct probe_netns *ns,
            int family, const struct echo_packet *pkt,
            const struct in6_addr *src)
{
    size_t rank = (uint16_t) (ntohs(pkt->id) - prober->id_base);
    struct probe *p;

    if (rank >= ns->n_probes
        || memcmp(pkt->magic, PROBE_MAGIC, sizeof pkt->magic)) {
        return NULL;
    }
    p = &prober->probes[ns->probes[rank]];
    if (p->result.done || p->dst.family != family
        || ntohs(pkt->seq) >= p->n_sent
        || memcmp(&p->dst.ip, src, sizeof *src)) {
        return NULL;
    }
    return p;
}

/* When the kernel received 'msg' (SO_TIMESTAMPNS, wall clock), so that
 * round trips do not include the time the loop took to get to it. */
static long long int
received_usec(struct msghdr *msg)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            struct timespec ts;

            memcpy(&ts, CMSG_DATA(c), sizeof ts);
            return timespec_to_usec(&ts);
        }
    }
    return time_wall_usec();
}

/* Reads every echo reply queued on 'ns''s socket of 'family'. */
static void
icmp_receive(struct check_prober *prober, struct probe_netns *ns,
             int family, long long int now)
{
    int fd = ns->icmp_fd[family_index(family)];

    for (;;) {
        uint8_t buf[512];
        union {
            char bytes[CMSG_SPACE(sizeof(struct timespec))];
            struct cmsghdr align;
        } control;
        struct sockaddr_storage ss;
        struct iovec iov = { buf, sizeof buf };
        struct msghdr msg = {
            .msg_name = &ss,
            .msg_namelen = sizeof ss,
            .msg_iov = &iov,
            .msg_iovlen = 1,
            .msg_control = control.bytes,
            .msg_controllen = sizeof control.bytes,
        };
        struct echo_packet pkt;
        struct in6_addr src;
        size_t offset = 0;
        struct probe *p;
        ssize_t n;

        n = recvmsg(fd, &msg, 0);
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                VLOG_WARN("receiving echo replies: %s", ovs_strerror(errno));
            }
            return;
        }
        if (family == AF_INET) {
            /* Raw IPv4 sockets receive the IP header too. */
            offset = n > 0 ? (buf[0] & 0x0f) * 4 : 0;
            in6_addr_set_mapped_ipv4(
                &src, ((struct sockaddr_in *) &ss)->sin_addr.s_addr);
        } else {
            src = ((struct sockaddr_in6 *) &ss)->sin6_addr;
        }
        if (n < offset + sizeof pkt) {
            continue;
        }
        /* Copied out: after an IPv4 header of 20 bytes the echo header is
         * not aligned for its 64-bit member, and reading it in place would
         * be undefined behaviour (a misaligned access). */
        memcpy(&pkt, &buf[offset], sizeof pkt);
        if (pkt.type != (family == AF_INET ? ICMP_ECHOREPLY
                         : ICMP6_ECHO_REPLY)) {
            continue;
        }
        p = match_reply(prober, ns, family, &pkt, &src);
        if (p) {
            p->result.rtt_us = received_usec(&msg) - pkt.sent_us;
            probe_finish(prober, p, true, now);
        }
    }
}

/* Finishes the connect() of 'p' after poll() said its socket is ready. */
static void
tcp_complete(struct check_prober *prober, struct probe *p, long long int now)
{
    socklen_t len = sizeof p->result.error;
    int error;

    if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &error, &len)) {
        error = errno;
    }
    if (!error) {
        p->result.rtt_us = time_usec() - p->attempt_us;
        probe_finish(prober, p, true, now);
    } else {
        close(p->fd);
        p->fd = -1;
        probe_error(prober, p, error, now);
    }
}

/* With 'ps' NULL, only sends what is due (used at start). */
void
check_prober_run(struct check_prober *prober, const struct check_pollset *ps)
{
    long long int now = time_msec();
    struct shash_node *node;

    /* Replies first, so that one arriving just before the deadline
     * counts. */
    SHASH_FOR_EACH (node, &prober->netns) {
        struct probe_netns *ns = node->data;

        for (int i = 0; ps && i < 2; i++) {
            if (ns->icmp_fd[i] >= 0
                && check_pollset_revents(ps, ns->icmp_poll[i])) {
                icmp_receive(prober, ns, i ? AF_INET6 : AF_INET, now);
            }
        }
    }
    for (size_t i = 0; i < prober->n; i++) {
        struct probe *p = &prober->probes[i];

        if (!p->result.done && ps && p->fd >= 0
            && check_pollset_revents(ps, p->poll_idx)) {
            tcp_complete(prober, p, now);
        }
        if (p->result.done) {
            continue;
        }
        if (now >= p->deadline) {
            probe_finish(prober, p, false, now);
        } else if (p->fd < 0 && now >= p->next_ms) {
            if (p->kind == CHECK_PROBE_ICMP) {
                icmp_send(prober, p, now);
            } else {
                tcp_attempt(prober, p, now);
            }
        }
    }
}

void
check_prober_shorten(struct check_prober *prober, size_t idx,
                     unsigned int timeout_ms)
{
    struct probe *p = &prober->probes[idx];
    long long int now = time_msec();

    if (!p->result.done) {
        p->deadline = MIN(p->deadline, now + timeout_ms);
        p->interval_ms = MIN(p->interval_ms, probe_interval(timeout_ms));
        p->next_ms = MIN(p->next_ms, now + p->interval_ms);
    }
}

const struct check_probe_result *
check_prober_result(const struct check_prober *prober, size_t idx)
{
    return &prober->probes[idx].result;
}

char *
check_describe_no_socket(const struct check_probe_result *r,
                         const struct scenario_node *from)
{
    return xasprintf("cannot open a socket in node %s: %s", from->name,
                     ovs_strerror(r->error));
}
