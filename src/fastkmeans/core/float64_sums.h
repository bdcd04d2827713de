/*
 * |x - y|^2 of two rows of float or double, the squares summed in float64
 * (private to the core): the bounds' |x - m|^2 and row norms (bounds.c),
 * and the same sum taken by the dense kernel while it has the row in cache
 * (kernels.c, fk_nearest_two_rows). Within (2 d + 8) eps64 of the true
 * value in any order of the sum (the bounds rely on that, not on the bits).
 *
 * Inline into the caller's instruction set: the loop is vectorised for the
 * target of the function it lands in.
 */
#ifndef FASTKMEANS_FLOAT64_SUMS_H
#define FASTKMEANS_FLOAT64_SUMS_H

#include <stddef.h>

#define FK_SQ_DIST_F64(NAME, T)                                                              \
    static inline __attribute__((always_inline)) double NAME(const T *x, const T *y,       \
                                                             ptrdiff_t d)                  \
    {                                                                                      \
        double sum = 0.0;                                                                  \
        _Pragma("omp simd reduction(+:sum)") for (ptrdiff_t f = 0; f < d; f++)             \
        {                                                                                  \
            const double diff = (double)x[f] - (double)y[f];                               \
            sum += diff * diff;                                                            \
        }                                                                                  \
        return sum;                                                                        \
    }
FK_SQ_DIST_F64(fk_sq_dist_f64_of_f32, float)
FK_SQ_DIST_F64(fk_sq_dist_f64_of_f64, double)
#undef FK_SQ_DIST_F64

/* fk_sq_dist_f64(x, y, d) for rows of either precision */
#define fk_sq_dist_f64(x, y, d)                                                              \
    _Generic((x), float *: fk_sq_dist_f64_of_f32, const float *: fk_sq_dist_f64_of_f32,     \
             double *: fk_sq_dist_f64_of_f64, const double *: fk_sq_dist_f64_of_f64)(x, y, d)

#endif
