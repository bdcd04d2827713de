"""Plots: rendered with the Agg backend and checked for the expected artists."""
import subprocess
import sys

import numpy as np
import pytest

import fastkmeans

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import PathCollection, PolyCollection  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _scatters(ax):
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def _is_star(collection):
    marker = matplotlib.markers.MarkerStyle("*")
    star = marker.get_path().transformed(marker.get_transform())
    vertices = collection.get_paths()[0].vertices
    return vertices.shape == star.vertices.shape and np.allclose(vertices, star.vertices)


@pytest.mark.parametrize("n_features", [1, 2, 5])
def test_plot_clusters_one_scatter_per_cluster_and_stars(n_features):
    X, _ = fastkmeans.datasets.blobs(
        n_samples=120, centers=np.eye(4, n_features) * 8.0 if n_features > 1 else
        [[-9.0], [-3.0], [3.0], [9.0]])
    result = fastkmeans.fit(X, 4, random_state=0)
    ax = fastkmeans.plot_clusters(X, result.labels, result.centers)
    scatters = _scatters(ax)
    assert len(scatters) == 5
    sizes = np.bincount(result.labels, minlength=4)
    assert [len(c.get_offsets()) for c in scatters[:4]] == sizes.tolist()
    assert _is_star(scatters[4]) and len(scatters[4].get_offsets()) == 4
    assert not any(_is_star(c) for c in scatters[:4])
    colors = {tuple(c.get_facecolor()[0][:3]) for c in scatters[:4]}
    assert len(colors) == 4
    assert [t.get_text() for t in ax.get_legend().get_texts()] == \
        ["cluster 0", "cluster 1", "cluster 2", "cluster 3", "centers"]
    ax.figure.canvas.draw()
    if n_features > 2:
        assert "principal axis 1" in ax.get_xlabel()


def test_plot_clusters_2d_draws_the_points_where_they_are():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 5.0], [5.0, 6.0]])
    ax = fastkmeans.plot_clusters(X, [7, 7, 9, 9], title="t")
    scatters = _scatters(ax)
    assert len(scatters) == 2 and ax.get_title() == "t"
    np.testing.assert_array_equal(scatters[0].get_offsets(), X[:2])
    np.testing.assert_array_equal(scatters[1].get_offsets(), X[2:])
    assert ax.get_xlabel() == "feature 0"


def test_pca_projection_matches_svd():
    from fastkmeans._plot import pca_2d

    X = np.random.default_rng(0).normal(size=(200, 4)) * [5.0, 2.0, 1.0, 0.5]
    (projected,), explained = pca_2d(X)
    centered = X - X.mean(axis=0)
    _, singular, vt = np.linalg.svd(centered, full_matrices=False)
    np.testing.assert_allclose(np.abs(projected), np.abs(centered @ vt[:2].T), rtol=1e-8,
                               atol=1e-10)
    np.testing.assert_allclose(explained, singular[:2] ** 2 / (singular ** 2).sum())


def test_plot_on_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    X, _ = fastkmeans.datasets.blobs(n_samples=60)
    result = fastkmeans.fit(X, 4, random_state=0)
    assert fastkmeans.plot_clusters(X, result.labels, ax=right) is right
    assert len(left.collections) == 0


def test_plot_elbow_marks_the_knee():
    X, _ = fastkmeans.datasets.blobs()
    result = fastkmeans.elbow(X, range(1, 8), random_state=0)
    ax = fastkmeans.plot_elbow(result)
    curve = ax.lines[0]
    np.testing.assert_array_equal(curve.get_xdata(), result.k_values)
    np.testing.assert_array_equal(curve.get_ydata(), result.inertias)
    knee_lines = [line for line in ax.lines if line.get_label().startswith("knee")]
    assert len(knee_lines) == 1 and knee_lines[0].get_label() == "knee: k = 4"
    assert list(knee_lines[0].get_xdata()) == [4]
    assert "knee at k = 4" in ax.get_title()
    vertical = [line for line in ax.lines if list(line.get_xdata()) == [4, 4]]
    assert len(vertical) == 1


def test_plot_elbow_without_a_knee_says_why():
    X = np.arange(10.0).reshape(-1, 1)
    result = fastkmeans.elbow(X, [1, 2], random_state=0)
    ax = fastkmeans.plot_elbow(result)
    assert len(ax.lines) == 1 and "at least 3" in ax.get_title()


