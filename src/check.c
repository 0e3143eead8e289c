/*
 * Running a scenario's checks: one task per check, all probes and commands
 * in one poll() loop, then one result per check in scenario order.
 */
#include <config.h>
#include "check.h"

#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>

#include "check-private.h"
#include "lease.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "signals.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(check);

/* Longest excerpt of a command or of its output shown in a result. */
/* How often check_run_all() asks env->stop whether to end. */
#define STOP_POLL_MS 100

#define CHECK_EXCERPT_MAX 60

/* Isolation checks over more nodes than this get a short generated
 * name. */
#define CHECK_NAME_MAX_NODES 4

/* ---- Results. ---- */

void
check_results_init(struct check_results *results, const char *lab,
                   const char *file_name)
{
    memset(results, 0, sizeof *results);
    results->lab = xstrdup(lab);
    results->file_name = nullable_xstrdup(file_name);
}

static void
check_result_destroy(struct check_result *result)
{
    free(result->name);
    free(result->expected);
    free(result->observed);
    for (size_t i = 0; i < result->n_details; i++) {
        free(result->details[i].name);
        free(result->details[i].expected);
        free(result->details[i].observed);
    }
    free(result->details);
}

void
check_results_destroy(struct check_results *results)
{
    if (!results) {
        return;
    }
    for (size_t i = 0; i < results->n; i++) {
        check_result_destroy(&results->results[i]);
    }
    free(results->results);
    free(results->lab);
    free(results->file_name);
}

struct check_result *
check_results_add(struct check_results *results, const char *kind,
                  const char *name)
{
    struct check_result *result;

    if (results->n >= results->allocated) {
        results->results = x2nrealloc(results->results, &results->allocated,
                                      sizeof *results->results);
    }
    result = &results->results[results->n++];
    memset(result, 0, sizeof *result);
    result->kind = kind;
    result->name = xstrdup(name);
    return result;
}

void
check_results_add_problem(struct check_results *results, const char *name,
                          const char *format, ...)
{
    struct check_result *result;
    va_list args;

    result = check_results_add(results, CHECK_KIND_LAB, name);
    result->expected = xstrdup("no problem");
    va_start(args, format);
    result->observed = xvasprintf(format, args);
    va_end(args);
    result->passed = false;
}

size_t
check_results_n_passed(const struct check_results *results)
{
    size_t n = 0;

    for (size_t i = 0; i < results->n; i++) {
        n += results->results[i].passed;
    }
    return n;
}

size_t
check_results_n_failed(const struct check_results *results)
{
    return results->n - check_results_n_passed(results);
}

/* ---- Poll set. ---- */

void
check_pollset_init(struct check_pollset *ps)
{
    memset(ps, 0, sizeof *ps);
    ps->wake_ms = LLONG_MAX;
}

void
check_pollset_destroy(struct check_pollset *ps)
{
    if (ps) {
        free(ps->fds);
    }
}

void
check_pollset_clear(struct check_pollset *ps)
{
    ps->n = 0;
    ps->wake_ms = LLONG_MAX;
}

size_t
check_pollset_add(struct check_pollset *ps, int fd, short events)
{
    if (ps->n >= ps->allocated) {
        ps->fds = x2nrealloc(ps->fds, &ps->allocated, sizeof *ps->fds);
    }
    ps->fds[ps->n] = (struct pollfd) { .fd = fd, .events = events };
    return ps->n++;
}

void
check_pollset_wake_at(struct check_pollset *ps, long long int when)
{
    ps->wake_ms = MIN(ps->wake_ms, when);
}

void
check_pollset_block(struct check_pollset *ps)
{
    long long int timeout = INT_MAX;

    if (ps->wake_ms != LLONG_MAX) {
        timeout = MIN(MAX(ps->wake_ms - time_msec(), 0), INT_MAX);
    }
    if (poll(ps->fds, ps->n, timeout) < 0 && errno != EINTR) {
        /* Nothing is known to be ready: the runs find that out, and the
         * deadlines still end every check.  Do not spin meanwhile. */
        VLOG_WARN("poll: %s", ovs_strerror(errno));
        poll(NULL, 0, MIN(timeout, 10));
    }
}

short
check_pollset_revents(const struct check_pollset *ps, size_t idx)
{
    return ps->fds[idx].revents;
}

/* ---- Tasks: one per check. ---- */

struct check_task {
    const struct scenario_check *check;

