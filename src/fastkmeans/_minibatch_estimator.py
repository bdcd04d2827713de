"""``fastkmeans.MiniBatchKMeans``: scikit-learn's mini-batch k-means, on our kernels.

The semantics follow ``sklearn.cluster.MiniBatchKMeans``: initialisations on
random subsets of ``init_size`` samples, scored on another subset; batches of
``batch_size`` samples drawn with replacement (probability proportional to
the sample weight); Sculley's update with per-center learning rates; random
re-seeding of centers that absorbed little weight; early stopping on the
center shift (``tol``) or on ``max_no_improvement`` steps without a better
smoothed batch inertia. The per-step work (gather, assign, update) is one
NumPy ``take`` and one Cython call; the random numbers come from a NumPy
Generator, so results are reproducible for a ``random_state`` (bitwise, for
any thread count) but differ from scikit-learn's draws. SciPy sparse input
takes the same steps on CSR batches (:class:`_SparseStepBuffers`): the same
draws and updates, so the same data fit the same model dense or sparse.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from numbers import Integral, Real
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from ._dask import is_dask_array
from ._data import NO_DISTANCES, CSRData, DenseData, SparseCenters
from ._estimator_base import (
    _UNCHANGED,
    CentersEstimator,
    check_bool,
    validated_labels_and_inertia,
)
from ._fit import absolute_tol
from ._init import _draw, initial_centers
from ._minibatch import minibatch_step, sparse_center_update
from ._progress import check_verbose
from ._threads import resolve_n_threads
from ._validation import (
    check_data,
    check_init,
    check_magnitude,
    check_n_clusters,
    check_n_init,
    check_positive_int,
    check_random_state,
    check_sample_weight,
    check_tol,
)


def _check_optional_int(value, name: str, minimum: int):
    """``None`` or an int >= ``minimum``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be None or an integer >= {minimum}, got {value!r}")
    return int(value)


class _StepBuffers:
    """Scratch arrays of the dense step kernel for batches of up to ``batch_size`` rows."""

    def __init__(self, batch_size: int, n_clusters: int, n_features: int, dtype):
        self.batch = np.empty((batch_size, n_features), dtype=dtype)
        self.unit_weights = np.ones(batch_size)
        self.labels = np.empty(batch_size, dtype=np.int32)
        self.sq_dist = np.empty(batch_size, dtype=dtype)
        self.sums = np.empty((n_clusters, n_features))
        self.batch_weights = np.empty(n_clusters)

    def gather(self, X: DenseData, indices) -> np.ndarray:
        """Rows ``indices`` of ``X``, into the batch buffer."""
        return np.take(X.array, indices, axis=0, out=self.batch)

    @staticmethod
    def whole(X: DenseData) -> np.ndarray:
        """All of ``X`` as one batch (``partial_fit``)."""
        return X.array

    @staticmethod
    def batch_rows(batch: np.ndarray, rows) -> np.ndarray:
        """Rows ``rows`` of a batch, dense."""
        return batch[rows]

    def step(self, batch, sample_weight, centers, centers_new, counts, n_threads):
        """Run the kernel on ``batch`` (its first rows of the buffers); see minibatch_step."""
        n = batch.shape[0]
        return minibatch_step(batch, sample_weight, centers, centers_new, counts,
                              self.labels[:n], self.sq_dist[:n], self.sums,
                              self.batch_weights, n_threads)


