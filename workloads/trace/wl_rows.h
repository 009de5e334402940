/* wl_rows.h - a streaming CSV row reader with exact line numbers (internal).
 *
 * libcsv parses; this wrapper feeds it one physical line at a time so every
 * row knows its line number, and so a bad file fails fast with a precise
 * message instead of eating memory: a line longer than WL_ROWS_MAX_LINE, a
 * NUL byte, or an unterminated quote that keeps growing are errors naming
 * the file and line.  Memory is the read buffer plus the widest row, whatever
 * the file's length.  Used by the CSV trace reader and the Azure loaders.
 */
#ifndef WL_ROWS_H
#define WL_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <csv.h>

#include "sim/sim_status.h"

#define WL_ROWS_MAX_LINE ((size_t)65536)

typedef struct wl_rows {
    FILE *fp;
    char path[512];
    struct csv_parser csv;
    bool csv_ready;
    char *buf;                 /* read buffer */
    size_t buf_len, buf_pos, buf_cap;
    bool eof, finished;
    long line;                 /* physical lines consumed so far */
    /* the row being assembled / just completed */
    char *row;                 /* fields, each NUL-terminated */
    size_t row_len, row_cap;
    size_t *foff, *flen;
    size_t nfields, fcap;
    bool row_done;
    long row_line;             /* line where the completed row ended */
} wl_rows;

/* Open a file for reading.  Errors: ENOENT/EIO naming the file. */
sim_status wl_rows_open(wl_rows *r, const char *path, sim_error *err);
void wl_rows_close(wl_rows *r);

/* Read the next row; *got false at the end of the file.  Blank lines are
 * skipped (they still count in line numbers). */
sim_status wl_rows_next(wl_rows *r, bool *got, sim_error *err);

static inline const char *wl_rows_field(const wl_rows *r, size_t i)
{
    return r->row + r->foff[i];
}

static inline size_t wl_rows_field_len(const wl_rows *r, size_t i)
{
    return r->flen[i];
}

/* In the current row (a header), the field index of each of the n names:
 * col[k] for names[k].  A missing name is an EFORMAT error naming the file,
 * the line and that column. */
sim_status wl_rows_find_columns(const wl_rows *r, const char *const *names, int n, long *col,
                                sim_error *err);

/* Parse a whole field as a finite double / a non-negative integer; false
 * when the field is empty or not entirely a decimal number (sim_num.h: no
 * white space, hex, inf/nan or trailing text). */
bool wl_parse_double(const char *s, size_t len, double *out);
bool wl_parse_u64(const char *s, size_t len, unsigned long long *out);

#endif /* WL_ROWS_H */
