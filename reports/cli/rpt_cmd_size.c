/* rpt_cmd_size.c - `lambdasim size`: recommend a Lambda memory size.
 *
 * Three sources of durations, one sizing run (mdl_size.h):
 *  - --oracle FILE.csv: measured durations (mdl_size_oracle.h), a size's
 *    rows handed over only when a method asks for that size, all at once or
 *    --invocations N at a time (repeats then see fresh rows);
 *  - --kernel NAME: the performance model (mdl_perf.h) with the kernel's
 *    parameters from a profile, one row per image of --images DIR, or one
 *    row at --megapixels N (default: the profile's); a model has no noise;
 *  - --config F --function NAME: a function of a run config, its kernel,
 *    handler time and service calls over the workload's request classes,
 *    priced as the config prices it (rpt_cmd_size.h); bo's prior mean is the
 *    performance model; --write-config OUT writes the config back with the
 *    recommended memory.
 * The profile a kernel came from is named in every output, with a warning
 * on stderr when it is the placeholder or its fit is poor (mdl_perf.h).
 * Prices come from a price catalogue (mdl_size_pricer: exact first-tier
 * rates, request fee included).
 * Outputs: Power Tuning-compatible JSON (plus our fields), a text table, and
 * with --out DIR: size.json, size.txt, duration.svg and cost.svg, each
 * written atomically.
 */
#include "reports/cli/rpt_cmd.h"
#include "reports/cli/rpt_cli_data.h"
#include "reports/cli/rpt_cmd_size.h"
#include "models/sizing/mdl_perf.h"
#include "models/pricing/mdl_pricing.h"
#include "models/sizing/mdl_size.h"
#include "models/sizing/mdl_size_oracle.h"
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
    "usage: lambdasim size (--oracle FILE.csv [--invocations N]\n"
    "                      | --kernel NAME [--images DIR | --megapixels N] [--threads N]\n"
    "                      | --config F.json --function NAME [--megapixels N | --bytes N]\n"
    "                        [--invocations N] [--write-config OUT.json])\n"
    "                      [--method exhaustive|bo|parametric]      (default bo)\n"
    "                      [--strategy cost|speed|balanced] [--balanced-weight W]\n"
    "                      [--grid MIN:MAX:STEP]                    (default 128:10240:64)\n"
    "                      [--arch x86_64|arm64] [--billing-granularity-ms 1|100]\n"
    "                      [--region R | --catalog FILE.json]\n"
    "                      [--budget N] [--profile FILE.json] [--bo-mean parametric|constant]\n"
    "                      [--format text|json] [--out DIR] [--data DIR] [--set KEY=VALUE ...]\n"
    "\n"
    "Recommends a Lambda memory size (README \"Sizing\").\n"
    "  --oracle F      measured durations, CSV header memory_mb,duration_ms; a method\n"
    "                  reads a size's rows only when it samples that size; the grid is\n"
    "                  the oracle's sizes inside --grid's MIN..MAX\n"
    "  --invocations N rows per sample (Power Tuning's num): oracle default all the\n"
    "                  rows of a size at once, config default 10; repeats of a size\n"
    "                  read the next N\n"
    "  --kernel NAME   lambdasim's performance model for a kernel of the profile\n"
    "  --images DIR    kernel mode: one invocation per JPEG/PNG in DIR\n"
    "  --megapixels N  kernel or config mode: one input of N megapixels\n"
    "  --threads N     kernel mode: override the kernel's thread count\n"
    "  --profile F     kernel parameters (default DATA/profiles/default.json:\n"
    "                  placeholders, see `lambdasim profile`)\n"
    "  --data DIR      the data directory DATA (default $LAMBDASIM_DATA, else the\n"
    "                  installed share/lambdasim, else ./data)\n"
    "  --set K=V       with --config: override the config's key K (dotted path;\n"
    "                  V is JSON if it parses, else a string; repeatable)\n"
    "  --config F      a run config; --function NAME the function to size with its\n"
    "                  kernel, handler time, calls and payloads over the workload's\n"
    "                  request mix, priced with the config's region, architecture and\n"
    "                  billing; --bytes N one request payload of N bytes instead\n"
    "  --write-config OUT  write the config with the recommended memory_mb\n"
    "  --method        exhaustive (Power Tuning), bo (COSE GP + EI, noise-aware),\n"
    "                  parametric (Parrotfish fit)\n"
    "  --strategy      cost (default), speed or balanced, as in Power Tuning\n"
    "  --balanced-weight W  0 = speed .. 1 = cost (default 0.5, clamped)\n"
    "  --budget N      most batches (sizes and repeats) bo/parametric may sample\n"
    "                  (default 18; the last third only repeats measured sizes)\n"
    "  --bo-mean       the GP's prior mean: the parametric fit (default; the\n"
    "                  performance model in config mode) or constant (COSE)\n"
    "  --arch, --billing-granularity-ms  pricing (default x86_64, 1 ms); costs\n"
    "                  include the request fee\n"
    "  --region R      price catalogue of region R (default us-east-1)\n"
    "  --catalog F     another price catalogue file\n"
    "  --format        text (default) or json (Power Tuning keys plus ours)\n"
    "  --out DIR       write size.json, size.txt, duration.svg, cost.svg\n";

