/*
 * System test of the kernel layer (needs root): real namespaces, veths
 * created by batched rtnetlink requests, addresses, routes, TX checksum
 * offload, sysctls, processes spawned in and killed out of namespaces.
 *
 * Every outcome is checked from outside the code under test, with
 * iproute2, ethtool, ping and /proc, the tools a user would trust.
 *
 * All names start with "olt<pid in hex>-", so that runs can share a
 * machine; whatever carries that prefix is removed at exit, on failure
 * and on fatal signals too.  Traffic only goes between the namespaces the
 * test creates.
 *
 * OVS_LAB_TEST_SCALE=N sets how many namespaces the scale test builds
 * (default 200); it prints how long deploy and teardown took.
 */

#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <CUnit/Basic.h>

#include "ethtool.h"
#include "netlink-addr.h"
#include "netlink-link.h"
#include "netlink-neigh.h"
#include "netlink-route.h"
#include "netlink-rtnl.h"
#include "netns.h"
#include "packets.h"
#include "simap.h"
#include "sset.h"
#include "tests/cunit-util.h"
#include "timeval.h"
#include "util.h"

#define TCP_PORT 5555

static char prefix[16];         /* "olt<pid in hex>-" */
static char ns_a[64], ns_b[64]; /* Two nodes. */
static char host_a[32];         /* Host end of A's eth1 (made from A). */
static char host_b[32];         /* Host end of B's eth1 (made from host). */
static char tmp_dir[PATH_MAX];
static int eth2_ifindex;        /* Of eth2 in A and B. */
static char etc_dir[PATH_MAX];  /* /etc/netns/<ns_a> */
static bool made_etc_netns;     /* Did we create /etc/netns? */

/* Asserts that the output of 'cmd' contains (or, if 'present' is false,
 * lacks) 'needle', and shows the output if not. */
static void
assert_output(const char *cmd, const char *needle, bool present)
{
    char *out = test_shell(NULL, "%s", cmd);
    bool found = strstr(out, needle) != NULL;

    if (found != present) {
        printf("\n  '%s' %s '%s':\n%s", cmd,
               present ? "lacks" : "shows", needle, out);
    }
    CU_ASSERT(found == present);
    free(out);
}

static bool
has_prefix(const char *s)
{
    return !strncmp(s, prefix, strlen(prefix));
}

/* Removes everything this run made.  Safe to call at any point, several
 * times, and from a signal handler (the test is over by then anyway).
 * Makes no CUnit assertions: it also runs outside of tests. */
static void
cleanup(void)
{
    struct simap links = SIMAP_INITIALIZER(&links);
    struct sset names = SSET_INITIALIZER(&names);
    static bool cleaning;
    struct rtnl_sock *sock;
    const char *name;

    if (!prefix[0] || cleaning) {
        return;
    }
    cleaning = true;
    netns_list(&names);
    SSET_FOR_EACH_SAFE (name, &names) {
        if (!has_prefix(name)) {
            sset_delete(&names, SSET_NODE_FROM_NAME(name));
        }
    }
    netns_kill_all_set(&names, 500);
    /* Host ends first: deleting one also deletes its namespace end. */
    if (!rtnl_sock_open(-1, &sock)) {
        struct rtnl_batch *b = rtnl_batch_create();
        struct simap_node *node;

        rtnl_link_list(sock, &links);
        SIMAP_FOR_EACH (node, &links) {
            if (has_prefix(node->name)) {
                rtnl_link_del(b, 0, node->name);
                rtnl_batch_allow_error(b, ENODEV);
            }
        }
        free(rtnl_sock_run(sock, b));
        rtnl_batch_destroy(b);
        rtnl_sock_close(sock);
    }
    SSET_FOR_EACH (name, &names) {
        netns_delete(name);
    }
    if (etc_dir[0]) {
        char *hosts = xasprintf("%s/hosts", etc_dir);
        unlink(hosts);
        free(hosts);
        rmdir(etc_dir);
        if (made_etc_netns) {
            rmdir(NETNS_ETC_DIR);
        }
    }
    if (tmp_dir[0]) {
        char *cmd = xasprintf("rm -rf '%s'", tmp_dir);
        ignore(system(cmd));
        free(cmd);
    }
    simap_destroy(&links);
    sset_destroy(&names);
    cleaning = false;
}

static void
open_ns(const char *name, int *fdp)
{
    CU_ASSERT_EQUAL_FATAL(netns_open(name, fdp), 0);
}

static void
test_add_namespaces(void)
{
    struct sset names = SSET_INITIALIZER(&names);
    char *out;

    CU_ASSERT_EQUAL_FATAL(netns_add(ns_a), 0);
    CU_ASSERT_EQUAL_FATAL(netns_add(ns_b), 0);
    CU_ASSERT_EQUAL(netns_add(ns_a), EEXIST);
    CU_ASSERT_EQUAL(netns_add("a/b"), EINVAL);
    CU_ASSERT_EQUAL(netns_add(".."), EINVAL);
    CU_ASSERT(netns_exists(ns_a));

    CU_ASSERT_EQUAL(netns_list(&names), 0);
    CU_ASSERT(sset_contains(&names, ns_a));
    CU_ASSERT(sset_contains(&names, ns_b));
    sset_destroy(&names);

    /* What iproute2 sees: listed, and usable with "ip -n". */
    out = test_shell(NULL, "ip netns list");
    CU_ASSERT_PTR_NOT_NULL(strstr(out, ns_a));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, ns_b));
    free(out);
    {
        char *cmd = xasprintf("ip -n %s -o link show", ns_a);
        assert_output(cmd, "1: lo:", true);
        free(cmd);
    }
}

