"""The run loop: one Lloyd run from given centers, for every step.

The loop is written once. What differs between dense Lloyd, the bounded
variants and sparse Lloyd (and any future backend) is the *step*, made by
the data object (``data.lloyd_step(...)``, see ``_data.py``). A step holds
the run's ``centers`` (moved in place), ``labels``, ``sample_weight`` and
the clusters' float64 ``sums`` and ``weights``, and offers two calls:

``assign_and_sum() -> (inertia, n_changed, distance_evaluations, any_empty)``
    Label every point with its nearest current center and sum each
    cluster's weighted points and weights, in an order fixed by the rows
    (so the sums never depend on the thread or worker count).
``move_centers() -> shift``
    Centers to their clusters' means (centers without weight stay); the
    total squared shift in float64.

Between the two the loop re-seeds empty clusters (:func:`relocate_empty_clusters`,
through the data object's methods). The loop follows scikit-learn's, so that
from the same initial centers both give the same labels, centers and
iteration count: stop when no label changes or when the total squared
center shift is at most ``tol``; after any other stop assign once more so
that the labels match the final centers.

:func:`run_lloyd_in_c` is the same loop for plain dense Lloyd, run whole in
the C core when nobody listens between iterations: it saves the Python
between iterations (about 10 microseconds each), which is most of the time
of a small problem.
"""
from time import perf_counter

import numpy as np

from ._lloyd import lloyd_run
from ._result import FitHistory, KMeansResult, frozen_array, run_result


def relocate_empty_clusters(data, step, n_threads: int) -> int:
    """Give each empty cluster one of the points farthest from their centers.

    As scikit-learn: the farthest points (squared distance to the center they
    are labelled with) move, farthest first (the lowest index first among
    equally far points), into the empty clusters;
    ``step.sums`` and ``step.weights`` are adjusted in place, labels are
    not. Points of weight zero never move. Memory is O(n_samples) and one
    dense row per empty cluster. Returns the number of clusters re-seeded.
    """
    sums, weights, sample_weight = step.sums, step.weights, step.sample_weight
    empty = np.flatnonzero(weights == 0)
    sq_dist = data.label_sq_distances(step.centers, step.labels, n_threads)
    sq_dist[sample_weight == 0] = -1.0
    n_moves = empty.size  # validation guarantees >= n_clusters weighted points
    far = np.argpartition(sq_dist, -n_moves)[-n_moves:]
    # every point as far as the nearest one picked (argpartition breaks ties
    # as it likes), then farthest first and the lowest index on ties: the
    # order the C API's fk_fit uses too
    far = np.flatnonzero(sq_dist >= sq_dist[far].min())
    far = far[np.lexsort((far, -sq_dist[far]))][:n_moves]
    rows = data.dense_rows(far, np.float64)
    for cluster, index, row in zip(empty, far, rows, strict=True):
        old_cluster = step.labels[index]
        weighted_row = sample_weight[index] * row
        sums[old_cluster] -= weighted_row
        weights[old_cluster] -= sample_weight[index]
        sums[cluster] = weighted_row
        weights[cluster] = sample_weight[index]
    return empty.size


def run_lloyd(data, step, max_iter: int, tol: float, n_threads: int,
              on_iteration=None, final_pass: bool = True) -> KMeansResult:
    """One Lloyd run of ``step`` from its centers (a private array, updated in place).

    Parameters
    ----------
    data : DenseData or CSRData
        Validated data (``_data.py``).
    step : step
        Made by ``data.lloyd_step(sample_weight, centers, algorithm,
        n_threads)``: dense Lloyd, a bounded variant or sparse Lloyd (all
        give Lloyd's result).
    max_iter : int
        Most iterations.
    tol : float
        Absolute bound on the total squared center shift.
    n_threads : int
        OpenMP threads.
    on_iteration : callable, optional
        ``on_iteration(history)`` after each iteration, once its
        ``(inertia, center_shift, seconds, distance_evaluations)`` record is
        the last of ``history``; a true return value ends the run there (not counted as
        converged unless the iteration also met the stopping rule).
    final_pass : bool, default=True
        Label the rows with the final centers and compute their exact
        inertia. ``False`` skips that pass, for a caller that labels other
        rows with the centers (sampled training labels all of X): the
        result's labels and inertia are then those of the last iteration's
        assignment, made before its centers moved.

    Returns
    -------
    KMeansResult
        The run's centers, labels (of the final centers), exact inertia,
        iterations, convergence and per-iteration history.
    """
    centers, sample_weight = step.centers, step.sample_weight
    history = []
    converged = labels_current = False
    for _ in range(max_iter):
        started = perf_counter()
        inertia, n_changed, distance_evaluations, any_empty = step.assign_and_sum()
        n_relocated = relocate_empty_clusters(data, step, n_threads) if any_empty else 0
        shift = step.move_centers()
        history.append((inertia, shift, perf_counter() - started, distance_evaluations))
        # no label changed: the centers did not move, unless a cluster was re-seeded
        labels_current = n_changed == 0 and n_relocated == 0
        converged = n_changed == 0 or shift <= tol
        # the hook hears of every iteration, the last one too
        stopped = on_iteration is not None and bool(on_iteration(history))
        if converged or stopped:
            break
    labels = step.labels
    if not final_pass:
        return run_result(centers, labels, history[-1][0], len(history), converged, history)
    if not labels_current:
        data.assign(centers, labels, n_threads)
    return run_result(centers, labels, data.inertia(centers, labels, sample_weight, n_threads),
                      len(history), converged, history)


def run_lloyd_in_c(data, sample_weight, centers, max_iter: int, tol: float,
                   n_threads: int) -> KMeansResult:
    """:func:`run_lloyd` of dense Lloyd's step, the whole loop in C
    (``core/api_impl.h``'s ``fk_lloyd_run``, the C API's run): the same
    kernels, blocks, stopping rule and empty-cluster relocation, so the
    same result bit for bit, history included (its seconds are the C
    loop's).

    Parameters
    ----------
    data : DenseData
        Validated dense data (float32 or float64, not float16).
    sample_weight : ndarray of shape (n_samples,), float64
    centers : ndarray of shape (n_clusters, n_features)
        The initial centers (a private array of the data's dtype), moved
        to the final ones in place.
    max_iter, tol, n_threads
        As :func:`run_lloyd`.
    """
    labels, inertia, n_iter, converged, history = lloyd_run(
        data.array, sample_weight, centers, max_iter, tol, n_threads)
    inertias, shifts, seconds = np.ascontiguousarray(history.T)
    evaluations = np.full(n_iter, data.shape[0] * centers.shape[0], dtype=np.int64)
    return KMeansResult(
        centers=frozen_array(centers), labels=frozen_array(labels), inertia=float(inertia),
        n_iter=n_iter, converged=converged,
        history=FitHistory(inertia=inertias, center_shift=shifts, seconds=seconds,
                           distance_evaluations=evaluations))
