"""The multi-class task of the ``shrinkage`` command (multinomial logistic regression of
three or more classes): which targets ``--task auto`` takes for classes, fit → cv → path →
predict equal to the library's multinomial estimators, the model files and their
validation, and exit code 2 for rare classes, the wrong task and the engines."""

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import log_loss

from _cli import fails_cleanly, invoke
from shrinkage import MultinomialLogisticRegression, MultinomialLogisticRegressionCV, path
from shrinkage.penalties import Penalty

N_ROWS = 120
CLASSES = ["ant", "bee", "cat"]
FEATURES = list("abcd")


def _classes(seed=0, n_rows=N_ROWS, labels=CLASSES):
    """Features a, b, c, d and a class drawn from the softmax of (1.5a, −1.5a + 1.2b, 0):
    c and d are noise."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.standard_normal((n_rows, 4)), columns=FEATURES)
    scores = np.c_[1.5 * frame.a, -1.5 * frame.a + 1.2 * frame.b, np.zeros(n_rows)]
    codes = np.argmax(scores + rng.gumbel(size=scores.shape), axis=1)
    frame["y"] = np.asarray(labels, dtype=object)[codes]
    return frame


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """``classes.csv`` (a, b, c, d, y in ant / bee / cat) and ``numbers.csv`` (y in 1, 2,
    3), with fitted model folders ``cv-model`` (5-fold CV) and ``fixed`` (α = 0.05)."""
    folder = tmp_path_factory.mktemp("multiclass")
    _classes().to_csv(folder / "classes.csv", index=False)
    _classes(labels=[1, 2, 3]).to_csv(folder / "numbers.csv", index=False)
    invoke(folder, ["fit", "classes.csv", "-t", "y", "-o", "cv-model"])
    invoke(folder, ["fit", "classes.csv", "-t", "y", "--alpha", "0.05", "-o", "fixed"])
    return folder


def _document(folder, name):
    return json.loads((folder / name / "model.json").read_text())


def _frame(folder, name="classes.csv"):
    frame = pd.read_csv(folder / name)
    return frame[FEATURES], frame.y.to_numpy()


def _matrix(document):
    """The coefficients of ``model.json`` as the estimators' ``coef_`` (K × p)."""
    return np.array(list(document["coefficients"].values())).T


