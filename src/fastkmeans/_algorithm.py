"""Which iteration to run: ``algorithm="auto"``, and Elkan's memory budget.

All the variants give the same result (Lloyd's); ``auto`` only picks the one
expected to be fastest for the shape of the data. The crossovers come from
``benchmarks/accelerated_crossover.py`` (blobs with k clusters, 50,000
samples, k-means++ start, default tol, full fits, one thread, median of 3 on
a shared 2-core AMD EPYC; time over Lloyd's; see docs/accelerated.md for
the whole table):

====  =====  =========  =========
d     k      hamerly    yinyang
====  =====  =========  =========
2     100    1.76       2.83
2     300    1.35       1.41
3     1000   1.68       0.62
4     100    1.01       1.75
4     300    1.10       0.88
4     1000   1.79       0.75
8     32     0.87       1.14
8     100    0.42       0.86
8     1000   0.73       0.59
16    100    0.38       0.57
16    300    0.24       0.32
32    100    0.80       0.84
32    1000   0.37       0.32
64    10     0.97       0.97
64    100    0.48       0.49
64    1000   0.41       0.39
====  =====  =========  =========

Below 8 features Lloyd's low-d kernel computes a distance in a fraction of
a nanosecond, and checking a point's bounds costs as much as dozens of its
distances; with fewer than 32 clusters there is little to skip. Elkan (k
bounds per point) was never the fastest.
"""
from fastkmeans._accelerated import check_elkan_memory

#: auto: Yinyang from this many clusters (and at least 3 features) ...
YINYANG_MIN_CLUSTERS = 500
#: ... else Hamerly from this many features and clusters, else Lloyd.
HAMERLY_MIN_FEATURES = 8
HAMERLY_MIN_CLUSTERS = 32


def choose_algorithm(n_samples: int, n_features: int, n_clusters: int) -> str:
    """The variant ``algorithm="auto"`` runs for this shape (see the module docstring).

    ``n_samples`` does not matter in the measurements so far: every variant's
    cost grows linearly with it.
    """
    if n_clusters >= YINYANG_MIN_CLUSTERS and n_features >= 3:
        return "yinyang"
    if n_features >= HAMERLY_MIN_FEATURES and n_clusters >= HAMERLY_MIN_CLUSTERS:
        return "hamerly"
    return "lloyd"


def resolve_algorithm(algorithm: str, n_samples: int, n_features: int, n_clusters: int,
                      x_bytes: int) -> str:
    """``algorithm`` with ``'auto'`` resolved; refuses Elkan beyond its budget."""
    if algorithm == "auto":
        algorithm = choose_algorithm(n_samples, n_features, n_clusters)
    if algorithm == "elkan":
        check_elkan_memory(n_samples, n_clusters, x_bytes)
    return algorithm
