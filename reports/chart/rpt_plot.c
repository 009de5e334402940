/* rpt_plot.c - open GNU libplot with dlopen and drive it through a table.
 *
 * The table's types are checked against <plot.h> at compile time, so a
 * wrong entry in RPT_PLOT_FUNCS is a build error, not a crash.
 */
#include "reports/chart/rpt_plot.h"
#include "sim/sim_dl.h"

#include <stdint.h>
#include <string.h>

/* Each looked-up function has exactly <plot.h>'s type. */
#define X(ret, name, decl, call)                                                  \
    _Static_assert(__builtin_types_compatible_p(__typeof__(&pl_##name##_r),      \
                                                ret (*)(plPlotter * RPT_PLOT__ARGS decl)), \
                   "RPT_PLOT_FUNCS: pl_" #name "_r differs from <plot.h>");
RPT_PLOT_FUNCS(X)
#undef X
_Static_assert(__builtin_types_compatible_p(__typeof__(&pl_newpl_r),
                                            __typeof__(((rpt_plot *)0)->newpl)),
               "pl_newpl_r");
_Static_assert(__builtin_types_compatible_p(__typeof__(&pl_setplparam),
                                            __typeof__(((rpt_plot *)0)->setplparam)),
               "pl_setplparam");

static sim_status load(rpt_plot *p, const char *label, sim_error *err)
{
    const sim_dl_sym syms[] = {
        { "pl_newplparams", &p->newplparams, sizeof p->newplparams },
        { "pl_setplparam", &p->setplparam, sizeof p->setplparam },
        { "pl_deleteplparams", &p->deleteplparams, sizeof p->deleteplparams },
        { "pl_newpl_r", &p->newpl, sizeof p->newpl },
        { "pl_deletepl_r", &p->deletepl, sizeof p->deletepl },
#define X(ret, name, decl, call) { "pl_" #name "_r", &p->name, sizeof p->name },
        RPT_PLOT_FUNCS(X)
#undef X
    };
    return sim_dl_load(RPT_PLOT_SONAME, "libplot2c2", "charts need GNU libplot", syms,
                       sizeof syms / sizeof syms[0], label, err);
}

sim_status rpt_plot_open(rpt_plot *p, const char *type, FILE *out, const char *const *params,
                         const char *label, sim_error *err)
{
    SIM_ASSERT(p && type && out);
    memset(p, 0, sizeof *p);
    SIM_TRY(load(p, label, err));
    p->params = p->newplparams();
    if (!p->params) SIM_FAIL(err, SIM_ENOMEM, label, 0, NULL, "libplot: no memory for parameters");
    for (size_t i = 0; params && params[i]; i += 2) {
        SIM_ASSERT(params[i + 1]);
        /* libplot copies string values; its API just is not const. */
        p->setplparam(p->params, params[i], (void *)(uintptr_t)params[i + 1]);
    }
    p->h = p->newpl(type, NULL, out, stderr, p->params);
    if (!p->h || p->openpl(p->h) < 0) {
        if (p->h) p->deletepl(p->h);
        p->deleteplparams(p->params);
        SIM_FAIL(err, SIM_EIO, label, 0, NULL, "libplot could not open %s plotter",
                 strcmp(type, "svg") == 0 ? "an SVG" : strcmp(type, "pnm") == 0 ? "a PNM" : type);
    }
    return SIM_OK;
}

int rpt_plot_close(rpt_plot *p)
{
    SIM_ASSERT(p && p->h);
    int rc = p->closepl(p->h);
    p->deletepl(p->h);   /* flushes the output */
    p->deleteplparams(p->params);
    p->h = NULL;
    p->params = NULL;
    return rc;
}
