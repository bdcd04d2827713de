"""Lloyd, k-means++ and the assignment for SciPy CSR input (validated :class:`CSRData`).

The same algorithm, rules and results as the dense path (``_fit._lloyd`` and
``_lloyd.lloyd_run``): scikit-learn's stopping rules, empty clusters re-seeded
with the farthest points, one more assignment after a stop on ``tol`` or
``max_iter``, a history tuple per iteration and the ``on_iteration`` hook.
Centers are dense. Each iteration is two passes over the nonzeros: the
assignment (``_sparse.assign_pass``) and the cluster sums
(``_sparse.cluster_sums``, each cluster owned by one thread); see
``_sparse.pyx`` for the layouts and the memory they take.
"""
import math
from time import perf_counter

import numpy as np

from . import _sparse
from ._init import draw_candidates
from ._result import KMeansResult, run_result
from ._sparse import LINE_BYTES
from ._sparse_input import CSRData
from ._stopping import end_iteration


class _Centers:
    """Centers in the layouts the sparse kernels read, rebuilt by :meth:`load`.

    ``ct`` is ``(n_features, width)``: the centers transposed and zero-padded
    to ``width`` values, whole 64-byte lines, aligned to a line (see
    ``_sparse.pyx``).
    """

    def __init__(self, n_clusters: int, n_features: int, dtype, n_samples: int):
        line = LINE_BYTES // np.dtype(dtype).itemsize
        width = -(-n_clusters // line) * line
        self.ct = _aligned_zeros((n_features, width), dtype)
        self.ct_sq = np.zeros(width, dtype=dtype)
        self.sq = np.empty(n_clusters)
        # one row of dot products per block of rows
        self.scratch = np.empty((_sparse.n_blocks(n_samples), width), dtype=dtype)
        self.rows = None

    def load(self, centers: np.ndarray) -> None:
        n_clusters = centers.shape[0]
        self.rows = centers
        self.ct[:, :n_clusters] = centers.T
        _sparse.dense_sq_norms(centers, self.sq)
        self.ct_sq[:n_clusters] = self.sq


def _aligned_zeros(shape, dtype) -> np.ndarray:
    """Zeros whose first element sits on a cache-line boundary."""
    dtype = np.dtype(dtype)
    n_bytes = int(np.prod(shape)) * dtype.itemsize
    raw = np.zeros(n_bytes + LINE_BYTES, dtype=np.uint8)
    skip = -raw.ctypes.data % LINE_BYTES
    return raw[skip:skip + n_bytes].view(dtype).reshape(shape)


def _relocate_empty_clusters(X: CSRData, sample_weight, layout: _Centers, labels,
                             sums, weights, n_threads: int) -> int:
    """As ``_lloyd.relocate_empty_clusters``: the farthest points re-seed empty clusters."""
    empty = np.flatnonzero(weights == 0)
    sq_dist = np.empty(X.shape[0])
    _sparse.label_sq_distances(*X.arrays, layout.rows, layout.sq, labels, sq_dist, n_threads)
    sq_dist[sample_weight == 0] = -1.0
    n_moves = empty.size  # validation guarantees >= n_clusters weighted points
    far = np.argpartition(sq_dist, -n_moves)[-n_moves:]
    far = far[np.lexsort((far, -sq_dist[far]))]
    for cluster, index in zip(empty, far):
        start, end = X.indptr[index], X.indptr[index + 1]
        columns = X.indices[start:end]
        weight = sample_weight[index]
        weighted_row = weight * X.data[start:end].astype(np.float64)
        old_cluster = labels[index]
        sums[old_cluster, columns] -= weighted_row
        weights[old_cluster] -= weight
        sums[cluster] = 0.0
        sums[cluster, columns] = weighted_row
        weights[cluster] = weight
    return empty.size


class LloydWorkspace:
    """The buffers of a sparse Lloyd run and one iteration on them.

    Memory: the ``n_clusters x n_features`` float64 sums, the transposed
    centers (``n_features x width``, dtype of X) and O(n_samples) for the
    row order; nothing grows with the thread count.
    """

    def __init__(self, X: CSRData, sample_weight, n_clusters: int, n_threads: int):
        n_samples, n_features = X.shape
        self.X, self.sample_weight, self.n_threads = X, sample_weight, n_threads
        self.layout = _Centers(n_clusters, n_features, X.dtype, n_samples)
        self.order = np.empty(n_samples, dtype=np.intp)
        self.offsets = np.empty(n_clusters + 1, dtype=np.intp)
        self.sums = np.empty((n_clusters, n_features))
        self.weights = np.empty(n_clusters)

    def iteration(self, centers, labels):
        """Assign, sum, re-seed empty clusters and move ``centers`` (in place).

        Returns ``(inertia, n_changed, center_shift, n_relocated)``; the
        inertia and labels are those of the centers before the move.
        """
        X, sample_weight, layout = self.X, self.sample_weight, self.layout
        layout.load(centers)
        inertia, n_changed = _sparse.assign_pass(
            *X.arrays, sample_weight, layout.ct, layout.ct_sq, layout.rows, layout.sq,
            labels, _NO_DISTANCES, layout.scratch, self.n_threads)
        _sparse.group_rows_by_label(labels, self.order, self.offsets)
        _sparse.cluster_sums(*X.arrays, sample_weight, self.order, self.offsets, self.sums,
                             self.weights, self.n_threads)
        n_relocated = 0
        if not self.weights.all():
            n_relocated = _relocate_empty_clusters(X, sample_weight, layout, labels,
                                                   self.sums, self.weights, self.n_threads)
        shift = _sparse.average_and_shift(self.sums, self.weights, centers)
        return inertia, n_changed, shift, n_relocated


_NO_DISTANCES = np.empty(0)


def lloyd_run(X: CSRData, sample_weight, centers, labels, max_iter: int, tol: float,
              n_threads: int, history: list, on_iteration=None):
    """Lloyd iterations on CSR data, with the contract of ``_lloyd.lloyd_run``.

    The same arguments (``X`` a :class:`CSRData`, no ``path``), the same
    ``(n_iter, converged, labels_match_centers)`` result, the same history
    tuples and ``on_iteration`` hook; ``centers`` are updated in place.
    """
    workspace = LloydWorkspace(X, sample_weight, centers.shape[0], n_threads)
    converged = strict = False
    n_relocated = 0
    labels[:] = -1
    iteration = 0
    evaluations = X.shape[0] * centers.shape[0]    # Lloyd computes every distance
    for iteration in range(max_iter):
        started = perf_counter()
        inertia, n_changed, shift, n_relocated = workspace.iteration(centers, labels)
        converged, strict, stop = end_iteration(
            history, inertia, shift, perf_counter() - started, evaluations,
            n_changed, tol, on_iteration)
        if stop:
            break
    return iteration + 1, converged, strict and n_relocated == 0


def lloyd(X: CSRData, sample_weight, centers, max_iter, tol, n_threads, progress=None,
          run_index=0) -> KMeansResult:
    """One Lloyd run from ``centers`` (private, updated in place), as ``_fit._lloyd``.

    ``progress`` (a FitProgress) hears of every iteration.
    """
    labels = np.empty(X.shape[0], dtype=np.int32)
    history = []
    on_iteration = progress.hook(history, run_index) if progress is not None else None
    n_iter, converged, labels_match = lloyd_run(X, sample_weight, centers, labels,
                                                max_iter, tol, n_threads, history,
                                                on_iteration)
    layout = _Centers(centers.shape[0], centers.shape[1], X.dtype, X.shape[0])
    layout.load(centers)
    if not labels_match:
        _sparse.assign_pass(*X.arrays, sample_weight, layout.ct, layout.ct_sq, layout.rows,
                            layout.sq, labels, _NO_DISTANCES, layout.scratch, n_threads)
    return run_result(centers, labels,
                      _sparse.inertia(*X.arrays, sample_weight, centers, layout.sq, labels,
                                      n_threads),
                      n_iter, converged, history)


def mean_feature_variance(X: CSRData) -> float:
    """``mean(var(X, axis=0))`` in float64, over the implicit zeros too."""
    return _sparse.mean_feature_variance(X.data, X.indices, X.shape[0], X.shape[1])


def predict(X: CSRData, centers, n_threads: int):
    """Nearest center of every row and the exact squared distance to it (dtype of X)."""
    layout = _Centers(centers.shape[0], centers.shape[1], X.dtype, X.shape[0])
    layout.load(centers)
    labels = np.empty(X.shape[0], dtype=np.int32)
    sq_dist = np.empty(X.shape[0])
    _sparse.assign_pass(*X.arrays, np.zeros(X.shape[0]), layout.ct, layout.ct_sq,
                        layout.rows, layout.sq, labels, sq_dist, layout.scratch, n_threads)
    return labels, sq_dist.astype(X.dtype, copy=False)


def labels_and_inertia(X: CSRData, centers, sample_weight, n_threads: int):
    """Nearest center of every row and the weighted inertia (exact, float64)."""
    layout = _Centers(centers.shape[0], centers.shape[1], X.dtype, X.shape[0])
    layout.load(centers)
    labels = np.empty(X.shape[0], dtype=np.int32)
    _sparse.assign_pass(*X.arrays, sample_weight, layout.ct, layout.ct_sq, layout.rows,
                        layout.sq, labels, _NO_DISTANCES, layout.scratch, n_threads)
    return labels, _sparse.inertia(*X.arrays, sample_weight, centers, layout.sq, labels,
                                   n_threads)


def kmeans_plusplus(X: CSRData, n_clusters, sample_weight, rng, n_threads,
                    n_local_trials=None):
    """Greedy k-means++ on CSR rows, drawing from ``rng`` as ``_init._dense_kmeans_plusplus``.

    Candidates are scored by the assignment's dot-product kernel (see
    ``_sparse.candidate_potentials``); the chosen center's distances are
    exact. Extra memory: O(n_samples) and the candidates, densified and
    transposed (``n_features x n_local_trials``, padded to a cache line).
    """
    n_samples, n_features = X.shape
    if n_local_trials is None:
        n_local_trials = 2 + int(math.log(n_clusters))
    probabilities = sample_weight / sample_weight.sum()
    centers = np.empty((n_clusters, n_features), dtype=X.dtype)
    indices = np.empty(n_clusters, dtype=np.intp)
    closest_sq = np.full(n_samples, np.inf)
    cumulative = np.empty(n_samples)
    x_sq = np.empty(n_samples)
    _sparse.row_sq_norms(X.data, X.indptr, x_sq)
    potentials = np.empty(n_local_trials)
    layout = _Centers(n_local_trials, n_features, X.dtype, n_samples)
    block_potentials = np.empty((_sparse.n_blocks(n_samples), n_local_trials))
    center_sq = np.empty(1)

    def choose(c, index):
        indices[c] = index
        centers[c] = X.dense_rows([index])[0]
        _sparse.dense_sq_norms(centers[c:c + 1], center_sq)
        _sparse.update_closest(*X.arrays, sample_weight, centers[c], center_sq[0],
                               closest_sq, cumulative, n_threads)

    choose(0, rng.choice(n_samples, p=probabilities))
    for c in range(1, n_clusters):
        candidates = draw_candidates(cumulative, rng, n_local_trials, probabilities)
        layout.load(X.dense_rows(candidates))
        _sparse.candidate_potentials(*X.arrays, sample_weight, x_sq, closest_sq, layout.ct,
                                     layout.sq, potentials, layout.scratch, block_potentials,
                                     n_threads)
        choose(c, candidates[np.argmin(potentials)])
    return centers, indices
