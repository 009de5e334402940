/* rpt_sweep.h - the insides of `lambdasim sweep`, shared by its files.
 *
 * A sweep is a grid of scenarios (every combination of the --grid values,
 * applied to one config) times R replications.  Task t = scenario * R +
 * replication is one engine run with seed (seed, replication); its figures
 * (every numeric leaf of the run results, by dotted path) land in slot t,
 * and the aggregation walks the slots in task order.  So where and when a
 * task ran (which thread, which MPI rank, which shard, before or after a
 * resume) never changes a byte of the outputs.
 *
 *   rpt_cmd_sweep.c    options and the command's flow (run, shard, resume)
 *   rpt_sweep_merge.c  `sweep merge`: shards into one output
 *   rpt_sweep_plan.c   the grid, the scenarios' configs, the task order, the
 *                      sweep id, shard slices
 *   rpt_sweep_exec.c   one task; a task list on OpenMP threads
 *   rpt_sweep_mpi.c    a task list over MPI ranks (plain build: a stand-in)
 *   rpt_sweep_store.c  per-task result files, the manifest, staging
 *                      directories and their commit
 *   rpt_sweep_out.c    aggregation and the output files (sweep.csv,
 *                      sweep.json, charts, report.html/md, run_info.json)
 *
 * Ownership: a plan owns its configs and axis values; results own their
 * names.  Errors: sim_status with a sim_error naming the file or option.
 */
#ifndef RPT_SWEEP_H
#define RPT_SWEEP_H

#include <stdbool.h>
#include <stdint.h>

#include "models/config/mdl_config.h"
#include "reports/page/rpt_report.h"
#include "reports/page/rpt_verdict.h"
#include "sim/sim_status.h"

#define RPT_SWEEP_MAX_GRID 8     /* --grid options */
#define RPT_SWEEP_MAX_VALUES 64  /* values of one --grid */
#define RPT_SWEEP_MAX_SET 32     /* --set options */

typedef struct rpt_sweep_axis {
    char key[256];
    char *vals[RPT_SWEEP_MAX_VALUES];  /* owned */
    int n;
} rpt_sweep_axis;

/* What defines a sweep's outputs: all that `sweep merge` needs, read back
 * from a shard's manifest without the config at hand. */
typedef struct rpt_sweep_def {
    char config[1024];     /* the config path as given (written in sweep.json) */
    rpt_sweep_axis ax[RPT_SWEEP_MAX_GRID];
    int nax;
    int nsc;               /* scenarios: the product of the axes' sizes */
    int reps;              /* replications per scenario */
    int64_t seed;          /* the seed reported: --seed, else the first
                            * scenario's config seed, else 1 */
    char *set[RPT_SWEEP_MAX_SET];  /* --set KEY=VALUE overrides, in order (owned) */
    int nset;
    uint64_t id;           /* the sweep id (rpt_sweep_plan_build) */
} rpt_sweep_def;

static inline int rpt_sweep_ntasks(const rpt_sweep_def *d) { return d->nsc * d->reps; }

/* Free the axis values. */
void rpt_sweep_def_fini(rpt_sweep_def *d);
/* Add a --set KEY=VALUE override; EUSAGE when there are too many. */
sim_status rpt_sweep_def_add_set(rpt_sweep_def *d, const char *spec, sim_error *err);
/* Add a --grid KEY=V1,V2,... axis; EUSAGE on a bad spec or too many. */
sim_status rpt_sweep_def_add_axis(rpt_sweep_def *d, const char *spec, sim_error *err);
/* The grid values of scenario sc, one per axis (borrowed). */
void rpt_sweep_scenario_values(const rpt_sweep_def *d, int sc, const char **pv);
/* Add "config", "replications", "seed", "grid" ({key: [values]}) and, when
 * there are overrides, "set" ([KEY=VALUE, ...]) to o:
 * the head of sweep.json and of a store's manifest. */
void rpt_sweep_def_to_json(const rpt_sweep_def *d, json_object *o);
/* The sweep id in hex ("0123456789abcdef"), buf of at least 17 bytes. */
const char *rpt_sweep_id_hex(uint64_t id, char *buf);

/* `lambdasim sweep merge SHARD_DIR... --out DIR` (argv[0] is "merge"). */
int rpt_sweep_merge(int argc, char **argv);

/* ---- plan: configs and the task order (rpt_sweep_plan.c) ---------------- */

