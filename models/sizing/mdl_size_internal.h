/* mdl_size_internal.h - what the sizing driver (mdl_size.c) shares with its
 * adaptive methods (mdl_size_bo.c, mdl_size_fit.c); not part of the API.
 *
 * A method sees only the sizes it sampled, through mdl_size__obs, and asks
 * the driver to sample more with mdl_size__sample: the driver counts, calls
 * the user's sampler and summarises.  A method ends by handing the driver
 * its prediction of log(duration) on the grid (mdl_size__finish), which the
 * driver prices and turns into the result.
 */
#ifndef MDL_SIZE_INTERNAL_H
#define MDL_SIZE_INTERNAL_H

#include "models/sizing/mdl_size.h"

/* What a model method sees of the sizes sampled so far. */
typedef struct mdl_size__obs {
    int memory_mb;
    bool failed;
    double duration_ms;   /* trimmed mean */
    double var_log;       /* variance of log(duration_ms) as an estimate */
} mdl_size__obs;

/* A model's prediction of log(duration) on the grid: mean and sd. */
typedef struct mdl_size__pred {
    double *mu;   /* n_grid */
    double *sd;   /* n_grid */
} mdl_size__pred;

/* The adaptive methods; they call mdl_size__sample and fill r. */
typedef struct mdl_size__run mdl_size__run;
sim_status mdl_size__bo(mdl_size__run *run, sim_error *err);
sim_status mdl_size__parametric(mdl_size__run *run, sim_error *err);

/* Helpers the methods use (mdl_size.c). */
const mdl_size_opts *mdl_size__opts(const mdl_size__run *run);
sim_status mdl_size__sample(mdl_size__run *run, size_t grid_index, sim_error *err);
size_t mdl_size__n_obs(const mdl_size__run *run);
const mdl_size__obs *mdl_size__obs_at(const mdl_size__run *run, size_t i);
bool mdl_size__is_sampled(const mdl_size__run *run, size_t grid_index);
/* Predicted objective value of the strategy at a grid index for a duration
 * (the linear form A + B*duration; see mdl_size.c). */
void mdl_size__objective_affine(const mdl_size__run *run, size_t gi,
                                const double *ref_dur, double *a, double *b);
/* Fill the result's predicted points from a prediction (log-duration mean
 * and sd per grid size); measured points keep their measurements. */
void mdl_size__finish(mdl_size__run *run, const mdl_size__pred *p, const char *model);
/* Spread-out initial grid indices: k sizes evenly in log(memory). */
size_t mdl_size__spread(const mdl_size__run *run, size_t k, size_t *idx);
/* The largest grid index known to fail (OOM), or -1. */
long mdl_size__floor_index(const mdl_size__run *run);
/* The grid index of obs i. */
size_t mdl_size__obs_grid_index(const mdl_size__run *run, size_t i);
/* Budget in sizes (opts budget or the default 15, at most n_grid). */
int mdl_size__budget(const mdl_size__run *run);

/* The parametric fit's log-duration prediction on the grid (mu, sd; n_grid
 * each) from the successful samples; returns the family's name. */
const char *mdl_size__fit_predict(const mdl_size__run *run, double *mu, double *sd);

#endif /* MDL_SIZE_INTERNAL_H */
