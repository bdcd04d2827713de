"""SciPy CSR input: the same results as dense input, the reference and scikit-learn."""
import subprocess
import sys
import warnings

import numpy as np
import pytest
from helpers import clear_of_ties, make_blobs, random_weights
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fastkmeans
from fastkmeans import _reference as ref
from fastkmeans import _sparse
from fastkmeans._simd import forced_path, supported_paths
from fastkmeans._progress import FitProgress
from fastkmeans._run import run_lloyd
from fastkmeans._validation import check_sparse_data
from fastkmeans import center_distances

sp = pytest.importorskip("scipy.sparse")

DTYPES = [np.float32, np.float64]
INDEX_DTYPES = [np.int32, np.int64]
CONTAINERS = [sp.csr_matrix, sp.csr_array]


def sparse_blobs(n_samples=600, n_features=30, n_clusters=5, *, dtype=np.float64,
                 index_dtype=np.int32, container=sp.csr_matrix, seed=0):
    """Gaussian blobs with the small entries set to zero (about 60% zeros): ``(X, dense)``."""
    dense, _ = make_blobs(n_samples, n_features, n_clusters, cluster_std=2.0, seed=seed)
    dense[np.abs(dense) < 6.0] = 0.0
    dense = dense.astype(dtype)
    X = container(dense)
    X.indices = X.indices.astype(index_dtype)
    X.indptr = X.indptr.astype(index_dtype)
    return X, dense


def _assert_same_fit(a, b, X_dense, dtype):
    """``a`` and ``b`` agree: n_iter, labels of the points clear of ties, inertia."""
    assert a.n_iter == b.n_iter
    clear = clear_of_ties(X_dense, b.centers)
    assert clear.mean() > 0.9
    np.testing.assert_array_equal(a.labels[clear], b.labels[clear])
    rel = 1e-9 if dtype == np.float64 else 1e-5
    assert a.inertia == pytest.approx(b.inertia, rel=rel)
    np.testing.assert_allclose(a.centers, b.centers, rtol=rel, atol=rel)


# --- the same results as dense input -------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("index_dtype", INDEX_DTYPES)
@pytest.mark.parametrize("container", CONTAINERS)
def test_fit_from_array_init_equals_dense_fit(dtype, index_dtype, container):
    X, dense = sparse_blobs(dtype=dtype, index_dtype=index_dtype, container=container)
    init = dense[[3, 50, 100, 150, 200]]
    w = random_weights(X.shape[0])
    sparse_result = fastkmeans.fit(X, 5, init=init, sample_weight=w)
    dense_result = fastkmeans.fit(dense, 5, init=init, sample_weight=w)
    assert sparse_result.centers.dtype == dtype
    _assert_same_fit(sparse_result, dense_result, dense, dtype)
    np.testing.assert_allclose(sparse_result.history.inertia, dense_result.history.inertia,
                               rtol=1e-9 if dtype == np.float64 else 1e-5)


