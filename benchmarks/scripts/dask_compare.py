"""fastkmeans on Dask arrays beside dask-ml's KMeans, at equal work, in one run.

Run from the repository root (one benchmark at a time on a shared machine)::

    python benchmarks/scripts/dask_compare.py [--n-samples 10000000]
        [--n-features 32] [--n-clusters 64] [--chunk-mb 64] [--iterations 20]
        [--seeds 5] [--workers 2] [--skip-init]

Three parts, each printed as a table:

1. Per-iteration overhead on tiny data (1,000 x 2, k = 3, one block):
   dask-ml's KMeans and fastkmeans on a Dask array, each against the
   in-memory fit of its own kind (scikit-learn, fastkmeans on NumPy), on the
   threaded scheduler and on a LocalCluster of ``--workers`` processes.
2. Lloyd at equal work: ``--n-samples`` x ``--n-features`` float32 blobs
   generated block by block (about ``--chunk-mb`` MB a block) and persisted,
   ``--n-clusters`` clusters, the same initial centers for everyone,
   ``--iterations`` iterations with ``tol=0`` (neither stops early): dask-ml
   and fastkmeans on both schedulers, and fastkmeans in memory on the same
   values. Seconds per iteration are the whole fit's wall time divided by
   the iterations (each fit's set-up, validation and final pass included).
3. Initialisation (``--seeds`` seeds, means): fastkmeans' k-means|| on the
   threaded scheduler (its time: from the call to the first iteration,
   validation included, less that iteration), dask-ml's k-means||
   (``k_init``), and the final inertia of full fits (default tol) from each,
   against fastkmeans' in-memory k-means++. The fit from dask-ml's centers
   is fastkmeans' in-memory Lloyd (the same exact algorithm as dask-ml's,
   which gives the same fit from the same centers, and is far faster).

Needs dask, distributed and dask-ml (the ``bench`` extra).
"""
import argparse
import time

import numpy as np

import fastkmeans

TINY = (1000, 2, 3)
TINY_ITERATIONS = 50


def _blobs_block(block_id, rows, n_features, n_clusters, dtype=np.float32):
    """One block of blobs: a generator per block, the cluster centers shared."""
    centers = np.random.default_rng(0).uniform(-10, 10, size=(n_clusters, n_features))
    rng = np.random.default_rng([1, block_id])
    labels = rng.integers(0, n_clusters, size=rows)
    return (centers[labels] + rng.normal(scale=2.0, size=(rows, n_features))).astype(dtype)


