/* rpt_sweep_store.c - where sweep results live between runs: per-task
 * result files, the store's manifest, staging directories and their commit.
 *
 * A store is a directory:
 *   sweep_manifest.json   the sweep's definition (config path, grid,
 *                         replications, seed, id) and, for a shard, which
 *                         slice it holds: enough for `sweep merge` to write
 *                         the outputs without the config
 *   tasks/<t>.txt         task t's figures, one "<hex bits> <name>" line
 *                         each (the bits of the double, so a value read back
 *                         is the value computed, NaN sign included), framed
 *                         by a header naming the sweep id and an "end" line
 * Each task file is written to a temporary name and renamed, so a killed
 * run leaves complete files and at worst a temporary one, which the next
 * load removes.
 */
#include "reports/cli/rpt_sweep.h"
#include "sim/sim_cleanup.h"
#include "sim/sim_io.h"
#include "sim/sim_json.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST "sweep_manifest.json"
#define MANIFEST_FORMAT "lambdasim sweep store 1"
#define TASK_MAGIC "lambdasim sweep task 1"

/* ---- directories ---------------------------------------------------------- */

sim_status rpt_sweep_rmtree(const char *path, sim_error *err)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT) return SIM_OK;
        SIM_FAIL(err, SIM_EIO, path, 0, NULL, "cannot remove: %s", strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *dp = opendir(path);
        if (!dp) SIM_FAIL(err, SIM_EIO, path, 0, NULL, "cannot open directory: %s", strerror(errno));
        sim_status s = SIM_OK;
        for (struct dirent *e; s == SIM_OK && (e = readdir(dp));) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            s = rpt_sweep_rmtree(sub, err);
        }
        closedir(dp);
        SIM_TRY(s);
        if (rmdir(path) != 0) SIM_FAIL(err, SIM_EIO, path, 0, NULL, "cannot remove: %s", strerror(errno));
    } else if (unlink(path) != 0) {
        SIM_FAIL(err, SIM_EIO, path, 0, NULL, "cannot remove: %s", strerror(errno));
    }
    return SIM_OK;
}

sim_status rpt_sweep_staging_path(const char *out, const char *suffix, char *buf, size_t n,
                                  sim_error *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s", out);
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/') path[--len] = '\0';
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    /* The folder is replaced as a whole, so it needs a name of its own. */
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "--out '%s' must end in a folder name "
                 "(not '.', '..' or '/'): the folder is written as a whole", out);
    int k = slash ? snprintf(buf, n, "%.*s/.%s%s", (int)(slash - path), path, base, suffix)
                  : snprintf(buf, n, ".%s%s", base, suffix);
    if (k < 0 || (size_t)k >= n) SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "--out '%s': path too long", out);
    return SIM_OK;
}

/* Move the entries of `out` that `staging` lacks into staging; on failure
 * move them back. */
static sim_status carry_entries(const char *out, const char *staging, sim_error *err)
{
    DIR *dp = opendir(out);
    if (!dp) SIM_FAIL(err, SIM_EIO, out, 0, NULL, "cannot open directory: %s", strerror(errno));
    char **moved = NULL;
    int nmoved = 0;
    sim_status s = SIM_OK;
    for (struct dirent *e; s == SIM_OK && (e = readdir(dp));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char from[4096], to[4096];
        struct stat st;
        snprintf(from, sizeof from, "%s/%s", out, e->d_name);
        snprintf(to, sizeof to, "%s/%s", staging, e->d_name);
        if (lstat(to, &st) == 0) continue;   /* replaced by the new output */
        if (rename(from, to) != 0) {
            s = SIM_ERR(err, SIM_EIO, from, 0, NULL, "cannot move into %s: %s", staging,
                        strerror(errno));
            break;
        }
        moved = sim_xrealloc(moved, (size_t)(nmoved + 1) * sizeof *moved);
        moved[nmoved++] = sim_xstrdup(e->d_name);
    }
    closedir(dp);
    for (int i = 0; i < nmoved; i++) {
        if (s != SIM_OK) {
            char from[4096], to[4096];
            snprintf(from, sizeof from, "%s/%s", staging, moved[i]);
            snprintf(to, sizeof to, "%s/%s", out, moved[i]);
            (void)rename(from, to);   /* best effort: the error is already set */
        }
        free(moved[i]);
    }
    free(moved);
    return s;
}

