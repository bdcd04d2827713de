"""Seconds from Ctrl-C (SIGINT) to a clean KeyboardInterrupt, per kernel.

Each case runs in a child process: it builds its data, prints READY, runs
one long call; the parent waits ``--delay`` seconds after READY (so the
call is inside a kernel), sends SIGINT and measures the time until the child
reports the KeyboardInterrupt (and that no other thread is left running).

    python benchmarks/scripts/interrupt_latency.py            # the issue's sizes
    python benchmarks/scripts/interrupt_latency.py --size small   # the test suite's sizes

tests/test_interrupt.py runs the small cases.
"""
import argparse
import os
import signal
import subprocess
import sys
import threading
import time

# name -> (setup, call): Python source run in the child, small and full size
SETUP = """
import signal, threading, time, numpy as np, fastkmeans
# Python's own Ctrl-C handler, even if the parent was started with SIGINT
# ignored (a background job of a non-interactive shell is, and its children
# inherit that): the measure is of the kernels, not of how this was launched
signal.signal(signal.SIGINT, signal.default_int_handler)
rng = np.random.default_rng(0)
def data(n, d):
    return rng.normal(size=(n, d)).astype(np.float32)
"""
CASES = {
    "lloyd": ("X = data({n}, 32); C = X[:{k}].copy()",
              "fastkmeans.fit(X, {k}, init=C, tol=0, max_iter=100000, algorithm='lloyd')"),
    "yinyang": ("X = data({n}, 32); C = X[:{k}].copy()",
                "fastkmeans.fit(X, {k}, init=C, tol=0, max_iter=100000, algorithm='yinyang')"),
    "elkan": ("X = data({n}, 32); C = X[:{k}].copy()",
              "fastkmeans.fit(X, {k}, init=C, tol=0, max_iter=100000, algorithm='elkan')"),
    "sparse": ("import scipy.sparse as sp; X = sp.random({n}, 200, density=0.05, "
               "format='csr', dtype=np.float32, random_state=0); C = X[:{k}].toarray()",
               # repeated: sparse random data converges (labels stop changing) in
               # about 0.4 s at the small size, before the signal
               "[fastkmeans.fit(X, {k}, init=C, tol=0, max_iter=100000) for _ in range(100000)]"),
    "k-means++": ("X = data({n}, 32)", "fastkmeans.kmeans_plusplus(X, {n} // 4)"),
    "silhouette": ("X = data({n}, 32); L = np.arange({n}) % {k}",
                   "fastkmeans.silhouette_score(X, L)"),
    "center_distances": ("X = data({n}, 32); C = X[:{k}].copy()",
                         "[fastkmeans.center_distances(X, C) for _ in range(100000)]"),
    "predict": ("X = data({n}, 32); C = X[:{k}].copy()",
                "[fastkmeans.predict(X, C) for _ in range(100000)]"),
    "mini-batch": ("X = data({n}, 32)",
                   "fastkmeans.MiniBatchKMeans({k}, batch_size={n} // 2, max_iter=100000, "
                   "max_no_improvement=None, tol=0, n_init=1, random_state=0).fit(X)"),
}
SIZES = {"small": dict(n=60_000, k=200), "medium": dict(n=500_000, k=500),
         "full": dict(n=2_000_000, k=1000)}
SILHOUETTE_N = {"small": 60_000, "medium": 200_000, "full": 200_000}

CHILD = """
{setup}
{case_setup}
print("READY", flush=True)
try:
    {call}
    print("FINISHED", flush=True)
except KeyboardInterrupt:
    print("INTERRUPTED", threading.active_count(), flush=True)
"""


def run_case(name: str, size: str, delay: float, timeout: float):
    """``(seconds from SIGINT to the child's report, the report)``."""
    params = dict(SIZES[size])
    if name == "silhouette":
        params["n"] = SILHOUETTE_N[size]
    case_setup, call = CASES[name]
    source = CHILD.format(setup=SETUP, case_setup=case_setup.format(**params),
                          call=call.format(**params))
    child = subprocess.Popen([sys.executable, "-c", source], stdout=subprocess.PIPE,
                             text=True, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    # a child that never reports is killed after `timeout` (its report is then
    # empty), so no read below can block for ever
    killer = threading.Timer(timeout, child.kill)
    killer.start()
    try:
        assert child.stdout.readline().strip() == "READY"
        time.sleep(delay)
        sent = time.perf_counter()
        child.send_signal(signal.SIGINT)
        report = child.stdout.readline().strip()
        seconds = time.perf_counter() - sent
        child.wait(timeout)
        return seconds, report
    finally:
        killer.cancel()
        if child.poll() is None:
            child.kill()
            child.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(SIZES), default="full",
                        help="small: the test suite's; full: the issue's (2M x 32, k = 1000; "
                        "center_distances then returns 8 GB)")
    parser.add_argument("--delay", type=float, default=2.0, help="seconds before SIGINT")
    parser.add_argument("cases", nargs="*", default=list(CASES))
    args = parser.parse_args()
    size = args.size
    print(f"{'kernel':18s} {'seconds':>8s}  report")
    for name in args.cases:
        seconds, report = run_case(name, size, args.delay, timeout=600)
        print(f"{name:18s} {seconds:8.3f}  {report}", flush=True)


if __name__ == "__main__":
    main()
