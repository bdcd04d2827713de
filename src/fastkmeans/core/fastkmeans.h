/*
 * fastkmeans.h: the public C API of the fastkmeans kernels.
 *
 * Needs the C standard library only (no Python, no OpenMP headers). The
 * kernels are compiled once per instruction set (AVX-512, AVX2+FMA and the
 * baseline: SSE2 or NEON) and one process-wide path chooses between them
 * (dispatch.c): resolved on first use from FASTKMEANS_SIMD, or the best
 * path this CPU supports, and forceable with fk_set_simd_path.
 *
 * Every kernel works on a range of rows given by its caller; the Cython
 * layer splits the rows into blocks that depend on n_samples only, so no
 * result depends on the number of threads. Kernels are serial and
 * thread-safe: call them from any number of threads on disjoint outputs.
 *
 * Conventions of the annotations: IN is read, OUT is written (its previous
 * contents ignored), INOUT is read and written; shapes are row-major;
 * n is the number of rows of X, d of features, k of centers. "Rows
 * [start, end)" means only those rows of row-indexed arrays are touched.
 */
#ifndef FASTKMEANS_H
#define FASTKMEANS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ===========================================================================
 * The whole-fit API (api.c): stable, versioned, every argument checked
 *
 * Row-major, C-contiguous arrays; no alignment needed beyond the element
 * type's own. Every function returns FK_OK (0) or a negative FK_ERR_* code
 * (fk_strerror says what it means), never aborts, never prints, and writes
 * no output unless it returns FK_OK. Calls are thread-safe: any number of
 * threads may call them at once (on outputs of their own). n_threads <= 0
 * means all available (OMP_NUM_THREADS, omp_set_num_threads); without
 * OpenMP the library runs on the calling thread. No result depends on
 * n_threads: rows are summed in blocks fixed by n_samples, in block order.
 * ======================================================================== */

/* Bumped on any incompatible change of the declarations in this section. */
#define FK_API_VERSION 1

enum {
    FK_OK = 0,
    FK_ERR_NULL = -1,       /* a required pointer is NULL */
    FK_ERR_SIZE = -2,       /* n_samples, n_features or n_clusters out of range */
    FK_ERR_NONFINITE = -3,  /* NaN or infinity in X or centers */
    FK_ERR_WEIGHT = -4,     /* a weight negative or not finite, their sum not finite,
                               or fewer than n_clusters positive weights */
    FK_ERR_PARAM = -5,      /* max_iter < 1, tol negative or NaN, n_local_trials < 0 */
    FK_ERR_OVERFLOW = -6,   /* values so large that squared distances would overflow */
    FK_ERR_NOMEM = -7       /* out of memory */
};

/* A static, English description of an FK_OK / FK_ERR_* code. */
const char *fk_strerror(int code);

/* Exact Lloyd k-means from the given centers: the same labels, centers and
 * n_iter as the Python fastkmeans.fit(X, n_clusters, init=centers,
 * n_init=1, algorithm="lloyd", max_iter=max_iter, tol=t) where t * (the
 * mean feature variance of X) == tol. Each iteration labels every point
 * with its nearest center (lowest index on ties), re-seeds empty clusters
 * with the points farthest from their centers (farthest first, lowest
 * index on ties; points of weight zero never move), and moves every center
 * with weight to its cluster's weighted mean. It stops when no label
 * changes, when the total squared center shift is <= tol, or after
 * max_iter iterations; the labels then belong to the final centers.
 *
 * X IN (n_samples, n_features); sample_weight IN (n_samples) >= 0, or NULL
 * for all ones; centers INOUT (n_clusters, n_features): initial in, final
 * out; labels OUT (n_samples); *inertia OUT = sum of w * |x - c|^2 (exact
 * differences, float64); *n_iter OUT the iterations run. tol: an absolute
 * bound on the total squared center shift (0: stop only when no label
 * changes). 1 <= n_clusters <= n_samples. Memory: O(n_samples +
 * n_clusters * n_features * threads); X is never copied. */
int fk_fit_f64(const double *X, int64_t n_samples, int64_t n_features,
               const double *sample_weight, double *centers, int64_t n_clusters,
               int max_iter, double tol, int n_threads, int32_t *labels,
               double *inertia, int *n_iter);
/* As fk_fit_f64 with float X, sample_weight and centers (the centers stay
 * float, as in Python; sums and the inertia are float64). */
int fk_fit_f32(const float *X, int64_t n_samples, int64_t n_features,
               const float *sample_weight, float *centers, int64_t n_clusters,
               int max_iter, double tol, int n_threads, int32_t *labels,
               double *inertia, int *n_iter);

