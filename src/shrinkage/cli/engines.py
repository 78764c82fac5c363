"""``--engine dask|spark``: ``fit``, ``path``, ``cv`` and ``report`` on Parquet data kept as row
blocks.

DATA is then a Parquet file, a directory of them or a glob (quoted, ``"data/*.parquet"``);
nothing is read on the driver but the schema, and every pass over the data is a reduction
on the engine (:mod:`shrinkage.distributed`), reported on stderr as ``pass 3
(correlations): 1.8 s`` unless ``--quiet``.

- ``--engine dask``: with ``--scheduler tcp://HOST:PORT``, a client of that cluster
  (an unreachable scheduler fails after ``--connect-timeout`` seconds); without it, Dask's
  threaded scheduler in this process. A cluster started per command would cost seconds
  of process start-up and copy every block between processes for nothing: one machine's
  cores are used as well by threads (the block reductions spend their time in NumPy and
  BLAS, which release the GIL).
- ``--engine spark``: a session on ``--master`` (default ``local[*]``), stopped at the end.

Options that need the rows in memory (standard input, CSV files, ``--id``, ``--dropna``,
``--sep``, ``--encoding``) are usage errors with ``--engine``. Feature columns must be
numeric or boolean. The task comes from one pass over the target: ``auto`` is
classification when the target is coded 0/1 with both values present. The engines have
no Poisson loss: a count task (``--task count``, ``--exposure``, or a target that ``auto``
takes for counts, :func:`shrinkage.defaults.looks_like_counts`) is a usage error; nor a
multinomial one: ``--task multiclass`` and a text target (which ``auto`` would take for
classes) are usage errors too.
"""

from __future__ import annotations

import contextlib
import glob as globbing
import os
import time
import warnings
from dataclasses import dataclass

import click
import numpy as np

from ..defaults import looks_like_counts
from .errors import DataError
from .models import LOSSES
from .reading import names_listed

__all__ = ["EngineData", "EngineRequest", "check_engine_request", "engine_options",
           "open_data"]  # fmt: skip

ENGINES = ("dask", "spark")
CONNECT_TIMEOUT = 10.0
PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
#: Spark's console progress bars would mix with the lines of the passes on stderr.
SPARK_CONFIG = {"spark.ui.showConsoleProgress": "false"}


@dataclass(frozen=True)
class EngineRequest:
    """Where the row blocks live: the engine (None: in memory) and how to reach it."""

    name: str | None = None
    scheduler: str | None = None
    master: str | None = None
    connect_timeout: float = CONNECT_TIMEOUT


def engine_options(function):
    """``--engine``, ``--scheduler``, ``--master`` and ``--connect-timeout``; the command
    receives them as ``engine`` (an :class:`EngineRequest`)."""
    import functools

    @functools.wraps(function)
    def wrapper(*args, engine, scheduler, master, connect_timeout, **kwargs):
        if scheduler is not None and engine != "dask":
            raise DataError("--scheduler is the address of a Dask scheduler: add --engine dask.")
        if master is not None and engine != "spark":
            raise DataError("--master is a Spark master URL: add --engine spark.")
        request = EngineRequest(engine, scheduler, master, connect_timeout)
        return function(*args, engine=request, **kwargs)

    decorators = [
        click.option("--engine", type=click.Choice(ENGINES), default=None,
                     help="Keep the rows as blocks of Dask or Spark (DATA: a Parquet file, "
                     "directory or quoted glob); default: read them into memory."),
        click.option("--scheduler", default=None, metavar="ADDRESS",
                     help="With --engine dask: the scheduler, e.g. tcp://10.0.0.5:8786 "
                     "(default: threads of this process)."),
        click.option("--master", default=None, metavar="URL",
                     help="With --engine spark: the master URL (default local[*])."),
        click.option("--connect-timeout", type=click.FloatRange(min=0, min_open=True),
                     default=CONNECT_TIMEOUT, show_default=True, metavar="SECONDS",
                     help="With --scheduler: how long to wait for the scheduler."),
    ]  # fmt: skip
    for decorator in reversed(decorators):
        wrapper = decorator(wrapper)
    return wrapper


def _parquet_paths(pattern: str) -> list[str]:
    """The files or directories DATA names; a DataError when none, or when one is not
    Parquet."""
    paths = sorted(globbing.glob(pattern)) if globbing.has_magic(pattern) else [pattern]
    if not paths or not all(os.path.exists(path) for path in paths):
        raise DataError(f"no Parquet file or directory matches {pattern!r}.")
    other = [p for p in paths if os.path.isfile(p) and not p.lower().endswith(PARQUET_SUFFIXES)]
    if other:
        raise DataError(
            f"--engine reads Parquet files (a file, directory or glob); {names_listed(other)} "
            "is not one. Convert CSV to Parquet, or leave out --engine to read it into memory."
        )
    return paths


