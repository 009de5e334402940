/* mdl_config_internal.h - what the files of models/config share: the option
 * tables of each section and their hooks.
 *
 * mdl_config.c         load, the root table, account/async/billing/services,
 *                      the effective config, schema and docs
 * mdl_config_workload.c  workload: arrivals, mix, trace, generator
 * mdl_config_entry.c   entry and entries: the front door, notify, routes, cache,
 *                      throttle, bucket/key, state machine
 * mdl_config_graph.c   buckets (notifications) and state machines
 * mdl_config_fn.c      functions, kernels, service calls
 * mdl_config_queue.c   queues and their consumers
 * mdl_config_check.c   cross-references once every section is read
 * mdl_config_cycles.c  the call graph: static cycles, recursion-guard slots
 *
 * Hooks reach the whole config through the context's user pointer (parse)
 * or the writer's user pointer (write): both are the mdl_config.
 */
#ifndef MDL_CONFIG_INTERNAL_H
#define MDL_CONFIG_INTERNAL_H

#include <stddef.h>

#include "models/config/mdl_config.h"
#include "sim/sim_opt.h"

/* The parse context's user pointer. */
typedef struct mdl__cfg_ctx {
    mdl_config *cfg;
    const char *data_dir;
} mdl__cfg_ctx;

#define MDL__CFG(c) (((mdl__cfg_ctx *)(c)->user)->cfg)

/* Row shorthands: the type and where the value lands in struct T. */
#define MDL__NUM(T, f) .type = SIM_OPT_NUMBER, .store = SIM_OPT_ST_DOUBLE, .off = offsetof(T, f)
#define MDL__INT(T, f) .type = SIM_OPT_INT, .store = SIM_OPT_ST_INT, .off = offsetof(T, f)
#define MDL__BOOL(T, f) .type = SIM_OPT_BOOL, .store = SIM_OPT_ST_BOOL, .off = offsetof(T, f)
/* An enum field (int-sized: checked by MDL__ENUM_OK). */
#define MDL__ENUM(T, f, ch) \
    .type = SIM_OPT_ENUM, .store = SIM_OPT_ST_INT, .off = offsetof(T, f), .choices = (ch)
/* A two-choice enum into a bool (index != 0). */
#define MDL__FLAG(T, f, ch) \
    .type = SIM_OPT_ENUM, .store = SIM_OPT_ST_BOOL, .off = offsetof(T, f), .choices = (ch)
#define MDL__STR(T, f) \
    .type = SIM_OPT_STRING, .store = SIM_OPT_ST_CHARS, .off = offsetof(T, f), \
    .size = sizeof(((T *)0)->f)
#define MDL__PATH(T, f) \
    .type = SIM_OPT_PATH, .store = SIM_OPT_ST_CHARS, .off = offsetof(T, f), \
    .size = sizeof(((T *)0)->f)
#define MDL__DIST(T, f) .type = SIM_OPT_DIST, .store = SIM_OPT_ST_DIST, .off = offsetof(T, f)
#define MDL__ENUM_OK(E) _Static_assert(sizeof(E) == sizeof(int), #E " is stored as an int")

/* Names shared by several sections. */
extern const char *const mdl__entry_types[];
extern const char *const mdl__arch_names[];
extern const char *const mdl__reuse_names[];

/* ---- the lifecycle (mdl_config_platform.c) ----------------------------------- */

/* `platform.preset` when absent. */
#define MDL__PLATFORM_PRESET MDL_LC_PRESET_DEFAULT

extern const sim_opt_table mdl__platform_table;
extern const sim_opt_table mdl__prewarm_table;      /* platform.prewarm */
extern const sim_opt_table mdl__fn_prewarm_table;   /* functions.<name>.prewarm */
sim_status mdl__parse_max_lifetime(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                   const char *path, void *base);
json_object *mdl__write_max_lifetime(const sim_opt *r, const void *base, const void *user);
json_object *mdl__schema_max_lifetime(const sim_opt *r);
/* {"oneOf": [a distribution, other]} (takes other). */
json_object *mdl__schema_dist_or(json_object *other);

/* The lifecycle keys of a struct that holds an mdl_lifecycle at offset LC
 * (`platform`: 0; a function: offsetof(mdl_function_cfg, lc)).  Absent keys
 * keep the layer below's value, DEF in the docs (the preset's, then the
 * platform's). */
