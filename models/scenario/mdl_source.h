/* mdl_source.h - an entry's arrival source (models/scenario/).
 *
 * Built-in arrivals (Poisson or deterministic, with an op mix) or a
 * workload stream (our CSV, Azure 2019/2021 traces, generators) read as the
 * run goes.  Each arrival becomes a client request handed to the entry with
 * the function that serves it: for a trace, the config function of the
 * trace's function name, else (with workload.trace.function_template) a
 * function of its own cloned from the template, else the route of its op,
 * else the entry's target.  Each trace function is mapped once (by the
 * source's interned function id); routes are resolved at build.
 *
 * Each arrival carries its op (mdl_req.op: the mix's op, the trace's, or
 * "request" for plain arrivals) and its object's size (mdl_req.obj_bytes).
 *
 * Cost: one event per arrival, no allocation once warm (the first arrival
 * of a new trace function builds its mapping).
 */
#ifndef MDL_SOURCE_H
#define MDL_SOURCE_H

#include "models/scenario/mdl_entry.h"

typedef struct mdl_source mdl_source;

/* The source of entry `index` of the entries service, from its config and
 * workload; `path` names it in RNG streams ("workload" for the shorthand,
 * "entries.<name>.workload").  Ops are registered with the core here.
 * Errors: a trace or generator that cannot be opened.  On error *out may be
 * set (destroy it). */
sim_status mdl_source_create(mdl_core *core, mdl_entry *entry, int index, const char *path,
                             mdl_source **out, sim_error *err);
void mdl_source_destroy(mdl_source *src);

/* Schedule the first arrival. */
void mdl_source_start(mdl_source *src);

#endif /* MDL_SOURCE_H */
