"""The C API (core/fastkmeans.h) from a C program that includes only the header.

The program (tests/c/fk_check.c) and the C core are compiled with the
system compiler by the plain command line of docs/vendoring.md, once per
session; each case writes a problem to a file, runs the program and
compares its output with the Python package's, bit for bit: the same
labels, centers, n_iter and inertia from the same initial centers, for
float32 and float64, with and without weights, with empty clusters, for
several thread counts and instruction-set paths.
"""
import os
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest
from helpers import make_blobs

import fastkmeans
from fastkmeans._simd import forced_path, supported_paths
from fastkmeans._validation import check_data

HERE = pathlib.Path(__file__).parent
# The C core's sources: an editable install has them beside the package; a
# regular install ships only the header, and then the checkout's (the same
# commit in CI, which runs the tests from the checkout) are compiled.
CORE = next((core for core in (pathlib.Path(fastkmeans.__file__).parent / "core",
                               HERE.parent / "src" / "fastkmeans" / "core")
             if (core / "api.c").exists()), HERE.parent / "src" / "fastkmeans" / "core")
COMPILER = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
#: e.g. "address,undefined": the programs of these tests are built with those
#: sanitizers, and any report fails the test (.ci/run does this; the whole
#: suite under sanitizers is tools/sanitize.sh)
SANITIZE = os.environ.get("FASTKMEANS_TEST_SANITIZE", "")

pytestmark = pytest.mark.skipif(
    COMPILER is None or sys.platform == "win32" or not (CORE / "api.c").exists(),
    reason="needs a C compiler and the C core's sources (an editable install or the checkout)")


def plain_build_line(core, sources, output, openmp=True):
    """docs/vendoring.md's one-line build of a program with the C core."""
    sanitize = ([f"-fsanitize={SANITIZE}", "-fno-sanitize-recover=all",
                 "-fno-omit-frame-pointer"] if SANITIZE else [])
    return ([COMPILER, "-std=c11", "-O3"] + (["-fopenmp"] if openmp else []) + sanitize
            + ["-ffp-contract=fast", "-Wall", "-Wextra", "-Werror", f"-I{core}"]
            + sorted(str(path) for path in pathlib.Path(core).glob("*.c"))
            + [str(source) for source in sources] + ["-o", str(output), "-lm", "-pthread"])


def build_file_by_file(line, folder):
    """Run a one-line build as one compile per ``.c`` file, all at once, then a
    link: the same flags and program in the time of the slowest file, not of
    all of them in a row (the core's kernels are several files of SIMD
    variants; a sanitized build took 89 s in one line). Returns the output
    of any step that failed, else ``""``."""
    compiler, arguments = line[0], line[1:]
    output = arguments[arguments.index("-o") + 1]
    sources = [argument for argument in arguments if argument.endswith(".c")]
    libraries = ["-lm", "-pthread"]
    flags = [argument for argument in arguments
             if argument not in (*sources, "-o", output, *libraries)]
    objects = [str(folder / f"{index}.o") for index in range(len(sources))]
    compiles = [subprocess.Popen([compiler, *flags, "-c", source, "-o", obj],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                for source, obj in zip(sources, objects, strict=True)]
    outputs = [process.communicate(timeout=600)[0] for process in compiles]
    failures = [text for process, text in zip(compiles, outputs, strict=True)
                if process.returncode != 0]
    if failures:
        return "\n".join(failures)
    link = subprocess.run([compiler, *flags, *objects, "-o", output, *libraries],
                          capture_output=True, text=True, timeout=600)
    return "" if link.returncode == 0 else link.stdout + link.stderr


@pytest.fixture(scope="module")
def program(tmp_path_factory):
    """fk_check compiled with the core (docs/vendoring.md's line); its path."""
    folder = tmp_path_factory.mktemp("c_api")
    output = folder / "fk_check"
    failed = build_file_by_file(plain_build_line(CORE, [HERE / "c" / "fk_check.c"], output),
                                folder)
    assert not failed, failed
    return output


def test_core_is_warning_free_without_openmp():
    """-Wall -Wextra find nothing either when OpenMP is off (the pragmas vanish)."""
    command = [COMPILER, "-std=c11", "-fsyntax-only", "-fopenmp-simd", "-Wall", "-Wextra",
               "-Werror", f"-I{CORE}"] + sorted(str(path) for path in CORE.glob("*.c"))
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def write_problem(path, X, k, *, centers=None, weights=None, max_iter=300, tol=0.0,
                  n_threads=1, seed=0):
    header = np.array([X.itemsize, X.shape[0], X.shape[1], k, max_iter, n_threads,
                       weights is not None, seed], dtype=np.int64)
    with open(path, "wb") as f:
        f.write(header.tobytes())
        f.write(np.float64(tol).tobytes())
        f.write(np.ascontiguousarray(X).tobytes())
        if weights is not None:
            f.write(np.asarray(weights, dtype=X.dtype).tobytes())
        if centers is not None:
            f.write(np.ascontiguousarray(centers, dtype=X.dtype).tobytes())


def run(program, tmp_path, mode, X, k, env=None, **problem):
    write_problem(tmp_path / "in.bin", X, k, **problem)
    done = subprocess.run([program, mode, tmp_path / "in.bin", tmp_path / "out.bin"],
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, **(env or {})))
    assert done.returncode == 0, done.stderr
    raw = (tmp_path / "out.bin").read_bytes()
    n, d = X.shape
    status, n_iter = np.frombuffer(raw, np.int32, 2)
    inertia = np.frombuffer(raw, np.float64, 1, 8)[0]
    labels = np.frombuffer(raw, np.int32, n, 16)
    at = 16 + 4 * n
    centers = np.frombuffer(raw, X.dtype, k * d, at).reshape(k, d)
    at += X.itemsize * k * d
    extra = raw[at:]
    return int(status), int(n_iter), inertia, labels, centers, extra