/* A: lo, eth0 (ifindex 2) <-> B eth0 (ifindex 2), eth1 (3) <-> host_a.
 * B: eth1 <-> host_b, created from the host side.
 * A has 10.251.0.1/32 and fd00:251::1/128 on lo, reached from B through
 * routes via A's eth0 addresses. */
static void
test_build_topology(void)
{
    static const struct eth_addr b_mac = ETH_ADDR_C(02, 00, 00, 0a, 0b, 02);
    struct rtnl_sock *sock_a, *sock_b, *sock_host;
    int fd_a, fd_b, fd_host;
    struct rtnl_batch *b;
    struct rtnl_veth veth;
    struct rtnl_route route;
    struct in6_addr addr;
    long long int start;
    char *cmd, *needle;

    open_ns(ns_a, &fd_a);
    open_ns(ns_b, &fd_b);
    CU_ASSERT_EQUAL_FATAL(netns_open_current(&fd_host), 0);
    CU_ASSERT_EQUAL_FATAL(rtnl_sock_open(fd_a, &sock_a), 0);
    CU_ASSERT_EQUAL_FATAL(rtnl_sock_open(fd_b, &sock_b), 0);
    CU_ASSERT_EQUAL_FATAL(rtnl_sock_open(-1, &sock_host), 0);

    /* For eth2, an ifindex that the host namespace uses (if it has one
     * above 3): created from the host socket, the kernel must check it in
     * the target namespace. */
    {
        struct simap host_links = SIMAP_INITIALIZER(&host_links);
        struct simap_node *node;

        CU_ASSERT_EQUAL(rtnl_link_list(sock_host, &host_links), 0);
        eth2_ifindex = 0;
        SIMAP_FOR_EACH (node, &host_links) {
            if (node->data > 3
                && (!eth2_ifindex || node->data < eth2_ifindex)) {
                eth2_ifindex = node->data;
            }
        }
        eth2_ifindex = eth2_ifindex ? eth2_ifindex : 5;
        simap_destroy(&host_links);
    }

    start = time_msec();

    /* Everything of A in one batch, from a socket in A. */
    b = rtnl_batch_create();
    rtnl_batch_set_context(b, "node %s", ns_a);
    rtnl_link_set_up(b, 1, "lo", true);

    rtnl_veth_init(&veth);
    veth.end.name = "eth0";
    veth.end.ifindex = 2;
    veth.end.mtu = 1400;
    veth.end.up = true;
    veth.peer.name = "eth0";
    veth.peer.ifindex = 2;
    veth.peer.netns_fd = fd_b;
    veth.peer.mtu = 1400;
    veth.peer.mac = b_mac;
    CU_ASSERT_EQUAL(rtnl_link_add_veth(b, &veth), 0);

    rtnl_veth_init(&veth);
    veth.end.name = "eth1";
    veth.end.ifindex = 3;
    veth.end.up = true;
    veth.peer.name = host_a;
    veth.peer.netns_fd = fd_host;
    CU_ASSERT_EQUAL(rtnl_link_add_veth(b, &veth), 0);

    addr = test_ip4("10.250.0.1");
    rtnl_addr_add(b, 2, &addr, 24);
    addr = test_ip6("fd00:250::1");
    rtnl_addr_add(b, 2, &addr, 64);
    addr = test_ip4("10.251.0.1");
    rtnl_addr_add(b, 1, &addr, 32);
    addr = test_ip6("fd00:251::1");
    rtnl_addr_add(b, 1, &addr, 128);
    CU_ASSERT_EQUAL(rtnl_batch_count(b), 7);
    test_run_batch(sock_a, b);
    rtnl_batch_destroy(b);

    /* B: addresses on the eth0 that A's batch created (ifindex 2). */
    b = rtnl_batch_create();
    rtnl_batch_set_context(b, "node %s", ns_b);
    rtnl_link_set_up(b, 1, "lo", true);
    rtnl_link_set_up(b, 2, "eth0", true);
    addr = test_ip4("10.250.0.2");
    rtnl_addr_add(b, 2, &addr, 24);
    addr = test_ip6("fd00:250::2");
    rtnl_addr_add(b, 2, &addr, 64);
    memset(&route, 0, sizeof route);
    route.dst = test_ip4("10.251.0.0");
    route.plen = 24;
    route.gw = test_ip4("10.250.0.1");
    route.oif = 2;
    rtnl_route_add(b, &route);
    memset(&route, 0, sizeof route);
    route.dst = test_ip6("fd00:251::");
    route.plen = 64;
    route.gw = test_ip6("fd00:250::1");
    rtnl_route_add(b, &route);
    test_run_batch(sock_b, b);
    rtnl_batch_destroy(b);

    /* From the host: host_a up; host_b created here, its peer directly
     * in B; and a pair with neither end here: A's eth2 <-> B's eth2. */
    b = rtnl_batch_create();
    rtnl_link_set_up(b, 0, host_a, true);
    rtnl_veth_init(&veth);
    veth.end.name = host_b;
    veth.end.up = true;
    veth.peer.name = "eth1";
    veth.peer.netns_fd = fd_b;
    rtnl_link_add_veth(b, &veth);
    rtnl_veth_init(&veth);
    veth.end.name = "eth2";
    veth.end.ifindex = eth2_ifindex;
    veth.end.netns_fd = fd_a;
    veth.peer.name = "eth2";
    veth.peer.ifindex = eth2_ifindex;
    veth.peer.netns_fd = fd_b;
    rtnl_link_add_veth(b, &veth);
    test_run_batch(sock_host, b);
    rtnl_batch_destroy(b);

    /* B's eth1, by name: its ifindex was not chosen. */
    b = rtnl_batch_create();
    rtnl_link_set_up(b, 0, "eth1", true);
    test_run_batch(sock_b, b);
    rtnl_batch_destroy(b);

    printf("(4 batches: %lld ms) ", time_msec() - start);

    rtnl_sock_close(sock_a);
    rtnl_sock_close(sock_b);
    rtnl_sock_close(sock_host);
    close(fd_a);
    close(fd_b);
    close(fd_host);

    /* What iproute2 sees. */
    cmd = xasprintf("ip -n %s -o link show", ns_a);
    assert_output(cmd, "2: eth0@", true);
    assert_output(cmd, "3: eth1@", true);
    assert_output(cmd, "mtu 1400", true);
    free(cmd);
    cmd = xasprintf("ip -n %s -o link show eth0", ns_b);
    assert_output(cmd, "2: eth0@", true);
    assert_output(cmd, "state UP", true);
    assert_output(cmd, "link/ether 02:00:00:0a:0b:02", true);
    free(cmd);
    cmd = xasprintf("ip -n %s -o link show eth1", ns_b);
    assert_output(cmd, "eth1@", true);
    assert_output(cmd, "state UP", true);
    free(cmd);
    cmd = xasprintf("ip -o link show %s", host_a);
    assert_output(cmd, "state UP", true);
    assert_output(cmd, ns_a, true);      /* link-netns */
    free(cmd);
    cmd = xasprintf("ip -o link show %s", host_b);
    assert_output(cmd, "state UP", true);
    free(cmd);
    cmd = xasprintf("ip -n %s -o link show eth2", ns_a);
    needle = xasprintf("%d: eth2@", eth2_ifindex);
    assert_output(cmd, needle, true);
    assert_output(cmd, ns_b, true);      /* link-netns: peer in B */
    free(cmd);
    cmd = xasprintf("ip -n %s -o link show eth2", ns_b);
    assert_output(cmd, needle, true);
    free(cmd);
    free(needle);
    assert_output("ip -o link show eth2", "does not exist", true);

    cmd = xasprintf("ip -n %s -o addr show dev eth0", ns_a);
    assert_output(cmd, "inet 10.250.0.1/24 brd 10.250.0.255", true);
    assert_output(cmd, "inet6 fd00:250::1/64", true);
    free(cmd);
    /* No duplicate address detection holding the address back. */
    cmd = xasprintf("ip -n %s -o addr show dev eth0 tentative", ns_a);
    assert_output(cmd, "fd00:250::1", false);
    free(cmd);
    cmd = xasprintf("ip -n %s -o addr show dev lo", ns_a);
    assert_output(cmd, "inet 10.251.0.1/32", true);
    assert_output(cmd, "inet6 fd00:251::1/128", true);
    free(cmd);
    cmd = xasprintf("ip -n %s -o addr show dev eth0", ns_b);
    assert_output(cmd, "inet 10.250.0.2/24 brd 10.250.0.255", true);
    assert_output(cmd, "inet6 fd00:250::2/64", true);
    free(cmd);

    cmd = xasprintf("ip -n %s route show", ns_b);
    assert_output(cmd, "10.251.0.0/24 via 10.250.0.1 dev eth0 proto static",
                  true);
    free(cmd);
    cmd = xasprintf("ip -n %s -6 route show", ns_b);
    assert_output(cmd, "fd00:251::/64 via fd00:250::1 dev eth0 proto static",
                  true);
    free(cmd);
}

