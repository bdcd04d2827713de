/*
 * The dense kernels (nearest centers, Lloyd, k-means++, distances),
 * compiled once per instruction set and dispatched on the process path
 * (dispatch.c). See fastkmeans.h for the API and kernels_impl.h for the
 * kernels themselves.
 */
#define _POSIX_C_SOURCE 200112L  /* posix_memalign */
#include "fastkmeans.h"
#include "dispatch.h"
#include "interrupt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* GCC's __builtin_shuffle de-interleaves two-feature rows; others gather. */
#if defined(__GNUC__) && !defined(__clang__)
#define FK_HAVE_SHUFFLE 1
#else
#define FK_HAVE_SHUFFLE 0
#endif

/* The low-d layout (rows in vector lanes, direct distances) handles up to
 * this many features; fk_prefer_lowd says when it beats the dense one. */
#define FK_LOWD_MAX 16

/* Crossovers measured here (AMD EPYC, AVX-512, float32, one thread, one
 * Lloyd pass): low-d is 1.2-5x faster than dense below them, and up to
 * 1.4x slower above (e.g. d = 16, k = 100; d = 8, k = 1000). */
static int fk_prefer_lowd(ptrdiff_t k, ptrdiff_t d)
{
    return d <= 4 || (d <= 8 && k <= 256) || (d <= FK_LOWD_MAX && k * d <= 384);
}
/* Low-d: vectors of rows handled together (independent dependency chains). */
#define FK_LOWD_GROUPS 4
/* Low-d sums kept in vector lanes when clusters x (features + 1), plus one
 * for the inertia, fits in this many vectors; flushed to float64 after this
 * many vector steps. */
#define FK_LOWD_LANE_ACC 64
#define FK_LOWD_FLUSH_LANE_ROWS 16
/* k-means++: rows per chunk of closest_rows, candidates per call of
 * potentials_rows (in vectors). */
#define FK_CLOSEST_CHUNK 256
#define FK_POT_MAX_VECTORS 8
/* A chunk of rows must stay in the L2 cache, beside the centers, between
 * the nearest-center pass and the accumulation pass over it. */
#define FK_CHUNK_MIN_BYTES (16 * 1024)
#define FK_CHUNK_MAX_ROWS 4096
#define FK_ALIGN 64

#define FK_INLINE static inline __attribute__((always_inline))

/* The L2 cache of this CPU in bytes (256 KiB where the OS does not say). */
ptrdiff_t fk_l2_cache_bytes(void)
{
    static ptrdiff_t cached = 0;
    if (cached == 0) {
        long bytes = -1;
#ifdef _SC_LEVEL2_CACHE_SIZE
        bytes = sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
        cached = bytes > 0 ? (ptrdiff_t)bytes : 256 * 1024;
    }
    return cached;
}

/* Bytes of rows per chunk: half the L2 cache, less what the centers take,
 * at least FK_CHUNK_MIN_BYTES. */
static ptrdiff_t fk_chunk_bytes(ptrdiff_t centers_bytes)
{
    ptrdiff_t budget = fk_l2_cache_bytes() / 2 - centers_bytes;
    return budget > FK_CHUNK_MIN_BYTES ? budget : FK_CHUNK_MIN_BYTES;
}

/* Vector loads of packed centers need alignment to the widest vector. */
static void *fk_aligned_alloc(size_t bytes)
{
    size_t rounded = (bytes + FK_ALIGN - 1) / FK_ALIGN * FK_ALIGN;
    if (rounded == 0) rounded = FK_ALIGN;
#ifdef _WIN32
    return _aligned_malloc(rounded, FK_ALIGN);
#else
    void *p = NULL;
    return posix_memalign(&p, FK_ALIGN, rounded) == 0 ? p : NULL;
#endif
}

static void fk_aligned_free(void *p)
{
#ifdef _WIN32
    _aligned_free(p);
#else
    free(p);
#endif
}

/* --- the variants (the template undefines its parameters) ------------------ */

#define FK_T float
#define FK_I int32_t
#define FK_SUF f32_generic
#define FK_VW 4
#define FK_MR 4
#define FK_TARGET
#include "kernels_impl.h"

#define FK_T double
#define FK_I int64_t
#define FK_SUF f64_generic
#define FK_VW 2
#define FK_MR 4
#define FK_TARGET
#include "kernels_impl.h"

#if FK_X86
#define FK_T float
#define FK_I int32_t
#define FK_SUF f32_avx2
#define FK_VW 8
#define FK_MR 6
#define FK_TARGET FK_TARGET_AVX2
#include "kernels_impl.h"

