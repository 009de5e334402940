/* mdl_sfn_internal.h - what the Step Functions files share privately.
 *
 * The JSONPath subset, payload templates and intrinsic functions
 * (mdl_sfn_path.c) are used both by the validator (syntax only, at load)
 * and by the executor (evaluation).  Runtime failures are ASL errors, kept
 * as a name and a cause in a mdl_sfn__fault, never as sim_status: a state
 * machine may catch them.
 */
#ifndef MDL_SFN_INTERNAL_H
#define MDL_SFN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <json.h>

#include "sim/sim_json.h"

/* The loaded definition: the validated JSON itself, interpreted in place
 * (validation guarantees every field the executor reads is well-formed). */
struct mdl_sfn_machine {
    sim_json_doc doc;
    double timeout_s; /* top-level TimeoutSeconds, 0 = none */
};

typedef struct mdl_sfn__fault {
    char error[128];
    char cause[512];
} mdl_sfn__fault;

/* Record an ASL runtime error; returns false so callers can `return`. */
bool mdl_sfn__fault_set(mdl_sfn__fault *f, const char *error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Syntax check of a path.  `reference`: a Reference Path (ResultPath,
 * Variable): one node, no wildcards.  On failure `why` says what is wrong. */
bool mdl_sfn__path_check(const char *path, bool reference, char *why, size_t n);

/* Evaluate a path ("$..." against input, "$$..." against ctx).  Returns a
 * new reference in *out; false with a States.Runtime fault when the path
 * matches nothing. */
bool mdl_sfn__path_get(const char *path, json_object *input, json_object *ctx,
                       json_object **out, mdl_sfn__fault *f);
/* Same, but just "does it match" (IsPresent). */
bool mdl_sfn__path_exists(const char *path, json_object *input, json_object *ctx);

/* ResultPath: put `value` at the reference path inside a deep copy of
 * `input`; *out is the new document (new reference).  "$" replaces it. */
bool mdl_sfn__path_put(const char *path, json_object *input, json_object *value,
                       json_object **out, mdl_sfn__fault *f);

/* Check a payload template (Parameters, ResultSelector, ItemSelector):
 * every "x.$" value is a path or a valid intrinsic call.  `where` gets the
 * offending key path on failure. */
bool mdl_sfn__template_check(json_object *tmpl, char *where, size_t wn,
                             char *why, size_t n);
/* Evaluate a payload template; *out is a new reference. */
bool mdl_sfn__template_eval(json_object *tmpl, json_object *input, json_object *ctx,
                            json_object **out, mdl_sfn__fault *f);

/* Parse an RFC 3339 timestamp to seconds since the epoch. */
bool mdl_sfn__timestamp_parse(const char *s, double *out);

/* Deep copy of a JSON value (new reference; NULL stays NULL). */
json_object *mdl_sfn__copy(json_object *v);
/* Structural equality (numbers compare by value). */
bool mdl_sfn__equal(json_object *a, json_object *b);

#endif /* MDL_SFN_INTERNAL_H */
