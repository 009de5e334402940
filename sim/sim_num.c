/* sim_num.c - strict decimal numbers (see sim_num.h). */
#include "sim/sim_num.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool digit(char c) { return c >= '0' && c <= '9'; }

/* Length of the decimal form at s (0 when s[0..len) is not one); *integer
 * says it has neither fraction nor exponent. */
static bool decimal_form(const char *s, size_t len, bool *integer)
{
    size_t i = 0, lead = 0, frac = 0;
    if (i < len && (s[i] == '+' || s[i] == '-')) i++;
    while (i < len && digit(s[i])) i++, lead++;
    *integer = true;
    if (i < len && s[i] == '.') {
        *integer = false;
        i++;
        while (i < len && digit(s[i])) i++, frac++;
    }
    if (lead + frac == 0) return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        *integer = false;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) i++;
        size_t exp = 0;
        while (i < len && digit(s[i])) i++, exp++;
        if (exp == 0) return false;
    }
    return i == len;
}

/* Copy to a NUL-terminated buffer for strtod/strtoll (fields are not
 * terminated in general).  Longer than any sane number: refused. */
static bool terminated(const char *s, size_t len, char *buf, size_t n)
{
    if (len == 0 || len >= n) return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return true;
}

sim_num_result sim_num_double(const char *s, size_t len, double *out)
{
    bool integer;
    char buf[128];
    if (!decimal_form(s, len, &integer) || !terminated(s, len, buf, sizeof buf))
        return SIM_NUM_SYNTAX;
    errno = 0;
    double v = strtod(buf, NULL);
    /* ERANGE on underflow (1e-400) gives a usable 0 or subnormal; only an
     * infinite result is out of range. */
    if (!isfinite(v)) return SIM_NUM_RANGE;
    *out = v;
    return SIM_NUM_OK;
}

sim_num_result sim_num_i64(const char *s, size_t len, int64_t *out)
{
    bool integer;
    char buf[128];
    if (!decimal_form(s, len, &integer) || !integer || !terminated(s, len, buf, sizeof buf))
        return SIM_NUM_SYNTAX;
    errno = 0;
    long long v = strtoll(buf, NULL, 10);
    if (errno == ERANGE) return SIM_NUM_RANGE;
    *out = (int64_t)v;
    return SIM_NUM_OK;
}

sim_num_result sim_num_u64(const char *s, size_t len, uint64_t *out)
{
    bool integer;
    char buf[128];
    if (len == 0 || !digit(s[0]) || !decimal_form(s, len, &integer) || !integer ||
        !terminated(s, len, buf, sizeof buf))
        return SIM_NUM_SYNTAX;
    errno = 0;
    unsigned long long v = strtoull(buf, NULL, 10);
    if (errno == ERANGE) return SIM_NUM_RANGE;
    *out = (uint64_t)v;
    return SIM_NUM_OK;
}
