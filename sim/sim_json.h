/* sim_json.h - json-c helpers that turn bad input into precise errors.
 *
 * json-c objects do not remember where they came from, so a sim_json_doc
 * keeps the file name and text beside the parsed tree.  Errors about a field
 * name its JSON path ("functions.f.memory_mb") and a line found by walking the
 * path's keys through the text in order: exact for ordinary files, and never
 * worse than the line of the innermost key.
 *
 * Config loading is declarative: code reads json-c only here, checks
 * keys against an allow-list, checks types and ranges, and fills plain structs.
 */
#ifndef SIM_JSON_H
#define SIM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json.h>

#include "sim/sim_status.h"

typedef struct sim_json_doc {
    char input[512];   /* the file name, or a label such as "--input" */
    char *text;        /* owned copy of the text, for line look-ups */
    json_object *root; /* owned */
} sim_json_doc;

/* Deepest nesting of arrays and objects a document may have.  ASL nests
 * four JSON levels per Parallel or Map state (state, "Branches" array,
 * branch, "States"), so json-c's default of 32 refused 8 nested Parallel
 * states that AWS runs.  AWS documents no nesting limit of its own, only
 * the 1 MiB definition size; 1000 admits 250 nested Parallel/Map states,
 * far beyond any real definition, while keeping every recursive walk of a
 * document shallow: json-c frees and prints trees recursively (about 100 bytes
 * of stack per level), so 1000 levels need well under 1 MB of the 8 MB main
 * stack.  Our own checks of the text (below) are iterative. */
#define SIM_JSON_MAX_DEPTH 1000

/* Read and parse a whole file as strict JSON (RFC 8259) whose top level is
 * an object: a configuration, usage file, ASL definition, profile or
 * catalogue.  Refused, each with its own message naming file and line:
 * comments, trailing commas, single quotes, NaN/Infinity, numbers outside
 * the JSON grammar, integers json-c would clamp (beyond 64 bits), raw
 * control characters in strings, invalid UTF-8, duplicate keys in one
 * object (both lines named), nesting deeper than SIM_JSON_MAX_DEPTH,
 * trailing garbage, and a top level that is not an object ("expected a JSON
 * object at the top level, got a number").  A directory or an unreadable
 * file gets the reason ("is a directory", "permission denied").  On
 * failure doc is left empty (safe to fini).  Cost: two linear passes over
 * the text (json-c's, then ours) and a hash of the keys. */
sim_status sim_json_doc_load(sim_json_doc *doc, const char *path, sim_error *err);

/* Parse text (copied), same rules.  `label` names it in errors. */
sim_status sim_json_doc_parse(sim_json_doc *doc, const char *text,
                              const char *label, sim_error *err);

/* The same, but any JSON value may be the top level (a Step Functions
 * execution input or output: an array, a string, 42, null).  A null
 * document leaves doc->root NULL with SIM_OK. */
sim_status sim_json_doc_load_any(sim_json_doc *doc, const char *path, sim_error *err);
sim_status sim_json_doc_parse_any(sim_json_doc *doc, const char *text,
                                  const char *label, sim_error *err);

void sim_json_doc_fini(sim_json_doc *doc);

/* The strict pass alone over text json-c has accepted (see sim_json_doc_load):
 * duplicate keys, single quotes, NaN/Infinity, number grammar, 64-bit
 * integers, control characters.  Iterative; O(len) time, O(keys) memory. */
sim_status sim_json_strict_check(const char *text, size_t len, const char *label,
                                 sim_error *err);

/* Best-effort 1-based line of the value at a dotted path ("a.b[2].c");
 * 0 when unknown.  doc may be NULL. */
long sim_json_line(const sim_json_doc *doc, const char *path);

/* "base.key" (or "key" when base is empty) into buf. */
const char *sim_json_path(char *buf, size_t n, const char *base, const char *key);
/* "base[i]" into buf. */
const char *sim_json_path_index(char *buf, size_t n, const char *base, size_t i);

/* Raise an error at a path of doc (input name and line filled in). */
#define SIM_JSON_FAIL(err, code, doc, path, ...)                                \
    return sim_error_set((err), (code), __FILE__, __LINE__,                     \
                         (doc) ? (doc)->input : "", sim_json_line((doc), (path)), \
                         (path), __VA_ARGS__)

/* Reject keys of obj not in `allowed` (a NULL-terminated list).  obj must be
 * an object (else ETYPE). */
sim_status sim_json_check_keys(const sim_json_doc *doc, json_object *obj,
                               const char *path, const char *const *allowed,
                               sim_error *err);

