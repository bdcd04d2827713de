"""Bounded memory: no n_samples x n_clusters array, no copy of X.

tracemalloc sees every NumPy allocation (the kernels' own C buffers are
O(n_clusters x n_features x threads) and not traced). With d = 32 float32
features X takes 128 bytes a row; what fastkmeans may allocate per row
(labels, weights, k-means++ distances) is a few dozen bytes, while an
n x k distance matrix (k = 64) would take 256 and a copy of X 128.
"""
import tracemalloc

import numpy as np
import pytest

import fastkmeans

N_SAMPLES, N_FEATURES, N_CLUSTERS = 50_000, 32, 64


@pytest.fixture(scope="module")
def data():
    X = np.random.default_rng(0).normal(size=(N_SAMPLES, N_FEATURES)).astype(np.float32)
    return X


def _peak_bytes(call):
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("what", ["fit", "fit-k-means++", "predict", "kmeans_plusplus"])
def test_peak_memory_is_a_fraction_of_x(data, what):
    X = data
    calls = {
        "fit": lambda: fastkmeans.fit(X, N_CLUSTERS, init=X[:N_CLUSTERS], max_iter=3, tol=0.0),
        "fit-k-means++": lambda: fastkmeans.fit(X, N_CLUSTERS, max_iter=3, random_state=0),
        "predict": lambda: fastkmeans.predict(X, X[:N_CLUSTERS]),
        "kmeans_plusplus": lambda: fastkmeans.kmeans_plusplus(X, N_CLUSTERS, random_state=0),
    }
    peak = _peak_bytes(calls[what])
    assert peak < 0.5 * X.nbytes, f"{what} allocated {peak / X.nbytes:.2f} x X"


@pytest.mark.parametrize("what", ["fit", "fit-k-means++", "predict"])
def test_sparse_peak_memory_is_a_fraction_of_x(what):
    sparse = pytest.importorskip("scipy.sparse")
    # 40 nonzeros a row: 320 bytes of float32 values and int32 indices, against
    # a few dozen bytes a row of labels, row order and k-means++ distances
    X = sparse.random(50_000, 2_000, density=0.02, format="csr", dtype=np.float32,
                      random_state=np.random.default_rng(0))
    x_bytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    init = X[:64].toarray()
    calls = {
        "fit": lambda: fastkmeans.fit(X, 64, init=init, max_iter=3, tol=0.0),
        "fit-k-means++": lambda: fastkmeans.fit(X, 64, max_iter=3, random_state=0),
        "predict": lambda: fastkmeans.predict(X, init),
    }
    peak = _peak_bytes(calls[what])
    assert peak < 0.5 * x_bytes, f"{what} allocated {peak / x_bytes:.2f} x X"
