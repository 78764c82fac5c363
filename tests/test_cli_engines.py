"""``fit``, ``path`` and ``cv`` with ``--engine dask|spark`` on a Parquet directory: the same
numbers as the in-memory command on the same rows, and exit code 2 with one line for
every data or connection problem, nothing written."""

import json
import os
import shutil
import time

import numpy as np
import pandas as pd
import pytest
from tests._cli import fails_cleanly, invoke
from tests._reference import certified_distance

# dask's Parquet reader on pandas 3
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")

N_ROWS, COEF = 240, np.array([1.5, 0.0, 0.0, -2.0, 0.5])


def _lake(folder, frame, name="lake", n_files=3):
    """``frame`` as ``n_files`` Parquet files in ``folder/name``."""
    (folder / name).mkdir()
    for k, part in enumerate(np.array_split(np.arange(len(frame)), n_files)):
        frame.iloc[part].to_parquet(folder / name / f"part-{k}.parquet", index=False)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """``lake/`` (3 files) and ``all.parquet`` of one regression table; ``binary/`` and
    ``binary.parquet`` of a 0/1 target."""
    folder = tmp_path_factory.mktemp("engines")
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N_ROWS, COEF.size))
    frame = pd.DataFrame(X, columns=list("abcde"))
    frame["y"] = X @ COEF + 0.5 * rng.standard_normal(N_ROWS)
    _lake(folder, frame)
    frame.to_parquet(folder / "all.parquet", index=False)
    labels = (X[:, 0] - X[:, 1] + 0.5 * rng.standard_normal(N_ROWS) > 0).astype(np.int64)
    binary = frame.assign(y=labels)
    _lake(folder, binary, "binary", n_files=2)
    binary.to_parquet(folder / "binary.parquet", index=False)
    return folder


def _model(folder):
    return json.loads((folder / "model.json").read_text())


def _assert_within_certificates(data, engine, memory):
    """The engine solves from the data's statistics, memory from the rows: two solvers,
    each certified, so their coefficients agree to the distance their gaps allow
    (:func:`tests._reference.certified_distance`). Returns ``(distance, X)``."""
    X = pd.read_parquet(data / "all.parquet")[list("abcde")].to_numpy()
    gaps = [engine["certificate"]["dual_gap"], memory["certificate"]["dual_gap"]]
    distance = certified_distance(X, gaps)
    difference = [engine["coefficients"][name] - value
                  for name, value in memory["coefficients"].items()]  # fmt: skip
    assert np.linalg.norm(difference) <= distance < 0.05
    return distance, X


def _fit_both(data, out, *options, source="lake"):
    """``fit`` of the Parquet directory with the options, and in memory of the one file."""
    engine = invoke(data, ["fit", source, "-t", "y", *options, "-o", f"{out}-engine", "--force"])
    one_file = {"lake": "all.parquet", "binary": "binary.parquet"}[source]
    invoke(data, ["fit", one_file, "-t", "y", "--alpha", "0.05", "-o",
                  f"{out}-memory", "--force"])  # fmt: skip
    return engine, _model(data / f"{out}-engine"), _model(data / f"{out}-memory")


def test_fit_with_dask_threads_equals_the_fit_in_memory(data):
    result, engine, memory = _fit_both(data, "lasso", "--engine", "dask", "--alpha", "0.05")
    assert engine["estimator"] == memory["estimator"] == "Lasso"
    assert engine["schema"] == memory["schema"] and engine["n_rows"] == N_ROWS
    distance, X = _assert_within_certificates(data, engine, memory)
    centred_norms = np.linalg.norm(X - X.mean(axis=0), axis=1)
    bound = distance * (centred_norms.max() + np.linalg.norm(X.mean(axis=0)))
    assert engine["intercept"] == pytest.approx(memory["intercept"], abs=bound)
    assert engine["certificate"]["relative_gap"] <= engine["parameters"]["tol"]
    assert engine["n_nonzero"] == memory["n_nonzero"] == 4
    stored = [pd.read_csv(data / f"lasso-{kind}" / "path.csv") for kind in ("engine", "memory")]
    assert np.abs(stored[0].to_numpy() - stored[1].to_numpy()).max() < 1e-8
    for kind in ("engine", "memory"):
        invoke(data, ["predict", f"lasso-{kind}", "all.parquet", "-o", f"{kind}.csv",
                      "--force", "-q"])  # fmt: skip
    predictions = [pd.read_csv(data / f"{kind}.csv") for kind in ("engine", "memory")]
    assert np.abs(predictions[0] - predictions[1]).to_numpy().max() <= 2 * bound
    # one line per pass: the target, then the one-pass sufficient statistics
    assert "pass 1 (target):" in result.stderr
    assert "pass 2 (sufficient statistics):" in result.stderr


