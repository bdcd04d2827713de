"""The examples of the documentation run.

- Docstring examples (``>>>``) of every module of the *installed* fastkmeans
  package, run with :mod:`doctest` (pytest's own ``--doctest-modules`` would
  collect the ``src/`` files, which are not the importable package in a src
  layout; this runs whatever ``import fastkmeans`` finds, editable or not).
- The fenced ``python`` blocks of README.md and docs/*.md, in order per file
  (later blocks use the names of earlier ones), in a temporary working
  directory, with matplotlib's Agg backend.
- Their fenced ``sh`` blocks, each with ``bash -euo pipefail`` in a temporary
  working directory where ``.venv`` is the environment running the tests (the
  README's set-up makes ``.venv``; the docs' shell lines call ``.venv/bin/...``).

A block that truly cannot run (the set-up itself, installs, asv, long
benchmarks, placeholders) is preceded by the line ``<!-- docs-test: skip -->``
(other ``<!-- ... -->`` lines may sit between) and says why there.
"""
import doctest
import importlib
import os
import pathlib
import pkgutil
import re
import subprocess
import sys
import sysconfig

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


def _fenced_blocks(text, language):
    """The fenced blocks of one language in a Markdown text, less those marked to skip."""
    blocks = []
    pattern = rf"^```{language}\n(.*?)^```"
    for match in re.finditer(pattern, text, flags=re.DOTALL | re.MULTILINE):
        comments = []
        for line in reversed(text[:match.start()].rstrip().splitlines()):
            if not (line.startswith("<!--") and line.rstrip().endswith("-->")):
                break
            comments.append(line.strip())
        if SKIP_MARKER not in comments:
            blocks.append(match.group(1))
    return blocks


def _python_blocks(text):
    return _fenced_blocks(text, "python")


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


SHELL_DOCUMENTS = [path.relative_to(ROOT).as_posix()
                   for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
                   if path.exists() and _fenced_blocks(path.read_text(), "sh")]


def test_the_shell_blocks_are_found():
    if not (ROOT / "README.md").exists():
        pytest.skip("not run from a checkout")
    assert "docs/tutorial.md" in SHELL_DOCUMENTS


def test_the_skip_marker_is_read():
    text = "<!-- docs-test: skip -->\n<!-- why -->\n```sh\nfalse\n```\n\n```sh\ntrue\n```\n"
    assert _fenced_blocks(text, "sh") == ["true\n"]


@pytest.mark.parametrize("document", SHELL_DOCUMENTS)
def test_shell_blocks_of_the_docs_run(document, tmp_path):
    scripts = pathlib.Path(sysconfig.get_path("scripts"))
    if scripts != pathlib.Path(sys.prefix) / "bin" or not (scripts / "fastkmeans").exists():
        pytest.skip("the fastkmeans command is not in <sys.prefix>/bin")
    # the README's set-up leaves the environment in .venv: here, this one
    (tmp_path / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    for number, block in enumerate(_fenced_blocks((ROOT / document).read_text(), "sh"), 1):
        run = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=tmp_path,
                             capture_output=True, text=True, timeout=300,
                             env={**os.environ, "MPLBACKEND": "Agg"})
        assert run.returncode == 0, (
            f"{document} (sh block {number}) exited {run.returncode}:\n{run.stdout}{run.stderr}")


def test_the_api_reference_lists_every_public_name():
    page = ROOT / "docs" / "api.rst"
    if not page.exists():
        pytest.skip("not run from a checkout")
    listed = set(re.findall(r"^   ([\w.]+)$", page.read_text(), flags=re.MULTILINE))
    missing = {name for name in fastkmeans.__all__
               if name not in ("__version__", "datasets") and name not in listed}
    assert not missing, f"docs/api.rst does not list {sorted(missing)}"
