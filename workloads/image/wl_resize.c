/* wl_resize.c - fixed-point separable resampling with per-thread scratch.
 *
 * Taps are computed in double precision, renormalised over the pixels that
 * exist, quantised to int16 with 14 fractional bits, and the rounding error
 * is pushed into the largest tap so each set sums to exactly 1 << 14
 * (constant in, constant out).  Every output pixel of an axis gets the same
 * number of taps K (shorter sets are zero-padded and their start shifted so
 * start + K stays inside the image): fixed-length inner loops, no bounds
 * checks in the hot path.
 *
 * Accumulators are int32: 255 * 2^14 * (sum of |taps|, < 2 for Lanczos3)
 * is far below 2^31.  The intermediate row is 8-bit (as in Pillow), which
 * costs well under 0.5 LSB of error and halves memory traffic.
 */
#include "workloads/image/wl_resize.h"
#include "workloads/image/wl_cpu.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define WL__FIX_BITS 14
#define WL__FIX_ONE (1 << WL__FIX_BITS)
#define WL__FIX_HALF (1 << (WL__FIX_BITS - 1))

/* Largest input or output side a plan accepts: far beyond any photo, and
 * small enough that K * side products never overflow an int. */
#define WL__MAX_SIDE 65536

typedef struct wl_axis {
    int n_out;      /* output samples */
    int k;          /* taps per output sample */
    int *start;     /* first input sample of each output sample */
    int16_t *w;     /* n_out * k taps */
} wl_axis;

/* Per-thread scratch: the vertical pass's accumulators and its 8-bit row. */
typedef struct wl_scratch {
    int32_t *acc;
    uint8_t *row;
} wl_scratch;

struct wl_resize_plan {
    wl_resize_params p;
    wl_axis x, y;
    wl_scratch *scratch;   /* p.threads entries */
};

void wl_resize_params_default(wl_resize_params *p)
{
    memset(p, 0, sizeof *p);
    p->filter = WL_FILTER_LANCZOS3;
    p->threads = 1;
}

static double sinc(double x)
{
    if (x == 0.0) return 1.0;
    x *= 3.14159265358979323846;
    return sin(x) / x;
}

static double filter_eval(wl_filter f, double x)
{
    x = fabs(x);
    switch (f) {
    case WL_FILTER_LANCZOS3: return x < 3.0 ? sinc(x) * sinc(x / 3.0) : 0.0;
    case WL_FILTER_BILINEAR: return x < 1.0 ? 1.0 - x : 0.0;
    }
    return 0.0;
}

static double filter_support(wl_filter f)
{
    return f == WL_FILTER_LANCZOS3 ? 3.0 : 1.0;
}

/* Build one axis.  Output sample i is centred at (i + 0.5) * scale in input
 * coordinates where input sample j covers [j, j + 1). */
static void axis_build(wl_axis *a, int in_len, int out_len, wl_filter f)
{
    double scale = (double)in_len / out_len;
    double fscale = scale > 1.0 ? scale : 1.0;   /* antialias only when shrinking */
    double support = filter_support(f) * fscale;
    int k = (int)ceil(support) * 2 + 1;
    if (k > in_len) k = in_len;
    a->n_out = out_len;
    a->k = k;
    a->start = sim_xmalloc((size_t)out_len * sizeof *a->start);
    a->w = sim_xcalloc((size_t)out_len * (size_t)k, sizeof *a->w);
    double *wd = sim_xmalloc((size_t)k * sizeof *wd);
    for (int i = 0; i < out_len; i++) {
        double center = (i + 0.5) * scale;
        int lo = (int)floor(center - support + 0.5);
        int hi = (int)floor(center + support + 0.5);   /* exclusive */
        if (lo < 0) lo = 0;
        if (hi > in_len) hi = in_len;
        if (hi - lo > k) hi = lo + k;
        int start = lo;
        if (start + k > in_len) start = in_len - k;
        double sum = 0.0;
        for (int j = 0; j < k; j++) {
            int src = start + j;
            double v = (src >= lo && src < hi)
                     ? filter_eval(f, (src + 0.5 - center) / fscale) : 0.0;
            wd[j] = v;
            sum += v;
        }
        if (sum == 0.0) {
            /* Cannot happen for these kernels (the nearest sample has weight
             * > 0), but keep the output defined: nearest neighbour. */
            int nearest = (int)floor(center);
            if (nearest >= in_len) nearest = in_len - 1;
            for (int j = 0; j < k; j++) wd[j] = (start + j == nearest);
            sum = 1.0;
        }
        int16_t *wq = a->w + (size_t)i * (size_t)k;
        int qsum = 0, jmax = 0;
        for (int j = 0; j < k; j++) {
            wq[j] = (int16_t)lround(wd[j] / sum * WL__FIX_ONE);
            qsum += wq[j];
            if (wq[j] > wq[jmax]) jmax = j;
        }
        wq[jmax] = (int16_t)(wq[jmax] + (WL__FIX_ONE - qsum));
        a->start[i] = start;
    }
    free(wd);
}

