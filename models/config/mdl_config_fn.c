/* mdl_config_fn.c - the functions section: each Lambda function's settings,
 * its handler time (distributions or a kernel of the performance model) and
 * the AWS service calls it makes.  Kernels and calls are shared with queue
 * workers. */
#include "models/config/mdl_config_internal.h"

#include <string.h>

const char *const mdl__arch_names[] = { "x86_64", "arm64", NULL };
const char *const mdl__reuse_names[] = { "mru", "lru", "newest", "random", NULL };
static const char *const k_packages[] = { "zip", "image", NULL };
/* The services a call names, in k_ops order (call_op). */
enum { SVC_S3, SVC_DDB, SVC_REK, SVC_EFS, SVC_SQS, SVC_LAMBDA, SVC_SFN };
static const char *const k_services[] = { "s3", "dynamodb", "rekognition", "efs", "sqs",
                                          "lambda", "stepfunctions", NULL };
static const char *const k_invocations[] = { "sync", "async", NULL };
MDL__ENUM_OK(mdl_arch);
MDL__ENUM_OK(mdl_reuse);

/* The effective config's name of each call. */
static const char *const k_call_names[MDL_CALL_COUNT] = {
    [MDL_CALL_S3_GET] = "s3.get", [MDL_CALL_S3_PUT] = "s3.put",
    [MDL_CALL_DDB_READ] = "dynamodb.read", [MDL_CALL_DDB_WRITE] = "dynamodb.write",
    [MDL_CALL_REKOGNITION] = "rekognition", [MDL_CALL_EFS_READ] = "efs.read",
    [MDL_CALL_EFS_WRITE] = "efs.write", [MDL_CALL_S3_DELETE] = "s3.delete",
    [MDL_CALL_SQS_SEND] = "sqs.send", [MDL_CALL_LAMBDA_INVOKE] = "lambda.invoke",
    [MDL_CALL_SFN_START] = "stepfunctions.start" };

sim_status mdl__name_ok(const sim_opt_ctx *c, const char *path, const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= MDL_NAME_MAX)
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, path, "name must have 1 to %d characters",
                      MDL_NAME_MAX - 1);
    return SIM_OK;
}

sim_status mdl__parse_named(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                            const char *path, int count, mdl__item_fn item, void *base)
{
    json_object *o = NULL;
    SIM_TRY(sim_json_get_child(c->doc, obj, path, r->key, false, json_type_object, &o, c->err));
    if (!o) return SIM_OK;
    json_object_object_foreach(o, name, io) {
        char p[512];
        snprintf(p, sizeof p, "%s.%s", r->key, name);
        if ((size_t)count++ == r->max_n)
            SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, p, "at most %zu %s", r->max_n, r->key);
        if (!json_object_is_type(io, json_type_object))
            SIM_JSON_FAIL(c->err, SIM_ETYPE, c->doc, p, "expected a JSON object");
        SIM_TRY(mdl__name_ok(c, p, name));
        SIM_TRY(item(c, io, p, name, base));
    }
    return SIM_OK;
}

/* ---- kernels --------------------------------------------------------------- */

enum { K_NAME, K_PROFILE, K_MP, K_BPM };
static const sim_opt k_kernel_rows[] = {
    [K_NAME] = { "name", .type = SIM_OPT_STRING, .flags = SIM_OPT_REQUIRED,
                 .doc = "a kernel of the profile: `resize`, `grayscale` or `detect`" },
    [K_PROFILE] = { "profile", .type = SIM_OPT_PATH, .def_doc = "`DATA/profiles/default.json`",
                    .doc = "the kernel parameters: the sizing format (placeholder parameters "
                           "from SeBS, README \"Sizing\") or the output of `lambdasim profile`" },
    [K_MP] = { "megapixels", .type = SIM_OPT_NUMBER, .min = 1e-6, .max = 1e4,
               .def_doc = "the profile's", .doc = "image size of every invocation" },
    [K_BPM] = { "bytes_per_megapixel", .type = SIM_OPT_NUMBER, .min = 1, .max = 1e9,
                .def_doc = "none", .unit = "B",
                .doc = "instead of `megapixels`: megapixels from the request's bytes" },
};
const sim_opt_table mdl__kernel_table = SIM_OPT_TABLE("kernel", k_kernel_rows, NULL);

/* {"name": "resize", "profile": F, "megapixels": N | "bytes_per_megapixel":
 * B}; *mp is 0 when megapixels come from the bytes. */
