"""Clustering embeddings: spherical (cosine) k-means and sampled training.

Spherical k-means is checked against ``_reference.spherical_lloyd`` (dense
and CSR, weights, float32 and float64), on a case computed by hand, for
thread-count invariance and for its clear refusals; sampled training for
reproducibility and for labels and inertia that refer to all of X.
"""
import argparse
import concurrent.futures
import pathlib
import sys

import numpy as np
import pytest
import scipy.sparse as sp
from helpers import make_blobs, random_weights

import fastkmeans
from fastkmeans import _reference as ref

SCRIPTS = pathlib.Path(__file__).parent.parent / "benchmarks" / "scripts"


def _directions(n_samples, n_features, n_clusters, seed=0, dtype=np.float64):
    """Blobs around random directions, rows of varied norms (not normalised)."""
    X, _ = make_blobs(n_samples, n_features, n_clusters, cluster_std=1.0, spread=10.0,
                      seed=seed)
    scale = np.random.default_rng(seed + 7).uniform(0.5, 3.0, size=(n_samples, 1))
    return (X * scale).astype(dtype)


def _init(X, n_clusters, seed=1):
    rows = np.random.default_rng(seed).choice(X.shape[0], n_clusters, replace=False)
    return np.array(X[rows])


def _cosine_margin(X, centers):
    """Mask of rows whose best cosine beats the second by a clear margin."""
    directions = X / np.linalg.norm(X, axis=1)[:, None]
    c = np.asarray(centers, dtype=np.float64)
    cos = np.sort(directions @ (c / np.linalg.norm(c, axis=1)[:, None]).T, axis=1)
    return cos[:, -1] - cos[:, -2] > 1e-4


def _assert_same(result, expected, X, dtype):
    assert result.n_iter == expected.n_iter
    assert result.converged == expected.converged
    clear = _cosine_margin(np.asarray(X, dtype=np.float64), expected.centers)
    assert clear.mean() > 0.9
    np.testing.assert_array_equal(result.labels[clear], expected.labels[clear])
    rel = 1e-9 if dtype == np.float64 else 2e-5
    assert result.inertia == pytest.approx(expected.inertia, rel=rel)
    np.testing.assert_allclose(result.centers, expected.centers, rtol=rel, atol=rel)
    np.testing.assert_allclose(result.history.inertia, expected.history.inertia, rtol=rel * 10)


# --- a case computed by hand --------------------------------------------------

def test_four_directions_by_hand():
    # two rows along +x (norms 1 and 5), two along +y (norms 2 and 3)
    X = np.array([[1.0, 0.0], [5.0, 0.0], [0.0, 2.0], [0.0, 3.0]])
    result = fastkmeans.fit(X, 2, init=np.array([[2.0, 0.1], [0.1, 2.0]]), spherical=True)
    np.testing.assert_array_equal(result.labels, [0, 0, 1, 1])
    np.testing.assert_array_equal(result.centers, [[1.0, 0.0], [0.0, 1.0]])
    assert result.inertia == 0.0
    assert result.n_iter == 2 and result.converged


def test_centers_are_the_normalised_weighted_mean_directions():
    # the norms of the rows do not weigh: only their directions and weights
    X = np.array([[10.0, 0.0], [0.0, 1.0]])
    result = fastkmeans.fit(X, 1, init=np.array([[1.0, 1.0]]), spherical=True,
                            sample_weight=[3.0, 1.0], max_iter=1)
    expected = np.array([3.0, 1.0]) / np.sqrt(10.0)
    np.testing.assert_allclose(result.centers[0], expected, rtol=1e-15)
    cosines = np.array([3.0, 1.0]) / np.sqrt(10.0)
    assert result.inertia == pytest.approx(3.0 * (1 - cosines[0]) + (1 - cosines[1]),
                                           rel=1e-12)


