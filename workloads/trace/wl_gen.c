/* wl_gen.c - synthetic arrival generators (see wl_gen.h).
 *
 * Non-homogeneous processes use thinning: candidates come from a Poisson
 * process at the rate function's maximum and each is kept with probability
 * rate(t) / max.  That is exact for any bounded rate and costs
 * max / mean(rate) candidates per arrival (at most the peak-to-trough ratio
 * for the daily profiles used here).  MMPP steps through exponential on/off
 * sojourns; by memorylessness an inter-arrival that crosses a switch is
 * simply redrawn from the switch time at the new rate.
 */
#include "workloads/trace/wl_gen.h"
#include "workloads/trace/wl_source_impl.h"
#include "sim/sim_rng.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wl_gen_spec_defaults(wl_gen_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->duration_s = 86400;
    spec->seed = 1;
    spec->process = WL_PROC_POISSON;
    spec->rate_per_s = 1.0;
    spec->peak_to_trough = 1.0;
    spec->mix[WL_OP_UPLOAD] = 0.10;
    spec->mix[WL_OP_VIEW] = 0.88;
    spec->mix[WL_OP_DELETE] = 0.02;
    spec->initial_photos = 1000;
    snprintf(spec->prefix, sizeof spec->prefix, "photos/");
    spec->size_dist = WL_SIZE_LOGNORMAL;
    /* A 12 MP phone camera is the common case (2020s flagships bin 48 MP
     * sensors down to 12 MP); JPEG at phone quality is ~0.25-0.35 MB/MP. */
    spec->median_mp = 12.0;
    spec->sigma = 0.35;
    spec->alpha = 2.5;
    spec->min_mp = 2.0;
    spec->max_mp = 50.0;
    spec->bytes_per_mp = 280000.0;
    snprintf(spec->function, sizeof spec->function, "f");
}

/* ---- JSON ------------------------------------------------------------- */

static const char *const k_processes[] = { "poisson", "diurnal", "mmpp", "flash_crowd", NULL };
static const char *const k_sizes[] = { "lognormal", "pareto", NULL };

