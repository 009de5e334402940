/* mdl_size.c - the sizing driver: sampling, Power Tuning's summaries and
 * strategies, exhaustive search, results and the visualization URL.
 *
 * The driver owns everything a method must not cheat on: it calls the
 * sampler (once per size, counting), summarises the rows exactly as Power
 * Tuning does, marks out-of-memory sizes, and applies the strategy.  The
 * adaptive methods (mdl_size_bo.c, mdl_size_fit.c) only decide which size to
 * sample next and predict log(duration) on the grid; the driver turns the
 * prediction into durations, prices and bands through the caller's cost
 * model, so the same price is used for every method.
 */
#include "models/sizing/mdl_size_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

struct mdl_size__run {
    const mdl_size_opts *o;
    mdl_size_sample_fn sample;
    void *sample_ctx;
    mdl_size_result *r;
    mdl_size__obs *obs;    /* n_grid capacity */
    size_t *obs_gi;
    size_t n_obs;
};

/* ---- pricing --------------------------------------------------------- */

sim_status mdl_size_pricer_init(mdl_size_pricer *p, const mdl_catalog *cat, mdl_arch arch,
                                int granularity_ms, sim_error *err)
{
    SIM_ASSERT(granularity_ms == 1 || granularity_ms == 100);
    mdl_entry_id dur = arch == MDL_ARCH_ARM64 ? MDL_LAMBDA_DURATION_ARM : MDL_LAMBDA_DURATION_X86;
    SIM_TRY(mdl_catalog_need(cat, MDL_LAMBDA_REQUESTS, "sizing a Lambda function", err));
    SIM_TRY(mdl_catalog_need(cat, dur, "sizing a Lambda function", err));
    p->arch = arch;
    p->granularity_ms = granularity_ms;
    p->request_usd = mdl_catalog_usd(cat, MDL_LAMBDA_REQUESTS);
    p->usd_per_gb_s = mdl_catalog_tier_usd(cat, dur, 0);
    return SIM_OK;
}

double mdl_size_price(void *ctx, int memory_mb, double duration_ms)
{
    const mdl_size_pricer *p = ctx;
    double billed = duration_ms > 0 ? mdl_billed_ms(duration_ms, p->granularity_ms) : 0;
    return p->request_usd + p->usd_per_gb_s * ((double)memory_mb * billed) / (1024.0 * 1000.0);
}

/* ---- names ----------------------------------------------------------- */

static const char *const k_strategy_names[] = {"cost", "speed", "balanced"};
static const char *const k_method_names[] = {"exhaustive", "bo", "parametric"};

bool mdl_size_strategy_parse(const char *s, mdl_size_strategy *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, k_strategy_names[i]) == 0) {
            *out = (mdl_size_strategy)i;
            return true;
        }
    return false;
}

bool mdl_size_method_parse(const char *s, mdl_size_method *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, k_method_names[i]) == 0) {
            *out = (mdl_size_method)i;
            return true;
        }
    return false;
}

const char *mdl_size_strategy_name(mdl_size_strategy s) { return k_strategy_names[s]; }
const char *mdl_size_method_name(mdl_size_method m) { return k_method_names[m]; }

/* ---- Power Tuning's summaries and strategies --------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double mdl_size_trimmed_mean(double *x, size_t n)
{
    if (n == 0) return 0;
    qsort(x, n, sizeof *x, cmp_double);
    /* executor.js: parseInt(size * discardTopBottom) from each end. */
    size_t drop = (size_t)floor((double)n * 0.2);
    double s = 0;
    for (size_t i = drop; i < n - drop; i++) s += x[i];
    return s / (double)(n - 2 * drop);
}

static bool pick_candidate(const mdl_size_point *p)
{
    /* analyzer.js keeps stats with a truthy averageDuration. */
    return !p->failed && p->duration_ms > 0 && isfinite(p->duration_ms);
}

/* analyzer.js comparators; a < b means a sorts first.  A stable sort's
 * first element is the first minimum in input order, so a linear scan that
 * replaces only on strictly-better reproduces it. */
