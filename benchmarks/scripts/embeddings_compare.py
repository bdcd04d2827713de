"""Clustering embeddings: spherical k-means and sampled training against faiss.

Side by side in one process, on a normalised Gaussian mixture (unit-norm
float32 rows around random directions), on the same number of threads
(``n_threads`` for fastkmeans, ``faiss.omp_set_num_threads`` for faiss):

* **spherical Lloyd at equal work**: the same initial centers (``k`` rows of
  X), at most ``--iterations`` iterations, ``tol=0`` for fastkmeans and
  ``max_points_per_centroid`` large enough that faiss uses every row; the
  table reports seconds per iteration (fastkmeans: the mean of its
  per-iteration history; faiss: its cumulative iteration times' last value
  less its first, over its iterations less one) and their ratio, the
  iterations each ran (both stop early once converged: fastkmeans when no
  label changes, faiss when the objective stops improving, one iteration
  later), and the relative difference of the final inertia ``sum(1 - cos)``,
  computed for both sets of centers by the same code. fastkmeans runs
  ``--algorithm`` (default ``auto``: the bounded variants give Lloyd's
  result with fewer distances; ``lloyd`` computes every distance, as
  faiss does).
* **sampled training** at faiss' default sample size, 256 rows per center:
  fastkmeans ``max_samples=256 * k`` (a sample, then one pass labelling
  all of X) against faiss' default subsampling from the same initial
  centers and iterations; faiss is timed training alone and training plus
  the search that labels all of X (what fastkmeans' result includes). The
  inertia of both, over all of X, and its relative difference.

faiss is optional (``pip install faiss-cpu``): without it the script prints
fastkmeans' numbers only.

Usage (the issue's workloads; each is heavy: hundreds of GFLOP per iteration)::

    python benchmarks/scripts/embeddings_compare.py --n-samples 1000000 \\
        --n-features 384 --n-clusters 1024 --threads 1,2 --iterations 20
    python benchmarks/scripts/embeddings_compare.py --n-samples 200000 \\
        --n-features 768 --n-clusters 256 --threads 1,2 --iterations 20

``--repeats N`` runs each row N times in a row and prints the median ratio
of each thread count: on a shared machine one run's ratio moves by about
+-0.08.
"""
import argparse
import time

import numpy as np

import fastkmeans

#: Idle time before each timed run (lets the other library's threads stop spinning).
PAUSE_SECONDS = 0.5


def settle(nbytes):
    """Before a timed run: an idle pause, then ``nbytes`` of memory written and
    freed. On a virtual machine the first write to a page the guest has not
    used for a while costs far more than the write (the host backs it then:
    a 200 MB copy took 0.6-0.8 s into such pages and 0.04 s into pages written
    before), and which library gets those pages depends on the order of the
    runs; written here, the memory the run allocates next is warm for both."""
    time.sleep(PAUSE_SECONDS)
    np.ones(nbytes, dtype=np.uint8)


def make_embeddings(n_samples, n_features, n_topics, seed=0):
    """Unit-norm float32 rows: a Gaussian mixture of ``n_topics`` components
    around random directions, normalised, generated in chunks (no float64
    n x d temporary)."""
    rng = np.random.default_rng(seed)
    topics = rng.standard_normal((n_topics, n_features)).astype(np.float32)
    topics /= np.linalg.norm(topics, axis=1)[:, None]
    X = np.empty((n_samples, n_features), dtype=np.float32)
    chunk = 1 << 16
    for start in range(0, n_samples, chunk):
        stop = min(start + chunk, n_samples)
        rows = topics[rng.integers(0, n_topics, size=stop - start)]
        rows += rng.standard_normal(rows.shape, dtype=np.float32) * (0.7 / np.sqrt(n_features))
        rows /= np.linalg.norm(rows, axis=1)[:, None]
        X[start:stop] = rows
    return X


