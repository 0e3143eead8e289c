/*
 * System test of ovs/ (root): a private Open vSwitch in a directory of its
 * own, lab bridges and ports on veths, removal, stop.
 *
 * Every outcome is checked from outside the code under test: ovs-vsctl
 * against the private database (a separate process), ovsdb-tool show-log
 * for the transactions, pgrep, ip and the file system.
 *
 * Names include the test's pid so that two runs can share a machine.
 * Whatever happens, a hook at exit (and on fatal signals) kills the
 * instance's daemons, deletes the veths and tap devices and removes the
 * directory.
 */
#include <config.h>

#include <CUnit/Basic.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fatal-signal.h"
#include "openvswitch/dynamic-string.h"
#include "private-ovs.h"
#include "sset.h"
#include "switchdb.h"
#include "tests/cunit-util.h"
#include "util.h"

#define N_CHUNK_PORTS 450

static char *parent;            /* /run/ovs-lab-test-PID */
static char *dir;               /* PARENT/ovs: the private instance. */
static char *lab;               /* Main lab. */
static char *bridge;            /* Its bridge. */
static char *foreign_bridge;    /* Created with ovs-vsctl, no lab id. */
static char *host[3];           /* Host ends of veths, the lab's ports. */
static struct sset links = SSET_INITIALIZER(&links); /* To delete at exit. */

static struct private_ovs *po;
static struct switchdb *db;

/* Helpers. */

/* Runs shell command 'format' and returns its standard output without
 * trailing white space (the caller frees it); stores its exit status in
 * '*status' (-1 if killed). */
static char * OVS_PRINTF_FORMAT(2, 3)
run(int *status, const char *format, ...)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    va_list args;
    char *cmd;
    FILE *f;
    int c, st;

    va_start(args, format);
    cmd = xvasprintf(format, args);
    va_end(args);

    f = popen(cmd, "r");
    if (!f) {
        ovs_fatal(errno, "popen %s", cmd);
    }
    while ((c = getc(f)) != EOF) {
        ds_put_char(&out, c);
    }
    st = pclose(f);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    while (out.length && strchr(" \t\n", out.string[out.length - 1])) {
        out.length--;
    }
    free(cmd);
    return ds_steal_cstr(&out);
}

/* Runs "ovs-vsctl ARGS" against the private database; returns its output
 * (stdout and stderr) with surrounding double quotes removed. */
static char * OVS_PRINTF_FORMAT(2, 3)
vsctl(int *status, const char *format, ...)
{
    va_list args;
    char *cmd_args, *out;
    size_t len;

    va_start(args, format);
    cmd_args = xvasprintf(format, args);
    va_end(args);
    out = run(status, "ovs-vsctl --timeout=20 --db=unix:%s/db.sock %s 2>&1",
              dir, cmd_args);
    free(cmd_args);

    len = strlen(out);
    if (len >= 2 && out[0] == '"' && out[len - 1] == '"') {
        memmove(out, out + 1, len - 2);
        out[len - 2] = '\0';
    }
    return out;
}

/* Asserts that "ovs-vsctl ARGS" succeeds and prints 'expected'. */
#define CHECK_VSCTL(EXPECTED, ...)                                      \
    do {                                                                \
        int status_;                                                    \
        char *out_ = vsctl(&status_, __VA_ARGS__);                      \
        if (status_ || strcmp(out_, EXPECTED)) {                        \
            printf("\novs-vsctl: exit %d, got \"%s\", expected \"%s\"\n", \
                   status_, out_, EXPECTED);                            \
        }                                                               \
        CU_ASSERT(status_ == 0 && !strcmp(out_, EXPECTED));             \
        free(out_);                                                     \
    } while (0)

/* Asserts that 'error' is NULL, printing it if not, and frees it. */
#define CHECK_OK(ERROR)                                                 \
    do {                                                                \
        char *error_ = (ERROR);                                         \
        if (error_) {                                                   \
            printf("\nunexpected error: %s\n", error_);                 \
        }                                                               \
        CU_ASSERT_PTR_NULL(error_);                                     \
        free(error_);                                                   \
    } while (0)

static bool
contains(const char *s, const char *needle)
{
    bool found = s && strstr(s, needle);
    if (!found) {
        printf("\n\"%s\" not found in: %s\n", needle, s ? s : "(null)");
    }
    return found;
}

/* The pid in the instance's pidfile for 'program', or 0. */
static long int
daemon_pid(const char *program)
{
    char *file = xasprintf("%s/%s.pid", dir, program);
    long int pid = 0;
    FILE *f = fopen(file, "r");

    if (f) {
        if (fscanf(f, "%ld", &pid) != 1) {
            pid = 0;
        }
        fclose(f);
    }
    free(file);
    return pid;
}

/* Whether a live (not zombie) process has 'dir' in its command line, as
 * pgrep sees it; prints them if that is not 'expected'.  The bracket keeps
 * pgrep's own shell from matching. */
static bool
daemons_running(bool expected)
{
    int status;
    char *out = run(&status, "pgrep -af -- '[%c]%s'", dir[0], dir + 1);

    if ((status == 0) != expected) {
        printf("\nexpected %s, pgrep says: %s\n",
               expected ? "daemons" : "no daemon", out);
    }
    free(out);
    return status == 0;
}

