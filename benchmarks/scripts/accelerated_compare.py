"""Time to convergence of every exact k-means variant, side by side in one process.

Run from the repository root (one benchmark at a time on a shared machine)::

    python benchmarks/scripts/accelerated_compare.py [--repeats 3]
        [--threads 2] [--workloads blobs2,digits] [--markdown out.md]

For each of the issue's workloads it computes k-means++ initial centers once
and passes the same array to every implementation: fastkmeans' ``lloyd``,
``hamerly``, ``yinyang``, ``elkan`` and ``auto``, and scikit-learn's KMeans
``lloyd`` and ``elkan`` (``n_init=1``, default ``tol=1e-4``, ``max_iter=300``,
full fits to convergence), all on the same number of threads (threadpoolctl
limits scikit-learn's OpenMP and BLAS), taking turns with a short pause
before each run. It prints the median time of ``--repeats`` runs, its ratio
to our Lloyd and to scikit-learn's Lloyd, the iterations, the relative
inertia difference from our Lloyd, and, for the
accelerated variants, the distance evaluations per iteration as a fraction
of Lloyd's n x k (the pruning rate is one minus that).

Needs scikit-learn, threadpoolctl and pillow (for ``china.jpg``).
"""
import argparse
import statistics
import time

import numpy as np

import fastkmeans
from fastkmeans._algorithm import choose_algorithm

#: Idle time before each timed run.
PAUSE_SECONDS = 0.3

#: name -> (description, loader returning (X, n_clusters))
WORKLOADS = {}


def _workload(name, description):
    def register(loader):
        WORKLOADS[name] = (description, loader)
        return loader
    return register


def _blobs(n_samples, n_features, n_clusters, seed=0):
    """Gaussian blobs, one per cluster, fixed seed (as tests/helpers.make_blobs)."""
    rng = np.random.default_rng(seed)
    centers = rng.uniform(-10.0, 10.0, size=(n_clusters, n_features))
    labels = rng.integers(0, n_clusters, size=n_samples)
    return centers[labels] + rng.normal(size=(n_samples, n_features))


@_workload("blobs2", "100,000 x 2, k=100 (blobs)")
def _blobs2():
    return _blobs(100_000, 2, 100), 100


@_workload("blobs8", "100,000 x 8, k=100 (blobs)")
def _blobs8():
    return _blobs(100_000, 8, 100), 100


@_workload("blobs32", "200,000 x 32, k=64 (blobs)")
def _blobs32():
    return _blobs(200_000, 32, 64), 64


@_workload("blobs64", "100,000 x 64, k=1000 (blobs)")
def _blobs64():
    return _blobs(100_000, 64, 1000), 1000


@_workload("digits", "load_digits 1,797 x 64, k=10")
def _digits():
    from sklearn.datasets import load_digits
    return np.ascontiguousarray(load_digits().data, dtype=np.float64), 10


@_workload("china", "china.jpg 273,280 x 3, k=64")
def _china():
    from sklearn.datasets import load_sample_image
    pixels = load_sample_image("china.jpg").reshape(-1, 3)
    return np.ascontiguousarray(pixels, dtype=np.float64) / 255.0, 64


def _interleaved_medians(runs, repeats):
    """Median seconds and last result of each run; the runs take turns, so a
    burst of load on a shared machine hits them alike."""
    times = {name: [] for name in runs}
    results = {}
    for _ in range(repeats):
        for name, run in runs.items():
            # let the previous run's OpenMP and BLAS threads stop spinning
            # (they would take the CPUs from the next run)
            time.sleep(PAUSE_SECONDS)
            started = time.perf_counter()
            try:
                results[name] = run()
            except ValueError as error:  # Elkan over its memory budget
                results[name] = error
            times[name].append(time.perf_counter() - started)
    return {name: (statistics.median(times[name]), results[name]) for name in runs}


def compare(name, repeats, n_threads):
    """Rows (implementation, seconds, n_iter, inertia, evaluations fraction, note)."""
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    description, loader = WORKLOADS[name]
    X, n_clusters = loader()
    init = fastkmeans.kmeans_plusplus(X, n_clusters, random_state=0, n_threads=n_threads)[0]
    runs = {}
    for algorithm in ("lloyd", "hamerly", "yinyang", "elkan", "auto"):
        runs[f"fastkmeans {algorithm}"] = (
            lambda algorithm=algorithm: fastkmeans.fit(
                X, n_clusters, init=init, algorithm=algorithm, n_threads=n_threads))
    for algorithm in ("lloyd", "elkan"):
        model = KMeans(n_clusters, init=init, n_init=1, algorithm=algorithm)
        runs[f"sklearn {algorithm}"] = lambda model=model: model.fit(X)
    with threadpool_limits(n_threads):
        measured = _interleaved_medians(runs, repeats)
    rows = []
    for label, (seconds, result) in measured.items():
        if isinstance(result, ValueError):
            rows.append((label, None, None, None, None, str(result)))
        elif label.startswith("sklearn"):
            rows.append((label, seconds, result.n_iter_, result.inertia_, None, ""))
        else:
            evaluations = result.history.distance_evaluations
            fraction = (float(np.mean(evaluations[1:])) / (X.shape[0] * n_clusters)
                        if len(evaluations) > 1 else 1.0)
            if label.endswith("auto"):
                label += f" ({choose_algorithm(X.shape[0], X.shape[1], n_clusters)})"
            rows.append((label, seconds, result.n_iter, result.inertia, fraction, ""))
    return description, X.shape, rows


def _format(description, shape, rows):
    ours = rows[0][1]
    sklearn_lloyd = next(row[1] for row in rows if row[0] == "sklearn lloyd")
    reference_inertia = rows[0][3]
    lines = [f"### {description} ({shape[0]} x {shape[1]})", "",
             "| implementation | median s | / our lloyd | / sklearn lloyd | n_iter "
             "| inertia rel. diff | distances / (n k) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, seconds, n_iter, inertia, fraction, note in rows:
        if seconds is None:
            lines.append(f"| {name} | refused: {note} | | | | | |")
            continue
        rel = abs(inertia - reference_inertia) / reference_inertia
        frac = f"{fraction:.3f}" if fraction is not None else ""
        lines.append(f"| {name} | {seconds:.3f} | {seconds / ours:.2f} | "
                     f"{seconds / sklearn_lloyd:.2f} | {n_iter} | {rel:.1e} | {frac} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--markdown", help="also write the tables to this file")
    args = parser.parse_args(argv)
    tables = []
    for name in args.workloads.split(","):
        table = _format(*compare(name, args.repeats, args.threads))
        print(table, flush=True)
        tables.append(table)
    if args.markdown:
        with open(args.markdown, "w") as out:
            out.write(f"{args.threads} threads, median of {args.repeats}\n\n" + "\n".join(tables))


if __name__ == "__main__":
    main()
