"""Same answer as scikit-learn's KMeans from the same initial centers."""
import numpy as np
import pytest
from helpers import clear_of_ties, make_blobs, random_weights

import fastkmeans

sklearn_cluster = pytest.importorskip("sklearn.cluster")

CASES = [
    # n_samples, n_features, n_clusters, cluster_std, tol
    (2000, 2, 5, 1.5, 1e-4),
    (3000, 8, 12, 4.0, 1e-4),
    (1500, 30, 20, 6.0, 0.0),
    (500, 3, 40, 2.0, 1e-4),
]


def _sklearn_fit(X, init, sample_weight, tol, max_iter=300):
    km = sklearn_cluster.KMeans(n_clusters=init.shape[0], init=init, n_init=1, tol=tol,
                                max_iter=max_iter, algorithm="lloyd")
    return km.fit(X, sample_weight=sample_weight)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("case", CASES)
def test_same_result_as_sklearn(dtype, weighted, case):
    n_samples, n_features, n_clusters, std, tol = case
    X, _ = make_blobs(n_samples, n_features, n_clusters, cluster_std=std, seed=n_features,
                      dtype=dtype)
    w = random_weights(n_samples) if weighted else None
    init = X[np.random.default_rng(0).choice(n_samples, n_clusters, replace=False)]
    ours = fastkmeans.fit(X, n_clusters, init=init, tol=tol, sample_weight=w)
    theirs = _sklearn_fit(X, init, w, tol)
    assert ours.n_iter == theirs.n_iter_
    np.testing.assert_array_equal(ours.labels, theirs.labels_)
    rel = 1e-9 if dtype == np.float64 else 1e-5
    assert ours.inertia == pytest.approx(theirs.inertia_, rel=rel)
    np.testing.assert_allclose(ours.centers, theirs.cluster_centers_,
                               rtol=1e3 * rel, atol=1e3 * rel)


def test_same_empty_cluster_handling_as_sklearn():
    X = np.array([[0.0], [1.0], [10.0]])
    init = np.array([[0.0], [1.0], [100.0]])
    ours = fastkmeans.fit(X, 3, init=init)
    theirs = _sklearn_fit(X, init, None, 1e-4)
    assert ours.n_iter == theirs.n_iter_
    np.testing.assert_array_equal(ours.labels, theirs.labels_)
    np.testing.assert_allclose(ours.centers, theirs.cluster_centers_)


def test_same_result_as_sklearn_when_stopped_by_max_iter():
    X, _ = make_blobs(4000, 4, 30, cluster_std=8.0, seed=3)
    init = X[:30]
    ours = fastkmeans.fit(X, 30, init=init, max_iter=5, tol=0.0)
    theirs = _sklearn_fit(X, init, None, 0.0, max_iter=5)
    assert ours.n_iter == theirs.n_iter_ == 5
    np.testing.assert_array_equal(ours.labels, theirs.labels_)
    assert ours.inertia == pytest.approx(theirs.inertia_, rel=1e-9)


# --- sparse input: scikit-learn's sparse Lloyd ----------------------------------------

@pytest.mark.parametrize("weighted", [False, True])
def test_same_result_as_sklearn_on_every_container(dtype, weighted, container):
    dense, _ = make_blobs(700, 30, 6, cluster_std=2.0, seed=10, dtype=dtype, zero_below=6.0)
    X = container(dense)
    init = dense[[0, 100, 200, 300, 400, 500]]
    w = random_weights(700) if weighted else None
    ours = fastkmeans.fit(X, 6, init=init, sample_weight=w, tol=1e-4)
    theirs = _sklearn_fit(X, init, w, 1e-4)
    assert ours.n_iter == theirs.n_iter_
    clear = clear_of_ties(dense, theirs.cluster_centers_)
    np.testing.assert_array_equal(ours.labels[clear], theirs.labels_[clear])
    # scikit-learn sums float32 inertia in float32
    assert ours.inertia == pytest.approx(theirs.inertia_, rel=1e-9 if dtype == np.float64 else 1e-4)


def test_center_distances_and_predict_match_sklearn_transform_and_predict(container):
    dense, _ = make_blobs(300, 30, 5, cluster_std=2.0, seed=20, zero_below=6.0)
    X = container(dense)
    kmeans = sklearn_cluster.KMeans(5, init=dense[:5], n_init=1).fit(X)
    np.testing.assert_allclose(fastkmeans.center_distances(X, kmeans.cluster_centers_),
                               kmeans.transform(X), rtol=1e-9)
    clear = clear_of_ties(dense, kmeans.cluster_centers_)
    np.testing.assert_array_equal(fastkmeans.predict(X, kmeans.cluster_centers_)[clear],
                                  kmeans.predict(X)[clear])
