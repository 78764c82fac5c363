"""The report's sections: the certificate sentence, gaps and counts, ridge, how sure."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from shrinkage.report import analyse
from shrinkage.report.sections import coefficient_section, how_sure_section
from shrinkage.report.wording import certificate_sentence


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(5)
    X = pd.DataFrame(rng.standard_normal((100, 8)), columns=[f"f{j}" for j in range(8)])
    y = pd.Series(3 * X["f0"] - 2 * X["f1"] + rng.standard_normal(100), name="y")
    return analyse(X, y, task="regression", cv=3)


def words(section: str) -> str:
    """The section's HTML with every run of white space made one space."""
    return " ".join(section.split())


def header(section: str, table_id: str) -> list[str]:
    table = re.search(rf'<table id="{table_id}">(.*?)</table>', section, re.S).group(1)
    return re.findall(r"<th[^>]*>([^<]*)</th>", table)


def cell_rows(section: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table id="{table_id}">(.*?)</table>', section, re.S).group(1)
    body = table.split("<tbody>", 1)[1]
    return [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in body.split("</tr>")[:-1]]


def test_ridge_has_no_entry_alpha_column(data):
    assert data.chosen.l1_ratio > 0
    lasso = coefficient_section(data)
    assert header(lasso, "coefficient-table") == [
        "feature", "coefficient", "standardised", "entry α", "KKT residual",
    ]  # fmt: skip
    ridge = replace(data, chosen=replace(data.chosen, name="ridge", l1_ratio=0.0))
    section = coefficient_section(ridge)
    assert header(section, "coefficient-table") == [
        "feature", "coefficient", "standardised", "KKT residual",
    ]  # fmt: skip
    assert all(len(row) == 4 for row in cell_rows(section, "coefficient-table"))
    assert "entry α:" not in section.lower() and "there is no entry α" in section


def test_certificate_comes_first_in_plain_words(data):
    section = coefficient_section(data)
    sentence = re.search(r'<strong id="certificate-sentence">([^<]+)</strong>', section)
    assert sentence.group(1) == certificate_sentence(data.chosen.relative_gap)
    assert sentence.start() < section.index("Certificate:")
    rough = replace(data, chosen=replace(data.chosen, relative_gap=8.3e-7))
    assert "within 0.00009 % of the best possible." in coefficient_section(rough)


def test_negative_rounding_gaps_and_counts(data):
    rounded = replace(data, chosen=replace(data.chosen, relative_gap=-8.4e-17,
                                           dual_gap=-5.5e-17, n_iter=1))  # fmt: skip
    section = coefficient_section(rounded)
    shown = re.search(r'id="relative-gap"\s+data-value="([^"]+)">([^<]+)<', section)
    assert float(shown.group(1)) == -8.4e-17 and html.unescape(shown.group(2)) == "< 1e-16"
    assert "e-17" not in section.replace(shown.group(1), "")  # no negative gap shown
    assert "the duality gap, &lt; 1e-16," in words(section)
    assert "1 iteration." in section and "1 iterations" not in section
    section = coefficient_section(replace(data, chosen=replace(data.chosen, n_iter=2)))
    assert "2 iterations." in section
    residuals = [row[-1] for row in cell_rows(section, "coefficient-table")]
    assert all(re.fullmatch(r"\d\.\de[-+]\d\d|&lt; 1e-16", r) for r in residuals), residuals


def test_how_sure_shows_stability_and_labelled_bootstrap_intervals(data):
    section = how_sure_section(data)
    stability, refit = data.stability, data.refit
    assert re.search(r'id="error-bound">([^<]+)<', section).group(1) == (
        f"{stability.error_bound:.2f}"
    )
    stable = ", ".join(data.feature_names[j] for j in stability.selected)
    assert f"Stably selected (share ≥ 0.8): {stable}." in words(section)
    label = "Bootstrap interval of the refit on the selected features; ignores the selection step."
    assert label in words(section)
    columns = header(section, "how-sure-table")
    assert columns[-1] == "95% bootstrap interval of the refit (ignores the selection step)"
    rows = {row[0]: row for row in cell_rows(section, "how-sure-table")}
    assert len(rows) == data.n_features
    for j, name in enumerate(data.feature_names):
        row = rows[name]
        share = f"{stability.max_probabilities[j]:.2f}"
        assert row[3] == share + (" (stable)" if j in stability.selected else "")
        if data.chosen.coef[j] != 0:
            assert row[1] == "yes" and row[4] == f"{refit.coef[j]:.4g}"
            assert row[5] == f"[{refit.lower[j]:.4g}, {refit.upper[j]:.4g}]"
        else:
            assert row[1] == "no" and row[4] == row[5] == ""
    assert rows["f0"][3].endswith("(stable)") and rows["f1"][3].endswith("(stable)")
    folds = rows["f0"][2]
    assert folds == f"{data.n_splits} of {data.n_splits}"