static void
test_ping(void)
{
    int status;
    char *out;

    out = test_shell(&status, "ip netns exec %s ping -c 1 -W 3 10.250.0.1",
                     ns_b);
    CU_ASSERT_EQUAL(status, 0);
    free(out);
    /* Through B's route to A's loopback address. */
    out = test_shell(&status, "ip netns exec %s ping -c 1 -W 3 10.251.0.1",
                     ns_b);
    CU_ASSERT_EQUAL(status, 0);
    free(out);
    out = test_shell(&status, "ip netns exec %s ping -6 -c 1 -W 3 fd00:251::1",
                     ns_b);
    if (status) {
        printf("\n%s", out);
    }
    CU_ASSERT_EQUAL(status, 0);
    free(out);
}

static void
test_tx_csum(void)
{
    struct rtnl_sock *sock;
    char *cmd;
    int fd;

    cmd = xasprintf("ip netns exec %s ethtool -k eth0", ns_a);
    assert_output(cmd, "tx-checksumming: on", true);

    open_ns(ns_a, &fd);
    CU_ASSERT_EQUAL_FATAL(rtnl_sock_open(fd, &sock), 0);
    CU_ASSERT_EQUAL(ethtool_set_tx_csum(rtnl_sock_fd(sock), "eth0", false),
                    0);
    CU_ASSERT_EQUAL(ethtool_set_tx_csum(rtnl_sock_fd(sock), "nonexistent",
                                        false), ENODEV);
    rtnl_sock_close(sock);
    close(fd);

    assert_output(cmd, "tx-checksumming: off", true);
    free(cmd);
    /* Only A's eth0 changed, not its peer in B nor eth1. */
    cmd = xasprintf("ip netns exec %s ethtool -k eth0", ns_b);
    assert_output(cmd, "tx-checksumming: on", true);
    free(cmd);
    cmd = xasprintf("ip netns exec %s ethtool -k eth1", ns_a);
    assert_output(cmd, "tx-checksumming: on", true);
    free(cmd);
}

