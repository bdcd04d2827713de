/*
 * C layer of the fastkmeans kernels.
 *
 * Kept in C for two reasons. `#pragma omp simd reduction` is the only
 * portable way to let the compiler vectorise a floating-point sum without
 * -ffast-math (which a shared library must never use: it breaks NaN/inf
 * handling). And the nearest-center kernels are compiled several times, for
 * several instruction sets (AVX-512, AVX2+FMA, and the baseline: SSE2 or
 * NEON), one of which is chosen at run time (_kernels.c).
 *
 * Every kernel here works on a range of rows given by its caller; the Cython
 * layer splits the rows into blocks that depend on n_samples only, so no
 * result depends on the number of threads.
 */
#ifndef FASTKMEANS_KERNELS_H
#define FASTKMEANS_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#define FK_PRAGMA(x) _Pragma(#x)

/* Scan n values: the index of the first NaN or infinity (-1 if none), and
 * in *max_abs the largest magnitude of the values before it. The common,
 * all-finite case is one vectorised pass: v * 0 is 0 for every finite v and
 * NaN otherwise. */
#define FK_DEFINE_SCAN(T, NAME)                                                  \
    static inline ptrdiff_t NAME(const T *values, ptrdiff_t n, double *max_abs)  \
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

/* ---------------------------------------------------------------------------
 * Instruction-set paths, chosen at run time
 * ------------------------------------------------------------------------- */

enum { FK_PATH_GENERIC = 0, FK_PATH_AVX2 = 1, FK_PATH_AVX512 = 2, FK_N_PATHS = 3 };

/* The L2 cache size the chunk sizes are derived from. */
ptrdiff_t fk_l2_cache_bytes(void);

/* "generic", "avx2" or "avx512" */
const char *fk_path_name(int path);
/* 1 if this CPU (and this build) can run the path. Which path a model uses
 * is the caller's choice (fastkmeans._simd): this layer keeps no state. */
int fk_path_supported(int path);

/* ---------------------------------------------------------------------------
 * Nearest-center models: the centers of one iteration, laid out for a path
 * ------------------------------------------------------------------------- */

typedef struct {
    int path;
    int lowd;              /* few features: direct distances, points in lanes */
    ptrdiff_t k, d;
    ptrdiff_t chunk_rows;  /* rows processed together (cache-sized) */
    const void *centers;   /* (k, d) row-major; owned by the caller */
    void *packed;          /* dense: c' in panels [d][width] */
    void *bias;            /* dense: |c'|^2 + 2 m.c' per center, +inf in padding */
    void *mean;            /* dense: m, the mean of the centers; c' = c - m */
    ptrdiff_t n_panels;    /* dense: panels of two vectors of centers */
    ptrdiff_t tail;        /* dense: centers in a last panel of one vector */
} fk_model;

/* Lay out `centers` (k, d) for a supported path; 0 on success, -1 if out of
 * memory. The model points into `centers`: keep them alive and unchanged.
 * With centers NULL the model only serves fk_lloyd_rows with assign = 0. */
int fk_model_init_f32(fk_model *m, int path, const float *centers, ptrdiff_t k, ptrdiff_t d);
int fk_model_init_f64(fk_model *m, int path, const double *centers, ptrdiff_t k, ptrdiff_t d);
void fk_model_free(fk_model *m);

/* Label rows [start, end) of X with their nearest center (lowest index on
 * ties) and its squared distance sum((x - c)^2). */
void fk_assign_rows_f32(const fk_model *m, const float *X, ptrdiff_t start,
                        ptrdiff_t end, int32_t *labels, float *sq_dist);
void fk_assign_rows_f64(const fk_model *m, const double *X, ptrdiff_t start,
                        ptrdiff_t end, int32_t *labels, double *sq_dist);

/* One Lloyd pass over rows [start, end): when `assign`, label each row with
 * its nearest center (labels in: the previous labels; out: the new ones,
 * stored only where they change) and add w * sum((x - c)^2) into *inertia
 * and the changes into *n_changed; then, rows in order, add w * x into
 * sums[label] (k x d) and w into weights[label] (k). Both are zeroed first. */
