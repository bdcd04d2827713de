"""Ctrl-C: every long-running kernel stops with a clean KeyboardInterrupt.

Each case runs a long call in a child process and sends it SIGINT while a
kernel runs (``benchmarks/scripts/interrupt_latency.py``, small sizes; the
script also prints the seconds each kernel took to stop). Without the
interrupt flag the calls here would run for minutes; the limit below only
says "stopped inside the kernel", not a speed.
"""
import importlib.util
import pathlib
import signal
import subprocess
import sys
import textwrap

import pytest

SCRIPT = (pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "scripts"
          / "interrupt_latency.py")
spec = importlib.util.spec_from_file_location("interrupt_latency", SCRIPT)
latency = importlib.util.module_from_spec(spec)
spec.loader.exec_module(latency)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
# generous: on a loaded 2-core CI machine; an uninterruptible kernel takes minutes
STOP_WITHIN_S = 10.0


@pytest.mark.parametrize("case", sorted(latency.CASES))
def test_sigint_stops_the_kernel(case):
    if case == "sparse":
        pytest.importorskip("scipy.sparse")
    seconds, report = latency.run_case(case, "small", delay=0.5, timeout=60)
    # only the main thread is left: the OpenMP team has stopped
    assert report == "INTERRUPTED 1", report
    assert seconds < STOP_WITHIN_S


def test_custom_handler_still_runs_and_ignored_sigint_is_respected():
    source = textwrap.dedent("""
        import os, signal, threading, numpy as np, fastkmeans
        X = np.random.default_rng(0).normal(size=(100_000, 16)).astype(np.float32)
        def interrupt_soon():
            threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
        seen = []
        def handler(signum, frame):
            seen.append(signum)
            raise RuntimeError("custom")
        signal.signal(signal.SIGINT, handler)
        interrupt_soon()
        try:  # the signal arrives inside a kernel: the custom handler hears of it
            fastkmeans.fit(X, 100, init=X[:100], tol=0, max_iter=100000)
        except RuntimeError as exc:
            print("custom", exc, seen == [signal.SIGINT])
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        interrupt_soon()
        result = fastkmeans.fit(X, 100, init=X[:100], tol=0, max_iter=15)
        print("ignored", result.n_iter)
        print("restored", signal.getsignal(signal.SIGINT) is signal.SIG_IGN)
    """)
    done = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True,
                          timeout=300)
    assert done.stdout.split("\n")[:3] == ["custom custom True", "ignored 15", "restored True"], \
        done.stdout + done.stderr


def test_handler_restored_after_a_fit():
    import numpy as np

    import fastkmeans
    # Python's own handler, whatever this process inherited (a background
    # job of a non-interactive shell starts with SIGINT ignored)
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        fastkmeans.fit(np.random.default_rng(0).normal(size=(500, 3)), 4, max_iter=5)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        # the C handler is Python's again: a SIGINT now is an ordinary KeyboardInterrupt
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
            for _ in range(1000):
                pass
    finally:
        signal.signal(signal.SIGINT, inherited)
