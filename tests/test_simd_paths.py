"""Every instruction-set path of every kernel family against the reference.

The kernels have two layouts (dense: centers in vector lanes, register
tiles of rows; low-d: rows in vector lanes) and several vector widths, so
the shapes below are chosen to hit every edge: numbers of rows that are not
multiples of the tile or of the vector, numbers of clusters below one
vector, just above a full panel, and many panels.
"""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp
from helpers import clear_of_ties, make_blobs, random_weights

import fastkmeans
from fastkmeans import _reference as ref
from fastkmeans._lloyd import lloyd_iteration
from fastkmeans._simd import (
    PATH_NAMES,
    active_path,
    best_path,
    family_paths,
    forced_path,
    supported_paths,
)

PATHS = supported_paths()
SHAPES = [
    # n_samples, n_features, n_clusters; which layout core/kernels.c picks
    (1, 1, 1),          # low-d from here
    (37, 1, 3),
    (301, 2, 4),
    (1000, 2, 8),
    (1003, 2, 11),
    (777, 3, 40),       # sums row by row (too many for the lanes)
    (517, 8, 17),
    (403, 9, 5),
    (611, 12, 30),
    (299, 16, 20),
    (403, 9, 50),       # dense from here
    (1001, 16, 33),
    (999, 32, 64),
    (257, 31, 65),
    (300, 70, 200),
    (50, 300, 7),
    (400, 5, 300),
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_lloyd_iteration_on_every_path(path, dtype, shape):
    n_samples, n_features, n_clusters = shape
    X, _ = make_blobs(n_samples, n_features, max(1, n_clusters // 2), cluster_std=3.0,
                      seed=n_samples, dtype=dtype)
    centers = X[np.random.default_rng(1).choice(n_samples, n_clusters, replace=False)]
    w = random_weights(n_samples)
    previous = np.random.default_rng(2).integers(0, n_clusters, n_samples).astype(np.int32)
    labels = previous.copy()
    sums = np.empty((n_clusters, n_features))
    weights = np.empty(n_clusters)
    with forced_path(path):
        inertia, n_changed = lloyd_iteration(X, w, centers, labels, sums, weights, 2)
    expected_labels, expected_sq = ref.assign_labels(X, centers)
    clear = clear_of_ties(X, centers)
    np.testing.assert_array_equal(labels[clear], expected_labels[clear])
    assert n_changed == np.count_nonzero(labels != previous)
    # sums and weights of the points as the kernel labelled them
    exp_sums, exp_weights = ref.update_sums(X, w, labels, n_clusters)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(weights, exp_weights, rtol=rtol)
    np.testing.assert_allclose(sums, exp_sums, rtol=rtol, atol=rtol * np.abs(exp_sums).max())
    exp_inertia = ref.inertia(X, w, centers, labels)
    assert inertia == pytest.approx(exp_inertia, rel=rtol, abs=1e-12)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_predict_on_every_path(path, dtype, shape):
    n_samples, n_features, n_clusters = shape
    X, _ = make_blobs(n_samples, n_features, max(1, n_clusters // 2), seed=n_samples + 1,
                      dtype=dtype)
    centers = X[np.random.default_rng(3).choice(n_samples, n_clusters, replace=False)]
    with forced_path(path):
        labels, sq = fastkmeans.predict(X, centers, return_distances=True)
    expected_labels, expected_sq = ref.assign_labels(X, centers)
    clear = clear_of_ties(X, centers)
    np.testing.assert_array_equal(labels[clear], expected_labels[clear])
    # the distance reported is the exact one to the chosen center
    np.testing.assert_allclose(sq, ref.label_sq_distances(X, centers, labels),
                               rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-6)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("n_clusters", [5, 33, 200])
def test_a_rows_label_does_not_depend_on_where_the_rows_start(path, dtype, n_clusters):
    # the dense kernel takes rows by tiles, tiles by passes past the panels
    # of centers, passes by chunks: a row's label and distance must be the
    # same bits wherever those cuts fall (near-ties included: the data are
    # integers, so many distances tie exactly)
    rng = np.random.default_rng(n_clusters)
    X = rng.integers(-4, 5, size=(700, 24)).astype(dtype)
    centers = X[rng.choice(700, n_clusters, replace=False)] + dtype(0.5)
    with forced_path(path):
        labels, sq = fastkmeans.predict(X, centers, return_distances=True, n_threads=1)
        for skip in (1, 5, 7, 47, 49, 97, 301):
            later, later_sq = fastkmeans.predict(X[skip:], centers, return_distances=True,
                                                 n_threads=1)
            np.testing.assert_array_equal(later, labels[skip:])
            np.testing.assert_array_equal(later_sq, sq[skip:])


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("n_clusters", [1, 7, 16, 17, 40, 70])
def test_sparse_predict_on_every_path(path, dtype, n_clusters, sparse_container):
    dense, _ = make_blobs(300, 20, 5, cluster_std=2.0, seed=n_clusters, dtype=dtype,
                          zero_below=6.0)
    centers = dense[np.random.default_rng(0).choice(300, n_clusters, replace=False)]
    centers = centers + np.random.default_rng(1).normal(size=centers.shape).astype(dtype)
    with forced_path(path):
        labels = fastkmeans.predict(sparse_container(dense), centers)
    expected, _ = ref.assign_labels(dense.astype(np.float64), centers.astype(np.float64))
    clear = clear_of_ties(dense, centers)
    np.testing.assert_array_equal(labels[clear], expected[clear])


@pytest.mark.parametrize("path", PATHS)
def test_data_far_from_the_origin(path):
    # |x| is 1e4 times the spread: the norm expansion would cancel badly in
    # float32 without centering; labels must still be the nearest centers.
    X, _ = make_blobs(2000, 20, 5, cluster_std=1.0, spread=5.0, seed=4)
    X = (X + 1e4).astype(np.float32)
    centers = X[:5].copy()
    with forced_path(path):
        labels = fastkmeans.predict(X, centers)
    expected, _ = ref.assign_labels(X.astype(np.float64), centers.astype(np.float64))
    clear = clear_of_ties(X, centers, rel_gap=1e-3)
    np.testing.assert_array_equal(labels[clear], expected[clear])


def test_paths_agree_on_a_whole_fit():
    X, _ = make_blobs(5000, 12, 10, cluster_std=2.0, seed=5)
    results = {}
    for path in PATHS:
        with forced_path(path):
            results[path] = fastkmeans.fit(X, 10, random_state=0)
    best = results[best_path()]
    for result in results.values():
        np.testing.assert_array_equal(result.labels, best.labels)
        assert result.n_iter == best.n_iter
        np.testing.assert_allclose(result.centers, best.centers, rtol=1e-12)


def test_forcing_an_unsupported_path_is_refused():
    with pytest.raises(ValueError, match="not supported"):
        with forced_path("sse9000"):
            pass


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("shape", [(500, 2, 9), (800, 12, 30), (300, 40, 70)],
                         ids=lambda s: "x".join(map(str, s)))
def test_kmeans_plusplus_on_every_path(path, dtype, shape):
    n_samples, n_features, n_clusters = shape
    X, _ = make_blobs(n_samples, n_features, n_clusters, seed=n_features, dtype=dtype)
    w = random_weights(n_samples)
    with forced_path(path):
        centers, indices = fastkmeans.kmeans_plusplus(X, n_clusters, sample_weight=w,
                                                      random_state=7, n_local_trials=20)
    _, expected = ref.kmeans_plusplus(X, n_clusters, w, np.random.default_rng(7),
                                      n_local_trials=20)
    np.testing.assert_array_equal(indices, expected)


# --- every kernel family follows the one process path ---------------------------------

FAMILIES = ("dense", "bounds", "sparse", "silhouette")


def _assert_families_run(path):
    """Dense and sparse run every path; bounds and silhouette run the best
    x86-64 level they have at or below it (the same path on any ordinary CPU)."""
    families = family_paths()
    assert set(families) == set(FAMILIES)
    assert families["dense"] == families["sparse"] == path
    for family in ("bounds", "silhouette"):
        assert PATH_NAMES.index(families[family]) <= PATH_NAMES.index(path)
    if path == "generic":
        assert set(families.values()) == {"generic"}


@pytest.mark.parametrize("path", PATHS)
def test_forcing_a_path_reaches_every_family(path):
    before = family_paths()
    with forced_path(path):
        assert active_path() == path
        _assert_families_run(path)
    assert family_paths() == before


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("algorithm", ["hamerly", "elkan", "yinyang"])
@pytest.mark.parametrize("shape", [(2000, 2, 9), (1500, 12, 40), (800, 40, 70)],
                         ids=lambda s: "x".join(map(str, s)))
def test_bounded_variants_on_every_path(path, dtype, algorithm, shape):
    # Lloyd's labels and iteration count, bit for bit, on the same path (the
    # centers to rounding: the low-d kernel sums in another order); and the
    # reference's on the points clear of ties
    n_samples, n_features, n_clusters = shape
    X, _ = make_blobs(n_samples, n_features, n_clusters, cluster_std=2.0, seed=n_features,
                      dtype=dtype)
    init = X[np.random.default_rng(4).choice(n_samples, n_clusters, replace=False)]
    with forced_path(path):
        lloyd = fastkmeans.fit(X, n_clusters, init=init, max_iter=40, tol=0)
        bounded = fastkmeans.fit(X, n_clusters, init=init, max_iter=40, tol=0,
                                 algorithm=algorithm)
    np.testing.assert_array_equal(bounded.labels, lloyd.labels)
    assert bounded.n_iter == lloyd.n_iter
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(bounded.centers, lloyd.centers, rtol=rtol, atol=rtol)
    if dtype == np.float64:
        expected = ref.lloyd(X, init, max_iter=40, tol=0)
        assert lloyd.n_iter == expected.n_iter
        clear = clear_of_ties(X, expected.centers)
        np.testing.assert_array_equal(lloyd.labels[clear], expected.labels[clear])
        np.testing.assert_allclose(lloyd.centers, expected.centers, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
def test_sparse_fit_on_every_path(path, dtype, index_dtype):
    dense, _ = make_blobs(900, 30, 6, cluster_std=2.0, seed=11)
    dense[np.abs(dense) < 6.0] = 0.0
    dense = dense.astype(dtype)
    X = sp.csr_matrix(dense)
    X.indices = X.indices.astype(index_dtype)
    X.indptr = X.indptr.astype(index_dtype)
    init = dense[np.random.default_rng(5).choice(900, 6, replace=False)]
    with forced_path(path):
        a = fastkmeans.fit(X, 6, init=init, max_iter=50)
        b = fastkmeans.fit(dense, 6, init=init, max_iter=50)
    assert a.n_iter == b.n_iter
    clear = clear_of_ties(dense, b.centers)
    assert clear.mean() > 0.9
    np.testing.assert_array_equal(a.labels[clear], b.labels[clear])
    rel = 1e-9 if dtype == np.float64 else 1e-5
    assert a.inertia == pytest.approx(b.inertia, rel=rel)
    np.testing.assert_allclose(a.centers, b.centers, rtol=rel, atol=rel)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("n_clusters", [3, 40])
def test_silhouette_on_every_path(path, n_clusters):
    X, _ = make_blobs(700, 5, n_clusters, seed=n_clusters)
    labels = np.random.default_rng(6).integers(0, n_clusters, 700)
    with forced_path(path):
        values = fastkmeans.silhouette_samples(X, labels)
    np.testing.assert_allclose(values, ref.silhouette_samples(X, labels), rtol=1e-12,
                               atol=1e-12)


def _config_in_a_new_process(value):
    script = ("import json, warnings\n"
              "warnings.simplefilter('always')\n"
              "import fastkmeans\n"
              "config = fastkmeans.show_config(mode='dicts')\n"
              "print(json.dumps([config['simd'], config['simd_families']]))\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=300, env=dict(os.environ, FASTKMEANS_SIMD=value))
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1]), run.stderr


@pytest.mark.parametrize("path", PATHS)
def test_the_environment_variable_sets_the_path_of_every_family(path):
    (simd, families), _ = _config_in_a_new_process(f" {path.upper()} ")
    assert simd == path
    assert set(families) == set(FAMILIES)
    assert families["dense"] == families["sparse"] == path
    for family in ("bounds", "silhouette"):
        assert PATH_NAMES.index(families[family]) <= PATH_NAMES.index(path)
    if path == "generic":
        assert set(families.values()) == {"generic"}


def test_an_unsupported_environment_value_warns_and_uses_the_best_path():
    (simd, families), stderr = _config_in_a_new_process("sse9000")
    assert simd == best_path()
    assert families["dense"] == best_path()
    assert "FASTKMEANS_SIMD='sse9000'" in stderr and "RuntimeWarning" in stderr
