/* rpt_cmd_size.c - `lambdasim size`: recommend a Lambda memory size.
 *
 * Two sources of durations, one sizing run (mdl_size.h):
 *  - --oracle FILE.csv: measured durations (memory_mb,duration_ms, several
 *    rows per size allowed).  The sampler hands a method all the rows of a
 *    size only when the method asks for that size, so a method cannot peek.
 *  - --kernel NAME: the performance model (mdl_perf.h) with the kernel's
 *    parameters from a profile JSON (data/profiles/default.json, format in
 *    README "Sizing"), one row per image of --images DIR (or one row at the
 *    profile's default megapixels).
 * Prices come from the region's price catalogue (mdl_price_lambda_invocation:
 * exact rates, request fee included); mdl_size_price_default stays for the
 * synthetic test suite, which needs no data files, and a test checks the
 * two agree for us-east-1.
 * Outputs: Power Tuning-compatible JSON (plus our fields), a text table, and
 * with --out DIR: size.json, size.txt, duration.svg and cost.svg, each
 * written atomically.
 */
#include "reports/cli/rpt_cmd.h"
#include "models/sizing/mdl_perf.h"
#include "models/pricing/mdl_pricing.h"
#include "models/sizing/mdl_size.h"
#include "reports/chart/rpt_band_chart.h"
#include "sim/sim_cli.h"
#include "sim/sim_num.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "workloads/image/wl_image.h"

static const char k_usage[] =
    "usage: lambdasim size (--oracle FILE.csv | --kernel NAME [--images DIR] [--threads N])\n"
    "                      [--method exhaustive|bo|parametric]      (default bo)\n"
    "                      [--strategy cost|speed|balanced] [--balanced-weight W]\n"
    "                      [--grid MIN:MAX:STEP]                    (default 128:10240:64)\n"
    "                      [--arch x86_64|arm64] [--billing-granularity-ms 1|100]\n"
    "                      [--region R | --catalog FILE.json]\n"
    "                      [--budget N] [--profile FILE.json] [--bo-mean constant|parametric]\n"
    "                      [--format text|json] [--out DIR]\n"
    "\n"
    "Recommends a Lambda memory size (README \"Sizing\").\n"
    "  --oracle F      measured durations, CSV header memory_mb,duration_ms; a method\n"
    "                  reads a size's rows only when it samples that size; the grid is\n"
    "                  the oracle's sizes inside --grid's MIN..MAX\n"
    "  --kernel NAME   lambdasim's performance model for a kernel of the profile\n"
    "  --images DIR    kernel mode: one invocation per JPEG/PNG in DIR\n"
    "  --threads N     kernel mode: override the kernel's thread count\n"
    "  --profile F     kernel parameters (default $LAMBDASIM_DATA or ./data,\n"
    "                  profiles/default.json)\n"
    "  --method        exhaustive (Power Tuning), bo (COSE GP + EI), parametric\n"
    "                  (Parrotfish fit)\n"
    "  --strategy      cost (default), speed or balanced, as in Power Tuning\n"
    "  --balanced-weight W  0 = speed .. 1 = cost (default 0.5, clamped)\n"
    "  --budget N      most memory sizes bo/parametric may sample (default 15)\n"
    "  --bo-mean       the GP's prior mean: constant (default, COSE) or the\n"
    "                  parametric fit\n"
    "  --arch, --billing-granularity-ms  pricing (default x86_64, 1 ms); costs\n"
    "                  include the request fee\n"
    "  --region R      price catalogue of region R (default us-east-1)\n"
    "  --catalog F     another price catalogue file\n"
    "  --format        text (default) or json (Power Tuning keys plus ours)\n"
    "  --out DIR       write size.json, size.txt, duration.svg, cost.svg\n";

/* ---- the oracle --------------------------------------------------------- */

typedef struct oracle_size {
    int memory_mb;
    size_t first, n; /* rows [first, first + n) of the sorted rows */
} oracle_size;

typedef struct oracle {
    double *dur;      /* durations sorted by memory */
    oracle_size *sizes;
    size_t n_sizes;
} oracle;

typedef struct oracle_row {
    int memory_mb;
    double duration_ms;
    long line;
} oracle_row;

static int cmp_row(const void *a, const void *b)
{
    const oracle_row *x = a, *y = b;
    if (x->memory_mb != y->memory_mb) return x->memory_mb < y->memory_mb ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = '\0';
    return s;
}