static void
test_sysctl(void)
{
    char *host_before, *host_after, *cmd;
    int fd;

    /* New namespaces copy the host's current values: set both, opposite
     * ways. */
    host_before = test_shell(NULL, "cat /proc/sys/net/ipv4/ip_forward");
    open_ns(ns_b, &fd);
    CU_ASSERT_EQUAL(netns_sysctl_set(fd, "net.ipv4.ip_forward", "0"), 0);
    close(fd);
    open_ns(ns_a, &fd);
    CU_ASSERT_EQUAL(netns_sysctl_set(fd, "net.ipv4.ip_forward", "1"), 0);
    CU_ASSERT_EQUAL(netns_sysctl_set(fd, "net/ipv6/conf/eth0/accept_dad",
                                     "0"), 0);
    CU_ASSERT_EQUAL(netns_sysctl_set(fd, "net.ipv4.no_such_key", "1"),
                    ENOENT);
    close(fd);

    cmd = xasprintf("ip netns exec %s sysctl -n net.ipv4.ip_forward", ns_a);
    assert_output(cmd, "1", true);
    free(cmd);
    cmd = xasprintf("ip netns exec %s sysctl -n net.ipv4.ip_forward", ns_b);
    assert_output(cmd, "0", true);
    free(cmd);
    cmd = xasprintf("ip netns exec %s sysctl -n "
                    "net.ipv6.conf.eth0.accept_dad", ns_a);
    assert_output(cmd, "0", true);
    free(cmd);

    /* The host's own setting is untouched. */
    host_after = test_shell(NULL, "cat /proc/sys/net/ipv4/ip_forward");
    CU_ASSERT_STRING_EQUAL(host_before, host_after);
    free(host_before);
    free(host_after);
}

/* Child mode: accepts two TCP connections on TCP_PORT (IPv4 and IPv6),
 * greets each, prints what each sends, writes "accepted" in the current
 * directory.  Started in namespace A by test_tcp(). */
static int
tcp_listen_main(void)
{
    struct sockaddr_in6 sin6 = {
        .sin6_family = AF_INET6,
        .sin6_port = htons(TCP_PORT),
        .sin6_addr = IN6ADDR_ANY_INIT,
    };
    int zero = 0, one = 1;
    FILE *f;
    int fd;

    alarm(20);
    fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0
        || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero)
        || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one)
        || bind(fd, (struct sockaddr *) &sin6, sizeof sin6)
        || listen(fd, 5)) {
        perror("listen");
        return 1;
    }
    printf("listening\n");
    fflush(stdout);
    for (int i = 0; i < 2; i++) {
        char buf[64];
        ssize_t n;
        int conn;

        conn = accept(fd, NULL, NULL);
        if (conn < 0) {
            perror("accept");
            return 1;
        }
        if (write(conn, "hello\n", 6) != 6) {
            perror("write");
            return 1;
        }
        n = read(conn, buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = '\0';
        printf("got: %s\n", buf);
        fflush(stdout);
        close(conn);
    }
    f = fopen("accepted", "w");
    if (f) {
        fclose(f);
    }
    return 0;
}

/* Connects from a socket opened in namespace 'netns_fd' to 'addr':
 * TCP_PORT, retrying while the listener starts, expects the greeting and
 * sends 'msg'.  Returns true on success. */
static bool
tcp_exchange(int netns_fd, const char *addr, const char *msg)
{
    struct sockaddr_storage ss;
    socklen_t ss_len;

    memset(&ss, 0, sizeof ss);
    if (strchr(addr, ':')) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(TCP_PORT);
        inet_pton(AF_INET6, addr, &sin6->sin6_addr);
        ss_len = sizeof *sin6;
    } else {
        struct sockaddr_in *sin = (struct sockaddr_in *) &ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(TCP_PORT);
        inet_pton(AF_INET, addr, &sin->sin_addr);
        ss_len = sizeof *sin;
    }

    for (int attempt = 0; attempt < 50; attempt++) {
        struct timeval tv = { .tv_sec = 5 };
        char buf[16] = "";
        int saved_fd, fd;
        ssize_t n;

        if (netns_enter(netns_fd, &saved_fd)) {
            return false;
        }
        fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        netns_leave(saved_fd);
        if (fd < 0) {
            return false;
        }
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        if (connect(fd, (struct sockaddr *) &ss, ss_len)) {
            int error = errno;
            close(fd);
            if (error == ECONNREFUSED) {
                xnanosleep(100 * 1000 * 1000);
                continue;
            }
            printf("\n  connect to %s: %s\n", addr, ovs_strerror(error));
            return false;
        }
        n = read(fd, buf, sizeof buf - 1);
        bool ok = (n == 6 && !memcmp(buf, "hello\n", 6)
                   && write(fd, msg, strlen(msg)) == strlen(msg));
        close(fd);
        return ok;
    }
    return false;
}

static char self_exe[PATH_MAX];

static void
test_tcp(void)
{
    struct netns_spawn_options opts = { .detach = true };
    char *argv[] = { self_exe, "--tcp-listen", NULL };
    char *out_path, *accepted, *error, *out;
    int status, fd_b;
    pid_t pid;

    out_path = xasprintf("%s/listener.log", tmp_dir);
    accepted = xasprintf("%s/accepted", tmp_dir);
    opts.stdout_path = out_path;
    opts.stderr_path = out_path;
    opts.cwd = tmp_dir;
    error = netns_spawn(ns_a, argv, &opts, &pid);
    CU_ASSERT_PTR_NULL_FATAL(error);

    /* The socket lives in B; A's addresses are only reachable there. */
    open_ns(ns_b, &fd_b);
    CU_ASSERT(tcp_exchange(fd_b, "10.251.0.1", "ping-v4"));
    CU_ASSERT(tcp_exchange(fd_b, "fd00:250::1", "ping-v6"));
    close(fd_b);

    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    out = test_shell(NULL, "cat '%s'", out_path);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "got: ping-v4"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "got: ping-v6"));
    free(out);
    CU_ASSERT_EQUAL(access(accepted, F_OK), 0);

    free(out_path);
    free(accepted);
}

