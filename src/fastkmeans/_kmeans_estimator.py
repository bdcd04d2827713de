"""``fastkmeans.KMeans``: a drop-in for ``sklearn.cluster.KMeans`` built on :func:`fit`."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from ._dask import is_dask_array
from ._estimator_base import CentersEstimator, check_bool
from ._fit import fit as _fit
from ._progress import check_verbose
from ._validation import check_algorithm


class KMeans(CentersEstimator):
    """Exact k-means clustering with scikit-learn's ``KMeans`` interface.

    Same parameters (and defaults), fitted attributes and methods as
    ``sklearn.cluster.KMeans``; from the same initial centers it finds the
    same labels, centers and iteration count. It works in scikit-learn's
    ``Pipeline``, ``GridSearchCV``, ``cross_val_score`` and ``clone``, and
    passes ``check_estimator`` (except the checks listed in
    ``EXPECTED_FAILED_CHECKS``), without needing scikit-learn installed.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters.
    init : {'k-means++', 'k-means||', 'auto', 'random'}, array-like or callable, default='k-means++'
        How to choose the initial centers (see :func:`fastkmeans.fit`). A
        callable is called as ``init(X, n_clusters, rng)`` with a
        ``numpy.random.Generator``. For a Dask array ``X`` pass
        ``'k-means||'`` (or ``'auto'``): ``'k-means++'`` there makes two
        passes over X per center.
    n_init : 'auto' or int, default='auto'
        Initialisations to run, keeping the one with the lowest inertia:
        ``'auto'`` is 1 for ``'k-means++'`` and arrays, 10 otherwise.
    max_iter : int, default=300
        Most Lloyd iterations per initialisation.
    tol : float, default=1e-4
        Convergence tolerance, relative to the mean feature variance (as
        scikit-learn).
    verbose : int, default=0
        Print progress when positive.
    random_state : None, int, numpy.random.Generator or RandomState, default=None
        Randomness of the initialisation; an int makes fits reproducible,
        bitwise, for any ``n_threads``.
    copy_x : bool, default=True
        Accepted for compatibility; ``X`` is never modified either way.
    algorithm : {'lloyd', 'elkan', 'hamerly', 'yinyang', 'auto'}, default='lloyd'
        Algorithm for the iterations (see :func:`fastkmeans.fit`). All give
        the same result; they differ in speed and memory.
    n_threads : int, optional
        OpenMP threads; ``None`` uses all available (honouring
        ``OMP_NUM_THREADS`` and threadpoolctl limits).
    spherical : bool, default=False
        Spherical (cosine) k-means (see :func:`fastkmeans.fit`): centers of
        unit norm, ``inertia_`` and :meth:`score` in ``1 - cos``,
        :meth:`predict` by largest cosine; :meth:`transform` still gives
        Euclidean distances of the rows as given.
    max_samples : int, float or None, default=None
        Train on a sample of the rows, then label all of them (see
        :func:`fastkmeans.fit`); ``None`` trains on all rows.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        Centers, in the dtype of the data (float32 or float64).
    labels_ : ndarray of shape (n_samples,), int32
        Cluster of each training sample.
    inertia_ : float
        Weighted sum of squared distances of the samples to their centers.
    n_iter_ : int
        Iterations run by the kept initialisation.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen in ``fit``; only when they were all strings.

    See Also
    --------
    fastkmeans.fit : the same clustering as a function returning a result object.
    MiniBatchKMeans : faster, approximate clustering of large data in batches.

    Notes
    -----
    ``fit``, ``predict``, ``transform`` and ``score`` take SciPy sparse
    matrices and arrays too (CSR used as it is; other formats converted);
    sparse input always runs Lloyd, which gives the same result as the
    other algorithms.

    Examples
    --------
    >>> import numpy as np
    >>> from fastkmeans import KMeans
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]])
    >>> kmeans = KMeans(n_clusters=2, random_state=0).fit(X)
    >>> sorted(kmeans.cluster_centers_.tolist())
    [[1.0, 2.0], [10.0, 2.0]]
    >>> kmeans.inertia_
    16.0
    >>> labels = kmeans.predict([[0, 0], [12, 3]])
    >>> bool(labels[0] != labels[1])
    True
    """

    # Checks of sklearn.utils.estimator_checks that fail by design; pass as
    # check_estimator(KMeans(), expected_failed_checks=KMeans.EXPECTED_FAILED_CHECKS).
    EXPECTED_FAILED_CHECKS = {
        check: ("sample_weight is not equivalent to repeating samples: the random "
                "initialisation draws differently (scikit-learn's KMeans fails it too).")
        for check in ("check_sample_weight_equivalence_on_dense_data",
                      "check_sample_weight_equivalence_on_sparse_data")
    }

    def __init__(self, n_clusters: int = 8, *,
                 init: str | ArrayLike | Callable[..., Any] = "k-means++",
                 n_init: int | Literal["auto"] = "auto",
                 max_iter: int = 300, tol: float = 1e-4, verbose: int = 0,
                 random_state: int | np.random.Generator | np.random.RandomState | None = None,
                 copy_x: bool = True, algorithm: str = "lloyd",
                 n_threads: int | None = None, spherical: bool = False,
                 max_samples: int | float | None = None) -> None:
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.copy_x = copy_x
        self.algorithm = algorithm
        self.n_threads = n_threads
        self.spherical = spherical
        self.max_samples = max_samples

    def fit(self, X: ArrayLike, y: object = None,
            sample_weight: ArrayLike | None = None) -> KMeans:
        """Compute the clusters of ``X``.

        Parameters
        ----------
        X : array-like, SciPy sparse matrix or Dask array of shape (n_samples, n_features)
            Training data (arrays, lists, DataFrames, Dask arrays: see
            :func:`fastkmeans.fit`); never modified.
        y : None
            Ignored; present for scikit-learn's API.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weight of every sample; ``None`` for all ones.

        Returns
        -------
        self
            The fitted estimator.
        """
        check_bool(self.copy_x, "copy_x")
        verbose = check_verbose(self.verbose)
        algorithm = check_algorithm(self.algorithm)
        array = self._read_X(X, reset=True)
        result = _fit(array, self.n_clusters, init=self.init, n_init=self.n_init,
                      max_iter=self.max_iter, tol=self.tol, random_state=self.random_state,
                      sample_weight=sample_weight, n_threads=self.n_threads,
                      algorithm=algorithm, verbose=verbose, spherical=self.spherical,
                      max_samples=self.max_samples)
        # writable copies: scikit-learn's attributes are ordinary arrays
        self.cluster_centers_ = np.array(result.centers)
        # a Dask fit's labels stay a (lazy) Dask array
        self.labels_ = (result.labels if is_dask_array(result.labels)
                        else np.array(result.labels))
        self.inertia_ = float(result.inertia)
        self.n_iter_ = int(result.n_iter)
        return self