    /* PING, TCP. */
    struct check_pick pick;     /* The target, probed if CHECK_PICKED. */
    const struct scenario_node *owner; /* Address target: one of two nodes
                                        * that hold it, or NULL ('pick'
                                        * has the other). */
    size_t probe;

    struct check_isolation *isolation;  /* ISOLATION. */
    size_t job;                         /* EXEC. */
};

static void
plan_reach(const struct check_env *env,
           const struct scenario_holders *holders, struct check_task *task,
           struct check_prober *prober)
{
    const struct scenario_check *check = task->check;
    const struct scenario_check_reach *r = &check->reach;
    struct check_pick *pick = &task->pick;

    if (r->to.is_addr) {
        const struct scenario_node *owner
            = scenario_holders_other(holders, &r->to.addr.ip, NULL);
        const struct scenario_node *other
            = owner ? scenario_holders_other(holders, &r->to.addr.ip, owner)
              : NULL;

        memset(pick, 0, sizeof *pick);
        pick->result = other ? CHECK_PICK_AMBIGUOUS : CHECK_PICKED;
        pick->addr.family = r->to.addr.family;
        pick->addr.ip = r->to.addr.ip;
        pick->addr.plen = r->to.addr.plen;
        pick->other = other;
        task->owner = other ? owner : NULL;
    } else {
        check_pick_target(env, holders, r->from, r->to.node, r->to.iface,
                          false, pick);
    }
    if (pick->result == CHECK_PICKED) {
        task->probe = check_prober_add(
            prober,
            check->kind == SCENARIO_CHECK_PING ? CHECK_PROBE_ICMP
            : CHECK_PROBE_TCP,
            check_netns_name(env, r->from), &pick->addr, r->port,
            check->timeout * 1000);
    }
}

static void
plan_task(const struct check_env *env,
          const struct scenario_holders *holders, struct check_task *task,
          struct check_prober *prober, struct check_execs *execs)
{
    const struct scenario_check *check = task->check;

    switch (check->kind) {
    case SCENARIO_CHECK_PING:
    case SCENARIO_CHECK_TCP:
        plan_reach(env, holders, task, prober);
        break;
    case SCENARIO_CHECK_ISOLATION:
        task->isolation = check_isolation_plan(env, holders, check, prober);
        break;
    case SCENARIO_CHECK_EXEC:
        task->job = check_execs_add(execs,
                                    check_netns_name(env, check->exec.node),
                                    check->exec.command,
                                    check->timeout * 1000);
        break;
    case SCENARIO_CHECK_DHCP:
        break;
    }
}

/* Appends to 's' at most CHECK_EXCERPT_MAX bytes of the first line of
 * 'text' (skipping leading blank lines), with control characters shown as
 * spaces and "..." if something was left out. */
static void
put_excerpt(struct ds *s, const char *text)
{
    size_t len, n;

    text += strspn(text, " \t\r\n");
    len = strcspn(text, "\n");
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\r')) {
        len--;
    }
    n = MIN(len, CHECK_EXCERPT_MAX);
    while (n < len && n > 0 && ((unsigned char) text[n] & 0xc0) == 0x80) {
        n--;                    /* Do not cut a UTF-8 character. */
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = text[i];

        ds_put_char(s, c < 0x20 || c == 0x7f ? ' ' : c);
    }
    if (n < len || text[len + strspn(text + len, " \r\n")]) {
        ds_put_cstr(s, "...");
    }
}

static char *
generated_name(const struct scenario_check *check)
{
    const char *kind = scenario_check_kind_name(check->kind);
    struct ds name = DS_EMPTY_INITIALIZER;

    ds_put_format(&name, "%s ", kind);
    switch (check->kind) {
    case SCENARIO_CHECK_PING:
        ds_put_format(&name, "%s -> %s", check->reach.from->name,
                      check->reach.to.ref.text);
        break;
    case SCENARIO_CHECK_TCP:
        ds_put_format(&name, "%s -> %s port %d", check->reach.from->name,
                      check->reach.to.ref.text, check->reach.port);
        break;
    case SCENARIO_CHECK_DHCP:
        ds_put_format(&name, "%s.%s", check->dhcp.node->name,
                      check->dhcp.iface->name);
        break;
    case SCENARIO_CHECK_ISOLATION: {
        const struct scenario_check_isolation *iso = &check->isolation;

        if (iso->n_nodes > CHECK_NAME_MAX_NODES) {
            ds_put_format(&name, "of %"PRIuSIZE" nodes", iso->n_nodes);
        } else {
            for (size_t i = 0; i < iso->n_nodes; i++) {
                ds_put_format(&name, "%s%s", i ? ", " : "",
                              iso->nodes[i]->name);
            }
        }
        break;
    }
    case SCENARIO_CHECK_EXEC:
        ds_put_format(&name, "%s: ", check->exec.node->name);
        put_excerpt(&name, check->exec.command);
        break;
    }
    return ds_steal_cstr(&name);
}

