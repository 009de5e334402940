/* test_io.c - the reliability plumbing of sim/: the strict JSON reader, the
 * strict number parser, file errors, atomic files and folders, the cleanup
 * registry (issue 15).  Each block failed before its fix. */
#include "sim/sim_cleanup.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"
#include "sim/sim_num.h"
#include "tests/check.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char g_dir[256];

static sim_status parse(const char *text, sim_error *err)
{
    sim_json_doc d;
    sim_error_clear(err);
    sim_status s = sim_json_doc_parse(&d, text, "t.json", err);
    sim_json_doc_fini(&d);
    return s;
}

static void json_refusals(void)
{
    static const struct { const char *text, *msg; long line; } k[] = {
        { "42", "expected a JSON object at the top level, got a number", 1 },
        { "null", "got null", 1 },
        { "[1]", "got an array", 1 },
        { "\"s\"", "got a string", 1 },
        { "{/* c */ \"a\": 1}", "comments are not JSON", 1 },
        { "{\"a\": 1}\n// c\n", "comments are not JSON", 2 },
        { "{\"a\": 1,}", "unexpected character", 1 },
        { "{'a': 1}", "single-quoted strings are not JSON", 1 },
        { "{\"a\": NaN}", "NaN and Infinity are not JSON", 1 },
        { "{\"a\": -Infinity}", "NaN and Infinity are not JSON", 1 },
        { "{\"a\": 1.}", "digits after '.'", 1 },
        { "{\"a\": 1e}", "", 1 },
        { "{\"a\": 18446744073709551616}", "integer beyond 64 bits", 1 },
        { "{\"a\": -9223372036854775809}", "integer beyond 64 bits", 1 },
        { "{\"a\": \"x\ty\"}", "control character in a string", 1 },
        { "{\"a\": \"\xff\"}", "invalid UTF-8", 1 },
        { "{\"a\": 1} x", "trailing characters", 1 },
        { "{\"a\": 1,\n \"b\": {\"c\": 1, \"c\": 2}}", "duplicate key 'c' (first on line 2, again on line 2)", 2 },
        { "{\"a\": 1,\n\"a\": 2}", "duplicate key 'a' (first on line 1, again on line 2)", 2 },
        /* json-c decodes escapes in keys: these are one key too */
        { "{\"a\": 1, \"\\u0061\": 2}", "duplicate key 'a'", 1 },
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        sim_error err;
        sim_status s = parse(k[i].text, &err);
        CHECK(s != SIM_OK, "accepted: %s", k[i].text);
        CHECK(strstr(err.msg, k[i].msg) != NULL, "%s: message '%s' lacks '%s'", k[i].text,
              err.msg, k[i].msg);
        CHECK(err.line == k[i].line, "%s: line %ld, want %ld", k[i].text, err.line, k[i].line);
        CHECK(strcmp(err.input, "t.json") == 0, "%s: input '%s'", k[i].text, err.input);
    }
    /* The field of a duplicate or a bad value is its path. */
    sim_error err;
    parse("{\"x\": {\"y\": [1, {\"z\": 1, \"z\": 2}]}}", &err);
    CHECK(strcmp(err.field, "x.y[1].z") == 0, "duplicate's path: '%s'", err.field);
    /* Same keys in different objects are fine; valid JSON of every kind is. */
    CHECK(parse("{\"a\": {\"k\": 1}, \"b\": {\"k\": 1}, \"c\": [{\"k\": 1}, {\"k\": 2}]}", &err) == SIM_OK,
          "%s", err.msg);
    CHECK(parse("{\"n\": [0, -0, 1.5, -2e-3, 1E+9, 9223372036854775807, -9223372036854775808,"
                " 18446744073709551615], \"s\": \"\\t\\u00e9\\\"\", \"t\": true, \"f\": false,"
                " \"z\": null}", &err) == SIM_OK, "%s", err.msg);
    /* Any value at the top level for execution inputs. */
    sim_json_doc d;
    CHECK(sim_json_doc_parse_any(&d, "42", "in", &err) == SIM_OK && json_object_get_int(d.root) == 42,
          "42 as a value: %s", err.msg);
    sim_json_doc_fini(&d);
    CHECK(sim_json_doc_parse_any(&d, "null", "in", &err) == SIM_OK && d.root == NULL, "null as a value");
    sim_json_doc_fini(&d);
    CHECK(sim_json_doc_parse_any(&d, "{/*c*/}", "in", &err) != SIM_OK, "comments in a value");
}

