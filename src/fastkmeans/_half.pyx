# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False
"""float16 input without a float32 copy of X: the dense drivers' block loops
on the float16 kernels of the C core, which convert the rows of a block a
window at a time (a few hundred KiB of float32, see ``fk_*_f16`` in
``core/fastkmeans.h``) just before the float32 kernels run on them.

The conversion is exact and the blocks, kernels and orders of summation are
those of the float32 drivers (``_lloyd``, ``_assign``, ``_kmeanspp``), so
every result is bitwise that of ``X.astype(np.float32)``; centers, sums and
distances are float32/float64 as there. ``X16`` below is the float16 array
viewed as ``uint16`` (its bits).
"""
import numpy as np

from libc.stdint cimport int64_t

from cython.parallel cimport prange

from ._common cimport (
    BlockPlan, MAX_BLOCKS, assign_rows_f16, block_end, block_start, candidates_init,
    closest_rows_f16, fk_model, inertia_rows_f16, kmeans_plusplus_steps,
    label_sq_dist_rows_f16, max_candidates, model_free, model_init, plan_blocks,
    potentials_rows_f16, row_sq_dist_f16,
)
from ._lloyd cimport LloydStep, _Workspace, _has_empty_cluster, _pass


cdef int _check(const int *status, Py_ssize_t n_blocks) except -1:
    """Raise MemoryError if a block's kernel found no memory for its window."""
    cdef Py_ssize_t b
    for b in range(n_blocks):
        if status[b] != 0:
            raise MemoryError("fastkmeans: no memory for the float16 conversion window")
    return 0


cdef class HalfLloydStep(LloydStep):
    """:class:`_lloyd.LloydStep` on float16 rows: the same pass, each block
    converted to float32 first; centers float32."""

    cdef object X16                       # (n_samples, n_features) uint16: the bits of X
    cdef const unsigned short[:, ::1] X16_view
    cdef const float[:, ::1] unused_rows  # what _pass's X argument is bound to (not read)

    def __init__(self, X, sample_weight, centers, int n_threads):
        n_samples, n_features = X.shape
        n_clusters = centers.shape[0]
        self.X = X
        self.X16 = self.X16_view = X.view(np.uint16)
        self.unused_rows = np.zeros((1, n_features), dtype=np.float32)
        self.sample_weight = self.sample_weight_view = sample_weight
        self.centers = self.centers32 = centers
        self.spare32 = np.empty_like(centers)
        self.n_threads = n_threads
        self.single = True
        self.ws = _Workspace(n_samples, n_clusters, n_features, n_threads)
        self.sums = self.ws.sums_array
        self.weights = self.ws.weights_array
        self.labels = np.full(n_samples, -1, dtype=np.int32)
        self.labels_view = self.labels
        self.distance_evaluations = n_samples * n_clusters

    def assign_and_sum(self):
        """As :meth:`LloydStep.assign_and_sum`."""
        cdef double inertia
        cdef Py_ssize_t n_changed
        _pass(self.ws, self.unused_rows, self.sample_weight_view, &self.centers32[0, 0],
              &self.labels_view[0], self.n_threads, &inertia, &n_changed, NULL, NULL,
              0.0, &self.X16_view[0, 0])
        return (inertia, n_changed, self.distance_evaluations,
                _has_empty_cluster(self.ws.weights, self.ws.n_clusters))


def assign_labels(
    const unsigned short[:, ::1] X16,  # IN (n_samples, n_features)
    const float[:, ::1] centers,       # IN (n_clusters, n_features)
    int[::1] labels,                   # OUT (n_samples,)
    float[::1] min_sq_dist,            # OUT (n_samples,)
    int n_threads,
):
    """``_assign.assign_labels`` of float16 rows."""
    cdef Py_ssize_t n_samples = X16.shape[0], d = X16.shape[1]
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads,
                                      <double>n_samples * d * centers.shape[0])
    cdef fk_model model
    cdef Py_ssize_t b
    cdef int status[MAX_BLOCKS]
    if model_init(&model, &centers[0, 0], centers.shape[0], d) != 0:
        raise MemoryError("fastkmeans: no memory for the packed centers")
    with nogil:
        for b in prange(plan.n_blocks, schedule="dynamic", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            status[b] = assign_rows_f16(&model, &X16[0, 0], block_start(plan, b),
                                        block_end(plan, b), &labels[0], &min_sq_dist[0])
    model_free(&model)
    _check(status, plan.n_blocks)


def label_sq_distances(
    const unsigned short[:, ::1] X16,  # IN (n_samples, n_features)
    const float[:, ::1] centers,       # IN (n_clusters, n_features)
    const int[::1] labels,             # IN (n_samples,)
    double[::1] sq_dist,               # OUT (n_samples,)
    int n_threads,
):
    """``_assign.label_sq_distances`` of float16 rows."""
    cdef Py_ssize_t n_samples = X16.shape[0], d = X16.shape[1]
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads, <double>n_samples * d)
    cdef Py_ssize_t b
    cdef int status[MAX_BLOCKS]
    with nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            status[b] = label_sq_dist_rows_f16(&X16[0, 0], d, &centers[0, 0], &labels[0],
                                               block_start(plan, b), block_end(plan, b),
                                               &sq_dist[0])
    _check(status, plan.n_blocks)


