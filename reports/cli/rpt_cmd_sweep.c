/* rpt_cmd_sweep.c - `lambdasim sweep`: scenarios x replications on OpenMP
 * threads, MPI ranks or scheduler shards; `sweep merge` (rpt_sweep_merge.c).
 *
 * The flow: parse the options (a table), join the MPI world when an MPI
 * launcher started us, build the plan on every rank (every scenario
 * validated before any work; the ranks must agree on the sweep id), open the
 * result store in a staging folder beside --out (rank 0; --resume reloads
 * it), run the tasks, then write the outputs into the staging folder and
 * rename it over --out as a whole.  A shard stops before the outputs: its
 * folder is its store, for `sweep merge`.  How the pieces work is in
 * rpt_sweep.h; the outputs are byte-identical whatever ran the tasks.
 */
#include "reports/cli/rpt_cmd.h"
#include "reports/cli/rpt_cli_data.h"
#include "reports/cli/rpt_sweep.h"
#include "sim/sim_cli.h"
#include "sim/sim_io.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char k_usage[] =
    "usage: lambdasim sweep --config FILE.json --grid KEY=V1,V2,... [--grid ...]\n"
    "                       [--replications N] [--threads N] [--seed N] --out DIR [--png]\n"
    "                       [--shard I/N] [--resume] [--set KEY=VALUE ...] [--data DIR]\n"
    "       lambdasim sweep merge SHARD_DIR... --out DIR [--png]\n"
    "\n"
    "Runs every combination of the grid values (KEY is a dotted JSON path of the\n"
    "config, e.g. functions.f.memory_mb=512,1024) for N replications each, in\n"
    "parallel (OpenMP, dynamic schedule, one engine per replication).  Writes\n"
    "DIR/sweep.csv and DIR/sweep.json: for every scenario and every figure of\n"
    "the run results, the mean and the 95% confidence interval across\n"
    "replications, and DIR/charts/*.svg: headline figures against the first grid\n"
    "key with their 95% CI bands (--png adds PNG copies), DIR/report.html and\n"
    "report.md, and DIR/run_info.json (ranks, threads, tasks per rank, wall time).\n"
    "Output is identical whatever the thread count, the number of MPI ranks or\n"
    "shards.  A progress bar with an ETA shows on a terminal.\n"
    "\n"
    "  mpirun -np N lambdasim sweep ...   rank 0 hands tasks to every rank's threads\n"
    "                                     (--threads per rank), longest first\n"
    "  --shard I/N --out DIR/shard-I      run the I-th of N slices (0 <= I < N), for\n"
    "                                     job arrays; then `sweep merge DIR/shard-* --out DIR`\n"
    "  --resume                           finish an interrupted sweep: results are kept\n"
    "                                     per task in DIR's staging folder .DIR.partial\n"
    "  --set KEY=VALUE                    override a key of every scenario (after the\n"
    "                                     grid's; VALUE is JSON if it parses, else a\n"
    "                                     string; repeatable; part of the sweep id)\n"
    "  --data DIR                         the data directory (default $LAMBDASIM_DATA,\n"
    "                                     else the installed share/lambdasim, else ./data)\n";

/* ---- options: one table drives the parser ---------------------------------------- */

typedef struct sweep_opts {
    rpt_sweep_plan plan;   /* def.config, axes, reps and seed_opt */
    const char *out;
    const char *data;      /* --data, resolved into plan.data_dir */
    int64_t threads;       /* 0: OpenMP's default */
    bool png, resume;
    int shard_index, shard_count;   /* count 0: the whole sweep */
} sweep_opts;

typedef sim_status (*opt_apply)(sweep_opts *o, const char *v, sim_error *err);

static sim_status opt_config(sweep_opts *o, const char *v, sim_error *err)
{
    int n = snprintf(o->plan.def.config, sizeof o->plan.def.config, "%s", v);
    if ((size_t)n >= sizeof o->plan.def.config) SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "--config: path too long");
    return SIM_OK;
}

static sim_status opt_out(sweep_opts *o, const char *v, sim_error *err)
{
    (void)err;
    o->out = v;
    return SIM_OK;
}

