/* bench_size.c - how well sizing works, as regret and samples.
 *
 * 1. The smooth synthetic suite (size_synth.h): 6 curves x 20 seeds, cost
 *    strategy, grid 128:10240:64.  BENCH size_{bo,param}_{samples,regret}.
 * 2. The noisy suite of issue 18 (size_noisy.h), grid 128:3008:64 and the
 *    SeBS tables: for exhaustive (the reference), bo and parametric, the
 *    mean and worst regret and the mean sizes and batches sampled, on the
 *    tuning set, the held-out set, COSE's curves with noise and the real
 *    tables, and all together
 *    (the headline BENCH size_<m>_{regret,samples}_noisy lines), for the
 *    cost strategy and for balanced (w 0.5).
 * -v prints per-part figures, -vv every run.
 */
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "tests/size_noisy.h"
#include "tests/size_synth.h"

#define SEEDS 20

static int smooth_suite(mdl_size_pricer *pc, bool verbose, int trace)
{
    int grid[200];
    size_t ng = synth_grid(grid);
    static const char *const names[2] = {"bo", "param"};
    static const mdl_size_method methods[2] = {MDL_SIZE_BO, MDL_SIZE_PARAMETRIC};
    for (int mi = 0; mi < 2; mi++) {
        double samples = 0, regret = 0, worst = 0;
        int runs = 0;
        for (int c = 0; c < SYNTH_COUNT; c++) {
            for (int s = 1; s <= SEEDS; s++) {
                mdl_size_opts o;
                mdl_size_opts_init(&o);
                o.method = methods[mi];
                o.grid = grid;
                o.n_grid = ng;
                o.cost_fn = mdl_size_price;
                o.cost_ctx = pc;
                synth_ctx sc = {.curve = (synth_curve)c, .seed = (uint64_t)s};
                mdl_size_result *r = NULL;
                sim_error err;
                if (mdl_size_run(&o, synth_sample, &sc, &r, &err) != SIM_OK || r->best < 0) {
                    fprintf(stderr, "bench_size: run failed\n");
                    mdl_size_result_destroy(r);
                    return 1;
                }
                double g = synth_regret((synth_curve)c, pc, grid, ng, r->points[r->best].memory_mb);
                if (trace)
                    printf("# smooth %s %s seed %d: rec %d regret %.3f%% sizes %zu\n", names[mi],
                           synth_names[c], s, r->points[r->best].memory_mb, 100 * g, r->n_sampled);
                if (verbose)
                    printf("# smooth %s %-10s seed %2d: sizes %zu batches %zu regret %.3f%%\n", names[mi],
                           synth_names[c], s, r->n_sampled, r->n_batches, 100 * g);
                samples += (double)r->n_sampled;
                regret += g;
                worst = fmax(worst, g);
                runs++;
                mdl_size_result_destroy(r);
            }
        }
        printf("BENCH size_%s_samples %.2f sizes\n", names[mi], samples / runs);
        printf("BENCH size_%s_regret %.3f %%\n", names[mi], 100 * regret / runs);
        if (verbose) printf("# smooth %s worst regret %.3f%%\n", names[mi], 100 * worst);
    }
    return 0;
}

static void print_part(const char *m, const char *part, const noisy_stats *s)
{
    printf("# %-10s %-9s runs %3d  regret mean %6.3f%% worst %6.3f%%  sizes %5.2f  batches %5.2f%s\n",
           m, part, s->runs, 100 * s->regret_sum / s->runs, 100 * s->regret_max,
           s->sizes_sum / s->runs, s->batches_sum / s->runs, s->failures ? "  FAILURES" : "");
}

static int noisy_suite(mdl_size_pricer *pc, mdl_size_strategy strat, bool verbose, int trace)
{
    static const mdl_size_method methods[3] = {MDL_SIZE_EXHAUSTIVE, MDL_SIZE_BO, MDL_SIZE_PARAMETRIC};
    const char *sfx = strat == MDL_SIZE_COST ? "" : "_balanced";
    int rc = 0;
    for (int mi = 0; mi < 3; mi++) {
        mdl_size_opts o;
        mdl_size_opts_init(&o);
        o.method = methods[mi];
        o.strategy = strat;
        noisy_stats tune = noisy_eval_set(o, pc, NOISY_TUNE_SEED, trace);
        noisy_stats hold = noisy_eval_set(o, pc, NOISY_HOLDOUT_SEED, trace);
        noisy_stats cose = noisy_eval_cose(o, pc, trace);
        noisy_stats real = noisy_eval_real(o, pc, trace);
        noisy_stats all = tune;
        noisy_stats_merge(&all, &hold);
        noisy_stats_merge(&all, &cose);
        noisy_stats_merge(&all, &real);
        const char *m = mdl_size_method_name(methods[mi]);
        if (verbose) {
            char label[32];
            snprintf(label, sizeof label, "%s%s", m, sfx);
            print_part(label, "tuning", &tune);
            print_part(label, "held-out", &hold);
            print_part(label, "cose", &cose);
            print_part(label, "real", &real);
            print_part(label, "all", &all);
        }
        printf("BENCH size_%s%s_regret_noisy_pct %.3f %%\n", m, sfx, 100 * all.regret_sum / all.runs);
        printf("BENCH size_%s%s_worst_noisy_pct %.3f %%\n", m, sfx, 100 * all.regret_max);
        printf("BENCH size_%s%s_samples_noisy %.2f sizes\n", m, sfx, all.sizes_sum / all.runs);
        printf("BENCH size_%s%s_batches_noisy %.2f batches\n", m, sfx, all.batches_sum / all.runs);
        printf("BENCH size_%s%s_regret_heldout_pct %.3f %%\n", m, sfx, 100 * hold.regret_sum / hold.runs);
        printf("BENCH size_%s%s_worst_heldout_pct %.3f %%\n", m, sfx, 100 * hold.regret_max);
        if (all.failures) {
            fprintf(stderr, "bench_size: %d %s runs failed\n", all.failures, m);
            rc = 1;
        }
    }
    return rc;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    bool verbose = argc > 1 && strncmp(argv[1], "-v", 2) == 0;
    int trace = argc > 1 && strcmp(argv[1], "-vv") == 0;
    if (argc > 1 && strcmp(argv[1], "-vvv") == 0) trace = 2;
    bool only_noisy = argc > 2 && strcmp(argv[2], "noisy") == 0;
    mdl_size_pricer pc;
    if (!synth_pricer(&pc, MDL_ARCH_X86_64, 1)) {
        fprintf(stderr, "bench_size: no us-east-1 catalogue (run from the repository root)\n");
        return 1;
    }
    int rc = only_noisy ? 0 : smooth_suite(&pc, verbose, trace);
    rc |= noisy_suite(&pc, MDL_SIZE_COST, verbose, trace);
    rc |= noisy_suite(&pc, MDL_SIZE_BALANCED, verbose, trace);
    return rc;
}
