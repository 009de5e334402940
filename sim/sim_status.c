/* sim_status.c - status messages, the error choke point, asserts, xmalloc. */
#include "sim/sim_status.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const k_messages[SIM_STATUS_COUNT] = {
#define SIM__STATUS_MSG(name, msg) msg,
    SIM_STATUS_LIST(SIM__STATUS_MSG)
#undef SIM__STATUS_MSG
};

const char *sim_strerror(sim_status s)
{
    if ((int)s < 0 || s >= SIM_STATUS_COUNT)
        return "unknown status";
    return k_messages[s];
}

int sim_status_exit_code(sim_status s)
{
    switch (s) {
    case SIM_OK:     return 0;
    case SIM_ERUN:
    case SIM_ENOMEM:
    case SIM_ENUMERIC: return 1;
    default:         return 2;
    }
}

void sim_error_clear(sim_error *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->code = SIM_OK;
}

sim_status sim_error_set(sim_error *err, sim_status code,
                         const char *src_file, int src_line,
                         const char *input, long line, const char *field,
                         const char *fmt, ...)
{
    /* Breakpoint here to see every error as it is raised. */
    if (!err)
        return code;
    err->code = code;
    err->src_file = src_file;
    err->src_line = src_line;
    snprintf(err->input, sizeof err->input, "%s", input ? input : "");
    err->line = line;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

void sim_error_format(const sim_error *err, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
#define SIM__APPEND(...)                                                     \
    do {                                                                     \
        if (used < n) {                                                      \
            int k = snprintf(buf + used, n - used, __VA_ARGS__);             \
            if (k > 0) used += (size_t)k;                                    \
        }                                                                    \
    } while (0)
    if (err->input[0]) {
        SIM__APPEND("%s", err->input);
        if (err->line > 0)
            SIM__APPEND(":%ld", err->line);
        if (err->field[0])
            SIM__APPEND(":%s", err->field);
        SIM__APPEND(": ");
    } else if (err->field[0]) {
        SIM__APPEND("%s: ", err->field);
    }
    SIM__APPEND("%s", err->msg[0] ? err->msg : sim_strerror(err->code));
#undef SIM__APPEND
}

void sim_error_print(const sim_error *err, FILE *fp)
{
    char buf[2048];
    sim_error_format(err, buf, sizeof buf);
    fprintf(fp, "lambdasim: %s\n", buf);
}

double sim__nan(void) { return NAN; }

void sim_assert_failed(const char *file, int line, const char *func,
                       const char *expr, double now)
{
    fflush(stdout);
    if (isnan(now))
        fprintf(stderr, "lambdasim: assertion failed at %s:%d in %s(): %s\n",
                file, line, func, expr);
    else
        fprintf(stderr,
                "lambdasim: assertion failed at %s:%d in %s(): %s "
                "[sim time %.9g s]\n", file, line, func, expr, now);
    fflush(stderr);
    abort();
}

static void oom(size_t n)
{
    fprintf(stderr, "lambdasim: out of memory allocating %zu bytes\n", n);
    fflush(stderr);
    abort();
}

void *sim_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *sim_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) oom(count * size);
    return p;
}

void *sim_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *sim_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = sim_xmalloc(n);
    memcpy(p, s, n);
    return p;
}
