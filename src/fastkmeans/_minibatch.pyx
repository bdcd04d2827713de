# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False
"""Mini-batch k-means kernel: assign one batch, then move each center towards it.

Sculley's update with a per-center learning rate, as scikit-learn's
``MiniBatchKMeans``: a center that has absorbed total weight ``count`` and
receives batch points of total weight ``w_b`` and weighted sum ``s_b``
becomes ``(count * c + s_b) / (count + w_b)``, i.e. the mean of every point
it was ever given. The assignment runs in parallel over blocks of the batch;
the update (O(batch x n_features), small next to the assignment) runs in row
order on one thread, so the result never depends on the thread count.
"""
from cython.parallel cimport prange
from libc.stdint cimport int32_t, int64_t
from libc.string cimport memset

from ._common cimport (
    BlockPlan, assign_rows, block_end, block_start, fk_model, floating, interrupted, model_free,
    model_init, plan_blocks,
)

from ._common import interruptible


cdef double _move_centers(
    const floating[:, ::1] centers,    # IN (n_clusters, n_features)
    floating[:, ::1] centers_new,      # OUT, may be centers
    double[::1] counts,                # INOUT (n_clusters,)
    const double[:, ::1] sums,         # IN (n_clusters, n_features)
    const double[::1] batch_weights,   # IN (n_clusters,)
) noexcept nogil:
    """Sculley's update of every center the batch reached; the total squared shift."""
    cdef Py_ssize_t n_clusters = centers.shape[0], n_features = centers.shape[1], c, f
    cdef double old, moved, squared_shift = 0.0
    cdef bint in_place = <const void *>&centers_new[0, 0] == <const void *>&centers[0, 0]
    for c in range(n_clusters):
        if batch_weights[c] > 0:
            for f in range(n_features):
                old = centers[c, f]
                moved = (old * counts[c] + sums[c, f]) / (counts[c] + batch_weights[c])
                squared_shift += (moved - old) * (moved - old)
                centers_new[c, f] = <floating>moved
            counts[c] += batch_weights[c]
        elif not in_place:
            for f in range(n_features):
                centers_new[c, f] = centers[c, f]
    return squared_shift


def minibatch_step(
    const floating[:, ::1] batch,      # IN (batch_size, n_features)
    const double[::1] sample_weight,   # IN (batch_size,)
    const floating[:, ::1] centers,    # IN (n_clusters, n_features)
    floating[:, ::1] centers_new,      # OUT (n_clusters, n_features), may be centers
    double[::1] counts,                # INOUT (n_clusters,)
    int[::1] labels,                   # OUT (batch_size,)
    floating[::1] sq_dist,             # OUT (batch_size,)
    double[:, ::1] sums,               # TMP (n_clusters, n_features)
    double[::1] batch_weights,         # TMP (n_clusters,)
    int n_threads,
):
    """One mini-batch step: label the batch with ``centers``, write the moved centers.

    Parameters
    ----------
    batch : ndarray of shape (batch_size, n_features), C order
        Points of the batch.
    sample_weight : ndarray of shape (batch_size,), float64
        Weight of every point of the batch.
    centers : ndarray of shape (n_clusters, n_features), same dtype as batch
        Centers before the step.
    centers_new : ndarray of shape (n_clusters, n_features), same dtype as batch
        Receives the centers after the step (centers the batch did not reach
        are copied unchanged). May be ``centers`` itself.
    counts : ndarray of shape (n_clusters,), float64
        Total weight each center has absorbed so far; the batch's is added.
    labels : ndarray of shape (batch_size,), int32
        Receives the nearest center of every point (before the update).
    sq_dist : ndarray of shape (batch_size,), same dtype as batch
        Receives the squared distance of every point to that center.
    sums, batch_weights : ndarray of shape (n_clusters, n_features) and (n_clusters,)
        Scratch space, float64.
    n_threads : int
        OpenMP threads for the assignment.

    Returns
    -------
    batch_inertia : float
        ``sum(w * sq_dist)``: the batch's weighted inertia before the update.
    squared_shift : float
        Sum over centers of the squared distance each center moved.
    """
    cdef Py_ssize_t batch_size = batch.shape[0]
    cdef Py_ssize_t n_features = batch.shape[1]
    cdef Py_ssize_t n_clusters = centers.shape[0]
    cdef BlockPlan plan = plan_blocks(batch_size, n_threads,
                                      <double>batch_size * n_features * n_clusters)
    cdef fk_model model
    cdef Py_ssize_t b, i, c, f
    cdef double w, batch_inertia = 0.0, squared_shift = 0.0

    # the model packs its own copy of the centers, so centers_new may alias them
    if model_init(&model, &centers[0, 0], n_clusters, n_features) != 0:
        raise MemoryError("fastkmeans: no memory for the packed centers")
    with interruptible(), nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            if interrupted():  # Ctrl-C: the section raises
                continue
            assign_rows(&model, &batch[0, 0], block_start(plan, b),
                        block_end(plan, b), &labels[0], &sq_dist[0])
        model_free(&model)
    # interrupted: the section raised above; the centers and counts are untouched
    with nogil:
        memset(&sums[0, 0], 0, n_clusters * n_features * sizeof(double))
        memset(&batch_weights[0], 0, n_clusters * sizeof(double))
        for i in range(batch_size):
            c = labels[i]
            w = sample_weight[i]
            batch_weights[c] += w
            batch_inertia += w * sq_dist[i]
            for f in range(n_features):
                sums[c, f] += w * batch[i, f]

        squared_shift = _move_centers(centers, centers_new, counts, sums, batch_weights)
    return batch_inertia, squared_shift


