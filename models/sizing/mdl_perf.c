/* mdl_perf.c - the Lambda performance model (see mdl_perf.h).
 *
 * The duration formula is Amdahl's law under Lambda's CPU-share law; the
 * INIT table is the maxday/lambda-perf CSV read once into a flat array (a
 * few hundred rows, searched linearly: it is read per size, not per event).
 */
#include "models/sizing/mdl_perf.h"
#include "sim/sim_num.h"
#include "sim/sim_json.h"
#include "sim/sim_opt.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_io.h"

double mdl_perf_vcpu_share(int memory_mb)
{
    return fmin(memory_mb / MDL_PERF_MB_PER_VCPU, 6.0);
}

int mdl_perf_visible_cores(int memory_mb)
{
    /* rwnx/lambda-cpuinfo; hakk.gg (README "Reference facts", Lambda: limits). */
    if (memory_mb <= 3008) return 2;
    if (memory_mb <= 5307) return 3;
    if (memory_mb <= 7076) return 4;
    if (memory_mb <= 8845) return 5;
    return 6;
}

double mdl_perf_shape(double io_ms, double work_ms, double p, int threads, int memory_mb)
{
    double s = mdl_perf_vcpu_share(memory_mb);
    double par = fmin(s, fmin((double)(threads > 0 ? threads : 1),
                              (double)mdl_perf_visible_cores(memory_mb)));
    return io_ms + work_ms * (1 - p) / fmin(1.0, s) + work_ms * p / par;
}

mdl_perf_outcome mdl_perf_duration(const mdl_perf_kernel *k, double megapixels,
                                   int memory_mb, double *duration_ms)
{
    *duration_ms = 0;
    double ws = k->working_set_mb + k->working_set_mb_per_mp * megapixels;
    if (ws > memory_mb) return MDL_PERF_OOM;
    double work = k->cpu_ms_a + k->cpu_ms_per_mp * megapixels;
    *duration_ms = mdl_perf_shape(k->io_ms, work, k->parallel_fraction, k->threads, memory_mb);
    return MDL_PERF_OK;
}

/* ---- INIT ------------------------------------------------------------- */

typedef struct init_row {
    char runtime[64];
    char arch[16];
    int memory_mb;
    double init_ms;
} init_row;

struct mdl_perf_init_table {
    init_row *rows;
    size_t n;
};

void mdl_perf_init_table_destroy(mdl_perf_init_table *t)
{
    if (!t) return;
    free(t->rows);
    free(t);
}

static sim_status parse_num(const char *s, const char *path, long line, const char *field,
                            double *out, sim_error *err)
{
    double v;
    if (sim_num_double(s, strlen(s), &v) != SIM_NUM_OK)
        SIM_FAIL(err, SIM_EPARSE, path, line, field, "'%s' is not a number", s);
    *out = v;
    return SIM_OK;
}

sim_status mdl_perf_init_table_load(const char *path, mdl_perf_init_table **out,
                                    sim_error *err)
{
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    SIM_TRY(sim_read_file(path, &text, &len, err));
    mdl_perf_init_table *t = sim_xcalloc(1, sizeof *t);
    size_t cap = 64;
    t->rows = sim_xcalloc(cap, sizeof *t->rows);
    sim_status st = SIM_OK;
    long line = 0;
    char *save = NULL;
    for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        line++;
        size_t l = strlen(ln);
        if (l && ln[l - 1] == '\r') ln[l - 1] = '\0';
        if (line == 1) {
            if (strncmp(ln, "runtime,arch,memory_mb,init_median_ms", 37) != 0) {
                st = SIM_ERR(err, SIM_EFORMAT, path, 1, NULL,
                             "header must start with runtime,arch,memory_mb,init_median_ms");
                break;
            }
            continue;
        }
        if (*ln == '\0') continue;
        char *f[4] = {0};
        char *p = ln;
        for (int i = 0; i < 4 && p; i++) {
            f[i] = p;
            p = strchr(p, ',');
            if (p) *p++ = '\0';
        }
        if (!f[3]) {
            st = SIM_ERR(err, SIM_EFORMAT, path, line, NULL, "expected at least 4 columns");
            break;
        }
        double mem, init;
        if ((st = parse_num(f[2], path, line, "memory_mb", &mem, err)) != SIM_OK) break;
        if ((st = parse_num(f[3], path, line, "init_median_ms", &init, err)) != SIM_OK) break;
        if (t->n == cap) {
            cap *= 2;
            t->rows = sim_xrealloc(t->rows, cap * sizeof *t->rows);
        }
        init_row *r = &t->rows[t->n++];
        snprintf(r->runtime, sizeof r->runtime, "%s", f[0]);
        snprintf(r->arch, sizeof r->arch, "%s", f[1]);
        r->memory_mb = (int)mem;
        r->init_ms = init;
    }
    free(text);
    if (st != SIM_OK) {
        mdl_perf_init_table_destroy(t);
        return st;
    }
    *out = t;
    return SIM_OK;
}

