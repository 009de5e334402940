/* test_size.c - sizing: Power Tuning's strategies and tie-breaking on
 * hand-worked cases, its trimmed mean, the default pricer's test vectors,
 * the visualization URL (decoded back, Power Tuning's README example, and
 * only measured sizes), the sampler contract with repeats, the interval, the
 * smooth synthetic suite (over 20 seeds per curve, bo and parametric land
 * within 2% of the optimum cost), the noisy suite of issue 18 (held-out
 * curves and the SeBS tables: mean regret <= 1%, <= 8 sizes, for cost and
 * balanced) and a table of exact per-size values (a measured size is taken
 * at its record, not smoothed away).
 */
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "tests/check.h"
#include "tests/size_noisy.h"
#include "tests/size_synth.h"

static mdl_size_point pt(int m, double price, double dur)
{
    mdl_size_point p;
    memset(&p, 0, sizeof p);
    p.memory_mb = m;
    p.price_usd = price;
    p.duration_ms = dur;
    p.measured = true;
    return p;
}

static void test_strategies(void)
{
    /* cost: equal price -> the faster (analyzer.js findCheapest). */
    mdl_size_point a[] = {pt(128, 1.0, 100), pt(256, 1.0, 50), pt(512, 2.0, 20)};
    CHECK(mdl_size_pick(a, 3, MDL_SIZE_COST, 0.5) == 1, "cost tie goes to the faster size");
    /* speed: equal duration -> the cheaper. */
    mdl_size_point b[] = {pt(128, 3, 10), pt(256, 2, 10), pt(512, 1, 20)};
    CHECK(mdl_size_pick(b, 3, MDL_SIZE_SPEED, 0.5) == 1, "speed tie goes to the cheaper size");
    CHECK(mdl_size_pick(b, 3, MDL_SIZE_COST, 0.5) == 2, "cost picks the cheapest");
    /* Full ties keep input order (Node's stable sort). */
    mdl_size_point c[] = {pt(256, 1, 10), pt(128, 1, 10)};
    CHECK(mdl_size_pick(c, 2, MDL_SIZE_COST, 0.5) == 0, "cost: full tie keeps the first");
    CHECK(mdl_size_pick(c, 2, MDL_SIZE_SPEED, 0.5) == 0, "speed: full tie keeps the first");
    /* balanced, w = 0.5, maxPrice 4, maxDuration 100:
     * 128: .5*1/4 + .5*100/100 = 0.625; 256: .25 + .2 = 0.45; 512: .5 + .1 = 0.6. */
    mdl_size_point d[] = {pt(128, 1, 100), pt(256, 2, 40), pt(512, 4, 20)};
    CHECK(mdl_size_pick(d, 3, MDL_SIZE_BALANCED, 0.5) == 1, "balanced 0.5 -> 256");
    CHECK(mdl_size_pick(d, 3, MDL_SIZE_BALANCED, 0.0) == 2, "balanced 0 = speed -> 512");
    CHECK(mdl_size_pick(d, 3, MDL_SIZE_BALANCED, 1.0) == 0, "balanced 1 = cost -> 128");
    CHECK(mdl_size_pick(d, 3, MDL_SIZE_BALANCED, 1.7) == 0, "weight clamped to 1");
    CHECK(mdl_size_pick(d, 3, MDL_SIZE_BALANCED, -3) == 2, "weight clamped to 0");
    /* balanced tie (exact in binary): both score 0.5 -> the first in order. */
    mdl_size_point e[] = {pt(256, 2, 32), pt(512, 1, 48), pt(1024, 4, 64)};
    CHECK(mdl_size_pick(e, 3, MDL_SIZE_BALANCED, 0.5) == 0, "balanced tie keeps the first");
    mdl_size_point e2[] = {pt(512, 1, 48), pt(256, 2, 32), pt(1024, 4, 64)};
    CHECK(mdl_size_pick(e2, 3, MDL_SIZE_BALANCED, 0.5) == 0, "balanced tie, other order");
    /* Failed and zero-duration entries are filtered (extractStatistics). */
    mdl_size_point f[] = {pt(128, 0.5, 0), pt(256, 0.1, 10), pt(512, 2, 5)};
    f[1].failed = true;
    CHECK(mdl_size_pick(f, 3, MDL_SIZE_COST, 0.5) == 2, "zero/failed sizes are skipped");
    f[2].failed = true;
    CHECK(mdl_size_pick(f, 3, MDL_SIZE_COST, 0.5) == -1, "nothing left -> -1");

    /* Trimmed mean: floor(0.2 n) dropped at each end. */
    double x5[] = {100, 2, 3, 1, 4};
    CHECK_ABS(mdl_size_trimmed_mean(x5, 5), 3.0, 1e-12, "n=5 drops 1 each end");
    double x4[] = {1, 2, 3, 10};
    CHECK_ABS(mdl_size_trimmed_mean(x4, 4), 4.0, 1e-12, "n=4 drops none");
    double x10[] = {9, 1, 1000, 5, 5, 5, 5, 5, 5, -100};
    CHECK_ABS(mdl_size_trimmed_mean(x10, 10), 5.0, 1e-12, "n=10 drops 2 each end");
}