ctypedef fused index_t:
    int32_t
    int64_t


def sparse_center_update(
    const floating[::1] data,          # IN (nnz,) the batch as CSR
    const index_t[::1] indices,        # IN (nnz,)
    const index_t[::1] indptr,         # IN (batch_size + 1,)
    const double[::1] sample_weight,   # IN (batch_size,)
    const int[::1] labels,             # IN (batch_size,)
    const floating[:, ::1] centers,    # IN (n_clusters, n_features)
    floating[:, ::1] centers_new,      # OUT (n_clusters, n_features), may be centers
    double[::1] counts,                # INOUT (n_clusters,)
    double[:, ::1] sums,               # TMP (n_clusters, n_features), all zero in and out
    double[::1] batch_weights,         # TMP (n_clusters,)
):
    """The center update of :func:`minibatch_step` for a CSR batch already labelled.

    The cluster sums add each row's nonzeros in row order, so they equal the
    dense step's sums bitwise (the dense step only adds zeros besides), and
    the update is the same expression: given the same labels, the centers
    are those of the dense step. ``sums`` must be all zero on entry; the
    entries the batch touched are zeroed again on return, so no step pays
    for clearing ``n_clusters x n_features`` values. Runs on one thread.

    Returns
    -------
    squared_shift : float
        Sum over centers of the squared distance each center moved.
    """
    cdef Py_ssize_t batch_size = indptr.shape[0] - 1
    cdef Py_ssize_t n_clusters = centers.shape[0], n_features = centers.shape[1]
    cdef Py_ssize_t i, c, p
    cdef double w, squared_shift = 0.0
    if sums.shape[0] < n_clusters or sums.shape[1] < n_features:
        raise ValueError("sums is smaller than the centers")
    with nogil:
        memset(&batch_weights[0], 0, n_clusters * sizeof(double))
        for i in range(batch_size):
            c = labels[i]
            w = sample_weight[i]
            batch_weights[c] += w
            for p in range(indptr[i], indptr[i + 1]):
                sums[c, indices[p]] += w * data[p]

        squared_shift = _move_centers(centers, centers_new, counts, sums, batch_weights)

        for i in range(batch_size):
            c = labels[i]
            for p in range(indptr[i], indptr[i + 1]):
                sums[c, indices[p]] = 0.0
    return squared_shift
