"""Hamerly, Elkan and Yinyang give Lloyd's answer: labels at every iteration,
centers, iteration count, inertia; for any dtype, weights and thread count."""
import numpy as np
import pytest
from helpers import clear_of_ties, make_blobs, random_weights

import fastkmeans
from fastkmeans import _accelerated
from fastkmeans import _reference as ref
from fastkmeans._algorithm import resolve_algorithm
from fastkmeans._groups import center_groups
from fastkmeans._run import run_lloyd
from fastkmeans._validation import check_data

ACCELERATED = ["hamerly", "elkan", "yinyang"]


def _init(X, n_clusters, seed=0):
    rng = np.random.default_rng(seed)
    return X[rng.choice(X.shape[0], n_clusters, replace=False)].copy()


def _assert_same_fit(result, expected, dtype, bitwise_centers=False):
    """Same labels and iterations; centers to rounding, or bitwise where Lloyd
    sums rows in order (its low-d pass with few clusters sums in SIMD lanes)."""
    assert result.n_iter == expected.n_iter
    assert result.converged == expected.converged
    np.testing.assert_array_equal(result.labels, expected.labels)
    if bitwise_centers:
        np.testing.assert_array_equal(result.centers, expected.centers)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(result.centers, expected.centers, rtol=rtol, atol=rtol)
    assert result.inertia == pytest.approx(expected.inertia,
                                           rel=1e-9 if dtype == np.float64 else 1e-5)


def _run_labels(algorithm, X, weights, centers, n_threads):
    """Labels after every iteration of a run of the step of ``algorithm``, via
    the run loop's on_iteration hook."""
    data, _ = check_data(X, n_threads)
    step = data.lloyd_step(weights, centers, algorithm, n_threads)
    seen = []
    run_lloyd(data, step, 300, 0.0, n_threads,
              on_iteration=lambda history: seen.append(step.labels.copy()))
    return seen


