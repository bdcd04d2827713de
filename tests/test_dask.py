"""Dask arrays in: the same answer as in memory, on every scheduler.

From the same initial centers a Dask fit gives the in-memory fit's labels and
n_iter, and its centers and inertia to 1e-12 (float64) / 1e-5 (float32)
relative; for one chunking the result is bitwise the same for any number of
threads or workers (threaded scheduler, a 2-process LocalCluster), a killed
worker included. The distributed cases share one module-scoped cluster.
"""
import os
import signal
import subprocess
import sys

import numpy as np
import pytest
from helpers import make_blobs

import fastkmeans

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

N_SAMPLES, N_FEATURES, N_CLUSTERS = 3000, 5, 6
ROW_CHUNK = 700  # five blocks, the last one short
RTOL = {np.float32: 1e-5, np.float64: 1e-12}


@pytest.fixture(scope="module")
def client():
    """A 2-worker LocalCluster of processes (one thread each), and its client."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as connected:
        yield connected


def _data(dtype, seed=0):
    X, _ = make_blobs(N_SAMPLES, N_FEATURES, N_CLUSTERS, seed=seed, dtype=dtype,
                      cluster_std=3.0)
    return X, da.from_array(X, chunks=(ROW_CHUNK, N_FEATURES))


def _start(X):
    return fastkmeans.kmeans_plusplus(X, N_CLUSTERS, random_state=1)[0]


def _fit_threads(Xd, num_workers, n_clusters=N_CLUSTERS, **options):
    with dask.config.set(scheduler="threads", num_workers=num_workers):
        return fastkmeans.fit(Xd, n_clusters, **options)


def _assert_same(dask_fit, memory_fit, dtype):
    assert dask_fit.n_iter == memory_fit.n_iter
    np.testing.assert_array_equal(dask_fit.labels.compute(), memory_fit.labels)
    np.testing.assert_allclose(dask_fit.centers, memory_fit.centers, rtol=RTOL[dtype],
                               atol=RTOL[dtype] * 10)
    assert dask_fit.inertia == pytest.approx(memory_fit.inertia, rel=RTOL[dtype])
    assert dask_fit.centers.dtype == dtype


def _assert_bitwise(a, b):
    assert a.n_iter == b.n_iter and a.inertia == b.inertia
    np.testing.assert_array_equal(a.centers, b.centers)
    np.testing.assert_array_equal(a.labels.compute(), b.labels.compute())


@pytest.mark.parametrize("weighted", [False, True])
def test_same_as_in_memory_from_the_same_init(dtype, weighted):
    X, Xd = _data(dtype)
    weights = np.random.default_rng(2).uniform(0.5, 2.0, N_SAMPLES) if weighted else None
    options = dict(init=_start(X), tol=0, max_iter=100, sample_weight=weights)
    result = _fit_threads(Xd, 2, **options)
    _assert_same(result, fastkmeans.fit(X, N_CLUSTERS, **options), dtype)
    assert isinstance(result.labels, da.Array)
    assert result.labels.chunks == (Xd.chunks[0],)
    assert len(result.history) == result.n_iter


def test_relative_tol_and_max_iter_as_in_memory():
    X, Xd = _data(np.float64)
    for options in ({"tol": 1e-2}, {"tol": 0, "max_iter": 2}):
        options["init"] = _start(X)
        _assert_same(_fit_threads(Xd, 2, **options), fastkmeans.fit(X, N_CLUSTERS, **options),
                     np.float64)


def test_empty_cluster_relocated_as_in_memory():
    X, Xd = _data(np.float64)
    start = _start(X)
    start[0] = 1e3  # far from every point: empty after the first assignment
    options = dict(init=start, tol=0)
    _assert_same(_fit_threads(Xd, 2, **options), fastkmeans.fit(X, N_CLUSTERS, **options),
                 np.float64)


def test_bitwise_the_same_for_any_thread_count():
    _, Xd = _data(np.float32)
    one = _fit_threads(Xd, 1, random_state=3)
    _assert_bitwise(one, _fit_threads(Xd, 3, random_state=3))


@pytest.mark.parametrize("algorithm", ["auto", "lloyd"])
def test_lloyd_algorithms_accepted(algorithm):
    X, Xd = _data(np.float64)
    result = _fit_threads(Xd, 2, init=_start(X), algorithm=algorithm)
    _assert_same(result, fastkmeans.fit(X, N_CLUSTERS, init=_start(X)), np.float64)


@pytest.mark.parametrize("algorithm", ["elkan", "hamerly", "yinyang"])
def test_bounded_algorithms_refused(algorithm):
    _, Xd = _data(np.float64)
    with pytest.raises(ValueError, match=f"algorithm='{algorithm}' is not supported for a Dask"):
        fastkmeans.fit(Xd, N_CLUSTERS, algorithm=algorithm)


def test_random_and_exact_kmeanspp_init_as_in_memory():
    X, Xd = _data(np.float64)
    for init in ("random", "k-means++"):
        options = dict(init=init, n_init=2, random_state=5, tol=0)
        _assert_same(_fit_threads(Xd, 2, **options), fastkmeans.fit(X, N_CLUSTERS, **options),
                     np.float64)


def test_callable_init_sees_the_dask_array():
    X, Xd = _data(np.float64)
    seen = []

    def init(data, n_clusters, rng):
        seen.append(data)
        return _start(X)

    _assert_same(_fit_threads(Xd, 2, init=init, n_init=1), fastkmeans.fit(X, N_CLUSTERS,
                 init=_start(X)), np.float64)
    assert seen == [Xd] or isinstance(seen[0], da.Array)


def test_kmeans_parallel_is_the_default_and_close_to_kmeanspp():
    X = make_blobs(20_000, 4, 20, seed=4, cluster_std=1.5)[0]
    Xd = da.from_array(X, chunks=(3000, 4))
    parallel = [_fit_threads(Xd, 2, 20, random_state=seed).inertia for seed in range(3)]
    plusplus = [fastkmeans.fit(X, 20, random_state=seed).inertia for seed in range(3)]
    assert np.mean(parallel) <= 1.01 * np.mean(plusplus)
    explicit = _fit_threads(Xd, 3, 20, init="k-means||", random_state=0)
    _assert_bitwise(explicit, _fit_threads(Xd, 1, 20, random_state=0))


def test_kmeans_parallel_candidate_weights_count_the_nearest_points():
    from fastkmeans._validation import check_data

    X, Xd = _data(np.float64)
    weights = np.random.default_rng(3).uniform(0, 2, N_SAMPLES)
    candidates = np.ascontiguousarray(X[::250])
    data, _ = check_data(Xd, 1)
    counted = data.oversampling(weights, 1).count(candidates)
    nearest = fastkmeans.predict(X, candidates)
    np.testing.assert_allclose(counted, np.bincount(nearest, weights, len(candidates)),
                               rtol=1e-12)


def test_kmeans_parallel_in_memory_refused():
    with pytest.raises(ValueError, match="init='k-means\\|\\|' is for Dask arrays"):
        fastkmeans.fit(np.zeros((4, 2)), 2, init="k-means||")


def test_fewer_distinct_points_than_clusters():
    Xd = da.from_array(np.repeat([[0.0, 0.0], [1.0, 1.0]], 10, axis=0), chunks=(7, 2))
    with pytest.warns(fastkmeans.ConvergenceWarning):
        result = _fit_threads(Xd, 1, random_state=0)
    assert result.inertia == 0.0


def test_nan_block_named_by_its_rows():
    X, _ = _data(np.float64)
    X = X.copy()
    X[1500, 2] = np.nan
    Xd = da.from_array(X, chunks=(ROW_CHUNK, N_FEATURES))
    with pytest.raises(ValueError, match="row block 2 \\(rows 1400 to 2099\\), at row 1500"):
        fastkmeans.fit(Xd, N_CLUSTERS)


def test_bad_dask_input():
    with pytest.raises(ValueError, match="2-D"):
        fastkmeans.fit(da.zeros(10, chunks=5), 2)
    with pytest.raises(TypeError, match="expected real numbers"):
        fastkmeans.fit(da.zeros((10, 2), dtype=complex, chunks=5), 2)


def test_column_chunks_and_integers():
    X = np.arange(60, dtype=np.int64).reshape(20, 3) % 7
    Xd = da.from_array(X, chunks=(6, 1))
    result = _fit_threads(Xd, 2, 3, init=X[:3].astype(float), tol=0)
    _assert_same(result, fastkmeans.fit(X, 3, init=X[:3].astype(float), tol=0), np.float64)


def test_predict_and_distances_lazy_with_the_row_chunks(dtype):
    X, Xd = _data(dtype)
    centers = _start(X)
    labels, sq = fastkmeans.predict(Xd, centers, return_distances=True)
    assert isinstance(labels, da.Array) and labels.chunks == (Xd.chunks[0],)
    expected, expected_sq = fastkmeans.predict(X, centers, return_distances=True)
    np.testing.assert_array_equal(labels.compute(), expected)
    np.testing.assert_allclose(sq.compute(), expected_sq, rtol=RTOL[dtype])


def test_estimators_on_dask_input():
    X, Xd = _data(np.float64)
    start = _start(X)
    model = fastkmeans.KMeans(N_CLUSTERS, init=start, tol=0).fit(Xd)
    memory = fastkmeans.KMeans(N_CLUSTERS, init=start, tol=0).fit(X)
    assert isinstance(model.labels_, da.Array)
    np.testing.assert_array_equal(model.labels_.compute(), memory.labels_)
    np.testing.assert_array_equal(model.predict(Xd).compute(), memory.predict(X))
    np.testing.assert_allclose(model.transform(Xd).compute(), memory.transform(X),
                               rtol=1e-12)
    assert model.score(Xd) == pytest.approx(memory.score(X), rel=1e-12)
    batches = fastkmeans.MiniBatchKMeans(N_CLUSTERS, random_state=0, n_init=1)
    in_turn = fastkmeans.MiniBatchKMeans(N_CLUSTERS, random_state=0, n_init=1)
    batches.partial_fit(Xd)
    for start_row in range(0, N_SAMPLES, ROW_CHUNK):
        in_turn.partial_fit(X[start_row:start_row + ROW_CHUNK])
    np.testing.assert_array_equal(batches.cluster_centers_, in_turn.cluster_centers_)


def test_import_fastkmeans_does_not_import_dask():
    code = ("import sys, numpy as np, fastkmeans; fastkmeans.fit(np.eye(4), 2); "
            "assert not any(m == 'dask' or m.startswith('dask.') for m in sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)


# ----- a distributed cluster (2, then 3 workers): last, the killed worker last of all -----

def test_local_cluster_same_as_threads(client):
    X, Xd = _data(np.float64)
    with dask.config.set(scheduler="threads"):
        threads = fastkmeans.fit(Xd, N_CLUSTERS, random_state=0)
    cluster = fastkmeans.fit(Xd, N_CLUSTERS, random_state=0)  # the client is the default
    _assert_bitwise(cluster, threads)
    from_init = fastkmeans.fit(Xd, N_CLUSTERS, init=_start(X), tol=0)
    _assert_same(from_init, fastkmeans.fit(X, N_CLUSTERS, init=_start(X), tol=0), np.float64)


def test_three_workers_same_result(client):
    # (one and three threads: test_bitwise_the_same_for_any_thread_count)
    _, Xd = _data(np.float32)
    with dask.config.set(scheduler="threads"):
        expected = fastkmeans.fit(Xd, N_CLUSTERS, random_state=2)
    client.cluster.scale(3)
    client.wait_for_workers(3)
    _assert_bitwise(fastkmeans.fit(Xd, N_CLUSTERS, random_state=2), expected)


def test_killed_worker_same_result(client):
    X, Xd = _data(np.float64)
    Xd = Xd.persist()
    expected = fastkmeans.fit(Xd, N_CLUSTERS, init=_start(X), tol=0)
    pids = client.run(os.getpid)

    def kill_one(info):
        if info.iteration == 2:
            os.kill(next(iter(pids.values())), signal.SIGKILL)

    result = fastkmeans.fit(Xd, N_CLUSTERS, init=_start(X), tol=0, callback=kill_one)
    _assert_bitwise(result, expected)
    assert result.n_iter > 2
    client.wait_for_workers(len(pids))
    assert set(client.run(os.getpid).values()) != set(pids.values())  # one was replaced


def test_kmeans_parallel_keeps_the_best_of_its_candidate_trials():
    from fastkmeans._init import reduce_candidates

    rng = np.random.default_rng(5)
    candidates = make_blobs(600, 3, 12, seed=5, cluster_std=2.0)[0]
    weights = rng.uniform(0.5, 3.0, 600)
    best = reduce_candidates(candidates, weights, 12, np.random.default_rng(9), 1, n_trials=6)
    replay = np.random.default_rng(9)  # the same draws, one trial at a time
    runs = [reduce_candidates(candidates, weights, 12, replay, 1, n_trials=1) for _ in range(6)]
    assert len({run.inertia for run in runs}) > 1  # the trials differ
    lowest = min(runs, key=lambda run: run.inertia)
    assert best.inertia == lowest.inertia
    np.testing.assert_array_equal(best.centers, lowest.centers)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cluster_scores_of_dask_input_are_those_of_the_computed_array(dtype):
    X, Xd = _data(dtype)
    labels = np.random.default_rng(2).integers(0, 4, N_SAMPLES) * 3 - 1  # any label values
    weights = np.random.default_rng(3).uniform(0.5, 2.0, N_SAMPLES)
    with dask.config.set(scheduler="threads"):
        for name in ("calinski_harabasz_score", "davies_bouldin_score"):
            score = getattr(fastkmeans, name)
            for options in ({}, {"sample_weight": weights}):
                expected = score(X, labels, **options)
                # the sums are added in another order: means differ by rounding
                rtol = 1e-5 if dtype == np.float32 else 1e-9
                np.testing.assert_allclose(score(Xd, labels, **options), expected, rtol=rtol)
                np.testing.assert_allclose(score(Xd, da.from_array(labels, chunks=900),
                                                 **options), expected, rtol=rtol)
        assert fastkmeans.silhouette_score(Xd, labels, sample_size=500, random_state=1) == \
            fastkmeans.silhouette_score(X, labels, sample_size=500, random_state=1)
        with pytest.raises(ValueError, match="Dask array X needs sample_size"):
            fastkmeans.silhouette_score(Xd, labels)


def test_label_sums_do_not_depend_on_the_workers(client):
    from fastkmeans._validation import check_data

    X, Xd = _data(np.float64)
    codes = np.random.default_rng(4).integers(0, 5, N_SAMPLES).astype(np.int32)
    data, _ = check_data(Xd, 1)
    on_cluster = data.label_sums(codes, np.ones(N_SAMPLES), 5, 1)
    with dask.config.set(scheduler="threads"):
        threaded = data.label_sums(codes, np.ones(N_SAMPLES), 5, 1)
    for got, expected in zip(on_cluster, threaded, strict=True):
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_allclose(on_cluster[0], [X[codes == c].sum(axis=0) for c in range(5)],
                               rtol=1e-12)


def test_choose_k_of_dask_input_is_that_of_the_computed_array():
    X, Xd = _data(np.float64)
    options = dict(k_range=range(1, 6), random_state=0, init="k-means++", n_refs=3)
    with dask.config.set(scheduler="threads"):
        ours = fastkmeans.choose_k(Xd, **options)
    expected = fastkmeans.choose_k(X, **options)
    assert (ours.k, ours.reason, ours.choices) == (expected.k, expected.reason,
                                                   expected.choices)
    assert ours.n_iter == expected.n_iter
    np.testing.assert_allclose(ours.inertias, expected.inertias, rtol=1e-12)
    for name, values in expected.scores.items():
        np.testing.assert_allclose(ours.scores[name], values, rtol=1e-9, err_msg=name)
    with dask.config.set(scheduler="threads"):
        gap = fastkmeans.gap_statistic(Xd, range(1, 5), random_state=0, n_refs=3,
                                       init="k-means++")
    in_memory = fastkmeans.gap_statistic(X, range(1, 5), random_state=0, n_refs=3,
                                         init="k-means++")
    assert gap.k == in_memory.k
    np.testing.assert_allclose(gap.gap, in_memory.gap, rtol=1e-9)


def test_block_tasks_hand_the_kernels_aligned_arrays():
    # blocks sent between worker processes may arrive at any byte address
    from fastkmeans import _dask
    raw = np.zeros(8 * 60 + 1, np.uint8)
    block = np.frombuffer(raw.data, np.float64, 60, offset=1).reshape(20, 3)
    block[...] = np.arange(60.0).reshape(20, 3)
    assert not block.flags.aligned
    ready = _dask._kernel_ready(block)
    assert ready.flags.aligned and ready.flags.c_contiguous
    np.testing.assert_array_equal(ready, block)
    labels = _dask._assign_block(block, block[:2].copy(), 1)
    np.testing.assert_array_equal(labels, fastkmeans.predict(np.array(block), block[:2]))
