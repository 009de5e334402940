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
 * (caller frees *ts).  A progress bar is drawn when stderr is a terminal. */
sim_status rpt_cli_run_config(const mdl_config *cfg, uint64_t seed, FILE *log,
                              json_object **results, double *wall_s, mdl_ts_row **ts,
                              size_t *nts, sim_error *err);

/* A figure of a results document for the text tables: missing counts as 0. */
double rpt_cli_jget(json_object *o, const char *path);

/* Write doc to out_dir/file (atomically, creating out_dir) when out_dir is
 * given, and to stdout when to_stdout; returns the exit code (errors are
 * reported). */
int rpt_cli_emit_json(json_object *doc, const char *out_dir, const char *file, bool to_stdout,
                      sim_error *err);

#endif /* RPT_CLI_RUN_H */
