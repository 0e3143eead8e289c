/*
 * private-ovs: ovs-lab's own Open vSwitch instance.
 *
 * So that ovs-lab never touches a production Open vSwitch, it can run its
 * own ovsdb-server and ovs-vswitchd with everything in one directory
 * (PRIVATE_OVS_DEFAULT_DIR unless told otherwise):
 *
 *     conf.db               database, created by "ovsdb-tool create"
 *     db.sock               the database remote, "unix:DIR/db.sock"
 *     ovsdb-server.{pid,ctl,log}, ovs-vswitchd.{pid,ctl,log}
 *     BRIDGE.mgmt, BRIDGE.snoop   ovs-vswitchd's OpenFlow sockets
 *     users.lock            held shared by every ovs-lab process using it
 *     kept                  present while the instance is kept running
 *                           without labs (private_ovs_set_kept())
 *
 * The daemons get OVS_RUNDIR, OVS_DBDIR, OVS_LOGDIR and OVS_SYSCONFDIR
 * pointing at the directory, so no socket, pidfile or log collides with a
 * system Open vSwitch.  ovs-vswitchd runs with --disable-system: it only
 * offers the userspace datapath (datapath_type "netdev"), because opening
 * the kernel datapath would take over the one a system Open vSwitch uses.
 * DPDK stays off (other_config:dpdk-init is never set).
 *
 * Concurrency: starting and stopping take an exclusive flock on
 * PARENT/NAME.lock next to the directory (e.g. /run/ovs-lab/ovs.lock), so
 * two ovs-lab processes never start two instances or stop one while the
 * other starts it.  A process that acquired the instance holds users.lock
 * shared until it releases it or exits, so that
 * private_ovs_release_and_stop_if_unused() never stops an instance another
 * process is about to put a lab into.  A stop that goes on in the
 * background (in a detached process, after the last lab's "down" has
 * returned) holds the exclusive lock until the daemons are gone: whoever
 * acquires the instance meanwhile waits, then starts a new one.
 *
 * The daemons are detached: they keep running after the process that
 * started them exits, until private_ovs_stop() or
 * private_ovs_release_and_stop_if_unused() (which leaves a kept instance
 * running).
 *
 * Call switchdb_init_process() first (logging, SIGPIPE).
 */
#ifndef PRIVATE_OVS_H
#define PRIVATE_OVS_H 1

#include <stdbool.h>
#include <sys/types.h>
#include "openvswitch/compiler.h"

#define PRIVATE_OVS_DEFAULT_DIR "/run/ovs-lab/ovs"
#define PRIVATE_OVS_DEFAULT_TIMEOUT_MS 30000

/* An acquired private instance (the shared hold on users.lock). */
struct private_ovs;
struct switchdb;

char *private_ovs_acquire(const char *dir, int timeout_ms, bool start,
                          const char *lab, struct private_ovs **,
                          struct switchdb **)
    OVS_WARN_UNUSED_RESULT;
const char *private_ovs_remote(const struct private_ovs *);
const char *private_ovs_dir(const struct private_ovs *);
void private_ovs_release(struct private_ovs *);
char *private_ovs_release_and_stop_if_unused(struct private_ovs *,
                                             struct switchdb *, bool wait,
                                             bool *stopped)
    OVS_WARN_UNUSED_RESULT;

char *private_ovs_set_kept(const struct private_ovs *, bool kept)
    OVS_WARN_UNUSED_RESULT;
char *private_ovs_warm_up(const struct private_ovs *) OVS_WARN_UNUSED_RESULT;

struct private_ovs_status {
    pid_t server;               /* ovsdb-server's pid, 0 if not running. */
    pid_t vswitchd;             /* ovs-vswitchd's pid, 0 if not running. */
    bool kept;                  /* See private_ovs_set_kept(). */
    char *remote;               /* "unix:DIR/db.sock". */
    char *vswitchd_ctl;         /* ovs-vswitchd's control socket. */
};
void private_ovs_get_status(const char *dir, struct private_ovs_status *);
void private_ovs_status_destroy(struct private_ovs_status *);
bool private_ovs_is_running(const char *dir);
char *private_ovs_stop(const char *dir, int timeout_ms)
    OVS_WARN_UNUSED_RESULT;
char *private_ovs_remove_stale(const char *dir) OVS_WARN_UNUSED_RESULT;

bool private_ovs_kernel_datapath_available(void);

#endif /* private-ovs.h */
