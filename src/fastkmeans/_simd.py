"""Which instruction-set path the kernels use: one choice per process.

Every kernel family (dense, bounds, sparse, silhouette) is compiled for
several instruction sets (``avx512``, ``avx2``, and the ``generic``
baseline) and dispatched in C on one process-wide path: the best one this
CPU supports, or the one the environment variable ``FASTKMEANS_SIMD`` names
(read once, when the path is first needed). :func:`forced_path` changes it
for a block of code (tests and benchmarks use it to run every path).
Results of different paths differ by floating-point rounding only.
"""
import contextlib
import warnings

from ._common import family_paths, set_simd_path, simd_path, simd_paths, simd_rejected

_PATHS = simd_paths()
PATH_NAMES = tuple(name for name, _ in _PATHS)


def supported_paths() -> list:
    """Names of the paths this CPU can run, worst to best."""
    return [name for name, supported in _PATHS if supported]


def best_path() -> str:
    """The fastest path this CPU supports."""
    return supported_paths()[-1]


def active_path() -> str:
    """The process path: what the next kernel call uses."""
    return PATH_NAMES[simd_path()]


def family_path(family: str) -> str:
    """The path a kernel family runs now: the best one it is compiled for
    at or below :func:`active_path` (``bounds`` and ``silhouette`` need a
    whole x86-64 level)."""
    return family_paths()[family]


@contextlib.contextmanager
def forced_path(name: str):
    """Run every kernel family on path ``name`` inside a ``with`` block.

    Changes the process path: not for use while another thread runs kernels.
    """
    if name not in supported_paths():
        raise ValueError(
            f"SIMD path {name!r} is not supported here; supported: {supported_paths()}")
    previous = set_simd_path(PATH_NAMES.index(name))
    try:
        yield
    finally:
        set_simd_path(previous)


def _warn_if_rejected():
    requested = simd_rejected()
    if requested is not None:
        warnings.warn(
            f"FASTKMEANS_SIMD={requested!r} is not a path this CPU supports "
            f"({', '.join(supported_paths())}); using {active_path()!r}",
            RuntimeWarning, stacklevel=3)


_warn_if_rejected()
