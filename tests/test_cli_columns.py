"""Which columns the command line uses: ``--id``, ``--drop``, ``--features``, extra columns
at prediction time, unseen category levels, and column names in library errors."""

import json

import numpy as np
import pandas as pd
import pytest

from _cli import invoke
from shrinkage import Lasso, SparseLogisticRegression


@pytest.fixture
def patients(tmp_path):
    """A classification table with an id column, a text feature and a distractor."""
    rng = np.random.default_rng(5)
    n = 120
    frame = pd.DataFrame(rng.standard_normal((n, 3)), columns=["age", "bmi", "noise"])
    frame.insert(0, "patient", [f"P{i:04d}" for i in range(n)])
    frame["history"] = rng.choice(["Absent", "Present"], size=n)
    frame["comment"] = rng.choice(["ok", "check"], size=n)
    score = 1.5 * frame.age - frame.bmi + 2.0 * (frame.history == "Present") - 1.0
    frame["disease"] = np.where(score + 0.5 * rng.standard_normal(n) > 0, "yes", "no")
    frame.to_csv(tmp_path / "train.csv", index=False)
    return tmp_path, frame


def test_id_drop_and_features_choose_the_design(patients):
    folder, frame = patients
    result = invoke(
        folder,
        [
            "fit",
            "train.csv",
            "-t",
            "disease",
            "--id",
            "patient",
            "--drop",
            "comment",
            "--alpha",
            "0.02",
            "-o",
            "m",
            "--json",
        ],
    )
    document = json.loads((folder / "m" / "model.json").read_text())
    assert list(document["coefficients"]) == ["age", "bmi", "noise", "history_Present"]
    assert document["schema"]["id"] == "patient"
    assert "dropped column(s) 'comment' (--drop)" in json.loads(result.stdout)["notes"]
    X = frame[["age", "bmi", "noise"]].assign(
        history_Present=(frame.history == "Present").astype(float)
    )
    reference = SparseLogisticRegression(alpha=0.02, standardize=True).fit(X, frame.disease)
    np.testing.assert_allclose(list(document["coefficients"].values()), reference.coef_[0],
                               rtol=1e-9, atol=1e-12)  # fmt: skip

    invoke(folder, ["fit", "train.csv", "-t", "disease", "--features", "age,bmi",
                     "--features", "history", "--alpha", "0.02", "-o", "f"])  # fmt: skip
    document = json.loads((folder / "f" / "model.json").read_text())
    assert list(document["coefficients"]) == ["age", "bmi", "history_Present"]


def test_predictions_carry_the_id_and_ignore_extra_columns(patients):
    folder, frame = patients
    invoke(folder, ["fit", "train.csv", "-t", "disease", "--id", "patient", "--drop",
                     "comment", "--alpha", "0.02", "-o", "m"])  # fmt: skip
    new = frame.sample(frac=1.0, random_state=0).head(10).assign(batch=7)
    new.to_csv(folder / "new.csv", index=False)
    result = invoke(folder, ["predict", "m", "new.csv", "-o", "p.csv"])
    assert "ignored column(s) the model does not use: 'comment', 'batch'" in result.stderr
    predicted = pd.read_csv(folder / "p.csv")
    assert predicted.columns.tolist() == ["patient", "prediction", "probability_yes"]
    assert predicted["patient"].tolist() == new["patient"].tolist()
    coefficients = json.loads((folder / "m" / "model.json").read_text())
    w = coefficients["coefficients"]
    z = (
        coefficients["intercept"]
        + w["age"] * new.age
        + w["bmi"] * new.bmi
        + w["noise"] * new.noise
        + w["history_Present"] * (new.history == "Present")
    )
    np.testing.assert_allclose(predicted["probability_yes"], 1 / (1 + np.exp(-z)), rtol=1e-12)
    # --id on predict alone: any column becomes the first one
    result = invoke(folder, ["predict", "m", "new.csv", "--id", "batch", "--json"])
    assert json.loads(result.stdout)["ids"] == [7] * 10


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["--drop", "comment,nope"], ["--drop names unknown column(s) 'nope'"]),
        (["--features", "age,Age"], ["--features names unknown column(s) 'Age'"]),
        (["--id", "patient_id"], ["--id column 'patient_id' not found"]),
        (["--drop", "disease"], ["--drop names the target 'disease'"]),
    ],
)
def test_unknown_columns_are_exit_2(patients, args, fragments):
    folder, _ = patients
    result = invoke(folder, ["fit", "train.csv", "-t", "disease", *args, "--alpha", "0.1",
                              "-o", "m"], code=2)  # fmt: skip
    for fragment in fragments:
        assert fragment in result.stderr
    assert not (folder / "m").exists()