static sim_status parse_arrivals(wl_gen_spec *sp, const sim_json_doc *doc, json_object *a,
                                 const char *path, sim_error *err)
{
    int proc = 0;
    SIM_TRY(sim_json_get_enum(doc, a, path, "process", true, k_processes, &proc, NULL, err));
    sp->process = (wl_process)proc;
    const double BIG = 1e9;
    switch (sp->process) {
    case WL_PROC_POISSON: {
        static const char *const keys[] = { "process", "rate_per_s", NULL };
        SIM_TRY(sim_json_check_keys(doc, a, path, keys, err));
        SIM_TRY(sim_json_get_number(doc, a, path, "rate_per_s", true, 1e-12, BIG,
                                    &sp->rate_per_s, NULL, err));
        break;
    }
    case WL_PROC_DIURNAL: {
        static const char *const keys[] = { "process", "mean_rate_per_s", "peak_to_trough",
                                            "peak_hour", "hourly", NULL };
        SIM_TRY(sim_json_check_keys(doc, a, path, keys, err));
        SIM_TRY(sim_json_get_number(doc, a, path, "mean_rate_per_s", true, 1e-12, BIG,
                                    &sp->mean_rate_per_s, NULL, err));
        json_object *h = NULL;
        SIM_TRY(sim_json_get_child(doc, a, path, "hourly", false, json_type_array, &h, err));
        char p[512];
        sim_json_path(p, sizeof p, path, "hourly");
        if (h) {
            bool pt = false, ph = false;
            double dummy;
            SIM_TRY(sim_json_get_number(doc, a, path, "peak_to_trough", false, 1, BIG, &dummy, &pt, err));
            SIM_TRY(sim_json_get_number(doc, a, path, "peak_hour", false, 0, 24, &dummy, &ph, err));
            if (pt || ph)
                SIM_JSON_FAIL(err, SIM_EFORMAT, doc, p,
                              "give either hourly weights or peak_to_trough/peak_hour, not both");
            if (json_object_array_length(h) != 24)
                SIM_JSON_FAIL(err, SIM_ERANGE, doc, p, "hourly needs 24 weights, got %zu",
                              json_object_array_length(h));
            double sum = 0;
            for (size_t i = 0; i < 24; i++) {
                char pi[600];
                sim_json_path_index(pi, sizeof pi, p, i);
                SIM_TRY(sim_json_as_number(doc, json_object_array_get_idx(h, i), pi,
                                           &sp->hourly[i], err));
                if (sp->hourly[i] < 0)
                    SIM_JSON_FAIL(err, SIM_ERANGE, doc, pi, "weights must be >= 0");
                sum += sp->hourly[i];
            }
            if (!(sum > 0)) SIM_JSON_FAIL(err, SIM_ERANGE, doc, p, "weights sum to 0");
            sp->has_hourly = true;
        } else {
            SIM_TRY(sim_json_get_number(doc, a, path, "peak_to_trough", true, 1, BIG,
                                        &sp->peak_to_trough, NULL, err));
            SIM_TRY(sim_json_get_number(doc, a, path, "peak_hour", true, 0, 24,
                                        &sp->peak_hour, NULL, err));
        }
        break;
    }
    case WL_PROC_MMPP: {
        static const char *const keys[] = { "process", "rate_on_per_s", "rate_off_per_s",
                                            "mean_on_s", "mean_off_s", NULL };
        SIM_TRY(sim_json_check_keys(doc, a, path, keys, err));
        SIM_TRY(sim_json_get_number(doc, a, path, "rate_on_per_s", true, 1e-12, BIG,
                                    &sp->rate_on_per_s, NULL, err));
        SIM_TRY(sim_json_get_number(doc, a, path, "rate_off_per_s", true, 0, BIG,
                                    &sp->rate_off_per_s, NULL, err));
        SIM_TRY(sim_json_get_number(doc, a, path, "mean_on_s", true, 1e-6, BIG,
                                    &sp->mean_on_s, NULL, err));
        SIM_TRY(sim_json_get_number(doc, a, path, "mean_off_s", true, 1e-6, BIG,
                                    &sp->mean_off_s, NULL, err));
        break;
    }
    case WL_PROC_FLASH: {
        static const char *const keys[] = { "process", "base_rate_per_s", "peak_rate_per_s",
                                            "start_s", "ramp_s", "hold_s", "decay_s", NULL };
        SIM_TRY(sim_json_check_keys(doc, a, path, keys, err));
        SIM_TRY(sim_json_get_number(doc, a, path, "base_rate_per_s", true, 0, BIG,
                                    &sp->base_rate_per_s, NULL, err));
        SIM_TRY(sim_json_get_number(doc, a, path, "peak_rate_per_s", true, 1e-12, BIG,
                                    &sp->peak_rate_per_s, NULL, err));
        SIM_TRY(sim_json_get_number(doc, a, path, "start_s", true, 0, BIG, &sp->start_s, NULL, err));
        SIM_TRY(sim_json_get_number(doc, a, path, "ramp_s", false, 0, BIG, &sp->ramp_s, NULL, err));
        SIM_TRY(sim_json_get_number(doc, a, path, "hold_s", false, 0, BIG, &sp->hold_s, NULL, err));
        SIM_TRY(sim_json_get_number(doc, a, path, "decay_s", false, 0, BIG, &sp->decay_s, NULL, err));
        break;
    }
    }
    return SIM_OK;
}