/* 1000 levels pass, 1001 do not, and both come back without a crash
 * (json-c frees and prints trees recursively). */
static void json_depth(void)
{
    size_t n = 1001;
    char *t = malloc(2 * n + 16);
    for (size_t levels = 1000; levels <= 1001; levels++) {
        size_t k = 0;
        t[k++] = '{'; t[k++] = '"'; t[k++] = 'a'; t[k++] = '"'; t[k++] = ':';
        for (size_t i = 1; i < levels; i++) t[k++] = '[';
        for (size_t i = 1; i < levels; i++) t[k++] = ']';
        t[k++] = '}';
        t[k] = '\0';
        sim_error err;
        sim_json_doc d;
        sim_status s = sim_json_doc_parse(&d, t, "deep", &err);
        if (levels == 1000) {
            CHECK(s == SIM_OK, "1000 levels: %s", err.msg);
            char *out = s == SIM_OK ? sim_json_to_string(d.root) : NULL;
            CHECK(!out || strlen(out) > 2000, "1000 levels print");
            free(out);
        } else {
            CHECK(s != SIM_OK && strstr(err.msg, "nesting too deep"), "1001 levels: %s", err.msg);
        }
        sim_json_doc_fini(&d);
    }
    free(t);
}

static void json_ints(void)
{
    static const struct { const char *text; bool ok; int64_t want; } k[] = {
        { "{\"s\": 9223372036854775807}", true, INT64_MAX },
        { "{\"s\": 9223372036854775808}", false, 0 },
        { "{\"s\": 18446744073709551615}", false, 0 },
        { "{\"s\": 9.223372036854775808e18}", false, 0 },
        { "{\"s\": 1e19}", false, 0 },
        { "{\"s\": 4e18}", true, 4000000000000000000LL },
        { "{\"s\": -1}", false, 0 },
        { "{\"s\": 1.5}", false, 0 },
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        sim_json_doc d;
        sim_error err;
        sim_error_clear(&err);
        CHECK(sim_json_doc_parse(&d, k[i].text, "seed.json", &err) == SIM_OK, "%s", err.msg);
        int64_t v = -7;
        sim_status s = sim_json_get_int(&d, d.root, "", "s", true, 0, INT64_MAX, &v, NULL, &err);
        CHECK((s == SIM_OK) == k[i].ok, "%s: %s", k[i].text, err.msg);
        if (k[i].ok) CHECK(v == k[i].want, "%s: got %lld", k[i].text, (long long)v);
        else CHECK(strcmp(err.field, "s") == 0 && err.line == 1, "%s: field '%s'", k[i].text, err.field);
        sim_json_doc_fini(&d);
    }
}

