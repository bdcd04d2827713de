"""The ``fastkmeans`` command: fit, elbow, choose-k and demo from a shell.

Exit codes: 0 success, 1 a problem with the data or a file (one line on
stderr), 2 a usage error. ``main(argv)`` returns the code instead of
exiting, so tests can call it in-process.
"""
import argparse
import csv
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

EXIT_OK, EXIT_DATA_ERROR, EXIT_USAGE = 0, 1, 2


class DataError(Exception):
    """A problem with the user's data or files: exit code 1, one line."""


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one line and no ``sys.exit``."""

    def error(self, message):
        raise _UsageError(f"{message} (see '{self.prog} --help')")


def _float_or_none(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


# Excel's "CSV UTF-8" starts with a byte-order mark: utf-8-sig drops it, and
# reads files without one as plain UTF-8.
ENCODING = "utf-8-sig"
DELIMITERS = ",;\t|"


@dataclass
class Table:
    """The data a command clusters, read from DATA.

    ``X`` holds the feature columns; ``names`` their header names (None
    without a header); ``ids`` the ``--label-column`` values (None without
    one); ``lines`` maps a row of ``X`` to its line in the file (None for
    ``.npy``), so that every message names a file line.
    """

    X: np.ndarray
    names: list[str] | None
    ids: list[str] | None = None
    lines: Callable[[int], int] | None = None


def _csv_rows(handle, delimiter: str):
    """(line number, stripped fields) of every non-blank line of a CSV file."""
    reader = csv.reader(handle, delimiter=delimiter)
    for row in reader:
        fields = [field.strip() for field in row]
        if any(fields):
            yield reader.line_num, fields


def sniff_delimiter(path: str) -> str:
    """The delimiter of a CSV file: ``,``, ``;``, tab or ``|`` (``,`` if unsure)."""
    with open(path, encoding=ENCODING, newline="") as handle:
        sample = handle.read(1 << 16)
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    if len(lines) > 1 and not sample.endswith("\n"):
        lines = lines[:-1]  # the sample may end inside a line
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _is_header(first: list[str], second: list[str] | None) -> bool:
    """A first row is a header if a column is text there and a number below it,
    or if it is all text (a text column of ids does not make a header)."""
    text = [_float_or_none(field) is None for field in first]
    if all(text):
        return True
    if second is None:
        return any(text)
    return any(is_text and j < len(second) and _float_or_none(second[j]) is not None
               for j, is_text in enumerate(text))


def _column_index(token: str, names: list[str] | None, n_columns: int, option: str) -> int:
    """The 0-based column that ``token`` names: a header name, or a 1-based number."""
    if names is not None and token in names:
        return names.index(token)
    try:
        number = int(token)
    except ValueError:
        known = f" (columns: {', '.join(names)})" if names is not None else " (no header)"
        raise DataError(f"{option}: no column named {token!r}{known}") from None
    if not 1 <= number <= n_columns:
        raise DataError(f"{option}: column {number} is out of range: the data have "
                        f"{n_columns} columns, numbered from 1")
    return number - 1


def select_columns(names: list[str] | None, n_columns: int, columns: str | None = None,
                   drop: str | None = None, label_column: str | None = None
                   ) -> tuple[list[int], int | None]:
    """The feature columns (0-based) and the label column that the options choose."""
    def indices(spec: str, option: str) -> list[int]:
        tokens = [token.strip() for token in spec.split(",") if token.strip()]
        if not tokens:
            raise DataError(f"{option}: no column given")
        return [_column_index(token, names, n_columns, option) for token in tokens]

    label = (_column_index(label_column.strip(), names, n_columns, "--label-column")
             if label_column is not None else None)
    if columns is not None:
        features = indices(columns, "--columns")
        if label in features:
            raise DataError("--label-column is also one of --columns")
    else:
        dropped = set(indices(drop, "--drop")) if drop is not None else set()
        features = [j for j in range(n_columns) if j not in dropped and j != label]
    if not features:
        raise DataError("no feature column left to cluster")
    return features, label


def _first_bad_row(rows, path: str, header: list[str] | None, n_columns: int,
                   features: list[int]) -> None:
    """Raise the DataError for the first row that is not ``n_columns`` fields
    with numbers in the feature columns."""
    for line, row in rows:
        if len(row) != n_columns:
            raise DataError(f"{path}, line {line}: {len(row)} fields, expected {n_columns}")
        for j in features:
            if _float_or_none(row[j]) is None:
                name = f"'{header[j]}'" if header is not None else f"{j + 1}"
                shown = repr(row[j]) if row[j] else "an empty field"
                raise DataError(f"{path}: column {name} is not numeric ({shown} on line "
                                f"{line}); remove or encode it, or leave it out with "
                                "--drop or --columns")


def _read_csv(path: str, delimiter: str | None = None, columns: str | None = None,
              drop: str | None = None, label_column: str | None = None) -> Table:
    """Numeric CSV, with or without a header row.

    The first rows are read with :mod:`csv` to find the header and the
    columns; the numbers are parsed by ``numpy.loadtxt`` in one go (no Python
    object per value). Where it refuses a row, the rows are scanned again for
    a precise message.
    """
    delimiter = delimiter or sniff_delimiter(path)

    def data_rows():
        """Open DATA and return its rows past the header."""
        handle = open(path, encoding=ENCODING, newline="")
        rows = _csv_rows(handle, delimiter)
        if header is not None:
            next(rows)
        return handle, rows

    with open(path, encoding=ENCODING, newline="") as handle:
        rows = _csv_rows(handle, delimiter)
        first = next(rows, None)
        if first is None:
            raise DataError(f"{path} holds no data")
        first_line, first_row = first
        second = next(rows, None)
        header = first_row if _is_header(first_row, second and second[1]) else None
        if header is not None and second is None:
            raise DataError(f"{path} has a header but no data rows")
        # lines before the data: blank ones, and the header's
        n_skipped = first_line if header is not None else first_line - 1
    n_columns = len(first_row)
    features, label = select_columns(header, n_columns, columns, drop, label_column)
    every_column = features == list(range(n_columns))
    try:
        # with usecols, loadtxt does not check the other columns: then rows are
        # checked one by one below (as they are for --label-column anyway)
        values = np.loadtxt(path, delimiter=delimiter, skiprows=n_skipped, comments=None,
                            dtype=np.float64, ndmin=2, encoding=ENCODING,
                            usecols=None if every_column else features)
    except ValueError:
        values = None
    handle, rows = data_rows()
    with handle:
        if values is None or not every_column:
            # a precise message, or the rows for the label column and quoted numbers
            rows = list(rows)
            _first_bad_row(rows, path, header, n_columns, features)
            if values is None:  # numbers numpy does not parse but Python does (quoted)
                values = np.array([[row[j] for j in features] for _, row in rows],
                                  dtype=np.float64).reshape(-1, len(features))
    ids = None
    if label is not None:
        ids = [row[label] for _, row in rows]

    def line_of(row: int) -> int:
        handle, rows = data_rows()
        with handle:
            for index, (line, _) in enumerate(rows):
                if index == row:
                    return line
        return -1

    names = [header[j] for j in features] if header is not None else None
    return Table(values, names, ids, line_of)


def load_data(path: str, *, delimiter: str | None = None, columns: str | None = None,
              drop: str | None = None, label_column: str | None = None) -> Table:
    """Read DATA: ``.npy`` (a 1-D or 2-D numeric array) or CSV (any of the
    delimiters ``, ; tab |``, sniffed unless given; a byte-order mark is
    skipped), keeping the columns that ``columns``, ``drop`` and
    ``label_column`` choose (names of the header, or numbers from 1).
    """
    if not os.path.isfile(path):
        raise DataError(f"no such file: {path}")
    if path.lower().endswith(".npy"):
        if label_column is not None:
            raise DataError("--label-column needs a CSV file (a .npy array holds numbers only)")
        try:
            array = np.load(path, allow_pickle=False)
        except (ValueError, OSError) as exc:
            raise DataError(f"{path} is not a readable .npy array: {exc}") from None
        if not isinstance(array, np.ndarray):  # an .npz archive under a .npy name
            array.close()
            raise DataError(f"{path} is an .npz archive, not a .npy array: save one "
                            "array with numpy.save")
        if array.dtype.kind not in "biuf":
            raise DataError(f"{path} holds {array.dtype} values, expected numbers")
        if array.ndim == 1:
            array = array.reshape(-1, 1)
        if array.ndim != 2:
            raise DataError(f"{path} holds a {array.ndim}-D array, expected 2-D "
                            "(n_samples, n_features)")
        if columns is not None or drop is not None:
            features, _ = select_columns(None, array.shape[1], columns, drop)
            array = array[:, features]
        return Table(array, None)
    try:
        return _read_csv(path, delimiter, columns, drop, label_column)
    except UnicodeDecodeError:
        raise DataError(f"{path} is not a text CSV file (use .npy for NumPy arrays)") from None
    except csv.Error as exc:  # a NUL byte, a field over the csv module's size limit
        raise DataError(f"{path} is not a readable CSV file: {exc}") from None


def check_finite(table: Table, path: str) -> None:
    """Refuse NaN and infinity, naming the file line (or the .npy row)."""
    finite = np.isfinite(table.X)
    if finite.all():
        return
    row, column = (int(index[0]) for index in np.nonzero(~finite))
    name = f"'{table.names[column]}'" if table.names is not None else f"{column + 1}"
    where = (f"line {table.lines(row)}" if table.lines is not None
             else f"row {row} (counted from 0)")
    raise DataError(f"{path}, {where}: column {name} is {table.X[row, column]}, "
                    "expected a finite number")


LABEL_WORDS = {"class", "label", "labels", "target", "species", "y", "category", "cluster",
               "outcome", "diagnosis"}


def warn_label_like_columns(table: Table, stderr) -> None:
    """One line per feature column that looks like a class label: few distinct
    integers, in the last column (where data sets put the target) or under a
    name such as ``class`` or ``species``. An integer feature elsewhere (the
    classic tutorial's first column) is not flagged."""
    X = table.X
    if X.shape[0] < 20:
        return
    for j in range(X.shape[1]):
        named_like_a_label = (table.names is not None
                              and table.names[j].strip().lower() in LABEL_WORDS)
        if j != X.shape[1] - 1 and not named_like_a_label:
            continue
        column = X[:, j]
        if not np.array_equal(column, np.round(column)):
            continue
        distinct = np.unique(column)
        if distinct.size <= min(10, X.shape[0] // 4):
            name = table.names[j] if table.names is not None else str(j + 1)
            print(f"fastkmeans: warning: column {name!r} holds {distinct.size} distinct "
                  "integers and looks like a class label; it is clustered as a feature "
                  f"(leave it out with --drop {name!r} or keep it with --label-column)",
                  file=stderr)


def _neutralise(field: str) -> str:
    """A field a spreadsheet will not run as a formula (OWASP CSV injection):
    text starting with = + - @ tab or carriage return gets a leading quote."""
    if field and field[0] in "=+-@\t\r":
        return "'" + field
    return field


def _write_csv(path: str, array: np.ndarray, header: Sequence[str], fmt: str,
               ids: list[str] | None = None, id_name: str = "id") -> None:
    """A CSV file: the header and ids quoted as needed (csv module) and
    neutralised, the numbers written by ``numpy.savetxt``."""
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            names = ([id_name] if ids is not None else []) + list(header)
            writer.writerow([_neutralise(name) for name in names])
            if ids is None:
                np.savetxt(handle, array, delimiter=",", fmt=fmt)
            else:
                for identifier, values in zip(ids, array.tolist(), strict=True):
                    writer.writerow([_neutralise(identifier), *(fmt % v for v in values)])
    except OSError as exc:
        raise DataError(f"cannot write {path}: {exc.strerror or exc}") from None


def check_output_paths(data: str, outputs: dict[str, str | None]) -> None:
    """Before the fit: every output file can be written, none is DATA and no
    two are the same file."""
    seen: dict[str, str] = {os.path.realpath(data): "DATA"}
    for option, path in outputs.items():
        if path is None:
            continue
        real = os.path.realpath(path)
        if real in seen:
            other = "the input file" if seen[real] == "DATA" else seen[real]
            raise DataError(f"{option} {path} is {other}: refusing to overwrite it")
        seen[real] = option
        if os.path.isdir(path):
            raise DataError(f"cannot write {path}: it is a directory")
        folder = os.path.dirname(real)
        if not os.path.isdir(folder):
            raise DataError(f"cannot write {path}: no such directory {os.path.dirname(path)}")
        if not os.access(path if os.path.exists(path) else folder, os.W_OK):
            raise DataError(f"cannot write {path}: permission denied")


def _check_plot_format(path: str) -> None:
    """A --plot file name whose extension matplotlib can write (after the backend)."""
    from matplotlib.backend_bases import FigureCanvasBase

    extension = os.path.splitext(path)[1].lstrip(".").lower()
    formats = FigureCanvasBase.get_supported_filetypes()
    if extension not in formats:
        raise DataError(f"--plot {path}: unknown image format {extension!r} "
                        f"(use one of: {', '.join(sorted(formats))})")


def _save_figure(ax, path: str) -> None:
    try:
        ax.figure.savefig(path, dpi=100, bbox_inches="tight")
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot write {path}: {exc}") from None
    finally:
        import matplotlib.pyplot as plt

        plt.close(ax.figure)


def _use_file_backend() -> None:
    """Draw into files only: no window, whatever the environment says."""
    try:
        import matplotlib
    except ImportError:
        raise DataError('--plot needs matplotlib: pip install matplotlib') from None
    matplotlib.use("Agg")


def _fit_options(args) -> dict:
    options = {"random_state": args.random_state, "max_iter": args.max_iter}
    if args.n_init is not None:
        options["n_init"] = args.n_init
    return options


def _load(args, stderr, outputs: dict[str, str | None]) -> Table:
    """DATA as the options select it, after checking the output files (so a
    bad path fails before the fit, not after)."""
    check_output_paths(args.data, outputs)
    if outputs.get("--plot"):
        _use_file_backend()
        _check_plot_format(outputs["--plot"])
    table = load_data(args.data, delimiter=args.delimiter, columns=args.columns,
                      drop=args.drop, label_column=getattr(args, "label_column", None))
    check_finite(table, args.data)
    if args.columns is None:
        warn_label_like_columns(table, stderr)
    return table


def _run_fit(args, stdout, stderr) -> int:
    from ._fit import fit
    from ._progress import ProgressBar

    table = _load(args, stderr, {"--labels": args.labels, "--centers": args.centers,
                                 "--plot": args.plot})
    X, header = table.X, table.names
    options = _fit_options(args)
    n_runs = args.n_init if args.n_init is not None else 1
    bar = ProgressBar(n_runs, "fit", stream=stderr)
    runs_seen = set()

    def track_runs(info):
        if info.run not in runs_seen:
            runs_seen.add(info.run)
            if info.run > 0:
                bar.advance(f"run {info.run + 1}/{n_runs}")
        return False

    with bar:
        result = fit(X, args.k, verbose=args.verbose,
                     callback=track_runs if bar.enabled and n_runs > 1 else None, **options)
        if bar.enabled and n_runs > 1:
            bar.advance("done")
    sizes = np.bincount(result.labels, minlength=args.k)
    print(f"{X.shape[0]} points x {X.shape[1]} features, k = {args.k}", file=stdout)
    print(f"inertia {result.inertia:.6g}, {result.n_iter} iterations, "
          f"converged: {result.converged}", file=stdout)
    print("cluster sizes: " + " ".join(str(size) for size in sizes), file=stdout)
    if args.labels:
        id_name = args.label_column
        if table.ids is not None and args.label_column.isdigit() and header is None:
            id_name = "id"
        _write_csv(args.labels, result.labels.reshape(-1, 1), ["label"], "%d",
                   ids=table.ids, id_name=id_name or "id")
        print(f"labels written to {args.labels}", file=stdout)
    if args.centers:
        names = header if header is not None else [f"x{j}" for j in range(X.shape[1])]
        _write_csv(args.centers, result.centers, names, "%.17g")
        print(f"centers written to {args.centers}", file=stdout)
    if args.plot:
        from ._plot import plot_clusters

        ax = plot_clusters(X if header is None else _named(X, header), result.labels,
                           result.centers,
                           title=f"k-means, k = {args.k} ({os.path.basename(args.data)})")
        _save_figure(ax, args.plot)
        print(f"plot written to {args.plot}", file=stdout)
    return EXIT_OK


def _named(X: np.ndarray, names: list[str]):
    """X with its column names for the plot's axis labels (pandas if installed)."""
    try:
        import pandas as pd
    except ImportError:
        return X
    return pd.DataFrame(X, columns=names, copy=False)


def _run_elbow(args, stdout, stderr) -> int:
    from ._elbow import elbow
    from ._progress import ProgressBar

    X = _load(args, stderr, {"--plot": args.plot}).X
    k_max = min(args.k_max, X.shape[0])
    if args.k_min > k_max:
        raise DataError(f"--k-min={args.k_min} exceeds the {X.shape[0]} samples in {args.data}")
    if args.k_max > k_max:
        print(f"fastkmeans: warning: --k-max={args.k_max} exceeds the {X.shape[0]} samples; "
              f"fitting k = {args.k_min}..{k_max}", file=stderr)
    k_range = range(args.k_min, k_max + 1)
    with ProgressBar(len(k_range), "elbow", stream=stderr) as bar:
        result = elbow(X, k_range, on_fit=lambda k, _: bar.advance(f"k = {k}"),
                       **_fit_options(args))
    print("  k      inertia", file=stdout)
    for k, inertia in zip(result.k_values, result.inertias, strict=True):
        mark = "  <- knee" if k == result.knee else ""
        print(f"{k:3d} {inertia:12.6g}{mark}", file=stdout)
    if result.knee is not None:
        print(f"knee: k = {result.knee}", file=stdout)
    else:
        print(f"knee: none ({result.reason})", file=stdout)
    if args.plot:
        from ._plot import plot_elbow

        _save_figure(plot_elbow(result), args.plot)
        print(f"plot written to {args.plot}", file=stdout)
    return EXIT_OK


def _run_choose_k(args, stdout, stderr) -> int:
    """``fastkmeans choose-k``: every criterion for k = 1..k-max, and the recommendation."""
    from ._choose_k import choose_k

    X = _load(args, stderr, {"--plot": args.plot}).X
    k_max = min(args.k_max, X.shape[0])
    if args.k_max > k_max:
        print(f"fastkmeans: warning: --k-max={args.k_max} exceeds the {X.shape[0]} samples; "
              f"trying k = 1..{k_max}", file=stderr)
    result = choose_k(X, range(1, k_max + 1), n_refs=args.n_refs, **_fit_options(args))
    print(result.summary(), file=stdout)
    if args.plot:
        from ._plot import plot_choose_k

        _save_figure(plot_choose_k(result), args.plot)
        print(f"plot written to {args.plot}", file=stdout)
    return EXIT_OK


def _run_demo(args, stdout, stderr) -> int:
    from ._demo import main as demo

    return demo()


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _delimiter(text: str) -> str:
    text = "\t" if text in ("tab", "\\t") else text
    if len(text) != 1:
        raise argparse.ArgumentTypeError(f"expected one character or 'tab', got {text!r}")
    return text


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``fastkmeans`` command."""
    from ._build_info import VERSION

    parser = _Parser(prog="fastkmeans",
                     description="Exact k-means clustering from the command line.")
    parser.add_argument("--version", action="version", version=f"fastkmeans {VERSION}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    def add_common(sub):
        sub.add_argument("data", metavar="DATA",
                         help="a CSV file (numeric columns, header optional) or a .npy array")
        sub.add_argument("--random-state", type=int, default=0,
                         help="seed of the initialisation (default: 0)")
        sub.add_argument("--n-init", type=_positive_int, default=None,
                         help="initialisations per fit, the best kept (default: 1)")
        sub.add_argument("--max-iter", type=_positive_int, default=300,
                         help="most iterations per run (default: 300)")
        selection = sub.add_mutually_exclusive_group()
        selection.add_argument("--columns", metavar="COLS",
                               help="the feature columns, by header name or number from 1, "
                                    "comma-separated (default: all)")
        selection.add_argument("--drop", metavar="COLS",
                               help="columns to leave out, by header name or number from 1")
        sub.add_argument("--delimiter", metavar="CHAR", type=_delimiter,
                         help="CSV delimiter (default: sniffed among , ; tab |); "
                              "'tab' for a tab")

    fit_parser = commands.add_parser("fit", help="cluster DATA into k clusters")
    add_common(fit_parser)
    fit_parser.add_argument("-k", "--n-clusters", dest="k", type=_positive_int, required=True,
                            help="number of clusters")
    fit_parser.add_argument("--labels", metavar="OUT.csv", help="write the label of every row")
    fit_parser.add_argument("--label-column", metavar="COL",
                            help="a column kept as the rows' identifier in the --labels "
                                 "file, not clustered (header name or number from 1)")
    fit_parser.add_argument("--centers", metavar="OUT.csv", help="write the centers")
    fit_parser.add_argument("--plot", metavar="OUT.png",
                            help="draw the clusters and centers (needs matplotlib)")
    fit_parser.add_argument("-v", "--verbose", action="store_true",
                            help="print one line per iteration")
    fit_parser.set_defaults(run=_run_fit)

    elbow_parser = commands.add_parser("elbow", help="inertia for k = k-min..k-max, and the knee")
    add_common(elbow_parser)
    elbow_parser.add_argument("--k-min", type=_positive_int, default=1,
                              help="smallest k (default: 1)")
    elbow_parser.add_argument("--k-max", type=_positive_int, default=9,
                              help="largest k (default: 9, as fastkmeans.elbow)")
    elbow_parser.add_argument("--plot", metavar="OUT.png",
                              help="draw the elbow curve (needs matplotlib)")
    elbow_parser.set_defaults(run=_run_elbow)

    choose_parser = commands.add_parser(
        "choose-k", help="gap statistic, silhouette, Calinski-Harabasz, Davies-Bouldin "
        "and the elbow for k = 1..k-max, and the recommended k")
    add_common(choose_parser)
    choose_parser.add_argument("--k-max", type=_positive_int, default=10,
                               help="largest k (default: 10, as fastkmeans.choose_k)")
    choose_parser.add_argument("--n-refs", type=_positive_int, default=None,
                               help="reference sets of the gap statistic (default: 10)")
    choose_parser.add_argument("--plot", metavar="OUT.png",
                               help="draw one panel per criterion (needs matplotlib)")
    choose_parser.set_defaults(run=_run_choose_k, k_min=1)  # k starts at 1: "no clusters"

    demo_parser = commands.add_parser("demo", help="the demo of python -m fastkmeans")
    demo_parser.set_defaults(run=_run_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (``sys.argv[1:]`` by default); return the exit code."""
    stdout, stderr = sys.stdout, sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if getattr(args, "k_max", None) is not None and args.k_min > args.k_max:
            raise _UsageError(f"--k-min={args.k_min} is larger than --k-max={args.k_max}")
    except _UsageError as exc:
        print(f"fastkmeans: usage error: {exc}", file=stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version exit through argparse
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    def one_line_warning(message, category, filename, lineno, file=None, line=None):
        print(f"fastkmeans: warning: {' '.join(str(message).split())}", file=stderr)

    try:
        with warnings.catch_warnings():
            # warnings as one line each, not Python's two with the source line
            warnings.showwarning = one_line_warning
            return args.run(args, stdout, stderr)
    except (DataError, ValueError, TypeError, OSError, MemoryError) as exc:
        message = " ".join(str(exc).split())
        print(f"fastkmeans: error: {message}", file=stderr)
        return EXIT_DATA_ERROR
