"""Bad input gets a clear error naming the argument; good input is never modified.

Dense input first, then what only SciPy sparse input has: CSR structure,
non-canonical rows, other formats, explicit zeros, never densifying.
"""
import subprocess
import sys
import warnings

import numpy as np
import pytest
from helpers import DTYPES, assert_same_fit, csr_arrays, make_blobs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import fastkmeans
from fastkmeans import _reference as ref
from fastkmeans._validation import check_data

GOOD = np.arange(20, dtype=np.float64).reshape(10, 2)


def _fit(X=GOOD, n_clusters=2, **options):
    return fastkmeans.fit(X, n_clusters, **options)


BAD_INPUT = [
    # (description, call, exception, message pattern)
    ("NaN", lambda: _fit(np.where(GOOD == 5, np.nan, GOOD)), ValueError, r"X contains nan at row 2, column 1"),
    ("inf", lambda: _fit(np.where(GOOD == 0, np.inf, GOOD)), ValueError, r"X contains inf at row 0, column 0"),
    ("-inf float32", lambda: _fit(np.where(GOOD == 3, -np.inf, GOOD).astype(np.float32)), ValueError, r"X contains -inf"),
    ("no samples", lambda: _fit(np.empty((0, 2))), ValueError, r"X must hold at least one sample.*\(0, 2\)"),
    ("no features", lambda: _fit(np.empty((5, 0))), ValueError, r"X must hold at least one sample.*\(5, 0\)"),
    ("1-D", lambda: _fit(np.arange(10.0)), ValueError, r"X must be a 2-D array.*1-D.*reshape\(-1, 1\)"),
    ("3-D", lambda: _fit(np.zeros((4, 2, 2))), ValueError, r"X must be a 2-D array.*3-D.*\(4, 2, 2\)"),
    ("0-D", lambda: _fit(np.float64(3.0)), ValueError, r"X must be a 2-D array.*0-D"),
    ("complex", lambda: _fit(GOOD.astype(complex)), TypeError, r"X has dtype complex128"),
    # None in an object array is a missing value (as pd.NA): refused where it is
    ("object", lambda: _fit(np.array([[1, None], [2, 3]], dtype=object)), ValueError,
     r"X contains nan at row 0, column 1"),
    ("object-str", lambda: _fit(np.array([[1, "a"], [2, 3]], dtype=object)), ValueError,
     r"X has dtype object and is not numeric"),
    ("strings", lambda: _fit([["a", "b"], ["c", "d"]]), TypeError, r"X has dtype <U1"),
    ("ragged", lambda: _fit([[1.0, 2.0], [3.0]]), ValueError, r"X could not be read as a numeric array"),
    ("huge values", lambda: _fit(GOOD * 1e160), ValueError, r"X holds values up to .* overflow float64"),
    ("huge float32", lambda: _fit((GOOD * 1e19).astype(np.float32)), ValueError, r"overflow float32"),
    ("k = 0", lambda: _fit(n_clusters=0), ValueError, r"n_clusters=0 is out of range.*n_samples=10"),
    ("k < 0", lambda: _fit(n_clusters=-3), ValueError, r"n_clusters=-3 is out of range"),
    ("k > n", lambda: _fit(n_clusters=11), ValueError, r"n_clusters=11 is out of range.*n_samples=10"),
    ("k float", lambda: _fit(n_clusters=2.0), TypeError, r"n_clusters must be an integer, got 2.0"),
    ("k bool", lambda: _fit(n_clusters=True), TypeError, r"n_clusters must be an integer, got True"),
    ("k None", lambda: _fit(n_clusters=None), TypeError, r"n_clusters must be an integer, got None"),
    ("negative weight", lambda: _fit(sample_weight=[1.0] * 9 + [-1.0]), ValueError, r"sample_weight contains the negative value -1.0 at index 9"),
    ("NaN weight", lambda: _fit(sample_weight=[1.0] * 4 + [np.nan] + [1.0] * 5), ValueError, r"sample_weight contains nan at index 4"),
    ("inf weight", lambda: _fit(sample_weight=[np.inf] + [1.0] * 9), ValueError, r"sample_weight contains inf at index 0"),
    ("short weights", lambda: _fit(sample_weight=np.ones(9)), ValueError, r"sample_weight must have shape \(n_samples,\) = \(10,\), got shape \(9,\)"),
    ("2-D weights", lambda: _fit(sample_weight=np.ones((10, 1))), ValueError, r"sample_weight must have shape.*\(10, 1\)"),
    ("all-zero weights", lambda: _fit(sample_weight=np.zeros(10)), ValueError, r"sample_weight has 0 positive entries"),
    ("too few weighted", lambda: _fit(n_clusters=3, sample_weight=[1.0, 1.0] + [0.0] * 8), ValueError, r"sample_weight has 2 positive entries.*n_clusters=3"),
    ("string weights", lambda: _fit(sample_weight=["a"] * 10), TypeError, r"sample_weight has dtype"),
    ("huge weights", lambda: _fit(sample_weight=np.full(10, 1e308)), ValueError, r"sample_weight sums to inf"),
    ("init shape", lambda: _fit(init=np.zeros((3, 2))), ValueError, r"init must have shape \(n_clusters, n_features\) = \(2, 2\), got shape \(3, 2\)"),
    ("init features", lambda: _fit(init=np.zeros((2, 3))), ValueError, r"init must have shape.*got shape \(2, 3\)"),
    ("init 1-D", lambda: _fit(init=np.zeros(2)), ValueError, r"init must have shape.*got shape \(2,\)"),
    ("init NaN", lambda: _fit(init=np.array([[0.0, np.nan], [1.0, 1.0]])), ValueError, r"init contains nan at row 0, column 1"),
    ("init name", lambda: _fit(init="kmeans++"), ValueError, r"init='kmeans\+\+' is not supported"),
    ("init callable shape", lambda: _fit(init=lambda X, k, rng: X[:1]), ValueError, r"the centers returned by init must have shape"),
    ("max_iter 0", lambda: _fit(max_iter=0), ValueError, r"max_iter must be a positive integer, got 0"),
    ("max_iter float", lambda: _fit(max_iter=10.5), TypeError, r"max_iter must be a positive integer, got 10.5"),
    ("tol < 0", lambda: _fit(tol=-1e-3), ValueError, r"tol must be a finite number >= 0, got -0.001"),
    ("tol NaN", lambda: _fit(tol=float("nan")), ValueError, r"tol must be a finite number >= 0, got nan"),
    ("tol string", lambda: _fit(tol="small"), TypeError, r"tol must be a non-negative number, got 'small'"),
    ("n_init 0", lambda: _fit(n_init=0), ValueError, r"n_init must be a positive integer or 'auto', got 0"),
    ("n_init string", lambda: _fit(n_init="many"), TypeError, r"n_init must be a positive integer or 'auto', got 'many'"),
    ("n_threads 0", lambda: _fit(n_threads=0), ValueError, r"n_threads must be a positive integer or None, got 0"),
    ("n_threads float", lambda: _fit(n_threads=1.5), TypeError, r"n_threads must be a positive integer or None, got 1.5"),
    ("random_state string", lambda: _fit(random_state="seed"), TypeError, r"random_state must be None, an int"),
    ("random_state negative", lambda: _fit(random_state=-1), ValueError, r"random_state=-1 is not a valid seed"),
    ("sparse", lambda: _fit(_FakeSparse()), TypeError, r"X is a sparse matrix \(_FakeSparse\).*toarray"),
    ("predict features", lambda: fastkmeans.predict(GOOD, np.zeros((2, 3))), ValueError, r"centers must have shape \(n_clusters, n_features\) = \(n_clusters, 2\)"),
    ("predict NaN X", lambda: fastkmeans.predict(np.full((2, 2), np.nan), np.zeros((2, 2))), ValueError, r"X contains nan at row 0, column 0"),
    ("predict inf centers", lambda: fastkmeans.predict(GOOD, np.full((2, 2), np.inf)), ValueError, r"centers contains inf"),
    ("predict empty centers", lambda: fastkmeans.predict(GOOD, np.zeros((0, 2))), ValueError, r"centers must have shape"),
    ("kmeans++ k", lambda: fastkmeans.kmeans_plusplus(GOOD, 11), ValueError, r"n_clusters=11 is out of range"),
    ("kmeans++ trials", lambda: fastkmeans.kmeans_plusplus(GOOD, 2, n_local_trials=0), ValueError, r"n_local_trials must be a positive integer, got 0"),
]


