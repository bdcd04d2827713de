"""The gap statistic (Tibshirani, Walther and Hastie, 2001), on our kernels.

For each k the dispersion of the data's clustering, ``log(W_k / n)`` (``W_k``
the inertia, ``n`` the total weight), is compared with its expectation under
a reference distribution without clusters: points drawn uniformly in the box
aligned with the data's principal components. ``B`` reference sets are
clustered for every k; ``gap(k)`` is the mean of their ``log(W*_k / m)``
minus the data's, and ``s_k = sd_k * sqrt(1 + 1/B)`` its standard error. The
chosen k is the smallest with ``gap(k) >= gap(k + 1) - s_(k + 1)`` (the
1-standard-error rule), so k = 1 is the answer for data without clusters.

Dispersions are taken per point (divided by the number of points), so a
reference set may hold fewer points than the data: ``m = min(n_samples,
REF_SAMPLES)``. The reference fits are the main cost and are made cheap
(measured in ``benchmarks/scripts/choose_k_reference_fits.py``):

- the reference sets are generated as validated dense data: nothing is
  checked again per fit;
- each k starts from the previous k's centers plus ``k - k_prev`` points
  drawn by the k-means++ rule (D² sampling), a warm start;
- at most ``REF_MAX_ITER`` Lloyd iterations per reference fit;
- the sets are fitted in parallel, one set per thread.
"""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from ._data import DenseData, read_only
from ._fit import fit_validated
from ._result import frozen_array

#: Reference sets by default (B). On the labelled benchmark (seed 1) B = 5
#: and B = 10 give the same hit rates (recommendation 63/64, gap 55/64), and
#: B = 20 gave the gap's same 55/64; 10 is kept because s_k, which both the
#: 1-standard-error rule and the recommendation read, is itself estimated
#: from the B sets (about +-30% at B = 5, +-22% at B = 10), for ~0.1 s more
#: at 100,000 x 16 (benchmarks/scripts/choose_k_speed.py).
N_REFS = 10
#: Points per reference set, at most.
REF_SAMPLES = 2_000
#: Lloyd iterations per reference fit, at most.
REF_MAX_ITER = 20
#: Rows per chunk when reading X for its principal axes.
_CHUNK_ROWS = 4096


@dataclass(frozen=True)
class GapResult:
    """Result of :func:`fastkmeans.gap_statistic`.

    Attributes
    ----------
    k_values : tuple of int
        The numbers of clusters, increasing.
    gap : ndarray of shape (n_k,), float64
        ``mean_b log(W*_kb / m) - log(W_k / n)`` for every k.
    gap_se : ndarray of shape (n_k,), float64
        ``s_k = sd_k * sqrt(1 + 1/B)``: the standard error of the
        reference mean (``sd_k`` the standard deviation over the B sets).
    log_dispersion : ndarray of shape (n_k,), float64
        ``log(W_k / n)``: the data's.
    reference_log_dispersion : ndarray of shape (n_k,), float64
        ``mean_b log(W*_kb / m)``: the reference sets'.
    k : int
        The smallest k of ``k_values`` with ``gap(k) >= gap(k') - s_k'``
        (``k'`` the next k); the largest k when none is.
    n_refs : int
        B, the number of reference sets.
    ref_samples : int
        m, points per reference set.
    """

    k_values: tuple[int, ...]
    gap: np.ndarray
    gap_se: np.ndarray
    log_dispersion: np.ndarray
    reference_log_dispersion: np.ndarray
    k: int
    n_refs: int
    ref_samples: int

    def __repr__(self) -> str:
        return (f"GapResult(k_values={self.k_values[0]}..{self.k_values[-1]}, k={self.k}, "
                f"n_refs={self.n_refs}, ref_samples={self.ref_samples})")


def principal_box(data, sample_weight: np.ndarray) -> tuple:
    """The box of the reference distribution: ``(mean, axes, low, high)``.

    ``axes`` (d x d, columns) are the principal axes of the weighted data;
    ``low`` and ``high`` the range of the points of positive weight along
    each. Three passes over ``data`` in chunks of rows: memory is one chunk
    and a d x d matrix, never n x d.
    """
    n_samples, n_features = data.shape
    total = float(sample_weight.sum())

    def chunks():
        for start in range(0, n_samples, _CHUNK_ROWS):
            rows = np.arange(start, min(start + _CHUNK_ROWS, n_samples))
            yield data.dense_rows(rows, np.float64), sample_weight[rows]

    mean = sum(weights @ rows for rows, weights in chunks()) / total
    covariance = np.zeros((n_features, n_features))
    for rows, weights in chunks():
        rows -= mean
        covariance += (rows * weights[:, None]).T @ rows
    _, axes = np.linalg.eigh(covariance / total)
    low, high = np.full(n_features, np.inf), np.full(n_features, -np.inf)
    for rows, weights in chunks():
        projected = (rows[weights > 0] - mean) @ axes
        if projected.size:
            low = np.minimum(low, projected.min(axis=0))
            high = np.maximum(high, projected.max(axis=0))
    return mean, axes, low, high


