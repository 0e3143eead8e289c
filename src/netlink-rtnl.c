#include <config.h>
#include "netlink-rtnl.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "netns.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofpbuf.h"
#include "util.h"

/* How much of a batch goes into one sendmsg().  The kernel queues one
 * acknowledgement per request on our receive buffer before sendmsg()
 * returns, and drops those that do not fit, so a chunk must not produce
 * more acks than the buffer holds (an ack skb costs about 1 kB of buffer
 * space whatever its length). */
#define RTNL_CHUNK_MSGS 128
#define RTNL_CHUNK_BYTES (64 * 1024)
#define RTNL_RCVBUF (1024 * 1024)

/* How long to wait for an acknowledgement.  The kernel acks rtnetlink
 * requests before sendmsg() returns, so this only guards against a lost
 * ack hanging the program. */
#define RTNL_ACK_TIMEOUT_MS 5000

/* At most this many failures are spelled out in an error message. */
#define RTNL_MAX_REPORTED 10

struct rtnl_request {
    size_t offset;              /* Of the message in 'msgs'. */
    char *desc;                 /* Description, for error messages. */
    int allowed_error;          /* errno that counts as success, or 0. */

    /* Results, from rtnl_sock_run(). */
    uint32_t seq;
    bool done;                  /* Acknowledged? */
    int error;                  /* Positive errno, 0 on success. */
    char *extack;               /* Kernel's message, or NULL. */
};

struct rtnl_batch {
    struct ofpbuf msgs;         /* Requests back to back. */
    struct rtnl_request *reqs;
    size_t n_reqs, allocated_reqs;
    char *context;              /* Error message prefix, or NULL. */
    char *build_error;          /* First builder failure, or NULL. */
};

struct rtnl_sock {
    struct mnl_socket *mnl;
    uint32_t portid;
    uint32_t seq;               /* Next sequence number. */
    struct ofpbuf rx;           /* Receive buffer, grows as needed. */
};

struct rtnl_batch *
rtnl_batch_create(void)
{
    struct rtnl_batch *b = xzalloc(sizeof *b);
    ofpbuf_init(&b->msgs, 4096);
    return b;
}

static void
rtnl_request_clear_results(struct rtnl_request *req)
{
    req->done = false;
    req->error = 0;
    free(req->extack);
    req->extack = NULL;
}

void
rtnl_batch_clear(struct rtnl_batch *b)
{
    for (size_t i = 0; i < b->n_reqs; i++) {
        rtnl_request_clear_results(&b->reqs[i]);
        free(b->reqs[i].desc);
    }
    b->n_reqs = 0;
    ofpbuf_clear(&b->msgs);
    free(b->build_error);
    b->build_error = NULL;
}

void
rtnl_batch_destroy(struct rtnl_batch *b)
{
    if (b) {
        rtnl_batch_clear(b);
        ofpbuf_uninit(&b->msgs);
        free(b->reqs);
        free(b->context);
        free(b);
    }
}

void
rtnl_batch_set_context(struct rtnl_batch *b, const char *format, ...)
{
    va_list args;

    free(b->context);
    va_start(args, format);
    b->context = xvasprintf(format, args);
    va_end(args);
}

static struct rtnl_request *
rtnl_batch_last(struct rtnl_batch *b)
{
    ovs_assert(b->n_reqs > 0);
    return &b->reqs[b->n_reqs - 1];
}

void
rtnl_batch_describe(struct rtnl_batch *b, const char *format, ...)
{
    struct rtnl_request *req = rtnl_batch_last(b);
    va_list args;

    free(req->desc);
    va_start(args, format);
    req->desc = xvasprintf(format, args);
    va_end(args);
}

void
rtnl_batch_allow_error(struct rtnl_batch *b, int error)
{
    rtnl_batch_last(b)->allowed_error = error;
}

size_t
rtnl_batch_count(const struct rtnl_batch *b)
{
    return b->n_reqs;
}

