/*
 * A C program that uses fastkmeans through its public header only, for
 * tests/test_c_api.py:
 *
 *   fk_check fit|predict|kmeanspp IN OUT   run one call on the problem in IN
 *   fk_check concurrent IN                 fit IN from 4 threads at once: same result
 *   fk_check errors                        every bad argument gives its code
 *
 * IN: int64 dtype (4 or 8), n, d, k, max_iter, n_threads, has_weights,
 * seed; double tol; X (n, d); weights (n) if has_weights; centers (k, d)
 * (fit only), all of the dtype. OUT: int32 status, n_iter; double
 * inertia; int32 labels (n); centers (k, d) of the dtype; for predict the
 * squared distances (n, dtype); for kmeanspp int64 indices (k).
 */
#include "fastkmeans.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t dtype, n, d, k, max_iter, n_threads, has_weights, seed;
    double tol;
    void *X, *weights, *centers;
} problem;

static void *read_array(FILE *f, size_t count, size_t size)
{
    void *p = malloc(count * size + 1);
    if (p == NULL || fread(p, size, count, f) != count) {
        fprintf(stderr, "short input\n");
        exit(2);
    }
    return p;
}

static problem read_problem(const char *path, int with_centers)
{
    problem p;
    int64_t header[8];
    FILE *f = fopen(path, "rb");
    if (f == NULL || fread(header, sizeof(int64_t), 8, f) != 8
        || fread(&p.tol, sizeof(double), 1, f) != 1) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    p.dtype = header[0]; p.n = header[1]; p.d = header[2]; p.k = header[3];
    p.max_iter = header[4]; p.n_threads = header[5]; p.has_weights = header[6];
    p.seed = header[7];
    p.X = read_array(f, (size_t)(p.n * p.d), (size_t)p.dtype);
    p.weights = p.has_weights ? read_array(f, (size_t)p.n, (size_t)p.dtype) : NULL;
    p.centers = with_centers ? read_array(f, (size_t)(p.k * p.d), (size_t)p.dtype)
                             : malloc((size_t)(p.k * p.d * p.dtype));
    fclose(f);
    return p;
}

/* Everything freed, so that a LeakSanitizer report can only be the library's. */
static void free_problem(problem *p)
{
    free(p->X);
    free(p->weights);
    free(p->centers);
}

static int fit(const problem *p, void *centers, int32_t *labels, double *inertia, int *n_iter)
{
    if (p->dtype == 8)
        return fk_fit_f64(p->X, p->n, p->d, p->weights, centers, p->k, (int)p->max_iter,
                          p->tol, (int)p->n_threads, labels, inertia, n_iter);
    return fk_fit_f32(p->X, p->n, p->d, p->weights, centers, p->k, (int)p->max_iter, p->tol,
                      (int)p->n_threads, labels, inertia, n_iter);
}

static int run_one(const char *mode, const char *in, const char *out)
{
    problem p = read_problem(in, strcmp(mode, "fit") == 0);
    int32_t *labels = malloc((size_t)p.n * sizeof(int32_t));
    void *sq = malloc((size_t)(p.n * p.dtype));
    int64_t *indices = malloc((size_t)p.k * sizeof(int64_t));
    int32_t status, n_iter = 0;
    int iterations = 0;
    double inertia = 0.0;
    FILE *f;

    if (strcmp(mode, "fit") == 0) {
        status = fit(&p, p.centers, labels, &inertia, &iterations);
        n_iter = iterations;
    } else if (strcmp(mode, "predict") == 0) {
        /* the centers: the first k rows */
        memcpy(p.centers, p.X, (size_t)(p.k * p.d * p.dtype));
        status = p.dtype == 8
            ? fk_predict_f64(p.X, p.n, p.d, p.centers, p.k, (int)p.n_threads, labels, sq)
            : fk_predict_f32(p.X, p.n, p.d, p.centers, p.k, (int)p.n_threads, labels, sq);
    } else {
        status = p.dtype == 8
            ? fk_kmeans_plusplus_f64(p.X, p.n, p.d, p.weights, p.k, (uint64_t)p.seed, 0,
                                     (int)p.n_threads, p.centers, indices)
            : fk_kmeans_plusplus_f32(p.X, p.n, p.d, p.weights, p.k, (uint64_t)p.seed, 0,
                                     (int)p.n_threads, p.centers, indices);
    }
    f = fopen(out, "wb");
    fwrite(&status, sizeof(int32_t), 1, f);
    fwrite(&n_iter, sizeof(int32_t), 1, f);
    fwrite(&inertia, sizeof(double), 1, f);
    fwrite(labels, sizeof(int32_t), (size_t)p.n, f);
    fwrite(p.centers, (size_t)p.dtype, (size_t)(p.k * p.d), f);
    if (strcmp(mode, "predict") == 0) fwrite(sq, (size_t)p.dtype, (size_t)p.n, f);
    if (strcmp(mode, "kmeanspp") == 0) fwrite(indices, sizeof(int64_t), (size_t)p.k, f);
    fclose(f);
    free(labels);
    free(sq);
    free(indices);
    free_problem(&p);
    return 0;
}

