# The pieces of a Lloyd run that the bounded step (_accelerated.pyx) shares:
# block buffers, the deterministic summing pass, the center update, and the
# dense Lloyd step itself, which the bounded step extends.
from ._common cimport MAX_BLOCKS, BlockPlan, floating


# Called for each block of rows just before the block is summed (the
# accelerated variants label the block there); must be thread-safe.
ctypedef void (*block_hook)(void *data, Py_ssize_t block, Py_ssize_t start,
                            Py_ssize_t end) noexcept nogil


cdef class _Workspace:
    cdef BlockPlan plan
    cdef Py_ssize_t wave, n_clusters, n_features
    cdef double *block_sums         # (wave, n_clusters, n_features)
    cdef double *block_weights      # (wave, n_clusters)
    cdef readonly object sums_array     # (n_clusters, n_features) float64 ndarray
    cdef readonly object weights_array  # (n_clusters,) float64 ndarray
    cdef double *sums               # (n_clusters, n_features), into sums_array
    cdef double *weights            # (n_clusters,), into weights_array
    cdef double block_inertia[MAX_BLOCKS]
    cdef Py_ssize_t block_changed[MAX_BLOCKS]


cdef int _pass(
    _Workspace ws,
    const floating[:, ::1] X,
    const double[::1] sample_weight,
    const floating *centers,
    int *labels,
    int n_threads,
    double *inertia,
    Py_ssize_t *n_changed,
    block_hook before_sums=*,
    void *hook_data=*,
    double hook_work=*,
    const unsigned short *half=*,
) except -1

cdef bint _has_empty_cluster(const double *weights, Py_ssize_t n_clusters) noexcept nogil

cdef double _average_and_shift(
    const double *sums,
    const double *weights,
    const floating *centers,
    floating *new_centers,
    Py_ssize_t n_clusters,
    Py_ssize_t n_features,
) noexcept nogil


cdef class LloydStep:
    cdef readonly object X               # (n_samples, n_features) float32/float64, read-only
    cdef readonly object sample_weight   # (n_samples,) float64
    cdef readonly object centers         # (n_clusters, n_features), dtype of X: INOUT
    cdef readonly object labels          # (n_samples,) int32: OUT of assign_and_sum
    cdef readonly object sums            # (n_clusters, n_features) float64: OUT
    cdef readonly object weights         # (n_clusters,) float64: OUT
    cdef readonly int n_threads
    cdef readonly Py_ssize_t distance_evaluations
    # None (the clusters' means), or where the centers move instead:
    # center_rule(sums, weights, centers, new) writes them into new and
    # returns the total squared shift (spherical k-means, _spherical.py)
    cdef public object center_rule
    cdef bint single                     # float32 (else float64)
    cdef const float[:, ::1] X32
    cdef const double[:, ::1] X64
    cdef float[:, ::1] centers32
    cdef double[:, ::1] centers64
    cdef float[:, ::1] spare32           # the next centers, before they are copied in
    cdef double[:, ::1] spare64
    cdef const double[::1] sample_weight_view
    cdef int[::1] labels_view
    cdef _Workspace ws

    cdef double _new_centers(self)
    cdef void _take_new_centers(self)
