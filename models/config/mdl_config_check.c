/* mdl_config_check.c - cross-references, once every section is read: names
 * that must resolve (targets, routes, dead-letter queues, mapped
 * functions; buckets, state machines and calls in mdl_config_graph.c, the
 * call graph in mdl_config_cycles.c) and limits that span sections
 * (reserved concurrency within the account's). */
#include "models/config/mdl_config_internal.h"

#include <string.h>

#define FAIL_AT(code, path, ...) \
    return sim_error_set(err, (code), __FILE__, __LINE__, doc->input, sim_json_line(doc, (path)), \
                         (path), __VA_ARGS__)

/* Dead-letter queues and the functions of Lambda mappings. */
static sim_status check_queues(mdl_config *cfg, const sim_json_doc *doc, sim_error *err)
{
    for (int i = 0; i < cfg->nq; i++) {
        mdl_queue_cfg *q = &cfg->q[i];
        char p[512];
        if (q->dlq[0]) {
            snprintf(p, sizeof p, "queues.%s.dlq", q->name);
            q->dlq_index = mdl_config_find_queue(cfg, q->dlq);
            if (q->dlq_index < 0 || q->dlq_index == i)
                FAIL_AT(SIM_EUNKNOWN, p, "no other queue named '%s'", q->dlq);
            if (cfg->q[q->dlq_index].type != q->type)
                FAIL_AT(SIM_ERANGE, p, "a dead-letter queue must be of the same type (standard/fifo)");
            if (q->max_receive_count == 0) q->max_receive_count = 10;
        }
        if (q->consumer == MDL_CONSUMER_LAMBDA) {
            snprintf(p, sizeof p, "queues.%s.consumer.function", q->name);
            q->fn_index = mdl_config_find_function(cfg, q->function);
            if (q->fn_index < 0) FAIL_AT(SIM_EUNKNOWN, p, "no function named '%s'", q->function);
        }
    }
    return SIM_OK;
}

/* What the config as a whole needs: something to run, and the trace
 * template of each entry. */
static sim_status check_entry(mdl_config *cfg, int ei, const sim_json_doc *doc, sim_error *err)
{
    const mdl_entry_cfg *e = &cfg->entry[ei];
    char ep[512], wp[512], p[700];
    mdl_config_entry_path(cfg, ei, ep, sizeof ep);
    mdl_config_workload_path(cfg, ei, wp, sizeof wp);
    snprintf(p, sizeof p, "%s.target", ep);
    if (e->type == MDL_ENTRY_QUEUE && mdl_config_find_queue(cfg, e->target) < 0 && e->target[0])
        FAIL_AT(SIM_EUNKNOWN, p, "no queue named '%s'", e->target);
    if (cfg->nfn == 0 && cfg->nq == 0)
        FAIL_AT(SIM_EMISSING, "functions", "at least one function or queue is needed");
    snprintf(p, sizeof p, "%s.trace.function_template", wp);
    if (e->workload.function_template[0] &&
        mdl_config_find_function(cfg, e->workload.function_template) < 0)
        FAIL_AT(SIM_EUNKNOWN, p, "no function named '%s'", e->workload.function_template);
    return SIM_OK;
}

/* A function entry: its default target and routes name functions, and
 * every op of the mix has somewhere to go. */
