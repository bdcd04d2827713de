# The pieces of a Lloyd run that the accelerated variants (_accelerated.pyx)
# share: block buffers, the deterministic summing pass, the center update.
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
    cdef double *sums               # (n_clusters, n_features)
    cdef double *weights            # (n_clusters,)
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
