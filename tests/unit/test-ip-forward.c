/*
 * Unit tests of the IPv4 forwarding records (no root): ip-forward works on
 * a fake /proc/sys in a temporary directory, so every step can be checked
 * from the files, including what a restore writes back.
 *
 * The fake does not do what the kernel does when net/ipv4/ip_forward is
 * written (set every interface's value); the tests do that by hand where
 * it matters.
 */
#include <config.h>
#include "ip-forward.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file-util.h"
#include "tests/cunit-util.h"
#include "util.h"

static char *tmp_dir;
static struct ip_forward_dirs dirs;

static char *
path_in(const char *dir, const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

/* Writes 'value' + "\n" to sysctl 'key' of the fake /proc/sys, creating
 * the directories on the way. */
static void
fake_set(const char *key, const char *value)
{
    char *path = path_in(dirs.sysctl_dir, key);
    char *text = xasprintf("%s\n", value);

    for (char *slash = strchr(path + strlen(dirs.sysctl_dir) + 1, '/');
         slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(path, 0755);
        *slash = '/';
    }
    CU_ASSERT_EQUAL_FATAL(file_write_string(path, text), 0);
    free(text);
    free(path);
}

/* The value of sysctl 'key' of the fake (static buffer). */
static const char *
fake_get(const char *key)
{
    static char value[64];
    char *path = path_in(dirs.sysctl_dir, key);
    char *text;

    if (file_read_string(path, &text)) {
        strcpy(value, "(missing)");
    } else {
        snprintf(value, sizeof value, "%.*s", (int) strcspn(text, "\n"),
                 text);
        free(text);
    }
    free(path);
    return value;
}

/* Contents of record 'name' ("ip_forward.labs"...), or NULL if absent
 * (malloc'd). */
static char *
record(const char *name)
{
    char *path = path_in(dirs.state_dir, name);
    char *text;

    if (file_read_string(path, &text)) {
        text = NULL;
    }
    free(path);
    return text;
}

static void
assert_record(const char *name, const char *expected)
{
    char *text = record(name);

    if (expected) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        CU_ASSERT_STRING_EQUAL(text, expected);
    } else {
        CU_ASSERT_PTR_NULL(text);
    }
    free(text);
}

static void
hold(const char *lab)
{
    char *error = ip_forward_hold(&dirs, lab);

    if (error) {
        fprintf(stderr, "%s\n", error);
    }
    CU_ASSERT_PTR_NULL_FATAL(error);
}

static bool
release(const char *lab)
{
    bool held;
    char *error = ip_forward_release(&dirs, lab, &held);

    if (error) {
        fprintf(stderr, "%s\n", error);
    }
    CU_ASSERT_PTR_NULL_FATAL(error);
    return held;
}

/* A fresh fake host: forwarding off, eth0 off, eth1 on (an interface
 * someone set by hand). */
static void
setup(void)
{
    char template[] = "/tmp/test-ip-forward.XXXXXX";
    char *state_dir, *sysctl_dir;

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(template));
    tmp_dir = xstrdup(template);
    state_dir = path_in(tmp_dir, "run");
    sysctl_dir = path_in(tmp_dir, "sys");
    mkdir(sysctl_dir, 0755);
    dirs.state_dir = state_dir;
    dirs.sysctl_dir = sysctl_dir;

    fake_set("net/ipv4/ip_forward", "0");
    fake_set("net/ipv4/conf/all/forwarding", "0");
    fake_set("net/ipv4/conf/default/forwarding", "0");
    fake_set("net/ipv4/conf/eth0/forwarding", "0");
    fake_set("net/ipv4/conf/eth1/forwarding", "1");
}

static void
teardown(void)
{
    char *command = xasprintf("rm -rf '%s'", tmp_dir);

    CU_ASSERT_EQUAL(system(command), 0);
    free(command);
    free(CONST_CAST(char *, dirs.state_dir));
    free(CONST_CAST(char *, dirs.sysctl_dir));
    free(tmp_dir);
}

/* What the kernel does on "ip_forward = value". */
static void
kernel_global_write(const char *value)
{
    fake_set("net/ipv4/ip_forward", value);
    fake_set("net/ipv4/conf/all/forwarding", value);
    fake_set("net/ipv4/conf/default/forwarding", value);
    fake_set("net/ipv4/conf/eth0/forwarding", value);
    fake_set("net/ipv4/conf/eth1/forwarding", value);
}

/* Two labs: the first saves and enables, the second only registers, the
 * last release restores everything, including per-interface values the
 * global write had overwritten. */
