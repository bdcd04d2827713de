"""The data seam: validated data as one of two twins with the same methods.

Validation (``_validation.check_data``) decides once whether ``X`` is dense
or sparse and returns a :class:`DenseData` or a :class:`CSRData`; nothing
downstream asks again. Each twin owns the kernels of its layout behind the
same methods: labels and distances for given centers, the rows a driver
needs as dense arrays, the k-means++ seeding kernels and the Lloyd step of
the run loop (``_run.py``). A new backend (memmap, Dask) is a third twin.

Every array a twin holds is read-only: no kernel can write to the caller's
data.
"""
import dataclasses

import numpy as np

from . import _sparse
from ._accelerated import BoundedStep
from ._algorithm import resolve_algorithm
from ._assign import assign_labels, inertia, label_sq_distances
from ._distances import distances_to_centers
from ._kmeanspp import (
    candidate_potentials,
    greedy_steps,
    row_sq_distances,
    update_closest,
)
from ._lloyd import LloydStep, move_centers, update_sums
from ._result import read_only

# Values per float64 temporary chunk when computing the feature variance.
_VARIANCE_CHUNK_VALUES = 1 << 16


@dataclasses.dataclass(frozen=True)
class DenseData:
    """A validated dense matrix: C-contiguous, float32 or float64, finite, read-only.

    Attributes
    ----------
    array : ndarray of shape (n_samples, n_features)
        The values (a read-only view of the caller's array, or a private copy).
    """

    array: np.ndarray

    @property
    def shape(self) -> tuple:
        """``(n_samples, n_features)``."""
        return self.array.shape

    @property
    def dtype(self) -> np.dtype:
        """float32 or float64."""
        return self.array.dtype

    @property
    def nbytes(self) -> int:
        """Bytes of the values."""
        return self.array.nbytes

    def for_user(self) -> np.ndarray:
        """What a user callable (``init``) is shown: the read-only array."""
        return self.array

    def dense_rows(self, rows, dtype=None) -> np.ndarray:
        """Rows ``rows`` as a new C-ordered array (dtype of the data by default)."""
        picked = self.array[np.asarray(rows, dtype=np.intp).reshape(-1)]
        return picked if dtype is None else picked.astype(dtype, copy=False)

    def take_rows(self, rows) -> "DenseData":
        """Rows ``rows`` (repeats allowed) as new data of the same kind."""
        return DenseData(read_only(self.array[np.asarray(rows, dtype=np.intp)]))

    def astype(self, dtype) -> "DenseData":
        """The data with values of ``dtype`` (itself if they already are)."""
        if self.dtype == dtype:
            return self
        return DenseData(read_only(self.array.astype(dtype)))

    def mean_feature_variance(self) -> float:
        """``mean(var(X, axis=0))`` in float64, without an n x d temporary."""
        X = self.array
        n_samples, n_features = X.shape
        mean = X.sum(axis=0, dtype=np.float64) / n_samples
        squares = np.zeros(n_features)
        chunk = max(1, _VARIANCE_CHUNK_VALUES // n_features)
        for start in range(0, n_samples, chunk):
            diff = X[start:start + chunk] - mean
            squares += np.einsum("ij,ij->j", diff, diff)
        return float(squares.mean() / n_samples)

    def assign(self, centers, labels, n_threads: int) -> np.ndarray:
        """Label every row with its nearest center, into ``labels``; the squared
        distances to it (dtype of the data)."""
        sq_dist = np.empty(self.shape[0], dtype=self.dtype)
        assign_labels(self.array, centers, labels, sq_dist, n_threads)
        return sq_dist

    def inertia(self, centers, labels, sample_weight, n_threads: int) -> float:
        """``sum(w * |x - centers[label]|^2)``, exact, in float64."""
        return inertia(self.array, sample_weight, centers, labels, n_threads)

    def label_sq_distances(self, centers, labels, n_threads: int) -> np.ndarray:
        """``|x - centers[label]|^2`` of every row, exact, float64."""
        out = np.empty(self.shape[0])
        label_sq_distances(self.array, centers, labels, out, n_threads)
        return out

    def label_sums(self, labels, sample_weight, n_clusters: int, n_threads: int) -> tuple:
        """Weighted sum (float64, ``n_clusters x n_features``) and total weight of
        the rows of every cluster of ``labels`` (int32, each in ``[0, n_clusters)``)."""
        sums = np.empty((n_clusters, self.shape[1]))
        weights = np.empty(n_clusters)
        update_sums(self.array, sample_weight, labels, sums, weights, n_threads)
        return sums, weights

    def center_distances(self, centers, n_threads: int) -> np.ndarray:
        """Euclidean distance of every row to every center (dtype of the data)."""
        out = np.empty((self.shape[0], centers.shape[0]), dtype=self.dtype)
        distances_to_centers(self.array, centers, out, n_threads)
        return out

    def seeding(self, sample_weight, n_local_trials: int, n_threads: int):
        """The kernels of one k-means++ run (see ``_init.kmeans_plusplus_indices``)."""
        return _DenseSeeding(self.array, sample_weight, n_threads)

    def lloyd_algorithm(self, algorithm: str, n_clusters: int) -> str:
        """The step ``algorithm`` runs as: ``'auto'`` chosen by shape, a bounded
        variant refused (``auto``: stepped down) when its bounds exceed the budget."""
        return resolve_algorithm(algorithm, *self.shape, n_clusters, self.nbytes)

    def lloyd_step(self, sample_weight, centers, algorithm: str, n_threads: int):
        """The run loop's step: ``'lloyd'`` or a bounded variant (same result)."""
        if algorithm == "lloyd":
            return LloydStep(self.array, sample_weight, centers, n_threads)
        return BoundedStep(self.array, sample_weight, centers, n_threads, algorithm)


class _DenseSeeding:
    """k-means++ kernels on dense rows. ``greedy_steps`` runs the steps in C on
    exact distances; ``update_closest`` and ``potentials`` (candidates scored
    with |x - c|^2 expanded around the data's mean, the chosen center's
    distances exact) are the Python steps' kernels, which take over where
    the C steps stop (no mass left)."""

    def __init__(self, X, sample_weight, n_threads: int):
        self.X, self.sample_weight, self.n_threads = X, sample_weight, n_threads
        self._expansion = None

    def _offset_and_x_sq(self):
        """The mean the candidates are expanded around and ``|x - mean|^2``, once."""
        if self._expansion is None:
            offset = self.X.mean(axis=0, dtype=np.float64).astype(self.X.dtype)
            x_sq = np.empty(self.X.shape[0])
            row_sq_distances(self.X, offset, x_sq, self.n_threads)
            self._expansion = offset, x_sq
        return self._expansion

    def update_closest(self, center, closest_sq, weighted_sq) -> None:
        """``closest_sq = min(closest_sq, |x - center|^2)``; ``weighted_sq = w * closest_sq``."""
        update_closest(self.X, self.sample_weight, center, closest_sq, weighted_sq,
                       self.n_threads)

    def potentials(self, candidates, closest_sq, out) -> None:
        """``out[j] = sum(w * min(closest_sq, |x - candidates[j]|^2))``."""
        offset, x_sq = self._offset_and_x_sq()
        candidate_potentials(self.X, self.sample_weight, x_sq, closest_sq, candidates,
                             offset, out, self.n_threads)

    def greedy_steps(self, n_local_trials, rng, centers, indices, closest_sq,
                     weighted_sq) -> int:
        """Every step after the first center (``indices[0]``) in C, with no Python
        between them (``_kmeanspp.greedy_steps``). Returns the centers chosen
        (fewer where no mass is left)."""
        return greedy_steps(self.X, self.sample_weight, n_local_trials, self.n_threads, rng,
                            centers, indices, closest_sq, weighted_sq)


@dataclasses.dataclass(frozen=True)
class CSRData:
    """A validated, canonical CSR matrix: the arrays the sparse kernels take.

    Attributes
    ----------
    data : ndarray of shape (nnz,), float32 or float64, read-only
        Stored values (explicit zeros allowed), all finite.
    indices : ndarray of shape (nnz,), int32 or int64, read-only
        Column of every stored value, strictly increasing within each row.
    indptr : ndarray of shape (n_samples + 1,), dtype of indices, read-only
        Row ``i`` is ``data[indptr[i]:indptr[i + 1]]``.
    shape : tuple of int
        ``(n_samples, n_features)``.
    sparse_type : type
        The SciPy class to show these arrays as (``csr_matrix`` or
        ``csr_array``, as the caller's input), e.g. to a callable ``init``.
    """

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple
    sparse_type: type

    @property
    def dtype(self) -> np.dtype:
        """dtype of the values: float32 or float64."""
        return self.data.dtype

    @property
    def arrays(self) -> tuple:
        """``(data, indices, indptr)``: the first arguments of every sparse kernel."""
        return self.data, self.indices, self.indptr

    def for_user(self):
        """A SciPy CSR matrix (of the caller's class) viewing the read-only arrays."""
        return self.sparse_type((self.data, self.indices, self.indptr), shape=self.shape,
                                copy=False)

    def dense_rows(self, rows, dtype=None) -> np.ndarray:
        """Rows ``rows`` as a dense C-ordered array (dtype of the data by default)."""
        rows = np.asarray(rows, dtype=np.intp).reshape(-1)
        out = np.zeros((rows.size, self.shape[1]), dtype=dtype or self.dtype)
        for position, row in enumerate(rows):
            start, end = self.indptr[row], self.indptr[row + 1]
            out[position, self.indices[start:end]] = self.data[start:end]
        return out

    def take_rows(self, rows) -> "CSRData":
        """Rows ``rows`` (repeats allowed) as a new CSRData; O(their nonzeros)."""
        rows = np.asarray(rows, dtype=np.intp)
        indptr = np.zeros(rows.shape[0] + 1, dtype=self.indptr.dtype)
        np.cumsum(self.indptr[rows + 1] - self.indptr[rows], out=indptr[1:])
        data = np.empty(indptr[-1], dtype=self.dtype)
        indices = np.empty(indptr[-1], dtype=self.indices.dtype)
        _sparse.take_rows(*self.arrays, rows, data, indices, indptr)
        return CSRData(data=data, indices=indices, indptr=indptr,
                       shape=(rows.shape[0], self.shape[1]), sparse_type=self.sparse_type)

    def astype(self, dtype) -> "CSRData":
        """The data with values of ``dtype`` (itself if they already are)."""
        if self.dtype == dtype:
            return self
        return dataclasses.replace(self, data=read_only(self.data.astype(dtype)))

    def mean_feature_variance(self) -> float:
        """``mean(var(X, axis=0))`` in float64, over the implicit zeros too."""
        return _sparse.mean_feature_variance(self.data, self.indices, *self.shape)

    def assign(self, centers, labels, n_threads: int) -> np.ndarray:
        """Label every row with its nearest center, into ``labels``; the exact
        squared distances to it (dtype of the data)."""
        layout = SparseCenters(centers.shape[0], self.shape[1], self.dtype, self.shape[0])
        layout.load(centers)
        sq_dist = np.empty(self.shape[0])
        layout.assign(self, np.zeros(self.shape[0]), labels, sq_dist, n_threads)
        return sq_dist.astype(self.dtype, copy=False)

    def inertia(self, centers, labels, sample_weight, n_threads: int) -> float:
        """``sum(w * |x - centers[label]|^2)``, exact, in float64."""
        centers_sq = np.empty(centers.shape[0])
        _sparse.dense_sq_norms(centers, centers_sq)
        return _sparse.inertia(*self.arrays, sample_weight, centers, centers_sq, labels,
                               n_threads)

    def label_sq_distances(self, centers, labels, n_threads: int) -> np.ndarray:
        """``|x - centers[label]|^2`` of every row, exact, float64."""
        centers_sq = np.empty(centers.shape[0])
        _sparse.dense_sq_norms(centers, centers_sq)
        out = np.empty(self.shape[0])
        _sparse.label_sq_distances(*self.arrays, centers, centers_sq, labels, out, n_threads)
        return out

    def label_sums(self, labels, sample_weight, n_clusters: int, n_threads: int) -> tuple:
        """Weighted sum (float64, ``n_clusters x n_features``) and total weight of
        the rows of every cluster of ``labels`` (int32, each in ``[0, n_clusters)``)."""
        order = np.empty(self.shape[0], dtype=np.intp)
        offsets = np.empty(n_clusters + 1, dtype=np.intp)
        _sparse.group_rows_by_label(labels, order, offsets)
        sums = np.empty((n_clusters, self.shape[1]))
        weights = np.empty(n_clusters)
        _sparse.cluster_sums(*self.arrays, sample_weight, order, offsets, sums, weights,
                             n_threads)
        return sums, weights

    def center_distances(self, centers, n_threads: int) -> np.ndarray:
        """Euclidean distance of every row to every center (dtype of the data),
        each computed exactly in float64 as ``sum_nz (x - c)^2 + (|c|^2 -
        sum_nz c^2)`` (no cancellation), then rounded."""
        centers_sq = np.empty(centers.shape[0])
        _sparse.dense_sq_norms(np.ascontiguousarray(centers), centers_sq)
        ct = np.ascontiguousarray(centers.T, dtype=np.float64)
        out = np.empty((self.shape[0], centers.shape[0]), dtype=self.dtype)
        scratch = np.empty((_sparse.n_blocks(self.shape[0]), 2 * centers.shape[0]))
        _sparse.sq_distances_to_all(*self.arrays, ct, centers_sq, out, True, scratch,
                                    n_threads)
        return out

    def seeding(self, sample_weight, n_local_trials: int, n_threads: int):
        """The kernels of one k-means++ run (see ``_init.kmeans_plusplus_indices``)."""
        return _SparseSeeding(self, sample_weight, n_local_trials, n_threads)

    def lloyd_algorithm(self, algorithm: str, n_clusters: int) -> str:
        """Always ``'lloyd'``: CSR rows have no bounded step (it would give the same result)."""
        return "lloyd"

    def lloyd_step(self, sample_weight, centers, algorithm: str, n_threads: int):
        """The run loop's step: sparse Lloyd (``algorithm`` is ``'lloyd'``)."""
        return SparseLloydStep(self, sample_weight, centers, n_threads)


class SparseCenters:
    """Centers in the layouts the sparse kernels read, rebuilt by :meth:`load`.

    ``ct`` is ``(n_features, width)``: the centers transposed and zero-padded
    to ``width`` values, whole 64-byte lines, aligned to a line (see
    ``_sparse.pyx``).
    """

    def __init__(self, n_clusters: int, n_features: int, dtype, n_samples: int):
        line = _sparse.LINE_BYTES // np.dtype(dtype).itemsize
        width = -(-n_clusters // line) * line
        self.ct = _aligned_zeros((n_features, width), dtype)
        self.ct_sq = np.zeros(width, dtype=dtype)
        self.sq = np.empty(n_clusters)
        # one row of dot products per block of rows
        self.scratch = np.empty((_sparse.n_blocks(n_samples), width), dtype=dtype)
        self.rows = None

    def load(self, centers: np.ndarray) -> None:
        """Lay out ``centers`` (n_clusters x n_features, dtype of the data)."""
        n_clusters = centers.shape[0]
        self.rows = centers
        self.ct[:, :n_clusters] = centers.T
        _sparse.dense_sq_norms(centers, self.sq)
        self.ct_sq[:n_clusters] = self.sq

    def assign(self, X: CSRData, sample_weight, labels, sq_dist, n_threads: int) -> tuple:
        """Label the rows of ``X`` with the nearest loaded center (``_sparse.assign_pass``):
        ``labels`` out, exact squared distances into ``sq_dist`` unless it is empty;
        ``(weighted inertia, labels changed)``."""
        return _sparse.assign_pass(*X.arrays, sample_weight, self.ct, self.ct_sq, self.rows,
                                   self.sq, labels, sq_dist, self.scratch, n_threads)


def _aligned_zeros(shape, dtype) -> np.ndarray:
    """Zeros whose first element sits on a cache-line boundary."""
    dtype = np.dtype(dtype)
    n_bytes = int(np.prod(shape)) * dtype.itemsize
    raw = np.zeros(n_bytes + _sparse.LINE_BYTES, dtype=np.uint8)
    skip = -raw.ctypes.data % _sparse.LINE_BYTES
    return raw[skip:skip + n_bytes].view(dtype).reshape(shape)


# sq_dist of SparseCenters.assign when the distances are not wanted
NO_DISTANCES = np.empty(0)


class SparseLloydStep:
    """Lloyd's step on CSR rows: two passes over the nonzeros per iteration, the
    assignment (``_sparse.assign_pass``) and the cluster sums
    (``_sparse.cluster_sums``, each cluster owned by one thread).

    Memory: the ``n_clusters x n_features`` float64 sums, the transposed
    centers (``n_features x width``, dtype of X) and O(n_samples) for the
    labels and row order; nothing grows with the thread count.
    """

    def __init__(self, X: CSRData, sample_weight, centers, n_threads: int):
        n_samples, n_features = X.shape
        n_clusters = centers.shape[0]
        self.X, self.sample_weight, self.centers = X, sample_weight, centers
        self.n_threads = n_threads
        self.layout = SparseCenters(n_clusters, n_features, X.dtype, n_samples)
        self.labels = np.full(n_samples, -1, dtype=np.int32)
        self.order = np.empty(n_samples, dtype=np.intp)
        self.offsets = np.empty(n_clusters + 1, dtype=np.intp)
        self.sums = np.empty((n_clusters, n_features))
        self.weights = np.empty(n_clusters)
        # Lloyd computes every distance
        self.distance_evaluations = n_samples * n_clusters

    def assign_and_sum(self):
        """Labels for the current centers and the clusters' sums and weights;
        ``(inertia, n_changed, distance_evaluations, any_empty)``."""
        X = self.X
        self.layout.load(self.centers)
        inertia, n_changed = self.layout.assign(X, self.sample_weight, self.labels,
                                                NO_DISTANCES, self.n_threads)
        _sparse.group_rows_by_label(self.labels, self.order, self.offsets)
        _sparse.cluster_sums(*X.arrays, self.sample_weight, self.order, self.offsets,
                             self.sums, self.weights, self.n_threads)
        return inertia, n_changed, self.distance_evaluations, not self.weights.all()

    def move_centers(self) -> float:
        """Centers to their clusters' means, in place; the total squared shift."""
        return move_centers(self.sums, self.weights, self.centers)


class _SparseSeeding:
    """k-means++ kernels on CSR rows: candidates are scored by the assignment's
    dot-product kernel (``_sparse.candidate_potentials``), the chosen center's
    distances are exact. Extra memory: O(n_samples) and the candidates,
    densified and transposed (``n_features x n_local_trials``, padded)."""

    def __init__(self, X: CSRData, sample_weight, n_local_trials: int, n_threads: int):
        n_samples = X.shape[0]
        self.X, self.sample_weight, self.n_threads = X, sample_weight, n_threads
        self.x_sq = np.empty(n_samples)
        _sparse.row_sq_norms(X.data, X.indptr, self.x_sq)
        self.layout = SparseCenters(n_local_trials, X.shape[1], X.dtype, n_samples)
        self.block_potentials = np.empty((_sparse.n_blocks(n_samples), n_local_trials))
        self.center_sq = np.empty(1)

    def update_closest(self, center, closest_sq, weighted_sq) -> None:
        """``closest_sq = min(closest_sq, |x - center|^2)``; ``weighted_sq = w * closest_sq``."""
        _sparse.dense_sq_norms(center.reshape(1, -1), self.center_sq)
        _sparse.update_closest(*self.X.arrays, self.sample_weight, center, self.center_sq[0],
                               closest_sq, weighted_sq, self.n_threads)

    def potentials(self, candidates, closest_sq, out) -> None:
        """``out[j] = sum(w * min(closest_sq, |x - candidates[j]|^2))``."""
        self.layout.load(candidates)
        _sparse.candidate_potentials(*self.X.arrays, self.sample_weight, self.x_sq,
                                     closest_sq, self.layout.ct, self.layout.sq, out,
                                     self.layout.scratch, self.block_potentials,
                                     self.n_threads)
