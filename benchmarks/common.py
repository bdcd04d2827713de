"""Data sets for the benchmarks, built once per process from fixed seeds."""
import functools

import numpy as np

# n_samples, n_features, n_clusters: a mid-size dense problem that still runs
# in seconds with the NumPy reference.
MID = (50_000, 32, 64)


@functools.lru_cache(maxsize=None)
def blobs(n_samples, n_features, n_clusters, dtype_name):
    """Gaussian blobs and fixed initial centers (the first n_clusters rows)."""
    rng = np.random.default_rng(0)
    centers = rng.uniform(-10, 10, size=(n_clusters, n_features))
    labels = rng.integers(0, n_clusters, size=n_samples)
    X = centers[labels] + rng.normal(scale=0.5 * np.sqrt(n_features),
                                     size=(n_samples, n_features))
    X = np.ascontiguousarray(X, dtype=dtype_name)
    return X, X[:n_clusters].copy()