static bool
file_exists(const char *format, ...)
{
    struct stat st;
    va_list args;
    char *name;
    bool exists;

    va_start(args, format);
    name = xvasprintf(format, args);
    va_end(args);
    exists = !stat(name, &st);
    free(name);
    return exists;
}

static bool
link_exists(const char *name)
{
    int status;
    free(run(&status, "ip link show dev %s 2>/dev/null", name));
    return status == 0;
}

/* Creates veth pair 'name'/'peer' and remembers both for cleanup. */
static void
add_veth(const char *name, const char *peer)
{
    int status;

    sset_add(&links, name);
    sset_add(&links, peer);
    free(run(&status, "ip link add %s type veth peer name %s", name, peer));
    CU_ASSERT_FATAL(status == 0);
}

/* Number of rows of 'table' whose external_ids say they are 'lab_'s. */
static int
count_lab_rows(const char *table, const char *lab_)
{
    int status, n = 0;
    char *out = vsctl(&status, "--bare --columns=_uuid find %s "
                      "external_ids:ovs-lab.lab=%s", table, lab_);
    CU_ASSERT(status == 0);
    for (char *p = out; (p = strstr(p, "-")) != NULL; p++) {
        n++;                    /* Each uuid has 4 dashes. */
    }
    free(out);
    return n / 4;
}

/* Whether a transaction with comment "ovs-lab: COMMENT" is in the
 * database log. */
static bool
logged(const char *comment)
{
    int status;
    char *out = run(&status, "ovsdb-tool show-log %s/conf.db", dir);
    char *needle = xasprintf("ovs-lab: %s", comment);
    bool found = contains(out, needle);

    free(needle);
    free(out);
    return found;
}

/* Cleanup that works whatever state a failed test left: no poll loop (this
 * runs as a fatal-signal hook), only our own processes (their pid files are
 * in our directory and their command lines name it). */
static void
cleanup_hook(void *aux OVS_UNUSED)
{
    static const char *const programs[] = { "ovs-vswitchd", "ovsdb-server" };
    const char *name;
    int status;

    for (size_t i = 0; i < ARRAY_SIZE(programs); i++) {
        long int pid = daemon_pid(programs[i]);
        char *cmdline = pid ? run(&status, "tr '\\0' ' ' < /proc/%ld/cmdline"
                                  " 2>/dev/null", pid) : NULL;

        if (cmdline && strstr(cmdline, dir)) {
            kill(pid, SIGTERM);
            for (int j = 0; j < 30 && !kill(pid, 0); j++) {
                usleep(100000);
            }
            kill(pid, SIGKILL);
        }
        free(cmdline);
    }
    SSET_FOR_EACH (name, &links) {
        free(run(&status, "ip link del %s 2>/dev/null", name));
    }
    free(run(&status, "rm -rf %s", parent));
}

/* Tests. */

static void
test_open_bad_remote(void)
{
    struct switchdb *bad;
    char *error = switchdb_open("unix:/nonexistent/ovs-lab/db.sock", 5000,
                                &bad);

    CU_ASSERT_PTR_NULL(bad);
    CU_ASSERT(contains(error, "unix:/nonexistent/ovs-lab/db.sock"));
    CU_ASSERT(contains(error, "No such file or directory"));
    free(error);
}

static void
test_acquire(void)
{
    struct private_ovs *po2;
    long int server, vswitchd;
    char *expected, *environ_;
    int status;

    CU_ASSERT(!private_ovs_is_running(dir));
    CHECK_OK(private_ovs_acquire(dir, 0, true, NULL, &po, NULL));
    CU_ASSERT_PTR_NOT_NULL_FATAL(po);

    expected = xasprintf("unix:%s/db.sock", dir);
    CU_ASSERT_STRING_EQUAL(private_ovs_remote(po), expected);
    free(expected);
    CU_ASSERT(private_ovs_is_running(dir));

    /* Both daemons run, from this directory, with the OVS directories
     * pointing into it. */
    server = daemon_pid("ovsdb-server");
    vswitchd = daemon_pid("ovs-vswitchd");
    CU_ASSERT(server > 0 && vswitchd > 0);
    CU_ASSERT(daemons_running(true));
    environ_ = run(&status, "tr '\\0' '\\n' < /proc/%ld/environ", vswitchd);
    expected = xasprintf("OVS_RUNDIR=%s\n", dir);
    CU_ASSERT(contains(environ_, expected));
    free(expected);
    free(environ_);

    /* The root row exists and ovs-vswitchd has caught up with it. */
    int status2;
    char *next = vsctl(&status, "get Open_vSwitch . next_cfg");
    char *cur = vsctl(&status2, "get Open_vSwitch . cur_cfg");
    CU_ASSERT(status == 0 && status2 == 0);
    CU_ASSERT(atoi(next) >= 1 && !strcmp(next, cur));
    free(next);
    free(cur);

    /* Acquiring again reuses the running instance. */
    CHECK_OK(private_ovs_acquire(dir, 0, true, NULL, &po2, NULL));
    CU_ASSERT_PTR_NOT_NULL(po2);
    CU_ASSERT_EQUAL(daemon_pid("ovsdb-server"), server);
    CU_ASSERT_EQUAL(daemon_pid("ovs-vswitchd"), vswitchd);
    private_ovs_release(po2);

    CHECK_OK(switchdb_open(private_ovs_remote(po), 20000, &db));
    CU_ASSERT_PTR_NOT_NULL(db);
}

