/*
 * Unit tests of the reports: a hand-built result set rendered as a table,
 * JSON and JUnit XML, compared with the exact expected documents, plus
 * escaping, colour and file output.  Needs no privileges.
 */
#include <config.h>

#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <CUnit/Basic.h>

#include "check.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "report.h"
#include "tests/cunit-util.h"
#include "util.h"

static struct check_result *
add_result(struct check_results *results, const char *kind, const char *name,
           bool passed, const char *expected, const char *observed,
           long long int duration_ms, int line)
{
    struct check_result *r = check_results_add(results, kind, name);

    r->passed = passed;
    r->expected = xstrdup(expected);
    r->observed = xstrdup(observed);
    r->duration_ms = duration_ms;
    r->loc.line = line;
    r->loc.column = line ? 5 : 0;
    return r;
}

static void
set_detail(struct check_detail *d, const char *name, bool passed,
           const char *expected, const char *observed,
           long long int duration_ms)
{
    d->name = xstrdup(name);
    d->passed = passed;
    d->expected = xstrdup(expected);
    d->observed = xstrdup(observed);
    d->duration_ms = duration_ms;
}

/* The result set of most tests: a passed ping, a failed tcp check, an
 * isolation matrix with one wrong pair, and a problem of the lab. */
static void
build_demo(struct check_results *results)
{
    struct check_result *r;

    check_results_init(results, "demo", "demo.yaml");
    add_result(results, "ping", "ping a -> b", true, "reply from 10.0.0.2",
               "reply from 10.0.0.2 in 0.3 ms", 12, 10);
    add_result(results, "tcp", "tcp a -> c port 80", false,
               "connection to 10.0.1.2 port 80", "connection refused", 2000,
               12);
    r = add_result(results, "isolation", "isolation a, b", false,
                   "2 pairs: 2 reachable, 0 isolated",
                   "1 of 2 pairs wrong: b -> a not reached", 2000, 20);
    r->details = xcalloc(2, sizeof *r->details);
    r->n_details = 2;
    set_detail(&r->details[0], "a -> b", true,
               "reachable (switch br0 untagged)",
               "reply from 10.0.0.2 in 0.2 ms", 1);
    set_detail(&r->details[1], "b -> a", false,
               "reachable (switch br0 untagged)",
               "no reply from 10.0.0.1 within 2 s", 2000);
    check_results_add_problem(results, "dnsmasq in a",
                              "exited with status %d", 2);
    results->duration_ms = 2340;
}

static void
test_counts(void)
{
    struct check_results results;

    build_demo(&results);
    CU_ASSERT_EQUAL(results.n, 4);
    CU_ASSERT_EQUAL(check_results_n_passed(&results), 1);
    CU_ASSERT_EQUAL(check_results_n_failed(&results), 3);
    CU_ASSERT_STRING_EQUAL(results.results[3].kind, CHECK_KIND_LAB);
    CU_ASSERT_FALSE(results.results[3].passed);
    CU_ASSERT_STRING_EQUAL(results.results[3].observed,
                           "exited with status 2");
    check_results_destroy(&results);
    check_results_destroy(NULL);
}

static void
test_text(void)
{
    static const char expected[] =
        "RESULT  CHECK               EXPECTED                          "
        "OBSERVED                                   TIME\n"
        "PASS    ping a -> b         reply from 10.0.0.2               "
        "reply from 10.0.0.2 in 0.3 ms            0.01 s\n"
        "FAIL    tcp a -> c port 80  connection to 10.0.1.2 port 80    "
        "connection refused                       2.00 s\n"
        "          at demo.yaml:12\n"
        "FAIL    isolation a, b      2 pairs: 2 reachable, 0 isolated  "
        "1 of 2 pairs wrong: b -> a not reached   2.00 s\n"
        "          at demo.yaml:20\n"
        "          b -> a: expected reachable (switch br0 untagged), "
        "observed no reply from 10.0.0.1 within 2 s\n"
        "FAIL    dnsmasq in a        no problem                        "
        "exited with status 2                     0.00 s\n"
        "1 passed, 3 failed (2.34 s)\n";
    struct check_results results;
    struct ds out = DS_EMPTY_INITIALIZER;

    build_demo(&results);
    report_format_text(&results, false, &out);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&out), expected);
    if (strcmp(ds_cstr(&out), expected)) {
        fprintf(stderr, "got:\n%s", ds_cstr(&out));
    }
    CU_ASSERT_PTR_NULL(strchr(ds_cstr(&out), '\033'));
    ds_destroy(&out);
    check_results_destroy(&results);
}

