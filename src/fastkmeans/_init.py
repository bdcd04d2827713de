"""Initial centers: greedy k-means++, random samples, arrays and callables."""
import math

import numpy as np

from ._kmeanspp import candidate_potentials, row_sq_distances, update_closest
from ._threads import resolve_n_threads
from ._validation import (
    check_centers, check_data, check_magnitude, check_n_clusters,
    check_positive_int, check_random_state, check_sample_weight, is_csr_data,
)


def _draw(cumulative: np.ndarray, rng: np.random.Generator, size: int) -> np.ndarray:
    """Indices drawn with probability proportional to the increments of ``cumulative``.

    ``side="right"`` never returns a point whose increment is zero (already a
    center, or weight zero) as long as the draw is below the total.
    """
    total = cumulative[-1]
    ids = np.searchsorted(cumulative, rng.uniform(size=size) * total, side="right")
    overflow = ids >= cumulative.shape[0]
    if overflow.any():  # a draw rounded up to the total: take the last point with mass
        ids[overflow] = np.searchsorted(cumulative, total, side="left")
    return ids


def draw_candidates(weighted_sq, rng, n_local_trials, probabilities):
    """The next k-means++ candidates, drawn with probability ``weighted_sq`` (summed in place).

    Where every weighted point coincides with a chosen center (no mass left),
    the draw falls back to ``probabilities``.
    """
    cumulative = np.cumsum(weighted_sq, out=weighted_sq)
    if cumulative[-1] > 0:
        return _draw(cumulative, rng, n_local_trials)
    return rng.choice(cumulative.shape[0], size=n_local_trials, p=probabilities)


def _kmeans_plusplus(X, n_clusters, sample_weight, rng, n_threads, n_local_trials=None):
    """Greedy k-means++ on validated input, dense or CSR (see :func:`kmeans_plusplus`)."""
    if is_csr_data(X):
        from ._sparse_fit import kmeans_plusplus as sparse_kmeans_plusplus  # noqa: PLC0415 (imports this module)
        return sparse_kmeans_plusplus(X, n_clusters, sample_weight, rng, n_threads,
                                      n_local_trials)
    return _dense_kmeans_plusplus(X, n_clusters, sample_weight, rng, n_threads,
                                  n_local_trials)


def _dense_kmeans_plusplus(X, n_clusters, sample_weight, rng, n_threads,
                           n_local_trials=None):
    """Greedy k-means++ on a validated ndarray."""
    n_samples, n_features = X.shape
    if n_local_trials is None:
        n_local_trials = 2 + int(math.log(n_clusters))
    probabilities = sample_weight / sample_weight.sum()
    centers = np.empty((n_clusters, n_features), dtype=X.dtype)
    indices = np.empty(n_clusters, dtype=np.intp)

    closest_sq = np.full(n_samples, np.inf)
    # w * closest_sq, rewritten by every update_closest, then summed in place
    cumulative = np.empty(n_samples)
    potentials = np.empty(n_local_trials)
    # candidates are scored with |x - c|^2 expanded around the data's mean
    offset = X.mean(axis=0, dtype=np.float64).astype(X.dtype)
    x_sq = np.empty(n_samples)
    row_sq_distances(X, offset, x_sq, n_threads)

    indices[0] = rng.choice(n_samples, p=probabilities)
    centers[0] = X[indices[0]]
    update_closest(X, sample_weight, centers[0], closest_sq, cumulative, n_threads)
    for c in range(1, n_clusters):
        candidates = draw_candidates(cumulative, rng, n_local_trials, probabilities)
        candidate_potentials(X, sample_weight, x_sq, closest_sq, X[candidates], offset,
                             potentials, n_threads)
        indices[c] = candidates[np.argmin(potentials)]
        centers[c] = X[indices[c]]
        update_closest(X, sample_weight, centers[c], closest_sq, cumulative, n_threads)
    return centers, indices


def _random_samples(X, n_clusters, sample_weight, rng):
    """``n_clusters`` distinct samples (dense rows) drawn with probability
    proportional to weight."""
    indices = rng.choice(X.shape[0], size=n_clusters, replace=False,
                         p=sample_weight / sample_weight.sum())
    return X.dense_rows(indices) if is_csr_data(X) else X[indices]


def initial_centers(init, X, n_clusters, sample_weight, rng, n_threads):
    """Centers to start one Lloyd run from, as a private C-ordered array.

    Parameters
    ----------
    init : {'k-means++', 'random'}, ndarray or callable
        Validated ``init`` (see :func:`fastkmeans.fit`).
    X : ndarray or CSRData of shape (n_samples, n_features)
        Validated data, dense or sparse.
    n_clusters : int
        Number of centers.
    sample_weight : ndarray of shape (n_samples,), float64
        Validated weights.
    rng : numpy.random.Generator
        Source of randomness.
    n_threads : int
        OpenMP threads.

    Returns
    -------
    ndarray of shape (n_clusters, n_features), dtype of X
    """
    if isinstance(init, str):
        if init == "k-means++":
            return _kmeans_plusplus(X, n_clusters, sample_weight, rng, n_threads)[0]
        return _random_samples(X, n_clusters, sample_weight, rng)
    if callable(init):
        # a callable gets what users pass: a read-only SciPy CSR for sparse data
        centers = init(X.to_scipy() if is_csr_data(X) else X, n_clusters, rng)
        return check_centers(centers, X.shape[1], X.dtype, n_threads,
                             n_clusters=n_clusters, name="the centers returned by init")
    return init.copy()


def kmeans_plusplus(X, n_clusters, *, sample_weight=None, random_state=None,
                    n_local_trials=None, n_threads=None):
    """Choose initial centers with greedy k-means++.

    Each new center is the best of ``n_local_trials`` candidates drawn with
    probability proportional to ``sample_weight * D(x)^2`` (``D`` the
    distance to the closest center chosen so far): the candidate that lowers
    the potential ``sum(w * D^2)`` most. Candidate distances are computed by
    parallel kernels in one pass over ``X``, with O(n_samples) extra memory.

    Parameters
    ----------
    X : array-like or SciPy sparse matrix of shape (n_samples, n_features)
        Data (sparse: CSR, other formats converted).
    n_clusters : int
        Number of centers to choose, ``1 <= n_clusters <= n_samples``.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights; ``None`` for all ones.
    random_state : None, int, numpy.random.Generator or RandomState
        Source of randomness; an int makes the result reproducible.
    n_local_trials : int, optional
        Candidates per center; default ``2 + floor(ln(n_clusters))``.
    n_threads : int, optional
        OpenMP threads; ``None`` for all available.

    Returns
    -------
    centers : ndarray of shape (n_clusters, n_features)
        Chosen centers, rows of ``X`` (dtype of ``X``: float32 or float64).
    indices : ndarray of shape (n_clusters,)
        Row of ``X`` each center was taken from.
    """
    n_threads = resolve_n_threads(n_threads)
    X, max_abs = check_data(X, n_threads)
    n_clusters = check_n_clusters(n_clusters, X.shape[0])
    sample_weight = check_sample_weight(sample_weight, X.shape[0], n_clusters, n_threads)
    check_magnitude(max_abs, X.shape[1], X.dtype, float(sample_weight.sum()))
    if n_local_trials is not None:
        n_local_trials = check_positive_int(n_local_trials, "n_local_trials")
    rng = check_random_state(random_state)
    return _kmeans_plusplus(X, n_clusters, sample_weight, rng, n_threads, n_local_trials)