static sim_status parse_kernel(const sim_opt_ctx *c, json_object *ko, const char *kp,
                               mdl_perf_kernel *k, double *mp, double *bytes_per_mp)
{
    const mdl__cfg_ctx *uc = c->user;
    const char *kn = "", *given = NULL;
    char prof[1024];
    bool hp = false, hm = false, hb = false;
    SIM_TRY(sim_opt_check_keys(c, &mdl__kernel_table, ko, kp));
    SIM_TRY(sim_opt_get_string(c, &k_kernel_rows[K_NAME], ko, kp, &kn, NULL));
    SIM_TRY(sim_opt_get_string(c, &k_kernel_rows[K_PROFILE], ko, kp, &given, &hp));
    if (hp && !sim_path_resolve(c->base_dir, given, prof, sizeof prof)) {
        char p[600];
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, sim_json_path(p, sizeof p, kp, "profile"),
                      "path too long");
    }
    if (!hp) snprintf(prof, sizeof prof, "%s/profiles/default.json", uc->data_dir);
    SIM_TRY(mdl_perf_profile_load(prof, kn, k, c->err));
    *mp = k->megapixels;
    SIM_TRY(sim_opt_get_number(c, &k_kernel_rows[K_MP], ko, kp, mp, &hm));
    SIM_TRY(sim_opt_get_number(c, &k_kernel_rows[K_BPM], ko, kp, bytes_per_mp, &hb));
    if (hm && hb)
        SIM_JSON_FAIL(c->err, SIM_EUSAGE, c->doc, kp,
                      "give megapixels or bytes_per_megapixel, not both");
    if (hb) *mp = 0;
    return SIM_OK;
}

sim_status mdl__parse_kernel(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                             const char *path, mdl_perf_kernel *k, double *mp,
                             double *bytes_per_mp, bool *has)
{
    json_object *ko = NULL;
    char kp[512];
    SIM_TRY(sim_json_get_child(c->doc, obj, path, r->key, false, json_type_object, &ko, c->err));
    if (!ko) return SIM_OK;
    SIM_TRY(parse_kernel(c, ko, sim_opt_path(kp, sizeof kp, path, r), k, mp, bytes_per_mp));
    *has = true;
    return SIM_OK;
}

static sim_status parse_fn_kernel(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                  const char *path, void *base)
{
    mdl_function_cfg *f = base;
    return mdl__parse_kernel(c, r, obj, path, &f->kernel, &f->kernel_mp, &f->kernel_bytes_per_mp,
                             &f->has_kernel);
}

/* The kernel as the model runs it: the reference plus the profile's numbers. */
static json_object *write_fn_kernel(const sim_opt *r, const void *base, const void *user)
{
    (void)r;
    (void)user;
    const mdl_function_cfg *f = base;
    if (!f->has_kernel) return NULL;
    json_object *kj = json_object_new_object();
    sim_json_add_string(kj, "name", f->kernel.name);
    if (f->kernel_mp > 0) sim_json_add_double(kj, "megapixels", f->kernel_mp);
    else sim_json_add_double(kj, "bytes_per_megapixel", f->kernel_bytes_per_mp);
    sim_json_add_double(kj, "cpu_ms_a", f->kernel.cpu_ms_a);
    sim_json_add_double(kj, "cpu_ms_per_megapixel", f->kernel.cpu_ms_per_mp);
    sim_json_add_double(kj, "parallel_fraction", f->kernel.parallel_fraction);
    sim_json_add_int(kj, "threads", f->kernel.threads);
    sim_json_add_double(kj, "io_ms", f->kernel.io_ms);
    sim_json_add_double(kj, "working_set_mb", f->kernel.working_set_mb);
    sim_json_add_double(kj, "working_set_mb_per_megapixel", f->kernel.working_set_mb_per_mp);
    return kj;
}

/* ---- service calls ------------------------------------------------------------ */

static json_object *schema_bytes(const sim_opt *r)
{
    (void)r;
    json_object *o = json_object_new_object(), *one = json_object_new_array();
    json_object *num = json_object_new_object(), *req = json_object_new_object();
    json_object *e = json_object_new_array();
    sim_json_add_string(num, "type", "number");
    sim_json_add_double(num, "minimum", 0);
    sim_json_add_double(num, "maximum", 5e12);
    json_object_array_add(e, json_object_new_string("request"));
    json_object_array_add(e, json_object_new_string("object"));
    json_object_object_add(req, "enum", e);
    json_object_array_add(one, num);
    json_object_array_add(one, req);
    json_object_object_add(o, "oneOf", one);
    return o;
}

