"""SciPy sparse input: recognise it without importing SciPy, and validate it.

SciPy stays optional: a SciPy sparse matrix can only exist once
``scipy.sparse`` is imported, so :func:`is_scipy_sparse` looks in
``sys.modules`` and never imports it. Validated input is a :class:`CSRData`:
the canonical CSR arrays (sorted columns, no duplicates), read-only, with
float32 data kept float32 (integers and booleans become float64) and int32
or int64 indices. The caller's matrix is never written to; arrays are
copied only when they must change (another format, non-canonical rows,
integer data, mixed index dtypes).
"""
import dataclasses
import sys

import numpy as np

from ._common import scan_finite_and_magnitude
from ._sparse import csr_structure


def is_scipy_sparse(value) -> bool:
    """Whether ``value`` is a SciPy sparse matrix or array (never imports SciPy)."""
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and sparse.issparse(value)


def read_only(array: np.ndarray) -> np.ndarray:
    """A view that raises on any write, so no kernel can touch the caller's data."""
    view = array.view()
    view.flags.writeable = False
    return view


@dataclasses.dataclass(frozen=True)
class CSRData:
    """A validated, canonical CSR matrix: the arrays the sparse kernels take.

    Attributes
    ----------
    data : ndarray of shape (nnz,), float32 or float64, read-only
        Stored values (explicit zeros allowed), all finite.
    indices : ndarray of shape (nnz,), int32 or int64, read-only
        Column of every stored value, strictly increasing within each row.
    indptr : ndarray of shape (n_samples + 1,), dtype of indices, read-only
        Row ``i`` is ``data[indptr[i]:indptr[i + 1]]``.
    shape : tuple of int
        ``(n_samples, n_features)``.
    sparse_type : type
        The SciPy class to show these arrays as (``csr_matrix`` or
        ``csr_array``, as the caller's input), e.g. to a callable ``init``.
    """

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple
    sparse_type: type

    @property
    def dtype(self) -> np.dtype:
        """dtype of the values: float32 or float64."""
        return self.data.dtype

    @property
    def arrays(self) -> tuple:
        """``(data, indices, indptr)``: the first arguments of every sparse kernel."""
        return self.data, self.indices, self.indptr

    def to_scipy(self):
        """A SciPy CSR matrix (of the caller's class) viewing the read-only arrays."""
        return self.sparse_type((self.data, self.indices, self.indptr), shape=self.shape,
                                copy=False)

    def dense_rows(self, rows, dtype=None) -> np.ndarray:
        """Rows ``rows`` as a dense C-ordered array (dtype of the data by default)."""
        rows = np.asarray(rows, dtype=np.intp).reshape(-1)
        out = np.zeros((rows.size, self.shape[1]), dtype=dtype or self.dtype)
        for position, row in enumerate(rows):
            start, end = self.indptr[row], self.indptr[row + 1]
            out[position, self.indices[start:end]] = self.data[start:end]
        return out


def _index_arrays(indptr, indices, name: str):
    """``indptr`` and ``indices`` in one dtype, int32 when both are, else int64."""
    for array, what in ((indptr, "indptr"), (indices, "indices")):
        if array.dtype.kind not in "iu":
            raise TypeError(f"{name}.{what} has dtype {array.dtype}: expected integers")
    if indptr.dtype == np.int32 and indices.dtype == np.int32:
        return indptr, indices
    index_max = np.iinfo(np.int64).max
    for array, what in ((indptr, "indptr"), (indices, "indices")):
        if array.dtype == np.uint64 and array.size and array.max() > index_max:
            raise ValueError(f"{name}.{what} holds values beyond the int64 range")
    return indptr.astype(np.int64, copy=False), indices.astype(np.int64, copy=False)


