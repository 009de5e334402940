/* wl_azure.c - Azure Functions 2019 and 2021 traces (see wl_azure.h).
 *
 * Azure 2019 expansion is the hot path (the goal is >= 5 M arrivals/s): per
 * arrival it costs one uniform draw and a log/expm1 for the next sorted
 * uniform time (poisson spread), one heap sift over the functions active in
 * that minute, and one percentile draw (a binary search over 7 points).
 * Workspaces are sized once, at creation, to the busiest minute.
 */
#include "workloads/trace/wl_azure.h"
#include "workloads/trace/wl_rows.h"
#include "workloads/trace/wl_source_impl.h"
#include "sim/sim_rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bool wl_spread_parse(const char *s, wl_spread *out)
{
    if (strcmp(s, "poisson") == 0) { *out = WL_SPREAD_POISSON; return true; }
    if (strcmp(s, "uniform") == 0) { *out = WL_SPREAD_UNIFORM; return true; }
    return false;
}

/* ---- Azure 2019 tables ---------------------------------------------------- */

/* What an arrival of a function reads, together (one 64-byte record, not
 * three arrays and two allocations per function: a trace of thousands of
 * functions touches a record per arrival): its duration percentiles (the
 * values at k_dur_p; dur[0] NaN when the durations file has none) and its
 * app's memory (NaN when unknown). */
typedef struct az_fn {
    double dur[7];
    double mem_mb;
} az_fn;

struct wl_az19 {
    wl_names funcs;            /* function names, by function index */
    uint32_t nfunc;
    uint32_t nmin;             /* minute columns (1440 for a day) */
    /* non-zero cells sorted by minute: cells of minute m are
     * [mstart[m], mstart[m+1]) */
    uint32_t *mstart;
    uint32_t *cfunc;
    uint32_t *ccount;
    uint32_t max_cells;        /* most functions active in one minute */
    uint64_t total;
    uint32_t active;
    az_fn *fn;                 /* per function: what its arrivals read */
    double dur_p[7];           /* the percentiles' probabilities (k_dur_p) */
    uint32_t ndur, nmem;
    /* per function app name (for the memory join) */
    wl_names apps;
    uint32_t *func_app;
};

/* Find a column by name in the header row; -1 when absent. */
static long find_col(const wl_rows *r, const char *name)
{
    for (size_t i = 0; i < r->nfields; i++)
        if (strcmp(wl_rows_field(r, i), name) == 0) return (long)i;
    return -1;
}

static sim_status need_col(const wl_rows *r, const char *name, long *out, sim_error *err)
{
    *out = find_col(r, name);
    if (*out < 0)
        SIM_FAIL(err, SIM_EFORMAT, r->path, r->row_line ? r->row_line : 1, name,
                 "missing column '%s' in the header", name);
    return SIM_OK;
}

static sim_status read_header(wl_rows *r, const char *what, sim_error *err)
{
    bool got;
    SIM_TRY(wl_rows_next(r, &got, err));
    if (!got)
        SIM_FAIL(err, SIM_EFORMAT, r->path, 1, NULL, "empty file: expected the %s header", what);
    return SIM_OK;
}

static sim_status row_width(const wl_rows *r, size_t ncols, sim_error *err)
{
    if (r->nfields < ncols)
        SIM_FAIL(err, SIM_EFORMAT, r->path, r->row_line, NULL,
                 "missing columns: the row has %zu fields, the header %zu", r->nfields, ncols);
    if (r->nfields > ncols)
        SIM_FAIL(err, SIM_EFORMAT, r->path, r->row_line, NULL,
                 "the row has %zu fields, the header only %zu", r->nfields, ncols);
    return SIM_OK;
}

static sim_status field_number(const wl_rows *r, long col, const char *name, double *out,
                               sim_error *err)
{
    const char *s = wl_rows_field(r, (size_t)col);
    if (!wl_parse_double(s, wl_rows_field_len(r, (size_t)col), out) || *out < 0)
        SIM_FAIL(err, SIM_EFORMAT, r->path, r->row_line, name,
                 "'%.40s' is not a non-negative number", s);
    return SIM_OK;
}

