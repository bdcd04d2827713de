# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False
"""The C core's one home in Python: build facts, instruction-set paths, the
input scan, and the exported front ends of every kernel (see _common.pxd).

This is the only extension module linked with the C core; the others call
its kernels through the front ends, so there is one copy of the code and
one process-wide instruction-set path.
"""

from cpython.exc cimport PyErr_CheckSignals
from cpython.pycapsule cimport PyCapsule_GetPointer
from cython.parallel cimport prange
from libc.signal cimport SIGINT
from libc.stddef cimport ptrdiff_t
from libc.stdint cimport int32_t, int64_t, uint16_t, uint64_t
from numpy.random cimport bitgen_t

from ._common cimport (
    BlockPlan, FK_N_FAMILIES, FK_N_PATHS, MAX_BLOCKS, fk_bounds, fk_bounds_stats, fk_model,
    floating, index_t, plan_blocks, seed_rows,
)


cdef extern from "fastkmeans.h" nogil:
    # private to this module: the others call the front ends below
    int fk_openmp_enabled() noexcept
    int fk_omp_max_threads() noexcept
    ptrdiff_t fk_scan_float(const float *values, ptrdiff_t n, double *max_abs) noexcept
    ptrdiff_t fk_scan_double(const double *values, ptrdiff_t n, double *max_abs) noexcept
    ptrdiff_t fk_l2_cache_bytes() noexcept

    const char *fk_path_name(int path) noexcept
    const char *fk_family_name(int family) noexcept
    int fk_path_supported(int path) noexcept
    int fk_simd_path() noexcept
    int fk_set_simd_path(int path) noexcept
    const char *fk_simd_rejected() noexcept
    int fk_family_path(int family) noexcept

    int fk_model_init_f32(fk_model *m, const float *centers, ptrdiff_t k, ptrdiff_t d) noexcept
    int fk_model_init_f64(fk_model *m, const double *centers, ptrdiff_t k,
                          ptrdiff_t d) noexcept
    void fk_model_free(fk_model *m) noexcept
    void fk_assign_rows_f32(const fk_model *m, const float *X, ptrdiff_t start,
                            ptrdiff_t end, int32_t *labels, float *sq_dist) noexcept
    void fk_assign_rows_f64(const fk_model *m, const double *X, ptrdiff_t start,
                            ptrdiff_t end, int32_t *labels, double *sq_dist) noexcept
    void fk_lloyd_rows_f32(const fk_model *m, const float *X, const double *sample_weight,
                           ptrdiff_t start, ptrdiff_t end, int assign, int32_t *labels,
                           double *sums, double *weights, double *inertia,
                           ptrdiff_t *n_changed) noexcept
    void fk_lloyd_rows_f64(const fk_model *m, const double *X, const double *sample_weight,
                           ptrdiff_t start, ptrdiff_t end, int assign, int32_t *labels,
                           double *sums, double *weights, double *inertia,
                           ptrdiff_t *n_changed) noexcept
    void fk_label_sq_dist_rows_f32(const float *X, ptrdiff_t d, const float *centers,
                                   const int32_t *labels, ptrdiff_t start, ptrdiff_t end,
                                   double *out) noexcept
    void fk_label_sq_dist_rows_f64(const double *X, ptrdiff_t d, const double *centers,
                                   const int32_t *labels, ptrdiff_t start, ptrdiff_t end,
                                   double *out) noexcept
    double fk_inertia_rows_f32(const float *X, ptrdiff_t d, const float *centers,
                               const int32_t *labels, const double *sample_weight,
                               ptrdiff_t start, ptrdiff_t end) noexcept
    double fk_inertia_rows_f64(const double *X, ptrdiff_t d, const double *centers,
                               const int32_t *labels, const double *sample_weight,
                               ptrdiff_t start, ptrdiff_t end) noexcept
    int fk_candidates_init_f32(fk_model *m, const float *candidates, ptrdiff_t k,
                               ptrdiff_t d, const float *mean) noexcept
    int fk_candidates_init_f64(fk_model *m, const double *candidates, ptrdiff_t k,
                               ptrdiff_t d, const double *mean) noexcept
    ptrdiff_t fk_max_candidates(int is_double) noexcept
    void fk_potentials_rows_f32(const fk_model *m, const float *X, const double *sample_weight,
                                const double *x_sq, const double *closest, ptrdiff_t start,
                                ptrdiff_t end, double *potentials) noexcept
    void fk_potentials_rows_f64(const fk_model *m, const double *X, const double *sample_weight,
                                const double *x_sq, const double *closest, ptrdiff_t start,
                                ptrdiff_t end, double *potentials) noexcept
    void fk_closest_rows_f32(const float *X, ptrdiff_t d, const float *center,
                             const double *sample_weight, ptrdiff_t start, ptrdiff_t end,
                             double *closest, double *weighted) noexcept
    void fk_closest_rows_f64(const double *X, ptrdiff_t d, const double *center,
                             const double *sample_weight, ptrdiff_t start, ptrdiff_t end,
                             double *closest, double *weighted) noexcept
    void fk_row_sq_dist_f32(const float *X, ptrdiff_t d, const float *point,
                            ptrdiff_t start, ptrdiff_t end, double *out) noexcept
    void fk_row_sq_dist_f64(const double *X, ptrdiff_t d, const double *point,
                            ptrdiff_t start, ptrdiff_t end, double *out) noexcept
    int fk_assign_rows_f16(const fk_model *m, const uint16_t *X, ptrdiff_t start, ptrdiff_t end,
                           int32_t *labels, float *sq_dist) noexcept
    int fk_lloyd_rows_f16(const fk_model *m, const uint16_t *X, const double *sample_weight,
                          ptrdiff_t start, ptrdiff_t end, int assign, int32_t *labels,
                          double *sums, double *weights, double *inertia,
                          ptrdiff_t *n_changed) noexcept
    int fk_label_sq_dist_rows_f16(const uint16_t *X, ptrdiff_t d, const float *centers,
                                  const int32_t *labels, ptrdiff_t start, ptrdiff_t end,
                                  double *out) noexcept
    int fk_inertia_rows_f16(const uint16_t *X, ptrdiff_t d, const float *centers,
                            const int32_t *labels, const double *sample_weight,
                            ptrdiff_t start, ptrdiff_t end, double *inertia) noexcept
    int fk_potentials_rows_f16(const fk_model *m, const uint16_t *X,
                               const double *sample_weight, const double *x_sq,
                               const double *closest, ptrdiff_t start, ptrdiff_t end,
                               double *potentials) noexcept
    int fk_closest_rows_f16(const uint16_t *X, ptrdiff_t d, const float *center,
                            const double *sample_weight, ptrdiff_t start, ptrdiff_t end,
                            double *closest, double *weighted) noexcept
    int fk_row_sq_dist_f16(const uint16_t *X, ptrdiff_t d, const float *point,
                           ptrdiff_t start, ptrdiff_t end, double *out) noexcept
    int fk_lloyd_run_f32(const float *X, int64_t n_samples, int64_t n_features,
                         const double *sample_weight, float *centers, int64_t n_clusters,
                         int max_iter, double tol, int n_threads, int32_t *labels,
                         double *inertia, int *n_iter, int *converged,
                         double *history) noexcept
    int fk_lloyd_run_f64(const double *X, int64_t n_samples, int64_t n_features,
                         const double *sample_weight, double *centers, int64_t n_clusters,
                         int max_iter, double tol, int n_threads, int32_t *labels,
                         double *inertia, int *n_iter, int *converged,
                         double *history) noexcept
    int fk_kmeans_plusplus_steps_f32(
        const float *X, int64_t n_samples, int64_t n_features, const double *sample_weight,
        int64_t n_clusters, int n_local_trials, int n_threads,
        double (*uniform)(void *) noexcept nogil, void *state, const double *fallback,
        float *centers, int64_t *indices, double *closest, double *weighted,
        int64_t *n_chosen) noexcept
    int fk_kmeans_plusplus_steps_f64(
        const double *X, int64_t n_samples, int64_t n_features, const double *sample_weight,
        int64_t n_clusters, int n_local_trials, int n_threads,
        double (*uniform)(void *) noexcept nogil, void *state, const double *fallback,
        double *centers, int64_t *indices, double *closest, double *weighted,
        int64_t *n_chosen) noexcept
    int fk_kmeans_plusplus_steps_f16(
        const uint16_t *X, int64_t n_samples, int64_t n_features, const double *sample_weight,
        int64_t n_clusters, int n_local_trials, int n_threads,
        double (*uniform)(void *) noexcept nogil, void *state, const double *fallback,
        float *centers, int64_t *indices, double *closest, double *weighted,
        int64_t *n_chosen) noexcept

    int fk_bounded_rows_f32(const fk_bounds *b, const float *X, const double *x_norm,
                            ptrdiff_t start, ptrdiff_t end, int32_t *labels,
                            double *upper, double *lower, fk_bounds_stats *stats) noexcept
    int fk_bounded_rows_f64(const fk_bounds *b, const double *X, const double *x_norm,
                            ptrdiff_t start, ptrdiff_t end, int32_t *labels,
                            double *upper, double *lower, fk_bounds_stats *stats) noexcept
    int fk_row_norms_f32(const float *X, ptrdiff_t d, ptrdiff_t start, ptrdiff_t end,
                         double *out) noexcept
    int fk_row_norms_f64(const double *X, ptrdiff_t d, ptrdiff_t start, ptrdiff_t end,
                         double *out) noexcept
    int fk_group_models_init_f32(fk_group_models *gm, const fk_bounds *b) noexcept
    int fk_group_models_init_f64(fk_group_models *gm, const fk_bounds *b) noexcept
    void fk_group_models_free(fk_group_models *gm) noexcept
    void fk_start_bounds_f32(const fk_bounds *b, const float *X, ptrdiff_t start,
                             ptrdiff_t end, const int32_t *labels, const double *group_gap,
                             double *upper, double *lower) noexcept
    void fk_start_bounds_f64(const fk_bounds *b, const double *X, ptrdiff_t start,
                             ptrdiff_t end, const int32_t *labels, const double *group_gap,
                             double *upper, double *lower) noexcept
    void fk_center_gaps(const double *centers_t, ptrdiff_t k, ptrdiff_t d, ptrdiff_t i,
                        double *row) noexcept

    void fk_sparse_dots_f32_i32(const float *data, const int32_t *indices, ptrdiff_t p0,
                                ptrdiff_t p1, const float *ct, ptrdiff_t width,
                                float *dots) noexcept
    void fk_sparse_dots_f32_i64(const float *data, const int64_t *indices, ptrdiff_t p0,
                                ptrdiff_t p1, const float *ct, ptrdiff_t width,
                                float *dots) noexcept
    void fk_sparse_dots_f64_i32(const double *data, const int32_t *indices, ptrdiff_t p0,
                                ptrdiff_t p1, const double *ct, ptrdiff_t width,
                                double *dots) noexcept
    void fk_sparse_dots_f64_i64(const double *data, const int64_t *indices, ptrdiff_t p0,
                                ptrdiff_t p1, const double *ct, ptrdiff_t width,
                                double *dots) noexcept

    const char *fk_strerror(int code) noexcept
    int fk_fit_f32(const float *X, int64_t n_samples, int64_t n_features,
                   const float *sample_weight, float *centers, int64_t n_clusters,
                   int max_iter, double tol, int n_threads, int32_t *labels,
                   double *inertia, int *n_iter) noexcept
    int fk_fit_f64(const double *X, int64_t n_samples, int64_t n_features,
                   const double *sample_weight, double *centers, int64_t n_clusters,
                   int max_iter, double tol, int n_threads, int32_t *labels,
                   double *inertia, int *n_iter) noexcept
    int fk_predict_f32(const float *X, int64_t n_samples, int64_t n_features,
                       const float *centers, int64_t n_clusters, int n_threads,
                       int32_t *labels, float *sq_dist) noexcept
    int fk_predict_f64(const double *X, int64_t n_samples, int64_t n_features,
                       const double *centers, int64_t n_clusters, int n_threads,
                       int32_t *labels, double *sq_dist) noexcept
    int fk_kmeans_plusplus_f32(const float *X, int64_t n_samples, int64_t n_features,
                               const float *sample_weight, int64_t n_clusters,
                               uint64_t seed, int n_local_trials, int n_threads,
                               float *centers, int64_t *indices) noexcept
    int fk_kmeans_plusplus_f64(const double *X, int64_t n_samples, int64_t n_features,
                               const double *sample_weight, int64_t n_clusters,
                               uint64_t seed, int n_local_trials, int n_threads,
                               double *centers, int64_t *indices) noexcept

    void fk_sil_cluster_sums(ptrdiff_t first, ptrdiff_t n_groups, ptrdiff_t d,
                             const double *packed, ptrdiff_t n_points,
                             const int64_t *cluster_end, ptrdiff_t n_clusters,
                             double *dist, double *cluster_sums) noexcept
    void fk_sil_tile_pair(const double *packed, ptrdiff_t d, ptrdiff_t n_points,
                          ptrdiff_t tile_i, ptrdiff_t tile_j, const int64_t *cluster_end,
                          const int64_t *codes, ptrdiff_t n_clusters, double *dist,
                          double *column_sums, double *sums) noexcept


