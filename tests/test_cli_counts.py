"""The count task of the ``shrinkage`` command (Poisson regression, log link): which
targets ``--task auto`` takes for counts, fit → cv → path → predict equal to the library's
Poisson estimators, the ``--exposure`` column, the model file, the report, and exit code 2
for bad counts, bad exposures and the engines, which have no Poisson loss."""

import json
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_diabetes
from sklearn.metrics import d2_tweedie_score, mean_poisson_deviance

from _cli import fails_cleanly, invoke
from shrinkage import Lasso, PoissonElasticNet, PoissonLasso, PoissonLassoCV, path
from shrinkage.penalties import Penalty

N_ROWS = 120


def _counts(seed=0, n_rows=N_ROWS, exposure=False):
    """Features a, b, c and Poisson counts y whose log mean is 0.3 + 0.7a − 0.5b (plus
    log(years) with an exposure column years)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.standard_normal((n_rows, 3)), columns=list("abc"))
    log_mean = 0.3 + 0.7 * frame.a - 0.5 * frame.b
    if exposure:
        frame["years"] = rng.uniform(0.5, 3.0, n_rows).round(3)
        log_mean = log_mean + np.log(frame.years)
    frame["y"] = rng.poisson(np.exp(log_mean))
    return frame


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """``counts.csv`` (a, b, c, y) and ``exposed.csv`` (a, b, c, years, y)."""
    folder = tmp_path_factory.mktemp("counts")
    _counts().to_csv(folder / "counts.csv", index=False)
    _counts(seed=1, exposure=True).to_csv(folder / "exposed.csv", index=False)
    return folder


def _document(folder, name):
    return json.loads((folder / name / "model.json").read_text())


def _features(frame):
    return frame[list("abc")]


def test_auto_takes_counts_with_zeros_and_says_how_to_override(folder):
    frame = pd.read_csv(folder / "counts.csv")
    assert frame.y.min() == 0 and frame.y.nunique() >= 3
    result = invoke(folder, ["fit", "counts.csv", "-t", "y", "--alpha", "0.05", "-o", "auto",
                             "--force"])  # fmt: skip
    document = _document(folder, "auto")
    assert (document["task"], document["estimator"]) == ("count", "PoissonLasso")
    assert document["schema"]["classes"] is None and "exposure" not in document["schema"]
    zeros = int((frame.y == 0).sum())
    assert (f"target 'y' holds counts (non-negative integers, {zeros} of {N_ROWS} zero"
            in result.stderr)  # fmt: skip
    assert "(pass --task regression to override)" in result.stderr
    model = PoissonLasso(alpha=0.05, standardize=True).fit(_features(frame), frame.y)
    np.testing.assert_allclose(list(document["coefficients"].values()), model.coef_,
                               rtol=1e-12, atol=1e-14)  # fmt: skip
    assert document["intercept"] == pytest.approx(model.intercept_, rel=1e-12)


def test_an_integer_target_without_zero_stays_a_regression(tmp_path):
    data = load_diabetes(as_frame=True)  # an integer target from 25 to 346
    frame = data.data.assign(y=data.target.astype(int))
    frame.to_csv(tmp_path / "diabetes.csv", index=False)
    result = invoke(tmp_path, ["fit", "diabetes.csv", "-t", "y", "--alpha", "0.5", "-o", "m"])
    document = _document(tmp_path, "m")
    assert (document["task"], document["estimator"]) == ("regression", "Lasso")
    assert "count" not in result.stderr


def test_task_regression_overrides_the_counts(folder):
    frame = pd.read_csv(folder / "counts.csv")
    result = invoke(folder, ["fit", "counts.csv", "-t", "y", "--task", "regression",
                             "--alpha", "0.1", "-o", "squared", "--force"])  # fmt: skip
    document = _document(folder, "squared")
    assert (document["task"], document["estimator"]) == ("regression", "Lasso")
    assert "holds counts" not in result.stderr
    model = Lasso(alpha=0.1, standardize=True).fit(_features(frame), frame.y)
    np.testing.assert_allclose(list(document["coefficients"].values()), model.coef_,
                               rtol=1e-9, atol=1e-12)  # fmt: skip


def test_fit_cv_path_predict_equal_the_library(folder):
    frame = pd.read_csv(folder / "counts.csv")
    X, y = _features(frame), frame.y.to_numpy(dtype=float)
    model = PoissonLassoCV(standardize=True).fit(X, y)  # the defaults: 5 shuffled folds, 1se

    invoke(folder, ["fit", "counts.csv", "-t", "y", "-o", "cv-model", "--force"])
    document = _document(folder, "cv-model")
    assert (document["task"], document["estimator"]) == ("count", "PoissonLassoCV")
    assert document["parameters"]["alpha"] == pytest.approx(model.alpha_, rel=1e-12)
    np.testing.assert_allclose(list(document["coefficients"].values()), model.coef_,
                               rtol=1e-10, atol=1e-12)  # fmt: skip
    assert document["intercept"] == pytest.approx(model.intercept_, rel=1e-10)
    assert document["certificate"]["relative_gap"] <= 1e-4

    curve = json.loads(invoke(folder, ["cv", "counts.csv", "-t", "y", "--json"]).stdout)
    assert curve["task"] == "count"
    assert (curve["alpha_min"], curve["alpha_1se"]) == pytest.approx(
        (model.alpha_min_, model.alpha_1se_), rel=1e-12)  # fmt: skip
    np.testing.assert_allclose(curve["table"]["mean_error"], model.cv_mean_, rtol=1e-10)
    lines = invoke(folder, ["cv", "counts.csv", "-t", "y"]).stdout
    assert "count (mean Poisson deviance;" in lines

    shown = json.loads(invoke(folder, ["path", "counts.csv", "-t", "y", "--n-alphas", "20",
                                       "-o", "-", "--json"]).stdout)  # fmt: skip
    assert shown["loss"] == "poisson"
    reference = path(X.to_numpy(), y, Penalty(1.0), loss="poisson", n_alphas=20,
                     standardize=True)  # fmt: skip
    np.testing.assert_allclose(shown["table"]["alpha"], reference.alphas, rtol=1e-12)
    np.testing.assert_allclose(shown["table"]["a"], reference.coefs[:, 0], rtol=1e-9,
                               atol=1e-12)  # fmt: skip

    predicted = json.loads(invoke(folder, ["predict", "cv-model", "counts.csv", "-o", "-",
                                           "--json"]).stdout)  # fmt: skip
    mean = model.predict(X)
    np.testing.assert_allclose(predicted["predictions"], mean, rtol=1e-10)
    assert predicted["d2"] == pytest.approx(model.score(X, y), rel=1e-9)
    assert predicted["d2"] == pytest.approx(d2_tweedie_score(y, mean, power=1), rel=1e-9)
    assert predicted["mean_poisson_deviance"] == pytest.approx(
        mean_poisson_deviance(y, mean), rel=1e-9)  # fmt: skip


@pytest.mark.parametrize(
    "penalty, estimator, l1_ratio",
    [("l2", "PoissonElasticNet", 0.0), ("enet", "PoissonElasticNet", 0.5)],
)
def test_l2_and_enet_are_poisson_elastic_nets(folder, penalty, estimator, l1_ratio):
    frame = pd.read_csv(folder / "counts.csv")
    invoke(folder, ["fit", "counts.csv", "-t", "y", "--penalty", penalty, "--alpha", "0.05",
                    "-o", f"m-{penalty}", "--force"])  # fmt: skip
    document = _document(folder, f"m-{penalty}")
    assert document["estimator"] == estimator
    model = PoissonElasticNet(alpha=0.05, l1_ratio=l1_ratio, standardize=True)
    model.fit(_features(frame), frame.y)
    np.testing.assert_allclose(list(document["coefficients"].values()), model.coef_,
                               rtol=1e-10, atol=1e-12)  # fmt: skip


def test_exposure_column_in_fit_cv_and_predict(folder):
    frame = pd.read_csv(folder / "exposed.csv")
    X, y, years = _features(frame), frame.y.to_numpy(dtype=float), frame.years.to_numpy()
    result = invoke(folder, ["fit", "exposed.csv", "-t", "y", "--exposure", "years", "-o",
                             "exposed", "--force"])  # fmt: skip
    assert "--exposure 'years': count task" in result.stderr
    document = _document(folder, "exposed")
    assert list(document["coefficients"]) == list("abc")  # the exposure is no feature
    assert document["schema"]["exposure"] == "years"
    model = PoissonLassoCV(standardize=True).fit(X, y, exposure=years)
    np.testing.assert_allclose(list(document["coefficients"].values()), model.coef_,
                               rtol=1e-10, atol=1e-12)  # fmt: skip

    predicted = invoke(folder, ["predict", "exposed", "exposed.csv", "--id", "c", "-o",
                                "pred.csv", "--force"])  # fmt: skip
    table = pd.read_csv(folder / "pred.csv")
    assert list(table.columns) == ["c", "years", "prediction"]
    np.testing.assert_allclose(table.years, years, rtol=0)
    np.testing.assert_allclose(table.prediction, model.predict(X, exposure=years), rtol=1e-10)
    d2 = float(re.search(r"d2 \(Poisson deviance explained\).*: (\S+)", predicted.stdout)[1])
    assert d2 == pytest.approx(model.score(X, y, exposure=years), abs=5e-5)

    curve = json.loads(invoke(folder, ["cv", "exposed.csv", "-t", "y", "--exposure", "years",
                                       "--json"]).stdout)  # fmt: skip
    np.testing.assert_allclose(curve["table"]["mean_error"], model.cv_mean_, rtol=1e-10)


@pytest.mark.parametrize("years, fragment", [
    (None, "DATA needs that column of exposures"),
    (0.0, "not positive numbers (e.g. 0)"),
])  # fmt: skip
def test_predict_needs_positive_exposures(folder, years, fragment):
    frame = pd.read_csv(folder / "exposed.csv")
    invoke(folder, ["fit", "exposed.csv", "-t", "y", "--exposure", "years", "--alpha", "0.05",
                    "-o", "exposed-fixed", "--force"])  # fmt: skip
    new = frame.drop(columns="years") if years is None else frame.assign(years=years)
    new.to_csv(folder / "new.csv", index=False)
    fails_cleanly(folder, ["predict", "exposed-fixed", "new.csv", "-o", "never.csv"], fragment)


def _write(folder, y, **columns):
    frame = pd.DataFrame(
        {
            "a": np.arange(len(y), dtype=float) % 5,
            "b": np.arange(len(y), dtype=float) % 3,
            **columns,
            "y": y,
        }
    )
    frame.to_csv(folder / "d.csv", index=False)


BAD = {
    "negative counts": ([0, 1, -2, 3, 4, 0, 1], {}, ["--task", "count"],
                        "target 'y' has 1 value(s) that are not counts (negative or infinite, "
                        "e.g. -2)"),
    "all zero": ([0] * 7, {}, ["--task", "count"],
                 "target 'y' is 0 in all 7 rows: a count model needs some positive counts."),
    "zero exposure": ([0, 1, 2, 3, 4, 0, 1], {"e": [1.0, 2, 0, 1, 1, 1, 1]},
                      ["--exposure", "e"], "--exposure column 'e' has 1 value(s) that are not "
                      "positive numbers (e.g. 0)"),
    "negative exposure": ([0, 1, 2, 3, 4, 0, 1], {"e": [1.0, 2, 1, -1, 1, 1, 1]},
                          ["--exposure", "e", "--task", "count"],
                          "not positive numbers (e.g. -1)"),
    "text exposure": ([0, 1, 2, 3, 4, 0, 1], {"e": list("xyzxyzx")}, ["--exposure", "e"],
                      "--exposure column 'e' is not numeric"),
    "exposure with regression": ([0, 1, 2, 3, 4, 0, 1], {"e": [1.0] * 7},
                                 ["--exposure", "e", "--task", "regression"],
                                 "--exposure applies to count models"),
    "exposure is the target": ([0, 1, 2, 3, 4, 0, 1], {}, ["--exposure", "y"],
                               "--exposure 'y' is the target"),
    "exposure also dropped": ([0, 1, 2, 3, 4, 0, 1], {"e": [1.0] * 7},
                              ["--exposure", "e", "--drop", "e"],
                              "--drop names the --exposure column 'e'"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD))
def test_bad_counts_and_exposures_are_exit_2(tmp_path, case):
    y, columns, options, fragment = BAD[case]
    _write(tmp_path, y, **columns)
    fails_cleanly(tmp_path, ["fit", "d.csv", "-t", "y", *options, "--alpha", "0.1", "-o", "m"],
                  fragment)  # fmt: skip


def test_rates_are_counts_with_a_note(tmp_path):
    y = [0.0, 0.5, 2.5, 3.0, 1.0, 0.0, 4.0, 2.0]
    _write(tmp_path, y)
    result = invoke(tmp_path, ["fit", "d.csv", "-t", "y", "--task", "count", "--alpha",
                               "0.05", "-o", "m"])  # fmt: skip
    assert "target 'y' has 2 non-integer value(s) (e.g. 0.5)" in result.stderr
    assert "some targets are not integers" not in result.stderr  # said once, by name
    frame = pd.read_csv(tmp_path / "d.csv")
    model = PoissonLasso(alpha=0.05, standardize=True).fit(frame[["a", "b"]], frame.y)
    coefficients = _document(tmp_path, "m")["coefficients"]
    np.testing.assert_allclose(list(coefficients.values()), model.coef_, rtol=1e-10,
                               atol=1e-12)  # fmt: skip


@pytest.mark.parametrize("edit, fragment", [
    (lambda d: d["schema"].update(classes=[0, 1]), "schema.classes must be null for count"),
    (lambda d: d["schema"].update(exposure="a"), "the exposure column 'a' is also a feature"),
    (lambda d: d.update(task="regression") or d["schema"].update(task="regression"),
     "schema.exposure is set but the task is 'regression'"),
])  # fmt: skip
def test_count_model_files_are_validated(folder, edit, fragment):
    invoke(folder, ["fit", "exposed.csv", "-t", "y", "--exposure", "years", "--alpha", "0.05",
                    "-o", "tampered", "--force"])  # fmt: skip
    document = _document(folder, "tampered")
    edit(document)
    (folder / "tampered" / "model.json").write_text(json.dumps(document))
    fails_cleanly(folder, ["predict", "tampered", "exposed.csv", "-o", "never.csv"],
                  "is not a valid model file", fragment)  # fmt: skip


def test_report_of_a_count_model(tmp_path):
    frame = _counts(seed=3, n_rows=100, exposure=True)
    frame.to_csv(tmp_path / "d.csv", index=False)
    invoke(tmp_path, ["report", "d.csv", "-t", "y", "--exposure", "years", "--cv", "3", "-o",
                      "r.html"])  # fmt: skip
    page = (tmp_path / "r.html").read_text()
    for words in ("half the mean Poisson deviance + α × penalty(w)",
                  "CV mean Poisson deviance ± SE", "count (Poisson regression, log link)",
                  "D² (the share of Poisson deviance explained)", "unpenalised Poisson regression",
                  "Exposure: column <strong>years</strong>"):  # fmt: skip
        assert words in page
    for words in ("mean squared error", "least squares", "log-loss", "binomial", "logistic"):
        assert words not in page
    data = json.loads(re.search(r'id="explorer-data">(.*?)</script>', page, re.S)[1])
    assert data["wording"]["fit"] == "unpenalised Poisson fit"
    lasso = data["paths"]["lasso"]
    reference = path(frame[list("abc")].to_numpy(), frame.y.to_numpy(dtype=float), Penalty(1.0),
                     loss="poisson", alphas=lasso["alphas"], standardize=True, tol=1e-5,
                     exposure=frame.years.to_numpy())  # fmt: skip
    np.testing.assert_allclose(lasso["coefs"], reference.coefs, rtol=1e-9, atol=1e-12)


@pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")  # dask on pandas 3
def test_engines_refuse_the_count_task(tmp_path):
    pytest.importorskip("dask")
    frame = _counts(exposure=True)
    frame.to_parquet(tmp_path / "d.parquet", index=False)
    refused = "the count task (Poisson regression) is not supported with --engine"
    common = ["--engine", "dask", "--alpha", "0.1", "-o", "m"]
    fails_cleanly(tmp_path, ["fit", "d.parquet", "-t", "y", "--task", "count", *common],
                  "--task count: " + refused, "pass --task regression")  # fmt: skip
    fails_cleanly(tmp_path, ["fit", "d.parquet", "-t", "y", "--exposure", "years", *common],
                  "--exposure: " + refused)  # fmt: skip
    fails_cleanly(
        tmp_path,
        ["fit", "d.parquet", "-t", "y", *common],
        "target 'y' holds counts",
        "--task auto takes for a count",
        refused,
    )
    fails_cleanly(tmp_path, ["report", "d.parquet", "-t", "y", "--engine", "dask", "-o",
                             "r.html"], refused)  # fmt: skip
    invoke(tmp_path, ["fit", "d.parquet", "-t", "y", "--task", "regression", *common])
    assert _document(tmp_path, "m")["task"] == "regression"
