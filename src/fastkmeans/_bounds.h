/*
 * Triangle-inequality bounds for the exact accelerated k-means variants
 * (Hamerly, Elkan, Yinyang): one kernel, configured by how the centers are
 * grouped.
 *
 * Every point keeps its label a, an upper bound u >= |x - c_a| and one lower
 * bound per group of centers, l[g] <= min |x - c_j| over the centers j != a
 * of group g. Hamerly is one group, Elkan one group per center, Yinyang
 * about k / 10 groups. When the centers move by delta_j the bounds become
 * u + delta_a and l[g] - max_{j in g} delta_j.
 *
 * Exactness. Lloyd labels a point with the argmin of distances computed in
 * the input precision, each wrong by at most E (see fk_bounds.kappa); a
 * center whose true squared distance exceeds the smallest one by more than
 * 2E can never be Lloyd's choice. So a point (or a group) is skipped only
 * when its bounds prove that margin, every bound is rounded outwards, and a
 * point whose nearest center is not clear by 2E is labelled by Lloyd's own
 * kernel (fk_assign_rows): the labels are Lloyd's, bit for bit, at every
 * iteration.
 */
#ifndef FASTKMEANS_BOUNDS_H
#define FASTKMEANS_BOUNDS_H

#include "_kernels.h"

typedef struct {
    ptrdiff_t d, k, n_groups;
    const int32_t *group_start;  /* (n_groups + 1) first position of each group */
    const int32_t *group_of;     /* (k) group of each center */
    const int32_t *center_at;    /* (k) center at each position (group order) */
    const void *soa;             /* (d, k) centers in group order, feature-major */
    const void *centers;         /* (k, d) centers, row-major */
    const double *shift;         /* (k) upper bound on how far each center moved */
    const double *group_shift;   /* (n_groups) largest shift in each group */
    const double *half_gap;      /* (k) lower bound on half the distance to the
                                    nearest other center, or NULL */
    const double *center_dist;   /* (k, k) lower bounds on center distances, or NULL */
    /* Lloyd's error on any of its distances to x is at most
     *   E = kappa * (R (|x| + |m| + R) + (|x - m| + R)^2),
     * m the mean of the centers and R = spread >= max |c - m|: its dense
     * kernel compares |c'|^2 + 2 m.c' - 2 x.c' (c' = c - m), whose errors
     * all carry a factor |c'| <= R, and its low-d kernel sums (x - c)^2,
     * off by (d + 3) eps relative. kappa is twice (8 d + 24) eps. */
    double kappa;
    double spread;               /* R */
    double center_norm;          /* |m| */
    double gamma;                /* relative error of the distances computed here */
    const fk_model *model;       /* Lloyd's nearest-center kernel, for near-ties */
} fk_bounds;

typedef struct {
    ptrdiff_t changed;    /* labels changed */
    ptrdiff_t distances;  /* point-center distances evaluated */
} fk_bounds_stats;

/* Update the bounds and labels of rows [start, end) for new centers.
 * labels: (n) in/out; upper: (n) in/out; lower: (n, n_groups) in/out;
 * x_norm: (n) |x|. Returns -1 if out of memory, else 0. */
int fk_bounded_rows_f32(const fk_bounds *b, const float *X, const double *x_norm,
                        ptrdiff_t start, ptrdiff_t end, int32_t *labels, double *upper,
                        double *lower, fk_bounds_stats *stats);
int fk_bounded_rows_f64(const fk_bounds *b, const double *X, const double *x_norm,
                        ptrdiff_t start, ptrdiff_t end, int32_t *labels, double *upper,
                        double *lower, fk_bounds_stats *stats);

/* Bounds of rows [start, end) already labelled (by Lloyd's pass), from
 * group_gap (k, n_groups): a lower bound on the distance from each center
 * to the other centers of each group. One distance per row. */
void fk_start_bounds_f32(const fk_bounds *b, const float *X, ptrdiff_t start, ptrdiff_t end,
                         const int32_t *labels, const double *group_gap, double *upper,
                         double *lower);
void fk_start_bounds_f64(const fk_bounds *b, const double *X, ptrdiff_t start, ptrdiff_t end,
                         const int32_t *labels, const double *group_gap, double *upper,
                         double *lower);

/* row[j]: a lower bound on |c_i - c_j| (+inf for j = i); centers_t is the
 * (d, k) transpose of the centers in float64. */
void fk_center_gaps(const double *centers_t, ptrdiff_t k, ptrdiff_t d, ptrdiff_t i,
                    double *row);

#endif /* FASTKMEANS_BOUNDS_H */
