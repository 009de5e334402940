/* rpt_band_chart.c - SVG band charts with GNU libplot (see rpt_band_chart.h).
 *
 * Layout in libplot user coordinates: a 1000 x 700 page, the plot area at
 * [110, 960] x [90, 620].  Ticks use the 1-2-5 rule on the data range (the
 * y axis starts at 0, so shapes are not exaggerated).  libplot writes the
 * SVG to a FILE*, which is the temporary file of a sim_atomic write.
 */
#include "reports/chart/rpt_band_chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/chart/rpt_plot.h"
#include "sim/sim_io.h"

#define X0 110.0
#define X1 960.0
#define Y0 90.0
#define Y1 620.0

typedef struct frame {
    double xmin, xmax, ymin, ymax;
} frame;

static double px(const frame *f, double x) { return X0 + (x - f->xmin) / (f->xmax - f->xmin) * (X1 - X0); }
static double py(const frame *f, double y) { return Y0 + (y - f->ymin) / (f->ymax - f->ymin) * (Y1 - Y0); }

/* A 1-2-5 tick step giving about `target` intervals over `range`. */
static double nice_step(double range, int target)
{
    double raw = range / target;
    double mag = pow(10, floor(log10(raw)));
    double r = raw / mag;
    return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
}

static void fmt_tick(char *buf, size_t n, double v, double step)
{
    if (fabs(v) < step * 1e-9) v = 0;
    if (step >= 1 && fabs(v) < 1e7) snprintf(buf, n, "%.0f", v);
    else snprintf(buf, n, "%.3g", v);
}

/* The frame: x over the data, y from 0 to a whole tick above the highest
 * point (the band's top where there is one). */
static frame chart_frame(const rpt_band_chart *c, double *xstep, double *ystep)
{
    frame f = {c->x[0], c->x[c->n - 1], 0, 0};
    for (size_t i = 0; i < c->n; i++) {
        double v = c->hi && isfinite(c->hi[i]) ? c->hi[i] : c->y[i];
        if (isfinite(v)) f.ymax = fmax(f.ymax, v);
    }
    if (f.xmax <= f.xmin) f.xmax = f.xmin + 1;
    if (f.ymax <= 0) f.ymax = 1;
    *ystep = nice_step(f.ymax, 6);
    f.ymax = ceil(f.ymax / *ystep) * *ystep;
    *xstep = nice_step(f.xmax - f.xmin, 8);
    return f;
}

/* Shaded region (sizes that cannot run), under everything else. */
static void draw_shade(const rpt_plot *p, const rpt_band_chart *c, const frame *f)
{
    if (!(isfinite(c->shade_to_x) && c->shade_to_x > f->xmin)) return;
    rpt_pl_pencolorname(p, "#e0e0e0");
    rpt_pl_fillcolorname(p, "#e0e0e0");
    rpt_pl_filltype(p, 1);
    rpt_pl_fbox(p, X0, Y0, px(f, fmin(c->shade_to_x, f->xmax)), Y1);
    rpt_pl_filltype(p, 0);
    if (c->shade_label) {
        rpt_pl_pencolorname(p, "#606060");
        rpt_pl_ffontsize(p, 15);
        rpt_pl_fmove(p, (X0 + px(f, fmin(c->shade_to_x, f->xmax))) / 2, Y1 - 15);
        rpt_pl_textangle(p, 90);
        rpt_pl_alabel(p, 'r', 'c', c->shade_label);
        rpt_pl_textangle(p, 0);
    }
}

/* Band: the polygon lo(x) forward, hi(x) backward, per unbroken run. */
static void draw_band(const rpt_plot *p, const rpt_band_chart *c, const frame *f)
{
    if (!(c->lo && c->hi)) return;
    rpt_pl_pencolorname(p, "#c6dbef");
    rpt_pl_fillcolorname(p, "#c6dbef");
    rpt_pl_filltype(p, 1);
    size_t i = 0;
    while (i < c->n) {
        while (i < c->n && !(isfinite(c->lo[i]) && isfinite(c->hi[i]))) i++;
        size_t j = i;
        while (j < c->n && isfinite(c->lo[j]) && isfinite(c->hi[j])) j++;
        if (j > i + 1) {
            rpt_pl_fmove(p, px(f, c->x[i]), py(f, fmin(c->lo[i], f->ymax)));
            for (size_t k = i + 1; k < j; k++) rpt_pl_fcont(p, px(f, c->x[k]), py(f, fmin(c->lo[k], f->ymax)));
            for (size_t k = j; k-- > i;) rpt_pl_fcont(p, px(f, c->x[k]), py(f, fmin(c->hi[k], f->ymax)));
            rpt_pl_closepath(p);
            rpt_pl_endpath(p);
        }
        i = j;
    }
    rpt_pl_filltype(p, 0);
}

/* Axes, ticks, axis labels and the title. */
static void draw_axes(const rpt_plot *p, const rpt_band_chart *c, const frame *f, double xstep,
                      double ystep)
{
    rpt_pl_pencolorname(p, "black");
    rpt_pl_fbox(p, X0, Y0, X1, Y1);
    rpt_pl_ffontsize(p, 16);
    char buf[64];
    for (double v = 0; v <= f->ymax + ystep * 1e-9; v += ystep) {
        rpt_pl_fline(p, X0 - 6, py(f, v), X0, py(f, v));
        rpt_pl_fmove(p, X0 - 10, py(f, v));
        fmt_tick(buf, sizeof buf, v, ystep);
        rpt_pl_alabel(p, 'r', 'c', buf);
    }
    for (double v = ceil(f->xmin / xstep) * xstep; v <= f->xmax + 1e-9; v += xstep) {
        rpt_pl_fline(p, px(f, v), Y0 - 6, px(f, v), Y0);
        rpt_pl_fmove(p, px(f, v), Y0 - 10);
        fmt_tick(buf, sizeof buf, v, xstep);
        rpt_pl_alabel(p, 'c', 't', buf);
    }
    rpt_pl_ffontsize(p, 18);
    rpt_pl_fmove(p, (X0 + X1) / 2, Y0 - 45);
    rpt_pl_alabel(p, 'c', 't', c->x_label);
    rpt_pl_fmove(p, 25, (Y0 + Y1) / 2);
    rpt_pl_textangle(p, 90);
    rpt_pl_alabel(p, 'c', 'c', c->y_label);
    rpt_pl_textangle(p, 0);
    rpt_pl_ffontsize(p, 20);
    rpt_pl_fmove(p, (X0 + X1) / 2, 665);
    rpt_pl_alabel(p, 'c', 'c', c->title);
}

