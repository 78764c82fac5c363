"""Turning a table into a numeric design ``X`` and a target ``y``, and new data into the
same design.

Each check names the problem and the columns involved, and raises :class:`DataError`
(exit code 2): an unknown, constant or one-class target, all-missing columns, missing
values (unless ``dropna``), categorical columns (one-hot encoded, or rejected with
``encode=False``), column names that collide after encoding and, at prediction time,
category levels not seen when fitting. Reading the file is :mod:`shrinkage.cli.reading`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import DataError
from .reading import names_listed, read_table

__all__ = ["Table", "encode_with_schema", "prepare", "read_table"]

TASKS = ("auto", "regression", "classification")
UNKNOWN_LEVELS = ("error", "zero")
# separator: (the header contains ..., is the file ...-separated, --sep ... in a shell)
SEPARATOR_HINTS = {"\t": ("a tab", "tab", "'\\t'"), ";": ("';'", "';'", "';'"),
                   "|": ("'|'", "'|'", "'|'"), ",": ("','", "','", "','")}  # fmt: skip


def _names(items, limit: int = 12) -> str:
    return names_listed(items, limit)


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


def _column_kind(dtype) -> str:
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return "numeric"
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype):
        return "categorical"
    if pd.api.types.is_object_dtype(dtype):
        return "categorical"
    return "unsupported"


def _check_missing(frame: pd.DataFrame, dropna: bool, notes: list[str]) -> pd.DataFrame:
    counts = frame.isna().sum()
    empty = list(counts.index[counts.to_numpy() == len(frame)])
    if empty:
        raise DataError(
            f"column(s) {_names(empty)} contain only missing values; drop them from the file."
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
    kind = _column_kind(y.dtype)
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


def _encode(features: pd.DataFrame, encode: bool) -> tuple[pd.DataFrame, dict, list]:
    # Linear in the number of columns: dtypes in one pass, collisions with a Counter.
    kinds = {name: _column_kind(dtype) for name, dtype in features.dtypes.items()}
    unsupported = [f"{name!r} ({features[name].dtype})" for name, k in kinds.items()
                   if k == "unsupported"]  # fmt: skip
    if unsupported:
        raise DataError(
            f"unsupported column type(s): {', '.join(unsupported)}; convert them to numbers."
        )
    categorical = [name for name, kind in kinds.items() if kind == "categorical"]
    if categorical and not encode:
        raise DataError(
            f"categorical (non-numeric) column(s) {_names(categorical)} and --no-encode was "
            "given; encode them yourself, drop them, or leave out --no-encode."
        )
    encoding = {}
    for name in categorical:
        categories = sorted({str(v) for v in features[name]})
        # Two levels need one indicator (the second); more get one column per level, so
        # the penalty treats every level alike instead of favouring a baseline.
        kept = categories[1:] if len(categories) == 2 else categories
        encoding[name] = {
            "categories": categories,
            "indicators": kept,
            "columns": [f"{name}_{category}" for category in kept],
        }
    dtypes = dict(features.dtypes.items())
    columns = [{"name": n, "dtype": str(dtypes[n]), "kind": kinds[n]} for n in kinds]
    schema = {"columns": columns, "encoding": encoding}
    names, sources = [], {}
    for name in features.columns:
        for new_name in encoding[name]["columns"] if name in encoding else [name]:
            names.append(new_name)
            sources.setdefault(new_name, []).append(name)
    collisions = {new_name: origin for new_name, origin in sources.items() if len(origin) > 1}
    if collisions:
        listed = "; ".join(f"{d!r} from {_names(s)}" for d, s in sorted(collisions.items()))
        raise DataError(
            f"column names collide after one-hot encoding: {listed}. Rename the columns "
            "or the category values."
        )
    schema["features"] = names
    return encode_with_schema(features, schema, []), schema, categorical


def encode_with_schema(
    frame: pd.DataFrame, schema: dict, notes: list[str], *, unknown_levels: str = "error",
    keep=(),
) -> pd.DataFrame:  # fmt: skip
    """Encode ``frame``'s feature columns exactly as at fit time; a float64 DataFrame.

    Missing columns, and text where numbers were, are errors naming them; columns the
    model does not use are ignored and named in ``notes`` (except the target and the
    names in ``keep``). A category level not seen at fit time is an error naming the
    column and the levels, or with ``unknown_levels="zero"`` encoded as all-zero
    indicators (for a two-level column: as the first level), said in ``notes``.

    Examples
    --------
    >>> table = prepare(pd.DataFrame({"x": [1.0, 2.0, 3.0], "smoker": ["no", "yes", "no"],
    ...                               "y": [1.0, 2.0, 4.0]}), "y")
    >>> new = pd.DataFrame({"x": [1.0], "smoker": ["Yes"], "id": [7]})
    >>> encode_with_schema(new, table.schema, [])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shrinkage.cli.errors.DataError: column 'smoker' has level(s) not seen when fitting: 'Yes' ...
    >>> notes = []
    >>> encode_with_schema(new, table.schema, notes, unknown_levels="zero").to_numpy()
    array([[1., 0.]])
    >>> notes  # doctest: +NORMALIZE_WHITESPACE
    ["ignored column(s) the model does not use: 'id'",
     "column 'smoker' has level(s) not seen when fitting: 'Yes' (did you mean 'yes'?);
      encoded as all zeros, i.e. as the baseline level 'no' (--unknown-levels zero)"]
    """
    if unknown_levels not in UNKNOWN_LEVELS:
        raise DataError(
            f"--unknown-levels must be one of {UNKNOWN_LEVELS}, got {unknown_levels!r}."
        )
    expected = [column["name"] for column in schema["columns"]]
    present, known = set(frame.columns), {*expected, schema.get("target"), *keep}
    missing = [name for name in expected if name not in present]
    extra = [name for name in frame.columns if name not in known]
    if missing:
        other = f" (the data has other column(s) {_names(extra)})" if extra else ""
        raise DataError(
            f"the data does not match the model's schema: missing column(s) "
            f"{_names(missing)}{other}." + separator_hint(list(frame.columns))
        )
    if extra:
        notes.append(f"ignored column(s) the model does not use: {_names(extra)}")
    counts = frame[expected].isna().sum()
    counts = counts[counts > 0]
    if not counts.empty:
        listed = ", ".join(f"{name!r} ({int(count)})" for name, count in counts.items())
        raise DataError(f"missing values in column(s) {listed}; fill or drop those rows.")
    features = schema["features"]
    position = {name: j for j, name in enumerate(features)}
    # One Fortran-ordered block, the numeric columns copied in one call: per-column
    # pandas access costs ~40 µs, seconds at 10⁵ columns.
    X = np.empty((len(frame), len(features)), dtype=np.float64, order="F")
    encoding = schema["encoding"]
    numeric = [column["name"] for column in schema["columns"] if column["name"] not in encoding]
    dtypes = dict(frame.dtypes.items())
    for name in numeric:
        if _column_kind(dtypes[name]) not in ("numeric", "boolean"):
            raise DataError(
                f"column {name!r} was numeric when fitting but is {dtypes[name]} here."
            )
    if numeric:
        values = frame[numeric].to_numpy(dtype=np.float64)
        infinite = [name for name, bad in zip(numeric, np.isinf(values).any(axis=0), strict=True)
                    if bad]  # fmt: skip
        if infinite:
            raise DataError(
                f"column(s) {_names(infinite)} hold infinite values (inf, or a number too "
                "large for a 64-bit float); fix or drop those rows."
            )
        X[:, [position[name] for name in numeric]] = values
    for name, levels in encoding.items():
        text = frame[name].astype(str).to_numpy()
        unseen = sorted(set(np.unique(text)) - set(levels["categories"]))
        if unseen:
            _unseen_levels(name, unseen, levels, unknown_levels, notes)
        for category, new_name in zip(levels["indicators"], levels["columns"], strict=True):
            X[:, position[new_name]] = text == category
    return pd.DataFrame(X, index=frame.index, columns=features, copy=False)


def _unseen_levels(name, unseen, levels, unknown_levels, notes) -> None:
    def fold(text):
        return text.strip().casefold()

    folded = {fold(category): category for category in levels["categories"]}
    close = sorted({folded[fold(value)] for value in unseen if fold(value) in folded})
    hint = f" (did you mean {_names(close, 5)}?)" if close else ""
    what = f"column {name!r} has level(s) not seen when fitting: {_names(unseen, 5)}{hint}"
    if unknown_levels == "error":
        raise DataError(
            f"{what}; the model knows {_names(levels['categories'], 8)}. Fix the values, or "
            "pass --unknown-levels zero to encode unseen levels as all-zero indicators."
        )
    baseline = sorted(set(levels["categories"]) - set(levels["indicators"]))
    as_baseline = f", i.e. as the baseline level {baseline[0]!r}" if baseline else ""
    notes.append(f"{what}; encoded as all zeros{as_baseline} (--unknown-levels zero)")


def separator_hint(columns) -> str:
    """A sentence naming the likely separator when the header holds one (a file read
    with the wrong ``--sep``), else ``""``.

    Examples
    --------
    >>> separator_hint(["a;b;y"])
    " The header contains ';': is the file ';'-separated? Use --sep ';'."
    """
    header = "".join(columns)
    for sep, (contains, kind, typed) in SEPARATOR_HINTS.items():
        # a comma inside names is common; only a one-column header points at it
        if sep in header and (sep != "," or len(columns) == 1):
            return (
                f" The header contains {contains}: is the file {kind}-separated? "
                f"Use --sep {typed}."
            )
    return ""


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
            f"target column {target!r} not found; columns are {_names(frame.columns)}."
            + separator_hint(list(frame.columns))
        )
    if frame.shape[1] < 2:
        raise DataError(f"no feature columns: the table only has the target {target!r}.")
    notes: list[str] = []
    n_rows = len(frame)
    frame = _check_missing(frame, dropna, notes)
    y, task, classes = _target(frame[target], target, task)
    X, schema, categorical = _encode(frame.drop(columns=[target]), encode)
    if categorical:
        levels = ", ".join(
            f"{name!r} ({len(schema['encoding'][name]['categories'])} levels)"
            for name in categorical
        )
        notes.insert(0, f"one-hot encoded {len(categorical)} categorical column(s): {levels}")
    schema.update(target=target, task=task, classes=classes)
    return Table(X, y, task, schema, notes, n_rows, n_rows - len(frame))
