"""Greedy k-means++ on dense rows runs every step in C (``_kmeanspp.greedy_steps``);
it must choose the centers of the Python steps bit for bit, and leave the
random stream where they leave it.

The Python steps are forced by hiding the seeding object's ``greedy_steps``
(``_init.kmeans_plusplus_indices`` falls back to its own loop), so each case
compares the two paths on the same data, weights and seed.
"""
import numpy as np
import pytest
from helpers import make_blobs, random_weights

import fastkmeans
from fastkmeans import _init
from fastkmeans import _reference as ref
from fastkmeans._data import DenseData


class _PythonSteps:
    """A dense data object whose seeding has no C loop (every other attribute
    is the real object's)."""

    def __init__(self, data):
        self._data = data

    def __getattr__(self, name):
        return getattr(self._data, name)

    def seeding(self, *args):
        seeding = self._data.seeding(*args)

        class Steps:  # the seeding's kernels, without greedy_steps
            update_closest = seeding.update_closest
            potentials = seeding.potentials
        return Steps()


def _both(X, n_clusters, weights, seed, n_threads, n_local_trials=None):
    """``(centers, indices, next draw)`` of the C steps and of the Python steps."""
    results = []
    for data in (DenseData(X), _PythonSteps(DenseData(X))):
        rng = np.random.default_rng(seed)
        centers, indices = _init.kmeans_plusplus_indices(data, n_clusters, weights, rng,
                                                         n_threads, n_local_trials)
        results.append((centers, indices, rng.uniform()))
    return results


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_threads", [1, 2])
@pytest.mark.parametrize("shape", [(700, 2, 9), (3000, 16, 40), (1200, 70, 25)],
                         ids=lambda s: "x".join(map(str, s)))
def test_steps_in_c_choose_the_python_centers(dtype, n_threads, shape):
    n_samples, n_features, n_clusters = shape
    X, _ = make_blobs(n_samples, n_features, 8, seed=n_features, dtype=dtype)
    weights = random_weights(n_samples)
    weights[::11] = 0.0  # never drawn
    (c_centers, c_indices, c_next), (py_centers, py_indices, py_next) = _both(
        X, n_clusters, weights, seed=5, n_threads=n_threads)
    np.testing.assert_array_equal(c_indices, py_indices)
    np.testing.assert_array_equal(c_centers, py_centers)
    assert c_centers.dtype == dtype
    assert np.all(weights[c_indices] > 0)
    assert c_next == py_next  # the same draws were taken from the stream


@pytest.mark.parametrize("n_local_trials", [1, 3, 40])
def test_steps_in_c_with_any_number_of_trials(n_local_trials):
    # 40 trials: more than one group of candidates per pass
    X, _ = make_blobs(900, 5, 6, seed=2)
    weights = np.ones(900)
    (c_centers, c_indices, c_next), (_, py_indices, py_next) = _both(
        X, 12, weights, seed=1, n_threads=2, n_local_trials=n_local_trials)
    np.testing.assert_array_equal(c_indices, py_indices)
    np.testing.assert_array_equal(c_centers, X[c_indices])
    assert c_next == py_next


def test_python_steps_take_over_where_no_mass_is_left():
    # 4 distinct rows and 7 centers: after 4 steps every point is a center,
    # the C steps stop and the Python ones draw by weight (rng.choice)
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 5.0], [9.0, 9.0]]), 30, axis=0)
    weights = np.linspace(1.0, 2.0, X.shape[0])
    seeding = DenseData(X).seeding(weights, 3, 2)
    indices = np.zeros(7, dtype=np.int64)
    chosen = seeding.greedy_steps(3, np.random.default_rng(0), np.empty((7, 2)), indices,
                                  np.empty(X.shape[0]), np.empty(X.shape[0]))
    assert chosen == 4  # the C steps stop with no mass left
    (c_centers, c_indices, c_next), (_, py_indices, py_next) = _both(
        X, 7, weights, seed=3, n_threads=2)
    np.testing.assert_array_equal(c_indices, py_indices)
    assert len({tuple(row) for row in c_centers[:4]}) == 4  # the four distinct rows first
    assert c_next == py_next


def test_kmeans_plusplus_through_the_c_steps_matches_the_reference():
    # the public function takes the C steps on dense input; the NumPy reference
    # draws from the same stream with its own (exact) distances
    X, _ = make_blobs(2500, 12, 7, seed=9, dtype=np.float32)
    weights = random_weights(2500)
    centers, indices = fastkmeans.kmeans_plusplus(X, 15, sample_weight=weights,
                                                  random_state=4, n_threads=2)
    _, expected = ref.kmeans_plusplus(X, 15, weights, np.random.default_rng(4))
    np.testing.assert_array_equal(indices, expected)
    np.testing.assert_array_equal(centers, X[indices])
