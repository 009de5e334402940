/* mdl_config_cycles.c - the call graph of a config: who starts whom.
 *
 * Nodes are the functions, the queues and the state machines; an edge says
 * that work at one node starts work at another: a function's or a worker's
 * emitting call (an S3 put leads straight to the notifications its key
 * fires), a queue's Lambda event-source mapping, a state machine's Lambda
 * Tasks.  An edge is certain when it is taken every time (a call of
 * probability 1, a mapping); a Task is never certain (a Choice may skip it).
 *
 * Two checks (README "Guards"):
 *  - a cycle of certain edges is a static call cycle: every request entering
 *    it would loop for ever, so it is an error, naming the call that closes
 *    it (file, line, field);
 *  - a function on any cycle (a strongly connected component with more than
 *    one node, or a self-edge) can be re-entered by one chain of requests:
 *    it gets a recursion-guard slot (mdl_function_cfg.loop_slot), which the
 *    run counts per chain to stop the 17th entry, as AWS's recursive loop
 *    detection does.
 * The graph has at most a few hundred nodes; it lives only while the config
 * loads.
 */
#include "models/config/mdl_config_internal.h"

#include <stdlib.h>
#include <string.h>

#define FAIL_AT(code, path, ...) \
    return sim_error_set(err, (code), __FILE__, __LINE__, doc->input, sim_json_line(doc, (path)), \
                         (path), __VA_ARGS__)

typedef struct edge {
    int from, to;
    bool certain;
    char field[160];     /* the config key that makes the edge (for errors) */
} edge;

typedef struct graph {
    const mdl_config *cfg;
    int n;               /* functions, then queues, then state machines */
    edge *e;
    int ne, cape;
    /* Tarjan's and the cycle search's scratch, per node */
    int *index, *low, *stack, *color, *via;
    bool *on_stack;
    int nstack, next_index;
} graph;

static int node_queue(const graph *g, int q) { return g->cfg->nfn + q; }
static int node_machine(const graph *g, int m) { return g->cfg->nfn + g->cfg->nq + m; }

static void add_edge(graph *g, int from, int to, bool certain, const char *field)
{
    if (g->ne == g->cape) {
        g->cape = g->cape ? 2 * g->cape : 64;
        g->e = sim_xrealloc(g->e, (size_t)g->cape * sizeof *g->e);
    }
    edge *x = &g->e[g->ne++];
    x->from = from;
    x->to = to;
    x->certain = certain;
    snprintf(x->field, sizeof x->field, "%s", field);
}

/* The edges of a list of calls made at node `from`; `path` is the list's
 * key ("functions.f.calls"). */
static void call_edges(graph *g, int from, const mdl_call *calls, int n, const char *path)
{
    const mdl_config *cfg = g->cfg;
    for (int k = 0; k < n; k++) {
        const mdl_call *c = &calls[k];
        if (!mdl_call_emits(c)) continue;
        char field[160];
        snprintf(field, sizeof field, "%s[%d]", path, k);
        bool certain = c->probability >= 1;
        switch (c->op) {
        case MDL_CALL_SQS_SEND: add_edge(g, from, node_queue(g, c->target), certain, field); break;
        case MDL_CALL_LAMBDA_INVOKE: add_edge(g, from, c->target, certain, field); break;
        case MDL_CALL_SFN_START: add_edge(g, from, node_machine(g, c->target), certain, field); break;
        case MDL_CALL_S3_PUT: {
            const mdl_bucket_cfg *b = &cfg->bucket[c->target];
            for (int i = 0; i < b->nnotify; i++) {
                if (!(c->notify_mask & (1u << i))) continue;
                const mdl_notify_cfg *nt = &b->notify[i];
                add_edge(g, from, nt->queue_index >= 0 ? node_queue(g, nt->queue_index)
                                                       : nt->fn_index, certain, field);
            }
            break;
        }
        default: break;
        }
    }
}

