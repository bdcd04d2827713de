"""The scikit-learn estimator protocol, without importing scikit-learn.

scikit-learn stays optional: ``import fastkmeans`` must not import it. So the
estimators do not inherit from ``sklearn.base.BaseEstimator``; this module
implements the parts of the protocol that ``clone``, ``Pipeline``,
``GridSearchCV`` and ``check_estimator`` rely on: ``get_params`` /
``set_params`` from the ``__init__`` signature, a ``repr`` that shows the
changed parameters, ``__sklearn_tags__`` (which imports scikit-learn, lazily:
only scikit-learn calls it), the ``n_features_in_`` / ``feature_names_in_``
checks of ``validate_data`` with the same messages, ``set_output`` and
``get_feature_names_out``.
"""
from __future__ import annotations

import copy
import importlib.util
import inspect
import sys
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._dask import BlockLabels, DaskData
from ._fit import predict as _predict
from ._spherical import SphericalData, direction_weights, row_norms
from ._threads import resolve_n_threads
from ._transform import center_distances
from ._validation import (
    check_points_and_centers,
    check_sample_weight,
    read_estimator_input,
)
from ._warnings import also_sklearns

_OUTPUT_CONTAINERS = ("default", "pandas", "polars")

# scikit-learn's sentinel for "leave this request as it is" in set_*_request
_UNCHANGED = "$UNCHANGED$"


class NotFittedError(ValueError, AttributeError):
    """An estimator method that needs a fitted model was called before ``fit``.

    It subclasses ``ValueError`` and ``AttributeError``, like scikit-learn's
    ``NotFittedError``; when scikit-learn has been imported, the error raised
    is also an instance of ``sklearn.exceptions.NotFittedError``.
    """


def _column_names(X) -> np.ndarray | None:
    """Column names of a DataFrame as an object array, ``None`` without names.

    As scikit-learn: names are kept only if all of them are strings; a mix of
    strings and other types is an error.
    """
    columns = getattr(X, "columns", None)
    if columns is None or not hasattr(X, "shape") or len(getattr(X, "shape", ())) != 2:
        return None
    names = np.asarray(list(columns), dtype=object)
    are_strings = [isinstance(name, str) for name in names]
    if names.size == 0 or not any(are_strings):
        return None
    if not all(are_strings):
        kinds = sorted({type(name).__name__ for name in names})
        raise TypeError(
            "Feature names are only supported if all input features have string "
            f"names, but your input has {kinds} as feature name / column name types. "
            "Convert all column names to strings, e.g. X.columns = X.columns.astype(str)")
    return names


def check_bool(value, name: str) -> bool:
    """``value`` if it is a bool (NumPy's included)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def labels_and_inertia(X, centers, sample_weight, n_threads: int, spherical: bool = False):
    """Nearest center of each sample and the weighted inertia (exact, float64).

    ``X`` and ``centers`` are validated here; ``sample_weight`` may be ``None``.
    ``spherical``: by cosine, the inertia ``sum(w (1 - cos))`` (unit ``centers``).
    """
    X, centers = check_points_and_centers(X, centers, n_threads)
    sample_weight = check_sample_weight(sample_weight, X.shape[0], 0, n_threads)
    if spherical:  # the data by direction take the weights w / |x|
        X = SphericalData(X, row_norms(X, n_threads))
        sample_weight = direction_weights(sample_weight, X.norms)
    return validated_labels_and_inertia(X, centers, sample_weight, n_threads)


def validated_labels_and_inertia(data, centers, sample_weight, n_threads: int):
    """:func:`labels_and_inertia` of validated data (centers in its dtype)."""
    if isinstance(data, DaskData):  # labels stay beside X's blocks
        labels = BlockLabels(data)
    else:
        labels = np.empty(data.shape[0], dtype=np.int32)
    data.assign(centers, labels, n_threads)
    return labels, data.inertia(centers, labels, sample_weight, n_threads)


def _feature_names_mismatch(fitted_names, names) -> str:
    """scikit-learn's message for columns that differ from those seen in ``fit``."""
    unseen = sorted(set(names) - set(fitted_names))
    missing = sorted(set(fitted_names) - set(names))
    message = "The feature names should match those that were passed during fit.\n"
    for title, group in (("Feature names unseen at fit time:", unseen),
                         ("Feature names seen at fit time, yet now missing:", missing)):
        if group:
            shown = [f"- {name}\n" for name in group[:5]]
            message += title + "\n" + "".join(shown) + ("- ...\n" if len(group) > 5 else "")
    if not unseen and not missing:
        message += "Feature names must be in the same order as they were in fit.\n"
    return message