/* A problem whose text has more lines (the end of a log): the first in
 * the table, the others under it, never control characters in a cell. */
static void
test_text_more_lines(void)
{
    static const char expected[] =
        "RESULT  CHECK        EXPECTED    OBSERVED                        "
        "              TIME\n"
        "FAIL    dhcp server  no problem  node a: dnsmasq exited; the end "
        "of d.log:   0.00 s\n"
        "          dnsmasq: bad option\n"
        "          FAILED to start up\n"
        "0 passed, 1 failed (0.00 s)\n";
    struct check_results results;
    struct ds out = DS_EMPTY_INITIALIZER;

    check_results_init(&results, "demo", "demo.yaml");
    check_results_add_problem(&results, "dhcp server", "%s",
                              "node a: dnsmasq exited; the end of d.log:\n"
                              "    dnsmasq: bad option\n\n"
                              "    FAILED to start up\n");
    report_format_text(&results, false, &out);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&out), expected);
    if (strcmp(ds_cstr(&out), expected)) {
        fprintf(stderr, "got:\n%s", ds_cstr(&out));
    }
    ds_destroy(&out);
    check_results_destroy(&results);
}

static void
test_text_colour(void)
{
    struct check_results results;
    struct ds out = DS_EMPTY_INITIALIZER;
    const char *s;

    build_demo(&results);
    report_format_text(&results, true, &out);
    s = ds_cstr(&out);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\n\033[32mPASS\033[0m    ping a -> b "));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\n\033[1;31mFAIL\033[0m    tcp a -> c"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\n\033[1;31m1 passed, 3 failed\033[0m "
                                  "(2.34 s)\n"));
    ds_destroy(&out);
    check_results_destroy(&results);
}

/* An empty run, and a name longer than the widest column: the column stops
 * growing and that line alone is pushed right. */
static void
test_text_widths(void)
{
    static const char long_name[] =
        "a check name that is longer than forty-two characters";
    struct check_results results;
    struct ds out = DS_EMPTY_INITIALIZER;
    char *line;

    check_results_init(&results, "empty", NULL);
    report_format_text(&results, false, &out);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&out),
                           "RESULT  CHECK  EXPECTED  OBSERVED     TIME\n"
                           "0 passed, 0 failed (0.00 s)\n");

    ds_clear(&out);
    add_result(&results, "exec", long_name, true, "e", "o", 0, 0);
    add_result(&results, "exec", "caf\xc3\xa9", true, "e", "o", 0, 0);
    report_format_text(&results, false, &out);
    /* The name column is 40 wide; "café" is 4 characters, 5 bytes. */
    line = xasprintf("RESULT  CHECK%35s  EXPECTED  OBSERVED     TIME\n"
                     "PASS    %s  e         o          0.00 s\n"
                     "PASS    caf\xc3\xa9%36s  e         o          0.00 s\n",
                     "", long_name, "");
    CU_ASSERT_EQUAL(strncmp(ds_cstr(&out), line, strlen(line)), 0);
    if (strncmp(ds_cstr(&out), line, strlen(line))) {
        fprintf(stderr, "got:\n%s\nwanted:\n%s", ds_cstr(&out), line);
    }
    free(line);
    ds_destroy(&out);
    check_results_destroy(&results);
}

static void
test_use_colour(void)
{
    int master, slave;
    FILE *file = tmpfile();
    FILE *tty;

    unsetenv("NO_COLOR");
    CU_ASSERT_FALSE(report_use_colour(file));
    fclose(file);

    CU_ASSERT_EQUAL_FATAL(openpty(&master, &slave, NULL, NULL, NULL), 0);
    tty = fdopen(slave, "w");
    CU_ASSERT_TRUE(report_use_colour(tty));
    setenv("NO_COLOR", "1", 1);
    CU_ASSERT_FALSE(report_use_colour(tty));
    setenv("NO_COLOR", "", 1);
    CU_ASSERT_TRUE(report_use_colour(tty));
    unsetenv("NO_COLOR");
    fclose(tty);
    close(master);
}

