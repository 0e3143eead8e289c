/*
 * Unit tests of ovs-program (no root): the environment Open vSwitch's
 * programs get, and starting and waiting for programs, with ordinary
 * programs (sh, sleep) in a temporary directory standing in for an
 * instance's.
 */
#include <config.h>
#include "ovs-program.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file-util.h"
#include "svec.h"
#include "tests/cunit-util.h"
#include "timeval.h"
#include "util.h"

static char *tmp_dir;
static char *log_path;

static void
setup(void)
{
    char template[] = "/tmp/ovs-lab-test-program.XXXXXX";

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(template));
    tmp_dir = xstrdup(template);
    log_path = xasprintf("%s/program.log", tmp_dir);
}

static void
teardown(void)
{
    unlink(log_path);
    rmdir(tmp_dir);
    free(log_path);
    free(tmp_dir);
}

static void
assert_tunables(const char *value, const char *expected)
{
    char *tunables = ovs_program_malloc_tunables(value);

    CU_ASSERT_STRING_EQUAL(tunables, expected);
    free(tunables);
}

static void
test_malloc_tunables(void)
{
    assert_tunables(NULL, "glibc.malloc.hugetlb=1");
    assert_tunables("", "glibc.malloc.hugetlb=1");
    assert_tunables("glibc.malloc.check=3",
                    "glibc.malloc.check=3:glibc.malloc.hugetlb=1");
    /* The user's own setting of it wins. */
    assert_tunables("glibc.malloc.hugetlb=0", "glibc.malloc.hugetlb=0");
    assert_tunables("glibc.malloc.check=3:glibc.malloc.hugetlb=2",
                    "glibc.malloc.check=3:glibc.malloc.hugetlb=2");
}

/* How many entries of 'env' are exactly 'entry', and how many set the
 * variable of 'entry' at all. */
static void
count_entries(const struct svec *env, const char *entry, size_t *exact,
              size_t *same_var)
{
    size_t var_len = strchr(entry, '=') - entry + 1;

    *exact = *same_var = 0;
    for (size_t i = 0; i < env->n; i++) {
        *exact += !strcmp(env->names[i], entry);
        *same_var += !strncmp(env->names[i], entry, var_len);
    }
}

static void
assert_only_entry(const struct svec *env, const char *entry)
{
    size_t exact, same_var;

    count_entries(env, entry, &exact, &same_var);
    CU_ASSERT_EQUAL(exact, 1);
    CU_ASSERT_EQUAL(same_var, 1);
    if (exact != 1 || same_var != 1) {
        printf("\n    %s: %"PRIuSIZE" times, its variable %"PRIuSIZE
               " times\n", entry, exact, same_var);
    }
}

static void
test_environment(void)
{
    struct svec env;

    setenv("OVS_RUNDIR", "/var/run/openvswitch", 1);
    setenv("GLIBC_TUNABLES", "glibc.malloc.check=3", 1);
    setenv("OVS_LAB_TEST_KEPT", "kept as it is", 1);
    unsetenv("OVS_DBDIR");

    ovs_program_environment("/run/ovs-lab/ovs", &env);
    assert_only_entry(&env, "OVS_RUNDIR=/run/ovs-lab/ovs");
    assert_only_entry(&env, "OVS_DBDIR=/run/ovs-lab/ovs");
    assert_only_entry(&env, "OVS_LOGDIR=/run/ovs-lab/ovs");
    assert_only_entry(&env, "OVS_SYSCONFDIR=/run/ovs-lab/ovs");
    assert_only_entry(&env, "GLIBC_TUNABLES=glibc.malloc.check=3:"
                      "glibc.malloc.hugetlb=1");
    assert_only_entry(&env, "OVS_LAB_TEST_KEPT=kept as it is");
    /* NULL-terminated, for posix_spawn(). */
    CU_ASSERT_PTR_NULL(env.names[env.n]);
    svec_destroy(&env);

    unsetenv("OVS_RUNDIR");
    unsetenv("GLIBC_TUNABLES");
    unsetenv("OVS_LAB_TEST_KEPT");
}

/* Runs 'argv' (NULL-terminated) with ovs_program_spawn() for 'tmp_dir' and
 * waits for it until 'timeout_ms' from now; returns the error, if any, and
 * stores the pid in '*pidp' if nonnull. */
static char *
run(const char *const *argv, int timeout_ms, pid_t *pidp)
{
    struct svec args = SVEC_EMPTY_INITIALIZER;
    struct ovs_program program;
    char *error;

    for (size_t i = 0; argv[i]; i++) {
        svec_add(&args, argv[i]);
    }
    error = ovs_program_spawn(tmp_dir, &args, log_path, &program);
    svec_destroy(&args);
    if (!error) {
        if (pidp) {
            *pidp = program.pid;
        }
        error = ovs_program_wait(&program, time_msec() + timeout_ms);
    }
    return error;
}

static void
test_runs_in_the_instance_environment(void)
{
    static const char *const argv[] = {
        "sh", "-c", "echo \"rundir=$OVS_RUNDIR stdin=$(readlink "
        "/proc/$$/fd/0)\"", NULL
    };
    char *error, *log = NULL, *expected;

    setup();
    error = run(argv, 10000, NULL);
    CU_ASSERT_PTR_NULL(error);
    free(error);

    /* Its output went to the log. */
    CU_ASSERT_EQUAL(file_read_string(log_path, &log), 0);
    expected = xasprintf("rundir=%s stdin=/dev/null\n", tmp_dir);
    CU_ASSERT_STRING_EQUAL(log ? log : "", expected);
    free(expected);
    free(log);
    teardown();
}

static void
test_failure_names_the_reason(void)
{
    static const char *const argv[] = {
        "sh", "-c", "echo starting; echo 'cannot open the database' >&2; "
        "exit 3", NULL
    };
    char *error, *expected;

    setup();
    error = run(argv, 10000, NULL);
    expected = xasprintf("sh failed (exit status 3): cannot open the "
                         "database (see %s)", log_path);
    CU_ASSERT_STRING_EQUAL(error ? error : "", expected);
    free(expected);
    free(error);
    teardown();
}

static void
test_killed_at_the_deadline(void)
{
    static const char *const argv[] = { "sleep", "30", NULL };
    pid_t pid = 0;
    char *error;

    setup();
    error = run(argv, 100, &pid);
    CU_ASSERT_PTR_NOT_NULL(error);
    CU_ASSERT_PTR_NOT_NULL(error ? strstr(error, "sleep did not finish "
                                          "within") : NULL);
    /* Killed and reaped: no such process any more. */
    CU_ASSERT(pid > 0 && kill(pid, 0) < 0 && errno == ESRCH);
    free(error);
    teardown();
}

static void
test_program_not_found(void)
{
    static const char *const argv[] = { "ovs-lab-no-such-program", NULL };
    char *error;

    setup();
    error = run(argv, 10000, NULL);
    CU_ASSERT_PTR_NOT_NULL(error ? strstr(error, "ovs-lab-no-such-program: "
                                          "program not found") : NULL);
    free(error);
    teardown();
}

int
main(void)
{
    static const struct test_case tests[] = {
        { "malloc tunables", test_malloc_tunables },
        { "environment", test_environment },
        { "runs in the instance environment",
          test_runs_in_the_instance_environment },
        { "failure names the reason", test_failure_names_the_reason },
        { "killed at the deadline", test_killed_at_the_deadline },
        { "program not found", test_program_not_found },
    };

    return TEST_RUN_SUITE("ovs-program", tests);
}
