/* rpt_chart.c - line and bar charts on GNU libplot (SVG or PNG).
 *
 * Every chart is laid out in user coordinates of width_px x height_px
 * (y up), so one pixel of the SVG equals one user unit and font sizes are
 * in pixels in both formats.  The frame (title, legend rows, axes with
 * 1-2-5 ticks, light grid lines, axis labels) is shared; the legend sits
 * in rows under the title, so it never covers data.  Bands are drawn
 * before any line, in a light tint of the series colour (libplot has no
 * alpha), so every line stays visible over every band.  The plotter writes
 * into a sim_atomic temp file that is renamed only once the plotter has
 * been closed and flushed.
 */
#include "reports/chart/rpt_chart.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reports/chart/rpt_plot.h"
#include "sim/sim_io.h"
#include "workloads/image/wl_image.h"

/* Okabe-Ito-like colours, readable for colour-blind readers, 16-bit RGB. */
static const unsigned short k_palette[][3] = {
    { 0x0000, 0x7272, 0xb2b2 }, /* blue */
    { 0xe6e6, 0x9f9f, 0x0000 }, /* orange */
    { 0x0000, 0x9e9e, 0x7373 }, /* green */
    { 0xcccc, 0x7979, 0xa7a7 }, /* purple */
    { 0xd5d5, 0x5e5e, 0x0000 }, /* vermilion */
    { 0x5656, 0xb4b4, 0xe9e9 }, /* sky */
    { 0x8080, 0x8080, 0x8080 }, /* grey */
    { 0xf0f0, 0xe4e4, 0x4242 }, /* yellow */
};
#define NPAL ((int)(sizeof k_palette / sizeof k_palette[0]))

enum { FONT_TITLE = 17, FONT_LABEL = 14, FONT_TICK = 12, FONT_LEGEND = 13 };

typedef struct frame {
    rpt_plot pl;
    double w, h;                 /* user space = pixels */
    double left, right, bottom, top;  /* plot area */
    double x0, x1, y0, y1;       /* data ranges (log10 for a log x) */
    double xstep, ystep;
    bool xlog;
    const char *path;
    bool png;                    /* PNM drawn into mem, encoded at close */
    FILE *memfp;
    char *mem;
    size_t memlen;
} frame;

static void set_colour(const rpt_plot *pl, int i, bool fill, double tint)
{
    const unsigned short *c = k_palette[i % NPAL];
    int rgb[3];
    for (int k = 0; k < 3; k++)  /* tint: blend towards white */
        rgb[k] = (int)(c[k] + (65535 - c[k]) * tint);
    if (fill) rpt_pl_fillcolor(pl, rgb[0], rgb[1], rgb[2]);
    else rpt_pl_pencolor(pl, rgb[0], rgb[1], rgb[2]);
}

/* libplot's SVG driver ignores the named line modes; an explicit dash
 * array comes out as stroke-dasharray. */
static void set_dash(const rpt_plot *pl, bool dashed)
{
    static const double dash[2] = { 7, 5 };
    if (dashed) rpt_pl_flinedash(pl, 2, dash, 0);
    else rpt_pl_linemod(pl, "solid");
}