/* The main lab: three veth ports on one bridge. */
static void
build_lab(struct switchdb_lab *l)
{
    static const int trunks[] = { 10, 20 };
    struct switchdb_port *p;

    switchdb_lab_init(l, lab);
    switchdb_lab_add_bridge(l, bridge, "netdev", "sw1");
    p = switchdb_lab_add_port(l, bridge, host[0], NULL, "n0", "eth0");
    p->tag = 10;
    p = switchdb_lab_add_port(l, bridge, host[1], NULL, "n1", "eth0");
    p->tag = 20;
    p = switchdb_lab_add_port(l, bridge, host[2], NULL, "r", "eth1");
    switchdb_port_set_trunks(p, trunks, ARRAY_SIZE(trunks));
}

static void
test_apply_veths(void)
{
    struct switchdb_lab l, listed;
    int status;

    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    for (int i = 0; i < 3; i++) {
        char *peer = xasprintf("tn%ldp%d", (long int) getpid(), i);
        add_veth(host[i], peer);
        free(peer);
    }

    build_lab(&l);
    CHECK_OK(switchdb_apply(db, &l));
    switchdb_lab_destroy(&l);

    /* What ovs-vsctl sees. */
    CHECK_VSCTL("netdev", "get bridge %s datapath_type", bridge);
    CHECK_VSCTL(lab, "get bridge %s external_ids:ovs-lab.lab", bridge);
    CHECK_VSCTL("sw1", "get bridge %s external_ids:ovs-lab.switch", bridge);
    CHECK_VSCTL("10", "get port %s tag", host[0]);
    CHECK_VSCTL("[]", "get port %s trunks", host[0]);
    CHECK_VSCTL("20", "get port %s tag", host[1]);
    CHECK_VSCTL("[]", "get port %s tag", host[2]);
    CHECK_VSCTL("[10, 20]", "get port %s trunks", host[2]);
    CHECK_VSCTL(bridge, "port-to-br %s", host[2]);
    CHECK_VSCTL("", "get interface %s type", host[0]);
    for (int i = 0; i < 3; i++) {
        const char *iface = i == 2 ? "eth1" : "eth0";
        char node[8];

        snprintf(node, sizeof node, i == 2 ? "r" : "n%d", i);
        CHECK_VSCTL(lab, "get port %s external_ids:ovs-lab.lab", host[i]);
        CHECK_VSCTL(node, "get port %s external_ids:ovs-lab.node", host[i]);
        CHECK_VSCTL(iface, "get port %s external_ids:ovs-lab.interface",
                    host[i]);
        CHECK_VSCTL(lab, "get interface %s external_ids:ovs-lab.lab",
                    host[i]);
        CHECK_VSCTL(node, "get interface %s external_ids:ovs-lab.node",
                    host[i]);

        char *ofport = vsctl(&status, "get interface %s ofport", host[i]);
        CU_ASSERT(status == 0 && atoi(ofport) > 0);
        free(ofport);
    }
    /* Three ports plus the bridge's own, as "ovs-vsctl find" shows. */
    CU_ASSERT_EQUAL(count_lab_rows("port", lab), 4);
    CU_ASSERT_EQUAL(count_lab_rows("interface", lab), 4);
    CU_ASSERT_EQUAL(count_lab_rows("bridge", lab), 1);

    /* ovs-vswitchd runs in this directory and created the bridge. */
    CU_ASSERT(file_exists("%s/%s.mgmt", dir, bridge));
    CU_ASSERT(link_exists(bridge));

    /* switchdb_list() agrees. */
    switchdb_lab_init(&listed, lab);
    switchdb_list(db, lab, &listed);
    CU_ASSERT_EQUAL_FATAL(listed.n_bridges, 1);
    CU_ASSERT_EQUAL_FATAL(listed.n_ports, 3);
    CU_ASSERT_STRING_EQUAL(listed.bridges[0]->switch_name, "sw1");
    for (size_t i = 0; i < 3; i++) {
        CU_ASSERT_STRING_EQUAL(listed.ports[i]->name, host[i]);
        CU_ASSERT(listed.ports[i]->ofport > 0);
        CU_ASSERT_PTR_NULL(listed.ports[i]->error);
    }
    CU_ASSERT_EQUAL(listed.ports[0]->tag, 10);
    CU_ASSERT_EQUAL(listed.ports[2]->tag, SWITCHDB_NO_TAG);
    CU_ASSERT_EQUAL_FATAL(listed.ports[2]->n_trunks, 2);
    CU_ASSERT_EQUAL(listed.ports[2]->trunks[1], 20);
    switchdb_lab_destroy(&listed);
}