static void test_pricer(void)
{
    mdl_size_pricer x86, arm, legacy;
    CHECK(synth_pricer(&x86, MDL_ARCH_X86_64, 1) && synth_pricer(&arm, MDL_ARCH_ARM64, 1) &&
              synth_pricer(&legacy, MDL_ARCH_X86_64, 100),
          "the us-east-1 catalogue gives the sizing rates");
    /* 128 MB, 37,003 ms x86 -> 7.709e-5 compute + 2e-7 request (README
     * "Reference facts", Lambda: prices). */
    double want = 0.0000166667 * 0.125 * 37.003 + 2e-7;
    CHECK_REL(mdl_size_price(&x86, 128, 37003), want, 1e-12, "x86 1 ms");
    CHECK_REL(mdl_size_price(&x86, 128, 37002.2), want, 1e-12, "rounded up to 1 ms");
    CHECK_REL(mdl_size_price(&legacy, 128, 37003), 0.0000166667 * 0.125 * 37.1 + 2e-7,
              1e-12, "100-ms billing");
    CHECK_REL(mdl_size_price(&arm, 1024, 1000), 0.0000133334 + 2e-7, 1e-12, "arm64 GB-s");
    /* SeBS 411 at 512 MB, billed 1900 ms: $1.603e-5 (same section). */
    CHECK_REL(mdl_size_price(&legacy, 512, 1894.3), 1.603e-5, 1e-3, "SeBS 411 vector");
    /* Equal GB-s are bit-equal prices (Power Tuning's tie rule needs it). */
    CHECK(mdl_size_price(&x86, 1024, 3900) == mdl_size_price(&x86, 1536, 2600),
          "1024 MB x 3900 ms ties 1536 MB x 2600 ms exactly");
}

