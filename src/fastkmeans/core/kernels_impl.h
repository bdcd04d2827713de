/*
 * One instruction-set variant of the fastkmeans kernels: a template.
 *
 * kernels.c includes this file once per (precision, instruction set) with
 *   FK_T       float or double
 *   FK_I       the integer of the same width (int32_t / int64_t), for masks
 *   FK_SUF     suffix of every name defined here, e.g. f32_avx512
 *   FK_VW      lanes per vector
 *   FK_MR      points per register tile of the dense kernel
 *   FK_TARGET  __attribute__((target(...))) for this instruction set, or empty
 *
 * and undefines them at its end. Vectors are GCC/Clang vector extensions,
 * so one body serves every instruction set; the compiler maps them onto
 * SSE2/NEON, AVX2 or AVX-512.
 *
 * Two layouts find the nearest center (fk_prefer_lowd in kernels.c picks
 * one from k and d), both fused with the rest of a Lloyd pass:
 *   dense: a tile of FK_MR points x a panel of 2*FK_VW centers held in
 *          registers while streaming over the features (how GEMM gets its
 *          speed), comparing |x - c|^2 - |x - m|^2 (m the mean of the
 *          centers, see dense_nearest), the running minimum kept per lane:
 *          distances are never stored; FK_PASS_TILES tiles pass each
 *          panel in turn, so a panel is fetched once for all of them;
 *   low-d: FK_VW points per vector and the direct sum((x - c)^2), one
 *          center at a time, the cluster sums kept in vector lanes.
 * Then: the exact distances behind the inertia, and k-means++'s candidate
 * potentials (the dense tiles again) and closest distances.
 */

#define FK_CAT_(a, b) a##_##b
#define FK_CAT(a, b) FK_CAT_(a, b)
#define FK_NAME(name) FK_CAT(name, FK_SUF)

typedef FK_T FK_NAME(vec) __attribute__((vector_size(FK_VW * sizeof(FK_T))));
typedef FK_I FK_NAME(ivec) __attribute__((vector_size(FK_VW * sizeof(FK_T))));
/* the same vector, alignment of one element: for loads from unaligned memory */
typedef FK_T FK_NAME(uvec) __attribute__((vector_size(FK_VW * sizeof(FK_T)), aligned(sizeof(FK_T))));

/* FK_VW doubles (sample weights) and FK_VW int32 (labels), unaligned */
typedef double FK_NAME(dvec) __attribute__((vector_size(FK_VW * sizeof(double)), aligned(sizeof(double))));
typedef int32_t FK_NAME(lvec) __attribute__((vector_size(FK_VW * sizeof(int32_t)), aligned(sizeof(int32_t))));

#define V FK_NAME(vec)
#define IV FK_NAME(ivec)
#define UV FK_NAME(uvec)
#define DV FK_NAME(dvec)
#define LV FK_NAME(lvec)
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

/* Dot products of a tile of FK_MR rows of X (read in place: rows[r] points
 * at row r) with a panel of two vectors of centers, [d][NR], kept in
 * registers while streaming over the features. */
FK_TARGET FK_INLINE void FK_NAME(tile_dot2)(
    const FK_T *const *rows, const FK_T *panel, ptrdiff_t d, V *acc0, V *acc1)
{
    for (int r = 0; r < FK_MR; r++) {
        acc0[r] = (V){0};
        acc1[r] = (V){0};
    }
    for (ptrdiff_t f = 0; f < d; f++) {
        V b0 = *(const V *)(panel + f * NR);
        V b1 = *(const V *)(panel + f * NR + FK_VW);
        for (int r = 0; r < FK_MR; r++) {
            FK_T x = rows[r][f];
            acc0[r] += x * b0;
            acc1[r] += x * b1;
        }
    }
}

/* The same with a panel of one vector of centers, [d][FK_VW]. */
FK_TARGET FK_INLINE void FK_NAME(tile_dot1)(
    const FK_T *const *rows, const FK_T *panel, ptrdiff_t d, V *acc)
{
    for (int r = 0; r < FK_MR; r++) acc[r] = (V){0};
    for (ptrdiff_t f = 0; f < d; f++) {
        V b = *(const V *)(panel + f * FK_VW);
        for (int r = 0; r < FK_MR; r++) acc[r] += rows[r][f] * b;
    }
}

/* Keep, per lane, the smaller of (dist, index) and the best so far. */
FK_TARGET FK_INLINE void FK_NAME(keep_best)(V dist, IV index, V *best, IV *best_index)
{
    IV better = (IV)(dist < *best);  /* strict: ties keep the lower index */
    *best = FK_SELECT(better, dist, *best);
    *best_index = FK_SELECT_I(better, index, *best_index);
}

/* The lane's second smallest so far, given a new (dist, other) pair before
 * keep_best takes dist: the loser of dist against best, or other, if lower. */
FK_TARGET FK_INLINE void FK_NAME(keep_second)(V dist, V other, V best, V *second)
{
    V loser = FK_SELECT((IV)(dist < best), best, dist);
    V low = FK_SELECT((IV)(other < loser), other, loser);
    *second = FK_SELECT((IV)(low < *second), low, *second);
}

/* One panel of two vectors of centers against a tile: running minimum;
 * where `second` is given (the bounds' search), also each lane's second
 * smallest (NULL in Lloyd's pass: the compiler drops that code). */
FK_TARGET FK_INLINE void FK_NAME(panel2)(
    const FK_T *const *rows,
    const FK_T *panel,          /* IN  [d][NR] centers minus their mean */
    const FK_T *bias,           /* IN  [NR] (+inf: padding), see model_init */
    ptrdiff_t d, FK_I first_index, FK_NAME(tile_best) *best, V *second)
{
    V acc0[FK_MR], acc1[FK_MR];
    FK_NAME(tile_dot2)(rows, panel, d, acc0, acc1);
    V n0 = *(const V *)bias;
    V n1 = *(const V *)(bias + FK_VW);
    IV i0 = FK_NAME(lane_ids)() + first_index;
    IV i1 = i0 + FK_VW;
    for (int r = 0; r < FK_MR; r++) {
        V d0 = n0 - (acc0[r] + acc0[r]);
        V d1 = n1 - (acc1[r] + acc1[r]);
        IV pick = (IV)(d1 < d0);     /* strict: ties keep the lower index */
        V dist = FK_SELECT(pick, d1, d0);
        IV index = FK_SELECT_I(pick, i1, i0);
        if (second)
            FK_NAME(keep_second)(dist, FK_SELECT(pick, d0, d1), best->dist[r], &second[r]);
        FK_NAME(keep_best)(dist, index, &best->dist[r], &best->index[r]);
    }
}

/* One panel of a single vector of centers (the narrow last panel). */
FK_TARGET FK_INLINE void FK_NAME(panel1)(
    const FK_T *const *rows, const FK_T *panel, const FK_T *bias,
    ptrdiff_t d, FK_I first_index, FK_NAME(tile_best) *best, V *second)
{
    V acc[FK_MR];
    FK_NAME(tile_dot1)(rows, panel, d, acc);
    V n = *(const V *)bias;
    IV index = FK_NAME(lane_ids)() + first_index;
    for (int r = 0; r < FK_MR; r++) {
        V dist = n - (acc[r] + acc[r]);
        if (second)
            FK_NAME(keep_second)(dist, (V){0} + (FK_T)INFINITY, best->dist[r], &second[r]);
        FK_NAME(keep_best)(dist, index, &best->dist[r], &best->index[r]);
    }
}

/* Points rows[0 .. FK_MR) at rows i0 .. of X; a short tile repeats its
 * first row (the repeats are computed, not used). */
FK_TARGET FK_INLINE void FK_NAME(tile_rows)(
    const FK_T *X, ptrdiff_t d, ptrdiff_t i0, int n_rows, const FK_T **rows)
{
    for (int r = 0; r < FK_MR; r++) rows[r] = X + (i0 + (r < n_rows ? r : 0)) * d;
}

