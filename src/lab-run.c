/* "ovs-lab run": up, checks, report, down. */
#include <config.h>
#include "lab.h"
#include "lab-private.h"

#include <errno.h>
#include <fcntl.h>
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

/* Returns an error if report file 'path' (NULL: none; "-": stdout) cannot
 * be written: found before the lab is deployed, not after its checks. */
static char *
check_report_path(const char *path)
{
    bool existed;
    int fd;

    if (!path || !strcmp(path, "-")) {
        return NULL;
    }
    existed = !access(path, F_OK);
    fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        return xasprintf("%s: cannot write the report there: %s", path,
                         ovs_strerror(errno));
    }
    close(fd);
    if (!existed) {
        unlink(path);
    }
    return NULL;
}

/* Writes the reports that 'run' asks for of 'results'.  Returns NULL or
 * the first error. */
static char *
write_reports(const struct check_results *results,
              const struct lab_run_options *run)
{
    char *error = NULL;

    if (run->json_path) {
        error = report_write_json(results, run->json_path);
    }
    if (!error && run->junit_path) {
        error = report_write_junit(results, run->junit_path);
    }
    return error;
}

/* Writes the report files of a run whose lab could not be deployed, with
 * that as its one failed result, so that CI still finds them; 'error' is
 * the deploy's message.  Returns 'error', with a failure to write the
 * files added. */
static char *
report_deploy_failure(const char *path, const struct lab_options *options,
                      const struct lab_run_options *run, char *error)
{
    struct check_results results;
    char *write_error;

    if (!run->json_path && !run->junit_path) {
        return error;
    }
    check_results_init(&results, options->name ? options->name : path, path);
    check_results_add_problem(&results, "deploy", "%s", error);
    write_error = write_reports(&results, run);
    check_results_destroy(&results);
    if (write_error) {
        char *both = xasprintf("%s\n%s", error, write_error);

        free(error);
        free(write_error);
        error = both;
    }
    return error;
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
        error = check_report_path(run->json_path);
    }
    if (!error) {
        error = check_report_path(run->junit_path);
    }
    if (error) {
        return error;
    }
    error = lab_deploy(path, options, &record);
    if (error) {
        return report_deploy_failure(path, options, run, error);
    }

    lease_table_init(&leases);
    load_leases(&record, &leases);
    env = (struct check_env) {
        .scenario = record.scenario,
        .plan = record.plan,
        .leases = &leases,
        .stop = lab_interrupted,
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

    /* The report is what "run" is for: -q only silences progress.  With
     * the JSON on stdout ("--json -"), the table goes to stderr so that
     * stdout parses. */
    report_print(&results, (run->json_path && !strcmp(run->json_path, "-")
                            ? stderr : stdout));
    fflush(stdout);
    error = write_reports(&results, run);
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