/* The observed text of a ping or tcp probe that did not reach 'dst'. */
static char *
describe_failure(const struct scenario_check *check,
                 const struct check_probe_result *r, const char *dst)
{
    bool tcp = check->kind == SCENARIO_CHECK_TCP;

    if (r->no_socket) {
        return check_describe_no_socket(r, check->reach.from);
    }
    switch (r->error) {
    case 0:
        return xasprintf("no %s within %u s", tcp ? "connection" : "reply",
                         check->timeout);
    case ECONNREFUSED:
        return xstrdup("connection refused");
    case ENETUNREACH:
        return xasprintf("no route to %s", dst);
    default:
        return xasprintf("no %s within %u s (%s)",
                         tcp ? "connection" : "reply", check->timeout,
                         ovs_strerror(r->error));
    }
}

static void
finish_reach(const struct check_task *task, const struct check_prober *prober,
             struct check_result *result)
{
    const struct scenario_check *check = task->check;
    const struct scenario_check_reach *reach = &check->reach;
    bool tcp = check->kind == SCENARIO_CHECK_TCP;
    const char *what = tcp ? "connection to" : "reply from";
    const struct check_probe_result *r;
    char buf[CHECK_ADDR_STRLEN];
    bool reached;

    if (task->pick.result == CHECK_PICK_NO_ADDRESS) {
        /* 'to' is a node or interface whose DHCP client got no lease. */
        result->expected = xasprintf("%s%s %s", check->expect_ok ? "" : "no ",
                                     what, reach->to.ref.text);
        result->observed = xasprintf("%s has no address (no DHCP lease)",
                                     reach->to.ref.text);
        result->passed = !check->expect_ok;
        return;
    }

    check_addr_format(&task->pick.addr, buf);
    if (tcp) {
        result->expected = xasprintf("%s%s %s port %d",
                                     check->expect_ok ? "" : "no ", what,
                                     buf, reach->port);
    } else {
        result->expected = xasprintf("%s%s %s",
                                     check->expect_ok ? "" : "no ", what,
                                     buf);
    }
    if (task->pick.result == CHECK_PICK_AMBIGUOUS) {
        /* Whatever came back, it proves nothing either way. */
        result->observed = (task->owner
                            ? xasprintf("%s is the address of both %s and "
                                        "%s: a reply cannot be told apart",
                                        buf, task->owner->name,
                                        task->pick.other->name)
                            : check_describe_ambiguous(&task->pick));
        result->passed = false;
        return;
    }

    r = check_prober_result(prober, task->probe);
    reached = r->reached;
    if (reached) {
        char *rtt = check_format_rtt(r->rtt_us);

        result->observed = xasprintf("%s %s in %s",
                                     tcp ? "connected to" : "reply from",
                                     buf, rtt);
        free(rtt);
    } else {
        result->observed = describe_failure(check, r, buf);
    }
    /* A probe that could not even start proves nothing either way. */
    result->passed = !r->no_socket && reached == check->expect_ok;
    result->duration_ms = r->elapsed_ms;
}

static uint32_t
host_order_ipv4(const struct in6_addr *ip)
{
    uint32_t be;

    memcpy(&be, &ip->s6_addr[12], sizeof be);
    return ntohl(be);
}

static void
finish_dhcp(const struct check_env *env, const struct check_task *task,
            struct check_result *result)
{
    const struct scenario_check *check = task->check;
    const struct scenario_check_dhcp *d = &check->dhcp;
    const struct lease *lease = (env->leases
                                 ? lease_table_find(env->leases, d->iface)
                                 : NULL);
    struct ds expected = DS_EMPTY_INITIALIZER;
    struct ds observed = DS_EMPTY_INITIALIZER;

    /* With 'expect: fail', what must not happen is the lease that the
     * check describes: with 'address' or 'range', a lease of another
     * address passes. */
    ds_put_cstr(&expected, check->expect_ok ? "a lease" : "no lease");
    if (d->has_address) {
        ds_put_format(&expected, " of %s", d->address.text);
    }
    if (d->has_range) {
        ds_put_format(&expected, " in %s-%s", d->range_start.text,
                      d->range_end.text);
    }

