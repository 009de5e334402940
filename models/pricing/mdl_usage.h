/* mdl_usage.h - usage files: one month's usage, metered.
 *
 * A usage file (README "Costing") describes a month with averages, as
 * the AWS Pricing Calculator does.  mdl_usage_from_json validates it and
 * replays it into a meter through the bulk calls, so the command and the
 * simulator share one metering and billing path.
 */
#ifndef MDL_USAGE_H
#define MDL_USAGE_H

#include <stdio.h>

#include "models/pricing/mdl_meter.h"
#include "models/pricing/mdl_pricing.h"
#include "sim/sim_json.h"
#include "sim/sim_status.h"

/* Validate a usage document and meter it.  The catalogue is `catalog_path`
 * when given (its region must agree with the file's "region", if any),
 * else DATA_DIR/prices/<region>.json (data_dir NULL: "data").  On success
 * the caller owns *cat and *meter (destroy the meter first); on failure
 * both are NULL and err names the file, line and field. */
sim_status mdl_usage_from_json(const sim_json_doc *doc, const char *data_dir,
                               const char *catalog_path, mdl_catalog **cat, mdl_meter **meter,
                               sim_error *err);

/* JSON Schema (draft 2020-12) of a usage file, from the reader's tables
 * (caller owns). */
json_object *mdl_usage_schema(void);
/* The README's usage-file key table. */
void mdl_usage_markdown(FILE *fp);

#endif /* MDL_USAGE_H */
