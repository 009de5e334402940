/* sim_io.c - whole-file reads, atomic writes, mkdir -p, clocks. */
#include "sim/sim_io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

sim_status sim_atomic_open(sim_atomic *a, const char *path, sim_error *err)
{
    memset(a, 0, sizeof *a);
    snprintf(a->path, sizeof a->path, "%s", path);
    snprintf(a->tmp, sizeof a->tmp, "%s.tmp.%ld", path, (long)getpid());
    a->fp = fopen(a->tmp, "wb");
    if (!a->fp)
        SIM_FAIL(err, SIM_EIO, path, 0, NULL, "cannot write: %s", strerror(errno));
    return SIM_OK;
}

sim_status sim_atomic_commit(sim_atomic *a, sim_error *err)
{
    if (!a->fp)
        SIM_FAIL(err, SIM_EIO, a->path, 0, NULL, "file was not open");
    int bad = ferror(a->fp);
    bad |= fflush(a->fp) != 0;
    bad |= fclose(a->fp) != 0;
    a->fp = NULL;
    if (bad) {
        unlink(a->tmp);
        SIM_FAIL(err, SIM_EIO, a->path, 0, NULL, "write failed: %s", strerror(errno));
    }
    if (rename(a->tmp, a->path) != 0) {
        int e = errno;
        unlink(a->tmp);
        SIM_FAIL(err, SIM_EIO, a->path, 0, NULL, "cannot rename into place: %s",
                 strerror(e));
    }
    return SIM_OK;
}

void sim_atomic_abort(sim_atomic *a)
{
    if (a->fp) {
        fclose(a->fp);
        a->fp = NULL;
        unlink(a->tmp);
    }
}

sim_status sim_write_file_atomic(const char *path, const void *data, size_t n,
                                 sim_error *err)
{
    sim_atomic a;
    SIM_TRY(sim_atomic_open(&a, path, err));
    if (n && fwrite(data, 1, n, a.fp) != n) {
        sim_atomic_abort(&a);
        SIM_FAIL(err, SIM_EIO, path, 0, NULL, "write failed: %s", strerror(errno));
    }
    return sim_atomic_commit(&a, err);
}

sim_status sim_read_file(const char *path, char **out, size_t *len, sim_error *err)
{
    *out = NULL;
    if (len)
        *len = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        SIM_FAIL(err, errno == ENOENT ? SIM_ENOENT : SIM_EIO, path, 0, NULL,
                 "cannot open: %s", strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = sim_xmalloc(cap);
    for (;;) {
        if (cap - n < 2) {
            cap *= 2;
            buf = sim_xrealloc(buf, cap);
        }
        size_t k = fread(buf + n, 1, cap - n - 1, fp);
        n += k;
        if (k == 0)
            break;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        SIM_FAIL(err, SIM_EIO, path, 0, NULL, "read failed");
    }
    buf[n] = '\0';
    *out = buf;
    if (len)
        *len = n;
    return SIM_OK;
}

sim_status sim_mkdir_p(const char *dir, sim_error *err)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", dir);
    size_t n = strlen(buf);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                SIM_FAIL(err, SIM_EIO, dir, 0, NULL, "cannot create directory: %s",
                         strerror(errno));
            buf[i] = c;
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        SIM_FAIL(err, SIM_EIO, dir, 0, NULL, "not a directory");
    return SIM_OK;
}

bool sim_isatty_stderr(void) { return isatty(2) != 0; }

double sim_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double sim_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
