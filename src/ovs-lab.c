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
#include "scenario.h"
#include "switchdb.h"
#include "util.h"

struct command {
    const char *name;
    const char *args;           /* Synopsis of the arguments. */
    const char *summary;        /* One line for "ovs-lab --help". */
    const char *help;           /* Options and details for "CMD --help". */
    bool common_options;        /* Takes --ovsdb and --quiet. */
    int (*run)(int argc, char *argv[]);
};

static const struct command *find_command(const char *name);

static const char common_options_help[] =
    "  --ovsdb=REMOTE   use an existing Open vSwitch (e.g.\n"
    "                   unix:/var/run/openvswitch/db.sock) instead of\n"
    "                   ovs-lab's private one; also $OVS_LAB_OVSDB\n"
    "  -q, --quiet      no progress lines\n"
    "  -h, --help       this help\n";

static void
print_command_help(const struct command *cmd)
{
    printf("usage: ovs-lab %s %s\n%s\n", cmd->name, cmd->args, cmd->summary);
    printf("\n");
    if (cmd->common_options) {
        fputs(common_options_help, stdout);
    }
    fputs(cmd->help, stdout);
}

/* Parses the options shared by the commands that change labs.  Returns the
 * index of the first non-option argument, or -1 after printing help (exit
 * 0) or -2 on a usage error (exit 2). */
static int
parse_lab_options(const struct command *cmd, int argc, char *argv[],
                  struct lab_options *options, bool *json, bool *keep)
{
    enum { OPT_OVSDB = 256, OPT_NAME, OPT_JSON, OPT_KEEP };
    static const struct option long_options[] = {
        {"ovsdb", required_argument, NULL, OPT_OVSDB},
        {"name", required_argument, NULL, OPT_NAME},
        {"json", no_argument, NULL, OPT_JSON},
        {"keep", no_argument, NULL, OPT_KEEP},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };

    lab_options_init(options);
    optind = 1;
    for (;;) {
        int c = getopt_long(argc, argv, "+qh", long_options, NULL);

        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_OVSDB:
            options->ovsdb = optarg;
            break;
        case OPT_NAME:
            options->name = optarg;
            break;
        case OPT_JSON:
            if (!json) {
                goto usage;
            }
            *json = true;
            break;
        case OPT_KEEP:
            if (!keep) {
                goto usage;
            }
            *keep = true;
            break;
        case 'q':
            options->quiet = true;
            break;
        case 'h':
            print_command_help(cmd);
            return -1;
        default:
            goto usage;
        }
    }
    return optind;

usage:
    if (optind > 0 && optind <= argc) {
        fprintf(stderr, "ovs-lab %s: option '%s' is not known here\n",
                cmd->name, argv[optind - 1]);
    }
    fprintf(stderr, "usage: ovs-lab %s %s (see ovs-lab %s --help)\n",
            cmd->name, cmd->args, cmd->name);
    return -2;
}

static int
usage_error(const struct command *cmd, const char *what)
{
    fprintf(stderr, "ovs-lab %s: %s\nusage: ovs-lab %s %s "
            "(see ovs-lab %s --help)\n",
            cmd->name, what, cmd->name, cmd->args, cmd->name);
    return 2;
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
    const struct command *cmd = find_command("validate");
    struct lab_options options;
    int status = 0;
    int first = parse_lab_options(cmd, argc, argv, &options, NULL, NULL);

    if (first < 0) {
        return first == -1 ? 0 : 2;
    }
    if (first >= argc) {
        return usage_error(cmd, "no scenario file given");
    }
    for (int i = first; i < argc; i++) {
        struct scenario *scenario;
        char *error = scenario_load_file(argv[i], &scenario);

        if (!error && options.name) {
            error = scenario_set_name(scenario, options.name);
        }
        if (error) {
            fputs(error, stderr);
            free(error);
            status = 1;
        } else if (!options.quiet) {
            printf("%s: ok (lab %s: %"PRIuSIZE" nodes, %"PRIuSIZE
                   " switches, %"PRIuSIZE" checks)\n", argv[i],
                   scenario->name, scenario->n_nodes, scenario->n_switches,
                   scenario->n_checks);
        }
        scenario_destroy(scenario);
    }
    return status;
}

static int
cmd_up(int argc, char *argv[])
{
    const struct command *cmd = find_command("up");
    struct lab_options options;
    int first = parse_lab_options(cmd, argc, argv, &options, NULL, NULL);

    if (first < 0) {
        return first == -1 ? 0 : 2;
    }
    if (argc - first != 1) {
        return usage_error(cmd, "expected exactly one scenario file");
    }
    return report(lab_up(argv[first], &options));
}

static int
cmd_run(int argc, char *argv[])
{
    enum { OPT_OVSDB = 256, OPT_NAME, OPT_JSON, OPT_JUNIT, OPT_KEEP };
    static const struct option long_options[] = {
        {"ovsdb", required_argument, NULL, OPT_OVSDB},
        {"name", required_argument, NULL, OPT_NAME},
        {"json", required_argument, NULL, OPT_JSON},
        {"junit", required_argument, NULL, OPT_JUNIT},
        {"keep", no_argument, NULL, OPT_KEEP},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const struct command *cmd = find_command("run");
    struct lab_run_options run = { .keep = false };
    struct lab_options options;
    int exit_status;
    char *error;

    lab_options_init(&options);
    optind = 1;
    for (;;) {
        int c = getopt_long(argc, argv, "+qh", long_options, NULL);

        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_OVSDB:
            options.ovsdb = optarg;
            break;
        case OPT_NAME:
            options.name = optarg;
            break;
        case OPT_JSON:
            run.json_path = optarg;
            break;
        case OPT_JUNIT:
            run.junit_path = optarg;
            break;
        case OPT_KEEP:
            run.keep = true;
            break;
        case 'q':
            options.quiet = true;
            break;
        case 'h':
            print_command_help(cmd);
            return 0;
        default:
            return usage_error(cmd, "unknown option");
        }
    }
    if (argc - optind != 1) {
        return usage_error(cmd, "expected exactly one scenario file");
    }
    error = lab_run(argv[optind], &options, &run, &exit_status);
    if (error) {
        report(error);
        return exit_status ? exit_status : 1;
    }
    return exit_status;
}

