#include <config.h>
#include "netlink-neigh.h"

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "netlink-rtnl.h"
#include "util.h"

int
rtnl_neigh_del(struct rtnl_batch *b, int family, int ifindex,
               const void *addr, size_t addr_len)
{
    struct nlmsghdr *nlh = rtnl_batch_start(b, RTM_DELNEIGH, 0);
    char text[INET6_ADDRSTRLEN];
    struct ndmsg *ndm;
    int error = 0;

    ndm = mnl_nlmsg_put_extra_header(nlh, sizeof *ndm);
    ndm->ndm_family = family;
    ndm->ndm_ifindex = ifindex;
    if ((family != AF_INET || addr_len != 4)
        && (family != AF_INET6 || addr_len != 16)) {
        error = EINVAL;
    } else if (ifindex <= 0) {
        error = EINVAL;
    } else if (!mnl_attr_put_check(nlh, RTNL_MSG_MAX, NDA_DST, addr_len,
                                   addr)) {
        error = EMSGSIZE;
    }
    if (error || !inet_ntop(family, addr, text, sizeof text)) {
        ovs_strlcpy(text, "?", sizeof text);
    }
    return rtnl_batch_finish(b, nlh, error,
                             xasprintf("delete neighbour %s on ifindex %d",
                                       text, ifindex));
}

static int
neigh_flush_attr_cb(const struct nlattr *attr, void *dst_)
{
    const struct nlattr **dst = dst_;

    if (mnl_attr_get_type(attr) == NDA_DST) {
        *dst = attr;
    }
    return MNL_CB_OK;
}

/* Adds a deletion to the batch 'b_' for each entry of the dump to flush. */
static int
neigh_flush_cb(const struct nlmsghdr *nlh, void *b_)
{
    const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *dst = NULL;
    struct rtnl_batch *b = b_;

    if (nlh->nlmsg_type != RTM_NEWNEIGH
        || nlh->nlmsg_len < mnl_nlmsg_size(sizeof *ndm)
        || (ndm->ndm_family != AF_INET && ndm->ndm_family != AF_INET6)
        || ndm->ndm_state & (NUD_NOARP | NUD_PERMANENT)) {
        return MNL_CB_OK;
    }
    if (mnl_attr_parse(nlh, sizeof *ndm, neigh_flush_attr_cb, &dst) < 0) {
        return MNL_CB_ERROR;
    }
    if (dst && !rtnl_neigh_del(b, ndm->ndm_family, ndm->ndm_ifindex,
                               mnl_attr_get_payload(dst),
                               mnl_attr_get_payload_len(dst))) {
        /* Gone meanwhile (it expired, or its device went). */
        rtnl_batch_allow_error(b, ENOENT);
    }
    return MNL_CB_OK;
}

static void
neigh_flush_restart(void *b)
{
    rtnl_batch_clear(b);
}

int
rtnl_neigh_flush(struct rtnl_sock *sock, size_t *n_flushed)
{
    struct rtnl_batch *b = rtnl_batch_create();
    union {
        char buf[MNL_SOCKET_BUFFER_SIZE];
        struct nlmsghdr align;
    } u;
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(u.buf);
    struct ndmsg *ndm;
    int error;

    nlh->nlmsg_type = RTM_GETNEIGH;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    ndm = mnl_nlmsg_put_extra_header(nlh, sizeof *ndm);
    ndm->ndm_family = AF_UNSPEC;
    error = rtnl_sock_dump_consistent(sock, nlh, neigh_flush_restart,
                                      neigh_flush_cb, b);
    if (n_flushed) {
        *n_flushed = error ? 0 : rtnl_batch_count(b);
    }
    if (!error && rtnl_batch_count(b)) {
        char *msg = rtnl_sock_run(sock, b);

        if (msg) {
            error = EIO;
            for (size_t i = 0; i < rtnl_batch_count(b); i++) {
                if (rtnl_batch_error(b, i)) {
                    error = rtnl_batch_error(b, i);
                    break;
                }
            }
            free(msg);
        }
    }
    rtnl_batch_destroy(b);
    return error;
}
