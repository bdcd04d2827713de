"""Shared test data and checks. Seeds are fixed so every failure reproduces."""
import numpy as np
import pytest


def make_blobs(n_samples, n_features, n_clusters, *, cluster_std=1.0, spread=10.0,
               seed=0, dtype=np.float64, order="C", zero_below=None):
    """Gaussian blobs around random centers; ``(X, true_centers)``.

    The one data generator of the tests. ``zero_below`` sets the entries
    smaller than it in magnitude to zero (before the cast to ``dtype``), for
    data worth storing sparse: with ``spread=10``, ``zero_below=6`` leaves
    about 40% of the entries non-zero, ``zero_below=3`` about 70%.
    """
    rng = np.random.default_rng(seed)
    centers = rng.uniform(-spread, spread, size=(n_clusters, n_features))
    labels = rng.integers(0, n_clusters, size=n_samples)
    X = centers[labels] + rng.normal(scale=cluster_std, size=(n_samples, n_features))
    if zero_below is not None:
        X[np.abs(X) < zero_below] = 0.0
    return np.asarray(X, dtype=dtype, order=order), centers


def with_index_dtype(X, index_dtype):
    """A copy of CSR ``X`` with ``indices`` and ``indptr`` of ``index_dtype``."""
    X = X.copy()
    X.indices, X.indptr = X.indices.astype(index_dtype), X.indptr.astype(index_dtype)
    return X


def csr_arrays(X):
    """Copies of the three arrays of CSR ``X``, to check that a call left them alone."""
    return X.data.copy(), X.indices.copy(), X.indptr.copy()


def assert_same_fit(a, b, X_dense, dtype):
    """Fits ``a`` and ``b`` agree: n_iter, labels of the points clear of ties, inertia, centers."""
    assert a.n_iter == b.n_iter
    clear = clear_of_ties(X_dense, b.centers)
    assert clear.mean() > 0.9
    np.testing.assert_array_equal(a.labels[clear], b.labels[clear])
    rel = 1e-9 if dtype == np.float64 else 1e-5
    assert a.inertia == pytest.approx(b.inertia, rel=rel)
    np.testing.assert_allclose(a.centers, b.centers, rtol=rel, atol=rel)


def random_weights(n_samples, seed=1):
    """Positive weights spread over two orders of magnitude."""
    return np.random.default_rng(seed).uniform(0.1, 10.0, size=n_samples)


def clear_of_ties(X, centers, rel_gap=1e-4):
    """Mask of points whose nearest center beats the second by a clear margin.

    Labels of points near a tie may legitimately differ between two correct
    implementations that round differently.
    """
    X64 = np.asarray(X, dtype=np.float64)
    C64 = np.asarray(centers, dtype=np.float64)
    if C64.shape[0] < 2:
        return np.ones(X64.shape[0], dtype=bool)
    clear = np.empty(X64.shape[0], dtype=bool)
    chunk = max(1, (1 << 20) // C64.size)
    for start in range(0, X64.shape[0], chunk):
        diff = X64[start:start + chunk, None, :] - C64[None, :, :]
        distances = np.einsum("ijk,ijk->ij", diff, diff)
        two = np.partition(distances, 1, axis=1)[:, :2]
        clear[start:start + chunk] = two[:, 1] - two[:, 0] > rel_gap * (1.0 + two[:, 1])
    return clear


#: The floating-point dtypes fastkmeans keeps, for hypothesis strategies (tests
#: take the ``dtype`` fixture of conftest.py).
DTYPES = (np.float32, np.float64)


def load_tool(name):
    """The checkout's ``tools/<name>.py`` as a module (the test skips outside a checkout)."""
    import importlib.util
    import pathlib
    path = pathlib.Path(__file__).resolve().parent.parent / "tools" / f"{name}.py"
    if not path.is_file():
        pytest.skip(f"tools/{name}.py is not there (not a checkout)")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
