/* sim_opt.h - option tables: the keys of a JSON object, defined once.
 *
 * A table lists the keys of one JSON object (a config section, an entry of a
 * usage file, a kernel of a profile): key, type, default, range, unit, doc,
 * and where the value lands in a plain struct (an offset).  That one table
 * drives
 *   - the parser (sim_opt_parse): unknown keys, wrong types and out-of-range
 *     values are errors naming file, line and JSON path (the sim_json
 *     getters, so the messages are theirs);
 *   - the writer of the effective JSON (sim_opt_write), in table order;
 *   - a JSON Schema (draft 2020-12) of the object (sim_opt_schema);
 *   - the Markdown key table of the README (sim_opt_markdown).
 * Keys whose reading is structural (a map of functions, a list of calls, a
 * default that depends on another key) keep their row, with a parse, write
 * or schema hook; their member keys still come from sub-tables.
 *
 * Tables are static const data; nothing here allocates except the JSON it
 * returns (the caller owns it).  A NULL base validates without storing.
 */
#ifndef SIM_OPT_H
#define SIM_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/sim_json.h"
#include "sim/sim_rng.h"
#include "sim/sim_status.h"

typedef enum {
    SIM_OPT_NUMBER,  /* finite number in [min, max] */
    SIM_OPT_INT,     /* integer in [min, max] */
    SIM_OPT_BOOL,
    SIM_OPT_STRING,
    SIM_OPT_PATH,    /* a file name, resolved against the context's base_dir */
    SIM_OPT_ENUM,    /* one of `choices`; the index is stored */
    SIM_OPT_DIST,    /* {"dist": ...} (sim_dist_from_json) */
    SIM_OPT_OBJECT,  /* the keys of `sub` (or one of `variant`'s tables) */
    SIM_OPT_MAP,     /* {NAME: value}: values are `sub` objects or `item` scalars */
    SIM_OPT_ARRAY,   /* [value]: items are `sub` objects or `item` scalars */
    SIM_OPT_ANY      /* any JSON value */
} sim_opt_type;

/* How the value is stored at `off` of the base struct. */
typedef enum {
    SIM_OPT_ST_NONE,    /* not stored by the generic code (hooks, or validation only) */
    SIM_OPT_ST_DOUBLE,  /* double (NUMBER) */
    SIM_OPT_ST_INT,     /* int (INT), or an int-sized enum (ENUM index) */
    SIM_OPT_ST_U64,     /* uint64_t (INT) */
    SIM_OPT_ST_BOOL,    /* bool (BOOL; a two-choice ENUM stores index != 0) */
    SIM_OPT_ST_CHARS,   /* char[size] (STRING, PATH); too long is an error */
    SIM_OPT_ST_DIST     /* sim_dist (DIST); the old value is freed */
} sim_opt_store;

enum {
    SIM_OPT_REQUIRED   = 1u << 0,  /* absent (or null) is an error */
    SIM_OPT_INPUT_ONLY = 1u << 1,  /* read, never written back */
    SIM_OPT_KEEP       = 1u << 2,  /* absent: no default, the field keeps its value
                                    * (an absent OBJECT fills no defaults) */
    SIM_OPT_NULLABLE   = 1u << 3,  /* null is allowed (and counts as absent) */
    SIM_OPT_PRESENT    = 1u << 4   /* store presence as a bool at has_off */
};

typedef struct sim_opt sim_opt;
typedef struct sim_opt_table sim_opt_table;

/* What hooks see: the document (for errors), the folder PATH values are
 * relative to, the caller's own context, and the error record. */
typedef struct sim_opt_ctx {
    const sim_json_doc *doc;
    const char *base_dir;  /* NULL or "": paths are used as written */
    void *user;
    sim_error *err;
} sim_opt_ctx;

/* A parse hook reads row `r` of object `obj` (NULL when the object itself
 * is absent; the value may be absent too) whose JSON path is `path`. */
typedef sim_status (*sim_opt_parse_fn)(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                       const char *path, void *base);
/* A write hook returns the value to write (caller owns), or NULL to omit. */
typedef json_object *(*sim_opt_write_fn)(const sim_opt *r, const void *base, const void *user);
/* Write the row only when this is true. */
typedef bool (*sim_opt_when_fn)(const void *base);
/* A schema hook returns the value's schema (caller owns). */
typedef json_object *(*sim_opt_schema_fn)(const sim_opt *r);
/* A table check runs after the rows of a present object (cross-key rules). */
typedef sim_status (*sim_opt_check_fn)(const sim_opt_ctx *c, json_object *obj, const char *path,
                                       void *base);

/* A default distribution: deterministic a, or lognormal mean a (ms), cv b. */
typedef struct sim_opt_dist_def {
    sim_dist_type type;
    double a, b;
} sim_opt_dist_def;

/* Objects whose keys depend on a discriminator key ("type": "http" | "rest"):
 * one table per choice (each lists the discriminator itself).  def is the
 * choice when the key is absent, -1 when it is required. */
typedef struct sim_opt_variant {
    const char *key;
    const char *const *choices;
    int def;
    const sim_opt_table *const *tables;
} sim_opt_variant;

