"""Which iteration to run: ``algorithm="auto"`` and Elkan's memory budget.

PLACEHOLDER: crossovers to be measured.
"""
from fastkmeans._accelerated import check_elkan_memory


def choose_algorithm(n_samples: int, n_features: int, n_clusters: int) -> str:
    """The fastest exact variant for this shape (see the module docstring)."""
    if n_clusters < 10:
        return "lloyd"
    return "hamerly" if n_features <= 16 else "yinyang"


def resolve_algorithm(algorithm: str, n_samples: int, n_features: int, n_clusters: int,
                      x_bytes: int) -> str:
    """``algorithm`` with ``'auto'`` resolved; refuses Elkan beyond its budget."""
    if algorithm == "auto":
        algorithm = choose_algorithm(n_samples, n_features, n_clusters)
    if algorithm == "elkan":
        check_elkan_memory(n_samples, n_clusters, x_bytes)
    return algorithm