sim_status mdl_perf_init_ms(const mdl_perf_init_table *t, const char *runtime,
                            const char *arch, int memory_mb, double *init_ms,
                            sim_error *err)
{
    const init_row *best = NULL;
    for (size_t i = 0; i < t->n; i++) {
        const init_row *r = &t->rows[i];
        if (strcmp(r->runtime, runtime) != 0 || strcmp(r->arch, arch) != 0) continue;
        if (!best || abs(r->memory_mb - memory_mb) < abs(best->memory_mb - memory_mb)) best = r;
    }
    if (!best)
        SIM_FAIL(err, SIM_EUNKNOWN, NULL, 0, "runtime",
                 "no INIT measurement for runtime '%s' on %s", runtime, arch);
    *init_ms = best->init_ms;
    return SIM_OK;
}

bool mdl_perf_init_billed(const char *date, bool image_or_custom_runtime)
{
    if (image_or_custom_runtime || !date) return true;
    /* ISO dates compare as strings. */
    return strcmp(date, "2025-08-01") >= 0;
}

/* ---- calibration ------------------------------------------------------ */

void mdl_perf_fit_shape(const int *memory_mb, const double *duration_ms, size_t n,
                        int threads, bool fit_io, mdl_perf_fit *fit, double *rel_err)
{
    /* For fixed p the model io + W g(m) is linear; minimise
     * sum ((io + W g_i)/t_i - 1)^2 by the 2x2 normal equations. */
    double best = INFINITY;
    for (int q = 0; q <= 100; q++) {
        double p = q / 100.0;
        double s11 = 0, s12 = 0, s22 = 0, r1 = 0, r2 = 0;
        for (size_t i = 0; i < n; i++) {
            double u = 1 / duration_ms[i];
            double g = mdl_perf_shape(0, 1, p, threads, memory_mb[i]) * u;
            s11 += u * u;
            s12 += u * g;
            s22 += g * g;
            r1 += u;
            r2 += g;
        }
        double io = 0, w = r2 / s22;
        double det = s11 * s22 - s12 * s12;
        if (fit_io && fabs(det) > 1e-300) {
            io = (r1 * s22 - r2 * s12) / det;
            w = (s11 * r2 - s12 * r1) / det;
            if (io < 0) {
                io = 0;
                w = r2 / s22;
            }
        }
        double ss = 0;
        for (size_t i = 0; i < n; i++) {
            double e = mdl_perf_shape(io, w, p, threads, memory_mb[i]) / duration_ms[i] - 1;
            ss += e * e;
        }
        if (ss < best - 1e-15) {
            best = ss;
            fit->io_ms = io;
            fit->work_ms = w;
            fit->parallel_fraction = p;
        }
    }
    fit->rms_rel_err = sqrt(best / (double)(n ? n : 1));
    for (size_t i = 0; rel_err && i < n; i++)
        rel_err[i] = mdl_perf_shape(fit->io_ms, fit->work_ms, fit->parallel_fraction, threads,
                                    memory_mb[i]) / duration_ms[i] - 1;
}

