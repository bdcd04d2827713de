"""Dask arrays: the data twin whose row blocks live in a Dask scheduler.

:class:`DaskData` has the methods of ``DenseData`` (``_data.py``); behind
each one, one task per row block runs our kernels on that block and the
blocks' small results are added in a fixed tree order on the client side of
the graph, so every result is bitwise the same for any number of workers or
threads (for the same chunking). :class:`DaskLloydStep` is the run loop's
step (``_run.py``): one Lloyd iteration is one ``lloyd_iteration`` task per
block, returning the block's new labels and one packed float64 array
``[sums (k*d), weights (k), inertia, n_changed]``, plus the tree of
additions. The labels are persisted where they were computed (on the
workers of a distributed cluster) and never gathered between iterations.

The graph shape: every pass builds ``dask.delayed`` tasks over
``X.to_delayed()`` and hands them to ``dask.persist``, which runs them on
whatever scheduler is active (the threaded one, or a ``distributed``
client); on a cluster the summed array is then gathered from its future,
without submitting a second graph. Why not ``map_blocks`` and a reduction:
a block's task has two outputs (labels to keep, sums to reduce), which
blockwise arrays cannot express without running the block twice. Why not
``client.map`` on futures: it costs the same one scheduler round trip per
iteration, and would need a second code path for the threaded scheduler.
Measured (``benchmarks/scripts/dask_compare.py``, tiny data, a busy 2-core
machine): +2 ms per iteration on the threaded scheduler and +19 ms on a
2-process LocalCluster (a bare ``client.submit`` round trip took 30 ms
there), against dask-ml's +15 ms and +72 ms.

Threads: each task runs its kernel on ``n_threads`` OpenMP threads, 1 by
default: Dask's own threads (the threaded scheduler's pool, a worker's
``nthreads``) are the parallelism, one block per thread, so the machine is
never oversubscribed. The kernels name their thread count explicitly, so a
worker's ``OMP_NUM_THREADS=1`` does not change it.

Dask is never imported by ``import fastkmeans``: only a Dask array can
reach this module's functions, and they import Dask when called.
"""
import dataclasses
import functools
import operator
import sys

import numpy as np

from ._assign import assign_labels, label_sq_distances
from ._assign import inertia as block_inertia
from ._common import scan_finite_and_magnitude
from ._distances import distances_to_centers
from ._kmeanspp import candidate_potentials, row_sq_distances, update_closest
from ._lloyd import lloyd_iteration, move_centers, update_sums


def is_dask_array(value) -> bool:
    """Whether ``value`` is a ``dask.array.Array`` (looked up by its type's
    module, so Dask is never imported)."""
    module = type(value).__module__
    return (module == "dask" or module.startswith("dask.")) and hasattr(value, "to_delayed")


def _delayed(function):
    """``dask.delayed(function, pure=False)``: every call a new task."""
    from dask import delayed

    return delayed(function, pure=False)


def _persist(*values):
    """Run ``values`` on the active scheduler; results stay where they were made."""
    import dask

    return dask.persist(*values)


def _compute(*values):
    """Run ``values`` on the active scheduler and bring the results here."""
    import dask

    return dask.compute(*values)


def _fetch(persisted):
    """The value of a persisted delayed object: on a distributed cluster only
    a wait and a gather (no new graph), else its in-process value."""
    if "distributed" in sys.modules:
        from distributed import futures_of

        futures = futures_of(persisted)
        if futures:
            return futures[0].result()
    return persisted.compute()


