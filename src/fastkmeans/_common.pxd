# The Cython API of the fastkmeans C core (core/fastkmeans.h).
#
# `_common` is the one extension module that links the C core: the front
# ends declared here are implemented in _common.pyx and exported, so every
# other module, and other Cython packages, call the kernels through them
# (one copy of the code, one process-wide instruction-set path) without
# compiling or linking any C of their own. `from fastkmeans._common cimport
# ...` needs the folder of fastkmeans.h (fastkmeans/core) on the include
# path. Also here: the block plan every parallel loop uses.
#
# Annotations: IN is read, OUT is written, INOUT both; shapes are row-major
# (n rows of X, d features, k centers); "rows [start, end)" means only those
# rows of row-indexed arrays are touched. Every front end is serial and
# thread-safe on disjoint outputs; see fastkmeans.h for each kernel.
from cython cimport floating
from libc.stddef cimport ptrdiff_t
from libc.stdint cimport int32_t, int64_t, uint16_t, uint64_t

ctypedef fused index_t:
    int32_t
    int64_t

cdef extern from "fastkmeans.h" nogil:
    enum:
        FK_PATH_GENERIC
        FK_PATH_AVX2
        FK_PATH_AVX512
        FK_N_PATHS
    enum:
        FK_FAMILY_DENSE
        FK_FAMILY_BOUNDS
        FK_FAMILY_SPARSE
        FK_FAMILY_SILHOUETTE
        FK_N_FAMILIES
    enum:
        FK_SPARSE_LINE_BYTES   # the transposed centers' alignment (bytes)
        FK_SIL_TILE            # points per packed silhouette tile
        FK_SIL_ROWS            # rows per silhouette register tile

    # The centers of one iteration laid out for the process path (at init).
    ctypedef struct fk_model:
        int path
        int lowd
        ptrdiff_t k
        ptrdiff_t d
        ptrdiff_t chunk_rows

    # Lloyd's dense kernel on each group of centers (group_models_init).
    ctypedef struct fk_group_models:
        ptrdiff_t n_groups

    # Triangle-inequality bounds (every pointer IN, owned by the caller).
    ctypedef struct fk_bounds:
        ptrdiff_t d, k, n_groups
        const int32_t *group_start   # (n_groups + 1,)
        const int32_t *group_of      # (k,)
        const int32_t *center_at     # (k,)
        const void *soa              # (d, k) centers in group order, feature-major
        const void *centers          # (k, d)
        const double *shift          # (k,)
        const double *group_shift    # (n_groups,)
        const double *half_gap       # (k,) or NULL
        const double *center_dist    # (k, k) or NULL
        double kappa, spread, center_norm, gamma
        const fk_model *model        # Lloyd's nearest-center model, for near-ties
        const fk_group_models *groups  # its part for each group, or NULL
        int tighten                  # give a failed row its label's distance first

    ctypedef struct fk_bounds_stats:
        ptrdiff_t changed, distances, grouped, tightened, settled

    # the whole-fit API (api.c): return codes
    enum:
        FK_API_VERSION
        FK_OK
        FK_ERR_NULL
        FK_ERR_SIZE
        FK_ERR_NONFINITE
        FK_ERR_WEIGHT
        FK_ERR_PARAM
        FK_ERR_OVERFLOW
        FK_ERR_NOMEM


# --- front ends of the C kernels (implemented in _common.pyx) ---------------
# floating: float32 or float64, the dtype of X; labels are int32.

cdef int model_init(
    fk_model *m,                 # OUT
    const floating *centers,     # IN (k, d), kept alive and unchanged until model_free
    ptrdiff_t k,
    ptrdiff_t d,
) noexcept nogil                 # 0, or -1 if out of memory

cdef void model_free(fk_model *m) noexcept nogil  # INOUT

cdef void assign_rows(
    const fk_model *m,           # IN
    const floating *X,           # IN (n, d)
    ptrdiff_t start,
    ptrdiff_t end,
    int *labels,                 # OUT (n,) rows [start, end): nearest center
    floating *sq_dist,           # OUT (n,) rows [start, end): its squared distance
) noexcept nogil

cdef void lloyd_rows(
    const fk_model *m,              # IN
    const floating *X,              # IN (n, d)
    const double *sample_weight,    # IN (n,)
    ptrdiff_t start,
    ptrdiff_t end,
    bint assign,
    int *labels,                    # INOUT (n,) if assign, else IN
    double *sums,                   # OUT (k, d) weighted sums per cluster
    double *weights,                # OUT (k,) weights per cluster
    double *inertia,                # OUT weighted squared distances (0 without assign)
    Py_ssize_t *n_changed,          # OUT labels changed (0 without assign); ptrdiff_t in C
) noexcept nogil

