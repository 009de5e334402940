/* test_jw.c - the JSON writer (sim_jw.h) and the shortest double form.
 *
 * The text backend must print byte for byte what sim_json_to_string prints
 * of the tree the tree backend builds: every document below is written
 * through both and compared.  sim_json_format_double (a bisection over
 * %.<p>g forms built from one 17-digit conversion) must print what the
 * linear search of snprintf's forms it replaced printed: compared on 1.6
 * million doubles of every kind, exact decimal ties included. */
#include "sim/sim_json.h"
#include "sim/sim_jw.h"
#include "tests/check.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The linear search sim_json_format_double replaced (the reference). */
static void linear_g(double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "null");
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
}

static uint64_t next(uint64_t *s)   /* splitmix64 */
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void double_forms(void)
{
    uint64_t s = 42;
    int bad = 0;
    for (int i = 0; i < 1600000; i++) {
        uint64_t r = next(&s);
        double v;
        switch (i % 8) {
        case 0: memcpy(&v, &r, sizeof v); break;                        /* any bits */
        case 1: v = (double)(r % 100000000) / 1000.0; break;            /* decimals */
        case 2: v = (double)(int64_t)(r >> 11) * ((r & 1) ? -1 : 1); break;   /* integers */
        case 3: v = ldexp((double)(r >> 11), (int)(r % 200) - 150); break;   /* scales */
        case 4: v = (double)(r % 1000) / 7.0; break;                    /* repeating */
        /* Dyadic fractions have finite decimal expansions: exact ties when
         * rounded to fewer digits (x.5, x.25, x.125, ...), the case where
         * the 17-digit form cannot decide and snprintf does. */
        case 5: v = ldexp((double)(r % 20000001), -(int)((r >> 32) % 24)); break;
        case 6: v = nextafter(ldexp((double)(r % 2000001), -(int)((r >> 32) % 12)),
                              (r >> 60) & 1 ? INFINITY : -INFINITY); break;  /* beside a tie */
        default: v = ldexp((double)((r >> 11) | 1), -52) * pow(10, (int)(r % 40) - 20); break;
        }
        char a[SIM_JSON_DOUBLE_MAX], b[SIM_JSON_DOUBLE_MAX];
        linear_g(v, a, sizeof a);
        size_t n = sim_json_format_double(v, b, sizeof b);
        if (strcmp(a, b) != 0 || n != strlen(b)) {
            if (bad++ < 5) CHECK(0, "%.17g: linear '%s', bisection '%s'", v, a, b);
        }
    }
    CHECK(bad == 0, "%d of 1.6e6 doubles printed differently", bad);
    static const double edge[] = { 0.0, -0.0, 1.0, -1.0, 0.1, 1e-300, 4.9e-324, DBL_MAX,
                                   DBL_MIN, 2.2250738585072009e-308, 9007199254740993.0,
                                   123456789012345678.0, 1.5, 100, 1e21, 1e22, 1e23,
                                   0.5, 2.5, 0.125, 9.5, 99.5, 999999.5, 9.9999999999999995,
                                   0.00001, 0.0001, 1e15, 1e16, 1e17, 123456789012345.5,
                                   5e-324, -5e-324, 1.7976931348623157e308, 0.3, 1000 };
    for (size_t i = 0; i < sizeof edge / sizeof *edge; i++) {
        char a[SIM_JSON_DOUBLE_MAX], b[SIM_JSON_DOUBLE_MAX];
        linear_g(edge[i], a, sizeof a);
        sim_json_format_double(edge[i], b, sizeof b);
        CHECK(strcmp(a, b) == 0, "%.17g: linear '%s', bisection '%s'", edge[i], a, b);
        CHECK(strtod(b, NULL) == edge[i], "'%s' does not read back", b);
    }
    char b[SIM_JSON_DOUBLE_MAX];
    sim_json_format_double(NAN, b, sizeof b);
    CHECK(strcmp(b, "null") == 0, "NaN prints '%s'", b);
    sim_json_format_double(-INFINITY, b, sizeof b);
    CHECK(strcmp(b, "null") == 0, "-inf prints '%s'", b);
    sim_json_format_double(0.1 + 0.2, b, sizeof b);
    CHECK(strcmp(b, "0.30000000000000004") == 0, "0.1 + 0.2 prints '%s'", b);
}

