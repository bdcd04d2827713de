"""The mini-batch k-means step on SciPy CSR input (validated :class:`CSRData`).

A batch is gathered as CSR rows (its nonzeros copied, never densified),
labelled by the sparse assignment kernel (``_sparse.assign_pass`` on the
transposed centers of ``_sparse_fit._Centers``) and the centers moved by
``_minibatch.sparse_center_update``: the same update as the dense step, so
the same data given dense or sparse fit the same centers. Per step the
work is O(batch nonzeros x n_clusters) for the assignment and
O(n_clusters x n_features) to re-layout and move the centers, as the
dense step's update.
"""
import numpy as np

from . import _sparse
from ._minibatch import sparse_center_update
from ._sparse_fit import _Centers
from ._sparse_input import CSRData


def take_rows(X: CSRData, rows: np.ndarray) -> CSRData:
    """The rows ``rows`` of ``X`` (repeats allowed), as a new CSRData; O(their nonzeros)."""
    rows = np.asarray(rows, dtype=np.intp)
    indptr = np.zeros(rows.shape[0] + 1, dtype=X.indptr.dtype)
    np.cumsum(X.indptr[rows + 1] - X.indptr[rows], out=indptr[1:])
    data = np.empty(indptr[-1], dtype=X.dtype)
    indices = np.empty(indptr[-1], dtype=X.indices.dtype)
    _sparse.take_rows(*X.arrays, rows, data, indices, indptr)
    return CSRData(data=data, indices=indices, indptr=indptr,
                   shape=(rows.shape[0], X.shape[1]), sparse_type=X.sparse_type)


def with_dtype(X: CSRData, dtype) -> CSRData:
    """``X`` with its values cast to ``dtype`` (``X`` itself if they already are)."""
    if X.dtype == dtype:
        return X
    return CSRData(data=X.data.astype(dtype), indices=X.indices, indptr=X.indptr,
                   shape=X.shape, sparse_type=X.sparse_type)


class SparseStepBuffers:
    """Scratch of the sparse step for batches of up to ``batch_size`` rows.

    Memory: the centers transposed (``n_features x width``, dtype of X), the
    ``n_clusters x n_features`` float64 sums (kept zero between steps) and
    O(batch_size); nothing of size ``batch_size x n_features``.
    """

    def __init__(self, batch_size: int, n_clusters: int, n_features: int, dtype):
        self.layout = _Centers(n_clusters, n_features, dtype, batch_size)
        self.unit_weights = np.ones(batch_size)
        self.labels = np.empty(batch_size, dtype=np.int32)
        self.sums = np.zeros((n_clusters, n_features))
        self.batch_weights = np.empty(n_clusters)
        self.no_distances = np.empty(0)

    def step(self, batch: CSRData, sample_weight, centers, centers_new, counts, n_threads):
        """One step on ``batch``, as ``_minibatch.minibatch_step``: ``(batch_inertia, shift)``."""
        layout = self.layout
        labels = self.labels[:batch.shape[0]]
        layout.load(centers)
        batch_inertia, _ = _sparse.assign_pass(
            *batch.arrays, sample_weight, layout.ct, layout.ct_sq, layout.rows, layout.sq,
            labels, self.no_distances, layout.scratch, n_threads)
        shift = sparse_center_update(*batch.arrays, sample_weight, labels, centers,
                                     centers_new, counts, self.sums, self.batch_weights)
        return batch_inertia, shift
