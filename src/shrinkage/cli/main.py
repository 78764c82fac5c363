"""``shrinkage``: the command group and its entry point.

Run ``shrinkage --help`` or ``shrinkage COMMAND --help``. The commands live in
:mod:`.fit_command`, :mod:`.predict_command`, :mod:`.path_cv_commands` and
:mod:`.publish` (report, lab, demo).
"""

from __future__ import annotations

import warnings

import click

from ..interrupt import interrupts_raise, report_interrupt
from ..losses import NonIntegerCountWarning

__all__ = ["cli", "main"]


class _Group(click.Group):
    """Remembers the raw arguments, so outputs can record the exact command."""

    def parse_args(self, ctx, args):
        ctx.meta["shrinkage.argv"] = list(args)
        return super().parse_args(ctx, args)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="shrinkage", prog_name="shrinkage")
def cli():
    """Fast, certified and explained L1 / L2 / elastic-net regularization.

    DATA is a CSV (comma, tab, ; or | separated) or Parquet file, or - for standard
    input; with --engine dask|spark (fit, path, cv), a Parquet file, directory or glob
    whose rows stay on the engine. Exit codes: 0 success, 1 internal error, 2 usage or
    data error, 130 interrupted.
    """
    # the count task notes a non-integer target once, naming its column (cli.io)
    warnings.filterwarnings("ignore", category=NonIntegerCountWarning)


def _register_commands():
    from .fit_command import fit
    from .path_cv_commands import cv_command, path_command
    from .predict_command import predict
    from .publish import demo, lab, report

    for command in (fit, predict, path_command, cv_command, report, lab, demo):
        cli.add_command(command)


_register_commands()


def main(args=None) -> int:
    """Entry point of the ``shrinkage`` console script; returns the exit code: 0, 1
    (internal error), 2 (usage or data error) or 130 (Ctrl-C, see
    :mod:`shrinkage.cli.interrupt`)."""
    with interrupts_raise():
        try:
            # standalone_mode=False: click would turn Ctrl-C into exit code 1
            result = cli.main(args=args, prog_name="shrinkage", standalone_mode=False)
        except click.exceptions.Abort as exc:
            if isinstance(exc.__cause__, KeyboardInterrupt):
                return report_interrupt()
            click.echo("Aborted!", err=True)
            return 1
        except click.ClickException as exc:
            exc.show()
            return exc.exit_code
        except KeyboardInterrupt:
            return report_interrupt()
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    raise SystemExit(main())
