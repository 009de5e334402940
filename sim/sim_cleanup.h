/* sim_cleanup.h - temporary outputs removed when a signal ends the process.
 *
 * Why process-wide state, against the "no mutable globals" rule: a signal
 * handler receives no context argument, so what it must undo has to be
 * reachable from a static.  This module is the only such state in lambdasim,
 * and it holds nothing but a fixed table of paths our writers created and
 * have not finished (the "<out>.tmp.<pid>" files of sim_atomic, the
 * "<dir>.tmp.<pid>" folders of sim_atomic_dir, a report folder renamed aside
 * during a replace).  sim_io registers and releases entries; the command
 * layer (reports/cli/rpt_main.c) installs the handlers once, first thing.
 *
 * On SIGINT, SIGTERM or SIGHUP the handler removes every live entry (files
 * unlinked, folders removed with their contents, a folder set aside renamed
 * back), writes "lambdasim: interrupted by SIGINT; temporary outputs removed"
 * to stderr and ends the process with 128 + the signal number (130, 143,
 * 129), as shells report a death by signal.  SIGPIPE (stdout's reader went
 * away) cleans up the same way and exits 141 without a message.
 *
 * Async-signal safety: the handler calls only unlink, rmdir, rename, open,
 * openat, unlinkat, close, lseek, write and _exit (POSIX.1-2008 lists them all
 * as async-signal-safe) plus getdents64, Linux's raw directory-read system
 * call (no lock, no allocation), to empty folders.  The table takes no lock:
 * each slot carries an atomic generation count, odd while its path is being
 * written, and the handler skips a slot whose count is odd or changes while
 * it copies the path (a seqlock), so threads may register concurrently.
 *
 * Cost: registering copies one path into a free slot (a scan of at most
 * SIM_CLEANUP_SLOTS); nothing runs on the hot path.  Limits: with more than
 * SIM_CLEANUP_SLOTS temporaries open at once the extra ones are not covered
 * (sim_cleanup_add returns -1; normal error paths still remove them);
 * folders nested deeper than SIM_CLEANUP_MAX_DEPTH inside a temporary
 * folder are left.  SIGKILL cannot be caught: a killed -9 run may leave
 * "*.tmp.<pid>" behind.
 */
#ifndef SIM_CLEANUP_H
#define SIM_CLEANUP_H

#include <stdbool.h>

#define SIM_CLEANUP_SLOTS 128
#define SIM_CLEANUP_PATH 1200
#define SIM_CLEANUP_MAX_DEPTH 16

typedef enum {
    SIM_CLEANUP_FILE,      /* unlink the path */
    SIM_CLEANUP_TREE,      /* remove the folder and everything in it */
    SIM_CLEANUP_RESTORE    /* rename path back to path2; if path2 is taken
                            * already, remove path as a tree */
} sim_cleanup_kind;

/* Install the handlers for SIGINT, SIGTERM, SIGHUP and SIGPIPE.  Call once,
 * from the command layer, before any output is opened. */
void sim_cleanup_install(void);

/* Register a temporary; path2 only for RESTORE (else NULL).  Returns a
 * handle for sim_cleanup_release, or -1 when the table is full or a path
 * is too long (the temporary is then not covered by the handler). */
int sim_cleanup_add(sim_cleanup_kind kind, const char *path, const char *path2);

/* Forget an entry (the temporary was renamed into place or removed).
 * -1 is a no-op. */
void sim_cleanup_release(int handle);

/* Remove a file or a folder tree, bounded by SIM_CLEANUP_MAX_DEPTH and
 * without allocating (the handler's own routine; sim_atomic_dir_abort uses
 * it too, so the same code is exercised by ordinary failures).  Returns 0
 * when the path is gone, -1 otherwise (errno set). */
int sim_cleanup_remove_tree(const char *path);

#endif /* SIM_CLEANUP_H */