# --- against the reference ----------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("layout", ["dense", "csr"])
def test_matches_reference(dtype, weighted, layout):
    X = _directions(600, 12, 6, dtype=dtype)
    if layout == "csr":
        X[np.abs(X) < 3] = 0
        X = X[np.linalg.norm(X, axis=1) > 0]
    init = _init(X, 6)
    weights = random_weights(X.shape[0]) if weighted else None
    expected = ref.spherical_lloyd(X, init, weights, max_iter=50, tol=1e-4)
    data = sp.csr_matrix(X) if layout == "csr" else X
    result = fastkmeans.fit(data, 6, init=init, sample_weight=weights, max_iter=50,
                            tol=1e-4, spherical=True)
    assert result.centers.dtype == dtype
    np.testing.assert_allclose(np.linalg.norm(result.centers.astype(np.float64), axis=1), 1.0,
                               rtol=1e-6)
    _assert_same(result, expected, X, dtype)


def test_empty_cluster_is_reseeded_as_the_reference():
    X = _directions(300, 5, 3, seed=3)
    # two initial centers in the same direction: one cluster starts empty
    init = np.array([X[0], X[0] * 2.0, X[1], -X[2]])
    expected = ref.spherical_lloyd(X, init, max_iter=30, tol=0.0)
    result = fastkmeans.fit(X, 4, init=init, max_iter=30, tol=0.0, spherical=True)
    _assert_same(result, expected, X, np.float64)


@pytest.mark.parametrize("layout", ["dense", "csr"])
def test_same_bits_for_any_thread_count(layout):
    X = _directions(5000, 16, 20, dtype=np.float32)
    data = sp.csr_matrix(X) if layout == "csr" else X
    results = [fastkmeans.fit(data, 20, random_state=0, n_threads=n, max_iter=15, tol=0.0,
                              spherical=True) for n in (1, 2, 3)]
    for other in results[1:]:
        np.testing.assert_array_equal(other.centers, results[0].centers)
        np.testing.assert_array_equal(other.labels, results[0].labels)
        assert other.inertia == results[0].inertia


def test_unit_rows_give_half_the_euclidean_inertia_of_the_same_labels():
    # for unit rows |x - c|^2 = 2 (1 - cos): the cosine inertia is half
    X = _directions(400, 8, 4)
    X /= np.linalg.norm(X, axis=1)[:, None]
    result = fastkmeans.fit(X, 4, random_state=0, spherical=True)
    euclid = ref.inertia(X, np.ones(X.shape[0]), result.centers, result.labels)
    assert result.inertia == pytest.approx(euclid / 2, rel=1e-9)


def test_estimator_spherical():
    X = _directions(500, 6, 5)
    model = fastkmeans.KMeans(5, spherical=True, random_state=0).fit(X)
    result = fastkmeans.fit(X, 5, spherical=True, random_state=0)
    np.testing.assert_array_equal(model.cluster_centers_, result.centers)
    assert model.inertia_ == result.inertia
    np.testing.assert_array_equal(model.predict(X), result.labels)
    assert model.score(X) == pytest.approx(-result.inertia, rel=1e-12)


def test_same_centers_as_faiss_spherical_kmeans():
    # faiss runs the same algorithm on unit rows (its documented use): from
    # the same initial centers, every row used, the same centers after each
    # number of iterations, to float32 rounding (faiss sums in float32)
    faiss = pytest.importorskip("faiss")
    # more components than clusters: no cluster empties (the two libraries
    # re-seed an empty cluster differently, see docs/embeddings.md)
    X = _directions(4000, 32, 64, seed=4, dtype=np.float32)
    X /= np.linalg.norm(X, axis=1)[:, None]
    init = _init(X, 16, seed=5)
    for iterations in (1, 2, 5):
        kmeans = faiss.Kmeans(32, 16, niter=iterations, spherical=True, verbose=False,
                              max_points_per_centroid=X.shape[0])
        kmeans.train(X, init_centroids=init)
        ours = fastkmeans.fit(X, 16, init=init, max_iter=iterations, tol=0.0, spherical=True)
        assert ours.n_iter == iterations
        np.testing.assert_allclose(ours.centers, kmeans.centroids, atol=2e-6)
        _, faiss_labels = kmeans.index.search(X, 1)
        np.testing.assert_array_equal(ours.labels, faiss_labels[:, 0])


# --- refusals -----------------------------------------------------------------