/* netns_spawn() sets a namespace up like "ip netns exec": its own /sys and
 * /etc/netns/NAME files over /etc. */
static void
test_spawn_environment(void)
{
    struct netns_spawn_options opts;
    char *out_path, *error, *out;
    char *ls[] = { "ls", "/sys/class/net", NULL };
    char *cat[] = { "cat", "/etc/hosts", NULL };
    char *missing[] = { "no-such-program-olt", NULL };
    int status;
    pid_t pid;
    FILE *f;

    if (mkdir(NETNS_ETC_DIR, 0755) == 0) {
        made_etc_netns = true;
    }
    snprintf(etc_dir, sizeof etc_dir, "%s/%s", NETNS_ETC_DIR, ns_a);
    CU_ASSERT_EQUAL_FATAL(mkdir(etc_dir, 0755), 0);
    {
        char *hosts = xasprintf("%s/hosts", etc_dir);
        f = fopen(hosts, "w");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        fprintf(f, "10.250.0.1 olt-test-host\n");
        fclose(f);
        free(hosts);
    }

    out_path = xasprintf("%s/spawn.log", tmp_dir);
    memset(&opts, 0, sizeof opts);
    opts.stdout_path = out_path;

    error = netns_spawn(ns_a, ls, &opts, &pid);
    CU_ASSERT_PTR_NULL_FATAL(error);
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    error = netns_spawn(ns_a, cat, &opts, &pid);
    CU_ASSERT_PTR_NULL_FATAL(error);
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);

    out = test_shell(NULL, "cat '%s'", out_path);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "eth0\neth1\neth2\nlo\n"));
    CU_ASSERT_PTR_NULL(strstr(out, host_a));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "olt-test-host"));
    free(out);

    /* The host's /etc/hosts and /sys are untouched. */
    out = test_shell(NULL, "cat /etc/hosts; ls /sys/class/net");
    CU_ASSERT_PTR_NULL(strstr(out, "olt-test-host"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, host_a));
    free(out);

    /* Failures are reported, with nothing left running. */
    error = netns_spawn(ns_a, missing, NULL, &pid);
    CU_ASSERT_PTR_NOT_NULL(error);
    if (error) {
        CU_ASSERT_PTR_NOT_NULL(strstr(error, "cannot execute "
                                      "no-such-program-olt: No such file"));
        free(error);
    }
    CU_ASSERT_EQUAL(pid, -1);
    CU_ASSERT_EQUAL(waitpid(-1, NULL, WNOHANG), -1);

    error = netns_spawn("olt-no-such-ns", ls, NULL, &pid);
    CU_ASSERT_PTR_NOT_NULL(error);
    free(error);

    opts.stdout_path = "/nonexistent-dir/x.log";
    error = netns_spawn(ns_a, ls, &opts, &pid);
    CU_ASSERT_PTR_NOT_NULL(error);
    free(error);
    free(out_path);
}

/* Runs netns_exec(ns_a, 'argv') in a child process; returns its exit
 * status, or 100 + n if netns_exec() returned an error containing
 * 'expected_error' (n = 0) or another one (n = 1). */
static int
run_netns_exec(char *argv[], const char *expected_error)
{
    int status;
    pid_t pid;

    fflush(stdout);
    pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (!pid) {
        char *error = netns_exec(ns_a, argv, NULL);
        _exit(error && expected_error && strstr(error, expected_error)
              ? 100 : 101);
    }
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
test_exec(void)
{
    char *script = xasprintf("ls /sys/class/net > %s/exec.out; "
                             "readlink /proc/self/ns/net >> %s/exec.out",
                             tmp_dir, tmp_dir);
    char *sh[] = { "sh", "-c", script, NULL };
    char *missing[] = { "no-such-program-olt", NULL };
    char *out, *expected;

    CU_ASSERT_EQUAL(run_netns_exec(sh, NULL), 0);
    out = test_shell(NULL, "cat %s/exec.out", tmp_dir);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "eth0\neth1\neth2\nlo\n"));
    free(out);
    /* The same namespace "ip netns exec" enters. */
    expected = test_shell(NULL, "ip netns exec %s readlink /proc/self/ns/net",
                          ns_a);
    out = test_shell(NULL, "tail -n 1 %s/exec.out", tmp_dir);
    CU_ASSERT_STRING_EQUAL(out, expected);
    free(out);
    free(expected);

    CU_ASSERT_EQUAL(run_netns_exec(missing, "cannot execute "
                                   "no-such-program-olt"), 100);
    free(script);
}

/* Errors in a batch map back to the request that caused them; the
 * others still take effect. */