def _check_indptr(indptr: np.ndarray, n_samples: int, n_stored: int, name: str) -> int:
    """Validate the row pointers; returns the number of stored values, ``indptr[-1]``."""
    if indptr.ndim != 1 or indptr.shape[0] != n_samples + 1:
        raise ValueError(
            f"{name}.indptr must have n_samples + 1 = {n_samples + 1} entries, "
            f"got shape {indptr.shape}")
    if indptr[0] != 0:
        raise ValueError(f"{name}.indptr must start at 0, got {indptr[0]}")
    decreasing = np.flatnonzero(indptr[1:] < indptr[:-1])
    if decreasing.size:
        raise ValueError(
            f"{name}.indptr decreases after row {decreasing[0]}: row pointers "
            "must be non-decreasing")
    nnz = int(indptr[-1])
    if nnz > n_stored:
        raise ValueError(
            f"{name}.indptr ends at {nnz}, beyond the {n_stored} stored values "
            f"of {name}.indices and {name}.data")
    return nnz


def check_sparse_data(X, n_threads: int, name: str = "X"):
    """Validate a SciPy sparse matrix (or array) as data.

    Parameters
    ----------
    X : scipy.sparse matrix or array of shape (n_samples, n_features)
        CSR is used as is; any other format is converted to CSR (a copy,
        with duplicate entries summed).
    n_threads : int
        Threads for the structure and finiteness scans.
    name : str
        Argument name used in error messages.

    Returns
    -------
    X : CSRData
        Canonical, read-only, float32 or float64.
    max_abs : float
        Largest absolute stored value.

    Raises
    ------
    ValueError, TypeError
        For a shape without samples or features, malformed CSR structure,
        non-numeric values, NaN or infinity.
    """
    if not is_scipy_sparse(X):
        raise TypeError(f"{name} must be a SciPy sparse matrix or array, got "
                        f"{type(X).__name__}")
    if len(X.shape) != 2:
        raise ValueError(
            f"{name} must be a 2-D sparse matrix of shape (n_samples, n_features), "
            f"got shape {X.shape}")
    n_samples, n_features = (int(size) for size in X.shape)
    if n_samples == 0 or n_features == 0:
        raise ValueError(
            f"{name} must hold at least one sample and one feature, got shape {X.shape}")
    if n_samples > np.iinfo(np.int32).max:
        raise ValueError(f"{name} has {n_samples} samples; at most "
                         f"{np.iinfo(np.int32).max} are supported")
    if X.format != "csr":
        X = X.tocsr()  # a new matrix: the caller's is untouched
    sparse_type = type(X)

    dtype = X.data.dtype
    if dtype.kind not in "biuf" or (dtype.kind == "f" and dtype.itemsize > 8):
        raise TypeError(
            f"{name} has dtype {dtype}: expected real numbers "
            "(float32, float64, integers or booleans)")
    float_dtype = np.float32 if dtype.kind == "f" and dtype.itemsize <= 4 else np.float64
    indptr, indices = _index_arrays(np.asarray(X.indptr), np.asarray(X.indices), name)
    data = np.asarray(X.data)
    nnz = _check_indptr(indptr, n_samples, min(indices.shape[0], data.shape[0]), name)
    indices, data = indices[:nnz], data[:nnz]
    first_bad, canonical = csr_structure(indptr, indices, n_features, n_threads)
    if first_bad >= 0:
        row = int(np.searchsorted(indptr, first_bad, side="right")) - 1
        raise ValueError(
            f"{name} has column index {indices[first_bad]} in row {row}: "
            f"expected 0 <= index < n_features={n_features}")
    if not canonical:
        # Sort the columns and sum duplicates on a private copy.
        copy = sparse_type((data, indices, indptr), shape=(n_samples, n_features), copy=True)
        copy.sum_duplicates()
        indptr, indices = _index_arrays(copy.indptr, copy.indices, name)
        data = copy.data

    data = np.ascontiguousarray(data, dtype=float_dtype)
    max_abs = 0.0
    if data.size:
        first_bad, max_abs = scan_finite_and_magnitude(data.reshape(-1, 1), n_threads)
        if first_bad >= 0:
            row = int(np.searchsorted(indptr, first_bad, side="right")) - 1
            raise ValueError(
                f"{name} contains {float(data[first_bad])} at row {row}, column "
                f"{indices[first_bad]}: k-means needs finite values (remove or "
                "impute NaN and infinity)")
    return CSRData(
        data=read_only(data),
        indices=read_only(np.ascontiguousarray(indices)),
        indptr=read_only(np.ascontiguousarray(indptr)),
        shape=(n_samples, n_features),
        sparse_type=sparse_type,
    ), float(max_abs)