const struct nlmsghdr *
rtnl_batch_msg(const struct rtnl_batch *b, size_t i)
{
    ovs_assert(i < b->n_reqs);
    return ofpbuf_at_assert(&b->msgs, b->reqs[i].offset,
                            sizeof(struct nlmsghdr));
}

const char *
rtnl_batch_desc(const struct rtnl_batch *b, size_t i)
{
    ovs_assert(i < b->n_reqs);
    return b->reqs[i].desc;
}

int
rtnl_batch_error(const struct rtnl_batch *b, size_t i)
{
    ovs_assert(i < b->n_reqs);
    return b->reqs[i].error;
}

const char *
rtnl_batch_extack(const struct rtnl_batch *b, size_t i)
{
    ovs_assert(i < b->n_reqs);
    return b->reqs[i].extack;
}

struct nlmsghdr *
rtnl_batch_start(struct rtnl_batch *b, uint16_t type, uint16_t flags)
{
    struct nlmsghdr *nlh;

    /* Zeroed because libmnl (1.0.4) leaves attribute padding as it finds
     * it, and requests should be the same bytes every time. */
    ofpbuf_prealloc_tailroom(&b->msgs, RTNL_MSG_MAX);
    memset(ofpbuf_tail(&b->msgs), 0, RTNL_MSG_MAX);
    nlh = mnl_nlmsg_put_header(ofpbuf_tail(&b->msgs));
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    return nlh;
}

int
rtnl_batch_finish(struct rtnl_batch *b, struct nlmsghdr *nlh, int error,
                  char *desc)
{
    struct rtnl_request *req;

    ovs_assert(nlh == ofpbuf_tail(&b->msgs));
    if (error) {
        if (!b->build_error) {
            b->build_error = xasprintf("%s: %s", desc, ovs_strerror(error));
        }
        free(desc);
        return error;
    }
    ovs_assert(nlh->nlmsg_len <= RTNL_MSG_MAX);

    if (b->n_reqs >= b->allocated_reqs) {
        b->reqs = x2nrealloc(b->reqs, &b->allocated_reqs, sizeof *b->reqs);
    }
    req = &b->reqs[b->n_reqs++];
    memset(req, 0, sizeof *req);
    req->offset = b->msgs.size;
    req->desc = desc;
    /* The builder wrote into the tailroom reserved by rtnl_batch_start();
     * this only accounts for it. */
    ofpbuf_put_uninit(&b->msgs, NLMSG_ALIGN(nlh->nlmsg_len));
    return 0;
}

int
rtnl_sock_open(int netns_fd, struct rtnl_sock **sockp)
{
    struct mnl_socket *mnl;
    struct rtnl_sock *sock;
    int saved_fd = -1;
    int error = 0;
    int one = 1;
    int rcvbuf = RTNL_RCVBUF;

    *sockp = NULL;
    if (netns_fd >= 0) {
        error = netns_enter(netns_fd, &saved_fd);
        if (error) {
            return error;
        }
    }
    mnl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (!mnl) {
        error = errno;
    }
    if (saved_fd >= 0) {
        netns_leave(saved_fd);
    }
    if (error) {
        return error;
    }

    if (mnl_socket_bind(mnl, 0, MNL_SOCKET_AUTOPID)) {
        error = errno;
        mnl_socket_close(mnl);
        return error;
    }
    /* Without these the socket still works, only with plainer errors or
     * smaller chunks. */
    mnl_socket_setsockopt(mnl, NETLINK_EXT_ACK, &one, sizeof one);
    mnl_socket_setsockopt(mnl, NETLINK_CAP_ACK, &one, sizeof one);
    if (setsockopt(mnl_socket_get_fd(mnl), SOL_SOCKET, SO_RCVBUFFORCE,
                   &rcvbuf, sizeof rcvbuf)) {
        setsockopt(mnl_socket_get_fd(mnl), SOL_SOCKET, SO_RCVBUF,
                   &rcvbuf, sizeof rcvbuf);
    }

    sock = xmalloc(sizeof *sock);
    sock->mnl = mnl;
    sock->portid = mnl_socket_get_portid(mnl);
    sock->seq = time(NULL);
    ofpbuf_init(&sock->rx, MNL_SOCKET_BUFFER_SIZE);
    *sockp = sock;
    return 0;
}

