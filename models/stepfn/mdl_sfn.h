/* mdl_sfn.h - an Amazon States Language (Step Functions) interpreter.
 *
 * A definition is loaded, validated and compiled once (mdl_sfn_machine),
 * then run any number of times as executions (mdl_sfn_exec).  An execution
 * never blocks and never owns a clock: it is a resumable state object that
 * an embedding simulator drives.  mdl_sfn_exec_advance() runs every branch
 * that can run and queues requests ("invoke resource R at time t", "wake
 * me at time t"); the driver takes them with mdl_sfn_exec_next_request(),
 * decides when they finish (a simulated Lambda, a mock, a timer) and hands
 * each result back with mdl_sfn_exec_resume_*() at that simulated time.  So
 * the standalone `lambdasim stepfn run` (mocks + a virtual clock) and the
 * event-driven platform simulation share one interpreter, and Parallel/Map
 * branches can have many requests in flight at once.
 *
 * Cost: states are dispatched by type, paths, templates and Choice rules
 * are compiled at load, payloads are immutable trees shared by reference.
 * An execution created from a pool (mdl_sfn_options.pool) reuses the
 * memory of the executions destroyed before it: warm, it allocates nothing
 * (tests/bench_stepfn.c counts).
 *
 * Time: every call takes the driver's `now` (seconds).  Each branch keeps
 * its own clock so the Step Functions per-transition overhead (about
 * 18.8 ms per Lambda task, SLApp SFNDelay measurements) is added without
 * extra events: an invoke request carries the time `at` it should start.
 * Every state takes at least MDL_SFN_MIN_STATE_LATENCY_S, so no execution
 * is timeless: a loop of Pass states ends at Express's 5-minute limit.
 *
 * Billing: `transitions` counts what Standard workflows bill: one per state
 * entered (in every branch and Map iteration) plus one per retry
 * (README "Reference facts", Step Functions).  Express is billed from the duration by the meter
 * (mdl_meter_sfn_express*, models/pricing/mdl_meter.h).
 *
 * Limits (AWS's, sources in README "Step Functions"): 256 KiB payloads
 * (States.DataLimitExceeded), 25,000 history events per Standard execution
 * (then States.Runtime), retrier field ranges and 40 concurrent inline Map
 * iterations.
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

struct sim_json_doc;

typedef struct mdl_sfn_machine mdl_sfn_machine;
typedef struct mdl_sfn_exec mdl_sfn_exec;
typedef struct mdl_sfn_pool mdl_sfn_pool;

/* The least time a state takes (each state entered, each Task attempt),
 * whatever the options say.  An assumption, not a measurement: below every
 * measured Step Functions figure (18.8 ms per Lambda task, SLApp; about
 * 3.8 ms per Choice state of a Standard loop, floci-io/floci#2734), and
 * enough that a loop without Tasks ends (Express: 5 min / 1 ms = 300,000
 * states per branch). */
#define MDL_SFN_MIN_STATE_LATENCY_S 0.001

/* Load, validate and compile a definition file.  Errors name the file,
 * line, state and field (e.g. "States.Check.Next: unknown state \"Chek\""). */
sim_status mdl_sfn_machine_load(const char *path, mdl_sfn_machine **out,
                                sim_error *err);
/* The same from text; `label` names it in errors. */
sim_status mdl_sfn_machine_parse(const char *text, const char *label,
                                 mdl_sfn_machine **out, sim_error *err);
/* The same from a parsed document, which the machine takes over (doc is
 * left empty, on failure too). */
sim_status mdl_sfn_machine_from_doc(struct sim_json_doc *doc, mdl_sfn_machine **out,
                                    sim_error *err);
void mdl_sfn_machine_destroy(mdl_sfn_machine *m);

/* Call fn once per Task state (any depth) with its name and Resource;
 * used to check mocks and to map resources onto simulated functions. */
void mdl_sfn_machine_each_task(const mdl_sfn_machine *m,
                               void (*fn)(void *ctx, const char *state,
                                          const char *resource),
                               void *ctx);
/* The distinct Task resources, numbered in each_task order: a request's
 * resource_index indexes them, so a driver resolves names once. */
int mdl_sfn_machine_resource_count(const mdl_sfn_machine *m);
const char *mdl_sfn_machine_resource(const mdl_sfn_machine *m, int i);

/* Executions recycled: create from a pool, destroy returns to it.  A pool
 * serves one thread; destroy it after every execution made from it. */
mdl_sfn_pool *mdl_sfn_pool_create(void);
void mdl_sfn_pool_destroy(mdl_sfn_pool *p);

/* Standard: exactly-once, billed per transition, up to a year, at most
 * 25,000 history events.  Express: billed per request and GB-s, up to 5
 * minutes.  (Express's at-least-once delivery is the embedding simulator's
 * to model: an execution here runs each state once.) */
typedef enum { MDL_SFN_STANDARD, MDL_SFN_EXPRESS } mdl_sfn_type;

typedef struct mdl_sfn_options {
    mdl_sfn_type type;
    double task_latency_s;    /* overhead per Task attempt (default 0.0188) */
    double state_latency_s;   /* overhead per other state entered (default: the minimum) */
    double start_time_s;      /* simulated time the execution starts */
    uint64_t seed;            /* for JitterStrategy FULL (stream "sfn/jitter") */
    uint64_t replication;
    const char *name;         /* execution name, for $$.Execution.Name */
    double express_memory_mb; /* Express billed memory before 64 MB rounding (default 64) */
    mdl_sfn_pool *pool;       /* recycle executions through it (NULL: none) */
} mdl_sfn_options;

