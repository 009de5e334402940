/* test_lifecycle.c - the execution-environment lifecycle (issue 22).
 *
 * Three things: the analysis of per-invocation data on a fixture worked by
 * hand (tests/fixtures/aws2020_mini.csv, every figure derived in the
 * comments below), Turnbull's NPMLE on cases with a known answer, and the
 * lifecycle presets and overrides, including that the aws-2020 preset still
 * says what data/aws_lambda_2020 says.
 */
#include "tests/check.h"
#include "models/config/mdl_config.h"
#include "models/lambda/mdl_lifecycle.h"
#include "models/lambda/mdl_lifecycle_data.h"
#include "sim/sim_rng.h"

#include <gsl/gsl_rng.h>
#include <glob.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURE "tests/fixtures/aws2020_mini.csv"

/* The fixture: 16 invocations, 6 environments, every handler 50 ms after
 * the send and 1900 ms long; warm client time 2000 ms, slow colds 2500 ms
 * (Duration 1950: 550 ms over), one pre-warmed cold 2050 ms (Duration 1960:
 * 90 ms over, under 250).  Timeline (s): env0 0, 10, 30.5, 40, 700;
 * env1 11 (cold), 20, 30, 50; env2 701 (cold); env3 1500 (pre-warmed),
 * 2100; env4 2750 (cold), 2760; env5 2800 (cold), 2810. */
static void test_fixture_run(void)
{
    mdl_lcd_run run;
    sim_error err;
    CHECK(mdl_lcd_read(&run, FIXTURE, &err) == SIM_OK, "read: %s", err.msg);
    if (run.n == 0) return;
    CHECK(strcmp(run.name, "aws2020_mini") == 0, "name %s", run.name);
    mdl_lcd_opts o = mdl_lcd_opts_default();
    mdl_lcd_stats s;
    mdl_lcd_analyze(&run, &o, &s);
    CHECK(s.requests == 16 && s.cold == 5 && s.cold_prewarmed == 1 && s.envs == 6,
          "counts %zu %zu %zu %d", s.requests, s.cold, s.cold_prewarmed, s.envs);
    CHECK_REL(s.p_cold, 5.0 / 16, 1e-12, "P(cold)");
    CHECK_REL(s.rate_per_s, 16 / 2810.0, 1e-12, "rate: 16 requests over 2810 s");
    CHECK_REL(s.span_s, 2812.0, 1e-12, "span: last client end 2810 + 2 s");
    /* Lives [born, min(last end + 640, next cold, 2812)): env0 0..1341.95,
     * env1 11..691.95, env2 701..1342.95, env3 1500..2741.95, env4
     * 2750..2800 (a cold start 38 s after its last use), env5 2800..2812:
     * 3968.8 s.  Upper (1560 s): 1500, 690, 799, 1250, 50, 12 = 4301 s. */
    CHECK_REL(s.mean_inst, 3968.8 / 2812, 1e-9, "mean instances");
    CHECK_REL(s.mean_inst_hi, 4301.0 / 2812, 1e-9, "upper mean instances");
    CHECK_REL(s.mean_busy, 34.05 / 2812, 1e-9, "busy: 11 x 2 + 4 x 2.5 + 2.05 s");
    /* Lives first arrival -> last client end (min): 11.7, 0.68333, 0.041667,
     * 10.0333, 0.2, 0.2. */
    CHECK_REL(s.life_min_q[1], 0.041667 + 0.5 * (0.2 - 0.041667), 1e-4, "life p10");
    CHECK_REL(s.life_min_q[2], 0.2 + 0.5 * (0.68333 - 0.2), 1e-4, "life p50");
    CHECK_REL(s.life_min_q[4], 11.7, 1e-9, "life max");
    CHECK(s.lives_over_2h == 0, "over 2 h %d", s.lives_over_2h);
    /* Gaps: 8.1 18.6 7.6 658.1 | 7.1 8.1 18.1 | 598.1 | 8.1 | 8.1. */
    CHECK(s.ngaps == 10, "gaps %zu", s.ngaps);
    CHECK_ABS(s.gap_s_q[0], 7.1, 1e-9, "gap min");
    CHECK_ABS(s.gap_s_q[2], 8.1, 1e-9, "gap median");
    CHECK_ABS(s.gap_s_q[3], 598.1 + 0.1 * 60, 1e-9, "gap p90");
    CHECK_ABS(s.gap_s_q[4], 658.1, 1e-9, "gap max");
    /* Choices: t=20 env1 (MRU, newest), 30 env1 (MRU, newest), 40 env0
     * (MRU), 50 env1 (LRU, newest). */
    CHECK(s.route_choices == 4 && s.route_mru == 3 && s.route_lru == 1 && s.route_newest == 3 &&
          s.route_other == 0, "routing %zu %zu %zu %zu %zu", s.route_choices, s.route_mru,
          s.route_lru, s.route_newest, s.route_other);
    CHECK(s.cold_while_idle == 0, "colds while idle %zu", s.cold_while_idle);
    CHECK_REL(s.warm_client_ms, 2000, 1e-12, "warm mean");
    CHECK_REL(s.cold_client_ms, 2410, 1e-12, "cold mean");
    CHECK_REL(s.slow_cold_client_ms, 2500, 1e-12, "slow cold mean");
    CHECK(s.deaths_planned == 1 && s.deaths_idle == 4 && s.deaths_open == 1, "deaths %d %d %d",
          s.deaths_planned, s.deaths_idle, s.deaths_open);
    mdl_lcd_free(&run);
}