/* --- concurrent calls ------------------------------------------------------ */

typedef struct {
    const problem *p;
    void *centers;
    int32_t *labels;
    double inertia;
    int n_iter, status;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    j->status = fit(j->p, j->centers, j->labels, &j->inertia, &j->n_iter);
    return NULL;
}

static int concurrent(const char *in)
{
    enum { N_JOBS = 4 };
    problem p = read_problem(in, 1);
    size_t centers_bytes = (size_t)(p.k * p.d * p.dtype);
    job jobs[N_JOBS];
    pthread_t threads[N_JOBS];
    int i, failures = 0;
    for (i = 0; i < N_JOBS; i++) {
        jobs[i].p = &p;
        jobs[i].centers = malloc(centers_bytes);
        memcpy(jobs[i].centers, p.centers, centers_bytes);
        jobs[i].labels = malloc((size_t)p.n * sizeof(int32_t));
        pthread_create(&threads[i], NULL, run_job, &jobs[i]);
    }
    for (i = 0; i < N_JOBS; i++) pthread_join(threads[i], NULL);
    for (i = 0; i < N_JOBS; i++) {
        if (jobs[i].status != FK_OK || jobs[i].n_iter != jobs[0].n_iter
            || jobs[i].inertia != jobs[0].inertia
            || memcmp(jobs[i].centers, jobs[0].centers, centers_bytes) != 0
            || memcmp(jobs[i].labels, jobs[0].labels, (size_t)p.n * sizeof(int32_t)) != 0) {
            printf("job %d differs (status %d)\n", i, jobs[i].status);
            failures++;
        }
    }
    printf("concurrent %s\n", failures ? "FAILED" : "ok");
    for (i = 0; i < N_JOBS; i++) {
        free(jobs[i].centers);
        free(jobs[i].labels);
    }
    free_problem(&p);
    return failures != 0;
}

/* --- bad arguments ------------------------------------------------------------ */

static int failures = 0;

static void expect(const char *name, int got, int expected)
{
    const char *message = fk_strerror(got);
    if (got != expected || message == NULL || message[0] == '\0') {
        printf("%s: got %d (%s), expected %d\n", name, got, message ? message : "NULL",
               expected);
        failures++;
    }
}