static bool better(const mdl_size_point *a, const mdl_size_point *b,
                   mdl_size_strategy s, double w, double max_p, double max_d)
{
    switch (s) {
    case MDL_SIZE_COST:
        if (a->price_usd == b->price_usd) return a->duration_ms < b->duration_ms;
        return a->price_usd < b->price_usd;
    case MDL_SIZE_SPEED:
        if (a->duration_ms == b->duration_ms) return a->price_usd < b->price_usd;
        return a->duration_ms < b->duration_ms;
    case MDL_SIZE_BALANCED: {
        double va = w * a->price_usd / max_p + (1 - w) * a->duration_ms / max_d;
        double vb = w * b->price_usd / max_p + (1 - w) * b->duration_ms / max_d;
        return va < vb;
    }
    }
    return false;
}

int mdl_size_pick(const mdl_size_point *pts, size_t n, mdl_size_strategy s,
                  double balanced_weight)
{
    double w = fmin(fmax(balanced_weight, 0.0), 1.0);
    if (isnan(balanced_weight)) w = 0.5;
    double max_p = -INFINITY, max_d = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!pick_candidate(&pts[i])) continue;
        max_p = fmax(max_p, pts[i].price_usd);
        max_d = fmax(max_d, pts[i].duration_ms);
    }
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        if (!pick_candidate(&pts[i])) continue;
        if (best < 0 || better(&pts[i], &pts[best], s, w, max_p, max_d)) best = (int)i;
    }
    return best;
}

/* ---- options, results ---------------------------------------------------- */

void mdl_size_opts_init(mdl_size_opts *o)
{
    memset(o, 0, sizeof *o);
    o->method = MDL_SIZE_BO;
    o->strategy = MDL_SIZE_COST;
    o->balanced_weight = 0.5;
}

void mdl_size_result_destroy(mdl_size_result *r)
{
    if (!r) return;
    free(r->points);
    free(r->sampled);
    free(r);
}

double mdl_size_result_lambda_cost(const mdl_size_result *r)
{
    double s = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->points[i].measured) s += r->points[i].total_usd;
    return s;
}

/* ---- the run's helpers for methods -------------------------------------- */

const mdl_size_opts *mdl_size__opts(const mdl_size__run *run) { return run->o; }
size_t mdl_size__n_obs(const mdl_size__run *run) { return run->n_obs; }
const mdl_size__obs *mdl_size__obs_at(const mdl_size__run *run, size_t i) { return &run->obs[i]; }
size_t mdl_size__obs_grid_index(const mdl_size__run *run, size_t i) { return run->obs_gi[i]; }
bool mdl_size__is_sampled(const mdl_size__run *run, size_t gi) { return run->r->points[gi].measured; }

int mdl_size__budget(const mdl_size__run *run)
{
    int b = run->o->budget > 0 ? run->o->budget : 15;
    if ((size_t)b > run->o->n_grid) b = (int)run->o->n_grid;
    return b;
}

long mdl_size__floor_index(const mdl_size__run *run)
{
    long f = -1;
    for (size_t i = 0; i < run->n_obs; i++)
        if (run->obs[i].failed && (long)run->obs_gi[i] > f) f = (long)run->obs_gi[i];
    return f;
}

