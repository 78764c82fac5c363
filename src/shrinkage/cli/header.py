"""A CSV file's header row, read as written, and its separator.

pandas renames a repeated column name (the second ``y`` becomes ``y.1``), which would
silently turn a copy of the target into a feature, and its reader takes minutes on a
header of a million names. The standard ``csv`` module reads the header in linear time,
with the dialect pandas' default reader uses (double quotes, doubled quotes as escapes,
blank lines skipped), and says whether any data row follows.

The separator is one of ``SEPARATORS``: a comma unless the first rows do not split into
the same number (two or more) of comma-separated fields while they do for another
candidate, or split into fewer rows (:func:`sniff_separator`); a file that reads as CSV
is read as CSV.
"""

from __future__ import annotations

import bz2
import codecs
import contextlib
import csv
import gzip
import io
import lzma
import sys
from collections import Counter
from pathlib import Path

__all__ = ["SEPARATORS", "csv_header", "duplicate_names", "separator_hint", "sniff_separator"]

SEPARATORS = (",", "\t", ";", "|")
# separator: (the header contains ..., is the file ...-separated, --sep ... in a shell)
SEPARATOR_HINTS = {"\t": ("a tab", "tab", "'\\t'"), ";": ("';'", "';'", "';'"),
                   "|": ("'|'", "'|'", "'|'"), ",": ("','", "','", "','")}  # fmt: skip
SAMPLE_ROWS = 20  # data rows read to choose the separator
SAMPLE_CHARACTERS = 1 << 20  # beyond the header line

_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
_OTHER_COMPRESSIONS = {".zip", ".zst", ".tgz", ".tbz2", ".txz"}


def _text_encoding(encoding: str) -> str:
    # pandas drops a UTF-8 byte-order mark; "utf-8-sig" does the same.
    return "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding


@contextlib.contextmanager
def _opened(source, encoding: str):
    """A text handle on ``source``: a path (plain, .gz, .bz2 or .xz) or the text itself
    (a :class:`str`, e.g. standard input); None for other compressions."""
    if isinstance(source, str):
        yield io.StringIO(source, newline="")
        return
    path = Path(source)
    suffixes = [suffix.lower() for suffix in path.suffixes[-2:]]
    if ".tar" in suffixes or (suffixes and suffixes[-1] in _OTHER_COMPRESSIONS):
        yield None
        return
    opener = _OPENERS.get(suffixes[-1] if suffixes else "", open)
    with opener(path, "rt", encoding=_text_encoding(encoding), newline="") as handle:
        yield handle


@contextlib.contextmanager
def _long_fields():
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # one name may be long
        yield
    finally:
        csv.field_size_limit(limit)


def csv_header(source, encoding: str = "utf-8", sep: str = ",") -> tuple[list[str], bool] | None:
    """``(names, has_rows)`` of a CSV file (plain, .gz, .bz2 or .xz) or text, or None for
    other compressions and for headers this reader cannot parse (pandas then decides).

    Raises ``UnicodeDecodeError`` and ``LookupError`` (unknown encoding) like pandas.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = file.write_text('y,"a, b",y\\n')
    >>> csv_header(file)
    (['y', 'a, b', 'y'], False)
    >>> csv_header("a;b\\n1;2\\n", sep=";")
    (['a', 'b'], True)
    """
    try:
        with _long_fields(), _opened(source, encoding) as handle:
            if handle is None:
                return None
            rows = csv.reader(handle, delimiter=sep)
            names = next((row for row in rows if row), None)
            if names is None:
                return None  # no header: pandas reports the empty file
            has_rows = next((row for row in rows if row), None) is not None
    except csv.Error:
        return None
    except (OSError, EOFError, lzma.LZMAError):
        return None  # not really compressed, or damaged: pandas reports it
    return names, has_rows


def _sample(handle) -> tuple[str, bool]:
    """The header line and up to ``SAMPLE_ROWS`` more lines; whether that is all."""
    lines, size = [], 0
    for line in handle:
        lines.append(line)
        size += len(line)
        if len(lines) > SAMPLE_ROWS or (len(lines) > 1 and size > SAMPLE_CHARACTERS):
            return "".join(lines), False
    return "".join(lines), True


def _rows_if_consistent(sample: str, complete: bool, sep: str) -> int:
    """How many rows the sample splits into when every one has the same number (two or
    more) of fields, else 0."""
    try:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=sep)
        rows = [row for row in reader if row]
    except csv.Error:
        return 0
    if not complete and len(rows) > 1:
        rows = rows[:-1]  # the last row may be cut short
    counts = {len(row) for row in rows}
    return len(rows) if len(counts) == 1 and min(counts) >= 2 else 0


def sniff_separator(source, encoding: str = "utf-8") -> str:
    """The separator of a CSV file or text: ``","`` unless its first rows split
    consistently, and into more rows, on a tab, ``;`` or ``|`` (:class:`csv.Sniffer`
    breaks a tie between those). Unreadable or single-column input: ``","`` (the reader
    then reports it).

    Examples
    --------
    >>> sniff_separator("a;b;y\\n1,5;2;3\\n"), sniff_separator("a\\ty\\n1\\t2\\n")
    (';', '\\t')
    >>> sniff_separator('"x;1",y\\n1,2\\n'), sniff_separator('";,";b\\n1;2\\n3;4\\n')
    (',', ';')
    """
    try:
        with _long_fields(), _opened(source, encoding) as handle:
            if handle is None:
                return ","
            sample, complete = _sample(handle)
    except (OSError, EOFError, lzma.LZMAError, UnicodeDecodeError, LookupError):
        return ","  # the reader reports the problem with its own message
    rows = {sep: _rows_if_consistent(sample, complete, sep) for sep in SEPARATORS}
    most = max(rows.values())
    # a quote opened by a wrong separator swallows the lines after it: the right
    # separator splits the sample into the most rows
    if most == 0 or rows[","] == most:
        return ","
    fits = [sep for sep in SEPARATORS[1:] if rows[sep] == most]
    if len(fits) > 1:
        try:
            sniffed = csv.Sniffer().sniff(sample, delimiters="".join(fits)).delimiter
        except csv.Error:
            sniffed = None
        if sniffed in fits:
            return sniffed
    return fits[0]


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
