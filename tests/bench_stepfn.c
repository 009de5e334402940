/* bench_stepfn.c - how fast the ASL interpreter runs executions.
 *
 * An embedding simulation runs one execution per simulated image, so the
 * interpreter's cost per execution bounds how many images a run can push.
 * Figures: the bundled pipeline (7 states entered, a Parallel, a Choice, a
 * States.Format) end to end with mocks through a runner (virtual clock
 * included), and a 20,000-item Map with a Task per item (checks that the
 * per-request bookkeeping stays linear).
 *
 *   sfn_exec_us          CPU time per pipeline execution (process CPU
 *                        clock, best of 5 batches: the VM is shared)
 *   sfn_allocs_per_exec  malloc/calloc/realloc calls per execution, warm
 *                        (goal: 0), counted by the wrappers below
 *
 * The counter: this program defines malloc, calloc, realloc and free, which
 * the dynamic linker binds for every library (json-c, glibc's own callers);
 * they count and forward to glibc's __libc_* entry points.  The count is a
 * process-wide mutable global, acceptable in a benchmark program only.
 * Under a sanitizer (which owns malloc) the counter is left out.
 */
#include "models/stepfn/mdl_sfn.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define COUNT_ALLOCS 0
#else
#define COUNT_ALLOCS 1
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

static unsigned long g_allocs;

void *malloc(size_t n)
{
    g_allocs++;
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    g_allocs++;
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    g_allocs++;
    return __libc_realloc(p, n);
}

void free(void *p)
{
    __libc_free(p);
}
#endif

static const char k_mocks[] =
    "{\"arn:aws:lambda:us-east-1:123456789012:function:CheckImage\": {\"result\": {\"valid\": true, "
    "\"format\": \"jpeg\", \"width\": 1024, \"height\": 768}},"
    " \"arn:aws:lambda:us-east-1:123456789012:function:Resize\": {\"result\": {\"key\": \"t.jpg\"}},"
    " \"arn:aws:lambda:us-east-1:123456789012:function:Grayscale\": {\"result\": {\"key\": \"g.jpg\"}},"
    " \"arn:aws:states:::dynamodb:putItem\": {\"result\": {}}}";

static const char k_map[] =
    "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"MaxConcurrency\": 40, "
    "\"ItemProcessor\": {\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", "
    "\"Resource\": \"f\", \"End\": true}}}, \"End\": true}}}";

/* n pipeline executions; false (with a message) if one does not succeed. */
static bool run_batch(mdl_sfn_runner *r, json_object *in, int n, uint64_t *trans)
{
    sim_error err;
    for (int i = 0; i < n; i++) {
        mdl_sfn_exec *e = NULL;
        if (mdl_sfn_runner_run(r, in, NULL, &e, &err) != SIM_OK ||
            mdl_sfn_exec_status(e) != MDL_SFN_SUCCEEDED) {
            fprintf(stderr, "bench_stepfn: pipeline failed: %s\n", e ? mdl_sfn_exec_error(e) : err.msg);
            return false;
        }
        *trans += mdl_sfn_exec_transitions(e);
    }
    return true;
}

static int bench_pipeline(void)
{
    sim_error err;
    mdl_sfn_machine *m = NULL;
    if (mdl_sfn_machine_load("data/statemachines/image_pipeline.asl.json", &m, &err) != SIM_OK) {
        sim_error_print(&err, stderr);
        return 1;
    }
    json_object *mocks = json_tokener_parse(k_mocks);
    json_object *in = json_tokener_parse("{\"bucket\": \"b\", \"key\": \"k.jpg\"}");
    mdl_sfn_runner *r = mdl_sfn_runner_create(m, mocks);
    const int n = 20000;
    uint64_t trans = 0;
    double best = 1e30;
    bool ok = run_batch(r, in, 1000, &trans); /* warm up */
    for (int rep = 0; rep < 5 && ok; rep++) {
        trans = 0;
        double t0 = sim_cpu_seconds();
        ok = run_batch(r, in, n, &trans);
        double dt = sim_cpu_seconds() - t0;
        if (dt < best) best = dt;
    }
    if (ok) {
        printf("BENCH sfn_exec_us %.3f us\n", best / n * 1e6);
        printf("BENCH stepfn_pipeline_exec_per_s %.4g executions/s\n", n / best);
        printf("BENCH stepfn_transitions_per_s %.4g transitions/s\n", (double)trans / best);
#if COUNT_ALLOCS
        unsigned long a0 = g_allocs;
        ok = run_batch(r, in, 1000, &trans);
        printf("BENCH sfn_allocs_per_exec %.2f count\n", (double)(g_allocs - a0) / 1000.0);
#endif
    }
    mdl_sfn_runner_destroy(r);
    json_object_put(mocks);
    json_object_put(in);
    mdl_sfn_machine_destroy(m);
    return ok ? 0 : 1;
}

/* A Map over 20,000 items: Express, as a Standard execution would end at
 * its 25,000-event history limit (7 events per iteration). */
static int bench_map(void)
{
    sim_error err;
    mdl_sfn_machine *m = NULL;
    if (mdl_sfn_machine_parse(k_map, "map", &m, &err) != SIM_OK) {
        sim_error_print(&err, stderr);
        return 1;
    }
    json_object *items = json_object_new_array();
    for (int i = 0; i < 20000; i++) json_object_array_add(items, json_object_new_int(i));
    mdl_sfn_options o;
    mdl_sfn_options_default(&o);
    o.type = MDL_SFN_EXPRESS;
    double best = 1e30;
    int rc = 0;
    for (int rep = 0; rep < 3 && rc == 0; rep++) {
        double t0 = sim_cpu_seconds();
        mdl_sfn_exec *e = NULL;
        mdl_sfn_run_mocked(m, items, NULL, &o, &e, &err);
        if (mdl_sfn_exec_status(e) != MDL_SFN_SUCCEEDED || mdl_sfn_exec_transitions(e) != 20001) {
            fprintf(stderr, "bench_stepfn: map failed: %s\n", mdl_sfn_exec_error(e));
            rc = 1;
        }
        mdl_sfn_exec_destroy(e);
        double dt = sim_cpu_seconds() - t0;
        if (dt < best) best = dt;
    }
    if (rc == 0) printf("BENCH stepfn_map_20k_items_s %.4g s\n", best);
    json_object_put(items);
    mdl_sfn_machine_destroy(m);
    return rc;
}

int main(void)
{
    int rc = bench_pipeline();
    return rc ? rc : bench_map();
}