cdef void label_sq_dist_rows(
    const floating *X,           # IN (n, d)
    ptrdiff_t d,
    const floating *centers,     # IN (k, d)
    const int *labels,           # IN (n,)
    ptrdiff_t start,
    ptrdiff_t end,
    double *out,                 # OUT (n,) rows [start, end): exact squared distances
) noexcept nogil

cdef double inertia_rows(
    const floating *X,              # IN (n, d)
    ptrdiff_t d,
    const floating *centers,        # IN (k, d)
    const int *labels,              # IN (n,)
    const double *sample_weight,    # IN (n,)
    ptrdiff_t start,
    ptrdiff_t end,
) noexcept nogil                    # the weighted exact inertia of the rows

cdef int candidates_init(
    fk_model *m,                  # OUT
    const floating *candidates,   # IN (k, d), k <= max_candidates(...)
    ptrdiff_t k,
    ptrdiff_t d,
    const floating *mean,         # IN (d,) the offset x_sq was computed with
) noexcept nogil                  # 0, or -1 (out of memory or too many)

cdef ptrdiff_t max_candidates(bint is_double) noexcept nogil

cdef void potentials_rows(
    const fk_model *m,              # IN (candidates_init)
    const floating *X,              # IN (n, d)
    const double *sample_weight,    # IN (n,)
    const double *x_sq,             # IN (n,) |x - mean|^2
    const double *closest,          # IN (n,) squared distance to the nearest center
    ptrdiff_t start,
    ptrdiff_t end,
    double *potentials,             # OUT (m.k,) potential of every candidate
) noexcept nogil

cdef void closest_rows(
    const floating *X,              # IN (n, d)
    ptrdiff_t d,
    const floating *center,         # IN (d,)
    const double *sample_weight,    # IN (n,)
    ptrdiff_t start,
    ptrdiff_t end,
    double *closest,                # INOUT (n,) min(closest, |x - center|^2)
    double *weighted,               # OUT (n,) w * closest
) noexcept nogil

cdef void row_sq_dist(
    const floating *X,           # IN (n, d)
    ptrdiff_t d,
    const floating *point,       # IN (d,)
    ptrdiff_t start,
    ptrdiff_t end,
    double *out,                 # OUT (n,) rows [start, end): |x - point|^2
) noexcept nogil

cdef int lloyd_run(
    const floating *X,              # IN (n_samples, n_features)
    Py_ssize_t n_samples,
    Py_ssize_t n_features,
    const double *sample_weight,    # IN (n_samples,)
    floating *centers,              # INOUT (n_clusters, n_features): initial, then final
    Py_ssize_t n_clusters,
    int max_iter,
    double tol,                     # absolute bound on the total squared center shift
    int n_threads,
    int *labels,                    # OUT (n_samples,)
    double *inertia,                # OUT exact inertia of the final labels
    int *n_iter,                    # OUT
    int *converged,                 # OUT the stopping rule was met
    double *history,                # OUT (max_iter, 3): inertia, shift, seconds
) noexcept nogil                    # the whole run loop in C; 0, or -7 (no memory)

# The rows the greedy k-means++ steps take: float32, float64, or float16 bits.
ctypedef fused seed_rows:
    float
    double
    unsigned short

# fk_kmeans_plusplus_steps (fastkmeans.h) without a fallback: the greedy
# k-means++ steps after the first center (indices[0]), drawn from rng's own
# bit generator (a numpy Generator; its lock held meanwhile). Returns the
# centers chosen: n_clusters, or fewer where no mass was left (the caller
# going on from there); raises MemoryError if out of memory, KeyboardInterrupt
# on Ctrl-C.
cdef int64_t kmeans_plusplus_steps(
    const seed_rows *X,             # IN (n_samples, n_features)
    Py_ssize_t n_samples,
    Py_ssize_t n_features,
    const double *sample_weight,    # IN (n_samples,)
    Py_ssize_t n_clusters,
    int n_local_trials,
    int n_threads,
    object rng,
    void *centers,                  # OUT (n_clusters, n_features), X's dtype (float32 for bits)
    int64_t *indices,               # INOUT (n_clusters,) the first given
    double *closest,                # OUT (n_samples,) squared distance to the closest center
    double *weighted,               # OUT (n_samples,) w * closest
) except -1

# float16 rows (X16: the bits of X): the float32 kernels above, bitwise, on
# windows of rows converted a few hundred KiB at a time (no float32 copy of
# X); m from model_init / candidates_init of float32. 0, or -1 if out of memory.
cdef int assign_rows_f16(const fk_model *m, const unsigned short *X16, ptrdiff_t start,
                         ptrdiff_t end, int *labels, float *sq_dist) noexcept nogil
