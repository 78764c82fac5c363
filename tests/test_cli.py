"""The ``shrinkage`` command: fit → predict round trips, model files, outputs and modes."""

import hashlib
import json
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import shrinkage
from _cli import write_two_class_csv
from shrinkage import Lasso, SparseLogisticRegression
from shrinkage.cli.main import cli


def _run(args, folder, env=None):
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        result = CliRunner(env=env).invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def regression(tmp_path):
    rng = np.random.default_rng(1)
    n = 120
    frame = pd.DataFrame(rng.standard_normal((n, 4)), columns=["w", "x", "z", "noise"])
    frame["colour"] = rng.choice(["red", "green", "blue"], size=n)
    frame["y"] = (3 * frame.w - 2 * frame.x + 1.5 * (frame.colour == "red")
                  + 0.3 * rng.standard_normal(n))  # fmt: skip
    frame.to_csv(tmp_path / "train.csv", index=False)
    return tmp_path, frame


def _encoded(frame):
    """The one-hot encoding the CLI promises, built independently with pandas."""
    features = frame.drop(columns=["y"])
    dummies = pd.get_dummies(features["colour"], prefix="colour", dtype=float)
    return pd.concat([features.drop(columns=["colour"]), dummies], axis=1)


def test_fit_predict_round_trip_equals_the_estimator(regression):
    folder, frame = regression
    digest = _sha(folder / "train.csv")
    result = _run(["fit", "train.csv", "-t", "y", "--alpha", "0.05", "--out", "model"], folder)
    assert "one-hot encoded 1 categorical column(s): 'colour' (3 levels)" in result.stderr
    _run(["predict", "model", "train.csv", "--out", "pred.csv"], folder)
    X = _encoded(frame)
    model = Lasso(alpha=0.05, standardize=True).fit(X, frame.y)
    predicted = pd.read_csv(folder / "pred.csv")["prediction"].to_numpy()
    np.testing.assert_allclose(predicted, model.predict(X), rtol=1e-12, atol=1e-12)

    document = json.loads((folder / "model" / "model.json").read_text())
    assert sorted(p.name for p in (folder / "model").iterdir()) == [
        "coef.csv", "model.json", "path.csv"]  # fmt: skip
    assert document["package_version"] == shrinkage.__version__
    assert document["estimator"] == "Lasso" and document["parameters"]["alpha"] == 0.05
    assert list(document["coefficients"]) == list(X.columns)
    np.testing.assert_allclose(list(document["coefficients"].values()), model.coef_, rtol=1e-12)
    assert document["intercept"] == pytest.approx(model.intercept_, rel=1e-12)
    assert document["certificate"]["relative_gap"] <= 1e-4
    assert document["certificate"]["max_kkt_residual"] == pytest.approx(
        model.certificate_.kkt_residual.max(), rel=1e-9, abs=1e-12)  # fmt: skip
    assert document["schema"]["encoding"]["colour"]["categories"] == ["blue", "green", "red"]
    coef = pd.read_csv(folder / "model" / "coef.csv")
    assert coef["feature"].tolist() == ["(intercept)", *X.columns]
    assert coef["is_zero"].sum() == int((model.coef_ == 0).sum()) >= 1  # "noise" is out
    assert _sha(folder / "train.csv") == digest  # the input is never touched


def test_classification_round_trip_with_text_labels(tmp_path):
    _, frame = write_two_class_csv(tmp_path, seed=2, n_rows=150, columns="abcde",
                                   target="outcome", classes=("no", "yes"), noise=0.5)  # fmt: skip
    labels = frame["outcome"].to_numpy()
    result = _run(["fit", "d.csv", "-t", "outcome", "--cv", "3", "--select", "1se",
                   "--n-alphas", "20", "--out", "m", "--json"], tmp_path)  # fmt: skip
    summary = json.loads(result.stdout)
    assert summary["task"] == "classification"
    assert summary["estimator"] == "SparseLogisticRegressionCV"
    document = json.loads((tmp_path / "m" / "model.json").read_text())
    assert document["parameters"]["alpha_1se"] >= document["parameters"]["alpha_min"]
    assert document["schema"]["classes"] == ["no", "yes"]
    _run(["predict", "m", "d.csv", "--out", "p.csv"], tmp_path)
    predicted = pd.read_csv(tmp_path / "p.csv")
    reference = SparseLogisticRegression(alpha=summary["alpha"], standardize=True).fit(
        frame[list("abcde")], labels
    )
    np.testing.assert_array_equal(predicted["prediction"], reference.predict(frame[list("abcde")]))
    np.testing.assert_allclose(predicted["probability_yes"],
                               reference.predict_proba(frame[list("abcde")])[:, 1],
                               rtol=1e-6, atol=1e-8)  # fmt: skip
    result = _run(["predict", "m", "d.csv", "--json"], tmp_path)
    assert json.loads(result.stdout)["accuracy"] > 0.8


