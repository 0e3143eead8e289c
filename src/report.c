/*
 * Reports of check results: terminal table, JSON, JUnit XML.
 */
#include <config.h>
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "util.h"

/* Column widths of the table are those of the longest value, up to these;
 * a longer value pushes the rest of its own line only. */
#define REPORT_NAME_WIDTH 40
#define REPORT_EXPECTED_WIDTH 36
#define REPORT_OBSERVED_WIDTH 48
#define REPORT_TIME_WIDTH 9

/* Failed details (isolation pairs) listed under a failed check. */
#define REPORT_MAX_DETAILS 20

#define COLOUR_PASS "\033[32m"
#define COLOUR_FAIL "\033[1;31m"
#define COLOUR_OFF "\033[0m"

/* U+FFFD REPLACEMENT CHARACTER. */
#define REPLACEMENT "\xef\xbf\xbd"

/* ---- UTF-8. ---- */

/* The length (1 to 4) of the well-formed UTF-8 sequence that 's' starts
 * with, or 0 if it is not one (a null byte ends every sequence). */
static size_t
utf8_sequence_length(const char *s_)
{
    const unsigned char *s = (const unsigned char *) s_;
    unsigned int cp;
    size_t n;

    if (s[0] < 0x80) {
        return 1;
    } else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2;
        cp = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3;
        cp = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)
        || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0;               /* Overlong, out of range, surrogate. */
    }
    return n;
}

/* Appends 's' to 'out' as valid UTF-8, with U+FFFD for each invalid byte
 * and, unless 'keep_controls', for each control character.  Returns the
 * number of characters appended. */
static size_t
put_clean(struct ds *out, const char *s, bool keep_controls)
{
    size_t n_chars = 0;

    while (*s) {
        size_t n = utf8_sequence_length(s);

        if (!n || (n == 1 && !keep_controls
                   && ((unsigned char) *s < 0x20 || *s == 0x7f))) {
            ds_put_cstr(out, REPLACEMENT);
            n = 1;
        } else {
            ds_put_buffer(out, s, n);
        }
        s += n;
        n_chars++;
    }
    return n_chars;
}

/* ---- Text table. ---- */

static size_t
text_width(const char *s)
{
    struct ds tmp = DS_EMPTY_INITIALIZER;
    size_t width = put_clean(&tmp, s, false);

    ds_destroy(&tmp);
    return width;
}

/* Appends 's' cleaned for a terminal, padded with spaces to 'width'. */
static void
put_cell(struct ds *out, const char *s, size_t width)
{
    size_t n = put_clean(out, s, false);

    ds_put_char_multiple(out, ' ', width > n ? width - n : 0);
}

/* Widens '*width' to fit 's', up to 'max'. */
static void
fit_column(size_t *width, const char *s, size_t max)
{
    *width = MIN(MAX(*width, text_width(s ? s : "")), max);
}

/* Returns the first line of 's' (NULL taken as ""), malloc'd.  The
 * OBSERVED cell shows only that: the lines after it (a log's end, in a
 * problem of the lab) are listed below the result's line by
 * put_more_lines(). */
static char *
first_line(const char *s)
{
    s = s ? s : "";
    return xmemdup0(s, strcspn(s, "\n"));
}

/* Appends the non-empty lines of 's' after its first, indented under the
 * result's line. */
static void
put_more_lines(struct ds *out, const char *s)
{
    const char *nl = s ? strchr(s, '\n') : NULL;

    while (nl) {
        const char *line = nl + 1;
        size_t len;

        line += strspn(line, " \t");
        len = strcspn(line, "\n");
        if (len) {
            char *copy = xmemdup0(line, len);

            ds_put_cstr(out, "          ");
            put_clean(out, copy, false);
            ds_put_char(out, '\n');
            free(copy);
        }
        nl = strchr(line, '\n');
    }
}

static void
put_status(struct ds *out, bool passed, bool colour)
{
    if (colour) {
        ds_put_cstr(out, passed ? COLOUR_PASS : COLOUR_FAIL);
    }
    ds_put_cstr(out, passed ? "PASS" : "FAIL");
    if (colour) {
        ds_put_cstr(out, COLOUR_OFF);
    }
    ds_put_cstr(out, "    ");
}

