/* rpt_price_chart.c - Lambda's duration price against memory, as an SVG chart.
 *
 * GNU libplot's SVG plotter, written through an atomic temp file; the rates
 * are the catalogue's first-tier rates for x86_64 and arm64.
 */
#include "reports/chart/rpt_price_chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/chart/rpt_plot.h"
#include "sim/sim_io.h"


/* Plot frame in libplot user coordinates (the SVG viewport is 1000 x 750). */
#define PX0 110.0
#define PX1 960.0
#define PY0 100.0
#define PY1 690.0

sim_status rpt_plot_lambda_price(const mdl_catalog *cat, const char *path, sim_error *err)
{
    SIM_TRY(mdl_catalog_need(cat, MDL_LAMBDA_DURATION_X86, "the Lambda price chart", err));
    SIM_TRY(mdl_catalog_need(cat, MDL_LAMBDA_DURATION_ARM, "the Lambda price chart", err));
    const double rate[2] = { mdl_catalog_tier_usd(cat, MDL_LAMBDA_DURATION_X86, 0),
                             mdl_catalog_tier_usd(cat, MDL_LAMBDA_DURATION_ARM, 0) };
    const double xmax = 10240, mem_min = 128;
    /* y in micro-USD per 100 ms; round the axis up to a multiple of 2. */
    double ytop = 0.1 * (xmax / 1024.0) * rate[0] * 1e6;
    double ymax = 2.0 * ceil(ytop / 2.0);

    sim_atomic a;
    SIM_TRY(sim_atomic_open(&a, path, err));
    static const char *const params[] = { "PAGESIZE", "letter,xsize=8in,ysize=6in", NULL };
    rpt_plot plot;
    sim_status st = rpt_plot_open(&plot, "svg", a.fp, params, path, err);
    if (st != SIM_OK) {
        sim_atomic_abort(&a);
        return st;
    }
    const rpt_plot *pl = &plot;
#define SX(x) (PX0 + (x) / xmax * (PX1 - PX0))
#define SY(y) (PY0 + (y) / ymax * (PY1 - PY0))
    rpt_pl_fspace(pl, 0, 0, 1000, 750);
    rpt_pl_bgcolorname(pl, "white");
    rpt_pl_erase(pl);
    rpt_pl_fontname(pl, "Helvetica");
    rpt_pl_pencolorname(pl, "black");
    rpt_pl_flinewidth(pl, 1.5);
    rpt_pl_filltype(pl, 0);
    rpt_pl_fbox(pl, PX0, PY0, PX1, PY1);

    /* x ticks every 1024 MB, labelled every 2048 MB. */
    rpt_pl_ffontsize(pl, 16);
    char buf[64];
    for (double x = 0; x <= xmax + 1e-9; x += 1024) {
        rpt_pl_fline(pl, SX(x), PY0, SX(x), PY0 - 8);
        if (fmod(x, 2048) == 0) {
            snprintf(buf, sizeof buf, "%.0f", x);
            rpt_pl_fmove(pl, SX(x), PY0 - 14);
            rpt_pl_alabel(pl, 'c', 't', buf);
        }
    }
    for (double y = 0; y <= ymax + 1e-9; y += 2) {
        rpt_pl_fline(pl, PX0, SY(y), PX0 - 8, SY(y));
        snprintf(buf, sizeof buf, "%.0f", y);
        rpt_pl_fmove(pl, PX0 - 14, SY(y));
        rpt_pl_alabel(pl, 'r', 'c', buf);
    }
    rpt_pl_ffontsize(pl, 20);
    rpt_pl_fmove(pl, (PX0 + PX1) / 2, PY0 - 50);
    rpt_pl_alabel(pl, 'c', 't', "memory (MB)");
    rpt_pl_ftextangle(pl, 90);
    rpt_pl_fmove(pl, PX0 - 60, (PY0 + PY1) / 2);
    rpt_pl_alabel(pl, 'c', 'b', "price per 100 ms (USD x 1e-6)");
    rpt_pl_ftextangle(pl, 0);
    snprintf(buf, sizeof buf, "AWS Lambda duration price, %s", mdl_catalog_region(cat));
    rpt_pl_fmove(pl, (PX0 + PX1) / 2, PY1 + 30);
    rpt_pl_alabel(pl, 'c', 'b', buf);

    static const char *const colors[2] = { "blue", "red" };
    static const char *const names[2] = { "x86_64", "arm64" };
    for (int s = 0; s < 2; s++) {
        rpt_pl_pencolorname(pl, colors[s]);
        rpt_pl_flinewidth(pl, 3);
        rpt_pl_linemod(pl, s ? "longdashed" : "solid");
        for (double mb = mem_min; mb <= xmax + 1e-9; mb += 64) {
            double y = 0.1 * (mb / 1024.0) * rate[s] * 1e6;
            if (mb == mem_min)
                rpt_pl_fmove(pl, SX(mb), SY(y));
            else
                rpt_pl_fcont(pl, SX(mb), SY(y));
        }
        rpt_pl_endpath(pl);
        /* Legend, top left inside the frame. */
        double ly = PY1 - 30 - 30 * s;
        rpt_pl_fline(pl, PX0 + 20, ly, PX0 + 80, ly);
        rpt_pl_endpath(pl);
        rpt_pl_linemod(pl, "solid");
        rpt_pl_pencolorname(pl, "black");
        rpt_pl_ffontsize(pl, 16);
        snprintf(buf, sizeof buf, "%s  (%.10f USD per GB-s, tier 1)", names[s], rate[s]);
        rpt_pl_fmove(pl, PX0 + 90, ly);
        rpt_pl_alabel(pl, 'l', 'c', buf);
    }
#undef SX
#undef SY
    int rc = rpt_plot_close(&plot);
    if (rc < 0) {
        sim_atomic_abort(&a);
        SIM_FAIL(err, SIM_ERUN, path, 0, NULL, "libplot failed to write the SVG");
    }
    return sim_atomic_commit(&a, err);
}