#define FK_T double
#define FK_I int64_t
#define FK_SUF f64_avx2
#define FK_VW 4
#define FK_MR 6
#define FK_TARGET FK_TARGET_AVX2
#include "kernels_impl.h"

#define FK_T float
#define FK_I int32_t
#define FK_SUF f32_avx512
#define FK_VW 16
#define FK_MR 8
#define FK_TARGET FK_TARGET_AVX512
#include "kernels_impl.h"

#define FK_T double
#define FK_I int64_t
#define FK_SUF f64_avx512
#define FK_VW 8
#define FK_MR 8
#define FK_TARGET FK_TARGET_AVX512
#include "kernels_impl.h"
#endif /* FK_X86 */

/* --- dispatch -------------------------------------------------------------- */

/* The dense family runs every path: the process path itself. */
#define FK_DENSE_PATH fk_path_now()

#if FK_X86
#define FK_DISPATCH(PATH, NAME, T, ...)                                      \
    switch (PATH) {                                                          \
    case FK_PATH_AVX512: NAME##_##T##_avx512(__VA_ARGS__); break;            \
    case FK_PATH_AVX2: NAME##_##T##_avx2(__VA_ARGS__); break;                \
    default: NAME##_##T##_generic(__VA_ARGS__); break;                       \
    }
#define FK_DISPATCH_RET(PATH, NAME, T, ...)                                  \
    switch (PATH) {                                                          \
    case FK_PATH_AVX512: return NAME##_##T##_avx512(__VA_ARGS__);            \
    case FK_PATH_AVX2: return NAME##_##T##_avx2(__VA_ARGS__);                \
    default: return NAME##_##T##_generic(__VA_ARGS__);                       \
    }
#else
#define FK_DISPATCH(PATH, NAME, T, ...) NAME##_##T##_generic(__VA_ARGS__);
#define FK_DISPATCH_RET(PATH, NAME, T, ...) return NAME##_##T##_generic(__VA_ARGS__);
#endif

int fk_model_init_f32(fk_model *m, const float *centers, ptrdiff_t k, ptrdiff_t d)
{
    m->path = FK_DENSE_PATH;
    FK_DISPATCH_RET(m->path, model_init, f32, m, centers, k, d, NULL)
}

int fk_model_init_f64(fk_model *m, const double *centers, ptrdiff_t k, ptrdiff_t d)
{
    m->path = FK_DENSE_PATH;
    FK_DISPATCH_RET(m->path, model_init, f64, m, centers, k, d, NULL)
}

void fk_model_free(fk_model *m)
{
    fk_aligned_free(m->packed);
    fk_aligned_free(m->bias);
    fk_aligned_free(m->mean);
    m->packed = m->bias = m->mean = NULL;
}

void fk_assign_rows_f32(const fk_model *m, const float *X, ptrdiff_t start,
                        ptrdiff_t end, int32_t *labels, float *sq_dist)
{
    FK_DISPATCH(m->path, assign_rows, f32, m, X, start, end, labels, sq_dist)
}

void fk_assign_rows_f64(const fk_model *m, const double *X, ptrdiff_t start,
                        ptrdiff_t end, int32_t *labels, double *sq_dist)
{
    FK_DISPATCH(m->path, assign_rows, f64, m, X, start, end, labels, sq_dist)
}

void fk_lloyd_rows_f32(const fk_model *m, const float *X, const double *sample_weight,
                       ptrdiff_t start, ptrdiff_t end, int assign, int32_t *labels,
                       double *sums, double *weights, double *inertia,
                       ptrdiff_t *n_changed)
{
    FK_DISPATCH(m->path, lloyd_rows, f32, m, X, sample_weight, start, end, assign, labels,
                sums, weights, inertia, n_changed)
}

void fk_lloyd_rows_f64(const fk_model *m, const double *X, const double *sample_weight,
                       ptrdiff_t start, ptrdiff_t end, int assign, int32_t *labels,
                       double *sums, double *weights, double *inertia,
                       ptrdiff_t *n_changed)
{
    FK_DISPATCH(m->path, lloyd_rows, f64, m, X, sample_weight, start, end, assign, labels,
                sums, weights, inertia, n_changed)
}

static ptrdiff_t fk_max_candidates_on(int path, int is_double)
{
    ptrdiff_t bytes = path == FK_PATH_AVX512 ? 64 : (path == FK_PATH_AVX2 ? 32 : 16);
    return FK_POT_MAX_VECTORS * bytes / (is_double ? 8 : 4);
}