/* The recommendation's line, the curve (broken at NaN) and its markers. */
static void draw_curve(const rpt_plot *p, const rpt_band_chart *c, const frame *f)
{
    if (isfinite(c->highlight_x)) {
        rpt_pl_pencolorname(p, "#2ca02c");
        rpt_pl_linemod(p, "longdashed");
        rpt_pl_fline(p, px(f, c->highlight_x), Y0, px(f, c->highlight_x), Y1);
        rpt_pl_linemod(p, "solid");
    }
    rpt_pl_pencolorname(p, "#1f4e9c");
    rpt_pl_flinewidth(p, 2.5);
    bool down = false;
    for (size_t i = 0; i < c->n; i++) {
        if (!isfinite(c->y[i])) {
            if (down) rpt_pl_endpath(p);
            down = false;
            continue;
        }
        double yy = py(f, fmin(c->y[i], f->ymax));
        if (!down) rpt_pl_fmove(p, px(f, c->x[i]), yy);
        else rpt_pl_fcont(p, px(f, c->x[i]), yy);
        down = true;
    }
    if (down) rpt_pl_endpath(p);
    rpt_pl_flinewidth(p, 1);
    if (c->marked) {
        rpt_pl_pencolorname(p, "#d62728");
        rpt_pl_fillcolorname(p, "#d62728");
        for (size_t i = 0; i < c->n; i++)
            if (c->marked[i] && isfinite(c->y[i]))
                rpt_pl_fmarker(p, px(f, c->x[i]), py(f, fmin(c->y[i], f->ymax)), 16, 9);
    }
}

/* One legend row's text, after its sample at (lx, ly); the next row's y. */
static double legend_text(const rpt_plot *p, double lx, double ly, const char *text)
{
    rpt_pl_pencolorname(p, "black");
    rpt_pl_fmove(p, lx + 40, ly);
    rpt_pl_alabel(p, 'l', 'c', text);
    return ly - 24;
}

/* Legend, top right inside the plot area: one row per element drawn. */
static void draw_legend(const rpt_plot *p, const rpt_band_chart *c)
{
    double lx = X1 - 300, ly = Y1 - 25;
    rpt_pl_ffontsize(p, 15);
    if (c->curve_label) {
        rpt_pl_pencolorname(p, "#1f4e9c");
        rpt_pl_flinewidth(p, 2.5);
        rpt_pl_fline(p, lx, ly, lx + 30, ly);
        rpt_pl_flinewidth(p, 1);
        ly = legend_text(p, lx, ly, c->curve_label);
    }
    if (c->band_label && c->lo) {
        rpt_pl_pencolorname(p, "#c6dbef");
        rpt_pl_fillcolorname(p, "#c6dbef");
        rpt_pl_filltype(p, 1);
        rpt_pl_fbox(p, lx, ly - 7, lx + 30, ly + 7);
        rpt_pl_filltype(p, 0);
        ly = legend_text(p, lx, ly, c->band_label);
    }
    if (c->marker_label && c->marked) {
        rpt_pl_pencolorname(p, "#d62728");
        rpt_pl_fmarker(p, lx + 15, ly, 16, 9);
        ly = legend_text(p, lx, ly, c->marker_label);
    }
    if (c->highlight_label && isfinite(c->highlight_x)) {
        rpt_pl_pencolorname(p, "#2ca02c");
        rpt_pl_linemod(p, "longdashed");
        rpt_pl_fline(p, lx, ly, lx + 30, ly);
        rpt_pl_linemod(p, "solid");
        legend_text(p, lx, ly, c->highlight_label);
    }
}

static void draw(const rpt_plot *p, const rpt_band_chart *c)
{
    double xstep, ystep;
    frame f = chart_frame(c, &xstep, &ystep);
    rpt_pl_fspace(p, 0, 0, 1000, 700);
    rpt_pl_erase(p);
    rpt_pl_fontname(p, "Helvetica");
    rpt_pl_flinewidth(p, 1);
    draw_shade(p, c, &f);
    draw_band(p, c, &f);
    draw_axes(p, c, &f, xstep, ystep);
    draw_curve(p, c, &f);
    draw_legend(p, c);
}


sim_status rpt_band_chart_svg(const rpt_band_chart *c, const char *path, sim_error *err)
{
    SIM_ASSERT(c->n >= 1);
    sim_atomic a;
    SIM_TRY(sim_atomic_open(&a, path, err));
    /* A4 landscape, 10 x 7 inches. */
    static const char *const params[] = { "PAGESIZE", "a4,xsize=10in,ysize=7in",
                                          "BG_COLOR", "white", NULL };
    rpt_plot p;
    sim_status st = rpt_plot_open(&p, "svg", a.fp, params, path, err);
    if (st != SIM_OK) {
        sim_atomic_abort(&a);
        return st;
    }
    draw(&p, c);
    rpt_plot_close(&p);
    return sim_atomic_commit(&a, err);
}
