/*
 * One precision and instruction set of the bounded assignment (see
 * fastkmeans.h): a template that bounds.c includes with FK_T (float or
 * double), FK_SUF (e.g. f32_v3), FK_B_TARGET (__attribute__((target(...)))
 * or empty), FK_B_ASSIGN (Lloyd's fk_assign_rows of that precision) and,
 * for one precision, FK_B_GAPS (then center_gaps is defined too).
 */
#define FK_B_CAT_(a, b) a##_##b
#define FK_B_CAT(a, b) FK_B_CAT_(a, b)
#define FK_B(name) FK_B_CAT(name, FK_SUF)

/* The two smallest squared distances from x to the centers at positions
 * [j0, j1) of the feature-major layout soa (row stride k), and the position
 * of the smallest (the first one on ties). Centers in the vector lanes: a
 * block of them in registers while streaming the features, then each lane
 * keeps its two smallest; the lanes are merged at the end. */
FK_B_INLINE void FK_B(soa_min2)(const FK_T *x, ptrdiff_t d, const FK_T *soa, ptrdiff_t k,
                                ptrdiff_t j0, ptrdiff_t j1, double *min1, double *min2,
                                ptrdiff_t *arg1)
{
    FK_T low[FK_B_BLOCK], next[FK_B_BLOCK];
    int32_t at[FK_B_BLOCK];
    for (int l = 0; l < FK_B_BLOCK; l++) {
        low[l] = next[l] = (FK_T)INFINITY;
        at[l] = 0;
    }
    for (ptrdiff_t j = j0; j < j1; j += FK_B_BLOCK) {
        const ptrdiff_t width = j1 - j < FK_B_BLOCK ? j1 - j : FK_B_BLOCK;
        FK_T acc[FK_B_BLOCK];
        for (int l = 0; l < FK_B_BLOCK; l++) acc[l] = 0;
        if (width == FK_B_BLOCK) {
            for (ptrdiff_t f = 0; f < d; f++) {
                const FK_T xf = x[f];
                const FK_T *row = soa + f * k + j;
#pragma omp simd
                for (int l = 0; l < FK_B_BLOCK; l++) {
                    FK_T diff = xf - row[l];
                    acc[l] += diff * diff;
                }
            }
        } else {
            for (ptrdiff_t f = 0; f < d; f++) {
                const FK_T xf = x[f];
                const FK_T *row = soa + f * k + j;
#pragma omp simd
                for (ptrdiff_t l = 0; l < width; l++) {
                    FK_T diff = xf - row[l];
                    acc[l] += diff * diff;
                }
            }
            for (ptrdiff_t l = width; l < FK_B_BLOCK; l++) acc[l] = (FK_T)INFINITY;
        }
        const int32_t base = (int32_t)(j - j0);
#pragma omp simd
        for (int l = 0; l < FK_B_BLOCK; l++) {
            const FK_T v = acc[l];
            const int better = v < low[l];  /* strict: the first position stays */
            next[l] = better ? low[l] : (v < next[l] ? v : next[l]);
            at[l] = better ? base + l : at[l];
            low[l] = better ? v : low[l];
        }
    }
    /* merge the lanes: the smallest, its first position, then the second
     * smallest (low <= next in every lane) */
    FK_T first = (FK_T)INFINITY, second = (FK_T)INFINITY;
    int32_t position = INT32_MAX;
#pragma omp simd reduction(min:first)
    for (int l = 0; l < FK_B_BLOCK; l++) first = low[l] < first ? low[l] : first;
#pragma omp simd reduction(min:position)
    for (int l = 0; l < FK_B_BLOCK; l++) {
        const int32_t p = low[l] == first ? at[l] : INT32_MAX;
        position = p < position ? p : position;
    }
#pragma omp simd reduction(min:second)
    for (int l = 0; l < FK_B_BLOCK; l++) {
        const FK_T v = (low[l] == first && at[l] == position) ? next[l] : low[l];
        second = v < second ? v : second;
    }
    *min1 = (double)first;
    *min2 = (double)second;
    *arg1 = position;
}

