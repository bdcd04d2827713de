"""fastkmeans.fit and predict: hand-computed cases, the reference, invariants.

The feature tests run on every input container (conftest.py): dense NumPy in
C and Fortran order and SciPy CSR, which must give the same results.
"""
import dataclasses

import numpy as np
import pytest
from helpers import (
    assert_same_fit,
    clear_of_ties,
    make_blobs,
    random_weights,
    with_index_dtype,
)

import fastkmeans
from fastkmeans import _reference as ref


def _init_centers(X, n_clusters, seed=1):
    rows = np.random.default_rng(seed).choice(X.shape[0], n_clusters, replace=False)
    return np.array(X[rows])


# --- cases computed by hand ---------------------------------------------------

def test_four_points_two_clusters_by_hand():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 1.0]])
    result = fastkmeans.fit(X, 2, init=np.array([[0.0, 0.0], [4.0, 0.0]]))
    # iteration 1 assigns {0, 1} and {2, 3} and moves the centers to the means;
    # iteration 2 changes no label: strict convergence after 2 iterations.
    np.testing.assert_array_equal(result.labels, [0, 0, 1, 1])
    np.testing.assert_array_equal(result.centers, [[0.0, 0.5], [4.0, 0.5]])
    assert result.inertia == 4 * 0.25
    assert result.n_iter == 2
    assert result.converged
    np.testing.assert_array_equal(result.history.inertia, [2.0, 1.0])
    np.testing.assert_array_equal(result.history.center_shift, [0.5, 0.0])


def test_four_points_weighted_by_hand():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 1.0]])
    result = fastkmeans.fit(X, 2, init=np.array([[0.0, 0.0], [4.0, 0.0]]),
                            sample_weight=[1.0, 3.0, 1.0, 1.0])
    np.testing.assert_array_equal(result.centers, [[0.0, 0.75], [4.0, 0.5]])
    # 1 * 0.75^2 + 3 * 0.25^2 + 2 * 0.5^2
    assert result.inertia == pytest.approx(1.25, rel=1e-15)
    assert result.n_iter == 2


def test_empty_cluster_takes_the_farthest_point_by_hand(container):
    X = container(np.array([[0.0], [1.0], [10.0]]))
    result = fastkmeans.fit(X, 3, init=np.array([[0.0], [1.0], [100.0]]))
    # iteration 1: 10 goes to center 1 and cluster 2 is empty; 10 is the point
    # farthest from its center (81), so it re-seeds cluster 2. Iteration 2
    # relabels it (a label changed) but no center moves: the shift, 0, is
    # within tol, so the run stops there and assigns once more.
    np.testing.assert_array_equal(result.labels, [0, 1, 2])
    np.testing.assert_array_equal(result.centers, [[0.0], [1.0], [10.0]])
    assert result.inertia == 0.0
    assert result.n_iter == 2
    assert result.converged
    np.testing.assert_array_equal(result.history.center_shift, [90.0 ** 2, 0.0])


def test_one_cluster_is_the_weighted_mean():
    X, _ = make_blobs(500, 3, 4, seed=2)
    w = random_weights(500)
    result = fastkmeans.fit(X, 1, sample_weight=w)
    mean = (w[:, None] * X).sum(axis=0) / w.sum()
    np.testing.assert_allclose(result.centers[0], mean, rtol=1e-12)
    np.testing.assert_array_equal(result.labels, 0)
    expected = float((w * ((X - mean) ** 2).sum(axis=1)).sum())
    assert result.inertia == pytest.approx(expected, rel=1e-12)


def test_as_many_clusters_as_distinct_points():
    X = np.random.default_rng(0).normal(size=(40, 3))
    result = fastkmeans.fit(X, 40, random_state=0)
    assert result.inertia == 0.0
    assert sorted(result.labels.tolist()) == list(range(40))
    np.testing.assert_array_equal(result.centers[result.labels], X)


def test_fewer_distinct_points_than_clusters_warns_and_returns_valid_result():
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]]), 10, axis=0)
    with pytest.warns(fastkmeans.ConvergenceWarning, match="3 distinct clusters"):
        result = fastkmeans.fit(X, 5, random_state=0)
    assert result.inertia == 0.0
    assert set(result.labels.tolist()) <= set(range(5))
    np.testing.assert_array_equal(result.centers[result.labels], X)


# --- against the reference ------------------------------------------------------

