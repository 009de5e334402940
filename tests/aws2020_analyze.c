/* aws2020_analyze.c - print what per-invocation Lambda measurements say
 * about the life of execution environments (issue 22).
 *
 * Usage: aws2020_analyze [--tsv] [--keep-alive S] [--margin S] RUN.csv...
 *   --keep-alive  the final idle time assumed for mean instances (640 s)
 *   --margin      how long before a request an environment must be free to
 *                 count as a routing choice (0.2 s)
 *
 * RUN.csv is the compact per-invocation form of data/aws_lambda_2020/
 * (models/lambda/mdl_lifecycle_data.h says what each figure means).  The
 * default output is Markdown: three per-run tables and the pooled estimates
 * the aws-2020 preset of models/lambda/mdl_lifecycle.c is made of.  --tsv
 * prints one tab-separated line per run for scripts: name, requests, cold,
 * P(cold), mean instances, its upper variant, span_s, rate_per_s.
 * Exit status 2 on bad input (the message names file, line and column).
 */
#include "models/lambda/mdl_lifecycle_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void table_load(const mdl_lcd_run *r, const mdl_lcd_stats *s, size_t n)
{
    printf("| run | rate (req/s) | requests | cold | P(cold) | pre-warmed colds | mean instances | "
           "upper | mean busy |\n|---|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++)
        printf("| %s | %.5f | %zu | %zu | %.4f | %zu | %.3f | %.3f | %.3f |\n", r[i].name,
               s[i].rate_per_s, s[i].requests, s[i].cold, s[i].p_cold, s[i].cold_prewarmed,
               s[i].mean_inst, s[i].mean_inst_hi, s[i].mean_busy);
}

static void table_life(const mdl_lcd_run *r, const mdl_lcd_stats *s, size_t n)
{
    printf("\n| run | envs | life p10/p50/p90/max (min) | > 2 h | idle gaps | gap p50/p90/max (s) | "
           "choices | MRU | LRU | newest | other |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        const mdl_lcd_stats *x = &s[i];
        printf("| %s | %d | %.1f / %.1f / %.1f / %.1f | %d | %zu | %.1f / %.1f / %.1f | %zu | %zu | "
               "%zu | %zu | %zu |\n", r[i].name, x->envs, x->life_min_q[1], x->life_min_q[2],
               x->life_min_q[3], x->life_min_q[4], x->lives_over_2h, x->ngaps, x->gap_s_q[2],
               x->gap_s_q[3], x->gap_s_q[4], x->route_choices, x->route_mru, x->route_lru,
               x->route_newest, x->route_other);
    }
}

static void table_cold(const mdl_lcd_run *r, const mdl_lcd_stats *s, size_t n)
{
    printf("\n| run | warm client (ms) | cold client (ms) | penalty (s) | slow cold (ms) | "
           "deaths planned / idle / open | colds while one was idle | waited for a busy one |\n"
           "|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        const mdl_lcd_stats *x = &s[i];
        printf("| %s | %.1f | %.1f | %+.3f | %.1f | %d / %d / %d | %zu | %zu |\n", r[i].name,
               x->warm_client_ms, x->cold_client_ms, (x->cold_client_ms - x->warm_client_ms) / 1e3,
               x->slow_cold_client_ms, x->deaths_planned, x->deaths_idle, x->deaths_open,
               x->cold_while_idle, x->waited);
    }
}

static void print_npmle(const char *what, const mdl_lcd_npmle *e, const double *xs, int nx,
                        const char *unit)
{
    printf("%s (NPMLE, %zu intervals, %d EM rounds):\n  survival:", what, e->nobs, e->iterations);
    for (int k = 0; k < nx; k++) printf(" S(%g)=%.3f", xs[k], mdl_lcd_npmle_survival(e, xs[k]));
    printf("\n  quantiles (%s):", unit);
    static const double ps[] = { 0.02, 0.05, 0.10, 0.15, 0.20, 0.30, 0.40, 0.50, 0.60, 0.70,
                                 0.80, 0.90, 0.95, 0.99 };
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++)
        printf(" p%g=%.1f", ps[k] * 100, mdl_lcd_npmle_quantile(e, ps[k]));
    printf("\n");
}

