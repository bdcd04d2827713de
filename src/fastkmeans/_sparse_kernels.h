/*
 * Vector kernels of the sparse (CSR) path: the dot products of one row with
 * every center, from the centers stored transposed (see _sparse.pyx).
 * Compiled per instruction set in _sparse_kernels.c; `path` is an FK_PATH_*
 * of _kernels.h (an unsupported path falls back to the generic one only if
 * the caller checks: pass the active path).
 */
#ifndef FASTKMEANS_SPARSE_KERNELS_H
#define FASTKMEANS_SPARSE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* Values of one cache line: the transposed centers' width is a multiple of it. */
#define FK_SPARSE_LINE_BYTES 64

/* dots[c] = sum_{p in [p0, p1)} data[p] * ct[indices[p] * width + c] for c < width.
 * ct must be aligned to FK_SPARSE_LINE_BYTES and width a multiple of
 * FK_SPARSE_LINE_BYTES / sizeof(value). */
void fk_sparse_dots_f32_i32(int path, const float *data, const int32_t *indices,
                            ptrdiff_t p0, ptrdiff_t p1, const float *ct, ptrdiff_t width,
                            float *dots);
void fk_sparse_dots_f32_i64(int path, const float *data, const int64_t *indices,
                            ptrdiff_t p0, ptrdiff_t p1, const float *ct, ptrdiff_t width,
                            float *dots);
void fk_sparse_dots_f64_i32(int path, const double *data, const int32_t *indices,
                            ptrdiff_t p0, ptrdiff_t p1, const double *ct, ptrdiff_t width,
                            double *dots);
void fk_sparse_dots_f64_i64(int path, const double *data, const int64_t *indices,
                            ptrdiff_t p0, ptrdiff_t p1, const double *ct, ptrdiff_t width,
                            double *dots);

#endif