/* Squared distance of two rows, in FK_T. Partial sums in 128 bytes of
 * lanes (four AVX2 vectors), not one: a single vector's sum waits on each
 * addition's latency. The bounds allow any order of the sum (gamma). */
FK_B_INLINE FK_T FK_B(row_sq_dist)(const FK_T *x, const FK_T *c, ptrdiff_t d)
{
    enum { LANES = 128 / sizeof(FK_T) };
    FK_T part[LANES] = {0};
    ptrdiff_t f = 0;
    for (; f + LANES <= d; f += LANES) {
#pragma omp simd
        for (int l = 0; l < LANES; l++) {
            const FK_T diff = x[f + l] - c[f + l];
            part[l] += diff * diff;
        }
    }
    for (; f < d; f++) {
        const FK_T diff = x[f] - c[f];
        part[0] += diff * diff;
    }
    FK_T sum = 0;
    for (int l = 0; l < LANES; l++) sum += part[l];
    return sum;
}

/* Distances of x to every center of group g: the two smallest (values
 * computed here) and the center of the smallest. */
FK_B_INLINE ptrdiff_t FK_B(group_min2)(const fk_bounds *b, const FK_T *x, ptrdiff_t g,
                                       double *min1, int32_t *arg1, double *min2)
{
    const ptrdiff_t d = b->d, j0 = b->group_start[g], j1 = b->group_start[g + 1];
    double m1 = INFINITY, m2 = INFINITY;
    int32_t a1 = -1;
    if (j1 - j0 < FK_B_SMALL_GROUP || (d >= FK_B_ROW_MIN_D && j1 - j0 < FK_B_BLOCK)) {
        /* few centers: the rows of the row-major centers */
        for (ptrdiff_t p = j0; p < j1; p++) {
            const int32_t j = b->center_at[p];
            const double v = (double)FK_B(row_sq_dist)(x, (const FK_T *)b->centers + j * d, d);
            if (v < m1 || (v == m1 && j < a1)) {
                m2 = m1;
                m1 = v;
                a1 = j;
            } else if (v < m2) {
                m2 = v;
            }
        }
    } else {
        ptrdiff_t position;
        FK_B(soa_min2)(x, d, (const FK_T *)b->soa, b->k, j0, j1, &m1, &m2, &position);
        a1 = b->center_at[j0 + position];
    }
    *min1 = m1;
    *arg1 = a1;
    *min2 = m2;
    return j1 - j0;
}

/* out[i] = |x_i| for rows [start, end), the squares summed in float64
 * (the distance from the origin). Returns -1 if out of memory, else 0. */
FK_B_TARGET static int FK_B(row_norms)(const FK_T *X, ptrdiff_t d, ptrdiff_t start,
                                       ptrdiff_t end, double *out)
{
    FK_T *origin = (FK_T *)calloc((size_t)d, sizeof(FK_T));
    if (!origin) return -1;
    for (ptrdiff_t i = start; i < end; i++) out[i] = sqrt(fk_sq_dist_f64(X + i * d, origin, d));
    free(origin);
    return 0;
}

/* Rows of X (relative to the part) that their bounds could not settle:
 * every center searched by the dense kernel, Lloyd's own
 * (fk_nearest_two_rows gives the label fk_assign_rows gives: no near-tie
 * to resolve), then new bounds. From the kernel's compared values
 * (fk_value_terms, with off = |x - m|^2, which the kernel takes while it
 * has the row in cache: bounded_rows need not read the row at all) every
 * group's lower bound comes from the second smallest value, u from the
 * label's (fk_label_upper). Returns -1 if out of memory, else 0. */
