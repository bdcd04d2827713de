"""fastkmeans: exact k-means clustering with parallel Cython kernels.

>>> import fastkmeans
>>> X, _ = fastkmeans.datasets.blobs()               # 400 points, four blobs
>>> result = fastkmeans.fit(X, 4, random_state=0)
>>> result
KMeansResult(n_clusters=4, n_features=2, n_samples=400, inertia=795.854, n_iter=2, converged=True)
>>> result.centers.shape, result.labels.shape
((4, 2), (400,))

Public API: :func:`fit`, :func:`predict`, :func:`kmeans_plusplus`,
:func:`center_distances`, :func:`show_config`, :func:`get_include`, the scikit-learn compatible
estimators :class:`KMeans` and :class:`MiniBatchKMeans` (usable without
scikit-learn) and their :class:`NotFittedError`, the result types
:class:`KMeansResult` and :class:`FitHistory`, :class:`ConvergenceWarning`;
choosing k with :func:`choose_k` (:class:`ChooseKResult`: gap statistic,
silhouette, Calinski-Harabasz, Davies-Bouldin and the elbow, one recommended
k), :func:`elbow` (:class:`ElbowResult`), :func:`gap_statistic`
(:class:`GapResult`), :func:`silhouette_score`, :func:`silhouette_samples`,
:func:`calinski_harabasz_score` and :func:`davies_bouldin_score`; progress
records :class:`IterationInfo`; plots (matplotlib, optional)
:func:`plot_clusters`, :func:`plot_elbow`, :func:`plot_choose_k`,
:func:`plot_silhouette`; and the small generated
data sets of :mod:`fastkmeans.datasets`. The pure-NumPy
specification of every kernel is :mod:`fastkmeans._reference`.
"""
import os as _os

from . import datasets
from ._build_info import VERSION as __version__
from ._choose_k import ChooseKResult, choose_k, gap_statistic
from ._config import show_config
from ._elbow import ElbowResult, elbow
from ._estimator_base import NotFittedError
from ._fit import fit, predict
from ._gap import GapResult
from ._init import kmeans_plusplus
from ._kmeans_estimator import KMeans
from ._metrics import (
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_samples,
    silhouette_score,
)
from ._minibatch_estimator import MiniBatchKMeans
from ._plot import plot_choose_k, plot_clusters, plot_elbow, plot_silhouette
from ._progress import IterationInfo
from ._result import FitHistory, KMeansResult
from ._transform import center_distances
from ._warnings import ConvergenceWarning

__all__ = [
    "ChooseKResult",
    "ConvergenceWarning",
    "ElbowResult",
    "FitHistory",
    "GapResult",
    "IterationInfo",
    "KMeans",
    "KMeansResult",
    "MiniBatchKMeans",
    "NotFittedError",
    "__version__",
    "calinski_harabasz_score",
    "center_distances",
    "choose_k",
    "datasets",
    "davies_bouldin_score",
    "elbow",
    "fit",
    "gap_statistic",
    "get_include",
    "kmeans_plusplus",
    "plot_choose_k",
    "plot_clusters",
    "plot_elbow",
    "plot_silhouette",
    "predict",
    "show_config",
    "silhouette_samples",
    "silhouette_score",
]


def get_include() -> str:
    """The folder of the C header ``fastkmeans.h``, for builds against the kernels.

    A downstream Cython extension that cimports :mod:`fastkmeans.kernels`
    (the stable Cython API) needs it on its include path; a C program can
    include the header from there and build the C core from the copy of
    ``core/`` in the source tree (docs/vendoring.md). The folder holds the
    header only, never compiled code.

    Returns
    -------
    str
        Absolute path of the folder ``core`` beside this package's
        ``__init__.py`` (for a vendored copy, the copy's own folder).

    Examples
    --------
    >>> import os, fastkmeans
    >>> os.path.exists(os.path.join(fastkmeans.get_include(), "fastkmeans.h"))
    True
    """
    return _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "core")