static void
test_two_labs(void)
{
    static const char saved[] =
        "net/ipv4/conf/default/forwarding 0\n"
        "net/ipv4/conf/eth0/forwarding 0\n"
        "net/ipv4/conf/eth1/forwarding 1\n"
        "net/ipv4/ip_forward 0\n";

    setup();
    hold("a");
    CU_ASSERT_STRING_EQUAL(fake_get("net/ipv4/ip_forward"), "1");
    assert_record("ip_forward.labs", "a\n");
    assert_record("ip_forward.saved", saved);

    kernel_global_write("1");
    hold("b");
    hold("b");
    assert_record("ip_forward.labs", "a\nb\n");
    assert_record("ip_forward.saved", saved);   /* Not taken again. */

    CU_ASSERT_TRUE(release("a"));
    CU_ASSERT_FALSE(release("a"));
    CU_ASSERT_STRING_EQUAL(fake_get("net/ipv4/ip_forward"), "1");
    assert_record("ip_forward.labs", "b\n");

    CU_ASSERT_TRUE(release("b"));
    CU_ASSERT_STRING_EQUAL(fake_get("net/ipv4/ip_forward"), "0");
    CU_ASSERT_STRING_EQUAL(fake_get("net/ipv4/conf/default/forwarding"),
                           "0");
    CU_ASSERT_STRING_EQUAL(fake_get("net/ipv4/conf/eth0/forwarding"), "0");
    CU_ASSERT_STRING_EQUAL(fake_get("net/ipv4/conf/eth1/forwarding"), "1");
    assert_record("ip_forward.labs", NULL);
    assert_record("ip_forward.saved", NULL);
    CU_ASSERT_FALSE(release("b"));
    teardown();
}

/* An interface that went away while the lab was up is skipped. */
static void
test_interface_gone(void)
{
    char *eth1, *command;

    setup();
    hold("a");
    kernel_global_write("1");
    eth1 = path_in(dirs.sysctl_dir, "net/ipv4/conf/eth1");
    command = xasprintf("rm -r '%s'", eth1);
    CU_ASSERT_EQUAL(system(command), 0);
    CU_ASSERT_TRUE(release("a"));
    CU_ASSERT_STRING_EQUAL(fake_get("net/ipv4/ip_forward"), "0");
    CU_ASSERT_STRING_EQUAL(fake_get("net/ipv4/conf/eth0/forwarding"), "0");
    free(command);
    free(eth1);
    teardown();
}

/* Forwarding already on before the first lab: nothing was changed, so
 * nothing is restored. */
static void
test_already_on(void)
{
    setup();
    kernel_global_write("1");
    hold("a");
    fake_set("net/ipv4/conf/eth0/forwarding", "0");   /* Someone else. */
    CU_ASSERT_TRUE(release("a"));
    CU_ASSERT_STRING_EQUAL(fake_get("net/ipv4/ip_forward"), "1");
    CU_ASSERT_STRING_EQUAL(fake_get("net/ipv4/conf/eth0/forwarding"), "0");
    assert_record("ip_forward.saved", NULL);
    teardown();
}

/* Someone turned forwarding off while the lab was up: left alone. */
static void
test_turned_off_meanwhile(void)
{
    setup();
    hold("a");
    kernel_global_write("0");
    fake_set("net/ipv4/conf/eth1/forwarding", "0");
    CU_ASSERT_TRUE(release("a"));
    CU_ASSERT_STRING_EQUAL(fake_get("net/ipv4/ip_forward"), "0");
    CU_ASSERT_STRING_EQUAL(fake_get("net/ipv4/conf/eth1/forwarding"), "0");
    teardown();
}

/* A failed hold leaves no record behind. */
static void
test_failed_hold(void)
{
    char *error;
    char *path;

    setup();
    path = path_in(dirs.sysctl_dir, "net/ipv4/ip_forward");
    CU_ASSERT_EQUAL(unlink(path), 0);
    error = ip_forward_hold(&dirs, "a");
    CU_ASSERT_PTR_NOT_NULL(error);
    CU_ASSERT_PTR_NOT_NULL(error && strstr(error, "ip_forward"));
    free(error);
    assert_record("ip_forward.labs", NULL);
    assert_record("ip_forward.saved", NULL);
    free(path);
    teardown();
}

/* Several processes holding and releasing at once (under the lock): at
 * the end no lab is recorded and forwarding is back off. */
static void
test_concurrent(void)
{
    enum { N_CHILDREN = 4, N_ROUNDS = 50 };
    pid_t pids[N_CHILDREN];

    setup();
    for (int i = 0; i < N_CHILDREN; i++) {
        pids[i] = fork();
        CU_ASSERT_FATAL(pids[i] >= 0);
        if (!pids[i]) {
            char lab[16];
            bool held;
            int bad = 0;

            snprintf(lab, sizeof lab, "lab%d", i);
            for (int j = 0; j < N_ROUNDS; j++) {
                char *error = ip_forward_hold(&dirs, lab);

                bad += error != NULL;
                free(error);
                error = ip_forward_release(&dirs, lab, &held);
                bad += error != NULL || !held;
                free(error);
            }
            _exit(bad != 0);
        }
    }
    for (int i = 0; i < N_CHILDREN; i++) {
        int status;

        CU_ASSERT_EQUAL(waitpid(pids[i], &status, 0), pids[i]);
        CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    CU_ASSERT_STRING_EQUAL(fake_get("net/ipv4/ip_forward"), "0");
    assert_record("ip_forward.labs", NULL);
    assert_record("ip_forward.saved", NULL);
    teardown();
}

int
main(void)
{
    static const struct test_case tests[] = {
        { "two labs", test_two_labs },
        { "interface gone", test_interface_gone },
        { "already on", test_already_on },
        { "turned off meanwhile", test_turned_off_meanwhile },
        { "failed hold", test_failed_hold },
        { "concurrent", test_concurrent },
    };

    return TEST_RUN_SUITE("ip-forward", tests);
}
