"""The command line under hostile conditions: duplicate and very many columns, tampered
model files, and names that matplotlib would read as mathtext. Each gives exit code 0 or
2, never 1. Outputs that cannot be written, and writers killed mid-way:
``tests/test_cli_outputs.py``."""

import csv
import json
import random
import time
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from _cli import FIT, fails_cleanly, invoke, write_good_csv
from shrinkage.cli import io


@pytest.fixture
def good(tmp_path):
    return write_good_csv(tmp_path)


# -- duplicate column names ----------------------------------------------------------------


@pytest.mark.parametrize(
    "header, listed",
    [
        ("y,a,y", "'y' (columns 1, 3)"),  # pandas would read the second y as feature 'y.1'
        ("a,b,a,y", "'a' (columns 1, 3)"),
        ('"x, 1",y,"x, 1"', "'x, 1' (columns 1, 3)"),
    ],
)
def test_duplicate_column_names_are_an_error(tmp_path, header, listed):
    n_fields = len(next(csv.reader([header])))
    rows = [",".join(str((i * 7 + j) % 5) for j in range(n_fields)) for i in range(9)]
    (tmp_path / "d.csv").write_text("\n".join([header, *rows]) + "\n")
    fails_cleanly(tmp_path, ["fit", "d.csv", "-t", "y", *FIT], "duplicate column names", listed)


@pytest.mark.parametrize(
    "header",
    [
        "\r,a,y",  # a column named by a carriage return, unquoted: pandas reads a line break
        "a,y",  # a name missing
    ],
)
def test_a_header_shorter_than_the_rows_is_an_error(tmp_path, header):
    # pandas would take the rows' first field as their index: a column lost, the rest shifted
    rows = [",".join(str((i * 7 + j) % 5) for j in range(3)) for i in range(9)]
    (tmp_path / "d.csv").write_bytes(("\n".join([header, *rows]) + "\n").encode())
    fails_cleanly(tmp_path, ["fit", "d.csv", "-t", "y", *FIT], "the rows have 3 fields",
                  "the header names 2")  # fmt: skip


def test_duplicate_names_in_predict_data(good):
    invoke(good, ["fit", "good.csv", "-t", "y", *FIT], 0)
    text = (good / "good.csv").read_text().splitlines()
    text[0] = "a,b,a,y"
    (good / "dup.csv").write_text("\n".join(text) + "\n")
    fails_cleanly(good, ["predict", "model", "dup.csv"], "'a' (columns 1, 3)")


def test_duplicate_names_in_parquet(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    columns = [pa.array(np.arange(6.0) * k) for k in (1, 2, 3)]
    pq.write_table(pa.table(columns, names=["y", "a", "y"]), tmp_path / "d.parquet")
    fails_cleanly(tmp_path, ["fit", "d.parquet", "-t", "y", *FIT], "'y' (columns 1, 3)")


# -- very wide files -----------------------------------------------------------------------


def test_header_only_csv_with_a_million_columns_fails_fast(tmp_path):
    n_columns = 10**6
    with open(tmp_path / "wide.csv", "w") as handle:
        handle.write(",".join(f"c{j}" for j in range(n_columns)) + ",y\n")
    start = time.perf_counter()
    result = invoke(tmp_path, ["fit", "wide.csv", "-t", "y", *FIT], 2)
    seconds = time.perf_counter() - start
    assert seconds < 20.0  # pandas alone needs minutes for this header
    assert f"{n_columns - 11} more" in result.stderr and "0 rows" in result.stderr


def test_column_handling_is_linear():
    rng = np.random.default_rng(0)
    n_columns = 40_000
    frame = pd.DataFrame(rng.standard_normal((3, n_columns)),
                         columns=[f"c{j}" for j in range(n_columns)])  # fmt: skip
    frame["y"] = [1.0, 2.0, 4.0]
    start = time.perf_counter()
    table = io.prepare(frame, "y")
    X = io.encode_with_schema(frame, table.schema, [])
    seconds = time.perf_counter() - start
    assert X.shape == (3, n_columns)
    np.testing.assert_array_equal(X.to_numpy(), frame.drop(columns="y").to_numpy())
    assert seconds < 10.0  # linear in the number of columns


# -- tampered model files ------------------------------------------------------------------


def _edit(document, change):
    document = json.loads(json.dumps(document))
    change(document)
    return json.dumps(document)


def _set(path, value):
    def change(document):
        *keys, last = path
        for key in keys:
            document = document[key]
        if value is KeyError:
            del document[last]
        else:
            document[last] = value

    return change


def _literal(path, text):
    """The document with the value at ``path`` replaced by raw JSON ``text``."""
    return lambda d: _edit(d, _set(path, "@literal@")).replace('"@literal@"', text)


TAMPERED = {
    "intercept a string": lambda d: _edit(d, _set(["intercept"], "0.5")),
    "coefficients a list": lambda d: _edit(d, _set(["coefficients"], [1.0, 2.0, 3.0])),
    "coefficient true": lambda d: _edit(d, _set(["coefficients", "a"], True)),
    "task unknown": lambda d: _edit(d, _set(["task"], "ranking")),
    "columns a string": lambda d: _edit(d, _set(["schema", "columns"], "a,b,c")),
    "no coefficients": lambda d: _edit(d, _set(["coefficients"], KeyError)),
    "no features": lambda d: _edit(d, _set(["schema", "features"], KeyError)),
    "no schema": lambda d: _edit(d, _set(["schema"], KeyError)),
    "feature renamed": lambda d: _edit(d, _set(["schema", "features", 0], "zz")),
    "classes for regression": lambda d: _edit(d, _set(["schema", "classes"], [0, 1])),
    "n_nonzero wrong": lambda d: _edit(d, _set(["n_nonzero"], 99)),
    "format_version 0": lambda d: _edit(d, _set(["format_version"], 0)),
    "format_version newer": lambda d: _edit(d, _set(["format_version"], 10**30)),
    "huge integer": _literal(["intercept"], "1" + "0" * 400),
    "over-long integer": _literal(["n_rows"], "9" * 5000),
    "NaN": lambda d: _edit(d, _set(["coefficients", "b"], float("nan"))),
    "Infinity": lambda d: _edit(d, _set(["intercept"], float("-inf"))),
    "1e999": _literal(["intercept"], "1e999"),
    "deep nesting": _literal(["deep"], "[" * 100_000 + "]" * 100_000),
    "duplicate key": _literal(["task"], '"regression", "task": "regression"'),
    "a list": lambda d: "[1, 2, 3]",
    "empty": lambda d: "",
    "random bytes": lambda d: random.Random(7).randbytes(300),
}


def _fit_model(folder):
    invoke(folder, ["fit", "good.csv", "-t", "y", *FIT], 0)
    return json.loads((folder / "model" / "model.json").read_text())


@pytest.mark.parametrize("variant", list(TAMPERED))
def test_tampered_model_file_is_exit_2(good, variant):
    text = TAMPERED[variant](_fit_model(good))
    path = good / "model" / "model.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    fails_cleanly(
        good, ["predict", "model", "good.csv"], "'model/model.json' is not a valid model file: "
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda text: text.replace("\n(intercept),", "\n(intercept),1", 1),  # another number
        lambda text: "\n".join(text.splitlines()[:-1]) + "\n",  # a row missing
        lambda text: text.replace("coefficient", "weight", 1),  # a column renamed
        lambda text: "\x00\xff garbage",
    ],
    ids=["value", "row", "header", "garbage"],
)
def test_coef_file_must_match_model_file(good, change):
    _fit_model(good)
    path = good / "model" / "coef.csv"
    path.write_text(change(path.read_text()))
    fails_cleanly(good, ["predict", "model", "good.csv"], "coef.csv' is not a valid model file: ")


