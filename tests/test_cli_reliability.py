"""The command line under hostile conditions: duplicate and very many columns, tampered
model files, outputs that cannot be written, writers killed mid-way, and names that
matplotlib would read as mathtext. Each gives exit code 0 or 2, never 1."""

import csv
import errno
import json
import multiprocessing
import os
import pathlib
import random
import signal
import time
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from shrinkage import Lasso
from shrinkage.cli import atomic, io
from shrinkage.cli.main import cli
from shrinkage.cli.model_io import document_writers, load_model, model_document

FIT = ["--alpha", "0.1", "--out", "model"]


def _listing(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def _invoke(folder, args, code):
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    return result


def _fails(folder, args, *fragments):
    """Exit code 2, each fragment in the message, the folder unchanged."""
    before = _listing(folder)
    result = _invoke(folder, args, 2)
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert _listing(folder) == before
    return result


@pytest.fixture
def good(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    frame["y"] = X @ [1.0, -2.0, 0.0] + 0.1 * rng.standard_normal(40)
    frame.to_csv(tmp_path / "good.csv", index=False)
    return tmp_path


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
    _fails(tmp_path, ["fit", "d.csv", "-t", "y", *FIT], "duplicate column names", listed)


def test_duplicate_names_in_predict_data(good):
    _invoke(good, ["fit", "good.csv", "-t", "y", *FIT], 0)
    text = (good / "good.csv").read_text().splitlines()
    text[0] = "a,b,a,y"
    (good / "dup.csv").write_text("\n".join(text) + "\n")
    _fails(good, ["predict", "model", "dup.csv"], "'a' (columns 1, 3)")


def test_duplicate_names_in_parquet(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    columns = [pa.array(np.arange(6.0) * k) for k in (1, 2, 3)]
    pq.write_table(pa.table(columns, names=["y", "a", "y"]), tmp_path / "d.parquet")
    _fails(tmp_path, ["fit", "d.parquet", "-t", "y", *FIT], "'y' (columns 1, 3)")


# -- very wide files -----------------------------------------------------------------------


def test_header_only_csv_with_a_million_columns_fails_fast(tmp_path):
    n_columns = 10**6
    with open(tmp_path / "wide.csv", "w") as handle:
        handle.write(",".join(f"c{j}" for j in range(n_columns)) + ",y\n")
    start = time.perf_counter()
    result = _invoke(tmp_path, ["fit", "wide.csv", "-t", "y", *FIT], 2)
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
    assert seconds < 10.0  # the quadratic version took over 30 s


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
    _invoke(folder, ["fit", "good.csv", "-t", "y", *FIT], 0)
    return json.loads((folder / "model" / "model.json").read_text())


@pytest.mark.parametrize("variant", list(TAMPERED))
def test_tampered_model_file_is_exit_2(good, variant):
    text = TAMPERED[variant](_fit_model(good))
    path = good / "model" / "model.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    _fails(
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
    _fails(good, ["predict", "model", "good.csv"], "coef.csv' is not a valid model file: ")


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
    _fails(good, ["predict", "model", "good.csv"], f"{overflow} of 40 predictions overflow")


# -- outputs that cannot be written --------------------------------------------------------


def _must_not_run(*args, **kwargs):
    raise AssertionError("the work started before the output was checked")


OUTPUT_COMMANDS = {
    "fit": ["fit", "good.csv", "-t", "y", "--alpha", "0.1", "--out"],
    "path": ["path", "good.csv", "-t", "y", "--out"],
    "cv": ["cv", "good.csv", "-t", "y", "--out"],
    "report": ["report", "good.csv", "-t", "y", "--out"],
}
SUFFIX = {"fit": "model", "path": "p.csv", "cv": "cv.csv", "report": "r.html"}


@pytest.mark.parametrize("command", list(OUTPUT_COMMANDS))
def test_output_below_a_regular_file_is_exit_2(good, command):
    target = f"good.csv/{SUFFIX[command]}"
    _fails(good, [*OUTPUT_COMMANDS[command], target], "'good.csv'", "is not a folder")


@pytest.mark.skipif(not pathlib.Path("/proc/self").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("command", list(OUTPUT_COMMANDS))
def test_output_under_proc_fails_before_the_work(good, command, monkeypatch):
    for name in ("fit_quietly", "run_path"):
        monkeypatch.setattr(f"shrinkage.cli.models.{name}", _must_not_run)
    monkeypatch.setattr("shrinkage.cli.publish.load_data", _must_not_run)
    target = f"/proc/{SUFFIX[command]}"
    _fails(good, [*OUTPUT_COMMANDS[command], target], f"cannot write {target!r}")


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("command", ["fit", "path", "cv"])
def test_full_disk_is_found_before_the_work(good, command, monkeypatch):
    monkeypatch.setattr("shrinkage.cli.models.fit_quietly", _must_not_run)
    monkeypatch.setattr("shrinkage.cli.models.run_path", _must_not_run)
    monkeypatch.setattr(os, "write", _no_space)
    _fails(good, [*OUTPUT_COMMANDS[command], SUFFIX[command]], "No space left on device")


@pytest.mark.parametrize("command", ["fit", "path", "cv"])
def test_full_disk_while_writing_is_exit_2_and_leaves_nothing(good, command, monkeypatch):
    monkeypatch.setattr(pathlib.Path, "write_text", _no_space)
    result = _fails(good, [*OUTPUT_COMMANDS[command], SUFFIX[command]], "(ENOSPC)")
    assert f"could not write '{SUFFIX[command]}'" in result.stderr


def test_predict_output_under_proc(good):
    if not pathlib.Path("/proc/self").is_dir():
        pytest.skip("needs Linux /proc")
    _invoke(good, ["fit", "good.csv", "-t", "y", *FIT], 0)
    _fails(good, ["predict", "model", "good.csv", "--out", "/proc/p.csv"], "cannot write")


# -- the model folder is replaced in one step -----------------------------------------------


def test_model_folder_is_replaced_whole_and_keeps_its_mode(good):
    _invoke(good, ["fit", "good.csv", "-t", "y", *FIT], 0)
    os.chmod(good / "model", 0o750)
    (good / "model" / ".model.json.abcd1234.tmp.json").write_text("left by a killed write")
    _invoke(good, ["fit", "good.csv", "-t", "y", "--alpha", "1", "--out", "model", "--force"], 0)
    assert json.loads((good / "model" / "model.json").read_text())["parameters"]["alpha"] == 1.0
    assert sorted(os.listdir(good / "model")) == ["coef.csv", "model.json", "path.csv"]
    assert os.stat(good / "model").st_mode & 0o777 == 0o750
    assert sorted(os.listdir(good)) == ["good.csv", "model"]


def test_folder_with_other_files_is_not_replaced(good):
    (good / "model").mkdir()
    (good / "model" / "notes.txt").write_text("mine")
    _fails(good, ["fit", "good.csv", "-t", "y", *FIT, "--force"], "holds other files",
           "'notes.txt'")  # fmt: skip
    _fails(good, ["fit", "good.csv", "-t", "y", "--alpha", "0.1", "--out", ".", "--force"],
           "current folder")  # fmt: skip


def test_without_atomic_exchange_the_folder_is_still_complete(good, monkeypatch):
    _invoke(good, ["fit", "good.csv", "-t", "y", *FIT], 0)
    monkeypatch.setattr(atomic, "exchange", lambda first, second: False)
    _invoke(good, ["fit", "good.csv", "-t", "y", "--alpha", "1", "--out", "model", "--force"], 0)
    load_model(good / "model")  # model.json and coef.csv agree
    assert sorted(os.listdir(good)) == ["good.csv", "model"]


def _dead_pid():
    for pid in range(4_000_000, 4_100_000):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except OSError:
            continue
    pytest.skip("no free process id found")


def test_stale_temporaries_of_killed_writers_are_removed(good):
    _invoke(good, ["fit", "good.csv", "-t", "y", *FIT], 0)
    pid = _dead_pid()
    (good / f".model.tmp-{pid}-x1").mkdir()
    (good / f".model.tmp-{pid}-x1" / "model.json").write_text("{}")
    (good / f".p.csv.tmp-{pid}-x2.csv").write_text("half")
    alive = good / f".model.tmp-{os.getppid()}-x3"  # a running writer's: kept
    alive.mkdir()
    _invoke(good, ["fit", "good.csv", "-t", "y", *FIT, "--force"], 0)
    _invoke(good, ["path", "good.csv", "-t", "y", "--out", "p.csv"], 0)
    assert sorted(os.listdir(good)) == sorted(["good.csv", "model", "p.csv", alive.name])


def _with_fit_id(document, fit_id):
    """The document of a fit numbered ``fit_id``: intercept and coefficients record it."""
    names = document["coefficients"]
    return {**document, "intercept": float(fit_id),
            "coefficients": dict.fromkeys(names, fit_id + 0.5)}  # fmt: skip


def _writer(folder, document, first, rounds):
    """Child process: replace the folder again and again."""
    for fit_id in range(first, first + rounds):
        atomic.write_files_into(folder, document_writers(_with_fit_id(document, fit_id)))
    os._exit(0)


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods() or not hasattr(signal, "SIGKILL"),
    reason="needs fork and SIGKILL",
)
def test_writer_killed_at_random_times_leaves_old_or_new_pair(tmp_path):
    rng = np.random.default_rng(11)
    X = rng.standard_normal((20, 3))
    schema = {"columns": [{"name": n, "dtype": "float64", "kind": "numeric"} for n in "abc"],
              "encoding": {}, "features": list("abc"), "target": "y", "task": "regression",
              "classes": None}  # fmt: skip
    fitted = Lasso(alpha=0.1).fit(X, X @ [1.0, 0.0, -1.0])
    document = model_document(fitted, schema, parameters={}, command="test")
    document["n_nonzero"] = 3
    folder = tmp_path / "model"
    start = time.perf_counter()
    atomic.write_files_into(folder, document_writers(_with_fit_id(document, 0)))
    one_write = time.perf_counter() - start
    context, delays, last = multiprocessing.get_context("fork"), random.Random(5), 0.0
    for trial in range(30):
        child = context.Process(target=_writer, args=(folder, document, 1000 * (trial + 1), 999))
        child.start()
        time.sleep(delays.uniform(0.0, 8 * one_write))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        saved = json.loads((folder / "model.json").read_text())
        table = pd.read_csv(folder / "coef.csv")
        # model.json and coef.csv hold the same fit: the old pair or the new one
        np.testing.assert_array_equal(
            table["coefficient"], [saved["intercept"], *saved["coefficients"].values()]
        )
        assert set(saved["coefficients"].values()) == {saved["intercept"] + 0.5}
        assert saved["intercept"] >= last
        last = saved["intercept"]
        load_model(folder)
    atomic.write_files_into(folder, document_writers(document))  # removes the dead ones'
    assert sorted(os.listdir(tmp_path)) == ["model"]
    assert sorted(os.listdir(folder)) == ["coef.csv", "model.json"]
    assert last > 0


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
    _invoke(tmp_path, ["path", "odd.csv", "-t", "y", "--n-alphas", "10", "--out", "p.png"], 0)
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_with_odd_names(tmp_path):
    _odd_table(tmp_path)
    _invoke(tmp_path, ["report", "odd.csv", "-t", "y", "--cv", "3", "--out", "r.html"], 0)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3
