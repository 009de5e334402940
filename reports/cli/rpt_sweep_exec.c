/* rpt_sweep_exec.c - running sweep tasks: one task (one engine, one
 * replication), and a task list on OpenMP threads with a dynamic schedule.
 *
 * Each task writes only its own result slot and its own store file; the
 * shared counters (progress, tasks per rank) move under one critical
 * section, so the outputs do not depend on the thread count.
 */
#include "reports/cli/rpt_sweep.h"
#include "models/scenario/mdl_scenario.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

void rpt_sweep_result_add(rpt_sweep_result *r, const char *name, double v)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->names = sim_xrealloc(r->names, (size_t)r->cap * sizeof *r->names);
        r->vals = sim_xrealloc(r->vals, (size_t)r->cap * sizeof *r->vals);
    }
    r->names[r->n] = sim_xstrdup(name);
    r->vals[r->n++] = v;
}

void rpt_sweep_result_fini(rpt_sweep_result *r)
{
    for (int i = 0; i < r->n; i++) free(r->names[i]);
    free(r->names);
    free(r->vals);
    memset(r, 0, sizeof *r);
}

/* Every numeric leaf, by dotted path, in the document's order. */
static void flatten(rpt_sweep_result *r, json_object *o, const char *prefix)
{
    json_object_object_foreach(o, k, v) {
        char path[512];
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", k);
        if (json_object_is_type(v, json_type_object))
            flatten(r, v, path);
        else if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))
            rpt_sweep_result_add(r, path, json_object_get_double(v));
    }
}

sim_status rpt_sweep_run_task(const rpt_sweep_plan *p, int t, rpt_sweep_result *out,
                              sim_error *err)
{
    SIM_ASSERT(t >= 0 && t < rpt_sweep_ntasks(&p->def) && out->n == 0);
    int sc = t / p->def.reps, r = t % p->def.reps;
    mdl_scenario *s = NULL;
    sim_status st = mdl_scenario_create(&p->cfgs[sc], rpt_sweep_plan_seed(p, sc), (uint64_t)r,
                                        &s, err);
    if (st == SIM_OK) st = mdl_scenario_run(s, err);
    if (st == SIM_OK) {
        json_object *jr = mdl_scenario_results(s);
        flatten(out, jr, "");
        json_object_put(jr);
        out->done = true;
    }
    mdl_scenario_destroy(s);
    return st;
}

void rpt_sweep_exec_finish(rpt_sweep_exec *x, int t, int rank)
{
    if (x->st[t] == SIM_OK && x->store)
        x->st[t] = rpt_sweep_store_put(x->store, t, &x->res[t], &x->errs[t]);
#pragma omp critical(sweep_finish)
    {
        x->tasks_by_rank[rank]++;
        rpt_progress_update(x->bar, ++x->done);
    }
}

void rpt_sweep_exec_openmp(rpt_sweep_exec *x)
{
    SIM_ASSERT(x->threads >= 1 && x->ranks >= 1);
#pragma omp parallel for schedule(dynamic) num_threads(x->threads)
    for (int k = 0; k < x->ntodo; k++) {
        int t = x->todo[k];
        x->st[t] = rpt_sweep_run_task(x->plan, t, &x->res[t], &x->errs[t]);
        rpt_sweep_exec_finish(x, t, 0);
    }
}
