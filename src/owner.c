#include <config.h>
#include "owner.h"

#include <errno.h>
#include <stdlib.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <unistd.h>

#include "file-util.h"
#include "netlink-link.h"
#include "netlink-rtnl.h"
#include "netns.h"
#include "sset.h"
#include "util.h"

char *
owner_netns_mark(const char *lab)
{
    return xasprintf("ovs-lab:%s", lab);
}

char *
owner_link_mark(const char *lab, const char *node, const char *iface)
{
    return xasprintf("ovs-lab:%s:%s.%s", lab, node, iface);
}

char *
owner_link_lab(const char *ifname)
{
    char *path = xasprintf("/sys/class/net/%s/ifalias", ifname);
    char *alias = NULL, *lab = NULL;

    if (!file_read_string(path, &alias) && !strncmp(alias, "ovs-lab:", 8)) {
        const char *start = alias + 8;
        size_t len = strcspn(start, ":\n");

        if (start[len] == ':') {
            lab = xmemdup0(start, len);
        }
    }
    free(alias);
    free(path);
    return lab;
}

int
owner_mark_link(struct rtnl_batch *batch, int ifindex, const char *name,
                const char *mark)
{
    struct nlmsghdr *nlh = rtnl_batch_start(batch, RTM_NEWLINK, 0);
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
    int error = 0;

    ifi->ifi_family = AF_UNSPEC;
    if (ifindex > 0) {
        ifi->ifi_index = ifindex;
    } else if (!mnl_attr_put_strz_check(nlh, RTNL_MSG_MAX, IFLA_IFNAME,
                                        name)) {
        error = EMSGSIZE;
    }
    if (!error && !mnl_attr_put_strz_check(nlh, RTNL_MSG_MAX, IFLA_IFALIAS,
                                           mark)) {
        error = EMSGSIZE;
    }
    return rtnl_batch_finish(batch, nlh, error,
                             xasprintf("mark link %s as \"%s\"",
                                       name ? name : "?", mark));
}

/* What owner_collect() looks for in a link dump. */
struct owner_dump {
    const char *prefix;         /* Alias prefix to match... */
    bool exact;                 /* ...or the whole alias. */
    struct sset *names;         /* Receives matching interface names. */
};

static int
owner_collect(const struct nlmsghdr *nlh, void *aux_)
{
    const struct owner_dump *aux = aux_;
    const char *name = NULL;
    const char *alias = NULL;
    const struct nlattr *attr;

    mnl_attr_for_each (attr, nlh, sizeof(struct ifinfomsg)) {
        switch (mnl_attr_get_type(attr)) {
        case IFLA_IFNAME:
            if (!mnl_attr_validate(attr, MNL_TYPE_NUL_STRING)) {
                name = mnl_attr_get_str(attr);
            }
            break;
        case IFLA_IFALIAS:
            if (!mnl_attr_validate(attr, MNL_TYPE_NUL_STRING)) {
                alias = mnl_attr_get_str(attr);
            }
            break;
        }
    }
    if (name && alias
        && (aux->exact
            ? !strcmp(alias, aux->prefix)
            : !strncmp(alias, aux->prefix, strlen(aux->prefix)))) {
        sset_add(aux->names, name);
    }
    return MNL_CB_OK;
}

static void
owner_dump_restart(void *aux_)
{
    struct owner_dump *aux = aux_;

    sset_clear(aux->names);
}

/* Dumps the links of 'sock''s namespace into 'aux' (other labs come and go
 * while this one is torn down: see rtnl_sock_dump_consistent()). */
static int
owner_dump_links(struct rtnl_sock *sock, struct owner_dump *aux)
{
    return rtnl_link_dump(sock, NULL, owner_dump_restart, owner_collect, aux);
}

bool
owner_netns_fd_is_lab(int netns_fd, const char *lab)
{
    struct sset names = SSET_INITIALIZER(&names);
    char *mark = owner_netns_mark(lab);
    struct owner_dump aux = { mark, true, &names };
    struct rtnl_sock *sock;
    bool owned = false;

    if (!rtnl_sock_open(netns_fd, &sock)) {
        owned = !owner_dump_links(sock, &aux) && sset_contains(&names, "lo");
        rtnl_sock_close(sock);
    }
    sset_destroy(&names);
    free(mark);
    return owned;
}

bool
owner_netns_is_lab(const char *netns, const char *lab)
{
    bool owned = false;
    int fd;

    if (!netns_open(netns, &fd)) {
        owned = owner_netns_fd_is_lab(fd, lab);
        close(fd);
    }
    return owned;
}

int
owner_find_links(struct rtnl_sock *sock, const char *lab, struct sset *names)
{
    char *prefix = xasprintf("ovs-lab:%s:", lab);
    struct owner_dump aux = { prefix, false, names };
    int error = owner_dump_links(sock, &aux);

    free(prefix);
    return error;
}
