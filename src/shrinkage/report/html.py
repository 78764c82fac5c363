"""``build_report`` and ``write_report``: one self-contained HTML file that opens offline.

The page has, in order: data summary, L1 / L2 / elastic-net comparison, the advice in
plain language, the chosen model's coefficients with entry α and its certificate, how
sure (CV fold frequencies, stability selection with its error bound, bootstrap intervals
of the refit), path and CV plots, held-out calibration, the diamond / circle geometry,
the interactive explorer, and the command and versions that produced it (the sections
are :mod:`shrinkage.report.sections`). A multi-class model's page has its own
coefficient table, held-out predictions and list of what it leaves out after the shared
data summary, comparison and advice (:mod:`shrinkage.report.multiclass`). Figures are
PNG ``data:`` URIs; the explorer's script and data are inline; nothing is fetched from
the network.
"""

from __future__ import annotations

import html
import os
import platform
import secrets
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from .analysis import analyse
from .explorer import explorer_payload, explorer_section
from .figures import (
    MAX_PATH_LABELS,
    calibration_figure,
    geometry_figure,
    path_and_cv_figure,
    to_data_uri,
)
from .geometry2d import explorer_geometry, strongest_pair
from .multiclass import multiclass_body
from .sections import (
    advice_section,
    calibration_text,
    coefficient_section,
    comparison_section,
    data_section,
    how_sure_section,
)
from .wording import TASK_WORDS

__all__ = [
    "build_report",
    "figure_html",
    "package_versions",
    "page_html",
    "paths_section",
    "write_page",
    "write_report",
]

