"""MiniBatchKMeans: the step kernel against the reference, streams, stopping, sklearn."""
import numpy as np
import pytest
from helpers import DTYPES, csr_arrays, make_blobs, random_weights, with_index_dtype
from hypothesis import given, settings
from hypothesis import strategies as st

from fastkmeans import KMeans, MiniBatchKMeans, _reference, kmeans_plusplus
from fastkmeans._minibatch import minibatch_step


def _run_step(batch, weights, centers, counts, n_threads=2, in_place=False):
    k, d = centers.shape
    centers = centers.copy()
    counts = counts.copy()
    new = centers if in_place else np.empty_like(centers)
    labels = np.empty(batch.shape[0], dtype=np.int32)
    sq_dist = np.empty(batch.shape[0], dtype=batch.dtype)
    batch_inertia, shift = minibatch_step(batch, weights, centers.copy() if in_place else centers,
                                          new, counts, labels, sq_dist, np.empty((k, d)),
                                          np.empty(k), n_threads)
    return labels, new, counts, batch_inertia, shift


@pytest.mark.parametrize("n_features", [3, 40])
@pytest.mark.parametrize("in_place", [False, True])
def test_step_kernel_matches_reference(dtype, n_features, in_place):
    batch = make_blobs(700, n_features, 6, seed=n_features, dtype=dtype)[0]
    weights = random_weights(700)
    centers = batch[:9].copy()
    counts = np.array([0.0, 5.0, 0.0, 100.0, 1.0, 0.5, 2.0, 0.0, 7.0])
    labels, new, new_counts, batch_inertia, shift = _run_step(batch, weights, centers, counts,
                                                              in_place=in_place)
    ref_labels, ref_new, ref_counts, ref_inertia = _reference.minibatch_step(
        batch, weights, centers, counts)
    np.testing.assert_array_equal(labels, ref_labels)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(new, ref_new, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(new_counts, ref_counts, rtol=1e-14)
    assert batch_inertia == pytest.approx(ref_inertia, rel=rtol)
    expected_shift = np.sum((ref_new.astype(np.float64) - centers) ** 2)
    assert shift == pytest.approx(expected_shift, rel=1e-4 if dtype == np.float32 else 1e-10)
    # a center the batch did not reach keeps its place and count
    unreached = np.setdiff1d(np.arange(9), labels)
    np.testing.assert_array_equal(new[unreached], centers[unreached])


def test_step_kernel_same_for_any_thread_count():
    batch = make_blobs(5000, 16, 20, seed=4)[0]
    weights = np.ones(5000)
    centers, counts = batch[:20].copy(), np.zeros(20)
    one = _run_step(batch, weights, centers, counts, n_threads=1)
    two = _run_step(batch, weights, centers, counts, n_threads=2)
    for a, b in zip(one, two, strict=True):
        np.testing.assert_array_equal(a, b)


def test_partial_fit_stream_is_the_sequence_of_reference_steps():
    X = make_blobs(900, 5, 4, seed=7)[0]
    init = X[[0, 300, 600, 899]].copy()
    # with reassignment off, a stream of batches is a deterministic sequence of steps
    est = MiniBatchKMeans(4, init=init, reassignment_ratio=0.0)
    centers, counts = init.copy(), np.zeros(4)
    for start in range(0, 900, 150):
        batch = X[start:start + 150]
        est.partial_fit(batch)
        labels, centers, counts, _ = _reference.minibatch_step(batch, np.ones(150), centers,
                                                               counts)
        np.testing.assert_allclose(est.cluster_centers_, centers, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(est.labels_, _reference.assign_labels(batch, centers)[0])
    assert est.n_steps_ == 6
    np.testing.assert_allclose(est._counts, counts)
    assert est.n_features_in_ == 5


def test_partial_fit_after_fit_continues_and_checks_features():
    X = make_blobs(2000, 3, 5, seed=1)[0]
    est = MiniBatchKMeans(5, random_state=0, batch_size=256).fit(X)
    steps = est.n_steps_
    est.partial_fit(X[:100].astype(np.float32))
    assert est.n_steps_ == steps + 1 and est.cluster_centers_.dtype == np.float64
    with pytest.raises(ValueError, match="X has 2 features"):
        est.partial_fit(X[:100, :2])
    with pytest.raises(ValueError, match="n_clusters=5 is out of range"):
        MiniBatchKMeans(5).partial_fit(X[:3])


def test_fit_is_reproducible_thread_independent_and_leaves_input_alone(dtype, container):
    dense = make_blobs(3000, 8, 10, seed=3, dtype=dtype, zero_below=3.0)[0]
    X = container(dense)
    before = csr_arrays(X) if container.sparse else (dense.copy(),)
    a = MiniBatchKMeans(10, random_state=5, batch_size=200, n_threads=1).fit(X)
    b = MiniBatchKMeans(10, random_state=5, batch_size=200, n_threads=2).fit(X)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    assert a.n_steps_ == b.n_steps_ and a.inertia_ == b.inertia_
    assert a.cluster_centers_.dtype == dtype
    c = MiniBatchKMeans(10, random_state=6, batch_size=200).fit(X)
    assert not np.array_equal(a.cluster_centers_, c.cluster_centers_)
    after = csr_arrays(X) if container.sparse else (X,)
    for array, original in zip(after, before, strict=True):
        np.testing.assert_array_equal(array, original)
    if container.sparse:  # other sparse formats are converted
        d = MiniBatchKMeans(10, random_state=5, batch_size=200, n_threads=1).fit(X.tocsc())
        np.testing.assert_array_equal(a.cluster_centers_, d.cluster_centers_)


def test_attributes_and_stopping_rules():
    X = make_blobs(1000, 4, 6, seed=2)[0]
    # no early stopping: every step of max_iter epochs runs
    est = MiniBatchKMeans(6, random_state=0, batch_size=100, max_iter=3,
                          max_no_improvement=None).fit(X)
    assert est.n_steps_ == 30 and est.n_iter_ == 3
    np.testing.assert_array_equal(est.labels_, est.predict(X))
    assert est.inertia_ == pytest.approx(-est.score(X), rel=1e-12)
    # lack of improvement stops early
    early = MiniBatchKMeans(6, random_state=0, batch_size=100, max_iter=100,
                            max_no_improvement=3).fit(X)
    assert early.n_steps_ < 1000
    assert early.n_iter_ == int(np.ceil(early.n_steps_ * 100 / 1000))
    # so does a large tol, at the second step (the first is never tested)
    assert MiniBatchKMeans(6, random_state=0, batch_size=100, tol=1e3,
                           max_no_improvement=None).fit(X).n_steps_ == 2
    # without labels, the inertia is the smoothed batch estimate
    quick = MiniBatchKMeans(6, random_state=0, batch_size=100, compute_labels=False).fit(X)
    assert not hasattr(quick, "labels_")
    assert quick.inertia_ == pytest.approx(-quick.score(X), rel=0.5)
    np.testing.assert_array_equal(quick.fit_predict(X), quick.predict(X))


def test_zero_weight_samples_never_become_centers():
    X, _ = make_blobs(600, 2, 3, cluster_std=0.5, seed=8)
    outliers = np.full((30, 2), 1e3)
    weights = np.r_[np.ones(600), np.zeros(30)]
    est = MiniBatchKMeans(3, random_state=0, batch_size=64).fit(np.r_[X, outliers],
                                                               sample_weight=weights)
    assert np.abs(est.cluster_centers_).max() < 100


def test_small_clusters_are_reassigned():
    X = make_blobs(2000, 2, 4, cluster_std=0.3, seed=9)[0]
    # three centers start far away: only reassignment can bring them back
    init = np.r_[X[:1], np.full((3, 2), 500.0) + np.arange(3)[:, None]]
    est = MiniBatchKMeans(4, init=init, random_state=0, batch_size=100).fit(X)
    assert np.abs(est.cluster_centers_).max() < 100
    assert {1, 2, 3} <= set(np.unique(est.labels_).tolist())


def test_inertia_close_to_sklearn_and_kmeans():
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    X = make_blobs(5000, 8, 12, cluster_std=2.0, seed=11)[0]
    # from the same start: which local minimum k-means++ leads to is luck
    init = kmeans_plusplus(X, 12, random_state=0)[0]
    ours = MiniBatchKMeans(12, init=init, random_state=0, batch_size=256).fit(X)
    theirs = sklearn_cluster.MiniBatchKMeans(12, init=init, random_state=0,
                                             batch_size=256).fit(X)
    exact = KMeans(12, init=init).fit(X)
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=0.05)
    assert exact.inertia_ <= ours.inertia_ <= 1.05 * exact.inertia_


def test_parameter_checks():
    X = make_blobs(100, 2, 2, seed=0)[0]
    for params, match in [(dict(batch_size=0), "batch_size"),
                          (dict(init_size=0), "init_size"),
                          (dict(max_no_improvement=-1), "max_no_improvement"),
                          (dict(reassignment_ratio=-0.1), "reassignment_ratio")]:
        with pytest.raises(ValueError, match=match):
            MiniBatchKMeans(2, **params).fit(X)
    with pytest.raises(TypeError, match="compute_labels"):
        MiniBatchKMeans(2, compute_labels="no").fit(X)
    with pytest.warns(RuntimeWarning, match="init_size=2 should be larger"):
        MiniBatchKMeans(4, init_size=2, random_state=0).fit(X)
    with pytest.warns(RuntimeWarning, match="one initialisation"):
        MiniBatchKMeans(2, init=X[:2], n_init=3).fit(X)


@settings(max_examples=40, deadline=None)
@given(n_samples=st.integers(1, 300), n_features=st.integers(1, 20),
       n_clusters=st.integers(1, 12), seed=st.integers(0, 2**16),
       dtype=st.sampled_from(DTYPES))
def test_step_kernel_fuzzed_against_reference(n_samples, n_features, n_clusters, seed, dtype):
    rng = np.random.default_rng(seed)
    # a coarse grid makes exact ties, zero weights and repeated points common
    batch = rng.integers(-3, 4, size=(n_samples, n_features)).astype(dtype)
    weights = rng.choice([0.0, 0.5, 1.0, 3.0], size=n_samples)
    centers = rng.integers(-3, 4, size=(n_clusters, n_features)).astype(dtype)
    counts = rng.choice([0.0, 1.0, 10.0], size=n_clusters)
    labels, new, new_counts, batch_inertia, _ = _run_step(batch, weights, centers, counts)
    # exact ties may go either way (rounding): any nearest center is right
    distances = _reference.squared_distances(batch.astype(np.float64),
                                             centers.astype(np.float64))
    chosen = distances[np.arange(n_samples), labels]
    np.testing.assert_allclose(chosen, distances.min(axis=1), rtol=1e-5, atol=1e-5)
    ref_new, ref_counts = _reference.minibatch_update(batch, weights, centers, counts, labels)
    np.testing.assert_allclose(new, ref_new, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(new_counts, ref_counts)
    assert batch_inertia == pytest.approx(float(np.dot(weights, chosen)), rel=1e-5, abs=1e-9)


def test_partial_fit_refuses_float64_values_a_float32_model_cannot_hold():
    X = make_blobs(200, 3, 4, seed=5, dtype=np.float32)[0]
    model = MiniBatchKMeans(4, random_state=0).partial_fit(X)
    huge = X.astype(np.float64)
    huge[0, 0] = 1e100      # fine in float64, inf in float32
    with pytest.raises(ValueError, match="would overflow float32"):
        model.partial_fit(huge)
    assert np.isfinite(model.cluster_centers_).all()


def test_reassignment_period_follows_the_fitted_model_not_set_params():
    X = make_blobs(400, 2, 4, seed=6)[0]
    model = MiniBatchKMeans(4, random_state=0).partial_fit(X)
    model.set_params(n_clusters=400)        # not refitted: the model keeps 4 centers
    model._n_since_last_reassign = 0
    model._counts[:] = 1.0
    # 10 * 4 samples since the last re-seeding call for one now, not 10 * 400
    assert model._random_reassign(40)


# --- the same model on every container ------------------------------------------------

def _assert_same_model(model, on_dense, dtype):
    rtol = 1e-5 if dtype == np.float32 else 1e-10
    assert model.n_steps_ == on_dense.n_steps_
    assert model.cluster_centers_.dtype == dtype
    np.testing.assert_allclose(model.cluster_centers_, on_dense.cluster_centers_,
                               rtol=rtol, atol=rtol)
    np.testing.assert_allclose(model._counts, on_dense._counts, rtol=1e-12)
    if hasattr(on_dense, "labels_"):
        np.testing.assert_array_equal(model.labels_, on_dense.labels_)
        assert model.inertia_ == pytest.approx(on_dense.inertia_, rel=rtol)


def _fit_on_container_and_dense(X, dense, weights):
    # tol > 0 and a high reassignment ratio exercise every branch of a step
    params = dict(n_clusters=8, random_state=4, batch_size=128, tol=1e-4,
                  reassignment_ratio=0.3, max_iter=20)
    return (MiniBatchKMeans(**params).fit(X, sample_weight=weights),
            MiniBatchKMeans(**params).fit(dense, sample_weight=weights))


@pytest.mark.parametrize("weighted", [False, True])
def test_fit_is_the_same_on_every_container(dtype, weighted, container):
    dense = make_blobs(1500, 12, 6, cluster_std=1.5, seed=3, dtype=dtype, zero_below=3.0)[0]
    X = container(dense)
    weights = random_weights(1500) if weighted else None
    model, on_dense = _fit_on_container_and_dense(X, dense, weights)
    _assert_same_model(model, on_dense, dtype)
    assert model.n_steps_ > 2
    rtol = 1e-5 if dtype == np.float32 else 1e-10
    np.testing.assert_array_equal(model.predict(X), on_dense.predict(dense))
    np.testing.assert_allclose(model.transform(X), on_dense.transform(dense),
                               rtol=rtol, atol=rtol)
    assert model.score(X, sample_weight=weights) == pytest.approx(
        on_dense.score(dense, sample_weight=weights), rel=rtol)
    assert model.n_features_in_ == 12


def test_sparse_int64_indices_give_the_same_model(dtype, sparse_container):
    dense = make_blobs(1500, 12, 6, cluster_std=1.5, seed=3, dtype=dtype, zero_below=3.0)[0]
    X = with_index_dtype(sparse_container(dense), np.int64)
    assert X.indices.dtype == X.indptr.dtype == np.int64
    for weights in (None, random_weights(1500)):
        model, on_dense = _fit_on_container_and_dense(X, dense, weights)
        _assert_same_model(model, on_dense, dtype)
        np.testing.assert_array_equal(model.predict(X), on_dense.predict(dense))


@pytest.mark.parametrize("init", ["random", "array"])
def test_other_inits_and_no_labels_are_the_same_on_every_container(init, container):
    dense = make_blobs(800, 6, 4, cluster_std=1.5, seed=5, zero_below=3.0)[0]
    init = dense[[0, 200, 400, 600]].copy() if init == "array" else init
    params = dict(n_clusters=4, init=init, random_state=0, batch_size=64,
                  compute_labels=False)
    model = MiniBatchKMeans(**params).fit(container(dense))
    on_dense = MiniBatchKMeans(**params).fit(dense)
    _assert_same_model(model, on_dense, np.float64)
    assert model.inertia_ == pytest.approx(on_dense.inertia_, rel=1e-10)


def test_partial_fit_stream_is_the_same_on_every_container(dtype, container):
    dense = make_blobs(900, 10, 4, cluster_std=1.5, seed=7, dtype=dtype, zero_below=3.0)[0]
    X = container(dense)
    weights = random_weights(900)
    model = MiniBatchKMeans(5, random_state=1, reassignment_ratio=0.2)
    on_dense = MiniBatchKMeans(5, random_state=1, reassignment_ratio=0.2)
    for start in range(0, 900, 150):
        rows = slice(start, start + 150)
        model.partial_fit(X[rows], sample_weight=weights[rows])
        on_dense.partial_fit(dense[rows], sample_weight=weights[rows])
        _assert_same_model(model, on_dense, dtype)
    # later batches take the centers' dtype, as dense ones do
    other = np.float64 if dtype == np.float32 else np.float32
    model.partial_fit(X[:100].astype(other))
    on_dense.partial_fit(dense[:100].astype(other))
    _assert_same_model(model, on_dense, dtype)


# --- the sparse step's pieces ------------------------------------------------------
# The sparse mini-batch pieces by their private names (CSRData.take_rows,
# _minibatch.sparse_center_update).

def _private_sparse_data(dense, index_dtype=np.int32):
    sparse = pytest.importorskip("scipy.sparse")
    from fastkmeans._validation import check_sparse_data

    X = with_index_dtype(sparse.csr_matrix(dense), index_dtype)
    return check_sparse_data(X, 1)[0]


def test_sparse_update_kernel_equals_dense_step(dtype):
    from fastkmeans._minibatch import sparse_center_update

    dense = make_blobs(400, 9, 5, cluster_std=1.5, seed=1, dtype=dtype, zero_below=3.0)[0]
    data = _private_sparse_data(dense)
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
    dense = make_blobs(50, 7, 3, cluster_std=1.5, seed=4, zero_below=3.0)[0]
    data = _private_sparse_data(dense, np.int64)
    rows = np.array([3, 3, 0, 49, 10])
    batch = data.take_rows(rows)
    assert batch.indptr.dtype == np.int64 and batch.data.size == dense[rows].astype(bool).sum()
    np.testing.assert_array_equal(batch.for_user().toarray(), dense[rows])