sim_status rpt_sweep_dir_commit(const char *staging, const char *out, sim_error *err)
{
    struct stat st;
    if (lstat(out, &st) != 0) {
        if (errno != ENOENT) SIM_FAIL(err, SIM_EIO, out, 0, NULL, "cannot stat: %s", strerror(errno));
        if (rename(staging, out) != 0)
            SIM_FAIL(err, SIM_EIO, out, 0, NULL, "cannot rename %s here: %s", staging, strerror(errno));
        return SIM_OK;
    }
    if (!S_ISDIR(st.st_mode)) SIM_FAIL(err, SIM_EIO, out, 0, NULL, "exists and is not a directory");
    SIM_TRY(carry_entries(out, staging, err));
    char old[1200];
    snprintf(old, sizeof old, "%s.old.%ld", staging, (long)getpid());
    /* A signal between the two renames puts the old folder back (and after
     * the second one removes it): sim_cleanup's RESTORE entry. */
    int h = sim_cleanup_add(SIM_CLEANUP_RESTORE, old, out);
    if (rename(out, old) != 0) {
        sim_cleanup_release(h);
        SIM_FAIL(err, SIM_EIO, out, 0, NULL, "cannot move aside: %s", strerror(errno));
    }
    if (rename(staging, out) != 0) {
        int e = errno;
        (void)rename(old, out);
        sim_cleanup_release(h);
        SIM_FAIL(err, SIM_EIO, out, 0, NULL, "cannot rename %s here: %s", staging, strerror(e));
    }
    sim_status rs = rpt_sweep_rmtree(old, err);
    sim_cleanup_release(h);
    return rs;
}

/* ---- the manifest ----------------------------------------------------------- */

static json_object *manifest_json(const rpt_sweep_def *d, const rpt_sweep_shard *sh)
{
    char hex[17];
    json_object *m = json_object_new_object();
    sim_json_add_string(m, "format", MANIFEST_FORMAT);
    sim_json_add_string(m, "sweep_id", rpt_sweep_id_hex(d->id, hex));
    rpt_sweep_def_to_json(d, m);
    sim_json_add_int(m, "tasks_total", rpt_sweep_ntasks(d));
    if (sh && sh->count > 0) {
        json_object *so = json_object_new_object();
        sim_json_add_int(so, "index", sh->index);
        sim_json_add_int(so, "count", sh->count);
        json_object *ts = json_object_new_array();
        for (int i = 0; i < sh->ntasks; i++) json_object_array_add(ts, json_object_new_int(sh->tasks[i]));
        json_object_object_add(so, "tasks", ts);
        json_object_object_add(m, "shard", so);
    }
    return m;
}

sim_status rpt_sweep_store_create(rpt_sweep_store *s, const char *dir, const rpt_sweep_def *d,
                                  const rpt_sweep_shard *sh, sim_error *err)
{
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    s->id = d->id;
    char path[1400];
    snprintf(path, sizeof path, "%s/tasks", dir);
    SIM_TRY(sim_mkdir_p(path, err));
    json_object *m = manifest_json(d, sh);
    char *text = sim_json_to_string(m);
    json_object_put(m);
    snprintf(path, sizeof path, "%s/" MANIFEST, dir);
    sim_status st = sim_write_file_atomic(path, text, strlen(text), err);
    free(text);
    return st;
}

