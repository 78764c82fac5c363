"""A CSV file's header row, read as written: for duplicate names and empty files.

pandas renames a repeated column name (the second ``y`` becomes ``y.1``), which would
silently turn a copy of the target into a feature, and its reader takes minutes on a
header of a million names. The standard ``csv`` module reads the header in linear time,
with the dialect pandas' default reader uses (comma, double quotes, doubled quotes as
escapes, blank lines skipped), and says whether any data row follows.
"""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import lzma
import sys
from collections import Counter
from pathlib import Path

__all__ = ["csv_header", "duplicate_names"]

_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
_OTHER_COMPRESSIONS = {".zip", ".zst", ".tgz", ".tbz2", ".txz"}


def _text_encoding(encoding: str) -> str:
    # pandas drops a UTF-8 byte-order mark; "utf-8-sig" does the same.
    return "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding


def csv_header(path, encoding: str = "utf-8") -> tuple[list[str], bool] | None:
    """``(names, has_rows)`` of a CSV file (plain, .gz, .bz2 or .xz), or None for other
    compressions and for headers this reader cannot parse (pandas then decides).

    Raises ``UnicodeDecodeError`` and ``LookupError`` (unknown encoding) like pandas.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = file.write_text('y,"a, b",y\\n')
    >>> csv_header(file)
    (['y', 'a, b', 'y'], False)
    """
    path = Path(path)
    suffixes = [suffix.lower() for suffix in path.suffixes[-2:]]
    if ".tar" in suffixes or (suffixes and suffixes[-1] in _OTHER_COMPRESSIONS):
        return None
    opener = _OPENERS.get(suffixes[-1] if suffixes else "", open)
    text_encoding = _text_encoding(encoding)
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # one name may be long
        with opener(path, "rt", encoding=text_encoding, newline="") as handle:
            rows = csv.reader(handle)
            names = next((row for row in rows if row), None)
            if names is None:
                return None  # no header: pandas reports the empty file
            has_rows = next((row for row in rows if row), None) is not None
    except csv.Error:
        return None
    except (OSError, EOFError, lzma.LZMAError):
        return None  # not really compressed, or damaged: pandas reports it
    finally:
        csv.field_size_limit(limit)
    return names, has_rows


def duplicate_names(names) -> dict[str, list[int]]:
    """``{name: 1-based positions}`` of every name that occurs more than once (linear).

    Examples
    --------
    >>> duplicate_names(["y", "a", "y", "b", "a"])
    {'y': [1, 3], 'a': [2, 5]}
    """
    counts = Counter(names)
    repeated: dict[str, list[int]] = {}
    for position, name in enumerate(names, start=1):
        if counts[name] > 1:
            repeated.setdefault(name, []).append(position)
    return repeated
