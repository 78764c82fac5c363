"""Separators and streams: TSV / ``;`` / ``|`` files, ``--sep``, standard input as DATA
and ``-o -`` (the table alone on standard output)."""

import io
import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from shrinkage import Lasso, path
from shrinkage.cli.header import SEPARATORS, sniff_separator
from shrinkage.cli.main import cli
from shrinkage.cli.reading import read_table
from shrinkage.penalties import Penalty


def _invoke(folder, args, code=0, input=None):
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        result = CliRunner().invoke(cli, [str(a) for a in args], input=input,
                                    catch_exceptions=False)  # fmt: skip
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def table(tmp_path):
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(rng.standard_normal((60, 3)), columns=["a", "b", "c"])
    # a comma inside a text value: a ';' or tab file must not be split on it
    frame["town"] = rng.choice(["Paris, FR", "Lyon, FR", "Nice, FR"], size=60)
    frame["y"] = 2 * frame.a - frame.b + (frame.town == "Nice, FR") + 0.1 * rng.standard_normal(60)
    frame.to_csv(tmp_path / "d.csv", index=False)
    return tmp_path, frame


def _coefficients(folder, model):
    return json.loads((folder / model / "model.json").read_text())["coefficients"]


@pytest.mark.parametrize("sep, name", [("\t", "tab"), (";", "semicolon"), ("|", "pipe")])
def test_separated_files_give_the_csv_model(table, sep, name):
    folder, frame = table
    frame.to_csv(folder / "d.txt", sep=sep, index=False)
    _invoke(folder, ["fit", "d.csv", "-t", "y", "--alpha", "0.05", "-o", "comma"])
    result = _invoke(folder, ["fit", "d.txt", "-t", "y", "--alpha", "0.05", "-o", "other"])
    assert f"read as {name}-separated" in result.stderr
    assert _coefficients(folder, "other") == _coefficients(folder, "comma")
    assert "town_Nice, FR" in _coefficients(folder, "other")
    typed = {"\t": "\\t", ";": ";", "|": "|"}[sep]
    _invoke(folder, ["fit", "d.txt", "-t", "y", "--sep", typed, "--alpha", "0.05", "-o", "s"])
    assert _coefficients(folder, "s") == _coefficients(folder, "comma")


def test_wrong_separator_names_the_likely_one(table):
    folder, frame = table
    frame.to_csv(folder / "d.txt", sep=";", index=False)
    result = _invoke(folder, ["fit", "d.txt", "-t", "y", "--sep", ",", "--alpha", "0.1",
                              "-o", "m"], code=2)  # fmt: skip
    assert "target column 'y' not found" in result.stderr
    assert "the header contains ';': is the file ';'-separated? use --sep ';'" in (
        result.stderr.lower()
    )
    frame.to_csv(folder / "t.txt", sep="\t", index=False)
    result = _invoke(folder, ["fit", "t.txt", "-t", "y", "--sep", ";", "--alpha", "0.1",
                              "-o", "m"], code=2)  # fmt: skip
    assert "contains a tab: is the file tab-separated? Use --sep '\\t'" in result.stderr
    assert not (folder / "m").exists()


def test_sniffing_keeps_comma_files_as_csv():
    assert sniff_separator('"x;1","y;2",z\n1,2,3\n4,5,6\n') == ","
    assert sniff_separator("a|b\n1|2\n") == "|"
    assert sniff_separator("y\n1\n2\n") == ","  # one column: nothing to detect
    assert sniff_separator("a;b\tc\n1;2\t3\n") in (";", "\t")