static void oracle_fini(oracle *o)
{
    free(o->dur);
    free(o->sizes);
    memset(o, 0, sizeof *o);
}

static sim_status oracle_load(const char *path, oracle *o, sim_error *err)
{
    memset(o, 0, sizeof *o);
    char *text = NULL;
    size_t len = 0;
    SIM_TRY(sim_read_file(path, &text, &len, err));
    size_t cap = 256, n = 0;
    oracle_row *rows = sim_xmalloc(cap * sizeof *rows);
    sim_status st = SIM_OK;
    long line = 0;
    bool header = false;
    char *p = text;
    while (p && *p && st == SIM_OK) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = '\0';
        line++;
        char *ln = trim(p);
        p = nl ? nl + 1 : NULL;
        if (*ln == '\0') continue;
        if (!header) {
            if (strcmp(ln, "memory_mb,duration_ms") != 0)
                st = SIM_ERR(err, SIM_EFORMAT, path, line, NULL,
                             "the header must be 'memory_mb,duration_ms' (got '%.60s')", ln);
            header = true;
            continue;
        }
        char *comma = strchr(ln, ',');
        if (!comma || strchr(comma + 1, ',')) {
            st = SIM_ERR(err, SIM_EFORMAT, path, line, NULL, "expected 2 columns: memory_mb,duration_ms");
            break;
        }
        *comma = '\0';
        char *ms = trim(ln), *ds = trim(comma + 1);
        int64_t m;
        if (sim_num_i64(ms, strlen(ms), &m) != SIM_NUM_OK) {
            st = SIM_ERR(err, SIM_EPARSE, path, line, "memory_mb", "'%s' is not an integer", ms);
            break;
        }
        if (m < MDL_SIZE_MIN_MB || m > MDL_SIZE_MAX_MB) {
            st = SIM_ERR(err, SIM_ERANGE, path, line, "memory_mb",
                         "%lld MB is outside Lambda's %d-%d MB", (long long)m, MDL_SIZE_MIN_MB,
                         MDL_SIZE_MAX_MB);
            break;
        }
        double d;
        if (sim_num_double(ds, strlen(ds), &d) != SIM_NUM_OK) {
            st = SIM_ERR(err, SIM_EPARSE, path, line, "duration_ms", "'%s' is not a number", ds);
            break;
        }
        if (d <= 0) {
            st = SIM_ERR(err, SIM_ERANGE, path, line, "duration_ms",
                         "a duration must be positive (got %g)", d);
            break;
        }
        if (n == cap) {
            cap *= 2;
            rows = sim_xrealloc(rows, cap * sizeof *rows);
        }
        rows[n++] = (oracle_row){(int)m, d, line};
    }
    free(text);
    if (st == SIM_OK && n == 0)
        st = SIM_ERR(err, SIM_EFORMAT, path, line > 0 ? line : 1, NULL,
                     header ? "no data rows after the header" : "empty file (expected a header "
                                                                "memory_mb,duration_ms and rows)");
    if (st != SIM_OK) {
        free(rows);
        return st;
    }
    qsort(rows, n, sizeof *rows, cmp_row);
    o->dur = sim_xmalloc(n * sizeof *o->dur);
    o->sizes = sim_xcalloc(n, sizeof *o->sizes);
    for (size_t i = 0; i < n; i++) {
        o->dur[i] = rows[i].duration_ms;
        if (i == 0 || rows[i].memory_mb != rows[i - 1].memory_mb)
            o->sizes[o->n_sizes++] = (oracle_size){rows[i].memory_mb, i, 0};
        o->sizes[o->n_sizes - 1].n++;
    }
    free(rows);
    if (o->n_sizes < 2) {
        int only = o->sizes[0].memory_mb;
        oracle_fini(o);
        SIM_FAIL(err, SIM_EFORMAT, path, 0, "memory_mb",
                 "sizing needs durations at 2 or more memory sizes (only %d MB given)", only);
    }
    return SIM_OK;
}

