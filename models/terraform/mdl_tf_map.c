/* mdl_tf_map.c - the mapping table (mdl_tf_map.h): rows, conversions, the
 * README's Markdown, and the helpers the import shares (mdl_tf_build.h). */
#include "models/terraform/mdl_tf_build.h"
#include "models/config/mdl_config.h"
#include "sim/sim_num.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const mdl_tf_row k_rows[MDL_TF_ROW_COUNT] = {
#define MDL__TF_ROW(id, ty, at, ow, key, def, conv, note) \
    [MDL_TF_ROW_##id] = { ty, at, MDL_TF_OWNER_##ow, key, def, MDL_TF_CONV_##conv, note },
    MDL_TF_MAP_LIST(MDL__TF_ROW)
#undef MDL__TF_ROW
};

static const char *const k_owner_prefix[MDL_TF_OWNER_COUNT] = {
#define MDL__TF_OWNER_PREFIX(id, prefix) prefix,
    MDL_TF_OWNER_LIST(MDL__TF_OWNER_PREFIX)
#undef MDL__TF_OWNER_PREFIX
};

static const char *const k_section_key[TF_SEC_COUNT] = {
#define TF__SEC_KEY(id, key) key,
    TF_SECTION_LIST(TF__SEC_KEY)
#undef TF__SEC_KEY
};

const char *tf_section_key(tf_section s) { return k_section_key[s]; }


const mdl_tf_row *mdl_tf_row_get(mdl_tf_row_id id)
{
    SIM_ASSERT(id < MDL_TF_ROW_COUNT);
    return &k_rows[id];
}

const char *mdl_tf_row_key(const mdl_tf_row *row, char *buf, size_t n)
{
    const char *pre = k_owner_prefix[row->owner];
    if (!pre[0])
        snprintf(buf, n, "%s", "-");
    else
        snprintf(buf, n, "%s%s%s", pre, row->key[0] ? "." : "", row->key);
    return buf;
}

bool mdl_tf_type_known(const char *type)
{
    for (size_t i = 0; i < MDL_TF_ROW_COUNT; i++)
        if (strcmp(k_rows[i].type, type) == 0)
            return true;
    return false;
}

/* Markdown cells: a `|` inside would split the cell. */
static void cell(FILE *fp, const char *s, bool code)
{
    fputs(code ? " `" : " ", fp);
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", fp);
        else
            fputc(*s, fp);
    }
    fputs(code ? "` |" : " |", fp);
}

void mdl_tf_mapping_markdown(FILE *fp)
{
    fputs("| resource | attribute | config key | AWS default | note |\n", fp);
    fputs("|---|---|---|---|---|\n", fp);
    for (size_t i = 0; i < MDL_TF_ROW_COUNT; i++) {
        const mdl_tf_row *r = &k_rows[i];
        char key[160];
        fputc('|', fp);
        cell(fp, r->type, true);
        cell(fp, r->attr, true);
        mdl_tf_row_key(r, key, sizeof key);
        cell(fp, key, strcmp(key, "-") != 0);
        cell(fp, r->aws_default ? r->aws_default : "none", r->aws_default != NULL);
        cell(fp, r->note, false);
        fputc('\n', fp);
    }
}

/* ---- values --------------------------------------------------------------- */

json_object *tf_get(const mdl_tf_resource *r, mdl_tf_row_id id, bool *unknown)
{
    const mdl_tf_row *row = mdl_tf_row_get(id);
    SIM_ASSERT(strcmp(row->type, r->type) == 0);
    json_object *v = NULL;
    if (unknown)
        *unknown = false;
    switch (mdl_tf_attr(r, row->attr, &v)) {
    case MDL_TF_KNOWN:
        return json_object_get(v);
    case MDL_TF_UNKNOWN:
        if (unknown)
            *unknown = true;
        return NULL;
    case MDL_TF_ABSENT:
        break;
    }
    return row->aws_default ? json_tokener_parse(row->aws_default) : NULL;
}

