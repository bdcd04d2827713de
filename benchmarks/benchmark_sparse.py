"""Lloyd on SciPy CSR input: fastkmeans against scikit-learn at equal work.

Equal work as in benchmark_lloyd: the same initial centers (rows of X),
``n_init=1``, ``tol=0`` and ``ITERATIONS`` iterations. The data are random
sparse rows leaning towards a per-cluster set of columns
(``sparse_compare.make_data``); ``sparse_compare.py`` measures the reference
workload of issue 5 (100,000 x 10,000, 1%, k=50) with per-iteration ratios.
Skipped where SciPy (or, for the peer, scikit-learn) is not installed.
"""
import functools

import numpy as np

import fastkmeans

from .benchmark_peers import PeerThreads, import_peer
from .common import DTYPES, ITERATIONS, THREADS, resolve_threads
from .sparse_compare import make_data

#: name -> (n_samples, n_features, n_clusters, density)
SPARSE_WORKLOADS = {
    "tiny": (300, 50, 4, 0.1),                 # call overhead
    "text": (20_000, 10_000, 50, 0.01),        # reference 100,000 x 10,000, k=50, 1%
}


@functools.lru_cache(maxsize=None)
def sparse_data(workload, dtype):
    """CSR data of ``workload`` and its initial centers (``n_clusters`` rows of X, dense)."""
    import_peer("scipy.sparse")
    n_samples, n_features, n_clusters, density = SPARSE_WORKLOADS[workload]
    X = make_data(n_samples, n_features, density, n_clusters, dtype)
    rows = np.random.default_rng(1).choice(n_samples, n_clusters, replace=False)
    return X, X[rows].toarray()


class SparseFit(PeerThreads):
    """A whole fit on CSR input at fixed work (see the module docstring)."""

    params = [list(SPARSE_WORKLOADS), ["fastkmeans", "scikit-learn"], DTYPES, THREADS]
    param_names = ["workload", "implementation", "dtype", "n_threads"]
    timeout = 180

    def setup(self, workload, implementation, dtype, n_threads):
        X, init = sparse_data(workload, dtype)
        n_clusters = init.shape[0]
        n_threads = resolve_threads(n_threads)
        if implementation == "fastkmeans":
            self.work = functools.partial(
                fastkmeans.fit, X, n_clusters, init=init, n_init=1, max_iter=ITERATIONS,
                tol=0.0, n_threads=n_threads)
        else:
            kmeans = import_peer("sklearn.cluster").KMeans(
                n_clusters, init=init, n_init=1, max_iter=ITERATIONS, tol=0.0,
                algorithm="lloyd")
            self.work = functools.partial(kmeans.fit, X)
            self.limit_threads(implementation, n_threads)

    def time_fit(self, *params):
        self.work()

    def peakmem_fit(self, *params):
        self.work()