#define MDL__LC_ROWS(LC, DEF)                                                                \
    { "keep_alive_lone", .type = SIM_OPT_DIST, .store = SIM_OPT_ST_DIST,                     \
      .off = (LC) + offsetof(mdl_lifecycle, keep_alive_lone), .flags = SIM_OPT_KEEP,         \
      .def_doc = DEF, .unit = "ms",                                                          \
      .doc = "keep-alive of an environment going idle while it is its function's only live " \
             "one: the idle time before it expires" },                                       \
    { "keep_alive_pool", .type = SIM_OPT_DIST, .store = SIM_OPT_ST_DIST,                     \
      .off = (LC) + offsetof(mdl_lifecycle, keep_alive_pool), .flags = SIM_OPT_KEEP,         \
      .def_doc = DEF, .unit = "ms",                                                          \
      .doc = "keep-alive of an environment going idle while its function has others" },      \
    { "max_lifetime", .type = SIM_OPT_ANY, .type_doc = "distribution or `\"none\"`",          \
      .off = (LC), .def_doc = DEF, .unit = "ms",                                             \
      .parse = mdl__parse_max_lifetime, .write = mdl__write_max_lifetime,                    \
      .schema = mdl__schema_max_lifetime,                                                    \
      .doc = "age, from creation, at which an on-demand environment is recycled: at once "   \
             "when idle, else when its request ends (provisioned ones are not)" },           \
    { "placement", .type = SIM_OPT_DIST, .store = SIM_OPT_ST_DIST,                           \
      .off = (LC) + offsetof(mdl_lifecycle, placement), .flags = SIM_OPT_KEEP,               \
      .def_doc = DEF, .unit = "ms",                                                          \
      .doc = "a request that finds no idle environment waits this long (0: not at all); "   \
             "one idle by then serves it warm, else a new one starts (a `cold` draw "        \
             "includes the wait, an `init` does not)" },                                     \
    { "prewarm", .type = SIM_OPT_OBJECT, .flags = SIM_OPT_KEEP, .off = (LC),                 \
      .sub = (LC) ? &mdl__fn_prewarm_table : &mdl__prewarm_table,                            \
      .doc = "replacements initialised ahead of a recycled environment: their INIT is not "  \
             "seen by users nor billed, nor counted against concurrency" }

/* Section tables. */
extern const sim_opt_table mdl__workload_table;
extern const sim_opt_table mdl__entry_table;
extern const sim_opt_table mdl__function_table;
extern const sim_opt_table mdl__queue_table;
extern const sim_opt_table mdl__kernel_table;
extern const sim_opt_table mdl__call_table;
extern const sim_opt_table mdl__bucket_table;
extern const sim_opt_table mdl__machine_table;

/* Front-door defaults by entry type (mdl_config_entry.c). */
typedef struct mdl__door { double mean_ms, timeout_s, payload_mb; } mdl__door;

/* Root rows with structure of their own. */
sim_status mdl__parse_workload(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                               const char *path, void *base);
json_object *mdl__schema_workload(const sim_opt *r);
sim_status mdl__parse_functions(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                const char *path, void *base);
json_object *mdl__write_functions(const sim_opt *r, const void *base, const void *user);
sim_status mdl__parse_queues(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                             const char *path, void *base);
json_object *mdl__write_queues(const sim_opt *r, const void *base, const void *user);
/* The shorthand `entry` (entry 0, named "main"), and `entries`. */
sim_status mdl__parse_entry(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                            const char *path, void *base);
sim_status mdl__parse_entries(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                              const char *path, void *base);
json_object *mdl__write_entries(const sim_opt *r, const void *base, const void *user);
json_object *mdl__schema_entries(const sim_opt *r);
/* Written back as the shorthand: one entry named "main" (whichever way it
 * was written: the effective config, like the results, does not tell). */
bool mdl__is_shorthand(const void *cfg);
bool mdl__has_entries(const void *cfg);
sim_status mdl__parse_buckets(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                              const char *path, void *base);
json_object *mdl__write_buckets(const sim_opt *r, const void *base, const void *user);
bool mdl__has_buckets(const void *cfg);
sim_status mdl__parse_machines(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                               const char *path, void *base);
json_object *mdl__write_machines(const sim_opt *r, const void *base, const void *user);
bool mdl__has_machines(const void *cfg);

/* Shared by functions and queue workers: row r of obj (a kernel object; a
 * list of calls), when present. */
sim_status mdl__parse_kernel(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                             const char *path, mdl_perf_kernel *k, double *mp,
                             double *bytes_per_mp, bool *has);
sim_status mdl__parse_calls(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                            const char *path, mdl_call *calls, int *ncalls);
/* A function or queue name: 1 to MDL_NAME_MAX - 1 characters. */
sim_status mdl__name_ok(const sim_opt_ctx *c, const char *path, const char *name);
/* A map of named objects (row r of obj: entries, buckets, state machines):
 * for each, its path "<key>.<name>" checked (at most r->max_n, an object, a
 * valid name), then item(); `count` is how many the config holds so far. */
typedef sim_status (*mdl__item_fn)(const sim_opt_ctx *c, json_object *item, const char *path,
                                   const char *name, void *base);
sim_status mdl__parse_named(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                            const char *path, int count, mdl__item_fn item, void *base);
/* An object with exactly one of `queue` and `function` (a notification). */
sim_status mdl__check_notify(const sim_opt_ctx *c, json_object *obj, const char *path,
                             void *base);

/* Cross-references between sections (mdl_config_check.c). */
sim_status mdl__config_check(mdl_config *cfg, const sim_json_doc *doc, sim_error *err);
/* Buckets and state machines: names resolved, notification masks,
 * implicit ones for entries' `notify` / inline definitions (mdl_config_graph.c). */
sim_status mdl__check_graph(mdl_config *cfg, const sim_json_doc *doc, sim_error *err);
/* Emitting calls' targets (mdl_config_graph.c). */
sim_status mdl__check_calls(mdl_config *cfg, const sim_json_doc *doc, sim_error *err);
/* Static call cycles are errors; functions on any cycle get a loop slot
 * (mdl_config_cycles.c). */
sim_status mdl__check_cycles(mdl_config *cfg, const sim_json_doc *doc, sim_error *err);
/* Does S3 key `key` pass a notification's prefix and suffix filters? */
bool mdl__key_matches(const mdl_notify_cfg *n, const char *key);

/* The Markdown table of front-door defaults. */
void mdl__doors_markdown(FILE *fp);

#endif /* MDL_CONFIG_INTERNAL_H */