def check_engine_request(engine: EngineRequest, request) -> list[str]:
    """The Parquet paths of ``request.data``, after refusing the options that need the rows
    in memory (usage errors, exit code 2).

    Examples
    --------
    >>> from shrinkage.cli.options import DataRequest
    >>> check_engine_request(EngineRequest("dask"), DataRequest("t.csv", "y", dropna=True))
    Traceback (most recent call last):
    ...
    shrinkage.cli.errors.DataError: --dropna needs the rows in memory; it cannot be used with --engine dask.
    """  # noqa: E501
    refused = {"--id": request.id_column is not None, "--dropna": request.dropna,
               "--sep": request.sep is not None,
               "--encoding": request.encoding.lower() not in ("utf-8", "utf8")}  # fmt: skip
    for option, given in refused.items():
        if given:
            raise DataError(f"{option} needs the rows in memory; it cannot be used with "
                            f"--engine {engine.name}.")  # fmt: skip
    if request.exposure is not None:
        raise DataError(f"--exposure: {_NO_COUNTS}.")
    if request.task == "count":
        raise DataError(f"--task count: {_NO_COUNTS}{_AS_REGRESSION}")
    if request.task == "multiclass":
        raise DataError(f"--task multiclass: {_NO_MULTICLASS}.")
    if request.data == "-":
        raise DataError(f"--engine {engine.name} reads Parquet files, not standard input (-).")
    return _parquet_paths(request.data)


def _schema(paths, request) -> tuple[dict, np.dtype]:
    """The data schema of ``model.json`` from the Parquet schema (no rows read): the
    feature columns, numeric or boolean, as the in-memory reader would describe them; and
    the target's dtype."""
    import pyarrow.dataset as ds

    from .columns import select_columns
    from .encoding import encode_columns

    try:
        arrow = ds.dataset(paths if len(paths) > 1 else paths[0], format="parquet").schema
    except (OSError, ValueError) as exc:  # pyarrow's errors subclass these
        raise DataError(f"cannot read the Parquet schema of {request.data!r}: {exc}") from None
    empty = arrow.empty_table().to_pandas()
    if request.target not in empty.columns:
        raise DataError(f"target column {request.target!r} not found; columns are "
                        f"{names_listed(empty.columns)}.")  # fmt: skip
    frame, _ = select_columns(empty, request.target, drop=request.drop,
                              features=request.features)  # fmt: skip
    features = frame.drop(columns=[request.target])
    if features.shape[1] == 0:
        raise DataError(f"no feature columns: the data only has the target {request.target!r}.")
    _, schema, categorical = encode_columns(features, encode=True)
    if categorical:
        raise DataError(
            f"column(s) {names_listed(categorical)} are not numeric: with --engine every "
            "feature column must be numeric or boolean. One-hot encode them before writing "
            "the Parquet files, or leave them out with --drop."
        )
    target_dtype = empty[request.target].dtype
    if target_dtype.kind not in "biuf":
        raise DataError(f"target {request.target!r} is not numeric ({target_dtype}): with "
                        "--engine the target is a number (0/1 for classification); "
                        f"{_NO_MULTICLASS}.")  # fmt: skip
    return schema, target_dtype


_NO_COUNTS = (
    "the count task (Poisson regression) is not supported with --engine: the engines "
    "have no Poisson loss. Leave out --engine to read the rows into memory"
)
_AS_REGRESSION = ", or pass --task regression to fit the target by least squares."
_NO_MULTICLASS = (
    "multi-class classification (multinomial logistic regression) is not supported with "
    "--engine: the engines have no multinomial loss. Leave out --engine to read the rows "
    "into memory"
)
#: Distinct target values kept by the pass over the target: enough for the rule of auto.
_DISTINCT_KEPT = 3


@dataclass(frozen=True)
class _Range:
    """Smallest and largest target value, whether every value is an integer, and up to
    three of its distinct values, merged over blocks."""

    low: float
    high: float
    integral: bool = True
    distinct: tuple = ()

    def merge(self, other: _Range) -> _Range:
        distinct = tuple(sorted(set(self.distinct) | set(other.distinct))[:_DISTINCT_KEPT])
        return _Range(min(self.low, other.low), max(self.high, other.high),
                      self.integral and other.integral, distinct)  # fmt: skip


def target_counts(block) -> tuple[np.ndarray, _Range]:
    """Rows, zeros and ones of a block's target, and its range (one pass decides the task).

    Examples
    --------
    >>> from shrinkage.distributed import ArrayBlocks
    >>> data = ArrayBlocks(np.ones((5, 1)), np.array([0.0, 1, 1, 0, 1]), n_partitions=2)
    >>> counts, bounds = data.reduce(target_counts)
    >>> counts.tolist(), bounds.low, bounds.high, bounds.integral, bounds.distinct
    ([5, 2, 3], 0.0, 1.0, True, (0.0, 1.0))
    """
    y = block.y
    counts = np.array([y.size, np.count_nonzero(y == 0), np.count_nonzero(y == 1)])
    distinct = tuple(float(v) for v in np.unique(y)[:_DISTINCT_KEPT])
    return counts, _Range(float(y.min()), float(y.max()), bool(np.all(y == np.floor(y))),
                          distinct)  # fmt: skip