/* A document that exercises every case; `kind` says which. */
static void doc_members(sim_jw *w, int kind)
{
    if (kind == 0) return;                                  /* empty root */
    sim_jw_int(w, "events", 42);
    sim_jw_int(w, "min", INT64_MIN);
    sim_jw_int(w, "max", INT64_MAX);
    sim_jw_double(w, "third", 1.0 / 3);
    sim_jw_double(w, "int_double", 3);
    sim_jw_double(w, "nan", NAN);
    sim_jw_double(w, "neg_zero", -0.0);
    sim_jw_bool(w, "yes", true);
    sim_jw_bool(w, "no", false);
    sim_jw_string(w, "plain", "hello");
    sim_jw_string(w, "escapes", "a\"b\\c/d\n\t\x01\x1f\x7f caf\xc3\xa9");
    sim_jw_string(w, "", "empty key");
    sim_jw_open(w, "empty");
    sim_jw_close(w);
    sim_jw_open(w, "f\"unny/\tkey\\");
    sim_jw_open(w, "deeper");
    sim_jw_open(w, "deepest");
    sim_jw_double(w, "p50", 12.5);
    sim_jw_open(w, "empty_deep");
    sim_jw_close(w);
    sim_jw_close(w);
    sim_jw_close(w);
    sim_jw_int(w, "after", 1);
    sim_jw_close(w);
    json_object *arr = json_object_new_array();
    json_object_array_add(arr, sim_json_double(0.25));
    json_object *o = json_object_new_object();
    sim_json_add_string(o, "k", "v\n");
    json_object_object_add(o, "empty", json_object_new_object());
    json_object_object_add(o, "list", json_object_new_array());
    json_object_array_add(arr, o);
    json_object_array_add(arr, NULL);
    sim_jw_open(w, "nested");
    sim_jw_tree_member(w, "array", arr);
    sim_jw_tree_member(w, "null", NULL);
    sim_jw_tree_member(w, "scalar", json_object_new_int64(-7));
    sim_jw_tree_member(w, "empty_array", json_object_new_array());
    sim_jw_tree_member(w, "empty_object", json_object_new_object());
    sim_jw_close(w);
    if (kind == 2) sim_jw_open(w, "last_empty"), sim_jw_close(w);
}

static char *via_text(int kind)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&buf, &n);
    sim_jw w;
    sim_jw_init_text(&w, fp);
    doc_members(&w, kind);
    CHECK(sim_jw_finish_text(&w), "text writer reports a failure on a memory stream");
    fclose(fp);
    return buf;
}

static char *via_tree(int kind)
{
    sim_jw w;
    sim_jw_init_tree(&w);
    doc_members(&w, kind);
    json_object *root = sim_jw_finish_tree(&w);
    char *text = sim_json_to_string(root);
    json_object_put(root);
    return text;
}

static void backends_agree(void)
{
    for (int kind = 0; kind < 3; kind++) {
        char *a = via_tree(kind), *b = via_text(kind);
        size_t i = 0;
        while (a[i] && a[i] == b[i]) i++;
        CHECK(strcmp(a, b) == 0, "document %d: tree and text differ at byte %zu:\n%s\n----\n%s",
              kind, i, a, b);
        free(a);
        free(b);
    }
    /* The text is JSON that reads back to the same tree. */
    char *b = via_text(1);
    json_object *back = json_tokener_parse(b);
    CHECK(back != NULL, "the text does not parse");
    json_object *arr = sim_json_at(back, "nested.array");
    CHECK(json_object_is_type(arr, json_type_array) && json_object_array_length(arr) == 3,
          "the array member did not read back");
    CHECK(sim_json_number_at(back, "f\"unny/\tkey\\.deeper.deepest.p50") == 12.5,
          "a nested member did not read back");
    CHECK(sim_json_number_at(back, "min") == (double)INT64_MIN, "INT64_MIN did not read back");
    json_object_put(back);
    free(b);
}

static void write_failure(void)
{
    FILE *fp = fopen("/dev/full", "w");
    if (!fp) {
        SKIP("no /dev/full");
        return;
    }
    setvbuf(fp, NULL, _IONBF, 0);
    sim_jw w;
    sim_jw_init_text(&w, fp);
    doc_members(&w, 1);
    CHECK(!sim_jw_finish_text(&w), "a full disk went unnoticed");
    fclose(fp);
}

int main(void)
{
    double_forms();
    backends_agree();
    write_failure();
    return check_report("test_jw");
}
