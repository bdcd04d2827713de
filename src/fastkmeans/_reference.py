"""Pure-NumPy reference of fastkmeans' algorithms: the specification.

Written for clarity, one function per kernel, with the same inputs and the
same rules (tie-breaking, convergence, empty clusters, k-means++ sampling).
The tests check the Cython kernels against it; the asv suite measures the
kernels' speed against it. It assumes valid input and favours plain NumPy
over memory thrift: it is not meant for large data.
"""
import math
import time

import numpy as np

from ._groups import center_groups
from ._result import FitHistory, KMeansResult, frozen_array

# Points per chunk in assign_labels, so the chunk x k x d difference stays small.
_CHUNK_VALUES = 1 << 20


def squared_distances(X, centers):
    """``D[i, j] = sum((X[i] - centers[j]) ** 2)`` in the dtype of ``X``."""
    diff = X[:, None, :] - centers[None, :, :]
    return np.einsum("ijk,ijk->ij", diff, diff)


def assign_labels(X, centers):
    """Nearest center of each point (lowest index on ties) and its squared distance."""
    n_clusters, n_features = centers.shape
    chunk = max(1, _CHUNK_VALUES // (n_clusters * n_features))
    labels = np.empty(X.shape[0], dtype=np.int32)
    min_sq_dist = np.empty(X.shape[0], dtype=X.dtype)
    for start in range(0, X.shape[0], chunk):
        distances = squared_distances(X[start:start + chunk], centers)
        labels[start:start + chunk] = np.argmin(distances, axis=1)
        min_sq_dist[start:start + chunk] = np.min(distances, axis=1)
    return labels, min_sq_dist


def label_sq_distances(X, centers, labels):
    """Squared distance of each point to the center it is labelled with."""
    diff = X.astype(np.float64) - centers[labels]
    return np.einsum("ij,ij->i", diff, diff)


def inertia(X, sample_weight, centers, labels):
    """``sum(w * |x - c|^2)`` over all points, in float64."""
    return float(np.dot(sample_weight, label_sq_distances(X, centers, labels)))


def update_sums(X, sample_weight, labels, n_clusters):
    """Weighted per-cluster sums of the points (float64) and per-cluster weights."""
    weights = np.bincount(labels, weights=sample_weight, minlength=n_clusters)
    sums = np.zeros((n_clusters, X.shape[1]))
    np.add.at(sums, labels, sample_weight[:, None] * X.astype(np.float64))
    return sums, weights


def lloyd_iteration(X, sample_weight, centers, labels_before):
    """Assign, then sum: ``(labels, sums, weights, inertia, n_changed)``."""
    labels, min_sq_dist = assign_labels(X, centers)
    sums, weights = update_sums(X, sample_weight, labels, centers.shape[0])
    iteration_inertia = float(np.dot(sample_weight, min_sq_dist.astype(np.float64)))
    n_changed = int(np.count_nonzero(labels != labels_before))
    return labels, sums, weights, iteration_inertia, n_changed


def update_centers(X, sample_weight, centers, labels, sums, weights):
    """Means of the clusters; empty clusters take the farthest points first.

    Returns the new centers and whether an empty cluster was re-seeded.
    """
    sums, weights = sums.copy(), weights.copy()
    relocated = not weights.all()
    if relocated:
        reseed_empty_clusters(X, sample_weight, labels, sums, weights,
                              label_sq_distances(X, centers, labels))
    new_centers = centers.copy()
    filled = weights > 0
    new_centers[filled] = sums[filled] / weights[filled, None]
    return new_centers, relocated


def reseed_empty_clusters(X, sample_weight, labels, sums, weights, distances):
    """Empty clusters take the points of largest ``distances`` (to their
    labelled centers) first, equal distances by lowest index; points of
    weight zero never move. ``sums`` and ``weights`` change in place."""
    empty = np.flatnonzero(weights == 0)
    distances = np.where(sample_weight == 0, -1.0, distances)
    order = np.lexsort((np.arange(X.shape[0]), -distances))
    for cluster, index in zip(empty, order[:empty.size], strict=True):
        weight = sample_weight[index]
        sums[labels[index]] -= weight * X[index]
        weights[labels[index]] -= weight
        sums[cluster] = weight * X[index]
        weights[cluster] = weight


def center_distances(X, centers):
    """Euclidean distance of every point to every center, in float64."""
    return np.sqrt(squared_distances(np.asarray(X, dtype=np.float64),
                                     np.asarray(centers, dtype=np.float64)))


def minibatch_update(batch, sample_weight, centers, counts, labels):
    """Sculley's mini-batch update of labelled points: ``(new_centers, new_counts)``.

    A center that has absorbed weight ``counts[c]`` and gets batch points of
    total weight ``w`` and weighted sum ``s`` moves to
    ``(counts[c] * center + s) / (counts[c] + w)``: the mean of every point
    it was ever given.
    """
    sums, weights = update_sums(batch, sample_weight, labels, centers.shape[0])
    new_counts = counts + weights
    new_centers = centers.astype(np.float64)
    hit = weights > 0
    new_centers[hit] = ((counts[hit, None] * new_centers[hit] + sums[hit])
                        / new_counts[hit, None])
    return new_centers.astype(batch.dtype), new_counts


def minibatch_step(batch, sample_weight, centers, counts):
    """Assign, then update: ``(labels, new_centers, new_counts, batch_inertia)``."""
    labels, min_sq_dist = assign_labels(batch, centers)
    new_centers, new_counts = minibatch_update(batch, sample_weight, centers, counts, labels)
    batch_inertia = float(np.dot(sample_weight, min_sq_dist.astype(np.float64)))
    return labels, new_centers, new_counts, batch_inertia


def kmeans_plusplus(X, n_clusters, sample_weight, rng, n_local_trials=None):
    """Greedy k-means++; draws from ``rng`` exactly as the kernel version does."""
    n_samples = X.shape[0]
    if n_local_trials is None:
        n_local_trials = 2 + int(math.log(n_clusters))
    probabilities = sample_weight / sample_weight.sum()
    indices = [rng.choice(n_samples, p=probabilities)]
    closest_sq = label_sq_distances(X, X[indices], np.zeros(n_samples, dtype=np.intp))
    for _ in range(1, n_clusters):
        cumulative = np.cumsum(sample_weight * closest_sq)
        if cumulative[-1] > 0:
            draws = rng.uniform(size=n_local_trials) * cumulative[-1]
            candidates = np.searchsorted(cumulative, draws, side="right")
            last_with_mass = np.searchsorted(cumulative, cumulative[-1], side="left")
            candidates = np.minimum(candidates, last_with_mass)
        else:
            candidates = rng.choice(n_samples, size=n_local_trials, p=probabilities)
        potentials = []
        for candidate in candidates:
            to_candidate = label_sq_distances(X, X[[candidate]], np.zeros(n_samples, dtype=np.intp))
            potentials.append(np.dot(sample_weight, np.minimum(closest_sq, to_candidate)))
        best = candidates[int(np.argmin(potentials))]
        indices.append(best)
        to_best = label_sq_distances(X, X[[best]], np.zeros(n_samples, dtype=np.intp))
        closest_sq = np.minimum(closest_sq, to_best)
    return X[indices].copy(), np.asarray(indices)


def random_samples(X, n_clusters, sample_weight, rng):
    """Distinct samples drawn with probability proportional to weight."""
    indices = rng.choice(X.shape[0], size=n_clusters, replace=False,
                         p=sample_weight / sample_weight.sum())
    return X[indices].copy()


class TriangleBounds:
    """Hamerly, Elkan and Yinyang bounds: which points certainly keep their label.

    Each point keeps an upper bound on the distance to its center and, for
    each group of centers (one group: Hamerly; one per center: Elkan; about
    k / 10: Yinyang, see ``fastkmeans._groups``), a lower bound on the
    distance to the other centers of the group. When the centers move, the
    upper bound grows by its center's move and each lower bound shrinks by
    the largest move in its group. A point whose lowest lower bound (or,
    Hamerly's test, twice the half-gap of its center minus its upper bound)
    beats its upper bound by a relative margin for rounding keeps its label;
    the others are assigned as Lloyd assigns them, and their bounds are
    recomputed. Elkan's per-pair center test is left to the kernel.
    """

    def __init__(self, X, centers, algorithm):
        self.groups = center_groups(centers, algorithm)
        self.use_half_gap = algorithm != "yinyang"
        n_groups = int(self.groups.max()) + 1
        self.upper = np.full(X.shape[0], np.inf)
        self.lower = np.zeros((X.shape[0], n_groups))
        # Lloyd's distances (in X's dtype) are off by a few ulps per feature
        self.margin = 8.0 * (X.shape[1] + 4) * float(np.finfo(X.dtype).eps)

    def _certain(self, lower, upper):
        return (lower > upper) & (lower ** 2 > upper ** 2 * (1.0 + self.margin))

    def assign(self, X, centers, labels):
        """New labels (Lloyd's) and the number of distances computed."""
        n_samples = X.shape[0]
        labels = labels.copy()
        todo = np.ones(n_samples, dtype=bool) if labels[0] < 0 else self._uncertain(
            X, centers, labels)
        n_tightened = 0 if labels[0] < 0 else int(np.count_nonzero(self.tightened))
        rows = np.flatnonzero(todo)
        # groups not ruled out must be searched: count their centers
        group_sizes = np.bincount(self.groups)
        searched = ~self._certain(self.lower[rows], self.upper[rows, None])
        if labels[0] < 0:
            searched[:] = True
        evaluations = n_tightened + int((searched * group_sizes).sum())
        if rows.size:
            labels[rows], _ = assign_labels(X[rows], centers)
            distances = np.sqrt(squared_distances(X[rows].astype(np.float64),
                                                  centers.astype(np.float64)))
            self.upper[rows] = distances[np.arange(rows.size), labels[rows]]
            distances[np.arange(rows.size), labels[rows]] = np.inf
            for group in range(self.lower.shape[1]):
                self.lower[rows, group] = distances[:, self.groups == group].min(axis=1)
        return labels, evaluations

    def _uncertain(self, X, centers, labels):
        """Points whose bounds leave their label in doubt (bounds tightened)."""
        lowest = self.lower.min(axis=1)
        if self.use_half_gap:
            lowest = np.maximum(lowest, 2.0 * self._half_gaps(centers)[labels] - self.upper)
        todo = ~self._certain(lowest, self.upper)
        # the exact distance to the own center, then test again
        own = X[todo].astype(np.float64) - centers[labels[todo]].astype(np.float64)
        self.upper[todo] = np.sqrt(np.einsum("ij,ij->i", own, own))
        self.tightened = todo.copy()
        todo[todo] = ~self._certain(lowest[todo], self.upper[todo])
        return todo

    @staticmethod
    def _half_gaps(centers):
        gaps = np.sqrt(squared_distances(centers.astype(np.float64), centers.astype(np.float64)))
        np.fill_diagonal(gaps, np.inf)
        return 0.5 * gaps.min(axis=1)

    def centers_moved(self, old, new, labels):
        """Widen the bounds by how far each center moved."""
        moves = np.sqrt(np.sum((new.astype(np.float64) - old.astype(np.float64)) ** 2, axis=1))
        group_moves = np.zeros(self.lower.shape[1])
        np.maximum.at(group_moves, self.groups, moves)
        self.lower -= group_moves
        self.upper += moves[labels]


def lloyd(X, centers, sample_weight=None, max_iter=300, tol=1e-4, algorithm="lloyd"):
    """Lloyd's algorithm from ``centers``, with scikit-learn's stopping rules.

    ``tol`` is relative: multiplied by the mean variance of the features.
    ``algorithm``: ``'lloyd'`` computes every distance; ``'hamerly'``,
    ``'elkan'`` and ``'yinyang'`` skip those their :class:`TriangleBounds`
    rule out, with the same result.
    """
    X = np.asarray(X)
    centers = np.array(centers, dtype=X.dtype)
    if sample_weight is None:
        sample_weight = np.ones(X.shape[0])
    sample_weight = np.asarray(sample_weight, dtype=np.float64)
    tol = tol * float(np.mean(np.var(X.astype(np.float64), axis=0)))
    bounds = None if algorithm == "lloyd" else TriangleBounds(X, centers, algorithm)

    labels = np.full(X.shape[0], -1, dtype=np.int32)
    inertias, shifts, seconds, evaluations = [], [], [], []
    converged = labels_stable = relocated = False
    for _ in range(max_iter):
        started = time.perf_counter()
        if bounds is None:
            labels, sums, weights, iteration_inertia, n_changed = lloyd_iteration(
                X, sample_weight, centers, labels)
            evaluations.append(X.shape[0] * centers.shape[0])
        else:
            new_labels, count = bounds.assign(X, centers, labels)
            n_changed = int(np.count_nonzero(new_labels != labels))
            labels = new_labels
            sums, weights = update_sums(X, sample_weight, labels, centers.shape[0])
            iteration_inertia = inertia(X, sample_weight, centers, labels)
            evaluations.append(count)
        new_centers, relocated = update_centers(X, sample_weight, centers, labels,
                                                sums, weights)
        shift = float(np.sum((new_centers.astype(np.float64) - centers) ** 2))
        if bounds is not None:
            bounds.centers_moved(centers, new_centers, labels)
        centers = new_centers
        inertias.append(iteration_inertia)
        shifts.append(shift)
        seconds.append(time.perf_counter() - started)
        if n_changed == 0:
            converged = labels_stable = True
            break
        if shift <= tol:
            converged = True
            break
    if not labels_stable or relocated:
        labels, _ = assign_labels(X, centers)
    return KMeansResult(
        centers=frozen_array(centers), labels=frozen_array(labels),
        inertia=inertia(X, sample_weight, centers, labels),
        n_iter=len(inertias), converged=converged,
        history=FitHistory(frozen_array(inertias, np.float64),
                           frozen_array(shifts, np.float64),
                           frozen_array(seconds, np.float64),
                           frozen_array(evaluations, np.int64)))


def spherical_lloyd(X, centers, sample_weight=None, max_iter=300, tol=1e-4):
    """Spherical (cosine) k-means from ``centers``, with Lloyd's stopping rules.

    Rows are compared by direction: ``x / |x|`` (no zero rows). Each
    iteration labels every row with the center of largest cosine (lowest
    index on ties), then moves each center to the normalised weighted sum
    of its rows' directions; empty clusters take the rows of smallest
    cosine first, as :func:`update_centers`; a center whose directions sum
    to zero stays. ``tol`` is relative to the mean feature variance of the
    directions; the inertia is ``sum(w * (1 - cos))``.
    """
    X = np.asarray(X)
    if sample_weight is None:
        sample_weight = np.ones(X.shape[0])
    sample_weight = np.asarray(sample_weight, dtype=np.float64)
    directions = X / np.linalg.norm(X.astype(np.float64), axis=1)[:, None]
    centers = np.array(centers, dtype=np.float64)
    centers = (centers / np.linalg.norm(centers, axis=1)[:, None]).astype(X.dtype)
    tol = tol * float(np.mean(np.var(directions, axis=0)))

    def cosine_losses(centers, labels):
        return 1.0 - np.einsum("ij,ij->i", directions, centers[labels].astype(np.float64))

    labels = np.full(X.shape[0], -1, dtype=np.int32)
    inertias, shifts, seconds, evaluations = [], [], [], []
    converged = labels_stable = relocated = False
    for _ in range(max_iter):
        started = time.perf_counter()
        new_labels = np.argmax(directions @ centers.T.astype(np.float64), axis=1).astype(np.int32)
        n_changed = int(np.count_nonzero(new_labels != labels))
        labels = new_labels
        losses = cosine_losses(centers, labels)
        sums, weights = update_sums(directions, sample_weight, labels, centers.shape[0])
        relocated = not weights.all()
        if relocated:
            reseed_empty_clusters(directions, sample_weight, labels, sums, weights, losses)
        norms = np.linalg.norm(sums, axis=1)
        moved = (weights > 0) & (norms > 0)
        new_centers = centers.astype(np.float64)
        new_centers[moved] = sums[moved] / norms[moved, None]
        new_centers = new_centers.astype(X.dtype)
        shift = float(np.sum((new_centers.astype(np.float64) - centers) ** 2))
        centers = new_centers
        inertias.append(float(np.dot(sample_weight, losses)))
        shifts.append(shift)
        seconds.append(time.perf_counter() - started)
        evaluations.append(X.shape[0] * centers.shape[0])
        if n_changed == 0:
            converged = labels_stable = True
            break
        if shift <= tol:
            converged = True
            break
    if not labels_stable or relocated:
        labels = np.argmax(directions @ centers.T.astype(np.float64), axis=1).astype(np.int32)
    return KMeansResult(
        centers=frozen_array(centers), labels=frozen_array(labels),
        inertia=float(np.dot(sample_weight, cosine_losses(centers, labels))),
        n_iter=len(inertias), converged=converged,
        history=FitHistory(frozen_array(inertias, np.float64),
                           frozen_array(shifts, np.float64),
                           frozen_array(seconds, np.float64),
                           frozen_array(evaluations, np.int64)))


def fit(X, n_clusters, *, init="k-means++", n_init=1, max_iter=300, tol=1e-4,
        random_state=None, sample_weight=None):
    """The whole fit, as :func:`fastkmeans.fit` (valid input assumed)."""
    X = np.asarray(X)
    if sample_weight is None:
        sample_weight = np.ones(X.shape[0])
    rng = np.random.default_rng(random_state)
    best = None
    for _ in range(n_init):
        if isinstance(init, str) and init == "k-means++":
            centers = kmeans_plusplus(X, n_clusters, sample_weight, rng)[0]
        elif isinstance(init, str) and init == "random":
            centers = random_samples(X, n_clusters, sample_weight, rng)
        else:
            centers = np.array(init, dtype=X.dtype)
        run = lloyd(X, centers, sample_weight, max_iter, tol)
        if best is None or run.inertia < best.inertia:
            best = run
    return best


def silhouette_samples(X, labels):
    """Silhouette value of every point: ``(b - a) / max(a, b)``, row by row.

    ``a``: mean distance to the other points of the own cluster; ``b``: the
    smallest mean distance to the points of another cluster; 0 for a point
    alone in its cluster and where ``a = b = 0``. Distances from direct
    differences, in float64.
    """
    X = np.asarray(X, dtype=np.float64)
    _, codes = np.unique(np.asarray(labels), return_inverse=True)
    codes = codes.reshape(-1)
    sizes = np.bincount(codes)
    values = np.zeros(X.shape[0])
    for i in range(X.shape[0]):
        distances = np.sqrt(((X - X[i]) ** 2).sum(axis=1))
        sums = np.bincount(codes, weights=distances, minlength=sizes.size)
        own = codes[i]
        if sizes[own] == 1:
            continue
        a = sums[own] / (sizes[own] - 1)
        b = np.delete(sums / sizes, own).min()
        if max(a, b) > 0:
            values[i] = (b - a) / max(a, b)
    return values


def densify(data, indices, indptr, shape):
    """The dense array of CSR arrays, duplicate entries summed (SciPy not needed)."""
    dense = np.zeros(shape, dtype=np.result_type(data.dtype, np.float32))
    rows = np.repeat(np.arange(shape[0]), np.diff(indptr))
    nnz = indptr[-1]
    np.add.at(dense, (rows, indices[:nnz]), data[:nnz])
    return dense


def principal_box(X, sample_weight):
    """The gap statistic's reference box: ``(mean, axes, low, high)``.

    ``axes`` (columns) are the eigenvectors of the weighted covariance of
    ``X``; ``low`` and ``high`` the range of the points of positive weight
    projected on them (Tibshirani, Walther and Hastie 2001, reference (b)).
    """
    X = np.asarray(X, dtype=np.float64)
    w = np.asarray(sample_weight, dtype=np.float64)
    mean = w @ X / w.sum()
    centered = X - mean
    _, axes = np.linalg.eigh((centered * w[:, None]).T @ centered / w.sum())
    projected = centered[w > 0] @ axes
    return mean, axes, projected.min(axis=0), projected.max(axis=0)


def one_standard_error_k(k_values, gap, gap_se):
    """The smallest k with ``gap(k) >= gap(next k) - s(next k)``; else the largest."""
    for j in range(len(k_values) - 1):
        if gap[j] >= gap[j + 1] - gap_se[j + 1]:
            return k_values[j]
    return k_values[-1]


def gap_statistic(X, k_values, inertias, sample_weight, n_refs, ref_samples, rng,
                  max_iter=20):
    """The gap statistic of fits of ``X`` with ``inertias`` for ``k_values``.

    The reference sets and their fits follow ``_gap.py`` draw for draw: set
    ``b`` is drawn from ``default_rng(seed_b)``, uniform in
    :func:`principal_box`; its fits use ``default_rng([seed_b, 1])``: the
    first k by k-means++, each next k from the previous centers and new
    points drawn with probability proportional to their squared distance
    to their center, at most ``max_iter`` iterations. Returns ``(gap,
    gap_se, k)``.
    """
    X = np.asarray(X)
    box_mean, axes, low, high = principal_box(X, sample_weight)
    seeds = rng.integers(np.iinfo(np.int64).max, size=n_refs)
    log_ref = np.empty((n_refs, len(k_values)))
    for b in range(n_refs):
        set_rng = np.random.default_rng(seeds[b])
        uniform = set_rng.uniform(low, high, size=(ref_samples, X.shape[1]))
        Z = np.ascontiguousarray(uniform @ axes.T + box_mean, dtype=X.dtype)
        fit_rng = np.random.default_rng([seeds[b], 1])
        previous = None
        for j, k in enumerate(k_values):
            init = "k-means++"
            if previous is not None:
                sq = label_sq_distances(Z, previous.centers, previous.labels)
                chosen = fit_rng.choice(ref_samples, size=k - previous.centers.shape[0],
                                        replace=False, p=sq / sq.sum())
                init = np.vstack([previous.centers, Z[np.sort(chosen)]])
            previous = fit(Z, k, init=init, max_iter=max_iter, random_state=fit_rng)
            log_ref[b, j] = np.log(previous.inertia / ref_samples)
    log_w = np.log(np.asarray(inertias, dtype=np.float64) / np.sum(sample_weight))
    gap = log_ref.mean(axis=0) - log_w
    gap_se = log_ref.std(axis=0) * np.sqrt(1.0 + 1.0 / n_refs)
    return gap, gap_se, one_standard_error_k(list(k_values), gap, gap_se)
