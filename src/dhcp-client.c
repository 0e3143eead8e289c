#include <config.h>
#include "dhcp-client.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dhcp-server.h"
#include "dhcp-util.h"
#include "error-list.h"
#include "file-util.h"
#include "lease.h"
#include "netlink-addr.h"
#include "netlink-link.h"
#include "netlink-route.h"
#include "netlink-rtnl.h"
#include "netns.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "packets.h"
#include "plan.h"
#include "process.h"
#include "scenario.h"
#include "simap.h"
#include "smap.h"
#include "timeval.h"
#include "util.h"

/* Pacing (see "Pacing" in dhcp-client.h): at most MAX_STARTING clients
 * on served segments are in their first STARTING_MS at once. */
#define MAX_STARTING 8
#define STARTING_MS 2000

/* How often a running client is looked at if its end cannot be waited for
 * (no pidfd: Linux < 5.3), and how often a running dhclient's lease file
 * is looked for. */
#define POLL_MS 5
/* How often dhcp_clients_run() asks its 'stop' whether to give up. */
#define STOP_POLL_MS 100

extern char **environ;

/* The environment variable that tells the script where to record. */
#define LEASE_FILE_ENV "OVS_LAB_LEASE_FILE"

/* The name of the program that replaces udhcpc's script where it is built
 * (src/lease-hook.c). */
#define LEASE_HOOK_NAME "ovs-lab-lease-hook"

/* The scripts only record the lease.  udhcpc's record is read once udhcpc
 * has exited, so it is written in place (the script runs for every client:
 * one program less to start matters with many); dhclient's is watched
 * while dhclient runs, so it is written atomically (write, then rename),
 * so that a lease seen is a whole lease. */
static const char udhcpc_script[] =
    "#!/bin/sh\n"
    "# Written by ovs-lab.  udhcpc calls it with the event in $1 and the\n"
    "# lease in its environment.  It records the lease in $"
    LEASE_FILE_ENV "\n"
    "# and configures nothing: ovs-lab applies the lease itself.\n"
    "case $1 in\n"
    "bound|renew)\n"
    "    {\n"
    "        printf 'ip=%s\\n' \"$ip\"\n"
    "        printf 'subnet=%s\\n' \"$subnet\"\n"
    "        printf 'router=%s\\n' \"$router\"\n"
    "        printf 'serverid=%s\\n' \"$serverid\"\n"
    "        printf 'lease=%s\\n' \"$lease\"\n"
    "        printf 'dns=%s\\n' \"$dns\"\n"
    "    } >\"$" LEASE_FILE_ENV "\"\n"
    "    ;;\n"
    "esac\n"
    "exit 0\n";

static const char dhclient_script[] =
    "#!/bin/sh\n"
    "# Written by ovs-lab.  dhclient calls it with the event in $reason and\n"
    "# the lease in $new_*.  It records the lease in $" LEASE_FILE_ENV "\n"
    "# and configures nothing: ovs-lab applies the lease itself.\n"
    "case $reason in\n"
    "BOUND|RENEW|REBIND|REBOOT)\n"
    "    tmp=$" LEASE_FILE_ENV ".tmp\n"
    "    {\n"
    "        printf 'ip=%s\\n' \"$new_ip_address\"\n"
    "        printf 'subnet=%s\\n' \"$new_subnet_mask\"\n"
    "        printf 'router=%s\\n' \"$new_routers\"\n"
    "        printf 'serverid=%s\\n' \"$new_dhcp_server_identifier\"\n"
    "        printf 'lease=%s\\n' \"$new_dhcp_lease_time\"\n"
    "        printf 'dns=%s\\n' \"$new_domain_name_servers\"\n"
    "    } >\"$tmp\" && mv -f \"$tmp\" \"$" LEASE_FILE_ENV "\"\n"
    "    ;;\n"
    "esac\n"
    "exit 0\n";

/* The program to run, and how. */
struct client_kind {
    const char *program;
    const char *package;        /* Debian package that installs it. */
    const char *script_name;    /* In the state directory. */
    const char *script;
};

static const struct client_kind udhcpc_kind = {
    "udhcpc", "udhcpc (or busybox)", "dhcp-client-udhcpc.sh", udhcpc_script,
};

static const struct client_kind dhclient_kind = {
    "dhclient", "isc-dhcp-client", "dhcp-client-dhclient.sh",
    dhclient_script,
};

