"""``shrinkage report``, ``demo`` and ``lab``: where the files go, --force, progress."""

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from shrinkage.cli.main import cli


def _invoke(args, folder, env=None):
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        return CliRunner(env=env).invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def table(tmp_path):
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.standard_normal((60, 4)), columns=["a", "b", "c", "d"])
    frame["kind"] = rng.choice(["p", "q"], size=60)
    frame["y"] = 2 * frame.a - frame.b + (frame.kind == "p") + 0.2 * rng.standard_normal(60)
    frame.to_csv(tmp_path / "data.csv", index=False)
    return tmp_path


def test_report_writes_one_html_file_with_progress(table):
    result = _invoke(["report", "data.csv", "-t", "y", "--cv", "3", "--out", "r.html"], table,
                     env={"SHRINKAGE_PROGRESS": "1"})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"wrote the report to {table / 'r.html'}" in result.stdout
    assert "one-hot encoded 1 categorical column(s): 'kind' (2 levels)" in result.stderr
    assert "building the report" in result.stderr or "%" in result.stderr
    html = (table / "r.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "kind_q" in html and "shrinkage report data.csv -t y --cv 3 --out r.html" in html
    assert sorted(p.name for p in table.iterdir()) == ["data.csv", "r.html"]  # no temporaries

    again = _invoke(["report", "data.csv", "-t", "y", "--out", "r.html"], table)
    assert again.exit_code == 2 and "--force" in again.stderr


def test_demo_writes_report_html_in_the_working_directory(tmp_path):
    result = _invoke(["demo", "--cv", "3", "--json"], tmp_path)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["path"] == str(tmp_path / "report.html")
    assert (summary["n_rows"], summary["n_features"]) == (442, 10)
    assert "bmi" in (tmp_path / "report.html").read_text(encoding="utf-8")
    before = (tmp_path / "report.html").stat().st_mtime_ns
    refused = _invoke(["demo"], tmp_path)
    assert refused.exit_code == 2 and "already exists" in refused.stderr
    assert (tmp_path / "report.html").stat().st_mtime_ns == before


def test_lab_moves_finished_figures_into_place(tmp_path, monkeypatch):
    # The figures themselves are tested in test_lab_main.py; here the command's file
    # handling: drawn in a staging folder, moved in only when all are done.
    drawn = []

    def make_figures(out, dpi=100):
        drawn.append(out.resolve())
        paths = []
        for name in ("one", "two"):
            (out / f"{name}.png").write_bytes(b"\x89PNG" + name.encode())
            paths.append(out / f"{name}.png")
        return paths

    monkeypatch.setattr("shrinkage.lab.__main__.make_figures", make_figures)
    result = _invoke(["lab", "--out", "figures", "--json"], tmp_path)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"] == ["figures/one.png", "figures/two.png"]
    assert drawn[0].parent == tmp_path.resolve() and drawn[0].name != "figures"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures"]
    assert (tmp_path / "figures" / "two.png").read_bytes() == b"\x89PNGtwo"

    refused = _invoke(["lab", "--out", "figures"], tmp_path)
    assert refused.exit_code == 2 and "already holds PNG files" in refused.stderr
    (tmp_path / "figures" / "mine.txt").write_text("kept")
    assert _invoke(["lab", "--out", "figures", "--force", "-q"], tmp_path).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == [
        "mine.txt", "one.png", "two.png"]  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures"]


def test_lab_failure_leaves_the_folder_as_it_was(tmp_path, monkeypatch):
    def make_figures(out, dpi=100):
        (out / "half.png").write_bytes(b"\x89PNG")
        raise RuntimeError("matplotlib failed")

    monkeypatch.setattr("shrinkage.lab.__main__.make_figures", make_figures)
    result = _invoke(["lab", "--out", "figures"], tmp_path)
    assert result.exit_code == 1 and "internal error (RuntimeError" in result.stderr
    assert list(tmp_path.iterdir()) == []
