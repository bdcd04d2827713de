"""Check that a copy of the fastkmeans package builds and runs vendored in a host project.

Copies the package folder (``src/fastkmeans`` of this checkout, or the
vendored copy given with ``--source``), verbatim, into a new host
meson-python project laid out as docs/vendoring.md shows
(``host/_vendor/fastkmeans``), builds it with pip into a private folder,
and runs, in one process, the vendored copy beside the installed
``fastkmeans``: both must import, fit, and give the same results. Then it
builds a small Cython extension that cimports the vendored copy's public
Cython API (``kernels.pxd``) and checks it.

    python tools/check_vendoring.py                    # this checkout's package
    python tools/check_vendoring.py --source PATH      # your vendored copy

Needs the build requirements (meson-python, meson, ninja, Cython, NumPy) in
the running Python (the build does not download them) and fastkmeans
installed in it (``pip install .``). Exit status 0 when the check passes.
tests/test_vendoring.py runs the same functions.
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "src" / "fastkmeans"

# The host project of the issue and docs/vendoring.md, file by file.
HOST_FILES = {
    "pyproject.toml": """\
[build-system]
build-backend = "mesonpy"
requires = ["meson-python", "meson", "cython", "numpy"]

[project]
name = "host"
version = "0.1.0"
dependencies = ["numpy"]
""",
    "meson.build": """\
project('host', 'c', 'cython')
py = import('python').find_installation(pure: false)
subdir('host')
""",
    "host/__init__.py": "",
    "host/meson.build": """\
py.install_sources('__init__.py', subdir: 'host')
subdir('_vendor')
""",
    "host/_vendor/__init__.py": "",
    "host/_vendor/meson.build": """\
py.install_sources('__init__.py', subdir: 'host/_vendor')
fastkmeans_install_subdir = 'host/_vendor/fastkmeans'
subdir('fastkmeans')
""",
}

# Run with the built host on sys.path: the vendored copy and the installed
# package side by side.
CHECK = """\
import sys
import numpy as np
import fastkmeans
from host._vendor import fastkmeans as vendored

assert vendored.__name__ == "host._vendor.fastkmeans", vendored.__name__
assert vendored.__file__ != fastkmeans.__file__
assert sys.modules["host._vendor.fastkmeans._common"] is not sys.modules["fastkmeans._common"]
assert vendored.__version__ == fastkmeans.__version__
rng = np.random.default_rng(0)
X = np.vstack([rng.normal(loc, 1.0, size=(500, 5)) for loc in (-6, 0, 6, 12)])
for dtype in (np.float64, np.float32):
    for algorithm in ("lloyd", "hamerly"):
        ours = vendored.fit(X.astype(dtype), 4, random_state=1, algorithm=algorithm)
        theirs = fastkmeans.fit(X.astype(dtype), 4, random_state=1, algorithm=algorithm)
        assert np.array_equal(ours.labels, theirs.labels)
        assert np.array_equal(ours.centers, theirs.centers)
        assert ours.inertia == theirs.inertia and ours.n_iter == theirs.n_iter
        assert ours.centers.dtype == dtype
model = vendored.KMeans(4, random_state=0).fit(X)
assert np.array_equal(model.predict(X), fastkmeans.predict(X, model.cluster_centers_))
# each copy holds its own C core (hidden symbols), built alike
assert (sys.modules["host._vendor.fastkmeans._common"].openmp_enabled()
        == sys.modules["fastkmeans._common"].openmp_enabled())
assert (vendored.get_include() != fastkmeans.get_include()
        and "_vendor" in vendored.get_include())
print("vendored ok")
"""


# A downstream Cython extension that cimports the public Cython API
# (kernels.pxd) of PACKAGE (``fastkmeans`` or ``host._vendor.fastkmeans``).
DOWNSTREAM_PYX = """\
# cython: language_level=3
import numpy as np
from libc.stdint cimport int32_t
from {package}.kernels cimport (
    FK_OK, BlockPlan, block_end, block_start, fit_lloyd, fk_model, model_free, model_init,
    plan_blocks, assign_rows, strerror,
)


def nearest(const double[:, ::1] X, const double[:, ::1] centers):
    cdef fk_model model
    cdef BlockPlan plan = plan_blocks(X.shape[0])
    cdef int[::1] labels = np.empty(X.shape[0], np.intc)
    cdef double[::1] sq = np.empty(X.shape[0])
    cdef Py_ssize_t b
    if model_init(&model, &centers[0, 0], centers.shape[0], X.shape[1]) != 0:
        raise MemoryError()
    with nogil:
        for b in range(plan.n_blocks):
            assign_rows(&model, &X[0, 0], block_start(plan, b), block_end(plan, b),
                        &labels[0], &sq[0])
    model_free(&model)
    return np.asarray(labels)


