/* rpt_cli_run.c - running one config for a command, and writing JSON out. */
#include "reports/cli/rpt_cli_run.h"
#include "reports/page/rpt_report.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"

#include <errno.h>
#include <math.h>
#include <unistd.h>
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

/* Loudly, on stderr whatever the format: a function that hit AWS's
 * default 3 s timeout (README "Config keys": timeout_s). */
static void warn_timeout(void *ctx, const char *name, uint64_t n)
{
    (void)ctx;
    fprintf(stderr, "lambdasim run: warning: %llu invocation%s of %s hit its 3 s timeout, "
                    "AWS's default: set functions.%s.timeout_s if the handler needs longer\n",
            (unsigned long long)n, n == 1 ? "" : "s", name, name);
}

/* Build and run one scenario (the caller destroys *out, also on error). */
static sim_status run_scenario(const mdl_config *cfg, uint64_t seed, FILE *log, bool ts,
                               double *wall_s, mdl_scenario **out, sim_error *err)
{
    *out = NULL;
    SIM_TRY(mdl_scenario_create(cfg, seed, 0, out, err));
    mdl_scenario *sc = *out;
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
    return st;
}

sim_status rpt_cli_run_stream(const mdl_config *cfg, uint64_t seed, FILE *log, bool warn,
                              FILE *out, const char *out_name, double *wall_s, sim_error *err)
{
    mdl_scenario *sc = NULL;
    sim_status st = run_scenario(cfg, seed, log, false, wall_s, &sc, err);
    if (st == SIM_OK) {
        sim_jw w;
        sim_jw_init_text(&w, out);
        mdl_scenario_results_write(sc, &w);
        sim_jw_tree_member(&w, "config", json_object_get(cfg->effective));
        errno = 0;
        bool ok = sim_jw_finish_text(&w);
        ok = fflush(out) == 0 && ok;
        if (!ok) {
            /* As sim_stdout_close words a lost write (exit 1, not bad input). */
            char why[128];
            st = SIM_ERR(err, SIM_ERUN, out_name, 0, NULL, "write failed: %s",
                         errno ? sim_errno_text(errno, why, sizeof why) : "output lost");
        }
        if (warn) mdl_scenario_default_timeouts(sc, warn_timeout, NULL);
    }
    mdl_scenario_destroy(sc);
    return st;
}

sim_status rpt_cli_run_config(const mdl_config *cfg, uint64_t seed, FILE *log, bool warn,
                              json_object **results, double *wall_s, mdl_ts_row **ts,
                              size_t *nts, sim_error *err)
{
    mdl_scenario *sc = NULL;
    sim_status st = run_scenario(cfg, seed, log, ts != NULL, wall_s, &sc, err);
    if (st == SIM_OK) {
        if (warn) mdl_scenario_default_timeouts(sc, warn_timeout, NULL);
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

/* ---- the large-run guard ---------------------------------------------- */

/* Simulated events per request: the bundled configs measure 2.0 (one
 * Lambda) to 9.1 (the Step Functions pipeline), `run --format json`
 * "events" / "requests.arrivals"; the guard takes the top of that range. */
#define EVENTS_PER_REQUEST 10.0
/* Wall speed: 2.7e6 events/s for gallery_sync.json, 4.5e6 for
 * gallery_sqs_lambda.json, 3.1e5 for the Step Functions pipeline on the
 * 2-core development machine (`lambdasim run`'s first line); a round middle. */
#define EVENTS_PER_WALL_S 2.5e6
/* Output sizes measured on the bundled configs: --log 54-58 bytes per
 * invocation row, timeseries.csv 85-89 bytes per minute row. */
#define LOG_BYTES_PER_INVOCATION 60.0
#define TS_BYTES_PER_MINUTE 90.0

void rpt_cli_estimate_run(const mdl_config *cfg, bool with_log, bool with_report,
                          rpt_estimate *e)
{
    double req = 0, draws = 0;
    /* Every entry's workload adds its arrivals (a trace's are not known
     * before it is read). */
    for (int i = 0; i < cfg->nentry; i++) {
        const mdl_workload_cfg *w = &cfg->entry[i].workload;
        if (w->kind == MDL_WL_ARRIVALS) {
            req += w->rate_per_s * cfg->duration_s;
        } else if (w->kind == MDL_WL_GENERATOR) {
            double r = wl_gen_expected_arrivals(&w->gen, cfg->duration_s);
            /* Thinning's rejected candidates cost about an event each. */
            double rejected = wl_gen_rate_bound(&w->gen) * cfg->duration_s - r;
            req += r;
            draws += rejected > 0 ? rejected : 0;
        }
    }
    double ev = req * EVENTS_PER_REQUEST + draws, bytes = 0;
    /* Every function once per request bounds the invocation rows. */
    if (with_log) bytes += req * (cfg->nfn > 0 ? cfg->nfn : 1) * LOG_BYTES_PER_INVOCATION;
    if (with_report) bytes += cfg->duration_s / RPT_TS_INTERVAL_S * TS_BYTES_PER_MINUTE;
    e->requests += req;
    e->events += ev;
    e->bytes += bytes;
    e->seconds += ev / EVENTS_PER_WALL_S + bytes / RPT_WRITE_BYTES_PER_S;
}

/* "3.2 hours", "41 s", "12 days". */
static void human_time(double s, char *buf, size_t n)
{
    if (s < 120) snprintf(buf, n, "%.0f s", s);
    else if (s < 7200) snprintf(buf, n, "%.0f minutes", s / 60);
    else if (s < 172800) snprintf(buf, n, "%.1f hours", s / 3600);
    else if (s < 3.15e7 * 2) snprintf(buf, n, "%.0f days", s / 86400);
    else snprintf(buf, n, "%.3g years", s / 3.15576e7);
}

bool rpt_cli_confirm(const char *what, const rpt_estimate *e, bool yes)
{
    if (e->events <= RPT_LARGE_EVENTS && e->bytes <= RPT_LARGE_BYTES) return true;
    char t[64];
    human_time(e->seconds, t, sizeof t);
    char ev[64] = "";
    if (e->events > 0)
        snprintf(ev, sizeof ev, ", %.3g %s", e->events,
                 e->events_name ? e->events_name : "simulated events");
    fprintf(stderr, "lambdasim %s: a large run: about %.3g arrivals%s, %.3g GB of output; "
            "expected time about %s.\n", what, e->requests, ev, e->bytes / 1e9, t);
    if (yes || !isatty(0)) return true;
    fprintf(stderr, "continue? [y/N] ");
    fflush(stderr);
    char line[32];
    if (!fgets(line, sizeof line, stdin)) line[0] = '\0';
    bool go = line[0] == 'y' || line[0] == 'Y';
    if (!go) fprintf(stderr, "lambdasim %s: not started (--yes skips this question)\n", what);
    return go;
}
