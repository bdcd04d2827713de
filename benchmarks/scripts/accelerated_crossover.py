"""The crossover table behind ``algorithm="auto"``: time to convergence of
Lloyd, Hamerly and Yinyang (Elkan never won here) over a grid of (d, k).

Run from the repository root::

    python benchmarks/scripts/accelerated_crossover.py [--threads 1]

Blobs with k clusters (fixed seed), k-means++ initial centers computed once
and shared, default ``tol``, full fits, the runs interleaved and the median
of ``--repeats`` kept. Prints a markdown table of each variant's time over
Lloyd's.

``--embeddings``: spherical k-means of unit rows instead
(``embeddings_compare.make_embeddings``, 4 k mixture components), from k
random rows, ``tol=0``, at most 20 iterations, as embeddings are clustered
(see docs/embeddings.md).
"""
import argparse
import statistics
import time

import numpy as np
from embeddings_compare import make_embeddings

import fastkmeans

ALGORITHMS = ("lloyd", "hamerly", "yinyang")


def blobs(n_samples, n_features, n_clusters, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.uniform(-10.0, 10.0, size=(n_clusters, n_features))
    labels = rng.integers(0, n_clusters, size=n_samples)
    return centers[labels] + rng.normal(size=(n_samples, n_features))


def workload(args, n_features, n_clusters):
    """(X, initial centers, other fit options) of one cell of the grid."""
    if args.embeddings:
        X = make_embeddings(args.samples, n_features, 4 * n_clusters)
        rows = np.random.default_rng(1).choice(args.samples, n_clusters, replace=False)
        return X, X[np.sort(rows)].copy(), {"spherical": True, "tol": 0.0, "max_iter": 20}
    X = blobs(args.samples, n_features, n_clusters)
    init = fastkmeans.kmeans_plusplus(X, n_clusters, random_state=0, n_threads=args.threads)[0]
    return X, init, {}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=50_000)
    parser.add_argument("--features", default="2,4,8,16,32,64")
    parser.add_argument("--clusters", default="10,32,100,300")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--embeddings", action="store_true",
                        help="spherical k-means of unit rows from random rows, tol=0")
    args = parser.parse_args(argv)
    print(f"{args.samples} samples{' (embeddings)' if args.embeddings else ''}, "
          f"{args.threads} thread(s), median of {args.repeats}\n")
    print("| d | k | n_iter | lloyd s | hamerly / lloyd | yinyang / lloyd |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n_features in map(int, args.features.split(",")):
        for n_clusters in map(int, args.clusters.split(",")):
            X, init, options = workload(args, n_features, n_clusters)
            times = {name: [] for name in ALGORITHMS}
            for _ in range(args.repeats):
                for name in ALGORITHMS:
                    started = time.perf_counter()
                    result = fastkmeans.fit(X, n_clusters, init=init, algorithm=name,
                                            n_threads=args.threads, **options)
                    times[name].append(time.perf_counter() - started)
            median = {name: statistics.median(values) for name, values in times.items()}
            print(f"| {n_features} | {n_clusters} | {result.n_iter} | {median['lloyd']:.3f} | "
                  f"{median['hamerly'] / median['lloyd']:.2f} | "
                  f"{median['yinyang'] / median['lloyd']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