# --- front ends (declared, with what they read and write, in _common.pxd) ---

cdef int model_init(fk_model *m, const floating *centers, ptrdiff_t k,
                    ptrdiff_t d) noexcept nogil:
    if floating is float:
        return fk_model_init_f32(m, centers, k, d)
    else:
        return fk_model_init_f64(m, centers, k, d)


cdef void model_free(fk_model *m) noexcept nogil:
    fk_model_free(m)


cdef void assign_rows(const fk_model *m, const floating *X, ptrdiff_t start, ptrdiff_t end,
                      int *labels, floating *sq_dist) noexcept nogil:
    if floating is float:
        fk_assign_rows_f32(m, X, start, end, <int32_t *>labels, sq_dist)
    else:
        fk_assign_rows_f64(m, X, start, end, <int32_t *>labels, sq_dist)


cdef void lloyd_rows(const fk_model *m, const floating *X, const double *sample_weight,
                     ptrdiff_t start, ptrdiff_t end, bint assign, int *labels,
                     double *sums, double *weights, double *inertia,
                     Py_ssize_t *n_changed) noexcept nogil:
    if floating is float:
        fk_lloyd_rows_f32(m, X, sample_weight, start, end, assign, <int32_t *>labels,
                          sums, weights, inertia, <ptrdiff_t *>n_changed)
    else:
        fk_lloyd_rows_f64(m, X, sample_weight, start, end, assign, <int32_t *>labels,
                          sums, weights, inertia, <ptrdiff_t *>n_changed)