/* ---- kernel mode -------------------------------------------------------- */

typedef struct kernel_src {
    mdl_perf_kernel k;
    double *mp;    /* megapixels per input */
    size_t n_in;
    double *rows;  /* n_in */
} kernel_src;

static sim_status kernel_sample(void *ctx, int memory_mb, int batch, const double **d,
                                size_t *n, sim_error *err)
{
    (void)err;
    (void)batch;
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
    const char *oracle, *kernel, *config, *function, *images, *profile, *out, *write_config;
    const char *region, *catalog;
    const char *data;        /* --data DIR, resolved (rpt_cli_data.h) */
    const char **sets;       /* --set KEY=VALUE for --config, in order (argc slots) */
    size_t nset;
    int threads;             /* 0: the profile's */
    int invocations;         /* 0: the source's default */
    double megapixels, bytes; /* NAN: not given */
    int gmin, gmax, gstep;
    bool json, arm64, priced_by_args; /* priced_by_args: --arch/--region/... given */
    int granularity_ms;
    mdl_size_opts opts;
} size_args;

static sim_status parse_grid(const char *s, size_args *a, sim_error *err)
{
    /* Three strict integers (sim_num: no white space, sign or hex). */
    int64_t v[3];
    const char *p = s;
    for (int i = 0; i < 3; i++) {
        const char *end = i < 2 ? strchr(p, ':') : p + strlen(p);
        if (!end || sim_num_i64(p, (size_t)(end - p), &v[i]) != SIM_NUM_OK)
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

/* The string options, by name: one table, so adding one is one line. */
static bool string_opt(int argc, char **argv, int *i, size_args *a, sim_error *err)
{
    const struct { const char *name; const char **dst; } opts[] = {
        {"--oracle", &a->oracle},   {"--kernel", &a->kernel},   {"--config", &a->config},
        {"--function", &a->function}, {"--images", &a->images}, {"--profile", &a->profile},
        {"--out", &a->out},         {"--region", &a->region},   {"--catalog", &a->catalog},
        {"--write-config", &a->write_config}, {"--data", &a->data},
    };
    for (size_t k = 0; k < sizeof opts / sizeof *opts; k++) {
        const char *v = NULL;
        if (sim_cli_opt(argc, argv, i, opts[k].name, &v, err)) {
            if (v) *opts[k].dst = v;
            if (!strcmp(opts[k].name, "--region") || !strcmp(opts[k].name, "--catalog"))
                a->priced_by_args = true;
            return true;
        }
    }
    return false;
}

/* Numeric options of the sources and the methods. */
static bool number_opt(int argc, char **argv, int *i, size_args *a, sim_error *err)
{
    const char *v = NULL;
    int64_t iv = 0;
    double dv = 0;
    if (sim_cli_opt(argc, argv, i, "--threads", &v, err)) {
        if (v && sim_cli_parse_int("--threads", v, 1, 1024, &iv, err) == SIM_OK) a->threads = (int)iv;
    } else if (sim_cli_opt(argc, argv, i, "--invocations", &v, err)) {
        if (v && sim_cli_parse_int("--invocations", v, 1, 100000, &iv, err) == SIM_OK) a->invocations = (int)iv;
    } else if (sim_cli_opt(argc, argv, i, "--budget", &v, err)) {
        if (v && sim_cli_parse_int("--budget", v, 1, 100000, &iv, err) == SIM_OK) a->opts.budget = (int)iv;
    } else if (sim_cli_opt(argc, argv, i, "--megapixels", &v, err)) {
        if (v && sim_cli_parse_double("--megapixels", v, 1e-6, 1e4, &dv, err) == SIM_OK) a->megapixels = dv;
    } else if (sim_cli_opt(argc, argv, i, "--bytes", &v, err)) {
        if (v && sim_cli_parse_double("--bytes", v, 0, 1e12, &dv, err) == SIM_OK) a->bytes = dv;
    } else if (sim_cli_opt(argc, argv, i, "--balanced-weight", &v, err)) {
        /* Power Tuning clamps the weight to [0, 1] rather than refusing it. */
        if (v && sim_cli_parse_double("--balanced-weight", v, -1e300, 1e300, &dv, err) == SIM_OK)
            a->opts.balanced_weight = fmin(fmax(dv, 0.0), 1.0);
    } else if (sim_cli_opt(argc, argv, i, "--grid", &v, err)) {
        if (v) (void)parse_grid(v, a, err);
    } else {
        return false;
    }
    return true;
}

/* Options that pick one of a few names. */
static bool choice_opt(int argc, char **argv, int *i, size_args *a, sim_error *err)
{
    const char *v = NULL;
    if (sim_cli_opt(argc, argv, i, "--method", &v, err)) {
        if (v && !mdl_size_method_parse(v, &a->opts.method))
            SIM_ERR(err, SIM_EUSAGE, NULL, 0, "--method", "unknown method '%s' (exhaustive, bo, parametric)", v);
    } else if (sim_cli_opt(argc, argv, i, "--strategy", &v, err)) {
        if (v && !mdl_size_strategy_parse(v, &a->opts.strategy))
            SIM_ERR(err, SIM_EUSAGE, NULL, 0, "--strategy", "unknown strategy '%s' (cost, speed, balanced)", v);
    } else if (sim_cli_opt(argc, argv, i, "--bo-mean", &v, err)) {
        if (v && strcmp(v, "constant") && strcmp(v, "parametric"))
            SIM_ERR(err, SIM_EUSAGE, NULL, 0, "--bo-mean", "'%s' must be constant or parametric", v);
        else if (v) a->opts.bo_constant_mean = strcmp(v, "constant") == 0;
    } else if (sim_cli_opt(argc, argv, i, "--arch", &v, err)) {
        if (v && strcmp(v, "x86_64") && strcmp(v, "arm64"))
            SIM_ERR(err, SIM_EUSAGE, NULL, 0, "--arch", "unknown architecture '%s' (x86_64, arm64)", v);
        else if (v) a->arm64 = strcmp(v, "arm64") == 0;
        a->priced_by_args = true;
    } else if (sim_cli_opt(argc, argv, i, "--billing-granularity-ms", &v, err)) {
        if (v && strcmp(v, "1") && strcmp(v, "100"))
            SIM_ERR(err, SIM_EUSAGE, NULL, 0, "--billing-granularity-ms",
                    "'%s' must be 1 (since 2020-12-01) or 100 (legacy)", v);
        else if (v) a->granularity_ms = atoi(v);
        a->priced_by_args = true;
    } else if (sim_cli_opt(argc, argv, i, "--format", &v, err)) {
        if (v && strcmp(v, "text") && strcmp(v, "json"))
            SIM_ERR(err, SIM_EUSAGE, NULL, 0, "--format", "'%s' must be text or json", v);
        else if (v) a->json = strcmp(v, "json") == 0;
    } else {
        return false;
    }
    return true;
}

/* Which options go with which source. */
static sim_status check_args(const size_args *a, sim_error *err)
{
    int sources = !!a->oracle + !!a->kernel + !!a->config;
    if (sources != 1)
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL,
                 "give exactly one of --oracle FILE.csv, --kernel NAME or --config F.json --function NAME");
    if (!a->kernel && (a->images || a->threads || a->profile))
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "--images, --threads and --profile go with --kernel");
    if (!a->config && (a->function || a->write_config || !isnan(a->bytes) || a->nset))
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL,
                 "--function, --bytes, --set and --write-config go with --config");
    if (a->config && !a->function)
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--function", "--config needs --function NAME");
    if (a->config && a->priced_by_args)
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "--config prices with the config's region, architecture "
                 "and billing; drop --arch, --billing-granularity-ms, --region and --catalog");
    if (!isnan(a->megapixels) && (a->oracle || a->images || !isnan(a->bytes)))
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--megapixels",
                 "--megapixels goes with --kernel (without --images) or --config (without --bytes)");
    if (a->invocations && a->kernel)
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--invocations",
                 "--invocations goes with --oracle or --config (a kernel model has no noise to sample)");
    return SIM_OK;
}

