/* mdl_door.h - a Lambda front door: direct invoke, Function URL, API Gateway.
 *
 * An entry of type direct, function_url, apigw_http or apigw_rest hands each
 * client request to its door.  The door enforces the payload limits (its
 * own, then Lambda's: 6 MB sync, 1 MB async), API Gateway's account
 * throttle (a token bucket), meters its requests, adds its overhead, may
 * answer from the REST stage cache, and invokes the function: synchronously
 * (the client waits up to the door's timeout) or, for a direct async entry,
 * as an event.  The entry meters the response when the request finishes
 * (mdl_meter_response).
 *
 * Ownership: the entry creates and destroys its door.  Cost: O(1) per
 * request, no allocation.
 */
#ifndef MDL_DOOR_H
#define MDL_DOOR_H

#include "models/scenario/mdl_service.h"

typedef struct mdl_door mdl_door;

/* Is this entry type a door? */
bool mdl_door_type(mdl_entry_type t);

/* A door for entry `en` (a door type).  `path` names the entry in RNG
 * streams ("<path>/overhead") and errors ("<path>.cache.size_gb").  Errors:
 * a cache size the region's catalogue lacks. */
sim_status mdl_door_create(mdl_core *core, const mdl_entry_cfg *en, const char *path,
                           mdl_door **out, sim_error *err);
void mdl_door_destroy(mdl_door *d);

/* Client request ri, for function fn, as it arrives (its t_arrival is now). */
void mdl_door_receive(mdl_door *d, int32_t ri, int fn);

/* Requests answered from the cache (after the warm-up). */
uint64_t mdl_door_cache_hits(const mdl_door *d);
/* End of run: the cache's hours over the measured span. */
void mdl_door_meter_end(mdl_door *d, double span_s);

#endif /* MDL_DOOR_H */
