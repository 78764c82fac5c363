"""Ctrl-C: exit code 130 and no traceback, while the imports load and while a command
runs, for ``python -m shrinkage.cli`` and the ``shrinkage`` console script.

Delays are counted from the moment ``shrinkage.interrupt`` has been imported (its line of
``PYTHONPROFILEIMPORTTIME``; the handler is installed right after, before numpy, numba
and the rest load): before it, SIGINT meets Python's own handling, which no program can
change, and a loaded test machine would make a wall-clock delay measure its own
start-up.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")

SCRIPT = Path(sys.executable).with_name("shrinkage")
MODULE = [sys.executable, "-m", "shrinkage.cli"]


def _lines_of(stream, lines):
    for line in iter(stream.readline, ""):
        lines.append(line)


def _wait_for(lines, text, timeout=60.0):
    end = time.monotonic() + timeout
    while not any(text in line for line in lines):
        if time.monotonic() > end:
            raise AssertionError(f"{text!r} never appeared on stderr: {''.join(lines)[-2000:]}")
        time.sleep(0.005)


def _interrupt(command, tmp_path, *, after, delay=0.0, env=None):
    """Start ``command fit - ...`` (it waits on stdin), wait for ``after`` on stderr, then
    ``delay`` seconds, send SIGINT; return (returncode, stderr)."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1", **(env or {})}
    process = subprocess.Popen(
        [*command, "fit", "-", "-t", "y", "--alpha", "0.1", "-o", str(tmp_path / "m")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env, cwd=tmp_path,
    )  # fmt: skip
    lines: list[str] = []
    reader = threading.Thread(target=_lines_of, args=(process.stderr, lines), daemon=True)
    reader.start()
    try:
        _wait_for(lines, after)
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    finally:
        process.kill()
        process.stdin.close()
        process.stdout.close()
    reader.join(timeout=10)
    return process.returncode, "".join(lines)


def _entry_points():
    points = [pytest.param(MODULE, 0.05, id="module-0.05s"),
              pytest.param(MODULE, 1.0, id="module-1s")]  # fmt: skip
    if SCRIPT.exists():
        points.append(pytest.param([str(SCRIPT)], 1.0, id="script-1s"))
    return points


@pytest.mark.parametrize("command, delay", _entry_points())
def test_ctrl_c_while_the_imports_load(tmp_path, command, delay):
    """``shrinkage/__init__.py`` installs the handler before numpy and numba load."""
    code, stderr = _interrupt(command, tmp_path, after="shrinkage.interrupt\n", delay=delay)
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr[-2000:]
    assert code == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_ctrl_c_while_a_command_runs(tmp_path):
    command = [str(SCRIPT)] if SCRIPT.exists() else MODULE
    code, stderr = _interrupt(command, tmp_path, after="reading <stdin>",
                              env={"SHRINKAGE_PROGRESS": "1"})  # fmt: skip
    assert code == 130 and "Traceback" not in stderr
    assert "Aborted (Ctrl-C)." in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no model, no temporaries
