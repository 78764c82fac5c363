"""Turning a table into a numeric design ``X`` and a target ``y``, and new data into the
same design.

Each check names the problem and the columns involved, and raises :class:`DataError`
(exit code 2): an unknown, constant or one-class target, a count target with negative
values, a bad exposure column, all-missing columns, missing values (unless ``dropna``),
categorical columns (one-hot encoded, or rejected with ``encode=False``), column names
that collide after encoding and, at prediction time, category levels not seen when
fitting. Reading the file is :mod:`shrinkage.cli.reading`, the encoding
:mod:`shrinkage.cli.encoding`.

The tasks are ``regression`` (squared loss), ``classification`` (two classes, logistic
loss), ``multiclass`` (three or more classes, multinomial loss) and ``count`` (Poisson
regression, log link). ``auto`` is :func:`shrinkage.defaults.auto_task`: classification
for a target with exactly two distinct values, multiclass for a non-numeric target with
more, count for a numeric target that :func:`~shrinkage.defaults.looks_like_counts`, and
regression for any other numeric target.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import defaults
from .encoding import column_kind, encode_columns, encode_with_schema, separator_hint
from .errors import DataError
from .reading import names_listed, read_table

__all__ = ["Table", "encode_with_schema", "exposure_values", "prepare",
           "read_table"]  # fmt: skip

TASKS = ("auto", *defaults.TASKS)
#: The tasks whose target is a set of classes.
CLASSIFIERS = ("classification", "multiclass")


@dataclass
class Table:
    """A checked, numeric problem: ``X`` (float64 DataFrame), ``y`` and how they were made.

    ``schema`` is what :func:`encode_with_schema` needs to encode new data the same way;
    ``notes`` are messages for the user (encoded columns, dropped rows, the task chosen
    by ``auto``); ``exposure`` the positive exposures of a count task's rows, named as
    their column (or None).
    """

    X: pd.DataFrame
    y: pd.Series
    task: str
    schema: dict
    notes: list[str] = field(default_factory=list)
    n_rows_read: int = 0
    n_rows_dropped: int = 0
    exposure: pd.Series | None = None


def _check_missing(frame: pd.DataFrame, dropna: bool, notes: list[str]) -> pd.DataFrame:
    counts = frame.isna().sum()
    empty = list(counts.index[counts.to_numpy() == len(frame)])
    if empty:
        raise DataError(
            f"column(s) {names_listed(empty)} contain only missing values; drop them from the "
            "file."
        )
    counts = counts[counts > 0]
    if counts.empty:
        return frame
    rows = int(frame.isna().any(axis=1).sum())
    if not dropna:
        listed = ", ".join(f"{name!r} ({int(count)})" for name, count in counts.items())
        raise DataError(
            f"missing values in {len(counts)} column(s): {listed}; {rows} of {len(frame)} "
            "rows have one. Pass --dropna to drop those rows, or fill them first."
        )
    kept = frame.dropna()
    if len(kept) == 0:
        raise DataError(f"every one of the {len(frame)} rows has a missing value.")
    notes.append(f"dropped {rows} of {len(frame)} rows with missing values (--dropna)")
    return kept


def _scalar(value):
    return value.item() if hasattr(value, "item") else value


def _describe_counts(y: np.ndarray, name: str) -> str:
    zeros = int(np.count_nonzero(y == 0))
    return (f"target {name!r} holds counts (non-negative integers, {zeros} of {y.size} "
            f"zero, {np.unique(y).size} distinct values)")  # fmt: skip


def _count_target(y: pd.Series, name: str, notes: list[str]) -> pd.Series:
    """The checked target of a count task: numbers ≥ 0, some positive; non-integer
    values (rates) are allowed, as glmnet allows them, and said in ``notes``."""
    if column_kind(y.dtype) not in ("numeric", "boolean"):
        raise DataError(f"target {name!r} is not numeric ({y.dtype}); counts are numbers.")
    values = y.to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        raise DataError(
            f"target {name!r} has {int(bad.sum())} value(s) that are not counts (negative or "
            f"infinite, e.g. {values[bad][0]:g}): the count task (Poisson regression) needs "
            "values >= 0. Use --task regression for a real-valued target."
        )
    if not np.any(values > 0):
        raise DataError(
            f"target {name!r} is 0 in all {values.size} rows: a count model needs some "
            "positive counts."
        )
    fractional = values != np.floor(values)
    if fractional.any():
        notes.append(
            f"target {name!r} has {int(fractional.sum())} non-integer value(s) (e.g. "
            f"{values[fractional][0]:g}): the Poisson loss takes them as rates, as glmnet does"
        )
    return y.astype(np.float64)


def _auto_task(y: pd.Series, n_values: int, kind: str) -> str:
    """The task ``auto`` picks (:func:`shrinkage.defaults.auto_task`)."""
    if kind == "categorical" or n_values < 3:
        return defaults.auto_task(n_values, kind != "categorical")
    values = y.to_numpy(dtype=np.float64)
    integral = bool(np.all(values == np.floor(values)))
    return defaults.auto_task(n_values, True, float(values.min()), integral)


def _constant(y: pd.Series, name: str, task: str, values) -> None:
    """A DataError when the target takes one value only: nothing to learn."""
    if len(values) != 1:
        return
    what = ("only one class" if task in CLASSIFIERS or column_kind(y.dtype) == "categorical"
            else "a constant value")  # fmt: skip
    raise DataError(
        f"target {name!r} has {what} ({_scalar(values[0])!r} in all {len(y)} rows): nothing "
        "to learn."
    )


def _auto_note(y: pd.Series, name: str, task: str, classes) -> str:
    """What ``auto`` chose, and the option that overrides it."""
    if task == "multiclass":  # a text target: no other task to override it with
        return (f"target {name!r} has {len(classes)} classes ({names_listed(classes, 6)}): "
                "multi-class classification, multinomial logistic regression")  # fmt: skip
    if task == "classification":
        what = f"target {name!r} has two values {classes}: classification"
    else:
        what = (f"{_describe_counts(y.to_numpy(dtype=np.float64), name)}: count task, Poisson "
                "regression with a log link")  # fmt: skip
    return f"{what} (pass --task regression to override)"


def _classes(y: pd.Series, name: str, task: str, values) -> list:
    """The sorted classes of a classification target: exactly two for ``classification``,
    three or more for ``multiclass`` (a DataError naming the other task otherwise)."""
    if task == "classification" and len(values) != 2:
        raise DataError(
            f"target {name!r} has {len(values)} distinct values; classification needs "
            "exactly two classes (pass --task multiclass for multinomial logistic "
            "regression of three or more)."
        )
    if task == "multiclass" and len(values) < 3:
        raise DataError(
            f"target {name!r} has {len(values)} classes; --task multiclass is for three or "
            "more. Two classes are a binary classification: pass --task classification "
            "(or leave --task auto)."
        )
    ordered = sorted(values.tolist(), key=lambda v: (str(type(v)), v))
    return [_scalar(v) for v in ordered]


def _target(y: pd.Series, name: str, task: str, notes: list[str]
            ) -> tuple[pd.Series, str, list | None]:  # fmt: skip
    if task not in TASKS:
        raise DataError(f"task must be one of {TASKS}, got {task!r}.")
    values = pd.unique(y)
    kind = column_kind(y.dtype)
    if task == "count":  # before the constant check: its own words for all-zero counts
        y = _count_target(y, name, notes)
    _constant(y, name, task, values)
    chosen = _auto_task(y, len(values), kind) if task == "auto" else task
    if chosen == "count":  # checked above, or counts by the rule of auto
        target, classes = y.astype(np.float64), None
    elif chosen in CLASSIFIERS:
        target, classes = y, _classes(y, name, chosen, values)
    elif kind not in ("numeric", "boolean"):
        raise DataError(f"target {name!r} is not numeric ({y.dtype}); regression needs numbers.")
    else:
        target, classes = y.astype(np.float64), None
    if task == "auto" and chosen != "regression":
        notes.append(_auto_note(y, name, chosen, classes))
    return target, chosen, classes


def exposure_values(column: pd.Series, name: str) -> np.ndarray:
    """The exposures of a count model (time at risk, population): finite numbers > 0,
    else a DataError naming the column and a bad value.

    Examples
    --------
    >>> exposure_values(pd.Series([1.0, 0.5]), "years")
    array([1. , 0.5])
    >>> exposure_values(pd.Series([1.0, 0.0, -2.0]), "years")
    Traceback (most recent call last):
    ...
    shrinkage.cli.errors.DataError: --exposure column 'years' has 2 value(s) that are not positive numbers (e.g. 0); exposures must be > 0 (their log is the model's offset).
    """  # noqa: E501
    if column_kind(column.dtype) not in ("numeric", "boolean"):
        raise DataError(f"--exposure column {name!r} is not numeric ({column.dtype}).")
    values = column.to_numpy(dtype=np.float64)
    bad = ~(np.isfinite(values) & (values > 0))
    if bad.any():
        raise DataError(
            f"--exposure column {name!r} has {int(bad.sum())} value(s) that are not positive "
            f"numbers (e.g. {values[bad][0]:g}); exposures must be > 0 (their log is the "
            "model's offset)."
        )
    return values


def _exposure_task(task: str, exposure: str, notes: list[str]) -> str:
    """The task with an ``--exposure`` column: count (auto picks it; the other tasks have
    no exposure)."""
    if task in ("regression", *CLASSIFIERS):
        raise DataError(
            f"--exposure applies to count models (Poisson regression), not to --task {task}: "
            "leave it out, or pass --task count."
        )
    if task == "auto":
        notes.append(f"--exposure {exposure!r}: count task, Poisson regression with a log link")
    return "count"


def prepare(
    frame: pd.DataFrame,
    target: str,
    *,
    task: str = "auto",
    encode: bool = True,
    dropna: bool = False,
    exposure: str | None = None,
) -> Table:
    """Check ``frame`` and split it into an encoded numeric ``X`` and the target ``y``.

    Categorical columns are one-hot encoded as ``column_level``: one indicator per level,
    or a single indicator (of the second level in sorted order) for two levels.

    ``task="auto"`` is classification when the target has exactly two distinct values,
    multiclass when it is not numeric and has more, count when it
    :func:`~shrinkage.defaults.looks_like_counts` (or an ``exposure`` column is named),
    regression otherwise (a numeric target). ``exposure`` names a column of positive
    exposures of a count task: never a feature, recorded in the schema.

    Examples
    --------
    >>> frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "colour": list("rgrb"),
    ...                       "smoker": ["no", "yes", "no", "no"], "y": [0.5, 1.0, 2.5, 3.0]})
    >>> table = prepare(frame, "y")
    >>> table.task, list(table.X.columns)
    ('regression', ['x', 'colour_b', 'colour_g', 'colour_r', 'smoker_yes'])
    >>> table.notes
    ["one-hot encoded 2 categorical column(s): 'colour' (3 levels), 'smoker' (2 levels)"]
    >>> prepare(frame, "z")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shrinkage.cli.errors.DataError: target column 'z' not found; columns are 'x', 'colour', ...
    """
    if target not in frame.columns:
        raise DataError(
            f"target column {target!r} not found; columns are {names_listed(frame.columns)}."
            + separator_hint(list(frame.columns))
        )
    if exposure is not None and exposure not in frame.columns:
        raise DataError(f"--exposure column {exposure!r} not found; columns are "
                        f"{names_listed(frame.columns)}.")  # fmt: skip
    if frame.shape[1] < (2 if exposure is None else 3):
        raise DataError(
            f"no feature columns: the table only has the target {target!r}"
            + ("." if exposure is None else f" and the exposure {exposure!r}.")
        )
    notes: list[str] = []
    n_rows = len(frame)
    frame = _check_missing(frame, dropna, notes)
    if exposure is not None:
        task = _exposure_task(task, exposure, notes)
    y, task, classes = _target(frame[target], target, task, notes)
    exposures = None
    if exposure is not None:
        exposures = pd.Series(exposure_values(frame[exposure], exposure), index=frame.index,
                              name=exposure)  # fmt: skip
    non_features = [target] if exposure is None else [target, exposure]
    X, schema, categorical = encode_columns(frame.drop(columns=non_features), encode)
    if categorical:
        levels = ", ".join(
            f"{name!r} ({len(schema['encoding'][name]['categories'])} levels)"
            for name in categorical
        )
        notes.insert(0, f"one-hot encoded {len(categorical)} categorical column(s): {levels}")
    schema.update(target=target, task=task, classes=classes)
    if exposure is not None:
        schema["exposure"] = exposure
    return Table(X, y, task, schema, notes, n_rows, n_rows - len(frame), exposures)