enum { C_SERVICE, C_OP, C_BYTES, C_ITEM, C_QUEUE, C_FUNCTION, C_INVOCATION, C_MACHINE, C_SYNC,
       C_BUCKET, C_KEY, C_PROB };
static const sim_opt k_call_rows[] = {
    [C_SERVICE] = { "service", .type = SIM_OPT_ENUM, .choices = k_services,
                    .flags = SIM_OPT_REQUIRED, .doc = "the AWS service called" },
    [C_OP] = { "op", .type = SIM_OPT_STRING, .def_doc = "required (not rekognition)",
               .doc = "`s3`: `get`, `put` or `delete` (`bytes`: the object's size, taken off "
                      "the stored stock); `dynamodb` and `efs`: `read` or `write`; `sqs`: "
                      "`send`; `lambda`: `invoke`; `stepfunctions`: `start`" },
    [C_BYTES] = { "bytes", .type = SIM_OPT_ANY, .type_doc = "number or string",
                  .def_doc = "0 (an emitting call: 1024)", .unit = "B", .schema = schema_bytes,
                  .doc = "payload moved (0 to 5e12; an `s3` put: the object written), or "
                         "`\"request\"`: the request's own bytes, or `\"object\"`: the bytes "
                         "of the object the request is about (an uploaded photo)" },
    [C_ITEM] = { "item_kb", .type = SIM_OPT_NUMBER, .def = 1, .min = 0, .max = 400, .unit = "KB",
                 .doc = "DynamoDB: the item size (request units)" },
    [C_QUEUE] = { "queue", .type = SIM_OPT_STRING, .def_doc = "required (sqs)",
                  .doc = "`sqs` `send`: the queue of `queues` (the message is `bytes` long)" },
    [C_FUNCTION] = { "function", .type = SIM_OPT_STRING, .def_doc = "required (lambda)",
                     .doc = "`lambda` `invoke`: the function of `functions`" },
    [C_INVOCATION] = { "invocation", .type = SIM_OPT_ENUM, .choices = k_invocations,
                       .doc = "`lambda`: `sync` (RequestResponse: the caller waits for the "
                              "function and is billed meanwhile) or `async` (an event)" },
    [C_MACHINE] = { "state_machine", .type = SIM_OPT_STRING, .def_doc = "required (stepfunctions)",
                    .doc = "`stepfunctions` `start`: the state machine of `state_machines` "
                           "(StartExecution; the input is `bytes` long)" },
    [C_SYNC] = { "sync", .type = SIM_OPT_BOOL, .def = 0,
                 .doc = "`stepfunctions`: wait for the execution to end (the `.sync` "
                        "integration, StartSyncExecution for Express)" },
    [C_BUCKET] = { "bucket", .type = SIM_OPT_STRING, .def_doc = "none",
                   .doc = "`s3` `put`: a bucket of `buckets`: the put fires its notifications "
                          "whose prefix and suffix match `key`" },
    [C_KEY] = { "key", .type = SIM_OPT_STRING, .def_doc = "required (with `bucket`)",
                .doc = "`s3` `put` to a bucket: the object's key (`thumbs/photo.jpg`)" },
    [C_PROB] = { "probability", .type = SIM_OPT_NUMBER, .def = 1, .min = 0, .max = 1,
                 .doc = "the call is made with this probability (drawn once per invocation or "
                        "message); a call cycle through a call below 1 is not static (README "
                        "\"Guards\")" },
};
const sim_opt_table mdl__call_table = SIM_OPT_TABLE("call", k_call_rows, NULL);

/* get/read and put/write are synonyms; rekognition has one call; sqs sends,
 * lambda invokes, stepfunctions starts. */