def cosine_inertia(X, centers, n_threads):
    """``sum(1 - cos)`` of every row to its nearest (largest-cosine) center, by fastkmeans."""
    centers = np.asarray(centers, dtype=X.dtype)
    centers = centers / np.linalg.norm(centers, axis=1)[:, None]
    model = fastkmeans.KMeans(centers.shape[0], spherical=True, n_threads=n_threads)
    model.cluster_centers_, model.n_features_in_ = centers, X.shape[1]
    return -model.score(X)


def _faiss():
    try:
        import faiss
    except ImportError:
        return None
    return faiss


def _faiss_kmeans(faiss, X, init, iterations, sampled, seed=0):
    """faiss spherical k-means from ``init``: (centers, seconds per iteration, train seconds)."""
    n_samples, n_features = X.shape
    n_clusters = init.shape[0]
    # faiss samples n_clusters * max_points_per_centroid rows when X has more
    points = 256 if sampled else n_samples // n_clusters + 1
    kmeans = faiss.Kmeans(n_features, n_clusters, niter=iterations, spherical=True, seed=seed,
                          max_points_per_centroid=points, verbose=False)
    started = time.perf_counter()
    kmeans.train(X, init_centroids=init)
    train_seconds = time.perf_counter() - started
    times = [stats["time"] for stats in kmeans.iteration_stats]
    per_iteration = (times[-1] - times[0]) / max(len(times) - 1, 1)
    return kmeans, per_iteration, train_seconds


def equal_work(X, init, iterations, n_threads, faiss, algorithm):
    """Spherical Lloyd, every row, from ``init``: a dict of measurements."""
    settle(X.nbytes)
    started = time.perf_counter()
    ours = fastkmeans.fit(X, init.shape[0], init=init, spherical=True, tol=0.0,
                          max_iter=iterations, n_threads=n_threads, algorithm=algorithm)
    row = {"ours_fit": time.perf_counter() - started, "ours_iter": float(np.mean(
        ours.history.seconds)), "n_iter": ours.n_iter, "ours_inertia": ours.inertia}
    if faiss is not None:
        settle(X.nbytes)
        kmeans, per_iteration, train_seconds = _faiss_kmeans(faiss, X, init, iterations, False)
        row.update(faiss_iter=per_iteration, faiss_fit=train_seconds,
                   faiss_n_iter=len(kmeans.iteration_stats),
                   faiss_inertia=cosine_inertia(X, kmeans.centroids, n_threads))
    return row


def sampled(X, init, iterations, n_threads, faiss, algorithm):
    """Training on 256 rows per center, then labels of all of X: a dict of measurements."""
    n_clusters = init.shape[0]
    settle(X.nbytes)
    started = time.perf_counter()
    ours = fastkmeans.fit(X, n_clusters, init=init, spherical=True, tol=0.0,
                          max_iter=iterations, n_threads=n_threads, algorithm=algorithm,
                          max_samples=256 * n_clusters, random_state=0)
    row = {"ours_seconds": time.perf_counter() - started, "ours_inertia": ours.inertia,
           "n_iter": ours.n_iter}
    if faiss is not None:
        settle(X.nbytes)
        started = time.perf_counter()
        kmeans, _, train_seconds = _faiss_kmeans(faiss, X, init, iterations, True)
        kmeans.index.search(X, 1)  # labels of all of X, as fastkmeans' result has
        row.update(faiss_train=train_seconds, faiss_seconds=time.perf_counter() - started,
                   faiss_n_iter=len(kmeans.iteration_stats),
                   faiss_inertia=cosine_inertia(X, kmeans.centroids, n_threads))
    return row


