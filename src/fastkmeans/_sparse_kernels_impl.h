/*
 * One variant of the sparse dot-product kernel: a template that
 * _sparse_kernels.c includes per (value type, index type, instruction set):
 *   FK_T       float or double
 *   FK_IDX     int32_t or int64_t
 *   FK_SUF     suffix of the names defined here, e.g. f32_i32_avx512
 *   FK_TARGET  __attribute__((target(...))), or empty
 * Vectors are one cache line (GCC/Clang vector extensions): the compiler
 * maps them onto 1 AVX-512, 2 AVX2 or 4 SSE2/NEON registers.
 */
#define FK_CAT_(a, b) a##_##b
#define FK_CAT(a, b) FK_CAT_(a, b)
#define FK_NAME(name) FK_CAT(name, FK_SUF)
#define FK_LINE (FK_SPARSE_LINE_BYTES / (ptrdiff_t)sizeof(FK_T))
#ifndef FK_PREFETCH_AHEAD
#define FK_PREFETCH_AHEAD 16
#endif

typedef FK_T FK_NAME(line) __attribute__((vector_size(FK_SPARSE_LINE_BYTES)));
#define V FK_NAME(line)

/* G lines of dot products, from line g0, kept in registers over the row's
 * nonzeros: two sets of accumulators (even and odd nonzeros) so that two
 * chains of multiply-adds overlap. G is a constant after inlining. */
FK_TARGET static inline __attribute__((always_inline)) void FK_NAME(dot_lines)(
    const FK_T *data, const FK_IDX *indices, ptrdiff_t p0, ptrdiff_t p1,
    const FK_T *ct, ptrdiff_t width, ptrdiff_t g0, const int G, FK_T *dots)
{
    V even[4], odd[4];
    for (int g = 0; g < G; g++) {
        even[g] = (V){0};
        odd[g] = (V){0};
    }
    ptrdiff_t p = p0;
    for (; p + 2 <= p1; p += 2) {
        if (FK_PREFETCH_AHEAD > 0 && p + FK_PREFETCH_AHEAD + 2 <= p1) {
            for (int g = 0; g < G; g++) {
                __builtin_prefetch((const V *)(ct + (ptrdiff_t)indices[p + FK_PREFETCH_AHEAD] * width) + g0 + g);
                __builtin_prefetch((const V *)(ct + (ptrdiff_t)indices[p + FK_PREFETCH_AHEAD + 1] * width) + g0 + g);
            }
        }
        const V *c0 = (const V *)(ct + (ptrdiff_t)indices[p] * width) + g0;
        const V *c1 = (const V *)(ct + (ptrdiff_t)indices[p + 1] * width) + g0;
        const FK_T v0 = data[p], v1 = data[p + 1];
        for (int g = 0; g < G; g++) {
            even[g] += v0 * c0[g];
            odd[g] += v1 * c1[g];
        }
    }
    if (p < p1) {
        const V *c0 = (const V *)(ct + (ptrdiff_t)indices[p] * width) + g0;
        const FK_T v0 = data[p];
        for (int g = 0; g < G; g++) even[g] += v0 * c0[g];
    }
    for (int g = 0; g < G; g++) {
        V sum = even[g] + odd[g];
        memcpy(dots + (g0 + g) * FK_LINE, &sum, sizeof sum);
    }
}

FK_TARGET static void FK_NAME(sparse_dots)(
    const FK_T *data, const FK_IDX *indices, ptrdiff_t p0, ptrdiff_t p1,
    const FK_T *ct, ptrdiff_t width, FK_T *dots)
{
    const ptrdiff_t n_lines = width / FK_LINE;
    ptrdiff_t g0 = 0;
    /* four lines (64 floats, 32 doubles) of centers per sweep over the row */
    for (; g0 + 4 <= n_lines; g0 += 4)
        FK_NAME(dot_lines)(data, indices, p0, p1, ct, width, g0, 4, dots);
    switch (n_lines - g0) {
    case 3: FK_NAME(dot_lines)(data, indices, p0, p1, ct, width, g0, 3, dots); break;
    case 2: FK_NAME(dot_lines)(data, indices, p0, p1, ct, width, g0, 2, dots); break;
    case 1: FK_NAME(dot_lines)(data, indices, p0, p1, ct, width, g0, 1, dots); break;
    default: break;
    }
}

#undef V
#undef FK_LINE
#undef FK_CAT_
#undef FK_CAT
#undef FK_NAME
#undef FK_T
#undef FK_IDX
#undef FK_SUF
#undef FK_TARGET
