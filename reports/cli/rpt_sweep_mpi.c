/* rpt_sweep_mpi.c - a sweep's task list over MPI ranks, or, in the plain
 * build (no LAMBDASIM_MPI), a serial stand-in that runs it in this process.
 *
 * Dynamic scheduling, master and workers (the Makefile defines LAMBDASIM_MPI
 * and MPI's include path for this file only):
 *  - rank 0 holds the task list, longest first, and hands out one task at a
 *    time: to its own OpenMP threads directly, and to every thread of the
 *    other ranks on request.  Its thread 0 serves requests (MPI_Iprobe with
 *    a short nap, so an idle server costs no core) while threads 1..T run
 *    tasks;
 *  - a worker thread sends "ready" (its first message) or its last task's
 *    figures, and receives the next task number, -1 when none is left.  The
 *    send/receive pair runs under one critical section, so a rank's threads
 *    share MPI_THREAD_SERIALIZED safely and each reply reaches the thread
 *    that asked;
 *  - rank 0 books every result in its task's slot and store file: the
 *    outputs are then written from the slots in task order, exactly as in
 *    one process.
 * A rank that dies takes the run down: Open MPI's default error handling
 * ends every rank and mpirun exits non-zero, so no output is written; the
 * finished tasks are in the store for --resume.
 */
#include "reports/cli/rpt_sweep.h"

#ifdef LAMBDASIM_MPI

#include <mpi.h>
#include <omp.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STR_(x) #x
#define STR(x) STR_(x)
#ifdef OMPI_MAJOR_VERSION
#define MPI_LIB "Open MPI " STR(OMPI_MAJOR_VERSION) "." STR(OMPI_MINOR_VERSION) "." \
                STR(OMPI_RELEASE_VERSION)
#else
#define MPI_LIB "MPI " STR(MPI_VERSION) "." STR(MPI_SUBVERSION)
#endif

enum { TAG_REQUEST = 1, TAG_TASK = 2 };
enum { MSG_READY, MSG_RESULT, MSG_FAILED };

/* The server's nap between probes: short after a request, doubling to at
 * most 1 ms while idle (a task takes milliseconds or more). */
#define NAP_MIN_NS 20000L
#define NAP_MAX_NS 1000000L

const char *rpt_sweep_mpi_library(void) { return MPI_LIB; }

sim_status rpt_sweep_world_init(rpt_sweep_world *w, int launched_size, sim_error *err)
{
    *w = (rpt_sweep_world){ 0, 1, false };
    if (launched_size == 0) return SIM_OK;   /* not under mpirun: one plain process */
    int provided = 0;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
        SIM_FAIL(err, SIM_ERUN, NULL, 0, NULL, "MPI_Init_thread failed");
    w->mpi = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &w->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &w->size);
    if (provided < MPI_THREAD_SERIALIZED) {
        rpt_sweep_world_fini(w);
        SIM_FAIL(err, SIM_EUNSUPPORTED, NULL, 0, NULL,
                 "the MPI library gives no MPI_THREAD_SERIALIZED support (level %d)", provided);
    }
    return SIM_OK;
}

void rpt_sweep_world_fini(rpt_sweep_world *w)
{
    if (w->mpi) MPI_Finalize();
    w->mpi = false;
}

