# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False
"""Kernels for SciPy CSR input: assignment, cluster sums, exact distances, k-means++.

A CSR matrix is passed as its three arrays (``data``, ``indices``,
``indptr``), canonical (sorted, no duplicates: see ``_validation.check_sparse_data``), with
int32 or int64 indices. Centers are dense.

Layouts. The assignment needs ``x . c`` for every center: the centers are
stored transposed and padded, ``ct[j, :]`` holding feature ``j`` of every
center (``width >= n_clusters`` values, a multiple of 16), so each nonzero
``x_j`` adds ``x_j * ct[j, :]`` to a contiguous vector of dot products: one
vectorised multiply-add over ``width`` values per nonzero, instead of one
scattered load per nonzero and center with the centers row by row.

Exact distances (inertia, k-means++, relocation, ``center_distances``)
avoid the expansion ``|x|^2 + |c|^2 - 2 x.c``, which cancels when x is near
c: ``|x - c|^2 = sum_nz (x_j - c_j)^2 + (|c|^2 - sum_nz c_j^2)``, both sums
over the nonzeros of x, in float64, the second term clamped at 0 (it is the
mass of c outside the row's columns). With ``|c|^2`` summed in feature
order (``dense_sq_norms``) and x a row of the same data, a point's distance
to itself is exactly 0.

Determinism. Rows are split in blocks that depend on ``n_samples`` only
(``_common.plan_blocks``); per-block sums are added in block order. Cluster
sums are computed with each cluster owned by one thread, its rows added in
row order (``group_rows_by_label`` sorts them): no per-block buffer of
``n_clusters x n_features`` values at all, and results bitwise the same for
any thread count. Memory above the input: the ``n_clusters x n_features``
sums, ``n_features x width`` transposed centers, O(n_samples) for labels
and the row order, and ``width`` values of scratch per block.
"""
import numpy as np

from cython.parallel cimport prange
from libc.math cimport sqrt
from libc.string cimport memset

from ._common cimport (
    BlockPlan, FK_SPARSE_LINE_BYTES, MAX_BLOCKS, block_end, block_start, floating, index_t,
    interrupted, plan_blocks, sparse_dots, useful_threads,
)

from ._common import interruptible

#: Bytes the transposed centers are aligned to; their width is a multiple of it.
LINE_BYTES = FK_SPARSE_LINE_BYTES


cdef inline void _row_dots(
    const floating *data,      # IN (nnz,)
    const index_t *indices,    # IN (nnz,)
    Py_ssize_t p0,
    Py_ssize_t p1,
    const floating *ct,        # IN (n_features, width), aligned
    Py_ssize_t width,
    floating *dots,            # OUT (width,)
) noexcept nogil:
    """``dots[c] = sum_p data[p] * ct[indices[p], c]`` over the row's nonzeros (C kernel)."""
    sparse_dots(data, indices, p0, p1, ct, width, dots)


def n_blocks(Py_ssize_t n_samples):
    """Blocks of rows the kernels split ``n_samples`` rows into (``_common.plan_blocks``):
    the rows of every per-block scratch array."""
    return plan_blocks(n_samples).n_blocks


cdef int _check_scratch(Py_ssize_t rows, Py_ssize_t columns, BlockPlan plan,
                        Py_ssize_t needed) except -1:
    """Every block writes its own row of the scratch: refuse one too small."""
    if rows < plan.n_blocks or columns < needed:
        raise ValueError(f"scratch must have shape at least ({plan.n_blocks}, {needed}), "
                         f"got ({rows}, {columns})")
    return 0


cdef inline double _row_sq_dist(
    const floating *data,      # IN (nnz,)
    const index_t *indices,    # IN (nnz,)
    Py_ssize_t p0,
    Py_ssize_t p1,
    const floating *center,    # IN (n_features,)
    double center_sq,
) noexcept nogil:
    """Exact ``|x - center|^2`` in float64 (see the module docstring)."""
    cdef Py_ssize_t p
    cdef double c, diff, diff_sq = 0.0, nz_sq = 0.0, rest
    for p in range(p0, p1):
        c = <double>center[indices[p]]
        diff = <double>data[p] - c
        diff_sq += diff * diff
        nz_sq += c * c
    rest = center_sq - nz_sq
    return diff_sq + rest if rest > 0 else diff_sq


