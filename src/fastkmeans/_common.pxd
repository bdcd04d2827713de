# Shared nogil primitives of the fastkmeans kernels.
#
# Other Cython code can `from fastkmeans._common cimport ...` these: they are
# inline, so a cimporting module compiles them into its own loops.
from cython cimport floating

cdef extern from "_kernels.h" nogil:
    float fk_sqdist_float(const float *x, const float *c, Py_ssize_t n_features) noexcept
    double fk_sqdist_double(const double *x, const double *c, Py_ssize_t n_features) noexcept
    int fk_openmp_enabled() noexcept
    int fk_omp_max_threads() noexcept
    const char *fk_simd_extensions() noexcept


# Rows are split into blocks whose size depends on n_samples only, never on
# the thread count: every parallel sum first reduces within a block, in row
# order, and then over blocks, in block order, so results are bitwise the
# same for any number of threads.
cdef enum:
    MIN_BLOCK_ROWS = 256
    MAX_BLOCKS = 256


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


cdef inline floating squared_distance(
    const floating *x,          # IN (n_features,)
    const floating *c,          # IN (n_features,)
    Py_ssize_t n_features,
) noexcept nogil:
    """Squared Euclidean distance ``sum((x - c) ** 2)`` in the input precision."""
    if floating is float:
        return fk_sqdist_float(x, c, n_features)
    else:
        return fk_sqdist_double(x, c, n_features)


cdef inline int nearest_center(
    const floating *x,          # IN (n_features,)
    const floating *centers,    # IN (n_clusters, n_features), C order
    Py_ssize_t n_clusters,
    Py_ssize_t n_features,
    floating *min_sq_dist,      # OUT scalar
) noexcept nogil:
    """Index of the center nearest to ``x`` (lowest index on ties).

    Distances are computed as ``sum((x - c) ** 2)`` rather than through the
    ``|c|^2 - 2 x.c`` expansion, so no cancellation can reorder near centers.
    """
    cdef int best = 0
    cdef floating best_dist = squared_distance(x, centers, n_features)
    cdef floating dist
    cdef Py_ssize_t j
    for j in range(1, n_clusters):
        dist = squared_distance(x, centers + j * n_features, n_features)
        if dist < best_dist:
            best_dist = dist
            best = <int>j
    min_sq_dist[0] = best_dist
    return best