/* Pooled on the fixture: lone gaps 8.1 (env0 before env1), 598.1 (env3),
 * 8.1, 8.1; pool survival 658.1; pool deaths bounded by 798.05, 649.05,
 * 797.05; a lone death after 648.05; one recycle (env4).  The keep-alive
 * NPMLE can put all its mass in (640, 660], the one bin every interval
 * meets; the lifetime NPMLE all in (0, 1] min (env4's recycle at
 * 0.199-0.833 min, the rest censored). */
static void test_fixture_pooled(void)
{
    mdl_lcd_run run;
    sim_error err;
    if (mdl_lcd_read(&run, FIXTURE, &err) != SIM_OK) return;
    mdl_lcd_opts o = mdl_lcd_opts_default();
    mdl_lcd_pooled p;
    mdl_lcd_pool(&run, 1, &o, &p);
    CHECK(p.lone_gaps == 4 && p.lone_gaps_over_600 == 0, "lone gaps %zu %zu", p.lone_gaps,
          p.lone_gaps_over_600);
    CHECK_ABS(p.lone_survived_max_s, 598.1, 1e-9, "lone survived");
    CHECK(p.lone_deaths == 1, "lone deaths %zu", p.lone_deaths);
    CHECK_ABS(p.lone_died_min_s, 648.05, 1e-9, "lone died");
    CHECK_ABS(p.pool_survived_max_s, 658.1, 1e-9, "pool survived");
    CHECK(p.planned_deaths == 1 && p.prewarmed_colds == 1 && p.colds == 5 && p.slow_colds == 4,
          "recycles %zu %zu %zu %zu", p.planned_deaths, p.prewarmed_colds, p.colds, p.slow_colds);
    CHECK(p.pool_keep_alive.nobs == 4, "keep-alive intervals %zu", p.pool_keep_alive.nobs);
    CHECK_ABS(mdl_lcd_npmle_survival(&p.pool_keep_alive, 640), 1.0, 1e-6, "S(640)");
    CHECK_ABS(mdl_lcd_npmle_survival(&p.pool_keep_alive, 660), 0.0, 1e-6, "S(660)");
    CHECK_ABS(mdl_lcd_npmle_quantile(&p.pool_keep_alive, 0.5), 650, 0.01, "keep-alive median");
    CHECK(p.max_lifetime.nobs == 4, "lifetime intervals %zu", p.max_lifetime.nobs);
    CHECK_ABS(mdl_lcd_npmle_quantile(&p.max_lifetime, 0.5), 0.5, 1e-4, "lifetime median");
    CHECK_ABS(p.cold_client_q[3], 2050 + 0.4 * 450, 1e-9, "cold p10");
    CHECK_ABS(p.warm_client_q[5], 2000, 1e-9, "warm median");
    mdl_lcd_pooled_free(&p);
    mdl_lcd_free(&run);
}

/* Waits, worked by hand on one environment.  Warm start delays where the
 * environment was free at the send: 50 ms (10, 20, 30 s): median 50 ms.
 * 21: the previous request (20, handler 1.5 s) ends at 21.55, after 21.05:
 * waited, but its handler starts at 21.3, before the environment freed (not
 * a placement).  31: the previous one ends at 31.25 > 31.05: waited, and
 * its handler starts at 31.33, after 31.25 + 0.05: a placement of 330 - 50
 * = 280 ms. */
