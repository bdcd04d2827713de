# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False
"""Lloyd kernels: the fused assign-and-accumulate pass and the center update.

Determinism: per-cluster sums are first accumulated per block of rows (in
an order fixed by the rows, into a buffer the block owns) and the block
buffers are then added in block order, each thread owning a range of
clusters. Blocks depend on ``n_samples`` only, so the sums are bitwise the
same for any thread count. Buffers are reused in waves, so their memory is
``O(max(n_threads, budget) * n_clusters * n_features)``, never ``O(n_samples)``.
"""
import numpy as np

from cython.parallel cimport prange
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy, memset

from ._common cimport (
    BlockPlan, MAX_BLOCKS, block_end, block_start, fk_model, floating, interrupted, lloyd_rows,
    lloyd_rows_f16, model_free, model_init, plan_blocks, useful_threads,
)
from ._common cimport lloyd_run as _common_lloyd_run

from ._common import interruptible

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
        cdef double[:, ::1] sums_view
        cdef double[::1] weights_view
        self.plan = plan_blocks(n_samples)
        self.wave = min(max(n_threads, WAVE_BUDGET_BYTES // buffer_bytes), self.plan.n_blocks)
        self.n_clusters = n_clusters
        self.n_features = n_features
        self.block_sums = <double *>malloc(self.wave * n_clusters * n_features * sizeof(double))
        self.block_weights = <double *>malloc(self.wave * n_clusters * sizeof(double))
        # the totals are NumPy arrays: the run loop re-seeds empty clusters in them
        self.sums_array = np.empty((n_clusters, n_features))
        self.weights_array = np.empty(n_clusters)
        sums_view = self.sums_array
        weights_view = self.weights_array
        self.sums = &sums_view[0, 0]
        self.weights = &weights_view[0]
        if not (self.block_sums and self.block_weights):
            raise MemoryError("fastkmeans: no memory for the Lloyd buffers")

    def __dealloc__(self):
        free(self.block_sums)
        free(self.block_weights)


#: A block hook (the bounds) reads its rows several times: it runs on parts
#: of a block of at most this many bytes of rows, which stay in the
#: last-level cache in between (a block may be n / 64 rows: 23 MB at
#: 1,000,000 x 384 float32), and which hold enough of the rows the bounds
#: leave open for the dense search to fill its tiles.
HOOK_PART_BYTES = 4 << 20


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
    const unsigned short *half=NULL,
) except -1:
    """One pass over X in waves of blocks into ws.sums and ws.weights; see
    lloyd_iteration. ``before_sums(hook_data, block, start, end)``, if
    given, runs on each block before it is summed, on consecutive parts of
    it of at most HOOK_PART_BYTES of rows (which stay in cache while the
    hook reads them more than once), costing about ``hook_work`` units per
    row and feature.
    ``half``: the rows are float16 bits there (X is not read; floating is
    float), converted by the kernel a window at a time."""
    cdef Py_ssize_t n_features = ws.n_features
    cdef Py_ssize_t n_clusters = ws.n_clusters
    cdef BlockPlan plan = ws.plan
    cdef Py_ssize_t wave = ws.wave
    cdef bint assign = centers != NULL
    cdef fk_model model
    cdef Py_ssize_t first, n_in_wave, slot, b, part, changed = 0
    cdef Py_ssize_t part_bytes = HOOK_PART_BYTES
    cdef Py_ssize_t part_rows = max(1, part_bytes // (n_features * sizeof(floating)))
    cdef double total = 0.0
    cdef int threads
    cdef int status[MAX_BLOCKS]

    if model_init(&model, centers, n_clusters, n_features) != 0:
        raise MemoryError("fastkmeans: no memory for the packed centers")
    with interruptible(), nogil:
        memset(ws.sums, 0, n_clusters * n_features * sizeof(double))
        memset(ws.weights, 0, n_clusters * sizeof(double))
        memset(status, 0, sizeof(status))
        first = 0
        # Ctrl-C: the kernels stop within a chunk of rows, the waves here
        while first < plan.n_blocks and not interrupted():
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
                    part = block_start(plan, b)
                    while part < block_end(plan, b):
                        before_sums(hook_data, b, part,
                                    min(part + part_rows, block_end(plan, b)))
                        part = part + part_rows
                if half != NULL:
                    status[b] = lloyd_rows_f16(
                        &model, half, &sample_weight[0], block_start(plan, b),
                        block_end(plan, b), assign, labels,
                        ws.block_sums + slot * n_clusters * n_features,
                        ws.block_weights + slot * n_clusters,
                        &ws.block_inertia[b], &ws.block_changed[b])
                else:
                    lloyd_rows(&model, &X[0, 0], &sample_weight[0],
                               block_start(plan, b), block_end(plan, b),
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
    for b in range(plan.n_blocks):
        if status[b] != 0:
            raise MemoryError("fastkmeans: no memory for the float16 conversion window")
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


cdef class LloydStep:
    """The run loop's step for dense data (see ``_run.py``): one fused pass
    over X per iteration, then the center update.

    The step holds the run's arrays: ``X``, ``sample_weight``, ``centers``
    (moved in place by :meth:`move_centers`) and ``labels`` (int32, -1 at
    the start), and the clusters' ``sums`` and ``weights`` (float64) of the
    last pass. X is bound once as a typed view, so an iteration costs no
    dtype dispatch: a 300-point fit spends microseconds per iteration.
    """

    def __init__(self, X, sample_weight, centers, int n_threads):
        n_samples, n_features = X.shape
        n_clusters = centers.shape[0]
        self.X = X
        self.sample_weight = self.sample_weight_view = sample_weight
        self.centers = centers
        self.n_threads = n_threads
        self.single = X.dtype == np.float32
        if self.single:
            self.X32, self.centers32 = X, centers
            self.spare32 = np.empty_like(centers)
        else:
            self.X64, self.centers64 = X, centers
            self.spare64 = np.empty_like(centers)
        self.ws = _Workspace(n_samples, n_clusters, n_features, n_threads)
        self.sums = self.ws.sums_array
        self.weights = self.ws.weights_array
        self.labels = np.full(n_samples, -1, dtype=np.int32)
        self.labels_view = self.labels
        # Lloyd computes every distance
        self.distance_evaluations = n_samples * n_clusters

    def assign_and_sum(self):
        """Label every point with its nearest center and sum the clusters.

        Returns
        -------
        inertia : float
            Weighted sum of squared distances to the centers (float64).
        n_changed : int
            Points whose label changed.
        distance_evaluations : int
            Point-to-center distances computed.
        any_empty : bool
            Whether a cluster has no weight (the run loop re-seeds it).
        """
        cdef double inertia
        cdef Py_ssize_t n_changed
        if self.single:
            _pass(self.ws, self.X32, self.sample_weight_view, &self.centers32[0, 0],
                  &self.labels_view[0], self.n_threads, &inertia, &n_changed)
        else:
            _pass(self.ws, self.X64, self.sample_weight_view, &self.centers64[0, 0],
                  &self.labels_view[0], self.n_threads, &inertia, &n_changed)
        return (inertia, n_changed, self.distance_evaluations,
                _has_empty_cluster(self.ws.weights, self.ws.n_clusters))

    cdef double _new_centers(self):
        """The clusters' means (or ``center_rule``'s centers) into the spare
        buffer; the total squared shift."""
        if self.center_rule is not None:
            spare = np.asarray(self.spare32) if self.single else np.asarray(self.spare64)
            return self.center_rule(self.sums, self.weights, self.centers, spare)
        if self.single:
            return _average_and_shift(self.ws.sums, self.ws.weights, &self.centers32[0, 0],
                                      &self.spare32[0, 0], self.ws.n_clusters,
                                      self.ws.n_features)
        return _average_and_shift(self.ws.sums, self.ws.weights, &self.centers64[0, 0],
                                  &self.spare64[0, 0], self.ws.n_clusters, self.ws.n_features)

    cdef void _take_new_centers(self):
        """Copy the spare buffer into the centers."""
        cdef Py_ssize_t n_values = self.ws.n_clusters * self.ws.n_features
        if self.single:
            memcpy(&self.centers32[0, 0], &self.spare32[0, 0], n_values * sizeof(float))
        else:
            memcpy(&self.centers64[0, 0], &self.spare64[0, 0], n_values * sizeof(double))

    def move_centers(self):
        """Move every center with weight to its cluster's mean, in place.

        Returns
        -------
        float
            The total squared shift of the centers (float64).
        """
        cdef double shift = self._new_centers()
        self._take_new_centers()
        return shift


def move_centers(
    const double[:, ::1] sums,           # IN (n_clusters, n_features)
    const double[::1] weights,           # IN (n_clusters,)
    floating[:, ::1] centers,            # INOUT (n_clusters, n_features)
):
    """The center update of every step: ``centers[c] = sums[c] / weights[c]``.

    Divided, not multiplied by a reciprocal that a denormal weight would not
    have, and rounded to the dtype of the centers; centers without weight
    stay. The same C loop as :class:`LloydStep`.

    Returns
    -------
    float
        ``sum((new - old) ** 2)`` in float64, summed in center order.
    """
    cdef floating[:, ::1] new_centers = np.empty_like(np.asarray(centers))
    cdef double shift = _average_and_shift(&sums[0, 0], &weights[0], &centers[0, 0],
                                           &new_centers[0, 0], centers.shape[0],
                                           centers.shape[1])
    centers[:, :] = new_centers
    return shift


def lloyd_run(
    const floating[:, ::1] X,            # IN (n_samples, n_features)
    const double[::1] sample_weight,     # IN (n_samples,)
    floating[:, ::1] centers,            # INOUT (n_clusters, n_features): initial, then final
    int max_iter,
    double tol,
    int n_threads,
):
    """A whole Lloyd run in C (``fk_lloyd_run``): what ``_run.run_lloyd`` of a
    :class:`LloydStep` computes, bit for bit (the same kernels, blocks,
    stopping rule and empty-cluster relocation), with no Python between
    iterations.

    Returns
    -------
    labels : ndarray of shape (n_samples,), int32
    inertia : float
        Exact inertia of the final labels.
    n_iter : int
    converged : bool
    history : ndarray of shape (n_iter, 3), float64
        Per iteration the pass's inertia, the total squared center shift and
        the seconds it took.
    """
    cdef Py_ssize_t n_samples = X.shape[0], n_features = X.shape[1]
    cdef int[::1] labels = np.empty(n_samples, dtype=np.int32)
    cdef double[:, ::1] history = np.empty((max_iter, 3))
    cdef double inertia = 0.0
    cdef int n_iter = 0, converged = 0, status
    with interruptible(), nogil:
        status = _common_lloyd_run(&X[0, 0], n_samples, n_features, &sample_weight[0],
                                   &centers[0, 0], centers.shape[0], max_iter, tol, n_threads,
                                   &labels[0], &inertia, &n_iter, &converged, &history[0, 0])
    if status != 0:
        raise MemoryError("fastkmeans: no memory for a Lloyd run")
    return (np.asarray(labels), inertia, n_iter, bool(converged),
            np.asarray(history)[:n_iter])
