/*
 * The silhouette kernels of fastkmeans.h, compiled for the x86-64-v4 and
 * -v3 levels and the baseline (template: silhouette_impl.h) and dispatched
 * on the silhouette family's path (dispatch.c). Built with -fno-math-errno:
 * square roots in vector code need no errno (their argument is a sum of
 * squares, never negative).
 */
/* clang reports "loop not vectorized" (-Wpass-failed) where an `omp simd`
 * loop calls a directed-rounding helper or breaks early; the pragma is a
 * request: where clang cannot honour it the loop runs scalar, still correct. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpass-failed"
#endif
#include "fastkmeans.h"
#include "dispatch.h"

#include <math.h>

#define FK_SIL_COLS 16

#define FK_SIL_SUF generic
#define FK_SIL_TARGET
#include "silhouette_impl.h"

#if FK_X86
#define FK_SIL_SUF v3
#define FK_SIL_TARGET FK_TARGET_V3
#include "silhouette_impl.h"

#define FK_SIL_SUF v4
#define FK_SIL_TARGET FK_TARGET_V4
#include "silhouette_impl.h"

#define FK_SIL_DISPATCH(NAME, ...)                                            \
    switch (fk_family_path(FK_FAMILY_SILHOUETTE)) {                           \
    case FK_PATH_AVX512: NAME##_v4(__VA_ARGS__); break;                       \
    case FK_PATH_AVX2: NAME##_v3(__VA_ARGS__); break;                         \
    default: NAME##_generic(__VA_ARGS__); break;                              \
    }
#else
#define FK_SIL_DISPATCH(NAME, ...) NAME##_generic(__VA_ARGS__);
#endif

void fk_sil_cluster_sums(ptrdiff_t first, ptrdiff_t n_groups, ptrdiff_t d,
                         const double *packed, ptrdiff_t n_points,
                         const int64_t *cluster_end, ptrdiff_t n_clusters,
                         double *dist, double *cluster_sums)
{
    FK_SIL_DISPATCH(cluster_sums, first, n_groups, d, packed, n_points, cluster_end,
                    n_clusters, dist, cluster_sums)
}

void fk_sil_tile_pair(const double *packed, ptrdiff_t d, ptrdiff_t n_points,
                      ptrdiff_t tile_i, ptrdiff_t tile_j, const int64_t *cluster_end,
                      const int64_t *codes, ptrdiff_t n_clusters, double *dist,
                      double *column_sums, double *sums)
{
    FK_SIL_DISPATCH(tile_pair, packed, d, n_points, tile_i, tile_j, cluster_end, codes,
                    n_clusters, dist, column_sums, sums)
}