typedef struct rpt_sweep_plan {
    rpt_sweep_def def;     /* config, axes and reps set by the caller */
    int64_t seed_opt;      /* --seed, or -1: each scenario's config seed */
    const char *data_dir;  /* bundled data (--data, resolved by the caller) */
    mdl_config *cfgs;      /* nsc, owned */
    int ncfg;              /* configs built (for fini) */
    int *order;            /* every task, longest first (owned) */
} rpt_sweep_plan;

/* Expand and validate every scenario (nothing runs yet), set def.seed and
 * def.id, and order the tasks longest first (estimated events).  The id is
 * FNV-1a over the config file's bytes, the grid, the replications and
 * --seed and the --set overrides: two runs with the same id produce the
 * same task results.  Files the config refers to (traces, catalogues) and
 * the data directory are not hashed (a cluster's nodes may install the
 * same data at different paths). */
sim_status rpt_sweep_plan_build(rpt_sweep_plan *p, sim_error *err);
void rpt_sweep_plan_fini(rpt_sweep_plan *p);
/* The seed of scenario sc's engine runs. */
uint64_t rpt_sweep_plan_seed(const rpt_sweep_plan *p, int sc);
/* Shard `index` of `count`: every count-th task of the longest-first order
 * from position index (balanced: each shard gets long and short tasks).
 * Writes them to out (room for all tasks) and returns how many. */
int rpt_sweep_shard_tasks(const rpt_sweep_plan *p, int index, int count, int *out);

/* ---- task results (rpt_sweep_exec.c) ------------------------------------ */

/* One task's figures: every numeric leaf of the results by dotted path, in
 * the document's order. */
typedef struct rpt_sweep_result {
    char **names;
    double *vals;
    int n, cap;
    bool done;
} rpt_sweep_result;

void rpt_sweep_result_add(rpt_sweep_result *r, const char *name, double v);
void rpt_sweep_result_fini(rpt_sweep_result *r);

/* Run task t of the plan into *out (done on success). */
sim_status rpt_sweep_run_task(const rpt_sweep_plan *p, int t, rpt_sweep_result *out,
                              sim_error *err);

/* ---- result store (rpt_sweep_store.c) ----------------------------------- */

/* A directory holding sweep_manifest.json and tasks/<t>.txt, one file per
 * finished task written atomically, so a killed run loses only the tasks
 * that were running. */
typedef struct rpt_sweep_store {
    char dir[1200];
    uint64_t id;
} rpt_sweep_store;

/* Which shard a store holds (count 0: the whole sweep). */
typedef struct rpt_sweep_shard {
    int index, count;
    const int *tasks;      /* the shard's tasks (borrowed; NULL when count 0) */
    int ntasks;
} rpt_sweep_shard;

/* Create dir and its manifest (dir must not exist). */
sim_status rpt_sweep_store_create(rpt_sweep_store *s, const char *dir, const rpt_sweep_def *d,
                                  const rpt_sweep_shard *sh, sim_error *err);
/* Write task t's figures (thread-safe: one file per task). */
sim_status rpt_sweep_store_put(const rpt_sweep_store *s, int t, const rpt_sweep_result *r,
                               sim_error *err);
/* What a load found. */
typedef struct rpt_sweep_loaded {
    int loaded;            /* task results loaded */
    int damaged;           /* damaged task files removed (drop_damaged) */
    sim_error first_damage;   /* why the first of them was damaged */
} rpt_sweep_loaded;

/* Load every stored task of 0..ntasks-1 into res (done set).  Leftover
 * temporary files of a killed writer are removed.  A damaged task file (a
 * node that crashed before the data reached the disk) is an error naming
 * it, or with drop_damaged removed and counted, so its task runs again. */
sim_status rpt_sweep_store_load(const rpt_sweep_store *s, int ntasks, rpt_sweep_result *res,
                                bool drop_damaged, rpt_sweep_loaded *out, sim_error *err);
/* Read a store's manifest: its definition (caller finis), shard (tasks
 * malloc'd into *tasks, caller frees) and id. */
sim_status rpt_sweep_store_read_manifest(const char *dir, rpt_sweep_def *d, rpt_sweep_shard *sh,
                                         int **tasks, sim_error *err);
/* Remove the store's files (tasks/ and the manifest), keeping the rest. */
sim_status rpt_sweep_store_remove(const rpt_sweep_store *s, sim_error *err);

