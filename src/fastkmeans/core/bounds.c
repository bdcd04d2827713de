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
#include "float64_sums.h"
#include "interrupt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FK_B_INLINE static inline __attribute__((always_inline))

/* Centers per register block of soa_sq_dists; groups smaller than
 * FK_B_SMALL_GROUP are read row by row instead. */
#define FK_B_BLOCK 32
#define FK_B_SMALL_GROUP 8
/* ... and so are groups smaller than a block when rows are this long. */
#define FK_B_ROW_MIN_D 16

/* Yinyang with the dense kernel: a row whose open groups (with its label's
 * group) hold at least 1 center in FK_B_BATCH_SHARE is searched over every
 * center (fk_nearest_two_rows with the whole model); any other row is
 * searched over those groups only, each group's rows together through that
 * group's model (fk_group_models). Both at Lloyd's price per distance; the
 * whole search is the cheaper way to many groups (one call, no padding of
 * each group to whole panels), the group search keeps a bound per group. */
#define FK_B_BATCH_SHARE 2

/* Rows tightened whatever fk_bounds.tighten says: one in this many (by
 * index, so the same rows at any thread count), a sample that tells the
 * caller whether tightening would pay. */
#define FK_B_TIGHTEN_SAMPLE 16

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

/* What turns the values Lloyd's dense kernel compares for a row,
 * |x - c|^2 - |x - m|^2 within E (see fk_bounds.kappa), into distances:
 * off = |x - m|^2 summed in float64 (within (2 d + 8) eps64 in any order)
 * rounded down and up, and E. */
typedef struct {
    double off_down, off_up, error;
} fk_value_terms;

static inline fk_value_terms fk_value_terms_of(const fk_bounds *b, double x_norm, double off)
{
    const double sum_error = (2.0 * (double)b->d + 8.0) * 0x1p-53;
    fk_value_terms terms;
    terms.off_down = off * (1.0 - sum_error);
    terms.off_up = off * (1.0 + sum_error);
    const double reach = sqrt(terms.off_up) * (1.0 + FK_B_WIDEN) + b->spread;
    terms.error = b->kappa * (b->spread * (x_norm + b->center_norm + b->spread) + reach * reach);
    return terms;
}

/* A lower bound on the distance to a center whose compared value is v
 * (+inf for v = +inf: no such center). */
static inline double fk_value_lower(double v, fk_value_terms terms)
{
    if (v == INFINITY) return INFINITY;
    double sq = v + terms.off_down - terms.error;
    sq -= (fabs(v) + terms.off_down + terms.error) * FK_B_WIDEN;
    return sq > 0 ? sqrt(sq) * (1.0 - FK_B_WIDEN) : 0.0;
}

/* An upper bound on the distance to a center whose compared value is v. */
static inline double fk_value_upper(double v, fk_value_terms terms)
{
    double sq = v + terms.off_up + terms.error;
    sq += (fabs(v) + terms.off_up + terms.error) * FK_B_WIDEN;
    return sqrt(sq > 0 ? sq : 0.0) * (1.0 + FK_B_WIDEN);
}

/* Rows of a part that their bounds leave open, for a search after the
 * loop over the part (bounds_impl.h): each with its squared distance to
 * its label (-1: not taken) and |x - m|^2 (for the search over every
 * center the kernel fills it in). */
typedef struct {
    ptrdiff_t n;
    int32_t *row;   /* (n) row, relative to the part */
    double *dist;   /* (n) */
    double *off;    /* (n) */
} fk_open_rows;

/* Room for up to `rows` rows; 0, or -1 if out of memory. */
static int fk_open_rows_init(fk_open_rows *open, ptrdiff_t rows)
{
    open->n = 0;
    open->row = (int32_t *)malloc((size_t)rows * sizeof(int32_t));
    open->dist = (double *)malloc((size_t)rows * 2 * sizeof(double));
    open->off = open->dist ? open->dist + rows : NULL;
    return open->row && open->dist ? 0 : -1;
}

static void fk_open_rows_add(fk_open_rows *open, ptrdiff_t row, double dist, double off)
{
    open->row[open->n] = (int32_t)row;
    open->dist[open->n] = dist;
    open->off[open->n++] = off;
}

static void fk_open_rows_free(fk_open_rows *open)
{
    free(open->row);
    free(open->dist);
    open->row = NULL;
    open->dist = open->off = NULL;
}

/* The new upper bound of an open row labelled with the center of compared
 * value v: its distance computed before (dist >= 0) if the label stays,
 * else from v (looser by E; the next pass tightens it if it must). */