def test_path_of_a_glob_equals_the_path_in_memory(data):
    invoke(data, ["path", "lake/part-*.parquet", "-t", "y", "--engine", "dask", "-o",
                  "path-engine.csv", "--force", "-q"])  # fmt: skip
    invoke(data, ["path", "all.parquet", "-t", "y", "-o", "path-memory.csv", "--force"])
    engine, memory = (pd.read_csv(data / f"path-{kind}.csv") for kind in ("engine", "memory"))
    assert list(engine.columns) == list(memory.columns) and len(engine) == 100
    assert (engine["n_nonzero"] == memory["n_nonzero"]).all()
    coefficients = list("abcde")
    assert np.abs(engine[coefficients] - memory[coefficients]).to_numpy().max() < 1e-8


def test_cv_chooses_an_alpha_of_its_grid_and_writes_the_table(data):
    result = invoke(data, ["cv", "lake", "-t", "y", "--engine", "dask", "--cv", "4", "-o",
                           "cv.csv", "--force", "--json"])  # fmt: skip
    summary = json.loads(result.stdout)
    table = pd.read_csv(data / "cv.csv")
    assert summary["alpha"] in table["alpha"].tolist()
    assert summary["alpha_min"] <= summary["alpha_1se"] == summary["alpha"]
    assert table.loc[table["alpha"] == summary["alpha"], "choice"].item() == "1se"
    assert summary["n_nonzero"] == 3 and 2.0 <= summary["mean_nonzero_over_folds"] <= 4.0
    assert (np.diff(table["alpha"]) < 0).all() and table["mean_error"].min() < 0.5


def test_fit_by_cv_stores_the_chosen_alpha_on_its_path(data):
    invoke(data, ["fit", "lake", "-t", "y", "--engine", "dask", "-o", "cv-model", "--force"])
    document = _model(data / "cv-model")
    alphas = pd.read_csv(data / "cv-model" / "path.csv")["alpha"].to_numpy()
    assert document["estimator"] == "LassoCV" and document["parameters"]["cv"] == 5
    assert np.isclose(alphas, document["parameters"]["alpha"], rtol=0, atol=0).any()
    assert sorted(n for n, v in document["coefficients"].items() if v != 0) == ["a", "d", "e"]


def test_binary_target_is_fitted_by_the_logistic_loss(data):
    _, engine, memory = _fit_both(data, "logistic", "--engine", "dask", "--alpha", "0.05",
                                  "-q", source="binary")  # fmt: skip
    assert engine["task"] == memory["task"] == "classification"
    assert engine["estimator"] == "SparseLogisticRegression"
    assert engine["schema"]["classes"] == memory["schema"]["classes"] == [0, 1]
    # both certified to the library's tolerance, not to the same bits
    for name, value in memory["coefficients"].items():
        assert engine["coefficients"][name] == pytest.approx(value, rel=0.02, abs=1e-6)
    invoke(data, ["fit", "binary", "-t", "y", "--engine", "dask", "--task", "regression",
                  "--alpha", "0.01", "-o", "as-regression", "--force", "-q"])  # fmt: skip
    assert _model(data / "as-regression")["estimator"] == "Lasso"


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  protocol="tcp", dashboard_address=":0") as local:  # fmt: skip
        yield local