#: What a multi-class path figure draws for each feature.
ROW_NORMS = ("each feature's standardised coefficients of all classes as one line, the norm "
             "of its row ‖W_j‖₂")  # fmt: skip

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1240px;margin:auto;
padding:0 1.2em 3em;color:#222;line-height:1.45}
h1{margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
table{border-collapse:collapse;font-size:.9em;margin:.6em 0}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:right}
th{background:#f4f4f4}td.name,th.name{text-align:left}
tr.recommended td{background:#fff5e6;font-weight:600}tr.zero td{color:#999}
img{max-width:100%;height:auto}code,pre{background:#f6f6f6;padding:.1em .3em}
pre{padding:.6em;overflow-x:auto;white-space:pre-wrap}
.controls{display:flex;gap:1.5em;align-items:center;flex-wrap:wrap;margin:.6em 0}
#alpha-slider{width:340px}.explorer-grid{display:flex;flex-wrap:wrap;gap:1.2em}
svg{background:#fcfcfc;border:1px solid #e4e4e4}.bar-label{font-size:12px}
.bar-label.zero,.zero-mark{fill:#aaa;font-size:12px}.axis{font-size:11px;fill:#444}
.caption{font-size:.85em;color:#444;max-width:380px}.zero-line{font-size:1.05em}
.advice{background:#f3f8ff;border-left:4px solid #1f77b4;padding:.6em 1em}
.geometry-message{font-size:14px;color:#8a4b00;margin:0}#how-sure-table th{max-width:13em}
"""


def package_versions() -> dict:
    """Versions of the packages that produced the numbers (and Python's)."""
    versions = {}
    for name in ("shrinkage", "numpy", "scipy", "scikit-learn", "numba", "pandas", "matplotlib"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    versions["python"] = platform.python_version()
    return versions


def figure_html(figure, alt, element_id):
    if figure is None:
        return "<p>(not available for this data)</p>"
    return f'<img id="{element_id}" alt="{html.escape(alt)}" src="{to_data_uri(figure)}">'


def build_report(
    X, y, *, task: str, command: str, cv: int = 5, random_state: int = 0,
    selection: str = "1se", progress: Callable[[str, float], None] | None = None,
    exposure=None, grouped: bool = False,
) -> str:  # fmt: skip
    """The report as an HTML string (see :func:`write_report` for the parameters).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> data = load_diabetes(as_frame=True)
    >>> page = build_report(data.data, data.target, task="regression", cv=3,
    ...                     command="shrinkage demo")
    >>> page.startswith("<!DOCTYPE html>"), 'id="zero-count"' in page
    (True, True)
    """
    if not isinstance(command, str):
        raise TypeError(f"command must be a string, got {type(command).__name__}.")

    def report(description, fraction):
        if progress is not None:
            progress(description, float(fraction))

    report("checking the data", 0.0)
    data = analyse(X, y, task=task, cv=cv, random_state=random_state, selection=selection,
                   progress=progress, exposure=exposure, grouped=grouped)  # fmt: skip
    shared = f"{data_section(data)}{comparison_section(data)}{advice_section(data)}"
    if task == "multiclass":
        report("drawing the path and CV figures", 0.86)
        paths = figure_html(path_and_cv_figure(data), "paths and CV curves", "figure-paths")
        report("assembling the page", 0.98)
        body = multiclass_body(data, paths_section(paths, ROW_NORMS))
        return page_html(task, f"{shared}\n{body}", command)
    report("computing the 2-D geometry", 0.82)
    geometry = explorer_geometry(data)
    report("drawing the path and CV figures", 0.86)
    paths = figure_html(path_and_cv_figure(data), "paths and CV curves", "figure-paths")
    report("drawing the calibration figure", 0.92)
    calibration = figure_html(calibration_figure(data), "calibration", "figure-calibration")
    report("drawing the geometry figure", 0.95)
    geometry_png = figure_html(geometry_figure(data), "diamond and circle", "figure-geometry")
    pair = strongest_pair(data) or ()
    pair_names = " and ".join(html.escape(data.feature_names[j]) for j in pair)
    restricted = TASK_WORDS[task].restricted
    report("assembling the page", 0.98)
    body = f"""{shared}
{coefficient_section(data)}{how_sure_section(data)}
{paths_section(paths)}
<section id="calibration"><h2>Held-out calibration</h2><p>{calibration_text(data)}</p>
{calibration}</section>
<section id="geometry"><h2>Geometry: the two strongest features</h2>
<p>{restricted} restricted to {pair_names} (standardised), its contours, the L1 diamond and
the L2 circle of the same budget (half the unpenalised fit's L1 norm). The constrained optimum
is where the growing contours first touch each region: when that point is a corner of the
diamond, a coefficient is exactly zero; the circle has no corners, so the L2 optimum keeps
both. Use the explorer below to watch this for other α and other pairs.</p>
{geometry_png}</section>
{explorer_section(data, explorer_payload(data, geometry))}"""
    return page_html(task, body, command)


def paths_section(figure: str, lines: str = "standardised coefficients") -> str:
    """The section of the path and CV figure (``figure``: its ``<img>``; ``lines``: what
    the path's lines are)."""
    return f"""<section id="paths"><h2>Paths and cross-validation</h2>
<p>Top: {lines} against α, each feature that is ever non-zero labelled at
the right end of its line (at most {MAX_PATH_LABELS}, those that enter first). Bottom: the
CV curve ± one standard error. Dashed: α_min; dotted: α_1se.</p>{figure}</section>"""


def page_html(task: str, body: str, command: str) -> str:
    """The whole page around the sections in ``body``: title, style, the objective in
    one sentence, and the provenance section (``command`` and :func:`package_versions`)."""
    versions = "".join(f"<tr><td class=name>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>"
                       for k, v in package_versions().items())  # fmt: skip
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>shrinkage report: which features matter?</title><style>{_CSS}</style></head>
<body><h1>Which features matter, how sure are we, and L1, L2 or a mix?</h1>
<p>Every model minimises {TASK_WORDS[task].objective} + α × penalty(w) on standardised
features; every reported solution carries its duality-gap certificate.</p>
{body}
<section id="provenance"><h2>How this report was made</h2>
<p>Command:</p><pre id="command">{html.escape(command)}</pre>
<table id="versions"><thead><tr><th class=name>package</th><th>version</th></tr></thead>
<tbody>{versions}</tbody></table></section>
</body></html>
"""


def write_report(
    X, y, *, task: str, out: Path, command: str, cv: int = 5, random_state: int = 0,
    progress: Callable[[str, float], None] | None = None, selection: str = "1se",
    exposure=None, grouped: bool = False,
) -> Path:  # fmt: skip
    """Build the report and write it atomically to ``out``; return the path written.

    The page is built in full first, then written to a temporary file in the same
    directory and moved onto ``out`` with :func:`os.replace`: a reader never sees half a
    file, and a failure leaves nothing behind. An existing ``out`` is replaced (callers
    that must not overwrite, like the CLI without ``--force``, check before calling).

    Parameters
    ----------
    X : pandas.DataFrame of shape (n_samples, n_features)
        Numeric, already encoded, no missing values.
    y : pandas.Series of shape (n_samples,)
        Real target, two classes for ``task="classification"``, three or more for
        ``task="multiclass"``, or counts ≥ 0 (some positive) for ``task="count"``.
    task : {"regression", "classification", "multiclass", "count"}
        Squared loss, logistic loss, multinomial loss, or Poisson deviance (log link).
    out : pathlib.Path
        The HTML file to write; its directory must exist.
    command : str
        The command line that produced the report, shown verbatim.
    cv : int, default 5
        Number of cross-validation folds.
    random_state : int, default 0
        Seed of the fold shuffling.
    progress : callable(str, float), optional
        Called with a description and the fraction done (increasing, 1.0 at the end).
    selection : {"min", "1se"}, default "1se"
        α of the chosen model: least CV error or the one-standard-error rule.
    exposure : pandas.Series or array-like of shape (n_samples,), optional
        Positive exposures of the counts (``task="count"``); a Series names its column.
    grouped : bool, default False
        ``task="multiclass"``: the lasso and elastic net penalise each feature's row of
        coefficients (one per class) by its norm, so a feature enters every class's model
        or none.

    Returns
    -------
    pathlib.Path
    """
    out = Path(out)
    if not out.parent.is_dir():
        raise FileNotFoundError(f"the output directory {str(out.parent)!r} does not exist.")
    if out.is_dir():
        raise IsADirectoryError(f"the output path {str(out)!r} is a directory.")
    page = build_report(X, y, task=task, command=command, cv=cv, random_state=random_state,
                        selection=selection, progress=progress, exposure=exposure,
                        grouped=grouped)  # fmt: skip
    write_page(out, page)
    if progress is not None:
        progress("report written", 1.0)
    return out


def write_page(out: Path, page: str) -> Path:
    """Write ``page`` to ``out`` atomically (see :func:`write_report`); return ``out``."""
    out = Path(out)
    temporary = out.parent / f".{out.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        with open(temporary, "x", encoding="utf-8") as handle:  # "x": never clobber
            handle.write(page)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return out