#if !FK_HAVE_SHUFFLE
/* The index of the smallest distance across lanes (smallest index on ties). */
FK_TARGET static inline int32_t FK_NAME(lane_argmin)(V dist, IV index)
{
    FK_T best = dist[0];
    FK_I best_index = index[0];
    for (int l = 1; l < FK_VW; l++) {
        if (dist[l] < best || (dist[l] == best && index[l] < best_index)) {
            best = dist[l];
            best_index = index[l];
        }
    }
    return (int32_t)best_index;
}
#endif

#if FK_HAVE_SHUFFLE
/* The smaller of two (distance, index) vectors, lane by lane; ties go to
 * the smaller index. */
FK_TARGET FK_INLINE void FK_NAME(min_pair)(V *dist, IV *index, V other, IV other_index)
{
    IV take = (IV)(other < *dist) | ((IV)(other == *dist) & (other_index < *index));
    *dist = FK_SELECT(take, other, *dist);
    *index = FK_SELECT_I(take, other_index, *index);
}

/* The plan of the tile reduction below, the same for every tile. */
typedef struct {
    IV lo[FK_MR], hi[FK_MR];  /* lane selectors of each level (indices into a ++ b) */
    int levels;               /* pairwise merge levels */
    int count;                /* vectors left after them */
    int width;                /* lanes a row occupies in them */
    IV row[FK_MR];            /* which row each lane of those vectors holds */
} FK_NAME(argmin_plan);

/* With groups of `width` lanes per row, `lo` takes the first half of every
 * group of a and of b, side by side, and `hi` the second halves. */
FK_TARGET static void FK_NAME(argmin_plan_init)(FK_NAME(argmin_plan) *plan)
{
    int count = FK_MR, width = FK_VW, level = 0;
    for (int r = 0; r < FK_MR; r++) plan->row[r] = (IV){0} + (FK_I)r;
    while (count > 1 && width > 1) {
        const int half = width / 2;
        IV lo, hi;
        for (int l = 0; l < FK_VW; l++) {
            int group = l / width * width, pos = l % width;
            int from_b = pos >= half;
            int src = group + (from_b ? pos - half : pos) + (from_b ? FK_VW : 0);
            lo[l] = (FK_I)src;
            hi[l] = (FK_I)(src + half);
        }
        for (int v = 0; v < (count + 1) / 2; v++) {
            const int a = 2 * v, b = 2 * v + 1 < count ? 2 * v + 1 : 2 * v;
            plan->row[v] = __builtin_shuffle(plan->row[a], plan->row[b], lo);
        }
        plan->lo[level] = lo;
        plan->hi[level] = hi;
        level++;
        count = (count + 1) / 2;
        width = half;
    }
    plan->levels = level;
    plan->count = count;
    plan->width = width;
}

/* The argmin across lanes of all FK_MR rows of a tile at once. Rows are
 * merged pairwise (a transposition network: each level halves the lanes a
 * row occupies and the number of vectors), so the work per row is a
 * fraction of reducing each row's vector on its own. */
FK_TARGET static inline void FK_NAME(tile_argmin)(const FK_NAME(argmin_plan) *plan,
                                                  FK_NAME(tile_best) *best, int n_rows,
                                                  int32_t *labels)
{
    V *dist = best->dist;
    IV *index = best->index;
    int count = FK_MR;
    for (int level = 0; level < plan->levels; level++) {
        const IV lo = plan->lo[level], hi = plan->hi[level];
        for (int v = 0; v < (count + 1) / 2; v++) {
            const int a = 2 * v, b = 2 * v + 1 < count ? 2 * v + 1 : 2 * v;
            V d_lo = __builtin_shuffle(dist[a], dist[b], lo);
            IV i_lo = __builtin_shuffle(index[a], index[b], lo);
            FK_NAME(min_pair)(&d_lo, &i_lo, __builtin_shuffle(dist[a], dist[b], hi),
                              __builtin_shuffle(index[a], index[b], hi));
            dist[v] = d_lo;
            index[v] = i_lo;
        }
        count = (count + 1) / 2;
    }
    /* fewer rows than lanes: finish each group within its vector */
    const IV ids = FK_NAME(lane_ids)();
    for (int step = plan->width / 2; step >= 1; step /= 2) {
        const IV partner = ids ^ step;
        for (int v = 0; v < count; v++)
            FK_NAME(min_pair)(&dist[v], &index[v], __builtin_shuffle(dist[v], partner),
                              __builtin_shuffle(index[v], partner));
    }
    for (int v = 0; v < count; v++) {
        for (int l = 0; l < FK_VW; l += plan->width) {
            const int r = (int)plan->row[v][l];
            if (r < n_rows) labels[r] = (int32_t)index[v][l];
        }
    }
}
#endif

/* The smallest (distance, index) of a row's lanes, the smallest index on
 * ties (the order tile_argmin reduces in), and the second smallest value
 * of the row: the other lanes' best and the winning lane's second. */
FK_TARGET static inline int32_t FK_NAME(lane_two)(V dist, IV index, V second, FK_T *min1,
                                                  FK_T *min2)
{
    int win = 0;
    for (int l = 1; l < FK_VW; l++)
        if (dist[l] < dist[win] || (dist[l] == dist[win] && index[l] < index[win])) win = l;
    FK_T next = second[win];
    for (int l = 0; l < FK_VW; l++)
        if (l != win && dist[l] < next) next = dist[l];
    *min1 = dist[win];
    *min2 = next;
    return (int32_t)index[win];
}

/* Nearest center of `count` rows of X: rows start, start + 1, ... or, with
 * `ids`, rows ids[0], ids[1], ...; labels[0 .. count).
 *
 * For each center c, with m the mean of the centers and c' = c - m,
 *   |x - c|^2 - |x - m|^2 = |c'|^2 - 2 (x - m).c' = bias - 2 x.c'
 * where bias = |c'|^2 + 2 m.c'. The argmin over c needs only bias - 2 x.c',
 * and because c' is centered no term is of the order of |x|^2: the rounding
 * error stays of the order of the one already in x itself.
 *
 * With min1 and min2 (the bounds' search) it also gives the two smallest
 * of those values; the label is the same either way (the same operations
 * on the best distance and index of every lane, the same smallest
 * (distance, index) across lanes). With `off`, |x - m|^2 in float64 too,
 * taken once a tile has passed every panel: the rows are still in cache,
 * so the bounds need not read them for it. */
