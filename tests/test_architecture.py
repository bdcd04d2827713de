"""The package's structure holds: relative imports only, no import cycle, and
every import goes down the layers of docs/architecture.md.

These read the source tree (``src/fastkmeans`` beside ``tests``), not the
installed package: they are about how the code is written.
"""
import pathlib
import re

import pytest

SOURCE = pathlib.Path(__file__).resolve().parent.parent / "src" / "fastkmeans"

# The layers, lowest first (docs/architecture.md). A module may import
# modules of its own layer or below, never above.
LAYERS = [
    # leaves: no package import at all
    {"_warnings", "_build_info", "_result", "_groups", "_knee", "datasets"},
    # the C core's Cython drivers, and what they read at run time
    {"_common", "kernels", "_simd", "_threads", "_assign", "_lloyd", "_accelerated",
     "_kmeanspp", "_distances", "_minibatch", "_sparse", "_silhouette", "_half", "_float16"},
    # the data seam (dense, CSR, float16 and Dask twins, the steps they make), the
    # choice of algorithm, the NumPy specification
    {"_data", "_dask", "_algorithm", "_reference", "_spherical", "_half_data"},
    # validation (which makes the data objects), the run loop, progress
    {"_validation", "_run", "_progress"},
    # initialisation and configuration
    {"_init", "_config"},
    # the public API
    {"__init__", "__main__", "_fit", "_transform", "_estimator_base", "_kmeans_estimator",
     "_minibatch_estimator", "_elbow", "_metrics", "_gap", "_choose_k", "_plot", "_cli", "_demo"},
]
RANK = {module: rank for rank, layer in enumerate(LAYERS) for module in layer}

# "from .module import ..." and "from . import a, b" (one line), also cimport
_FROM_MODULE = re.compile(r"^\s*from\s+\.(\w+)\s+c?import\b", re.MULTILINE)
_FROM_PACKAGE = re.compile(r"^\s*from\s+\.\s+c?import\s+([\w ,]+)", re.MULTILINE)
_ABSOLUTE = re.compile(r"^\s*(from|import|cimport)\s+fastkmeans\b", re.MULTILINE)


def _sources():
    return sorted(path for pattern in ("*.py", "*.pyx", "*.pxd")
                  for path in SOURCE.glob(pattern))


def _imports(path: pathlib.Path) -> set:
    """Package modules ``path`` imports or cimports (any depth of the file)."""
    text = path.read_text()
    found = set(_FROM_MODULE.findall(text))
    for names in _FROM_PACKAGE.findall(text):
        found.update(name.split()[0] for name in names.split(","))  # "x as y": x
    return found


def _graph() -> dict:
    graph = {}
    for path in _sources():
        graph.setdefault(path.stem, set()).update(_imports(path) - {path.stem})
    return graph


def test_the_source_tree_is_there():
    assert (SOURCE / "__init__.py").is_file()
    assert len(_sources()) > 30


@pytest.mark.parametrize("path", _sources(), ids=lambda path: path.name)
def test_no_absolute_import_of_the_package(path):
    # a copy of src/fastkmeans under another name must not import this one
    assert not _ABSOLUTE.search(path.read_text()), f"{path.name} imports fastkmeans absolutely"


def test_every_module_has_a_layer():
    assert set(_graph()) <= set(RANK), set(_graph()) - set(RANK)


def test_imports_go_down_the_layers():
    upward = [(module, imported) for module, imports in _graph().items()
              for imported in imports if RANK[imported] > RANK[module]]
    assert not upward, f"imports from a lower layer into a higher one: {upward}"


def test_no_import_cycle():
    graph = _graph()
    state = {}

    def visit(module, path):
        state[module] = "open"
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == "open":
                cycle = path[path.index(imported):] + [imported]
                pytest.fail(f"import cycle: {' -> '.join(cycle)}")
            if imported not in state:
                visit(imported, path + [imported])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
