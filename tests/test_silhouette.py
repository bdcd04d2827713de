"""silhouette_samples / silhouette_score: against scikit-learn and the NumPy reference."""
import tracemalloc

import numpy as np
import pytest
from helpers import make_blobs

import fastkmeans
from fastkmeans import _metrics, _reference

sklearn_metrics = pytest.importorskip("sklearn.metrics")

# The silhouette is a ratio of differences of means: where b - a cancels,
# relative agreement is meaningless, so an absolute floor far below any
# rounding that matters is allowed.
RTOL, ATOL = 1e-10, 1e-12


def _data(n_samples, n_features, n_clusters, seed=0, dtype=np.float64):
    X, _ = make_blobs(n_samples, n_features, n_clusters, cluster_std=3.0, seed=seed,
                      dtype=dtype)
    labels = fastkmeans.fit(X, n_clusters, random_state=seed).labels
    return X, labels


@pytest.fixture(params=["pairs", "chunks"])
def kernel(request, monkeypatch):
    """Run a test with each kernel: tile pairs (few clusters) and row chunks (many)."""
    most = 10**9 if request.param == "pairs" else 0
    monkeypatch.setattr(_metrics, "_MOST_CLUSTERS_FOR_PAIRS", most)
    monkeypatch.setattr(_metrics, "_PAIRS_SUMS_BUDGET", 10**18)
    return request.param


@pytest.mark.parametrize("n_samples, n_features, n_clusters", [
    (3, 1, 2), (50, 2, 3), (257, 5, 4), (600, 33, 7), (1030, 3, 12), (800, 4, 70)])
def test_samples_equal_scikit_learn_float64(n_samples, n_features, n_clusters, kernel):
    X, labels = _data(n_samples, n_features, n_clusters, seed=n_samples)
    ours = fastkmeans.silhouette_samples(X, labels)
    np.testing.assert_allclose(ours, sklearn_metrics.silhouette_samples(X, labels),
                               rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(ours, _reference.silhouette_samples(X, labels),
                               rtol=RTOL, atol=ATOL)
    score = fastkmeans.silhouette_score(X, labels)
    assert score == pytest.approx(sklearn_metrics.silhouette_score(X, labels), rel=RTOL)


def test_random_labels_far_from_the_origin(kernel):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(700, 16)) + 1e3
    labels = rng.integers(0, 5, size=700)
    np.testing.assert_allclose(fastkmeans.silhouette_samples(X, labels),
                               _reference.silhouette_samples(X, labels), rtol=RTOL, atol=ATOL)


def test_float32_matches_float64_of_the_same_values(kernel):
    X, labels = _data(500, 6, 5, dtype=np.float32)
    ours = fastkmeans.silhouette_samples(X, labels)
    assert ours.dtype == np.float64
    # float32 input is read exactly into float64: same values as float64
    np.testing.assert_array_equal(ours, fastkmeans.silhouette_samples(X.astype(np.float64), labels))
    np.testing.assert_allclose(ours, sklearn_metrics.silhouette_samples(X, labels), atol=1e-5)


@pytest.mark.parametrize("n_samples", [1030, 1500])   # an odd and an even number of tiles
def test_same_values_for_any_thread_count(n_samples, kernel):
    X, labels = _data(n_samples, 8, 6)
    one = fastkmeans.silhouette_samples(X, labels, n_threads=1)
    two = fastkmeans.silhouette_samples(X, labels, n_threads=2)
    np.testing.assert_array_equal(one, two)


@pytest.mark.parametrize("encode", [
    lambda labels: labels.astype(np.int8), lambda labels: labels.astype(np.uint64),
    lambda labels: labels * 7 - 20, lambda labels: np.array([f"c{v}" for v in labels]),
    lambda labels: (labels * 1000 + 3).astype(np.int64)[::-1][::-1]])
