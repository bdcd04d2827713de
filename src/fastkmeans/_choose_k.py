"""Choosing k: fit every k once, score the fits with several criteria, recommend one k.

The fits are those of :func:`fastkmeans.elbow` (same options, same random
state: the same centers). Every criterion reads them and the validated data
object (``_data.py``), so a new data twin needs only the methods used here
and by ``_gap``/``_metrics``: ``label_sums``, ``label_sq_distances``,
``dense_rows``, ``take_rows``, plus what ``fit_validated`` needs.

The recommendation rule (measured on the labelled benchmark,
``benchmarks/scripts/choose_k_right_k.py``, where it beats every single
criterion): see :func:`recommend`.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from numbers import Integral
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._elbow import _check_k_range
from ._fit import fit_validated
from ._gap import N_REFS, GapResult, gap_from_inertias
from ._knee import find_knee
from ._metrics import (
    _silhouette_values,
    calinski_harabasz_from,
    cluster_geometry,
    davies_bouldin_from,
)
from ._result import frozen_array
from ._threads import resolve_n_threads
from ._validation import check_data, check_magnitude, check_random_state, check_sample_weight

#: Every criterion, in the order of the table and the plot.
CRITERIA = ("gap", "silhouette", "calinski_harabasz", "davies_bouldin", "elbow")
#: Readable names, for the reason, the table and the plot.
NAMES = {"gap": "gap statistic", "silhouette": "silhouette",
         "calinski_harabasz": "Calinski-Harabasz", "davies_bouldin": "Davies-Bouldin",
         "elbow": "Kneedle knee"}
#: The criteria that vote on the recommendation (the elbow does not: see recommend).
VOTERS = ("gap", "silhouette", "calinski_harabasz", "davies_bouldin")
#: Standard errors by which a larger k's gap must exceed gap(1) to overrule a
#: gap choice of 1 (see recommend).
GAP_OVERRULE = 10.0
#: Who wins a tied vote: the most accurate single criteria on the benchmark first.
TIE_ORDER = ("calinski_harabasz", "silhouette", "gap", "davies_bouldin")
#: Up to this many samples the silhouette is exact; above, it is the exact
#: silhouette of a random subset of this size (the same subset for every k).
SILHOUETTE_EXACT_MAX = 2000


@dataclass(frozen=True)
class ChooseKResult:
    """Result of :func:`fastkmeans.choose_k`.

    Attributes
    ----------
    k : int
        The recommended number of clusters.
    reason : str
        Why, in plain words (which criteria agree, where the others point).
    confidence : {'high', 'medium', 'low'}
        ``'high'``: every voting criterion computed agrees with ``k``;
        ``'medium'``: at least half of them; ``'low'``: fewer.
    k_values : tuple of int
        The numbers of clusters fitted, increasing.
    inertias : ndarray of shape (n_k,), float64
        Inertia of the fit for each k.
    centers : tuple of ndarray
        Centers of the fit for each k.
    n_iter : tuple of int
        Iterations of the fit for each k.
    scores : mapping of str to ndarray of shape (n_k,)
        Each criterion's value for each k (NaN where it is undefined, e.g.
        the silhouette at k = 1): ``'gap'``, ``'silhouette'``,
        ``'calinski_harabasz'``, ``'davies_bouldin'``, and ``'elbow'``
        (the inertia, whose knee is the elbow's choice).
    choices : mapping of str to int or None
        Each criterion's own k: the gap statistic by its 1-standard-error
        rule, the largest silhouette and Calinski-Harabasz, the smallest
        Davies-Bouldin, the Kneedle knee of the inertia (None: no knee).
    silhouette_se : ndarray of shape (n_k,)
        Standard error of the silhouette: 0 when exact, else that of the
        subset's mean (``std / sqrt(sample size)``, approximate).
    silhouette_sample_size : int or None
        Samples the silhouette was computed on (None: all, exactly).
    gap : GapResult or None
        The gap statistic in full (``gap``, ``gap_se``, ...), if computed.
    knee_reason : str
        Why there is no knee (empty when there is one).
    """

    k: int
    reason: str
    confidence: str
    k_values: tuple[int, ...]
    inertias: np.ndarray
    centers: tuple[np.ndarray, ...]
    n_iter: tuple[int, ...]
    scores: Mapping[str, np.ndarray]
    choices: Mapping[str, int | None]
    silhouette_se: np.ndarray
    silhouette_sample_size: int | None
    gap: GapResult | None
    knee_reason: str = field(default="")

    def summary(self) -> str:
        """A table of every criterion per k (``*``: its choice) and the recommendation."""
        criteria = list(self.scores)
        header = "  k " + "".join(f"{NAMES[c]:>19}" for c in criteria)
        lines = [header]
        for j, k in enumerate(self.k_values):
            cells = []
            for criterion in criteria:
                value = self.scores[criterion][j]
                mark = "*" if self.choices[criterion] == k else " "
                cells.append(f"{'-' if np.isnan(value) else f'{value:.5g}':>18}{mark}")
            arrow = "  <- recommended" if k == self.k else ""
            lines.append(f"{k:3d} " + "".join(cells) + arrow)
        lines.append(f"recommended k = {self.k} ({self.confidence} confidence): {self.reason}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"ChooseKResult(k={self.k}, confidence={self.confidence!r}, "
                f"k_values={self.k_values[0]}..{self.k_values[-1]}, "
                f"choices={dict(self.choices)})")


def recommend(choices: Mapping[str, int | None],
              gap_margin: float = 0.0) -> tuple[int | None, str, str]:
    """The recommended k, the reason and the confidence, from each criterion's choice.

    The rule (``benchmarks/scripts/choose_k_right_k.py`` measures it):

    1. If the gap statistic chooses k = 1 and no k has a gap above
       ``gap(1)`` by ``GAP_OVERRULE`` = 10 standard errors or more
       (``gap_margin``, the largest ``(gap(k) - gap(1)) / s_k``),
       recommend 1: only the gap can say that the data hold no clusters
       (the others need k >= 2).
    2. Otherwise the k >= 2 chosen by most of the gap statistic, the
       silhouette, Calinski-Harabasz and Davies-Bouldin. A gap choice of
       1 that is overruled does not vote: its 1-standard-error rule stops
       at k = 1 on clustered data whose gap(2) is low (data in two groups
       of blobs), where some larger k has a gap 77 to 430 standard errors
       above gap(1) on the benchmark, against at most 3.3 on uniform
       noise. A tie goes to the side of
       Calinski-Harabasz, then the silhouette, the gap, Davies-Bouldin
       (the order of their accuracy on the benchmark).

    The Kneedle knee never votes: on the benchmark it is right far less
    often than the others; the reason mentions it when it disagrees.

    Confidence: for k >= 2, ``'high'`` when every voting criterion agrees,
    ``'medium'`` when at least half do, else ``'low'``. For k = 1 (only the
    gap can say it), ``'high'`` when no k beats ``gap(1)`` by even one
    standard error (``gap_margin <= 1``), else ``'medium'``.
    """
    votes = {c: choices[c] for c in VOTERS if choices.get(c) is not None}
    if not votes:
        knee = choices.get("elbow")
        if knee is None:
            return None, "no criterion could choose a k", "low"
        return knee, f"only the {NAMES['elbow']} was computed: k = {knee}", "low"
    if votes.get("gap") == 1 and (gap_margin < GAP_OVERRULE or len(votes) == 1):
        k = 1
        agree = ["gap"]
        reason = "the gap statistic finds no cluster structure (k = 1)"
    else:
        # a gap of 1 that some k beats by a standard error does not vote
        ballots = {c: v for c, v in votes.items() if v >= 2 or len(votes) == 1}
        counts = {}
        for value in ballots.values():
            counts[value] = counts.get(value, 0) + 1
        most = max(counts.values())
        tied = [value for value, count in counts.items() if count == most]
        for preferred in TIE_ORDER:
            if ballots.get(preferred) in tied:
                k = ballots[preferred]
                break
        else:
            k = min(tied)
        agree = [c for c in votes if votes[c] == k]
        reason = _agreement(agree, k)
    others = [f"{NAMES[c]} {choices[c]}" for c in CRITERIA
              if c in choices and c not in agree and choices[c] not in (None, k)]
    if choices.get("elbow") is None and "elbow" in choices:
        others.append(f"{NAMES['elbow']}: none")
    if others:
        reason += "; " + ", ".join(others)
    if k == 1:
        # the others cannot choose 1: the gap's own margin speaks instead
        confidence = "high" if gap_margin <= 1.0 else "medium"
    else:
        n_agree = len(agree)
        confidence = ("high" if n_agree == len(votes) and len(votes) > 1 else
                      "medium" if 2 * n_agree >= len(votes) else "low")
    return k, reason, confidence


def _gap_margin(gap: GapResult | None) -> float:
    """The largest ``(gap(k) - gap(1)) / s_k`` over k > 1 (0 without k = 1)."""
    if gap is None or gap.k_values[0] != 1 or len(gap.k_values) < 2:
        return 0.0
    rise = gap.gap[1:] - gap.gap[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = np.where(gap.gap_se[1:] > 0, rise / gap.gap_se[1:],
                          np.where(rise > 0, np.inf, 0.0))
    return float(margin.max())


def _agreement(agree: list, k: int) -> str:
    names = [NAMES[c] for c in agree]
    if len(names) == 1:
        return f"{names[0]} chooses {k}"
    joined = ", ".join(names[:-1]) + " and " + names[-1]
    return f"{joined} agree on {k}"


def _check_criteria(criteria) -> tuple:
    if isinstance(criteria, str):
        criteria = (criteria,)
    try:
        chosen = tuple(criteria)
    except TypeError:
        raise TypeError(f"criteria must be a sequence of names, got {criteria!r}") from None
    unknown = [c for c in chosen if c not in CRITERIA]
    if unknown or not chosen:
        raise ValueError(f"criteria must be a non-empty selection of {CRITERIA}, got "
                         f"{criteria!r}")
    return tuple(c for c in CRITERIA if c in chosen)  # table order, no repeats


def _check_n_refs(n_refs) -> int:
    if n_refs is None:
        return N_REFS
    if isinstance(n_refs, bool) or not isinstance(n_refs, Integral) or n_refs < 2:
        raise ValueError(f"n_refs must be an integer >= 2 (reference sets of the gap "
                         f"statistic), got {n_refs!r}")
    return int(n_refs)


def _labels(fit) -> np.ndarray:
    """A fit's labels as an int32 NumPy array: a Dask fit's are gathered here,
    one k at a time (4 bytes a row; X itself never leaves its blocks)."""
    return np.asarray(fit.labels, dtype=np.int32)


def _silhouettes(data, fits, rng, n_threads: int) -> tuple:
    """Silhouette per k (NaN for k = 1), its standard error and the sample size."""
    n_samples = data.shape[0]
    sample_size, rows = None, None
    if n_samples > SILHOUETTE_EXACT_MAX:
        sample_size = SILHOUETTE_EXACT_MAX
        rows = np.sort(rng.permutation(n_samples)[:sample_size])
        data = data.take_rows(rows)
    values = np.full(len(fits), np.nan)
    errors = np.full(len(fits), np.nan)
    for j, fit in enumerate(fits):
        labels = _labels(fit) if rows is None else _labels(fit)[rows]
        present, codes = np.unique(labels, return_inverse=True)
        if not 2 <= present.size <= data.shape[0] - 1:
            continue
        samples = _silhouette_values(data, codes.reshape(-1), present.size, n_threads)
        values[j] = samples.mean()
        errors[j] = 0.0 if rows is None else samples.std() / np.sqrt(samples.size)
    return values, errors, sample_size


def _argbest(k_values, values: np.ndarray, larger: bool) -> int | None:
    if np.all(np.isnan(values)):
        return None
    index = np.nanargmax(values) if larger else np.nanargmin(values)
    return int(k_values[index])


def choose_k(X: ArrayLike, k_range: Iterable[int] = range(1, 11), *,
             criteria: Iterable[str] = ("gap", "silhouette", "calinski_harabasz",
                                        "davies_bouldin", "elbow"),
             random_state: int | np.random.Generator | np.random.RandomState | None = None,
             n_threads: int | None = None, n_refs: int | None = None,
             **fit_options: Any) -> ChooseKResult:
    """Fit every k of ``k_range``, score the fits with several criteria, recommend a k.

    Parameters
    ----------
    X : array-like, SciPy sparse matrix or Dask array of shape (n_samples, n_features)
        Data (as for :func:`fit`); validated once for every fit and criterion.
    k_range : iterable of int, default=range(1, 11)
        Numbers of clusters to try, strictly increasing, within
        ``1..n_samples``. Include 1 to let the answer be "no clusters".
    criteria : sequence of str
        Any of ``'gap'`` (gap statistic), ``'silhouette'``,
        ``'calinski_harabasz'``, ``'davies_bouldin'``, ``'elbow'``
        (Kneedle's knee of the inertia curve).
    random_state : None, int, numpy.random.Generator or RandomState
        Seeds the fits (as :func:`elbow`: an int seeds every fit alike),
        the gap's reference sets and the silhouette's subset; an int makes
        the whole result reproducible.
    n_threads : int, optional
        OpenMP threads; ``None`` for all available.
    n_refs : int, optional
        Reference sets of the gap statistic (B); 10 by default.
    **fit_options
        Passed to :func:`fit` for every k of the data (``init``,
        ``n_init``, ``max_iter``, ``tol``, ``algorithm``, ``sample_weight``).

    Returns
    -------
    ChooseKResult
        ``k`` (the recommendation), ``reason``, ``confidence``, the fits'
        ``inertias`` and ``centers``, every criterion's ``scores`` per k
        and its own ``choices``; ``summary()`` prints them as a table.

    Notes
    -----
    - Gap statistic: Tibshirani, Walther and Hastie (2001), reference
      points uniform in the box aligned with the principal axes, ``n_refs``
      sets of ``min(n_samples, 2000)`` points, the 1-standard-error
      rule; the only criterion that can choose k = 1 (see
      :func:`gap_statistic`).
    - Silhouette: exact for up to 2000 samples; above, the exact
      silhouette of one random subset of 2000 (the same for every k), with
      its approximate standard error in ``silhouette_se``.
    - Calinski-Harabasz and Davies-Bouldin: from the clusters' means and
      two passes over ``X`` (see :func:`calinski_harabasz_score`).
    - Weights (``sample_weight``) act on the fits, the gap statistic
      (weighted dispersion, weighted principal axes), Calinski-Harabasz and
      Davies-Bouldin (a weight of 2 counts as two copies); the silhouette
      ignores them.
    - Memory above ``X``: the fits' labels (int32, ``n_samples`` per k)
      until they are scored; O(n_samples + k * n_features) per criterion;
      the reference sets (``m x n_features``, one per thread) and the
      silhouette's subset. Never ``n_samples x k`` distances.

    The recommendation is the rule of :func:`fastkmeans._choose_k.recommend`:
    k = 1 when the gap statistic says so, else the k most criteria choose.

    Examples
    --------
    >>> import fastkmeans
    >>> X, _ = fastkmeans.datasets.blobs()          # four blobs
    >>> result = fastkmeans.choose_k(X, random_state=0)
    >>> result.k, result.choices["elbow"]
    (4, 4)
    >>> result.reason
    'silhouette, Calinski-Harabasz and Davies-Bouldin agree on 4; gap statistic 2'
    """
    n_threads = resolve_n_threads(n_threads)
    data, max_abs = check_data(X, n_threads)  # once, for every k and criterion
    if not hasattr(data, "label_sums"):  # a data twin without the criteria's passes
        kind = f"{type(X).__module__.partition('.')[0]}.{type(X).__name__}"
        raise TypeError(f"choose_k does not take {kind} input yet (X): pass a NumPy "
                        "array, SciPy sparse matrix or Dask array")
    k_values = _check_k_range(k_range, data.shape[0])
    criteria = _check_criteria(criteria)
    n_refs = _check_n_refs(n_refs)
    n_samples = data.shape[0]
    for name in ("verbose", "callback"):
        fit_options.pop(name, None)
    sample_weight = check_sample_weight(fit_options.pop("sample_weight", None), n_samples,
                                        k_values[-1], n_threads)
    check_magnitude(max_abs, data.shape[1], np.float64, float(sample_weight.sum()))
    # Fits seeded as elbow seeds them; the criteria draw from their own stream.
    fits = [fit_validated(data, max_abs, k, n_threads=n_threads, random_state=random_state,
                          sample_weight=sample_weight, **fit_options)
            for k in k_values]
    own_rng = np.random.default_rng(
        [int(random_state), 13] if isinstance(random_state, Integral)
        else check_random_state(random_state).integers(np.iinfo(np.int64).max))
    inertias = np.array([fit.inertia for fit in fits])

    scores, choices = {}, {}
    gap, knee_reason = None, ""
    silhouette_se, sample_size = np.zeros(len(k_values)), None
    if "gap" in criteria:
        gap = gap_from_inertias(data, k_values, inertias, sample_weight, n_refs, own_rng,
                                n_threads)
        scores["gap"], choices["gap"] = gap.gap, gap.k
    if "silhouette" in criteria:
        values, silhouette_se, sample_size = _silhouettes(data, fits, own_rng,
                                                          n_threads)
        scores["silhouette"] = values
        choices["silhouette"] = _argbest(k_values, values, larger=True)
    if "calinski_harabasz" in criteria or "davies_bouldin" in criteria:
        ch, db = np.full(len(k_values), np.nan), np.full(len(k_values), np.nan)
        for j, fit in enumerate(fits):
            labels = _labels(fit)
            n_present = np.count_nonzero(np.bincount(labels))
            if not 2 <= n_present <= n_samples - 1:
                continue
            geometry = cluster_geometry(data, labels, k_values[j], sample_weight,
                                        n_threads)
            ch[j] = calinski_harabasz_from(*geometry[:3])
            db[j] = davies_bouldin_from(geometry[0], geometry[1], geometry[3])
        for name, values, larger in (("calinski_harabasz", ch, True),
                                     ("davies_bouldin", db, False)):
            if name in criteria:
                scores[name], choices[name] = values, _argbest(k_values, values, larger)
    if "elbow" in criteria:
        knee = find_knee(k_values, inertias)
        scores["elbow"] = inertias
        choices["elbow"] = k_values[knee.index] if knee.index is not None else None
        knee_reason = knee.reason
    k, reason, confidence = recommend(choices, _gap_margin(gap))
    return ChooseKResult(
        k=k, reason=reason, confidence=confidence, k_values=k_values,
        inertias=frozen_array(inertias), centers=tuple(fit.centers for fit in fits),
        n_iter=tuple(fit.n_iter for fit in fits),
        scores=MappingProxyType({name: frozen_array(values) for name, values in scores.items()}),
        choices=MappingProxyType(choices), silhouette_se=frozen_array(silhouette_se),
        silhouette_sample_size=sample_size, gap=gap, knee_reason=knee_reason)


def gap_statistic(X: ArrayLike, k_range: Iterable[int] = range(1, 11), *,
                  n_refs: int | None = None,
                  random_state: int | np.random.Generator | np.random.RandomState | None = None,
                  n_threads: int | None = None, **fit_options: Any) -> GapResult:
    """The gap statistic of Tibshirani, Walther and Hastie (2001), and its k.

    Parameters
    ----------
    X : array-like, SciPy sparse matrix or Dask array of shape (n_samples, n_features)
        Data (as for :func:`fit`); validated once.
    k_range : iterable of int, default=range(1, 11)
        Numbers of clusters, strictly increasing, within ``1..n_samples``;
        include 1 to allow the answer "no clusters".
    n_refs : int, optional
        Reference sets (B), at least 2; 10 by default.
    random_state : None, int, numpy.random.Generator or RandomState
        Seeds the fits (an int seeds every fit alike, as :func:`elbow`)
        and the reference sets.
    n_threads : int, optional
        OpenMP threads; ``None`` for all available.
    **fit_options
        Passed to :func:`fit` for the data's fits (``init``, ``n_init``,
        ``max_iter``, ``tol``, ``algorithm``, ``sample_weight``).

    Returns
    -------
    GapResult
        ``gap`` and ``gap_se`` per k, and ``k`` by the 1-standard-error rule.

    Notes
    -----
    Reference points are uniform in the box aligned with the principal
    axes of ``X`` (weighted, with ``sample_weight``), ``min(n_samples,
    2000)`` per set, stored densely (also for sparse ``X``: ``m x
    n_features`` values). Dispersions are per point: ``log(W_k / n)``
    (``n`` the total weight) against ``log(W*_k / m)``. Each reference
    fit starts from the previous k's centers plus points drawn by the
    k-means++ rule, and runs at most 20 iterations (measured not to
    change the chosen k, ``benchmarks/scripts/choose_k_reference_fits.py``).

    Examples
    --------
    >>> import fastkmeans
    >>> X, _ = fastkmeans.datasets.blobs()
    >>> gap = fastkmeans.gap_statistic(X, range(1, 8), random_state=0)
    >>> gap.k       # the blobs come in two pairs: gap(2) is within one s of gap(3)
    2
    >>> int(gap.k_values[gap.gap.argmax()])
    4
    """
    # the same fits and checks as choose_k, one criterion
    result = choose_k(X, k_range, criteria=("gap",), random_state=random_state,
                      n_threads=n_threads, n_refs=n_refs, **fit_options)
    return result.gap
