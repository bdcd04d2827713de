"""Spherical (cosine) k-means: the data seen by direction, and its step.

Spherical k-means (Dhillon and Modha, 2001; faiss' ``spherical=True``)
compares a row ``x`` with a center ``c`` of unit norm by their cosine
``x . c / |x|`` and moves every center to its cluster's normalised weighted
mean direction, ``sum(w x / |x|)`` scaled to unit norm.

Nothing here copies ``X``; the Lloyd kernels of the data twin do all the
row work, because two identities carry cosine over to them:

- with unit-norm centers, ``|x - c|^2 = |x|^2 - 2 x . c + 1``, so the nearest
  center in the Euclidean sense is the one of largest cosine (the row's
  norm does not depend on the center): the fused Lloyd pass assigns;
- ``sum(w x / |x|) = sum((w / |x|) x)``: the pass sums the rows as given
  with the weights ``w / |x|`` (:func:`direction_weights`), and the step's
  :meth:`SphericalStep.move_centers` normalises the sums.

So the dense twin's bounded steps (Hamerly, Elkan, Yinyang) serve too: their
bounds are Euclidean ones on the rows as given, which hold whatever the
unit centers' moves, and they move the centers by the spherical rule
(:func:`move_to_directions`, their ``center_rule``).

A row of norm zero has no direction (its cosine is undefined): validation
refuses it (:func:`row_norms` names the first such row).
"""
import numpy as np

from . import _half, _sparse
from ._data import CSRData
from ._half_data import HalfData
from ._kmeanspp import row_sq_distances

# Values per float64 temporary chunk of the mean direction.
_NORM_CHUNK_VALUES = 1 << 18


def row_norms(data, n_threads: int) -> np.ndarray:
    """``|x_i|`` of every row in float64 (dense, float16 or CSR data), refusing zero rows.

    Raises
    ------
    ValueError
        If a row has norm zero: its cosine to any center is undefined.
    """
    n_samples, n_features = data.shape
    sq = np.empty(n_samples)
    if isinstance(data, CSRData):
        _sparse.row_sq_norms(data.data, data.indptr, sq)
    elif isinstance(data, HalfData):
        _half.row_sq_distances(data.bits, np.zeros(n_features, np.float32), sq, n_threads)
    else:  # |x - 0|^2, summed in X's precision
        row_sq_distances(data.array, np.zeros(n_features, data.dtype), sq, n_threads)
    zero = np.flatnonzero(sq == 0)
    if zero.size:
        raise ValueError(
            f"X: spherical k-means compares rows by cosine, which is undefined for a row "
            f"of norm zero; X has {zero.size} such row(s), the first is row {zero[0]}. "
            "Drop them (e.g. X[norms > 0]) before fitting")
    return np.sqrt(sq)


def direction_weights(sample_weight: np.ndarray, norms: np.ndarray) -> np.ndarray:
    """``w / |x|``: the weights under which a sum of the rows as given is the
    weighted sum of their directions."""
    return sample_weight / norms


def normalise_centers(centers: np.ndarray, name: str = "init") -> None:
    """Scale every center to unit norm, in place (in float64, then rounded).

    Raises
    ------
    ValueError
        If a center is zero (it has no direction).
    """
    norms = np.linalg.norm(centers.astype(np.float64), axis=1)
    if not np.all(norms > 0):
        raise ValueError(f"{name}: spherical k-means needs initial centers of nonzero norm; "
                         f"center {int(np.flatnonzero(~(norms > 0))[0])} is zero")
    centers[:] = centers / norms[:, None]


def move_to_directions(sums, weights, centers, new) -> float:
    """Centers to their clusters' normalised sums, into ``new`` (may be
    ``centers``): ``sums[c] / |sums[c]|`` in float64, rounded to the dtype
    of ``new``. A cluster without weight, or whose directions sum to zero,
    keeps its center.

    Returns
    -------
    float
        The total squared shift, in float64.
    """
    old = centers.astype(np.float64)
    norms = np.sqrt(np.einsum("ij,ij->i", sums, sums))
    moved = (weights > 0) & (norms > 0)
    values = old.copy()
    values[moved] = sums[moved] / norms[moved, None]
    new[:] = values
    return float(np.sum((new.astype(np.float64) - old) ** 2))


