/* wl_rows.c - line-at-a-time feeding of libcsv (see wl_rows.h). */
#include "workloads/trace/wl_rows.h"
#include "sim/sim_io.h"
#include "sim/sim_num.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define READ_CHUNK ((size_t)1 << 16)

static void on_field(void *s, size_t len, void *data)
{
    wl_rows *r = data;
    if (r->nfields == r->fcap) {
        r->fcap = r->fcap ? 2 * r->fcap : 16;
        r->foff = sim_xrealloc(r->foff, r->fcap * sizeof *r->foff);
        r->flen = sim_xrealloc(r->flen, r->fcap * sizeof *r->flen);
    }
    if (r->row_len + len + 1 > r->row_cap) {
        size_t cap = r->row_cap ? 2 * r->row_cap : 256;
        while (cap < r->row_len + len + 1) cap *= 2;
        r->row = sim_xrealloc(r->row, cap);
        r->row_cap = cap;
    }
    if (len) memcpy(r->row + r->row_len, s, len);
    r->row[r->row_len + len] = '\0';
    r->foff[r->nfields] = r->row_len;
    r->flen[r->nfields] = len;
    r->nfields++;
    r->row_len += len + 1;
}

static void on_row(int c, void *data)
{
    (void)c;
    wl_rows *r = data;
    r->row_done = true;
    r->row_line = r->line;
}

sim_status wl_rows_open(wl_rows *r, const char *path, sim_error *err)
{
    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "%s", path);
    SIM_TRY(sim_open_read(path, &r->fp, err));
    if (csv_init(&r->csv, 0) != 0) {
        fclose(r->fp);
        r->fp = NULL;
        SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "cannot initialise the CSV parser");
    }
    r->csv_ready = true;
    r->buf_cap = READ_CHUNK + WL_ROWS_MAX_LINE + 1;
    r->buf = sim_xmalloc(r->buf_cap);
    return SIM_OK;
}

void wl_rows_close(wl_rows *r)
{
    if (!r) return;
    if (r->fp) fclose(r->fp);
    if (r->csv_ready) csv_free(&r->csv);
    free(r->buf);
    free(r->row);
    free(r->foff);
    free(r->flen);
    memset(r, 0, sizeof *r);
}

/* Make sure the buffer holds a whole line from buf_pos, reading more as
 * needed.  *seg, *seglen is that line (with its '\n' if any); *seglen 0 at
 * the end of the file. */
static sim_status next_line(wl_rows *r, const char **seg, size_t *seglen, sim_error *err)
{
    for (;;) {
        char *start = r->buf + r->buf_pos;
        size_t avail = r->buf_len - r->buf_pos;
        char *nl = avail ? memchr(start, '\n', avail) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - start) + 1;
            if (n > WL_ROWS_MAX_LINE)
                SIM_FAIL(err, SIM_EFORMAT, r->path, r->line + 1, NULL,
                         "line is longer than %zu bytes", WL_ROWS_MAX_LINE);
            *seg = start;
            *seglen = n;
            r->buf_pos += n;
            return SIM_OK;
        }
        if (avail > WL_ROWS_MAX_LINE)
            SIM_FAIL(err, SIM_EFORMAT, r->path, r->line + 1, NULL,
                     "line is longer than %zu bytes", WL_ROWS_MAX_LINE);
        if (r->eof) {
            *seg = start;
            *seglen = avail;
            r->buf_pos += avail;
            return SIM_OK;
        }
        /* Slide the partial line to the front and read another chunk. */
        memmove(r->buf, start, avail);
        r->buf_pos = 0;
        r->buf_len = avail;
        size_t got = fread(r->buf + r->buf_len, 1, r->buf_cap - r->buf_len, r->fp);
        if (got == 0) {
            if (ferror(r->fp))
                SIM_FAIL(err, SIM_EIO, r->path, r->line + 1, NULL, "read error");
            r->eof = true;
        }
        r->buf_len += got;
    }
}

sim_status wl_rows_next(wl_rows *r, bool *got, sim_error *err)
{
    *got = false;
    if (r->finished) return SIM_OK;
    r->nfields = 0;
    r->row_len = 0;
    r->row_done = false;
    for (;;) {
        const char *seg = NULL;
        size_t n = 0;
        SIM_TRY(next_line(r, &seg, &n, err));
        if (n == 0) {
            /* End of file: flush a last row that had no newline. */
            csv_fini(&r->csv, on_field, on_row, r);
            r->finished = true;
            if (r->row_done) *got = true;
            return SIM_OK;
        }
        r->line++;
        if (memchr(seg, '\0', n))
            SIM_FAIL(err, SIM_EFORMAT, r->path, r->line, NULL,
                     "NUL byte in the file (is it binary?)");
        if (csv_parse(&r->csv, seg, n, on_field, on_row, r) != n)
            SIM_FAIL(err, SIM_EPARSE, r->path, r->line, NULL, "CSV parse error: %s",
                     csv_strerror(csv_error(&r->csv)));
        /* An unterminated quote swallows lines: bound it like a long line. */
        if (r->row_len > WL_ROWS_MAX_LINE || csv_get_buffer_size(&r->csv) > 2 * WL_ROWS_MAX_LINE)
            SIM_FAIL(err, SIM_EFORMAT, r->path, r->line, NULL,
                     "record is longer than %zu bytes (unterminated quote?)",
                     WL_ROWS_MAX_LINE);
        if (r->row_done) {
            *got = true;
            return SIM_OK;
        }
    }
}

bool wl_parse_double(const char *s, size_t len, double *out)
{
    return sim_num_double(s, len, out) == SIM_NUM_OK;
}

bool wl_parse_u64(const char *s, size_t len, unsigned long long *out)
{
    uint64_t v;
    if (sim_num_u64(s, len, &v) != SIM_NUM_OK) return false;
    *out = (unsigned long long)v;
    return true;
}

sim_status wl_rows_find_columns(const wl_rows *r, const char *const *names, int n, long *col,
                                sim_error *err)
{
    for (int k = 0; k < n; k++) {
        col[k] = -1;
        for (size_t i = 0; i < r->nfields && col[k] < 0; i++)
            if (strcmp(wl_rows_field(r, i), names[k]) == 0) col[k] = (long)i;
        if (col[k] < 0)
            SIM_FAIL(err, SIM_EFORMAT, r->path, r->row_line, names[k], "missing column");
    }
    return SIM_OK;
}
