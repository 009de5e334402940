/* mdl_tf.h - Terraform's JSON output (`terraform show -json`) as resources.
 *
 * Reads a saved plan (planned_values, configuration, resource_changes) or a
 * state (values), root and child modules, into a flat list of managed
 * resource instances: address, type, local name, attribute values, and for
 * a plan the values still unknown (resource_changes[].change.after_unknown)
 * and the configuration expressions whose `references` say which resource
 * an unknown value will name.  Data sources are skipped: they are read, not
 * deployed.  The format is HashiCorp's "JSON Output Format" (Terraform
 * internals documentation): format_version "M.m", of which major versions
 * 0 and 1 are read and any other is refused, as that document asks.
 *
 * Values are looked up by an attribute path such as "memory_size",
 * "scaling_config.maximum_concurrency" or "queue[1].queue_arn": a key step
 * into a nested block (a JSON array) takes its first element unless an
 * index is given, so one path reads values, after_unknown and expressions.
 *
 * References are resolved the way Terraform scopes them: inside the
 * resource's module, through `var.x` (the calling module's argument) and
 * `module.m.out` (the called module's output) at any depth.  A cycle
 * through outputs and variables is an error.  Locals, data sources and
 * meta references (path, each, count, self) name no resource: the
 * configuration representation does not carry their definitions.
 *
 * Ownership: a mdl_tf_plan owns its parsed document; every pointer and
 * json_object it hands out lives until mdl_tf_destroy.  Cost: loading is
 * linear in the file (plus sorting the addresses and identity values);
 * look-ups by address and by value are O(log n).  Errors name the
 * file, the line of the resource's address and the address itself (with
 * the attribute, "aws_sqs_queue.q.redrive_policy"), as SIM_JSON_FAIL does.
 */
#ifndef MDL_TF_H
#define MDL_TF_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/sim_json.h"
#include "sim/sim_status.h"

typedef enum { MDL_TF_PLAN, MDL_TF_STATE } mdl_tf_kind;

/* Whether an attribute has a value: known, unknown until apply (configured
 * from a value Terraform does not know yet), or absent (not configured, or
 * a computed attribute the provider fills: AWS's default applies). */
typedef enum { MDL_TF_ABSENT, MDL_TF_KNOWN, MDL_TF_UNKNOWN } mdl_tf_value_state;

typedef struct mdl_tf_resource {
    const char *address;   /* "module.m[0].aws_sqs_queue.q[\"a\"]" */
    const char *type;      /* "aws_sqs_queue" */
    const char *name;      /* "q", the local name */
    const char *index;     /* "0", "\"a\"" (as in the address), or "" */
    json_object *values;   /* known attribute values (an object, maybe empty) */
    json_object *unknown;  /* plan: after_unknown, or NULL */
    json_object *expr;     /* plan: configuration expressions, or NULL */
    int module;            /* internal: the module instance it lives in */
    long line;             /* line of its address in the file (0: unknown) */
} mdl_tf_resource;

typedef struct mdl_tf_plan mdl_tf_plan;

/* Read a file / text.  Not JSON, no or a wrong format_version, neither
 * planned_values nor values, a resource without address or type: errors
 * naming file, line and field. */
sim_status mdl_tf_load(const char *path, mdl_tf_plan **out, sim_error *err);
sim_status mdl_tf_parse(const char *text, const char *label, mdl_tf_plan **out,
                        sim_error *err);
void mdl_tf_destroy(mdl_tf_plan *p);

mdl_tf_kind mdl_tf_kind_of(const mdl_tf_plan *p);
const char *mdl_tf_input(const mdl_tf_plan *p);           /* the file name */
const char *mdl_tf_format_version(const mdl_tf_plan *p);
const char *mdl_tf_terraform_version(const mdl_tf_plan *p); /* "" when absent */
/* The AWS region: the default aws provider's `region` (a constant or a
 * root variable's value), else the region of the first known ARN, else
 * "us-east-1" (the provider needs one; lambdasim's default). */
const char *mdl_tf_region(const mdl_tf_plan *p);

/* Resources in file order (modules depth first). */
size_t mdl_tf_count(const mdl_tf_plan *p);
const mdl_tf_resource *mdl_tf_at(const mdl_tf_plan *p, size_t i);
/* Index of the resource with this exact address, or -1. */
int mdl_tf_find(const mdl_tf_plan *p, const char *address);
/* How many instances share r's module, type and name (count/for_each). */
int mdl_tf_instances(const mdl_tf_plan *p, const mdl_tf_resource *r);
/* The module instance r lives in: "" (root) or "module.a[0].module.b."
 * (with the dot that joins it to r's "type.name"). */
const char *mdl_tf_module_of(const mdl_tf_plan *p, const mdl_tf_resource *r);

/* The value of attribute `path` (see above).  *value is set (and not JSON
 * null) only when MDL_TF_KNOWN. */
mdl_tf_value_state mdl_tf_attr(const mdl_tf_resource *r, const char *path,
                               json_object **value);
/* The configuration expression of `path` ({"constant_value"} or
 * {"references"}), or NULL (a state, or not configured). */
json_object *mdl_tf_expr(const mdl_tf_resource *r, const char *path);

/* Resources the references of an expression (or, when `path` is NULL, of
 * every expression of r, nested blocks included) name, in r's module,
 * through module outputs and variables, filtered by `types` (a
 * NULL-terminated list; NULL: any type).  Distinct indices, in reference
 * order, at most `max`; *n is how many were found (it may exceed max).
 * Errors: a reference cycle, naming r and the chain. */
sim_status mdl_tf_refs(const mdl_tf_plan *p, size_t ri, const char *path,
                       const char *const *types, int *out, int max, int *n,
                       sim_error *err);

/* Resolve a reference written as Terraform would ("aws_lambda_function.f.arn",
 * "module.m.out", "var.v") from resource ri's module; as mdl_tf_refs. */
sim_status mdl_tf_resolve(const mdl_tf_plan *p, size_t ri, const char *ref,
                          const char *const *types, int *out, int max, int *n,
                          sim_error *err);

/* Resources of `types` that a known value names: an ARN (function ARNs
 * with a qualifier and API Gateway invoke ARNs included), a queue URL, a
 * name or an id, compared with each candidate's known identity attributes
 * and, for an ARN or URL, with the name it carries.  In index order, as
 * mdl_tf_refs (*n counts at most 64).  Cost: O(log n) through an index of
 * identity values built at load. */
void mdl_tf_match(const mdl_tf_plan *p, const char *value, const char *const *types,
                  int *out, int max, int *n);

/* The one resource of `types` that attribute `path` of ri names: by its
 * value when known (mdl_tf_match), else by its references (mdl_tf_refs).
 * *out is -1 when the attribute is absent and not `required`.  Errors name
 * ri's address and the attribute: required but absent, no match (a
 * resource the simulator needs that is not in this plan), more than one,
 * a non-string value. */
sim_status mdl_tf_link(const mdl_tf_plan *p, size_t ri, const char *path,
                       const char *const *types, bool required, int *out,
                       sim_error *err);

/* Record an error at resource r ("<file>:<line>:<address>[.<attr>]: msg")
 * and return code. */
sim_status mdl_tf_fail(const mdl_tf_plan *p, const mdl_tf_resource *r, const char *attr,
                       sim_error *err, sim_status code, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

#endif /* MDL_TF_H */
