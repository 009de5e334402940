/* rpt_band_chart.h - an SVG line chart with a shaded uncertainty band,
 * drawn with GNU libplot.
 *
 * Used by `lambdasim size` for COSE's figures (b) and (c): duration and cost
 * against memory, the model's curve with its 95% band, the sampled sizes as
 * markers and the recommendation as a vertical line.  Points whose y is NaN
 * (out-of-memory sizes) break the curve.  The file is written atomically.
 */
#ifndef RPT_BAND_CHART_H
#define RPT_BAND_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/sim_status.h"

typedef struct rpt_band_chart {
    const char *title;
    const char *x_label;       /* with units, e.g. "memory (MB)" */
    const char *y_label;
    size_t n;
    const double *x;           /* increasing */
    const double *y;           /* NaN: no value */
    const double *lo, *hi;     /* band; NULL for none */
    const bool *marked;        /* points to draw as markers; NULL for none */
    const char *curve_label, *band_label, *marker_label;
    double highlight_x;        /* NaN for none */
    const char *highlight_label;
    double shade_to_x;         /* grey region from the first x to this (NaN: none) */
    const char *shade_label;   /* e.g. "out of memory" */
} rpt_band_chart;

/* Draw the chart into `path` (SVG). */
sim_status rpt_band_chart_svg(const rpt_band_chart *c, const char *path, sim_error *err);

#endif /* RPT_BAND_CHART_H */
