/*
 * The dense kernels (nearest centers, Lloyd, k-means++, distances),
 * compiled once per instruction set and dispatched on the process path
 * (dispatch.c). See fastkmeans.h for the API and kernels_impl.h for the
 * kernels themselves.
 */
#define _POSIX_C_SOURCE 200112L  /* posix_memalign */
#include "fastkmeans.h"
#include "dispatch.h"
#include "float64_sums.h"
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
/* Dense: tiles of rows that pass each panel of centers in turn (one pass
 * fetches a panel once for all of them). benchmarks/scripts/
 * dense_pass_crossover.py, one Lloyd pass, one thread, Zen 3, against the
 * loop before (one tile at a time): 200000 x 32, k = 64 in float64 0.70x
 * the time, digits-sized (1797 x 64, k = 10) 0.74x in float32; 2 to 16
 * tiles alike; the other shapes within this machine's noise. The labels
 * are the same bits. */
#ifndef FK_PASS_TILES
#define FK_PASS_TILES 8
#endif
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
/* float16 rows are converted to float32 this many bytes at a time */
#define FK_HALF_WINDOW_BYTES (256 * 1024)

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

/* float16 bits to float32, exactly (normal, subnormal, zero, inf, NaN);
 * branch-free. The portable loop, and F16C's vcvtph2ps (8 values an
 * instruction) where the CPU has it: both exact, so the same bits. */
static void fk_half_to_float_portable(const uint16_t *src, float *dst, ptrdiff_t n)
{
    for (ptrdiff_t i = 0; i < n; i++) {
        const uint32_t h = src[i], em = h & 0x7fffu;
        const uint32_t bits = (em << 13) + (112u << 23) + (em >= 0x7c00u ? 112u << 23 : 0u);
        float normal, value;
        uint32_t out;
        memcpy(&normal, &bits, 4);
        value = em < 0x0400u ? (float)em * 5.9604644775390625e-8f : normal;
        memcpy(&out, &value, 4);
        out |= (h & 0x8000u) << 16;
        memcpy(dst + i, &out, 4);
    }
}

#if FK_X86 && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
__attribute__((target("avx,f16c")))
static void fk_half_to_float_f16c(const uint16_t *src, float *dst, ptrdiff_t n)
{
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
    fk_half_to_float_portable(src + i, dst + i, n - i);
}

static void fk_half_to_float(const uint16_t *src, float *dst, ptrdiff_t n)
{
    static int has_f16c = -1;  /* a benign race: every thread stores the same value */
    if (has_f16c < 0) {
        __builtin_cpu_init();
        has_f16c = __builtin_cpu_supports("f16c") && __builtin_cpu_supports("avx");
    }
    if (has_f16c) fk_half_to_float_f16c(src, dst, n);
    else fk_half_to_float_portable(src, dst, n);
}
#else
#define fk_half_to_float fk_half_to_float_portable
#endif

/* --- the variants (the template undefines its parameters) ------------------ */

#define FK_T float
#define FK_I int32_t
#define FK_SUF f32_generic
#define FK_HALF 1
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
#define FK_HALF 1
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
#define FK_HALF 1
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

int fk_model_part_init_f32(fk_model *m, const float *centers, ptrdiff_t k,
                           const fk_model *whole)
{
    m->path = whole->path;
    FK_DISPATCH_RET(m->path, model_init, f32, m, centers, k, whole->d,
                    (const float *)whole->mean)
}

