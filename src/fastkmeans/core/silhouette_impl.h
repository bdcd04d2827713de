/*
 * One instruction set of the silhouette kernels (see fastkmeans.h): a
 * template that silhouette.c includes with FK_SIL_SUF (generic, v3, v4)
 * and FK_SIL_TARGET (__attribute__((target(...))) or empty). For a group
 * of rows, the sum of Euclidean distances to every point of each cluster,
 * computed from direct differences (no expansion, so no cancellation) in
 * float64.
 *
 * The points are sorted by cluster and packed in tiles of FK_SIL_TILE
 * columns, transposed (tile, feature, column), so that a register tile of
 * FK_SIL_ROWS rows x FK_SIL_COLS columns is updated with vector loads.
 * Each row's per-cluster sums are added in a fixed order (tile by tile,
 * column by column), whatever the thread count: results are deterministic.
 */
#define FK_SIL_CAT_(a, b) a##_##b
#define FK_SIL_CAT(a, b) FK_SIL_CAT_(a, b)
#define FK_SIL(name) FK_SIL_CAT(name, FK_SIL_SUF)

/*
 * dist[r * FK_SIL_TILE + j] = |point r - column j of tile| for the
 * FK_SIL_ROWS points that start at column `first` of the packed tile
 * `points` (both tiles are (d, FK_SIL_TILE): a point's features are a
 * column).
 */
static inline __attribute__((always_inline)) void
FK_SIL(tile_distances)(const double *points, ptrdiff_t first, ptrdiff_t d, const double *tile,
                      double *dist)
{
    for (ptrdiff_t j0 = 0; j0 < FK_SIL_TILE; j0 += FK_SIL_COLS) {
        double a0[FK_SIL_COLS] = {0}, a1[FK_SIL_COLS] = {0};
        double a2[FK_SIL_COLS] = {0}, a3[FK_SIL_COLS] = {0};
        for (ptrdiff_t k = 0; k < d; k++) {
            const double *y = tile + k * FK_SIL_TILE + j0;
            const double *x = points + k * FK_SIL_TILE + first;
            const double x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
#pragma omp simd
            for (ptrdiff_t j = 0; j < FK_SIL_COLS; j++) {
                const double t0 = x0 - y[j], t1 = x1 - y[j];
                const double t2 = x2 - y[j], t3 = x3 - y[j];
                a0[j] += t0 * t0;
                a1[j] += t1 * t1;
                a2[j] += t2 * t2;
                a3[j] += t3 * t3;
            }
        }
#pragma omp simd
        for (ptrdiff_t j = 0; j < FK_SIL_COLS; j++) {
            dist[j0 + j] = a0[j];
            dist[FK_SIL_TILE + j0 + j] = a1[j];
            dist[2 * FK_SIL_TILE + j0 + j] = a2[j];
            dist[3 * FK_SIL_TILE + j0 + j] = a3[j];
        }
    }
    /* a loop of its own, so that the square roots are vector instructions */
#pragma omp simd
    for (ptrdiff_t j = 0; j < FK_SIL_ROWS * FK_SIL_TILE; j++)
        dist[j] = sqrt(dist[j]);
}

/*
 * cluster_sums[r * n_clusters + c] = sum of |x_r - p| over the points p of
 * cluster c, for the n_groups * FK_SIL_ROWS points x_r from point `first`
 * on (all in one tile). packed: (n_tiles, d, FK_SIL_TILE), points sorted by
 * cluster; cluster c holds the sorted points [cluster_end[c - 1],
 * cluster_end[c]). dist: scratch of FK_SIL_ROWS * FK_SIL_TILE doubles per
 * group (n_groups of them, so that a tile is read once for all groups).
 */
FK_SIL_TARGET
static void FK_SIL(cluster_sums)(ptrdiff_t first, ptrdiff_t n_groups, ptrdiff_t d,
                                 const double *packed, ptrdiff_t n_points,
                                 const int64_t *cluster_end, ptrdiff_t n_clusters,
                                 double *dist, double *cluster_sums)
{
    const ptrdiff_t n_rows = n_groups * FK_SIL_ROWS;
    const double *points = packed + (first / FK_SIL_TILE) * d * FK_SIL_TILE;
    const ptrdiff_t offset = first % FK_SIL_TILE;
    for (ptrdiff_t i = 0; i < n_rows * n_clusters; i++)
        cluster_sums[i] = 0.0;
    ptrdiff_t cluster = 0;
    for (ptrdiff_t col0 = 0; col0 < n_points; col0 += FK_SIL_TILE) {
        const double *tile = packed + (col0 / FK_SIL_TILE) * d * FK_SIL_TILE;
        const ptrdiff_t col1 = col0 + FK_SIL_TILE < n_points ? col0 + FK_SIL_TILE : n_points;
        for (ptrdiff_t g = 0; g < n_groups; g++)
            FK_SIL(tile_distances)(points, offset + g * FK_SIL_ROWS, d, tile,
                                  dist + g * FK_SIL_ROWS * FK_SIL_TILE);
        /* the clusters met in this tile, in column order */
        ptrdiff_t start = col0;
        while (start < col1) {
            const ptrdiff_t end = cluster_end[cluster] < col1 ? cluster_end[cluster] : col1;
            for (ptrdiff_t r = 0; r < n_rows; r++) {
                const double *row_dist = dist + r * FK_SIL_TILE - col0;
                double sum = 0.0;
#pragma omp simd reduction(+:sum)
                for (ptrdiff_t j = start; j < end; j++)
                    sum += row_dist[j];
                cluster_sums[r * n_clusters + cluster] += sum;
            }
            start = end;
            if (end == cluster_end[cluster])
                cluster++;
        }
    }
}

