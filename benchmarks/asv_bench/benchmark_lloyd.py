"""Lloyd's algorithm at equal work, on dense and sparse (CSR) input.

Equal work: every run starts from the same initial centers (rows of X) with
``n_init=1``, ``tol=0`` and ``max_iter=ITERATIONS``, so that a change in
speed is never a change in the number of iterations. ``tol=0`` still stops
when no label changes (``tiny`` converges after 4 iterations and ``wide``
after 8, the others run all 10). ``benchmarks/scripts/reference_compare.py``
times the NumPy reference (``fastkmeans._reference``) on the same work.

``peakmem_`` is the peak memory of the whole benchmark process: the data and
the libraries as well as what fastkmeans allocates, so compare it between
commits on one workload.
"""
import functools

import fastkmeans

from .common import (
    ALL_WORKLOADS,
    DTYPES,
    ITERATIONS,
    REPRESENTATIONS,
    THREADS,
    Benchmark,
    resolve_threads,
    workload_data,
)

PARAMS = [ALL_WORKLOADS, REPRESENTATIONS, DTYPES, THREADS]
PARAM_NAMES = ["workload", "representation", "dtype", "n_threads"]


class LloydFit(Benchmark):
    """A whole fit at fixed work: ``fit`` with a given ``init`` (see the module docstring)."""

    params = PARAMS
    param_names = PARAM_NAMES
    timeout = 180

    def setup(self, workload, representation, dtype, n_threads):
        X, init = workload_data(workload, representation, dtype)
        self.work = functools.partial(
            fastkmeans.fit, X, init.shape[0], init=init, n_init=1, max_iter=ITERATIONS,
            tol=0.0, n_threads=resolve_threads(n_threads))

    def time_fit(self, *params):
        self.work()

    def peakmem_fit(self, *params):
        self.work()


class LloydIteration(Benchmark):
    """One Lloyd iteration through the public API: ``fit`` with ``max_iter=1``.

    One assignment of every point and one update of the centers, then fit's
    final assignment to the returned centers (with the exact inertia) and its
    input validation: about two assignment passes over X. It starts from the
    same centers every call, so its work does not depend on earlier calls.
    """

    params = PARAMS
    param_names = PARAM_NAMES
    timeout = 60

    def setup(self, workload, representation, dtype, n_threads):
        X, init = workload_data(workload, representation, dtype)
        self.work = functools.partial(
            fastkmeans.fit, X, init.shape[0], init=init, n_init=1, max_iter=1, tol=0.0,
            n_threads=resolve_threads(n_threads))

    def time_iteration(self, *params):
        self.work()

    def peakmem_iteration(self, *params):
        self.work()
