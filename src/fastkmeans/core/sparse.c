/*
 * The sparse (CSR) kernels of fastkmeans.h, compiled once per instruction
 * set (template: sparse_impl.h) and dispatched on the process path
 * (dispatch.c), read at each call: one load, as they run once per row.
 */
#include "fastkmeans.h"
#include "dispatch.h"

#include <string.h>

#define FK_T float
#define FK_IDX int32_t
#define FK_SUF f32_i32_generic
#define FK_TARGET
#define FK_LINES 1  /* 16 SSE2/NEON registers: 2 sets x 1 line x 4 */
#define FK_VBYTES 16
#include "sparse_impl.h"

#define FK_T float
#define FK_IDX int64_t
#define FK_SUF f32_i64_generic
#define FK_TARGET
#define FK_LINES 1  /* 16 SSE2/NEON registers: 2 sets x 1 line x 4 */
#define FK_VBYTES 16
#include "sparse_impl.h"

#define FK_T double
#define FK_IDX int32_t
#define FK_SUF f64_i32_generic
#define FK_TARGET
#define FK_LINES 1  /* 16 SSE2/NEON registers: 2 sets x 1 line x 4 */
#define FK_VBYTES 16
#include "sparse_impl.h"

#define FK_T double
#define FK_IDX int64_t
#define FK_SUF f64_i64_generic
#define FK_TARGET
#define FK_LINES 1  /* 16 SSE2/NEON registers: 2 sets x 1 line x 4 */
#define FK_VBYTES 16
#include "sparse_impl.h"

#if FK_X86
#define FK_T float
#define FK_IDX int32_t
#define FK_SUF f32_i32_avx2
#define FK_TARGET FK_TARGET_AVX2
#define FK_LINES 2  /* 16 AVX2 registers: 2 sets x 2 lines x 2 */
#define FK_VBYTES 32
#include "sparse_impl.h"

#define FK_T float
#define FK_IDX int64_t
#define FK_SUF f32_i64_avx2
#define FK_TARGET FK_TARGET_AVX2
#define FK_LINES 2  /* 16 AVX2 registers: 2 sets x 2 lines x 2 */
#define FK_VBYTES 32
#include "sparse_impl.h"

#define FK_T double
#define FK_IDX int32_t
#define FK_SUF f64_i32_avx2
#define FK_TARGET FK_TARGET_AVX2
#define FK_LINES 2  /* 16 AVX2 registers: 2 sets x 2 lines x 2 */
#define FK_VBYTES 32
#include "sparse_impl.h"

#define FK_T double
#define FK_IDX int64_t
#define FK_SUF f64_i64_avx2
#define FK_TARGET FK_TARGET_AVX2
#define FK_LINES 2  /* 16 AVX2 registers: 2 sets x 2 lines x 2 */
#define FK_VBYTES 32
#include "sparse_impl.h"

#define FK_T float
#define FK_IDX int32_t
#define FK_SUF f32_i32_avx512
#define FK_TARGET FK_TARGET_AVX512
#define FK_LINES 4  /* 32 AVX-512 registers: 2 sets x 4 lines */
#define FK_VBYTES 64
#include "sparse_impl.h"

#define FK_T float
#define FK_IDX int64_t
#define FK_SUF f32_i64_avx512
#define FK_TARGET FK_TARGET_AVX512
#define FK_LINES 4  /* 32 AVX-512 registers: 2 sets x 4 lines */
#define FK_VBYTES 64
#include "sparse_impl.h"

#define FK_T double
#define FK_IDX int32_t
#define FK_SUF f64_i32_avx512
#define FK_TARGET FK_TARGET_AVX512
#define FK_LINES 4  /* 32 AVX-512 registers: 2 sets x 4 lines */
#define FK_VBYTES 64
#include "sparse_impl.h"

#define FK_T double
#define FK_IDX int64_t
#define FK_SUF f64_i64_avx512
#define FK_TARGET FK_TARGET_AVX512
#define FK_LINES 4  /* 32 AVX-512 registers: 2 sets x 4 lines */
#define FK_VBYTES 64
#include "sparse_impl.h"
#endif /* FK_X86 */

#if FK_X86
#define FK_SPARSE_DISPATCH(PATH, SUF, ...)                                    \
    switch (PATH) {                                                           \
    case FK_PATH_AVX512: sparse_dots_##SUF##_avx512(__VA_ARGS__); break;      \
    case FK_PATH_AVX2: sparse_dots_##SUF##_avx2(__VA_ARGS__); break;          \
    default: sparse_dots_##SUF##_generic(__VA_ARGS__); break;                 \
    }
#else
#define FK_SPARSE_DISPATCH(PATH, SUF, ...) sparse_dots_##SUF##_generic(__VA_ARGS__);
#endif

/* The public entry points: one per (value type, index type). The sparse
 * family runs every path: the process path itself. */
#define FK_SPARSE_DOTS_API(SUF, T, I)                                          \
    void fk_sparse_dots_##SUF(const T *data, const I *indices, ptrdiff_t p0,   \
                              ptrdiff_t p1, const T *ct, ptrdiff_t width,      \
                              T *dots)                                         \
    {                                                                          \
        FK_SPARSE_DISPATCH(fk_path_now(), SUF, data, indices, p0, p1, ct,      \
                           width, dots)                                        \
    }

FK_SPARSE_DOTS_API(f32_i32, float, int32_t)
FK_SPARSE_DOTS_API(f32_i64, float, int64_t)
FK_SPARSE_DOTS_API(f64_i32, double, int32_t)
FK_SPARSE_DOTS_API(f64_i64, double, int64_t)
