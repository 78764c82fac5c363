"""Options and behaviour shared by every command: output modes, data options, errors.

Every default comes from :mod:`shrinkage.defaults`, the one table the Python API and the
report use too.
"""

from __future__ import annotations

import functools
import shlex
import time
from dataclasses import dataclass

import click

from .. import defaults
from .errors import DataError
from .output import Output

__all__ = [
    "DataRequest",
    "alpha_min_ratio_option",
    "command_line",
    "cv_options",
    "data_options",
    "describe_penalty",
    "force_option",
    "grouped_option",
    "load_data",
    "output_options",
    "penalty_options",
    "problem_options",
    "writing_options",
]

PENALTY_NAMES = {1.0: "lasso (L1)", 0.0: "ridge (L2)"}
GROUPED_NAMES = {1.0: "grouped lasso (each feature's row norm)", 0.0: "ridge (L2)"}
#: The choices of ``--task`` (:func:`shrinkage.defaults.auto_task` is ``auto``).
TASK_CHOICES = ("auto", *defaults.TASKS)


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


@dataclass(frozen=True)
class DataRequest:
    """What the data options ask for: which table, which target, which columns."""

    data: str
    target: str
    task: str = "auto"
    encoding: str = "utf-8"
    sep: str | None = None
    encode: bool = True
    dropna: bool = False
    id_column: str | None = None
    drop: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    exposure: str | None = None


def separator_option(function):
    return click.option(
        "--sep", default=None, metavar="CHAR",
        help="Column separator of a CSV file (default: detected among , tab ; and |; "
        "'\\t' or tab for a tab).",
    )(function)  # fmt: skip


def id_option(function):
    return click.option(
        "--id", "id_column", default=None, metavar="COLUMN",
        help="A row identifier: never a feature; the first column of the predictions.",
    )(function)  # fmt: skip


#: What DATA must be when the rows are read into memory: a file, or - for standard input.
_LOCAL_DATA = click.Path(exists=True, dir_okay=False, allow_dash=True)


def data_options(function):
    """DATA (a file, or - for standard input), ``--target`` and the table-reading and
    column options; the command receives them as ``request`` (a :class:`DataRequest`)."""

    @functools.wraps(function)
    def wrapper(*args, data, target, task, encoding, sep, no_encode, dropna, id_column, drop,
                features, exposure, **kwargs):  # fmt: skip
        from .reading import parse_separator

        if kwargs.get("engine") is None:  # --engine reads a Parquet directory or glob too
            context = click.get_current_context()
            parameter = next(p for p in context.command.params if p.name == "data")
            data = _LOCAL_DATA.convert(data, parameter, context)

        request = DataRequest(
            data=data, target=target, task=task, encoding=encoding, sep=parse_separator(sep),
            encode=not no_encode, dropna=dropna, id_column=id_column, drop=tuple(drop),
            features=tuple(features), exposure=exposure,
        )  # fmt: skip
        return function(*args, request=request, **kwargs)

    decorators = [
        click.argument("data", type=click.Path(allow_dash=True)),
        click.option("--target", "-t", required=True, help="Name of the target column."),
        click.option(
            "--task", type=click.Choice(TASK_CHOICES), default="auto", show_default=True,
            help="auto: classification when the target has exactly two distinct values; "
            "multiclass (multinomial logistic regression) when it is not numeric (text) and "
            "has three or more; count (Poisson regression, log link) when its values are "
            "non-negative integers with 0 among them and at least 3 distinct values; else "
            "regression. A numeric target is never taken for 3+ classes: pass --task "
            "multiclass.",
        ),
        click.option(
            "--exposure", default=None, metavar="COLUMN",
            help="Count task: a column of positive exposures (time at risk, population), "
            "never a feature; the model is for the rate count/exposure.",
        ),
        click.option("--encoding", default="utf-8", show_default=True,
                     help="Text encoding of a CSV file (e.g. latin-1, cp1252)."),
        separator_option,
        click.option("--no-encode", is_flag=True,
                     help="Reject categorical columns instead of one-hot encoding them."),
        click.option("--dropna", is_flag=True,
                     help="Drop rows with missing values instead of stopping."),
        id_option,
        click.option("--drop", multiple=True, metavar="COL[,COL...]",
                     help="Columns that are not features (repeatable or comma-separated)."),
        click.option("--features", multiple=True, metavar="COL[,COL...]",
                     help="Use only these columns as features (repeatable or "
                     "comma-separated)."),
    ]  # fmt: skip
    for decorator in reversed(decorators):
        wrapper = decorator(wrapper)
    return wrapper


