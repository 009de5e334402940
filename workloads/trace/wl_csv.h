/* wl_csv.h - lambdasim's own trace format: one request per CSV row.
 *
 *   timestamp_s,op,key,bytes[,function][,duration_ms][,memory_mb][,...]
 *
 * The header row is required and names the columns; the first four are
 * fixed, the optional ones are found by name and any other column is
 * ignored.  Timestamps are seconds (>= 0) and must not decrease.  See the
 * README section "Workloads and traces" for the full rules.
 *
 * Reading streams through wl_rows (one line at a time, constant memory) and
 * reports bad input as FILE:LINE:COLUMN.  Writing quotes keys only when
 * they need it and prints times with microsecond resolution, so converted
 * traces are byte-identical for the same seed.
 */
#ifndef WL_CSV_H
#define WL_CSV_H

#include <stdio.h>

#include "workloads/trace/wl_source.h"

/* Open a CSV trace and read its header.  Errors in the header (empty file,
 * wrong columns) are returned here; errors in rows come from
 * wl_source_status once wl_source_next returns false. */
sim_status wl_csv_source_open(wl_source **out, const char *path, sim_error *err);

/* Write the header row of the format we emit (all optional columns). */
void wl_csv_write_header(FILE *fp);
/* Write one arrival; `src` names its function. */
void wl_csv_write_arrival(FILE *fp, const wl_source *src, const wl_arrival *a);

/* Drain `src` into fp (header included).  Returns the source's status;
 * *rows gets the number of arrivals written (may be NULL). */
sim_status wl_csv_write_source(FILE *fp, wl_source *src, unsigned long long *rows,
                               sim_error *err);

#endif /* WL_CSV_H */