static void
put_time(struct ds *out, long long int ms)
{
    char buf[32];

    snprintf(buf, sizeof buf, "%.2f s", ms / 1000.0);
    ds_put_format(out, "%*s", REPORT_TIME_WIDTH, buf);
}

/* Appends what a failed result needs beyond its line: where it is in the
 * scenario, and its failed details. */
static void
put_failure_notes(struct ds *out, const struct check_results *results,
                  const struct check_result *r)
{
    size_t n_listed = 0, n_failed = 0;

    if (r->loc.line > 0) {
        ds_put_cstr(out, "          at ");
        if (results->file_name) {
            put_clean(out, results->file_name, false);
            ds_put_format(out, ":%d\n", r->loc.line);
        } else {
            ds_put_format(out, "line %d\n", r->loc.line);
        }
    }
    for (size_t i = 0; i < r->n_details; i++) {
        const struct check_detail *d = &r->details[i];

        if (d->passed) {
            continue;
        }
        n_failed++;
        if (n_listed++ < REPORT_MAX_DETAILS) {
            ds_put_cstr(out, "          ");
            put_clean(out, d->name, false);
            ds_put_cstr(out, ": expected ");
            put_clean(out, d->expected, false);
            ds_put_cstr(out, ", observed ");
            put_clean(out, d->observed, false);
            ds_put_char(out, '\n');
        }
    }
    if (n_failed > REPORT_MAX_DETAILS) {
        ds_put_format(out, "          ... and %"PRIuSIZE" more\n",
                      n_failed - REPORT_MAX_DETAILS);
    }
}

void
report_format_text(const struct check_results *results, bool colour,
                   struct ds *out)
{
    size_t name_w = strlen("CHECK");
    size_t exp_w = strlen("EXPECTED");
    size_t obs_w = strlen("OBSERVED");
    size_t n_failed = check_results_n_failed(results);

    for (size_t i = 0; i < results->n; i++) {
        const struct check_result *r = &results->results[i];

        fit_column(&name_w, r->name, REPORT_NAME_WIDTH);
        fit_column(&exp_w, r->expected, REPORT_EXPECTED_WIDTH);
        char *observed = first_line(r->observed);
        fit_column(&obs_w, observed, REPORT_OBSERVED_WIDTH);
        free(observed);
    }

    ds_put_cstr(out, "RESULT  ");
    put_cell(out, "CHECK", name_w);
    ds_put_cstr(out, "  ");
    put_cell(out, "EXPECTED", exp_w);
    ds_put_cstr(out, "  ");
    put_cell(out, "OBSERVED", obs_w);
    ds_put_format(out, "%*s\n", REPORT_TIME_WIDTH, "TIME");

    for (size_t i = 0; i < results->n; i++) {
        const struct check_result *r = &results->results[i];

        put_status(out, r->passed, colour);
        put_cell(out, r->name, name_w);
        ds_put_cstr(out, "  ");
        put_cell(out, r->expected ? r->expected : "", exp_w);
        ds_put_cstr(out, "  ");
        char *observed = first_line(r->observed);
        put_cell(out, observed, obs_w);
        free(observed);
        put_time(out, r->duration_ms);
        ds_put_char(out, '\n');
        put_more_lines(out, r->observed);
        if (!r->passed) {
            put_failure_notes(out, results, r);
        }
    }

    if (colour) {
        ds_put_cstr(out, n_failed ? COLOUR_FAIL : COLOUR_PASS);
    }
    ds_put_format(out, "%"PRIuSIZE" passed, %"PRIuSIZE" failed",
                  results->n - n_failed, n_failed);
    if (colour) {
        ds_put_cstr(out, COLOUR_OFF);
    }
    ds_put_format(out, " (%.2f s)\n", results->duration_ms / 1000.0);
}

bool
report_use_colour(FILE *stream)
{
    const char *no_colour = getenv("NO_COLOR");

    return isatty(fileno(stream)) && !(no_colour && no_colour[0]);
}

void
report_print(const struct check_results *results, FILE *stream)
{
    struct ds out = DS_EMPTY_INITIALIZER;

    report_format_text(results, report_use_colour(stream), &out);
    fputs(ds_cstr(&out), stream);
    fflush(stream);
    ds_destroy(&out);
}

/* ---- JSON. ---- */