def _changed(value, default) -> bool:
    """Whether a parameter differs from its default (for ``repr``)."""
    if value is default:
        return False
    if isinstance(value, np.ndarray) or isinstance(default, np.ndarray):
        return True
    if type(value) is not type(default):
        return True
    try:
        return bool(value != default)
    except Exception:  # comparisons of odd objects: show them
        return True


class EstimatorProtocol:
    """``get_params``, ``set_params``, ``repr``, tags, feature names, output container.

    Subclasses take every parameter as a keyword of ``__init__`` and store it
    unchanged under the same name (validation happens in ``fit``), and name
    their fitted attributes with a trailing underscore.
    """

    _estimator_type = "clusterer"

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(name for name, parameter in signature.parameters.items()
                      if name != "self" and parameter.kind != parameter.VAR_KEYWORD)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Parameters of this estimator.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of parameters that are estimators
            (as ``"<name>__<parameter>"``).

        Returns
        -------
        dict
            Parameter names mapped to their values.
        """
        params = {}
        for name in self._param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                params.update((f"{name}__{key}", inner)
                              for key, inner in value.get_params().items())
            params[name] = value
        return params

    def set_params(self, **params: Any) -> EstimatorProtocol:
        """Set parameters of this estimator (``"<name>__<parameter>"`` for nested ones).

        Values are checked when ``fit`` is called, not here.

        Parameters
        ----------
        **params : dict
            Parameter names and their new values.

        Returns
        -------
        self
            This estimator.

        Raises
        ------
        ValueError
            For a name that is not a parameter of this estimator.
        """
        valid = self.get_params(deep=True)
        nested: dict[str, dict[str, Any]] = {}
        for key, value in params.items():
            name, _, inner = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {self!r}. "
                    f"Valid parameters are: {self._param_names()!r}.")
            if inner:
                if not hasattr(valid[name], "set_params"):
                    raise ValueError(
                        f"Invalid parameter {key!r} for estimator {self!r}: "
                        f"{name}={valid[name]!r} has no parameters of its own.")
                nested.setdefault(name, {})[inner] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, inner_params in nested.items():
            valid[name].set_params(**inner_params)
        return self

    def __repr__(self) -> str:
        signature = inspect.signature(type(self).__init__)
        shown = []
        for name, parameter in signature.parameters.items():
            if name == "self" or parameter.kind == parameter.VAR_KEYWORD:
                continue
            value = getattr(self, name)
            if _changed(value, parameter.default):
                text = repr(value)
                if len(text) > 60:
                    text = text[:28] + "..." + text[-28:]
                shown.append(f"{name}={text}")
        return f"{type(self).__name__}({', '.join(shown)})"

    def __sklearn_clone__(self) -> EstimatorProtocol:
        """An unfitted copy with the same parameters, output container and
        metadata requests (what ``sklearn.base.clone`` returns).

        Imports scikit-learn; only scikit-learn calls it.
        """
        from sklearn.base import clone
        params = {name: clone(value, safe=False)
                  for name, value in self.get_params(deep=False).items()}
        new = type(self)(**params)
        for attribute in ("_sklearn_output_config", "_sample_weight_requests"):
            if hasattr(self, attribute):
                setattr(new, attribute, copy.deepcopy(getattr(self, attribute)))
        return new

    # -- metadata routing (scikit-learn's enable_metadata_routing) --------------

    # Methods that take sample_weight, each with a set_<method>_request.
    _SAMPLE_WEIGHT_METHODS = ("fit", "score")

    def _set_sample_weight_request(self, method: str, sample_weight) -> EstimatorProtocol:
        if sample_weight != _UNCHANGED:
            if not (sample_weight is None or isinstance(sample_weight, (bool, str))):
                raise ValueError(
                    f"set_{method}_request(sample_weight=...) takes True, False, None or "
                    f"an alias string, got {sample_weight!r}")
            requests = dict(getattr(self, "_sample_weight_requests", {}))
            requests[method] = sample_weight
            self._sample_weight_requests = requests
        return self

    def set_fit_request(self, *, sample_weight: bool | None | str = _UNCHANGED,
                        ) -> EstimatorProtocol:
        """Whether ``fit`` wants ``sample_weight`` from a meta-estimator.

        Used only with scikit-learn's ``set_config(enable_metadata_routing=True)``.

        Parameters
        ----------
        sample_weight : bool, None or str, default=unchanged
            ``True``: route it; ``False``: do not; ``None``: error if given;
            a string: route the metadata of that name as ``sample_weight``.

        Returns
        -------
        self
            This estimator.
        """
        return self._set_sample_weight_request("fit", sample_weight)

    def set_score_request(self, *, sample_weight: bool | None | str = _UNCHANGED,
                          ) -> EstimatorProtocol:
        """Whether ``score`` wants ``sample_weight`` from a meta-estimator.

        As :meth:`set_fit_request`, for ``score``.

        Parameters
        ----------
        sample_weight : bool, None or str, default=unchanged
            How to route ``sample_weight`` to ``score``.

        Returns
        -------
        self
            This estimator.
        """
        return self._set_sample_weight_request("score", sample_weight)

    def get_metadata_routing(self) -> Any:  # a MetadataRequest: scikit-learn is optional
        """The metadata requests of this estimator, as scikit-learn's ``MetadataRequest``.

        Imports scikit-learn; only scikit-learn calls it.
        """
        from sklearn.utils.metadata_routing import MetadataRequest
        request = MetadataRequest(owner=self)
        requests = getattr(self, "_sample_weight_requests", {})
        for method in self._SAMPLE_WEIGHT_METHODS:
            getattr(request, method).add_request(param="sample_weight",
                                                 alias=requests.get(method))
        return request

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "cluster_centers_")

    def __sklearn_tags__(self):
        """scikit-learn's tags: a clusterer and transformer of float data, dense
        or SciPy sparse.

        Imports scikit-learn; only scikit-learn calls this.
        """
        from sklearn.utils import InputTags, Tags, TargetTags, TransformerTags
        return Tags(
            estimator_type=self._estimator_type,
            target_tags=TargetTags(required=False),
            transformer_tags=TransformerTags(preserves_dtype=["float64", "float32"]),
            input_tags=InputTags(sparse=True),
        )

    # -- fitted state --------------------------------------------------------

    def _check_is_fitted(self) -> None:
        if not self.__sklearn_is_fitted__():
            raise also_sklearns(NotFittedError, "NotFittedError")(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' "
                "with appropriate arguments before using this estimator.")

    # -- input (as scikit-learn's validate_data) ---------------------------------

    def _read_X(self, X, reset: bool) -> np.ndarray:
        """``X`` as a 2-D array (SciPy sparse as it is), its features recorded
        (``reset``) or checked.

        Gives the errors scikit-learn's checks expect (complex data, object
        arrays, empty data); finiteness and dtype are checked later, by the
        function the array is passed to.
        """
        array = read_estimator_input(X, type(self).__name__)
        self._check_features(X, array, reset)
        return array


    def _check_features(self, X, array: np.ndarray, reset: bool) -> None:
        """Record (``reset``) or check the number and names of the features.

        ``X`` is what the caller passed (for its column names), ``array`` the
        2-D array it was read as.
        """
        names = _column_names(X)
        name = type(self).__name__
        if reset:
            self.n_features_in_ = array.shape[1]
            if names is not None:
                self.feature_names_in_ = names
            elif hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
            return
        fitted_names = getattr(self, "feature_names_in_", None)
        if fitted_names is not None and names is not None:
            if len(fitted_names) != len(names) or np.any(fitted_names != names):
                raise ValueError(_feature_names_mismatch(fitted_names, names))
        elif names is not None:
            warnings.warn(f"X has feature names, but {name} was fitted without "
                          "feature names", UserWarning, stacklevel=4)
        elif fitted_names is not None:
            warnings.warn(f"X does not have valid feature names, but {name} was "
                          "fitted with feature names", UserWarning, stacklevel=4)
        if array.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {array.shape[1]} features, but {name} is expecting "
                f"{self.n_features_in_} features as input.")

    # -- output features -------------------------------------------------------

    def get_feature_names_out(self, input_features: ArrayLike | None = None) -> np.ndarray:
        """Names of the output features of :meth:`transform`: ``"<classname><i>"``.

        Parameters
        ----------
        input_features : array-like of str, optional
            Checked against the features seen in ``fit`` when given; the
            output names do not depend on them.

        Returns
        -------
        ndarray of shape (n_clusters,), dtype object
            ``["kmeans0", "kmeans1", ...]`` for :class:`KMeans` (as
            scikit-learn's).
        """
        self._check_is_fitted()
        if input_features is not None:
            input_features = np.asarray(input_features, dtype=object)
            fitted_names = getattr(self, "feature_names_in_", None)
            if fitted_names is not None and not np.array_equal(input_features, fitted_names):
                raise ValueError("input_features is not equal to feature_names_in_")
            if len(input_features) != self.n_features_in_:
                raise ValueError(
                    f"input_features should have length equal to number of features "
                    f"({self.n_features_in_}), got {len(input_features)}")
        prefix = type(self).__name__.lower()
        n_out = self.cluster_centers_.shape[0]
        return np.asarray([f"{prefix}{i}" for i in range(n_out)], dtype=object)

    def set_output(self, *, transform: str | None = None) -> EstimatorProtocol:
        """Choose the container :meth:`transform` and :meth:`fit_transform` return.

        Parameters
        ----------
        transform : {'default', 'pandas', 'polars'} or None, default=None
            ``'default'``: a NumPy array; ``'pandas'`` / ``'polars'``: a
            DataFrame whose columns are :meth:`get_feature_names_out` (pandas
            keeps the index of a DataFrame input); ``None``: unchanged. When
            it was never set, scikit-learn's global ``transform_output``
            setting applies (if scikit-learn is in use).

        Returns
        -------
        self
            This estimator.
        """
        if transform is None:
            return self
        if transform not in _OUTPUT_CONTAINERS:
            raise ValueError(f"transform must be one of {_OUTPUT_CONTAINERS} or None, "
                             f"got {transform!r}")
        if transform != "default" and importlib.util.find_spec(transform) is None:
            raise ImportError(f"set_output(transform={transform!r}) needs {transform}, "
                              "which is not installed")
        # scikit-learn's attribute name, so that clone and its meta-estimators see it
        self._sklearn_output_config = {"transform": transform}
        return self

    def _output_container(self) -> str:
        config = getattr(self, "_sklearn_output_config", {})
        if "transform" in config:
            return config["transform"]
        if "sklearn" in sys.modules:
            return sys.modules["sklearn"].get_config().get("transform_output", "default")
        return "default"

    def _wrap_output(self, data: np.ndarray, X) -> Any:
        """``data`` in the container chosen by :meth:`set_output`."""
        container = self._output_container()
        if container == "default":
            return data
        columns = list(self.get_feature_names_out())
        if container == "pandas":
            import pandas as pd
            index = X.index if isinstance(X, pd.DataFrame) else None
            return pd.DataFrame(data, index=index, columns=columns, copy=False)
        import polars as pl
        return pl.DataFrame(data, schema=columns, orient="row")


class CentersEstimator(EstimatorProtocol):
    """Methods of a fitted model that is a set of centers (``cluster_centers_``).

    Subclasses implement ``fit`` and have an ``n_threads`` parameter.
    """

    def fit_predict(self, X: ArrayLike, y: object = None,
                    sample_weight: ArrayLike | None = None) -> NDArray[np.int32]:
        """Fit, then return the cluster of each sample (``labels_``).

        Parameters
        ----------
        X : array-like or SciPy sparse matrix of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), optional
            Weight of every sample.

        Returns
        -------
        ndarray of shape (n_samples,), int32
            Cluster of each sample.
        """
        self.fit(X, sample_weight=sample_weight)
        if hasattr(self, "labels_"):
            return self.labels_
        return self.predict(X)  # MiniBatchKMeans(compute_labels=False)

    def predict(self, X: ArrayLike) -> NDArray[np.int32]:
        """Nearest center of each sample.

        Parameters
        ----------
        X : array-like or SciPy sparse matrix of shape (n_samples, n_features)
            Data with the features seen in ``fit``.

        Returns
        -------
        ndarray of shape (n_samples,), int32
            Index of the nearest center (the lowest on exact ties).
        """
        self._check_is_fitted()
        return _predict(self._read_X(X, reset=False), self.cluster_centers_,
                        n_threads=self.n_threads)

    def transform(self, X: ArrayLike) -> Any:
        """Euclidean distance of each sample to every center.

        Parameters
        ----------
        X : array-like or SciPy sparse matrix of shape (n_samples, n_features)
            Data with the features seen in ``fit``.

        Returns
        -------
        ndarray or DataFrame of shape (n_samples, n_clusters)
            Distances, in the dtype of ``X`` (float32 or float64); a
            DataFrame when chosen with :meth:`set_output`.
        """
        self._check_is_fitted()
        distances = center_distances(self._read_X(X, reset=False), self.cluster_centers_,
                                     n_threads=self.n_threads)
        return self._wrap_output(distances, X)

    def fit_transform(self, X: ArrayLike, y: object = None,
                      sample_weight: ArrayLike | None = None) -> Any:
        """Fit, then return the distance of each sample to every center.

        Parameters
        ----------
        X : array-like or SciPy sparse matrix of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), optional
            Weight of every sample.

        Returns
        -------
        ndarray or DataFrame of shape (n_samples, n_clusters)
            As :meth:`transform`.
        """
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def score(self, X: ArrayLike, y: object = None,
              sample_weight: ArrayLike | None = None) -> float:
        """Opposite of the inertia of ``X`` with the fitted centers (higher is better).

        Parameters
        ----------
        X : array-like or SciPy sparse matrix of shape (n_samples, n_features)
            Data with the features seen in ``fit``.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), optional
            Weight of every sample.

        Returns
        -------
        float
            ``-sum(w * |x - nearest center|^2)`` (``-sum(w * (1 - cos))`` when
            ``spherical``).
        """
        self._check_is_fitted()
        _, total = labels_and_inertia(self._read_X(X, reset=False), self.cluster_centers_,
                                      sample_weight, resolve_n_threads(self.n_threads),
                                      getattr(self, "spherical", False))
        return -total
