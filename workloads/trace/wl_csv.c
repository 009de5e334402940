/* wl_csv.c - our CSV trace: streaming reader (a wl_source) and writer.
 *
 * The reader validates every row as it goes, so a simulator fed a bad file
 * stops at the first bad line with FILE:LINE:COLUMN rather than simulating
 * garbage.  Per row it costs one libcsv pass over the line, a strtod for the
 * time and a hash look-up for the function name; nothing allocates after
 * the first rows (buffers only grow to the widest row).
 */
#include "workloads/trace/wl_csv.h"
#include "workloads/trace/wl_rows.h"
#include "workloads/trace/wl_source_impl.h"
#include "sim/sim_io.h"

#include <errno.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { COL_T, COL_OP, COL_KEY, COL_BYTES, COL_FUNCTION, COL_DURATION, COL_MEMORY, COL_N };

static const char *const k_col_names[COL_N] = {
    "timestamp_s", "op", "key", "bytes", "function", "duration_ms", "memory_mb"
};

typedef struct csv_source {
    wl_source base;
    wl_rows rows;
    long col[COL_N];          /* field index of each known column, -1 absent */
    size_t ncols;             /* columns in the header */
    double last_t;
} csv_source;

static void csv_fini_impl(wl_source *src)
{
    csv_source *c = (csv_source *)src;
    wl_rows_close(&c->rows);
}

static bool csv_next(wl_source *src, wl_arrival *out, sim_error *err)
{
    csv_source *c = (csv_source *)src;
    wl_rows *r = &c->rows;
    bool got;
    if (wl_rows_next(r, &got, err) != SIM_OK || !got) return false;
    const char *path = r->path;
    long line = r->row_line;
    if (r->nfields < c->ncols) {
        /* Name the first missing column the header promised. */
        const char *name = "?";
        for (int k = 0; k < COL_N; k++)
            if (c->col[k] == (long)r->nfields) name = k_col_names[k];
        SIM_ERR(err, SIM_EFORMAT, path, line, name,
                "missing column: the row has %zu fields, the header %zu",
                r->nfields, c->ncols);
        return false;
    }
    if (r->nfields > c->ncols) {
        SIM_ERR(err, SIM_EFORMAT, path, line, NULL,
                "the row has %zu fields, the header only %zu", r->nfields, c->ncols);
        return false;
    }
    const char *s = wl_rows_field(r, COL_T);
    size_t n = wl_rows_field_len(r, COL_T);
    double t;
    if (!wl_parse_double(s, n, &t)) {
        SIM_ERR(err, SIM_EFORMAT, path, line, "timestamp_s", "'%.40s' is not a number", s);
        return false;
    }
    if (t < 0) {
        SIM_ERR(err, SIM_ERANGE, path, line, "timestamp_s", "timestamp %g is negative", t);
        return false;
    }
    if (t < c->last_t) {
        SIM_ERR(err, SIM_EFORMAT, path, line, "timestamp_s",
                "timestamp %.17g is before the previous row's %.17g (traces must be sorted by time)",
                t, c->last_t);
        return false;
    }
    c->last_t = t;
    out->t_s = t;

    s = wl_rows_field(r, COL_OP);
    if (!wl_op_parse(s, wl_rows_field_len(r, COL_OP), &out->op)) {
        SIM_ERR(err, SIM_EFORMAT, path, line, "op",
                "unknown op '%.40s' (upload, view, delete, list, invoke)", s);
        return false;
    }
    out->key = wl_rows_field(r, COL_KEY);
    out->key_len = wl_rows_field_len(r, COL_KEY);

    unsigned long long bytes = 0;
    s = wl_rows_field(r, COL_BYTES);
    n = wl_rows_field_len(r, COL_BYTES);
    if (n && !wl_parse_u64(s, n, &bytes)) {
        SIM_ERR(err, SIM_EFORMAT, path, line, "bytes",
                "'%.40s' is not a non-negative integer", s);
        return false;
    }
    out->bytes = bytes;

    out->function = WL_NO_FUNCTION;
    if (c->col[COL_FUNCTION] >= 0) {
        size_t i = (size_t)c->col[COL_FUNCTION];
        if (wl_rows_field_len(r, i))
            out->function = wl_names_intern(&src->names, wl_rows_field(r, i),
                                            wl_rows_field_len(r, i));
    }
    for (int k = COL_DURATION; k <= COL_MEMORY; k++) {
        double v = NAN;
        if (c->col[k] >= 0) {
            size_t i = (size_t)c->col[k];
            s = wl_rows_field(r, i);
            n = wl_rows_field_len(r, i);
            if (n && (!wl_parse_double(s, n, &v) || v < 0)) {
                SIM_ERR(err, SIM_EFORMAT, path, line, k_col_names[k],
                        "'%.40s' is not a non-negative number", s);
                return false;
            }
        }
        if (k == COL_DURATION) out->duration_ms = v; else out->memory_mb = v;
    }
    return true;
}