#define FK_SIL_MIN(a, b) ((a) < (b) ? (a) : (b))

/*
 * Every distance between the points of tiles I and J, computed once and
 * added to the per-cluster sums of both tiles' points: for a point i of
 * tile I, sums[i * n_clusters + c] += the sum of |x_i - x_j| over the points
 * j of tile J in cluster c, and the same for the points of tile J with
 * the roles swapped. For I == J only the first half is added (it already
 * holds every pair inside the tile once per point).
 *
 * packed: all points, sorted by cluster, zero-padded to whole tiles,
 * (n_tiles, d, FK_SIL_TILE); codes: cluster of
 * every sorted point. dist: scratch of FK_SIL_ROWS * FK_SIL_TILE doubles;
 * column_sums: scratch of FK_SIL_TILE doubles per cluster of tile I.
 * The caller makes sure no two calls at once touch the same tile.
 */
FK_SIL_TARGET
static void FK_SIL(tile_pair)(const double *packed, ptrdiff_t d,
                              ptrdiff_t n_points, ptrdiff_t tile_i, ptrdiff_t tile_j,
                              const int64_t *cluster_end, const int64_t *codes,
                              ptrdiff_t n_clusters, double *dist, double *column_sums,
                              double *sums)
{
    const ptrdiff_t row0 = tile_i * FK_SIL_TILE, col0 = tile_j * FK_SIL_TILE;
    const ptrdiff_t row1 = FK_SIL_MIN(row0 + FK_SIL_TILE, n_points);
    const ptrdiff_t col1 = FK_SIL_MIN(col0 + FK_SIL_TILE, n_points);
    const ptrdiff_t n_cols = col1 - col0;
    const int both = tile_i != tile_j;
    const int64_t first_cluster = codes[row0], last_cluster = codes[row1 - 1];
    const double *tile = packed + tile_j * d * FK_SIL_TILE;
    const double *points = packed + tile_i * d * FK_SIL_TILE;
    if (both)
        for (ptrdiff_t i = 0; i < (last_cluster - first_cluster + 1) * FK_SIL_TILE; i++)
            column_sums[i] = 0.0;
    for (ptrdiff_t r0 = row0; r0 < row1; r0 += FK_SIL_ROWS) {
        const ptrdiff_t n_r = FK_SIL_MIN(FK_SIL_ROWS, row1 - r0);
        FK_SIL(tile_distances)(points, r0 - row0, d, tile, dist);
        /* rows of tile I: the runs of tile J's columns, cluster by cluster */
        ptrdiff_t start = col0;
        int64_t cluster = codes[col0];
        while (start < col1) {
            const ptrdiff_t end = FK_SIL_MIN((ptrdiff_t)cluster_end[cluster], col1);
            for (ptrdiff_t r = 0; r < n_r; r++) {
                const double *row_dist = dist + r * FK_SIL_TILE - col0;
                double sum = 0.0;
#pragma omp simd reduction(+:sum)
                for (ptrdiff_t j = start; j < end; j++)
                    sum += row_dist[j];
                sums[(r0 + r) * n_clusters + cluster] += sum;
            }
            start = end;
            cluster++;
        }
        /* columns of tile J: summed over the rows of each cluster of tile I */
        if (both)
            for (ptrdiff_t r = 0; r < n_r; r++) {
                double *acc = column_sums + (codes[r0 + r] - first_cluster) * FK_SIL_TILE;
                const double *row_dist = dist + r * FK_SIL_TILE;
#pragma omp simd
                for (ptrdiff_t j = 0; j < n_cols; j++)
                    acc[j] += row_dist[j];
            }
    }
    if (both)
        for (int64_t q = first_cluster; q <= last_cluster; q++) {
            const double *acc = column_sums + (q - first_cluster) * FK_SIL_TILE;
            for (ptrdiff_t j = 0; j < n_cols; j++)
                sums[(col0 + j) * n_clusters + q] += acc[j];
        }
}

#undef FK_SIL_MIN
#undef FK_SIL_CAT_
#undef FK_SIL_CAT
#undef FK_SIL
#undef FK_SIL_SUF
#undef FK_SIL_TARGET
