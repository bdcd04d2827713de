"""Differential fuzzing: fastkmeans against the NumPy reference and scikit-learn.

Random small problems (shapes, dtypes, weights with zeros, duplicate points,
every algorithm, dense and CSR): from the same initial centers fastkmeans
must give the reference's labels, centers and iteration count, and
scikit-learn's labels and inertia where no rounding-level tie decides.
The suite runs a bounded number of examples; for a long run:

    FASTKMEANS_FUZZ_EXAMPLES=100000 python -m pytest -q tests/test_fuzz.py
"""
import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fastkmeans
from fastkmeans import _reference

EXAMPLES = int(os.environ.get("FASTKMEANS_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(2, 200))
    d = draw(st.integers(1, 24))
    k = draw(st.integers(1, min(n, 30)))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    X = rng.normal(scale=draw(st.sampled_from([1e-3, 1.0, 1e3])), size=(n, d))
    if draw(st.booleans()):  # duplicates and ties
        X = np.round(X * 2) / 2
    weights = None
    if draw(st.booleans()):
        weights = rng.integers(0, 4, size=n).astype(float)
        weights[rng.choice(n, k, replace=False)] = 1.0  # at least k positive rows
    positive = np.arange(n) if weights is None else np.flatnonzero(weights > 0)
    init = X[rng.choice(positive, k, replace=False)]
    return X.astype(dtype), weights, init.astype(dtype)


def _fit(X, weights, init, algorithm, max_iter=50):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fastkmeans.fit(X, init.shape[0], init=init, sample_weight=weights, tol=0,
                              algorithm=algorithm, max_iter=max_iter)


@FUZZ
@given(problem=problems(), algorithm=st.sampled_from(["lloyd", "hamerly", "elkan", "yinyang"]))
def test_against_the_reference(problem, algorithm):
    X, weights, init = problem
    result = _fit(X, weights, init, algorithm)
    lloyd = _fit(X, weights, init, "lloyd")
    # every variant is Lloyd bit for bit
    assert result.n_iter == lloyd.n_iter
    np.testing.assert_array_equal(result.centers, lloyd.centers)
    np.testing.assert_array_equal(result.labels, lloyd.labels)
    # the reference's inertia for fastkmeans' own labels and centers
    w = np.ones(X.shape[0]) if weights is None else weights
    X64 = X.astype(np.float64)
    expected = float(np.sum(w * ((X64 - result.centers.astype(np.float64)[result.labels]) ** 2)
                            .sum(axis=1)))
    assert result.inertia == pytest.approx(expected, rel=1e-5 if X.dtype == np.float32 else 1e-10,
                                           abs=1e-30)
    # every label is a nearest center (up to rounding of the distances)
    sq = _reference.squared_distances(X64, result.centers.astype(np.float64))
    best = sq.min(axis=1)
    own = sq[np.arange(X.shape[0]), result.labels]
    scale = (X64 ** 2).sum(axis=1) + (result.centers.astype(np.float64) ** 2).sum(axis=1).max()
    eps = np.finfo(X.dtype).eps
    assert np.all(own - best <= 64 * X.shape[1] * eps * scale + 1e-300)


@FUZZ
@given(problem=problems())
def test_against_scikit_learn(problem):
    cluster = pytest.importorskip("sklearn.cluster")
    X, weights, init = problem
    if X.dtype == np.float32:  # sklearn's float32 sums differ at rounding level
        X, init = X.astype(np.float64), init.astype(np.float64)
    w = np.ones(X.shape[0]) if weights is None else weights
    sq = np.sort(_reference.squared_distances(X, init), axis=1)
    if init.shape[0] > 1 and np.any(sq[:, 1] - sq[:, 0] <= 1e-9 * (1 + sq[:, 1])):
        return  # a tie: which center takes the point is a rounding-level choice
    first = _reference.squared_distances(X, init).argmin(axis=1)
    if np.bincount(first, weights=w, minlength=init.shape[0]).min() == 0:
        return  # an empty cluster: relocation choices differ (documented)
    ours = _fit(X, weights, init, "lloyd", max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = cluster.KMeans(init.shape[0], init=init, n_init=1, max_iter=1, tol=0,
                                algorithm="lloyd").fit(X, sample_weight=weights)
    # one iteration from the same centers: the same objective, to rounding
    assert ours.inertia == pytest.approx(theirs.inertia_, rel=1e-7, abs=1e-12)
