"""Regenerate the figures of docs/tutorial.md by running its code blocks.

    python docs/make_tutorial_figures.py [OUTPUT_FOLDER]

The ``python`` blocks of the tutorial run in order, in one namespace, with
matplotlib's file backend; the axes they leave in ``clusters_ax``,
``elbow_ax``, ``silhouette_ax`` (axes) and ``choose_k_fig`` (a figure of
several panels, kept at its own size) are saved as small PNGs into
OUTPUT_FOLDER (``docs/figures`` by default).
"""
import pathlib
import re
import sys

import matplotlib

DOCS = pathlib.Path(__file__).resolve().parent
FIGURES = {
    "clusters_ax": "tutorial-clusters.png",
    "elbow_ax": "tutorial-elbow.png",
    "silhouette_ax": "tutorial-silhouette.png",
    "choose_k_fig": "tutorial-choose-k.png",
}


def run_tutorial() -> dict:
    """Execute the tutorial's python blocks; return their namespace."""
    matplotlib.use("Agg")
    text = (DOCS / "tutorial.md").read_text()
    namespace = {}
    for block in re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL):
        exec(compile(block, "tutorial.md", "exec"), namespace)
    return namespace


def main(output=DOCS / "figures") -> list:
    """Save the tutorial's figures into ``output``; return their paths."""
    import matplotlib.pyplot as plt

    output = pathlib.Path(output)
    output.mkdir(parents=True, exist_ok=True)
    namespace = run_tutorial()
    paths = []
    for name, filename in FIGURES.items():
        figure = namespace[name].figure
        if name.endswith("_ax"):  # one plot each; the choose_k figure keeps its size
            figure.set_size_inches(6.4, 4.4)
        path = output / filename
        figure.savefig(path, dpi=80, bbox_inches="tight")
        paths.append(path)
    plt.close("all")
    return paths


if __name__ == "__main__":
    for saved in main(*sys.argv[1:]):
        print(saved)