def test_fit_on_a_running_scheduler(data, cluster):
    result = invoke(data, ["fit", "lake", "-t", "y", "--engine", "dask", "--scheduler",
                           cluster.scheduler_address, "--alpha", "0.05", "-o", "on-cluster",
                           "--force"])  # fmt: skip
    invoke(data, ["fit", "all.parquet", "-t", "y", "--alpha", "0.05", "-o", "in-memory",
                  "--force"])  # fmt: skip
    engine, memory = _model(data / "on-cluster"), _model(data / "in-memory")
    _assert_within_certificates(data, engine, memory)
    assert "pass 2 (sufficient statistics)" in result.stderr


def test_unreachable_scheduler_fails_fast(tmp_path, data):
    shutil.copytree(data / "lake", tmp_path / "lake")
    start = time.perf_counter()
    fails_cleanly(tmp_path, ["fit", "lake", "-t", "y", "--engine", "dask", "--scheduler",
                             "tcp://127.0.0.1:1", "--connect-timeout", "1", "--alpha", "0.1",
                             "-o", "model"],
                  "cannot reach the Dask scheduler at tcp://127.0.0.1:1 within 1 s")  # fmt: skip
    assert time.perf_counter() - start < 10


def test_non_finite_value_names_partition_and_column(tmp_path, data):
    frame = pd.read_parquet(data / "all.parquet")
    frame.loc[130, "c"] = np.nan  # in the second of three files
    _lake(tmp_path, frame)
    for command in (["fit", "--alpha", "0.1", "-o", "model"], ["cv", "-o", "cv.csv"]):
        fails_cleanly(tmp_path, [command[0], "lake", "-t", "y", "--engine", "dask",
                                 *command[1:]], "partition 1, column 'c'")  # fmt: skip


@pytest.mark.parametrize(
    ("data_name", "options", "fragment"),
    [
        ("all.csv", [], "'all.csv' is not one"),
        ("nothing-*.parquet", [], "no Parquet file or directory matches 'nothing-*.parquet'"),
        ("lake", ["--id", "a"], "--id needs the rows in memory"),
        ("lake", ["--dropna"], "--dropna needs the rows in memory"),
        ("-", [], "not standard input"),
        ("colour.parquet", [], "'colour' are not numeric"),
        ("lake", ["--task", "classification"], "coded 0/1"),
    ],
)  # fmt: skip
def test_usage_and_data_errors(tmp_path, data, data_name, options, fragment):
    frame = pd.read_parquet(data / "all.parquet")
    frame.to_csv(tmp_path / "all.csv", index=False)
    frame.assign(colour=["red", "blue"] * (N_ROWS // 2)).to_parquet(tmp_path / "colour.parquet")
    shutil.copytree(data / "lake", tmp_path / "lake")
    fails_cleanly(tmp_path, ["fit", data_name, "-t", "y", "--engine", "dask", *options,
                             "--alpha", "0.1", "-o", "model"], fragment)  # fmt: skip


def test_unknown_target_and_misplaced_options(tmp_path, data):
    shutil.copytree(data / "lake", tmp_path / "lake")
    (tmp_path / "all.parquet").write_bytes((data / "all.parquet").read_bytes())
    fails_cleanly(tmp_path, ["path", "lake", "-t", "z", "--engine", "dask", "-o", "p.csv"],
                  "target column 'z' not found")  # fmt: skip
    fails_cleanly(tmp_path, ["fit", "all.parquet", "-t", "y", "--scheduler", "tcp://h:1",
                             "--alpha", "0.1", "-o", "model"], "add --engine dask")  # fmt: skip


@pytest.mark.slow  # a JVM start: 20 s to a minute
@pytest.mark.skipif(shutil.which("java") is None and not os.environ.get("JAVA_HOME"),
                    reason="Spark needs a Java runtime")  # fmt: skip
def test_fit_with_spark_equals_the_fit_in_memory(data):
    pytest.importorskip("pyspark")
    result, engine, memory = _fit_both(data, "spark", "--engine", "spark", "--master",
                                       "local[2]", "--alpha", "0.05")  # fmt: skip
    assert engine["schema"] == memory["schema"]
    _assert_within_certificates(data, engine, memory)
    assert "pass 1 (target):" in result.stderr
