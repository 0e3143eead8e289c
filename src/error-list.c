#include <config.h>
#include "error-list.h"

#include <stdlib.h>

#include "openvswitch/dynamic-string.h"

void
error_list_add(struct ds *errors, char *error)
{
    if (error) {
        ds_put_format(errors, "%s\n", error);
        free(error);
    }
}

char *
error_list_finish(struct ds *errors)
{
    if (!errors->length) {
        ds_destroy(errors);
        ds_init(errors);
        return NULL;
    }
    ds_chomp(errors, '\n');
    return ds_steal_cstr(errors);
}
