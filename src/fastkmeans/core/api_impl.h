/*
 * The whole-fit drivers for one precision: api.c includes this once with
 * FK_T float and once with FK_T double (FK_S names the functions, FK_TYPE_MAX
 * is the type's largest value, FK_IS_DOUBLE_ 1 for double); every parameter
 * is undefined at the end.
 */

#if FK_IS_DOUBLE_
#define FK_SCAN fk_scan_double
#else
#define FK_SCAN fk_scan_float
#endif

/* fk_scan over rows, in blocks: the first non-finite value (or -1) and
 * the largest magnitude of the values before it. */
static ptrdiff_t FK_S(fk_scan_blocks)(const FK_T *X, ptrdiff_t n, ptrdiff_t d, int n_threads,
                                      double *max_abs)
{
    fk_plan plan = fk_plan_blocks(n);
    double block_max[FK_MAX_BLOCKS];
    ptrdiff_t block_bad[FK_MAX_BLOCKS], b;
    int threads = fk_useful_threads(n_threads, plan.n_blocks, (double)n * (double)d);
    FK_PARALLEL_FOR(static, threads, b, plan.n_blocks,
        ptrdiff_t begin = fk_block_start(&plan, b) * d;
        ptrdiff_t count = fk_block_end(&plan, b) * d - begin;
        block_bad[b] = FK_SCAN(X + begin, count, &block_max[b]));
    *max_abs = 0.0;
    for (b = 0; b < plan.n_blocks; b++) {
        if (block_max[b] > *max_abs) *max_abs = block_max[b];
        if (block_bad[b] >= 0) return fk_block_start(&plan, b) * d + block_bad[b];
    }
    return -1;
}

/* weights OUT (n): sample_weight as float64 (ones if NULL), checked as
 * _validation.check_sample_weight; *total OUT their sum. */
static int FK_S(fk_weights)(const FK_T *sample_weight, ptrdiff_t n, ptrdiff_t n_clusters,
                            double *weights, double *total)
{
    ptrdiff_t i, positive = 0;
    double sum = 0.0;
    for (i = 0; i < n; i++) {
        double w = sample_weight == NULL ? 1.0 : (double)sample_weight[i];
        if (!(w >= 0.0) || !isfinite(w)) return FK_ERR_WEIGHT;
        weights[i] = w;
        sum += w;
        positive += w > 0.0;
    }
    if (!isfinite(sum) || positive < n_clusters) return FK_ERR_WEIGHT;
    *total = sum;
    return FK_OK;
}

/* The buffers of a fit (_lloyd._Workspace), allocated once. */
typedef struct {
    fk_plan plan;
    ptrdiff_t wave, k, d;
    double *block_sums;     /* (wave, k, d) */
    double *block_weights;  /* (wave, k) */
    double *sums;           /* (k, d) */
    double *weights;        /* (k) */
    double block_inertia[FK_MAX_BLOCKS];
    ptrdiff_t block_changed[FK_MAX_BLOCKS];
} FK_S(fk_workspace);

/* _lloyd._pass: one pass over X in waves of blocks into ws->sums and
 * ws->weights; centers NULL: labels given, no assignment. */