cdef int lloyd_rows_f16(const fk_model *m, const unsigned short *X16,
                        const double *sample_weight, ptrdiff_t start, ptrdiff_t end,
                        bint assign, int *labels, double *sums, double *weights,
                        double *inertia, Py_ssize_t *n_changed) noexcept nogil
cdef int label_sq_dist_rows_f16(const unsigned short *X16, ptrdiff_t d, const float *centers,
                                const int *labels, ptrdiff_t start, ptrdiff_t end,
                                double *out) noexcept nogil
cdef int inertia_rows_f16(const unsigned short *X16, ptrdiff_t d, const float *centers,
                          const int *labels, const double *sample_weight, ptrdiff_t start,
                          ptrdiff_t end, double *inertia) noexcept nogil
cdef int potentials_rows_f16(const fk_model *m, const unsigned short *X16,
                             const double *sample_weight, const double *x_sq,
                             const double *closest, ptrdiff_t start, ptrdiff_t end,
                             double *potentials) noexcept nogil
cdef int closest_rows_f16(const unsigned short *X16, ptrdiff_t d, const float *center,
                          const double *sample_weight, ptrdiff_t start, ptrdiff_t end,
                          double *closest, double *weighted) noexcept nogil
cdef int row_sq_dist_f16(const unsigned short *X16, ptrdiff_t d, const float *point,
                         ptrdiff_t start, ptrdiff_t end, double *out) noexcept nogil

cdef int bounded_rows(
    const fk_bounds *b,          # IN
    const floating *X,           # IN (n, d)
    const double *x_norm,        # IN (n,) |x|
    ptrdiff_t start,
    ptrdiff_t end,
    int *labels,                 # INOUT (n,)
    double *upper,               # INOUT (n,)
    double *lower,               # INOUT (n, n_groups)
    fk_bounds_stats *stats,      # OUT
) noexcept nogil                 # 0, or -1 if out of memory

cdef int row_norms(
    const floating *X,           # IN (n, d)
    ptrdiff_t d,
    ptrdiff_t start,
    ptrdiff_t end,
    double *out,                 # OUT (n,) |x| of rows [start, end), squares summed in float64
) noexcept nogil                 # 0, or -1 if out of memory

cdef int group_models_init(
    fk_group_models *gm,         # OUT, for b.groups
    const fk_bounds *b,          # IN: centers, center_at, group_start, model (dense)
    bint is_double,              # the centers' dtype
) noexcept nogil                 # 0, or -1 if out of memory

cdef void group_models_free(fk_group_models *gm) noexcept nogil  # INOUT (idempotent)

cdef void start_bounds(
    const fk_bounds *b,          # IN
    const floating *X,           # IN (n, d)
    ptrdiff_t start,
    ptrdiff_t end,
    const int *labels,           # IN (n,)
    const double *group_gap,     # IN (k, n_groups)
    double *upper,               # OUT (n,)
    double *lower,               # OUT (n, n_groups)
) noexcept nogil

cdef void center_gaps(
    const double *centers_t,     # IN (d, k) transposed centers, float64
    ptrdiff_t k,
    ptrdiff_t d,
    ptrdiff_t i,
    double *row,                 # OUT (k,) lower bounds on |c_i - c_j|, +inf at i
) noexcept nogil

cdef void sparse_dots(
    const floating *data,        # IN (nnz,) CSR values
    const index_t *indices,      # IN (nnz,) CSR column indices
    ptrdiff_t p0,                # the row's entries [p0, p1)
    ptrdiff_t p1,
    const floating *ct,          # IN (d, width) transposed centers, FK_SPARSE_LINE_BYTES-aligned
    ptrdiff_t width,
    floating *dots,              # OUT (width,) the row's dot products
) noexcept nogil

# The whole-fit API (fastkmeans.h, api.c): FK_OK or a negative FK_ERR_* code.
cdef const char *strerror(int code) noexcept nogil

cdef int fit_lloyd(
    const floating *X,              # IN (n, d)
    int64_t n_samples,
    int64_t n_features,
    const floating *sample_weight,  # IN (n,) or NULL
    floating *centers,              # INOUT (k, d): initial in, final out
    int64_t n_clusters,
    int max_iter,
    double tol,                     # absolute bound on the total squared shift
    int n_threads,
    int32_t *labels,                # OUT (n,)
    double *inertia,                # OUT
    int *n_iter,                    # OUT
) noexcept nogil

cdef int predict_labels(
    const floating *X,              # IN (n, d)
    int64_t n_samples,
    int64_t n_features,
    const floating *centers,        # IN (k, d)
    int64_t n_clusters,
    int n_threads,
    int32_t *labels,                # OUT (n,)
    floating *sq_dist,              # OUT (n,) or NULL
) noexcept nogil