def make_data(n_samples, n_features, n_clusters, chunk_mb):
    """Float32 blobs as a Dask array generated block by block, not yet computed."""
    import dask
    import dask.array as da

    rows = max(1, int(chunk_mb * 2**20 // (4 * n_features)))
    sizes = [min(rows, n_samples - start) for start in range(0, n_samples, rows)]
    blocks = [da.from_delayed(dask.delayed(_blobs_block)(i, size, n_features, n_clusters),
                              shape=(size, n_features), dtype=np.float32)
              for i, size in enumerate(sizes)]
    return da.concatenate(blocks)


def _persisted(X):
    """``X.persist()``, waited for on a distributed cluster (where it returns at once)."""
    Xs = X.persist()
    import distributed

    try:
        distributed.get_client()
    except ValueError:
        return Xs
    distributed.wait(Xs)
    return Xs


def _inertia(X_memory, centers):
    """Sum of squared distances to the nearest of ``centers`` (dask-ml's own
    ``inertia_`` is a sum of distances, not of squared ones)."""
    _, sq_distances = fastkmeans.predict(X_memory, centers.astype(X_memory.dtype),
                                         return_distances=True)
    return float(sq_distances.sum(dtype=np.float64))


def _timed(function):
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def _table(title, header, rows):
    print(f"\n{title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


def _tiny_pair(Xs, init, per_iteration):
    """Seconds per iteration of dask-ml and fastkmeans on the persisted tiny ``Xs``."""
    from dask_ml.cluster import KMeans as DaskMLKMeans

    options = dict(init=init, max_iter=TINY_ITERATIONS, tol=0)
    return (per_iteration(lambda: DaskMLKMeans(init.shape[0], **options).fit(Xs)),
            per_iteration(lambda: fastkmeans.fit(Xs, init.shape[0], **options)))


def overhead(client_factory):
    """Seconds per iteration on tiny data: Dask fits against in-memory ones."""
    import dask.array as da
    from sklearn.cluster import KMeans as SKKMeans

    n_samples, n_features, n_clusters = TINY
    X = np.random.default_rng(0).normal(size=(n_samples, n_features))
    Xd = da.from_array(X, chunks=X.shape).persist()
    init = X[:n_clusters].copy()
    common = dict(max_iter=TINY_ITERATIONS, tol=0)

    def per_iteration(function):
        function()  # warm up
        return min(_timed(function)[0] for _ in range(3)) / TINY_ITERATIONS

    memory = {
        "scikit-learn": per_iteration(lambda: SKKMeans(n_clusters, init=init, n_init=1,
                                                       algorithm="lloyd", **common).fit(X)),
        "fastkmeans": per_iteration(lambda: fastkmeans.fit(X, n_clusters, init=init,
                                                           **common)),
    }
    rows = []
    for scheduler in ("threads", "cluster"):
        with client_factory(scheduler):
            dask_ml, ours = _tiny_pair(_persisted(Xd), init, per_iteration)
        for name, dask_time, base in (("dask-ml", dask_ml, "scikit-learn"),
                                      ("fastkmeans", ours, "fastkmeans")):
            rows.append([scheduler, name, f"{dask_time * 1e3:.2f}",
                         f"{memory[base] * 1e3:.3f} ({base})",
                         f"+{(dask_time - memory[base]) * 1e3:.1f}",
                         f"{dask_time / memory[base]:.0f}x"])
    _table(f"Per-iteration overhead, {n_samples:,} x {n_features}, k={n_clusters}, one block "
           f"({TINY_ITERATIONS} iterations, tol=0, best of 3)",
           ["scheduler", "on Dask", "ms / iteration", "in memory, ms / iteration",
            "overhead ms", "ratio"], rows)


def _equal_work(Xs, init, iterations):
    """``(seconds, fit)`` of fastkmeans, then of dask-ml, on the persisted ``Xs``."""
    from dask_ml.cluster import KMeans as DaskMLKMeans

    n_clusters = init.shape[0]
    ours_time, ours = _timed(lambda: fastkmeans.fit(Xs, n_clusters, init=init,
                                                    max_iter=iterations, tol=0))
    theirs_time, theirs = _timed(lambda: DaskMLKMeans(n_clusters, init=init,
                                                      max_iter=iterations, tol=0).fit(Xs))
    assert ours.n_iter == iterations and theirs.n_iter_ == iterations, (
        ours.n_iter, theirs.n_iter_)
    # the labels brought here while the cluster still holds them
    return ours_time, ours, np.asarray(ours.labels), theirs_time, theirs


def lloyd(X, init, iterations, client_factory, X_memory):
    """Equal-work Lloyd: seconds per iteration of each implementation."""
    n_clusters = init.shape[0]
    memory_time, memory = _timed(lambda: fastkmeans.fit(X_memory, n_clusters, init=init,
                                                        max_iter=iterations, tol=0))
    results = {}
    for scheduler in ("threads", "cluster"):
        with client_factory(scheduler):
            results[scheduler] = _equal_work(_persisted(X), init, iterations)
    rows = [["in memory", "fastkmeans", f"{memory_time / iterations:.3f}", "", "",
             f"{memory.inertia:.9g}", ""]]
    for scheduler, (ours_time, ours, labels, theirs_time, theirs) in results.items():
        labels_agree = np.mean(labels == memory.labels)
        rows.append([scheduler, "fastkmeans", f"{ours_time / iterations:.3f}",
                     f"{theirs_time / ours_time:.1f}x", f"{ours_time / memory_time:.2f}x",
                     f"{ours.inertia:.9g}", f"labels as in memory: {labels_agree:.0%}"])
        center_gap = np.abs(theirs.cluster_centers_ - memory.centers).max()
        rows.append([scheduler, "dask-ml", f"{theirs_time / iterations:.3f}", "", "",
                     f"{_inertia(X_memory, theirs.cluster_centers_):.9g}",
                     f"max center gap to in memory: {center_gap:.2g}"])
    _table(f"Lloyd at equal work: {X.shape[0]:,} x {X.shape[1]} float32, "
           f"{X.numblocks[0]} blocks, k={n_clusters}, {iterations} iterations, tol=0, "
           "same initial centers",
           ["scheduler", "implementation", "s / iteration", "dask-ml / fastkmeans",
            "vs in memory", "inertia (ours, float64 sum)", "check"], rows)


def initialisation(X, n_clusters, seeds, X_memory):
    """k-means|| time and final inertia (threaded scheduler), means over seeds."""
    import dask
    from dask_ml.cluster.k_means import k_init

    ours_init, ours_inertia, theirs_init, theirs_inertia, plusplus = [], [], [], [], []
    with dask.config.set(scheduler="threads"):
        Xs = _persisted(X)
        for seed in range(seeds):
            marks = []

            def first_iteration(info):
                marks.append(time.perf_counter() - info.seconds)  # noqa: B023

            started = time.perf_counter()
            result = fastkmeans.fit(Xs, n_clusters, random_state=seed,
                                    callback=first_iteration)
            ours_init.append(marks[0] - started)
            ours_inertia.append(result.inertia)
            seconds, centers = _timed(lambda: k_init(Xs, n_clusters, init="k-means||",
                                                     random_state=seed))  # noqa: B023
            theirs_init.append(seconds)
            # the same exact Lloyd from dask-ml's centers (dask-ml's own Lloyd gives
            # the same fit from the same centers: the equal-work table)
            theirs_inertia.append(fastkmeans.fit(X_memory, n_clusters,
                                                 init=np.asarray(centers)).inertia)
            plusplus.append(fastkmeans.fit(X_memory, n_clusters, random_state=seed).inertia)
    base = np.mean(plusplus)
    rows = [
        ["fastkmeans k-means|| (Dask, threads)", f"{np.mean(ours_init):.2f}",
         f"{np.mean(ours_inertia):.6g}", f"{np.mean(ours_inertia) / base - 1:+.2%}"],
        ["dask-ml k-means|| (Dask, threads)", f"{np.mean(theirs_init):.2f}",
         f"{np.mean(theirs_inertia):.6g}", f"{np.mean(theirs_inertia) / base - 1:+.2%}"],
        ["fastkmeans k-means++ (in memory)", "", f"{base:.6g}", "+0.00%"],
    ]
    _table(f"Initialisation, mean of {seeds} seeds (final inertia after a full fit, "
           f"default tol); init time ratio fastkmeans / dask-ml = "
           f"{np.mean(ours_init) / np.mean(theirs_init):.2f}",
           ["init", "init seconds", "final inertia", "vs k-means++"], rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=10_000_000)
    parser.add_argument("--n-features", type=int, default=32)
    parser.add_argument("--n-clusters", type=int, default=64)
    parser.add_argument("--chunk-mb", type=float, default=64)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-overhead", action="store_true")
    parser.add_argument("--skip-lloyd", action="store_true")
    parser.add_argument("--skip-init", action="store_true")
    args = parser.parse_args()

    import contextlib

    import dask
    import distributed

    cluster = distributed.LocalCluster(n_workers=args.workers, processes=True,
                                       dashboard_address=None)

    @contextlib.contextmanager
    def scheduler(name):
        if name == "threads":
            with dask.config.set(scheduler="threads"):
                yield None
        else:
            with distributed.Client(cluster) as client:
                yield client

    threads = [w["nthreads"] for w in cluster.scheduler_info["workers"].values()]
    print(f"LocalCluster: {len(threads)} worker processes, threads {threads}; "
          f"X: {args.n_samples:,} x {args.n_features}, k={args.n_clusters}")
    if not args.skip_overhead:
        overhead(scheduler)
    X = make_data(args.n_samples, args.n_features, args.n_clusters, args.chunk_mb)
    with dask.config.set(scheduler="threads"):
        X_memory = X.compute()
    init = X_memory[np.random.default_rng(7).choice(args.n_samples, args.n_clusters,
                                                    replace=False)]
    if not args.skip_lloyd:
        lloyd(X, init, args.iterations, scheduler, X_memory)
    if not args.skip_init:
        initialisation(X, args.n_clusters, args.seeds, X_memory)
    cluster.close()


if __name__ == "__main__":
    main()