static sim_status opt_set(sweep_opts *o, const char *v, sim_error *err)
{
    return rpt_sweep_def_add_set(&o->plan.def, v, err);
}

static sim_status opt_data(sweep_opts *o, const char *v, sim_error *err)
{
    (void)err;
    o->data = v;
    return SIM_OK;
}

static sim_status opt_grid(sweep_opts *o, const char *v, sim_error *err)
{
    return rpt_sweep_def_add_axis(&o->plan.def, v, err);
}

static sim_status opt_reps(sweep_opts *o, const char *v, sim_error *err)
{
    int64_t n;
    SIM_TRY(sim_cli_parse_int("--replications", v, 1, 100000, &n, err));
    o->plan.def.reps = (int)n;
    return SIM_OK;
}

static sim_status opt_threads(sweep_opts *o, const char *v, sim_error *err)
{
    return sim_cli_parse_int("--threads", v, 1, 1024, &o->threads, err);
}

static sim_status opt_seed(sweep_opts *o, const char *v, sim_error *err)
{
    return sim_cli_parse_int("--seed", v, 0, INT64_MAX, &o->plan.seed_opt, err);
}

static sim_status opt_shard(sweep_opts *o, const char *v, sim_error *err)
{
    char *end;
    long i = strtol(v, &end, 10), n = -1;
    if (end != v && *end == '/') {
        const char *p = end + 1;
        n = strtol(p, &end, 10);
        if (end == p || *end) n = -1;
    }
    if (n < 1 || n > 1000000 || i < 0 || i >= n)
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "--shard wants I/N with 0 <= I < N, got '%s'", v);
    o->shard_index = (int)i;
    o->shard_count = (int)n;
    return SIM_OK;
}

static sim_status opt_png(sweep_opts *o, const char *v, sim_error *err)
{
    (void)v, (void)err;
    o->png = true;
    return SIM_OK;
}

static sim_status opt_resume(sweep_opts *o, const char *v, sim_error *err)
{
    (void)v, (void)err;
    o->resume = true;
    return SIM_OK;
}

static const struct sweep_option {
    const char *name;
    bool flag;             /* takes no value */
    opt_apply apply;
} k_options[] = {
    { "--config", false, opt_config },
    { "--out", false, opt_out },
    { "--grid", false, opt_grid },
    { "--set", false, opt_set },
    { "--data", false, opt_data },
    { "--replications", false, opt_reps },
    { "--threads", false, opt_threads },
    { "--seed", false, opt_seed },
    { "--shard", false, opt_shard },
    { "--png", true, opt_png },
    { "--resume", true, opt_resume },
};

static sim_status parse_options(int argc, char **argv, sweep_opts *o, sim_error *err)
{
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        const struct sweep_option *opt = NULL;
        for (size_t k = 0; k < sizeof k_options / sizeof k_options[0] && !opt; k++) {
            if (k_options[k].flag ? strcmp(argv[i], k_options[k].name) == 0
                                  : sim_cli_opt(argc, argv, &i, k_options[k].name, &v, err))
                opt = &k_options[k];
        }
        if (!opt) SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "unknown option '%s'", argv[i]);
        if (err->code) return err->code;   /* a value is missing */
        SIM_TRY(opt->apply(o, v, err));
    }
    if (!o->plan.def.config[0]) SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "--config is required");
    if (!o->out) SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL, "--out is required");
    return rpt_cli_data_dir(o->data, &o->plan.data_dir, err);
}

/* ---- the MPI launcher, from the environment -------------------------------------- */

/* Variables an MPI launcher sets in every process it starts. */
static const struct { const char *size, *rank; } k_launchers[] = {
    { "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK" },   /* Open MPI's mpirun */
    { "PMI_SIZE", "PMI_RANK" },                           /* MPICH's hydra, Slurm's PMI-2 */
};

/* The launcher's process count and our rank; 0 when no launcher started
 * us, or only this process: one process needs no MPI (a Slurm array task
 * sees PMI_SIZE=1, and should not depend on MPI starting there). */