static void test_waits(void)
{
    char path[] = "/tmp/lambdasim-lcw-XXXXXX";
    int fd = mkstemp(path);
    FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!fp) {
        CHECK(0, "temp file");
        return;
    }
    fputs("arrival_s,env,cold,start_ms,handler_ms,client_ms,aws_ms,uptime_s\n"
          "0,0,1,500,1000,1600,1000,100\n10,0,0,50,1000,1100,1000,110\n"
          "20,0,0,50,1500,1600,1500,120\n21,0,0,300,1000,1350,1000,121\n"
          "30,0,0,50,1200,1300,1200,130\n31,0,0,330,1000,1380,1000,131\n", fp);
    fclose(fp);
    mdl_lcd_run run;
    sim_error err;
    CHECK(mdl_lcd_read(&run, path, &err) == SIM_OK, "read waits: %s", err.msg);
    remove(path);
    mdl_lcd_opts o = mdl_lcd_opts_default();
    mdl_lcd_stats st;
    mdl_lcd_analyze(&run, &o, &st);
    CHECK(st.waited == 2, "waited %zu", st.waited);
    CHECK_ABS(st.warm_delay_ms, 50, 1e-9, "warm start delay");
    mdl_lcd_pooled p;
    mdl_lcd_pool(&run, 1, &o, &p);
    CHECK(p.waited == 2 && p.placed == 1, "pooled waits %zu %zu", p.waited, p.placed);
    CHECK_ABS(p.placement_q[0], 280, 1e-6, "placement min");
    CHECK_ABS(p.placement_q[MDL_LCD_NSQ - 1], 280, 1e-6, "placement max");
    mdl_lcd_pooled_free(&p);
    mdl_lcd_free(&run);
}

static void test_npmle(void)
{
    /* Two intervals in distinct bins: half the mass each. */
    const double edge[] = { 0, 1, 2, 3, INFINITY };
    const double lo[] = { 0, 2 }, hi[] = { 1, 3 };
    mdl_lcd_npmle e;
    mdl_lcd_npmle_fit(&e, edge, 4, lo, hi, 2, 1000, 1e-12);
    CHECK_ABS(e.mass[0], 0.5, 1e-9, "bin 1");
    CHECK_ABS(e.mass[1], 0.0, 1e-9, "bin 2");
    CHECK_ABS(e.mass[2], 0.5, 1e-9, "bin 3");
    CHECK_ABS(mdl_lcd_npmle_survival(&e, 2.5), 0.25, 1e-9, "S(2.5): half of bin 3");
    CHECK_ABS(mdl_lcd_npmle_quantile(&e, 0.75), 2.5, 1e-9, "p75");
    CHECK_ABS(mdl_lcd_npmle_quantile(&e, 0), 0, 1e-12, "support from 0");
    CHECK_ABS(mdl_lcd_npmle_quantile(&e, 1), 3, 1e-12, "support to 3");
    mdl_lcd_npmle_free(&e);
    /* Right-censored at 0.5 and an event in (0, 1]: all mass in bin 1
     * (likelihood 1).  Then events in (0, 1] and (2, 3] and three
     * right-censored at 2: the likelihood p1 p3 (p3 + p4)^3 is largest with
     * p4 = 0 and p1 p3^4 under p1 + p3 = 1: p1 = 1/5, p3 = 4/5. */
    const double lo2[] = { 0.5, 0 }, hi2[] = { INFINITY, 1 };
    mdl_lcd_npmle_fit(&e, edge, 4, lo2, hi2, 2, 1000, 1e-12);
    CHECK_ABS(e.mass[0], 1.0, 1e-9, "censored + event in bin 1");
    mdl_lcd_npmle_free(&e);
    const double lo3[] = { 0, 2, 2, 2, 2 }, hi3[] = { 1, 3, INFINITY, INFINITY, INFINITY };
    mdl_lcd_npmle_fit(&e, edge, 4, lo3, hi3, 5, 100000, 1e-13);
    CHECK_ABS(e.mass[0], 0.2, 1e-6, "one event of five before 1");
    CHECK_ABS(e.mass[2], 0.8, 1e-6, "the rest in (2, 3]");
    mdl_lcd_npmle_free(&e);
}

