"""Every instruction-set path of the nearest-center kernels against the reference.

The kernels have two layouts (dense: centers in vector lanes, register
tiles of rows; low-d: rows in vector lanes) and several vector widths, so
the shapes below are chosen to hit every edge: numbers of rows that are not
multiples of the tile or of the vector, numbers of clusters below one
vector, just above a full panel, and many panels.
"""
import numpy as np
import pytest
from helpers import clear_of_ties, make_blobs, random_weights

import fastkmeans
from fastkmeans import _reference as ref
from fastkmeans._lloyd import lloyd_iteration
from fastkmeans._simd import best_path, forced_path, supported_paths

PATHS = supported_paths()
SHAPES = [
    # n_samples, n_features, n_clusters; which layout _kernels.c picks
    (1, 1, 1),          # low-d from here
    (37, 1, 3),
    (301, 2, 4),
    (1000, 2, 8),
    (1003, 2, 11),
    (777, 3, 40),       # sums row by row (too many for the lanes)
    (517, 8, 17),
    (403, 9, 5),
    (611, 12, 30),
    (299, 16, 20),
    (403, 9, 50),       # dense from here
    (1001, 16, 33),
    (999, 32, 64),
    (257, 31, 65),
    (300, 70, 200),
    (50, 300, 7),
    (400, 5, 300),
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_lloyd_iteration_on_every_path(path, dtype, shape):
    n_samples, n_features, n_clusters = shape
    X, _ = make_blobs(n_samples, n_features, max(1, n_clusters // 2), cluster_std=3.0,
                      seed=n_samples, dtype=dtype)
    centers = X[np.random.default_rng(1).choice(n_samples, n_clusters, replace=False)]
    w = random_weights(n_samples)
    previous = np.random.default_rng(2).integers(0, n_clusters, n_samples).astype(np.int32)
    labels = previous.copy()
    sums = np.empty((n_clusters, n_features))
    weights = np.empty(n_clusters)
    with forced_path(path):
        inertia, n_changed = lloyd_iteration(X, w, centers, labels, sums, weights, 2)
    expected_labels, expected_sq = ref.assign_labels(X, centers)
    clear = clear_of_ties(X, centers)
    np.testing.assert_array_equal(labels[clear], expected_labels[clear])
    assert n_changed == np.count_nonzero(labels != previous)
    # sums and weights of the points as the kernel labelled them
    exp_sums, exp_weights = ref.update_sums(X, w, labels, n_clusters)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(weights, exp_weights, rtol=rtol)
    np.testing.assert_allclose(sums, exp_sums, rtol=rtol, atol=rtol * np.abs(exp_sums).max())
    exp_inertia = ref.inertia(X, w, centers, labels)
    assert inertia == pytest.approx(exp_inertia, rel=rtol, abs=1e-12)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_predict_on_every_path(path, dtype, shape):
    n_samples, n_features, n_clusters = shape
    X, _ = make_blobs(n_samples, n_features, max(1, n_clusters // 2), seed=n_samples + 1,
                      dtype=dtype)
    centers = X[np.random.default_rng(3).choice(n_samples, n_clusters, replace=False)]
    with forced_path(path):
        labels, sq = fastkmeans.predict(X, centers, return_distances=True)
    expected_labels, expected_sq = ref.assign_labels(X, centers)
    clear = clear_of_ties(X, centers)
    np.testing.assert_array_equal(labels[clear], expected_labels[clear])
    # the distance reported is the exact one to the chosen center
    np.testing.assert_allclose(sq, ref.label_sq_distances(X, centers, labels),
                               rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-6)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("n_clusters", [1, 7, 16, 17, 40, 70])
def test_sparse_predict_on_every_path(path, dtype, n_clusters, sparse_container):
    dense, _ = make_blobs(300, 20, 5, cluster_std=2.0, seed=n_clusters, dtype=dtype,
                          zero_below=6.0)
    centers = dense[np.random.default_rng(0).choice(300, n_clusters, replace=False)]
    centers = centers + np.random.default_rng(1).normal(size=centers.shape).astype(dtype)
    with forced_path(path):
        labels = fastkmeans.predict(sparse_container(dense), centers)
    expected, _ = ref.assign_labels(dense.astype(np.float64), centers.astype(np.float64))
    clear = clear_of_ties(dense, centers)
    np.testing.assert_array_equal(labels[clear], expected[clear])


@pytest.mark.parametrize("path", PATHS)
def test_data_far_from_the_origin(path):
    # |x| is 1e4 times the spread: the norm expansion would cancel badly in
    # float32 without centering; labels must still be the nearest centers.
    X, _ = make_blobs(2000, 20, 5, cluster_std=1.0, spread=5.0, seed=4)
    X = (X + 1e4).astype(np.float32)
    centers = X[:5].copy()
    with forced_path(path):
        labels = fastkmeans.predict(X, centers)
    expected, _ = ref.assign_labels(X.astype(np.float64), centers.astype(np.float64))
    clear = clear_of_ties(X, centers, rel_gap=1e-3)
    np.testing.assert_array_equal(labels[clear], expected[clear])


def test_paths_agree_on_a_whole_fit():
    X, _ = make_blobs(5000, 12, 10, cluster_std=2.0, seed=5)
    results = {}
    for path in PATHS:
        with forced_path(path):
            results[path] = fastkmeans.fit(X, 10, random_state=0)
    best = results[best_path()]
    for result in results.values():
        np.testing.assert_array_equal(result.labels, best.labels)
        assert result.n_iter == best.n_iter
        np.testing.assert_allclose(result.centers, best.centers, rtol=1e-12)


def test_forcing_an_unsupported_path_is_refused():
    with pytest.raises(ValueError, match="not supported"):
        with forced_path("sse9000"):
            pass


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("shape", [(500, 2, 9), (800, 12, 30), (300, 40, 70)],
                         ids=lambda s: "x".join(map(str, s)))
def test_kmeans_plusplus_on_every_path(path, dtype, shape):
    n_samples, n_features, n_clusters = shape
    X, _ = make_blobs(n_samples, n_features, n_clusters, seed=n_features, dtype=dtype)
    w = random_weights(n_samples)
    with forced_path(path):
        centers, indices = fastkmeans.kmeans_plusplus(X, n_clusters, sample_weight=w,
                                                      random_state=7, n_local_trials=20)
    _, expected = ref.kmeans_plusplus(X, n_clusters, w, np.random.default_rng(7),
                                      n_local_trials=20)
    np.testing.assert_array_equal(indices, expected)
