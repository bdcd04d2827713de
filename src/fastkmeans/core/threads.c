/*
 * OpenMP facts of fastkmeans.h: the only file of the C core built with the
 * OpenMP flags (the kernels are serial; the Cython drivers run them in
 * parallel), so that the public header needs no omp.h.
 */
#include "fastkmeans.h"

#ifdef _OPENMP
#include <omp.h>
#endif

int fk_openmp_enabled(void)
{
#ifdef _OPENMP
    return 1;
#else
    return 0;
#endif
}

int fk_omp_max_threads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}
