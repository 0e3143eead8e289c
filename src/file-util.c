#include <config.h>
#include "file-util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "util.h"

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