long long tf_get_int(const mdl_tf_resource *r, mdl_tf_row_id id, long long def)
{
    json_object *v = tf_get(r, id, NULL);
    long long x = def;
    if (v && (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
        x = (long long)json_object_get_double(v);
    json_object_put(v);
    return x;
}

const char *tf_get_str(const mdl_tf_resource *r, mdl_tf_row_id id, const char *def, char *buf,
                       size_t n)
{
    json_object *v = tf_get(r, id, NULL);
    const char *s = v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : def;
    snprintf(buf, n, "%s", s ? s : "");
    json_object_put(v);
    return s ? buf : NULL;
}

static json_object *lower(const char *s)
{
    char buf[64];
    size_t i = 0;
    for (; s[i] && i + 1 < sizeof buf; i++)
        buf[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
    buf[i] = '\0';
    return json_object_new_string(buf);
}

/* A Terraform value in the config's words (a new object), or NULL when it
 * writes no key. */
static json_object *convert(mdl_tf_conv c, json_object *v)
{
    const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
    switch (c) {
    case MDL_TF_CONV_COPY:
        return json_object_get(v);
    case MDL_TF_CONV_ARCH: {
        json_object *a = json_object_is_type(v, json_type_array) && json_object_array_length(v)
                             ? json_object_array_get_idx(v, 0) : v;
        return json_object_is_type(a, json_type_string) ? json_object_get(a) : NULL;
    }
    case MDL_TF_CONV_LOWER:
        return s ? lower(s) : NULL;
    case MDL_TF_CONV_FIFO:
        return json_object_new_string(json_object_get_boolean(v) ? "fifo" : "standard");
    case MDL_TF_CONV_NONE_NEG:
        return json_object_get_double(v) < 0 ? NULL : json_object_get(v);
    case MDL_TF_CONV_HT:
        return json_object_new_boolean(s && strcmp(s, "perMessageGroupId") == 0);
    case MDL_TF_CONV_MIBPS:
        /* EFS throughput is set in MiB/s; services.efs.mbps is MB/s. */
        return tf_number(json_object_get_double(v) * 1.048576);
    case MDL_TF_CONV_CODE:
        break;
    }
    return NULL;
}

void tf_set(json_object *dest, const char *path, json_object *v)
{
    char key[128];
    const char *dot = strchr(path, '.');
    if (!dot) {
        json_object_object_add(dest, path, v);
        return;
    }
    size_t k = (size_t)(dot - path) < sizeof key ? (size_t)(dot - path) : sizeof key - 1;
    memcpy(key, path, k);
    key[k] = '\0';
    json_object *child = NULL;
    if (!json_object_object_get_ex(dest, key, &child) || !json_object_is_type(child, json_type_object)) {
        child = json_object_new_object();
        json_object_object_add(dest, key, child);
    }
    tf_set(child, dot + 1, v);
}

/* A known value checked against the config key's row (range, type,
 * choices: mdl_config_check_value), so a bad value is named at its
 * Terraform attribute now, not at the config's key when it is run. */
static sim_status check_row_value(tf_build *b, const mdl_tf_resource *r, const mdl_tf_row *row,
                                  json_object *c)
{
    if (mdl_tf_is_placeholder(c)) return SIM_OK;
    char path[256];
    snprintf(path, sizeof path, "%s%s%s", k_owner_prefix[row->owner],
             k_owner_prefix[row->owner][0] ? "." : "", row->key);
    sim_error e;
    sim_error_clear(&e);
    if (mdl_config_check_value(path, c, "import", &e) == SIM_OK) return SIM_OK;
    return mdl_tf_fail(b->p, r, row->attr, b->err, e.code, "as %s: %s", row->key, e.msg);
}

sim_status tf_apply_rows(tf_build *b, size_t ri, mdl_tf_owner owner, json_object *dest)
{
    const mdl_tf_resource *r = mdl_tf_at(b->p, ri);
    for (size_t i = 0; i < MDL_TF_ROW_COUNT; i++) {
        const mdl_tf_row *row = &k_rows[i];
        if (row->owner != owner || row->conv == MDL_TF_CONV_CODE || strcmp(row->type, r->type) != 0)
            continue;
        bool unknown = false;
        json_object *v = tf_get(r, (mdl_tf_row_id)i, &unknown);
        if (unknown) {
            tf_set(dest, row->key, tf_placeholder("%s of %s is unknown until apply", row->attr,
                                                  r->address));
            continue;
        }
        if (!v)
            continue;
        json_object *c = convert(row->conv, v);
        json_object_put(v);
        if (c && check_row_value(b, r, row, c) != SIM_OK) {
            json_object_put(c);
            return b->err->code;
        }
        if (c)
            tf_set(dest, row->key, c);
    }
    return SIM_OK;
}

json_object *tf_number(double x)
{
    /* 2^53: every integer below is exact in a double. */
    if (x == (double)(long long)x && x > -9007199254740992.0 && x < 9007199254740992.0)
        return json_object_new_int64((long long)x);
    return sim_json_double(x);
}

sim_status tf_json_attr(tf_build *b, const mdl_tf_resource *r, const char *attr,
                        const char *text, json_object **out)
{
    sim_json_doc d;
    sim_error e;
    sim_error_clear(&e);
    *out = NULL;
    if (sim_json_doc_parse_any(&d, text ? text : "", attr, &e) != SIM_OK)
        return mdl_tf_fail(b->p, r, attr, b->err, e.code, "the JSON in this string: line %ld: %s",
                           e.line, e.msg);
    *out = d.root;
    d.root = NULL;
    sim_json_doc_fini(&d);
    return SIM_OK;
}

sim_status tf_number_attr(tf_build *b, const mdl_tf_resource *r, const char *attr,
                          const char *text, double *out)
{
    if (!text || sim_num_double(text, strlen(text), out) != SIM_NUM_OK)
        return mdl_tf_fail(b->p, r, attr, b->err, SIM_EPARSE, "'%s' is not a number",
                           text ? text : "");
    return SIM_OK;
}

/* ---- notes ---------------------------------------------------------------- */

#define TF_PLACEHOLDER_HEAD "<placeholder: "

bool mdl_tf_is_placeholder(json_object *v)
{
    return v && json_object_is_type(v, json_type_string) &&
           strncmp(json_object_get_string(v), TF_PLACEHOLDER_HEAD,
                   sizeof TF_PLACEHOLDER_HEAD - 1) == 0;
}

json_object *tf_placeholder(const char *fmt, ...)
{
    char msg[900], out[1000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(out, sizeof out, "%s%s>", TF_PLACEHOLDER_HEAD, msg);
    return json_object_new_string(out);
}

void tf_warn(tf_build *b, const char *fmt, ...)
{
    char msg[1000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_object_array_add(b->out->warnings, json_object_new_string(msg));
}

void tf_provenance(tf_build *b, const char *path, const mdl_tf_resource *r)
{
    if (!json_object_object_get_ex(b->out->resources, path, NULL))
        json_object_object_add(b->out->resources, path, json_object_new_string(r->address));
}

static void append_clean(char *buf, size_t n, const char *s)
{
    size_t l = strlen(buf);
    if (l && l + 1 < n)
        buf[l++] = '_';
    for (; *s && l + 1 < n; s++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        if (c == '"')
            continue;
        buf[l++] = ok ? c : '_';
    }
    buf[l] = '\0';
}

const char *tf_local_name(const mdl_tf_plan *p, const mdl_tf_resource *r, char *buf, size_t n)
{
    buf[0] = '\0';
    /* "module.a[0].module.b." -> "a_0_b" */
    const char *m = mdl_tf_module_of(p, r);
    char seg[256];
    while (strncmp(m, "module.", 7) == 0) {
        m += 7;
        size_t k = strcspn(m, ".");
        if (k >= sizeof seg)
            k = sizeof seg - 1;
        memcpy(seg, m, k);
        seg[k] = '\0';
        char *br = strchr(seg, '[');
        if (br) {
            *br = '\0';
            append_clean(buf, n, seg);
            br[1 + strcspn(br + 1, "]")] = '\0';
            append_clean(buf, n, br + 1);
        } else {
            append_clean(buf, n, seg);
        }
        m += k;
        if (*m == '.')
            m++;
    }
    append_clean(buf, n, r->name);
    if (r->index[0] && mdl_tf_instances(p, r) > 1)
        append_clean(buf, n, r->index);
    return buf;
}

json_object *tf_obj(tf_build *b, tf_section s, const char *name)
{
    json_object *o = NULL;
    if (!json_object_object_get_ex(b->sec[s], name, &o)) {
        o = json_object_new_object();
        json_object_object_add(b->sec[s], name, o);
    }
    return o;
}

json_object *tf_entry(tf_build *b, const mdl_tf_resource *r, const char *tag, const char *type,
                      char *name, size_t n)
{
    tf_local_name(b->p, r, name, n);
    if (json_object_object_get_ex(b->sec[TF_SEC_ENTRIES], name, NULL)) {
        size_t l = strlen(name);
        snprintf(name + l, n - l, "_%s", tag);
    }
    json_object *e = tf_obj(b, TF_SEC_ENTRIES, name);
    json_object_object_add(e, "type", json_object_new_string(type));
    char path[TF_NAME_MAX + 16];
    snprintf(path, sizeof path, "entries.%s", name);
    tf_provenance(b, path, r);
    return e;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* o's keys, sorted (a malloc'd array of pointers into o). */
static const char **sorted_keys(json_object *o, size_t *n)
{
    *n = (size_t)json_object_object_length(o);
    const char **keys = sim_xcalloc(*n ? *n : 1, sizeof *keys);
    size_t k = 0;
    json_object_object_foreach(o, key, v) {
        (void)v;
        keys[k++] = key;
    }
    qsort(keys, *n, sizeof *keys, cmp_str);
    return keys;
}

json_object *tf_sorted(json_object *o)
{
    size_t n = 0;
    const char **keys = sorted_keys(o, &n);
    json_object *s = json_object_new_object();
    for (size_t i = 0; i < n; i++)
        json_object_object_add(s, keys[i], json_object_get(tf_key(o, keys[i])));
    free(keys);
    return s;
}

const char *tf_key_list(json_object *o, char *buf, size_t n)
{
    size_t nk = 0;
    const char **keys = sorted_keys(o, &nk);
    buf[0] = '\0';
    for (size_t i = 0; i < nk; i++) {
        size_t l = strlen(buf);
        snprintf(buf + l, n - l, "%s%s", i ? ", " : "", keys[i]);
    }
    free(keys);
    return buf[0] ? buf : "none";
}

int tf_next(const mdl_tf_plan *p, const char *type, int start)
{
    for (size_t i = start < 0 ? 0 : (size_t)start; i < mdl_tf_count(p); i++)
        if (strcmp(mdl_tf_at(p, i)->type, type) == 0)
            return (int)i;
    return -1;
}