static int FK_S(fk_pass)(FK_S(fk_workspace) *ws, const FK_T *X, const double *w,
                         const FK_T *centers, int32_t *labels, int n_threads,
                         double *inertia, ptrdiff_t *n_changed)
{
    const fk_plan plan = ws->plan;
    const ptrdiff_t k = ws->k, d = ws->d, wave = ws->wave;
    const int assign = centers != NULL;
    fk_model model;
    ptrdiff_t first, b, changed = 0;
    double total = 0.0;

    memset(&model, 0, sizeof(model));
    if (FK_S(fk_model_init)(&model, centers, k, d) != 0) {
        fk_model_free(&model);
        return FK_ERR_NOMEM;
    }
    memset(ws->sums, 0, (size_t)(k * d) * sizeof(double));
    memset(ws->weights, 0, (size_t)k * sizeof(double));
    for (first = 0; first < plan.n_blocks; first += wave) {
        ptrdiff_t n_in_wave = plan.n_blocks - first < wave ? plan.n_blocks - first : wave;
        ptrdiff_t slot, cluster;
        int threads = fk_useful_threads(
            n_threads, n_in_wave,
            (double)n_in_wave * (double)plan.block_rows * (double)d * (double)(assign ? k : 1));
        int add_threads = n_threads;
        FK_PARALLEL_FOR(dynamic, threads, slot, n_in_wave,
            ptrdiff_t block = first + slot;
            FK_S(fk_lloyd_rows)(&model, X, w, fk_block_start(&plan, block),
                                fk_block_end(&plan, block), assign, labels,
                                ws->block_sums + slot * k * d, ws->block_weights + slot * k,
                                &ws->block_inertia[block], &ws->block_changed[block]));
        /* _add_block_buffers: block order for every value; threads own clusters */
        if (add_threads > k) add_threads = (int)k;
        if (add_threads > FK_MAX_BLOCKS) add_threads = FK_MAX_BLOCKS;
        if (n_in_wave * k * d < 16384) add_threads = 1;
        FK_PARALLEL_FOR(static, add_threads, cluster, k,
            for (ptrdiff_t buf = 0; buf < n_in_wave; buf++) {
                ws->weights[cluster] = ws->weights[cluster] + ws->block_weights[buf * k + cluster];
                for (ptrdiff_t j = 0; j < d; j++)
                    ws->sums[cluster * d + j] = ws->sums[cluster * d + j]
                        + ws->block_sums[buf * k * d + cluster * d + j];
            });
    }
    fk_model_free(&model);
    for (b = 0; b < plan.n_blocks; b++) {
        total += ws->block_inertia[b];
        changed += ws->block_changed[b];
    }
    *inertia = total;
    *n_changed = changed;
    return FK_OK;
}

/* _run.relocate_empty_clusters: each empty cluster receives one of the
 * points farthest from their centers (farthest first, lowest index on
 * ties; weight zero never moves); sums and weights adjusted, labels not.
 * sq (n), far (k): scratch. Returns the clusters re-seeded. */
static ptrdiff_t FK_S(fk_relocate)(FK_S(fk_workspace) *ws, const FK_T *X, const double *w,
                                   const FK_T *centers, const int32_t *labels, int n_threads,
                                   double *sq, fk_far *far)
{
    const fk_plan plan = ws->plan;
    const ptrdiff_t k = ws->k, d = ws->d, n = plan.n_rows;
    ptrdiff_t cluster, n_moves = 0, move = 0, b, i;
    int threads = fk_useful_threads(n_threads, plan.n_blocks, (double)n * (double)d);
    for (cluster = 0; cluster < k; cluster++) n_moves += ws->weights[cluster] == 0;
    FK_PARALLEL_FOR(static, threads, b, plan.n_blocks,
        FK_S(fk_label_sq_dist_rows)(X, d, centers, labels, fk_block_start(&plan, b),
                                    fk_block_end(&plan, b), sq));
    for (i = 0; i < n; i++)
        if (w[i] == 0) sq[i] = -1.0;
    fk_farthest(sq, n, n_moves, far);
    /* the clusters empty now, marked -1 (no weight is negative): a move may
     * empty another cluster, which is not re-seeded (as _run.py) */
    for (cluster = 0; cluster < k; cluster++)
        if (ws->weights[cluster] == 0) ws->weights[cluster] = -1.0;
    for (cluster = 0; cluster < k; cluster++) {
        ptrdiff_t index, old, f;
        double wi;
        if (ws->weights[cluster] != -1.0) continue;
        index = far[move++].index;
        old = labels[index];
        wi = w[index];
        for (f = 0; f < d; f++) {
            double weighted = wi * (double)X[index * d + f];
            ws->sums[old * d + f] -= weighted;
            ws->sums[cluster * d + f] = weighted;
        }
        ws->weights[old] -= wi;
        ws->weights[cluster] = wi;
    }
    return n_moves;
}