static float get_f32(const unsigned char *p)
{
    uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* Split "...#a;b;c" and decode the three arrays. */
static size_t decode_url(const char *url, int *pw, float *du, float *co, size_t cap)
{
    const char *h = strchr(url, '#');
    if (!h) return 0;
    const char *s1 = strchr(h + 1, ';'), *s2 = s1 ? strchr(s1 + 1, ';') : NULL;
    if (!s2) return 0;
    size_t n1, n2, n3;
    unsigned char *a = mdl_size_base64_decode(h + 1, (size_t)(s1 - h - 1), &n1);
    unsigned char *b = mdl_size_base64_decode(s1 + 1, (size_t)(s2 - s1 - 1), &n2);
    unsigned char *c = mdl_size_base64_decode(s2 + 1, strlen(s2 + 1), &n3);
    size_t n = 0;
    if (a && b && c && n1 / 2 == n2 / 4 && n2 == n3 && n1 / 2 <= cap) {
        n = n1 / 2;
        for (size_t i = 0; i < n; i++) {
            pw[i] = (int16_t)(a[2 * i] | a[2 * i + 1] << 8);
            du[i] = get_f32(b + 4 * i);
            co[i] = get_f32(c + 4 * i);
        }
    }
    free(a);
    free(b);
    free(c);
    return n;
}

static void test_url(void)
{
    /* Power Tuning's README example (README "Reference facts", Sizing). */
    const char *ex = "https://lambda-power-tuning.show/#gAAAAQACAAQABsAL;"
                     "ZooQR4yvkUa/pQRGRC5zRaADHUVjOftE;QdWhOEMkoziDT5Q4xhiIOMYYiDi6RNc4";
    int pw[200];
    float du[200], co[200];
    size_t n = decode_url(ex, pw, du, co, 200);
    CHECK(n == 6, "README example has 6 sizes (got %zu)", n);
    static const int wp[] = {128, 256, 512, 1024, 1536, 3008};
    static const double wd[] = {37002, 18648, 8489, 3891, 2512, 2010};
    for (size_t i = 0; i < n && i < 6; i++) {
        CHECK(pw[i] == wp[i], "power %zu: %d", i, pw[i]);
        CHECK_REL(du[i], wd[i], 1e-3, "README duration");
    }
    if (n == 6) CHECK_REL(co[0], 7.72e-5, 2e-3, "README cost at 128 MB");

    /* Our encoder round-trips through the decoder; failed sizes are left out. */
    mdl_size_point p[] = {pt(128, 7.7168e-5, 37002.5), pt(192, 1, 1), pt(1769, 3.3e-6, 123.4567),
                          pt(10240, 1.23e-4, 11.5)};
    p[1].failed = true;
    char *url = mdl_size_visualization_url(p, 4);
    CHECK(strncmp(url, "https://lambda-power-tuning.show/#", 34) == 0, "base URL");
    n = decode_url(url, pw, du, co, 200);
    CHECK(n == 3, "3 non-failed sizes encoded (got %zu)", n);
    const int want_i[] = {0, 2, 3};
    for (size_t i = 0; i < n && i < 3; i++) {
        const mdl_size_point *q = &p[want_i[i]];
        CHECK(pw[i] == q->memory_mb, "power %d", pw[i]);
        CHECK(du[i] == (float)q->duration_ms, "duration %g", (double)du[i]);
        CHECK(co[i] == (float)q->price_usd, "cost %g", (double)co[i]);
    }
    free(url);
    /* base64 edge cases. */
    const unsigned char raw[] = {0xff, 0x00, 0x7f, 0x80};
    for (size_t k = 0; k <= 4; k++) {
        char *s = mdl_size_base64_encode(raw, k);
        size_t m;
        unsigned char *d = mdl_size_base64_decode(s, strlen(s), &m);
        CHECK(d && m == k && memcmp(d, raw, k) == 0, "base64 round trip of %zu bytes", k);
        free(d);
        free(s);
    }
    size_t m;
    CHECK(mdl_size_base64_decode("ab$d", 4, &m) == NULL, "invalid base64 rejected");
    CHECK(mdl_size_base64_decode("abc", 3, &m) == NULL, "bad length rejected");
}

/* A sampler that records what was asked. */
typedef struct spy {
    synth_ctx s;
    int asked[400], batch[400];
    int n;
} spy;

static sim_status spy_sample(void *ctx, int m, int batch, const double **d, size_t *n,
                             sim_error *err)
{
    spy *sp = ctx;
    sp->asked[sp->n] = m;
    sp->batch[sp->n++] = batch;
    return synth_sample(&sp->s, m, batch, d, n, err);
}

/* The method saw exactly the batches it reports, in order; batch k of a
 * size came after batches 0..k-1; at most max_batches (3) per size; n_sampled
 * counts the distinct sizes; measured bands bracket their values; the
 * interval brackets the pick. */
static bool contract_holds(const spy *sp, const mdl_size_result *r, int budget)
{
    bool ok = sp->n == (int)r->n_batches && (int)r->n_batches <= budget;
    size_t distinct = 0;
    for (int i = 0; i < sp->n && ok; i++) {
        int before = 0;
        for (int j = 0; j < i; j++) before += sp->asked[j] == sp->asked[i];
        ok &= sp->asked[i] == r->sampled[i] && sp->batch[i] == before && before < 3;
        distinct += before == 0;
    }
    ok &= distinct == r->n_sampled;
    for (size_t i = 0; i < r->n; i++) {
        const mdl_size_point *p = &r->points[i];
        if (p->failed) continue;
        ok &= p->duration_lo <= p->duration_ms && p->duration_ms <= p->duration_hi;
        ok &= p->measured == (p->batches > 0);
    }
    if (r->best >= 0) {
        int m = r->points[r->best].memory_mb;
        ok &= r->within_lo_mb <= m && m <= r->within_hi_mb;
    }
    return ok;
}

/* The smooth suite (size_synth.h): per curve, over 20 seeds, the worst
 * pick within 2% of exhaustive's and at most the budget (18) batches; over
 * the suite, at most 8 sizes on average. */
static void test_suite(void)
{
    int grid[200];
    size_t ng = synth_grid(grid);
    CHECK(ng == 159, "default grid has 159 sizes");
    mdl_size_pricer pc;
    synth_pricer(&pc, MDL_ARCH_X86_64, 1);
    double sizes[2] = {0, 0};
    for (int c = 0; c < SYNTH_COUNT; c++) {
        /* Exhaustive samples every size; its optimum is the reference. */
        mdl_size_opts o;
        mdl_size_opts_init(&o);
        o.method = MDL_SIZE_EXHAUSTIVE;
        o.grid = grid;
        o.n_grid = ng;
        o.cost_fn = mdl_size_price;
        o.cost_ctx = &pc;
        spy sp = {.s = {.curve = (synth_curve)c, .seed = 1}};
        mdl_size_result *r = NULL;
        sim_error err;
        CHECK(mdl_size_run(&o, spy_sample, &sp, &r, &err) == SIM_OK, "exhaustive runs");
        if (!r) continue;
        CHECK(r->n_sampled == ng && sp.n == (int)ng, "exhaustive samples all %zu", ng);
        CHECK(r->best >= 0, "exhaustive found a size");
        double exh_cost = r->best >= 0 ? synth_true_price((synth_curve)c, &pc, r->points[r->best].memory_mb) : 0;
        if (c == SYNTH_OOM)
            CHECK(r->points[0].failed && !r->points[ng - 1].failed, "OOM sizes are marked failed");
        mdl_size_result_destroy(r);

        static const mdl_size_method ms[2] = {MDL_SIZE_BO, MDL_SIZE_PARAMETRIC};
        for (int mi = 0; mi < 2; mi++) {
            double samples = 0, worst = 0;
            bool contract = true;
            for (int seed = 1; seed <= 20; seed++) {
                o.method = ms[mi];
                spy s2 = {.s = {.curve = (synth_curve)c, .seed = (uint64_t)seed}};
                r = NULL;
                if (mdl_size_run(&o, spy_sample, &s2, &r, &err) != SIM_OK || r->best < 0) {
                    CHECK(false, "%s on %s seed %d failed", mdl_size_method_name(ms[mi]),
                          synth_names[c], seed);
                    mdl_size_result_destroy(r);
                    continue;
                }
                contract &= contract_holds(&s2, r, 18);
                double cost = synth_true_price((synth_curve)c, &pc, r->points[r->best].memory_mb);
                worst = fmax(worst, cost / exh_cost - 1);
                samples += (double)r->n_sampled;
                mdl_size_result_destroy(r);
            }
            CHECK(contract, "%s on %s: sampler contract, bands and interval",
                  mdl_size_method_name(ms[mi]), synth_names[c]);
            CHECK(worst <= 0.02, "%s on %s: worst cost %.2f%% above exhaustive's optimum",
                  mdl_size_method_name(ms[mi]), synth_names[c], 100 * worst);
            sizes[mi] += samples / 20 / SYNTH_COUNT;
            printf("# %s %-10s mean sizes %.2f, worst %.3f%% vs exhaustive\n",
                   mdl_size_method_name(ms[mi]), synth_names[c], samples / 20, 100 * worst);
        }
    }
    CHECK(sizes[0] <= 8 && sizes[1] <= 8, "smooth suite: %.2f (bo) and %.2f (parametric) sizes",
          sizes[0], sizes[1]);
}

/* One exact value per size (SeBS 210 node cold, per-size medians): a table
 * of summaries.  Declared noise-free, or discovered complete (the source
 * has no second batch), a measured size is taken at its record: among the
 * sizes measured, the pick is the cheapest by the record, never one that a
 * smooth model prefers against it. */
typedef struct exact_tab {
    const int *mb;
    const double *ms;
    size_t n;
} exact_tab;

static sim_status exact_sample(void *ctx, int m, int batch, const double **d, size_t *n,
                               sim_error *err)
{
    (void)err;
    const exact_tab *t = ctx;
    *n = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->mb[i] == m && batch == 0) {
            *d = &t->ms[i];
            *n = 1;
        }
    return SIM_OK;
}