def fit(const double[:, ::1] X, double[:, ::1] centers, int max_iter):
    cdef int32_t[::1] labels = np.empty(X.shape[0], np.int32)
    cdef double inertia
    cdef int n_iter, status
    with nogil:
        status = fit_lloyd(&X[0, 0], X.shape[0], X.shape[1], NULL, &centers[0, 0],
                           centers.shape[0], max_iter, 0.0, 0, &labels[0], &inertia, &n_iter)
    if status != FK_OK:
        raise ValueError(strerror(status).decode())
    return np.asarray(labels), inertia, n_iter
"""

DOWNSTREAM_SETUP = """\
from setuptools import Extension, setup
from Cython.Build import cythonize
setup(ext_modules=cythonize(
    [Extension("downstream", ["downstream.pyx"], include_dirs={include!r})],
    include_path=[{site!r}], quiet=True))
"""

DOWNSTREAM_CHECK = """\
import numpy as np
import downstream
import {package} as package
import fastkmeans
X = np.random.default_rng(0).normal(size=(2000, 6))
C = X[:9].copy()
assert np.array_equal(downstream.nearest(X, C), package.predict(X, C))
labels, inertia, n_iter = downstream.fit(X, C, 100)
expected = fastkmeans.fit(X, 9, init=X[:9], n_init=1, tol=0.0, max_iter=100)
assert np.array_equal(labels, expected.labels) and np.array_equal(C, expected.centers)
assert inertia == expected.inertia and n_iter == expected.n_iter
X[5, 2] = np.nan
try:
    downstream.fit(X, X[:9].copy(), 100)
except ValueError as error:
    assert "NaN" in str(error), error
else:
    raise AssertionError("NaN accepted")
print("downstream ok")
"""


def check_downstream(package: str, site: pathlib.Path, include: str,
                     work: pathlib.Path, pythonpath: str = "") -> str:
    """Build DOWNSTREAM_PYX against ``package`` (installed under ``site``, its
    header folder ``include``) in ``work`` and run DOWNSTREAM_CHECK."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "downstream.pyx").write_text(DOWNSTREAM_PYX.format(package=package))
    import numpy
    (work / "setup.py").write_text(DOWNSTREAM_SETUP.format(
        include=[include, numpy.get_include()], site=str(site)))
    build = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"],
                           cwd=work, capture_output=True, text=True)
    if build.returncode != 0:
        raise RuntimeError(f"building the downstream extension failed:\n{build.stderr[-6000:]}")
    path = os.pathsep.join(filter(None, [str(work), pythonpath]))
    done = subprocess.run([sys.executable, "-c", DOWNSTREAM_CHECK.format(package=package)],
                          cwd=work, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=path))
    if done.returncode != 0 or "downstream ok" not in done.stdout:
        raise RuntimeError(f"the downstream extension failed:\n{done.stdout}\n"
                           f"{done.stderr[-6000:]}")
    return done.stdout


def make_host(package: pathlib.Path, root: pathlib.Path) -> pathlib.Path:
    """Write the host project under ``root`` with a verbatim copy of ``package``."""
    host = root / "host"
    for name, text in HOST_FILES.items():
        (host / name).parent.mkdir(parents=True, exist_ok=True)
        (host / name).write_text(text)
    shutil.copytree(package, host / "host" / "_vendor" / "fastkmeans",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd"))
    return host


def build_host(host: pathlib.Path, target: pathlib.Path) -> None:
    """``pip install`` the host into the folder ``target`` with this Python's
    build requirements (no build isolation: no download)."""
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
               "--no-build-isolation", "--target", str(target), str(host)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"building the host failed:\n{done.stdout}\n{done.stderr[-6000:]}")


def run_check(target: pathlib.Path, cwd: pathlib.Path) -> str:
    """Run CHECK with the built host importable; its output (raises on failure)."""
    environment = dict(os.environ, PYTHONPATH=str(target))
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                          cwd=cwd, env=environment)
    if done.returncode != 0 or "vendored ok" not in done.stdout:
        raise RuntimeError(f"the vendored copy failed:\n{done.stdout}\n{done.stderr[-6000:]}")
    return done.stdout


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=pathlib.Path, default=PACKAGE,
                        help="the package folder to vendor (default: %(default)s)")
    parser.add_argument("--keep", type=pathlib.Path,
                        help="build in this folder and keep it (default: a temporary one)")
    args = parser.parse_args(argv)
    if not (args.source / "meson.build").is_file():
        parser.error(f"{args.source} is not a fastkmeans package folder (no meson.build)")
    with tempfile.TemporaryDirectory() as temporary:
        root = args.keep or pathlib.Path(temporary)
        root.mkdir(parents=True, exist_ok=True)
        host = make_host(args.source, root)
        print(f"building {host} ...", flush=True)
        build_host(host, root / "site")
        print(run_check(root / "site", root), end="")
        vendored = root / "site" / "host" / "_vendor" / "fastkmeans"
        print(check_downstream("host._vendor.fastkmeans", root / "site",
                               str(vendored / "core"), root / "downstream",
                               pythonpath=str(root / "site")), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