cdef void label_sq_dist_rows(const floating *X, ptrdiff_t d, const floating *centers,
                             const int *labels, ptrdiff_t start, ptrdiff_t end,
                             double *out) noexcept nogil:
    if floating is float:
        fk_label_sq_dist_rows_f32(X, d, centers, <const int32_t *>labels, start, end, out)
    else:
        fk_label_sq_dist_rows_f64(X, d, centers, <const int32_t *>labels, start, end, out)


cdef double inertia_rows(const floating *X, ptrdiff_t d, const floating *centers,
                         const int *labels, const double *sample_weight, ptrdiff_t start,
                         ptrdiff_t end) noexcept nogil:
    if floating is float:
        return fk_inertia_rows_f32(X, d, centers, <const int32_t *>labels, sample_weight,
                                   start, end)
    else:
        return fk_inertia_rows_f64(X, d, centers, <const int32_t *>labels, sample_weight,
                                   start, end)


cdef int candidates_init(fk_model *m, const floating *candidates, ptrdiff_t k, ptrdiff_t d,
                         const floating *mean) noexcept nogil:
    if floating is float:
        return fk_candidates_init_f32(m, candidates, k, d, mean)
    else:
        return fk_candidates_init_f64(m, candidates, k, d, mean)


cdef ptrdiff_t max_candidates(bint is_double) noexcept nogil:
    return fk_max_candidates(is_double)


