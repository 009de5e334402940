/* wl_source.c - bookkeeping shared by every arrival source.
 *
 * The error is sticky and the end latches: once next() has returned false
 * it keeps returning false, so a simulator that asks again after the end
 * cannot read past a failure.
 */
#include "workloads/trace/wl_source_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const k_op_names[] = {
#define WL__OP_NAME(name, str) str,
    WL_OP_LIST(WL__OP_NAME)
#undef WL__OP_NAME
};

const char *wl_op_name(wl_op op)
{
    return (unsigned)op < WL_OP_COUNT ? k_op_names[op] : "?";
}

bool wl_op_parse(const char *s, size_t n, wl_op *out)
{
    for (int i = 0; i < WL_OP_COUNT; i++)
        if (strlen(k_op_names[i]) == n && memcmp(k_op_names[i], s, n) == 0) {
            *out = (wl_op)i;
            return true;
        }
    return false;
}

/* ---- interned names ------------------------------------------------------ */

void wl_names_init(wl_names *n)
{
    memset(n, 0, sizeof *n);
}

void wl_names_fini(wl_names *n)
{
    if (!n) return;
    free(n->arena);
    free(n->offsets);
    free(n->slots);
    memset(n, 0, sizeof *n);
}

static uint64_t name_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;    /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static bool name_eq(const wl_names *n, uint32_t i, const char *s, size_t len)
{
    const char *p = n->arena + n->offsets[i];
    return strncmp(p, s, len) == 0 && p[len] == '\0';
}

uint32_t wl_names_find(const wl_names *n, const char *name, size_t len)
{
    if (!n->nslots) return WL_NO_FUNCTION;
    uint32_t mask = n->nslots - 1;
    for (uint32_t h = (uint32_t)name_hash(name, len) & mask;; h = (h + 1) & mask) {
        uint32_t v = n->slots[h];
        if (!v) return WL_NO_FUNCTION;
        if (name_eq(n, v - 1, name, len)) return v - 1;
    }
}

static void names_rehash(wl_names *n, uint32_t nslots)
{
    free(n->slots);
    n->slots = sim_xcalloc(nslots, sizeof *n->slots);
    n->nslots = nslots;
    for (uint32_t i = 0; i < n->count; i++) {
        const char *p = n->arena + n->offsets[i];
        uint32_t h = (uint32_t)name_hash(p, strlen(p)) & (nslots - 1);
        while (n->slots[h]) h = (h + 1) & (nslots - 1);
        n->slots[h] = i + 1;
    }
}

uint32_t wl_names_intern(wl_names *n, const char *name, size_t len)
{
    uint32_t found = wl_names_find(n, name, len);
    if (found != WL_NO_FUNCTION) return found;
    SIM_ASSERT(n->count < UINT32_MAX - 1);
    if (n->count == n->cap) {
        n->cap = n->cap ? 2 * n->cap : 16;
        n->offsets = sim_xrealloc(n->offsets, n->cap * sizeof *n->offsets);
    }
    if (n->arena_len + len + 1 > n->arena_cap) {
        size_t cap = n->arena_cap ? 2 * n->arena_cap : 1024;
        while (cap < n->arena_len + len + 1) cap *= 2;
        n->arena = sim_xrealloc(n->arena, cap);
        n->arena_cap = cap;
    }
    memcpy(n->arena + n->arena_len, name, len);
    n->arena[n->arena_len + len] = '\0';
    n->offsets[n->count] = n->arena_len;
    n->arena_len += len + 1;
    uint32_t idx = n->count++;
    /* Keep the table at most half full so probes stay short. */
    if (2 * n->count > n->nslots) {
        names_rehash(n, n->nslots ? 2 * n->nslots : 32);
    } else {
        uint32_t mask = n->nslots - 1, h = (uint32_t)name_hash(name, len) & mask;
        while (n->slots[h]) h = (h + 1) & mask;
        n->slots[h] = idx + 1;
    }
    return idx;
}

const char *wl_names_get(const wl_names *n, uint32_t i)
{
    return i < n->count ? n->arena + n->offsets[i] : NULL;
}

/* ---- the source base ---------------------------------------------------- */

void wl_source_base_init(wl_source *src, const wl_source_vt *vt, const char *label)
{
    src->vt = vt;
    src->done = false;
    sim_error_clear(&src->err);
    wl_names_init(&src->names);
    snprintf(src->label, sizeof src->label, "%s", label ? label : "");
}

bool wl_source_next(wl_source *src, wl_arrival *out)
{
    if (src->done) return false;
    if (src->vt->next(src, out, &src->err)) return true;
    src->done = true;
    return false;
}

sim_status wl_source_status(const wl_source *src, sim_error *err)
{
    if (src->err.code != SIM_OK && err) *err = src->err;
    return src->err.code;
}

uint32_t wl_source_function_count(const wl_source *src)
{
    return src->names.count;
}

const char *wl_source_function_name(const wl_source *src, uint32_t index)
{
    return wl_names_get(&src->names, index);
}

const char *wl_source_label(const wl_source *src)
{
    return src->label;
}

void wl_source_destroy(wl_source *src)
{
    if (!src) return;
    if (src->vt->fini) src->vt->fini(src);
    wl_names_fini(&src->names);
    free(src);
}
