"""Typed errors users can act on; the CLI and the app turn them into one clear sentence."""
from __future__ import annotations

import errno


class SkillpulseError(Exception):
    """Base class: an error caused by input or environment, shown to the user without traceback."""

    exit_code = 2


class InputError(SkillpulseError):
    """Bad input data: names the file, the 1-based row (as a spreadsheet shows it) and the column.

    ``row`` counts the header as row 1, so the first data row is row 2.
    """

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.detail = message
        super().__init__(self._sentence())

    def _sentence(self) -> str:
        where = []
        if self.file:
            where.append(f"{self.file}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.detail}" if prefix else self.detail


class UsageError(SkillpulseError):
    """Bad command-line usage (unknown format, bad flag value)."""


class DatabaseError(SkillpulseError):
    """The database file cannot be used: not DuckDB, locked, missing, or from a newer version."""


class NotFoundError(SkillpulseError):
    """A named thing (skill, run) does not exist."""


def is_broken_pipe(exc: BaseException) -> bool:
    """Whether ``exc`` says the reader of a pipe went away (``skillpulse export … | head``).
    Python raises ``BrokenPipeError``; polars' writers a plain ``OSError('Broken pipe (os error
    32)')`` without an errno."""
    if isinstance(exc, BrokenPipeError) or getattr(exc, "errno", None) == errno.EPIPE:
        return True
    return isinstance(exc, OSError) and f"(os error {errno.EPIPE})" in str(exc)
