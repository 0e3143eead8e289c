/* What every ovs-lab test program shares: running one CUnit suite with the
 * basic runner (whose "Run Summary" tests/run-tests reads), removing a
 * system test's leftovers however the program ends, and small asserting
 * helpers. */
#ifndef CUNIT_UTIL_H
#define CUNIT_UTIL_H 1

#include <netinet/in.h>
#include <stddef.h>
#include <CUnit/CUnit.h>

#include "openvswitch/compiler.h"
#include "util.h"

struct rtnl_batch;
struct rtnl_sock;

/* One test of a suite. */
struct test_case {
    const char *name;
    CU_TestFunc func;
};

/* Runs the 'n' tests of 'cases', in order, as CUnit suite 'suite_name'
 * with the basic runner in verbose mode.  Returns the program's exit
 * status: 0 if every test passed, 1 if any failed (or CUnit could not
 * start). */
int test_run_suite(const char *suite_name, const struct test_case cases[],
                   size_t n);

/* The same for an array of known size. */
#define TEST_RUN_SUITE(SUITE_NAME, CASES) \
    test_run_suite(SUITE_NAME, CASES, ARRAY_SIZE(CASES))

/* Makes 'cleanup' run when the program exits, and when SIGINT, SIGTERM,
 * SIGHUP, SIGSEGV or SIGABRT kills it (the signal then takes its default
 * action).  'cleanup' must be safe to call at any point, several times, and
 * from a signal handler, and must make no CUnit assertions. */
void test_cleanup_at_exit(void (*cleanup)(void));

/* Runs shell command 'format' in a subshell and returns its standard output
 * and error, malloc'd; stores its exit status in '*statusp' if nonnull (-1
 * if it was killed).  iproute2 warns, and may show a partial list, when
 * devices come or go during its dump: then the command runs again. */
char *test_shell(int *statusp, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3);

/* Parses IPv4 address 's' into an IPv4-mapped IPv6 address or IPv6 address
 * 's'; a text that does not parse fails the test. */
struct in6_addr test_ip4(const char *s);
struct in6_addr test_ip6(const char *s);

/* Runs batch 'b' on 'sock'; a failure prints the error and fails the
 * test. */
void test_run_batch(struct rtnl_sock *sock, struct rtnl_batch *b);

#endif /* cunit-util.h */