/* The grid: an object of string arrays, in the document's order. */
static sim_status read_grid(const sim_json_doc *doc, json_object *grid, rpt_sweep_def *d,
                            sim_error *err)
{
    json_object_object_foreach(grid, key, vals) {
        char path[300];
        sim_json_path(path, sizeof path, "grid", key);
        if (!json_object_is_type(vals, json_type_array) || json_object_array_length(vals) == 0)
            SIM_JSON_FAIL(err, SIM_ETYPE, doc, path, "wants a non-empty array of strings");
        if (d->nax == RPT_SWEEP_MAX_GRID || json_object_array_length(vals) > RPT_SWEEP_MAX_VALUES)
            SIM_JSON_FAIL(err, SIM_ERANGE, doc, path, "too many grid keys or values");
        rpt_sweep_axis *a = &d->ax[d->nax++];
        snprintf(a->key, sizeof a->key, "%s", key);
        for (size_t i = 0; i < json_object_array_length(vals); i++) {
            json_object *v = json_object_array_get_idx(vals, i);
            if (!json_object_is_type(v, json_type_string))
                SIM_JSON_FAIL(err, SIM_ETYPE, doc, path, "wants strings");
            a->vals[a->n++] = sim_xstrdup(json_object_get_string(v));
        }
    }
    return SIM_OK;
}

static sim_status read_shard(const sim_json_doc *doc, json_object *so, int ntasks,
                             rpt_sweep_shard *sh, int **tasks, sim_error *err)
{
    int64_t idx, cnt;
    json_object *ts;
    SIM_TRY(sim_json_get_int(doc, so, "shard", "count", true, 1, 1000000, &cnt, NULL, err));
    SIM_TRY(sim_json_get_int(doc, so, "shard", "index", true, 0, cnt - 1, &idx, NULL, err));
    SIM_TRY(sim_json_get_child(doc, so, "shard", "tasks", true, json_type_array, &ts, err));
    size_t n = json_object_array_length(ts);
    if (n > (size_t)ntasks) SIM_JSON_FAIL(err, SIM_ERANGE, doc, "shard.tasks", "more tasks than the sweep has");
    *tasks = sim_xcalloc(n + 1, sizeof **tasks);
    for (size_t i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(ts, i);
        int64_t t = json_object_get_int64(v);
        if (!json_object_is_type(v, json_type_int) || t < 0 || t >= ntasks)
            SIM_JSON_FAIL(err, SIM_ERANGE, doc, "shard.tasks", "task %zu is not a task number", i);
        (*tasks)[i] = (int)t;
    }
    *sh = (rpt_sweep_shard){ (int)idx, (int)cnt, *tasks, (int)n };
    return SIM_OK;
}

/* The optional "set" array: the --set overrides the shard ran with. */
static sim_status read_sets(const sim_json_doc *doc, json_object *root, rpt_sweep_def *d,
                            sim_error *err)
{
    json_object *set = NULL;
    SIM_TRY(sim_json_get_child(doc, root, "", "set", false, json_type_array, &set, err));
    size_t n = set ? json_object_array_length(set) : 0;
    for (size_t k = 0; k < n; k++) {
        json_object *v = json_object_array_get_idx(set, k);
        if (!json_object_is_type(v, json_type_string))
            SIM_JSON_FAIL(err, SIM_ETYPE, doc, "set", "expected strings");
        SIM_TRY(rpt_sweep_def_add_set(d, json_object_get_string(v), err));
    }
    return SIM_OK;
}

static sim_status parse_manifest(const sim_json_doc *doc, rpt_sweep_def *d, rpt_sweep_shard *sh,
                                 int **tasks, sim_error *err)
{
    const char *fmt, *id, *config;
    int64_t seed, reps, ntasks;
    json_object *root = doc->root, *grid, *so = NULL;
    if (!json_object_is_type(root, json_type_object))
        SIM_JSON_FAIL(err, SIM_ETYPE, doc, "", "not a sweep manifest (an object expected)");
    SIM_TRY(sim_json_get_string(doc, root, "", "format", true, &fmt, NULL, err));
    if (strcmp(fmt, MANIFEST_FORMAT) != 0)
        SIM_JSON_FAIL(err, SIM_EFORMAT, doc, "format", "'%s', expected '%s'", fmt, MANIFEST_FORMAT);
    SIM_TRY(sim_json_get_string(doc, root, "", "sweep_id", true, &id, NULL, err));
    char *end;
    d->id = strtoull(id, &end, 16);
    if (strlen(id) != 16 || *end) SIM_JSON_FAIL(err, SIM_EFORMAT, doc, "sweep_id", "not 16 hex digits");
    SIM_TRY(sim_json_get_string(doc, root, "", "config", true, &config, NULL, err));
    snprintf(d->config, sizeof d->config, "%s", config);
    SIM_TRY(sim_json_get_int(doc, root, "", "seed", true, 0, INT64_MAX, &seed, NULL, err));
    SIM_TRY(sim_json_get_int(doc, root, "", "replications", true, 1, 100000, &reps, NULL, err));
    SIM_TRY(sim_json_get_child(doc, root, "", "grid", true, json_type_object, &grid, err));
    SIM_TRY(read_grid(doc, grid, d, err));
    SIM_TRY(read_sets(doc, root, d, err));
    d->seed = seed;
    d->reps = (int)reps;
    d->nsc = 1;
    for (int a = 0; a < d->nax; a++) d->nsc *= d->ax[a].n;
    SIM_TRY(sim_json_get_int(doc, root, "", "tasks_total", true, 1, INT32_MAX, &ntasks, NULL, err));
    if (ntasks != (int64_t)d->nsc * d->reps)
        SIM_JSON_FAIL(err, SIM_EFORMAT, doc, "tasks_total", "does not match the grid and replications");
    *sh = (rpt_sweep_shard){ 0, 0, NULL, 0 };
    SIM_TRY(sim_json_get_child(doc, root, "", "shard", false, json_type_object, &so, err));
    return so ? read_shard(doc, so, (int)ntasks, sh, tasks, err) : SIM_OK;
}

