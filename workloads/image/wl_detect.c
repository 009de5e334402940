/* wl_detect.c - Viola-Jones cascade evaluation over a scale pyramid.
 *
 * The method follows OpenCV's CascadeClassifier::detectMultiScale (4.x) so
 * that the trained cascades behave as they were trained to:
 *  - RGB -> gray with BT.601 fixed-point weights (cvtColor's 4899/9617/1868 >> 14);
 *  - scale factors 1, f, f^2, ... while the scaled window fits the image and
 *    max_size; levels whose window is under min_size are skipped;
 *  - each level is the *image* scaled down by bilinear interpolation (pixel
 *    centres aligned, 11-bit weights, like INTER_LINEAR_EXACT), and the
 *    window stays at the cascade's trained size.  We scale the image rather
 *    than the features because the features then keep their exact integer
 *    rectangles and weights: scaling features would round rectangle corners
 *    and need OpenCV 1.x's weight corrections, and results drift from what
 *    the cascade was trained on.  It also means feature offsets depend only
 *    on the integral image's row stride, which is the same for every level
 *    (the buffers are sized for the largest level), so they are compiled
 *    once per image width and reused at every level and every run;
 *  - integral images modulo 2^32 (sum, squared sum, and the 45-degree
 *    rotated sum when a Haar cascade has tilted features): window sums are
 *    differences, exact in unsigned arithmetic even when the totals wrap;
 *  - Haar windows are normalised by the pixel standard deviation over the
 *    window minus a 1-pixel border, and windows with a standard deviation of
 *    10 or less are rejected outright (HaarEvaluator::setWindow);
 *  - window step 2 below scale 2 and 1 from there, plus OpenCV's extra skip
 *    after a window that fails the first stage;
 *  - stages evaluated in order with early rejection; stump cascades have a
 *    fast path, trees (eye_tree_eyeglasses) a general one;
 *  - hits grouped as groupRectangles(eps 0.2, min_neighbors): union-find on
 *    "similar" rectangles, class means, classes with <= min_neighbors hits
 *    dropped, small classes inside bigger, stronger ones dropped.
 *
 * Threads: levels are independent, so they are shared among OpenMP threads
 * (dynamic schedule, largest level first); each thread has its own
 * workspace (level image, integral images, hit list).  Hits are sorted by
 * (level, y, x) before grouping, so the boxes do not depend on the thread
 * count.  Memory: per thread about 9 bytes per pixel of the input (13 with
 * tilted features), allocated on the first run and reused; so no more
 * threads are used than there are levels or processors.
 */
#include "workloads/image/wl_detect_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#define WL__COEF_BITS 11
#define WL__COEF_ONE (1 << WL__COEF_BITS)

typedef struct level {
    float scale;
    int w, h;          /* scaled image size */
    int win_w, win_h;  /* window size in input pixels */
    int step;
    int xtab;          /* index of this level's column table in d->xofs/xalpha */
} level;

typedef struct haar_feat {
    int ofs[3][4];
    float w[3];
    int tilted;
} haar_feat;

typedef struct lbp_feat {
    int ofs[16];
} lbp_feat;

/* A Haar stump with its feature inlined, in cascade order: the stump fast
 * path then streams through one array instead of chasing weak -> node ->
 * feature -> leaves (OpenCV's Stump + OptFeature, fused). */
typedef struct haar_stump {
    int ofs[3][4];
    float w[3];
    float threshold;
    float leaf[2];
    int tilted;
} haar_stump;

typedef struct lbp_stump {
    int ofs[16];
    uint32_t subset[8];
    float leaf[2];
} lbp_stump;

typedef struct hit {
    int lvl, x, y;
} hit;

typedef struct workspace {
    uint8_t *img;          /* the level image, packed at the level width */
    int32_t *hrow[2];      /* horizontally resampled source rows */
    uint32_t *sum, *sq, *tilt;
    uint32_t *tscratch;
    hit *hits;
    size_t nhits, cap;
    int aw, ah;            /* the input size the buffers are allocated for */
} workspace;

struct wl_detector {
    const wl_cascade *c;
    wl_detect_params p;
    int nthreads;
    /* geometry the plan was made for */
    int W, H, stride;
    level *levels;
    int nlevels, levels_cap;
    int *xofs;
    int *xalpha;
    size_t xtab_cap;
    /* features compiled for `stride` */
    haar_feat *hf;
    lbp_feat *lf;
    haar_stump *hs;        /* stump cascades: one per weak classifier */
    lbp_stump *ls;
    int nofs[4];
    float norm_area;
    uint8_t *gray;
    size_t gray_cap;
    workspace *ws;
    hit *all;
    size_t nall, all_cap;
    int *labels;
    double *acc;           /* per class: x, y, w, h sums */
    int *count;
    wl_box *rects;         /* hit rectangles, then class means */
    size_t grp_cap;
    wl_box *boxes;
    size_t nboxes, box_cap;
};

