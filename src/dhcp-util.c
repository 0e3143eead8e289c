#include <config.h>
#include "dhcp-util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file-util.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

/* How much of a log file dhcp_util_file_tail() reads. */
#define TAIL_BYTES 4096

char *
dhcp_util_find_program(const char *name)
{
    char *variable = xasprintf("OVS_LAB_%s", name);
    const char *override;
    const char *path;
    char *found;

    for (char *p = variable; *p; p++) {
        *p = toupper((unsigned char) *p);
    }
    override = getenv(variable);
    free(variable);
    if (override && override[0]) {
        return access(override, X_OK) ? NULL : xstrdup(override);
    }

    path = getenv("PATH");
    found = path ? file_find_executable(name, path) : NULL;
    return found ? found : file_find_executable(name, "/usr/sbin:/sbin");
}

char *
dhcp_util_file_tail(const char *path, size_t n_lines)
{
    FILE *file = fopen(path, "r");
    struct ds tail = DS_EMPTY_INITIALIZER;
    char buf[TAIL_BYTES + 1];
    const char *start;
    size_t n;

    if (!file) {
        return xasprintf("    (cannot read %s: %s)\n", path,
                         ovs_strerror(errno));
    }
    if (fseek(file, -TAIL_BYTES, SEEK_END)) {
        rewind(file);           /* Shorter than TAIL_BYTES. */
    }
    n = fread(buf, 1, TAIL_BYTES, file);
    fclose(file);
    while (n > 0 && buf[n - 1] == '\n') {
        n--;
    }
    buf[n] = '\0';
    if (!n) {
        return xasprintf("    (%s is empty)\n", path);
    }

    /* Back up over 'n_lines' line starts. */
    start = buf + n;
    for (size_t i = 0; i < n_lines && start > buf; i++) {
        start--;
        while (start > buf && start[-1] != '\n') {
            start--;
        }
    }
    while (*start) {
        size_t len = strcspn(start, "\n");

        if (len) {
            ds_put_format(&tail, "    %.*s\n", (int) len, start);
        }
        start += len + (start[len] == '\n');
    }
    return ds_steal_cstr(&tail);
}
