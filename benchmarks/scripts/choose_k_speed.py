"""choose_k's time, side by side with elbow and with the same criteria in scikit-learn.

Run from the repository root (one benchmark at a time on a shared machine)::

    python benchmarks/scripts/choose_k_speed.py [--n-samples 100000] [--threads 2] [--repeats 2]

On ``n_samples x 16`` float32 points (8 Gaussian blobs) and k = 1..10, in one run:

1. ``fastkmeans.elbow`` (the fits alone);
2. ``fastkmeans.choose_k`` (the same fits, plus the gap statistic with
   B = 10 reference sets, the silhouette, Calinski-Harabasz, Davies-Bouldin);
3. the same criteria with scikit-learn: ``KMeans`` (k-means++, ``n_init=1``,
   as our default) for every k, the gap statistic written with
   ``KMeans`` fits of B = 10 reference sets of the same size as ours (uniform
   in the same principal-axes box, plain k-means++ fits), and
   ``sklearn.metrics``' silhouette (on the same 5000-point subset size),
   Calinski-Harabasz and Davies-Bouldin.

Every variant runs with the same thread count (scikit-learn's BLAS and
OpenMP held to it with threadpoolctl); each variant is timed ``--repeats``
times, interleaved, and the best is kept. Prints wall and CPU seconds
(``time.process_time``, all threads: steadier than wall time on a shared
machine, but it counts OpenMP's spinning, so compare CPU at ``--threads 1``)
and the ratios.
Imported by nothing: run it by hand.
"""
import argparse
import time


def _blobs(n_samples, n_features, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    centers = rng.uniform(-10, 10, size=(8, n_features))
    labels = rng.integers(0, 8, size=n_samples)
    return (centers[labels] + rng.normal(size=(n_samples, n_features))).astype(np.float32)


def sklearn_criteria(X, k_values, n_refs, ref_samples, silhouette_size, seed):
    """The criteria of choose_k computed with scikit-learn's KMeans and metrics."""
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.metrics import (
        calinski_harabasz_score,
        davies_bouldin_score,
        silhouette_score,
    )

    rng = np.random.default_rng(seed)
    fits = [KMeans(k, n_init=1, random_state=seed).fit(X) for k in k_values]
    # gap statistic: references uniform in the principal-axes box
    mean = X.mean(axis=0, dtype=np.float64)
    _, _, vt = np.linalg.svd(X - mean, full_matrices=False)
    projected = (X - mean) @ vt.T
    low, high = projected.min(axis=0), projected.max(axis=0)
    reference = np.empty((n_refs, len(k_values)))
    for b in range(n_refs):
        Z = (rng.uniform(low, high, size=(ref_samples, X.shape[1])) @ vt + mean)
        Z = Z.astype(X.dtype)
        for j, k in enumerate(k_values):
            inertia = KMeans(k, n_init=1, random_state=seed).fit(Z).inertia_
            reference[b, j] = np.log(inertia / ref_samples)
    log_w = np.log([fit.inertia_ / X.shape[0] for fit in fits])
    gap = reference.mean(axis=0) - log_w
    scores = {"gap": gap}
    scores["silhouette"] = [silhouette_score(X, fit.labels_, sample_size=silhouette_size,
                                             random_state=seed) if k > 1 else np.nan
                            for k, fit in zip(k_values, fits, strict=True)]
    scores["calinski_harabasz"] = [calinski_harabasz_score(X, fit.labels_) if k > 1
                                   else np.nan for k, fit in zip(k_values, fits, strict=True)]
    scores["davies_bouldin"] = [davies_bouldin_score(X, fit.labels_) if k > 1 else np.nan
                                for k, fit in zip(k_values, fits, strict=True)]
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=100_000)
    parser.add_argument("--n-features", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--no-sklearn", action="store_true")
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits

    import fastkmeans
    from fastkmeans._choose_k import SILHOUETTE_EXACT_MAX
    from fastkmeans._gap import N_REFS, REF_SAMPLES

    X = _blobs(args.n_samples, args.n_features)
    k_values = range(1, 11)
    ref_samples = min(REF_SAMPLES, args.n_samples)
    silhouette_size = min(SILHOUETTE_EXACT_MAX, args.n_samples)
    variants = {
        "elbow": lambda: fastkmeans.elbow(X, k_values, random_state=0, n_threads=args.threads),
        "choose_k": lambda: fastkmeans.choose_k(X, k_values, random_state=0,
                                                n_threads=args.threads),
    }
    if not args.no_sklearn:
        variants["scikit-learn"] = lambda: sklearn_criteria(
            X, k_values, N_REFS, ref_samples, silhouette_size, 0)
    best = {name: float("inf") for name in variants}
    best_cpu = dict(best)
    results = {}
    with threadpool_limits(args.threads):
        for _ in range(args.repeats):
            for name, call in variants.items():  # interleaved: a busy neighbour slows all
                started, started_cpu = time.perf_counter(), time.process_time()
                results[name] = call()
                best[name] = min(best[name], time.perf_counter() - started)
                best_cpu[name] = min(best_cpu[name], time.process_time() - started_cpu)
    print(f"choose_k speed: {args.n_samples:,} x {args.n_features} float32, k = 1..10, "
          f"B = {N_REFS} reference sets of {ref_samples:,} points, silhouette on "
          f"{silhouette_size:,} samples, {args.threads} thread(s), best of {args.repeats}\n")
    print("| variant | wall s | CPU s | wall / elbow | CPU / elbow | scikit-learn / this, "
          "wall | scikit-learn / this, CPU |")
    print("|---|---|---|---|---|---|---|")
    for name, seconds in best.items():
        cpu = best_cpu[name]
        versus = (f"{best['scikit-learn'] / seconds:.1f}x | "
                  f"{best_cpu['scikit-learn'] / cpu:.1f}x" if "scikit-learn" in best
                  else "- | -")
        print(f"| {name} | {seconds:.2f} | {cpu:.2f} | {seconds / best['elbow']:.2f} | "
              f"{cpu / best_cpu['elbow']:.2f} | {versus} |")
    ours = results["choose_k"]
    print(f"\nchoose_k recommends k = {ours.k} ({ours.reason})")
    if "scikit-learn" in results:
        import numpy as np

        theirs = results["scikit-learn"]
        for name in ("gap", "silhouette", "calinski_harabasz", "davies_bouldin"):
            values = np.asarray(theirs[name])
            best_index = np.nanargmin(values) if name == "davies_bouldin" else np.nanargmax(values)
            print(f"  {name}: best k ours {ours.choices[name]}, scikit-learn's "
                  f"{ours.k_values[int(best_index)]}")


if __name__ == "__main__":
    main()