@pytest.mark.parametrize("penalty", ["l2", "enet"])
def test_fit_cv_ridge_and_elastic_net(regression, penalty):
    folder, _ = regression
    result = _run(["fit", "train.csv", "-t", "y", "--penalty", penalty, "--cv", "3",
                   "--n-alphas", "15", "--out", "m", "--json"], folder)  # fmt: skip
    summary = json.loads(result.stdout)
    assert summary["estimator"] == "ElasticNetCV"
    assert summary["l1_ratio"] == {"l2": 0.0, "enet": 0.5}[penalty]
    assert summary["certificate"]["relative_gap"] <= 1e-4
    if penalty == "l2":
        assert summary["n_nonzero"] == summary["n_features"] == 7  # ridge zeroes nothing


def test_force_semantics(regression):
    folder, _ = regression
    _run(["fit", "train.csv", "-t", "y", "--alpha", "0.05", "--out", "m"], folder)
    first = (folder / "m" / "model.json").read_text()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        refused = CliRunner().invoke(cli, ["fit", "train.csv", "-t", "y", "--alpha", "1",
                                           "--out", "m"])  # fmt: skip
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert (folder / "m" / "model.json").read_text() == first
    _run(["fit", "train.csv", "-t", "y", "--alpha", "1", "--out", "m", "--force"], folder)
    replaced = json.loads((folder / "m" / "model.json").read_text())
    assert replaced["parameters"]["alpha"] == 1.0
    assert sorted(p.name for p in folder.iterdir()) == ["m", "train.csv"]  # no temporaries


