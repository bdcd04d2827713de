/*
 * One instruction-set variant of the fastkmeans kernels: a template.
 *
 * _kernels.c includes this file once per (precision, instruction set) with
 *   FK_T       float or double
 *   FK_I       the integer of the same width (int32_t / int64_t), for masks
 *   FK_SUF     suffix of every name defined here, e.g. f32_avx512
 *   FK_VW      lanes per vector
 *   FK_MR      points per register tile of the dense kernel
 *   FK_TARGET  __attribute__((target(...))) for this instruction set, or empty
 *
 * Vectors are GCC/Clang vector extensions, so one body serves every
 * instruction set; the compiler maps them onto SSE2/NEON, AVX2 or AVX-512.
 *
 * Two ways of finding the nearest center, both exact about the argmin up to
 * rounding and both fused with the rest of a Lloyd pass:
 *   dense: a tile of FK_MR points x a panel of 2*FK_VW centers held in
 *          registers while streaming over the features (how GEMM gets its
 *          speed), computing |c - m|^2 - 2 (x - m).(c - m) with m the mean of
 *          the centers (centering avoids cancellation for data far from the
 *          origin), the running minimum kept per lane: distances are never
 *          stored;
 *   low-d: for few features, FK_VW points per vector and the direct
 *          sum((x - c)^2), one center at a time.
 */

#define FK_CAT_(a, b) a##_##b
#define FK_CAT(a, b) FK_CAT_(a, b)
#define FK_NAME(name) FK_CAT(name, FK_SUF)

typedef FK_T FK_NAME(vec) __attribute__((vector_size(FK_VW * sizeof(FK_T))));
typedef FK_I FK_NAME(ivec) __attribute__((vector_size(FK_VW * sizeof(FK_T))));
/* the same vector, alignment of one element: for loads from unaligned memory */
typedef FK_T FK_NAME(uvec) __attribute__((vector_size(FK_VW * sizeof(FK_T)), aligned(sizeof(FK_T))));

#define V FK_NAME(vec)
#define IV FK_NAME(ivec)
#define UV FK_NAME(uvec)
#define NR (2 * FK_VW)

/* mask ? a : b, lane by lane (mask lanes are all ones or all zeros) */
#define FK_SELECT(mask, a, b) ((V)(((IV)(a) & (mask)) | ((IV)(b) & ~(mask))))
#define FK_SELECT_I(mask, a, b) (((a) & (mask)) | ((b) & ~(mask)))

FK_TARGET static inline IV FK_NAME(lane_ids)(void)
{
    IV ids;
    for (int l = 0; l < FK_VW; l++) ids[l] = l;
    return ids;
}

/* ---------------------------------------------------------------------------
 * dense: register tiles
 * ------------------------------------------------------------------------- */

/* Best (distance, index) per lane so far, for each point of a tile. */
typedef struct {
    V dist[FK_MR];
    IV index[FK_MR];
} FK_NAME(tile_best);

/* One panel of two vectors of centers against a tile of FK_MR points. */
FK_TARGET static inline void FK_NAME(panel2)(
    const FK_T *a,              /* IN  [d][FK_MR] centered points */
    const FK_T *panel,          /* IN  [d][NR] centered centers */
    const FK_T *norms,          /* IN  [NR] their squared norms (+inf: padding) */
    ptrdiff_t d, FK_I first_index, FK_NAME(tile_best) *best)
{
    V acc0[FK_MR], acc1[FK_MR];
    for (int r = 0; r < FK_MR; r++) {
        acc0[r] = (V){0};
        acc1[r] = (V){0};
    }
    for (ptrdiff_t f = 0; f < d; f++) {
        V b0 = *(const V *)(panel + f * NR);
        V b1 = *(const V *)(panel + f * NR + FK_VW);
        const FK_T *af = a + f * FK_MR;
        for (int r = 0; r < FK_MR; r++) {
            acc0[r] += af[r] * b0;
            acc1[r] += af[r] * b1;
        }
    }
    V n0 = *(const V *)norms;
    V n1 = *(const V *)(norms + FK_VW);
    IV i0 = FK_NAME(lane_ids)() + first_index;
    IV i1 = i0 + FK_VW;
    for (int r = 0; r < FK_MR; r++) {
        V d0 = n0 - (acc0[r] + acc0[r]);
        V d1 = n1 - (acc1[r] + acc1[r]);
        IV second = (IV)(d1 < d0);     /* strict: ties keep the lower index */
        V dist = FK_SELECT(second, d1, d0);
        IV index = FK_SELECT_I(second, i1, i0);
        IV better = (IV)(dist < best->dist[r]);
        best->dist[r] = FK_SELECT(better, dist, best->dist[r]);
        best->index[r] = FK_SELECT_I(better, index, best->index[r]);
    }
}