/* Bad input names file, line and column. */
static void test_read_errors(void)
{
    static const struct { const char *text, *field; long line; } cases[] = {
        { "arrival_s,env,cold,start_ms,handler_ms,client_ms,aws_ms\n", "uptime_s", 1 },
        { "arrival_s,env,cold,start_ms,handler_ms,client_ms,aws_ms,uptime_s\n"
          "1,0,0,1,1,1,1,1\n0.5,0,0,1,1,1,1,1\n", "arrival_s", 3 },
        { "arrival_s,env,cold,start_ms,handler_ms,client_ms,aws_ms,uptime_s\n"
          "1,1,1,1,1,1,1,1\n", "env", 2 },
        { "arrival_s,env,cold,start_ms,handler_ms,client_ms,aws_ms,uptime_s\n"
          "1,0,2,1,1,1,1,1\n", "cold", 2 },
        { "arrival_s,env,cold,start_ms,handler_ms,client_ms,aws_ms,uptime_s\n"
          "1,0,1,x,1,1,1,1\n", "start_ms", 2 },
        { "arrival_s,env,cold,start_ms,handler_ms,client_ms,aws_ms,uptime_s\n", NULL, 2 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char path[] = "/tmp/lambdasim-lcd-XXXXXX";
        int fd = mkstemp(path);
        FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!fp) continue;
        fputs(cases[k].text, fp);
        fclose(fp);
        mdl_lcd_run run;
        sim_error err;
        sim_error_clear(&err);
        sim_status st = mdl_lcd_read(&run, path, &err);
        CHECK(st != SIM_OK, "case %zu accepted", k);
        CHECK(err.line == cases[k].line, "case %zu: line %ld, want %ld", k, err.line, cases[k].line);
        if (cases[k].field)
            CHECK(strcmp(err.field, cases[k].field) == 0, "case %zu: field '%s'", k, err.field);
        CHECK(strcmp(err.input, path) == 0, "case %zu: file '%s'", k, err.input);
        remove(path);
    }
    mdl_lcd_run run;
    sim_error err;
    CHECK(mdl_lcd_read(&run, "tests/fixtures/no-such-file.csv", &err) == SIM_ENOENT ||
          err.code != SIM_OK, "missing file");
}

/* CDF of a percentiles distribution at x (the inverse of its piecewise
 * linear inverse CDF). */
static double table_cdf(const sim_dist *d, double x)
{
    if (x < d->vals[0]) return 0;
    for (size_t i = 0; i + 1 < d->n; i++)
        if (x <= d->vals[i + 1])
            return d->vals[i + 1] > d->vals[i]
                ? d->probs[i] + (d->probs[i + 1] - d->probs[i]) * (x - d->vals[i]) /
                                    (d->vals[i + 1] - d->vals[i])
                : d->probs[i + 1];
    return 1;
}

/* The real data: totals, the claims of issue 22 as the data has them, and
 * the aws-2020 preset equal to what the analysis estimates from it. */
