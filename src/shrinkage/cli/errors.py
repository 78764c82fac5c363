"""The error the command line reports as a usage / data problem (exit code 2)."""

from __future__ import annotations

import click

__all__ = ["DataError"]


class DataError(click.ClickException):
    """A problem with the input data or the command's arguments: message, exit code 2.

    Examples
    --------
    >>> DataError("target column 'y' not found").exit_code
    2
    """

    exit_code = 2

    def format_message(self) -> str:
        return self.message
