"""Distances of CSR rows to every center: the ``n_samples x n_clusters`` output of ``transform``."""
import numpy as np

from . import _sparse
from ._threads import resolve_n_threads
from ._validation import check_points_and_centers, is_csr_data


def _transposed(rows: np.ndarray) -> tuple:
    """``(ct, sq)``: rows as float64 columns, and their squared norms in feature order."""
    sq = np.empty(rows.shape[0])
    _sparse.dense_sq_norms(np.ascontiguousarray(rows), sq)
    return np.ascontiguousarray(rows.T, dtype=np.float64), sq


def center_distances(X, centers, *, n_threads=None, squared=False) -> np.ndarray:
    """Euclidean distance of every row of a sparse ``X`` to every center.

    Parameters
    ----------
    X : scipy.sparse matrix or array of shape (n_samples, n_features)
        Data, validated as in :func:`fastkmeans.fit` (CSR; other formats
        are converted). Never modified.
    centers : array-like of shape (n_clusters, n_features)
        Dense centers; cast to the dtype of ``X``.
    n_threads : int, optional
        OpenMP threads; ``None`` for all available.
    squared : bool, default=False
        Return squared distances.

    Returns
    -------
    ndarray of shape (n_samples, n_clusters), dtype of X
        ``|x_i - c_j|``, computed exactly in float64 as
        ``sum_nz (x - c)^2 + (|c|^2 - sum_nz c^2)`` (no cancellation of
        ``|x|^2 + |c|^2 - 2 x.c``), then rounded to the dtype of ``X``.

    Notes
    -----
    Memory besides the output: the centers transposed in float64
    (``n_features x n_clusters``) and ``2 * n_clusters`` values per block.
    """
    n_threads = resolve_n_threads(n_threads)
    X, centers = check_points_and_centers(X, centers, n_threads)
    if not is_csr_data(X):
        raise TypeError(f"X must be a SciPy sparse matrix or array, got {type(X).__name__}")
    ct, centers_sq = _transposed(centers)
    out = np.empty((X.shape[0], centers.shape[0]), dtype=X.dtype)
    scratch = np.empty((_sparse.n_blocks(X.shape[0]), 2 * centers.shape[0]))
    _sparse.sq_distances_to_all(*X.arrays, ct, centers_sq, out, not squared, scratch,
                                n_threads)
    return out
