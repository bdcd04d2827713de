/*
 * The bounded assignment of the accelerated k-means variants (see
 * fastkmeans.h), compiled for float32 and float64, each for the x86-64-v4
 * and -v3 levels and the baseline (template: bounds_impl.h), dispatched on
 * the bounds family's path (dispatch.c): the distance loops here are plain
 * C that the compiler vectorises for each target.
 */
/* clang reports "loop not vectorized" (-Wpass-failed) where an `omp simd`
 * loop calls a directed-rounding helper or breaks early; the pragma is a
 * request: where clang cannot honour it the loop runs scalar, still correct. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpass-failed"
#endif
#include "fastkmeans.h"
#include "dispatch.h"
#include "interrupt.h"

#include <math.h>
#include <stdlib.h>

#define FK_B_INLINE static inline __attribute__((always_inline))

/* Centers per register block of soa_sq_dists; groups smaller than
 * FK_B_SMALL_GROUP are read row by row instead. */
#define FK_B_BLOCK 32
#define FK_B_SMALL_GROUP 8
/* ... and so are groups smaller than a block when rows are this long. */
#define FK_B_ROW_MIN_D 16

/* Yinyang: a row whose bounds leave at least one group in FK_B_DENSE_SHARE
 * open is searched by the dense kernel (all centers, fk_nearest_two_rows)
 * with the other such rows of its part of a block, not group by group;
 * Hamerly's single group always is. Estimated, not tuned: at 100,000 x
 * 384, k = 1024 (32 groups) a group searched alone cost about a third of
 * a row's dense search, which pays from about three open groups. */
#define FK_B_DENSE_SHARE 8

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
#define FK_SUF f32_generic
#define FK_B_TARGET
#define FK_B_ASSIGN fk_assign_rows_f32
#define FK_B_TWO fk_nearest_two_rows_f32
#include "bounds_impl.h"

#define FK_T double
#define FK_SUF f64_generic
#define FK_B_TARGET
#define FK_B_ASSIGN fk_assign_rows_f64
#define FK_B_TWO fk_nearest_two_rows_f64
#define FK_B_GAPS
#include "bounds_impl.h"

#if FK_X86
#define FK_T float
#define FK_SUF f32_v3
#define FK_B_TARGET FK_TARGET_V3
#define FK_B_ASSIGN fk_assign_rows_f32
#define FK_B_TWO fk_nearest_two_rows_f32
#include "bounds_impl.h"

#define FK_T double
#define FK_SUF f64_v3
#define FK_B_TARGET FK_TARGET_V3
#define FK_B_ASSIGN fk_assign_rows_f64
#define FK_B_TWO fk_nearest_two_rows_f64
#define FK_B_GAPS
#include "bounds_impl.h"

#define FK_T float
#define FK_SUF f32_v4
#define FK_B_TARGET FK_TARGET_V4
#define FK_B_ASSIGN fk_assign_rows_f32
#define FK_B_TWO fk_nearest_two_rows_f32
#include "bounds_impl.h"

#define FK_T double
#define FK_SUF f64_v4
#define FK_B_TARGET FK_TARGET_V4
#define FK_B_ASSIGN fk_assign_rows_f64
#define FK_B_TWO fk_nearest_two_rows_f64
#define FK_B_GAPS
#include "bounds_impl.h"
#endif /* FK_X86 */

/* --- dispatch on the bounds family's path ---------------------------------- */

#if FK_X86
#define FK_B_DISPATCH(NAME, SUF, ...)                                         \
    switch (fk_family_path(FK_FAMILY_BOUNDS)) {                               \
    case FK_PATH_AVX512: NAME##_##SUF##_v4(__VA_ARGS__); break;               \
    case FK_PATH_AVX2: NAME##_##SUF##_v3(__VA_ARGS__); break;                 \
    default: NAME##_##SUF##_generic(__VA_ARGS__); break;                      \
    }
#define FK_B_DISPATCH_RET(NAME, SUF, ...)                                     \
    switch (fk_family_path(FK_FAMILY_BOUNDS)) {                               \
    case FK_PATH_AVX512: return NAME##_##SUF##_v4(__VA_ARGS__);               \
    case FK_PATH_AVX2: return NAME##_##SUF##_v3(__VA_ARGS__);                 \
    default: return NAME##_##SUF##_generic(__VA_ARGS__);                      \
    }
#else
#define FK_B_DISPATCH(NAME, SUF, ...) NAME##_##SUF##_generic(__VA_ARGS__);
#define FK_B_DISPATCH_RET(NAME, SUF, ...) return NAME##_##SUF##_generic(__VA_ARGS__);
#endif

int fk_bounded_rows_f32(const fk_bounds *b, const float *X, const double *x_norm,
                        ptrdiff_t start, ptrdiff_t end, int32_t *labels, double *upper,
                        double *lower, fk_bounds_stats *stats)
{
    FK_B_DISPATCH_RET(bounded_rows, f32, b, X, x_norm, start, end, labels, upper, lower, stats)
}

int fk_bounded_rows_f64(const fk_bounds *b, const double *X, const double *x_norm,
                        ptrdiff_t start, ptrdiff_t end, int32_t *labels, double *upper,
                        double *lower, fk_bounds_stats *stats)
{
    FK_B_DISPATCH_RET(bounded_rows, f64, b, X, x_norm, start, end, labels, upper, lower, stats)
}

void fk_start_bounds_f32(const fk_bounds *b, const float *X, ptrdiff_t start, ptrdiff_t end,
                         const int32_t *labels, const double *group_gap, double *upper,
                         double *lower)
{
    FK_B_DISPATCH(start_bounds, f32, b, X, start, end, labels, group_gap, upper, lower)
}

void fk_start_bounds_f64(const fk_bounds *b, const double *X, ptrdiff_t start, ptrdiff_t end,
                         const int32_t *labels, const double *group_gap, double *upper,
                         double *lower)
{
    FK_B_DISPATCH(start_bounds, f64, b, X, start, end, labels, group_gap, upper, lower)
}

void fk_center_gaps(const double *centers_t, ptrdiff_t k, ptrdiff_t d, ptrdiff_t i,
                    double *row)
{
    FK_B_DISPATCH(center_gaps, f64, centers_t, k, d, i, row)
}
