/* sim_cli.h - the command-line entry points and small argument helpers.
 *
 * Each command is one function `int <prefix>_cmd_<name>(int argc, char **argv)`
 * living in the module it belongs to (argv[0] is the command name).  It
 * returns the process exit code: 0 ok, 1 run failed, 2 bad usage or input
 * (../shared/reference/cli.md).
 *
 * Each module defines its command's function; sim_main.c's table maps
 * names to them.  (While commands were landing one by one, weak placeholders
 * stood in for the missing ones; every command has landed, so they are gone.)
 */
#ifndef SIM_CLI_H
#define SIM_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim_status.h"

int mdl_cmd_cost(int argc, char **argv);
int mdl_cmd_size(int argc, char **argv);
int mdl_cmd_run(int argc, char **argv);
int mdl_cmd_compare(int argc, char **argv);
int mdl_cmd_stepfn(int argc, char **argv);
int wl_cmd_trace(int argc, char **argv);
int wl_cmd_kernel(int argc, char **argv);
int wl_cmd_profile(int argc, char **argv);
/* `lambdasim kernel detect ...` (argv[0] is "detect"), called by wl_cmd_kernel;
 * separate so the detector can land on its own. */
int wl_cmd_kernel_detect(int argc, char **argv);
int rpt_cmd_demo(int argc, char **argv);
int rpt_cmd_sweep(int argc, char **argv);

/* True if argv[i] is --help or -h anywhere in argv. */
bool sim_cli_wants_help(int argc, char **argv);

/* Option matching: if argv[*i] is `name` (then the value is argv[*i+1]) or
 * `name=value`, set *value, advance *i past what was used, return true.
 * A missing value records EUSAGE in err and returns true with *value NULL. */
bool sim_cli_opt(int argc, char **argv, int *i, const char *name,
                 const char **value, sim_error *err);

/* Parse numbers from option values; errors name the option. */
sim_status sim_cli_parse_double(const char *opt, const char *s, double min,
                                double max, double *out, sim_error *err);
sim_status sim_cli_parse_int(const char *opt, const char *s, int64_t min,
                             int64_t max, int64_t *out, sim_error *err);

/* Report an error (lambdasim: ... to stderr) and return its exit code. */
int sim_cli_fail(const sim_error *err);

/* Report a usage error for a command and return 2. */
int sim_cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* SIM_CLI_H */