static void test_exact_table(void)
{
    static const int mb[] = {128, 256, 512, 1024, 2048, 3008};
    static const double ms[] = {10278.7, 4853.7, 2414.0, 1177.5, 774.6, 791.3};
    exact_tab t = {mb, ms, 6};
    mdl_size_pricer pc;
    CHECK(synth_pricer(&pc, MDL_ARCH_X86_64, 1), "catalogue");
    static const mdl_size_method methods[2] = {MDL_SIZE_BO, MDL_SIZE_PARAMETRIC};
    for (int nf = 0; nf < 2; nf++)
        for (int mi = 0; mi < 2; mi++) {
            mdl_size_opts o;
            mdl_size_opts_init(&o);
            o.method = methods[mi];
            o.grid = mb;
            o.n_grid = 6;
            o.cost_fn = mdl_size_price;
            o.cost_ctx = &pc;
            o.noise_free = nf;
            mdl_size_result *r = NULL;
            sim_error err;
            if (mdl_size_run(&o, exact_sample, &t, &r, &err) != SIM_OK || r->best < 0) {
                CHECK(false, "exact table run failed");
                mdl_size_result_destroy(r);
                continue;
            }
            int cheapest = -1;
            for (size_t i = 0; i < r->n; i++)
                if (r->points[i].measured &&
                    (cheapest < 0 || r->points[i].price_usd < r->points[cheapest].price_usd))
                    cheapest = (int)i;
            const mdl_size_point *b = &r->points[r->best];
            CHECK(!b->measured || r->best == cheapest,
                  "%s (noise-free %d): pick %d MB, the record's cheapest measured is %d MB",
                  mdl_size_method_name(o.method), nf, b->memory_mb, r->points[cheapest].memory_mb);
            if (r->n_sampled == 6)
                CHECK(b->memory_mb == 1024, "%s (noise-free %d): every size measured, pick %d MB "
                      "(the table's cheapest is 1024 MB)", mdl_size_method_name(o.method), nf,
                      b->memory_mb);
            mdl_size_result_destroy(r);
        }
}

