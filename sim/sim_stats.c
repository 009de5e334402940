/* sim_stats.c - Welford, time-weighted averages, log histogram, CIs, registry. */
#include "sim/sim_stats.h"
#include "sim/sim_json.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- Welford ------------------------------------------------------------ */

void sim_welford_init(sim_welford *w)
{
    memset(w, 0, sizeof *w);
    w->min = INFINITY;
    w->max = -INFINITY;
}

void sim_welford_add(sim_welford *w, double x)
{
    w->n++;
    double d = x - w->mean;
    w->mean += d / (double)w->n;
    w->m2 += d * (x - w->mean);
    if (x < w->min) w->min = x;
    if (x > w->max) w->max = x;
}

void sim_welford_merge(sim_welford *dst, const sim_welford *src)
{
    if (src->n == 0)
        return;
    if (dst->n == 0) {
        *dst = *src;
        return;
    }
    double n1 = (double)dst->n, n2 = (double)src->n, n = n1 + n2;
    double d = src->mean - dst->mean;
    dst->mean += d * n2 / n;
    dst->m2 += src->m2 + d * d * n1 * n2 / n;
    dst->n += src->n;
    if (src->min < dst->min) dst->min = src->min;
    if (src->max > dst->max) dst->max = src->max;
}

double sim_welford_variance(const sim_welford *w)
{
    return w->n > 1 ? w->m2 / (double)(w->n - 1) : NAN;
}

double sim_welford_stddev(const sim_welford *w) { return sqrt(sim_welford_variance(w)); }

/* ---- time-weighted average ---------------------------------------------- */

void sim_twavg_init(sim_twavg *a, double t0, double level)
{
    a->t0 = a->t_last = t0;
    a->level = level;
    a->area = 0;
    a->max = level;
}

void sim_twavg_set(sim_twavg *a, double t, double level)
{
    SIM_ASSERT_AT(t, t >= a->t_last);
    a->area += a->level * (t - a->t_last);
    a->t_last = t;
    a->level = level;
    if (level > a->max) a->max = level;
}

void sim_twavg_add(sim_twavg *a, double t, double delta)
{
    sim_twavg_set(a, t, a->level + delta);
}

double sim_twavg_area(const sim_twavg *a, double t_end)
{
    SIM_ASSERT_AT(t_end, t_end >= a->t_last);
    return a->area + a->level * (t_end - a->t_last);
}

double sim_twavg_mean(const sim_twavg *a, double t_end)
{
    double span = t_end - a->t0;
    return span > 0 ? sim_twavg_area(a, t_end) / span : 0.0;
}

void sim_twavg_reset(sim_twavg *a, double t)
{
    SIM_ASSERT_AT(t, t >= a->t_last);
    a->t0 = a->t_last = t;
    a->area = 0;
    a->max = a->level;
}

/* ---- histogram ------------------------------------------------------------ */

struct sim_hist {
    double min_positive;
    double inv_log_g;   /* 1 / ln(g) */
    double g;
    int offset;         /* bucket index of min_positive */
    int nbuckets;
    uint64_t zero;      /* values <= 0 */
    uint64_t count;
    double sum, min, max;
    uint64_t *b;
};

sim_hist *sim_hist_create(double min_positive)
{
    SIM_ASSERT(min_positive > 0);
    sim_hist *h = sim_xcalloc(1, sizeof *h);
    h->min_positive = min_positive;
    h->g = (1.0 + SIM_HIST_REL_ERR) / (1.0 - SIM_HIST_REL_ERR);
    h->inv_log_g = 1.0 / log(h->g);
    h->offset = (int)ceil(log(min_positive) * h->inv_log_g);
    int top = (int)ceil(log(1e18) * h->inv_log_g);
    h->nbuckets = top - h->offset + 1;
    h->b = sim_xcalloc((size_t)h->nbuckets, sizeof *h->b);
    h->min = INFINITY;
    h->max = -INFINITY;
    return h;
}

void sim_hist_destroy(sim_hist *h)
{
    if (!h) return;
    free(h->b);
    free(h);
}

void sim_hist_clear(sim_hist *h)
{
    memset(h->b, 0, (size_t)h->nbuckets * sizeof *h->b);
    h->zero = h->count = 0;
    h->sum = 0;
    h->min = INFINITY;
    h->max = -INFINITY;
}