static sim_status parse_args(int argc, char **argv, size_args *a, sim_error *err)
{
    memset(a, 0, sizeof *a);
    mdl_size_opts_init(&a->opts);
    a->gmin = 128;
    a->gmax = 10240;
    a->gstep = 64;
    a->granularity_ms = 1;
    a->megapixels = a->bytes = NAN;
    a->sets = sim_xcalloc((size_t)argc, sizeof *a->sets);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (sim_cli_opt(argc, argv, &i, "--set", &v, err)) {
            if (v) a->sets[a->nset++] = v;
        } else if (!string_opt(argc, argv, &i, a, err) && err->code == SIM_OK &&
            !number_opt(argc, argv, &i, a, err) && err->code == SIM_OK &&
            !choice_opt(argc, argv, &i, a, err) && err->code == SIM_OK)
            SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "unknown option '%s'", argv[i]);
        if (err->code != SIM_OK) return err->code;
    }
    SIM_TRY(check_args(a, err));
    return rpt_cli_data_dir(a->data, &a->data, err);
}

/* ---- sources ------------------------------------------------------------ */

typedef struct size_src {
    char label[PATH_MAX + 96];
    int *grid;
    size_t n_grid;
    mdl_size_sample_fn fn;
    void *ctx;
    double *prior_ms;                 /* config mode: the performance model */
    mdl_size_oracle orc;
    kernel_src ks;
    rpt_size_fn *cfn;
    const mdl_perf_kernel *kernel;    /* the kernel sized, or NULL */
    mdl_perf_init_table *init;        /* kernel mode: INIT medians */
    mdl_catalog *own_cat;
    const mdl_catalog *cat;
    mdl_arch arch;
    int granularity_ms;
} size_src;