static void test_real_data(void)
{
    glob_t g;
    if (glob("data/aws_lambda_2020/run-*.csv", 0, NULL, &g) != 0 || g.gl_pathc != 11) {
        CHECK(0, "data/aws_lambda_2020: want 11 runs");
        return;
    }
    mdl_lcd_run runs[11];
    size_t total = 0, cold = 0;
    double life_max = 0;
    mdl_lcd_opts o = mdl_lcd_opts_default();
    for (size_t i = 0; i < 11; i++) {
        sim_error err;
        CHECK(mdl_lcd_read(&runs[i], g.gl_pathv[i], &err) == SIM_OK, "read %s", err.msg);
        mdl_lcd_stats s;
        mdl_lcd_analyze(&runs[i], &o, &s);
        total += s.requests;
        cold += s.cold;
        life_max = fmax(life_max, s.life_min_q[4]);
    }
    globfree(&g);
    CHECK(total == 29746 && cold == 458, "totals %zu %zu", total, cold);
    CHECK(life_max > 120 && life_max < 124, "longest first-to-last use %.2f min", life_max);
    mdl_lcd_pooled p;
    mdl_lcd_pool(runs, 11, &o, &p);
    CHECK(p.route_mru >= 0.999 * (double)p.route_choices, "MRU %zu of %zu", p.route_mru,
          p.route_choices);
    CHECK(p.prewarmed_colds == 107 && p.planned_deaths == 109, "pre-warmed %zu, recycles %zu",
          p.prewarmed_colds, p.planned_deaths);
    CHECK_RANGE((p.cold_client_ms - p.warm_client_ms) / 1e3, 0.40, 0.44, "cold penalty (s)");
    mdl_lifecycle lc;
    mdl_lifecycle_init(&lc, MDL_LC_AWS_2020);
    CHECK_ABS(lc.keep_alive_lone.a / 1e3, p.lone_died_min_s, 0.05, "lone keep-alive from");
    CHECK_ABS(lc.keep_alive_lone.b / 1e3, p.lone_survived_max_s, 0.05, "lone keep-alive to");
    double worst_k = 0, worst_l = 0;
    for (double x = 600; x <= 2000; x += 5)
        worst_k = fmax(worst_k, fabs(table_cdf(&lc.keep_alive_pool, x * 1e3) -
                                     (1 - mdl_lcd_npmle_survival(&p.pool_keep_alive, x))));
    for (double m = 0; m <= 130; m += 0.25)
        worst_l = fmax(worst_l, fabs(table_cdf(&lc.max_lifetime, m * 60e3) -
                                     (1 - mdl_lcd_npmle_survival(&p.max_lifetime, m))));
    CHECK(worst_k < 0.002, "pool keep-alive table vs the data's NPMLE: CDF off by %.4f", worst_k);
    CHECK(worst_l < 0.002, "max lifetime table vs the data's NPMLE: CDF off by %.4f", worst_l);
    /* Placement: 46 requests waited for their busy environment, 34 of them
     * long after it freed; the preset's table is their quantiles. */
    CHECK(p.waited == 46 && p.placed == 34, "waited %zu, placed %zu", p.waited, p.placed);
    CHECK(lc.placement.type == SIM_DIST_PERCENTILES && lc.placement.n == MDL_LCD_NSQ,
          "placement is a percentiles table");
    for (size_t k = 0; k < MDL_LCD_NSQ && lc.placement.n == MDL_LCD_NSQ; k++) {
        CHECK(fabs(lc.placement.probs[k] - mdl_lcd_sprobs[k]) < 1e-12 &&
              fabs(lc.placement.vals[k] - p.placement_q[k]) <= 0.05,
              "placement p%g: table %.2f ms, data %.2f ms", 100 * mdl_lcd_sprobs[k],
              lc.placement.vals[k], p.placement_q[k]);
    }
    mdl_lifecycle_fini(&lc);
    mdl_lcd_pooled_free(&p);
    for (size_t i = 0; i < 11; i++) mdl_lcd_free(&runs[i]);
}

/* ---- the model -------------------------------------------------------------- */

static void test_presets(void)
{
    for (int i = 0; i < MDL_LC_PRESET_COUNT; i++) {
        mdl_lc_preset p;
        CHECK(mdl_lc_preset_from_name(mdl_lc_preset_name((mdl_lc_preset)i), &p) && (int)p == i,
              "name round trip %d", i);
        size_t n = 0;
        const mdl_lc_note *notes = mdl_lifecycle_notes((mdl_lc_preset)i, &n);
        CHECK(n >= 4, "preset %d has %zu notes", i, n);
        for (size_t k = 0; k < n; k++)
            CHECK(notes[k].param[0] && notes[k].value[0] && notes[k].source[0], "note %d.%zu", i, k);
    }
    mdl_lc_preset p;
    CHECK(!mdl_lc_preset_from_name("aws-2019", &p), "unknown preset accepted");
    CHECK(MDL_LC_PRESET_DEFAULT == MDL_LC_AWS_NOW, "default preset");
    CHECK(mdl_lc_preset_names[MDL_LC_PRESET_COUNT] == NULL, "names NULL-terminated");
}

static void test_simfaas(void)
{
    gsl_rng *r = sim_rng_create(1, 0, "lifecycle/test");
    mdl_lifecycle lc;
    mdl_lifecycle_init(&lc, MDL_LC_SIMFAAS);
    double ka = 0, at = -1;
    CHECK(mdl_lifecycle_keep_alive_fixed(&lc, &ka) && ka == 600, "fixed keep-alive %g", ka);
    CHECK(mdl_lifecycle_keep_alive_s(&lc, 1, r) == 600, "alone: 600 s");
    CHECK(mdl_lifecycle_keep_alive_s(&lc, 7, r) == 600, "in a pool: 600 s");
    CHECK(isinf(mdl_lifecycle_max_lifetime_s(&lc, r)), "no maximum lifetime");
    CHECK(!mdl_lifecycle_prewarm(&lc, r, 0, 7200, &at) && at == -1, "no pre-warming");
    CHECK(lc.reuse == MDL_REUSE_NEWEST, "SimFaaS serves the newest");
    CHECK(!mdl_lifecycle_places(&lc), "SimFaaS starts a new environment at once");
    mdl_lifecycle_fini(&lc);
    gsl_rng_free(r);
}