FK_TARGET FK_INLINE void FK_NAME(dense_pass)(
    const fk_model *m, const FK_T *X, const int32_t *ids, ptrdiff_t start, ptrdiff_t count,
    int32_t *labels, FK_T *min1, FK_T *min2, double *off)
{
    const ptrdiff_t d = m->d;
    const FK_T *packed = (const FK_T *)m->packed;
    const FK_T *bias = (const FK_T *)m->bias;
    const FK_T inf = (FK_T)INFINITY;
    const FK_T *rows[FK_PASS_TILES][FK_MR];
    FK_NAME(tile_best) best[FK_PASS_TILES];
    V second[FK_PASS_TILES][FK_MR];
#if FK_HAVE_SHUFFLE
    FK_NAME(argmin_plan) plan;
    FK_NAME(argmin_plan_init)(&plan);
#endif

    /* a pass takes up to FK_PASS_TILES tiles past each panel in turn, so a
     * panel is fetched once a pass (it stays in cache from one tile to the
     * next), not once a tile; each tile sees the panels in the same order
     * as alone, so its result is the same bits */
    for (ptrdiff_t p0 = 0; p0 < count; p0 += FK_PASS_TILES * FK_MR) {
        const ptrdiff_t p1 = count - p0 < FK_PASS_TILES * FK_MR ? count
                                                                : p0 + FK_PASS_TILES * FK_MR;
        const int n_tiles = (int)((p1 - p0 + FK_MR - 1) / FK_MR);
        for (int t = 0; t < n_tiles; t++) {
            const ptrdiff_t i0 = p0 + t * FK_MR;
            const int n_rows = (int)(p1 - i0 < FK_MR ? p1 - i0 : FK_MR);
            if (ids) {  /* a short tile repeats its first row */
                for (int r = 0; r < FK_MR; r++)
                    rows[t][r] = X + (ptrdiff_t)ids[i0 + (r < n_rows ? r : 0)] * d;
            } else {
                FK_NAME(tile_rows)(X, d, start + i0, n_rows, rows[t]);
            }
            for (int r = 0; r < FK_MR; r++) {
                best[t].dist[r] = second[t][r] = (V){0} + inf;
                best[t].index[r] = (IV){0};
            }
        }
        for (ptrdiff_t p = 0; p < m->n_panels; p++)
            for (int t = 0; t < n_tiles; t++)
                FK_NAME(panel2)(rows[t], packed + p * d * NR, bias + p * NR, d,
                                (FK_I)(p * NR), &best[t], min2 ? second[t] : NULL);
        if (m->tail)
            for (int t = 0; t < n_tiles; t++)
                FK_NAME(panel1)(rows[t], packed + m->n_panels * d * NR,
                                bias + m->n_panels * NR, d, (FK_I)(m->n_panels * NR), &best[t],
                                min2 ? second[t] : NULL);
        for (int t = 0; t < n_tiles; t++) {
            const ptrdiff_t i0 = p0 + t * FK_MR;
            const int n_rows = (int)(p1 - i0 < FK_MR ? p1 - i0 : FK_MR);
            if (off)
                for (int r = 0; r < n_rows; r++)
                    off[i0 + r] = fk_sq_dist_f64(rows[t][r], (const FK_T *)m->mean, d);
            if (min2) {
                for (int r = 0; r < n_rows; r++)
                    labels[i0 + r] = FK_NAME(lane_two)(best[t].dist[r], best[t].index[r],
                                                       second[t][r], &min1[i0 + r],
                                                       &min2[i0 + r]);
                continue;
            }
#if FK_HAVE_SHUFFLE
            FK_NAME(tile_argmin)(&plan, &best[t], n_rows, labels + i0);
#else
            for (int r = 0; r < n_rows; r++)
                labels[i0 + r] = FK_NAME(lane_argmin)(best[t].dist[r], best[t].index[r]);
#endif
        }
    }
}

/* Nearest center of rows [start, end) of X: labels[0 .. end - start). */
FK_TARGET static void FK_NAME(dense_nearest)(
    const fk_model *m, const FK_T *X, ptrdiff_t start, ptrdiff_t end, int32_t *labels)
{
    FK_NAME(dense_pass)(m, X, NULL, start, end - start, labels, NULL, NULL, NULL);
}

/* For rows ids[0 .. count) of X: labels OUT the nearest center, as
 * dense_nearest gives it, and min1, min2 OUT the smallest and second
 * smallest of the compared values bias - 2 x.c': |x - c|^2 - |x - m|^2 up
 * to the kernel's rounding error; off OUT (or NULL) |x - m|^2 in float64.
 * The dense layout only (m->lowd is 0). */
FK_TARGET static void FK_NAME(nearest_two_rows)(
    const fk_model *m, const FK_T *X, const int32_t *ids, ptrdiff_t count, int32_t *labels,
    FK_T *min1, FK_T *min2, double *off)
{
    FK_NAME(dense_pass)(m, X, ids, 0, count, labels, min1, min2, off);
}

/* ---------------------------------------------------------------------------
 * low-d: FK_VW points per vector, direct distances
 * ------------------------------------------------------------------------- */

/* Load up to FK_VW rows starting at x as one vector per feature
 * (missing lanes are zeros). */
FK_TARGET FK_INLINE void FK_NAME(lowd_load)(const FK_T *x, ptrdiff_t d, int lanes, V *xs)
{
    if (lanes == FK_VW && d == 1) {
        xs[0] = *(const UV *)x;
#if FK_HAVE_SHUFFLE
    } else if (lanes == FK_VW && d == 2) {
        /* de-interleave x0 y0 x1 y1 ... into x0 x1 ... and y0 y1 ... */
        V lo = *(const UV *)x, hi = *(const UV *)(x + FK_VW);
        IV even = FK_NAME(lane_ids)() * 2;
        xs[0] = __builtin_shuffle(lo, hi, even);
        xs[1] = __builtin_shuffle(lo, hi, even + 1);
#endif
    } else {
        for (ptrdiff_t f = 0; f < d; f++) {
            for (int l = 0; l < FK_VW; l++) xs[f][l] = l < lanes ? x[l * d + f] : 0;
        }
    }
}

/* Nearest center and its squared distance for FK_LOWD_GROUPS vectors of
 * rows at once (independent dependency chains keep the pipeline full).
 * Inlined with a constant d, the feature loops unroll. */
FK_TARGET FK_INLINE void FK_NAME(lowd_groups)(
    const FK_T *centers, ptrdiff_t k, const ptrdiff_t d,
    V xs[FK_LOWD_GROUPS][FK_LOWD_MAX], V *best, IV *best_index)
{
    for (int g = 0; g < FK_LOWD_GROUPS; g++) {
        best[g] = (V){0} + (FK_T)INFINITY;
        best_index[g] = (IV){0};
    }
    for (ptrdiff_t j = 0; j < k; j++) {
        const FK_T *c = centers + j * d;
        const IV index = (IV){0} + (FK_I)j;
        for (int g = 0; g < FK_LOWD_GROUPS; g++) {
            V diff = xs[g][0] - c[0];
            V dist = diff * diff;
            for (ptrdiff_t f = 1; f < d; f++) {
                diff = xs[g][f] - c[f];
                dist += diff * diff;
            }
            IV better = (IV)(dist < best[g]);
            best[g] = FK_SELECT(better, dist, best[g]);
            best_index[g] = FK_SELECT_I(better, index, best_index[g]);
        }
    }
}

/* Rows [i0, i0 + rows) of X (rows <= FK_LOWD_GROUPS * FK_VW): load them,
 * find their nearest centers. */
FK_TARGET FK_INLINE void FK_NAME(lowd_step)(
    const fk_model *m, const FK_T *X, ptrdiff_t i0, ptrdiff_t rows,
    V xs[FK_LOWD_GROUPS][FK_LOWD_MAX], V *best, IV *best_index)
{
    const ptrdiff_t d = m->d;
    const FK_T *centers = (const FK_T *)m->centers;
    for (int g = 0; g < FK_LOWD_GROUPS; g++) {
        ptrdiff_t left = rows - g * FK_VW;
        int lanes = (int)(left <= 0 ? 0 : (left < FK_VW ? left : FK_VW));
        FK_NAME(lowd_load)(X + (i0 + g * FK_VW) * d, d, lanes, xs[g]);
    }
    switch (d) {  /* constant d: unrolled feature loops */
    case 1: FK_NAME(lowd_groups)(centers, m->k, 1, xs, best, best_index); break;
    case 2: FK_NAME(lowd_groups)(centers, m->k, 2, xs, best, best_index); break;
    case 3: FK_NAME(lowd_groups)(centers, m->k, 3, xs, best, best_index); break;
    case 4: FK_NAME(lowd_groups)(centers, m->k, 4, xs, best, best_index); break;
    case 5: FK_NAME(lowd_groups)(centers, m->k, 5, xs, best, best_index); break;
    case 6: FK_NAME(lowd_groups)(centers, m->k, 6, xs, best, best_index); break;
    case 7: FK_NAME(lowd_groups)(centers, m->k, 7, xs, best, best_index); break;
    case 8: FK_NAME(lowd_groups)(centers, m->k, 8, xs, best, best_index); break;
    default: FK_NAME(lowd_groups)(centers, m->k, d, xs, best, best_index); break;
    }
}