/* The noisy suite of issue 18 (size_noisy.h) on the parts the methods were
 * not tuned on: the held-out synthetic set, COSE's curves and the real SeBS
 * tables.  Goals
 * (issue 18): mean regret <= 1% and mean sizes <= 8, for the cost and the
 * balanced strategy.  The third goal, worst regret <= 3%, is not met (README
 * "Sizing" gives the figures): the worst cases are printed, not asserted. */
static void test_noisy(void)
{
    mdl_size_pricer pc;
    CHECK(synth_pricer(&pc, MDL_ARCH_X86_64, 1), "catalogue");
    static const mdl_size_strategy strats[2] = {MDL_SIZE_COST, MDL_SIZE_BALANCED};
    static const mdl_size_method ms[3] = {MDL_SIZE_EXHAUSTIVE, MDL_SIZE_BO, MDL_SIZE_PARAMETRIC};
    for (int si = 0; si < 2; si++) {
        noisy_stats st[3];
        for (int mi = 0; mi < 3; mi++) {
            mdl_size_opts o;
            mdl_size_opts_init(&o);
            o.method = ms[mi];
            o.strategy = strats[si];
            st[mi] = noisy_eval_set(o, &pc, NOISY_HOLDOUT_SEED, 0);
            noisy_stats cose = noisy_eval_cose(o, &pc, 0), real = noisy_eval_real(o, &pc, 0);
            CHECK(real.runs == 4 * NOISY_SEEDS + 12, "every real table ran (%d runs)", real.runs);
            CHECK(cose.runs == NOISY_COSE_N * NOISY_SEEDS, "every COSE curve ran (%d runs)", cose.runs);
            noisy_stats_merge(&st[mi], &cose);
            noisy_stats_merge(&st[mi], &real);
        }
        const char *sn = mdl_size_strategy_name(strats[si]);
        for (int mi = 1; mi < 3; mi++) {
            const noisy_stats *s = &st[mi];
            const char *mn = mdl_size_method_name(ms[mi]);
            double mean = s->regret_sum / s->runs, sizes = s->sizes_sum / s->runs;
            CHECK(s->failures == 0, "%s %s: %d runs failed", mn, sn, s->failures);
            CHECK(mean <= 0.01, "%s %s noisy: mean regret %.3f%%", mn, sn, 100 * mean);
            CHECK(sizes <= 8, "%s %s noisy: %.2f sizes on average", mn, sn, sizes);
            printf("# noisy %s %-10s regret mean %.3f%% worst %.3f%% (exhaustive %.3f%%), sizes %.2f, "
                   "batches %.2f\n", sn, mn, 100 * mean, 100 * s->regret_max, 100 * st[0].regret_max,
                   sizes, s->batches_sum / s->runs);
        }
    }
}

