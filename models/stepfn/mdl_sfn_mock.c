/* mdl_sfn_mock.c - executions driven by mocks on a virtual clock.
 *
 * The simplest driver of the resumable interpreter (mdl_sfn.h), shared by
 * `lambdasim stepfn run`, the tests and the benchmarks: Task results come
 * from a mocks document, and a virtual clock orders completions, Wait states
 * and retry back-offs, so a run reports the execution's simulated duration
 * (Step Functions' per-task overhead included) besides its output and
 * billable transitions.
 *
 * Mocks (README "Step Functions"): {"<resource>": {"result": <json>}},
 * {"<resource>": {"error": "Name", "cause": "..."}}, or a list of those
 * consumed one per call; the last entry of a list repeats once the list is
 * used up.  One extension: "duration_s" (default 0), how long the call
 * takes in simulated time, so TimeoutSeconds can be exercised.  A resource
 * without a mock returns the Task's input.
 *
 * A runner resolves each mock once, by the machine's resource index, and
 * converts its result into an immortal value that every execution shares;
 * its executions come from its own pool.  Warm, a run allocates nothing.
 */
#include "models/stepfn/mdl_sfn.h"
#include "models/stepfn/mdl_sfn_internal.h"

#include "sim/sim_json.h"

#include <stdlib.h>
#include <string.h>

/* ---- checking a mocks document ------------------------------------------------------- */

static const char *const k_mock_keys[] = { "result", "error", "cause", "duration_s", NULL };

static sim_status check_mock_entry(const sim_json_doc *doc, json_object *m, const char *path,
                                   sim_error *err)
{
    SIM_TRY(sim_json_check_keys(doc, m, path, k_mock_keys, err));
    bool has_r = json_object_object_get_ex(m, "result", NULL);
    bool has_e = json_object_object_get_ex(m, "error", NULL);
    if (has_r == has_e)
        SIM_JSON_FAIL(err, SIM_EFORMAT, doc, path, "a mock needs exactly one of result and error");
    const char *s;
    if (has_e) SIM_TRY(sim_json_get_string(doc, m, path, "error", true, &s, NULL, err));
    if (json_object_object_get_ex(m, "cause", NULL)) {
        if (!has_e) {
            char p[600];
            SIM_JSON_FAIL(err, SIM_EFORMAT, doc, sim_json_path(p, sizeof p, path, "cause"),
                          "cause goes with error");
        }
        SIM_TRY(sim_json_get_string(doc, m, path, "cause", true, &s, NULL, err));
    }
    double d;
    SIM_TRY(sim_json_get_number(doc, m, path, "duration_s", false, 0, 1e9, &d, NULL, err));
    return SIM_OK;
}

sim_status mdl_sfn_mocks_check(const sim_json_doc *doc, sim_error *err)
{
    if (!json_object_is_type(doc->root, json_type_object))
        SIM_JSON_FAIL(err, SIM_ETYPE, doc, "", "mocks must be a JSON object keyed by Resource");
    json_object_object_foreach(doc->root, res, v) {
        if (json_object_is_type(v, json_type_array)) {
            size_t n = json_object_array_length(v);
            if (n == 0) SIM_JSON_FAIL(err, SIM_EFORMAT, doc, res, "an empty list of mocks");
            for (size_t i = 0; i < n; i++) {
                char p[600];
                sim_json_path_index(p, sizeof p, res, i);
                SIM_TRY(check_mock_entry(doc, json_object_array_get_idx(v, i), p, err));
            }
        } else {
            SIM_TRY(check_mock_entry(doc, v, res, err));
        }
    }
    return SIM_OK;
}

/* ---- the runner ------------------------------------------------------------------------- */

typedef struct mock_entry {
    json_object *result;   /* {"result": X}: X (borrowed; NULL is JSON null) */
    sfn_val *val;          /* X converted once (immortal), or NULL */
    const char *error;     /* {"error": E}: E, else NULL */
    const char *cause;
    double duration;
} mock_entry;