cdef void potentials_rows(const fk_model *m, const floating *X, const double *sample_weight,
                          const double *x_sq, const double *closest, ptrdiff_t start,
                          ptrdiff_t end, double *potentials) noexcept nogil:
    if floating is float:
        fk_potentials_rows_f32(m, X, sample_weight, x_sq, closest, start, end, potentials)
    else:
        fk_potentials_rows_f64(m, X, sample_weight, x_sq, closest, start, end, potentials)


cdef void closest_rows(const floating *X, ptrdiff_t d, const floating *center,
                       const double *sample_weight, ptrdiff_t start, ptrdiff_t end,
                       double *closest, double *weighted) noexcept nogil:
    if floating is float:
        fk_closest_rows_f32(X, d, center, sample_weight, start, end, closest, weighted)
    else:
        fk_closest_rows_f64(X, d, center, sample_weight, start, end, closest, weighted)


cdef void row_sq_dist(const floating *X, ptrdiff_t d, const floating *point, ptrdiff_t start,
                      ptrdiff_t end, double *out) noexcept nogil:
    if floating is float:
        fk_row_sq_dist_f32(X, d, point, start, end, out)
    else:
        fk_row_sq_dist_f64(X, d, point, start, end, out)


cdef int lloyd_run(const floating *X, Py_ssize_t n_samples, Py_ssize_t n_features,
                   const double *sample_weight, floating *centers, Py_ssize_t n_clusters,
                   int max_iter, double tol, int n_threads, int *labels, double *inertia,
                   int *n_iter, int *converged, double *history) noexcept nogil:
    if floating is float:
        return fk_lloyd_run_f32(X, n_samples, n_features, sample_weight, centers, n_clusters,
                                max_iter, tol, n_threads, <int32_t *>labels, inertia, n_iter,
                                converged, history)
    else:
        return fk_lloyd_run_f64(X, n_samples, n_features, sample_weight, centers, n_clusters,
                                max_iter, tol, n_threads, <int32_t *>labels, inertia, n_iter,
                                converged, history)