static void
test_apply_missing_device(void)
{
    struct switchdb_lab l;
    char *missing, *out, *error, *expected;
    char *ofports[3];
    int status;

    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    for (int i = 0; i < 3; i++) {
        ofports[i] = vsctl(&status, "get interface %s ofport", host[i]);
    }

    /* Applying the lab again with one more port, whose device does not
     * exist: the existing ports are kept, the new one is reported. */
    missing = xasprintf("tx%ld", (long int) getpid());
    build_lab(&l);
    switchdb_lab_add_port(&l, bridge, missing, NULL, "ns2", "eth0");
    error = switchdb_apply(db, &l);
    switchdb_lab_destroy(&l);

    expected = xasprintf("port %s (%s ns2.eth0): could not open network "
                         "device %s (No such device)", missing, lab, missing);
    CU_ASSERT(contains(error, expected));
    CU_ASSERT(contains(error, "1 of the 4 ports"));
    for (int i = 0; i < 3; i++) {
        CU_ASSERT(error && !strstr(error, host[i]));
    }
    free(expected);
    free(error);

    CHECK_VSCTL("-1", "get interface %s ofport", missing);
    out = vsctl(&status, "get interface %s error", missing);
    CU_ASSERT(contains(out, "No such device"));
    free(out);
    for (int i = 0; i < 3; i++) {
        CHECK_VSCTL(ofports[i], "get interface %s ofport", host[i]);
        free(ofports[i]);
    }
    free(missing);
}

static void
test_apply_conflict(void)
{
    char *other = xasprintf("%so", lab);
    char *foreign_port = xasprintf("%sp", foreign_bridge);
    struct switchdb_lab l;
    char *uuid, *error;
    int status;

    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    sset_add(&links, foreign_bridge);
    sset_add(&links, foreign_port);
    free(vsctl(&status, "add-br %s -- set bridge %s datapath_type=netdev "
               "-- add-port %s %s -- set interface %s type=internal",
               foreign_bridge, foreign_bridge, foreign_bridge, foreign_port,
               foreign_port));
    CU_ASSERT_FATAL(status == 0);
    uuid = vsctl(&status, "get port %s _uuid", foreign_port);

    /* Another lab may take neither a bridge of no lab nor one of a lab. */
    switchdb_lab_init(&l, other);
    switchdb_lab_add_bridge(&l, foreign_bridge, "netdev", NULL);
    switchdb_lab_add_bridge(&l, bridge, "netdev", NULL);
    error = switchdb_apply(db, &l);
    switchdb_lab_destroy(&l);

    char *e1 = xasprintf("bridge %s already exists and it was not created "
                         "by ovs-lab", foreign_bridge);
    char *e2 = xasprintf("bridge %s already exists and it belongs to lab %s",
                         bridge, lab);
    CU_ASSERT(contains(error, e1));
    CU_ASSERT(contains(error, e2));
    free(e1);
    free(e2);
    free(error);

    /* Nothing changed. */
    CU_ASSERT_EQUAL(count_lab_rows("bridge", other), 0);
    CU_ASSERT_EQUAL(count_lab_rows("port", other), 0);
    CHECK_VSCTL("{}", "get bridge %s external_ids", foreign_bridge);
    CHECK_VSCTL(lab, "get bridge %s external_ids:ovs-lab.lab", bridge);
    CHECK_VSCTL(uuid, "get port %s _uuid", foreign_port);

    free(uuid);
    free(other);
    free(foreign_port);
}

static void
test_list_labs(void)
{
    struct sset labs = SSET_INITIALIZER(&labs);

    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CHECK_OK(switchdb_list_labs(db, &labs));
    CU_ASSERT(sset_contains(&labs, lab));
    CU_ASSERT_EQUAL(sset_count(&labs), 1);
    sset_destroy(&labs);
}

/* What "ovs-lab down" uses: a connection that replicates only one lab's
 * rows. */
static void
test_lab_connection(void)
{
    char *other = xasprintf("%so", lab);
    struct sset labs = SSET_INITIALIZER(&labs);
    struct switchdb *ldb = NULL, *odb = NULL;
    struct switchdb_lab full, listed;

    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CHECK_OK(switchdb_open_lab(private_ovs_remote(po), 20000, lab, &ldb));
    CU_ASSERT_PTR_NOT_NULL_FATAL(ldb);

    /* It lists the lab as a full connection does. */
    switchdb_lab_init(&full, lab);
    switchdb_list(db, lab, &full);
    switchdb_lab_init(&listed, lab);
    switchdb_list(ldb, lab, &listed);
    CU_ASSERT(full.n_ports >= 3);
    CU_ASSERT_EQUAL_FATAL(listed.n_bridges, full.n_bridges);
    CU_ASSERT_EQUAL_FATAL(listed.n_ports, full.n_ports);
    CU_ASSERT_STRING_EQUAL(listed.bridges[0]->name, bridge);
    for (size_t i = 0; i < full.n_ports; i++) {
        CU_ASSERT_STRING_EQUAL(listed.ports[i]->name, full.ports[i]->name);
        CU_ASSERT_STRING_EQUAL(listed.ports[i]->bridge, bridge);
        CU_ASSERT_EQUAL(listed.ports[i]->ofport, full.ports[i]->ofport);
        CU_ASSERT_EQUAL(listed.ports[i]->tag, full.ports[i]->tag);
    }
    switchdb_lab_destroy(&listed);
    switchdb_lab_destroy(&full);

    /* One for another lab has none of this lab's rows... */
    CHECK_OK(switchdb_open_lab(private_ovs_remote(po), 20000, other, &odb));
    CU_ASSERT_PTR_NOT_NULL_FATAL(odb);
    switchdb_lab_init(&listed, lab);
    switchdb_list(odb, lab, &listed);
    CU_ASSERT_EQUAL(listed.n_bridges, 0);
    CU_ASSERT_EQUAL(listed.n_ports, 0);
    switchdb_lab_destroy(&listed);

    /* ...but finds every lab when asked, and then has all rows. */
    CHECK_OK(switchdb_list_labs(odb, &labs));
    CU_ASSERT(sset_contains(&labs, lab));
    CU_ASSERT_EQUAL(sset_count(&labs), 1);
    switchdb_lab_init(&listed, lab);
    switchdb_list(odb, lab, &listed);
    CU_ASSERT_EQUAL(listed.n_bridges, 1);
    switchdb_lab_destroy(&listed);

    sset_destroy(&labs);
    switchdb_close(odb);
    switchdb_close(ldb);
    free(other);
}