/* Staging directory of an output directory: "<parent>/.<name><suffix>". */
sim_status rpt_sweep_staging_path(const char *out, const char *suffix, char *buf, size_t n,
                                  sim_error *err);
/* Commit a staging directory as `out`, as a whole: when out exists, its
 * entries that staging lacks (shard folders, the user's files) are moved
 * into staging first, then out is replaced by one rename and its old
 * outputs removed. */
sim_status rpt_sweep_dir_commit(const char *staging, const char *out, sim_error *err);
/* rm -rf (errors name the path). */
sim_status rpt_sweep_rmtree(const char *path, sim_error *err);

/* ---- execution (rpt_sweep_exec.c, rpt_sweep_mpi.c) ---------------------- */

/* A task list to run and where the results go. */
typedef struct rpt_sweep_exec {
    const rpt_sweep_plan *plan;
    rpt_sweep_result *res;         /* one slot per task of the sweep */
    sim_status *st;                /* per task */
    sim_error *errs;               /* per task */
    const int *todo;               /* tasks to run, longest first */
    int ntodo;
    const rpt_sweep_store *store;  /* each finished task is stored; NULL: none */
    int threads;                   /* per process */
    rpt_progress *bar;             /* may be NULL */
    long done;                     /* tasks finished so far */
    int *tasks_by_rank;            /* size ranks, filled by the run */
    int ranks;
} rpt_sweep_exec;

/* Run x->todo on x->threads OpenMP threads, dynamic schedule. */
void rpt_sweep_exec_openmp(rpt_sweep_exec *x);
/* Book a finished task: store it (a store failure becomes the task's
 * error), count it for `rank`, advance the progress bar.  Thread-safe. */
void rpt_sweep_exec_finish(rpt_sweep_exec *x, int t, int rank);

/* The processes of a run: MPI ranks, or one process. */
typedef struct rpt_sweep_world {
    int rank, size;
    bool mpi;              /* MPI initialised by us */
} rpt_sweep_world;

/* The MPI library built in ("Open MPI v4.1.4, ..."), or NULL in the plain
 * build. */
const char *rpt_sweep_mpi_library(void);
/* Join the world.  launched: the environment says an MPI launcher started
 * us with `size` processes (0: not launched).  Without MPI built in and
 * size > 1 this fails (each copy would run the whole sweep). */
sim_status rpt_sweep_world_init(rpt_sweep_world *w, int launched_size, sim_error *err);
void rpt_sweep_world_fini(rpt_sweep_world *w);
/* Collective: every rank gives its exit code (0 ok); returns the highest,
 * and *first the lowest rank whose code is not 0 (-1 when none). */
int rpt_sweep_world_agree(const rpt_sweep_world *w, int code, int *first);
/* Collective: rank 0's id. */
uint64_t rpt_sweep_world_bcast_id(const rpt_sweep_world *w, uint64_t id);
/* Collective: run the task list.  Rank 0 holds x->todo and hands tasks out
 * one at a time, longest first, to every rank's threads (its own too) and
 * gathers the results into x->res; the other ranks' x->todo is ignored and
 * their x->res stays empty.  One process: rpt_sweep_exec_openmp. */
void rpt_sweep_exec_world(const rpt_sweep_world *w, rpt_sweep_exec *x);

/* ---- outputs (rpt_sweep_out.c) ------------------------------------------ */

/* Write sweep.csv, sweep.json, charts/ and report.html/md into dir from
 * every task's results (all done).  *ncharts: charts drawn; *verdict (may
 * be NULL): the verdict on top of the report, for the terminal. */
sim_status rpt_sweep_write_outputs(const char *dir, const rpt_sweep_def *d,
                                   const rpt_sweep_result *res, bool png, int *ncharts,
                                   rpt_verdict *verdict, sim_error *err);

/* How the work was spread, for DIR/run_info.json (not part of the
 * byte-identical outputs). */
typedef struct rpt_sweep_info {
    uint64_t id;
    int ranks, threads;
    int tasks;             /* tasks in this output */
    int tasks_run;         /* run by this invocation */
    int tasks_resumed;     /* loaded from an interrupted run */
    const int *tasks_by_rank;
    const rpt_sweep_shard *shard;   /* NULL unless a shard */
    const int *tasks_by_shard;      /* merge: per shard; else NULL */
    int nshards;
    double wall_s;
} rpt_sweep_info;

sim_status rpt_sweep_write_run_info(const char *dir, const rpt_sweep_info *info, sim_error *err);

#endif /* RPT_SWEEP_H */
