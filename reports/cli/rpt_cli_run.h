/* rpt_cli_run.h - what `run`, `compare`, `sweep` and `demo` share: run one
 * config on one replication with the terminal's progress bar, and write a
 * JSON document to a report folder and/or stdout.
 *
 * Ownership: results and time series go to the caller.  Errors: those of
 * mdl_scenario_create/run; a write failure names the file.
 */
#ifndef RPT_CLI_RUN_H
#define RPT_CLI_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "models/scenario/mdl_scenario.h"

/* Run one config; results (caller owns) get the effective config attached.
 * With ts non-NULL the per-minute time series is recorded and copied out
 * (caller frees *ts).  A progress bar is drawn when stderr is a terminal.
 * With warn, functions that hit AWS's default 3 s timeout are named on
 * stderr (`run` does; a comparison does not). */
sim_status rpt_cli_run_config(const mdl_config *cfg, uint64_t seed, FILE *log, bool warn,
                              json_object **results, double *wall_s, mdl_ts_row **ts,
                              size_t *nts, sim_error *err);

/* The same run with its results document (the effective config attached)
 * streamed to out as it is written, byte for byte what rpt_cli_emit_json
 * prints of rpt_cli_run_config's, but with no tree in memory: the results
 * of many functions cost no memory beyond the simulation's (sim_jw.h).
 * Nothing is written unless the run succeeds; a failed write is an error
 * naming out_name. */
sim_status rpt_cli_run_stream(const mdl_config *cfg, uint64_t seed, FILE *log, bool warn,
                              FILE *out, const char *out_name, double *wall_s, sim_error *err);

/* A figure of a results document for the text tables: missing counts as 0. */
double rpt_cli_jget(json_object *o, const char *path);

/* Write doc to out_dir/file (atomically, creating out_dir) when out_dir is
 * given, and to stdout when to_stdout; returns the exit code (errors are
 * reported). */
int rpt_cli_emit_json(json_object *doc, const char *out_dir, const char *file, bool to_stdout,
                      sim_error *err);

/* ---- the large-run guard ----------------------------------------------- */

/* Before a run whose estimate exceeds RPT_LARGE_EVENTS simulated events or
 * RPT_LARGE_BYTES of output, the command prints the estimate and the
 * expected time on stderr and, when stdin is a terminal, asks to go on;
 * --yes, or a stdin that is not a terminal (a script, a batch job),
 * proceeds after the message. */
#define RPT_LARGE_EVENTS 1e9
#define RPT_LARGE_BYTES 10e9
/* Output written per second: `trace generate` wrote 45 MB/s in issue 15's
 * measurement (a 1e10 s spec); the guard's expected time for outputs. */
#define RPT_WRITE_BYTES_PER_S 45e6

typedef struct rpt_estimate {
    double requests;   /* expected arrivals */
    double events;     /* simulated events (trace generate: candidate draws) */
    const char *events_name;   /* how to call them; NULL: "simulated events" */
    double bytes;      /* output written (log, report time series, trace) */
    double seconds;    /* expected wall time */
} rpt_estimate;

/* Estimate a run of cfg from its workload (arrival rate x duration; a trace
 * file's own length is not estimated), adding the --log rows (with_log) and
 * the report's per-minute time series (with_report).  Adds to *e. */
void rpt_cli_estimate_run(const mdl_config *cfg, bool with_log, bool with_report,
                          rpt_estimate *e);

/* Show a large estimate and ask on a terminal.  True: go on (small, --yes,
 * not a terminal, or the user said yes); false: the user declined (the
 * command then exits 1 having written nothing). */
bool rpt_cli_confirm(const char *what, const rpt_estimate *e, bool yes);

#endif /* RPT_CLI_RUN_H */
