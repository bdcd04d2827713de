"""Input validation: every public entry point checks its arguments here.

Each check names the argument, the value it received and what was expected.
Arrays are converted at most once (integers to float64, float32 kept), and
the caller's arrays are never written to: what comes back is either a
read-only view of the caller's array or a private copy.

SciPy stays optional: a SciPy sparse matrix can only exist once
``scipy.sparse`` is imported, so :func:`is_scipy_sparse` looks in
``sys.modules`` and never imports it. Sparse input becomes a canonical CSR
(sorted columns, no duplicates, int32 or int64 indices, float32 kept), copied
only where it must change.
"""
import math
import sys
import warnings
from numbers import Integral, Real

import numpy as np

from ._common import scan_finite_and_magnitude
from ._dask import check_dask_data, is_dask_array
from ._data import CSRData, DenseData, read_only
from ._half_data import HalfData
from ._sparse import csr_structure

# Labels are int32, as in scikit-learn.
_MAX_SAMPLES = np.iinfo(np.int32).max
#: Every integer parameter reaches C as an ``int`` at most: larger values are
#: refused with a message naming the parameter (never a bare OverflowError).
C_INT_MAX = int(np.iinfo(np.int32).max)
#: Most initialisations one fit may run: each is a whole k-means run, so more
#: than this is a mistake (``n_init=10**9`` would run for ever), not a wish.
MAX_N_INIT = 10_000
# 'auto': k-means|| for Dask arrays, k-means++ otherwise (see fastkmeans.fit)
_INIT_METHODS = ("auto", "k-means++", "k-means||", "random")
# float16 values per chunk of the finiteness scan (a small temporary)
_HALF_SCAN_VALUES = 1 << 16


def _is_sparse(value) -> bool:
    """Whether ``value`` looks like a sparse matrix of any library (duck-typed)."""
    return hasattr(value, "tocsr") and hasattr(value, "nnz")


def is_scipy_sparse(value) -> bool:
    """Whether ``value`` is a SciPy sparse matrix or array (never imports SciPy)."""
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and sparse.issparse(value)



def _float_dtype(dtype: np.dtype, name: str) -> np.dtype:
    """The float dtype fastkmeans computes in for input of ``dtype``."""
    if dtype.kind in "biu":
        return np.dtype(np.float64)
    if dtype.kind == "f":
        return np.dtype(np.float32 if dtype.itemsize <= 4 else np.float64)
    raise TypeError(
        f"{name} has dtype {dtype}: expected real numbers "
        "(float32, float64, integers or booleans)")


def _has_pandas_extension_dtypes(value) -> bool:
    """Whether ``value`` is a pandas object with a column that is not a NumPy
    dtype (nullable ``Int64``/``Float64``/``boolean``, categorical, ...)."""
    if not type(value).__module__.startswith("pandas"):
        return False
    dtypes = getattr(value, "dtypes", None)
    dtypes = [dtypes] if isinstance(dtypes, np.dtype) or not hasattr(dtypes, "__iter__") \
        else list(dtypes)
    return any(not isinstance(dtype, np.dtype) for dtype in dtypes)


def read_array(value, name: str) -> np.ndarray:
    """``value`` as a NumPy array, by the one input policy of every entry point.

    - NumPy arrays, lists and pandas objects of NumPy dtypes: as they are.
    - pandas nullable columns (``Int64``, ``Float64``, ``boolean``): float64,
      a missing value (``pd.NA``) becoming NaN, which the finiteness check
      then refuses with its row and column.
    - object arrays (and object columns) of numbers: float64; anything else
      in them is refused with a message naming ``name``.
    - masked arrays: refused (a mask is not a missing-value marker the
      kernels could honour; a masked value would silently count).
    - ragged nested lists: refused with a message naming ``name``.
    """
    if isinstance(value, np.ma.MaskedArray):
        raise TypeError(
            f"{name} is a masked array: fastkmeans does not apply masks (the masked "
            f"values would be clustered as they are); pass {name}.filled(value) or "
            f"drop the masked rows, e.g. {name}.data[~{name}.mask.any(axis=1)]")
    if _has_pandas_extension_dtypes(value):
        try:
            return value.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} has columns that are not numeric: {exc}") from None
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} could not be read as a numeric array (rows of "
                         f"different lengths?): {exc}") from None
    if array.dtype.kind == "O":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError) as exc:  # numpy's message names the bad value
            raise type(exc)(f"{name} has dtype object and is not numeric: {exc}") from None
    return array