@pytest.mark.parametrize("algorithm", ACCELERATED)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(1500, 2, 30), (800, 9, 40), (600, 40, 25)])
def test_same_fit_as_lloyd(algorithm, dtype, weighted, shape):
    n_samples, n_features, n_clusters = shape
    X, _ = make_blobs(n_samples, n_features, n_clusters // 2, seed=n_features, dtype=dtype)
    weights = random_weights(n_samples) if weighted else None
    init = _init(X, n_clusters)
    expected = fastkmeans.fit(X, n_clusters, init=init, sample_weight=weights, n_threads=2)
    result = fastkmeans.fit(X, n_clusters, init=init, sample_weight=weights, n_threads=2,
                            algorithm=algorithm)
    _assert_same_fit(result, expected, dtype, bitwise_centers=True)
    # Lloyd's per-iteration inertia sums the kernel's distances (float32 for
    # float32 data); the accelerated runs compute it in float64
    np.testing.assert_allclose(result.history.inertia, expected.history.inertia,
                               rtol=1e-9 if dtype == np.float64 else 1e-6)
    np.testing.assert_array_equal(result.history.center_shift, expected.history.center_shift)


@pytest.mark.parametrize("algorithm", ACCELERATED)
def test_same_labels_at_every_iteration(algorithm, dtype):
    X, _ = make_blobs(1200, 3, 12, seed=5, dtype=dtype)
    init = _init(X, 24)
    weights = np.ones(X.shape[0])
    expected = _run_labels("lloyd", X, weights, init.copy(), 2)
    result = _run_labels(algorithm, X, weights, init.copy(), 2)
    assert len(result) == len(expected) > 3
    for got, want in zip(result, expected, strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("algorithm", ACCELERATED)
def test_exact_on_a_grid_full_of_ties(algorithm):
    # integer points and centers: many exact ties, decided as Lloyd decides them
    rng = np.random.default_rng(3)
    X = rng.integers(0, 12, size=(2000, 2)).astype(np.float64)
    init = X[:24].copy() + 0.5
    expected = fastkmeans.fit(X, 24, init=init, tol=0)
    result = fastkmeans.fit(X, 24, init=init, tol=0, algorithm=algorithm)
    _assert_same_fit(result, expected, np.float64, bitwise_centers=True)


@pytest.mark.parametrize("algorithm", ACCELERATED)
def test_exact_far_from_the_origin(algorithm, dtype):
    # a large offset makes Lloyd's rounding large next to the gaps between
    # distances: the bounds' margins (and Lloyd's own kernel on near-ties)
    # must still give its labels at every iteration
    X, _ = make_blobs(1500, 6, 10, seed=11)
    X = (X + 3e3).astype(dtype)
    init = _init(X, 32)
    weights = np.ones(X.shape[0])
    expected = _run_labels("lloyd", X, weights, init.copy(), 2)
    result = _run_labels(algorithm, X, weights, init.copy(), 2)
    assert len(result) == len(expected)
    for got, want in zip(result, expected, strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("seed", range(12))
def test_random_problems_same_labels_at_every_iteration(seed):
    # random shapes, scales, offsets, grids of ties, weights and threads;
    # k * (d + 1) >= 64 keeps Lloyd's low-d pass off its in-lane sums, whose
    # rounding differs from the row-order sums (see docs/accelerated.md)
    rng = np.random.default_rng(seed)
    n_features = int(rng.choice([1, 2, 3, 5, 8, 13, 24, 40]))
    n_clusters = int(rng.integers(64 // (n_features + 1) + 1, 70))
    n_samples = int(rng.integers(n_clusters + 1, 900))
    if seed % 3 == 0:  # integer grid: exact ties everywhere
        X = rng.integers(0, 5, size=(n_samples, n_features)).astype(float)
    else:
        X = rng.normal(size=(n_samples, n_features)) * 10.0 ** rng.integers(-2, 3)
    X = np.ascontiguousarray(X + rng.choice([0.0, 1e3]),
                             dtype=np.float32 if seed % 2 else np.float64)
    init = X[rng.choice(n_samples, n_clusters, replace=False)].copy()
    weights = rng.uniform(0.1, 5.0, n_samples) if seed % 4 == 1 else np.ones(n_samples)
    threads = int(rng.integers(1, 4))
    expected = _run_labels("lloyd", X, weights, init.copy(), threads)
    for algorithm in ACCELERATED:
        result = _run_labels(algorithm, X, weights, init.copy(), threads)
        assert len(result) == len(expected)
        for got, want in zip(result, expected, strict=True):
            np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("algorithm", ACCELERATED)
def test_identical_for_any_thread_count(algorithm):
    X, _ = make_blobs(3000, 5, 20, seed=2, dtype=np.float32)
    init = _init(X, 40)
    results = [fastkmeans.fit(X, 40, init=init, n_threads=t, algorithm=algorithm)
               for t in (1, 2, 3)]
    for result in results[1:]:
        _assert_same_fit(result, results[0], np.float32, bitwise_centers=True)
        np.testing.assert_array_equal(result.history.distance_evaluations,
                                      results[0].history.distance_evaluations)


@pytest.mark.parametrize("algorithm", ACCELERATED)
@pytest.mark.parametrize("case", ["duplicates", "empty_cluster", "one_cluster",
                                  "as_many_clusters_as_points"])
def test_degenerate_cases(algorithm, case):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(300, 3))
    n_clusters = 12
    if case == "duplicates":
        X = np.repeat(X[:40], 8, axis=0)
        init = X[::25].copy()
    elif case == "empty_cluster":
        init = np.vstack([X[:n_clusters - 2], [[50.0, 50.0, 50.0], [-60.0, 0.0, 0.0]]])
    elif case == "one_cluster":
        n_clusters = 1
        init = X[:1].copy()
    else:
        X = X[:40]
        n_clusters = 40
        init = X[::-1].copy()
    n_clusters = init.shape[0]
    expected = fastkmeans.fit(X, n_clusters, init=init)
    result = fastkmeans.fit(X, n_clusters, init=init, algorithm=algorithm)
    _assert_same_fit(result, expected, np.float64)


@pytest.mark.parametrize("algorithm", ACCELERATED)
def test_distance_evaluations_show_the_pruning(algorithm):
    X, _ = make_blobs(4000, 4, 30, seed=6)
    init = _init(X, 30)
    lloyd = fastkmeans.fit(X, 30, init=init)
    result = fastkmeans.fit(X, 30, init=init, algorithm=algorithm)
    n_all = X.shape[0] * 30
    np.testing.assert_array_equal(lloyd.history.distance_evaluations, n_all)
    evaluations = result.history.distance_evaluations
    assert evaluations.dtype == np.int64 and len(evaluations) == result.n_iter
    assert evaluations[0] >= n_all  # no bounds yet: every distance
    assert evaluations[-1] < 0.2 * n_all  # converged: most are skipped


@pytest.mark.parametrize("algorithm", ACCELERATED)
def test_reference_bounds_give_reference_lloyd(algorithm, dtype):
    X, _ = make_blobs(900, 3, 10, seed=8, dtype=dtype)
    init = _init(X, 20)
    expected = ref.lloyd(X, init)
    result = ref.lloyd(X, init, algorithm=algorithm)
    assert result.n_iter == expected.n_iter
    np.testing.assert_array_equal(result.labels, expected.labels)
    np.testing.assert_allclose(result.centers, expected.centers, rtol=1e-6)
    assert result.history.distance_evaluations[-1] < X.shape[0] * 20
    # and the kernels agree with the reference on points clear of ties
    kernel = fastkmeans.fit(X, 20, init=init, algorithm=algorithm)
    clear = clear_of_ties(X, kernel.centers)
    np.testing.assert_array_equal(kernel.labels[clear], result.labels[clear])
    assert kernel.n_iter == result.n_iter


def test_auto_matches_lloyd_and_picks_a_known_algorithm():
    from fastkmeans._algorithm import choose_algorithm
    X, _ = make_blobs(2000, 2, 20, seed=9)
    init = _init(X, 20)
    assert choose_algorithm(*X.shape, 20) in ("lloyd", *ACCELERATED)
    _assert_same_fit(fastkmeans.fit(X, 20, init=init, algorithm="auto"),
                     fastkmeans.fit(X, 20, init=init), np.float64)


def test_auto_runs_lloyd_below_8_features():
    from fastkmeans._algorithm import choose_algorithm
    assert choose_algorithm(1_000_000, 2, 2000) == "lloyd"
    assert choose_algorithm(1_000_000, 8, 2000) == "yinyang"


def test_auto_runs_yinyang_from_512_clusters_from_64_features():
    from fastkmeans._algorithm import choose_algorithm
    assert choose_algorithm(1_000_000, 64, 512) == "yinyang"
    assert choose_algorithm(1_000_000, 768, 511) == "hamerly"
    assert choose_algorithm(1_000_000, 63, 512) == "hamerly"
    assert choose_algorithm(1_000_000, 63, 1000) == "yinyang"


def _lloyd_moves(X, init):
    """The centers after one Lloyd iteration from ``init``, and how far each moved."""
    after = fastkmeans.fit(X, len(init), init=init, max_iter=1, tol=0).centers
    return after, np.sqrt(((after - init) ** 2).sum(axis=1))


def test_prunable_fraction_tells_clustered_from_unclustered_data():
    rng = np.random.default_rng(3)
    unclustered = rng.normal(size=(3000, 32))
    centers, moves = _lloyd_moves(unclustered, unclustered[:100])
    # from a random start the centers still travel: nothing would be skipped
    assert _accelerated.prunable_fraction(unclustered, centers, moves) < 0.05
    clustered, _ = make_blobs(3000, 32, 100, seed=3)
    start, _ = fastkmeans.kmeans_plusplus(clustered, 100, random_state=0)
    centers, moves = _lloyd_moves(clustered, start)
    assert _accelerated.prunable_fraction(clustered, centers, moves) > 0.5
    # centers that stay put: every row with a unique nearest center is skipped
    assert _accelerated.prunable_fraction(unclustered, centers, np.zeros(100)) == 1.0


def _falls_back_after(ratios, allowance):
    """The bounded iteration (from 1) after which auto's ledger makes it fall
    back, for iterations costing ``ratios`` times Lloyd's pass; None if none."""
    excess = 0.0
    for iteration, ratio in enumerate(ratios, 1):
        excess, over = _accelerated.excess_after(excess, 2.0 * ratio, 2.0, allowance)
        if over:
            return iteration
    return None


def test_auto_falls_back_once_the_bounds_have_cost_a_share_of_a_pass():
    assert _accelerated.excess_after(0.0, 2.5, 2.0, 0.5) == (0.5, False)
    assert _accelerated.excess_after(0.5, 1.75, 2.0, 0.5) == (0.25, False)  # savings count ...
    assert _accelerated.excess_after(0.25, 1.0, 2.0, 0.5) == (0.0, False)  # ... down to zero
    assert _accelerated.excess_after(0.75, 2.5, 2.0, 0.5) == (1.25, True)  # over half of 2.0
    dense = _accelerated.FALL_BACK_EXCESS_DENSE
    # with the dense search, full-open iterations at about Lloyd's cost get
    # time to prune: 1.11x falls back after the fifth, 1.4x after the second
    assert _falls_back_after([1.11] * 10, dense) == 5
    assert _falls_back_after([1.4] * 10, dense) == 2
    # full-open iterations as noisy as Lloyd's own passes on 2 threads
    # (1.10-1.19x the first at 1,000,000 x 384, k = 1024), then pruning: kept
    assert _falls_back_after([1.10, 1.13, 1.19, 0.85, 0.7, 0.5], dense) is None
    # a slow iteration after the savings is weighed from zero, not paid for
    assert _falls_back_after([0.5, 0.5, 1.3, 1.3], dense) == 4
    # without the dense search: the first slower iteration
    assert _falls_back_after([0.9, 1.01], _accelerated.FALL_BACK_EXCESS) == 2


def _distance_evaluations(X, init, max_iter, algorithm="hamerly", adaptive=True):
    """Distances computed in each iteration of a step (``auto``'s, when
    ``adaptive``) run by the run loop."""
    from fastkmeans._data import DenseData
    from fastkmeans._run import run_lloyd
    step = _accelerated.BoundedStep(X, np.ones(len(X)), init.copy(), 1, algorithm)
    step.adaptive = adaptive
    return run_lloyd(DenseData(X), step, max_iter, 0.0, 1, None).history.distance_evaluations


@pytest.mark.parametrize("kind", ["clustered", "unclustered"])
def test_auto_builds_bounds_only_when_they_would_prune_and_keeps_lloyds_result(kind):
    # 8 features, 40 clusters: Lloyd's low-d layout, so the bounds search
    # group by group and auto waits for them to prune
    rng = np.random.default_rng(4)
    X, truth = make_blobs(4000, 8, 40, seed=4)
    if kind == "unclustered":
        X = rng.normal(size=(4000, 8))
    init = truth + rng.normal(scale=2.5, size=truth.shape)  # centers that move little
    assert not _accelerated.BoundedStep(X, np.ones(4000), init.copy(), 1,
                                        "hamerly").dense_search
    evaluations = np.asarray(_distance_evaluations(X, init, 8))
    every = X.shape[0] * 40
    # the first iterations compute every distance (Lloyd's pass, then the
    # pass that starts the bounds); after that only clustered data prunes
    assert np.all(evaluations[:2] >= every)
    assert np.any(evaluations[2:] < every) == (kind == "clustered")
    lloyd = fastkmeans.fit(X, 40, init=init, tol=0, max_iter=8)
    auto = fastkmeans.fit(X, 40, init=init, tol=0, max_iter=8, algorithm="auto")
    _assert_same_fit(auto, lloyd, np.float64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("algorithm", ["hamerly", "yinyang"])
def test_dense_search_starts_at_once_and_keeps_lloyds_result(algorithm, dtype):
    # 32 features: Lloyd's dense layout, whose kernel searches the rows the
    # bounds leave open (all centers at once); the first pass searches every
    # row that way (no Lloyd pass, no wait under auto), the next ones prune
    X = make_blobs(4000, 32, 40, seed=4, dtype=dtype)[0]
    init = _init(X, 40)
    step = _accelerated.BoundedStep(X, np.ones(4000), init.copy(), 1, algorithm)
    assert step.dense_search
    evaluations = np.asarray(_distance_evaluations(X, init, 8, algorithm, adaptive=False))
    every = X.shape[0] * 40
    assert evaluations[0] >= every
    assert np.all(evaluations[-3:] < every / 2)
    lloyd = fastkmeans.fit(X, 40, init=init, tol=0, max_iter=8)
    for variant in (algorithm, "auto"):
        result = fastkmeans.fit(X, 40, init=init, tol=0, max_iter=8, algorithm=variant)
        _assert_same_fit(result, lloyd, dtype, bitwise_centers=True)


@pytest.mark.parametrize("algorithm", ["hamerly", "yinyang"])
def test_bounds_on_parts_of_blocks_keep_lloyds_result(monkeypatch, algorithm):
    # the bounds label a block part by part (_lloyd.HOOK_PART_BYTES of rows):
    # parts of a few rows, and of none that divide a block evenly
    from fastkmeans import _lloyd
    X = make_blobs(5000, 40, 64, seed=5, dtype=np.float32)[0]
    init = _init(X, 64)
    lloyd = fastkmeans.fit(X, 64, init=init, tol=0, max_iter=25, n_threads=2)
    for part_bytes in (1, 7 * 40 * 4, 1 << 30):
        monkeypatch.setattr(_lloyd, "HOOK_PART_BYTES", part_bytes)
        result = fastkmeans.fit(X, 64, init=init, tol=0, max_iter=25, n_threads=2,
                                algorithm=algorithm)
        _assert_same_fit(result, lloyd, np.float32, bitwise_centers=True)
        # the first pass searches every row with the dense kernel, which also
        # gives the upper bounds: n k distances, none more
        np.testing.assert_array_equal(result.history.distance_evaluations[0], 5000 * 64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("data", ["blobs", "integers"])
def test_yinyang_searches_few_open_groups_together_and_keeps_lloyds_result(data, dtype):
    # 24 features, 200 clusters: Lloyd's dense layout and 6 Yinyang groups of
    # uneven sizes. A row whose bounds leave few groups open is searched in
    # those groups only, each group's rows together through a model of its
    # centers (core/bounds_impl.h, group_search); small integers put exact
    # ties between centers, which Lloyd breaks by the lowest index
    from fastkmeans._data import DenseData
    rng = np.random.default_rng(7)
    if data == "blobs":
        X = make_blobs(6000, 24, 200, seed=7, dtype=dtype)[0]
    else:
        X = rng.integers(0, 3, size=(6000, 24)).astype(dtype)
    weights = rng.uniform(0.5, 2.0, size=6000)
    init = _init(X, 200)
    assert center_groups(init, "yinyang").max() + 1 == 6
    lloyd = fastkmeans.fit(X, 200, init=init, sample_weight=weights, tol=0, max_iter=30)
    for n_threads in (1, 2):
        step = _accelerated.BoundedStep(X, weights, init.copy(), n_threads, "yinyang")
        result = run_lloyd(DenseData(X), step, 30, 0.0, n_threads)
        assert step.dense_search
        assert step.rows_searched_in_groups > 0
        _assert_same_fit(result, lloyd, dtype, bitwise_centers=True)


def test_yinyang_group_search_keeps_lloyds_result_on_random_shapes():
    # many shapes, three kinds of data, both dtypes: each run searches rows
    # group by group in some pass, and ends bitwise where Lloyd ends (a
    # lower bound from a group's second smallest value where the label is
    # not in that group fails here)
    from fastkmeans._data import DenseData
    searched = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        n, d = int(rng.integers(500, 3000)), int(rng.integers(17, 40))
        k = int(rng.integers(64, 260))
        dtype = (np.float32, np.float64)[seed % 2]
        if seed % 3 == 0:
            X = rng.integers(0, 3, size=(n, d)).astype(dtype)
        elif seed % 3 == 1:
            centers = rng.normal(size=(k // 3, d)) * 2
            X = (centers[rng.integers(0, len(centers), n)] + rng.normal(size=(n, d))).astype(dtype)
        else:
            X = rng.normal(size=(n, d)).astype(dtype)
        init = X[rng.choice(n, k, replace=False)].copy()
        lloyd = fastkmeans.fit(X, k, init=init, tol=0, max_iter=40)
        step = _accelerated.BoundedStep(X, np.ones(n), init.copy(), 1, "yinyang")
        result = run_lloyd(DenseData(X), step, 40, 0.0, 1)
        searched += step.rows_searched_in_groups
        assert result.n_iter == lloyd.n_iter, seed
        np.testing.assert_array_equal(result.labels, lloyd.labels, err_msg=str(seed))
        np.testing.assert_array_equal(result.centers, lloyd.centers, err_msg=str(seed))
    assert searched > 0


def test_tightening_pays_when_the_rows_it_settles_outweigh_its_reads():
    # TIGHTEN_COST distances per row tried against n_clusters per row settled
    cost = _accelerated.TIGHTEN_COST
    assert not _accelerated.tightening_pays(256 * 100, cost * 100, 256)
    assert _accelerated.tightening_pays(256 * 100, cost * 100 + 1, 256)
    assert not _accelerated.tightening_pays(1000, 0, 10_000)
    assert _accelerated.tightening_pays(0, 0, 256)  # nothing tried: keep trying


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("algorithm", ["hamerly", "yinyang"])
def test_dense_search_with_or_without_tightening_keeps_lloyds_result(monkeypatch, algorithm,
                                                                      dtype):
    # A row whose bounds fail is given its label's distance first (which may
    # settle it) only while that pays; otherwise it goes to the dense search
    # unread, its |x - m|^2 taken by the kernel. Always, never (but the
    # sampled rows) or as the rule says: Lloyd's labels, centers and
    # iterations, and the same work at any thread count.
    from fastkmeans._data import DenseData
    X = make_blobs(5000, 48, 60, seed=11, dtype=dtype)[0]
    weights = random_weights(5000, seed=11)
    init = _init(X, 60)
    lloyd = fastkmeans.fit(X, 60, init=init, sample_weight=weights, tol=0, max_iter=30)
    tightened = {}
    for rule, cost in (("always", -1), ("never", 1 << 60), ("measured", None)):
        if cost is not None:
            monkeypatch.setattr(_accelerated, "TIGHTEN_COST", cost)
        runs = []
        for n_threads in (1, 2):
            step = _accelerated.BoundedStep(X, weights, init.copy(), n_threads, algorithm)
            result = run_lloyd(DenseData(X), step, 30, 0.0, n_threads)
            assert step.dense_search
            _assert_same_fit(result, lloyd, dtype, bitwise_centers=True)
            runs.append((result.history.distance_evaluations, step.rows_tightened))
        np.testing.assert_array_equal(runs[0][0], runs[1][0])
        assert runs[0][1] == runs[1][1]
        tightened[rule] = runs[0][1]
        monkeypatch.undo()
    # never: the second pass tightens (the rule has no stats yet), then only
    # every 16th row; always: every row whose bounds fail, pass after pass
    assert 0 < tightened["never"] < tightened["always"] / 2
    assert tightened["never"] <= tightened["measured"] <= tightened["always"]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_row_norms_of_the_bounds_are_float64_and_thread_independent(dtype):
    # |x| for the bounds' error terms and the inertia from sums: squares
    # summed in float64 in C, blocks in parallel
    X = np.random.default_rng(3).normal(size=(5000, 37)).astype(dtype) * 1e3
    norms = _accelerated._row_norms(X, 1)
    np.testing.assert_array_equal(_accelerated._row_norms(X, 2), norms)
    exact = np.sqrt(np.einsum("ij,ij->i", X.astype(np.float64), X.astype(np.float64)))
    np.testing.assert_allclose(norms, exact, rtol=1e-14)


def test_yinyang_groups_hold_at_most_their_capped_share_of_the_centers():
    # centers bunched as after a first Lloyd step: a third of them in one
    # tight spot, where k-means on the centers makes one huge group
    from fastkmeans import _groups
    rng = np.random.default_rng(2)
    centers = np.vstack([rng.normal(size=(700, 16)) * 5, rng.normal(size=(324, 16)) * 0.01])
    group = center_groups(centers, "yinyang")
    sizes = np.bincount(group)
    assert sizes.sum() == 1024 and sizes.min() > 0
    assert sizes.max() <= np.ceil(_groups.GROUP_SHARE_CAP * 1024 / 32)
    np.testing.assert_array_equal(center_groups(centers, "yinyang"), group)


def test_nearest_with_room_is_the_argmin_unless_a_seed_is_full():
    from fastkmeans._groups import _nearest_with_room
    rng = np.random.default_rng(5)
    sq = rng.uniform(size=(200, 7))
    np.testing.assert_array_equal(_nearest_with_room(sq, 200), np.argmin(sq, axis=1))
    sq[:120, 3] = 0.0  # 120 centers want seed 3 first
    group = _nearest_with_room(sq, 40)
    counts = np.bincount(group, minlength=7)
    assert group.min() >= 0 and counts.max() <= 40
    assert counts[3] == 40
    # every seed a center prefers to its own is full
    for center in range(200):
        preferred = sq[center] < sq[center, group[center]]
        assert np.all(counts[preferred] == 40), center


def test_elkan_keeps_its_own_search():
    X = make_blobs(2000, 32, 20, seed=4)[0]
    step = _accelerated.BoundedStep(X, np.ones(2000), _init(X, 20), 1, "elkan")
    assert not step.dense_search


@pytest.mark.parametrize("algorithm", ["elkan", "yinyang"])
def test_variants_refuse_bounds_over_the_budget(monkeypatch, algorithm):
    monkeypatch.setattr(_accelerated, "BOUNDS_MEMORY_BUDGET", 1 << 10)
    X, _ = make_blobs(500, 2, 5, seed=1)
    with pytest.raises(ValueError, match=rf"algorithm='{algorithm}' needs .* MiB .* budget"):
        fastkmeans.fit(X, 10, algorithm=algorithm)
    with pytest.raises(ValueError, match=f"algorithm='{algorithm}'"):
        _accelerated.BoundedStep(X, np.ones(500), X[:10].copy(), 1, algorithm)


def test_auto_steps_down_to_fewer_bounds_when_the_budget_is_short(monkeypatch):
    n_samples, n_features, n_clusters = 100_000, 8, 1000
    x_bytes = n_samples * 2 * 8  # small beside the bounds
    assert resolve_algorithm("auto", n_samples, n_features, n_clusters, x_bytes) == "yinyang"
    # Yinyang's 31 groups need 8 * 100,000 * 33 bytes; Hamerly's one group 8 * 100,000 * 3
    monkeypatch.setattr(_accelerated, "BOUNDS_MEMORY_BUDGET", 8 * n_samples * 10)
    assert resolve_algorithm("auto", n_samples, n_features, n_clusters, x_bytes) == "hamerly"
    monkeypatch.setattr(_accelerated, "BOUNDS_MEMORY_BUDGET", 0)
    assert resolve_algorithm("auto", n_samples, n_features, n_clusters, x_bytes) == "lloyd"


@pytest.mark.parametrize("algorithm, error", [("fast", ValueError), ("Elkan", ValueError),
                                              (None, TypeError), (3, TypeError)])
def test_invalid_algorithm_is_named(algorithm, error):
    with pytest.raises(error, match="algorithm"):
        fastkmeans.fit(np.zeros((10, 2)), 2, algorithm=algorithm)
