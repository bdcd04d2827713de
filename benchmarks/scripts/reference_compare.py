"""fastkmeans against its NumPy specification, ``fastkmeans._reference``, at equal work.

The asv suite (``benchmarks/asv_bench``) uses the public API only, so that it
can measure any commit; the reference is private, so its timings live here.
Equal work as in the asv suite: the same blobs and initial centers (the first
k rows of X), ``n_init=1``, ``tol=0`` and ``--iterations`` Lloyd iterations;
k-means++ with the same seed and local trials; labels of every point; the
silhouette of every point. Prints the best of ``--repeat`` runs of each and
the ratio reference / fastkmeans, on ``--threads`` threads for fastkmeans
(the reference is single-threaded NumPy, with whatever threads its BLAS uses).

Usage::

    python benchmarks/scripts/reference_compare.py [--threads 1] [--repeat 3]
"""
import argparse
import time

import numpy as np

import fastkmeans
from fastkmeans import _reference

#: name -> (n_samples, n_features, n_clusters), as the asv suite's workloads
WORKLOADS = {
    "tiny": (300, 2, 4),
    "lowd": (200_000, 2, 8),
    "mid": (50_000, 32, 64),
}


def blobs(n_samples, n_features, n_clusters, dtype, seed=0):
    """Gaussian blobs; the first ``n_clusters`` rows are the initial centers."""
    rng = np.random.default_rng(seed)
    means = rng.uniform(-10, 10, size=(n_clusters, n_features))
    labels = rng.integers(0, n_clusters, size=n_samples)
    X = means[labels] + rng.normal(scale=0.5 * np.sqrt(n_features),
                                   size=(n_samples, n_features))
    X = X.astype(dtype)
    return X, X[:n_clusters].copy(), labels


def best_of(repeat, function):
    """The fastest of ``repeat`` calls, in seconds."""
    best = np.inf
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def cases(X, init, labels, iterations, n_threads):
    """name -> (fastkmeans call, reference call), the same work each."""
    k = init.shape[0]
    weights = np.ones(X.shape[0])
    result = {
        "fit": (lambda: fastkmeans.fit(X, k, init=init, n_init=1, max_iter=iterations,
                                       tol=0.0, n_threads=n_threads),
                lambda: _reference.lloyd(X, init, max_iter=iterations, tol=0.0)),
        "predict": (lambda: fastkmeans.predict(X, init, n_threads=n_threads),
                    lambda: _reference.assign_labels(X, init)),
        "k-means++": (lambda: fastkmeans.kmeans_plusplus(X, k, random_state=0,
                                                         n_threads=n_threads),
                      lambda: _reference.kmeans_plusplus(X, k, weights,
                                                         np.random.default_rng(0))),
    }
    if X.shape[0] <= 5_000:  # quadratic in n
        result["silhouette"] = (
            lambda: fastkmeans.silhouette_score(X, labels, n_threads=n_threads),
            lambda: _reference.silhouette_samples(X, labels))
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    args = parser.parse_args(argv)
    print("| workload | dtype | what | fastkmeans (s) | reference (s) | reference / fastkmeans |")
    print("|---|---|---|---|---|---|")
    for workload in args.workloads.split(","):
        for dtype in ("float32", "float64"):
            X, init, labels = blobs(*WORKLOADS[workload], dtype)
            for name, (ours, reference) in cases(X, init, labels, args.iterations,
                                                 args.threads).items():
                ours_s = best_of(args.repeat, ours)
                reference_s = best_of(args.repeat, reference)
                print(f"| {workload} | {dtype} | {name} | {ours_s:.4f} | {reference_s:.4f} | "
                      f"{reference_s / ours_s:.1f}x |", flush=True)


if __name__ == "__main__":
    main()
