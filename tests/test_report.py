"""The HTML report: content, embedded explorer data, atomic writing, progress, bad input."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes

from shrinkage import path
from shrinkage.defaults import N_ALPHAS
from shrinkage.lab.geometry import constrained_l1, make_problem
from shrinkage.penalties import Penalty
from shrinkage.report import analyse, build_report, write_report
from shrinkage.report.explorer import explorer_payload, explorer_section
from shrinkage.report.geometry2d import find_pair, lasso_2d, pair_problem
from shrinkage.report.wording import gap_text

SECTIONS = ("data-summary", "comparison", "advice", "coefficients", "how-sure", "paths",
            "calibration", "geometry", "explorer", "provenance")  # fmt: skip
COMMAND = 'shrinkage report data.csv --target "y <1>" --out report.html'


def explorer_json(page: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="explorer-data">(.*?)</script>', page, re.S
    )
    assert match is not None
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def diabetes():
    data = load_diabetes(as_frame=True)
    calls = []
    page = build_report(
        data.data,
        data.target,
        task="regression",
        command=COMMAND,
        progress=lambda text, fraction: calls.append((text, fraction)),
    )
    return data, page, calls


@pytest.fixture(scope="module")
def breast_cancer():
    data = load_breast_cancer(as_frame=True)
    return data, build_report(data.data, data.target, task="classification", command="demo")


@pytest.mark.parametrize("which", ["diabetes", "breast_cancer"])
def test_every_section_and_offline(which, request):
    page = request.getfixturevalue(which)[1]
    for section in SECTIONS:
        assert f'<section id="{section}">' in page
    assert 'id="zero-count"' in page and 'id="alpha-slider"' in page
    assert "http://" not in page and "https://" not in page  # nothing to fetch
    sources = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    for package in ("shrinkage", "numpy", "scipy", "scikit-learn", "numba", "python"):
        assert f"<td class=name>{package}</td>" in page
    match = re.search(r'id="relative-gap"\s+data-value="([^"]+)">([^<]+)<', page)
    gap = float(match.group(1))
    assert abs(gap) <= 1e-6 and match.group(2) == html.escape(gap_text(gap))


def test_command_is_shown_escaped(diabetes):
    page = diabetes[1]
    assert "shrinkage report data.csv --target &quot;y &lt;1&gt;&quot;" in page
    assert "y <1>" not in page


def test_embedded_path_matches_shrinkage_path(diabetes):
    data, page, _ = diabetes
    document = explorer_json(page)
    assert document["feature_names"] == list(data.data.columns)
    assert set(document["paths"]) == {"lasso", "elastic net", "ridge"}
    for name, rho in (("lasso", 1.0), ("elastic net", 0.5)):
        embedded = document["paths"][name]
        # the report's grid: the default one, extended where the CV curve had not turned
        n_alphas = len(embedded["alphas"])
        assert (n_alphas - N_ALPHAS) % 99 == 0  # 99 points for each 3 decades added
        extended = (n_alphas - N_ALPHAS) // 99
        reference = path(data.data, data.target, Penalty(rho), n_alphas=n_alphas,
                         alpha_min_ratio=1e-3 * 1e-3**extended,
                         standardize=True, tol=1e-6)  # fmt: skip
        np.testing.assert_array_equal(embedded["alphas"], reference.alphas)
        np.testing.assert_allclose(embedded["coefs"], reference.coefs, rtol=1e-12, atol=0)
        np.testing.assert_array_equal(embedded["entry_alpha"], reference.entry_alpha)
        assert embedded["n_zeros"] == reference.n_zeros.tolist()
        assert embedded["n_zeros"][0] == 10 and embedded["n_zeros"][-1] == 0
    assert all(z == 0 for z in document["paths"]["ridge"]["n_zeros"])


def test_embedded_geometry_is_the_two_feature_lasso(diabetes):
    document = explorer_json(diabetes[1])
    features = document["geometry"]["features"]
    assert len(features) == 8
    assert len(document["geometry"]["pairs"]) == 28
    pair, swapped = find_pair(document["geometry"], *features[:2])
    assert pair["features"] == features[:2] and not swapped
    assert find_pair(document["geometry"], *features[1::-1]) == (pair, True)
    budgets = np.array(pair["budget"])
    l1 = np.array(pair["l1"])
    assert budgets[0] == 0.0 and np.all(np.diff(budgets) >= -1e-9)  # grows as α falls
    np.testing.assert_allclose(np.abs(l1).sum(axis=1), budgets, rtol=1e-12)
    l2 = np.array(pair["l2"])
    assert np.all(np.linalg.norm(l2, axis=1) <= budgets * (1 + 1e-9) + 1e-12)


def test_every_pair_is_found_in_either_order_with_its_own_numbers(diabetes):
    # the strongest features are not in index order: each pair is found in either order
    data, page, _ = diabetes
    geometry = explorer_json(page)["geometry"]
    features = geometry["features"]
    assert features != sorted(features)
    X = data.data.to_numpy()
    X_standardized = (X - X.mean(axis=0)) / X.std(axis=0)
    y = data.target.to_numpy(dtype=float)
    for a in features:
        for b in features:
            if a == b:
                continue
            entry, swapped = find_pair(geometry, a, b)
            assert entry["features"] == ([b, a] if swapped else [a, b])
            problem = pair_problem(X_standardized, y, entry["features"], "regression")
            np.testing.assert_allclose(entry["ols"], problem.ols, rtol=1e-9)
    assert find_pair(geometry, features[0], 999) == (None, False)


def test_lasso_2d_agrees_with_the_lab_constrained_problem():
    problem = make_problem(0.6, [2.0, -0.4])
    for alpha in (0.05, 0.3, 0.8, 1.5, 5.0):
        w = lasso_2d(problem, alpha)
        budget = np.abs(w).sum()
        if budget == 0:
            c = problem.hessian @ problem.ols
            assert np.max(np.abs(c)) <= alpha  # KKT at the origin
            continue
        np.testing.assert_allclose(constrained_l1(problem, budget), w, atol=1e-10)
        gradient = problem.hessian @ (w - problem.ols)
        active = w != 0
        np.testing.assert_allclose(gradient[active], -alpha * np.sign(w[active]), atol=1e-10)
        assert np.all(np.abs(gradient[~active]) <= alpha + 1e-12)
    assert np.count_nonzero(lasso_2d(problem, 0.8)) == 1  # a corner: exactly one zero


def test_progress_increases_to_one(diabetes):
    fractions = [fraction for _, fraction in diabetes[2]]
    assert fractions[0] == 0.0 and fractions[-1] < 1.0  # 1.0 is write_report's
    assert all(b > a for a, b in zip(fractions, fractions[1:], strict=False))
    assert all(isinstance(text, str) and text for text, _ in diabetes[2])


def test_classification_report(breast_cancer):
    data, page = breast_cancer
    document = explorer_json(page)
    assert len(document["feature_names"]) == 30
    assert document["paths"]["lasso"]["n_zeros"][0] == 30
    assert "Brier score" in page and "binomial deviance" in page


def _small_problem(seed=0, n=100, p=10):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.standard_normal((n, p)), columns=[f"f{j}" for j in range(p)])
    y = pd.Series(3 * X["f0"] - 2 * X["f1"] + rng.standard_normal(n), name="y")
    return X, y


def test_analysis_certifies_the_chosen_model():
    X, y = _small_problem()
    data = analyse(X, y, task="regression", cv=3, selection="min")
    chosen, run = data.chosen, data.chosen_run
    assert chosen.name == data.recommendation != "ridge"  # two true features of ten
    assert chosen.index == run.index_min and chosen.alpha == run.path.alphas[run.index_min]
    # KKT residual ≤ √(2·L·gap) in standardised coordinates: 1e-5 holds with room
    assert chosen.relative_gap <= 1e-8 and chosen.kkt_residual.max() <= 1e-5
    np.testing.assert_allclose(chosen.coef, run.path.coefs[chosen.index], atol=1e-3)
    assert chosen.coef[0] > 1 and chosen.coef[1] < -1
    assert run.selection_frequency(chosen.index)[:2].tolist() == [1.0, 1.0]
    assert run.index_1se <= run.index_min  # 1-SE α is at least as large


def test_write_report_is_atomic(tmp_path):
    X, y = _small_problem(1)
    out = tmp_path / "report.html"
    calls = []
    written = write_report(X, y, task="regression", out=out, command="first", cv=3,
                           progress=lambda text, fraction: calls.append(fraction))  # fmt: skip
    assert written == out and '<pre id="command">first</pre>' in out.read_text("utf-8")
    assert calls[-1] == 1.0 and calls == sorted(calls)
    write_report(X, y, task="regression", out=out, command="second", cv=3)
    assert '<pre id="command">second</pre>' in out.read_text("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    with pytest.raises(ValueError, match="constant"):  # fails before writing anything
        write_report(X, pd.Series(np.ones(len(y))), task="regression", out=out, command="x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    assert "second" in out.read_text("utf-8")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_report(X, y, task="regression", out=tmp_path / "missing" / "r.html", command="")


def test_bad_input_is_named():
    X, y = _small_problem(2, n=30, p=3)
    with pytest.raises(ValueError, match="task"):
        build_report(X, y, task="survival", command="")
    with pytest.raises(TypeError, match="DataFrame"):
        build_report(X.to_numpy(), y, task="regression", command="")
    with pytest.raises(ValueError, match="missing or infinite"):
        build_report(X.assign(f1=np.nan), y, task="regression", command="")
    with pytest.raises(ValueError, match="one class"):
        build_report(X, pd.Series(np.zeros(30)), task="classification", command="")
    with pytest.raises(ValueError, match="cv"):
        build_report(X, y, task="regression", command="", cv=1)


def test_exactly_collinear_strongest_pair_is_skipped(tmp_path):
    # two complementary indicators are exactly collinear (p + q = 1): their two-feature
    # sub-problem has no unique least-squares point, so the geometry uses another pair
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.standard_normal((60, 4)), columns=list("abcd"))
    k = rng.choice([0.0, 1.0], 60)
    X["p"], X["q"] = k, 1 - k
    y = pd.Series(2 * X.a - X.b + 3 * X.p + 0.1 * rng.standard_normal(60))
    out = write_report(X, y, task="regression", out=tmp_path / "r.html", command="x", cv=3)
    page = out.read_text()
    assert 'id="figure-geometry"' in page
    assert "The squared loss restricted to p and q" not in page
    document = explorer_json(page)
    names = document["feature_names"]
    p, q = names.index("p"), names.index("q")
    entry, _ = find_pair(document["geometry"], p, q)
    assert entry["skipped"].startswith("p and q are exactly collinear")
    assert "budget" not in entry
    default = document["geometry_default"]
    assert "skipped" not in find_pair(document["geometry"], *default)[0]
    drawn = [e for e in document["geometry"]["pairs"] if "skipped" not in e]
    assert len(drawn) == len(document["geometry"]["pairs"]) - 1


def test_explorer_opens_at_the_chosen_alpha():
    X, y = _small_problem(4)
    data = analyse(X, y, task="regression", cv=3)
    payload = explorer_payload(data)
    chosen = data.chosen
    assert payload["default_penalty"] == chosen.name
    assert payload["start_index"] == chosen.index > 0  # not α_max
    assert payload["paths"][chosen.name]["alphas"][chosen.index] == chosen.alpha
    for run in data.runs:
        assert payload["paths"][run.name]["chosen_index"] == run.index_1se
    page = explorer_section(data, payload)
    assert f'step="1"\n value="{chosen.index}"' in page
    assert f'<output id="alpha-value">{chosen.alpha:.4g}</output>' in page


def test_logistic_geometry_speaks_of_the_log_loss(breast_cancer):
    from shrinkage.report.figures import geometry_figure

    page = breast_cancer[1].lower()
    assert "least squares" not in page and "least-squares" not in page
    assert explorer_json(breast_cancer[1])["wording"]["fit"] == "unpenalised logistic fit"
    data = load_breast_cancer(as_frame=True)
    analysis = analyse(data.data.iloc[:, :6], data.target, task="classification", cv=3)
    labels = [t.get_text() for t in geometry_figure(analysis).axes[0].get_legend().get_texts()]
    assert "unpenalised logistic fit" in labels
    assert "log-loss contours (quadratic approximation)" in labels
    assert not any("least squares" in label for label in labels)
