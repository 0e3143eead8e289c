/*
 * ovs-command: "ovs-lab ovs start|stop|status", ovs-lab's private Open
 * vSwitch as something the user starts and stops.
 *
 * By default "up" starts the private Open vSwitch when it does not run and
 * the last lab's "down" stops it, so that nothing of ovs-lab is left once
 * the labs are gone.  Starting ovs-vswitchd and its first userspace bridge
 * takes about 0.2-0.3 s, a sleep of 0.1 s inside ovs-vswitchd included
 * (docs/performance.md, 5.7): a CI job that runs lab after lab pays it
 * every time.  "ovs start" starts it and keeps it running without labs
 * until "ovs stop".
 *
 * Each returns NULL or a malloc'd error message; only the CLI exits.
 */
#ifndef OVS_COMMAND_H
#define OVS_COMMAND_H 1

#include <stdbool.h>
#include "openvswitch/compiler.h"

/* Starts the private Open vSwitch unless it runs, and keeps it running
 * until ovs_command_stop().  Prints what it did unless 'quiet'. */
char *ovs_command_start(bool quiet) OVS_WARN_UNUSED_RESULT;

/* Ends the keeping: stops the private Open vSwitch now if no lab is in it
 * and no other ovs-lab command uses it, otherwise it stops with the last
 * lab's "down".  Prints which unless 'quiet'.
 *
 * The keeping is one mark per instance, not one per ovs_command_start():
 * this ends it whoever started it.  Keeping is only ever a saving of time
 * (every "up" starts the instance if it does not run), and an explicit
 * stop must stop it, also after a "start" whose "stop" never came (a
 * killed CI job), which a count of starts would keep running for good. */
char *ovs_command_stop(bool quiet) OVS_WARN_UNUSED_RESULT;

/* Prints whether the private Open vSwitch runs, whether it is kept, how to
 * reach it and the labs in it.  Stores in '*running' whether it runs. */
char *ovs_command_status(bool *running) OVS_WARN_UNUSED_RESULT;

#endif /* ovs-command.h */