/* The defaults above. */
void mdl_sfn_options_default(mdl_sfn_options *o);

typedef enum {
    MDL_SFN_REQ_INVOKE, /* start resource at time `at` */
    MDL_SFN_REQ_WAIT    /* resume at time `at` (Wait state, retry back-off) */
} mdl_sfn_req_kind;

/* A request; pointers stay valid while the machine lives. */
typedef struct mdl_sfn_request {
    mdl_sfn_req_kind kind;
    uint64_t id;           /* pass back to mdl_sfn_exec_resume_* */
    double at;             /* simulated start (invoke) or wake-up (wait) time */
    const char *state;     /* the state that asked */
    const char *resource;  /* INVOKE: the Task's Resource */
    int resource_index;    /* INVOKE: mdl_sfn_machine_resource(m, resource_index) */
    double timeout_s;      /* INVOKE: TimeoutSeconds, 0 = none */
} mdl_sfn_request;

typedef enum {
    MDL_SFN_RUNNING,
    MDL_SFN_SUCCEEDED,
    MDL_SFN_FAILED
} mdl_sfn_status;

/* Start an execution with `input` (a new reference is taken).  An input
 * over the 256 KiB payload limit (which AWS's StartExecution refuses)
 * gives an execution that has FAILED with States.DataLimitExceeded. */
sim_status mdl_sfn_exec_create(const mdl_sfn_machine *m, json_object *input,
                               const mdl_sfn_options *opt, mdl_sfn_exec **out,
                               sim_error *err);
/* Free it, or return it to the pool it came from. */
void mdl_sfn_exec_destroy(mdl_sfn_exec *e);

/* Run every branch that can run at time `now`; queue the requests. */
void mdl_sfn_exec_advance(mdl_sfn_exec *e, double now);
/* Pop the next queued request; false when none is queued. */
bool mdl_sfn_exec_next_request(mdl_sfn_exec *e, mdl_sfn_request *out);
/* The effective input of an INVOKE request still waiting (a new json-c
 * reference; allocates), NULL otherwise. */
json_object *mdl_sfn_exec_request_input(const mdl_sfn_exec *e, uint64_t id);

/* Hand back a result at simulated time `now` (the invoke's end).  A result
 * for a branch that was cancelled meanwhile (a sibling failed) is dropped.
 * A result later than the Task's TimeoutSeconds becomes States.Timeout; a
 * result over the payload limit, States.DataLimitExceeded. */
void mdl_sfn_exec_resume_result(mdl_sfn_exec *e, uint64_t id, double now,
                                json_object *result);
/* The same, the Task returning its own effective input. */
void mdl_sfn_exec_resume_echo(mdl_sfn_exec *e, uint64_t id, double now);
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
/* Final output (borrowed, built on first call; NULL unless SUCCEEDED),
 * error and cause ("" unless FAILED). */
json_object *mdl_sfn_exec_output(mdl_sfn_exec *e);
const char *mdl_sfn_exec_error(const mdl_sfn_exec *e);
const char *mdl_sfn_exec_cause(const mdl_sfn_exec *e);
/* Billable Standard transitions so far: states entered + retries. */
uint64_t mdl_sfn_exec_transitions(const mdl_sfn_exec *e);
/* Invocations issued (retries included). */
uint64_t mdl_sfn_exec_invocations(const mdl_sfn_exec *e);
/* Standard history events so far (ExecutionStarted included; 0 for
 * Express, which keeps no history). */
uint64_t mdl_sfn_exec_history_events(const mdl_sfn_exec *e);
/* Simulated end time minus start time (so far, if still running). */
double mdl_sfn_exec_duration(const mdl_sfn_exec *e);

/* ---- the mocked driver (`lambdasim stepfn run`, tests, benchmarks) ------------------ */

/* Check a mocks document: {"<resource>": {"result": X} | {"error": E,
 * "cause": C} | [those...]}, each entry optionally with "duration_s". */
sim_status mdl_sfn_mocks_check(const struct sim_json_doc *doc, sim_error *err);

/* Runs executions to their end on a virtual clock, Task results taken from
 * `mocks` (checked as above; NULL, or a resource without a mock: the Task
 * returns its input).  Lists are consumed one entry per call, the last one
 * repeating; counts restart with each execution.  The runner converts the
 * mocks once and recycles its executions: warm, a run allocates nothing.
 * `mocks` must outlive the runner. */
typedef struct mdl_sfn_runner mdl_sfn_runner;
mdl_sfn_runner *mdl_sfn_runner_create(const mdl_sfn_machine *m, json_object *mocks);
/* *out belongs to the runner and lives until its next run or destroy.
 * `opt` NULL: defaults (its pool is ignored). */
sim_status mdl_sfn_runner_run(mdl_sfn_runner *r, json_object *input,
                              const mdl_sfn_options *opt, mdl_sfn_exec **out,
                              sim_error *err);
void mdl_sfn_runner_destroy(mdl_sfn_runner *r);

/* One execution the same way, owned by the caller (mdl_sfn_exec_destroy). */
sim_status mdl_sfn_run_mocked(const mdl_sfn_machine *m, json_object *input,
                              json_object *mocks, const mdl_sfn_options *opt,
                              mdl_sfn_exec **out, sim_error *err);

/* `lambdasim stepfn run` is rpt_cmd_stepfn, in reports/cli/rpt_cmd_stepfn.c. */

#endif /* MDL_SFN_H */
