/* mdl_sfn_internal.h - what the Step Functions files share privately.
 *
 * A definition is validated on its JSON (mdl_sfn_def.c), then compiled once
 * (mdl_sfn_compile.c) into plain structs: states with an enum type and
 * indices for Next, paths split into tokens, payload templates and
 * intrinsic calls into trees, Choice rules into operator codes.  An
 * execution (mdl_sfn_exec.c, mdl_sfn_state.c) runs on that compiled form
 * only; it never looks at the definition's JSON again.
 *
 * Runtime data are sfn_val trees (mdl_sfn_val.c): immutable JSON values,
 * reference counted, carved from a per-execution heap of size classes that
 * an execution keeps when it is recycled, so a warm execution allocates
 * nothing.  Immutability makes sharing free: ResultPath copies only the
 * spine it changes, a Parallel hands every branch the same input.  Values
 * that came from json-c keep a reference to their json-c original, so a
 * double prints with its original digits and an untouched subtree converts
 * back to json-c by reference.  Constants (a Pass Result, a template's
 * literal parts, a mock result) are immortal values owned by the machine
 * or the runner, never counted.
 *
 * Runtime failures are ASL errors (a name and a cause in mdl_sfn__fault),
 * never sim_status: a state machine may catch them.
 */
#ifndef MDL_SFN_INTERNAL_H
#define MDL_SFN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>
#include <json.h>

#include "models/stepfn/mdl_sfn.h"
#include "sim/sim_json.h"

/* ---- limits (sources in README "Step Functions") -------------------------- */

/* Step Functions' payload limit: 256 KiB of UTF-8 JSON per state input and
 * output, task result and execution input (README "Reference facts", Step Functions). */
#define SFN_PAYLOAD_MAX 262144
/* Hard quota of events in a Standard execution's history (AWS docs,
 * bp-history-limit): event 25,000 may only be ExecutionSucceeded. */
#define SFN_HISTORY_MAX 25000
/* Nesting of runtime values, Choice rules, templates and Parallel/Map
 * scopes.  AWS documents none; 1000 is Jackson's default nesting limit (an
 * assumption about AWS's Java JSON reader).  It bounds every recursion. */
#define SFN_MAX_DEPTH 1000
/* Intrinsic calls in one field, nested ones included (AWS docs, intrinsic
 * functions: "You can nest up to 10 intrinsic functions within a field"). */
#define SFN_INTR_MAX_NEST 10
/* Retrier fields (AWS docs, concepts-error-handling). */
#define SFN_INTERVAL_MAX 99999999
#define SFN_ATTEMPTS_MAX 99999999
#define SFN_MAX_DELAY_MAX 31622400
/* Nesting of Parallel/Map scopes and of Choice rules.  AWS documents no
 * limit; 100 is far beyond any real workflow and bounds the recursion of
 * validation, compilation and execution over these structures. */
#define SFN_MAX_NESTING 100
/* Retry counters kept per state: a 17th retrier never retries (as before). */
#define SFN_RETRIERS_MAX 16
/* Inline Map concurrency ceiling (README "Reference facts", Step Functions; docs state-map-inline). */
#define SFN_INLINE_MAP_MAX 40
/* Execution duration limits (README "Reference facts", Step Functions). */
#define SFN_EXPRESS_MAX_S 300.0
#define SFN_STANDARD_MAX_S (365.0 * 86400.0)

typedef struct mdl_sfn__fault {
    char error[128];
    char cause[512];
} mdl_sfn__fault;

