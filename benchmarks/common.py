"""Workloads shared by the benchmarks: data built once per process from fixed seeds.

Every workload is scaled down from a reference workload (in the comments) so
that a whole ``asv run`` stays well under ten minutes on a two-core machine;
the shapes keep what each one stresses (few features, many features, many
clusters).
"""
import functools

import numpy as np

from fastkmeans._threads import default_n_threads

#: name -> (n_samples, n_features, n_clusters)
WORKLOADS = {
    "tiny": (300, 2, 4),             # call overhead: validation, set-up, dispatch
    "lowd": (200_000, 2, 8),         # reference 1,000,000 x 2, k=8
    "mid": (50_000, 32, 64),         # reference 200,000 x 32, k=64
    "wide": (10_000, 784, 10),       # reference 60,000 x 784, k=10 (MNIST-like)
    "manyk": (20_000, 64, 256),      # reference 100,000 x 64, k=1000
}
DTYPES = ["float32", "float64"]
THREADS = [1, "all"]

#: Lloyd iterations of a fixed-work fit (``max_iter``, with ``tol=0``).
ITERATIONS = 10

#: Seed of every randomised benchmark (k-means++).
SEED = 0

#: The workload tests/test_benchmarks.py runs every benchmark on, whatever the
#: benchmark's own workloads are, so that the whole suite is checked in seconds.
SMOKE_WORKLOAD = "tiny"


class Benchmark:
    """asv timing settings shared by every benchmark class.

    asv starts a process for every parameter combination and round (about
    half a second each, longer than most of these benchmarks take), so the
    suite runs one round instead of asv's two: up to 10 samples, fewer once
    2 seconds have gone by; a call slower than a second runs twice, a warm-up
    and one sample.
    """

    rounds = 1
    repeat = (1, 10, 2.0)


# Rows are generated in chunks of about this many values, so that building the
# data adds little to the peak memory that peakmem_ benchmarks report.
_CHUNK_VALUES = 1 << 16


@functools.lru_cache(maxsize=None)
def data(workload, dtype):
    """Gaussian blobs of ``workload`` and their fixed initial centers.

    Parameters
    ----------
    workload : str
        A key of :data:`WORKLOADS`.
    dtype : {'float32', 'float64'}
        The float32 data are the float64 data rounded, so that the two dtypes
        are compared on the same points.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), read-only, C order
    init : ndarray of shape (n_clusters, n_features), read-only
        The first ``n_clusters`` rows of ``X``: a random sample, since the
        rows come in random order.
    """
    n_samples, n_features, n_clusters = WORKLOADS[workload]
    rng = np.random.default_rng(0)
    means = rng.uniform(-10, 10, size=(n_clusters, n_features))
    labels = rng.integers(0, n_clusters, size=n_samples)
    # Scaled with sqrt(n_features) so the blobs overlap alike in every dimension.
    scale = 0.5 * np.sqrt(n_features)
    X = np.empty((n_samples, n_features), dtype=dtype)
    rows = max(1, _CHUNK_VALUES // n_features)
    for start in range(0, n_samples, rows):
        chunk = labels[start:start + rows]
        X[start:start + rows] = means[chunk] + rng.normal(scale=scale,
                                                           size=(chunk.size, n_features))
    init = X[:n_clusters].copy()
    # Shared by every benchmark in the process: a write would change the work
    # of the next one.
    X.flags.writeable = init.flags.writeable = False
    return X, init


@functools.lru_cache(maxsize=None)
def unit_weights(n_samples):
    """Read-only float64 ones: the ``sample_weight`` of an unweighted problem."""
    weights = np.ones(n_samples)
    weights.flags.writeable = False
    return weights


def resolve_threads(n_threads, *, single_threaded=False):
    """The thread count a ``n_threads`` parameter value stands for.

    Parameters
    ----------
    n_threads : 1 or 'all'
        ``'all'`` is what fastkmeans uses by default (CPUs available to the
        process, OpenMP limits honoured); peers get the same count.
    single_threaded : bool
        The implementation has no threads to set (the NumPy reference).

    Raises
    ------
    NotImplementedError
        When the combination would repeat the ``n_threads=1`` one: asv
        reports it as skipped.
    """
    if n_threads == 1:
        return 1
    if single_threaded:
        raise NotImplementedError("single-threaded: n_threads=1 measures it")
    count = default_n_threads()
    if count == 1:
        raise NotImplementedError("one thread available: n_threads=1 measures it")
    return count
