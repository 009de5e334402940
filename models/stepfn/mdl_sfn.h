/* mdl_sfn.h - an Amazon States Language (Step Functions) interpreter.
 *
 * A definition is loaded and validated once (mdl_sfn_machine), then run any
 * number of times as executions (mdl_sfn_exec).  An execution never blocks
 * and never owns a clock: it is a resumable state object that an embedding
 * simulator drives.  mdl_sfn_exec_advance() runs every branch that can run
 * and queues requests ("invoke resource R with input X at time t", "wake
 * me at time t"); the driver takes them with mdl_sfn_exec_next_request(),
 * decides when they finish (a simulated Lambda, a mock, a timer) and hands
 * each result back with mdl_sfn_exec_resume_*() at that simulated time.  So
 * the standalone `lambdasim stepfn run` (mocks + a virtual clock) and the
 * event-driven platform simulation share one interpreter, and Parallel/Map
 * branches can have many requests in flight at once.
 *
 * Time: every call takes the driver's `now` (seconds).  Each branch keeps
 * its own clock so the Step Functions per-transition overhead (about
 * 18.8 ms per Lambda task, SLApp SFNDelay measurements) is added without
 * extra events: an invoke request carries the time `at` it should start.
 *
 * Billing: `transitions` counts what Standard workflows bill: one per state
 * entered (in every branch and Map iteration) plus one per retry
 * (README "Reference facts", Step Functions).  The execution's duration gives
 * the Express metering (100 ms units, 64 MB memory chunks, same section).
 *
 * Errors in the definition are sim_status errors naming the state and
 * field; errors while executing are ASL errors (States.Timeout, ...) that
 * Retry/Catch handle, and end the execution FAILED if uncaught.
 */
#ifndef MDL_SFN_H
#define MDL_SFN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json.h>

#include "sim/sim_status.h"

typedef struct mdl_sfn_machine mdl_sfn_machine;
typedef struct mdl_sfn_exec mdl_sfn_exec;

/* Load and validate a definition file.  Errors name the file, line, state
 * and field (e.g. "States.Check.Next: unknown state \"Chek\""). */
sim_status mdl_sfn_machine_load(const char *path, mdl_sfn_machine **out,
                                sim_error *err);
/* The same from text; `label` names it in errors. */
sim_status mdl_sfn_machine_parse(const char *text, const char *label,
                                 mdl_sfn_machine **out, sim_error *err);
void mdl_sfn_machine_destroy(mdl_sfn_machine *m);

/* Call fn once per Task state (any depth) with its name and Resource;
 * used to check mocks and to map resources onto simulated functions. */
void mdl_sfn_machine_each_task(const mdl_sfn_machine *m,
                               void (*fn)(void *ctx, const char *state,
                                          const char *resource),
                               void *ctx);

/* Standard: exactly-once, billed per transition, up to a year.  Express:
 * billed per request and GB-s, up to 5 minutes.  (Express's at-least-once
 * delivery is the embedding simulator's to model: an execution here runs
 * each state once.) */
typedef enum { MDL_SFN_STANDARD, MDL_SFN_EXPRESS } mdl_sfn_type;

typedef struct mdl_sfn_options {
    mdl_sfn_type type;
    double task_latency_s;    /* overhead per Task attempt (default 0.0188) */
    double state_latency_s;   /* overhead per other state entered (default 0) */
    double start_time_s;      /* simulated time the execution starts */
    uint64_t seed;            /* for JitterStrategy FULL (stream "sfn/jitter") */
    uint64_t replication;
    const char *name;         /* execution name, for $$.Execution.Name */
    double express_memory_mb; /* Express billed memory before 64 MB rounding (default 64) */
} mdl_sfn_options;

/* The defaults above. */
void mdl_sfn_options_default(mdl_sfn_options *o);

typedef enum {
    MDL_SFN_REQ_INVOKE, /* start resource with input at time `at` */
    MDL_SFN_REQ_WAIT    /* resume at time `at` (Wait state, retry back-off) */
} mdl_sfn_req_kind;