static sim_status call_op(const sim_opt_ctx *c, int svc, const char *op, const char *pk,
                          mdl_call_op *out)
{
    static const struct { mdl_call_op read, write; const char *what; } k_ops[] = {
        [SVC_S3] = { MDL_CALL_S3_GET, MDL_CALL_S3_PUT, "s3 op must be get, put or delete" },
        [SVC_DDB] = { MDL_CALL_DDB_READ, MDL_CALL_DDB_WRITE, "dynamodb op must be read or write" },
        [SVC_REK] = { MDL_CALL_REKOGNITION, MDL_CALL_REKOGNITION, "" },
        [SVC_EFS] = { MDL_CALL_EFS_READ, MDL_CALL_EFS_WRITE, "efs op must be read or write" },
        [SVC_SQS] = { MDL_CALL_SQS_SEND, MDL_CALL_SQS_SEND, "sqs op must be send" },
        [SVC_LAMBDA] = { MDL_CALL_LAMBDA_INVOKE, MDL_CALL_LAMBDA_INVOKE,
                         "lambda op must be invoke" },
        [SVC_SFN] = { MDL_CALL_SFN_START, MDL_CALL_SFN_START, "stepfunctions op must be start" },
    };
    static const char *const k_verb[] = { [SVC_SQS] = "send", [SVC_LAMBDA] = "invoke",
                                          [SVC_SFN] = "start" };
    if (svc >= SVC_SQS) {
        if (strcmp(op, k_verb[svc]) != 0)
            SIM_JSON_FAIL(c->err, SIM_EUNKNOWN, c->doc, pk, "%s, got '%s'", k_ops[svc].what, op);
        *out = k_ops[svc].read;
        return SIM_OK;
    }
    bool is_read = strcmp(op, "get") == 0 || strcmp(op, "read") == 0;
    bool is_write = strcmp(op, "put") == 0 || strcmp(op, "write") == 0;
    if (svc == SVC_S3 && strcmp(op, "delete") == 0) {   /* S3 only: frees storage, costs nothing */
        *out = MDL_CALL_S3_DELETE;
        return SIM_OK;
    }
    if (svc == SVC_REK) is_read = true;
    if (!is_read && !is_write)
        SIM_JSON_FAIL(c->err, SIM_EUNKNOWN, c->doc, pk, "%s, got '%s'", k_ops[svc].what, op);
    *out = is_read ? k_ops[svc].read : k_ops[svc].write;
    return SIM_OK;
}

/* bytes: a number, "request" (the request's payload) or "object" (the
 * object it is about).  Emitting calls default to a 1 KB message. */
static sim_status parse_call_bytes(const sim_opt_ctx *c, json_object *co, const char *p,
                                   mdl_call *call)
{
    char pk[600];
    json_object *b = sim_opt_value(&k_call_rows[C_BYTES], co);
    call->bytes = call->op >= MDL_CALL_SQS_SEND ? 1024 : 0;
    if (b && json_object_is_type(b, json_type_string)) {
        const char *v = json_object_get_string(b);
        if (strcmp(v, "request") == 0) call->bytes = MDL_BYTES_REQUEST;
        else if (strcmp(v, "object") == 0) call->bytes = MDL_BYTES_OBJECT;
        else
            SIM_JSON_FAIL(c->err, SIM_EUNKNOWN, c->doc, sim_json_path(pk, sizeof pk, p, "bytes"),
                          "bytes must be a number, \"request\" or \"object\"");
        return SIM_OK;
    }
    if (!b) return SIM_OK;
    return sim_json_get_number(c->doc, co, p, "bytes", true, 0, 5e12, &call->bytes, NULL, c->err);
}

/* The keys only some calls take: their target (kept by name: resolved when
 * every section is read) and options.  A key the call does not take is an
 * error naming it. */
static sim_status parse_call_target(const sim_opt_ctx *c, json_object *co, const char *p, int svc,
                                    mdl_call *call)
{
    static const struct { int row, svc; } k_only[] = {
        { C_QUEUE, SVC_SQS }, { C_FUNCTION, SVC_LAMBDA }, { C_INVOCATION, SVC_LAMBDA },
        { C_MACHINE, SVC_SFN }, { C_SYNC, SVC_SFN }, { C_BUCKET, SVC_S3 }, { C_KEY, SVC_S3 } };
    char pk[600];
    for (size_t i = 0; i < sizeof k_only / sizeof k_only[0]; i++) {
        const sim_opt *r = &k_call_rows[k_only[i].row];
        if (sim_opt_value(r, co) && svc != k_only[i].svc)
            SIM_JSON_FAIL(c->err, SIM_EUNSUPPORTED, c->doc, sim_opt_path(pk, sizeof pk, p, r),
                          "%s calls take no %s", k_services[svc], r->key);
    }
    const char *name = "", *key = NULL;
    int inv = 0;
    int row = svc == SVC_SQS ? C_QUEUE : svc == SVC_LAMBDA ? C_FUNCTION : svc == SVC_SFN
            ? C_MACHINE : C_BUCKET;
    bool need = svc >= SVC_SQS, here = false;
    SIM_TRY(sim_opt_get_string(c, &k_call_rows[row], co, p, &name, &here));
    if (need && !here)
        SIM_JSON_FAIL(c->err, SIM_EMISSING, c->doc, sim_opt_path(pk, sizeof pk, p, &k_call_rows[row]),
                      "required key '%s' is missing", k_call_rows[row].key);
    if (here && (svc != SVC_S3 || call->op == MDL_CALL_S3_PUT))
        snprintf(call->target_name, sizeof call->target_name, "%s", name);
    else if (here)
        SIM_JSON_FAIL(c->err, SIM_EUNSUPPORTED, c->doc, sim_opt_path(pk, sizeof pk, p, &k_call_rows[row]),
                      "only an s3 put fires a bucket's notifications");
    SIM_TRY(sim_opt_get_string(c, &k_call_rows[C_KEY], co, p, &key, NULL));
    if (!key != !call->target_name[0] && svc == SVC_S3)
        SIM_JSON_FAIL(c->err, SIM_EUSAGE, c->doc, p, "an s3 put to a bucket needs a key, and a key "
                      "needs a bucket");
    if (key) snprintf(call->key, sizeof call->key, "%s", key);
    SIM_TRY(sim_json_get_enum(c->doc, co, p, "invocation", false, k_invocations, &inv, NULL, c->err));
    call->sync = svc == SVC_LAMBDA ? inv == 0 : false;
    if (svc == SVC_SFN)
        SIM_TRY(sim_json_get_bool(c->doc, co, p, "sync", false, &call->sync, NULL, c->err));
    call->probability = 1;
    return sim_opt_get_number(c, &k_call_rows[C_PROB], co, p, &call->probability, NULL);
}

