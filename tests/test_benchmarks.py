"""The asv suite still runs: every benchmark once, on its smallest parameters.

asv only runs the suite on request; this keeps an API change from breaking it
unnoticed. Each ``time_*``/``peakmem_*`` method runs once per implementation
and representation (dense, sparse), on the smoke workload
(``common.SMOKE_WORKLOAD``) and the first value of every other parameter, as
asv would: ``setup``, the method, ``teardown``. A ``NotImplementedError`` from
``setup`` is asv's skip, and a skip here too.

The suite (``benchmarks/asv_bench``) must use fastkmeans' public API only, so
that asv can measure past and future commits; the stand-alone comparison
scripts (``benchmarks/scripts``) may use anything, and asv never imports them.
"""
import ast
import importlib
import importlib.util
import inspect
import itertools
import pathlib
import sys

import pytest

BENCHMARK_DIR = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "asv_bench"
# A private name: the suite's relative imports work without putting the
# repository root, and whatever else it holds, on sys.path.
PACKAGE = "_fastkmeans_asv_benchmarks"
BENCHMARK_PREFIXES = ("time_", "peakmem_")
#: Parameters whose every value runs: what is compared, not how big.
EVERY_VALUE = ("implementation", "representation")


def _import_suite():
    """The benchmark modules, imported as submodules of :data:`PACKAGE`."""
    spec = importlib.util.spec_from_file_location(
        PACKAGE, BENCHMARK_DIR / "__init__.py",
        submodule_search_locations=[str(BENCHMARK_DIR)])
    package = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = package
    spec.loader.exec_module(package)
    return [importlib.import_module(f"{PACKAGE}.{path.stem}")
            for path in sorted(BENCHMARK_DIR.glob("benchmark_*.py"))]


def _smallest_params(cls, smoke_workload):
    """Parameter combinations to run: all implementations, else the smallest value."""
    params = getattr(cls, "params", [])
    if params and not isinstance(params[0], (list, tuple)):  # asv's one-parameter form
        params = [params]
    names = getattr(cls, "param_names", [])
    choices = []
    for name, values in zip(names, params, strict=True):
        if name in EVERY_VALUE:
            choices.append(list(values))
        elif name == "workload":
            choices.append([smoke_workload])
        else:
            choices.append([values[0]])
    return list(itertools.product(*choices))


def _cases():
    if not (BENCHMARK_DIR / "__init__.py").exists():
        return []
    modules = _import_suite()
    smoke_workload = importlib.import_module(f"{PACKAGE}.common").SMOKE_WORKLOAD
    cases = []
    for module in modules:
        for class_name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            methods = [name for name in dir(cls) if name.startswith(BENCHMARK_PREFIXES)]
            combinations = _smallest_params(cls, smoke_workload)
            for method, params in itertools.product(methods, combinations):
                case_id = f"{module.__name__.rpartition('.')[2]}.{class_name}.{method}"
                if params:
                    case_id += "[" + "-".join(map(str, params)) + "]"
                cases.append(pytest.param(cls, method, params, id=case_id))
    return cases


CASES = _cases()


def test_the_suite_has_benchmarks():
    if not BENCHMARK_DIR.exists():
        pytest.skip("not run from a checkout: no benchmarks/")
    assert CASES, f"no time_/peakmem_ benchmarks found in {BENCHMARK_DIR}"


def _private_uses(path):
    """``fastkmeans._<name>`` imports and attributes in a benchmark module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id == "fastkmeans"):
            names = [f"fastkmeans.{node.attr}"]
        else:
            continue
        found += [name for name in names
                  if name.startswith("fastkmeans.") and name.split(".")[1].startswith("_")]
    return found


def test_the_suite_uses_the_public_api_only():
    if not BENCHMARK_DIR.exists():
        pytest.skip("not run from a checkout: no benchmarks/")
    private = {path.name: _private_uses(path) for path in sorted(BENCHMARK_DIR.glob("*.py"))}
    assert {name: uses for name, uses in private.items() if uses} == {}


def test_asv_runs_the_suite_and_not_the_scripts():
    config = BENCHMARK_DIR.parents[1] / "asv.conf.json"
    if not config.exists():
        pytest.skip("not run from a checkout: no asv.conf.json")
    import json

    benchmark_dir = json.loads(config.read_text())["benchmark_dir"]
    assert (BENCHMARK_DIR.parents[1] / benchmark_dir).resolve() == BENCHMARK_DIR
    scripts = BENCHMARK_DIR.parent / "scripts"
    assert not (scripts / "__init__.py").exists()
    assert not list(scripts.glob("benchmark_*.py"))


@pytest.mark.parametrize(("cls", "method", "params"), CASES)
def test_benchmark_runs_on_its_smallest_parameters(cls, method, params):
    benchmark = cls()
    if hasattr(benchmark, "setup"):
        try:
            benchmark.setup(*params)
        except NotImplementedError as exc:
            pytest.skip(f"skipped by setup, as asv would: {exc}")
    try:
        getattr(benchmark, method)(*params)
    finally:
        if hasattr(benchmark, "teardown"):
            benchmark.teardown(*params)
