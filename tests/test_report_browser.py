"""End to end: the report in headless Chromium; the α slider changes the zero count.

Needs Debian's ``chromium`` package and Playwright for Python (its own browser download is
not used: ``executable_path`` points at the system Chromium). Skips when either is absent.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sklearn.datasets import load_diabetes

from shrinkage import path
from shrinkage.penalties import Penalty
from shrinkage.report import write_report

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


def zero_count(page) -> int:
    text = page.inner_text("#zero-count")
    count, rest = text.split(" of ", 1)
    assert rest.startswith("10 coefficients exactly zero"), text
    return int(count)


def test_slider_moves_the_zero_count(tmp_path):
    data = load_diabetes(as_frame=True)
    report = write_report(data.data, data.target, task="regression", command="shrinkage demo",
                          out=tmp_path / "report.html")  # fmt: skip
    # the same path the report embeds, computed here independently
    lasso = path(data.data, data.target, Penalty(1.0), n_alphas=50, alpha_min_ratio=1e-3,
                 standardize=True, tol=1e-6)  # fmt: skip
    expected = lasso.n_zeros.tolist()
    errors = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.on("pageerror", lambda error: errors.append(str(error)))
            requests = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(report.resolve().as_uri())
            assert page.input_value("#penalty-select") == "lasso"
            assert zero_count(page) == 10 == expected[0]  # α_max: every coefficient zero

            slider = page.locator("#alpha-slider")
            slider.focus()
            seen = [zero_count(page)]
            for step in range(1, 50):  # keyboard: from the largest α towards the smallest
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
            page.select_option("#penalty-select", "lasso")

            page.locator("#explorer").scroll_into_view_if_needed()
            screenshot = tmp_path / "explorer.png"
            page.locator("#explorer").screenshot(path=str(screenshot))
        finally:
            browser.close()
    assert errors == []
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 10_000
