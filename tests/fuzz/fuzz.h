/* fuzz.h - what the fuzz harnesses (tests/fuzz/fuzz_<target>.c) share.
 *
 * Each harness defines LLVMFuzzerTestOneInput (libFuzzer's entry point,
 * also driven by afl++'s driver and by tests/fuzz/replay.c, which needs no
 * fuzzer runtime) and feeds the bytes to lambdasim's own loader for one input
 * format, the way the command line would: through a file, since the loaders
 * take paths.  The file is a memfd (no disk I/O, no clean-up), named
 * "/proc/self/fd/N".  Inputs made of several files (ASL: definition, input,
 * mocks; Azure 2019: invocations, durations, memory) are one fuzz input split
 * at NUL bytes, which none of those text formats may contain.
 *
 * A harness returns 0 whatever the loader says: bad input must give an
 * error, and only a crash, a sanitizer report, a hang or an assertion is a
 * finding.
 */
#ifndef FUZZ_H
#define FUZZ_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fuzz_file {
    int fd;
    char path[64];
} fuzz_file;

/* A memfd holding data[0..n), and its path; fd -1 if memfd failed. */
static inline void fuzz_file_open(fuzz_file *f, const uint8_t *data, size_t n)
{
    f->fd = memfd_create("lambdasim-fuzz", MFD_CLOEXEC);
    snprintf(f->path, sizeof f->path, "/proc/self/fd/%d", f->fd);
    for (size_t off = 0; f->fd >= 0 && off < n;) {
        ssize_t w = write(f->fd, data + off, n - off);
        if (w <= 0) break;
        off += (size_t)w;
    }
}

static inline void fuzz_file_close(fuzz_file *f)
{
    if (f->fd >= 0) close(f->fd);
    f->fd = -1;
}

/* Split at NUL bytes into at most max parts (the last part keeps any
 * further NULs); returns the number of parts (>= 1). */
static inline int fuzz_split(const uint8_t *data, size_t n, const uint8_t **part, size_t *len,
                             int max)
{
    int k = 0;
    size_t start = 0;
    for (size_t i = 0; i < n && k + 1 < max; i++) {
        if (data[i] == 0) {
            part[k] = data + start;
            len[k++] = i - start;
            start = i + 1;
        }
    }
    part[k] = data + start;
    len[k++] = n - start;
    return k;
}

/* The NUL-terminated copy of a part (owned by the caller, free()). */
static inline char *fuzz_text(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    if (!s) return NULL;
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

#endif /* FUZZ_H */