    if (lease && lease->obtained) {
        struct check_addr addr = { .family = AF_INET, .ip = lease->addr };
        struct check_addr server = { .family = AF_INET, .ip = lease->server };
        char buf[CHECK_ADDR_STRLEN], server_buf[CHECK_ADDR_STRLEN];
        uint32_t ip = host_order_ipv4(&lease->addr);
        bool ok = true;

        ds_put_format(&observed, "lease %s/%u from %s",
                      check_addr_format(&addr, buf), lease->plen,
                      check_addr_format(&server, server_buf));
        if (lease->elapsed_ms > 0) {
            ds_put_format(&observed, " after %.1f s",
                          lease->elapsed_ms / 1000.0);
        }
        if (d->has_address
            && memcmp(&lease->addr, &d->address.ip, sizeof lease->addr)) {
            ok = false;
        }
        if (d->has_range
            && (ip < host_order_ipv4(&d->range_start.ip)
                || ip > host_order_ipv4(&d->range_end.ip))) {
            ok = false;
        }
        result->passed = check->expect_ok == ok;
    } else {
        if (!lease) {
            ds_put_cstr(&observed, "no lease (the DHCP client has no "
                        "result)");
        } else if (lease->error) {
            ds_put_format(&observed, "no lease: %s", lease->error);
        } else {
            ds_put_cstr(&observed, "no lease");
        }
        result->passed = !check->expect_ok;
    }
    result->expected = ds_steal_cstr(&expected);
    result->observed = ds_steal_cstr(&observed);
}

static void
finish_exec(const struct check_task *task, const struct check_execs *execs,
            struct check_result *result)
{
    const struct scenario_check *check = task->check;
    const struct scenario_check_exec *e = &check->exec;
    const struct check_exec_result *r = check_execs_result(execs, task->job);
    struct ds expected = DS_EMPTY_INITIALIZER;
    struct ds observed = DS_EMPTY_INITIALIZER;
    bool happened = false;

    ds_put_cstr(&expected, check->expect_ok ? "" : "not (");
    ds_put_format(&expected, "exit status %d", e->exit_status);
    if (e->output) {
        ds_put_format(&expected, ", output matching /%s/", e->output);
    }
    ds_put_cstr(&expected, check->expect_ok ? "" : ")");

    result->duration_ms = r->elapsed_ms;
    if (r->error) {
        ds_put_format(&observed, "cannot run: %s", r->error);
    } else if (r->timed_out) {
        ds_put_format(&observed, "still running after %u s, killed",
                      check->timeout);
    } else if (WIFSIGNALED(r->status)) {
        char buf[SIGNAL_NAME_BUFSIZE];

        ds_put_format(&observed, "killed by signal %s",
                      signal_name(WTERMSIG(r->status), buf, sizeof buf));
    } else {
        int status = WEXITSTATUS(r->status);
        bool matched = true;

        if (e->output) {
            regex_t re;
            int error = regcomp(&re, e->output,
                                REG_EXTENDED | REG_NOSUB | REG_NEWLINE);

            matched = !error && !regexec(&re, r->output, 0, NULL, 0);
            if (!error) {
                regfree(&re);
            }
        }
        happened = status == e->exit_status && matched;

        ds_put_format(&observed, "exit status %d, ", status);
        if (!r->output[strspn(r->output, " \t\r\n")]) {
            ds_put_cstr(&observed, "no output");
        } else {
            ds_put_format(&observed, "output%s \"",
                          matched ? "" : " not matching");
            put_excerpt(&observed, r->output);
            ds_put_char(&observed, '"');
        }
        if (r->output_size > strlen(r->output)) {
            /* Only what was kept was matched: say so rather than let a
             * match further on look like a wrong command. */
            ds_put_format(&observed, " (only its first %d kB of %zu kB were "
                          "kept and matched)", CHECK_EXEC_OUTPUT_MAX / 1024,
                          r->output_size / 1024);
        }
    }
    /* A command that could not be started proves nothing either way. */
    result->passed = !r->error && happened == check->expect_ok;
    result->expected = ds_steal_cstr(&expected);
    result->observed = ds_steal_cstr(&observed);
}

/* Whether 'task' has its verdict although the checks were stopped: a dhcp
 * check always (leases are known), a probe or a command that ended.  An
 * isolation matrix is only judged whole. */
