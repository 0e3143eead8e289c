/*
 * lab: the commands that act on whole labs (up, down, status, exec, list).
 *
 * Each returns NULL on success or a malloc'd, human-readable error message
 * that the caller prints and frees.  Only the CLI exits.
 */
#ifndef LAB_H
#define LAB_H 1

#include <stdbool.h>
#include "openvswitch/compiler.h"

/* Environment variable naming the OVSDB remote of an existing OVS, like
 * --ovsdb. */
#define LAB_OVSDB_ENV "OVS_LAB_OVSDB"

struct lab_options {
    const char *name;           /* Lab name overriding the scenario's, or
                                 * NULL. */
    const char *ovsdb;          /* OVSDB remote of an existing OVS, or NULL
                                 * for ovs-lab's private instance. */
    bool quiet;                 /* No progress lines. */
};

void lab_options_init(struct lab_options *);

/* "up" and "run" must not be cut short half-way: a lab half built, or built
 * and never torn down, is what ovs-lab promises never to leave.  The CLI
 * blocks SIGINT, SIGTERM and SIGHUP around them with
 * lab_defer_interrupts(); the lab code checks lab_interrupted() between
 * steps, stops early and cleans up; the CLI then exits with
 * lab_interrupted_exit_status(). */
void lab_defer_interrupts(void);
bool lab_interrupted(void);
int lab_interrupted_exit_status(void);

/* Deploys the lab of the scenario in 'path'.  On failure, everything
 * created so far is removed again before returning the error. */
char *lab_up(const char *path, const struct lab_options *)
    OVS_WARN_UNUSED_RESULT;

struct lab_run_options {
    bool keep;                  /* Leave the lab up after the checks. */
    const char *json_path;      /* Write the report as JSON here, or NULL. */
    const char *junit_path;     /* Write the report as JUnit XML here. */
};

/* "ovs-lab run": deploys the lab of scenario 'path', runs its checks,
 * prints the report, writes the requested report files and, unless 'keep',
 * tears the lab down.  Sets '*exit_status' to 0 only if the lab deployed
 * and every check held.  Returns NULL or a malloc'd error message (deploy
 * or teardown failed). */
char *lab_run(const char *path, const struct lab_options *,
              const struct lab_run_options *, int *exit_status)
    OVS_WARN_UNUSED_RESULT;

/* Tears down lab 'lab'.  A lab that is not there is not an error. */
char *lab_down(const char *lab, const struct lab_options *)
    OVS_WARN_UNUSED_RESULT;

/* Prints the status of 'lab', or a summary of every lab if 'lab' is NULL,
 * as text or as JSON, to stdout. */
char *lab_status(const char *lab, bool json, const struct lab_options *)
    OVS_WARN_UNUSED_RESULT;

/* Prints the names of the labs that are up, one per line. */
char *lab_list(const struct lab_options *) OVS_WARN_UNUSED_RESULT;

/* Returns NULL if the process may create namespaces and configure the
 * network, otherwise a message saying what privilege is missing for
 * 'what' (e.g. "ovs-lab up"). */
char *lab_check_privileges(const char *what) OVS_WARN_UNUSED_RESULT;

/* Replaces the current process with 'argv' run in 'node' of 'lab'.
 * Returns only on failure; if 'argv' itself could not be executed, stores
 * 126 (or 127 if it was not found) in '*exit_statusp', as a shell would,
 * else leaves '*exit_statusp' alone. */
char *lab_exec(const char *lab, const char *node, char *argv[],
               const struct lab_options *, int *exit_statusp)
    OVS_WARN_UNUSED_RESULT;

#endif /* lab.h */