sim_status wl_gen_spec_from_json(wl_gen_spec *sp, const sim_json_doc *doc,
                                 json_object *obj, const char *path, sim_error *err)
{
    static const char *const keys[] = { "description", "duration_s", "seed", "arrivals",
                                        "mix", "photos", "image", "function", NULL };
    wl_gen_spec_defaults(sp);
    SIM_TRY(sim_json_check_keys(doc, obj, path, keys, err));
    SIM_TRY(sim_json_get_number(doc, obj, path, "duration_s", false, 1e-6, 1e10,
                                &sp->duration_s, NULL, err));
    int64_t seed = 1;
    SIM_TRY(sim_json_get_int(doc, obj, path, "seed", false, 0, INT64_MAX, &seed,
                             &sp->has_seed, err));
    sp->seed = (uint64_t)seed;
    const char *fn = NULL;
    SIM_TRY(sim_json_get_string(doc, obj, path, "function", false, &fn, NULL, err));
    if (fn) snprintf(sp->function, sizeof sp->function, "%s", fn);

    char p[512];
    json_object *a = NULL;
    SIM_TRY(sim_json_get_child(doc, obj, path, "arrivals", true, json_type_object, &a, err));
    SIM_TRY(parse_arrivals(sp, doc, a, sim_json_path(p, sizeof p, path, "arrivals"), err));

    json_object *m = NULL;
    SIM_TRY(sim_json_get_child(doc, obj, path, "mix", false, json_type_object, &m, err));
    if (m) {
        static const char *const mkeys[] = { "upload", "view", "delete", "list", "invoke", NULL };
        sim_json_path(p, sizeof p, path, "mix");
        SIM_TRY(sim_json_check_keys(doc, m, p, mkeys, err));
        double sum = 0;
        for (int k = 0; k < WL_OP_COUNT; k++) {
            sp->mix[k] = 0;
            SIM_TRY(sim_json_get_number(doc, m, p, wl_op_name((wl_op)k), false, 0, 1e12,
                                        &sp->mix[k], NULL, err));
            sum += sp->mix[k];
        }
        if (!(sum > 0)) SIM_JSON_FAIL(err, SIM_ERANGE, doc, p, "mix weights sum to 0");
    }

    json_object *ph = NULL;
    SIM_TRY(sim_json_get_child(doc, obj, path, "photos", false, json_type_object, &ph, err));
    if (ph) {
        static const char *const pkeys[] = { "initial", "prefix", NULL };
        sim_json_path(p, sizeof p, path, "photos");
        SIM_TRY(sim_json_check_keys(doc, ph, p, pkeys, err));
        int64_t init = (int64_t)sp->initial_photos;
        SIM_TRY(sim_json_get_int(doc, ph, p, "initial", false, 0, (int64_t)1 << 40, &init, NULL, err));
        sp->initial_photos = (uint64_t)init;
        const char *pre = NULL;
        SIM_TRY(sim_json_get_string(doc, ph, p, "prefix", false, &pre, NULL, err));
        if (pre) snprintf(sp->prefix, sizeof sp->prefix, "%s", pre);
    }

    json_object *im = NULL;
    SIM_TRY(sim_json_get_child(doc, obj, path, "image", false, json_type_object, &im, err));
    if (im) {
        static const char *const ikeys[] = { "size", "median_megapixels", "sigma", "alpha",
                                             "min_megapixels", "max_megapixels",
                                             "bytes_per_megapixel", NULL };
        sim_json_path(p, sizeof p, path, "image");
        SIM_TRY(sim_json_check_keys(doc, im, p, ikeys, err));
        int sd = 0;
        SIM_TRY(sim_json_get_enum(doc, im, p, "size", true, k_sizes, &sd, NULL, err));
        sp->size_dist = (wl_size_dist)sd;
        SIM_TRY(sim_json_get_number(doc, im, p, "median_megapixels", false, 0.01, 1e4, &sp->median_mp, NULL, err));
        SIM_TRY(sim_json_get_number(doc, im, p, "sigma", false, 0, 10, &sp->sigma, NULL, err));
        SIM_TRY(sim_json_get_number(doc, im, p, "alpha", false, 0.1, 100, &sp->alpha, NULL, err));
        SIM_TRY(sim_json_get_number(doc, im, p, "min_megapixels", false, 0.01, 1e4, &sp->min_mp, NULL, err));
        SIM_TRY(sim_json_get_number(doc, im, p, "max_megapixels", false, 0.01, 1e4, &sp->max_mp, NULL, err));
        SIM_TRY(sim_json_get_number(doc, im, p, "bytes_per_megapixel", false, 1, 1e8, &sp->bytes_per_mp, NULL, err));
        if (sp->size_dist == WL_SIZE_PARETO && sp->max_mp < sp->min_mp) {
            char pm[600];
            SIM_JSON_FAIL(err, SIM_ERANGE, doc, sim_json_path(pm, sizeof pm, p, "max_megapixels"),
                          "max_megapixels is below min_megapixels");
        }
    }
    return SIM_OK;
}

