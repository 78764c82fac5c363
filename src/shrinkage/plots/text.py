"""Data-supplied text (feature and class names) drawn by matplotlib exactly as written.

Matplotlib reads a string with two unescaped ``$`` as mathtext, so a feature named
``cost_$_per_$_unit`` fails to draw (``_`` outside braces is a subscript error) and a
name like ``$x$`` is typeset as maths; a legend silently drops a label that starts with
``_``; with ``text.usetex`` every TeX special character matters. :func:`plain_text` is
applied to every name a figure of this package draws.
"""

from __future__ import annotations

__all__ = ["plain_text"]

_TEX_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "%": r"\%", "&": r"\&",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}  # fmt: skip
_ZERO_WIDTH_SPACE = "\u200b"


def plain_text(text, *, usetex: bool | None = None) -> str:
    """``text`` escaped so that matplotlib draws it literally (labels, titles, ticks).

    Without TeX, each ``$`` becomes ``\\$`` (no mathtext; matplotlib draws ``$``) and a
    leading ``_`` gets a zero-width space before it (legends skip labels starting with
    ``_``). With ``usetex`` (default: ``rcParams["text.usetex"]``) the TeX special
    characters are escaped.

    Parameters
    ----------
    text : object
        Converted with ``str``.
    usetex : bool, optional
        Escape for TeX rendering; None reads matplotlib's current setting.

    Returns
    -------
    str

    See Also
    --------
    matplotlib.text.Text.set_parse_math : switches mathtext off for one text instead.

    Examples
    --------
    >>> plain_text("cost_$_per_$_unit", usetex=False)
    'cost_\\\\$_per_\\\\$_unit'
    >>> plain_text("50% of {x}_1", usetex=True)
    '50\\\\% of \\\\{x\\\\}\\\\_1'
    """
    text = str(text)
    if usetex is None:
        import matplotlib

        usetex = bool(matplotlib.rcParams["text.usetex"])
    if usetex:
        return "".join(_TEX_ESCAPES.get(character, character) for character in text)
    escaped = text.replace("$", r"\$")
    return _ZERO_WIDTH_SPACE + escaped if escaped.startswith("_") else escaped