FK_B_TARGET static int FK_B(dense_search)(
    const fk_bounds *b, const FK_T *X, const double *x_norm, const fk_open_rows *open,
    int32_t *labels, double *upper, double *lower, ptrdiff_t *changed)
{
    const ptrdiff_t t = b->n_groups, count = open->n;
    FK_T *values = (FK_T *)malloc((size_t)count * 2 * sizeof(FK_T));
    int32_t *found = (int32_t *)malloc((size_t)count * sizeof(int32_t));
    if (!values || !found) {
        free(values);
        free(found);
        return -1;
    }
    FK_B_TWO(b->model, X, open->row, count, found, values, values + count, open->off);
    for (ptrdiff_t h = 0; h < count; h++) {
        const ptrdiff_t i = open->row[h];
        const int32_t label = found[h];
        const fk_value_terms terms = fk_value_terms_of(b, x_norm[i], open->off[h]);
        const double low = fk_value_lower((double)values[count + h], terms);
        upper[i] = fk_label_upper(b, label == labels[i], open->dist[h], (double)values[h], terms);
        for (ptrdiff_t g = 0; g < t; g++) lower[i * t + g] = low;
        if (label != labels[i]) {
            labels[i] = label;
            (*changed)++;
        }
    }
    free(values);
    free(found);
    return 0;
}

/* The rows of `batch` (relative to the part): each searched in its groups
 * only (every group its bounds left open, and its label's), each group's
 * rows together through that group's model (b->groups). The group models
 * give the values the whole model gives (fk_model_part_init), and no
 * center of another group can come within 2E of the nearest, so the
 * smallest value (the lowest center on ties) is Lloyd's label. New bounds
 * as in dense_search, the lower bound of each searched group from its own
 * values; the other groups keep theirs. Returns -1 if out of memory. */
FK_B_TARGET static int FK_B(group_search)(
    const fk_bounds *b, const FK_T *X, const double *x_norm, const fk_batch *batch,
    int32_t *labels, double *upper, double *lower, ptrdiff_t *changed, ptrdiff_t *distances)
{
    const ptrdiff_t t = b->n_groups, pairs = batch->n_pairs;
    const int32_t *group_start = b->group_start, *center_at = b->center_at;
    const fk_open_rows *open = &batch->rows;
    /* the pairs in group order: pair q at position at[q] */
    ptrdiff_t *next = (ptrdiff_t *)calloc((size_t)t + 1, sizeof(ptrdiff_t));
    ptrdiff_t *at = (ptrdiff_t *)malloc((size_t)pairs * sizeof(ptrdiff_t));
    int32_t *ids = (int32_t *)malloc((size_t)pairs * 2 * sizeof(int32_t));
    FK_T *values = (FK_T *)malloc((size_t)pairs * 2 * sizeof(FK_T));
    if (!next || !at || !ids || !values) {
        free(next);
        free(at);
        free(ids);
        free(values);
        return -1;
    }
    int32_t *found = ids + pairs;
    for (ptrdiff_t q = 0; q < pairs; q++) next[batch->group[q] + 1]++;
    for (ptrdiff_t g = 0; g < t; g++) next[g + 1] += next[g];
    for (ptrdiff_t r = 0; r < open->n; r++)
        for (ptrdiff_t q = batch->first[r]; q < batch->first[r + 1]; q++) {
            at[q] = next[batch->group[q]]++;
            ids[at[q]] = open->row[r];
        }
    /* next[g] is now where group g + 1 starts */
    for (ptrdiff_t g = 0; g < t; g++) {
        const ptrdiff_t p0 = g == 0 ? 0 : next[g - 1], count = next[g] - p0;
        if (count == 0) continue;
        FK_B_TWO(&b->groups->models[g], X, ids + p0, count, found + p0, values + p0,
                 values + pairs + p0, NULL);
        *distances += count * (group_start[g + 1] - group_start[g]);
    }
    for (ptrdiff_t r = 0; r < open->n; r++) {
        const ptrdiff_t i = open->row[r], q0 = batch->first[r], q1 = batch->first[r + 1];
        int32_t label = INT32_MAX;
        FK_T best = (FK_T)INFINITY;
        for (ptrdiff_t q = q0; q < q1; q++) {
            const int32_t c = center_at[group_start[batch->group[q]] + found[at[q]]];
            const FK_T v = values[at[q]];
            if (v < best || (v == best && c < label)) {
                best = v;
                label = c;
            }
        }
        const fk_value_terms terms = fk_value_terms_of(b, x_norm[i], open->off[r]);
        upper[i] = fk_label_upper(b, label == labels[i], open->dist[r], (double)best, terms);
        /* a searched group's lower bound excludes the label alone */
        for (ptrdiff_t q = q0; q < q1; q++) {
            const ptrdiff_t g = batch->group[q], p = at[q];
            const int32_t c = center_at[group_start[g] + found[p]];
            lower[i * t + g] = fk_value_lower((double)(c == label ? values[pairs + p] : values[p]),
                                              terms);
        }
        if (label != labels[i]) {
            labels[i] = label;
            (*changed)++;
        }
    }
    free(next);
    free(at);
    free(ids);
    free(values);
    return 0;
}