def test_plot_silhouette_one_band_per_cluster_and_the_mean():
    X, _ = fastkmeans.datasets.blobs(n_samples=200)
    labels = fastkmeans.fit(X, 4, random_state=0).labels
    ax = fastkmeans.plot_silhouette(X, labels)
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 4
    score = fastkmeans.silhouette_score(X, labels)
    mean_lines = [line for line in ax.lines if line.get_label().startswith("mean")]
    assert len(mean_lines) == 1 and mean_lines[0].get_xdata()[0] == pytest.approx(score)
    assert sorted(t.get_text() for t in ax.texts) == ["0", "1", "2", "3"]
    assert f"{score:.3f}" in ax.get_title()


def test_missing_matplotlib_gives_a_clear_error():
    code = (
        "import sys; sys.modules['matplotlib'] = None; sys.modules['matplotlib.pyplot'] = None\n"
        "import numpy as np, fastkmeans\n"
        "try:\n"
        "    fastkmeans.plot_clusters(np.zeros((4, 2)), [0, 0, 1, 1])\n"
        "except ImportError as exc:\n"
        "    print(exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert 'pip install matplotlib' in out


def test_import_fastkmeans_does_not_import_matplotlib():
    code = "import sys, fastkmeans; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_sparse_input_draws_the_dense_picture():
    sparse = pytest.importorskip("scipy.sparse")
    X, _ = fastkmeans.datasets.blobs(n_samples=120, centers=np.eye(4, 5) * 8.0)
    X = np.where(np.abs(X) < 1.0, 0.0, X)
    result = fastkmeans.fit(X, 4, random_state=0)
    for n_features in (5, 2):
        dense = fastkmeans.plot_clusters(X[:, :n_features], result.labels)
        ours = fastkmeans.plot_clusters(sparse.csr_matrix(X[:, :n_features]), result.labels)
        for mine, theirs in zip(_scatters(ours), _scatters(dense), strict=True):
            np.testing.assert_allclose(mine.get_offsets(), theirs.get_offsets(), atol=1e-12)
    band_ax = fastkmeans.plot_silhouette(sparse.csr_matrix(X), result.labels)
    score = fastkmeans.silhouette_score(X, result.labels)
    assert f"{score:.3f}" in band_ax.get_title()


def test_pca_in_chunks_matches_one_pass(monkeypatch):
    from fastkmeans import _plot

    X = np.random.default_rng(1).normal(size=(100, 3)) * [4.0, 2.0, 1.0] + 50.0
    (whole,), explained = _plot.pca_2d(X)
    monkeypatch.setattr(_plot, "_PCA_CHUNK_ROWS", 7)
    (chunked,), chunked_explained = _plot.pca_2d(X)
    np.testing.assert_allclose(chunked, whole, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(chunked_explained, explained, rtol=1e-12)


@pytest.mark.parametrize("call", [
    lambda: fastkmeans.plot_clusters(np.zeros((4, 2)), [0, 1, 1]),
    lambda: fastkmeans.plot_clusters(np.zeros((4, 2)), [0, 0, 1, 1], np.zeros((2, 3))),
    lambda: fastkmeans.plot_clusters([[np.nan, 1.0]], [0]),
    lambda: fastkmeans.plot_silhouette(np.zeros((4, 2)), [0, 0, 0, 0]),
    lambda: fastkmeans.plot_elbow([1, 2, 3]),
])
def test_a_refused_call_leaves_no_figure_open(call):
    before = plt.get_fignums()
    with pytest.raises((ValueError, TypeError)):
        call()
    assert plt.get_fignums() == before


def test_the_legend_lies_inside_the_figure_for_a_plain_savefig(tmp_path):
    X, _ = fastkmeans.datasets.blobs()
    result = fastkmeans.fit(X, 4, random_state=0)
    ax = fastkmeans.plot_clusters(X, result.labels, result.centers)
    ax.figure.savefig(tmp_path / "clusters.png")   # no bbox_inches="tight"
    renderer = ax.figure.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    figure = ax.figure.bbox
    assert (figure.x0 <= legend.x0 and legend.x1 <= figure.x1
            and figure.y0 <= legend.y0 and legend.y1 <= figure.y1)


def test_axis_labels_are_the_dataframes_column_names():
    pd = pytest.importorskip("pandas")
    X, _ = fastkmeans.datasets.blobs()
    frame = pd.DataFrame(X, columns=["height", "weight"])
    result = fastkmeans.fit(X, 4, random_state=0)
    ax = fastkmeans.plot_clusters(frame, result.labels, result.centers)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("height", "weight")
    ax = fastkmeans.plot_clusters(X, result.labels, feature_names=["a", "b"])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("a", "b")
    with pytest.raises(ValueError, match="feature_names has 1 names"):
        fastkmeans.plot_clusters(X, result.labels, feature_names=["a"])
