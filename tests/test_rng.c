/* test_rng.c - stream seeding and every distribution against theory.
 *
 * Each distribution's sample mean and variance over 10^6 draws must match
 * theory.  Tolerances come from the sampling error, not from trial and
 * error: the mean is checked to 5 standard errors (sd/sqrt(n)), and the
 * variance to 5 standard errors of the sample variance, estimated from the
 * sample's fourth central moment (so heavy tails get a wider band).
 */
#include "sim/sim_json.h"
#include "sim/sim_rng.h"
#include "tests/check.h"

#include <gsl/gsl_randist.h>
#include <stdlib.h>
#include <string.h>

#define N 1000000

static void check_moments(const char *what, const sim_dist *d)
{
    gsl_rng *r = sim_rng_create(2024, 0, what);
    double *x = malloc(N * sizeof *x);
    int bad = 0;
    double m = 0;
    for (int i = 0; i < N; i++) {
        x[i] = sim_dist_sample(d, r);
        if (!(x[i] >= 0) || !isfinite(x[i])) bad++;
        m += x[i];
    }
    m /= N;
    double v = 0, m4 = 0;
    for (int i = 0; i < N; i++) {
        double c = (x[i] - m) * (x[i] - m);
        v += c;
        m4 += c * c;
    }
    v /= (N - 1);
    m4 /= N;
    double tm = sim_dist_mean(d), tv = sim_dist_variance(d);
    CHECK(bad == 0, "%s: %d draws negative or not finite", what, bad);
    double se = sqrt(tv / N);
    CHECK(fabs(m - tm) <= 5 * se + 1e-9 * fabs(tm),
          "%s: sample mean %.8g vs theory %.8g (5 s.e. = %.3g)", what, m, tm, 5 * se);
    if (tv == 0) {
        CHECK(v < 1e-18, "%s: variance %.3g, want 0", what, v);
    } else {
        /* s.e. of the sample variance: sqrt((mu4 - sigma^4) / n). */
        double tol = 5 * sqrt(fmax(m4 - v * v, 0) / N);
        CHECK(tol < 0.1 * tv, "%s: variance tolerance %.3g is too loose to mean anything", what, tol);
        CHECK(fabs(v - tv) <= tol, "%s: sample variance %.8g vs theory %.8g (5 s.e. = %.3g)",
              what, v, tv, tol);
    }
    free(x);
    gsl_rng_free(r);
}

static void streams(void)
{
    /* Same (seed, replication, name) => same sequence. */
    gsl_rng *a = sim_rng_create(7, 3, "f.resize/service");
    gsl_rng *b = sim_rng_create(7, 3, "f.resize/service");
    int same = 1;
    for (int i = 0; i < 1000; i++)
        same &= gsl_rng_get(a) == gsl_rng_get(b);
    CHECK(same, "a stream reproduces exactly");
    gsl_rng_free(a);
    gsl_rng_free(b);

    /* Different name, replication or seed => different sequences. */
    gsl_rng *s0 = sim_rng_create(7, 3, "x");
    gsl_rng *s1 = sim_rng_create(7, 3, "y");
    gsl_rng *s2 = sim_rng_create(7, 4, "x");
    gsl_rng *s3 = sim_rng_create(8, 3, "x");
    int eq1 = 0, eq2 = 0, eq3 = 0;
    for (int i = 0; i < 1000; i++) {
        unsigned long x = gsl_rng_get(s0);
        eq1 += x == gsl_rng_get(s1);
        eq2 += x == gsl_rng_get(s2);
        eq3 += x == gsl_rng_get(s3);
    }
    CHECK(eq1 < 3 && eq2 < 3 && eq3 < 3, "streams differ by name/replication/seed (%d %d %d)",
          eq1, eq2, eq3);
    gsl_rng_free(s0);
    gsl_rng_free(s1);
    gsl_rng_free(s2);
    gsl_rng_free(s3);

    /* Adding a stream never shifts another: draw stream A alone, then with
     * a new stream B created and drawn from in between. */
    gsl_rng *alone = sim_rng_create(11, 0, "arrivals");
    unsigned long ref[100];
    for (int i = 0; i < 100; i++) ref[i] = gsl_rng_get(alone);
    gsl_rng_free(alone);
    gsl_rng *b0 = sim_rng_create(11, 0, "new-process");
    gsl_rng *a2 = sim_rng_create(11, 0, "arrivals");
    int shifted = 0;
    for (int i = 0; i < 100; i++) {
        (void)gsl_rng_get(b0);
        shifted += gsl_rng_get(a2) != ref[i];
    }
    CHECK(shifted == 0, "adding a stream left the others unchanged (%d differ)", shifted);
    gsl_rng_free(b0);
    gsl_rng_free(a2);

    /* Seeds are non-zero and distinct for nearby inputs. */
    int zero = 0, collide = 0;
    unsigned long prev = 0;
    for (uint64_t k = 0; k < 10000; k++) {
        unsigned long s = sim_stream_seed(1, k, 42);
        zero += s == 0;
        collide += s == prev;
        prev = s;
    }
    CHECK(zero == 0 && collide == 0, "seeds non-zero and distinct (%d zero, %d repeats)",
          zero, collide);
}