/* The recommendation's interval on a hand-made flat-bottomed curve: every
 * size within 1% of the pick's price, contiguous around it. */
static void test_interval(void)
{
    mdl_size_pricer pc;
    synth_pricer(&pc, MDL_ARCH_X86_64, 1);
    int grid[] = {128, 256, 384, 512, 640, 768, 896, 1024};
    /* cost = m x t: 1.30, 1.10, 1.005, 1.00, 1.008, 1.02, 1.2, 1.4 (x 512 x 1000). */
    static const double rel[] = {1.30, 1.10, 1.005, 1.00, 1.008, 1.02, 1.2, 1.4};
    mdl_size_point pts[8];
    for (int i = 0; i < 8; i++) {
        double t = 1000.0 * 512 * rel[i] / grid[i];
        pts[i] = pt(grid[i], mdl_size_price(&pc, grid[i], t), t);
    }
    char csv[256] = "memory_mb,duration_ms\n";
    FILE *fp = fopen("build/tests/interval_oracle.csv", "w");
    CHECK(fp != NULL, "temp oracle");
    if (!fp) return;
    fputs(csv, fp);
    for (int i = 0; i < 8; i++) fprintf(fp, "%d,%.6f\n", grid[i], pts[i].duration_ms);
    fclose(fp);
    mdl_size_oracle orc;
    sim_error err;
    CHECK(mdl_size_oracle_load("build/tests/interval_oracle.csv", &orc, &err) == SIM_OK, "oracle");
    mdl_size_opts o;
    mdl_size_opts_init(&o);
    o.method = MDL_SIZE_EXHAUSTIVE;
    o.grid = grid;
    o.n_grid = 8;
    o.cost_fn = mdl_size_price;
    o.cost_ctx = &pc;
    mdl_size_result *r = NULL;
    CHECK(mdl_size_run(&o, mdl_size_oracle_sample, &orc, &r, &err) == SIM_OK, "exhaustive");
    if (r) {
        CHECK(r->points[r->best].memory_mb == 512, "pick 512 (got %d)", r->points[r->best].memory_mb);
        CHECK(r->within_lo_mb == 384 && r->within_hi_mb == 640, "within 1%%: %d-%d", r->within_lo_mb,
              r->within_hi_mb);
        char *url = mdl_size_visualization_url(r->points, r->n);
        int pw[16];
        float du[16], co[16];
        CHECK(decode_url(url, pw, du, co, 16) == 8, "exhaustive URL has all 8 sizes");
        free(url);
    }
    mdl_size_result_destroy(r);
    o.within = 0.05;
    CHECK(mdl_size_run(&o, mdl_size_oracle_sample, &orc, &r, &err) == SIM_OK, "within 5%%");
    if (r) CHECK(r->within_lo_mb == 384 && r->within_hi_mb == 768, "within 5%%: %d-%d",
                 r->within_lo_mb, r->within_hi_mb);
    mdl_size_result_destroy(r);
    /* bo samples a few sizes: the URL carries exactly the measured ones. */
    o.method = MDL_SIZE_BO;
    o.budget = 4;
    o.n_init = 3;
    CHECK(mdl_size_run(&o, mdl_size_oracle_sample, &orc, &r, &err) == SIM_OK, "bo");
    if (r) {
        char *url = mdl_size_visualization_url(r->points, r->n);
        int pw[16];
        float du[16], co[16];
        size_t n = decode_url(url, pw, du, co, 16);
        CHECK(n == r->n_sampled && n < 8, "bo URL: %zu sizes for %zu sampled", n, r->n_sampled);
        for (size_t i = 0; i < n; i++) {
            bool found = false;
            for (size_t k = 0; k < r->n; k++)
                found |= r->points[k].memory_mb == pw[i] && r->points[k].measured;
            CHECK(found, "URL size %d was measured", pw[i]);
        }
        free(url);
    }
    mdl_size_result_destroy(r);
    mdl_size_oracle_fini(&orc);
}