static inline int bucket_of(const sim_hist *h, double x)
{
    if (x < h->min_positive) x = h->min_positive;
    int i = (int)ceil(log(x) * h->inv_log_g) - h->offset;
    if (i < 0) i = 0;
    if (i >= h->nbuckets) i = h->nbuckets - 1;
    return i;
}

void sim_hist_add_n(sim_hist *h, double x, uint64_t n)
{
    if (n == 0) return;
    if (x <= 0)
        h->zero += n;
    else
        h->b[bucket_of(h, x)] += n;
    h->count += n;
    h->sum += x * (double)n;
    if (x < h->min) h->min = x;
    if (x > h->max) h->max = x;
}

void sim_hist_add(sim_hist *h, double x) { sim_hist_add_n(h, x, 1); }

void sim_hist_merge(sim_hist *dst, const sim_hist *src)
{
    SIM_ASSERT(dst->min_positive == src->min_positive);
    for (int i = 0; i < dst->nbuckets; i++)
        dst->b[i] += src->b[i];
    dst->zero += src->zero;
    dst->count += src->count;
    dst->sum += src->sum;
    if (src->min < dst->min) dst->min = src->min;
    if (src->max > dst->max) dst->max = src->max;
}

uint64_t sim_hist_count(const sim_hist *h) { return h->count; }
double sim_hist_mean(const sim_hist *h) { return h->count ? h->sum / (double)h->count : NAN; }
double sim_hist_min(const sim_hist *h) { return h->count ? h->min : NAN; }
double sim_hist_max(const sim_hist *h) { return h->count ? h->max : NAN; }

static double bucket_value(const sim_hist *h, int i)
{
    return 2.0 * pow(h->g, (double)(i + h->offset)) / (h->g + 1.0);
}

double sim_hist_quantile(const sim_hist *h, double q)
{
    if (h->count == 0) return NAN;
    if (q <= 0) return h->min;
    if (q >= 1) return h->max;
    uint64_t rank = (uint64_t)floor(q * (double)(h->count - 1));
    if (rank < h->zero) return 0.0;
    uint64_t seen = h->zero;
    for (int i = 0; i < h->nbuckets; i++) {
        seen += h->b[i];
        if (seen > rank) {
            double v = bucket_value(h, i);
            /* Clamp to the observed range: exact at the extremes. */
            if (v < h->min) v = h->min;
            if (v > h->max) v = h->max;
            return v;
        }
    }
    return h->max;
}

double sim_hist_cdf(const sim_hist *h, double x)
{
    if (h->count == 0) return NAN;
    if (x < 0) return 0.0;
    uint64_t below = h->zero;
    if (x > 0) {
        int k = bucket_of(h, x);
        for (int i = 0; i <= k; i++) below += h->b[i];
    }
    return (double)below / (double)h->count;
}

/* ---- CIs -------------------------------------------------------------------- */

sim_ci sim_ci_from_welford(const sim_welford *w, double level)
{
    sim_ci ci;
    ci.n = w->n;
    ci.mean = w->n ? w->mean : NAN;
    ci.stddev = sim_welford_stddev(w);
    if (w->n < 2) {
        ci.half_width = NAN;
    } else {
        double t = gsl_cdf_tdist_Pinv(0.5 + 0.5 * level, (double)(w->n - 1));
        ci.half_width = t * ci.stddev / sqrt((double)w->n);
    }
    ci.lo = ci.mean - ci.half_width;
    ci.hi = ci.mean + ci.half_width;
    return ci;
}

sim_ci sim_ci_from_samples(const double *x, size_t n, double level)
{
    sim_welford w;
    sim_welford_init(&w);
    for (size_t i = 0; i < n; i++)
        sim_welford_add(&w, x[i]);
    return sim_ci_from_welford(&w, level);
}

/* ---- registry ---------------------------------------------------------------- */

typedef struct stat_entry {
    char *name;
    sim_stat_kind kind;
    void *p;
} stat_entry;

struct sim_stats {
    stat_entry *e;
    size_t n, cap;
};

sim_stats *sim_stats_create(void) { return sim_xcalloc(1, sizeof(sim_stats)); }

void sim_stats_destroy(sim_stats *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) {
        if (s->e[i].kind == SIM_STAT_HIST)
            sim_hist_destroy(s->e[i].p);
        else
            free(s->e[i].p);
        free(s->e[i].name);
    }
    free(s->e);
    free(s);
}

void *sim_stats_find(const sim_stats *s, const char *name, sim_stat_kind kind)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->e[i].kind == kind && strcmp(s->e[i].name, name) == 0)
            return s->e[i].p;
    return NULL;
}

