/*
 * The whole-fit C API of fastkmeans.h: fk_fit_*, fk_predict_*,
 * fk_kmeans_plusplus_* and fk_strerror.
 *
 * The drivers mirror the Python package's (_run.py, _lloyd.pyx,
 * _assign.pyx, _init.py) call for call: the same kernels over the same
 * blocks of rows, the sums added in the same order, the same stopping rule
 * and empty-cluster relocation, so fk_fit gives fastkmeans.fit's labels,
 * centers and n_iter bit for bit. Parallel loops use OpenMP when the file
 * is compiled with it; the header needs no omp.h.
 */
#include "fastkmeans.h"
#include "interrupt.h"

/* Mirroring Python's arithmetic means no contraction into fused multiply-
 * adds here (the Cython drivers are compiled without it), whatever flags
 * the plain build line gives the kernels. */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#define FK_STR(...) #__VA_ARGS__
#define FK_OMP(...) _Pragma(FK_STR(omp __VA_ARGS__))
#else
#define FK_OMP(...)
#endif

/* `for (VAR = 0; VAR < COUNT; VAR++) { BODY }`, by an OpenMP team of THREADS
 * only when THREADS > 1: a team of one (which `if(0)` still starts) costs
 * libgomp about a microsecond a loop, more than a pass over 300 points. */
#define FK_PARALLEL_FOR(SCHEDULE, THREADS, VAR, COUNT, ...)                  \
    do {                                                                     \
        if ((THREADS) > 1) {                                                 \
            FK_OMP(parallel for schedule(SCHEDULE) num_threads(THREADS))     \
            for (VAR = 0; VAR < (COUNT); VAR++) { __VA_ARGS__; }             \
        } else {                                                             \
            for (VAR = 0; VAR < (COUNT); VAR++) { __VA_ARGS__; }             \
        }                                                                    \
    } while (0)