def test_auto_takes_a_text_target_with_three_classes_for_multiclass(folder):
    X, y = _frame(folder)
    document = _document(folder, "fixed")
    assert (document["task"], document["estimator"]) == (
        "multiclass",
        "MultinomialLogisticRegression",
    )
    assert document["schema"]["classes"] == CLASSES and document["format_version"] == 2
    assert document["parameters"]["grouped"] is False
    model = MultinomialLogisticRegression(alpha=0.05, standardize=True).fit(X, y)
    np.testing.assert_allclose(_matrix(document), model.coef_, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(document["intercept"], model.intercept_, rtol=1e-12, atol=1e-14)
    kept = int(np.count_nonzero(np.any(model.coef_ != 0, axis=0)))
    assert document["n_nonzero"] == kept
    assert document["certificate"]["relative_gap"] <= 1e-4


def test_a_numeric_target_with_three_values_stays_a_regression_unless_forced(folder):
    result = invoke(folder, ["fit", "numbers.csv", "-t", "y", "--alpha", "0.05", "-o", "auto",
                             "--force"])  # fmt: skip
    assert "classes" not in result.stderr
    assert (_document(folder, "auto")["task"], _document(folder, "auto")["estimator"]) == (
        "regression", "Lasso")  # fmt: skip
    invoke(folder, ["fit", "numbers.csv", "-t", "y", "--task", "multiclass", "--alpha", "0.05",
                    "-o", "forced", "--force"])  # fmt: skip
    document = _document(folder, "forced")
    assert document["task"] == "multiclass" and document["schema"]["classes"] == [1, 2, 3]
    X, y = _frame(folder, "numbers.csv")
    model = MultinomialLogisticRegression(alpha=0.05, standardize=True).fit(X, y)
    np.testing.assert_allclose(_matrix(document), model.coef_, rtol=1e-12, atol=1e-14)
    predicted = json.loads(invoke(folder, ["predict", "forced", "numbers.csv", "-o", "-",
                                           "--json"]).stdout)  # fmt: skip
    assert predicted["predictions"] == model.predict(X).tolist()
    assert predicted["classes"] == [1, 2, 3]


def test_the_note_names_the_classes_and_the_model(folder):
    result = invoke(folder, ["fit", "classes.csv", "-t", "y", "--alpha", "0.1", "-o", "noted",
                             "--force"])  # fmt: skip
    assert ("target 'y' has 3 classes ('ant', 'bee', 'cat'): multi-class classification, "
            "multinomial logistic regression") in result.stderr  # fmt: skip
    assert "non-zero in some class" in result.stdout


def test_fit_cv_path_predict_equal_the_library(folder):
    X, y = _frame(folder)
    model = MultinomialLogisticRegressionCV(standardize=True).fit(X, y)  # stratified, 1se

    document = _document(folder, "cv-model")
    assert (document["task"], document["estimator"]) == (
        "multiclass", "MultinomialLogisticRegressionCV")  # fmt: skip
    assert document["parameters"]["alpha"] == pytest.approx(model.alpha_, rel=1e-12)
    np.testing.assert_allclose(_matrix(document), model.coef_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(document["intercept"], model.intercept_, rtol=1e-10, atol=1e-12)

    curve = json.loads(invoke(folder, ["cv", "classes.csv", "-t", "y", "--json"]).stdout)
    assert curve["task"] == "multiclass"
    assert (curve["alpha_min"], curve["alpha_1se"]) == pytest.approx(
        (model.alpha_min_, model.alpha_1se_), rel=1e-12)  # fmt: skip
    np.testing.assert_allclose(curve["table"]["mean_error"], model.cv_mean_[0], rtol=1e-10)
    assert curve["n_nonzero"] == int(np.count_nonzero(np.any(model.coef_ != 0, axis=0)))

    shown = json.loads(invoke(folder, ["path", "classes.csv", "-t", "y", "--n-alphas", "20",
                                       "-o", "-", "--json"]).stdout)  # fmt: skip
    assert shown["loss"] == "multinomial"
    reference = path(X.to_numpy(), y, Penalty(1.0), loss="multinomial", n_alphas=20,
                     standardize=True)  # fmt: skip
    table = shown["table"]
    assert table["class"] == CLASSES * 20  # one row per α and class
    np.testing.assert_allclose(table["alpha"], np.repeat(reference.alphas, 3), rtol=1e-12)
    np.testing.assert_allclose(table["a"], reference.coefs[:, 0, :].ravel(), rtol=1e-9,
                               atol=1e-12)  # fmt: skip
    np.testing.assert_array_equal(table["n_nonzero"], np.repeat(reference.n_active, 3))

    predicted = json.loads(invoke(folder, ["predict", "cv-model", "classes.csv", "-o", "-",
                                           "--json"]).stdout)  # fmt: skip
    assert predicted["predictions"] == model.predict(X).tolist()
    probabilities = np.array(predicted["probabilities"])
    np.testing.assert_allclose(probabilities, model.predict_proba(X), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-12)
    assert predicted["accuracy"] == pytest.approx(model.score(X, y), rel=1e-12)
    assert predicted["log_loss"] == pytest.approx(log_loss(y, model.predict_proba(X)), rel=1e-9)


def test_predictions_have_a_probability_column_per_class(folder):
    frame = pd.read_csv(folder / "classes.csv").assign(id=range(N_ROWS))
    frame.to_csv(folder / "with-id.csv", index=False)
    invoke(folder, ["predict", "fixed", "with-id.csv", "--id", "id", "-o", "p.csv", "--force"])
    predictions = pd.read_csv(folder / "p.csv")
    columns = ["probability_ant", "probability_bee", "probability_cat"]
    assert list(predictions.columns) == ["id", "prediction", *columns]
    probabilities = predictions[columns].to_numpy()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-12)
    most = np.asarray(CLASSES)[np.argmax(probabilities, axis=1)]
    assert predictions.prediction.tolist() == most.tolist()
    model = MultinomialLogisticRegression(alpha=0.05, standardize=True)
    model.fit(*_frame(folder))
    np.testing.assert_allclose(probabilities, model.predict_proba(frame[FEATURES]), rtol=1e-10)


def test_coef_and_path_files_hold_a_column_per_class(folder):
    coef = pd.read_csv(folder / "fixed" / "coef.csv")
    assert list(coef.columns) == ["feature", "coefficient_ant", "coefficient_bee",
                                  "coefficient_cat", "is_zero", "kkt_residual"]  # fmt: skip
    document = _document(folder, "fixed")
    np.testing.assert_array_equal(coef.iloc[1:, 1:4].to_numpy(), _matrix(document).T)
    zero = ~np.any(_matrix(document) != 0, axis=0)
    assert coef.is_zero.tolist() == [False, *zero.tolist()]
    stored = pd.read_csv(folder / "fixed" / "path.csv")
    assert list(stored.columns[:3]) == ["alpha", "class", "intercept"]
    assert len(stored) == 3 * document["path"]["n_alphas"]
    # predict --alpha at a grid point takes that point's coefficients
    row = stored.iloc[3 * 40 : 3 * 41]
    alpha = float(row.alpha.iloc[0])
    result = invoke(folder, ["predict", "fixed", "classes.csv", "--alpha", repr(alpha), "-o",
                             "at.csv", "--force"])  # fmt: skip
    assert "is point 41 of the stored path's 100" in result.stderr
    X, _ = _frame(folder)
    scores = X.to_numpy() @ row[FEATURES].to_numpy().T + row.intercept.to_numpy()
    expected = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    predicted = pd.read_csv(folder / "at.csv").iloc[:, 1:].to_numpy()
    np.testing.assert_allclose(predicted, expected, rtol=1e-10)


def test_grouped_penalises_each_features_row(folder):
    result = invoke(folder, ["fit", "classes.csv", "-t", "y", "--grouped", "--alpha", "0.05",
                             "-o", "grouped", "--force"])  # fmt: skip
    assert "(grouped lasso (each feature's row norm), α = 0.05)" in result.stdout
    document = _document(folder, "grouped")
    assert document["parameters"]["grouped"] is True
    model = MultinomialLogisticRegression(alpha=0.05, grouped=True, standardize=True)
    model.fit(*_frame(folder))
    np.testing.assert_allclose(_matrix(document), model.coef_, rtol=1e-10, atol=1e-12)
    # a grouped fit keeps whole rows: every class's coefficient of a kept feature is non-zero
    matrix = _matrix(document)
    assert np.all((matrix != 0).all(axis=0) | (matrix == 0).all(axis=0))
    fails_cleanly(folder, ["fit", "numbers.csv", "-t", "y", "--grouped", "--alpha", "0.1",
                           "-o", "never"],  # fmt: skip
                  "--grouped penalises each feature's coefficients of all classes together",
                  "not to regression")  # fmt: skip


@pytest.mark.parametrize(
    "penalty, options, l1_ratio", [("l2", [], 0.0), ("enet", ["--l1-ratio", "0.3"], 0.3)]
)
def test_l2_and_enet_are_multinomial_elastic_nets(folder, penalty, options, l1_ratio):
    invoke(folder, ["fit", "classes.csv", "-t", "y", "--penalty", penalty, *options, "--alpha",
                    "0.05", "-o", f"m-{penalty}", "--force"])  # fmt: skip
    document = _document(folder, f"m-{penalty}")
    assert document["parameters"]["l1_ratio"] == l1_ratio
    model = MultinomialLogisticRegression(alpha=0.05, l1_ratio=l1_ratio, standardize=True)
    model.fit(*_frame(folder))
    np.testing.assert_allclose(_matrix(document), model.coef_, rtol=1e-10, atol=1e-12)


def _copy(folder, destination):
    """``classes.csv`` and the model folder ``fixed`` copied into ``destination``."""
    shutil.copy(folder / "classes.csv", destination)
    shutil.copytree(folder / "fixed", destination / "fixed")


def _classes_edit(classes):
    return lambda d: d["schema"].update(classes=classes)


def _first_coefficient(value):
    return lambda d: d["coefficients"].update(a=value)


@pytest.mark.parametrize("edit, fragment", [
    (_classes_edit(["ant", "bee"]), "schema.classes must list 3 or more different classes"),
    (_classes_edit(["ant", "bee", "bee"]), "schema.classes must list 3 or more different"),
    (_classes_edit(None), "schema.classes must list 3 or more different classes"),
    (_first_coefficient([0.5, 0.1]), "coefficients['a'] has 2 numbers for 3 classes"),
    (_first_coefficient(0.5), "coefficients['a'] must be a list, got a number"),
    (_first_coefficient([0.5, "x", 0.1]), "coefficients['a'][1] must be a number"),
    (lambda d: d.update(intercept=0.5), "intercept must be a list, got a number"),
    (lambda d: d.update(intercept=[0.5, 0.1]), "intercept has 2 numbers for 3 classes"),
    (lambda d: d.update(n_nonzero=4), "n_nonzero is 4 but"),
    (lambda d: d.update(task="classification") or d["schema"].update(task="classification"),
     "coefficients['a'] must be a number, got a list"),
    (lambda d: d.update(task="regression") or d["schema"].update(task="regression"),
     "coefficients['a'] must be a number, got a list"),
])  # fmt: skip
def test_multiclass_model_files_are_validated(folder, tmp_path, edit, fragment):
    _copy(folder, tmp_path)
    document = _document(tmp_path, "fixed")
    edit(document)
    (tmp_path / "fixed" / "model.json").write_text(json.dumps(document))
    fails_cleanly(tmp_path, ["predict", "fixed", "classes.csv", "-o", "never.csv"],
                  "is not a valid model file", fragment)  # fmt: skip


@pytest.mark.parametrize("file, change, fragment", [
    ("coef.csv", lambda text: text.replace("coefficient_bee", "coefficient_bat"),
     "its header starts with"),
    ("path.csv", lambda text: text.replace(",bee,", ",bat,", 1), "row 3 names class 'bat'"),
    ("path.csv", lambda text: "\n".join(text.splitlines()[:-1]) + "\n",
     "it has 299 rows, model.json says 300"),
])  # fmt: skip
def test_coef_and_path_files_must_match_the_model(folder, tmp_path, file, change, fragment):
    _copy(folder, tmp_path)
    target = tmp_path / "fixed" / file
    target.write_text(change(target.read_text()))
    arguments = ["predict", "fixed", "classes.csv", "--alpha", "0.01", "-o", "never.csv"]
    fails_cleanly(tmp_path, arguments, f"{file}' is not a valid model file", fragment)


def _rare_class(folder):
    frame = _classes(seed=2, n_rows=40)
    frame.loc[0, "y"] = "dog"  # one row of its class
    frame.to_csv(folder / "rare.csv", index=False)
    return folder


@pytest.mark.parametrize("command", [["fit", "-o", "never"], ["cv"], ["report", "-o", "r.html"]])
def test_a_class_of_one_row_cannot_be_cross_validated(tmp_path, command):
    name, *options = command
    fails_cleanly(_rare_class(tmp_path), [name, "rare.csv", "-t", "y", *options],
                  "class 'dog' of the target has a single row",
                  "cross-validation needs at least 2 rows of every class")  # fmt: skip


def test_a_class_of_one_row_fits_at_a_fixed_alpha(tmp_path):
    invoke(_rare_class(tmp_path), ["fit", "rare.csv", "-t", "y", "--alpha", "0.05", "-o", "m"])
    assert len(_document(tmp_path, "m")["schema"]["classes"]) == 4


def test_folds_that_cannot_hold_every_class_are_exit_2(tmp_path):
    frame = _classes(seed=3, n_rows=9)
    frame["y"] = ["ant", "bee", "cat"] * 3  # three rows a class, five folds
    frame.to_csv(tmp_path / "few.csv", index=False)
    fails_cleanly(tmp_path, ["fit", "few.csv", "-t", "y", "--cv", "5", "-o", "never"],
                  "the fit failed", "n_splits=5 cannot be greater than the number of members "
                  "in each class")  # fmt: skip


def test_forced_multiclass_on_two_classes_is_refused(tmp_path):
    frame = _classes(seed=4, n_rows=30)
    frame["y"] = np.where(frame.a > 0, "yes", "no")
    frame.to_csv(tmp_path / "two.csv", index=False)
    fails_cleanly(tmp_path, ["fit", "two.csv", "-t", "y", "--task", "multiclass", "--alpha",
                             "0.1", "-o", "never"],  # fmt: skip
                  "target 'y' has 2 classes; --task multiclass is for three or more",
                  "pass --task classification")  # fmt: skip


def test_the_engines_refuse_multiclass(tmp_path):
    fails_cleanly(tmp_path, ["fit", "lake", "-t", "y", "--task", "multiclass", "--engine",
                             "dask", "-o", "never"],  # fmt: skip
                  "--task multiclass: multi-class classification (multinomial logistic "
                  "regression) is not supported with --engine")  # fmt: skip
    pytest.importorskip("pyarrow")
    _classes(n_rows=30).to_parquet(tmp_path / "classes.parquet", index=False)
    fails_cleanly(tmp_path, ["cv", "classes.parquet", "-t", "y", "--engine", "dask"],
                  "target 'y' is not numeric", "multi-class classification (multinomial "
                  "logistic regression) is not supported with --engine")  # fmt: skip


def test_report_of_a_multiclass_model(folder):
    result = invoke(folder, ["report", "classes.csv", "-t", "y", "--cv", "3", "-o", "r.html",
                             "--json", "--force"])  # fmt: skip
    assert json.loads(result.stdout)["task"] == "multiclass"
    page = (folder / "r.html").read_text()
    for words in ("the mean cross-entropy (multinomial log-loss) + α × penalty(w)",
                  "task: <strong>multi-class classification (multinomial logistic regression)",
                  "CV multinomial deviance ± SE", '<th class="">class ant</th>',
                  '<th class="">class cat</th>', 'id="zero-in-every-class"',
                  'id="held-out-accuracy"', 'id="held-out-log-loss"', 'id="confusion-table"',
                  "‖standardised row‖"):  # fmt: skip
        assert words in page
    for words in ("binomial", "least squares", "mean squared error", "Brier", "two classes",
                  "diamond", "Poisson"):  # fmt: skip
        assert words not in page


def test_a_grouped_report(folder, tmp_path):
    """``report --grouped`` fits the grouped penalty; on a numeric target and with
    ``--engine`` it is refused with the reason."""
    invoke(folder, ["report", "classes.csv", "-t", "y", "--cv", "3", "--grouped", "-o",
                    "g.html", "--force"])  # fmt: skip
    page = (folder / "g.html").read_text()
    assert 'id="grouped-penalty"' in page and "--grouped" in page  # the command is shown
    fails_cleanly(folder, ["report", "numbers.csv", "-t", "y", "--grouped", "-o", "never.html"],
                  "--grouped penalises each feature's coefficients of all classes together",
                  "not to regression")  # fmt: skip
    fails_cleanly(
        tmp_path,
        [
            "report",
            "lake",
            "-t",
            "y",
            "--grouped",
            "--engine",
            "dask",
            "-o",
            "never.html",
        ],  # fmt: skip
        "--grouped is for multi-class models, which --engine does not fit",
    )
