/* mdl_perf.h - the Lambda performance model: how long a kernel runs at a
 * memory size, whether it fits, and how long INIT takes.
 *
 * Design.  Lambda sells CPU by memory: a function gets m/1769 vCPU of
 * credits (one vCPU at 1,769 MB, at most 6 at 10,240 MB) and sees 2 to 6
 * cores by memory band (README "Reference facts", Lambda: limits).  A
 * kernel is described by plain parameters, independent of how they were
 * measured: CPU time at one vCPU as a + b x megapixels, the parallel
 * fraction of that work (Amdahl), the threads it uses, a memory-independent
 * I/O time and a working set.  Its duration at m MB is
 *     io + W (1 - p) / min(1, s) + W p / min(s, threads, cores(m))
 * with s the vCPU share: the serial part cannot use more than one vCPU and
 * the parallel part no more vCPU than it has threads or visible cores.
 * Below the working set the invocation fails (out of memory): that is an
 * outcome, never a duration.  Everything here is a pure function of its
 * arguments, so the sizing command, the simulator and the tests share it.
 *
 * INIT durations come from maxday/lambda-perf (runtime x arch x memory, the
 * medians of hello-world ZIP functions); whether INIT is billed follows the
 * 2025-08-01 rule (README "Reference facts", Lambda: prices).
 */
#ifndef MDL_PERF_H
#define MDL_PERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/sim_status.h"

/* Memory at which a function has one vCPU of credits. */
#define MDL_PERF_MB_PER_VCPU 1769.0

typedef struct mdl_perf_kernel {
    char name[64];
    double cpu_ms_a;              /* CPU ms at 1 vCPU: a + b * megapixels */
    double cpu_ms_per_mp;         /* b */
    double parallel_fraction;     /* p in [0, 1] */
    int threads;                  /* >= 1 */
    double io_ms;                 /* memory-independent time (S3, network) */
    double working_set_mb;        /* memory needed: base ... */
    double working_set_mb_per_mp; /* ... + this * megapixels */
    double megapixels;            /* default input size when no images are given */
    char runtime[64];             /* INIT look-up key, e.g. "python3.13" */
    /* Where the parameters came from (set by mdl_perf_profile_load). */
    char profile[512];            /* the profile file */
    bool placeholder;             /* the file says "placeholder": true */
    double fit_r2;                /* `lambdasim profile`'s fit R^2, NAN if unknown */
    double speedup_2_threads;     /* its 2-thread speed-up, NAN if unknown */
} mdl_perf_kernel;

typedef enum { MDL_PERF_OK, MDL_PERF_OOM } mdl_perf_outcome;

/* Load kernel `name` from a profile: the sizing format
 * (data/profiles/default.json, README "Sizing") or the output of
 * `lambdasim profile` (its fitted models; I/O and working set estimated, see
 * mdl_perf.c).  Errors name the file, line and field. */
sim_status mdl_perf_profile_load(const char *path, const char *name, mdl_perf_kernel *k,
                                 sim_error *err);
/* JSON Schema (draft 2020-12) of a profile: oneOf the two formats, from the
 * loader's tables (caller owns). */
struct json_object *mdl_perf_profile_schema(void);
/* Both formats' key tables, in Markdown. */
void mdl_perf_profile_markdown(FILE *fp);

/* ---- profile quality ---------------------------------------------------- */

/* A profile is trusted when its time fit explains the runs (R^2 at least
 * MDL_PERF_MIN_R2) and a second thread does not slow the kernel down
 * (speed-up at least MDL_PERF_MIN_SPEEDUP); the bundled default is
 * placeholder parameters, not measurements (README "Sizing"). */
#define MDL_PERF_MIN_R2 0.8
#define MDL_PERF_MIN_SPEEDUP 1.0

/* Warnings about a kernel's parameters, one sentence each (each naming the
 * command that fixes it), written into buf ('\n'-separated, possibly
 * truncated); returns how many.  `kernel` names it; r2 and speedup may be
 * NAN (unknown). */
int mdl_perf_quality_warnings(const char *kernel, const char *profile, bool placeholder,
                              double r2, double speedup, char *buf, size_t n);
/* The same for a loaded kernel. */
int mdl_perf_kernel_warnings(const mdl_perf_kernel *k, char *buf, size_t n);

/* vCPU credits at m MB: m/1769, at most 6. */
double mdl_perf_vcpu_share(int memory_mb);
/* Visible cores at m MB (rwnx/lambda-cpuinfo bands; README "Reference facts", Lambda:
 * limits). */
int mdl_perf_visible_cores(int memory_mb);

/* Duration (ms) of one invocation on an input of `megapixels`; OOM when the
 * working set exceeds memory_mb (then *duration_ms is left 0). */
mdl_perf_outcome mdl_perf_duration(const mdl_perf_kernel *k, double megapixels,
                                   int memory_mb, double *duration_ms);

/* The shape alone: io + W[(1-p)/min(1,s) + p/min(s, threads, cores)]. */
double mdl_perf_shape(double io_ms, double work_ms, double p, int threads, int memory_mb);

/* ---- INIT ------------------------------------------------------------- */

typedef struct mdl_perf_init_table mdl_perf_init_table;

/* Load runtime,arch,memory_mb,init_median_ms,... (the maxday CSV).  Errors
 * name the file and line. */
sim_status mdl_perf_init_table_load(const char *path, mdl_perf_init_table **out,
                                    sim_error *err);
void mdl_perf_init_table_destroy(mdl_perf_init_table *t);
/* Median INIT ms for runtime/arch at the measured memory size nearest to
 * memory_mb (INIT runs on unthrottled vCPUs, so above the largest measured
 * size it is flat).  EUNKNOWN names the runtime when it is absent. */
sim_status mdl_perf_init_ms(const mdl_perf_init_table *t, const char *runtime,
                            const char *arch, int memory_mb, double *init_ms,
                            sim_error *err);

/* Whether a cold start's INIT is billed: always for container images and
 * custom runtimes, and for every on-demand invocation from 2025-08-01
 * (date as YYYY-MM-DD; NULL means today's rule, i.e. billed). */
bool mdl_perf_init_billed(const char *date, bool image_or_custom_runtime);

/* ---- calibration ------------------------------------------------------ */

/* Least-squares fit (relative errors) of mdl_perf_shape to measured
 * (memory, duration) pairs for a given thread count: p on a 0.01 grid, io
 * and W in closed form (io >= 0).  rel_err[i] = model/measured - 1. */
typedef struct mdl_perf_fit {
    double io_ms, work_ms, parallel_fraction;
    double rms_rel_err;
} mdl_perf_fit;
void mdl_perf_fit_shape(const int *memory_mb, const double *duration_ms, size_t n,
                        int threads, bool fit_io, mdl_perf_fit *fit, double *rel_err);

#endif /* MDL_PERF_H */