class _FakeSparse:
    nnz = 0

    def tocsr(self):
        return self


@pytest.mark.parametrize("call, exception, pattern",
                         [case[1:] for case in BAD_INPUT], ids=[case[0] for case in BAD_INPUT])
def test_bad_input_is_rejected_with_a_clear_message(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()


def test_explicit_init_with_several_inits_warns_and_runs_once():
    with pytest.warns(RuntimeWarning, match="one initialisation instead of n_init=5"):
        result = _fit(init=GOOD[:2], n_init=5)
    assert result.n_iter >= 1


def test_inputs_are_never_modified(container):
    rng = np.random.default_rng(0)
    dense = rng.normal(size=(300, 3))
    dense[dense < 0] = 0.0
    X = container(dense)
    w = rng.uniform(0.5, 2.0, size=300)
    init = dense[:4].copy()
    before = csr_arrays(X) if container.sparse else (X.copy(),)
    copies = [w.copy(), init.copy()]
    fastkmeans.fit(X, 4, init=init, sample_weight=w)
    fastkmeans.fit(X, 4, init="random", sample_weight=w, random_state=0)
    fastkmeans.predict(X, init)
    fastkmeans.kmeans_plusplus(X, 4, sample_weight=w, random_state=0)
    fastkmeans.center_distances(X, init)
    after = csr_arrays(X) if container.sparse else (X,)
    for original, copy in zip((*after, w, init), (*before, *copies), strict=True):
        np.testing.assert_array_equal(original, copy)


def test_read_only_and_strided_inputs_are_accepted():
    base = np.random.default_rng(1).normal(size=(400, 6))
    strided = base[::2, ::3]
    read_only = np.array(strided)
    read_only.flags.writeable = False
    a = fastkmeans.fit(strided, 3, random_state=0)
    b = fastkmeans.fit(read_only, 3, random_state=0)
    np.testing.assert_array_equal(a.centers, b.centers)


def test_data_copied_only_when_needed():
    X = np.random.default_rng(2).normal(size=(50, 3))
    same = check_data(X, 1)[0].array
    assert np.shares_memory(same, X)
    assert not same.flags.writeable and X.flags.writeable
    copied = check_data(np.asfortranarray(X), 1)[0].array
    assert copied.flags.c_contiguous
    float32 = check_data(X.astype(np.float32), 1)[0].array
    assert float32.dtype == np.float32


def test_lists_and_dataframes_are_accepted():
    pandas = pytest.importorskip("pandas")
    X = np.random.default_rng(3).normal(size=(60, 2))
    frame = pandas.DataFrame(X, columns=["a", "b"])
    from_frame = fastkmeans.fit(frame, 3, random_state=0)
    from_list = fastkmeans.fit(X.tolist(), 3, random_state=0)
    from_array = fastkmeans.fit(X, 3, random_state=0)
    np.testing.assert_array_equal(from_frame.centers, from_array.centers)
    np.testing.assert_array_equal(from_list.centers, from_array.centers)
    ints = pandas.DataFrame({"a": [1, 2, 3, 10, 11, 12], "b": [0, 1, 0, 5, 6, 5]})
    assert fastkmeans.fit(ints, 2, random_state=0).centers.dtype == np.float64


def test_scalar_sample_weight_means_uniform():
    a = _fit(sample_weight=3.0, init=GOOD[:2])
    b = _fit(init=GOOD[:2])
    np.testing.assert_array_equal(a.labels, b.labels)
    assert a.inertia == pytest.approx(3 * b.inertia)


# --- fuzzing -------------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def problems(draw):
    dtype = draw(st.sampled_from(DTYPES))
    n_samples = draw(st.integers(1, 40))
    n_features = draw(st.integers(1, 4))
    X = draw(hnp.arrays(dtype, (n_samples, n_features), elements=finite.map(dtype)))
    n_clusters = draw(st.integers(1, n_samples))
    weighted = draw(st.booleans())
    w = None
    if weighted:
        w = draw(hnp.arrays(np.float64, n_samples,
                            elements=st.floats(0.0, 100.0, allow_nan=False)))
        if np.count_nonzero(w) < n_clusters:
            w = None
    return X, n_clusters, w


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(0, 2**32 - 1))
def test_fuzz_valid_input_gives_a_valid_result(problem, seed):
    X, n_clusters, w = problem
    X_before = X.copy()
    # no overflow, invalid operation or division by zero anywhere in the fit
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("ignore", fastkmeans.ConvergenceWarning)
        result = fastkmeans.fit(X, n_clusters, sample_weight=w, random_state=seed,
                                n_init=1)
    np.testing.assert_array_equal(X, X_before)
    assert result.centers.shape == (n_clusters, X.shape[1])
    assert result.centers.dtype == X.dtype
    assert np.all(np.isfinite(result.centers))
    assert np.all((result.labels >= 0) & (result.labels < n_clusters))
    assert np.isfinite(result.inertia) and result.inertia >= 0
    weights = np.ones(X.shape[0]) if w is None else w
    expected = ref.inertia(X, weights, result.centers, result.labels)
    assert result.inertia == pytest.approx(expected, rel=1e-4, abs=1e-6 * (1 + expected))
    # labels are the nearest centers, up to rounding of the distances
    _, nearest = ref.assign_labels(X.astype(np.float64), result.centers.astype(np.float64))
    own = ref.label_sq_distances(X, result.centers, result.labels)
    scale = 1e-4 if X.dtype == np.float32 else 1e-10
    assert np.all(own <= nearest + scale * (1 + nearest + (X.astype(np.float64) ** 2).sum(1)))