typedef struct task_ctx {
    graph *g;
    int from;
    const char *field;
} task_ctx;

static void task_edge(void *ctx, const char *state, const char *resource)
{
    (void)state;
    task_ctx *t = ctx;
    int fn = mdl_config_resource_function(t->g->cfg, resource);
    if (fn >= 0) add_edge(t->g, t->from, fn, false, t->field);
}

static void build(graph *g)
{
    const mdl_config *cfg = g->cfg;
    char p[160];
    for (int i = 0; i < cfg->nfn; i++) {
        snprintf(p, sizeof p, "functions.%s.calls", cfg->fn[i].name);
        call_edges(g, i, cfg->fn[i].calls, cfg->fn[i].ncalls, p);
    }
    for (int i = 0; i < cfg->nq; i++) {
        const mdl_queue_cfg *q = &cfg->q[i];
        if (q->consumer == MDL_CONSUMER_LAMBDA) {
            snprintf(p, sizeof p, "queues.%s.consumer.function", q->name);
            add_edge(g, node_queue(g, i), q->fn_index, true, p);
        } else if (q->consumer == MDL_CONSUMER_WORKERS) {
            snprintf(p, sizeof p, "queues.%s.consumer.calls", q->name);
            call_edges(g, node_queue(g, i), q->calls, q->ncalls, p);
        }
    }
    for (int i = 0; i < cfg->nmachine; i++) {
        snprintf(p, sizeof p, "state_machines.%s.definition", cfg->machine[i].name);
        task_ctx t = { g, node_machine(g, i), p };
        mdl_sfn_machine_each_task(cfg->machine[i].machine, task_edge, &t);
    }
}

/* ---- static cycles: a depth-first search over certain edges -------------------- */

enum { WHITE, GREY, BLACK };

/* A grey node reached again closes a cycle: returns the edge that closes
 * it (g->via holds the edge into each node on the path), or -1. */
static int find_cycle(graph *g, int v)
{
    g->color[v] = GREY;
    for (int k = 0; k < g->ne; k++) {
        const edge *x = &g->e[k];
        if (x->from != v || !x->certain) continue;
        if (g->color[x->to] == GREY) return k;
        if (g->color[x->to] == WHITE) {
            g->via[x->to] = k;
            int c = find_cycle(g, x->to);
            if (c >= 0) return c;
        }
    }
    g->color[v] = BLACK;
    return -1;
}

static const char *node_name(const graph *g, int v, char *buf, size_t n)
{
    const mdl_config *cfg = g->cfg;
    if (v < cfg->nfn) snprintf(buf, n, "function %s", cfg->fn[v].name);
    else if (v < cfg->nfn + cfg->nq) snprintf(buf, n, "queue %s", cfg->q[v - cfg->nfn].name);
    else snprintf(buf, n, "state machine %s", cfg->machine[v - cfg->nfn - cfg->nq].name);
    return buf;
}

/* "f -> queue q -> f" along the path that edge k closes. */
static void cycle_text(const graph *g, int k, char *buf, size_t n)
{
    int path[512], np = 0, start = g->e[k].to;
    for (int v = g->e[k].from; v != start && np < 511; v = g->e[g->via[v]].from) path[np++] = v;
    path[np++] = start;
    size_t len = 0;
    char name[160];
    for (int i = np - 1; i >= 0 && len < n; i--)
        len += (size_t)snprintf(buf + len, n - len, "%s -> ", node_name(g, path[i], name, sizeof name));
    if (len < n) snprintf(buf + len, n - len, "%s", node_name(g, start, name, sizeof name));
}

/* ---- recursion-guard slots: Tarjan's strongly connected components ------------- */