def test_zero_row_is_refused_naming_it():
    X = _directions(50, 4, 2)
    X[7] = 0.0
    with pytest.raises(ValueError, match="norm zero.*row 7"):
        fastkmeans.fit(X, 2, spherical=True)
    with pytest.raises(ValueError, match="norm zero.*row 7"):
        fastkmeans.fit(sp.csr_matrix(X), 2, spherical=True)


@pytest.mark.parametrize("algorithm", ["elkan", "hamerly", "yinyang", "auto"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1500, 6, 40), (2000, 40, 70)],
                         ids=lambda s: "x".join(map(str, s)))
def test_bounded_variants_give_lloyds_result_bit_for_bit(algorithm, dtype, shape):
    # with unit centers Lloyd's label is the Euclidean nearest center of the
    # row as given, and the bounds hold whatever the normalised centers' moves
    n_samples, n_features, n_clusters = shape
    X = _directions(n_samples, n_features, n_clusters // 2, dtype=dtype)
    init = _init(X, n_clusters)
    weights = random_weights(n_samples)
    lloyd = fastkmeans.fit(X, n_clusters, init=init, sample_weight=weights, spherical=True,
                           max_iter=40, tol=0.0)
    for n_threads in (1, 2):
        result = fastkmeans.fit(X, n_clusters, init=init, sample_weight=weights,
                                spherical=True, max_iter=40, tol=0.0, algorithm=algorithm,
                                n_threads=n_threads)
        np.testing.assert_array_equal(result.labels, lloyd.labels)
        np.testing.assert_array_equal(result.centers, lloyd.centers)
        assert result.n_iter == lloyd.n_iter and result.inertia == lloyd.inertia
        np.testing.assert_array_equal(result.history.center_shift,
                                      lloyd.history.center_shift)


def test_bounded_variants_prune_on_embeddings():
    X = _directions(3000, 48, 30, dtype=np.float32)
    X /= np.linalg.norm(X, axis=1)[:, None]
    result = fastkmeans.fit(X, 30, init=_init(X, 30), spherical=True, algorithm="yinyang",
                            max_iter=30, tol=0.0)
    assert result.n_iter > 3
    assert result.history.distance_evaluations[-1] < 0.5 * 3000 * 30


def test_sparse_and_float16_keep_their_steps():
    # CSR rows have no bounded step (Lloyd's gives the same result), float16
    # rows refuse the bounded variants, as without spherical=True
    X = _directions(300, 10, 5)
    init = _init(X, 5)
    lloyd = fastkmeans.fit(sp.csr_matrix(X), 5, init=init, spherical=True)
    hamerly = fastkmeans.fit(sp.csr_matrix(X), 5, init=init, spherical=True,
                             algorithm="hamerly")
    np.testing.assert_array_equal(hamerly.centers, lloyd.centers)
    with pytest.raises(ValueError, match="algorithm='hamerly' is not available for float16"):
        fastkmeans.fit(X.astype(np.float16), 5, spherical=True, algorithm="hamerly")


def test_zero_initial_center_is_refused():
    X = _directions(50, 4, 2)
    with pytest.raises(ValueError, match="init.*center 1 is zero"):
        fastkmeans.fit(X, 2, init=np.array([[1.0, 0, 0, 0], [0, 0, 0, 0]]), spherical=True)


@pytest.mark.parametrize("value", [1, "yes", None])
def test_spherical_must_be_a_bool(value):
    with pytest.raises(TypeError, match="spherical must be True or False"):
        fastkmeans.fit(np.eye(3), 2, spherical=value)


# --- sampled training ---------------------------------------------------------

@pytest.mark.parametrize("spherical", [False, True])
def test_sampling_is_reproducible_and_labels_all_rows(spherical):
    X = _directions(3000, 8, 10, dtype=np.float32)
    weights = random_weights(X.shape[0])
    fits = [fastkmeans.fit(X, 10, max_samples=500, random_state=5, sample_weight=weights,
                           spherical=spherical, n_threads=n) for n in (1, 2)]
    np.testing.assert_array_equal(fits[0].centers, fits[1].centers)
    np.testing.assert_array_equal(fits[0].labels, fits[1].labels)
    result = fits[0]
    assert result.labels.shape == (3000,)
    # labels and inertia refer to all of X, for the trained centers
    labels = fastkmeans.predict(X, result.centers)
    np.testing.assert_array_equal(result.labels, labels)
    if spherical:
        directions = X / np.linalg.norm(X.astype(np.float64), axis=1)[:, None]
        losses = 1 - np.einsum("ij,ij->i", directions, result.centers[labels])
        expected = float(np.dot(weights, losses))
    else:
        expected = ref.inertia(X, weights, result.centers, labels)
    assert result.inertia == pytest.approx(expected, rel=1e-5)
    other = fastkmeans.fit(X, 10, max_samples=500, random_state=6, sample_weight=weights,
                           spherical=spherical)
    assert not np.array_equal(other.centers, result.centers)


@pytest.mark.parametrize("n_init", [1, 3])
def test_sampling_fits_the_drawn_rows(n_init):
    # one run skips the sample's final labelling; several compare their sample inertias
    X = _directions(2000, 6, 8)
    result = fastkmeans.fit(X, 8, max_samples=0.25, random_state=3, n_init=n_init)
    rng = np.random.default_rng(3)
    rows = np.sort(rng.choice(2000, size=500, replace=False))
    expected = fastkmeans.fit(X[rows], 8, random_state=rng, n_init=n_init)
    np.testing.assert_array_equal(result.centers, expected.centers)
    assert result.n_iter == expected.n_iter
    np.testing.assert_array_equal(result.labels, fastkmeans.predict(X, expected.centers))


def test_max_samples_at_least_n_samples_is_the_exact_fit():
    X = _directions(400, 5, 4)
    exact = fastkmeans.fit(X, 4, random_state=0)
    for value in (400, 10_000, 1.0):
        same = fastkmeans.fit(X, 4, random_state=0, max_samples=value)
        np.testing.assert_array_equal(same.centers, exact.centers)


def test_sparse_sampling():
    X = _directions(1500, 20, 5)
    X[np.abs(X) < 4] = 0
    X = X[np.linalg.norm(X, axis=1) > 0]
    dense = fastkmeans.fit(X, 5, max_samples=300, random_state=1, spherical=True)
    sparse = fastkmeans.fit(sp.csr_matrix(X), 5, max_samples=300, random_state=1,
                            spherical=True)
    np.testing.assert_allclose(sparse.centers, dense.centers, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(sparse.labels, dense.labels)


@pytest.mark.parametrize("value, error, match", [
    (0, ValueError, "at least 1"), (-3, ValueError, "at least 1"),
    (0.0, ValueError, r"\(0, 1\]"), (1.5, ValueError, r"\(0, 1\]"),
    ("half", TypeError, "max_samples must be"), (True, TypeError, "max_samples must be"),
])
def test_bad_max_samples(value, error, match):
    with pytest.raises(error, match=match):
        fastkmeans.fit(np.eye(5), 2, max_samples=value)


def test_estimator_max_samples():
    X = _directions(1000, 4, 3)
    model = fastkmeans.KMeans(3, max_samples=200, random_state=0).fit(X)
    result = fastkmeans.fit(X, 3, max_samples=200, random_state=0)
    np.testing.assert_array_equal(model.labels_, result.labels)
    assert model.labels_.shape == (1000,)


# --- float16 input ------------------------------------------------------------

def _assert_bitwise(a, b):
    assert a.centers.dtype == b.centers.dtype == np.float32
    np.testing.assert_array_equal(a.centers, b.centers)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert a.inertia == b.inertia
    assert a.n_iter == b.n_iter
    np.testing.assert_array_equal(a.history.inertia, b.history.inertia)


@pytest.mark.parametrize("options", [
    {"random_state": 0},                                  # k-means++
    {"init": "random", "n_init": 2, "random_state": 1},
    {"random_state": 2, "sample_weight": random_weights(4000)},
    {"random_state": 3, "spherical": True},
    {"random_state": 4, "max_samples": 1000},
    {"random_state": 5, "algorithm": "auto", "tol": 0.0, "max_iter": 20},
])
@pytest.mark.parametrize("n_threads", [1, 3])
def test_float16_fit_is_bitwise_the_float32_fit(options, n_threads):
    X16 = _directions(4000, 24, 12).astype(np.float16)
    X32 = X16.astype(np.float32)
    _assert_bitwise(fastkmeans.fit(X16, 12, n_threads=n_threads, **options),
                    fastkmeans.fit(X32, 12, n_threads=n_threads, **options))


@pytest.mark.parametrize("n_samples, n_features, n_clusters", [
    # dense path: blocks of 313 rows, windows of 128 (k-means++'s tiles: 126 or 128)
    (20_000, 512, 5),
    # low-d path: blocks of 4688 rows, windows of 4096 (its lane sums flush
    # every 512 or 1024 rows: a window ends where a flush happens)
    (300_000, 16, 20),
])
def test_float16_windows_within_a_block(n_samples, n_features, n_clusters):
    # the C core converts float16 a window of 256 KiB of float32 at a time;
    # each window resumes the block's sums where the last stopped
    X16 = _directions(n_samples, n_features, n_clusters).astype(np.float16)
    X32 = X16.astype(np.float32)
    for n_threads in (1, 2):
        _assert_bitwise(fastkmeans.fit(X16, n_clusters, random_state=0, max_iter=4,
                                       n_threads=n_threads),
                        fastkmeans.fit(X32, n_clusters, random_state=0, max_iter=4,
                                       n_threads=n_threads))
    model = fastkmeans.KMeans(n_clusters, init=X32[:n_clusters], n_init=1, max_iter=2).fit(X16)
    np.testing.assert_array_equal(model.predict(X16), model.predict(X32))
    assert model.score(X16) == model.score(X32)


@pytest.mark.skipif(not pathlib.Path("/proc/self/clear_refs").exists(),
                    reason="peak resident size: Linux /proc")
@pytest.mark.parametrize("n_threads", [1, 2])
def test_float16_fit_takes_little_more_memory_than_float32(n_threads):
    # peak resident size above X of a fit, each in a fresh process: float16
    # adds only its conversion windows (256 KiB a thread) to what the float32
    # fit takes, where a float32 copy would add 200% of the float16 X and a
    # block of converted rows per thread 3.1% each
    sys.path.insert(0, str(SCRIPTS))
    try:
        import float16_compare
    finally:
        sys.path.remove(str(SCRIPTS))
    args = argparse.Namespace(n_samples=100_000, n_features=384, n_clusters=64, iterations=2)
    x_bytes = args.n_samples * args.n_features * 2
    # the least of 3 runs each: what malloc's arenas keep varies by about
    # 0.5 MB (0.7% of X) from run to run, upwards. The bound, 2.5% of X,
    # leaves room for the windows the threads' arenas keep (a fresh CI
    # install measured 1.55 MB on 2 threads) and still fails on a converted
    # block per thread (3.1% each) or a float32 copy (200%).
    # The six processes run two at a time: a process's peak resident size
    # does not depend on what else runs, and the test takes half as long.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        peaks = list(pool.map(lambda dtype: float16_compare.measure_memory(args, dtype, n_threads),
                              ["float16", "float32"] * 3))
    extra = min(peaks[0::2]) - min(peaks[1::2])
    assert extra <= 0.025 * x_bytes


