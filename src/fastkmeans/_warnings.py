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


_sklearn_convergence_warning: type[ConvergenceWarning] | None = None


def convergence_warning() -> type[ConvergenceWarning]:
    """Our ConvergenceWarning, also scikit-learn's when scikit-learn is loaded.

    A filter naming scikit-learn's class needs scikit-learn imported, so
    checking ``sys.modules`` is enough and never imports it ourselves.
    """
    global _sklearn_convergence_warning
    if "sklearn" not in sys.modules:
        return ConvergenceWarning
    if _sklearn_convergence_warning is None:
        from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning
        _sklearn_convergence_warning = type(
            "ConvergenceWarning", (ConvergenceWarning, SklearnConvergenceWarning),
            {"__module__": __name__, "__doc__": ConvergenceWarning.__doc__})
    return _sklearn_convergence_warning