sim_status mdl_size__sample(mdl_size__run *run, size_t gi, sim_error *err)
{
    mdl_size_result *r = run->r;
    SIM_ASSERT(gi < r->n && !r->points[gi].measured);
    mdl_size_point *p = &r->points[gi];
    const double *rows = NULL;
    size_t n = 0;
    SIM_TRY(run->sample(run->sample_ctx, p->memory_mb, &rows, &n, err));
    p->measured = true;
    p->invocations = (int)n;
    r->sampled[r->n_sampled++] = p->memory_mb;
    mdl_size__obs *ob = &run->obs[run->n_obs];
    run->obs_gi[run->n_obs++] = gi;
    ob->memory_mb = p->memory_mb;
    if (n == 0) {
        p->failed = true;
        ob->failed = true;
        return SIM_OK;
    }
    ob->failed = false;
    double *d = sim_xmalloc(2 * n * sizeof *d);
    double *price = d + n;
    double total = 0, sum = 0, sum2 = 0;
    for (size_t i = 0; i < n; i++) {
        d[i] = rows[i];
        price[i] = run->o->cost_fn(run->o->cost_ctx, p->memory_mb, rows[i]);
        total += price[i];
        sum += rows[i];
        sum2 += rows[i] * rows[i];
    }
    p->duration_ms = mdl_size_trimmed_mean(d, n);
    p->price_usd = mdl_size_trimmed_mean(price, n);
    p->total_usd = total;
    /* Band: a t-interval of the mean.  One row (a model) has no spread. */
    double half = 0;
    if (n > 1) {
        double mean = sum / (double)n;
        double var = fmax(0, (sum2 - (double)n * mean * mean) / (double)(n - 1));
        half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sqrt(var / (double)n);
        /* Relative noise of the summary, for the models (delta method). */
        ob->var_log = var / (double)n / (p->duration_ms * p->duration_ms);
    } else {
        ob->var_log = 0;
    }
    p->duration_lo = fmax(0, p->duration_ms - half);
    p->duration_hi = p->duration_ms + half;
    p->price_lo = run->o->cost_fn(run->o->cost_ctx, p->memory_mb, p->duration_lo);
    p->price_hi = run->o->cost_fn(run->o->cost_ctx, p->memory_mb, p->duration_hi);
    ob->duration_ms = p->duration_ms;
    free(d);
    return SIM_OK;
}

void mdl_size__objective_affine(const mdl_size__run *run, size_t gi,
                                const double *ref_dur, double *a, double *b)
{
    const mdl_size_opts *o = run->o;
    int m = o->grid[gi];
    /* Price is affine in duration apart from the billing round-up:
     * A = the request fee, B = the price of one more ms. */
    double pa = o->cost_fn(o->cost_ctx, m, 0);
    double pb = (o->cost_fn(o->cost_ctx, m, 1e6) - pa) / 1e6;
    switch (o->strategy) {
    case MDL_SIZE_COST:
        *a = pa;
        *b = pb;
        return;
    case MDL_SIZE_SPEED:
        *a = 0;
        *b = 1;
        return;
    case MDL_SIZE_BALANCED: {
        double w = fmin(fmax(o->balanced_weight, 0.0), 1.0);
        double max_p = 0, max_d = 0;
        for (size_t i = 0; i < o->n_grid; i++) {
            if (!(ref_dur[i] > 0) || !isfinite(ref_dur[i])) continue;
            max_p = fmax(max_p, o->cost_fn(o->cost_ctx, o->grid[i], ref_dur[i]));
            max_d = fmax(max_d, ref_dur[i]);
        }
        if (max_p <= 0) max_p = 1;
        if (max_d <= 0) max_d = 1;
        *a = w * pa / max_p;
        *b = w * pb / max_p + (1 - w) / max_d;
        return;
    }
    }
}

size_t mdl_size__spread(const mdl_size__run *run, size_t k, size_t *idx)
{
    const mdl_size_opts *o = run->o;
    double l0 = log(o->grid[0]), l1 = log(o->grid[o->n_grid - 1]);
    size_t n = 0;
    for (size_t j = 0; j < k; j++) {
        double target = k > 1 ? l0 + (l1 - l0) * (double)j / (double)(k - 1) : l0;
        size_t bi = 0;
        double bd = INFINITY;
        for (size_t i = 0; i < o->n_grid; i++) {
            double d = fabs(log(o->grid[i]) - target);
            if (d < bd) { bd = d; bi = i; }
        }
        bool dup = false;
        for (size_t q = 0; q < n; q++) dup |= idx[q] == bi;
        if (!dup) idx[n++] = bi;
    }
    return n;
}

