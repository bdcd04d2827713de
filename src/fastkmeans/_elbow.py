"""The elbow method: inertia over a range of k, and its knee found automatically."""
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._fit import fit_validated
from ._knee import find_knee
from ._metrics import calinski_harabasz_from, cluster_geometry, davies_bouldin_from
from ._progress import check_callback
from ._result import KMeansResult, ReadOnlyArrays, frozen_array
from ._threads import resolve_n_threads
from ._validation import check_data, check_n_clusters, check_sample_weight


@dataclass(frozen=True)
class ElbowResult(ReadOnlyArrays):
    """Result of :func:`fastkmeans.elbow`.

    Attributes
    ----------
    k_values : tuple of int
        The numbers of clusters fitted, increasing.
    inertias : ndarray of shape (n_k,), float64
        Inertia of the fit for each k.
    knee : int or None
        The k at the knee of the inertia curve (Kneedle), None when the
        curve has no knee.
    reason : str
        Why there is no knee (empty when there is one).
    centers : tuple of ndarray
        The centers of the fit for each k, in the order of ``k_values``.
    n_iter : tuple of int
        Iterations of the fit for each k.
    fits : tuple of KMeansResult or None
        The full fit for each k (labels included) with ``keep_fits=True``;
        None by default, so that the result does not hold n labels per k.
    advice : str
        Empty when the knee agrees with Calinski-Harabasz and
        Davies-Bouldin on the same fits; otherwise where they point, and a
        pointer to :func:`fastkmeans.choose_k`, which weighs these and the
        gap statistic and the silhouette into one recommended k.
    """

    k_values: tuple[int, ...]
    inertias: np.ndarray
    knee: int | None
    reason: str
    centers: tuple[np.ndarray, ...]
    n_iter: tuple[int, ...]
    fits: tuple[KMeansResult, ...] | None = None
    advice: str = ""

    def fit_for(self, k: int) -> KMeansResult:
        """The full fit with ``k`` clusters (needs ``elbow(..., keep_fits=True)``)."""
        if self.fits is None:
            raise ValueError("the fits were not kept: call elbow(..., keep_fits=True), "
                             "or fit(X, k) with the same options")
        return self.fits[self.k_values.index(k)]

    def __repr__(self) -> str:
        knee = self.knee if self.knee is not None else f"None ({self.reason})"
        advice = f", advice={self.advice!r}" if self.advice else ""
        return (f"ElbowResult(k_values={self.k_values[0]}..{self.k_values[-1]}, "
                f"knee={knee}{advice})")


#: The default k range, 1..9, cut to the number of samples.
_DEFAULT_K_MAX = 9


def _check_k_range(k_range, n_samples: int) -> tuple[int, ...]:
    if k_range is None:
        return tuple(range(1, min(_DEFAULT_K_MAX, n_samples) + 1))
    try:
        values = tuple(k_range)
    except TypeError:
        raise TypeError(f"k_range must be an iterable of integers, got {k_range!r}") from None
    if not values:
        raise ValueError("k_range is empty: give at least one number of clusters")
    try:
        values = tuple(check_n_clusters(k, n_samples) for k in values)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"k_range holds an invalid k: {exc}") from None
    if any(b <= a for a, b in zip(values[:-1], values[1:], strict=True)):
        raise ValueError(f"k_range must be strictly increasing, got {values}")
    return values


