# float16 rows converted to float32 block by block, so that
# the float32 kernels run on them unchanged: same blocks, same code, so the
# same bits as on X.astype(np.float32) (the conversion is exact).
from cython.parallel cimport threadid

cdef extern from *:
    """
    #include <stdint.h>
    #include <string.h>
    /* float16 bits to float32, exactly (normal, subnormal, zero, inf, NaN);
       branch-free, so the loop vectorises */
    static inline void fk_half_to_float(const uint16_t *src, float *dst, ptrdiff_t n)
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