/* The estimate as a `percentiles` distribution (README "Distributions"),
 * values in ms: the CDF at the edges of the bins that hold mass (> 1e-6).
 * Mass is uniform within a bin, so this is the estimate itself; after an
 * empty stretch the inverse CDF jumps, kept as a 0.01-point step because
 * probabilities must increase strictly.  The aws-2020 preset holds these
 * tables (models/lambda/mdl_lifecycle.c). */
static void print_percentiles(const mdl_lcd_npmle *e, double to_ms)
{
    printf("  as a distribution: {\"dist\": \"percentiles\", \"percentiles\": [");
    double c = 0, last_p = -1, last_v = -1;
    const char *sep = "";
    for (size_t j = 0; j < e->nbins; j++) {
        double w = e->mass[j];
        if (w > 1e-6 && isfinite(e->edge[j + 1])) {
            if (e->edge[j] > last_v) {
                double pc = fmax(c * 100, last_p + 0.01);
                printf("%s[%.2f, %.0f]", sep, pc, e->edge[j] * to_ms);
                sep = ", ";
                last_p = pc;
            }
            last_p = fmax(fmin(100, (c + w) * 100), last_p + 0.01);
            last_v = e->edge[j + 1];
            printf("%s[%.2f, %.0f]", sep, last_p, last_v * to_ms);
        }
        c += w;
    }
    printf("]}\n");
}

static void print_q(const char *what, const double *q)
{
    printf("%s (ms):", what);
    for (int k = 0; k < MDL_LCD_NSQ; k++) printf(" p%g=%.1f", mdl_lcd_sprobs[k] * 100, q[k]);
    printf("\n");
}

static void print_pooled(const mdl_lcd_pooled *p, const mdl_lcd_opts *o)
{
    printf("\n## Pooled over the runs\n\n");
    printf("routing: %zu of %zu warm requests with a choice went to the most recently freed "
           "environment (%.2f%%)\n", p->route_mru, p->route_choices,
           p->route_choices ? 100.0 * (double)p->route_mru / (double)p->route_choices : NAN);
    printf("cold penalty: warm %.1f ms, cold %.1f ms (%+.3f s); slow colds %.1f ms (%+.3f s); "
           "pre-warmed colds %.1f ms (%+.3f s); %zu of %zu colds pre-warmed (client - Duration "
           "< %g ms)\n", p->warm_client_ms, p->cold_client_ms,
           (p->cold_client_ms - p->warm_client_ms) / 1e3, p->slow_cold_client_ms,
           (p->slow_cold_client_ms - p->warm_client_ms) / 1e3, p->prewarmed_client_ms,
           (p->prewarmed_client_ms - p->warm_client_ms) / 1e3, p->prewarmed_colds, p->colds,
           o->prewarm_overhead_ms);
    printf("lone keep-alive: survived idle gaps up to %.1f s (%zu of %zu lone gaps over 600 s); "
           "gone after %.1f s at the earliest (%zu lone deaths with a bound >= %g s)\n",
           p->lone_survived_max_s, p->lone_gaps_over_600, p->lone_gaps, p->lone_died_min_s,
           p->lone_deaths, o->planned_gap_s);
    printf("pool keep-alive: longest idle gap survived in a pool %.1f s\n", p->pool_survived_max_s);
    static const double kx[] = { 620, 640, 660, 700, 800, 900, 1000, 1200, 1400, 1600, 2000 };
    print_npmle("keep-alive in a pool, s", &p->pool_keep_alive, kx, (int)(sizeof kx / sizeof kx[0]),
                "s");
    print_percentiles(&p->pool_keep_alive, 1e3);
    static const double lx[] = { 10, 30, 60, 90, 100, 110, 115, 118, 120, 122, 124, 126 };
    print_npmle("maximum lifetime, minutes from the first use", &p->max_lifetime, lx,
                (int)(sizeof lx / sizeof lx[0]), "min");
    print_percentiles(&p->max_lifetime, 60e3);
    printf("recycles: %zu deaths with a bound < %g s; %zu pre-warmed colds\n", p->planned_deaths,
           o->planned_gap_s, p->prewarmed_colds);
    printf("waits: %zu warm requests waited for their environment, busy when they were sent, "
           "rather than start one; %zu of them long after it freed (by > %g s):\n", p->waited,
           p->placed, o->placed_margin_s);
    print_q("  placement delay", p->placement_q);
    print_q("warm client time", p->warm_client_q);
    print_q("cold client time", p->cold_client_q);
    print_q("slow cold client time", p->slow_cold_client_q);
    print_q("warm client time - Duration", p->warm_overhead_q);
    print_q("cold client time - Duration", p->cold_overhead_q);
    printf("microVM uptime at a cold start (s), p0/p10/p50/p90/p100: slow %.0f/%.0f/%.0f/%.0f/%.0f, "
           "pre-warmed %.0f/%.0f/%.0f/%.0f/%.0f\n", p->slow_uptime_q[0], p->slow_uptime_q[1],
           p->slow_uptime_q[2], p->slow_uptime_q[3], p->slow_uptime_q[4], p->prewarmed_uptime_q[0],
           p->prewarmed_uptime_q[1], p->prewarmed_uptime_q[2], p->prewarmed_uptime_q[3],
           p->prewarmed_uptime_q[4]);
}

