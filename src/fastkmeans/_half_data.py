"""float16 data: the dense twin whose rows are stored in half precision.

float16 values convert to float32 exactly, so a fit of float16 ``X`` is
defined as the fit of ``X.astype(np.float32)``, and gives it bitwise (with
``algorithm='lloyd'``): the kernels are the float32 ones, run by the C
core's float16 kernels (driven by ``_half.pyx``) on windows of rows
converted just before use, never on a float32 copy of ``X``. Centers,
distances and results are float32 (the :attr:`HalfData.dtype`).
"""
import dataclasses

import numpy as np

from . import _half
from ._data import _VARIANCE_CHUNK_VALUES, DenseData, read_only
from ._distances import distances_to_centers
from ._lloyd import update_sums

# Rows per conversion chunk of center_distances (its output is n x k anyway).
_DISTANCE_CHUNK_ROWS = 1 << 14


@dataclasses.dataclass(frozen=True)
class HalfData(DenseData):
    """A validated float16 matrix: C-contiguous, finite, read-only; computed in float32.

    Attributes
    ----------
    array : ndarray of shape (n_samples, n_features), float16
        The values (a read-only view of the caller's array, or a private copy).
    """

    @property
    def dtype(self) -> np.dtype:
        """float32: the dtype of the centers, distances and results."""
        return np.dtype(np.float32)

    @property
    def bits(self) -> np.ndarray:
        """The values' bits (uint16 view), as the ``_half`` drivers take them."""
        return self.array.view(np.uint16)

    def dense_rows(self, rows, dtype=None) -> np.ndarray:
        """Rows ``rows`` as a new C-ordered array (float32 by default)."""
        return super().dense_rows(rows, dtype or np.float32)

    def take_rows(self, rows) -> "HalfData":
        """Rows ``rows`` (repeats allowed) as new float16 data."""
        return HalfData(read_only(self.array[np.asarray(rows, dtype=np.intp)]))

    def astype(self, dtype) -> DenseData:
        """The data with values of ``dtype``: a converted copy."""
        return DenseData(read_only(self.array.astype(dtype)))

    def assign(self, centers, labels, n_threads: int) -> np.ndarray:
        """Label every row with its nearest center, into ``labels``; the squared
        distances to it (float32)."""
        sq_dist = np.empty(self.shape[0], dtype=np.float32)
        _half.assign_labels(self.bits, centers, labels, sq_dist, n_threads)
        return sq_dist

    def inertia(self, centers, labels, sample_weight, n_threads: int) -> float:
        """``sum(w * |x - centers[label]|^2)``, exact, in float64."""
        return _half.inertia(self.bits, sample_weight, centers, labels, n_threads)

    def label_sq_distances(self, centers, labels, n_threads: int) -> np.ndarray:
        """``|x - centers[label]|^2`` of every row, exact, float64."""
        out = np.empty(self.shape[0])
        _half.label_sq_distances(self.bits, centers, labels, out, n_threads)
        return out

    def label_sums(self, labels, sample_weight, n_clusters: int, n_threads: int) -> tuple:
        """As :meth:`DenseData.label_sums`: fixed chunks of rows converted to
        float32, summed in order (no n x d copy)."""
        sums, weights = np.empty((n_clusters, self.shape[1])), np.empty(n_clusters)
        total_sums, total_weights = np.zeros_like(sums), np.zeros_like(weights)
        chunk = max(1, _VARIANCE_CHUNK_VALUES // self.shape[1])
        for start in range(0, self.shape[0], chunk):
            rows = slice(start, start + chunk)
            update_sums(self.array[rows].astype(np.float32), sample_weight[rows], labels[rows],
                        sums, weights, n_threads)
            total_sums += sums
            total_weights += weights
        return total_sums, total_weights

    def center_distances(self, centers, n_threads: int) -> np.ndarray:
        """Euclidean distance of every row to every center (float32), rows
        converted a chunk at a time."""
        out = np.empty((self.shape[0], centers.shape[0]), dtype=np.float32)
        for start in range(0, self.shape[0], _DISTANCE_CHUNK_ROWS):
            rows = self.array[start:start + _DISTANCE_CHUNK_ROWS].astype(np.float32)
            distances_to_centers(rows, centers, out[start:start + rows.shape[0]], n_threads)
        return out

    def seeding(self, sample_weight, n_local_trials: int, n_threads: int):
        """The kernels of one k-means++ run (see ``_init.kmeans_plusplus_indices``)."""
        return _HalfSeeding(self.bits, self.array, sample_weight, n_threads)

    def lloyd_algorithm(self, algorithm: str, n_clusters: int) -> str:
        """``'lloyd'`` (``'auto'`` too): the bounded variants have no float16 driver."""
        if algorithm not in ("lloyd", "auto"):
            raise ValueError(f"algorithm={algorithm!r} is not available for float16 X; "
                             "use 'lloyd' (or 'auto'), or pass X.astype(np.float32)")
        return "lloyd"

    def lloyd_step(self, sample_weight, centers, algorithm: str, n_threads: int):
        """The run loop's step: Lloyd on blocks converted to float32."""
        return _half.HalfLloydStep(self.array, sample_weight, centers, n_threads)


class _HalfSeeding:
    """``_data._DenseSeeding`` on float16 rows: the same kernels (the rows
    converted a window at a time), so the centers of ``X.astype(np.float32)``."""

    def __init__(self, bits, array, sample_weight, n_threads: int):
        self.bits, self.array = bits, array
        self.sample_weight, self.n_threads = sample_weight, n_threads
        self._expansion = None

    def _offset_and_x_sq(self):
        """As ``_DenseSeeding._offset_and_x_sq`` (the same offset as float32)."""
        if self._expansion is None:
            offset = self.array.mean(axis=0, dtype=np.float64).astype(np.float32)
            x_sq = np.empty(self.array.shape[0])
            _half.row_sq_distances(self.bits, offset, x_sq, self.n_threads)
            self._expansion = offset, x_sq
        return self._expansion

    def update_closest(self, center, closest_sq, weighted_sq) -> None:
        """``closest_sq = min(closest_sq, |x - center|^2)``; ``weighted_sq = w * closest_sq``."""
        _half.update_closest(self.bits, self.sample_weight, center, closest_sq, weighted_sq,
                             self.n_threads)

    def potentials(self, candidates, closest_sq, out) -> None:
        """``out[j] = sum(w * min(closest_sq, |x - candidates[j]|^2))``."""
        offset, x_sq = self._offset_and_x_sq()
        _half.candidate_potentials(self.bits, self.sample_weight, x_sq, closest_sq,
                                   candidates, offset, out, self.n_threads)

    def greedy_steps(self, n_local_trials, rng, centers, indices, closest_sq,
                     weighted_sq) -> int:
        """``_DenseSeeding.greedy_steps`` on float16 rows."""
        return _half.greedy_steps(self.bits, self.sample_weight, n_local_trials,
                                  self.n_threads, rng, centers, indices, closest_sq,
                                  weighted_sq)