/* A 1-2-5 step that splits `range` into about `target` intervals. */
static double nice_step(double range, int target)
{
    if (!(range > 0)) return 1;
    double raw = range / target, mag = pow(10, floor(log10(raw))), r = raw / mag;
    return (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
}

static void fmt_num(char *buf, size_t n, double v, double step)
{
    if (fabs(v) < step * 1e-9) v = 0;  /* no "-0" */
    double a = fabs(v);
    if (v != 0 && (a >= 1e6 || a < 1e-3)) {
        snprintf(buf, n, "%.3g", v);
        return;
    }
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (dec > 6) dec = 6;
    snprintf(buf, n, "%.*f", dec, v);
}

static double map_x(const frame *f, double x)
{
    double v = f->xlog ? log10(x) : x;
    double t = (v - f->x0) / (f->x1 - f->x0);
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    return f->left + t * (f->right - f->left);
}

static double map_y(const frame *f, double y)
{
    double t = (y - f->y0) / (f->y1 - f->y0);
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    return f->bottom + t * (f->top - f->bottom);
}

/* Round a data range out to whole ticks; a flat range gets some room. */
static void nice_range(double *lo, double *hi, double *step, int target, bool round_out)
{
    if (!(*hi > *lo)) {
        double pad = fabs(*lo) > 0 ? fabs(*lo) * 0.1 : 1;
        *lo -= pad;
        *hi += pad;
    }
    *step = nice_step(*hi - *lo, target);
    if (round_out) {
        *lo = floor(*lo / *step + 1e-9) * *step;
        *hi = ceil(*hi / *step - 1e-9) * *step;
    }
}

typedef struct legend_item {
    const char *name;
    int colour;
    bool box;                    /* a filled box (bars) or a line */
    bool dashed;
} legend_item;

static sim_status plot_open(const char *path, const rpt_chart_spec *spec, sim_atomic *a,
                            frame *f, sim_error *err)
{
    memset(f, 0, sizeof *f);
    f->w = spec->width_px > 0 ? spec->width_px : 800;
    f->h = spec->height_px > 0 ? spec->height_px : 480;
    f->path = path;
    f->png = spec->format == RPT_CHART_PNG;
    char size[128];
    FILE *out;
    if (f->png) {
        /* libplot's own PNG driver leaks libpng structures; draw a PNM in
         * memory and encode it with wl_image (libpng, atomic write). */
        snprintf(size, sizeof size, "%dx%d", (int)f->w, (int)f->h);
        f->memfp = out = open_memstream(&f->mem, &f->memlen);
        if (!out) SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "cannot open a memory stream");
    } else {
        SIM_TRY(sim_atomic_open(a, path, err));
        /* 96 px per inch, the CSS pixel. */
        snprintf(size, sizeof size, "letter,xsize=%.4fin,ysize=%.4fin", f->w / 96, f->h / 96);
        out = a->fp;
    }
    const char *params[] = { f->png ? "BITMAPSIZE" : "PAGESIZE", size, "BG_COLOR", "white", NULL };
    sim_status st = rpt_plot_open(&f->pl, f->png ? "pnm" : "svg", out, params, path, err);
    if (st != SIM_OK) {
        if (f->png) {
            fclose(f->memfp);
            free(f->mem);
        } else {
            sim_atomic_abort(a);
        }
        return st;
    }
    rpt_pl_fspace(&f->pl, 0, 0, f->w, f->h);
    rpt_pl_erase(&f->pl);
    /* Bitmap plotters only have the vector Hershey fonts. */
    rpt_pl_fontname(&f->pl, f->png ? "HersheySans" : "Helvetica");
    rpt_pl_joinmod(&f->pl, "round");
    rpt_pl_capmod(&f->pl, "round");
    return SIM_OK;
}

/* The binary PPM libplot wrote: "P6", width, height, maxval (comments
 * allowed between), one whitespace, then RGB bytes. */
static sim_status ppm_to_png(const frame *f, sim_error *err)
{
    const char *p = f->mem, *end = f->mem + f->memlen;
    long v[3];
    if (f->memlen < 2 || p[0] != 'P' || p[1] != '6')
        SIM_FAIL(err, SIM_EFORMAT, f->path, 0, NULL, "libplot wrote no binary PPM");
    p += 2;
    for (int k = 0; k < 3; k++) {
        while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t' || *p == '#')) {
            if (*p == '#') while (p < end && *p != '\n') p++;
            else p++;
        }
        char *q;
        v[k] = p < end ? strtol(p, &q, 10) : 0;
        if (p >= end || q == p) SIM_FAIL(err, SIM_EFORMAT, f->path, 0, NULL, "bad PPM header");
        p = q;
    }
    p++;
    if (v[2] != 255 || v[0] <= 0 || v[1] <= 0 || end - p < (ptrdiff_t)(v[0] * v[1] * 3))
        SIM_FAIL(err, SIM_EFORMAT, f->path, 0, NULL, "unexpected PPM %ldx%ld max %ld", v[0], v[1], v[2]);
    wl_image img = { .data = (uint8_t *)(uintptr_t)p, .width = (int)v[0], .height = (int)v[1],
                     .stride = (int)v[0] * 3, .channels = 3 };
    return wl_image_save(&img, f->path, 90, err);
}

