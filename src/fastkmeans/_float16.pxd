# float16 rows converted to float32 block by block, so that
# the float32 kernels run on them unchanged: same blocks, same code, so the
# same bits as on X.astype(np.float32) (the conversion is exact).
from cython.parallel cimport threadid

cdef extern from *:
    """
    #include <stdint.h>
    #include <string.h>
    /* float16 bits to float32, exactly (normal, subnormal, zero, inf, NaN);
       branch-free. The portable loop, and F16C's vcvtph2ps (8 values an
       instruction) where the CPU has it: both exact, so the same bits. */
    static inline void fk_half_to_float_portable(const uint16_t *src, float *dst, ptrdiff_t n)
    {
        for (ptrdiff_t i = 0; i < n; i++) {
            const uint32_t h = src[i], em = h & 0x7fffu;
            const uint32_t bits = (em << 13) + (112u << 23) + (em >= 0x7c00u ? 112u << 23 : 0u);
            float normal, value;
            uint32_t out;
            memcpy(&normal, &bits, 4);
            value = em < 0x0400u ? (float)em * 5.9604644775390625e-8f : normal;
            memcpy(&out, &value, 4);
            out |= (h & 0x8000u) << 16;
            memcpy(dst + i, &out, 4);
        }
    }
    #if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
    #include <immintrin.h>
    __attribute__((target("avx,f16c")))
    static void fk_half_to_float_f16c(const uint16_t *src, float *dst, ptrdiff_t n)
    {
        ptrdiff_t i = 0;
        for (; i + 8 <= n; i += 8)
            _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(
                _mm_loadu_si128((const __m128i *)(src + i))));
        fk_half_to_float_portable(src + i, dst + i, n - i);
    }
    static inline void fk_half_to_float(const uint16_t *src, float *dst, ptrdiff_t n)
    {
        static int has_f16c = -1;  /* a benign race: every thread stores the same value */
        if (has_f16c < 0) {
            __builtin_cpu_init();
            has_f16c = __builtin_cpu_supports("f16c") && __builtin_cpu_supports("avx");
        }
        if (has_f16c) fk_half_to_float_f16c(src, dst, n);
        else fk_half_to_float_portable(src, dst, n);
    }
    #else
    #define fk_half_to_float fk_half_to_float_portable
    #endif
    """
    void fk_half_to_float(const unsigned short *src, float *dst, Py_ssize_t n) noexcept nogil


cdef inline const float *half_rows(
    const unsigned short *X16,   # IN (n, d) float16 bits
    Py_ssize_t d,
    Py_ssize_t start,
    Py_ssize_t end,
    float *buffer,               # OUT (end - start, d): the calling thread's
) noexcept nogil:
    """Rows [start, end) of X16 as float32 in ``buffer``; returns the base a
    kernel indexes with absolute row numbers (row i at ``base + i * d``)."""
    fk_half_to_float(X16 + start * d, buffer, (end - start) * d)
    return buffer - start * d
