"""The knee finder on curves whose knee is known on paper, and elbow() on data."""
import inspect

import numpy as np
import pytest

import fastkmeans
from fastkmeans._fit import fit_validated
from fastkmeans._knee import find_knee

K = np.arange(1, 10)


@pytest.mark.parametrize("corner", [2, 3, 4, 6])
def test_piecewise_linear_curve_has_its_knee_at_the_corner(corner):
    # steep straight fall to the corner, then a gentle straight decline
    y = np.where(K <= corner, 100.0 - 30.0 * (K - 1),
                 100.0 - 30.0 * (corner - 1) - 1.0 * (K - corner))
    assert find_knee(K, y).index == corner - 1


def test_inverse_curve_has_its_knee_where_the_gap_to_the_chord_peaks():
    # y = 1/k on 1..9: the gap (1 - (k - 1) / 8) - (1/k - 1/9) / (8/9) is
    # largest where its derivative -1/8 + 9 / (8 k^2) vanishes: k = 3
    assert find_knee(K, 1.0 / K).index == 2


def test_exponential_decay_knee_does_not_depend_on_scale():
    y = np.exp(-K / 1.5)
    assert find_knee(K, y).index == find_knee(K * 10.0, 7.0 * y + 3.0).index


@pytest.mark.parametrize("y, reason", [
    (100.0 - 5.0 * K, "straight line"),
    (100.0 - K ** 2, "straight line or bends too little"),   # concave
    (np.full(9, 3.0), "flat"),
    (1.0 * K, "does not decrease"),
    (100.0 - 5.0 * K - 0.01 * (K == 4), "bends too little"),
])
def test_curves_without_a_knee_say_why(y, reason):
    knee = find_knee(K, y)
    assert knee.index is None and reason in knee.reason


def test_too_few_points_and_bad_input():
    assert find_knee([1, 2], [5.0, 1.0]).index is None
    assert "at least 3" in find_knee([1, 2], [5.0, 1.0]).reason
    with pytest.raises(ValueError, match="increasing"):
        find_knee([1, 3, 2], [3.0, 2.0, 1.0])
    with pytest.raises(ValueError, match="same length"):
        find_knee([1, 2, 3], [3.0, 2.0])
    with pytest.raises(ValueError, match="finite"):
        find_knee([1, 2, 3], [3.0, np.nan, 1.0])


def test_four_separated_blobs_give_k_4():
    X, _ = fastkmeans.datasets.blobs()
    result = fastkmeans.elbow(X, range(1, 10), random_state=0)
    assert result.knee == 4 and result.reason == ""
    assert result.k_values == tuple(range(1, 10))
    # each inertia is the one fit() gives for that k with the same options
    for k, inertia in zip(result.k_values, result.inertias, strict=True):
        assert inertia == fastkmeans.fit(X, k, random_state=0).inertia
    assert result.centers[3].shape == (4, 2)
    assert result.fits is None
    assert not result.inertias.flags.writeable
    assert "knee=4" in repr(result)


def test_tutorial_data_answer_is_the_knee_of_its_curve():
    X = fastkmeans.datasets.tutorial_points()
    result = fastkmeans.elbow(X, random_state=2021)
    assert result.knee == result.k_values[find_knee(result.k_values, result.inertias).index]
    assert np.all(np.diff(result.inertias) < 0)


def test_fit_options_reach_every_fit():
    X, _ = fastkmeans.datasets.blobs()
    seen = []
    result = fastkmeans.elbow(X, [2, 3, 5], init="random", n_init=2, random_state=1,
                              max_iter=2, n_threads=1, on_fit=lambda k, r: seen.append(k))
    assert seen == [2, 3, 5]
    assert all(n_iter <= 2 for n_iter in result.n_iter)


@pytest.mark.parametrize("k_range, error, message", [
    ([], ValueError, "empty"),
    ([3, 2], ValueError, "increasing"),
    ([0, 1], ValueError, "invalid k: n_clusters=0 is out of range"),
    ([1, 401], ValueError, "invalid k: n_clusters=401 is out of range"),
    ([1, 2.5], TypeError, "invalid k: n_clusters must be an integer"),
    ([1, True], TypeError, "invalid k: n_clusters must be an integer"),
    (5, TypeError, "iterable"),
])
def test_bad_k_range_is_refused(k_range, error, message):
    X, _ = fastkmeans.datasets.blobs()
    with pytest.raises(error, match=message):
        fastkmeans.elbow(X, k_range)


