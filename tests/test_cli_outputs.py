"""The command line's outputs under hostile conditions: outputs that cannot be written
(checked before the work), a model folder replaced in one step, writers killed mid-way.
Each gives exit code 0 or 2, never 1."""

import errno
import json
import multiprocessing
import os
import pathlib
import random
import signal
import time

import numpy as np
import pandas as pd
import pytest

from _cli import FIT, fails_cleanly, invoke, write_good_csv
from shrinkage import Lasso
from shrinkage.cli import atomic
from shrinkage.cli.model_io import document_writers, load_model, model_document


@pytest.fixture
def good(tmp_path):
    return write_good_csv(tmp_path)


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
    fails_cleanly(good, [*OUTPUT_COMMANDS[command], target], "'good.csv'", "is not a folder")


@pytest.mark.skipif(not pathlib.Path("/proc/self").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("command", list(OUTPUT_COMMANDS))
def test_output_under_proc_fails_before_the_work(good, command, monkeypatch):
    for name in ("fit_quietly", "run_path"):
        monkeypatch.setattr(f"shrinkage.cli.models.{name}", _must_not_run)
    monkeypatch.setattr("shrinkage.cli.publish.load_data", _must_not_run)
    target = f"/proc/{SUFFIX[command]}"
    fails_cleanly(good, [*OUTPUT_COMMANDS[command], target], f"cannot write {target!r}")


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("command", ["fit", "path", "cv"])
def test_full_disk_is_found_before_the_work(good, command, monkeypatch):
    monkeypatch.setattr("shrinkage.cli.models.fit_quietly", _must_not_run)
    monkeypatch.setattr("shrinkage.cli.models.run_path", _must_not_run)
    monkeypatch.setattr(os, "write", _no_space)
    fails_cleanly(good, [*OUTPUT_COMMANDS[command], SUFFIX[command]], "No space left on device")


@pytest.mark.parametrize("command", ["fit", "path", "cv"])
def test_full_disk_while_writing_is_exit_2_and_leaves_nothing(good, command, monkeypatch):
    monkeypatch.setattr(pathlib.Path, "write_text", _no_space)
    result = fails_cleanly(good, [*OUTPUT_COMMANDS[command], SUFFIX[command]], "(ENOSPC)")
    assert f"could not write '{SUFFIX[command]}'" in result.stderr


def test_predict_output_under_proc(good):
    if not pathlib.Path("/proc/self").is_dir():
        pytest.skip("needs Linux /proc")
    invoke(good, ["fit", "good.csv", "-t", "y", *FIT], 0)
    fails_cleanly(good, ["predict", "model", "good.csv", "--out", "/proc/p.csv"], "cannot write")


# -- the model folder is replaced in one step -----------------------------------------------


def test_model_folder_is_replaced_whole_and_keeps_its_mode(good):
    invoke(good, ["fit", "good.csv", "-t", "y", *FIT], 0)
    os.chmod(good / "model", 0o750)
    (good / "model" / ".model.json.abcd1234.tmp.json").write_text("left by a killed write")
    invoke(good, ["fit", "good.csv", "-t", "y", "--alpha", "1", "--out", "model", "--force"], 0)
    assert json.loads((good / "model" / "model.json").read_text())["parameters"]["alpha"] == 1.0
    assert sorted(os.listdir(good / "model")) == ["coef.csv", "model.json", "path.csv"]
    assert os.stat(good / "model").st_mode & 0o777 == 0o750
    assert sorted(os.listdir(good)) == ["good.csv", "model"]


def test_folder_with_other_files_is_not_replaced(good):
    (good / "model").mkdir()
    (good / "model" / "notes.txt").write_text("mine")
    fails_cleanly(good, ["fit", "good.csv", "-t", "y", *FIT, "--force"], "holds other files",
           "'notes.txt'")  # fmt: skip
    fails_cleanly(good, ["fit", "good.csv", "-t", "y", "--alpha", "0.1", "--out", ".", "--force"],
           "current folder")  # fmt: skip


def test_without_atomic_exchange_the_folder_is_still_complete(good, monkeypatch):
    invoke(good, ["fit", "good.csv", "-t", "y", *FIT], 0)
    monkeypatch.setattr(atomic, "exchange", lambda first, second: False)
    invoke(good, ["fit", "good.csv", "-t", "y", "--alpha", "1", "--out", "model", "--force"], 0)
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
    invoke(good, ["fit", "good.csv", "-t", "y", *FIT], 0)
    pid = _dead_pid()
    (good / f".model.tmp-{pid}-x1").mkdir()
    (good / f".model.tmp-{pid}-x1" / "model.json").write_text("{}")
    (good / f".p.csv.tmp-{pid}-x2.csv").write_text("half")
    alive = good / f".model.tmp-{os.getppid()}-x3"  # a running writer's: kept
    alive.mkdir()
    invoke(good, ["fit", "good.csv", "-t", "y", *FIT, "--force"], 0)
    invoke(good, ["path", "good.csv", "-t", "y", "--out", "p.csv"], 0)
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
