"""The immutable result of a fit."""
import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray


def frozen_array(values: Any, dtype: DTypeLike = None) -> Any:
    """A read-only array, so results cannot be changed behind the caller's back.

    The labels of a Dask fit (``_dask.BlockLabels``) become a Dask array,
    immutable already, and stay on the workers.
    """
    if hasattr(values, "to_dask_array"):
        return values.to_dask_array()
    array = np.asarray(values, dtype=dtype)
    array.flags.writeable = False
    return array


def read_only(array: np.ndarray) -> np.ndarray:
    """A view that raises on any write, so no kernel can touch the caller's data."""
    view = array.view()
    view.flags.writeable = False
    return view


def _read_only(value: Any) -> Any:
    """``value`` with every array in it read-only: a read-only view of a
    writable array (the caller's array keeps its flags), tuples item by item."""
    if isinstance(value, np.ndarray) and value.flags.writeable:
        return read_only(value)
    if isinstance(value, tuple):
        return tuple(_read_only(item) for item in value)
    return value


class ReadOnlyArrays:
    """Mixin of the frozen result dataclasses: their arrays stay read-only.

    The arrays are frozen on construction, and a copy, deep copy or unpickled
    result is built through the constructor again (``__reduce__``), since
    NumPy makes the arrays of a copy or of an unpickled object writable.
    """

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            object.__setattr__(self, field.name, _read_only(getattr(self, field.name)))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), tuple(getattr(self, field.name)
                                  for field in dataclasses.fields(self)))  # type: ignore[arg-type]


@dataclass(frozen=True)
class FitHistory(ReadOnlyArrays):
    """What happened at each Lloyd iteration of the returned run.

    Attributes
    ----------
    inertia : ndarray of shape (n_iter,), float64
        Weighted sum of squared distances of the points to the centers they
        were assigned to at the start of each iteration (non-increasing).
    center_shift : ndarray of shape (n_iter,), float64
        Sum over centers of the squared distance each center moved in the
        update of each iteration (compared with ``tol`` for convergence).
    seconds : ndarray of shape (n_iter,), float64
        Wall time of each iteration.
    distance_evaluations : ndarray of shape (n_iter,), int64
        Point-to-center distances computed in each iteration: ``n_samples *
        n_clusters`` for Lloyd, fewer where the accelerated variants' bounds
        skip them (their pruning rate is ``1 - this / (n_samples * n_clusters)``).
    """

    inertia: NDArray[np.float64]
    center_shift: NDArray[np.float64]
    seconds: NDArray[np.float64]
    distance_evaluations: NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.inertia)


@dataclass(frozen=True)
class KMeansResult(ReadOnlyArrays):
    """Result of :func:`fastkmeans.fit`.

    Attributes
    ----------
    centers : ndarray of shape (n_clusters, n_features)
        Cluster centers, in the dtype of the data (float32 or float64).
    labels : ndarray of shape (n_samples,), int32
        Index of the center of every sample (its nearest center).
    inertia : float
        Weighted sum of squared distances of the samples to their centers.
    n_iter : int
        Lloyd iterations run.
    converged : bool
        Whether the run stopped because the labels no longer changed or the
        centers moved less than the tolerance (``False``: ``max_iter`` hit).
    history : FitHistory
        Per-iteration inertia, center shift and time of the returned run.
    """

    centers: NDArray[np.floating[Any]]
    labels: NDArray[np.int32]
    inertia: float
    n_iter: int
    converged: bool
    history: FitHistory

    def __repr__(self) -> str:
        n_clusters, n_features = self.centers.shape
        return (f"KMeansResult(n_clusters={n_clusters}, n_features={n_features}, "
                f"n_samples={self.labels.shape[0]}, inertia={self.inertia:.6g}, "
                f"n_iter={self.n_iter}, converged={self.converged})")


def run_result(centers: ArrayLike, labels: ArrayLike, inertia: float, n_iter: int,
               converged: bool, history: list[tuple[float, float, float, int]]) -> KMeansResult:
    """The result of one run, from its per-iteration ``(inertia, center_shift,
    seconds, distance_evaluations)`` history tuples."""
    columns = list(zip(*history, strict=True))
    inertias, shifts, seconds = (frozen_array(column, dtype=np.float64).reshape(-1)
                                 for column in columns[:3])
    return KMeansResult(
        centers=frozen_array(centers),
        labels=frozen_array(labels),
        inertia=float(inertia),
        n_iter=n_iter,
        converged=converged,
        history=FitHistory(inertia=inertias, center_shift=shifts, seconds=seconds,
                           distance_evaluations=frozen_array(columns[3], dtype=np.int64)),
    )