static void
test_batch_errors(void)
{
    struct rtnl_sock *sock;
    struct rtnl_batch *b;
    struct rtnl_veth veth;
    struct in6_addr addr;
    char *error, *cmd;
    int fd;

    open_ns(ns_a, &fd);
    CU_ASSERT_EQUAL_FATAL(rtnl_sock_open(fd, &sock), 0);

    b = rtnl_batch_create();
    rtnl_batch_set_context(b, "node %s", ns_a);
    addr = test_ip4("10.252.0.1");
    rtnl_addr_add(b, 1, &addr, 32);                     /* 0: ok */
    addr = test_ip4("10.252.0.2");
    rtnl_addr_add(b, 99, &addr, 32);                    /* 1: ENODEV */
    rtnl_batch_describe(b, "add 10.252.0.2 to missing ifindex 99");
    rtnl_veth_init(&veth);
    veth.end.name = "eth0";                             /* 2: EEXIST */
    veth.peer.name = "olt-unused";
    rtnl_link_add_veth(b, &veth);
    rtnl_link_del(b, 0, "no-such-dev");                 /* 3: allowed */
    rtnl_batch_allow_error(b, ENODEV);
    addr = test_ip6("fd00:252::1");
    rtnl_addr_add(b, 1, &addr, 128);                    /* 4: ok */

    error = rtnl_sock_run(sock, b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    printf("\n  reported: %s\n  ", error);
    CU_ASSERT_EQUAL(rtnl_batch_error(b, 0), 0);
    CU_ASSERT_EQUAL(rtnl_batch_error(b, 1), ENODEV);
    CU_ASSERT_EQUAL(rtnl_batch_error(b, 2), EEXIST);
    CU_ASSERT_EQUAL(rtnl_batch_error(b, 3), 0);
    CU_ASSERT_EQUAL(rtnl_batch_error(b, 4), 0);

    /* One line per failure, with context and description. */
    {
        char *expected = xasprintf(
            "node %s: add 10.252.0.2 to missing ifindex 99: No such device",
            ns_a);
        CU_ASSERT(!strncmp(error, expected, strlen(expected)));
        free(expected);
        expected = xasprintf("\nnode %s: create veth eth0 with peer "
                             "olt-unused: File exists", ns_a);
        CU_ASSERT_PTR_NOT_NULL(strstr(error, expected));
        free(expected);
    }
    CU_ASSERT_PTR_NULL(strstr(error, "no-such-dev"));
    /* The kernel explains a missing device in its extended ack. */
    CU_ASSERT_PTR_NOT_NULL(rtnl_batch_extack(b, 1));
    if (rtnl_batch_extack(b, 1)) {
        CU_ASSERT_PTR_NOT_NULL(strstr(error, "(kernel: "));
    }
    free(error);

    /* Running the same batch again: same results, fresh sequence numbers;
     * now the addresses exist too. */
    error = rtnl_sock_run(sock, b);
    CU_ASSERT_PTR_NOT_NULL(error);
    CU_ASSERT_EQUAL(rtnl_batch_error(b, 0), EEXIST);
    CU_ASSERT_EQUAL(rtnl_batch_error(b, 1), ENODEV);
    free(error);
    rtnl_batch_destroy(b);
    rtnl_sock_close(sock);
    close(fd);

    cmd = xasprintf("ip -n %s -o addr show dev lo", ns_a);
    assert_output(cmd, "inet 10.252.0.1/32", true);
    assert_output(cmd, "inet6 fd00:252::1/128", true);
    assert_output(cmd, "10.252.0.2", false);
    free(cmd);
}

/* What teardown does before deleting a namespace: the entry an unanswered
 * ping leaves (a packet queued on it) would delay the namespace's
 * destruction by seconds. */
static void
test_neigh_flush(void)
{
    struct rtnl_sock *sock;
    size_t n_flushed = 0;
    char *cmd, *out;
    int fd, status;

    /* B knows A (from the pings), waits in vain for 10.250.0.99, and has a
     * permanent entry, which stays. */
    out = test_shell(&status, "ip netns exec %s ping -c 1 -W 3 10.250.0.1 && "
                     "! ip netns exec %s ping -c 1 -W 1 10.250.0.99 && "
                     "ip -n %s neigh add 10.250.0.98 lladdr 02:00:00:00:00:98 "
                     "dev eth0 nud permanent", ns_b, ns_b, ns_b);
    CU_ASSERT_EQUAL(status, 0);
    free(out);
    cmd = xasprintf("ip -n %s neigh show", ns_b);
    assert_output(cmd, "10.250.0.1 ", true);
    assert_output(cmd, "10.250.0.99 ", true);

    open_ns(ns_b, &fd);
    CU_ASSERT_EQUAL_FATAL(rtnl_sock_open(fd, &sock), 0);
    CU_ASSERT_EQUAL(rtnl_neigh_flush(sock, &n_flushed), 0);
    CU_ASSERT(n_flushed >= 2);
    assert_output(cmd, "10.250.0.1 ", false);
    assert_output(cmd, "10.250.0.99 ", false);
    assert_output(cmd, "10.250.0.98 ", true);

    /* Nothing left to flush is no error. */
    CU_ASSERT_EQUAL(rtnl_neigh_flush(sock, &n_flushed), 0);
    CU_ASSERT_EQUAL(n_flushed, 0);
    rtnl_sock_close(sock);
    close(fd);
    free(cmd);
}

static void
test_link_list(void)
{
    struct simap links = SIMAP_INITIALIZER(&links);
    struct rtnl_sock *sock;
    int fd;

    open_ns(ns_a, &fd);
    CU_ASSERT_EQUAL_FATAL(rtnl_sock_open(fd, &sock), 0);
    CU_ASSERT_EQUAL(rtnl_link_list(sock, &links), 0);
    CU_ASSERT_EQUAL(simap_count(&links), 4);
    CU_ASSERT_EQUAL(simap_get(&links, "lo"), 1);
    CU_ASSERT_EQUAL(simap_get(&links, "eth0"), 2);
    CU_ASSERT_EQUAL(simap_get(&links, "eth1"), 3);
    CU_ASSERT_EQUAL(simap_get(&links, "eth2"), eth2_ifindex);
    rtnl_sock_close(sock);
    close(fd);
    simap_destroy(&links);
}

static bool
pid_listed(const char *ns, pid_t pid)
{
    bool found = false;
    size_t n;
    pid_t *pids;

    CU_ASSERT_EQUAL_FATAL(netns_list_pids(ns, &pids, &n), 0);
    for (size_t i = 0; i < n; i++) {
        found = found || pids[i] == pid;
    }
    free(pids);
    return found;
}

static void
test_kill_all(void)
{
    struct netns_spawn_options opts = { .detach = true };
    char *sleeper[] = { "sleep", "1000", NULL };
    char *stubborn[] = { "sh", "-c", "trap '' TERM; sleep 1000", NULL };
    char *error, *cmd, *out;
    pid_t pid1, pid2;
    size_t n;
    pid_t *pids;
    int status;

    error = netns_spawn(ns_b, sleeper, &opts, &pid1);
    CU_ASSERT_PTR_NULL_FATAL(error);
    error = netns_spawn(ns_b, stubborn, &opts, &pid2);
    CU_ASSERT_PTR_NULL_FATAL(error);
    xnanosleep(200 * 1000 * 1000);      /* Let sh start its sleep. */

    CU_ASSERT(pid_listed(ns_b, pid1));
    CU_ASSERT(pid_listed(ns_b, pid2));
    CU_ASSERT(!pid_listed(ns_a, pid1));
    cmd = xasprintf("ip netns pids %s", ns_b);
    out = test_shell(NULL, "%s", cmd);
    {
        char *s = xasprintf("%d\n", (int) pid1);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, s));
        free(s);
    }
    free(out);

    CU_ASSERT_EQUAL(netns_kill_all(ns_b, 300), 0);
    CU_ASSERT_EQUAL(netns_list_pids(ns_b, &pids, &n), 0);
    CU_ASSERT_EQUAL(n, 0);
    free(pids);
    out = test_shell(NULL, "%s", cmd);
    CU_ASSERT_STRING_EQUAL(out, "");
    free(out);
    free(cmd);

    /* SIGTERM for the sleeper; the stubborn one needed SIGKILL. */
    CU_ASSERT_EQUAL(waitpid(pid1, &status, 0), pid1);
    CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    CU_ASSERT_EQUAL(waitpid(pid2, &status, 0), pid2);
    CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    CU_ASSERT_EQUAL(netns_kill_all(ns_b, 300), 0);      /* Nothing left. */
}