/* The nearest center of every row, as fastkmeans.predict: X IN (n_samples,
 * n_features), centers IN (n_clusters, n_features); labels OUT (n_samples)
 * (lowest index on ties); sq_dist OUT (n_samples) the squared distance to
 * it, in the precision of X, or NULL. */
int fk_predict_f64(const double *X, int64_t n_samples, int64_t n_features,
                   const double *centers, int64_t n_clusters, int n_threads,
                   int32_t *labels, double *sq_dist);
int fk_predict_f32(const float *X, int64_t n_samples, int64_t n_features,
                   const float *centers, int64_t n_clusters, int n_threads,
                   int32_t *labels, float *sq_dist);

/* Greedy k-means++ (as fastkmeans.kmeans_plusplus): the first center is a
 * row drawn with probability proportional to its weight; each next one is
 * the best of n_local_trials rows drawn with probability proportional to
 * w * D^2 (D: distance to the closest center so far), the one that lowers
 * sum(w * D^2) most. n_local_trials <= 0: 2 + floor(ln(n_clusters)).
 *
 * Random numbers: splitmix64 seeded with `seed`, each draw a double
 * (next >> 11) * 2^-53 in [0, 1) mapped to a row through the cumulative
 * sum of the probabilities (summed in row order). The same seed gives the
 * same centers for any n_threads, on any machine with IEEE arithmetic and
 * the same instruction-set path; the draws are not NumPy's, so the centers
 * differ from the Python function's for the same seed.
 *
 * X IN (n_samples, n_features); sample_weight IN (n_samples) or NULL;
 * centers OUT (n_clusters, n_features) rows of X; indices OUT (n_clusters)
 * the row of each center, or NULL. */
int fk_kmeans_plusplus_f64(const double *X, int64_t n_samples, int64_t n_features,
                           const double *sample_weight, int64_t n_clusters,
                           uint64_t seed, int n_local_trials, int n_threads,
                           double *centers, int64_t *indices);
int fk_kmeans_plusplus_f32(const float *X, int64_t n_samples, int64_t n_features,
                           const float *sample_weight, int64_t n_clusters,
                           uint64_t seed, int n_local_trials, int n_threads,
                           float *centers, int64_t *indices);

/* ===========================================================================
 * The kernels below are the building blocks of the Python package and of
 * the public Cython API (kernels.pxd). They take their arguments as given
 * (no checks) and work on ranges of rows; their stability is that of
 * kernels.pxd (see docs/vendoring.md).
 * ======================================================================== */

/* The block plan of every parallel loop: rows split into at most
 * FK_MAX_BLOCKS blocks of at least FK_MIN_BLOCK_ROWS rows, by n_samples
 * only; sums go within a block in row order, then over blocks in order. */
#define FK_MIN_BLOCK_ROWS 256
#define FK_MAX_BLOCKS 64
/* Units of work (rows x features x centers) below which another thread
 * costs more to start than it saves. */
#define FK_MIN_WORK_PER_THREAD (1 << 18)

/* ---------------------------------------------------------------------------
 * Build facts, input scan
 * ------------------------------------------------------------------------- */

/* 1 if the core was compiled with OpenMP (threads.c), else 0. */
int fk_openmp_enabled(void);
/* Threads an OpenMP region would use by default: honours OMP_NUM_THREADS
 * and omp_set_num_threads (which is what threadpoolctl calls); 1 without
 * OpenMP. */
int fk_omp_max_threads(void);

/* Scan values IN (n): the index of the first NaN or infinity (-1 if none);
 * *max_abs OUT: the largest magnitude of the values before it. */
ptrdiff_t fk_scan_float(const float *values, ptrdiff_t n, double *max_abs);
ptrdiff_t fk_scan_double(const double *values, ptrdiff_t n, double *max_abs);

/* The L2 cache size (bytes) the chunk sizes are derived from. */
ptrdiff_t fk_l2_cache_bytes(void);

/* ---------------------------------------------------------------------------
 * Instruction-set paths: one choice per process, for every kernel family
 * ------------------------------------------------------------------------- */

enum { FK_PATH_GENERIC = 0, FK_PATH_AVX2 = 1, FK_PATH_AVX512 = 2, FK_N_PATHS = 3 };

/* Kernel families. Dense and sparse are compiled for every path; bounds
 * and silhouette for x86-64 levels (v3 for avx2, v4 for avx512), so on a
 * CPU with the path's instructions but not the whole level they run the
 * best level below it (fk_family_path). */
enum {
    FK_FAMILY_DENSE = 0,       /* nearest centers, Lloyd, k-means++, distances */
    FK_FAMILY_BOUNDS = 1,      /* Hamerly / Elkan / Yinyang bounds */
    FK_FAMILY_SPARSE = 2,      /* CSR dot products */
    FK_FAMILY_SILHOUETTE = 3,  /* silhouette distance sums */
    FK_N_FAMILIES = 4
};

