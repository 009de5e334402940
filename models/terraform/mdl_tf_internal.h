/* mdl_tf_internal.h - the insides of a read Terraform plan or state, shared
 * by mdl_tf.c (loading, attributes) and mdl_tf_ref.c (references, links).
 * Not for use outside models/terraform/. */
#ifndef MDL_TF_INTERNAL_H
#define MDL_TF_INTERNAL_H

#include "models/terraform/mdl_tf.h"

/* One module instance of the plan, with its configuration (plan only). */
typedef struct tf_module {
    char prefix[512];     /* "" (root) or "module.a[0].module.b." */
    json_object *config;  /* its configuration module ({resources, module_calls,
                             outputs}), or NULL (a state, or not found) */
    json_object *call;    /* module_calls.<name> in the parent (var.x), or NULL */
    int parent;           /* index of the calling module instance; -1 at root */
} tf_module;

/* One identity value of a resource (an ARN, a URL, a name, an id), for
 * matching values to resources in O(log n) (mdl_tf_match). */
typedef struct tf_ident_entry {
    const char *s;        /* points into the document */
    int ri;
    bool is_name;         /* the type's name attribute (function_name, name, bucket) */
} tf_ident_entry;

struct mdl_tf_plan {
    sim_json_doc doc;
    mdl_tf_kind kind;
    char format_version[32];
    char terraform_version[64];
    char region[64];
    json_object *empty;        /* an empty object for resources without values */
    json_object *variables;    /* plan: root variables ({name: {value}}), or NULL */
    mdl_tf_resource *res;
    size_t n, cap;
    int *by_addr;              /* resource indices sorted by address */
    tf_module *mods;
    size_t nmods, capmods;
    tf_ident_entry *idents;    /* every resource's identity values, sorted by s */
    size_t nidents;
    char **strs;               /* strings the plan owns (index keys) */
    size_t nstrs, capstrs;
};

/* Walk `path` (see mdl_tf.h) from o; NULL when a step is missing.  When
 * stop_true is set, a JSON true met on the way is returned at once (an
 * after_unknown marker covering the whole subtree). */
json_object *tf_walk(json_object *o, const char *path, bool stop_true);

/* Build p->idents (mdl_tf_ref.c), once the resources are read. */
void tf_index_build(mdl_tf_plan *p);

/* The module instance whose prefix is exactly `prefix`, or -1. */
int tf_module_find(const mdl_tf_plan *p, const char *prefix);

/* A string value, or NULL when v is not a JSON string. */
const char *tf_str(json_object *v);
/* o[key] when o is an object that has it, else NULL (keys may hold dots,
 * as "orders.fifo" does, so sim_json_at's dotted paths will not do). */
json_object *tf_key(json_object *o, const char *key);

#endif /* MDL_TF_INTERNAL_H */