sim_status rpt_sweep_store_read_manifest(const char *dir, rpt_sweep_def *d, rpt_sweep_shard *sh,
                                         int **tasks, sim_error *err)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/" MANIFEST, dir);
    memset(d, 0, sizeof *d);
    *tasks = NULL;
    struct stat st_;
    if (stat(path, &st_) != 0)
        SIM_FAIL(err, errno == ENOENT ? SIM_EUSAGE : SIM_EIO, dir, 0, NULL,
                 "not a sweep store or shard (%s: %s)", MANIFEST, strerror(errno));
    sim_json_doc doc;
    SIM_TRY(sim_json_doc_load(&doc, path, err));
    sim_status st = parse_manifest(&doc, d, sh, tasks, err);
    sim_json_doc_fini(&doc);
    return st;
}

sim_status rpt_sweep_store_remove(const rpt_sweep_store *s, sim_error *err)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/tasks", s->dir);
    SIM_TRY(rpt_sweep_rmtree(path, err));
    snprintf(path, sizeof path, "%s/" MANIFEST, s->dir);
    return rpt_sweep_rmtree(path, err);
}

/* ---- task files ------------------------------------------------------------- */

sim_status rpt_sweep_store_put(const rpt_sweep_store *s, int t, const rpt_sweep_result *r,
                               sim_error *err)
{
    char path[1400], hex[17];
    snprintf(path, sizeof path, "%s/tasks/%d.txt", s->dir, t);
    size_t cap = 128, n = 0;
    for (int i = 0; i < r->n; i++) cap += strlen(r->names[i]) + 20;
    char *buf = sim_xmalloc(cap);
    n += (size_t)snprintf(buf, cap, TASK_MAGIC "\nsweep_id %s\ntask %d\nfigures %d\n",
                          rpt_sweep_id_hex(s->id, hex), t, r->n);
    for (int i = 0; i < r->n; i++) {
        if (strchr(r->names[i], '\n')) {
            free(buf);
            SIM_FAIL(err, SIM_EFORMAT, path, 0, NULL, "figure name with a newline: '%s'", r->names[i]);
        }
        uint64_t bits;
        memcpy(&bits, &r->vals[i], sizeof bits);
        n += (size_t)snprintf(buf + n, cap - n, "%016" PRIx64 " %s\n", bits, r->names[i]);
    }
    n += (size_t)snprintf(buf + n, cap - n, "end\n");
    SIM_ASSERT(n < cap);
    sim_status st = sim_write_file_atomic(path, buf, n, err);
    free(buf);
    return st;
}

/* One "<16 hex digits> <name>" line into r. */
static bool parse_figure(const char *line, rpt_sweep_result *r)
{
    char *end;
    if (strlen(line) < 18 || line[16] != ' ') return false;
    uint64_t bits = strtoull(line, &end, 16);
    if (end != line + 16) return false;
    double v;
    memcpy(&v, &bits, sizeof v);
    rpt_sweep_result_add(r, line + 17, v);
    return true;
}