/* One client being run. */
struct client {
    const struct scenario_iface *iface;
    const char *netns;
    char *record_path;          /* dhcp-client-NODE.IFACE.lease */
    char *log_path;             /* dhcp-client-NODE.IFACE.log */
    char *dhclient_leases_path; /* dhclient-NODE.IFACE.leases */
    char *dhclient_pid_path;    /* dhclient-NODE.IFACE.pid */

    bool paced;                 /* On a segment a DHCP server serves. */
    pid_t pid;                  /* 0 once reaped. */
    int pidfd;                  /* Readable once 'pid' has ended, or -1. */
    size_t poll_idx;            /* In run_clients()'s pollfd array. */
    long long int start;        /* time_msec() when started... */
    long long int end;          /* ...and when it ended. */
    int status;                 /* Wait status. */
    bool timed_out;             /* Killed at the timeout. */
};

/* Everything one dhcp_clients_run() holds. */
struct client_run {
    const struct client_kind *kind;
    char *program;              /* Full path of the client. */
    char *script_path;          /* The script, or the lease hook... */
    bool write_script;          /* ...if this is false. */
    char *conf_path;            /* dhclient.conf (dhclient). */
    int timeout_ms;
    bool (*stop)(void);         /* See dhcp_clients_run(); may be NULL. */

    struct client *clients;     /* Node order, then interface order. */
    size_t n_clients;
};

static const struct client_kind *
scenario_client_kind(const struct scenario *s)
{
    return (s->settings.dhcp_client == SCENARIO_DHCP_CLIENT_DHCLIENT
            ? &dhclient_kind : &udhcpc_kind);
}

static const struct scenario_iface *
first_dhcp_iface(const struct scenario *s)
{
    for (size_t i = 0; i < s->n_nodes; i++) {
        for (size_t j = 0; j < s->nodes[i].n_ifaces; j++) {
            if (s->nodes[i].ifaces[j].dhcp) {
                return &s->nodes[i].ifaces[j];
            }
        }
    }
    return NULL;
}

char *
dhcp_client_preflight(const struct scenario *s)
{
    const struct client_kind *kind = scenario_client_kind(s);
    const struct scenario_iface *iface = first_dhcp_iface(s);
    char *program;

    if (!iface) {
        return NULL;
    }
    program = dhcp_util_find_program(kind->program);
    if (!program) {
        return xasprintf("%s is not installed, but %s.%s uses DHCP "
                         "(settings: dhcp-client: %s); install the %s "
                         "package", kind->program, iface->node->name,
                         iface->name, kind->program, kind->package);
    }
    free(program);
    return NULL;
}

/* ---- Lease records. ---- */

static char *
parse_ip(const struct smap *fields, const char *key, bool required,
         struct in6_addr *addr)
{
    const char *value = smap_get(fields, key);
    char *first = NULL;
    char *error = NULL;
    ovs_be32 ip;

    *addr = in6addr_any;
    if (value && *value) {
        /* Lists ("router", "dns") are separated by spaces: take the
         * first. */
        first = xmemdup0(value, strcspn(value, " "));
        if (ip_parse(first, &ip)) {
            *addr = in6_addr_mapped_ipv4(ip);
        } else {
            error = xasprintf("invalid %s \"%s\"", key, value);
        }
    } else if (required) {
        error = xasprintf("no %s", key);
    }
    free(first);
    return error;
}

char *
dhcp_client_parse_lease(const char *text, struct lease *lease)
{
    struct smap fields = SMAP_INITIALIZER(&fields);
    struct in6_addr mask;
    const char *value;
    char *error;

    for (const char *p = text; *p; ) {
        size_t len = strcspn(p, "\n");
        const char *eq = memchr(p, '=', len);

        if (eq) {
            char *key = xmemdup0(p, eq - p);
            char *val = xmemdup0(eq + 1, len - (eq + 1 - p));

            smap_replace(&fields, key, val);
            free(key);
            free(val);
        }
        p += len + (p[len] == '\n');
    }

    error = parse_ip(&fields, "ip", true, &lease->addr);
    if (!error) {
        error = parse_ip(&fields, "subnet", true, &mask);
    }
    if (!error) {
        ovs_be32 mask4 = in6_addr_get_mapped_ipv4(&mask);

        if (!mask4 || !ip_is_cidr(mask4)) {
            error = xasprintf("invalid subnet \"%s\"",
                              smap_get(&fields, "subnet"));
        } else {
            lease->plen = ip_count_cidr_bits(mask4);
        }
    }
    if (!error) {
        error = parse_ip(&fields, "serverid", false, &lease->server);
    }
    if (!error) {
        error = parse_ip(&fields, "router", false, &lease->router);
    }
    lease->lease_time = 0;
    value = smap_get(&fields, "lease");
    if (!error && value && *value) {
        char *end;
        unsigned long long int t;

        errno = 0;
        t = strtoull(value, &end, 10);
        if (errno || *end || t > UINT32_MAX || *value == '-') {
            error = xasprintf("invalid lease \"%s\"", value);
        } else {
            lease->lease_time = t;
        }
    }
    smap_destroy(&fields);
    return error;
}

