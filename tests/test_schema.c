/* test_schema.c - the JSON Schemas `lambdasim schema` prints, against the
 * files they describe and against the parsers they come from.
 *
 * A small validator for the subset of JSON Schema (draft 2020-12) the
 * generators emit: type, enum, minimum, maximum, maxLength, pattern (POSIX
 * extended regular expressions, enough for the patterns we emit), minItems,
 * maxItems, maxProperties, properties, required, additionalProperties,
 * items, oneOf, anyOf and $ref to #/$defs.  A keyword it does not know
 * fails the test, so the validator cannot silently accept what it does not
 * check.  Then:
 *   - every bundled config, usage file and profile validates;
 *   - invalid files fail the schema and the parser alike;
 *   - for every number and integer key the schema bounds, a value past the
 *     bound fails both the schema and the parser (the ranges are one table).
 */
#include "check.h"

#include "models/config/mdl_config.h"
#include "models/pricing/mdl_usage.h"
#include "models/sizing/mdl_perf.h"
#include "sim/sim_io.h"
#include "sim/sim_opt.h"
#include "sim/sim_json.h"

#include <dirent.h>
#include <regex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the validator ------------------------------------------------------- */

typedef struct vctx {
    json_object *root;      /* the schema document ($defs) */
    char why[512];          /* the first failure */
} vctx;

static bool validate(vctx *v, json_object *s, json_object *x, const char *path);

static bool fail(vctx *v, const char *path, const char *what)
{
    if (!v->why[0]) snprintf(v->why, sizeof v->why, "%.400s: %s", path[0] ? path : "(root)", what);
    return false;
}

static bool is_num(json_object *x)
{
    return json_object_is_type(x, json_type_int) || json_object_is_type(x, json_type_double);
}

static bool type_ok(const char *t, json_object *x)
{
    if (strcmp(t, "object") == 0) return json_object_is_type(x, json_type_object);
    if (strcmp(t, "array") == 0) return json_object_is_type(x, json_type_array);
    if (strcmp(t, "string") == 0) return json_object_is_type(x, json_type_string);
    if (strcmp(t, "boolean") == 0) return json_object_is_type(x, json_type_boolean);
    if (strcmp(t, "null") == 0) return x == NULL || json_object_is_type(x, json_type_null);
    if (strcmp(t, "number") == 0) return is_num(x);
    if (strcmp(t, "integer") == 0)
        return is_num(x) && json_object_get_double(x) == floor(json_object_get_double(x));
    return false;
}

static bool check_type(vctx *v, json_object *t, json_object *x, const char *path)
{
    if (json_object_is_type(t, json_type_string))
        return type_ok(json_object_get_string(t), x) ? true : fail(v, path, "wrong type");
    for (size_t i = 0; i < json_object_array_length(t); i++)
        if (type_ok(json_object_get_string(json_object_array_get_idx(t, i)), x)) return true;
    return fail(v, path, "wrong type");
}

static bool check_enum(vctx *v, json_object *e, json_object *x, const char *path)
{
    for (size_t i = 0; i < json_object_array_length(e); i++)
        if (json_object_equal(json_object_array_get_idx(e, i), x)) return true;
    return fail(v, path, "not one of the enum");
}

static bool check_object(vctx *v, json_object *s, json_object *x, const char *path)
{
    json_object *props = NULL, *req = NULL, *add = NULL, *maxp = NULL;
    json_object_object_get_ex(s, "properties", &props);
    json_object_object_get_ex(s, "required", &req);
    json_object_object_get_ex(s, "additionalProperties", &add);
    json_object_object_get_ex(s, "maxProperties", &maxp);
    if (!json_object_is_type(x, json_type_object)) return true;   /* type says */
    for (size_t i = 0; req && i < json_object_array_length(req); i++)
        if (!json_object_object_get_ex(x, json_object_get_string(json_object_array_get_idx(req, i)), NULL))
            return fail(v, path, "a required key is missing");
    if (maxp && json_object_object_length(x) > json_object_get_int(maxp))
        return fail(v, path, "too many properties");
    json_object_object_foreach(x, k, val) {
        char p[600];
        snprintf(p, sizeof p, "%s.%s", path, k);
        json_object *ps = NULL;
        if (props && json_object_object_get_ex(props, k, &ps)) {
            if (!validate(v, ps, val, p)) return false;
        } else if (add && json_object_is_type(add, json_type_boolean)) {
            if (!json_object_get_boolean(add)) return fail(v, p, "additional property");
        } else if (add && !validate(v, add, val, p)) {
            return false;
        }
    }
    return true;
}