static const char demo_json[] =
    "{\"checks\":["
    "{\"column\":5,\"duration_ms\":12,\"expected\":\"reply from 10.0.0.2\","
    "\"kind\":\"ping\",\"line\":10,\"name\":\"ping a -> b\","
    "\"observed\":\"reply from 10.0.0.2 in 0.3 ms\",\"passed\":true},"
    "{\"column\":5,\"duration_ms\":2000,"
    "\"expected\":\"connection to 10.0.1.2 port 80\",\"kind\":\"tcp\","
    "\"line\":12,\"name\":\"tcp a -> c port 80\","
    "\"observed\":\"connection refused\",\"passed\":false},"
    "{\"column\":5,\"details\":["
    "{\"duration_ms\":1,\"expected\":\"reachable (switch br0 untagged)\","
    "\"name\":\"a -> b\",\"observed\":\"reply from 10.0.0.2 in 0.2 ms\","
    "\"passed\":true},"
    "{\"duration_ms\":2000,\"expected\":\"reachable (switch br0 untagged)\","
    "\"name\":\"b -> a\",\"observed\":\"no reply from 10.0.0.1 within 2 s\","
    "\"passed\":false}],"
    "\"duration_ms\":2000,\"expected\":\"2 pairs: 2 reachable, 0 isolated\","
    "\"kind\":\"isolation\",\"line\":20,\"name\":\"isolation a, b\","
    "\"observed\":\"1 of 2 pairs wrong: b -> a not reached\","
    "\"passed\":false},"
    "{\"duration_ms\":0,\"expected\":\"no problem\",\"kind\":\"lab\","
    "\"name\":\"dnsmasq in a\",\"observed\":\"exited with status 2\","
    "\"passed\":false}],"
    "\"duration_ms\":2340,\"failed\":3,\"file\":\"demo.yaml\","
    "\"lab\":\"demo\",\"passed\":1}";

static void
test_json(void)
{
    struct check_results results;
    struct json *json;
    char *s;

    build_demo(&results);
    json = report_to_json(&results);
    s = json_to_string(json, JSSF_SORT);
    CU_ASSERT_STRING_EQUAL(s, demo_json);
    if (strcmp(s, demo_json)) {
        fprintf(stderr, "got:\n%s\n", s);
    }
    free(s);
    json_destroy(json);
    check_results_destroy(&results);
}

static const char demo_junit[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<testsuites name=\"ovs-lab\" tests=\"5\" failures=\"3\" errors=\"0\""
    " time=\"2.340\">\n"
    "  <testsuite name=\"demo\" tests=\"5\" failures=\"3\" errors=\"0\""
    " skipped=\"0\" time=\"2.340\">\n"
    "    <testcase name=\"ping a -&gt; b\" classname=\"demo\" time=\"0.012\""
    " file=\"demo.yaml\" line=\"10\"/>\n"
    "    <testcase name=\"tcp a -&gt; c port 80\" classname=\"demo\""
    " time=\"2.000\" file=\"demo.yaml\" line=\"12\">\n"
    "      <failure message=\"expected connection to 10.0.1.2 port 80,"
    " observed connection refused\" type=\"tcp\">demo.yaml:12: tcp a -&gt; c"
    " port 80\n"
    "expected: connection to 10.0.1.2 port 80\n"
    "observed: connection refused</failure>\n"
    "    </testcase>\n"
    "    <testcase name=\"isolation a, b: a -&gt; b\" classname=\"demo\""
    " time=\"0.001\" file=\"demo.yaml\" line=\"20\"/>\n"
    "    <testcase name=\"isolation a, b: b -&gt; a\" classname=\"demo\""
    " time=\"2.000\" file=\"demo.yaml\" line=\"20\">\n"
    "      <failure message=\"expected reachable (switch br0 untagged),"
    " observed no reply from 10.0.0.1 within 2 s\" type=\"isolation\">"
    "demo.yaml:20: isolation a, b: b -&gt; a\n"
    "expected: reachable (switch br0 untagged)\n"
    "observed: no reply from 10.0.0.1 within 2 s</failure>\n"
    "    </testcase>\n"
    "    <testcase name=\"dnsmasq in a\" classname=\"demo\" time=\"0.000\""
    " file=\"demo.yaml\">\n"
    "      <failure message=\"expected no problem, observed exited with"
    " status 2\" type=\"lab\">dnsmasq in a\n"
    "expected: no problem\n"
    "observed: exited with status 2</failure>\n"
    "    </testcase>\n"
    "  </testsuite>\n"
    "</testsuites>\n";

static void
test_junit(void)
{
    struct check_results results;
    struct ds out = DS_EMPTY_INITIALIZER;

    build_demo(&results);
    report_format_junit(&results, &out);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&out), demo_junit);
    if (strcmp(ds_cstr(&out), demo_junit)) {
        fprintf(stderr, "got:\n%s", ds_cstr(&out));
    }
    ds_destroy(&out);
    check_results_destroy(&results);
}