cdef inline void _row_sq_dists(
    const floating *data,      # IN (nnz,)
    const index_t *indices,    # IN (nnz,)
    Py_ssize_t p0,
    Py_ssize_t p1,
    const double *ct,          # IN (n_features, n_targets)
    const double *target_sq,   # IN (n_targets,)
    Py_ssize_t n_targets,
    double *out,               # OUT (n_targets,)
    double *nz_sq,             # scratch (n_targets,)
) noexcept nogil:
    """Exact ``|x - t|^2`` for every target ``t`` (columns of ``ct``), in float64."""
    cdef Py_ssize_t p, t
    cdef double v, c, diff, rest
    cdef const double *column
    for t in range(n_targets):
        out[t] = 0.0
        nz_sq[t] = 0.0
    for p in range(p0, p1):
        v = <double>data[p]
        column = ct + <Py_ssize_t>indices[p] * n_targets
        for t in range(n_targets):
            c = column[t]
            diff = v - c
            out[t] += diff * diff
            nz_sq[t] += c * c
    for t in range(n_targets):
        rest = target_sq[t] - nz_sq[t]
        if rest > 0:
            out[t] += rest


def csr_structure(
    const index_t[::1] indptr,     # IN (n_samples + 1,), validated
    const index_t[::1] indices,    # IN (>= indptr[n_samples],)
    Py_ssize_t n_features,
    int n_threads,
):
    """Check the column indices of a CSR matrix whose ``indptr`` is valid.

    Parameters
    ----------
    indptr : ndarray of shape (n_samples + 1,), int32 or int64
        Row pointers: ``indptr[0] == 0``, non-decreasing, the last within
        ``indices``.
    indices : ndarray, same dtype as indptr
        Column of every stored value.
    n_features : int
        Number of columns.
    n_threads : int
        OpenMP threads to use.

    Returns
    -------
    first_bad : int
        Position in ``indices`` of the first column outside
        ``[0, n_features)``, or -1.
    canonical : bool
        Whether the columns of every row are strictly increasing (sorted,
        without duplicates).
    """
    cdef Py_ssize_t n_samples = indptr.shape[0] - 1
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads, <double>indptr[n_samples])
    cdef Py_ssize_t block_bad[MAX_BLOCKS]
    cdef int block_sorted[MAX_BLOCKS]
    cdef Py_ssize_t b, i, p, column, previous, bad
    cdef int is_sorted
    with interruptible(), nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            if interrupted():  # Ctrl-C: the section raises
                continue
            bad = -1
            is_sorted = 1
            for i in range(block_start(plan, b), block_end(plan, b)):
                previous = -1
                for p in range(indptr[i], indptr[i + 1]):
                    column = indices[p]
                    if column < 0 or column >= n_features:
                        bad = p
                        break
                    if column <= previous:
                        is_sorted = 0
                    previous = column
                if bad >= 0:
                    break
            block_bad[b] = bad
            block_sorted[b] = is_sorted
    canonical = True
    for b in range(plan.n_blocks):
        if block_bad[b] >= 0:
            return block_bad[b], False
        canonical = canonical and block_sorted[b] != 0
    return -1, canonical


def dense_sq_norms(
    const floating[:, ::1] centers,    # IN (n_clusters, n_features)
    double[::1] out,                   # OUT (n_clusters,)
):
    """``out[c] = sum_j centers[c, j] ** 2`` in float64, summed in feature order.

    The order matters: a center equal to a row of the data then has exactly
    the norm the row's nonzeros sum to, and its distance to that row is 0.

    Parameters
    ----------
    centers : ndarray of shape (n_clusters, n_features), float32 or float64
        Dense centers.
    out : ndarray of shape (n_clusters,), float64
        Receives the squared norms.
    """
    cdef Py_ssize_t c, j
    cdef double total, v
    with nogil:
        for c in range(centers.shape[0]):
            total = 0.0
            for j in range(centers.shape[1]):
                v = <double>centers[c, j]
                total += v * v
            out[c] = total


