"""Errors raised by touchpoints.

Every error the library raises on purpose derives from :class:`TouchpointsError`
and carries a user-facing ``message`` (``str(e)`` is the same text, for logs)::

    TouchpointsError
     ├── InputFileError          a file cannot be read as a registration file at all
     │    ├── ColumnMappingError  the column mapping does not fit the file's headers
     │    └── ImportRowsError     one or more rows are bad; nothing was imported
     ├── InfeasiblePlanError     the people, tables and rules admit no plan
     ├── EmbeddingModelError     the packaged embedding model cannot be loaded
     ├── NotFoundError           no such thing, or not yours to see (the web app's 404)
     └── AccountError            sign-up or log-in refused (e-mail taken, wrong password)

The CLI and the web app translate these once, at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ColumnMappingError",
    "EmbeddingModelError",
    "ImportRowsError",
    "InfeasiblePlanError",
    "InputFileError",
    "NotFoundError",
    "AccountError",
    "RowProblem",
    "TouchpointsError",
]


class TouchpointsError(Exception):
    """Base of every error touchpoints raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputFileError(TouchpointsError):
    """A registration file that cannot be read: empty, binary, malformed."""

    def __init__(self, message: str, *, filename: str) -> None:
        super().__init__(message)
        self.filename = filename


class ColumnMappingError(InputFileError):
    """The column mapping names a missing column, or no column holds the names."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One bad cell (or row) of an input file, located for a human."""

    filename: str
    line: int
    column: str | None
    problem: str

    @property
    def message(self) -> str:
        where = f"{self.filename}, line {self.line}"
        if self.column is not None:
            where += f', column "{self.column}"'
        return f"{where}: {self.problem}"


#: How many row problems an ImportRowsError spells out in its message.
MAX_PROBLEMS_IN_MESSAGE = 20


class ImportRowsError(InputFileError):
    """Some rows are bad; the import was refused as a whole (nothing imported)."""

    def __init__(self, problems: list[RowProblem] | tuple[RowProblem, ...], *, filename: str):
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = [p.message for p in self.problems[:MAX_PROBLEMS_IN_MESSAGE]]
        if count > MAX_PROBLEMS_IN_MESSAGE:
            lines.append(f"... and {count - MAX_PROBLEMS_IN_MESSAGE} more")
        noun = "problem" if count == 1 else "problems"
        head = f"{filename}: {count} {noun}; nothing was imported"
        super().__init__("\n".join([head, *lines]), filename=filename)


class InfeasiblePlanError(TouchpointsError):
    """No plan can satisfy the layout and the hard rules; the message names the rule."""


class EmbeddingModelError(TouchpointsError):
    """The packaged embedding model could not be loaded or run."""


class NotFoundError(TouchpointsError):
    """No such event, attendee or plan -- or one that belongs to another organizer."""


class AccountError(TouchpointsError):
    """An account that cannot be created or a log-in that fails."""
