/* rpt_plot.h - GNU libplot, loaded when a chart is drawn.
 *
 * Why: Debian's libplot is built with its X11 drivers, so linking it makes
 * every start of lambdasim map and bind libplot plus eleven X libraries
 * (Xaw, Xt, X11, xcb ...): about 1.4 ms of a 4 ms start-up (issue 19,
 * README "Benchmarks"), paid by `--help` and `size` that draw nothing.
 * So lambdasim does not link libplot: rpt_plot_open dlopen()s its runtime
 * library (soname RPT_PLOT_SONAME, Debian package libplot2c2, a dependency
 * of libplot-dev) and looks its functions up into the rpt_plot it fills.
 * The loader keeps the library once loaded (RTLD_NODELETE), so the next
 * chart's open costs one dlopen reference and the look-ups (~20 us).
 *
 * Use: rpt_plot_open, then the rpt_pl_* calls (one per libplot function
 * the charts use, same arguments as pl_*_r without the plotter), then
 * rpt_plot_close.  An rpt_plot belongs to its caller and to one thread.
 * Errors: a missing or incomplete library is SIM_EUNSUPPORTED naming the
 * library and what the loader said; a plotter libplot refuses is SIM_EIO.
 */
#ifndef RPT_PLOT_H
#define RPT_PLOT_H

#include <stdio.h>

#include <plot.h>   /* types and prototypes only: nothing links against libplot */

#include "sim/sim_status.h"

/* GNU plotutils 2.x's library ABI (libplot.so.2 since 2000). */
#define RPT_PLOT_SONAME "libplot.so.2"

/* The plotter functions the charts call: X(return type, name without the
 * pl_ prefix and _r suffix, (the parameters after the plotter, each with a
 * leading comma), (their names, likewise)).  One list drives the function
 * table, the look-ups, the wrappers and the checks against <plot.h>. */
#define RPT_PLOT_FUNCS(X)                                                        \
    X(int, openpl, (), ())                                                       \
    X(int, closepl, (), ())                                                      \
    X(int, erase, (), ())                                                        \
    X(int, fspace, (, double x0, double y0, double x1, double y1), (, x0, y0, x1, y1)) \
    X(int, bgcolorname, (, const char *name), (, name))                          \
    X(int, pencolorname, (, const char *name), (, name))                         \
    X(int, fillcolorname, (, const char *name), (, name))                        \
    X(int, pencolor, (, int r, int g, int b), (, r, g, b))                       \
    X(int, fillcolor, (, int r, int g, int b), (, r, g, b))                      \
    X(int, filltype, (, int level), (, level))                                   \
    X(int, pentype, (, int level), (, level))                                    \
    X(int, flinewidth, (, double size), (, size))                                \
    X(int, linemod, (, const char *s), (, s))                                    \
    X(int, flinedash, (, int n, const double *dashes, double offset), (, n, dashes, offset)) \
    X(int, joinmod, (, const char *s), (, s))                                    \
    X(int, capmod, (, const char *s), (, s))                                     \
    X(int, fontname, (, const char *s), (, s))                                   \
    X(double, ffontsize, (, double size), (, size))                              \
    X(int, textangle, (, int angle), (, angle))                                  \
    X(double, ftextangle, (, double angle), (, angle))                           \
    X(double, flabelwidth, (, const char *s), (, s))                             \
    X(int, alabel, (, int xj, int yj, const char *s), (, xj, yj, s))             \
    X(int, fmove, (, double x, double y), (, x, y))                              \
    X(int, fcont, (, double x, double y), (, x, y))                              \
    X(int, fline, (, double x0, double y0, double x1, double y1), (, x0, y0, x1, y1)) \
    X(int, fbox, (, double x0, double y0, double x1, double y1), (, x0, y0, x1, y1)) \
    X(int, fcircle, (, double x, double y, double r), (, x, y, r))               \
    X(int, fmarker, (, double x, double y, int type, double size), (, x, y, type, size)) \
    X(int, endpath, (), ())                                                      \
    X(int, closepath, (), ())

#define RPT_PLOT__ARGS(...) __VA_ARGS__

typedef struct rpt_plot {
    plPlotter *h;
    plPlotterParams *params;
    /* libplot's functions, as looked up by rpt_plot_open. */
    plPlotterParams *(*newplparams)(void);
    int (*setplparam)(plPlotterParams *, const char *, void *);
    int (*deleteplparams)(plPlotterParams *);
    plPlotter *(*newpl)(const char *, FILE *, FILE *, FILE *, const plPlotterParams *);
    int (*deletepl)(plPlotter *);
#define X(ret, name, decl, call) ret (*name)(plPlotter * RPT_PLOT__ARGS decl);
    RPT_PLOT_FUNCS(X)
#undef X
} rpt_plot;

/* Load libplot if needed, then make and open a plotter of `type` ("svg",
 * "pnm") writing to `out`, with the parameters `params` (name, value
 * pairs, NULL-terminated; may be NULL).  `label` names the chart in
 * errors.  On error nothing is left open. */
sim_status rpt_plot_open(rpt_plot *p, const char *type, FILE *out, const char *const *params,
                         const char *label, sim_error *err);

/* Close the page (flushing the output) and delete the plotter; returns
 * libplot's closepl result (< 0: the output failed). */
int rpt_plot_close(rpt_plot *p);

/* rpt_pl_NAME(p, ...) calls libplot's pl_NAME_r on p's plotter. */
#define X(ret, name, decl, call)                                                 \
    static inline ret rpt_pl_##name(const rpt_plot *p RPT_PLOT__ARGS decl)      \
    {                                                                            \
        return p->name(p->h RPT_PLOT__ARGS call);                                \
    }
RPT_PLOT_FUNCS(X)
#undef X

#endif /* RPT_PLOT_H */