/* One panel of a single vector of centers (the narrow last panel). */
FK_TARGET static inline void FK_NAME(panel1)(
    const FK_T *a, const FK_T *panel, const FK_T *norms,
    ptrdiff_t d, FK_I first_index, FK_NAME(tile_best) *best)
{
    V acc[FK_MR];
    for (int r = 0; r < FK_MR; r++) acc[r] = (V){0};
    for (ptrdiff_t f = 0; f < d; f++) {
        V b = *(const V *)(panel + f * FK_VW);
        const FK_T *af = a + f * FK_MR;
        for (int r = 0; r < FK_MR; r++) acc[r] += af[r] * b;
    }
    V n = *(const V *)norms;
    IV index = FK_NAME(lane_ids)() + first_index;
    for (int r = 0; r < FK_MR; r++) {
        V dist = n - (acc[r] + acc[r]);
        IV better = (IV)(dist < best->dist[r]);
        best->dist[r] = FK_SELECT(better, dist, best->dist[r]);
        best->index[r] = FK_SELECT_I(better, index, best->index[r]);
    }
}

/* Nearest center of rows [start, end) of X: labels[0 .. end - start). */
FK_TARGET static void FK_NAME(dense_nearest)(
    const fk_model *m, const FK_T *X, ptrdiff_t start, ptrdiff_t end,
    FK_T *a /* scratch [d][FK_MR] */, int32_t *labels)
{
    const ptrdiff_t d = m->d;
    const FK_T *mean = (const FK_T *)m->mean;
    const FK_T *packed = (const FK_T *)m->packed;
    const FK_T *norms = (const FK_T *)m->norms;
    const FK_T inf = (FK_T)INFINITY;

    for (ptrdiff_t i0 = start; i0 < end; i0 += FK_MR) {
        int rows = (int)(end - i0 < FK_MR ? end - i0 : FK_MR);
        /* pack the tile transposed and centered; missing rows are zeros */
        for (int r = 0; r < FK_MR; r++) {
            if (r < rows) {
                const FK_T *x = X + (i0 + r) * d;
                for (ptrdiff_t f = 0; f < d; f++) a[f * FK_MR + r] = x[f] - mean[f];
            } else {
                for (ptrdiff_t f = 0; f < d; f++) a[f * FK_MR + r] = 0;
            }
        }
        FK_NAME(tile_best) best;
        for (int r = 0; r < FK_MR; r++) {
            best.dist[r] = (V){0} + inf;
            best.index[r] = (IV){0};
        }
        for (ptrdiff_t p = 0; p < m->n_panels; p++)
            FK_NAME(panel2)(a, packed + p * d * NR, norms + p * NR, d,
                            (FK_I)(p * NR), &best);
        if (m->tail)
            FK_NAME(panel1)(a, packed + m->n_panels * d * NR,
                            norms + m->n_panels * NR, d,
                            (FK_I)(m->n_panels * NR), &best);
        /* across lanes: the smallest distance, then the smallest index */
        for (int r = 0; r < rows; r++) {
            FK_T dist = best.dist[r][0];
            FK_I index = best.index[r][0];
            for (int l = 1; l < FK_VW; l++) {
                FK_T dl = best.dist[r][l];
                FK_I il = best.index[r][l];
                if (dl < dist || (dl == dist && il < index)) {
                    dist = dl;
                    index = il;
                }
            }
            labels[i0 - start + r] = (int32_t)index;
        }
    }
}

/* ---------------------------------------------------------------------------
 * low-d: FK_VW points per vector, direct distances
 * ------------------------------------------------------------------------- */

