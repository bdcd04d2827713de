"""Silhouette score: fastkmeans against scikit-learn.

Equal work: the same points and labels, every pair of points (no
``sample_size``). The silhouette is quadratic in n, so its workloads are its
own, smaller than the fits' (dense only). scikit-learn is skipped when not
installed; ``benchmarks/scripts/reference_compare.py`` times the NumPy
reference on the same work.
"""
import functools

import numpy as np

import fastkmeans

from .benchmark_peers import PeerThreads, import_peer
from .common import DTYPES, THREADS, resolve_threads

#: name -> (n_samples, n_features, n_clusters)
SILHOUETTE_WORKLOADS = {
    "tiny": (300, 2, 4),
    "mid": (5_000, 32, 8),
}


@functools.cache
def labelled_data(workload, dtype):
    """Overlapping Gaussian blobs and their generating labels (read-only)."""
    n_samples, n_features, n_clusters = SILHOUETTE_WORKLOADS[workload]
    rng = np.random.default_rng(0)
    labels = rng.integers(0, n_clusters, size=n_samples)
    means = rng.uniform(-5, 5, size=(n_clusters, n_features))
    X = (means[labels] + rng.normal(size=(n_samples, n_features))).astype(dtype)
    X.flags.writeable = labels.flags.writeable = False
    return X, labels


class Silhouette(PeerThreads):
    """Mean silhouette of every point: ``silhouette_score`` of fastkmeans or scikit-learn."""

    params = [list(SILHOUETTE_WORKLOADS), ["fastkmeans", "scikit-learn"], DTYPES, THREADS]
    param_names = ["workload", "implementation", "dtype", "n_threads"]
    timeout = 300

    def setup(self, workload, implementation, dtype, n_threads):
        X, labels = labelled_data(workload, dtype)
        n_threads = resolve_threads(n_threads)
        if implementation == "fastkmeans":
            self.work = functools.partial(fastkmeans.silhouette_score, X, labels,
                                          n_threads=n_threads)
        else:
            metrics = import_peer("sklearn.metrics")
            self.limit_threads(implementation, n_threads)
            self.work = functools.partial(metrics.silhouette_score, X, labels)

    def time_silhouette(self, *params):
        self.work()

    def peakmem_silhouette(self, *params):
        self.work()
