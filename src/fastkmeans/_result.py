"""The immutable result of a fit."""
from dataclasses import dataclass

import numpy as np


def frozen_array(values, dtype=None) -> np.ndarray:
    """A read-only array, so results cannot be changed behind the caller's back.

    The labels of a Dask fit (``_dask.BlockLabels``) become a Dask array,
    immutable already, and stay on the workers.
    """
    if hasattr(values, "to_dask_array"):
        return values.to_dask_array()
    array = np.asarray(values, dtype=dtype)
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class FitHistory:
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

    inertia: np.ndarray
    center_shift: np.ndarray
    seconds: np.ndarray
    distance_evaluations: np.ndarray

    def __len__(self) -> int:
        return len(self.inertia)


@dataclass(frozen=True)
class KMeansResult:
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

    centers: np.ndarray
    labels: np.ndarray
    inertia: float
    n_iter: int
    converged: bool
    history: FitHistory

    def __repr__(self) -> str:
        n_clusters, n_features = self.centers.shape
        return (f"KMeansResult(n_clusters={n_clusters}, n_features={n_features}, "
                f"n_samples={self.labels.shape[0]}, inertia={self.inertia:.6g}, "
                f"n_iter={self.n_iter}, converged={self.converged})")


def run_result(centers, labels, inertia: float, n_iter: int, converged: bool,
               history: list) -> KMeansResult:
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
