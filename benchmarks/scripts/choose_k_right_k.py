"""Does choose_k find the right k? A labelled benchmark of 64 data sets.

Run from the repository root::

    python benchmarks/scripts/choose_k_right_k.py [--seed 0] [--n-refs 10] [--threads 2]

The data sets have an unambiguous answer:

- ``equal``: well-separated Gaussian blobs (centers at least 8 standard
  deviations apart), k = 2..8, d = 2, 5, 10, 20, equal sizes (28 sets);
- ``unequal``: the same, k = 2..8, d = 2 and 10, sizes in ratio up to 1:6 (14);
- ``anisotropic``: each blob stretched by a random linear map (axis ratios
  up to 4:1), k = 3..6, d = 2 and 8 (8);
- ``spreads``: blobs with standard deviations from 0.5 to 2 (centers apart
  by 8 times the larger of two spreads), k = 3..6, d = 2 and 8 (8);
- ``noise``: uniform points in a box, d = 2, 3, 5, 10, 20 and 1000 x 2 (6),
  where the answer is 1.

For each, ``fastkmeans.choose_k`` over k = 1..10 (default options,
``random_state`` = the set's seed) and the hit rate of its recommendation,
of each criterion's own choice, and of Kneedle's knee. ``--seed`` changes
every data set (use another seed to check that the rule does not fit one
draw). Imported by nothing: run it by hand.
"""
import argparse
import time


def _centers(rng, n_clusters, n_features, min_distance, spreads):
    import numpy as np

    scale = 10.0
    while True:
        centers = rng.uniform(-scale, scale, size=(n_clusters, n_features))
        gaps = np.sqrt(((centers[:, None] - centers[None]) ** 2).sum(axis=2))
        needed = min_distance * np.maximum(spreads[:, None], spreads[None, :])
        np.fill_diagonal(gaps, np.inf)
        if np.all(gaps >= needed):
            return centers
        scale *= 1.05


def make_set(family, n_clusters, n_features, seed):
    """``(X float64, true k)`` of one benchmark data set."""
    import numpy as np

    rng = np.random.default_rng(seed)
    if family == "noise":
        n_samples = 1000 if n_clusters == 0 else 1500
        return rng.uniform(-5, 5, size=(n_samples, n_features)), 1
    spreads = np.ones(n_clusters)
    if family == "spreads":
        spreads = rng.uniform(0.5, 2.0, size=n_clusters)
    sizes = np.full(n_clusters, 300)
    if family == "unequal":
        sizes = rng.integers(50, 301, size=n_clusters)
        sizes[0] = 300
        sizes[-1] = 50
    centers = _centers(rng, n_clusters, n_features, 8.0, spreads)
    parts = []
    for j in range(n_clusters):
        points = rng.normal(size=(sizes[j], n_features)) * spreads[j]
        if family == "anisotropic":
            stretch = np.diag(rng.uniform(0.5, 2.0, size=n_features))
            rotation, _ = np.linalg.qr(rng.normal(size=(n_features, n_features)))
            points = points @ stretch @ rotation / np.sqrt(2.0)
        parts.append(points + centers[j])
    return np.vstack(parts), n_clusters


def benchmark_sets(seed):
    """``(family, k, d, set seed)`` of the 64 data sets."""
    sets = []
    for k in range(2, 9):
        for d in (2, 5, 10, 20):
            sets.append(("equal", k, d))
        for d in (2, 10):
            sets.append(("unequal", k, d))
    for family in ("anisotropic", "spreads"):
        for k in range(3, 7):
            for d in (2, 8):
                sets.append((family, k, d))
    for d in (2, 3, 5, 10, 20):
        sets.append(("noise", 1, d))
    sets.append(("noise", 0, 2))  # 1000 points
    return [(family, k, d, seed * 1000 + index) for index, (family, k, d) in enumerate(sets)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-refs", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    import numpy as np

    import fastkmeans

    criteria = ("gap", "silhouette", "calinski_harabasz", "davies_bouldin", "elbow")
    columns = ("recommended",) + criteria
    hits = {}
    rows = []
    started = time.perf_counter()
    for family, k, d, set_seed in benchmark_sets(args.seed):
        X, truth = make_set(family, k, d, set_seed)
        result = fastkmeans.choose_k(X, range(1, 11), random_state=set_seed,
                                     n_refs=args.n_refs, n_threads=args.threads)
        picked = {"recommended": result.k, **result.choices}
        for column in columns:
            hits.setdefault(family, {}).setdefault(column, []).append(picked[column] == truth)
        rows.append((family, truth, d, picked, result.confidence))
    seconds = time.perf_counter() - started

    print(f"choose_k right-k benchmark, seed {args.seed}, {len(rows)} data sets, "
          f"{seconds:.0f} s\n")
    print("| family | sets | " + " | ".join(columns) + " |")
    print("|---|---|" + "---|" * len(columns))
    everything = {column: [] for column in columns}
    for family, by_column in hits.items():
        cells = []
        for column in columns:
            values = by_column[column]
            everything[column] += values
            cells.append(f"{sum(values)}/{len(values)}")
        print(f"| {family} | {len(by_column['recommended'])} | " + " | ".join(cells) + " |")
    total = len(everything["recommended"])
    print("| **all** | " + f"{total} | " + " | ".join(
        f"**{np.mean(everything[c]):.0%}** ({sum(everything[c])})" for c in columns) + " |")
    print("\nmisses of the recommendation (family, true k, d: choices, confidence):")
    for family, truth, d, picked, confidence in rows:
        if picked["recommended"] != truth:
            print(f"  {family} k={truth} d={d}: {picked} ({confidence})")
    confidences = {}
    for _, truth, _, picked, confidence in rows:
        confidences.setdefault(confidence, []).append(picked["recommended"] == truth)
    print("\nhit rate by confidence: " + ", ".join(
        f"{name} {sum(v)}/{len(v)}" for name, v in sorted(confidences.items())))


if __name__ == "__main__":
    main()
