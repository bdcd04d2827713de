"""Which instruction-set path the nearest-center kernels use.

The kernels are compiled for several instruction sets (``avx512``,
``avx2``, and the ``generic`` baseline). By default the best one this CPU
supports is used; the environment variable ``FASTKMEANS_SIMD`` (read by
each kernel call) forces another, and :func:`forced_path` does the same for a
block of code (tests and benchmarks use it to run every path). Results of different
paths differ by floating-point rounding only.
"""
import contextlib
import os
import warnings

from ._common import simd_paths

_PATHS = simd_paths()
PATH_NAMES = tuple(name for name, _ in _PATHS)
_forced = None
_warned_env = set()


def supported_paths() -> list:
    """Names of the paths this CPU can run, worst to best."""
    return [name for name, supported in _PATHS if supported]


def best_path() -> str:
    """The fastest path this CPU supports."""
    return supported_paths()[-1]


def active_path() -> str:
    """The path the next kernel call uses."""
    if _forced is not None:
        return _forced
    requested = os.environ.get("FASTKMEANS_SIMD", "").strip().lower()
    if requested:
        if requested in supported_paths():
            return requested
        if requested not in _warned_env:
            _warned_env.add(requested)
            warnings.warn(
                f"FASTKMEANS_SIMD={requested!r} is not a path this CPU supports "
                f"({', '.join(supported_paths())}); using {best_path()!r}",
                RuntimeWarning, stacklevel=2)
    return best_path()


def active_path_id() -> int:
    """Index of :func:`active_path` for the C kernels."""
    return PATH_NAMES.index(active_path())


@contextlib.contextmanager
def forced_path(name: str):
    """Run the kernels on path ``name`` inside a ``with`` block."""
    global _forced
    if name not in supported_paths():
        raise ValueError(
            f"SIMD path {name!r} is not supported here; supported: {supported_paths()}")
    previous, _forced = _forced, name
    try:
        yield
    finally:
        _forced = previous
