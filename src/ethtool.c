#include <config.h>
#include "ethtool.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

int
ethtool_set_tx_csum(int sock_fd, const char *ifname, bool enable)
{
    struct ethtool_value value = {
        .cmd = ETHTOOL_STXCSUM,
        .data = enable,
    };
    struct ifreq ifr;

    if (strlen(ifname) >= sizeof ifr.ifr_name) {
        return EINVAL;
    }
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, ifname);
    ifr.ifr_data = (void *) &value;
    return ioctl(sock_fd, SIOCETHTOOL, &ifr) ? errno : 0;
}