static void grid_from_args(const size_args *a, size_src *s)
{
    s->grid = sim_xcalloc((size_t)(a->gmax - a->gmin) / (size_t)a->gstep + 2, sizeof *s->grid);
    for (int m = a->gmin; m <= a->gmax; m += a->gstep) s->grid[s->n_grid++] = m;
}

static sim_status src_oracle(const size_args *a, size_src *s, sim_error *err)
{
    SIM_TRY(mdl_size_oracle_load(a->oracle, &s->orc, err));
    s->orc.batch_rows = a->invocations;
    s->grid = sim_xcalloc(s->orc.n_sizes, sizeof *s->grid);
    for (size_t i = 0; i < s->orc.n_sizes; i++)
        if (s->orc.sizes[i].memory_mb >= a->gmin && s->orc.sizes[i].memory_mb <= a->gmax)
            s->grid[s->n_grid++] = s->orc.sizes[i].memory_mb;
    if (s->n_grid < 2)
        SIM_FAIL(err, SIM_EUSAGE, a->oracle, 0, "--grid",
                 "only %zu of the oracle's memory sizes lie inside --grid %d:%d (need 2)", s->n_grid,
                 a->gmin, a->gmax);
    s->fn = mdl_size_oracle_sample;
    s->ctx = &s->orc;
    snprintf(s->label, sizeof s->label, "oracle %s", a->oracle);
    return SIM_OK;
}

