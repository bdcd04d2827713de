"""Greedy k-means++ seeding, ``fastkmeans.kmeans_plusplus``, on dense and sparse input.

Equal work: the same data, seed and number of local trials per center
(``2 + floor(ln k)``).
"""
import functools

import fastkmeans

from .common import (
    DTYPES,
    REPRESENTATIONS,
    SEED,
    THREADS,
    Benchmark,
    resolve_threads,
    workload_data,
)


class KMeansPlusPlus(Benchmark):
    """``kmeans_plusplus``: k passes over X, each trying ``2 + floor(ln k)`` candidates."""

    params = [["mid", "manyk", "text"], REPRESENTATIONS, DTYPES, THREADS]
    param_names = ["workload", "representation", "dtype", "n_threads"]
    timeout = 120

    def setup(self, workload, representation, dtype, n_threads):
        X, init = workload_data(workload, representation, dtype)
        self.work = functools.partial(fastkmeans.kmeans_plusplus, X, init.shape[0],
                                      random_state=SEED, n_threads=resolve_threads(n_threads))

    def time_kmeans_plusplus(self, *params):
        self.work()

    def peakmem_kmeans_plusplus(self, *params):
        self.work()