void wl_detect_params_default(wl_detect_params *p)
{
    p->scale_factor = 1.1;
    p->min_neighbors = 3;
    p->min_size = 0;
    p->max_size = 0;
    p->threads = 1;
}

wl_detector *wl_detector_create(const wl_cascade *c, const wl_detect_params *p)
{
    SIM_ASSERT(c != NULL);
    wl_detector *d = sim_xcalloc(1, sizeof *d);
    d->c = c;
    if (p)
        d->p = *p;
    else
        wl_detect_params_default(&d->p);
    SIM_ASSERT(d->p.scale_factor > 1.0);
    d->nthreads = d->p.threads > 0 ? d->p.threads : 1;
    d->ws = sim_xcalloc((size_t)d->nthreads, sizeof *d->ws);
    return d;
}

static void ws_free(workspace *w)
{
    free(w->img);
    free(w->hrow[0]);
    free(w->hrow[1]);
    free(w->sum);
    free(w->sq);
    free(w->tilt);
    free(w->tscratch);
    free(w->hits);
}

void wl_detector_destroy(wl_detector *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->nthreads; i++)
        ws_free(&d->ws[i]);
    free(d->ws);
    free(d->levels);
    free(d->xofs);
    free(d->xalpha);
    free(d->hf);
    free(d->hs);
    free(d->ls);
    free(d->lf);
    free(d->gray);
    free(d->all);
    free(d->labels);
    free(d->acc);
    free(d->count);
    free(d->rects);
    free(d->boxes);
    free(d);
}

/* ---- planning ------------------------------------------------------------ */

static void compile_features(wl_detector *d)
{
    const wl_cascade *c = d->c;
    int st = d->stride;
    if (c->lbp) {
        d->lf = sim_xrealloc(d->lf, sizeof *d->lf * (size_t)(c->nfeatures ? c->nfeatures : 1));
        for (int i = 0; i < c->nfeatures; i++) {
            const wl__rect *r = &c->features[i].r[0];
            for (int gy = 0; gy < 4; gy++)
                for (int gx = 0; gx < 4; gx++)
                    d->lf[i].ofs[gy * 4 + gx] = (r->y + gy * r->h) * st + r->x + gx * r->w;
        }
        if (c->stumps && c->subset_size == 8) {
            d->ls = sim_xrealloc(d->ls, sizeof *d->ls * (size_t)c->nweak);
            for (int k = 0; k < c->nweak; k++) {
                const wl__weak *wk = &c->weaks[k];
                const wl__node *nd = &c->nodes[wk->node0];
                lbp_stump *t = &d->ls[k];
                memcpy(t->ofs, d->lf[nd->feature].ofs, sizeof t->ofs);
                for (int m = 0; m < 8; m++)
                    t->subset[m] = (uint32_t)c->subsets[(size_t)wk->node0 * 8 + (size_t)m];
                /* bit set -> left child; a stump's children are leaves 0 and 1
                 * in either order (left/right are <= 0). */
                t->leaf[1] = c->leaves[wk->leaf0 - nd->left];
                t->leaf[0] = c->leaves[wk->leaf0 - nd->right];
            }
        }
        return;
    }
    d->hf = sim_xrealloc(d->hf, sizeof *d->hf * (size_t)(c->nfeatures ? c->nfeatures : 1));
    for (int i = 0; i < c->nfeatures; i++) {
        const wl__feature *f = &c->features[i];
        haar_feat *h = &d->hf[i];
        memset(h, 0, sizeof *h);
        h->tilted = f->tilted;
        for (int k = 0; k < f->nrect; k++) {
            const wl__rect *r = &f->r[k];
            h->w[k] = r->weight;
            if (f->tilted) {
                /* CV_TILTED_OFFSETS: (x,y), (x-h,y+h), (x+w,y+w), (x+w-h,y+w+h) */
                h->ofs[k][0] = r->y * st + r->x;
                h->ofs[k][1] = (r->y + r->h) * st + r->x - r->h;
                h->ofs[k][2] = (r->y + r->w) * st + r->x + r->w;
                h->ofs[k][3] = (r->y + r->w + r->h) * st + r->x + r->w - r->h;
            } else {
                h->ofs[k][0] = r->y * st + r->x;
                h->ofs[k][1] = r->y * st + r->x + r->w;
                h->ofs[k][2] = (r->y + r->h) * st + r->x;
                h->ofs[k][3] = (r->y + r->h) * st + r->x + r->w;
            }
        }
        /* An unused third rectangle has weight 0 and offsets 0. */
    }
    if (c->stumps) {
        d->hs = sim_xrealloc(d->hs, sizeof *d->hs * (size_t)c->nweak);
        for (int k = 0; k < c->nweak; k++) {
            const wl__weak *wk = &c->weaks[k];
            const wl__node *nd = &c->nodes[wk->node0];
            const haar_feat *h = &d->hf[nd->feature];
            haar_stump *t = &d->hs[k];
            memcpy(t->ofs, h->ofs, sizeof t->ofs);
            memcpy(t->w, h->w, sizeof t->w);
            t->tilted = h->tilted;
            t->threshold = nd->threshold;
            t->leaf[0] = c->leaves[wk->leaf0 - nd->left];
            t->leaf[1] = c->leaves[wk->leaf0 - nd->right];
        }
    }
    /* normrect = (1, 1, win_w - 2, win_h - 2) */
    int ww = c->win_w, wh = c->win_h;
    d->nofs[0] = st + 1;
    d->nofs[1] = st + ww - 1;
    d->nofs[2] = (wh - 1) * st + 1;
    d->nofs[3] = (wh - 1) * st + ww - 1;
    d->norm_area = (float)((ww - 2) * (wh - 2));
}