/* ---- Running the clients. ---- */

static char *
client_path(const char *dir, const char *prefix,
            const struct scenario_iface *iface, const char *suffix)
{
    return xasprintf("%s/%s-%s.%s.%s", dir, prefix, iface->node->name,
                     iface->name, suffix);
}

static void
client_run_destroy(struct client_run *run)
{
    for (size_t i = 0; i < run->n_clients; i++) {
        struct client *c = &run->clients[i];

        free(c->record_path);
        free(c->log_path);
        free(c->dhclient_leases_path);
        free(c->dhclient_pid_path);
    }
    free(run->clients);
    free(run->program);
    free(run->script_path);
    free(run->conf_path);
}

/* The lease hook (src/lease-hook.c), as udhcpc's script: next to the
 * running program (ovs-lab in a build tree), else where "make install" put
 * it.  NULL if neither is there, e.g. on an architecture it is not built
 * for: then udhcpc runs the shell script, which does the same, slower. */
static char *
find_lease_hook(void)
{
    char *exe = realpath("/proc/self/exe", NULL);
    char *exe_dir = exe ? dir_name(exe) : NULL;
    char *dirs = xasprintf("%s%s%s", exe_dir ? exe_dir : "",
                           exe_dir ? ":" : "", OVS_LAB_PKGLIBEXECDIR);
    char *found = file_find_executable(LEASE_HOOK_NAME, dirs);

    free(dirs);
    free(exe_dir);
    free(exe);
    return found;
}

/* Fills in 'run' for the DHCP interfaces of 's'. */
static void
client_run_init(struct client_run *run, const struct scenario *s,
                const struct plan *plan, const char *dir, int timeout_ms)
{
    size_t n = 0;

    memset(run, 0, sizeof *run);
    run->kind = scenario_client_kind(s);
    run->timeout_ms = timeout_ms;
    run->script_path = (run->kind == &udhcpc_kind ? find_lease_hook()
                        : NULL);
    run->write_script = !run->script_path;
    if (run->write_script) {
        run->script_path = xasprintf("%s/%s", dir, run->kind->script_name);
    }
    if (run->kind == &dhclient_kind) {
        run->conf_path = xasprintf("%s/dhclient.conf", dir);
    }

    for (size_t i = 0; i < s->n_nodes; i++) {
        for (size_t j = 0; j < s->nodes[i].n_ifaces; j++) {
            n += s->nodes[i].ifaces[j].dhcp;
        }
    }
    run->clients = xcalloc(MAX(n, 1), sizeof *run->clients);
    for (size_t i = 0; i < s->n_nodes; i++) {
        const struct scenario_node *node = &s->nodes[i];

        for (size_t j = 0; j < node->n_ifaces; j++) {
            const struct scenario_iface *iface = &node->ifaces[j];
            struct client *c;

            if (!iface->dhcp) {
                continue;
            }
            c = &run->clients[run->n_clients++];
            c->iface = iface;
            c->netns = plan_netns_of(plan, node)->name;
            c->paced = iface->segment && iface->segment->dhcp;
            c->pidfd = -1;
            c->record_path = client_path(dir, "dhcp-client", iface, "lease");
            c->log_path = client_path(dir, "dhcp-client", iface, "log");
            if (run->kind == &dhclient_kind) {
                c->dhclient_leases_path = client_path(dir, "dhclient", iface,
                                                      "leases");
                c->dhclient_pid_path = client_path(dir, "dhclient", iface,
                                                   "pid");
            }
        }
    }
}

/* The number of seconds the clients are told to try for. */
static int
timeout_seconds(const struct client_run *run)
{
    return MAX(1, (run->timeout_ms + 999) / 1000);
}

/* Finds the programs and writes the script (unless udhcpc runs the lease
 * hook) and dhclient.conf. */