sim_status wl_gen_spec_load(wl_gen_spec *spec, const char *file, sim_error *err)
{
    sim_json_doc doc;
    SIM_TRY(sim_json_doc_load(&doc, file, err));
    sim_status s;
    if (!json_object_is_type(doc.root, json_type_object))
        s = SIM_ERR(err, SIM_ETYPE, file, 1, NULL, "a generator spec is a JSON object");
    else
        s = wl_gen_spec_from_json(spec, &doc, doc.root, "", err);
    sim_json_doc_fini(&doc);
    return s;
}

/* ---- rate functions ------------------------------------------------------ */

static double hourly_mean(const wl_gen_spec *sp)
{
    double s = 0;
    for (int i = 0; i < 24; i++) s += sp->hourly[i];
    return s / 24.0;
}

double wl_gen_rate(const wl_gen_spec *sp, double t)
{
    switch (sp->process) {
    case WL_PROC_POISSON: return sp->rate_per_s;
    case WL_PROC_DIURNAL: {
        if (sp->has_hourly) {
            long h = (long)floor(t / 3600.0) % 24;
            if (h < 0) h += 24;
            return sp->mean_rate_per_s * sp->hourly[h] / hourly_mean(sp);
        }
        double r = sp->peak_to_trough, amp = (r - 1) / (r + 1);
        return sp->mean_rate_per_s *
               (1 + amp * cos(2 * 3.14159265358979323846 * (t / 3600.0 - sp->peak_hour) / 24.0));
    }
    case WL_PROC_MMPP:
        return (sp->rate_on_per_s * sp->mean_on_s + sp->rate_off_per_s * sp->mean_off_s) /
               (sp->mean_on_s + sp->mean_off_s);
    case WL_PROC_FLASH: {
        double x = t - sp->start_s, g;
        if (x < 0) g = 0;
        else if (x < sp->ramp_s) g = x / sp->ramp_s;
        else if (x < sp->ramp_s + sp->hold_s) g = 1;
        else if (sp->decay_s > 0) g = exp(-(x - sp->ramp_s - sp->hold_s) / sp->decay_s);
        else g = 0;
        return sp->base_rate_per_s + (sp->peak_rate_per_s - sp->base_rate_per_s) * g;
    }
    }
    return 0;
}

double wl_gen_expected_arrivals(const wl_gen_spec *sp, double duration_s)
{
    if (sp->process == WL_PROC_DIURNAL) return sp->mean_rate_per_s * duration_s;
    if (sp->process != WL_PROC_FLASH) return wl_gen_rate(sp, 0) * duration_s;
    /* Base all along, plus the excess: half the ramp, the hold, and the
     * exponential decay's integral (decay_s), cut at the end of the run. */
    double extra = 0, x = duration_s - sp->start_s;
    if (x > 0) {
        double r = fmin(x, sp->ramp_s), h = fmin(fmax(x - sp->ramp_s, 0), sp->hold_s);
        double dx = fmax(x - sp->ramp_s - sp->hold_s, 0);
        extra = (sp->ramp_s > 0 ? r * r / (2 * sp->ramp_s) : 0) + h +
                (sp->decay_s > 0 ? sp->decay_s * (1 - exp(-dx / sp->decay_s)) : 0);
    }
    return sp->base_rate_per_s * duration_s + (sp->peak_rate_per_s - sp->base_rate_per_s) * extra;
}