static sim_status oracle_sample(void *ctx, int memory_mb, const double **d, size_t *n,
                                sim_error *err)
{
    const oracle *o = ctx;
    for (size_t i = 0; i < o->n_sizes; i++)
        if (o->sizes[i].memory_mb == memory_mb) {
            *d = o->dur + o->sizes[i].first;
            *n = o->sizes[i].n;
            return SIM_OK;
        }
    SIM_FAIL(err, SIM_ERUN, NULL, 0, NULL, "no oracle rows at %d MB", memory_mb);
}

/* ---- kernel mode -------------------------------------------------------- */

typedef struct kernel_src {
    mdl_perf_kernel k;
    double *mp;    /* megapixels per input */
    size_t n_in;
    double *rows;  /* n_in */
} kernel_src;

static sim_status kernel_sample(void *ctx, int memory_mb, const double **d, size_t *n,
                                sim_error *err)
{
    (void)err;
    kernel_src *s = ctx;
    *d = s->rows;
    *n = 0;
    for (size_t i = 0; i < s->n_in; i++)
        if (mdl_perf_duration(&s->k, s->mp[i], memory_mb, &s->rows[i]) == MDL_PERF_OOM)
            return SIM_OK; /* one input out of memory: the size fails */
    *n = s->n_in;
    return SIM_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Megapixels of every JPEG/PNG in dir (sorted by name, for determinism). */
static sim_status images_load(const char *dir, double **mp, size_t *n, sim_error *err)
{
    DIR *d = opendir(dir);
    if (!d) SIM_FAIL(err, SIM_ENOENT, dir, 0, NULL, "cannot open directory: %s", strerror(errno));
    size_t cap = 16, cnt = 0;
    char **names = sim_xmalloc(cap * sizeof *names);
    for (struct dirent *e; (e = readdir(d));) {
        const char *dot = strrchr(e->d_name, '.');
        if (!dot || (strcasecmp(dot, ".jpg") && strcasecmp(dot, ".jpeg") && strcasecmp(dot, ".png")))
            continue;
        if (cnt == cap) names = sim_xrealloc(names, (cap *= 2) * sizeof *names);
        names[cnt++] = sim_xstrdup(e->d_name);
    }
    closedir(d);
    qsort(names, cnt, sizeof *names, cmp_str);
    sim_status st = SIM_OK;
    if (cnt == 0) st = SIM_ERR(err, SIM_EMISSING, dir, 0, NULL, "no .jpg/.jpeg/.png images in the directory");
    *mp = sim_xcalloc(cnt ? cnt : 1, sizeof **mp);
    for (size_t i = 0; i < cnt && st == SIM_OK; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        wl_image img = {0};
        st = wl_image_load(path, &img, err);
        if (st == SIM_OK) (*mp)[i] = (double)img.width * img.height / 1e6;
        wl_image_free(&img);
    }
    for (size_t i = 0; i < cnt; i++) free(names[i]);
    free(names);
    if (st != SIM_OK) {
        free(*mp);
        *mp = NULL;
        return st;
    }
    *n = cnt;
    return SIM_OK;
}

/* ---- options ------------------------------------------------------------ */

typedef struct size_args {
    const char *oracle, *kernel, *images, *profile, *out;
    int threads;           /* 0: the profile's */
    int gmin, gmax, gstep;
    bool json;
    mdl_size_opts opts;
    mdl_size_price_ctx price;
    const char *region, *catalog;
} size_args;

/* The catalogue pricer: one invocation at the first-tier rate of the arch.
 * The rates it needs are checked once before sizing, so it cannot fail. */
typedef struct catalog_price_ctx {
    const mdl_catalog *cat;
    mdl_arch arch;
    int granularity_ms;
} catalog_price_ctx;

static double catalog_price(void *ctx, int memory_mb, double duration_ms)
{
    const catalog_price_ctx *c = ctx;
    double usd = NAN;
    sim_error e;
    if (mdl_price_lambda_invocation(c->cat, c->arch, memory_mb, duration_ms, c->granularity_ms,
                                    &usd, &e) != SIM_OK)
        return NAN;
    return usd;
}

static sim_status parse_grid(const char *s, size_args *a, sim_error *err)
{
    long v[3];
    const char *p = s;
    for (int i = 0; i < 3; i++) {
        char *end;
        errno = 0;
        v[i] = strtol(p, &end, 10);
        if (end == p || errno || (i < 2 && *end != ':') || (i == 2 && *end != '\0'))
            SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--grid", "'%s' is not MIN:MAX:STEP", s);
        p = end + 1;
    }
    if (v[0] < MDL_SIZE_MIN_MB || v[1] > MDL_SIZE_MAX_MB)
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--grid",
                 "%s is outside Lambda's memory range %d-%d MB", s, MDL_SIZE_MIN_MB, MDL_SIZE_MAX_MB);
    if (v[0] >= v[1] || v[2] <= 0)
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--grid", "'%s' needs MIN < MAX and STEP > 0", s);
    a->gmin = (int)v[0];
    a->gmax = (int)v[1];
    a->gstep = (int)v[2];
    return SIM_OK;
}

