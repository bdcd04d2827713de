"""Other Cython code can cimport the kernels from an installed fastkmeans.

Builds a small extension module that cimports the public, stable Cython API
(``fastkmeans/kernels.pxd``) with only ``fastkmeans.get_include()`` on its
include path, as a downstream package would (docs/vendoring.md), then
checks it against ``fastkmeans.predict`` and ``fastkmeans.fit``. The
extension and its check are those of ``tools/check_vendoring.py``, which
runs them on a vendored copy too (tests/test_vendoring.py).
"""
import pathlib

import pytest
from helpers import load_tool

import fastkmeans

pytest.importorskip("Cython")
pytest.importorskip("setuptools")

def test_get_include_holds_the_header():
    assert (pathlib.Path(fastkmeans.get_include()) / "fastkmeans.h").is_file()


def test_a_downstream_extension_cimports_the_public_kernels(tmp_path):
    package = pathlib.Path(fastkmeans.__file__).parent
    if not (package / "kernels.pxd").exists():
        pytest.skip("kernels.pxd is not installed beside the package")
    tool = load_tool("check_vendoring")
    out = tool.check_downstream("fastkmeans", package.parent, fastkmeans.get_include(), tmp_path)
    assert "downstream ok" in out