static void
test_delete(void)
{
    struct rtnl_sock *sock;
    struct rtnl_batch *b;
    char *out, *path;
    int status;

    CU_ASSERT_EQUAL_FATAL(rtnl_sock_open(-1, &sock), 0);
    b = rtnl_batch_create();
    rtnl_link_del(b, 0, host_a);
    rtnl_link_del(b, 0, host_b);
    test_run_batch(sock, b);
    rtnl_batch_destroy(b);
    rtnl_sock_close(sock);

    CU_ASSERT_EQUAL(netns_delete(ns_a), 0);
    CU_ASSERT_EQUAL(netns_delete(ns_b), 0);
    CU_ASSERT_EQUAL(netns_delete(ns_b), ENOENT);
    CU_ASSERT(!netns_exists(ns_a));
    path = xasprintf("%s/%s", NETNS_RUN_DIR, ns_a);
    CU_ASSERT_EQUAL(access(path, F_OK), -1);
    free(path);

    out = test_shell(NULL, "ip netns list; ip -o link show");
    CU_ASSERT_PTR_NULL(strstr(out, prefix));
    free(out);
    free(test_shell(&status, "ip netns exec %s true", ns_a));
    CU_ASSERT(status != 0);
}

/* A deploy the way ovs-lab does it, at scale: per node a namespace, one
 * batch from inside it (lo up, veth with the host end in the host
 * namespace, IPv4 and IPv6 address, default route), TX checksum off. */
