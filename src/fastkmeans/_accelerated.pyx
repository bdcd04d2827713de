# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False
"""Exact accelerated k-means: Hamerly, Elkan and Yinyang bounds.

All three are one step (``BoundedStep``, run by ``_run.py``) around one C kernel
(``core/bounds.c``), configured by how the centers are grouped: every point
keeps an upper bound on the distance to its center and a lower bound on the
distance to every other center of each group.

========  ==========================  ===============================
variant   groups of centers           bounds and row norms (float64)
========  ==========================  ===============================
hamerly   one (all centers)           ``24 * n_samples`` bytes
yinyang   ``max(1, k // 32)``, from   ``8 * n_samples * (groups + 2)``
          k-means on the initial      bytes
          centers
elkan     one per center, plus the    ``8 * n_samples * (k + 2)
          center-to-center test       + 16 * k * k`` bytes
========  ==========================  ===============================

The dense search: where Lloyd's model has the dense layout (not low-d),
Hamerly and Yinyang do not search a row their bounds leave open center by
center; they collect the block's open rows and search them with Lloyd's
dense kernel, all centers at once (``fk_nearest_two_rows``), which gives
Lloyd's label and the second nearest center: a bounded iteration that
skips nothing then costs about Lloyd's pass (the search center by center
cost 3-4x on 100,000 x 384, k = 1024; docs/accelerated.md). A Yinyang row
with few groups open is searched in those groups only, each group's rows
together through a model of that group's centers, whose values are the
whole model's bit for bit (``fk_group_models``, built for each pass). The
first bounded iteration searches every row over all centers, so the lower
bounds start from the second nearest center, not from the gaps between
centers.

Exactness: each iteration gives the labels Lloyd's kernel would give (see
``core/fastkmeans.h``: a point is skipped only when its bounds prove that Lloyd
cannot pick another center, and near-ties are labelled by Lloyd's kernel
itself). The centers are then computed exactly as in ``_lloyd.LloydStep``:
sums of the labelled points in fixed blocks (``_lloyd._pass``), the same
empty-cluster relocation (the run loop's) and the same update, so with
equal labels the centers, the stopping iteration and the result are Lloyd's,
for any thread count.
"""
from time import perf_counter

import numpy as np

from cython.parallel cimport prange
from libc.stdint cimport int32_t
from libc.math cimport INFINITY, fabs
from libc.stdlib cimport free, malloc
from libc.string cimport memset

from ._common cimport (
    BlockPlan, MAX_BLOCKS, block_end, block_start, bounded_rows, center_gaps, fk_bounds,
    fk_bounds_stats, fk_group_models, fk_model, floating, group_models_free,
    group_models_init, interrupted, model_free, model_init, plan_blocks, row_norms,
    start_bounds, useful_threads,
)
from ._lloyd cimport LloydStep, _has_empty_cluster, _pass
from ._assign import inertia as exact_inertia
from ._distances import distances_to_centers
from ._common import interruptible
from ._groups import center_groups

