"""fastkmeans: exact k-means clustering with parallel Cython kernels.

>>> import fastkmeans
>>> result = fastkmeans.fit(X, 4)                    # doctest: +SKIP
>>> result.centers, result.labels, result.inertia     # doctest: +SKIP

Public API: :func:`fit`, :func:`predict`, :func:`kmeans_plusplus`,
:func:`center_distances`, :func:`show_config`, the scikit-learn compatible
estimators :class:`KMeans` and :class:`MiniBatchKMeans` (usable without
scikit-learn) and their :class:`NotFittedError`, the result types
:class:`KMeansResult` and :class:`FitHistory`, :class:`ConvergenceWarning`;
choosing k with :func:`elbow` (:class:`ElbowResult`), :func:`silhouette_score`
and :func:`silhouette_samples`; progress records :class:`IterationInfo`; plots
(matplotlib, optional) :func:`plot_clusters`, :func:`plot_elbow`,
:func:`plot_silhouette`; and the small generated
data sets of :mod:`fastkmeans.datasets`. The pure-NumPy
specification of every kernel is :mod:`fastkmeans._reference`.
"""
from fastkmeans import datasets
from fastkmeans._build_info import VERSION as __version__
from fastkmeans._config import show_config
from fastkmeans._elbow import ElbowResult, elbow
from fastkmeans._estimator_base import NotFittedError
from fastkmeans._fit import fit, predict
from fastkmeans._init import kmeans_plusplus
from fastkmeans._kmeans_estimator import KMeans
from fastkmeans._metrics import silhouette_samples, silhouette_score
from fastkmeans._minibatch_estimator import MiniBatchKMeans
from fastkmeans._plot import plot_clusters, plot_elbow, plot_silhouette
from fastkmeans._progress import IterationInfo
from fastkmeans._result import FitHistory, KMeansResult
from fastkmeans._transform import center_distances
from fastkmeans._warnings import ConvergenceWarning

__all__ = [
    "ConvergenceWarning",
    "ElbowResult",
    "FitHistory",
    "IterationInfo",
    "KMeans",
    "KMeansResult",
    "MiniBatchKMeans",
    "NotFittedError",
    "__version__",
    "center_distances",
    "datasets",
    "elbow",
    "fit",
    "kmeans_plusplus",
    "plot_clusters",
    "plot_elbow",
    "plot_silhouette",
    "predict",
    "show_config",
    "silhouette_samples",
    "silhouette_score",
]
