"""Silhouette score and per-sample silhouette values, exact and in bounded memory.

The silhouette of a point ``i`` in cluster ``A`` is ``(b - a) / max(a, b)``
with ``a`` the mean Euclidean distance from ``i`` to the other points of
``A`` and ``b`` the smallest mean distance from ``i`` to the points of
another cluster (0 for a point alone in its cluster), as in scikit-learn.
The distances come from direct differences in float64, chunk by chunk
(``_silhouette.pyx``): memory is a float64 copy of ``X`` plus at most
``max(n_samples x n_features, 8 Mi)`` float64 sums, never O(n_samples ** 2).
"""
from numbers import Integral

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._dask import is_dask_array
from ._silhouette import TILE, silhouette_pairs, silhouette_sorted
from ._threads import resolve_n_threads
from ._validation import check_data, check_magnitude, check_random_state, check_sample_weight

#: Up to this many clusters the silhouette may compute each distance once,
#: keeping n_samples x n_clusters float64 sums; above, it recomputes them per
#: row chunk.
_MOST_CLUSTERS_FOR_PAIRS = 64
#: ... and only while those sums take no more than the packed copy of X or
#: this many float64 values (64 MiB), whichever is larger.
_PAIRS_SUMS_BUDGET = 8 * 2**20


def _use_pairs_kernel(n_samples: int, n_features: int, n_labels: int) -> bool:
    """Whether the n_samples x n_labels sums of the pairs kernel fit the budget."""
    if n_labels > _MOST_CLUSTERS_FOR_PAIRS:
        return False
    return n_samples * n_labels <= max(n_samples * n_features, _PAIRS_SUMS_BUDGET)


def _check_points(X, n_threads: int):
    """``X`` validated as for :func:`fit` (a ``DenseData`` or ``CSRData``);
    squared distances must be finite in float64."""
    X, max_abs = check_data(X, n_threads)
    check_magnitude(max_abs, X.shape[1], np.float64, 1.0)
    return X


def _encode_labels(labels, n_samples: int) -> tuple:
    """The sorted distinct labels and every sample's code ``0..n_labels-1`` in them.

    Any labels ``numpy.unique`` can sort are accepted: integers of any
    dtype and any values (non-contiguous, negative), strings, booleans.
    """
    array = np.asarray(labels)
    if array.ndim != 1:
        raise ValueError(
            f"labels must be a 1-D array of shape (n_samples,), got shape {array.shape}")
    if array.shape[0] != n_samples:
        raise ValueError(
            f"labels has {array.shape[0]} entries but X has {n_samples} samples")
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise ValueError("labels contains NaN or infinity")
    if array.dtype.kind not in "biufUSO":
        raise TypeError(f"labels has dtype {array.dtype}: expected integers or strings")
    try:
        names, codes = np.unique(array, return_inverse=True)
    except TypeError as exc:
        raise TypeError(f"labels could not be sorted into clusters: {exc}") from None
    return names, codes.reshape(-1).astype(np.int64, copy=False)


def _silhouette_codes(labels, n_samples: int) -> tuple:
    """:func:`_encode_labels`, for 2 to n_samples - 1 distinct labels."""
    names, codes = _encode_labels(labels, n_samples)
    if not 2 <= names.size <= n_samples - 1:
        raise ValueError(
            f"labels hold {names.size} distinct clusters for {n_samples} samples: the "
            "silhouette needs 2 to n_samples - 1 clusters (inclusive)")
    return names, codes


def _rows(data, indices: np.ndarray) -> np.ndarray:
    """Rows ``indices`` of validated data (``DenseData`` or ``CSRData``), float64."""
    return data.dense_rows(indices, np.float64)