/* aws-2020 draws, against the tables worked by hand: lone uniform on
 * [626.3, 653.9] (mean 640.1); pool P(K <= 700) = 16.67 %, P(K <= 800) =
 * 37.80 %; lifetime P(L <= 90 min) = 13.59 + (17.35 - 13.59) * 0 = 13.59 %
 * (no mass in (87, 92]), P(L <= 120 min) = 61.07 %. */
static void test_aws2020_draws(void)
{
    gsl_rng *r = sim_rng_create(7, 0, "lifecycle/draws");
    mdl_lifecycle lc;
    mdl_lifecycle_init(&lc, MDL_LC_AWS_2020);
    double ka;
    CHECK(!mdl_lifecycle_keep_alive_fixed(&lc, &ka), "measured keep-alive is not fixed");
    CHECK(lc.reuse == MDL_REUSE_MRU && lc.prewarm_spare && !lc.prewarm_takes_pending, "shape");
    CHECK(mdl_lifecycle_places(&lc), "aws-2020 waits for the placement");
    double pmin = INFINITY, pmax = 0;
    for (int i = 0; i < 4000; i++) {
        double w = mdl_lifecycle_placement_s(&lc, r);
        pmin = fmin(pmin, w);
        pmax = fmax(pmax, w);
    }
    CHECK(pmin >= 0.2254 - 1e-9 && pmax <= 0.6716 + 1e-9 && pmax > 0.4,
          "placement in [225.4, 671.6] ms: %g..%g s", pmin, pmax);
    const int n = 40000;
    double sum = 0, lo = INFINITY, hi = 0;
    int le700 = 0, le800 = 0, l90 = 0, l120 = 0;
    double lmax = 0;
    for (int i = 0; i < n; i++) {
        double k = mdl_lifecycle_keep_alive_s(&lc, 1, r);
        sum += k;
        lo = fmin(lo, k);
        hi = fmax(hi, k);
        double kp = mdl_lifecycle_keep_alive_s(&lc, 3, r);
        le700 += kp <= 700;
        le800 += kp <= 800;
        double l = mdl_lifecycle_max_lifetime_s(&lc, r) / 60;
        l90 += l <= 90;
        l120 += l <= 120;
        lmax = fmax(lmax, l);
    }
    CHECK(lo >= 626.3 && hi <= 653.9, "lone range [%g, %g]", lo, hi);
    CHECK_ABS(sum / n, 640.1, 0.2, "lone mean");
    CHECK_ABS(le700 / (double)n, 0.1667, 0.006, "pool P(K <= 700 s)");
    CHECK_ABS(le800 / (double)n, 0.3780, 0.008, "pool P(K <= 800 s)");
    CHECK_ABS(l90 / (double)n, 0.1359, 0.006, "P(L <= 90 min)");
    CHECK_ABS(l120 / (double)n, 0.6107, 0.008, "P(L <= 120 min)");
    CHECK(lmax <= 124, "no lifetime beyond 124 min: %g", lmax);
    /* Pre-warming: always, ready when the old one retires; with a lead,
     * that much earlier but never before now. */
    double at = -1;
    CHECK(mdl_lifecycle_prewarm(&lc, r, 100, 7200, &at) && at == 7200, "prewarm at %g", at);
    CHECK(!mdl_lifecycle_prewarm(&lc, r, 100, INFINITY, &at), "no recycle, no replacement");
    sim_dist_fini(&lc.prewarm_lead);
    sim_dist_deterministic(&lc.prewarm_lead, 300e3);
    CHECK(mdl_lifecycle_prewarm(&lc, r, 100, 7200, &at) && at == 6900, "lead 300 s: %g", at);
    CHECK(mdl_lifecycle_prewarm(&lc, r, 7000, 7200, &at) && at == 7000, "not before now: %g", at);
    lc.prewarm_probability = 0.25;
    int yes = 0;
    for (int i = 0; i < 20000; i++) yes += mdl_lifecycle_prewarm(&lc, r, 0, 7200, &at);
    CHECK_ABS(yes / 20000.0, 0.25, 0.012, "probability 0.25");
    mdl_lifecycle_fini(&lc);
    gsl_rng_free(r);
}

/* ---- the config keys (models/config/mdl_config_platform.c) ------------------ */

/* A config whose `platform` (NULL: none) and function f's lifecycle keys
 * (NULL: none) are spliced in; f's keys start on line 3. */
