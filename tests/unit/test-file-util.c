/*
 * Unit tests of file-util (no root): whole-file writes, the end of a log
 * file, and finding programs, in a temporary directory of their own.
 */
#include <config.h>
#include "file-util.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "svec.h"
#include "tests/cunit-util.h"
#include "util.h"

static char *tmp_dir;

static void
setup(void)
{
    char template[] = "/tmp/ovs-lab-test-file-util.XXXXXX";

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(template));
    tmp_dir = xstrdup(template);
}

static void
teardown(void)
{
    CU_ASSERT_EQUAL(rmdir(tmp_dir), 0);     /* The test removed its files. */
    free(tmp_dir);
}

/* Writes 'text' to 'name' in the temporary directory, with 'mode', and
 * returns its path (malloc'd). */
static char *
make_file(const char *name, const char *text, mode_t mode)
{
    char *path = xasprintf("%s/%s", tmp_dir, name);

    CU_ASSERT_EQUAL_FATAL(file_write_string(path, text), 0);
    CU_ASSERT_EQUAL_FATAL(chmod(path, mode), 0);
    return path;
}

/* Asserts that the last 'n' lines of 'path' are 'expected' (joined by
 * '|'). */
static void
assert_last_lines(const char *path, size_t n, const char *expected)
{
    struct svec lines = SVEC_EMPTY_INITIALIZER;
    char *joined;

    CU_ASSERT_EQUAL(file_read_last_lines(path, n, &lines), 0);
    joined = svec_join(&lines, "|", "");
    CU_ASSERT_STRING_EQUAL(joined, expected);
    if (strcmp(joined, expected)) {
        fprintf(stderr, "last %zu lines: \"%s\", expected \"%s\"\n", n,
                joined, expected);
    }
    free(joined);
    svec_destroy(&lines);
}

static void
test_replace_string(void)
{
    setup();

    char *path = make_file("replaced", "old\n", 0644);
    char *tmp = xasprintf("%s.tmp", path);
    char *text;

    CU_ASSERT_EQUAL(file_replace_string(path, "new\n"), 0);
    CU_ASSERT_EQUAL(file_read_string(path, &text), 0);
    CU_ASSERT_STRING_EQUAL(text ? text : "", "new\n");
    CU_ASSERT(access(tmp, F_OK) < 0 && errno == ENOENT);
    free(text);

    /* A directory that does not exist: an error, nothing written. */
    char *missing = xasprintf("%s/no-such-dir/file", tmp_dir);
    CU_ASSERT_EQUAL(file_replace_string(missing, "x"), ENOENT);
    CU_ASSERT_EQUAL(file_read_string(missing, &text), ENOENT);
    CU_ASSERT_PTR_NULL(text);

    free(missing);
    unlink(path);
    free(tmp);
    free(path);
    teardown();
}

static void
test_last_lines(void)
{
    setup();

    char *path = make_file("log", "", 0644);
    struct svec lines = SVEC_EMPTY_INITIALIZER;

    assert_last_lines(path, 3, "");

    /* Empty and blank lines do not count; trailing blanks are cut. */
    CU_ASSERT_EQUAL_FATAL(
        file_write_string(path, "one\ntwo\n\n  \nthree \r\n\n"), 0);
    assert_last_lines(path, 1, "three");
    assert_last_lines(path, 2, "two|three");
    assert_last_lines(path, 10, "one|two|three");
    assert_last_lines(path, 0, "");

    /* No newline at the end. */
    CU_ASSERT_EQUAL_FATAL(file_write_string(path, "a\nb"), 0);
    assert_last_lines(path, 1, "b");

    /* A long file: only its end is read. */
    struct ds text = DS_EMPTY_INITIALIZER;
    for (int i = 0; i < 10000; i++) {
        ds_put_format(&text, "line %d\n", i);
    }
    CU_ASSERT_EQUAL_FATAL(file_write_string(path, ds_cstr(&text)), 0);
    assert_last_lines(path, 2, "line 9998|line 9999");
    ds_destroy(&text);

    /* Lines are appended to what 'lines' holds. */
    svec_add(&lines, "before");
    CU_ASSERT_EQUAL(file_read_last_lines(path, 1, &lines), 0);
    CU_ASSERT_EQUAL(lines.n, 2);
    CU_ASSERT_STRING_EQUAL(lines.names[lines.n - 1], "line 9999");
    svec_destroy(&lines);

    unlink(path);
    CU_ASSERT_EQUAL(file_read_last_lines(path, 1, &lines), ENOENT);
    CU_ASSERT_EQUAL(lines.n, 0);
    free(path);
    teardown();
}

