# Shared nogil primitives of the fastkmeans kernels.
#
# Other Cython code can `from fastkmeans._common cimport ...` these: the
# block plan and the fused front ends of the C kernels (_kernels.h). They
# are inline wrappers around C functions, so a cimporting extension module
# compiles _kernels.c (installed beside this file) into itself, with the
# package folder on its include path; see docs/getting-started.md.
from cython cimport floating
from libc.stdint cimport int32_t

cdef extern from "_kernels.h" nogil:
    Py_ssize_t fk_scan_float(const float *values, Py_ssize_t n, double *max_abs) noexcept
    Py_ssize_t fk_scan_double(const double *values, Py_ssize_t n, double *max_abs) noexcept
    int fk_openmp_enabled() noexcept
    int fk_omp_max_threads() noexcept

    enum:
        FK_PATH_GENERIC
        FK_PATH_AVX2
        FK_PATH_AVX512
        FK_N_PATHS
    Py_ssize_t fk_l2_cache_bytes() noexcept
    const char *fk_path_name(int path) noexcept
    int fk_path_supported(int path) noexcept

    ctypedef struct fk_model:
        int path
        int lowd
        Py_ssize_t k
        Py_ssize_t d
        Py_ssize_t chunk_rows

    int fk_model_init_f32(fk_model *m, int path, const float *centers,
                          Py_ssize_t k, Py_ssize_t d) noexcept
    int fk_model_init_f64(fk_model *m, int path, const double *centers,
                          Py_ssize_t k, Py_ssize_t d) noexcept
    void fk_model_free(fk_model *m) noexcept
    void fk_assign_rows_f32(const fk_model *m, const float *X, Py_ssize_t start,
                            Py_ssize_t end, int32_t *labels, float *sq_dist) noexcept
    void fk_assign_rows_f64(const fk_model *m, const double *X, Py_ssize_t start,
                            Py_ssize_t end, int32_t *labels, double *sq_dist) noexcept
    void fk_lloyd_rows_f32(const fk_model *m, const float *X, const double *sample_weight,
                           Py_ssize_t start, Py_ssize_t end, int assign, int32_t *labels,
                           double *sums, double *weights, double *inertia,
                           Py_ssize_t *n_changed) noexcept
    void fk_lloyd_rows_f64(const fk_model *m, const double *X, const double *sample_weight,
                           Py_ssize_t start, Py_ssize_t end, int assign, int32_t *labels,
                           double *sums, double *weights, double *inertia,
                           Py_ssize_t *n_changed) noexcept

    void fk_label_sq_dist_rows_f32(int path, const float *X, Py_ssize_t d,
                                   const float *centers, const int32_t *labels,
                                   Py_ssize_t start, Py_ssize_t end, double *out) noexcept
    void fk_label_sq_dist_rows_f64(int path, const double *X, Py_ssize_t d,
                                   const double *centers, const int32_t *labels,
                                   Py_ssize_t start, Py_ssize_t end, double *out) noexcept
    double fk_inertia_rows_f32(int path, const float *X, Py_ssize_t d, const float *centers,
                               const int32_t *labels, const double *sample_weight,
                               Py_ssize_t start, Py_ssize_t end) noexcept
    double fk_inertia_rows_f64(int path, const double *X, Py_ssize_t d, const double *centers,
                               const int32_t *labels, const double *sample_weight,
                               Py_ssize_t start, Py_ssize_t end) noexcept
    int fk_candidates_init_f32(fk_model *m, int path, const float *candidates, Py_ssize_t k,
                               Py_ssize_t d, const float *mean) noexcept
    int fk_candidates_init_f64(fk_model *m, int path, const double *candidates, Py_ssize_t k,
                               Py_ssize_t d, const double *mean) noexcept
    Py_ssize_t fk_max_candidates(int path, int is_double) noexcept
    void fk_potentials_rows_f32(const fk_model *m, const float *X, const double *sample_weight,
                                const double *x_sq, const double *closest, Py_ssize_t start,
                                Py_ssize_t end, double *potentials) noexcept
    void fk_potentials_rows_f64(const fk_model *m, const double *X, const double *sample_weight,
                                const double *x_sq, const double *closest, Py_ssize_t start,
                                Py_ssize_t end, double *potentials) noexcept
    void fk_closest_rows_f32(int path, const float *X, Py_ssize_t d, const float *center,
                             const double *sample_weight, Py_ssize_t start, Py_ssize_t end,
                             double *closest, double *weighted) noexcept
    void fk_closest_rows_f64(int path, const double *X, Py_ssize_t d, const double *center,
                             const double *sample_weight, Py_ssize_t start, Py_ssize_t end,
                             double *closest, double *weighted) noexcept
    void fk_row_sq_dist_f32(int path, const float *X, Py_ssize_t d, const float *point,
                            Py_ssize_t start, Py_ssize_t end, double *out) noexcept
    void fk_row_sq_dist_f64(int path, const double *X, Py_ssize_t d, const double *point,
                            Py_ssize_t start, Py_ssize_t end, double *out) noexcept


# Fused front ends of the C kernels (see _kernels.h for what each does).

cdef inline int model_init(fk_model *m, int path, const floating *centers,
                           Py_ssize_t k, Py_ssize_t d) noexcept nogil:
    if floating is float:
        return fk_model_init_f32(m, path, centers, k, d)
    else:
        return fk_model_init_f64(m, path, centers, k, d)