@settings(max_examples=100, deadline=None)
@given(problems(), st.sampled_from([np.nan, np.inf, -np.inf]), st.data())
def test_fuzz_non_finite_value_anywhere_is_rejected(problem, bad, data):
    X, n_clusters, w = problem
    row = data.draw(st.integers(0, X.shape[0] - 1))
    column = data.draw(st.integers(0, X.shape[1] - 1))
    X = X.copy()
    X[row, column] = bad
    with pytest.raises(ValueError, match=f"X contains .* at row {row}, column {column}"):
        fastkmeans.fit(X, n_clusters, sample_weight=w)

# --- sparse input only ---------------------------------------------------------------

def _sparse_blobs(n_samples, seed, dtype=np.float64):
    """CSR blobs of 30 features, about 60% zeros: ``(X, dense)``."""
    dense, _ = make_blobs(n_samples, 30, 5, cluster_std=2.0, seed=seed, dtype=dtype,
                          zero_below=6.0)
    return _sp().csr_matrix(dense), dense


def test_import_fastkmeans_and_dense_fit_do_not_import_scipy():
    code = ("import sys, numpy as np, fastkmeans; "
            "fastkmeans.fit(np.arange(20.0).reshape(10, 2), 2); "
            "assert 'scipy' not in sys.modules, 'scipy imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_non_canonical_input_is_summed_and_never_modified():
    X, dense = _sparse_blobs(200, seed=14)
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
    messy = _sp().csr_matrix((np.array(data), np.array(indices), np.array(indptr)), shape=X.shape)
    assert not messy.has_canonical_format
    before = csr_arrays(messy)
    init = dense[:5]
    a = fastkmeans.fit(messy, 5, init=init)
    b = fastkmeans.fit(X, 5, init=init)
    assert_same_fit(a, b, dense, np.float64)
    for array, original in zip(csr_arrays(messy), before, strict=True):
        np.testing.assert_array_equal(array, original)


@pytest.mark.parametrize("to_format", ["csc", "coo", "lil", "dok", "bsr"])
def test_other_formats_are_converted(to_format):
    X, dense = _sparse_blobs(200, seed=15)
    other = X.asformat(to_format)
    init = dense[:5]
    a = fastkmeans.fit(other, 5, init=init)
    b = fastkmeans.fit(X, 5, init=init)
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.centers, b.centers)


