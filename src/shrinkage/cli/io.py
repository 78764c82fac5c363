"""Reading a table and turning it into a numeric design ``X`` and a target ``y``.

Each check names the problem and the columns involved, and raises :class:`DataError`
(exit code 2): unreadable or non-UTF-8 files, 0-row files, an unknown, constant or
one-class target, all-missing columns, missing values (unless ``dropna``), categorical
columns (one-hot encoded, or rejected with ``encode=False``) and column names that
collide after encoding. The input file is only read, never written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError
from .header import csv_header, duplicate_names

__all__ = ["Table", "encode_with_schema", "prepare", "read_table"]

PARQUET_SUFFIXES = (".parquet", ".pq")
TASKS = ("auto", "regression", "classification")
WIDE = 100  # columns beyond which a read table is consolidated (see read_table)


def _names(items, limit: int = 12) -> str:
    items = [str(item) for item in items]
    shown = ", ".join(repr(item) for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _check_unique(names, path: Path) -> None:
    repeated = duplicate_names(names)
    if repeated:
        listed = "; ".join(
            f"{name!r} (columns {', '.join(map(str, positions))})"
            for name, positions in list(repeated.items())[:12]
        )
        more = f" and {len(repeated) - 12} more" if len(repeated) > 12 else ""
        raise DataError(
            f"{str(path)!r} has duplicate column names: {listed}{more}. Every column needs "
            "its own name (a repeated name would be read as a renamed copy); rename or drop "
            "the repeats."
        )


def _no_rows(path: Path, names) -> DataError:
    return DataError(f"{str(path)!r} has 0 rows (columns: {_names(names)}); nothing to fit.")


def _parquet_names(path: Path) -> list[str] | None:
    try:
        from pyarrow.parquet import read_schema
    except ImportError:
        return None
    try:
        return [str(name) for name in read_schema(path).names]
    except Exception:  # not a Parquet file: pandas reports it with its own message
        return None


def _pandas_header(path: Path, encoding: str) -> list[str]:
    row = pd.read_csv(path, encoding=encoding, header=None, nrows=1, dtype=str,
                      keep_default_na=False)  # fmt: skip
    return [str(name) for name in row.iloc[0]] if len(row) else []


def read_table(path, *, encoding: str = "utf-8") -> pd.DataFrame:
    """Read a CSV (any other suffix, compressed allowed) or Parquet file into a DataFrame.

    Column names must be unique *as written in the file* (pandas would rename a repeat);
    a CSV's header is read first, so that a file without data rows fails at once.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = file.write_bytes("name,y\\ncafé,1\\n".encode("latin-1"))
    >>> read_table(file)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shrinkage.cli.errors.DataError: ... is not valid utf-8 text...--encoding latin-1...
    >>> read_table(file, encoding="latin-1").loc[0, "name"]
    'café'
    >>> _ = file.write_text("y,a,y\\n1,2,3\\n")
    >>> read_table(file)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shrinkage.cli.errors.DataError: ... has duplicate column names: 'y' (columns 1, 3)...
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"data file {str(path)!r} does not exist or is not a file.")
    parquet = path.suffix.lower() in PARQUET_SUFFIXES
    try:
        if parquet:
            header = _parquet_names(path)
            if header is not None:
                _check_unique(header, path)
            frame = pd.read_parquet(path)
        else:
            found = csv_header(path, encoding)
            header = None if found is None else found[0]
            if found is not None:
                _check_unique(header, path)
                if not found[1]:
                    raise _no_rows(path, header)
            frame = pd.read_csv(path, encoding=encoding)
            if header is None or len(header) != frame.shape[1]:
                _check_unique(_pandas_header(path, encoding), path)
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{str(path)!r} is not valid {encoding} text: byte {exc.object[exc.start]:#04x} at "
            f"position {exc.start} cannot be decoded ({exc.reason}). Pass the file's "
            "encoding, e.g. --encoding latin-1 or --encoding cp1252."
        ) from None
    except LookupError as exc:
        raise DataError(f"unknown encoding {encoding!r}: {exc}.") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{str(path)!r} is empty: no header and no rows.") from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        raise DataError(f"could not read {str(path)!r}: {exc}") from None
    frame.columns = [str(name) for name in frame.columns]
    _check_unique(list(frame.columns), path)  # e.g. Parquet names 1 and "1"
    if frame.shape[1] > WIDE:
        # pandas' CSV reader leaves one block per column, and every whole-frame step
        # (isna, sum, drop) then loops over them: at 40,000 columns 1.7 s for one
        # isna().sum(), against 1 ms after this one copy (1 s) joins them.
        frame = frame.copy()
    if len(frame) == 0:
        raise _no_rows(path, frame.columns)
    return frame


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


def encode_with_schema(frame: pd.DataFrame, schema: dict, notes: list[str]) -> pd.DataFrame:
    """Encode ``frame``'s feature columns exactly as at fit time; a float64 DataFrame.

    Missing or extra columns, and text where numbers were, are errors naming them; a
    category not seen at fit time is encoded as all zeros and reported in ``notes``
    (for a two-level column: as the first level).
    """
    expected = [column["name"] for column in schema["columns"]]
    present, known = set(frame.columns), {*expected, schema.get("target")}
    missing = [name for name in expected if name not in present]
    extra = [name for name in frame.columns if name not in known]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing column(s) {_names(missing)}")
        if extra:
            parts.append(f"unexpected column(s) {_names(extra)}")
        raise DataError(f"the data does not match the model's schema: {'; '.join(parts)}.")
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
            notes.append(
                f"column {name!r} has value(s) not seen when fitting: {_names(unseen, 5)} "
                "(encoded as all zeros)"
            )
        for category, new_name in zip(levels["indicators"], levels["columns"], strict=True):
            X[:, position[new_name]] = text == category
    return pd.DataFrame(X, index=frame.index, columns=features, copy=False)


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
