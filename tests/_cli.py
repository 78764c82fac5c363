"""Running the command line in-process for the tests."""

import pytest
from click.testing import CliRunner

from shrinkage.cli.main import cli


def invoke(folder, args, code=0):
    """``shrinkage ARGS`` run in ``folder``; asserts the exit code and no traceback."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result
