"""Nearest-center labels: ``fastkmeans.predict`` against the reference ``assign_labels``.

Equal work: the same data and centers (the first k rows of X); each point is
compared with every center.
"""
import functools

import fastkmeans
from fastkmeans import _reference

from .common import DTYPES, THREADS, WORKLOADS, Benchmark, data, resolve_threads


class Predict(Benchmark):
    """Labels of every point of X for k given centers."""

    params = [list(WORKLOADS), ["fastkmeans", "reference"], DTYPES, THREADS]
    param_names = ["workload", "implementation", "dtype", "n_threads"]
    timeout = 60

    def setup(self, workload, implementation, dtype, n_threads):
        X, centers = data(workload, dtype)
        if implementation == "fastkmeans":
            self.work = functools.partial(fastkmeans.predict, X, centers,
                                          n_threads=resolve_threads(n_threads))
        else:
            resolve_threads(n_threads, single_threaded=True)
            self.work = functools.partial(_reference.assign_labels, X, centers)

    def time_predict(self, *params):
        self.work()

    def peakmem_predict(self, *params):
        self.work()