/* Parse a task file's text (modified in place) into r. */
static sim_status parse_task(const char *path, char *text, const rpt_sweep_store *s, int t,
                             rpt_sweep_result *r, sim_error *err)
{
    char want[64], hex[17], *save = NULL;
    long ln = 0, nfig = -1;
    bool ended = false;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        ln++;
        if (ended) SIM_FAIL(err, SIM_EFORMAT, path, ln, NULL, "text after 'end'");
        if (ln == 1 && strcmp(line, TASK_MAGIC) == 0) continue;
        snprintf(want, sizeof want, "sweep_id %s", rpt_sweep_id_hex(s->id, hex));
        if (ln == 2 && strcmp(line, want) == 0) continue;
        snprintf(want, sizeof want, "task %d", t);
        if (ln == 3 && strcmp(line, want) == 0) continue;
        if (ln == 4 && sscanf(line, "figures %ld", &nfig) == 1 && nfig >= 0) continue;
        if (ln <= 4) SIM_FAIL(err, SIM_EFORMAT, path, ln, NULL, "not a task file of sweep %s", hex);
        if (strcmp(line, "end") == 0) ended = true;
        else if (!parse_figure(line, r))
            SIM_FAIL(err, SIM_EFORMAT, path, ln, NULL, "expected '<16 hex digits> <name>'");
    }
    if (!ended || r->n != nfig)
        SIM_FAIL(err, SIM_EFORMAT, path, ln, NULL, "truncated (%d of %ld figures, %s)", r->n, nfig,
                 ended ? "ended" : "no 'end' line");
    r->done = true;
    return SIM_OK;
}

/* A task file's name "<t>.txt" gives t; else -1. */
static int task_of_name(const char *name)
{
    char *end;
    long t = strtol(name, &end, 10);
    if (end == name || strcmp(end, ".txt") != 0 || t < 0 || t > INT32_MAX) return -1;
    return (int)t;
}

static sim_status load_one(const rpt_sweep_store *s, const char *name, int ntasks,
                           rpt_sweep_result *res, bool drop_damaged, rpt_sweep_loaded *out,
                           sim_error *err)
{
    char path[1700];
    snprintf(path, sizeof path, "%s/tasks/%s", s->dir, name);
    if (strstr(name, ".tmp.")) return rpt_sweep_rmtree(path, err);   /* a killed writer's */
    int t = task_of_name(name);
    if (t < 0 || t >= ntasks)
        SIM_FAIL(err, SIM_EFORMAT, path, 0, NULL, "not a task file of this sweep (%d tasks)", ntasks);
    char *text = NULL;
    SIM_TRY(sim_read_file(path, &text, NULL, err));
    sim_error why;
    sim_error_clear(&why);
    rpt_sweep_result_fini(&res[t]);
    sim_status st = parse_task(path, text, s, t, &res[t], &why);
    free(text);
    if (st == SIM_OK) {
        out->loaded++;
        return SIM_OK;
    }
    rpt_sweep_result_fini(&res[t]);
    if (!drop_damaged) {
        *err = why;
        size_t k = strlen(err->msg);
        snprintf(err->msg + k, sizeof err->msg - k, " (a damaged task result)");
        return st;
    }
    if (out->damaged++ == 0) out->first_damage = why;
    return rpt_sweep_rmtree(path, err);
}

sim_status rpt_sweep_store_load(const rpt_sweep_store *s, int ntasks, rpt_sweep_result *res,
                                bool drop_damaged, rpt_sweep_loaded *out, sim_error *err)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/tasks", s->dir);
    memset(out, 0, sizeof *out);
    DIR *dp = opendir(path);
    if (!dp) SIM_FAIL(err, SIM_EIO, path, 0, NULL, "cannot open directory: %s", strerror(errno));
    sim_status st = SIM_OK;
    for (struct dirent *e; st == SIM_OK && (e = readdir(dp));)
        if (e->d_name[0] != '.') st = load_one(s, e->d_name, ntasks, res, drop_damaged, out, err);
    closedir(dp);
    return st;
}