def _tree_sum(parts):
    """The sum of ``parts`` (delayed arrays or numbers) as a balanced tree of
    additions in a fixed order: ``((p0 + p1) + (p2 + p3)) + ...``."""
    add = _delayed(operator.add)
    while len(parts) > 1:
        paired = [add(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
        parts = paired + parts[len(parts) - len(parts) % 2:]
    return parts[0]


# ----- the tasks: plain functions of NumPy blocks, run on the workers -----

def _kernel_ready(value):
    """A NumPy argument C-ordered and aligned, as the kernels read it: arrays
    sent between worker processes may arrive at any byte address (UBSan found
    misaligned loads); a copy only then, or for a block of a Fortran array."""
    if isinstance(value, np.ndarray):
        return np.require(value, requirements=("C", "A"))
    return value


def _block_task(function):
    """``function(x, ...)`` with the block ``x`` and every array argument
    C-ordered and aligned (see :func:`_kernel_ready`)."""
    @functools.wraps(function)
    def task(x, *args):
        return function(_kernel_ready(x), *map(_kernel_ready, args))
    return task


def _block_weights(x, weights):
    """The block's sample weights (``None`` stands for all ones)."""
    return np.ones(x.shape[0]) if weights is None else weights


@_block_task
def _scan_block(x, n_threads):
    """``(first non-finite flat index or -1, max |x|)`` of one block."""
    return scan_finite_and_magnitude(x, n_threads)


@_block_task
def _moments_block(x):
    """``(rows, mean, sum of squared deviations)`` per feature, float64."""
    mean = x.mean(axis=0, dtype=np.float64)
    diff = x - mean
    return x.shape[0], mean, np.einsum("ij,ij->j", diff, diff)


@_block_task
def _lloyd_block(x, labels, weights, centers, n_threads):
    """One fused Lloyd pass over a block: ``(new labels, packed sums)``.

    ``labels`` (the previous iteration's, ``None`` at the start) is copied,
    never written: a block recomputed after a lost worker gives the same result.
    """
    n_clusters, n_features = centers.shape
    new_labels = np.full(x.shape[0], -1, np.int32) if labels is None else labels.copy()
    packed = np.empty(n_clusters * n_features + n_clusters + 2)
    sums = packed[:n_clusters * n_features].reshape(n_clusters, n_features)
    cluster_weights = packed[n_clusters * n_features:-2]
    inertia, n_changed = lloyd_iteration(x, _block_weights(x, weights), centers, new_labels,
                                         sums, cluster_weights, n_threads)
    packed[-2:] = inertia, n_changed
    return new_labels, packed


@_block_task
def _assign_block(x, centers, n_threads):
    """Labels of a block's rows (nearest center)."""
    labels = np.empty(x.shape[0], np.int32)
    assign_labels(x, centers, labels, np.empty(x.shape[0], x.dtype), n_threads)
    return labels


@_block_task
def _sq_distances_block(x, centers, n_threads):
    """Squared distance of a block's rows to their nearest center (dtype of x)."""
    sq_dist = np.empty(x.shape[0], x.dtype)
    assign_labels(x, centers, np.empty(x.shape[0], np.int32), sq_dist, n_threads)
    return sq_dist


@_block_task
def _inertia_block(x, weights, labels, centers, n_threads):
    """The block's weighted sum of squared distances to its labelled centers."""
    return block_inertia(x, _block_weights(x, weights), centers, labels, n_threads)


@_block_task
def _label_sums_block(x, labels, weights, n_clusters, n_threads):
    """The block's per-label weighted sums and weights, packed ``[sums (k*d), weights (k)]``."""
    sums = np.empty((n_clusters, x.shape[1]))
    totals = np.empty(n_clusters)
    update_sums(x, _block_weights(x, weights), labels, sums, totals, n_threads)
    return np.concatenate([sums.ravel(), totals])


@_block_task
def _label_sq_block(x, labels, centers, n_threads):
    """``|x - centers[label]|^2`` of the block's rows, float64."""
    out = np.empty(x.shape[0])
    label_sq_distances(x, centers, labels, out, n_threads)
    return out


@_block_task
def _distances_block(x, centers, n_threads):
    """Euclidean distances of the block's rows to every center."""
    out = np.empty((x.shape[0], centers.shape[0]), x.dtype)
    distances_to_centers(x, centers, out, n_threads)
    return out


@_block_task
def _closest_block(x, closest, weights, new_centers, n_threads):
    """k-means||: ``min(closest, |x - c|^2 over new_centers)`` and its weighted sum."""
    sq_dist = _sq_distances_block(x, new_centers, n_threads).astype(np.float64)
    if closest is not None:
        np.minimum(sq_dist, closest, out=sq_dist)
    return sq_dist, float(np.dot(_block_weights(x, weights), sq_dist))


@_block_task
def _sample_block(x, closest, weights, factor, seed):
    """k-means||: the rows kept with probability ``min(1, factor * w * closest)``,
    drawn from a generator of the block's own (so independent of the workers)."""
    uniform = np.random.default_rng(seed).uniform(size=x.shape[0])
    keep = uniform < factor * _block_weights(x, weights) * closest
    return np.array(x[keep])


@_block_task
def _count_block(x, weights, candidates, n_threads):
    """k-means||: total weight of the block's rows nearest to each candidate."""
    labels = _assign_block(x, candidates, n_threads)
    return np.bincount(labels, weights=_block_weights(x, weights),
                       minlength=candidates.shape[0])


@_block_task
def _update_closest_block(x, weights, closest, center, n_threads):
    """k-means++: ``(closest, w * closest)`` after choosing ``center``."""
    closest, weighted = closest.copy(), np.empty(x.shape[0])
    update_closest(x, _block_weights(x, weights), center, closest, weighted, n_threads)
    return closest, weighted


@_block_task
def _potentials_block(x, weights, x_sq, closest, candidates, offset, n_threads):
    """k-means++: the block's share of every candidate's potential."""
    out = np.empty(candidates.shape[0])
    candidate_potentials(x, _block_weights(x, weights), x_sq, closest, candidates, offset,
                         out, n_threads)
    return out


@_block_task
def _x_sq_block(x, offset, n_threads):
    """k-means++: ``|x - offset|^2`` of the block's rows."""
    out = np.empty(x.shape[0])
    row_sq_distances(x, offset, out, n_threads)
    return out


# ----- the data twin -----

@dataclasses.dataclass(frozen=True)
class DaskData:
    """A validated Dask array: row blocks of float32 or float64, one column block.

    Attributes
    ----------
    array : dask.array.Array of shape (n_samples, n_features)
        The values, lazily cast to the computing dtype; never copied here.
    n_threads : int
        OpenMP threads of each block task (see the module's note).
    """

    array: object
    n_threads: int = 1

    @property
    def shape(self) -> tuple:
        """``(n_samples, n_features)``."""
        return tuple(int(n) for n in self.array.shape)

    @property
    def dtype(self) -> np.dtype:
        """float32 or float64."""
        return np.dtype(self.array.dtype)

    @property
    def nbytes(self) -> int:
        """Bytes of the values."""
        return int(self.array.nbytes)

    @functools.cached_property
    def blocks(self) -> list:
        """One delayed NumPy array per row block, in row order."""
        return list(self.array.to_delayed()[:, 0])

    @functools.cached_property
    def row_starts(self) -> np.ndarray:
        """First row of every block, and ``n_samples`` last."""
        return np.concatenate([[0], np.cumsum(self.array.chunks[0])]).astype(np.intp)

    def _map(self, function, *per_block, shared=()):
        """``function(block, *per_block[i], *shared)`` for every block ``i``, as delayed."""
        task = _delayed(function)
        return [task(block, *(values[i] for values in per_block), *shared)
                for i, block in enumerate(self.blocks)]

    def weight_blocks(self, sample_weight) -> list:
        """``sample_weight`` split by blocks and sent out once (``None`` for all ones)."""
        if np.all(sample_weight == 1.0):
            return [None] * len(self.blocks)
        starts = self.row_starts
        return list(_persist(*(
            _delayed(np.array)(sample_weight[starts[i]:starts[i + 1]])
            for i in range(len(self.blocks)))))

    def scan(self, name: str = "X") -> float:
        """Largest magnitude; raises naming the block's rows at the first NaN or infinity."""
        results = _compute(self._map(_scan_block, shared=(self.n_threads,)))[0]
        n_features = self.shape[1]
        for i, (first_bad, _) in enumerate(results):
            if first_bad >= 0:
                start, end = self.row_starts[i], self.row_starts[i + 1]
                row, column = divmod(int(first_bad), n_features)
                raise ValueError(
                    f"{name} contains a NaN or infinity in its row block {i} (rows "
                    f"{start} to {end - 1}), at row {start + row}, column {column}: "
                    "k-means needs finite values (remove or impute NaN and infinity)")
        return max(max_abs for _, max_abs in results)

    def for_user(self):
        """What a user callable (``init``) is shown: the Dask array."""
        return self.array

    def dense_rows(self, rows, dtype=None) -> np.ndarray:
        """Rows ``rows`` as a NumPy array (only those rows are brought here)."""
        rows = np.asarray(rows, dtype=np.intp).reshape(-1)
        picked = np.asarray(self.array[rows].compute()) if rows.size else np.empty(
            (0, self.shape[1]), self.dtype)
        return np.ascontiguousarray(picked, dtype=dtype or self.dtype)

    def take_rows(self, rows):
        """Rows ``rows`` brought into memory, as ``DenseData``."""
        from ._data import DenseData, read_only

        return DenseData(read_only(self.dense_rows(rows)))

    def astype(self, dtype) -> "DaskData":
        """The data with values of ``dtype`` (lazily cast; itself if they already are)."""
        if self.dtype == dtype:
            return self
        return DaskData(self.array.astype(dtype), self.n_threads)

    def mean_feature_variance(self) -> float:
        """``mean(var(X, axis=0))`` in float64: blocks' moments merged in row order."""
        moments = _compute(self._map(_moments_block))[0]
        count, mean, squares = moments[0]
        for n, block_mean, block_squares in moments[1:]:
            delta = block_mean - mean
            total = count + n
            squares = squares + block_squares + delta * delta * (count * n / total)
            mean = mean + delta * (n / total)
            count = total
        return float(squares.mean() / count)

    def assign(self, centers, labels, n_threads: int) -> None:
        """Label every row with its nearest center, into ``labels`` (a
        :class:`BlockLabels`, its blocks replaced by persisted new ones)."""
        labels.blocks = list(_persist(*self._map(_assign_block,
                                                 shared=(centers.copy(), self.n_threads))))

    def predict(self, centers, return_distances: bool = False):
        """Nearest centers as a lazy Dask array with X's row chunks (and, if asked,
        the squared distances to them)."""
        # meta: Dask would otherwise call the kernels on an empty block to learn the output
        labels = self.array.map_blocks(_assign_block, centers, self.n_threads, drop_axis=1,
                                       meta=np.empty(0, np.int32))
        if not return_distances:
            return labels
        return labels, self.array.map_blocks(_sq_distances_block, centers, self.n_threads,
                                             drop_axis=1, meta=np.empty(0, self.dtype))

    def inertia(self, centers, labels, sample_weight, n_threads: int) -> float:
        """``sum(w * |x - centers[label]|^2)``, exact, float64, summed in a fixed tree."""
        parts = self._map(_inertia_block, self.weight_blocks(sample_weight), labels.blocks,
                          shared=(centers.copy(), self.n_threads))
        return float(_compute(_tree_sum(parts))[0])

    def _label_blocks(self, labels) -> list:
        """``labels`` by row block: a fit's :class:`BlockLabels` as they are, or
        an int32 NumPy array (e.g. a metric's label codes) split and sent out."""
        if isinstance(labels, BlockLabels):
            return labels.blocks
        starts = self.row_starts
        return [np.ascontiguousarray(labels[starts[i]:starts[i + 1]], dtype=np.int32)
                for i in range(len(self.blocks))]

    def label_sums(self, labels, sample_weight, n_clusters: int, n_threads: int) -> tuple:
        """Weighted sum (float64, ``n_clusters x n_features``) and total weight of
        the rows of every cluster of ``labels``: one task per block, the packed
        sums added in a fixed tree (bitwise the same for any number of workers)."""
        parts = self._map(_label_sums_block, self._label_blocks(labels),
                          self.weight_blocks(sample_weight),
                          shared=(int(n_clusters), self.n_threads))
        packed = _compute(_tree_sum(parts))[0]
        split = n_clusters * self.shape[1]
        return packed[:split].reshape(n_clusters, self.shape[1]), packed[split:]

    def label_sq_distances(self, centers, labels, n_threads: int) -> np.ndarray:
        """``|x - centers[label]|^2`` of every row, float64, brought here (8 bytes
        a row: to re-seed an empty cluster, and for the clustering criteria)."""
        parts = self._map(_label_sq_block, self._label_blocks(labels),
                          shared=(centers.copy(), self.n_threads))
        return np.concatenate(_compute(parts)[0])

    def center_distances(self, centers, n_threads: int):
        """Euclidean distance of every row to every center: a lazy Dask array."""
        return self.array.map_blocks(_distances_block, centers, self.n_threads,
                                     meta=np.empty((0, 0), self.dtype),
                                     chunks=(self.array.chunks[0], (centers.shape[0],)))

    def seeding(self, sample_weight, n_local_trials: int, n_threads: int):
        """The kernels of one exact k-means++ run (one pass over X per center)."""
        return _DaskSeeding(self, sample_weight)

    def oversampling(self, sample_weight, n_threads: int):
        """The passes of one k-means|| run (``_init.kmeans_parallel``)."""
        return _DaskOversampling(self, sample_weight)

    def lloyd_algorithm(self, algorithm: str, n_clusters: int) -> str:
        """``'lloyd'`` (``'auto'`` too); the bounded variants are refused."""
        if algorithm in ("lloyd", "auto"):
            return "lloyd"
        raise ValueError(
            f"algorithm={algorithm!r} is not supported for a Dask array X: its bounds "
            "would be n_samples-long state carried between iterations; use "
            "algorithm='lloyd' (or 'auto')")

    def lloyd_step(self, sample_weight, centers, algorithm: str, n_threads: int):
        """The run loop's step: :class:`DaskLloydStep`."""
        return DaskLloydStep(self, sample_weight, centers)


class BlockLabels:
    """The labels of a Dask fit, one persisted block per row block of X.

    The run loop only passes them between data methods; indexing one row
    brings that block here (empty-cluster relocation).
    """

    def __init__(self, data: DaskData):
        self.data = data
        self.blocks = [None] * len(data.blocks)

    def __len__(self) -> int:
        return self.data.shape[0]

    def __getitem__(self, row):
        block = int(np.searchsorted(self.data.row_starts, row, side="right")) - 1
        values = _compute(self.blocks[block])[0]
        return values[row - self.data.row_starts[block]]

    def to_dask_array(self):
        """The labels as a Dask array with X's row chunks (nothing computed)."""
        import dask.array as da

        return da.concatenate([
            da.from_delayed(block, shape=(n,), dtype=np.int32)
            for block, n in zip(self.blocks, self.data.array.chunks[0], strict=True)])


class DaskLloydStep:
    """Lloyd's step on a Dask array: one task per block and a fixed tree of sums.

    Per iteration the centers go out once (one task every block depends on),
    each block's new labels stay where they were computed, and one packed
    array of ``k * d + k + 2`` float64 values comes back.
    """

    def __init__(self, data: DaskData, sample_weight, centers):
        n_clusters, n_features = centers.shape
        self.data, self.sample_weight, self.centers = data, sample_weight, centers
        self.labels = BlockLabels(data)
        self.weight_blocks = data.weight_blocks(sample_weight)
        self.sums = np.empty((n_clusters, n_features))
        self.weights = np.empty(n_clusters)
        self.distance_evaluations = data.shape[0] * n_clusters

    def assign_and_sum(self):
        """Labels for the current centers and the clusters' sums and weights;
        ``(inertia, n_changed, distance_evaluations, any_empty)``."""
        n_values = self.sums.size
        # one task holding a copy: the centers move in place, a block recomputed
        # later must see these
        centers = _delayed(np.array)(self.centers.copy())
        results = [
            _delayed(_lloyd_block)(block, labels, weights, centers, self.data.n_threads)
            for block, labels, weights in zip(self.data.blocks, self.labels.blocks,
                                              self.weight_blocks, strict=True)]
        getitem = _delayed(operator.getitem)
        labels = [getitem(result, 0) for result in results]
        total = _tree_sum([getitem(result, 1) for result in results])
        *self.labels.blocks, total = _persist(*labels, total)
        packed = _fetch(total)
        self.sums[...] = packed[:n_values].reshape(self.sums.shape)
        self.weights[...] = packed[n_values:-2]
        inertia, n_changed = packed[-2], int(packed[-1])
        return inertia, n_changed, self.distance_evaluations, not self.weights.all()

    def move_centers(self) -> float:
        """Centers to their clusters' means, in place; the total squared shift."""
        return move_centers(self.sums, self.weights, self.centers)


class _DaskSeeding:
    """Exact greedy k-means++ on a Dask array: the per-point distances stay
    on the client (8 bytes a row) and every chosen center costs one pass over
    X, every set of candidates another. Slow for large ``k``: use k-means||."""

    def __init__(self, data: DaskData, sample_weight):
        self.data = data
        self.weights = data.weight_blocks(sample_weight)
        self.offset = np.asarray(data.array.mean(axis=0, dtype=np.float64).compute()).astype(
            data.dtype)
        self.x_sq = np.concatenate(_compute(data._map(
            _x_sq_block, shared=(self.offset, data.n_threads)))[0])

    def _split(self, values):
        starts = self.data.row_starts
        return [values[starts[i]:starts[i + 1]] for i in range(len(starts) - 1)]

    def update_closest(self, center, closest_sq, weighted_sq) -> None:
        """``closest_sq = min(closest_sq, |x - center|^2)``; ``weighted_sq = w * closest_sq``."""
        parts = _compute(self.data._map(_update_closest_block, self.weights,
                                        self._split(closest_sq),
                                        shared=(center.copy(), self.data.n_threads)))[0]
        closest_sq[...] = np.concatenate([closest for closest, _ in parts])
        weighted_sq[...] = np.concatenate([weighted for _, weighted in parts])

    def potentials(self, candidates, closest_sq, out) -> None:
        """``out[j] = sum(w * min(closest_sq, |x - candidates[j]|^2))``."""
        parts = self.data._map(_potentials_block, self.weights, self._split(self.x_sq),
                               self._split(closest_sq),
                               shared=(candidates, self.offset, self.data.n_threads))
        out[...] = _compute(_tree_sum(parts))[0]


class _DaskOversampling:
    """The passes of k-means|| over a Dask array; every point's distance to
    its closest candidate stays, persisted, beside its block."""

    def __init__(self, data: DaskData, sample_weight):
        self.data = data
        self.weights = data.weight_blocks(sample_weight)
        self.closest = [None] * len(data.blocks)

    def update(self, new_candidates) -> float:
        """Distances to the closest candidate, ``new_candidates`` added; the
        potential ``sum(w * closest)``."""
        results = self.data._map(_closest_block, self.closest, self.weights,
                                 shared=(new_candidates, self.data.n_threads))
        getitem = _delayed(operator.getitem)
        closest = [getitem(result, 0) for result in results]
        *self.closest, potential = _persist(
            *closest, _tree_sum([getitem(result, 1) for result in results]))
        return float(_fetch(potential))

    def sample(self, factor: float, seed: int) -> np.ndarray:
        """Rows kept with probability ``min(1, factor * w * closest)``, in row order;
        block ``i`` draws from ``default_rng([seed, i])``."""
        parts = [
            _delayed(_sample_block)(block, closest, weights, factor, [seed, i])
            for i, (block, closest, weights) in enumerate(zip(
                self.data.blocks, self.closest, self.weights, strict=True))]
        return np.concatenate(_compute(parts)[0])

    def count(self, candidates) -> np.ndarray:
        """Total weight of the points nearest to each candidate."""
        parts = self.data._map(_count_block, self.weights,
                               shared=(candidates, self.data.n_threads))
        return _compute(_tree_sum(parts))[0]


def check_dask_data(X, n_threads, name: str = "X"):
    """Validate a Dask array: ``(DaskData, max_abs)``.

    Columns are rechunked into one block (a lazy step of the graph, no copy
    here); integers and booleans become float64, float32 stays; one pass
    checks that every value is finite, naming the block of the first bad one.
    ``n_threads`` is the OpenMP threads of each block task (``None``: 1).
    """
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_features), "
            f"got a {X.ndim}-D Dask array of shape {X.shape}")
    if any(np.isnan(n) for n in X.shape):
        raise ValueError(
            f"{name} is a Dask array of unknown shape {X.shape}: call "
            f"{name}.compute_chunk_sizes() first")
    if 0 in X.shape:
        raise ValueError(
            f"{name} must hold at least one sample and one feature, got shape {X.shape}")
    kind = np.dtype(X.dtype).kind
    if kind not in "biuf":
        raise TypeError(
            f"{name} has dtype {X.dtype}: expected real numbers "
            "(float32, float64, integers or booleans)")
    dtype = np.float32 if kind == "f" and np.dtype(X.dtype).itemsize <= 4 else np.float64
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})
    if 0 in X.chunks[0]:  # the kernels take at least one row
        X = X.rechunk({0: tuple(n for n in X.chunks[0] if n)})
    data = DaskData(X.astype(dtype), 1 if n_threads is None else n_threads)
    return data, data.scan(name)
