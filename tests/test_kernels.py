"""Each Cython kernel against its pure-NumPy reference in fastkmeans._reference."""
import numpy as np
import pytest
from helpers import clear_of_ties, make_blobs, random_weights

from fastkmeans import _reference as ref
from fastkmeans._assign import assign_labels, inertia, label_sq_distances
from fastkmeans._kmeanspp import candidate_potentials, row_sq_distances, update_closest
from fastkmeans._lloyd import lloyd_iteration, update_sums
from fastkmeans._run import run_lloyd
from fastkmeans._validation import check_data

RTOL = {np.float32: 2e-5, np.float64: 1e-12}


def _problem(dtype, n_samples=3000, n_features=7, n_clusters=13, seed=0):
    X, _ = make_blobs(n_samples, n_features, n_clusters, cluster_std=3.0, seed=seed,
                      dtype=dtype)
    centers = X[np.random.default_rng(seed + 1).choice(n_samples, n_clusters,
                                                       replace=False)].copy()
    return X, centers


def _weights(n_samples, weighted):
    return random_weights(n_samples) if weighted else np.ones(n_samples)


def test_assign_labels_matches_reference(dtype, n_threads):
    X, centers = _problem(dtype)
    labels = np.empty(X.shape[0], dtype=np.int32)
    min_sq = np.empty(X.shape[0], dtype=dtype)
    assign_labels(X, centers, labels, min_sq, n_threads)
    expected_labels, expected_sq = ref.assign_labels(X, centers)
    clear = clear_of_ties(X, centers)
    assert clear.mean() > 0.95
    np.testing.assert_array_equal(labels[clear], expected_labels[clear])
    np.testing.assert_allclose(min_sq, expected_sq, rtol=RTOL[dtype], atol=1e-6)


def test_label_sq_distances_matches_reference(dtype):
    X, centers = _problem(dtype)
    labels = np.random.default_rng(3).integers(0, centers.shape[0], X.shape[0]).astype(np.int32)
    out = np.empty(X.shape[0])
    label_sq_distances(X, centers, labels, out, 2)
    np.testing.assert_allclose(out, ref.label_sq_distances(X, centers, labels),
                               rtol=RTOL[dtype])


@pytest.mark.parametrize("weighted", [False, True])
def test_inertia_matches_reference(dtype, weighted):
    X, centers = _problem(dtype)
    w = _weights(X.shape[0], weighted)
    labels, _ = ref.assign_labels(X, centers)
    got = inertia(X, w, centers, labels, 2)
    assert isinstance(got, float)
    np.testing.assert_allclose(got, ref.inertia(X, w, centers, labels), rtol=RTOL[dtype])