def test_float16_predict_score_and_relocation():
    X16 = _directions(3000, 16, 6).astype(np.float16)
    X32 = X16.astype(np.float32)
    # two equal initial centers: one cluster starts empty and is re-seeded
    init = np.array(X32[[0, 0, 1, 2, 3, 4]])
    _assert_bitwise(fastkmeans.fit(X16, 6, init=init, tol=0.0, max_iter=15),
                    fastkmeans.fit(X32, 6, init=init, tol=0.0, max_iter=15))
    model = fastkmeans.KMeans(6, random_state=0).fit(X16)
    np.testing.assert_array_equal(model.predict(X16), model.predict(X32))
    assert model.score(X16) == model.score(X32)
    np.testing.assert_array_equal(model.transform(X16), model.transform(X32))
    labels, distances = fastkmeans.predict(X16, model.cluster_centers_, return_distances=True)
    assert distances.dtype == np.float32


def test_float16_input_is_not_copied_to_float32():
    import tracemalloc
    X16 = _directions(40_000, 96, 8, dtype=np.float32).astype(np.float16)
    init = np.array(X16[:8], dtype=np.float32)
    tracemalloc.start()
    try:
        fastkmeans.fit(X16, 8, init=init, max_iter=3, tol=0.0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # a float32 copy would be 2 x X16.nbytes (a row is 192 bytes); labels,
    # weights and the final distances are about 20 bytes a row
    assert peak < 0.15 * X16.nbytes


def test_float16_cluster_sums_are_those_of_float32():
    # elbow's advice takes float16 as it is (HalfData): its per-cluster sums
    # come from chunks of converted rows (80,000 x 2: three chunks)
    from fastkmeans._validation import check_data
    X16 = fastkmeans.datasets.blobs(n_samples=80_000, seed=1)[0].astype(np.float16)
    labels = fastkmeans.predict(X16, X16[:4].astype(np.float32))
    weights = np.random.default_rng(2).uniform(0.5, 2.0, size=80_000)
    half = check_data(X16, 1, float16=True)[0]
    single = check_data(X16.astype(np.float32), 1)[0]
    assert type(half).__name__ == "HalfData"
    for got, expected in zip(half.label_sums(labels, weights, 4, 2),
                             single.label_sums(labels, weights, 4, 2), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-6)  # summed in another order


def test_float16_refusals():
    X16 = _directions(300, 4, 3).astype(np.float16)
    with pytest.raises(ValueError, match="algorithm='hamerly'.*float16"):
        fastkmeans.fit(X16, 3, algorithm="hamerly")
    X16[5, 2] = np.inf
    with pytest.raises(ValueError, match="row 5, column 2"):
        fastkmeans.fit(X16, 3)


def test_float16_elsewhere_becomes_float32():
    # the entry points without a float16 driver take a float32 conversion, as before
    X16 = _directions(600, 6, 3).astype(np.float16)
    X32 = X16.astype(np.float32)
    a = fastkmeans.MiniBatchKMeans(3, random_state=0, n_init=1).fit(X16)
    b = fastkmeans.MiniBatchKMeans(3, random_state=0, n_init=1).fit(X32)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    labels = fastkmeans.fit(X16, 3, random_state=0).labels
    assert fastkmeans.silhouette_score(X16, labels) == fastkmeans.silhouette_score(X32, labels)
    np.testing.assert_array_equal(fastkmeans.elbow(X16, range(1, 4), random_state=0).inertias,
                                  fastkmeans.elbow(X32, range(1, 4), random_state=0).inertias)


@pytest.mark.parametrize("options", [{"spherical": True}, {"max_samples": 100}])
def test_dask_refuses_spherical_and_sampling(options):
    da = pytest.importorskip("dask.array")
    X = da.from_array(_directions(400, 4, 3), chunks=100)
    with pytest.raises(ValueError, match="not available for Dask"):
        fastkmeans.fit(X, 3, **options)


def test_embedding_benchmarks_run_and_find_lloyds_result(capsys):
    # the scripts behind docs/embeddings.md and docs/accelerated.md, small:
    # bounds_on_embeddings checks that every algorithm gives Lloyd's labels,
    # centers and iterations; embeddings_compare runs with or without faiss
    sys.path.insert(0, str(SCRIPTS))
    try:
        import bounds_on_embeddings
        import embeddings_compare
    finally:
        sys.path.remove(str(SCRIPTS))
    small = ["--n-samples", "4000", "--n-features", "64", "--n-clusters", "32"]
    bounds_on_embeddings.main(small + ["--threads", "1", "--max-iter", "12", "--spherical"])
    out = capsys.readouterr().out
    for algorithm in ("lloyd", "hamerly", "yinyang", "auto"):
        assert f"| {algorithm} |" in out
    embeddings_compare.main(small + ["--threads", "1", "--iterations", "3", "--repeats", "2"])
    out = capsys.readouterr().out
    assert "spherical Lloyd at equal work" in out and "sampled training" in out
    rows = [line for line in out.splitlines() if line.startswith("| 1 |")]
    assert len(rows) == 4  # each section's row, twice
    if embeddings_compare._faiss() is not None:  # ratios, and their median per section
        assert out.count("1 thread(s): median ratio") == 2
