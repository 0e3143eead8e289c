#include <config.h>
#include "tests/cunit-util.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <CUnit/Basic.h>

#include "netlink-rtnl.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"

int
test_run_suite(const char *suite_name, const struct test_case cases[],
               size_t n)
{
    unsigned int failures;
    CU_pSuite suite;

    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "cannot start CUnit: %s\n", CU_get_error_msg());
        return 1;
    }
    suite = CU_add_suite(suite_name, NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        CU_add_test(suite, cases[i].name, cases[i].func);
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failures != 0;
}

/* test_cleanup_at_exit()'s function; NULL once a fatal signal ran it. */
static void (*cleanup_fn)(void);

static void
run_cleanup(void)
{
    if (cleanup_fn) {
        cleanup_fn();
    }
}

static void
fatal_signal_handler(int sig)
{
    run_cleanup();
    cleanup_fn = NULL;
    signal(sig, SIG_DFL);
    raise(sig);
}

void
test_cleanup_at_exit(void (*cleanup)(void))
{
    static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGSEGV,
                                   SIGABRT };

    cleanup_fn = cleanup;
    atexit(run_cleanup);
    for (size_t i = 0; i < ARRAY_SIZE(signals); i++) {
        signal(signals[i], fatal_signal_handler);
    }
}

char *
test_shell(int *statusp, const char *format, ...)
{
    struct ds cmd = DS_EMPTY_INITIALIZER;
    struct ds out = DS_EMPTY_INITIALIZER;
    va_list args;
    FILE *stream;
    int status;

    ds_put_cstr(&cmd, "( ");
    va_start(args, format);
    ds_put_format_valist(&cmd, format, args);
    va_end(args);
    ds_put_cstr(&cmd, " ) 2>&1");

    /* The kernel destroys the devices of deleted namespaces in the
     * background, so a dump can race with them. */
    for (int attempt = 0; attempt < 10; attempt++) {
        ds_clear(&out);
        stream = popen(ds_cstr(&cmd), "r");
        CU_ASSERT_PTR_NOT_NULL_FATAL(stream);
        for (int c; (c = getc(stream)) != EOF; ) {
            ds_put_char(&out, c);
        }
        status = pclose(stream);
        if (!strstr(ds_cstr(&out), "Dump was interrupted")) {
            break;
        }
    }
    if (statusp) {
        *statusp = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    ds_destroy(&cmd);
    return ds_steal_cstr(&out);
}

struct in6_addr
test_ip4(const char *s)
{
    struct in_addr in;

    CU_ASSERT_FATAL(inet_pton(AF_INET, s, &in) == 1);
    return in6_addr_mapped_ipv4(in.s_addr);
}

struct in6_addr
test_ip6(const char *s)
{
    struct in6_addr in6;

    CU_ASSERT_FATAL(inet_pton(AF_INET6, s, &in6) == 1);
    return in6;
}

void
test_run_batch(struct rtnl_sock *sock, struct rtnl_batch *b)
{
    char *error = rtnl_sock_run(sock, b);

    if (error) {
        printf("\n  batch failed: %s\n", error);
    }
    CU_ASSERT_PTR_NULL_FATAL(error);
}
