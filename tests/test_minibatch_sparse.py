"""MiniBatchKMeans on SciPy CSR input: the same model as on the same data dense."""
import numpy as np
import pytest
from helpers import make_blobs, random_weights

from fastkmeans import MiniBatchKMeans
from fastkmeans._minibatch import minibatch_step, sparse_center_update
from fastkmeans._validation import check_sparse_data

sparse = pytest.importorskip("scipy.sparse")


def _sparse_blobs(n_samples, n_features, n_clusters, seed=0, dtype=np.float64):
    """Blobs with about half the entries zero: ``(dense, csr)``."""
    dense = make_blobs(n_samples, n_features, n_clusters, cluster_std=1.5, seed=seed,
                       dtype=dtype)[0]
    dense[np.abs(dense) < 3.0] = 0.0
    return dense, sparse.csr_matrix(dense)


def _with_index_dtype(X, index_dtype):
    X = X.copy()
    X.indices, X.indptr = X.indices.astype(index_dtype), X.indptr.astype(index_dtype)
    return X


def _assert_same_model(on_sparse, on_dense, dtype):
    rtol = 1e-5 if dtype == np.float32 else 1e-10
    assert on_sparse.n_steps_ == on_dense.n_steps_
    assert on_sparse.cluster_centers_.dtype == dtype
    np.testing.assert_allclose(on_sparse.cluster_centers_, on_dense.cluster_centers_,
                               rtol=rtol, atol=rtol)
    np.testing.assert_allclose(on_sparse._counts, on_dense._counts, rtol=1e-12)
    if hasattr(on_dense, "labels_"):
        np.testing.assert_array_equal(on_sparse.labels_, on_dense.labels_)
        assert on_sparse.inertia_ == pytest.approx(on_dense.inertia_, rel=rtol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("weighted", [False, True])
def test_fit_on_sparse_equals_dense(dtype, index_dtype, weighted):
    dense, X = _sparse_blobs(1500, 12, 6, seed=3, dtype=dtype)
    X = _with_index_dtype(X, index_dtype)
    weights = random_weights(1500) if weighted else None
    # tol > 0 and a high reassignment ratio exercise every branch of a step
    params = dict(n_clusters=8, random_state=4, batch_size=128, tol=1e-4,
                  reassignment_ratio=0.3, max_iter=20)
    on_sparse = MiniBatchKMeans(**params).fit(X, sample_weight=weights)
    on_dense = MiniBatchKMeans(**params).fit(dense, sample_weight=weights)
    _assert_same_model(on_sparse, on_dense, dtype)
    assert on_sparse.n_steps_ > 2
    rtol = 1e-5 if dtype == np.float32 else 1e-10
    np.testing.assert_array_equal(on_sparse.predict(X), on_dense.predict(dense))
    np.testing.assert_allclose(on_sparse.transform(X), on_dense.transform(dense),
                               rtol=rtol, atol=rtol)
    assert on_sparse.score(X, sample_weight=weights) == pytest.approx(
        on_dense.score(dense, sample_weight=weights), rel=rtol)
    assert on_sparse.n_features_in_ == 12


@pytest.mark.parametrize("init", ["random", "array"])
def test_other_inits_and_no_labels_on_sparse_equal_dense(init):
    dense, X = _sparse_blobs(800, 6, 4, seed=5)
    init = dense[[0, 200, 400, 600]].copy() if init == "array" else init
    params = dict(n_clusters=4, init=init, random_state=0, batch_size=64,
                  compute_labels=False)
    on_sparse = MiniBatchKMeans(**params).fit(X)
    on_dense = MiniBatchKMeans(**params).fit(dense)
    _assert_same_model(on_sparse, on_dense, np.float64)
    assert on_sparse.inertia_ == pytest.approx(on_dense.inertia_, rel=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_partial_fit_stream_on_sparse_equals_dense(dtype):
    dense, X = _sparse_blobs(900, 10, 4, seed=7, dtype=dtype)
    weights = random_weights(900)
    on_sparse = MiniBatchKMeans(5, random_state=1, reassignment_ratio=0.2)
    on_dense = MiniBatchKMeans(5, random_state=1, reassignment_ratio=0.2)
    for start in range(0, 900, 150):
        rows = slice(start, start + 150)
        on_sparse.partial_fit(X[rows], sample_weight=weights[rows])
        on_dense.partial_fit(dense[rows], sample_weight=weights[rows])
        _assert_same_model(on_sparse, on_dense, dtype)
    # later batches take the centers' dtype, as dense ones do
    on_sparse.partial_fit(X[:100].astype(np.float64 if dtype == np.float32 else np.float32))
    on_dense.partial_fit(dense[:100].astype(np.float64 if dtype == np.float32 else np.float32))
    _assert_same_model(on_sparse, on_dense, dtype)


def test_sparse_fit_is_thread_independent_and_leaves_input_alone():
    _, X = _sparse_blobs(2000, 16, 8, seed=2, dtype=np.float32)
    before = X.copy()
    a = MiniBatchKMeans(8, random_state=5, batch_size=100, n_threads=1).fit(X)
    b = MiniBatchKMeans(8, random_state=5, batch_size=100, n_threads=2).fit(X)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    assert a.n_steps_ == b.n_steps_ and a.inertia_ == b.inertia_
    for name in ("data", "indices", "indptr"):
        np.testing.assert_array_equal(getattr(X, name), getattr(before, name))
    # other sparse formats are converted
    c = MiniBatchKMeans(8, random_state=5, batch_size=100, n_threads=1).fit(X.tocsc())
    np.testing.assert_array_equal(a.cluster_centers_, c.cluster_centers_)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_update_kernel_equals_dense_step(dtype):
    dense, X = _sparse_blobs(400, 9, 5, seed=1, dtype=dtype)
    data, _ = check_sparse_data(X, 1)
    weights = random_weights(400)
    centers = dense[[0, 100, 200, 300, 399, 50]].copy()
    counts = np.array([0.0, 3.0, 0.0, 50.0, 1.0, 0.0])
    labels = np.empty(400, dtype=np.int32)
    sq_dist = np.empty(400, dtype=dtype)
    dense_new, dense_counts = np.empty_like(centers), counts.copy()
    minibatch_step(dense, weights, centers, dense_new, dense_counts, labels, sq_dist,
                   np.empty((6, 9)), np.empty(6), 2)
    sums = np.zeros((6, 9))
    sparse_new, sparse_counts = centers.copy(), counts.copy()  # updated in place
    shift = sparse_center_update(*data.arrays, weights, labels, centers, sparse_new,
                                 sparse_counts, sums, np.empty(6))
    np.testing.assert_array_equal(sparse_new, dense_new)
    np.testing.assert_array_equal(sparse_counts, dense_counts)
    assert shift == pytest.approx(np.sum((dense_new.astype(np.float64) - centers) ** 2),
                                  rel=1e-4 if dtype == np.float32 else 1e-10)
    assert not sums.any()  # left zero for the next step


def test_take_rows_gathers_csr_rows():
    dense, X = _sparse_blobs(50, 7, 3, seed=4)
    data, _ = check_sparse_data(_with_index_dtype(X, np.int64), 1)
    rows = np.array([3, 3, 0, 49, 10])
    batch = data.take_rows(rows)
    assert batch.indptr.dtype == np.int64 and batch.data.size == dense[rows].astype(bool).sum()
    np.testing.assert_array_equal(batch.for_user().toarray(), dense[rows])