static sim_status parse_call(const sim_opt_ctx *c, json_object *co, const char *p, mdl_call *call)
{
    char pk[600];
    int svc = 0;
    const char *op = "";
    SIM_TRY(sim_opt_check_keys(c, &mdl__call_table, co, p));
    SIM_TRY(sim_json_get_enum(c->doc, co, p, "service", true, k_services, &svc, NULL, c->err));
    SIM_TRY(sim_json_get_string(c->doc, co, p, "op", svc != SVC_REK, &op, NULL, c->err));
    memset(call, 0, sizeof *call);
    call->target = -1;
    SIM_TRY(call_op(c, svc, op, sim_json_path(pk, sizeof pk, p, "op"), &call->op));
    SIM_TRY(parse_call_bytes(c, co, p, call));
    SIM_TRY(parse_call_target(c, co, p, svc, call));
    call->item_kb = k_call_rows[C_ITEM].def;
    return sim_opt_get_number(c, &k_call_rows[C_ITEM], co, p, &call->item_kb, NULL);
}

sim_status mdl__parse_calls(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                            const char *path, mdl_call *calls, int *ncalls)
{
    json_object *arr = NULL;
    char pc[512];
    SIM_TRY(sim_json_get_child(c->doc, obj, path, r->key, false, json_type_array, &arr, c->err));
    if (!arr) return SIM_OK;
    path = sim_opt_path(pc, sizeof pc, path, r);
    size_t n = json_object_array_length(arr);
    if (n > MDL_MAX_CALLS)
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, path, "at most %d calls per function",
                      MDL_MAX_CALLS);
    for (size_t i = 0; i < n; i++) {
        char p[512];
        sim_json_path_index(p, sizeof p, path, i);
        SIM_TRY(parse_call(c, json_object_array_get_idx(arr, i), p, &calls[(*ncalls)++]));
    }
    return SIM_OK;
}

static sim_status parse_fn_calls(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                 const char *path, void *base)
{
    mdl_function_cfg *f = base;
    return mdl__parse_calls(c, r, obj, path, f->calls, &f->ncalls);
}

/* One call as the effective config shows it: what it does, then only the
 * keys that apply to it. */
static json_object *call_json(const mdl_call *call)
{
    json_object *co = json_object_new_object();
    sim_json_add_string(co, "call", k_call_names[call->op]);
    if (call->bytes == MDL_BYTES_REQUEST) sim_json_add_string(co, "bytes", "request");
    else if (call->bytes == MDL_BYTES_OBJECT) sim_json_add_string(co, "bytes", "object");
    else sim_json_add_double(co, "bytes", call->bytes);
    if (call->op == MDL_CALL_DDB_READ || call->op == MDL_CALL_DDB_WRITE)
        sim_json_add_double(co, "item_kb", call->item_kb);
    static const char *const k_target[MDL_CALL_COUNT] = {
        [MDL_CALL_S3_PUT] = "bucket", [MDL_CALL_SQS_SEND] = "queue",
        [MDL_CALL_LAMBDA_INVOKE] = "function", [MDL_CALL_SFN_START] = "state_machine" };
    if (call->target_name[0]) sim_json_add_string(co, k_target[call->op], call->target_name);
    if (call->key[0]) sim_json_add_string(co, "key", call->key);
    if (call->op == MDL_CALL_LAMBDA_INVOKE)
        sim_json_add_string(co, "invocation", call->sync ? "sync" : "async");
    if (call->op == MDL_CALL_SFN_START) json_object_object_add(co, "sync", json_object_new_boolean(call->sync));
    if (call->probability < 1) sim_json_add_double(co, "probability", call->probability);
    return co;
}