/* _lloyd._average_and_shift: new = sums / weights (the old center where a
 * cluster has no weight); the total squared shift. */
static double FK_S(fk_average_and_shift)(const double *sums, const double *weights,
                                         const FK_T *centers, FK_T *new_centers,
                                         ptrdiff_t k, ptrdiff_t d)
{
    ptrdiff_t j, f;
    double shift = 0.0;
    for (j = 0; j < k; j++) {
        ptrdiff_t row = j * d;
        for (f = 0; f < d; f++) {
            /* divide, not multiply by a reciprocal a denormal weight lacks */
            new_centers[row + f] = weights[j] > 0 ? (FK_T)(sums[row + f] / weights[j])
                                                  : centers[row + f];
        }
        for (f = 0; f < d; f++) {
            double diff = (double)new_centers[row + f] - (double)centers[row + f];
            shift += diff * diff;
        }
    }
    return shift;
}

/* _assign.assign_labels: labels OUT, sq_dist OUT (n). */
static int FK_S(fk_assign_blocks)(const FK_T *X, ptrdiff_t n, ptrdiff_t d,
                                  const FK_T *centers, ptrdiff_t k, int n_threads,
                                  int32_t *labels, FK_T *sq_dist)
{
    fk_plan plan = fk_plan_blocks(n);
    fk_model model;
    ptrdiff_t b;
    int threads = fk_useful_threads(n_threads, plan.n_blocks,
                                    (double)n * (double)d * (double)k);
    memset(&model, 0, sizeof(model));
    if (FK_S(fk_model_init)(&model, centers, k, d) != 0) {
        fk_model_free(&model);
        return FK_ERR_NOMEM;
    }
    FK_PARALLEL_FOR(dynamic, threads, b, plan.n_blocks,
        FK_S(fk_assign_rows)(&model, X, fk_block_start(&plan, b), fk_block_end(&plan, b),
                             labels, sq_dist));
    fk_model_free(&model);
    return FK_OK;
}

/* _assign.inertia: exact, per block in row order, then in block order. */
static double FK_S(fk_inertia_blocks)(const FK_T *X, ptrdiff_t n, ptrdiff_t d,
                                      const FK_T *centers, const int32_t *labels,
                                      const double *w, int n_threads)
{
    fk_plan plan = fk_plan_blocks(n);
    double block_sum[FK_MAX_BLOCKS], total = 0.0;
    ptrdiff_t b;
    int threads = fk_useful_threads(n_threads, plan.n_blocks, (double)n * (double)d);
    FK_PARALLEL_FOR(static, threads, b, plan.n_blocks,
        block_sum[b] = FK_S(fk_inertia_rows)(X, d, centers, labels, w,
                                             fk_block_start(&plan, b), fk_block_end(&plan, b)));
    for (b = 0; b < plan.n_blocks; b++) total += block_sum[b];
    return total;
}

/* The checks every entry point shares: X finite, within the magnitude
 * whose squared distances (weighted by total_weight) stay finite. */
static int FK_S(fk_check_points)(const FK_T *X, ptrdiff_t n, ptrdiff_t d, int n_threads,
                                 double *max_abs)
{
    if (FK_S(fk_scan_blocks)(X, n, d, n_threads, max_abs) >= 0) return FK_ERR_NONFINITE;
    return FK_OK;
}

/* _run.run_lloyd on checked input: centers INOUT (k, d) from the initial
 * to the final ones, labels OUT (n), *inertia (the exact one of the final
 * labels), *n_iter, *converged OUT, and, unless NULL, history OUT
 * (max_iter, 3): per iteration the pass's inertia, the centers' total
 * squared shift and the iteration's seconds. Outputs are written only on
 * success (FK_OK; FK_ERR_NOMEM). Ctrl-C (the Python package's flag) ends
 * the loop; the caller discards the outputs then. */
