/* check.h - the tiny test runner every tests/test_*.c shares.
 *
 * In the spirit of redis's testhelp.h and GSL's gsl_test: each check prints
 * nothing when it passes and "FAIL file:line: expr (values)" when it fails;
 * SKIP() says "skipped: why" for a part whose optional tool or input is
 * missing (never for a required one: that is a FAIL); check_report() prints
 * "<suite>: N passed, M failed[, K skipped]" and returns the exit code.
 * Output is flushed before anything can abort (ROSS).
 */
#ifndef CHECK_H
#define CHECK_H

#include <math.h>
#include <stdio.h>

typedef struct check_state {
    int pass, fail, skip;
} check_state;

/* One per test program; tests are single translation units. */
static check_state check__s;

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (cond) {                                                          \
            check__s.pass++;                                                 \
        } else {                                                             \
            check__s.fail++;                                                 \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);           \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
            fflush(stdout);                                                  \
        }                                                                    \
    } while (0)

/* A part that cannot run here (optional tool or input missing): counted as
 * skipped, with the reason on its own line for tests/run_tests.sh. */
#define SKIP(...)                                                            \
    do {                                                                     \
        check__s.skip++;                                                     \
        printf("skipped: ");                                                 \
        printf(__VA_ARGS__);                                                 \
        printf("\n");                                                        \
        fflush(stdout);                                                      \
    } while (0)

/* |a - b| <= rel * |b| */
#define CHECK_REL(a, b, rel, what)                                           \
    do {                                                                     \
        double check__a = (a), check__b = (b);                               \
        CHECK(fabs(check__a - check__b) <= (rel) * fabs(check__b),           \
              "%s: got %.10g, want %.10g (rel tol %g)", (what), check__a,     \
              check__b, (double)(rel));                                      \
    } while (0)

/* |a - b| <= tol */
#define CHECK_ABS(a, b, tol, what)                                           \
    do {                                                                     \
        double check__a = (a), check__b = (b);                               \
        CHECK(fabs(check__a - check__b) <= (tol),                            \
              "%s: got %.10g, want %.10g (abs tol %g)", (what), check__a,     \
              check__b, (double)(tol));                                      \
    } while (0)

/* lo <= a <= hi */
#define CHECK_RANGE(a, lo, hi, what)                                         \
    do {                                                                     \
        double check__a = (a);                                               \
        CHECK(check__a >= (lo) && check__a <= (hi),                          \
              "%s: got %.10g, want in [%g, %g]", (what), check__a,           \
              (double)(lo), (double)(hi));                                   \
    } while (0)

static inline int check_report(const char *suite)
{
    if (check__s.skip)
        printf("%s: %d passed, %d failed, %d skipped\n", suite, check__s.pass, check__s.fail,
               check__s.skip);
    else
        printf("%s: %d passed, %d failed\n", suite, check__s.pass, check__s.fail);
    fflush(stdout);
    return check__s.fail ? 1 : 0;
}

#endif /* CHECK_H */