static json_object *write_calls(const mdl_call *calls, int n)
{
    json_object *ca = json_object_new_array();
    for (int i = 0; i < n; i++) json_object_array_add(ca, call_json(&calls[i]));
    return ca;
}

static json_object *write_fn_calls(const sim_opt *r, const void *base, const void *user)
{
    (void)r;
    (void)user;
    const mdl_function_cfg *f = base;
    return write_calls(f->calls, f->ncalls);
}

/* ---- handler time ------------------------------------------------------------- */

/* One distribution, or an array of 1 to 5 steps run one after the other
 * (Solution 1: one Lambda doing CheckImage, Resize and Grayscale): the
 * handler's time is their sum. */
static sim_status parse_warm(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                             const char *path, void *base)
{
    mdl_function_cfg *f = base;
    json_object *wa = sim_opt_value(r, obj);
    if (!wa || !json_object_is_type(wa, json_type_array)) return sim_opt_read(c, r, obj, path, base);
    char pw[512];
    sim_opt_path(pw, sizeof pw, path, r);
    size_t n = json_object_array_length(wa);
    if (n < 1 || n > 5)
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, pw, "give 1 to 5 step distributions");
    for (size_t j = 0; j < n; j++) {
        char pj[600];
        sim_json_path_index(pj, sizeof pj, pw, j);
        sim_dist *d = j == 0 ? &f->warm : &f->warm_more[f->nwarm_more++];
        SIM_TRY(sim_dist_from_json(d, c->doc, json_object_array_get_idx(wa, j), pj, c->err));
    }
    return SIM_OK;
}

static json_object *write_warm(const sim_opt *r, const void *base, const void *user)
{
    (void)r;
    (void)user;
    const mdl_function_cfg *f = base;
    if (!f->nwarm_more) return sim_dist_to_json(&f->warm);
    json_object *wa = json_object_new_array();
    json_object_array_add(wa, sim_dist_to_json(&f->warm));
    for (int k = 0; k < f->nwarm_more; k++)
        json_object_array_add(wa, sim_dist_to_json(&f->warm_more[k]));
    return wa;
}

static json_object *schema_warm(const sim_opt *r)
{
    (void)r;
    json_object *arr = json_object_new_object(), *item = json_object_new_object();
    sim_json_add_string(item, "$ref", "#/$defs/dist");
    sim_json_add_string(arr, "type", "array");
    json_object_object_add(arr, "items", item);
    sim_json_add_int(arr, "minItems", 1);
    sim_json_add_int(arr, "maxItems", 5);
    return mdl__schema_dist_or(arr);
}

static const sim_opt k_service_time_rows[] = {
    { "warm", MDL__DIST(mdl_function_cfg, warm), .flags = SIM_OPT_REQUIRED, .unit = "ms",
      .parse = parse_warm, .write = write_warm, .schema = schema_warm,
      .doc = "handler duration of a warm invocation; an array of 1 to 5 distributions sums "
             "several steps" },
    { "cold", MDL__DIST(mdl_function_cfg, cold), .flags = SIM_OPT_PRESENT,
      .has_off = offsetof(mdl_function_cfg, has_cold), .unit = "ms",
      .doc = "SimFaaS style: the whole first response of a new environment" },
};
static const sim_opt_table k_service_time =
    SIM_OPT_TABLE("service_time", k_service_time_rows, NULL);

/* Required unless a kernel gives the handler's time; then a zero warm draw
 * keeps the rest of the code uniform. */
static sim_status parse_service_time(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                     const char *path, void *base)
{
    mdl_function_cfg *f = base;
    json_object *st = NULL;
    SIM_TRY(sim_json_get_child(c->doc, obj, path, r->key, !f->has_kernel, json_type_object, &st,
                               c->err));
    if (st) return sim_opt_read(c, r, obj, path, base);
    sim_dist_deterministic(&f->warm, 0);
    return SIM_OK;
}

/* ---- the function -------------------------------------------------------------- */

