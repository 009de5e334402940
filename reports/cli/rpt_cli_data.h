/* rpt_cli_data.h - where lambdasim's bundled data is, resolved once.
 *
 * Bundled data (price catalogues prices/<region>.json, the default kernel
 * profile profiles/default.json, the INIT durations table, the demo's
 * architectures and trace) lives in a data directory, found in this order:
 *   1. the command's --data DIR;
 *   2. $LAMBDASIM_DATA;
 *   3. LAMBDASIM_DATADIR, compiled in by the Makefile
 *      ($(PREFIX)/share/lambdasim, where `make install` puts the data), when
 *      that folder exists;
 *   4. ./data (a checkout).
 * This is the only code that reads the environment for it: the directory is
 * passed down explicitly (mdl_config_opts.data_dir, mdl_catalog_load_region,
 * mdl_usage_from_json).  Files a config names are relative to the config
 * file instead (mdl_config.h).
 */
#ifndef RPT_CLI_DATA_H
#define RPT_CLI_DATA_H

#include "sim/sim_status.h"

/* The data directory for `opt` (the --data value, or NULL).  An explicit
 * directory (1 or 2) that is not a directory is EUSAGE naming where it came
 * from.  *dir points to opt, the environment, or a constant. */
sim_status rpt_cli_data_dir(const char *opt, const char **dir, sim_error *err);

#endif /* RPT_CLI_DATA_H */