static int launcher(int *rank)
{
    *rank = 0;
    for (size_t k = 0; k < sizeof k_launchers / sizeof k_launchers[0]; k++) {
        const char *s = getenv(k_launchers[k].size), *r = getenv(k_launchers[k].rank);
        if (!s) continue;
        *rank = r ? atoi(r) : 0;
        int n = atoi(s);
        return n > 1 ? n : 0;
    }
    return 0;
}

/* ---- the run ---------------------------------------------------------------------- */

typedef struct sweep_state {
    char staging[1200];
    rpt_sweep_store store;
    rpt_sweep_result *res;
    sim_status *st;
    sim_error *errs;
    int *slice, nslice;    /* the tasks of this run: all, or the shard's */
    int *todo, ntodo;      /* the slice's tasks without a result */
    int nresumed;
    int *tasks_by_rank;
    rpt_sweep_shard shard;
} sweep_state;

/* Collective: when a rank failed, the lowest failing rank reports its error
 * (once, not once per rank) and every rank returns the exit code. */
static int agree(const rpt_sweep_world *w, sim_status st, const sim_error *err)
{
    int first, rc = rpt_sweep_world_agree(w, sim_status_exit_code(st), &first);
    if (rc && first == w->rank) {
        if (w->size > 1) fprintf(stderr, "lambdasim sweep: MPI rank %d of %d:\n", w->rank, w->size);
        sim_cli_fail(err);
    }
    return rc;
}

/* Every rank: the plan, and the same sweep id as rank 0. */
static int build_plan(sweep_opts *o, const rpt_sweep_world *w)
{
    sim_error err;
    sim_error_clear(&err);
    sim_status st = rpt_sweep_plan_build(&o->plan, &err);
    int rc = agree(w, st, &err);
    if (rc) return rc;
    char a[17], b[17];
    uint64_t id0 = rpt_sweep_world_bcast_id(w, o->plan.def.id);
    if (id0 != o->plan.def.id)
        st = SIM_ERR(&err, SIM_EUSAGE, o->plan.def.config, 0, NULL,
                     "this rank sees another sweep than rank 0 (id %s, rank 0: %s): every rank "
                     "needs the same config file and options", rpt_sweep_id_hex(o->plan.def.id, a),
                     rpt_sweep_id_hex(id0, b));
    return agree(w, st, &err);
}

/* "sweep <id>" or "shard I/N of sweep <id>". */
static const char *describe(char *buf, size_t n, uint64_t id, int index, int count)
{
    char hex[17];
    if (count) snprintf(buf, n, "shard %d/%d of sweep %s", index, count, rpt_sweep_id_hex(id, hex));
    else snprintf(buf, n, "sweep %s", rpt_sweep_id_hex(id, hex));
    return buf;
}

/* An existing staging folder: resume it when it holds this sweep. */
static sim_status resume_store(const sweep_opts *o, sweep_state *s, sim_error *err)
{
    rpt_sweep_def md;
    rpt_sweep_shard msh;
    int *mt = NULL;
    char a[80], b[80];
    if (!o->resume)
        SIM_FAIL(err, SIM_EUSAGE, s->staging, 0, NULL, "holds the results of an interrupted sweep: "
                 "pass --resume to finish it, or remove the folder to start over");
    SIM_TRY(rpt_sweep_store_read_manifest(s->staging, &md, &msh, &mt, err));
    bool same = md.id == o->plan.def.id && msh.count == o->shard_count && msh.index == o->shard_index;
    describe(a, sizeof a, md.id, msh.index, msh.count);
    describe(b, sizeof b, o->plan.def.id, o->shard_index, o->shard_count);
    rpt_sweep_def_fini(&md);
    free(mt);
    if (!same)
        SIM_FAIL(err, SIM_EUSAGE, s->staging, 0, NULL, "holds the results of %s, not of this %s "
                 "(the config, grid, replications, seed or shard differ): remove it to start over",
                 a, b);
    s->store = (rpt_sweep_store){ .id = o->plan.def.id };
    snprintf(s->store.dir, sizeof s->store.dir, "%s", s->staging);
    rpt_sweep_loaded got;
    SIM_TRY(rpt_sweep_store_load(&s->store, rpt_sweep_ntasks(&o->plan.def), s->res, true, &got, err));
    s->nresumed = got.loaded;
    if (got.damaged) {
        char why[1500];
        sim_error_format(&got.first_damage, why, sizeof why);
        fprintf(stderr, "lambdasim sweep: %d damaged task result%s removed, to run again (%s)\n",
                got.damaged, got.damaged == 1 ? "" : "s", why);
    }
    return SIM_OK;
}