int FK_S(fk_lloyd_run)(const FK_T *X, int64_t n_samples, int64_t n_features,
                       const double *w, FK_T *centers, int64_t n_clusters, int max_iter,
                       double tol, int n_threads, int32_t *labels, double *inertia,
                       int *n_iter, int *converged, double *history)
{
    const ptrdiff_t n = (ptrdiff_t)n_samples, d = (ptrdiff_t)n_features;
    const ptrdiff_t k = (ptrdiff_t)n_clusters;
    FK_S(fk_workspace) ws;
    double *sq = NULL;
    FK_T *current = NULL, *spare = NULL;
    int32_t *run_labels = NULL;
    fk_far *far = NULL;
    ptrdiff_t buffer_bytes, i;
    int status, iterations = 0, labels_current = 0, stopped = 0;

    n_threads = fk_resolve_threads(n_threads);
    memset(&ws, 0, sizeof(ws));
    ws.plan = fk_plan_blocks(n);
    ws.k = k;
    ws.d = d;
    buffer_bytes = (k * d + k) * (ptrdiff_t)sizeof(double);
    ws.wave = FK_WAVE_BUDGET_BYTES / buffer_bytes;
    if (ws.wave < n_threads) ws.wave = n_threads;
    if (ws.wave > ws.plan.n_blocks) ws.wave = ws.plan.n_blocks;
    ws.block_sums = malloc((size_t)(ws.wave * k * d) * sizeof(double));
    ws.block_weights = malloc((size_t)(ws.wave * k) * sizeof(double));
    ws.sums = malloc((size_t)(k * d) * sizeof(double));
    ws.weights = malloc((size_t)k * sizeof(double));
    sq = malloc((size_t)n * sizeof(double));
    far = malloc((size_t)k * sizeof(fk_far));
    current = malloc((size_t)(k * d) * sizeof(FK_T));
    spare = malloc((size_t)(k * d) * sizeof(FK_T));
    run_labels = malloc((size_t)n * sizeof(int32_t));
    status = FK_ERR_NOMEM;
    if (!(ws.block_sums && ws.block_weights && ws.sums && ws.weights && sq && far && current
          && spare && run_labels))
        goto done;

    /* on private centers and labels: outputs only on success */
    memcpy(current, centers, (size_t)(k * d) * sizeof(FK_T));
    for (i = 0; i < n; i++) run_labels[i] = -1;
    while (iterations < max_iter && !fk_interrupt_pending()) {
        double pass_inertia, shift, started = fk_seconds();
        ptrdiff_t n_changed, n_relocated = 0, cluster;
        int any_empty = 0;
        status = FK_S(fk_pass)(&ws, X, w, current, run_labels, n_threads, &pass_inertia,
                               &n_changed);
        if (status != FK_OK) goto done;
        for (cluster = 0; cluster < k; cluster++) any_empty |= ws.weights[cluster] == 0;
        if (any_empty)
            n_relocated = FK_S(fk_relocate)(&ws, X, w, current, run_labels, n_threads, sq, far);
        shift = FK_S(fk_average_and_shift)(ws.sums, ws.weights, current, spare, k, d);
        memcpy(current, spare, (size_t)(k * d) * sizeof(FK_T));
        if (history != NULL) {
            history[3 * iterations] = pass_inertia;
            history[3 * iterations + 1] = shift;
            history[3 * iterations + 2] = fk_seconds() - started;
        }
        iterations++;
        /* no label changed: the centers did not move, unless a cluster was re-seeded */
        labels_current = n_changed == 0 && n_relocated == 0;
        if (n_changed == 0 || shift <= tol) {
            stopped = 1;
            break;
        }
    }
    if (!labels_current) {
        /* spare: the squared distances, unused (n values of FK_T fit in sq) */
        status = FK_S(fk_assign_blocks)(X, n, d, current, k, n_threads, run_labels,
                                        (FK_T *)sq);
        if (status != FK_OK) goto done;
    }
    *inertia = FK_S(fk_inertia_blocks)(X, n, d, current, run_labels, w, n_threads);
    *n_iter = iterations;
    if (converged != NULL) *converged = stopped;
    memcpy(centers, current, (size_t)(k * d) * sizeof(FK_T));
    memcpy(labels, run_labels, (size_t)n * sizeof(int32_t));
    status = FK_OK;
done:
    free(ws.block_sums);
    free(ws.block_weights);
    free(ws.sums);
    free(ws.weights);
    free(sq);
    free(far);
    free(current);
    free(spare);
    free(run_labels);
    return status;
}

