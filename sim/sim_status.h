/* sim_status.h - status codes, error records and assertions for lambdasim.
 *
 * Two kinds of failure, treated differently on purpose (cimba, GSL):
 *  - Bad input (a malformed file, an out-of-range value) is the user's to fix.
 *    Fallible functions return a sim_status and fill a caller-owned sim_error
 *    naming the input file, line and field.  SIM_FAIL/sim_error_set is the one
 *    choke point: put a breakpoint on sim_error_set to catch every error.
 *  - A broken contract inside the program (scheduling into the past, a NULL
 *    engine) is a bug.  SIM_ASSERT aborts, printing file, line, the expression
 *    and the simulated time, so the bug gets fixed rather than "handled".
 *
 * The status list is an X-macro so codes and messages cannot drift apart
 * (libuv UV_ERRNO_MAP).
 */
#ifndef SIM_STATUS_H
#define SIM_STATUS_H

#include <stddef.h>
#include <stdio.h>

#define SIM_STATUS_LIST(X)                                   \
    X(OK,          "ok")                                     \
    X(ENOMEM,      "out of memory")                          \
    X(EIO,         "I/O error")                              \
    X(ENOENT,      "no such file")                           \
    X(EPARSE,      "parse error")                            \
    X(EFORMAT,     "bad format")                             \
    X(ERANGE,      "value out of range")                     \
    X(EMISSING,    "missing value")                          \
    X(EUNKNOWN,    "unknown key or name")                    \
    X(ETYPE,       "wrong type")                             \
    X(EUSAGE,      "bad usage")                              \
    X(ENUMERIC,    "numerical failure")                      \
    X(EUNSUPPORTED,"not supported")                          \
    X(ERUN,        "run failed")

typedef enum {
#define SIM__STATUS_ENUM(name, msg) SIM_##name,
    SIM_STATUS_LIST(SIM__STATUS_ENUM)
#undef SIM__STATUS_ENUM
    SIM_STATUS_COUNT
} sim_status;

/* sim_strerror - the fixed message of a status; never NULL, owned by us. */
const char *sim_strerror(sim_status s);

/* Exit code of the CLI for a status: 0 ok, 1 run failed, 2 bad input/usage. */
int sim_status_exit_code(sim_status s);

/* A caller-owned error record.  `input` is the user's file (or "-", or ""),
 * `line` its 1-based line (0 = unknown), `field` a JSON path or column name.
 * `src_file`/`src_line` say where in our code the error was raised. */
typedef struct sim_error {
    sim_status code;
    char input[512];
    long line;
    char field[256];
    char msg[1024];
    const char *src_file;
    int src_line;
} sim_error;

/* sim_error_clear - reset to SIM_OK. */
void sim_error_clear(sim_error *err);

/* sim_error_set - the single choke point that records an error.  Any of
 * input/field may be NULL.  Returns `code` so callers can `return` it.
 * `err` may be NULL (the error is then dropped). */
sim_status sim_error_set(sim_error *err, sim_status code,
                         const char *src_file, int src_line,
                         const char *input, long line, const char *field,
                         const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* sim_error_print - "lambdasim: <file>:<line>[:<field>]: <message>" to fp. */
void sim_error_print(const sim_error *err, FILE *fp);

/* sim_error_format - the same text into buf (no "lambdasim: " prefix). */
void sim_error_format(const sim_error *err, char *buf, size_t n);

/* Record an error with our source location and return its code. */
#define SIM_FAIL(err, code, input, line, field, ...)                        \
    return sim_error_set((err), (code), __FILE__, __LINE__, (input), (line), \
                         (field), __VA_ARGS__)

#define SIM_ERR(err, code, input, line, field, ...)                         \
    sim_error_set((err), (code), __FILE__, __LINE__, (input), (line),       \
                  (field), __VA_ARGS__)

/* Try an expression returning sim_status; return it on failure. */
#define SIM_TRY(expr)                                                       \
    do { sim_status sim__s = (expr); if (sim__s != SIM_OK) return sim__s; } \
    while (0)

/* ---- assertions ------------------------------------------------------ */

/* sim_assert_failed - print and abort.  `now` is the simulated time in
 * seconds, or NaN when no engine is at hand. Never returns. */
void sim_assert_failed(const char *file, int line, const char *func,
                       const char *expr, double now) __attribute__((noreturn));

/* SIM_ASSERT_AT(now, cond): active in every build (contract checks). */
#define SIM_ASSERT_AT(now, cond)                                            \
    ((cond) ? (void)0                                                       \
            : sim_assert_failed(__FILE__, __LINE__, __func__, #cond, (now)))

/* SIM_ASSERT(cond): for code with no simulated clock at hand. */
#define SIM_ASSERT(cond) SIM_ASSERT_AT(sim__nan(), cond)

/* SIM_DEBUG_ASSERT: expensive invariant checks, compiled out by NDEBUG. */
#ifdef NDEBUG
#define SIM_DEBUG_ASSERT_AT(now, cond) ((void)0)
#else
#define SIM_DEBUG_ASSERT_AT(now, cond) SIM_ASSERT_AT(now, cond)
#endif

double sim__nan(void);

/* ---- allocation -------------------------------------------------------- */

/* sim_xmalloc & co. abort with the size on out-of-memory (redis zmalloc),
 * so callers never test for NULL. */
void *sim_xmalloc(size_t n);
void *sim_xcalloc(size_t count, size_t size);
void *sim_xrealloc(void *p, size_t n);
char *sim_xstrdup(const char *s);

#endif /* SIM_STATUS_H */