def _task(data, request, target_dtype, output) -> tuple[str, list | None, int]:
    """``(task, classes, n_rows)`` from one pass over the target."""
    result = data.reduce(target_counts, label="target")
    if result is None:  # every block empty
        raise DataError(f"{request.data!r} has no rows.")
    counts, bounds = result
    n_rows, zeros, ones = (int(c) for c in counts)
    if bounds.low == bounds.high:
        raise DataError(f"target {request.target!r} has a constant value ({bounds.low:g} in all "
                        f"{n_rows} rows): nothing to learn.")  # fmt: skip
    binary = zeros + ones == n_rows
    counted = looks_like_counts(bounds.low, bounds.integral, len(bounds.distinct))
    if request.task == "auto" and not binary and counted:
        raise DataError(f"target {request.target!r} holds counts (non-negative integers, "
                        f"{zeros} of {n_rows} zero), which --task auto takes for a count; "
                        f"{_NO_COUNTS}{_AS_REGRESSION}")  # fmt: skip
    if request.task == "classification" and not binary:
        raise DataError(f"with --engine, a classification target is coded 0/1; "
                        f"{request.target!r} has other values.")  # fmt: skip
    if request.task == "regression" or not binary:
        return "regression", None, n_rows
    # the classes as the in-memory reader names them
    classes = {"f": [0.0, 1.0], "b": [False, True]}.get(target_dtype.kind, [0, 1])
    if request.task == "auto":
        output.note(f"target {request.target!r} has two values {classes}: classification "
                    "(pass --task regression to override)")  # fmt: skip
    return "classification", classes, n_rows


@dataclass(frozen=True)
class EngineData:
    """Parquet data on an engine: the row blocks, the schema for ``model.json``, the task
    and the number of rows."""

    data: object
    schema: dict
    task: str
    n_rows: int

    @property
    def loss(self) -> str:
        return LOSSES[self.task]


def _pass_reporter(output):
    """``progress(label, seconds)`` for the engines: one stderr line per pass."""
    count = [0]

    def report(label, seconds):
        count[0] += 1
        if not output.quiet:
            click.echo(f"pass {count[0]} ({label}): {seconds:.1f} s", err=True)

    return report


@contextlib.contextmanager
def _spark(master: str):
    """A Spark session on ``master``, stopped on exit unless it was running before."""
    from ..distributed.engines.spark_blocks import spark_session

    try:
        from pyspark.sql import SparkSession

        running = SparkSession.getActiveSession()  # a caller's session is left running
        session = spark_session(master, config=SPARK_CONFIG)
    except (ImportError, RuntimeError) as exc:
        raise DataError(str(exc)) from None
    try:
        yield session
    finally:
        if running is None:
            session.stop()


@contextlib.contextmanager
def _session(engine: EngineRequest):
    """The engine's connection for one command: a Dask client (or none: threads), or a
    Spark session; closed on exit."""
    if engine.name == "spark":
        with warnings.catch_warnings():  # pyspark's note on the pandas version
            warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")
            with _spark(engine.master or "local[*]") as session:
                yield session
    elif engine.scheduler is None:
        yield None
    else:
        from ..distributed.engines.dask_blocks import SchedulerUnreachableError, connect

        try:
            client = connect(engine.scheduler, timeout=engine.connect_timeout)
        except SchedulerUnreachableError as exc:
            raise DataError(str(exc)) from None
        with client:
            yield client


@contextlib.contextmanager
def open_data(engine: EngineRequest, request, output):
    """The :class:`EngineData` of ``request`` on ``engine``, for the body of a ``with``;
    a data error met in any pass of the body (a non-finite value: partition and column
    named) becomes a :class:`DataError`."""
    from ..distributed import DistributedDataError, read_parquet

    paths = check_engine_request(engine, request)
    schema, target_dtype = _schema(paths, request)
    start = time.perf_counter()
    with _session(engine) as session:
        try:
            data = read_parquet(request.data, request.target, engine=engine.name,
                                features=schema["features"],
                                spark=session if engine.name == "spark" else None)  # fmt: skip
            data.progress = _pass_reporter(output)
            task, classes, n_rows = _task(data, request, target_dtype, output)
            schema.update(target=request.target, task=task, classes=classes)
            output.note(f"{engine.name}: {n_rows:,} rows in {data.n_partitions} partition(s), "
                        f"{time.perf_counter() - start:.1f} s to open")  # fmt: skip
            yield EngineData(data, schema, task, n_rows)
        except DistributedDataError as exc:
            raise DataError(f"bad data in {request.data!r}: {exc}") from None