@dataclass(frozen=True)
class _ReferenceData(DenseData):
    """A reference set: dense data whose mean feature variance (the scale of
    ``tol``) is computed once for all its fits."""

    variance: float = 0.0

    def mean_feature_variance(self) -> float:
        """``mean(var(X, axis=0))``, computed when the set was drawn."""
        return self.variance


def _reference_set(box: tuple, n_points: int, dtype, rng) -> DenseData:
    """``n_points`` drawn uniformly in the box, as validated data."""
    mean, axes, low, high = box
    uniform = rng.uniform(low, high, size=(n_points, low.size))
    points = read_only(np.ascontiguousarray(uniform @ axes.T + mean, dtype=dtype))
    return _ReferenceData(points, DenseData(points).mean_feature_variance())


def _warm_start(reference: DenseData, previous, n_clusters: int, rng,
                n_threads: int) -> np.ndarray:
    """The previous fit's centers and ``n_clusters - k_prev`` new points drawn
    with probability proportional to their squared distance to them."""
    sq_dist = reference.label_sq_distances(previous.centers, previous.labels, n_threads)
    n_new = n_clusters - previous.centers.shape[0]
    if np.count_nonzero(sq_dist) < n_new:
        return None
    chosen = rng.choice(sq_dist.size, size=n_new, replace=False, p=sq_dist / sq_dist.sum())
    return np.vstack([previous.centers, reference.dense_rows(np.sort(chosen))])


def _reference_row(box: tuple, k_values, ref_samples: int, dtype, seed: int,
                   max_iter: int, warm: bool) -> np.ndarray:
    """``log(W*_k / m)`` of the reference set drawn from ``seed``, for every k.

    One thread: the sets run side by side (``reference_log_dispersions``),
    and a fit of a few thousand points is too small to share anyway.
    """
    reference = _reference_set(box, ref_samples, dtype, np.random.default_rng(seed))
    rng = np.random.default_rng([seed, 1])
    ones = read_only(np.ones(ref_samples))
    max_abs = float(np.abs(reference.array).max())
    row = np.empty(len(k_values))
    previous = None
    for j, k in enumerate(k_values):
        init = "k-means++"
        if warm and previous is not None:
            init = _warm_start(reference, previous, k, rng, 1)
            init = "k-means++" if init is None else init
        previous = fit_validated(reference, max_abs, k, n_threads=1, init=init, n_init=1,
                                 max_iter=max_iter, random_state=rng, sample_weight=ones)
        row[j] = np.log(max(previous.inertia, np.finfo(float).tiny) / ref_samples)
    return row


def reference_log_dispersions(box: tuple, k_values, n_refs: int, ref_samples: int, dtype,
                              rng, n_threads: int, max_iter: int = REF_MAX_ITER,
                              warm: bool = True) -> np.ndarray:
    """``log(W*_k / m)`` of ``n_refs`` reference sets, shape ``(n_refs, n_k)``.

    The sets are fitted in parallel, one per thread (the kernels release
    the GIL); each set and its fits draw from their own seeds, so the
    values do not depend on ``n_threads``.
    """
    seeds = rng.integers(np.iinfo(np.int64).max, size=n_refs)

    def row(seed):
        return _reference_row(box, k_values, ref_samples, dtype, seed, max_iter, warm)

    if n_threads == 1 or n_refs == 1:
        return np.array([row(seed) for seed in seeds])
    with ThreadPoolExecutor(max_workers=min(n_threads, n_refs)) as pool:
        return np.array(list(pool.map(row, seeds)))


def one_standard_error_k(k_values, gap: np.ndarray, gap_se: np.ndarray) -> int:
    """The smallest k with ``gap(k) >= gap(next k) - s(next k)``; else the largest."""
    for j in range(len(k_values) - 1):
        if gap[j] >= gap[j + 1] - gap_se[j + 1]:
            return int(k_values[j])
    return int(k_values[-1])


def gap_from_inertias(data, k_values, inertias, sample_weight, n_refs: int, rng,
                      n_threads: int, ref_samples: int | None = None,
                      max_iter: int = REF_MAX_ITER, warm: bool = True) -> GapResult:
    """The gap statistic of fits already made (``inertias`` for ``k_values``)."""
    ref_samples = min(data.shape[0], REF_SAMPLES if ref_samples is None else ref_samples)
    box = principal_box(data, sample_weight)
    reference = reference_log_dispersions(box, k_values, n_refs, ref_samples, data.dtype,
                                          rng, n_threads, max_iter, warm)
    tiny = np.finfo(float).tiny
    log_w = np.log(np.maximum(np.asarray(inertias, dtype=np.float64), tiny)
                   / float(sample_weight.sum()))
    expected = reference.mean(axis=0)
    gap = expected - log_w
    gap_se = reference.std(axis=0) * np.sqrt(1.0 + 1.0 / n_refs)
    return GapResult(
        k_values=tuple(k_values), gap=frozen_array(gap), gap_se=frozen_array(gap_se),
        log_dispersion=frozen_array(log_w), reference_log_dispersion=frozen_array(expected),
        k=one_standard_error_k(k_values, gap, gap_se), n_refs=n_refs,
        ref_samples=ref_samples)

