"""Lloyd's algorithm: fastkmeans against its NumPy reference, at equal work.

Equal work: every implementation starts from the same initial centers (the
first k rows of X) with ``n_init=1``, ``tol=0`` and ``max_iter=ITERATIONS``,
so that a change in speed is never a change in the number of iterations.
``tol=0`` still stops when no label changes; fastkmeans and the reference
share that rule, so they stop at the same iteration (``tiny`` converges after
4 iterations and ``wide`` after 8, the others run all 10).

``peakmem_`` is the peak memory of the whole benchmark process: the data and
the libraries as well as what the implementation allocates, so compare it
between implementations on one workload.
"""
import functools

import numpy as np

import fastkmeans
from fastkmeans import _lloyd, _reference

from .common import (
    DTYPES, ITERATIONS, THREADS, WORKLOADS, Benchmark, data, resolve_threads, unit_weights,
)

PARAMS = [list(WORKLOADS), ["fastkmeans", "reference"], DTYPES, THREADS]
PARAM_NAMES = ["workload", "implementation", "dtype", "n_threads"]

# The reference takes seconds per fit on the larger workloads; there one
# iteration (LloydIteration) measures it.
REFERENCE_FIT_WORKLOADS = ("tiny", "lowd", "mid")


class LloydFit(Benchmark):
    """A whole fit at fixed work: ``fit`` with a given ``init`` (see the module docstring)."""

    params = PARAMS
    param_names = PARAM_NAMES
    timeout = 120

    def setup(self, workload, implementation, dtype, n_threads):
        X, init = data(workload, dtype)
        n_clusters = init.shape[0]
        if implementation == "fastkmeans":
            self.work = functools.partial(
                fastkmeans.fit, X, n_clusters, init=init, n_init=1, max_iter=ITERATIONS,
                tol=0.0, n_threads=resolve_threads(n_threads))
        else:
            resolve_threads(n_threads, single_threaded=True)
            if workload not in REFERENCE_FIT_WORKLOADS:
                raise NotImplementedError(f"reference fit too slow on {workload}")
            self.work = functools.partial(_reference.lloyd, X, init, max_iter=ITERATIONS,
                                          tol=0.0)

    def time_fit(self, *params):
        self.work()

    def peakmem_fit(self, *params):
        self.work()


class LloydIteration(Benchmark):
    """One Lloyd iteration: assign every point to its nearest center and sum the clusters.

    The work of an iteration does not depend on the labels it starts from, so
    it stays the same whether or not asv re-runs ``setup`` between calls.
    """

    params = PARAMS
    param_names = PARAM_NAMES
    timeout = 60

    def setup(self, workload, implementation, dtype, n_threads):
        X, centers = data(workload, dtype)
        n_samples, (n_clusters, n_features) = X.shape[0], centers.shape
        labels = np.full(n_samples, -1, dtype=np.int32)
        if implementation == "fastkmeans":
            self.work = functools.partial(
                _lloyd.lloyd_iteration, X, unit_weights(n_samples), centers, labels,
                np.empty((n_clusters, n_features)), np.empty(n_clusters),
                resolve_threads(n_threads))
        else:
            resolve_threads(n_threads, single_threaded=True)
            self.work = functools.partial(_reference.lloyd_iteration, X,
                                          unit_weights(n_samples), centers, labels)

    def time_iteration(self, *params):
        self.work()

    def peakmem_iteration(self, *params):
        self.work()