def _as_float_array(value, name: str, dtype=None) -> np.ndarray:
    """``value`` as a float32/float64 array (``dtype`` if given), copied only when needed."""
    if _is_sparse(value):
        raise TypeError(
            f"{name} is a sparse matrix ({type(value).__name__}); {name} must be "
            f"dense here: pass {name}.toarray()")
    array = read_array(value, name)
    natural = _float_dtype(array.dtype, name)  # raises for non-numeric input
    return array.astype(natural if dtype is None else dtype, copy=False)


def _first_non_finite(array_2d: np.ndarray, n_threads: int):
    """``(None, max_abs)`` or ``((row, column), max_abs)`` of the first NaN/inf."""
    first_bad, max_abs = scan_finite_and_magnitude(array_2d, n_threads)
    if first_bad < 0:
        return None, max_abs
    return divmod(first_bad, array_2d.shape[1]), max_abs


def _first_non_finite_half(array_2d: np.ndarray, n_threads: int):
    """:func:`_first_non_finite` of float16 rows, a chunk of rows at a time."""
    chunk = max(1, _HALF_SCAN_VALUES // array_2d.shape[1])
    max_abs = 0.0
    for start in range(0, array_2d.shape[0], chunk):
        rows = array_2d[start:start + chunk]
        bad = np.flatnonzero(~np.isfinite(rows))
        if bad.size:
            row, column = divmod(int(bad[0]), array_2d.shape[1])
            return (start + row, column), max_abs
        max_abs = max(max_abs, float(np.max(np.abs(rows))))
    return None, max_abs


def check_data(X, n_threads: int, name: str = "X", float16: bool = False):
    """Validate a data matrix.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Lists, NumPy arrays of any memory order, pandas DataFrames, SciPy
        sparse matrices, Dask arrays.
    n_threads : int
        Threads for the finiteness scan.
    name : str
        Argument name used in error messages.
    float16 : bool
        Whether the caller takes ``HalfData``: a float16 NumPy array then
        stays float16 (no copy); otherwise it becomes float32.

    Returns
    -------
    X : DenseData, CSRData or DaskData of shape (n_samples, n_features)
        The data object of ``_data.py``, float32 or float64: for arrays a
        read-only, C-contiguous array (copied only if the input was not);
        for a SciPy sparse ``X``, its canonical CSR arrays; with ``float16``, a
        float16 NumPy array stays float16 (``_half_data.HalfData``, computed in
        float32 without a float32 copy); for a Dask array, the lazily cast array
        (``_dask.py``; its block tasks use 1 thread). This is the one place
        that tells dense from sparse from Dask.
    max_abs : float
        Largest absolute value in ``X``.
    """
    if is_scipy_sparse(X):
        return check_sparse_data(X, n_threads, name)
    if is_dask_array(X):  # never imports Dask: only a Dask array gets here
        return check_dask_data(X, 1, name)
    # float16 stays float16 (HalfData converts it block by block, exactly)
    half = float16 and isinstance(X, np.ndarray) and X.dtype == np.float16
    array = X if half else _as_float_array(X, name)
    if array.ndim != 2:
        hint = ""
        if array.ndim == 1:
            hint = (f". Reshape your data with {name}.reshape(-1, 1) for a single "
                    f"feature or {name}.reshape(1, -1) for a single sample")
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_features), "
            f"got a {array.ndim}-D array of shape {array.shape}{hint}")
    n_samples, n_features = array.shape
    if n_samples == 0 or n_features == 0:
        raise ValueError(
            f"{name} must hold at least one sample and one feature, "
            f"got shape {array.shape}")
    if n_samples > _MAX_SAMPLES:
        raise ValueError(
            f"{name} has {n_samples} samples; at most {_MAX_SAMPLES} are supported")
    # aligned too: an array at an odd address (np.frombuffer with an offset,
    # bytes from a socket) is copied, never read by the kernels misaligned
    array = np.require(array, requirements=("C", "A"))
    position, max_abs = (_first_non_finite_half if half else _first_non_finite)(array, n_threads)
    if position is not None:
        row, column = position
        raise ValueError(
            f"{name} contains {float(array[row, column])} at row {row}, column {column}: "
            "k-means needs finite values (remove or impute NaN and infinity)")
    return (HalfData if half else DenseData)(read_only(array)), max_abs


