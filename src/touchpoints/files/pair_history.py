"""The history of recurring pairings (weekly coffee pairs): who met whom, and when.

A CSV file with one row per pair (a trio is three rows)::

    round,attendee_id,partner_id
    2026-W47,17,42

Rounds are labels kept in the order they were first written. New rounds are
appended atomically: the whole file is written to a temporary file beside it and
renamed over it, so a crash never leaves half a round behind.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from touchpoints.errors import ImportRowsError, InputFileError, RowProblem

__all__ = ["HISTORY_COLUMNS", "append_history", "read_history"]

HISTORY_COLUMNS = ("round", "attendee_id", "partner_id")


def read_history(path: str | Path) -> dict[str, list[tuple[str, str]]]:
    """Round label -> the pairs (attendee ids) of that round, in file order.

    A missing file is an empty history (the first week).

    Raises
    ------
    InputFileError
        When the file is not a pairing history; :class:`ImportRowsError` naming
        every bad row.
    """
    path = Path(path)
    if not path.exists():
        return {}
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: not a UTF-8 CSV file", filename=str(path)) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = set(HISTORY_COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise InputFileError(
            f"{path}: not a pairing history (missing columns: {', '.join(sorted(missing))})",
            filename=str(path),
        )
    rounds: dict[str, list[tuple[str, str]]] = {}
    problems = []
    for line, row in enumerate(reader, start=2):
        cells = [(row[c] or "").strip() for c in HISTORY_COLUMNS]
        for column, cell in zip(HISTORY_COLUMNS, cells, strict=True):
            if not cell:
                problems.append(RowProblem(str(path), line, column, f"{column} is empty"))
        if all(cells):
            rounds.setdefault(cells[0], []).append((cells[1], cells[2]))
    if problems:
        raise ImportRowsError(problems, filename=str(path))
    return rounds


def append_history(path: str | Path, rounds: Mapping[str, Iterable[tuple[str, str]]]) -> None:
    """Add ``rounds`` (label -> pairs of attendee ids) to the history, atomically."""
    path = Path(path)
    old = path.read_bytes().decode("utf-8-sig") if path.exists() else ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if not old.strip():
        writer.writerow(HISTORY_COLUMNS)
    elif not old.endswith("\n"):
        out.write("\n")
    writer.writerows((label, a, b) for label, pairs in rounds.items() for a, b in pairs)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as fp:
            fp.write(old + out.getvalue())
            fp.flush()
            os.fsync(fp.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
