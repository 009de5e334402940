/* sim_dl.c - dlopen an optional library and look its symbols up. */
#include "sim/sim_dl.h"

#include <dlfcn.h>
#include <string.h>

sim_status sim_dl_load(const char *soname, const char *package, const char *purpose,
                       const sim_dl_sym *syms, size_t n, const char *label, sim_error *err)
{
    SIM_ASSERT(soname && package && purpose && (syms || n == 0));
    void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!lib) {
        const char *why = dlerror();
        SIM_FAIL(err, SIM_EUNSUPPORTED, label, 0, NULL, "%s (%s, Debian package %s): %s",
                 purpose, soname, package, why ? why : "cannot load it");
    }
    const char *missing = NULL;
    for (size_t i = 0; i < n && !missing; i++) {
        void *addr = dlsym(lib, syms[i].name);
        /* POSIX: a data pointer from dlsym converts to a function pointer;
         * memcpy keeps ISO C's conversion rules out of it. */
        SIM_ASSERT(syms[i].size == sizeof addr);
        if (addr) memcpy(syms[i].dst, &addr, sizeof addr);
        else missing = syms[i].name;
    }
    dlclose(lib);   /* NODELETE: only this reference goes */
    if (missing)
        SIM_FAIL(err, SIM_EUNSUPPORTED, label, 0, NULL, "%s: %s has no %s (another version?)",
                 purpose, soname, missing);
    return SIM_OK;
}
