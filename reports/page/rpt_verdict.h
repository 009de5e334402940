/* rpt_verdict.h - the verdict on top of a comparison, and the monthly bill.
 *
 * compare, sweep and demo open their terminal output and their report with
 * the same few sentences, built here once from the designs' results:
 *   - the cheapest design per month (cost.monthly.total_usd) and by how much;
 *   - the lowest client p95 and by how much;
 *   - what fails and why, in words ("144 requests (2.8%) over the 6 MB
 *     synchronous payload limit"), from requests.failures and the effective
 *     config (a function timeout left at AWS's 3 s default says so);
 *   - queues whose depth oscillates or grows (rpt_queue_check, from the time
 *     series; README "Reports" gives the rule).
 * A single design (run) gets the last two only.
 *
 * The monthly bill (README "The month") is shown from cost.monthly, the
 * JSON of the month's mdl_bill: one table per design with every line's
 * quantity, unit, rate, amount, calculation and source, as `lambdasim cost`
 * prints them (numbers through mdl_bill_fmt_num), and a per-service table
 * of all designs.
 *
 * Results are borrowed; nothing here allocates beyond the page's copies.
 */
#ifndef RPT_VERDICT_H
#define RPT_VERDICT_H

#include <stdio.h>

#include "reports/page/rpt_page.h"
#include "reports/page/rpt_report.h"

#define RPT_VERDICT_MAX 24

typedef struct rpt_verdict {
    int n;
    char line[RPT_VERDICT_MAX][640];
} rpt_verdict;

/* The verdict of n designs (their results, and time series when recorded). */
void rpt_verdict_build(const rpt_design *d, int n, rpt_verdict *v);
/* On a terminal: "verdict: ..." lines. */
void rpt_verdict_print(const rpt_verdict *v, FILE *fp);
/* On a page: a "Verdict" heading and one bold paragraph per sentence. */
void rpt_verdict_page(const rpt_verdict *v, rpt_page *pg);

/* The headline table of n designs on a terminal: client latency p50, p95,
 * p99, failed requests, cold starts and the month's cost, one row each
 * (`first` heads the names' column). */
void rpt_headline_print(FILE *fp, const char *first, const rpt_design *d, int n);

/* The best balance of n designs' monthly cost and p95: the least
 * 0.5 x cost / max cost + 0.5 x p95 / max p95 (AWS Lambda Power Tuning's
 * "balanced" strategy with equal weights; README "Reference facts",
 * Sizing), over the designs where both are finite; -1 when none. */
int rpt_tradeoff_best(const double *cost, const double *p95, int n);

/* ---- queue depth over time ------------------------------------------------ */

typedef enum { RPT_QUEUE_STEADY, RPT_QUEUE_OSCILLATES, RPT_QUEUE_GROWS } rpt_queue_trend;

/* The rule (README "Reports"), over the visible depth at the end of each
 * interval, peak P: a queue that never holds RPT_QUEUE_MIN_PEAK messages is
 * steady.  It GROWS when the mean depth of the last quarter of the series is
 * at least RPT_QUEUE_MIN_PEAK and at least twice the mean of the second
 * quarter (a backlog the consumers do not catch up with).  Else it
 * OSCILLATES when the depth rises from at most P/10 to at least P/2 three
 * times or more (a pool that cycles, e.g. an autoscaler whose minimum sits
 * below the load).  Series shorter than 8 points are steady. */
#define RPT_QUEUE_MIN_PEAK 20.0

typedef struct rpt_queue_check {
    rpt_queue_trend trend;
    double peak;            /* the largest depth */
    int rises;              /* rises from <= peak/10 to >= peak/2 */
    double q2_mean, q4_mean;/* mean depth of the second and last quarters */
} rpt_queue_check;

rpt_queue_trend rpt_queue_check_depth(const double *depth, size_t n, rpt_queue_check *out);

/* ---- the monthly bill ------------------------------------------------------ */

/* The monthly bill on a page: per-service totals of every design, then each
 * design's lines.  Designs without cost.monthly are left out (said so). */
void rpt_month_page(rpt_page *pg, const rpt_design *d, int n);
/* On a terminal, one column per design (width w): the month's total, every
 * service and every line (item: detail), in USD. */
void rpt_month_print_columns(FILE *fp, const rpt_design *d, int n, int label_w, int w);

#endif /* RPT_VERDICT_H */