/* "app/function" into buf: the join key of the durations file. */
static size_t join_key(char *buf, size_t n, const char *app, const char *fn)
{
    int k = snprintf(buf, n, "%s/%s", app, fn);
    return k < 0 ? 0 : ((size_t)k < n ? (size_t)k : n - 1);
}

typedef struct az_cell { uint32_t minute, func, count; } az_cell;

/* The minute columns of the header: minute_of[i] is column i's minute
 * (0-based) or -1; *nmin the number of minutes.  Columns are "1".."N"
 * (original) or "minute_1".. (sampled). */
static sim_status minute_columns(const wl_rows *r, const char *path, long **minute_of,
                                 uint32_t *nmin, sim_error *err)
{
    size_t ncols = r->nfields;
    long *mo = sim_xmalloc((ncols ? ncols : 1) * sizeof *mo);
    *minute_of = mo;
    uint32_t maxm = 0, nm = 0;
    for (size_t i = 0; i < ncols; i++) {
        const char *f = wl_rows_field(r, i);
        if (strncmp(f, "minute_", 7) == 0) f += 7;
        unsigned long long m;
        mo[i] = -1;
        if (wl_parse_u64(f, strlen(f), &m) && m >= 1 && m <= 100000) {
            mo[i] = (long)m - 1;
            nm++;
            if (m > maxm) maxm = (uint32_t)m;
        }
    }
    *nmin = maxm;
    if (nm == 0 || nm != maxm)
        return SIM_ERR(err, SIM_EFORMAT, path, 1, NULL,
                       "expected minute columns 1..N (or minute_1..minute_N), found %u "
                       "numbered up to %u", nm, maxm);
    return SIM_OK;
}

/* The row's function index *f, interned (and its app recorded).  A hash
 * recurring under another app is named app/function so both stay distinct;
 * the same pair twice is an error. */
static sim_status row_function(wl_az19 *az, const wl_rows *r, const char *path, long c_app,
                               long c_fn, uint32_t *f, sim_error *err)
{
    const char *app = wl_rows_field(r, (size_t)c_app);
    const char *fn = wl_rows_field(r, (size_t)c_fn);
    uint32_t before = az->funcs.count;
    *f = wl_names_intern(&az->funcs, fn, strlen(fn));
    if (*f < before) {
        char key[1024];
        size_t kl = join_key(key, sizeof key, app, fn);
        before = az->funcs.count;
        *f = wl_names_intern(&az->funcs, key, kl);
        if (*f < before)
            return SIM_ERR(err, SIM_EFORMAT, path, r->row_line, "HashFunction",
                           "function %.16s... of app %.16s... appears twice", fn, app);
    }
    az->func_app = sim_xrealloc(az->func_app, az->funcs.count * sizeof *az->func_app);
    az->func_app[*f] = wl_names_intern(&az->apps, app, strlen(app));
    return SIM_OK;
}

/* The (minute, function, count) cells of the file, before indexing. */
typedef struct az_cells { az_cell *v; size_t n, cap; } az_cells;

/* Minute i's count of the row: a non-negative integer below 2^32 (a
 * whole-valued decimal is accepted: sampled files write "3.0"). */
static sim_status minute_count(const wl_rows *r, const char *path, size_t i, long minute,
                               uint32_t *cnt, sim_error *err)
{
    const char *v = wl_rows_field(r, i);
    size_t vl = wl_rows_field_len(r, i);
    unsigned long long c;
    double d;
    if (!wl_parse_u64(v, vl, &c)) {
        if (!(wl_parse_double(v, vl, &d) && d >= 0 && d == floor(d) && d < 4e9))
            return SIM_ERR(err, SIM_EFORMAT, path, r->row_line, NULL,
                           "minute %ld: '%.40s' is not a non-negative integer count", minute + 1, v);
        c = (unsigned long long)d;
    }
    if (c > UINT32_MAX)
        return SIM_ERR(err, SIM_ERANGE, path, r->row_line, NULL,
                       "minute %ld: count %llu is too large", minute + 1, c);
    *cnt = (uint32_t)c;
    return SIM_OK;
}

