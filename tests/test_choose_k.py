"""choose_k and its criteria: Calinski-Harabasz, Davies-Bouldin (against
scikit-learn), the gap statistic (against the NumPy reference), the
recommendation on small labelled data, dense/sparse/float32 paths, the plot."""
import numpy as np
import pytest

import fastkmeans
from fastkmeans import _choose_k, _gap
from fastkmeans import _reference as ref
from fastkmeans._validation import check_data

from .helpers import make_blobs

sp = pytest.importorskip("scipy.sparse")


def _labelled(seed=0, n_samples=600, n_features=4, n_clusters=4):
    X, _ = make_blobs(n_samples, n_features, n_clusters, seed=seed)
    labels = fastkmeans.fit(X, n_clusters, random_state=seed).labels
    return X, labels


# ---- Calinski-Harabasz and Davies-Bouldin ---------------------------------

@pytest.mark.parametrize("name", ["calinski_harabasz_score", "davies_bouldin_score"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_scores_equal_scikit_learn(name, seed):
    metrics = pytest.importorskip("sklearn.metrics")
    X, labels = _labelled(seed, n_clusters=3 + seed)
    noisy = labels.copy()
    noisy[::7] = (noisy[::7] + 1) % (3 + seed)  # overlapping clusters too
    for lab in (labels, noisy):
        ours = getattr(fastkmeans, name)(X, lab)
        theirs = getattr(metrics, name)(X, lab)
        assert ours == pytest.approx(theirs, rel=1e-10)
        # sparse rows, float32 values, string labels: the same score
        assert getattr(fastkmeans, name)(sp.csr_matrix(X), lab) == pytest.approx(theirs,
                                                                                  rel=1e-10)
        assert getattr(fastkmeans, name)(X.astype(np.float32), lab) == pytest.approx(
            theirs, rel=1e-5)
        assert getattr(fastkmeans, name)(X, lab.astype(str)) == pytest.approx(theirs,
                                                                              rel=1e-10)


@pytest.mark.parametrize("name", ["calinski_harabasz_score", "davies_bouldin_score"])
def test_integer_weights_count_as_repeated_samples(name):
    X, labels = _labelled(3)
    weights = np.random.default_rng(0).integers(0, 4, size=X.shape[0])
    score = getattr(fastkmeans, name)
    repeated = score(np.repeat(X, weights, axis=0), np.repeat(labels, weights))
    assert score(X, labels, sample_weight=weights) == pytest.approx(repeated, rel=1e-10)
    assert score(sp.csr_matrix(X), labels, sample_weight=weights) == pytest.approx(
        repeated, rel=1e-10)


def test_scores_on_paper():
    X = np.array([[0.0], [1.0], [10.0], [11.0]])
    # between: 4 * 5^2 = 100, within: 4 * 0.25 = 1; (100 / 1) / (1 / 2)
    assert fastkmeans.calinski_harabasz_score(X, [0, 0, 1, 1]) == 200.0
    # spreads 0.5 and 0.5, centers 10 apart
    assert fastkmeans.davies_bouldin_score(X, [0, 0, 1, 1]) == pytest.approx(0.1)
    assert fastkmeans.calinski_harabasz_score(np.zeros((4, 2)), [0, 0, 1, 1]) == 1.0
    assert fastkmeans.davies_bouldin_score(np.zeros((4, 2)), [0, 0, 1, 1]) == 0.0


@pytest.mark.parametrize("name", ["calinski_harabasz_score", "davies_bouldin_score"])
def test_scores_refuse_bad_labels(name):
    X = np.arange(8.0).reshape(4, 2)
    score = getattr(fastkmeans, name)
    with pytest.raises(ValueError, match="2 to n_samples - 1"):
        score(X, [0, 0, 0, 0])
    with pytest.raises(ValueError, match="3 entries"):
        score(X, [0, 1, 1])
    with pytest.raises(ValueError, match="sample_weight"):
        score(X, [0, 0, 1, 1], sample_weight=[1, -1, 1, 1])
    X_before = X.copy()
    score(X, [0, 0, 1, 1])
    np.testing.assert_array_equal(X, X_before)


# ---- the gap statistic ------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gap_equals_the_numpy_reference(dtype):
    X, _ = make_blobs(300, 3, 3, seed=4, dtype=dtype)
    weights = np.random.default_rng(1).uniform(0.5, 2.0, size=300)
    k_values = (1, 2, 3, 4, 5)
    data, _ = check_data(X, 1)
    inertias = [fastkmeans.fit(X, k, random_state=0, sample_weight=weights).inertia
                for k in k_values]
    ours = _gap.gap_from_inertias(data, k_values, inertias, weights, 5,
                                  np.random.default_rng(9), 2, ref_samples=200)
    gap, gap_se, k = ref.gap_statistic(X, k_values, inertias, weights, 5, 200,
                                       np.random.default_rng(9))
    tol = 1e-9 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(ours.gap, gap, rtol=tol, atol=tol)
    np.testing.assert_allclose(ours.gap_se, gap_se, rtol=1e-6, atol=tol)
    assert ours.k == k == 3


def test_principal_box_equals_the_reference():
    X, _ = make_blobs(500, 4, 3, seed=2)
    X[:, 1] *= 5.0  # an elongated cloud: the axes matter
    weights = np.random.default_rng(3).uniform(0, 2, size=500)
    data, _ = check_data(sp.csr_matrix(X), 1)
    mean, axes, low, high = _gap.principal_box(data, weights)
    ref_mean, ref_axes, ref_low, ref_high = ref.principal_box(X, weights)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-12)
    signs = np.sign(np.sum(axes * ref_axes, axis=0))  # eigenvectors up to sign
    np.testing.assert_allclose(axes * signs, ref_axes, atol=1e-10)
    np.testing.assert_allclose(np.where(signs > 0, low, -high), ref_low, atol=1e-9)


def test_one_standard_error_rule():
    k_values = (1, 2, 3, 4)
    assert _gap.one_standard_error_k(k_values, np.array([0.1, 0.5, 0.9, 0.95]),
                                     np.array([0.1, 0.1, 0.1, 0.1])) == 3
    assert _gap.one_standard_error_k(k_values, np.array([0.5, 0.45, 0.6, 0.7]),
                                     np.full(4, 0.1)) == 1
    assert _gap.one_standard_error_k(k_values, np.arange(4.0), np.zeros(4)) == 4


def test_gap_statistic_public_function():
    X, _ = make_blobs(400, 2, 3, seed=5, cluster_std=0.5)
    result = fastkmeans.gap_statistic(X, range(1, 7), random_state=0, n_refs=5)
    assert isinstance(result, fastkmeans.GapResult)
    assert result.k == 3 and result.n_refs == 5 and result.k_values == tuple(range(1, 7))
    assert not result.gap.flags.writeable
    again = fastkmeans.gap_statistic(X, range(1, 7), random_state=0, n_refs=5)
    np.testing.assert_array_equal(result.gap, again.gap)  # reproducible
    with pytest.raises(ValueError, match="n_refs"):
        fastkmeans.gap_statistic(X, n_refs=1)


# ---- choose_k -----------------------------------------------------------------

def _separated(n_clusters, n_features, seed, n_per=150):
    rng = np.random.default_rng(seed)
    centers = np.eye(max(n_clusters, n_features))[:n_clusters, :n_features] * 12.0
    centers += rng.uniform(-1, 1, size=centers.shape)
    return np.vstack([c + rng.normal(size=(n_per, n_features)) for c in centers])


@pytest.mark.parametrize(("n_clusters", "n_features"), [(2, 2), (3, 3), (4, 4), (5, 6)])
def test_choose_k_finds_separated_blobs(n_clusters, n_features):
    X = _separated(n_clusters, n_features, seed=n_clusters)
    result = fastkmeans.choose_k(X, range(1, 8), random_state=0)
    assert result.k == n_clusters, result.summary()
    assert result.confidence in ("high", "medium")


@pytest.mark.parametrize("n_features", [2, 5])
def test_choose_k_says_one_on_uniform_noise(n_features):
    X = np.random.default_rng(n_features).uniform(size=(800, n_features))
    result = fastkmeans.choose_k(X, range(1, 8), random_state=0)
    assert result.k == 1, result.summary()
    assert result.choices["gap"] == 1
    assert "no cluster structure" in result.reason


def test_choose_k_the_four_blobs_of_the_issue():
    """The issue's example: Kneedle's knee is at 3 on k = 1..9, the recommendation 4."""
    pytest.importorskip("sklearn")
    from sklearn.datasets import make_blobs as sklearn_blobs

    X, _ = sklearn_blobs(3000, 2, centers=4, cluster_std=0.6, random_state=0)
    assert fastkmeans.elbow(X, random_state=0).knee == 3
    result = fastkmeans.choose_k(X, range(1, 10), random_state=0)
    assert result.k == 4 and result.choices["elbow"] == 3
    assert "Kneedle knee 3" in result.reason


def test_choose_k_sparse_and_float32_agree_with_dense():
    X = _separated(3, 5, seed=11)
    dense = fastkmeans.choose_k(X, range(1, 6), random_state=3)
    for other in (sp.csr_matrix(X), X.astype(np.float32)):
        result = fastkmeans.choose_k(other, range(1, 6), random_state=3)
        assert result.k == dense.k == 3
        assert result.choices == dense.choices
        for name in ("calinski_harabasz", "davies_bouldin", "silhouette"):
            np.testing.assert_allclose(result.scores[name], dense.scores[name], rtol=1e-4)


def test_choose_k_scores_equal_the_functions():
    X = _separated(3, 3, seed=7)
    result = fastkmeans.choose_k(X, range(1, 5), random_state=0, n_refs=3)
    fit = fastkmeans.fit(X, 3, random_state=0)
    j = result.k_values.index(3)
    np.testing.assert_allclose(result.centers[j], fit.centers)
    assert result.scores["silhouette"][j] == pytest.approx(
        fastkmeans.silhouette_score(X, fit.labels), rel=1e-12)
    assert result.scores["calinski_harabasz"][j] == pytest.approx(
        fastkmeans.calinski_harabasz_score(X, fit.labels), rel=1e-12)
    assert result.scores["davies_bouldin"][j] == pytest.approx(
        fastkmeans.davies_bouldin_score(X, fit.labels), rel=1e-12)
    assert np.isnan(result.scores["silhouette"][0])  # k = 1
    assert result.scores["elbow"][j] == pytest.approx(fit.inertia)


def test_choose_k_result_is_read_only_and_readable():
    X = _separated(2, 2, seed=1)
    result = fastkmeans.choose_k(X, range(1, 5), random_state=0)
    for array in (result.inertias, result.silhouette_se, *result.scores.values()):
        assert not array.flags.writeable
    with pytest.raises(TypeError):
        result.scores["gap"] = None
    text = result.summary()
    assert "recommended k = 2" in text and "<- recommended" in text
    assert repr(result).startswith("ChooseKResult(k=2")


def test_choose_k_samples_the_silhouette_above_the_limit(monkeypatch):
    monkeypatch.setattr(_choose_k, "SILHOUETTE_EXACT_MAX", 200)
    X = _separated(3, 2, seed=2)  # 450 points
    result = fastkmeans.choose_k(X, range(1, 5), random_state=0,
                                 criteria=("silhouette",))
    assert result.silhouette_sample_size == 200
    assert np.all(result.silhouette_se[1:] > 0)
    assert result.k == 3


def test_choose_k_with_weights():
    X = _separated(3, 2, seed=3)
    weights = np.random.default_rng(0).integers(1, 3, size=X.shape[0])
    result = fastkmeans.choose_k(X, range(1, 5), random_state=0, sample_weight=weights)
    assert result.k == 3
    j = result.k_values.index(3)
    labels = fastkmeans.fit(X, 3, random_state=0, sample_weight=weights).labels
    assert result.scores["calinski_harabasz"][j] == pytest.approx(
        fastkmeans.calinski_harabasz_score(X, labels, sample_weight=weights), rel=1e-12)


def test_choose_k_subset_of_criteria_and_bad_arguments():
    X = _separated(2, 2, seed=4)
    result = fastkmeans.choose_k(X, range(2, 5), criteria=["davies_bouldin"],
                                 random_state=0)
    assert list(result.scores) == ["davies_bouldin"] and result.gap is None
    assert result.k == 2
    only_elbow = fastkmeans.choose_k(X, range(1, 6), criteria="elbow", random_state=0)
    assert only_elbow.confidence == "low"
    with pytest.raises(ValueError, match="criteria"):
        fastkmeans.choose_k(X, criteria=("gap", "bic"))
    with pytest.raises(ValueError, match="criteria"):
        fastkmeans.choose_k(X, criteria=())
    with pytest.raises(ValueError, match="n_refs"):
        fastkmeans.choose_k(X, n_refs=0)
    with pytest.raises(ValueError, match="k_range"):
        fastkmeans.choose_k(X, k_range=[3, 2])
    with pytest.raises(ValueError, match="n_clusters"):
        fastkmeans.choose_k(X[:5], k_range=range(1, 11))


def test_recommend_rule():
    choices = {"gap": 4, "silhouette": 4, "calinski_harabasz": 4, "davies_bouldin": 4,
               "elbow": 3}
    assert _choose_k.recommend(choices)[::2] == (4, "high")
    choices = {"gap": 1, "silhouette": 3, "calinski_harabasz": 3, "davies_bouldin": 3}
    assert _choose_k.recommend(choices, gap_margin=0.5)[::2] == (1, "high")
    assert _choose_k.recommend(choices, gap_margin=3.0)[::2] == (1, "medium")
    # a gap of 1 that another k beats by 10 standard errors does not vote
    assert _choose_k.recommend(choices, gap_margin=80.0)[::2] == (3, "medium")
    tie = {"gap": 5, "silhouette": 4, "calinski_harabasz": 5, "davies_bouldin": 4}
    assert _choose_k.recommend(tie)[::2] == (5, "medium")


def test_plot_choose_k(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X = _separated(3, 2, seed=5)
    result = fastkmeans.choose_k(X, range(1, 6), random_state=0)
    figure = fastkmeans.plot_choose_k(result)
    assert len(figure.axes) == len(result.scores) == 5
    for ax in figure.axes:
        lines = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
        assert lines and lines[0].get_xdata()[0] == result.k
    assert "k = 3" in figure._suptitle.get_text()
    figure.savefig(tmp_path / "choose_k.png")
    plt.close(figure)
    with pytest.raises(TypeError, match="choose_k"):
        fastkmeans.plot_choose_k(fastkmeans.elbow(X, random_state=0))


# ---- the command line ---------------------------------------------------------

def test_cli_choose_k_prints_the_table_and_draws(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    from fastkmeans._cli import main

    X = _separated(3, 2, seed=6)
    np.savetxt(tmp_path / "x.csv", X, delimiter=",", header="a,b", comments="")
    plot = tmp_path / "k.png"
    assert main(["choose-k", str(tmp_path / "x.csv"), "--k-max", "6", "--plot",
                 str(plot), "--random-state", "2"]) == 0
    out = capsys.readouterr().out
    expected = fastkmeans.choose_k(X, range(1, 7), random_state=2)
    assert expected.summary() in out
    assert "recommended k = 3" in out and f"plot written to {plot}" in out
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_choose_k_error_paths(tmp_path, capsys):
    from fastkmeans._cli import main

    assert main(["choose-k", str(tmp_path / "missing.csv")]) == 1
    assert "no such file" in capsys.readouterr().err
    (tmp_path / "words.csv").write_text("a,b\n1,x\n")
    assert main(["choose-k", str(tmp_path / "words.csv")]) == 1
    assert "not numeric" in capsys.readouterr().err
    np.save(tmp_path / "two.npy", np.array([[0.0, 1.0], [2.0, 3.0]]))
    assert main(["choose-k", str(tmp_path / "two.npy"), "--k-max", "5"]) == 0  # cut to n
    captured = capsys.readouterr()
    assert "recommended k" in captured.out and "exceeds the 2 samples" in captured.err
    # a plot that cannot be written fails before any fit
    assert main(["choose-k", str(tmp_path / "two.npy"), "--plot",
                 str(tmp_path / "no" / "k.png")]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("fastkmeans: error:")
    for bad in (["--k-max", "0"], ["--n-refs", "x"]):
        assert main(["choose-k", str(tmp_path / "two.npy"), *bad]) == 2
        assert "usage error" in capsys.readouterr().err
    np.save(tmp_path / "nan.npy", np.array([[0.0, np.nan], [2.0, 3.0], [1.0, 1.0]]))
    assert main(["choose-k", str(tmp_path / "nan.npy")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("fastkmeans: error:") and "Traceback" not in err
    assert main(["choose-k", str(tmp_path / "two.npy"), "--n-refs", "1"]) == 1
    assert "n_refs" in capsys.readouterr().err


# ---- the elbow points to choose_k ------------------------------------------------

def test_elbow_advice_points_to_choose_k_when_the_knee_disagrees():
    pytest.importorskip("sklearn")
    from sklearn.datasets import make_blobs as sklearn_blobs

    X, _ = sklearn_blobs(3000, 2, centers=4, cluster_std=0.6, random_state=0)
    curve = fastkmeans.elbow(X, random_state=0)
    assert curve.knee == 3
    assert "Calinski-Harabasz and Davies-Bouldin pick 4" in curve.advice
    assert "choose_k" in curve.advice and "advice=" in repr(curve)
    agreeing = fastkmeans.elbow(fastkmeans.datasets.blobs()[0], random_state=0)
    assert agreeing.knee == 4 and agreeing.advice == ""


def test_choose_k_refuses_dask_input_clearly():
    da = pytest.importorskip("dask.array")
    X = da.from_array(_separated(2, 2, seed=8), chunks=100)
    with pytest.raises(TypeError, match=r"dask\.Array input yet \(X\).*compute"):
        fastkmeans.choose_k(X)


def test_gap_does_not_depend_on_the_thread_count():
    X = _separated(3, 3, seed=9)
    one = fastkmeans.gap_statistic(X, range(1, 6), random_state=4, n_refs=4, n_threads=1)
    two = fastkmeans.gap_statistic(X, range(1, 6), random_state=4, n_refs=4, n_threads=2)
    np.testing.assert_array_equal(one.gap, two.gap)
    np.testing.assert_array_equal(one.gap_se, two.gap_se)


def test_scores_of_float16_data_are_those_of_float32():
    X = _separated(3, 3, seed=12).astype(np.float16)
    labels = fastkmeans.fit(X, 3, random_state=0).labels
    for name in ("calinski_harabasz_score", "davies_bouldin_score"):
        score = getattr(fastkmeans, name)
        assert score(X, labels) == score(X.astype(np.float32), labels)
