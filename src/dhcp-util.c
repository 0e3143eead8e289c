#include <config.h>
#include "dhcp-util.h"

#include <ctype.h>
#include <stdlib.h>
#include <unistd.h>

#include "file-util.h"
#include "openvswitch/dynamic-string.h"
#include "svec.h"
#include "util.h"

char *
dhcp_util_find_program(const char *name)
{
    char *variable = xasprintf("OVS_LAB_%s", name);
    const char *override;

    for (char *p = variable; *p; p++) {
        *p = toupper((unsigned char) *p);
    }
    override = getenv(variable);
    free(variable);
    if (override && override[0]) {
        return access(override, X_OK) ? NULL : xstrdup(override);
    }
    return file_find_program(name);
}

char *
dhcp_util_file_tail(const char *path, size_t n_lines)
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