def _packed_by_cluster(X: np.ndarray, codes: np.ndarray, n_labels: int) -> tuple:
    """The points sorted by cluster, as the kernels read them (float64).

    Returns the points in tiles of ``TILE``, a point's features in a column,
    ``(n_tiles, n_features, TILE)``, zero-padded; the end of each cluster's
    run of points; and the sorting permutation.
    """
    n_samples, n_features = X.shape
    order = np.argsort(codes, kind="stable")
    n_tiles = -(-n_samples // TILE)
    packed = np.zeros((n_tiles, n_features, TILE))
    # gathered a tile at a time: no temporary copy of X
    for tile in range(n_tiles):
        indices = order[tile * TILE:(tile + 1) * TILE]
        packed[tile, :, :indices.size] = _rows(X, indices).T
    cluster_end = np.cumsum(np.bincount(codes, minlength=n_labels)).astype(np.int64)
    return packed, cluster_end, order


def silhouette_samples(X: ArrayLike, labels: ArrayLike, *,
                       n_threads: int | None = None) -> NDArray[np.float64]:
    """Silhouette value of every sample.

    Parameters
    ----------
    X : array-like, SciPy sparse matrix or Dask array of shape (n_samples, n_features)
        Data (float32 or float64; distances are always computed in float64).
        Sparse rows are made dense a tile of 256 at a time.
    labels : array-like of shape (n_samples,)
        Cluster of every sample: integers of any dtype and values
        (e.g. ``fit(...).labels``), or strings. Between 2 and
        ``n_samples - 1`` distinct values.
    n_threads : int, optional
        OpenMP threads; ``None`` for all available. The values do not
        depend on it.

    Returns
    -------
    ndarray of shape (n_samples,), float64
        ``(b - a) / max(a, b)`` per sample, in ``[-1, 1]``; 0 for a sample
        alone in its cluster.

    Raises
    ------
    ValueError
        For fewer than 2 or more than ``n_samples - 1`` distinct labels,
        or ``labels`` of the wrong length; also for invalid ``X``.

    Notes
    -----
    Exact: distances from direct differences, summed per cluster, so the
    values equal scikit-learn's ``silhouette_samples`` to rounding (about
    1e-13 relative in float64). Time O(n_samples ** 2 * n_features).
    Memory above ``X``: a float64 copy of ``X`` (``8 * n_samples *
    n_features`` bytes, sorted by cluster) and, when each distance is
    computed once, ``n_samples x n_clusters`` float64 sums. Those sums are
    used only for at most 64 clusters and while they take no more than
    ``max(8 * n_samples * n_features bytes, 64 MiB)``; otherwise chunks of
    64 rows are compared with all points (twice the distance work, a few
    kB per thread).

    Examples
    --------
    >>> import numpy as np, fastkmeans
    >>> X = np.array([[0.], [1.], [10.], [11.]])
    >>> fastkmeans.silhouette_samples(X, [0, 0, 1, 1]).round(3).tolist()
    [0.905, 0.895, 0.895, 0.905]
    """
    return labelled_silhouette(X, labels, n_threads)[0]


def labelled_silhouette(X, labels, n_threads: int | None) -> tuple:
    """:func:`silhouette_samples`, with the distinct labels and each sample's code."""
    n_threads = resolve_n_threads(n_threads)
    X = _check_points(X, n_threads)
    names, codes = _silhouette_codes(labels, X.shape[0])
    return _silhouette_values(X, codes, names.size, n_threads), names, codes


def _silhouette_values(X, codes: np.ndarray, n_labels: int,
                       n_threads: int) -> np.ndarray:
    packed, cluster_end, order = _packed_by_cluster(X, codes, n_labels)
    values_sorted = np.empty(X.shape[0])
    # Few clusters and sums in budget: every distance once. Otherwise chunks
    # of rows against all points, twice the distance work.
    kernel = (silhouette_pairs if _use_pairs_kernel(*X.shape, n_labels)
              else silhouette_sorted)
    kernel(packed, cluster_end, codes[order], values_sorted, n_threads)
    values = np.empty_like(values_sorted)
    values[order] = values_sorted
    return values


def silhouette_score(X: ArrayLike, labels: ArrayLike, *, sample_size: int | None = None,
                     random_state: int | np.random.Generator | np.random.RandomState | None = None,
                     n_threads: int | None = None) -> float:
    """Mean silhouette value of all samples (or of a random subset).

    Parameters
    ----------
    X : array-like, SciPy sparse matrix or Dask array of shape (n_samples, n_features)
        Data (see :func:`silhouette_samples`).
    labels : array-like of shape (n_samples,)
        Cluster of every sample (see :func:`silhouette_samples`).
    sample_size : int, optional
        Score a random subset of this many samples, drawn without
        replacement as ``rng.permutation(n_samples)[:sample_size]``; the
        silhouette is then computed within the subset (as scikit-learn).
        ``None``: all samples, exactly (refused for a Dask array ``X``, whose
        rows would all have to be brought into memory).
    random_state : None, int, numpy.random.Generator or RandomState
        Source of the subset (``rng`` above); ignored without ``sample_size``.
    n_threads : int, optional
        OpenMP threads; ``None`` for all available.

    Returns
    -------
    float
        The mean silhouette value, in ``[-1, 1]``: near 1 for compact,
        well-separated clusters, near 0 for overlapping ones.

    Raises
    ------
    ValueError
        As :func:`silhouette_samples`, checked on the subset; and for a
        ``sample_size`` outside ``[1, n_samples]``.
    TypeError
        For a ``sample_size`` that is not an integer.

    Examples
    --------
    >>> import numpy as np, fastkmeans
    >>> X = np.array([[0.], [1.], [10.], [11.]])
    >>> round(fastkmeans.silhouette_score(X, [0, 0, 1, 1]), 4)
    0.8997
    """
    n_threads = resolve_n_threads(n_threads)
    if sample_size is None and is_dask_array(X):
        # the exact score packs every row in memory: n x d here, never for Dask
        raise ValueError("silhouette_score of a Dask array X needs sample_size (the "
                         "sampled rows are brought into memory; all of X never is)")
    X = _check_points(X, n_threads)
    n_samples = X.shape[0]
    names, codes = _silhouette_codes(labels, n_samples)
    if sample_size is not None:
        if isinstance(sample_size, bool) or not isinstance(sample_size, Integral):
            raise TypeError(f"sample_size must be None or an integer, got {sample_size!r} "
                            f"of type {type(sample_size).__name__}")
        if not 1 <= sample_size <= n_samples:
            raise ValueError(f"sample_size must be between 1 and n_samples={n_samples}, "
                             f"got {sample_size}")
        indices = check_random_state(random_state).permutation(n_samples)[:sample_size]
        X = X.take_rows(indices)
        names, codes = _silhouette_codes(codes[indices], int(sample_size))
    return float(np.mean(_silhouette_values(X, codes, names.size, n_threads)))


def cluster_geometry(X, codes: np.ndarray, n_labels: int, sample_weight: np.ndarray,
                     n_threads: int) -> tuple:
    """What Calinski–Harabasz and Davies–Bouldin read, in two passes over ``X``.

    ``X`` is validated data (``_data.py``), ``codes`` int32 in
    ``[0, n_labels)``. Returns the clusters' weighted means (float64, from
    the labels, not from a fit's centers), their weights, every cluster's
    weighted sum of squared distances to its mean and weighted sum of
    Euclidean distances to it. Memory above ``X``: O(n_samples + n_labels
    * n_features).
    """
    sums, weights = X.label_sums(codes, sample_weight, n_labels, n_threads)
    means = sums / np.where(weights > 0, weights, 1.0)[:, None]
    sq_dist = X.label_sq_distances(means.astype(X.dtype, copy=False), codes, n_threads)
    within_sq = np.bincount(codes, weights=sample_weight * sq_dist, minlength=n_labels)
    within = np.bincount(codes, weights=sample_weight * np.sqrt(sq_dist), minlength=n_labels)
    return means, weights, within_sq, within


def calinski_harabasz_from(means, weights, within_sq) -> float:
    """Calinski–Harabasz of clusters described by :func:`cluster_geometry`."""
    present = weights > 0
    means, weights, within_sq = means[present], weights[present], within_sq[present]
    n_labels, total = means.shape[0], float(weights.sum())
    center = weights @ means / total
    between = float(weights @ ((means - center) ** 2).sum(axis=1))
    within = float(within_sq.sum())
    if within == 0.0:
        return 1.0  # as scikit-learn
    return between * (total - n_labels) / (within * (n_labels - 1.0))


def davies_bouldin_from(means, weights, within) -> float:
    """Davies–Bouldin of clusters described by :func:`cluster_geometry`."""
    present = weights > 0
    means = means[present]
    spread = within[present] / weights[present]
    # k x k center distances: k is small, never n x k
    center_sq = ((means[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)
    center_distances = np.sqrt(center_sq)
    if np.allclose(spread, 0) or np.allclose(center_distances, 0):
        return 0.0  # as scikit-learn
    center_distances[center_distances == 0] = np.inf
    ratios = (spread[:, None] + spread[None, :]) / center_distances
    return float(np.mean(np.max(ratios, axis=1)))


def _scored_clusters(X, labels, sample_weight, n_threads):
    """Validated data, the labels' codes and weights, and :func:`cluster_geometry`."""
    n_threads = resolve_n_threads(n_threads)
    X = _check_points(X, n_threads)
    names, codes = _silhouette_codes(labels, X.shape[0])
    sample_weight = check_sample_weight(sample_weight, X.shape[0], 1, n_threads)
    return cluster_geometry(X, codes.astype(np.int32), names.size, sample_weight, n_threads)


def calinski_harabasz_score(X: ArrayLike, labels: ArrayLike, *,
                            sample_weight: ArrayLike | None = None,
                            n_threads: int | None = None) -> float:
    """Calinski–Harabasz score: between-cluster over within-cluster dispersion.

    Parameters
    ----------
    X : array-like, SciPy sparse matrix or Dask array of shape (n_samples, n_features)
        Data (float32 or float64; the sums are taken in float64).
    labels : array-like of shape (n_samples,)
        Cluster of every sample (see :func:`silhouette_samples`), 2 to
        ``n_samples - 1`` distinct values.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights: a sample of weight 2 counts as two copies
        of it (means, dispersions and the sample count are weighted).
        ``None``: all ones, scikit-learn's score.
    n_threads : int, optional
        OpenMP threads; ``None`` for all available.

    Returns
    -------
    float
        ``B / (k - 1) / (W / (n - k))`` with ``B`` the weighted squared
        distances of the cluster means to the overall mean, ``W`` the
        squared distances of the samples to their cluster's mean, ``k``
        clusters, ``n`` samples (their total weight); 1 when ``W = 0``.
        Larger is better.

    Notes
    -----
    Equal to ``sklearn.metrics.calinski_harabasz_score`` (about 1e-13
    relative in float64). Two passes over ``X`` (cluster sums, then
    distances to the means); memory above ``X`` is O(n_samples +
    n_clusters * n_features), never n_samples x n_clusters.

    Examples
    --------
    >>> import numpy as np, fastkmeans
    >>> X = np.array([[0.], [1.], [10.], [11.]])
    >>> fastkmeans.calinski_harabasz_score(X, [0, 0, 1, 1])
    200.0
    """
    return calinski_harabasz_from(*_scored_clusters(X, labels, sample_weight, n_threads)[:3])


def davies_bouldin_score(X: ArrayLike, labels: ArrayLike, *,
                         sample_weight: ArrayLike | None = None,
                         n_threads: int | None = None) -> float:
    """Davies–Bouldin score: how much clusters overlap their most similar neighbour.

    Parameters
    ----------
    X : array-like, SciPy sparse matrix or Dask array of shape (n_samples, n_features)
        Data (float32 or float64; the sums are taken in float64).
    labels : array-like of shape (n_samples,)
        Cluster of every sample, 2 to ``n_samples - 1`` distinct values.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights: a sample of weight 2 counts as two copies of
        it (the cluster means and mean distances are weighted). ``None``:
        scikit-learn's score.
    n_threads : int, optional
        OpenMP threads; ``None`` for all available.

    Returns
    -------
    float
        The mean over clusters ``i`` of ``max_j (s_i + s_j) / d(c_i, c_j)``,
        with ``s_i`` the mean Euclidean distance of cluster ``i``'s samples
        to its mean ``c_i``; 0 when all ``s_i`` or all center distances
        are 0. Smaller is better.

    Notes
    -----
    Equal to ``sklearn.metrics.davies_bouldin_score`` (about 1e-13
    relative in float64). Two passes over ``X``; memory above ``X`` is
    O(n_samples + n_clusters * (n_features + n_clusters)).

    Examples
    --------
    >>> import numpy as np, fastkmeans
    >>> X = np.array([[0.], [1.], [10.], [11.]])
    >>> fastkmeans.davies_bouldin_score(X, [0, 0, 1, 1])
    0.1
    """
    means, weights, _, within = _scored_clusters(X, labels, sample_weight, n_threads)
    return davies_bouldin_from(means, weights, within)
