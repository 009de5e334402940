/* mdl_entry.h - the entries: where client requests come in (models/scenario/).
 *
 * The entries service (mdl_service.h) builds the config's entry with its
 * arrival source (mdl_source.h) and, for the Lambda door types, its front
 * door (models/lambda/mdl_door.h).  It owns the client's side of every
 * request: arrivals, completions, failures by cause, in-flight requests and
 * the client latency ("requests" in the results), as the done hook of
 * MDL_ORIGIN_CLIENT.  Each arrival goes to the entry's target, resolved
 * once at build: a door (then a function), a queue (mdl_sqs_send), the S3
 * bucket (a PUT, then its notification to a queue or, as an event, to a
 * function) or a state machine (mdl_sfn_sim_start).
 */
#ifndef MDL_ENTRY_H
#define MDL_ENTRY_H

#include "models/scenario/mdl_service.h"

typedef struct mdl_entry mdl_entry;

extern const mdl_service_ops mdl_entry_service;

/* Client request ri arrives now: the source set its t_arrival (now) and
 * payload; fn is the function its route chose (used by door entries). */
void mdl_entry_receive(mdl_entry *en, int32_t ri, int fn);

/* Its source's mdl_source_trace_clones. */
uint32_t mdl_entry_trace_clones(const mdl_entry *en);

#endif /* MDL_ENTRY_H */
