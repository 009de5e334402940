/* rpt_cmd_profile.c - `lambdasim profile`: time the kernels on a photo set.
 *
 * For each (kernel, image) and each thread count 1..N, the kernel runs
 * end to end (wl_kernel_run: check, decode, kernel, encode) on bytes
 * already in memory: one untimed warm-up run, then --repeat timed runs of
 * which the median CPU and wall times are kept (robust to the odd
 * preemption on a shared machine).
 *
 * The Lambda performance model needs two numbers per kernel, fitted here:
 *  - time = a + b * megapixels, ordinary least squares (gsl_fit_linear) on
 *    the 1-thread wall times, with R^2;
 *  - the parallel fraction p of Amdahl's law from the 1- and 2-thread
 *    totals: T2 = T1 * ((1 - p) + p / 2)  =>  p = 2 * (1 - T2 / T1),
 *    clamped to [0, 1] (decode and encode are serial, so p < 1); and the
 *    same for the kernel alone (kernel_parallel_fraction).
 * Images that fail the CheckImage validation are skipped and listed with
 * their error, so a real upload folder can be profiled as is.
 *
 * Adding a kernel (detect) needs no change here: the kernel list comes from
 * wl_kernel_parse and the run from wl_kernel_run.
 */
#include "reports/cli/rpt_cmd.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"
#include "models/sizing/mdl_perf.h"
#include "workloads/image/wl_kernel.h"

#include <dirent.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char k_usage[] =
    "usage: lambdasim profile --images DIR [--kernels resize,grayscale,detect]\n"
    "                         [--threads N] [--repeat N] --out profile.json\n"
    "\n"
    "Times each kernel on each JPEG/PNG in DIR at 1..N threads (default: the\n"
    "number of processors), keeping the median of --repeat runs (default 5)\n"
    "after a warm-up run.  A run is what a Lambda does: check, decode, kernel,\n"
    "encode, from bytes in memory.  Writes per-image CPU and wall times,\n"
    "megapixels and bytes, and per kernel the fit time_ms = a + b * MP and the\n"
    "parallel fraction from the 1- and 2-thread runs.  Default kernels: resize,\n"
    "grayscale and detect.\n";

#define WL__MAX_IMAGES 4096
#define WL__MAX_THREADS 64

typedef struct photo {
    char name[256];
    char *buf;
    size_t n;
    wl_image_info info;
} photo;

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const photo *)a)->name, ((const photo *)b)->name);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static bool has_photo_ext(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot) return false;
    static const char *const exts[] = { ".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG" };
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (strcmp(dot, exts[i]) == 0) return true;
    return false;
}

/* Read every photo of dir; invalid ones go to `skipped` with their error. */
static sim_status load_photos(const char *dir, photo **out, int *count, json_object *skipped,
                              sim_error *err)
{
    DIR *d = opendir(dir);
    if (!d) SIM_FAIL(err, SIM_ENOENT, dir, 0, "--images", "cannot open the image folder");
    photo *ph = sim_xcalloc(WL__MAX_IMAGES, sizeof *ph);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < WL__MAX_IMAGES)
        if (e->d_name[0] != '.' && has_photo_ext(e->d_name))
            snprintf(ph[n++].name, sizeof ph[0].name, "%s", e->d_name);
    closedir(d);
    qsort(ph, (size_t)n, sizeof *ph, cmp_name);
    wl_check_params cp;
    wl_check_params_default(&cp);
    int kept = 0;
    for (int i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, ph[i].name);
        sim_error e2;
        sim_error_clear(&e2);
        char *buf = NULL;
        size_t len = 0;
        wl_image_info info;
        if (sim_read_file(path, &buf, &len, &e2) == SIM_OK &&
            wl_check_buffer(&cp, (const uint8_t *)buf, len, path, &info, &e2) == SIM_OK) {
            ph[kept] = ph[i];
            ph[kept].buf = buf;
            ph[kept].n = len;
            ph[kept].info = info;
            kept++;
        } else {
            free(buf);
            char msg[1600];
            sim_error_format(&e2, msg, sizeof msg);
            fprintf(stderr, "lambdasim profile: skipping %s\n", msg);
            json_object *s = json_object_new_object();
            sim_json_add_string(s, "image", ph[i].name);
            sim_json_add_string(s, "error", msg);
            json_object_array_add(skipped, s);
        }
    }
    if (kept == 0) {
        free(ph);
        SIM_FAIL(err, SIM_EMISSING, dir, 0, "--images", "no valid JPEG or PNG photos in the folder");
    }
    *out = ph;
    *count = kept;
    return SIM_OK;
}

