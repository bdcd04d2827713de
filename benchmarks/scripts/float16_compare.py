"""float16 input against float32: speed at equal work and peak memory above X.

Speed: the same float16 data fitted as float16 and as ``X.astype(np.float32)``
from the same initial centers, ``tol=0`` and ``--iterations`` iterations,
taking turns ``--repeat`` times in one process; the table gives the best mean
seconds per iteration of each and their ratio (the results are checked to be
bitwise equal).

Memory: each fit runs again in a fresh subprocess that builds X in small
chunks, resets the peak resident size (``/proc/self/clear_refs``, Linux),
fits, and reports the peak resident size above the size before the fit, as
a fraction of ``X.nbytes`` (float16 X; for float32, of the float16 size
too, to compare like with like).

Usage::

    python benchmarks/scripts/float16_compare.py --n-samples 200000 \\
        --n-features 384 --n-clusters 256 --threads 1,2 --iterations 4
"""
import argparse
import json
import subprocess
import sys
import time

import numpy as np

import fastkmeans


def make_rows(n_samples, n_features, dtype, seed=0):
    """Unit-norm rows around random directions, built 4096 rows at a time."""
    rng = np.random.default_rng(seed)
    topics = rng.standard_normal((64, n_features)).astype(np.float32)
    X = np.empty((n_samples, n_features), dtype=dtype)
    for start in range(0, n_samples, 4096):
        stop = min(start + 4096, n_samples)
        rows = topics[rng.integers(0, 64, size=stop - start)]
        rows += rng.standard_normal(rows.shape, dtype=np.float32)
        rows /= np.linalg.norm(rows, axis=1)[:, None]
        X[start:stop] = rows
    return X


def _status_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def peak_above_x(n_samples, n_features, n_clusters, dtype, iterations, n_threads):
    """(Run in a subprocess.) Peak resident bytes of one fit above the resident size before it."""
    X = make_rows(n_samples, n_features, dtype)
    init = np.array(X[:n_clusters], dtype=np.float32)
    fastkmeans.fit(X[:1000], 2, n_threads=n_threads)  # load every module first
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # the peak resident size restarts from the current one
    before = _status_kib("VmRSS")
    fastkmeans.fit(X, n_clusters, init=init, tol=0.0, max_iter=iterations, n_threads=n_threads)
    return (_status_kib("VmHWM") - before) * 1024


def measure_memory(args, dtype, n_threads):
    code = ("import sys, json; sys.path.insert(0, sys.argv[1]); import float16_compare as f; "
            f"print(json.dumps(f.peak_above_x({args.n_samples}, {args.n_features}, "
            f"{args.n_clusters}, '{dtype}', {args.iterations}, {n_threads})))")
    here = str(__import__("pathlib").Path(__file__).resolve().parent)
    output = subprocess.run([sys.executable, "-c", code, here], check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-samples", type=int, default=200_000)
    parser.add_argument("--n-features", type=int, default=384)
    parser.add_argument("--n-clusters", type=int, default=256)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--iterations", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    X16 = make_rows(args.n_samples, args.n_features, np.float16)
    X32 = X16.astype(np.float32)
    init = np.array(X32[:args.n_clusters])
    print(f"## {args.n_samples} x {args.n_features}, k={args.n_clusters}, "
          f"{args.iterations} iterations (float16 X: {X16.nbytes / 2**20:.0f} MiB)\n")
    print("| threads | float32 s/iter | float16 s/iter | float16 / float32 "
          "| peak above X, float16 | peak above X, float32 (/ float16 X size) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n_threads in (int(t) for t in args.threads.split(",")):
        best = {"float32": np.inf, "float16": np.inf}
        results = {}
        for _ in range(args.repeat):
            for name, X in (("float32", X32), ("float16", X16)):
                time.sleep(0.3)
                results[name] = fastkmeans.fit(X, args.n_clusters, init=init, tol=0.0,
                                               max_iter=args.iterations, n_threads=n_threads)
                best[name] = min(best[name], float(np.mean(results[name].history.seconds)))
        assert np.array_equal(results["float16"].centers, results["float32"].centers)
        assert results["float16"].inertia == results["float32"].inertia
        memory = {name: measure_memory(args, name, n_threads) / X16.nbytes
                  for name in ("float16", "float32")}
        print(f"| {n_threads} | {best['float32']:.3f} | {best['float16']:.3f} "
              f"| {best['float16'] / best['float32']:.2f} | {memory['float16']:.1%} "
              f"| {memory['float32']:.1%} |", flush=True)


if __name__ == "__main__":
    main()
