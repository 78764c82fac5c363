"""The ``shrinkage`` command line: fit, predict, path, cv, report, lab and demo.

Every command reads a CSV (comma, tab, ``;`` or ``|`` separated) or Parquet table, or
standard input (``-``), checks it (duplicate column names, missing values, categorical
columns, the target), runs the library and writes its outputs atomically (see
:mod:`shrinkage.cli.atomic`): whether the output can be written is checked before the
work starts; a file is written beside its target and renamed onto it; a model folder
(``model.json``, ``coef.csv`` and ``path.csv``) is replaced as a whole, in one step. An
interrupted run never leaves a half-written output or a mixed model folder, and an
existing output is only replaced with ``--force``. A model file is checked against its
schema before use (:mod:`shrinkage.cli.model_schema`). Tables can also go to standard
output (``-o -``). Every default is :mod:`shrinkage.defaults`. With ``--engine dask`` or
``--engine spark``, ``fit``, ``path`` and ``cv`` read Parquet data as row blocks of that
engine and write the same outputs (:mod:`shrinkage.cli.engines`).

Exit codes: 0 success, 1 an unexpected internal error (a short message; the traceback
with ``--debug``), 2 a usage or data error (a message naming the problem), 130
interrupted (Ctrl-C).
"""

from .errors import DataError

__all__ = ["DataError", "main"]


def main(args=None):
    """Run the command line (the ``shrinkage`` console script)."""
    from .main import main as run

    return run(args)
