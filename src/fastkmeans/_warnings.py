"""Warning categories of fastkmeans."""
import sys


class ConvergenceWarning(UserWarning):
    """The fit finished, but its result is degenerate.

    Raised, for example, when fewer distinct clusters than ``n_clusters``
    were found because the data hold fewer distinct points. When
    scikit-learn has been imported, the warning issued is also an instance of
    ``sklearn.exceptions.ConvergenceWarning`` (scikit-learn's category for
    the same event), so that filters written for scikit-learn silence it.
    """


# our class -> its subclass that is also scikit-learn's (see also_sklearns)
_SKLEARN_TWINS: dict[type, type] = {}


def also_sklearns(ours: type, sklearn_name: str) -> type:
    """``ours``, or, once scikit-learn is loaded, a subclass of it that is also
    ``sklearn.exceptions.<sklearn_name>`` (made once), so that code catching
    or filtering scikit-learn's class catches ours too.

    Code that names scikit-learn's class must have imported scikit-learn, so
    checking ``sys.modules`` is enough and never imports it ourselves.
    """
    if "sklearn" not in sys.modules:
        return ours
    if ours not in _SKLEARN_TWINS:
        from sklearn import exceptions
        _SKLEARN_TWINS[ours] = type(
            ours.__name__, (ours, getattr(exceptions, sklearn_name)),
            {"__module__": ours.__module__, "__doc__": ours.__doc__})
    return _SKLEARN_TWINS[ours]


def convergence_warning() -> type[ConvergenceWarning]:
    """Our ConvergenceWarning, also scikit-learn's when scikit-learn is loaded."""
    return also_sklearns(ConvergenceWarning, "ConvergenceWarning")
