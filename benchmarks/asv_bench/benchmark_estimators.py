"""The estimators: MiniBatchKMeans epochs and KMeans.transform, with scikit-learn's.

MiniBatchKMeans at fixed work: the workload's initial centers, ``batch_size``
``BATCH_SIZE`` (at most n_samples), ``EPOCHS * n_samples // batch_size`` steps
(``tol=0``, ``max_no_improvement=None``), no final labelling. KMeans.transform
from fitted centers (the workload's initial ones). Dense and sparse (CSR) input.
``benchmarks/scripts/compare_estimators.py`` prints the side-by-side table of the docs.
"""
import functools

from .benchmark_peers import PeerThreads, import_peer
from .common import DTYPES, REPRESENTATIONS, SEED, THREADS, resolve_threads, workload_data

BATCH_SIZE = 1024
EPOCHS = 2
IMPLEMENTATIONS = ["fastkmeans", "scikit-learn"]


def estimator_class(implementation, name):
    """``fastkmeans.<name>`` or ``sklearn.cluster.<name>``."""
    module = "fastkmeans" if implementation == "fastkmeans" else "sklearn.cluster"
    return getattr(import_peer(module), name)


class EstimatorBenchmark(PeerThreads):
    """Threads for either implementation: fastkmeans' ``n_threads``, the peer's limits."""

    def estimator(self, implementation, name, n_threads, **params):
        cls = estimator_class(implementation, name)
        if implementation == "fastkmeans":
            return cls(**params, n_threads=n_threads)
        self.limit_threads(implementation, n_threads)
        return cls(**params)


class MiniBatchEpochs(EstimatorBenchmark):
    """``EPOCHS`` epochs of mini-batch k-means."""

    params = [["tiny", "lowd", "mid", "text"], IMPLEMENTATIONS, REPRESENTATIONS, DTYPES,
              THREADS]
    param_names = ["workload", "implementation", "representation", "dtype", "n_threads"]
    timeout = 120

    def setup(self, workload, implementation, representation, dtype, n_threads):
        X, init = workload_data(workload, representation, dtype)
        estimator = self.estimator(
            implementation, "MiniBatchKMeans", resolve_threads(n_threads),
            n_clusters=init.shape[0], init=init, n_init=1, batch_size=BATCH_SIZE,
            max_iter=EPOCHS, tol=0.0, max_no_improvement=None, compute_labels=False,
            random_state=SEED)
        self.work = functools.partial(estimator.fit, X)

    def time_fit(self, *params):
        self.work()


class KMeansTransform(EstimatorBenchmark):
    """Distances of every sample to every center."""

    params = [["tiny", "mid", "manyk", "text"], IMPLEMENTATIONS, REPRESENTATIONS, DTYPES,
              THREADS]
    param_names = ["workload", "implementation", "representation", "dtype", "n_threads"]
    timeout = 120

    def setup(self, workload, implementation, representation, dtype, n_threads):
        X, init = workload_data(workload, representation, dtype)
        estimator = self.estimator(implementation, "KMeans", resolve_threads(n_threads),
                                   n_clusters=init.shape[0], init=init, n_init=1, max_iter=1)
        estimator.fit(init)  # centers stay the initial ones: each is its own cluster
        self.work = functools.partial(estimator.transform, X)

    def time_transform(self, *params):
        self.work()

    def peakmem_transform(self, *params):
        self.work()