static void moments(void)
{
    sim_dist d;
    sim_dist_deterministic(&d, 2.385);
    check_moments("deterministic", &d);
    sim_dist_exponential(&d, 1991);
    check_moments("exponential", &d);
    sim_dist_uniform(&d, 3.5, 120.25);
    check_moments("uniform", &d);
    sim_dist_normal(&d, 100, 15);
    check_moments("normal", &d);
    sim_dist_normal(&d, 10, 20);        /* heavily truncated at 0 */
    check_moments("normal-truncated", &d);
    sim_dist_lognormal_mean_cv(&d, 250, 0.5);
    check_moments("lognormal", &d);
    sim_dist_gamma_mean_cv(&d, 80, 0.7);
    check_moments("gamma", &d);
    sim_dist_weibull(&d, 1.7, 300);
    check_moments("weibull", &d);
    /* Pareto alpha = 5: kurtosis finite, so the variance converges. */
    sim_dist_pareto(&d, 5.0, 40);
    check_moments("pareto", &d);
    sim_dist_hyperexp_mean_cv(&d, 1000, 2.0);
    check_moments("hyperexponential", &d);
    sim_dist_fini(&d);
    double samples[] = { 12, 15, 15, 20, 31.5, 44, 100 };
    sim_dist_empirical(&d, samples, 7);
    check_moments("empirical", &d);
    sim_dist_fini(&d);
    double p[] = { 0, 0.25, 0.5, 0.75, 0.99, 1.0 };
    double v[] = { 10, 40, 60, 90, 400, 1000 };
    sim_dist_percentiles(&d, p, v, 6);
    check_moments("percentiles", &d);

    /* The percentile sampler reproduces its percentiles. */
    gsl_rng *r = sim_rng_create(5, 0, "pct");
    double *x = malloc(N * sizeof *x);
    for (int i = 0; i < N; i++) x[i] = sim_dist_sample(&d, r);
    int below25 = 0, below50 = 0, below99 = 0;
    for (int i = 0; i < N; i++) {
        below25 += x[i] <= 40;
        below50 += x[i] <= 60;
        below99 += x[i] <= 400;
    }
    CHECK_ABS(below25 / (double)N, 0.25, 0.002, "P(X <= p25 value)");
    CHECK_ABS(below50 / (double)N, 0.50, 0.002, "P(X <= p50 value)");
    CHECK_ABS(below99 / (double)N, 0.99, 0.0005, "P(X <= p99 value)");
    free(x);
    gsl_rng_free(r);
    sim_dist_fini(&d);
}

static sim_status parse(const char *text, sim_dist *d, sim_error *err)
{
    sim_json_doc doc;
    sim_status s = sim_json_doc_parse(&doc, text, "dist.json", err);
    if (s != SIM_OK) return s;
    s = sim_dist_from_json(d, &doc, doc.root, "service_time", err);
    sim_json_doc_fini(&doc);
    return s;
}

