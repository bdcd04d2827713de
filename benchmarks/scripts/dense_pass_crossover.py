"""How many tiles of rows a pass of the dense kernel takes past each panel of
centers: the measurements behind ``FK_PASS_TILES`` (``src/fastkmeans/core/kernels.c``).

Run from a git checkout of the repository (one benchmark at a time on a
shared machine)::

    python benchmarks/scripts/dense_pass_crossover.py [--tiles 2,4,8,16]
        [--baseline 4e3c14a] [--repeats 5] [--shapes 60000x784x10,...]

The dense nearest-center kernel holds a tile of rows against a panel of
centers in registers. Before ``FK_PASS_TILES`` every tile read every panel
(one tile at a time); with T tiles a pass, a panel serves T tiles in turn.
Each tile sees the panels in the same order either way, so the labels are
the same bits (the script checks it).

The script builds a small C program on the C core of ``--baseline`` (a git
revision; by default the last one before passes) and on the working tree's
core once per value of ``--tiles`` (``FK_PASS_TILES=1`` is not the loop
before: the compiler keeps a pass's state in memory), and times one Lloyd
pass (``fk_lloyd_rows``: labels, exact distances, sums) on one thread over
uniform random data, for each shape (rows x features x clusters) and both
dtypes: the best of ``--repeats`` passes, the builds taking turns, then
each build's time over the baseline's. Needs git and a C compiler with
OpenMP.
"""
import argparse
import pathlib
import tempfile

import core_driver

DRIVER = core_driver.PRELUDE + r"""
int main(int argc, char **argv)
{
    (void)argc;
    const ptrdiff_t n = atoll(argv[1]), d = atoll(argv[2]), k = atoll(argv[3]);
    const int is_double = atoi(argv[4]), repeats = atoi(argv[5]);
    const size_t size = is_double ? 8 : 4;
    void *X = malloc((size_t)(n * d) * size);
    double *weight = malloc((size_t)n * sizeof(double));
    double *sums = malloc((size_t)(k * d) * sizeof(double));
    double *weights = malloc((size_t)k * sizeof(double));
    int32_t *labels = calloc((size_t)n, sizeof(int32_t));
    uint64_t state = 12345;
    for (ptrdiff_t i = 0; i < n * d; i++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        double value = (double)(state >> 11) * 0x1.0p-53;
        if (is_double) ((double *)X)[i] = value;
        else ((float *)X)[i] = (float)value;
    }
    for (ptrdiff_t i = 0; i < n; i++) weight[i] = 1.0;
    fk_model model;
    int status = is_double ? fk_model_init_f64(&model, X, k, d)   /* the first k rows */
                           : fk_model_init_f32(&model, X, k, d);
    if (status != 0) return 1;
    double best = 1e300, inertia;
    ptrdiff_t changed;
    for (int repeat = 0; repeat < repeats; repeat++) {
        double start = now();
        if (is_double)
            fk_lloyd_rows_f64(&model, X, weight, 0, n, 1, labels, sums, weights, &inertia,
                              &changed);
        else
            fk_lloyd_rows_f32(&model, X, weight, 0, n, 1, labels, sums, weights, &inertia,
                              &changed);
        double seconds = now() - start;
        if (seconds < best) best = seconds;
    }
    unsigned long long digest = 0;
    for (ptrdiff_t i = 0; i < n; i++) digest = digest * 1000003ULL + (unsigned long long)labels[i];
    printf("%.6f %llu\n", best, digest);
    fk_model_free(&model);
    return 0;
}
"""

SHAPES = "60000x784x10,1797x64x10,200000x32x64,100000x64x1000,20000x384x1024,20000x768x256"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiles", default="2,4,8,16", help="values of FK_PASS_TILES")
    parser.add_argument("--baseline", default="4e3c14a", help="git revision to compare with")
    parser.add_argument("--shapes", default=SHAPES, help="rows x features x clusters, ...")
    parser.add_argument("--repeats", type=int, default=5, help="passes a time, the best kept")
    args = parser.parse_args(argv)
    tiles = [int(value) for value in args.tiles.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        baseline = core_driver.core_at(args.baseline, folder / "baseline_core")
        programs = [core_driver.build(folder, "baseline", DRIVER, core=baseline)]
        programs += [core_driver.build(folder, f"tiles{value}", DRIVER,
                                       f"-DFK_PASS_TILES={value}") for value in tiles]
        print(f"one Lloyd pass on one thread, best of {args.repeats}; "
              f"ratio: time / time at {args.baseline}\n")
        print(f"| dtype | shape | {args.baseline} | "
              + " | ".join(f"{value} tiles" for value in tiles) + " |")
        print("|---|---|" + "---:|" * (len(tiles) + 1))
        for is_double in (False, True):
            for shape in args.shapes.split(","):
                n, d, k = (int(part) for part in shape.split("x"))
                runs = [core_driver.run(program, n, d, k, int(is_double), args.repeats)
                        for program in programs]
                if len({digest for _, digest in runs}) != 1:
                    raise SystemExit(f"the builds gave different labels at {shape}")
                times = [float(seconds) for seconds, _ in runs]
                cells = [f"{times[0] * 1e3:.2f} ms"] + [
                    f"{t * 1e3:.2f} ms ({t / times[0]:.2f})" for t in times[1:]]
                dtype = "float64" if is_double else "float32"
                print(f"| {dtype} | {shape} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
