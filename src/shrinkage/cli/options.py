"""Options and behaviour shared by every command: output modes, data options, errors."""

from __future__ import annotations

import functools
import shlex
import time

import click

from .errors import DataError
from .output import Output

__all__ = ["command_line", "data_options", "force_option", "load_data", "output_options"]


def output_options(function):
    """``--quiet``, ``--json`` and ``--debug``; the command receives ``output`` (an
    :class:`Output`) and unexpected errors become exit code 1 with a short message."""

    @click.option("--quiet", "-q", is_flag=True, help="No notes or progress bars.")
    @click.option("--json", "json_mode", is_flag=True,
                  help="Print the summary as one JSON object on stdout.")  # fmt: skip
    @click.option("--debug", is_flag=True, help="Show the traceback of internal errors.")
    @functools.wraps(function)
    def wrapper(*args, quiet, json_mode, debug, **kwargs):
        output = Output(quiet=quiet, json_mode=json_mode)
        try:
            return function(*args, output=output, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            _silence_stdout()  # `shrinkage predict ... | head`: the reader left; not an error
            raise click.exceptions.Exit(0) from None
        except Exception as exc:
            if debug:
                raise
            raise click.ClickException(
                f"internal error ({type(exc).__name__}: {exc}). Rerun with --debug for the "
                "traceback and please report it."
            ) from None

    return wrapper


def _silence_stdout() -> None:
    import os
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file descriptor (e.g. a test runner's buffer)


def force_option(function):
    return click.option("--force", is_flag=True, help="Replace existing outputs.")(function)


def data_options(function):
    """DATA, ``--target`` and the table-reading options of :func:`load_data`."""
    decorators = [
        click.argument("data", type=click.Path(exists=True, dir_okay=False)),
        click.option("--target", "-t", required=True, help="Name of the target column."),
        click.option(
            "--task", type=click.Choice(["auto", "regression", "classification"]),
            default="auto", show_default=True,
            help="auto: classification when the target has exactly two distinct values.",
        ),  # fmt: skip
        click.option("--encoding", default="utf-8", show_default=True,
                     help="Text encoding of a CSV file (e.g. latin-1, cp1252)."),  # fmt: skip
        click.option("--no-encode", is_flag=True,
                     help="Reject categorical columns instead of one-hot encoding them."),
        click.option("--dropna", is_flag=True,
                     help="Drop rows with missing values instead of stopping."),
    ]  # fmt: skip
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def load_data(output: Output, data, *, target, task, encoding, no_encode, dropna):
    """Read and check DATA (see :mod:`shrinkage.cli.io`); notes go to ``output``."""
    from .io import prepare, read_table

    start = time.perf_counter()
    with output.progress(f"reading {click.format_filename(data)}") as update:
        frame = read_table(data, encoding=encoding)
        update(f"checking {len(frame):,} rows × {frame.shape[1]} columns")
        table = prepare(frame, target, task=task, encode=not no_encode, dropna=dropna)
    for note in table.notes:
        output.note(note)
    if table.schema.get("classes") is not None and task == "auto":
        output.note(
            f"target {target!r} has two values {table.schema['classes']}: classification "
            "(pass --task regression to override)"
        )
    table.read_seconds = time.perf_counter() - start
    return table


def command_line() -> str:
    """The command as typed (``shrinkage fit ...``), for reports and model files."""
    context = click.get_current_context()
    argv = context.meta.get("shrinkage.argv")
    if argv is None:
        return context.command_path
    return shlex.join(["shrinkage", *argv])


def check_alpha_or_cv(alpha, folds):
    if alpha is not None and folds is not None:
        raise DataError("give either --alpha (a fixed α) or --cv K (α chosen by CV), not both.")
    if alpha is not None and not alpha >= 0:
        raise DataError(f"--alpha must be >= 0, got {alpha}.")
