/* mdl_size_oracle.c - measured durations as a sizing source (see
 * mdl_size_oracle.h): a small CSV reader and a batching sampler. */
#include "models/sizing/mdl_size_oracle.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "models/sizing/mdl_size.h"
#include "sim/sim_io.h"
#include "sim/sim_num.h"

typedef struct oracle_row {
    int memory_mb;
    double duration_ms;
    long line;
} oracle_row;

static int cmp_row(const void *a, const void *b)
{
    const oracle_row *x = a, *y = b;
    if (x->memory_mb != y->memory_mb) return x->memory_mb < y->memory_mb ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = '\0';
    return s;
}

void mdl_size_oracle_fini(mdl_size_oracle *o)
{
    free(o->dur);
    free(o->sizes);
    memset(o, 0, sizeof *o);
}

/* One data line "memory_mb,duration_ms" (trimmed, NUL-terminated). */
static sim_status parse_row(char *ln, const char *path, long line, oracle_row *row,
                            sim_error *err)
{
    char *comma = strchr(ln, ',');
    if (!comma || strchr(comma + 1, ','))
        SIM_FAIL(err, SIM_EFORMAT, path, line, NULL, "expected 2 columns: memory_mb,duration_ms");
    *comma = '\0';
    char *ms = trim(ln), *ds = trim(comma + 1);
    int64_t m;
    if (sim_num_i64(ms, strlen(ms), &m) != SIM_NUM_OK)
        SIM_FAIL(err, SIM_EPARSE, path, line, "memory_mb", "'%s' is not an integer", ms);
    if (m < MDL_SIZE_MIN_MB || m > MDL_SIZE_MAX_MB)
        SIM_FAIL(err, SIM_ERANGE, path, line, "memory_mb", "%lld MB is outside Lambda's %d-%d MB",
                 (long long)m, MDL_SIZE_MIN_MB, MDL_SIZE_MAX_MB);
    double d;
    if (sim_num_double(ds, strlen(ds), &d) != SIM_NUM_OK)
        SIM_FAIL(err, SIM_EPARSE, path, line, "duration_ms", "'%s' is not a number", ds);
    if (d <= 0)
        SIM_FAIL(err, SIM_ERANGE, path, line, "duration_ms", "a duration must be positive (got %g)", d);
    *row = (oracle_row){(int)m, d, line};
    return SIM_OK;
}

/* Every row of the text (modified in place); *n_rows == 0 is an error. */
static sim_status parse_rows(char *text, const char *path, oracle_row **out, size_t *n_rows,
                             sim_error *err)
{
    size_t cap = 256, n = 0;
    oracle_row *rows = sim_xmalloc(cap * sizeof *rows);
    sim_status st = SIM_OK;
    long line = 0;
    bool header = false;
    for (char *p = text; p && *p && st == SIM_OK;) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = '\0';
        line++;
        char *ln = trim(p);
        p = nl ? nl + 1 : NULL;
        if (*ln == '\0') continue;
        if (!header) {
            if (strcmp(ln, "memory_mb,duration_ms") != 0)
                st = SIM_ERR(err, SIM_EFORMAT, path, line, NULL,
                             "the header must be 'memory_mb,duration_ms' (got '%.60s')", ln);
            header = true;
            continue;
        }
        if (n == cap) rows = sim_xrealloc(rows, (cap *= 2) * sizeof *rows);
        if ((st = parse_row(ln, path, line, &rows[n], err)) == SIM_OK) n++;
    }
    if (st == SIM_OK && n == 0)
        st = SIM_ERR(err, SIM_EFORMAT, path, line > 0 ? line : 1, NULL,
                     header ? "no data rows after the header"
                            : "empty file (expected a header memory_mb,duration_ms and rows)");
    if (st != SIM_OK) {
        free(rows);
        return st;
    }
    *out = rows;
    *n_rows = n;
    return SIM_OK;
}

sim_status mdl_size_oracle_load(const char *path, mdl_size_oracle *o, sim_error *err)
{
    memset(o, 0, sizeof *o);
    char *text = NULL;
    size_t len = 0, n = 0;
    SIM_TRY(sim_read_file(path, &text, &len, err));
    oracle_row *rows = NULL;
    sim_status st = parse_rows(text, path, &rows, &n, err);
    free(text);
    SIM_TRY(st);
    /* Group by size; file order within a size (the sort is by line too). */
    qsort(rows, n, sizeof *rows, cmp_row);
    o->dur = sim_xmalloc(n * sizeof *o->dur);
    o->sizes = sim_xcalloc(n, sizeof *o->sizes);
    for (size_t i = 0; i < n; i++) {
        o->dur[i] = rows[i].duration_ms;
        if (i == 0 || rows[i].memory_mb != rows[i - 1].memory_mb)
            o->sizes[o->n_sizes++] = (mdl_size_oracle_size){rows[i].memory_mb, i, 0};
        o->sizes[o->n_sizes - 1].n++;
    }
    free(rows);
    if (o->n_sizes < 2) {
        int only = o->sizes[0].memory_mb;
        mdl_size_oracle_fini(o);
        SIM_FAIL(err, SIM_EFORMAT, path, 0, "memory_mb",
                 "sizing needs durations at 2 or more memory sizes (only %d MB given)", only);
    }
    return SIM_OK;
}

sim_status mdl_size_oracle_sample(void *ctx, int memory_mb, int batch, const double **d,
                                  size_t *n, sim_error *err)
{
    const mdl_size_oracle *o = ctx;
    SIM_ASSERT(batch >= 0);
    for (size_t i = 0; i < o->n_sizes; i++) {
        const mdl_size_oracle_size *z = &o->sizes[i];
        if (z->memory_mb != memory_mb) continue;
        size_t per = o->batch_rows > 0 ? (size_t)o->batch_rows : z->n;
        size_t from = (size_t)batch * per;
        *d = o->dur + z->first + (from < z->n ? from : 0);
        *n = from < z->n ? (z->n - from < per ? z->n - from : per) : 0;
        return SIM_OK;
    }
    SIM_FAIL(err, SIM_ERUN, NULL, 0, NULL, "no oracle rows at %d MB", memory_mb);
}
