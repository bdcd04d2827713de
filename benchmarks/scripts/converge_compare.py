"""Time to converge with the defaults, k-means++ included: fastkmeans beside scikit-learn.

Run from the repository root (one benchmark at a time on a shared machine)::

    python benchmarks/scripts/converge_compare.py [--seeds 5] [--threads 2]
        [--workloads blobs2,digits] [--markdown out.md]

On each workload of ``accelerated_compare.py`` it times, for every seed,
``fastkmeans.fit(X, k, algorithm="auto", random_state=seed)`` (default
``tol=1e-4``, ``max_iter=300``, one k-means++ initialisation) and
scikit-learn's default ``KMeans(k, random_state=seed).fit(X)`` (k-means++,
``n_init=1`` for that init since scikit-learn 1.4, ``tol=1e-4``, Lloyd), on
the same number of threads (threadpoolctl limits scikit-learn's OpenMP and
BLAS), taking turns with a short pause before each run. The two libraries
draw different initial centers from the same seed, so they need different
numbers of iterations: the seeds are many and the table gives the median
time of each, its ratio, the iterations of every seed, and the k-means++
seeding alone (``fastkmeans.kmeans_plusplus`` beside
``sklearn.cluster.kmeans_plusplus``), which is most of the time where k is
large next to the iterations.

Needs scikit-learn, threadpoolctl and pillow (for ``china.jpg``).
"""
import argparse
import statistics
import time

import accelerated_compare

import fastkmeans

#: Idle time before each timed run (lets OpenMP and BLAS threads stop spinning).
PAUSE_SECONDS = 0.2


def _timed(run, seed):
    """Seconds of ``run(seed)`` after a pause, and its result."""
    time.sleep(PAUSE_SECONDS)
    started = time.perf_counter()
    result = run(seed)
    return time.perf_counter() - started, result


def compare(name, seeds, n_threads):
    """Per implementation: (median seconds, iterations per seed); plus the seeding medians."""
    from sklearn.cluster import KMeans, kmeans_plusplus
    from threadpoolctl import threadpool_limits

    X, n_clusters = accelerated_compare.WORKLOADS[name][1]()
    runs = {
        "fastkmeans": lambda seed: fastkmeans.fit(X, n_clusters, algorithm="auto",
                                                  random_state=seed, n_threads=n_threads),
        "sklearn": lambda seed: KMeans(n_clusters, random_state=seed).fit(X),
        "fastkmeans k-means++": lambda seed: fastkmeans.kmeans_plusplus(
            X, n_clusters, random_state=seed, n_threads=n_threads),
        "sklearn k-means++": lambda seed: kmeans_plusplus(X, n_clusters, random_state=seed),
    }
    times = {label: [] for label in runs}
    iterations = {"fastkmeans": [], "sklearn": []}
    with threadpool_limits(n_threads):
        for run in runs.values():  # warm-up: imports, thread pools, page faults
            run(0)
        for seed in range(seeds):
            for label, run in runs.items():
                seconds, result = _timed(run, seed)
                times[label].append(seconds)
                if label == "fastkmeans":
                    iterations[label].append(result.n_iter)
                elif label == "sklearn":
                    iterations[label].append(result.n_iter_)
    medians = {label: statistics.median(values) for label, values in times.items()}
    return X.shape, n_clusters, medians, iterations


def _format_row(name, shape, n_clusters, medians, iterations):
    ours, theirs = medians["fastkmeans"], medians["sklearn"]
    seeding = medians["fastkmeans k-means++"] / medians["sklearn k-means++"]
    return (f"| {name} {shape[0]:,} x {shape[1]}, k={n_clusters} | {ours * 1e3:.1f} | "
            f"{theirs * 1e3:.1f} | **{ours / theirs:.2f}** | "
            f"{medians['fastkmeans k-means++'] * 1e3:.1f} / "
            f"{medians['sklearn k-means++'] * 1e3:.1f} ({seeding:.2f}) | "
            f"{','.join(map(str, iterations['fastkmeans']))} | "
            f"{','.join(map(str, iterations['sklearn']))} |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workloads", default=",".join(accelerated_compare.WORKLOADS))
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args(argv)
    lines = [f"{args.threads} thread(s), median of {args.seeds} seeds; ms",
             "",
             "| workload | fastkmeans (auto) | sklearn KMeans | ratio "
             "| k-means++ ours / sklearn (ratio) | our iterations | sklearn's |",
             "|---|---:|---:|---:|---|---|---|"]
    print("\n".join(lines), flush=True)
    for name in args.workloads.split(","):
        row = _format_row(name, *compare(name, args.seeds, args.threads))
        print(row, flush=True)
        lines.append(row)
    if args.markdown:
        with open(args.markdown, "w") as out:
            out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