static bool check_array(vctx *v, json_object *s, json_object *x, const char *path)
{
    json_object *items = NULL, *mn = NULL, *mx = NULL;
    if (!json_object_is_type(x, json_type_array)) return true;
    size_t n = json_object_array_length(x);
    if (json_object_object_get_ex(s, "minItems", &mn) && n < (size_t)json_object_get_int(mn))
        return fail(v, path, "too few items");
    if (json_object_object_get_ex(s, "maxItems", &mx) && n > (size_t)json_object_get_int(mx))
        return fail(v, path, "too many items");
    if (json_object_object_get_ex(s, "items", &items))
        for (size_t i = 0; i < n; i++) {
            char p[600];
            snprintf(p, sizeof p, "%s[%zu]", path, i);
            if (!validate(v, items, json_object_array_get_idx(x, i), p)) return false;
        }
    return true;
}

static bool check_bounds(vctx *v, json_object *s, json_object *x, const char *path)
{
    json_object *b;
    if (is_num(x)) {
        double d = json_object_get_double(x);
        if (json_object_object_get_ex(s, "minimum", &b) && d < json_object_get_double(b))
            return fail(v, path, "below the minimum");
        if (json_object_object_get_ex(s, "maximum", &b) && d > json_object_get_double(b))
            return fail(v, path, "above the maximum");
    }
    if (json_object_is_type(x, json_type_string) && json_object_object_get_ex(s, "maxLength", &b) &&
        strlen(json_object_get_string(x)) > (size_t)json_object_get_int(b))
        return fail(v, path, "string too long");
    if (json_object_is_type(x, json_type_string) && json_object_object_get_ex(s, "pattern", &b)) {
        regex_t re;
        if (regcomp(&re, json_object_get_string(b), REG_EXTENDED | REG_NOSUB) != 0)
            return fail(v, path, "bad pattern");
        int m = regexec(&re, json_object_get_string(x), 0, NULL, 0);
        regfree(&re);
        if (m != 0) return fail(v, path, "does not match the pattern");
    }
    return true;
}

/* oneOf: exactly one; anyOf: at least one. */
static bool check_of(vctx *v, json_object *list, json_object *x, const char *path, bool one)
{
    int ok = 0;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        vctx sub = { v->root, "" };
        ok += validate(&sub, json_object_array_get_idx(list, i), x, path);
    }
    if (one ? ok == 1 : ok >= 1) return true;
    return fail(v, path, one ? (ok ? "matches several of oneOf" : "matches none of oneOf")
                             : "matches none of anyOf");
}

static bool validate(vctx *v, json_object *s, json_object *x, const char *path)
{
    static const char *const known[] = {
        "$schema", "$id", "title", "description", "default", "$defs", "$ref", "type", "enum",
        "minimum", "maximum", "maxLength", "pattern", "minItems", "maxItems", "maxProperties", "properties",
        "required", "additionalProperties", "items", "oneOf", "anyOf", NULL };
    json_object_object_foreach(s, k, val) {
        (void)val;
        int i = 0;
        while (known[i] && strcmp(known[i], k) != 0) i++;
        if (!known[i]) return fail(v, path, "the validator does not know a schema keyword");
    }
    json_object *t;
    if (json_object_object_get_ex(s, "$ref", &t)) {
        const char *ref = json_object_get_string(t);
        json_object *target = strncmp(ref, "#/$defs/", 8) == 0
            ? sim_json_at(json_object_object_get(v->root, "$defs"), ref + 8) : NULL;
        if (!target) return fail(v, path, "unresolved $ref");
        if (!validate(v, target, x, path)) return false;
    }
    if (json_object_object_get_ex(s, "type", &t) && !check_type(v, t, x, path)) return false;
    if (json_object_object_get_ex(s, "enum", &t) && !check_enum(v, t, x, path)) return false;
    if (!check_bounds(v, s, x, path) || !check_object(v, s, x, path) || !check_array(v, s, x, path))
        return false;
    if (json_object_object_get_ex(s, "oneOf", &t) && !check_of(v, t, x, path, true)) return false;
    if (json_object_object_get_ex(s, "anyOf", &t) && !check_of(v, t, x, path, false)) return false;
    return true;
}

