"""The interactive explorer: path data and 2-D geometry as JSON, drawn by inline JavaScript.

Everything the page shows is computed here in Python; the script (:data:`EXPLORER_JS`,
hand-written, no library, no network) only reads the embedded JSON and draws SVG:

* a slider over the α grid (grid index, i.e. log α, largest α on the left), starting at
  the chosen model's cross-validated α, that moves the coefficient bars and the cursor on
  the path plot, and writes "N of p coefficients exactly zero" into ``#zero-count`` (the
  zero features are greyed and listed);
* a penalty choice (lasso / elastic net / ridge: each has its own grid of 50 α and opens
  at its own cross-validated α);
* for a pair of features (two selects), the diamond and circle of budget t and the loss
  contours through both optima, from :func:`shrinkage.report.geometry2d.explorer_geometry`
  (the pair's 2-D lasso at the slider's position on the lasso grid), or the reason a
  pair has no picture (exactly collinear columns). The script finds a pair's entry by the
  two features the entry names (:func:`shrinkage.report.geometry2d.find_pair` in Python).
"""

from __future__ import annotations

import html
import json

import numpy as np

from ._explorer_js import EXPLORER_JS
from .analysis import ReportData
from .geometry2d import explorer_geometry
from .wording import TASK_WORDS

__all__ = ["explorer_payload", "explorer_section", "embed_json"]

_ORDER = ("lasso", "elastic net", "ridge")


def explorer_payload(data: ReportData, geometry: dict | None = None) -> dict:
    """The JSON document the explorer reads (plain lists and floats, no NaN).

    ``paths[name]`` holds ``alphas``, ``coefs`` (n_alphas × p, original scale, exactly
    :func:`shrinkage.path`'s numbers), ``entry_alpha``, ``n_zeros`` and ``chosen_index``
    (the α that the report's selection rule picks for that penalty). The page opens on
    the chosen model: ``default_penalty`` at grid index ``start_index``.
    """
    if geometry is None:
        geometry = explorer_geometry(data)
    paths = {}
    for name in _ORDER:
        run = data.run(name)
        result = run.path
        paths[name] = {
            "l1_ratio": float(result.l1_ratio),
            "alphas": result.alphas.astype(float).tolist(),
            "coefs": result.coefs.astype(float).tolist(),
            "entry_alpha": result.entry_alpha.astype(float).tolist(),
            "n_zeros": [int(v) for v in result.n_zeros],
            "chosen_index": run.selected_index(data.chosen.selection),
        }
    drawable = [entry["features"] for entry in geometry["pairs"] if "skipped" not in entry]
    default_pair = drawable[0] if drawable else geometry["features"][:2]
    return {
        "feature_names": list(data.feature_names),
        "feature_std": data.feature_std.astype(float).tolist(),
        "default_penalty": data.chosen.name,
        "start_index": int(data.chosen.index),
        "paths": paths,
        "geometry": geometry,
        "geometry_default": default_pair,
        "geometry_alphas": data.run("lasso").path.alphas.astype(float).tolist(),
        "wording": {"fit": TASK_WORDS[data.task].fit, "contour": TASK_WORDS[data.task].contour},
    }


def embed_json(document: dict) -> str:
    """JSON safe inside ``<script type="application/json">``: no NaN, and ``</`` and
    ``<!--`` escaped so that a feature name cannot close the script element."""
    text = json.dumps(document, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _options(indices, names, selected):
    return "".join(
        f'<option value="{j}"{" selected" if j == selected else ""}>'
        f"{html.escape(names[j])}</option>"
        for j in indices
    )


def explorer_section(data: ReportData, payload: dict) -> str:
    """The explorer's HTML: controls, three SVG canvases, the data and the script."""
    names = data.feature_names
    path = payload["paths"][payload["default_penalty"]]
    n_alphas = len(path["alphas"])
    start = payload["start_index"]
    features = payload["geometry"]["features"]
    first, second = payload["geometry_default"] if len(features) >= 2 else (0, 0)
    penalty_options = "".join(
        f'<option value="{html.escape(name)}"'
        f"{' selected' if name == payload['default_penalty'] else ''}>{html.escape(name)}"
        "</option>"
        for name in _ORDER
    )
    if len(features) >= 2:
        geometry_controls = (
            '<div class="controls"><label>feature w₁ <select id="feature-a">'
            f"{_options(features, names, first)}"
            f'</select></label> <label>feature w₂ <select id="feature-b">'
            f"{_options(features, names, second)}</select></label></div>"
        )
    else:
        geometry_controls = "<p>The geometry needs at least two features.</p>"
    start_zero = int(np.sum(np.asarray(path["coefs"][start]) == 0))
    return f"""
<section id="explorer">
<h2>Explorer: move α and watch coefficients become exactly zero</h2>
<p>The explorer opens on the chosen model, at its cross-validated α. Drag the slider left,
towards the largest α (where every lasso coefficient is zero), or right, towards the
smallest. Bars show standardised coefficients (coefficient × feature standard deviation);
a feature whose coefficient is <em>exactly</em> zero is greyed out. Each penalty opens at
its own cross-validated α.</p>
<div class="controls">
<label>penalty <select id="penalty-select">{penalty_options}</select></label>
<label>α <input type="range" id="alpha-slider" min="0" max="{n_alphas - 1}" step="1"
 value="{start}" aria-label="position on the alpha grid (log scale)"></label>
<span>α = <output id="alpha-value">{path["alphas"][start]:.4g}</output><span
 id="alpha-choice"> (the cross-validated choice)</span></span>
</div>
<p class="zero-line"><strong id="zero-count">{start_zero} of {len(names)} coefficients
exactly zero</strong> <span id="zero-features"></span></p>
<div class="explorer-grid">
<div><h3>Coefficients at this α</h3><svg id="coef-bars" role="img"
 aria-label="coefficient bars" width="560" height="60"></svg></div>
<div><h3>Path, with the cursor at this α</h3><svg id="path-plot" role="img"
 aria-label="regularization path" width="560" height="280"></svg></div>
<div><h3>Geometry of a pair of features</h3>{geometry_controls}
<svg id="geometry-plot" role="img" aria-label="diamond and circle" width="380"
 height="380"></svg><p id="geometry-caption" class="caption"></p></div>
</div>
<script type="application/json" id="explorer-data">{embed_json(payload)}</script>
<script>{EXPLORER_JS}</script>
</section>"""
