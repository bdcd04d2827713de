"""The end of every run loop's iteration (Lloyd, accelerated, sparse): record it,
apply scikit-learn's stopping rule, let the ``on_iteration`` hook stop the run."""


def end_iteration(history: list, inertia: float, shift: float, seconds: float,
                  distance_evaluations: int, n_changed: int, tol: float, on_iteration):
    """Append the iteration's record to ``history``; ``(converged, strict, stop)``.

    ``strict``: no label changed; ``converged``: strict, or the total squared
    center shift is at most ``tol``. ``on_iteration`` (if any) is called after
    the record is appended, also on the last iteration; ``stop`` is whether
    the run ends here (converged, or the hook returned a true value).
    """
    history.append((inertia, shift, seconds, distance_evaluations))
    strict = n_changed == 0
    converged = strict or shift <= tol
    stopped_by_hook = on_iteration is not None and bool(on_iteration())
    return converged, strict, converged or stopped_by_hook