static sim_status check_targets(mdl_config *cfg, int ei, const sim_json_doc *doc, sim_error *err)
{
    mdl_entry_cfg *e = &cfg->entry[ei];
    char ep[512], wp[512], p[700];
    mdl_config_entry_path(cfg, ei, ep, sizeof ep);
    mdl_config_workload_path(cfg, ei, wp, sizeof wp);
    bool fn_entry = e->type <= MDL_ENTRY_APIGW_REST;
    if (fn_entry && cfg->nfn == 0)
        FAIL_AT(SIM_EMISSING, "functions", "a %s entry needs at least one function",
                mdl__entry_types[e->type]);
    snprintf(p, sizeof p, "%s.routes", ep);
    if (!fn_entry && e->nroutes) FAIL_AT(SIM_EUNSUPPORTED, p, "routes are for function entries");
    snprintf(p, sizeof p, "%s.target", ep);
    if (e->type == MDL_ENTRY_QUEUE && !e->target[0])
        return SIM_ERR(err, SIM_EMISSING, doc->input, sim_json_line(doc, ep), p,
                       "a queue entry needs a target queue");
    if (fn_entry && !e->target[0] && e->nroutes == 0) {
        if (cfg->nfn != 1)
            return SIM_ERR(err, SIM_EMISSING, doc->input, sim_json_line(doc, ep), p,
                           "entry needs a target (or routes) when there are several functions");
        snprintf(e->target, sizeof e->target, "%s", cfg->fn[0].name);
    }
    if (fn_entry && e->target[0] && mdl_config_find_function(cfg, e->target) < 0)
        FAIL_AT(SIM_EUNKNOWN, p, "no function named '%s'", e->target);
    for (int i = 0; i < e->nroutes; i++) {
        snprintf(p, sizeof p, "%s.routes.%s", ep, e->route_op[i]);
        if (mdl_config_find_function(cfg, e->route_fn[i]) < 0)
            FAIL_AT(SIM_EUNKNOWN, p, "no function named '%s'", e->route_fn[i]);
    }
    const mdl_workload_cfg *w = &e->workload;
    for (int i = 0; i < w->nmix && fn_entry; i++) {
        bool routed = e->target[0] != '\0';
        for (int r = 0; r < e->nroutes && !routed; r++)
            routed = strcmp(e->route_op[r], w->mix_op[i]) == 0;
        snprintf(p, sizeof p, "%s.mix.%s", wp, w->mix_op[i]);
        if (!routed)
            FAIL_AT(SIM_EUNKNOWN, p, "op '%s' has no route and the entry has no default target",
                    w->mix_op[i]);
    }
    return SIM_OK;
}

/* Reserved concurrency within the account's; provisioned within the
 * function's own cap. */
static sim_status check_concurrency(mdl_config *cfg, const sim_json_doc *doc, sim_error *err)
{
    long reserved = 0;
    for (int i = 0; i < cfg->nfn; i++)
        if (cfg->fn[i].reserved_concurrency > 0) reserved += cfg->fn[i].reserved_concurrency;
    if (reserved > cfg->account_concurrency)
        FAIL_AT(SIM_ERANGE, "functions", "reserved concurrency (%ld) exceeds the account limit (%d)",
                reserved, cfg->account_concurrency);
    for (int i = 0; i < cfg->nfn; i++) {
        const mdl_function_cfg *f = &cfg->fn[i];
        int cap = f->reserved_concurrency >= 0 ? f->reserved_concurrency : cfg->account_concurrency;
        char p[512];
        snprintf(p, sizeof p, "functions.%s.provisioned_concurrency", f->name);
        if (f->provisioned_concurrency > cap)
            FAIL_AT(SIM_ERANGE, p, "provisioned concurrency (%d) exceeds the function's "
                    "concurrency (%d)", f->provisioned_concurrency, cap);
    }
    return SIM_OK;
}

sim_status mdl__config_check(mdl_config *cfg, const sim_json_doc *doc, sim_error *err)
{
    SIM_TRY(check_queues(cfg, doc, err));
    SIM_TRY(mdl__check_graph(cfg, doc, err));
    for (int i = 0; i < cfg->nentry; i++) {
        SIM_TRY(check_entry(cfg, i, doc, err));
        SIM_TRY(check_targets(cfg, i, doc, err));
    }
    SIM_TRY(mdl__check_calls(cfg, doc, err));
    SIM_TRY(mdl__check_cycles(cfg, doc, err));
    return check_concurrency(cfg, doc, err);
}
