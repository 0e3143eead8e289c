/* Internals shared by the lab-*.c files that implement lab.h. */
#ifndef LAB_PRIVATE_H
#define LAB_PRIVATE_H 1

#include <stdbool.h>
#include "openvswitch/compiler.h"
#include "state.h"

struct plan;
struct private_ovs;
struct progress;
struct scenario;
struct switchdb;

/* A lab that is up, as recorded by "up": its state and, rebuilt from the
 * recorded scenario text, its scenario and plan. */
struct lab_record {
    struct lab_state state;
    struct scenario *scenario;
    struct plan *plan;
};

/* Loads the record of 'lab'.  Returns 0, ENOENT if the lab is not
 * recorded, or another positive errno with '*errorp' set to a malloc'd
 * message. */
int lab_record_load(const char *lab, struct lab_record *, char **errorp);
void lab_record_destroy(struct lab_record *);

/* Deploys the lab of scenario 'path' ("ovs-lab up").  On success, if
 * 'record' is nonnull, stores the lab's state, scenario and plan in it
 * (the caller destroys it with lab_record_destroy()). */
char *lab_deploy(const char *path, const struct lab_options *,
                 struct lab_record *record) OVS_WARN_UNUSED_RESULT;

/* The OVS endpoint of a lab: the remote named by the user (option or
 * environment), or ovs-lab's private instance. */
const char *lab_ovsdb_remote_option(const struct lab_options *);

/* Connects to OVS for a lab.  With 'remote' NULL, acquires ovs-lab's
 * private OVS (starting it if 'start' is true, else failing with
 * '*dbp' NULL and no error when it is not running) and stores it in
 * '*privatep'.  The caller closes '*dbp' and releases '*privatep'. */
char *lab_connect_ovs(const char *remote, bool start, struct switchdb **dbp,
                      struct private_ovs **privatep)
    OVS_WARN_UNUSED_RESULT;

/* Like lab_connect_ovs() without starting anything, for work on lab 'lab'
 * only ("down"): the connection replicates only its rows (see
 * switchdb_open_lab()). */
char *lab_connect_ovs_lab(const char *remote, const char *lab,
                          struct switchdb **dbp,
                          struct private_ovs **privatep)
    OVS_WARN_UNUSED_RESULT;

/* Removes every object of lab 'lab' from the system: processes in its
 * namespaces (also in those whose name was deleted by hand: found by the
 * mark on their lo), its rows in 'db' (may be NULL) and the host devices
 * ovs-vswitchd made for its switches, host-side veths, namespaces and their
 * /etc/netns files.  Only objects that carry the lab's owner marks (rows:
 * external_ids) are removed, and of the namespaces the plan names, those
 * left half made by a killed "up" or "down" (a file nothing is mounted
 * on; a namespace without the mark, processes or devices but lo); one of
 * the plan's names taken by anything else is reported, not removed.
 * 'plan' (may be NULL if the record is lost) names the namespaces to look
 * at; without it, every namespace whose name starts with "LAB-" is
 * examined.  Does not wait for ovs-vswitchd to have
 * dropped the lab's ports, only for what the kernel shows of the lab to be
 * gone.  Sets '*found' to whether anything was there.  Returns NULL or a
 * malloc'd message naming what could not be removed. */
char *lab_teardown(const char *lab, const struct plan *, struct switchdb *db,
                   struct progress *, bool *found) OVS_WARN_UNUSED_RESULT;

/* Releases ovs-lab's private OVS (may be NULL) and stops it if no lab uses
 * it any more.  The stop goes on in the background (the next user waits
 * for it): call this only when no other thread runs.  The _db variant
 * looks for other labs over 'db', a connection to the private OVS (e.g.
 * from lab_connect_ovs_lab()), instead of opening one. */
void lab_release_private_ovs(struct private_ovs *, struct progress *);
void lab_release_private_ovs_db(struct private_ovs *, struct switchdb *db,
                                struct progress *);

#endif /* lab-private.h */
