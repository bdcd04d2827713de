"""``fit`` and ``predict``: validate once, initialise, iterate the kernels.

The Lloyd loop follows scikit-learn's so that, from the same initial
centers, both give the same labels, centers and iteration count: stop when
no label changes (strict convergence) or when the total squared center shift
is at most ``tol`` times the mean feature variance; after a stop on ``tol``
(or ``max_iter``) assign once more so that labels match the final centers.
"""
import warnings

import numpy as np

from . import _sparse_fit
from ._accelerated import accelerated_run
from ._algorithm import resolve_algorithm
from ._assign import assign_labels, inertia
from ._init import initial_centers
from ._lloyd import lloyd_run
from ._progress import FitProgress, check_callback, check_verbose
from ._result import KMeansResult, run_result
from ._threads import resolve_n_threads
from ._validation import (
    check_algorithm, check_data, check_init, check_magnitude, check_n_clusters,
    check_n_init, check_points_and_centers, check_positive_int, check_random_state,
    check_sample_weight, check_tol, is_csr_data,
)
from ._warnings import ConvergenceWarning

# Values per float64 temporary chunk when computing the feature variance.
_VARIANCE_CHUNK_VALUES = 1 << 16


def _mean_feature_variance(X: np.ndarray) -> float:
    """``mean(var(X, axis=0))`` in float64, without an n_samples x n_features temporary."""
    n_samples, n_features = X.shape
    mean = X.sum(axis=0, dtype=np.float64) / n_samples
    squares = np.zeros(n_features)
    chunk = max(1, _VARIANCE_CHUNK_VALUES // n_features)
    for start in range(0, n_samples, chunk):
        diff = X[start:start + chunk] - mean
        squares += np.einsum("ij,ij->j", diff, diff)
    return float(squares.mean() / n_samples)



def absolute_tol(tol: float, X) -> float:
    """scikit-learn's relative ``tol`` as a bound on the total squared center
    shift: ``tol`` times the mean feature variance of ``X`` (dense or CSR)."""
    if tol == 0:
        return 0.0
    if is_csr_data(X):
        return tol * _sparse_fit.mean_feature_variance(X)
    return tol * _mean_feature_variance(X)

def _lloyd(X, sample_weight, centers, max_iter, tol, n_threads, algorithm="lloyd",
           progress=None, run_index=0) -> KMeansResult:
    """One Lloyd run from ``centers`` (a private array, updated in place).

    ``tol`` is absolute: the bound on the total squared center shift.
    ``algorithm`` is ``'lloyd'`` or an accelerated variant (same result).
    ``progress`` (a FitProgress) hears of every iteration.
    """
    labels = np.empty(X.shape[0], dtype=np.int32)
    history = []
    on_iteration = progress.hook(history, run_index) if progress is not None else None
    if algorithm == "lloyd":
        n_iter, converged, labels_match = lloyd_run(
            X, sample_weight, centers, labels, max_iter, tol, n_threads, history,
            on_iteration=on_iteration)
    else:
        n_iter, converged, labels_match = accelerated_run(
            X, sample_weight, centers, labels, max_iter, tol, n_threads, history, algorithm,
            on_iteration=on_iteration)
    if not labels_match:
        assign_labels(X, centers, labels, np.empty(X.shape[0], dtype=X.dtype), n_threads)
    return run_result(centers, labels, inertia(X, sample_weight, centers, labels, n_threads),
                      n_iter, converged, history)


def fit(X, n_clusters, *, init="k-means++", n_init="auto", max_iter=300, tol=1e-4,
        algorithm="lloyd", random_state=None, sample_weight=None, n_threads=None,
        verbose=0, callback=None) -> KMeansResult:
    """Cluster ``X`` into ``n_clusters`` clusters with exact Lloyd k-means.

    Parameters
    ----------
    X : array-like or SciPy sparse matrix of shape (n_samples, n_features)
        Data: NumPy arrays in any memory order, lists, pandas DataFrames, or
        SciPy sparse matrices and arrays (CSR with int32 or int64 indices is
        used as is; other formats are converted to CSR, a copy). float32
        stays float32; integers and booleans become float64. Never modified.
    n_clusters : int
        Number of clusters, ``1 <= n_clusters <= n_samples``.
    init : {'k-means++', 'random'}, array-like or callable, default='k-means++'
        ``'k-means++'``: greedy k-means++ (``2 + floor(ln k)`` candidates per
        center). ``'random'``: ``n_clusters`` distinct samples drawn with
        probability proportional to their weight. An array of shape
        ``(n_clusters, n_features)``: the initial centers. A callable
        ``init(X, n_clusters, rng)`` returning such an array (``rng`` is a
        ``numpy.random.Generator``; ``X`` is read-only).
    n_init : int or 'auto', default='auto'
        Initialisations to run; the run with the lowest inertia is returned.
        ``'auto'``: 10 for ``'random'`` and callables, 1 otherwise. An array
        ``init`` always runs once.
    max_iter : int, default=300
        Most Lloyd iterations per run.
    tol : float, default=1e-4
        Stop when the total squared center shift is at most ``tol`` times the
        mean variance of the features (as scikit-learn). ``0`` stops only when
        no label changes (or at ``max_iter``).
    algorithm : {'lloyd', 'elkan', 'hamerly', 'yinyang', 'auto'}, default='lloyd'
        How each iteration finds the nearest centers; all give Lloyd's
        labels, centers and iteration count (to floating-point tolerance).
        ``'lloyd'`` computes every distance. The others skip distances that
        triangle-inequality bounds rule out, keeping float64 bounds per
        sample: ``'hamerly'`` 3 values, ``'yinyang'`` ``k // 32 + 2``,
        ``'elkan'`` ``k + 2``. A variant whose bounds would exceed
        ``max(1 GiB, X.nbytes)`` is refused with a ValueError. ``'auto'``
        picks by shape: Yinyang from 1000 clusters (500 below 8 features),
        else Hamerly from 8 features and 32 clusters, else Lloyd, stepping
        down to fewer bounds when the budget is short;
        :mod:`fastkmeans._algorithm` has the measurements behind it.
        Sparse ``X`` always runs Lloyd.
    random_state : None, int, numpy.random.Generator or RandomState
        Source of randomness for the initialisation; an int makes the fit
        reproducible, bitwise, for any ``n_threads``.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weight of every sample; ``None`` for all ones.
    n_threads : int, optional
        OpenMP threads; ``None`` uses all available, honouring
        ``OMP_NUM_THREADS`` and threadpoolctl limits.
    verbose : int or bool, default=0
        Print one line per iteration to stdout: run, iteration, inertia,
        center shift, distances computed and time.
    callback : callable, optional
        ``callback(info)`` after every iteration, with an
        :class:`IterationInfo` (``iteration``, ``inertia``,
        ``center_shift``, ``seconds``, ``run``, ``n_runs``,
        ``distance_evaluations``). A true return
        value stops the fit: the current run ends after this iteration and
        no further runs start. The result is then the best of the runs
        made, with ``converged=False`` (unless that iteration also met the
        stopping rule); its ``centers`` are the centers after the last
        update and its ``labels`` (and ``inertia``) are re-computed for
        those centers, as after ``max_iter``.

    Returns
    -------
    KMeansResult
        ``centers``, ``labels``, ``inertia``, ``n_iter``, ``converged`` and
        the per-iteration ``history`` of the best run.

    Raises
    ------
    ValueError, TypeError
        For invalid input; the message names the argument and the value.

    Warns
    -----
    ConvergenceWarning
        When fewer than ``n_clusters`` distinct clusters were found (the data
        hold fewer distinct points). The result is still valid.

    Notes
    -----
    Memory above ``X`` is O(n_samples + n_clusters * n_features * n_threads)
    for Lloyd, plus the bounds of the accelerated variants (see
    ``algorithm``); no n_samples x n_clusters array is ever formed, except
    Elkan's bounds. For sparse ``X`` it is O(n_samples + n_clusters *
    n_features), independent of the thread count.

    Examples
    --------
    >>> import numpy as np, fastkmeans
    >>> X = np.array([[0., 0.], [0., 1.], [10., 0.], [10., 1.]])
    >>> result = fastkmeans.fit(X, 2, random_state=0)
    >>> sorted(result.centers.tolist())
    [[0.0, 0.5], [10.0, 0.5]]
    >>> result.inertia
    1.0
    """
    n_threads = resolve_n_threads(n_threads)
    X, max_abs = check_data(X, n_threads)
    n_samples, n_features = X.shape
    n_clusters = check_n_clusters(n_clusters, n_samples)
    sample_weight = check_sample_weight(sample_weight, n_samples, n_clusters, n_threads)
    check_magnitude(max_abs, n_features, X.dtype, float(sample_weight.sum()))
    init = check_init(init, n_clusters, n_features, X.dtype, n_threads)
    n_init = check_n_init(n_init, init)
    max_iter = check_positive_int(max_iter, "max_iter")
    tol = check_tol(tol)
    algorithm = check_algorithm(algorithm)
    rng = check_random_state(random_state)
    progress = FitProgress(n_init, check_verbose(verbose), check_callback(callback))

    sparse = is_csr_data(X)
    if not sparse:
        algorithm = resolve_algorithm(algorithm, n_samples, n_features, n_clusters, X.nbytes)
    tol = absolute_tol(tol, X)
    best = None
    for run_index in range(n_init):
        centers = initial_centers(init, X, n_clusters, sample_weight, rng, n_threads)
        if sparse:
            run = _sparse_fit.lloyd(X, sample_weight, centers, max_iter, tol, n_threads,
                                    progress, run_index)
        else:
            run = _lloyd(X, sample_weight, centers, max_iter, tol, n_threads, algorithm,
                         progress, run_index)
        if best is None or run.inertia < best.inertia:
            best = run
        if progress.stopped:
            break

    n_distinct = int(np.count_nonzero(np.bincount(best.labels, minlength=n_clusters)))
    if n_distinct < n_clusters:
        warnings.warn(
            f"found {n_distinct} distinct clusters, fewer than n_clusters={n_clusters}: "
            "the data probably hold fewer distinct points than that",
            ConvergenceWarning, stacklevel=2)
    return best


def predict(X, centers, *, return_distances=False, n_threads=None):
    """Label each sample with its nearest center.

    Parameters
    ----------
    X : array-like or SciPy sparse matrix of shape (n_samples, n_features)
        Data (validated as in :func:`fit`; sparse CSR accepted).
    centers : array-like of shape (n_clusters, n_features)
        Centers, e.g. ``fit(...).centers``; cast to the dtype of ``X``.
    return_distances : bool, default=False
        Also return the squared distance of every sample to its center.
    n_threads : int, optional
        OpenMP threads; ``None`` for all available.

    Returns
    -------
    labels : ndarray of shape (n_samples,), int32
        Index of the nearest center (the lowest index on exact ties).
    sq_distances : ndarray of shape (n_samples,), dtype of X
        Only with ``return_distances=True``.
    """
    n_threads = resolve_n_threads(n_threads)
    X, centers = check_points_and_centers(X, centers, n_threads)
    if is_csr_data(X):
        labels, sq_distances = _sparse_fit.predict(X, centers, n_threads)
        return (labels, sq_distances) if return_distances else labels
    labels = np.empty(X.shape[0], dtype=np.int32)
    sq_distances = np.empty(X.shape[0], dtype=X.dtype)
    assign_labels(X, centers, labels, sq_distances, n_threads)
    if return_distances:
        return labels, sq_distances
    return labels