@pytest.mark.parametrize("init", ["k-means++", "random"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_fit_with_random_init_equals_dense_fit(init, dtype):
    X, dense = sparse_blobs(dtype=dtype, seed=2)
    options = dict(init=init, n_init=2, random_state=7, sample_weight=random_weights(600))
    _assert_same_fit(fastkmeans.fit(X, 5, **options), fastkmeans.fit(dense, 5, **options),
                     dense, dtype)


def test_kmeans_plusplus_chooses_the_same_rows_as_dense():
    X, dense = sparse_blobs(seed=3)
    w = random_weights(X.shape[0])
    for seed in range(3):
        centers, indices = fastkmeans.kmeans_plusplus(X, 6, sample_weight=w, random_state=seed)
        dense_centers, dense_indices = fastkmeans.kmeans_plusplus(dense, 6, sample_weight=w,
                                                                  random_state=seed)
        np.testing.assert_array_equal(indices, dense_indices)
        np.testing.assert_array_equal(centers, dense_centers)


def test_fit_equals_the_reference_on_densified_rows():
    X, dense = sparse_blobs(seed=4)
    init = dense[:5]
    expected = ref.lloyd(ref.densify(X.data, X.indices, X.indptr, X.shape), init, tol=1e-4)
    _assert_same_fit(fastkmeans.fit(X, 5, init=init), expected, dense, np.float64)


def test_stop_on_tol_and_max_iter_match_dense():
    X, dense = sparse_blobs(n_samples=800, n_clusters=8, seed=5)
    init = dense[:8]
    for options in (dict(tol=1e-2), dict(tol=0.0, max_iter=2)):
        a = fastkmeans.fit(X, 8, init=init, **options)
        b = fastkmeans.fit(dense, 8, init=init, **options)
        _assert_same_fit(a, b, dense, np.float64)
        assert a.converged == b.converged


def test_empty_cluster_takes_the_farthest_point_as_dense():
    dense = np.array([[0.0], [1.0], [10.0]])
    init = np.array([[0.0], [1.0], [100.0]])
    result = fastkmeans.fit(sp.csr_matrix(dense), 3, init=init)
    np.testing.assert_array_equal(result.labels, [0, 1, 2])
    np.testing.assert_array_equal(result.centers, [[0.0], [1.0], [10.0]])
    assert result.n_iter == 2
    np.testing.assert_array_equal(result.history.center_shift, [90.0 ** 2, 0.0])


def test_empty_clusters_in_many_dimensions_match_dense():
    X, dense = sparse_blobs(n_samples=300, n_clusters=3, seed=6)
    # three centers far from every point: two clusters start empty
    init = np.vstack([dense[0], np.full((2, dense.shape[1]), 1e3)])
    a = fastkmeans.fit(X, 3, init=init, sample_weight=random_weights(300))
    b = fastkmeans.fit(dense, 3, init=init, sample_weight=random_weights(300))
    _assert_same_fit(a, b, dense, np.float64)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("index_dtype", INDEX_DTYPES)
def test_predict_equals_dense_predict(dtype, index_dtype):
    X, dense = sparse_blobs(dtype=dtype, index_dtype=index_dtype, seed=8)
    centers = fastkmeans.fit(dense, 5, random_state=0).centers
    labels, sq_dist = fastkmeans.predict(X, centers, return_distances=True)
    dense_labels, dense_sq_dist = fastkmeans.predict(dense, centers, return_distances=True)
    assert sq_dist.dtype == dtype
    clear = clear_of_ties(dense, centers)
    np.testing.assert_array_equal(labels[clear], dense_labels[clear])
    rel = 1e-12 if dtype == np.float64 else 1e-5
    expected = ref.label_sq_distances(dense, centers, labels)
    np.testing.assert_allclose(sq_dist, expected, rtol=rel, atol=rel * expected.max())


@pytest.mark.parametrize("path", supported_paths())
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_clusters", [1, 7, 16, 17, 40, 70])
def test_every_simd_path_finds_the_nearest_center(path, dtype, n_clusters):
    X, dense = sparse_blobs(n_samples=300, n_features=20, dtype=dtype, seed=n_clusters)
    centers = dense[np.random.default_rng(0).choice(300, n_clusters, replace=False)]
    centers = centers + np.random.default_rng(1).normal(size=centers.shape).astype(dtype)
    with forced_path(path):
        labels = fastkmeans.predict(X, centers)
    expected, _ = ref.assign_labels(dense.astype(np.float64), centers.astype(np.float64))
    clear = clear_of_ties(dense, centers)
    np.testing.assert_array_equal(labels[clear], expected[clear])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("squared", [False, True])
def test_center_distances_equal_the_reference(dtype, squared):
    X, dense = sparse_blobs(n_samples=200, dtype=dtype, seed=9)
    centers = dense[:7] + 0.5
    distances = center_distances(X, centers)
    distances = distances * distances if squared else distances
    expected = ref.center_distances(dense, centers)
    assert distances.dtype == dtype and distances.shape == (200, 7)
    rel = 1e-12 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(distances, expected ** 2 if squared else expected, rtol=rel)
    # a row's distance to itself is exactly zero, not the rounding of an expansion
    assert np.all(center_distances(X[:7], dense[:7])[np.arange(7), np.arange(7)] == 0)


# --- scikit-learn ------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
def test_same_result_as_sklearn_on_sparse_input(dtype, weighted):
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    X, dense = sparse_blobs(n_samples=700, n_clusters=6, dtype=dtype, seed=10)
    init = dense[[0, 100, 200, 300, 400, 500]]
    w = random_weights(700) if weighted else None
    ours = fastkmeans.fit(X, 6, init=init, sample_weight=w, tol=1e-4)
    theirs = sklearn_cluster.KMeans(6, init=init, n_init=1, tol=1e-4,
                                    algorithm="lloyd").fit(X, sample_weight=w)
    assert ours.n_iter == theirs.n_iter_
    clear = clear_of_ties(dense, theirs.cluster_centers_)
    np.testing.assert_array_equal(ours.labels[clear], theirs.labels_[clear])
    # scikit-learn sums float32 inertia in float32
    assert ours.inertia == pytest.approx(theirs.inertia_, rel=1e-9 if dtype == np.float64 else 1e-4)


def test_center_distances_and_predict_match_sklearn_transform_and_predict():
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    X, dense = sparse_blobs(n_samples=300, seed=20)
    kmeans = sklearn_cluster.KMeans(5, init=dense[:5], n_init=1).fit(X)
    np.testing.assert_allclose(center_distances(X, kmeans.cluster_centers_),
                               kmeans.transform(X), rtol=1e-9)
    clear = clear_of_ties(dense, kmeans.cluster_centers_)
    np.testing.assert_array_equal(fastkmeans.predict(X, kmeans.cluster_centers_)[clear],
                                  kmeans.predict(X)[clear])


# --- determinism and the Lloyd loop contract ------------------------------------------

def test_any_thread_count_gives_bitwise_the_same_fit():
    X, _ = sparse_blobs(n_samples=3000, n_features=200, n_clusters=20, seed=11)
    results = [fastkmeans.fit(X, 20, random_state=0, n_threads=n, max_iter=10, tol=0.0)
               for n in (1, 2, 3)]
    for other in results[1:]:
        np.testing.assert_array_equal(other.centers, results[0].centers)
        np.testing.assert_array_equal(other.labels, results[0].labels)
        assert other.inertia == results[0].inertia
        np.testing.assert_array_equal(other.history.inertia, results[0].history.inertia)
    distances = [center_distances(X, results[0].centers, n_threads=n) for n in (1, 2, 3)]
    for other in distances[1:]:
        np.testing.assert_array_equal(other, distances[0])


def test_on_iteration_hook_stops_the_run_after_the_history_is_appended():
    X, dense = sparse_blobs(seed=12)
    data, _ = check_sparse_data(X, 1)
    lengths, seen = [], []

    def hook(history):
        lengths.append(len(history))
        seen[:] = history
        return len(history) == 2

    step = data.lloyd_step(np.ones(X.shape[0]), dense[:5].copy(), "lloyd", 1)
    result = run_lloyd(data, step, 100, 0.0, 1, hook)
    assert (result.n_iter, result.converged) == (2, False)
    assert lengths == [1, 2]
    assert all(len(entry) == 4 and entry[3] == X.shape[0] * 5 for entry in seen)
    # through the whole run: the labels are re-assigned to the final centers
    stop_at_two = FitProgress(1, 0, lambda info: info.iteration == 2)
    step = data.lloyd_step(np.ones(X.shape[0]), dense[:5].copy(), "lloyd", 1)
    result = run_lloyd(data, step, 100, 0.0, 1, stop_at_two.hook(0))
    assert result.n_iter == 2 and result.history.inertia.size == 2
    np.testing.assert_array_equal(result.labels, fastkmeans.predict(X, result.centers))


def test_cluster_sums_equal_the_reference():
    X, dense = sparse_blobs(seed=13)
    data, _ = check_sparse_data(X, 2)
    w = random_weights(X.shape[0])
    centers = dense[:5].copy()
    step = data.lloyd_step(w, centers, "lloyd", 2)
    step.assign_and_sum()
    expected_labels, _ = ref.assign_labels(dense, centers)
    np.testing.assert_array_equal(step.labels, expected_labels)
    sums, weights = ref.update_sums(dense, w, step.labels, 5)
    np.testing.assert_allclose(step.sums, sums, rtol=1e-12)
    np.testing.assert_allclose(step.weights, weights, rtol=1e-12)


# --- input handling ----------------------------------------------------------------

def test_import_fastkmeans_and_dense_fit_do_not_import_scipy():
    code = ("import sys, numpy as np, fastkmeans; "
            "fastkmeans.fit(np.arange(20.0).reshape(10, 2), 2); "
            "assert 'scipy' not in sys.modules, 'scipy imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def _copy_of(X):
    return X.data.copy(), X.indices.copy(), X.indptr.copy()


def test_non_canonical_input_is_summed_and_never_modified():
    X, dense = sparse_blobs(n_samples=200, seed=14)
    # the same matrix with every row's entries reversed and the first entry split in two
    data, indices, indptr = [], [], [0]
    for row in range(X.shape[0]):
        start, end = X.indptr[row], X.indptr[row + 1]
        row_data, row_indices = list(X.data[start:end][::-1]), list(X.indices[start:end][::-1])
        if row_data:
            row_data[0] /= 2
            row_data.append(row_data[0])
            row_indices.append(row_indices[0])
        data += row_data
        indices += row_indices
        indptr.append(len(data))
    messy = sp.csr_matrix((np.array(data), np.array(indices), np.array(indptr)), shape=X.shape)
    assert not messy.has_canonical_format
    before = _copy_of(messy)
    init = dense[:5]
    a = fastkmeans.fit(messy, 5, init=init)
    b = fastkmeans.fit(X, 5, init=init)
    _assert_same_fit(a, b, dense, np.float64)
    for array, original in zip(_copy_of(messy), before):
        np.testing.assert_array_equal(array, original)


@pytest.mark.parametrize("to_format", ["csc", "coo", "lil", "dok", "bsr"])
def test_other_formats_are_converted(to_format):
    X, dense = sparse_blobs(n_samples=200, seed=15)
    other = X.asformat(to_format)
    init = dense[:5]
    a = fastkmeans.fit(other, 5, init=init)
    b = fastkmeans.fit(X, 5, init=init)
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.centers, b.centers)


def test_explicit_zeros_change_nothing():
    X, dense = sparse_blobs(n_samples=200, seed=16)
    with_zeros = X.copy()
    with_zeros.data[::3] = 0.0
    result = fastkmeans.fit(with_zeros, 5, init=dense[:5] * 0.9)
    expected = with_zeros.copy()
    expected.eliminate_zeros()
    np.testing.assert_array_equal(fastkmeans.fit(expected, 5, init=dense[:5] * 0.9).centers,
                                  result.centers)


def test_all_zero_matrix():
    X = sp.csr_matrix((50, 4))
    result = fastkmeans.fit(X, 1)
    np.testing.assert_array_equal(result.centers, np.zeros((1, 4)))
    assert result.inertia == 0.0
    with pytest.warns(fastkmeans.ConvergenceWarning, match="found 1 distinct clusters"):
        fastkmeans.fit(X, 3, random_state=0)


def test_integer_and_bool_data_become_float64_float32_stays():
    X, dense = sparse_blobs(n_samples=200, seed=17)
    integers = X.astype(np.int64)
    result = fastkmeans.fit(integers, 3, random_state=0)
    assert result.centers.dtype == np.float64
    assert fastkmeans.fit(X.astype(bool), 2, random_state=0).centers.dtype == np.float64
    assert fastkmeans.fit(X.astype(np.float32), 2, random_state=0).centers.dtype == np.float32


def test_callable_init_gets_a_read_only_csr_of_the_same_class():
    X, dense = sparse_blobs(n_samples=200, container=sp.csr_array, seed=18)
    seen = []

    def init(data, n_clusters, rng):
        seen.append(data)
        return data[:n_clusters].toarray()

    result = fastkmeans.fit(X, 4, init=init, n_init=1)
    assert isinstance(seen[0], sp.csr_array)
    with pytest.raises(ValueError):
        seen[0].data[0] = 1.0
    np.testing.assert_array_equal(result.centers,
                                  fastkmeans.fit(dense, 4, init=dense[:4]).centers)


def _with(X, **arrays):
    X = X.copy()
    for name, value in arrays.items():
        setattr(X, name, value)
    return X


_X = sp.csr_matrix(np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0], [4.0, 5.0, 0.0]]))

