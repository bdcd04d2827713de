"""The knee of a decreasing convex curve (the "elbow" of inertia over k), by Kneedle.

Kneedle (Satopää, Albrecht, Irwin and Raghavan, "Finding a 'Kneedle' in a
Haystack", ICDCS workshops 2011), for a decreasing convex curve:

1. Normalise both axes to [0, 1]: ``x' = (x - x[0]) / (x[-1] - x[0])``,
   ``y' = (y - min y) / (max y - min y)``.
2. Difference to the diagonal from the first to the last point:
   ``d = (1 - x') - y'``: how far the curve has fallen below the straight
   line that joins its ends.
3. The knee is where ``d`` is largest (the first such point on ties),
   provided ``d`` there exceeds ``sensitivity`` times the mean spacing of
   ``x'`` (Kneedle's threshold for its last local maximum, which the
   difference curve always falls below at its end, where ``d = 0``).

There is no knee (``None`` with a reason, never a guess) for fewer than
three points, a flat curve, a curve that ends higher than it starts, or
one that never falls far enough below its chord: a straight line, a
concave curve, or a bend smaller than the threshold.
"""
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Knee:
    """Where the knee is, or why there is none.

    Attributes
    ----------
    index : int or None
        Position of the knee in the curve, None when there is no knee.
    reason : str
        Why there is no knee; empty when there is one.
    difference : ndarray
        Kneedle's difference curve ``(1 - x') - y'`` (empty when the curve
        could not be normalised).
    """

    index: int | None
    reason: str
    difference: np.ndarray


def find_knee(x, y, sensitivity: float = 1.0) -> Knee:
    """The knee of the decreasing convex curve ``y(x)``, by Kneedle.

    Parameters
    ----------
    x : array-like of shape (n_points,)
        Strictly increasing abscissae (e.g. k values).
    y : array-like of shape (n_points,)
        Finite values (e.g. inertias), expected to decrease.
    sensitivity : float, default=1.0
        Kneedle's ``S``: larger values demand a sharper bend.

    Returns
    -------
    Knee
        ``index`` of the knee in ``x``, or None and the ``reason``.

    Examples
    --------
    >>> find_knee([1, 2, 3, 4, 5], [10, 4, 1, 0.5, 0]).index
    2
    >>> find_knee([1, 2, 3], [3, 2, 1]).reason
    'the curve is a straight line or bends too little: no knee'
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    empty = np.empty(0)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must be finite")
    if x.size > 1 and np.any(np.diff(x) <= 0):
        raise ValueError("x must be strictly increasing")
    if x.size < 3:
        return Knee(None, f"{x.size} point(s): a knee needs at least 3", empty)
    span = y.max() - y.min()
    if span == 0:
        return Knee(None, "the curve is flat: no knee", empty)
    if y[-1] >= y[0]:
        return Knee(None, "the curve does not decrease: no knee", empty)
    x_norm = (x - x[0]) / (x[-1] - x[0])
    y_norm = (y - y.min()) / span
    difference = (1.0 - x_norm) - y_norm
    index = int(np.argmax(difference))
    threshold = sensitivity * float(np.mean(np.diff(x_norm)))
    if difference[index] <= threshold:
        return Knee(None, "the curve is a straight line or bends too little: no knee",
                    difference)
    return Knee(index, "", difference)