static int iround(double v)
{
    return (int)lrint(v);
}

/* Levels and their bilinear column tables for a W x H input. */
static void plan_geometry(wl_detector *d, int W, int H)
{
    const wl_cascade *c = d->c;
    int maxw = d->p.max_size > 0 ? d->p.max_size : W;
    int maxh = d->p.max_size > 0 ? d->p.max_size : H;
    d->nlevels = 0;
    size_t xt = 0;
    for (double factor = 1.0;; factor *= d->p.scale_factor) {
        int ww = iround(c->win_w * factor), wh = iround(c->win_h * factor);
        if (ww > maxw || wh > maxh || ww > W || wh > H)
            break;
        if (ww < d->p.min_size || wh < d->p.min_size)
            continue;
        float s = (float)factor;
        int lw = iround(W / (double)s), lh = iround(H / (double)s);
        if (lw < c->win_w || lh < c->win_h)
            break;
        if (d->nlevels == d->levels_cap) {
            d->levels_cap = d->levels_cap ? 2 * d->levels_cap : 32;
            d->levels = sim_xrealloc(d->levels, sizeof *d->levels * (size_t)d->levels_cap);
        }
        level *L = &d->levels[d->nlevels++];
        L->scale = s;
        L->w = lw;
        L->h = lh;
        /* int * float in float, then rounded, as OpenCV computes it. */
        L->win_w = iround((float)c->win_w * s);
        L->win_h = iround((float)c->win_h * s);
        L->step = s >= 2.0f ? 1 : 2;
        L->xtab = (int)xt;
        xt += (size_t)lw;
    }
    if (xt > d->xtab_cap) {
        d->xtab_cap = xt;
        d->xofs = sim_xrealloc(d->xofs, sizeof *d->xofs * xt);
        d->xalpha = sim_xrealloc(d->xalpha, sizeof *d->xalpha * xt);
    }
    for (int i = 0; i < d->nlevels; i++) {
        const level *L = &d->levels[i];
        double sx = (double)W / L->w;
        for (int x = 0; x < L->w; x++) {
            double fx = (x + 0.5) * sx - 0.5;
            int ix = (int)floor(fx);
            fx -= ix;
            if (ix < 0) {
                ix = 0;
                fx = 0;
            }
            if (ix >= W - 1) {
                ix = W - 1;
                fx = 0;
            }
            d->xofs[L->xtab + x] = ix;
            d->xalpha[L->xtab + x] = iround(fx * WL__COEF_ONE);
        }
    }
    d->W = W;
    d->H = H;
    d->stride = W + 1;
    /* Offsets reach win_h rows down; with no level the window does not fit
     * and they could overflow an int, and would be unused anyway. */
    if (d->nlevels > 0)
        compile_features(d);
}

/* Grow a workspace to hold level 0 of a W x H input (level 0 is the
 * largest).  Width and height grow separately: a wider image may have fewer
 * pixels, and the row buffers follow the width. */
