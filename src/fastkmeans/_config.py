"""What this build of fastkmeans is and what it will use."""
import platform
from typing import Any, Literal

import numpy as np

from . import _build_info
from ._common import l2_cache_bytes, omp_max_threads, openmp_enabled
from ._simd import active_path, family_path, supported_paths
from ._threads import default_n_threads


def show_config(mode: Literal["stdout", "dicts"] = "stdout") -> dict[str, Any] | None:
    """Describe the build and the threads a fit would use.

    As NumPy's ``show_config``: it prints by default and returns nothing (so
    a REPL shows the description once); ``mode="dicts"`` returns it instead.

    Parameters
    ----------
    mode : {"stdout", "dicts"}, default="stdout"
        ``"stdout"`` prints the description; ``"dicts"`` returns it as a dict
        and prints nothing.

    Returns
    -------
    dict or None
        With ``mode="dicts"``: ``version``, ``openmp`` (whether the kernels are parallel),
        ``n_threads`` (threads a fit with ``n_threads=None`` uses),
        ``omp_max_threads``, ``compiler``, ``compiler_flags``, ``simd`` (the
        process's instruction-set path: ``'avx512'``, ``'avx2'`` or
        ``'generic'``; ``FASTKMEANS_SIMD`` forces one), ``simd_families``
        (the path each kernel family runs: ``{'dense': ..., 'bounds': ...,
        'sparse': ..., 'silhouette': ...}``; a family compiled for fewer
        paths runs the best one it has at or below ``simd``),
        ``simd_supported`` (the paths this CPU can run), ``l2_cache_bytes`` (what chunk sizes
        are derived from), ``numpy``, ``python`` and ``machine``.
    """
    config = {
        "version": _build_info.VERSION,
        "openmp": openmp_enabled(),
        "n_threads": default_n_threads(),
        "omp_max_threads": omp_max_threads(),
        "compiler": _build_info.COMPILER,
        "compiler_flags": (f"-O{_build_info.OPTIMIZATION} kernels: {_build_info.KERNEL_C_ARGS}; "
                           f"extensions: {_build_info.EXTENSION_C_ARGS}"),
        "simd": active_path(),
        "simd_families": {family: family_path(family)
                          for family in ("dense", "bounds", "sparse", "silhouette")},
        "simd_supported": supported_paths(),
        "l2_cache_bytes": l2_cache_bytes(),
        "numpy": np.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    if mode == "dicts":
        return config
    if mode != "stdout":
        raise ValueError(f"mode must be 'stdout' or 'dicts', got {mode!r}")
    width = max(len(key) for key in config)
    for key, value in config.items():
        if key == "openmp" and not value:
            value = "False (kernels run on one thread: build with an OpenMP compiler)"
        if key == "simd_supported":
            value = " ".join(value)
        if key == "simd_families":
            value = " ".join(f"{family}={path}" for family, path in value.items())
        print(f"{key:<{width}} : {value}")
    return None
