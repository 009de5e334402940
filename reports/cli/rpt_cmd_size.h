/* rpt_cmd_size.h - what the files of `lambdasim size` share: the config
 * mode (rpt_cmd_size_config.c), used by the command (rpt_cmd_size.c).
 *
 * Config mode sizes one function of a run config the way the simulator
 * runs it: its kernel (the performance model, out of memory below the
 * working set), its handler's own time (service_time draws), its service
 * calls (latency draws plus payload over the transfer rate), over the
 * request classes of the workload that reach it (the mix's ops routed to
 * the function, their weights and payloads), priced with the config's
 * catalogue, architecture and billing granularity.  One invocation row is
 * the mix-weighted mean duration of one draw per request class, so the
 * trimmed mean of the rows estimates the mean duration over the mix, and
 * a size fails when any class runs out of memory there.  Draws come from
 * the config's seed, by (memory, batch): a repeat draws anew.
 */
#ifndef RPT_CMD_SIZE_H
#define RPT_CMD_SIZE_H

#include <stddef.h>

#include "models/config/mdl_config.h"
#include "sim/sim_status.h"

typedef struct rpt_size_fn rpt_size_fn;

/* Load the config (the one mdl_config_load call of `size`) and find the
 * function; megapixels or bytes (NAN when not given) replace the request
 * classes with one input of that size.  invocations: rows per batch.
 * Errors name the file and the function (and list the functions). */
sim_status rpt_size_fn_open(const char *config, const mdl_config_opts *opts, const char *function,
                            double megapixels, double bytes, int invocations, rpt_size_fn **out,
                            sim_error *err);
void rpt_size_fn_close(rpt_size_fn *s);

/* The mdl_size_sample_fn (ctx is the rpt_size_fn). */
sim_status rpt_size_fn_sample(void *ctx, int memory_mb, int batch, const double **d,
                              size_t *n, sim_error *err);
/* The performance model's expected duration at each grid size (no noise;
 * out-of-memory sizes as if they fitted): bo's prior mean. */
void rpt_size_fn_prior(const rpt_size_fn *s, const int *grid, size_t n, double *prior_ms);

const mdl_config *rpt_size_fn_config(const rpt_size_fn *s);
const mdl_function_cfg *rpt_size_fn_function(const rpt_size_fn *s);
/* What the sizing ran over, one line: "2 request classes of the mix: ...". */
const char *rpt_size_fn_inputs(const rpt_size_fn *s);

/* Write the config file back to `out` with functions.<name>.memory_mb set
 * to memory_mb (everything else as read; atomically).  EMISSING when the
 * file does not name the function under "functions" (a trace clone). */
sim_status rpt_size_fn_write_config(const rpt_size_fn *s, int memory_mb, const char *out,
                                    sim_error *err);

#endif /* RPT_CMD_SIZE_H */