static void ws_reserve(const wl_cascade *c, workspace *w, int W, int H)
{
    if (W <= w->aw && H <= w->ah)
        return;
    int aw = W > w->aw ? W : w->aw, ah = H > w->ah ? H : w->ah;
    size_t pix = (size_t)(aw + 1) * (size_t)(ah + 1);
    w->img = sim_xrealloc(w->img, (size_t)aw * (size_t)ah);
    w->hrow[0] = sim_xrealloc(w->hrow[0], sizeof(int32_t) * (size_t)aw);
    w->hrow[1] = sim_xrealloc(w->hrow[1], sizeof(int32_t) * (size_t)aw);
    w->sum = sim_xrealloc(w->sum, sizeof(uint32_t) * pix);
    if (!c->lbp)
        w->sq = sim_xrealloc(w->sq, sizeof(uint32_t) * pix);
    if (c->any_tilted) {
        w->tilt = sim_xrealloc(w->tilt, sizeof(uint32_t) * pix);
        w->tscratch = sim_xrealloc(w->tscratch, sizeof(uint32_t) * 3 * (size_t)(aw + ah + 4));
    }
    w->aw = aw;
    w->ah = ah;
}

/* ---- per level: resize, integrals ---------------------------------------- */

static void hresample(const uint8_t *src, int W, const int *xofs, const int *xa, int n,
                      int32_t *dst)
{
    for (int x = 0; x < n; x++) {
        int ix = xofs[x], a = xa[x];
        int nx = ix + 1 < W ? ix + 1 : ix;
        dst[x] = src[ix] * (WL__COEF_ONE - a) + src[nx] * a;
    }
}

/* Bilinear downscale of the gray input into w->img (packed at width L->w). */
static void level_resize(const wl_detector *d, const level *L, workspace *w)
{
    int W = d->W, H = d->H;
    const int *xofs = d->xofs + L->xtab, *xa = d->xalpha + L->xtab;
    double sy = (double)H / L->h;
    int have[2] = {-1, -1};
    for (int y = 0; y < L->h; y++) {
        double fy = (y + 0.5) * sy - 0.5;
        int iy = (int)floor(fy);
        fy -= iy;
        if (iy < 0) {
            iy = 0;
            fy = 0;
        }
        if (iy >= H - 1) {
            iy = H - 1;
            fy = 0;
        }
        int b = iround(fy * WL__COEF_ONE);
        int ny = iy + 1 < H ? iy + 1 : iy;
        /* Keep the two horizontally resampled rows; shrinking reuses them. */
        if (have[0] != iy) {
            if (have[1] == iy) {
                int32_t *t = w->hrow[0];
                w->hrow[0] = w->hrow[1];
                w->hrow[1] = t;
                have[0] = iy;
                have[1] = -1;
            } else {
                hresample(d->gray + (size_t)iy * (size_t)W, W, xofs, xa, L->w, w->hrow[0]);
                have[0] = iy;
            }
        }
        if (have[1] != ny) {
            hresample(d->gray + (size_t)ny * (size_t)W, W, xofs, xa, L->w, w->hrow[1]);
            have[1] = ny;
        }
        const int32_t *r0 = w->hrow[0], *r1 = w->hrow[1];
        uint8_t *out = w->img + (size_t)y * (size_t)L->w;
        int b0 = WL__COEF_ONE - b;
        for (int x = 0; x < L->w; x++)
            out[x] = (uint8_t)((r0[x] * b0 + r1[x] * b + (1 << (2 * WL__COEF_BITS - 1))) >>
                               (2 * WL__COEF_BITS));
    }
}

static void level_integrals(const wl_detector *d, const uint8_t *img, int w, int h,
                            int img_stride, workspace *ws)
{
    int st = d->stride;
    uint32_t *sum = ws->sum, *sq = ws->sq;
    memset(sum, 0, sizeof *sum * (size_t)(w + 1));
    if (sq)
        memset(sq, 0, sizeof *sq * (size_t)(w + 1));
    for (int y = 0; y < h; y++) {
        const uint8_t *src = img + (size_t)y * (size_t)img_stride;
        uint32_t *s0 = sum + (size_t)y * (size_t)st, *s1 = s0 + st;
        s1[0] = 0;
        uint32_t run = 0;
        if (sq) {
            uint32_t *q0 = sq + (size_t)y * (size_t)st, *q1 = q0 + st;
            q1[0] = 0;
            uint32_t qrun = 0;
            for (int x = 0; x < w; x++) {
                uint32_t v = src[x];
                run += v;
                qrun += v * v;
                s1[x + 1] = s0[x + 1] + run;
                q1[x + 1] = q0[x + 1] + qrun;
            }
        } else {
            for (int x = 0; x < w; x++) {
                run += src[x];
                s1[x + 1] = s0[x + 1] + run;
            }
        }
    }
    if (ws->tilt)
        wl__tilted_integral(img, w, h, img_stride, ws->tilt, st, ws->tscratch);
}