def test_explicit_zeros_change_nothing():
    X, dense = _sparse_blobs(200, seed=16)
    with_zeros = X.copy()
    with_zeros.data[::3] = 0.0
    result = fastkmeans.fit(with_zeros, 5, init=dense[:5] * 0.9)
    expected = with_zeros.copy()
    expected.eliminate_zeros()
    np.testing.assert_array_equal(fastkmeans.fit(expected, 5, init=dense[:5] * 0.9).centers,
                                  result.centers)


def _with(X, **arrays):
    X = X.copy()
    for name, value in arrays.items():
        setattr(X, name, value)
    return X


def _sp():
    return pytest.importorskip("scipy.sparse")


def _small_csr():
    return _sp().csr_matrix(np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0], [4.0, 5.0, 0.0]]))

SPARSE_BAD_INPUT = [
    ("NaN", lambda: _with(_small_csr(), data=np.array([1.0, np.nan, 3.0, 4.0, 5.0])), ValueError,
     r"X contains nan at row 0, column 2"),
    ("inf", lambda: _with(_small_csr(), data=np.array([1.0, 2.0, 3.0, 4.0, -np.inf])), ValueError,
     r"X contains -inf at row 2, column 1"),
    ("column out of range", lambda: _with(_small_csr(), indices=np.array([0, 2, 2, 0, 3], dtype=np.int32)),
     ValueError, r"X has column index 3 in row 2: expected 0 <= index < n_features=3"),
    ("negative column", lambda: _with(_small_csr(), indices=np.array([0, 2, -1, 0, 1], dtype=np.int32)),
     ValueError, r"X has column index -1 in row 1"),
    ("indptr decreases", lambda: _with(_small_csr(), indptr=np.array([0, 3, 2, 5], dtype=np.int32)),
     ValueError, r"X.indptr decreases after row 1"),
    ("indptr start", lambda: _with(_small_csr(), indptr=np.array([1, 2, 3, 5], dtype=np.int32)),
     ValueError, r"X.indptr must start at 0"),
    ("indptr beyond", lambda: _with(_small_csr(), indptr=np.array([0, 2, 3, 9], dtype=np.int32)),
     ValueError, r"X.indptr ends at 9, beyond the 5 stored values"),
    ("indptr length", lambda: _with(_small_csr(), indptr=np.array([0, 2, 5], dtype=np.int32)),
     ValueError, r"X.indptr must have n_samples \+ 1 = 4 entries"),
    ("float indices", lambda: _with(_small_csr(), indices=np.array([0.0, 2, 2, 0, 1])), TypeError,
     r"X.indices has dtype float64: expected integers"),
    ("complex", lambda: _sp().csr_matrix(np.array([[1j, 0], [0, 1]])), TypeError,
     r"X has dtype complex128"),
    ("no rows", lambda: _sp().csr_matrix((0, 3)), ValueError, r"X must hold at least one sample"),
    ("no columns", lambda: _sp().csr_matrix((3, 0)), ValueError, r"X must hold at least one sample"),
    ("1-D", lambda: _sp().coo_array(np.array([1.0, 0.0, 2.0])), ValueError, r"X must be a 2-D sparse"),
    ("huge values", lambda: _small_csr() * 1e160, ValueError, r"X holds values up to .* overflow float64"),
]


