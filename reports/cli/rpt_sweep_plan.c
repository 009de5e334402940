/* rpt_sweep_plan.c - a sweep's grid, its scenarios' configs, the task order
 * (longest first), the sweep id and shard slices.
 *
 * Every scenario's config is expanded and validated up front, serially, so
 * bad input fails before any work; each MPI rank and each shard builds the
 * same plan from the same inputs, so all agree on the task numbers.
 */
#include "reports/cli/rpt_sweep.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void rpt_sweep_def_fini(rpt_sweep_def *d)
{
    for (int a = 0; a < d->nax; a++)
        for (int k = 0; k < d->ax[a].n; k++) free(d->ax[a].vals[k]);
    d->nax = 0;
    for (int k = 0; k < d->nset; k++) free(d->set[k]);
    d->nset = 0;
}

sim_status rpt_sweep_def_add_set(rpt_sweep_def *d, const char *spec, sim_error *err)
{
    if (d->nset == RPT_SWEEP_MAX_SET)
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "at most %d --set", RPT_SWEEP_MAX_SET);
    d->set[d->nset++] = sim_xstrdup(spec);
    return SIM_OK;
}

sim_status rpt_sweep_def_add_axis(rpt_sweep_def *d, const char *spec, sim_error *err)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || !eq[1])
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--grid", "--grid wants KEY=V1,V2,...");
    if (d->nax == RPT_SWEEP_MAX_GRID)
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--grid", "at most %d --grid", RPT_SWEEP_MAX_GRID);
    rpt_sweep_axis *a = &d->ax[d->nax++];
    snprintf(a->key, sizeof a->key, "%.*s", (int)(eq - spec), spec);
    char *vals = sim_xstrdup(eq + 1), *save = NULL;
    sim_status st = SIM_OK;
    for (char *t = strtok_r(vals, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (a->n == RPT_SWEEP_MAX_VALUES) {
            st = SIM_ERR(err, SIM_EUSAGE, NULL, 0, "--grid", "at most %d values per --grid",
                         RPT_SWEEP_MAX_VALUES);
            break;
        }
        a->vals[a->n++] = sim_xstrdup(t);
    }
    free(vals);
    return st;
}

void rpt_sweep_scenario_values(const rpt_sweep_def *d, int sc, const char **pv)
{
    /* The last axis varies fastest. */
    for (int a = d->nax - 1; a >= 0; a--) {
        pv[a] = d->ax[a].vals[sc % d->ax[a].n];
        sc /= d->ax[a].n;
    }
}

void rpt_sweep_def_to_json(const rpt_sweep_def *d, json_object *o)
{
    sim_json_add_string(o, "config", d->config);
    sim_json_add_int(o, "replications", d->reps);
    sim_json_add_int(o, "seed", d->seed);
    json_object *grid = json_object_new_object();
    for (int a = 0; a < d->nax; a++) {
        json_object *vals = json_object_new_array();
        for (int k = 0; k < d->ax[a].n; k++)
            json_object_array_add(vals, json_object_new_string(d->ax[a].vals[k]));
        json_object_object_add(grid, d->ax[a].key, vals);
    }
    json_object_object_add(o, "grid", grid);
    if (d->nset) {
        json_object *set = json_object_new_array();
        for (int k = 0; k < d->nset; k++) json_object_array_add(set, json_object_new_string(d->set[k]));
        json_object_object_add(o, "set", set);
    }
}

const char *rpt_sweep_id_hex(uint64_t id, char *buf)
{
    snprintf(buf, 17, "%016" PRIx64, id);
    return buf;
}

/* FNV-1a 64 (the same constants as sim_stream_id), fed length-prefixed
 * fields so that no two different inputs concatenate alike. */
#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

static uint64_t fnv_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * FNV_PRIME;
    return h;
}

static uint64_t fnv_field(uint64_t h, const void *p, size_t n)
{
    uint64_t len = n;
    h = fnv_bytes(h, &len, sizeof len);
    return fnv_bytes(h, p, n);
}

static uint64_t fnv_str(uint64_t h, const char *s) { return fnv_field(h, s, strlen(s)); }

/* Version of what a task computes from its inputs, hashed into the id: bump
 * it when a change makes old task results unusable for a resume or merge. */
static const char k_id_version[] = "lambdasim sweep 1";

/* Every input that changes a task's figures must be hashed here (a new
 * option that edits the scenarios, such as config overrides, too), or a
 * resume or merge could mix the results of two different sweeps. */
static sim_status sweep_id(const rpt_sweep_plan *p, uint64_t *id, sim_error *err)
{
    char *text = NULL;
    size_t len = 0;
    SIM_TRY(sim_read_file(p->def.config, &text, &len, err));
    uint64_t h = fnv_str(FNV_OFFSET, k_id_version);
    h = fnv_field(h, text, len);
    free(text);
    for (int a = 0; a < p->def.nax; a++) {
        h = fnv_str(h, p->def.ax[a].key);
        for (int k = 0; k < p->def.ax[a].n; k++) h = fnv_str(h, p->def.ax[a].vals[k]);
        h = fnv_str(h, "");   /* end of the axis */
    }
    /* Hashed only when present, so sweeps without --set keep their ids. */
    for (int k = 0; k < p->def.nset; k++) h = fnv_str(h, p->def.set[k]);
    int64_t nums[2] = { p->def.reps, p->seed_opt };
    *id = fnv_field(h, nums, sizeof nums);
    return SIM_OK;
}