def blobs(n, d, k, dtype, seed=0):
    return make_blobs(n, d, k, seed=seed, dtype=dtype)[0]


def check_fit(program, tmp_path, X, centers, *, weights=None, rel_tol=0.0, max_iter=300,
              threads=(1, 2, 4), env=None):
    """fk_fit matches fastkmeans.fit from the same centers, for every thread count."""
    expected = fastkmeans.fit(X, centers.shape[0], init=centers, n_init=1, algorithm="lloyd",
                              tol=rel_tol, max_iter=max_iter, sample_weight=weights)
    tol = rel_tol * check_data(X, 1)[0].mean_feature_variance()
    for n_threads in threads:
        status, n_iter, inertia, labels, got, _ = run(
            program, tmp_path, "fit", X, centers.shape[0], centers=centers, weights=weights,
            tol=tol, max_iter=max_iter, n_threads=n_threads, env=env)
        assert status == 0
        assert n_iter == expected.n_iter
        np.testing.assert_array_equal(labels, expected.labels)
        np.testing.assert_array_equal(got, expected.centers)
        assert got.dtype == expected.centers.dtype
        assert inertia == expected.inertia
    return expected


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(3000, 3, 6), (20000, 20, 12)], ids=["lowd", "dense"])
def test_fit_matches_python(program, tmp_path, dtype, shape):
    n, d, k = shape
    X = blobs(n, d, k, dtype)
    centers = X[np.random.default_rng(1).choice(n, k, replace=False)]
    check_fit(program, tmp_path, X, centers, rel_tol=1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fit_with_weights_and_zero_weights(program, tmp_path, dtype):
    X = blobs(5000, 5, 7, dtype, seed=2)
    weights = np.random.default_rng(3).uniform(0, 3, size=5000)
    weights[::7] = 0.0
    weights = weights.astype(dtype)
    centers = X[:7].copy()
    check_fit(program, tmp_path, X, centers, weights=weights, max_iter=50)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fit_relocates_empty_clusters_as_python(program, tmp_path, dtype):
    # duplicated points (ties in distance) and centers that own nothing: a
    # far-away one and an exact duplicate (ties go to the lower index)
    rng = np.random.default_rng(4)
    X = np.repeat(blobs(400, 2, 3, dtype, seed=5), 3, axis=0)
    X = X[rng.permutation(X.shape[0])]
    centers = np.vstack([X[:3], X[:1], np.full((2, 2), 500.0)]).astype(dtype)
    weights = rng.integers(0, 3, size=X.shape[0]).astype(dtype)
    expected = check_fit(program, tmp_path, X, centers, weights=weights)
    assert expected.history.center_shift.size == expected.n_iter
    check_fit(program, tmp_path, X, centers)


def test_fit_stopped_by_max_iter_labels_the_final_centers(program, tmp_path):
    X = blobs(4000, 4, 9, np.float64, seed=6)
    expected = check_fit(program, tmp_path, X, X[:9].copy(), max_iter=2, threads=(1, 3))
    assert expected.n_iter == 2 and not expected.converged


@pytest.mark.parametrize("path", supported_paths())
def test_fit_on_every_instruction_set_path(program, tmp_path, path):
    X = blobs(3000, 17, 5, np.float32, seed=7)
    with forced_path(path):
        check_fit(program, tmp_path, X, X[:5].copy(), threads=(2,),
                  env={"FASTKMEANS_SIMD": path})


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_predict_matches_python(program, tmp_path, dtype):
    X = blobs(2000, 6, 4, dtype, seed=8)
    status, _, _, labels, centers, extra = run(program, tmp_path, "predict", X, 10,
                                               n_threads=2)
    assert status == 0
    expected, sq = fastkmeans.predict(X, X[:10], return_distances=True)
    np.testing.assert_array_equal(labels, expected)
    np.testing.assert_array_equal(np.frombuffer(extra, dtype), sq)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_features", [4, 12], ids=["two passes", "one pass"])
def test_kmeans_plusplus_is_seeded_and_thread_independent(program, tmp_path, dtype,
                                                          n_features):
    # 8 clusters: 4 candidates a step, whose distances are kept (one pass over
    # X a step) when 3 * 4 <= n_features
    X = blobs(6000, n_features, 8, dtype, seed=9)
    weights = np.random.default_rng(10).uniform(0.5, 2, size=6000)
    outputs = [run(program, tmp_path, "kmeanspp", X, 8, weights=weights, seed=seed,
                   n_threads=threads)
               for seed, threads in [(42, 1), (42, 3), (7, 1)]]
    for status, *_ in outputs:
        assert status == 0
    indices = [np.frombuffer(out[5], np.int64) for out in outputs]
    np.testing.assert_array_equal(indices[0], indices[1])
    np.testing.assert_array_equal(outputs[0][4], outputs[1][4])
    assert not np.array_equal(indices[0], indices[2])
    # centers are the rows drawn, distinct, one near each blob
    np.testing.assert_array_equal(outputs[0][4], X[indices[0]])
    assert np.unique(indices[0]).size == 8
    # as good a start as the Python function's (other draws, same method)
    ours = fastkmeans.predict(X, outputs[0][4], return_distances=True)[1].sum(dtype=float)
    python, _ = fastkmeans.kmeans_plusplus(X, 8, sample_weight=weights, random_state=42)
    theirs = fastkmeans.predict(X, python, return_distances=True)[1].sum(dtype=float)
    assert ours < 3 * theirs


def test_bad_arguments_give_error_codes(program):
    done = subprocess.run([program, "errors"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("errors ok")


def test_concurrent_calls(program, tmp_path):
    X = blobs(20000, 8, 10, np.float64, seed=11)
    write_problem(tmp_path / "in.bin", X, 10, centers=X[:10], n_threads=2)
    done = subprocess.run([program, "concurrent", tmp_path / "in.bin"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "concurrent ok" in done.stdout


def test_meson_subproject_build(tmp_path):
    """The core folder as a meson subproject (docs/vendoring.md's two-line
    wrapper) gives fastkmeans_c_dep, and the program built with it fits as
    Python does."""
    meson = shutil.which("meson") or str(pathlib.Path(sys.executable).parent / "meson")
    if not pathlib.Path(meson).exists():
        pytest.skip("meson is not installed")
    wrapper = tmp_path / "subprojects" / "fastkmeans"
    shutil.copytree(CORE, wrapper / "core", ignore=shutil.ignore_patterns("*.o"))
    (wrapper / "meson.build").write_text(
        "project('fastkmeans', 'c', default_options: ['c_std=c11'])\nsubdir('core')\n")
    shutil.copy(HERE / "c" / "fk_check.c", tmp_path)
    (tmp_path / "meson.build").write_text(
        "project('user', 'c', default_options: ['c_std=c11', 'buildtype=release',\n"
        "                                       'warning_level=2', 'werror=true'])\n"
        "fastkmeans_c_dep = subproject('fastkmeans').get_variable('fastkmeans_c_dep')\n"
        "executable('fk_check', 'fk_check.c',\n"
        "           dependencies: [fastkmeans_c_dep, dependency('threads')])\n")
    for command in ([meson, "setup", "build"], [meson, "compile", "-C", "build"]):
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    program = tmp_path / "build" / "fk_check"
    assert subprocess.run([program, "errors"], capture_output=True, text=True,
                          timeout=60).stdout.startswith("errors ok")
    X = blobs(3000, 5, 6, np.float32, seed=12)
    check_fit(program, tmp_path, X, X[:6].copy(), threads=(2,))