def _print_medians(ratios):
    """The median ratio of each thread count's runs, where there were several."""
    for n_threads, values in ratios.items():
        if len(values) > 1:
            print(f"\n{n_threads} thread(s): median ratio {np.median(values):.2f} of "
                  f"{len(values)} runs ({min(values):.2f}-{max(values):.2f})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-samples", type=int, default=100_000)
    parser.add_argument("--n-features", type=int, default=384)
    parser.add_argument("--n-clusters", type=int, default=256)
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--iterations", type=int, default=4)
    parser.add_argument("--topics", type=int, default=None,
                        help="mixture components (default 4 * n_clusters: few empty "
                             "clusters, whose re-seeding differs between the libraries)")
    parser.add_argument("--algorithm", default="auto",
                        help="fastkmeans' algorithm (all give Lloyd's result)")
    parser.add_argument("--skip-sampled", action="store_true")
    parser.add_argument("--repeats", type=int, default=1,
                        help="runs of each row, one after another (this shared machine moves "
                             "a single ratio by +-0.08): each printed, then their median")
    args = parser.parse_args(argv)
    faiss = _faiss()
    n_topics = args.topics or 4 * args.n_clusters
    X = make_embeddings(args.n_samples, args.n_features, n_topics)
    rng = np.random.default_rng(1)
    init = X[np.sort(rng.choice(X.shape[0], args.n_clusters, replace=False))].copy()
    print(f"## {args.n_samples} x {args.n_features} float32 (unit rows, {n_topics} "
          f"components), k={args.n_clusters}, at most {args.iterations} iterations, "
          f"fastkmeans algorithm={args.algorithm!r}"
          + ("" if faiss else " (faiss not installed)"))
    print("\n### spherical Lloyd at equal work (same init, tol=0, every row)\n")
    print("| threads | fastkmeans s/iter | faiss s/iter | ratio | iterations "
          "| fastkmeans fit s | faiss train s | inertia rel. diff |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    # each thread count's runs one after another
    runs = [int(t) for t in args.threads.split(",") for _ in range(args.repeats)]
    ratios = {}
    for n_threads in runs:
        if faiss is not None:
            faiss.omp_set_num_threads(n_threads)
        row = equal_work(X, init, args.iterations, n_threads, faiss, args.algorithm)
        if faiss is None:
            print(f"| {n_threads} | {row['ours_iter']:.3f} | | | {row['n_iter']} "
                  f"| {row['ours_fit']:.2f} | | |")
            continue
        ratios.setdefault(n_threads, []).append(row["ours_iter"] / row["faiss_iter"])
        diff = (row["ours_inertia"] - row["faiss_inertia"]) / row["faiss_inertia"]
        print(f"| {n_threads} | {row['ours_iter']:.3f} | {row['faiss_iter']:.3f} "
              f"| {row['ours_iter'] / row['faiss_iter']:.2f} "
              f"| {row['n_iter']} / {row['faiss_n_iter']} | {row['ours_fit']:.2f} "
              f"| {row['faiss_fit']:.2f} | {diff:+.1e} |", flush=True)
    _print_medians(ratios)
    if args.skip_sampled:
        return
    print(f"\n### sampled training, 256 rows per center ({256 * args.n_clusters} rows), "
          "then labels of all of X\n")
    print("| threads | fastkmeans s | faiss train s | faiss train+label s | ratio "
          "| iterations | fastkmeans inertia | faiss inertia | rel. diff |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    ratios = {}
    for n_threads in runs:
        if faiss is not None:
            faiss.omp_set_num_threads(n_threads)
        row = sampled(X, init, args.iterations, n_threads, faiss, args.algorithm)
        if faiss is None:
            print(f"| {n_threads} | {row['ours_seconds']:.2f} | | | | {row['n_iter']} | "
                  f"{row['ours_inertia']:.6g} | | |")
            continue
        ratios.setdefault(n_threads, []).append(row["ours_seconds"] / row["faiss_seconds"])
        diff = (row["ours_inertia"] - row["faiss_inertia"]) / row["faiss_inertia"]
        print(f"| {n_threads} | {row['ours_seconds']:.2f} | {row['faiss_train']:.2f} "
              f"| {row['faiss_seconds']:.2f} | {row['ours_seconds'] / row['faiss_seconds']:.2f} "
              f"| {row['n_iter']} / {row['faiss_n_iter']} "
              f"| {row['ours_inertia']:.6g} | {row['faiss_inertia']:.6g} | {diff:+.2%} |",
              flush=True)
    _print_medians(ratios)


if __name__ == "__main__":
    main()
