"""Where keeping the k-means++ candidates' distances pays: the crossover behind
``FK_SEED_KEEP_RATIO`` (``src/fastkmeans/core/api.c``).

Run from the repository root (one benchmark at a time on a shared machine)::

    python benchmarks/scripts/kmeanspp_keep_crossover.py [--threads 2]
        [--samples 200000] [--clusters 64] [--features 2,4,8,12,16,24,32,64]

The greedy k-means++ steps either keep every row's distance to each
candidate from the scoring pass (one pass over X a step, ``n_local_trials``
distances written a row) or measure the chosen center again (two passes,
nothing written). The script builds a small C program on the C core twice
(docs/vendoring.md's one-line build): once with the distances always kept
(``-DFK_SEED_KEEP_RATIO=0``), once never (``-DFK_SEED_KEEP_BYTES=0``), and
times ``fk_kmeans_plusplus`` on the same random data (uniform in a cube,
``--clusters`` centers, so 2 + ln(clusters) candidates a step) for each
number of features: the best of ``--repeats`` calls, the two programs taking turns. Both
give the same centers (the script checks it); the table gives their times
and the ratio kept / measured again. Needs a C compiler with OpenMP.
"""
import argparse
import math
import pathlib
import tempfile

import core_driver

DRIVER = core_driver.PRELUDE + r"""
int main(int argc, char **argv)
{
    const int64_t n = atoll(argv[1]), d = atoll(argv[2]), k = atoll(argv[3]);
    const int threads = atoi(argv[4]), is_double = atoi(argv[5]), repeats = atoi(argv[6]);
    uint64_t state = 12345;
    double best = 1e300;
    void *X = malloc((size_t)(n * d) * (is_double ? 8 : 4));
    void *centers = malloc((size_t)(k * d) * (is_double ? 8 : 4));
    int64_t *indices = malloc((size_t)k * sizeof(int64_t));
    for (int64_t i = 0; i < n * d; i++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        double value = (double)(state >> 11) * 0x1.0p-53;
        if (is_double) ((double *)X)[i] = value;
        else ((float *)X)[i] = (float)value;
    }
    for (int repeat = 0; repeat < repeats; repeat++) {
        double start = now();
        int status = is_double
            ? fk_kmeans_plusplus_f64(X, n, d, NULL, k, 7, 0, threads, centers, indices)
            : fk_kmeans_plusplus_f32(X, n, d, NULL, k, 7, 0, threads, centers, indices);
        double seconds = now() - start;
        if (status != FK_OK) return 1;
        if (seconds < best) best = seconds;
    }
    unsigned long long digest = 0;
    for (int64_t c = 0; c < k; c++) digest = digest * 1000003ULL + (unsigned long long)indices[c];
    printf("%.6f %llu\n", best, digest);
    return 0;
}
"""


def _time(program, n_samples, n_features, n_clusters, threads, is_double, repeats):
    seconds, digest = core_driver.run(program, n_samples, n_features, n_clusters, threads,
                                      int(is_double), repeats)
    return float(seconds), digest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--samples", type=int, default=200_000)
    parser.add_argument("--clusters", type=int, default=64)
    parser.add_argument("--features", default="2,4,8,12,16,24,32,64")
    parser.add_argument("--repeats", type=int, default=5, help="calls a time, the best kept")
    args = parser.parse_args(argv)
    trials = 2 + int(math.log(args.clusters))
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        kept = core_driver.build(folder, "kept", DRIVER, "-DFK_SEED_KEEP_RATIO=0")
        again = core_driver.build(folder, "again", DRIVER, "-DFK_SEED_KEEP_BYTES=0")
        print(f"{args.samples:,} rows, k = {args.clusters} ({trials} candidates a step), "
              f"{args.threads} thread(s); best of {args.repeats}\n")
        print("| dtype | n_features | kept (one pass) | measured again (two passes) "
              "| kept / again |")
        print("|---|---:|---:|---:|---:|")
        for is_double in (False, True):
            for n_features in map(int, args.features.split(",")):
                one, one_digest = _time(kept, args.samples, n_features, args.clusters,
                                        args.threads, is_double, args.repeats)
                two, two_digest = _time(again, args.samples, n_features, args.clusters,
                                        args.threads, is_double, args.repeats)
                if one_digest != two_digest:
                    raise SystemExit(f"the two builds chose different centers at d={n_features}")
                dtype = "float64" if is_double else "float32"
                print(f"| {dtype} | {n_features} | {one * 1e3:.1f} ms | {two * 1e3:.1f} ms "
                      f"| {one / two:.2f} |", flush=True)


if __name__ == "__main__":
    main()
