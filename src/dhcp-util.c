#include <config.h>
#include "dhcp-util.h"

#include <ctype.h>
#include <stdlib.h>
#include <unistd.h>

#include "file-util.h"
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
