"""Which iteration to run: ``algorithm="auto"``, and the bounds' memory budget.

All the variants give the same result (Lloyd's); ``auto`` only picks the one
expected to be fastest for the shape of the data. The crossovers come from
``benchmarks/scripts/accelerated_crossover.py`` (blobs with k clusters, 50,000
samples, k-means++ start, default tol, full fits, one thread, median of 3 on
a shared 2-core AMD EPYC; time over Lloyd's; see docs/accelerated.md for
the whole table):

====  =====  =========  =========
d     k      hamerly    yinyang
====  =====  =========  =========
2     100    1.81       2.76
2     300    1.16       1.18
2     500    1.30       0.85
2     1000   1.44       0.60
4     100    1.11       1.68
4     300    1.05       0.89
4     500    1.35       0.81
4     1000   1.71       0.59
8     10     1.38       1.68
8     32     0.85       1.09
8     100    0.43       0.87
8     500    0.39       0.52
8     1000   0.69       0.49
16    100    0.40       0.59
16    300    0.24       0.31
32    100    0.81       0.88
32    300    0.23       0.29
32    1000   0.37       0.33
64    10     0.96       0.97
64    100    0.47       0.50
64    1000   0.40       0.39
====  =====  =========  =========

From 64 features the same script's blobs, and with ``--embeddings``
spherical k-means of unit rows (60,000 samples, random-row start, tol=0,
at most 20 iterations, median of 2), gave at 512 clusters (time over
Lloyd's, hamerly / yinyang):

====  ===========  ===========
d     blobs        embeddings
====  ===========  ===========
64    0.37 / 0.31  0.98 / 0.99
128   0.25 / 0.24  0.82 / 0.81
384   0.39 / 0.33  0.74 / 0.65
768   0.50 / 0.47  0.85 / 0.77
====  ===========  ===========

Yinyang ahead or within 1% (embeddings, d = 64), so from 64 features
``auto`` runs it from 512 clusters. At 256 clusters it was ahead on blobs
at d = 64 (0.25 against 0.30) and within 5% elsewhere, either way round
(0.99 / 1.01 to 0.88 / 0.84), and blobs at d = 128, k = 300 ran Yinyang
1.08-1.14x Hamerly's time: below 512 Hamerly stays.

Below 8 features Lloyd's low-d kernel computes a distance in a fraction of
a nanosecond, and checking a point's bounds costs as much as dozens of its
distances: only Yinyang with many clusters won there, over whole fits, and
``auto`` runs Lloyd. With the fall-back measured in the run (below), Yinyang
in 2 features fell back after its first bounded iteration (k = 500 and 1000,
clustered or not, 20 iterations) and cost 1.3x (20 iterations) to 2.3x
(6 iterations) Lloyd's time in benchmarks/scripts/auto_vs_lloyd.py. With fewer than 32
clusters there is little to skip. Elkan (k bounds per point) was never the
fastest.
"""
from ._accelerated import BoundedStep, bounds_fit_budget, check_bound_memory

#: auto: Lloyd below this many features (see below) ...
BOUNDS_MIN_FEATURES = 8
#: ... else Yinyang from this many clusters ...
YINYANG_MIN_CLUSTERS = 1000
#: ... or from this many with at least HIGH_D_FEATURES features (see below) ...
YINYANG_MIN_CLUSTERS_HIGH_D = 512
HIGH_D_FEATURES = 64
#: ... else Hamerly from this many clusters, else Lloyd.
HAMERLY_MIN_CLUSTERS = 32
#: Bounds only with at least this many samples per cluster: below it, setting
#: them up (center-to-center gaps, k x k x d; Yinyang's groups) costs more
#: than a Lloyd pass saves (benchmarks/scripts/auto_vs_lloyd.py: n = 4 k,
#: d = 32, k = 1000 ran 2.05x Lloyd's time).
MIN_SAMPLES_PER_CLUSTER = 32


def choose_algorithm(n_samples: int, n_features: int, n_clusters: int) -> str:
    """The variant ``algorithm="auto"`` runs for this shape (see the module docstring).

    Beyond ``MIN_SAMPLES_PER_CLUSTER`` samples per cluster ``n_samples`` does
    not matter in the measurements so far: every variant's cost grows
    linearly with it. A bounded step made for ``auto`` runs Lloyd's pass,
    building no bounds, until sampled rows say the bounds would prune
    (``_accelerated.prunable_fraction``), and then falls back to Lloyd's pass
    for good when it measures the bounds slower (:func:`adapt_to_cost`).
    """
    if n_samples < MIN_SAMPLES_PER_CLUSTER * n_clusters:
        return "lloyd"
    if n_features < BOUNDS_MIN_FEATURES:
        return "lloyd"
    if n_clusters >= (YINYANG_MIN_CLUSTERS_HIGH_D if n_features >= HIGH_D_FEATURES
                       else YINYANG_MIN_CLUSTERS):
        return "yinyang"
    if n_clusters >= HAMERLY_MIN_CLUSTERS:
        return "hamerly"
    return "lloyd"


def resolve_algorithm(algorithm: str, n_samples: int, n_features: int, n_clusters: int,
                      x_bytes: int) -> str:
    """``algorithm`` with ``'auto'`` resolved; refuses a variant whose bounds
    exceed the memory budget (``auto`` steps down to Hamerly, then Lloyd)."""
    if algorithm == "auto":
        algorithm = choose_algorithm(n_samples, n_features, n_clusters)
        # fewer bounds when the budget is short: Yinyang -> Hamerly -> Lloyd
        for fewer in ("hamerly", "lloyd"):
            if algorithm == "lloyd" or bounds_fit_budget(algorithm, n_samples, n_clusters,
                                                         x_bytes):
                break
            algorithm = fewer
    if algorithm != "lloyd":
        check_bound_memory(algorithm, n_samples, n_clusters, x_bytes)
    return algorithm


def adapt_to_cost(step) -> None:
    """Let a step made for ``algorithm='auto'`` fall back to Lloyd's pass when
    its bounds cost more than they save (measured in the run: see
    ``BoundedStep.assign_and_sum``), so that ``auto`` is never much slower
    than Lloyd, whatever the data. The result is the same either way."""
    step = getattr(step, "inner", step)  # spherical: the twin's step
    if isinstance(step, BoundedStep):
        step.adaptive = True
