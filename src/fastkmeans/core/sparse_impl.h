/*
 * One variant of the sparse dot-product kernel: a template that
 * sparse.c includes per (value type, index type, instruction set):
 *   FK_T       float or double
 *   FK_IDX     int32_t or int64_t
 *   FK_SUF     suffix of the names defined here, e.g. f32_i32_avx512
 *   FK_TARGET  __attribute__((target(...))), or empty
 *   FK_LINES   lines swept at once (1 to 4): 2 x FK_LINES lines of
 *              accumulators must fit in the vector registers
 *   FK_VBYTES  bytes of a vector register: 64 (AVX-512), 32 (AVX2), 16
 * Vectors are GCC/Clang vector extensions of the register's width (wider
 * ones are lowered through memory on narrower instruction sets).
 */
#define FK_CAT_(a, b) a##_##b
#define FK_CAT(a, b) FK_CAT_(a, b)
#define FK_NAME(name) FK_CAT(name, FK_SUF)
#define FK_LINE (FK_SPARSE_LINE_BYTES / (ptrdiff_t)sizeof(FK_T))
#ifndef FK_PREFETCH_AHEAD
#define FK_PREFETCH_AHEAD 16
#endif

typedef FK_T FK_NAME(vec) __attribute__((vector_size(FK_VBYTES)));
#define V FK_NAME(vec)
/* vectors per cache line */
#define FK_VPL (FK_SPARSE_LINE_BYTES / FK_VBYTES)

/* G lines of dot products, from line g0, kept in registers over the row's
 * nonzeros: two sets of accumulators (even and odd nonzeros) so that two
 * chains of multiply-adds overlap. G is a constant after inlining. */
FK_TARGET static inline __attribute__((always_inline)) void FK_NAME(dot_lines)(
    const FK_T *data, const FK_IDX *indices, ptrdiff_t p0, ptrdiff_t p1,
    const FK_T *ct, ptrdiff_t width, ptrdiff_t g0, const int G, FK_T *dots)
{
    const int n_vec = G * FK_VPL;  /* <= 4 lines of <= 4 vectors */
    V even[16], odd[16];
    for (int v = 0; v < n_vec; v++) {
        even[v] = (V){0};
        odd[v] = (V){0};
    }
    ptrdiff_t p = p0;
    for (; p + 2 <= p1; p += 2) {
        if (FK_PREFETCH_AHEAD > 0 && p + FK_PREFETCH_AHEAD + 2 <= p1) {
            for (int g = 0; g < G; g++) {
                __builtin_prefetch(ct + (ptrdiff_t)indices[p + FK_PREFETCH_AHEAD] * width
                                   + (g0 + g) * FK_LINE);
                __builtin_prefetch(ct + (ptrdiff_t)indices[p + FK_PREFETCH_AHEAD + 1] * width
                                   + (g0 + g) * FK_LINE);
            }
        }
        const V *c0 = (const V *)(ct + (ptrdiff_t)indices[p] * width + g0 * FK_LINE);
        const V *c1 = (const V *)(ct + (ptrdiff_t)indices[p + 1] * width + g0 * FK_LINE);
        const V v0 = (V){0} + data[p], v1 = (V){0} + data[p + 1];
        for (int v = 0; v < n_vec; v++) {
            even[v] += v0 * c0[v];
            odd[v] += v1 * c1[v];
        }
    }
    if (p < p1) {
        const V *c0 = (const V *)(ct + (ptrdiff_t)indices[p] * width + g0 * FK_LINE);
        const V v0 = (V){0} + data[p];
        for (int v = 0; v < n_vec; v++) even[v] += v0 * c0[v];
    }
    for (int v = 0; v < n_vec; v++) {
        V sum = even[v] + odd[v];
        memcpy(dots + g0 * FK_LINE + v * (FK_VBYTES / (ptrdiff_t)sizeof(FK_T)), &sum, sizeof sum);
    }
}

FK_TARGET static void FK_NAME(sparse_dots)(
    const FK_T *data, const FK_IDX *indices, ptrdiff_t p0, ptrdiff_t p1,
    const FK_T *ct, ptrdiff_t width, FK_T *dots)
{
    const ptrdiff_t n_lines = width / FK_LINE;
    ptrdiff_t g0 = 0;
    /* FK_LINES lines of centers per sweep over the row: as many as the
     * accumulators the registers hold without spilling */
    for (; g0 + FK_LINES <= n_lines; g0 += FK_LINES)
        FK_NAME(dot_lines)(data, indices, p0, p1, ct, width, g0, FK_LINES, dots);
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
#undef FK_LINES
#undef FK_VBYTES
#undef FK_VPL