# a double in [0, 1) from a bit generator's state
ctypedef double (*uniform_draw)(void *) noexcept nogil


cdef int64_t kmeans_plusplus_steps(
        const seed_rows *X, Py_ssize_t n_samples, Py_ssize_t n_features,
        const double *sample_weight, Py_ssize_t n_clusters, int n_local_trials, int n_threads,
        object rng, void *centers, int64_t *indices, double *closest,
        double *weighted) except -1:
    bit_generator = rng.bit_generator
    capsule = bit_generator.capsule
    cdef bitgen_t *bitgen = <bitgen_t *>PyCapsule_GetPointer(capsule, "BitGenerator")
    cdef uniform_draw uniform = <uniform_draw>bitgen.next_double
    cdef int64_t n_chosen = 0
    cdef int status = 0
    with bit_generator.lock, interruptible(), nogil:
        if seed_rows is float:
            status = fk_kmeans_plusplus_steps_f32(
                X, n_samples, n_features, sample_weight, n_clusters, n_local_trials,
                n_threads, uniform, bitgen.state, NULL, <float *>centers, indices, closest,
                weighted, &n_chosen)
        elif seed_rows is double:
            status = fk_kmeans_plusplus_steps_f64(
                X, n_samples, n_features, sample_weight, n_clusters, n_local_trials,
                n_threads, uniform, bitgen.state, NULL, <double *>centers, indices, closest,
                weighted, &n_chosen)
        else:
            status = fk_kmeans_plusplus_steps_f16(
                <const uint16_t *>X, n_samples, n_features, sample_weight, n_clusters,
                n_local_trials, n_threads, uniform, bitgen.state, NULL, <float *>centers,
                indices, closest, weighted, &n_chosen)
    if status != 0:
        raise MemoryError("fastkmeans: no memory for k-means++")
    return n_chosen


cdef int assign_rows_f16(const fk_model *m, const unsigned short *X16, ptrdiff_t start,
                         ptrdiff_t end, int *labels, float *sq_dist) noexcept nogil:
    return fk_assign_rows_f16(m, <const uint16_t *>X16, start, end, <int32_t *>labels,
                              sq_dist)


