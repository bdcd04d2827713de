"""Every accelerated variant gives Lloyd's run bit for bit: the same labels,
the same centers at every iteration, the same iteration count.

The bounded passes label the points differently, but they sum them with
Lloyd's own code in Lloyd's order (``core/kernels_impl.h``: the low-d lane
sums are taken the same way with or without the assignment), so the centers
cannot differ by an ulp and ``n_iter`` cannot differ by one.
"""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fastkmeans

VARIANTS = ("hamerly", "elkan", "yinyang")


def _problem(seed):
    """A small float32 problem with integer weights, zeros included (the probe
    that found 14 mismatches in 20,000 problems)."""
    rng = np.random.default_rng(seed)
    n, d, k = int(rng.integers(10, 80)), int(rng.integers(1, 5)), int(rng.integers(2, 6))
    X = rng.normal(size=(n, d)).astype(np.float32)
    weights = rng.integers(0, 4, size=n).astype(float)
    init = X[rng.choice(np.flatnonzero(weights > 0), k, replace=False)]
    return X, weights, init


def _assert_all_like_lloyd(X, weights, init, max_iter=100):
    def run(algorithm):
        history = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # fewer distinct clusters than k
            result = fastkmeans.fit(
                X, init.shape[0], init=init, tol=0, sample_weight=weights,
                algorithm=algorithm, max_iter=max_iter,
                callback=lambda info: history.append(info.inertia))
        return result, history

    lloyd, lloyd_history = run("lloyd")
    for algorithm in VARIANTS:
        result, history = run(algorithm)
        assert result.n_iter == lloyd.n_iter, algorithm
        np.testing.assert_array_equal(result.centers, lloyd.centers, err_msg=algorithm)
        np.testing.assert_array_equal(result.labels, lloyd.labels, err_msg=algorithm)
        assert result.inertia == lloyd.inertia, algorithm
        assert len(history) == len(lloyd_history)


@pytest.mark.parametrize("seed", [145, 223, 350])
def test_zero_weight_reproducer(seed):
    # before the fix the variants ran one iteration more than Lloyd here:
    # Lloyd's low-d pass summed in vector lanes, the bounded pass row by row
    X, weights, init = _problem(seed)
    _assert_all_like_lloyd(X, weights, init)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(8, 300), d=st.integers(1, 20),
       k=st.integers(2, 40), float32=st.booleans(), ties=st.booleans(),
       zero_share=st.floats(0.0, 0.7))
def test_variants_equal_lloyd_bitwise(seed, n, d, k, float32, ties, zero_share):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    if ties:  # many equal points and equidistant centers
        X = np.round(X * 2) / 2
    X = X.astype(np.float32 if float32 else np.float64)
    weights = rng.integers(1, 4, size=n).astype(float)
    weights[rng.random(n) < zero_share] = 0.0
    positive = np.flatnonzero(weights > 0)
    k = min(k, positive.size)
    if k < 1:
        return
    init = X[rng.choice(positive, k, replace=False)]
    _assert_all_like_lloyd(X, weights, init, max_iter=60)


@pytest.mark.parametrize("algorithm", VARIANTS)
@pytest.mark.parametrize("at_iteration", [1, 2, 5])
def test_falling_back_to_lloyd_mid_run_changes_nothing(algorithm, at_iteration):
    # what algorithm='auto' does when the bounds cost more than they save
    from fastkmeans._accelerated import BoundedStep
    from fastkmeans._data import DenseData
    from fastkmeans._run import run_lloyd

    rng = np.random.default_rng(3)
    X = rng.normal(size=(3000, 6)).astype(np.float32)  # no clusters: the bounds prune little
    weights = rng.integers(0, 3, size=3000).astype(float)
    init = X[np.flatnonzero(weights)[:40]]
    data = DenseData(X)

    def hook(step):
        def on_iteration(history):
            if len(history) == at_iteration:
                step.fall_back()
        return on_iteration

    step = BoundedStep(X, weights, init.copy(), 2, algorithm)
    adaptive = run_lloyd(data, step, 60, 0.0, 2, hook(step))
    assert step.fell_back
    lloyd = fastkmeans.fit(X, 40, init=init, sample_weight=weights, tol=0, max_iter=60)
    assert adaptive.n_iter == lloyd.n_iter
    np.testing.assert_array_equal(adaptive.centers, lloyd.centers)
    np.testing.assert_array_equal(adaptive.labels, lloyd.labels)


def test_auto_gives_lloyds_result():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(40_000, 8)).astype(np.float32)
    init = X[:64]
    auto = fastkmeans.fit(X, 64, init=init, tol=0, max_iter=12, algorithm="auto")
    lloyd = fastkmeans.fit(X, 64, init=init, tol=0, max_iter=12, algorithm="lloyd")
    assert auto.n_iter == lloyd.n_iter
    np.testing.assert_array_equal(auto.centers, lloyd.centers)
    np.testing.assert_array_equal(auto.labels, lloyd.labels)
