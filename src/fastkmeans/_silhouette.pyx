# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False
"""Silhouette kernels: exact per-point silhouette values, never an n x n matrix.

Points are sorted by cluster first, so that every cluster is a run of
columns and the per-cluster sums of distances are plain vector reductions
(``core/silhouette_impl.h``). Two schedules:

- ``silhouette_pairs`` (few clusters): every pair of tiles of points is
  computed once and its distances are added to both tiles' per-cluster
  sums, half the distance work. Pairs of blocks of tiles run in rounds of a
  round-robin tournament: within a round no block is in two pairs, so
  threads never share a sum, and each sum receives its terms in round
  order, whatever the thread count. Memory: ``n_samples x n_clusters`` sums.
- ``silhouette_sorted`` (any number of clusters): chunks of rows against all
  points, each row by one thread; memory ``chunk x n_clusters``.
"""
from cython.parallel cimport prange
from libc.stdint cimport int64_t
from libc.stdlib cimport calloc, free, malloc

from ._common cimport FK_SIL_ROWS, FK_SIL_TILE, interrupted, sil_cluster_sums, sil_tile_pair

from ._common import interruptible

cdef enum:
    # Row groups per chunk: a tile of points is read from cache once for
    # CHUNK_GROUPS * FK_SIL_ROWS rows.
    CHUNK_GROUPS = 16
    # silhouette_pairs schedules blocks of up to this many tiles: threads
    # meet at a barrier once per round, and fewer, longer rounds lose less
    # when a thread is preempted ...
    MOST_TILES_PER_BLOCK = 4
    # ... while at least this many blocks keep the threads of a round busy
    FEWEST_BLOCKS = 16

TILE = FK_SIL_TILE


cdef double _silhouette_of_row(const double *sums, Py_ssize_t own,
                               const int64_t *cluster_end,
                               Py_ssize_t n_clusters) noexcept nogil:
    """``(b - a) / max(a, b)`` from one row's per-cluster distance sums.

    0 for a point alone in its cluster, and where ``a = b = 0`` (the point
    coincides with every point of its own and of the nearest other cluster),
    as scikit-learn.
    """
    cdef Py_ssize_t cluster
    cdef int64_t own_size = cluster_end[own] - (cluster_end[own - 1] if own > 0 else 0)
    cdef double a, b = -1.0, mean, denominator
    if own_size <= 1:
        return 0.0
    a = sums[own] / (own_size - 1)
    for cluster in range(n_clusters):
        if cluster == own:
            continue
        mean = sums[cluster] / (cluster_end[cluster]
                                - (cluster_end[cluster - 1] if cluster > 0 else 0))
        if b < 0 or mean < b:
            b = mean
    denominator = a if a > b else b
    if denominator == 0:
        return 0.0
    return (b - a) / denominator


def silhouette_sorted(
    const double[:, :, ::1] packed,   # IN (n_tiles, n_features, FK_SIL_TILE), sorted by cluster
    const int64_t[::1] cluster_end,   # IN (n_clusters,): end of each cluster's run of rows
    const int64_t[::1] codes,         # IN (n_samples,): cluster of each sorted row
    double[::1] out,                  # OUT (n_samples,)
    int n_threads,
):
    """Silhouette value of every point, with the points sorted by cluster.

    Parameters
    ----------
    packed : ndarray of shape (n_tiles, n_features, TILE), float64
        The points sorted by cluster, ``TILE`` at a time, a point's
        features in a column; zero-padded to whole tiles.
    cluster_end : ndarray of shape (n_clusters,), int64
        Cumulative cluster sizes: cluster ``c`` is rows
        ``[cluster_end[c - 1], cluster_end[c])``. No cluster is empty.
    codes : ndarray of shape (n_samples,), int64
        Cluster of every (sorted) row.
    out : ndarray of shape (n_samples,), float64
        Receives the silhouette value of every sorted row.
    n_threads : int
        OpenMP threads.
    """
    cdef Py_ssize_t n_samples = codes.shape[0]
    # the last group may run into the zero padding: computed and dropped
    cdef Py_ssize_t n_groups = (n_samples + FK_SIL_ROWS - 1) // FK_SIL_ROWS
    cdef Py_ssize_t n_chunks = (n_groups + CHUNK_GROUPS - 1) // CHUNK_GROUPS
    cdef int failed = 0
    cdef int threads = n_threads if n_threads < n_chunks else <int>n_chunks
    if n_samples == 0:
        return
    with interruptible(), nogil:
        _sorted_chunks(packed, cluster_end, codes, out, n_chunks, n_groups, threads, &failed)
    if failed:
        raise MemoryError("fastkmeans: no memory for the silhouette chunk buffers")


