"""Progress of a fit: per-iteration records, ``verbose`` lines, a terminal bar.

``fit(..., verbose=..., callback=...)`` builds its ``on_iteration`` hook
here; the command-line tool draws :class:`ProgressBar` on stderr.
"""
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral
from typing import TextIO


@dataclass(frozen=True)
class IterationInfo:
    """What one Lloyd iteration did, as passed to ``fit(..., callback=...)``.

    Attributes
    ----------
    iteration : int
        Iteration number within the run, from 1.
    inertia : float
        Weighted sum of squared distances of the points to the centers they
        were assigned to in this iteration.
    center_shift : float
        Sum over centers of the squared distance each center moved.
    seconds : float
        Wall time of the iteration.
    run : int
        Index of the initialisation (``0 .. n_runs - 1``).
    n_runs : int
        Initialisations the fit makes (``n_init``).
    distance_evaluations : int
        Point-to-center distances computed in this iteration (``n_samples *
        n_clusters`` for Lloyd, fewer for the accelerated algorithms).
    """

    iteration: int
    inertia: float
    center_shift: float
    seconds: float
    run: int
    n_runs: int
    distance_evaluations: int


def check_verbose(verbose) -> int:
    """``verbose`` as an int >= 0 (booleans allowed)."""
    if not isinstance(verbose, Integral):
        raise TypeError(f"verbose must be a non-negative integer or a bool, got {verbose!r} "
                        f"of type {type(verbose).__name__}")
    if verbose < 0:
        raise ValueError(f"verbose must be a non-negative integer or a bool, got {verbose!r}")
    return int(verbose)


def check_callback(callback, name: str = "callback") -> Callable | None:
    """``callback`` if it is None or callable (``name`` for the message)."""
    if callback is not None and not callable(callback):
        raise TypeError(f"{name} must be a callable or None, got {callback!r} "
                        f"of type {type(callback).__name__}")
    return callback


class FitProgress:
    """Reports the iterations of a fit's runs to ``verbose`` and ``callback``.

    Parameters
    ----------
    n_runs : int
        Initialisations the fit makes.
    verbose : int
        Print a line per iteration when non-zero.
    callback : callable or None
        ``callback(IterationInfo)``; a true return stops the fit.
    stream : file-like, optional
        Where ``verbose`` prints (``sys.stdout`` at print time by default).
    """

    def __init__(self, n_runs: int, verbose: int, callback: Callable | None,
                 stream: TextIO | None = None) -> None:
        self.n_runs = n_runs
        self.verbose = verbose
        self.callback = callback
        self.stream = stream
        #: set once the callback has asked to stop: no further run starts
        self.stopped = False

    def hook(self, run: int):
        """The ``on_iteration`` hook of the run loop (``_run.run_lloyd``) for one
        run (None if nobody listens).

        It is called with the run's history and reads the iteration's
        ``(inertia, center_shift, seconds, distance_evaluations)`` tuple, the
        last one; it returns True to stop the run.
        """
        if not self.verbose and self.callback is None:
            return None

        def on_iteration(history: list) -> bool:
            inertia, center_shift, seconds, evaluations = history[-1]
            info = IterationInfo(len(history), float(inertia), float(center_shift),
                                 float(seconds), run, self.n_runs, int(evaluations))
            if self.verbose:
                self._print(info)
            if self.callback is not None and self.callback(info):
                self.stopped = True
            return self.stopped

        return on_iteration

    def _print(self, info: IterationInfo) -> None:
        run_text = f"run {info.run + 1}/{info.n_runs} " if info.n_runs > 1 else ""
        print(f"{run_text}iteration {info.iteration:4d}: inertia {info.inertia:.6g}, "
              f"center shift {info.center_shift:.3g}, "
              f"{info.distance_evaluations} distances, {info.seconds * 1e3:.2f} ms",
              file=self.stream if self.stream is not None else sys.stdout, flush=True)


class ProgressBar:
    """A one-line text progress bar, drawn only when ``stream`` is a terminal.

    Parameters
    ----------
    total : int
        Steps to the end.
    label : str
        Text before the bar.
    stream : file-like, optional
        Where to draw; ``sys.stderr`` by default.
    width : int, default=30
        Characters of the bar itself.

    Examples
    --------
    >>> import io
    >>> with ProgressBar(3, "elbow", stream=io.StringIO()) as bar:
    ...     for k in range(3):
    ...         bar.advance(f"k = {k}")
    >>> bar.enabled     # a StringIO is no terminal: nothing was drawn
    False
    """

    def __init__(self, total: int, label: str, stream: TextIO | None = None,
                 width: int = 30) -> None:
        self.total = max(int(total), 1)
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        self.width = width
        self.done = 0
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty())
        self._started = time.perf_counter()

    def advance(self, note: str = "") -> None:
        """One more step done; redraw."""
        self.done = min(self.done + 1, self.total)
        if not self.enabled:
            return
        filled = self.width * self.done // self.total
        elapsed = time.perf_counter() - self._started
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
                          f"{self.done}/{self.total} {elapsed:.1f}s {note}\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        """End the line the bar was drawn on."""
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