/* The bound thinning draws candidates at. */
double wl_gen_rate_bound(const wl_gen_spec *sp)
{
    switch (sp->process) {
    case WL_PROC_DIURNAL:
        if (sp->has_hourly) {
            double m = 0;
            for (int i = 0; i < 24; i++) if (sp->hourly[i] > m) m = sp->hourly[i];
            return sp->mean_rate_per_s * m / hourly_mean(sp);
        }
        return sp->mean_rate_per_s * (1 + (sp->peak_to_trough - 1) / (sp->peak_to_trough + 1));
    case WL_PROC_FLASH:
        return fmax(sp->base_rate_per_s, sp->peak_rate_per_s);
    default:
        return wl_gen_rate(sp, 0);
    }
}

/* ---- photo sizes ------------------------------------------------------- */

double wl_gen_photo_megapixels(const wl_gen_spec *sp, uint64_t seed, uint64_t id)
{
    uint64_t h = sim_mix64(sim_mix64(seed ^ 0x70686f746f73ULL) + id);
    double u = ((double)(h >> 11) + 0.5) * 0x1.0p-53;      /* in (0,1) */
    double mp;
    if (sp->size_dist == WL_SIZE_LOGNORMAL)
        mp = sp->median_mp * exp(sp->sigma * gsl_cdf_ugaussian_Pinv(u));
    else
        mp = sp->min_mp * pow(1.0 - u, -1.0 / sp->alpha);
    if (sp->max_mp > 0 && mp > sp->max_mp) mp = sp->max_mp;
    return mp;
}

uint64_t wl_gen_photo_bytes(const wl_gen_spec *sp, uint64_t seed, uint64_t id)
{
    return (uint64_t)llround(wl_gen_photo_megapixels(sp, seed, id) * sp->bytes_per_mp);
}

/* ---- the source ---------------------------------------------------------- */

typedef struct gen_source {
    wl_source base;
    wl_gen_spec spec;
    uint64_t seed;
    gsl_rng *r_arr, *r_state, *r_mix, *r_pick;
    double t, lmax;
    bool on;                   /* mmpp state */
    double state_end;
    double cum[WL_OP_COUNT];   /* cumulative mix, normalised */
    uint64_t next_id;
    uint32_t fn;
    char key[256];
} gen_source;

static inline double expo(gsl_rng *r, double rate)
{
    return -log(sim_rng_uniform_pos(r)) / rate;
}

/* Advance s->t to the next arrival; false past duration_s. */
static bool next_time(gen_source *s)
{
    const wl_gen_spec *sp = &s->spec;
    switch (sp->process) {
    case WL_PROC_POISSON:
        s->t += expo(s->r_arr, sp->rate_per_s);
        break;
    case WL_PROC_DIURNAL:
    case WL_PROC_FLASH:
        for (;;) {
            s->t += expo(s->r_arr, s->lmax);
            if (s->t >= sp->duration_s) return false;
            if (sim_rng_uniform(s->r_arr) * s->lmax < wl_gen_rate(sp, s->t)) break;
        }
        break;
    case WL_PROC_MMPP:
        for (;;) {
            double r = s->on ? sp->rate_on_per_s : sp->rate_off_per_s;
            double gap = r > 0 ? expo(s->r_arr, r) : INFINITY;
            if (s->t + gap < s->state_end) {
                s->t += gap;
                break;
            }
            s->t = s->state_end;
            if (s->t >= sp->duration_s) return false;
            s->on = !s->on;
            s->state_end = s->t + expo(s->r_state, 1.0 / (s->on ? sp->mean_on_s : sp->mean_off_s));
        }
        break;
    }
    return s->t < sp->duration_s;
}