static void
test_remove(void)
{
    char *foreign_port = xasprintf("%sp", foreign_bridge);
    char *intruder = xasprintf("ti%ld", (long int) getpid());
    char *foreign_uuid, *error, *expected;
    struct switchdb *ldb = NULL;
    int status;

    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    foreign_uuid = vsctl(&status, "get port %s _uuid", foreign_port);

    /* As "down" does it: over a connection that has only the lab's rows
     * (it asks for the others when it needs them, as here). */
    CHECK_OK(switchdb_open_lab(private_ovs_remote(po), 20000, lab, &ldb));
    CU_ASSERT_PTR_NOT_NULL_FATAL(ldb);

    /* A port of no lab on the lab's bridge keeps the bridge. */
    sset_add(&links, intruder);
    free(vsctl(&status, "add-port %s %s -- set interface %s type=internal",
               bridge, intruder, intruder));
    CU_ASSERT_FATAL(status == 0);
    error = switchdb_remove(ldb, lab, true);
    expected = xasprintf("bridge %s has ports that are not lab %s's: %s",
                         bridge, lab, intruder);
    CU_ASSERT(contains(error, expected));
    free(expected);
    free(error);
    CU_ASSERT_EQUAL(count_lab_rows("port", lab), 0);
    CU_ASSERT_EQUAL(count_lab_rows("interface", lab), 0);
    CU_ASSERT_EQUAL(count_lab_rows("bridge", lab), 1);
    CHECK_VSCTL(intruder, "list-ports %s", bridge);

    /* Without it, the bridge goes, without waiting for ovs-vswitchd. */
    free(vsctl(&status, "del-port %s %s", bridge, intruder));
    CU_ASSERT(status == 0);
    CHECK_OK(switchdb_remove(ldb, lab, false));
    switchdb_close(ldb);
    CU_ASSERT_EQUAL(count_lab_rows("bridge", lab), 0);
    CU_ASSERT_EQUAL(count_lab_rows("port", lab), 0);
    CU_ASSERT_EQUAL(count_lab_rows("interface", lab), 0);
    CHECK_VSCTL("", "find bridge name=%s", bridge);

    /* The rows of no lab are untouched, the veths too (they are not
     * ovs/'s to delete). */
    CHECK_VSCTL(foreign_uuid, "get port %s _uuid", foreign_port);
    CHECK_VSCTL(foreign_port, "list-ports %s", foreign_bridge);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT(link_exists(host[i]));
    }

    /* Removing again finds nothing and succeeds; waiting for ovs-vswitchd
     * then also means the bridge's device is gone. */
    CHECK_OK(switchdb_remove(db, lab, true));
    CU_ASSERT(!link_exists(bridge));

    free(foreign_uuid);
    free(foreign_port);
    free(intruder);
}