/* One row's non-zero minutes into cells. */
static sim_status row_cells(wl_az19 *az, const wl_rows *r, const char *path,
                            const long *minute_of, uint32_t f, az_cells *cells, sim_error *err)
{
    bool any = false;
    for (size_t i = 0; i < r->nfields; i++) {
        if (minute_of[i] < 0) continue;
        uint32_t cnt = 0;
        SIM_TRY(minute_count(r, path, i, minute_of[i], &cnt, err));
        if (!cnt) continue;
        if (cells->n == cells->cap) {
            cells->cap = cells->cap ? 2 * cells->cap : 4096;
            cells->v = sim_xrealloc(cells->v, cells->cap * sizeof *cells->v);
        }
        cells->v[cells->n++] = (az_cell){ (uint32_t)minute_of[i], f, cnt };
        az->total += cnt;
        any = true;
    }
    if (any) az->active++;
    return SIM_OK;
}

/* Index the cells by minute (mstart, cfunc, ccount).  A counting sort:
 * stable, so a minute's cells stay in function order and the expansion is
 * deterministic. */
static void index_cells(wl_az19 *az, const az_cells *cells)
{
    az->mstart = sim_xcalloc((size_t)az->nmin + 1, sizeof *az->mstart);
    for (size_t i = 0; i < cells->n; i++) az->mstart[cells->v[i].minute + 1]++;
    for (uint32_t m = 0; m < az->nmin; m++) {
        uint32_t n = az->mstart[m + 1];
        if (n > az->max_cells) az->max_cells = n;
        az->mstart[m + 1] += az->mstart[m];
    }
    size_t n = cells->n ? cells->n : 1;
    az->cfunc = sim_xmalloc(n * sizeof *az->cfunc);
    az->ccount = sim_xmalloc(n * sizeof *az->ccount);
    uint32_t *fill = sim_xmalloc(((size_t)az->nmin + 1) * sizeof *fill);
    memcpy(fill, az->mstart, ((size_t)az->nmin + 1) * sizeof *fill);
    for (size_t i = 0; i < cells->n; i++) {
        uint32_t at = fill[cells->v[i].minute]++;
        az->cfunc[at] = cells->v[i].func;
        az->ccount[at] = cells->v[i].count;
    }
    free(fill);
}

static sim_status load_invocations(wl_az19 *az, const char *path, sim_error *err)
{
    wl_rows r;
    SIM_TRY(wl_rows_open(&r, path, err));
    sim_status s = read_header(&r, "HashOwner,HashApp,HashFunction,...,1..1440", err);
    long c_app = -1, c_fn = -1;
    long *minute_of = NULL;
    az_cells cells = { 0 };
    size_t ncols = r.nfields;
    if (s == SIM_OK) s = need_col(&r, "HashApp", &c_app, err);
    if (s == SIM_OK) s = need_col(&r, "HashFunction", &c_fn, err);
    if (s == SIM_OK) s = minute_columns(&r, path, &minute_of, &az->nmin, err);
    bool got = true;
    while (s == SIM_OK) {
        s = wl_rows_next(&r, &got, err);
        if (s != SIM_OK || !got) break;
        s = row_width(&r, ncols, err);
        uint32_t f = 0;
        if (s == SIM_OK) s = row_function(az, &r, path, c_app, c_fn, &f, err);
        if (s == SIM_OK) s = row_cells(az, &r, path, minute_of, f, &cells, err);
    }
    if (s == SIM_OK) {
        az->nfunc = az->funcs.count;
        index_cells(az, &cells);
        if (az->nfunc == 0)
            s = SIM_ERR(err, SIM_EFORMAT, path, r.line ? r.line : 1, NULL,
                        "no functions: the file has a header but no rows");
    }
    free(cells.v);
    free(minute_of);
    wl_rows_close(&r);
    return s;
}

static const double k_dur_p[7] = { 0, 0.01, 0.25, 0.50, 0.75, 0.99, 1.0 };
static const char *const k_dur_cols[7] = {
    "percentile_Average_0", "percentile_Average_1", "percentile_Average_25",
    "percentile_Average_50", "percentile_Average_75", "percentile_Average_99",
    "percentile_Average_100"
};