static void json(void)
{
    sim_dist d;
    sim_error err;
    CHECK(parse("{\"dist\":\"exponential\",\"mean_ms\":1991}", &d, &err) == SIM_OK &&
          d.type == SIM_DIST_EXPONENTIAL && d.a == 1991, "exponential parses");
    CHECK(parse("{\"dist\":\"lognormal\",\"mean_ms\":100,\"cv\":0.5}", &d, &err) == SIM_OK &&
          fabs(sim_dist_mean(&d) - 100) < 1e-9, "lognormal mean/cv parses to mean 100");
    CHECK(parse("{\"dist\":\"lognormal\",\"mu\":4.6,\"sigma\":0.3}", &d, &err) == SIM_OK &&
          d.a == 4.6 && d.b == 0.3, "lognormal native parses");
    CHECK(parse("{\"dist\":\"percentiles\",\"percentiles\":[[0,1],[50,10],[100,20]]}", &d, &err)
          == SIM_OK && d.n == 3 && d.probs[1] == 0.5, "percentiles parse");
    sim_dist_fini(&d);
    CHECK(parse("{\"dist\":\"hyperexponential\",\"probs\":[0.3,0.7],\"means_ms\":[10,100]}",
                &d, &err) == SIM_OK && fabs(sim_dist_mean(&d) - 73) < 1e-9,
          "hyperexponential phases parse");
    sim_dist_fini(&d);

    sim_status s = parse("{\"dist\":\"exponential\",\"mean_ms\":5,\"colour\":1}", &d, &err);
    CHECK(s == SIM_EUNKNOWN && strstr(err.msg, "colour") && strcmp(err.field, "service_time.colour") == 0,
          "unknown key rejected with its path (%s / %s)", err.field, err.msg);
    s = parse("{\"dist\":\"exponential\",\"mean_ms\":-5}", &d, &err);
    CHECK(s == SIM_ERANGE && strstr(err.msg, "negative"), "negative mean rejected: %s", err.msg);
    s = parse("{\"dist\":\"zipf\",\"mean_ms\":5}", &d, &err);
    CHECK(s == SIM_EUNKNOWN && strstr(err.msg, "zipf"), "unknown dist rejected: %s", err.msg);
    s = parse("{\"dist\":\"exponential\"}", &d, &err);
    CHECK(s == SIM_EMISSING, "missing mean rejected");
    s = parse("{\"dist\":\"uniform\",\"min_ms\":5,\"max_ms\":1}", &d, &err);
    CHECK(s == SIM_ERANGE && strstr(err.msg, "below"), "max < min rejected: %s", err.msg);
    s = parse("{\"dist\":\"percentiles\",\"percentiles\":[[50,10],[20,20]]}", &d, &err);
    CHECK(s == SIM_ERANGE, "decreasing percentiles rejected");
    s = parse("{\"dist\":\"exponential\",\"mean_ms\":\"5\"}", &d, &err);
    CHECK(s == SIM_ETYPE, "string for a number rejected");
    s = parse("{\"dist\":\"exponential\",\n \"mean_ms\": 5,,}", &d, &err);
    CHECK(s == SIM_EPARSE && err.line == 2, "malformed JSON names line 2 (got %ld)", err.line);
    s = parse("{\"dist\":\"pareto\",\"alpha\":0.9,\"mean_ms\":5}", &d, &err);
    CHECK(s == SIM_ERANGE && strstr(err.msg, "alpha > 1"), "pareto mean with alpha<=1: %s", err.msg);
}

/* The piecewise-linear inverse by bisection, as it was before the scan
 * of small tables (the reference). */
static double ref_inv(const double *p, const double *v, size_t n, double u)
{
    if (u <= p[0]) return v[0];
    if (u >= p[n - 1]) return v[n - 1];
    size_t lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (p[mid] < u) lo = mid; else hi = mid;
    }
    double f = (u - p[lo]) / (p[hi] - p[lo]);
    return v[lo] + f * (v[hi] - v[lo]);
}

/* Tables of 7 points (scanned) and of 40 (bisected) give the bisection's
 * value at every draw, bit for bit. */
