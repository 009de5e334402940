/* sim_jw.c - the JSON writer's two backends (contract in sim_jw.h).
 *
 * The text backend prints what json-c 0.16's json_object_to_json_string_ext
 * prints with SIM_JSON_TEXT_FLAGS (json_object.c: an object is "{\n", then
 * its members separated by ",\n", each two spaces per level of the member,
 * "\"key\": " and the value; then "\n" if it had members, and the object's
 * own indent before "}": an empty object at level 1 is "{\n  }").  tests/test_jw.c checks
 * both backends give the same text on documents that exercise every case. */
#include "sim/sim_jw.h"
#include "sim/sim_json.h"

#include <assert.h>
#include <inttypes.h>
#include <string.h>

void sim_jw_init_tree(sim_jw *w)
{
    assert(w);
    memset(w, 0, sizeof *w);
    w->kind = SIM_JW_TREE;
    w->node[0] = json_object_new_object();
}

void sim_jw_init_text(sim_jw *w, FILE *fp)
{
    assert(w && fp);
    memset(w, 0, sizeof *w);
    w->kind = SIM_JW_TEXT;
    w->fp = fp;
    memcpy(w->buf, "{\n", 2);
    w->nbuf = 2;
}

static void drain(sim_jw *w)
{
    if (w->nbuf && fwrite(w->buf, 1, w->nbuf, w->fp) != w->nbuf) w->failed = true;
    w->nbuf = 0;
}

static void put(sim_jw *w, const char *s, size_t n)
{
    if (w->nbuf + n > sizeof w->buf) {
        drain(w);
        if (n > sizeof w->buf) {   /* a long string or tree member: straight through */
            if (fwrite(s, 1, n, w->fp) != n) w->failed = true;
            return;
        }
    }
    memcpy(w->buf + w->nbuf, s, n);
    w->nbuf += n;
}

static void put_indent(sim_jw *w, int level)
{
    static const char spaces[] = "                                ";   /* 32 */
    for (size_t n = 2 * (size_t)level; n > 0;) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        put(w, spaces, k);
        n -= k;
    }
}

/* A string as json-c quotes it.  Most keys need no escape and are written
 * as they are; the rest go through json-c itself, so the escapes are its
 * own by construction ('/' stays as is under NOSLASHESCAPE). */
static void put_quoted(sim_jw *w, const char *s)
{
    size_t n = strlen(s);
    bool plain = true;
    for (size_t i = 0; i < n && plain; i++) {
        unsigned char c = (unsigned char)s[i];
        plain = c >= 0x20 && c != '"' && c != '\\';
    }
    if (plain) {
        put(w, "\"", 1);
        put(w, s, n);
        put(w, "\"", 1);
        return;
    }
    json_object *js = json_object_new_string(s);
    const char *q = json_object_to_json_string_ext(js, SIM_JSON_TEXT_FLAGS);
    put(w, q, strlen(q));
    json_object_put(js);
}

/* The start of a member of the innermost object: separator, indent, key. */
static void member(sim_jw *w, const char *key)
{
    if (w->any[w->depth]) put(w, ",\n", 2);
    w->any[w->depth] = true;
    put_indent(w, w->depth + 1);
    put_quoted(w, key);
    put(w, ": ", 2);
}

void sim_jw_open(sim_jw *w, const char *key)
{
    assert(w && key && w->depth + 1 < SIM_JW_MAX_DEPTH);
    if (w->kind == SIM_JW_TREE) {
        json_object *o = json_object_new_object();
        json_object_object_add(w->node[w->depth], key, o);
        w->node[++w->depth] = o;
        return;
    }
    member(w, key);
    put(w, "{\n", 2);
    w->any[++w->depth] = false;
}

void sim_jw_close(sim_jw *w)
{
    assert(w && w->depth > 0);
    if (w->kind == SIM_JW_TREE) {
        w->depth--;
        return;
    }
    if (w->any[w->depth]) put(w, "\n", 1);
    put_indent(w, w->depth);
    put(w, "}", 1);
    w->depth--;
}

void sim_jw_int(sim_jw *w, const char *key, int64_t v)
{
    assert(w && key);
    if (w->kind == SIM_JW_TREE) {
        sim_json_add_int(w->node[w->depth], key, v);
        return;
    }
    char buf[32];
    member(w, key);
    put(w, buf, (size_t)snprintf(buf, sizeof buf, "%" PRId64, v));
}

void sim_jw_double(sim_jw *w, const char *key, double v)
{
    assert(w && key);
    if (w->kind == SIM_JW_TREE) {
        sim_json_add_double(w->node[w->depth], key, v);
        return;
    }
    char buf[SIM_JSON_DOUBLE_MAX];
    member(w, key);
    put(w, buf, sim_json_format_double(v, buf, sizeof buf));
}

void sim_jw_string(sim_jw *w, const char *key, const char *s)
{
    assert(w && key && s);
    if (w->kind == SIM_JW_TREE) {
        sim_json_add_string(w->node[w->depth], key, s);
        return;
    }
    member(w, key);
    put_quoted(w, s);
}

void sim_jw_bool(sim_jw *w, const char *key, bool v)
{
    assert(w && key);
    if (w->kind == SIM_JW_TREE) {
        sim_json_add_bool(w->node[w->depth], key, v);
        return;
    }
    member(w, key);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

/* json-c prints a value at level L like the same value at level 0 with 2L
 * more spaces after every newline: its newlines are all layout (a newline
 * inside a string is escaped), so re-indenting the level-0 text is exact. */
void sim_jw_tree_member(sim_jw *w, const char *key, json_object *v)
{
    assert(w && key);
    if (w->kind == SIM_JW_TREE) {
        json_object_object_add(w->node[w->depth], key, v);
        return;
    }
    member(w, key);
    const char *t = v ? json_object_to_json_string_ext(v, SIM_JSON_TEXT_FLAGS) : "null";
    for (const char *nl; (nl = strchr(t, '\n')) != NULL; t = nl + 1) {
        put(w, t, (size_t)(nl - t) + 1);
        put_indent(w, w->depth + 1);
    }
    put(w, t, strlen(t));
    json_object_put(v);
}

json_object *sim_jw_finish_tree(sim_jw *w)
{
    assert(w && w->kind == SIM_JW_TREE && w->depth == 0);
    json_object *root = w->node[0];
    w->node[0] = NULL;
    return root;
}

bool sim_jw_finish_text(sim_jw *w)
{
    assert(w && w->kind == SIM_JW_TEXT && w->depth == 0);
    if (w->any[0]) put(w, "\n", 1);
    put(w, "}\n", 2);
    drain(w);
    return !w->failed && !ferror(w->fp);
}