def elbow(X: ArrayLike, k_range: Iterable[int] | None = None, *,
          on_fit: Callable[[int, KMeansResult], object] | None = None,
          keep_fits: bool = False, **fit_options: Any) -> ElbowResult:
    """Fit every k of ``k_range`` and find the elbow of the inertia curve.

    Parameters
    ----------
    X : array-like or SciPy sparse matrix of shape (n_samples, n_features)
        Data (as for :func:`fit`); converted and checked once for all k.
    k_range : iterable of int, optional
        Numbers of clusters to fit, strictly increasing, within
        ``1..n_samples``. By default ``range(1, 10)`` (k = 1..9), cut to
        ``1..n_samples`` when there are fewer than 9 samples; a given
        ``k_range`` is never cut (a k above ``n_samples`` is an error).
    on_fit : callable, optional
        ``on_fit(k, result)`` after each fit (e.g. to draw progress); a
        true return stops the elbow: the result holds the k fitted so far.
    keep_fits : bool, default=False
        Keep every full fit (``fits``, ``fit_for``), labels included;
        by default only the centers, inertia and iterations of each k.
    **fit_options
        Passed to :func:`fit` for every k (``init``, ``n_init``,
        ``max_iter``, ``tol``, ``random_state``, ``sample_weight``,
        ``n_threads``, ``verbose``, ``callback``). An int
        ``random_state`` seeds every fit alike. A true return of
        ``callback`` stops the fit it was called from only; the elbow goes
        on with the next k (use ``on_fit`` to stop the elbow).

    Returns
    -------
    ElbowResult
        ``k_values``, ``inertias``, ``knee`` (or None and a ``reason``),
        the ``centers`` and ``n_iter`` of each k, the ``fits`` if kept, and
        ``advice`` pointing to :func:`choose_k` when Calinski-Harabasz and
        Davies-Bouldin (computed on the same fits) disagree with the knee.

    Notes
    -----
    The knee is found with Kneedle (Satopää et al., 2011): both axes are
    normalised to [0, 1]; the knee is the k where the curve lies farthest
    below the straight line from its first to its last point, if that gap
    exceeds the mean spacing of the normalised k values. A straight,
    concave, flat or rising curve has no knee: ``knee`` is None and
    ``reason`` says why. With ``k_range`` starting at 1 the curve starts at
    the total variance, which makes the bend of clustered data stand out.

    Examples
    --------
    >>> import fastkmeans
    >>> X, _ = fastkmeans.datasets.blobs()
    >>> fastkmeans.elbow(X, range(1, 10), random_state=0).knee
    4
    """
    n_threads = resolve_n_threads(fit_options.pop("n_threads", None))
    data, max_abs = check_data(X, n_threads, float16=True)  # once, for every k
    k_values = _check_k_range(k_range, data.shape[0])
    check_callback(on_fit, "on_fit")
    fits = []
    for k in k_values:
        result = fit_validated(data, max_abs, k, n_threads=n_threads, **fit_options)
        fits.append(result)
        if on_fit is not None and on_fit(k, result):
            break
    fitted_k = k_values[:len(fits)]
    inertias = np.array([result.inertia for result in fits], dtype=np.float64)
    knee = find_knee(fitted_k, inertias)
    knee_k = fitted_k[knee.index] if knee.index is not None else None
    weights = check_sample_weight(fit_options.get("sample_weight"), data.shape[0], 1,
                                  n_threads)
    advice = (_advice(data, fits, fitted_k, knee_k, weights, n_threads)
              if hasattr(data, "label_sums") else "")
    return ElbowResult(
        k_values=fitted_k,
        inertias=frozen_array(inertias),
        knee=knee_k,
        reason=knee.reason,
        centers=tuple(result.centers for result in fits),
        n_iter=tuple(result.n_iter for result in fits),
        fits=tuple(fits) if keep_fits else None,
        advice=advice,
    )


def _advice(data, fits, k_values, knee, sample_weight, n_threads: int) -> str:
    """Where Calinski-Harabasz and Davies-Bouldin point, when not at the knee.

    Both read the fits already made (two passes over X per k, a few percent
    of the elbow's time); the Kneedle knee is right on far fewer data sets
    of the labelled benchmark (``benchmarks/scripts/choose_k_right_k.py``).
    """
    ch, db = {}, {}
    for k, fit in zip(k_values, fits, strict=True):
        if not 2 <= np.count_nonzero(np.bincount(fit.labels)) <= data.shape[0] - 1:
            continue
        means, weights, within_sq, within = cluster_geometry(data, fit.labels, k,
                                                             sample_weight, n_threads)
        ch[k] = calinski_harabasz_from(means, weights, within_sq)
        db[k] = davies_bouldin_from(means, weights, within)
    if len(ch) < 2:
        return ""
    by_ch, by_db = max(ch, key=ch.get), min(db, key=db.get)
    if by_ch == by_db == knee:
        return ""
    where = (f"Calinski-Harabasz and Davies-Bouldin pick {by_ch}" if by_ch == by_db else
             f"Calinski-Harabasz picks {by_ch}, Davies-Bouldin {by_db}")
    knee_text = f"the knee is at {knee}" if knee is not None else "there is no knee"
    return (f"{knee_text} but {where}: fastkmeans.choose_k(X) weighs these, the gap "
            "statistic and the silhouette into one recommended k")