def inertia(
    const unsigned short[:, ::1] X16,  # IN (n_samples, n_features)
    const double[::1] sample_weight,   # IN (n_samples,)
    const float[:, ::1] centers,       # IN (n_clusters, n_features)
    const int[::1] labels,             # IN (n_samples,)
    int n_threads,
):
    """``_assign.inertia`` of float16 rows: per block, then in block order."""
    cdef Py_ssize_t n_samples = X16.shape[0], d = X16.shape[1]
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads, <double>n_samples * d)
    cdef double[::1] block_sum = np.empty(plan.n_blocks)
    cdef Py_ssize_t b
    cdef int status[MAX_BLOCKS]
    with nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            status[b] = inertia_rows_f16(&X16[0, 0], d, &centers[0, 0], &labels[0],
                                         &sample_weight[0], block_start(plan, b),
                                         block_end(plan, b), &block_sum[b])
    _check(status, plan.n_blocks)
    total = 0.0
    for b in range(plan.n_blocks):
        total += block_sum[b]
    return total


def row_sq_distances(
    const unsigned short[:, ::1] X16,  # IN (n_samples, n_features)
    const float[::1] point,            # IN (n_features,)
    double[::1] out,                   # OUT (n_samples,)
    int n_threads,
):
    """``_kmeanspp.row_sq_distances`` of float16 rows."""
    cdef Py_ssize_t n_samples = X16.shape[0], d = X16.shape[1]
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads, <double>n_samples * d)
    cdef Py_ssize_t b
    cdef int status[MAX_BLOCKS]
    with nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            status[b] = row_sq_dist_f16(&X16[0, 0], d, &point[0], block_start(plan, b),
                                        block_end(plan, b), &out[0])
    _check(status, plan.n_blocks)


def update_closest(
    const unsigned short[:, ::1] X16,  # IN (n_samples, n_features)
    const double[::1] sample_weight,   # IN (n_samples,)
    const float[::1] center,           # IN (n_features,)
    double[::1] closest_sq,            # INOUT (n_samples,)
    double[::1] weighted_sq,           # OUT (n_samples,)
    int n_threads,
):
    """``_kmeanspp.update_closest`` of float16 rows."""
    cdef Py_ssize_t n_samples = X16.shape[0], d = X16.shape[1]
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads, <double>n_samples * d)
    cdef Py_ssize_t b
    cdef int status[MAX_BLOCKS]
    with nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            status[b] = closest_rows_f16(&X16[0, 0], d, &center[0], &sample_weight[0],
                                         block_start(plan, b), block_end(plan, b),
                                         &closest_sq[0], &weighted_sq[0])
    _check(status, plan.n_blocks)


def candidate_potentials(
    const unsigned short[:, ::1] X16,    # IN (n_samples, n_features)
    const double[::1] sample_weight,     # IN (n_samples,)
    const double[::1] x_sq,              # IN (n_samples,)
    const double[::1] closest_sq,        # IN (n_samples,)
    const float[:, ::1] candidates,      # IN (n_candidates, n_features)
    const float[::1] offset,             # IN (n_features,)
    double[::1] potentials,              # OUT (n_candidates,)
    int n_threads,
):
    """``_kmeanspp.candidate_potentials`` of float16 rows."""
    cdef Py_ssize_t n_samples = X16.shape[0], d = X16.shape[1]
    cdef Py_ssize_t n_candidates = candidates.shape[0]
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads,
                                      <double>n_samples * d * n_candidates)
    cdef Py_ssize_t group, size, b, j
    cdef fk_model model
    cdef Py_ssize_t per_call = max_candidates(False)
    cdef double[:, ::1] block_potentials = np.empty((plan.n_blocks, min(per_call, n_candidates)))
    cdef int status[MAX_BLOCKS]
    for group in range(0, n_candidates, per_call):
        size = min(per_call, n_candidates - group)
        if candidates_init(&model, &candidates[group, 0], size, d, &offset[0]) != 0:
            raise MemoryError("fastkmeans: no memory for the packed candidates")
        with nogil:
            for b in prange(plan.n_blocks, schedule="dynamic", num_threads=plan.threads,
                            use_threads_if=plan.threads > 1):
                status[b] = potentials_rows_f16(&model, &X16[0, 0], &sample_weight[0],
                                                &x_sq[0], &closest_sq[0],
                                                block_start(plan, b), block_end(plan, b),
                                                &block_potentials[b, 0])
            model_free(&model)
        _check(status, plan.n_blocks)
        for j in range(size):
            potentials[group + j] = 0.0
            for b in range(plan.n_blocks):
                potentials[group + j] += block_potentials[b, j]


def greedy_steps(
    const unsigned short[:, ::1] X16,    # IN (n_samples, n_features)
    const double[::1] sample_weight,     # IN (n_samples,)
    int n_local_trials,
    int n_threads,
    rng,
    float[:, ::1] centers,               # OUT (n_clusters, n_features)
    int64_t[::1] indices,                # INOUT (n_clusters,)
    double[::1] closest_sq,              # OUT (n_samples,)
    double[::1] weighted_sq,             # OUT (n_samples,)
):
    """``_kmeanspp.greedy_steps`` of float16 rows (converted a window at a time)."""
    return kmeans_plusplus_steps(&X16[0, 0], X16.shape[0], X16.shape[1], &sample_weight[0],
                                 centers.shape[0], n_local_trials, n_threads, rng,
                                 &centers[0, 0], &indices[0], &closest_sq[0], &weighted_sq[0])