/* ---- profiles ------------------------------------------------------------ */

/* A `lambdasim profile` output: take the kernel's fitted model (CPU ms =
 * a + b * megapixels on one core of the profiling machine, taken as one
 * Lambda vCPU, and the parallel fraction from its 1- and 2-thread runs).
 * The profile measures CPU work only: I/O and the working set are not in
 * it, so io_ms is 0 and the working set is a stated estimate (60 MB of
 * runtime plus 12 MB per megapixel: decoded RGB, the output and the
 * integral images), and the default input is the profile's median image. */
static sim_status measured_profile(const sim_json_doc *doc, const char *path, const char *name,
                                   mdl_perf_kernel *k, sim_error *err)
{
    json_object *ks = NULL, *ko = NULL, *mo = NULL;
    char kp[256];
    snprintf(kp, sizeof kp, "kernels.%s.model", name);
    SIM_TRY(sim_json_get_child(doc, doc->root, "", "kernels", true, json_type_object, &ks, err));
    if (!json_object_object_get_ex(ks, name, &ko))
        SIM_FAIL(err, SIM_EUNKNOWN, path, sim_json_line(doc, "kernels"), "kernels",
                 "no kernel '%s' in the profile", name);
    char kk[256];
    snprintf(kk, sizeof kk, "kernels.%s", name);
    SIM_TRY(sim_json_get_child(doc, ko, kk, "model", true, json_type_object, &mo, err));
    memset(k, 0, sizeof *k);
    snprintf(k->name, sizeof k->name, "%s", name);
    double a = 0, b = 0, pf = 0;
    json_object *pfo = NULL;
    SIM_TRY(sim_json_get_number(doc, mo, kp, "a_ms", true, -1e9, 1e9, &a, NULL, err));
    SIM_TRY(sim_json_get_number(doc, mo, kp, "b_ms_per_mp", true, -1e9, 1e9, &b, NULL, err));
    double r2 = NAN, sp = NAN;
    json_object *spo = NULL;
    SIM_TRY(sim_json_get_number(doc, mo, kp, "r2", false, -1e9, 1, &r2, NULL, err));
    if (json_object_object_get_ex(mo, "speedup_2_threads", &spo) && spo &&
        !json_object_is_type(spo, json_type_null))
        SIM_TRY(sim_json_get_number(doc, mo, kp, "speedup_2_threads", false, 0, 1e3, &sp, NULL, err));
    if (json_object_object_get_ex(mo, "parallel_fraction", &pfo) && pfo &&
        !json_object_is_type(pfo, json_type_null))
        SIM_TRY(sim_json_get_number(doc, mo, kp, "parallel_fraction", false, 0, 1, &pf, NULL, err));
    /* A least-squares line can dip below zero at small images (the
     * intercept) or slope down (noise); the model needs work >= 0. */
    k->cpu_ms_a = a > 0 ? a : 0;
    k->cpu_ms_per_mp = b > 0 ? b : 0;
    k->parallel_fraction = pf;
    k->fit_r2 = r2;
    k->speedup_2_threads = sp;
    k->threads = pf > 0 ? 2 : 1;
    k->io_ms = 0;
    k->working_set_mb = 60;
    k->working_set_mb_per_mp = 12;
    /* Our kernels are native code: a binary on the OS-only runtime, whose
     * closest measured INIT is the Rust hello-world on provided.al2023. */
    snprintf(k->runtime, sizeof k->runtime, "rust (prov.al2023)");
    /* The median megapixels of the profiled images. */
    json_object *samples = NULL;
    double mp[4096];
    size_t n = 0;
    if (json_object_object_get_ex(ko, "samples", &samples) && json_object_is_type(samples, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(samples) && n < 4096; i++) {
            json_object *m;
            if (json_object_object_get_ex(json_object_array_get_idx(samples, i), "megapixels", &m)) {
                char mpath[320];
                snprintf(mpath, sizeof mpath, "kernels.%s.samples[%zu].megapixels", name, i);
                SIM_TRY(sim_json_as_number(doc, m, mpath, &mp[n], err));
                if (!(mp[n] > 0))
                    SIM_JSON_FAIL(err, SIM_ERANGE, doc, mpath, "must be positive (got %g)", mp[n]);
                n++;
            }
        }
    }
    if (n) {
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && mp[j] < mp[j - 1]; j--) {
                double t = mp[j]; mp[j] = mp[j - 1]; mp[j - 1] = t;
            }
        k->megapixels = mp[n / 2];
    } else {
        k->megapixels = 1;
    }
    return SIM_OK;
}

