"""Small data sets generated from fixed seeds, so demos and docs need no download."""
import numpy as np
from numpy.typing import ArrayLike, NDArray


def tutorial_points(n_samples: int = 300, seed: int = 2021) -> NDArray[np.float64]:
    """The classic k-means tutorial data: first feature an integer 0-3, second uniform on [0, 10).

    Returns
    -------
    ndarray of shape (n_samples, 2), float64
    """
    rng = np.random.default_rng(seed)
    first = rng.integers(0, 4, size=n_samples).astype(np.float64)
    second = rng.uniform(0.0, 10.0, size=n_samples)
    return np.column_stack([first, second])


def blobs(n_samples: int = 400,
          centers: ArrayLike = ((-6.0, -4.0), (-5.0, 6.0), (5.0, -5.0), (6.0, 5.0)),
          cluster_std: float = 1.0, seed: int = 0
          ) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
    """Well-separated isotropic Gaussian blobs.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
    true_labels : ndarray of shape (n_samples,), int32
    """
    rng = np.random.default_rng(seed)
    centers = np.asarray(centers, dtype=np.float64)
    true_labels = (np.arange(n_samples) % centers.shape[0]).astype(np.int32)
    X = centers[true_labels] + rng.normal(scale=cluster_std, size=(n_samples, centers.shape[1]))
    return X, true_labels