static sim_status src_kernel(const size_args *a, size_src *s, sim_error *err)
{
    char prof[PATH_MAX], ip[PATH_MAX];
    if (a->profile) snprintf(prof, sizeof prof, "%s", a->profile);
    else snprintf(prof, sizeof prof, "%s/profiles/default.json", a->data);
    kernel_src *ks = &s->ks;
    SIM_TRY(mdl_perf_profile_load(prof, a->kernel, &ks->k, err));
    if (a->threads) ks->k.threads = a->threads;
    if (a->images) {
        SIM_TRY(images_load(a->images, &ks->mp, &ks->n_in, err));
    } else {
        ks->mp = sim_xmalloc(sizeof *ks->mp);
        ks->mp[0] = !isnan(a->megapixels) ? a->megapixels : ks->k.megapixels;
        ks->n_in = 1;
    }
    ks->rows = sim_xcalloc(ks->n_in, sizeof *ks->rows);
    grid_from_args(a, s);
    if (s->n_grid < 2) SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--grid", "the grid has fewer than 2 sizes");
    snprintf(ip, sizeof ip, "%s/sizing/lambda_cold_start_maxday_2026-08-22.csv", a->data);
    SIM_TRY(mdl_perf_init_table_load(ip, &s->init, err));
    s->fn = kernel_sample;
    s->ctx = ks;
    s->kernel = &ks->k;
    if (ks->n_in == 1)
        snprintf(s->label, sizeof s->label, "kernel %s (1 input, %g MP)", a->kernel, ks->mp[0]);
    else
        snprintf(s->label, sizeof s->label, "kernel %s (%zu inputs)", a->kernel, ks->n_in);
    return SIM_OK;
}

static sim_status src_config(const size_args *a, size_src *s, sim_error *err)
{
    mdl_config_opts opts = { .data_dir = a->data, .set = a->sets, .nset = a->nset };
    SIM_TRY(rpt_size_fn_open(a->config, &opts, a->function, a->megapixels, a->bytes,
                             a->invocations, &s->cfn, err));
    const mdl_config *cfg = rpt_size_fn_config(s->cfn);
    const mdl_function_cfg *f = rpt_size_fn_function(s->cfn);
    grid_from_args(a, s);
    if (s->n_grid < 2) SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--grid", "the grid has fewer than 2 sizes");
    s->prior_ms = sim_xcalloc(s->n_grid, sizeof *s->prior_ms);
    rpt_size_fn_prior(s->cfn, s->grid, s->n_grid, s->prior_ms);
    s->fn = rpt_size_fn_sample;
    s->ctx = s->cfn;
    s->kernel = f->has_kernel ? &f->kernel : NULL;
    s->cat = cfg->catalog;
    s->arch = f->arch;
    s->granularity_ms = cfg->granularity_ms;
    snprintf(s->label, sizeof s->label, "function %s of %s (%s%s)", f->name, a->config,
             f->has_kernel ? "kernel " : "no kernel: duration does not depend on memory",
             f->has_kernel ? f->kernel.name : "");
    return SIM_OK;
}

/* The catalogue (the config's, or --catalog / --region's) and its rates. */
static sim_status src_pricing(const size_args *a, size_src *s, mdl_size_pricer *pricer,
                              sim_error *err)
{
    if (!s->cat) {
        if (a->catalog) SIM_TRY(mdl_catalog_load(a->catalog, &s->own_cat, err));
        else SIM_TRY(mdl_catalog_load_region(a->data, a->region ? a->region : "us-east-1", "--region",
                                             0, NULL, &s->own_cat, err));
        s->cat = s->own_cat;
        s->arch = a->arm64 ? MDL_ARCH_ARM64 : MDL_ARCH_X86_64;
        s->granularity_ms = a->granularity_ms;
    }
    /* Fail now, naming a missing rate, rather than pricing NaN later. */
    return mdl_size_pricer_init(pricer, s->cat, s->arch, s->granularity_ms, err);
}