static void strongconnect(graph *g, int v, int *comp, int *ncomp)
{
    g->index[v] = g->low[v] = g->next_index++;
    g->stack[g->nstack++] = v;
    g->on_stack[v] = true;
    for (int k = 0; k < g->ne; k++) {
        const edge *x = &g->e[k];
        if (x->from != v) continue;
        if (g->index[x->to] < 0) {
            strongconnect(g, x->to, comp, ncomp);
            if (g->low[x->to] < g->low[v]) g->low[v] = g->low[x->to];
        } else if (g->on_stack[x->to] && g->index[x->to] < g->low[v]) {
            g->low[v] = g->index[x->to];
        }
    }
    if (g->low[v] != g->index[v]) return;
    int w;
    do {
        w = g->stack[--g->nstack];
        g->on_stack[w] = false;
        comp[w] = *ncomp;
    } while (w != v);
    (*ncomp)++;
}

/* Functions on a cycle: a component of two or more nodes, or a self-edge. */
static sim_status assign_slots(graph *g, mdl_config *cfg, const sim_json_doc *doc, sim_error *err)
{
    int *comp = sim_xcalloc((size_t)g->n, sizeof *comp), *size = sim_xcalloc((size_t)g->n, sizeof *size);
    int ncomp = 0;
    for (int v = 0; v < g->n; v++) g->index[v] = -1;
    for (int v = 0; v < g->n; v++)
        if (g->index[v] < 0) strongconnect(g, v, comp, &ncomp);
    for (int v = 0; v < g->n; v++) size[comp[v]]++;
    cfg->nloop_fn = 0;
    sim_status st = SIM_OK;
    for (int f = 0; f < cfg->nfn && st == SIM_OK; f++) {
        bool self = false;
        for (int k = 0; k < g->ne; k++) self |= g->e[k].from == f && g->e[k].to == f;
        cfg->fn[f].loop_slot = -1;
        if (size[comp[f]] < 2 && !self) continue;
        if (cfg->nloop_fn == MDL_MAX_LOOP_FNS)
            st = SIM_ERR(err, SIM_ERANGE, doc->input, sim_json_line(doc, "functions"), "functions",
                         "at most %d functions may lie on call cycles (the recursion guard's "
                         "slots)", MDL_MAX_LOOP_FNS);
        else
            cfg->fn[f].loop_slot = cfg->nloop_fn++;
    }
    free(comp);
    free(size);
    return st;
}

sim_status mdl__check_cycles(mdl_config *cfg, const sim_json_doc *doc, sim_error *err)
{
    graph g;
    memset(&g, 0, sizeof g);
    g.cfg = cfg;
    g.n = cfg->nfn + cfg->nq + cfg->nmachine;
    if (g.n == 0) return SIM_OK;
    build(&g);
    g.index = sim_xcalloc((size_t)g.n, sizeof *g.index);
    g.low = sim_xcalloc((size_t)g.n, sizeof *g.low);
    g.stack = sim_xcalloc((size_t)g.n, sizeof *g.stack);
    g.color = sim_xcalloc((size_t)g.n, sizeof *g.color);
    g.via = sim_xcalloc((size_t)g.n, sizeof *g.via);
    g.on_stack = sim_xcalloc((size_t)g.n, sizeof *g.on_stack);
    int closing = -1;
    for (int v = 0; v < g.n && closing < 0; v++)
        if (g.color[v] == WHITE) closing = find_cycle(&g, v);
    sim_status st = SIM_OK;
    if (closing >= 0) {
        char text[1024];
        cycle_text(&g, closing, text, sizeof text);
        const char *field = g.e[closing].field;
        st = SIM_ERR(err, SIM_EUSAGE, doc->input, sim_json_line(doc, field), field,
                     "a call cycle every request would follow: %s (AWS stops such a loop after "
                     "%d invocations; give one of its calls a probability below 1 if the loop is "
                     "meant)", text, MDL_RECURSION_LIMIT);
    } else {
        st = assign_slots(&g, cfg, doc, err);
    }
    free(g.index);
    free(g.low);
    free(g.stack);
    free(g.color);
    free(g.via);
    free(g.on_stack);
    free(g.e);
    return st;
}