static char *
prepare(struct client_run *run)
{
    const char *program = run->kind->program;
    int err;

    run->program = dhcp_util_find_program(program);
    if (!run->program) {
        return xasprintf("%s is not installed; install the %s package",
                         program, run->kind->package);
    }
    if (run->write_script) {
        err = file_write_string(run->script_path, run->kind->script);
        if (!err && chmod(run->script_path, 0755)) {
            err = errno;
        }
        if (err) {
            return xasprintf("cannot write %s: %s", run->script_path,
                             ovs_strerror(err));
        }
    }
    if (run->conf_path) {
        /* One attempt of the whole timeout, retrying every 1 to 2 s
         * instead of dhclient's default 10 s and more. */
        char *conf = xasprintf("# Written by ovs-lab for dhclient -cf.\n"
                               "timeout %d;\n"
                               "initial-interval 1;\n"
                               "backoff-cutoff 2;\n"
                               "request subnet-mask, broadcast-address, "
                               "routers, domain-name-servers;\n",
                               timeout_seconds(run));

        err = file_write_string(run->conf_path, conf);
        free(conf);
        if (err) {
            return xasprintf("cannot write %s: %s", run->conf_path,
                             ovs_strerror(err));
        }
    }
    return NULL;
}

/* Removes what an earlier run left, so that a lease on record is always
 * this run's. */
static char *
remove_old_files(const struct client *c)
{
    const char *paths[] = {
        c->record_path, c->log_path, c->dhclient_leases_path,
        c->dhclient_pid_path,
    };

    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        if (paths[i] && unlink(paths[i]) && errno != ENOENT) {
            return xasprintf("cannot remove %s: %s", paths[i],
                             ovs_strerror(errno));
        }
    }
    return NULL;
}

/* Starts 'argv' (argv[0] a full path) in a new session, in the network
 * namespace 'netns_fd', with 'env_var' added to the environment, input
 * from /dev/null and output appended to 'log_path'.  Returns 0 or a
 * positive errno (also for a failed exec).
 *
 * Not netns_spawn(): a client needs only the network namespace, not the
 * private mount namespace (with /sys remounted and /etc/netns files bound)
 * that netns_spawn() builds for each process, which costs 10 to 30 ms
 * here, too much for 100 clients started one after the other.  Entering
 * the namespace with this thread and posix_spawn() (no page table copy)
 * costs a few ms. */
static int
spawn_in_netns(int netns_fd, char *const argv[], const char *env_var,
               const char *log_path, pid_t *pidp)
{
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    sigset_t all, none;
    size_t n_env = 0;
    char **envp;
    int saved_fd;
    int error;

    while (environ[n_env]) {
        n_env++;
    }
    /* First, so that it wins over one inherited with the same name. */
    envp = xmalloc((n_env + 2) * sizeof *envp);
    envp[0] = CONST_CAST(char *, env_var);
    memcpy(&envp[1], environ, (n_env + 1) * sizeof *envp);

    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                     O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path,
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);

    /* Default signal dispositions (OVS ignores SIGPIPE, for one), nothing
     * blocked, no controlling terminal. */
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, (POSIX_SPAWN_SETSIGDEF
                                     | POSIX_SPAWN_SETSIGMASK
                                     | POSIX_SPAWN_SETSID));

    error = netns_enter(netns_fd, &saved_fd);
    if (!error) {
        error = posix_spawn(pidp, argv[0], &actions, &attr, argv, envp);
        netns_leave(saved_fd);
    }

    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    free(envp);
    return error;
}