/* "generic", "avx2" or "avx512" ("unknown" out of range). */
const char *fk_path_name(int path);
/* "dense", "bounds", "sparse" or "silhouette" ("unknown" out of range). */
const char *fk_family_name(int family);
/* 1 if this CPU (and this build) can run the path; CPU checked once. */
int fk_path_supported(int path);
/* The process path: resolved on first call, from FASTKMEANS_SIMD ("generic",
 * "avx2", "avx512", any case) if set and supported, else the best
 * supported path. */
int fk_simd_path(void);
/* Make `path` the process path (the test hook): returns the previous one,
 * or -1 (nothing changed) if this CPU cannot run it. Models keep the path
 * they were initialised with. */
int fk_set_simd_path(int path);
/* The FASTKMEANS_SIMD value refused at resolution (lower case, trimmed), or
 * NULL if it was accepted, empty or unset. */
const char *fk_simd_rejected(void);
/* The path a family runs under the process path: the best one it has at or
 * below it that this CPU supports. */
int fk_family_path(int family);

/* ---------------------------------------------------------------------------
 * Nearest-center models: the centers of one iteration, laid out for a path
 * ------------------------------------------------------------------------- */

typedef struct {
    int path;              /* the dense family's path at init */
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

/* m OUT: `centers` IN (k, d) laid out for the process path (recorded in
 * m->path); 0 on success, -1 if out of memory. The model points into
 * `centers`: keep them alive and unchanged until fk_model_free. With
 * centers NULL the model only serves fk_lloyd_rows with assign = 0. */
int fk_model_init_f32(fk_model *m, const float *centers, ptrdiff_t k, ptrdiff_t d);
int fk_model_init_f64(fk_model *m, const double *centers, ptrdiff_t k, ptrdiff_t d);
/* m OUT: a model of some of the centers of `whole` (IN, of the dense
 * layout, alive until this one is freed): centers IN (k, whole->d), rows
 * equal to rows of whole's centers, packed around whole's mean, so that
 * the values fk_nearest_two_rows compares are bitwise those whole gives
 * the same centers. 0 on success, -1 if out of memory. */
int fk_model_part_init_f32(fk_model *m, const float *centers, ptrdiff_t k,
                           const fk_model *whole);
int fk_model_part_init_f64(fk_model *m, const double *centers, ptrdiff_t k,
                           const fk_model *whole);
/* m INOUT: frees what init allocated (idempotent). */
void fk_model_free(fk_model *m);

/* For rows [start, end) of X IN (n, m->d): labels OUT (n) the nearest
 * center (lowest index on ties), sq_dist OUT (n) its squared distance
 * sum((x - c)^2). m IN. */
void fk_assign_rows_f32(const fk_model *m, const float *X, ptrdiff_t start,
                        ptrdiff_t end, int32_t *labels, float *sq_dist);
void fk_assign_rows_f64(const fk_model *m, const double *X, ptrdiff_t start,
                        ptrdiff_t end, int32_t *labels, double *sq_dist);

/* For rows ids[0 .. count) of X IN (n, m->d), a model of the dense layout
 * (m->lowd 0): labels OUT (count) the nearest center, the label
 * fk_assign_rows gives; min1, min2 OUT (count) the smallest and second
 * smallest of the values the dense kernel compares, |x - c|^2 - |x - m|^2
 * (m the mean of the centers), each within fk_bounds' E of the true value;
 * min2 is +inf when k is 1; off OUT (count, or NULL) |x - m|^2, the
 * squares summed in float64. The bounds' search of a row that needs every
 * center (bounds.c). m, ids IN. */
void fk_nearest_two_rows_f32(const fk_model *m, const float *X, const int32_t *ids,
                             ptrdiff_t count, int32_t *labels, float *min1, float *min2,
                             double *off);
void fk_nearest_two_rows_f64(const fk_model *m, const double *X, const int32_t *ids,
                             ptrdiff_t count, int32_t *labels, double *min1, double *min2,
                             double *off);

/* One Lloyd pass over rows [start, end) of X IN (n, d), sample_weight IN
 * (n). When `assign`: label each row with its nearest center (labels INOUT
 * (n): the previous labels in, the new ones out, stored only where they
 * change), *inertia OUT = sum of w * sum((x - c)^2), *n_changed OUT = the
 * labels changed; otherwise labels IN and both outputs 0. Then, rows
 * in order: sums OUT (k, d)[label] = sum of w * x, weights OUT (k)[label]
 * = sum of w (both zeroed first). m IN. */
void fk_lloyd_rows_f32(const fk_model *m, const float *X, const double *sample_weight,
                       ptrdiff_t start, ptrdiff_t end, int assign, int32_t *labels,
                       double *sums, double *weights, double *inertia,
                       ptrdiff_t *n_changed);
void fk_lloyd_rows_f64(const fk_model *m, const double *X, const double *sample_weight,
                       ptrdiff_t start, ptrdiff_t end, int assign, int32_t *labels,
                       double *sums, double *weights, double *inertia,
                       ptrdiff_t *n_changed);

/* out OUT (n)[i] = sum((x_i - centers[labels[i]])^2), exactly, for rows
 * [start, end); X IN (n, d), centers IN (k, d), labels IN (n). */
void fk_label_sq_dist_rows_f32(const float *X, ptrdiff_t d, const float *centers,
                               const int32_t *labels, ptrdiff_t start, ptrdiff_t end,
                               double *out);
void fk_label_sq_dist_rows_f64(const double *X, ptrdiff_t d, const double *centers,
                               const int32_t *labels, ptrdiff_t start, ptrdiff_t end,
                               double *out);

/* Returns sum(w_i * |x_i - centers[labels[i]]|^2) over rows [start, end):
 * exact distances, a float64 sum in an order fixed by the rows. X IN (n, d),
 * centers IN (k, d), labels IN (n), sample_weight IN (n). */
double fk_inertia_rows_f32(const float *X, ptrdiff_t d, const float *centers,
                           const int32_t *labels, const double *sample_weight,
                           ptrdiff_t start, ptrdiff_t end);
double fk_inertia_rows_f64(const double *X, ptrdiff_t d, const double *centers,
                           const int32_t *labels, const double *sample_weight,
                           ptrdiff_t start, ptrdiff_t end);

/* ---------------------------------------------------------------------------
 * k-means++
 * ------------------------------------------------------------------------- */

/* m OUT: candidates IN (k, d) in the dense layout of the process path,
 * centered by mean IN (d) (the same offset x_sq was computed with). 0 on
 * success, -1 if out of memory or k > fk_max_candidates of that path. */
int fk_candidates_init_f32(fk_model *m, const float *candidates, ptrdiff_t k,
                           ptrdiff_t d, const float *mean);
int fk_candidates_init_f64(fk_model *m, const double *candidates, ptrdiff_t k,
                           ptrdiff_t d, const double *mean);
/* The most candidates one model holds on the process path. */
ptrdiff_t fk_max_candidates(int is_double);

/* potentials OUT (m->k)[j] = sum over rows [start, end) of
 * w * min(closest, |x - c_j|^2) for every candidate j, |x - c_j|^2 from the
 * expansion around the model's mean (x_sq IN (n)[i] = |x_i - mean|^2),
 * clamped at zero; rows added in order. X IN (n, d), sample_weight IN (n),
 * closest IN (n). m IN. */
void fk_potentials_rows_f32(const fk_model *m, const float *X, const double *sample_weight,
                            const double *x_sq, const double *closest, ptrdiff_t start,
                            ptrdiff_t end, double *potentials);
void fk_potentials_rows_f64(const fk_model *m, const double *X, const double *sample_weight,
                            const double *x_sq, const double *closest, ptrdiff_t start,
                            ptrdiff_t end, double *potentials);

/* k-means++ on exact distances (fk_kmeans_plusplus_steps): m from
 * fk_candidates_init with a zero mean (the candidates as they are),
 * |x - c_j|^2 = sum over the features, in order, of (x_f - c_j,f)^2 in the
 * input precision, the same bits for a candidate whatever the others.
 * fk_seed_rows: potentials OUT (m->k)[j] = sum over rows [start, end) of
 * w * min(closest, |x - c_j|^2) (rows added in order), and where dist is
 * not NULL, dist OUT [(first + j) * stride + i] = |x_i - c_j|^2.
 * fk_seed_closest_rows (m of one candidate c): closest INOUT = min(closest,
 * |x - c|^2), weighted OUT = w * closest. X IN (n, d), sample_weight IN (n). */
void fk_seed_rows_f32(const fk_model *m, const float *X, const double *sample_weight,
                      const double *closest, ptrdiff_t start, ptrdiff_t end, float *dist,
                      ptrdiff_t stride, ptrdiff_t first, double *potentials);
void fk_seed_rows_f64(const fk_model *m, const double *X, const double *sample_weight,
                      const double *closest, ptrdiff_t start, ptrdiff_t end, double *dist,
                      ptrdiff_t stride, ptrdiff_t first, double *potentials);
void fk_seed_closest_rows_f32(const fk_model *m, const float *X, const double *sample_weight,
                              ptrdiff_t start, ptrdiff_t end, double *closest, double *weighted);
void fk_seed_closest_rows_f64(const fk_model *m, const double *X, const double *sample_weight,
                              ptrdiff_t start, ptrdiff_t end, double *closest, double *weighted);

/* For rows [start, end): closest INOUT (n)[i] = min(closest[i],
 * sum((x_i - center)^2)) (exact), weighted OUT (n)[i] = w[i] * closest[i].
 * X IN (n, d), center IN (d), sample_weight IN (n). */
void fk_closest_rows_f32(const float *X, ptrdiff_t d, const float *center,
                         const double *sample_weight, ptrdiff_t start, ptrdiff_t end,
                         double *closest, double *weighted);
void fk_closest_rows_f64(const double *X, ptrdiff_t d, const double *center,
                         const double *sample_weight, ptrdiff_t start, ptrdiff_t end,
                         double *closest, double *weighted);

/* out OUT (n)[i] = sum((x_i - point)^2) for rows [start, end); X IN (n, d),
 * point IN (d). */
void fk_row_sq_dist_f32(const float *X, ptrdiff_t d, const float *point,
                        ptrdiff_t start, ptrdiff_t end, double *out);
void fk_row_sq_dist_f64(const double *X, ptrdiff_t d, const double *point,
                        ptrdiff_t start, ptrdiff_t end, double *out);

/* ---------------------------------------------------------------------------
 * float16 rows: X holds the bits of IEEE half-precision values (n, d)
 *
 * Each is the float32 kernel above, with the same arguments and results,
 * bitwise (the conversion to float32 is exact), on X converted a window of
 * rows at a time (about 256 KiB of float32 per call): no float32 copy of X.
 * m from fk_model_init_f32 / fk_candidates_init_f32. Each returns 0, or -1
 * if out of memory (outputs then undefined). fk_inertia_rows_f16 writes its
 * sum into *inertia OUT.
 * ------------------------------------------------------------------------- */

int fk_assign_rows_f16(const fk_model *m, const uint16_t *X, ptrdiff_t start, ptrdiff_t end,
                       int32_t *labels, float *sq_dist);
int fk_lloyd_rows_f16(const fk_model *m, const uint16_t *X, const double *sample_weight,
                      ptrdiff_t start, ptrdiff_t end, int assign, int32_t *labels,
                      double *sums, double *weights, double *inertia, ptrdiff_t *n_changed);
int fk_label_sq_dist_rows_f16(const uint16_t *X, ptrdiff_t d, const float *centers,
                              const int32_t *labels, ptrdiff_t start, ptrdiff_t end,
                              double *out);
int fk_inertia_rows_f16(const uint16_t *X, ptrdiff_t d, const float *centers,
                        const int32_t *labels, const double *sample_weight,
                        ptrdiff_t start, ptrdiff_t end, double *inertia);
int fk_potentials_rows_f16(const fk_model *m, const uint16_t *X, const double *sample_weight,
                           const double *x_sq, const double *closest, ptrdiff_t start,
                           ptrdiff_t end, double *potentials);
int fk_closest_rows_f16(const uint16_t *X, ptrdiff_t d, const float *center,
                        const double *sample_weight, ptrdiff_t start, ptrdiff_t end,
                        double *closest, double *weighted);
int fk_seed_rows_f16(const fk_model *m, const uint16_t *X, const double *sample_weight,
                     const double *closest, ptrdiff_t start, ptrdiff_t end, float *dist,
                     ptrdiff_t stride, ptrdiff_t first, double *potentials);
int fk_seed_closest_rows_f16(const fk_model *m, const uint16_t *X, const double *sample_weight,
                             ptrdiff_t start, ptrdiff_t end, double *closest, double *weighted);
/* Rows ids[0 .. count) of float16 X, exactly: out OUT (count, d). */
void fk_half_rows_to_float(const uint16_t *X, ptrdiff_t d, const ptrdiff_t *ids,
                           ptrdiff_t count, float *out);
int fk_row_sq_dist_f16(const uint16_t *X, ptrdiff_t d, const float *point, ptrdiff_t start,
                       ptrdiff_t end, double *out);

/* ---------------------------------------------------------------------------
 * The Lloyd run of fk_fit on input already checked (the Python package runs
 * it when nothing needs Python between iterations): X IN (n_samples,
 * n_features), sample_weight IN (n_samples) float64, centers INOUT
 * (n_clusters, n_features) from the initial to the final ones, tol the
 * absolute bound on the total squared center shift; labels OUT (n_samples),
 * *inertia, *n_iter, *converged OUT (the stopping rule was met, not
 * max_iter), history OUT (max_iter, 3) or NULL: per iteration the pass's
 * inertia, the total squared center shift and the seconds it took. FK_OK or
 * FK_ERR_NOMEM; outputs only on FK_OK.
 * ------------------------------------------------------------------------- */

int fk_lloyd_run_f32(const float *X, int64_t n_samples, int64_t n_features,
                     const double *sample_weight, float *centers, int64_t n_clusters,
                     int max_iter, double tol, int n_threads, int32_t *labels,
                     double *inertia, int *n_iter, int *converged, double *history);
int fk_lloyd_run_f64(const double *X, int64_t n_samples, int64_t n_features,
                     const double *sample_weight, double *centers, int64_t n_clusters,
                     int max_iter, double tol, int n_threads, int32_t *labels,
                     double *inertia, int *n_iter, int *converged, double *history);

/* ---------------------------------------------------------------------------
 * The greedy k-means++ steps of fk_kmeans_plusplus on input already checked
 * (the Python package runs them with NumPy's random stream): X IN
 * (n_samples, n_features), sample_weight IN (n_samples) float64, indices
 * INOUT (n_clusters) with the first center's row in indices[0] on entry,
 * centers OUT (n_clusters, n_features), closest OUT (n_samples) the squared
 * distance to the closest center, weighted OUT (n_samples) w * closest.
 * Candidates are drawn with uniform(state), a double in [0, 1), through the
 * cumulative sum of w * closest in row order, n_local_trials (> 0) per
 * center, and scored on exact distances (fk_seed_rows). Where no mass is
 * left (every weighted row is a center), the draw is from fallback
 * (cumulative weights); with fallback NULL the steps stop there instead, as
 * on an interrupt. *n_chosen OUT: the centers chosen (n_clusters unless
 * stopped). FK_OK or FK_ERR_NOMEM. Extra memory: O(n_samples), plus the
 * candidates' distances (n_local_trials x n_samples, at most 256 MiB and
 * a third of the size of X) that spare a second pass over X a step.
 * ------------------------------------------------------------------------- */

int fk_kmeans_plusplus_steps_f32(const float *X, int64_t n_samples, int64_t n_features,
                                 const double *sample_weight, int64_t n_clusters,
                                 int n_local_trials, int n_threads, double (*uniform)(void *),
                                 void *state, const double *fallback, float *centers,
                                 int64_t *indices, double *closest, double *weighted,
                                 int64_t *n_chosen);
int fk_kmeans_plusplus_steps_f64(const double *X, int64_t n_samples, int64_t n_features,
                                 const double *sample_weight, int64_t n_clusters,
                                 int n_local_trials, int n_threads, double (*uniform)(void *),
                                 void *state, const double *fallback, double *centers,
                                 int64_t *indices, double *closest, double *weighted,
                                 int64_t *n_chosen);
/* float16 X (its bits), centers in float32 */
int fk_kmeans_plusplus_steps_f16(const uint16_t *X, int64_t n_samples, int64_t n_features,
                                 const double *sample_weight, int64_t n_clusters,
                                 int n_local_trials, int n_threads, double (*uniform)(void *),
                                 void *state, const double *fallback, float *centers,
                                 int64_t *indices, double *closest, double *weighted,
                                 int64_t *n_chosen);

/* ---------------------------------------------------------------------------
 * Triangle-inequality bounds (Hamerly, Elkan, Yinyang): bounds.c
 *
 * One kernel, configured by how the centers are grouped. Every point keeps
 * its label a, an upper bound u >= |x - c_a| and one lower bound per group
 * of centers, l[g] <= min |x - c_j| over the centers j != a of group g.
 * Hamerly is one group, Elkan one group per center, Yinyang about k / 10
 * groups. When the centers move by delta_j the bounds become u + delta_a
 * and l[g] - max_{j in g} delta_j.
 *
 * Exactness. Lloyd labels a point with the argmin of distances computed in
 * the input precision, each wrong by at most E (see fk_bounds.kappa); a
 * center whose true squared distance exceeds the smallest one by more than
 * 2E can never be Lloyd's choice. So a point (or a group) is skipped only
 * when its bounds prove that margin, every bound is rounded outwards, and a
 * point whose nearest center is not clear by 2E is labelled by Lloyd's own
 * kernel (fk_assign_rows): the labels are Lloyd's, bit for bit, at every
 * iteration.
 * ------------------------------------------------------------------------- */

/* Lloyd's dense kernel on each group of centers (fk_model_part_init): the
 * Yinyang search of a row's few open groups, each group's rows together. */
typedef struct {
    ptrdiff_t n_groups;
    fk_model *models;  /* (n_groups) */
    void *grouped;     /* (k, d) the centers in group order, the models' rows */
} fk_group_models;

typedef struct {                 /* every pointer IN, owned by the caller */
    ptrdiff_t d, k, n_groups;
    const int32_t *group_start;  /* (n_groups + 1) first position of each group */
    const int32_t *group_of;     /* (k) group of each center */
    const int32_t *center_at;    /* (k) center at each position (group order) */
    const void *soa;             /* (d, k) centers in group order, feature-major */
    const void *centers;         /* (k, d) centers, row-major */
    const double *shift;         /* (k) upper bound on how far each center moved */
    const double *group_shift;   /* (n_groups) largest shift in each group */
    const double *half_gap;      /* (k) lower bound on half the distance to the
                                    nearest other center, or NULL */
    const double *center_dist;   /* (k, k) lower bounds on center distances, or NULL */
    /* Lloyd's error on any of its distances to x is at most
     *   E = kappa * (R (|x| + |m| + R) + (|x - m| + R)^2),
     * m the mean of the centers and R = spread >= max |c - m|: its dense
     * kernel compares |c'|^2 + 2 m.c' - 2 x.c' (c' = c - m), whose errors
     * all carry a factor |c'| <= R, and its low-d kernel sums (x - c)^2,
     * off by (d + 3) eps relative. kappa is twice (8 d + 24) eps. */
    double kappa;
    double spread;               /* R */
    double center_norm;          /* |m| */
    double gamma;                /* relative error of the distances computed here */
    const fk_model *model;       /* Lloyd's nearest-center kernel, for near-ties */
    const fk_group_models *groups;  /* its part for each group, or NULL */
    /* With the dense search: whether a row whose bounds fail is first given
     * its label's distance, which may settle it (tightening), or goes to the
     * search at once, unread. Every 16th row (bounds.c) is tightened
     * either way, so that the stats say whether tightening pays. */
    int tighten;
} fk_bounds;

typedef struct {
    ptrdiff_t changed;    /* labels changed */
    ptrdiff_t distances;  /* point-center distances evaluated */
    ptrdiff_t grouped;    /* rows searched in their open groups only, together */
    ptrdiff_t tightened;  /* rows whose bounds failed, given their label's distance */
    ptrdiff_t settled;    /* ... of which that distance settled */
} fk_bounds_stats;

/* Update the bounds and labels of rows [start, end) for new centers.
 * b IN; X IN (n, d); x_norm IN (n) |x|; labels INOUT (n); upper INOUT (n);
 * lower INOUT (n, n_groups); stats OUT. Returns -1 if out of memory, else 0.
 * Where Lloyd's model is of the dense layout (b->model->lowd 0) and the
 * groups are not Elkan's, a row whose bounds leave (nearly) every center
 * open is searched by fk_nearest_two_rows, with the block's other such
 * rows; its lower bounds then all come from the second nearest center.
 * That is also how rows start: a label of -1 (none yet), or an upper bound
 * of +inf with lower bounds of 0, searches every center. */
/* gm OUT: a model for each group of b's centers (b IN: centers,
 * center_at, group_start and a model of the dense layout), for b->groups;
 * 0, or -1 if out of memory. Then with Yinyang's groups a row whose bounds
 * leave a few groups open is searched in those groups only, with the other
 * such rows of its part of a block. */
int fk_group_models_init_f32(fk_group_models *gm, const fk_bounds *b);
int fk_group_models_init_f64(fk_group_models *gm, const fk_bounds *b);
/* gm INOUT: frees what init allocated (idempotent). */
void fk_group_models_free(fk_group_models *gm);

/* out OUT (n)[i] = |x_i| for rows [start, end) of X IN (n, d), the squares
 * summed in float64 (the bounds' x_norm); 0, or -1 if out of memory. */
int fk_row_norms_f32(const float *X, ptrdiff_t d, ptrdiff_t start, ptrdiff_t end, double *out);
int fk_row_norms_f64(const double *X, ptrdiff_t d, ptrdiff_t start, ptrdiff_t end, double *out);

int fk_bounded_rows_f32(const fk_bounds *b, const float *X, const double *x_norm,
                        ptrdiff_t start, ptrdiff_t end, int32_t *labels, double *upper,
                        double *lower, fk_bounds_stats *stats);
int fk_bounded_rows_f64(const fk_bounds *b, const double *X, const double *x_norm,
                        ptrdiff_t start, ptrdiff_t end, int32_t *labels, double *upper,
                        double *lower, fk_bounds_stats *stats);

/* Bounds of rows [start, end) already labelled (by Lloyd's pass): b IN,
 * X IN (n, d), labels IN (n), group_gap IN (k, n_groups) a lower bound on
 * the distance from each center to the other centers of each group; upper
 * OUT (n), lower OUT (n, n_groups). One distance per row. */
void fk_start_bounds_f32(const fk_bounds *b, const float *X, ptrdiff_t start, ptrdiff_t end,
                         const int32_t *labels, const double *group_gap, double *upper,
                         double *lower);
void fk_start_bounds_f64(const fk_bounds *b, const double *X, ptrdiff_t start, ptrdiff_t end,
                         const int32_t *labels, const double *group_gap, double *upper,
                         double *lower);

/* row OUT (k)[j]: a lower bound on |c_i - c_j| (+inf for j = i); centers_t
 * IN (d, k) is the transpose of the centers in float64. */
void fk_center_gaps(const double *centers_t, ptrdiff_t k, ptrdiff_t d, ptrdiff_t i,
                    double *row);

/* ---------------------------------------------------------------------------
 * Sparse (CSR) rows: sparse.c
 * ------------------------------------------------------------------------- */

/* Values of one cache line: the transposed centers' width is a multiple of it. */
#define FK_SPARSE_LINE_BYTES 64

/* dots OUT (width)[c] = sum_{p in [p0, p1)} data[p] * ct[indices[p] * width + c]:
 * one CSR row (data IN, indices IN, entries [p0, p1)) against the
 * transposed centers ct IN (d, width), aligned to FK_SPARSE_LINE_BYTES, width
 * a multiple of FK_SPARSE_LINE_BYTES / sizeof(value). */
void fk_sparse_dots_f32_i32(const float *data, const int32_t *indices, ptrdiff_t p0,
                            ptrdiff_t p1, const float *ct, ptrdiff_t width, float *dots);
void fk_sparse_dots_f32_i64(const float *data, const int64_t *indices, ptrdiff_t p0,
                            ptrdiff_t p1, const float *ct, ptrdiff_t width, float *dots);
void fk_sparse_dots_f64_i32(const double *data, const int32_t *indices, ptrdiff_t p0,
                            ptrdiff_t p1, const double *ct, ptrdiff_t width, double *dots);
void fk_sparse_dots_f64_i64(const double *data, const int64_t *indices, ptrdiff_t p0,
                            ptrdiff_t p1, const double *ct, ptrdiff_t width, double *dots);

/* ---------------------------------------------------------------------------
 * Silhouette: sums of Euclidean distances per cluster, silhouette.c
 *
 * Direct differences (no expansion, so no cancellation) in float64. The
 * points are sorted by cluster and packed in tiles of FK_SIL_TILE columns,
 * transposed: packed is (n_tiles, d, FK_SIL_TILE), zero-padded to whole
 * tiles; cluster c holds the sorted points [cluster_end[c - 1],
 * cluster_end[c]). Each sum receives its terms in a fixed order (tile by
 * tile, column by column), whatever the thread count.
 * ------------------------------------------------------------------------- */

#define FK_SIL_TILE 256
#define FK_SIL_ROWS 4

/* cluster_sums OUT (n_groups * FK_SIL_ROWS, n_clusters)[r, c] = sum of
 * |x_r - p| over the points p of cluster c, for the n_groups * FK_SIL_ROWS
 * points x_r from point `first` on (all in one tile). packed IN,
 * cluster_end IN (n_clusters); dist: scratch of n_groups * FK_SIL_ROWS *
 * FK_SIL_TILE doubles. */
void fk_sil_cluster_sums(ptrdiff_t first, ptrdiff_t n_groups, ptrdiff_t d,
                         const double *packed, ptrdiff_t n_points,
                         const int64_t *cluster_end, ptrdiff_t n_clusters,
                         double *dist, double *cluster_sums);

/* Every distance between the points of tiles I and J, computed once and
 * added to the per-cluster sums of both tiles' points: sums INOUT
 * (n_points, n_clusters)[i, c] += the sum of |x_i - x_j| over the points j
 * of tile J in cluster c, for i in tile I, and the same with the roles
 * swapped (for I == J once). packed IN, cluster_end IN (n_clusters), codes
 * IN (n_points) the cluster of every sorted point; dist: scratch of
 * FK_SIL_ROWS * FK_SIL_TILE doubles; column_sums: scratch of FK_SIL_TILE
 * doubles per cluster of tile I. No two concurrent calls may share a tile. */
void fk_sil_tile_pair(const double *packed, ptrdiff_t d, ptrdiff_t n_points,
                      ptrdiff_t tile_i, ptrdiff_t tile_j, const int64_t *cluster_end,
                      const int64_t *codes, ptrdiff_t n_clusters, double *dist,
                      double *column_sums, double *sums);

#ifdef __cplusplus
}
#endif

#endif /* FASTKMEANS_H */
