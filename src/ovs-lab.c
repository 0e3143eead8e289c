/* ovs-lab: network labs in Linux namespaces, backed by Open vSwitch.
 *
 * This file is only the command line: a command table, option parsing and
 * exit codes.  The work is done by the modules it calls. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab.h"
#include "ovs-command.h"
#include "scenario.h"
#include "switchdb.h"
#include "util.h"

/* The exit status of "exec" when ovs-lab itself fails, as env(1)'s. */
#define EXEC_FAILED 125

/* The options a command accepts, and where. */
enum {
    ACCEPT_OVSDB = 1 << 0,      /* --ovsdb=REMOTE */
    ACCEPT_NAME = 1 << 1,       /* --name=LAB */
    ACCEPT_QUIET = 1 << 2,      /* -q, --quiet */
    ACCEPT_JSON_FLAG = 1 << 3,  /* --json (output on stdout) */
    ACCEPT_REPORTS = 1 << 4,    /* --keep, --json=FILE, --junit=FILE */
    /* The arguments end with a command line, whose options are its own:
     * ovs-lab's options only come before the first argument.  Other
     * commands take them anywhere ("ovs-lab up FILE -q"). */
    OPTIONS_FIRST = 1 << 5,
};

struct command {
    const char *name;
    const char *args;           /* Synopsis of the arguments. */
    const char *summary;        /* One line for "ovs-lab --help". */
    const char *help;           /* Details for "CMD --help". */
    unsigned int accepts;       /* ACCEPT_*. */
    int min_args, max_args;     /* Positional arguments (-1: no limit). */
    int (*run)(int argc, char *argv[]);  /* Positional arguments only. */
};

/* What the options said.  Filled by parse_options() for the command being
 * run. */
static struct lab_options lab_options;
static struct lab_run_options run_options;
static bool json_output;

static const struct command *find_command(const char *name);

static const struct {
    unsigned int flag;
    const char *help;
} option_help[] = {
    { ACCEPT_NAME,
      "  --name=LAB       lab name (default: the scenario's \"lab:\", or\n"
      "                   the file name); lets one scenario run twice\n" },
    { ACCEPT_OVSDB,
      "  --ovsdb=REMOTE   use an existing Open vSwitch (e.g.\n"
      "                   unix:/var/run/openvswitch/db.sock) instead of\n"
      "                   ovs-lab's private one; also $OVS_LAB_OVSDB\n" },
    { ACCEPT_REPORTS,
      "  --keep           leave the lab up after the checks\n"
      "  --json=FILE      also write the report as JSON (- for stdout,\n"
      "                   the table then goes to stderr)\n"
      "  --junit=FILE     also write the report as JUnit XML (for CI)\n" },
    { ACCEPT_JSON_FLAG,
      "  --json           machine-readable output\n" },
    { ACCEPT_QUIET,
      "  -q, --quiet      no progress lines\n" },
};

static void
print_command_help(const struct command *cmd)
{
    printf("usage: ovs-lab %s%s%s\n%s\n\n", cmd->name,
           cmd->args[0] ? " " : "", cmd->args, cmd->summary);
    for (size_t i = 0; i < ARRAY_SIZE(option_help); i++) {
        if (cmd->accepts & option_help[i].flag) {
            fputs(option_help[i].help, stdout);
        }
    }
    fputs("  -h, --help       this help\n", stdout);
    if (cmd->help[0]) {
        printf("\n%s", cmd->help);
    }
}

static int
usage_error(const struct command *cmd, const char *what)
{
    fprintf(stderr, "ovs-lab %s: %s\nusage: ovs-lab %s%s%s "
            "(see ovs-lab %s --help)\n", cmd->name, what, cmd->name,
            cmd->args[0] ? " " : "", cmd->args, cmd->name);
    return 2;
}

/* Parses 'cmd''s options into the globals above and checks the number of
 * positional arguments.  Returns the index of the first positional
 * argument, or -1 after printing help (exit 0), or -2 after a usage error
 * (exit 2). */