def load_data(output: Output, request: DataRequest):
    """Read and check the table of ``request`` (see :mod:`shrinkage.cli.io`); notes go
    to ``output``."""
    from .columns import select_columns
    from .io import prepare
    from .reading import describe_source, read_table

    start = time.perf_counter()
    notes: list[str] = []
    with output.progress(f"reading {click.format_filename(describe_source(request.data))}"
                         ) as update:  # fmt: skip
        frame = read_table(request.data, encoding=request.encoding, sep=request.sep,
                           notes=notes)  # fmt: skip
        update(f"checking {len(frame):,} rows × {frame.shape[1]} columns")
        frame, chosen = select_columns(
            frame, request.target, id_column=request.id_column, drop=request.drop,
            features=request.features, exposure=request.exposure,
        )  # fmt: skip
        table = prepare(frame, request.target, task=request.task, encode=request.encode,
                        dropna=request.dropna, exposure=request.exposure)  # fmt: skip
    for note in [*notes, *chosen, *table.notes]:
        output.note(note)
    if request.id_column is not None:
        table.schema["id"] = request.id_column
    table.read_seconds = time.perf_counter() - start
    return table


def grouped_option(function):
    """``--grouped``: the multi-class penalty of each feature's row of coefficients."""
    return click.option(
        "--grouped",
        is_flag=True,
        help="Multi-class: penalise each feature's coefficients of all classes together "
        '(their norm; glmnet\'s type.multinomial = "grouped"), so that a feature enters '
        "every class's model or none.",
    )(function)


def penalty_options(function):
    """``--penalty``, ``--l1-ratio``, ``--grouped``, ``--standardize`` and ``--n-alphas``."""
    function = grouped_option(function)
    function = click.option(
        "--l1-ratio",
        type=float,
        default=None,
        help="ρ, the L1 share of the elastic net (with --penalty enet; default 0.5).",
    )(function)
    function = click.option(
        "--penalty",
        type=click.Choice(["l1", "l2", "enet"]),
        default="l1",
        show_default=True,
        help="l1 (lasso), l2 (ridge) or enet (elastic net).",
    )(function)
    function = click.option(
        "--standardize/--no-standardize",
        default=defaults.STANDARDIZE_TABLES,
        show_default=True,
        help="Penalise standardised columns (coefficients stay on the data's scale).",
    )(function)
    return click.option("--n-alphas", type=click.IntRange(min=2), default=defaults.N_ALPHAS,
                        show_default=True, help="Points on the α grid.")(function)  # fmt: skip


def _check_ratio(context, parameter, value):
    if value is not None and not 0.0 < value < 1.0:
        raise DataError(
            f"--alpha-min-ratio must be strictly between 0 and 1 (the grid's smallest α over "
            f"its largest), got {value:g}."
        )
    return value


def alpha_min_ratio_option(function):
    return click.option(
        "--alpha-min-ratio", type=float, default=None, callback=_check_ratio,
        help="Smallest α of the grid over the largest, in (0, 1) (default: the rule of "
        "shrinkage.defaults, which depends on rows and features).",
    )(function)  # fmt: skip


def cv_options(function, *, folds_default=defaults.CV_FOLDS):
    """``--cv``, ``--select`` and ``--seed`` (the folds and the rule choosing α)."""
    function = click.option(
        "--seed",
        type=int,
        default=defaults.RANDOM_STATE,
        show_default=True,
        help="Seed of the shuffled CV folds.",
    )(function)
    function = click.option(
        "--select",
        type=click.Choice(["min", "1se"]),
        default=defaults.SELECTION,
        show_default=True,
        help="CV rule: least error, or the sparsest model within one standard error.",
    )(function)
    shown = folds_default if folds_default is not None else defaults.CV_FOLDS
    return click.option(
        "--cv", "folds", type=int, default=folds_default,
        show_default=folds_default is not None,
        help=f"Choose α by K-fold cross-validation (K = {shown} by default).",
    )(function)  # fmt: skip


def problem_options(function):
    """The data (:func:`data_options`), the penalty (:func:`penalty_options`) and
    ``--alpha-min-ratio``: what ``fit``, ``path`` and ``cv`` ask first."""
    return data_options(penalty_options(alpha_min_ratio_option(function)))


def writing_options(function):
    """``--force`` and the output modes (:func:`output_options`), last on every command
    that writes a file."""
    return force_option(output_options(function))


def describe_penalty(l1_ratio: float, grouped: bool = False) -> str:
    """``lasso (L1)``, ``ridge (L2)`` or ``elastic net (ρ=0.5)``; with ``grouped`` (a
    multi-class penalty of each feature's row), ``grouped lasso (…)`` or ``grouped
    elastic net (ρ=0.5)``.

    Examples
    --------
    >>> describe_penalty(0.5), describe_penalty(1.0, grouped=True)
    ('elastic net (ρ=0.5)', "grouped lasso (each feature's row norm)")
    """
    names = GROUPED_NAMES if grouped else PENALTY_NAMES
    prefix = "grouped " if grouped else ""
    return names.get(l1_ratio, f"{prefix}elastic net (ρ={l1_ratio:g})")


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