static void numbers(void)
{
    static const char *const good[] = { "0", "5", "-5", "+5", "1.5", "5.", ".5", "1e3", "1E-3",
                                        "-2.5e+10", "0.000001", "007" };
    static const char *const bad[] = { "", " 5", "5 ", " 5 ", "0x10", "0X1p3", "inf", "-inf",
                                       "nan", "NaN", "Infinity", "1e", "1e+", "e5", ".", "-",
                                       "+", "1.2.3", "1,5", "5\n", "1_000", "--5", "+-5", "0b1" };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double v;
        CHECK(sim_num_double(good[i], strlen(good[i]), &v) == SIM_NUM_OK, "'%s' refused", good[i]);
        CHECK(v == strtod(good[i], NULL), "'%s' read as %g", good[i], v);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v;
        CHECK(sim_num_double(bad[i], strlen(bad[i]), &v) == SIM_NUM_SYNTAX, "'%s' accepted", bad[i]);
    }
    double d;
    CHECK(sim_num_double("1e999", 5, &d) == SIM_NUM_RANGE, "1e999 is out of range");
    CHECK(sim_num_double("12345", 3, &d) == SIM_NUM_OK && d == 123, "a field is its length");
    int64_t i;
    CHECK(sim_num_i64("9223372036854775807", 19, &i) == SIM_NUM_OK && i == INT64_MAX, "i64 max");
    CHECK(sim_num_i64("9223372036854775808", 19, &i) == SIM_NUM_RANGE, "2^63 is out of range");
    CHECK(sim_num_i64("-9223372036854775808", 20, &i) == SIM_NUM_OK && i == INT64_MIN, "i64 min");
    CHECK(sim_num_i64("1.0", 3, &i) == SIM_NUM_SYNTAX, "1.0 is not an integer");
    CHECK(sim_num_i64("1e3", 3, &i) == SIM_NUM_SYNTAX, "1e3 is not an integer");
    uint64_t u;
    CHECK(sim_num_u64("18446744073709551615", 20, &u) == SIM_NUM_OK && u == UINT64_MAX, "u64 max");
    CHECK(sim_num_u64("18446744073709551616", 20, &u) == SIM_NUM_RANGE, "2^64");
    CHECK(sim_num_u64("-1", 2, &u) == SIM_NUM_SYNTAX && sim_num_u64("+1", 2, &u) == SIM_NUM_SYNTAX,
          "u64 takes no sign");
}

static void file_errors(void)
{
    sim_error err;
    char *buf;
    size_t n;
    sim_error_clear(&err);
    CHECK(sim_read_file(g_dir, &buf, &n, &err) == SIM_EIO, "a folder read as a file");
    CHECK(strstr(err.msg, "is a directory") != NULL, "folder message: %s", err.msg);
    char p[512];
    snprintf(p, sizeof p, "%s/none", g_dir);
    CHECK(sim_read_file(p, &buf, &n, &err) == SIM_ENOENT, "missing file");
    CHECK(strstr(err.msg, "no such file or directory") != NULL, "missing message: %s", err.msg);
    sim_json_doc d;
    CHECK(sim_json_doc_load(&d, g_dir, &err) != SIM_OK && strstr(err.msg, "is a directory"),
          "JSON from a folder: %s", err.msg);
}

static bool exists(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
}

