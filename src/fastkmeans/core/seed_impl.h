/*
 * The greedy k-means++ steps (fk_kmeans_plusplus_steps_*, fastkmeans.h): a
 * template that api.c includes once per input type, with
 *   FK_T        float or double: the centers and the arithmetic
 *   FK_XT       the type of X: FK_T, or uint16_t (float16 bits)
 *   FK_XS(name) names of the functions on that X (e.g. name##_f16)
 *   FK_S(name)  names of the functions on FK_T (e.g. name##_f32)
 *   FK_HALF_X   1 where X is float16
 *   FK_IS_DOUBLE_
 * and undefines them at its end.
 *
 * One pass over X a step where it pays: the pass that scores the candidates
 * (fk_seed_rows) also keeps every row's exact distance to each of them, and
 * the chosen one's are then taken from there, not from X again. That is
 * when FK_SEED_KEEP_RATIO n_local_trials <= n_features (the distances at
 * most a third of the bytes of X) and they fit in FK_SEED_KEEP_BYTES (api.c);
 * otherwise the update measures the chosen center again
 * (fk_seed_closest_rows), with the same arithmetic, so the same bits
 * either way. The blocks, the sums (in block order) and
 * the draws are those of _init.kmeans_plusplus_indices.
 */

/* Every kernel on X returns 0, or -1 where float16 rows found no memory. */
#if FK_HALF_X
#define FK_X_STATUS(call) (call)
#else
#define FK_X_STATUS(call) ((void)(call), 0)
#endif

/* Row `id` of X into out (d), in FK_T. */
static void FK_XS(fk_seed_copy_row)(const FK_XT *X, ptrdiff_t d, ptrdiff_t id, FK_T *out)
{
#if FK_HALF_X
    fk_half_rows_to_float(X, d, &id, 1, out);
#else
    memcpy(out, X + id * d, (size_t)d * sizeof(FK_T));
#endif
}

/* The model of candidates[0 .. count) as they are (around a zero mean). */
static int FK_XS(fk_seed_model)(fk_model *m, const FK_T *candidates, ptrdiff_t count,
                                ptrdiff_t d, const FK_T *zeros)
{
    memset(m, 0, sizeof(*m));
    if (FK_S(fk_candidates_init)(m, candidates, count, d, zeros) == 0) return FK_OK;
    fk_model_free(m);
    return FK_ERR_NOMEM;
}

/* The center of model m (one candidate) taken into account by every row. */
static int FK_XS(fk_seed_measure)(const fk_model *m, const FK_XT *X, ptrdiff_t n,
                                  const double *w, int n_threads, int *status,
                                  double *closest, double *weighted)
{
    const fk_plan plan = fk_plan_blocks(n);
    const int threads = fk_useful_threads(n_threads, plan.n_blocks, (double)n * (double)m->d);
    ptrdiff_t b;
    int failed = 0;
    FK_PARALLEL_FOR(static, threads, b, plan.n_blocks,
        status[b] = FK_X_STATUS(FK_XS(fk_seed_closest_rows)(
            m, X, w, fk_block_start(&plan, b), fk_block_end(&plan, b), closest, weighted)));
    for (b = 0; b < plan.n_blocks; b++) failed |= status[b];
    return failed ? FK_ERR_NOMEM : FK_OK;
}

/* The chosen candidate's kept distances (row j of `kept`) taken into account. */
static void FK_XS(fk_seed_take_kept)(const FK_T *kept, ptrdiff_t n, const double *w,
                                     int n_threads, double *closest, double *weighted)
{
    const fk_plan plan = fk_plan_blocks(n);
    const int threads = fk_useful_threads(n_threads, plan.n_blocks, (double)n);
    ptrdiff_t b;
    FK_PARALLEL_FOR(static, threads, b, plan.n_blocks,
        for (ptrdiff_t i = fk_block_start(&plan, b); i < fk_block_end(&plan, b); i++) {
            const double dist = (double)kept[i];
            if (dist < closest[i]) closest[i] = dist;
            weighted[i] = w[i] * closest[i];
        });
}