/* Typed getters.  When the key is absent: required -> EMISSING, else *out is
 * left unchanged and *present (if given) is false.  Numbers must be finite
 * and within [min, max]. */
sim_status sim_json_get_number(const sim_json_doc *doc, json_object *obj,
                               const char *path, const char *key, bool required,
                               double min, double max, double *out, bool *present,
                               sim_error *err);
sim_status sim_json_get_int(const sim_json_doc *doc, json_object *obj,
                            const char *path, const char *key, bool required,
                            int64_t min, int64_t max, int64_t *out, bool *present,
                            sim_error *err);
sim_status sim_json_get_bool(const sim_json_doc *doc, json_object *obj,
                             const char *path, const char *key, bool required,
                             bool *out, bool *present, sim_error *err);
/* *out points into obj (valid while the doc lives). */
sim_status sim_json_get_string(const sim_json_doc *doc, json_object *obj,
                               const char *path, const char *key, bool required,
                               const char **out, bool *present, sim_error *err);
/* A string that must be one of `choices` (NULL-terminated); *index set. */
sim_status sim_json_get_enum(const sim_json_doc *doc, json_object *obj,
                             const char *path, const char *key, bool required,
                             const char *const *choices, int *index, bool *present,
                             sim_error *err);
/* An object or array child of the wanted type (json_type_object/array). */
sim_status sim_json_get_child(const sim_json_doc *doc, json_object *obj,
                              const char *path, const char *key, bool required,
                              json_type type, json_object **out, sim_error *err);

/* Interpret a value (not a key) as a finite number; ETYPE otherwise. */
sim_status sim_json_as_number(const sim_json_doc *doc, json_object *v,
                              const char *path, double *out, sim_error *err);

/* The value at a dotted path of objects ("cost.services.lambda.total_usd"),
 * or NULL when any step is missing or not an object. */
json_object *sim_json_at(json_object *o, const char *path);
/* The number there, or NaN when missing or not a number. */
double sim_json_number_at(json_object *o, const char *path);

/* Set the value at a dotted path ("functions.f.memory_mb"), creating
 * objects on the way, from command-line text: an integer, a number,
 * true/false, or else a string.  Used by compare --vary and sweep --grid. */
sim_status sim_json_set_path(json_object *root, const char *path, const char *value,
                             sim_error *err);

/* A command-line value as JSON: the JSON it is when the whole text parses
 * as JSON ("1024", "true", "{\"dist\": ...}", "\"2023\""), else the text
 * as a string ("apigw_rest").  Caller owns the result (NULL for "null"). */
json_object *sim_json_parse_value(const char *text);
/* The same with the strict reader's rules (sim_json_doc_load), and one
 * difference: a value that opens an object or an array ('{', '[') must be
 * valid JSON, else the strict reader's error (named `label`, e.g. "--set")
 * is returned instead of a string.  *out is the caller's (NULL for null). */
sim_status sim_json_parse_cli_value(const char *text, const char *label, json_object **out,
                                    sim_error *err);

/* Put `value` (ownership taken) at a dotted path with optional array
 * indices ("functions.f.calls[0].bytes"), creating missing objects on the
 * way; an index must name an existing item.  Errors are EUSAGE against
 * `label` (e.g. "--set") and the path. */
sim_status sim_json_set_at(json_object *root, const char *path, json_object *value,
                           const char *label, sim_error *err);

/* Serialise `obj` (pretty, 2-space, deterministic key order as inserted)
 * and append a newline.  Returns a malloc'd string.  sim_jw's text backend
 * streams the same text (its flags are these). */
#define SIM_JSON_TEXT_FLAGS \
    (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)
char *sim_json_to_string(json_object *obj);

/* The text of a double in our JSON: the shortest %g form that reads back
 * as v ("null" when v is not finite).  buf holds at least
 * SIM_JSON_DOUBLE_MAX bytes; returns the length written.  Cost: one
 * snprintf and about five strtod calls (sim_json.c). */
#define SIM_JSON_DOUBLE_MAX 32
size_t sim_json_format_double(double v, char *buf, size_t n);

/* Add a double that is printed with enough digits to round-trip. */
void sim_json_add_double(json_object *obj, const char *key, double v);
/* A double value object with the same round-trip printing (for arrays). */
json_object *sim_json_double(double v);
void sim_json_add_int(json_object *obj, const char *key, int64_t v);
void sim_json_add_string(json_object *obj, const char *key, const char *s);
void sim_json_add_bool(json_object *obj, const char *key, bool v);

#endif /* SIM_JSON_H */
