/* wl_source_impl.h - what a source implementation sees (not for callers).
 *
 * A source implementation embeds `wl_source` as its first member and fills
 * the vtable; wl_source.c does the bookkeeping every source shares: the
 * sticky error, the end-of-stream latch and the interned function names.
 * Names live in an open-addressing hash table of offsets into one growing
 * character arena, so interning costs no allocation per name.
 */
#ifndef WL_SOURCE_IMPL_H
#define WL_SOURCE_IMPL_H

#include "workloads/trace/wl_source.h"

typedef struct wl_names {
    char *arena;           /* NUL-separated names */
    size_t arena_len, arena_cap;
    size_t *offsets;       /* offsets[i] = start of name i in arena */
    uint32_t count, cap;
    uint32_t *slots;       /* hash table of index+1 (0 = empty) */
    uint32_t nslots;       /* power of two */
} wl_names;

void wl_names_init(wl_names *n);
void wl_names_fini(wl_names *n);
/* The index of name[0..len); a new index when first seen. */
uint32_t wl_names_intern(wl_names *n, const char *name, size_t len);
/* The index of name, or WL_NO_FUNCTION when it was never interned. */
uint32_t wl_names_find(const wl_names *n, const char *name, size_t len);
const char *wl_names_get(const wl_names *n, uint32_t i);

typedef struct wl_source_vt {
    /* Fill *out and return true, or return false at the end; on error
     * fill err (err->code != SIM_OK) and return false. */
    bool (*next)(wl_source *src, wl_arrival *out, sim_error *err);
    /* Free the implementation's own state (not the base). */
    void (*fini)(wl_source *src);
} wl_source_vt;

struct wl_source {
    const wl_source_vt *vt;
    bool done;
    sim_error err;
    wl_names names;
    char label[600];
};

/* Initialise the base part of a freshly allocated implementation. */
void wl_source_base_init(wl_source *src, const wl_source_vt *vt, const char *label);

#endif /* WL_SOURCE_IMPL_H */
