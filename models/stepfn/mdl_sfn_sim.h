/* mdl_sfn_sim.h - Step Functions executions in a scenario: what others call.
 *
 * The Step Functions service (a scenario service, mdl_service.h) drives the
 * ASL interpreter (mdl_sfn.h) on the engine: Lambda Tasks become
 * invocations of the simulated functions (origin: the Task), DynamoDB
 * integrations timed and metered calls, Waits and retry back-offs timers;
 * each execution is metered as its workflow type bills it.  The state
 * machines are the config's: today one, the stepfunctions entry's (index 0).
 *
 * Cost: per execution, the interpreter's own (mdl_sfn.h) plus O(1) per
 * Task; no allocation here once the pools are warm.
 */
#ifndef MDL_SFN_SIM_H
#define MDL_SFN_SIM_H

#include "models/scenario/mdl_service.h"

typedef struct mdl_sfn_sim mdl_sfn_sim;

extern const mdl_service_ops mdl_sfn_sim_service;

/* Start an execution of state machine `machine` for request ri (its bytes
 * go into the input).  The request finishes (mdl_req_finish) when the
 * execution ends: ok, or execution_failed. */
void mdl_sfn_sim_start(mdl_sfn_sim *f, int machine, int32_t ri);

#endif /* MDL_SFN_SIM_H */
