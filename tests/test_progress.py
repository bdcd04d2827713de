"""fit(verbose=..., callback=...) and the terminal progress bar."""
import io

import numpy as np
import pytest
from helpers import make_blobs

import fastkmeans
from fastkmeans._progress import ProgressBar


@pytest.fixture(scope="module")
def X():
    return make_blobs(600, 3, 5, cluster_std=4.0, seed=2)[0]


def test_callback_sees_every_iteration_of_every_run(X):
    seen = []
    result = fastkmeans.fit(X, 5, init="random", n_init=3, random_state=0,
                            callback=seen.append)
    assert [info.run for info in seen] == sorted(info.run for info in seen)
    assert {info.run for info in seen} == {0, 1, 2}
    assert all(info.n_runs == 3 for info in seen)
    # the returned run's records are its history
    reference = fastkmeans.fit(X, 5, init="random", n_init=3, random_state=0)
    assert result.inertia == reference.inertia
    best_runs = [run for run in range(3)
                 if [i.inertia for i in seen if i.run == run] == list(result.history.inertia)]
    assert best_runs
    records = [i for i in seen if i.run == best_runs[0]]
    assert [i.iteration for i in records] == list(range(1, result.n_iter + 1))
    assert [i.center_shift for i in records] == list(result.history.center_shift)


def test_callback_returning_true_stops_the_fit(X, container):
    seen = []

    def stop_at_two(info):
        seen.append(info)
        return info.iteration == 2

    data = container(X)
    result = fastkmeans.fit(data, 5, init="random", n_init=4, random_state=0, tol=0.0,
                            callback=stop_at_two)
    full = fastkmeans.fit(data, 5, init="random", n_init=1, random_state=0, tol=0.0)
    assert full.n_iter > 2
    assert len(seen) == 2 and {info.run for info in seen} == {0}   # no further runs
    # called after each iteration's record is kept, with all of Lloyd's distances
    assert [info.iteration for info in seen] == [1, 2]
    assert all(info.distance_evaluations == X.shape[0] * 5 for info in seen)
    assert result.n_iter == 2 and not result.converged
    assert result.history.inertia.size == 2
    # labels and inertia belong to the returned centers
    assert np.array_equal(result.labels, fastkmeans.predict(data, result.centers))
    labels, sq = fastkmeans.predict(data, result.centers, return_distances=True)
    assert result.inertia == pytest.approx(sq.sum(), rel=1e-12)


def test_verbose_prints_one_line_per_iteration(X, capsys):
    result = fastkmeans.fit(X, 5, random_state=0, verbose=1)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == result.n_iter
    assert lines[0].startswith("iteration    1: inertia ")
    assert "center shift" in lines[-1] and lines[-1].endswith("ms")
    fastkmeans.fit(X, 5, init="random", n_init=2, random_state=0, verbose=True)
    assert capsys.readouterr().out.startswith("run 1/2 iteration")


def test_fit_without_listeners_is_unchanged(X):
    plain = fastkmeans.fit(X, 5, random_state=0)
    heard = fastkmeans.fit(X, 5, random_state=0, callback=lambda info: None)
    assert np.array_equal(plain.centers, heard.centers) and plain.n_iter == heard.n_iter


def test_callback_errors_propagate(X):
    def fail(info):
        raise RuntimeError("from the callback")

    with pytest.raises(RuntimeError, match="from the callback"):
        fastkmeans.fit(X, 5, random_state=0, callback=fail)


@pytest.mark.parametrize("options, error", [
    ({"verbose": -1}, ValueError), ({"verbose": "yes"}, TypeError),
    ({"callback": 3}, TypeError)])
def test_bad_progress_options(X, options, error):
    with pytest.raises(error, match=next(iter(options))):
        fastkmeans.fit(X, 5, **options)


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_draws_only_on_a_terminal():
    terminal, pipe = _Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        with ProgressBar(4, "elbow", stream=stream, width=8) as bar:
            for k in range(4):
                bar.advance(f"k = {k}")
    assert pipe.getvalue() == ""
    text = terminal.getvalue()
    assert text.count("\r") == 4 and text.endswith("\n")
    assert "elbow [##......] 1/4" in text and "[########] 4/4" in text and "k = 3" in text
