"""``fit`` and ``predict``: validate once, initialise, iterate the kernels.

The Lloyd loop follows scikit-learn's so that, from the same initial
centers, both give the same labels, centers and iteration count: stop when
no label changes (strict convergence) or when the total squared center shift
is at most ``tol`` times the mean feature variance; after a stop on ``tol``
(or ``max_iter``) assign once more so that labels match the final centers.
"""
import dataclasses
import warnings
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from ._algorithm import adapt_to_cost
from ._dask import DaskData
from ._data import DenseData
from ._init import initial_centers
from ._progress import FitProgress, check_callback, check_verbose
from ._result import KMeansResult, frozen_array
from ._run import run_lloyd, run_lloyd_in_c
from ._spherical import SphericalData, row_norms
from ._threads import resolve_n_threads
from ._validation import (
    check_algorithm,
    check_data,
    check_init,
    check_magnitude,
    check_n_clusters,
    check_n_init,
    check_points_and_centers,
    check_positive_int,
    check_random_state,
    check_sample_weight,
    check_tol,
    warn_if_underflow,
)
from ._warnings import convergence_warning


def absolute_tol(tol: float, data) -> float:
    """scikit-learn's relative ``tol`` as a bound on the total squared center
    shift: ``tol`` times the mean feature variance of the validated data."""
    if tol == 0:
        return 0.0
    return tol * data.mean_feature_variance()


