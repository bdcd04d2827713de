"""Plots of the classic k-means workflow: clusters, the elbow, silhouettes.

matplotlib is an optional dependency (``pip install matplotlib``, or the
``plot`` extra of this repository: ``pip install ".[plot]"``), imported only
when a plot is drawn. Every function draws on ``ax`` (a new
figure's axes by default), returns the Axes and never calls ``plt.show()``.
"""
from collections.abc import Sequence
from typing import TYPE_CHECKING, Optional

import numpy as np
from numpy.typing import ArrayLike

from ._data import DenseData
from ._elbow import ElbowResult
from ._metrics import _encode_labels, _rows, labelled_silhouette
from ._threads import resolve_n_threads
from ._validation import check_centers, check_data

if TYPE_CHECKING:  # matplotlib stays optional at run time
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ._choose_k import ChooseKResult

_STAR_SIZE = 320
#: Rows per chunk of the PCA: its temporaries are this many rows, not n.
_PCA_CHUNK_ROWS = 4096


def _pyplot():
    """``matplotlib.pyplot``, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(
            "fastkmeans' plots need matplotlib, which is not installed: "
            'pip install matplotlib') from None
    return plt


def _new_or_given(ax: Optional["Axes"]) -> "Axes":
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _cluster_colors(n_clusters: int) -> list:
    """One distinct colour per cluster: tab10, tab20, then a sampled rainbow."""
    import matplotlib

    if n_clusters <= 10:
        return [matplotlib.colormaps["tab10"](i) for i in range(n_clusters)]
    if n_clusters <= 20:
        return [matplotlib.colormaps["tab20"](i) for i in range(n_clusters)]
    return [matplotlib.colormaps["turbo"](v) for v in np.linspace(0.05, 0.95, n_clusters)]


def _float_chunks(X):
    """``(start, rows)``: validated data as float64 chunks of rows."""
    for start in range(0, X.shape[0], _PCA_CHUNK_ROWS):
        indices = np.arange(start, min(start + _PCA_CHUNK_ROWS, X.shape[0]))
        yield start, _rows(X, indices)


def pca_2d(X, *others: np.ndarray):
    """Project ``X`` (and ``others``, e.g. centers) on its two principal axes.

    Plain NumPy: the eigenvectors of the d x d covariance matrix, signs
    fixed so that each axis's largest component is positive (the picture
    does not flip between runs). ``X`` is read in chunks of rows: memory
    is the n x 2 projection, a d x d matrix and one chunk, never n x d.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), or validated data (``_data.py``)
        The points.
    *others : ndarray of shape (m, n_features)
        Further points projected on the same axes.

    Returns
    -------
    projections : list of ndarray of shape (n, 2)
        ``X`` and each of ``others``, projected.
    explained : ndarray of shape (2,)
        Fraction of the variance along each axis.
    """
    if isinstance(X, np.ndarray):
        X = DenseData(X)
    n_samples, n_features = X.shape
    mean = np.zeros(n_features)
    for _, rows in _float_chunks(X):
        mean += rows.sum(axis=0)
    mean /= n_samples
    covariance = np.zeros((n_features, n_features))
    for _, rows in _float_chunks(X):
        rows -= mean
        covariance += rows.T @ rows
    covariance /= max(n_samples - 1, 1)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    order = np.argsort(eigenvalues)[::-1][:2]
    axes = eigenvectors[:, order]
    signs = np.sign(axes[np.argmax(np.abs(axes), axis=0), [0, 1]])
    axes = axes * np.where(signs == 0, 1.0, signs)
    total = eigenvalues.sum()
    explained = eigenvalues[order] / total if total > 0 else np.zeros(2)
    projected = np.empty((n_samples, 2))
    for start, rows in _float_chunks(X):
        projected[start:start + rows.shape[0]] = (rows - mean) @ axes
    projections = [projected] + [(np.asarray(o, dtype=np.float64) - mean) @ axes
                                 for o in others]
    return projections, explained


def plot_clusters(X: ArrayLike, labels: ArrayLike, centers: ArrayLike | None = None, *,
                  ax: Optional["Axes"] = None, title: str | None = None,
                  feature_names: Sequence[str] | None = None) -> "Axes":
    """Scatter plot of the points, one colour per cluster, centers as stars.

    Parameters
    ----------
    X : array-like or SciPy sparse matrix of shape (n_samples, n_features)
        Points. Two features are drawn as they are; more are projected on
        the two principal axes (a NumPy PCA; the axis labels give the share
        of variance); one feature is drawn along the horizontal axis.
    labels : array-like of shape (n_samples,)
        Cluster of every point (integers of any values, or strings).
    centers : array-like of shape (n_clusters, n_features), optional
        Drawn as stars, in the colour of cluster ``i`` for row ``i`` when
        ``labels`` are ``0..n_clusters-1`` (as from :func:`fit`).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    title : str, optional
        Title of the axes.
    feature_names : sequence of str, optional
        Axis labels of the features drawn as they are; by default a
        DataFrame's column names, else ``feature 0``, ``feature 1``.

    Returns
    -------
    matplotlib.axes.Axes
        One scatter collection per cluster, then one for the centers. The
        legend lies inside the axes (where it hides the fewest points), so a
        plain ``savefig`` keeps it whole.

    Examples
    --------
    >>> import fastkmeans
    >>> X, _ = fastkmeans.datasets.blobs()
    >>> result = fastkmeans.fit(X, 4, random_state=0)
    >>> ax = fastkmeans.plot_clusters(X, result.labels, result.centers)
    >>> len(ax.collections)          # one scatter per cluster, one for the centers
    5
    """
    if feature_names is None and getattr(X, "columns", None) is not None:
        feature_names = [str(name) for name in X.columns]
    n_threads = resolve_n_threads(None)
    X, _ = check_data(X, n_threads)
    n_samples, n_features = X.shape
    if feature_names is None:
        feature_names = [f"feature {j}" for j in range(n_features)]
    elif len(feature_names) != n_features:
        raise ValueError(f"feature_names has {len(feature_names)} names, but X has "
                         f"{n_features} features")
    names, codes = _encode_labels(labels, n_samples)
    if centers is not None:
        centers = check_centers(centers, n_features, np.float64, n_threads)
    ax = _new_or_given(ax)  # only once the input is known good: no figure left open
    if n_features <= 2:
        X = _rows(X, np.arange(n_samples))  # n x 1 or n x 2, float64
    if n_features > 2:
        projected, explained = pca_2d(X, *([] if centers is None else [centers]))
        points = projected[0]
        center_points = projected[1] if centers is not None else None
        ax.set_xlabel(f"principal axis 1 ({explained[0]:.0%} of variance)")
        ax.set_ylabel(f"principal axis 2 ({explained[1]:.0%} of variance)")
    elif n_features == 2:
        points = np.asarray(X, dtype=np.float64)
        center_points = None if centers is None else np.asarray(centers)
        ax.set_xlabel(feature_names[0])
        ax.set_ylabel(feature_names[1])
    else:
        # one feature: a strip along x, clusters on their own rows
        points = np.column_stack([X[:, 0], codes.astype(np.float64)])
        center_points = None if centers is None else np.column_stack(
            [np.asarray(centers)[:, 0], np.arange(centers.shape[0], dtype=np.float64)])
        ax.set_xlabel(feature_names[0])
        ax.set_ylabel("cluster")
        ax.set_yticks(np.arange(names.size), [str(name) for name in names])
    n_colors = max(names.size, 0 if centers is None else centers.shape[0])
    colors = _cluster_colors(n_colors)
    for code, name in enumerate(names):
        member = codes == code
        ax.scatter(points[member, 0], points[member, 1], s=12, color=colors[code],
                   label=f"cluster {name}", alpha=0.8)
    if center_points is not None:
        ax.scatter(center_points[:, 0], center_points[:, 1], marker="*", s=_STAR_SIZE,
                   c=colors[:center_points.shape[0]], edgecolors="black", linewidths=1.0,
                   label="centers", zorder=3)
    if n_colors <= 10:
        # inside the axes, so that savefig without bbox_inches keeps it; "best"
        # (fewest points hidden) costs a pass over the points per candidate
        # place, so large data get a fixed corner
        legend = ax.legend(loc="best" if n_samples <= 100_000 else "upper right",
                           fontsize="small", framealpha=0.85)
        if center_points is not None:  # the centers' entry: a star of no cluster's colour
            handles = getattr(legend, "legend_handles", None) or legend.legendHandles
            handles[-1].set_facecolor("white")
    if title is not None:
        ax.set_title(title)
    return ax


def plot_elbow(result: ElbowResult, *, ax: Optional["Axes"] = None,
               title: str | None = None) -> "Axes":
    """Inertia over k, with the knee marked.

    Parameters
    ----------
    result : ElbowResult
        What :func:`fastkmeans.elbow` returned.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    title : str, optional
        Title; by default it gives the knee, or why there is none.

    Returns
    -------
    matplotlib.axes.Axes
        The inertia line (``'o-'``); at the knee a red dashed vertical line
        and a large red circle labelled ``knee: k = ...``.
    """
    if not isinstance(result, ElbowResult):
        raise TypeError(f"result must be what fastkmeans.elbow returns, got "
                        f"{type(result).__name__}")
    ax = _new_or_given(ax)
    k_values = np.asarray(result.k_values)
    inertias = np.asarray(result.inertias)
    ax.plot(k_values, inertias, "o-", color="C0", label="inertia")
    if result.knee is not None:
        knee_inertia = inertias[list(result.k_values).index(result.knee)]
        ax.axvline(result.knee, color="red", linestyle="--", linewidth=1.0)
        ax.plot([result.knee], [knee_inertia], "o", markersize=14, markerfacecolor="none",
                markeredgecolor="red", markeredgewidth=2.0, label=f"knee: k = {result.knee}")
        default_title = f"Elbow: knee at k = {result.knee}"
    else:
        default_title = f"Elbow: {result.reason}"
    ax.set_xticks(k_values)
    ax.set_xlabel("number of clusters k")
    ax.set_ylabel("inertia (sum of squared distances)")
    ax.set_title(default_title if title is None else title)
    ax.legend(loc="best")
    return ax


def plot_silhouette(X: ArrayLike, labels: ArrayLike, *, ax: Optional["Axes"] = None,
                    title: str | None = None,
                    n_threads: int | None = None) -> "Axes":
    """The silhouette plot: each cluster's sorted silhouette values as bars.

    Parameters
    ----------
    X : array-like or SciPy sparse matrix of shape (n_samples, n_features)
        Data.
    labels : array-like of shape (n_samples,)
        Cluster of every sample (2 to ``n_samples - 1`` distinct values).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    title : str, optional
        Title; by default it gives the mean silhouette score.
    n_threads : int, optional
        Threads for :func:`silhouette_samples`.

    Returns
    -------
    matplotlib.axes.Axes
        One filled band per cluster (a ``PolyCollection``, labelled with the
        cluster's name in the text beside it) and a red dashed vertical line
        at the mean silhouette score.
    """
    values, names, codes = labelled_silhouette(X, labels, n_threads)
    ax = _new_or_given(ax)
    colors = _cluster_colors(names.size)
    gap = max(2, values.shape[0] // 50)
    bottom = gap
    for code, name in enumerate(names):
        member_values = np.sort(values[codes == code])
        top = bottom + member_values.size
        ax.fill_betweenx(np.arange(bottom, top), 0, member_values, color=colors[code],
                         alpha=0.8)
        ax.text(-0.05, (bottom + top) / 2, str(name), ha="right", va="center",
                fontsize="small")
        bottom = top + gap
    score = float(values.mean())
    ax.axvline(score, color="red", linestyle="--", label=f"mean = {score:.3f}")
    ax.set_xlim(min(-0.1, values.min() - 0.05), 1.0)
    ax.set_ylim(0, bottom)
    ax.set_yticks([])
    ax.set_xlabel("silhouette value")
    ax.set_ylabel("cluster")
    ax.set_title(f"Silhouette score {score:.3f}" if title is None else title)
    ax.legend(loc="best")
    return ax


#: What each panel of plot_choose_k shows, and whether larger is better.
_CHOOSE_K_PANELS = {
    "gap": ("gap statistic (± s_k)", True),
    "silhouette": ("silhouette", True),
    "calinski_harabasz": ("Calinski-Harabasz", True),
    "davies_bouldin": ("Davies-Bouldin (lower is better)", False),
    "elbow": ("inertia (Kneedle knee)", False),
}


def plot_choose_k(result: "ChooseKResult", *, title: str | None = None) -> "Figure":
    """One small panel per criterion of :func:`fastkmeans.choose_k`, the recommended k marked.

    Parameters
    ----------
    result : ChooseKResult
        What :func:`fastkmeans.choose_k` returned.
    title : str, optional
        Title of the figure; by default the recommendation and its confidence.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per criterion computed (``figure.axes``), in the order of
        ``result.scores``: each criterion's values over k (the gap with
        error bars of one standard error, the silhouette with its standard
        error when sampled), the criterion's own choice as a large open
        circle, and the recommended k as a red dashed vertical line.

    Examples
    --------
    >>> import fastkmeans
    >>> X, _ = fastkmeans.datasets.blobs()
    >>> figure = fastkmeans.plot_choose_k(fastkmeans.choose_k(X, random_state=0))
    >>> len(figure.axes)
    5
    """
    from ._choose_k import ChooseKResult

    if not isinstance(result, ChooseKResult):
        raise TypeError(f"result must be what fastkmeans.choose_k returns, got "
                        f"{type(result).__name__}")
    plt = _pyplot()
    names = list(result.scores)
    n_columns = min(3, len(names))
    n_rows = -(-len(names) // n_columns)
    figure, axes = plt.subplots(n_rows, n_columns, figsize=(3.6 * n_columns, 2.8 * n_rows),
                                squeeze=False)
    k_values = np.asarray(result.k_values)
    for ax, name in zip(axes.ravel(), names, strict=False):
        label, _ = _CHOOSE_K_PANELS[name]
        values = np.asarray(result.scores[name])
        errors = None
        if name == "gap":
            errors = result.gap.gap_se
        elif name == "silhouette" and result.silhouette_sample_size is not None:
            errors = result.silhouette_se
        if errors is not None:
            ax.errorbar(k_values, values, yerr=errors, fmt="o-", color="C0", capsize=3)
        else:
            ax.plot(k_values, values, "o-", color="C0")
        chosen = result.choices.get(name)
        if chosen is not None:
            ax.plot([chosen], [values[list(result.k_values).index(chosen)]], "o",
                    markersize=13, markerfacecolor="none", markeredgecolor="C1",
                    markeredgewidth=2.0, label=f"its choice: {chosen}")
        if result.k is not None:
            ax.axvline(result.k, color="red", linestyle="--", linewidth=1.0,
                       label=f"recommended: {result.k}")
        ax.set_title(label, fontsize="medium")
        ax.set_xticks(k_values)
        ax.set_xlabel("k")
        ax.legend(loc="best", fontsize="x-small")
    for ax in axes.ravel()[len(names):]:
        ax.remove()
    figure.suptitle(title if title is not None else
                    f"Recommended k = {result.k} ({result.confidence} confidence)")
    figure.tight_layout()
    return figure