/* Scenario sc's config: the base document with the grid values set. */
static sim_status build_scenario(rpt_sweep_plan *p, int sc, sim_error *err)
{
    const rpt_sweep_def *d = &p->def;
    sim_json_doc doc;
    SIM_TRY(sim_json_doc_load(&doc, d->config, err));
    const char *pv[RPT_SWEEP_MAX_GRID];
    rpt_sweep_scenario_values(d, sc, pv);
    sim_status st = SIM_OK;
    for (int a = d->nax - 1; a >= 0 && st == SIM_OK; a--)
        st = sim_json_set_path(doc.root, d->ax[a].key, pv[a], err);
    mdl_config_opts opts = { .data_dir = p->data_dir, .set = (const char *const *)d->set,
                             .nset = (size_t)d->nset };
    if (st == SIM_OK) st = mdl_config_from_doc(&p->cfgs[sc], &doc, &opts, err);
    if (st == SIM_OK) p->ncfg++;
    sim_json_doc_fini(&doc);
    return st;
}

/* Estimated events of one run: arrivals over the span.  Only the order of
 * the tasks depends on it (long ones first, so the last to finish is
 * short), never a result; a trace or generator counts as one per second. */
static double task_cost(const mdl_config *c)
{
    double rate = 0;
    for (int i = 0; i < c->nentry; i++) {
        const mdl_workload_cfg *w = &c->entry[i].workload;
        rate += w->kind == MDL_WL_ARRIVALS ? w->rate_per_s : 1.0;
    }
    return c->duration_s * rate;
}

typedef struct { double cost; int sc; } sc_cost;

static int by_cost_desc(const void *a, const void *b)
{
    const sc_cost *x = a, *y = b;
    if (x->cost != y->cost) return x->cost > y->cost ? -1 : 1;
    return (x->sc > y->sc) - (x->sc < y->sc);   /* ties: scenario order */
}

static void order_tasks(rpt_sweep_plan *p)
{
    int nsc = p->def.nsc, reps = p->def.reps;
    sc_cost *c = sim_xcalloc((size_t)nsc, sizeof *c);
    for (int sc = 0; sc < nsc; sc++) c[sc] = (sc_cost){ task_cost(&p->cfgs[sc]), sc };
    qsort(c, (size_t)nsc, sizeof *c, by_cost_desc);
    p->order = sim_xcalloc((size_t)nsc * (size_t)reps, sizeof *p->order);
    int k = 0;
    for (int i = 0; i < nsc; i++)
        for (int r = 0; r < reps; r++) p->order[k++] = c[i].sc * reps + r;
    free(c);
}

sim_status rpt_sweep_plan_build(rpt_sweep_plan *p, sim_error *err)
{
    rpt_sweep_def *d = &p->def;
    SIM_ASSERT(d->config[0] && d->reps >= 1);
    d->nsc = 1;
    for (int a = 0; a < d->nax; a++) {
        SIM_ASSERT(d->ax[a].n >= 1);
        if (d->nsc > INT32_MAX / d->ax[a].n / d->reps)
            SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "--grid", "too many scenarios");
        d->nsc *= d->ax[a].n;
    }
    p->cfgs = sim_xcalloc((size_t)d->nsc, sizeof *p->cfgs);
    for (int sc = 0; sc < d->nsc; sc++) SIM_TRY(build_scenario(p, sc, err));
    SIM_TRY(sweep_id(p, &d->id, err));
    d->seed = p->seed_opt >= 0 ? p->seed_opt : (int64_t)(p->cfgs[0].seed ? p->cfgs[0].seed : 1);
    order_tasks(p);
    return SIM_OK;
}

void rpt_sweep_plan_fini(rpt_sweep_plan *p)
{
    for (int i = 0; i < p->ncfg; i++) mdl_config_fini(&p->cfgs[i]);
    free(p->cfgs);
    free(p->order);
    rpt_sweep_def_fini(&p->def);
    p->cfgs = NULL;
    p->order = NULL;
    p->ncfg = 0;
}

uint64_t rpt_sweep_plan_seed(const rpt_sweep_plan *p, int sc)
{
    const mdl_config *c = &p->cfgs[sc];
    return p->seed_opt >= 0 ? (uint64_t)p->seed_opt : (c->seed ? c->seed : 1);
}

int rpt_sweep_shard_tasks(const rpt_sweep_plan *p, int index, int count, int *out)
{
    SIM_ASSERT(count >= 1 && index >= 0 && index < count);
    int n = 0, ntasks = rpt_sweep_ntasks(&p->def);
    for (int k = index; k < ntasks; k += count) out[n++] = p->order[k];
    return n;
}
