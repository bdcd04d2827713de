"""How many OpenMP threads a kernel call may use."""
import os
import warnings
from numbers import Integral

from ._common import omp_max_threads, openmp_enabled

_warned_serial = False
_C_INT_MAX = 2**31 - 1


def _available_cpus() -> int:
    """CPUs this process may run on (affinity masks respected where known)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def default_n_threads() -> int:
    """Threads used when ``n_threads=None``.

    ``OMP_NUM_THREADS`` and threadpoolctl limits (both visible through
    ``omp_get_max_threads``) apply, capped at the CPUs available to the
    process.
    """
    if not openmp_enabled():
        return 1
    return max(1, min(omp_max_threads(), _available_cpus()))


def resolve_n_threads(n_threads) -> int:
    """Validate ``n_threads`` and turn ``None`` into the default.

    Parameters
    ----------
    n_threads : int or None
        Requested number of OpenMP threads; ``None`` for all available.

    Returns
    -------
    int
        Threads to pass to the kernels (1 in a build without OpenMP).
    """
    global _warned_serial
    if n_threads is None:
        return default_n_threads()
    if isinstance(n_threads, bool) or not isinstance(n_threads, Integral):
        raise TypeError(
            f"n_threads must be a positive integer or None, got {n_threads!r} "
            f"of type {type(n_threads).__name__}")
    if n_threads < 1:
        raise ValueError(
            f"n_threads must be a positive integer or None, got {n_threads!r}")
    if n_threads > _C_INT_MAX:  # OpenMP takes a C int
        raise ValueError(
            f"n_threads={n_threads!r} is too large: expected a positive integer at "
            f"most {_C_INT_MAX} or None")
    if not openmp_enabled():
        if n_threads > 1 and not _warned_serial:
            _warned_serial = True
            warnings.warn(
                "fastkmeans was built without OpenMP: its kernels run on one "
                f"thread, not the n_threads={n_threads} requested "
                "(see fastkmeans.show_config()).", RuntimeWarning, stacklevel=3)
        return 1
    return int(n_threads)
