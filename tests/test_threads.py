"""Results independent of the thread count; the GIL released; thread limits honoured."""
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from helpers import make_blobs, random_weights

import fastkmeans
from fastkmeans._common import openmp_enabled

needs_openmp = pytest.mark.skipif(not openmp_enabled(), reason="serial build")


def _assert_bitwise_equal(a, b):
    assert np.array_equal(a.centers, b.centers)
    assert np.array_equal(a.labels, b.labels)
    assert a.inertia == b.inertia
    assert a.n_iter == b.n_iter
    assert np.array_equal(a.history.inertia, b.history.inertia)
    assert np.array_equal(a.history.center_shift, b.history.center_shift)


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_same_random_state_bitwise_identical_for_any_thread_count(dtype, init):
    # 20,000 rows: 64 blocks, so threads really split the rows and the sums.
    X, _ = make_blobs(20_000, 6, 16, cluster_std=6.0, seed=0, dtype=dtype)
    w = random_weights(20_000)
    fits = [fastkmeans.fit(X, 16, init=init, random_state=5, sample_weight=w,
                           n_threads=n_threads, n_init=2)
            for n_threads in (1, 2, 3)]
    assert fits[0].n_iter > 3
    for other in fits[1:]:
        _assert_bitwise_equal(fits[0], other)


def test_every_container_bitwise_identical_for_any_thread_count(container):
    dense, _ = make_blobs(3000, 200, 20, cluster_std=2.0, seed=11, zero_below=6.0)
    X = container(dense)
    results = [fastkmeans.fit(X, 20, random_state=0, n_threads=n, max_iter=10, tol=0.0)
               for n in (1, 2, 3)]
    for other in results[1:]:
        np.testing.assert_array_equal(other.centers, results[0].centers)
        np.testing.assert_array_equal(other.labels, results[0].labels)
        assert other.inertia == results[0].inertia
        np.testing.assert_array_equal(other.history.inertia, results[0].history.inertia)
    distances = [fastkmeans.center_distances(X, results[0].centers, n_threads=n)
                 for n in (1, 2, 3)]
    for other in distances[1:]:
        np.testing.assert_array_equal(other, distances[0])


def test_kmeans_plusplus_bitwise_identical_for_any_thread_count():
    X, _ = make_blobs(30_000, 5, 40, seed=1)
    one = fastkmeans.kmeans_plusplus(X, 40, random_state=0, n_threads=1)
    two = fastkmeans.kmeans_plusplus(X, 40, random_state=0, n_threads=2)
    np.testing.assert_array_equal(one[1], two[1])


def test_fits_in_parallel_python_threads_equal_serial_fits():
    X, _ = make_blobs(20_000, 8, 10, cluster_std=5.0, seed=2)
    seeds = list(range(6))
    serial = [fastkmeans.fit(X, 10, random_state=seed, n_threads=1) for seed in seeds]
    with ThreadPoolExecutor(max_workers=3) as pool:
        parallel = list(pool.map(
            lambda seed: fastkmeans.fit(X, 10, random_state=seed, n_threads=1), seeds))
    for a, b in zip(serial, parallel, strict=True):
        _assert_bitwise_equal(a, b)


@needs_openmp
def test_threadpoolctl_limit_is_honoured():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from fastkmeans._threads import default_n_threads

    with threadpoolctl.threadpool_limits(limits=1, user_api="openmp"):
        assert default_n_threads() == 1
        assert fastkmeans.show_config(mode="dicts")["n_threads"] == 1


@needs_openmp
def test_omp_num_threads_is_honoured():
    code = "import fastkmeans; print(fastkmeans.show_config(mode='dicts')['n_threads'])"
    env = dict(os.environ, OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True, cwd=os.path.dirname(__file__))
    assert out.stdout.strip() == "1"


def test_explicit_n_threads_beyond_blocks_is_fine():
    X, _ = make_blobs(300, 2, 3, seed=3)
    a = fastkmeans.fit(X, 3, random_state=0, n_threads=64)
    b = fastkmeans.fit(X, 3, random_state=0, n_threads=1)
    _assert_bitwise_equal(a, b)


@pytest.mark.skipif(openmp_enabled(), reason="only a build without OpenMP warns")
def test_serial_build_says_so_when_threads_are_requested():
    from fastkmeans import _threads

    _threads._warned_serial = False
    with pytest.warns(RuntimeWarning, match="built without OpenMP"):
        assert _threads.resolve_n_threads(2) == 1
    assert fastkmeans.show_config(mode="dicts")["openmp"] is False
