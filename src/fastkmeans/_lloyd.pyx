# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Lloyd kernels: the fused assign-and-accumulate pass and the center update.

Determinism: per-cluster sums are first accumulated per block of rows (in
an order fixed by the rows, into a buffer the block owns) and the block
buffers are then added in block order, each thread owning a range of
clusters. Blocks depend on ``n_samples`` only, so the sums are bitwise the
same for any thread count. Buffers are reused in waves, so their memory is
``O(max(n_threads, budget) * n_clusters * n_features)``, never ``O(n_samples)``.
"""
from time import perf_counter

import numpy as np

from cython.parallel cimport prange
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy, memset

from ._common cimport (
    MAX_BLOCKS, BlockPlan, fk_model, floating, lloyd_rows, model_free, model_init,
    plan_blocks, useful_threads,
)
from ._assign import label_sq_distances
from ._stopping import end_iteration

cdef enum:
    # Bytes of block buffers alive at once when clusters x features is small;
    # there is at least one buffer per thread whatever its size.
    WAVE_BUDGET_BYTES = 8 << 20


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


cdef class _Workspace:
    """Buffers of a Lloyd run, allocated once (in C: cheap for tiny inputs)
    and reused by every pass (attributes in _lloyd.pxd)."""

    def __cinit__(self, Py_ssize_t n_samples, Py_ssize_t n_clusters, Py_ssize_t n_features,
                  int n_threads):
        cdef Py_ssize_t buffer_bytes = (n_clusters * n_features + n_clusters) * sizeof(double)
        self.plan = plan_blocks(n_samples)
        self.wave = min(max(n_threads, WAVE_BUDGET_BYTES // buffer_bytes), self.plan.n_blocks)
        self.n_clusters = n_clusters
        self.n_features = n_features
        self.block_sums = <double *>malloc(self.wave * n_clusters * n_features * sizeof(double))
        self.block_weights = <double *>malloc(self.wave * n_clusters * sizeof(double))
        self.sums = <double *>malloc(n_clusters * n_features * sizeof(double))
        self.weights = <double *>malloc(n_clusters * sizeof(double))
        if not (self.block_sums and self.block_weights and self.sums and self.weights):
            raise MemoryError("fastkmeans: no memory for the Lloyd buffers")

    def __dealloc__(self):
        free(self.block_sums)
        free(self.block_weights)
        free(self.sums)
        free(self.weights)


cdef int _pass(
    _Workspace ws,
    const floating[:, ::1] X,
    const double[::1] sample_weight,
    const floating *centers,        # NULL: labels given, no assignment
    int *labels,
    int n_threads,
    double *inertia,
    Py_ssize_t *n_changed,
    block_hook before_sums=NULL,
    void *hook_data=NULL,
    double hook_work=0.0,
) except -1:
    """One pass over X in waves of blocks into ws.sums and ws.weights; see
    lloyd_iteration. ``before_sums(hook_data, block, start, end)``, if
    given, runs on each block before it is summed (its rows then are in
    cache), costing about ``hook_work`` units per row and feature."""
    cdef Py_ssize_t n_samples = X.shape[0]
    cdef Py_ssize_t n_features = ws.n_features
    cdef Py_ssize_t n_clusters = ws.n_clusters
    cdef BlockPlan plan = ws.plan
    cdef Py_ssize_t wave = ws.wave
    cdef bint assign = centers != NULL
    cdef fk_model model
    cdef Py_ssize_t first, n_in_wave, slot, b, changed = 0
    cdef double total = 0.0
    cdef int threads

    if model_init(&model, centers, n_clusters, n_features) != 0:
        raise MemoryError("fastkmeans: no memory for the packed centers")
    with nogil:
        memset(ws.sums, 0, n_clusters * n_features * sizeof(double))
        memset(ws.weights, 0, n_clusters * sizeof(double))
        first = 0
        while first < plan.n_blocks:
            n_in_wave = min(wave, plan.n_blocks - first)
            threads = useful_threads(n_threads, n_in_wave,
                                     <double>n_in_wave * plan.block_rows * n_features
                                     * ((n_clusters if assign else 1) + hook_work))
            # dynamic: blocks differ in cost (label changes, cache); which
            # thread runs a block never changes what it computes
            for slot in prange(n_in_wave, schedule="dynamic", num_threads=threads,
                               use_threads_if=threads > 1):
                b = first + slot
                if before_sums != NULL:
                    before_sums(hook_data, b, b * plan.block_rows,
                                min(n_samples, (b + 1) * plan.block_rows))
                lloyd_rows(&model, &X[0, 0], &sample_weight[0],
                           b * plan.block_rows,
                           min(n_samples, (b + 1) * plan.block_rows),
                           assign, labels,
                           ws.block_sums + slot * n_clusters * n_features,
                           ws.block_weights + slot * n_clusters,
                           &ws.block_inertia[b], &ws.block_changed[b])
            _add_block_buffers(ws.block_sums, ws.block_weights, n_in_wave, n_clusters,
                               n_features, ws.sums, ws.weights, n_threads)
            first += wave
        model_free(&model)
        for b in range(plan.n_blocks):
            total += ws.block_inertia[b]
            changed += ws.block_changed[b]
    inertia[0] = total
    n_changed[0] = changed
    return 0


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
    cdef double inertia
    cdef Py_ssize_t n_changed
    cdef _Workspace ws = _Workspace(X.shape[0], centers.shape[0], X.shape[1], n_threads)
    _pass(ws, X, sample_weight, &centers[0, 0], &labels[0], n_threads,
          &inertia, &n_changed)
    _copy_out(ws, center_sums, cluster_weights)
    return inertia, n_changed


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
    cdef double inertia
    cdef Py_ssize_t n_changed
    cdef _Workspace ws = _Workspace(X.shape[0], center_sums.shape[0], X.shape[1], n_threads)
    # Without centers the labels are only read: the cast drops const alone.
    _pass(ws, X, sample_weight, <const floating *>NULL, <int *>&labels[0], n_threads,
          &inertia, &n_changed)
    _copy_out(ws, center_sums, cluster_weights)


cdef void _copy_out(_Workspace ws, double[:, ::1] center_sums, double[::1] cluster_weights):
    memcpy(&center_sums[0, 0], ws.sums, ws.n_clusters * ws.n_features * sizeof(double))
    memcpy(&cluster_weights[0], ws.weights, ws.n_clusters * sizeof(double))


def relocate_empty_clusters(X, sample_weight, centers, labels, sums, weights, n_threads):
    """Give each empty cluster one of the points farthest from their centers.

    As scikit-learn: the farthest points (squared distance to the center they
    were assigned to) move, farthest first, into the empty clusters; ``sums``
    and ``weights`` are adjusted in place, labels are not. Points of weight
    zero never move. Memory is O(n_samples): no n_samples x n_features
    temporary. Returns the number of clusters re-seeded.
    """
    empty = np.flatnonzero(np.asarray(weights) == 0)
    if empty.size == 0:
        return 0
    X = np.asarray(X)
    sample_weight = np.asarray(sample_weight)
    labels = np.asarray(labels)
    sums = np.asarray(sums)
    weights = np.asarray(weights)
    sq_dist = np.empty(X.shape[0])
    label_sq_distances(X, np.asarray(centers), labels, sq_dist, n_threads)
    sq_dist[sample_weight == 0] = -1.0
    n_moves = empty.size  # validation guarantees >= n_clusters weighted points
    far = np.argpartition(sq_dist, -n_moves)[-n_moves:]
    far = far[np.lexsort((far, -sq_dist[far]))]
    for cluster, index in zip(empty, far):
        old_cluster = labels[index]
        weight = sample_weight[index]
        sums[old_cluster] -= weight * X[index]
        weights[old_cluster] -= weight
        sums[cluster] = weight * X[index]
        weights[cluster] = weight
    return empty.size


cdef bint _has_empty_cluster(const double *weights, Py_ssize_t n_clusters) noexcept nogil:
    cdef Py_ssize_t j
    for j in range(n_clusters):
        if weights[j] == 0:
            return True
    return False


cdef double _average_and_shift(
    const double *sums,             # IN (n_clusters, n_features)
    const double *weights,          # IN (n_clusters,)
    const floating *centers,        # IN (n_clusters, n_features)
    floating *new_centers,          # OUT (n_clusters, n_features)
    Py_ssize_t n_clusters,
    Py_ssize_t n_features,
) noexcept nogil:
    """new_centers = sums / weights (old center where a cluster has no weight);
    returns the total squared shift in float64."""
    cdef Py_ssize_t j, f, row
    cdef double shift = 0.0, diff
    for j in range(n_clusters):
        row = j * n_features
        if weights[j] > 0:
            # divide, not multiply by 1 / weight: a denormal weight has no
            # finite reciprocal
            for f in range(n_features):
                new_centers[row + f] = <floating>(sums[row + f] / weights[j])
        else:
            for f in range(n_features):
                new_centers[row + f] = centers[row + f]
        for f in range(n_features):
            diff = <double>new_centers[row + f] - <double>centers[row + f]
            shift += diff * diff
    return shift


def lloyd_run(
    const floating[:, ::1] X,         # IN (n_samples, n_features)
    const double[::1] sample_weight,  # IN (n_samples,)
    floating[:, ::1] centers,         # INOUT (n_clusters, n_features)
    int[::1] labels,                  # OUT (n_samples,)
    int max_iter,
    double tol,
    int n_threads,
    list history,                     # OUT: (inertia, shift, seconds, distances) per iteration
    object on_iteration=None,
):
    """Lloyd iterations from ``centers`` until convergence or ``max_iter``.

    The loop of scikit-learn: stop when no label changes, or when the total
    squared center shift is at most ``tol`` (absolute). Each iteration is one
    fused pass over X; between passes only O(n_clusters x n_features) work
    is done, in C.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), C order
        Points.
    sample_weight : ndarray of shape (n_samples,), float64
        Weight of every point.
    centers : ndarray of shape (n_clusters, n_features), same dtype as X
        Initial centers in, final centers out.
    labels : ndarray of shape (n_samples,), int32
        Receives the labels of the last assignment (made with the centers
        before the last update).
    max_iter : int
        Most iterations.
    tol : float
        Absolute bound on the total squared center shift.
    n_threads : int
        OpenMP threads to use.
    history : list
        Receives one ``(inertia, center_shift, seconds, distance_evaluations)``
        tuple per iteration (Lloyd evaluates ``n_samples * n_clusters``).
    on_iteration : callable, optional
        Called with no arguments after each iteration, once its tuple is in
        ``history``; a true return value stops the run there (not counted
        as converged unless the iteration also met the stopping rule).

    Returns
    -------
    n_iter : int
        Iterations run.
    converged : bool
        Stopped by strict convergence or ``tol``, not by ``max_iter``.
    labels_match_centers : bool
        Whether ``labels`` already are the nearest final centers (strict
        convergence without a re-seeded cluster); if not, assign once more.
    """
    cdef Py_ssize_t n_clusters = centers.shape[0], n_features = centers.shape[1]
    cdef double inertia, shift
    cdef Py_ssize_t n_changed
    cdef int iteration = 0, n_relocated = 0
    cdef bint converged = False, strict = False
    cdef _Workspace ws = _Workspace(X.shape[0], n_clusters, n_features, n_threads)
    cdef floating *given = &centers[0, 0]
    cdef floating *buffer = <floating *>malloc(n_clusters * n_features * sizeof(floating))
    # the centers alternate between the caller's array and the buffer
    cdef floating *current = given
    cdef floating *spare = buffer
    cdef floating *swap
    if buffer == NULL:
        raise MemoryError("fastkmeans: no memory for the centers")
    labels[:] = -1
    try:
        for iteration in range(max_iter):
            started = perf_counter()
            _pass(ws, X, sample_weight, current, &labels[0], n_threads,
                  &inertia, &n_changed)
            n_relocated = 0
            if _has_empty_cluster(ws.weights, n_clusters):
                n_relocated = relocate_empty_clusters(
                    X, sample_weight, <floating[:n_clusters, :n_features]>current, labels,
                    <double[:n_clusters, :n_features]>ws.sums,
                    <double[:n_clusters]>ws.weights, n_threads)
            shift = _average_and_shift(ws.sums, ws.weights, current, spare,
                                       n_clusters, n_features)
            swap = current
            current = spare
            spare = swap
            converged, strict, stop = end_iteration(
                history, inertia, shift, perf_counter() - started, X.shape[0] * n_clusters,
                n_changed, tol, on_iteration)
            if stop:
                break
        if current != given:
            memcpy(given, current, n_clusters * n_features * sizeof(floating))
    finally:
        free(buffer)
    return iteration + 1, converged, strict and n_relocated == 0
