"""Shared test data and checks. Seeds are fixed so every failure reproduces."""
import numpy as np


def make_blobs(n_samples, n_features, n_clusters, *, cluster_std=1.0, spread=10.0,
               seed=0, dtype=np.float64, order="C"):
    """Gaussian blobs around random centers; ``(X, true_centers)``."""
    rng = np.random.default_rng(seed)
    centers = rng.uniform(-spread, spread, size=(n_clusters, n_features))
    labels = rng.integers(0, n_clusters, size=n_samples)
    X = centers[labels] + rng.normal(scale=cluster_std, size=(n_samples, n_features))
    return np.asarray(X, dtype=dtype, order=order), centers


def random_weights(n_samples, seed=1):
    """Positive weights spread over two orders of magnitude."""
    return np.random.default_rng(seed).uniform(0.1, 10.0, size=n_samples)


def clear_of_ties(X, centers, rel_gap=1e-4):
    """Mask of points whose nearest center beats the second by a clear margin.

    Labels of points near a tie may legitimately differ between two correct
    implementations that round differently.
    """
    X64 = np.asarray(X, dtype=np.float64)
    C64 = np.asarray(centers, dtype=np.float64)
    if C64.shape[0] < 2:
        return np.ones(X64.shape[0], dtype=bool)
    clear = np.empty(X64.shape[0], dtype=bool)
    chunk = max(1, (1 << 20) // C64.size)
    for start in range(0, X64.shape[0], chunk):
        diff = X64[start:start + chunk, None, :] - C64[None, :, :]
        distances = np.einsum("ijk,ijk->ij", diff, diff)
        two = np.partition(distances, 1, axis=1)[:, :2]
        clear[start:start + chunk] = two[:, 1] - two[:, 0] > rel_gap * (1.0 + two[:, 1])
    return clear