/* A request; pointers stay valid until the request is resumed. */
typedef struct mdl_sfn_request {
    mdl_sfn_req_kind kind;
    uint64_t id;           /* pass back to mdl_sfn_exec_resume_* */
    double at;             /* simulated start (invoke) or wake-up (wait) time */
    const char *state;     /* the state that asked */
    const char *resource;  /* INVOKE: the Task's Resource */
    json_object *input;    /* INVOKE: the effective input (borrowed) */
    double timeout_s;      /* INVOKE: TimeoutSeconds, 0 = none */
} mdl_sfn_request;

typedef enum {
    MDL_SFN_RUNNING,
    MDL_SFN_SUCCEEDED,
    MDL_SFN_FAILED
} mdl_sfn_status;

/* Start an execution with `input` (a new reference is taken). */
sim_status mdl_sfn_exec_create(const mdl_sfn_machine *m, json_object *input,
                               const mdl_sfn_options *opt, mdl_sfn_exec **out,
                               sim_error *err);
void mdl_sfn_exec_destroy(mdl_sfn_exec *e);

/* Run every branch that can run at time `now`; queue the requests. */
void mdl_sfn_exec_advance(mdl_sfn_exec *e, double now);
/* Pop the next queued request; false when none is queued. */
bool mdl_sfn_exec_next_request(mdl_sfn_exec *e, mdl_sfn_request *out);

/* Hand back a result at simulated time `now` (the invoke's end).  A result
 * for a branch that was cancelled meanwhile (a sibling failed) is dropped.
 * A result later than the Task's TimeoutSeconds becomes States.Timeout. */
void mdl_sfn_exec_resume_result(mdl_sfn_exec *e, uint64_t id, double now,
                                json_object *result);
void mdl_sfn_exec_resume_error(mdl_sfn_exec *e, uint64_t id, double now,
                               const char *error, const char *cause);
/* A WAIT request's time has come. */
void mdl_sfn_exec_resume_wait(mdl_sfn_exec *e, uint64_t id, double now);

/* The execution's deadline: start + the definition's TimeoutSeconds, at
 * most 5 minutes for Express and a year for Standard.  A driver
 * whose next event is later calls mdl_sfn_exec_time_out at the deadline. */
double mdl_sfn_exec_deadline(const mdl_sfn_exec *e);
void mdl_sfn_exec_time_out(mdl_sfn_exec *e, double now);

mdl_sfn_status mdl_sfn_exec_status(const mdl_sfn_exec *e);
/* Final output (borrowed; NULL unless SUCCEEDED), error and cause (""
 * unless FAILED). */
json_object *mdl_sfn_exec_output(const mdl_sfn_exec *e);
const char *mdl_sfn_exec_error(const mdl_sfn_exec *e);
const char *mdl_sfn_exec_cause(const mdl_sfn_exec *e);
/* Billable Standard transitions so far: states entered + retries. */
uint64_t mdl_sfn_exec_transitions(const mdl_sfn_exec *e);
/* Invocations issued (retries included). */
uint64_t mdl_sfn_exec_invocations(const mdl_sfn_exec *e);
/* Simulated end time minus start time (so far, if still running). */
double mdl_sfn_exec_duration(const mdl_sfn_exec *e);

/* Express metering of a duration: billed 100 ms units and GB-s at the
 * given memory (rounded up to 64 MB chunks, 64 MB minimum). */
uint64_t mdl_sfn_express_units(double duration_s);
double mdl_sfn_express_gb_s(double duration_s, double memory_mb);

/* ---- the standalone driver (reports/cli/rpt_cmd_stepfn.c) ---------------------------------- */

struct sim_json_doc;

/* Check a mocks document: {"<resource>": {"result": X} | {"error": E,
 * "cause": C} | [those...]}, each entry optionally with "duration_s". */
sim_status mdl_sfn_mocks_check(const struct sim_json_doc *doc, sim_error *err);

/* Run an execution to its end on a virtual clock, Task results taken from
 * `mocks` (checked as above; NULL: every Task returns its input).  Lists are
 * consumed one entry per call, the last one repeating.  *out is the finished
 * execution (caller destroys).  `opt` NULL: defaults. */
sim_status mdl_sfn_run_mocked(const mdl_sfn_machine *m, json_object *input,
                              json_object *mocks, const mdl_sfn_options *opt,
                              mdl_sfn_exec **out, sim_error *err);

/* `lambdasim stepfn run` is rpt_cmd_stepfn, in reports/cli/rpt_cmd_stepfn.c. */

#endif /* MDL_SFN_H */
