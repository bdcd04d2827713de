"""Initial centers: greedy k-means++, k-means||, random samples, arrays and callables."""
import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._data import DenseData, read_only
from ._run import run_lloyd
from ._threads import resolve_n_threads
from ._validation import (
    check_centers,
    check_data,
    check_magnitude,
    check_n_clusters,
    check_positive_int,
    check_random_state,
    check_sample_weight,
)

# k-means||: sampling rounds (about 2 * n_clusters candidates each; Bahmani et
# al. find 5 rounds enough for l = 2k) and the most Lloyd iterations on the candidates.
KMEANS_PARALLEL_ROUNDS = 5
KMEANS_PARALLEL_MAX_ITER = 300
# k-means||: weighted k-means++ + Lloyd runs on the (small, in-memory) candidates,
# the one of lowest weighted inertia kept: cheap next to a pass over X.
KMEANS_PARALLEL_TRIALS = 10


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


def kmeans_plusplus_indices(data, n_clusters, sample_weight, rng, n_threads,
                            n_local_trials=None):
    """Greedy k-means++ on validated data, dense or CSR: ``(centers, indices)``.

    The one driver for every layout: the draws from ``rng`` happen here, in
    one order, so dense and sparse data choose the same rows; the data
    object's seeding kernels (``data.seeding``) score the candidates and
    keep every point's distance to its closest chosen center.
    """
    n_samples, n_features = data.shape
    if n_local_trials is None:
        n_local_trials = 2 + int(math.log(n_clusters))
    probabilities = sample_weight / sample_weight.sum()
    centers = np.empty((n_clusters, n_features), dtype=data.dtype)
    indices = np.empty(n_clusters, dtype=np.intp)
    closest_sq = np.full(n_samples, np.inf)
    # w * closest_sq, rewritten by every update_closest, then summed in place
    cumulative = np.empty(n_samples)
    potentials = np.empty(n_local_trials)
    seeding = data.seeding(sample_weight, n_local_trials, n_threads)

    def choose(c, index):
        indices[c] = index
        centers[c] = data.dense_rows([index])[0]
        seeding.update_closest(centers[c], closest_sq, cumulative)

    first = rng.choice(n_samples, p=probabilities)
    greedy_steps = getattr(seeding, "greedy_steps", None)
    if greedy_steps is not None:  # dense rows: the steps below in C, on exact distances
        indices[0] = first
        n_chosen = greedy_steps(n_local_trials, rng, centers, indices, closest_sq, cumulative)
    else:
        choose(0, first)
        n_chosen = 1
    for c in range(n_chosen, n_clusters):
        candidates = draw_candidates(cumulative, rng, n_local_trials, probabilities)
        seeding.potentials(data.dense_rows(candidates), closest_sq, potentials)
        choose(c, candidates[np.argmin(potentials)])
    return centers, indices


def kmeans_parallel(data, n_clusters, sample_weight, rng, n_threads,
                    n_rounds: int | None = None, n_trials: int | None = None):
    """k-means|| (Bahmani et al. 2012, Algorithm 2) with oversampling 2 * n_clusters.

    One row drawn by weight starts the candidates; each of ``n_rounds``
    rounds updates every point's distance to its closest candidate (one pass
    over X) and keeps each point with probability ``min(1, l * w * D^2 /
    phi)`` (a second pass; ``phi = sum(w * D^2)``, ``l = 2 * n_clusters``),
    about ``l`` new candidates a round. Each candidate is then weighted by
    the total weight of the points nearest to it (a last pass, our
    assignment kernel), and the candidates, in memory, are reduced to
    ``n_clusters`` centers by weighted greedy k-means++ and a weighted Lloyd
    run to convergence, as Spark MLlib does (steps 7-8 of the paper), repeated
    ``n_trials`` times (default ``KMEANS_PARALLEL_TRIALS`` = 10) keeping the
    run of lowest weighted inertia on the candidates: a single run missed the
    in-memory k-means++ inertia by about 1% on blobs (docs/scaling.md).

    The passes are the data object's (``data.oversampling``); each block
    draws from its own generator seeded from ``rng``, so the centers depend
    on ``rng`` and on X's chunking, never on the number of workers or threads.
    """
    n_rounds = KMEANS_PARALLEL_ROUNDS if n_rounds is None else n_rounds
    n_trials = KMEANS_PARALLEL_TRIALS if n_trials is None else n_trials
    n_samples = data.shape[0]
    oversampling_factor = 2 * n_clusters
    passes = data.oversampling(sample_weight, n_threads)
    first = rng.choice(n_samples, p=sample_weight / sample_weight.sum())
    candidates = new = data.dense_rows([first])
    for _ in range(n_rounds):
        potential = passes.update(new)
        if potential == 0:  # every weighted point is a candidate already
            break
        seed = int(rng.integers(2**63))
        new = passes.sample(oversampling_factor / potential, seed)
        candidates = np.concatenate([candidates, new])
    if candidates.shape[0] < n_clusters:  # fewer distinct points than clusters
        extra = _random_samples(data, n_clusters, sample_weight, rng)
        candidates = np.concatenate([candidates, extra])
    weights = passes.count(candidates)
    # every candidate keeps a little weight, so that k-means++ can pick n_clusters
    # of them even where fewer than n_clusters are nearest to some point
    weights = np.maximum(weights, np.finfo(np.float64).tiny)
    return reduce_candidates(candidates, weights, n_clusters, rng, n_threads,
                             n_trials).centers.copy()