/* Creates or deletes the veths of the chunk test in one "ip -batch". */
static void
chunk_veths(bool add)
{
    long int pid = getpid();
    struct ds cmds = DS_EMPTY_INITIALIZER;
    char *file = xasprintf("%s/veths", parent);
    int status;
    FILE *f;

    for (int i = 0; i < N_CHUNK_PORTS; i++) {
        char *name = xasprintf("tc%ld-%d", pid, i);
        char *peer = xasprintf("td%ld-%d", pid, i);

        if (add) {
            sset_add(&links, name);
            sset_add(&links, peer);
            ds_put_format(&cmds, "link add %s type veth peer name %s\n",
                          name, peer);
        } else {
            ds_put_format(&cmds, "link del %s\n", name);
        }
        free(name);
        free(peer);
    }
    f = fopen(file, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(ds_cstr(&cmds), f);
    fclose(f);
    free(run(&status, "ip -batch %s", file));
    CU_ASSERT(status == 0);
    unlink(file);
    free(file);
    ds_destroy(&cmds);
}

static void
test_chunks(void)
{
    long int pid = getpid();
    char *clab = xasprintf("%sc", lab);
    char *cbridge = xasprintf("tc%ld", pid);
    char *comment, *out;
    struct switchdb_lab l;
    int status, n;

    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    sset_add(&links, cbridge);
    chunk_veths(true);

    switchdb_lab_init(&l, clab);
    switchdb_lab_add_bridge(&l, cbridge, "netdev", "big");
    for (int i = 0; i < N_CHUNK_PORTS; i++) {
        char *name = xasprintf("tc%ld-%d", pid, i);
        char *node = xasprintf("n%d", i);
        struct switchdb_port *p = switchdb_lab_add_port(&l, cbridge, name,
                                                        NULL, node, "eth0");
        p->tag = 1 + i % 3;
        free(name);
        free(node);
    }
    switchdb_set_chunk_size(db, 200);
    CHECK_OK(switchdb_apply(db, &l));
    switchdb_lab_destroy(&l);

    /* All there, every interface with an OpenFlow port. */
    CU_ASSERT_EQUAL(count_lab_rows("port", clab), N_CHUNK_PORTS + 1);
    out = vsctl(&status, "--bare --columns=ofport find interface "
                "external_ids:ovs-lab.lab=%s", clab);
    n = 0;
    for (char *save = NULL, *tok = strtok_r(out, " \n", &save); tok;
         tok = strtok_r(NULL, " \n", &save)) {
        CU_ASSERT(atoi(tok) > 0);
        n++;
    }
    CU_ASSERT_EQUAL(n, N_CHUNK_PORTS + 1);
    free(out);
    CHECK_VSCTL("3", "get port tc%ld-449 tag", pid);

    /* In three transactions, as the database log shows. */
    comment = xasprintf("add ports 1-200 of 450 of lab %s", clab);
    CU_ASSERT(logged(comment));
    free(comment);
    comment = xasprintf("add ports 201-400 of 450 of lab %s", clab);
    CU_ASSERT(logged(comment));
    free(comment);
    comment = xasprintf("add ports 401-450 of 450 of lab %s", clab);
    CU_ASSERT(logged(comment));
    free(comment);

    /* Removal too (the bridge's own port counts: 451). */
    CHECK_OK(switchdb_remove(db, clab, true));
    comment = xasprintf("delete ports 401-451 of 451 of lab %s", clab);
    CU_ASSERT(logged(comment));
    free(comment);
    CU_ASSERT_EQUAL(count_lab_rows("port", clab), 0);
    CU_ASSERT_EQUAL(count_lab_rows("interface", clab), 0);
    CU_ASSERT_EQUAL(count_lab_rows("bridge", clab), 0);

    switchdb_set_chunk_size(db, 0);
    chunk_veths(false);
    free(clab);
    free(cbridge);
}

static void
test_stop_if_unused(void)
{
    char *small = xasprintf("%ss", lab);
    struct private_ovs *po2, *po3;
    struct switchdb_lab l;
    bool stopped;

    CU_ASSERT_PTR_NOT_NULL_FATAL(po);

    /* Another user holds it: it keeps running. */
    CHECK_OK(private_ovs_acquire(dir, 0, true, NULL, &po2, NULL));
    CU_ASSERT_PTR_NOT_NULL_FATAL(po2);
    CHECK_OK(private_ovs_release_and_stop_if_unused(po, NULL, true, &stopped));
    po = NULL;
    CU_ASSERT(!stopped);
    CU_ASSERT(daemons_running(true));

    /* A lab is in it: it keeps running. */
    switchdb_lab_init(&l, small);
    switchdb_lab_add_bridge(&l, bridge, "netdev", NULL);
    sset_add(&links, bridge);
    CHECK_OK(switchdb_apply(db, &l));
    switchdb_lab_destroy(&l);
    CHECK_OK(private_ovs_release_and_stop_if_unused(po2, NULL, true,
                                                    &stopped));
    CU_ASSERT(!stopped);
    CU_ASSERT(daemons_running(true));

    /* No user, no lab (the bridge of no lab does not count): stopped. */
    CHECK_OK(switchdb_remove(db, small, true));
    switchdb_close(db);
    db = NULL;
    CHECK_OK(private_ovs_acquire(dir, 0, true, NULL, &po3, NULL));
    CU_ASSERT_PTR_NOT_NULL_FATAL(po3);
    CHECK_OK(private_ovs_release_and_stop_if_unused(po3, NULL, true,
                                                    &stopped));
    CU_ASSERT(stopped);
    CU_ASSERT(!daemons_running(false));
    CU_ASSERT(!file_exists("%s", dir));
    CU_ASSERT(!file_exists("%s/ovs.lock", parent));
    CU_ASSERT(!link_exists(foreign_bridge));
    free(small);
}

/* "ovs-lab ovs start": a kept instance outlives its last user and lab,
 * until the mark goes. */
static void
test_kept(void)
{
    struct private_ovs_status st;
    struct private_ovs *po2;
    bool stopped;

    CHECK_OK(private_ovs_acquire(dir, 0, true, NULL, &po, NULL));
    CU_ASSERT_PTR_NOT_NULL_FATAL(po);
    CHECK_OK(private_ovs_set_kept(po, true));
    private_ovs_get_status(dir, &st);
    CU_ASSERT(st.kept);
    CU_ASSERT(st.server > 0 && st.vswitchd > 0);
    private_ovs_status_destroy(&st);

    /* Last user, no lab, but kept: it keeps running. */
    CHECK_OK(private_ovs_release_and_stop_if_unused(po, NULL, true, &stopped));
    po = NULL;
    CU_ASSERT(!stopped);
    CU_ASSERT(daemons_running(true));
    CU_ASSERT(file_exists("%s/kept", dir));

    /* Whoever comes next finds it and can end the keeping: then it
     * stops like any unused instance, leaving nothing. */
    CHECK_OK(private_ovs_acquire(dir, 0, false, NULL, &po2, NULL));
    CU_ASSERT_PTR_NOT_NULL_FATAL(po2);
    CHECK_OK(private_ovs_set_kept(po2, false));
    private_ovs_get_status(dir, &st);
    CU_ASSERT(!st.kept);
    private_ovs_status_destroy(&st);
    CHECK_OK(private_ovs_release_and_stop_if_unused(po2, NULL, true,
                                                    &stopped));
    CU_ASSERT(stopped);
    CU_ASSERT(!daemons_running(false));
    CU_ASSERT(!private_ovs_is_running(dir));
    CU_ASSERT(!file_exists("%s", dir));
}


/* Puts the lab's bridge, with one access port (VLAN 5) on host[0], into
 * 'db'. */
static void
apply_bridge_with_one_port(struct switchdb *db)
{
    struct switchdb_lab l;
    struct switchdb_port *p;

    switchdb_lab_init(&l, lab);
    switchdb_lab_add_bridge(&l, bridge, "netdev", NULL);
    p = switchdb_lab_add_port(&l, bridge, host[0], NULL, "n0", "eth0");
    p->tag = 5;
    CHECK_OK(switchdb_apply(db, &l));
    switchdb_lab_destroy(&l);
}

static void
test_stop(void)
{
    /* A fresh instance with a lab in it. */
    CHECK_OK(private_ovs_acquire(dir, 0, true, NULL, &po, NULL));
    CU_ASSERT_PTR_NOT_NULL_FATAL(po);
    CHECK_OK(switchdb_open(private_ovs_remote(po), 20000, &db));
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT_EQUAL(count_lab_rows("bridge", lab), 0);
    apply_bridge_with_one_port(db);
    switchdb_close(db);
    db = NULL;
    CU_ASSERT(link_exists(bridge));

    /* Stopped whatever it holds, leaving nothing: no daemon, no file, no
     * tap device (ovs-vswitchd exits with --cleanup). */
    CHECK_OK(private_ovs_stop(dir, 0));
    CU_ASSERT(!daemons_running(false));
    CU_ASSERT(!private_ovs_is_running(dir));
    CU_ASSERT(!file_exists("%s", dir));
    CU_ASSERT(!file_exists("%s/ovs.lock", parent));
    CU_ASSERT(!link_exists(bridge));

    /* Our handle outlived it; releasing it is harmless. */
    private_ovs_release(po);
    po = NULL;

    /* Stopping what does not run succeeds. */
    CHECK_OK(private_ovs_stop(dir, 0));
}

/* Waits up to 10 s for the instance's daemons and files to be gone. */
static bool
wait_instance_gone(void)
{
    for (int i = 0; i < 200; i++) {
        int status;
        char *out = run(&status, "pgrep -f -- '[%c]%s'", dir[0], dir + 1);

        free(out);
        if (status && !file_exists("%s", dir)
            && !file_exists("%s/ovs.lock", parent)) {
            return true;
        }
        xnanosleep(50 * 1000 * 1000);
    }
    return false;
}

/* What "down" of the last lab does: the stop goes on in the background,
 * and whoever wants the instance meanwhile gets a new one. */
static void
test_stop_in_background(void)
{
    struct private_ovs *po2 = NULL;
    struct switchdb *ldb = NULL;
    struct switchdb_lab l;
    long int vswitchd;
    bool stopped;

    /* A fresh instance with a lab in it, over the acquire's connection. */
    CHECK_OK(private_ovs_acquire(dir, 0, true, NULL, &po, &db));
    CU_ASSERT_PTR_NOT_NULL_FATAL(po);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    apply_bridge_with_one_port(db);
    switchdb_close(db);
    db = NULL;
    private_ovs_release(po);
    po = NULL;
    vswitchd = daemon_pid("ovs-vswitchd");

    /* "down": acquire what runs, with a connection for the lab only. */
    CHECK_OK(private_ovs_acquire(dir, 0, false, lab, &po2, &ldb));
    CU_ASSERT_PTR_NOT_NULL_FATAL(po2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ldb);
    CHECK_OK(switchdb_remove(ldb, lab, false));
    CU_ASSERT_EQUAL(count_lab_rows("bridge", lab), 0);
    CHECK_OK(private_ovs_release_and_stop_if_unused(po2, ldb, false,
                                                    &stopped));
    CU_ASSERT(stopped);
    switchdb_close(ldb);

    /* An "up" right after waits for the stop and starts a new instance,
     * which works. */
    CHECK_OK(private_ovs_acquire(dir, 0, true, NULL, &po, &db));
    CU_ASSERT_PTR_NOT_NULL_FATAL(po);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT(daemon_pid("ovs-vswitchd") > 0);
    CU_ASSERT(daemon_pid("ovs-vswitchd") != vswitchd);
    CU_ASSERT_EQUAL(count_lab_rows("bridge", lab), 0);
    switchdb_lab_init(&l, lab);
    switchdb_lab_add_bridge(&l, bridge, "netdev", NULL);
    CHECK_OK(switchdb_apply(db, &l));
    switchdb_lab_destroy(&l);
    CU_ASSERT(link_exists(bridge));
    CHECK_OK(switchdb_remove(db, lab, false));

    /* Its last user gone, it stops, in the background, leaving nothing:
     * no daemon, no file, no device. */
    CHECK_OK(private_ovs_release_and_stop_if_unused(po, db, false,
                                                    &stopped));
    po = NULL;
    CU_ASSERT(stopped);
    switchdb_close(db);
    db = NULL;
    CU_ASSERT(wait_instance_gone());
    CU_ASSERT(!link_exists(bridge));

    /* What does not run is not acquired (nor started) without 'start'. */
    CHECK_OK(private_ovs_acquire(dir, 0, false, lab, &po, &ldb));
    CU_ASSERT_PTR_NULL(po);
    CU_ASSERT_PTR_NULL(ldb);
    CU_ASSERT(!file_exists("%s", dir));
    CU_ASSERT(!file_exists("%s/ovs.lock", parent));
}

/* A first start killed while it wrote the database leaves at most its
 * temporary file, never a partial conf.db: the next start writes the
 * database again, and ovsdb-server reads it. */
static void
test_killed_creator(void)
{
    int status;

    free(run(&status, "mkdir -p %s && echo partial > %s/conf.db.tmp", dir,
             dir));
    CU_ASSERT_EQUAL(status, 0);
    CHECK_OK(private_ovs_acquire(dir, 0, true, NULL, &po, &db));
    CU_ASSERT_PTR_NOT_NULL_FATAL(po);
    CU_ASSERT_PTR_NOT_NULL(db);
    CU_ASSERT(!file_exists("%s/conf.db.tmp", dir));
    free(run(&status, "ovsdb-tool db-name %s/conf.db", dir));
    CU_ASSERT_EQUAL(status, 0);
    switchdb_close(db);
    db = NULL;
    private_ovs_release(po);
    po = NULL;
    CHECK_OK(private_ovs_stop(dir, 0));
    CU_ASSERT(!file_exists("%s", dir));
}

static void
test_refuses_foreign_dir(void)
{
    char *other = xasprintf("%s/notovs", parent);
    struct private_ovs *bad;
    char *error;
    int status;

    /* A directory with files ovs-lab did not create is not used, and not
     * emptied. */
    free(run(&status, "mkdir -p %s && echo keep > %s/precious.txt", other,
             other));
    error = private_ovs_acquire(other, 0, true, NULL, &bad, NULL);
    CU_ASSERT_PTR_NULL(bad);
    CU_ASSERT(contains(error, "precious.txt"));
    free(error);
    error = private_ovs_stop(other, 0);
    CU_ASSERT(contains(error, "precious.txt"));
    free(error);
    CU_ASSERT(file_exists("%s/precious.txt", other));
    CU_ASSERT(!file_exists("%s/conf.db", other));
    free(run(&status, "rm -rf %s", other));
    free(other);
}

static void
test_nothing_left(void)
{
    int status;
    char *out;

    for (int i = 0; i < 3; i++) {
        free(run(&status, "ip link del %s", host[i]));
        CU_ASSERT(status == 0);
    }
    out = run(&status, "ip -o link show | grep -E 't[a-z]%ld'",
              (long int) getpid());
    if (out[0]) {
        printf("\nleft behind: %s\n", out);
    }
    CU_ASSERT_STRING_EQUAL(out, "");
    free(out);
    CU_ASSERT(!daemons_running(false));
}

int
main(int argc OVS_UNUSED, char *argv[])
{
    static const struct test_case tests[] = {
        { "switchdb_open names an unusable remote", test_open_bad_remote },
        { "acquire starts ovsdb-server and ovs-vswitchd once", test_acquire },
        { "apply puts veth ports with VLANs and ids", test_apply_veths },
        { "apply names each port that failed", test_apply_missing_device },
        { "apply refuses rows of others and changes nothing",
          test_apply_conflict },
        { "list_labs finds the lab", test_list_labs },
        { "a connection for one lab has its rows only",
          test_lab_connection },
        { "remove deletes the lab's rows and only those", test_remove },
        { "450 ports in chunks of 200", test_chunks },
        { "stop_if_unused stops only when unused", test_stop_if_unused },
        { "a kept instance runs on without users until unkept", test_kept },
        { "stop leaves no daemon and no file", test_stop },
        { "stop in the background; the next user gets a new instance",
          test_stop_in_background },
        { "a start after a creator was killed", test_killed_creator },
        { "a directory of other files is left alone",
          test_refuses_foreign_dir },
        { "nothing left behind", test_nothing_left },
    };
    long int pid = getpid();

    set_program_name(argv[0]);
    switchdb_init_process(false);

    /* A network namespace of the test's own: two ovs-vswitchd with the
     * userspace datapath cannot share one (both want the datapath's tap
     * device), and the test's instance must not disturb, nor be disturbed
     * by, ovs-lab's private OVS of labs running meanwhile.  The daemons it
     * starts inherit the namespace; it goes away with the last of them. */
    if (unshare(CLONE_NEWNET)) {
        ovs_fatal(errno, "unshare(CLONE_NEWNET)");
    }

    parent = xasprintf("/run/ovs-lab-test-%ld", pid);
    dir = xasprintf("%s/ovs", parent);
    lab = xasprintf("t%ld", pid);
    bridge = xasprintf("tb%ld", pid);
    foreign_bridge = xasprintf("tf%ld", pid);
    for (int i = 0; i < 3; i++) {
        host[i] = xasprintf("th%ldp%d", pid, i);
    }
    sset_add(&links, bridge);
    if (mkdir(parent, 0755)) {
        ovs_fatal(errno, "%s", parent);
    }
    fatal_signal_add_hook(cleanup_hook, NULL, NULL, true);

    return TEST_RUN_SUITE("ovs", tests);
}