static const wl_source_vt k_csv_vt = { csv_next, csv_fini_impl };

sim_status wl_csv_source_open(wl_source **out, const char *path, sim_error *err)
{
    *out = NULL;
    csv_source *c = sim_xcalloc(1, sizeof *c);
    char label[600];
    snprintf(label, sizeof label, "csv:%s", path);
    wl_source_base_init(&c->base, &k_csv_vt, label);
    sim_status s = wl_rows_open(&c->rows, path, err);
    if (s != SIM_OK) {
        wl_source_destroy(&c->base);
        return s;
    }
    bool got;
    s = wl_rows_next(&c->rows, &got, err);
    if (s == SIM_OK && !got)
        s = SIM_ERR(err, SIM_EFORMAT, path, 1, NULL,
                    "empty trace: expected the header timestamp_s,op,key,bytes");
    if (s == SIM_OK) {
        wl_rows *r = &c->rows;
        for (int k = 0; k < COL_N; k++) c->col[k] = -1;
        for (size_t i = 0; i < r->nfields && s == SIM_OK; i++) {
            const char *f = wl_rows_field(r, i);
            if (i < 4) {
                if (strcmp(f, k_col_names[i]) != 0)
                    s = SIM_ERR(err, SIM_EFORMAT, path, r->row_line, k_col_names[i],
                                "header column %zu is '%.40s', expected '%s' "
                                "(the header starts timestamp_s,op,key,bytes)",
                                i + 1, f, k_col_names[i]);
                c->col[i] = (long)i;
                continue;
            }
            for (int k = COL_FUNCTION; k < COL_N; k++)
                if (strcmp(f, k_col_names[k]) == 0) {
                    if (c->col[k] >= 0)
                        s = SIM_ERR(err, SIM_EFORMAT, path, r->row_line, f,
                                    "column '%s' appears twice", f);
                    c->col[k] = (long)i;
                }
        }
        if (s == SIM_OK && r->nfields < 4)
            s = SIM_ERR(err, SIM_EFORMAT, path, r->row_line, k_col_names[r->nfields],
                        "missing column '%s' in the header (it starts timestamp_s,op,key,bytes)",
                        k_col_names[r->nfields]);
        c->ncols = r->nfields;
    }
    if (s != SIM_OK) {
        wl_source_destroy(&c->base);
        return s;
    }
    *out = &c->base;
    return SIM_OK;
}

/* ---- writer ------------------------------------------------------------ */

void wl_csv_write_header(FILE *fp)
{
    fputs("timestamp_s,op,key,bytes,function,duration_ms,memory_mb\n", fp);
}

static void write_field(FILE *fp, const char *s, size_t n)
{
    if (n && strcspn(s, ",\"\r\n") >= n) {
        fwrite(s, 1, n, fp);
        return;
    }
    if (!n) return;
    fputc('"', fp);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') fputc('"', fp);
        fputc(s[i], fp);
    }
    fputc('"', fp);
}

void wl_csv_write_arrival(FILE *fp, const wl_source *src, const wl_arrival *a)
{
    fprintf(fp, "%.6f,%s,", a->t_s, wl_op_name(a->op));
    write_field(fp, a->key, a->key_len);
    fprintf(fp, ",%llu,", (unsigned long long)a->bytes);
    if (a->function != WL_NO_FUNCTION) {
        const char *f = wl_source_function_name(src, a->function);
        if (f) write_field(fp, f, strlen(f));
    }
    fputc(',', fp);
    if (!isnan(a->duration_ms)) fprintf(fp, "%.3f", a->duration_ms);
    fputc(',', fp);
    if (!isnan(a->memory_mb)) fprintf(fp, "%g", a->memory_mb);
    fputc('\n', fp);
}

sim_status wl_csv_write_source(FILE *fp, wl_source *src, unsigned long long *rows,
                               sim_error *err)
{
    unsigned long long n = 0;
    char why[128];
    wl_arrival a;
    wl_csv_write_header(fp);
    while (wl_source_next(src, &a)) {
        wl_csv_write_arrival(fp, src, &a);
        /* A full disk or a closed pipe stops the drain within 4096 rows,
         * rather than generating gigabytes into nowhere. */
        if ((++n & 4095) == 0 && ferror(fp)) break;
    }
    /* The failing writes keep setting errno, so it still says why. */
    if (ferror(fp))
        return SIM_ERR(err, SIM_EIO, NULL, 0, NULL, "write failed after %llu rows: %s", n,
                       sim_errno_text(errno, why, sizeof why));
    if (rows) *rows = n;
    return wl_source_status(src, err);
}