void wl__tilted_integral(const uint8_t *img, int w, int h, int img_stride,
                         uint32_t *t, int stride, uint32_t *scratch)
{
    /* T(X,Y) = sum over rows y < Y of the row segment
     * [X-Y+y, X+Y-2-y] = P(y, X+Y-2-y) - P(y, X-Y-1+y), with P(y,k) the
     * prefix sum of row y up to column k (clamped).  Accumulate the two
     * diagonal families A(c) = sum_y P(y, c-y) and B(e) = sum_y P(y, e+y)
     * row by row; then T(X,Y) = A(X+Y-2) - B(X-Y-1). */
    int n = w + h + 4;
    uint32_t *A = scratch, *B = scratch + n, *P = scratch + 2 * n;
    memset(A, 0, sizeof *A * (size_t)n);
    memset(B, 0, sizeof *B * (size_t)n);
    const int aoff = 2, boff = h + 1; /* c >= -2, e >= -h-1 */
    memset(t, 0, sizeof *t * (size_t)(w + 1));
    for (int Y = 1; Y <= h; Y++) {
        int y = Y - 1;
        const uint8_t *src = img + (size_t)y * (size_t)img_stride;
        uint32_t run = 0;
        for (int x = 0; x < w; x++) {
            run += src[x];
            P[x] = run;
        }
        /* c ranges over [-2, w+h-2]; k = c - y clamped to [-1, w-1]. */
        for (int c = -2; c <= w + h - 2; c++) {
            int k = c - y;
            A[c + aoff] += k < 0 ? 0 : P[k < w ? k : w - 1];
        }
        for (int e = -h - 1; e <= w - 1; e++) {
            int k = e + y;
            B[e + boff] += k < 0 ? 0 : P[k < w ? k : w - 1];
        }
        uint32_t *row = t + (size_t)Y * (size_t)stride;
        for (int X = 0; X <= w; X++)
            row[X] = A[X + Y - 2 + aoff] - B[X - Y - 1 + boff];
    }
}

/* ---- window evaluation ---------------------------------------------------- */

static inline int32_t rsum(const uint32_t *p, const int *o)
{
    return (int32_t)(p[o[0]] - p[o[1]] - p[o[2]] + p[o[3]]);
}

static inline float haar_calc(const haar_feat *f, const uint32_t *p, const uint32_t *pt)
{
    const uint32_t *b = f->tilted ? pt : p;
    float v = f->w[0] * (float)rsum(b, f->ofs[0]) + f->w[1] * (float)rsum(b, f->ofs[1]);
    if (f->w[2] != 0.0f)
        v += f->w[2] * (float)rsum(b, f->ofs[2]);
    return v;
}

static inline int lbp_calc(const int *o, const uint32_t *p)
{
#define CELL(a, b, c2, e) ((int32_t)(p[o[a]] - p[o[b]] - p[o[c2]] + p[o[e]]))
    int32_t cv = CELL(5, 6, 9, 10);
    return (CELL(0, 1, 4, 5) >= cv ? 128 : 0) | (CELL(1, 2, 5, 6) >= cv ? 64 : 0) |
           (CELL(2, 3, 6, 7) >= cv ? 32 : 0) | (CELL(6, 7, 10, 11) >= cv ? 16 : 0) |
           (CELL(10, 11, 14, 15) >= cv ? 8 : 0) | (CELL(9, 10, 13, 14) >= cv ? 4 : 0) |
           (CELL(8, 9, 12, 13) >= cv ? 2 : 0) | (CELL(4, 5, 8, 9) >= cv ? 1 : 0);
#undef CELL
}

/* Returns 1 for a detection, 0 when rejected by the first stage, -1 when
 * rejected later or by the variance test (OpenCV's runAt convention, which
 * the scan uses to skip a position after a stage-0 rejection). */