static sim_status parse_args(int argc, char **argv, size_args *a, sim_error *err)
{
    memset(a, 0, sizeof *a);
    mdl_size_opts_init(&a->opts);
    a->gmin = 128;
    a->gmax = 10240;
    a->gstep = 64;
    a->price.granularity_ms = 1;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int64_t iv;
        double dv;
        if (sim_cli_opt(argc, argv, &i, "--oracle", &v, err)) a->oracle = v;
        else if (sim_cli_opt(argc, argv, &i, "--kernel", &v, err)) a->kernel = v;
        else if (sim_cli_opt(argc, argv, &i, "--images", &v, err)) a->images = v;
        else if (sim_cli_opt(argc, argv, &i, "--profile", &v, err)) a->profile = v;
        else if (sim_cli_opt(argc, argv, &i, "--out", &v, err)) a->out = v;
        else if (sim_cli_opt(argc, argv, &i, "--region", &v, err)) a->region = v;
        else if (sim_cli_opt(argc, argv, &i, "--catalog", &v, err)) a->catalog = v;
        else if (sim_cli_opt(argc, argv, &i, "--threads", &v, err)) {
            if (v) SIM_TRY(sim_cli_parse_int("--threads", v, 1, 1024, &iv, err));
            a->threads = v ? (int)iv : 0;
        } else if (sim_cli_opt(argc, argv, &i, "--budget", &v, err)) {
            if (v) SIM_TRY(sim_cli_parse_int("--budget", v, 1, 100000, &iv, err));
            a->opts.budget = v ? (int)iv : 0;
        } else if (sim_cli_opt(argc, argv, &i, "--balanced-weight", &v, err)) {
            /* Power Tuning clamps the weight to [0, 1] rather than refusing it. */
            if (v) SIM_TRY(sim_cli_parse_double("--balanced-weight", v, -1e300, 1e300, &dv, err));
            if (v) a->opts.balanced_weight = fmin(fmax(dv, 0.0), 1.0);
        } else if (sim_cli_opt(argc, argv, &i, "--grid", &v, err)) {
            if (v) SIM_TRY(parse_grid(v, a, err));
        } else if (sim_cli_opt(argc, argv, &i, "--bo-mean", &v, err)) {
            if (v && strcmp(v, "constant") && strcmp(v, "parametric"))
                SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--bo-mean", "'%s' must be constant or parametric", v);
            if (v) a->opts.bo_parametric_mean = strcmp(v, "parametric") == 0;
        } else if (sim_cli_opt(argc, argv, &i, "--method", &v, err)) {
            if (v && !mdl_size_method_parse(v, &a->opts.method))
                SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--method",
                         "unknown method '%s' (exhaustive, bo, parametric)", v);
        } else if (sim_cli_opt(argc, argv, &i, "--strategy", &v, err)) {
            if (v && !mdl_size_strategy_parse(v, &a->opts.strategy))
                SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--strategy",
                         "unknown strategy '%s' (cost, speed, balanced)", v);
        } else if (sim_cli_opt(argc, argv, &i, "--arch", &v, err)) {
            if (v && strcmp(v, "x86_64") && strcmp(v, "arm64"))
                SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--arch", "unknown architecture '%s' (x86_64, arm64)", v);
            if (v) a->price.arm64 = strcmp(v, "arm64") == 0;
        } else if (sim_cli_opt(argc, argv, &i, "--billing-granularity-ms", &v, err)) {
            if (v && strcmp(v, "1") && strcmp(v, "100"))
                SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--billing-granularity-ms",
                         "'%s' must be 1 (since 2020-12-01) or 100 (legacy)", v);
            if (v) a->price.granularity_ms = atoi(v);
        } else if (sim_cli_opt(argc, argv, &i, "--format", &v, err)) {
            if (v && strcmp(v, "text") && strcmp(v, "json"))
                SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--format", "'%s' must be text or json", v);
            if (v) a->json = strcmp(v, "json") == 0;
        } else
            SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "unknown option '%s'", argv[i]);
        if (err->code != SIM_OK) return err->code;
    }
    if (!a->oracle == !a->kernel)
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "give exactly one of --oracle FILE.csv or --kernel NAME");
    if (a->oracle && (a->images || a->threads || a->profile))
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "--images, --threads and --profile go with --kernel");
    return SIM_OK;
}