def mean_feature_variance(
    const floating[::1] data,      # IN (nnz,)
    const index_t[::1] indices,    # IN (nnz,)
    Py_ssize_t n_samples,
    Py_ssize_t n_features,
):
    """``mean(var(X, axis=0))`` in float64, two passes over the nonzeros.

    ``var_j = (sum_nz (x_ij - m_j)^2 + (n_samples - nnz_j) m_j^2) / n_samples``:
    no cancellation, O(n_features) memory. Serial: a fixed order.

    Parameters
    ----------
    data, indices : ndarrays
        Values and columns of a canonical CSR matrix.
    n_samples, n_features : int
        Its shape.

    Returns
    -------
    float
        The mean over the features of their variance (implicit zeros included).
    """
    cdef double[::1] means = np.zeros(n_features)
    cdef double[::1] squares = np.zeros(n_features)
    cdef Py_ssize_t[::1] counts = np.zeros(n_features, dtype=np.intp)
    cdef Py_ssize_t p, j, nnz = data.shape[0]
    cdef double diff, total = 0.0
    with nogil:
        for p in range(nnz):
            means[indices[p]] += data[p]
        for j in range(n_features):
            means[j] /= n_samples
        for p in range(nnz):
            j = indices[p]
            diff = <double>data[p] - means[j]
            squares[j] += diff * diff
            counts[j] += 1
        for j in range(n_features):
            total += (squares[j] + (n_samples - counts[j]) * means[j] * means[j]) / n_samples
    return total / n_features


