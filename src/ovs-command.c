/*
 * ovs-command: "ovs-lab ovs start|stop|status".  See ovs-command.h.
 */
#include <config.h>
#include "ovs-command.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private-ovs.h"
#include "sset.h"
#include "switchdb.h"
#include "util.h"

#define DIR PRIVATE_OVS_DEFAULT_DIR

/* How long "status" waits for the database to list the labs. */
#define STATUS_TIMEOUT_MS 5000

/* The labs in the database of 'db' as "a, b, c" (sorted), or "none". */
static char *
labs_text(struct switchdb *db, char **errorp)
{
    struct sset labs = SSET_INITIALIZER(&labs);
    char *text = NULL;

    *errorp = switchdb_list_labs(db, &labs);
    if (!*errorp) {
        text = (sset_is_empty(&labs) ? xstrdup("none")
                : sset_join(&labs, ", ", ""));
    }
    sset_destroy(&labs);
    return text;
}

char *
ovs_command_start(bool quiet)
{
    bool was_running = private_ovs_is_running(DIR);
    struct private_ovs *po;
    char *error;

    error = private_ovs_acquire(DIR, PRIVATE_OVS_DEFAULT_TIMEOUT_MS, true,
                                NULL, &po, NULL);
    if (error) {
        return error;
    }
    error = private_ovs_set_kept(po, true);
    if (error) {
        /* Do not leave behind one that nobody asked to keep. */
        bool stopped;
        char *e = private_ovs_release_and_stop_if_unused(po, NULL, true,
                                                         &stopped);
        free(e);
        return error;
    }
    if (!was_running) {
        /* It runs and is kept either way; what went wrong may still tell
         * that a lab will not come up (see private_ovs_warm_up()). */
        char *warning = private_ovs_warm_up(po);

        if (warning) {
            fprintf(stderr, "ovs-lab: warning: %s\n", warning);
            free(warning);
        }
    }
    if (!quiet) {
        printf("private Open vSwitch %s in %s; it keeps running until "
               "\"ovs-lab ovs stop\"\n",
               was_running ? "running" : "started", private_ovs_dir(po));
    }
    private_ovs_release(po);
    return NULL;
}

char *
ovs_command_stop(bool quiet)
{
    struct private_ovs *po;
    struct switchdb *db;
    char *labs = NULL;
    bool stopped;
    char *error;

    /* Without 'start', acquires only one that runs. */
    error = private_ovs_acquire(DIR, PRIVATE_OVS_DEFAULT_TIMEOUT_MS, false,
                                NULL, &po, &db);
    if (error) {
        return error;
    }
    if (!po) {
        if (!quiet) {
            puts("private Open vSwitch is not running");
        }
        return NULL;
    }

    error = private_ovs_set_kept(po, false);
    if (!error) {
        labs = labs_text(db, &error);
    }
    if (error) {
        switchdb_close(db);
        private_ovs_release(po);
        return error;
    }

    /* Waits until the daemons are gone: then nothing of ovs-lab is left. */
    error = private_ovs_release_and_stop_if_unused(po, db, true, &stopped);
    switchdb_close(db);
    if (!error && !quiet) {
        if (stopped) {
            puts("private Open vSwitch stopped");
        } else if (strcmp(labs, "none")) {
            printf("private Open vSwitch still carries labs (%s): it stops "
                   "with the last one's \"ovs-lab down\"\n", labs);
        } else {
            puts("private Open vSwitch is in use by another ovs-lab "
                 "command: it stops with the last lab's \"ovs-lab down\"");
        }
    }
    free(labs);
    return error;
}

static void
print_daemon(const char *program, pid_t pid)
{
    if (pid) {
        printf("%s %ld", program, (long int) pid);
    } else {
        printf("%s not running", program);
    }
}

char *
ovs_command_status(bool *running)
{
    struct private_ovs_status st;

    private_ovs_get_status(DIR, &st);
    *running = st.server || st.vswitchd;
    if (!*running) {
        printf("private Open vSwitch: not running (\"ovs-lab up\" or "
               "\"ovs-lab ovs start\" starts it)\n");
        private_ovs_status_destroy(&st);
        return NULL;
    }

    printf("private Open vSwitch: running, %s\n",
           (st.kept ? "kept until \"ovs-lab ovs stop\""
            : "stops with the last lab's \"ovs-lab down\""));
    printf("  database:  %s\n", st.remote);
    printf("  vswitchd:  ovs-appctl -t %s\n", st.vswitchd_ctl);
    printf("  daemons:   ");
    print_daemon("ovsdb-server", st.server);
    fputs(", ", stdout);
    print_daemon("ovs-vswitchd", st.vswitchd);
    putchar('\n');

    if (st.server) {
        struct switchdb *db;
        char *error = switchdb_open(st.remote, STATUS_TIMEOUT_MS, &db);
        char *labs = error ? NULL : labs_text(db, &error);

        if (error) {
            printf("  labs:      unknown (%s)\n", error);
        } else {
            printf("  labs:      %s\n", labs);
        }
        free(error);
        free(labs);
        switchdb_close(db);
    }
    private_ovs_status_destroy(&st);
    return NULL;
}