static void
test_scale(void)
{
    const char *env = getenv("OVS_LAB_TEST_SCALE");
    int n = env ? atoi(env) : 200;     /* > 128: several sendmsg()s. */
    long long int t0, t_ns, t_nl, t_down;
    struct rtnl_sock *host_sock;
    const char *name;
    struct rtnl_batch *b;
    char *out;
    int fd_host;

    CU_ASSERT_EQUAL_FATAL(netns_open_current(&fd_host), 0);
    t0 = time_msec();
    for (int i = 0; i < n; i++) {
        char *name = xasprintf("%ss%d", prefix, i);
        CU_ASSERT_EQUAL_FATAL(netns_add(name), 0);
        free(name);
    }
    t_ns = time_msec();

    b = rtnl_batch_create();
    for (int i = 0; i < n; i++) {
        char *name = xasprintf("%ss%d", prefix, i);
        char *host_name = xasprintf("%s%d", prefix, i);
        struct rtnl_sock *sock;
        struct rtnl_veth veth;
        struct rtnl_route route;
        struct in6_addr addr;
        int fd;

        open_ns(name, &fd);
        CU_ASSERT_EQUAL_FATAL(rtnl_sock_open(fd, &sock), 0);
        rtnl_batch_clear(b);
        rtnl_batch_set_context(b, "node %s", name);
        rtnl_link_set_up(b, 1, "lo", true);
        rtnl_veth_init(&veth);
        veth.end.name = "eth0";
        veth.end.ifindex = 2;
        veth.end.up = true;
        veth.peer.name = host_name;
        veth.peer.netns_fd = fd_host;
        rtnl_link_add_veth(b, &veth);
        addr = in6_addr_mapped_ipv4(htonl(0x0a000000 + (i << 8) + 1));
        rtnl_addr_add(b, 2, &addr, 24);
        addr = test_ip6("fd00:99::1");
        addr.s6_addr[4] = i >> 8;
        addr.s6_addr[5] = i;
        rtnl_addr_add(b, 2, &addr, 64);
        memset(&route, 0, sizeof route);
        route.dst = in6_addr_mapped_ipv4(0);
        route.gw = in6_addr_mapped_ipv4(htonl(0x0a000000 + (i << 8) + 254));
        rtnl_route_add(b, &route);
        test_run_batch(sock, b);
        CU_ASSERT_EQUAL(ethtool_set_tx_csum(rtnl_sock_fd(sock), "eth0",
                                            false), 0);
        rtnl_sock_close(sock);
        close(fd);
        free(name);
        free(host_name);
    }

    /* All host ends up, in one batch. */
    CU_ASSERT_EQUAL_FATAL(rtnl_sock_open(-1, &host_sock), 0);
    rtnl_batch_clear(b);
    rtnl_batch_set_context(b, "host");
    for (int i = 0; i < n; i++) {
        char *host_name = xasprintf("%s%d", prefix, i);
        rtnl_link_set_up(b, 0, host_name, true);
        free(host_name);
    }
    test_run_batch(host_sock, b);
    t_nl = time_msec();

    /* The operational state follows the carrier through the kernel's
     * linkwatch work, which may run up to a second later: wait for it. */
    for (int try = 0; ; try++) {
        out = test_shell(NULL, "ip -o link show | grep ' %s[0-9]*@'"
                         " | grep -c 'state UP'", prefix);
        if (atoi(out) == n || try >= 100) {
            break;
        }
        free(out);
        xnanosleep(50 * 1000 * 1000);
    }
    CU_ASSERT_EQUAL(atoi(out), n);
    free(out);
    out = test_shell(NULL, "ip netns list | grep -c '^%ss'", prefix);
    CU_ASSERT_EQUAL(atoi(out), n);
    free(out);
    {
        char *cmd = xasprintf("ip -n %ss%d route show", prefix, n - 1);
        assert_output(cmd, "default via 10.", true);
        free(cmd);
        cmd = xasprintf("ip netns exec %ss%d ethtool -k eth0", prefix, n - 1);
        assert_output(cmd, "tx-checksumming: off", true);
        free(cmd);
    }

    /* Teardown the fast way: kill, delete the namespaces, wait for the
     * kernel to destroy their devices and with them the host ends. */
    t_down = time_msec();
    {
        struct sset names = SSET_INITIALIZER(&names);
        for (int i = 0; i < n; i++) {
            sset_add_and_free(&names, xasprintf("%ss%d", prefix, i));
        }
        CU_ASSERT_EQUAL(netns_kill_all_set(&names, 1000), 0);
        SSET_FOR_EACH (name, &names) {
            CU_ASSERT_EQUAL(netns_delete(name), 0);
        }
        sset_destroy(&names);
    }
    {
        struct sset host_names = SSET_INITIALIZER(&host_names);
        for (int i = 0; i < n; i++) {
            sset_add_and_free(&host_names, xasprintf("%s%d", prefix, i));
        }
        int error = rtnl_link_wait_gone(host_sock, &host_names, 10000);
        if (error) {
            printf("\n  waiting for host ends: %s\n", ovs_strerror(error));
        }
        CU_ASSERT_EQUAL(error, 0);
        sset_destroy(&host_names);
    }
    rtnl_sock_close(host_sock);
    rtnl_batch_destroy(b);
    close(fd_host);

    printf("(%d nodes: namespaces %lld ms, links+addresses+routes+ethtool "
           "%lld ms, teardown %lld ms) ", n, t_ns - t0, t_nl - t_ns,
           time_msec() - t_down);

    out = test_shell(NULL, "ip netns list; ip -o link show");
    CU_ASSERT_PTR_NULL(strstr(out, prefix));
    free(out);
}

int
main(int argc, char *argv[])
{
    static const struct test_case tests[] = {
        { "add namespaces", test_add_namespaces },
        { "build topology in batches", test_build_topology },
        { "ping across", test_ping },
        { "tx checksum offload off", test_tx_csum },
        { "sysctl per namespace", test_sysctl },
        { "tcp across (spawned listener)", test_tcp },
        { "spawn: /sys, /etc/netns, errors", test_spawn_environment },
        { "exec in a namespace", test_exec },
        { "batch errors map to requests", test_batch_errors },
        { "neighbour flush", test_neigh_flush },
        { "link list", test_link_list },
        { "kill all processes in a namespace", test_kill_all },
        { "delete", test_delete },
        { "scale", test_scale },
    };
    ssize_t len;

    if (argc == 2 && !strcmp(argv[1], "--tcp-listen")) {
        return tcp_listen_main();
    }
    if (geteuid() != 0) {
        fprintf(stderr, "%s: needs root\n", argv[0]);
        return 77;
    }

    len = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    if (len < 0) {
        perror("/proc/self/exe");
        return 1;
    }
    self_exe[len] = '\0';

    snprintf(prefix, sizeof prefix, "olt%x-", (unsigned int) getpid());
    snprintf(ns_a, sizeof ns_a, "%sa", prefix);
    snprintf(ns_b, sizeof ns_b, "%sb", prefix);
    snprintf(host_a, sizeof host_a, "%sh", prefix);
    snprintf(host_b, sizeof host_b, "%si", prefix);
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/%stmp", prefix);
    if (mkdir(tmp_dir, 0700)) {
        perror(tmp_dir);
        return 1;
    }
    test_cleanup_at_exit(cleanup);

    return TEST_RUN_SUITE("kernel", tests);
}