def test_predictions_that_overflow_are_exit_2(good):
    document = _fit_model(good)
    document["coefficients"]["a"] = document["intercept"] = 1.7e308
    (good / "model" / "model.json").write_text(json.dumps(document))
    (good / "model" / "coef.csv").unlink()
    frame = pd.read_csv(good / "good.csv")
    coef = np.array([document["coefficients"][name] for name in "abc"])
    with np.errstate(over="ignore", invalid="ignore"):
        overflow = np.count_nonzero(~np.isfinite(frame[list("abc")] @ coef + 1.7e308))
    assert 0 < overflow < 40
    fails_cleanly(good, ["predict", "model", "good.csv"], f"{overflow} of 40 predictions overflow")


# -- names that matplotlib would read as mathtext -------------------------------------------

ODD_NAMES = ["cost_$_per_$_unit", "$x$", "a\\b", "50% share", "{set}", "_hidden"]


def _figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure()
    FigureCanvasAgg(figure)  # a canvas that really draws (and parses mathtext)
    return figure


def test_plain_text_draws_names_literally():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from shrinkage.plots import plain_text

    figure = _figure()
    ax = figure.subplots()
    for name in ODD_NAMES:
        escaped = ax.text(0, 0, plain_text(name))
        literal = ax.text(0, 0, name, parse_math=False)
        figure.canvas.draw()
        assert escaped.get_window_extent().width == literal.get_window_extent().width
    assert plain_text("plain", usetex=False) == "plain"


def test_plots_draw_odd_feature_names():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from shrinkage import plots
    from shrinkage.lab import threshold

    X = threshold.orthonormal_design(30, len(ODD_NAMES))
    check = threshold.kkt_check(X, X[:, 0], np.zeros(len(ODD_NAMES)), 0.0, 0.1)
    path = SimpleNamespace(feature_names=ODD_NAMES, alphas=np.array([1.0, 0.1]), name="lasso",
                           coefs=np.ones((2, len(ODD_NAMES))), n_zeros=np.zeros(2))  # fmt: skip
    drawn = {
        "kkt": lambda ax: [t.get_text() for t in plots.plot_kkt(check, ODD_NAMES, ax=ax)
                           .get_xticklabels()],
        "path": lambda ax: plots.plot_penalty_path(path, ax=ax).get_legend_handles_labels()[1],
    }  # fmt: skip
    for draw in drawn.values():
        figure = _figure()
        labels = draw(figure.subplots())
        figure.canvas.draw()  # mathtext would raise here
        assert len(labels) == len(ODD_NAMES)  # a legend drops a label starting with "_"


def _odd_table(folder):
    rng = np.random.default_rng(4)
    frame = pd.DataFrame(rng.standard_normal((50, 5)), columns=ODD_NAMES[:5])
    frame["y"] = frame.iloc[:, :3] @ [2.0, -1.0, 1.5] + 0.1 * rng.standard_normal(50)
    frame.to_csv(folder / "odd.csv", index=False)


def test_path_plot_with_odd_names(tmp_path):
    _odd_table(tmp_path)
    invoke(tmp_path, ["path", "odd.csv", "-t", "y", "--n-alphas", "10", "--out", "p.png"], 0)
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_with_odd_names(tmp_path):
    _odd_table(tmp_path)
    invoke(tmp_path, ["report", "odd.csv", "-t", "y", "--cv", "3", "--out", "r.html"], 0)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3
