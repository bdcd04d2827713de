"""Type checkers see fastkmeans' annotations (PEP 561, ``py.typed``): a user
script using fit, predict, KMeans and elbow is clean under ``mypy --strict``,
and a wrong call is caught."""
import importlib.util
import inspect
import os
import pathlib
import subprocess
import sys

import pytest

import fastkmeans

USER_SCRIPT = '''
import numpy as np
from numpy.typing import NDArray

import fastkmeans
from fastkmeans import KMeans, KMeansResult

X: NDArray[np.float64] = np.random.default_rng(0).normal(size=(200, 2))
result: KMeansResult = fastkmeans.fit(X, 3, random_state=0, tol=0.0)
centers: NDArray[np.floating] = result.centers
inertia: float = result.inertia
labels = fastkmeans.predict(X, result.centers)
estimator: KMeans = KMeans(n_clusters=3, random_state=0).fit(X)
predicted: NDArray[np.int32] = estimator.predict(X)
curve = fastkmeans.elbow(X, range(1, 6), random_state=0)
knee: int | None = curve.knee
score: float = fastkmeans.silhouette_score(X, result.labels)
fastkmeans.show_config()
config = fastkmeans.show_config(mode="dicts")
'''


def _mypy(tmp_path, code):
    """Run ``mypy --strict`` on ``code``; return (exit code, output)."""
    script = tmp_path / "user_script.py"
    script.write_text(code)
    package = pathlib.Path(fastkmeans.__file__).parent
    env = dict(os.environ)
    config = tmp_path / "mypy.ini"
    # An installed package is found by mypy as a user's would be; an editable
    # one only through an import hook mypy cannot follow: then point mypy at
    # its folder, and check its own modules silently (this is about what a
    # user's script sees).
    config.write_text("[mypy]\n[mypy-fastkmeans.*]\nfollow_imports = silent\n"
                      "[mypy-fastkmeans]\nfollow_imports = silent\n")
    if "site-packages" not in package.parts:
        env["MYPYPATH"] = str(package.parent)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file", str(config),
         "--cache-dir", str(tmp_path / "cache"), "--no-error-summary", str(script)],
        capture_output=True, text=True, env=env, cwd=tmp_path)
    return done.returncode, done.stdout + done.stderr


def test_the_package_is_marked_typed():
    assert (pathlib.Path(fastkmeans.__file__).parent / "py.typed").exists()


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy not installed")
def test_mypy_strict_accepts_a_user_script_and_catches_a_wrong_call(tmp_path):
    code, output = _mypy(tmp_path, USER_SCRIPT + 'wrong: str = fastkmeans.fit(X, 3)\n'
                         'fastkmeans.fit(X, n_clusters="three")\n')
    lines = [line for line in output.splitlines() if "user_script.py" in line]
    assert code == 1
    # only the two wrong lines are reported: everything above is typed
    assert len(lines) == 2, output
    assert "KMeansResult" in lines[0] and '"n_clusters"' in lines[1]


def _public_callables():
    """Every public function and class of ``fastkmeans.__all__`` (and of
    ``fastkmeans.datasets``), and the public methods and properties of each
    class, as (qualified name, callable) pairs."""
    names = [(name, getattr(fastkmeans, name)) for name in fastkmeans.__all__]
    names += [(f"datasets.{name}", value) for name, value in vars(fastkmeans.datasets).items()
              if inspect.isfunction(value) and not name.startswith("_")
              and value.__module__ == fastkmeans.datasets.__name__]
    for qualname, item in names:
        if inspect.isfunction(item):
            yield qualname, item
        elif inspect.isclass(item):
            # __init__ among the methods below: a class that inherits
            # Exception's or Warning's has nothing of its own to annotate
            for klass in item.__mro__:
                # what fastkmeans defines, not what object, Exception or a
                # warning category bring
                if not klass.__module__.startswith("fastkmeans"):
                    continue
                for attribute, value in vars(klass).items():
                    if attribute.startswith("_") and attribute != "__init__":
                        continue
                    if isinstance(value, property):
                        yield f"{qualname}.{attribute}", value.fget
                    elif isinstance(value, (staticmethod, classmethod)):
                        yield f"{qualname}.{attribute}", value.__func__
                    elif inspect.isfunction(value):
                        yield f"{qualname}.{attribute}", value


def _unannotated(function):
    """The parameters of ``function`` without an annotation, and ``return``
    when its return type is not annotated."""
    signature = inspect.signature(function)
    missing = [name for index, (name, parameter) in enumerate(signature.parameters.items())
               if parameter.annotation is inspect.Parameter.empty
               and not (index == 0 and name in ("self", "cls"))]
    if signature.return_annotation is inspect.Signature.empty:
        missing.append("return")
    return missing


def test_every_public_callable_is_fully_annotated():
    found = dict(_public_callables())
    # the check sees what it should: functions, constructors, methods, properties
    assert {"fit", "KMeans.__init__", "KMeans.fit", "KMeans.predict",
            "MiniBatchKMeans.partial_fit", "KMeansResult.__init__",
            "ElbowResult.fit_for", "datasets.blobs"} <= set(found)
    unannotated = {name: missing for name, function in found.items()
                   if (missing := _unannotated(function))}
    assert unannotated == {}


def test_the_annotation_check_finds_a_missing_annotation():
    def half_typed(X, n: int):
        return X

    assert _unannotated(half_typed) == ["X", "return"]
