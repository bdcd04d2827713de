"""The examples of the documentation run.

- Docstring examples (``>>>``) of every module of the *installed* fastkmeans
  package, run with :mod:`doctest` (pytest's own ``--doctest-modules`` would
  collect the ``src/`` files, which are not the importable package in a src
  layout; this runs whatever ``import fastkmeans`` finds, editable or not).
- The fenced ``python`` blocks of README.md and docs/*.md, in order per file
  (later blocks use the names of earlier ones), in a temporary working
  directory, with matplotlib's Agg backend. A block that truly cannot run is
  preceded by the line ``<!-- docs-test: skip -->`` and said why there.
"""
import doctest
import importlib
import pathlib
import pkgutil
import re

import numpy as np
import pytest

import fastkmeans

ROOT = pathlib.Path(__file__).resolve().parents[1]
SKIP_MARKER = "<!-- docs-test: skip -->"
DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

# Importing __main__ runs the demo; it has no examples.
NOT_IMPORTED = {"fastkmeans.__main__"}


def _package_modules():
    names = ["fastkmeans"]
    for info in pkgutil.walk_packages(fastkmeans.__path__, "fastkmeans."):
        if info.name not in NOT_IMPORTED:
            names.append(info.name)
    return sorted(names)


def _doctests(module_name):
    """The docstring tests of a module with at least one example not marked +SKIP."""
    module = importlib.import_module(module_name)
    tests = doctest.DocTestFinder().find(module, module_name)
    return [test for test in tests
            if any(not example.options.get(doctest.SKIP) for example in test.examples)]


MODULES_WITH_EXAMPLES = [name for name in _package_modules() if _doctests(name)]


@pytest.fixture
def agg_backend():
    """matplotlib draws into memory (Agg); every figure is closed afterwards."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def test_the_public_functions_have_examples():
    documented = {test.name.rpartition(".")[2] for name in MODULES_WITH_EXAMPLES
                  for test in _doctests(name)}
    for name in ("fit", "predict", "kmeans_plusplus", "center_distances", "KMeans",
                 "MiniBatchKMeans", "silhouette_score", "silhouette_samples", "elbow",
                 "plot_clusters"):
        assert name in documented, f"fastkmeans.{name} has no docstring example"


@pytest.mark.parametrize("module_name", MODULES_WITH_EXAMPLES)
def test_docstring_examples_run(module_name, agg_backend, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = doctest.DocTestRunner(optionflags=DOCTEST_FLAGS)
    with np.printoptions(legacy=False):
        for test in _doctests(module_name):
            runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.attempted > 0
    assert results.failed == 0, f"{results.failed} docstring example(s) of {module_name} failed"


def _python_blocks(text):
    """The ``python`` fenced blocks of a Markdown text, less those marked to skip."""
    blocks = []
    for match in re.finditer(r"^```python\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE):
        before = text[:match.start()].rstrip().splitlines()
        if before and before[-1].strip() == SKIP_MARKER:
            continue
        blocks.append(match.group(1))
    return blocks


DOCUMENTS = [path.relative_to(ROOT).as_posix()
             for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
             if path.exists() and "```python" in path.read_text()]


def test_the_documents_are_found():
    if not (ROOT / "README.md").exists():
        pytest.skip("not run from a checkout")
    assert "README.md" in DOCUMENTS and "docs/tutorial.md" in DOCUMENTS


@pytest.mark.parametrize("document", DOCUMENTS)
def test_python_blocks_of_the_docs_run(document, agg_backend, tmp_path, monkeypatch):
    text = (ROOT / document).read_text()
    blocks = _python_blocks(text)
    assert blocks, f"every python block of {document} is marked to skip"
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__docs__"}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"{document} (python block {number})", "exec"), namespace)


def test_the_api_reference_lists_every_public_name():
    page = ROOT / "docs" / "api.rst"
    if not page.exists():
        pytest.skip("not run from a checkout")
    listed = set(re.findall(r"^   ([\w.]+)$", page.read_text(), flags=re.MULTILINE))
    missing = {name for name in fastkmeans.__all__
               if name not in ("__version__", "datasets") and name not in listed}
    assert not missing, f"docs/api.rst does not list {sorted(missing)}"
