"""The promises of the README that CI and new users rely on."""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _setup_block(text):
    after_marker = text.split("<!-- ci-setup", 1)[1]
    return re.search(r"```sh\n(.*?)```", after_marker, flags=re.DOTALL).group(1)


def test_readme_setup_is_two_commands_demo_then_tests():
    readme = ROOT / "README.md"
    if not readme.exists():
        pytest.skip("not run from a checkout")
    lines = _setup_block(readme.read_text()).strip().splitlines()
    assert len(lines) == 2
    assert "pip install ." in lines[0] and "-m fastkmeans" in lines[0]
    assert "-r tests/requirements.txt" in lines[1] and "-m pytest" in lines[1]


def test_test_requirements_are_the_test_extra():
    # the README installs tests/requirements.txt (no second build of
    # fastkmeans); pip install ".[test]" installs the extra: the same list
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    requirements = ROOT / "tests" / "requirements.txt"
    if not requirements.exists():
        pytest.skip("not run from a checkout")
    listed = [line.strip() for line in requirements.read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    with open(ROOT / "pyproject.toml", "rb") as f:
        extra = tomllib.load(f)["project"]["optional-dependencies"]["test"]
    assert listed == extra


def test_getting_started_uses_the_readme_commands():
    readme, guide = ROOT / "README.md", ROOT / "docs" / "getting-started.md"
    if not (readme.exists() and guide.exists()):
        pytest.skip("not run from a checkout")
    for line in _setup_block(readme.read_text()).strip().splitlines():
        assert line in guide.read_text()


def test_tutorial_figures_are_committed_and_regenerate(tmp_path):
    script = ROOT / "docs" / "make_tutorial_figures.py"
    if not script.exists():
        pytest.skip("not run from a checkout")
    pytest.importorskip("matplotlib")
    import importlib.util

    import matplotlib.pyplot as plt

    spec = importlib.util.spec_from_file_location("make_tutorial_figures", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    tutorial = (ROOT / "docs" / "tutorial.md").read_text()
    paths = module.main(tmp_path)
    plt.close("all")
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        committed = ROOT / "docs" / "figures" / path.name
        assert committed.exists() and committed.stat().st_size < 100_000
        assert f"figures/{path.name}" in tutorial
    # what the prose says about the tutorial data is what the code finds
    namespace = module.run_tutorial()
    plt.close("all")
    assert f"On this data the knee is at k = {namespace['curve'].knee}" in tutorial
