/* wl_cpu.h - hot image loops compiled twice, the faster copy picked at load.
 *
 * The build targets baseline x86-64 (SSE2), so one binary runs anywhere.
 * WL_CLONES on a function makes GCC also compile it for x86-64-v3 (AVX2,
 * BMI2: 256-bit integer vectors, and shifts by a register without the flags
 * dependency that the Huffman and bit-reader loops chain on), and glibc's
 * ifunc resolver picks the copy once, when the program loads.  Results are
 * identical (integer code only).  Elsewhere (other compilers, other
 * architectures, sanitizer builds) it is empty.
 */
#ifndef WL_CPU_H
#define WL_CPU_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(__SANITIZE_ADDRESS__)
#define WL_CLONES __attribute__((target_clones("default", "arch=x86-64-v3")))
#else
#define WL_CLONES
#endif

#endif /* WL_CPU_H */
