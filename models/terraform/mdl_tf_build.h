/* mdl_tf_build.h - the import's working state, shared by its files:
 * mdl_tf_map.c (table, conversions, helpers), mdl_tf_import.c (functions,
 * queues, consumers, buckets, tables, the assembly), mdl_tf_api.c (front
 * doors), mdl_tf_asl.c (state machine definitions) and mdl_tf_workload.c
 * (the W.json overlay).  Not for use outside models/terraform/. */
#ifndef MDL_TF_BUILD_H
#define MDL_TF_BUILD_H

#include "models/terraform/mdl_tf_internal.h"
#include "models/terraform/mdl_tf_map.h"

#define TF_NAME_MAX 256

/* The config's named sections, in the order they are written. */
#define TF_SECTION_LIST(X)            \
    X(ENTRIES, "entries")             \
    X(FUNCTIONS, "functions")         \
    X(QUEUES, "queues")               \
    X(BUCKETS, "buckets")             \
    X(MACHINES, "state_machines")

typedef enum {
#define TF__SEC_ENUM(id, key) TF_SEC_##id,
    TF_SECTION_LIST(TF__SEC_ENUM)
#undef TF__SEC_ENUM
    TF_SEC_COUNT
} tf_section;

typedef struct tf_build {
    const mdl_tf_plan *p;
    const sim_json_doc *wdoc;     /* the workload overlay, or NULL */
    sim_error *err;
    mdl_tf_import *out;
    json_object *sec[TF_SEC_COUNT];  /* name -> object, sorted at the end */
    json_object *top;             /* duration_s, seed, services, ... (W.json, efs) */
    char (*cname)[TF_NAME_MAX];   /* per resource: its config name, or "" */
    bool *used;                   /* per resource: read by the import */
    char account[32];             /* the account in ARNs the import writes */
    const char *config_dir;       /* the folder the config's paths are relative to */
} tf_build;

static inline const mdl_tf_resource *tf_res(const tf_build *b, size_t i)
{
    return mdl_tf_at(b->p, i);
}

/* ---- mdl_tf_map.c ---- */
const char *tf_section_key(tf_section s);
/* The value of a row's attribute on r as a new reference: the known value,
 * else AWS's default (NULL when none); *unknown is set (and NULL returned)
 * when Terraform knows it only after apply. */
json_object *tf_get(const mdl_tf_resource *r, mdl_tf_row_id id, bool *unknown);
/* A row's attribute as an integer / string (known or default; `def` when
 * neither; unknown counts as neither). */
long long tf_get_int(const mdl_tf_resource *r, mdl_tf_row_id id, long long def);
const char *tf_get_str(const mdl_tf_resource *r, mdl_tf_row_id id, const char *def, char *buf,
                       size_t n);
/* Apply every plain row (conv != CODE) of r's type and `owner` to dest. */
sim_status tf_apply_rows(tf_build *b, size_t ri, mdl_tf_owner owner, json_object *dest);
/* Set dest.<dotted path> = v (takes v), creating objects on the way. */
void tf_set(json_object *dest, const char *path, json_object *v);
/* A number as the config writes it: an integer when it is one (30, not
 * 3e+01), else with round-trip digits. */
json_object *tf_number(double x);
/* A JSON document held in a string attribute (a redrive policy, a state
 * machine definition), read by the strict reader (sim_json_doc_parse_any:
 * no comments, no duplicate keys, RFC 8259 numbers).  Errors name r's
 * address and the attribute, with the reader's message and line within the
 * string.  *out is the caller's. */
sim_status tf_json_attr(tf_build *b, const mdl_tf_resource *r, const char *attr,
                        const char *text, json_object **out);
/* A number held in a string attribute ("0.5"), strict (sim_num): errors
 * name r's address and the attribute. */
sim_status tf_number_attr(tf_build *b, const mdl_tf_resource *r, const char *attr,
                          const char *text, double *out);
/* A new placeholder string "<placeholder: ...>". */
json_object *tf_placeholder(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tf_warn(tf_build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record which resource a config path came from. */
void tf_provenance(tf_build *b, const char *path, const mdl_tf_resource *r);
/* The Terraform name a config name falls back to: module names, the local
 * name and, for several instances, the key ("a_q_0"). */
const char *tf_local_name(const mdl_tf_plan *p, const mdl_tf_resource *r, char *buf, size_t n);
/* The section object of a config name (created when missing). */
json_object *tf_obj(tf_build *b, tf_section s, const char *name);
/* A new entry of `type` named after resource r (its Terraform name, with
 * "_<tag>" when another entry has that name already); its name into name. */
json_object *tf_entry(tf_build *b, const mdl_tf_resource *r, const char *tag, const char *type,
                      char *name, size_t n);
/* A copy of o with its keys in byte order (values shared). */
json_object *tf_sorted(json_object *o);
/* "a, b, c": o's keys in byte order, for messages. */
const char *tf_key_list(json_object *o, char *buf, size_t n);
/* Index of the first resource of `type` from `start`, or -1. */
int tf_next(const mdl_tf_plan *p, const char *type, int start);

/* ---- mdl_tf_api.c ---- */
sim_status tf_front_doors(tf_build *b);

/* ---- mdl_tf_asl.c ---- */
/* state_machines.<m>.definition from the plan (known), or a placeholder. */
sim_status tf_machines(tf_build *b);
/* The definition from a W.json template file (path relative to W.json's
 * folder, `vars` its ${...} variables), checked like the plan's; *plain is
 * set when the file is no template (nothing to render: the config may name
 * the file itself). */
sim_status tf_machine_from_file(tf_build *b, size_t ri, const char *file, json_object *vars,
                                const char *wpath, json_object **def, bool *plain);

/* ---- mdl_tf_workload.c ---- */
sim_status tf_workload_apply(tf_build *b);
/* A file W.json names (relative to W.json's folder), as the config names it
 * (relative to b->config_dir, or absolute), into buf; false when too long. */
bool tf_config_path(const tf_build *b, const char *file, char *buf, size_t n);

#endif /* MDL_TF_BUILD_H */
