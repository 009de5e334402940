/* mdl_entry.h - the entries: where client requests come in (models/scenario/).
 *
 * The entries service (mdl_service.h) builds every entry of the config
 * (`entries`, or the shorthand's one, "main") with its arrival source
 * (mdl_source.h) and, for the Lambda door types, its front door
 * (models/lambda/mdl_door.h).  Each arrival roots a flow (mdl_flow_root)
 * and goes to the entry's target, resolved once at build: a door (then a
 * function), a queue (mdl_sqs_send), a bucket (an S3 PUT whose
 * notifications fire, mdl_s3_upload) or a state machine (mdl_sfn_sim_start).
 *
 * It owns the client's side of every request, as the done hook of
 * MDL_ORIGIN_CLIENT (client_done, the one place an entry's response is
 * finished): arrivals, completions, failures by cause, in-flight requests
 * and latency, per entry, per op and in all ("requests" in the results);
 * and the flows' side, as the core's flow-done hook: completed and failed
 * flows and their latency, per entry and per op.
 *
 * Cost: O(1) per arrival and per response, no allocation once warm.
 */
#ifndef MDL_ENTRY_H
#define MDL_ENTRY_H

#include "models/scenario/mdl_service.h"

typedef struct mdl_entry mdl_entry;

extern const mdl_service_ops mdl_entry_service;

/* Client request ri arrives now at entry `entry`: the source set its
 * t_arrival (now), payload and object size; fn is the function its route
 * chose (used by door entries), op its op (mdl_core_op_id). */
void mdl_entry_receive(mdl_entry *en, int entry, int32_t ri, int fn, int op);

#endif /* MDL_ENTRY_H */
