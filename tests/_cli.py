"""Running the command line in-process for the tests, and the data and checks that several
test modules share."""

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from shrinkage.cli.main import cli

#: A fixed α and the model folder ``model``: the options of a quick ``shrinkage fit``.
FIT = ["--alpha", "0.1", "--out", "model"]


def invoke(folder, args, code=0):
    """``shrinkage ARGS`` run in ``folder``; asserts the exit code and no traceback (nor,
    unless ``code`` is 1, an internal error)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    if code != 1:
        assert "internal error" not in result.output
    return result


def listing(folder):
    """Every path below ``folder``, relative and sorted."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def fails_cleanly(folder, args, *fragments, code=2):
    """``shrinkage ARGS`` in ``folder`` exits with ``code``, each fragment is in its
    message, and the folder is unchanged (no output, no partial or temporary file)."""
    before = listing(folder)
    result = invoke(folder, args, code)
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert listing(folder) == before
    return result


def write_good_csv(folder):
    """``good.csv`` in ``folder``: 40 rows of features a, b, c and a linear target y."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    frame["y"] = X @ [1.0, -2.0, 0.0] + 0.1 * rng.standard_normal(40)
    frame.to_csv(folder / "good.csv", index=False)
    return folder


def write_two_class_csv(folder, *, seed, n_rows, columns, target, classes, noise):
    """``d.csv`` in ``folder``: standard normal ``columns`` and a text ``target`` that is
    ``classes[0]`` where ``x₀ − x₁ + noise·ε ≤ 0``, else ``classes[1]``; returns
    ``(X, frame)``."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_rows, len(columns)))
    labels = np.where(X[:, 0] - X[:, 1] + noise * rng.standard_normal(n_rows) > 0, *classes[::-1])
    frame = pd.DataFrame(X, columns=list(columns)).assign(**{target: labels})
    frame.to_csv(folder / "d.csv", index=False)
    return X, frame
