# The public, stable Cython API of fastkmeans: nogil kernels that other
# Cython code may cimport.
#
#     from fastkmeans.kernels cimport fit_lloyd, assign_rows, ...
#
# (or, from a vendored copy, `from host._vendor.fastkmeans.kernels cimport
# ...`). Compile the extension with `include_dirs=[fastkmeans.get_include()]`
# (the folder of fastkmeans.h) and import fastkmeans (or the vendored copy)
# before calling: the kernels run in the one copy of the C core that
# fastkmeans' `_common` module holds, so the extension compiles and links
# no C of its own.
#
# Stability: the names, signatures and meanings declared here (and the
# FK_* constants) change only together with FK_API_VERSION, which is bumped
# on any incompatible change; additions are compatible. Everything else in
# the package (modules and .pxd files whose names start with "_") is private.
#
# Annotations: IN is read, OUT is written (its previous contents ignored),
# INOUT both; shapes are row-major, n rows of X, d features, k centers;
# "rows [start, end)" means only those rows of row-indexed arrays are
# touched. `floating` is float or double, the same for every array of a
# call; labels are int32. Every function is noexcept nogil and thread-safe
# on disjoint outputs. fastkmeans.h documents each kernel in full.
from libc.stddef cimport ptrdiff_t
from libc.stdint cimport int32_t, int64_t, uint64_t

from ._common cimport (
    FK_API_VERSION, FK_ERR_NOMEM, FK_ERR_NONFINITE, FK_ERR_NULL, FK_ERR_OVERFLOW, FK_ERR_PARAM,
    FK_ERR_SIZE, FK_ERR_WEIGHT, FK_OK, MAX_BLOCKS, BlockPlan, block_end, block_start, fk_model,
    floating, plan_blocks,
)
from ._common cimport assign_rows as _assign_rows
from ._common cimport fit_lloyd as _fit_lloyd
from ._common cimport inertia_rows as _inertia_rows
from ._common cimport kmeans_plusplus_seed as _kmeans_plusplus_seed
from ._common cimport label_sq_dist_rows as _label_sq_dist_rows
from ._common cimport lloyd_rows as _lloyd_rows
from ._common cimport model_free as _model_free
from ._common cimport model_init as _model_init
from ._common cimport predict_labels as _predict_labels
from ._common cimport strerror as _strerror

# --- whole fits: every argument checked; FK_OK (0) or a negative FK_ERR_* ----

cdef inline int fit_lloyd(
    const floating *X,              # IN (n, d)
    int64_t n_samples,
    int64_t n_features,
    const floating *sample_weight,  # IN (n,) >= 0, or NULL for ones
    floating *centers,              # INOUT (k, d): initial in, final out
    int64_t n_clusters,
    int max_iter,
    double tol,                     # absolute bound on the total squared center shift
    int n_threads,                  # <= 0: all available
    int32_t *labels,                # OUT (n,)
    double *inertia,                # OUT
    int *n_iter,                    # OUT
) noexcept nogil:
    """Exact Lloyd from ``centers``: fastkmeans.fit's labels, centers, n_iter."""
    return _fit_lloyd(X, n_samples, n_features, sample_weight, centers, n_clusters,
                      max_iter, tol, n_threads, labels, inertia, n_iter)


cdef inline int predict_labels(
    const floating *X,              # IN (n, d)
    int64_t n_samples,
    int64_t n_features,
    const floating *centers,        # IN (k, d)
    int64_t n_clusters,
    int n_threads,                  # <= 0: all available
    int32_t *labels,                # OUT (n,) nearest center, lowest index on ties
    floating *sq_dist,              # OUT (n,) its squared distance, or NULL
) noexcept nogil:
    """fastkmeans.predict."""
    return _predict_labels(X, n_samples, n_features, centers, n_clusters, n_threads,
                           labels, sq_dist)