static void progress(bool tty, int done, int total, const char *kernel, const char *image)
{
    if (!tty) return;
    const int width = 30;
    int fill = total ? done * width / total : width;
    fprintf(stderr, "\r[");
    for (int i = 0; i < width; i++) fputc(i < fill ? '#' : '.', stderr);
    fprintf(stderr, "] %d/%d %-9s %-28.28s", done, total, kernel, image);
    if (done == total) fputc('\n', stderr);
    fflush(stderr);
}

/* Fit wall = a + b * mp over n points; degenerate sets fall back to a
 * line through the origin (one image, or all the same size). */
static void fit_model(const double *mp, const double *t, int n, json_object *model)
{
    double a = 0, b = 0, c00, c01, c11, sumsq, r2 = 0;
    bool distinct = false;
    for (int i = 1; i < n; i++)
        if (mp[i] != mp[0]) distinct = true;
    if (n >= 2 && distinct &&
        gsl_fit_linear(mp, 1, t, 1, (size_t)n, &a, &b, &c00, &c01, &c11, &sumsq) == GSL_SUCCESS) {
        double mean = 0, tss = 0;
        for (int i = 0; i < n; i++) mean += t[i] / n;
        for (int i = 0; i < n; i++) tss += (t[i] - mean) * (t[i] - mean);
        r2 = tss > 0 ? 1.0 - sumsq / tss : 1.0;
        sim_json_add_string(model, "method", "least squares (gsl_fit_linear)");
    } else {
        double st = 0, sm = 0;
        for (int i = 0; i < n; i++) {
            st += t[i];
            sm += mp[i];
        }
        b = sm > 0 ? st / sm : 0;
        sim_json_add_string(model, "method", "through the origin (fewer than two distinct sizes)");
    }
    sim_json_add_double(model, "a_ms", a);
    sim_json_add_double(model, "b_ms_per_mp", b);
    sim_json_add_double(model, "r2", r2);
    sim_json_add_int(model, "n", n);
}

typedef struct profile_args {
    const char *images, *out, *kernels;
    int64_t threads, repeat;
    wl_kernel_kind kinds[8];
    int nk;
} profile_args;

/* --kernels a,b,c (default: every kernel this build can run). */
static sim_status parse_kernels(profile_args *pa, sim_error *err)
{
    pa->nk = 0;
    if (!pa->kernels) {
        for (int k = WL_KERNEL_RESIZE; k <= WL_KERNEL_DETECT; k++)
            if (wl_kernel_available((wl_kernel_kind)k)) pa->kinds[pa->nk++] = (wl_kernel_kind)k;
        return SIM_OK;
    }
    char list[256];
    snprintf(list, sizeof list, "%s", pa->kernels);
    char *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (pa->nk == 8) SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--kernels", "too many --kernels");
        SIM_TRY(wl_kernel_parse(tok, &pa->kinds[pa->nk], err));
        if (!wl_kernel_available(pa->kinds[pa->nk]))
            SIM_FAIL(err, SIM_EUNSUPPORTED, NULL, 0, "--kernels",
                     "kernel '%s' cannot be profiled by this build yet", tok);
        pa->nk++;
    }
    if (pa->nk == 0) SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--kernels", "--kernels lists no kernel");
    return SIM_OK;
}

static sim_status parse_profile_args(int argc, char **argv, profile_args *pa, sim_error *err)
{
    memset(pa, 0, sizeof *pa);
    pa->threads = omp_get_num_procs();
    if (pa->threads > WL__MAX_THREADS) pa->threads = WL__MAX_THREADS;
    pa->repeat = 5;
    const char *v = NULL;
    for (int i = 1; i < argc; i++) {
        if (sim_cli_opt(argc, argv, &i, "--images", &v, err)) pa->images = v;
        else if (sim_cli_opt(argc, argv, &i, "--out", &v, err)) pa->out = v;
        else if (sim_cli_opt(argc, argv, &i, "--kernels", &v, err)) pa->kernels = v;
        else if (sim_cli_opt(argc, argv, &i, "--threads", &v, err)) {
            if (v) SIM_TRY(sim_cli_parse_int("--threads", v, 1, WL__MAX_THREADS, &pa->threads, err));
        } else if (sim_cli_opt(argc, argv, &i, "--repeat", &v, err)) {
            if (v) SIM_TRY(sim_cli_parse_int("--repeat", v, 1, 1000, &pa->repeat, err));
        } else
            SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "unknown option '%s'", argv[i]);
        if (err->code != SIM_OK) return err->code;
    }
    if (!pa->images) SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--images", "--images DIR is required");
    if (!pa->out) SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--out", "--out FILE is required");
    return parse_kernels(pa, err);
}