/* Nearest center and its squared distance for rows [start, end). */
FK_TARGET static void FK_NAME(lowd_nearest)(
    const fk_model *m, const FK_T *X, ptrdiff_t start, ptrdiff_t end,
    int32_t *labels, FK_T *min_sq_dist)
{
    const ptrdiff_t d = m->d, k = m->k;
    const FK_T *centers = (const FK_T *)m->centers;
    const FK_T inf = (FK_T)INFINITY;
    V xs[FK_LOWD_MAX];

    for (ptrdiff_t i0 = start; i0 < end; i0 += FK_VW) {
        int lanes = (int)(end - i0 < FK_VW ? end - i0 : FK_VW);
        const FK_T *x = X + i0 * d;
        if (lanes == FK_VW && d == 1) {
            xs[0] = *(const UV *)x;
        } else {
            for (ptrdiff_t f = 0; f < d; f++) {
                for (int l = 0; l < FK_VW; l++) xs[f][l] = l < lanes ? x[l * d + f] : 0;
            }
        }
        V best = (V){0} + inf;
        IV best_index = (IV){0};
        for (ptrdiff_t j = 0; j < k; j++) {
            const FK_T *c = centers + j * d;
            V diff = xs[0] - c[0];
            V dist = diff * diff;
            for (ptrdiff_t f = 1; f < d; f++) {
                diff = xs[f] - c[f];
                dist += diff * diff;
            }
            IV better = (IV)(dist < best);
            best = FK_SELECT(better, dist, best);
            best_index = FK_SELECT_I(better, (IV){0} + (FK_I)j, best_index);
        }
        for (int l = 0; l < lanes; l++) {
            labels[i0 - start + l] = (int32_t)best_index[l];
            min_sq_dist[i0 - start + l] = best[l];
        }
    }
}

/* ---------------------------------------------------------------------------
 * chunk drivers: nearest centers of a cache-sized chunk, then per row the
 * exact squared distance, the label change and the weighted sums
 * ------------------------------------------------------------------------- */

FK_TARGET static inline FK_T FK_NAME(sqdist)(const FK_T *x, const FK_T *c, ptrdiff_t d)
{
    FK_T sum = 0;
#pragma omp simd reduction(+:sum)
    for (ptrdiff_t f = 0; f < d; f++) {
        FK_T diff = x[f] - c[f];
        sum += diff * diff;
    }
    return sum;
}

/* Labels and squared distances of rows [start, end), at most chunk_rows. */
FK_TARGET static void FK_NAME(nearest_chunk)(
    const fk_model *m, const FK_T *X, ptrdiff_t start, ptrdiff_t end,
    int32_t *labels, FK_T *sq_dist, FK_T *tile)
{
    if (m->lowd) {
        FK_NAME(lowd_nearest)(m, X, start, end, labels, sq_dist);
        return;
    }
    FK_NAME(dense_nearest)(m, X, start, end, tile, labels);
    /* the exact distance, not the expansion, for the inertia */
    const FK_T *centers = (const FK_T *)m->centers;
    for (ptrdiff_t i = start; i < end; i++)
        sq_dist[i - start] = FK_NAME(sqdist)(X + i * m->d,
                                             centers + labels[i - start] * m->d, m->d);
}

FK_TARGET static void FK_NAME(assign_rows)(
    const fk_model *m, const FK_T *X, ptrdiff_t start, ptrdiff_t end,
    int32_t *labels, FK_T *sq_dist)
{
    FK_T *tile = (FK_T *)malloc((size_t)(m->d * FK_MR) * sizeof(FK_T));
    for (ptrdiff_t c0 = start; c0 < end; c0 += m->chunk_rows) {
        ptrdiff_t c1 = c0 + m->chunk_rows < end ? c0 + m->chunk_rows : end;
        FK_NAME(nearest_chunk)(m, X, c0, c1, labels + c0, sq_dist + c0, tile);
    }
    free(tile);
}

FK_TARGET static void FK_NAME(lloyd_rows)(
    const fk_model *m, const FK_T *X, const double *sample_weight,
    ptrdiff_t start, ptrdiff_t end, int assign, int32_t *labels,
    double *sums, double *weights, double *inertia, ptrdiff_t *n_changed)
{
    const ptrdiff_t d = m->d;
    double block_inertia = 0.0;
    ptrdiff_t changed = 0;
    FK_T *tile = NULL, *chunk_dist = NULL;
    int32_t *chunk_labels = NULL;
    if (assign) {
        tile = (FK_T *)malloc((size_t)(d * FK_MR + m->chunk_rows) * sizeof(FK_T)
                              + (size_t)m->chunk_rows * sizeof(int32_t));
        chunk_dist = tile + d * FK_MR;
        chunk_labels = (int32_t *)(chunk_dist + m->chunk_rows);
    }
    for (ptrdiff_t j = 0; j < m->k; j++) weights[j] = 0.0;
    for (ptrdiff_t v = 0; v < m->k * d; v++) sums[v] = 0.0;

    for (ptrdiff_t c0 = start; c0 < end; c0 += m->chunk_rows) {
        ptrdiff_t c1 = c0 + m->chunk_rows < end ? c0 + m->chunk_rows : end;
        if (assign) FK_NAME(nearest_chunk)(m, X, c0, c1, chunk_labels, chunk_dist, tile);
        /* rows in order: the sums of a block never depend on scheduling */
        for (ptrdiff_t i = c0; i < c1; i++) {
            const FK_T *x = X + i * d;
            const double w = sample_weight[i];
            int32_t label;
            if (assign) {
                label = chunk_labels[i - c0];
                block_inertia += w * (double)chunk_dist[i - c0];
                if (label != labels[i]) {  /* store only on change: clean cache lines */
                    labels[i] = label;
                    changed++;
                }
            } else {
                label = labels[i];
            }
            weights[label] += w;
            double *s = sums + label * d;
#pragma omp simd
            for (ptrdiff_t f = 0; f < d; f++) s[f] += w * (double)x[f];
        }
    }
    free(tile);
    *inertia = block_inertia;
    *n_changed = changed;
}

