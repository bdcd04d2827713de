"""fastkmeans' estimators against scikit-learn's, side by side in one process.

Run from the repository root (one benchmark at a time on a shared machine)::

    python benchmarks/scripts/compare_estimators.py [--threads 2]

MiniBatchKMeans, per epoch: both fit the same data from the same initial
centers with the same ``batch_size``, ``tol=0``, ``max_no_improvement=None``
and ``compute_labels=False``, so both run exactly ``EPOCHS * n // batch_size``
steps; time per epoch is the fit time over ``EPOCHS`` (it includes the
initialisation scoring and, for scikit-learn, its row norms: once per fit).
Final inertia: default stopping rules and ``compute_labels=True``, from the
same initial centers, over several ``random_state`` (the batches differ).

KMeans: a whole fit from the same initial centers (``n_init=1``, ``tol=0``,
``max_iter=KMEANS_ITERATIONS``): equal work unless the labels stop changing
earlier (the iteration counts are printed).

Times are the best of ``REPEATS`` interleaved runs; the ratio column is what to read.

``--sparse``: MiniBatchKMeans only, on SciPy CSR input (``SPARSE_SHAPE`` at
``SPARSE_DENSITY``, rows drawn from ``SPARSE_TOPICS`` topics of columns and
L2-normalised, like TF-IDF), ``SPARSE_CLUSTERS`` clusters, the same two
measures with ``SPARSE_EPOCHS`` epochs, ``SPARSE_REPEATS`` runs, ``SPARSE_SEEDS``.
"""
import argparse
import time

import numpy as np
import sklearn.cluster
from threadpoolctl import threadpool_limits

import fastkmeans

N_SAMPLES, N_FEATURES, N_CLUSTERS = 200_000, 32, 64
BATCH_SIZE = 1024
EPOCHS = 5
REPEATS = 5
SEEDS = range(5)
KMEANS_ITERATIONS = 20

SPARSE_SHAPE, SPARSE_DENSITY, SPARSE_CLUSTERS, SPARSE_TOPICS = (100_000, 10_000), 0.01, 50, 50
SPARSE_EPOCHS, SPARSE_REPEATS, SPARSE_SEEDS = 2, 3, range(3)


def blobs(dtype):
    """Gaussian blobs of equal spread around uniform random centers."""
    rng = np.random.default_rng(0)
    centers = rng.uniform(-10, 10, size=(N_CLUSTERS, N_FEATURES))
    labels = rng.integers(0, N_CLUSTERS, size=N_SAMPLES)
    X = centers[labels] + rng.normal(scale=2.0, size=(N_SAMPLES, N_FEATURES))
    return X.astype(dtype)