static bool valid(json_object *schema, json_object *x, char *why, size_t n)
{
    vctx v = { schema, "" };
    bool ok = validate(&v, schema, x, "");
    snprintf(why, n, "%s", v.why);
    return ok;
}

/* ---- helpers ----------------------------------------------------------------- */

static json_object *load(const char *path)
{
    sim_json_doc doc;
    sim_error err;
    if (sim_json_doc_load(&doc, path, &err) != SIM_OK) return NULL;
    json_object *r = json_object_get(doc.root);
    sim_json_doc_fini(&doc);
    return r;
}

/* The parser's verdict on a config tree (as if read from `label`). */
static bool config_parses(json_object *root, const char *label, char *why, size_t n)
{
    sim_json_doc doc;
    sim_error err;
    const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
    mdl_config cfg;
    bool ok = sim_json_doc_parse(&doc, text, label, &err) == SIM_OK &&
              mdl_config_from_doc(&cfg, &doc, NULL, &err) == SIM_OK;
    if (ok) mdl_config_fini(&cfg);
    else sim_error_format(&err, why, n);
    sim_json_doc_fini(&doc);
    return ok;
}

static bool usage_parses(json_object *root, char *why, size_t n)
{
    sim_json_doc doc;
    sim_error err;
    mdl_catalog *cat = NULL;
    mdl_meter *m = NULL;
    const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
    bool ok = sim_json_doc_parse(&doc, text, "usage.json", &err) == SIM_OK &&
              mdl_usage_from_json(&doc, NULL, NULL, &cat, &m, &err) == SIM_OK;
    if (!ok) sim_error_format(&err, why, n);
    mdl_meter_destroy(m);
    mdl_catalog_destroy(cat);
    sim_json_doc_fini(&doc);
    return ok;
}

/* Every *.json of a folder against a schema. */
static int validate_folder(json_object *schema, const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    CHECK(d != NULL, "open %s", dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 5, ".json") != 0) continue;
        char path[1024], why[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        json_object *x = load(path);
        CHECK(x && valid(schema, x, why, sizeof why), "%s validates: %s", path, why);
        json_object_put(x);
        n++;
    }
    if (d) closedir(d);
    return n;
}

/* ---- the bundled files ---------------------------------------------------------- */

static void bundled(json_object *config, json_object *usage, json_object *profile)
{
    CHECK(validate_folder(config, "data/architectures") >= 8, "the bundled architectures");
    CHECK(validate_folder(usage, "data/usage") >= 2, "the bundled usage files");
    CHECK(validate_folder(profile, "data/profiles") >= 2, "the bundled profiles");
    char why[512];
    json_object *x = load("tests/fixtures/simfaas_a.json");
    CHECK(x && valid(config, x, why, sizeof why), "the SimFaaS fixture validates: %s", why);
    json_object_put(x);
}

/* ---- invalid files: the schema and the parser agree ------------------------------ */

typedef struct mutation {
    const char *path, *json;   /* set at path (json NULL: delete the key) */
    bool valid;
} mutation;

