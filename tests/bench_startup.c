/* bench_startup.c - how long lambdasim takes to start and answer.
 *
 * A `size` call or a small run is mostly start-up: loading the program and
 * its libraries (GSL, json-c, libplot, libxml2, libpng, libjpeg, libcsv)
 * before main.  Times, by fork/exec and clock_gettime around the child:
 *   - `lambdasim --help`,
 *   - `lambdasim size --oracle F` on a 46-row oracle (9 sizes x 5 rows,
 *     Power Tuning's 1/m shape, written into $BUILD/bench-startup/),
 *   - /bin/true, the baseline: a C program that links only libc, so the
 *     machine's own fork/exec cost on this (shared, noisy) VM is visible
 *     next to ours.
 * The three run in turn, ROUNDS times, output to /dev/null; figures are
 * medians.  Wall time is what a user waits; the child's CPU time (user +
 * sys from wait4) is steadier when other jobs share the cores.  Prints
 *   BENCH startup_ms           median wall of --help (goal <= 15 ms)
 *   BENCH startup_size_ms      median wall of size --oracle (goal <= 15 ms)
 *   BENCH startup_baseline_ms  median wall of /bin/true
 *   BENCH startup_cpu_ms       median CPU of --help
 *   BENCH startup_size_cpu_ms  median CPU of size --oracle
 * Run from the repository root (size reads data/prices/).
 */
#include "sim/sim_io.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 41
#define NCMD 3

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

static double children_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

/* One fork/exec/wait: wall seconds, child CPU seconds (the growth of the
 * waited-for children's total); -1 on failure. */
static double run_once(char *const argv[], double *cpu)
{
    double c0 = children_cpu();
    double t0 = sim_wall_seconds();
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) return -1;
    double wall = sim_wall_seconds() - t0;
    *cpu = children_cpu() - c0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? wall : -1;
}

static int write_oracle(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    static const int sizes[] = { 128, 256, 384, 512, 768, 1024, 1536, 1769, 2048 };
    fprintf(f, "memory_mb,duration_ms\n");
    for (int i = 0; i < 9; i++)
        for (int r = 1; r <= 5; r++) {
            double c = sizes[i] < 1769 ? sizes[i] : 1769;
            fprintf(f, "%d,%.3f\n", sizes[i], 37002.0 * 128 / c * (1 + 0.01 * r));
        }
    return fclose(f);
}

int main(void)
{
    const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
    char bin[512], dir[512], oracle[600];
    snprintf(bin, sizeof bin, "%s", getenv("LAMBDASIM") ? getenv("LAMBDASIM") : "build/lambdasim");
    snprintf(dir, sizeof dir, "%s/bench-startup", build);
    snprintf(oracle, sizeof oracle, "%s/oracle46.csv", dir);
    sim_error err;
    if (sim_mkdir_p(dir, &err) != SIM_OK || write_oracle(oracle) != 0) {
        fprintf(stderr, "bench_startup: cannot write %s\n", oracle);
        return 1;
    }
    static char a_help[] = "--help", a_size[] = "size", a_oracle[] = "--oracle",
                a_true[] = "/bin/true";
    char *help[] = { bin, a_help, NULL };
    char *size[] = { bin, a_size, a_oracle, oracle, NULL };
    char *base[] = { a_true, NULL };
    char *const *cmds[NCMD] = { help, size, base };
    static const char *const names[NCMD] = { "--help", "size --oracle", "/bin/true" };
    double wall[NCMD][ROUNDS], cpu[NCMD][ROUNDS];
    for (int r = 0; r < ROUNDS; r++)
        for (int c = 0; c < NCMD; c++) {
            wall[c][r] = run_once(cmds[c], &cpu[c][r]);
            if (wall[c][r] < 0) {
                fprintf(stderr, "bench_startup: %s %s failed\n", cmds[c][0], names[c]);
                return 1;
            }
        }
    double mw[NCMD], mc[NCMD];
    for (int c = 0; c < NCMD; c++) {
        mw[c] = 1e3 * median(wall[c], ROUNDS);
        mc[c] = 1e3 * median(cpu[c], ROUNDS);
        fprintf(stderr, "bench_startup: %-14s wall %.2f ms, cpu %.2f ms (median of %d)\n",
                names[c], mw[c], mc[c], ROUNDS);
    }
    printf("BENCH startup_ms %.2f ms\n", mw[0]);
    printf("BENCH startup_size_ms %.2f ms\n", mw[1]);
    printf("BENCH startup_baseline_ms %.2f ms\n", mw[2]);
    printf("BENCH startup_cpu_ms %.2f ms\n", mc[0]);
    printf("BENCH startup_size_cpu_ms %.2f ms\n", mc[1]);
    return 0;
}
