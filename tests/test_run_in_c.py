"""Plain dense Lloyd that nobody watches runs its whole loop in C
(``_run.run_lloyd_in_c``); it must give the Python loop's result bit for bit.

The Python loop is forced by a callback that never stops the run (the C
loop runs only when no callback or verbose output listens), so each case
compares the two paths on the same data and initial centers: labels,
centers, inertia, n_iter, converged and the whole history but its seconds.
"""
import numpy as np
import pytest
from helpers import make_blobs, random_weights

import fastkmeans
from fastkmeans import _fit, _run


def _both(X, n_clusters, **options):
    in_c = fastkmeans.fit(X, n_clusters, **options)
    in_python = fastkmeans.fit(X, n_clusters, callback=lambda info: False, **options)
    return in_c, in_python


def _assert_bitwise(a, b):
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.centers, b.centers)
    assert a.centers.dtype == b.centers.dtype
    assert a.inertia == b.inertia
    assert (a.n_iter, a.converged) == (b.n_iter, b.converged)
    np.testing.assert_array_equal(a.history.inertia, b.history.inertia)
    np.testing.assert_array_equal(a.history.center_shift, b.history.center_shift)
    np.testing.assert_array_equal(a.history.distance_evaluations,
                                  b.history.distance_evaluations)
    assert a.history.seconds.shape == b.history.seconds.shape
    assert np.all(a.history.seconds >= 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_threads", [1, 2])
@pytest.mark.parametrize("case", [
    {"max_iter": 300},                        # converges: labels stop changing
    {"max_iter": 3, "tol": 0.0},              # max_iter hit: not converged
    {"max_iter": 300, "tol": 1e-2},           # the shift rule stops it
    {"max_iter": 50, "weights": True},
])
def test_c_loop_is_the_python_loop(dtype, n_threads, case):
    X, _ = make_blobs(3000, 5, 7, seed=3, dtype=dtype)
    case = dict(case)
    weights = random_weights(3000) if case.pop("weights", False) else None
    init = np.array(X[[5, 17, 40, 100, 220, 700, 1500]])
    a, b = _both(X, 7, init=init, n_threads=n_threads, sample_weight=weights, **case)
    _assert_bitwise(a, b)
    if case.get("max_iter") == 3:
        assert not a.converged


def test_c_loop_relocates_empty_clusters_as_python():
    X, _ = make_blobs(2000, 3, 5, seed=4)
    init = np.array(X[[0, 0, 0, 1, 2]])  # two duplicates: clusters that start empty
    a, b = _both(X, 5, init=init, max_iter=30, n_threads=2)
    _assert_bitwise(a, b)


@pytest.mark.parametrize("n_threads", [1, 2])
def test_a_move_that_empties_a_cluster_does_not_reseed_it(n_threads):
    # Found by the fuzz test: 6 distinct values, 21 clusters, weights down to
    # 1e-300. Relocation moved the only point of a cluster that had not been
    # empty; the C loop took it for one more empty cluster and read past its
    # list of far points (a segfault). As _run.py, only the clusters empty
    # before the moves are re-seeded.
    X = np.array([2, -2, 2, 2, 0, -2, -1, 0, -3, -2, 1, -1, 2, 2, -1, 0, -1, 1, 1, 2, -3,
                  1, 1, 0, 0, 1, -3, -1, -2, 0, -3, 0, -2], dtype=np.float64)[:, None]
    tiny = 1e-300
    w = np.array([100, tiny, 0, 0, tiny, 100, 0, tiny, 100, 1, 0, 0, tiny, 0, tiny, 100, 0,
                  3.3, tiny, tiny, tiny, 3.3, 1, tiny, 1, 1, tiny, tiny, 0, 3.3, 3.3, tiny,
                  tiny])
    in_c, in_python = _both(X, 21, sample_weight=w, random_state=2151311254, n_init=1,
                            n_threads=n_threads)
    _assert_bitwise(in_c, in_python)


def test_c_loop_k_means_plus_plus_and_n_init():
    X, _ = make_blobs(1500, 4, 6, seed=5, dtype=np.float32)
    a, b = _both(X, 6, random_state=7, n_init=3)
    _assert_bitwise(a, b)


def test_which_loop_runs(monkeypatch):
    # the C loop for plain dense Lloyd; the Python loop when a callback or
    # verbose output listens, for the bounded variants, and for float16 data
    X, _ = make_blobs(500, 3, 4, seed=6)

    def no_python_loop(*args, **kwargs):
        raise AssertionError("the Python run loop ran")

    monkeypatch.setattr(_fit, "run_lloyd", no_python_loop)
    fastkmeans.fit(X, 4, random_state=0, algorithm="lloyd")
    fastkmeans.fit(X, 4, random_state=0)  # auto is Lloyd below 8 features
    for options in ({"callback": lambda info: False}, {"algorithm": "hamerly"}):
        with pytest.raises(AssertionError, match="Python run loop ran"):
            fastkmeans.fit(X, 4, random_state=0, **options)
    with pytest.raises(AssertionError, match="Python run loop ran"):
        fastkmeans.fit(X.astype(np.float16), 4, random_state=0)
    monkeypatch.undo()

    def no_c_loop(*args, **kwargs):
        raise AssertionError("the C run loop ran")

    monkeypatch.setattr(_fit, "run_lloyd_in_c", no_c_loop)
    fastkmeans.fit(X, 4, random_state=0, verbose=0, callback=lambda info: False)
    assert _run.run_lloyd_in_c is not no_c_loop


def test_random_state_is_checked_when_nothing_is_drawn():
    X, _ = make_blobs(200, 2, 3, seed=7)
    init = np.array(X[:3])
    for bad, error in ((-1, ValueError), ("seed", TypeError), (1.5, TypeError)):
        with pytest.raises(error, match="random_state"):
            fastkmeans.fit(X, 3, init=init, random_state=bad)