class SphericalData:
    """Dense or CSR data seen by direction: the twin's methods, where the
    distance a method reports is the chordal one between directions,
    ``|x / |x| - c|^2 = 2 (1 - cos)`` (centers of unit norm), and the inertia
    is ``sum(w (1 - cos))``.

    The run loop passes the step's weights (``w / |x|``) to :meth:`inertia`;
    :meth:`dense_rows` gives the rows as stored, so that the loop's
    re-seeding adds ``(w / |x|) x = w x / |x|`` to the sums, as the pass does.

    Attributes
    ----------
    inner : DenseData or CSRData
        The validated data, as given.
    norms : ndarray of shape (n_samples,), float64
        The rows' norms, all positive.
    """

    def __init__(self, inner, norms: np.ndarray):
        self.inner, self.norms = inner, norms

    @property
    def shape(self) -> tuple:
        """``(n_samples, n_features)``."""
        return self.inner.shape

    @property
    def dtype(self) -> np.dtype:
        """float32 or float64."""
        return self.inner.dtype

    @property
    def nbytes(self) -> int:
        """Bytes of the values."""
        return self.inner.nbytes

    def for_user(self):
        """What a user callable (``init``) is shown: the rows as given."""
        return self.inner.for_user()

    def dense_rows(self, rows, dtype=None) -> np.ndarray:
        """Rows ``rows`` as stored (not normalised), as the twin gives them."""
        return self.inner.dense_rows(rows, dtype)

    def take_rows(self, rows) -> "SphericalData":
        """Rows ``rows`` as new spherical data."""
        rows = np.asarray(rows, dtype=np.intp)
        return SphericalData(self.inner.take_rows(rows), self.norms[rows])

    def seeding(self, sample_weight, n_local_trials: int, n_threads: int):
        """k-means++ on the rows as given (the seeds are normalised after): for
        unit-norm rows, e.g. embeddings, it is k-means++ on the sphere."""
        return self.inner.seeding(sample_weight, n_local_trials, n_threads)

    def mean_feature_variance(self) -> float:
        """``mean(var(x / |x|, axis=0))``: ``(1 - |mean direction|^2) / n_features``."""
        n_samples, n_features = self.shape
        total = np.zeros((1, n_features))
        scale = 1.0 / self.norms
        if isinstance(self.inner, CSRData):
            _sparse.cluster_sums(*self.inner.arrays, scale, np.arange(n_samples, dtype=np.intp),
                                 np.array([0, n_samples], dtype=np.intp), total, np.empty(1), 1)
        else:
            X = self.inner.array
            chunk = max(1, _NORM_CHUNK_VALUES // n_features)
            for start in range(0, n_samples, chunk):
                total[0] += np.einsum("i,ij->j", scale[start:start + chunk],
                                      X[start:start + chunk].astype(np.float64))
        mean = total[0] / n_samples
        return float(max(1.0 - np.einsum("i,i->", mean, mean), 0.0) / n_features)

    def lloyd_algorithm(self, algorithm: str, n_clusters: int) -> str:
        """The twin's choice: dense rows take the bounded variants too (with
        unit centers Lloyd's label is the Euclidean nearest center of the row
        as given, and the triangle inequality holds whatever the centers'
        moves), CSR rows run Lloyd, float16 rows refuse them."""
        return self.inner.lloyd_algorithm(algorithm, n_clusters)

    def lloyd_step(self, sample_weight, centers, algorithm: str, n_threads: int):
        """The run loop's step: the twin's step (Lloyd's or a bounded one)
        under the direction weights, with normalised centers (``centers``
        normalised in place)."""
        normalise_centers(centers)
        inner = self.inner.lloyd_step(direction_weights(sample_weight, self.norms), centers,
                                      algorithm, n_threads)
        return SphericalStep(inner, self.norms)

    def assign(self, centers, labels, n_threads: int) -> np.ndarray:
        """Label every row with its center of largest cosine, into ``labels``;
        ``2 (1 - cos)`` to it (dtype of the data)."""
        sq_dist = self.inner.assign(centers, labels, n_threads)
        return self._chordal(sq_dist.astype(np.float64)).astype(self.dtype)

    def label_sq_distances(self, centers, labels, n_threads: int) -> np.ndarray:
        """``2 (1 - cos)`` of every row to its labelled center, float64."""
        return self._chordal(self.inner.label_sq_distances(centers, labels, n_threads))

    def inertia(self, centers, labels, sample_weight, n_threads: int) -> float:
        """``sum(w (1 - cos))``, float64, given the step's weights ``w / |x|``."""
        chordal = self.label_sq_distances(centers, labels, n_threads)
        return float(0.5 * np.einsum("i,i->", sample_weight * self.norms, chordal))

    def _chordal(self, sq_dist: np.ndarray) -> np.ndarray:
        """``2 (1 - cos)`` from ``|x - c|^2`` (unit ``c``): ``(|x - c|^2 - (|x| - 1)^2) / |x|``."""
        return (sq_dist - (self.norms - 1.0) ** 2) / self.norms


class SphericalStep:
    """The run loop's step of spherical k-means: the twin's step (which
    assigns and sums with the direction weights ``w / |x|``), then centers
    moved to their normalised sums (:func:`move_to_directions`).

    A dense twin's step (Lloyd's or a bounded one) moves its centers by that
    rule itself (its ``center_rule``), so that a bounded step sees how far
    the normalised centers moved; the other twins' steps are moved here.
    """

    def __init__(self, inner, norms: np.ndarray):
        self.inner = inner
        self._own_rule = hasattr(inner, "center_rule")
        if self._own_rule:
            inner.center_rule = move_to_directions
        self.centers, self.labels = inner.centers, inner.labels
        self.sample_weight, self.sums, self.weights = inner.sample_weight, inner.sums, inner.weights
        # sum(w' (|x| - 1)^2): turns the pass's sum(w' |x - c|^2) into sum(w (1 - cos)).
        # einsum, here and above, not np.dot or @: those call OpenBLAS, whose
        # threads spin for a while after the call and took a core from the
        # first pass on 2 threads (1.45x its time at 65,536 x 768, k = 256)
        self._offset = float(np.einsum("i,i->", self.sample_weight, (norms - 1.0) ** 2))

    def assign_and_sum(self):
        """The twin's pass; its inertia turned into ``sum(w (1 - cos))``."""
        inertia, n_changed, evaluations, any_empty = self.inner.assign_and_sum()
        return 0.5 * (inertia - self._offset), n_changed, evaluations, any_empty

    def move_centers(self) -> float:
        """Centers to their clusters' normalised sums, in place; the total squared shift."""
        if self._own_rule:
            return self.inner.move_centers()
        return move_to_directions(self.sums, self.weights, self.centers, self.centers)
