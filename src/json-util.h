/* Reading members of parsed JSON objects (openvswitch/json.h). */
#ifndef JSON_UTIL_H
#define JSON_UTIL_H 1

#include "openvswitch/json.h"

/* The member 'name' of JSON object 'object' if it has type 'type', else
 * NULL.  The result belongs to 'object'. */
const struct json *json_util_get(const struct json *object, const char *name,
                                 enum json_type type);

/* The value of string member 'name' of JSON object 'object', or NULL if it
 * has no such member or the member is not a string.  The result belongs to
 * 'object'. */
const char *json_util_get_string(const struct json *object,
                                 const char *name);

#endif /* json-util.h */