#: The accelerated variants this module runs.
ALGORITHMS = ("elkan", "hamerly", "yinyang")
#: ``auto`` keeps a ledger of what its bounded iterations cost beyond Lloyd's
#: pass (:func:`excess_after`: the seconds over the pass summed, less what
#: cheaper iterations saved, never below zero) and falls back to Lloyd's pass for
#: good once the ledger exceeds this share of a pass. Zero: the first
#: bounded iteration slower than Lloyd's pass; in
#: benchmarks/scripts/auto_vs_lloyd.py every bounded case whose second
#: iteration was slower had a slower third one too.
FALL_BACK_EXCESS = 0.0
#: ... or this share where the bounds search with the dense kernel (see
#: ``BoundedStep.dense_search``): there a bounded iteration that skips
#: nothing costs about Lloyd's pass at large k d (0.95-1.07x at 100,000 x
#: 384, k = 1024; 1.07-1.10x at 65,536 x 768, k = 256), so that a single
#: threshold on each iteration fires on this machine's noise about as often
#: as not, before the bounds prune (on embeddings from the fifth iteration;
#: benchmarks/scripts/bounds_on_embeddings.py). Half a pass: at 1.1x the
#: bounds have five iterations to start pruning, at 1.2x two, at 1.4x
#: (small k d, unclustered data: benchmarks/scripts/auto_vs_lloyd.py) one,
#: as under the rule before (two iterations in a row over 1.1x). Noise alone
#: is a tenth to a fifth of a pass per iteration here: on 2 threads Lloyd's
#: own passes of the sampled fit of benchmarks/scripts/embeddings_compare.py
#: at 1,000,000 x 384, k = 1024 (262,144 rows, all the same work) took
#: 1.10-1.19x its first one, so a third of a pass could go before the
#: bounds prune (from the fifth iteration there; they save some three
#: passes in that fit).
FALL_BACK_EXCESS_DENSE = 0.5
#: ``auto``, where the bounds search group by group (not ``dense_search``):
#: the step runs Lloyd's pass, and builds no bounds, until at
#: least START_PRUNABLE of some sampled rows would be skipped by Hamerly's
#: test if the centers moved as far again as in the last iteration. From a
#: random start even clustered data fails it for the first iterations (the
#: centers still travel), and bounds built then only cost
#: (benchmarks/scripts/auto_vs_lloyd.py). The rows: evenly spaced, at most
#: PRUNE_SAMPLE and one in PRUNE_EVERY (at least 32); checked after Lloyd
#: passes 1, 2, 4, 8, ... The check's distance kernel is some 25x slower per
#: distance than Lloyd's pass: this keeps it to a few percent of the run.
PRUNE_SAMPLE = 256
PRUNE_EVERY = 512
START_PRUNABLE = 0.9
#: ``auto`` with the dense search and at least this many features: one
#: Lloyd pass (timed), then the bounds, whatever the sampled rows say. With
#: fewer features the search's own work per row (the bounds, three exact
#: distances) is a larger share of a row's distances, and an iteration
#: that skips nothing cost 1.1-1.4x Lloyd's pass at d = 8 and 32
#: (benchmarks/scripts/auto_vs_lloyd.py, unclustered data): there auto
#: waits as above.
NO_WAIT_FEATURES = 64

#: With the dense search, a row whose bounds fail is first given its
#: label's distance (tightening), which may settle it, only while that pays
#: (:func:`tightening_pays`): while the rows it settles, each sparing the
#: search's k distances, make up for this many distances per row it is tried
#: on. Tightening reads the row from memory, which the dense kernel's
#: arithmetic would otherwise hide, and costs about 22 distances of that
#: kernel: `perf` samples of four iterations that skipped nothing (200,000 x
#: 768 embeddings, k = 256, one thread; tightening settled 0-3% of the rows
#: in them) put the bounds' own loop at 10.7% of the search's samples when
#: every row was tightened and at 2.0% when only the sampled rows were.
TIGHTEN_COST = 24

#: The bounds of a run may take at most this many bytes, or the size of X
#: if that is larger (see ``check_bound_memory``).
BOUNDS_MEMORY_BUDGET = 1 << 30

# Unit roundoff of float64, in which the bounds are kept.
cdef double EPS64 = 2.0 ** -53
# The history's inertia may be off by this much (relative) before it is
# computed from the distances instead of from the cluster sums.
cdef double INERTIA_RTOL = 1e-11