static sim_status load_durations(wl_az19 *az, const char *path, sim_error *err)
{
    wl_rows r;
    SIM_TRY(wl_rows_open(&r, path, err));
    sim_status s = read_header(&r, "HashOwner,HashApp,HashFunction,...,percentile_Average_*", err);
    long c_app = -1, c_fn = -1, c_p[7];
    size_t ncols = r.nfields;
    if (s == SIM_OK) s = need_col(&r, "HashApp", &c_app, err);
    if (s == SIM_OK) s = need_col(&r, "HashFunction", &c_fn, err);
    for (int k = 0; k < 7 && s == SIM_OK; k++) s = need_col(&r, k_dur_cols[k], &c_p[k], err);
    bool got = true;
    while (s == SIM_OK) {
        s = wl_rows_next(&r, &got, err);
        if (s != SIM_OK || !got) break;
        s = row_width(&r, ncols, err);
        double v[7];
        for (int k = 0; k < 7 && s == SIM_OK; k++) {
            s = field_number(&r, c_p[k], k_dur_cols[k], &v[k], err);
            /* Percentiles computed from samples can cross by rounding; the
             * inverse CDF needs them non-decreasing, so hold the running max. */
            if (s == SIM_OK && k && v[k] < v[k - 1]) v[k] = v[k - 1];
        }
        if (s != SIM_OK) break;
        const char *app = wl_rows_field(&r, (size_t)c_app);
        const char *fn = wl_rows_field(&r, (size_t)c_fn);
        char key[1024];
        size_t kl = join_key(key, sizeof key, app, fn);
        uint32_t f = wl_names_find(&az->funcs, key, kl);
        if (f == WL_NO_FUNCTION) {
            f = wl_names_find(&az->funcs, fn, strlen(fn));
            /* The plain hash names this app's function only if the apps match. */
            if (f != WL_NO_FUNCTION &&
                strcmp(wl_names_get(&az->apps, az->func_app[f]), app) != 0)
                f = WL_NO_FUNCTION;
        }
        if (f == WL_NO_FUNCTION || !isnan(az->fn[f].dur[0])) continue;   /* not in this trace */
        sim_dist d;
        if (sim_dist_percentiles(&d, k_dur_p, v, 7) != SIM_OK) {
            s = SIM_ERR(err, SIM_ERANGE, path, r.row_line, NULL, "bad duration percentiles");
            break;
        }
        memcpy(az->fn[f].dur, d.vals, sizeof az->fn[f].dur);
        sim_dist_fini(&d);
        az->ndur++;
    }
    wl_rows_close(&r);
    return s;
}

static sim_status load_memory(wl_az19 *az, const char *path, sim_error *err)
{
    wl_rows r;
    SIM_TRY(wl_rows_open(&r, path, err));
    sim_status s = read_header(&r, "HashOwner,HashApp,SampleCount,AverageAllocatedMb,...", err);
    long c_app = -1, c_avg = -1;
    size_t ncols = r.nfields;
    if (s == SIM_OK) s = need_col(&r, "HashApp", &c_app, err);
    if (s == SIM_OK) s = need_col(&r, "AverageAllocatedMb", &c_avg, err);
    double *app_mb = sim_xmalloc((az->apps.count ? az->apps.count : 1) * sizeof *app_mb);
    for (uint32_t i = 0; i < az->apps.count; i++) app_mb[i] = NAN;
    bool got = true;
    while (s == SIM_OK) {
        s = wl_rows_next(&r, &got, err);
        if (s != SIM_OK || !got) break;
        s = row_width(&r, ncols, err);
        double mb = 0;
        if (s == SIM_OK) s = field_number(&r, c_avg, "AverageAllocatedMb", &mb, err);
        if (s != SIM_OK) break;
        const char *app = wl_rows_field(&r, (size_t)c_app);
        uint32_t a = wl_names_find(&az->apps, app, strlen(app));
        if (a != WL_NO_FUNCTION && isnan(app_mb[a])) app_mb[a] = mb;
    }
    if (s == SIM_OK)
        for (uint32_t f = 0; f < az->nfunc; f++) {
            az->fn[f].mem_mb = app_mb[az->func_app[f]];
            if (!isnan(az->fn[f].mem_mb)) az->nmem++;
        }
    free(app_mb);
    wl_rows_close(&r);
    return s;
}