cdef int lloyd_rows_f16(const fk_model *m, const unsigned short *X16,
                        const double *sample_weight, ptrdiff_t start, ptrdiff_t end,
                        bint assign, int *labels, double *sums, double *weights,
                        double *inertia, Py_ssize_t *n_changed) noexcept nogil:
    return fk_lloyd_rows_f16(m, <const uint16_t *>X16, sample_weight, start, end, assign,
                             <int32_t *>labels, sums, weights, inertia,
                             <ptrdiff_t *>n_changed)


cdef int label_sq_dist_rows_f16(const unsigned short *X16, ptrdiff_t d, const float *centers,
                                const int *labels, ptrdiff_t start, ptrdiff_t end,
                                double *out) noexcept nogil:
    return fk_label_sq_dist_rows_f16(<const uint16_t *>X16, d, centers,
                                     <const int32_t *>labels, start, end, out)


cdef int inertia_rows_f16(const unsigned short *X16, ptrdiff_t d, const float *centers,
                          const int *labels, const double *sample_weight, ptrdiff_t start,
                          ptrdiff_t end, double *inertia) noexcept nogil:
    return fk_inertia_rows_f16(<const uint16_t *>X16, d, centers, <const int32_t *>labels,
                               sample_weight, start, end, inertia)


cdef int potentials_rows_f16(const fk_model *m, const unsigned short *X16,
                             const double *sample_weight, const double *x_sq,
                             const double *closest, ptrdiff_t start, ptrdiff_t end,
                             double *potentials) noexcept nogil:
    return fk_potentials_rows_f16(m, <const uint16_t *>X16, sample_weight, x_sq, closest,
                                  start, end, potentials)


cdef int closest_rows_f16(const unsigned short *X16, ptrdiff_t d, const float *center,
                          const double *sample_weight, ptrdiff_t start, ptrdiff_t end,
                          double *closest, double *weighted) noexcept nogil:
    return fk_closest_rows_f16(<const uint16_t *>X16, d, center, sample_weight, start, end,
                               closest, weighted)


cdef int row_sq_dist_f16(const unsigned short *X16, ptrdiff_t d, const float *point,
                         ptrdiff_t start, ptrdiff_t end, double *out) noexcept nogil:
    return fk_row_sq_dist_f16(<const uint16_t *>X16, d, point, start, end, out)


cdef int bounded_rows(const fk_bounds *b, const floating *X, const double *x_norm,
                      ptrdiff_t start, ptrdiff_t end, int *labels, double *upper,
                      double *lower, fk_bounds_stats *stats) noexcept nogil:
    if floating is float:
        return fk_bounded_rows_f32(b, X, x_norm, start, end, <int32_t *>labels, upper, lower,
                                   stats)
    else:
        return fk_bounded_rows_f64(b, X, x_norm, start, end, <int32_t *>labels, upper, lower,
                                   stats)


cdef int row_norms(const floating *X, ptrdiff_t d, ptrdiff_t start, ptrdiff_t end,
                   double *out) noexcept nogil:
    if floating is float:
        return fk_row_norms_f32(X, d, start, end, out)
    else:
        return fk_row_norms_f64(X, d, start, end, out)


cdef int group_models_init(fk_group_models *gm, const fk_bounds *b,
                           bint is_double) noexcept nogil:
    if is_double:
        return fk_group_models_init_f64(gm, b)
    return fk_group_models_init_f32(gm, b)


cdef void group_models_free(fk_group_models *gm) noexcept nogil:
    fk_group_models_free(gm)


cdef void start_bounds(const fk_bounds *b, const floating *X, ptrdiff_t start, ptrdiff_t end,
                       const int *labels, const double *group_gap, double *upper,
                       double *lower) noexcept nogil:
    if floating is float:
        fk_start_bounds_f32(b, X, start, end, <const int32_t *>labels, group_gap, upper,
                            lower)
    else:
        fk_start_bounds_f64(b, X, start, end, <const int32_t *>labels, group_gap, upper,
                            lower)


cdef void center_gaps(const double *centers_t, ptrdiff_t k, ptrdiff_t d, ptrdiff_t i,
                      double *row) noexcept nogil:
    fk_center_gaps(centers_t, k, d, i, row)


