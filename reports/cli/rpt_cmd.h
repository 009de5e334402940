/* rpt_cmd.h - the commands of the lambdasim command line.
 *
 * The top layer: each command is one function
 * `int rpt_cmd_<name>(int argc, char **argv)` in its own file
 * reports/cli/rpt_cmd_<name>.c (argv[0] is the command name), and
 * rpt_main.c's table maps names to them.  A command returns the process exit
 * code: 0 ok, 1 the run failed, 2 bad usage or input.  Commands are the only
 * code that reads the environment or talks to the terminal; everything below
 * them takes explicit arguments.
 */
#ifndef RPT_CMD_H
#define RPT_CMD_H

int rpt_cmd_cost(int argc, char **argv);
int rpt_cmd_run(int argc, char **argv);
int rpt_cmd_compare(int argc, char **argv);
int rpt_cmd_size(int argc, char **argv);
int rpt_cmd_trace(int argc, char **argv);
int rpt_cmd_kernel(int argc, char **argv);
/* `lambdasim kernel detect ...` (argv[0] is "detect"), called by rpt_cmd_kernel. */
int rpt_cmd_kernel_detect(int argc, char **argv);
int rpt_cmd_profile(int argc, char **argv);
int rpt_cmd_stepfn(int argc, char **argv);
int rpt_cmd_sweep(int argc, char **argv);
int rpt_cmd_demo(int argc, char **argv);
int rpt_cmd_schema(int argc, char **argv);
int rpt_cmd_import(int argc, char **argv);

#endif /* RPT_CMD_H */
