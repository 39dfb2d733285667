"""The touchpoint network out, for the organizer: one CSV row per touchpoint (gh-6).

A row holds the two people's names and organizations, when the touchpoint became
mutual and the topic that sparked it. Contact details are not written: the writer is
given names and organizations only, so no e-mail address, phone number or link can
reach the file. Every cell is made safe for spreadsheets (a leading apostrophe before
``= + - @``: see :func:`touchpoints.files.matches.spreadsheet_safe`).
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Mapping
from typing import TextIO

from touchpoints.core.network import Tie
from touchpoints.files.matches import spreadsheet_safe

__all__ = ["TOUCHPOINT_COLUMNS", "write_touchpoints_csv"]

TOUCHPOINT_COLUMNS = (
    "attendee",
    "organization",
    "other_attendee",
    "other_organization",
    "became_mutual",
    "topic",
)


def _when(at: datetime.datetime) -> str:
    """ISO 8601 to the second; a time without a zone is UTC (as SQLite gives it back)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=datetime.UTC)
    return at.astimezone(datetime.UTC).isoformat(timespec="seconds")


def write_touchpoints_csv(
    out: TextIO,
    ties: Iterable[Tie],
    names: Mapping[str, str],
    organizations: Mapping[str, str | None],
) -> None:
    """One row per tie, in the order given: names (the id where a name is missing),
    organizations (blank when unknown), when it became mutual (UTC) and its topic
    (blank when the two share none).

    >>> import io
    >>> out = io.StringIO()
    >>> tie = Tie("1", "2", datetime.datetime(2025, 5, 1, 9, 30), "chess")
    >>> write_touchpoints_csv(out, [tie], {"1": "Ann", "2": "=Bo"}, {"1": "Acme"})
    >>> print(out.getvalue(), end="")
    attendee,organization,other_attendee,other_organization,became_mutual,topic
    Ann,Acme,'=Bo,,2025-05-01T09:30:00+00:00,chess
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TOUCHPOINT_COLUMNS)
    for tie in ties:
        row = [
            names.get(tie.a, tie.a),
            organizations.get(tie.a) or "",
            names.get(tie.b, tie.b),
            organizations.get(tie.b) or "",
            _when(tie.at),
            tie.topic or "",
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
