"""Sparse (CSR) k-means: fastkmeans against scikit-learn at equal work, side by side.

Equal work: the same CSR matrix, the same initial centers (``k`` rows of X),
``n_init=1``, ``tol=0`` and ``max_iter`` iterations for both (``tol=0`` still
stops when no label changes; the iteration counts are printed and checked),
both on the same number of threads (threadpoolctl for scikit-learn,
``n_threads`` for fastkmeans). Reports the whole fit and one Lloyd iteration
(assignment and update: the sparse step's ``assign_and_sum`` and
``move_centers`` against scikit-learn's ``lloyd_iter_chunked_sparse``) and
greedy k-means++ (``2 + ln k`` candidates per center in both), as the ratio
scikit-learn / fastkmeans of the best of ``--repeat`` runs, measured in one
process.

Usage (reference workload of issue 5)::

    python benchmarks/scripts/sparse_compare.py \\
        --n-samples 100000 --n-features 10000 --density 0.01 --n-clusters 50 \\
        --max-iter 20 --threads 2
"""
import argparse
import pathlib
import sys
import time

import numpy as np

# the data generator is the asv suite's (benchmarks/asv_bench/common.py)
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from asv_bench.common import make_sparse_rows  # noqa: E402


def make_data(n_samples, n_features, density, n_clusters, dtype, seed=0):
    """The asv suite's topic-like CSR rows (``asv_bench.common.make_sparse_rows``)."""
    return make_sparse_rows(n_samples, n_features, density, n_clusters, dtype, seed)


def best_of_alternating(functions, repeat):
    """Fastest of ``repeat`` calls of each function, in seconds, calls alternating.

    Alternating (a, b, a, b, ...) exposes both sides alike to the load of a
    shared machine. Returns the times and the last result of each function.
    """
    best = [np.inf] * len(functions)
    results = [None] * len(functions)
    for _ in range(repeat):
        for position, function in enumerate(functions):
            started = time.perf_counter()
            results[position] = function()
            best[position] = min(best[position], time.perf_counter() - started)
    return best, results


def compare(X, init, max_iter, n_threads, repeat):
    """Times of the whole fit and of one iteration for both libraries."""
    from sklearn.cluster import KMeans, kmeans_plusplus
    from sklearn.cluster._k_means_lloyd import lloyd_iter_chunked_sparse
    from threadpoolctl import threadpool_limits

    import fastkmeans
    from fastkmeans._validation import check_sparse_data

    n_clusters = init.shape[0]

    def ours():
        return fastkmeans.fit(X, n_clusters, init=init, n_init=1, max_iter=max_iter, tol=0.0,
                              n_threads=n_threads)

    def theirs():
        with threadpool_limits(n_threads):
            return KMeans(n_clusters, init=init, n_init=1, max_iter=max_iter, tol=0.0,
                          algorithm="lloyd").fit(X)

    data, _ = check_sparse_data(X, n_threads)
    weights = np.ones(X.shape[0])
    step = data.lloyd_step(weights, init.copy(), "lloyd", n_threads)

    def our_iteration():
        step.assign_and_sum()
        step.move_centers()

    sk_weights = np.ones(X.shape[0], dtype=X.dtype)
    sk_labels = np.full(X.shape[0], -1, dtype=np.int32)
    centers_new = np.empty_like(init)
    weight_in_clusters = np.empty(n_clusters, dtype=X.dtype)
    center_shift = np.empty(n_clusters, dtype=X.dtype)

    def their_iteration():
        with threadpool_limits(n_threads):
            lloyd_iter_chunked_sparse(X, sk_weights, init.copy(), centers_new,
                                      weight_in_clusters, sk_labels, center_shift, n_threads)

    def our_kmeans_plusplus():
        fastkmeans.kmeans_plusplus(X, n_clusters, random_state=0, n_threads=n_threads)

    def their_kmeans_plusplus():
        with threadpool_limits(n_threads):
            kmeans_plusplus(X, n_clusters, random_state=0)

    times = {}
    (times["fit", "fastkmeans"], times["fit", "sklearn"]), (ours_result, their_result) = \
        best_of_alternating([ours, theirs], repeat)
    (times["iteration", "fastkmeans"], times["iteration", "sklearn"]), _ = \
        best_of_alternating([our_iteration, their_iteration], 3 * repeat)
    (times["k-means++", "fastkmeans"], times["k-means++", "sklearn"]), _ = \
        best_of_alternating([our_kmeans_plusplus, their_kmeans_plusplus], repeat)
    checks = {
        "n_iter": (ours_result.n_iter, int(their_result.n_iter_)),
        "inertia_rel_diff": abs(ours_result.inertia / their_result.inertia_ - 1),
        "labels_equal": float(np.mean(ours_result.labels == their_result.labels_)),
    }
    return times, checks


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=100_000)
    parser.add_argument("--n-features", type=int, default=10_000)
    parser.add_argument("--density", type=float, default=0.01)
    parser.add_argument("--n-clusters", type=int, default=50)
    parser.add_argument("--max-iter", type=int, default=20)
    parser.add_argument("--threads", type=int, nargs="+", default=[2])
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    print(f"# {args.n_samples} x {args.n_features} CSR, density {args.density}, "
          f"k={args.n_clusters}, max_iter={args.max_iter}, tol=0, n_init=1, same init")
    print("| dtype | threads | fit: sklearn s | fit: fastkmeans s | fit ratio "
          "| iteration: sklearn s | iteration: fastkmeans s | iteration ratio "
          "| k-means++: sklearn s | k-means++: fastkmeans s | k-means++ ratio "
          "| n_iter (ours, sklearn) | inertia rel. diff | same labels |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for dtype in args.dtypes:
        X = make_data(args.n_samples, args.n_features, args.density, args.n_clusters, dtype)
        init = X[np.random.default_rng(1).choice(X.shape[0], args.n_clusters,
                                                 replace=False)].toarray()
        for n_threads in args.threads:
            times, checks = compare(X, init, args.max_iter, n_threads, args.repeat)
            fit_ratio = times["fit", "sklearn"] / times["fit", "fastkmeans"]
            iteration_ratio = times["iteration", "sklearn"] / times["iteration", "fastkmeans"]
            plusplus_ratio = times["k-means++", "sklearn"] / times["k-means++", "fastkmeans"]
            print(f"| {dtype} | {n_threads} | {times['fit', 'sklearn']:.3f} "
                  f"| {times['fit', 'fastkmeans']:.3f} | {fit_ratio:.2f}x "
                  f"| {times['iteration', 'sklearn']:.4f} "
                  f"| {times['iteration', 'fastkmeans']:.4f} | {iteration_ratio:.2f}x "
                  f"| {times['k-means++', 'sklearn']:.3f} "
                  f"| {times['k-means++', 'fastkmeans']:.3f} | {plusplus_ratio:.2f}x "
                  f"| {checks['n_iter']} | {checks['inertia_rel_diff']:.1e} "
                  f"| {checks['labels_equal']:.4f} |", flush=True)


if __name__ == "__main__":
    main()
