"""How cheap can the gap statistic's reference fits be? Cost against change of the criterion.

Run from the repository root::

    python benchmarks/scripts/choose_k_reference_fits.py [--n-refs 10]

The reference sets of the gap statistic (uniform points in a 16-D box whose
sides span 2 to 6, k = 1..10) are clustered with each variant: k-means++
from scratch or warm-started from the previous k's centers, at most 5, 10,
20 or 300 Lloyd iterations, 5,000 or 2,000 points per set. For each it
prints the CPU time (one thread, ``time.process_time``: steadier than wall
time on a shared machine) and how far its ``mean_b log(W*_k / m)`` lies
from that of full fits (k-means++, 300 iterations, the same number of
points) in units of the standard error ``s_k``: the largest over k, and at
k = 2 (what the 1-standard-error rule reads first). A change well below
one ``s_k`` does not move the rule. Imported by nothing: run it by hand.
"""
import argparse
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-refs", type=int, default=10)
    args = parser.parse_args()
    import numpy as np

    from fastkmeans._gap import reference_log_dispersions

    d = 16
    half = np.linspace(1.0, 3.0, d)
    box = (np.zeros(d), np.eye(d), -half, half)
    k_values = tuple(range(1, 11))
    print(f"reference fits, {args.n_refs} sets, {d}-D uniform box, k = 1..10, one thread\n")
    print("| points | start | max_iter | CPU s | largest shift / s_k | shift at k=2 / s_k |")
    print("|---|---|---|---|---|---|")
    for m in (5_000, 2_000):
        full = None
        for warm, max_iter in ((False, 300), (True, 300), (False, 20), (True, 20),
                               (False, 10), (True, 10), (True, 5)):
            rng = np.random.default_rng(0)
            started = time.process_time()
            values = reference_log_dispersions(box, k_values, args.n_refs, m, np.float32,
                                               rng, 1, max_iter, warm)
            seconds = time.process_time() - started
            mean = values.mean(axis=0)
            se = values.std(axis=0) * np.sqrt(1 + 1 / args.n_refs)
            if full is None:
                full, full_se = mean, se
            shift = np.abs(mean - full)[1:] / full_se[1:]
            print(f"| {m:,} | {'warm' if warm else 'k-means++'} | {max_iter} | "
                  f"{seconds:.1f} | {shift.max():.2f} | {shift[0]:.2f} |")


if __name__ == "__main__":
    main()