/* keep_alive_s (and its jitter) set both keep-alives of the lifecycle. */
static sim_status parse_jitter(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                               const char *path, void *base)
{
    mdl_function_cfg *f = base;
    SIM_TRY(sim_opt_read(c, r, obj, path, base));
    char p[512];
    sim_opt_path(p, sizeof p, path, r);
    if (f->keep_alive_jitter_s > 0 && !f->has_keep_alive)
        SIM_JSON_FAIL(c->err, SIM_EUSAGE, c->doc, p, "keep_alive_jitter_s needs keep_alive_s");
    if (!f->has_keep_alive) return SIM_OK;
    if (f->keep_alive_jitter_s > f->keep_alive_s)
        SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, p, "jitter (%g s) exceeds keep_alive_s (%g s)",
                      f->keep_alive_jitter_s, f->keep_alive_s);
    mdl_lifecycle_set_keep_alive(&f->lc, f->keep_alive_s, f->keep_alive_jitter_s);
    return SIM_OK;
}

/* keep_alive_s or the lifecycle's own keep-alives, not both. */
static sim_status check_function(const sim_opt_ctx *c, json_object *obj, const char *path,
                                 void *base)
{
    const mdl_function_cfg *f = base;
    if (!f || !f->has_keep_alive) return SIM_OK;
    if (json_object_object_get_ex(obj, "keep_alive_lone", NULL) ||
        json_object_object_get_ex(obj, "keep_alive_pool", NULL)) {
        char p[512];
        SIM_JSON_FAIL(c->err, SIM_EUSAGE, c->doc, sim_json_path(p, sizeof p, path, "keep_alive_s"),
                      "give keep_alive_s or keep_alive_lone/keep_alive_pool, not both");
    }
    return SIM_OK;
}

/* What a Step Functions Task gets back: any JSON, kept as is. */
static sim_status parse_result(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                               const char *path, void *base)
{
    (void)c;
    (void)path;
    json_object *res = sim_opt_value(r, obj);
    if (res) ((mdl_function_cfg *)base)->result = json_object_get(res);
    return SIM_OK;
}

static json_object *write_result(const sim_opt *r, const void *base, const void *user)
{
    (void)r;
    (void)user;
    json_object *res = ((const mdl_function_cfg *)base)->result;
    return res ? json_object_get(res) : NULL;
}

static bool has_calls(const void *b) { return ((const mdl_function_cfg *)b)->ncalls > 0; }