static void *reg(sim_stats *s, const char *name, sim_stat_kind kind, void *p)
{
    /* A name is registered once: a duplicate is a model bug. */
    for (size_t i = 0; i < s->n; i++)
        SIM_ASSERT(strcmp(s->e[i].name, name) != 0);
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->e = sim_xrealloc(s->e, s->cap * sizeof *s->e);
    }
    s->e[s->n++] = (stat_entry){ sim_xstrdup(name), kind, p };
    return p;
}

uint64_t *sim_stats_counter(sim_stats *s, const char *name)
{
    return reg(s, name, SIM_STAT_COUNTER, sim_xcalloc(1, sizeof(uint64_t)));
}

sim_twavg *sim_stats_twavg(sim_stats *s, const char *name, double t0, double level)
{
    sim_twavg *a = sim_xmalloc(sizeof *a);
    sim_twavg_init(a, t0, level);
    return reg(s, name, SIM_STAT_TWAVG, a);
}

sim_welford *sim_stats_welford(sim_stats *s, const char *name)
{
    sim_welford *w = sim_xmalloc(sizeof *w);
    sim_welford_init(w);
    return reg(s, name, SIM_STAT_WELFORD, w);
}

sim_hist *sim_stats_hist(sim_stats *s, const char *name, double min_positive)
{
    return reg(s, name, SIM_STAT_HIST, sim_hist_create(min_positive));
}

/* Find or create the nested object for a dotted name; returns the parent
 * and sets *leaf to the last component. */
static json_object *nest(json_object *root, const char *name, char *leaf, size_t n)
{
    json_object *cur = root;
    const char *p = name;
    for (;;) {
        const char *dot = strchr(p, '.');
        if (!dot) break;
        char part[256];
        size_t k = (size_t)(dot - p);
        if (k >= sizeof part) k = sizeof part - 1;
        memcpy(part, p, k);
        part[k] = '\0';
        json_object *child;
        if (!json_object_object_get_ex(cur, part, &child) ||
            !json_object_is_type(child, json_type_object)) {
            child = json_object_new_object();
            json_object_object_add(cur, part, child);
        }
        cur = child;
        p = dot + 1;
    }
    snprintf(leaf, n, "%s", p);
    return cur;
}

json_object *sim_stats_to_json(const sim_stats *s, double t_end)
{
    json_object *root = json_object_new_object();
    for (size_t i = 0; i < s->n; i++) {
        char leaf[256];
        json_object *parent = nest(root, s->e[i].name, leaf, sizeof leaf);
        switch (s->e[i].kind) {
        case SIM_STAT_COUNTER:
            sim_json_add_int(parent, leaf, (int64_t)*(uint64_t *)s->e[i].p);
            break;
        case SIM_STAT_TWAVG: {
            const sim_twavg *a = s->e[i].p;
            json_object *o = json_object_new_object();
            sim_json_add_double(o, "mean", sim_twavg_mean(a, t_end));
            sim_json_add_double(o, "max", a->max);
            json_object_object_add(parent, leaf, o);
            break;
        }
        case SIM_STAT_WELFORD: {
            const sim_welford *w = s->e[i].p;
            json_object *o = json_object_new_object();
            sim_json_add_int(o, "n", (int64_t)w->n);
            sim_json_add_double(o, "mean", w->n ? w->mean : 0.0);
            sim_json_add_double(o, "stddev", w->n > 1 ? sim_welford_stddev(w) : 0.0);
            json_object_object_add(parent, leaf, o);
            break;
        }
        case SIM_STAT_HIST: {
            const sim_hist *h = s->e[i].p;
            json_object *o = json_object_new_object();
            bool any = sim_hist_count(h) > 0;
            sim_json_add_int(o, "count", (int64_t)sim_hist_count(h));
            sim_json_add_double(o, "mean", any ? sim_hist_mean(h) : 0.0);
            sim_json_add_double(o, "p50", any ? sim_hist_quantile(h, 0.50) : 0.0);
            sim_json_add_double(o, "p95", any ? sim_hist_quantile(h, 0.95) : 0.0);
            sim_json_add_double(o, "p99", any ? sim_hist_quantile(h, 0.99) : 0.0);
            sim_json_add_double(o, "max", any ? sim_hist_max(h) : 0.0);
            json_object_object_add(parent, leaf, o);
            break;
        }
        }
    }
    return root;
}
