"""Warning categories of fastkmeans."""


class ConvergenceWarning(UserWarning):
    """The fit finished, but its result is degenerate.

    Raised, for example, when fewer distinct clusters than ``n_clusters``
    were found because the data hold fewer distinct points.
    """