/* Nearest center and its squared distance for rows [start, end). */
FK_TARGET static void FK_NAME(lowd_nearest)(
    const fk_model *m, const FK_T *X, ptrdiff_t start, ptrdiff_t end,
    int32_t *labels, FK_T *min_sq_dist)
{
    V xs[FK_LOWD_GROUPS][FK_LOWD_MAX], best[FK_LOWD_GROUPS];
    IV best_index[FK_LOWD_GROUPS];
    for (ptrdiff_t i0 = start; i0 < end; i0 += FK_LOWD_GROUPS * FK_VW) {
        ptrdiff_t rows = end - i0 < FK_LOWD_GROUPS * FK_VW ? end - i0 : FK_LOWD_GROUPS * FK_VW;
        FK_NAME(lowd_step)(m, X, i0, rows, xs, best, best_index);
        for (ptrdiff_t r = 0; r < rows; r++) {
            labels[i0 - start + r] = (int32_t)best_index[r / FK_VW][r % FK_VW];
            min_sq_dist[i0 - start + r] = best[r / FK_VW][r % FK_VW];
        }
    }
}

/* Rows [i0, i0 + rows) of X loaded as lowd_step loads them, with their
 * given labels in place of the nearest centers (missing lanes: label 0). */
FK_TARGET FK_INLINE void FK_NAME(lowd_labelled)(
    const FK_T *X, ptrdiff_t d, ptrdiff_t i0, ptrdiff_t rows, const int32_t *labels,
    V xs[FK_LOWD_GROUPS][FK_LOWD_MAX], IV *best_index)
{
    for (int g = 0; g < FK_LOWD_GROUPS; g++) {
        ptrdiff_t left = rows - g * FK_VW;
        int lanes = (int)(left <= 0 ? 0 : (left < FK_VW ? left : FK_VW));
        FK_NAME(lowd_load)(X + (i0 + g * FK_VW) * d, d, lanes, xs[g]);
        for (int l = 0; l < FK_VW; l++)
            best_index[g][l] = l < lanes ? (FK_I)labels[i0 + g * FK_VW + l] : 0;
    }
}

/* Add lane accumulators (cluster j: weight, then weighted features) into
 * the float64 sums, lanes in order, and zero them. */
FK_TARGET static inline void FK_NAME(lowd_flush)(
    V *acc, ptrdiff_t k, ptrdiff_t d, double *sums, double *weights)
{
    for (ptrdiff_t j = 0; j < k; j++) {
        for (ptrdiff_t slot = 0; slot <= d; slot++) {
            double total = 0.0;
            for (int l = 0; l < FK_VW; l++) total += (double)acc[j * (d + 1) + slot][l];
            if (slot == 0) weights[j] += total;
            else sums[j * d + slot - 1] += total;
            acc[j * (d + 1) + slot] = (V){0};
        }
    }
}

/* Add one step (FK_LOWD_GROUPS vectors of rows) into the lane sums of
 * every cluster: per cluster, the step is summed in registers first. */
FK_TARGET FK_INLINE void FK_NAME(lowd_accumulate)(
    V *acc, ptrdiff_t k, const ptrdiff_t d, const IV *best_index, const V *w,
    V xs[FK_LOWD_GROUPS][FK_LOWD_MAX])
{
    for (ptrdiff_t j = 0; j < k; j++) {
        V weight = (V){0}, sum[FK_LOWD_MAX];
        for (ptrdiff_t f = 0; f < d; f++) sum[f] = (V){0};
        for (int g = 0; g < FK_LOWD_GROUPS; g++) {
            V wj = FK_SELECT(best_index[g] == (FK_I)j, w[g], (V){0});
            weight += wj;
            for (ptrdiff_t f = 0; f < d; f++) sum[f] += wj * xs[g][f];
        }
        acc[j * (d + 1)] += weight;
        for (ptrdiff_t f = 0; f < d; f++) acc[j * (d + 1) + 1 + f] += sum[f];
    }
}

/* The fused Lloyd pass of the low-d path over rows [start, end) (see
 * fk_lloyd_rows). Without assign the labels are read, and the sums are
 * added in exactly the same order, so a pass that labelled the points
 * otherwise (the bounds) sums them bit for bit as Lloyd does. The lane of a row is fixed by its
 * position in the block, so the order of every addition is too. With few
 * clusters the sums (and the inertia) stay in vector lanes, in the input
 * precision, and are flushed to float64 every FK_LOWD_FLUSH_LANE_ROWS rows
 * per lane; with many, rows are added one by one, in order, in float64. */
FK_TARGET static void FK_NAME(lowd_lloyd_rows)(
    const fk_model *m, const FK_T *X, const double *sample_weight,
    ptrdiff_t start, ptrdiff_t end, int assign, int32_t *labels,
    double *sums, double *weights, double *inertia, ptrdiff_t *n_changed, int resume)
{
    const ptrdiff_t d = m->d, k = m->k;
    const ptrdiff_t step = FK_LOWD_GROUPS * FK_VW;
    const ptrdiff_t n_acc = k * (d + 1);  /* per cluster: weight, weighted features */
    const int in_lanes = n_acc < FK_LOWD_LANE_ACC;  /* one more slot: inertia */
    const ptrdiff_t flush_rows = FK_LOWD_FLUSH_LANE_ROWS * step;
    V xs[FK_LOWD_GROUPS][FK_LOWD_MAX], best[FK_LOWD_GROUPS], acc[FK_LOWD_LANE_ACC];
    IV best_index[FK_LOWD_GROUPS];
    IV changed_lanes = (IV){0};
    double block_inertia = resume ? *inertia : 0.0;
    ptrdiff_t changed = resume ? *n_changed : 0;

    if (in_lanes)
        for (ptrdiff_t a = 0; a <= n_acc; a++) acc[a] = (V){0};

    for (ptrdiff_t i0 = start; i0 < end; i0 += step) {
        ptrdiff_t rows = end - i0 < step ? end - i0 : step;
        if ((i0 - start) % flush_rows == 0 && fk_interrupt_pending()) break;  /* Ctrl-C */
        if (assign) {
            FK_NAME(lowd_step)(m, X, i0, rows, xs, best, best_index);
        } else {
            FK_NAME(lowd_labelled)(X, d, i0, rows, labels, xs, best_index);
        }
        if (!in_lanes || rows < step) {
            /* many clusters, or the short last step: row by row, in order */
            for (ptrdiff_t r = 0; r < rows; r++) {
                const ptrdiff_t i = i0 + r;
                const int32_t label = (int32_t)best_index[r / FK_VW][r % FK_VW];
                const double w = sample_weight[i];
                if (assign) {
                    block_inertia += w * (double)best[r / FK_VW][r % FK_VW];
                    if (label != labels[i]) {
                        labels[i] = label;
                        changed++;
                    }
                }
                weights[label] += w;
                for (ptrdiff_t f = 0; f < d; f++) sums[label * d + f] += w * (double)X[i * d + f];
            }
            continue;
        }
        if (i0 > start && (i0 - start) % flush_rows == 0) {
            FK_NAME(lowd_flush)(acc, k, d, sums, weights);
            for (int l = 0; l < FK_VW; l++) block_inertia += (double)acc[n_acc][l];
            acc[n_acc] = (V){0};
        }
        V w[FK_LOWD_GROUPS];
        for (int g = 0; g < FK_LOWD_GROUPS; g++) {
            const ptrdiff_t i = i0 + g * FK_VW;
            w[g] = __builtin_convertvector(*(const DV *)(sample_weight + i), V);
            if (!assign) continue;
            acc[n_acc] += w[g] * best[g];
            LV label = __builtin_convertvector(best_index[g], LV);
            if (__builtin_memcmp(&label, labels + i, sizeof(LV)) != 0) {
                LV moved = label != *(const LV *)(labels + i);
                changed_lanes -= __builtin_convertvector(moved, IV);
                *(LV *)(labels + i) = label;  /* store only on change */
            }
        }
        switch (d) {  /* constant d: the step's sums stay in registers */
        case 1: FK_NAME(lowd_accumulate)(acc, k, 1, best_index, w, xs); break;
        case 2: FK_NAME(lowd_accumulate)(acc, k, 2, best_index, w, xs); break;
        case 3: FK_NAME(lowd_accumulate)(acc, k, 3, best_index, w, xs); break;
        case 4: FK_NAME(lowd_accumulate)(acc, k, 4, best_index, w, xs); break;
        case 5: FK_NAME(lowd_accumulate)(acc, k, 5, best_index, w, xs); break;
        case 6: FK_NAME(lowd_accumulate)(acc, k, 6, best_index, w, xs); break;
        case 7: FK_NAME(lowd_accumulate)(acc, k, 7, best_index, w, xs); break;
        case 8: FK_NAME(lowd_accumulate)(acc, k, 8, best_index, w, xs); break;
        default: FK_NAME(lowd_accumulate)(acc, k, d, best_index, w, xs); break;
        }
    }
    if (in_lanes) {
        FK_NAME(lowd_flush)(acc, k, d, sums, weights);
        for (int l = 0; l < FK_VW; l++) {
            block_inertia += (double)acc[n_acc][l];
            changed += (ptrdiff_t)changed_lanes[l];
        }
    }
    *inertia = block_inertia;
    *n_changed = changed;
}

