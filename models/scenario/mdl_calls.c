/* mdl_calls.c - the service calls a handler makes (S3, DynamoDB,
 * Rekognition, EFS, and the API calls that start work downstream): their
 * latency and their usage on the meter.  These services are metered, not
 * simulated: a call costs time and money but never queues.  What an
 * emitting call starts (a message, an invocation, an execution, an S3
 * event) is simulated by its service (mdl_emit.c). */
#include "models/scenario/mdl_service.h"

uint16_t mdl_calls_decide(const mdl_call *calls, int n, gsl_rng *rng)
{
    uint16_t mask = 0;
    for (int k = 0; k < n; k++)
        if (calls[k].probability >= 1 || gsl_rng_uniform(rng) < calls[k].probability)
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

/* An object PUT now is stored until the end of the run: GB-month is
 * bytes x remaining time over a 730-hour month (S3 meters byte-hours). */
void mdl_s3_store(mdl_core *c, double bytes)
{
    double now = sim_engine_now(c->e);
    double remaining = c->cfg->duration_s - now;
    if (remaining > 0 && now >= c->t_measure)
        c->s3_gb_month += bytes / 1e9 * remaining / (730.0 * 3600.0);
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
            mdl_s3_store(c, bytes);
            break;
        /* Strongly consistent reads (4 KB units); standard writes (1 KB). */
        case MDL_CALL_DDB_READ: mdl_meter_ddb_read(m, call->item_kb, true, false); break;
        case MDL_CALL_DDB_WRITE: mdl_meter_ddb_write(m, call->item_kb, false); break;
        case MDL_CALL_REKOGNITION: mdl_meter_rekognition(m, 2, 1); break;   /* DetectLabels */
        case MDL_CALL_EFS_READ: mdl_meter_efs_io(m, bytes / 1e9, 0); break;
        case MDL_CALL_EFS_WRITE: mdl_meter_efs_io(m, 0, bytes / 1e9); break;
        /* The message, invocation or execution is metered where it runs. */
        case MDL_CALL_SQS_SEND:
        case MDL_CALL_LAMBDA_INVOKE:
        case MDL_CALL_SFN_START:
        case MDL_CALL_COUNT: break;
        }
    }
}