def fit(X: ArrayLike, n_clusters: int, *,
        init: str | ArrayLike | Callable[..., Any] = "auto",
        n_init: int | Literal["auto"] = "auto", max_iter: int = 300, tol: float = 1e-4,
        algorithm: str = "lloyd",
        random_state: int | np.random.Generator | np.random.RandomState | None = None,
        sample_weight: ArrayLike | None = None, n_threads: int | None = None,
        verbose: int | bool = 0, callback: Callable[..., Any] | None = None,
        spherical: bool = False, max_samples: int | float | None = None) -> KMeansResult:
    """Cluster ``X`` into ``n_clusters`` clusters with exact Lloyd k-means.

    Parameters
    ----------
    X : array-like, SciPy sparse matrix or Dask array of shape (n_samples, n_features)
        Data: NumPy arrays in any memory order (``np.memmap`` included, never
        copied), lists, pandas DataFrames, SciPy sparse matrices and arrays
        (CSR with int32 or int64 indices is used as is; other formats are
        converted to CSR, a copy), or a ``dask.array.Array`` chunked by rows
        (see ``docs/scaling.md``: the fit runs on Dask's active scheduler,
        one task per block, and ``labels`` is a Dask array with X's row
        chunks). float32 stays float32; integers and booleans become
        float64. Never modified.
    n_clusters : int
        Number of clusters, ``1 <= n_clusters <= n_samples``.
    init : {'auto', 'k-means++', 'k-means||', 'random'}, array-like or callable, default='auto'
        ``'auto'``: ``'k-means||'`` for a Dask array, else ``'k-means++'``.
        ``'k-means++'``: greedy k-means++ (``2 + floor(ln k)`` candidates per
        center; on a Dask array two passes over X per center, slow for large
        ``k``). ``'k-means||'`` (Dask arrays only): k-means|| with
        oversampling ``2 * n_clusters`` and 5 rounds, the candidates weighted
        by the points nearest to them and reduced by weighted k-means++ and
        Lloyd in memory. ``'random'``: ``n_clusters`` distinct samples drawn with
        probability proportional to their weight. An array of shape
        ``(n_clusters, n_features)``: the initial centers. A callable
        ``init(X, n_clusters, rng)`` returning such an array (``rng`` is a
        ``numpy.random.Generator``; ``X`` is read-only).
    n_init : int or 'auto', default='auto'
        Initialisations to run; the run with the lowest inertia is returned.
        ``'auto'``: 10 for ``'random'`` and callables, 1 otherwise. An array
        ``init`` always runs once. At most 10,000.
    max_iter : int, default=300
        Most Lloyd iterations per run (at most ``2**31 - 1``, as every integer
        parameter).
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
        picks by shape: Lloyd below 8 features, else Yinyang from 1000
        clusters (512 from 64 features), else Hamerly from 32 clusters,
        else Lloyd, stepping down to fewer bounds when the budget is short;
        :mod:`fastkmeans._algorithm` has the measurements behind it. Where
        the rows the bounds leave open are searched by Lloyd's dense kernel
        (Hamerly and Yinyang, when Lloyd's kernel is not the low-d one: see
        ``docs/accelerated.md``) and X has at least 64 features, ``'auto'``
        starts the bounds after one Lloyd pass and falls back to Lloyd's
        pass for good once its bounded iterations have cost half a pass
        more than Lloyd's passes would (less what cheaper ones saved).
        Elsewhere, while the centers still travel,
        ``'auto'`` runs Lloyd's pass and builds no bounds: it starts them
        once 90% of up to 256 sampled rows would be skipped if the centers
        moved as far again, and falls back to Lloyd's pass for good once
        a bounded iteration costs more than Lloyd's pass. Either way the
        result is the same. Sparse ``X`` always runs Lloyd.
    random_state : None, int, numpy.random.Generator or RandomState
        Source of randomness for the initialisation; an int makes the fit
        reproducible, bitwise, for any ``n_threads``.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weight of every sample; ``None`` for all ones.
    n_threads : int, optional
        OpenMP threads; ``None`` uses all available, honouring
        ``OMP_NUM_THREADS`` and threadpoolctl limits. For a Dask array: the
        threads of each block task, ``None`` for 1 (Dask's threads run the
        blocks in parallel).
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
    spherical : bool, default=False
        Spherical (cosine) k-means, as faiss' ``spherical=True``: rows are
        compared by cosine, centers are the normalised weighted means of
        their rows' directions (unit norm), and ``inertia`` is
        ``sum(w * (1 - cos(x, center)))``; ``tol`` is relative to the mean
        feature variance of the normalised rows. Rows of norm zero are
        refused (their cosine is undefined). Dense and sparse ``X``; every
        ``algorithm`` gives Lloyd's result (``'auto'`` is the fast one on
        embeddings; float16 ``X`` takes ``'lloyd'`` or ``'auto'``). See
        ``docs/embeddings.md``.
    max_samples : int, float or None, default=None
        Train on a sample: ``None`` uses every row (exact Lloyd). An int
        is a number of rows (faiss' default is ``256 * n_clusters``), a
        float in ``(0, 1]`` a fraction of them. The rows are drawn
        uniformly without replacement with ``random_state`` (keeping their
        weights), the runs fit them, and one final pass labels all of
        ``X``: ``labels`` and ``inertia`` refer to all of ``X``;
        ``n_iter``, ``converged`` and ``history`` to the sample.

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
    Elkan's bounds. k-means++ on dense ``X`` keeps its candidates' distances
    (n_local_trials x n_samples) where they take at most a third of the bytes of
    ``X`` and 256 MiB, to read ``X`` once a step instead of twice. For sparse
    ``X`` it is O(n_samples + n_clusters * n_features), independent of the
    thread count.

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
    requested_threads, n_threads = n_threads, resolve_n_threads(n_threads)
    data, max_abs = check_data(X, n_threads, float16=True)
    if isinstance(data, DaskData) and requested_threads is not None:
        data = dataclasses.replace(data, n_threads=n_threads)
    return fit_validated(data, max_abs, n_clusters, init=init, n_init=n_init,
                         max_iter=max_iter, tol=tol, algorithm=algorithm,
                         random_state=random_state, sample_weight=sample_weight,
                         n_threads=n_threads, verbose=verbose, callback=callback,
                         spherical=spherical, max_samples=max_samples, stacklevel=3)


def fit_validated(data, max_abs, n_clusters, *, n_threads, init="auto", n_init="auto",
                  max_iter=300, tol=1e-4, algorithm="lloyd", random_state=None,
                  sample_weight=None, verbose=0, callback=None, spherical=False,
                  max_samples=None, stacklevel=2) -> KMeansResult:
    """:func:`fit` of data already validated by ``check_data`` (``max_abs`` is
    its largest magnitude; ``n_threads`` resolved). The other arguments are
    checked here, as ``fit`` documents them."""
    n_samples, n_features = data.shape
    n_clusters = check_n_clusters(n_clusters, n_samples)
    sample_weight = check_sample_weight(sample_weight, n_samples, n_clusters, n_threads)
    check_magnitude(max_abs, n_features, data.dtype, float(sample_weight.sum()))
    underflow = warn_if_underflow(max_abs, n_features, data.dtype, stacklevel=stacklevel + 1)
    init = check_init(init, n_clusters, n_features, data.dtype, n_threads)
    n_init = check_n_init(n_init, init)
    max_iter = check_positive_int(max_iter, "max_iter")
    tol = check_tol(tol)
    algorithm = check_algorithm(algorithm)
    if isinstance(init, str) and init == "auto":
        init = "k-means||" if isinstance(data, DaskData) else "k-means++"
    if isinstance(init, str) and init == "k-means||" and not isinstance(data, DaskData):
        raise ValueError(
            "init='k-means||' is for Dask arrays; in memory use init='k-means++' "
            "(or 'auto')")
    progress = FitProgress(n_init, check_verbose(verbose), check_callback(callback))
    adaptive = algorithm == "auto"
    spherical = check_spherical(spherical)
    max_samples = check_max_samples(max_samples, n_samples, n_clusters)
    # drawn from only by a string or callable init and by sampling
    rng = check_random_state(random_state, needed=isinstance(init, str) or callable(init)
                             or max_samples < n_samples)
    if isinstance(data, DaskData) and (spherical or max_samples < n_samples):
        raise ValueError("spherical=True and max_samples are not available for Dask "
                         "arrays: use the defaults, or pass a NumPy array")
    if spherical:
        data = SphericalData(data, row_norms(data, n_threads))
    full_data, full_weight = data, sample_weight
    if max_samples < n_samples:
        # sorted: the sample keeps the rows' order, so its blocks are X's in miniature
        rows = np.sort(rng.choice(n_samples, size=max_samples, replace=False))
        data, sample_weight = data.take_rows(rows), sample_weight[rows]
        if np.count_nonzero(sample_weight) < n_clusters:
            raise ValueError(f"max_samples={max_samples}: the sample holds fewer than "
                             f"n_clusters={n_clusters} rows of positive weight")
    algorithm = data.lloyd_algorithm(algorithm, n_clusters)
    tol = absolute_tol(tol, data)

    # one sampled run: its centers label all of X below, so the sample's own
    # final labelling would be thrown away (several runs need it to compare)
    final_pass = full_data is data or n_init > 1
    best = None
    for run_index in range(n_init):
        centers = initial_centers(init, data, n_clusters, sample_weight, rng, n_threads)
        hook = progress.hook(run_index)
        # plain dense Lloyd that nobody watches: the whole loop in C
        if hook is None and final_pass and algorithm == "lloyd" and type(data) is DenseData:
            run = run_lloyd_in_c(data, sample_weight, centers, max_iter, tol, n_threads)
        else:
            step = data.lloyd_step(sample_weight, centers, algorithm, n_threads)
            if adaptive:
                adapt_to_cost(step)
            run = run_lloyd(data, step, max_iter, tol, n_threads, hook, final_pass)
        if best is None or run.inertia < best.inertia:
            best = run
        if progress.stopped:
            break
    if full_data is not data:
        best = _label_all(full_data, full_weight, best, spherical, n_threads)

    counts = np.bincount(best.labels, minlength=n_clusters)
    if isinstance(data, DaskData):
        counts = counts.compute()
    n_distinct = int(np.count_nonzero(counts))
    if n_distinct < n_clusters and not underflow:  # not "fewer distinct points"
        warnings.warn(
            f"found {n_distinct} distinct clusters, fewer than n_clusters={n_clusters}: "
            "the data probably hold fewer distinct points than that",
            convergence_warning(), stacklevel=stacklevel)
    return best


def check_spherical(spherical) -> bool:
    """``spherical`` if it is a bool."""
    if not isinstance(spherical, (bool, np.bool_)):
        raise TypeError(f"spherical must be True or False, got {spherical!r}")
    return bool(spherical)


def check_max_samples(max_samples, n_samples: int, n_clusters: int) -> int:
    """Rows to train on: ``n_samples`` for ``None``, else at least ``n_clusters``."""
    if max_samples is None:
        return n_samples
    if isinstance(max_samples, (bool, np.bool_)):
        raise TypeError(f"max_samples must be None, an int or a float, got {max_samples!r}")
    if isinstance(max_samples, (int, np.integer)):
        count = int(max_samples)
        if count < 1:
            raise ValueError(f"max_samples must be at least 1, got {max_samples!r}")
    elif isinstance(max_samples, (float, np.floating)):
        if not 0.0 < max_samples <= 1.0:
            raise ValueError(f"max_samples as a fraction must be in (0, 1], got {max_samples!r}")
        count = int(np.ceil(max_samples * n_samples))
    else:
        raise TypeError(f"max_samples must be None, an int or a float, got {max_samples!r}")
    return min(max(count, n_clusters), n_samples)


def _label_all(data, sample_weight, run, spherical: bool, n_threads: int) -> KMeansResult:
    """The run trained on a sample, with labels and inertia of all of ``data``."""
    centers = np.array(run.centers)
    labels = np.empty(data.shape[0], dtype=np.int32)
    data.assign(centers, labels, n_threads)
    if spherical:  # its inertia takes the direction weights w / |x|
        sample_weight = sample_weight / data.norms
    return dataclasses.replace(
        run, labels=frozen_array(labels),
        inertia=float(data.inertia(centers, labels, sample_weight, n_threads)))


def predict(X: ArrayLike, centers: ArrayLike, *, return_distances: bool = False,
            n_threads: int | None = None) -> Any:
    """Label each sample with its nearest center.

    Parameters
    ----------
    X : array-like, SciPy sparse matrix or Dask array of shape (n_samples, n_features)
        Data (validated as in :func:`fit`; sparse CSR accepted; a Dask array
        gives lazy Dask arrays with X's row chunks).
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

    Examples
    --------
    >>> import numpy as np, fastkmeans
    >>> centers = np.array([[0.0, 0.0], [10.0, 0.0]])
    >>> fastkmeans.predict(np.array([[1.0, 1.0], [9.0, 0.0]]), centers)
    array([0, 1], dtype=int32)
    >>> fastkmeans.predict(np.array([[1.0, 1.0]]), centers, return_distances=True)
    (array([0], dtype=int32), array([2.]))
    """
    n_threads = resolve_n_threads(n_threads)
    data, centers = check_points_and_centers(X, centers, n_threads)
    if isinstance(data, DaskData):
        return data.predict(centers, return_distances)
    labels = np.empty(data.shape[0], dtype=np.int32)
    sq_distances = data.assign(centers, labels, n_threads)
    if return_distances:
        return labels, sq_distances
    return labels
