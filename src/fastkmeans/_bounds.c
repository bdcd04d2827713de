/*
 * The bounded assignment of the accelerated k-means variants (see _bounds.h),
 * compiled for float32 and float64, each cloned for AVX-512, AVX2 and the
 * baseline and chosen at load time (target_clones): the distance loops here
 * are plain C that the compiler vectorises for each target.
 */
#include "_bounds.h"

#include <math.h>
#include <stdlib.h>

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__) && defined(__linux__)
#define FK_B_TARGETS __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define FK_B_TARGETS
#endif
#define FK_B_INLINE static inline __attribute__((always_inline))

/* Centers per register block of soa_sq_dists; groups smaller than
 * FK_B_SMALL_GROUP are read row by row instead. */
#define FK_B_BLOCK 32
#define FK_B_SMALL_GROUP 8
/* ... and so are groups smaller than a block when rows are this long. */
#define FK_B_ROW_MIN_D 16

/* Outward rounding of the bounds: each operation below is exact to half an
 * ulp in float64; widening by 2^-50 (relative) covers it with room. */
#define FK_B_WIDEN 0x1p-50

/* An upper bound on sqrt(v) when v is within gamma (relative) of a true
 * squared distance. */
static inline double fk_up(double v, double gamma)
{
    return sqrt(v * (1.0 + gamma)) * (1.0 + FK_B_WIDEN);
}

/* A lower bound on the true distance behind the computed square v. */
static inline double fk_down(double v, double gamma)
{
    if (!(v > 0)) return 0.0;
    if (v == INFINITY) return INFINITY;
    return sqrt(v * (1.0 - gamma)) * (1.0 - FK_B_WIDEN);
}

/* a + b rounded up (a, b >= 0). */
static inline double fk_add_up(double a, double b)
{
    return (a + b) * (1.0 + FK_B_WIDEN);
}

/* a - b rounded down. */
static inline double fk_sub_down(double a, double b)
{
    double diff = a - b;
    return diff - fabs(diff) * FK_B_WIDEN;
}

/* The larger of two bounds (neither is NaN); fmax is a library call. */
static inline double fk_max(double a, double b)
{
    return a > b ? a : b;
}

/* Whether every center at distance >= lower is farther than the one at
 * distance <= upper by more than `margin` in squared distance. */
static inline int fk_certain(double lower, double upper, double margin)
{
    return lower > upper && (lower - upper) * (lower + upper) * (1.0 - FK_B_WIDEN) > margin;
}

#define FK_T float
#define FK_SUF f32
#define FK_B_ASSIGN fk_assign_rows_f32
#include "_bounds_impl.h"

#define FK_T double
#define FK_SUF f64
#define FK_B_ASSIGN fk_assign_rows_f64
#include "_bounds_impl.h"

/* Lower bounds on the distances from center i to every center (row[i] is
 * +inf): direct differences in float64, rounded down. centers_t is the
 * (d, k) transpose of the centers, so the centers fill the vector lanes. */
FK_B_TARGETS void fk_center_gaps(const double *centers_t, ptrdiff_t k, ptrdiff_t d,
                                 ptrdiff_t i, double *row)
{
    const double shrink = (1.0 - (2.0 * (double)d + 8.0) * 0x1p-53) * (1.0 - FK_B_WIDEN);
    for (ptrdiff_t j = 0; j < k; j++) row[j] = 0.0;
    for (ptrdiff_t f = 0; f < d; f++) {
        const double *values = centers_t + f * k;
        const double ci = values[i];
#pragma omp simd
        for (ptrdiff_t j = 0; j < k; j++) {
            double diff = ci - values[j];
            row[j] += diff * diff;
        }
    }
#pragma omp simd
    for (ptrdiff_t j = 0; j < k; j++) row[j] = sqrt(row[j]) * shrink;
    row[i] = INFINITY;
}