class _SparseStepBuffers:
    """Scratch of the CSR step for batches of up to ``batch_size`` rows.

    A batch is gathered as CSR rows (its nonzeros copied, never densified),
    labelled by the sparse assignment kernel (``_data.SparseCenters.assign``) and the centers moved
    by ``_minibatch.sparse_center_update``: the same update as the dense
    step, so the same data given dense or sparse fit the same centers.
    Memory: the centers transposed (``n_features x width``, dtype of X), the
    ``n_clusters x n_features`` float64 sums (kept zero between steps) and
    O(batch_size); nothing of size ``batch_size x n_features``.
    """

    def __init__(self, batch_size: int, n_clusters: int, n_features: int, dtype):
        self.layout = SparseCenters(n_clusters, n_features, dtype, batch_size)
        self.unit_weights = np.ones(batch_size)
        self.labels = np.empty(batch_size, dtype=np.int32)
        self.sums = np.zeros((n_clusters, n_features))
        self.batch_weights = np.empty(n_clusters)

    @staticmethod
    def gather(X: CSRData, indices) -> CSRData:
        """Rows ``indices`` of ``X``, as a CSR batch."""
        return X.take_rows(indices)

    @staticmethod
    def whole(X: CSRData) -> CSRData:
        """All of ``X`` as one batch (``partial_fit``)."""
        return X

    @staticmethod
    def batch_rows(batch: CSRData, rows) -> np.ndarray:
        """Rows ``rows`` of a batch, dense."""
        return batch.dense_rows(rows)

    def step(self, batch: CSRData, sample_weight, centers, centers_new, counts, n_threads):
        """One step on ``batch``, as ``_minibatch.minibatch_step``: ``(batch_inertia, shift)``."""
        layout = self.layout
        labels = self.labels[:batch.shape[0]]
        layout.load(centers)
        batch_inertia, _ = layout.assign(batch, sample_weight, labels, NO_DISTANCES, n_threads)
        shift = sparse_center_update(*batch.arrays, sample_weight, labels, centers,
                                     centers_new, counts, self.sums, self.batch_weights)
        return batch_inertia, shift


# the step of each kind of validated data
_STEP_BUFFERS = {DenseData: _StepBuffers, CSRData: _SparseStepBuffers}


def _step_buffers(X, batch_size: int, n_clusters: int):
    """Step buffers for validated data ``X``."""
    return _STEP_BUFFERS[type(X)](batch_size, n_clusters, X.shape[1], X.dtype)


def _reassign_small_clusters(buffers, batch, centers, counts, rng, ratio) -> int:
    """Move the centers that absorbed little weight onto random batch points.

    As scikit-learn: centers whose count is below ``ratio`` times the largest
    move (at most half the batch size of them, the smallest counts first),
    and their counts are raised to the smallest remaining count so that they
    are not moved again at once. Returns how many moved.
    """
    to_reassign = counts < ratio * counts.max()
    n_batch = batch.shape[0]
    if to_reassign.sum() > 0.5 * n_batch:
        to_reassign[np.argsort(counts, kind="stable")[int(0.5 * n_batch):]] = False
    to_reassign[np.argmax(counts)] = False  # keep one, even for ratio > 1
    n_moved = int(to_reassign.sum())
    if n_moved:
        chosen = rng.choice(n_batch, size=n_moved, replace=False)
        centers[to_reassign] = buffers.batch_rows(batch, chosen)
        counts[to_reassign] = counts[~to_reassign].min()
    return n_moved


