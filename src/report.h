/*
 * report: check results as a table for people, as JSON for scripts, and
 * as JUnit XML for CI systems.
 *
 * The table has one line per check,
 *
 *     RESULT  CHECK            EXPECTED               OBSERVED           TIME
 *     PASS    ping ns2 -> ns1  reply from 10.0.0.1    reply from ...   0.00 s
 *     FAIL    ping ns3 -> ns1  reply from 10.0.0.1    no reply ...    10.00 s
 *               at lab.yaml:27
 *
 * with the position of each failed check, the wrong pairs of a failed
 * isolation matrix, and a closing "N passed, N failed (T s)" line.
 *
 * JSON (keys sorted):
 *
 *     {"lab": L, "file": F, "passed": N, "failed": N, "duration_ms": N,
 *      "checks": [{"name", "kind", "passed", "expected", "observed",
 *                  "duration_ms", "line", "column",
 *                  "details": [{"name", "passed", "expected", "observed",
 *                               "duration_ms"}, ...]}, ...]}
 *
 * ("file", "line", "column" and "details" only when known or present.)
 *
 * JUnit XML: one <testsuites> holding one <testsuite> named after the lab,
 * one <testcase> per result (classname: the lab name), except that a
 * result with details (an isolation matrix) gives one testcase per detail,
 * named "CHECK: DETAIL".  A failed testcase holds a <failure> whose message
 * is "expected X, observed Y".  The tests/failures counts are those of
 * testcases.
 *
 * Text anywhere in a report is made valid UTF-8 (invalid bytes become
 * U+FFFD), and XML 1.0 (other control characters than tab and newline
 * become U+FFFD).
 */
#ifndef REPORT_H
#define REPORT_H 1

#include <stdbool.h>
#include <stdio.h>
#include "openvswitch/compiler.h"

struct check_results;
struct ds;
struct json;

/* Appends the table to 'out', with ANSI colours if 'colour'. */
void report_format_text(const struct check_results *, bool colour,
                        struct ds *out);

/* True if output to 'stream' should be coloured: it is a terminal and the
 * environment variable NO_COLOR is unset or empty (https://no-color.org). */
bool report_use_colour(FILE *stream);

/* Prints the table to 'stream', coloured if report_use_colour(). */
void report_print(const struct check_results *, FILE *stream);

/* Returns the JSON form (the caller frees it with json_destroy()). */
struct json *report_to_json(const struct check_results *);

/* Appends the JUnit XML document to 'out'. */
void report_format_junit(const struct check_results *, struct ds *out);

/* Write the JSON or JUnit XML report to the file 'path' (replaced if it
 * exists; "-" is standard output).  Return NULL or a malloc'd error
 * message. */
char *report_write_json(const struct check_results *, const char *path)
    OVS_WARN_UNUSED_RESULT;
char *report_write_junit(const struct check_results *, const char *path)
    OVS_WARN_UNUSED_RESULT;

#endif /* report.h */