cdef void sparse_dots(const floating *data, const index_t *indices, ptrdiff_t p0,
                      ptrdiff_t p1, const floating *ct, ptrdiff_t width,
                      floating *dots) noexcept nogil:
    if floating is float:
        if index_t is int32_t:
            fk_sparse_dots_f32_i32(data, indices, p0, p1, ct, width, dots)
        else:
            fk_sparse_dots_f32_i64(data, indices, p0, p1, ct, width, dots)
    else:
        if index_t is int32_t:
            fk_sparse_dots_f64_i32(data, indices, p0, p1, ct, width, dots)
        else:
            fk_sparse_dots_f64_i64(data, indices, p0, p1, ct, width, dots)


cdef void sil_cluster_sums(ptrdiff_t first, ptrdiff_t n_groups, ptrdiff_t d,
                           const double *packed, ptrdiff_t n_points,
                           const int64_t *cluster_end, ptrdiff_t n_clusters, double *dist,
                           double *cluster_sums) noexcept nogil:
    fk_sil_cluster_sums(first, n_groups, d, packed, n_points, cluster_end, n_clusters, dist,
                        cluster_sums)


cdef void sil_tile_pair(const double *packed, ptrdiff_t d, ptrdiff_t n_points,
                        ptrdiff_t tile_i, ptrdiff_t tile_j, const int64_t *cluster_end,
                        const int64_t *codes, ptrdiff_t n_clusters, double *dist,
                        double *column_sums, double *sums) noexcept nogil:
    fk_sil_tile_pair(packed, d, n_points, tile_i, tile_j, cluster_end, codes, n_clusters,
                     dist, column_sums, sums)


cdef const char *strerror(int code) noexcept nogil:
    return fk_strerror(code)


cdef int fit_lloyd(const floating *X, int64_t n_samples, int64_t n_features,
                   const floating *sample_weight, floating *centers, int64_t n_clusters,
                   int max_iter, double tol, int n_threads, int32_t *labels, double *inertia,
                   int *n_iter) noexcept nogil:
    if floating is float:
        return fk_fit_f32(X, n_samples, n_features, sample_weight, centers, n_clusters,
                          max_iter, tol, n_threads, labels, inertia, n_iter)
    else:
        return fk_fit_f64(X, n_samples, n_features, sample_weight, centers, n_clusters,
                          max_iter, tol, n_threads, labels, inertia, n_iter)


cdef int predict_labels(const floating *X, int64_t n_samples, int64_t n_features,
                        const floating *centers, int64_t n_clusters, int n_threads,
                        int32_t *labels, floating *sq_dist) noexcept nogil:
    if floating is float:
        return fk_predict_f32(X, n_samples, n_features, centers, n_clusters, n_threads,
                              labels, sq_dist)
    else:
        return fk_predict_f64(X, n_samples, n_features, centers, n_clusters, n_threads,
                              labels, sq_dist)


cdef int kmeans_plusplus_seed(const floating *X, int64_t n_samples, int64_t n_features,
                              const floating *sample_weight, int64_t n_clusters, uint64_t seed,
                              int n_local_trials, int n_threads, floating *centers,
                              int64_t *indices) noexcept nogil:
    if floating is float:
        return fk_kmeans_plusplus_f32(X, n_samples, n_features, sample_weight, n_clusters,
                                      seed, n_local_trials, n_threads, centers, indices)
    else:
        return fk_kmeans_plusplus_f64(X, n_samples, n_features, sample_weight, n_clusters,
                                      seed, n_local_trials, n_threads, centers, indices)


# --- Ctrl-C ------------------------------------------------------------------

cdef extern from "interrupt.h" nogil:
    int fk_interrupt_pending() noexcept
    void fk_interrupt_enter() noexcept
    int fk_interrupt_leave() noexcept

cdef extern from "Python.h":
    int PyErr_SetInterruptEx(int signum)


cdef bint interrupted() noexcept nogil:
    return fk_interrupt_pending()


