/* mdl_calls.c - what a handler's work leaves on the bill outside Lambda:
 * the service calls it makes (S3, DynamoDB, Rekognition, EFS, and the API
 * calls that start work downstream: their latency and usage), the storage
 * they accumulate (the stocks), and the response a client takes out of
 * AWS.  These services are metered, not simulated: a call costs time and
 * money but never queues.  What an emitting call starts (a message, an
 * invocation, an execution, an S3 event) is simulated by its service
 * (mdl_emit.c). */
#include "models/scenario/mdl_service.h"
#include "models/lambda/mdl_lambda.h"
#include "sim/sim_rng.h"

/* A GB-month: a GB stored for the 730-hour month of the Pricing Calculator
 * (README "Reference facts", Pricing Calculator). */
#define GB_MONTH_S (730.0 * 3600.0)
/* DynamoDB sizes items in KB of 1,024 bytes (DynamoDB documentation). */
#define DDB_KB 1024.0

uint16_t mdl_calls_decide(const mdl_call *calls, int n, gsl_rng *rng)
{
    uint16_t mask = 0;
    for (int k = 0; k < n; k++)
        if (calls[k].probability >= 1 || sim_rng_uniform(rng) < calls[k].probability)
            mask |= (uint16_t)(1u << k);
    return mask;
}

double mdl_calls_ms(const mdl_core *c, const mdl_call *calls, int n, gsl_rng *rng,
                    double req_bytes, double obj_bytes, uint16_t mask)
{
    double ms = 0;
    const mdl_config *cfg = c->cfg;
    for (int k = 0; k < n; k++) {
        const mdl_call *call = &calls[k];
        if (!(mask & (1u << k))) continue;
        double bytes = mdl_call_bytes(call, req_bytes, obj_bytes);
        ms += sim_dist_sample(&cfg->svc_latency[call->op], rng);
        if (cfg->svc_mbps[call->op] > 0)
            ms += bytes / (cfg->svc_mbps[call->op] * 1e6) * 1e3;
    }
    return ms;
}

void mdl_stock_settle(mdl_stock *st, double now)
{
    if (now > st->t_last) st->gb_month += st->level_gb * (now - st->t_last) / GB_MONTH_S;
    st->t_last = now;
}

/* A stock changes now: its integral runs to now first, so the GB-month of
 * the measured span is exact (S3 meters byte-hours).  A delete of more
 * than is stored empties it. */
void mdl_stock_add(mdl_core *c, mdl_stock_id s, double bytes)
{
    SIM_ASSERT(s >= 0 && s < MDL_STOCK_COUNT);
    mdl_stock *st = &c->stock[s];
    mdl_stock_settle(st, sim_engine_now(c->e));
    double before = st->level_gb;
    st->level_gb += bytes / 1e9;
    if (st->level_gb < 0) st->level_gb = 0;
    st->added_gb += st->level_gb - before;
}

void mdl_calls_meter(mdl_core *c, const mdl_call *calls, int n, double req_bytes,
                     double obj_bytes, uint16_t mask)
{
    mdl_meter *m = c->meter;
    for (int k = 0; k < n; k++) {
        const mdl_call *call = &calls[k];
        if (!(mask & (1u << k))) continue;
        double bytes = mdl_call_bytes(call, req_bytes, obj_bytes);
        switch (call->op) {
        case MDL_CALL_S3_GET: mdl_meter_s3_get(m, 1); break;
        case MDL_CALL_S3_PUT:
            mdl_meter_s3_put(m, 1);
            mdl_stock_add(c, MDL_STOCK_S3, bytes);
            break;
        /* DELETE requests are free (README "Reference facts", S3). */
        case MDL_CALL_S3_DELETE: mdl_stock_add(c, MDL_STOCK_S3, -bytes); break;
        /* Strongly consistent reads (4 KB units); standard writes (1 KB),
         * each a new item of item_kb (an assumption: updates in place
         * would not grow the table). */
        case MDL_CALL_DDB_READ: mdl_meter_ddb_read(m, call->item_kb, true, false); break;
        case MDL_CALL_DDB_WRITE:
            mdl_meter_ddb_write(m, call->item_kb, false);
            mdl_stock_add(c, MDL_STOCK_DDB, call->item_kb * DDB_KB);
            break;
        case MDL_CALL_REKOGNITION: mdl_meter_rekognition(m, 2, 1); break;   /* DetectLabels */
        case MDL_CALL_EFS_READ: mdl_meter_efs_io(m, bytes / 1e9, 0); break;
        case MDL_CALL_EFS_WRITE:
            mdl_meter_efs_io(m, 0, bytes / 1e9);
            mdl_stock_add(c, MDL_STOCK_EFS, bytes);
            break;
        /* The message, invocation or execution is metered where it runs. */
        case MDL_CALL_SQS_SEND:
        case MDL_CALL_LAMBDA_INVOKE:
        case MDL_CALL_SFN_START:
        case MDL_CALL_COUNT: break;
        }
    }
}

void mdl_meter_response(mdl_core *c, int32_t ri, mdl_outcome o, mdl_entry_type door)
{
    bool leaves_aws = door == MDL_ENTRY_FUNCTION_URL || door == MDL_ENTRY_APIGW_HTTP ||
                      door == MDL_ENTRY_APIGW_REST;
    const mdl_req *r = mdl_req_at(c, ri);
    if (!leaves_aws || o != MDL_OUT_OK || !mdl_core_measuring(c)) return;
    double bytes = r->resp_bytes;
    if (bytes <= 0 && r->fn != MDL_NO_FN)
        bytes = mdl_lambda_response_bytes(mdl_core_service(c, MDL_SID_LAMBDA), r->fn);
    if (bytes > 0) mdl_meter_dto(c->meter, bytes / 1e9);
}
