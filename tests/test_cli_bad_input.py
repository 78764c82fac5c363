"""Bad input to the ``shrinkage`` command: exit code 2, a message naming the problem, and
nothing written (no output, no partial or temporary file)."""

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from shrinkage.cli import DataError, atomic
from shrinkage.cli.main import cli


def _listing(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def _fails(folder, args, *fragments, code=2):
    """Run in ``folder``; assert the exit code, the message and an unchanged folder."""
    before = _listing(folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == code, result.output
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert _listing(folder) == before
    return result


def _csv(folder, name, text, encoding="utf-8"):
    (folder / name).write_bytes(text.encode(encoding))
    return name


@pytest.fixture
def good(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    frame["y"] = X @ [1.0, -2.0, 0.0] + 0.1 * rng.standard_normal(40)
    frame.to_csv(tmp_path / "good.csv", index=False)
    return tmp_path


FIT = ["--alpha", "0.1", "--out", "model"]


def test_missing_file(tmp_path):
    _fails(tmp_path, ["fit", "absent.csv", "--target", "y", *FIT], "absent.csv", "does not exist")


def test_unknown_target_column(good):
    _fails(good, ["fit", "good.csv", "--target", "z", *FIT],
           "target column 'z' not found", "'a', 'b', 'c', 'y'")  # fmt: skip


def test_constant_target(tmp_path):
    _csv(tmp_path, "d.csv", "a,y\n1,5\n2,5\n3,5\n")
    _fails(tmp_path, ["fit", "d.csv", "--target", "y", *FIT], "'y' has a constant value (5")


@pytest.mark.parametrize("labels, task", [("x,x,x", "auto"), ("1,1,1", "classification")])
def test_target_with_one_class(tmp_path, labels, task):
    values = labels.split(",")
    _csv(tmp_path, "d.csv", "a,y\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values)))
    _fails(tmp_path, ["fit", "d.csv", "--target", "y", "--task", task, *FIT],
           "'y' has only one class")  # fmt: skip


def test_classification_needs_two_classes(tmp_path):
    _csv(tmp_path, "d.csv", "a,y\n1,p\n2,q\n3,r\n4,p\n")
    _fails(tmp_path, ["fit", "d.csv", "--target", "y", *FIT], "not numeric and has 3 classes")


def test_all_nan_column(tmp_path):
    _csv(tmp_path, "d.csv", "a,empty,y\n1,,3\n2,,4\n3,,6\n")
    for extra in ([], ["--dropna"]):  # dropping rows cannot rescue an empty column
        _fails(tmp_path, ["fit", "d.csv", "--target", "y", *extra, *FIT],
               "'empty' contain only missing values")  # fmt: skip


def test_missing_values_name_columns_and_counts(tmp_path):
    _csv(tmp_path, "d.csv", "a,b,y\n1,,3\n2,1,\n3,1,6\n4,,1\n5,2,2\n")
    _fails(
        tmp_path,
        ["fit", "d.csv", "--target", "y", *FIT],
        "missing values in 2 column(s): 'b' (2), 'y' (1)",
        "3 of 5 rows",
        "--dropna",
    )


def test_non_utf8_csv(tmp_path):
    _csv(tmp_path, "d.csv", "ville,y\nSète,1\nNîmes,2\nAlès,4\n", encoding="latin-1")
    _fails(tmp_path, ["fit", "d.csv", "--target", "y", *FIT],
           "not valid utf-8 text", "byte 0xe8", "--encoding latin-1")  # fmt: skip
    _fails(tmp_path, ["fit", "d.csv", "--target", "y", "--encoding", "no-such", *FIT],
           "unknown encoding 'no-such'")  # fmt: skip


@pytest.mark.parametrize(
    "name, content, fragment",
    [("header.csv", "a,b,y\n", "has 0 rows"), ("blank.csv", "", "is empty")],
)
def test_zero_row_file(tmp_path, name, content, fragment):
    _csv(tmp_path, name, content)
    _fails(tmp_path, ["fit", name, "--target", "y", *FIT], fragment)


def test_zero_row_parquet(tmp_path):
    pd.DataFrame({"a": pd.Series([], dtype=float), "y": pd.Series([], dtype=float)}).to_parquet(
        tmp_path / "d.parquet"
    )
    _fails(tmp_path, ["fit", "d.parquet", "--target", "y", *FIT], "has 0 rows")


def test_column_names_collide_after_encoding(tmp_path):
    _csv(tmp_path, "d.csv", "colour,colour_red,y\nred,1,1\nblue,0,2\nred,1,4\n")
    _fails(
        tmp_path,
        ["fit", "d.csv", "--target", "y", *FIT],
        "collide after one-hot encoding",
        "'colour_red' from 'colour', 'colour_red'",
    )


def test_no_encode_rejects_categorical_columns(tmp_path):
    _csv(tmp_path, "d.csv", "colour,size,a,y\nred,s,1,1\nblue,m,0,2\nred,l,1,4\n")
    _fails(tmp_path, ["fit", "d.csv", "--target", "y", "--no-encode", *FIT],
           "categorical (non-numeric) column(s) 'colour', 'size'")  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [
        ["fit", "good.csv", "-t", "y", "--alpha", "0.1", "--out", "nowhere/model"],
        ["path", "good.csv", "-t", "y", "--out", "nowhere/path.csv"],
        ["cv", "good.csv", "-t", "y", "--out", "nowhere/cv.csv"],
        ["report", "good.csv", "-t", "y", "--out", "nowhere/report.html"],
        ["demo", "--out", "nowhere/report.html"],
        ["lab", "--out", "nowhere/figures"],
    ],
    ids=["fit", "path", "cv", "report", "demo", "lab"],
)
def test_output_in_missing_directory(good, args):
    _fails(good, args, "'nowhere'", "does not exist")


def test_predict_output_in_missing_directory(good):
    CliRunner().invoke(cli, ["fit", str(good / "good.csv"), "-t", "y", "--alpha", "0.1",
                             "--out", str(good / "model")])  # fmt: skip
    _fails(good, ["predict", "model", "good.csv", "--out", "nowhere/p.csv"], "does not exist")


def test_predict_checks_the_schema(good):
    CliRunner().invoke(cli, ["fit", str(good / "good.csv"), "-t", "y", "--alpha", "0.1",
                             "--out", str(good / "model")])  # fmt: skip
    frame = pd.read_csv(good / "good.csv")
    frame.drop(columns=["b"]).assign(extra=1.0).to_csv(good / "other.csv", index=False)
    _fails(good, ["predict", "model", "other.csv"],
           "missing column(s) 'b'", "other column(s) 'extra'")  # fmt: skip
    frame.assign(a="text").to_csv(good / "text.csv", index=False)
    _fails(good, ["predict", "model", "text.csv"], "column 'a' was numeric")
    _fails(good, ["predict", ".", "good.csv"], "does not exist (run shrinkage fit)")
    _fails(good, ["predict", "good.csv", "good.csv"], "is not a valid model file: not JSON")


@pytest.mark.parametrize(
    "extra, fragment",
    [
        (["--alpha", "0.1", "--cv", "3"], "either --alpha"),
        (["--alpha", "-1"], "--alpha must be >= 0"),
        (["--alpha", "0.1", "--l1-ratio", "0.5"], "--l1-ratio only applies to --penalty enet"),
        (["--penalty", "enet", "--l1-ratio", "1.5", "--alpha", "1"], "strictly between 0 and 1"),
        (["--cv", "1"], "--cv must be between 2"),
        (["--penalty", "l3", "--alpha", "1"], "'l3' is not one of"),
    ],
)
def test_bad_options(good, extra, fragment):
    _fails(good, ["fit", "good.csv", "-t", "y", "--out", "model", *extra], fragment)


def test_constant_feature_with_standardize_names_the_column(tmp_path):
    _csv(tmp_path, "d.csv", "a,k,y\n1,1,3\n2,1,4\n3,1,6\n4,1,1\n")
    _fails(tmp_path, ["fit", "d.csv", "-t", "y", *FIT], "zero variance: k", "--no-standardize")


def test_existing_output_needs_force(good):
    (good / "p.csv").write_text("keep me")
    _fails(good, ["path", "good.csv", "-t", "y", "--out", "p.csv"], "already exists", "--force")
    assert (good / "p.csv").read_text() == "keep me"


def test_internal_error_exit_1_without_traceback(good, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr("shrinkage.cli.models.run_path", broken)
    result = _fails(
        good,
        ["path", "good.csv", "-t", "y", "--out", "p.csv"],
        "internal error (RuntimeError: solver exploded)",
        "--debug",
        code=1,
    )
    assert "Traceback" not in result.stderr
    with pytest.raises(RuntimeError, match="solver exploded"):
        CliRunner().invoke(
            cli,
            ["path", str(good / "good.csv"), "-t", "y", "--out", str(good / "p.csv"), "--debug"],
            catch_exceptions=False,
        )


def test_atomic_write_failure_leaves_nothing(tmp_path):
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "model.json").write_text("old")

    def fails(path):
        path.write_text("half")
        raise OSError(28, "No space left on device")

    for folder in ("new", "keep"):
        with pytest.raises(DataError, match=f"could not write '.*{folder}'.*ENOSPC"):
            atomic.write_files_into(tmp_path / folder, {"coef.csv": lambda p: p.write_text("x"),
                                                        "model.json": fails})  # fmt: skip
    assert _listing(tmp_path) == ["keep", "keep/model.json"]
    assert (tmp_path / "keep" / "model.json").read_text() == "old"