static void images_json(json_object *root, const profile_args *pa, const photo *ph, int np,
                        json_object *skipped)
{
    sim_json_add_string(root, "images_dir", pa->images);
    sim_json_add_int(root, "threads_max", pa->threads);
    sim_json_add_int(root, "repeat", pa->repeat);
    sim_json_add_string(root, "run", "check + decode (JPEG shrink-on-load for resize) + kernel + "
                                     "encode (JPEG q75), from memory, warm");
    json_object *jimages = json_object_new_array();
    for (int i = 0; i < np; i++) {
        json_object *o = json_object_new_object();
        sim_json_add_string(o, "image", ph[i].name);
        sim_json_add_string(o, "format", wl_format_name(ph[i].info.format));
        sim_json_add_int(o, "width", ph[i].info.width);
        sim_json_add_int(o, "height", ph[i].info.height);
        sim_json_add_double(o, "megapixels", ph[i].info.width * (double)ph[i].info.height / 1e6);
        sim_json_add_int(o, "bytes", (int64_t)ph[i].n);
        json_object_array_add(jimages, o);
    }
    json_object_object_add(root, "images", jimages);
    json_object_object_add(root, "skipped", skipped);
}

/* The running state of one kernel's profile. */
typedef struct kernel_run {
    const profile_args *pa;
    wl_kernel_kind kind;
    double *samples;                  /* 3 x repeat scratch */
    double sum1, sum2, ksum1, ksum2;  /* 1- and 2-thread totals (wall, kernel wall) */
    bool tty;
    int done, total;
} kernel_run;

/* One image at one thread count: a warm-up, then the median of --repeat. */
static sim_status time_image(kernel_run *kr, const photo *ph, int t, json_object *jruns,
                             double *wall_1t, sim_error *err)
{
    const profile_args *pa = kr->pa;
    wl_kernel_opts o;
    wl_kernel_opts_default(&o, kr->kind);
    o.threads = t;
    char label[1024];
    snprintf(label, sizeof label, "%s/%s", pa->images, ph->name);
    wl_kernel_result r;
    SIM_TRY(wl_kernel_run(&o, (const uint8_t *)ph->buf, ph->n, label, &r, NULL, err));
    double *cpu = kr->samples, *wall = cpu + pa->repeat, *kern = wall + pa->repeat;
    for (int rep = 0; rep < pa->repeat; rep++) {
        SIM_TRY(wl_kernel_run(&o, (const uint8_t *)ph->buf, ph->n, label, &r, NULL, err));
        cpu[rep] = r.cpu_ms;
        wall[rep] = r.wall_ms;
        kern[rep] = r.kernel_wall_ms;
    }
    json_object *jr = json_object_new_object();
    sim_json_add_int(jr, "threads", t);
    sim_json_add_double(jr, "cpu_ms", median(cpu, (int)pa->repeat));
    double w = median(wall, (int)pa->repeat), kw = median(kern, (int)pa->repeat);
    sim_json_add_double(jr, "wall_ms", w);
    sim_json_add_double(jr, "kernel_wall_ms", kw);
    json_object_array_add(jruns, jr);
    if (t == 1) {
        *wall_1t = w;
        kr->sum1 += w;
        kr->ksum1 += kw;
    } else if (t == 2) {
        kr->sum2 += w;
        kr->ksum2 += kw;
    }
    return SIM_OK;
}

/* The model of one kernel: the time fit and the parallel fractions; warns
 * (stderr) when the fit or the speed-up is poor (mdl_perf.h thresholds). */
