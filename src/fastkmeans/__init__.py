"""fastkmeans: exact k-means clustering with parallel Cython kernels.

>>> import fastkmeans
>>> result = fastkmeans.fit(X, 4)                    # doctest: +SKIP
>>> result.centers, result.labels, result.inertia     # doctest: +SKIP

Public API: :func:`fit`, :func:`predict`, :func:`kmeans_plusplus`,
:func:`show_config`, the result types :class:`KMeansResult` and
:class:`FitHistory`, :class:`ConvergenceWarning`, and the small generated
data sets of :mod:`fastkmeans.datasets`. The pure-NumPy
specification of every kernel is :mod:`fastkmeans._reference`.
"""
from fastkmeans import datasets
from fastkmeans._build_info import VERSION as __version__
from fastkmeans._config import show_config
from fastkmeans._fit import fit, predict
from fastkmeans._init import kmeans_plusplus
from fastkmeans._result import FitHistory, KMeansResult
from fastkmeans._warnings import ConvergenceWarning

__all__ = [
    "ConvergenceWarning",
    "FitHistory",
    "KMeansResult",
    "__version__",
    "datasets",
    "fit",
    "kmeans_plusplus",
    "predict",
    "show_config",
]