SPARSE_BAD_INPUT = [
    ("NaN", lambda: _with(_X, data=np.array([1.0, np.nan, 3.0, 4.0, 5.0])), ValueError,
     r"X contains nan at row 0, column 2"),
    ("inf", lambda: _with(_X, data=np.array([1.0, 2.0, 3.0, 4.0, -np.inf])), ValueError,
     r"X contains -inf at row 2, column 1"),
    ("column out of range", lambda: _with(_X, indices=np.array([0, 2, 2, 0, 3], dtype=np.int32)),
     ValueError, r"X has column index 3 in row 2: expected 0 <= index < n_features=3"),
    ("negative column", lambda: _with(_X, indices=np.array([0, 2, -1, 0, 1], dtype=np.int32)),
     ValueError, r"X has column index -1 in row 1"),
    ("indptr decreases", lambda: _with(_X, indptr=np.array([0, 3, 2, 5], dtype=np.int32)),
     ValueError, r"X.indptr decreases after row 1"),
    ("indptr start", lambda: _with(_X, indptr=np.array([1, 2, 3, 5], dtype=np.int32)),
     ValueError, r"X.indptr must start at 0"),
    ("indptr beyond", lambda: _with(_X, indptr=np.array([0, 2, 3, 9], dtype=np.int32)),
     ValueError, r"X.indptr ends at 9, beyond the 5 stored values"),
    ("indptr length", lambda: _with(_X, indptr=np.array([0, 2, 5], dtype=np.int32)),
     ValueError, r"X.indptr must have n_samples \+ 1 = 4 entries"),
    ("float indices", lambda: _with(_X, indices=np.array([0.0, 2, 2, 0, 1])), TypeError,
     r"X.indices has dtype float64: expected integers"),
    ("complex", lambda: sp.csr_matrix(np.array([[1j, 0], [0, 1]])), TypeError,
     r"X has dtype complex128"),
    ("no rows", lambda: sp.csr_matrix((0, 3)), ValueError, r"X must hold at least one sample"),
    ("no columns", lambda: sp.csr_matrix((3, 0)), ValueError, r"X must hold at least one sample"),
    ("1-D", lambda: sp.coo_array(np.array([1.0, 0.0, 2.0])), ValueError, r"X must be a 2-D sparse"),
    ("huge values", lambda: _X * 1e160, ValueError, r"X holds values up to .* overflow float64"),
]


