"""Other Cython code can cimport the kernels from an installed fastkmeans.

Builds a small extension module that cimports the front ends of
``fastkmeans._common`` (which holds the one copy of the C core) with only
the installed public header on its include path, as a downstream package
would (the recipe of docs/getting-started.md), then checks it against
``fastkmeans.predict``.
"""
import os
import pathlib
import subprocess
import sys

import pytest

import fastkmeans

pytest.importorskip("Cython")
pytest.importorskip("setuptools")

SOURCE = '''
# cython: language_level=3
from fastkmeans._common cimport assign_rows, fk_model, model_free, model_init

def nearest(const double[:, ::1] X, const double[:, ::1] centers, int[::1] labels,
            double[::1] sq_dist):
    cdef fk_model model
    if model_init(&model, &centers[0, 0], centers.shape[0], X.shape[1]) != 0:
        raise MemoryError()
    with nogil:
        assign_rows(&model, &X[0, 0], 0, X.shape[0], &labels[0], &sq_dist[0])
    model_free(&model)
'''

SETUP = '''
from setuptools import Extension, setup
from Cython.Build import cythonize
package = {package!r}
setup(ext_modules=cythonize(
    [Extension("downstream", ["downstream.pyx"], include_dirs=[package + "/core"])],
    include_path=[{site!r}], quiet=True))
'''


def test_a_downstream_extension_cimports_the_kernels(tmp_path):
    package = pathlib.Path(fastkmeans.__file__).parent
    for name in ("_common.pxd", "core/fastkmeans.h"):
        if not (package / name).exists():
            pytest.skip(f"{name} is not installed beside the package (editable install?)")
    (tmp_path / "downstream.pyx").write_text(SOURCE)
    (tmp_path / "setup.py").write_text(SETUP.format(package=str(package),
                                                    site=str(package.parent)))
    build = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr[-3000:]
    check = subprocess.run(
        [sys.executable, "-c",
         "import numpy as np, downstream, fastkmeans\n"
         "X = np.random.default_rng(0).normal(size=(500, 6)); C = X[:9].copy()\n"
         "labels = np.empty(500, np.int32); sq = np.empty(500)\n"
         "downstream.nearest(X, C, labels, sq)\n"
         "assert np.array_equal(labels, fastkmeans.predict(X, C))\n"
         "print('ok')"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env=dict(os.environ, PYTHONPATH=str(tmp_path)))
    assert check.stdout.strip() == "ok", check.stderr[-3000:]