/* ---- outputs ------------------------------------------------------------ */

typedef struct size_report {
    const size_args *a;
    const mdl_size_result *r;
    const char *source;        /* the oracle file or "kernel NAME" */
    bool has_init;
    double init_ms;
    const char *runtime;
    const char *catalog;       /* the price catalogue's path */
} size_report;

static json_object *report_json(const size_report *s)
{
    const mdl_size_result *r = s->r;
    const mdl_size_point *b = &r->points[r->best];
    json_object *o = json_object_new_object();
    /* Power Tuning's keys first (analyzer.js), then ours. */
    sim_json_add_int(o, "power", b->memory_mb);
    sim_json_add_double(o, "cost", b->price_usd);
    sim_json_add_double(o, "duration", b->duration_ms);
    sim_json_add_string(o, "strategy", mdl_size_strategy_name(r->strategy));
    if (r->strategy == MDL_SIZE_BALANCED) sim_json_add_double(o, "balancedWeight", r->balanced_weight);
    sim_json_add_string(o, "method", mdl_size_method_name(r->method));
    sim_json_add_string(o, "model", r->model);
    sim_json_add_int(o, "samples_used", (int64_t)r->n_sampled);
    json_object *sa = json_object_new_array();
    for (size_t i = 0; i < r->n_sampled; i++) json_object_array_add(sa, json_object_new_int(r->sampled[i]));
    json_object_object_add(o, "sampled", sa);
    sim_json_add_int(o, "grid_sizes", (int64_t)r->n);
    sim_json_add_bool(o, "measured", b->measured);
    sim_json_add_double(o, "durationLow", b->duration_lo);
    sim_json_add_double(o, "durationHigh", b->duration_hi);
    sim_json_add_double(o, "cost_usd", b->price_usd);
    sim_json_add_string(o, "source", s->source);
    sim_json_add_string(o, "arch", s->a->price.arm64 ? "arm64" : "x86_64");
    sim_json_add_int(o, "billing_granularity_ms", s->a->price.granularity_ms);
    sim_json_add_string(o, "pricing", "first-tier rate of the catalogue, request fee included");
    sim_json_add_string(o, "catalog", s->catalog ? s->catalog : "");
    if (s->has_init) {
        json_object *in = json_object_new_object();
        sim_json_add_string(in, "runtime", s->runtime);
        sim_json_add_double(in, "duration_ms", s->init_ms);
        sim_json_add_bool(in, "billed", mdl_perf_init_billed(NULL, false));
        sim_json_add_string(in, "source", "maxday/lambda-perf 2026-08-22 median");
        json_object_object_add(o, "init", in);
    }
    json_object *st = json_object_new_array();
    for (size_t i = 0; i < r->n; i++) {
        const mdl_size_point *p = &r->points[i];
        json_object *e = json_object_new_object();
        sim_json_add_int(e, "value", p->memory_mb);
        sim_json_add_double(e, "averageDuration", p->failed ? 0 : p->duration_ms);
        sim_json_add_double(e, "averagePrice", p->failed ? 0 : p->price_usd);
        sim_json_add_bool(e, "measured", p->measured);
        sim_json_add_bool(e, "failed", p->failed);
        sim_json_add_double(e, "durationLow", p->failed ? 0 : p->duration_lo);
        sim_json_add_double(e, "durationHigh", p->failed ? 0 : p->duration_hi);
        sim_json_add_double(e, "priceLow", p->failed ? 0 : p->price_lo);
        sim_json_add_double(e, "priceHigh", p->failed ? 0 : p->price_hi);
        if (p->measured) {
            sim_json_add_int(e, "invocations", p->invocations);
            sim_json_add_double(e, "totalCost", p->total_usd);
        }
        json_object_array_add(st, e);
    }
    json_object_object_add(o, "stats", st);
    json_object *sm = json_object_new_object();
    /* What Power Tuning's state machine would have cost to sample these
     * sizes: 0.000025 USD x (6 + 3N) transitions (sizing.md §2.2). */
    sim_json_add_double(sm, "executionCost", 0.000025 * (6.0 + 3.0 * (double)r->n_sampled));
    sim_json_add_double(sm, "lambdaCost", mdl_size_result_lambda_cost(r));
    char *url = mdl_size_visualization_url(r->points, r->n);
    sim_json_add_string(sm, "visualization", url);
    free(url);
    json_object_object_add(o, "stateMachine", sm);
    return o;
}