class MiniBatchKMeans(CentersEstimator):
    """Mini-batch k-means with scikit-learn's ``MiniBatchKMeans`` interface.

    Each step draws a batch of samples, assigns it to the nearest centers and
    moves every center to the mean of all the points it has been given so
    far (Sculley's update with per-center learning rates). Much faster than
    :class:`KMeans` on large data, at the price of a slightly higher inertia.
    Takes dense arrays and SciPy sparse matrices (the same model for the
    same data in either form).

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters.
    init : {'k-means++', 'random'}, array-like or callable, default='k-means++'
        How to choose the initial centers, on a random subset of
        ``init_size`` samples (see :func:`fastkmeans.fit`).
    max_iter : int, default=100
        Most passes over the data (epochs): ``max_iter * n_samples //
        batch_size`` steps at most.
    batch_size : int, default=1024
        Samples per batch.
    verbose : int, default=0
        Print progress when positive.
    compute_labels : bool, default=True
        Compute ``labels_`` and ``inertia_`` on the whole data at the end of
        ``fit`` (on the batch in ``partial_fit``).
    random_state : None, int, numpy.random.Generator or RandomState, default=None
        Randomness of the initialisation and of the batches; an int makes
        fits reproducible, bitwise, for any ``n_threads``.
    tol : float, default=0.0
        Stop when the total squared center shift of a step is at most ``tol``
        times the mean feature variance; ``0`` disables this test.
    max_no_improvement : int or None, default=10
        Stop after this many steps without a lower smoothed batch inertia;
        ``None`` disables this test.
    init_size : int, optional
        Samples for each initialisation; default ``3 * batch_size`` (at least
        ``3 * n_clusters``).
    n_init : 'auto' or int, default='auto'
        Initialisations to try (the best on a validation subset is kept):
        ``'auto'`` is 1 for ``'k-means++'`` and arrays, 3 otherwise.
    reassignment_ratio : float, default=0.01
        Centers whose absorbed weight falls below this fraction of the
        largest are moved to random samples of the batch.
    n_threads : int, optional
        OpenMP threads; ``None`` uses all available.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        Centers, in the dtype of the data.
    labels_ : ndarray of shape (n_samples,), int32
        Cluster of each sample (with ``compute_labels=True``).
    inertia_ : float
        Weighted inertia of the data with the final centers (with
        ``compute_labels=True``; otherwise an estimate from the batches).
    n_iter_ : int
        Epochs started (``ceil(n_steps_ * batch_size / n_samples)``).
    n_steps_ : int
        Batches processed.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen in ``fit``; only when they were all strings.

    See Also
    --------
    KMeans : exact k-means.

    Examples
    --------
    >>> import numpy as np
    >>> from fastkmeans import MiniBatchKMeans
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [4, 2], [4, 0], [4, 4],
    ...               [4, 5], [0, 1], [2, 2], [3, 2], [5, 5], [1, -1]])
    >>> kmeans = MiniBatchKMeans(n_clusters=2, batch_size=6, random_state=0)
    >>> kmeans = kmeans.partial_fit(X[:6]).partial_fit(X[6:])
    >>> kmeans.cluster_centers_.shape
    (2, 2)
    """

    EXPECTED_FAILED_CHECKS = {
        "check_sample_weight_equivalence_on_dense_data": (
            "sample_weight is not equivalent to repeating samples: batches and "
            "initialisation draw differently (scikit-learn's MiniBatchKMeans fails it too)."),
        "check_sample_weight_equivalence_on_sparse_data": (
            "sample_weight is not equivalent to repeating samples: batches and "
            "initialisation draw differently, on sparse data as on dense "
            "(scikit-learn's MiniBatchKMeans fails it too)."),
    }

    _SAMPLE_WEIGHT_METHODS = ("fit", "partial_fit", "score")

    def __init__(self, n_clusters: int = 8, *,
                 init: str | ArrayLike | Callable[..., Any] = "k-means++", max_iter: int = 100,
                 batch_size: int = 1024, verbose: int = 0, compute_labels: bool = True,
                 random_state: int | np.random.Generator | np.random.RandomState | None = None,
                 tol: float = 0.0, max_no_improvement: int | None = 10,
                 init_size: int | None = None, n_init: int | Literal["auto"] = "auto",
                 reassignment_ratio: float = 0.01, n_threads: int | None = None) -> None:
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.verbose = verbose
        self.compute_labels = compute_labels
        self.random_state = random_state
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.init_size = init_size
        self.n_init = n_init
        self.reassignment_ratio = reassignment_ratio
        self.n_threads = n_threads

    def set_partial_fit_request(self, *, sample_weight: bool | None | str = _UNCHANGED,
                                ) -> CentersEstimator:
        """Whether ``partial_fit`` wants ``sample_weight`` from a meta-estimator.

        As :meth:`set_fit_request`, for ``partial_fit``.

        Parameters
        ----------
        sample_weight : bool, None or str, default=unchanged
            How to route ``sample_weight`` to ``partial_fit``.

        Returns
        -------
        self
            This estimator.
        """
        return self._set_sample_weight_request("partial_fit", sample_weight)

    # -- parameters ------------------------------------------------------------

    def _check_params(self, X: np.ndarray, n_threads: int) -> dict:
        """Validated parameters for fitting the validated data ``X``."""
        n_samples, n_features = X.shape
        n_clusters = check_n_clusters(self.n_clusters, n_samples)
        init = check_init(self.init, n_clusters, n_features, X.dtype, n_threads)
        batch_size = min(check_positive_int(self.batch_size, "batch_size", maximum=None), n_samples)
        init_size = _check_optional_int(self.init_size, "init_size", 1)
        if init_size is None:
            init_size = max(3 * batch_size, 3 * n_clusters)
        elif init_size < n_clusters:
            warnings.warn(
                f"init_size={init_size} should be larger than n_clusters={n_clusters}: "
                f"using {3 * n_clusters}", RuntimeWarning, stacklevel=3)
            init_size = 3 * n_clusters
        return dict(
            n_clusters=n_clusters, init=init,
            n_init=check_n_init(self.n_init, init, auto_random=3),
            max_iter=check_positive_int(self.max_iter, "max_iter"), batch_size=batch_size,
            init_size=min(init_size, n_samples), tol=check_tol(self.tol),
            max_no_improvement=_check_optional_int(self.max_no_improvement,
                                                   "max_no_improvement", 0),
            verbose=check_verbose(self.verbose), **self._check_step_params())

    def _check_step_params(self) -> dict:
        """The parameters a ``partial_fit`` step uses, validated."""
        ratio = self.reassignment_ratio
        if isinstance(ratio, bool) or not isinstance(ratio, Real) or not ratio >= 0:
            raise ValueError(f"reassignment_ratio must be a number >= 0, got {ratio!r}")
        return dict(reassignment_ratio=float(ratio),
                    compute_labels=check_bool(self.compute_labels, "compute_labels"))

    def _partial_fit_blocks(self, X, sample_weight) -> MiniBatchKMeans:
        """:meth:`partial_fit` on each row block of a Dask array in turn (one
        block in memory at a time)."""
        starts = np.concatenate([[0], np.cumsum(X.chunks[0])])
        for i, block in enumerate(X.to_delayed()[:, 0] if len(X.chunks[1]) == 1
                                  else X.rechunk({1: -1}).to_delayed()[:, 0]):
            weights = None
            if sample_weight is not None:
                weights = np.asarray(sample_weight[starts[i]:starts[i + 1]])
            self.partial_fit(np.asarray(block.compute()), sample_weight=weights)
        return self

    def _read_data(self, X, sample_weight, reset: bool, n_clusters_needed: int):
        """Validated ``(X, sample_weight, n_threads)``; values must also fit the
        dtype of the fitted model (not ``reset``), which later data are cast to."""
        n_threads = resolve_n_threads(self.n_threads)
        X, max_abs = check_data(self._read_X(X, reset=reset), n_threads)
        sample_weight = check_sample_weight(sample_weight, X.shape[0], n_clusters_needed,
                                            n_threads)
        dtype = X.dtype if reset else self.cluster_centers_.dtype
        check_magnitude(max_abs, X.shape[1], dtype, float(sample_weight.sum()))
        return X, sample_weight, n_threads

    def _initial_centers(self, X, sample_weight, rng, params, n_threads) -> np.ndarray:
        """Initial centers from a random subset of ``init_size`` samples."""
        if params["init_size"] < X.shape[0]:
            subset = rng.integers(0, X.shape[0], params["init_size"])
            X, sample_weight = X.take_rows(subset), sample_weight[subset]
        centers = initial_centers(params["init"], X, params["n_clusters"], sample_weight, rng,
                                  n_threads)
        return np.ascontiguousarray(centers, dtype=X.dtype)

    def _random_reassign(self, n_seen: int) -> bool:
        """Whether to re-seed small clusters now: after each ``10 * n_clusters``
        samples, and whenever a center has absorbed nothing (as scikit-learn)."""
        self._n_since_last_reassign += n_seen
        n_clusters = self._counts.shape[0]   # the model's, whatever set_params did since
        if (self._counts == 0).any() or self._n_since_last_reassign >= 10 * n_clusters:
            self._n_since_last_reassign = 0
            return True
        return False

    # -- fitting ---------------------------------------------------------------

    def fit(self, X: ArrayLike, y: object = None,
            sample_weight: ArrayLike | None = None) -> MiniBatchKMeans:
        """Compute the clusters of ``X`` in mini-batches.

        Parameters
        ----------
        X : array-like or SciPy sparse matrix of shape (n_samples, n_features)
            Training data; never modified. Sparse input (CSR, other formats
            converted) is stepped through in CSR batches, never densified.
        y : None
            Ignored; present for scikit-learn's API.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weight of every sample: batches draw samples with
            probability proportional to it.

        Returns
        -------
        self
            The fitted estimator.
        """
        X, sample_weight, n_threads = self._read_data(X, sample_weight, True, 1)
        params = self._check_params(X, n_threads)
        check_sample_weight(sample_weight, X.shape[0], params["n_clusters"], n_threads)
        n_samples = X.shape[0]
        batch_size, verbose = params["batch_size"], params["verbose"]
        rng = check_random_state(self.random_state)

        validation = rng.integers(0, n_samples, params["init_size"])
        best_inertia, centers = None, None
        for run in range(params["n_init"]):
            candidate = self._initial_centers(X, sample_weight, rng, params, n_threads)
            _, score = validated_labels_and_inertia(X.take_rows(validation), candidate,
                                           sample_weight[validation], n_threads)
            if verbose:
                print(f"Init {run + 1}/{params['n_init']}: validation inertia {score}")
            if best_inertia is None or score < best_inertia:
                best_inertia, centers = score, candidate

        tol = absolute_tol(params["tol"], X)
        self._counts = np.zeros(params["n_clusters"])
        self._n_since_last_reassign = 0
        stopping = _EarlyStopping(batch_size, n_samples, tol, params["max_no_improvement"])
        buffers = _step_buffers(X, batch_size, params["n_clusters"])
        centers_new = np.empty_like(centers)
        uniform = bool(np.all(sample_weight == sample_weight[0]))
        cumulative = None if uniform else np.cumsum(sample_weight)
        n_steps = params["max_iter"] * n_samples // batch_size
        for step in range(n_steps):
            # batches are drawn with probability proportional to the weights,
            # so the step itself gives every drawn sample a unit weight
            indices = (rng.integers(0, n_samples, batch_size) if uniform
                       else _draw(cumulative, rng, batch_size))
            batch = buffers.gather(X, indices)
            reassign = self._random_reassign(batch_size)
            batch_inertia, shift = buffers.step(batch, buffers.unit_weights, centers,
                                                centers_new, self._counts, n_threads)
            if reassign and params["reassignment_ratio"] > 0:
                n_moved = _reassign_small_clusters(buffers, batch, centers_new, self._counts,
                                                   rng, params["reassignment_ratio"])
                if n_moved and tol > 0:
                    shift = float(np.sum((centers_new - centers) ** 2, dtype=np.float64))
                if n_moved and verbose:
                    print(f"[MiniBatchKMeans] Reassigning {n_moved} cluster centers.")
            centers, centers_new = centers_new, centers
            if stopping.done(step, batch_inertia / batch_size, shift, verbose, n_steps):
                break

        self.cluster_centers_ = centers
        self.n_steps_ = step + 1
        self.n_iter_ = math.ceil(self.n_steps_ * batch_size / n_samples)
        if params["compute_labels"]:
            self.labels_, self.inertia_ = validated_labels_and_inertia(
                X, self.cluster_centers_, sample_weight, n_threads)
        else:
            if hasattr(self, "labels_"):
                del self.labels_  # from an earlier fit: not these data's
            self.inertia_ = float(stopping.smoothed_inertia() * sample_weight.sum())
        return self

    def partial_fit(self, X: ArrayLike, y: object = None,
                    sample_weight: ArrayLike | None = None) -> MiniBatchKMeans:
        """Update the centers with one batch ``X`` (initialising them on the first call).

        Parameters
        ----------
        X : array-like, SciPy sparse matrix or Dask array of shape (n_samples, n_features)
            One batch of data; never modified. The first batch needs at
            least ``n_clusters`` samples. A Dask array is a sequence of
            batches: each row block, computed in turn, is one batch.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), optional
            Weight of every sample of the batch.

        Returns
        -------
        self
            The updated estimator.
        """
        if is_dask_array(X):
            return self._partial_fit_blocks(X, sample_weight)
        fitted = self.__sklearn_is_fitted__()
        X, sample_weight, n_threads = self._read_data(X, sample_weight, not fitted, 0)
        if not fitted:
            params = self._check_params(X, n_threads)
            check_sample_weight(sample_weight, X.shape[0], params["n_clusters"], n_threads)
            self._random_state = check_random_state(self.random_state)
            self.cluster_centers_ = self._initial_centers(X, sample_weight,
                                                          self._random_state, params, n_threads)
            self._counts = np.zeros(params["n_clusters"])
            self._n_since_last_reassign = 0
        else:
            params = self._check_step_params()
            # centers keep the dtype of the first data
            dtype = self.cluster_centers_.dtype
            X = X.astype(dtype)
        if not hasattr(self, "_random_state"):  # fitted by fit, continued here
            self._random_state = check_random_state(self.random_state)
        centers = self.cluster_centers_
        buffers = _step_buffers(X, X.shape[0], centers.shape[0])
        reassign = self._random_reassign(X.shape[0])
        batch = buffers.whole(X)
        buffers.step(batch, sample_weight, centers, centers, self._counts, n_threads)
        if reassign and params["reassignment_ratio"] > 0:
            _reassign_small_clusters(buffers, batch, centers, self._counts,
                                     self._random_state, params["reassignment_ratio"])
        if params["compute_labels"]:
            self.labels_, self.inertia_ = validated_labels_and_inertia(
                X, self.cluster_centers_, sample_weight, n_threads)
        self.n_steps_ = getattr(self, "n_steps_", 0) + 1
        return self