static sim_status plot_close(frame *f, sim_atomic *a, sim_error *err)
{
    rpt_plot_close(&f->pl);   /* flushes the output */
    if (!f->png) return sim_atomic_commit(a, err);
    sim_status st = SIM_OK;
    if (fclose(f->memfp) != 0) st = SIM_ERR(err, SIM_EIO, f->path, 0, NULL, "memory stream failed");
    if (st == SIM_OK) st = ppm_to_png(f, err);
    free(f->mem);
    return st;
}

static void label(const rpt_plot *pl, double x, double y, int size, char hj, char vj, const char *s)
{
    rpt_pl_ffontsize(pl, size);
    rpt_pl_fmove(pl, x, y);
    rpt_pl_alabel(pl, hj, vj, s);
}

/* The title, centred: set smaller until it fits the width, then shortened
 * with "..." (viewers substitute wider fonts for Helvetica: 1.18 leaves
 * room), so the frame never cuts it off. */
static void draw_title(const rpt_plot *pl, double w, double y, const char *title)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", title);
    double room = w - 24;
    int fs = FONT_TITLE;
    for (; fs > 11; fs--) {
        rpt_pl_ffontsize(pl, fs);
        if (1.18 * rpt_pl_flabelwidth(pl, buf) <= room) break;
    }
    rpt_pl_ffontsize(pl, fs);
    for (size_t len = strlen(buf); len > 8 && 1.18 * rpt_pl_flabelwidth(pl, buf) > room; len--)
        memcpy(buf + len - 4, "...", 4);   /* drop one character, keep the ellipsis */
    label(pl, w / 2, y, fs, 'c', 'c', buf);
}

/* Title, then legend rows; returns the y of the plot area's top. */
static double draw_heading(frame *f, const rpt_chart_spec *spec, const legend_item *it, int n)
{
    const rpt_plot *pl = &f->pl;
    rpt_pl_pencolorname(pl, "black");
    double y = f->h - 22;
    if (spec->title && spec->title[0]) draw_title(pl, f->w, y, spec->title);
    y -= 26;
    rpt_pl_ffontsize(pl, FONT_LEGEND);
    /* The legend may take at most a quarter of the height; entries that do
     * not fit are counted in a last "+N more" entry, so the plot keeps its
     * room. */
    int max_rows = (int)(f->h / 4 / 20), row = 1;
    char more[32];
    double x = f->left;
    for (int i = 0; i < n; i++) {
        /* Viewers substitute wider fonts for Helvetica (DejaVu Sans): leave room. */
        double tw = 1.18 * rpt_pl_flabelwidth(pl, it[i].name ? it[i].name : "");
        if (x > f->left && x + 34 + tw > f->w - 10) {
            if (row == max_rows) {
                snprintf(more, sizeof more, "+%d more", n - i);
                rpt_pl_pencolorname(pl, "gray40");
                label(pl, x, y, FONT_LEGEND, 'l', 'c', more);
                break;
            }
            x = f->left;
            y -= 20;
            row++;
        }
        if (it[i].box) {
            set_colour(pl, it[i].colour, true, 0);
            rpt_pl_filltype(pl, 1);
            rpt_pl_pentype(pl, 0);
            rpt_pl_fbox(pl, x, y - 6, x + 18, y + 6);
            rpt_pl_pentype(pl, 1);
            rpt_pl_filltype(pl, 0);
        } else {
            set_colour(pl, it[i].colour, false, 0);
            rpt_pl_flinewidth(pl, 3);
            set_dash(pl, it[i].dashed);
            rpt_pl_fline(pl, x, y, x + 26, y);
            set_dash(pl, false);
        }
        rpt_pl_pencolorname(pl, "black");
        label(pl, x + 32, y, FONT_LEGEND, 'l', 'c', it[i].name ? it[i].name : "");
        x += 32 + tw + 22;
    }
    return n > 0 ? y - 18 : y + 8;
}

