/* rpt_cli_run.c - running one config for a command, and writing JSON out. */
#include "reports/cli/rpt_cli_run.h"
#include "reports/page/rpt_report.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void run_progress(void *ctx, double t, double end)
{
    (void)end;
    rpt_progress_update(ctx, (long)(100.0 * t / end + 0.5));
}

/* Memory grows with the functions a trace's template clones (each has its
 * state, statistics and results): say so before a long run fills memory
 * silently.  Silent below RPT_MANY_FUNCTIONS. */
#define RPT_MANY_FUNCTIONS 50000
static void warn_many_functions(const mdl_scenario *sc)
{
    uint32_t n = mdl_scenario_trace_clones(sc);
    if (n < RPT_MANY_FUNCTIONS) return;
    fprintf(stderr,
            "lambdasim: warning: the trace names %u functions and workload.trace.function_template "
            "gives each its own state and results: expect up to about %.1f GB of memory (%d KB "
            "per function)\n",
            n, (double)n * MDL_TRACE_FUNCTION_BYTES / 1e9, MDL_TRACE_FUNCTION_BYTES / 1024);
}

sim_status rpt_cli_run_config(const mdl_config *cfg, uint64_t seed, FILE *log,
                              json_object **results, double *wall_s, mdl_ts_row **ts,
                              size_t *nts, sim_error *err)
{
    mdl_scenario *sc = NULL;
    SIM_TRY(mdl_scenario_create(cfg, seed, 0, &sc, err));
    warn_many_functions(sc);
    if (log) mdl_scenario_set_log(sc, log);
    if (ts) mdl_scenario_enable_timeseries(sc, RPT_TS_INTERVAL_S);
    /* A bar on a terminal only (percent of simulated time); the chunked run
     * it needs changes no result. */
    rpt_progress *bar = sim_isatty_stderr() ? rpt_progress_create("run", 100) : NULL;
    if (bar) mdl_scenario_set_progress(sc, run_progress, bar);
    double t0 = sim_wall_seconds();
    sim_status st = mdl_scenario_run(sc, err);
    rpt_progress_destroy(bar);
    if (wall_s) *wall_s = sim_wall_seconds() - t0;
    if (st == SIM_OK) {
        json_object *r = mdl_scenario_results(sc);
        json_object_object_add(r, "config", json_object_get(cfg->effective));
        *results = r;
        if (ts) {
            const mdl_ts_row *rows = mdl_scenario_timeseries(sc, nts);
            *ts = sim_xmalloc((*nts ? *nts : 1) * sizeof **ts);
            if (*nts) memcpy(*ts, rows, *nts * sizeof **ts);
        }
    }
    mdl_scenario_destroy(sc);
    return st;
}

/* A figure for the text tables: missing counts as 0 there. */
double rpt_cli_jget(json_object *o, const char *path)
{
    double v = sim_json_number_at(o, path);
    return isnan(v) ? 0.0 : v;
}

int rpt_cli_emit_json(json_object *doc, const char *out_dir, const char *file, bool to_stdout,
                      sim_error *err)
{
    if (!out_dir && !to_stdout) return 0;   /* nowhere to write: no text to make */
    char *text = sim_json_to_string(doc);
    int rc = 0;
    if (out_dir) {
        char path[1024];
        if (sim_mkdir_p(out_dir, err) != SIM_OK) {
            free(text);
            return sim_cli_fail(err);
        }
        snprintf(path, sizeof path, "%s/%s", out_dir, file);
        if (sim_write_file_atomic(path, text, strlen(text), err) != SIM_OK)
            rc = sim_cli_fail(err);
    }
    if (to_stdout && rc == 0)
        fputs(text, stdout);
    free(text);
    return rc;
}
