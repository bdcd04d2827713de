"""Fixtures for the axes every feature test runs over: dtype, input container, threads.

``container`` turns a dense NumPy array into each input type fastkmeans takes
alike: NumPy in C and in Fortran order, SciPy's ``csr_matrix`` and
``csr_array``. The library promises the same results for all of them, so a
feature test written once checks that promise on every container. SciPy is
imported only by the sparse cases (skipped where SciPy is missing).
"""
import numpy as np
import pytest


@pytest.fixture(params=[np.float32, np.float64], ids=["float32", "float64"])
def dtype(request):
    """The floating-point dtype of the data."""
    return request.param


class Container:
    """A callable turning a dense 2-D array into one input type.

    Attributes
    ----------
    name : str
        ``'C'``, ``'F'``, ``'csr_matrix'`` or ``'csr_array'``.
    sparse : bool
        Whether the container is a SciPy sparse one.
    """

    def __init__(self, name):
        self.name = name
        self.sparse = name.startswith("csr")
        if self.sparse:
            sparse = pytest.importorskip("scipy.sparse")
            self._convert = getattr(sparse, name)
        else:
            self._convert = lambda dense: np.asarray(dense, order=name)

    def __call__(self, dense):
        return self._convert(np.asarray(dense))

    def __repr__(self):
        return self.name


CONTAINERS = ["C", "F", "csr_matrix", "csr_array"]


@pytest.fixture(params=CONTAINERS)
def container(request):
    """A :class:`Container`: dense NumPy (C, Fortran order), SciPy CSR matrix and array."""
    return Container(request.param)


@pytest.fixture(params=["csr_matrix", "csr_array"])
def sparse_container(request):
    """The two SciPy CSR containers, for tests about sparse input only."""
    return Container(request.param)


@pytest.fixture(params=[1, 2], ids=["1thread", "2threads"])
def n_threads(request):
    """The thread count passed as ``n_threads``; results must not depend on it."""
    return request.param