static void draw_axes(frame *f, const rpt_chart_spec *spec, bool x_ticks)
{
    const rpt_plot *pl = &f->pl;
    char buf[64];
    rpt_pl_flinewidth(pl, 1);
    /* Grid lines and y ticks. */
    for (double v = ceil(f->y0 / f->ystep - 1e-9) * f->ystep; v <= f->y1 + f->ystep * 1e-9;
         v += f->ystep) {
        double y = map_y(f, v);
        rpt_pl_pencolorname(pl, "gray88");
        rpt_pl_fline(pl, f->left, y, f->right, y);
        rpt_pl_pencolorname(pl, "black");
        rpt_pl_fline(pl, f->left - 5, y, f->left, y);
        fmt_num(buf, sizeof buf, v, f->ystep);
        label(pl, f->left - 8, y, FONT_TICK, 'r', 'c', buf);
    }
    if (x_ticks) {
        if (f->xlog) {
            /* 1-2-5 ticks over short spans, decades only over long ones. */
            bool fine = f->x1 - f->x0 <= 2.5;
            for (int k = (int)floor(f->x0 + 1e-9); k <= (int)ceil(f->x1 - 1e-9); k++) {
                static const double mult[] = { 1, 2, 5 };
                for (int m = 0; m < (fine ? 3 : 1); m++) {
                    double lv = k + log10(mult[m]);
                    if (lv < f->x0 - 1e-9 || lv > f->x1 + 1e-9) continue;
                    double v = pow(10, lv), x = map_x(f, v);
                    rpt_pl_pencolorname(pl, "gray88");
                    rpt_pl_fline(pl, x, f->bottom, x, f->top);
                    rpt_pl_pencolorname(pl, "black");
                    rpt_pl_fline(pl, x, f->bottom - 5, x, f->bottom);
                    fmt_num(buf, sizeof buf, v, v < 1 ? v : 1);
                    label(pl, x, f->bottom - 9, FONT_TICK, 'c', 't', buf);
                }
            }
        } else {
            for (double v = ceil(f->x0 / f->xstep - 1e-9) * f->xstep;
                 v <= f->x1 + f->xstep * 1e-9; v += f->xstep) {
                double x = map_x(f, v);
                rpt_pl_pencolorname(pl, "gray88");
                rpt_pl_fline(pl, x, f->bottom, x, f->top);
                rpt_pl_pencolorname(pl, "black");
                rpt_pl_fline(pl, x, f->bottom - 5, x, f->bottom);
                fmt_num(buf, sizeof buf, v, f->xstep);
                label(pl, x, f->bottom - 9, FONT_TICK, 'c', 't', buf);
            }
        }
    }
    rpt_pl_pencolorname(pl, "black");
    rpt_pl_flinewidth(pl, 1.2);
    rpt_pl_fline(pl, f->left, f->bottom, f->right, f->bottom);
    rpt_pl_fline(pl, f->left, f->bottom, f->left, f->top);
    if (spec->xlabel)
        label(pl, (f->left + f->right) / 2, 14, FONT_LABEL, 'c', 'c', spec->xlabel);
    if (spec->ylabel) {
        rpt_pl_textangle(pl, 90);
        label(pl, 16, (f->bottom + f->top) / 2, FONT_LABEL, 'c', 'c', spec->ylabel);
        rpt_pl_textangle(pl, 0);
    }
}

static int series_colour(const rpt_series *s, int k)
{
    return s[k].colour > 0 ? s[k].colour - 1 : k;
}

static bool finite_pt(const rpt_series *s, size_t i, bool xlog)
{
    return isfinite(s->x[i]) && isfinite(s->y[i]) && (!xlog || s->x[i] > 0);
}