/* ---- the profile formats, as option tables -------------------------------- */

#define K_NUM(key, f, lo, hi, u, d) \
    { key, .type = SIM_OPT_NUMBER, .store = SIM_OPT_ST_DOUBLE, \
      .off = offsetof(mdl_perf_kernel, f), .min = lo, .max = hi, .unit = u, .doc = d }

/* The sizing format (data/profiles/default.json): one kernel's parameters. */
static const sim_opt k_kernel_rows[] = {
    K_NUM("cpu_ms_a", cpu_ms_a, 0, 1e9, "ms", "CPU time at 1 vCPU: a + b x megapixels; this is a"),
    { "cpu_ms_per_megapixel", .type = SIM_OPT_NUMBER, .store = SIM_OPT_ST_DOUBLE,
      .off = offsetof(mdl_perf_kernel, cpu_ms_per_mp), .flags = SIM_OPT_REQUIRED, .min = 0,
      .max = 1e9, .unit = "ms per megapixel", .doc = "b: CPU ms at 1 vCPU per megapixel" },
    K_NUM("parallel_fraction", parallel_fraction, 0, 1, NULL, "p of Amdahl's law"),
    { "threads", .type = SIM_OPT_INT, .store = SIM_OPT_ST_INT, .off = offsetof(mdl_perf_kernel, threads),
      .def = 1, .min = 1, .max = 1024, .doc = "threads the kernel runs" },
    K_NUM("io_ms", io_ms, 0, 1e9, "ms", "memory-independent time (S3, network)"),
    K_NUM("working_set_mb", working_set_mb, 0, 1e6, "MB", "memory needed: base"),
    K_NUM("working_set_mb_per_megapixel", working_set_mb_per_mp, 0, 1e6, "MB per megapixel",
          "memory needed per megapixel"),
    { "megapixels", .type = SIM_OPT_NUMBER, .store = SIM_OPT_ST_DOUBLE,
      .off = offsetof(mdl_perf_kernel, megapixels), .def = 1, .min = 1e-6, .max = 1e4,
      .doc = "default input size" },
    { "runtime", .type = SIM_OPT_STRING, .store = SIM_OPT_ST_CHARS,
      .off = offsetof(mdl_perf_kernel, runtime), .size = sizeof(((mdl_perf_kernel *)0)->runtime),
      .def_str = "python3.13", .doc = "the INIT table's runtime" },
};
static const sim_opt_table k_kernel = SIM_OPT_TABLE("kernel", k_kernel_rows, NULL);

static const sim_opt k_sizing_rows[] = {
    { "_comment", .type = SIM_OPT_STRING, .doc = "where the numbers come from" },
    { "placeholder", .type = SIM_OPT_BOOL, .doc = "true: parameters stand in for measurements "
      "(size and run warn)" },
    { "units", .type = SIM_OPT_MAP, .item = SIM_OPT_STRING, .item_name = "key",
      .doc = "the unit of each key, for readers" },
    { "kernels", .type = SIM_OPT_MAP, .flags = SIM_OPT_REQUIRED, .sub = &k_kernel,
      .doc = "kernel parameters by name" },
};
static const sim_opt_table k_sizing = SIM_OPT_TABLE("profile", k_sizing_rows, NULL);