static void percentile_paths(void)
{
    static const double p7[] = { 0, 0.01, 0.25, 0.5, 0.75, 0.99, 1 };
    static const double v7[] = { 1, 2, 30, 30, 400, 900, 1000 };
    double p40[40], v40[40];
    for (int i = 0; i < 40; i++) p40[i] = i / 39.0, v40[i] = 5.0 * i + (i % 3);
    const double *ps[] = { p7, p40 }, *vs[] = { v7, v40 };
    size_t ns[] = { 7, 40 };
    for (int t = 0; t < 2; t++) {
        sim_dist d;
        if (sim_dist_percentiles(&d, ps[t], vs[t], ns[t]) != SIM_OK) {
            CHECK(0, "table %d refused", t);
            continue;
        }
        gsl_rng *a = sim_rng_create(9, 0, "paths"), *b = sim_rng_create(9, 0, "paths");
        int bad = 0;
        for (int i = 0; i < 200000; i++) {
            double x = sim_dist_sample(&d, a);
            bad += x != ref_inv(d.probs, d.vals, d.n, gsl_rng_uniform(b));
        }
        CHECK(bad == 0, "table of %zu points: %d draws differ from the bisection", ns[t], bad);
        gsl_rng_free(a);
        gsl_rng_free(b);
        sim_dist_fini(&d);
    }
}

/* The inline draws (sim_rng_uniform, _uniform_pos, sim_rng_lognormal) give
 * GSL's numbers bit for bit and leave the stream where GSL would: twin
 * streams, one drawn through GSL, one through lambdasim, must agree on
 * every draw and on the generator's next output.  A taus2 stream takes
 * the inline step; an mt19937 one the fallback through GSL. */
static void inline_draws(void)
{
    const gsl_rng_type *types[] = { gsl_rng_taus2, gsl_rng_mt19937 };
    for (int t = 0; t < 2; t++) {
        for (unsigned long seed = 1; seed <= 3; seed++) {
            gsl_rng *a = gsl_rng_alloc(types[t]), *b = gsl_rng_alloc(types[t]);
            gsl_rng_set(a, seed * 7919);
            gsl_rng_set(b, seed * 7919);
            long bad_u = 0, bad_p = 0, bad_ln = 0;
            for (int i = 0; i < 300000; i++) {
                bad_u += sim_rng_uniform(a) != gsl_rng_uniform(b);
                bad_p += sim_rng_uniform_pos(a) != gsl_rng_uniform_pos(b);
                bad_ln += sim_rng_lognormal(a, 5.0, 0.6) != gsl_ran_lognormal(b, 5.0, 0.6);
            }
            CHECK(bad_u == 0 && bad_p == 0 && bad_ln == 0,
                  "%s seed %lu: %ld uniform, %ld uniform_pos, %ld lognormal draws differ from GSL's",
                  gsl_rng_name(a), seed, bad_u, bad_p, bad_ln);
            CHECK(gsl_rng_get(a) == gsl_rng_get(b), "%s seed %lu: the streams drifted apart",
                  gsl_rng_name(a), seed);
            gsl_rng_free(a);
            gsl_rng_free(b);
        }
    }
    /* sim_dist_sample's exponential and lognormal are GSL's draws too. */
    sim_dist e, l;
    CHECK(sim_dist_exponential(&e, 100) == SIM_OK &&
          sim_dist_lognormal_mean_cv(&l, 200, 0.6) == SIM_OK, "distributions refused");
    gsl_rng *a = sim_rng_create(3, 0, "inline"), *b = sim_rng_create(3, 0, "inline");
    long bad = 0;
    for (int i = 0; i < 200000; i++) {
        bad += sim_dist_sample(&e, a) != -100 * log(gsl_rng_uniform_pos(b));
        bad += sim_dist_sample(&l, a) != gsl_ran_lognormal(b, l.a, l.b);
    }
    CHECK(bad == 0, "sim_dist_sample: %ld draws differ from GSL's", bad);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

int main(void)
{
    streams();
    moments();
    json();
    percentile_paths();
    inline_draws();
    return check_report("rng");
}