def assign_pass(
    const floating[::1] data,            # IN (nnz,)
    const index_t[::1] indices,          # IN (nnz,)
    const index_t[::1] indptr,           # IN (n_samples + 1,)
    const double[::1] sample_weight,     # IN (n_samples,)
    const floating[:, ::1] ct,           # IN (n_features, width)
    const floating[::1] ct_sq,           # IN (width,)
    const floating[:, ::1] centers,      # IN (n_clusters, n_features)
    const double[::1] centers_sq,        # IN (n_clusters,)
    int[::1] labels,                     # INOUT (n_samples,)
    double[::1] sq_dist,                 # OUT (n_samples,) or (0,)
    floating[:, ::1] scratch,            # scratch (n_blocks, width)
    int n_threads,
):
    """Label every row with its nearest center; the exact weighted inertia.

    The nearest center minimises ``|c|^2 - 2 x.c`` (lowest index on ties),
    with the dot products from the transposed centers; the inertia is summed
    from exact distances to the chosen centers.

    Parameters
    ----------
    data, indices, indptr : ndarrays
        The canonical CSR matrix (n_samples x n_features).
    sample_weight : ndarray of shape (n_samples,), float64
        Weight of every row.
    ct : ndarray of shape (n_features, width), dtype of data
        Transposed centers, zero-padded to ``width`` columns (see the
        module docstring).
    ct_sq : ndarray of shape (width,), dtype of data
        ``|c|^2`` of every center (padding: any value).
    centers : ndarray of shape (n_clusters, n_features), dtype of data
        The same centers, row by row, for the exact distances.
    centers_sq : ndarray of shape (n_clusters,), float64
        ``dense_sq_norms(centers)``.
    labels : ndarray of shape (n_samples,), int32
        Previous labels in (to count changes), new labels out.
    sq_dist : ndarray of shape (n_samples,) or (0,), float64
        Receives the exact squared distance of every row to its center,
        unless empty.
    scratch : ndarray of shape (n_blocks, width), dtype of data
        Dot products of the row in work, one row per block of rows.
    n_threads : int
        OpenMP threads to use.

    Returns
    -------
    inertia : float
        ``sum(w * |x - c_label|^2)``, float64, in block order.
    n_changed : int
        Rows whose label changed.
    """
    cdef Py_ssize_t n_samples = indptr.shape[0] - 1
    cdef Py_ssize_t n_clusters = centers.shape[0]
    cdef Py_ssize_t width = ct.shape[1]
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads,
                                      <double>indptr[n_samples] * width + n_samples * width)
    cdef double block_inertia[MAX_BLOCKS]
    cdef Py_ssize_t block_changed[MAX_BLOCKS]
    cdef bint want_dist = sq_dist.shape[0] > 0
    cdef Py_ssize_t b, i, c, best, changed
    cdef floating best_value, value
    cdef floating *dots
    cdef double dist, block_total
    _check_layout(&ct[0, 0], width * sizeof(floating))
    _check_scratch(scratch.shape[0], scratch.shape[1], plan, width)
    with interruptible(), nogil:
        for b in prange(plan.n_blocks, schedule="dynamic", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            if interrupted():  # Ctrl-C: the section raises
                continue
            dots = &scratch[b, 0]
            block_total = 0.0
            changed = 0
            for i in range(block_start(plan, b), block_end(plan, b)):
                _row_dots(&data[0], &indices[0], indptr[i], indptr[i + 1], &ct[0, 0],
                          width, dots)
                best = 0
                best_value = ct_sq[0] - 2 * dots[0]
                for c in range(1, n_clusters):
                    value = ct_sq[c] - 2 * dots[c]
                    if value < best_value:
                        best_value = value
                        best = c
                if labels[i] != best:
                    changed = changed + 1
                    labels[i] = <int>best
                dist = _row_sq_dist(&data[0], &indices[0], indptr[i], indptr[i + 1],
                                    &centers[best, 0], centers_sq[best])
                if want_dist:
                    sq_dist[i] = dist
                block_total = block_total + sample_weight[i] * dist
            block_inertia[b] = block_total
            block_changed[b] = changed
    cdef double inertia = 0.0
    cdef Py_ssize_t n_changed = 0
    for b in range(plan.n_blocks):
        inertia += block_inertia[b]
        n_changed += block_changed[b]
    return inertia, n_changed


def group_rows_by_label(
    const int[::1] labels,         # IN (n_samples,)
    Py_ssize_t[::1] order,         # OUT (n_samples,)
    Py_ssize_t[::1] offsets,       # OUT (n_clusters + 1,)
):
    """Rows sorted by label, stably: cluster ``c`` holds ``order[offsets[c]:offsets[c + 1]]``.

    A counting sort, O(n_samples + n_clusters).

    Parameters
    ----------
    labels : ndarray of shape (n_samples,), int32
        Cluster of every row, each in ``[0, n_clusters)``.
    order : ndarray of shape (n_samples,), intp
        Receives the rows, cluster by cluster, in row order within a cluster.
    offsets : ndarray of shape (n_clusters + 1,), intp
        Receives where each cluster starts in ``order``.
    """
    cdef Py_ssize_t n_samples = labels.shape[0], n_clusters = offsets.shape[0] - 1
    cdef Py_ssize_t i, c
    with nogil:
        offsets[:] = 0
        for i in range(n_samples):
            offsets[labels[i] + 1] += 1
        for c in range(n_clusters):
            offsets[c + 1] += offsets[c]
        for i in range(n_samples):
            c = labels[i]
            order[offsets[c]] = i
            offsets[c] += 1
        for c in range(n_clusters, 0, -1):
            offsets[c] = offsets[c - 1]
        offsets[0] = 0


def cluster_sums(
    const floating[::1] data,            # IN (nnz,)
    const index_t[::1] indices,          # IN (nnz,)
    const index_t[::1] indptr,           # IN (n_samples + 1,)
    const double[::1] sample_weight,     # IN (n_samples,)
    const Py_ssize_t[::1] order,         # IN (n_samples,)
    const Py_ssize_t[::1] offsets,       # IN (n_clusters + 1,)
    double[:, ::1] sums,                 # OUT (n_clusters, n_features)
    double[::1] weights,                 # OUT (n_clusters,)
    int n_threads,
):
    """Weighted sum and total weight of the rows of every cluster.

    Each cluster is owned by one thread, which adds its rows in row order
    (``order``/``offsets`` from ``group_rows_by_label``): no buffer beyond
    ``sums`` itself, and the same bits for any thread count. A cluster
    holding most of the nonzeros is the longest task.

    Parameters
    ----------
    data, indices, indptr : ndarrays
        The canonical CSR matrix (n_samples x n_features), float32 or
        float64 values, int32 or int64 indices.
    sample_weight : ndarray of shape (n_samples,), float64
        Weight of every row.
    order, offsets : ndarrays, intp
        The rows of every cluster (see ``group_rows_by_label``).
    sums : ndarray of shape (n_clusters, n_features), float64
        Receives ``sum(w * x)`` over the rows of every cluster.
    weights : ndarray of shape (n_clusters,), float64
        Receives the total weight of every cluster.
    n_threads : int
        OpenMP threads to use.
    """
    cdef Py_ssize_t n_clusters = sums.shape[0], n_features = sums.shape[1]
    cdef Py_ssize_t c, q, i, p
    cdef double w, total
    cdef double *row
    cdef int threads = useful_threads(
        n_threads, n_clusters, <double>indptr[indptr.shape[0] - 1] + sums.shape[0] * n_features)
    with interruptible(), nogil:
        for c in prange(n_clusters, schedule="dynamic", num_threads=threads,
                        use_threads_if=threads > 1):
            if interrupted():  # Ctrl-C: the section raises
                continue
            row = &sums[c, 0]
            memset(row, 0, n_features * sizeof(double))
            total = 0.0
            for q in range(offsets[c], offsets[c + 1]):
                i = order[q]
                w = sample_weight[i]
                total = total + w
                for p in range(indptr[i], indptr[i + 1]):
                    row[indices[p]] += w * <double>data[p]
            weights[c] = total


def label_sq_distances(
    const floating[::1] data,            # IN (nnz,)
    const index_t[::1] indices,          # IN (nnz,)
    const index_t[::1] indptr,           # IN (n_samples + 1,)
    const floating[:, ::1] centers,      # IN (n_clusters, n_features)
    const double[::1] centers_sq,        # IN (n_clusters,)
    const int[::1] labels,               # IN (n_samples,)
    double[::1] out,                     # OUT (n_samples,)
    int n_threads,
):
    """Exact squared distance of every row to the center it is labelled with.

    Parameters
    ----------
    data, indices, indptr : ndarrays
        The canonical CSR matrix (n_samples x n_features), float32 or
        float64 values, int32 or int64 indices.
    centers : ndarray of shape (n_clusters, n_features), dtype of data
        Dense centers.
    centers_sq : ndarray of shape (n_clusters,), float64
        ``dense_sq_norms(centers)``.
    labels : ndarray of shape (n_samples,), int32
        Center of every row.
    out : ndarray of shape (n_samples,), float64
        Receives ``|x_i - centers[labels[i]]|^2``.
    n_threads : int
        OpenMP threads to use.
    """
    cdef Py_ssize_t n_samples = indptr.shape[0] - 1
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads, <double>indptr[n_samples])
    cdef Py_ssize_t b, i
    with interruptible(), nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            if interrupted():  # Ctrl-C: the section raises
                continue
            for i in range(block_start(plan, b), block_end(plan, b)):
                out[i] = _row_sq_dist(&data[0], &indices[0], indptr[i], indptr[i + 1],
                                      &centers[labels[i], 0], centers_sq[labels[i]])