int rpt_sweep_world_agree(const rpt_sweep_world *w, int code, int *first)
{
    *first = code ? w->rank : -1;
    if (!w->mpi) return code;
    int mine = code ? w->rank : INT_MAX, low = INT_MAX, high = 0;
    MPI_Allreduce(&mine, &low, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&code, &high, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    *first = low == INT_MAX ? -1 : low;
    return high;
}

uint64_t rpt_sweep_world_bcast_id(const rpt_sweep_world *w, uint64_t id)
{
    if (w->mpi) MPI_Bcast(&id, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    return id;
}

/* ---- messages: a header, then the figures or the error ------------------------- */

typedef struct msg_head {
    int32_t kind, team, task, status, nfig, pad;
} msg_head;

typedef struct msg_buf {
    char *data;
    size_t len, cap;
} msg_buf;

static void buf_put(msg_buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->data = sim_xrealloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void buf_str(msg_buf *b, const char *s) { buf_put(b, s, strlen(s) + 1); }

/* kind READY (r, e NULL), RESULT (r) or FAILED (e). */
static void pack(msg_buf *b, int kind, int team, int task, sim_status st,
                 const rpt_sweep_result *r, const sim_error *e)
{
    b->len = 0;
    msg_head h = { kind, team, task, (int32_t)st, r ? r->n : 0, 0 };
    buf_put(b, &h, sizeof h);
    if (kind == MSG_RESULT) {
        buf_put(b, r->vals, (size_t)r->n * sizeof *r->vals);
        for (int i = 0; i < r->n; i++) buf_str(b, r->names[i]);
    } else if (kind == MSG_FAILED) {
        int64_t line = e->line;
        buf_put(b, &line, sizeof line);
        buf_str(b, e->input);
        buf_str(b, e->field);
        buf_str(b, e->msg);
    }
}

/* The next string of a message, advancing *p (bounds asserted: the peer is
 * this same program). */
static const char *take_str(const char **p, const char *end)
{
    const char *s = *p, *nul = memchr(s, '\0', (size_t)(end - s));
    SIM_ASSERT(nul);
    *p = nul + 1;
    return s;
}

static void unpack_result(const msg_head *h, const char *p, const char *end, rpt_sweep_result *r)
{
    SIM_ASSERT(h->nfig >= 0 && (size_t)(end - p) >= (size_t)h->nfig * sizeof(double));
    const char *names = p + (size_t)h->nfig * sizeof(double);
    for (int i = 0; i < h->nfig; i++) {
        double v;
        memcpy(&v, p + (size_t)i * sizeof v, sizeof v);
        rpt_sweep_result_add(r, take_str(&names, end), v);
    }
    r->done = true;
}

static void unpack_error(const char *p, const char *end, sim_status st, sim_error *e)
{
    int64_t line;
    SIM_ASSERT((size_t)(end - p) >= sizeof line);
    memcpy(&line, p, sizeof line);
    p += sizeof line;
    sim_error_clear(e);
    e->code = st;
    e->line = (long)line;
    snprintf(e->input, sizeof e->input, "%s", take_str(&p, end));
    snprintf(e->field, sizeof e->field, "%s", take_str(&p, end));
    snprintf(e->msg, sizeof e->msg, "%s", take_str(&p, end));
}

/* ---- rank 0: the server and its own threads ----------------------------------- */

typedef struct server {
    rpt_sweep_exec *x;
    int next;              /* position in x->todo */
    int *team, *stopped;   /* per rank: threads, threads told to stop */
    int ranks_done;
} server;

static int take_next(server *sv)
{
    int t = -1;
#pragma omp critical(sweep_next)
    if (sv->next < sv->x->ntodo) t = sv->x->todo[sv->next++];
    return t;
}

/* Book a message from rank src: its team size, and a task's outcome. */
static void book(server *sv, int src, const char *msg, size_t len)
{
    msg_head h;
    SIM_ASSERT(len >= sizeof h);
    memcpy(&h, msg, sizeof h);
    SIM_ASSERT(h.team >= 1 && (sv->team[src] == 0 || sv->team[src] == h.team));
    sv->team[src] = h.team;
    if (h.kind == MSG_READY) return;
    rpt_sweep_exec *x = sv->x;
    int t = h.task;
    SIM_ASSERT(t >= 0 && t < rpt_sweep_ntasks(&x->plan->def) && !x->res[t].done);
    const char *p = msg + sizeof h, *end = msg + len;
    x->st[t] = (sim_status)h.status;
    if (h.kind == MSG_RESULT) unpack_result(&h, p, end, &x->res[t]);
    else unpack_error(p, end, x->st[t], &x->errs[t]);
    rpt_sweep_exec_finish(x, t, src);
}

static void nap(long *ns)
{
    struct timespec ts = { 0, *ns };
    nanosleep(&ts, NULL);
    *ns = *ns * 2 > NAP_MAX_NS ? NAP_MAX_NS : *ns * 2;
}

static void serve(server *sv, int size)
{
    msg_buf b = { 0 };
    long ns = NAP_MIN_NS;
    while (sv->ranks_done < size - 1) {
        int flag = 0, len = 0;
        MPI_Status status;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_REQUEST, MPI_COMM_WORLD, &flag, &status);
        if (!flag) { nap(&ns); continue; }
        ns = NAP_MIN_NS;
        int src = status.MPI_SOURCE;
        MPI_Get_count(&status, MPI_BYTE, &len);
        if ((size_t)len > b.cap) b.data = sim_xrealloc(b.data, b.cap = (size_t)len);
        MPI_Recv(b.data, len, MPI_BYTE, src, TAG_REQUEST, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        book(sv, src, b.data, (size_t)len);
        int t = take_next(sv);
        MPI_Send(&t, 1, MPI_INT, src, TAG_TASK, MPI_COMM_WORLD);
        if (t < 0 && ++sv->stopped[src] == sv->team[src]) sv->ranks_done++;
    }
    free(b.data);
}

static void master(const rpt_sweep_world *w, rpt_sweep_exec *x)
{
    server sv = { .x = x };
    sv.team = sim_xcalloc((size_t)w->size, sizeof *sv.team);
    sv.stopped = sim_xcalloc((size_t)w->size, sizeof *sv.stopped);
    /* Thread 0 (the thread that initialised MPI) serves; the others run
     * tasks.  With fewer threads granted, the other ranks do the work. */
#pragma omp parallel num_threads(x->threads + 1)
    {
        if (omp_get_thread_num() == 0) {
            serve(&sv, w->size);
        } else {
            for (int t; (t = take_next(&sv)) >= 0;) {
                x->st[t] = rpt_sweep_run_task(x->plan, t, &x->res[t], &x->errs[t]);
                rpt_sweep_exec_finish(x, t, 0);
            }
        }
    }
    free(sv.stopped);
    free(sv.team);
}

/* ---- ranks 1..N-1: workers ------------------------------------------------------ */

static void worker(rpt_sweep_exec *x)
{
#pragma omp parallel num_threads(x->threads)
    {
        int team = omp_get_num_threads(), t;
        msg_buf b = { 0 };
        pack(&b, MSG_READY, team, -1, SIM_OK, NULL, NULL);
        for (;;) {
#pragma omp critical(sweep_mpi)
            {
                MPI_Send(b.data, (int)b.len, MPI_BYTE, 0, TAG_REQUEST, MPI_COMM_WORLD);
                MPI_Recv(&t, 1, MPI_INT, 0, TAG_TASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            }
            if (t < 0) break;
            rpt_sweep_result r = { 0 };
            sim_error e;
            sim_error_clear(&e);
            sim_status st = rpt_sweep_run_task(x->plan, t, &r, &e);
            pack(&b, st == SIM_OK ? MSG_RESULT : MSG_FAILED, team, t, st, &r, &e);
            rpt_sweep_result_fini(&r);
        }
        free(b.data);
    }
}

void rpt_sweep_exec_world(const rpt_sweep_world *w, rpt_sweep_exec *x)
{
    if (w->size == 1) rpt_sweep_exec_openmp(x);
    else if (w->rank == 0) master(w, x);
    else worker(x);
}

#else /* the plain build: one process */

const char *rpt_sweep_mpi_library(void) { return NULL; }

sim_status rpt_sweep_world_init(rpt_sweep_world *w, int launched_size, sim_error *err)
{
    *w = (rpt_sweep_world){ 0, 1, false };
    if (launched_size > 1)
        SIM_FAIL(err, SIM_EUNSUPPORTED, NULL, 0, NULL,
                 "started as one of %d MPI processes, but this lambdasim was built without MPI "
                 "(each copy would run the whole sweep): rebuild with Open MPI installed "
                 "(sh scripts/deps.sh; make MPI=1), or use --shard", launched_size);
    return SIM_OK;
}

void rpt_sweep_world_fini(rpt_sweep_world *w) { (void)w; }

int rpt_sweep_world_agree(const rpt_sweep_world *w, int code, int *first)
{
    (void)w;
    *first = code ? 0 : -1;
    return code;
}

uint64_t rpt_sweep_world_bcast_id(const rpt_sweep_world *w, uint64_t id)
{
    (void)w;
    return id;
}

void rpt_sweep_exec_world(const rpt_sweep_world *w, rpt_sweep_exec *x)
{
    (void)w;
    rpt_sweep_exec_openmp(x);
}

#endif