@pytest.mark.parametrize("make, exception, pattern", [case[1:] for case in SPARSE_BAD_INPUT],
                         ids=[case[0] for case in SPARSE_BAD_INPUT])
def test_bad_sparse_input_is_rejected_with_a_clear_message(make, exception, pattern):
    X = make()
    before = _copy_of(X) if hasattr(X, "indptr") else None
    with pytest.raises(exception, match=pattern):
        fastkmeans.fit(X, 1)
    with pytest.raises(exception, match=pattern):
        fastkmeans.predict(X, np.zeros((1, X.shape[-1] if len(X.shape) == 2 else 1)))
    if before is not None:
        for array, original in zip(_copy_of(X), before):
            np.testing.assert_array_equal(array, original)


def test_sparse_centers_are_refused():
    with pytest.raises(TypeError, match="init is a sparse matrix"):
        fastkmeans.fit(_X, 2, init=_X[:2])
    with pytest.raises(TypeError, match="centers is a sparse matrix"):
        center_distances(_X, _X[:1])


def test_canonical_csr_is_not_copied():
    X, _ = sparse_blobs(n_samples=200, dtype=np.float32, seed=19)
    data, _ = check_sparse_data(X, 1)
    assert np.shares_memory(data.data, X.data)
    assert np.shares_memory(data.indices, X.indices)
    assert not data.data.flags.writeable