@pytest.mark.parametrize("weighted", [False, True])
def test_fit_matches_reference_from_same_centers(dtype, container, weighted):
    X, _ = make_blobs(2000, 5, 6, cluster_std=2.5, seed=3, dtype=dtype)
    w = random_weights(2000) if weighted else None
    init = _init_centers(X, 6)
    got = fastkmeans.fit(container(X), 6, init=init, sample_weight=w, n_threads=2)
    expected = ref.lloyd(X, init, sample_weight=w)
    assert got.n_iter == expected.n_iter
    np.testing.assert_array_equal(got.labels, expected.labels)
    rtol = 1e-5 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(got.centers, expected.centers, rtol=rtol, atol=rtol)
    assert got.inertia == pytest.approx(expected.inertia, rel=rtol)
    np.testing.assert_allclose(got.history.inertia, expected.history.inertia, rtol=rtol)
    assert got.centers.dtype == dtype


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_full_fit_matches_reference_for_same_seed(init):
    X, _ = make_blobs(1500, 4, 5, cluster_std=2.0, seed=4)
    w = random_weights(1500)
    got = fastkmeans.fit(X, 5, init=init, n_init=3, random_state=7, sample_weight=w)
    expected = ref.fit(X, 5, init=init, n_init=3, random_state=7, sample_weight=w)
    np.testing.assert_array_equal(got.labels, expected.labels)
    np.testing.assert_allclose(got.centers, expected.centers, rtol=1e-10)
    assert got.n_iter == expected.n_iter


@pytest.mark.parametrize("weighted", [False, True])
def test_kmeans_plusplus_matches_reference(dtype, weighted, container):
    X, _ = make_blobs(3000, 6, 10, seed=5, dtype=dtype, zero_below=6.0)
    w = random_weights(3000) if weighted else np.ones(3000)
    centers, indices = fastkmeans.kmeans_plusplus(container(X), 10, sample_weight=w,
                                                  random_state=3)
    exp_centers, exp_indices = ref.kmeans_plusplus(X, 10, w, np.random.default_rng(3))
    np.testing.assert_array_equal(indices, exp_indices)
    np.testing.assert_array_equal(centers, exp_centers)
    assert centers.dtype == dtype
    assert len(set(indices.tolist())) == 10


def test_kmeans_plusplus_never_picks_zero_weight_points():
    X, _ = make_blobs(600, 2, 3, seed=6)
    w = np.zeros(600)
    w[::7] = 1.0
    _, indices = fastkmeans.kmeans_plusplus(X, 20, sample_weight=w, random_state=0)
    assert np.all(w[indices] > 0)


# --- invariants -------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lloyd_invariants(dtype, seed):
    X, _ = make_blobs(3000, 4, 8, cluster_std=4.0, seed=seed, dtype=dtype)
    w = random_weights(3000, seed=seed)
    result = fastkmeans.fit(X, 8, tol=0.0, max_iter=1000, random_state=seed,
                            sample_weight=w)
    assert result.converged
    # inertia never increases over the iterations
    steps = np.diff(result.history.inertia)
    assert np.all(steps <= 1e-12 * result.history.inertia[:-1]), steps.max()
    # every label is the nearest center
    labels, _ = ref.assign_labels(X.astype(np.float64), result.centers.astype(np.float64))
    clear = clear_of_ties(X, result.centers)
    np.testing.assert_array_equal(result.labels[clear], labels[clear])
    # each center is the weighted mean of its points
    for cluster in range(8):
        members = result.labels == cluster
        mean = (w[members, None] * X[members]).sum(axis=0) / w[members].sum()
        np.testing.assert_allclose(result.centers[cluster], mean,
                                   rtol=2e-5 if dtype == np.float32 else 1e-12, atol=1e-5)
    assert result.inertia == pytest.approx(
        ref.inertia(X, w, result.centers, result.labels), rel=1e-5)


def test_max_iter_stops_the_run_and_labels_match_final_centers():
    X, _ = make_blobs(2000, 2, 10, cluster_std=5.0, seed=8)
    result = fastkmeans.fit(X, 10, max_iter=2, tol=0.0, random_state=0)
    assert result.n_iter == 2
    assert not result.converged
    assert len(result.history) == 2
    np.testing.assert_array_equal(result.labels, fastkmeans.predict(X, result.centers))


def test_tol_stops_earlier_than_strict_convergence():
    X, _ = make_blobs(5000, 2, 10, cluster_std=5.0, seed=9)
    strict = fastkmeans.fit(X, 10, tol=0.0, random_state=0, max_iter=1000)
    loose = fastkmeans.fit(X, 10, tol=1e-2, random_state=0, max_iter=1000)
    assert loose.converged and strict.converged
    assert loose.n_iter < strict.n_iter
    variance = np.var(X, axis=0).mean()
    assert loose.history.center_shift[-1] <= 1e-2 * variance
    assert np.all(loose.history.center_shift[:-1] > 1e-2 * variance)
    np.testing.assert_array_equal(loose.labels, fastkmeans.predict(X, loose.centers))