def read_estimator_input(X, estimator: str):
    """``X`` as an estimator's methods receive it: SciPy sparse as it is, else a
    2-D array, with the errors scikit-learn's checks expect (complex data,
    object arrays, empty data). Finiteness and dtype are checked later, by
    :func:`check_data`. ``estimator`` names the class in messages.
    """
    if is_scipy_sparse(X) or is_dask_array(X):
        return X
    if _is_sparse(X):
        raise TypeError(
            f"X is a sparse matrix ({type(X).__name__}) but not SciPy's; {estimator} "
            "takes dense arrays and SciPy sparse matrices: pass X.toarray()")
    array = read_array(X, "X")  # the policy of every entry point
    if array.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: X has dtype {array.dtype}")
    if array.ndim != 2:
        check_data(array, 1)  # raises its message about the expected shape
    for axis, what in ((0, "sample"), (1, "feature")):
        if array.shape[axis] == 0:
            raise ValueError(
                f"Found array with 0 {what}(s) (shape={array.shape}) while a "
                f"minimum of 1 is required by {estimator}.")
    return array


def check_magnitude(max_abs: float, n_features: int, dtype, total_weight: float,
                    name: str = "X") -> None:
    """Refuse values whose squared distances would overflow.

    Any squared distance between two points (or centers, which are weighted
    means of points) is at most ``n_features * (2 * max_abs) ** 2``; it must
    be finite in ``dtype``, and weighted by ``total_weight`` in float64.
    """
    limit = min(
        math.sqrt(np.finfo(dtype).max / (4.0 * n_features)),
        math.sqrt(np.finfo(np.float64).max / (4.0 * n_features * max(total_weight, 1.0))),
    )
    if max_abs > limit:
        raise ValueError(
            f"{name} holds values up to {max_abs:.3g} in magnitude: squared distances "
            f"between them would overflow {np.dtype(dtype).name} (largest safe "
            f"magnitude here is {limit:.3g}); rescale the data")


def warn_if_underflow(max_abs: float, n_features: int, dtype, name: str = "X",
                      stacklevel: int = 3) -> bool:
    """Warn, and return True, when every squared distance between values of
    magnitude ``max_abs`` underflows ``dtype`` (subnormal or zero): the labels
    then come from rounding noise (e.g. 1e-40 in float32 labels every point 0)."""
    if not 0 < max_abs * max_abs * n_features < np.finfo(dtype).tiny:
        return False
    warnings.warn(
        f"{name} holds values of at most {max_abs:.3g} in magnitude: squared distances "
        f"between them underflow {np.dtype(dtype).name} (smallest normal "
        f"{np.finfo(dtype).tiny:.3g}), so the labels are not meaningful; rescale the "
        "data (e.g. divide it by its largest magnitude)", RuntimeWarning,
        stacklevel=stacklevel)
    return True


def check_n_clusters(n_clusters, n_samples: int) -> int:
    """``n_clusters`` as an int in ``[1, n_samples]``."""
    if isinstance(n_clusters, bool) or not isinstance(n_clusters, Integral):
        raise TypeError(
            f"n_clusters must be an integer, got {n_clusters!r} "
            f"of type {type(n_clusters).__name__}")
    if not 1 <= n_clusters <= n_samples:
        raise ValueError(
            f"n_clusters={n_clusters} is out of range: expected "
            f"1 <= n_clusters <= n_samples={n_samples}")
    return int(n_clusters)