static inline double fk_label_upper(const fk_bounds *b, int stays, double dist, double v,
                                    fk_value_terms terms)
{
    return stays && dist >= 0 ? fk_up(dist, b->gamma) : fk_value_upper(v, terms);
}

/* Open rows searched in a few groups only, each group's rows together
 * (bounds_impl.h, group_search): the rows and their (row, group) pairs. */
typedef struct {
    fk_open_rows rows;
    ptrdiff_t n_pairs, capacity;
    ptrdiff_t *first;   /* (rows + 1) each row's first pair */
    int32_t *group;     /* (capacity) the group of each pair */
} fk_batch;

/* A batch for up to `rows` rows; 0, or -1 if out of memory. */
static int fk_batch_init(fk_batch *batch, ptrdiff_t rows, ptrdiff_t n_groups)
{
    batch->n_pairs = 0;
    batch->capacity = rows * 2 + n_groups;
    batch->first = (ptrdiff_t *)malloc((size_t)(rows + 1) * sizeof(ptrdiff_t));
    batch->group = (int32_t *)malloc((size_t)batch->capacity * sizeof(int32_t));
    if (batch->first) batch->first[0] = 0;
    return fk_open_rows_init(&batch->rows, rows) == 0 && batch->first && batch->group ? 0 : -1;
}

/* Room for `more` pairs; 0, or -1 if out of memory. */
static int fk_batch_reserve(fk_batch *batch, ptrdiff_t more)
{
    if (batch->n_pairs + more <= batch->capacity) return 0;
    ptrdiff_t capacity = 2 * batch->capacity + more;
    int32_t *group = (int32_t *)realloc(batch->group, (size_t)capacity * sizeof(int32_t));
    if (!group) return -1;
    batch->group = group;
    batch->capacity = capacity;
    return 0;
}

static void fk_batch_free(fk_batch *batch)
{
    fk_open_rows_free(&batch->rows);
    free(batch->first);
    free(batch->group);
    batch->first = NULL;
    batch->group = NULL;
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

void fk_group_models_free(fk_group_models *gm)
{
    for (ptrdiff_t g = 0; g < gm->n_groups; g++) fk_model_free(&gm->models[g]);
    free(gm->models);
    free(gm->grouped);
    gm->models = NULL;
    gm->grouped = NULL;
    gm->n_groups = 0;
}

static int fk_group_models_init(fk_group_models *gm, const fk_bounds *b, int is_double)
{
    const size_t row_bytes = (size_t)b->d * (is_double ? sizeof(double) : sizeof(float));
    gm->n_groups = 0;
    gm->models = (fk_model *)calloc((size_t)b->n_groups, sizeof(fk_model));
    gm->grouped = malloc((size_t)b->k * row_bytes);
    if (!gm->models || !gm->grouped) {
        fk_group_models_free(gm);
        return -1;
    }
    for (ptrdiff_t p = 0; p < b->k; p++)
        memcpy((char *)gm->grouped + p * row_bytes,
               (const char *)b->centers + b->center_at[p] * row_bytes, row_bytes);
    for (ptrdiff_t g = 0; g < b->n_groups; g++) {
        const ptrdiff_t j0 = b->group_start[g], size = b->group_start[g + 1] - j0;
        const void *rows = (const char *)gm->grouped + j0 * row_bytes;
        const int status =
            is_double ? fk_model_part_init_f64(&gm->models[g], (const double *)rows, size, b->model)
                      : fk_model_part_init_f32(&gm->models[g], (const float *)rows, size, b->model);
        gm->n_groups = g + 1;  /* a failed init leaves nothing to free */
        if (status != 0) {
            fk_group_models_free(gm);
            return -1;
        }
    }
    return 0;
}

int fk_group_models_init_f32(fk_group_models *gm, const fk_bounds *b)
{
    return fk_group_models_init(gm, b, 0);
}

int fk_group_models_init_f64(fk_group_models *gm, const fk_bounds *b)
{
    return fk_group_models_init(gm, b, 1);
}

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

int fk_row_norms_f32(const float *X, ptrdiff_t d, ptrdiff_t start, ptrdiff_t end, double *out)
{
    FK_B_DISPATCH_RET(row_norms, f32, X, d, start, end, out)
}

int fk_row_norms_f64(const double *X, ptrdiff_t d, ptrdiff_t start, ptrdiff_t end, double *out)
{
    FK_B_DISPATCH_RET(row_norms, f64, X, d, start, end, out)
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