/* Markup characters, control characters, invalid UTF-8 and newlines in
 * every output. */
static void
test_escaping(void)
{
    static const char name[] = "x<y & \"q\" 'z'\x01\xff caf\xc3\xa9";
    static const char clean[] = "x<y & \"q\" 'z'\x01\xef\xbf\xbd caf\xc3\xa9";
    struct check_results results;
    struct ds out = DS_EMPTY_INITIALIZER;
    struct json *json, *checks;
    const char *s;

    check_results_init(&results, "l&b", NULL);
    add_result(&results, "exec", name, false, "exit status 0",
               "line1\nline2\ttab\r", 0, 3);

    report_format_junit(&results, &out);
    s = ds_cstr(&out);
    CU_ASSERT_PTR_NOT_NULL(strstr(
        s, "<testcase name=\"x&lt;y &amp; &quot;q&quot; &apos;z&apos;"
        "\xef\xbf\xbd\xef\xbf\xbd caf\xc3\xa9\" classname=\"l&amp;b\""
        " time=\"0.000\" line=\"3\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(
        s, "message=\"expected exit status 0, observed line1&#10;line2&#9;"
        "tab&#13;\" type=\"exec\">line 3: x&lt;y"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "observed: line1\nline2\ttab&#13;"
                                  "</failure>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<testsuite name=\"l&amp;b\""));
    for (const char *p = s; *p; p++) {
        unsigned char c = *p;
        CU_ASSERT(c >= 0x20 || c == '\n' || c == '\t');
    }

    json = report_to_json(&results);
    checks = shash_find_data(json_object(json), "checks");
    CU_ASSERT_STRING_EQUAL(
        json_string(shash_find_data(
                        json_object(json_array(checks)->elems[0]), "name")),
        clean);
    json_destroy(json);

    ds_clear(&out);
    report_format_text(&results, false, &out);
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&out),
                                  "FAIL    x<y & \"q\" 'z'\xef\xbf\xbd"
                                  "\xef\xbf\xbd caf\xc3\xa9  "));
    /* The observed text's second line goes under the result's line. */
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&out),
                                  " s\n          line2\xef\xbf\xbdtab"
                                  "\xef\xbf\xbd\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&out), "  line1  "));
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&out), "          at line 3\n"));
    ds_destroy(&out);
    check_results_destroy(&results);
}

static char *
read_file(const char *path)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    FILE *stream = fopen(path, "r");

    CU_ASSERT_PTR_NOT_NULL_FATAL(stream);
    for (int c; (c = getc(stream)) != EOF;) {
        ds_put_char(&s, c);
    }
    fclose(stream);
    return ds_steal_cstr(&s);
}

static void
test_files(void)
{
    char dir[] = "/tmp/test-report-XXXXXX";
    struct check_results results;
    struct json *json, *from_file;
    char *path, *error, *content;

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    build_demo(&results);

    path = xasprintf("%s/report.json", dir);
    error = report_write_json(&results, path);
    CU_ASSERT_PTR_NULL(error);
    json = report_to_json(&results);
    from_file = json_from_file(path);
    CU_ASSERT_TRUE(json_equal(json, from_file));
    json_destroy(json);
    json_destroy(from_file);
    unlink(path);
    free(path);

    path = xasprintf("%s/report.xml", dir);
    error = report_write_junit(&results, path);
    CU_ASSERT_PTR_NULL(error);
    content = read_file(path);
    CU_ASSERT_STRING_EQUAL(content, demo_junit);
    free(content);
    unlink(path);
    free(path);

    path = xasprintf("%s/missing/report.xml", dir);
    error = report_write_junit(&results, path);
    CU_ASSERT_PTR_NOT_NULL(error);
    CU_ASSERT_PTR_NOT_NULL(error ? strstr(error, path) : NULL);
    free(error);
    free(path);

    rmdir(dir);
    check_results_destroy(&results);
}

int
main(void)
{
    static const struct test_case tests[] = {
        { "result counts and problems", test_counts },
        { "text: lines after the first", test_text_more_lines },
        { "text table", test_text },
        { "text table with colour", test_text_colour },
        { "text column widths", test_text_widths },
        { "colour only on a terminal without NO_COLOR", test_use_colour },
        { "JSON document", test_json },
        { "JUnit XML document", test_junit },
        { "escaping and invalid UTF-8", test_escaping },
        { "writing report files", test_files },
    };

    return TEST_RUN_SUITE("report", tests);
}
