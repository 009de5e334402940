/* sim_io.c - whole-file reads, atomic files and folders, mkdir -p, stdout, clocks. */
#include "sim/sim_io.h"
#include "sim/sim_cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

const char *sim_errno_text(int e, char *buf, size_t n)
{
    snprintf(buf, n, "%s", strerror(e));
    if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

sim_status sim_atomic_open(sim_atomic *a, const char *path, sim_error *err)
{
    memset(a, 0, sizeof *a);
    snprintf(a->path, sizeof a->path, "%s", path);
    snprintf(a->tmp, sizeof a->tmp, "%s.tmp.%ld", path, (long)getpid());
    /* Registered before it exists, so no moment has it on disk unlisted. */
    a->reg = sim_cleanup_add(SIM_CLEANUP_FILE, a->tmp, NULL);
    a->fp = fopen(a->tmp, "wb");
    if (!a->fp) {
        char why[128];
        sim_errno_text(errno, why, sizeof why);
        sim_cleanup_release(a->reg);
        a->reg = -1;
        SIM_FAIL(err, SIM_EIO, path, 0, NULL, "cannot write: %s", why);
    }
    return SIM_OK;
}

sim_status sim_atomic_commit(sim_atomic *a, sim_error *err)
{
    char why[128];
    if (!a->fp)
        SIM_FAIL(err, SIM_EIO, a->path, 0, NULL, "file was not open");
    int bad = ferror(a->fp);
    errno = 0;
    bad |= fflush(a->fp) != 0;
    int e = errno;
    /* A write that failed earlier (a library writing through the FILE)
     * left only the error flag: a full file system is the usual cause, so
     * name it when the disk has no block left. */
    struct statvfs vfs;
    if (bad && !e && fstatvfs(fileno(a->fp), &vfs) == 0 && vfs.f_bavail == 0) e = ENOSPC;
    bad |= fclose(a->fp) != 0;
    if (!e) e = errno;
    a->fp = NULL;
    if (bad) {
        unlink(a->tmp);
        sim_cleanup_release(a->reg);
        a->reg = -1;
        SIM_FAIL(err, SIM_EIO, a->path, 0, NULL, "write failed: %s",
                 e ? sim_errno_text(e, why, sizeof why) : "output lost");
    }
    if (rename(a->tmp, a->path) != 0) {
        e = errno;
        unlink(a->tmp);
        sim_cleanup_release(a->reg);
        a->reg = -1;
        SIM_FAIL(err, SIM_EIO, a->path, 0, NULL, "cannot rename into place: %s",
                 sim_errno_text(e, why, sizeof why));
    }
    sim_cleanup_release(a->reg);
    a->reg = -1;
    return SIM_OK;
}

void sim_atomic_abort(sim_atomic *a)
{
    if (a->fp) {
        fclose(a->fp);
        a->fp = NULL;
        unlink(a->tmp);
        sim_cleanup_release(a->reg);
        a->reg = -1;
    }
}

/* ---- folders written as a whole ---------------------------------------- */

/* May an existing target be replaced?  Only a folder that is empty or holds
 * a summary.json (every report folder lambdasim writes has one). */
static sim_status check_replaceable(const char *target, sim_error *err)
{
    struct stat st;
    if (lstat(target, &st) != 0) return SIM_OK;   /* absent: nothing to replace */
    if (!S_ISDIR(st.st_mode))
        SIM_FAIL(err, SIM_EIO, target, 0, NULL, "exists and is not a directory");
    char p[1100];
    snprintf(p, sizeof p, "%s/summary.json", target);
    if (access(p, F_OK) == 0) return SIM_OK;
    DIR *dir = opendir(target);
    if (!dir) {
        char why[128];
        SIM_FAIL(err, SIM_EIO, target, 0, NULL, "cannot read the folder: %s",
                 sim_errno_text(errno, why, sizeof why));
    }
    bool empty = true;
    for (struct dirent *e; empty && (e = readdir(dir)) != NULL;)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(dir);
    if (!empty)
        SIM_FAIL(err, SIM_EIO, target, 0, NULL,
                 "exists and holds files that are not a lambdasim report (no summary.json); "
                 "give a new or empty folder");
    return SIM_OK;
}

/* The folder that contains path ("." for a bare name). */
static void parent_of(const char *path, char *buf, size_t n)
{
    snprintf(buf, n, "%s", path);
    size_t len = strlen(buf);
    while (len > 1 && buf[len - 1] == '/') buf[--len] = '\0';
    char *slash = strrchr(buf, '/');
    if (!slash) snprintf(buf, n, ".");
    else if (slash == buf) buf[1] = '\0';
    else *slash = '\0';
}

sim_status sim_atomic_dir_open(sim_atomic_dir *d, const char *target, sim_error *err)
{
    memset(d, 0, sizeof *d);
    d->reg = -1;
    snprintf(d->target, sizeof d->target, "%s", target);
    size_t len = strlen(d->target);
    while (len > 1 && d->target[len - 1] == '/') d->target[--len] = '\0';
    SIM_TRY(check_replaceable(d->target, err));
    char parent[1024];
    parent_of(d->target, parent, sizeof parent);
    SIM_TRY(sim_mkdir_p(parent, err));
    snprintf(d->tmp, sizeof d->tmp, "%s.tmp.%ld", d->target, (long)getpid());
    snprintf(d->old, sizeof d->old, "%s.old.%ld", d->target, (long)getpid());
    /* A leftover of an earlier process with our pid (after a SIGKILL). */
    sim_cleanup_remove_tree(d->tmp);
    d->reg = sim_cleanup_add(SIM_CLEANUP_TREE, d->tmp, NULL);
    if (mkdir(d->tmp, 0777) != 0) {
        char why[128];
        sim_errno_text(errno, why, sizeof why);
        sim_cleanup_release(d->reg);
        d->reg = -1;
        SIM_FAIL(err, SIM_EIO, d->target, 0, NULL, "cannot create the output folder: %s", why);
    }
    d->open = true;
    return SIM_OK;
}

const char *sim_atomic_dir_path(const sim_atomic_dir *d)
{
    SIM_ASSERT(d->open);
    return d->tmp;
}

void sim_atomic_dir_abort(sim_atomic_dir *d)
{
    if (!d->open) return;
    sim_cleanup_remove_tree(d->tmp);
    sim_cleanup_release(d->reg);
    d->reg = -1;
    d->open = false;
}

sim_status sim_atomic_dir_commit(sim_atomic_dir *d, sim_error *err)
{
    char why[128];
    SIM_ASSERT(d->open);
    sim_status st = check_replaceable(d->target, err);
    struct stat sb;
    bool had_old = st == SIM_OK && lstat(d->target, &sb) == 0;
    int restore = -1;
    if (had_old) {
        restore = sim_cleanup_add(SIM_CLEANUP_RESTORE, d->old, d->target);
        if (rename(d->target, d->old) != 0)
            st = SIM_ERR(err, SIM_EIO, d->target, 0, NULL, "cannot move the old folder aside: %s",
                         sim_errno_text(errno, why, sizeof why));
    }
    if (st == SIM_OK && rename(d->tmp, d->target) != 0) {
        st = SIM_ERR(err, SIM_EIO, d->target, 0, NULL, "cannot rename into place: %s",
                     sim_errno_text(errno, why, sizeof why));
        if (had_old) rename(d->old, d->target);   /* put the old report back */
    }
    if (st != SIM_OK) {
        sim_cleanup_release(restore);
        sim_atomic_dir_abort(d);
        return st;
    }
    /* The new folder is in place: the tmp entry is gone, the old folder
     * only has to go (a signal now would remove it, see RESTORE). */
    sim_cleanup_release(d->reg);
    d->reg = -1;
    d->open = false;
    if (had_old) sim_cleanup_remove_tree(d->old);
    sim_cleanup_release(restore);
    return SIM_OK;
}

sim_status sim_write_file_atomic(const char *path, const void *data, size_t n,
                                 sim_error *err)
{
    sim_atomic a;
    SIM_TRY(sim_atomic_open(&a, path, err));
    if (n && fwrite(data, 1, n, a.fp) != n) {
        char why[128];
        sim_errno_text(errno, why, sizeof why);
        sim_atomic_abort(&a);
        SIM_FAIL(err, SIM_EIO, path, 0, NULL, "write failed: %s", why);
    }
    return sim_atomic_commit(&a, err);
}

sim_status sim_open_read(const char *path, FILE **fp, sim_error *err)
{
    char why[128];
    *fp = fopen(path, "rb");
    if (!*fp)
        SIM_FAIL(err, errno == ENOENT ? SIM_ENOENT : SIM_EIO, path, 0, NULL, "cannot open: %s",
                 sim_errno_text(errno, why, sizeof why));
    struct stat st;
    if (fstat(fileno(*fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(*fp);
        *fp = NULL;
        SIM_FAIL(err, SIM_EIO, path, 0, NULL, "is a directory, not a file");
    }
    return SIM_OK;
}

sim_status sim_read_file(const char *path, char **out, size_t *len, sim_error *err)
{
    *out = NULL;
    if (len)
        *len = 0;
    FILE *fp;
    SIM_TRY(sim_open_read(path, &fp, err));
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
    int bad = ferror(fp), e = errno;
    fclose(fp);
    if (bad) {
        char why[128];
        free(buf);
        SIM_FAIL(err, SIM_EIO, path, 0, NULL, "read failed: %s", sim_errno_text(e, why, sizeof why));
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
            if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
                char why[128];
                SIM_FAIL(err, SIM_EIO, dir, 0, NULL, "cannot create directory: %s",
                         sim_errno_text(errno, why, sizeof why));
            }
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

sim_status sim_stdout_close(sim_error *err)
{
    char why[128];
    errno = 0;
    int bad = ferror(stdout);
    bad |= fflush(stdout) != 0;
    int e = errno;
    bad |= fclose(stdout) != 0;
    if (!e) e = errno;
    /* The reason is known only if this last flush failed; an earlier
     * failed write left just the stream's error flag. */
    if (bad)
        SIM_FAIL(err, SIM_ERUN, "stdout", 0, NULL, "write failed: %s",
                 e ? sim_errno_text(e, why, sizeof why) : "output lost");
    return SIM_OK;
}
