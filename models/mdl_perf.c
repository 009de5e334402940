/* mdl_perf.c - the Lambda performance model (see mdl_perf.h).
 *
 * The duration formula is Amdahl's law under Lambda's CPU-share law; the
 * INIT table is the maxday/lambda-perf CSV read once into a flat array (a
 * few hundred rows, searched linearly: it is read per size, not per event).
 */
#include "models/mdl_perf.h"

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
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno || !isfinite(v))
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