/* Wall-clock seconds, for the per-iteration history. */
static double fk_seconds(void)
{
    struct timespec now;
    if (timespec_get(&now, TIME_UTC) != TIME_UTC) return 0.0;
    return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

/* Bytes of block buffers alive at once when clusters x features is small
 * (as _lloyd.pyx); there is at least one buffer per thread. */
#define FK_WAVE_BUDGET_BYTES ((ptrdiff_t)8 << 20)

const char *fk_strerror(int code)
{
    switch (code) {
    case FK_OK: return "success";
    case FK_ERR_NULL: return "a required pointer argument is NULL";
    case FK_ERR_SIZE:
        return "n_samples, n_features or n_clusters out of range "
               "(need n_samples >= 1, n_features >= 1, 1 <= n_clusters <= n_samples)";
    case FK_ERR_NONFINITE: return "X or centers contain NaN or infinity";
    case FK_ERR_WEIGHT:
        return "sample_weight has a negative or non-finite value, a non-finite sum, "
               "or fewer than n_clusters positive entries";
    case FK_ERR_PARAM:
        return "invalid parameter: max_iter must be >= 1, tol finite and >= 0";
    case FK_ERR_OVERFLOW:
        return "values too large in magnitude: squared distances would overflow; "
               "rescale the data";
    case FK_ERR_NOMEM: return "out of memory";
    default: return "unknown fastkmeans error code";
    }
}

/* --- the block plan (_common.pxd: plan_blocks, useful_threads) ------------ */

typedef struct {
    ptrdiff_t n_rows, block_rows, n_blocks;
} fk_plan;

static fk_plan fk_plan_blocks(ptrdiff_t n_rows)
{
    fk_plan plan;
    plan.n_rows = n_rows;
    plan.block_rows = (n_rows + FK_MAX_BLOCKS - 1) / FK_MAX_BLOCKS;
    if (plan.block_rows < FK_MIN_BLOCK_ROWS) plan.block_rows = FK_MIN_BLOCK_ROWS;
    plan.n_blocks = (n_rows + plan.block_rows - 1) / plan.block_rows;
    return plan;
}

static ptrdiff_t fk_block_start(const fk_plan *plan, ptrdiff_t b)
{
    return b * plan->block_rows;
}

static ptrdiff_t fk_block_end(const fk_plan *plan, ptrdiff_t b)
{
    ptrdiff_t end = (b + 1) * plan->block_rows;
    return end < plan->n_rows ? end : plan->n_rows;
}

/* Threads worth a team for `work` units in n_blocks blocks: never changes
 * what is computed. */
static int fk_useful_threads(int n_threads, ptrdiff_t n_blocks, double work)
{
    double useful = work / FK_MIN_WORK_PER_THREAD;
    int threads = n_threads;
    if (threads > n_blocks) threads = (int)n_blocks;
    if (useful < threads) threads = useful >= 1 ? (int)useful : 1;
    return threads;
}

static int fk_resolve_threads(int n_threads)
{
    int threads = n_threads > 0 ? n_threads : fk_omp_max_threads();
    return threads > 0 ? threads : 1;
}

/* Sizes: positive, products within ptrdiff_t, labels within int32. */
static int fk_check_sizes(int64_t n_samples, int64_t n_features, int64_t n_clusters)
{
    if (n_samples < 1 || n_features < 1 || n_clusters < 1 || n_clusters > n_samples)
        return FK_ERR_SIZE;
    if (n_clusters > INT32_MAX || n_samples > PTRDIFF_MAX / n_features
        || n_clusters > PTRDIFF_MAX / n_features
        || n_samples > PTRDIFF_MAX / (ptrdiff_t)sizeof(double))
        return FK_ERR_SIZE;
    return FK_OK;
}

/* _validation.check_magnitude: every squared distance between points (and
 * centers, their means) is at most d (2 max_abs)^2; it must stay finite in
 * the data's precision, and weighted by total_weight in float64. */
static int fk_check_magnitude(double max_abs, ptrdiff_t d, double type_max,
                              double total_weight)
{
    double limit = sqrt(type_max / (4.0 * (double)d));
    double weighted = sqrt(DBL_MAX / (4.0 * (double)d
                                      * (total_weight > 1.0 ? total_weight : 1.0)));
    if (weighted < limit) limit = weighted;
    return max_abs > limit ? FK_ERR_OVERFLOW : FK_OK;
}

/* splitmix64 (Steele, Lea and Flood 2014): the documented random stream of
 * fk_kmeans_plusplus; a double in [0, 1) from the top 53 bits. */
static double fk_splitmix_uniform(void *opaque)
{
    uint64_t *state = opaque;
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

/* The first index whose cumulative value exceeds `value` (numpy's
 * searchsorted side="right"); n if none. */
static ptrdiff_t fk_search_right(const double *cumulative, ptrdiff_t n, double value)
{
    ptrdiff_t lo = 0, hi = n;
    while (lo < hi) {
        ptrdiff_t mid = lo + (hi - lo) / 2;
        if (cumulative[mid] <= value) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* A row drawn with probability proportional to the increments of
 * `cumulative` (its last value > 0): as _init._draw, a draw rounded up to
 * the total takes the first row that reaches it. */
static ptrdiff_t fk_draw(const double *cumulative, ptrdiff_t n, double (*uniform)(void *),
                         void *state)
{
    double total = cumulative[n - 1];
    ptrdiff_t id = fk_search_right(cumulative, n, uniform(state) * total);
    if (id >= n) {
        ptrdiff_t lo = 0, hi = n;  /* searchsorted(cumulative, total, "left") */
        while (lo < hi) {
            ptrdiff_t mid = lo + (hi - lo) / 2;
            if (cumulative[mid] < total) lo = mid + 1;
            else hi = mid;
        }
        id = lo;
    }
    return id;
}

/* Relocation order: a before b when farther, or as far with a lower index. */
typedef struct {
    double sq;
    ptrdiff_t index;
} fk_far;

static int fk_farther(const fk_far *a, const fk_far *b)
{
    return a->sq > b->sq || (a->sq == b->sq && a->index < b->index);
}

static int fk_far_compare(const void *pa, const void *pb)
{
    const fk_far *a = pa, *b = pb;
    return fk_farther(a, b) ? -1 : (fk_farther(b, a) ? 1 : 0);
}

/* far OUT (m): the m rows first in relocation order, in that order (a
 * bounded heap whose root is the last of those kept: O(n log m)). */
static void fk_farthest(const double *sq, ptrdiff_t n, ptrdiff_t m, fk_far *far)
{
    ptrdiff_t size = 0, i;
    for (i = 0; i < n; i++) {
        fk_far item = {sq[i], i};
        ptrdiff_t pos;
        if (size < m) {  /* sift up: the root stays the last in order */
            pos = size++;
            while (pos > 0 && fk_farther(&far[(pos - 1) / 2], &item)) {
                far[pos] = far[(pos - 1) / 2];
                pos = (pos - 1) / 2;
            }
            far[pos] = item;
        } else if (fk_farther(&item, &far[0])) {  /* replace the root, sift down */
            pos = 0;
            for (;;) {
                ptrdiff_t child = 2 * pos + 1;
                if (child >= m) break;
                if (child + 1 < m && fk_farther(&far[child], &far[child + 1])) child++;
                if (!fk_farther(&item, &far[child])) break;
                far[pos] = far[child];
                pos = child;
            }
            far[pos] = item;
        }
    }
    qsort(far, (size_t)size, sizeof(fk_far), fk_far_compare);
}

/* --- the drivers, once per precision ----------------------------------------- */

#define FK_T float
#define FK_S(name) name##_f32
#define FK_TYPE_MAX FLT_MAX
#define FK_IS_DOUBLE_ 0
#include "api_impl.h"

/* --- the greedy k-means++ steps (seed_impl.h) ------------------------------ */

/* k-means++ keeps its candidates' distances (one pass over X a step) when
 * FK_SEED_KEEP_RATIO * n_local_trials <= n_features (the distances written
 * then take at most 1 / FK_SEED_KEEP_RATIO of the bytes of X that a second
 * pass would read) and they fit in FK_SEED_KEEP_BYTES. Measured with
 * benchmarks/scripts/kmeanspp_keep_crossover.py (200,000 rows, 6 candidates
 * a step, 2 threads, Zen 3): keeping loses up to 1.2x below 12 features,
 * is level at 12-16 and wins from 24 (0.58-0.82x; 0.5x at 64 in float64).
 * Overridable when compiling, for that script. */
#ifndef FK_SEED_KEEP_RATIO
#define FK_SEED_KEEP_RATIO 3
#endif
#ifndef FK_SEED_KEEP_BYTES
#define FK_SEED_KEEP_BYTES ((double)(256 << 20))
#endif

#define FK_T double
#define FK_XT double
#define FK_XS(name) name##_f64
#define FK_S(name) name##_f64
#define FK_HALF_X 0
#define FK_IS_DOUBLE_ 1
#include "seed_impl.h"

#define FK_T float
#define FK_XT float
#define FK_XS(name) name##_f32
#define FK_S(name) name##_f32
#define FK_HALF_X 0
#define FK_IS_DOUBLE_ 0
#include "seed_impl.h"

#define FK_T float
#define FK_XT uint16_t
#define FK_XS(name) name##_f16
#define FK_S(name) name##_f32
#define FK_HALF_X 1
#define FK_IS_DOUBLE_ 0
#include "seed_impl.h"

#define FK_T double
#define FK_S(name) name##_f64
#define FK_TYPE_MAX DBL_MAX
#define FK_IS_DOUBLE_ 1
#include "api_impl.h"