def test_standard_input_as_data_for_fit_and_predict(table):
    folder, frame = table
    text = (folder / "d.csv").read_text()
    _invoke(folder, ["fit", "-", "-t", "y", "--alpha", "0.05", "-o", "stdin"], input=text)
    _invoke(folder, ["fit", "d.csv", "-t", "y", "--alpha", "0.05", "-o", "file"])
    assert _coefficients(folder, "stdin") == _coefficients(folder, "file")
    tsv = frame.drop(columns="y").to_csv(sep="\t", index=False)
    result = _invoke(folder, ["predict", "file", "-", "-o", "-"], input=tsv)
    assert "read as tab-separated" in result.stderr
    predicted = pd.read_csv(io.StringIO(result.stdout))
    X = pd.get_dummies(frame.drop(columns="y"), columns=["town"], dtype=float)
    expected = Lasso(alpha=0.05, standardize=True).fit(X, frame.y).predict(X)
    np.testing.assert_allclose(predicted["prediction"], expected, rtol=1e-9, atol=1e-12)
    assert _invoke(folder, ["fit", "-", "-t", "y", "--alpha", "0.1", "-o", "e"], code=2,
                   input="").stderr.startswith("Error: '<stdin>' is empty")  # fmt: skip


def test_tables_to_standard_output_and_nothing_else(table):
    folder, frame = table
    _invoke(folder, ["fit", "d.csv", "-t", "y", "--alpha", "0.05", "-o", "m"])
    predicted = _invoke(folder, ["predict", "m", "d.csv", "-o", "-"])
    rows = pd.read_csv(io.StringIO(predicted.stdout))
    assert rows.columns.tolist() == ["prediction"] and len(rows) == 60
    assert "r2 on DATA's 'y' column" in predicted.stderr

    result = _invoke(folder, ["path", "d.csv", "-t", "y", "--n-alphas", "12", "-o", "-"])
    coefs = pd.read_csv(io.StringIO(result.stdout))
    X = pd.get_dummies(frame.drop(columns="y"), columns=["town"], dtype=float)
    reference = path(X.to_numpy(), frame.y.to_numpy(), Penalty(1.0), n_alphas=12,
                     standardize=True)  # fmt: skip
    np.testing.assert_array_equal(coefs["alpha"], reference.alphas)
    np.testing.assert_array_equal(coefs["n_nonzero"], reference.n_active)
    assert "path of lasso (L1) over 12 α" in result.stderr  # the summary went to stderr
    as_json = json.loads(_invoke(folder, ["path", "d.csv", "-t", "y", "--n-alphas", "12",
                                          "-o", "-", "--json"]).stdout)  # fmt: skip
    np.testing.assert_array_equal(as_json["table"]["alpha"], reference.alphas)

    result = _invoke(folder, ["cv", "d.csv", "-t", "y", "--cv", "3", "--n-alphas", "15",
                              "-o", "-"])  # fmt: skip
    curve = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False)
    assert curve.columns.tolist() == ["alpha", "mean_error", "std_error", "n_nonzero",
                                      "mean_nonzero_over_folds", "choice"]  # fmt: skip
    assert "alpha_min =" in result.stderr and "alpha_min" not in result.stdout.splitlines()[1]
    quiet = _invoke(folder, ["cv", "d.csv", "-t", "y", "--cv", "3", "--n-alphas", "15",
                             "-o", "-", "-q"])  # fmt: skip
    assert quiet.stderr == "" and quiet.stdout == result.stdout


_NAME_CHARACTERS = st.sampled_from(list("ab yé,;|\t\"'#"))


@settings(max_examples=40, deadline=None, database=None)
@given(
    names=st.lists(
        st.text(_NAME_CHARACTERS, min_size=1, max_size=5), min_size=2, max_size=5, unique=True
    ),
    sep=st.sampled_from(SEPARATORS),
    seed=st.integers(0, 2**16),
)
def test_any_separator_reads_back_the_table(tmp_path_factory, names, sep, seed):
    """Names holding separators and quotes, numbers as values: every separator is found
    and the table read back as written."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.standard_normal((4, len(names))).round(3), columns=names)
    file = tmp_path_factory.mktemp("sep") / "d.txt"
    frame.to_csv(file, sep=sep, index=False)
    assert sniff_separator(file) == sep
    pd.testing.assert_frame_equal(read_table(file), frame)
