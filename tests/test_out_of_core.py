"""Out of core on one machine: a memmap of X is never copied.

``fit``, ``predict``, ``silhouette_score`` and ``elbow`` on an ``np.memmap``
(read-only included) add to the process's anonymous memory (``RssAnon``,
the pages not backed by a file; the memmap's pages are file-backed) at most
5% of ``X.nbytes`` plus 64 MiB, sampled every few milliseconds while they
run. X is 64 features of float32 (its labels and weights are 12 bytes a row, 5%
of it), so a copy of it would be twice over.
"""
import pathlib
import threading
import time

import numpy as np
import pytest

import fastkmeans

STATUS = pathlib.Path("/proc/self/status")
pytestmark = pytest.mark.skipif(not STATUS.exists(), reason="needs /proc/self/status")

N_SAMPLES, N_FEATURES = 500_000, 64  # 128 MB of float32
CONSTANT = 64 * 2**20


def _rss_anon() -> int:
    for line in STATUS.read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no RssAnon in /proc/self/status")


class PeakAnon:
    """The largest RssAnon growth over the block, sampled by a thread."""

    def __enter__(self):
        self.start, self.peak, self.running = _rss_anon(), 0, True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, _rss_anon() - self.start)
            time.sleep(0.002)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, _rss_anon() - self.start)


@pytest.fixture(scope="module")
def memmap_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("memmap") / "X.f32"
    X = np.memmap(path, dtype=np.float32, mode="w+", shape=(N_SAMPLES, N_FEATURES))
    rng = np.random.default_rng(0)
    centers = rng.uniform(-10, 10, size=(8, N_FEATURES)).astype(np.float32)
    for start in range(0, N_SAMPLES, 100_000):  # written chunk-wise
        labels = rng.integers(0, 8, size=100_000)
        X[start:start + 100_000] = centers[labels] + rng.standard_normal(
            (100_000, N_FEATURES), dtype=np.float32)
    X.flush()
    del X
    return path


@pytest.mark.parametrize("mode", ["r", "r+"])
def test_memmap_is_never_copied(memmap_path, mode):
    X = np.memmap(memmap_path, dtype=np.float32, mode=mode, shape=(N_SAMPLES, N_FEATURES))
    budget = 0.05 * X.nbytes + CONSTANT
    with PeakAnon() as fitting:
        result = fastkmeans.fit(X, 8, max_iter=3, random_state=0, n_threads=2)
    with PeakAnon() as predicting:
        fastkmeans.predict(X, result.centers, n_threads=2)
    with PeakAnon() as scoring:
        fastkmeans.silhouette_score(X, result.labels, sample_size=2000, random_state=0)
    with PeakAnon() as elbow:
        fastkmeans.elbow(X, [1, 2], max_iter=2, random_state=0)
    growth = {"fit": fitting.peak, "predict": predicting.peak, "silhouette": scoring.peak,
              "elbow": elbow.peak}
    print({name: f"{peak / 2**20:.1f} MiB" for name, peak in growth.items()},
          f"budget {budget / 2**20:.1f} MiB")
    assert max(growth.values()) <= budget, (growth, budget)