static struct json *
clean_json_string(const char *s)
{
    struct ds clean = DS_EMPTY_INITIALIZER;

    put_clean(&clean, s ? s : "", true);
    return json_string_create_nocopy(ds_steal_cstr(&clean));
}

static void
put_json_common(struct json *obj, const char *name, bool passed,
                const char *expected, const char *observed,
                long long int duration_ms)
{
    json_object_put(obj, "name", clean_json_string(name));
    json_object_put(obj, "passed", json_boolean_create(passed));
    json_object_put(obj, "expected", clean_json_string(expected));
    json_object_put(obj, "observed", clean_json_string(observed));
    json_object_put(obj, "duration_ms", json_integer_create(duration_ms));
}

struct json *
report_to_json(const struct check_results *results)
{
    struct json *checks = json_array_create_empty();
    struct json *top = json_object_create();
    size_t n_failed = check_results_n_failed(results);

    for (size_t i = 0; i < results->n; i++) {
        const struct check_result *r = &results->results[i];
        struct json *obj = json_object_create();

        put_json_common(obj, r->name, r->passed, r->expected, r->observed,
                        r->duration_ms);
        json_object_put_string(obj, "kind", r->kind);
        if (r->loc.line > 0) {
            json_object_put(obj, "line", json_integer_create(r->loc.line));
            json_object_put(obj, "column",
                            json_integer_create(r->loc.column));
        }
        if (r->n_details) {
            struct json *details = json_array_create_empty();

            for (size_t j = 0; j < r->n_details; j++) {
                const struct check_detail *d = &r->details[j];
                struct json *dobj = json_object_create();

                put_json_common(dobj, d->name, d->passed, d->expected,
                                d->observed, d->duration_ms);
                json_array_add(details, dobj);
            }
            json_object_put(obj, "details", details);
        }
        json_array_add(checks, obj);
    }

    json_object_put(top, "lab", clean_json_string(results->lab));
    if (results->file_name) {
        json_object_put(top, "file", clean_json_string(results->file_name));
    }
    json_object_put(top, "passed",
                    json_integer_create(results->n - n_failed));
    json_object_put(top, "failed", json_integer_create(n_failed));
    json_object_put(top, "duration_ms",
                    json_integer_create(results->duration_ms));
    json_object_put(top, "checks", checks);
    return top;
}

/* ---- JUnit XML. ---- */

/* Appends 's' escaped for XML character data or, if 'attr', for an
 * attribute value in double quotes. */
static void
put_xml(struct ds *out, const char *s, bool attr)
{
    struct ds clean = DS_EMPTY_INITIALIZER;

    put_clean(&clean, s ? s : "", true);
    for (const char *p = ds_cstr(&clean); *p; p++) {
        unsigned char c = *p;

        switch (c) {
        case '&':
            ds_put_cstr(out, "&amp;");
            break;
        case '<':
            ds_put_cstr(out, "&lt;");
            break;
        case '>':
            ds_put_cstr(out, "&gt;");
            break;
        case '"':
            ds_put_cstr(out, "&quot;");
            break;
        case '\'':
            ds_put_cstr(out, "&apos;");
            break;
        case '\r':
            /* A parser turns a literal CR into LF. */
            ds_put_cstr(out, "&#13;");
            break;
        case '\t':
        case '\n':
            /* Attribute values are normalized: keep these as references. */
            if (attr) {
                ds_put_format(out, "&#%d;", c);
            } else {
                ds_put_char(out, c);
            }
            break;
        default:
            if (c < 0x20) {
                ds_put_cstr(out, REPLACEMENT); /* Not allowed in XML 1.0. */
            } else {
                ds_put_char(out, c);
            }
            break;
        }
    }
    ds_destroy(&clean);
}

static void
put_xml_attr(struct ds *out, const char *name, const char *value)
{
    ds_put_format(out, " %s=\"", name);
    put_xml(out, value, true);
    ds_put_char(out, '"');
}

static void
put_xml_seconds(struct ds *out, const char *name, long long int ms)
{
    ds_put_format(out, " %s=\"%.3f\"", name, ms / 1000.0);
}