void
rtnl_sock_close(struct rtnl_sock *sock)
{
    if (sock) {
        mnl_socket_close(sock->mnl);
        ofpbuf_uninit(&sock->rx);
        free(sock);
    }
}

int
rtnl_sock_fd(const struct rtnl_sock *sock)
{
    return mnl_socket_get_fd(sock->mnl);
}

static int
rtnl_extack_attr_cb(const struct nlattr *attr, void *tb_)
{
    const struct nlattr **tb = tb_;
    uint16_t type = mnl_attr_get_type(attr);

    if (mnl_attr_type_valid(attr, NLMSGERR_ATTR_MAX) < 0) {
        return MNL_CB_OK;
    }
    if (type == NLMSGERR_ATTR_MSG
        && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0) {
        return MNL_CB_ERROR;
    }
    tb[type] = attr;
    return MNL_CB_OK;
}

/* Records in 'req' the result that acknowledgement 'nlh' carries. */
static void
rtnl_request_take_ack(struct rtnl_request *req, const struct nlmsghdr *nlh)
{
    const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
    const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
    size_t offset;

    req->done = true;
    if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof *err)) {
        req->error = EPROTO;
        return;
    }
    req->error = -err->error;
    if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
        return;
    }

    /* The TLVs follow the echoed request, which is only its header if the
     * kernel capped it (NETLINK_CAP_ACK, or always on success). */
    offset = sizeof *err;
    if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
        offset += err->msg.nlmsg_len - sizeof err->msg;
    }
    if (mnl_nlmsg_size(offset) <= nlh->nlmsg_len
        && mnl_attr_parse(nlh, offset, rtnl_extack_attr_cb, tb) >= 0
        && tb[NLMSGERR_ATTR_MSG]) {
        req->extack = xstrdup(mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
    }
}

/* Waits up to RTNL_ACK_TIMEOUT_MS for the socket to become readable. */
static int
rtnl_sock_wait(struct rtnl_sock *sock)
{
    struct pollfd pfd = { .fd = rtnl_sock_fd(sock), .events = POLLIN };
    int retval;

    do {
        retval = poll(&pfd, 1, RTNL_ACK_TIMEOUT_MS);
    } while (retval < 0 && errno == EINTR);
    return retval < 0 ? errno : retval == 0 ? ETIMEDOUT : 0;
}

/* Waits for and receives one datagram from the kernel into 'sock->rx'.
 * A dump datagram can be larger than any fixed buffer one would guess
 * (the kernel fills skbs up to their slab size), so its size is peeked
 * first. */
static int
rtnl_sock_recv(struct rtnl_sock *sock)
{
    int fd = rtnl_sock_fd(sock);

    for (;;) {
        struct sockaddr_nl addr;
        struct iovec iov;
        struct msghdr msg = {
            .msg_name = &addr,
            .msg_namelen = sizeof addr,
            .msg_iov = &iov,
            .msg_iovlen = 1,
        };
        ssize_t n;
        int error;

        error = rtnl_sock_wait(sock);
        if (error) {
            return error;
        }
        n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            return errno;
        }
        ofpbuf_clear(&sock->rx);
        ofpbuf_prealloc_tailroom(&sock->rx, n);
        iov.iov_base = sock->rx.data;
        iov.iov_len = ofpbuf_tailroom(&sock->rx);
        n = recvmsg(fd, &msg, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            return errno;
        }
        if (msg.msg_flags & MSG_TRUNC) {
            return EMSGSIZE;
        }
        if (addr.nl_pid == 0) {
            sock->rx.size = n;
            return 0;
        }
        /* Not from the kernel: ignore. */
    }
}