static int eval_window(const wl_detector *d, const workspace *ws, size_t at)
{
    const wl_cascade *c = d->c;
    const uint32_t *p = ws->sum + at;
    if (c->lbp && d->ls) {
        const lbp_stump *t = d->ls;
        for (int si = 0; si < c->nstages; si++) {
            const wl__stage *S = &c->stages[si];
            float acc = 0.0f;
            for (int k = 0; k < S->nweak; k++, t++) {
                int cat = lbp_calc(t->ofs, p);
                acc += t->leaf[(t->subset[cat >> 5] >> (cat & 31)) & 1u];
            }
            if (acc < S->threshold)
                return si == 0 ? 0 : -1;
        }
        return 1;
    }
    if (c->lbp) {
        for (int si = 0; si < c->nstages; si++) {
            const wl__stage *S = &c->stages[si];
            float acc = 0.0f;
            for (int k = 0; k < S->nweak; k++) {
                const wl__weak *wk = &c->weaks[S->weak0 + k];
                int idx = 0;
                for (;;) {
                    int ni = wk->node0 + idx;
                    const wl__node *nd = &c->nodes[ni];
                    int cat = lbp_calc(d->lf[nd->feature].ofs, p);
                    const int32_t *sub = c->subsets + (size_t)ni * (size_t)c->subset_size;
                    idx = ((uint32_t)sub[cat >> 5] >> (cat & 31)) & 1u ? nd->left : nd->right;
                    if (idx <= 0)
                        break;
                }
                acc += c->leaves[wk->leaf0 - idx];
            }
            if (acc < S->threshold)
                return si == 0 ? 0 : -1;
        }
        return 1;
    }
    const uint32_t *pq = ws->sq + at;
    const uint32_t *pt = ws->tilt ? ws->tilt + at : NULL;
    int32_t vs = rsum(p, d->nofs);
    uint32_t vq = pq[d->nofs[0]] - pq[d->nofs[1]] - pq[d->nofs[2]] + pq[d->nofs[3]];
    double area = d->norm_area;
    double nf = area * vq - (double)vs * vs;
    if (nf <= 0.0)
        return -1;
    float vnf = (float)(1.0 / sqrt(nf));
    if (!(area * vnf < 1e-1))
        return -1;
    if (c->stumps && !c->any_tilted) {
        /* The common case (every frontal face cascade): no tilted test. */
        const haar_stump *t = d->hs;
        for (int si = 0; si < c->nstages; si++) {
            const wl__stage *S = &c->stages[si];
            float acc = 0.0f;
            for (int k = 0; k < S->nweak; k++, t++) {
                float v = t->w[0] * (float)rsum(p, t->ofs[0]) +
                          t->w[1] * (float)rsum(p, t->ofs[1]);
                if (t->w[2] != 0.0f)
                    v += t->w[2] * (float)rsum(p, t->ofs[2]);
                acc += t->leaf[v * vnf < t->threshold ? 0 : 1];
            }
            if (acc < S->threshold)
                return si == 0 ? 0 : -1;
        }
        return 1;
    }
    if (c->stumps) {
        const haar_stump *t = d->hs;
        for (int si = 0; si < c->nstages; si++) {
            const wl__stage *S = &c->stages[si];
            float acc = 0.0f;
            for (int k = 0; k < S->nweak; k++, t++) {
                const uint32_t *b = t->tilted ? pt : p;
                /* The branch on a third rectangle beats always summing it
                 * (weight 0, offsets 0): the evaluation is bound by its 8
                 * offset and data loads per rectangle, not by mispredicts
                 * (measured: 20% less CPU time on the photo set). */
                float v = t->w[0] * (float)rsum(b, t->ofs[0]) +
                          t->w[1] * (float)rsum(b, t->ofs[1]);
                if (t->w[2] != 0.0f)
                    v += t->w[2] * (float)rsum(b, t->ofs[2]);
                acc += t->leaf[v * vnf < t->threshold ? 0 : 1];
            }
            if (acc < S->threshold)
                return si == 0 ? 0 : -1;
        }
        return 1;
    }
    for (int si = 0; si < c->nstages; si++) {
        const wl__stage *S = &c->stages[si];
        float acc = 0.0f;
        for (int k = 0; k < S->nweak; k++) {
            const wl__weak *wk = &c->weaks[S->weak0 + k];
            int idx = 0;
            for (;;) {
                const wl__node *nd = &c->nodes[wk->node0 + idx];
                float v = haar_calc(&d->hf[nd->feature], p, pt) * vnf;
                idx = v < nd->threshold ? nd->left : nd->right;
                if (idx <= 0)
                    break;
            }
            acc += c->leaves[wk->leaf0 - idx];
        }
        if (acc < S->threshold)
            return si == 0 ? 0 : -1;
    }
    return 1;
}

