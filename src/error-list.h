/* Collecting several error messages into one, a line each, for operations
 * that go on after a failure so as to report every problem at once. */
#ifndef ERROR_LIST_H
#define ERROR_LIST_H 1

#include "openvswitch/compiler.h"

struct ds;

/* Appends 'error' (a malloc'd message, freed here) to 'errors' as a line of
 * its own.  Does nothing if 'error' is NULL. */
void error_list_add(struct ds *errors, char *error);

/* Returns what 'errors' collected as one malloc'd message (no final
 * newline), or NULL if nothing went wrong, and empties 'errors'. */
char *error_list_finish(struct ds *errors) OVS_WARN_UNUSED_RESULT;

#endif /* error-list.h */