def test_unseen_level_is_exit_2_unless_zero_encoding_is_asked_for(patients):
    folder, frame = patients
    invoke(folder, ["fit", "train.csv", "-t", "disease", "--id", "patient", "--drop",
                     "comment", "--alpha", "0.02", "-o", "m"])  # fmt: skip
    row = frame[frame.history == "Present"].head(1).copy()
    baseline = row.assign(history="Absent")
    typo = row.assign(history="present")  # the lowercase level that became 'Absent' silently
    pd.concat([row, baseline, typo]).to_csv(folder / "new.csv", index=False)
    refused = invoke(folder, ["predict", "m", "new.csv"], code=2)
    assert "column 'history'" in refused.stderr and "'present'" in refused.stderr
    assert "did you mean 'Present'?" in refused.stderr
    result = invoke(folder, ["predict", "m", "new.csv", "--unknown-levels", "zero", "--json"])
    summary = json.loads(result.stdout)
    assert any("encoded as all zeros, i.e. as the baseline level 'Absent'" in note
               for note in summary["notes"])  # fmt: skip
    present, absent, unseen = summary["probabilities"]
    assert unseen == absent != present  # all-zero indicators: the baseline's probability


def test_zero_variance_column_is_named_for_every_estimator(tmp_path):
    text = "a,k,b,y\n1,1,3,0\n2,1,1,1\n3,1,2,0\n4,1,5,1\n5,1,1,0\n6,1,7,1\n"
    (tmp_path / "d.csv").write_text(text)
    for task in ("regression", "classification"):
        for choice in (["--alpha", "0.1"], ["--cv", "2"]):
            result = invoke(tmp_path, ["fit", "d.csv", "-t", "y", "--task", task, *choice,
                                        "-o", "m"], code=2)  # fmt: skip
            assert "zero variance: k." in result.stderr, result.stderr
            assert "X[:," not in result.stderr
    result = invoke(tmp_path, ["cv", "d.csv", "-t", "y", "--cv", "2"], code=2)
    assert "zero variance: k." in result.stderr


def test_fit_with_id_on_regression_matches_lasso(tmp_path):
    rng = np.random.default_rng(9)
    frame = pd.DataFrame(rng.standard_normal((50, 3)), columns=["a", "b", "c"])
    frame.insert(1, "row", np.arange(50) * 10)  # numeric: would be a feature without --id
    frame["y"] = frame.a - 2 * frame.c + 0.1 * rng.standard_normal(50)
    frame.to_csv(tmp_path / "d.csv", index=False)
    invoke(tmp_path, ["fit", "d.csv", "-t", "y", "--id", "row", "--alpha", "0.05", "-o", "m"])
    invoke(tmp_path, ["predict", "m", "d.csv", "-o", "p.csv"])
    predicted = pd.read_csv(tmp_path / "p.csv")
    expected = Lasso(alpha=0.05, standardize=True).fit(frame[list("abc")], frame.y)
    assert predicted.columns.tolist() == ["row", "prediction"]
    np.testing.assert_array_equal(predicted["row"], frame["row"])
    np.testing.assert_allclose(predicted["prediction"], expected.predict(frame[list("abc")]),
                               rtol=1e-9, atol=1e-12)  # fmt: skip
