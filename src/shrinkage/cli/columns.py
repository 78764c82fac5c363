"""Which columns of a table are features: ``--id``, ``--drop`` and ``--features``.

``--id COLUMN`` names a row identifier: never a feature, and carried into predictions as
their first column so that rows can be joined back. ``--exposure COLUMN`` (count models)
is never a feature either, but stays in the table: its values are the exposures.
``--drop`` removes columns and ``--features`` keeps only the columns it names (with the
target, the id and the exposure). Both take names repeatedly or comma-separated
(``--drop a,b --drop c``); a name that is itself a column name is taken whole, so names
with commas still work. Unknown names are an error naming them.
"""

from __future__ import annotations

import pandas as pd

from .errors import DataError
from .reading import names_listed

__all__ = ["column_list", "select_columns"]


def column_list(values, columns, option: str) -> list[str]:
    """The column names given to ``option`` (repeated and/or comma-separated), checked
    against ``columns``; a DataError names the unknown ones.

    Examples
    --------
    >>> column_list(["a,b", "c, d", "x,1"], ["a", "b", "c", "d", "x,1"], "--drop")
    ['a', 'b', 'c', 'd', 'x,1']
    >>> column_list(["a,zz"], ["a", "b"], "--drop")
    Traceback (most recent call last):
    ...
    shrinkage.cli.errors.DataError: --drop names unknown column(s) 'zz'; columns are 'a', 'b'.
    """
    known = set(columns)
    names, unknown = [], []
    for value in values:
        pieces = [value] if value in known else value.split(",")
        for piece in pieces:
            name = piece if piece in known else piece.strip()
            if name in known:
                names.append(name)
            elif name:
                unknown.append(name)
    if unknown:
        raise DataError(
            f"{option} names unknown column(s) {names_listed(unknown)}; columns are "
            f"{names_listed(columns)}."
        )
    return list(dict.fromkeys(names))


def _check_special(columns, target, special: dict) -> None:
    """``--id`` and ``--exposure`` must name existing columns, other than the target and
    each other."""
    seen = {}
    for option, name in special.items():
        if name is None:
            continue
        if name not in set(columns):
            raise DataError(
                f"{option} column {name!r} not found; columns are {names_listed(columns)}."
            )
        if name == target:
            raise DataError(f"{option} {name!r} is the target; name another column.")
        if name in seen:
            raise DataError(f"{seen[name]} and {option} name the same column {name!r}.")
        seen[name] = option


def select_columns(
    frame: pd.DataFrame, target: str | None, *, id_column: str | None = None, drop=(),
    features=(), exposure: str | None = None,
) -> tuple[pd.DataFrame, list[str]]:  # fmt: skip
    """``frame`` without the id and dropped columns (or with only ``features``), and
    notes; the target and the ``exposure`` column stay (the target's absence is reported
    later, with the separator hint)."""
    columns = list(frame.columns)
    notes: list[str] = []
    special = {"--id": id_column, "--exposure": exposure}
    _check_special(columns, target, special)
    removed = column_list(drop, columns, "--drop")
    kept = column_list(features, columns, "--features") if features else None
    for option, names in (("--drop", removed), ("--features", kept or [])):
        if target in names:
            raise DataError(f"{option} names the target {target!r}; it is never a feature.")
        for name_option, name in special.items():
            if name is not None and name in names:
                raise DataError(f"{option} names the {name_option} column {name!r}.")
    excluded = set(removed) | ({id_column} if id_column is not None else set())
    if kept is not None:
        excluded |= {name for name in columns
                     if name not in set(kept) and name not in (target, exposure)}  # fmt: skip
    if not excluded:
        return frame, notes
    if removed:
        notes.append(f"dropped column(s) {names_listed(removed)} (--drop)")
    if kept is not None:
        notes.append(f"features: only {names_listed(kept)} (--features)")
    return frame[[name for name in columns if name not in excluded]], notes
