# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Build facts, instruction-set paths and the input scan shared by every entry point."""

from cython.parallel cimport prange

from ._common cimport (
    FK_N_PATHS, MAX_BLOCKS, BlockPlan, floating, fk_l2_cache_bytes, fk_omp_max_threads,
    fk_openmp_enabled, fk_path_name, fk_path_supported, fk_scan_double, fk_scan_float,
    plan_blocks, useful_threads,
)


def openmp_enabled():
    """Whether the kernels were compiled with OpenMP (``False``: one thread)."""
    return bool(fk_openmp_enabled())


def omp_max_threads():
    """Threads an OpenMP region would use: ``OMP_NUM_THREADS`` and threadpoolctl limits apply."""
    return int(fk_omp_max_threads())


def l2_cache_bytes():
    """The L2 cache size the kernels size their chunks of rows by."""
    return int(fk_l2_cache_bytes())


def simd_paths():
    """Every instruction-set path of the kernels, in order: ``[(name, supported), ...]``.

    The index of a path in this list is its id; ``supported`` says whether
    this CPU can run it.
    """
    return [(fk_path_name(path).decode("ascii"), bool(fk_path_supported(path)))
            for path in range(FK_N_PATHS)]


def scan_finite_and_magnitude(
    const floating[:, ::1] X,   # IN
    int n_threads,
):
    """Find the first non-finite entry of ``X`` and the largest magnitude.

    One parallel pass over ``X`` without any temporary array.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64, C order
        Data to scan.
    n_threads : int
        OpenMP threads to use.

    Returns
    -------
    first_bad : int
        Flat index of the first NaN or infinity in row-major order, or -1.
    max_abs : float
        Largest absolute value (of the values before the first NaN or
        infinity, if there is one).
    """
    cdef Py_ssize_t n_rows = X.shape[0]
    cdef Py_ssize_t n_values = n_rows * X.shape[1]
    cdef BlockPlan plan = plan_blocks(n_rows)
    cdef Py_ssize_t block_values = plan.block_rows * X.shape[1]
    cdef double block_max[MAX_BLOCKS]
    cdef Py_ssize_t block_bad[MAX_BLOCKS]
    cdef const floating *values = &X[0, 0]
    cdef Py_ssize_t b, begin
    cdef int threads = useful_threads(n_threads, plan.n_blocks, <double>n_values)

    with nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=threads,
                        use_threads_if=threads > 1):
            begin = b * block_values
            if floating is float:
                block_bad[b] = fk_scan_float(values + begin,
                                             min(n_values, begin + block_values) - begin,
                                             &block_max[b])
            else:
                block_bad[b] = fk_scan_double(values + begin,
                                              min(n_values, begin + block_values) - begin,
                                              &block_max[b])

    cdef Py_ssize_t first_bad = -1
    cdef double largest = 0.0
    for b in range(plan.n_blocks):
        if block_max[b] > largest:
            largest = block_max[b]
        if block_bad[b] >= 0:
            first_bad = b * block_values + block_bad[b]
            break
    return first_bad, largest
