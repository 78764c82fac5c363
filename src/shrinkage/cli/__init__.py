"""The ``shrinkage`` command line: fit, predict, path, cv, report, lab and demo.

Every command reads a CSV or Parquet table, checks it (missing values, categorical
columns, the target), runs the library and writes its outputs atomically: a temporary
file in the output's own directory, then a rename, so an interrupted run never leaves a
half-written file, and an existing output is only replaced with ``--force``.

Exit codes: 0 success, 1 an unexpected internal error (a short message; the traceback
with ``--debug``), 2 a usage or data error (a message naming the problem).
"""

from .errors import DataError

__all__ = ["DataError", "main"]


def main(args=None):
    """Run the command line (the ``shrinkage`` console script)."""
    from .main import main as run

    return run(args)
