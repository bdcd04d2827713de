"""Nearest-center labels, ``fastkmeans.predict``, and distances to every center,
``fastkmeans.center_distances``, on dense and sparse (CSR) input.

Equal work: the same data and centers (rows of X); each point is compared
with every center.
"""
import functools

import fastkmeans

from .common import (
    ALL_WORKLOADS,
    DTYPES,
    REPRESENTATIONS,
    THREADS,
    Benchmark,
    resolve_threads,
    workload_data,
)


class Predict(Benchmark):
    """Labels of every point of X for k given centers."""

    params = [ALL_WORKLOADS, REPRESENTATIONS, DTYPES, THREADS]
    param_names = ["workload", "representation", "dtype", "n_threads"]
    timeout = 60

    def setup(self, workload, representation, dtype, n_threads):
        X, centers = workload_data(workload, representation, dtype)
        self.work = functools.partial(fastkmeans.predict, X, centers,
                                      n_threads=resolve_threads(n_threads))

    def time_predict(self, *params):
        self.work()

    def peakmem_predict(self, *params):
        self.work()


class CenterDistances(Benchmark):
    """Distances of every point of X to each of k given centers (an n x k array)."""

    params = [["tiny", "mid", "manyk", "text"], REPRESENTATIONS, DTYPES, THREADS]
    param_names = ["workload", "representation", "dtype", "n_threads"]
    timeout = 60

    def setup(self, workload, representation, dtype, n_threads):
        X, centers = workload_data(workload, representation, dtype)
        self.work = functools.partial(fastkmeans.center_distances, X, centers,
                                      n_threads=resolve_threads(n_threads))

    def time_center_distances(self, *params):
        self.work()

    def peakmem_center_distances(self, *params):
        self.work()