def test_more_inits_never_worse():
    X, _ = make_blobs(1000, 2, 8, cluster_std=3.0, seed=10)
    one = fastkmeans.fit(X, 8, init="random", n_init=1, random_state=0)
    many = fastkmeans.fit(X, 8, init="random", n_init=10, random_state=0)
    assert many.inertia <= one.inertia


def test_zero_weight_points_do_not_move_centers():
    X, _ = make_blobs(1000, 3, 4, seed=11)
    w = np.ones(1000)
    w[::3] = 0.0
    init = X[[1, 2, 4, 5]]
    weighted = fastkmeans.fit(X, 4, init=init, sample_weight=w)
    subset = fastkmeans.fit(X[w > 0], 4, init=init)
    np.testing.assert_allclose(weighted.centers, subset.centers, rtol=1e-12)
    assert weighted.inertia == pytest.approx(subset.inertia, rel=1e-12)


def test_integer_weights_equal_repeated_points():
    X, _ = make_blobs(300, 2, 3, seed=12)
    counts = np.random.default_rng(0).integers(1, 4, size=300)
    init = X[:3]
    weighted = fastkmeans.fit(X, 3, init=init, sample_weight=counts)
    repeated = fastkmeans.fit(np.repeat(X, counts, axis=0), 3, init=init)
    np.testing.assert_allclose(weighted.centers, repeated.centers, rtol=1e-12)
    assert weighted.inertia == pytest.approx(repeated.inertia, rel=1e-12)
    assert weighted.n_iter == repeated.n_iter


# --- options and the result ---------------------------------------------------------

def test_callable_init_gets_read_only_data_of_the_same_class_and_a_generator(container):
    X, _ = make_blobs(200, 2, 3, seed=13)
    seen = {}

    def first_rows(data, n_clusters, rng):
        seen.update(data=data, rng=rng, n_clusters=n_clusters)
        rows = data[:n_clusters]
        return rows.toarray() if container.sparse else rows

    result = fastkmeans.fit(container(X), 3, init=first_rows, n_init=1, random_state=0)
    assert type(seen["data"]) is type(container(X))
    values = seen["data"].data if container.sparse else seen["data"]
    assert values.flags.writeable is False
    with pytest.raises(ValueError):
        values[0] = 1.0
    assert isinstance(seen["rng"], np.random.Generator)
    assert seen["n_clusters"] == 3
    expected = fastkmeans.fit(container(X), 3, init=X[:3])
    np.testing.assert_array_equal(result.centers, expected.centers)


def test_random_state_reproducible_and_generator_accepted():
    X, _ = make_blobs(500, 2, 5, seed=14)
    a = fastkmeans.fit(X, 5, random_state=42)
    b = fastkmeans.fit(X, 5, random_state=42)
    c = fastkmeans.fit(X, 5, random_state=np.random.default_rng(42))
    np.testing.assert_array_equal(a.centers, b.centers)
    np.testing.assert_array_equal(a.centers, c.centers)
    fastkmeans.fit(X, 5, random_state=np.random.RandomState(0))  # legacy accepted


def test_integer_and_bool_data_become_float64_and_float32_stays(container):
    X = np.random.default_rng(0).integers(0, 100, size=(200, 3))
    assert fastkmeans.fit(container(X), 3, random_state=0).centers.dtype == np.float64
    assert fastkmeans.fit(container(X % 2 == 0), 2, random_state=0).centers.dtype == np.float64
    result = fastkmeans.fit(container(X.astype(np.float32)), 3, random_state=0)
    assert result.centers.dtype == np.float32
    assert isinstance(result.inertia, float)
    assert result.labels.dtype == np.int32


