"""Euclidean distances of points to all centers (what ``KMeans.transform`` returns)."""
import numpy as np

from . import _sparse_transform
from ._distances import distances_to_centers
from ._sparse_input import is_scipy_sparse
from ._threads import resolve_n_threads
from ._validation import check_points_and_centers


def center_distances(X, centers, *, n_threads=None) -> np.ndarray:
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
    if is_scipy_sparse(X):
        return _sparse_transform.center_distances(X, centers, n_threads=n_threads)
    n_threads = resolve_n_threads(n_threads)
    X, centers = check_points_and_centers(X, centers, n_threads)
    out = np.empty((X.shape[0], centers.shape[0]), dtype=X.dtype)
    distances_to_centers(X, centers, out, n_threads)
    return out
