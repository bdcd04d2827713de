# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False
"""k-means++ kernels: distances of all points to candidate centers.

The greedy k-means++ step draws a few candidates and keeps the one that
lowers the potential ``sum(w * min(closest, |x - candidate|^2))`` most.
``candidate_potentials`` scores all candidates in one pass over ``X`` with
the register-tiled kernel of the Lloyd assignment (the candidates in vector
lanes, ``|x - c|^2 = |x - m|^2 + |c - m|^2 - 2 (x - m).(c - m)`` around a
fixed offset ``m``); ``update_closest`` then takes the chosen center into
account with exact distances ``sum((x - c)^2)``. Memory is O(n_samples): one
running value per point, never an n_samples x n_candidates matrix. Sums are
per block of rows, then in block order: independent of the thread count.
"""
import numpy as np

from cython.parallel cimport prange
from libc.stdint cimport int64_t

from ._common cimport (
    BlockPlan, block_end, block_start, candidates_init, closest_rows, fk_model, floating,
    interrupted, kmeans_plusplus_steps, max_candidates, model_free, plan_blocks,
    potentials_rows, row_sq_dist,
)

from ._common import interruptible


def row_sq_distances(
    const floating[:, ::1] X,         # IN (n_samples, n_features)
    const floating[::1] point,        # IN (n_features,)
    double[::1] out,                  # OUT (n_samples,)
    int n_threads,
):
    """``out[i] = sum((X[i] - point) ** 2)``, summed directly (no expansion)
    in X's precision, stored as float64 (the bounds' row norms, which sum in
    float64, are ``_accelerated._row_norms``).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), C order
        Points.
    point : ndarray of shape (n_features,), same dtype as X
        The point to measure from (the centering offset of the potentials).
    out : ndarray of shape (n_samples,), float64
        Receives the squared distances.
    n_threads : int
        OpenMP threads to use.
    """
    cdef Py_ssize_t n_samples = X.shape[0], n_features = X.shape[1]
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads, <double>n_samples * n_features)
    cdef Py_ssize_t b
    with interruptible(), nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            if interrupted():  # Ctrl-C: the section raises
                continue
            row_sq_dist(&X[0, 0], n_features, &point[0], block_start(plan, b),
                        block_end(plan, b), &out[0])


def candidate_potentials(
    const floating[:, ::1] X,            # IN (n_samples, n_features)
    const double[::1] sample_weight,     # IN (n_samples,)
    const double[::1] x_sq,              # IN (n_samples,)
    const double[::1] closest_sq,        # IN (n_samples,)
    const floating[:, ::1] candidates,   # IN (n_candidates, n_features)
    const floating[::1] offset,          # IN (n_features,)
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
    x_sq : ndarray of shape (n_samples,), float64
        ``|x - offset|^2`` of every point (see ``row_sq_distances``).
    closest_sq : ndarray of shape (n_samples,), float64
        Squared distance of every point to its closest chosen center.
    candidates : ndarray of shape (n_candidates, n_features), same dtype as X
        Candidate centers.
    offset : ndarray of shape (n_features,), same dtype as X
        The point ``x_sq`` was measured from; near the data's mean, it keeps
        the expansion free of cancellation.
    potentials : ndarray of shape (n_candidates,), float64
        Receives ``sum(w * min(closest_sq, |x - candidate|^2))`` for each
        candidate.
    n_threads : int
        OpenMP threads to use.
    """
    cdef Py_ssize_t n_samples = X.shape[0], n_features = X.shape[1]
    cdef Py_ssize_t n_candidates = candidates.shape[0]
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads,
                                      <double>n_samples * n_features * n_candidates)
    cdef Py_ssize_t group, size, b, j
    cdef fk_model model
    cdef Py_ssize_t per_call
    per_call = max_candidates(floating is double)
    cdef double[:, ::1] block_potentials = np.empty((plan.n_blocks, min(per_call, n_candidates)))

    for group in range(0, n_candidates, per_call):
        size = min(per_call, n_candidates - group)
        if candidates_init(&model, &candidates[group, 0], size, n_features,
                           &offset[0]) != 0:
            raise MemoryError("fastkmeans: no memory for the packed candidates")
        with interruptible(), nogil:
            for b in prange(plan.n_blocks, schedule="dynamic", num_threads=plan.threads,
                            use_threads_if=plan.threads > 1):
                if interrupted():  # Ctrl-C: the section raises
                    continue
                potentials_rows(&model, &X[0, 0], &sample_weight[0], &x_sq[0],
                                &closest_sq[0], block_start(plan, b),
                                block_end(plan, b),
                                &block_potentials[b, 0])
            model_free(&model)
            for j in range(size):
                potentials[group + j] = 0.0
                for b in range(plan.n_blocks):
                    potentials[group + j] += block_potentials[b, j]


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
        first center. Updated in place, with exact distances.
    weighted_sq : ndarray of shape (n_samples,), float64
        Receives ``sample_weight * closest_sq``: the probability mass of
        each point for drawing the next candidates.
    n_threads : int
        OpenMP threads to use.
    """
    cdef Py_ssize_t n_samples = X.shape[0], n_features = X.shape[1]
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads, <double>n_samples * n_features)
    cdef Py_ssize_t b
    with interruptible(), nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            if interrupted():  # Ctrl-C: the section raises
                continue
            closest_rows(&X[0, 0], n_features, &center[0], &sample_weight[0],
                         block_start(plan, b), block_end(plan, b),
                         &closest_sq[0], &weighted_sq[0])


def greedy_steps(
    const floating[:, ::1] X,            # IN (n_samples, n_features)
    const double[::1] sample_weight,     # IN (n_samples,)
    int n_local_trials,
    int n_threads,
    rng,
    floating[:, ::1] centers,            # OUT (n_clusters, n_features)
    int64_t[::1] indices,                # INOUT (n_clusters,)
    double[::1] closest_sq,              # OUT (n_samples,)
    double[::1] weighted_sq,             # OUT (n_samples,)
):
    """The greedy k-means++ steps after the first center, all in C
    (``fk_kmeans_plusplus_steps``): the draws of ``_init.draw_candidates``
    from ``rng``'s own stream (each a ``rng.uniform()``), the candidates
    scored on exact distances in one pass over ``X`` a step where their
    distances can be kept (``core/seed_impl.h``).

    Parameters
    ----------
    X, sample_weight
        As ``candidate_potentials``.
    n_local_trials : int
        Candidates per center.
    n_threads : int
        OpenMP threads to use.
    rng : numpy.random.Generator
        Source of the draws (its lock is held meanwhile).
    centers : ndarray of shape (n_clusters, n_features), dtype of X
        Receives the centers.
    indices : ndarray of shape (n_clusters,), int64
        The first center's row in ``indices[0]``; receives the others'.
    closest_sq, weighted_sq : ndarray of shape (n_samples,), float64
        Receive every point's squared distance to its closest center, and
        that times its weight.

    Returns
    -------
    int
        Centers chosen: all, or fewer where no weighted point is left that
        is not a center (the Python steps go on from there, with their own
        fallback draw).
    """
    return kmeans_plusplus_steps(&X[0, 0], X.shape[0], X.shape[1], &sample_weight[0],
                                 centers.shape[0], n_local_trials, n_threads, rng,
                                 &centers[0, 0], &indices[0], &closest_sq[0], &weighted_sq[0])
