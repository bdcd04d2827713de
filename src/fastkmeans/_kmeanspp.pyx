# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""k-means++ kernels: distances of all points to candidate centers.

The greedy k-means++ step draws a few candidates and keeps the one that
lowers the potential ``sum(w * min(closest, |x - candidate|^2))`` most.
These kernels compute those potentials in one pass over ``X`` for all
candidates together, holding one running value per point (O(n_samples)
memory) instead of an n_samples x n_candidates distance matrix.
"""
import numpy as np

from cython.parallel cimport prange

from fastkmeans._common cimport (
    BlockPlan, floating, plan_blocks, squared_distance,
)


cdef void _potentials_block(
    const floating *X,              # IN (n_samples, n_features)
    const double *sample_weight,    # IN (n_samples,)
    const double *closest_sq,       # IN (n_samples,)
    const floating *candidates,     # IN (n_candidates, n_features)
    Py_ssize_t start,
    Py_ssize_t end,
    Py_ssize_t n_candidates,
    Py_ssize_t n_features,
    double *potentials,             # OUT (n_candidates,) for this block
) noexcept nogil:
    cdef Py_ssize_t i, c
    cdef double dist
    for c in range(n_candidates):
        potentials[c] = 0.0
    for i in range(start, end):
        for c in range(n_candidates):
            dist = squared_distance(X + i * n_features,
                                    candidates + c * n_features, n_features)
            if closest_sq[i] < dist:
                dist = closest_sq[i]
            potentials[c] += sample_weight[i] * dist


def candidate_potentials(
    const floating[:, ::1] X,            # IN (n_samples, n_features)
    const double[::1] sample_weight,     # IN (n_samples,)
    const double[::1] closest_sq,        # IN (n_samples,)
    const floating[:, ::1] candidates,   # IN (n_candidates, n_features)
    double[::1] potentials,              # OUT (n_candidates,)
    int n_threads,
):
    """Potential of the current centers plus each candidate.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), C order
        Points.
    sample_weight : ndarray of shape (n_samples,), float64
        Weight of every point.
    closest_sq : ndarray of shape (n_samples,), float64
        Squared distance of every point to its closest chosen center.
    candidates : ndarray of shape (n_candidates, n_features), same dtype as X
        Candidate centers.
    potentials : ndarray of shape (n_candidates,), float64
        Receives ``sum(w * min(closest_sq, |x - candidate|^2))`` for each
        candidate, summed per block and then in block order (independent
        of ``n_threads``).
    n_threads : int
        OpenMP threads to use.
    """
    cdef Py_ssize_t n_samples = X.shape[0]
    cdef Py_ssize_t n_features = X.shape[1]
    cdef Py_ssize_t n_candidates = candidates.shape[0]
    cdef BlockPlan plan = plan_blocks(n_samples)
    cdef double[:, ::1] block_potentials = np.empty((plan.n_blocks, n_candidates), np.float64)
    cdef Py_ssize_t b, c
    cdef int threads = min(n_threads, plan.n_blocks)

    with nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=threads,
                        use_threads_if=threads > 1):
            _potentials_block(&X[0, 0], &sample_weight[0], &closest_sq[0],
                              &candidates[0, 0],
                              b * plan.block_rows,
                              min(n_samples, (b + 1) * plan.block_rows),
                              n_candidates, n_features, &block_potentials[b, 0])
        for c in range(n_candidates):
            potentials[c] = 0.0
            for b in range(plan.n_blocks):
                potentials[c] += block_potentials[b, c]


def update_closest(
    const floating[:, ::1] X,         # IN (n_samples, n_features)
    const double[::1] sample_weight,  # IN (n_samples,)
    const floating[::1] center,       # IN (n_features,)
    double[::1] closest_sq,           # INOUT (n_samples,)
    double[::1] weighted_sq,          # OUT (n_samples,)
    int n_threads,
):
    """Take a new center into account: ``closest_sq = min(closest_sq, |x - center|^2)``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), C order
        Points.
    sample_weight : ndarray of shape (n_samples,), float64
        Weight of every point.
    center : ndarray of shape (n_features,), same dtype as X
        The center just chosen.
    closest_sq : ndarray of shape (n_samples,), float64
        Squared distance to the closest chosen center; ``inf`` before the
        first center. Updated in place.
    weighted_sq : ndarray of shape (n_samples,), float64
        Receives ``sample_weight * closest_sq``: the probability mass of
        each point for drawing the next candidates.
    n_threads : int
        OpenMP threads to use.
    """
    cdef Py_ssize_t n_samples = X.shape[0]
    cdef Py_ssize_t n_features = X.shape[1]
    cdef BlockPlan plan = plan_blocks(n_samples)
    cdef Py_ssize_t b, i
    cdef double dist
    cdef int threads = min(n_threads, plan.n_blocks)

    with nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=threads,
                        use_threads_if=threads > 1):
            for i in range(b * plan.block_rows,
                           min(n_samples, (b + 1) * plan.block_rows)):
                dist = squared_distance(&X[i, 0], &center[0], n_features)
                if dist < closest_sq[i]:
                    closest_sq[i] = dist
                weighted_sq[i] = sample_weight[i] * closest_sq[i]
