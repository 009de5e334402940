/* sim_cli.h - small command-line helpers: option matching, number parsing,
 * error reporting.
 *
 * The bottom layer knows no command: the command table and every command
 * live in reports/cli/ (rpt_cmd.h).  These helpers only turn argv strings
 * into values and errors into "lambdasim: <file>:<line>[:<field>]: <message>"
 * lines with the exit code the status maps to (0 ok, 1 run failed, 2 bad
 * usage or input).
 */
#ifndef SIM_CLI_H
#define SIM_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim_status.h"

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