/* The data's ranges (log10 of x on a log axis); false when no point is finite. */
typedef struct ranges { double xl, xh, yl, yh; } ranges;

static bool data_ranges(const rpt_series *s, int ns, bool xlog, ranges *r)
{
    *r = (ranges){ INFINITY, -INFINITY, INFINITY, -INFINITY };
    for (int k = 0; k < ns; k++) {
        for (size_t i = 0; i < s[k].n; i++) {
            if (!finite_pt(&s[k], i, xlog)) continue;
            double xv = xlog ? log10(s[k].x[i]) : s[k].x[i];
            r->xl = fmin(r->xl, xv);
            r->xh = fmax(r->xh, xv);
            r->yl = fmin(r->yl, s[k].y[i]);
            r->yh = fmax(r->yh, s[k].y[i]);
            if (s[k].lo && isfinite(s[k].lo[i])) r->yl = fmin(r->yl, s[k].lo[i]);
            if (s[k].hi && isfinite(s[k].hi[i])) r->yh = fmax(r->yh, s[k].hi[i]);
        }
    }
    return r->xl <= r->xh;
}

/* Fixed ranges, zero, headroom; then the frame's ticks (x_target ticks). */
static void frame_ranges(frame *f, const rpt_chart_spec *spec, ranges r, int x_target, int y_target)
{
    if (spec->xmin < spec->xmax) {
        r.xl = spec->xlog ? log10(spec->xmin) : spec->xmin;
        r.xh = spec->xlog ? log10(spec->xmax) : spec->xmax;
    }
    if (spec->y_zero) { r.yl = fmin(r.yl, 0); r.yh = fmax(r.yh, 0); }
    /* Headroom, so a line at the maximum does not run along the frame. */
    if (r.yh > r.yl) r.yh += 0.03 * (r.yh - r.yl);
    bool yfixed = spec->ymin < spec->ymax;
    if (yfixed) { r.yl = spec->ymin; r.yh = spec->ymax; }
    f->xlog = spec->xlog;
    if (spec->xlog) {
        if (!(r.xh > r.xl)) { r.xl -= 0.5; r.xh += 0.5; }
        /* A little room either side; ticks fall on 1-2-5 within it. */
        double pad = spec->xmin < spec->xmax ? 0 : 0.04 * (r.xh - r.xl);
        f->x0 = r.xl - pad;
        f->x1 = r.xh + pad;
        f->xstep = 1;
    } else {
        f->x0 = r.xl;
        f->x1 = r.xh;
        /* A fixed x range is kept as given; data ranges round out. */
        nice_range(&f->x0, &f->x1, &f->xstep, x_target, !(spec->xmin < spec->xmax));
    }
    f->y0 = r.yl;
    f->y1 = r.yh;
    nice_range(&f->y0, &f->y1, &f->ystep, y_target, !yfixed);
    if (spec->y_integer && f->ystep < 1) {   /* counts: no 0.5 of an environment */
        f->ystep = 1;
        f->y0 = floor(f->y0 + 1e-9);
        f->y1 = fmax(ceil(f->y1 - 1e-9), f->y0 + 1);
    }
}