static void report_text(FILE *fp, const size_report *s)
{
    const mdl_size_result *r = s->r;
    const mdl_size_point *b = &r->points[r->best];
    fprintf(fp, "lambdasim size: %s, method %s (model %s), strategy %s", s->source,
            mdl_size_method_name(r->method), r->model, mdl_size_strategy_name(r->strategy));
    if (r->strategy == MDL_SIZE_BALANCED) fprintf(fp, " (weight %g)", r->balanced_weight);
    fprintf(fp, "\npricing: %s, %d-ms billing, request fee included (%s, first tier)\n",
            s->a->price.arm64 ? "arm64" : "x86_64", s->a->price.granularity_ms,
            s->catalog ? s->catalog : "catalogue");
    fprintf(fp, "recommended: %d MB, %.1f ms [%.1f, %.1f], $%.6g per invocation (%s)\n",
            b->memory_mb, b->duration_ms, b->duration_lo, b->duration_hi, b->price_usd,
            b->measured ? "measured" : "predicted");
    if (s->has_init)
        fprintf(fp, "cold start: INIT %.1f ms (%s median), billed since 2025-08-01\n", s->init_ms,
                s->runtime);
    fprintf(fp, "samples used: %zu of %zu sizes:", r->n_sampled, r->n);
    for (size_t i = 0; i < r->n_sampled; i++) fprintf(fp, " %d", r->sampled[i]);
    fprintf(fp, "\nsampling cost (lambdaCost): $%.6g\n", mdl_size_result_lambda_cost(r));
    char *url = mdl_size_visualization_url(r->points, r->n);
    fprintf(fp, "visualization: %s\n\n", url);
    free(url);
    fprintf(fp, "%9s  %-9s  %12s  %25s  %13s  %27s\n", "memory_mb", "source", "duration_ms",
            "95% band (ms)", "price_usd", "95% band (USD)");
    for (size_t i = 0; i < r->n; i++) {
        const mdl_size_point *p = &r->points[i];
        const char *src = p->measured ? "measured" : "predicted";
        if (p->failed) {
            fprintf(fp, "%9d  %-9s  %12s\n", p->memory_mb, src, "out of memory");
            continue;
        }
        fprintf(fp, "%9d  %-9s  %12.4f  [%10.4f, %10.4f]  %13.6e  [%12.6e, %12.6e]%s\n",
                p->memory_mb, src, p->duration_ms, p->duration_lo, p->duration_hi, p->price_usd,
                p->price_lo, p->price_hi, (int)i == r->best ? "  <- recommended" : "");
    }
}