static void push_hit(workspace *ws, int lvl, int x, int y)
{
    if (ws->nhits == ws->cap) {
        ws->cap = ws->cap ? 2 * ws->cap : 256;
        ws->hits = sim_xrealloc(ws->hits, sizeof *ws->hits * ws->cap);
    }
    ws->hits[ws->nhits++] = (hit){lvl, x, y};
}

static void scan_level(const wl_detector *d, int li, workspace *ws)
{
    const level *L = &d->levels[li];
    const uint8_t *img;
    int img_stride;
    if (L->w == d->W && L->h == d->H) {
        img = d->gray;
        img_stride = d->W;
    } else {
        level_resize(d, L, ws);
        img = ws->img;
        img_stride = L->w;
    }
    level_integrals(d, img, L->w, L->h, img_stride, ws);
    /* Window positions with x + win_w <= w (OpenCV's working size). */
    int xend = L->w + 1 - d->c->win_w, yend = L->h + 1 - d->c->win_h;
    int step = L->step;
    for (int y = 0; y < yend; y += step) {
        size_t row = (size_t)y * (size_t)d->stride;
        for (int x = 0; x < xend; x += step) {
            int r = eval_window(d, ws, row + (size_t)x);
            if (r > 0)
                push_hit(ws, li, x, y);
            else if (r == 0)
                x += step;
        }
    }
}

/* ---- grouping (groupRectangles) ------------------------------------------- */

static int hit_cmp(const void *a, const void *b)
{
    const hit *p = a, *q = b;
    if (p->lvl != q->lvl)
        return p->lvl < q->lvl ? -1 : 1;
    if (p->y != q->y)
        return p->y < q->y ? -1 : 1;
    return (p->x > q->x) - (p->x < q->x);
}

static int find_root(int *parent, int i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static void push_box(wl_detector *d, wl_box b)
{
    if (d->nboxes == d->box_cap) {
        d->box_cap = d->box_cap ? 2 * d->box_cap : 16;
        d->boxes = sim_xrealloc(d->boxes, sizeof *d->boxes * d->box_cap);
    }
    d->boxes[d->nboxes++] = b;
}

static void group_hits(wl_detector *d)
{
    size_t n = d->nall;
    d->nboxes = 0;
    if (n == 0)
        return;
    if (n > d->grp_cap) {
        d->grp_cap = n;
        d->labels = sim_xrealloc(d->labels, sizeof *d->labels * n * 2);
        d->acc = sim_xrealloc(d->acc, sizeof *d->acc * n * 4);
        d->count = sim_xrealloc(d->count, sizeof *d->count * n);
        d->rects = sim_xrealloc(d->rects, sizeof *d->rects * n);
    }
    /* Rectangles of the hits, in input pixels. */
    wl_box *r = d->rects;
    for (size_t i = 0; i < n; i++) {
        const level *L = &d->levels[d->all[i].lvl];
        r[i] = (wl_box){iround((float)d->all[i].x * L->scale),
                        iround((float)d->all[i].y * L->scale), L->win_w, L->win_h, 1};
    }
    if (d->p.min_neighbors <= 0) {
        for (size_t i = 0; i < n; i++)
            push_box(d, r[i]);
        return;
    }
    const double eps = 0.2;
    int *parent = d->labels, *cls = d->labels + n;
    for (size_t i = 0; i < n; i++)
        parent[i] = (int)i;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            const wl_box *a = &r[i], *b = &r[j];
            double delta = eps * ((a->w < b->w ? a->w : b->w) + (a->h < b->h ? a->h : b->h)) * 0.5;
            if (abs(a->x - b->x) <= delta && abs(a->y - b->y) <= delta &&
                abs(a->x + a->w - b->x - b->w) <= delta &&
                abs(a->y + a->h - b->y - b->h) <= delta) {
                int ra = find_root(parent, (int)i), rb = find_root(parent, (int)j);
                if (ra != rb)
                    parent[ra > rb ? ra : rb] = ra < rb ? ra : rb;
            }
        }
    /* Number classes in order of first member. */
    int ncls = 0;
    for (size_t i = 0; i < n; i++) {
        int root = find_root(parent, (int)i);
        cls[i] = root == (int)i ? ncls++ : -1;
    }
    for (size_t i = 0; i < n; i++)
        if (cls[i] < 0)
            cls[i] = cls[find_root(parent, (int)i)];
    memset(d->acc, 0, sizeof *d->acc * (size_t)ncls * 4);
    memset(d->count, 0, sizeof *d->count * (size_t)ncls);
    for (size_t i = 0; i < n; i++) {
        double *a = d->acc + (size_t)cls[i] * 4;
        a[0] += r[i].x;
        a[1] += r[i].y;
        a[2] += r[i].w;
        a[3] += r[i].h;
        d->count[cls[i]]++;
    }
    /* Class means, reusing r[] for them. */
    for (int k = 0; k < ncls; k++) {
        double s = 1.0 / d->count[k];
        const double *a = d->acc + (size_t)k * 4;
        r[k] = (wl_box){iround(a[0] * s), iround(a[1] * s), iround(a[2] * s),
                        iround(a[3] * s), d->count[k]};
    }
    int thr = d->p.min_neighbors;
    for (int i = 0; i < ncls; i++) {
        const wl_box *r1 = &r[i];
        int n1 = r1->neighbors;
        if (n1 <= thr)
            continue;
        int j;
        for (j = 0; j < ncls; j++) {
            const wl_box *r2 = &r[j];
            int n2 = r2->neighbors;
            if (j == i || n2 <= thr)
                continue;
            int dx = iround(r2->w * eps), dy = iround(r2->h * eps);
            if (r1->x >= r2->x - dx && r1->y >= r2->y - dy &&
                r1->x + r1->w <= r2->x + r2->w + dx && r1->y + r1->h <= r2->y + r2->h + dy &&
                (n2 > (n1 > 3 ? n1 : 3) || n1 < 3))
                break;
        }
        if (j == ncls)
            push_box(d, *r1);
    }
}