static void axis_free(wl_axis *a)
{
    free(a->start);
    free(a->w);
}

sim_status wl_resize_plan_create(const wl_resize_params *p, wl_resize_plan **out,
                                 sim_error *err)
{
    *out = NULL;
    if (p->in_w < 1 || p->in_h < 1 || p->in_w > WL__MAX_SIDE || p->in_h > WL__MAX_SIDE)
        SIM_FAIL(err, SIM_ERANGE, NULL, 0, NULL, "resize: input size %dx%d out of range 1..%d",
                 p->in_w, p->in_h, WL__MAX_SIDE);
    if (p->out_w < 1 || p->out_h < 1 || p->out_w > WL__MAX_SIDE || p->out_h > WL__MAX_SIDE)
        SIM_FAIL(err, SIM_ERANGE, NULL, 0, NULL, "resize: output size %dx%d out of range 1..%d",
                 p->out_w, p->out_h, WL__MAX_SIDE);
    if ((long long)p->out_w * p->out_h > WL_IMAGE_MAX_PIXELS)
        SIM_FAIL(err, SIM_ERANGE, NULL, 0, NULL,
                 "resize: output of %dx%d pixels is over the %lld-pixel limit",
                 p->out_w, p->out_h, WL_IMAGE_MAX_PIXELS);
    if (p->channels != 1 && p->channels != 3 && p->channels != 4)
        SIM_FAIL(err, SIM_ERANGE, NULL, 0, NULL, "resize: %d channels (want 1, 3 or 4)",
                 p->channels);
    if (p->threads < 1 || p->threads > 1024)
        SIM_FAIL(err, SIM_ERANGE, NULL, 0, NULL, "resize: %d threads (want 1..1024)",
                 p->threads);
    if (p->filter != WL_FILTER_LANCZOS3 && p->filter != WL_FILTER_BILINEAR)
        SIM_FAIL(err, SIM_ERANGE, NULL, 0, NULL, "resize: unknown filter %d", (int)p->filter);
    wl_resize_plan *plan = sim_xcalloc(1, sizeof *plan);
    plan->p = *p;
    axis_build(&plan->x, p->in_w, p->out_w, p->filter);
    axis_build(&plan->y, p->in_h, p->out_h, p->filter);
    size_t row = (size_t)p->in_w * (size_t)p->channels;
    plan->scratch = sim_xcalloc((size_t)p->threads, sizeof *plan->scratch);
    for (int t = 0; t < p->threads; t++) {
        plan->scratch[t].acc = sim_xmalloc(row * sizeof(int32_t));
        plan->scratch[t].row = sim_xmalloc(row);
    }
    *out = plan;
    return SIM_OK;
}

void wl_resize_plan_destroy(wl_resize_plan *plan)
{
    if (!plan) return;
    axis_free(&plan->x);
    axis_free(&plan->y);
    for (int t = 0; t < plan->p.threads; t++) {
        free(plan->scratch[t].acc);
        free(plan->scratch[t].row);
    }
    free(plan->scratch);
    free(plan);
}

void wl_resize_plan_taps(const wl_resize_plan *plan, int *taps_x, int *taps_y)
{
    *taps_x = plan->x.k;
    *taps_y = plan->y.k;
}