static sim_status load_lc(mdl_config *cfg, const char *platform, const char *fn, sim_error *err)
{
    char text[4096];
    snprintf(text, sizeof text,
             "{\"duration_s\": 10, \"workload\": {\"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}},\n"
             "\"entry\": {\"type\": \"direct\", \"target\": \"f\"}%s%s, \"functions\": {\"f\": {\n"
             "%s%s\"service_time\": {\"warm\": {\"dist\": \"deterministic\", \"value_ms\": 1}}}}}",
             platform ? ", \"platform\": " : "", platform ? platform : "", fn ? fn : "",
             fn ? ", " : "");
    sim_json_doc doc;
    SIM_TRY(sim_json_doc_parse(&doc, text, "lc.json", err));
    mdl_config_opts o = { .data_dir = "data" };
    sim_status st = mdl_config_from_doc(cfg, &doc, &o, err);
    sim_json_doc_fini(&doc);
    return st;
}

static void test_config_layers(void)
{
    gsl_rng *r = sim_rng_create(3, 0, "lifecycle/json");
    mdl_config cfg;
    sim_error err;
    /* preset, then platform, then the function. */
    CHECK(load_lc(&cfg, "{\"preset\": \"aws-now\", \"keep_alive_lone\": {\"dist\": "
                        "\"deterministic\", \"value_ms\": 5000}}",
                  "\"max_lifetime\": \"none\", "
                  "\"keep_alive_pool\": {\"dist\": \"deterministic\", \"value_ms\": 7000}",
                  &err) == SIM_OK, "load: %s", err.msg);
    if (err.code == SIM_OK) {
        const mdl_lifecycle *lc = &cfg.fn[0].lc;
        CHECK(cfg.platform.preset == MDL_LC_AWS_NOW && lc->preset == MDL_LC_AWS_NOW, "preset");
        CHECK(cfg.platform.has_max_lifetime && !lc->has_max_lifetime, "max_lifetime none in f only");
        CHECK(mdl_lifecycle_keep_alive_s(&cfg.platform, 1, r) == 5, "platform's lone keep-alive");
        CHECK(mdl_lifecycle_keep_alive_s(&cfg.platform, 2, r) >= 620, "pool: the preset's");
        CHECK(mdl_lifecycle_keep_alive_s(lc, 1, r) == 5, "f's lone keep-alive: the platform's");
        CHECK(mdl_lifecycle_keep_alive_s(lc, 2, r) == 7, "f's pool keep-alive: its own");
        CHECK(lc->reuse == MDL_REUSE_MRU, "reuse: the preset's");
        CHECK(sim_json_at(cfg.effective, "functions.f.keep_alive_s") == NULL,
              "keep_alive_s is input only");
        CHECK(lc->prewarm_spare && lc->prewarm_takes_pending, "pre-warming from the preset");
        json_object *pf = sim_json_at(cfg.effective, "functions.f.max_lifetime");
        CHECK(pf && strcmp(json_object_get_string(pf), "none") == 0, "effective max_lifetime");
        mdl_config_fini(&cfg);
    }
    CHECK(load_lc(&cfg, NULL, "\"max_lifetime\": {\"dist\": \"deterministic\", \"value_ms\": "
                              "3600000}, \"prewarm\": {\"probability\": 0, \"lead\": {\"dist\": "
                              "\"deterministic\", \"value_ms\": 1000}}", &err) == SIM_OK,
          "load 2: %s", err.msg);
    if (err.code == SIM_OK) {
        const mdl_lifecycle *lc = &cfg.fn[0].lc;
        double at;
        CHECK(mdl_lifecycle_max_lifetime_s(lc, r) == 3600, "max_lifetime 1 h");
        CHECK(!mdl_lifecycle_prewarm(lc, r, 0, 3600, &at), "prewarm off");
        CHECK(lc->prewarm_lead.a == 1000, "lead 1 s");
        CHECK(lc->preset == MDL_LC_PRESET_DEFAULT && lc->has_max_lifetime, "the default preset");
        mdl_config_fini(&cfg);
    }
    /* keep_alive_s sets both; the platform's reuse reaches the function. */
    CHECK(load_lc(&cfg, "{\"preset\": \"aws-2020\", \"reuse\": \"newest\"}",
                  "\"keep_alive_s\": 300, \"keep_alive_jitter_s\": 30", &err) == SIM_OK,
          "load 3: %s", err.msg);
    if (err.code == SIM_OK) {
        const mdl_lifecycle *lc = &cfg.fn[0].lc;
        double ka;
        CHECK(lc->keep_alive_lone.type == SIM_DIST_UNIFORM && lc->keep_alive_pool.a == 270e3 &&
              lc->keep_alive_pool.b == 330e3, "keep_alive_s 300 +- 30 s, both");
        CHECK(!mdl_lifecycle_keep_alive_fixed(lc, &ka) && lc->reuse == MDL_REUSE_NEWEST,
              "jittered, newest");
        mdl_config_fini(&cfg);
    }
    gsl_rng_free(r);
}