def check_sample_weight(sample_weight, n_samples: int, n_clusters: int,
                        n_threads: int) -> np.ndarray:
    """Validate ``sample_weight``.

    Parameters
    ----------
    sample_weight : None, number or array-like of shape (n_samples,)
        Weights; ``None`` means all ones, a number is used for every sample.
    n_samples, n_clusters : int
        Shape of the problem the weights are for.
    n_threads : int
        Threads for the finiteness scan.

    Returns
    -------
    ndarray of shape (n_samples,), float64, read-only
        Finite, non-negative weights with at least ``n_clusters`` positive
        entries.
    """
    if sample_weight is None:
        return read_only(np.ones(n_samples, dtype=np.float64))
    weights = _as_float_array(sample_weight, "sample_weight", dtype=np.float64)
    if weights.ndim == 0:
        weights = np.full(n_samples, weights[()], dtype=np.float64)
    if weights.shape != (n_samples,):
        raise ValueError(
            f"sample_weight must have shape (n_samples,) = ({n_samples},), "
            f"got shape {weights.shape}")
    weights = np.require(weights, requirements=("C", "A"))
    position, _ = _first_non_finite(weights.reshape(-1, 1), n_threads)
    if position is not None:
        index = position[0]
        raise ValueError(
            f"sample_weight contains {float(weights[index])} at index {index}: "
            "weights must be finite")
    negative = np.flatnonzero(weights < 0)
    if negative.size:
        index = negative[0]
        raise ValueError(
            f"sample_weight contains the negative value {float(weights[index])} at "
            f"index {index}: weights must be >= 0")
    with np.errstate(over="ignore"):
        total = float(weights.sum())
    if not math.isfinite(total):
        raise ValueError(f"sample_weight sums to {total}: weights are too large")
    n_positive = int(np.count_nonzero(weights))
    if n_positive < n_clusters:
        raise ValueError(
            f"sample_weight has {n_positive} positive entries (sum {total!r}, the "
            "other weights are zero); "
            f"at least n_clusters={n_clusters} samples need a positive weight")
    return read_only(weights)


def check_centers(centers, n_features: int, dtype, n_threads: int, *,
                  n_clusters=None, name: str = "centers") -> np.ndarray:
    """A private, finite, C-ordered copy of ``centers`` in ``dtype``.

    Parameters
    ----------
    centers : array-like of shape (n_clusters, n_features)
        Centers given by the caller (``init`` array, callable output or the
        centers passed to ``predict``).
    n_features : int
        Features of the data the centers are for.
    dtype : dtype
        dtype of the data; the centers are cast to it.
    n_threads : int
        Threads for the finiteness scan.
    n_clusters : int, optional
        Required number of rows; any number >= 1 if ``None``.
    name : str
        Argument name used in error messages.
    """
    array = _as_float_array(centers, name, dtype=dtype)
    rows = "n_clusters" if n_clusters is None else n_clusters
    if (array.ndim != 2 or array.shape[1] != n_features or array.shape[0] == 0
            or (n_clusters is not None and array.shape[0] != n_clusters)):
        raise ValueError(
            f"{name} must have shape (n_clusters, n_features) = ({rows}, {n_features}), "
            f"got shape {array.shape}")
    array = np.array(array, order="C", copy=True)
    position, max_abs = _first_non_finite(array, n_threads)
    if position is not None:
        row, column = position
        raise ValueError(
            f"{name} contains {float(array[row, column])} at row {row}, column {column} "
            f"(as {np.dtype(dtype).name}): centers must be finite")
    check_magnitude(max_abs, n_features, dtype, 1.0, name=name)
    return array



def check_points_and_centers(X, centers, n_threads: int):
    """Validated ``(X, centers)`` for labelling ``X`` with given centers: ``X`` as
    :func:`check_data` returns it, centers cast to its dtype, and magnitudes
    whose squared distances cannot overflow."""
    X, max_abs = check_data(X, n_threads, float16=True)
    centers = check_centers(centers, X.shape[1], X.dtype, n_threads)
    check_magnitude(max_abs, X.shape[1], X.dtype, 1.0)
    warn_if_underflow(max_abs, X.shape[1], X.dtype, stacklevel=4)
    return X, centers