def inertia(
    const floating[::1] data,            # IN (nnz,)
    const index_t[::1] indices,          # IN (nnz,)
    const index_t[::1] indptr,           # IN (n_samples + 1,)
    const double[::1] sample_weight,     # IN (n_samples,)
    const floating[:, ::1] centers,      # IN (n_clusters, n_features)
    const double[::1] centers_sq,        # IN (n_clusters,)
    const int[::1] labels,               # IN (n_samples,)
    int n_threads,
):
    """``sum(w * |x - centers[label]|^2)`` from exact distances, per block then in block order.

    Parameters
    ----------
    data, indices, indptr : ndarrays
        The canonical CSR matrix (n_samples x n_features), float32 or
        float64 values, int32 or int64 indices.
    sample_weight : ndarray of shape (n_samples,), float64
        Weight of every row.
    centers, centers_sq, labels
        As in ``label_sq_distances``.
    n_threads : int
        OpenMP threads to use.

    Returns
    -------
    float
        The weighted inertia, float64, the same for any ``n_threads``.
    """
    cdef Py_ssize_t n_samples = indptr.shape[0] - 1
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads, <double>indptr[n_samples])
    cdef double block_sum[MAX_BLOCKS]
    cdef double total
    cdef Py_ssize_t b, i
    with interruptible(), nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            if interrupted():  # Ctrl-C: the section raises
                continue
            total = 0.0
            for i in range(block_start(plan, b), block_end(plan, b)):
                total = total + sample_weight[i] * _row_sq_dist(
                    &data[0], &indices[0], indptr[i], indptr[i + 1],
                    &centers[labels[i], 0], centers_sq[labels[i]])
            block_sum[b] = total
    result = 0.0
    for b in range(plan.n_blocks):
        result += block_sum[b]
    return result


