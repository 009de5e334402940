/* sim_num.h - strict decimal numbers from text: the one number parser of
 * every CSV reader (our trace, the Azure traces, the sizing oracle, the
 * init-duration table) and of command-line options.
 *
 * strtod and strtoll are lenient in ways that hide mistakes in a data file:
 * they skip leading white space, read "0x10" as 16, "inf" and "nan" as
 * numbers, and clamp an overflow to the largest value.  Here a number is
 * exactly the decimal form  [+-]? (D+ [.D*] | .D+) ([eE] [+-]? D+)?  over the
 * whole field: no white space, no hex, no infinity or NaN, no trailing text;
 * a double must be finite and an integer must fit.  The validated text is
 * then converted by strtod/strtoll (C locale), so values are bit-identical to
 * before for every well-formed field.  Cost: one pass over the field, no
 * allocation.
 */
#ifndef SIM_NUM_H
#define SIM_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    SIM_NUM_OK,
    SIM_NUM_SYNTAX,   /* not a decimal number (message: "is not a number") */
    SIM_NUM_RANGE     /* a number, but infinite or beyond the integer type */
} sim_num_result;

/* s[0..len) as a finite double. */
sim_num_result sim_num_double(const char *s, size_t len, double *out);
/* s[0..len) as a signed 64-bit integer (sign and digits only). */
sim_num_result sim_num_i64(const char *s, size_t len, int64_t *out);
/* s[0..len) as an unsigned 64-bit integer (digits only, no sign). */
sim_num_result sim_num_u64(const char *s, size_t len, uint64_t *out);

#endif /* SIM_NUM_H */
