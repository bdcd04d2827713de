/*
 * C primitives behind fastkmeans' Cython kernels.
 *
 * Kept in C for one reason: `#pragma omp simd reduction` is the only portable
 * way to let the compiler vectorise a floating-point sum without -ffast-math
 * (which a shared library must never use: it breaks NaN/inf handling).
 * The summation order these pragmas choose is fixed at compile time, so the
 * results do not depend on the number of threads.
 */
#ifndef FASTKMEANS_KERNELS_H
#define FASTKMEANS_KERNELS_H

#include <stddef.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#define FK_PRAGMA(x) _Pragma(#x)

/* Squared Euclidean distance between two rows of n_features values. */
#define FK_DEFINE_SQDIST(T, NAME)                                        \
    static inline T NAME(const T *x, const T *c, ptrdiff_t n_features)   \
    {                                                                    \
        T sum = 0;                                                       \
        FK_PRAGMA(omp simd reduction(+:sum))                             \
        for (ptrdiff_t j = 0; j < n_features; j++) {                     \
            T diff = x[j] - c[j];                                        \
            sum += diff * diff;                                          \
        }                                                                \
        return sum;                                                      \
    }

FK_DEFINE_SQDIST(float, fk_sqdist_float)
FK_DEFINE_SQDIST(double, fk_sqdist_double)

static inline int fk_openmp_enabled(void)
{
#ifdef _OPENMP
    return 1;
#else
    return 0;
#endif
}

/* Threads an OpenMP region would use by default: honours OMP_NUM_THREADS
 * and omp_set_num_threads (which is what threadpoolctl calls). */
static inline int fk_omp_max_threads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

/* The vector instruction sets the kernels were compiled for. */
static inline const char *fk_simd_extensions(void)
{
    return ""
#if defined(__AVX512F__)
        "AVX512F "
#endif
#if defined(__AVX2__)
        "AVX2 "
#endif
#if defined(__FMA__)
        "FMA "
#endif
#if defined(__AVX__)
        "AVX "
#endif
#if defined(__SSE4_2__)
        "SSE4.2 "
#endif
#if defined(__SSE2__)
        "SSE2 "
#endif
#if defined(__ARM_NEON)
        "NEON "
#endif
        "";
}

#endif /* FASTKMEANS_KERNELS_H */
