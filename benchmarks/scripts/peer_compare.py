"""fastkmeans beside scikit-learn, Intel's extension, faiss and a NumPy Lloyd, at equal work.

Reproduces the tables of ``docs/benchmarks.md`` from a clone. Equal work:
the same data (Gaussian blobs, fixed seed), the same k-means++ initial
centers computed once and passed to everybody as an array, ``n_init=1``,
``ITERATIONS`` iterations, ``tol=0``, no subsampling (faiss'
``max_points_per_centroid`` set huge). The table gives seconds per
iteration (fit time over the iterations actually run), the time of NumPy's
``X @ C.T`` alone (the arithmetic floor for large d) and of reading X once
(the floor for small d), and the inertia of every answer recomputed here
in float64, relative to fastkmeans'.

Each implementation runs in its own subprocess (OpenMP runtimes and BLAS
builds do not mix); one untimed warm-up fit, then the best of ``--repeats``
timed fits. A fit under 5 ms is timed as a batch of back-to-back fits
(at least 50 ms in all), since one such fit is below the timer's noise.
A peer that is not installed is reported as such; the others still run.

Set-up: the peers are never dependencies of fastkmeans; install them in an
environment of their own, with fastkmeans from this repository::

    python3 -m venv peers && peers/bin/pip install scikit-learn \\
        scikit-learn-intelex faiss-cpu threadpoolctl
    peers/bin/pip install .
    peers/bin/python benchmarks/scripts/peer_compare.py --threads 1   # then --threads 2
    peers/bin/python benchmarks/scripts/peer_compare.py --quick       # small sizes, a minute
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

import numpy as np

ITERATIONS = 20
WORKLOADS = {  # n, d, k, cluster standard deviation
    "a_tiny": (300, 2, 4, 2.0),
    "b_lowd": (1_000_000, 2, 8, math.sqrt(2)),
    "c_mid": (200_000, 32, 64, 0.5 * math.sqrt(32)),
    "d_mnist": (60_000, 784, 10, 0.5 * math.sqrt(784)),
    "e_manyk": (100_000, 64, 1000, math.sqrt(64)),
}
QUICK = {
    "a_tiny": (300, 2, 4, 2.0),
    "b_lowd": (100_000, 2, 8, math.sqrt(2)),
    "c_mid": (20_000, 32, 64, 0.5 * math.sqrt(32)),
    "d_mnist": (5_000, 784, 10, 0.5 * math.sqrt(784)),
    "e_manyk": (10_000, 64, 100, math.sqrt(64)),
}
IMPLEMENTATIONS = ["fastkmeans", "scikit-learn", "sklearnex", "faiss", "numpy"]
BATCH_BELOW_S, BATCH_TOTAL_S = 5e-3, 50e-3


def make_data(n, d, k, std, dtype):
    """Blobs around k random centers in a box, and k-means++ centers from them."""
    import fastkmeans

    rng = np.random.default_rng(0)
    centers = rng.uniform(-10.0, 10.0, size=(k, d)) * math.sqrt(d)
    X = centers[rng.integers(0, k, size=n)] + rng.normal(0.0, std, size=(n, d))
    init, _ = fastkmeans.kmeans_plusplus(X, k, random_state=0)
    return np.ascontiguousarray(X, dtype=dtype), np.ascontiguousarray(init, dtype=dtype)


def numpy_lloyd(X, init, iterations):
    """Lloyd in plain NumPy: BLAS distances per chunk of rows, bincount sums."""
    centers = init.copy()
    k = centers.shape[0]
    chunk = max(1024, (4 << 20) // (k * X.dtype.itemsize))
    labels = np.empty(X.shape[0], dtype=np.intp)
    for _ in range(iterations):
        norms = np.einsum("ij,ij->i", centers, centers)
        for start in range(0, X.shape[0], chunk):
            block = X[start:start + chunk] @ centers.T
            block *= -2
            block += norms
            labels[start:start + chunk] = block.argmin(axis=1)
        counts = np.bincount(labels, minlength=k)
        sums = np.stack([np.bincount(labels, weights=X[:, j], minlength=k)
                         for j in range(X.shape[1])], axis=1)
        filled = counts > 0
        centers[filled] = (sums[filled] / counts[filled, None]).astype(X.dtype)
    return centers, iterations


def fitter(implementation, X, init, n_threads):
    """A function fitting X from ``init`` at fixed work: returns (centers, iterations)."""
    k = init.shape[0]
    if implementation == "fastkmeans":
        import fastkmeans

        def run():
            result = fastkmeans.fit(X, k, init=init, n_init=1, max_iter=ITERATIONS, tol=0.0,
                                    n_threads=n_threads)
            return result.centers, result.n_iter
        return run
    if implementation in ("scikit-learn", "sklearnex"):
        if implementation == "sklearnex":
            from sklearnex.cluster import KMeans
        else:
            from sklearn.cluster import KMeans
        from threadpoolctl import threadpool_limits

        threadpool_limits(n_threads)

        def run():
            model = KMeans(k, init=init, n_init=1, max_iter=ITERATIONS, tol=0.0,
                           algorithm="lloyd").fit(X)
            return model.cluster_centers_, model.n_iter_
        return run
    if implementation == "faiss":
        import faiss

        if X.dtype != np.float32:
            raise NotImplementedError("faiss clusters float32 data only")
        faiss.omp_set_num_threads(n_threads)

        def run():
            model = faiss.Kmeans(X.shape[1], k, niter=ITERATIONS, nredo=1,
                                 max_points_per_centroid=2**30, min_points_per_centroid=1)
            if hasattr(model.cp, "early_stop_threshold"):  # newer faiss: never stop early
                model.cp.early_stop_threshold = -1.0
            model.train(X, init_centroids=init)
            return model.centroids, ITERATIONS
        return run
    if implementation == "numpy":
        from threadpoolctl import threadpool_limits

        threadpool_limits(n_threads)
        return lambda: numpy_lloyd(X, init, ITERATIONS)
    if implementation == "gemm":  # the floor of large d: the distances' product alone
        return lambda: (X @ init.T, 1)
    if implementation == "read":  # the floor of small d: reading X once
        return lambda: (X.sum(), 1)
    raise ValueError(implementation)


def time_fits(run, repeats):
    """Best seconds per fit; short fits timed as back-to-back batches."""
    run()  # warm-up: imports, thread start, page faults
    start = time.perf_counter()
    output = run()
    once = time.perf_counter() - start
    batch = max(1, math.ceil(BATCH_TOTAL_S / once)) if once < BATCH_BELOW_S else 1
    best = once if batch == 1 else math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(batch):
            output = run()
        best = min(best, (time.perf_counter() - start) / batch)
    return best, output


def exact_inertia(X, centers):
    """Sum of squared distances to the nearest center, in float64, the same for all."""
    import fastkmeans

    X64 = np.asarray(X, dtype=np.float64)
    _, sq_dist = fastkmeans.predict(X64, np.asarray(centers, dtype=np.float64),
                                    return_distances=True)
    return float(sq_dist.sum())


def worker(implementation, workload, dtype, n_threads, repeats, quick):
    """Run in a subprocess: one implementation on one workload; prints JSON."""
    os.environ.setdefault("OMP_NUM_THREADS", str(n_threads))
    X, init = make_data(*(QUICK if quick else WORKLOADS)[workload], dtype=dtype)
    try:
        run = fitter(implementation, X, init, n_threads)
    except ImportError as exc:
        return {"error": f"not installed ({exc.name})"}
    except NotImplementedError as exc:
        return {"error": str(exc)}
    seconds, (centers, iterations) = time_fits(run, repeats)
    record = {"seconds": seconds / iterations, "iterations": int(iterations)}
    if implementation not in ("gemm", "read"):
        record["inertia"] = exact_inertia(X, centers)
    return record


def format_seconds(seconds):
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="small sizes (a minute)")
    parser.add_argument("--only", help="comma-separated workloads (default: all)")
    parser.add_argument("--impls", default=",".join(IMPLEMENTATIONS))
    parser.add_argument("--dtypes", default="float32,float64")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        implementation, workload, dtype = args.worker
        print(json.dumps(worker(implementation, workload, dtype, args.threads, args.repeats,
                                args.quick)))
        return 0
    workloads = args.only.split(",") if args.only else list(WORKLOADS)
    implementations = args.impls.split(",")
    columns = implementations + ["gemm", "read"]
    print(f"seconds per Lloyd iteration, {ITERATIONS} iterations from the same k-means++ "
          f"centers, tol=0, {args.threads} thread(s); inertia relative to fastkmeans'")
    print("| workload | dtype | " + " | ".join(columns) + " | ÷ best peer | inertia diff |")
    print("|---" * (len(columns) + 4) + "|")
    for workload in workloads:
        n, d, k, _ = (QUICK if args.quick else WORKLOADS)[workload]
        for dtype in args.dtypes.split(","):
            records = {}
            for implementation in columns:
                done = subprocess.run(
                    [sys.executable, __file__, "--worker", implementation, workload, dtype,
                     "--threads", str(args.threads), "--repeats", str(args.repeats)]
                    + (["--quick"] if args.quick else []),
                    capture_output=True, text=True)
                try:
                    records[implementation] = json.loads(done.stdout.strip().splitlines()[-1])
                except (IndexError, json.JSONDecodeError):
                    error = (done.stderr.strip().splitlines() or ["failed"])[-1]
                    records[implementation] = {"error": error[:60]}
            cells = [format_seconds(records[c]["seconds"]) if "seconds" in records[c]
                     else "—" for c in columns]
            ours = records.get("fastkmeans", {})
            peers = [records[p]["seconds"] for p in ("scikit-learn", "sklearnex", "faiss")
                     if "seconds" in records.get(p, {})]
            ratio = (f"{ours['seconds'] / min(peers):.2f}×" if peers and "seconds" in ours
                     else "—")
            diffs = [abs(r["inertia"] - ours["inertia"]) / ours["inertia"]
                     for name, r in records.items()
                     if "inertia" in r and name != "fastkmeans" and "inertia" in ours]
            worst = f"{max(diffs):.1e}" if diffs else "—"
            print(f"| {workload} ({n:,}×{d}, k={k}) | {dtype} | " + " | ".join(cells)
                  + f" | {ratio} | {worst} |", flush=True)
    missing = sorted({f"{c}: {r['error']}" for c in columns
                      for r in [records[c]] if "error" in r})
    for line in missing:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