/* The `lambdasim profile` format (measured; validated, then read by
 * measured_profile). */
static const sim_opt k_image_rows[] = {
    { "image", .type = SIM_OPT_STRING, .flags = SIM_OPT_REQUIRED, .doc = "file name" },
    { "format", .type = SIM_OPT_STRING, .doc = "jpeg or png" },
    { "width", .type = SIM_OPT_INT, .min = 1, .max = 1e9, .doc = "pixels" },
    { "height", .type = SIM_OPT_INT, .min = 1, .max = 1e9, .doc = "pixels" },
    { "megapixels", .type = SIM_OPT_NUMBER, .min = 0, .max = 1e6, .doc = "width x height / 1e6" },
    { "bytes", .type = SIM_OPT_INT, .min = 0, .max = 1e15, .doc = "file size" },
};
static const sim_opt k_skipped_rows[] = {
    { "image", .type = SIM_OPT_STRING, .flags = SIM_OPT_REQUIRED, .doc = "file name" },
    { "error", .type = SIM_OPT_STRING, .doc = "why it was skipped" },
};
static const sim_opt k_run_rows[] = {
    { "threads", .type = SIM_OPT_INT, .flags = SIM_OPT_REQUIRED, .min = 1, .max = 1024, .doc = "threads" },
    { "cpu_ms", .type = SIM_OPT_NUMBER, .min = 0, .max = 1e12, .unit = "ms", .doc = "CPU time (median)" },
    { "wall_ms", .type = SIM_OPT_NUMBER, .min = 0, .max = 1e12, .unit = "ms", .doc = "wall time (median)" },
    { "kernel_wall_ms", .type = SIM_OPT_NUMBER, .min = 0, .max = 1e12, .unit = "ms",
      .doc = "the kernel alone (median)" },
};
static const sim_opt_table k_run = SIM_OPT_TABLE("run", k_run_rows, NULL);
static const sim_opt k_sample_rows[] = {
    { "image", .type = SIM_OPT_STRING, .flags = SIM_OPT_REQUIRED, .doc = "file name" },
    { "megapixels", .type = SIM_OPT_NUMBER, .flags = SIM_OPT_REQUIRED, .min = 0, .max = 1e6,
      .doc = "the image's size" },
    { "bytes", .type = SIM_OPT_INT, .min = 0, .max = 1e15, .doc = "file size" },
    { "runs", .type = SIM_OPT_ARRAY, .sub = &k_run, .doc = "one per thread count" },
};
static const sim_opt_table k_sample = SIM_OPT_TABLE("sample", k_sample_rows, NULL);
static const sim_opt k_model_rows[] = {
    { "method", .type = SIM_OPT_STRING, .doc = "how the line was fitted" },
    { "a_ms", .type = SIM_OPT_NUMBER, .flags = SIM_OPT_REQUIRED, .min = -1e9, .max = 1e9,
      .unit = "ms", .doc = "wall ms at 1 thread = a + b x megapixels" },
    { "b_ms_per_mp", .type = SIM_OPT_NUMBER, .flags = SIM_OPT_REQUIRED, .min = -1e9, .max = 1e9,
      .unit = "ms per megapixel", .doc = "b" },
    { "r2", .type = SIM_OPT_NUMBER, .min = -1e9, .max = 1, .doc = "the fit's R squared" },
    { "n", .type = SIM_OPT_INT, .min = 0, .max = 1e9, .doc = "images fitted" },
    { "parallel_fraction", .type = SIM_OPT_NUMBER, .flags = SIM_OPT_NULLABLE, .min = 0, .max = 1,
      .doc = "from the 1- and 2-thread runs (null: one thread only)" },
    { "speedup_2_threads", .type = SIM_OPT_NUMBER, .min = 0, .max = 1e9, .doc = "1-thread / 2-thread wall" },
    { "kernel_parallel_fraction", .type = SIM_OPT_NUMBER, .flags = SIM_OPT_NULLABLE, .min = 0,
      .max = 1, .doc = "the same for the kernel alone" },
};
static const sim_opt_table k_model = SIM_OPT_TABLE("model", k_model_rows, NULL);
static const sim_opt k_measured_kernel_rows[] = {
    { "samples", .type = SIM_OPT_ARRAY, .sub = &k_sample, .doc = "one per image" },
    { "model", .type = SIM_OPT_OBJECT, .flags = SIM_OPT_REQUIRED, .sub = &k_model,
      .doc = "the fitted model the simulator uses" },
};
static const sim_opt_table k_measured_kernel = SIM_OPT_TABLE("kernel", k_measured_kernel_rows, NULL);
static const sim_opt_table k_image = SIM_OPT_TABLE("image", k_image_rows, NULL);
static const sim_opt_table k_skipped = SIM_OPT_TABLE("skipped", k_skipped_rows, NULL);
static const sim_opt k_measured_rows[] = {
    { "_comment", .type = SIM_OPT_STRING, .doc = "notes" },
    { "images_dir", .type = SIM_OPT_STRING, .flags = SIM_OPT_REQUIRED, .doc = "the photos timed" },
    { "threads_max", .type = SIM_OPT_INT, .min = 1, .max = 1024, .doc = "most threads run" },
    { "repeat", .type = SIM_OPT_INT, .min = 1, .max = 1e6, .doc = "runs per measurement (median)" },
    { "run", .type = SIM_OPT_STRING, .doc = "what one run does" },
    { "images", .type = SIM_OPT_ARRAY, .sub = &k_image, .doc = "the photos" },
    { "skipped", .type = SIM_OPT_ARRAY, .sub = &k_skipped, .doc = "files that are not photos" },
    { "kernels", .type = SIM_OPT_MAP, .flags = SIM_OPT_REQUIRED, .sub = &k_measured_kernel,
      .doc = "measurements and model by kernel" },
};
static const sim_opt_table k_measured = SIM_OPT_TABLE("profile", k_measured_rows, NULL);