static int
parse_options(const struct command *cmd, int argc, char *argv[])
{
    enum { OPT_OVSDB = 256, OPT_NAME, OPT_JSON, OPT_JUNIT, OPT_KEEP };
    /* --json is a flag for "status" and takes a file name for "run". */
    const struct option long_options[] = {
        {"ovsdb", required_argument, NULL, OPT_OVSDB},
        {"name", required_argument, NULL, OPT_NAME},
        {"json", (cmd->accepts & ACCEPT_REPORTS ? required_argument
                  : no_argument), NULL, OPT_JSON},
        {"junit", required_argument, NULL, OPT_JUNIT},
        {"keep", no_argument, NULL, OPT_KEEP},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int n_args;

    lab_options_init(&lab_options);
    memset(&run_options, 0, sizeof run_options);
    json_output = false;
    opterr = 0;
    optind = 1;
    for (;;) {
        int option_index = 0;
        unsigned int needs;
        int c = getopt_long(argc, argv,
                            cmd->accepts & OPTIONS_FIRST ? "+qh" : "qh",
                            long_options, &option_index);

        if (c == -1) {
            break;
        }
        needs = (c == OPT_OVSDB ? ACCEPT_OVSDB
                 : c == OPT_NAME ? ACCEPT_NAME
                 : c == 'q' ? ACCEPT_QUIET
                 : c == OPT_JSON ? ACCEPT_JSON_FLAG | ACCEPT_REPORTS
                 : c == OPT_JUNIT || c == OPT_KEEP ? ACCEPT_REPORTS
                 : 0);
        if (c == 'h') {
            print_command_help(cmd);
            return -1;
        }
        if (c == '?' || !(cmd->accepts & needs)) {
            char *what = (c == '?'
                          ? xasprintf("option '%s' is not known here, or "
                                      "lacks its argument", argv[optind - 1])
                          : c == 'q'
                          ? xstrdup("option '-q' is not known here")
                          : xasprintf("option '--%s' is not known here",
                                      long_options[option_index].name));

            usage_error(cmd, what);
            free(what);
            return -2;
        }
        switch (c) {
        case OPT_OVSDB:
            lab_options.ovsdb = optarg;
            break;
        case OPT_NAME:
            lab_options.name = optarg;
            break;
        case OPT_JSON:
            if (cmd->accepts & ACCEPT_JSON_FLAG) {
                json_output = true;
            } else {
                run_options.json_path = optarg;
            }
            break;
        case OPT_JUNIT:
            run_options.junit_path = optarg;
            break;
        case OPT_KEEP:
            run_options.keep = true;
            break;
        case 'q':
            lab_options.quiet = true;
            break;
        }
    }

    n_args = argc - optind;
    if (n_args < cmd->min_args
        || (cmd->max_args >= 0 && n_args > cmd->max_args)) {
        usage_error(cmd, n_args < cmd->min_args ? "missing arguments"
                                                : "too many arguments");
        return -2;
    }
    return optind;
}

/* Prints 'error' (if any) and frees it; returns the exit status. */
static int
report(char *error)
{
    if (!error) {
        return 0;
    }
    fputs(error, stderr);
    if (error[0] && error[strlen(error) - 1] != '\n') {
        fputc('\n', stderr);
    }
    free(error);
    return 1;
}

static int
cmd_validate(int argc, char *argv[])
{
    int status = 0;

    if (lab_options.name && !scenario_is_valid_lab_name(lab_options.name)) {
        /* Said once, not once per file. */
        char *what = xasprintf("invalid lab name \"%s\" for --name; use 1 "
                               "to %d letters, digits, '-' or '_', starting "
                               "with a letter or digit", lab_options.name,
                               SCENARIO_LAB_NAME_MAX);

        status = usage_error(find_command("validate"), what);
        free(what);
        return status;
    }
    for (int i = 0; i < argc; i++) {
        struct scenario *scenario;
        char *error = scenario_load_file(argv[i], &scenario);

        if (!error && lab_options.name) {
            error = scenario_set_name(scenario, lab_options.name);
        }
        if (error) {
            /* In file order also when both go to one pipe. */
            fflush(stdout);
            fputs(error, stderr);
            free(error);
            status = 1;
        } else if (!lab_options.quiet) {
            printf("%s: ok (lab %s: %"PRIuSIZE" node%s, %"PRIuSIZE
                   " switch%s, %"PRIuSIZE" check%s)\n", argv[i],
                   scenario->name, scenario->n_nodes,
                   scenario->n_nodes == 1 ? "" : "s", scenario->n_switches,
                   scenario->n_switches == 1 ? "" : "es",
                   scenario->n_checks, scenario->n_checks == 1 ? "" : "s");
        }
        scenario_destroy(scenario);
    }
    return status;
}

static int
cmd_up(int argc OVS_UNUSED, char *argv[])
{
    int status;

    lab_defer_interrupts();
    status = report(lab_up(argv[0], &lab_options));
    /* An interrupted up rolls back and fails.  One that succeeded left the
     * lab up, even if a signal came after its last look: the exit status
     * says what happened to the lab. */
    return (status && lab_interrupted()
            ? lab_interrupted_exit_status() : status);
}

static int
cmd_run(int argc OVS_UNUSED, char *argv[])
{
    int exit_status;
    char *error;

    lab_defer_interrupts();
    error = lab_run(argv[0], &lab_options, &run_options, &exit_status);
    if (error) {
        report(error);
        exit_status = exit_status ? exit_status : 1;
    }
    return lab_interrupted() ? lab_interrupted_exit_status() : exit_status;
}

static int
cmd_down(int argc, char *argv[])
{
    int status = 0;

    for (int i = 0; i < argc; i++) {
        status |= report(lab_down(argv[i], &lab_options));
    }
    return status;
}

static int
cmd_status(int argc, char *argv[])
{
    /* Without privileges namespaces, processes and OVS rows look absent:
     * say so rather than show a lab that seems broken. */
    char *error = lab_check_privileges("ovs-lab status");

    return report(error ? error
                  : lab_status(argc ? argv[0] : NULL, json_output,
                               &lab_options));
}

static int
cmd_exec(int argc, char *argv[])
{
    char *shell[] = { NULL, NULL };
    char **command;

    if (argc == 2) {
        /* No command: an interactive shell, like "ip netns exec NS". */
        shell[0] = getenv("SHELL") ? getenv("SHELL") : "/bin/sh";
        command = shell;
    } else {
        command = &argv[2];
        if (!strcmp(command[0], "--")) {
            command++;
        }
        if (!command[0]) {
            return usage_error(find_command("exec"), "no command after --");
        }
    }
    /* Returns only on failure, with the status of env(1) and the shell:
     * 125 for ovs-lab's own failures, 126 or 127 if COMMAND cannot be
     * run or is not found. */
    int status;
    char *error = lab_check_privileges("ovs-lab exec");

    status = EXEC_FAILED;
    if (!error) {
        error = lab_exec(argv[0], argv[1], command, &lab_options, &status);
    }
    report(error);
    return status;
}

static int
cmd_list(int argc OVS_UNUSED, char *argv[] OVS_UNUSED)
{
    return report(lab_list(&lab_options));
}

static int
cmd_ovs(int argc OVS_UNUSED, char *argv[])
{
    const char *action = argv[0];

    if (!strcmp(action, "start") || !strcmp(action, "stop")) {
        char *what = xasprintf("ovs-lab ovs %s", action);
        char *error = lab_check_privileges(what);

        free(what);
        return report(error ? error
                      : !strcmp(action, "start")
                      ? ovs_command_start(lab_options.quiet)
                      : ovs_command_stop(lab_options.quiet));
    } else if (!strcmp(action, "status")) {
        bool running;
        int status = report(ovs_command_status(&running));

        /* As an LSB init script's "status": 3, not running. */
        return status ? status : running ? 0 : 3;
    }
    return usage_error(find_command("ovs"), "expected start, stop or status");
}

static const struct command commands[] = {
    {"validate", "[OPTIONS] FILE...",
     "Check scenario files; print \"ok\" or every error as "
     "FILE:LINE:COLUMN.",
     "Exit status: 0 if every file is valid, 1 otherwise.\n",
     ACCEPT_NAME | ACCEPT_QUIET, 1, -1, cmd_validate},
    {"run", "[OPTIONS] FILE",
     "Deploy a lab, run its checks, report, tear it down.",
     "Exit status: 0 if every check held, 1 if one failed or the lab\n"
     "could not be deployed (the report files then say why), 2 for a\n"
     "usage error.\n",
     ACCEPT_NAME | ACCEPT_OVSDB | ACCEPT_QUIET | ACCEPT_REPORTS, 1, 1,
     cmd_run},
    {"up", "[OPTIONS] FILE",
     "Deploy the lab of scenario FILE and leave it running.",
     "The lab's namespaces are named LAB-NODE (see \"ip netns list\").\n"
     "A failed deploy removes everything it created.\n",
     ACCEPT_NAME | ACCEPT_OVSDB | ACCEPT_QUIET, 1, 1, cmd_up},
    {"down", "[OPTIONS] LAB...",
     "Tear down labs: processes, OVS rows, veths, namespaces, files.",
     "Works from the lab's recorded state, or from what is on the system\n"
     "when that is lost.  A lab that is already gone is not an error.\n",
     ACCEPT_OVSDB | ACCEPT_QUIET, 1, -1, cmd_down},
    {"status", "[OPTIONS] [LAB]",
     "Show the running labs, or one lab in detail.",
     "", ACCEPT_JSON_FLAG, 0, 1, cmd_status},
    {"exec", "LAB NODE [--] [COMMAND [ARG...]]",
     "Run COMMAND (default: a shell) in NODE's namespace.",
     "The node's /etc/netns files are in place, as with \"ip netns exec\".\n"
     "Exit status: COMMAND's; 125 if ovs-lab failed (no such lab or node),\n"
     "126 if COMMAND cannot be run, 127 if it is not found.\n",
     OPTIONS_FIRST, 2, -1, cmd_exec},
    {"list", "", "List the running labs, one per line.", "", 0, 0, 0,
     cmd_list},
    {"ovs", "[OPTIONS] start|stop|status",
     "Keep ovs-lab's private Open vSwitch running, or stop it.",
     "\"up\" starts ovs-lab's private Open vSwitch when it does not run,\n"
     "and the last lab's \"down\" stops it.  \"ovs start\" starts it and\n"
     "keeps it running without labs, so that every \"up\" finds it\n"
     "running (0.2-0.3 s faster each; for CI jobs that run lab after lab).\n"
     "\"ovs stop\" stops it now, or, if labs are still in it, with the\n"
     "last one's \"down\".  \"ovs status\" shows it (exit status 3 if it\n"
     "does not run) and its database, for ovs-vsctl --db=...\n"
     "There is one private Open vSwitch per machine, kept or not:\n"
     "\"ovs stop\" ends the keeping, whoever asked for it and however\n"
     "many \"ovs start\" did.  That never harms a lab (it stops only\n"
     "once no lab is in it), and the next \"up\" starts it again,\n"
     "0.2-0.3 s slower.\n",
     ACCEPT_QUIET, 1, 1, cmd_ovs},
};

static const struct command *
find_command(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        if (!strcmp(commands[i].name, name)) {
            return &commands[i];
        }
    }
    return NULL;
}