void fk_lloyd_rows_f32(const fk_model *m, const float *X, const double *sample_weight,
                       ptrdiff_t start, ptrdiff_t end, int assign, int32_t *labels,
                       double *sums, double *weights, double *inertia,
                       ptrdiff_t *n_changed);
void fk_lloyd_rows_f64(const fk_model *m, const double *X, const double *sample_weight,
                       ptrdiff_t start, ptrdiff_t end, int assign, int32_t *labels,
                       double *sums, double *weights, double *inertia,
                       ptrdiff_t *n_changed);

/* out[i] = sum((x_i - centers[labels[i]])^2), exactly, for rows [start, end). */
void fk_label_sq_dist_rows_f32(int path, const float *X, ptrdiff_t d, const float *centers,
                               const int32_t *labels, ptrdiff_t start, ptrdiff_t end,
                               double *out);
void fk_label_sq_dist_rows_f64(int path, const double *X, ptrdiff_t d, const double *centers,
                               const int32_t *labels, ptrdiff_t start, ptrdiff_t end,
                               double *out);

/* sum(w_i * |x_i - centers[labels[i]]|^2) over rows [start, end): exact
 * distances, a float64 sum in an order fixed by the rows. */
double fk_inertia_rows_f32(int path, const float *X, ptrdiff_t d, const float *centers,
                           const int32_t *labels, const double *sample_weight,
                           ptrdiff_t start, ptrdiff_t end);
double fk_inertia_rows_f64(int path, const double *X, ptrdiff_t d, const double *centers,
                           const int32_t *labels, const double *sample_weight,
                           ptrdiff_t start, ptrdiff_t end);

/* ---------------------------------------------------------------------------
 * k-means++
 * ------------------------------------------------------------------------- */

/* A model of candidate centers in the dense layout, centered by `mean` (the
 * same offset x_sq was computed with); at most fk_max_candidates of them. */
int fk_candidates_init_f32(fk_model *m, int path, const float *candidates, ptrdiff_t k,
                           ptrdiff_t d, const float *mean);
int fk_candidates_init_f64(fk_model *m, int path, const double *candidates, ptrdiff_t k,
                           ptrdiff_t d, const double *mean);
ptrdiff_t fk_max_candidates(int path, int is_double);

/* potentials[j] = sum over rows [start, end) of w * min(closest, |x - c_j|^2)
 * for every candidate j, |x - c_j|^2 from the expansion around the model's
 * mean (x_sq[i] = |x_i - mean|^2), clamped at zero; rows added in order. */
void fk_potentials_rows_f32(const fk_model *m, const float *X, const double *sample_weight,
                            const double *x_sq, const double *closest, ptrdiff_t start,
                            ptrdiff_t end, double *potentials);
void fk_potentials_rows_f64(const fk_model *m, const double *X, const double *sample_weight,
                            const double *x_sq, const double *closest, ptrdiff_t start,
                            ptrdiff_t end, double *potentials);

/* closest[i] = min(closest[i], sum((x_i - center)^2)) (exact), and
 * weighted[i] = w[i] * closest[i], for rows [start, end). */
void fk_closest_rows_f32(int path, const float *X, ptrdiff_t d, const float *center,
                         const double *sample_weight, ptrdiff_t start, ptrdiff_t end,
                         double *closest, double *weighted);
void fk_closest_rows_f64(int path, const double *X, ptrdiff_t d, const double *center,
                         const double *sample_weight, ptrdiff_t start, ptrdiff_t end,
                         double *closest, double *weighted);

/* out[i] = sum((x_i - point)^2) for rows [start, end). */
void fk_row_sq_dist_f32(int path, const float *X, ptrdiff_t d, const float *point,
                        ptrdiff_t start, ptrdiff_t end, double *out);
void fk_row_sq_dist_f64(int path, const double *X, ptrdiff_t d, const double *point,
                        ptrdiff_t start, ptrdiff_t end, double *out);

#endif /* FASTKMEANS_KERNELS_H */