cdef class interruptible:
    """A section in which Ctrl-C stops the kernels (``with interruptible(): ...``).

    Every driver runs its nogil kernels inside one. While any section is
    held, SIGINT only sets the C core's flag (``core/interrupt.c``); the
    kernels poll it per chunk or block of rows and stop, and on leaving
    the section the driver raises ``KeyboardInterrupt`` (the outputs of an
    interrupted kernel are incomplete, so they are never returned). The
    last section to leave restores Python's handler and re-delivers the
    signal to it (``PyErr_SetInterruptEx``), so a custom SIGINT handler
    still runs. Where SIGINT is ignored or has its default action, nothing
    is installed. Sections nest and may be held by several threads (the
    GIL orders entering and leaving).
    """

    def __enter__(self):
        fk_interrupt_enter()
        return self

    def __exit__(self, exc_type, exc, traceback):
        cdef int state = fk_interrupt_leave()
        if state == 0:
            return False
        if state == 2:
            PyErr_SetInterruptEx(SIGINT)
            PyErr_CheckSignals()  # the main thread: Python's handler raises here
        raise KeyboardInterrupt


# --- Python ------------------------------------------------------------------

def openmp_enabled():
    """Whether the kernels were compiled with OpenMP (``False``: one thread)."""
    return bool(fk_openmp_enabled())


def omp_max_threads():
    """Threads an OpenMP region would use: ``OMP_NUM_THREADS`` and threadpoolctl limits apply."""
    return int(fk_omp_max_threads())


def l2_cache_bytes():
    """The L2 cache size the kernels size their chunks of rows by."""
    return int(fk_l2_cache_bytes())


def simd_paths():
    """Every instruction-set path of the kernels, in order: ``[(name, supported), ...]``.

    The index of a path in this list is its id; ``supported`` says whether
    this CPU can run it.
    """
    return [(fk_path_name(path).decode("ascii"), bool(fk_path_supported(path)))
            for path in range(FK_N_PATHS)]


def simd_path():
    """Id of the process path (resolved on first use from ``FASTKMEANS_SIMD``)."""
    return fk_simd_path()


def set_simd_path(int path):
    """Make ``path`` the process path of every kernel family; returns the
    previous id, or -1 (nothing changed) if this CPU cannot run it."""
    return fk_set_simd_path(path)


def simd_rejected():
    """The ``FASTKMEANS_SIMD`` value refused at resolution (lower case), or None."""
    cdef const char *value = fk_simd_rejected()
    return None if value == NULL else value.decode("utf-8", "replace")


def family_paths():
    """``{family: path name}``: the path each kernel family runs now."""
    return {fk_family_name(family).decode("ascii"):
            fk_path_name(fk_family_path(family)).decode("ascii")
            for family in range(FK_N_FAMILIES)}


def scan_finite_and_magnitude(
    const floating[:, ::1] X,   # IN
    int n_threads,
):
    """Find the first non-finite entry of ``X`` and the largest magnitude.

    One parallel pass over ``X`` without any temporary array.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64, C order
        Data to scan.
    n_threads : int
        OpenMP threads to use.

    Returns
    -------
    first_bad : int
        Flat index of the first NaN or infinity in row-major order, or -1.
    max_abs : float
        Largest absolute value (of the values before the first NaN or
        infinity, if there is one).
    """
    cdef Py_ssize_t n_rows = X.shape[0]
    cdef Py_ssize_t n_values = n_rows * X.shape[1]
    cdef BlockPlan plan = plan_blocks(n_rows, n_threads, <double>n_values)
    cdef Py_ssize_t block_values = plan.block_rows * X.shape[1]
    cdef double block_max[MAX_BLOCKS]
    cdef Py_ssize_t block_bad[MAX_BLOCKS]
    cdef const floating *values = &X[0, 0]
    cdef Py_ssize_t b, begin

    with nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            begin = b * block_values
            if floating is float:
                block_bad[b] = fk_scan_float(values + begin,
                                             min(n_values, begin + block_values) - begin,
                                             &block_max[b])
            else:
                block_bad[b] = fk_scan_double(values + begin,
                                              min(n_values, begin + block_values) - begin,
                                              &block_max[b])

    cdef Py_ssize_t first_bad = -1
    cdef double largest = 0.0
    for b in range(plan.n_blocks):
        if block_max[b] > largest:
            largest = block_max[b]
        if block_bad[b] >= 0:
            first_bad = b * block_values + block_bad[b]
            break
    return first_bad, largest
