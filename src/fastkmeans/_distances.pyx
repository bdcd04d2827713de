# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False
"""Distances of every point to every center: the output of ``KMeans.transform``.

The output is n_samples x n_clusters by nature; nothing else of that size is
allocated. Each squared distance is ``sum((x - c) ** 2)`` computed directly
(the norm expansion cancels for points near a center), in float64 for the
square root, through a scratch buffer of a few thousand values per thread.
"""
from cython.parallel cimport prange
from libc.math cimport sqrt
from libc.stdlib cimport free, malloc

from ._common cimport (
    BlockPlan, block_end, block_start, floating, interrupted, plan_blocks, row_sq_dist,
)

from ._common import interruptible

cdef enum:
    # float64 scratch values per thread: a chunk of rows x all centers, small
    # enough to stay in L1/L2 between the distance and the square-root passes
    SCRATCH_VALUES = 4096
    MIN_CHUNK_ROWS = 8


cdef int _block_distances(
    const floating *X,              # IN (n_samples, n_features)
    Py_ssize_t n_features,
    const floating *centers,        # IN (n_clusters, n_features)
    Py_ssize_t n_clusters,
    Py_ssize_t start,
    Py_ssize_t end,
    Py_ssize_t chunk_rows,
    floating *out,                  # OUT (n_samples, n_clusters), rows [start, end)
) noexcept nogil:
    """Distances of rows [start, end) to all centers; -1 if out of memory."""
    cdef double *scratch = <double *>malloc(chunk_rows * n_clusters * sizeof(double))
    cdef Py_ssize_t first, last, i, j
    if scratch == NULL:
        return -1
    first = start
    while first < end:
        last = min(first + chunk_rows, end)
        for j in range(n_clusters):
            # row_sq_dist writes out[i] for absolute row numbers i
            row_sq_dist(X, n_features, centers + j * n_features, first, last,
                        scratch + j * chunk_rows - first)
        for i in range(first, last):
            for j in range(n_clusters):
                out[i * n_clusters + j] = <floating>sqrt(scratch[j * chunk_rows + i - first])
        first = last
    free(scratch)
    return 0


def distances_to_centers(
    const floating[:, ::1] X,        # IN (n_samples, n_features)
    const floating[:, ::1] centers,  # IN (n_clusters, n_features)
    floating[:, ::1] out,            # OUT (n_samples, n_clusters)
    int n_threads,
):
    """``out[i, j] = sqrt(sum((X[i] - centers[j]) ** 2))``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), C order
        Points.
    centers : ndarray of shape (n_clusters, n_features), same dtype as X
        Centers.
    out : ndarray of shape (n_samples, n_clusters), same dtype as X
        Receives the Euclidean distances (squared sums in the input precision,
        square roots in float64).
    n_threads : int
        OpenMP threads to use.
    """
    cdef Py_ssize_t n_samples = X.shape[0]
    cdef Py_ssize_t n_features = X.shape[1]
    cdef Py_ssize_t n_clusters = centers.shape[0]
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads,
                                      <double>n_samples * n_features * n_clusters)
    cdef Py_ssize_t chunk_rows = max(MIN_CHUNK_ROWS,
                                     min(plan.block_rows, SCRATCH_VALUES // n_clusters))
    cdef Py_ssize_t b
    cdef int failed = 0
    with interruptible(), nogil:
        for b in prange(plan.n_blocks, schedule="dynamic", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            if interrupted():  # Ctrl-C: the section raises
                continue
            failed += _block_distances(&X[0, 0], n_features, &centers[0, 0], n_clusters,
                                       block_start(plan, b),
                                       block_end(plan, b),
                                       chunk_rows, &out[0, 0]) != 0
    if failed:
        raise MemoryError("fastkmeans: no memory for the distance scratch buffers")