static int usage(void)
{
    fprintf(stderr, "usage: aws2020_analyze [--tsv] [--keep-alive S] [--margin S] RUN.csv...\n");
    return 2;
}

int main(int argc, char **argv)
{
    mdl_lcd_opts o = mdl_lcd_opts_default();
    bool tsv = false;
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (strcmp(argv[first], "--tsv") == 0) tsv = true;
        else if (strcmp(argv[first], "--keep-alive") == 0 && first + 1 < argc)
            o.keep_alive_s = atof(argv[++first]);
        else if (strcmp(argv[first], "--margin") == 0 && first + 1 < argc)
            o.route_margin_s = atof(argv[++first]);
        else return usage();
    }
    if (first >= argc || !(o.keep_alive_s > 0) || !(o.route_margin_s >= 0)) return usage();
    size_t n = (size_t)(argc - first);
    mdl_lcd_run *runs = calloc(n, sizeof *runs);
    mdl_lcd_stats *st = calloc(n, sizeof *st);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        sim_error err;
        if (mdl_lcd_read(&runs[i], argv[first + (int)i], &err) != SIM_OK) {
            sim_error_print(&err, stderr);
            rc = 2;
        } else {
            mdl_lcd_analyze(&runs[i], &o, &st[i]);
        }
    }
    if (rc == 0 && tsv) {
        for (size_t i = 0; i < n; i++)
            printf("%s\t%zu\t%zu\t%.6f\t%.6f\t%.6f\t%.3f\t%.6f\n", runs[i].name, st[i].requests,
                   st[i].cold, st[i].p_cold, st[i].mean_inst, st[i].mean_inst_hi, st[i].span_s,
                   st[i].rate_per_s);
    } else if (rc == 0) {
        table_load(runs, st, n);
        table_life(runs, st, n);
        table_cold(runs, st, n);
        mdl_lcd_pooled p;
        mdl_lcd_pool(runs, n, &o, &p);
        print_pooled(&p, &o);
        mdl_lcd_pooled_free(&p);
    }
    for (size_t i = 0; i < n; i++) mdl_lcd_free(&runs[i]);
    free(runs);
    free(st);
    return rc;
}