typedef struct mock_res {
    int n;                 /* 0: no mock, the Task echoes its input */
    bool list;             /* consumed one entry per call */
    mock_entry *entry;
} mock_res;

/* A pending completion on the virtual clock. */
typedef struct pend {
    double t;
    uint64_t seq, id;
    mdl_sfn_req_kind kind;
    const mock_entry *mock; /* NULL: echo */
    bool timed_out;
} pend;

struct mdl_sfn_runner {
    const mdl_sfn_machine *m;
    sfn_arena arena;        /* converted mock results */
    mock_res *res;          /* per machine resource */
    int *calls;             /* per machine resource, this run */
    pend *p;
    size_t np, cap;
    mdl_sfn_pool *pool;
    mdl_sfn_exec *last;     /* the previous run's execution (the runner's) */
    bool convert;           /* share converted results (runner), or not (one-shot) */
};

static void entry_of(mdl_sfn_runner *r, json_object *j, mock_entry *me)
{
    json_object *x;
    if (json_object_object_get_ex(j, "result", &me->result) && r->convert)
        me->val = mdl_sfn__v_from_json((sfn_alloc){ NULL, &r->arena }, me->result);
    if (json_object_object_get_ex(j, "error", &x)) {
        me->error = json_object_get_string(x);
        me->cause = json_object_object_get_ex(j, "cause", &x) ? json_object_get_string(x) : "";
    }
    me->duration = json_object_object_get_ex(j, "duration_s", &x) ? json_object_get_double(x) : 0;
}

static mdl_sfn_runner *runner_new(const mdl_sfn_machine *m, json_object *mocks, bool convert)
{
    mdl_sfn_runner *r = sim_xcalloc(1, sizeof *r);
    r->m = m;
    r->convert = convert;
    int nr = mdl_sfn_machine_resource_count(m);
    r->res = mdl_sfn__arena_alloc(&r->arena, (size_t)(nr ? nr : 1) * sizeof *r->res);
    r->calls = mdl_sfn__arena_alloc(&r->arena, (size_t)(nr ? nr : 1) * sizeof *r->calls);
    for (int i = 0; mocks && i < nr; i++) {
        json_object *mk;
        if (!json_object_object_get_ex(mocks, mdl_sfn_machine_resource(m, i), &mk)) continue;
        mock_res *mr = &r->res[i];
        mr->list = json_object_is_type(mk, json_type_array);
        mr->n = mr->list ? (int)json_object_array_length(mk) : 1;
        mr->entry = mdl_sfn__arena_alloc(&r->arena, (size_t)mr->n * sizeof *mr->entry);
        for (int k = 0; k < mr->n; k++)
            entry_of(r, mr->list ? json_object_array_get_idx(mk, (size_t)k) : mk, &mr->entry[k]);
    }
    return r;
}

/* The mock answering request q (NULL: echo). */
static const mock_entry *mock_for(mdl_sfn_runner *r, const mdl_sfn_request *q)
{
    mock_res *mr = &r->res[q->resource_index];
    if (mr->n == 0) return NULL;
    if (!mr->list) return &mr->entry[0];
    int k = r->calls[q->resource_index]++;
    return &mr->entry[k < mr->n ? k : mr->n - 1];
}

/* Take the execution's queued requests onto the clock. */
static void take_requests(mdl_sfn_runner *r, mdl_sfn_exec *e, uint64_t *seq)
{
    mdl_sfn_request q;
    while (mdl_sfn_exec_next_request(e, &q)) {
        if (r->np == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 16;
            r->p = sim_xrealloc(r->p, r->cap * sizeof *r->p);
        }
        pend *p = &r->p[r->np++];
        memset(p, 0, sizeof *p);
        p->seq = (*seq)++;
        p->id = q.id;
        p->kind = q.kind;
        p->t = q.at;
        if (q.kind != MDL_SFN_REQ_INVOKE) continue;
        p->mock = mock_for(r, &q);
        double dur = p->mock ? p->mock->duration : 0;
        if (q.timeout_s > 0 && dur > q.timeout_s) {
            dur = q.timeout_s;
            p->timed_out = true;
        }
        p->t = q.at + dur;
    }
}

