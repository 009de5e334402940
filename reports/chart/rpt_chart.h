/* rpt_chart.h - charts drawn with GNU libplot: line charts and bar charts.
 *
 * Two generic chart kinds cover every picture the reports need, so the
 * Step Functions and sizing reports reuse them instead of drawing their own:
 *  - rpt_chart_draw_lines: several series of (x, y) with an optional shaded band
 *    (lo..hi, e.g. a 95% CI) per series, optional markers, optional steps.
 *    Latency CDFs, time series and metric-vs-parameter sweeps are all this.
 *  - rpt_chart_draw_bars: categories x sets, grouped (side by side) or stacked
 *    (e.g. cost by service per design).
 * The caller owns every array; the chart is drawn straight from them and
 * nothing is kept.  Output is SVG (vector, inlined in report.html) or PNG,
 * written atomically (sim_io.h) so a chart is never half-written.  Labels
 * should be ASCII: libplot's SVG driver declares ISO-8859-1.  A title too
 * wide for the chart is set smaller, then shortened with "...", never cut
 * off by the frame.
 */
#ifndef RPT_CHART_H
#define RPT_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/sim_status.h"

typedef enum rpt_chart_format { RPT_CHART_SVG, RPT_CHART_PNG } rpt_chart_format;

/* Titles and axes.  Labels carry their units, e.g. "latency (ms)". */
typedef struct rpt_chart_spec {
    const char *title;
    const char *xlabel, *ylabel;
    rpt_chart_format format;
    int width_px, height_px;   /* 0: 800 x 480 */
    bool xlog;                 /* log10 x axis (values must be > 0) */
    bool y_zero;               /* the y range includes 0 */
    double xmin, xmax;         /* fixed x range when xmin < xmax */
    double ymin, ymax;         /* fixed y range when ymin < ymax */
    bool y_integer;            /* counts: whole-number y ticks (steps of 1, 2, 5, 10, ...) */
} rpt_chart_spec;

/* One line of a line chart.  lo/hi (both or neither) shade a band. */
typedef struct rpt_series {
    const char *name;          /* legend text */
    const double *x, *y;
    const double *lo, *hi;
    size_t n;
    bool markers;              /* a dot at every point */
    bool step;                 /* hold y until the next x (counts over time) */
    bool dashed;               /* a dashed line (a second figure of one design) */
    int colour;                /* palette index + 1; 0: the series' position */
    bool no_line;              /* points only (with markers): a scatter */
    bool highlight;            /* ring every point and label it "best" */
} rpt_series;

/* One panel of a small-multiples chart: its title and its lines. */
typedef struct rpt_panel {
    const char *title;
    const rpt_series *s;
    int ns;
} rpt_panel;

/* One set of bars: one value per category (a design, a service...). */
typedef struct rpt_bar_set {
    const char *name;          /* legend text */
    const double *v;           /* ncat values */
} rpt_bar_set;

sim_status rpt_chart_draw_lines(const char *path, const rpt_chart_spec *spec,
                           const rpt_series *s, int ns, sim_error *err);

/* Small multiples: one panel per design (up to 3 a row), every panel on the
 * same x and y ranges so they compare at a glance; the legend (from the
 * first panel's series names) and the axis labels are drawn once.  The
 * height grows with the rows (spec height_px is per row, 0: 240). */
sim_status rpt_chart_draw_panels(const char *path, const rpt_chart_spec *spec,
                                 const rpt_panel *panels, int np, sim_error *err);

/* Grouped bars (sets side by side in each category) or stacked bars (sets
 * piled up in each category, the total printed on top). */
sim_status rpt_chart_draw_bars(const char *path, const rpt_chart_spec *spec,
                          const char *const *categories, int ncat,
                          const rpt_bar_set *sets, int nsets, bool stacked,
                          sim_error *err);

#endif /* RPT_CHART_H */