/* ---------------------------------------------------------------------------
 * chunk drivers: nearest centers of a cache-sized chunk, then per row the
 * exact squared distance, the label change and the weighted sums
 * ------------------------------------------------------------------------- */

/* Sum of the lanes of a vector, by halving (a tree: log2(FK_VW) steps). */
FK_TARGET FK_INLINE FK_T FK_NAME(lane_sum)(V v)
{
#if FK_HAVE_SHUFFLE
    const IV ids = FK_NAME(lane_ids)();
    for (int step = FK_VW / 2; step >= 1; step /= 2) v += __builtin_shuffle(v, ids ^ step);
    return v[0];
#else
    FK_T sum = 0;
    for (int l = 0; l < FK_VW; l++) sum += v[l];
    return sum;
#endif
}

/* Exact squared distance sum((x - c)^2) of two rows. Four accumulators
 * for long rows (the chain of additions, not the arithmetic, is the limit),
 * the remainder in a zero-padded vector, lanes summed as a tree: no long
 * serial chain at all, unlike a compiler's simd reduction. */
FK_TARGET FK_INLINE FK_T FK_NAME(sqdist)(const FK_T *x, const FK_T *c, ptrdiff_t d)
{
    if (d < FK_VW) {  /* short rows: two scalar chains beat filling a vector */
        FK_T even = 0, odd = 0;
        ptrdiff_t f = 0;
        for (; f + 1 < d; f += 2) {
            FK_T d0 = x[f] - c[f], d1 = x[f + 1] - c[f + 1];
            even += d0 * d0;
            odd += d1 * d1;
        }
        if (f < d) even += (x[f] - c[f]) * (x[f] - c[f]);
        return even + odd;
    }
    V acc0 = (V){0}, acc1 = (V){0}, acc2 = (V){0}, acc3 = (V){0};
    ptrdiff_t f = 0;
    for (; f + 4 * FK_VW <= d; f += 4 * FK_VW) {
        V d0 = *(const UV *)(x + f) - *(const UV *)(c + f);
        V d1 = *(const UV *)(x + f + FK_VW) - *(const UV *)(c + f + FK_VW);
        V d2 = *(const UV *)(x + f + 2 * FK_VW) - *(const UV *)(c + f + 2 * FK_VW);
        V d3 = *(const UV *)(x + f + 3 * FK_VW) - *(const UV *)(c + f + 3 * FK_VW);
        acc0 += d0 * d0;
        acc1 += d1 * d1;
        acc2 += d2 * d2;
        acc3 += d3 * d3;
    }
    for (; f + FK_VW <= d; f += FK_VW) {
        V diff = *(const UV *)(x + f) - *(const UV *)(c + f);
        acc0 += diff * diff;
    }
    if (f < d) {
        V diff = (V){0};
        for (int l = 0; l < FK_VW; l++)
            if (f + l < d) diff[l] = x[f + l] - c[f + l];
        acc1 += diff * diff;
    }
    return FK_NAME(lane_sum)((acc0 + acc1) + (acc2 + acc3));
}

/* Labels and squared distances of rows [start, end), at most chunk_rows. */
FK_TARGET static void FK_NAME(nearest_chunk)(
    const fk_model *m, const FK_T *X, ptrdiff_t start, ptrdiff_t end,
    int32_t *labels, FK_T *sq_dist)
{
    if (m->lowd) {
        FK_NAME(lowd_nearest)(m, X, start, end, labels, sq_dist);
        return;
    }
    FK_NAME(dense_nearest)(m, X, start, end, labels);
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
    for (ptrdiff_t c0 = start; c0 < end; c0 += m->chunk_rows) {
        ptrdiff_t c1 = c0 + m->chunk_rows < end ? c0 + m->chunk_rows : end;
        if (fk_interrupt_pending()) break;  /* Ctrl-C: the caller discards the labels */
        FK_NAME(nearest_chunk)(m, X, c0, c1, labels + c0, sq_dist + c0);
    }
}

/* With `resume`, the pass goes on from a previous call that ended at
 * `start` (sums, weights, *inertia and *n_changed are added to, not
 * zeroed): the additions are those of one call over both ranges when
 * `start` is a multiple of FK_NAME(lloyd_resume_rows) past the first call's
 * start (where the low-d lane sums are flushed). */