struct sim_opt {
    const char *key;
    sim_opt_type type;
    unsigned flags;
    double def, min, max;          /* NUMBER/INT/BOOL/ENUM (index) default; range
                                    * (MAP/ARRAY of scalars: the values' range) */
    size_t max_n;                  /* MAP/ARRAY: most entries (0: no limit) */
    const char *def_str;           /* STRING default */
    const char *const *choices;    /* ENUM: NULL-terminated */
    const char *unit;              /* of the JSON value ("ms", "MB") */
    const char *def_doc;           /* the default as the docs say it, when def is not it */
    const char *type_doc;          /* the type as the docs say it (hooks' own types) */
    const char *pattern;           /* STRING: the schema's pattern (the reader checks it) */
    const char *doc;
    sim_opt_store store;
    size_t off, size;              /* where it lands; size of a CHARS buffer.  OBJECT:
                                    * where its struct is (sub-rows are relative to it) */
    double per;                    /* JSON value = stored value x per (0: 1) */
    size_t has_off;                /* SIM_OPT_PRESENT: where the bool goes */
    const sim_opt_table *sub;      /* OBJECT keys; MAP/ARRAY value keys */
    const sim_opt_variant *variant;/* OBJECT (or MAP/ARRAY values) by discriminator */
    sim_opt_type item;             /* MAP/ARRAY of scalars: their type (range min/max) */
    const char *item_name;         /* MAP: how the docs name a key ("name") */
    const sim_opt_dist_def *dist_def;
    double (*def_fn)(const void *base);  /* a default computed from earlier keys */
    sim_opt_parse_fn parse;
    sim_opt_write_fn write;
    sim_opt_when_fn when;
    sim_opt_schema_fn schema;
};

struct sim_opt_table {
    const char *name;              /* for messages and schema titles */
    const sim_opt *rows;
    size_t n;
    sim_opt_check_fn check;
};

#define SIM_OPT_TABLE(var, rows_, check_) \
    { (var), (rows_), sizeof(rows_) / sizeof((rows_)[0]), (check_) }

/* ---- parsing ------------------------------------------------------------ */

/* Check obj's keys against the table, then read every row in order (hooks
 * or the generic reader), then the table's check.  obj NULL: fill the
 * defaults only.  base NULL: validate without storing. */
sim_status sim_opt_parse(const sim_opt_ctx *c, const sim_opt_table *t, json_object *obj,
                         const char *path, void *base);
/* Read one row: its hook if it has one, else sim_opt_read. */
sim_status sim_opt_parse_row(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                             const char *path, void *base);
/* The generic reader of one row (for hooks that add to it). */
sim_status sim_opt_read(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                        const char *path, void *base);
/* Read a variant object: the discriminator picks the table; *index set. */
sim_status sim_opt_parse_variant(const sim_opt_ctx *c, const sim_opt_variant *v,
                                 json_object *obj, const char *path, void *base, int *index);
/* Unknown keys of obj (not rows of t) are errors listing the table's keys. */
sim_status sim_opt_check_keys(const sim_opt_ctx *c, const sim_opt_table *t, json_object *obj,
                              const char *path);

/* Typed reads of a row's key with the row's range (for hooks). */
sim_status sim_opt_get_number(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                              const char *path, double *out, bool *present);
sim_status sim_opt_get_string(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                              const char *path, const char **out, bool *present);

/* The row's value in obj (NULL when obj or the key is absent, or null). */
json_object *sim_opt_value(const sim_opt *r, json_object *obj);
/* "path.key" into buf. */
const char *sim_opt_path(char *buf, size_t n, const char *path, const sim_opt *r);
/* The row named key, or NULL. */
const sim_opt *sim_opt_find(const sim_opt_table *t, const char *key);

/* ---- writing --------------------------------------------------------------- */

/* Add every written row of base to out, in table order. */
void sim_opt_write(const sim_opt_table *t, const void *base, const void *user, json_object *out);
/* The generic value of one row (NULL: omitted: an empty string, an absent
 * PRESENT value, a MAP/ARRAY/ANY without a hook). */
json_object *sim_opt_write_value(const sim_opt *r, const void *base, const void *user);

/* ---- schema and docs ------------------------------------------------------ */

/* {"type": "object", "properties": ..., "required": ..., "additionalProperties": false} */
json_object *sim_opt_schema(const sim_opt_table *t);
/* The schema of one row's value (description, default and range included). */
json_object *sim_opt_schema_value(const sim_opt *r);
/* oneOf the variant's tables, each with its discriminator pinned. */
json_object *sim_opt_schema_variant(const sim_opt_variant *v);
/* A schema document: $schema, $id, title, description, the object, and
 * $defs.dist (the distributions) when with_dist. */
json_object *sim_opt_schema_document(const sim_opt_table *t, const char *id, const char *title,
                                     const char *description, bool with_dist);

/* "| key | type | default | range | meaning |" and its rule line. */
void sim_opt_markdown_header(FILE *fp);
/* One line per key, recursing into objects, maps ("prefix.<name>.key") and
 * arrays ("prefix[].key"). */
void sim_opt_markdown(const sim_opt_table *t, const char *prefix, FILE *fp);

/* ---- paths ------------------------------------------------------------------- */

/* `rel` against folder `base` ("" or NULL: as given; an absolute rel stays),
 * with "." segments and "dir/.." pairs removed lexically, into buf.  False
 * when it does not fit. */
bool sim_path_resolve(const char *base, const char *rel, char *buf, size_t n);
/* The folder of a file name ("a/b.json" -> "a", "b.json" -> ""). */
void sim_path_dir(const char *file, char *buf, size_t n);

#endif /* SIM_OPT_H */