/* ---- run -------------------------------------------------------------------- */

static void to_gray(wl_detector *d, const wl_image *img)
{
    size_t need = (size_t)img->width * (size_t)img->height;
    if (need > d->gray_cap) {
        d->gray = sim_xrealloc(d->gray, need);
        d->gray_cap = need;
    }
    for (int y = 0; y < img->height; y++) {
        const uint8_t *s = wl_image_row(img, y);
        uint8_t *o = d->gray + (size_t)y * (size_t)img->width;
        if (img->channels == 1) {
            memcpy(o, s, (size_t)img->width);
            continue;
        }
        int ch = img->channels;
        for (int x = 0; x < img->width; x++, s += ch)
            o[x] = (uint8_t)((s[0] * 4899 + s[1] * 9617 + s[2] * 1868 + (1 << 13)) >> 14);
    }
}

sim_status wl_detect_run(wl_detector *d, const wl_image *img, const wl_box **boxes,
                         size_t *nboxes, sim_error *err)
{
    *boxes = NULL;
    *nboxes = 0;
    if (!img || !img->data || img->width <= 0 || img->height <= 0 ||
        (img->channels != 1 && img->channels != 3 && img->channels != 4) ||
        img->stride < img->width * img->channels)
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "detect: invalid image view");
    if ((long long)img->width * img->height > WL_IMAGE_MAX_PIXELS)
        SIM_FAIL(err, SIM_ERANGE, NULL, 0, NULL, "detect: image over the pixel limit");
    to_gray(d, img);
    if (img->width != d->W || img->height != d->H)
        plan_geometry(d, img->width, img->height);
    for (int t = 0; t < d->nthreads; t++)
        d->ws[t].nhits = 0;

    /* Each thread needs a full set of buffers, so use no more threads than
     * there are levels or processors. */
    int nl = d->nlevels, nt = d->nthreads;
    if (nt > nl)
        nt = nl > 0 ? nl : 1;
#ifdef _OPENMP
    if (nt > omp_get_num_procs())
        nt = omp_get_num_procs();
#endif
    for (int t = 0; t < nt && nl > 0; t++)
        ws_reserve(d->c, &d->ws[t], d->W, d->H);
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (nt > 1)
    for (int li = 0; li < nl; li++) {
#ifdef _OPENMP
        int tid = omp_get_thread_num();
#else
        int tid = 0;
#endif
        scan_level(d, li, &d->ws[tid]);
    }

    size_t total = 0;
    for (int t = 0; t < d->nthreads; t++)
        total += d->ws[t].nhits;
    if (total > d->all_cap) {
        d->all_cap = total;
        d->all = sim_xrealloc(d->all, sizeof *d->all * total);
    }
    d->nall = 0;
    for (int t = 0; t < d->nthreads; t++) {
        if (d->ws[t].nhits)
            memcpy(d->all + d->nall, d->ws[t].hits, sizeof *d->all * d->ws[t].nhits);
        d->nall += d->ws[t].nhits;
    }
    if (d->nall > 1)
        qsort(d->all, d->nall, sizeof *d->all, hit_cmp);
    group_hits(d);
    *boxes = d->boxes;
    *nboxes = d->nboxes;
    return SIM_OK;
}