def sq_distances_to_all(
    const floating[::1] data,            # IN (nnz,)
    const index_t[::1] indices,          # IN (nnz,)
    const index_t[::1] indptr,           # IN (n_samples + 1,)
    const double[:, ::1] ct,             # IN (n_features, n_targets)
    const double[::1] target_sq,         # IN (n_targets,)
    floating[:, ::1] out,                # OUT (n_samples, n_targets)
    bint take_sqrt,
    double[:, ::1] scratch,              # scratch (n_blocks, 2 * n_targets)
    int n_threads,
):
    """Exact (squared) Euclidean distances of every row to every target.

    ``out[i, t] = |x_i - t|^2`` (its square root with ``take_sqrt``),
    computed in float64 from the transposed targets ``ct``.

    Parameters
    ----------
    data, indices, indptr : ndarrays
        The canonical CSR matrix (n_samples x n_features), float32 or
        float64 values, int32 or int64 indices.
    ct : ndarray of shape (n_features, n_targets), float64
        The targets (centers), transposed.
    target_sq : ndarray of shape (n_targets,), float64
        ``dense_sq_norms`` of the targets.
    out : ndarray of shape (n_samples, n_targets), dtype of data
        Receives the distances, rounded to the dtype of the data.
    take_sqrt : bool
        Euclidean distances if true, squared distances if false.
    scratch : ndarray of shape (n_blocks, 2 * n_targets), float64
        Work space, one row per block of rows.
    n_threads : int
        OpenMP threads to use.
    """
    cdef Py_ssize_t n_samples = indptr.shape[0] - 1, n_targets = ct.shape[1]
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads,
                                      <double>(indptr[n_samples] + n_samples) * n_targets)
    cdef Py_ssize_t b, i, t
    cdef double *dist
    _check_scratch(scratch.shape[0], scratch.shape[1], plan, 2 * n_targets)
    if out.shape[0] != n_samples or out.shape[1] != n_targets:
        raise ValueError("out must have shape (n_samples, n_targets)")
    with interruptible(), nogil:
        for b in prange(plan.n_blocks, schedule="dynamic", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            if interrupted():  # Ctrl-C: the section raises
                continue
            dist = &scratch[b, 0]
            for i in range(block_start(plan, b), block_end(plan, b)):
                _row_sq_dists(&data[0], &indices[0], indptr[i], indptr[i + 1], &ct[0, 0],
                              &target_sq[0], n_targets, dist, dist + n_targets)
                for t in range(n_targets):
                    out[i, t] = <floating>(sqrt(dist[t]) if take_sqrt else dist[t])


def row_sq_norms(
    const floating[::1] data,            # IN (nnz,)
    const index_t[::1] indptr,           # IN (n_samples + 1,)
    double[::1] out,                     # OUT (n_samples,)
):
    """``out[i] = |x_i|^2`` in float64, summed in column order.

    Parameters
    ----------
    data, indptr : ndarrays
        Values and row pointers of a canonical CSR matrix.
    out : ndarray of shape (n_samples,), float64
        Receives the squared norms of the rows.
    """
    cdef Py_ssize_t i, p
    cdef double total, v
    with nogil:
        for i in range(indptr.shape[0] - 1):
            total = 0.0
            for p in range(indptr[i], indptr[i + 1]):
                v = <double>data[p]
                total += v * v
            out[i] = total


def candidate_potentials(
    const floating[::1] data,            # IN (nnz,)
    const index_t[::1] indices,          # IN (nnz,)
    const index_t[::1] indptr,           # IN (n_samples + 1,)
    const double[::1] sample_weight,     # IN (n_samples,)
    const double[::1] x_sq,              # IN (n_samples,)
    const double[::1] closest_sq,        # IN (n_samples,)
    const floating[:, ::1] ct,           # IN (n_features, width), aligned
    const double[::1] candidates_sq,     # IN (n_candidates,)
    double[::1] potentials,              # OUT (n_candidates,)
    floating[:, ::1] scratch,            # scratch (n_blocks, width)
    double[:, ::1] block_potentials,     # scratch (n_blocks, n_candidates)
    int n_threads,
):
    """k-means++: ``sum(w * min(closest_sq, |x - candidate|^2))`` for every candidate.

    Candidates are scored as the dense path scores them, from an expansion:
    ``|x|^2 + |c|^2 - 2 x.c`` (clamped at 0), with the dot products of the
    assignment kernel (candidates transposed in ``ct``, as centers). The
    chosen candidate's exact distances then go into ``update_closest``.
    Per-block sums are added in block order.

    Parameters
    ----------
    data, indices, indptr : ndarrays
        The canonical CSR matrix (n_samples x n_features), float32 or
        float64 values, int32 or int64 indices.
    sample_weight : ndarray of shape (n_samples,), float64
        Weight of every row.
    x_sq : ndarray of shape (n_samples,), float64
        ``row_sq_norms`` of the rows.
    closest_sq : ndarray of shape (n_samples,), float64
        Squared distance of every row to its closest chosen center.
    ct : ndarray of shape (n_features, width), dtype of data
        The candidates transposed and padded, as the centers of
        ``assign_pass``.
    candidates_sq : ndarray of shape (n_candidates,), float64
        ``dense_sq_norms`` of the candidates.
    potentials : ndarray of shape (n_candidates,), float64
        Receives the potential of every candidate.
    scratch : ndarray of shape (n_blocks, width), dtype of data
        Dot products of the row in work, one row per block.
    block_potentials : ndarray of shape (n_blocks, n_candidates), float64
        Work space: the potentials of every block.
    n_threads : int
        OpenMP threads to use.
    """
    cdef Py_ssize_t n_samples = indptr.shape[0] - 1, n_candidates = candidates_sq.shape[0]
    cdef Py_ssize_t width = ct.shape[1]
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads,
                                      <double>(indptr[n_samples] + n_samples) * width)
    cdef Py_ssize_t b, i, t
    cdef double dist
    cdef floating *dots
    cdef double *block_potential
    _check_layout(&ct[0, 0], width * sizeof(floating))
    _check_scratch(scratch.shape[0], scratch.shape[1], plan, width)
    _check_scratch(block_potentials.shape[0], block_potentials.shape[1], plan, n_candidates)
    with interruptible(), nogil:
        for b in prange(plan.n_blocks, schedule="dynamic", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            if interrupted():  # Ctrl-C: the section raises
                continue
            dots = &scratch[b, 0]
            block_potential = &block_potentials[b, 0]
            for t in range(n_candidates):
                block_potential[t] = 0.0
            for i in range(block_start(plan, b), block_end(plan, b)):
                _row_dots(&data[0], &indices[0], indptr[i], indptr[i + 1], &ct[0, 0],
                          width, dots)
                for t in range(n_candidates):
                    dist = x_sq[i] + candidates_sq[t] - 2.0 * <double>dots[t]
                    if dist > closest_sq[i]:
                        dist = closest_sq[i]
                    elif dist < 0:
                        dist = 0.0
                    block_potential[t] += sample_weight[i] * dist
    for t in range(n_candidates):
        potentials[t] = 0.0
        for b in range(plan.n_blocks):
            potentials[t] += block_potentials[b, t]


cdef int _check_layout(const void *ct, size_t row_bytes) except -1:
    """The C dot kernel reads whole, aligned cache lines of the transposed centers."""
    if (<size_t>ct) % FK_SPARSE_LINE_BYTES or row_bytes % FK_SPARSE_LINE_BYTES:
        raise ValueError("ct must be aligned to LINE_BYTES and fill whole lines")
    return 0


def update_closest(
    const floating[::1] data,            # IN (nnz,)
    const index_t[::1] indices,          # IN (nnz,)
    const index_t[::1] indptr,           # IN (n_samples + 1,)
    const double[::1] sample_weight,     # IN (n_samples,)
    const floating[::1] center,          # IN (n_features,)
    double center_sq,
    double[::1] closest_sq,              # INOUT (n_samples,)
    double[::1] weighted_sq,             # OUT (n_samples,)
    int n_threads,
):
    """k-means++: ``closest_sq = min(closest_sq, |x - center|^2)``;
    ``weighted_sq = w * closest_sq``.

    Parameters
    ----------
    data, indices, indptr : ndarrays
        The canonical CSR matrix (n_samples x n_features), float32 or
        float64 values, int32 or int64 indices.
    sample_weight : ndarray of shape (n_samples,), float64
        Weight of every row.
    center : ndarray of shape (n_features,), dtype of data
        The center just chosen (a row of the data, densified).
    center_sq : float
        Its ``dense_sq_norms``: the row's own distance is then exactly 0.
    closest_sq : ndarray of shape (n_samples,), float64
        Distances to the closest chosen center (``inf`` at first); updated
        with exact distances.
    weighted_sq : ndarray of shape (n_samples,), float64
        Receives ``sample_weight * closest_sq``.
    n_threads : int
        OpenMP threads to use.
    """
    cdef Py_ssize_t n_samples = indptr.shape[0] - 1
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads, <double>indptr[n_samples])
    cdef Py_ssize_t b, i
    cdef double dist
    with interruptible(), nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            if interrupted():  # Ctrl-C: the section raises
                continue
            for i in range(block_start(plan, b), block_end(plan, b)):
                dist = _row_sq_dist(&data[0], &indices[0], indptr[i], indptr[i + 1],
                                    &center[0], center_sq)
                if dist < closest_sq[i]:
                    closest_sq[i] = dist
                weighted_sq[i] = sample_weight[i] * closest_sq[i]