cdef inline int kmeans_plusplus_seed(
    const floating *X,              # IN (n, d)
    int64_t n_samples,
    int64_t n_features,
    const floating *sample_weight,  # IN (n,) >= 0, or NULL for ones
    int64_t n_clusters,
    uint64_t seed,                  # splitmix64 seed (fastkmeans.h)
    int n_local_trials,             # <= 0: 2 + floor(ln k)
    int n_threads,                  # <= 0: all available
    floating *centers,              # OUT (k, d) rows of X
    int64_t *indices,               # OUT (k,) their rows, or NULL
) noexcept nogil:
    """Greedy k-means++; the same seed gives the same centers for any n_threads."""
    return _kmeans_plusplus_seed(X, n_samples, n_features, sample_weight, n_clusters, seed,
                                 n_local_trials, n_threads, centers, indices)


cdef inline const char *strerror(int code) noexcept nogil:
    """A static English description of an FK_OK / FK_ERR_* code."""
    return _strerror(code)


# --- row-range kernels: no checks; split rows with plan_blocks ---------------
# (BlockPlan, plan_blocks(n_rows, n_threads=1, work=0.0), block_start(plan, b)
# and block_end(plan, b), cimported above: the block loop whose sums do not
# depend on the thread count.)

cdef inline int model_init(
    fk_model *m,                    # OUT
    const floating *centers,        # IN (k, d): alive and unchanged until model_free
    ptrdiff_t k,
    ptrdiff_t d,
) noexcept nogil:
    """Lay out centers for the nearest-center kernels: 0, or -1 if out of memory."""
    return _model_init(m, centers, k, d)


cdef inline void model_free(fk_model *m) noexcept nogil:  # INOUT
    """Free what model_init allocated (idempotent)."""
    _model_free(m)


cdef inline void assign_rows(
    const fk_model *m,              # IN
    const floating *X,              # IN (n, d)
    ptrdiff_t start,
    ptrdiff_t end,
    int *labels,                    # OUT (n,) rows [start, end): nearest center
    floating *sq_dist,              # OUT (n,) rows [start, end): its squared distance
) noexcept nogil:
    """Nearest center of rows [start, end) (lowest index on ties)."""
    _assign_rows(m, X, start, end, labels, sq_dist)


cdef inline void lloyd_rows(
    const fk_model *m,              # IN
    const floating *X,              # IN (n, d)
    const double *sample_weight,    # IN (n,)
    ptrdiff_t start,
    ptrdiff_t end,
    bint assign,
    int *labels,                    # INOUT (n,) if assign, else IN
    double *sums,                   # OUT (k, d) weighted sums of the rows per cluster
    double *weights,                # OUT (k,) their weights per cluster
    double *inertia,                # OUT weighted squared distances (0 without assign)
    Py_ssize_t *n_changed,          # OUT labels changed (0 without assign)
) noexcept nogil:
    """One fused Lloyd pass over rows [start, end): label, then sum in row order."""
    _lloyd_rows(m, X, sample_weight, start, end, assign, labels, sums, weights, inertia,
                n_changed)


cdef inline void label_sq_dist_rows(
    const floating *X,              # IN (n, d)
    ptrdiff_t d,
    const floating *centers,        # IN (k, d)
    const int *labels,              # IN (n,)
    ptrdiff_t start,
    ptrdiff_t end,
    double *out,                    # OUT (n,) rows [start, end): |x - c_label|^2, exact
) noexcept nogil:
    """Exact squared distance of rows [start, end) to their labelled centers."""
    _label_sq_dist_rows(X, d, centers, labels, start, end, out)


cdef inline double inertia_rows(
    const floating *X,              # IN (n, d)
    ptrdiff_t d,
    const floating *centers,        # IN (k, d)
    const int *labels,              # IN (n,)
    const double *sample_weight,    # IN (n,)
    ptrdiff_t start,
    ptrdiff_t end,
) noexcept nogil:
    """sum(w * |x - c_label|^2) over rows [start, end), in float64, in row order."""
    return _inertia_rows(X, d, centers, labels, sample_weight, start, end)
