# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Lloyd kernels: the fused assign-and-accumulate pass and the center update.

Determinism: per-cluster sums are first accumulated per block of rows (in
row order, into a buffer the block owns) and the block buffers are then
added in block order, each thread owning a range of clusters. Blocks depend
on ``n_samples`` only, so the sums are bitwise the same for any thread
count. Buffers are reused in waves, so their memory is
``O(max(n_threads, budget) * n_clusters * n_features)``, never ``O(n_samples)``.
"""
import numpy as np

from cython.parallel cimport prange
from libc.string cimport memset

from fastkmeans._common cimport (
    MAX_BLOCKS, BlockPlan, floating, nearest_center, plan_blocks,
)

cdef enum:
    # Bytes of block buffers alive at once when clusters x features is small;
    # there is at least one buffer per thread whatever its size.
    WAVE_BUDGET_BYTES = 8 << 20


cdef void _accumulate_block(
    const floating *X,              # IN (n_samples, n_features)
    const double *sample_weight,    # IN (n_samples,)
    const floating *centers,        # IN (n_clusters, n_features); unused if not assign
    int *labels,                    # INOUT (n_samples,): OUT when assign
    Py_ssize_t start,
    Py_ssize_t end,
    Py_ssize_t n_clusters,
    Py_ssize_t n_features,
    bint assign,
    double *sums,                   # OUT (n_clusters, n_features) for this block
    double *weights,                # OUT (n_clusters,) for this block
    double *inertia,                # OUT scalar (only when assign)
    Py_ssize_t *n_changed,          # OUT scalar (only when assign)
) noexcept nogil:
    """Sum rows ``start:end`` into their clusters, labelling them first if ``assign``."""
    cdef Py_ssize_t i, j, changed = 0
    cdef int label
    cdef double w, block_inertia = 0.0
    cdef floating dist
    cdef const floating *x
    cdef double *s

    memset(sums, 0, n_clusters * n_features * sizeof(double))
    memset(weights, 0, n_clusters * sizeof(double))
    for i in range(start, end):
        x = X + i * n_features
        w = sample_weight[i]
        if assign:
            label = nearest_center(x, centers, n_clusters, n_features, &dist)
            block_inertia += w * dist
            if label != labels[i]:
                changed += 1
                labels[i] = label
        else:
            label = labels[i]
        weights[label] += w
        s = sums + label * n_features
        for j in range(n_features):
            s[j] += w * x[j]
    inertia[0] = block_inertia
    n_changed[0] = changed


cdef void _add_block_buffers(
    const double *block_sums,       # IN (n_buffers, n_clusters, n_features)
    const double *block_weights,    # IN (n_buffers, n_clusters)
    Py_ssize_t n_buffers,
    Py_ssize_t n_clusters,
    Py_ssize_t n_features,
    double *sums,                   # INOUT (n_clusters, n_features)
    double *weights,                # INOUT (n_clusters,)
    int n_threads,
) noexcept nogil:
    """Add block buffers into the totals in block order; threads own clusters."""
    cdef Py_ssize_t cluster, buf, j
    cdef Py_ssize_t row = n_clusters * n_features
    cdef int threads = <int>min(n_threads, n_clusters, MAX_BLOCKS)
    # Not worth a thread team below a few thousand additions.
    if n_buffers * row < 16384:
        threads = 1
    for cluster in prange(n_clusters, schedule="static", num_threads=threads,
                          use_threads_if=threads > 1):
        for buf in range(n_buffers):
            weights[cluster] = weights[cluster] + block_weights[buf * n_clusters + cluster]
            for j in range(n_features):
                sums[cluster * n_features + j] = (
                    sums[cluster * n_features + j]
                    + block_sums[buf * row + cluster * n_features + j])


cdef tuple _accumulate(
    const floating[:, ::1] X,
    const double[::1] sample_weight,
    const floating *centers,
    int *labels,
    bint assign,
    double[:, ::1] center_sums,
    double[::1] cluster_weights,
    int n_threads,
):
    cdef Py_ssize_t n_samples = X.shape[0]
    cdef Py_ssize_t n_features = X.shape[1]
    cdef Py_ssize_t n_clusters = center_sums.shape[0]
    cdef BlockPlan plan = plan_blocks(n_samples)
    cdef Py_ssize_t buffer_bytes = (n_clusters * n_features + n_clusters) * sizeof(double)
    cdef Py_ssize_t wave = max(n_threads, WAVE_BUDGET_BYTES // buffer_bytes)
    wave = min(wave, plan.n_blocks)

    cdef double[:, :, ::1] block_sums = np.empty((wave, n_clusters, n_features), np.float64)
    cdef double[:, ::1] block_weights = np.empty((wave, n_clusters), np.float64)
    cdef double[::1] block_inertia = np.zeros(plan.n_blocks, np.float64)
    cdef Py_ssize_t[::1] block_changed = np.zeros(plan.n_blocks, np.intp)

    cdef const floating *x = &X[0, 0]
    cdef Py_ssize_t first, n_in_wave, slot, b
    cdef int threads

    center_sums[:, :] = 0.0
    cluster_weights[:] = 0.0
    with nogil:
        first = 0
        while first < plan.n_blocks:
            n_in_wave = min(wave, plan.n_blocks - first)
            threads = <int>min(n_threads, n_in_wave)
            for slot in prange(n_in_wave, schedule="static", num_threads=threads,
                               use_threads_if=threads > 1):
                b = first + slot
                _accumulate_block(
                    x, &sample_weight[0], centers, labels,
                    b * plan.block_rows,
                    min(n_samples, (b + 1) * plan.block_rows),
                    n_clusters, n_features, assign,
                    &block_sums[slot, 0, 0], &block_weights[slot, 0],
                    &block_inertia[b], &block_changed[b])
            _add_block_buffers(&block_sums[0, 0, 0], &block_weights[0, 0],
                               n_in_wave, n_clusters, n_features,
                               &center_sums[0, 0], &cluster_weights[0], n_threads)
            first += wave

    total_inertia = 0.0
    total_changed = 0
    for b in range(plan.n_blocks):
        total_inertia += block_inertia[b]
        total_changed += block_changed[b]
    return total_inertia, total_changed


def lloyd_iteration(
    const floating[:, ::1] X,         # IN (n_samples, n_features)
    const double[::1] sample_weight,  # IN (n_samples,)
    const floating[:, ::1] centers,   # IN (n_clusters, n_features)
    int[::1] labels,                  # INOUT (n_samples,)
    double[:, ::1] center_sums,       # OUT (n_clusters, n_features)
    double[::1] cluster_weights,      # OUT (n_clusters,)
    int n_threads,
):
    """One fused Lloyd pass over ``X``: assign every point, then sum it into its cluster.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64, C order
        Points.
    sample_weight : ndarray of shape (n_samples,), float64
        Weight of every point.
    centers : ndarray of shape (n_clusters, n_features), same dtype as X
        Centers to assign to.
    labels : ndarray of shape (n_samples,), int32
        Labels of the previous iteration in (any value, e.g. -1, at the
        start); the nearest center of every point out.
    center_sums : ndarray of shape (n_clusters, n_features), float64
        Receives the weighted sum of the points of each cluster.
    cluster_weights : ndarray of shape (n_clusters,), float64
        Receives the total weight of each cluster.
    n_threads : int
        OpenMP threads to use.

    Returns
    -------
    inertia : float
        Weighted sum of squared distances to ``centers`` (float64).
    n_changed : int
        Number of points whose label changed.
    """
    return _accumulate(X, sample_weight, &centers[0, 0], &labels[0], True,
                       center_sums, cluster_weights, n_threads)


def update_sums(
    const floating[:, ::1] X,         # IN (n_samples, n_features)
    const double[::1] sample_weight,  # IN (n_samples,)
    const int[::1] labels,            # IN (n_samples,)
    double[:, ::1] center_sums,       # OUT (n_clusters, n_features)
    double[::1] cluster_weights,      # OUT (n_clusters,)
    int n_threads,
):
    """Weighted per-cluster sums and weights of already labelled points.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64, C order
        Points.
    sample_weight : ndarray of shape (n_samples,), float64
        Weight of every point.
    labels : ndarray of shape (n_samples,), int32
        Cluster of every point, each in ``[0, n_clusters)``.
    center_sums : ndarray of shape (n_clusters, n_features), float64
        Receives the weighted sum of the points of each cluster.
    cluster_weights : ndarray of shape (n_clusters,), float64
        Receives the total weight of each cluster.
    n_threads : int
        OpenMP threads to use.
    """
    # With assign False the labels are only read: the cast drops const alone.
    _accumulate(X, sample_weight, <const floating *>NULL, <int *>&labels[0], False,
                center_sums, cluster_weights, n_threads)