def take_rows(
    const floating[::1] data,            # IN (nnz,)
    const index_t[::1] indices,          # IN (nnz,)
    const index_t[::1] indptr,           # IN (n_samples + 1,)
    const Py_ssize_t[::1] rows,          # IN (n_rows,), each in [0, n_samples)
    floating[::1] out_data,              # OUT (nnz of the rows,)
    index_t[::1] out_indices,            # OUT (nnz of the rows,)
    const index_t[::1] out_indptr,       # IN (n_rows + 1,), the rows' cumulative lengths
):
    """Copy the nonzeros of rows ``rows`` (repeats allowed), in that order: a CSR batch.

    ``out_indptr`` is computed by the caller (``cumsum`` of the row lengths,
    starting at 0), which sizes the outputs. One thread: a batch's copy is
    small next to its assignment.
    """
    cdef Py_ssize_t r, p, start, offset
    if out_indptr.shape[0] != rows.shape[0] + 1 or (
            out_data.shape[0] < out_indptr[rows.shape[0]]
            or out_indices.shape[0] < out_indptr[rows.shape[0]]):
        raise ValueError("out_indptr, out_data or out_indices do not fit the rows")
    with nogil:
        for r in range(rows.shape[0]):
            start = indptr[rows[r]]
            offset = out_indptr[r] - start
            for p in range(start, indptr[rows[r] + 1]):
                out_data[p + offset] = data[p]
                out_indices[p + offset] = indices[p]