static void
test_format_tail(void)
{
    setup();

    char *path = make_file("log", "", 0644);
    char *tail;

    tail = file_format_tail(path, 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(tail, "is empty"));
    free(tail);

    CU_ASSERT_EQUAL_FATAL(file_write_string(path, "one\ntwo\nthree\n\n"), 0);
    tail = file_format_tail(path, 2);
    CU_ASSERT_STRING_EQUAL(tail, "    two\n    three\n");
    free(tail);
    tail = file_format_tail(path, 10);
    CU_ASSERT_STRING_EQUAL(tail, "    one\n    two\n    three\n");
    free(tail);

    unlink(path);
    tail = file_format_tail(path, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(tail, "cannot read"));
    free(tail);
    free(path);
    teardown();
}

static void
test_find_executable(void)
{
    setup();

    char *program = make_file("prog", "#!/bin/sh\n", 0755);
    char *plain = make_file("plain", "", 0644);
    char *dirs = xasprintf("::/nonexistent:%s", tmp_dir);
    char *found;

    found = file_find_executable("prog", dirs);
    CU_ASSERT_STRING_EQUAL(found ? found : "", program);
    free(found);

    /* Not executable, or not there: not found.  Empty entries are not the
     * current directory. */
    CU_ASSERT_PTR_NULL(file_find_executable("plain", dirs));
    CU_ASSERT_PTR_NULL(file_find_executable("missing", dirs));
    CU_ASSERT_EQUAL_FATAL(chdir(tmp_dir), 0);
    CU_ASSERT_PTR_NULL(file_find_executable("prog", "::"));
    CU_ASSERT_EQUAL(chdir("/"), 0);

    unlink(program);
    unlink(plain);
    free(program);
    free(plain);
    free(dirs);
    teardown();
}

static void
test_find_program(void)
{
    setup();

    char *program = make_file("sh", "#!/bin/sh\n", 0755);
    char *saved = getenv("PATH") ? xstrdup(getenv("PATH")) : NULL;
    char *found;

    /* $PATH comes first. */
    setenv("PATH", tmp_dir, 1);
    found = file_find_program("sh");
    CU_ASSERT_STRING_EQUAL(found ? found : "", program);
    free(found);

    /* Then the system's directories, sbin ones included, even without a
     * $PATH. */
    unsetenv("PATH");
    found = file_find_program("sh");
    CU_ASSERT(found && (!strcmp(found, "/usr/bin/sh")
                        || !strcmp(found, "/bin/sh")));
    free(found);
    found = file_find_program("ldconfig");      /* In /sbin on Debian. */
    CU_ASSERT(found && strstr(found, "sbin/ldconfig"));
    free(found);
    CU_ASSERT_PTR_NULL(file_find_program("ovs-lab-no-such-program"));

    if (saved) {
        setenv("PATH", saved, 1);
    }
    free(saved);
    unlink(program);
    free(program);
    teardown();
}

int
main(void)
{
    static const struct test_case tests[] = {
        { "replace string", test_replace_string },
        { "last lines", test_last_lines },
        { "log tails for messages", test_format_tail },
        { "find executable", test_find_executable },
        { "find program", test_find_program },
    };

    return TEST_RUN_SUITE("file-util", tests);
}
