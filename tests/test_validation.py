"""Bad input gets a clear error naming the argument; good input is never modified."""
import warnings

import numpy as np
import pytest
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
    ("object", lambda: _fit(np.array([[1, None], [2, 3]], dtype=object)), TypeError, r"X has dtype object"),
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


def test_inputs_are_never_modified():
    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.normal(size=(300, 3)))
    w = rng.uniform(0.5, 2.0, size=300)
    init = X[:4].copy()
    copies = [X.copy(), w.copy(), init.copy()]
    fastkmeans.fit(X, 4, init=init, sample_weight=w)
    fastkmeans.fit(X, 4, init="random", sample_weight=w, random_state=0)
    fastkmeans.predict(X, init)
    fastkmeans.kmeans_plusplus(X, 4, sample_weight=w, random_state=0)
    for original, copy in zip((X, w, init), copies):
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
    dtype = draw(st.sampled_from([np.float32, np.float64]))
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
