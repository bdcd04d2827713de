/*
 * The input scan of fastkmeans.h: built with the OpenMP flags of the
 * extension modules (threads.c), never with -ffp-contract.
 */
/* clang reports "loop not vectorized" (-Wpass-failed) where an `omp simd`
 * loop calls a directed-rounding helper or breaks early; the pragma is a
 * request: where clang cannot honour it the loop runs scalar, still correct. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpass-failed"
#endif
#include "fastkmeans.h"

#define FK_PRAGMA(x) _Pragma(#x)

/* The common, all-finite case is one vectorised pass: v * 0 is 0 for every
 * finite v and NaN otherwise. */
#define FK_DEFINE_SCAN(T, NAME)                                                  \
    ptrdiff_t NAME(const T *values, ptrdiff_t n, double *max_abs)                \
    {                                                                            \
        T largest = 0, poison = 0;                                               \
        FK_PRAGMA(omp simd reduction(max:largest) reduction(+:poison))           \
        for (ptrdiff_t i = 0; i < n; i++) {                                      \
            T v = values[i] < 0 ? -values[i] : values[i];                        \
            largest = v > largest ? v : largest;                                 \
            poison += values[i] * 0;                                             \
        }                                                                        \
        if (poison == 0) {                                                       \
            *max_abs = (double)largest;                                          \
            return -1;                                                           \
        }                                                                        \
        largest = 0;                                                             \
        for (ptrdiff_t i = 0; i < n; i++) {                                      \
            T v = values[i] < 0 ? -values[i] : values[i];                        \
            if (values[i] - values[i] != 0) { /* NaN or infinity */              \
                *max_abs = (double)largest;                                      \
                return i;                                                        \
            }                                                                    \
            if (v > largest) largest = v;                                        \
        }                                                                        \
        *max_abs = (double)largest;                                              \
        return -1;                                                               \
    }

FK_DEFINE_SCAN(float, fk_scan_float)
FK_DEFINE_SCAN(double, fk_scan_double)