int FK_S(fk_fit)(const FK_T *X, int64_t n_samples, int64_t n_features,
                 const FK_T *sample_weight, FK_T *centers, int64_t n_clusters, int max_iter,
                 double tol, int n_threads, int32_t *labels, double *inertia, int *n_iter)
{
    const ptrdiff_t n = (ptrdiff_t)n_samples, d = (ptrdiff_t)n_features;
    const ptrdiff_t k = (ptrdiff_t)n_clusters;
    double *w_own = NULL, max_abs, centers_abs, total_weight = 0.0;
    const double *w;
    int status;

    if (X == NULL || centers == NULL || labels == NULL || inertia == NULL || n_iter == NULL)
        return FK_ERR_NULL;
    if ((status = fk_check_sizes(n_samples, n_features, n_clusters)) != FK_OK) return status;
    if (max_iter < 1 || !(tol >= 0.0) || !isfinite(tol)) return FK_ERR_PARAM;
    n_threads = fk_resolve_threads(n_threads);
    w_own = malloc((size_t)n * sizeof(double));
    if (w_own == NULL) return FK_ERR_NOMEM;

    /* the checks of fastkmeans.fit, in its order: X, weights, magnitude, init */
    if ((status = FK_S(fk_check_points)(X, n, d, n_threads, &max_abs)) != FK_OK) goto done;
    if ((status = FK_S(fk_weights)(sample_weight, n, k, w_own, &total_weight)) != FK_OK)
        goto done;
    if ((status = fk_check_magnitude(max_abs, d, FK_TYPE_MAX, total_weight)) != FK_OK)
        goto done;
    if ((status = FK_S(fk_check_points)(centers, k, d, n_threads, &centers_abs)) != FK_OK)
        goto done;
    if ((status = fk_check_magnitude(centers_abs, d, FK_TYPE_MAX, 1.0)) != FK_OK) goto done;
#if FK_IS_DOUBLE_
    w = sample_weight != NULL ? sample_weight : w_own;
#else
    w = w_own;
#endif
    status = FK_S(fk_lloyd_run)(X, n_samples, n_features, w, centers, n_clusters, max_iter,
                                tol, n_threads, labels, inertia, n_iter, NULL, NULL);
done:
    free(w_own);
    return status;
}