/* Receives acknowledgements for the requests 'first' up to 'end' of 'b'
 * (whose sequence numbers are consecutive from reqs[0].seq) until each
 * has one.  Returns 0, or the errno that stopped the reception. */
static int
rtnl_sock_collect_acks(struct rtnl_sock *sock, struct rtnl_batch *b,
                       size_t first, size_t end)
{
    size_t pending = end - first;
    uint32_t seq0 = b->reqs[0].seq;

    while (pending > 0) {
        const struct nlmsghdr *nlh;
        int error;
        int n;

        error = rtnl_sock_recv(sock);
        if (error) {
            return error;
        }
        n = sock->rx.size;
        for (nlh = sock->rx.data; mnl_nlmsg_ok(nlh, n);
             nlh = mnl_nlmsg_next(nlh, &n)) {
            /* Anything else is stale: from an earlier, abandoned run. */
            size_t i = (uint32_t) (nlh->nlmsg_seq - seq0);
            if (nlh->nlmsg_type == NLMSG_ERROR
                && mnl_nlmsg_portid_ok(nlh, sock->portid)
                && i >= first && i < end && !b->reqs[i].done) {
                rtnl_request_take_ack(&b->reqs[i], nlh);
                pending--;
            }
        }
    }
    return 0;
}

/* Sends requests 'first' up to 'end' of 'b' in one sendmsg(). */
static int
rtnl_sock_send_chunk(struct rtnl_sock *sock, struct rtnl_batch *b,
                     size_t first, size_t end)
{
    size_t offset = b->reqs[first].offset;
    size_t len = (end < b->n_reqs ? b->reqs[end].offset : b->msgs.size)
                 - offset;
    ssize_t n;

    do {
        n = mnl_socket_sendto(sock->mnl, (char *) b->msgs.data + offset,
                              len);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? errno : 0;
}

static void
rtnl_batch_format_error(const struct rtnl_batch *b, size_t i,
                        struct ds *s)
{
    const struct rtnl_request *req = &b->reqs[i];

    if (s->length) {
        ds_put_char(s, '\n');
    }
    if (b->context && b->context[0]) {
        ds_put_format(s, "%s: ", b->context);
    }
    ds_put_format(s, "%s: %s", req->desc, ovs_strerror(req->error));
    if (req->extack) {
        ds_put_format(s, " (kernel: %s)", req->extack);
    }
}

char *
rtnl_sock_run(struct rtnl_sock *sock, struct rtnl_batch *b)
{
    size_t n_failed = 0;
    struct ds s;
    size_t i;

    if (b->build_error) {
        return (b->context && b->context[0]
                ? xasprintf("%s: %s", b->context, b->build_error)
                : xstrdup(b->build_error));
    }

    for (i = 0; i < b->n_reqs; i++) {
        struct rtnl_request *req = &b->reqs[i];
        struct nlmsghdr *nlh = ofpbuf_at_assert(&b->msgs, req->offset,
                                                sizeof *nlh);
        rtnl_request_clear_results(req);
        req->seq = nlh->nlmsg_seq = sock->seq++;
        nlh->nlmsg_pid = 0;
    }

    for (i = 0; i < b->n_reqs; ) {
        size_t end = i + 1;
        int error;

        while (end < b->n_reqs && end - i < RTNL_CHUNK_MSGS
               && b->reqs[end].offset - b->reqs[i].offset
                  + RTNL_MSG_MAX <= RTNL_CHUNK_BYTES) {
            end++;
        }

        error = rtnl_sock_send_chunk(sock, b, i, end);
        if (!error) {
            error = rtnl_sock_collect_acks(sock, b, i, end);
        }
        if (error) {
            /* Whatever was not acknowledged failed this way; the rest is
             * not sent at all, as it probably depends on what failed. */
            for (; i < b->n_reqs; i++) {
                if (!b->reqs[i].done) {
                    b->reqs[i].done = true;
                    b->reqs[i].error = error;
                }
            }
            break;
        }
        i = end;
    }

    ds_init(&s);
    for (i = 0; i < b->n_reqs; i++) {
        struct rtnl_request *req = &b->reqs[i];

        if (req->error && req->error == req->allowed_error) {
            req->error = 0;
        } else if (req->error && n_failed++ < RTNL_MAX_REPORTED) {
            rtnl_batch_format_error(b, i, &s);
        }
    }
    if (n_failed > RTNL_MAX_REPORTED) {
        ds_put_format(&s, "\n(and %"PRIuSIZE" more failed requests)",
                      n_failed - RTNL_MAX_REPORTED);
    }
    return n_failed ? ds_steal_cstr(&s) : NULL;
}

/* Handles one message of the reply to a dump.  Returns MNL_CB_OK to go on
 * reading, otherwise the dump is over: MNL_CB_STOP on success,
 * MNL_CB_ERROR with '*errorp' set on failure. */
static int
rtnl_dump_msg(const struct nlmsghdr *nlh, mnl_cb_t cb, void *aux,
              bool *interruptedp, int *errorp)
{
    if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
        *interruptedp = true;
    }
    if (nlh->nlmsg_type == NLMSG_DONE) {
        return MNL_CB_STOP;
    } else if (nlh->nlmsg_type == NLMSG_ERROR) {
        const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

        *errorp = (nlh->nlmsg_len < mnl_nlmsg_size(sizeof *err) ? EPROTO
                   : -err->error);
        return *errorp ? MNL_CB_ERROR : MNL_CB_STOP;
    } else if (nlh->nlmsg_type < NLMSG_MIN_TYPE || *interruptedp) {
        return MNL_CB_OK;
    }

    switch (cb(nlh, aux)) {
    case MNL_CB_OK:
        return MNL_CB_OK;
    case MNL_CB_STOP:
        /* The rest of the dump still arrives; read it to keep the socket
         * clean. */
        *interruptedp = false;
        return MNL_CB_OK;
    default:
        *errorp = EPROTO;
        return MNL_CB_ERROR;
    }
}

