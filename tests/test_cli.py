"""The fastkmeans command: every command and error path, in-process and installed."""
import shutil
import subprocess
import sys

import numpy as np
import pytest

import fastkmeans
from fastkmeans._cli import main


@pytest.fixture
def tutorial_csv(tmp_path):
    path = tmp_path / "points.csv"
    X = fastkmeans.datasets.tutorial_points()
    np.savetxt(path, X, delimiter=",", header="group,value", comments="", fmt="%.17g")
    return path, X


def test_fit_writes_labels_centers_and_plot(tutorial_csv, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path, X = tutorial_csv
    labels, centers, plot = tmp_path / "l.csv", tmp_path / "c.csv", tmp_path / "p.png"
    code = main(["fit", str(path), "-k", "4", "--labels", str(labels), "--centers",
                 str(centers), "--plot", str(plot), "--random-state", "3"])
    assert code == 0
    expected = fastkmeans.fit(X, 4, random_state=3)
    out = capsys.readouterr().out
    assert f"inertia {expected.inertia:.6g}" in out
    assert np.array_equal(np.loadtxt(labels, skiprows=1, dtype=int), expected.labels)
    assert centers.read_text().splitlines()[0] == "group,value"
    np.testing.assert_array_equal(np.loadtxt(centers, delimiter=",", skiprows=1),
                                  expected.centers)
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_fit_reads_headerless_csv_and_npy(tmp_path, capsys):
    X = fastkmeans.datasets.blobs(n_samples=80)[0]
    np.savetxt(tmp_path / "x.csv", X, delimiter=",", fmt="%.17g")
    np.save(tmp_path / "x.npy", X)
    expected = fastkmeans.fit(X, 4, random_state=0, n_init=2)
    for name in ("x.csv", "x.npy"):
        assert main(["fit", str(tmp_path / name), "-k", "4", "--n-init", "2",
                     "--centers", str(tmp_path / "c.csv")]) == 0
        assert f"inertia {expected.inertia:.6g}" in capsys.readouterr().out
        assert (tmp_path / "c.csv").read_text().startswith("x0,x1\n")


def test_fit_verbose_prints_iterations(tutorial_csv, capsys):
    path, X = tutorial_csv
    assert main(["fit", str(path), "-k", "3", "-v"]) == 0
    n_iter = fastkmeans.fit(X, 3, random_state=0).n_iter
    assert capsys.readouterr().out.count("iteration ") == n_iter


def test_elbow_prints_the_table_and_the_knee(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    X = fastkmeans.datasets.blobs()[0]
    np.save(tmp_path / "blobs.npy", X)
    plot = tmp_path / "elbow.png"
    assert main(["elbow", str(tmp_path / "blobs.npy"), "--k-max", "8", "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    expected = fastkmeans.elbow(X, range(1, 9), random_state=0)
    assert "knee: k = 4" in out and expected.knee == 4
    assert len([line for line in out.splitlines() if line.strip()[:1].isdigit()]) == 8
    assert plot.stat().st_size > 1000


def test_elbow_without_knee_and_k_max_above_n(tmp_path, capsys):
    np.save(tmp_path / "two.npy", np.array([[0.0], [1.0]]))
    assert main(["elbow", str(tmp_path / "two.npy")]) == 0
    assert "knee: none" in capsys.readouterr().out


def test_demo(capsys):
    assert main(["demo"]) == 0
    assert "Elbow table" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    [], ["cluster", "x.csv"], ["fit", "x.csv"], ["fit", "x.csv", "-k", "0"],
    ["fit", "x.csv", "-k", "two"], ["elbow", "x.csv", "--k-max", "-1"],
    ["elbow", "x.csv", "--k-min", "5", "--k-max", "3"], ["fit", "x.csv", "-k", "2", "--bogus"]])
def test_usage_errors_exit_2_with_one_line(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("fastkmeans: usage error:") and err.count("\n") == 1


@pytest.mark.parametrize("content, message", [
    ("a,species\n1,2\n3,setosa\n", "column 'species' is not numeric ('setosa' on line 3)"),
    ("1,2\n\n3,x\n", "column 2 is not numeric ('x' on line 3)"),
    ("1,2\n3,\n", "column 2 is not numeric (an empty field on line 2)"),
    ("1,2\n3\n", "line 2: 1 fields, expected 2"),
    ("", "holds no data"),
    ("a,b\n", "header but no data"),
    ("1,2\n\nnan,1\n", "data.csv, line 3: column 1 is nan, expected a finite number"),
    ("1,2\n3,4\n", "n_clusters=3 is out of range"),
])
def test_data_errors_exit_1_with_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "data.csv"
    path.write_text(content)
    assert main(["fit", str(path), "-k", "3"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("fastkmeans: error:") and err.count("\n") == 1
    assert message in err


@pytest.mark.parametrize("content", [
    b"a,b\n1,2\n3,\x004\n",                          # a NUL byte
    b"a,b\n1,2\n3," + b"x" * 200_000 + b"\n",          # beyond csv's field size limit
])
def test_unreadable_csv_exits_1_with_one_line(tmp_path, capsys, content):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    assert main(["fit", str(path), "-k", "1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("fastkmeans: error:") and err.count("\n") == 1
    assert "bad.csv" in err


def test_npz_named_npy_exits_1_with_one_line(tmp_path, capsys):
    with open(tmp_path / "arrays.npy", "wb") as handle:
        np.savez(handle, X=np.eye(3))
    assert main(["fit", str(tmp_path / "arrays.npy"), "-k", "2"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ".npz archive" in err


@pytest.mark.parametrize("content", [
    "\n x , y \n1, 2\n\n 3 ,4.5\n5,6\n",   # blank lines, spaces around fields
    '"x","y"\n"1","2"\n"3","4.5"\n"5","6"\n',   # quoted numbers (read row by row)
    "1,2\n3,4.5\n5,6",                         # no header, no final newline
])
def test_csv_layouts_read_as_the_same_numbers(tmp_path, capsys, content):
    from fastkmeans._cli import load_data

    path = tmp_path / "data.csv"
    path.write_text(content)
    table = load_data(str(path))
    values, header = table.X, table.names
    np.testing.assert_array_equal(values, [[1.0, 2.0], [3.0, 4.5], [5.0, 6.0]])
    assert header == (None if content.startswith("1") else ["x", "y"])


def test_elbow_default_k_range_is_that_of_the_function(tmp_path, capsys):
    X = fastkmeans.datasets.blobs(n_samples=80)[0]
    np.save(tmp_path / "x.npy", X)
    assert main(["elbow", str(tmp_path / "x.npy")]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()
            if line.strip()[:1].isdigit()]
    expected = fastkmeans.elbow(X, random_state=0)
    assert tuple(int(row[0]) for row in rows) == expected.k_values == tuple(range(1, 10))


def test_file_errors_exit_1(tmp_path, capsys):
    assert main(["fit", str(tmp_path / "missing.csv"), "-k", "2"]) == 1
    assert "no such file" in capsys.readouterr().err
    np.save(tmp_path / "s.npy", np.array(["a", "b"]))
    assert main(["elbow", str(tmp_path / "s.npy")]) == 1
    assert "expected numbers" in capsys.readouterr().err
    np.save(tmp_path / "cube.npy", np.zeros((2, 2, 2)))
    assert main(["fit", str(tmp_path / "cube.npy"), "-k", "1"]) == 1
    assert "3-D" in capsys.readouterr().err
    (tmp_path / "fake.npy").write_text("not numpy")
    assert main(["fit", str(tmp_path / "fake.npy"), "-k", "1"]) == 1
    assert "not a readable .npy" in capsys.readouterr().err
    np.save(tmp_path / "ok.npy", np.eye(3))
    assert main(["fit", str(tmp_path / "ok.npy"), "-k", "2", "--labels",
                 str(tmp_path / "no" / "dir" / "l.csv")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_help_and_version_exit_0(capsys):
    assert main(["--help"]) == 0
    assert "fit" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"fastkmeans {fastkmeans.__version__}"


def test_plot_without_matplotlib_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    np.save(tmp_path / "x.npy", np.eye(4))
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["fit", str(tmp_path / "x.npy"), "-k", "2", "--plot",
                 str(tmp_path / "p.png")]) == 1
    assert 'pip install matplotlib' in capsys.readouterr().err
    assert not (tmp_path / "p.png").exists()


def _console_script():
    script = shutil.which("fastkmeans", path=str(__import__("pathlib").Path(sys.executable).parent))
    if script is None:
        pytest.skip("the fastkmeans console script is not installed beside this Python")
    return script


def test_installed_console_script(tutorial_csv, tmp_path):
    script = _console_script()
    path, _ = tutorial_csv
    done = subprocess.run([script, "fit", str(path), "-k", "4"], capture_output=True, text=True)
    assert done.returncode == 0 and "cluster sizes" in done.stdout and done.stderr == ""
    done = subprocess.run([script, "elbow", str(path), "--k-max", "4"], capture_output=True,
                          text=True)
    assert done.returncode == 0 and "knee" in done.stdout
    done = subprocess.run([script, "fit", str(path)], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    done = subprocess.run([script, "fit", str(tmp_path / "nope.csv"), "-k", "2"],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    done = subprocess.run([script, "demo"], capture_output=True, text=True)
    assert done.returncode == 0 and "fastkmeans demo" in done.stdout


class _Terminal:
    """A stderr that says it is a terminal and keeps what is written."""

    def __init__(self):
        self.text = ""

    def isatty(self):
        return True

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_progress_bar_on_a_terminal_only(tmp_path, monkeypatch, capsys):
    X = fastkmeans.datasets.blobs(n_samples=80)[0]
    np.save(tmp_path / "x.npy", X)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["elbow", str(tmp_path / "x.npy"), "--k-max", "5"]) == 0
    assert terminal.text.count("\r") == 5 and "5/5" in terminal.text and "k = 5" in terminal.text
    terminal.text = ""
    assert main(["fit", str(tmp_path / "x.npy"), "-k", "3", "--n-init", "3"]) == 0
    assert "fit [" in terminal.text and "3/3" in terminal.text
    monkeypatch.undo()
    # not a terminal (pytest's capture): no bar
    assert main(["elbow", str(tmp_path / "x.npy"), "--k-max", "5"]) == 0
    assert capsys.readouterr().err == ""


def _iris_like(tmp_path, delimiter=","):
    """40 rows: two numeric features, a text id, and a numeric class column."""
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 1, (20, 2)), rng.normal(8, 1, (20, 2))])
    lines = [delimiter.join(["name", "a", "b", "species"])]
    lines += [delimiter.join([f"p{i}", f"{x:.6f}", f"{y:.6f}", str(i // 20)])
              for i, (x, y) in enumerate(X)]
    path = tmp_path / "iris.csv"
    path.write_text("\n".join(lines) + "\n")
    return path, X


@pytest.mark.parametrize("selection", [["--columns", "a,b"], ["--columns", "2,3"],
                                       ["--drop", "name,species"], ["--drop", "1,4"]])
def test_columns_and_drop_choose_the_features(tmp_path, capsys, selection):
    path, X = _iris_like(tmp_path)
    centers = tmp_path / "centers.csv"
    assert main(["fit", str(path), "-k", "2", "--centers", str(centers), *selection]) == 0
    expected = fastkmeans.fit(X.round(6), 2, random_state=0)
    assert capsys.readouterr().err == ""
    assert centers.read_text().splitlines()[0] == "a,b"
    np.testing.assert_allclose(np.loadtxt(centers, delimiter=",", skiprows=1),
                               expected.centers)


def test_a_class_label_column_gets_a_one_line_warning(tmp_path, capsys):
    path, _ = _iris_like(tmp_path)
    assert main(["fit", str(path), "-k", "2", "--drop", "name"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'species'" in err and "class label" in err


def test_label_column_is_kept_as_the_rows_identifier(tmp_path, capsys):
    path, X = _iris_like(tmp_path)
    labels = tmp_path / "labels.csv"
    assert main(["fit", str(path), "-k", "2", "--label-column", "name",
                 "--drop", "species", "--labels", str(labels)]) == 0
    expected = fastkmeans.fit(X.round(6), 2, random_state=0)
    lines = labels.read_text().splitlines()
    assert lines[0] == "name,label"
    assert lines[1:] == [f"p{i},{label}" for i, label in enumerate(expected.labels)]


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_the_delimiter_is_sniffed_or_given(tmp_path, capsys, delimiter):
    path, X = _iris_like(tmp_path, delimiter)
    assert main(["fit", str(path), "-k", "2", "--columns", "a,b"]) == 0
    given = "tab" if delimiter == "\t" else delimiter
    assert main(["fit", str(path), "-k", "2", "--columns", "a,b", "--delimiter", given]) == 0
    out = capsys.readouterr().out
    assert out.count("40 points x 2 features") == 2


def test_a_byte_order_mark_is_not_part_of_the_data(tmp_path):
    from fastkmeans._cli import load_data

    for content in ("\ufeff1,2\n3,4\n", "\ufeffx,y\n1,2\n3,4\n"):
        path = tmp_path / "bom.csv"
        path.write_text(content, encoding="utf-8")
        table = load_data(str(path))
        np.testing.assert_array_equal(table.X, [[1, 2], [3, 4]])
        assert table.names == (["x", "y"] if "x" in content else None)


def test_centers_header_is_quoted_and_formulas_neutralised(tmp_path, capsys):
    import csv

    path = tmp_path / "data.csv"
    rows = [[1, 2, 3], [1.5, 2, 3], [10, 11, 12], [10.5, 11, 12]]
    path.write_text('"x,y",=SUM(A1),@b\n' + "\n".join(",".join(map(str, r)) for r in rows))
    centers = tmp_path / "centers.csv"
    assert main(["fit", str(path), "-k", "2", "--centers", str(centers)]) == 0
    with open(centers, newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["x,y", "'=SUM(A1)", "'@b"]


@pytest.mark.parametrize("option", ["--labels", "--centers"])
def test_the_input_file_is_never_overwritten(tutorial_csv, capsys, option):
    path, _ = tutorial_csv
    before = path.read_bytes()
    assert main(["fit", str(path), "-k", "2", option, str(path)]) == 1
    err = capsys.readouterr().err
    assert "input file" in err and "refusing to overwrite" in err
    assert path.read_bytes() == before


def test_output_paths_are_checked_before_the_fit(tutorial_csv, tmp_path, monkeypatch, capsys):
    import fastkmeans._fit

    def no_fit(*args, **kwargs):
        raise AssertionError("the fit ran before the output paths were checked")

    monkeypatch.setattr(fastkmeans._fit, "fit", no_fit)
    path, _ = tutorial_csv
    for option, target in [("--labels", tmp_path / "missing" / "l.csv"),
                           ("--centers", tmp_path),
                           ("--plot", tmp_path / "figure.notaformat")]:
        if option == "--plot":
            pytest.importorskip("matplotlib")
        assert main(["fit", str(path), "-k", "2", option, str(target)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("fastkmeans: error:") and err.count("\n") == 1


def test_warnings_are_one_line(tmp_path, capsys):
    path = tmp_path / "few.csv"
    path.write_text("1,1\n1,1\n1,1\n2,2\n")
    assert main(["fit", str(path), "-k", "3"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("fastkmeans: warning:") and err.count("\n") == 1
    assert main(["elbow", str(path), "--k-max", "9"]) == 0
    err = capsys.readouterr().err
    assert all(line.startswith("fastkmeans: warning:") for line in err.splitlines())
    assert "--k-max=9 exceeds the 4 samples" in err


def test_unknown_columns_are_one_line_errors(tmp_path, capsys):
    path, _ = _iris_like(tmp_path)
    for option in (["--columns", "zzz"], ["--drop", "9"], ["--label-column", "0"],
                   ["--columns", "name,species", "--label-column", "name"]):
        assert main(["fit", str(path), "-k", "2", *option]) == 1
        err = capsys.readouterr().err
        assert err.startswith("fastkmeans: error:") and err.count("\n") == 1
