/* mdl_cost.h - `lambdasim cost`: usage files, the bill, the price chart.
 *
 * A usage file (cli.md, "lambdasim cost") describes a month with averages, as
 * the AWS Pricing Calculator does.  mdl_usage_from_json validates it and
 * replays it into a meter through the bulk calls, so the command and the
 * simulator share one metering and billing path.
 */
#ifndef MDL_COST_H
#define MDL_COST_H

#include "models/mdl_meter.h"
#include "models/mdl_pricing.h"
#include "sim/sim_json.h"
#include "sim/sim_status.h"

/* Validate a usage document and meter it.  The catalogue is `catalog_path`
 * when given (its region must agree with the file's "region", if any),
 * else data/prices/<region>.json.  On success the caller owns *cat and
 * *meter (destroy the meter first); on failure both are NULL and err names
 * the file, line and field. */
sim_status mdl_usage_from_json(const sim_json_doc *doc, const char *catalog_path,
                               mdl_catalog **cat, mdl_meter **meter, sim_error *err);

/* Draw Lambda's duration price per 100 ms against memory (128-10240 MB) for
 * x86_64 and arm64 at the catalogue's first-tier rates, as SVG with GNU
 * libplot, written atomically to `path`. */
sim_status mdl_plot_lambda_price(const mdl_catalog *cat, const char *path, sim_error *err);

#endif /* MDL_COST_H */