cdef int kmeans_plusplus_seed(
    const floating *X,              # IN (n, d)
    int64_t n_samples,
    int64_t n_features,
    const floating *sample_weight,  # IN (n,) or NULL
    int64_t n_clusters,
    uint64_t seed,
    int n_local_trials,             # <= 0: 2 + floor(ln k)
    int n_threads,
    floating *centers,              # OUT (k, d)
    int64_t *indices,               # OUT (k,) or NULL
) noexcept nogil

cdef void sil_cluster_sums(
    ptrdiff_t first,
    ptrdiff_t n_groups,
    ptrdiff_t d,
    const double *packed,           # IN (n_tiles, d, FK_SIL_TILE)
    ptrdiff_t n_points,
    const int64_t *cluster_end,     # IN (n_clusters,)
    ptrdiff_t n_clusters,
    double *dist,                   # scratch (n_groups * FK_SIL_ROWS * FK_SIL_TILE,)
    double *cluster_sums,           # OUT (n_groups * FK_SIL_ROWS, n_clusters)
) noexcept nogil

cdef void sil_tile_pair(
    const double *packed,           # IN (n_tiles, d, FK_SIL_TILE)
    ptrdiff_t d,
    ptrdiff_t n_points,
    ptrdiff_t tile_i,
    ptrdiff_t tile_j,
    const int64_t *cluster_end,     # IN (n_clusters,)
    const int64_t *codes,           # IN (n_points,)
    ptrdiff_t n_clusters,
    double *dist,                   # scratch (FK_SIL_ROWS * FK_SIL_TILE,)
    double *column_sums,            # scratch (FK_SIL_TILE per cluster of tile I)
    double *sums,                   # INOUT (n_points, n_clusters)
) noexcept nogil


# Ctrl-C: drivers hold `with interruptible():` (a Python context manager of
# _common) around their nogil kernels and skip the remaining blocks once
# interrupted() is true; leaving the section then raises KeyboardInterrupt.
cdef bint interrupted() noexcept nogil   # a SIGINT arrived in the current section


# Rows are split into blocks whose size depends on n_samples only, never on
# the thread count: every parallel sum first reduces within a block, in row
# order, and then over blocks, in block order, so results are bitwise the
# same for any number of threads.
cdef extern from "fastkmeans.h":
    # The C API's fk_fit uses the same plan, so the constants live in the header.
    enum:
        MIN_BLOCK_ROWS "FK_MIN_BLOCK_ROWS"    # 256
        # enough blocks to balance 16 threads, few enough that per-block buffers
        # of cluster sums stay cheap to zero and to add up
        MAX_BLOCKS "FK_MAX_BLOCKS"            # 64
        # units of work (rows x features x centers) below which another thread
        # costs more to start than it saves
        MIN_WORK_PER_THREAD "FK_MIN_WORK_PER_THREAD"


cdef struct BlockPlan:
    Py_ssize_t n_rows       # rows split into blocks
    Py_ssize_t block_rows   # rows per block (the last block may be shorter)
    Py_ssize_t n_blocks
    int threads             # threads worth a team for the work of all blocks


cdef inline BlockPlan plan_blocks(Py_ssize_t n_rows, int n_threads=1,
                                  double work=0.0) noexcept nogil:
    """The block loop's set-up: ``n_rows`` rows split into at most
    ``MAX_BLOCKS`` equal blocks, and the threads worth using for them.

    Every parallel kernel loops ``for b in prange(plan.n_blocks,
    num_threads=plan.threads, use_threads_if=plan.threads > 1)`` over rows
    ``block_start(plan, b)`` to ``block_end(plan, b)``.

    Parameters
    ----------
    n_rows : Py_ssize_t
        Number of rows to split (>= 1).
    n_threads : int, default=1
        Threads the caller may use.
    work : double, default=0
        Units of work of all the rows (see ``useful_threads``); tiny work
        runs on the calling thread.

    Returns
    -------
    BlockPlan
    """
    cdef BlockPlan plan
    plan.n_rows = n_rows
    plan.block_rows = (n_rows + MAX_BLOCKS - 1) // MAX_BLOCKS
    if plan.block_rows < MIN_BLOCK_ROWS:
        plan.block_rows = MIN_BLOCK_ROWS
    plan.n_blocks = (n_rows + plan.block_rows - 1) // plan.block_rows
    plan.threads = useful_threads(n_threads, plan.n_blocks, work)
    return plan


cdef inline Py_ssize_t block_start(BlockPlan plan, Py_ssize_t block) noexcept nogil:
    """First row of ``block``."""
    return block * plan.block_rows


cdef inline Py_ssize_t block_end(BlockPlan plan, Py_ssize_t block) noexcept nogil:
    """One past the last row of ``block``."""
    cdef Py_ssize_t end = (block + 1) * plan.block_rows
    return end if end < plan.n_rows else plan.n_rows


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
