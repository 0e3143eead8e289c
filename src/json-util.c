#include <config.h>
#include "json-util.h"

#include "openvswitch/shash.h"

const struct json *
json_util_get(const struct json *object, const char *name,
              enum json_type type)
{
    const struct json *value = shash_find_data(json_object(object), name);

    return value && value->type == type ? value : NULL;
}

const char *
json_util_get_string(const struct json *object, const char *name)
{
    const struct json *value = json_util_get(object, name, JSON_STRING);

    return value ? json_string(value) : NULL;
}
