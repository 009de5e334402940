/* bench_size.c - samples and regret of bo and parametric sizing over the
 * synthetic suite (size_synth.h), 20 seeds per curve, cost strategy,
 * x86_64, 1-ms billing, grid 128:10240:64 (159 sizes; exhaustive samples
 * all of them).  Prints BENCH size_{bo,param}_{samples,regret}; with -v, a
 * per-curve breakdown.
 */
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "tests/size_synth.h"

#define SEEDS 20

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    bool verbose = argc > 1 && strncmp(argv[1], "-v", 2) == 0;
    bool trace = argc > 1 && strcmp(argv[1], "-vv") == 0;
    int grid[200];
    size_t ng = synth_grid(grid);
    mdl_size_pricer pc;
    if (!synth_pricer(&pc, MDL_ARCH_X86_64, 1)) {
        fprintf(stderr, "bench_size: no us-east-1 catalogue\n");
        return 1;
    }
    /* The fourth is bo with the parametric prior mean (an extra figure). */
    static const mdl_size_method methods[3] = {MDL_SIZE_BO, MDL_SIZE_PARAMETRIC, MDL_SIZE_BO};
    static const char *const names[3] = {"bo", "param", "bo_pmean"};
    for (int mi = 0; mi < 3; mi++) {
        double samples = 0, regret = 0, worst = 0;
        int runs = 0;
        for (int c = 0; c < SYNTH_COUNT; c++) {
            double cs = 0, cr = 0, cw = 0;
            for (int s = 1; s <= SEEDS; s++) {
                mdl_size_opts o;
                mdl_size_opts_init(&o);
                o.method = methods[mi];
                o.bo_parametric_mean = mi == 2;
                o.grid = grid;
                o.n_grid = ng;
                o.cost_fn = mdl_size_price;
                o.cost_ctx = &pc;
                synth_ctx sc = {.curve = (synth_curve)c, .seed = (uint64_t)s};
                mdl_size_result *r = NULL;
                sim_error err;
                if (mdl_size_run(&o, synth_sample, &sc, &r, &err) != SIM_OK || r->best < 0) {
                    fprintf(stderr, "bench_size: run failed\n");
                    mdl_size_result_destroy(r);
                    return 1;
                }
                double g = synth_regret((synth_curve)c, &pc, grid, ng, r->points[r->best].memory_mb);
                if (trace) {
                    printf("%s %s seed %d: rec %d (%s) regret %.3f%% sampled", names[mi],
                           synth_names[c], s, r->points[r->best].memory_mb, r->model, 100 * g);
                    for (size_t q = 0; q < r->n_sampled; q++) printf(" %d", r->sampled[q]);
                    printf("\n");
                }
                cs += (double)r->n_sampled;
                cr += g;
                cw = fmax(cw, g);
                mdl_size_result_destroy(r);
            }
            if (verbose)
                printf("# %s %-10s samples %.2f regret mean %.3f%% max %.3f%%\n", names[mi],
                       synth_names[c], cs / SEEDS, 100 * cr / SEEDS, 100 * cw);
            samples += cs;
            regret += cr;
            worst = fmax(worst, cw);
            runs += SEEDS;
        }
        printf("BENCH size_%s_samples %.2f sizes\n", names[mi], samples / runs);
        printf("BENCH size_%s_regret %.3f %%\n", names[mi], 100 * regret / runs);
        if (verbose) printf("# %s worst regret %.3f%%\n", names[mi], 100 * worst);
    }
    return 0;
}
