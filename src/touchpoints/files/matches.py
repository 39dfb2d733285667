"""Write each attendee's best matches as CSV or JSON, safe for spreadsheets.

These files are meant for organizers and attendees, so they hold names, phrases and
explanations, never e-mail addresses or other contact details. Cells that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) are prefixed with an apostrophe (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from typing import TextIO

from touchpoints.core.common_ground import CommonGround
from touchpoints.core.model import Attendee

__all__ = ["MATCH_COLUMNS", "spreadsheet_safe", "write_matches_csv", "write_matches_json"]

MATCH_COLUMNS = (
    "attendee_id",
    "attendee",
    "rank",
    "partner_id",
    "partner",
    "score",
    "kind",
    "topic",
    "explanation",
    "acquainted",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """``value``, with a leading apostrophe if a spreadsheet would run it as a formula.

    >>> spreadsheet_safe("=cmd|' /C calc'!A0")
    "'=cmd|' /C calc'!A0"
    """
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _rows(
    attendees: Sequence[Attendee], matches: Sequence[Sequence[CommonGround]]
) -> Iterator[list[str]]:
    names = {a.id: a.name for a in attendees}
    for attendee, grounds in zip(attendees, matches, strict=True):
        if not grounds:
            yield [
                attendee.id,
                attendee.name,
                "",
                "",
                "",
                "",
                "",
                "",
                "No common ground with anyone here yet.",
                "",
            ]
        for rank, ground in enumerate(grounds, start=1):
            yield [
                attendee.id,
                attendee.name,
                str(rank),
                ground.b,
                names[ground.b],
                f"{ground.score:.3f}",
                ground.kind.value,
                ground.topic.label,
                ground.explanation,
                "; ".join(r.value for r in ground.acquainted),
            ]


def write_matches_csv(
    out: TextIO, attendees: Sequence[Attendee], matches: Sequence[Sequence[CommonGround]]
) -> None:
    """One row per (attendee, match); attendees without any match get one row saying so."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MATCH_COLUMNS)
    for row in _rows(attendees, matches):
        writer.writerow([spreadsheet_safe(cell) for cell in row])


def write_matches_json(
    out: TextIO, attendees: Sequence[Attendee], matches: Sequence[Sequence[CommonGround]]
) -> None:
    """A list of attendees, each with its ranked matches."""
    names = {a.id: a.name for a in attendees}
    document = [
        {
            "attendee_id": attendee.id,
            "attendee": attendee.name,
            "matches": [
                {
                    "partner_id": g.b,
                    "partner": names[g.b],
                    "score": round(g.score, 4),
                    "kind": g.kind.value,
                    "topic": g.topic.label,
                    "your_phrase": g.phrase_a,
                    "their_phrase": g.phrase_b,
                    "count": g.count,
                    "total": g.total,
                    "explanation": g.explanation,
                    "acquainted": [r.value for r in g.acquainted],
                }
                for g in grounds
            ],
        }
        for attendee, grounds in zip(attendees, matches, strict=True)
    ]
    json.dump(document, out, ensure_ascii=False, indent=2)
    out.write("\n")
