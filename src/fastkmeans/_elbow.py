"""The elbow method: inertia over a range of k, and its knee found automatically."""
from dataclasses import dataclass
from numbers import Integral
from typing import Callable, Optional, Tuple

import numpy as np

from fastkmeans._fit import fit
from fastkmeans._knee import find_knee
from fastkmeans._result import KMeansResult, frozen_array
from fastkmeans._threads import resolve_n_threads
from fastkmeans._validation import check_data


@dataclass(frozen=True)
class ElbowResult:
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
    fits : tuple of KMeansResult
        The fit for each k, in the order of ``k_values``.
    """

    k_values: Tuple[int, ...]
    inertias: np.ndarray
    knee: Optional[int]
    reason: str
    fits: Tuple[KMeansResult, ...]

    def fit_for(self, k: int) -> KMeansResult:
        """The fit with ``k`` clusters."""
        return self.fits[self.k_values.index(k)]

    def __repr__(self) -> str:
        knee = self.knee if self.knee is not None else f"None ({self.reason})"
        return (f"ElbowResult(k_values={self.k_values[0]}..{self.k_values[-1]}, "
                f"knee={knee})")


def _check_k_range(k_range, n_samples: int) -> Tuple[int, ...]:
    try:
        values = tuple(k_range)
    except TypeError:
        raise TypeError(f"k_range must be an iterable of integers, got {k_range!r}") from None
    if not values:
        raise ValueError("k_range is empty: give at least one number of clusters")
    for k in values:
        if isinstance(k, bool) or not isinstance(k, Integral):
            raise TypeError(f"k_range must hold integers, got {k!r} of type {type(k).__name__}")
    values = tuple(int(k) for k in values)
    if any(b <= a for a, b in zip(values, values[1:])):
        raise ValueError(f"k_range must be strictly increasing, got {values}")
    if values[0] < 1 or values[-1] > n_samples:
        raise ValueError(f"k_range must lie within 1..n_samples={n_samples}, got {values}")
    return values


def elbow(X, k_range=range(1, 10), *, on_fit: Optional[Callable] = None,
          **fit_options) -> ElbowResult:
    """Fit every k of ``k_range`` and find the elbow of the inertia curve.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Data (as for :func:`fit`); converted and checked once for all k.
    k_range : iterable of int, default=range(1, 10)
        Numbers of clusters to fit, strictly increasing, within
        ``1..n_samples``.
    on_fit : callable, optional
        ``on_fit(k, result)`` after each fit (e.g. to draw progress).
    **fit_options
        Passed to :func:`fit` for every k (``init``, ``n_init``,
        ``max_iter``, ``tol``, ``random_state``, ``sample_weight``,
        ``n_threads``, ``verbose``, ``callback``). An int
        ``random_state`` seeds every fit alike.

    Returns
    -------
    ElbowResult
        ``k_values``, ``inertias``, ``knee`` (or None and a ``reason``)
        and the ``fits``.

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
    X, _ = check_data(X, n_threads)
    k_values = _check_k_range(k_range, X.shape[0])
    if on_fit is not None and not callable(on_fit):
        raise TypeError(f"on_fit must be a callable or None, got {on_fit!r}")
    fits = []
    for k in k_values:
        result = fit(X, k, n_threads=n_threads, **fit_options)
        fits.append(result)
        if on_fit is not None:
            on_fit(k, result)
    inertias = np.array([result.inertia for result in fits], dtype=np.float64)
    knee = find_knee(k_values, inertias)
    return ElbowResult(
        k_values=k_values,
        inertias=frozen_array(inertias),
        knee=k_values[knee.index] if knee.index is not None else None,
        reason=knee.reason,
        fits=tuple(fits),
    )