cdef void _sorted_chunks(const double[:, :, ::1] packed, const int64_t[::1] cluster_end,
                         const int64_t[::1] codes, double[::1] out, Py_ssize_t n_chunks,
                         Py_ssize_t n_groups, int threads, int *failed) noexcept nogil:
    """The chunks of :func:`silhouette_sorted` (skipped once interrupted)."""
    cdef Py_ssize_t n_samples = codes.shape[0]
    cdef Py_ssize_t n_features = packed.shape[1]
    cdef Py_ssize_t n_clusters = cluster_end.shape[0]
    cdef Py_ssize_t chunk, first_group, groups, row, end
    cdef double *dist
    cdef double *sums
    cdef int n_failed = 0
    for chunk in prange(n_chunks, schedule="dynamic", num_threads=threads,
                        use_threads_if=threads > 1):
        if interrupted():  # Ctrl-C: the caller raises
            continue
        first_group = chunk * CHUNK_GROUPS
        groups = n_groups - first_group
        if groups > CHUNK_GROUPS:
            groups = CHUNK_GROUPS
        dist = <double *>malloc(groups * FK_SIL_ROWS * FK_SIL_TILE * sizeof(double))
        sums = <double *>malloc(groups * FK_SIL_ROWS * n_clusters * sizeof(double))
        if dist == NULL or sums == NULL:
            n_failed += 1
        else:
            sil_cluster_sums(first_group * FK_SIL_ROWS, groups, n_features,
                             &packed[0, 0, 0], n_samples, &cluster_end[0], n_clusters,
                             dist, sums)
            end = (first_group + groups) * FK_SIL_ROWS
            if end > n_samples:
                end = n_samples
            for row in range(first_group * FK_SIL_ROWS, end):
                out[row] = _silhouette_of_row(
                    sums + (row - first_group * FK_SIL_ROWS) * n_clusters,
                    codes[row], &cluster_end[0], n_clusters)
        free(dist)
        free(sums)
    failed[0] = n_failed


cdef inline void _round_robin_pair(Py_ssize_t n_slots, Py_ssize_t round_, Py_ssize_t p,
                                   Py_ssize_t *first, Py_ssize_t *second) noexcept nogil:
    """Pair ``p`` of round ``round_`` of the circle method for ``n_slots`` (even) teams.

    Over rounds ``0 .. n_slots - 2`` every two teams meet exactly once, and
    within a round every team plays once.
    """
    cdef Py_ssize_t rotating = n_slots - 1
    if p == 0:
        first[0] = rotating
        second[0] = round_
    else:
        first[0] = (round_ + p) % rotating
        second[0] = (round_ - p + rotating) % rotating


cdef void _block_pair(const double *packed, Py_ssize_t n_features, Py_ssize_t n_samples,
                      Py_ssize_t n_tiles, Py_ssize_t block_tiles, Py_ssize_t block_a,
                      Py_ssize_t block_b, const int64_t *cluster_end, const int64_t *codes,
                      Py_ssize_t n_clusters, double *dist, double *column_sums,
                      double *sums) noexcept nogil:
    """Every pair of tiles ``I <= J`` with ``I`` in block ``a``, ``J`` in block ``b`` (a <= b).

    In a fixed order, so the sums of a tile get their terms in an order that
    depends on ``n_samples`` only.
    """
    cdef Py_ssize_t i, j, first_j
    cdef Py_ssize_t i_end = min((block_a + 1) * block_tiles, n_tiles)
    cdef Py_ssize_t j_end = min((block_b + 1) * block_tiles, n_tiles)
    for i in range(block_a * block_tiles, i_end):
        if interrupted():  # Ctrl-C: the caller raises
            return
        first_j = i if block_a == block_b else block_b * block_tiles
        for j in range(first_j, j_end):
            sil_tile_pair(packed, n_features, n_samples, i, j, cluster_end, codes,
                          n_clusters, dist, column_sums, sums)


