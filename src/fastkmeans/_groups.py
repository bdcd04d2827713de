"""How the accelerated variants group the centers (shared by the kernels and
the NumPy reference)."""
import numpy as np


def center_groups(centers, algorithm):
    """Group of every center: one group (hamerly), one per center (elkan), or
    ``max(1, k // 32)`` groups from k-means on the centers (yinyang).

    Yinyang's paper suggests ``k // 10`` groups; here fewer, larger groups
    were faster (one vector block of the distance kernel per group; on
    100,000 x 64, k = 1000, one thread: 2.99 s with groups of 10, 2.87 s
    with 32, 2.38 s with 64, and Hamerly's single group was faster still).

    Deterministic: the groups start from evenly spaced centers and run a
    few Lloyd iterations in float64; empty groups are dropped.

    Returns
    -------
    ndarray of shape (n_clusters,), int32
        Group indices, ``0 .. n_groups - 1``, every group non-empty.
    """
    n_clusters = centers.shape[0]
    if algorithm == "hamerly":
        return np.zeros(n_clusters, dtype=np.int32)
    if algorithm == "elkan":
        return np.arange(n_clusters, dtype=np.int32)
    n_groups = max(1, n_clusters // 32)
    points = np.asarray(centers, dtype=np.float64)
    seeds = points[np.linspace(0, n_clusters - 1, n_groups).round().astype(np.intp)]
    group = np.zeros(n_clusters, dtype=np.intp)
    for _ in range(5):
        # one seed at a time: O(k * d) memory; no BLAS, so the same groups
        # for any thread count
        sq = np.stack([((points - seed) ** 2).sum(axis=1) for seed in seeds], axis=1)
        group = np.argmin(sq, axis=1)
        for g in range(n_groups):
            members = group == g
            if members.any():
                seeds[g] = points[members].mean(axis=0)
    _, group = np.unique(group, return_inverse=True)  # drop empty groups
    return group.astype(np.int32)