int
rtnl_sock_dump(struct rtnl_sock *sock, struct nlmsghdr *request,
               mnl_cb_t cb, void *aux)
{
    uint32_t seq = sock->seq++;
    bool interrupted = false;
    bool done = false;
    int error = 0;

    request->nlmsg_seq = seq;
    request->nlmsg_pid = 0;
    if (mnl_socket_sendto(sock->mnl, request, request->nlmsg_len) < 0) {
        return errno;
    }

    /* Reads the whole reply, even after an error or interruption, so that
     * the next request does not find leftovers. */
    while (!done) {
        const struct nlmsghdr *nlh;
        int n;

        error = rtnl_sock_recv(sock);
        if (error) {
            break;
        }
        n = sock->rx.size;
        for (nlh = sock->rx.data; mnl_nlmsg_ok(nlh, n);
             nlh = mnl_nlmsg_next(nlh, &n)) {
            if (nlh->nlmsg_seq == seq
                && mnl_nlmsg_portid_ok(nlh, sock->portid)
                && rtnl_dump_msg(nlh, cb, aux, &interrupted,
                                 &error) != MNL_CB_OK) {
                done = true;
                break;
            }
        }
    }
    return error ? error : interrupted ? EAGAIN : 0;
}

int
rtnl_sock_dump_consistent(struct rtnl_sock *sock, struct nlmsghdr *request,
                          void (*restart)(void *aux), mnl_cb_t cb, void *aux)
{
    int error = EAGAIN;

    for (int attempt = 0; attempt < RTNL_DUMP_ATTEMPTS && error == EAGAIN;
         attempt++) {
        if (restart) {
            restart(aux);
        }
        error = rtnl_sock_dump(sock, request, cb, aux);
    }
    return error;
}