static void atomic_dir(void)
{
    sim_error err;
    sim_error_clear(&err);
    char target[512], p[700];
    snprintf(target, sizeof target, "%s/a/b/report", g_dir);
    /* open creates the parents and a temporary beside the target */
    sim_atomic_dir d;
    CHECK(sim_atomic_dir_open(&d, target, &err) == SIM_OK, "open: %s", err.msg);
    CHECK(!exists(target), "the target appears only at commit");
    snprintf(p, sizeof p, "%s/charts", sim_atomic_dir_path(&d));
    CHECK(sim_mkdir_p(p, &err) == SIM_OK, "mkdir inside");
    snprintf(p, sizeof p, "%s/summary.json", sim_atomic_dir_path(&d));
    CHECK(sim_write_file_atomic(p, "{}\n", 3, &err) == SIM_OK, "write inside");
    CHECK(sim_atomic_dir_commit(&d, &err) == SIM_OK, "commit: %s", err.msg);
    snprintf(p, sizeof p, "%s/summary.json", target);
    CHECK(exists(p), "committed content");
    /* replace: the old folder goes whole, nothing is left beside */
    snprintf(p, sizeof p, "%s/old_only.txt", target);
    write_text(p, "old");
    CHECK(sim_atomic_dir_open(&d, target, &err) == SIM_OK, "reopen: %s", err.msg);
    char q[700];
    snprintf(q, sizeof q, "%s/summary.json", sim_atomic_dir_path(&d));
    write_text(q, "{\"new\": 1}\n");
    CHECK(sim_atomic_dir_commit(&d, &err) == SIM_OK, "replace: %s", err.msg);
    CHECK(!exists(p), "the old report's files are gone");
    snprintf(p, sizeof p, "%s/a/b", g_dir);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "test \"$(ls -A %s)\" = report", p);
    CHECK(system(cmd) == 0, "only the report remains beside it");
    /* abort: nothing remains */
    char t2[512];
    snprintf(t2, sizeof t2, "%s/aborted", g_dir);
    CHECK(sim_atomic_dir_open(&d, t2, &err) == SIM_OK, "open 2");
    snprintf(p, sizeof p, "%s/x/y/z", sim_atomic_dir_path(&d));
    CHECK(sim_mkdir_p(p, &err) == SIM_OK, "deep inside");
    snprintf(p, sizeof p, "%s/x/y/z/f.txt", sim_atomic_dir_path(&d));
    write_text(p, "f");
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s", sim_atomic_dir_path(&d));
    sim_atomic_dir_abort(&d);
    CHECK(!exists(tmp) && !exists(t2), "abort removed the temporary tree");
    sim_atomic_dir_abort(&d);   /* twice is fine */
    /* a user's folder (no summary.json) and a file are never replaced */
    snprintf(t2, sizeof t2, "%s/mine", g_dir);
    mkdir(t2, 0777);
    snprintf(p, sizeof p, "%s/notes.txt", t2);
    write_text(p, "precious");
    CHECK(sim_atomic_dir_open(&d, t2, &err) != SIM_OK && strstr(err.msg, "not a lambdasim report"),
          "a user's folder: %s", err.msg);
    CHECK(exists(p), "the user's file is untouched");
    CHECK(sim_atomic_dir_open(&d, p, &err) != SIM_OK && strstr(err.msg, "not a directory"),
          "a file as the target: %s", err.msg);
}

static void cleanup_registry(void)
{
    char p[512];
    snprintf(p, sizeof p, "%s/tree", g_dir);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/a/b/c %s/d && touch %s/f %s/a/g %s/a/b/c/h && "
             "ln -s /etc/hostname %s/d/link", p, p, p, p, p, p);
    CHECK(system(cmd) == 0, "make a tree");
    CHECK(sim_cleanup_remove_tree(p) == 0 && !exists(p), "remove a tree");
    CHECK(exists("/etc/hostname"), "a symlink is removed, not followed");
    CHECK(sim_cleanup_remove_tree(p) == 0, "removing a missing path is fine");
    snprintf(p, sizeof p, "%s/plain", g_dir);
    write_text(p, "x");
    CHECK(sim_cleanup_remove_tree(p) == 0 && !exists(p), "remove a file");
    /* The table fills up and frees. */
    int h[SIM_CLEANUP_SLOTS + 1];
    int got = 0;
    for (int i = 0; i <= SIM_CLEANUP_SLOTS; i++) {
        h[i] = sim_cleanup_add(SIM_CLEANUP_FILE, "/nonexistent/x", NULL);
        if (h[i] >= 0) got++;
    }
    CHECK(got == SIM_CLEANUP_SLOTS && h[SIM_CLEANUP_SLOTS] == -1, "%d slots, then full", got);
    for (int i = 0; i <= SIM_CLEANUP_SLOTS; i++) sim_cleanup_release(h[i]);
    int again = sim_cleanup_add(SIM_CLEANUP_FILE, "/nonexistent/x", NULL);
    CHECK(again >= 0, "slots are reused");
    sim_cleanup_release(again);
}

int main(void)
{
    snprintf(g_dir, sizeof g_dir, "%s/lambdasim-test-io.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(g_dir)) return 2;
    json_refusals();
    json_depth();
    json_ints();
    numbers();
    file_errors();
    atomic_dir();
    cleanup_registry();
    sim_cleanup_remove_tree(g_dir);
    return check_report("io");
}