static sim_status src_open(const size_args *a, size_src *s, sim_error *err)
{
    memset(s, 0, sizeof *s);
    if (a->oracle) return src_oracle(a, s, err);
    if (a->kernel) return src_kernel(a, s, err);
    return src_config(a, s, err);
}

static void src_fini(size_src *s)
{
    mdl_size_oracle_fini(&s->orc);
    free(s->ks.mp);
    free(s->ks.rows);
    rpt_size_fn_close(s->cfn);
    mdl_perf_init_table_destroy(s->init);
    mdl_catalog_destroy(s->own_cat);
    free(s->grid);
    free(s->prior_ms);
}

/* ---- outputs ------------------------------------------------------------ */

typedef struct size_report {
    const size_args *a;
    const size_src *src;
    const mdl_size_result *r;
    bool has_init;
    double init_ms;
    char warnings[1024];      /* the profile's, '\n'-separated ("" none) */
} size_report;

static void json_profile(json_object *o, const size_report *s)
{
    const mdl_perf_kernel *k = s->src->kernel;
    json_object *p = json_object_new_object();
    sim_json_add_string(p, "path", k->profile);
    sim_json_add_string(p, "kernel", k->name);
    sim_json_add_bool(p, "placeholder", k->placeholder);
    if (isfinite(k->fit_r2)) sim_json_add_double(p, "fit_r2", k->fit_r2);
    if (isfinite(k->speedup_2_threads)) sim_json_add_double(p, "speedup_2_threads", k->speedup_2_threads);
    json_object *w = json_object_new_array();
    char buf[sizeof s->warnings];
    snprintf(buf, sizeof buf, "%s", s->warnings);
    char *save = NULL;
    for (char *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save))
        json_object_array_add(w, json_object_new_string(t));
    json_object_object_add(p, "warnings", w);
    json_object_object_add(o, "profile", p);
}

/* Our fields about the run: sampling, the interval, pricing, the source. */
static void json_ours(json_object *o, const size_report *s)
{
    const mdl_size_result *r = s->r;
    const mdl_size_point *b = &r->points[r->best];
    sim_json_add_string(o, "method", mdl_size_method_name(r->method));
    sim_json_add_string(o, "model", r->model);
    sim_json_add_int(o, "samples_used", (int64_t)r->n_sampled);
    sim_json_add_int(o, "batches_used", (int64_t)r->n_batches);
    json_object *sa = json_object_new_array();
    for (size_t i = 0; i < r->n_batches; i++) json_object_array_add(sa, json_object_new_int(r->sampled[i]));
    json_object_object_add(o, "sampled", sa);
    sim_json_add_string(o, "stopped", r->stop);
    if (isfinite(r->noise_sd)) sim_json_add_double(o, "noise_sd", r->noise_sd);
    sim_json_add_int(o, "grid_sizes", (int64_t)r->n);
    sim_json_add_bool(o, "measured", b->measured);
    json_object *w = json_object_new_object();
    sim_json_add_double(w, "percent", 100 * r->within);
    sim_json_add_int(w, "min_mb", r->within_lo_mb);
    sim_json_add_int(w, "max_mb", r->within_hi_mb);
    json_object_object_add(o, "within", w);
    sim_json_add_double(o, "durationLow", b->duration_lo);
    sim_json_add_double(o, "durationHigh", b->duration_hi);
    sim_json_add_double(o, "cost_usd", b->price_usd);
    sim_json_add_string(o, "source", s->src->label);
    if (s->src->cfn) sim_json_add_string(o, "inputs", rpt_size_fn_inputs(s->src->cfn));
    if (s->src->kernel) json_profile(o, s);
    sim_json_add_string(o, "arch", mdl_arch_name(s->src->arch));
    sim_json_add_int(o, "billing_granularity_ms", s->src->granularity_ms);
    sim_json_add_string(o, "pricing", "first-tier rate of the catalogue, request fee included");
    sim_json_add_string(o, "catalog", mdl_catalog_path(s->src->cat));
}