static int
cmd_down(int argc, char *argv[])
{
    const struct command *cmd = find_command("down");
    struct lab_options options;
    int status = 0;
    int first = parse_lab_options(cmd, argc, argv, &options, NULL, NULL);

    if (first < 0) {
        return first == -1 ? 0 : 2;
    }
    if (first >= argc) {
        return usage_error(cmd, "no lab named");
    }
    for (int i = first; i < argc; i++) {
        status |= report(lab_down(argv[i], &options));
    }
    return status;
}

static int
cmd_status(int argc, char *argv[])
{
    const struct command *cmd = find_command("status");
    struct lab_options options;
    bool json = false;
    int first = parse_lab_options(cmd, argc, argv, &options, &json, NULL);

    if (first < 0) {
        return first == -1 ? 0 : 2;
    }
    if (argc - first > 1) {
        return usage_error(cmd, "at most one lab");
    }
    return report(lab_status(first < argc ? argv[first] : NULL, json,
                             &options));
}

static int
cmd_exec(int argc, char *argv[])
{
    const struct command *cmd = find_command("exec");
    struct lab_options options;
    char *shell[] = { NULL, NULL };
    char **command;
    int first = parse_lab_options(cmd, argc, argv, &options, NULL, NULL);

    if (first < 0) {
        return first == -1 ? 0 : 2;
    }
    if (argc - first < 2) {
        return usage_error(cmd, "expected a lab and a node");
    }
    if (argc - first == 2) {
        /* No command: an interactive shell, like "ip netns exec NS". */
        shell[0] = getenv("SHELL") ? getenv("SHELL") : "/bin/sh";
        command = shell;
    } else {
        command = &argv[first + 2];
        if (!strcmp(command[0], "--")) {
            command++;
        }
        if (!command[0]) {
            return usage_error(cmd, "no command after --");
        }
    }
    /* Returns only on failure. */
    report(lab_exec(argv[first], argv[first + 1], command, &options));
    return 127;
}

static int
cmd_list(int argc, char *argv[])
{
    const struct command *cmd = find_command("list");
    struct lab_options options;
    int first = parse_lab_options(cmd, argc, argv, &options, NULL, NULL);

    if (first < 0) {
        return first == -1 ? 0 : 2;
    }
    if (first != argc) {
        return usage_error(cmd, "no arguments expected");
    }
    return report(lab_list(&options));
}

static const struct command commands[] = {
    {"validate", "FILE...",
     "Check scenario files; print \"ok\" or every error as "
     "FILE:LINE:COLUMN.",
     "  --name=LAB       validate under this lab name\n"
     "  -q, --quiet      print only errors\n"
     "Exit status: 0 if every file is valid, 1 otherwise.\n",
     false, cmd_validate},
    {"up", "[OPTIONS] FILE",
     "Deploy the lab of scenario FILE and leave it running.",
     "  --name=LAB       lab name (default: the scenario's \"lab:\", or the\n"
     "                   file name); lets one scenario run twice at once\n"
     "The lab's namespaces are named LAB-NODE (see \"ip netns list\").\n"
     "A failed deploy removes everything it created.\n",
     true, cmd_up},
    {"run", "[OPTIONS] FILE",
     "Deploy a lab, run its checks, report, tear it down.",
     "  --name=LAB       lab name (default: the scenario's)\n"
     "  --keep           leave the lab up after the checks\n"
     "  --json=FILE      also write the report as JSON\n"
     "  --junit=FILE     also write the report as JUnit XML (for CI)\n"
     "Exit status: 0 if every check held, 1 if one failed or the lab\n"
     "could not be deployed, 2 for a usage error.\n",
     true, cmd_run},
    {"down", "[OPTIONS] LAB...",
     "Tear down labs: processes, OVS rows, veths, namespaces, files.",
     "Works from the lab's recorded state, or from what is on the system\n"
     "when that is lost.  A lab that is already gone is not an error.\n",
     true, cmd_down},
    {"status", "[OPTIONS] [LAB]",
     "Show the running labs, or one lab in detail.",
     "  --json           machine-readable output\n",
     true, cmd_status},
    {"exec", "[OPTIONS] LAB NODE [--] [COMMAND [ARG...]]",
     "Run COMMAND (default: a shell) in NODE's namespace.",
     "The node's /etc/netns files are in place, as with \"ip netns exec\".\n"
     "Exit status: COMMAND's.\n",
     false, cmd_exec},
    {"list", "", "List the running labs, one per line.", "", false,
     cmd_list},
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
           "  -V, --version    print the version\n");
}

int
main(int argc, char *argv[])
{
    const struct command *cmd;

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
    return cmd->run(argc - 1, argv + 1);
}