static void put(json_object *root, const char *path, const char *json)
{
    sim_error err;
    if (!json) {
        char parent[256];
        const char *dot = strrchr(path, '.');
        snprintf(parent, sizeof parent, "%.*s", (int)(dot - path), path);
        json_object_object_del(sim_json_at(root, parent), dot + 1);
        return;
    }
    CHECK(sim_json_set_at(root, path, sim_json_parse_value(json), "test", &err) == SIM_OK,
          "set %s: %s", path, err.msg);
}

static void config_mutations(json_object *schema)
{
    static const mutation k[] = {
        { "functions.f.memory_mb", "1024", true },
        { "functions.f.memory_mb", "64", false },
        { "functions.f.memory_mb", "\"big\"", false },
        { "functions.f.memroy_mb", "256", false },
        { "colour", "1", false },
        { "entry.type", "\"ftp\"", false },
        { "entry.type", "\"apigw_rest\"", true },
        { "account.scaling", "2023", false },           /* a number, not the string */
        { "functions.f.service_time.warm", "{\"dist\": \"exponential\", \"mean_ms\": 5, \"cv\": 1}", false },
        { "functions.f.service_time.warm", "{\"dist\": \"lognormal\", \"mean_ms\": 5}", false },
        { "functions.f.service_time.warm", "{\"dist\": \"lognormal\", \"mu\": 1, \"sigma\": 0.5}", true },
        { "functions.f.service_time.warm", "[{\"dist\": \"exponential\", \"mean_ms\": 5}]", true },
        { "functions.f.service_time.warm", "[]", false },
        { "functions.f.calls", "[{\"service\": \"s3\", \"op\": \"get\", \"bytes\": \"all\"}]", false },
        { "functions.f.calls", "[{\"service\": \"s3\", \"op\": \"get\", \"bytes\": \"request\"}]", true },
        { "functions.f.calls", "[{\"service\": \"sns\"}]", false },
        { "queues.q", "{\"type\": \"standard\", \"consumer\": {\"type\": \"workers\", \"count\": -1, "
                      "\"service_time\": {\"dist\": \"exponential\", \"mean_ms\": 5}}}", false },
        { "workload.trace", "{\"file\": \"x.csv\"}", false },   /* with arrivals: two sources */
        { "workload.arrivals", NULL, false },                  /* no source */
        { "billing.free_tier", "\"sometimes\"", false },
        { "billing.month", "\"13\"", false },
        { "billing.month", "\"2025-08\"", true },
    };
    const char *base = "{\"duration_s\": 100, \"workload\": {\"arrivals\": {\"process\": \"poisson\", "
                       "\"rate_per_s\": 1}}, \"entry\": {\"type\": \"direct\"}, \"functions\": "
                       "{\"f\": {\"service_time\": {\"warm\": {\"dist\": \"exponential\", "
                       "\"mean_ms\": 10}}}}}";
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        json_object *x = json_tokener_parse(base);
        char ws[512], wp[2048];
        put(x, k[i].path, k[i].json);
        bool s = valid(schema, x, ws, sizeof ws), p = config_parses(x, "t.json", wp, sizeof wp);
        CHECK(s == k[i].valid, "schema on %s=%s: %s (%s)", k[i].path, k[i].json, s ? "valid" : "invalid", ws);
        CHECK(p == k[i].valid, "parser on %s=%s: %s (%s)", k[i].path, k[i].json, p ? "valid" : "invalid", wp);
        json_object_put(x);
    }
}