static json_object *json_stats(const mdl_size_result *r)
{
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
            sim_json_add_int(e, "batches", p->batches);
            sim_json_add_double(e, "totalCost", p->total_usd);
        }
        json_object_array_add(st, e);
    }
    return st;
}

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
    json_ours(o, s);
    if (s->has_init) {
        json_object *in = json_object_new_object();
        sim_json_add_string(in, "runtime", s->src->kernel->runtime);
        sim_json_add_double(in, "duration_ms", s->init_ms);
        sim_json_add_bool(in, "billed", mdl_perf_init_billed(NULL, false));
        sim_json_add_string(in, "source", "maxday/lambda-perf 2026-08-22 median");
        json_object_object_add(o, "init", in);
    }
    json_object_object_add(o, "stats", json_stats(r));
    json_object *sm = json_object_new_object();
    /* What Power Tuning's state machine would have cost to sample these
     * sizes: 0.000025 USD x (6 + 3N) transitions (README "Reference facts", Sizing). */
    sim_json_add_double(sm, "executionCost", 0.000025 * (6.0 + 3.0 * (double)r->n_sampled));
    sim_json_add_double(sm, "lambdaCost", mdl_size_result_lambda_cost(r));
    char *url = mdl_size_visualization_url(r->points, r->n);
    sim_json_add_string(sm, "visualization", url);
    free(url);
    json_object_object_add(o, "stateMachine", sm);
    return o;
}

/* The text report's head: what was sized, how, and the answer. */
static void text_head(FILE *fp, const size_report *s)
{
    const mdl_size_result *r = s->r;
    const mdl_size_point *b = &r->points[r->best];
    fprintf(fp, "lambdasim size: %s, method %s (model %s), strategy %s", s->src->label,
            mdl_size_method_name(r->method), r->model, mdl_size_strategy_name(r->strategy));
    if (r->strategy == MDL_SIZE_BALANCED) fprintf(fp, " (weight %g)", r->balanced_weight);
    fprintf(fp, "\npricing: %s, %d-ms billing, request fee included (%s, first tier)\n",
            mdl_arch_name(s->src->arch), s->src->granularity_ms, mdl_catalog_path(s->src->cat));
    if (s->src->kernel)
        fprintf(fp, "profile: %s (kernel %s%s)\n", s->src->kernel->profile, s->src->kernel->name,
                s->src->kernel->placeholder ? ", placeholder parameters, not measurements"
                : s->warnings[0] ? ", see the warnings" : "");
    if (s->src->cfn) fprintf(fp, "inputs: %s\n", rpt_size_fn_inputs(s->src->cfn));
    fprintf(fp, "recommended: %d MB, %.1f ms [%.1f, %.1f], $%.6g per invocation (%s); ", b->memory_mb,
            b->duration_ms, b->duration_lo, b->duration_hi, b->price_usd,
            b->measured ? "measured" : "predicted");
    if (r->within_lo_mb == r->within_hi_mb)
        fprintf(fp, "no other size is within %g%%\n", 100 * r->within);
    else
        fprintf(fp, "any of %d-%d MB is within %g%%\n", r->within_lo_mb, r->within_hi_mb, 100 * r->within);
    if (s->has_init)
        fprintf(fp, "cold start: INIT %.1f ms (%s median), billed since 2025-08-01\n", s->init_ms,
                s->src->kernel->runtime);
    fprintf(fp, "samples used: %zu of %zu sizes, %zu batches:", r->n_sampled, r->n, r->n_batches);
    for (size_t i = 0; i < r->n_batches; i++) fprintf(fp, " %d", r->sampled[i]);
    fprintf(fp, "\nstopped: %s", r->stop);
    if (isfinite(r->noise_sd)) fprintf(fp, " (learned noise %.1f%% per batch)", 100 * r->noise_sd);
    fprintf(fp, "\nsampling cost (lambdaCost): $%.6g\n", mdl_size_result_lambda_cost(r));
    char *url = mdl_size_visualization_url(r->points, r->n);
    fprintf(fp, "visualization (the %zu measured sizes): %s\n\n", r->n_sampled, url);
    free(url);
}