sim_status wl_az19_load(wl_az19 **out, const char *invocations,
                        const char *durations, const char *memory, sim_error *err)
{
    *out = NULL;
    wl_az19 *az = sim_xcalloc(1, sizeof *az);
    wl_names_init(&az->funcs);
    wl_names_init(&az->apps);
    sim_status s = load_invocations(az, invocations, err);
    if (s == SIM_OK) {
        az->fn = sim_xmalloc(az->nfunc * sizeof *az->fn);
        for (uint32_t f = 0; f < az->nfunc; f++) {
            az->fn[f].dur[0] = NAN;
            az->fn[f].mem_mb = NAN;
        }
        memcpy(az->dur_p, k_dur_p, sizeof az->dur_p);
        if (durations) s = load_durations(az, durations, err);
    }
    if (s == SIM_OK && memory) s = load_memory(az, memory, err);
    if (s != SIM_OK) {
        wl_az19_destroy(az);
        return s;
    }
    *out = az;
    return SIM_OK;
}

void wl_az19_destroy(wl_az19 *az)
{
    if (!az) return;
    free(az->fn);
    free(az->mstart);
    free(az->cfunc);
    free(az->ccount);
    free(az->func_app);
    wl_names_fini(&az->funcs);
    wl_names_fini(&az->apps);
    free(az);
}

uint32_t wl_az19_function_count(const wl_az19 *az) { return az->nfunc; }
const char *wl_az19_function_name(const wl_az19 *az, uint32_t f) { return wl_names_get(&az->funcs, f); }
uint32_t wl_az19_minute_count(const wl_az19 *az) { return az->nmin; }
uint64_t wl_az19_total(const wl_az19 *az) { return az->total; }
uint32_t wl_az19_active_functions(const wl_az19 *az) { return az->active; }
uint32_t wl_az19_functions_with_durations(const wl_az19 *az) { return az->ndur; }
uint32_t wl_az19_functions_with_memory(const wl_az19 *az) { return az->nmem; }

uint64_t wl_az19_count(const wl_az19 *az, uint32_t f, uint32_t m)
{
    if (m >= az->nmin) return 0;
    for (uint32_t i = az->mstart[m]; i < az->mstart[m + 1]; i++)
        if (az->cfunc[i] == f) return az->ccount[i];
    return 0;
}

uint64_t wl_az19_minute_total(const wl_az19 *az, uint32_t m)
{
    uint64_t n = 0;
    if (m >= az->nmin) return 0;
    for (uint32_t i = az->mstart[m]; i < az->mstart[m + 1]; i++) n += az->ccount[i];
    return n;
}

/* ---- Azure 2019 expansion ----------------------------------------------- */

typedef struct heap_ent { double u; uint32_t c; } heap_ent;   /* c: cell index in minute */

typedef struct az19_source {
    wl_source base;
    const wl_az19 *az;
    wl_spread spread;
    gsl_rng *r_spread, *r_dur;
    uint32_t minute;           /* the minute being expanded */
    uint32_t cell0;            /* its first cell */
    heap_ent *heap;            /* min-heap on u, size nheap */
    uint32_t nheap;
    uint32_t *left;            /* per cell of the minute: arrivals still to place */
    double *u;                 /* per cell: position of its last arrival in [0,1) */
} az19_source;

/* Position of the next of a cell's arrivals, as a fraction of the minute.
 * Poisson: given the previous sorted uniform u and k points still to place,
 * the next is u + (1-u) * (1 - V^(1/k)) (the minimum of k uniforms on
 * (u,1)); this draws c sorted uniforms in O(1) each, without storing them. */
static inline double next_pos(az19_source *s, uint32_t ci, uint32_t count)
{
    uint32_t k = s->left[ci];
    if (s->spread == WL_SPREAD_UNIFORM)
        return ((double)(count - k) + 0.5) / (double)count;
    double u = s->u[ci];
    double v = sim_rng_uniform_pos(s->r_spread);
    return u + (1.0 - u) * -expm1(log(v) / (double)k);
}