# --- fuzzing -------------------------------------------------------------------------

@st.composite
def sparse_problems(draw):
    n_samples = draw(st.integers(1, 25))
    n_features = draw(st.integers(1, 6))
    dtype = draw(st.sampled_from(DTYPES))
    index_dtype = draw(st.sampled_from(INDEX_DTYPES))
    nnz = draw(st.integers(0, n_samples * n_features))
    rows = draw(st.lists(st.integers(0, n_samples - 1), min_size=nnz, max_size=nnz))
    columns = draw(st.lists(st.integers(0, n_features - 1), min_size=nnz, max_size=nnz))
    values = draw(st.lists(st.floats(-100, 100, allow_nan=False, width=32),
                           min_size=nnz, max_size=nnz))
    # COO entries in any order, with duplicates: CSR rows unsorted and duplicated
    order = np.argsort(np.asarray(rows, dtype=np.int64), kind="stable")
    indptr = np.searchsorted(np.asarray(rows)[order], np.arange(n_samples + 1)) if nnz else \
        np.zeros(n_samples + 1, dtype=np.int64)
    X = sp.csr_matrix((np.asarray(values, dtype=dtype)[order],
                       np.asarray(columns, dtype=index_dtype)[order],
                       np.asarray(indptr, dtype=index_dtype)), shape=(n_samples, n_features))
    n_clusters = draw(st.integers(1, n_samples))
    return X, n_clusters


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sparse_problems(), st.integers(0, 2**32 - 1))
def test_fuzz_sparse_fit_is_valid_and_predict_matches_the_reference(problem, seed):
    X, n_clusters = problem
    before = _copy_of(X)
    dense = ref.densify(X.data, X.indices, X.indptr, X.shape).astype(X.dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("ignore", fastkmeans.ConvergenceWarning)
        result = fastkmeans.fit(X, n_clusters, random_state=seed, n_init=1)
    for array, original in zip(_copy_of(X), before):
        np.testing.assert_array_equal(array, original)
    assert result.centers.dtype == X.dtype
    assert np.all((result.labels >= 0) & (result.labels < n_clusters))
    weights = np.ones(X.shape[0])
    expected = ref.inertia(dense, weights, result.centers, result.labels)
    assert result.inertia == pytest.approx(expected, rel=1e-5, abs=1e-6 * (1 + expected))
    # labels are the nearest centers, up to rounding of the distances
    nearest = ref.center_distances(dense, result.centers).min(axis=1) ** 2
    own = ref.label_sq_distances(dense, result.centers, result.labels)
    scale = 1e-4 if X.dtype == np.float32 else 1e-10
    assert np.all(own <= nearest + scale * (1 + nearest + (dense.astype(np.float64) ** 2).sum(1)))
    distances = center_distances(X, result.centers)
    np.testing.assert_allclose(distances ** 2, ref.center_distances(dense, result.centers) ** 2,
                               rtol=1e-5, atol=1e-4 * (1 + np.abs(dense).max()) ** 2 * scale)


# --- memory --------------------------------------------------------------------------

@pytest.mark.parametrize("what", ["fit", "fit-k-means++", "predict"])
def test_peak_memory_is_a_fraction_of_x(what):
    import tracemalloc

    # 40 nonzeros a row: 320 bytes of float32 values and int32 indices, against
    # a few dozen bytes a row of labels, row order and k-means++ distances
    X = sp.random(50_000, 2_000, density=0.02, format="csr", dtype=np.float32,
                  random_state=np.random.default_rng(0))
    x_bytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    init = X[:64].toarray()
    calls = {
        "fit": lambda: fastkmeans.fit(X, 64, init=init, max_iter=3, tol=0.0),
        "fit-k-means++": lambda: fastkmeans.fit(X, 64, max_iter=3, random_state=0),
        "predict": lambda: fastkmeans.predict(X, init),
    }
    tracemalloc.start()
    try:
        calls[what]()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 0.5 * x_bytes, f"{what} allocated {peak / x_bytes:.2f} x X"


def test_kernels_refuse_scratch_too_small_or_misaligned_centers():
    X, dense = sparse_blobs(n_samples=3000, seed=21)
    data, _ = check_sparse_data(X, 1)
    layout = data.lloyd_step(np.ones(3000), dense[:5].copy(), "lloyd", 1).layout
    layout.load(dense[:5].copy())
    labels = np.empty(3000, dtype=np.int32)
    arguments = (*data.arrays, np.ones(3000), layout.ct, layout.ct_sq, layout.rows, layout.sq,
                 labels, np.empty(0))
    assert layout.scratch.shape[0] == _sparse.n_blocks(3000) > 1
    with pytest.raises(ValueError, match="scratch must have shape"):
        _sparse.assign_pass(*arguments, layout.scratch[:1], 1)
    misaligned = np.zeros(layout.ct.size + 1)[1:].reshape(layout.ct.shape)
    with pytest.raises(ValueError, match="aligned"):
        _sparse.assign_pass(*arguments[:4], misaligned, *arguments[5:], layout.scratch, 1)


def test_center_distances_refuses_magnitudes_that_would_overflow():
    sparse = pytest.importorskip("scipy.sparse")
    X = sparse.csr_matrix(np.array([[1e200, 0.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="would overflow"):
        center_distances(X, np.zeros((1, 2)))
    with pytest.raises(ValueError, match="would overflow"):
        fastkmeans.center_distances(X, np.zeros((1, 2)))
