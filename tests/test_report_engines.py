"""``shrinkage report --engine dask`` and :mod:`shrinkage.report.distributed`: the page of
data kept as row blocks, its numbers equal to the distributed CV's and to the in-memory
solvers' on the same rows, one pass of statistics for the squared loss, and exit code 2
with nothing written on bad data."""

import re

import numpy as np
import pandas as pd
import pytest
from tests._cli import fails_cleanly, invoke

from shrinkage.distributed import ArrayBlocks, DistributedProblem, read_parquet
from shrinkage.penalties import Penalty
from shrinkage.recommendation import PenaltySummary, jaccard_mean, recommend
from shrinkage.report.analysis import PENALTIES
from shrinkage.report.distributed import analyse_engine, build_engine_report
from shrinkage.solvers import solve
from shrinkage.solvers.logistic import solve_logistic

# dask's Parquet reader on pandas 3
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")

N_ROWS, COEF, FOLDS = 240, np.array([1.5, 0.0, 0.0, -2.0, 0.5]), 5
SECTIONS = ("data-summary", "comparison", "advice", "coefficients", "paths", "left-out",
            "provenance")  # fmt: skip
IN_MEMORY_ONLY = ("calibration", "geometry", "explorer", "how-sure")


def _lake(folder, frame, name="lake"):
    (folder / name).mkdir()
    for k, part in enumerate(np.array_split(np.arange(len(frame)), 3)):
        frame.iloc[part].to_parquet(folder / name / f"part-{k}.parquet", index=False)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """``lake/``: 3 Parquet files of a regression table (``frame`` beside it)."""
    folder = tmp_path_factory.mktemp("report-engines")
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N_ROWS, COEF.size))
    frame = pd.DataFrame(X, columns=list("abcde"))
    frame["y"] = X @ COEF + 2.0 * rng.standard_normal(N_ROWS)
    _lake(folder, frame)
    return folder, frame


@pytest.fixture(scope="module")
def page(data):
    """The report written by the command, and its stderr."""
    folder, _ = data
    result = invoke(folder, ["report", "lake", "-t", "y", "--engine", "dask", "--cv", FOLDS,
                             "-o", "report.html"])  # fmt: skip
    return (folder / "report.html").read_text(encoding="utf-8"), result.stderr


@pytest.fixture(scope="module")
def numbers(data):
    """The report's numbers on the lake through Dask, and the passes they took."""
    folder, _ = data
    blocks = read_parquet(str(folder / "lake"), "y", engine="dask")
    report = analyse_engine(blocks, task="regression", cv=FOLDS, random_state=0,
                            selection="1se")  # fmt: skip
    return report, blocks.passes


def test_the_page_has_the_sections_and_says_what_is_left_out(page):
    html, _ = page
    found = re.findall(r'<section id="([a-z-]+)"', html)
    assert found == list(SECTIONS)
    assert not set(IN_MEMORY_ONLY) & set(found)
    note = re.search(r'<section id="left-out">(.*?)</section>', html, re.S).group(1)
    for left_out in ("calibration", "explorer", "stability\nselection", "bootstrap intervals"):
        assert left_out in note
    assert html.count('id="figure-paths"') == 1
    assert '<td class="name">n = 240' not in html and "<strong>n = 240</strong>" in html


def test_one_pass_of_statistics_for_the_squared_loss(page, numbers):
    _, stderr = page
    passes = re.findall(r"pass (\d+) \(([a-z -]+)\)", stderr)
    assert passes == [("1", "target"), ("2", "column summary"), ("3", "sufficient statistics")]
    _, count = numbers
    assert count == 2  # the column summary and the fold statistics of all three penalties