static char *
start_client(const struct client_run *run, struct client *c)
{
    char *env_var = xasprintf("%s=%s", LEASE_FILE_ENV, c->record_path);
    char *tries = xasprintf("%d", timeout_seconds(run));
    char *error = remove_old_files(c);
    int netns_fd = -1;
    int err;

    if (error) {
        goto out;
    }
    err = netns_open(c->netns, &netns_fd);
    if (err) {
        error = xasprintf("%s.%s: cannot open namespace %s: %s",
                          c->iface->node->name, c->iface->name, c->netns,
                          ovs_strerror(err));
        goto out;
    }

    c->start = time_msec();
    if (run->kind == &udhcpc_kind) {
        /* Foreground, quit once leased, a discover every second.  Not
         * giving up (no -n) even after a lost exchange (three requests
         * unanswered, a NAK): asking again at once (-A 0) until killed at
         * the timeout. */
        char *argv[] = {
            run->program, "-f", "-q", "-t", tries, "-T", "1", "-A", "0",
            "-i", CONST_CAST(char *, c->iface->name),
            "-s", run->script_path, NULL,
        };
        err = spawn_in_netns(netns_fd, argv, env_var, c->log_path, &c->pid);
    } else {
        /* Foreground, one attempt; -e passes the record path to the
         * script (dhclient gives its script no other environment). */
        char *argv[] = {
            run->program, "-4", "-1", "-d", "-v",
            "-cf", run->conf_path, "-sf", run->script_path,
            "-lf", c->dhclient_leases_path, "-pf", c->dhclient_pid_path,
            "-e", env_var,
            CONST_CAST(char *, c->iface->name), NULL,
        };
        err = spawn_in_netns(netns_fd, argv, env_var, c->log_path, &c->pid);
    }
    if (err) {
        error = xasprintf("%s.%s: cannot start %s in namespace %s: %s",
                          c->iface->node->name, c->iface->name,
                          run->program, c->netns, ovs_strerror(err));
        c->pid = 0;
    } else {
        /* Without one (old kernel, no descriptor left), 'c' is polled. */
        c->pidfd = syscall(SYS_pidfd_open, c->pid, 0);
    }

out:
    if (netns_fd >= 0) {
        close(netns_fd);
    }
    free(tries);
    free(env_var);
    return error;
}

/* Notes that client 'c' has ended (and been reaped) at 'now'. */
static void
client_ended(struct client *c, long long int now)
{
    c->pid = 0;
    c->end = now;
    if (c->pidfd >= 0) {
        close(c->pidfd);
        c->pidfd = -1;
    }
}

static void
kill_client(struct client *c)
{
    kill(c->pid, SIGKILL);
    while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR) {
        continue;
    }
    client_ended(c, time_msec());
}

/* Checks on running client 'c' at time 'now': reaps it if it ended, kills
 * it if it is dhclient and has leased (it would stay to renew), or if its
 * time is up.  Returns true if it is no longer running. */
static bool
poll_client(const struct client_run *run, struct client *c,
            long long int now)
{
    pid_t retval = waitpid(c->pid, &c->status, WNOHANG);

    if (retval == c->pid || (retval < 0 && errno != EINTR)) {
        client_ended(c, now);
    } else if (run->kind == &dhclient_kind && !access(c->record_path, F_OK)) {
        kill_client(c);
    } else if (now - c->start >= run->timeout_ms) {
        kill_client(c);
        c->timed_out = true;
    }
    return !c->pid;
}

/* True if running client 'c' counts against MAX_STARTING at 'now'. */
static bool
client_is_starting(const struct client *c, long long int now)
{
    return c->paced && c->pid && now - c->start < STARTING_MS;
}

/* Waits (at most until 'wake', a time_msec() value) for a running client
 * to end, then checks on those that may have: ended, timed out, leased
 * (dhclient). */
static void
wait_clients(const struct client_run *run, long long int wake,
             struct pollfd *pfds)
{
    size_t n_pfds = 0;
    long long int now;

    for (size_t i = 0; i < run->n_clients; i++) {
        struct client *c = &run->clients[i];

        if (!c->pid) {
            continue;
        }
        wake = MIN(wake, c->start + run->timeout_ms);
        if (c->pidfd >= 0) {
            c->poll_idx = n_pfds;
            pfds[n_pfds++] = (struct pollfd) { .fd = c->pidfd,
                                               .events = POLLIN };
        }
        if (c->pidfd < 0 || run->kind == &dhclient_kind) {
            wake = MIN(wake, time_msec() + POLL_MS);
        }
    }

    now = time_msec();
    if (poll(pfds, n_pfds, wake > now ? MIN(wake - now, INT_MAX) : 0) < 0
        && errno != EINTR) {
        /* Cannot happen with valid descriptors; do not spin on it. */
        xnanosleep(POLL_MS * 1000 * 1000);
    }

    now = time_msec();
    for (size_t i = 0; i < run->n_clients; i++) {
        struct client *c = &run->clients[i];

        if (c->pid
            && (c->pidfd < 0 || run->kind == &dhclient_kind
                || pfds[c->poll_idx].revents
                || now - c->start >= run->timeout_ms)) {
            poll_client(run, c, now);
        }
    }
}

/* Starts the clients of 'run', paced (see dhcp-client.h), and waits until
 * every one has ended.  On failure to start one, kills those started and
 * returns the error. */