static void answer(mdl_sfn_exec *e, const pend *q, double now)
{
    const mock_entry *mk = q->mock;
    if (q->kind == MDL_SFN_REQ_WAIT) mdl_sfn_exec_resume_wait(e, q->id, now);
    else if (q->timed_out) mdl_sfn_exec_resume_error(e, q->id, now, "States.Timeout", "Task timed out");
    else if (!mk) mdl_sfn_exec_resume_echo(e, q->id, now);
    else if (mk->error) mdl_sfn_exec_resume_error(e, q->id, now, mk->error, mk->cause);
    else if (mk->val) mdl_sfn__resume_value(e, q->id, now, mk->val);
    else mdl_sfn_exec_resume_result(e, q->id, now, mk->result);
}

/* Run one execution to its end: the earliest pending completion first
 * (ties in request order). */
static sim_status drive(mdl_sfn_runner *r, json_object *input, const mdl_sfn_options *opt,
                        mdl_sfn_exec **out, sim_error *err)
{
    mdl_sfn_exec *e;
    SIM_TRY(mdl_sfn_exec_create(r->m, input, opt, &e, err));
    memset(r->calls, 0, (size_t)mdl_sfn_machine_resource_count(r->m) * sizeof *r->calls);
    r->np = 0;
    uint64_t seq = 0;
    double now = opt->start_time_s;
    for (;;) {
        mdl_sfn_exec_advance(e, now);
        take_requests(r, e, &seq);
        if (mdl_sfn_exec_status(e) != MDL_SFN_RUNNING || r->np == 0) break;
        size_t best = 0;
        for (size_t i = 1; i < r->np; i++)
            if (r->p[i].t < r->p[best].t || (r->p[i].t == r->p[best].t && r->p[i].seq < r->p[best].seq))
                best = i;
        pend q = r->p[best];
        r->p[best] = r->p[--r->np];
        if (q.t > now) now = q.t;
        if (now > mdl_sfn_exec_deadline(e)) {
            mdl_sfn_exec_time_out(e, mdl_sfn_exec_deadline(e));
            break;
        }
        answer(e, &q, now);
    }
    SIM_ASSERT(mdl_sfn_exec_status(e) != MDL_SFN_RUNNING);
    *out = e;
    return SIM_OK;
}

mdl_sfn_runner *mdl_sfn_runner_create(const mdl_sfn_machine *m, json_object *mocks)
{
    mdl_sfn_runner *r = runner_new(m, mocks, true);
    r->pool = mdl_sfn_pool_create();
    return r;
}

sim_status mdl_sfn_runner_run(mdl_sfn_runner *r, json_object *input, const mdl_sfn_options *opt,
                              mdl_sfn_exec **out, sim_error *err)
{
    mdl_sfn_exec_destroy(r->last);
    r->last = NULL;
    mdl_sfn_options o;
    if (opt) o = *opt;
    else mdl_sfn_options_default(&o);
    o.pool = r->pool;
    SIM_TRY(drive(r, input, &o, out, err));
    r->last = *out;
    return SIM_OK;
}

static void runner_free(mdl_sfn_runner *r)
{
    free(r->p);
    mdl_sfn__arena_fini(&r->arena);
    free(r);
}

void mdl_sfn_runner_destroy(mdl_sfn_runner *r)
{
    if (!r) return;
    mdl_sfn_exec_destroy(r->last);
    mdl_sfn_pool_destroy(r->pool);
    runner_free(r);
}

sim_status mdl_sfn_run_mocked(const mdl_sfn_machine *m, json_object *input, json_object *mocks,
                              const mdl_sfn_options *opt, mdl_sfn_exec **out, sim_error *err)
{
    /* The execution outlives this call: its results are converted into its
     * own heap, not shared from the runner's arena. */
    mdl_sfn_runner *r = runner_new(m, mocks, false);
    mdl_sfn_options o;
    if (opt) o = *opt;
    else mdl_sfn_options_default(&o);
    sim_status st = drive(r, input, &o, out, err);
    runner_free(r);
    return st;
}
