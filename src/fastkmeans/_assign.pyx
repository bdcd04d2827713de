# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False
"""Assignment kernels: which center each point belongs to, and how far it is.

Each kernel walks the rows in blocks (see ``_common.plan_blocks``) in
parallel; none stores more than one distance per point.
"""

from cython.parallel cimport prange

from ._common cimport (
    BlockPlan, MAX_BLOCKS, assign_rows, block_end, block_start, fk_model, floating,
    inertia_rows, interrupted, label_sq_dist_rows, model_free, model_init, plan_blocks,
)

from ._common import interruptible


def assign_labels(
    const floating[:, ::1] X,        # IN (n_samples, n_features)
    const floating[:, ::1] centers,  # IN (n_clusters, n_features)
    int[::1] labels,                 # OUT (n_samples,)
    floating[::1] min_sq_dist,       # OUT (n_samples,)
    int n_threads,
):
    """Label every point with its nearest center (lowest index on ties).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), C order
        Points.
    centers : ndarray of shape (n_clusters, n_features), same dtype as X
        Centers.
    labels : ndarray of shape (n_samples,), int32
        Receives the index of the nearest center of every point.
    min_sq_dist : ndarray of shape (n_samples,), same dtype as X
        Receives the squared distance ``sum((x - c) ** 2)`` of every point to
        that center.
    n_threads : int
        OpenMP threads to use.
    """
    cdef Py_ssize_t n_samples = X.shape[0]
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads,
                                      <double>n_samples * X.shape[1] * centers.shape[0])
    cdef fk_model model
    cdef Py_ssize_t b

    if model_init(&model, &centers[0, 0], centers.shape[0], X.shape[1]) != 0:
        raise MemoryError("fastkmeans: no memory for the packed centers")
    with interruptible(), nogil:
        for b in prange(plan.n_blocks, schedule="dynamic", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            if interrupted():  # Ctrl-C: the section raises
                continue
            assign_rows(&model, &X[0, 0], block_start(plan, b),
                        block_end(plan, b),
                        &labels[0], &min_sq_dist[0])
    model_free(&model)


def label_sq_distances(
    const floating[:, ::1] X,        # IN (n_samples, n_features)
    const floating[:, ::1] centers,  # IN (n_clusters, n_features)
    const int[::1] labels,           # IN (n_samples,)
    double[::1] sq_dist,             # OUT (n_samples,)
    int n_threads,
):
    """Squared distance of every point to the center it is labelled with.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), C order
        Points.
    centers : ndarray of shape (n_clusters, n_features), same dtype as X
        Centers.
    labels : ndarray of shape (n_samples,), int32
        Center index of every point, each in ``[0, n_clusters)``.
    sq_dist : ndarray of shape (n_samples,), float64
        Receives ``sum((X[i] - centers[labels[i]]) ** 2)``.
    n_threads : int
        OpenMP threads to use.
    """
    cdef Py_ssize_t n_samples = X.shape[0]
    cdef Py_ssize_t n_features = X.shape[1]
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads, <double>n_samples * n_features)
    cdef Py_ssize_t b
    with interruptible(), nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            if interrupted():  # Ctrl-C: the section raises
                continue
            label_sq_dist_rows(&X[0, 0], n_features, &centers[0, 0], &labels[0],
                               block_start(plan, b), block_end(plan, b),
                               &sq_dist[0])


def inertia(
    const floating[:, ::1] X,        # IN (n_samples, n_features)
    const double[::1] sample_weight,  # IN (n_samples,)
    const floating[:, ::1] centers,  # IN (n_clusters, n_features)
    const int[::1] labels,           # IN (n_samples,)
    int n_threads,
):
    """Weighted sum of squared distances of the points to their centers.

    Each squared distance is computed from ``(x - c) ** 2`` (never from the
    norm expansion, which cancels) and the sum is accumulated in float64,
    per block in an order fixed by the rows and then over blocks in block
    order, so the result does not depend on ``n_threads``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), C order
        Points.
    sample_weight : ndarray of shape (n_samples,), float64
        Weight of every point.
    centers : ndarray of shape (n_clusters, n_features), same dtype as X
        Centers.
    labels : ndarray of shape (n_samples,), int32
        Center index of every point.
    n_threads : int
        OpenMP threads to use.

    Returns
    -------
    float
        ``sum(sample_weight[i] * |X[i] - centers[labels[i]]|^2)``.
    """
    cdef Py_ssize_t n_samples = X.shape[0]
    cdef Py_ssize_t n_features = X.shape[1]
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads, <double>n_samples * n_features)
    cdef double block_sum[MAX_BLOCKS]
    cdef Py_ssize_t b
    with interruptible(), nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            if interrupted():  # Ctrl-C: the section raises
                continue
            block_sum[b] = inertia_rows(&X[0, 0], n_features, &centers[0, 0],
                                        &labels[0], &sample_weight[0], block_start(plan, b),
                                        block_end(plan, b))

    total = 0.0
    for b in range(plan.n_blocks):
        total += block_sum[b]
    return total
