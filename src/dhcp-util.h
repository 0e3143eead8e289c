/* Helpers shared by the DHCP server (dhcp-server.h) and client
 * (dhcp-client.h) modules: finding the programs they run and showing the
 * end of a log file in messages. */
#ifndef DHCP_UTIL_H
#define DHCP_UTIL_H 1

#include <stddef.h>

/* Returns the full path (malloc'd, the caller frees it) of the executable
 * 'name' as file_find_program() finds it, or NULL if there is none.  The environment
 * variable OVS_LAB_NAME (e.g. OVS_LAB_DNSMASQ, OVS_LAB_UDHCPC) names the
 * program instead, for a build of one's own; NULL if that is not an
 * executable. */
char *dhcp_util_find_program(const char *name);

/* Returns the last 'n_lines' non-empty lines of the file 'path', as
 * file_read_last_lines() reads them, each indented by 4 spaces and ending
 * in a newline, or a line saying that the file is empty or why it cannot
 * be read.
 * Malloc'd; the caller frees it. */
char *dhcp_util_file_tail(const char *path, size_t n_lines);

#endif /* dhcp-util.h */
