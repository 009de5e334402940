/* sim_io.h - file helpers: whole-file reads, atomic writes, directories.
 *
 * Reports are never half-written: output goes to "<path>.tmp.<pid>" and is
 * renamed over the target only when complete (rename is atomic on POSIX).
 */
#ifndef SIM_IO_H
#define SIM_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/sim_status.h"

typedef struct sim_atomic {
    FILE *fp;
    char path[1024];
    char tmp[1100];
} sim_atomic;

/* Open a temp file beside `path`; write to a->fp. */
sim_status sim_atomic_open(sim_atomic *a, const char *path, sim_error *err);
/* Flush, close and rename into place.  On failure the temp file is removed. */
sim_status sim_atomic_commit(sim_atomic *a, sim_error *err);
/* Close and remove the temp file (safe to call twice or after commit). */
void sim_atomic_abort(sim_atomic *a);

/* Write a whole buffer atomically. */
sim_status sim_write_file_atomic(const char *path, const void *data, size_t n,
                                 sim_error *err);

/* Read a whole file into a malloc'd NUL-terminated buffer (*len excludes
 * the NUL).  Errors name the file. */
sim_status sim_read_file(const char *path, char **out, size_t *len, sim_error *err);

/* mkdir -p. */
sim_status sim_mkdir_p(const char *dir, sim_error *err);

/* True when fd 2 (or 1) is a terminal: progress bars only then. */
bool sim_isatty_stderr(void);

/* Monotonic wall time in seconds; process CPU time in seconds. */
double sim_wall_seconds(void);
double sim_cpu_seconds(void);

#endif /* SIM_IO_H */
