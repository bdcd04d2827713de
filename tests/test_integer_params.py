"""Integer parameters beyond C int and int64: a ValueError naming the
parameter, never a bare OverflowError (or a run that never ends)."""
import subprocess
import sys

import numpy as np
import pytest

import fastkmeans
from fastkmeans._validation import check_n_init

X = np.random.default_rng(0).normal(size=(40, 3))
CENTERS = X[:3]
LABELS = np.arange(40) % 3
HUGE = [2**31, 2**63, 10**20]

CALLS = {
    "fit max_iter": ("max_iter", lambda v: fastkmeans.fit(X, 3, max_iter=v)),
    "fit n_threads": ("n_threads", lambda v: fastkmeans.fit(X, 3, n_threads=v)),
    "fit n_init": ("n_init", lambda v: fastkmeans.fit(X, 3, n_init=v, init="random")),
    "predict n_threads": ("n_threads", lambda v: fastkmeans.predict(X, CENTERS, n_threads=v)),
    "KMeans max_iter": ("max_iter", lambda v: fastkmeans.KMeans(3, max_iter=v).fit(X)),
    "KMeans n_init": ("n_init", lambda v: fastkmeans.KMeans(3, n_init=v).fit(X)),
    "KMeans n_threads": ("n_threads", lambda v: fastkmeans.KMeans(3, n_threads=v).fit(X)),
    "MiniBatchKMeans max_iter": (
        "max_iter", lambda v: fastkmeans.MiniBatchKMeans(3, max_iter=v).fit(X)),
    "MiniBatchKMeans n_init": (
        "n_init", lambda v: fastkmeans.MiniBatchKMeans(3, n_init=v).fit(X)),
    "silhouette_score n_threads": (
        "n_threads", lambda v: fastkmeans.silhouette_score(X, LABELS, n_threads=v)),
    "elbow max_iter": ("max_iter", lambda v: fastkmeans.elbow(X, range(1, 4), max_iter=v)),
    "elbow n_threads": ("n_threads", lambda v: fastkmeans.elbow(X, range(1, 4), n_threads=v)),
    "kmeans_plusplus n_threads": (
        "n_threads", lambda v: fastkmeans.kmeans_plusplus(X, 3, n_threads=v)),
    "kmeans_plusplus n_local_trials": (
        "n_local_trials", lambda v: fastkmeans.kmeans_plusplus(X, 3, n_local_trials=v)),
    "center_distances n_threads": (
        "n_threads", lambda v: fastkmeans.center_distances(X, CENTERS, n_threads=v)),
}


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize("call", sorted(CALLS))
def test_huge_integer_names_the_argument(call, value):
    name, run = CALLS[call]
    with pytest.raises(ValueError, match=f"{name}={value} is too large"):
        run(value)


@pytest.mark.parametrize("value", [2**31, 10**20])
def test_n_clusters_beyond_int64_names_it(value):
    with pytest.raises(ValueError, match="n_clusters"):
        fastkmeans.fit(X, value)


def test_n_init_has_a_bound():
    # 10**9 runs would never end: refused at once
    with pytest.raises(ValueError, match=r"n_init=1000000000 is too large.*at most 10000"):
        fastkmeans.fit(X, 3, n_init=10**9, init="random")
    assert check_n_init(10_000, "random") == 10_000


def test_batch_size_beyond_n_samples_is_capped():
    model = fastkmeans.MiniBatchKMeans(3, batch_size=2**70, random_state=0).fit(X)
    assert model.cluster_centers_.shape == (3, 3)


def test_cli_huge_max_iter_is_one_line(tmp_path):
    data = tmp_path / "x.csv"
    np.savetxt(data, X, delimiter=",")
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from fastkmeans._cli import main; sys.exit(main())",
         "fit", str(data), "-k", "2", "--max-iter", "2147483648"],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "fastkmeans: error: max_iter=2147483648 is too large: expected a positive "
        "integer at most 2147483647"]