static void
usage(void)
{
    printf("usage: ovs-lab COMMAND [OPTIONS] [ARGS]\n"
           "Network labs in Linux namespaces, backed by Open vSwitch.\n\n"
           "Commands:\n");
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        printf("  %-9s %s\n", commands[i].name, commands[i].summary);
    }
    printf("\nRun \"ovs-lab COMMAND --help\" for a command's options.\n"
           "Scenario format: docs/scenario-format.md.\n"
           "  -h, --help       this help\n"
           "  -V, --version    print the version\n");
}

int
main(int argc, char *argv[])
{
    const struct command *cmd;
    int first;

    set_program_name(argv[0]);
    switchdb_init_process(false);

    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")
        || !strcmp(argv[1], "help")) {
        usage();
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
        printf("ovs-lab %s (Open vSwitch library %s)\n", OVS_LAB_VERSION,
               VERSION);
        return 0;
    }
    cmd = find_command(argv[1]);
    if (!cmd) {
        fprintf(stderr, "ovs-lab: unknown command '%s' "
                "(see ovs-lab --help)\n", argv[1]);
        return 2;
    }
    first = parse_options(cmd, argc - 1, argv + 1);
    if (first < 0) {
        return first == -1 ? 0 : 2;
    }
    return cmd->run(argc - 1 - first, argv + 1 + first);
}