static sim_status write_charts(const size_report *s, const char *dir, sim_error *err)
{
    const mdl_size_result *r = s->r;
    size_t n = r->n;
    double *v = sim_xcalloc(7 * n, sizeof *v);
    double *x = v, *y = v + n, *lo = v + 2 * n, *hi = v + 3 * n, *cy = v + 4 * n,
           *clo = v + 5 * n, *chi = v + 6 * n;
    bool *mk = sim_xcalloc(n, sizeof *mk);
    for (size_t i = 0; i < n; i++) {
        const mdl_size_point *p = &r->points[i];
        x[i] = p->memory_mb;
        mk[i] = p->measured;
        /* Costs in USD per million invocations keep the tick labels short. */
        y[i] = p->failed ? NAN : p->duration_ms;
        lo[i] = p->failed ? NAN : p->duration_lo;
        hi[i] = p->failed ? NAN : p->duration_hi;
        cy[i] = p->failed ? NAN : p->price_usd * 1e6;
        clo[i] = p->failed ? NAN : p->price_lo * 1e6;
        chi[i] = p->failed ? NAN : p->price_hi * 1e6;
    }
    char title[256], hl[64], path[PATH_MAX];
    snprintf(hl, sizeof hl, "recommended %d MB", r->points[r->best].memory_mb);
    snprintf(title, sizeof title, "Duration vs memory (%s, %zu sizes sampled)",
             mdl_size_method_name(r->method), r->n_sampled);
    rpt_band_chart c = {.title = title, .x_label = "memory (MB)", .y_label = "duration (ms)",
                        .n = n, .x = x, .y = y, .lo = lo, .hi = hi, .marked = mk,
                        .curve_label = "model / measured mean", .band_label = "95% band",
                        .marker_label = "sampled size", .highlight_x = r->points[r->best].memory_mb,
                        .highlight_label = hl, .shade_to_x = NAN, .shade_label = "out of memory"};
    /* Grey out the sizes that fail, up to the first one that runs. */
    for (size_t i = 0; i < n && r->points[i].failed; i++)
        c.shade_to_x = i + 1 < n ? r->points[i + 1].memory_mb : r->points[i].memory_mb;
    snprintf(path, sizeof path, "%s/duration.svg", dir);
    sim_status st = rpt_band_chart_svg(&c, path, err);
    if (st == SIM_OK) {
        snprintf(title, sizeof title, "Cost vs memory (%s, %s, %d-ms billing)",
                 s->a->price.arm64 ? "arm64" : "x86_64", mdl_size_method_name(r->method),
                 s->a->price.granularity_ms);
        c.title = title;
        c.y_label = "cost (USD per 1M invocations)";
        c.y = cy;
        c.lo = clo;
        c.hi = chi;
        snprintf(path, sizeof path, "%s/cost.svg", dir);
        st = rpt_band_chart_svg(&c, path, err);
    }
    free(v);
    free(mk);
    return st;
}

static sim_status write_outputs(const size_report *s, sim_error *err)
{
    json_object *j = report_json(s);
    char *js = sim_json_to_string(j);
    json_object_put(j);
    sim_status st = SIM_OK;
    if (s->a->json) fputs(js, stdout);
    else report_text(stdout, s);
    if (s->a->out) {
        char path[PATH_MAX];
        st = sim_mkdir_p(s->a->out, err);
        if (st == SIM_OK) {
            snprintf(path, sizeof path, "%s/size.json", s->a->out);
            st = sim_write_file_atomic(path, js, strlen(js), err);
        }
        if (st == SIM_OK) {
            sim_atomic a;
            snprintf(path, sizeof path, "%s/size.txt", s->a->out);
            st = sim_atomic_open(&a, path, err);
            if (st == SIM_OK) {
                report_text(a.fp, s);
                st = sim_atomic_commit(&a, err);
            }
        }
        if (st == SIM_OK) st = write_charts(s, s->a->out, err);
    }
    free(js);
    return st;
}

/* ---- the command --------------------------------------------------------- */

static const char *data_dir(void)
{
    const char *d = getenv("LAMBDASIM_DATA");
    return d && *d ? d : "data";
}

