"""Turning a table into a numeric design ``X`` and a target ``y``, and new data into the
same design.

Each check names the problem and the columns involved, and raises :class:`DataError`
(exit code 2): an unknown, constant or one-class target, all-missing columns, missing
values (unless ``dropna``), categorical columns (one-hot encoded, or rejected with
``encode=False``), column names that collide after encoding and, at prediction time,
category levels not seen when fitting. Reading the file is :mod:`shrinkage.cli.reading`,
the encoding :mod:`shrinkage.cli.encoding`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .encoding import column_kind, encode_columns, encode_with_schema, separator_hint
from .errors import DataError
from .reading import names_listed, read_table

__all__ = ["Table", "encode_with_schema", "prepare", "read_table"]

TASKS = ("auto", "regression", "classification")


@dataclass
class Table:
    """A checked, numeric problem: ``X`` (float64 DataFrame), ``y`` and how they were made.

    ``schema`` is what :func:`encode_with_schema` needs to encode new data the same way;
    ``notes`` are messages for the user (encoded columns, dropped rows).
    """

    X: pd.DataFrame
    y: pd.Series
    task: str
    schema: dict
    notes: list[str] = field(default_factory=list)
    n_rows_read: int = 0
    n_rows_dropped: int = 0


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


def _target(y: pd.Series, name: str, task: str) -> tuple[pd.Series, str, list | None]:
    if task not in TASKS:
        raise DataError(f"task must be one of {TASKS}, got {task!r}.")
    values = pd.unique(y)
    kind = column_kind(y.dtype)
    if len(values) == 1:
        what = (
            "only one class"
            if task == "classification" or kind == "categorical"
            else ("a constant value")
        )
        raise DataError(
            f"target {name!r} has {what} ({_scalar(values[0])!r} in all {len(y)} rows): nothing "
            "to learn."
        )
    if task == "auto":
        if len(values) == 2:
            task = "classification"
        elif kind in ("numeric", "boolean"):
            task = "regression"
        else:
            raise DataError(
                f"target {name!r} is not numeric and has {len(values)} classes; only "
                "regression (numeric target) and binary classification are supported."
            )
    if task == "classification":
        if len(values) != 2:
            raise DataError(
                f"target {name!r} has {len(values)} distinct values; classification needs "
                "exactly two classes."
            )
        classes = sorted(values.tolist(), key=lambda v: (str(type(v)), v))
        return y, task, [_scalar(v) for v in classes]
    if kind not in ("numeric", "boolean"):
        raise DataError(f"target {name!r} is not numeric ({y.dtype}); regression needs numbers.")
    return y.astype(np.float64), task, None


def prepare(
    frame: pd.DataFrame,
    target: str,
    *,
    task: str = "auto",
    encode: bool = True,
    dropna: bool = False,
) -> Table:
    """Check ``frame`` and split it into an encoded numeric ``X`` and the target ``y``.

    Categorical columns are one-hot encoded as ``column_level``: one indicator per level,
    or a single indicator (of the second level in sorted order) for two levels.

    ``task="auto"`` is classification when the target has exactly two distinct values,
    regression otherwise (a numeric target).

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
    if frame.shape[1] < 2:
        raise DataError(f"no feature columns: the table only has the target {target!r}.")
    notes: list[str] = []
    n_rows = len(frame)
    frame = _check_missing(frame, dropna, notes)
    y, task, classes = _target(frame[target], target, task)
    X, schema, categorical = encode_columns(frame.drop(columns=[target]), encode)
    if categorical:
        levels = ", ".join(
            f"{name!r} ({len(schema['encoding'][name]['categories'])} levels)"
            for name in categorical
        )
        notes.insert(0, f"one-hot encoded {len(categorical)} categorical column(s): {levels}")
    schema.update(target=target, task=task, classes=classes)
    return Table(X, y, task, schema, notes, n_rows, n_rows - len(frame))
