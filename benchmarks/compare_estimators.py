"""fastkmeans' estimators against scikit-learn's, side by side in one process.

Run from the repository root (one benchmark at a time on a shared machine)::

    python benchmarks/compare_estimators.py [--threads 2]

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


def blobs(dtype):
    """Gaussian blobs of equal spread around uniform random centers."""
    rng = np.random.default_rng(0)
    centers = rng.uniform(-10, 10, size=(N_CLUSTERS, N_FEATURES))
    labels = rng.integers(0, N_CLUSTERS, size=N_SAMPLES)
    X = centers[labels] + rng.normal(scale=2.0, size=(N_SAMPLES, N_FEATURES))
    return X.astype(dtype)


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


def minibatch_rows(X, init, n_threads):
    fixed = dict(n_clusters=N_CLUSTERS, init=init, n_init=1, batch_size=BATCH_SIZE,
                 max_iter=EPOCHS, tol=0.0, max_no_improvement=None, compute_labels=False,
                 random_state=0)
    ours, theirs, fitted_ours, fitted_theirs = best_times(
        lambda: fastkmeans.MiniBatchKMeans(**fixed, n_threads=n_threads).fit(X),
        lambda: sklearn.cluster.MiniBatchKMeans(**fixed).fit(X))
    assert fitted_ours.n_steps_ == fitted_theirs.n_steps_ == EPOCHS * N_SAMPLES // BATCH_SIZE
    print(f"| MiniBatchKMeans, s/epoch | {theirs / EPOCHS:.4f} | {ours / EPOCHS:.4f} | "
          f"{theirs / ours:.2f}x |")

    inertias = {"ours": [], "theirs": []}
    for seed in SEEDS:
        default = dict(n_clusters=N_CLUSTERS, init=init, n_init=1, batch_size=BATCH_SIZE,
                       random_state=seed)
        inertias["ours"].append(
            fastkmeans.MiniBatchKMeans(**default, n_threads=n_threads).fit(X).inertia_)
        inertias["theirs"].append(sklearn.cluster.MiniBatchKMeans(**default).fit(X).inertia_)
    ours_mean, theirs_mean = np.mean(inertias["ours"]), np.mean(inertias["theirs"])
    print(f"| MiniBatchKMeans final inertia, mean of {len(SEEDS)} seeds | {theirs_mean:.6g} | "
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
    n_threads = parser.parse_args().threads
    print(f"{N_SAMPLES} x {N_FEATURES} blobs, k={N_CLUSTERS}, batch_size={BATCH_SIZE}, "
          f"{n_threads} threads for both, scikit-learn {sklearn.__version__}\n")
    with threadpool_limits(limits=n_threads):
        for dtype in (np.float32, np.float64):
            X = blobs(dtype)
            init = fastkmeans.kmeans_plusplus(X, N_CLUSTERS, random_state=0)[0]
            print(f"{np.dtype(dtype).name}\n")
            print("| measure | scikit-learn | fastkmeans | ratio |")
            print("| --- | ---: | ---: | ---: |")
            minibatch_rows(X, init, n_threads)
            kmeans_row(X, init, n_threads)
            print()


if __name__ == "__main__":
    main()