cdef inline void assign_rows(const fk_model *m, const floating *X, Py_ssize_t start,
                             Py_ssize_t end, int *labels, floating *sq_dist) noexcept nogil:
    if floating is float:
        fk_assign_rows_f32(m, X, start, end, <int32_t *>labels, sq_dist)
    else:
        fk_assign_rows_f64(m, X, start, end, <int32_t *>labels, sq_dist)


cdef inline void label_sq_dist_rows(int path, const floating *X, Py_ssize_t d,
                                    const floating *centers, const int *labels,
                                    Py_ssize_t start, Py_ssize_t end,
                                    double *out) noexcept nogil:
    if floating is float:
        fk_label_sq_dist_rows_f32(path, X, d, centers, <const int32_t *>labels, start, end, out)
    else:
        fk_label_sq_dist_rows_f64(path, X, d, centers, <const int32_t *>labels, start, end, out)


cdef inline double inertia_rows(int path, const floating *X, Py_ssize_t d,
                                const floating *centers, const int *labels,
                                const double *sample_weight, Py_ssize_t start,
                                Py_ssize_t end) noexcept nogil:
    if floating is float:
        return fk_inertia_rows_f32(path, X, d, centers, <const int32_t *>labels,
                                   sample_weight, start, end)
    else:
        return fk_inertia_rows_f64(path, X, d, centers, <const int32_t *>labels,
                                   sample_weight, start, end)


cdef inline int candidates_init(fk_model *m, int path, const floating *candidates,
                                Py_ssize_t k, Py_ssize_t d, const floating *mean) noexcept nogil:
    if floating is float:
        return fk_candidates_init_f32(m, path, candidates, k, d, mean)
    else:
        return fk_candidates_init_f64(m, path, candidates, k, d, mean)


cdef inline void potentials_rows(const fk_model *m, const floating *X,
                                 const double *sample_weight, const double *x_sq,
                                 const double *closest, Py_ssize_t start, Py_ssize_t end,
                                 double *potentials) noexcept nogil:
    if floating is float:
        fk_potentials_rows_f32(m, X, sample_weight, x_sq, closest, start, end, potentials)
    else:
        fk_potentials_rows_f64(m, X, sample_weight, x_sq, closest, start, end, potentials)


cdef inline void closest_rows(int path, const floating *X, Py_ssize_t d,
                              const floating *center, const double *sample_weight,
                              Py_ssize_t start, Py_ssize_t end, double *closest,
                              double *weighted) noexcept nogil:
    if floating is float:
        fk_closest_rows_f32(path, X, d, center, sample_weight, start, end, closest, weighted)
    else:
        fk_closest_rows_f64(path, X, d, center, sample_weight, start, end, closest, weighted)


cdef inline void row_sq_dist(int path, const floating *X, Py_ssize_t d, const floating *point,
                             Py_ssize_t start, Py_ssize_t end, double *out) noexcept nogil:
    if floating is float:
        fk_row_sq_dist_f32(path, X, d, point, start, end, out)
    else:
        fk_row_sq_dist_f64(path, X, d, point, start, end, out)


cdef inline void lloyd_rows(const fk_model *m, const floating *X, const double *sample_weight,
                            Py_ssize_t start, Py_ssize_t end, bint assign, int *labels,
                            double *sums, double *weights, double *inertia,
                            Py_ssize_t *n_changed) noexcept nogil:
    if floating is float:
        fk_lloyd_rows_f32(m, X, sample_weight, start, end, assign, <int32_t *>labels,
                          sums, weights, inertia, n_changed)
    else:
        fk_lloyd_rows_f64(m, X, sample_weight, start, end, assign, <int32_t *>labels,
                          sums, weights, inertia, n_changed)


# Rows are split into blocks whose size depends on n_samples only, never on
# the thread count: every parallel sum first reduces within a block, in row
# order, and then over blocks, in block order, so results are bitwise the
# same for any number of threads.
cdef enum:
    MIN_BLOCK_ROWS = 256
    # enough blocks to balance 16 threads, few enough that per-block buffers
    # of cluster sums stay cheap to zero and to add up
    MAX_BLOCKS = 64
    # units of work (rows x features x centers) below which another thread
    # costs more to start than it saves
    MIN_WORK_PER_THREAD = 1 << 18


cdef struct BlockPlan:
    Py_ssize_t block_rows
    Py_ssize_t n_blocks


cdef inline BlockPlan plan_blocks(Py_ssize_t n_samples) noexcept nogil:
    """Split ``n_samples`` rows into at most ``MAX_BLOCKS`` equal blocks.

    Parameters
    ----------
    n_samples : Py_ssize_t
        Number of rows to split (>= 1).

    Returns
    -------
    BlockPlan
        ``block_rows`` rows per block (the last block may be shorter) and
        ``n_blocks`` blocks.
    """
    cdef BlockPlan plan
    plan.block_rows = (n_samples + MAX_BLOCKS - 1) // MAX_BLOCKS
    if plan.block_rows < MIN_BLOCK_ROWS:
        plan.block_rows = MIN_BLOCK_ROWS
    plan.n_blocks = (n_samples + plan.block_rows - 1) // plan.block_rows
    return plan


cdef inline int useful_threads(int n_threads, Py_ssize_t n_blocks, double work) noexcept nogil:
    """Threads worth using for ``work`` units split into ``n_blocks`` blocks.

    Tiny inputs run on the calling thread: no thread team is started.
    The result never changes what is computed, only how fast.
    """
    cdef double useful = work / MIN_WORK_PER_THREAD
    cdef int threads = n_threads
    if threads > n_blocks:
        threads = <int>n_blocks
    if useful < threads:
        threads = <int>useful if useful >= 1 else 1
    return threads