/* Bands under every line, then the lines, markers and highlights. */
static void draw_series(const frame *f, const rpt_series *s, int ns)
{
    const rpt_plot *pl = &f->pl;
    for (int k = 0; k < ns; k++) {
        if (!s[k].lo || !s[k].hi || s[k].n < 2) continue;
        set_colour(pl, series_colour(s, k), true, 0.72);
        rpt_pl_filltype(pl, 1);
        rpt_pl_pentype(pl, 0);
        bool open = false;
        for (size_t i = 0; i < s[k].n; i++) {
            if (!finite_pt(&s[k], i, f->xlog) || !isfinite(s[k].hi[i])) continue;
            double x = map_x(f, s[k].x[i]), y = map_y(f, s[k].hi[i]);
            if (!open) rpt_pl_fmove(pl, x, y);
            else rpt_pl_fcont(pl, x, y);
            open = true;
        }
        for (size_t i = s[k].n; i-- > 0;) {
            if (!finite_pt(&s[k], i, f->xlog) || !isfinite(s[k].lo[i])) continue;
            rpt_pl_fcont(pl, map_x(f, s[k].x[i]), map_y(f, s[k].lo[i]));
        }
        if (open) rpt_pl_endpath(pl);
        rpt_pl_pentype(pl, 1);
        rpt_pl_filltype(pl, 0);
    }
    for (int k = 0; k < ns; k++) {
        set_colour(pl, series_colour(s, k), false, 0);
        rpt_pl_flinewidth(pl, 2.2);
        set_dash(pl, s[k].dashed);
        bool open = false;
        double py = 0;
        for (size_t i = 0; i < s[k].n && !s[k].no_line; i++) {
            if (!finite_pt(&s[k], i, f->xlog)) {
                if (open) rpt_pl_endpath(pl);
                open = false;
                continue;
            }
            double x = map_x(f, s[k].x[i]), y = map_y(f, s[k].y[i]);
            if (!open) rpt_pl_fmove(pl, x, y);
            else {
                if (s[k].step) rpt_pl_fcont(pl, x, py);
                rpt_pl_fcont(pl, x, y);
            }
            open = true;
            py = y;
        }
        if (open) rpt_pl_endpath(pl);
        set_dash(pl, false);
        if (s[k].markers || s[k].no_line) {
            set_colour(pl, series_colour(s, k), true, 0);
            rpt_pl_filltype(pl, 1);
            for (size_t i = 0; i < s[k].n; i++)
                if (finite_pt(&s[k], i, f->xlog))
                    rpt_pl_fcircle(pl, map_x(f, s[k].x[i]), map_y(f, s[k].y[i]), s[k].no_line ? 5 : 3.5);
            rpt_pl_filltype(pl, 0);
        }
        for (size_t i = 0; i < s[k].n && s[k].highlight; i++) {
            if (!finite_pt(&s[k], i, f->xlog)) continue;
            double x = map_x(f, s[k].x[i]), y = map_y(f, s[k].y[i]);
            rpt_pl_pencolorname(pl, "black");
            rpt_pl_flinewidth(pl, 2);
            rpt_pl_fcircle(pl, x, y, 11);
            label(pl, x + 15, y + 10, FONT_LEGEND, 'l', 'c', "best");
        }
    }
}

sim_status rpt_chart_draw_lines(const char *path, const rpt_chart_spec *spec, const rpt_series *s,
                           int ns, sim_error *err)
{
    SIM_ASSERT(spec && (ns == 0 || s));
    /* Data ranges first: they fix the layout of the tick labels. */
    ranges r;
    bool empty = !data_ranges(s, ns, spec->xlog, &r), scatter = false;
    if (empty) r = (ranges){ 0, 1, 0, 1 };
    for (int k = 0; k < ns; k++) scatter = scatter || s[k].no_line;
    if (scatter && !empty) {   /* room for the markers and rings at the ends */
        double pad = r.xh > r.xl ? 0.06 * (r.xh - r.xl) : 0.5;
        r.xl -= pad;
        r.xh += pad;
    }
    sim_atomic a;
    frame f;
    SIM_TRY(plot_open(path, spec, &a, &f, err));
    f.left = 84;
    f.right = f.w - 28;
    f.bottom = 64;
    legend_item items[64];
    int ni = 0;
    for (int k = 0; k < ns && ni < 64; k++)
        if (s[k].name) items[ni++] = (legend_item){ s[k].name, series_colour(s, k), false, s[k].dashed };
    f.top = draw_heading(&f, spec, items, ni);
    frame_ranges(&f, spec, r, 8, 6);
    draw_axes(&f, spec, true);
    if (empty) {
        rpt_pl_pencolorname(&f.pl, "gray40");
        label(&f.pl, (f.left + f.right) / 2, (f.bottom + f.top) / 2, FONT_LABEL, 'c', 'c', "no data");
    }
    draw_series(&f, s, ns);
    return plot_close(&f, &a, err);
}