FK_B_TARGET static int FK_B(bounded_rows)(
    const fk_bounds *b, const FK_T *X, const double *x_norm, ptrdiff_t start,
    ptrdiff_t end, int32_t *labels, double *upper, double *lower, fk_bounds_stats *stats)
{
    /* locals, so that stores to the bounds cannot alias them */
    const ptrdiff_t d = b->d, t = b->n_groups;
    const double gamma = b->gamma, kappa2 = 2.0 * b->kappa;
    const double spread = b->spread, center_norm = b->center_norm;
    const double *restrict shift = b->shift;
    const double *restrict group_shift = b->group_shift;
    const double *restrict half_gap = b->half_gap;
    const FK_T *restrict centers = (const FK_T *)b->centers;
    const ptrdiff_t rows = end - start;
    /* rows that their bounds leave open, with the dense kernel (not Elkan,
     * whose bounds are per center): searched together after the loop, over
     * every center (`hard`) or, with Yinyang's groups, over their open
     * groups (`batch`) */
    const int dense = !b->model->lowd && b->center_dist == NULL;
    const int batched = dense && t > 1;
    const FK_T *mean = dense ? (const FK_T *)b->model->mean : NULL;
    fk_open_rows hard = {0};
    fk_batch batch = {0};
    int status = 0;
    double *min1 = (double *)malloc((size_t)t * 2 * sizeof(double));
    int32_t *arg1 = (int32_t *)malloc((size_t)t * sizeof(int32_t));
    unsigned char *seen = (unsigned char *)malloc((size_t)t);
    if (!min1 || !arg1 || !seen || (dense && fk_open_rows_init(&hard, rows) != 0) ||
        (batched && fk_batch_init(&batch, rows, t) != 0)) {
        status = -1;
        goto done;
    }
    double *min2 = min1 + t;
    ptrdiff_t changed = 0, distances = 0, tightened = 0, settled = 0;

    for (ptrdiff_t i = start; i < end; i++) {
        if ((i - start) % 256 == 0 && fk_interrupt_pending()) break;  /* Ctrl-C */
        const FK_T *x = X + i * d;
        double *restrict lg = lower + i * t;
        /* 2E with |x - m| <= u + spread (see fk_bounds.kappa): u is an
         * upper bound on |x - c_a| at every use below */
        const double far = spread * (x_norm[i] + center_norm + spread);
#define FK_B_MARGIN(u) (kappa2 * (far + ((u) + 2.0 * spread) * ((u) + 2.0 * spread)))
        const int32_t a = labels[i];
        if (dense && a < 0) {  /* no label yet (the first pass): every center */
            fk_open_rows_add(&hard, i - start, -1.0, 0.0);  /* off: from the search */
            continue;
        }
        double u, dist_a;
        {
            /* the centers moved: widen the bounds */
            u = fk_add_up(upper[i], shift[a]);
            double lowest;
            if (t == 1) {
                lowest = lg[0] = fk_sub_down(lg[0], group_shift[0]);
            } else {
                lowest = INFINITY;
#pragma omp simd reduction(min:lowest)
                for (ptrdiff_t g = 0; g < t; g++) {
                    const double v = fk_sub_down(lg[g], group_shift[g]);
                    lg[g] = v;
                    lowest = v < lowest ? v : lowest;
                }
            }
            double beyond = lowest;
            if (half_gap) beyond = fk_max(beyond, fk_sub_down(2.0 * half_gap[a], u));
            if (fk_certain(beyond, u, FK_B_MARGIN(u))) {
                upper[i] = u;
                continue;
            }
            /* tighten u to the distance itself, and try again; or leave the
             * row unread for the search (see fk_bounds.tighten) */
            if (dense && !b->tighten && i % FK_B_TIGHTEN_SAMPLE != 0) {
                dist_a = -1.0;
            } else {
                dist_a = (double)FK_B(row_sq_dist)(x, centers + a * d, d);
                distances++;
                tightened++;
                u = fk_up(dist_a, gamma);
                beyond = lowest;
                if (half_gap) beyond = fk_max(beyond, fk_sub_down(2.0 * half_gap[a], u));
                if (fk_certain(beyond, u, FK_B_MARGIN(u))) {
                    upper[i] = u;
                    settled++;
                    continue;
                }
            }
        }
        const double margin = FK_B_MARGIN(u);
        if (dense) {
            if (batched) {  /* its open groups and its label's, unless too many */
                if (fk_batch_reserve(&batch, t) != 0) {
                    status = -1;
                    break;
                }
                const int32_t group_a = b->group_of[a];
                ptrdiff_t open = 0, centers_open = 0;
                for (ptrdiff_t g = 0; g < t; g++)
                    if (g == group_a || !fk_certain(lg[g], u, margin)) {
                        batch.group[batch.n_pairs + open++] = (int32_t)g;
                        centers_open += b->group_start[g + 1] - b->group_start[g];
                    }
                if (centers_open * FK_B_BATCH_SHARE < b->k) {
                    /* |x - m|^2 here: the group models' search does not take it */
                    fk_open_rows_add(&batch.rows, i - start, dist_a,
                                     fk_sq_dist_f64(x, mean, d));
                    batch.first[batch.rows.n] = batch.n_pairs += open;
                    continue;
                }
            }
            fk_open_rows_add(&hard, i - start, dist_a, 0.0);  /* off: from the search */
            continue;
        }

        /* search the groups the bounds cannot rule out */
        int32_t best = a;
        double best_dist = dist_a, best_u = u;
        for (ptrdiff_t g = 0; g < t; g++) {
            seen[g] = 0;
            if (fk_certain(lg[g], best_u, margin)) continue;
            if (b->center_dist && b->group_start[g + 1] - b->group_start[g] == 1) {
                /* Elkan: |x - c_j| >= |c_a - c_j| - |x - c_a| */
                const int32_t j = b->center_at[b->group_start[g]];
                if (j != a) {
                    lg[g] = fk_max(lg[g], fk_sub_down(b->center_dist[a * b->k + j], u));
                    if (fk_certain(lg[g], best_u, margin)) continue;
                }
            }
            seen[g] = 1;
            distances += FK_B(group_min2)(b, x, g, &min1[g], &arg1[g], &min2[g]);
            if (min1[g] < best_dist || (min1[g] == best_dist && arg1[g] < best)) {
                best = arg1[g];
                best_dist = min1[g];
                best_u = fk_up(best_dist, gamma);
            }
        }

        /* is best clear of every other center by the margin? */
        const ptrdiff_t group_a = b->group_of[a];
        double second = INFINITY;
        for (ptrdiff_t g = 0; g < t; g++) {
            const double v = seen[g] ? fk_down(arg1[g] == best ? min2[g] : min1[g], gamma)
                                     : lg[g];
            if (v < second) second = v;
        }
        if (a != best && !seen[group_a]) second = fmin(second, fk_down(dist_a, gamma));
        int32_t label = best;
        if (!fk_certain(second, best_u, margin)) {
            /* a near-tie: Lloyd's kernel decides, then every distance anew */
            FK_T unused;
            FK_B_ASSIGN(b->model, x, 0, 1, &label, &unused);  /* x: its own one-row matrix */
            distances += b->k;
            for (ptrdiff_t g = 0; g < t; g++) {
                seen[g] = 1;
                distances += FK_B(group_min2)(b, x, g, &min1[g], &arg1[g], &min2[g]);
            }
        }

        /* new bounds around the label */
        const ptrdiff_t group_label = b->group_of[label];
        double label_dist;
        if (seen[group_label] && arg1[group_label] == label) {
            label_dist = min1[group_label];
        } else if (label == a) {
            label_dist = dist_a;
        } else {  /* Lloyd chose a center that ties with its group's argmin */
            label_dist = (double)FK_B(row_sq_dist)(x, (const FK_T *)b->centers + label * d, d);
            distances++;
        }
        upper[i] = fk_up(label_dist, gamma);
        /* a seen group's lower bound excludes the label alone */
        for (ptrdiff_t g = 0; g < t; g++)
            if (seen[g]) lg[g] = fk_down(arg1[g] == label ? min2[g] : min1[g], gamma);
        if (a != label && !seen[group_a]) lg[group_a] = fmin(lg[group_a], fk_down(dist_a, gamma));
        if (label != labels[i]) {
            labels[i] = label;
            changed++;
        }
    }
    /* after a Ctrl-C the caller discards the pass */
    if (status == 0 && hard.n > 0 && !fk_interrupt_pending()) {
        status = FK_B(dense_search)(b, X + start * d, x_norm + start, &hard, labels + start,
                                    upper + start, lower + start * t, &changed);
        distances += hard.n * b->k;
    }
    if (status == 0 && batch.rows.n > 0 && !fk_interrupt_pending())
        status = FK_B(group_search)(b, X + start * d, x_norm + start, &batch, labels + start,
                                    upper + start, lower + start * t, &changed, &distances);
    stats->changed = changed;
    stats->distances = distances;
    stats->grouped = batch.rows.n;
    stats->tightened = tightened;
    stats->settled = settled;
done:
    free(min1);
    free(arg1);
    free(seen);
    fk_open_rows_free(&hard);
    fk_batch_free(&batch);
    return status;
}

