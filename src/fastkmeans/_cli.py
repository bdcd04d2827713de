"""The ``fastkmeans`` command: fit, elbow, choose-k and demo from a shell.

Exit codes: 0 success, 1 a problem with the data or a file (one line on
stderr), 2 a usage error. ``main(argv)`` returns the code instead of
exiting, so tests can call it in-process.
"""
import argparse
import csv
import os
import sys
from collections.abc import Sequence

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


def _csv_rows(handle):
    """(line number, stripped fields) of every non-blank line of a CSV file."""
    reader = csv.reader(handle)
    for row in reader:
        fields = [field.strip() for field in row]
        if any(fields):
            yield reader.line_num, fields


def _first_bad_row(rows, path: str, header: list[str] | None, n_columns: int) -> None:
    """Raise the DataError for the first row that is not ``n_columns`` numbers."""
    for line, row in rows:
        if len(row) != n_columns:
            raise DataError(f"{path}, line {line}: {len(row)} fields, expected {n_columns}")
        for j, field in enumerate(row):
            if _float_or_none(field) is None:
                name = f"'{header[j]}'" if header is not None else f"{j + 1}"
                shown = repr(field) if field else "an empty field"
                raise DataError(f"{path}: column {name} is not numeric ({shown} on line "
                                f"{line}); remove or encode it")


def _read_csv(path: str) -> tuple[np.ndarray, list[str] | None]:
    """Numeric CSV, with or without a header row (a first row that is not all numbers).

    The first rows are read with :mod:`csv` to find the header; the numbers
    are parsed by ``numpy.loadtxt`` in one go (no Python object per value).
    Where it refuses a row, the rows are scanned again for a precise message.
    """
    with open(path, newline="") as handle:
        rows = _csv_rows(handle)
        first = next(rows, None)
        if first is None:
            raise DataError(f"{path} holds no data")
        first_line, first_row = first
        header = None
        if any(_float_or_none(field) is None for field in first_row):
            header = first_row
            if next(rows, None) is None:
                raise DataError(f"{path} has a header but no data rows")
        # lines before the data: blank ones, and the header's
        n_skipped = first_line if header is not None else first_line - 1
    try:
        values = np.loadtxt(path, delimiter=",", skiprows=n_skipped, comments=None,
                            dtype=np.float64, ndmin=2)
    except ValueError:
        with open(path, newline="") as handle:
            rows = _csv_rows(handle)
            if header is not None:
                next(rows)
            _first_bad_row(rows, path, header, len(first_row))
        # numbers numpy does not parse but Python does (e.g. quoted): row by row
        with open(path, newline="") as handle:
            rows = [row for _, row in _csv_rows(handle)]
        values = np.array(rows[1:] if header is not None else rows, dtype=np.float64)
    return values, header


def load_data(path: str) -> tuple[np.ndarray, list[str] | None]:
    """Read DATA: ``.npy`` (a 1-D or 2-D numeric array) or CSV.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    column_names : list of str or None
        The CSV header, if there was one.
    """
    if not os.path.isfile(path):
        raise DataError(f"no such file: {path}")
    if path.lower().endswith(".npy"):
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
        return array, None
    try:
        return _read_csv(path)
    except UnicodeDecodeError:
        raise DataError(f"{path} is not a text CSV file (use .npy for NumPy arrays)") from None
    except csv.Error as exc:  # a NUL byte, a field over the csv module's size limit
        raise DataError(f"{path} is not a readable CSV file: {exc}") from None


def _write_csv(path: str, array: np.ndarray, header: Sequence[str], fmt: str) -> None:
    try:
        np.savetxt(path, array, delimiter=",", header=",".join(header), comments="", fmt=fmt)
    except OSError as exc:
        raise DataError(f"cannot write {path}: {exc.strerror or exc}") from None


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


def _run_fit(args, stdout, stderr) -> int:
    from ._fit import fit
    from ._progress import ProgressBar

    X, header = load_data(args.data)
    if args.plot:
        _use_file_backend()
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
        _write_csv(args.labels, result.labels.reshape(-1, 1), ["label"], "%d")
        print(f"labels written to {args.labels}", file=stdout)
    if args.centers:
        names = header if header is not None else [f"x{j}" for j in range(X.shape[1])]
        _write_csv(args.centers, result.centers, names, "%.17g")
        print(f"centers written to {args.centers}", file=stdout)
    if args.plot:
        from ._plot import plot_clusters

        ax = plot_clusters(X, result.labels, result.centers,
                           title=f"k-means, k = {args.k} ({os.path.basename(args.data)})")
        _save_figure(ax, args.plot)
        print(f"plot written to {args.plot}", file=stdout)
    return EXIT_OK


def _run_elbow(args, stdout, stderr) -> int:
    from ._elbow import elbow
    from ._progress import ProgressBar

    X, _ = load_data(args.data)
    if args.plot:
        _use_file_backend()
    k_max = min(args.k_max, X.shape[0])
    if args.k_min > k_max:
        raise DataError(f"--k-min={args.k_min} exceeds the {X.shape[0]} samples in {args.data}")
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

    X, _ = load_data(args.data)
    if args.plot:
        _use_file_backend()
    k_max = min(args.k_max, X.shape[0])
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

    fit_parser = commands.add_parser("fit", help="cluster DATA into k clusters")
    add_common(fit_parser)
    fit_parser.add_argument("-k", "--n-clusters", dest="k", type=_positive_int, required=True,
                            help="number of clusters")
    fit_parser.add_argument("--labels", metavar="OUT.csv", help="write the label of every row")
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
    try:
        return args.run(args, stdout, stderr)
    except (DataError, ValueError, TypeError, OSError, MemoryError) as exc:
        message = " ".join(str(exc).split())
        print(f"fastkmeans: error: {message}", file=stderr)
        return EXIT_DATA_ERROR
