/* rpt_report.h - report files for one or more simulated designs.
 *
 * rpt_report_write turns run results (mdl_scenario_results with the
 * effective "config" attached, as `run` and `compare` produce them) and
 * optional per-minute time series into a report folder:
 *   summary.json    every figure, the effective config and the seed
 *   timeseries.csv  per design and interval: arrivals, instances, running,
 *                   queue depth, throttles, billed usage and cost accrued
 *   timeseries_entries.csv  per design, entry and interval: arrivals,
 *                   responses, flows finished and in flight
 *   charts/NAME.svg    latency CDF, latency bars, cost by service (when the
 *                   results carry a "cost" section), time series
 *   report.html     self-contained: inline SVG, tables, no external asset
 *   report.md       the same tables in Markdown, charts linked
 * Results are only read (borrowed); every file is written atomically.
 * Figures the results lack (e.g. "cost" before the price catalogue) are
 * left out of charts and shown as "-" in tables, never invented.
 */
#ifndef RPT_REPORT_H
#define RPT_REPORT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "models/pricing/mdl_pricing.h"
#include "models/scenario/mdl_scenario.h"
#include "sim/sim_status.h"

/* Time series interval the commands record for reports: one row a minute. */
#define RPT_TS_INTERVAL_S 60.0

typedef struct rpt_design {
    const char *name;
    json_object *results;      /* borrowed */
    const mdl_ts_row *ts;      /* borrowed; NULL when not recorded */
    size_t nts;
} rpt_design;

typedef struct rpt_report_opts {
    const char *title;         /* heading of report.html / report.md */
    const char *subtitle;      /* one line under it (may be NULL) */
    json_object *summary;      /* summary.json content (borrowed); NULL:
                                * {"title","seed","designs":[{name,results}]} */
    bool png;                  /* also write charts/NAME.png */
    const char *data_dir;      /* the data directory, for the list prices of
                                * unpriced results' time series (NULL: "data") */
} rpt_report_opts;

/* The results document's design list, one builder for every command that
 * writes one (run, compare, demo, the default summary.json): adds
 * "designs": [{"name", "config" (when configs is not NULL), "results"}] to
 * doc, in the order given.  Results are shared (reference counted), not
 * copied; configs, when given, holds n config paths. */
void rpt_report_add_designs(json_object *doc, const rpt_design *d, int n,
                            const char *const *configs);

/* Write the report files into dir (created if needed). */
sim_status rpt_report_write(const char *dir, const rpt_report_opts *opts,
                            const rpt_design *d, int n, sim_error *err);

/* The time series CSV alone (fp owned by the caller).  The cost column is
 * "cost_accrued_usd" when every design's results carry the priced "cost"
 * section, else "lambda_cost_list_price_usd": Lambda only, the list prices
 * of `list` (x86_64 first-tier GB-s rate and request fee; rpt_report_write
 * passes the us-east-1 catalogue) applied to the billed GB-s and requests.
 * `list` is only read when some design is unpriced, and must then hold
 * both rates (a contract). */
void rpt_timeseries_write_csv(FILE *fp, const rpt_design *d, int n, const mdl_catalog *list);
/* The per-entry time series CSV (entries named from each design's results). */
void rpt_timeseries_entries_write_csv(FILE *fp, const rpt_design *d, int n);


/* ---- progress bar ------------------------------------------------------- */

/* A progress bar with an ETA on stderr, drawn only when stderr is a
 * terminal (quiet otherwise, so logs and pipes stay clean). */
typedef struct rpt_progress rpt_progress;

rpt_progress *rpt_progress_create(const char *what, long total);
/* Set the number of units done (redrawn at most ~10 times a second). */
void rpt_progress_update(rpt_progress *p, long done);
/* Draw the final state, end the line, free.  NULL is a no-op. */
void rpt_progress_destroy(rpt_progress *p);

#endif /* RPT_REPORT_H */
