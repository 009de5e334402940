/* rpt_price_chart.h - the `cost --plot-lambda-price` chart.
 *
 * Ownership: nothing is kept; the caller owns the catalogue.
 * Errors: a rate the catalogue lacks (named), a write failure (the file is
 * left untouched: the SVG goes to a temp name and is renamed).
 */
#ifndef RPT_PRICE_CHART_H
#define RPT_PRICE_CHART_H

#include "models/pricing/mdl_pricing.h"
#include "sim/sim_status.h"

/* Draw Lambda's duration price per 100 ms against memory (128-10240 MB) for
 * x86_64 and arm64 at the catalogue's first-tier rates, as SVG with GNU
 * libplot, written atomically to `path`. */
sim_status rpt_plot_lambda_price(const mdl_catalog *cat, const char *path, sim_error *err);

#endif /* RPT_PRICE_CHART_H */