FK_TARGET static void FK_NAME(lloyd_rows)(
    const fk_model *m, const FK_T *X, const double *sample_weight,
    ptrdiff_t start, ptrdiff_t end, int assign, int32_t *labels,
    double *sums, double *weights, double *inertia, ptrdiff_t *n_changed, int resume)
{
    const ptrdiff_t d = m->d;
    double block_inertia = resume ? *inertia : 0.0;
    ptrdiff_t changed = resume ? *n_changed : 0;
    if (!resume) {
        for (ptrdiff_t j = 0; j < m->k; j++) weights[j] = 0.0;
        for (ptrdiff_t v = 0; v < m->k * d; v++) sums[v] = 0.0;
    }
    if (m->lowd) {  /* with or without assign: the same order of additions */
        FK_NAME(lowd_lloyd_rows)(m, X, sample_weight, start, end, assign, labels, sums,
                                 weights, inertia, n_changed, resume);
        return;
    }
    /* on the stack (chunk_rows <= FK_CHUNK_MAX_ROWS): a pass that cannot
     * fail for want of memory (48 KiB at most) */
    FK_T chunk_dist[FK_CHUNK_MAX_ROWS];
    int32_t chunk_labels[FK_CHUNK_MAX_ROWS];

    for (ptrdiff_t c0 = start; c0 < end; c0 += m->chunk_rows) {
        ptrdiff_t c1 = c0 + m->chunk_rows < end ? c0 + m->chunk_rows : end;
        if (fk_interrupt_pending()) break;  /* Ctrl-C: the caller discards the sums */
        if (assign) FK_NAME(nearest_chunk)(m, X, c0, c1, chunk_labels, chunk_dist);
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
    *inertia = block_inertia;
    *n_changed = changed;
}

/* ---------------------------------------------------------------------------
 * distances to the labelled centers: the exact inertia
 * ------------------------------------------------------------------------- */

/* out[i] = sum((x_i - centers[labels[i]])^2), exact, for rows [start, end). */
FK_TARGET static void FK_NAME(label_sq_dist_rows)(
    const FK_T *X, ptrdiff_t d, const FK_T *centers, const int32_t *labels,
    ptrdiff_t start, ptrdiff_t end, double *out)
{
    for (ptrdiff_t i = start; i < end; i++)
        out[i] = (double)FK_NAME(sqdist)(X + i * d, centers + labels[i] * d, d);
}

/* sum(w_i * |x_i - centers[labels[i]]|^2) over rows [start, end), in
 * float64: four partial sums (row i into sum i % 4, rows in order), added
 * at the end, so the order is fixed and the additions do not form one
 * long chain. */
FK_TARGET static void FK_NAME(inertia_parts)(
    const FK_T *X, ptrdiff_t d, const FK_T *centers, const int32_t *labels,
    const double *sample_weight, ptrdiff_t start, ptrdiff_t end, double part[4])
{
    for (ptrdiff_t i = start; i < end; i++)
        part[i & 3] += sample_weight[i]
            * (double)FK_NAME(sqdist)(X + i * d, centers + labels[i] * d, d);
}

FK_TARGET static double FK_NAME(inertia_rows)(
    const FK_T *X, ptrdiff_t d, const FK_T *centers, const int32_t *labels,
    const double *sample_weight, ptrdiff_t start, ptrdiff_t end)
{
    double part[4] = {0.0, 0.0, 0.0, 0.0};
    FK_NAME(inertia_parts)(X, d, centers, labels, sample_weight, start, end, part);
    return (part[0] + part[1]) + (part[2] + part[3]);
}

/* ---------------------------------------------------------------------------
 * k-means++: potentials of candidate centers, and the closest distances
 * ------------------------------------------------------------------------- */

/* Squared distance of rows [start, end) to a fixed point (a center, or the
 * centering offset): out[i] = sum((x_i - c)^2), summed directly in FK_T
 * (no expansion), stored as float64. */
FK_TARGET static void FK_NAME(row_sq_dist)(
    const FK_T *X, ptrdiff_t d, const FK_T *c, ptrdiff_t start, ptrdiff_t end, double *out)
{
    if (d <= FK_LOWD_MAX) {  /* rows in lanes */
        V xs[FK_LOWD_MAX];
        for (ptrdiff_t i0 = start; i0 < end; i0 += FK_VW) {
            int lanes = (int)(end - i0 < FK_VW ? end - i0 : FK_VW);
            FK_NAME(lowd_load)(X + i0 * d, d, lanes, xs);
            V dist = (V){0};
            for (ptrdiff_t f = 0; f < d; f++) {
                V diff = xs[f] - c[f];
                dist += diff * diff;
            }
            for (int l = 0; l < lanes; l++) out[i0 + l] = (double)dist[l];
        }
        return;
    }
    for (ptrdiff_t i = start; i < end; i++) out[i] = (double)FK_NAME(sqdist)(X + i * d, c, d);
}

/* Take a new center into account: closest = min(closest, |x - c|^2) and
 * weighted = w * closest, for rows [start, end). */
FK_TARGET static void FK_NAME(closest_rows)(
    const FK_T *X, ptrdiff_t d, const FK_T *center, const double *sample_weight,
    ptrdiff_t start, ptrdiff_t end, double *closest, double *weighted)
{
    double scratch[FK_CLOSEST_CHUNK];
    for (ptrdiff_t c0 = start; c0 < end; c0 += FK_CLOSEST_CHUNK) {
        ptrdiff_t c1 = c0 + FK_CLOSEST_CHUNK < end ? c0 + FK_CLOSEST_CHUNK : end;
        FK_NAME(row_sq_dist)(X, d, center, c0, c1, scratch - c0);
        for (ptrdiff_t i = c0; i < c1; i++) {
            double dist = scratch[i - c0];
            if (dist < closest[i]) closest[i] = dist;
            weighted[i] = sample_weight[i] * closest[i];
        }
    }
}

/* For every candidate j of the model (centered by the same m as x_sq):
 * total[j / FK_VW][j % FK_VW] += sum over rows [start, end) of
 * w * min(closest, |x - c_j|^2), with |x - c_j|^2 = |x - m|^2 + bias_j -
 * 2 x.c'_j (clamped at zero). Rows are added in order: per tile of FK_MR
 * rows from `start` in the input precision, then in float64. */
FK_TARGET static void FK_NAME(potentials_add)(
    const fk_model *m, const FK_T *X, const double *sample_weight, const double *x_sq,
    const double *closest, ptrdiff_t start, ptrdiff_t end,
    double total[FK_POT_MAX_VECTORS][FK_VW])
{
    const ptrdiff_t d = m->d;
    const FK_T *packed = (const FK_T *)m->packed;
    const FK_T *bias = (const FK_T *)m->bias;
    const ptrdiff_t n_vectors = 2 * m->n_panels + (m->tail ? 1 : 0);
    const FK_T *rows[FK_MR];

    for (ptrdiff_t i0 = start; i0 < end; i0 += FK_MR) {
        int n_rows = (int)(end - i0 < FK_MR ? end - i0 : FK_MR);
        FK_NAME(tile_rows)(X, d, i0, n_rows, rows);
        FK_T limit[FK_MR], norm[FK_MR], w[FK_MR];
        for (int r = 0; r < FK_MR; r++) {
            const ptrdiff_t i = i0 + (r < n_rows ? r : 0);
            limit[r] = (FK_T)closest[i];
            norm[r] = (FK_T)x_sq[i];
            w[r] = r < n_rows ? (FK_T)sample_weight[i] : 0;
        }
        for (ptrdiff_t p = 0; p * 2 < n_vectors; p++) {
            V acc[2][FK_MR];
            int width = 2;
            if (p < m->n_panels) {
                FK_NAME(tile_dot2)(rows, packed + p * d * NR, d, acc[0], acc[1]);
            } else {
                FK_NAME(tile_dot1)(rows, packed + m->n_panels * d * NR, d, acc[0]);
                width = 1;
            }
            for (int h = 0; h < width; h++) {
                const ptrdiff_t v = 2 * p + h;
                V b = *(const V *)(bias + v * FK_VW);
                V sum = (V){0};
                for (int r = 0; r < FK_MR; r++) {
                    V dist = (norm[r] + b) - (acc[h][r] + acc[h][r]);
                    dist = FK_SELECT((IV)(dist < (FK_T)0), (V){0}, dist);
                    dist = FK_SELECT((IV)(dist > limit[r]), (V){0} + limit[r], dist);
                    sum += w[r] * dist;
                }
                for (int l = 0; l < FK_VW; l++) total[v][l] += (double)sum[l];
            }
        }
    }
}

/* potentials_add from zero: potentials OUT (m->k). */
FK_TARGET static void FK_NAME(potentials_rows)(
    const fk_model *m, const FK_T *X, const double *sample_weight, const double *x_sq,
    const double *closest, ptrdiff_t start, ptrdiff_t end, double *potentials)
{
    double total[FK_POT_MAX_VECTORS][FK_VW] = {{0.0}};
    FK_NAME(potentials_add)(m, X, sample_weight, x_sq, closest, start, end, total);
    for (ptrdiff_t j = 0; j < m->k; j++) potentials[j] = total[j / FK_VW][j % FK_VW];
}

/* ---------------------------------------------------------------------------
 * k-means++ on exact distances (fk_kmeans_plusplus_steps): the candidates of
 * a model built around zero (fk_candidates_init with a zero mean, so packed
 * as they are) in vector lanes, |x - c_j|^2 = sum over the features, in
 * order, of (x_f - c_j,f)^2 in the input precision: one lane's arithmetic,
 * whichever lane and however many candidates share the vector, so a
 * distance is the same bits in the scoring pass and the update.
 * ------------------------------------------------------------------------- */

/* acc[r] = the squared distances of row rows[r] to the candidates of the
 * narrow tail (the model's last vector when it has one). */
FK_TARGET FK_INLINE void FK_NAME(seed_tile1)(const fk_model *m, const FK_T *const *rows,
                                            V acc[FK_MR])
{
    const ptrdiff_t d = m->d;
    const FK_T *panel = (const FK_T *)m->packed + m->n_panels * d * NR;
    for (int r = 0; r < FK_MR; r++) acc[r] = (V){0};
    for (ptrdiff_t f = 0; f < d; f++) {
        const V c = *(const V *)(panel + f * FK_VW);
        for (int r = 0; r < FK_MR; r++) {
            const V diff = rows[r][f] - c;
            acc[r] += diff * diff;
        }
    }
}

/* acc0[r], acc1[r] = the squared distances of row rows[r] to the candidates
 * of full panel p (its two vectors; each lane's arithmetic as seed_tile1's). */
FK_TARGET FK_INLINE void FK_NAME(seed_tile2)(const fk_model *m, const FK_T *const *rows,
                                            ptrdiff_t p, V acc0[FK_MR], V acc1[FK_MR])
{
    const ptrdiff_t d = m->d;
    const FK_T *panel = (const FK_T *)m->packed + p * d * NR;
    /* half the tile's rows at a time: their accumulators, the centers and
     * the differences stay in registers (all of them would spill one) */
    for (int r0 = 0; r0 < FK_MR; r0 += FK_MR / 2) {
        V a0[FK_MR / 2], a1[FK_MR / 2];
        for (int r = 0; r < FK_MR / 2; r++) a0[r] = a1[r] = (V){0};
        for (ptrdiff_t f = 0; f < d; f++) {
            const V c0 = *(const V *)(panel + f * NR);
            const V c1 = *(const V *)(panel + f * NR + FK_VW);
            for (int r = 0; r < FK_MR / 2; r++) {
                const FK_T x = rows[r0 + r][f];
                const V diff0 = x - c0, diff1 = x - c1;
                a0[r] += diff0 * diff0;
                a1[r] += diff1 * diff1;
            }
        }
        for (int r = 0; r < FK_MR / 2; r++) {
            acc0[r0 + r] = a0[r];
            acc1[r0 + r] = a1[r];
        }
    }
}

/* For every candidate j of the model: total[j / FK_VW][j % FK_VW] += sum over
 * rows [start, end) of w * min(closest, |x - c_j|^2) (per tile of FK_MR rows
 * from `start` in the input precision, then in float64), and, with dist not
 * NULL, dist[(first + j) * stride + i] = |x_i - c_j|^2. */
FK_TARGET static void FK_NAME(seed_rows_add)(
    const fk_model *m, const FK_T *X, const double *sample_weight, const double *closest,
    ptrdiff_t start, ptrdiff_t end, FK_T *dist, ptrdiff_t stride, ptrdiff_t first,
    double total[FK_POT_MAX_VECTORS][FK_VW])
{
    const ptrdiff_t n_vectors = 2 * m->n_panels + (m->tail ? 1 : 0);
    const FK_T *rows[FK_MR];
    for (ptrdiff_t i0 = start; i0 < end; i0 += FK_MR) {
        const int n_rows = (int)(end - i0 < FK_MR ? end - i0 : FK_MR);
        FK_T limit[FK_MR], w[FK_MR];
        FK_NAME(tile_rows)(X, m->d, i0, n_rows, rows);
        if (i0 + 3 * FK_MR <= end) {  /* the tile after next, on its way from memory */
            const char *ahead = (const char *)(X + (i0 + 2 * FK_MR) * m->d);
            for (ptrdiff_t b = 0; b < FK_MR * m->d * (ptrdiff_t)sizeof(FK_T); b += 64)
                __builtin_prefetch(ahead + b);
        }
        for (int r = 0; r < FK_MR; r++) {
            const ptrdiff_t i = i0 + (r < n_rows ? r : 0);
            limit[r] = (FK_T)closest[i];
            w[r] = r < n_rows ? (FK_T)sample_weight[i] : 0;
        }
        for (ptrdiff_t v = 0; v < n_vectors; v += 2) {
            V acc[2][FK_MR];
            const int width = v / 2 < m->n_panels ? 2 : 1;
            if (width == 2) FK_NAME(seed_tile2)(m, rows, v / 2, acc[0], acc[1]);
            else FK_NAME(seed_tile1)(m, rows, acc[0]);
            for (int h = 0; h < width; h++) {
                V sum = (V){0};
                for (int r = 0; r < FK_MR; r++)
                    sum += w[r] * FK_SELECT((IV)(acc[h][r] > limit[r]), (V){0} + limit[r],
                                            acc[h][r]);
                for (int l = 0; l < FK_VW; l++) total[v + h][l] += (double)sum[l];
                if (dist == NULL) continue;
                for (int l = 0; l < FK_VW && (v + h) * FK_VW + l < m->k; l++)
                    for (int r = 0; r < n_rows; r++)
                        dist[(first + (v + h) * FK_VW + l) * stride + i0 + r] = acc[h][r][l];
            }
        }
    }
}

/* seed_rows_add from zero: potentials OUT (m->k). */
FK_TARGET static void FK_NAME(seed_rows)(
    const fk_model *m, const FK_T *X, const double *sample_weight, const double *closest,
    ptrdiff_t start, ptrdiff_t end, FK_T *dist, ptrdiff_t stride, ptrdiff_t first,
    double *potentials)
{
    double total[FK_POT_MAX_VECTORS][FK_VW] = {{0.0}};
    FK_NAME(seed_rows_add)(m, X, sample_weight, closest, start, end, dist, stride, first,
                           total);
    for (ptrdiff_t j = 0; j < m->k; j++) potentials[j] = total[j / FK_VW][j % FK_VW];
}

/* The model's one candidate taken into account, for rows [start, end):
 * closest = min(closest, |x - c|^2) and weighted = w * closest. */
FK_TARGET static void FK_NAME(seed_closest_rows)(
    const fk_model *m, const FK_T *X, const double *sample_weight, ptrdiff_t start,
    ptrdiff_t end, double *closest, double *weighted)
{
    const FK_T *rows[FK_MR];
    for (ptrdiff_t i0 = start; i0 < end; i0 += FK_MR) {
        const int n_rows = (int)(end - i0 < FK_MR ? end - i0 : FK_MR);
        V acc[FK_MR];
        FK_NAME(tile_rows)(X, m->d, i0, n_rows, rows);
        FK_NAME(seed_tile1)(m, rows, acc);
        for (int r = 0; r < n_rows; r++) {
            const ptrdiff_t i = i0 + r;
            const double dist = (double)acc[r][0];
            if (dist < closest[i]) closest[i] = dist;
            weighted[i] = sample_weight[i] * closest[i];
        }
    }
}

/* ---------------------------------------------------------------------------
 * the model: centers laid out for this instruction set
 * ------------------------------------------------------------------------- */

/* With `given_mean` NULL the mean of the centers centers them, and few
 * features select the low-d layout; otherwise the dense layout is built,
 * centered by `given_mean` (k-means++ candidates, see potentials_rows). */
static int FK_NAME(model_init)(fk_model *m, const FK_T *centers, ptrdiff_t k, ptrdiff_t d,
                               const FK_T *given_mean)
{
    m->k = k;
    m->d = d;
    m->centers = centers;
    m->lowd = given_mean == NULL && fk_prefer_lowd(k, d);
    m->packed = m->bias = m->mean = NULL;
    m->n_panels = m->tail = 0;
    /* a chunk of rows stays in L2 between the nearest-center pass and the
     * accumulation pass over the same rows (see fk_chunk_bytes) */
    ptrdiff_t step = FK_MR * FK_VW;
    ptrdiff_t rows = fk_chunk_bytes(k * d * (ptrdiff_t)sizeof(FK_T)) / (d * (ptrdiff_t)sizeof(FK_T));
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
    FK_T *bias = (FK_T *)fk_aligned_alloc((size_t)slots * sizeof(FK_T));
    FK_T *mean = (FK_T *)fk_aligned_alloc((size_t)d * sizeof(FK_T));
    if (!packed || !bias || !mean) {
        fk_aligned_free(packed);
        fk_aligned_free(bias);
        fk_aligned_free(mean);
        return -1;
    }
    for (ptrdiff_t f = 0; f < d; f++) {
        double total = 0.0;
        for (ptrdiff_t j = 0; j < k; j++) total += (double)centers[j * d + f];
        mean[f] = given_mean ? given_mean[f] : (FK_T)(total / (double)k);
    }
    for (ptrdiff_t s = 0; s < slots; s++) {
        /* slot s holds center s: panel s / NR (or the narrow tail), lane s % width */
        ptrdiff_t width = s < full * NR ? NR : FK_VW;
        ptrdiff_t base = s < full * NR ? (s / NR) * NR : full * NR;
        FK_T *panel = packed + base * d;
        ptrdiff_t lane = s - base;
        if (s < k) {
            double offset = 0.0;  /* |c'|^2 + 2 m.c', c' = c - m */
            for (ptrdiff_t f = 0; f < d; f++) {
                FK_T value = centers[s * d + f] - mean[f];
                panel[f * width + lane] = value;
                offset += (double)value * ((double)value + 2.0 * (double)mean[f]);
            }
            bias[s] = (FK_T)offset;
        } else {
            for (ptrdiff_t f = 0; f < d; f++) panel[f * width + lane] = 0;
            bias[s] = (FK_T)INFINITY;
        }
    }
    m->packed = packed;
    m->bias = bias;
    m->mean = mean;
    return 0;
}

#ifdef FK_HALF
/* ---------------------------------------------------------------------------
 * float16 rows (their bits): the kernels above on windows of rows converted
 * to float32 (exactly) into a buffer of about FK_HALF_WINDOW_BYTES, so the
 * memory a call takes above X is that buffer. Windows start a multiple of
 * `align` rows past `start`, where a kernel's order of additions does not
 * notice the cut: the results are bitwise those of the float32 rows.
 * Each returns 0, or -1 if out of memory.
 * ------------------------------------------------------------------------- */

FK_TARGET static float *FK_NAME(half_buffer)(ptrdiff_t d, ptrdiff_t align, ptrdiff_t *rows)
{
    ptrdiff_t fit = FK_HALF_WINDOW_BYTES / (d * (ptrdiff_t)sizeof(float)) / align * align;
    *rows = fit < align ? align : fit;
    return (float *)malloc((size_t)(*rows * d) * sizeof(float));
}

/* Runs BODY for each window [w0, w1) of rows [start, end), with row i of
 * the window at Xw + i * d (float32), as the float32 kernels index rows. */
#define FK_HALF_WINDOWS(X16, d, start, end, align, BODY)                         \
    do {                                                                          \
        ptrdiff_t window_;                                                        \
        float *buffer_ = FK_NAME(half_buffer)(d, align, &window_);                \
        if (buffer_ == NULL) return -1;                                           \
        for (ptrdiff_t w0 = (start); w0 < (end); w0 += window_) {                 \
            const ptrdiff_t w1 = (end) - w0 < window_ ? (end) : w0 + window_;     \
            if (fk_interrupt_pending()) break; /* Ctrl-C: the caller discards */  \
            fk_half_to_float((X16) + w0 * (d), buffer_, (w1 - w0) * (d));         \
            const float *Xw = buffer_ - w0 * (d);                                 \
            BODY;                                                                 \
        }                                                                         \
        free(buffer_);                                                            \
    } while (0)

FK_TARGET static int FK_NAME(assign_rows_half)(
    const fk_model *m, const uint16_t *X16, ptrdiff_t start, ptrdiff_t end,
    int32_t *labels, float *sq_dist)
{
    FK_HALF_WINDOWS(X16, m->d, start, end, 1,
                    FK_NAME(assign_rows)(m, Xw, w0, w1, labels, sq_dist));
    return 0;
}

FK_TARGET static int FK_NAME(lloyd_rows_half)(
    const fk_model *m, const uint16_t *X16, const double *sample_weight,
    ptrdiff_t start, ptrdiff_t end, int assign, int32_t *labels,
    double *sums, double *weights, double *inertia, ptrdiff_t *n_changed)
{
    /* the low-d pass flushes its lane sums every that many rows */
    const ptrdiff_t align = m->lowd ? FK_LOWD_FLUSH_LANE_ROWS * FK_LOWD_GROUPS * FK_VW : 1;
    if (end <= start) {  /* nothing to convert: zeroed outputs */
        FK_NAME(lloyd_rows)(m, NULL, sample_weight, start, start, assign, labels, sums,
                            weights, inertia, n_changed, 0);
        return 0;
    }
    FK_HALF_WINDOWS(X16, m->d, start, end, align,
                    FK_NAME(lloyd_rows)(m, Xw, sample_weight, w0, w1, assign, labels, sums,
                                        weights, inertia, n_changed, w0 > start));
    return 0;
}

FK_TARGET static int FK_NAME(label_sq_dist_rows_half)(
    const uint16_t *X16, ptrdiff_t d, const float *centers, const int32_t *labels,
    ptrdiff_t start, ptrdiff_t end, double *out)
{
    FK_HALF_WINDOWS(X16, d, start, end, 1,
                    FK_NAME(label_sq_dist_rows)(Xw, d, centers, labels, w0, w1, out));
    return 0;
}

FK_TARGET static int FK_NAME(inertia_rows_half)(
    const uint16_t *X16, ptrdiff_t d, const float *centers, const int32_t *labels,
    const double *sample_weight, ptrdiff_t start, ptrdiff_t end, double *inertia)
{
    double part[4] = {0.0, 0.0, 0.0, 0.0};
    FK_HALF_WINDOWS(X16, d, start, end, 1,
                    FK_NAME(inertia_parts)(Xw, d, centers, labels, sample_weight, w0, w1,
                                           part));
    *inertia = (part[0] + part[1]) + (part[2] + part[3]);
    return 0;
}

FK_TARGET static int FK_NAME(potentials_rows_half)(
    const fk_model *m, const uint16_t *X16, const double *sample_weight, const double *x_sq,
    const double *closest, ptrdiff_t start, ptrdiff_t end, double *potentials)
{
    double total[FK_POT_MAX_VECTORS][FK_VW] = {{0.0}};
    /* tiles of FK_MR rows from `start` */
    FK_HALF_WINDOWS(X16, m->d, start, end, FK_MR,
                    FK_NAME(potentials_add)(m, Xw, sample_weight, x_sq, closest, w0, w1,
                                            total));
    for (ptrdiff_t j = 0; j < m->k; j++) potentials[j] = total[j / FK_VW][j % FK_VW];
    return 0;
}

FK_TARGET static int FK_NAME(closest_rows_half)(
    const uint16_t *X16, ptrdiff_t d, const float *center, const double *sample_weight,
    ptrdiff_t start, ptrdiff_t end, double *closest, double *weighted)
{
    FK_HALF_WINDOWS(X16, d, start, end, 1,
                    FK_NAME(closest_rows)(Xw, d, center, sample_weight, w0, w1, closest,
                                          weighted));
    return 0;
}

FK_TARGET static int FK_NAME(seed_rows_half)(
    const fk_model *m, const uint16_t *X16, const double *sample_weight, const double *closest,
    ptrdiff_t start, ptrdiff_t end, float *dist, ptrdiff_t stride, ptrdiff_t first,
    double *potentials)
{
    double total[FK_POT_MAX_VECTORS][FK_VW] = {{0.0}};
    /* tiles of FK_MR rows from `start`, as in seed_rows */
    FK_HALF_WINDOWS(X16, m->d, start, end, FK_MR,
                    FK_NAME(seed_rows_add)(m, Xw, sample_weight, closest, w0, w1, dist, stride,
                                           first, total));
    for (ptrdiff_t j = 0; j < m->k; j++) potentials[j] = total[j / FK_VW][j % FK_VW];
    return 0;
}

FK_TARGET static int FK_NAME(seed_closest_rows_half)(
    const fk_model *m, const uint16_t *X16, const double *sample_weight, ptrdiff_t start,
    ptrdiff_t end, double *closest, double *weighted)
{
    FK_HALF_WINDOWS(X16, m->d, start, end, FK_MR,
                    FK_NAME(seed_closest_rows)(m, Xw, sample_weight, w0, w1, closest,
                                               weighted));
    return 0;
}

FK_TARGET static int FK_NAME(row_sq_dist_half)(
    const uint16_t *X16, ptrdiff_t d, const float *point, ptrdiff_t start, ptrdiff_t end,
    double *out)
{
    FK_HALF_WINDOWS(X16, d, start, end, 1,
                    FK_NAME(row_sq_dist)(Xw, d, point, w0, w1, out));
    return 0;
}

#undef FK_HALF_WINDOWS
#undef FK_HALF
#endif

#undef V
#undef IV
#undef UV
#undef DV
#undef LV
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