static bool gen_next(wl_source *src, wl_arrival *out, sim_error *err)
{
    (void)err;
    gen_source *s = (gen_source *)src;
    if (!next_time(s)) return false;
    double u = sim_rng_uniform(s->r_mix);
    int op = 0;
    while (op + 1 < WL_OP_COUNT && u >= s->cum[op]) op++;
    /* Skip ops with zero weight that the scan may land on by rounding. */
    while (s->spec.mix[op] == 0) op = (op + WL_OP_COUNT - 1) % WL_OP_COUNT;
    /* Nothing to view or delete before the first photo: upload instead. */
    if ((op == WL_OP_VIEW || op == WL_OP_DELETE) && s->next_id == 0) op = WL_OP_UPLOAD;
    out->t_s = s->t;
    out->op = (wl_op)op;
    out->function = WL_NO_FUNCTION;
    out->duration_ms = NAN;
    out->memory_mb = NAN;
    out->bytes = 0;
    int n = 0;
    switch ((wl_op)op) {
    case WL_OP_UPLOAD: {
        uint64_t id = s->next_id++;
        n = snprintf(s->key, sizeof s->key, "%s%08llu.jpg", s->spec.prefix, (unsigned long long)id);
        out->bytes = wl_gen_photo_bytes(&s->spec, s->seed, id);
        break;
    }
    case WL_OP_VIEW:
    case WL_OP_DELETE: {
        uint64_t id = (uint64_t)(sim_rng_uniform(s->r_pick) * (double)s->next_id);
        if (id >= s->next_id) id = s->next_id - 1;
        n = snprintf(s->key, sizeof s->key, "%s%08llu.jpg", s->spec.prefix, (unsigned long long)id);
        out->bytes = wl_gen_photo_bytes(&s->spec, s->seed, id);
        break;
    }
    case WL_OP_LIST:
        n = snprintf(s->key, sizeof s->key, "%s", s->spec.prefix);
        break;
    case WL_OP_INVOKE:
        s->key[0] = '\0';
        out->function = s->fn;
        break;
    case WL_OP_COUNT: break;
    }
    out->key = s->key;
    out->key_len = n > 0 ? ((size_t)n < sizeof s->key ? (size_t)n : sizeof s->key - 1) : 0;
    return true;
}

static void gen_fini(wl_source *src)
{
    gen_source *s = (gen_source *)src;
    gsl_rng_free(s->r_arr);
    gsl_rng_free(s->r_state);
    gsl_rng_free(s->r_mix);
    gsl_rng_free(s->r_pick);
}

static const wl_source_vt k_gen_vt = { gen_next, gen_fini };

sim_status wl_gen_source_create(wl_source **out, const wl_gen_spec *spec, uint64_t seed,
                                sim_error *err)
{
    *out = NULL;
    double sum = 0;
    for (int k = 0; k < WL_OP_COUNT; k++) {
        if (!(spec->mix[k] >= 0)) SIM_FAIL(err, SIM_ERANGE, NULL, 0, "mix", "negative weight");
        sum += spec->mix[k];
    }
    if (!(sum > 0)) SIM_FAIL(err, SIM_ERANGE, NULL, 0, "mix", "mix weights sum to 0");
    if (!(spec->duration_s > 0)) SIM_FAIL(err, SIM_ERANGE, NULL, 0, "duration_s", "must be > 0");
    gen_source *s = sim_xcalloc(1, sizeof *s);
    wl_source_base_init(&s->base, &k_gen_vt, "generator");
    s->spec = *spec;
    s->seed = seed;
    s->r_arr = sim_rng_create(seed, 0, "gen/arrivals");
    s->r_state = sim_rng_create(seed, 0, "gen/states");
    s->r_mix = sim_rng_create(seed, 0, "gen/mix");
    s->r_pick = sim_rng_create(seed, 0, "gen/pick");
    double acc = 0;
    for (int k = 0; k < WL_OP_COUNT; k++) {
        acc += spec->mix[k] / sum;
        s->cum[k] = acc;
    }
    s->cum[WL_OP_COUNT - 1] = 1.0;
    s->lmax = wl_gen_rate_bound(spec);
    s->next_id = spec->initial_photos;
    s->fn = wl_names_intern(&s->base.names, spec->function, strlen(spec->function));
    if (spec->process == WL_PROC_MMPP) {
        /* Start in the stationary state mix so the trace has no warm-up. */
        double p_on = spec->mean_on_s / (spec->mean_on_s + spec->mean_off_s);
        s->on = sim_rng_uniform(s->r_state) < p_on;
        s->state_end = expo(s->r_state, 1.0 / (s->on ? spec->mean_on_s : spec->mean_off_s));
    }
    *out = &s->base;
    return SIM_OK;
}
