/*
 * The one instruction-set choice of the process, for every kernel family.
 *
 * The CPU is examined once; the path is resolved on first use (from
 * FASTKMEANS_SIMD, else the best supported path) and changed only by
 * fk_set_simd_path (the test hook). Kernels without a model read it at each
 * call; a model records it at init, so its layout matches its kernels.
 */
#include "dispatch.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int fk_process_path_ = -1;

static const char *const fk_path_names[FK_N_PATHS] = {"generic", "avx2", "avx512"};
static const char *const fk_family_names[FK_N_FAMILIES] = {"dense", "bounds", "sparse",
                                                           "silhouette"};

/* Per path: whether the CPU has the instructions of the dense and sparse
 * kernels (isa) and the whole x86-64 level of the bounds and silhouette
 * kernels (level); -1 until examined. */
static int fk_cpu_isa[FK_N_PATHS] = {-1, -1, -1};
static int fk_cpu_level[FK_N_PATHS] = {-1, -1, -1};
/* The refused FASTKMEANS_SIMD value, lower case; empty if none. */
static char fk_rejected[64];

static void fk_examine_cpu(void)
{
    int isa[FK_N_PATHS] = {1, 0, 0}, level[FK_N_PATHS] = {1, 0, 0};
    if (__atomic_load_n(&fk_cpu_isa[0], __ATOMIC_ACQUIRE) >= 0) return;
#if FK_X86
    __builtin_cpu_init();
    isa[FK_PATH_AVX2] = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    isa[FK_PATH_AVX512] = isa[FK_PATH_AVX2] && __builtin_cpu_supports("avx512f")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512bw");
#if FK_HAVE_LEVELS
    level[FK_PATH_AVX2] = __builtin_cpu_supports("x86-64-v3") != 0;
    level[FK_PATH_AVX512] = __builtin_cpu_supports("x86-64-v4") != 0;
#else
    level[FK_PATH_AVX2] = isa[FK_PATH_AVX2];
    level[FK_PATH_AVX512] = isa[FK_PATH_AVX512];
#endif
#endif
    for (int p = FK_N_PATHS - 1; p >= 0; p--) {  /* [0] last: it says "examined" */
        __atomic_store_n(&fk_cpu_level[p], level[p], __ATOMIC_RELEASE);
        __atomic_store_n(&fk_cpu_isa[p], isa[p], __ATOMIC_RELEASE);
    }
}

const char *fk_path_name(int path)
{
    return path >= 0 && path < FK_N_PATHS ? fk_path_names[path] : "unknown";
}

const char *fk_family_name(int family)
{
    return family >= 0 && family < FK_N_FAMILIES ? fk_family_names[family] : "unknown";
}

int fk_path_supported(int path)
{
    if (path < 0 || path >= FK_N_PATHS) return 0;
    fk_examine_cpu();
    return __atomic_load_n(&fk_cpu_isa[path], __ATOMIC_ACQUIRE);
}

static int fk_best_path(void)
{
    int best = FK_PATH_GENERIC;
    for (int p = 0; p < FK_N_PATHS; p++)
        if (fk_path_supported(p)) best = p;
    return best;
}

/* First use: FASTKMEANS_SIMD if set and supported, else the best path.
 * Concurrent first uses compute the same answer. */
int fk_resolve_path_(void)
{
    int path = __atomic_load_n(&fk_process_path_, __ATOMIC_ACQUIRE);
    if (path >= 0) return path;
    path = fk_best_path();
    const char *env = getenv("FASTKMEANS_SIMD");
    if (env != NULL) {
        char value[sizeof fk_rejected];
        size_t n = 0;
        while (isspace((unsigned char)*env)) env++;
        for (; env[n] != '\0' && n + 1 < sizeof value; n++)
            value[n] = (char)tolower((unsigned char)env[n]);
        while (n > 0 && isspace((unsigned char)value[n - 1])) n--;
        value[n] = '\0';
        if (n > 0) {
            int wanted = -1;
            for (int p = 0; p < FK_N_PATHS; p++)
                if (strcmp(value, fk_path_names[p]) == 0) wanted = p;
            if (wanted >= 0 && fk_path_supported(wanted))
                path = wanted;
            else
                memcpy(fk_rejected, value, n + 1);
        }
    }
    int expected = -1;
    if (!__atomic_compare_exchange_n(&fk_process_path_, &expected, path, 0,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        path = expected;  /* another thread (or the hook) was first */
    return path;
}

int fk_simd_path(void)
{
    return fk_path_now();
}

int fk_set_simd_path(int path)
{
    if (!fk_path_supported(path)) return -1;
    int previous = fk_simd_path();
    __atomic_store_n(&fk_process_path_, path, __ATOMIC_RELEASE);
    return previous;
}

const char *fk_simd_rejected(void)
{
    fk_simd_path();
    return fk_rejected[0] != '\0' ? fk_rejected : NULL;
}

int fk_family_path(int family)
{
    int path = fk_path_now();
    if (family == FK_FAMILY_BOUNDS || family == FK_FAMILY_SILHOUETTE)
        while (path > FK_PATH_GENERIC && !__atomic_load_n(&fk_cpu_level[path], __ATOMIC_ACQUIRE))
            path--;
    return path;
}