/* Bounds for rows [start, end) just labelled by Lloyd's own pass: u from
 * the distance to the label, each group's lower bound from the triangle
 * inequality, |x - c_j| >= |c_a - c_j| - |x - c_a| (group_gap[a, g]: a
 * lower bound on the distance from center a to the other centers of g). */
FK_B_TARGET static void FK_B(start_bounds)(
    const fk_bounds *b, const FK_T *X, ptrdiff_t start, ptrdiff_t end,
    const int32_t *labels, const double *group_gap, double *upper, double *lower)
{
    const ptrdiff_t d = b->d, t = b->n_groups;
    const FK_T *centers = (const FK_T *)b->centers;
    for (ptrdiff_t i = start; i < end; i++) {
        const int32_t a = labels[i];
        const double u = fk_up((double)FK_B(row_sq_dist)(X + i * d, centers + a * d, d),
                               b->gamma);
        const double *gaps = group_gap + a * t;
        double *restrict lg = lower + i * t;
        upper[i] = u;
        for (ptrdiff_t g = 0; g < t; g++) lg[g] = fk_sub_down(gaps[g], u);
    }
}

#ifdef FK_B_GAPS
/* Lower bounds on the distances from center i to every center (row[i] is
 * +inf): direct differences in float64, rounded down. centers_t is the
 * (d, k) transpose of the centers, so the centers fill the vector lanes. */
FK_B_TARGET static void FK_B(center_gaps)(const double *centers_t, ptrdiff_t k, ptrdiff_t d,
                                          ptrdiff_t i, double *row)
{
    const double shrink = (1.0 - (2.0 * (double)d + 8.0) * 0x1p-53) * (1.0 - FK_B_WIDEN);
    for (ptrdiff_t j = 0; j < k; j++) row[j] = 0.0;
    for (ptrdiff_t f = 0; f < d; f++) {
        const double *values = centers_t + f * k;
        const double ci = values[i];
#pragma omp simd
        for (ptrdiff_t j = 0; j < k; j++) {
            double diff = ci - values[j];
            row[j] += diff * diff;
        }
    }
#pragma omp simd
    for (ptrdiff_t j = 0; j < k; j++) row[j] = sqrt(row[j]) * shrink;
    row[i] = INFINITY;
}
#undef FK_B_GAPS
#endif

#undef FK_B_MARGIN
#undef FK_B_CAT_
#undef FK_B_CAT
#undef FK_B
#undef FK_T
#undef FK_SUF
#undef FK_B_ASSIGN
#undef FK_B_TWO
#undef FK_B_TARGET