int rpt_cmd_size(int argc, char **argv)
{
    if (sim_cli_wants_help(argc, argv)) {
        fputs(k_usage, stdout);
        return 0;
    }
    sim_error err;
    sim_error_clear(&err);
    size_args a;
    mdl_catalog *cat = NULL;
    catalog_price_ctx cp = { NULL, MDL_ARCH_X86_64, 1 };
    if (parse_args(argc, argv, &a, &err) != SIM_OK) {
        int rc = sim_cli_fail(&err);
        fputs("usage: see lambdasim size --help\n", stderr);
        return rc;
    }
    oracle orc = {0};
    kernel_src ks = {0};
    mdl_perf_init_table *it = NULL;
    int *grid = sim_xcalloc((size_t)(a.gmax - a.gmin) / (size_t)a.gstep + 2, sizeof *grid);
    size_t ng = 0;
    mdl_size_result *r = NULL;
    size_report rep = {.a = &a};
    char source[PATH_MAX + 32];
    sim_status st;
    mdl_size_sample_fn fn;
    void *ctx;
    if (a.oracle) {
        if ((st = oracle_load(a.oracle, &orc, &err)) != SIM_OK) goto out;
        grid = sim_xrealloc(grid, orc.n_sizes * sizeof *grid);
        for (size_t i = 0; i < orc.n_sizes; i++)
            if (orc.sizes[i].memory_mb >= a.gmin && orc.sizes[i].memory_mb <= a.gmax)
                grid[ng++] = orc.sizes[i].memory_mb;
        if (ng < 2) {
            st = SIM_ERR(&err, SIM_EUSAGE, a.oracle, 0, "--grid",
                         "only %zu of the oracle's memory sizes lie inside --grid %d:%d (need 2)",
                         ng, a.gmin, a.gmax);
            goto out;
        }
        fn = oracle_sample;
        ctx = &orc;
        snprintf(source, sizeof source, "oracle %s", a.oracle);
    } else {
        char prof[PATH_MAX];
        if (a.profile) snprintf(prof, sizeof prof, "%s", a.profile);
        else snprintf(prof, sizeof prof, "%s/profiles/default.json", data_dir());
        if ((st = mdl_perf_profile_load(prof, a.kernel, &ks.k, &err)) != SIM_OK) goto out;
        if (a.threads) ks.k.threads = a.threads;
        if (a.images) {
            if ((st = images_load(a.images, &ks.mp, &ks.n_in, &err)) != SIM_OK) goto out;
        } else {
            ks.mp = sim_xmalloc(sizeof *ks.mp);
            ks.mp[0] = ks.k.megapixels;
            ks.n_in = 1;
        }
        ks.rows = sim_xcalloc(ks.n_in, sizeof *ks.rows);
        for (int m = a.gmin; m <= a.gmax; m += a.gstep) grid[ng++] = m;
        if (ng < 2) {
            st = SIM_ERR(&err, SIM_EUSAGE, NULL, 0, "--grid", "the grid has fewer than 2 sizes");
            goto out;
        }
        char ip[PATH_MAX];
        snprintf(ip, sizeof ip, "%s/sizing/lambda_cold_start_maxday_2026-08-22.csv", data_dir());
        if ((st = mdl_perf_init_table_load(ip, &it, &err)) != SIM_OK) goto out;
        fn = kernel_sample;
        ctx = &ks;
        snprintf(source, sizeof source, "kernel %s (%zu input%s)", a.kernel, ks.n_in,
                 ks.n_in == 1 ? "" : "s");
    }
    a.opts.grid = grid;
    a.opts.n_grid = ng;
    if (a.catalog) st = mdl_catalog_load(a.catalog, &cat, &err);
    else st = mdl_catalog_load_region(a.region ? a.region : "us-east-1", "--region", 0, NULL, &cat, &err);
    if (st != SIM_OK) goto out;
    cp.cat = cat;
    cp.arch = a.price.arm64 ? MDL_ARCH_ARM64 : MDL_ARCH_X86_64;
    cp.granularity_ms = a.price.granularity_ms;
    {
        double probe;
        /* Fail now, naming the missing rate, rather than pricing NaN later. */
        if ((st = mdl_price_lambda_invocation(cat, cp.arch, 1024, 100, cp.granularity_ms, &probe,
                                              &err)) != SIM_OK)
            goto out;
    }
    a.opts.cost_fn = catalog_price;
    a.opts.cost_ctx = &cp;
    if ((st = mdl_size_run(&a.opts, fn, ctx, &r, &err)) != SIM_OK) goto out;
    if (r->best < 0) {
        st = SIM_ERR(&err, SIM_ERUN, a.oracle ? a.oracle : a.kernel, 0, NULL,
                     "every sampled memory size failed (out of memory); nothing to recommend");
        goto out;
    }
    rep.r = r;
    rep.source = source;
    rep.catalog = mdl_catalog_path(cat);
    if (it) {
        rep.runtime = ks.k.runtime;
        if ((st = mdl_perf_init_ms(it, ks.k.runtime, a.price.arm64 ? "arm64" : "x86_64",
                                   r->points[r->best].memory_mb, &rep.init_ms, &err)) != SIM_OK)
            goto out;
        rep.has_init = true;
    }
    st = write_outputs(&rep, &err);
out:
    mdl_catalog_destroy(cat);
    mdl_size_result_destroy(r);
    mdl_perf_init_table_destroy(it);
    oracle_fini(&orc);
    free(ks.mp);
    free(ks.rows);
    free(grid);
    return st == SIM_OK ? 0 : sim_cli_fail(&err);
}