static void kernel_model(const kernel_run *kr, const double *mp, const double *t1, int np,
                         json_object *jkern)
{
    json_object *model = json_object_new_object();
    json_object_object_add(jkern, "model", model);
    fit_model(mp, t1, np, model);
    double speedup = NAN;
    if (kr->pa->threads >= 2 && kr->sum1 > 0) {
        double p = 2.0 * (1.0 - kr->sum2 / kr->sum1);
        p = p < 0 ? 0 : p > 1 ? 1 : p;
        speedup = kr->sum1 / kr->sum2;
        sim_json_add_double(model, "parallel_fraction", p);
        sim_json_add_double(model, "speedup_2_threads", speedup);
        /* The same for the kernel alone (no decode/encode), for models
         * that treat decoding separately. */
        double kp = kr->ksum1 > 0 ? 2.0 * (1.0 - kr->ksum2 / kr->ksum1) : 0;
        kp = kp < 0 ? 0 : kp > 1 ? 1 : kp;
        sim_json_add_double(model, "kernel_parallel_fraction", kp);
    } else {
        json_object_object_add(model, "parallel_fraction", NULL);
        json_object_object_add(model, "kernel_parallel_fraction", NULL);
    }
    json_object *r2o = NULL;
    double r2 = json_object_object_get_ex(model, "r2", &r2o) && np > 2 ? json_object_get_double(r2o) : NAN;
    char w[1024];
    if (mdl_perf_quality_warnings(wl_kernel_name(kr->kind), kr->pa->out, false, r2, speedup, w, sizeof w)) {
        char *save = NULL;
        for (char *t = strtok_r(w, "\n", &save); t; t = strtok_r(NULL, "\n", &save))
            fprintf(stderr, "lambdasim profile: warning: %s\n", t);
    }
}

/* Every image at 1..threads threads for one kernel, then its model. */
static sim_status profile_kernel(kernel_run *kr, const photo *ph, int np, double *mp, double *t1,
                                 json_object *jk, sim_error *err)
{
    json_object *jkern = json_object_new_object();
    json_object_object_add(jk, wl_kernel_name(kr->kind), jkern);
    json_object *jsamples = json_object_new_array();
    json_object_object_add(jkern, "samples", jsamples);
    for (int i = 0; i < np; i++) {
        json_object *js = json_object_new_object();
        json_object_array_add(jsamples, js);
        sim_json_add_string(js, "image", ph[i].name);
        mp[i] = ph[i].info.width * (double)ph[i].info.height / 1e6;
        sim_json_add_double(js, "megapixels", mp[i]);
        sim_json_add_int(js, "bytes", (int64_t)ph[i].n);
        json_object *jruns = json_object_new_array();
        json_object_object_add(js, "runs", jruns);
        for (int t = 1; t <= kr->pa->threads; t++) {
            progress(kr->tty, kr->done, kr->total, wl_kernel_name(kr->kind), ph[i].name);
            SIM_TRY(time_image(kr, &ph[i], t, jruns, &t1[i], err));
            kr->done++;
        }
    }
    kernel_model(kr, mp, t1, np, jkern);
    return SIM_OK;
}

int rpt_cmd_profile(int argc, char **argv)
{
    if (sim_cli_wants_help(argc, argv)) {
        fputs(k_usage, stdout);
        return 0;
    }
    sim_error err;
    sim_error_clear(&err);
    profile_args pa;
    if (parse_profile_args(argc, argv, &pa, &err) != SIM_OK)
        return err.code == SIM_EUSAGE ? sim_cli_usage_error("profile", "%s", err.msg) : sim_cli_fail(&err);
    json_object *root = json_object_new_object(), *skipped = json_object_new_array();
    photo *ph = NULL;
    int np = 0;
    if (load_photos(pa.images, &ph, &np, skipped, &err) != SIM_OK) {
        json_object_put(skipped);
        json_object_put(root);
        return sim_cli_fail(&err);
    }
    images_json(root, &pa, ph, np, skipped);
    json_object *jk = json_object_new_object();
    json_object_object_add(root, "kernels", jk);
    kernel_run kr = {.pa = &pa, .tty = sim_isatty_stderr(), .total = pa.nk * np * (int)pa.threads};
    kr.samples = sim_xmalloc((size_t)pa.repeat * 3 * sizeof *kr.samples);
    double *mp = sim_xmalloc(2 * (size_t)np * sizeof *mp), *t1 = mp + np;
    sim_status s = SIM_OK;
    for (int k = 0; k < pa.nk && s == SIM_OK; k++) {
        kr.kind = pa.kinds[k];
        kr.sum1 = kr.sum2 = kr.ksum1 = kr.ksum2 = 0;
        s = profile_kernel(&kr, ph, np, mp, t1, jk, &err);
    }
    progress(kr.tty && s == SIM_OK, kr.total, kr.total, "done", "");
    free(kr.samples);
    free(mp);
    for (int i = 0; i < np; i++) free(ph[i].buf);
    free(ph);
    if (s == SIM_OK) {
        char *text = sim_json_to_string(root);
        s = sim_write_file_atomic(pa.out, text, strlen(text), &err);
        free(text);
    }
    json_object_put(root);
    return s == SIM_OK ? 0 : sim_cli_fail(&err);
}
