"""Greedy k-means++ seeding: fastkmeans against its NumPy reference, at equal work.

Equal work: the same data, seed and number of local trials per center
(``2 + floor(ln k)``); the reference draws from its generator exactly as
fastkmeans does, so both choose the same centers.
"""
import functools

import numpy as np

import fastkmeans
from fastkmeans import _reference

from .common import DTYPES, SEED, THREADS, Benchmark, data, resolve_threads, unit_weights


def reference_kmeans_plusplus(X, n_clusters):
    """The reference with a fresh generator, so that every call draws alike."""
    return _reference.kmeans_plusplus(X, n_clusters, unit_weights(X.shape[0]),
                                      np.random.default_rng(SEED))


class KMeansPlusPlus(Benchmark):
    """``kmeans_plusplus``: k passes over X, each trying ``2 + floor(ln k)`` candidates."""

    params = [["mid", "manyk"], ["fastkmeans", "reference"], DTYPES, THREADS]
    param_names = ["workload", "implementation", "dtype", "n_threads"]
    timeout = 120

    def setup(self, workload, implementation, dtype, n_threads):
        X, init = data(workload, dtype)
        n_clusters = init.shape[0]
        if implementation == "fastkmeans":
            self.work = functools.partial(fastkmeans.kmeans_plusplus, X, n_clusters,
                                          random_state=SEED,
                                          n_threads=resolve_threads(n_threads))
        else:
            resolve_threads(n_threads, single_threaded=True)
            if workload == "manyk":  # one pass over X per candidate: about 20 s
                raise NotImplementedError("reference k-means++ too slow on manyk")
            self.work = functools.partial(reference_kmeans_plusplus, X, n_clusters)

    def time_kmeans_plusplus(self, *params):
        self.work()

    def peakmem_kmeans_plusplus(self, *params):
        self.work()