/* Record an ASL runtime error; returns false so callers can `return`. */
bool mdl_sfn__fault_set(mdl_sfn__fault *f, const char *error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- arena: load-time memory of a machine or a runner ------------------- */

typedef struct sfn_chunk sfn_chunk;
typedef struct sfn_arena {
    sfn_chunk *head;
    char *cur;
    size_t left;
} sfn_arena;

/* Zeroed, 16-byte aligned; lives until mdl_sfn__arena_fini. */
void *mdl_sfn__arena_alloc(sfn_arena *a, size_t n);
char *mdl_sfn__arena_strndup(sfn_arena *a, const char *s, size_t n);
void mdl_sfn__arena_fini(sfn_arena *a);

/* ---- values ------------------------------------------------------------------ */

typedef enum { SV_NULL, SV_BOOL, SV_INT, SV_DBL, SV_STR, SV_ARR, SV_OBJ, SV_FREED = 0xff } sv_kind;

#define SFN_IMMORTAL UINT32_MAX
#define SFN_CLS_COUNT 8   /* heap size classes 32 B .. 4 KiB */
#define SFN_CLS_BIG 254   /* malloc'd on its own */
#define SFN_CLS_STATIC 255 /* immortal: static storage or an arena */
#define SFN_OBJ_INDEX_MIN 16 /* objects this large carry a hash index */

typedef struct sfn_val sfn_val;
typedef struct sfn_mem {
    sfn_val *key; /* a string */
    sfn_val *val;
} sfn_mem;

struct sfn_val {
    uint8_t kind;     /* sv_kind */
    uint8_t cls;      /* heap size class, SFN_CLS_BIG or SFN_CLS_STATIC */
    uint16_t depth;   /* 1 for a scalar, 1 + the deepest child (saturates) */
    uint32_t refs;    /* SFN_IMMORTAL: never counted */
    uint32_t n;       /* string bytes, array items, object members */
    uint32_t bound;   /* upper bound of the compact JSON size (saturates) */
    union {
        json_object *src; /* json-c original: held by a mortal value */
        sfn_val *next;    /* while being freed */
    } j;
    union {
        bool b;
        int64_t i;
        double d;
        const char *s;    /* NUL-terminated, n bytes */
        sfn_val **items;
        sfn_mem *mem;     /* objects with n >= SFN_OBJ_INDEX_MIN: uint32_t index after it */
    } u;
};

/* The per-execution heap: free lists by size class over 64 KiB chunks
 * that are only returned by mdl_sfn__heap_fini. */
typedef struct sfn_heap {
    sfn_val *free[SFN_CLS_COUNT]; /* linked through j.next */
    sfn_chunk *chunks;
    char *cur;
    size_t left;
    size_t live; /* values not yet freed: 0 when an execution is recycled */
} sfn_heap;

void mdl_sfn__heap_fini(sfn_heap *h);

/* Where new values go: the heap (mortal, counted) or an arena (immortal). */
typedef struct sfn_alloc {
    sfn_heap *heap;
    sfn_arena *arena;
} sfn_alloc;

static inline sfn_val *sfn_ref(sfn_val *v)
{
    if (v->refs != SFN_IMMORTAL) v->refs++;
    /* (a freed value has kind SV_FREED: mdl_sfn__unref asserts on it) */
    return v;
}
/* Free v, whose last reference is dropped: iteratively, whatever the depth. */
void mdl_sfn__unref_last(sfn_heap *h, sfn_val *v);
/* Drop a reference (NULL is fine). */
static inline void mdl_sfn__unref(sfn_heap *h, sfn_val *v)
{
    if (!v || v->refs == SFN_IMMORTAL) return;
    if (v->refs > 1) v->refs--;
    else mdl_sfn__unref_last(h, v);
}

/* Immortal constants. */
sfn_val *mdl_sfn__v_null(void);
sfn_val *mdl_sfn__v_bool(bool b);
sfn_val *mdl_sfn__v_empty_object(void);

sfn_val *mdl_sfn__v_int(sfn_alloc a, int64_t i);
/* A computed double: printed (and converted) as sim_json_double does. */
sfn_val *mdl_sfn__v_double(sfn_alloc a, double d);
/* A string copied into the value (len bytes, NUL added). */
sfn_val *mdl_sfn__v_str(sfn_alloc a, const char *s, size_t len);
/* A string of len bytes to be written by the caller (NUL already set). */
sfn_val *mdl_sfn__v_str_buf(sfn_alloc a, size_t len, char **buf);
/* Containers of n slots, filled by the caller (references taken over),
 * then sealed: mdl_sfn__v_seal computes bound, depth and the index. */
sfn_val *mdl_sfn__v_array(sfn_alloc a, uint32_t n);
sfn_val *mdl_sfn__v_object(sfn_alloc a, uint32_t n);
void mdl_sfn__v_seal(sfn_val *v);

/* json-c -> value.  Mortal values hold a json-c reference to their
 * original; immortal ones borrow it.  NULL when nested deeper than
 * SFN_MAX_DEPTH. */
sfn_val *mdl_sfn__v_from_json(sfn_alloc a, json_object *j);
/* value -> json-c (a new reference; allocates). */
json_object *mdl_sfn__v_to_json(const sfn_val *v);

/* A member of an object; NULL when absent.  `hash` is mdl_sfn__hash(key). */
sfn_val *mdl_sfn__v_get(const sfn_val *o, const char *key, uint32_t klen, uint32_t hash);
uint32_t mdl_sfn__hash(const char *s, size_t n);
/* Structural equality (numbers compare by value). */
bool mdl_sfn__v_equal(const sfn_val *a, const sfn_val *b);
/* Compact JSON as json-c writes it (JSON_C_TO_STRING_PLAIN |
 * NOSLASHESCAPE), into buf (truncated, always NUL-terminated when cap > 0);
 * returns the full length.  buf NULL: just measure. */
size_t mdl_sfn__v_write(const sfn_val *v, char *buf, size_t cap);
/* Over the payload limit (exact size computed only near the limit). */
bool mdl_sfn__v_too_big(const sfn_val *v);

static inline bool sfn_is_num(const sfn_val *v)
{
    return v->kind == SV_INT || v->kind == SV_DBL;
}
static inline double sfn_num(const sfn_val *v)
{
    return v->kind == SV_INT ? (double)v->u.i : v->u.d;
}

/* ---- paths ------------------------------------------------------------------ */

typedef enum { TK_KEY, TK_INDEX, TK_WILD } sfn_tok_kind;

typedef struct sfn_tok {
    uint8_t kind;
    uint32_t klen, hash;
    const char *key;   /* into the path text (not NUL-terminated at klen) */
    sfn_val *kv;       /* the key as an immortal string (compiled paths only) */
    int64_t index;
} sfn_tok;

typedef struct sfn_path {
    const char *text;  /* as written, for messages */
    bool ctx;          /* "$$": the context object */
    bool wild;         /* has a wildcard: the result is an array of matches */
    int n;
    sfn_tok *t;
} sfn_path;

/* An optional path field: absent, JSON null, or a path. */
typedef enum { OP_ABSENT, OP_NULL, OP_PATH } sfn_opath_mode;
typedef struct sfn_opath {
    uint8_t mode;
    sfn_path p;
} sfn_opath;

/* Compile a path ("$", "$$", ".name", "['name']", "[n]", ".*", "[*]").
 * `reference`: a Reference Path (ResultPath, Variable-free): no wildcards.
 * `a` NULL: syntax check only.  On failure `why` says what is wrong. */
bool mdl_sfn__path_compile(const char *s, bool reference, sfn_arena *a, sfn_path *out,
                           char *why, size_t wn);
/* Syntax check of a path. */
bool mdl_sfn__path_check(const char *path, bool reference, char *why, size_t n);

/* What evaluating needs besides the input: the heap and, built only when a
 * path reads it, the context object ($$). */
typedef struct sfn_env sfn_env;
struct sfn_env {
    sfn_heap *heap;
    sfn_val *(*make_ctx)(sfn_env *env); /* builds the context object */
    void *owner;                         /* for make_ctx */
    int branch;
    int64_t map_index;
    sfn_val *map_value;                  /* Map iteration item, or NULL */
    sfn_val *ctx;                        /* built lazily; see mdl_sfn__env_done */
};
sfn_val *mdl_sfn__env_ctx(sfn_env *env);
void mdl_sfn__env_done(sfn_env *env);

/* Evaluate: a new reference, or NULL with a States.Runtime fault when the
 * path matches nothing. */
sfn_val *mdl_sfn__path_get(const sfn_path *p, sfn_val *input, sfn_env *env,
                           mdl_sfn__fault *f);
/* Just "does it match" (IsPresent). */
bool mdl_sfn__path_exists(const sfn_path *p, sfn_val *input, sfn_env *env);
/* ResultPath: `value` put at the path inside `input` (the spine is copied,
 * everything else shared).  "$" replaces the input.  NULL with a
 * States.ResultPathMatchFailure fault when the path does not fit. */
sfn_val *mdl_sfn__path_put(const sfn_path *p, sfn_val *input, sfn_val *value, sfn_heap *h,
                           mdl_sfn__fault *f);

/* Parse an RFC 3339 timestamp to seconds since the epoch. */
bool mdl_sfn__timestamp_parse(const char *s, double *out);

/* ---- payload templates and intrinsic functions ------------------------------ */

typedef struct sfn_tmpl sfn_tmpl;

/* Compile a payload template (Parameters, ResultSelector, ItemSelector):
 * every "x.$" value a path or an intrinsic call.  `a` NULL: check only.
 * NULL on failure, with `where` the offending key path and `why`. */
const sfn_tmpl *mdl_sfn__tmpl_compile(json_object *tmpl, sfn_arena *a, char *where,
                                      size_t wn, char *why, size_t n);
bool mdl_sfn__tmpl_check(json_object *tmpl, char *where, size_t wn, char *why, size_t n);
/* Evaluate: a new reference, or NULL with a fault. */
sfn_val *mdl_sfn__tmpl_eval(const sfn_tmpl *t, sfn_val *input, sfn_env *env,
                            mdl_sfn__fault *f);

/* ---- the compiled machine -------------------------------------------------- */

/* State types: name and enum from one list. */
#define SFN_STATE_TYPES(X)                                                  \
    X(TASK, "Task") X(PASS, "Pass") X(WAIT, "Wait") X(CHOICE, "Choice")     \
    X(SUCCEED, "Succeed") X(FAIL, "Fail") X(PARALLEL, "Parallel") X(MAP, "Map")

typedef enum {
#define SFN__T_ENUM(id, name) SFN_T_##id,
    SFN_STATE_TYPES(SFN__T_ENUM)
#undef SFN__T_ENUM
    SFN_T_COUNT
} sfn_type;

extern const char *const mdl_sfn__type_names[SFN_T_COUNT];

/* Choice operators: X(id, name, operand, family, comparison).  The operand
 * kind drives validation, family and comparison the evaluation. */
typedef enum { OPND_STRING, OPND_NUMBER, OPND_BOOL, OPND_TIMESTAMP, OPND_PATH, OPND_TEST } sfn_opnd;
typedef enum {
    FAM_STRING, FAM_MATCH, FAM_NUMERIC, FAM_BOOLEAN, FAM_TIMESTAMP, FAM_IS_NULL,
    FAM_IS_PRESENT, FAM_IS_NUMERIC, FAM_IS_STRING, FAM_IS_BOOLEAN, FAM_IS_TIMESTAMP
} sfn_family;
typedef enum { CMP_EQ, CMP_LT, CMP_GT, CMP_LE, CMP_GE } sfn_cmp;

#define SFN_CHOICE_OPS(X)                                                              \
    X(STRING_EQ, "StringEquals", OPND_STRING, FAM_STRING, CMP_EQ)                      \
    X(STRING_LT, "StringLessThan", OPND_STRING, FAM_STRING, CMP_LT)                    \
    X(STRING_GT, "StringGreaterThan", OPND_STRING, FAM_STRING, CMP_GT)                 \
    X(STRING_LE, "StringLessThanEquals", OPND_STRING, FAM_STRING, CMP_LE)              \
    X(STRING_GE, "StringGreaterThanEquals", OPND_STRING, FAM_STRING, CMP_GE)           \
    X(STRING_MATCHES, "StringMatches", OPND_STRING, FAM_MATCH, CMP_EQ)                 \
    X(STRING_EQ_P, "StringEqualsPath", OPND_PATH, FAM_STRING, CMP_EQ)                  \
    X(STRING_LT_P, "StringLessThanPath", OPND_PATH, FAM_STRING, CMP_LT)                \
    X(STRING_GT_P, "StringGreaterThanPath", OPND_PATH, FAM_STRING, CMP_GT)             \
    X(STRING_LE_P, "StringLessThanEqualsPath", OPND_PATH, FAM_STRING, CMP_LE)          \
    X(STRING_GE_P, "StringGreaterThanEqualsPath", OPND_PATH, FAM_STRING, CMP_GE)       \
    X(NUM_EQ, "NumericEquals", OPND_NUMBER, FAM_NUMERIC, CMP_EQ)                       \
    X(NUM_LT, "NumericLessThan", OPND_NUMBER, FAM_NUMERIC, CMP_LT)                     \
    X(NUM_GT, "NumericGreaterThan", OPND_NUMBER, FAM_NUMERIC, CMP_GT)                  \
    X(NUM_LE, "NumericLessThanEquals", OPND_NUMBER, FAM_NUMERIC, CMP_LE)               \
    X(NUM_GE, "NumericGreaterThanEquals", OPND_NUMBER, FAM_NUMERIC, CMP_GE)            \
    X(NUM_EQ_P, "NumericEqualsPath", OPND_PATH, FAM_NUMERIC, CMP_EQ)                   \
    X(NUM_LT_P, "NumericLessThanPath", OPND_PATH, FAM_NUMERIC, CMP_LT)                 \
    X(NUM_GT_P, "NumericGreaterThanPath", OPND_PATH, FAM_NUMERIC, CMP_GT)              \
    X(NUM_LE_P, "NumericLessThanEqualsPath", OPND_PATH, FAM_NUMERIC, CMP_LE)           \
    X(NUM_GE_P, "NumericGreaterThanEqualsPath", OPND_PATH, FAM_NUMERIC, CMP_GE)        \
    X(BOOL_EQ, "BooleanEquals", OPND_BOOL, FAM_BOOLEAN, CMP_EQ)                        \
    X(BOOL_EQ_P, "BooleanEqualsPath", OPND_PATH, FAM_BOOLEAN, CMP_EQ)                  \
    X(TS_EQ, "TimestampEquals", OPND_TIMESTAMP, FAM_TIMESTAMP, CMP_EQ)                 \
    X(TS_LT, "TimestampLessThan", OPND_TIMESTAMP, FAM_TIMESTAMP, CMP_LT)               \
    X(TS_GT, "TimestampGreaterThan", OPND_TIMESTAMP, FAM_TIMESTAMP, CMP_GT)            \
    X(TS_LE, "TimestampLessThanEquals", OPND_TIMESTAMP, FAM_TIMESTAMP, CMP_LE)         \
    X(TS_GE, "TimestampGreaterThanEquals", OPND_TIMESTAMP, FAM_TIMESTAMP, CMP_GE)      \
    X(TS_EQ_P, "TimestampEqualsPath", OPND_PATH, FAM_TIMESTAMP, CMP_EQ)                \
    X(TS_LT_P, "TimestampLessThanPath", OPND_PATH, FAM_TIMESTAMP, CMP_LT)              \
    X(TS_GT_P, "TimestampGreaterThanPath", OPND_PATH, FAM_TIMESTAMP, CMP_GT)           \
    X(TS_LE_P, "TimestampLessThanEqualsPath", OPND_PATH, FAM_TIMESTAMP, CMP_LE)        \
    X(TS_GE_P, "TimestampGreaterThanEqualsPath", OPND_PATH, FAM_TIMESTAMP, CMP_GE)     \
    X(IS_NULL, "IsNull", OPND_TEST, FAM_IS_NULL, CMP_EQ)                               \
    X(IS_PRESENT, "IsPresent", OPND_TEST, FAM_IS_PRESENT, CMP_EQ)                      \
    X(IS_NUMERIC, "IsNumeric", OPND_TEST, FAM_IS_NUMERIC, CMP_EQ)                      \
    X(IS_STRING, "IsString", OPND_TEST, FAM_IS_STRING, CMP_EQ)                         \
    X(IS_BOOLEAN, "IsBoolean", OPND_TEST, FAM_IS_BOOLEAN, CMP_EQ)                      \
    X(IS_TIMESTAMP, "IsTimestamp", OPND_TEST, FAM_IS_TIMESTAMP, CMP_EQ)

typedef struct sfn_op_def {
    const char *name;
    sfn_opnd opnd;
    sfn_family family;
    sfn_cmp cmp;
} sfn_op_def;

/* The operator named `name`, or NULL. */
const sfn_op_def *mdl_sfn__op_find(const char *name);

typedef enum { RULE_CMP, RULE_AND, RULE_OR, RULE_NOT } sfn_rule_kind;

typedef struct sfn_rule sfn_rule;
struct sfn_rule {
    uint8_t kind;           /* sfn_rule_kind */
    const sfn_op_def *op;   /* RULE_CMP */
    sfn_path var;           /* Variable */
    sfn_path other;         /* a ...Path operator's operand */
    sfn_val *arg;           /* a literal operand (immortal) */
    double ts;              /* a Timestamp* literal, parsed */
    int n;                  /* And/Or children; Not: 1 */
    sfn_rule *sub;
    int next;               /* a top-level rule's state */
};

/* An ErrorEquals name: States.ALL and States.TaskFailed have their own
 * matching rules; any other name matches itself. */
typedef enum { ERR_NAME, ERR_ALL, ERR_TASK_FAILED } sfn_err_kind;
typedef struct sfn_errname {
    uint8_t kind;
    const char *name;
} sfn_errname;

typedef struct sfn_retrier {
    int nerr;
    sfn_errname *err;
    double interval, rate, max_delay; /* max_delay 0: none */
    int64_t max_attempts;
    bool jitter_full;
} sfn_retrier;

typedef struct sfn_catcher {
    int nerr;
    sfn_errname *err;
    int next;
    sfn_opath result_path;
} sfn_catcher;

typedef enum { WAIT_SECONDS, WAIT_TIMESTAMP, WAIT_SECONDS_PATH, WAIT_TIMESTAMP_PATH } sfn_wait_kind;

typedef struct sfn_state {
    sfn_type type;
    const char *name;
    int scope;
    int next;                       /* -1: End */
    sfn_opath input_path, output_path, result_path;
    const sfn_tmpl *parameters, *result_selector, *item_selector;
    sfn_val *result;                /* Pass: Result (immortal), or NULL */
    int nretry, ncatch;
    sfn_retrier *retry;
    sfn_catcher *catcher;
    /* Task */
    const char *resource;
    int resource_index;
    double timeout_s;               /* 0: none */
    bool has_timeout_path;
    sfn_path timeout_path;
    /* Wait */
    sfn_wait_kind wait;
    double wait_value;              /* Seconds, or Timestamp in epoch seconds */
    sfn_path wait_path;
    /* Choice */
    int nrules;
    sfn_rule *rules;
    int default_next;               /* -1: none */
    /* Fail */
    const char *error, *cause;
    bool has_error_path, has_cause_path;
    sfn_path error_path, cause_path;
    /* Parallel: branches; Map: branches[0] is the item processor */
    int nbranches;
    int *branches;                  /* scope indices */
    bool has_items_path;
    sfn_path items_path;
    int64_t max_concurrency;
} sfn_state;

/* A States object: its states are machine states [first, first + count). */
typedef struct sfn_scope {
    int start;
    int first, count;
} sfn_scope;

/* The loaded definition: the validated JSON (kept for its strings and for
 * error messages) and its compiled form. */
struct mdl_sfn_machine {
    sim_json_doc doc;
    double timeout_s;     /* top-level TimeoutSeconds, 0 = none */
    sfn_state *states;
    int nstates;
    sfn_scope *scopes;    /* scopes[0] is the top level */
    int nscopes;
    const char **resources; /* distinct Task resources, first seen first */
    int nresources;
    sfn_arena arena;      /* everything above that is not in doc */
};

/* ---- executions (mdl_sfn_exec.c: bookkeeping; mdl_sfn_state.c: states) -------- */

typedef enum {
    PH_READY, PH_INVOKE, PH_TIMER, PH_CHILDREN, PH_DONE, PH_DEAD, PH_FREE
} sfn_phase;

/* A branch: the root, one per Parallel branch and one per Map iteration.
 * Records are recycled once a branch has ended and handed its output to
 * its parent, so a Map over n items holds records for the iterations
 * running, not for all n. */
typedef struct sfn_branch {
    int state;            /* current state (machine index) */
    sfn_val *input;       /* raw input of the current state */
    sfn_val *eff;         /* effective input of a Task/Wait/Parallel/Map */
    sfn_val *output;      /* when DONE */
    sfn_phase ph;
    bool entered;         /* the current state was counted as entered */
    bool retry_timer;     /* PH_TIMER is a retry back-off, not a Wait state */
    bool doomed;          /* queued to be freed at the next safe point */
    double t;             /* this branch's clock */
    double issued_at, task_timeout;
    uint64_t req;
    int retry_count[SFN_RETRIERS_MAX];
    int parent, slot;     /* parent branch (-1 = root) and our result index */
    int gen;              /* bumped per Parallel/Map attempt: older children are stale */
    int parent_gen;
    uint32_t epoch;       /* bumped each time the record is freed */
    /* Parallel/Map while PH_CHILDREN */
    sfn_val *results;     /* unsealed array being filled */
    sfn_val *items;       /* Map: the items (NULL for a Parallel) */
    size_t next_item, left, running, max_conc;
} sfn_branch;

typedef struct sfn_ready {
    int bi;
    uint32_t epoch;
} sfn_ready;

struct mdl_sfn_exec {
    const mdl_sfn_machine *m;
    mdl_sfn_options opt;
    mdl_sfn_exec *next_free;  /* in its pool */
    sfn_heap heap;
    gsl_rng *rng;             /* FULL jitter; seeded on first use */
    bool rng_seeded;
    json_object *input_json;  /* the execution input (a reference) */
    sfn_val *input;
    sfn_val *ctx_execution;   /* $$.Execution, built on first use */
    sfn_branch *b;
    int nb, cap;
    int free_head;            /* free records, linked through slot */
    int *doomed;              /* records to free at the next safe point */
    int ndoomed, capdoomed;
    mdl_sfn_request *q;
    size_t qhead, qn, qcap;
    sfn_ready *ready;         /* FIFO of branches made READY */
    size_t rhead, rn, rcap;
    uint64_t next_id, transitions, invocations, events;
    mdl_sfn_status status;
    sfn_val *output;
    json_object *output_json; /* built on first mdl_sfn_exec_output */
    char error[128], cause[512];
    double end, deadline, timeout_s, t_freed;
    double state_lat, task_lat; /* the options' latencies, floored */
};

/* Bookkeeping (mdl_sfn_exec.c). */
void mdl_sfn__mark_ready(mdl_sfn_exec *e, int bi);
int mdl_sfn__branch_new(mdl_sfn_exec *e, int scope, sfn_val *input, int parent, int slot,
                        double t);
uint64_t mdl_sfn__request(mdl_sfn_exec *e, int bi, mdl_sfn_req_kind kind, double at,
                          double timeout_s);
/* Branch bi ended: with b->output (error NULL) or failed. */
void mdl_sfn__branch_done(mdl_sfn_exec *e, int bi, const char *error, const char *cause);
void mdl_sfn__kill_children(mdl_sfn_exec *e, int bi);
/* Count n history events (Standard only).  False when the 25,000-event
 * limit ended the execution: the caller stops. */
bool mdl_sfn__history(mdl_sfn_exec *e, int bi, unsigned n);
/* An evaluation environment for branch bi (no context object built yet). */
void mdl_sfn__env_init(mdl_sfn_exec *e, int bi, sfn_env *env);
/* mdl_sfn_exec_resume_result with a value that outlives the execution (an
 * immortal one: a runner's converted mock). */
void mdl_sfn__resume_value(mdl_sfn_exec *e, uint64_t id, double now, sfn_val *v);
/* A random number in [0, 1) from the stream "sfn/jitter". */
double mdl_sfn__jitter(mdl_sfn_exec *e);

/* States (mdl_sfn_state.c). */
void mdl_sfn__run_branch(mdl_sfn_exec *e, int bi);
/* The work of a Task/Parallel/Map/Pass produced `result` (taken over). */
void mdl_sfn__state_result(mdl_sfn_exec *e, int bi, sfn_val *result);
/* Go to Next or end the branch with `output` (taken over). */
void mdl_sfn__state_advance(mdl_sfn_exec *e, int bi, sfn_val *output);
void mdl_sfn__state_error(mdl_sfn_exec *e, int bi, const char *error, const char *cause);
/* OutputPath applied to v (a new reference), or NULL with a fault. */
sfn_val *mdl_sfn__output_path(mdl_sfn_exec *e, int bi, sfn_val *v, mdl_sfn__fault *f);
/* Start the Map iterations that MaxConcurrency allows. */
void mdl_sfn__spawn_items(mdl_sfn_exec *e, int bi);

/* Validate a definition (mdl_sfn_def.c). */
sim_status mdl_sfn__validate(mdl_sfn_machine *m, sim_error *err);
/* Compile a validated definition (mdl_sfn_compile.c). */
void mdl_sfn__compile(mdl_sfn_machine *m);

#endif /* MDL_SFN_INTERNAL_H */
