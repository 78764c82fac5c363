"""``shrinkage report``, ``shrinkage demo`` and ``shrinkage lab``: files for people.

The HTML report itself is made by :func:`shrinkage.report.write_report` (one
self-contained file, written atomically), or with ``--engine`` from passes over the row
blocks by :mod:`shrinkage.report.distributed`; these commands check the inputs and the
output path first, connect its progress to the progress bar and say where the file is.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from .. import defaults
from .atomic import (
    check_output_file,
    check_writable,
    temporary_folder,
    write_error,
    write_text,
)
from .engines import engine_options
from .errors import DataError
from .options import command_line, data_options, grouped_option, load_data, writing_options

__all__ = ["demo", "lab", "report"]


def _write_report(output, X, y, *, task, out: Path, cv: int, seed: int, select: str,
                  exposure=None, grouped=False) -> Path:  # fmt: skip
    """The in-memory report written to ``out``; a ValueError of the analysis (a constant
    column, a fold without a positive count) is a DataError."""
    try:
        from ..report import build_report
    except ImportError as exc:
        raise click.ClickException(f"the HTML report is not available: {exc}") from None
    with output.progress("building the report") as update:
        try:
            page = build_report(
                X, y, task=task, command=command_line(), cv=cv, random_state=seed,
                progress=update, selection=select, exposure=exposure, grouped=grouped,
            )  # fmt: skip
        except ValueError as exc:
            raise DataError(f"the report failed: {exc}") from None
        write_text(out, page)  # atomic, and a write error is exit code 2
        update("report written", 1.0)
    return Path(out)


def _engine_report(engine, request, output, *, out: Path, folds: int, seed: int, select: str):
    """``report --engine``: the report of :mod:`shrinkage.report.distributed` (a line on
    stderr per pass over the data), written atomically once the page is complete."""
    from ..distributed import DistributedDataError
    from .engines import open_data

    try:
        from ..report.distributed import build_engine_report
    except ImportError as exc:
        raise click.ClickException(f"the HTML report is not available: {exc}") from None
    with open_data(engine, request, output) as source:
        if folds > source.n_rows:
            raise DataError(f"--cv {folds} is more than the {source.n_rows} rows.")
        try:
            page = build_engine_report(
                source.data, task=source.task, command=command_line(), engine=engine.name,
                cv=folds, random_state=seed, selection=select,
                classes=source.schema["classes"],
            )  # fmt: skip
        except DistributedDataError:
            raise  # reported with the data's name by open_data
        except ValueError as exc:
            raise DataError(f"the report failed: {exc}") from None
    written = write_text(out, page)  # atomic, and a write error is exit code 2
    output.summary(
        {"out": str(written), "path": str(written.resolve()), "task": source.task,
         "n_rows": source.n_rows, "n_features": len(source.schema["features"]),
         "engine": engine.name},
        [f"wrote the report to {written.resolve()}"],
    )  # fmt: skip


def _report_options(function):
    function = click.option(
        "--select", type=click.Choice(["min", "1se"]), default=defaults.SELECTION,
        show_default=True,
        help="α of the chosen model: least CV error, or the sparsest within one standard "
        "error.",
    )(function)  # fmt: skip
    function = click.option("--seed", type=int, default=defaults.RANDOM_STATE,
                            show_default=True, help="Seed of the CV folds.")(function)  # fmt: skip
    return click.option("--cv", "folds", type=click.IntRange(min=2), default=defaults.CV_FOLDS,
                        show_default=True, help="Folds K.")(function)  # fmt: skip


@click.command()
@data_options
@grouped_option
@_report_options
@engine_options
@click.option("--out", "-o", type=click.Path(dir_okay=False), default="report.html",
              show_default=True, help="The HTML file to write.")  # fmt: skip
@writing_options
def report(request, grouped, folds, seed, select, engine, out, force, output):
    """One self-contained HTML report on DATA: which features matter, how sure we are, and
    whether L1, L2 or a mix suits it."""
    from .models import check_cv_classes, check_grouped

    out = check_output_file(out, force=force, suffixes=(".html", ".htm"))
    if engine.name is not None:
        if grouped:
            raise DataError("--grouped is for multi-class models, which --engine does not fit; "
                            "read the data into memory (without --engine).")  # fmt: skip
        _engine_report(engine, request, output, out=out, folds=folds, seed=seed, select=select)
        return
    table = load_data(output, request)
    check_grouped(grouped, table.task)
    if folds > len(table.X):
        raise DataError(f"--cv {folds} is more than the {len(table.X)} rows.")
    check_cv_classes(table.y, table.task)
    written = _write_report(output, table.X, table.y, task=table.task, out=out, cv=folds,
                            seed=seed, select=select, exposure=table.exposure,
                            grouped=grouped)  # fmt: skip
    output.summary(
        {"out": str(written), "path": str(written.resolve()), "task": table.task,
         "n_rows": len(table.X), "n_features": table.X.shape[1]},
        [f"wrote the report to {written.resolve()}"],
    )  # fmt: skip


@click.command()
@_report_options
@click.option("--out", "-o", type=click.Path(dir_okay=False), default="report.html",
              show_default=True, help="The HTML file to write.")  # fmt: skip
@writing_options
def demo(folds, seed, select, out, force, output):
    """The report on scikit-learn's diabetes data (442 patients, 10 measurements)."""
    from sklearn.datasets import load_diabetes

    out = check_output_file(out, force=force, suffixes=(".html", ".htm"))
    data = load_diabetes(as_frame=True)
    X, y = data.data.astype(float), data.target.astype(float).rename("disease_progression")
    written = _write_report(
        output, X, y, task="regression", out=out, cv=folds, seed=seed, select=select
    )
    output.summary(
        {"out": str(written), "path": str(written.resolve()), "task": "regression",
         "n_rows": len(X), "n_features": X.shape[1]},
        [f"wrote the diabetes report to {written.resolve()}",
         "open it in a browser (it works offline)"],
    )  # fmt: skip


@click.command()
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False),
              help="Folder for the PNG figures.")  # fmt: skip
@click.option("--dpi", type=click.IntRange(min=20), default=100, show_default=True)
@writing_options
def lab(out, dpi, force, output):
    """Every figure of the explanation lab (why L1 gives exact zeros) as PNG files."""
    out = Path(out)
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise DataError(f"parent folder {str(parent)!r} of {str(out)!r} does not exist.")
    if out.exists() and not out.is_dir():
        raise DataError(f"output {str(out)!r} exists and is not a folder.")
    if out.is_dir() and any(out.glob("*.png")) and not force:
        raise DataError(f"{str(out)!r} already holds PNG files; pass --force to replace them.")
    check_writable(out)  # before drawing
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    from ..lab.__main__ import make_figures

    # Figures are drawn in a temporary sibling folder and moved in when all are done, so
    # a failure leaves the output folder as it was.
    with temporary_folder(out) as staging:
        try:
            with output.progress("drawing the lab figures"):
                figures = make_figures(staging, dpi=dpi)
            if not out.exists():
                os.rename(staging, out)
            else:
                for figure in figures:
                    os.replace(figure, out / figure.name)
        except OSError as exc:
            raise write_error(out, exc) from None
    written = [out / figure.name for figure in figures]
    output.summary({"out": str(out), "files": [str(p) for p in written]},
                   [f"wrote {len(written)} figures to {out}"])  # fmt: skip