static inline uint8_t clamp_fix(int32_t v)
{
    v >>= WL__FIX_BITS;
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* Vertical pass: dst[x] = sum_j w[j] * rows[start + j][x].  Rows are
 * taken two at a time so each accumulator load/store serves two
 * multiply-adds; zero taps (padding, exact-scale axes) are skipped. */
WL_CLONES static void vpass(const wl_image *in, int start, const int16_t *w, int k,
                  int32_t *restrict acc, uint8_t *restrict dst, int n)
{
    for (int x = 0; x < n; x++) acc[x] = WL__FIX_HALF;
    int j = 0;
    while (j < k) {
        if (w[j] == 0) { j++; continue; }
        const uint8_t *restrict r0 = wl_image_row(in, start + j);
        int32_t w0 = w[j];
        if (j + 1 < k && w[j + 1] != 0) {
            const uint8_t *restrict r1 = wl_image_row(in, start + j + 1);
            int32_t w1 = w[j + 1];
#pragma omp simd
            for (int x = 0; x < n; x++)
                acc[x] += w0 * (int32_t)r0[x] + w1 * (int32_t)r1[x];
            j += 2;
        } else {
#pragma omp simd
            for (int x = 0; x < n; x++)
                acc[x] += w0 * (int32_t)r0[x];
            j += 1;
        }
    }
#pragma omp simd
    for (int x = 0; x < n; x++) {
        int32_t v = acc[x] >> WL__FIX_BITS;
        dst[x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

/* Horizontal pass, specialised per channel count so the per-pixel loop
 * keeps its accumulators in registers. */
WL_CLONES static void hpass1(const wl_axis *a, const uint8_t *restrict src, uint8_t *restrict dst)
{
    const int k = a->k;
    for (int i = 0; i < a->n_out; i++) {
        const uint8_t *s = src + a->start[i];
        const int16_t *w = a->w + (size_t)i * (size_t)k;
        int32_t acc = WL__FIX_HALF;
        for (int j = 0; j < k; j++) acc += w[j] * (int32_t)s[j];
        dst[i] = clamp_fix(acc);
    }
}

WL_CLONES static void hpass3(const wl_axis *a, const uint8_t *restrict src, uint8_t *restrict dst)
{
    const int k = a->k;
    for (int i = 0; i < a->n_out; i++) {
        const uint8_t *s = src + 3 * a->start[i];
        const int16_t *w = a->w + (size_t)i * (size_t)k;
        int32_t r = WL__FIX_HALF, g = WL__FIX_HALF, b = WL__FIX_HALF;
        for (int j = 0; j < k; j++) {
            int32_t wj = w[j];
            r += wj * s[3 * j];
            g += wj * s[3 * j + 1];
            b += wj * s[3 * j + 2];
        }
        dst[3 * i] = clamp_fix(r);
        dst[3 * i + 1] = clamp_fix(g);
        dst[3 * i + 2] = clamp_fix(b);
    }
}

static void hpass4(const wl_axis *a, const uint8_t *restrict src, uint8_t *restrict dst)
{
    const int k = a->k;
    for (int i = 0; i < a->n_out; i++) {
        const uint8_t *s = src + 4 * a->start[i];
        const int16_t *w = a->w + (size_t)i * (size_t)k;
        int32_t acc[4] = { WL__FIX_HALF, WL__FIX_HALF, WL__FIX_HALF, WL__FIX_HALF };
        for (int j = 0; j < k; j++)
            for (int c = 0; c < 4; c++) acc[c] += w[j] * (int32_t)s[4 * j + c];
        for (int c = 0; c < 4; c++) dst[4 * i + c] = clamp_fix(acc[c]);
    }
}

static void check_views(const wl_resize_params *p, const wl_image *in, const wl_image *out)
{
    SIM_ASSERT(in && out && in->data && out->data);
    SIM_ASSERT(in->width == p->in_w && in->height == p->in_h && in->channels == p->channels);
    SIM_ASSERT(out->width == p->out_w && out->height == p->out_h &&
               out->channels == p->channels);
    SIM_ASSERT(in->stride >= in->width * in->channels &&
               out->stride >= out->width * out->channels);
}

/* One output row: vertical pass into ws->row, horizontal pass into out. */
static void run_row(const wl_resize_plan *plan, const wl_image *in, wl_image *out, int y,
                    int32_t *acc, uint8_t *row)
{
    const wl_axis *ax = &plan->x, *ay = &plan->y;
    vpass(in, ay->start[y], ay->w + (size_t)y * (size_t)ay->k, ay->k, acc, row,
          plan->p.in_w * plan->p.channels);
    uint8_t *dst = wl_image_row(out, y);
    switch (plan->p.channels) {
    case 3: hpass3(ax, row, dst); break;
    case 1: hpass1(ax, row, dst); break;
    default: hpass4(ax, row, dst); break;
    }
}

void wl_resize_run(wl_resize_plan *plan, const wl_image *in, wl_image *out)
{
    const wl_resize_params *p = &plan->p;
    check_views(p, in, out);
    const int n_out = plan->y.n_out;
    wl_scratch *scratch = plan->scratch;
#pragma omp parallel num_threads(p->threads) if (p->threads > 1)
    {
        wl_scratch *ws = &scratch[omp_get_thread_num()];
#pragma omp for schedule(static)
        for (int y = 0; y < n_out; y++) run_row(plan, in, out, y, ws->acc, ws->row);
    }
}

size_t wl_resize_scratch_bytes(const wl_resize_plan *plan)
{
    size_t row = (size_t)plan->p.in_w * (size_t)plan->p.channels;
    return row * sizeof(int32_t) + row;
}

void wl_resize_run_rows(const wl_resize_plan *plan, const wl_image *in, wl_image *out,
                        int y0, int y1, void *scratch)
{
    check_views(&plan->p, in, out);
    SIM_ASSERT(scratch && (uintptr_t)scratch % _Alignof(int32_t) == 0);
    SIM_ASSERT(0 <= y0 && y0 <= y1 && y1 <= plan->p.out_h);
    size_t row = (size_t)plan->p.in_w * (size_t)plan->p.channels;
    int32_t *acc = scratch;   /* the accumulators, then the 8-bit row */
    uint8_t *rowbuf = (uint8_t *)scratch + row * sizeof(int32_t);
    for (int y = y0; y < y1; y++) run_row(plan, in, out, y, acc, rowbuf);
}

sim_status wl_filter_parse(const char *s, wl_filter *out, sim_error *err)
{
    if (strcmp(s, "lanczos3") == 0) *out = WL_FILTER_LANCZOS3;
    else if (strcmp(s, "bilinear") == 0) *out = WL_FILTER_BILINEAR;
    else SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL,
                  "unknown filter '%s' (want lanczos3 or bilinear)", s);
    return SIM_OK;
}

const char *wl_filter_name(wl_filter f)
{
    return f == WL_FILTER_BILINEAR ? "bilinear" : "lanczos3";
}
