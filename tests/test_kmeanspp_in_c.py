"""Greedy k-means++ on dense rows runs every step in C (``greedy_steps`` of the
dense and float16 seedings, ``core/seed_impl.h``): candidates drawn from the
Generator's own stream, scored on exact distances in one pass over X where
their distances can be kept (two passes otherwise).

Checked here: the centers of the NumPy reference (which draws from the same
stream with its own distances), every point's closest distance as a brute
force gives it on both the one-pass and the two-pass path, results bitwise
independent of the thread count, float16 bitwise float32, and the Python
steps taking over where no mass is left.
"""
import numpy as np
import pytest
from helpers import make_blobs, random_weights

import fastkmeans
from fastkmeans import _reference as ref
from fastkmeans._validation import check_data


def _steps(X, n_clusters, weights, seed, n_threads, n_local_trials, first=0):
    """``(chosen, centers, indices, closest, weighted)`` of the C steps."""
    data, _ = check_data(X, n_threads, float16=True)
    seeding = data.seeding(weights, n_local_trials, n_threads)
    centers = np.empty((n_clusters, X.shape[1]),
                       dtype=np.float32 if X.dtype == np.float16 else X.dtype)
    indices = np.zeros(n_clusters, dtype=np.int64)
    indices[0] = first
    closest, weighted = np.empty(X.shape[0]), np.empty(X.shape[0])
    chosen = seeding.greedy_steps(n_local_trials, np.random.default_rng(seed), centers,
                                  indices, closest, weighted)
    return chosen, centers, indices, closest, weighted


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(700, 2, 9), (3000, 16, 40), (1200, 70, 25)],
                         ids=lambda s: "x".join(map(str, s)))
def test_kmeans_plusplus_matches_the_reference(dtype, shape):
    n_samples, n_features, n_clusters = shape
    X, _ = make_blobs(n_samples, n_features, 8, seed=n_features, dtype=dtype)
    weights = random_weights(n_samples)
    weights[::11] = 0.0  # never drawn
    centers, indices = fastkmeans.kmeans_plusplus(X, n_clusters, sample_weight=weights,
                                                  random_state=5, n_threads=2)
    _, expected = ref.kmeans_plusplus(X, n_clusters, weights, np.random.default_rng(5))
    np.testing.assert_array_equal(indices, expected)
    np.testing.assert_array_equal(centers, X[indices])
    assert centers.dtype == dtype
    assert np.all(weights[indices] > 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_local_trials", [3, 12], ids=["one pass", "two passes"])
def test_closest_distances_are_exact_on_both_paths(dtype, n_local_trials):
    # 16 features: 3 candidates' distances are kept (3 * 3 <= 16), 12 are not
    X, _ = make_blobs(2000, 16, 6, seed=3, dtype=dtype)
    weights = random_weights(2000)
    chosen, centers, indices, closest, weighted = _steps(X, 20, weights, 1, 2, n_local_trials)
    assert chosen == 20
    np.testing.assert_array_equal(centers, X[indices])
    X64 = X.astype(np.float64)
    expected = ref.squared_distances(X64, X64[indices]).min(axis=1)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(closest, expected, rtol=rtol, atol=1e-9)
    np.testing.assert_array_equal(weighted, weights * closest)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_local_trials", [3, 12], ids=["one pass", "two passes"])
def test_steps_are_bitwise_independent_of_the_thread_count(dtype, n_local_trials):
    X, _ = make_blobs(5000, 16, 9, seed=8, dtype=dtype)
    weights = random_weights(5000)
    runs = [_steps(X, 30, weights, 2, n_threads, n_local_trials) for n_threads in (1, 2, 3)]
    for other in runs[1:]:
        for a, b in zip(runs[0], other, strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("n_local_trials", [2, 12], ids=["one pass", "two passes"])
def test_float16_steps_are_bitwise_those_of_float32(n_local_trials):
    X, _ = make_blobs(3000, 24, 7, seed=4, dtype=np.float32)
    X16 = X.astype(np.float16)
    weights = random_weights(3000)
    half = _steps(X16, 15, weights, 6, 2, n_local_trials)
    single = _steps(X16.astype(np.float32), 15, weights, 6, 2, n_local_trials)
    for a, b in zip(half, single, strict=True):
        np.testing.assert_array_equal(a, b)


def test_python_steps_take_over_where_no_mass_is_left():
    # 4 distinct rows and 7 centers: after 4 steps every point is a center,
    # the C steps stop and the Python ones draw by weight (rng.choice)
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 5.0], [9.0, 9.0]]), 30, axis=0)
    weights = np.linspace(1.0, 2.0, X.shape[0])
    chosen, *_ = _steps(X, 7, weights, 3, 2, 3)
    assert chosen == 4  # the C steps stop with no mass left
    centers, indices = fastkmeans.kmeans_plusplus(X, 7, sample_weight=weights, random_state=3)
    assert len({tuple(row) for row in centers[:4]}) == 4  # the four distinct rows first
    _, expected = ref.kmeans_plusplus(X, 7, weights, np.random.default_rng(3))
    np.testing.assert_array_equal(indices, expected)