def sparse_topics(dtype):
    """CSR rows: half their nonzeros in their topic's columns, half anywhere."""
    import scipy.sparse
    rng = np.random.default_rng(0)
    n_samples, n_features = SPARSE_SHAPE
    per_row = int(SPARSE_DENSITY * n_features)
    topic_columns = rng.integers(0, n_features, size=(SPARSE_TOPICS, n_features // 10))
    topics = rng.integers(0, SPARSE_TOPICS, size=n_samples)
    in_topic = topic_columns[topics[:, None],
                             rng.integers(0, topic_columns.shape[1], (n_samples, per_row // 2))]
    anywhere = rng.integers(0, n_features, size=(n_samples, per_row - per_row // 2))
    columns = np.concatenate([in_topic, anywhere], axis=1).ravel()
    rows = np.repeat(np.arange(n_samples), per_row)
    values = rng.lognormal(size=rows.size)
    X = scipy.sparse.csr_matrix((values, (rows, columns)), shape=SPARSE_SHAPE)
    X.sum_duplicates()
    X = scipy.sparse.diags(1.0 / np.sqrt(X.multiply(X).sum(axis=1)).A1) @ X
    return X.tocsr().astype(dtype)


def best_times(ours, theirs, repeats=REPEATS):
    """Smallest wall time of each function over ``repeats`` interleaved calls
    (so that a busy spell of the machine hits both), and their last results."""
    times = {ours: [], theirs: []}
    results = {}
    for _ in range(repeats):
        for function in (ours, theirs):
            start = time.perf_counter()
            results[function] = function()
            times[function].append(time.perf_counter() - start)
    return min(times[ours]), min(times[theirs]), results[ours], results[theirs]


def minibatch_rows(X, init, n_threads, epochs=EPOCHS, repeats=REPEATS, seeds=SEEDS):
    n_clusters = init.shape[0]
    fixed = dict(n_clusters=n_clusters, init=init, n_init=1, batch_size=BATCH_SIZE,
                 max_iter=epochs, tol=0.0, max_no_improvement=None, compute_labels=False,
                 random_state=0)
    ours, theirs, fitted_ours, fitted_theirs = best_times(
        lambda: fastkmeans.MiniBatchKMeans(**fixed, n_threads=n_threads).fit(X),
        lambda: sklearn.cluster.MiniBatchKMeans(**fixed).fit(X), repeats)
    assert fitted_ours.n_steps_ == fitted_theirs.n_steps_ == epochs * X.shape[0] // BATCH_SIZE
    print(f"| MiniBatchKMeans, s/epoch | {theirs / epochs:.4f} | {ours / epochs:.4f} | "
          f"{theirs / ours:.2f}x |")

    inertias = {"ours": [], "theirs": []}
    for seed in seeds:
        default = dict(n_clusters=n_clusters, init=init, n_init=1, batch_size=BATCH_SIZE,
                       random_state=seed)
        inertias["ours"].append(
            fastkmeans.MiniBatchKMeans(**default, n_threads=n_threads).fit(X).inertia_)
        inertias["theirs"].append(sklearn.cluster.MiniBatchKMeans(**default).fit(X).inertia_)
    ours_mean, theirs_mean = np.mean(inertias["ours"]), np.mean(inertias["theirs"])
    print(f"| MiniBatchKMeans final inertia, mean of {len(seeds)} seeds | {theirs_mean:.6g} | "
          f"{ours_mean:.6g} | {ours_mean / theirs_mean - 1:+.4%} |")


def kmeans_row(X, init, n_threads):
    fixed = dict(n_clusters=N_CLUSTERS, init=init, n_init=1, max_iter=KMEANS_ITERATIONS, tol=0.0)
    ours, theirs, fitted_ours, fitted_theirs = best_times(
        lambda: fastkmeans.KMeans(**fixed, n_threads=n_threads).fit(X),
        lambda: sklearn.cluster.KMeans(**fixed).fit(X))
    iterations = f"{fitted_theirs.n_iter_}/{fitted_ours.n_iter_}"
    print(f"| KMeans fit, s (iterations sklearn/ours: {iterations}) | {theirs:.4f} | "
          f"{ours:.4f} | {theirs / ours:.2f}x |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sparse", action="store_true",
                        help="MiniBatchKMeans on sparse CSR input instead")
    args = parser.parse_args()
    n_threads = args.threads
    if args.sparse:
        title = (f"{SPARSE_SHAPE[0]} x {SPARSE_SHAPE[1]} CSR, density {SPARSE_DENSITY}, "
                 f"k={SPARSE_CLUSTERS}")
        tables(title, sparse_topics, SPARSE_CLUSTERS, n_threads,
               lambda X, init: minibatch_rows(X, init, n_threads, SPARSE_EPOCHS,
                                              SPARSE_REPEATS, SPARSE_SEEDS))
    else:
        def rows(X, init):
            minibatch_rows(X, init, n_threads)
            kmeans_row(X, init, n_threads)
        tables(f"{N_SAMPLES} x {N_FEATURES} blobs, k={N_CLUSTERS}", blobs, N_CLUSTERS,
               n_threads, rows)


def tables(title, make_data, n_clusters, n_threads, add_rows):
    """One table per dtype: the data, its k-means++ centers, then ``add_rows``."""
    print(f"{title}, batch_size={BATCH_SIZE}, {n_threads} threads for both, "
          f"scikit-learn {sklearn.__version__}\n")
    with threadpool_limits(limits=n_threads):
        for dtype in (np.float32, np.float64):
            X = make_data(dtype)
            init = fastkmeans.kmeans_plusplus(X, n_clusters, random_state=0)[0]
            print(f"{np.dtype(dtype).name}\n")
            print("| measure | scikit-learn | fastkmeans | ratio |")
            print("| --- | ---: | ---: | ---: |")
            add_rows(X, init)
            print()


if __name__ == "__main__":
    main()
