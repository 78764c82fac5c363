"""The α grid and the CV defaults on the command line: one set of defaults
(:mod:`shrinkage.defaults`), ``--alpha-min-ratio``, the grid's automatic extension, the
ridge grid shared by ``path`` and ``cv``, and ``cv``'s ``n_nonzero``."""

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from _cli import invoke
from shrinkage import LassoCV, defaults, path
from shrinkage.cli.main import cli
from shrinkage.cli.models import edge_report
from shrinkage.penalties import Penalty


@pytest.fixture
def noisy(tmp_path):
    rng = np.random.default_rng(8)
    X = rng.standard_normal((90, 6))
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(6)])
    frame["y"] = X[:, 0] - 0.5 * X[:, 1] + 0.25 * X[:, 2] + rng.standard_normal(90)
    frame.to_csv(tmp_path / "d.csv", index=False)
    return tmp_path, frame


def _params(command):
    return {parameter.name: parameter for parameter in cli.commands[command].params}


def test_every_command_takes_its_defaults_from_shrinkage_defaults():
    for command in ("fit", "cv", "report", "demo"):
        params = _params(command)
        assert params["select"].default == defaults.SELECTION
        assert params["seed"].default == defaults.RANDOM_STATE
    for command in ("cv", "report", "demo"):
        assert _params(command)["folds"].default == defaults.CV_FOLDS
    for command in ("fit", "path", "cv"):
        assert _params(command)["n_alphas"].default == defaults.N_ALPHAS
        assert _params(command)["standardize"].default == defaults.STANDARDIZE_TABLES


def test_fit_without_alpha_is_the_library_default_cv(noisy, monkeypatch):
    folder, frame = noisy
    calls = []
    splitter = defaults.cv_splitter

    def spy(cv, classifier, random_state=defaults.RANDOM_STATE):
        calls.append((cv, classifier, random_state))
        return splitter(cv, classifier, random_state)

    monkeypatch.setattr(defaults, "cv_splitter", spy)
    invoke(folder, ["fit", "d.csv", "-t", "y", "-o", "m"])
    document = json.loads((folder / "m" / "model.json").read_text())
    assert calls[0] == (defaults.CV_FOLDS, False, defaults.RANDOM_STATE)
    parameters = document["parameters"]
    assert (parameters["cv"], parameters["selection"], parameters["seed"],
            parameters["n_alphas"]) == (defaults.CV_FOLDS, defaults.SELECTION,
                                        defaults.RANDOM_STATE, defaults.N_ALPHAS)  # fmt: skip
    monkeypatch.setattr(defaults, "cv_splitter", splitter)
    X = frame.drop(columns="y")
    reference = LassoCV(standardize=True).fit(X, frame.y)  # the library's own defaults
    assert parameters["alpha"] == reference.alpha_
    np.testing.assert_allclose(list(document["coefficients"].values()), reference.coef_,
                               rtol=1e-12, atol=1e-14)  # fmt: skip


@pytest.mark.parametrize("value", ["0", "1", "-0.5", "2", "nan"])
@pytest.mark.parametrize("command", ["fit", "path", "cv"])
def test_alpha_min_ratio_outside_0_1_is_exit_2(noisy, command, value):
    folder, _ = noisy
    out = {"fit": ["-o", "m"], "path": ["-o", "p.csv"], "cv": []}[command]
    result = invoke(folder, [command, "d.csv", "-t", "y", "--alpha-min-ratio", value, *out],
                     code=2)  # fmt: skip
    assert "--alpha-min-ratio must be strictly between 0 and 1" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["d.csv"]


def test_alpha_min_ratio_sets_the_end_of_every_grid(noisy):
    folder, frame = noisy
    invoke(folder, ["path", "d.csv", "-t", "y", "--n-alphas", "9", "--alpha-min-ratio",
                     "0.02", "-o", "p.csv"])  # fmt: skip
    alphas = pd.read_csv(folder / "p.csv")["alpha"].to_numpy()
    assert alphas.size == 9 and alphas[-1] / alphas[0] == pytest.approx(0.02, rel=1e-12)
    summary = json.loads(
        invoke(
            folder,
            ["cv", "d.csv", "-t", "y", "--n-alphas", "9", "--alpha-min-ratio", "0.02", "--json"],
        ).stdout
    )
    np.testing.assert_allclose(summary["table"]["alpha"][:9], alphas, rtol=1e-12)
    invoke(folder, ["fit", "d.csv", "-t", "y", "--n-alphas", "9", "--alpha-min-ratio",
                     "0.02", "-o", "m"])  # fmt: skip
    document = json.loads((folder / "m" / "model.json").read_text())
    assert document["parameters"]["alpha_min_ratio"] == 0.02
    stored = pd.read_csv(folder / "m" / "path.csv")["alpha"].to_numpy()
    np.testing.assert_array_equal(stored, summary["table"]["alpha"])  # the CV grid