/* One panel's frame: its cell of the grid, the shared ranges. */
static void panel_frame(frame *pf, const frame *f, int i, int cols, int rows, double top)
{
    double x0 = 64, cw = (f->w - x0 - 16) / cols, ch = (top - 44) / rows;
    int r = i / cols, c = i % cols;
    pf->left = x0 + c * cw + 36;
    pf->right = x0 + (c + 1) * cw - 14;
    pf->top = top - r * ch - 24;
    pf->bottom = top - (r + 1) * ch + 30;
}

sim_status rpt_chart_draw_panels(const char *path, const rpt_chart_spec *spec,
                                 const rpt_panel *p, int np, sim_error *err)
{
    SIM_ASSERT(spec && (np == 0 || p));
    int cols = np >= 3 ? 3 : np > 0 ? np : 1, rows = np > 0 ? (np + cols - 1) / cols : 1;
    rpt_chart_spec sp = *spec;
    sp.height_px = (int)(110 + rows * (spec->height_px > 0 ? spec->height_px : 240));
    ranges r = { INFINITY, -INFINITY, INFINITY, -INFINITY };
    for (int i = 0; i < np; i++) {
        ranges ri;
        if (!data_ranges(p[i].s, p[i].ns, sp.xlog, &ri)) continue;
        r = (ranges){ fmin(r.xl, ri.xl), fmax(r.xh, ri.xh), fmin(r.yl, ri.yl), fmax(r.yh, ri.yh) };
    }
    if (!(r.xl <= r.xh)) r = (ranges){ 0, 1, 0, 1 };
    sim_atomic a;
    frame f;
    SIM_TRY(plot_open(path, &sp, &a, &f, err));
    f.left = 84;
    f.right = f.w - 28;
    legend_item items[16] = { { NULL, 0, false, false } };
    int ni = 0;
    for (int k = 0; np > 0 && k < p[0].ns && ni < 16; k++)
        if (p[0].s[k].name) items[ni++] = (legend_item){ p[0].s[k].name, series_colour(p[0].s, k), false, p[0].s[k].dashed };
    double top = draw_heading(&f, &sp, items, ni);
    rpt_chart_spec bare = sp;   /* axis labels once, for the whole grid */
    bare.xlabel = bare.ylabel = NULL;
    for (int i = 0; i < np; i++) {
        frame pf = f;
        panel_frame(&pf, &f, i, cols, rows, top);
        frame_ranges(&pf, &sp, r, 4, 4);
        draw_axes(&pf, &bare, true);
        rpt_pl_pencolorname(&f.pl, "black");
        label(&f.pl, (pf.left + pf.right) / 2, pf.top + 12, FONT_LEGEND, 'c', 'c', p[i].title ? p[i].title : "");
        draw_series(&pf, p[i].s, p[i].ns);
    }
    rpt_pl_pencolorname(&f.pl, "black");
    if (sp.xlabel) label(&f.pl, f.w / 2, 14, FONT_LABEL, 'c', 'c', sp.xlabel);
    if (sp.ylabel) {
        rpt_pl_textangle(&f.pl, 90);
        label(&f.pl, 16, top / 2 + 20, FONT_LABEL, 'c', 'c', sp.ylabel);
        rpt_pl_textangle(&f.pl, 0);
    }
    return plot_close(&f, &a, err);
}

