/* rpt_cmd_size_config.c - `lambdasim size --config F --function NAME`: a
 * function of a run config as a sizing source (see rpt_cmd_size.h).
 *
 * The durations mirror the simulator's handler time (mdl_scenario.c):
 * kernel (mdl_perf_duration) + one draw of the handler's service time
 * (warm, plus any further steps) + the service calls (a latency draw each,
 * plus the payload over the service's transfer rate).  The config is read
 * once, through mdl_config_load, here only; the file is read again as plain
 * JSON only to write it back with a new memory size.
 */
#include "reports/cli/rpt_cmd_size.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "sim/sim_io.h"
#include "sim/sim_json.h"

#define MAX_CLASSES (MDL_MAX_ROUTES + 1)

struct rpt_size_fn {
    mdl_config cfg;
    char path[512];
    int fi;
    const mdl_function_cfg *f;
    int n_cls;
    double w[MAX_CLASSES], bytes[MAX_CLASSES], mp[MAX_CLASSES];
    int invocations;
    double *rows;
    char inputs[512];
};

const mdl_config *rpt_size_fn_config(const rpt_size_fn *s) { return &s->cfg; }
const mdl_function_cfg *rpt_size_fn_function(const rpt_size_fn *s) { return s->f; }
const char *rpt_size_fn_inputs(const rpt_size_fn *s) { return s->inputs; }

/* Megapixels of a request of `bytes` for the function's kernel. */
static double class_mp(const mdl_function_cfg *f, double bytes)
{
    if (!f->has_kernel) return 0;
    return f->kernel_mp > 0 ? f->kernel_mp : bytes / f->kernel_bytes_per_mp;
}

/* The mix's ops that the entries route to the function (as the entries
 * route them: a route for the op, else the entry's target, else the first
 * function); none when no workload is the built-in mix. */
static void mix_classes(rpt_size_fn *s)
{
    const mdl_config *c = &s->cfg;
    size_t u = 0;
    for (int e = 0; e < c->nentry; e++) {
        const mdl_entry_cfg *en = &c->entry[e];
        const mdl_workload_cfg *w = &en->workload;
        if (en->type > MDL_ENTRY_APIGW_REST) continue;   /* not a function entry */
        int def = en->target[0] ? mdl_config_find_function(c, en->target) : 0;
        for (int i = 0; i < w->nmix && s->n_cls < MAX_CLASSES; i++) {
            int fn = def;
            for (int r = 0; r < en->nroutes; r++)
                if (strcmp(en->route_op[r], w->mix_op[i]) == 0)
                    fn = mdl_config_find_function(c, en->route_fn[r]);
            if (fn != s->fi) continue;
            /* several entries: weights by their arrival rates */
            s->w[s->n_cls] = w->mix_w[i] * (c->nentry > 1 ? w->rate_per_s : 1.0);
            s->bytes[s->n_cls] = w->mix_bytes[i];
            s->n_cls++;
            if (u < sizeof s->inputs)
                u += (size_t)snprintf(s->inputs + u, sizeof s->inputs - u, "%s%s (weight %.3g, %.6g bytes)",
                                      u ? ", " : "the mix's ", w->mix_op[i], w->mix_w[i], w->mix_bytes[i]);
        }
    }
}

/* The request classes the sizing runs over, normalised to weights that
 * sum to 1, with their megapixels. */
static void find_classes(rpt_size_fn *s, double megapixels, double bytes)
{
    const mdl_config *c = &s->cfg;
    s->n_cls = 0;
    if (isnan(megapixels) && isnan(bytes)) mix_classes(s);
    if (s->n_cls == 0) {
        const mdl_workload_cfg *w0 = &c->entry[0].workload;
        double b = !isnan(bytes) ? bytes : w0->has_bytes ? sim_dist_mean(&w0->bytes) : 0;
        s->w[0] = 1;
        s->bytes[0] = b;
        s->n_cls = 1;
        if (!isnan(megapixels))
            snprintf(s->inputs, sizeof s->inputs, "one input of %g megapixels (--megapixels)", megapixels);
        else if (!isnan(bytes))
            snprintf(s->inputs, sizeof s->inputs, "one input of %g bytes (--bytes)", bytes);
        else
            snprintf(s->inputs, sizeof s->inputs, "%s payload of %g bytes",
                     w0->kind == MDL_WL_ARRIVALS ? "the workload's" : "(trace or generator: "
                     "payloads not read; give --bytes or --megapixels) the default", b);
    }
    double sw = 0;
    for (int k = 0; k < s->n_cls; k++) sw += s->w[k];
    for (int k = 0; k < s->n_cls; k++) {
        s->w[k] /= sw > 0 ? sw : 1;
        s->mp[k] = !isnan(megapixels) ? megapixels : class_mp(s->f, s->bytes[k]);
    }
}

static sim_status no_function(rpt_size_fn *s, const char *config, const char *function,
                              sim_error *err)
{
    char list[400] = "";
    size_t u = 0;
    for (int i = 0; i < s->cfg.nfn && u < sizeof list; i++)
        u += (size_t)snprintf(list + u, sizeof list - u, "%s%s", i ? ", " : "", s->cfg.fn[i].name);
    SIM_FAIL(err, SIM_EUNKNOWN, config, 0, "--function", "no function '%s' in the config (it has: %s)",
             function, list[0] ? list : "none");
}