def test_the_data_section_is_the_columns_of_the_rows(data, numbers):
    _, frame = data
    report, _ = numbers
    X = frame[list("abcde")].to_numpy()
    assert report.n_samples == N_ROWS and report.feature_names == list("abcde")
    np.testing.assert_allclose(report.feature_mean, X.mean(axis=0), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(report.feature_std, X.std(axis=0), rtol=1e-12)
    np.testing.assert_array_equal(report.summary.low[:-1], X.min(axis=0))
    np.testing.assert_array_equal(report.summary.high[-1], frame["y"].max())


def test_the_chosen_model_is_the_distributed_cv_s(data, numbers, page):
    folder, frame = data
    report, _ = numbers
    chosen = report.chosen
    blocks = read_parquet(str(folder / "lake"), "y", engine="dask")
    cv = DistributedProblem(blocks, n_folds=FOLDS, seed=0).cv(
        Penalty(chosen.l1_ratio), standardize=True, tol=1e-6, selection="1se"
    )
    assert chosen.alpha == cv.alpha_
    scale = np.abs(cv.coef_).max()
    np.testing.assert_allclose(chosen.coef, cv.coef_, atol=1e-5 * scale)
    assert chosen.intercept == pytest.approx(cv.intercept_, abs=1e-5 * scale)
    np.testing.assert_array_equal(chosen.coef == 0, cv.coef_ == 0)
    # the certified refit, against the in-memory solver on the same rows
    X, y = frame[list("abcde")].to_numpy(), frame["y"].to_numpy()
    memory = solve(X, y, chosen.alpha, Penalty(chosen.l1_ratio), standardize=True, tol=1e-12,
                   max_iter=100_000)  # fmt: skip
    np.testing.assert_allclose(chosen.coef, memory.coef, atol=1e-6 * scale)
    assert chosen.relative_gap <= 1e-9
    assert np.max(chosen.kkt_residual) < 1e-6 and np.all(np.isfinite(chosen.kkt_residual))
    # the page shows the same model
    html, _ = page
    table = re.search(r'<table id="coefficient-table">(.*?)</table>', html, re.S).group(1)
    for name, value in zip(report.feature_names, chosen.coef, strict=True):
        assert f'<td class="name">{name}</td><td class="">{value:.6g}</td>' in table


def test_the_recommendation_is_the_rule_on_the_cv_summaries(data, numbers, page):
    folder, _ = data
    report, _ = numbers
    problem = DistributedProblem(read_parquet(str(folder / "lake"), "y", engine="dask"),
                                 n_folds=FOLDS, seed=0)  # fmt: skip
    results = {name: problem.cv(Penalty(rho), standardize=True, tol=1e-6, selection="1se")
               for name, rho in PENALTIES}  # fmt: skip
    best = min((r.fold_errors[:, r.index_min] for r in results.values()), key=np.mean)
    summaries = []
    for name, rho in PENALTIES:
        result = results[name]
        errors = result.fold_errors[:, result.index_min]
        stability = 1.0 if rho == 0 else jaccard_mean(report.fold_supports[name])
        summaries.append(PenaltySummary(
            name, rho, result.alphas[result.index_min], result.mean[result.index_min],
            result.std_error[result.index_min], int(result.path.n_active[result.index_1se]),
            COEF.size, stability, difference_se=(errors - best).std(ddof=1) / np.sqrt(FOLDS),
            selection="1se",
            selection_alpha=result.alphas[result.index_1se],
        ))  # fmt: skip
    assert report.summaries == tuple(summaries)
    assert (report.recommendation, report.reasons) == recommend(summaries)
    assert report.chosen.name == report.recommendation
    assert len(report.fold_supports["lasso"]) == FOLDS
    html, _ = page
    assert f"Use the {report.recommendation}." in html


def test_logistic_report_certified_and_equal_to_the_solver_in_memory():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((200, 4))
    y = (X[:, 0] - X[:, 1] + 0.5 * rng.standard_normal(200) > 0).astype(float)
    blocks = ArrayBlocks(X, y, n_partitions=2)
    page = build_engine_report(blocks, task="classification", command="test", engine="memory",
                               cv=3, classes=["no", "yes"])  # fmt: skip
    assert '<td class="name">yes</td><td class="">' + str(int(y.sum())) in page
    report = analyse_engine(ArrayBlocks(X, y, n_partitions=2), task="classification", cv=3)
    chosen = report.chosen
    memory = solve_logistic(X, y, chosen.alpha, Penalty(chosen.l1_ratio), standardize=True,
                            tol=1e-10, max_iter=500)  # fmt: skip
    np.testing.assert_allclose(chosen.coef, memory.coef, atol=1e-5)
    assert chosen.relative_gap <= 1e-7 and np.max(chosen.kkt_residual) < 1e-5


def test_bad_data_is_exit_code_2_and_nothing_written(tmp_path, data):
    _, frame = data
    broken = frame.copy()
    broken.loc[7, "c"] = np.nan
    _lake(tmp_path, broken, "broken")
    fails_cleanly(tmp_path, ["report", "broken", "-t", "y", "--engine", "dask", "-o", "r.html"],
                  "bad data in 'broken'", "'c'")  # fmt: skip
    _lake(tmp_path, frame.assign(b=3.0), "constant")
    fails_cleanly(tmp_path, ["report", "constant", "-t", "y", "--engine", "dask", "-o",
                             "r.html"], "constant columns", "'b'")  # fmt: skip
    _lake(tmp_path, frame, "small")
    fails_cleanly(tmp_path, ["report", "small", "-t", "y", "--engine", "dask", "--cv", "500",
                             "-o", "r.html"], "--cv 500 is more than the 240 rows")  # fmt: skip
