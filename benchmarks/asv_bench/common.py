"""Workloads shared by the benchmarks: data built once per process from fixed seeds.

Every workload is scaled down from a reference workload (in the comments) so
that a whole ``asv run`` stays well under ten minutes on a two-core machine;
the shapes keep what each one stresses (few features, many features, many
clusters, sparse rows).

The suite uses fastkmeans' public API only (``fastkmeans.<name>`` without a
leading underscore), so that asv can measure any past or future commit
whatever the private modules are called then; tests/test_benchmarks.py
checks it. Input type is a benchmark parameter, ``representation``:
``'dense'`` NumPy arrays or ``'sparse'`` SciPy CSR matrices.
"""
import functools

import numpy as np

import fastkmeans

#: name -> (n_samples, n_features, n_clusters), dense blobs
WORKLOADS = {
    "tiny": (300, 2, 4),             # call overhead: validation, set-up, dispatch
    "lowd": (200_000, 2, 8),         # reference 1,000,000 x 2, k=8
    "mid": (50_000, 32, 64),         # reference 200,000 x 32, k=64
    "wide": (10_000, 784, 10),       # reference 60,000 x 784, k=10 (MNIST-like)
    "manyk": (20_000, 64, 256),      # reference 100,000 x 64, k=1000
}
#: name -> (n_samples, n_features, n_clusters, density), sparse rows (CSR)
SPARSE_WORKLOADS = {
    "tiny": (300, 50, 4, 0.1),                 # call overhead
    "text": (20_000, 10_000, 50, 0.01),        # reference 100,000 x 10,000, k=50, 1%
}
#: Every workload name, dense or sparse: the ``workload`` parameter of a benchmark
#: that takes both representations (a combination that does not exist is skipped).
ALL_WORKLOADS = list(WORKLOADS) + [name for name in SPARSE_WORKLOADS if name not in WORKLOADS]
REPRESENTATIONS = ["dense", "sparse"]
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


@functools.cache
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


def make_sparse_rows(n_samples, n_features, density, n_clusters, dtype, seed=0):
    """Random CSR rows whose nonzeros lean towards a per-cluster set of columns.

    Half of each row's nonzeros are drawn from the columns of its cluster's
    topic (``n_features / n_clusters`` columns), half uniformly: clusters are
    there to find, and the nonzeros per row are ``density * n_features``.
    (``benchmarks/scripts/sparse_compare.py`` uses it too.)
    """
    import scipy.sparse as sp
    rng = np.random.default_rng(seed)
    per_row = max(1, int(round(density * n_features)))
    topic_width = max(per_row, n_features // n_clusters)
    topics = rng.integers(0, n_clusters, size=n_samples)
    topic_columns = (topics[:, None] * (n_features // n_clusters)
                     + rng.integers(0, topic_width, size=(n_samples, per_row // 2))) % n_features
    uniform_columns = rng.integers(0, n_features, size=(n_samples, per_row - per_row // 2))
    columns = np.concatenate([topic_columns, uniform_columns], axis=1)
    rows = np.repeat(np.arange(n_samples), per_row)
    values = rng.uniform(0.0, 1.0, size=rows.size)
    X = sp.csr_matrix((values, (rows, columns.ravel())), shape=(n_samples, n_features))
    X.sum_duplicates()
    return X.astype(dtype)


@functools.cache
def sparse_data(workload, dtype):
    """CSR data of a :data:`SPARSE_WORKLOADS` workload and its initial centers.

    Returns
    -------
    X : scipy.sparse.csr_matrix of shape (n_samples, n_features)
    init : ndarray of shape (n_clusters, n_features), read-only
        ``n_clusters`` rows of ``X`` chosen at random, dense.
    """
    try:
        import scipy.sparse  # noqa: F401
    except ImportError as exc:
        raise NotImplementedError(f"scipy is not installed: {exc}") from None
    n_samples, n_features, n_clusters, density = SPARSE_WORKLOADS[workload]
    X = make_sparse_rows(n_samples, n_features, density, n_clusters, dtype)
    rows = np.random.default_rng(1).choice(n_samples, n_clusters, replace=False)
    init = X[rows].toarray()
    init.flags.writeable = False
    return X, init


def workload_data(workload, representation, dtype):
    """``(X, init)`` of ``workload`` as ``representation``: :func:`data` or :func:`sparse_data`.

    Raises
    ------
    NotImplementedError
        When the workload has no such representation: asv reports a skip.
    """
    workloads = WORKLOADS if representation == "dense" else SPARSE_WORKLOADS
    if workload not in workloads:
        raise NotImplementedError(f"no {representation} {workload} workload")
    if representation == "dense":
        return data(workload, dtype)
    return sparse_data(workload, dtype)


def resolve_threads(n_threads):
    """The thread count a ``n_threads`` parameter value stands for.

    Parameters
    ----------
    n_threads : 1 or 'all'
        ``'all'`` is what fastkmeans uses by default (CPUs available to the
        process, OpenMP limits honoured); peers get the same count.

    Raises
    ------
    NotImplementedError
        When the combination would repeat the ``n_threads=1`` one: asv
        reports it as skipped.
    """
    if n_threads == 1:
        return 1
    try:
        config = fastkmeans.show_config(mode="dicts")
    except TypeError:  # commits before show_config took mode= (asv measures old commits)
        config = fastkmeans.show_config(print_out=False)
    count = config["n_threads"]
    if count == 1:
        raise NotImplementedError("one thread available: n_threads=1 measures it")
    return count
