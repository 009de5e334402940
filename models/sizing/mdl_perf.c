/* mdl_perf.c - the Lambda performance model (see mdl_perf.h).
 *
 * The duration formula is Amdahl's law under Lambda's CPU-share law; the
 * INIT table is the maxday/lambda-perf CSV read once into a flat array (a
 * few hundred rows, searched linearly: it is read per size, not per event).
 */
#include "models/sizing/mdl_perf.h"
#include "sim/sim_num.h"
#include "sim/sim_json.h"

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
    /* sizing.md §5.2 (rwnx/lambda-cpuinfo; hakk.gg). */
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
    if (json_object_object_get_ex(mo, "parallel_fraction", &pfo) && pfo &&
        !json_object_is_type(pfo, json_type_null))
        SIM_TRY(sim_json_get_number(doc, mo, kp, "parallel_fraction", false, 0, 1, &pf, NULL, err));
    /* A least-squares line can dip below zero at small images (the
     * intercept) or slope down (noise); the model needs work >= 0. */
    k->cpu_ms_a = a > 0 ? a : 0;
    k->cpu_ms_per_mp = b > 0 ? b : 0;
    k->parallel_fraction = pf;
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
                char sp[320];
                snprintf(sp, sizeof sp, "kernels.%s.samples[%zu].megapixels", name, i);
                SIM_TRY(sim_json_as_number(doc, m, sp, &mp[n], err));
                if (!(mp[n] > 0))
                    SIM_JSON_FAIL(err, SIM_ERANGE, doc, sp, "must be positive (got %g)", mp[n]);
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

/* The hand-written (parametric) profile format: one kernel. */
static sim_status param_profile(const sim_json_doc *doc, const char *path, const char *name,
                                mdl_perf_kernel *k, sim_error *err)
{
    static const char *const top_keys[] = {"_comment", "units", "kernels", NULL};
    static const char *const keys[] = {"cpu_ms_a", "cpu_ms_per_megapixel", "parallel_fraction",
                                       "threads", "io_ms", "working_set_mb",
                                       "working_set_mb_per_megapixel", "megapixels", "runtime",
                                       NULL};
    json_object *ks = NULL, *ko = NULL;
    char kp[256];
    snprintf(kp, sizeof kp, "kernels.%s", name);
    SIM_TRY(sim_json_check_keys(doc, doc->root, "", top_keys, err));
    SIM_TRY(sim_json_get_child(doc, doc->root, "", "kernels", true, json_type_object, &ks, err));
    if (!json_object_object_get_ex(ks, name, &ko))
        SIM_FAIL(err, SIM_EUNKNOWN, path, sim_json_line(doc, "kernels"), "kernels",
                 "no kernel '%s' in the profile", name);
    SIM_TRY(sim_json_check_keys(doc, ko, kp, keys, err));
    memset(k, 0, sizeof *k);
    snprintf(k->name, sizeof k->name, "%s", name);
    int64_t threads = 1;
    const char *rt = "python3.13";
    k->megapixels = 1;
    SIM_TRY(sim_json_get_number(doc, ko, kp, "cpu_ms_a", false, 0, 1e9, &k->cpu_ms_a, NULL, err));
    SIM_TRY(sim_json_get_number(doc, ko, kp, "cpu_ms_per_megapixel", true, 0, 1e9, &k->cpu_ms_per_mp, NULL, err));
    SIM_TRY(sim_json_get_number(doc, ko, kp, "parallel_fraction", false, 0, 1, &k->parallel_fraction, NULL, err));
    SIM_TRY(sim_json_get_int(doc, ko, kp, "threads", false, 1, 1024, &threads, NULL, err));
    SIM_TRY(sim_json_get_number(doc, ko, kp, "io_ms", false, 0, 1e9, &k->io_ms, NULL, err));
    SIM_TRY(sim_json_get_number(doc, ko, kp, "working_set_mb", false, 0, 1e6, &k->working_set_mb, NULL, err));
    SIM_TRY(sim_json_get_number(doc, ko, kp, "working_set_mb_per_megapixel", false, 0, 1e6, &k->working_set_mb_per_mp, NULL, err));
    SIM_TRY(sim_json_get_number(doc, ko, kp, "megapixels", false, 1e-6, 1e4, &k->megapixels, NULL, err));
    SIM_TRY(sim_json_get_string(doc, ko, kp, "runtime", false, &rt, NULL, err));
    k->threads = (int)threads;
    snprintf(k->runtime, sizeof k->runtime, "%s", rt);
    return SIM_OK;
}

sim_status mdl_perf_profile_load(const char *path, const char *name, mdl_perf_kernel *k,
                                 sim_error *err)
{
    sim_json_doc doc;
    SIM_TRY(sim_json_doc_load(&doc, path, err));
    bool measured = json_object_object_get_ex(doc.root, "images_dir", NULL) &&
                    json_object_object_get_ex(doc.root, "kernels", NULL);
    /* Every kernel of the file is checked, not only the one asked for: a
     * bad value in any section is an error in the file, whichever kernel
     * this run uses. */
    json_object *ks = NULL;
    sim_status st = SIM_OK;
    if (json_object_object_get_ex(doc.root, "kernels", &ks) &&
        json_object_is_type(ks, json_type_object)) {
        json_object_object_foreach(ks, kname, kv) {
            (void)kv;
            mdl_perf_kernel scratch;
            st = measured ? measured_profile(&doc, path, kname, &scratch, err)
                          : param_profile(&doc, path, kname, &scratch, err);
            if (st != SIM_OK) break;
        }
    }
    if (st == SIM_OK)
        st = measured ? measured_profile(&doc, path, name, k, err)
                      : param_profile(&doc, path, name, k, err);
    sim_json_doc_fini(&doc);
    return st;
}