class _EarlyStopping:
    """scikit-learn's stopping rules for mini-batch k-means.

    The mean batch inertia is smoothed with an exponentially weighted average
    (weight ``2 * batch_size / (n_samples + 1)``); the fit stops when the
    squared center shift of a step is at most ``tol`` (if ``tol > 0``) or
    after ``max_no_improvement`` steps without a new minimum of the average.
    The first step is ignored: its inertia is that of the initial centers.
    """

    def __init__(self, batch_size: int, n_samples: int, tol: float, max_no_improvement):
        self.alpha = min(1.0, batch_size * 2.0 / (n_samples + 1))
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.ewa_inertia = None
        self.ewa_inertia_min = None
        self.no_improvement = 0
        self.last_inertia = None

    def smoothed_inertia(self) -> float:
        """The averaged mean batch inertia (the last one after a single step)."""
        return self.last_inertia if self.ewa_inertia is None else self.ewa_inertia

    def done(self, step: int, mean_inertia: float, shift: float, verbose: int,
             n_steps: int) -> bool:
        """Record step ``step`` (0-based); whether to stop after it."""
        if verbose:
            print(f"Minibatch step {step + 1}/{n_steps}: mean batch inertia: {mean_inertia}")
        self.last_inertia = mean_inertia
        if step == 0:
            return False
        if self.ewa_inertia is None:
            self.ewa_inertia = mean_inertia
        else:
            self.ewa_inertia += self.alpha * (mean_inertia - self.ewa_inertia)
        if self.tol > 0.0 and shift <= self.tol:
            if verbose:
                print(f"Converged (small centers change) at step {step + 1}/{n_steps}")
            return True
        if self.ewa_inertia_min is None or self.ewa_inertia < self.ewa_inertia_min:
            self.no_improvement = 0
            self.ewa_inertia_min = self.ewa_inertia
        else:
            self.no_improvement += 1
        if self.max_no_improvement is not None and self.no_improvement >= self.max_no_improvement:
            if verbose:
                print(f"Converged (lack of improvement in inertia) at step {step + 1}/{n_steps}")
            return True
        return False
