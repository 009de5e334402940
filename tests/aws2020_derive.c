/* aws2020_derive.c - the compact form of the AWS Lambda 2020 measurements.
 *
 * Usage: aws2020_derive RAW.csv OUT.csv
 *
 * RAW is one `res-01-*.csv` of pacslab/serverless-performance-modeling
 * (experiments/results/, Mahmoudi & Khazaei, MIT): one row per invocation,
 * 22 columns, environment and VM ids as UUIDs, times as epoch seconds or
 * milliseconds.  OUT keeps what the lifecycle analysis needs, one row per
 * invocation, sorted by the client's send time (the raw rows are in
 * completion order, up to 0.42 s out of order at 0.1 req/s):
 *
 *   arrival_s   client_start_time minus the run's first one (s, 1 ms)
 *   env         exist_id renumbered 0, 1, ... in order of first use
 *   cold        is_cold (1: the first invocation of that environment)
 *   start_ms    start_time (in-handler clock) minus client_start_time (ms)
 *   handler_ms  end_time minus start_time (ms, the in-handler wall clock)
 *   client_ms   client_elapsed_time (ms)
 *   aws_ms      aws_duration (ms, Lambda's REPORT Duration)
 *   uptime_s    the microVM's /proc/uptime at the invocation (s)
 *
 * It also checks that each environment ran in a microVM of its own (exist_id
 * and vm_id one to one) and prints one summary line.  Not needed by the
 * tests: data/aws_lambda_2020/ holds its output (README there).
 */
#include "sim/sim_io.h"
#include "sim/sim_status.h"
#include "workloads/trace/wl_rows.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { C_COLD, C_EXIST, C_VM, C_UPTIME, C_START, C_END, C_AWS, C_CSTART, C_CELAPSED, C_N };
static const char *const k_cols[C_N] = {
    "is_cold", "exist_id", "vm_id", "uptime", "start_time", "end_time", "aws_duration",
    "client_start_time", "client_elapsed_time"
};

#define ID_MAX 64    /* a UUID is 36 characters */

typedef struct raw_row {
    double cstart, celapsed, start_ms, end_ms, aws_ms, uptime;
    int cold;
    size_t order;              /* position in the file: ties keep it */
    char exist[ID_MAX], vm[ID_MAX];
} raw_row;

typedef struct raw_run {
    raw_row *row;
    size_t n, cap;
} raw_run;

static int cmp_row(const void *a, const void *b)
{
    const raw_row *x = a, *y = b;
    if (x->cstart != y->cstart) return x->cstart < y->cstart ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static sim_status number(wl_rows *r, long c, const char *name, double *out, sim_error *err)
{
    const char *s = wl_rows_field(r, (size_t)c);
    if (!wl_parse_double(s, wl_rows_field_len(r, (size_t)c), out))
        SIM_FAIL(err, SIM_EFORMAT, r->path, r->row_line, name, "'%.40s' is not a number", s);
    return SIM_OK;
}

static sim_status parse_row(wl_rows *r, const long col[C_N], raw_row *x, sim_error *err)
{
    const char *cold = wl_rows_field(r, (size_t)col[C_COLD]);
    if (strcmp(cold, "True") != 0 && strcmp(cold, "False") != 0)
        SIM_FAIL(err, SIM_EFORMAT, r->path, r->row_line, "is_cold", "'%.20s' is not True/False", cold);
    x->cold = cold[0] == 'T';
    SIM_TRY(number(r, col[C_CSTART], "client_start_time", &x->cstart, err));
    SIM_TRY(number(r, col[C_CELAPSED], "client_elapsed_time", &x->celapsed, err));
    SIM_TRY(number(r, col[C_START], "start_time", &x->start_ms, err));
    SIM_TRY(number(r, col[C_END], "end_time", &x->end_ms, err));
    SIM_TRY(number(r, col[C_AWS], "aws_duration", &x->aws_ms, err));
    /* uptime is "up,idle" (both fields of /proc/uptime): the first one. */
    x->uptime = strtod(wl_rows_field(r, (size_t)col[C_UPTIME]), NULL);
    const char *e = wl_rows_field(r, (size_t)col[C_EXIST]), *v = wl_rows_field(r, (size_t)col[C_VM]);
    if (strlen(e) >= ID_MAX || strlen(v) >= ID_MAX || !e[0] || !v[0])
        SIM_FAIL(err, SIM_EFORMAT, r->path, r->row_line, "exist_id", "empty or over-long id");
    strcpy(x->exist, e);
    strcpy(x->vm, v);
    return SIM_OK;
}

static sim_status read_raw(const char *path, raw_run *run, sim_error *err)
{
    wl_rows r;
    SIM_TRY(wl_rows_open(&r, path, err));
    long col[C_N];
    bool got;
    sim_status st = wl_rows_next(&r, &got, err);
    if (st == SIM_OK && !got) st = SIM_ERR(err, SIM_EFORMAT, path, 1, NULL, "empty file");
    if (st == SIM_OK) st = wl_rows_find_columns(&r, k_cols, C_N, col, err);
    while (st == SIM_OK && (st = wl_rows_next(&r, &got, err)) == SIM_OK && got) {
        if (run->n == run->cap) {
            run->cap = run->cap ? 2 * run->cap : 1024;
            run->row = sim_xrealloc(run->row, run->cap * sizeof *run->row);
        }
        raw_row *x = &run->row[run->n];
        x->order = run->n;
        st = parse_row(&r, col, x, err);
        run->n++;
    }
    wl_rows_close(&r);
    if (st == SIM_OK && run->n == 0) st = SIM_ERR(err, SIM_EFORMAT, path, 2, NULL, "no rows");
    return st;
}

/* Index of id in ids[0..n) (added when new; ids hold pointers into rows). */
static int intern(const char **ids, int *n, const char *id)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(ids[i], id) == 0) return i;
    ids[*n] = id;
    return (*n)++;
}

