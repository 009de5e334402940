/* mdl_lambda.h - Lambda functions in a scenario: what other services call.
 *
 * The Lambda service (a scenario service, mdl_service.h) runs every
 * function of the config, and the functions cloned for trace functions, with
 * their execution environments (cold starts, warm reuse, keep-alive expiry,
 * maximum lifetime and pre-warmed replacements: the lifecycle of
 * mdl_lifecycle.h; provisioned concurrency), the account and reserved
 * concurrency limits, the scaling rate, function timeouts and async retries.
 *
 * A sender takes a request from the core's pool, sets its payload, its
 * origin (who is told when it finishes), `async` (an event invocation:
 * Lambda retries it and reports only the final outcome) and `timeout_s` (a
 * synchronous caller's patience), then invokes.  Function indices are the
 * config's (mdl_config_find_function) for config functions; resolve names
 * once, at build time.
 *
 * Cost: an invocation is O(1) and allocation-free once the environment pool
 * has grown (NEWEST reuse: O(log idle), a heap; RANDOM: O(idle), a walk); a
 * drawn keep-alive adds one draw per invocation and about one timer per
 * environment and minimum keep-alive.
 */
#ifndef MDL_LAMBDA_H
#define MDL_LAMBDA_H

#include "models/scenario/mdl_service.h"

typedef struct mdl_lambda mdl_lambda;

extern const mdl_service_ops mdl_lambda_service;

/* Invoke function fn with request ri now, after a delay, or at time t. */
void mdl_lambda_invoke(mdl_lambda *l, int fn, int32_t ri);
void mdl_lambda_invoke_after(mdl_lambda *l, int fn, int32_t ri, double delay_s);
void mdl_lambda_invoke_at(mdl_lambda *l, int fn, int32_t ri, double t);

/* A new function like config function `template_fn` but named `name` and
 * with no reserved or provisioned concurrency, and `memory_mb` (NaN: the
 * template's; else rounded up and clamped to 128..10240).  Its RNG streams
 * are named after it.  Returns its index. */
int mdl_lambda_clone(mdl_lambda *l, int template_fn, const char *name, double memory_mb);

/* What function fn returns (its config's response_bytes; a clone's is its
 * template's). */
double mdl_lambda_response_bytes(const mdl_lambda *l, int fn);

/* The config's functions (a trace's clones aside) whose invocations hit a
 * timeout left at AWS's default (MDL_DEFAULT_TIMEOUT_S): cb(ctx, name,
 * timeouts) for each, in config order.  After the run. */
void mdl_lambda_default_timeouts(const mdl_lambda *l,
                                 void (*cb)(void *ctx, const char *name, uint64_t timeouts),
                                 void *ctx);

#endif /* MDL_LAMBDA_H */