int fk_model_part_init_f64(fk_model *m, const double *centers, ptrdiff_t k,
                           const fk_model *whole)
{
    m->path = whole->path;
    FK_DISPATCH_RET(m->path, model_init, f64, m, centers, k, whole->d,
                    (const double *)whole->mean)
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

void fk_nearest_two_rows_f32(const fk_model *m, const float *X, const int32_t *ids,
                             ptrdiff_t count, int32_t *labels, float *min1, float *min2,
                             double *off)
{
    FK_DISPATCH(m->path, nearest_two_rows, f32, m, X, ids, count, labels, min1, min2, off)
}

void fk_nearest_two_rows_f64(const fk_model *m, const double *X, const int32_t *ids,
                             ptrdiff_t count, int32_t *labels, double *min1, double *min2,
                             double *off)
{
    FK_DISPATCH(m->path, nearest_two_rows, f64, m, X, ids, count, labels, min1, min2, off)
}

void fk_lloyd_rows_f32(const fk_model *m, const float *X, const double *sample_weight,
                       ptrdiff_t start, ptrdiff_t end, int assign, int32_t *labels,
                       double *sums, double *weights, double *inertia,
                       ptrdiff_t *n_changed)
{
    FK_DISPATCH(m->path, lloyd_rows, f32, m, X, sample_weight, start, end, assign, labels,
                sums, weights, inertia, n_changed, 0)
}

void fk_lloyd_rows_f64(const fk_model *m, const double *X, const double *sample_weight,
                       ptrdiff_t start, ptrdiff_t end, int assign, int32_t *labels,
                       double *sums, double *weights, double *inertia,
                       ptrdiff_t *n_changed)
{
    FK_DISPATCH(m->path, lloyd_rows, f64, m, X, sample_weight, start, end, assign, labels,
                sums, weights, inertia, n_changed, 0)
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

void fk_seed_rows_f32(const fk_model *m, const float *X, const double *sample_weight,
                     const double *closest, ptrdiff_t start, ptrdiff_t end, float *dist,
                     ptrdiff_t stride, ptrdiff_t first, double *potentials)
{
    FK_DISPATCH(m->path, seed_rows, f32, m, X, sample_weight, closest, start, end, dist, stride,
                first, potentials)
}

void fk_seed_closest_rows_f32(const fk_model *m, const float *X, const double *sample_weight,
                             ptrdiff_t start, ptrdiff_t end, double *closest, double *weighted)
{
    FK_DISPATCH(m->path, seed_closest_rows, f32, m, X, sample_weight, start, end, closest,
                weighted)
}

void fk_closest_rows_f32(const float *X, ptrdiff_t d, const float *center,
                         const double *sample_weight, ptrdiff_t start, ptrdiff_t end,
                         double *closest, double *weighted)
{
    FK_DISPATCH(FK_DENSE_PATH, closest_rows, f32, X, d, center, sample_weight, start, end,
                closest, weighted)
}

void fk_seed_rows_f64(const fk_model *m, const double *X, const double *sample_weight,
                     const double *closest, ptrdiff_t start, ptrdiff_t end, double *dist,
                     ptrdiff_t stride, ptrdiff_t first, double *potentials)
{
    FK_DISPATCH(m->path, seed_rows, f64, m, X, sample_weight, closest, start, end, dist, stride,
                first, potentials)
}

void fk_seed_closest_rows_f64(const fk_model *m, const double *X, const double *sample_weight,
                             ptrdiff_t start, ptrdiff_t end, double *closest, double *weighted)
{
    FK_DISPATCH(m->path, seed_closest_rows, f64, m, X, sample_weight, start, end, closest,
                weighted)
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

/* --- float16 rows ------------------------------------------------------------ */

int fk_assign_rows_f16(const fk_model *m, const uint16_t *X, ptrdiff_t start, ptrdiff_t end,
                       int32_t *labels, float *sq_dist)
{
    FK_DISPATCH_RET(m->path, assign_rows_half, f32, m, X, start, end, labels, sq_dist)
}

int fk_lloyd_rows_f16(const fk_model *m, const uint16_t *X, const double *sample_weight,
                      ptrdiff_t start, ptrdiff_t end, int assign, int32_t *labels,
                      double *sums, double *weights, double *inertia, ptrdiff_t *n_changed)
{
    FK_DISPATCH_RET(m->path, lloyd_rows_half, f32, m, X, sample_weight, start, end, assign,
                    labels, sums, weights, inertia, n_changed)
}

int fk_label_sq_dist_rows_f16(const uint16_t *X, ptrdiff_t d, const float *centers,
                              const int32_t *labels, ptrdiff_t start, ptrdiff_t end,
                              double *out)
{
    FK_DISPATCH_RET(FK_DENSE_PATH, label_sq_dist_rows_half, f32, X, d, centers, labels, start,
                    end, out)
}

int fk_inertia_rows_f16(const uint16_t *X, ptrdiff_t d, const float *centers,
                        const int32_t *labels, const double *sample_weight,
                        ptrdiff_t start, ptrdiff_t end, double *inertia)
{
    FK_DISPATCH_RET(FK_DENSE_PATH, inertia_rows_half, f32, X, d, centers, labels,
                    sample_weight, start, end, inertia)
}

int fk_potentials_rows_f16(const fk_model *m, const uint16_t *X, const double *sample_weight,
                           const double *x_sq, const double *closest, ptrdiff_t start,
                           ptrdiff_t end, double *potentials)
{
    FK_DISPATCH_RET(m->path, potentials_rows_half, f32, m, X, sample_weight, x_sq, closest,
                    start, end, potentials)
}

int fk_closest_rows_f16(const uint16_t *X, ptrdiff_t d, const float *center,
                        const double *sample_weight, ptrdiff_t start, ptrdiff_t end,
                        double *closest, double *weighted)
{
    FK_DISPATCH_RET(FK_DENSE_PATH, closest_rows_half, f32, X, d, center, sample_weight, start,
                    end, closest, weighted)
}

int fk_seed_rows_f16(const fk_model *m, const uint16_t *X, const double *sample_weight,
                     const double *closest, ptrdiff_t start, ptrdiff_t end, float *dist,
                     ptrdiff_t stride, ptrdiff_t first, double *potentials)
{
    FK_DISPATCH_RET(m->path, seed_rows_half, f32, m, X, sample_weight, closest, start, end,
                    dist, stride, first, potentials)
}

int fk_seed_closest_rows_f16(const fk_model *m, const uint16_t *X, const double *sample_weight,
                             ptrdiff_t start, ptrdiff_t end, double *closest, double *weighted)
{
    FK_DISPATCH_RET(m->path, seed_closest_rows_half, f32, m, X, sample_weight, start, end,
                    closest, weighted)
}

void fk_half_rows_to_float(const uint16_t *X, ptrdiff_t d, const ptrdiff_t *ids,
                           ptrdiff_t count, float *out)
{
    for (ptrdiff_t r = 0; r < count; r++) fk_half_to_float(X + ids[r] * d, out + r * d, d);
}

int fk_row_sq_dist_f16(const uint16_t *X, ptrdiff_t d, const float *point, ptrdiff_t start,
                       ptrdiff_t end, double *out)
{
    FK_DISPATCH_RET(FK_DENSE_PATH, row_sq_dist_half, f32, X, d, point, start, end, out)
}