def reduce_candidates(candidates, weights, n_clusters, rng, n_threads,
                      n_trials: int = KMEANS_PARALLEL_TRIALS):
    """The weighted candidates reduced to ``n_clusters`` centers, in memory.

    ``n_trials`` runs of weighted greedy k-means++ and a weighted Lloyd run
    to convergence, drawn one after the other from ``rng``; the run of lowest
    weighted inertia on the candidates is returned (a ``KMeansResult``).
    """
    pool = DenseData(read_only(candidates))
    best = None
    for _ in range(n_trials):
        centers, _ = kmeans_plusplus_indices(pool, n_clusters, weights, rng, n_threads)
        step = pool.lloyd_step(weights, centers, "lloyd", n_threads)
        run = run_lloyd(pool, step, KMEANS_PARALLEL_MAX_ITER, 0.0, n_threads)
        if best is None or run.inertia < best.inertia:
            best = run
    return best


def _random_samples(data, n_clusters, sample_weight, rng):
    """``n_clusters`` distinct samples (dense rows) drawn with probability
    proportional to weight."""
    indices = rng.choice(data.shape[0], size=n_clusters, replace=False,
                         p=sample_weight / sample_weight.sum())
    return data.dense_rows(indices)


def initial_centers(init, X, n_clusters, sample_weight, rng, n_threads):
    """Centers to start one Lloyd run from, as a private C-ordered array.

    Parameters
    ----------
    init : {'k-means++', 'k-means||', 'random'}, ndarray or callable
        Validated ``init`` (see :func:`fastkmeans.fit`), ``'auto'`` resolved.
    X : DenseData, CSRData or DaskData of shape (n_samples, n_features)
        Validated data (``_data.py``).
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
        if init == "k-means||":
            return kmeans_parallel(X, n_clusters, sample_weight, rng, n_threads)
        if init == "k-means++":
            return kmeans_plusplus_indices(X, n_clusters, sample_weight, rng, n_threads)[0]
        return _random_samples(X, n_clusters, sample_weight, rng)
    if callable(init):
        # a callable gets what users pass: a read-only array or SciPy CSR matrix
        centers = init(X.for_user(), n_clusters, rng)
        return check_centers(centers, X.shape[1], X.dtype, n_threads,
                             n_clusters=n_clusters, name="the centers returned by init")
    return init.copy()


def kmeans_plusplus(X: ArrayLike, n_clusters: int, *, sample_weight: ArrayLike | None = None,
                    random_state: int | np.random.Generator | np.random.RandomState | None = None,
                    n_local_trials: int | None = None, n_threads: int | None = None
                    ) -> tuple[NDArray[np.floating[Any]], NDArray[np.intp]]:
    """Choose initial centers with greedy k-means++.

    Each new center is the best of ``n_local_trials`` candidates drawn with
    probability proportional to ``sample_weight * D(x)^2`` (``D`` the
    distance to the closest center chosen so far): the candidate that lowers
    the potential ``sum(w * D^2)`` most. Candidate distances are computed by
    parallel kernels in one pass over ``X`` a step, with O(n_samples) extra
    memory, plus the candidates' distances for dense ``X`` where they take at
    most a third of its bytes and 256 MiB (without them, a second pass a step).

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

    Examples
    --------
    >>> import numpy as np, fastkmeans
    >>> X, _ = fastkmeans.datasets.blobs()
    >>> centers, indices = fastkmeans.kmeans_plusplus(X, 4, random_state=0)
    >>> centers.shape, bool(np.array_equal(centers, X[indices]))
    ((4, 2), True)
    """
    n_threads = resolve_n_threads(n_threads)
    X, max_abs = check_data(X, n_threads, float16=True)
    n_clusters = check_n_clusters(n_clusters, X.shape[0])
    sample_weight = check_sample_weight(sample_weight, X.shape[0], n_clusters, n_threads)
    check_magnitude(max_abs, X.shape[1], X.dtype, float(sample_weight.sum()))
    if n_local_trials is not None:
        n_local_trials = check_positive_int(n_local_trials, "n_local_trials")
    rng = check_random_state(random_state)
    return kmeans_plusplus_indices(X, n_clusters, sample_weight, rng, n_threads,
                                   n_local_trials)