static const sim_opt k_function_rows[] = {
    { "memory_mb", MDL__INT(mdl_function_cfg, memory_mb), .def = 128, .min = 128, .max = 10240,
      .unit = "MB", .doc = "memory size; the CPU share is memory/1769 MB vCPU" },
    { "arch", MDL__ENUM(mdl_function_cfg, arch, mdl__arch_names), .doc = "architecture (prices)" },
    { "package", MDL__FLAG(mdl_function_cfg, image_package, k_packages),
      .doc = "`zip` or a container `image` (the INIT billing rule)" },
    { "ephemeral_storage_mb", MDL__INT(mdl_function_cfg, ephemeral_storage_mb), .def = 512,
      .min = 512, .max = 10240, .unit = "MB", .doc = "/tmp size (billed above 512 MB)" },
    { "timeout_s", MDL__NUM(mdl_function_cfg, timeout_s), .def = MDL_DEFAULT_TIMEOUT_S, .min = 1, .max = 900,
      .unit = "s", .doc = "the function timeout kills the handler, billed to the timeout; the "
                          "environment is reset.  **The default is AWS's: 3 s** (set it for "
                          "any handler that may run longer)" },
    { "response_bytes", MDL__NUM(mdl_function_cfg, response_bytes), .def = 0, .min = 0,
      .max = 6291456, .unit = "B",
      .doc = "what the handler returns when the workload does not size the response (every op "
             "but a `view`); behind a Function URL or API Gateway it leaves AWS as data transfer "
             "out" },
    { "keep_alive_s", MDL__NUM(mdl_function_cfg, keep_alive_s),
      .flags = SIM_OPT_PRESENT | SIM_OPT_INPUT_ONLY, .has_off = offsetof(mdl_function_cfg,
                                                                          has_keep_alive),
      .min = 0, .max = 1e9, .def_doc = "none", .unit = "s",
      .doc = "a fixed keep-alive: sets both `keep_alive_lone` and `keep_alive_pool` (600: "
             "SimFaaS's); the effective config shows those two" },
    { "keep_alive_jitter_s", MDL__NUM(mdl_function_cfg, keep_alive_jitter_s), .def = 0, .min = 0,
      .max = 1e9, .unit = "s", .flags = SIM_OPT_INPUT_ONLY, .parse = parse_jitter,
      .doc = "with `keep_alive_s`: expiry uniform in keep-alive ± jitter (at most `keep_alive_s`)" },
    { "reuse", MDL__ENUM(mdl_function_cfg, lc.reuse, mdl__reuse_names), .flags = SIM_OPT_KEEP,
      .def_doc = "`platform`'s",
      .doc = "which idle environment serves: most or least recently used, the `newest` "
             "(SimFaaS), or at `random`" },
    MDL__LC_ROWS(offsetof(mdl_function_cfg, lc), "`platform`'s"),
    { "reserved_concurrency", MDL__INT(mdl_function_cfg, reserved_concurrency), .def = -1,
      .def_doc = "none", .min = 0, .max = 1000000,
      .doc = "reserved concurrency: the function's own cap, taken from the account's" },
    { "provisioned_concurrency", MDL__INT(mdl_function_cfg, provisioned_concurrency), .def = 0,
      .min = 0, .max = 1000000,
      .doc = "provisioned environments: always warm, serve first, billed while configured" },
    { "result", .type = SIM_OPT_ANY, .def_doc = "its input", .parse = parse_result,
      .write = write_result, .doc = "what a Step Functions Task calling this function gets back" },
    { "kernel", .type = SIM_OPT_OBJECT, .flags = SIM_OPT_KEEP, .sub = &mdl__kernel_table,
      .def_doc = "none", .parse = parse_fn_kernel, .write = write_fn_kernel,
      .doc = "the handler's time from the Lambda performance model (CPU work scaled by the "
             "vCPU share, Amdahl for threads, I/O); below the kernel's working set the "
             "invocation fails `out_of_memory`" },
    { "service_time", .type = SIM_OPT_OBJECT, .sub = &k_service_time,
      .def_doc = "required (unless `kernel`)", .parse = parse_service_time,
      .doc = "the handler's time as distributions" },
    { "init", MDL__DIST(mdl_function_cfg, init), .flags = SIM_OPT_PRESENT,
      .has_off = offsetof(mdl_function_cfg, has_init), .def_doc = "none (0)", .unit = "ms",
      .doc = "Init Duration of a cold start; without `cold`, a cold response is init + warm" },
    { "calls", .type = SIM_OPT_ARRAY, .sub = &mdl__call_table, .max_n = MDL_MAX_CALLS,
      .parse = parse_fn_calls, .write = write_fn_calls, .when = has_calls,
      .doc = "service calls of each invocation: their latency adds to its duration, their "
             "usage to the bill" },
};
const sim_opt_table mdl__function_table =
    SIM_OPT_TABLE("function", k_function_rows, check_function);

sim_status mdl__parse_functions(const sim_opt_ctx *c, const sim_opt *r, json_object *obj,
                                const char *path, void *base)
{
    mdl_config *cfg = base;
    json_object *o = NULL;
    SIM_TRY(sim_json_get_child(c->doc, obj, path, r->key, false, json_type_object, &o, c->err));
    if (!o) return SIM_OK;
    json_object_object_foreach(o, name, fo) {
        char p[512];
        snprintf(p, sizeof p, "functions.%s", name);
        if (cfg->nfn == MDL_MAX_FUNCTIONS)
            SIM_JSON_FAIL(c->err, SIM_ERANGE, c->doc, p, "at most %d functions", MDL_MAX_FUNCTIONS);
        if (!json_object_is_type(fo, json_type_object))
            SIM_JSON_FAIL(c->err, SIM_ETYPE, c->doc, p, "expected a JSON object");
        mdl_function_cfg *f = &cfg->fn[cfg->nfn++];
        memset(f, 0, sizeof *f);
        SIM_TRY(mdl__name_ok(c, p, name));
        snprintf(f->name, sizeof f->name, "%s", name);
        mdl_lifecycle_copy(&f->lc, &cfg->platform);   /* its own keys override */
        SIM_TRY(sim_opt_parse(c, &mdl__function_table, fo, p, f));
    }
    return SIM_OK;
}

json_object *mdl__write_functions(const sim_opt *r, const void *base, const void *user)
{
    (void)r;
    const mdl_config *cfg = base;
    json_object *fs = json_object_new_object();
    for (int i = 0; i < cfg->nfn; i++) {
        json_object *fo = json_object_new_object();
        sim_opt_write(&mdl__function_table, &cfg->fn[i], user, fo);
        json_object_object_add(fs, cfg->fn[i].name, fo);
    }
    return fs;
}
