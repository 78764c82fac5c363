"""Reading a table: a CSV file (any separator of :data:`~shrinkage.cli.header.SEPARATORS`,
compressed allowed), a Parquet file, or standard input (``-``).

Every problem is a :class:`DataError` (exit code 2) naming the file: a missing file, text
that is not in the given encoding, an unknown encoding, an empty file, a file with a
header and no rows, duplicate column names (pandas would silently rename a repeat).
"""

from __future__ import annotations

import codecs
import io
import sys
from pathlib import Path

import pandas as pd

from .errors import DataError
from .header import csv_header, duplicate_names, separator_hint, sniff_separator

__all__ = ["STDIN", "describe_source", "parse_separator", "read_table"]

STDIN = "-"
PARQUET_SUFFIXES = (".parquet", ".pq")
PARQUET_MAGIC = b"PAR1"
WIDE = 100  # columns beyond which a read table is consolidated (see read_table)
SEPARATOR_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}


def names_listed(items, limit: int = 12) -> str:
    """``'a', 'b' and 3 more``: names for a message."""
    items = [str(item) for item in items]
    shown = ", ".join(repr(item) for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def describe_source(path) -> str:
    """How messages name the input: the path, or ``<stdin>``."""
    return "<stdin>" if str(path) == STDIN else str(path)


def parse_separator(text: str | None) -> str | None:
    """``--sep``: one character; ``\\t`` (as typed in a shell) and ``tab`` mean a tab.

    Examples
    --------
    >>> parse_separator("\\\\t"), parse_separator(";"), parse_separator(None)
    ('\\t', ';', None)
    """
    if text is None:
        return None
    text = {"\\t": "\t", "tab": "\t", "TAB": "\t"}.get(text, text)
    if len(text) != 1 or text in '"\r\n':
        raise DataError(
            f"--sep must be one character (e.g. ',', ';', '\\t' or '|'), got {text!r}."
        )
    return text


def _check_unique(names, where: str) -> None:
    repeated = duplicate_names(names)
    if repeated:
        listed = "; ".join(
            f"{name!r} (columns {', '.join(map(str, positions))})"
            for name, positions in list(repeated.items())[:12]
        )
        more = f" and {len(repeated) - 12} more" if len(repeated) > 12 else ""
        raise DataError(
            f"{where!r} has duplicate column names: {listed}{more}. Every column needs "
            "its own name (a repeated name would be read as a renamed copy); rename or drop "
            "the repeats."
        )


def _no_rows(where: str, names) -> DataError:
    return DataError(f"{where!r} has 0 rows (columns: {names_listed(names)}); nothing to fit.")


def _parquet_names(source) -> list[str] | None:
    try:
        from pyarrow.parquet import read_schema
    except ImportError:
        return None
    try:
        return [str(name) for name in read_schema(source).names]
    except Exception:  # not a Parquet file: pandas reports it with its own message
        return None


def _pandas_header(source, encoding: str, sep: str) -> list[str]:
    row = pd.read_csv(source, encoding=encoding, header=None, nrows=1, dtype=str,
                      keep_default_na=False, sep=sep)  # fmt: skip
    return [str(name) for name in row.iloc[0]] if len(row) else []


def _read_csv(source, where: str, encoding: str, sep: str) -> pd.DataFrame:
    """``source``: a path, or the decoded text of standard input."""
    found = csv_header(source, encoding, sep)
    header = None if found is None else found[0]
    if found is not None:
        _check_unique(header, where)
        if not found[1]:
            raise _no_rows(where, header)

    def reread():
        return io.StringIO(source) if isinstance(source, str) else source

    frame = pd.read_csv(reread(), encoding=encoding, sep=sep)
    if header is None or len(header) != frame.shape[1]:
        _check_unique(_pandas_header(reread(), encoding, sep), where)
    # a header that holds another separator (the wrong --sep) is left to the caller,
    # whose error names the column not found and the likely separator
    if not isinstance(frame.index, pd.RangeIndex) and not separator_hint(list(frame.columns)):
        raise _short_header(where, frame)
    return frame


def _short_header(where: str, frame: pd.DataFrame) -> DataError:
    """pandas takes the first fields of rows longer than the header as their index: the
    columns would be shifted and one lost, silently."""
    extra = frame.index.nlevels
    return DataError(
        f"{where!r}: the rows have {frame.shape[1] + extra} fields but the header names "
        f"{frame.shape[1]} ({names_listed(list(frame.columns))}). A column name that holds "
        "a line break or the separator must be quoted; or a header name is missing."
    )


def _read_stdin(encoding: str, sep: str | None, notes: list[str]) -> pd.DataFrame:
    raw = sys.stdin.buffer.read()
    if raw.startswith(PARQUET_MAGIC):
        header = _parquet_names(io.BytesIO(raw))
        if header is not None:
            _check_unique(header, "<stdin>")
        return pd.read_parquet(io.BytesIO(raw))
    if not raw.strip():
        raise pd.errors.EmptyDataError
    # pandas drops a UTF-8 byte-order mark; "utf-8-sig" does the same
    name = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    text = raw.decode(name)
    return _read_csv(text, "<stdin>", encoding, _separator(text, encoding, sep, notes))


def _separator(source, encoding: str, sep: str | None, notes: list[str]) -> str:
    if sep is not None:
        return sep
    found = sniff_separator(source, encoding)
    if found != ",":
        notes.append(
            f"read as {SEPARATOR_NAMES[found]}-separated (detected from the first rows; "
            "--sep overrides)"
        )
    return found


def read_table(path, *, encoding: str = "utf-8", sep: str | None = None,
               notes: list[str] | None = None) -> pd.DataFrame:  # fmt: skip
    """Read a CSV (any other suffix, compressed allowed) or Parquet file, or standard
    input (``"-"``), into a DataFrame.

    ``sep=None`` detects a CSV's separator (comma, tab, ``;`` or ``|``) from its first
    rows and says so in ``notes`` when it is not a comma. Column names must be unique
    *as written in the file* (pandas would rename a repeat); a CSV's header is read
    first, so that a file without data rows fails at once.

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
    >>> _ = file.write_text("a;y\\n1,5;2\\n")
    >>> notes = []
    >>> read_table(file, notes=notes).columns.tolist(), notes
    (['a', 'y'], ['read as semicolon-separated (detected from the first rows; --sep overrides)'])
    """
    notes = [] if notes is None else notes
    where = describe_source(path)
    stdin = str(path) == STDIN
    path = Path(path)
    if not stdin and not path.is_file():
        raise DataError(f"data file {where!r} does not exist or is not a file.")
    try:
        if stdin:
            frame = _read_stdin(encoding, sep, notes)
        elif path.suffix.lower() in PARQUET_SUFFIXES:
            header = _parquet_names(path)
            if header is not None:
                _check_unique(header, where)
            frame = pd.read_parquet(path)
        else:
            frame = _read_csv(path, where, encoding, _separator(path, encoding, sep, notes))
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{where!r} is not valid {encoding} text: byte {exc.object[exc.start]:#04x} at "
            f"position {exc.start} cannot be decoded ({exc.reason}). Pass the file's "
            "encoding, e.g. --encoding latin-1 or --encoding cp1252."
        ) from None
    except LookupError as exc:
        raise DataError(f"unknown encoding {encoding!r}: {exc}.") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{where!r} is empty: no header and no rows.") from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        raise DataError(f"could not read {where!r}: {exc}") from None
    frame.columns = [str(name) for name in frame.columns]
    _check_unique(list(frame.columns), where)  # e.g. Parquet names 1 and "1"
    if frame.shape[1] > WIDE:
        # pandas' CSV reader leaves one block per column, and every whole-frame step
        # (isna, sum, drop) then loops over them; one copy joins them into a block, and
        # pays for itself at the first such step.
        frame = frame.copy()
    if len(frame) == 0:
        raise _no_rows(where, frame.columns)
    return frame