def test_any_integer_or_string_labels(encode):
    X, labels = _data(120, 3, 4)
    expected = sklearn_metrics.silhouette_samples(X, labels)
    np.testing.assert_allclose(fastkmeans.silhouette_samples(X, encode(labels)), expected,
                               rtol=RTOL, atol=ATOL)


def test_singletons_and_duplicates_score_zero(kernel):
    X = np.array([[0.0, 0.0], [0.0, 0.0], [5.0, 5.0], [5.0, 5.1], [9.0, 9.0]])
    labels = np.array([0, 1, 2, 2, 3])
    values = fastkmeans.silhouette_samples(X, labels)
    # points 0 and 1 are singletons, so is 4
    assert values[0] == values[1] == values[4] == 0.0
    np.testing.assert_allclose(values, sklearn_metrics.silhouette_samples(X, labels),
                               rtol=RTOL, atol=ATOL)
    # a = b = 0: a point whose cluster and nearest other cluster coincide with it
    X = np.zeros((4, 2))
    assert np.array_equal(fastkmeans.silhouette_samples(X, [0, 0, 1, 1]), np.zeros(4))


def test_known_values_on_paper():
    X = np.array([[0.0], [1.0], [10.0], [11.0]])
    # point 0: a = 1, b = (10 + 11) / 2 = 10.5, s = 9.5 / 10.5
    # point 1: a = 1, b = (9 + 10) / 2 = 9.5, s = 8.5 / 9.5
    values = fastkmeans.silhouette_samples(X, [0, 0, 1, 1])
    np.testing.assert_allclose(values, [9.5 / 10.5, 8.5 / 9.5, 8.5 / 9.5, 9.5 / 10.5],
                               rtol=1e-15)


def test_sample_size_scores_the_drawn_subset():
    X, labels = _data(400, 4, 3)
    indices = np.random.default_rng(5).permutation(400)[:150]
    expected = sklearn_metrics.silhouette_score(X[indices], labels[indices])
    assert fastkmeans.silhouette_score(X, labels, sample_size=150, random_state=5) == \
        pytest.approx(expected, rel=RTOL)
    assert fastkmeans.silhouette_score(X, labels, sample_size=400, random_state=1) == \
        pytest.approx(fastkmeans.silhouette_score(X, labels), rel=1e-12)


@pytest.mark.parametrize("labels, message", [
    ([0, 0, 0, 0], "1 distinct clusters"),
    ([0, 1, 2, 3], "4 distinct clusters for 4 samples"),
    ([0, 1, 1], "3 entries but X has 4"),
    ([[0, 1], [1, 0]], "1-D"),
    ([0.0, 1.0, np.nan, 1.0], "NaN"),
])
def test_bad_labels_are_refused(labels, message):
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError, match=message):
        fastkmeans.silhouette_samples(X, labels)
    with pytest.raises(ValueError, match=message):
        fastkmeans.silhouette_score(X, labels)


def test_bad_sample_size_is_refused():
    X, labels = _data(20, 2, 2)
    with pytest.raises(ValueError, match="sample_size"):
        fastkmeans.silhouette_score(X, labels, sample_size=0)
    with pytest.raises(ValueError, match="sample_size"):
        fastkmeans.silhouette_score(X, labels, sample_size=21)
    with pytest.raises(TypeError, match="sample_size"):
        fastkmeans.silhouette_score(X, labels, sample_size=2.5)
    with pytest.raises(ValueError, match="X contains"):
        fastkmeans.silhouette_score(np.full((4, 2), np.nan), [0, 0, 1, 1])
    with pytest.raises(ValueError, match="would overflow"):
        fastkmeans.silhouette_samples(np.full((4, 2), 1e300) * [[1], [-1], [1], [-1]],
                                      [0, 0, 1, 1])


def test_inputs_are_not_modified():
    X, labels = _data(100, 3, 3)
    X.flags.writeable = False
    labels = labels.copy()
    labels.flags.writeable = False
    fastkmeans.silhouette_samples(X, labels)
    fastkmeans.silhouette_score(X, labels, sample_size=50, random_state=0)


