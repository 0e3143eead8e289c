/*
 * state: what ovs-lab records about each lab that is up, so that "down",
 * "status" and "exec" work from another process, later.
 *
 * Each lab has a directory /run/ovs-lab/labs/LAB/ holding
 *
 *     scenario.yaml   the scenario text the lab was deployed from (the plan
 *                     is rebuilt from it: names are derived, not stored);
 *     state.json      facts only known at run time (which OVS, when, the
 *                     scenario's original path, processes started);
 *
 * and the files of the lab's processes (dnsmasq configuration, leases,
 * logs).  /run is a tmpfs: after a reboot the state is gone, and so are the
 * namespaces and veths it described.
 *
 * The directory's creation (mkdir) is what claims a lab name: a second "up"
 * of the same lab fails there.
 */
#ifndef STATE_H
#define STATE_H 1

#include <stdbool.h>
#include "openvswitch/compiler.h"

struct sset;

#define STATE_ROOT_DIR "/run/ovs-lab"
#define STATE_LABS_DIR STATE_ROOT_DIR "/labs"

struct lab_state {
    char *lab;
    char *scenario_path;        /* Absolute path it was deployed from. */
    char *ovsdb;                /* OVSDB remote the lab's rows are in. */
    bool private_ovs;           /* 'ovsdb' is ovs-lab's private OVS. */
    long long int created;      /* Wall-clock time of "up", ms. */
};

void lab_state_destroy(struct lab_state *);

/* The lab's directory (malloc'd). */
char *state_dir(const char *lab);

/* Claims 'state->lab': creates its directory, writes 'scenario_text' and
 * the state.  Fails with a message if the lab is already recorded. */
char *state_create(const struct lab_state *, const char *scenario_text)
    OVS_WARN_UNUSED_RESULT;

/* Rewrites state.json. */
char *state_save(const struct lab_state *) OVS_WARN_UNUSED_RESULT;

/* Reads the state of 'lab'.  Returns ENOENT if the lab is not recorded,
 * another positive errno if its state cannot be read, 0 on success (then
 * '*scenario_textp', if nonnull, receives the scenario text, malloc'd). */
int state_load(const char *lab, struct lab_state *, char **scenario_textp);

/* Removes the lab's directory and everything in it. */
int state_remove(const char *lab);

/* Adds the names of all recorded labs to 'labs'. */
void state_list(struct sset *labs);

/* A lab's lock, held by "up" from its checks until it returns (a rollback
 * included) and by "down" while it tears the lab down, so that neither
 * works on a lab while the other does: a "down" in the middle of an "up"
 * would leave the "up" waiting for ports that are gone.  An flock on
 * STATE_LABS_DIR/.LAB.lock (a dot name is no lab for state_list()), which
 * holds the holder's pid and command for the message of whoever finds it
 * taken.  The holder removes the file on release; one killed leaves it,
 * unlocked, for the next holder. */
struct state_lock;

/* Takes the lock of 'lab' for 'command' ("up", "down") without waiting.
 * Returns NULL and stores the lock in '*lockp', or an error message (with
 * '*lockp' NULL) saying which process holds it. */
char *state_lock_lab(const char *lab, const char *command,
                     struct state_lock **lockp) OVS_WARN_UNUSED_RESULT;

/* Releases and frees 'lock' (NULL is allowed). */
void state_unlock_lab(struct state_lock *lock);

#endif /* state.h */
