/* sim_dl.h - optional libraries loaded at first use (dlopen).
 *
 * lambdasim links only the libraries every command needs; a heavy one
 * that few commands use (GNU libplot with its X11 stack for charts,
 * libxml2 with ICU for cascades) is loaded when first needed, so that
 * `--help` or `size` do not pay its loading at start-up (issue 19).  The
 * caller looks up each function it uses into a table of its own (no
 * global state here); the library stays loaded for the process
 * (RTLD_NODELETE), so a second open costs a reference and the look-ups.
 * Errors: a missing library is SIM_EUNSUPPORTED naming it, the Debian
 * package that ships it and the loader's message; a missing symbol too.
 */
#ifndef SIM_DL_H
#define SIM_DL_H

#include <stddef.h>

#include "sim/sim_status.h"

/* Symbols to look up: { name, where to store the address, its size }.  The
 * destination is a function (or variable) pointer of the caller's type. */
typedef struct sim_dl_sym {
    const char *name;
    void *dst;
    size_t size;
} sim_dl_sym;

/* dlopen `soname`, fill every entry of syms[0..n), drop the handle (the
 * library stays).  `package` and `purpose` word the error ("charts need
 * GNU libplot"); `label` is the file the error names. */
sim_status sim_dl_load(const char *soname, const char *package, const char *purpose,
                       const sim_dl_sym *syms, size_t n, const char *label, sim_error *err);

#endif /* SIM_DL_H */
