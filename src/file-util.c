#include <config.h>
#include "file-util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "svec.h"
#include "util.h"

/* How much of a file file_read_last_lines() reads. */
#define TAIL_BYTES 4096

int
file_read_string(const char *path, char **textp)
{
    struct ds text = DS_EMPTY_INITIALIZER;
    FILE *file = fopen(path, "r");
    char buf[4096];
    size_t n;
    int err = 0;

    *textp = NULL;
    if (!file) {
        return errno;
    }
    while ((n = fread(buf, 1, sizeof buf, file)) > 0) {
        ds_put_buffer(&text, buf, n);
    }
    if (ferror(file)) {
        err = EIO;
    }
    fclose(file);
    if (err) {
        ds_destroy(&text);
        return err;
    }
    *textp = ds_steal_cstr(&text);
    return 0;
}

int
file_write_string(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");
    size_t len = strlen(text);
    int err = 0;

    if (!file) {
        return errno;
    }
    if (fwrite(text, 1, len, file) != len) {
        err = errno ? errno : EIO;
    }
    if (fclose(file) && !err) {
        err = errno;
    }
    return err;
}

int
file_replace_string(const char *path, const char *text)
{
    char *tmp = xasprintf("%s.tmp", path);
    int err = file_write_string(tmp, text);

    if (!err && rename(tmp, path)) {
        err = errno;
    }
    if (err) {
        unlink(tmp);
    }
    free(tmp);
    return err;
}

int
file_read_last_lines(const char *path, size_t n_lines, struct svec *lines)
{
    char buf[TAIL_BYTES + 1];
    size_t n_found = 0;
    ssize_t n = 0;
    off_t size;
    int fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return errno;
    }
    size = lseek(fd, 0, SEEK_END);
    if (size > 0) {
        n = pread(fd, buf, TAIL_BYTES,
                  size > TAIL_BYTES ? size - TAIL_BYTES : 0);
    }
    int err = n < 0 || size < 0 ? errno : 0;
    close(fd);
    if (err) {
        return err;
    }

    /* Walk back from the end over the last 'n_lines' non-empty lines; the
     * first line of the buffer may be cut, which only matters when the
     * last 4 kB hold fewer than 'n_lines' lines. */
    char *start = buf + n;
    *start = '\0';
    while (start > buf && n_found < n_lines) {
        char *end = start;

        start--;
        while (start > buf && start[-1] != '\n') {
            start--;
        }
        n_found += end > start && strspn(start, " \t\r\n") < end - start;
    }
    while (*start) {
        size_t len = strcspn(start, "\n");
        size_t trimmed = len;

        while (trimmed > 0 && strchr(" \t\r", start[trimmed - 1])) {
            trimmed--;
        }
        if (trimmed) {
            svec_add_nocopy(lines, xmemdup0(start, trimmed));
        }
        start += len + (start[len] == '\n');
    }
    return 0;
}

char *
file_format_tail(const char *path, size_t n_lines)
{
    struct svec lines = SVEC_EMPTY_INITIALIZER;
    struct ds tail = DS_EMPTY_INITIALIZER;
    int err = file_read_last_lines(path, n_lines, &lines);

    if (err) {
        ds_put_format(&tail, "    (cannot read %s: %s)\n", path,
                      ovs_strerror(err));
    } else if (!lines.n) {
        ds_put_format(&tail, "    (%s is empty)\n", path);
    }
    for (size_t i = 0; i < lines.n; i++) {
        ds_put_format(&tail, "    %s\n", lines.names[i]);
    }
    svec_destroy(&lines);
    return ds_steal_cstr(&tail);
}

int
file_try_lock(const char *path, mode_t mode, int *fdp)
{
    for (;;) {
        struct stat opened, named;
        int fd;

        /* O_CLOEXEC: a program started while the lock is held must not
         * inherit it. */
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode);
        if (fd < 0) {
            return errno;
        }
        if (flock(fd, LOCK_EX | LOCK_NB)) {
            int err = errno;

            close(fd);
            return err;
        }
        if (!fstat(fd, &opened) && !stat(path, &named)
            && opened.st_dev == named.st_dev
            && opened.st_ino == named.st_ino) {
            *fdp = fd;
            return 0;
        }
        close(fd);
    }
}

char *
file_find_executable(const char *name, const char *dirs)
{
    char *copy = xstrdup(dirs);
    char *save_ptr = NULL;
    char *found = NULL;

    for (char *dir = strtok_r(copy, ":", &save_ptr); dir && !found;
         dir = strtok_r(NULL, ":", &save_ptr)) {
        char *path = xasprintf("%s/%s", dir, name);

        if (!access(path, X_OK)) {
            found = path;
        } else {
            free(path);
        }
    }
    free(copy);
    return found;
}

char *
file_find_program(const char *name)
{
    const char *path = getenv("PATH");
    char *dirs = xasprintf("%s:/usr/local/sbin:/usr/sbin:/sbin:"
                           "/usr/local/bin:/usr/bin:/bin", path ? path : "");
    char *found = file_find_executable(name, dirs);

    free(dirs);
    return found;
}
