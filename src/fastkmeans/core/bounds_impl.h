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

/* Squared distance of two rows, in FK_T. */
FK_B_INLINE FK_T FK_B(row_sq_dist)(const FK_T *x, const FK_T *c, ptrdiff_t d)
{
    FK_T sum = 0;
#pragma omp simd reduction(+:sum)
    for (ptrdiff_t f = 0; f < d; f++) {
        FK_T diff = x[f] - c[f];
        sum += diff * diff;
    }
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

/* Rows ids[0 .. count) of X (relative to the block) that their bounds could
 * not settle: every center searched by the dense kernel, Lloyd's own
 * (fk_nearest_two_rows gives the label fk_assign_rows gives: no near-tie
 * to resolve), then new bounds. u from the exact distance to the label;
 * every group's lower bound from the second smallest compared value v2:
 * the kernel compares |x - c|^2 - |x - m|^2 within E (fk_bounds.kappa), so
 * no other center is nearer than sqrt(v2 + |x - m|^2 - E), each term
 * rounded down. Returns -1 if out of memory, else 0. */
FK_B_TARGET static int FK_B(dense_search)(
    const fk_bounds *b, const FK_T *X, const double *x_norm, const int32_t *ids,
    ptrdiff_t count, int32_t *labels, double *upper, double *lower, ptrdiff_t *changed)
{
    const ptrdiff_t d = b->d, t = b->n_groups;
    const double spread = b->spread, center_norm = b->center_norm;
    /* |x - m|^2 summed here in float64: within (2 d + 8) eps64 */
    const double sum_error = (2.0 * (double)d + 8.0) * 0x1p-53;
    const FK_T *centers = (const FK_T *)b->centers;
    const FK_T *mean = (const FK_T *)b->model->mean;
    FK_T *values = (FK_T *)malloc((size_t)count * 2 * sizeof(FK_T));
    int32_t *found = (int32_t *)malloc((size_t)count * sizeof(int32_t));
    if (!values || !found) {
        free(values);
        free(found);
        return -1;
    }
    FK_B_TWO(b->model, X, ids, count, found, values, values + count);
    for (ptrdiff_t h = 0; h < count; h++) {
        const ptrdiff_t i = ids[h];
        const FK_T *x = X + i * d;
        const int32_t label = found[h];
        double off = 0.0;  /* |x - m|^2 */
        for (ptrdiff_t f = 0; f < d; f++) {
            const double diff = (double)x[f] - (double)mean[f];
            off += diff * diff;
        }
        const double second = (double)values[count + h];
        double low = INFINITY;  /* k = 1: no other center */
        if (second < INFINITY) {
            const double off_down = off * (1.0 - sum_error);
            const double reach = sqrt(off * (1.0 + sum_error)) * (1.0 + FK_B_WIDEN) + spread;
            const double error = b->kappa * (spread * (x_norm[i] + center_norm + spread)
                                             + reach * reach);
            double v = second + off_down - error;
            v -= (fabs(second) + off_down + error) * FK_B_WIDEN;
            low = v > 0 ? sqrt(v) * (1.0 - FK_B_WIDEN) : 0.0;
        }
        upper[i] = fk_up((double)FK_B(row_sq_dist)(x, centers + label * d, d), b->gamma);
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
    double *min1 = (double *)malloc((size_t)t * 2 * sizeof(double));
    int32_t *arg1 = (int32_t *)malloc((size_t)t * sizeof(int32_t));
    unsigned char *seen = (unsigned char *)malloc((size_t)t);
    if (!min1 || !arg1 || !seen) {
        free(min1);
        free(arg1);
        free(seen);
        return -1;
    }
    double *min2 = min1 + t;
    ptrdiff_t changed = 0, distances = 0;
    /* rows that need (nearly) every center: searched together by the
     * dense kernel after the loop (not Elkan, whose bounds are per center) */
    const int dense = !b->model->lowd && b->center_dist == NULL;
    int32_t *hard = dense ? (int32_t *)malloc((size_t)(end - start) * sizeof(int32_t)) : NULL;
    ptrdiff_t n_hard = 0;
    if (dense && !hard) {
        free(min1);
        free(arg1);
        free(seen);
        return -1;
    }

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
            hard[n_hard++] = (int32_t)(i - start);
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
            /* tighten u to the distance itself, and try again */
            dist_a = (double)FK_B(row_sq_dist)(x, centers + a * d, d);
            distances++;
            u = fk_up(dist_a, gamma);
            beyond = lowest;
            if (half_gap) beyond = fk_max(beyond, fk_sub_down(2.0 * half_gap[a], u));
            if (fk_certain(beyond, u, FK_B_MARGIN(u))) {
                upper[i] = u;
                continue;
            }
        }
        const double margin = FK_B_MARGIN(u);
        if (dense) {
            ptrdiff_t open = 0;
            for (ptrdiff_t g = 0; g < t; g++) open += !fk_certain(lg[g], u, margin);
            if (open * FK_B_DENSE_SHARE >= t) {
                hard[n_hard++] = (int32_t)(i - start);
                continue;
            }
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
    free(min1);
    free(arg1);
    free(seen);
    int status = 0;
    if (n_hard > 0 && !fk_interrupt_pending())  /* Ctrl-C: the caller discards the pass */
        status = FK_B(dense_search)(b, X + start * d, x_norm + start, hard, n_hard,
                                    labels + start, upper + start, lower + start * t, &changed);
    distances += n_hard * (b->k + 1);
    free(hard);
    stats->changed = changed;
    stats->distances = distances;
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
