/*
 * Device offload settings through the SIOCETHTOOL ioctl, without running
 * ethtool(8).
 *
 * With OVS's userspace datapath, packets leaving a veth with TX checksum
 * offload on carry no valid TCP/UDP checksum (the kernel expects the
 * "hardware" to fill it in), and OVS forwards them as they are, so ping
 * works while TCP and DHCP fail.  Turning TX checksumming off on the
 * namespace side of each veth makes the kernel compute checksums in
 * software.
 */

#ifndef ETHTOOL_H
#define ETHTOOL_H 1

#include <stdbool.h>

/* Turns TX checksum offload ("tx-checksumming" in "ethtool -k") of device
 * 'ifname' on or off, with ETHTOOL_STXCSUM; the kernel also turns off the
 * offloads that depend on it (TSO and the like).  'sock_fd' is any socket
 * in the device's namespace (the ioctl finds the device there), for
 * instance rtnl_sock_fd() of a socket opened with rtnl_sock_open().
 * Returns 0 or a positive errno (ENODEV if there is no such device). */
int ethtool_set_tx_csum(int sock_fd, const char *ifname, bool enable);

#endif /* ethtool.h */
