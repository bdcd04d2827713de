"""The demo (python -m fastkmeans) and show_config."""
import os
import re
import subprocess
import sys

import pytest

import fastkmeans


def test_demo_runs_and_prints_the_elbow_table():
    out = subprocess.run([sys.executable, "-m", "fastkmeans"], capture_output=True,
                         text=True, timeout=120, cwd=os.path.dirname(__file__))
    assert out.returncode == 0, out.stderr
    assert "Tutorial data" in out.stdout and "Four well-separated blobs" in out.stdout
    assert out.stdout.count("Elbow table") == 2
    rows = re.findall(r"^\s*([1-9])\s+([0-9.]+)$", out.stdout, flags=re.MULTILINE)
    assert [int(k) for k, _ in rows] == list(range(1, 10)) * 2
    tutorial = [float(value) for _, value in rows[:9]]
    assert all(a >= b for a, b in zip(tutorial, tutorial[1:], strict=False))  # inertia falls with k


def test_show_config_prints_or_returns_the_build(capsys):
    # as numpy.show_config: printing returns None (a REPL shows it once),
    # mode="dicts" returns the description and prints nothing
    assert fastkmeans.show_config() is None
    printed = capsys.readouterr().out
    config = fastkmeans.show_config(mode="dicts")
    assert capsys.readouterr().out == ""
    assert config["version"] == fastkmeans.__version__
    assert isinstance(config["openmp"], bool)
    assert config["n_threads"] >= 1
    if not config["openmp"]:
        assert config["n_threads"] == 1
    assert config["simd"] in config["simd_supported"]
    assert "generic" in config["simd_supported"]
    assert config["compiler"] and config["compiler_flags"].startswith("-O")
    for key in ("version", "openmp", "n_threads", "compiler_flags", "simd"):
        assert key in printed
    with pytest.raises(ValueError, match="mode"):
        fastkmeans.show_config(mode="print")