static void report_text(FILE *fp, const size_report *s)
{
    const mdl_size_result *r = s->r;
    text_head(fp, s);
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
                 mdl_arch_name(s->src->arch), mdl_size_method_name(r->method), s->src->granularity_ms);
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

/* Say which profile the kernel comes from when it needs saying: the
 * placeholder, a poor fit, no thread speed-up (stderr, whatever --format). */
static void warn_profile(size_report *rep)
{
    if (!rep->src->kernel) return;
    if (mdl_perf_kernel_warnings(rep->src->kernel, rep->warnings, sizeof rep->warnings) == 0) return;
    char buf[sizeof rep->warnings];
    snprintf(buf, sizeof buf, "%s", rep->warnings);
    char *save = NULL;
    for (char *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save))
        fprintf(stderr, "lambdasim size: warning: %s\n", t);
}

static sim_status run_sizing(size_args *a, const size_src *src, mdl_size_pricer *pricer,
                             mdl_size_result **r, sim_error *err)
{
    a->opts.grid = src->grid;
    a->opts.n_grid = src->n_grid;
    a->opts.cost_fn = mdl_size_price;
    a->opts.cost_ctx = pricer;
    /* A kernel model gives the same durations every time. */
    a->opts.noise_free = a->kernel != NULL;
    /* Config mode: the performance model is the GP's prior mean. */
    if (src->prior_ms && !a->opts.bo_constant_mean) a->opts.prior_ms = src->prior_ms;
    SIM_TRY(mdl_size_run(&a->opts, src->fn, src->ctx, r, err));
    if ((*r)->best < 0)
        SIM_FAIL(err, SIM_ERUN, a->oracle ? a->oracle : a->kernel ? a->kernel : a->config, 0, NULL,
                 "every sampled memory size failed (out of memory); nothing to recommend");
    return SIM_OK;
}

/* --write-config: the config with the recommendation applied. */
static sim_status write_back(const size_report *s, sim_error *err)
{
    const mdl_function_cfg *f = rpt_size_fn_function(s->src->cfn);
    int m = s->r->points[s->r->best].memory_mb;
    SIM_TRY(rpt_size_fn_write_config(s->src->cfn, m, s->a->write_config, err));
    fprintf(s->a->json ? stderr : stdout, "wrote %s: functions.%s.memory_mb %d (was %d)\n",
            s->a->write_config, f->name, m, f->memory_mb);
    return SIM_OK;
}

static sim_status size_main(size_args *a, sim_error *err)
{
    size_src src;
    mdl_size_pricer pricer;
    mdl_size_result *r = NULL;
    size_report rep = {.a = a, .src = &src};
    sim_status st = src_open(a, &src, err);
    if (st == SIM_OK) st = src_pricing(a, &src, &pricer, err);
    if (st == SIM_OK) {
        warn_profile(&rep);
        st = run_sizing(a, &src, &pricer, &r, err);
    }
    if (st == SIM_OK && src.init) {
        st = mdl_perf_init_ms(src.init, src.kernel->runtime, mdl_arch_name(src.arch),
                              r->points[r->best].memory_mb, &rep.init_ms, err);
        rep.has_init = st == SIM_OK;
    }
    rep.r = r;
    if (st == SIM_OK) st = write_outputs(&rep, err);
    if (st == SIM_OK && a->write_config) st = write_back(&rep, err);
    mdl_size_result_destroy(r);
    src_fini(&src);
    return st;
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
    int rc;
    if (parse_args(argc, argv, &a, &err) != SIM_OK) {
        rc = sim_cli_fail(&err);
        fputs("usage: see lambdasim size --help\n", stderr);
    } else {
        rc = size_main(&a, &err) == SIM_OK ? 0 : sim_cli_fail(&err);
    }
    free(a.sets);
    return rc;
}