static inline void heap_down(heap_ent *h, uint32_t n, uint32_t i)
{
    heap_ent x = h[i];
    for (;;) {
        uint32_t l = 2 * i + 1;
        if (l >= n) break;
        uint32_t m = (l + 1 < n && h[l + 1].u < h[l].u) ? l + 1 : l;
        /* Ties go to the lower cell index so the order is deterministic. */
        if (h[m].u > x.u || (h[m].u == x.u && h[m].c > x.c)) break;
        h[i] = h[m];
        i = m;
    }
    h[i] = x;
}

/* Load minute s->minute's cells into the heap (skipping empty minutes);
 * false past the last minute. */
static bool start_minute(az19_source *s)
{
    const wl_az19 *az = s->az;
    while (s->minute < az->nmin && az->mstart[s->minute] == az->mstart[s->minute + 1])
        s->minute++;
    if (s->minute >= az->nmin) return false;
    s->cell0 = az->mstart[s->minute];
    uint32_t n = az->mstart[s->minute + 1] - s->cell0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t count = az->ccount[s->cell0 + i];
        s->left[i] = count;
        s->u[i] = 0.0;
        double u = next_pos(s, i, count);
        s->u[i] = u;
        s->heap[i] = (heap_ent){ u, i };
    }
    s->nheap = n;
    for (uint32_t i = n / 2; i-- > 0;) heap_down(s->heap, n, i);
    return true;
}

static bool az19_next(wl_source *src, wl_arrival *out, sim_error *err)
{
    (void)err;
    az19_source *s = (az19_source *)src;
    if (s->nheap == 0) {
        s->minute++;
        if (!start_minute(s)) return false;
    }
    const wl_az19 *az = s->az;
    uint32_t ci = s->heap[0].c;
    double u = s->heap[0].u;
    uint32_t cell = s->cell0 + ci;
    uint32_t f = az->cfunc[cell];
    out->t_s = 60.0 * ((double)s->minute + u);
    out->op = WL_OP_INVOKE;
    out->function = f;
    out->bytes = 0;
    out->key = "";
    out->key_len = 0;
    const az_fn *fn = &az->fn[f];
    out->duration_ms = NAN;
    if (!isnan(fn->dur[0])) {
        /* The function's percentiles as a sim_dist, drawn as one built by
         * sim_dist_percentiles (same points, same draw; sim_dist_sample
         * only reads them, hence the casts). */
        sim_dist d = { .type = SIM_DIST_PERCENTILES, .n = 7, .probs = (double *)az->dur_p,
                       .vals = (double *)fn->dur };
        out->duration_ms = sim_dist_sample(&d, s->r_dur);
    }
    out->memory_mb = fn->mem_mb;
    /* Advance this cell: place its next arrival or retire it. */
    if (--s->left[ci] > 0) {
        double nu = next_pos(s, ci, az->ccount[cell]);
        s->u[ci] = nu;
        s->heap[0].u = nu;
    } else {
        s->heap[0] = s->heap[--s->nheap];
    }
    if (s->nheap > 1) heap_down(s->heap, s->nheap, 0);
    return true;
}

static void az19_fini(wl_source *src)
{
    az19_source *s = (az19_source *)src;
    gsl_rng_free(s->r_spread);
    gsl_rng_free(s->r_dur);
    free(s->heap);
    free(s->left);
    free(s->u);
}

static const wl_source_vt k_az19_vt = { az19_next, az19_fini };

sim_status wl_az19_source_create(wl_source **out, const wl_az19 *az, wl_spread spread,
                                 uint64_t seed, sim_error *err)
{
    (void)err;
    az19_source *s = sim_xcalloc(1, sizeof *s);
    wl_source_base_init(&s->base, &k_az19_vt, "azure2019");
    /* Same names, same indices, so arrivals' function indices are az's. */
    for (uint32_t f = 0; f < az->nfunc; f++) {
        const char *n = wl_names_get(&az->funcs, f);
        wl_names_intern(&s->base.names, n, strlen(n));
    }
    s->az = az;
    s->spread = spread;
    s->r_spread = sim_rng_create(seed, 0, "azure2019/spread");
    s->r_dur = sim_rng_create(seed, 0, "azure2019/durations");
    size_t n = az->max_cells ? az->max_cells : 1;
    s->heap = sim_xmalloc(n * sizeof *s->heap);
    s->left = sim_xmalloc(n * sizeof *s->left);
    s->u = sim_xmalloc(n * sizeof *s->u);
    s->minute = 0;
    if (!start_minute(s)) s->nheap = 0, s->minute = az->nmin;
    *out = &s->base;
    return SIM_OK;
}

