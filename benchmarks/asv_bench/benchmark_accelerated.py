"""Time to convergence of every exact variant: Lloyd, Hamerly, Elkan, Yinyang, auto.

Unlike the fixed-work Lloyd benchmarks, these run full fits (default ``tol``,
``max_iter=300``) from the same initial centers: the variants reach the same
labels in the same number of iterations, so the time is comparable and the
bounds' savings show. benchmarks/scripts/accelerated_compare.py measures the issue's
larger workloads side by side with scikit-learn.
"""
import functools

import fastkmeans

from .common import DTYPES, WORKLOADS, Benchmark, data, resolve_threads

ALGORITHMS = ["lloyd", "hamerly", "elkan", "yinyang", "auto"]


class ConvergedFit(Benchmark):
    """A fit to convergence with ``algorithm`` (see the module docstring)."""

    params = [list(WORKLOADS), ALGORITHMS, DTYPES, [1]]
    # "implementation": tests/test_benchmarks.py runs every one of them
    param_names = ["workload", "implementation", "dtype", "n_threads"]
    timeout = 120

    def setup(self, workload, algorithm, dtype, n_threads):
        X, init = data(workload, dtype)
        self.work = functools.partial(
            fastkmeans.fit, X, init.shape[0], init=init, n_init=1, algorithm=algorithm,
            n_threads=resolve_threads(n_threads))

    def time_fit(self, *params):
        self.work()

    def peakmem_fit(self, *params):
        self.work()
