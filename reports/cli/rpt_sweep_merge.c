/* rpt_sweep_merge.c - `lambdasim sweep merge SHARD_DIR... --out DIR`: the
 * shards of one sweep (`sweep --shard I/N`) into the outputs a one-process
 * run writes, byte for byte.
 *
 * Each shard folder is a result store (rpt_sweep_store.c): its manifest
 * carries the sweep's definition and id and the shard's task list, so the
 * merge needs neither the config nor the traces.  Refused: shards of
 * different sweeps (ids differ), of different shard counts, the same shard
 * twice, missing shards (named), a shard missing a task, task lists that do
 * not cover the sweep exactly once.
 */
#include "reports/cli/rpt_sweep.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char k_usage[] =
    "usage: lambdasim sweep merge SHARD_DIR... --out DIR [--png]\n"
    "\n"
    "Merges the shards of one sweep (each written by `lambdasim sweep ... --shard I/N\n"
    "--out SHARD_DIR`) into DIR: sweep.csv, sweep.json, charts, report.html/md,\n"
    "identical to a one-process run of the same sweep, and run_info.json (tasks per\n"
    "shard).  Shards of another sweep (the sweep id hashes the config file, grid,\n"
    "replications and seed), duplicate or missing shards are refused by name.\n";

typedef struct shard_in {
    const char *dir;
    rpt_sweep_def def;
    rpt_sweep_shard sh;
    int *tasks;
} shard_in;

static int by_index(const void *a, const void *b)
{
    const shard_in *x = a, *y = b;
    return (x->sh.index > y->sh.index) - (x->sh.index < y->sh.index);
}

/* Read every manifest; same sweep, same count, no duplicate, none missing. */
static sim_status check_shards(shard_in *in, int n, sim_error *err)
{
    for (int i = 0; i < n; i++) {
        SIM_TRY(rpt_sweep_store_read_manifest(in[i].dir, &in[i].def, &in[i].sh, &in[i].tasks, err));
        if (in[i].sh.count == 0)
            SIM_FAIL(err, SIM_EUSAGE, in[i].dir, 0, NULL, "not a shard (no --shard in its manifest)");
        char a[17], b[17];
        if (in[i].def.id != in[0].def.id)
            SIM_FAIL(err, SIM_EUSAGE, in[i].dir, 0, NULL, "is from another sweep than %s (sweep id "
                     "%s, not %s): the config, grid, replications or seed differ", in[0].dir,
                     rpt_sweep_id_hex(in[i].def.id, a), rpt_sweep_id_hex(in[0].def.id, b));
        if (in[i].sh.count != in[0].sh.count)
            SIM_FAIL(err, SIM_EUSAGE, in[i].dir, 0, NULL, "is shard %d/%d, but %s is one of %d",
                     in[i].sh.index, in[i].sh.count, in[0].dir, in[0].sh.count);
    }
    qsort(in, (size_t)n, sizeof *in, by_index);
    for (int i = 1; i < n; i++)
        if (in[i].sh.index == in[i - 1].sh.index)
            SIM_FAIL(err, SIM_EUSAGE, in[i].dir, 0, NULL, "is shard %d/%d, and so is %s",
                     in[i].sh.index, in[i].sh.count, in[i - 1].dir);
    int count = in[0].sh.count;
    if (n == count) return SIM_OK;
    char miss[900];
    size_t k = 0;
    miss[0] = '\0';
    for (int j = 0, i = 0; j < count && k < sizeof miss; j++) {
        if (i < n && in[i].sh.index == j) { i++; continue; }
        k += (size_t)snprintf(miss + k, sizeof miss - k, "%s%d/%d", k ? ", " : "", j, count);
    }
    SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "missing %d of %d shards: %s (run each with "
             "`lambdasim sweep ... --shard I/N`)", count - n, count, miss);
}

/* Load every shard's task files; each must hold exactly its own tasks and
 * together cover the sweep once. */
static sim_status load_shards(const shard_in *in, int n, rpt_sweep_result *res, int *by_shard,
                              sim_error *err)
{
    const rpt_sweep_def *d = &in[0].def;
    int ntasks = rpt_sweep_ntasks(d), total = 0;
    char *owner = sim_xcalloc((size_t)ntasks, 1);
    sim_status st = SIM_OK;
    for (int i = 0; i < n && st == SIM_OK; i++) {
        rpt_sweep_store s = { .id = d->id };
        snprintf(s.dir, sizeof s.dir, "%s", in[i].dir);
        for (int k = 0; k < in[i].sh.ntasks && st == SIM_OK; k++)
            if (owner[in[i].tasks[k]]++)
                st = SIM_ERR(err, SIM_EFORMAT, in[i].dir, 0, NULL, "task %d is in two shards",
                             in[i].tasks[k]);
        rpt_sweep_loaded got;
        if (st == SIM_OK) st = rpt_sweep_store_load(&s, ntasks, res, false, &got, err);
        if (st == SIM_OK) by_shard[i] = got.loaded;
        for (int k = 0; k < in[i].sh.ntasks && st == SIM_OK; k++)
            if (!res[in[i].tasks[k]].done)
                st = SIM_ERR(err, SIM_EFORMAT, in[i].dir, 0, NULL, "shard %d/%d has no result for "
                             "task %d: it did not finish (rerun it with --resume)", in[i].sh.index,
                             in[i].sh.count, in[i].tasks[k]);
        if (st == SIM_OK && by_shard[i] != in[i].sh.ntasks)
            st = SIM_ERR(err, SIM_EFORMAT, in[i].dir, 0, NULL, "holds %d task results, its manifest "
                         "lists %d", by_shard[i], in[i].sh.ntasks);
        total += by_shard[i];
    }
    free(owner);
    if (st == SIM_OK && total != ntasks)
        st = SIM_ERR(err, SIM_EFORMAT, in[0].dir, 0, NULL, "the shards hold %d of the sweep's %d tasks",
                     total, ntasks);
    return st;
}