int fk_candidates_init_f32(fk_model *m, const float *candidates, ptrdiff_t k,
                           ptrdiff_t d, const float *mean)
{
    m->path = FK_DENSE_PATH;
    m->packed = m->bias = m->mean = NULL;
    if (k > fk_max_candidates_on(m->path, 0)) return -1;
    FK_DISPATCH_RET(m->path, model_init, f32, m, candidates, k, d, mean)
}

int fk_candidates_init_f64(fk_model *m, const double *candidates, ptrdiff_t k,
                           ptrdiff_t d, const double *mean)
{
    m->path = FK_DENSE_PATH;
    m->packed = m->bias = m->mean = NULL;
    if (k > fk_max_candidates_on(m->path, 1)) return -1;
    FK_DISPATCH_RET(m->path, model_init, f64, m, candidates, k, d, mean)
}

ptrdiff_t fk_max_candidates(int is_double)
{
    return fk_max_candidates_on(FK_DENSE_PATH, is_double);
}

void fk_potentials_rows_f32(const fk_model *m, const float *X, const double *sample_weight,
                            const double *x_sq, const double *closest, ptrdiff_t start,
                            ptrdiff_t end, double *potentials)
{
    FK_DISPATCH(m->path, potentials_rows, f32, m, X, sample_weight, x_sq, closest, start, end,
                potentials)
}

void fk_potentials_rows_f64(const fk_model *m, const double *X, const double *sample_weight,
                            const double *x_sq, const double *closest, ptrdiff_t start,
                            ptrdiff_t end, double *potentials)
{
    FK_DISPATCH(m->path, potentials_rows, f64, m, X, sample_weight, x_sq, closest, start, end,
                potentials)
}

void fk_closest_rows_f32(const float *X, ptrdiff_t d, const float *center,
                         const double *sample_weight, ptrdiff_t start, ptrdiff_t end,
                         double *closest, double *weighted)
{
    FK_DISPATCH(FK_DENSE_PATH, closest_rows, f32, X, d, center, sample_weight, start, end,
                closest, weighted)
}

void fk_closest_rows_f64(const double *X, ptrdiff_t d, const double *center,
                         const double *sample_weight, ptrdiff_t start, ptrdiff_t end,
                         double *closest, double *weighted)
{
    FK_DISPATCH(FK_DENSE_PATH, closest_rows, f64, X, d, center, sample_weight, start, end,
                closest, weighted)
}

void fk_row_sq_dist_f32(const float *X, ptrdiff_t d, const float *point,
                        ptrdiff_t start, ptrdiff_t end, double *out)
{
    FK_DISPATCH(FK_DENSE_PATH, row_sq_dist, f32, X, d, point, start, end, out)
}

void fk_row_sq_dist_f64(const double *X, ptrdiff_t d, const double *point,
                        ptrdiff_t start, ptrdiff_t end, double *out)
{
    FK_DISPATCH(FK_DENSE_PATH, row_sq_dist, f64, X, d, point, start, end, out)
}

void fk_label_sq_dist_rows_f32(const float *X, ptrdiff_t d, const float *centers,
                               const int32_t *labels, ptrdiff_t start, ptrdiff_t end,
                               double *out)
{
    FK_DISPATCH(FK_DENSE_PATH, label_sq_dist_rows, f32, X, d, centers, labels, start, end, out)
}

void fk_label_sq_dist_rows_f64(const double *X, ptrdiff_t d, const double *centers,
                               const int32_t *labels, ptrdiff_t start, ptrdiff_t end,
                               double *out)
{
    FK_DISPATCH(FK_DENSE_PATH, label_sq_dist_rows, f64, X, d, centers, labels, start, end, out)
}

double fk_inertia_rows_f32(const float *X, ptrdiff_t d, const float *centers,
                           const int32_t *labels, const double *sample_weight,
                           ptrdiff_t start, ptrdiff_t end)
{
    FK_DISPATCH_RET(FK_DENSE_PATH, inertia_rows, f32, X, d, centers, labels, sample_weight,
                    start, end)
}

double fk_inertia_rows_f64(const double *X, ptrdiff_t d, const double *centers,
                           const int32_t *labels, const double *sample_weight,
                           ptrdiff_t start, ptrdiff_t end)
{
    FK_DISPATCH_RET(FK_DENSE_PATH, inertia_rows, f64, X, d, centers, labels, sample_weight,
                    start, end)
}
