"""End to end: the report in headless Chromium.

The α slider opens at the cross-validated choice and changes the zero count; the geometry
panel draws every pair of features, at every slider position, with the selected pair's
names on its axes (or says why a pair has no picture), without a single script error.

Needs Debian's ``chromium`` package and Playwright for Python (its own browser download is
not used: ``executable_path`` points at the system Chromium). Skips when either is absent;
the data set from ``shared/data`` skips when that folder is absent.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sklearn.datasets import load_diabetes

from shrinkage import path
from shrinkage.datasets import load_prostate
from shrinkage.defaults import N_ALPHAS
from shrinkage.penalties import Penalty
from shrinkage.report import write_report
from shrinkage.report.geometry2d import find_pair

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed (pip install playwright)"
)
CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHARED_DATA = Path(__file__).resolve().parents[1] / "shared" / "data"
if not SHARED_DATA.is_dir():
    SHARED_DATA = Path("/work/shared/data")

# Select each ordered pair of features, move the slider over its whole range, and record
# what the geometry panel shows; returns one row per (pair, position).
SWEEP = """
() => {
  const a = document.getElementById("feature-a"), b = document.getElementById("feature-b");
  const slider = document.getElementById("alpha-slider");
  const values = Array.from(a.options).map(option => option.value);
  const text = id => { const e = document.getElementById(id); return e ? e.textContent : null; };
  const rows = [];
  for (const first of values) for (const second of values) {
    if (first === second) continue;
    a.value = first; b.value = second; b.dispatchEvent(new Event("change"));
    for (let k = 0; k <= Number(slider.max); k++) {
      slider.value = String(k); slider.dispatchEvent(new Event("input"));
      rows.push([Number(first), Number(second), k, text("geometry-name-w1"),
                 text("geometry-name-w2"), document.getElementById("geometry-diamond") !== null,
                 text("geometry-message"), text("geometry-caption")]);
    }
  }
  return rows;
}
"""


def explorer_json(page: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="explorer-data">(.*?)</script>', page, re.S
    )
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, report: Path):
    """The report in a new page, and the list its script errors are collected in."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(report.resolve().as_uri())
    return page, errors


def zero_count(page) -> int:
    text = page.inner_text("#zero-count")
    count, rest = text.split(" of ", 1)
    assert rest.startswith("10 coefficients exactly zero"), text
    return int(count)


def test_slider_moves_the_zero_count(tmp_path, browser):
    data = load_diabetes(as_frame=True)
    report = write_report(data.data, data.target, task="regression", command="shrinkage demo",
                          out=tmp_path / "report.html")  # fmt: skip
    # the same path the report embeds, computed here independently
    lasso = path(data.data, data.target, Penalty(1.0), n_alphas=N_ALPHAS, alpha_min_ratio=1e-3,
                 standardize=True, tol=1e-6)  # fmt: skip
    expected = lasso.n_zeros.tolist()
    document = explorer_json(report.read_text("utf-8"))
    assert document["default_penalty"] == "lasso"
    start = document["start_index"]
    page, errors = open_page(browser, report)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        assert page.input_value("#penalty-select") == "lasso"
        slider = page.locator("#alpha-slider")
        assert int(slider.input_value()) == start > 0  # opens at the CV choice
        assert zero_count(page) == expected[start]
        slider.focus()
        page.keyboard.press("Home")
        assert int(slider.input_value()) == 0 and zero_count(page) == 10 == expected[0]
        seen = [zero_count(page)]
        for step in range(1, len(expected)):  # keyboard: largest α towards the smallest
            page.keyboard.press("ArrowRight")
            assert int(slider.input_value()) == step
            seen.append(zero_count(page))
        assert seen == expected
        assert seen[-1] == int(lasso.n_zeros[-1]) == 0 and len(set(seen)) > 3
        middle = 20  # greyed names are exactly the zero coefficients there
        slider.evaluate(
            "(element, value) => { element.value = value; "
            "element.dispatchEvent(new Event('input')); }",
            str(middle),
        )
        zero_names = {data.data.columns[j] for j in range(10) if lasso.coefs[middle, j] == 0}
        marked = set(page.locator("#coef-bars text.bar-label.zero").all_text_contents())
        assert marked == zero_names and zero_count(page) == expected[middle]
        cursor_x = float(page.get_attribute("#path-cursor", "x1"))
        assert 40 < cursor_x < 560
        assert page.locator("#geometry-diamond").count() == 1

        page.select_option("#penalty-select", "ridge")  # ridge: never an exact zero
        assert zero_count(page) == 0
        assert int(slider.input_value()) == document["paths"]["ridge"]["chosen_index"]
        page.select_option("#penalty-select", "lasso")

        page.locator("#explorer").scroll_into_view_if_needed()
        screenshot = tmp_path / "explorer.png"
        page.locator("#explorer").screenshot(path=str(screenshot))
    finally:
        page.close()
    assert errors == []
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 10_000


