"""``path.csv`` in the model folder and ``shrinkage predict --alpha``: exact at a grid
point, glmnet's linear interpolation between two, exit 2 outside the grid or for a
damaged file."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from _cli import invoke, write_two_class_csv
from shrinkage import LassoCV, defaults, path
from shrinkage.penalties import Penalty


@pytest.fixture
def fitted(tmp_path):
    rng = np.random.default_rng(4)
    X = rng.standard_normal((70, 5))
    frame = pd.DataFrame(X, columns=list("abcde"))
    frame["y"] = X @ [2.0, -1.0, 0.5, 0.0, 0.0] + 0.5 * rng.standard_normal(70)
    frame.to_csv(tmp_path / "d.csv", index=False)
    invoke(tmp_path, ["fit", "d.csv", "-t", "y", "--alpha", "0.05", "-o", "m"])
    return tmp_path, frame


def _stored(folder, model="m"):
    table = pd.read_csv(folder / model / "path.csv")
    return table["alpha"].to_numpy(), table["intercept"].to_numpy(), table.iloc[:, 2:].to_numpy()


def _predict(folder, *args):
    result = invoke(folder, ["predict", "m", "d.csv", "--json", *args])
    return json.loads(result.stdout)


def test_fit_stores_the_full_data_path(fitted):
    folder, frame = fitted
    alphas, intercepts, coefs = _stored(folder)
    X, y = frame[list("abcde")].to_numpy(), frame.y.to_numpy()
    reference = path(X, y, Penalty(1.0), n_alphas=defaults.N_ALPHAS, standardize=True)
    np.testing.assert_array_equal(alphas, reference.alphas)
    np.testing.assert_array_equal(intercepts, reference.intercepts)
    np.testing.assert_array_equal(coefs, reference.dense_coefs())
    document = json.loads((folder / "m" / "model.json").read_text())
    assert document["path"] == {"file": "path.csv", "n_alphas": defaults.N_ALPHAS,
                                "alpha_max": alphas[0], "alpha_min": alphas[-1]}  # fmt: skip


def test_fit_with_cv_stores_the_path_on_the_cv_grid(fitted):
    folder, frame = fitted
    invoke(folder, ["fit", "d.csv", "-t", "y", "--cv", "4", "--n-alphas", "20", "-o", "cv"])
    alphas, _, coefs = _stored(folder, "cv")
    reference = LassoCV(cv=defaults.cv_splitter(4, False, 0), n_alphas=20, standardize=True)
    reference.fit(frame[list("abcde")], frame.y)
    np.testing.assert_array_equal(alphas, reference.cv_alphas_)
    assert coefs.shape == (alphas.size, 5)


def test_predict_at_a_grid_point_between_two_and_at_the_models_own(fitted):
    folder, frame = fitted
    alphas, intercepts, coefs = _stored(folder)
    X = frame[list("abcde")].to_numpy()
    at_point = _predict(folder, "--alpha", repr(float(alphas[30])))
    np.testing.assert_allclose(at_point["predictions"], X @ coefs[30] + intercepts[30],
                               rtol=1e-12, atol=1e-12)  # fmt: skip
    assert "point 31 of the stored path's 100" in at_point["notes"][-1]

    between = np.sqrt(alphas[40] * alphas[41])
    result = _predict(folder, "--alpha", repr(float(between)))
    fraction = (alphas[40] - between) / (alphas[40] - alphas[41])  # glmnet's lambda.interp
    coef = (1 - fraction) * coefs[40] + fraction * coefs[41]
    intercept = (1 - fraction) * intercepts[40] + fraction * intercepts[41]
    np.testing.assert_allclose(result["predictions"], X @ coef + intercept, rtol=1e-12,
                               atol=1e-12)  # fmt: skip
    assert "interpolated linearly" in result["notes"][-1] and result["alpha"] == between

    own = _predict(folder, "--alpha", "0.05")
    assert own["predictions"] == _predict(folder)["predictions"]


def test_predict_at_an_alpha_outside_the_grid_is_exit_2(fitted):
    folder, _ = fitted
    alphas, _, _ = _stored(folder)
    for value in (alphas[0] * 1.5, alphas[-1] / 2):
        result = invoke(folder, ["predict", "m", "d.csv", "--alpha", repr(float(value))], code=2)
        assert "outside the stored path's range" in result.stderr
        assert f"{alphas[-1]:.6g}" in result.stderr and f"{alphas[0]:.6g}" in result.stderr
    result = invoke(folder, ["predict", "m", "d.csv", "--alpha", "-1"], code=2)
    assert "--alpha must be a positive number" in result.stderr


def test_predict_alpha_for_a_classifier(tmp_path):
    X, _ = write_two_class_csv(tmp_path, seed=6, n_rows=100, columns="abc", target="status",
                               classes=("well", "sick"), noise=0.7)  # fmt: skip
    invoke(tmp_path, ["fit", "d.csv", "-t", "status", "--cv", "3", "--n-alphas", "15",
                       "-o", "m"])  # fmt: skip
    alphas, intercepts, coefs = _stored(tmp_path)
    summary = json.loads(invoke(tmp_path, ["predict", "m", "d.csv", "--alpha",
                                            repr(float(alphas[5])), "--json"]).stdout)  # fmt: skip
    np.testing.assert_allclose(summary["probabilities"], expit(X @ coefs[5] + intercepts[5]),
                               rtol=1e-12)  # fmt: skip


def _damaged(text, damage):
    lines = text.splitlines()
    if damage == "header":
        lines[0] = lines[0].replace(",a,", ",z,")
    elif damage == "row missing":
        lines.pop()
    elif damage == "not a number":
        lines[2] = "nan," + lines[2].split(",", 1)[1]
    elif damage == "short row":
        lines[3] = lines[3].rsplit(",", 1)[0]
    elif damage == "increasing":
        lines[1:] = lines[:0:-1]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "damage", ["header", "row missing", "not a number", "short row", "increasing"]
)
def test_damaged_path_file_is_exit_2_for_predict_alpha(fitted, damage):
    folder, _ = fitted
    file = folder / "m" / "path.csv"
    file.write_text(_damaged(file.read_text(), damage))
    result = invoke(folder, ["predict", "m", "d.csv", "--alpha", "0.1"], code=2)
    assert "path.csv' is not a valid model file: " in result.stderr
    invoke(folder, ["predict", "m", "d.csv", "-o", "p.csv"])  # at the model's α: not read


def test_model_without_a_path(fitted):
    folder, _ = fitted
    (folder / "m" / "path.csv").unlink()
    result = invoke(folder, ["predict", "m", "d.csv", "--alpha", "0.1"], code=2)
    assert "path.csv' is not a valid model file: it is missing" in result.stderr
    document = json.loads((folder / "m" / "model.json").read_text())
    del document["path"]
    (folder / "m" / "model.json").write_text(json.dumps(document))
    result = invoke(folder, ["predict", "m", "d.csv", "--alpha", "0.1"], code=2)
    assert "has no stored path" in result.stderr
