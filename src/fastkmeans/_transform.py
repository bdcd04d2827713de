"""Euclidean distances of points to all centers (what ``KMeans.transform`` returns)."""
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._threads import resolve_n_threads
from ._validation import check_points_and_centers


def center_distances(X: ArrayLike, centers: ArrayLike, *,
                     n_threads: int | None = None) -> NDArray[np.floating[Any]]:
    """Euclidean distance of every sample to every center.

    Parameters
    ----------
    X : array-like or SciPy sparse matrix of shape (n_samples, n_features)
        Data (validated as in :func:`fastkmeans.fit`; sparse CSR accepted).
    centers : array-like of shape (n_clusters, n_features)
        Centers; cast to the dtype of ``X``.
    n_threads : int, optional
        OpenMP threads; ``None`` for all available.

    Returns
    -------
    ndarray of shape (n_samples, n_clusters), dtype of X
        ``sqrt(sum((X[i] - centers[j]) ** 2))``, each squared distance summed
        directly from the differences (no norm expansion, so small distances
        keep their precision). Besides the output, memory is
        ``max(4096, 8 * n_clusters)`` float64 values per thread.

    Examples
    --------
    >>> import numpy as np
    >>> from fastkmeans import center_distances
    >>> center_distances(np.array([[0.0, 0.0], [3.0, 4.0]]), np.array([[0.0, 0.0]]))
    array([[0.],
           [5.]])
    """
    n_threads = resolve_n_threads(n_threads)
    data, centers = check_points_and_centers(X, centers, n_threads)
    return data.center_distances(centers, n_threads)