def bound_bytes(algorithm, n_samples, n_clusters):
    """Bytes of a variant's bounds, all float64: per point an upper bound, a
    norm and a lower bound per group of centers (one group for Hamerly,
    ``k // 32`` for Yinyang, one per center for Elkan), and Elkan's two
    k x k tables of center distances."""
    n_groups = {"hamerly": 1, "yinyang": max(1, n_clusters // 32), "elkan": n_clusters}
    tables = 2 * n_clusters * n_clusters if algorithm == "elkan" else 0
    return 8 * (n_samples * (n_groups[algorithm] + 2) + tables)


def bounds_fit_budget(algorithm, n_samples, n_clusters, x_bytes):
    """Whether the variant's bounds fit in ``max(BOUNDS_MEMORY_BUDGET, x_bytes)``."""
    return bound_bytes(algorithm, n_samples, n_clusters) <= max(BOUNDS_MEMORY_BUDGET, x_bytes)


def check_bound_memory(algorithm, n_samples, n_clusters, x_bytes):
    """Refuse a variant whose bounds would take more than the budget.

    The budget is ``max(BOUNDS_MEMORY_BUDGET, x_bytes)`` (1 GiB, or the size
    of X if larger). Only Elkan (n_samples x n_clusters bounds) and Yinyang
    with very many clusters come near it.

    Raises
    ------
    ValueError
        Naming the memory needed and the budget.
    """
    if not bounds_fit_budget(algorithm, n_samples, n_clusters, x_bytes):
        needed = bound_bytes(algorithm, n_samples, n_clusters)
        budget = max(BOUNDS_MEMORY_BUDGET, x_bytes)
        raise ValueError(
            f"algorithm={algorithm!r} needs {needed / 2**20:.0f} MiB for its bounds "
            f"({n_samples} samples, {n_clusters} clusters), more than the budget of "
            f"{budget / 2**20:.0f} MiB (1 GiB or the size of X, whichever is larger); "
            "use algorithm='hamerly', 'lloyd' or 'auto'")


cdef void _center_gaps(
    const double *centers_t,        # IN (n_features, n_clusters)
    Py_ssize_t n_clusters,
    Py_ssize_t n_features,
    double *center_dist,            # OUT (n_clusters, n_clusters), or NULL
    double *half_gap,               # OUT (n_clusters,)
    const int32_t *group_of,        # IN (n_clusters,), with group_gap
    Py_ssize_t n_groups,
    double *group_gap,              # OUT (n_clusters, n_groups), or NULL
    int n_threads,
) noexcept nogil:
    """Lower bounds on the distances between centers (+inf on the diagonal),
    on half the distance from each center to its nearest other one and, if
    group_gap is given, on the distance from each center to the other
    centers of each group (+inf where there are none)."""
    cdef Py_ssize_t i, j, g
    cdef double *row
    cdef double nearest
    cdef int threads = useful_threads(n_threads, n_clusters,
                                      <double>n_clusters * n_clusters * n_features)
    for i in prange(n_clusters, schedule="static", num_threads=threads,
                    use_threads_if=threads > 1):
        if interrupted():  # Ctrl-C: assign_and_sum's section raises
            continue
        row = center_dist + i * n_clusters if center_dist != NULL else \
            <double *>malloc(n_clusters * sizeof(double))
        nearest = INFINITY
        if row != NULL:
            center_gaps(centers_t, n_clusters, n_features, i, row)
            for j in range(n_clusters):
                if row[j] < nearest:
                    nearest = row[j]
        # out of memory: no bound (0), never a wrong one
        half_gap[i] = 0.5 * nearest if row != NULL else 0.0
        if group_gap != NULL:
            for g in range(n_groups):
                group_gap[i * n_groups + g] = INFINITY if row != NULL else 0.0
            if row != NULL:
                for j in range(n_clusters):
                    g = group_of[j]
                    if row[j] < group_gap[i * n_groups + g]:
                        group_gap[i * n_groups + g] = row[j]
        if center_dist == NULL:
            free(row)


cdef double _inertia_from_sums(
    const double *sums,             # IN (n_clusters, n_features)
    const double *weights,          # IN (n_clusters,)
    const floating *centers,        # IN (n_clusters, n_features)
    Py_ssize_t n_clusters,
    Py_ssize_t n_features,
    double weighted_sq_norms,       # sum of w |x|^2
    double *error,                  # OUT: bound on the rounding error
) noexcept nogil:
    """sum(w |x - c_label|^2) = sum(w |x|^2) + sum_c (W_c |c|^2 - 2 c . S_c):
    the iteration's inertia without another pass over X."""
    cdef Py_ssize_t j, f
    cdef double total = weighted_sq_norms, scale = weighted_sq_norms
    cdef double sq, dot, c
    for j in range(n_clusters):
        sq = 0.0
        dot = 0.0
        for f in range(n_features):
            c = centers[j * n_features + f]
            sq = sq + c * c
            dot = dot + c * sums[j * n_features + f]
        total = total + weights[j] * sq - 2.0 * dot
        scale = scale + weights[j] * sq + 2.0 * fabs(dot)
    error[0] = (4 * n_features + 16) * EPS64 * scale
    return total if total > 0 else 0.0


def _center_moves(old, new):
    """Upper bounds on how far each center moved (float64)."""
    n_features = old.shape[1]
    diff = np.asarray(new, dtype=np.float64) - np.asarray(old, dtype=np.float64)
    return np.sqrt(np.einsum("ij,ij->i", diff, diff)) * (1.0 + (2 * n_features + 16) * EPS64)


def excess_after(double excess, double seconds, double lloyd_seconds, double allowance):
    """``auto``'s ledger after a bounded iteration of ``seconds``, and whether
    it now exceeds ``allowance`` of Lloyd's pass (time to fall back): the
    ledger is ``excess`` (the seconds earlier bounded iterations cost beyond
    Lloyd's pass of ``lloyd_seconds``) plus this iteration's, which is
    negative where the bounds saved time; never below zero, so that savings
    do not pay for slow iterations to come (the bounds may stop paying)."""
    excess = max(0.0, excess + seconds - lloyd_seconds)
    return excess, excess > allowance * lloyd_seconds


def tightening_pays(Py_ssize_t tightened, Py_ssize_t settled, Py_ssize_t n_clusters):
    """Whether the next pass should tighten (``fk_bounds.tighten``), from
    this pass' ``tightened`` rows of which ``settled`` were settled by it:
    when the distances it spared, ``n_clusters`` a settled row, exceed
    TIGHTEN_COST per row tried. Without tries (every row settled by its
    bounds, or none left to test) it does."""
    return tightened == 0 or settled * n_clusters > TIGHTEN_COST * tightened


def sample_rows(X):
    """Evenly spaced rows of ``X`` for :func:`prunable_fraction`."""
    n_samples = X.shape[0]
    count = min(n_samples, max(32, min(PRUNE_SAMPLE, n_samples // PRUNE_EVERY)))
    return np.ascontiguousarray(X[np.linspace(0, n_samples - 1, count).astype(np.intp)])


def prunable_fraction(rows, centers, moves, int n_threads=1):
    """The fraction of ``rows`` that Hamerly's test would skip in the next
    iteration if every center moved as far as ``moves`` says again: the
    nearest center's distance grown by its move is below the second-nearest
    distance shrunk by the largest move. Costs ``len(rows) * k * d`` in the
    distance kernel of :func:`fastkmeans.center_distances`."""
    if centers.shape[0] < 2:
        return 1.0
    rows = np.ascontiguousarray(rows)
    distances = np.empty((rows.shape[0], centers.shape[0]), dtype=rows.dtype)
    distances_to_centers(rows, np.ascontiguousarray(centers, dtype=rows.dtype), distances,
                         n_threads)
    nearest = np.argmin(distances, axis=1)
    two = np.partition(distances, 1, axis=1)[:, :2].astype(np.float64)
    return float(np.mean(two[:, 1] - two[:, 0] > moves[nearest] + moves.max()))


def _row_norms(const floating[:, ::1] X, int n_threads):
    """``|x|`` of every row, the squares summed in float64, in parallel blocks."""
    cdef Py_ssize_t n_samples = X.shape[0], n_features = X.shape[1]
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads, <double>n_samples * n_features)
    cdef int status[MAX_BLOCKS]
    cdef Py_ssize_t b
    norms = np.empty(n_samples)
    cdef double[::1] out = norms
    with nogil:
        for b in prange(plan.n_blocks, schedule="static", num_threads=plan.threads,
                        use_threads_if=plan.threads > 1):
            status[b] = row_norms(&X[0, 0], n_features, block_start(plan, b),
                                  block_end(plan, b), &out[0])
    for b in range(plan.n_blocks):
        if status[b] != 0:
            raise MemoryError("fastkmeans: no memory for the row norms")
    return norms


cdef struct _Hook:
    # what the labelling of a block needs (see _bounded_block)
    const fk_bounds *bounds
    const void *X
    bint is_float
    const double *x_norm
    int *labels
    double *upper
    double *lower
    fk_bounds_stats *stats
    int *status


cdef void _bounded_block(void *data, Py_ssize_t block, Py_ssize_t start,
                         Py_ssize_t end) noexcept nogil:
    """Label rows [start, end) of a block with the bounds (a hook of
    _lloyd._pass, called on consecutive parts of the block): the block's
    stats add up, its status keeps the first failure."""
    cdef _Hook *hook = <_Hook *>data
    cdef fk_bounds_stats part
    cdef int status
    if hook.is_float:
        status = bounded_rows(hook.bounds, <const float *>hook.X, hook.x_norm, start, end,
                              hook.labels, hook.upper, hook.lower, &part)
    else:
        status = bounded_rows(hook.bounds, <const double *>hook.X, hook.x_norm, start, end,
                              hook.labels, hook.upper, hook.lower, &part)
    if status != 0:
        hook.status[block] = status
        return
    hook.stats[block].changed += part.changed
    hook.stats[block].distances += part.distances
    hook.stats[block].grouped += part.grouped
    hook.stats[block].tightened += part.tightened
    hook.stats[block].settled += part.settled


cdef void _start_bounds(const _Hook *hook, const double *group_gap, Py_ssize_t n_samples,
                        int n_threads) noexcept nogil:
    """Bounds of every row after Lloyd's first pass (fk_start_bounds per block)."""
    cdef const fk_bounds *bounds = hook.bounds
    cdef BlockPlan plan = plan_blocks(n_samples, n_threads,
                                      <double>n_samples * (bounds.d + bounds.n_groups))
    cdef Py_ssize_t b
    for b in prange(plan.n_blocks, schedule="dynamic", num_threads=plan.threads,
                    use_threads_if=plan.threads > 1):
        if interrupted():  # Ctrl-C: assign_and_sum's section raises
            continue
        if hook.is_float:
            start_bounds(bounds, <const float *>hook.X, block_start(plan, b),
                         block_end(plan, b), hook.labels, group_gap, hook.upper, hook.lower)
        else:
            start_bounds(bounds, <const double *>hook.X, block_start(plan, b),
                         block_end(plan, b), hook.labels, group_gap, hook.upper, hook.lower)


cdef class BoundedStep(LloydStep):
    """The run loop's step with triangle-inequality bounds: :class:`LloydStep`'s
    contract and results, fewer distance evaluations.

    The first iteration is Lloyd's own pass (no bounds yet), after which the
    bounds start from the triangle inequality; later iterations label each
    block with the bounds (``_bounded_block``, a hook of ``_lloyd._pass``)
    and sum it in Lloyd's order. :meth:`move_centers` also records how far
    every center moved, which the next iteration's bounds need.
    """
    cdef readonly str algorithm
    cdef fk_bounds bounds
    cdef fk_model model
    cdef fk_group_models group_models
    cdef fk_bounds_stats stats[MAX_BLOCKS]
    cdef int status[MAX_BLOCKS]
    cdef _Hook hook
    cdef double unit, weighted_sq_norms
    cdef Py_ssize_t n_groups, side
    cdef int iteration
    #: ``algorithm='auto'``: fall back to Lloyd's pass when the bounds cost more
    cdef public bint adaptive
    #: whether the step has fallen back (from then on it is LloydStep)
    cdef readonly bint fell_back
    cdef double lloyd_seconds, bounded_seconds
    #: ``auto``: seconds the bounded iterations cost beyond Lloyd's pass (excess_after)
    cdef double excess
    #: ``auto``: Lloyd's pass until the sampled rows say the bounds would prune
    cdef readonly bint waiting
    #: whether the rows the bounds cannot settle are searched by Lloyd's dense
    #: kernel (core/bounds_impl.h): Hamerly and Yinyang where Lloyd's model
    #: has the dense layout (not low-d); all centers at once, or, for a
    #: Yinyang row with few groups open, those groups, each with its rows
    cdef readonly bint dense_search
    #: rows that Yinyang's dense search took in their open groups only, all passes
    cdef readonly Py_ssize_t rows_searched_in_groups
    #: rows whose bounds failed that were given their label's distance, all
    #: passes (see TIGHTEN_COST)
    cdef readonly Py_ssize_t rows_tightened
    cdef bint would_prune, built
    cdef int lloyd_passes
    cdef object rows
    # arrays the C structs point into: kept alive here
    cdef object group_of, center_at, group_start, x_norm, upper, lower
    cdef object moves, group_moves, half_gap, group_gap, center_dist, soa, centers_t

    def __init__(self, X, sample_weight, centers, int n_threads, str algorithm):
        if algorithm not in ALGORITHMS:
            raise ValueError(f"algorithm must be one of {ALGORITHMS}, got {algorithm!r}")
        n_samples, n_clusters = X.shape[0], centers.shape[0]
        check_bound_memory(algorithm, n_samples, n_clusters, X.nbytes)
        LloydStep.__init__(self, X, sample_weight, centers, n_threads)
        self.algorithm = algorithm
        self.iteration = 0
        self.unit = 2.0 ** -24 if self.single else EPS64
        self.built = False
        self.dense_search = algorithm != "elkan" and not self._lowd_model()

    def _lowd_model(self):
        """Whether Lloyd's model of these centers has the low-d layout (a
        model without centers says so, packing nothing)."""
        cdef fk_model model
        model_init(&model, <const double *>NULL, self.ws.n_clusters, self.ws.n_features)
        lowd = model.lowd
        model_free(&model)
        return bool(lowd)

    def _build_bounds(self):
        """The bounds' state, built for the first bounded iteration (a step
        for ``auto`` that never needs its bounds never pays for them)."""
        X, centers, sample_weight = self.X, self.centers, self.sample_weight
        algorithm = self.algorithm
        n_samples, n_features = X.shape
        n_clusters = centers.shape[0]
        group_of = center_groups(np.asarray(centers), algorithm)
        self.n_groups = n_groups = int(group_of.max()) + 1
        center_at = np.argsort(group_of, kind="stable").astype(np.int32)
        self.group_start = np.searchsorted(group_of[center_at],
                                           np.arange(n_groups + 1)).astype(np.int32)
        self.group_of, self.center_at = group_of, center_at
        if self.single:
            self.x_norm = _row_norms(self.X32, self.n_threads)
        else:
            self.x_norm = _row_norms(self.X64, self.n_threads)
        self.upper = np.empty(n_samples)
        self.lower = np.empty((n_samples, n_groups))
        self.moves = np.zeros(n_clusters)
        self.group_moves = np.zeros(n_groups)
        self.half_gap = np.empty(n_clusters)
        self.group_gap = np.empty((n_clusters, n_groups))
        self.side = n_clusters if algorithm == "elkan" else 1
        self.center_dist = np.empty((self.side, self.side))
        # sums, not np.dot: BLAS threads would spin beside the OpenMP team
        self.weighted_sq_norms = float((np.asarray(sample_weight) * self.x_norm
                                        * self.x_norm).sum())

        cdef const int32_t[::1] group_start_view = self.group_start
        cdef const int32_t[::1] group_of_view = self.group_of
        cdef const int32_t[::1] center_at_view = self.center_at
        cdef const double[::1] x_norm_view = self.x_norm
        cdef double[::1] upper_view = self.upper
        cdef double[:, ::1] lower_view = self.lower
        self.bounds.d = n_features
        self.bounds.k = n_clusters
        self.bounds.n_groups = n_groups
        self.bounds.group_start = &group_start_view[0]
        self.bounds.group_of = &group_of_view[0]
        self.bounds.center_at = &center_at_view[0]
        if self.single:
            self.bounds.centers = &self.centers32[0, 0]
            self.hook.X = &self.X32[0, 0]
        else:
            self.bounds.centers = &self.centers64[0, 0]
            self.hook.X = &self.X64[0, 0]
        # Lloyd's error on a squared distance (see core/fastkmeans.h), with room to
        # spare, and the error of the distances computed here
        self.bounds.kappa = (16 * n_features + 48) * self.unit
        self.bounds.gamma = (2 * n_features + 8) * self.unit
        self.bounds.model = &self.model
        self.bounds.groups = NULL  # set for each pass where the search uses them
        self.bounds.tighten = 1  # until a pass says it does not pay
        self.hook.bounds = &self.bounds
        self.hook.is_float = self.single
        self.hook.x_norm = &x_norm_view[0]
        self.hook.labels = &self.labels_view[0]
        self.hook.upper = &upper_view[0]
        self.hook.lower = &lower_view[0, 0]
        self.hook.stats = self.stats
        self.hook.status = self.status
        self.built = True

    def assign_and_sum(self):
        """As :meth:`LloydStep.assign_and_sum`, with the bounds.

        With ``adaptive`` set (``algorithm='auto'``) the step runs Lloyd's
        pass, building no bounds, until the sampled rows say the bounds would
        prune (:func:`prunable_fraction`, checked in :meth:`move_centers`),
        or with the dense search from NO_WAIT_FEATURES features for one pass
        only (a bounded iteration that skips nothing costs about Lloyd's pass
        there); then it measures
        what an iteration costs with the bounds against Lloyd's pass, and
        falls back to Lloyd's pass for good once the bounded iterations have
        cost more than FALL_BACK_EXCESS of a pass beyond it
        (FALL_BACK_EXCESS_DENSE with the dense search; see
        :func:`excess_after`). Both passes give the same labels and sums,
        so the result does not change.
        """
        if self.adaptive and self.iteration == 0 and not self.fell_back:
            self.waiting = not (self.would_prune
                                or (self.dense_search and self.lloyd_passes > 0
                                    and self.ws.n_features >= NO_WAIT_FEATURES))
        if self.fell_back or self.waiting:
            started = perf_counter()
            result = LloydStep.assign_and_sum(self)
            self.lloyd_seconds = perf_counter() - started
            return result
        if not self.built:
            self._build_bounds()
        started = perf_counter()
        with interruptible():  # Ctrl-C in any of the kernels below
            result = self._assign_and_sum()
        self.bounded_seconds = perf_counter() - started
        return result

    def _assign_and_sum(self):
        cdef double inertia, error
        cdef Py_ssize_t n_changed, n_distances
        cdef Py_ssize_t n_samples = self.X.shape[0]
        cdef Py_ssize_t n_clusters = self.ws.n_clusters, n_features = self.ws.n_features
        cdef int n_threads = self.n_threads
        cdef const double[:, ::1] centers_t_view
        cdef double[::1] half_gap_view = self.half_gap
        cdef double[:, ::1] center_dist_view = self.center_dist
        cdef double[:, ::1] group_gap_view
        cdef const int32_t[::1] group_of_view = self.group_of
        cdef const double[::1] moves_view = self.moves
        cdef const double[::1] group_moves_view = self.group_moves
        cdef const float[:, ::1] soa32
        cdef const double[:, ::1] soa64
        cdef bint first = self.iteration == 0
        current = self.centers
        algorithm = self.algorithm

        centers64 = current.astype(np.float64)
        mean = centers64.mean(axis=0)
        self.bounds.center_norm = float(np.sqrt((mean * mean).sum()))
        # the kernel centers by the mean rounded to the input precision
        self.bounds.spread = (float(np.sqrt(np.max(((centers64 - mean) ** 2).sum(axis=1))))
                              + 4 * self.unit * self.bounds.center_norm)
        self.soa = np.ascontiguousarray(current[self.center_at].T)
        if self.single:
            soa32 = self.soa
            self.bounds.soa = &soa32[0, 0]
        else:
            soa64 = self.soa
            self.bounds.soa = &soa64[0, 0]
        self.bounds.shift = &moves_view[0]
        self.bounds.group_shift = &group_moves_view[0]
        self.bounds.half_gap = NULL
        self.bounds.center_dist = NULL
        # the start from Lloyd's pass needs the gaps between centers
        start_gaps = first and not self.dense_search
        if start_gaps or algorithm != "yinyang":
            self.centers_t = np.ascontiguousarray(centers64.T)
            centers_t_view = self.centers_t
            if start_gaps:
                group_gap_view = self.group_gap
            _center_gaps(&centers_t_view[0, 0], n_clusters, n_features,
                         &center_dist_view[0, 0] if self.side > 1 else NULL,
                         &half_gap_view[0], &group_of_view[0], self.n_groups,
                         &group_gap_view[0, 0] if start_gaps else NULL, n_threads)
            if algorithm != "yinyang":
                self.bounds.half_gap = &half_gap_view[0]
            if self.side > 1:
                self.bounds.center_dist = &center_dist_view[0, 0]
        if start_gaps:
            # no bounds yet: Lloyd's own pass labels every point (the
            # fastest way to compute all the distances), then the bounds
            # start from the triangle inequality
            started = perf_counter()
            inertia, n_changed, _, _ = LloydStep.assign_and_sum(self)
            self.lloyd_seconds = perf_counter() - started
            _start_bounds(&self.hook, &group_gap_view[0, 0], n_samples, n_threads)
            self.group_gap = None
            n_distances = n_samples * (n_clusters + 1)
        else:
            if first:
                # no bounds yet: every row searched by the dense kernel,
                # which labels it as Lloyd's pass does, at about its cost,
                # and finds the second nearest center, a far tighter lower
                # bound than the gaps between centers
                self.upper.fill(INFINITY)
                self.lower.fill(0.0)
                self.group_gap = None
            started = perf_counter()
            if self.single:
                _bounded_pass(self, self.X32, self.centers32, &inertia, &n_changed,
                              &n_distances, &error)
            else:
                _bounded_pass(self, self.X64, self.centers64, &inertia, &n_changed,
                              &n_distances, &error)
            if first and self.lloyd_seconds == 0:  # no Lloyd pass measured yet
                self.lloyd_seconds = perf_counter() - started
            if error > INERTIA_RTOL * inertia:
                # cancellation (data far from the origin): the exact distances
                inertia = exact_inertia(self.X, self.sample_weight, current, self.labels,
                                        n_threads)
        self.iteration += 1
        return (inertia, n_changed, n_distances,
                _has_empty_cluster(self.ws.weights, n_clusters))

    def move_centers(self):
        """As :meth:`LloydStep.move_centers`; also records how far each center
        moved, for the next iteration's bounds."""
        cdef double shift
        if self.waiting:
            return self._move_and_check()
        if self.fell_back:
            return LloydStep.move_centers(self)
        started = perf_counter()
        shift = self._new_centers()
        self.moves = _center_moves(self.centers, self._new())
        self.group_moves = np.maximum.reduceat(self.moves[self.center_at],
                                               self.group_start[:self.n_groups])
        self._take_new_centers()
        if self.adaptive and self.iteration > 1:
            self._weigh_bounds(perf_counter() - started)
        return shift

    def _new(self):
        """The new centers :meth:`_new_centers` computed, not yet taken."""
        if self.single:
            return np.asarray(self.spare32)
        return np.asarray(self.spare64)

    def _move_and_check(self):
        """Lloyd's move, then, after Lloyd passes 1, 2, 4, 8, ... (the check
        costs a few percent of a pass), whether the bounds would prune."""
        cdef double shift = self._new_centers()
        self.lloyd_passes += 1
        if self.lloyd_passes & (self.lloyd_passes - 1) == 0:
            if self.rows is None:
                self.rows = sample_rows(self.X)
            new = self._new()
            self.would_prune = prunable_fraction(self.rows, new, _center_moves(
                self.centers, new), self.n_threads) >= START_PRUNABLE
        self._take_new_centers()
        return shift

    cdef void _weigh_bounds(self, double move_seconds):
        """Fall back to Lloyd once the bounded iterations' cost beyond its
        pass exceeds FALL_BACK_EXCESS of a pass (FALL_BACK_EXCESS_DENSE with
        the dense search)."""
        self.excess, over = excess_after(
            self.excess, self.bounded_seconds + move_seconds, self.lloyd_seconds,
            FALL_BACK_EXCESS_DENSE if self.dense_search else FALL_BACK_EXCESS)
        if over:
            self.fall_back()

    def fall_back(self):
        """Run Lloyd's pass from the next iteration on (same labels and sums)."""
        self.fell_back = True
        self.upper = self.lower = None  # the bounds' memory is not needed any more


cdef int _bounded_pass(BoundedStep step, const floating[:, ::1] X,
                       const floating[:, ::1] centers, double *inertia,
                       Py_ssize_t *n_changed, Py_ssize_t *n_distances,
                       double *error) except -1:
    """One pass over X, as Lloyd's: each block is labelled with the bounds
    (the hook), then summed while its rows are in cache, in Lloyd's order.
    The inertia comes from the sums, with a bound on its rounding error."""
    cdef Py_ssize_t b
    cdef Py_ssize_t n_clusters = step.ws.n_clusters, n_features = step.ws.n_features
    if model_init(&step.model, &centers[0, 0], n_clusters, n_features) != 0:
        raise MemoryError("fastkmeans: no memory for the packed centers")
    try:
        if step.dense_search and step.n_groups > 1:
            # Yinyang searches a row's few open groups with a model of each
            if group_models_init(&step.group_models, &step.bounds, not step.single) != 0:
                raise MemoryError("fastkmeans: no memory for the packed centers")
            step.bounds.groups = &step.group_models
        memset(step.stats, 0, sizeof(step.stats))
        memset(step.status, 0, sizeof(step.status))
        _pass(step.ws, X, step.sample_weight_view, <const floating *>NULL, step.hook.labels,
              step.n_threads, inertia, n_changed, _bounded_block, &step.hook,
              step.n_groups + 2)
    finally:
        step.bounds.groups = NULL
        group_models_free(&step.group_models)
        model_free(&step.model)
    n_changed[0] = n_distances[0] = 0
    tightened = settled = 0
    for b in range(step.ws.plan.n_blocks):
        if step.status[b] != 0:
            raise MemoryError("fastkmeans: no memory for the bounds' scratch buffers")
        n_changed[0] += step.stats[b].changed
        n_distances[0] += step.stats[b].distances
        step.rows_searched_in_groups += step.stats[b].grouped
        tightened += step.stats[b].tightened
        settled += step.stats[b].settled
    step.rows_tightened += tightened
    step.bounds.tighten = tightening_pays(tightened, settled, n_clusters)
    inertia[0] = _inertia_from_sums(step.ws.sums, step.ws.weights, &centers[0, 0], n_clusters,
                                    n_features, step.weighted_sq_norms, error)
    return 0
