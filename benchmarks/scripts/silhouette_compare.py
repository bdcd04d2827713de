"""Silhouette score, side by side: fastkmeans against scikit-learn, and at 200,000 points.

Run from the repository root (one benchmark at a time on a shared machine)::

    python benchmarks/scripts/silhouette_compare.py [--threads 2] [--big]

Part 1 times ``silhouette_score`` on 20,000 x 32 points (8 overlapping
blobs, their generating labels), fastkmeans and scikit-learn on the same
data with the same thread count (scikit-learn's BLAS held to it with
threadpoolctl), float64 and float32, interleaved, best of 6 runs (ours)
and 3 (scikit-learn's), and checks that the scores agree. Part 2 (``--big``)
runs fastkmeans alone on 200,000 x 32 float32 points (scikit-learn would
take minutes) and reports the time and
the peak memory: traced NumPy allocations (tracemalloc) and the growth of
the resident set during the call (Linux: VmHWM after resetting it), which
also counts the kernel's C buffers.

Imported by asv as part of the benchmark folder: nothing runs on import.
"""
import argparse
import resource
import time
import tracemalloc


def _best_of(repeats, call):
    times, value = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        value = call()
        times.append(time.perf_counter() - started)
    return min(times), value


def _blobs(n_samples, n_features, n_clusters, dtype, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    labels = rng.integers(0, n_clusters, size=n_samples)
    means = rng.uniform(-5, 5, size=(n_clusters, n_features))
    X = np.empty((n_samples, n_features), dtype=dtype)
    for start in range(0, n_samples, 10_000):
        chunk = labels[start:start + 10_000]
        X[start:start + 10_000] = means[chunk] + rng.normal(size=(chunk.size, n_features))
    return X, labels


def compare_with_scikit_learn(n_threads, n_samples=20_000, n_features=32, n_clusters=8):
    import numpy as np
    from sklearn.metrics import silhouette_score as sklearn_score
    from threadpoolctl import threadpool_limits

    import fastkmeans

    print(f"silhouette_score, {n_samples:,} x {n_features}, {n_clusters} clusters, "
          f"{n_threads} thread(s)\n")
    print("| dtype | fastkmeans (s) | scikit-learn (s) | speed-up | score | rel. difference |")
    print("|---|---|---|---|---|---|")
    for dtype in ("float64", "float32"):
        X, labels = _blobs(n_samples, n_features, n_clusters, np.dtype(dtype))
        ours, theirs = float("inf"), float("inf")
        # interleaved, best of each: a busy neighbour slows both alike
        for _ in range(3):
            seconds, ours_score = _best_of(2, lambda X=X, labels=labels: (
                fastkmeans.silhouette_score(X, labels, n_threads=n_threads)))
            ours = min(ours, seconds)
            with threadpool_limits(n_threads):
                seconds, their_score = _best_of(1, lambda X=X, labels=labels: (
                    sklearn_score(X, labels)))
            theirs = min(theirs, seconds)
        difference = abs(ours_score - their_score) / abs(their_score)
        print(f"| {dtype} | {ours:.3f} | {theirs:.3f} | {theirs / ours:.1f}x | "
              f"{ours_score:.6f} | {difference:.1e} |")


def _status_mb(field):
    """A memory field of /proc/self/status (``VmRSS``, ``VmHWM``) in MB; None elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1e3
    except OSError:
        pass
    return None


def _reset_peak_rss():
    """Make VmHWM start again from the current RSS (Linux >= 4.0); False if it cannot."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def big_run(n_threads, n_samples=200_000, n_features=32, n_clusters=8):
    import numpy as np

    import fastkmeans

    X, labels = _blobs(n_samples, n_features, n_clusters, np.float32)
    rss_before = _status_mb("VmRSS")
    peak_resettable = _reset_peak_rss()
    max_rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    tracemalloc.start()
    started = time.perf_counter()
    score = fastkmeans.silhouette_score(X, labels, n_threads=n_threads)
    seconds = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    if peak_resettable and rss_before is not None:
        growth = _status_mb("VmHWM") - rss_before
    else:  # an upper bound: the peak may predate the call
        growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3 - max_rss_before
    n_by_n = n_samples * n_samples * 8
    print(f"\nsilhouette_score, {n_samples:,} x {n_features} float32, {n_clusters} clusters, "
          f"{n_threads} thread(s)\n")
    print("| time (s) | score | X (MB) | peak NumPy allocations (MB, tracemalloc) | "
          "peak RSS above the start (MB) | an n x n float64 matrix would take (GB) |")
    print("|---|---|---|---|---|---|")
    print(f"| {seconds:.1f} | {score:.6f} | {X.nbytes / 1e6:.1f} | {traced_peak / 1e6:.1f} | "
          f"{growth:.1f} | {n_by_n / 1e9:.0f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--big", action="store_true", help="also the 200,000-point run")
    parser.add_argument("--big-only", action="store_true")
    args = parser.parse_args()
    if not args.big_only:
        compare_with_scikit_learn(args.threads)
    if args.big or args.big_only:
        big_run(args.threads)


if __name__ == "__main__":
    main()