static char *
run_clients(struct client_run *run)
{
    struct pollfd *pfds = xmalloc(run->n_clients * sizeof *pfds);
    struct client **order = xmalloc(run->n_clients * sizeof *order);
    size_t n_order = 0;
    size_t next = 0;
    char *error = NULL;

    /* Those that do not count against MAX_STARTING first: they need not
     * wait for the others. */
    for (int paced = 0; paced < 2; paced++) {
        for (size_t i = 0; i < run->n_clients; i++) {
            if (run->clients[i].paced == paced) {
                order[n_order++] = &run->clients[i];
            }
        }
    }

    for (;;) {
        long long int now = time_msec();
        long long int wake = LLONG_MAX;
        size_t n_running = 0;
        size_t n_starting = 0;

        if (run->stop && run->stop()) {
            error = xstrdup("interrupted");
            goto out;
        }
        if (run->stop) {
            wake = now + STOP_POLL_MS;
        }

        for (size_t i = 0; i < next; i++) {
            n_running += order[i]->pid != 0;
            n_starting += client_is_starting(order[i], now);
        }
        while (next < n_order
               && (!order[next]->paced || n_starting < MAX_STARTING)) {
            struct client *c = order[next++];

            error = start_client(run, c);
            if (error) {
                goto out;
            }
            n_running++;
            n_starting += c->paced;
        }
        if (!n_running && next >= n_order) {
            break;
        }

        /* A client waiting for its turn goes when a starting one ends or
         * stops counting as starting. */
        if (next < n_order) {
            for (size_t i = 0; i < next; i++) {
                if (client_is_starting(order[i], now)) {
                    wake = MIN(wake, order[i]->start + STARTING_MS);
                }
            }
        }
        wait_clients(run, wake, pfds);
    }

out:
    if (error) {
        for (size_t i = 0; i < run->n_clients; i++) {
            if (run->clients[i].pid) {
                kill_client(&run->clients[i]);
            }
        }
    }
    free(order);
    free(pfds);
    return error;
}

/* The last line client 'c' of 'run' printed, without the "udhcpc: " it
 * may begin with, for messages (malloc'd). */
static char *
client_last_words(const struct client_run *run, const struct client *c)
{
    char *tail = file_format_tail(c->log_path, 1);
    char *start = tail + strspn(tail, " ");
    size_t len = strlen(run->kind->program);
    char *words;

    start[strcspn(start, "\n")] = '\0';
    if (!strncmp(start, run->kind->program, len)
        && !strncmp(start + len, ": ", 2)) {
        start += len + 2;
    }
    words = xstrdup(start);
    free(tail);
    return words;
}

/* Records the outcome of client 'c' in 'leases'. */
static void
record_outcome(const struct client_run *run, const struct client *c,
               struct lease_table *leases)
{
    struct lease *lease = lease_table_put(leases, c->iface);
    const char *program = run->kind->program;
    char *text = NULL;
    int err;

    lease->elapsed_ms = c->end - c->start;
    err = file_read_string(c->record_path, &text);
    if (!err) {
        char *error = dhcp_client_parse_lease(text, lease);

        if (error) {
            lease->error = xasprintf("%s recorded an unusable lease in %s: "
                                     "%s", program, c->record_path, error);
            free(error);
        } else {
            lease->obtained = true;
        }
    } else if (err != ENOENT) {
        lease->error = xasprintf("cannot read %s: %s", c->record_path,
                                 ovs_strerror(err));
    } else {
        char *words = client_last_words(run, c);

        if (c->timed_out) {
            lease->error = xasprintf("no lease within %.1f s (%s said: %s)",
                                     run->timeout_ms / 1000.0, program,
                                     words);
        } else {
            char *how = process_status_msg(c->status);

            lease->error = xasprintf("no lease: %s gave up after %.1f s, "
                                     "%s (it said: %s)", program,
                                     lease->elapsed_ms / 1000.0, how, words);
            free(how);
        }
        free(words);
    }
    free(text);
}

/* True if 'node' has an IPv4 default route of its own. */
static bool
has_ipv4_default_route(const struct scenario_node *node)
{
    for (size_t i = 0; i < node->n_routes; i++) {
        const struct scenario_addr *dst = &node->routes[i].dst;

        if (dst->family == AF_INET && !dst->plen) {
            return true;
        }
    }
    return false;
}

/* Applies the leases of the clients 'first' to 'first + n - 1', all in
 * one node, in one batch. */