static void
put_testcase(struct ds *out, const struct check_results *results,
             const struct check_result *r, const char *name, bool passed,
             const char *expected, const char *observed,
             long long int duration_ms)
{
    ds_put_cstr(out, "    <testcase");
    put_xml_attr(out, "name", name);
    put_xml_attr(out, "classname", results->lab);
    put_xml_seconds(out, "time", duration_ms);
    if (results->file_name) {
        put_xml_attr(out, "file", results->file_name);
    }
    if (r->loc.line > 0) {
        ds_put_format(out, " line=\"%d\"", r->loc.line);
    }
    if (passed) {
        ds_put_cstr(out, "/>\n");
        return;
    }

    char *message = xasprintf("expected %s, observed %s",
                              expected ? expected : "",
                              observed ? observed : "");
    ds_put_cstr(out, ">\n      <failure");
    put_xml_attr(out, "message", message);
    put_xml_attr(out, "type", r->kind);
    ds_put_char(out, '>');
    if (r->loc.line > 0) {
        char *where = (results->file_name
                       ? xasprintf("%s:%d: ", results->file_name, r->loc.line)
                       : xasprintf("line %d: ", r->loc.line));
        put_xml(out, where, false);
        free(where);
    }
    put_xml(out, name, false);
    ds_put_cstr(out, "\nexpected: ");
    put_xml(out, expected, false);
    ds_put_cstr(out, "\nobserved: ");
    put_xml(out, observed, false);
    ds_put_cstr(out, "</failure>\n    </testcase>\n");
    free(message);
}

void
report_format_junit(const struct check_results *results, struct ds *out)
{
    size_t n_tests = 0, n_failures = 0;
    struct ds cases = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < results->n; i++) {
        const struct check_result *r = &results->results[i];

        if (!r->n_details) {
            put_testcase(&cases, results, r, r->name, r->passed,
                         r->expected, r->observed, r->duration_ms);
            n_tests++;
            n_failures += !r->passed;
            continue;
        }
        for (size_t j = 0; j < r->n_details; j++) {
            const struct check_detail *d = &r->details[j];
            char *name = xasprintf("%s: %s", r->name, d->name);

            put_testcase(&cases, results, r, name, d->passed, d->expected,
                         d->observed, d->duration_ms);
            free(name);
            n_tests++;
            n_failures += !d->passed;
        }
    }

    ds_put_cstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    ds_put_format(out, "<testsuites name=\"ovs-lab\" tests=\"%"PRIuSIZE"\""
                  " failures=\"%"PRIuSIZE"\" errors=\"0\"",
                  n_tests, n_failures);
    put_xml_seconds(out, "time", results->duration_ms);
    ds_put_cstr(out, ">\n  <testsuite");
    put_xml_attr(out, "name", results->lab);
    ds_put_format(out, " tests=\"%"PRIuSIZE"\" failures=\"%"PRIuSIZE"\""
                  " errors=\"0\" skipped=\"0\"", n_tests, n_failures);
    put_xml_seconds(out, "time", results->duration_ms);
    ds_put_cstr(out, ">\n");
    ds_put_buffer(out, cases.string, cases.length);
    ds_put_cstr(out, "  </testsuite>\n</testsuites>\n");
    ds_destroy(&cases);
}

/* ---- Files. ---- */

static char *
write_file(const char *path, const char *content)
{
    bool is_stdout = !strcmp(path, "-");
    FILE *stream = is_stdout ? stdout : fopen(path, "w");
    int error = 0;

    if (!stream) {
        return xasprintf("%s: cannot open for writing: %s", path,
                         ovs_strerror(errno));
    }
    if (fputs(content, stream) == EOF) {
        error = errno;
    }
    if (is_stdout ? fflush(stream) : fclose(stream)) {
        error = error ? error : errno;
    }
    return (error
            ? xasprintf("%s: cannot write: %s", path, ovs_strerror(error))
            : NULL);
}

char *
report_write_json(const struct check_results *results, const char *path)
{
    struct json *json = report_to_json(results);
    char *text = json_to_string(json, JSSF_PRETTY | JSSF_SORT);
    char *content = xasprintf("%s\n", text);
    char *error = write_file(path, content);

    free(content);
    free(text);
    json_destroy(json);
    return error;
}

char *
report_write_junit(const struct check_results *results, const char *path)
{
    struct ds xml = DS_EMPTY_INITIALIZER;
    char *error;

    report_format_junit(results, &xml);
    error = write_file(path, ds_cstr(&xml));
    ds_destroy(&xml);
    return error;
}