json_object *mdl_perf_profile_schema(void)
{
    json_object *o = json_object_new_object(), *one = json_object_new_array();
    sim_json_add_string(o, "$schema", "https://json-schema.org/draft/2020-12/schema");
    sim_json_add_string(o, "$id", "urn:lambdasim:schema:profile");
    sim_json_add_string(o, "title", "lambdasim kernel profile");
    sim_json_add_string(o, "description",
                        "Kernel parameters for the Lambda performance model: the sizing format "
                        "(data/profiles/default.json) or the output of `lambdasim profile`.  "
                        "Generated from the loader's tables.");
    json_object_array_add(one, sim_opt_schema(&k_sizing));
    json_object_array_add(one, sim_opt_schema(&k_measured));
    json_object_object_add(o, "oneOf", one);
    return o;
}

void mdl_perf_profile_markdown(FILE *fp)
{
    sim_opt_markdown_header(fp);
    sim_opt_markdown(&k_sizing, "", fp);
    fputs("\nThe output of `lambdasim profile`:\n\n", fp);
    sim_opt_markdown_header(fp);
    sim_opt_markdown(&k_measured, "", fp);
}

static sim_status profile_load(const char *path, const char *name, mdl_perf_kernel *k,
                               sim_error *err)
{
    sim_json_doc doc;
    SIM_TRY(sim_json_doc_load(&doc, path, err));
    sim_opt_ctx c = { &doc, NULL, NULL, err };
    bool measured = json_object_object_get_ex(doc.root, "images_dir", NULL) &&
                    json_object_object_get_ex(doc.root, "kernels", NULL);
    sim_status st = sim_opt_parse(&c, measured ? &k_measured : &k_sizing, doc.root, "", NULL);
    json_object *ko = NULL;
    char kp[256];
    snprintf(kp, sizeof kp, "kernels.%s", name);
    if (st == SIM_OK && measured) {
        /* Every kernel of the file is checked, not only the one asked for
         * (the tables above check each kernel's keys and ranges; this adds
         * what measured_profile derives, such as positive megapixels): a
         * bad value in any section is an error in the file, whichever
         * kernel this run uses. */
        json_object_object_foreach(sim_json_at(doc.root, "kernels"), kname, kv) {
            (void)kv;
            mdl_perf_kernel scratch;
            if ((st = measured_profile(&doc, path, kname, &scratch, err)) != SIM_OK) break;
        }
        if (st == SIM_OK) st = measured_profile(&doc, path, name, k, err);
    } else if (st == SIM_OK && !json_object_object_get_ex(sim_json_at(doc.root, "kernels"), name, &ko)) {
        st = SIM_ERR(err, SIM_EUNKNOWN, path, sim_json_line(&doc, "kernels"), "kernels",
                     "no kernel '%s' in the profile", name);
    } else if (st == SIM_OK) {
        memset(k, 0, sizeof *k);
        snprintf(k->name, sizeof k->name, "%s", name);
        st = sim_opt_parse(&c, &k_kernel, ko, kp, k);
    }
    if (st == SIM_OK && !measured) {
        /* The sizing format has no fit to judge; it may say it is a
         * placeholder (README "Sizing"). */
        json_object *ph = NULL;
        k->placeholder = json_object_object_get_ex(doc.root, "placeholder", &ph) &&
                         json_object_get_boolean(ph);
        k->fit_r2 = k->speedup_2_threads = NAN;
    }
    sim_json_doc_fini(&doc);
    return st;
}


