/* sim_jw.h - one JSON writer, two backends: a json-c tree or streamed text.
 *
 * Code that produces a document (a run's results) is written once against
 * sim_jw.  The tree backend builds the json_object that reports read; the
 * text backend streams the same document to a FILE, byte for byte what
 * sim_json_to_string prints of that tree (json-c's pretty, spaced format,
 * keys in insertion order, doubles by sim_json_format_double, a final
 * newline), without holding it: the results of a run of 10,000 functions
 * are written in constant memory instead of a ~50 MB tree plus its text.
 *
 * Usage:
 *     sim_jw w;
 *     sim_jw_init_text(&w, fp);            (or sim_jw_init_tree(&w))
 *     sim_jw_int(&w, "events", 42);
 *     sim_jw_open(&w, "latency_ms"); sim_jw_double(&w, "p50", 1.5); sim_jw_close(&w);
 *     sim_jw_tree_member(&w, "queues", obj);   a member built as a tree
 *     ok = sim_jw_finish_text(&w);         (or root = sim_jw_finish_tree(&w))
 *
 * The document's root is an object, open from init to finish.  Members are
 * scalars, nested objects (open/close, at most SIM_JW_MAX_DEPTH deep) or
 * any json-c value handed over whole (arrays, say).  Keys are the caller's
 * (copied by the tree, escaped as json-c does by the text).
 *
 * Ownership: the writer owns nothing the caller keeps: the FILE stays the
 * caller's; finish_tree hands the root over.  Cost: the tree backend
 * allocates as json-c does; the text backend allocates only to escape a
 * key that needs it and to print a member handed over as a tree.
 * Errors: a failed write is remembered and reported by sim_jw_finish_text
 * (the caller writes to a temporary file and renames on success).  Misuse
 * (closing the root, nesting too deep, mixing backends) is our bug: assert.
 */
#ifndef SIM_JW_H
#define SIM_JW_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The results nest four deep (root, functions, a function, its latency);
 * room to spare. */
#define SIM_JW_MAX_DEPTH 16
/* Text is gathered and written in blocks: a results document is made of
 * tens of bytes per member, and one locked fwrite each cost a third of
 * writing it (perf, 10,000 functions). */
#define SIM_JW_BUF 8192

typedef enum sim_jw_kind { SIM_JW_TREE, SIM_JW_TEXT } sim_jw_kind;

typedef struct sim_jw {
    sim_jw_kind kind;
    int depth;                              /* the innermost open object; 0 = the root */
    json_object *node[SIM_JW_MAX_DEPTH];    /* TREE: the open objects */
    FILE *fp;                               /* TEXT: where the text goes */
    bool any[SIM_JW_MAX_DEPTH];             /* TEXT: a member written at this depth */
    bool failed;                            /* TEXT: a write failed */
    size_t nbuf;                            /* TEXT: bytes waiting in buf */
    char buf[SIM_JW_BUF];                   /* TEXT: one fwrite per SIM_JW_BUF bytes */
} sim_jw;

void sim_jw_init_tree(sim_jw *w);
void sim_jw_init_text(sim_jw *w, FILE *fp);

/* Open a member object named key; members go into it until sim_jw_close. */
void sim_jw_open(sim_jw *w, const char *key);
void sim_jw_close(sim_jw *w);

void sim_jw_int(sim_jw *w, const char *key, int64_t v);
void sim_jw_double(sim_jw *w, const char *key, double v);   /* sim_json_format_double */
void sim_jw_string(sim_jw *w, const char *key, const char *s);
void sim_jw_bool(sim_jw *w, const char *key, bool v);
/* A member given as a json-c value (ownership taken; NULL prints null). */
void sim_jw_tree_member(sim_jw *w, const char *key, json_object *v);

/* TREE: the root object (caller owns); the writer is spent. */
json_object *sim_jw_finish_tree(sim_jw *w);
/* TEXT: close the root and end the text with a newline; false if any
 * write failed (ferror).  Does not close or flush the FILE. */
bool sim_jw_finish_text(sim_jw *w);

#endif /* SIM_JW_H */
