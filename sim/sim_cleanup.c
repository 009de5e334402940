/* sim_cleanup.c - the registry of live temporaries and the signal handler
 * that removes them (see sim_cleanup.h for why this state is process-wide). */
#define _GNU_SOURCE /* getdents64 and struct dirent64 (glibc >= 2.30) */
#include "sim/sim_cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { SLOT_FREE, SLOT_WRITING, SLOT_LIVE };

typedef struct slot {
    atomic_int state;
    atomic_uint gen;           /* bumped at every claim (seqlock) */
    sim_cleanup_kind kind;
    char path[SIM_CLEANUP_PATH];
    char path2[SIM_CLEANUP_PATH];
} slot;

/* The one piece of process-wide mutable state in lambdasim (header). */
static slot g_slots[SIM_CLEANUP_SLOTS];

int sim_cleanup_add(sim_cleanup_kind kind, const char *path, const char *path2)
{
    if (strlen(path) >= SIM_CLEANUP_PATH || (path2 && strlen(path2) >= SIM_CLEANUP_PATH))
        return -1;
    for (int i = 0; i < SIM_CLEANUP_SLOTS; i++) {
        int want = SLOT_FREE;
        if (!atomic_compare_exchange_strong(&g_slots[i].state, &want, SLOT_WRITING))
            continue;
        slot *s = &g_slots[i];
        atomic_fetch_add(&s->gen, 1);
        s->kind = kind;
        memcpy(s->path, path, strlen(path) + 1);
        if (path2) memcpy(s->path2, path2, strlen(path2) + 1);
        else s->path2[0] = '\0';
        atomic_store(&s->state, SLOT_LIVE);
        return i;
    }
    return -1;
}

void sim_cleanup_release(int handle)
{
    if (handle < 0 || handle >= SIM_CLEANUP_SLOTS) return;
    atomic_store(&g_slots[handle].state, SLOT_FREE);
}

static bool is_dot(const char *n)
{
    return n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0'));
}

/* One pass over the directory at fd[*d]: unlink files, remove empty
 * folders, descend into the first non-empty one (returns true then). */
static bool empty_level(int *fd, char (*name)[256], int *d)
{
    /* getdents64 wants a buffer aligned for struct dirent64. */
    _Alignas(8) char buf[2048];
    for (;;) {
        ssize_t n = getdents64(fd[*d], buf, sizeof buf);
        if (n <= 0) return false;
        for (ssize_t off = 0; off < n;) {
            struct dirent64 *e = (struct dirent64 *)(void *)(buf + off);
            off += e->d_reclen;
            if (is_dot(e->d_name)) continue;
            if (e->d_type != DT_DIR && unlinkat(fd[*d], e->d_name, 0) == 0) continue;
            if (unlinkat(fd[*d], e->d_name, AT_REMOVEDIR) == 0) continue;
            if (*d + 1 >= SIM_CLEANUP_MAX_DEPTH) continue;
            int sub = openat(fd[*d], e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) continue;
            size_t len = strlen(e->d_name);
            memcpy(name[*d + 1], e->d_name, len + 1);
            fd[++*d] = sub;
            return true;
        }
    }
}

int sim_cleanup_remove_tree(const char *path)
{
    if (unlink(path) == 0) return 0;
    if (errno == ENOENT) return 0;
    if (errno != EISDIR && errno != EPERM) return -1;
    if (rmdir(path) == 0) return 0;
    if (errno != ENOTEMPTY && errno != EEXIST) return -1;
    int fd[SIM_CLEANUP_MAX_DEPTH];
    char name[SIM_CLEANUP_MAX_DEPTH][256];
    int d = 0;
    fd[0] = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd[0] < 0) return -1;
    /* Iterative, with a stack of open folders: descend into a non-empty
     * folder, and when it is empty remove it from its parent and read the
     * parent again from the start (the part of its listing we had read is
     * gone, and a rescan is cheap for report folders).  A folder we could not
     * remove is not rescanned, so an undeletable entry cannot loop. */
    for (;;) {
        if (empty_level(fd, name, &d)) continue;
        close(fd[d]);
        if (d == 0) break;
        d--;
        if (unlinkat(fd[d], name[d + 1], AT_REMOVEDIR) == 0) lseek(fd[d], 0, SEEK_SET);
    }
    return rmdir(path);
}

static void undo_slot(const slot *s, const char *p, const char *p2)
{
    switch (s->kind) {
    case SIM_CLEANUP_FILE: unlink(p); break;
    case SIM_CLEANUP_TREE: sim_cleanup_remove_tree(p); break;
    case SIM_CLEANUP_RESTORE:
        /* Put the set-aside folder back; if the new one is already in its
         * place the replace had finished, so the old one just goes. */
        if (rename(p, p2) != 0 && errno != ENOENT) sim_cleanup_remove_tree(p);
        break;
    }
}

static void undo_all(void)
{
    char p[SIM_CLEANUP_PATH], p2[SIM_CLEANUP_PATH];
    for (int i = 0; i < SIM_CLEANUP_SLOTS; i++) {
        slot *s = &g_slots[i];
        unsigned g = atomic_load(&s->gen);
        if (atomic_load(&s->state) != SLOT_LIVE) continue;
        memcpy(p, s->path, sizeof p);
        memcpy(p2, s->path2, sizeof p2);
        p[sizeof p - 1] = p2[sizeof p2 - 1] = '\0';
        if (atomic_load(&s->gen) != g || atomic_load(&s->state) != SLOT_LIVE) continue;
        undo_slot(s, p, p2);
    }
}

static void say(const char *s) { ssize_t r = write(2, s, strlen(s)); (void)r; }

static void on_signal(int sig)
{
    undo_all();
    if (sig != SIGPIPE) {
        say("lambdasim: interrupted by ");
        say(sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP");
        say("; temporary outputs removed\n");
    }
    _exit(128 + sig);
}

void sim_cleanup_install(void)
{
    static const int k_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof k_signals / sizeof k_signals[0]; i++)
        sigaddset(&sa.sa_mask, k_signals[i]);
    for (size_t i = 0; i < sizeof k_signals / sizeof k_signals[0]; i++) {
        struct sigaction old;
        /* A signal the parent set to be ignored (nohup, a background job of a
         * non-interactive shell) stays ignored, as POSIX utilities do. */
        if (sigaction(k_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(k_signals[i], &sa, NULL);
    }
}