sim_status rpt_chart_draw_bars(const char *path, const rpt_chart_spec *spec,
                          const char *const *categories, int ncat, const rpt_bar_set *sets,
                          int nsets, bool stacked, sim_error *err)
{
    SIM_ASSERT(spec && ncat >= 0 && nsets >= 0);
    double yh = 0, yl = 0;
    for (int c = 0; c < ncat; c++) {
        double tot = 0;
        for (int k = 0; k < nsets; k++) {
            double v = sets[k].v[c];
            if (!isfinite(v)) continue;
            if (stacked) tot += fmax(v, 0);
            else { yh = fmax(yh, v); yl = fmin(yl, v); }
        }
        if (stacked) yh = fmax(yh, tot);
    }
    if (spec->ymin < spec->ymax) { yl = spec->ymin; yh = spec->ymax; }
    if (!(yh > yl)) yh = yl + 1;
    yh *= 1.08;  /* room for the value labels */

    sim_atomic a;
    frame f;
    SIM_TRY(plot_open(path, spec, &a, &f, err));
    f.left = 84;
    f.right = f.w - 28;
    f.bottom = 64;
    legend_item items[64];
    int ni = 0;
    for (int k = 0; k < nsets && ni < 64; k++)
        if (sets[k].name) items[ni++] = (legend_item){ sets[k].name, k, true, false };
    f.top = draw_heading(&f, spec, items, ni);
    f.x0 = 0;
    f.x1 = ncat > 0 ? ncat : 1;
    f.xstep = 1;
    f.y0 = yl;
    f.y1 = yh;
    nice_range(&f.y0, &f.y1, &f.ystep, 6, true);
    draw_axes(&f, spec, false);
    const rpt_plot *pl = &f.pl;
    double slot = (f.right - f.left) / (ncat > 0 ? ncat : 1);
    char buf[64];
    /* Category names: shrink the font until the widest fits its slot. */
    int fs = FONT_LABEL;
    for (; fs > 8; fs--) {
        rpt_pl_ffontsize(pl, fs);
        double wmax = 0;
        for (int c = 0; c < ncat; c++)
            wmax = fmax(wmax, rpt_pl_flabelwidth(pl, categories[c] ? categories[c] : ""));
        if (wmax < slot * 0.95) break;
    }
    bool values = ncat * (stacked ? 1 : nsets) <= 16;
    for (int c = 0; c < ncat; c++) {
        double cx = f.left + slot * (c + 0.5);
        rpt_pl_pencolorname(pl, "black");
        label(pl, cx, f.bottom - 10, fs, 'c', 't', categories[c] ? categories[c] : "");
        if (stacked) {
            double bw = slot * 0.5, base = 0;
            for (int k = 0; k < nsets; k++) {
                double v = sets[k].v[c];
                if (!isfinite(v) || v <= 0) continue;
                set_colour(pl, k, true, 0);
                rpt_pl_filltype(pl, 1);
                rpt_pl_pencolorname(pl, "white");
                rpt_pl_flinewidth(pl, 1);
                rpt_pl_fbox(pl, cx - bw / 2, map_y(&f, base), cx + bw / 2, map_y(&f, base + v));
                rpt_pl_filltype(pl, 0);
                base += v;
            }
            if (values) {
                fmt_num(buf, sizeof buf, base, f.ystep / 100);
                rpt_pl_pencolorname(pl, "black");
                label(pl, cx, map_y(&f, base) + 4, FONT_TICK, 'c', 'b', buf);
            }
        } else {
            double bw = slot * 0.8 / (nsets > 0 ? nsets : 1);
            for (int k = 0; k < nsets; k++) {
                double v = sets[k].v[c];
                if (!isfinite(v)) continue;
                double x0 = cx - slot * 0.4 + bw * k;
                set_colour(pl, k, true, 0);
                rpt_pl_filltype(pl, 1);
                rpt_pl_pencolorname(pl, "white");
                rpt_pl_flinewidth(pl, 1);
                rpt_pl_fbox(pl, x0, map_y(&f, fmin(v, 0)), x0 + bw, map_y(&f, fmax(v, 0)));
                rpt_pl_filltype(pl, 0);
                if (values) {
                    fmt_num(buf, sizeof buf, v, f.ystep / 100);
                    rpt_pl_pencolorname(pl, "black");
                    label(pl, x0 + bw / 2, map_y(&f, fmax(v, 0)) + 4, nsets > 4 ? 10 : FONT_TICK,
                          'c', 'b', buf);
                }
            }
        }
    }
    return plot_close(&f, &a, err);
}
