"""The bounded variants against Lloyd on embeddings: many features, many clusters.

Run from the repository root (one benchmark at a time on a shared machine)::

    python benchmarks/scripts/bounds_on_embeddings.py [--n-samples 100000]
        [--n-features 384] [--n-clusters 1024] [--threads 2] [--max-iter 20]
        [--algorithms lloyd,hamerly,yinyang,auto] [--spherical]

On a normalised Gaussian mixture (``embeddings_compare.make_embeddings``:
unit float32 rows, four components per cluster) every algorithm runs from
the same initial centers (``k`` rows of X), ``tol=0``, at most
``--max-iter`` iterations, in turn in one process. All give Lloyd's result
(the script checks the labels, centers and iteration count); the table
gives each fit's seconds, its ratio to Lloyd's, and for each iteration
the share of the ``n * k`` distances it computed and its seconds. Rows that their bounds cannot
settle are searched by Lloyd's dense kernel, all centers at once or, for
a Yinyang row with few groups open, those groups' centers
(``core/bounds_impl.h``); before the dense search (commit f93ada6 and
earlier) the bounded variants computed each such row's distances center
by center, and before the group search (commit 92d5d3a) so did Yinyang
for a row with few groups open.
``--spherical`` fits spherical k-means (the bounded variants since the
dense search; earlier versions refuse them).
"""
import argparse
import time

import numpy as np
from embeddings_compare import make_embeddings

import fastkmeans


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=100_000)
    parser.add_argument("--n-features", type=int, default=384)
    parser.add_argument("--n-clusters", type=int, default=1024)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-iter", type=int, default=20)
    parser.add_argument("--algorithms", default="lloyd,hamerly,yinyang,auto")
    parser.add_argument("--spherical", action="store_true")
    args = parser.parse_args(argv)
    n, d, k = args.n_samples, args.n_features, args.n_clusters
    X = make_embeddings(n, d, 4 * k)
    init = X[np.sort(np.random.default_rng(1).choice(n, k, replace=False))].copy()
    print(f"{n} x {d} float32 unit rows, k={k}, {args.threads} threads, "
          f"spherical={args.spherical}, fastkmeans {fastkmeans.__version__}\n")
    print("| algorithm | fit s | / lloyd | iterations | distances / (n k), by iteration "
          "| seconds, by iteration |")
    print("|---|---:|---:|---:|---|---|")
    lloyd = None
    for algorithm in args.algorithms.split(","):
        time.sleep(0.5)
        started = time.perf_counter()
        result = fastkmeans.fit(X, k, init=init, tol=0.0, max_iter=args.max_iter,
                                n_threads=args.threads, algorithm=algorithm,
                                spherical=args.spherical)
        seconds = time.perf_counter() - started
        if algorithm == "lloyd":
            lloyd = (seconds, result)
        elif lloyd is not None:
            assert result.n_iter == lloyd[1].n_iter
            assert np.array_equal(result.labels, lloyd[1].labels)
            assert np.array_equal(result.centers, lloyd[1].centers)
        shares = " ".join(f"{e / (n * k):.2f}" for e in result.history.distance_evaluations)
        times = " ".join(f"{t:.2f}" for t in result.history.seconds)
        ratio = f"{seconds / lloyd[0]:.2f}" if lloyd else ""
        print(f"| {algorithm} | {seconds:.2f} | {ratio} | {result.n_iter} | {shares} "
              f"| {times} |", flush=True)


if __name__ == "__main__":
    main()