/* Bad lifecycle keys: file, line, path. */
static void test_config_errors(void)
{
    static const struct { const char *platform, *fn, *field; sim_status code; long line; } cases[] = {
        { NULL, "\"prewarm\": {\"probability\": 1.5}", "functions.f.prewarm.probability",
          SIM_ERANGE, 3 },
        { NULL, "\"prewarm\": {\"bogus\": 1}", "functions.f.prewarm.bogus", SIM_EUNKNOWN, 3 },
        { NULL, "\"max_lifetime\": \"forever\"", "functions.f.max_lifetime", SIM_EFORMAT, 3 },
        { NULL, "\"keep_alive_pool\": {\"dist\": \"gauss\"}", "functions.f.keep_alive_pool.dist", 0, 3 },
        { "{\"preset\": \"aws-2019\"}", NULL, "platform.preset", 0, 2 },
        { "{\"max_lifetime\": 7}", NULL, "platform.max_lifetime", 0, 2 },
        { NULL, "\"keep_alive_jitter_s\": 5", "functions.f.keep_alive_jitter_s", SIM_EUSAGE, 3 },
        { NULL, "\"keep_alive_s\": 5, \"keep_alive_jitter_s\": 6", "functions.f.keep_alive_jitter_s",
          SIM_ERANGE, 3 },
        { NULL, "\"keep_alive_s\": 5, \"keep_alive_lone\": {\"dist\": \"deterministic\", "
                "\"value_ms\": 1}", "functions.f.keep_alive_s", SIM_EUSAGE, 3 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        mdl_config cfg;
        sim_error err;
        sim_error_clear(&err);
        sim_status st = load_lc(&cfg, cases[k].platform, cases[k].fn, &err);
        CHECK(st != SIM_OK, "case %zu accepted", k);
        if (st == SIM_OK) {
            mdl_config_fini(&cfg);
            continue;
        }
        CHECK(!cases[k].code || st == cases[k].code, "case %zu: status %d", k, (int)st);
        CHECK(strcmp(err.field, cases[k].field) == 0, "case %zu: field '%s'", k, err.field);
        CHECK(err.line == cases[k].line && strcmp(err.input, "lc.json") == 0,
              "case %zu: %s:%ld", k, err.input, err.line);
    }
}

static void test_keep_alive_keys(void)
{
    gsl_rng *r = sim_rng_create(3, 0, "lifecycle/keep");
    mdl_lifecycle lc;
    mdl_lifecycle_init(&lc, MDL_LC_AWS_NOW);
    /* keep_alive_s / keep_alive_jitter_s set both keep-alives. */
    mdl_lifecycle_set_keep_alive(&lc, 300, 30);
    double ka, lo = INFINITY, hi = 0;
    CHECK(!mdl_lifecycle_keep_alive_fixed(&lc, &ka), "jitter is not fixed");
    for (int i = 0; i < 2000; i++) {
        double k = mdl_lifecycle_keep_alive_s(&lc, 1 + i % 3, r);
        lo = fmin(lo, k);
        hi = fmax(hi, k);
    }
    CHECK(lo >= 270 && hi <= 330 && hi - lo > 50, "jitter range [%g, %g]", lo, hi);
    mdl_lifecycle_set_keep_alive(&lc, 300, 0);
    CHECK(mdl_lifecycle_keep_alive_fixed(&lc, &ka) && ka == 300, "fixed 300 s");
    /* A deep copy outlives its source. */
    mdl_lifecycle copy;
    mdl_lifecycle_copy(&copy, &lc);
    mdl_lifecycle_fini(&lc);
    CHECK(mdl_lifecycle_max_lifetime_s(&copy, r) <= 124 * 60, "copy");
    CHECK(mdl_lifecycle_keep_alive_s(&copy, 2, r) == 300, "copy's keep-alive");
    mdl_lifecycle_fini(&copy);
    gsl_rng_free(r);
}

int main(void)
{
    test_fixture_run();
    test_fixture_pooled();
    test_waits();
    test_npmle();
    test_read_errors();
    test_real_data();
    test_presets();
    test_simfaas();
    test_aws2020_draws();
    test_config_layers();
    test_config_errors();
    test_keep_alive_keys();
    return check_report("lifecycle");
}
