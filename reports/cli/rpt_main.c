/* rpt_main.c - the lambdasim command-line entry point and the command table. */
#include "reports/cli/rpt_cmd.h"

#include "sim/sim_cleanup.h"
#include "sim/sim_io.h"

#include <errno.h>
#include <fcntl.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LAMBDASIM_VERSION "0.1.0"

typedef struct command {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} command;

static const command k_commands[] = {
    { "cost",    rpt_cmd_cost,    "estimate one month's AWS bill from a usage file" },
    { "run",     rpt_cmd_run,     "simulate an architecture against a workload" },
    { "compare", rpt_cmd_compare, "simulate designs side by side" },
    { "size",    rpt_cmd_size,    "recommend a Lambda memory size" },
    { "trace",   rpt_cmd_trace,    "describe, convert or generate workload traces" },
    { "kernel",  rpt_cmd_kernel,   "run one image kernel on one file" },
    { "profile", rpt_cmd_profile,  "time the image kernels on a photo set" },
    { "stepfn",  rpt_cmd_stepfn,  "execute one Step Functions state machine" },
    { "sweep",   rpt_cmd_sweep,   "run scenarios x replications in parallel" },
    { "demo",    rpt_cmd_demo,    "run the photo-gallery demo and write a report" },
    { "schema",  rpt_cmd_schema,  "print the JSON Schema of a config, usage file or profile" },
    { "import",  rpt_cmd_import,  "turn a Terraform plan or state into a run config" },
};

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: lambdasim <command> [options]\n"
            "\n"
            "Cost, latency and sizing of serverless image pipelines on AWS.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < sizeof k_commands / sizeof k_commands[0]; i++)
        fprintf(fp, "  %-8s  %s\n", k_commands[i].name, k_commands[i].summary);
    fprintf(fp,
            "\n"
            "Every command takes --help.  Exit codes: 0 ok, 1 run failed (or output\n"
            "lost), 2 bad usage or input, 130/143 interrupted by SIGINT/SIGTERM\n"
            "(temporary outputs removed).  See man lambdasim and README.md.\n");
}

/* A standard stream the caller closed (`>&-`) would let the next file we
 * open take its number, and stdout's text would land in that file.  Park
 * /dev/null there, opened read-only, so writes still fail (and are reported,
 * see finish) instead of going somewhere else. */
static void guard_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        int nfd = open("/dev/null", O_RDONLY);
        if (nfd >= 0 && nfd != fd) {
            dup2(nfd, fd);
            close(nfd);
        }
    }
}

static int dispatch(int argc, char **argv)
{
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("lambdasim %s\n", LAMBDASIM_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof k_commands / sizeof k_commands[0]; i++)
        if (strcmp(cmd, k_commands[i].name) == 0)
            return k_commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "lambdasim: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return 2;
}

/* Every command's stdout is checked once, here: output lost to a full disk,
 * /dev/full or a closed stream is an error (exit 1), never a silent 0. */
static int finish(int rc)
{
    sim_error err;
    sim_error_clear(&err);
    /* A command that failed has said why already (perhaps this very
     * stdout error): one message is enough. */
    if (sim_stdout_close(&err) != SIM_OK && rc == 0) {
        sim_error_print(&err, stderr);
        rc = sim_status_exit_code(err.code);
    }
    return rc;
}

int main(int argc, char **argv)
{
    guard_std_fds();
    /* Temporaries are removed on SIGINT/SIGTERM/SIGHUP (exit 130/143/129). */
    sim_cleanup_install();
    /* GSL's default handler aborts; we check every status ourselves. */
    gsl_set_error_handler_off();
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    return finish(dispatch(argc, argv));
}