/* Write the outputs into a staging folder beside out and commit it. */
static sim_status merge_write(const shard_in *in, int n, const rpt_sweep_result *res,
                              const int *by_shard, const char *out, bool png, double t0,
                              int *ncharts, rpt_verdict *verdict, sim_error *err)
{
    char staging[1200], suffix[64];
    snprintf(suffix, sizeof suffix, ".merge.%ld", (long)getpid());
    SIM_TRY(rpt_sweep_staging_path(out, suffix, staging, sizeof staging, err));
    SIM_TRY(sim_mkdir_p(staging, err));
    const rpt_sweep_def *d = &in[0].def;
    sim_status st = rpt_sweep_write_outputs(staging, d, res, png, ncharts, verdict, err);
    rpt_sweep_info info = { .id = d->id, .tasks = rpt_sweep_ntasks(d), .tasks_by_shard = by_shard,
                            .nshards = n, .wall_s = sim_wall_seconds() - t0 };
    if (st == SIM_OK) st = rpt_sweep_write_run_info(staging, &info, err);
    if (st == SIM_OK) st = rpt_sweep_dir_commit(staging, out, err);
    if (st != SIM_OK) {
        sim_error ignored;
        (void)rpt_sweep_rmtree(staging, &ignored);
    }
    return st;
}

static sim_status merge(shard_in *in, int n, const char *out, bool png, sim_error *err)
{
    double t0 = sim_wall_seconds();
    SIM_TRY(check_shards(in, n, err));
    int ntasks = rpt_sweep_ntasks(&in[0].def), ncharts = 0;
    rpt_sweep_result *res = sim_xcalloc((size_t)ntasks, sizeof *res);
    int *by_shard = sim_xcalloc((size_t)n, sizeof *by_shard);
    sim_status st = load_shards(in, n, res, by_shard, err);
    rpt_verdict verdict = { 0 };
    if (st == SIM_OK) st = merge_write(in, n, res, by_shard, out, png, t0, &ncharts, &verdict, err);
    if (st == SIM_OK) rpt_verdict_print(&verdict, stdout);   /* the answer on top */
    if (st == SIM_OK)
        printf("lambdasim sweep merge: %d shards, %d tasks in %.2f s; wrote %s/sweep.csv, "
               "%s/sweep.json, %s/report.html and %d charts in %s/charts\n", n, ntasks,
               sim_wall_seconds() - t0, out, out, out, ncharts, out);
    for (int t = 0; t < ntasks; t++) rpt_sweep_result_fini(&res[t]);
    free(res);
    free(by_shard);
    return st;
}

int rpt_sweep_merge(int argc, char **argv)
{
    if (sim_cli_wants_help(argc, argv)) {
        fputs(k_usage, stdout);
        return 0;
    }
    sim_error err;
    sim_error_clear(&err);
    const char *out = NULL, *v;
    bool png = false;
    shard_in *in = sim_xcalloc((size_t)argc, sizeof *in);
    int n = 0, rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        if (sim_cli_opt(argc, argv, &i, "--out", &v, &err)) out = v;
        else if (strcmp(argv[i], "--png") == 0) png = true;
        else if (argv[i][0] == '-') rc = sim_cli_usage_error("sweep merge", "unknown option '%s'", argv[i]);
        else in[n++].dir = argv[i];
        if (rc == 0 && err.code) rc = sim_cli_usage_error("sweep merge", "%s", err.msg);
    }
    if (rc == 0 && !out) rc = sim_cli_usage_error("sweep merge", "--out is required");
    if (rc == 0 && n == 0) rc = sim_cli_usage_error("sweep merge", "no shard folder given");
    if (rc == 0 && merge(in, n, out, png, &err) != SIM_OK) rc = sim_cli_fail(&err);
    for (int i = 0; i < n; i++) {
        rpt_sweep_def_fini(&in[i].def);
        free(in[i].tasks);
    }
    free(in);
    return rc;
}
