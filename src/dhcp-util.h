/* Shared by the DHCP server (dhcp-server.h) and client (dhcp-client.h)
 * modules: finding the programs they run. */
#ifndef DHCP_UTIL_H
#define DHCP_UTIL_H 1

/* Returns the full path (malloc'd, the caller frees it) of the executable
 * 'name' as file_find_program() finds it, or NULL if there is none.  The
 * environment variable OVS_LAB_NAME (e.g. OVS_LAB_DNSMASQ, OVS_LAB_UDHCPC)
 * names the program instead, for a build of one's own; NULL if that is not
 * an executable. */
char *dhcp_util_find_program(const char *name);

#endif /* dhcp-util.h */
