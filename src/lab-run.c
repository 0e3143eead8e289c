/* "ovs-lab run": up, checks, report, down. */
#include <config.h>
#include "lab.h"
#include "lab-private.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "dhcp-server.h"
#include "lease.h"
#include "plan.h"
#include "progress.h"
#include "report.h"
#include "scenario.h"
#include "state.h"
#include "util.h"

/* Adds a failed result if a DHCP server of the lab is no longer running:
 * checks that depend on it would fail for a reason the report must name. */
static void
supervise_dhcp_servers(const struct lab_record *record,
                       struct check_results *results)
{
    char *dir = state_dir(record->state.lab);
    struct dhcp_servers *servers = dhcp_servers_find(record->scenario,
                                                     record->plan, dir);
    char *problem = dhcp_servers_check_alive(servers);

    if (problem) {
        check_results_add_problem(results, "dhcp server", "%s", problem);
        free(problem);
    }
    dhcp_servers_destroy(servers);
    free(dir);
}

static void
load_leases(const struct lab_record *record, struct lease_table *leases)
{
    char *path = xasprintf("%s/%s/%s", STATE_LABS_DIR, record->state.lab,
                           LEASE_FILE_NAME);

    /* No file: the lab has no DHCP clients. */
    if (!access(path, F_OK)) {
        char *error = lease_table_load(path, record->scenario, leases);

        if (error) {
            fprintf(stderr, "ovs-lab: warning: %s\n", error);
            free(error);
        }
    }
    free(path);
}

char *
lab_run(const char *path, const struct lab_options *options,
        const struct lab_run_options *run, int *exit_status)
{
    struct check_results results;
    struct lease_table leases;
    struct lab_record record;
    struct check_env env;
    char *error;

    *exit_status = 1;
    error = lab_check_privileges("ovs-lab run");
    if (!error) {
        error = lab_deploy(path, options, &record);
    }
    if (error) {
        return error;
    }

    lease_table_init(&leases);
    load_leases(&record, &leases);
    env = (struct check_env) {
        .scenario = record.scenario,
        .plan = record.plan,
        .leases = &leases,
    };
    check_results_init(&results, record.state.lab, path);
    if (!lab_interrupted()) {
        check_run_all(&env, &results);
        supervise_dhcp_servers(&record, &results);
    }
    if (lab_interrupted()) {
        check_results_add_problem(&results, "interrupted",
                                  "the run was interrupted; the lab is torn "
                                  "down");
    }

    /* The report is what "run" is for: -q only silences progress. */
    report_print(&results, stdout);
    fflush(stdout);
    if (run->json_path) {
        error = report_write_json(&results, run->json_path);
    }
    if (!error && run->junit_path) {
        error = report_write_junit(&results, run->junit_path);
    }
    *exit_status = check_results_n_failed(&results) ? 1 : 0;

    if (!run->keep || lab_interrupted()) {
        char *down_error = lab_down(record.state.lab, options);

        if (down_error) {
            if (error) {
                char *both = xasprintf("%s\n%s", error, down_error);

                free(error);
                free(down_error);
                error = both;
            } else {
                error = down_error;
            }
        }
    } else if (!options->quiet) {
        printf("lab %s is kept up (\"ovs-lab down %s\" removes it)\n",
               record.state.lab, record.state.lab);
    }
    if (error) {
        *exit_status = 1;
    }
    check_results_destroy(&results);
    lease_table_destroy(&leases);
    lab_record_destroy(&record);
    return error;
}
