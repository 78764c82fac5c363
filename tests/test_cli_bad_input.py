"""Bad input to the ``shrinkage`` command: exit code 2, a message naming the problem, and
nothing written (no output, no partial or temporary file)."""

import pandas as pd
import pytest
from click.testing import CliRunner

from _cli import FIT, fails_cleanly, listing, write_good_csv
from shrinkage.cli import DataError, atomic
from shrinkage.cli.main import cli


def _csv(folder, name, text, encoding="utf-8"):
    (folder / name).write_bytes(text.encode(encoding))
    return name


def _fit_fails(folder, text, *fragments, options=(), encoding="utf-8"):
    """``text`` as ``d.csv``: fitting it fails cleanly with each fragment in the message."""
    _csv(folder, "d.csv", text, encoding)
    return fails_cleanly(folder, ["fit", "d.csv", "--target", "y", *options, *FIT], *fragments)


@pytest.fixture
def good(tmp_path):
    return write_good_csv(tmp_path)


def test_missing_file(tmp_path):
    fails_cleanly(
        tmp_path, ["fit", "absent.csv", "--target", "y", *FIT], "absent.csv", "does not exist"
    )


def test_unknown_target_column(good):
    fails_cleanly(good, ["fit", "good.csv", "--target", "z", *FIT],
           "target column 'z' not found", "'a', 'b', 'c', 'y'")  # fmt: skip


def test_constant_target(tmp_path):
    _fit_fails(tmp_path, "a,y\n1,5\n2,5\n3,5\n", "'y' has a constant value (5")


@pytest.mark.parametrize("labels, task", [("x,x,x", "auto"), ("1,1,1", "classification")])
def test_target_with_one_class(tmp_path, labels, task):
    values = labels.split(",")
    _fit_fails(tmp_path, "a,y\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values)),
               "'y' has only one class", options=["--task", task])  # fmt: skip


def test_classification_needs_two_classes(tmp_path):
    _fit_fails(tmp_path, "a,y\n1,p\n2,q\n3,r\n4,p\n", "'y' has 3 distinct values",
               "classification needs exactly two classes", "pass --task multiclass",
               options=["--task", "classification"])  # fmt: skip


def test_all_nan_column(tmp_path):
    for extra in ([], ["--dropna"]):  # dropping rows cannot rescue an empty column
        _fit_fails(tmp_path, "a,empty,y\n1,,3\n2,,4\n3,,6\n",
                   "'empty' contain only missing values", options=extra)  # fmt: skip


def test_missing_values_name_columns_and_counts(tmp_path):
    _fit_fails(tmp_path, "a,b,y\n1,,3\n2,1,\n3,1,6\n4,,1\n5,2,2\n",
               "missing values in 2 column(s): 'b' (2), 'y' (1)", "3 of 5 rows",
               "--dropna")  # fmt: skip


def test_non_utf8_csv(tmp_path):
    french = "ville,y\nSète,1\nNîmes,2\nAlès,4\n"
    _fit_fails(tmp_path, french, "not valid utf-8 text", "byte 0xe8", "--encoding latin-1",
               encoding="latin-1")  # fmt: skip
    _fit_fails(tmp_path, french, "unknown encoding 'no-such'", options=["--encoding", "no-such"],
               encoding="latin-1")  # fmt: skip


@pytest.mark.parametrize(
    "name, content, fragment",
    [("header.csv", "a,b,y\n", "has 0 rows"), ("blank.csv", "", "is empty")],
)
def test_zero_row_file(tmp_path, name, content, fragment):
    _csv(tmp_path, name, content)
    fails_cleanly(tmp_path, ["fit", name, "--target", "y", *FIT], fragment)


def test_zero_row_parquet(tmp_path):
    pd.DataFrame({"a": pd.Series([], dtype=float), "y": pd.Series([], dtype=float)}).to_parquet(
        tmp_path / "d.parquet"
    )
    fails_cleanly(tmp_path, ["fit", "d.parquet", "--target", "y", *FIT], "has 0 rows")


def test_column_names_collide_after_encoding(tmp_path):
    _fit_fails(
        tmp_path,
        "colour,colour_red,y\nred,1,1\nblue,0,2\nred,1,4\n",
        "collide after one-hot encoding",
        "'colour_red' from 'colour', 'colour_red'",
    )


def test_no_encode_rejects_categorical_columns(tmp_path):
    _fit_fails(tmp_path, "colour,size,a,y\nred,s,1,1\nblue,m,0,2\nred,l,1,4\n",
               "categorical (non-numeric) column(s) 'colour', 'size'",
               options=["--no-encode"])  # fmt: skip


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
    fails_cleanly(good, args, "'nowhere'", "does not exist")


def test_predict_output_in_missing_directory(good):
    CliRunner().invoke(cli, ["fit", str(good / "good.csv"), "-t", "y", "--alpha", "0.1",
                             "--out", str(good / "model")])  # fmt: skip
    fails_cleanly(
        good, ["predict", "model", "good.csv", "--out", "nowhere/p.csv"], "does not exist"
    )


def test_predict_checks_the_schema(good):
    CliRunner().invoke(cli, ["fit", str(good / "good.csv"), "-t", "y", "--alpha", "0.1",
                             "--out", str(good / "model")])  # fmt: skip
    frame = pd.read_csv(good / "good.csv")
    frame.drop(columns=["b"]).assign(extra=1.0).to_csv(good / "other.csv", index=False)
    fails_cleanly(good, ["predict", "model", "other.csv"],
           "missing column(s) 'b'", "other column(s) 'extra'")  # fmt: skip
    frame.assign(a="text").to_csv(good / "text.csv", index=False)
    fails_cleanly(good, ["predict", "model", "text.csv"], "column 'a' was numeric")
    fails_cleanly(good, ["predict", ".", "good.csv"], "does not exist (run shrinkage fit)")
    fails_cleanly(good, ["predict", "good.csv", "good.csv"], "is not a valid model file: not JSON")


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
    fails_cleanly(good, ["fit", "good.csv", "-t", "y", "--out", "model", *extra], fragment)


def test_constant_feature_with_standardize_names_the_column(tmp_path):
    _csv(tmp_path, "d.csv", "a,k,y\n1,1,3\n2,1,4\n3,1,6\n4,1,1\n")
    fails_cleanly(
        tmp_path, ["fit", "d.csv", "-t", "y", *FIT], "zero variance: k", "--no-standardize"
    )


def test_existing_output_needs_force(good):
    (good / "p.csv").write_text("keep me")
    fails_cleanly(
        good, ["path", "good.csv", "-t", "y", "--out", "p.csv"], "already exists", "--force"
    )
    assert (good / "p.csv").read_text() == "keep me"


def test_internal_error_exit_1_without_traceback(good, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr("shrinkage.cli.models.run_path", broken)
    result = fails_cleanly(
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
    assert listing(tmp_path) == ["keep", "keep/model.json"]
    assert (tmp_path / "keep" / "model.json").read_text() == "old"