static sim_status write_derived(const char *out, const raw_run *run, int *envs, bool *one_to_one,
                                sim_error *err)
{
    const char **ids = sim_xcalloc(run->n, sizeof *ids), **vms = sim_xcalloc(run->n, sizeof *vms);
    int *vm_of = sim_xcalloc(run->n, sizeof *vm_of);
    int nids = 0, nvms = 0;
    *one_to_one = true;
    sim_atomic a;
    sim_status st = sim_atomic_open(&a, out, err);
    if (st == SIM_OK) {
        fprintf(a.fp, "arrival_s,env,cold,start_ms,handler_ms,client_ms,aws_ms,uptime_s\n");
        double t0 = run->row[0].cstart;
        for (size_t i = 0; i < run->n; i++) {
            const raw_row *x = &run->row[i];
            int before = nids, env = intern(ids, &nids, x->exist), vm = intern(vms, &nvms, x->vm);
            if (env == before) vm_of[env] = vm;       /* first use of this environment */
            else if (vm_of[env] != vm) *one_to_one = false;
            fprintf(a.fp, "%.3f,%d,%d,%.1f,%.1f,%.1f,%.2f,%.2f\n", x->cstart - t0, env, x->cold,
                    x->start_ms - x->cstart * 1e3, x->end_ms - x->start_ms, x->celapsed * 1e3,
                    x->aws_ms, x->uptime);
        }
        if (nvms != nids) *one_to_one = false;
        st = sim_atomic_commit(&a, err);
    }
    *envs = nids;
    free(ids);
    free(vms);
    free(vm_of);
    return st;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: aws2020_derive RAW.csv OUT.csv\n");
        return 2;
    }
    raw_run run = { 0 };
    sim_error err;
    sim_error_clear(&err);
    int envs = 0;
    bool one_to_one = false;
    sim_status st = read_raw(argv[1], &run, &err);
    if (st == SIM_OK) {
        qsort(run.row, run.n, sizeof *run.row, cmp_row);
        st = write_derived(argv[2], &run, &envs, &one_to_one, &err);
    }
    if (st != SIM_OK) {
        sim_error_print(&err, stderr);
        free(run.row);
        return sim_status_exit_code(st);
    }
    size_t cold = 0;
    for (size_t i = 0; i < run.n; i++) cold += (size_t)run.row[i].cold;
    printf("%s: %zu invocations, %zu cold, %d environments, environment:microVM one to one: %s\n",
           argv[2], run.n, cold, envs, one_to_one ? "yes" : "no");
    free(run.row);
    return 0;
}