/* Rank 0: the task slice, the store (new or resumed) and the tasks to run. */
static sim_status prepare(const sweep_opts *o, sweep_state *s, sim_error *err)
{
    const rpt_sweep_def *d = &o->plan.def;
    int ntasks = rpt_sweep_ntasks(d);
    s->slice = sim_xcalloc((size_t)ntasks, sizeof *s->slice);
    s->todo = sim_xcalloc((size_t)ntasks, sizeof *s->todo);
    if (o->shard_count) {
        s->nslice = rpt_sweep_shard_tasks(&o->plan, o->shard_index, o->shard_count, s->slice);
        s->shard = (rpt_sweep_shard){ o->shard_index, o->shard_count, s->slice, s->nslice };
    } else {
        memcpy(s->slice, o->plan.order, (size_t)ntasks * sizeof *s->slice);
        s->nslice = ntasks;
    }
    SIM_TRY(rpt_sweep_staging_path(o->out, ".partial", s->staging, sizeof s->staging, err));
    struct stat sb;
    if (stat(o->out, &sb) == 0 && !S_ISDIR(sb.st_mode))
        SIM_FAIL(err, SIM_EUSAGE, o->out, 0, NULL, "--out names a file, not a folder");
    if (stat(s->staging, &sb) == 0) {
        SIM_TRY(resume_store(o, s, err));
    } else {
        if (o->resume)
            fprintf(stderr, "lambdasim sweep: nothing to resume in %s: running every task\n", s->staging);
        SIM_TRY(rpt_sweep_store_create(&s->store, s->staging, d, &s->shard, err));
    }
    for (int k = 0; k < s->nslice; k++)
        if (!s->res[s->slice[k]].done) s->todo[s->ntodo++] = s->slice[k];
    return SIM_OK;
}

/* Rank 0, after the run: the first failed task in task order, or the
 * outputs (a shard's are its store) and run_info.json, committed. */
static int finish(const sweep_opts *o, sweep_state *s, const rpt_sweep_info *info)
{
    const rpt_sweep_def *d = &o->plan.def;
    sim_error err;
    sim_error_clear(&err);
    for (int t = 0; t < rpt_sweep_ntasks(d); t++)
        if (s->st[t] != SIM_OK) return sim_cli_fail(&s->errs[t]);
    int ncharts = 0;
    sim_status st = SIM_OK;
    rpt_verdict verdict = { 0 };
    if (!o->shard_count)
        st = rpt_sweep_write_outputs(s->staging, d, s->res, o->png, &ncharts, &verdict, &err);
    if (st == SIM_OK) st = rpt_sweep_write_run_info(s->staging, info, &err);
    if (st == SIM_OK && !o->shard_count) st = rpt_sweep_store_remove(&s->store, &err);
    if (st == SIM_OK) st = rpt_sweep_dir_commit(s->staging, o->out, &err);
    if (st != SIM_OK) return sim_cli_fail(&err);
    char how[160];
    int k = snprintf(how, sizeof how, "%s", "");
    if (s->nresumed) k += snprintf(how + k, sizeof how - (size_t)k, " (%d resumed)", s->nresumed);
    if (info->ranks > 1) k += snprintf(how + k, sizeof how - (size_t)k, " on %d MPI ranks x", info->ranks);
    else k += snprintf(how + k, sizeof how - (size_t)k, " on");
    snprintf(how + k, sizeof how - (size_t)k, " %d thread%s in %.2f s", info->threads,
             info->threads == 1 ? "" : "s", info->wall_s);
    if (o->shard_count)
        printf("lambdasim sweep: shard %d/%d, %d of %d tasks%s; wrote %s (merge the shards with "
               "`lambdasim sweep merge`)\n", o->shard_index, o->shard_count, s->nslice,
               rpt_sweep_ntasks(d), how, o->out);
    else {
        rpt_verdict_print(&verdict, stdout);   /* the answer on top */
        printf("lambdasim sweep: %d scenarios x %d replications%s; wrote %s/sweep.csv, "
               "%s/sweep.json, %s/report.html and %d charts in %s/charts\n", d->nsc, d->reps, how,
               o->out, o->out, o->out, ncharts, o->out);
    }
    return 0;
}

