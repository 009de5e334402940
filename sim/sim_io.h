/* sim_io.h - file helpers: whole-file reads, atomic writes, directories.
 *
 * Outputs are never half-written: a file goes to "<path>.tmp.<pid>" and is
 * renamed over the target only when complete (rename is atomic on POSIX); a
 * folder of outputs (a report: summary.json, timeseries.csv, report.html,
 * report.md, charts/) is written into "<dir>.tmp.<pid>" beside the target and
 * renamed as a whole.  Every temporary is registered with sim_cleanup, so a
 * SIGINT/SIGTERM removes it too (once the command layer has installed the
 * handlers).  Errors name the file and spell out the reason ("is a
 * directory", "permission denied", "no space left on device").
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
    int reg;           /* sim_cleanup handle, -1 when none */
} sim_atomic;

/* Open a temp file beside `path`; write to a->fp. */
sim_status sim_atomic_open(sim_atomic *a, const char *path, sim_error *err);
/* Flush, close and rename into place.  On failure the temp file is removed. */
sim_status sim_atomic_commit(sim_atomic *a, sim_error *err);
/* Close and remove the temp file (safe to call twice, after commit, or on a
 * zeroed struct). */
void sim_atomic_abort(sim_atomic *a);

/* A folder written as a whole.  open creates the parent folders and the
 * temporary "<target>.tmp.<pid>"; write everything under
 * sim_atomic_dir_path(); commit renames it to target; abort removes it with
 * its contents.  When target exists it must be a folder that is empty or
 * holds a summary.json (a report lambdasim wrote), else open refuses, so a
 * mistyped --out never deletes a user's folder; commit then renames the old
 * one aside ("<target>.old.<pid>"), renames the new one in and removes the
 * old one: the target is at every moment either the old report or the new
 * one, and a signal in between puts the old one back.  Cost: a few
 * renames; the removal of the old folder is linear in its files. */
typedef struct sim_atomic_dir {
    char target[1024];
    char tmp[1100];
    char old[1100];
    int reg;           /* sim_cleanup handle of tmp, -1 when none */
    bool open;
} sim_atomic_dir;

sim_status sim_atomic_dir_open(sim_atomic_dir *d, const char *target, sim_error *err);
/* Where to write (the temporary folder). */
const char *sim_atomic_dir_path(const sim_atomic_dir *d);
sim_status sim_atomic_dir_commit(sim_atomic_dir *d, sim_error *err);
/* Remove the temporary folder (safe twice, after commit, or zeroed). */
void sim_atomic_dir_abort(sim_atomic_dir *d);

/* Open a file for reading, with the reason spelled out on failure
 * (ENOENT for a missing file, EIO otherwise, "is a directory" for one). */
sim_status sim_open_read(const char *path, FILE **fp, sim_error *err);

/* strerror(e) with a lower-case first letter, to follow a colon in our
 * messages ("cannot open: permission denied"); buf holds the text. */
const char *sim_errno_text(int e, char *buf, size_t n);

/* Flush and close stdout; a failed flush, a stream error or a failed close
 * (a full disk, a closed pipe, /dev/full) is SIM_ERUN naming "stdout". */
sim_status sim_stdout_close(sim_error *err);

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