def test_path_csv_png_and_json(regression):
    folder, _ = regression
    result = _run(["path", "train.csv", "-t", "y", "--n-alphas", "30", "--out", "p.csv",
                   "--json"], folder)  # fmt: skip
    summary = json.loads(result.stdout)
    table = pd.read_csv(folder / "p.csv")
    assert len(table) == summary["n_alphas"] == 30
    assert table.columns[:4].tolist() == ["alpha", "n_nonzero", "relative_gap", "intercept"]
    assert table["n_nonzero"].iloc[0] == 0 and table["alpha"].is_monotonic_decreasing
    entry = summary["entry_alpha"]
    # w is the strongest feature: it enters at the first grid point below α_max
    assert entry["w"] == max(entry.values()) == pytest.approx(table["alpha"].iloc[1], rel=1e-12)
    assert table["alpha"].iloc[0] == pytest.approx(summary["alpha_max"], rel=1e-12)
    _run(["path", "train.csv", "-t", "y", "--n-alphas", "10", "--out", "p.png", "-q"], folder)
    assert (folder / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cv_table_and_csv(regression):
    folder, _ = regression
    result = _run(["cv", "train.csv", "-t", "y", "--cv", "4", "--n-alphas", "25",
                   "--out", "cv.csv"], folder)  # fmt: skip
    assert "alpha_min =" in result.stdout and "mean_error" in result.stdout
    table = pd.read_csv(folder / "cv.csv", keep_default_na=False)
    assert len(table) == 25
    chosen = table.set_index("choice")["alpha"]
    assert {"min", "1se"} <= set(chosen.index) or "min,1se" in chosen.index
    best = table["mean_error"].idxmin()
    assert table.loc[best, "choice"] in ("min", "min,1se")
    summary = json.loads(_run(["cv", "train.csv", "-t", "y", "--cv", "4", "--n-alphas", "25",
                               "--json"], folder).stdout)  # fmt: skip
    assert summary["alpha_1se"] >= summary["alpha_min"]
    np.testing.assert_allclose(summary["table"]["mean_error"], table["mean_error"], rtol=1e-12)


def test_dropna_says_how_many_rows(regression):
    folder, frame = regression
    frame.loc[[3, 10, 11], "x"] = np.nan
    frame.to_csv(folder / "holes.csv", index=False)
    result = _run(["fit", "holes.csv", "-t", "y", "--alpha", "0.1", "--dropna", "--out", "m",
                   "--json"], folder)  # fmt: skip
    summary = json.loads(result.stdout)
    assert summary["n_rows"] == 117
    assert "dropped 3 of 120 rows with missing values (--dropna)" in summary["notes"]


def test_parquet_input_and_quiet(regression):
    folder, frame = regression
    frame.to_parquet(folder / "train.parquet")
    result = _run(["fit", "train.parquet", "-t", "y", "--alpha", "0.05", "--out", "m", "-q"],
                  folder, env={"SHRINKAGE_PROGRESS": "1"})  # fmt: skip
    assert result.stderr == ""
    assert "exactly zero" in result.stdout


def test_encoding_option_reads_latin1(tmp_path):
    text = "ville,a,y\nSète,1,1.5\nNîmes,2,2.5\nAlès,3,2.0\nSète,4,4.5\n"
    (tmp_path / "d.csv").write_bytes(text.encode("latin-1"))
    _run(["fit", "d.csv", "-t", "y", "--encoding", "latin-1", "--alpha", "0.01", "--out", "m"],
         tmp_path)  # fmt: skip
    document = json.loads((tmp_path / "m" / "model.json").read_text(encoding="utf-8"))
    assert "ville_Sète" in document["coefficients"]


def test_million_rows_with_progress(tmp_path):
    pyarrow_csv = pytest.importorskip("pyarrow.csv")
    import pyarrow

    rng = np.random.default_rng(0)
    n, p = 1_000_000, 10
    X = rng.standard_normal((n, p))
    truth = np.linspace(-1.0, 1.0, p)
    y = X @ truth + rng.standard_normal(n)
    columns = {f"x{j}": X[:, j] for j in range(p)} | {"y": y}
    pyarrow_csv.write_csv(pyarrow.table(columns), tmp_path / "big.csv")
    digest = _sha(tmp_path / "big.csv")
    start = time.perf_counter()
    result = _run(["fit", "big.csv", "-t", "y", "--alpha", "0.01", "--out", "m"], tmp_path,
                  env={"SHRINKAGE_PROGRESS": "1"})  # fmt: skip
    seconds = time.perf_counter() - start
    assert seconds < 30, seconds
    assert "reading big.csv" in result.stderr and "1,000,000 rows" in result.stderr
    assert "1,000,000 rows × 10 features" in result.stdout
    coef = json.loads((tmp_path / "m" / "model.json").read_text())["coefficients"]
    # α = 0.01 shrinks each coefficient by about α (unit-variance columns)
    np.testing.assert_allclose(list(coef.values()), truth - 0.01 * np.sign(truth), atol=5e-3)
    assert _sha(tmp_path / "big.csv") == digest


def test_module_entry_point_exit_codes(tmp_path):
    shown = CliRunner().invoke(cli, ["fit", "--help"])
    assert shown.exit_code == 0 and "--penalty [l1|l2|enet]" in shown.stdout
    command = [sys.executable, "-m", "shrinkage.cli.main"]  # one process start, the costly part
    failed = subprocess.run([*command, "fit", str(tmp_path / "none.csv"), "-t", "y", "--out",
                             str(tmp_path / "m")], capture_output=True, text=True)  # fmt: skip
    assert failed.returncode == 2 and "does not exist" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_predict_unseen_category_and_extra_target_column(regression):
    folder, frame = regression
    _run(["fit", "train.csv", "-t", "y", "--alpha", "0.05", "--out", "m"], folder)
    new = frame.head(4).copy()
    new.loc[0, "colour"] = "purple"
    new.drop(columns=["y"]).to_csv(folder / "new.csv", index=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        refused = CliRunner().invoke(cli, ["predict", "m", "new.csv"])
    assert refused.exit_code == 2 and "'colour'" in refused.stderr and "'purple'" in refused.stderr
    result = _run(["predict", "m", "new.csv", "--json", "--unknown-levels", "zero"], folder)
    summary = json.loads(result.stdout)
    assert summary["notes"] == [
        "column 'colour' has level(s) not seen when fitting: 'purple'; encoded as all zeros "
        "(--unknown-levels zero)"
    ]
    document = json.loads((folder / "m" / "model.json").read_text())
    coef = document["coefficients"]
    row = new.iloc[0]
    expected = document["intercept"] + sum(coef[c] * row[c] for c in ["w", "x", "z", "noise"])
    assert summary["predictions"][0] == pytest.approx(expected, rel=1e-12)
    assert "r2" not in summary  # no target column in new.csv


def test_progress_bar_only_for_work_longer_than_a_second(monkeypatch, capsys):
    import time as clock

    from shrinkage.cli.output import Output

    monkeypatch.setenv("SHRINKAGE_PROGRESS", "1")  # render to the captured stderr
    output = Output()
    output.show_after = 1.0  # what a terminal gets
    with output.progress("quick job") as update:
        update("still quick", 0.5)
    assert "quick job" not in capsys.readouterr().err
    with output.progress("slow job") as update:
        clock.sleep(1.5)
        update("slow job", 0.5)
    assert "slow job" in capsys.readouterr().err