sim_status mdl_perf_profile_load(const char *path, const char *name, mdl_perf_kernel *k,
                                 sim_error *err)
{
    SIM_TRY(profile_load(path, name, k, err));
    snprintf(k->profile, sizeof k->profile, "%s", path);
    return SIM_OK;
}

/* ---- profile quality ------------------------------------------------------ */

int mdl_perf_quality_warnings(const char *kernel, const char *profile, bool placeholder,
                              double r2, double speedup, char *buf, size_t n)
{
    int count = 0;
    size_t used = 0;
    if (n) buf[0] = '\0';
#define MDL_PERF__SAY(...)                                                          \
    do {                                                                          \
        if (used < n) used += (size_t)snprintf(buf + used, n - used, __VA_ARGS__); \
        count++;                                                                  \
    } while (0)
    if (placeholder)
        MDL_PERF__SAY("%s%s holds placeholder parameters for kernel %s, not measurements of it; "
                      "measure it with `lambdasim profile --images DIR --out F.json` and pass F.json",
                      count ? "\n" : "", profile, kernel);
    if (isfinite(r2) && r2 < MDL_PERF_MIN_R2)
        MDL_PERF__SAY("%skernel %s in %s: the time fit explains little (R^2 %.2f < %.1f); time is "
                      "not linear in megapixels on these images, so predictions for other sizes are "
                      "unreliable: re-run `lambdasim profile` on photos of the sizes you serve",
                      count ? "\n" : "", kernel, profile, r2, MDL_PERF_MIN_R2);
    if (isfinite(speedup) && speedup < MDL_PERF_MIN_SPEEDUP)
        MDL_PERF__SAY("%skernel %s in %s: a second thread slows it down (speed-up %.2f < %.0f); "
                      "the parallel fraction is 0, re-run `lambdasim profile` on an idle machine",
                      count ? "\n" : "", kernel, profile, speedup, MDL_PERF_MIN_SPEEDUP);
#undef MDL_PERF__SAY
    return count;
}

int mdl_perf_kernel_warnings(const mdl_perf_kernel *k, char *buf, size_t n)
{
    return mdl_perf_quality_warnings(k->name, k->profile, k->placeholder, k->fit_r2,
                                     k->speedup_2_threads, buf, n);
}