sim_status rpt_size_fn_open(const char *config, const mdl_config_opts *opts, const char *function,
                            double megapixels, double bytes, int invocations, rpt_size_fn **out,
                            sim_error *err)
{
    *out = NULL;
    rpt_size_fn *s = sim_xcalloc(1, sizeof *s);
    sim_status st = mdl_config_load(&s->cfg, config, opts, err);
    if (st != SIM_OK) {
        free(s);
        return st;
    }
    snprintf(s->path, sizeof s->path, "%s", config);
    s->fi = mdl_config_find_function(&s->cfg, function);
    if (s->fi < 0) {
        st = no_function(s, config, function, err);
        rpt_size_fn_close(s);
        return st;
    }
    s->f = &s->cfg.fn[s->fi];
    s->invocations = invocations > 0 ? invocations : 10;
    s->rows = sim_xcalloc((size_t)s->invocations, sizeof *s->rows);
    find_classes(s, megapixels, bytes);
    *out = s;
    return SIM_OK;
}

void rpt_size_fn_close(rpt_size_fn *s)
{
    if (!s) return;
    mdl_config_fini(&s->cfg);
    free(s->rows);
    free(s);
}

/* The service calls' time for one invocation of `bytes` (a latency draw
 * per call; rng NULL: the means). */
static double calls_ms(const rpt_size_fn *s, double bytes, gsl_rng *rng)
{
    const mdl_config *c = &s->cfg;
    double ms = 0;
    for (int k = 0; k < s->f->ncalls; k++) {
        const mdl_call *call = &s->f->calls[k];
        double b = call->bytes < 0 ? bytes : call->bytes;
        ms += rng ? sim_dist_sample(&c->svc_latency[call->op], rng) : sim_dist_mean(&c->svc_latency[call->op]);
        if (c->svc_mbps[call->op] > 0) ms += b / (c->svc_mbps[call->op] * 1e6) * 1e3;
    }
    return ms;
}

/* The handler's own time: warm plus further steps (rng NULL: the means). */
static double handler_ms(const mdl_function_cfg *f, gsl_rng *rng)
{
    double ms = rng ? sim_dist_sample(&f->warm, rng) : sim_dist_mean(&f->warm);
    for (int k = 0; k < f->nwarm_more; k++)
        ms += rng ? sim_dist_sample(&f->warm_more[k], rng) : sim_dist_mean(&f->warm_more[k]);
    return ms;
}

sim_status rpt_size_fn_sample(void *ctx, int memory_mb, int batch, const double **d, size_t *n,
                              sim_error *err)
{
    (void)err;
    rpt_size_fn *s = ctx;
    *d = s->rows;
    *n = 0;
    double kern[MAX_CLASSES] = {0};
    for (int k = 0; s->f->has_kernel && k < s->n_cls; k++)
        if (mdl_perf_duration(&s->f->kernel, s->mp[k], memory_mb, &kern[k]) == MDL_PERF_OOM)
            return SIM_OK; /* a request class does not fit: the size fails */
    uint64_t seed = s->cfg.seed ? s->cfg.seed : 1;
    gsl_rng *rng = sim_rng_create(seed, (uint64_t)memory_mb * 64 + (uint64_t)batch, "size-config");
    for (int i = 0; i < s->invocations; i++) {
        double row = 0;
        for (int k = 0; k < s->n_cls; k++)
            row += s->w[k] * (kern[k] + handler_ms(s->f, rng) + calls_ms(s, s->bytes[k], rng));
        s->rows[i] = row;
    }
    gsl_rng_free(rng);
    *n = (size_t)s->invocations;
    return SIM_OK;
}

void rpt_size_fn_prior(const rpt_size_fn *s, const int *grid, size_t n, double *prior_ms)
{
    const mdl_perf_kernel *k = &s->f->kernel;
    for (size_t i = 0; i < n; i++) {
        double t = 0;
        for (int c = 0; c < s->n_cls; c++) {
            double work = k->cpu_ms_a + k->cpu_ms_per_mp * s->mp[c];
            double kern = s->f->has_kernel
                              ? mdl_perf_shape(k->io_ms, work, k->parallel_fraction, k->threads, grid[i])
                              : 0;
            t += s->w[c] * (kern + handler_ms(s->f, NULL) + calls_ms(s, s->bytes[c], NULL));
        }
        prior_ms[i] = t > 0 ? t : 1e-3;
    }
}

sim_status rpt_size_fn_write_config(const rpt_size_fn *s, int memory_mb, const char *out,
                                    sim_error *err)
{
    sim_json_doc doc;
    SIM_TRY(sim_json_doc_load(&doc, s->path, err));
    json_object *fns = NULL, *fo = NULL;
    sim_status st = SIM_OK;
    if (!json_object_object_get_ex(doc.root, "functions", &fns) ||
        !json_object_object_get_ex(fns, s->f->name, &fo) || !json_object_is_type(fo, json_type_object))
        st = SIM_ERR(err, SIM_EMISSING, s->path, 0, "functions",
                     "the file does not define functions.%s (a trace clone?); cannot write it back",
                     s->f->name);
    if (st == SIM_OK) {
        json_object_object_add(fo, "memory_mb", json_object_new_int(memory_mb));
        char *text = sim_json_to_string(doc.root);
        st = sim_write_file_atomic(out, text, strlen(text), err);
        free(text);
    }
    sim_json_doc_fini(&doc);
    return st;
}
