/* wl_azure.h - the Azure Functions traces, read as they are published.
 *
 * Azure Functions 2019 (Shahrad et al., ATC'20) gives, per function, the
 * number of invocations in each minute of a day, plus per-function duration
 * percentiles and per-app memory percentiles.  wl_az19_load reads the three
 * files (original or "sampled" schema: columns are found by header name, so
 * column order and the "1" / "minute_1" spellings both work) and keeps only
 * the non-zero (minute, function, count) cells, sorted by minute: memory is
 * proportional to the input's non-zero cells, never to the invocations they
 * expand to.
 *
 * wl_az19_source_create expands the counts into arrivals one at a time:
 * within each minute every function's count is placed exactly (uniform:
 * evenly spaced at (i + 1/2) * 60 / c; poisson: the c points of a Poisson
 * process conditioned on c arrivals, i.e. sorted uniform times, drawn
 * sequentially), and the functions of a minute are merged by a small heap.
 * Each arrival's duration is drawn from its function's percentiles through
 * a piecewise-linear inverse CDF (p = 0, 1, 25, 50, 75, 99, 100); memory is
 * the app's AverageAllocatedMb.
 *
 * Azure Functions 2021 (Zhang et al., SOSP'21) lists invocations as
 * app,func,end_timestamp,duration (seconds).  Arrivals start at
 * end - duration, which reorders them, so wl_az21_source_open loads the
 * file into 16-byte records and sorts them (about 32 MB for the full
 * two-week trace of 1.98 M rows); the 2021 trace has no memory column.
 */
#ifndef WL_AZURE_H
#define WL_AZURE_H

#include <stdint.h>

#include "workloads/trace/wl_source.h"

typedef enum { WL_SPREAD_POISSON, WL_SPREAD_UNIFORM } wl_spread;

/* "poisson" / "uniform"; false when unknown. */
bool wl_spread_parse(const char *s, wl_spread *out);

typedef struct wl_az19 wl_az19;

/* Load an invocations file and, optionally (NULL), the durations and memory
 * files.  Errors name file, line and column. */
sim_status wl_az19_load(wl_az19 **out, const char *invocations,
                        const char *durations, const char *memory, sim_error *err);
void wl_az19_destroy(wl_az19 *az);

uint32_t wl_az19_function_count(const wl_az19 *az);
const char *wl_az19_function_name(const wl_az19 *az, uint32_t f);
uint32_t wl_az19_minute_count(const wl_az19 *az);
/* Invocations of function f in minute m (0-based), as in the file. */
uint64_t wl_az19_count(const wl_az19 *az, uint32_t f, uint32_t m);
/* All functions' invocations in minute m. */
uint64_t wl_az19_minute_total(const wl_az19 *az, uint32_t m);
uint64_t wl_az19_total(const wl_az19 *az);
/* Functions with at least one invocation; functions with a duration
 * distribution; functions with a memory figure. */
uint32_t wl_az19_active_functions(const wl_az19 *az);
uint32_t wl_az19_functions_with_durations(const wl_az19 *az);
uint32_t wl_az19_functions_with_memory(const wl_az19 *az);

/* A source expanding `az` (which must outlive it).  Function indices of the
 * arrivals are az's.  Randomness: streams "azure2019/spread" and
 * "azure2019/durations" of (seed, replication 0). */
sim_status wl_az19_source_create(wl_source **out, const wl_az19 *az, wl_spread spread,
                                 uint64_t seed, sim_error *err);

/* Open an Azure 2021 per-invocation file as a source (see above). */
sim_status wl_az21_source_open(wl_source **out, const char *path, sim_error *err);

#endif /* WL_AZURE_H */