def test_grid_extension_is_noted_and_an_edge_left_is_a_warning(tmp_path):
    # no noise and one feature: every fit is exact (one coordinate step), so the CV
    # error falls with α all the way down, whatever the solver's tolerance
    x = np.random.default_rng(0).standard_normal(60)
    frame = pd.DataFrame({"a": x, "y": 3.0 * x})
    frame.to_csv(tmp_path / "exact.csv", index=False)
    result = invoke(tmp_path, ["cv", "exact.csv", "-t", "y", "--n-alphas", "10",
                                "--alpha-min-ratio", "0.5", "--json"])  # fmt: skip
    summary = json.loads(result.stdout)
    assert summary["alpha_grid_extended"] == defaults.EDGE_EXTENSIONS
    assert summary["alpha_at_edge"] == "low"
    assert f"grid extended {defaults.EDGE_EXTENSIONS} time(s)" in " ".join(summary["notes"])
    assert len(summary["warnings"]) == 1 and "still at the low end" in summary["warnings"][0]
    alphas = np.asarray(summary["table"]["alpha"])
    decades = np.log10(alphas[0] / alphas[-1])
    assert decades == pytest.approx(np.log10(2) + 2 * defaults.EDGE_DECADES, rel=1e-9)
    text = invoke(tmp_path, ["fit", "exact.csv", "-t", "y", "--n-alphas", "10",
                              "--alpha-min-ratio", "0.5", "-o", "m", "-q"])  # fmt: skip
    assert text.stderr.count("warning: the least CV error is still at the low end") == 1


def test_edge_report_reads_the_attributes_only_where_they_exist():
    assert edge_report(SimpleNamespace(alpha_min_=0.1)) == ([], [])
    notes, warnings = edge_report(SimpleNamespace(alpha_grid_extended_=1, alpha_at_edge_=None,
                                                  alpha_min_=0.1))  # fmt: skip
    assert len(notes) == 1 and "grid extended 1 time(s)" in notes[0] and warnings == []


def test_ridge_path_and_cv_use_the_same_grid(noisy):
    folder, _ = noisy
    invoke(folder, ["path", "d.csv", "-t", "y", "--penalty", "l2", "--n-alphas", "12",
                     "-o", "p.csv"])  # fmt: skip
    path_grid = pd.read_csv(folder / "p.csv")["alpha"].to_numpy()
    summary = json.loads(invoke(folder, ["cv", "d.csv", "-t", "y", "--penalty", "l2",
                                          "--n-alphas", "12", "--json"]).stdout)  # fmt: skip
    cv_grid = np.asarray(summary["table"]["alpha"])
    start = int(np.argmin(np.abs(cv_grid - path_grid[0])))
    # the CV grid is the path's grid, extended at either end when the minimum sat there
    np.testing.assert_allclose(cv_grid[start : start + path_grid.size], path_grid, rtol=1e-12)


def test_cv_n_nonzero_is_the_full_data_fit_and_the_fold_mean_is_named(noisy):
    folder, frame = noisy
    result = invoke(folder, ["cv", "d.csv", "-t", "y", "--cv", "4", "--n-alphas", "30",
                              "--select", "min", "--json"])  # fmt: skip
    summary = json.loads(result.stdout)
    table = pd.DataFrame(summary["table"])
    X, y = frame.drop(columns="y"), frame.y
    reference = LassoCV(cv=defaults.cv_splitter(4, False, 0), n_alphas=30, selection="min",
                        standardize=True).fit(X, y)  # fmt: skip
    assert summary["alpha"] == reference.alpha_
    assert summary["n_nonzero"] == int(np.count_nonzero(reference.coef_))
    full = path(X.to_numpy(), y.to_numpy(), Penalty(1.0), alphas=reference.cv_alphas_,
                standardize=True)  # fmt: skip
    np.testing.assert_array_equal(table["n_nonzero"], full.n_active)
    np.testing.assert_allclose(table["mean_nonzero_over_folds"], reference.cv_n_active_)
    chosen = table[table["alpha"] == summary["alpha"]].iloc[0]
    assert chosen["n_nonzero"] == summary["n_nonzero"]
    assert summary["mean_nonzero_over_folds"] == chosen["mean_nonzero_over_folds"]
    text = invoke(folder, ["cv", "d.csv", "-t", "y", "--cv", "4", "--n-alphas", "30",
                            "--select", "min"]).stdout  # fmt: skip
    assert "mean_nonzero_over_folds" in text
    assert f"with {summary['n_nonzero']} non-zero coefficients" in text
