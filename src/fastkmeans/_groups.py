"""How the accelerated variants group the centers (shared by the kernels and
the NumPy reference)."""
import numpy as np

#: Yinyang: a group holds at most this many times its share (k / groups) of
#: the centers. k-means on centers that have just moved can put a third of
#: them in one group (1024 centers after one Lloyd iteration on an embedding
#: mixture, as ``auto`` builds them: groups of 361, 163, 111, ... centers);
#: a group's bound loosens by the largest move of its centers, so such a
#: group stays open. There (benchmarks/scripts/bounds_on_embeddings.py,
#: 100,000 x 384, k = 1024) ``auto``'s Yinyang computed 0.45 of the
#: distances in its tenth iteration; with groups of at most 1.5x their share
#: 0.13, and 0.12 from groups of the random initial centers, which were
#: balanced already (as were those of blobs with k = 1000, d = 8 to 64:
#: the same distances with and without the cap).
GROUP_SHARE_CAP = 1.5


def center_groups(centers, algorithm):
    """Group of every center: one group (hamerly), one per center (elkan), or
    ``max(1, k // 32)`` groups from k-means on the centers (yinyang).

    Yinyang's paper suggests ``k // 10`` groups; here fewer, larger groups
    were faster (one vector block of the distance kernel per group; on
    100,000 x 64, k = 1000, one thread: 2.99 s with groups of 10, 2.87 s
    with 32, 2.38 s with 64, and Hamerly's single group was faster still).

    Deterministic: the groups start from evenly spaced centers and run a
    few Lloyd iterations in float64; then each center joins the nearest
    group with room for it (at most ``GROUP_SHARE_CAP`` times the mean
    size); empty groups are dropped.

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
        group = np.argmin(_sq_to_seeds(points, seeds), axis=1)
        for g in range(n_groups):
            members = group == g
            if members.any():
                seeds[g] = points[members].mean(axis=0)
    group = _nearest_with_room(_sq_to_seeds(points, seeds),
                               int(np.ceil(GROUP_SHARE_CAP * n_clusters / n_groups)))
    _, group = np.unique(group, return_inverse=True)  # drop empty groups
    return group.astype(np.int32)


def _sq_to_seeds(points, seeds):
    """Squared distances, points x seeds, one seed at a time: O(k * d)
    memory; no BLAS, so the same groups for any thread count."""
    return np.stack([((points - seed) ** 2).sum(axis=1) for seed in seeds], axis=1)


def _nearest_with_room(sq, capacity):
    """Each center's nearest seed (``sq``: squared distances, centers x seeds)
    that still has room for it: in rounds, every center not yet placed asks
    its next nearest seed, and a seed takes the nearest askers it has room
    for (the lower index on ties). Where no seed is over ``capacity`` this is
    the plain argmin. ``capacity * seeds >= centers`` places every center."""
    n_centers, n_seeds = sq.shape
    preference = np.argsort(sq, axis=1, kind="stable")
    group = np.full(n_centers, -1, dtype=np.intp)
    room = np.full(n_seeds, capacity, dtype=np.intp)
    for choice_rank in range(n_seeds):
        asking = np.flatnonzero(group < 0)
        if asking.size == 0:
            break
        choice = preference[asking, choice_rank]
        order = np.lexsort((asking, sq[asking, choice], choice))  # by seed, nearest first
        asking, choice = asking[order], choice[order]
        rank = np.arange(choice.size) - np.searchsorted(choice, choice)  # within its seed
        taken = rank < room[choice]
        group[asking[taken]] = choice[taken]
        room -= np.bincount(choice[taken], minlength=n_seeds)
    return group