int FK_XS(fk_kmeans_plusplus_steps)(const FK_XT *X, int64_t n_samples, int64_t n_features,
                                    const double *w, int64_t n_clusters, int n_local_trials,
                                    int n_threads, double (*uniform)(void *), void *state,
                                    const double *fallback, FK_T *centers, int64_t *indices,
                                    double *closest, double *weighted, int64_t *n_chosen)
{
    const ptrdiff_t n = (ptrdiff_t)n_samples, d = (ptrdiff_t)n_features;
    const ptrdiff_t k = (ptrdiff_t)n_clusters, trials = n_local_trials;
    const fk_plan plan = fk_plan_blocks(n);
    const int threads = fk_useful_threads(n_threads, plan.n_blocks,
                                          (double)n * (double)d * (double)trials);
    /* one pass a step: the candidates' distances kept, when they are small */
    const int keep = FK_SEED_KEEP_RATIO * trials <= d
                     && (double)trials * (double)n * sizeof(FK_T) <= FK_SEED_KEEP_BYTES;
    ptrdiff_t per_call = fk_max_candidates(FK_IS_DOUBLE_), c, i, t;
    double *potentials = NULL, *block_potentials = NULL;
    FK_T *candidates = NULL, *zeros = NULL, *kept = NULL;
    ptrdiff_t *candidate_ids = NULL;
    int *status = NULL;
    fk_model model;
    int code = FK_ERR_NOMEM;

    if (per_call > trials) per_call = trials;
    potentials = malloc((size_t)trials * sizeof(double));
    block_potentials = malloc((size_t)(plan.n_blocks * per_call) * sizeof(double));
    candidates = malloc((size_t)trials * (size_t)d * sizeof(FK_T));
    zeros = calloc((size_t)d, sizeof(FK_T));
    candidate_ids = malloc((size_t)trials * sizeof(ptrdiff_t));
    status = malloc((size_t)plan.n_blocks * sizeof(int));
    if (keep) kept = malloc((size_t)trials * (size_t)n * sizeof(FK_T));
    if (!(potentials && block_potentials && candidates && zeros && candidate_ids && status)
        || (keep && kept == NULL))
        goto done;

    for (i = 0; i < n; i++) closest[i] = INFINITY;
    FK_XS(fk_seed_copy_row)(X, d, (ptrdiff_t)indices[0], centers);
    if ((code = FK_XS(fk_seed_model)(&model, centers, 1, d, zeros)) != FK_OK) goto done;
    code = FK_XS(fk_seed_measure)(&model, X, n, w, n_threads, status, closest, weighted);
    fk_model_free(&model);
    if (code != FK_OK) goto done;

    for (c = 1; c < k && !fk_interrupt_pending(); c++) {
        ptrdiff_t best = 0, group, b, j;
        int failed = 0;
        /* _init.draw_candidates: the cumulative sum of w * closest, in row order */
        for (i = 1; i < n; i++) weighted[i] += weighted[i - 1];
        if (!(weighted[n - 1] > 0) && fallback == NULL) break;  /* the caller goes on */
        for (t = 0; t < trials; t++) {
            candidate_ids[t] = weighted[n - 1] > 0 ? fk_draw(weighted, n, uniform, state)
                                                   : fk_draw(fallback, n, uniform, state);
            FK_XS(fk_seed_copy_row)(X, d, candidate_ids[t], candidates + t * d);
        }
        /* _kmeanspp.candidate_potentials: groups of candidates, blocks in order */
        for (group = 0; group < trials; group += per_call) {
            const ptrdiff_t size = trials - group < per_call ? trials - group : per_call;
            if ((code = FK_XS(fk_seed_model)(&model, candidates + group * d, size, d,
                                             zeros)) != FK_OK)
                goto done;
            FK_PARALLEL_FOR(dynamic, threads, b, plan.n_blocks,
                status[b] = FK_X_STATUS(FK_XS(fk_seed_rows)(
                    &model, X, w, closest, fk_block_start(&plan, b), fk_block_end(&plan, b),
                    kept, n, group, block_potentials + b * per_call)));
            fk_model_free(&model);
            for (b = 0; b < plan.n_blocks; b++) failed |= status[b];
            if (failed) {
                code = FK_ERR_NOMEM;
                goto done;
            }
            for (j = 0; j < size; j++) {
                potentials[group + j] = 0.0;
                for (b = 0; b < plan.n_blocks; b++)
                    potentials[group + j] += block_potentials[b * per_call + j];
            }
        }
        for (t = 1; t < trials; t++)
            if (potentials[t] < potentials[best]) best = t;
        memcpy(centers + c * d, candidates + best * d, (size_t)d * sizeof(FK_T));
        indices[c] = (int64_t)candidate_ids[best];
        if (keep) {
            FK_XS(fk_seed_take_kept)(kept + best * n, n, w, n_threads, closest, weighted);
            continue;
        }
        if ((code = FK_XS(fk_seed_model)(&model, centers + c * d, 1, d, zeros)) != FK_OK)
            goto done;
        code = FK_XS(fk_seed_measure)(&model, X, n, w, n_threads, status, closest, weighted);
        fk_model_free(&model);
        if (code != FK_OK) goto done;
    }
    *n_chosen = (int64_t)c;
    code = FK_OK;
done:
    free(potentials);
    free(block_potentials);
    free(candidates);
    free(zeros);
    free(candidate_ids);
    free(status);
    free(kept);
    return code;
}

#undef FK_X_STATUS
#undef FK_T
#undef FK_XT
#undef FK_XS
#undef FK_S
#undef FK_HALF_X
#undef FK_IS_DOUBLE_