def silhouette_pairs(
    const double[:, :, ::1] packed,   # IN (n_tiles, n_features, FK_SIL_TILE), sorted by cluster
    const int64_t[::1] cluster_end,   # IN (n_clusters,): end of each cluster's run of rows
    const int64_t[::1] codes,         # IN (n_samples,): cluster of each sorted row
    double[::1] out,                  # OUT (n_samples,)
    int n_threads,
):
    """Silhouette value of every point, each pair of points computed once.

    Same arguments as :func:`silhouette_sorted`. Holds ``n_samples x n_clusters`` sums:
    meant for few clusters.
    """
    cdef Py_ssize_t n_samples = codes.shape[0]
    cdef Py_ssize_t n_features = packed.shape[1]
    cdef Py_ssize_t n_clusters = cluster_end.shape[0]
    cdef Py_ssize_t n_tiles = packed.shape[0]
    # tiles per block: from n_samples only, so the values are the same for
    # any thread count
    cdef Py_ssize_t block_tiles = max(1, min(<Py_ssize_t>MOST_TILES_PER_BLOCK,
                                             n_tiles // FEWEST_BLOCKS))
    cdef Py_ssize_t n_blocks = (n_tiles + block_tiles - 1) // block_tiles
    # an odd number of blocks gets a dummy block that sits each round out
    cdef Py_ssize_t n_slots = n_blocks + (n_blocks % 2)
    cdef Py_ssize_t most_clusters_per_tile = n_clusters if n_clusters < FK_SIL_TILE else FK_SIL_TILE
    cdef Py_ssize_t round_, p, first, second, row, n_pairs
    cdef double *dist
    cdef double *column_sums
    cdef double *sums
    cdef int failed = 0
    cdef int threads
    if n_samples == 0:
        return
    sums = <double *>calloc(n_tiles * FK_SIL_TILE * n_clusters, sizeof(double))
    if sums == NULL:
        raise MemoryError("fastkmeans: no memory for the silhouette sums")
    try:
        with interruptible(), nogil:
            # round -1: every block with itself; then the tournament of blocks
            for round_ in range(-1, n_slots - 1):
                n_pairs = n_blocks if round_ < 0 else n_slots // 2
                threads = n_threads if n_threads < n_pairs else <int>n_pairs
                for p in prange(n_pairs, schedule="dynamic", num_threads=threads,
                                use_threads_if=threads > 1):
                    if round_ < 0:
                        first = p
                        second = p
                    else:
                        _round_robin_pair(n_slots, round_, p, &first, &second)
                        if first > second:
                            first, second = second, first
                    if second < n_blocks:
                        dist = <double *>malloc(FK_SIL_ROWS * FK_SIL_TILE * sizeof(double))
                        column_sums = <double *>malloc(
                            most_clusters_per_tile * FK_SIL_TILE * sizeof(double))
                        if dist == NULL or column_sums == NULL:
                            failed += 1
                        else:
                            _block_pair(&packed[0, 0, 0], n_features, n_samples, n_tiles,
                                        block_tiles, first, second, &cluster_end[0],
                                        &codes[0], n_clusters, dist, column_sums, sums)
                        free(dist)
                        free(column_sums)
            threads = n_threads
            for row in prange(n_samples, schedule="static", num_threads=threads,
                              use_threads_if=threads > 1 and n_samples > 4096):
                out[row] = _silhouette_of_row(sums + row * n_clusters, codes[row],
                                              &cluster_end[0], n_clusters)
    finally:
        free(sums)
    if failed:
        raise MemoryError("fastkmeans: no memory for the silhouette tile buffers")