static char *
apply_node_leases(const struct client *first, size_t n,
                  const struct lease_table *leases)
{
    const struct scenario_node *node = first->iface->node;
    struct simap ifindexes = SIMAP_INITIALIZER(&ifindexes);
    struct ds errors = DS_EMPTY_INITIALIZER;
    bool default_route = has_ipv4_default_route(node);
    struct rtnl_sock *sock = NULL;
    struct rtnl_batch *batch;
    char *error = NULL;
    int netns_fd = -1;
    int err;

    err = netns_open(first->netns, &netns_fd);
    if (!err) {
        err = rtnl_sock_open(netns_fd, &sock);
    }
    if (!err) {
        err = rtnl_link_list(sock, &ifindexes);
    }
    if (err) {
        error = xasprintf("node %s: cannot apply DHCP leases: %s",
                          node->name, ovs_strerror(err));
        goto out;
    }

    batch = rtnl_batch_create();
    rtnl_batch_set_context(batch, "node %s", node->name);
    for (size_t i = 0; i < n; i++) {
        const struct scenario_iface *iface = first[i].iface;
        const struct lease *lease = lease_table_find(leases, iface);
        int ifindex = simap_get(&ifindexes, iface->name);

        if (!lease || !lease->obtained) {
            continue;
        } else if (!ifindex) {
            ds_put_format(&errors, "node %s: no interface %s to apply its "
                          "DHCP lease to\n", node->name, iface->name);
            continue;
        }
        /* Running the clients again may get the same lease again. */
        rtnl_addr_add(batch, ifindex, &lease->addr, lease->plen);
        rtnl_batch_describe(batch, "add DHCP address "IP_FMT"/%u to %s",
                            IP_ARGS(in6_addr_get_mapped_ipv4(&lease->addr)),
                            lease->plen, iface->name);
        rtnl_batch_allow_error(batch, EEXIST);
        if (!default_route && ipv6_addr_is_set(&lease->router)) {
            struct rtnl_route route = {
                .dst = in6_addr_mapped_ipv4(0),
                .plen = 0,
                .gw = lease->router,
                .oif = ifindex,
            };

            rtnl_route_add(batch, &route);
            rtnl_batch_describe(batch, "add default route via DHCP router "
                                IP_FMT" dev %s",
                                IP_ARGS(in6_addr_get_mapped_ipv4(
                                            &lease->router)),
                                iface->name);
            rtnl_batch_allow_error(batch, EEXIST);
            default_route = true;
        }
    }
    if (rtnl_batch_count(batch)) {
        error_list_add(&errors, rtnl_sock_run(sock, batch));
    }
    rtnl_batch_destroy(batch);
    error = error_list_finish(&errors);

out:
    rtnl_sock_close(sock);
    if (netns_fd >= 0) {
        close(netns_fd);
    }
    simap_destroy(&ifindexes);
    ds_destroy(&errors);
    return error;
}

static char *
apply_leases(const struct client_run *run, const struct lease_table *leases)
{
    struct ds errors = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < run->n_clients; ) {
        const struct scenario_node *node = run->clients[i].iface->node;
        size_t n = 1;

        while (i + n < run->n_clients
               && run->clients[i + n].iface->node == node) {
            n++;
        }
        error_list_add(&errors,
                       apply_node_leases(&run->clients[i], n, leases));
        i += n;
    }
    return error_list_finish(&errors);
}

char *
dhcp_clients_run(const struct scenario *s, const struct plan *plan,
                 const char *dir, int timeout_ms, bool (*stop)(void),
                 struct lease_table *leases)
{
    struct client_run run;
    char *error = NULL;

    client_run_init(&run, s, plan, dir, timeout_ms);
    run.stop = stop;
    if (!run.n_clients) {
        goto out;
    }
    error = prepare(&run);
    if (!error) {
        error = run_clients(&run);
    }
    if (error) {
        goto out;
    }
    for (size_t i = 0; i < run.n_clients; i++) {
        record_outcome(&run, &run.clients[i], leases);
    }
    error = apply_leases(&run, leases);

out:
    client_run_destroy(&run);
    return error;
}

/* ---- Leases that should have been obtained. ---- */

/* Details for at most this many clients without a lease; the others are
 * only named. */
#define MAX_DETAILED 10

