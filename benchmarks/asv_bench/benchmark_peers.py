"""Peers on fastkmeans' workloads: scikit-learn and faiss, when installed.

Equal work, as in benchmark_lloyd (dense and sparse input): the same initial centers, one run,
``tol=0`` and ``ITERATIONS`` iterations. scikit-learn shares fastkmeans' stopping
rules (it stops when no label changes, at the same iteration); faiss has no
such rule and always runs all ``ITERATIONS``, so on ``wide``, which converges
after 8, it does more work. faiss clusters float32 data only and has no
k-means++ and no sparse input. A peer that is not installed is skipped.
"""
import functools
import importlib

from .common import (
    ALL_WORKLOADS,
    DTYPES,
    ITERATIONS,
    REPRESENTATIONS,
    SEED,
    THREADS,
    Benchmark,
    resolve_threads,
    workload_data,
)


def import_peer(module_name):
    """``importlib.import_module``, with a missing peer reported to asv as a skip."""
    try:
        return importlib.import_module(module_name)
    except ImportError as exc:
        raise NotImplementedError(f"{module_name} is not installed: {exc}") from None


def faiss_fit(faiss, X, init):
    """faiss k-means at fixed work: every point used, exactly ITERATIONS iterations."""
    n_clusters, n_features = init.shape
    kmeans = faiss.Kmeans(n_features, n_clusters, niter=ITERATIONS, nredo=1,
                          # no subsampling of X, no warning on small clusters
                          max_points_per_centroid=2**30, min_points_per_centroid=1)
    if hasattr(kmeans.cp, "early_stop_threshold"):  # newer faiss: never stop early
        kmeans.cp.early_stop_threshold = -1.0
    kmeans.train(X, init_centroids=init)
    return kmeans


class PeerThreads(Benchmark):
    """Limits the peer's threads in ``setup``; ``teardown`` lifts the limit."""

    _restore_threads = None

    def limit_threads(self, implementation, n_threads):
        if implementation == "scikit-learn":
            limits = import_peer("threadpoolctl").threadpool_limits(limits=n_threads)
            self._restore_threads = limits.restore_original_limits
        else:
            faiss = import_peer("faiss")
            self._restore_threads = functools.partial(faiss.omp_set_num_threads,
                                                      faiss.omp_get_max_threads())
            faiss.omp_set_num_threads(n_threads)

    def teardown(self, *params):
        if self._restore_threads is not None:  # asv tears down skipped combinations too
            self._restore_threads()
            self._restore_threads = None


class PeerFit(PeerThreads):
    """A whole fit at fixed work, as ``benchmark_lloyd.LloydFit``."""

    # Not "tiny": the peers' call overhead is not worth a second (importing
    # scikit-learn) per measurement.
    params = [[name for name in ALL_WORKLOADS if name != "tiny"], ["scikit-learn", "faiss"],
              REPRESENTATIONS, DTYPES, THREADS]
    param_names = ["workload", "implementation", "representation", "dtype", "n_threads"]
    timeout = 180

    def setup(self, workload, implementation, representation, dtype, n_threads):
        X, init = workload_data(workload, representation, dtype)
        n_clusters = init.shape[0]
        n_threads = resolve_threads(n_threads)
        if implementation == "scikit-learn":
            kmeans = import_peer("sklearn.cluster").KMeans(
                n_clusters, init=init, n_init=1, max_iter=ITERATIONS, tol=0.0,
                algorithm="lloyd")
            self.work = functools.partial(kmeans.fit, X)
        else:
            faiss = import_peer("faiss")
            if dtype != "float32" or representation != "dense":
                raise NotImplementedError("faiss clusters dense float32 data only")
            self.work = functools.partial(faiss_fit, faiss, X, init)
        self.limit_threads(implementation, n_threads)

    def time_fit(self, *params):
        self.work()

    def peakmem_fit(self, *params):
        self.work()


class PeerKMeansPlusPlus(PeerThreads):
    """Greedy k-means++, as ``benchmark_init.KMeansPlusPlus`` (same number of local trials)."""

    params = [["mid", "manyk", "text"], ["scikit-learn"], REPRESENTATIONS, DTYPES, THREADS]
    param_names = ["workload", "implementation", "representation", "dtype", "n_threads"]
    timeout = 120

    def setup(self, workload, implementation, representation, dtype, n_threads):
        X, init = workload_data(workload, representation, dtype)
        n_threads = resolve_threads(n_threads)
        self.work = functools.partial(import_peer("sklearn.cluster").kmeans_plusplus,
                                      X, init.shape[0], random_state=SEED)
        self.limit_threads(implementation, n_threads)

    def time_kmeans_plusplus(self, *params):
        self.work()

    def peakmem_kmeans_plusplus(self, *params):
        self.work()