def check_init(init, n_clusters: int, n_features: int, dtype, n_threads: int):
    """``'k-means++'``, ``'random'``, a callable, or a validated centers array."""
    if isinstance(init, str):
        if init not in _INIT_METHODS:
            raise ValueError(
                f"init={init!r} is not supported: expected 'auto', 'k-means++', "
                "'k-means||', 'random', "
                "an array of shape (n_clusters, n_features) or a callable")
        return init
    if callable(init):
        return init
    return check_centers(init, n_features, dtype, n_threads,
                         n_clusters=n_clusters, name="init")


def check_n_init(n_init, init, auto_random: int = 10) -> int:
    """Number of initialisations; ``'auto'`` is ``auto_random`` for random
    starts (``'random'`` or a callable), else 1."""
    random_start = callable(init) or (isinstance(init, str) and init == "random")
    if isinstance(n_init, str) and n_init == "auto":
        return auto_random if random_start else 1
    n_init = check_positive_int(n_init, "n_init", allowed="or 'auto'", maximum=MAX_N_INIT)
    if isinstance(init, np.ndarray) and n_init != 1:
        warnings.warn(
            f"init is an array of centers: running one initialisation instead "
            f"of n_init={n_init}", RuntimeWarning, stacklevel=3)
        return 1
    return n_init


def check_positive_int(value, name: str, allowed: str = "",
                       maximum: int | None = C_INT_MAX) -> int:
    """``value`` as an int in ``[1, maximum]`` (no upper bound for ``maximum=None``)."""
    expected = f"a positive integer {allowed}".rstrip()
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be {expected}, got {value!r} of type "
                        f"{type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be {expected}, got {value!r}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name}={value!r} is too large: expected {expected} "
                         f"at most {maximum}")
    return int(value)


_ALGORITHMS = ("lloyd", "elkan", "hamerly", "yinyang", "auto")


def check_algorithm(algorithm) -> str:
    """``algorithm`` as one of ``'lloyd', 'elkan', 'hamerly', 'yinyang', 'auto'``."""
    if not isinstance(algorithm, str):
        raise TypeError(f"algorithm must be a string, one of {_ALGORITHMS}, got "
                        f"{algorithm!r} of type {type(algorithm).__name__}")
    if algorithm not in _ALGORITHMS:
        raise ValueError(f"algorithm must be one of {_ALGORITHMS}, got {algorithm!r}")
    return algorithm


def check_tol(tol) -> float:
    """``tol`` as a finite float >= 0."""
    if isinstance(tol, bool) or not isinstance(tol, Real):
        raise TypeError(f"tol must be a non-negative number, got {tol!r} of type "
                        f"{type(tol).__name__}")
    if not (math.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol must be a finite number >= 0, got {tol!r}")
    return float(tol)


def check_random_state(random_state, needed: bool = True) -> np.random.Generator | None:
    """A NumPy Generator from ``None``, an int seed, a SeedSequence, a
    Generator (used as is, so it advances) or a legacy RandomState.

    With ``needed=False`` the value is checked alike but no Generator is
    made (``None`` is returned): making one from ``None`` reads OS entropy,
    a sizeable share of a small fit that draws nothing.
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if not needed and (random_state is None or isinstance(
            random_state, (np.random.RandomState, np.random.SeedSequence)) or (
            isinstance(random_state, Integral) and not isinstance(random_state, bool)
            and random_state >= 0)):
        return None
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(
            random_state.randint(np.iinfo(np.int64).max, dtype=np.int64))
    if random_state is None or isinstance(random_state, np.random.SeedSequence) or (
            isinstance(random_state, Integral) and not isinstance(random_state, bool)):
        try:
            return np.random.default_rng(random_state)
        except ValueError as exc:
            raise ValueError(f"random_state={random_state!r} is not a valid seed: {exc}") from None
    raise TypeError(
        f"random_state must be None, an int, a numpy.random.Generator or "
        f"RandomState, got {random_state!r} of type {type(random_state).__name__}")


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

    data = np.require(data, dtype=float_dtype, requirements=("C", "A"))
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
        indices=read_only(np.require(indices, requirements=("C", "A"))),
        indptr=read_only(np.require(indptr, requirements=("C", "A"))),
        shape=(n_samples, n_features),
        sparse_type=sparse_type,
    ), float(max_abs)
