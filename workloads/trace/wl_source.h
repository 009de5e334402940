/* wl_source.h - the stream of arrivals a simulation pulls, in time order.
 *
 * Every trace reader (our CSV, Azure Functions 2019 and 2021) and every
 * synthetic generator is a wl_source.  The simulator calls wl_source_next()
 * until it returns false, then asks wl_source_status() whether the stream
 * ended or failed.  Sources hold at most a bounded window of the input
 * (a read buffer, one minute of Azure counts, the generator's state), so a
 * month of traffic streams through in constant memory.
 *
 * Why pull and not callbacks: the engine schedules one arrival ahead and asks
 * for the next only when that one fires, so the event list stays small
 * whatever the trace length.  The per-arrival path is one indirect call and
 * a struct fill; nothing allocates once the source is created.
 *
 * Function names are interned per source (wl_source_function_name): an
 * arrival carries a small index, and a name costs memory once, not per row.
 */
#ifndef WL_SOURCE_H
#define WL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim_status.h"

#define WL_OP_LIST(X)          \
    X(UPLOAD, "upload")        \
    X(VIEW,   "view")          \
    X(DELETE, "delete")        \
    X(LIST,   "list")          \
    X(INVOKE, "invoke")

typedef enum {
#define WL__OP_ENUM(name, str) WL_OP_##name,
    WL_OP_LIST(WL__OP_ENUM)
#undef WL__OP_ENUM
    WL_OP_COUNT
} wl_op;

/* "upload", "view", ...; never NULL. */
const char *wl_op_name(wl_op op);
/* Parse an op name of length n; false when unknown. */
bool wl_op_parse(const char *s, size_t n, wl_op *out);

/* No function named (the arrival is not a function invocation). */
#define WL_NO_FUNCTION UINT32_MAX

/* One arrival.  `key` is owned by the source and valid until the next call
 * to wl_source_next (never NULL; "" when the trace gives none).
 * duration_ms and memory_mb are NaN when the trace does not say. */
typedef struct wl_arrival {
    double t_s;          /* seconds from the trace's origin, non-decreasing */
    wl_op op;
    uint32_t function;   /* index into the source's names, or WL_NO_FUNCTION */
    uint64_t bytes;      /* object size (uploads, views); 0 when not known */
    double duration_ms;  /* execution time recorded or drawn from the trace */
    double memory_mb;    /* memory recorded for the function's app */
    const char *key;
    size_t key_len;
} wl_arrival;

typedef struct wl_source wl_source;

/* The next arrival into *out; false at the end of the stream or on error
 * (then wl_source_status says which).  Arrivals come in non-decreasing t_s. */
bool wl_source_next(wl_source *src, wl_arrival *out);

/* SIM_OK while running and after a clean end; otherwise the error, copied
 * into *err (which may be NULL). */
sim_status wl_source_status(const wl_source *src, sim_error *err);

/* Number of function names known so far, and a name by index (NULL when
 * out of range).  CSV sources learn names as they read. */
uint32_t wl_source_function_count(const wl_source *src);
const char *wl_source_function_name(const wl_source *src, uint32_t index);

/* A short label of what the source reads ("csv:FILE", "azure2019:FILE"). */
const char *wl_source_label(const wl_source *src);

/* Free the source and everything it owns; NULL is a no-op. */
void wl_source_destroy(wl_source *src);

#endif /* WL_SOURCE_H */