@pytest.mark.parametrize("weighted", [False, True])
def test_update_sums_matches_reference(dtype, weighted):
    X, centers = _problem(dtype)
    w = _weights(X.shape[0], weighted)
    labels, _ = ref.assign_labels(X, centers)
    k, d = centers.shape
    sums, cluster_weights = np.empty((k, d)), np.empty(k)
    update_sums(X, w, labels, sums, cluster_weights, 2)
    expected_sums, expected_weights = ref.update_sums(X, w, labels, k)
    np.testing.assert_allclose(sums, expected_sums, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(cluster_weights, expected_weights, rtol=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_lloyd_iteration_matches_reference(dtype, weighted):
    X, centers = _problem(dtype)
    w = _weights(X.shape[0], weighted)
    k, d = centers.shape
    previous = np.random.default_rng(5).integers(0, k, X.shape[0]).astype(np.int32)
    labels = previous.copy()
    sums, cluster_weights = np.empty((k, d)), np.empty(k)
    got_inertia, n_changed = lloyd_iteration(X, w, centers, labels, sums,
                                             cluster_weights, 2)
    exp_labels, exp_sums, exp_weights, exp_inertia, exp_changed = ref.lloyd_iteration(
        X, w, centers, previous)
    np.testing.assert_array_equal(labels, exp_labels)  # data are clear of ties
    assert n_changed == exp_changed
    np.testing.assert_allclose(sums, exp_sums, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(cluster_weights, exp_weights, rtol=1e-12)
    np.testing.assert_allclose(got_inertia, exp_inertia, rtol=RTOL[dtype])


def test_lloyd_iteration_over_several_buffer_waves():
    # k x d large enough that the block buffers are reused in more than one
    # wave (8 MiB budget): the result must not notice.
    X, centers = _problem(np.float64, n_samples=20_000, n_features=16, n_clusters=1000)
    w = random_weights(X.shape[0])
    k, d = centers.shape
    labels = np.full(X.shape[0], -1, dtype=np.int32)
    sums, cluster_weights = np.empty((k, d)), np.empty(k)
    got_inertia, n_changed = lloyd_iteration(X, w, centers, labels, sums,
                                             cluster_weights, 2)
    exp_labels, _, _, exp_inertia, _ = ref.lloyd_iteration(
        X, w, centers, np.full(X.shape[0], -1))
    clear = clear_of_ties(X, centers)
    np.testing.assert_array_equal(labels[clear], exp_labels[clear])
    assert n_changed == X.shape[0]
    # the sums of the points as the kernel labelled them, whatever the ties
    exp_sums, exp_weights = ref.update_sums(X, w, labels, k)
    np.testing.assert_allclose(sums, exp_sums, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(cluster_weights, exp_weights, rtol=1e-12)
    np.testing.assert_allclose(got_inertia, exp_inertia, rtol=1e-12)


def test_kmeanspp_kernels_match_brute_force(dtype):
    X, centers = _problem(dtype, n_samples=2000)
    w = random_weights(X.shape[0])
    closest = np.full(X.shape[0], np.inf)
    weighted = np.empty(X.shape[0])
    update_closest(X, w, centers[0], closest, weighted, 2)
    update_closest(X, w, centers[1], closest, weighted, 2)
    distances = ref.squared_distances(X.astype(np.float64), centers[:2].astype(np.float64))
    expected_closest = distances.min(axis=1)
    np.testing.assert_allclose(closest, expected_closest, rtol=RTOL[dtype], atol=1e-9)
    np.testing.assert_allclose(weighted, w * closest, rtol=1e-15)

    candidates = centers[2:6]
    potentials = np.empty(candidates.shape[0])
    offset = X.mean(axis=0).astype(dtype)
    x_sq = np.empty(X.shape[0])
    row_sq_distances(X, offset, x_sq, 2)
    np.testing.assert_allclose(x_sq, ((X.astype(np.float64) - offset) ** 2).sum(axis=1),
                               rtol=RTOL[dtype])
    candidate_potentials(X, w, x_sq, closest, candidates, offset, potentials, 2)
    to_candidates = ref.squared_distances(X.astype(np.float64), candidates.astype(np.float64))
    expected = (w[:, None] * np.minimum(closest[:, None], to_candidates)).sum(axis=0)
    np.testing.assert_allclose(potentials, expected, rtol=RTOL[dtype])


def _run_with_hook(X, centers, hook):
    """The run loop with ``hook(history)`` as its per-iteration callback:
    ``((n_iter, converged), history)``."""
    data, _ = check_data(X, 2)
    step = data.lloyd_step(np.ones(X.shape[0]), centers, "lloyd", 2)
    seen = []

    def on_iteration(history):
        seen[:] = history
        return hook(history)

    result = run_lloyd(data, step, 50, 0.0, 2, on_iteration=on_iteration)
    return (result.n_iter, result.converged), seen


def test_run_loop_hook_sees_each_iteration_and_can_stop():
    X, centers = _problem(np.float64)
    seen = []
    full, full_history = _run_with_hook(X, centers.copy(),
                                        lambda history: seen.append(len(history)))
    assert full[0] > 3 and full[1]
    assert seen == list(range(1, full[0] + 1))

    stopped, history = _run_with_hook(X, centers.copy(), lambda history: len(history) == 2)
    assert stopped == (2, False)
    assert [h[:2] for h in history] == [h[:2] for h in full_history[:2]]


# --- the sparse step and kernels --------------------------------------------------
# The sparse Lloyd step (fastkmeans._data.SparseLloydStep) and its kernels by
# their private names; the public behaviour is tested on every container in
# test_fit.py.

def _private_sparse_problem(n_samples, seed):
    sparse = pytest.importorskip("scipy.sparse")
    from fastkmeans._validation import check_sparse_data

    dense, _ = make_blobs(n_samples, 30, 5, cluster_std=2.0, seed=seed, zero_below=6.0)
    return check_sparse_data(sparse.csr_matrix(dense), 2)[0], dense


def test_sparse_cluster_sums_equal_the_reference():
    data, dense = _private_sparse_problem(600, seed=13)
    w = random_weights(dense.shape[0])
    centers = dense[:5].copy()
    start = centers.copy()
    step = data.lloyd_step(w, centers, "lloyd", 2)
    step.assign_and_sum()
    expected_labels, _ = ref.assign_labels(dense, start)
    np.testing.assert_array_equal(step.labels, expected_labels)
    sums, weights = ref.update_sums(dense, w, step.labels, 5)
    np.testing.assert_allclose(step.sums, sums, rtol=1e-12)
    np.testing.assert_allclose(step.weights, weights, rtol=1e-12)


def test_sparse_run_hook_stops_the_run_after_the_history_is_appended():
    data, dense = _private_sparse_problem(600, seed=12)
    lengths, seen = [], []

    def hook(history):
        lengths.append(len(history))
        seen[:] = history
        return len(history) == 2

    step = data.lloyd_step(np.ones(dense.shape[0]), dense[:5].copy(), "lloyd", 1)
    result = run_lloyd(data, step, 100, 0.0, 1, on_iteration=hook)
    assert (result.n_iter, result.converged) == (2, False)
    assert lengths == [1, 2]
    assert all(len(entry) == 4 and entry[3] == dense.shape[0] * 5 for entry in seen)
    # stopped before convergence: the labels are those of the final centers
    np.testing.assert_array_equal(result.labels, ref.assign_labels(dense, result.centers)[0])


def test_sparse_kernels_refuse_scratch_too_small_or_misaligned_centers():
    from fastkmeans import _sparse

    data, dense = _private_sparse_problem(3000, seed=21)
    layout = data.lloyd_step(np.ones(3000), dense[:5].copy(), "lloyd", 1).layout
    layout.load(dense[:5].copy())
    labels = np.empty(3000, dtype=np.int32)
    arguments = (*data.arrays, np.ones(3000), layout.ct, layout.ct_sq, layout.rows, layout.sq,
                 labels, np.empty(0))
    assert layout.scratch.shape[0] == _sparse.n_blocks(3000) > 1
    with pytest.raises(ValueError, match="scratch must have shape"):
        _sparse.assign_pass(*arguments, layout.scratch[:1], 1)
    misaligned = np.zeros(layout.ct.size + 1)[1:].reshape(layout.ct.shape)
    with pytest.raises(ValueError, match="aligned"):
        _sparse.assign_pass(*arguments[:4], misaligned, *arguments[5:], layout.scratch, 1)
