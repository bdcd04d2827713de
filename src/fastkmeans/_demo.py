"""The demo behind ``python -m fastkmeans``: the classic tutorial, start to finish."""
import time

import numpy as np

from ._config import show_config
from ._fit import fit
from .datasets import blobs, tutorial_points


def _report(title: str, X: np.ndarray, n_clusters: int, random_state: int) -> None:
    started = time.perf_counter()
    result = fit(X, n_clusters, random_state=random_state)
    elapsed = time.perf_counter() - started
    sizes = np.bincount(result.labels, minlength=n_clusters)
    print(f"\n== {title}: {X.shape[0]} points x {X.shape[1]} features, k = {n_clusters} ==")
    print("cluster   size   center")
    for cluster, (size, center) in enumerate(zip(sizes, result.centers, strict=True)):
        coords = ", ".join(f"{value:8.3f}" for value in center)
        print(f"{cluster:7d} {size:6d}   ({coords})")
    print(f"inertia    {result.inertia:.4f}")
    print(f"iterations {result.n_iter} (converged: {result.converged})")
    print(f"fit time   {elapsed * 1e3:.2f} ms")


def _elbow_table(X: np.ndarray, k_values, random_state: int) -> None:
    print("\nElbow table (inertia for each k; look for the bend):")
    print("  k      inertia")
    for k in k_values:
        print(f"{k:3d} {fit(X, k, random_state=random_state).inertia:12.4f}")


def main() -> int:
    """Run the demo; returns the process exit code."""
    print("fastkmeans demo")
    config = show_config(mode="dicts")
    print(f"version {config['version']}, OpenMP {config['openmp']}, "
          f"{config['n_threads']} thread(s), SIMD path {config['simd']}")

    tutorial = tutorial_points()
    _report("Tutorial data (first feature 0-3, second uniform 0-10)", tutorial, 4, 2021)
    _elbow_table(tutorial, range(1, 10), 2021)

    X, _ = blobs()
    _report("Four well-separated blobs", X, 4, 2021)
    _elbow_table(X, range(1, 10), 2021)
    return 0