static bool
task_has_verdict(const struct check_task *task,
                 const struct check_prober *prober,
                 const struct check_execs *execs)
{
    switch (task->check->kind) {
    case SCENARIO_CHECK_PING:
    case SCENARIO_CHECK_TCP:
        return (task->pick.result != CHECK_PICKED
                || check_prober_result(prober, task->probe)->done);
    case SCENARIO_CHECK_DHCP:
        return true;
    case SCENARIO_CHECK_EXEC:
        return check_execs_result(execs, task->job)->done;
    case SCENARIO_CHECK_ISOLATION:
        return false;
    }
    return false;
}

/* Appends the result of 'task''s check, named and placed, for the caller
 * to fill in. */
static struct check_result *
add_task_result(const struct check_task *task, struct check_results *results)
{
    const struct scenario_check *check = task->check;
    char *name = check->name ? xstrdup(check->name) : generated_name(check);
    struct check_result *result;

    result = check_results_add(results, scenario_check_kind_name(check->kind),
                               name);
    result->loc = check->loc;
    free(name);
    return result;
}

/* The failed result of a check stopped before its verdict. */
static void
finish_interrupted(const struct check_task *task,
                   struct check_results *results)
{
    struct check_result *result = add_task_result(task, results);

    result->expected = xstrdup("a verdict");
    result->observed = xstrdup("interrupted before the check ended");
    result->passed = false;
}

static void
finish_task(const struct check_env *env, const struct check_task *task,
            const struct check_prober *prober,
            const struct check_execs *execs, struct check_results *results)
{
    const struct scenario_check *check = task->check;
    struct check_result *result = add_task_result(task, results);

    switch (check->kind) {
    case SCENARIO_CHECK_PING:
    case SCENARIO_CHECK_TCP:
        finish_reach(task, prober, result);
        break;
    case SCENARIO_CHECK_DHCP:
        finish_dhcp(env, task, result);
        break;
    case SCENARIO_CHECK_ISOLATION:
        check_isolation_finish(task->isolation, prober, result);
        break;
    case SCENARIO_CHECK_EXEC:
        finish_exec(task, execs, result);
        break;
    }
}

static void
run_isolation(struct check_task *tasks, size_t n,
              struct check_prober *prober)
{
    for (size_t i = 0; i < n; i++) {
        if (tasks[i].isolation) {
            check_isolation_run(tasks[i].isolation, prober);
        }
    }
}

void
check_run_all(const struct check_env *env, struct check_results *results)
{
    const struct scenario *s = env->scenario;
    struct check_prober *prober = check_prober_create();
    struct check_execs *execs = check_execs_create();
    struct check_task *tasks = xcalloc(MAX(s->n_checks, 1), sizeof *tasks);
    long long int start = time_msec();
    struct scenario_holders holders;
    struct check_pollset ps;
    bool stopped = false;

    scenario_holders_init(&holders);
    check_holders_add_all(env, &holders);
    for (size_t i = 0; i < s->n_checks; i++) {
        tasks[i].check = &s->checks[i];
        plan_task(env, &holders, &tasks[i], prober, execs);
    }
    scenario_holders_destroy(&holders);

    /* Commands first: starting them takes a while, which must not count
     * in the probes' round-trip times. */
    check_execs_start(execs);
    check_prober_start(prober);
    run_isolation(tasks, s->n_checks, prober);
    check_pollset_init(&ps);
    while (!check_prober_done(prober) || !check_execs_done(execs)) {
        check_pollset_clear(&ps);
        check_prober_wait(prober, &ps);
        check_execs_wait(execs, &ps);
        if (env->stop) {
            check_pollset_wake_at(&ps, time_msec() + STOP_POLL_MS);
        }
        check_pollset_block(&ps);
        if (env->stop && env->stop()) {
            stopped = true;
            break;
        }
        check_prober_run(prober, &ps);
        run_isolation(tasks, s->n_checks, prober);
        check_execs_run(execs, &ps);
    }
    check_pollset_destroy(&ps);

    for (size_t i = 0; i < s->n_checks; i++) {
        if (stopped && !task_has_verdict(&tasks[i], prober, execs)) {
            finish_interrupted(&tasks[i], results);
        } else {
            finish_task(env, &tasks[i], prober, execs, results);
        }
    }
    results->duration_ms += time_msec() - start;

    free(tasks);
    check_prober_destroy(prober);
    check_execs_destroy(execs);
}