static void test_errors(void)
{
    int bad[] = {64, 128};
    mdl_size_pricer pc;
    synth_pricer(&pc, MDL_ARCH_X86_64, 1);
    mdl_size_opts o;
    mdl_size_opts_init(&o);
    o.grid = bad;
    o.n_grid = 2;
    o.cost_fn = mdl_size_price;
    o.cost_ctx = &pc;
    synth_ctx s = {.curve = SYNTH_CPU1, .seed = 1};
    mdl_size_result *r = NULL;
    sim_error err;
    CHECK(mdl_size_run(&o, synth_sample, &s, &r, &err) == SIM_EUSAGE && r == NULL &&
              strstr(err.msg, "64 MB") != NULL, "grid below 128 MB: %s", err.msg);
    int dec[] = {512, 256};
    o.grid = dec;
    CHECK(mdl_size_run(&o, synth_sample, &s, &r, &err) == SIM_EUSAGE, "decreasing grid");
    o.n_grid = 1;
    CHECK(mdl_size_run(&o, synth_sample, &s, &r, &err) == SIM_EUSAGE, "single size");
    mdl_size_result_destroy(NULL);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_strategies();
    test_pricer();
    test_url();
    test_suite();
    test_noisy();
    test_exact_table();
    test_interval();
    test_errors();
    return check_report("size");
}
