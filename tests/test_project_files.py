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
    assert '".[test]"' in lines[1] and "-m pytest" in lines[1]


def test_getting_started_uses_the_readme_commands():
    readme, guide = ROOT / "README.md", ROOT / "docs" / "getting-started.md"
    if not (readme.exists() and guide.exists()):
        pytest.skip("not run from a checkout")
    for line in _setup_block(readme.read_text()).strip().splitlines():
        assert line in guide.read_text()


@pytest.mark.parametrize("document", ["README.md", "docs/getting-started.md",
                                      "docs/estimators.md"])
def test_python_examples_in_the_docs_run(document, capsys):
    path = ROOT / document
    if not path.exists():
        pytest.skip("not run from a checkout")
    blocks = re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.DOTALL)
    assert blocks
    namespace = {}
    for block in blocks:  # later blocks use the names of earlier ones
        exec(compile(block, document, "exec"), namespace)
