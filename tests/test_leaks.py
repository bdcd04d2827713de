"""No memory leak: the resident set does not grow over repeated calls.

Each scenario runs a few times to warm up (allocator pools, caches, lazy
imports), then many times more; the resident set may not grow by more than
a small bound. A leak of even one small buffer per call (a model's packed
centers, a block buffer, a bound array) would show as hundreds of KiB here.
"""
import gc
import os
import sys

import numpy as np
import pytest

import fastkmeans

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm"),
    # tools/sanitize.sh: AddressSanitizer holds freed memory in quarantine, so
    # the resident set grows without a leak (its leak checker runs on the C API
    # tests' programs instead)
    pytest.mark.skipif("libasan" in os.environ.get("LD_PRELOAD", ""),
                       reason="under AddressSanitizer the resident set does not measure leaks"),
]
REPEATS = 300
BOUND_BYTES = 2 << 20  # 2 MiB over 300 calls: under 7 KiB per call

rng = np.random.default_rng(0)
X = rng.normal(size=(2000, 8)).astype(np.float32)
X64 = X.astype(np.float64)
CENTERS = X[:16].copy()
LABELS = np.arange(500) % 5


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


def _sparse_fit():
    sparse = pytest.importorskip("scipy.sparse")
    fastkmeans.fit(sparse.csr_matrix(X64), 8, init=X64[:8], max_iter=3)


SCENARIOS = {
    "fit lloyd": lambda: fastkmeans.fit(X, 16, init=CENTERS, max_iter=5),
    "fit yinyang": lambda: fastkmeans.fit(X, 16, init=CENTERS, max_iter=5, algorithm="yinyang"),
    "fit elkan": lambda: fastkmeans.fit(X64, 16, init=X64[:16], max_iter=5, algorithm="elkan"),
    "fit k-means++": lambda: fastkmeans.fit(X, 16, max_iter=2, random_state=0),
    "fit sparse": _sparse_fit,
    "predict": lambda: fastkmeans.predict(X, CENTERS, return_distances=True),
    "KMeans": lambda: fastkmeans.KMeans(8, n_init=1, max_iter=3, random_state=0).fit(X),
    "MiniBatchKMeans": lambda: fastkmeans.MiniBatchKMeans(8, batch_size=256, max_iter=3,
                                                          random_state=0).fit(X),
    "silhouette": lambda: fastkmeans.silhouette_score(X[:500], LABELS),
    "center_distances": lambda: fastkmeans.center_distances(X, CENTERS),
    "bad input": lambda: pytest.raises(ValueError, fastkmeans.fit, X, 16, max_iter=2**40),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_repeated_calls_do_not_grow_memory(scenario):
    run = SCENARIOS[scenario]
    for _ in range(30):
        run()
    gc.collect()
    before = _rss_bytes()
    for _ in range(REPEATS):
        run()
    gc.collect()
    grown = _rss_bytes() - before
    assert grown < BOUND_BYTES, f"{scenario}: RSS grew by {grown / 2**20:.2f} MiB"