static void usage_mutations(json_object *schema)
{
    static const mutation k[] = {
        { "lambda", "[{\"memory_mb\": 512, \"requests\": 1000}]", true },
        { "lambda", "[{\"memory_mb\": 64}]", false },
        { "lambda", "[{\"requests\": 5}]", false },
        { "apigw", "[{\"type\": \"http\", \"requests\": 5, \"avg_request_kb\": 3}]", true },
        { "apigw", "[{\"type\": \"http\", \"requests\": 5, \"cache_gb\": 0.5}]", false },
        { "apigw", "[{\"requests\": 5}]", false },
        { "dynamodb", "{\"write_request_units\": 5}", true },
        { "dynamodb", "{\"mode\": \"provisioned\", \"hours\": 10}", true },
        { "dynamodb", "{\"write_capacity_units\": 5}", false },
        { "stepfunctions", "[{\"type\": \"express\", \"requests\": 5}]", true },
        { "stepfunctions", "[{\"type\": \"express\", \"executions\": 5}]", false },
        { "efs", "{\"hours_in_month\": 100}", false },
        { "month", "\"2025-13\"", false },
        { "month", "\"2025-08-01\"", false },
        { "month", "\"2025-08\"", true },
        { "requets", "5", false },
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        json_object *x = json_object_new_object();
        char ws[512], wp[2048];
        put(x, k[i].path, k[i].json);
        bool s = valid(schema, x, ws, sizeof ws), p = usage_parses(x, wp, sizeof wp);
        CHECK(s == k[i].valid, "schema on %s=%s: %s (%s)", k[i].path, k[i].json, s ? "valid" : "invalid", ws);
        CHECK(p == k[i].valid, "reader on %s=%s: %s (%s)", k[i].path, k[i].json, p ? "valid" : "invalid", wp);
        json_object_put(x);
    }
}

static void profile_mutations(json_object *schema)
{
    json_object *x = load("data/profiles/default.json");
    char why[512], path[256];
    sim_error err;
    mdl_perf_kernel k;
    CHECK(x != NULL, "default profile");
    if (!x) return;
    put(x, "kernels.resize.threads", "0");
    CHECK(!valid(schema, x, why, sizeof why), "threads 0 fails the schema");
    snprintf(path, sizeof path, "%s/lambdasim-schema-%d.json", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (int)getpid());
    const char *text = json_object_to_json_string(x);
    CHECK(sim_write_file_atomic(path, text, strlen(text), &err) == SIM_OK, "write %s", path);
    CHECK(mdl_perf_profile_load(path, "resize", &k, &err) == SIM_ERANGE &&
          strstr(err.field, "kernels.resize.threads"), "the loader rejects it too (%s)", err.field);
    remove(path);
    json_object_put(x);
}

/* ---- every bound of the schema is the parser's ------------------------------------- */

typedef struct bound_walk {
    json_object *schema, *base;
    int tested;
} bound_walk;

/* Past a bound: the schema and the parser must both refuse. */
static void try_bound(bound_walk *w, const char *path, double bad, bool integer)
{
    json_object *x = json_object_get(w->base);
    json_object *copy = NULL;
    json_object_deep_copy(x, &copy, NULL);
    json_object_put(x);
    char val[64], ws[512], wp[2048];
    if (integer) snprintf(val, sizeof val, "%.0f", bad);
    else snprintf(val, sizeof val, "%.17g", bad);
    put(copy, path, val);
    CHECK(!valid(w->schema, copy, ws, sizeof ws), "schema refuses %s=%s", path, val);
    CHECK(!config_parses(copy, "t.json", wp, sizeof wp) && strstr(wp, path),
          "parser refuses %s=%s naming it (%s)", path, val, wp);
    w->tested++;
    json_object_put(copy);
}

/* Every bounded number of an object the base config has. */
static void walk_bounds(bound_walk *w, json_object *s, json_object *inst, const char *prefix)
{
    json_object *props = NULL;
    if (!json_object_object_get_ex(s, "properties", &props)) return;
    json_object_object_foreach(props, key, ps) {
        char path[512];
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", key);
        json_object *t = NULL, *b = NULL, *child = NULL;
        if (json_object_object_get_ex(ps, "type", &t) && json_object_is_type(t, json_type_string)) {
            const char *ty = json_object_get_string(t);
            bool integer = strcmp(ty, "integer") == 0;
            if (integer || strcmp(ty, "number") == 0) {
                if (json_object_object_get_ex(ps, "minimum", &b) && json_object_get_double(b) > -1e15)
                    try_bound(w, path, json_object_get_double(b) - (integer ? 1 : 0.5 + fabs(json_object_get_double(b))), integer);
                if (json_object_object_get_ex(ps, "maximum", &b) && json_object_get_double(b) < 1e15)
                    try_bound(w, path, json_object_get_double(b) * 2 + 1, integer);
            }
        }
        if (json_object_object_get_ex(inst, key, &child) && json_object_is_type(child, json_type_object)) {
            json_object *add = NULL;
            if (json_object_object_get_ex(ps, "properties", NULL))
                walk_bounds(w, ps, child, path);
            else if (json_object_object_get_ex(ps, "additionalProperties", &add) &&
                     json_object_is_type(add, json_type_object)) {
                json_object_object_foreach(child, name, item) {   /* functions.<name>, queues.<name> */
                    char p2[600];
                    snprintf(p2, sizeof p2, "%s.%s", path, name);
                    if (json_object_is_type(item, json_type_object)) walk_bounds(w, add, item, p2);
                }
            }
        }
    }
}

