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

from fastkmeans._result import FitHistory, KMeansResult, frozen_array

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
    empty = np.flatnonzero(weights == 0)
    if empty.size:
        distances = label_sq_distances(X, centers, labels)
        distances[sample_weight == 0] = -1.0
        # farthest first; equal distances by lowest index
        order = np.lexsort((np.arange(X.shape[0]), -distances))
        for cluster, index in zip(empty, order[:empty.size]):
            weight = sample_weight[index]
            sums[labels[index]] -= weight * X[index]
            weights[labels[index]] -= weight
            sums[cluster] = weight * X[index]
            weights[cluster] = weight
    new_centers = centers.copy()
    filled = weights > 0
    new_centers[filled] = sums[filled] / weights[filled, None]
    return new_centers, bool(empty.size)


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


def lloyd(X, centers, sample_weight=None, max_iter=300, tol=1e-4):
    """Lloyd's algorithm from ``centers``, with scikit-learn's stopping rules.

    ``tol`` is relative: multiplied by the mean variance of the features.
    """
    X = np.asarray(X)
    centers = np.array(centers, dtype=X.dtype)
    if sample_weight is None:
        sample_weight = np.ones(X.shape[0])
    sample_weight = np.asarray(sample_weight, dtype=np.float64)
    tol = tol * float(np.mean(np.var(X.astype(np.float64), axis=0)))

    labels = np.full(X.shape[0], -1, dtype=np.int32)
    inertias, shifts, seconds = [], [], []
    converged = labels_stable = relocated = False
    for iteration in range(max_iter):
        started = time.perf_counter()
        labels, sums, weights, iteration_inertia, n_changed = lloyd_iteration(
            X, sample_weight, centers, labels)
        new_centers, relocated = update_centers(X, sample_weight, centers, labels,
                                                sums, weights)
        shift = float(np.sum((new_centers.astype(np.float64) - centers) ** 2))
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
        n_iter=iteration + 1, converged=converged,
        history=FitHistory(frozen_array(inertias, np.float64),
                           frozen_array(shifts, np.float64),
                           frozen_array(seconds, np.float64)))


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


def densify(data, indices, indptr, shape):
    """The dense array of CSR arrays, duplicate entries summed (SciPy not needed)."""
    dense = np.zeros(shape, dtype=np.result_type(data.dtype, np.float32))
    rows = np.repeat(np.arange(shape[0]), np.diff(indptr))
    nnz = indptr[-1]
    np.add.at(dense, (rows, indices[:nnz]), data[:nnz])
    return dense


def center_distances(X, centers):
    """``D[i, j] = |X[i] - centers[j]|`` in float64."""
    return np.sqrt(squared_distances(np.asarray(X, dtype=np.float64),
                                     np.asarray(centers, dtype=np.float64)))