def test_a_single_k_has_no_knee():
    X, _ = fastkmeans.datasets.blobs()
    result = fastkmeans.elbow(X, [3], random_state=0)
    assert result.knee is None and "at least 3" in result.reason


def test_sparse_input_gives_the_dense_answer():
    sparse = pytest.importorskip("scipy.sparse")
    X, _ = fastkmeans.datasets.blobs(n_samples=120)
    X = np.where(np.abs(X) < 2.0, 0.0, X)  # some stored zeros dropped
    dense = fastkmeans.elbow(X, range(1, 6), random_state=0)
    for matrix in (sparse.csr_matrix(X), sparse.csc_matrix(X)):
        result = fastkmeans.elbow(matrix, range(1, 6), random_state=0)
        assert result.k_values == dense.k_values and result.knee == dense.knee
        np.testing.assert_allclose(result.inertias, dense.inertias, rtol=1e-9)
        for ours, theirs in zip(result.centers, dense.centers, strict=True):
            np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_default_range_is_cut_to_the_samples_but_a_given_one_is_not():
    X = np.array([[0.0], [1.0], [5.0], [6.0], [20.0]])
    result = fastkmeans.elbow(X, random_state=0)
    assert result.k_values == (1, 2, 3, 4, 5)
    X9 = np.arange(12.0).reshape(-1, 1)
    assert fastkmeans.elbow(X9, random_state=0).k_values == tuple(range(1, 10))
    with pytest.raises(ValueError, match="n_clusters=6 is out of range"):
        fastkmeans.elbow(X, range(1, 10))


def test_full_fits_are_kept_only_on_request():
    X, _ = fastkmeans.datasets.blobs(n_samples=100)
    light = fastkmeans.elbow(X, [2, 4], random_state=3)
    with pytest.raises(ValueError, match="keep_fits=True"):
        light.fit_for(4)
    full = fastkmeans.elbow(X, [2, 4], random_state=3, keep_fits=True)
    for k, centers, n_iter, fit in zip(full.k_values, light.centers, light.n_iter, full.fits,
                                       strict=True):
        expected = fastkmeans.fit(X, k, random_state=3)
        np.testing.assert_array_equal(centers, expected.centers)
        assert n_iter == expected.n_iter
        np.testing.assert_array_equal(fit.labels, expected.labels)
    assert full.fit_for(4) is full.fits[1]


def test_on_fit_returning_true_stops_the_elbow():
    X, _ = fastkmeans.datasets.blobs(n_samples=100)
    seen = []
    result = fastkmeans.elbow(X, range(1, 8), random_state=0,
                              on_fit=lambda k, _: seen.append(k) or k == 3)
    assert seen == [1, 2, 3] and result.k_values == (1, 2, 3)
    assert len(result.inertias) == len(result.centers) == 3


def test_callback_stops_each_fit_not_the_elbow():
    X, _ = fastkmeans.datasets.blobs(n_samples=100)
    result = fastkmeans.elbow(X, range(1, 5), random_state=0, callback=lambda info: True)
    assert result.k_values == (1, 2, 3, 4) and result.n_iter == (1, 1, 1, 1)


def test_bad_on_fit_is_refused_by_name():
    X, _ = fastkmeans.datasets.blobs(n_samples=50)
    with pytest.raises(TypeError, match="on_fit must be a callable"):
        fastkmeans.elbow(X, on_fit=3)


def test_elbow_fits_with_fits_defaults():
    # elbow calls _fit.fit_validated (X validated once): its defaults must stay fit's
    inner = inspect.signature(fit_validated).parameters
    for name, parameter in inspect.signature(fastkmeans.fit).parameters.items():
        if parameter.kind is parameter.KEYWORD_ONLY:
            assert name in inner, name
            if name != "n_threads":  # resolved before fit_validated is called
                assert inner[name].default == parameter.default, name