/* ---- Azure 2021 --------------------------------------------------------- */

typedef struct az21_rec { double start; float dur_s; uint32_t func; } az21_rec;

typedef struct az21_source {
    wl_source base;
    az21_rec *recs;
    size_t n, next;
} az21_source;

static int cmp_rec(const void *a, const void *b)
{
    const az21_rec *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->func != y->func) return x->func < y->func ? -1 : 1;
    if (x->dur_s != y->dur_s) return x->dur_s < y->dur_s ? -1 : 1;
    return 0;
}

static bool az21_next(wl_source *src, wl_arrival *out, sim_error *err)
{
    (void)err;
    az21_source *s = (az21_source *)src;
    if (s->next >= s->n) return false;
    const az21_rec *r = &s->recs[s->next++];
    out->t_s = r->start;
    out->op = WL_OP_INVOKE;
    out->function = r->func;
    out->bytes = 0;
    out->key = "";
    out->key_len = 0;
    out->duration_ms = 1000.0 * (double)r->dur_s;
    out->memory_mb = NAN;
    return true;
}

static void az21_fini(wl_source *src)
{
    free(((az21_source *)src)->recs);
}

static const wl_source_vt k_az21_vt = { az21_next, az21_fini };

sim_status wl_az21_source_open(wl_source **out, const char *path, sim_error *err)
{
    *out = NULL;
    az21_source *s = sim_xcalloc(1, sizeof *s);
    char label[600];
    snprintf(label, sizeof label, "azure2021:%s", path);
    wl_source_base_init(&s->base, &k_az21_vt, label);
    wl_rows r;
    sim_status st = wl_rows_open(&r, path, err);
    if (st != SIM_OK) {
        wl_source_destroy(&s->base);
        return st;
    }
    st = read_header(&r, "app,func,end_timestamp,duration", err);
    long c_app = -1, c_fn = -1, c_end = -1, c_dur = -1;
    size_t ncols = r.nfields, cap = 0;
    if (st == SIM_OK) st = need_col(&r, "app", &c_app, err);
    if (st == SIM_OK) st = need_col(&r, "func", &c_fn, err);
    if (st == SIM_OK) st = need_col(&r, "end_timestamp", &c_end, err);
    if (st == SIM_OK) st = need_col(&r, "duration", &c_dur, err);
    bool got = true;
    while (st == SIM_OK) {
        st = wl_rows_next(&r, &got, err);
        if (st != SIM_OK || !got) break;
        double end = 0, dur = 0;
        st = row_width(&r, ncols, err);
        if (st == SIM_OK) st = field_number(&r, c_end, "end_timestamp", &end, err);
        if (st == SIM_OK) st = field_number(&r, c_dur, "duration", &dur, err);
        if (st != SIM_OK) break;
        char key[1024];
        size_t kl = join_key(key, sizeof key, wl_rows_field(&r, (size_t)c_app),
                             wl_rows_field(&r, (size_t)c_fn));
        if (s->n == cap) {
            cap = cap ? 2 * cap : 4096;
            s->recs = sim_xrealloc(s->recs, cap * sizeof *s->recs);
        }
        /* A start before the trace's origin (end < duration) is clamped to 0. */
        double start = end - dur;
        s->recs[s->n++] = (az21_rec){ start > 0 ? start : 0.0, (float)dur,
                                      wl_names_intern(&s->base.names, key, kl) };
    }
    wl_rows_close(&r);
    if (st != SIM_OK) {
        wl_source_destroy(&s->base);
        return st;
    }
    if (s->n) qsort(s->recs, s->n, sizeof *s->recs, cmp_rec);
    *out = &s->base;
    return SIM_OK;
}