static void state_free(sweep_state *s, int ntasks)
{
    if (s->res)
        for (int t = 0; t < ntasks; t++) rpt_sweep_result_fini(&s->res[t]);
    free(s->res);
    free(s->st);
    free(s->errs);
    free(s->slice);
    free(s->todo);
    free(s->tasks_by_rank);
}

static int sweep_run(sweep_opts *o, const rpt_sweep_world *w)
{
    double t0 = sim_wall_seconds();
    int rc = build_plan(o, w);
    if (rc) return rc;
    int ntasks = rpt_sweep_ntasks(&o->plan.def);
    sweep_state s = { 0 };
    s.res = sim_xcalloc((size_t)ntasks, sizeof *s.res);
    s.st = sim_xcalloc((size_t)ntasks, sizeof *s.st);
    s.errs = sim_xcalloc((size_t)ntasks, sizeof *s.errs);
    s.tasks_by_rank = sim_xcalloc((size_t)w->size, sizeof *s.tasks_by_rank);
    sim_error err;
    sim_error_clear(&err);
    rc = agree(w, w->rank == 0 ? prepare(o, &s, &err) : SIM_OK, &err);
    if (rc == 0) {
        int threads = o->threads ? (int)o->threads : omp_get_max_threads();
        rpt_sweep_exec x = { .plan = &o->plan, .res = s.res, .st = s.st, .errs = s.errs,
                             .todo = s.todo, .ntodo = s.ntodo, .store = &s.store,
                             .threads = threads, .tasks_by_rank = s.tasks_by_rank,
                             .ranks = w->size };
        if (w->rank == 0) x.bar = rpt_progress_create("sweep", s.ntodo);
        rpt_sweep_exec_world(w, &x);
        rpt_progress_destroy(x.bar);
        rpt_sweep_info info = { .id = o->plan.def.id, .ranks = w->size, .threads = threads,
                                .tasks = s.nslice, .tasks_run = s.ntodo,
                                .tasks_resumed = s.nresumed, .tasks_by_rank = s.tasks_by_rank,
                                .shard = o->shard_count ? &s.shard : NULL,
                                .wall_s = sim_wall_seconds() - t0 };
        if (w->rank == 0) rc = finish(o, &s, &info);
    }
    state_free(&s, ntasks);
    return rc;
}

int rpt_cmd_sweep(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "merge") == 0) return rpt_sweep_merge(argc - 1, argv + 1);
    if (sim_cli_wants_help(argc, argv)) {
        fputs(k_usage, stdout);
        const char *lib = rpt_sweep_mpi_library();
        printf("\nMPI: %s\n", lib ? lib : "not built in (install Open MPI: sh scripts/deps.sh; make MPI=1)");
        return 0;
    }
    int rank_hint, launched = launcher(&rank_hint);
    sweep_opts o = { .plan = { .def = { .reps = 5 }, .seed_opt = -1 } };
    sim_error err;
    sim_error_clear(&err);
    int rc = 0;
    rpt_sweep_world w;
    /* Every rank has the same argv: only the first reports a usage error. */
    if (parse_options(argc, argv, &o, &err) != SIM_OK) {
        rc = 2;
        if (rank_hint == 0) sim_cli_usage_error("sweep", "%s", err.msg);
    } else if (rpt_sweep_world_init(&w, launched, &err) != SIM_OK) {
        rc = rank_hint == 0 ? sim_cli_fail(&err) : sim_status_exit_code(err.code);
    } else {
        rc = sweep_run(&o, &w);
        rpt_sweep_world_fini(&w);
    }
    rpt_sweep_plan_fini(&o.plan);
    return rc;
}
