/* mdl_size_oracle.h - measured durations as a sizing source.
 *
 * An oracle is a CSV table of measured invocations, header
 * `memory_mb,duration_ms`, any number of rows per memory size, in any order
 * (README "Sizing").  Loaded once; then mdl_size_oracle_sample is a
 * mdl_size_sample_fn that hands a method a size's rows only when the method
 * asks for that size, so a method cannot peek.
 *
 * Batches.  With batch_rows == 0 the first call at a size returns all its
 * rows and a repeat returns none (the size is exhausted).  With
 * batch_rows == N, call k at a size returns that size's rows
 * [kN, (k+1)N) in file order (Power Tuning's `num` invocations per run), so
 * a method that repeats a size sees fresh measurements, until they run out.
 *
 * Errors name the file, the line and the column.  Ownership: the oracle
 * owns its arrays (mdl_size_oracle_fini); rows returned by the sampler
 * point into them.
 */
#ifndef MDL_SIZE_ORACLE_H
#define MDL_SIZE_ORACLE_H

#include <stddef.h>

#include "sim/sim_status.h"

typedef struct mdl_size_oracle_size {
    int memory_mb;
    size_t first, n;      /* rows [first, first + n) of dur */
} mdl_size_oracle_size;

typedef struct mdl_size_oracle {
    double *dur;                   /* durations, grouped by ascending memory */
    mdl_size_oracle_size *sizes;   /* n_sizes, ascending memory */
    size_t n_sizes;
    int batch_rows;                /* rows per sampler call; 0: all at once */
} mdl_size_oracle;

/* Load and validate: a header, at least one row, positive finite
 * durations, integer sizes inside 128..10240 MB, at least two sizes. */
sim_status mdl_size_oracle_load(const char *path, mdl_size_oracle *o, sim_error *err);
void mdl_size_oracle_fini(mdl_size_oracle *o);

/* The mdl_size_sample_fn of an oracle (ctx is the mdl_size_oracle).  A
 * size the table lacks is ERUN (a caller's grid must come from the table). */
sim_status mdl_size_oracle_sample(void *ctx, int memory_mb, int batch, const double **d,
                                  size_t *n, sim_error *err);

#endif /* MDL_SIZE_ORACLE_H */