bool
dhcp_client_expects_lease(const struct scenario *s,
                          const struct scenario_iface *iface)
{
    if (!iface->dhcp || !iface->segment || !iface->segment->dhcp) {
        return false;
    }
    for (size_t i = 0; i < s->n_checks; i++) {
        const struct scenario_check *check = &s->checks[i];

        if (check->kind == SCENARIO_CHECK_DHCP && !check->expect_ok
            && check->dhcp.iface == iface) {
            return false;
        }
    }
    return true;
}

/* What the dnsmasq serving 'iface''s segment logged about 'iface''s MAC,
 * for a message (malloc'd).  'logs' caches each server's log by node
 * name (an shash of shashes, see dhcp_server_client_log()). */
static char *
server_view(const struct plan *plan, struct dhcp_servers *servers,
            const struct scenario_iface *iface, struct shash *logs)
{
    const struct scenario_node *node = iface->segment->dhcp->iface->node;
    const struct dhcp_server_client_log *log;
    struct shash *clients = shash_find_data(logs, node->name);
    struct eth_addr mac = plan_iface_mac(plan, iface);
    char *key;

    if (!clients) {
        clients = xmalloc(sizeof *clients);
        shash_init(clients);
        for (size_t i = 0; i < servers->n; i++) {
            if (servers->servers[i].node == node) {
                dhcp_server_client_log(&servers->servers[i], clients);
            }
        }
        shash_add(logs, node->name, clients);
    }
    key = xasprintf(ETH_ADDR_FMT, ETH_ADDR_ARGS(mac));
    log = shash_find_data(clients, key);
    free(key);
    if (!log) {
        return xasprintf("dnsmasq in %s logged nothing about its MAC "
                         ETH_ADDR_FMT, node->name, ETH_ADDR_ARGS(mac));
    }
    return xasprintf("dnsmasq in %s logged %"PRIuSIZE" DHCP message%s "
                     "about its MAC, the last: %s", node->name,
                     log->n_messages, log->n_messages == 1 ? "" : "s",
                     log->last);
}

char *
dhcp_clients_check_leases(const struct scenario *s, const struct plan *plan,
                          const char *dir, const struct lease_table *leases)
{
    struct ds missing = DS_EMPTY_INITIALIZER;
    struct ds names = DS_EMPTY_INITIALIZER;
    struct shash logs = SHASH_INITIALIZER(&logs);
    struct dhcp_servers *servers = NULL;
    struct shash_node *node;
    size_t n_expected = 0;
    size_t n_missing = 0;
    char *message = NULL;

    for (size_t i = 0; i < s->n_nodes; i++) {
        for (size_t j = 0; j < s->nodes[i].n_ifaces; j++) {
            const struct scenario_iface *iface = &s->nodes[i].ifaces[j];
            const struct lease *lease;

            if (!dhcp_client_expects_lease(s, iface)) {
                continue;
            }
            n_expected++;
            lease = lease_table_find(leases, iface);
            if (lease && lease->obtained) {
                continue;
            }
            if (++n_missing <= MAX_DETAILED) {
                char *view;

                if (!servers) {
                    servers = dhcp_servers_find(s, plan, dir);
                }
                view = server_view(plan, servers, iface, &logs);
                ds_put_format(&missing, "  %s.%s: %s;\n      %s\n",
                              iface->node->name, iface->name,
                              (!lease ? "its DHCP client did not run"
                               : lease->error ? lease->error : "no lease"),
                              view);
                free(view);
            } else {
                ds_put_format(&names, "%s%s.%s", names.length ? ", " : "",
                              iface->node->name, iface->name);
            }
        }
    }

    if (n_missing) {
        struct ds msg = DS_EMPTY_INITIALIZER;

        ds_put_format(&msg, "%"PRIuSIZE" of %"PRIuSIZE" DHCP clients that "
                      "should get a lease got none:\n",
                      n_missing, n_expected);
        ds_put_cstr(&msg, ds_cstr(&missing));
        if (names.length) {
            ds_put_format(&msg, "  and %"PRIuSIZE" more: %s\n",
                          n_missing - MAX_DETAILED, ds_cstr(&names));
        }
        ds_put_cstr(&msg, "(a dhcp check with \"expect: fail\" marks an "
                    "interface that is not to get a lease)");
        message = ds_steal_cstr(&msg);
    }

    SHASH_FOR_EACH (node, &logs) {
        dhcp_server_client_logs_destroy(node->data);
        free(node->data);
    }
    shash_destroy(&logs);
    dhcp_servers_destroy(servers);
    ds_destroy(&missing);
    ds_destroy(&names);
    return message;
}