static int errors(void)
{
    enum { N = 6, D = 2, K = 2 };
    double X[N * D] = {0, 0, 0, 1, 1, 0, 10, 10, 10, 11, 11, 10};
    double w[N] = {1, 1, 1, 1, 1, 1};
    double C[K * D] = {0, 0, 10, 10};
    double bad[N * D];
    float Xf[N * D], Cf[K * D];
    int32_t labels[N];
    double inertia, sq[N];
    int n_iter, i;
    int64_t indices[K];

    for (i = 0; i < N * D; i++) Xf[i] = (float)X[i];
    for (i = 0; i < K * D; i++) Cf[i] = (float)C[i];
    expect("ok", fk_fit_f64(X, N, D, w, C, K, 10, 0.0, 1, labels, &inertia, &n_iter), FK_OK);
    expect("ok f32", fk_fit_f32(Xf, N, D, NULL, Cf, K, 10, 0.0, 2, labels, &inertia, &n_iter),
           FK_OK);
    expect("X NULL", fk_fit_f64(NULL, N, D, w, C, K, 10, 0.0, 1, labels, &inertia, &n_iter),
           FK_ERR_NULL);
    expect("centers NULL",
           fk_fit_f64(X, N, D, w, NULL, K, 10, 0.0, 1, labels, &inertia, &n_iter), FK_ERR_NULL);
    expect("labels NULL", fk_fit_f64(X, N, D, w, C, K, 10, 0.0, 1, NULL, &inertia, &n_iter),
           FK_ERR_NULL);
    expect("inertia NULL", fk_fit_f64(X, N, D, w, C, K, 10, 0.0, 1, labels, NULL, &n_iter),
           FK_ERR_NULL);
    expect("n_iter NULL", fk_fit_f64(X, N, D, w, C, K, 10, 0.0, 1, labels, &inertia, NULL),
           FK_ERR_NULL);
    expect("n_samples 0", fk_fit_f64(X, 0, D, w, C, K, 10, 0.0, 1, labels, &inertia, &n_iter),
           FK_ERR_SIZE);
    expect("n_features -1",
           fk_fit_f64(X, N, -1, w, C, K, 10, 0.0, 1, labels, &inertia, &n_iter), FK_ERR_SIZE);
    expect("k 0", fk_fit_f64(X, N, D, w, C, 0, 10, 0.0, 1, labels, &inertia, &n_iter),
           FK_ERR_SIZE);
    expect("k > n", fk_fit_f64(X, N, D, w, C, N + 1, 10, 0.0, 1, labels, &inertia, &n_iter),
           FK_ERR_SIZE);
    expect("n x d overflows",
           fk_fit_f64(X, INT64_MAX / 2, 4, w, C, K, 10, 0.0, 1, labels, &inertia, &n_iter),
           FK_ERR_SIZE);
    expect("max_iter 0", fk_fit_f64(X, N, D, w, C, K, 0, 0.0, 1, labels, &inertia, &n_iter),
           FK_ERR_PARAM);
    expect("tol < 0", fk_fit_f64(X, N, D, w, C, K, 10, -1.0, 1, labels, &inertia, &n_iter),
           FK_ERR_PARAM);
    expect("tol NaN", fk_fit_f64(X, N, D, w, C, K, 10, NAN, 1, labels, &inertia, &n_iter),
           FK_ERR_PARAM);
    memcpy(bad, X, sizeof(X));
    bad[7] = NAN;
    expect("X NaN", fk_fit_f64(bad, N, D, w, C, K, 10, 0.0, 1, labels, &inertia, &n_iter),
           FK_ERR_NONFINITE);
    bad[7] = INFINITY;
    expect("X inf", fk_predict_f64(bad, N, D, C, K, 1, labels, sq), FK_ERR_NONFINITE);
    bad[7] = 1e300;
    expect("X huge", fk_fit_f64(bad, N, D, w, C, K, 10, 0.0, 1, labels, &inertia, &n_iter),
           FK_ERR_OVERFLOW);
    C[1] = NAN;
    expect("centers NaN", fk_fit_f64(X, N, D, w, C, K, 10, 0.0, 1, labels, &inertia, &n_iter),
           FK_ERR_NONFINITE);
    C[1] = 0;
    w[3] = -1;
    expect("weight < 0", fk_fit_f64(X, N, D, w, C, K, 10, 0.0, 1, labels, &inertia, &n_iter),
           FK_ERR_WEIGHT);
    w[3] = NAN;
    expect("weight NaN",
           fk_kmeans_plusplus_f64(X, N, D, w, K, 1, 0, 1, C, indices), FK_ERR_WEIGHT);
    for (i = 0; i < N; i++) w[i] = i == 0;
    expect("1 positive weight, k 2",
           fk_fit_f64(X, N, D, w, C, K, 10, 0.0, 1, labels, &inertia, &n_iter), FK_ERR_WEIGHT);
    expect("predict labels NULL", fk_predict_f64(X, N, D, C, K, 1, NULL, sq), FK_ERR_NULL);
    expect("predict sq NULL", fk_predict_f64(X, N, D, C, K, 1, labels, NULL), FK_OK);
    expect("kmeans++ trials < 0",
           fk_kmeans_plusplus_f64(X, N, D, NULL, K, 1, -1, 1, C, indices), FK_ERR_PARAM);
    expect("kmeans++ centers NULL",
           fk_kmeans_plusplus_f32(Xf, N, D, NULL, K, 1, 0, 1, NULL, NULL), FK_ERR_NULL);
    if (strcmp(fk_strerror(12345), fk_strerror(FK_OK)) == 0) {
        printf("unknown code has the text of FK_OK\n");
        failures++;
    }
    printf("errors %s (API version %d)\n", failures ? "FAILED" : "ok", FK_API_VERSION);
    return failures != 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "errors") == 0) return errors();
    if (argc == 3 && strcmp(argv[1], "concurrent") == 0) return concurrent(argv[2]);
    if (argc == 4) return run_one(argv[1], argv[2], argv[3]);
    fprintf(stderr, "usage: fk_check fit|predict|kmeanspp IN OUT | concurrent IN | errors\n");
    return 2;
}
