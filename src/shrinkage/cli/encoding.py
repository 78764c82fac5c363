"""One-hot encoding of a table's feature columns, recorded in a schema so that new data
are encoded exactly as at fit time.

Categorical columns become ``column_level`` indicators: one per level, or a single one
(of the second level in sorted order) for two levels. Each check names the problem and
the columns involved and raises :class:`DataError` (exit code 2): unsupported column
types, categorical columns with ``encode=False``, names that collide after encoding and,
at prediction time, missing columns and category levels not seen when fitting.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import DataError
from .header import separator_hint
from .reading import names_listed

__all__ = ["UNKNOWN_LEVELS", "column_kind", "encode_columns", "encode_with_schema",
           "separator_hint"]  # fmt: skip

UNKNOWN_LEVELS = ("error", "zero")


def column_kind(dtype) -> str:
    """ "numeric", "boolean", "categorical" or "unsupported": how a column is encoded."""
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return "numeric"
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype):
        return "categorical"
    if pd.api.types.is_object_dtype(dtype):
        return "categorical"
    return "unsupported"


def encode_columns(features: pd.DataFrame, encode: bool) -> tuple[pd.DataFrame, dict, list]:
    """``features`` one-hot encoded, the schema that encodes new data alike, and the
    names of the categorical columns."""
    # Linear in the number of columns: dtypes in one pass, collisions with a Counter.
    kinds = {name: column_kind(dtype) for name, dtype in features.dtypes.items()}
    unsupported = [f"{name!r} ({features[name].dtype})" for name, k in kinds.items()
                   if k == "unsupported"]  # fmt: skip
    if unsupported:
        raise DataError(
            f"unsupported column type(s): {', '.join(unsupported)}; convert them to numbers."
        )
    categorical = [name for name, kind in kinds.items() if kind == "categorical"]
    if categorical and not encode:
        raise DataError(
            f"categorical (non-numeric) column(s) {names_listed(categorical)} and --no-encode was "
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
        listed = "; ".join(f"{d!r} from {names_listed(s)}" for d, s in sorted(collisions.items()))
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
    >>> from shrinkage.cli.io import prepare
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
        other = f" (the data has other column(s) {names_listed(extra)})" if extra else ""
        raise DataError(
            f"the data does not match the model's schema: missing column(s) "
            f"{names_listed(missing)}{other}." + separator_hint(list(frame.columns))
        )
    if extra:
        notes.append(f"ignored column(s) the model does not use: {names_listed(extra)}")
    counts = frame[expected].isna().sum()
    counts = counts[counts > 0]
    if not counts.empty:
        listed = ", ".join(f"{name!r} ({int(count)})" for name, count in counts.items())
        raise DataError(f"missing values in column(s) {listed}; fill or drop those rows.")
    features = schema["features"]
    position = {name: j for j, name in enumerate(features)}
    # One Fortran-ordered block, the numeric columns copied in one call: pandas access
    # column by column is slow on tables with very many columns.
    X = np.empty((len(frame), len(features)), dtype=np.float64, order="F")
    encoding = schema["encoding"]
    numeric = [column["name"] for column in schema["columns"] if column["name"] not in encoding]
    dtypes = dict(frame.dtypes.items())
    for name in numeric:
        if column_kind(dtypes[name]) not in ("numeric", "boolean"):
            raise DataError(
                f"column {name!r} was numeric when fitting but is {dtypes[name]} here."
            )
    if numeric:
        values = frame[numeric].to_numpy(dtype=np.float64)
        infinite = [name for name, bad in zip(numeric, np.isinf(values).any(axis=0), strict=True)
                    if bad]  # fmt: skip
        if infinite:
            raise DataError(
                f"column(s) {names_listed(infinite)} hold infinite values (inf, or a number too "
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
    hint = f" (did you mean {names_listed(close, 5)}?)" if close else ""
    what = f"column {name!r} has level(s) not seen when fitting: {names_listed(unseen, 5)}{hint}"
    if unknown_levels == "error":
        raise DataError(
            f"{what}; the model knows {names_listed(levels['categories'], 8)}. Fix the values, or "
            "pass --unknown-levels zero to encode unseen levels as all-zero indicators."
        )
    baseline = sorted(set(levels["categories"]) - set(levels["indicators"]))
    as_baseline = f", i.e. as the baseline level {baseline[0]!r}" if baseline else ""
    notes.append(f"{what}; encoded as all zeros{as_baseline} (--unknown-levels zero)")