def test_memory_is_linear_in_n_not_quadratic():
    n_samples, n_features = 6000, 4
    X = np.random.default_rng(0).normal(size=(n_samples, n_features))
    labels = np.arange(n_samples) % 5
    tracemalloc.start()
    try:
        fastkmeans.silhouette_score(X, labels)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # sorted and packed copies of X plus a few n-vectors; an n x n float64
    # matrix would be 288 MB, one row chunk of it (64 rows) 3 MB
    assert peak < 8 * X.nbytes + 16 * n_samples * 8, peak


def test_blocks_of_several_tiles():
    # 8,500 points make 34 tiles, scheduled in blocks of 2 tiles (17 blocks, odd)
    X, labels = _data(8500, 2, 5, seed=4)
    one = fastkmeans.silhouette_samples(X, labels, n_threads=1)
    np.testing.assert_array_equal(one, fastkmeans.silhouette_samples(X, labels, n_threads=2))
    np.testing.assert_allclose(one, sklearn_metrics.silhouette_samples(X, labels),
                               rtol=RTOL, atol=ATOL)


def test_sparse_input_gives_the_dense_values(kernel):
    sparse = pytest.importorskip("scipy.sparse")
    X, labels = _data(600, 5, 4, seed=9)
    X = np.where(np.abs(X) < 2.0, 0.0, X)
    expected = fastkmeans.silhouette_samples(X, labels)
    for matrix in (sparse.csr_matrix(X), sparse.csr_matrix(X.astype(np.float32))):
        tolerance = 1e-12 if matrix.dtype == np.float64 else 1e-5
        np.testing.assert_allclose(fastkmeans.silhouette_samples(matrix, labels), expected,
                                   rtol=tolerance, atol=tolerance)
    np.testing.assert_allclose(
        fastkmeans.silhouette_score(sparse.csr_matrix(X), labels, sample_size=200,
                                    random_state=1),
        fastkmeans.silhouette_score(X, labels, sample_size=200, random_state=1), rtol=1e-12)


@pytest.mark.parametrize("n_features, n_clusters, budget, expected", [
    (2, 5, 10**9, "pairs"),      # sums within the budget
    (2, 5, 0, "chunks"),         # 5 sums per point, 2 features: over budget
    (8, 5, 0, "pairs"),          # sums smaller than the packed copy of X
    (8, 65, 10**9, "chunks"),    # too many clusters for the pairs kernel
])
def test_kernel_is_chosen_by_memory_as_well_as_clusters(monkeypatch, n_features, n_clusters,
                                                        budget, expected):
    monkeypatch.setattr(_metrics, "_PAIRS_SUMS_BUDGET", budget)
    used = []
    for name, label in (("silhouette_pairs", "pairs"), ("silhouette_sorted", "chunks")):
        kernel_function = getattr(_metrics, name)
        monkeypatch.setattr(_metrics, name, lambda *args, _f=kernel_function, _l=label:
                            used.append(_l) or _f(*args))
    X = np.random.default_rng(0).normal(size=(300, n_features))
    labels = np.arange(300) % n_clusters
    ours = fastkmeans.silhouette_samples(X, labels)
    assert used == [expected]
    np.testing.assert_allclose(ours, sklearn_metrics.silhouette_samples(X, labels),
                               rtol=RTOL, atol=ATOL)


def test_pairs_sums_never_exceed_the_budget_or_the_data():
    assert _metrics._use_pairs_kernel(10**6, 2, 8)            # 8 Mi sums: the budget
    assert not _metrics._use_pairs_kernel(10**6, 2, 9)
    assert _metrics._use_pairs_kernel(10**7, 32, 32)          # no more than X's copy
    assert not _metrics._use_pairs_kernel(10**7, 2, 32)
