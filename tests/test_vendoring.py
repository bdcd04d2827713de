"""A verbatim copy of src/fastkmeans builds and runs vendored in a host project.

The host project of docs/vendoring.md (``host/_vendor/fastkmeans``) is
written to a temporary folder, built with pip (no build isolation: this
Python's meson-python, meson, ninja, Cython and NumPy, no download) and
imported beside the installed ``fastkmeans``: both fit, with the same
results, in one process. Then a downstream Cython extension cimports the
vendored copy's public Cython API. The steps are tools/check_vendoring.py's.
The build costs about 3 CPU-minutes (measured on a busy 2-core machine:
4 CPU-minutes for the whole tool run); the serial CI run skips this file.
"""
import importlib.util
import pathlib
import shutil

import pytest
from helpers import load_tool

for _module in ("mesonpy", "Cython", "setuptools"):
    pytest.importorskip(_module)

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "src" / "fastkmeans"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(the tool's module, the folder holding the host project and its install, site/)."""
    if not (PACKAGE / "meson.build").is_file():
        pytest.skip("src/fastkmeans is not there (not a checkout)")
    if importlib.util.find_spec("ninja") is None and shutil.which("ninja") is None:
        pytest.skip("ninja is not installed")
    tool = load_tool("check_vendoring")
    root = tmp_path_factory.mktemp("vendoring")
    host = tool.make_host(PACKAGE, root)
    tool.build_host(host, root / "site")
    return tool, root


def test_the_copy_is_verbatim(built):
    tool, root = built
    copy = root / "host" / "host" / "_vendor" / "fastkmeans"
    for path in PACKAGE.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".so":
            assert (copy / path.relative_to(PACKAGE)).read_bytes() == path.read_bytes()


def test_vendored_and_installed_fit_alike_in_one_process(built):
    tool, root = built
    assert "vendored ok" in tool.run_check(root / "site", root)


def test_a_downstream_extension_cimports_the_vendored_kernels(built):
    tool, root = built
    vendored = root / "site" / "host" / "_vendor" / "fastkmeans"
    out = tool.check_downstream("host._vendor.fastkmeans", root / "site",
                                str(vendored / "core"), root / "downstream",
                                pythonpath=str(root / "site"))
    assert "downstream ok" in out
