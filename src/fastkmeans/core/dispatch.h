/*
 * Private to the C core: the instruction-set targets every family is
 * compiled for, and a cheap read of the process path (see dispatch.c).
 */
#ifndef FASTKMEANS_DISPATCH_H
#define FASTKMEANS_DISPATCH_H

#include "fastkmeans.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define FK_X86 1
#else
#define FK_X86 0
#endif

#if FK_X86
/* Dense and sparse kernels: the instructions they use. */
#define FK_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define FK_TARGET_AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")))
/* Bounds and silhouette: whole x86-64 levels (what they were tuned with);
 * fk_family_path checks the level, not only the instructions above. */
#if !defined(__clang__)
#define FK_HAVE_LEVELS 1
#define FK_TARGET_V3 __attribute__((target("arch=x86-64-v3")))
#define FK_TARGET_V4 __attribute__((target("arch=x86-64-v4")))
#else
#define FK_HAVE_LEVELS 0
#define FK_TARGET_V3 FK_TARGET_AVX2
#define FK_TARGET_V4 FK_TARGET_AVX512
#endif
#endif /* FK_X86 */

/* The process path, -1 until resolved (dispatch.c). */
extern int fk_process_path_;
int fk_resolve_path_(void);

/* The process path, for kernels called once per row: one load. */
static inline int fk_path_now(void)
{
    int path = __atomic_load_n(&fk_process_path_, __ATOMIC_ACQUIRE);
    return path >= 0 ? path : fk_resolve_path_();
}

#endif /* FASTKMEANS_DISPATCH_H */