def _text_column_report(folder: Path) -> Path:
    """A CSV with a text column (one-hot encoded by the command line) and an exactly
    collinear pair of columns, through ``shrinkage report``."""
    from shrinkage.cli.main import cli

    rng = np.random.default_rng(7)
    frame = pd.DataFrame(rng.standard_normal((90, 3)), columns=["a", "b", "c"])
    frame["a_in_other_units"] = 2.54 * frame["a"] + 1.0  # correlation 1 with a
    frame["colour"] = rng.choice(["red", "green", "blue"], 90)
    frame["y"] = (2 * frame.a - frame.b + 1.5 * (frame.colour == "red")
                  + 0.5 * rng.standard_normal(90))  # fmt: skip
    frame.to_csv(folder / "text.csv", index=False)
    out = folder / "text.html"
    result = CliRunner().invoke(
        cli, ["report", str(folder / "text.csv"), "-t", "y", "--cv", "3", "--out", str(out)],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def _logistic_report(folder: Path) -> Path:
    csv = SHARED_DATA / "saheart_esl.csv"
    if not csv.exists():
        pytest.skip(f"{csv} is not available")
    frame = pd.read_csv(csv)
    return write_report(frame.drop(columns="chd"), frame["chd"], task="classification",
                        command="saheart", cv=3, out=folder / "saheart.html")  # fmt: skip


def _regression_report(folder: Path) -> Path:
    X, y, names, _ = load_prostate()
    return write_report(pd.DataFrame(X, columns=names), pd.Series(y, name="lpsa"),
                        task="regression", command="prostate",
                        out=folder / "prostate.html")  # fmt: skip


@pytest.mark.parametrize(
    "make_report", [_text_column_report, _logistic_report, _regression_report],
    ids=["text-column", "logistic", "regression"],
)  # fmt: skip
def test_geometry_panel_draws_every_pair_at_every_alpha(make_report, tmp_path, browser):
    report = make_report(tmp_path)
    html = report.read_text("utf-8")
    document = explorer_json(html)
    names, geometry = document["feature_names"], document["geometry"]
    heading = re.search(r"<h2>The chosen model: (.+?)\nat α = ([^<]+)</h2>", html)
    chosen_name, chosen_alpha = heading.group(1), float(heading.group(2))
    page, errors = open_page(browser, report)
    try:
        # the explorer opens on the chosen model at its cross-validated α
        assert page.input_value("#penalty-select") == chosen_name  # ridge, for prostate
        start = int(page.input_value("#alpha-slider"))
        assert start == document["paths"][chosen_name]["chosen_index"]
        alphas = document["paths"][chosen_name]["alphas"]
        assert alphas[start] == pytest.approx(chosen_alpha, rel=1e-3)
        assert float(page.inner_text("#alpha-value")) == pytest.approx(chosen_alpha, rel=1e-3)
        first, second = (int(page.input_value(s)) for s in ("#feature-a", "#feature-b"))
        assert page.text_content("#geometry-name-w1") == names[first]
        assert page.text_content("#geometry-name-w2") == names[second]
        assert page.locator("#geometry-diamond").count() == 1  # a drawable pair first
        rows = page.evaluate(SWEEP)
    finally:
        page.close()
    n_features, n_alphas = len(geometry["features"]), len(alphas)
    assert len(rows) == n_features * (n_features - 1) * n_alphas
    # the lasso's geometry at its grid point nearest (in log α) to the slider's α
    lasso_alphas = np.log(document["geometry_alphas"])
    nearest = [int(np.argmin(np.abs(lasso_alphas - np.log(alpha)))) for alpha in alphas]
    for a, b, slider, label_1, label_2, diamond, message, caption in rows:
        k = nearest[slider]
        assert (label_1, label_2) == (names[a], names[b])
        entry, swapped = find_pair(geometry, a, b)
        assert entry is not None
        if "skipped" in entry:
            assert not diamond and message == entry["skipped"]
            continue
        assert diamond and message is None
        expected = entry["l1"][k][::-1] if swapped else entry["l1"][k]
        shown = re.search(r"L1 optimum \(([^,]+), ([^)]+)\)", caption).groups()
        np.testing.assert_allclose([float(v) for v in shown], expected, rtol=5e-3, atol=1e-12)
    assert errors == []
    if make_report is _text_column_report:  # the collinear pair says why it is not drawn
        assert any("skipped" in entry for entry in geometry["pairs"])
        assert {names[j] for j in geometry["features"]} >= {"a", "a_in_other_units"}