@pytest.mark.parametrize("make, exception, pattern", [case[1:] for case in SPARSE_BAD_INPUT],
                         ids=[case[0] for case in SPARSE_BAD_INPUT])
def test_bad_sparse_input_is_rejected_with_a_clear_message(make, exception, pattern):
    X = make()
    before = csr_arrays(X) if hasattr(X, "indptr") else None
    with pytest.raises(exception, match=pattern):
        fastkmeans.fit(X, 1)
    with pytest.raises(exception, match=pattern):
        fastkmeans.predict(X, np.zeros((1, X.shape[-1] if len(X.shape) == 2 else 1)))
    if before is not None:
        for array, original in zip(csr_arrays(X), before, strict=True):
            np.testing.assert_array_equal(array, original)


def test_sparse_centers_are_refused():
    with pytest.raises(TypeError, match="init is a sparse matrix"):
        fastkmeans.fit(_small_csr(), 2, init=_small_csr()[:2])


# --- fuzzing -------------------------------------------------------------------------

@st.composite
def sparse_problems(draw):
    n_samples = draw(st.integers(1, 25))
    n_features = draw(st.integers(1, 6))
    dtype = draw(st.sampled_from(DTYPES))
    index_dtype = draw(st.sampled_from([np.int32, np.int64]))
    nnz = draw(st.integers(0, n_samples * n_features))
    rows = draw(st.lists(st.integers(0, n_samples - 1), min_size=nnz, max_size=nnz))
    columns = draw(st.lists(st.integers(0, n_features - 1), min_size=nnz, max_size=nnz))
    values = draw(st.lists(st.floats(-100, 100, allow_nan=False, width=32),
                           min_size=nnz, max_size=nnz))
    # COO entries in any order, with duplicates: CSR rows unsorted and duplicated
    order = np.argsort(np.asarray(rows, dtype=np.int64), kind="stable")
    indptr = np.searchsorted(np.asarray(rows)[order], np.arange(n_samples + 1)) if nnz else \
        np.zeros(n_samples + 1, dtype=np.int64)
    X = _sp().csr_matrix((np.asarray(values, dtype=dtype)[order],
                       np.asarray(columns, dtype=index_dtype)[order],
                       np.asarray(indptr, dtype=index_dtype)), shape=(n_samples, n_features))
    n_clusters = draw(st.integers(1, n_samples))
    return X, n_clusters


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sparse_problems(), st.integers(0, 2**32 - 1))
def test_fuzz_sparse_fit_is_valid_and_predict_matches_the_reference(problem, seed):
    X, n_clusters = problem
    before = csr_arrays(X)
    dense = ref.densify(X.data, X.indices, X.indptr, X.shape).astype(X.dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("ignore", fastkmeans.ConvergenceWarning)
        result = fastkmeans.fit(X, n_clusters, random_state=seed, n_init=1)
    for array, original in zip(csr_arrays(X), before, strict=True):
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
    # squared here: the rounding of the square root is far below the tolerance
    distances = fastkmeans.center_distances(X, result.centers).astype(np.float64) ** 2
    np.testing.assert_allclose(distances, ref.center_distances(dense, result.centers) ** 2,
                               rtol=1e-5, atol=1e-4 * (1 + np.abs(dense).max()) ** 2 * scale)

def test_center_distances_refuses_magnitudes_that_would_overflow():
    X = _sp().csr_matrix(np.array([[1e200, 0.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="would overflow"):
        fastkmeans.center_distances(X, np.zeros((1, 2)))


# --- private modules -----------------------------------------------------------------

def test_sparse_centers_for_center_distances_are_refused():
    with pytest.raises(TypeError, match="centers is a sparse matrix"):
        fastkmeans.center_distances(_small_csr(), _small_csr()[:1])


def test_canonical_csr_is_not_copied():
    from fastkmeans._validation import check_sparse_data

    X, _ = _sparse_blobs(200, seed=19, dtype=np.float32)
    data, _ = check_sparse_data(X, 1)
    assert np.shares_memory(data.data, X.data)
    assert np.shares_memory(data.indices, X.indices)
    assert not data.data.flags.writeable
