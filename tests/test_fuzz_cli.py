"""Fuzzing the command line: random tables with odd column names through ``fit`` and
``predict``, and random bytes, random JSON and damaged documents as ``model.json``.

Every run ends one of two ways: exit code 0 with predictions equal to the in-Python
estimator's, or exit code 2 with a one-line message. Never exit code 1, never a
traceback. The number of examples per test comes from ``SHRINKAGE_FUZZ_EXAMPLES`` (40
by default; nightly runs use more); the outcomes are counted, and written as JSON to the
file named by ``SHRINKAGE_FUZZ_COUNTS`` when it is set (nothing is printed).
"""

from __future__ import annotations

import collections
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shrinkage import Lasso
from shrinkage.cli.main import cli

EXAMPLES = int(os.environ.get("SHRINKAGE_FUZZ_EXAMPLES", "40"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ALPHA = 0.05
COUNTS: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)

ODD_NAMES = ["a b", " lead", "trail ", "é", "名前", "$x$", "cost_$_per_$", 'q"uote',
             "com,ma", '"a, b"', "new\nline", "y.1", "Unnamed: 0", "NA", "1", "", "-t",
             "--out", "\\", "{x}", "50%", "#", "\t"]  # fmt: skip
LEVELS = ["red", "blue", "$ green", "a,b", 'q"t', "é"]


@pytest.fixture(scope="module", autouse=True)
def _write_counts():
    yield
    target = os.environ.get("SHRINKAGE_FUZZ_COUNTS")
    if target:
        Path(target).write_text(json.dumps(COUNTS, indent=2, sort_keys=True) + "\n")


def _invoke(folder: Path, args: list[str]):
    cwd = os.getcwd()
    os.chdir(folder)  # hypothesis examples cannot use the monkeypatch fixture
    try:
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
    finally:
        os.chdir(cwd)
    assert result.exit_code in (0, 2), (args, result.output)
    assert "Traceback" not in result.output and "internal error" not in result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: ") and len(result.stderr.strip()) > 10
    return result


names = st.one_of(st.sampled_from(ODD_NAMES), st.text(st.characters(exclude_categories=["Cs"]),
                                                      max_size=8))  # fmt: skip


@st.composite
def tables(draw):
    """A regression table: 1 to 4 numeric features, maybe a categorical one, odd names."""
    n_rows = draw(st.integers(6, 30))
    n_numeric = draw(st.integers(1, 4))
    categorical = draw(st.booleans())
    size = n_numeric + categorical + 1
    repeats = draw(st.integers(0, 9)) == 0  # a repeated name now and then, an error
    columns = draw(st.lists(names, min_size=size, max_size=size, unique=not repeats))
    target = draw(st.integers(0, len(columns) - 1))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    values = [rng.standard_normal(n_rows) for _ in range(n_numeric)]
    kinds = ["numeric"] * n_numeric
    if categorical:
        levels = draw(st.lists(st.sampled_from(LEVELS), min_size=2, max_size=4, unique=True))
        values.append(np.array(levels * n_rows)[rng.permutation(len(levels) * n_rows)][:n_rows])
        kinds.append("categorical")
    order = [j for j in range(len(columns)) if j != target]
    features = dict(zip(order, zip(values, kinds, strict=True), strict=True))
    return n_rows, columns, target, features, rng.standard_normal(n_rows)


def _expected_design(features, n_rows):
    """The encoding the CLI promises, built here: numbers as they are; text one-hot with
    one indicator per level in sorted order, only the second of two levels."""
    blocks = []
    for j in sorted(features):
        values, kind = features[j]
        if kind == "numeric":
            blocks.append(values[:, None])
            continue
        levels = sorted(set(values.tolist()))
        kept = levels[1:] if len(levels) == 2 else levels
        blocks.append(np.column_stack([values == level for level in kept]).astype(float))
    return np.hstack(blocks) if blocks else np.empty((n_rows, 0))


@SETTINGS
@given(tables())
def test_fit_predict_round_trip_or_clear_error(problem):
    n_rows, columns, target, features, y = problem
    counts = COUNTS["fit_predict"]
    counts["tried"] += 1
    frame = pd.DataFrame({j: features[j][0] if j in features else y for j in range(len(columns))})
    frame.columns = columns
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        frame.to_csv(folder / "d.csv", index=False)
        fitted = _invoke(folder, ["fit", "d.csv", "-t", columns[target], "--alpha", str(ALPHA),
                                  "--out", "model", "-q"])  # fmt: skip
        if fitted.exit_code == 2:
            counts["clear error (fit)"] += 1
            return
        predicted = _invoke(folder, ["predict", "model", "d.csv", "--out", "p.csv", "-q"])
        assert predicted.exit_code == 0, predicted.output
        got = pd.read_csv(folder / "p.csv")["prediction"].to_numpy()
    X = _expected_design(features, n_rows)
    expected = Lasso(alpha=ALPHA, standardize=True).fit(X, y).predict(X)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)
    counts["correct"] += 1


@pytest.fixture(scope="module")
def fitted_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.standard_normal((30, 3)), columns=["a", "b", "c"])
    frame["colour"] = rng.choice(["red", "blue", "green"], size=30)
    frame["y"] = frame.a - 2 * frame.b + rng.standard_normal(30)
    frame.to_csv(folder / "d.csv", index=False)
    _invoke(folder, ["fit", "d.csv", "-t", "y", "--alpha", "0.05", "--out", "model", "-q"])
    return folder, json.loads((folder / "model" / "model.json").read_text())


def _predict_with(folder: Path, content: bytes):
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        model = Path(scratch) / "model"
        model.mkdir()
        (model / "model.json").write_bytes(content)
        return _invoke(folder, ["predict", str(model), "d.csv", "--json"])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),  # fmt: skip
    max_leaves=20,
)


@SETTINGS
@given(st.one_of(st.binary(max_size=400), json_values.map(lambda v: json.dumps(v).encode())))
def test_random_model_file_is_not_a_valid_model(fitted_model, content):
    folder, _ = fitted_model
    COUNTS["random_model_file"]["tried"] += 1
    result = _predict_with(folder, content)
    assert result.exit_code == 2 and "is not a valid model file: " in result.stderr
    COUNTS["random_model_file"]["clear error"] += 1


def _paths(value, prefix=()):
    """Every (path, value) inside a JSON document."""
    yield prefix, value
    if isinstance(value, (dict, list)):
        for key, item in value.items() if isinstance(value, dict) else enumerate(value):
            yield from _paths(item, (*prefix, key))


@SETTINGS
@given(st.data())
def test_damaged_model_file_predicts_or_fails_clearly(fitted_model, data):
    folder, document = fitted_model
    document = json.loads(json.dumps(document))
    counts = COUNTS["damaged_model_file"]
    locations = [path for path, _ in _paths(document) if path]
    path = data.draw(st.sampled_from(locations))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(json_values)
    counts["tried"] += 1
    result = _predict_with(folder, json.dumps(document).encode())
    if result.exit_code == 2:
        counts["clear error"] += 1
        return
    predictions = np.asarray(json.loads(result.stdout)["predictions"])
    assert predictions.shape == (30,)
    if document["task"] == "regression":
        assert np.all(np.isfinite(predictions.astype(float)))
    counts["predicted"] += 1