void mdl_size__finish(mdl_size__run *run, const mdl_size__pred *p, const char *model)
{
    mdl_size_result *r = run->r;
    const mdl_size_opts *o = run->o;
    snprintf(r->model, sizeof r->model, "%s", model);
    long fl = mdl_size__floor_index(run);
    for (size_t i = 0; i < r->n; i++) {
        mdl_size_point *pt = &r->points[i];
        if (pt->measured) continue;
        /* A size below a measured out-of-memory failure fails too. */
        if ((long)i < fl) {
            pt->failed = true;
            continue;
        }
        if (!p) continue;
        pt->duration_ms = exp(p->mu[i]);
        pt->duration_lo = exp(p->mu[i] - 1.96 * p->sd[i]);
        pt->duration_hi = exp(p->mu[i] + 1.96 * p->sd[i]);
        pt->price_usd = o->cost_fn(o->cost_ctx, pt->memory_mb, pt->duration_ms);
        pt->price_lo = o->cost_fn(o->cost_ctx, pt->memory_mb, pt->duration_lo);
        pt->price_hi = o->cost_fn(o->cost_ctx, pt->memory_mb, pt->duration_hi);
    }
    /* Recommend only sizes known to run: nothing below the smallest size
     * that was measured to succeed (between it and a failure lies the
     * unknown memory floor). */
    long min_ok = -1;
    for (size_t i = 0; i < r->n && min_ok < 0; i++)
        if (r->points[i].measured && !r->points[i].failed) min_ok = (long)i;
    if (min_ok < 0) {
        r->best = -1;
        return;
    }
    mdl_size_point *tmp = sim_xmalloc(r->n * sizeof *tmp);
    memcpy(tmp, r->points, r->n * sizeof *tmp);
    for (long i = 0; i < min_ok; i++) tmp[i].failed = true;
    /* A model's estimate at a sampled size pools its neighbours and is
     * steadier than that size's own noisy summary, so the pick uses it. */
    for (size_t i = 0; p && i < r->n; i++) {
        if (!tmp[i].measured || tmp[i].failed) continue;
        tmp[i].duration_ms = exp(p->mu[i]);
        tmp[i].price_usd = o->cost_fn(o->cost_ctx, tmp[i].memory_mb, tmp[i].duration_ms);
    }
    r->best = mdl_size_pick(tmp, r->n, o->strategy, o->balanced_weight);
    free(tmp);
}

/* ---- the run ------------------------------------------------------------ */

static sim_status exhaustive(mdl_size__run *run, sim_error *err)
{
    for (size_t i = 0; i < run->o->n_grid; i++) SIM_TRY(mdl_size__sample(run, i, err));
    mdl_size__finish(run, NULL, "measured");
    return SIM_OK;
}

sim_status mdl_size_run(const mdl_size_opts *o, mdl_size_sample_fn sample,
                        void *sample_ctx, mdl_size_result **out, sim_error *err)
{
    *out = NULL;
    if (o->n_grid < 2)
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "grid",
                 "the memory grid needs at least 2 sizes (got %zu)", o->n_grid);
    for (size_t i = 0; i < o->n_grid; i++) {
        if (o->grid[i] < MDL_SIZE_MIN_MB || o->grid[i] > MDL_SIZE_MAX_MB)
            SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "grid",
                     "memory size %d MB is outside Lambda's %d-%d MB", o->grid[i],
                     MDL_SIZE_MIN_MB, MDL_SIZE_MAX_MB);
        if (i > 0 && o->grid[i] <= o->grid[i - 1])
            SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "grid", "memory sizes must increase");
    }
    SIM_ASSERT(o->cost_fn != NULL);
    mdl_size_result *r = sim_xcalloc(1, sizeof *r);
    r->method = o->method;
    r->strategy = o->strategy;
    r->balanced_weight = o->balanced_weight;
    r->n = o->n_grid;
    r->points = sim_xcalloc(o->n_grid, sizeof *r->points);
    r->sampled = sim_xcalloc(o->n_grid, sizeof *r->sampled);
    r->best = -1;
    for (size_t i = 0; i < o->n_grid; i++) r->points[i].memory_mb = o->grid[i];
    mdl_size__run run = {.o = o, .sample = sample, .sample_ctx = sample_ctx, .r = r};
    run.obs = sim_xcalloc(o->n_grid, sizeof *run.obs);
    run.obs_gi = sim_xcalloc(o->n_grid, sizeof *run.obs_gi);
    sim_status st = SIM_OK;
    switch (o->method) {
    case MDL_SIZE_EXHAUSTIVE: st = exhaustive(&run, err); break;
    case MDL_SIZE_BO: st = mdl_size__bo(&run, err); break;
    case MDL_SIZE_PARAMETRIC: st = mdl_size__parametric(&run, err); break;
    }
    free(run.obs);
    free(run.obs_gi);
    if (st != SIM_OK) {
        mdl_size_result_destroy(r);
        return st;
    }
    *out = r;
    return SIM_OK;
}

