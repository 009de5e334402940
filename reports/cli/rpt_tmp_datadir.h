/* rpt_tmp_datadir.h - TEMPORARY (issue 14): which folder the bundled data
 * (data/ in the repository, $(PREFIX)/share/lambdasim once installed) is read
 * from, for `demo` and `size --kernel`.
 *
 * A stand-in until the data-directory resolver of the config branch
 * (reports/cli/rpt_cli_data.c) is merged: the coordinator deletes this file
 * and points its two callers (rpt_cmd_demo.c, rpt_cmd_size.c) and the
 * Makefile's DATADIR_OBJ at that one.  Same order as it: `--data DIR` when
 * given, else $LAMBDASIM_DATA when set, else LAMBDASIM_DATADIR (compiled in,
 * $(PREFIX)/share/lambdasim) when it holds `probe`, else ./data.  An
 * explicit choice is used as given, so a wrong one fails naming its path.
 *
 * Returns a string of static lifetime (the option, the environment or a
 * literal); never NULL.  Reads the environment: command layer only.
 */
#ifndef RPT_TMP_DATADIR_H
#define RPT_TMP_DATADIR_H

/* opt: the --data value or NULL; probe: a file relative to the data folder
 * (e.g. "architectures/gallery_sync.json") that tells an installed folder
 * from a stale or absent one. */
const char *rpt_tmp_datadir(const char *opt, const char *probe);

#endif /* RPT_TMP_DATADIR_H */