def test_result_is_immutable():
    X, _ = make_blobs(100, 2, 2, seed=15)
    result = fastkmeans.fit(X, 2, random_state=0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.inertia = 0.0
    for array in (result.centers, result.labels, result.history.inertia):
        with pytest.raises(ValueError):
            array[0] = 0
    assert "KMeansResult(n_clusters=2" in repr(result)


def test_predict_matches_reference_and_returns_distances(dtype, container):
    X, _ = make_blobs(1000, 5, 7, seed=16, dtype=dtype)
    centers = _init_centers(X, 7)
    labels, sq = fastkmeans.predict(container(X), centers, return_distances=True)
    exp_labels, exp_sq = ref.assign_labels(np.ascontiguousarray(X), centers)
    clear = clear_of_ties(X, centers)
    np.testing.assert_array_equal(labels[clear], exp_labels[clear])
    np.testing.assert_allclose(sq, exp_sq, rtol=2e-5 if dtype == np.float32 else 1e-12)
    assert sq.dtype == dtype
    np.testing.assert_array_equal(fastkmeans.predict(container(X), centers), labels)


def test_predict_with_float64_centers_on_float32_data():
    X, _ = make_blobs(300, 3, 3, seed=17, dtype=np.float32)
    centers = np.asarray(X[:3], dtype=np.float64)
    labels, sq = fastkmeans.predict(X, centers, return_distances=True)
    assert sq.dtype == np.float32
    np.testing.assert_array_equal(labels[:3], [0, 1, 2])


# --- the same fit on every container ------------------------------------------------

def test_fit_from_given_centers_is_the_same_on_every_container(dtype, container):
    dense, _ = make_blobs(600, 30, 5, cluster_std=2.0, seed=0, dtype=dtype, zero_below=6.0)
    init = dense[[3, 50, 100, 150, 200]]
    w = random_weights(dense.shape[0])
    result = fastkmeans.fit(container(dense), 5, init=init, sample_weight=w)
    dense_result = fastkmeans.fit(dense, 5, init=init, sample_weight=w)
    assert result.centers.dtype == dtype
    assert_same_fit(result, dense_result, dense, dtype)
    np.testing.assert_allclose(result.history.inertia, dense_result.history.inertia,
                               rtol=1e-9 if dtype == np.float64 else 1e-5)


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_fit_from_a_seed_is_the_same_on_every_container(init, dtype, container):
    dense, _ = make_blobs(600, 30, 5, cluster_std=2.0, seed=2, dtype=dtype, zero_below=6.0)
    options = dict(init=init, n_init=2, random_state=7, sample_weight=random_weights(600))
    assert_same_fit(fastkmeans.fit(container(dense), 5, **options),
                    fastkmeans.fit(dense, 5, **options), dense, dtype)


def test_fit_equals_the_reference_on_densified_csr_rows(sparse_container):
    dense, _ = make_blobs(600, 30, 5, cluster_std=2.0, seed=4, zero_below=6.0)
    X = sparse_container(dense)
    init = dense[:5]
    expected = ref.lloyd(ref.densify(X.data, X.indices, X.indptr, X.shape), init, tol=1e-4)
    assert_same_fit(fastkmeans.fit(X, 5, init=init), expected, dense, np.float64)


def test_stop_on_tol_and_max_iter_is_the_same_on_every_container(container):
    dense, _ = make_blobs(800, 30, 8, cluster_std=2.0, seed=5, zero_below=6.0)
    init = dense[:8]
    for options in (dict(tol=1e-2), dict(tol=0.0, max_iter=2)):
        a = fastkmeans.fit(container(dense), 8, init=init, **options)
        b = fastkmeans.fit(dense, 8, init=init, **options)
        assert_same_fit(a, b, dense, np.float64)
        assert a.converged == b.converged


def test_empty_clusters_in_many_dimensions_are_the_same_on_every_container(container):
    dense, _ = make_blobs(300, 30, 3, cluster_std=2.0, seed=6, zero_below=6.0)
    # three centers far from every point: two clusters start empty
    init = np.vstack([dense[0], np.full((2, dense.shape[1]), 1e3)])
    a = fastkmeans.fit(container(dense), 3, init=init, sample_weight=random_weights(300))
    b = fastkmeans.fit(dense, 3, init=init, sample_weight=random_weights(300))
    assert_same_fit(a, b, dense, np.float64)


def test_all_zero_data(container):
    X = container(np.zeros((50, 4)))
    result = fastkmeans.fit(X, 1)
    np.testing.assert_array_equal(result.centers, np.zeros((1, 4)))
    assert result.inertia == 0.0
    with pytest.warns(fastkmeans.ConvergenceWarning, match="found 1 distinct clusters"):
        fastkmeans.fit(X, 3, random_state=0)


def test_sparse_int64_indices_give_the_int32_results(dtype, sparse_container):
    dense, _ = make_blobs(600, 30, 5, cluster_std=2.0, seed=8, dtype=dtype, zero_below=6.0)
    X32 = sparse_container(dense)
    X64 = with_index_dtype(X32, np.int64)
    assert X64.indices.dtype == X64.indptr.dtype == np.int64
    init = dense[[3, 50, 100, 150, 200]]
    w = random_weights(600)
    assert_same_fit(fastkmeans.fit(X64, 5, init=init, sample_weight=w),
                    fastkmeans.fit(X32, 5, init=init, sample_weight=w), dense, dtype)
    for X in (X32, X64):
        labels, sq_dist = fastkmeans.predict(X, init, return_distances=True)
        assert sq_dist.dtype == dtype
        clear = clear_of_ties(dense, init)
        np.testing.assert_array_equal(labels[clear], fastkmeans.predict(dense, init)[clear])
        rel = 1e-12 if dtype == np.float64 else 1e-5
        expected = ref.label_sq_distances(dense, init, labels)
        np.testing.assert_allclose(sq_dist, expected, rtol=rel, atol=rel * expected.max())