/* ---- visualization URL ------------------------------------------------- */

static const char k_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *mdl_size_base64_encode(const unsigned char *data, size_t n)
{
    char *s = sim_xmalloc(4 * ((n + 2) / 3) + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < n) v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < n) v |= data[i + 2];
        s[j++] = k_b64[(v >> 18) & 63];
        s[j++] = k_b64[(v >> 12) & 63];
        s[j++] = i + 1 < n ? k_b64[(v >> 6) & 63] : '=';
        s[j++] = i + 2 < n ? k_b64[v & 63] : '=';
    }
    s[j] = '\0';
    return s;
}

static int b64_value(char c)
{
    const char *p = c ? strchr(k_b64, c) : NULL;
    return p ? (int)(p - k_b64) : -1;
}

unsigned char *mdl_size_base64_decode(const char *text, size_t len, size_t *n)
{
    if (len % 4 != 0) return NULL;
    unsigned char *out = sim_xmalloc(len / 4 * 3 + 1);
    size_t j = 0;
    for (size_t i = 0; i < len; i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            char c = text[i + k];
            if (c == '=' && i + 4 == len && k >= 2) {
                v[k] = 0;
                pad++;
            } else if (pad || (v[k] = b64_value(c)) < 0) {
                free(out);
                return NULL;
            }
        }
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        out[j++] = (unsigned char)(w >> 16);
        if (pad < 2) out[j++] = (unsigned char)(w >> 8);
        if (pad < 1) out[j++] = (unsigned char)w;
    }
    *n = j;
    return out;
}

static void put_le16(unsigned char *p, int16_t v)
{
    uint16_t u = (uint16_t)v;
    p[0] = (unsigned char)(u & 0xff);
    p[1] = (unsigned char)(u >> 8);
}

static void put_le_f32(unsigned char *p, double v)
{
    float f = (float)v;
    uint32_t u;
    memcpy(&u, &f, 4);
    for (int k = 0; k < 4; k++) p[k] = (unsigned char)(u >> (8 * k));
}

char *mdl_size_visualization_url(const mdl_size_point *pts, size_t n)
{
    unsigned char *pw = sim_xmalloc(2 * n + 1), *du = sim_xmalloc(4 * n + 1),
                  *co = sim_xmalloc(4 * n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!pick_candidate(&pts[i])) continue;
        put_le16(pw + 2 * k, (int16_t)pts[i].memory_mb);
        put_le_f32(du + 4 * k, pts[i].duration_ms);
        put_le_f32(co + 4 * k, pts[i].price_usd);
        k++;
    }
    char *a = mdl_size_base64_encode(pw, 2 * k);
    char *b = mdl_size_base64_encode(du, 4 * k);
    char *c = mdl_size_base64_encode(co, 4 * k);
    static const char base[] = "https://lambda-power-tuning.show/#";
    size_t len = strlen(base) + strlen(a) + strlen(b) + strlen(c) + 3;
    char *url = sim_xmalloc(len);
    snprintf(url, len, "%s%s;%s;%s", base, a, b, c);
    free(pw);
    free(du);
    free(co);
    free(a);
    free(b);
    free(c);
    return url;
}