static void bounds(json_object *schema)
{
    static const char *const files[] = { "data/architectures/gallery_sqs_workers.json",
                                         "data/architectures/gallery_sqs_lambda.json",
                                         "data/architectures/gallery_sync.json",
                                         "data/architectures/pow_apigw.json" };
    int total = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        bound_walk w = { schema, load(files[i]), 0 };
        CHECK(w.base != NULL, "load %s", files[i]);
        if (!w.base) continue;
        /* Parsed from a file's folder: its relative paths must resolve. */
        walk_bounds(&w, schema, w.base, "");
        total += w.tested;
        json_object_put(w.base);
    }
    CHECK(total > 60, "bounds tried (%d)", total);
}

/* The helpers under the tables: path resolution and command-line values. */
static void helpers(void)
{
    static const struct { const char *base, *rel, *want; } k[] = {
        { "data/architectures", "../statemachines/a.json", "data/statemachines/a.json" },
        { "", "data/x.json", "data/x.json" },
        { NULL, "./a/./b/../c", "a/c" },
        { "a", "/abs/../x", "/x" },
        { "a/b", "../../..", ".." },
        { ".", "x", "x" },
        { "/", "../x", "/x" },
    };
    char buf[256];
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        CHECK(sim_path_resolve(k[i].base, k[i].rel, buf, sizeof buf) && strcmp(buf, k[i].want) == 0,
              "resolve %s + %s = %s (got %s)", k[i].base ? k[i].base : "NULL", k[i].rel, k[i].want, buf);
    CHECK(!sim_path_resolve("a", "bcdefgh", buf, 4), "a path that does not fit is refused");
    sim_path_dir("data/architectures/x.json", buf, sizeof buf);
    CHECK(strcmp(buf, "data/architectures") == 0, "dir of a path");
    sim_path_dir("x.json", buf, sizeof buf);
    CHECK(strcmp(buf, "") == 0, "dir of a bare name");
    static const struct { const char *text; json_type type; } v[] = {
        { "1024", json_type_int }, { "1.5", json_type_double }, { "true", json_type_boolean },
        { "apigw_rest", json_type_string }, { "\"2023\"", json_type_string },
        { "{\"dist\": \"exponential\"}", json_type_object }, { "[1, 2]", json_type_array },
        { "1 2", json_type_string }, { "12abc", json_type_string }, { "", json_type_string },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        json_object *o = sim_json_parse_value(v[i].text);
        CHECK(json_object_is_type(o, v[i].type), "'%s' reads as %s", v[i].text,
              json_type_to_name(v[i].type));
        json_object_put(o);
    }
    CHECK(sim_json_parse_value("null") == NULL, "null reads as null");
}

int main(void)
{
    helpers();
    json_object *config = mdl_config_schema(), *usage = mdl_usage_schema();
    json_object *profile = mdl_perf_profile_schema();
    bundled(config, usage, profile);
    config_mutations(config);
    usage_mutations(usage);
    profile_mutations(profile);
    bounds(config);
    json_object_put(config);
    json_object_put(usage);
    json_object_put(profile);
    return check_report("schema");
}
