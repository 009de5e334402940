/* rpt_cli_tf.h - what `run --terraform` and `compare --terraform` share
 * with `import terraform`: a plan (or state) and a workload file imported
 * into a config document, and the import's notes on stderr (README "From
 * Terraform").
 *
 * Ownership: the document goes to the caller (sim_json_doc_fini).  Cost:
 * one import (linear in the plan).  Errors: those of mdl_tf_load,
 * mdl_tf_import_build and the workload file (file, line, address or path);
 * a placeholder left in the config (what neither the plan nor the workload
 * says) is SIM_EUSAGE naming every placeholder's path.
 */
#ifndef RPT_CLI_TF_H
#define RPT_CLI_TF_H

#include "models/terraform/mdl_tf_map.h"
#include "sim/sim_json.h"
#include "sim/sim_status.h"

/* Warnings (not simulated, others), placeholders with their hints, and
 * hints: one line each on stderr. */
void rpt_cli_tf_notes(const mdl_tf_import *im);

/* Import `plan` with `workload` (NULL: none) into *doc, labelled
 * "PLAN (imported)"; the config's paths are relative to the working
 * directory (load it with mdl_config_opts.base_dir "."). The notes are
 * printed; placeholders are refused. */
sim_status rpt_cli_tf_doc(const char *plan, const char *workload, sim_json_doc *doc,
                          sim_error *err);

#endif /* RPT_CLI_TF_H */
