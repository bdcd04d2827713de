"""center_distances: distances of every point to every center."""
import numpy as np
import pytest
from helpers import make_blobs

from fastkmeans import _reference, center_distances
from fastkmeans._distances import distances_to_centers
from fastkmeans._simd import forced_path, supported_paths


@pytest.mark.parametrize("n_samples, n_features, n_clusters", [
    (1, 1, 1), (37, 2, 5), (1000, 7, 3), (777, 33, 70), (300, 130, 1000),
])
def test_matches_reference(dtype, n_samples, n_features, n_clusters):
    X = make_blobs(n_samples, n_features, 4, seed=n_features, dtype=dtype)[0]
    centers = make_blobs(n_clusters, n_features, 2, seed=1, dtype=dtype)[0]
    out = center_distances(X, centers)
    assert out.shape == (n_samples, n_clusters) and out.dtype == dtype
    rtol = 1e-5 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(out, _reference.center_distances(X, centers), rtol=rtol,
                               atol=rtol)


def test_every_container_gives_the_reference_distances(dtype, container):
    dense, _ = make_blobs(200, 30, 5, cluster_std=2.0, seed=9, dtype=dtype, zero_below=6.0)
    X = container(dense)
    centers = dense[:7] + 0.5
    distances = center_distances(X, centers)
    expected = _reference.center_distances(dense, centers)
    assert distances.dtype == dtype and distances.shape == (200, 7)
    rel = 1e-12 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(distances, expected, rtol=rel)
    # a row's distance to itself is exactly zero, not the rounding of an expansion
    assert np.all(center_distances(X[:7], dense[:7])[np.arange(7), np.arange(7)] == 0)


def test_every_instruction_set_path_and_thread_count_agree():
    X = make_blobs(3000, 9, 5, seed=2)[0]
    centers = X[:40].copy()
    expected = _reference.center_distances(X, centers)
    for name in supported_paths():
        outputs = []
        for n_threads in (1, 2):
            outputs.append(np.empty((3000, 40)))
            with forced_path(name):
                distances_to_centers(X, centers, outputs[-1], n_threads)
            np.testing.assert_allclose(outputs[-1], expected, rtol=1e-13)
        np.testing.assert_array_equal(outputs[0], outputs[1])


def test_small_distances_keep_their_precision():
    # far from the origin, the norm expansion would lose every digit of these
    X = np.array([[1e6, 1e6], [1e6 + 1e-3, 1e6]])
    out = center_distances(X, np.array([[1e6, 1e6]]))
    np.testing.assert_array_equal(out[:, 0], [0.0, X[1, 0] - 1e6])


def test_input_is_validated_and_not_modified():
    X = np.arange(12.0).reshape(6, 2)
    before = X.copy()
    center_distances(np.asfortranarray(X), [[0, 0], [1, 1]], n_threads=1)
    np.testing.assert_array_equal(X, before)
    with pytest.raises(ValueError, match="centers must have shape"):
        center_distances(X, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        center_distances(np.full((2, 2), np.nan), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="n_threads"):
        center_distances(X, np.zeros((1, 2)), n_threads=0)


# --- private modules -----------------------------------------------------------------

def test_sparse_label_distances_equal_the_reference(dtype):
    # the exact distances behind relocation and the inertia of CSR data
    sparse = pytest.importorskip("scipy.sparse")
    from fastkmeans._validation import check_sparse_data

    dense, _ = make_blobs(200, 30, 5, cluster_std=2.0, seed=9, dtype=dtype, zero_below=6.0)
    centers = dense[:7] + 0.5
    labels = np.arange(200, dtype=np.int32) % 7
    data, _ = check_sparse_data(sparse.csr_matrix(dense), 1)
    distances = data.label_sq_distances(centers, labels, 1)
    assert distances.dtype == np.float64 and distances.shape == (200,)
    rel = 1e-12 if dtype == np.float64 else 1e-6
    expected = _reference.center_distances(dense, centers)[np.arange(200), labels] ** 2
    np.testing.assert_allclose(distances, expected, rtol=rel)