int FK_S(fk_predict)(const FK_T *X, int64_t n_samples, int64_t n_features,
                     const FK_T *centers, int64_t n_clusters, int n_threads, int32_t *labels,
                     FK_T *sq_dist)
{
    const ptrdiff_t n = (ptrdiff_t)n_samples, d = (ptrdiff_t)n_features;
    const ptrdiff_t k = (ptrdiff_t)n_clusters;
    double max_abs, centers_abs;
    FK_T *scratch = NULL;
    int status;

    if (X == NULL || centers == NULL || labels == NULL) return FK_ERR_NULL;
    /* any number of centers, also more than points */
    if (n_samples < 1 || n_features < 1 || n_clusters < 1 || n_clusters > INT32_MAX)
        return FK_ERR_SIZE;
    if ((status = fk_check_sizes(n_samples, n_features, 1)) != FK_OK) return status;
    if ((status = fk_check_sizes(n_clusters, n_features, 1)) != FK_OK) return status;
    n_threads = fk_resolve_threads(n_threads);
    if ((status = FK_S(fk_check_points)(X, n, d, n_threads, &max_abs)) != FK_OK) return status;
    if ((status = FK_S(fk_check_points)(centers, k, d, n_threads, &centers_abs)) != FK_OK)
        return status;
    if (fk_check_magnitude(centers_abs, d, FK_TYPE_MAX, 1.0) != FK_OK
        || fk_check_magnitude(max_abs, d, FK_TYPE_MAX, 1.0) != FK_OK)
        return FK_ERR_OVERFLOW;
    if (sq_dist == NULL) {
        scratch = malloc((size_t)n * sizeof(FK_T));
        if (scratch == NULL) return FK_ERR_NOMEM;
    }
    status = FK_S(fk_assign_blocks)(X, n, d, centers, k, n_threads, labels,
                                    sq_dist != NULL ? sq_dist : scratch);
    free(scratch);
    return status;
}

int FK_S(fk_kmeans_plusplus)(const FK_T *X, int64_t n_samples, int64_t n_features,
                             const FK_T *sample_weight, int64_t n_clusters, uint64_t seed,
                             int n_local_trials, int n_threads, FK_T *centers,
                             int64_t *indices)
{
    const ptrdiff_t n = (ptrdiff_t)n_samples, d = (ptrdiff_t)n_features;
    double *w = NULL, *probability = NULL, *closest = NULL, *weighted = NULL;
    double max_abs, total_weight = 0.0;
    int64_t *chosen = NULL, n_chosen = 0;
    uint64_t state = seed;
    ptrdiff_t i;
    int status, trials;

    if (X == NULL || centers == NULL) return FK_ERR_NULL;
    if ((status = fk_check_sizes(n_samples, n_features, n_clusters)) != FK_OK) return status;
    if (n_local_trials < 0) return FK_ERR_PARAM;
    trials = n_local_trials > 0 ? n_local_trials : 2 + (int)log((double)n_clusters);
    n_threads = fk_resolve_threads(n_threads);

    w = malloc((size_t)n * sizeof(double));
    probability = malloc((size_t)n * sizeof(double));
    closest = malloc((size_t)n * sizeof(double));
    weighted = malloc((size_t)n * sizeof(double));
    chosen = malloc((size_t)n_clusters * sizeof(int64_t));
    status = FK_ERR_NOMEM;
    if (!(w && probability && closest && weighted && chosen)) goto done;
    if ((status = FK_S(fk_check_points)(X, n, d, n_threads, &max_abs)) != FK_OK) goto done;
    if ((status = FK_S(fk_weights)(sample_weight, n, n_clusters, w, &total_weight)) != FK_OK)
        goto done;
    if ((status = fk_check_magnitude(max_abs, d, FK_TYPE_MAX, total_weight)) != FK_OK)
        goto done;

    /* the first center, and the fallback draw when no mass is left: by weight */
    probability[0] = w[0];
    for (i = 1; i < n; i++) probability[i] = probability[i - 1] + w[i];
    chosen[0] = (int64_t)fk_draw(probability, n, fk_splitmix_uniform, &state);
    status = FK_S(fk_kmeans_plusplus_steps)(X, n_samples, n_features, w, n_clusters, trials,
                                            n_threads, fk_splitmix_uniform, &state,
                                            probability, centers, chosen, closest, weighted,
                                            &n_chosen);
    if (status == FK_OK && indices != NULL)
        memcpy(indices, chosen, (size_t)n_clusters * sizeof(int64_t));
done:
    free(w);
    free(probability);
    free(closest);
    free(weighted);
    free(chosen);
    return status;
}

#undef FK_T
#undef FK_S
#undef FK_TYPE_MAX
#undef FK_IS_DOUBLE_
#undef FK_SCAN