/* ---------------------------------------------------------------------------
 * the model: centers laid out for this instruction set
 * ------------------------------------------------------------------------- */

static int FK_NAME(model_init)(fk_model *m, const FK_T *centers, ptrdiff_t k, ptrdiff_t d)
{
    m->k = k;
    m->d = d;
    m->centers = centers;
    m->lowd = d <= FK_LOWD_MAX;
    m->packed = m->norms = m->mean = NULL;
    m->n_panels = m->tail = 0;
    /* a chunk of rows stays in L1/L2 between the nearest-center pass and
     * the accumulation pass over the same rows */
    ptrdiff_t step = FK_MR * FK_VW;
    ptrdiff_t rows = FK_CHUNK_BYTES / (d * (ptrdiff_t)sizeof(FK_T));
    rows = (rows / step) * step;
    m->chunk_rows = rows < step ? step : (rows > FK_CHUNK_MAX_ROWS ? FK_CHUNK_MAX_ROWS : rows);
    if (m->lowd || centers == NULL) return 0;  /* no centers: accumulation only */

    ptrdiff_t full = k / NR, rest = k % NR;
    if (rest > FK_VW) {   /* a padded full panel */
        full += 1;
        rest = 0;
    }
    m->n_panels = full;
    m->tail = rest;
    ptrdiff_t slots = full * NR + (rest ? FK_VW : 0);
    FK_T *packed = (FK_T *)fk_aligned_alloc((size_t)(slots * d) * sizeof(FK_T));
    FK_T *norms = (FK_T *)fk_aligned_alloc((size_t)slots * sizeof(FK_T));
    FK_T *mean = (FK_T *)fk_aligned_alloc((size_t)d * sizeof(FK_T));
    if (!packed || !norms || !mean) {
        fk_aligned_free(packed);
        fk_aligned_free(norms);
        fk_aligned_free(mean);
        return -1;
    }
    for (ptrdiff_t f = 0; f < d; f++) {
        double total = 0.0;
        for (ptrdiff_t j = 0; j < k; j++) total += (double)centers[j * d + f];
        mean[f] = (FK_T)(total / (double)k);
    }
    for (ptrdiff_t s = 0; s < slots; s++) {
        /* slot s holds center s: panel s / NR (or the narrow tail), lane s % width */
        ptrdiff_t width = s < full * NR ? NR : FK_VW;
        ptrdiff_t base = s < full * NR ? (s / NR) * NR : full * NR;
        FK_T *panel = packed + base * d;
        ptrdiff_t lane = s - base;
        if (s < k) {
            FK_T norm = 0;
            for (ptrdiff_t f = 0; f < d; f++) {
                FK_T value = centers[s * d + f] - mean[f];
                panel[f * width + lane] = value;
                norm += value * value;
            }
            norms[s] = norm;
        } else {
            for (ptrdiff_t f = 0; f < d; f++) panel[f * width + lane] = 0;
            norms[s] = (FK_T)INFINITY;
        }
    }
    m->packed = packed;
    m->norms = norms;
    m->mean = mean;
    return 0;
}

#undef V
#undef IV
#undef UV
#undef NR
#undef FK_SELECT
#undef FK_SELECT_I
#undef FK_CAT_
#undef FK_CAT
#undef FK_NAME
#undef FK_T
#undef FK_I
#undef FK_SUF
#undef FK_VW
#undef FK_MR
#undef FK_TARGET
