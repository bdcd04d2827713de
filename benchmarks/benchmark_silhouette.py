"""Silhouette score: fastkmeans against the NumPy reference and scikit-learn.

Equal work: the same points and labels, every pair of points (no
``sample_size``). The silhouette is quadratic in n, so its workloads are its
own, smaller than the fits'. scikit-learn is skipped when not installed.
"""
import functools

import numpy as np

import fastkmeans
from fastkmeans import _reference

from .benchmark_peers import PeerThreads, import_peer
from .common import DTYPES, THREADS, Benchmark, resolve_threads

#: name -> (n_samples, n_features, n_clusters)
SILHOUETTE_WORKLOADS = {
    "tiny": (300, 2, 4),
    "mid": (5_000, 32, 8),
}


@functools.lru_cache(maxsize=None)
def labelled_data(workload, dtype):
    """Overlapping Gaussian blobs and their generating labels (read-only)."""
    n_samples, n_features, n_clusters = SILHOUETTE_WORKLOADS[workload]
    rng = np.random.default_rng(0)
    labels = rng.integers(0, n_clusters, size=n_samples)
    means = rng.uniform(-5, 5, size=(n_clusters, n_features))
    X = (means[labels] + rng.normal(size=(n_samples, n_features))).astype(dtype)
    X.flags.writeable = labels.flags.writeable = False
    return X, labels


class Silhouette(Benchmark):
    """Mean silhouette of every point."""

    params = [list(SILHOUETTE_WORKLOADS), ["fastkmeans", "reference"], DTYPES, THREADS]
    param_names = ["workload", "implementation", "dtype", "n_threads"]
    timeout = 120

    def setup(self, workload, implementation, dtype, n_threads):
        X, labels = labelled_data(workload, dtype)
        if implementation == "fastkmeans":
            self.work = functools.partial(fastkmeans.silhouette_score, X, labels,
                                          n_threads=resolve_threads(n_threads))
        else:
            resolve_threads(n_threads, single_threaded=True)
            self.work = functools.partial(_reference.silhouette_samples, X, labels)

    def time_silhouette(self, *params):
        self.work()

    def peakmem_silhouette(self, *params):
        self.work()


class SilhouettePeers(PeerThreads):
    """scikit-learn's ``silhouette_score`` on the same points and labels."""

    params = [list(SILHOUETTE_WORKLOADS), ["scikit-learn"], DTYPES, THREADS]
    param_names = ["workload", "implementation", "dtype", "n_threads"]
    timeout = 300

    def setup(self, workload, implementation, dtype, n_threads):
        metrics = import_peer("sklearn.metrics")
        X, labels = labelled_data(workload, dtype)
        self.limit_threads(implementation, resolve_threads(n_threads))
        self.work = functools.partial(metrics.silhouette_score, X, labels)

    def time_silhouette(self, *params):
        self.work()

    def peakmem_silhouette(self, *params):
        self.work()
