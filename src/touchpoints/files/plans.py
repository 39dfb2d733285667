"""Table plans out (CSV, JSON, print-ready HTML cards) and earlier plans back in.

Everything here is meant for organizers and attendees: names, themes and shared
points, never e-mail addresses. HTML is rendered by Jinja2 with autoescaping, so
whatever an attendee typed is shown as text.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Sequence
from typing import BinaryIO, TextIO

import jinja2

from touchpoints.core.model import Attendee
from touchpoints.core.plans.explain import Seat, TableCard
from touchpoints.errors import ImportRowsError, InputFileError, RowProblem
from touchpoints.files.matches import spreadsheet_safe

__all__ = [
    "PLAN_COLUMNS",
    "read_plan",
    "read_plan_pairs",
    "write_cards_html",
    "write_plan_csv",
    "write_plan_json",
]

PLAN_COLUMNS = ("round", "table", "theme", "attendee_id", "attendee", "hook_with", "hook")


def _rows(cards: Sequence[TableCard], names: dict[str, str]) -> list[list[str]]:
    rows = []
    for card in cards:
        for seat in card.seats:
            hook = seat.hook
            rows.append(
                [
                    str(card.round),
                    str(card.table),
                    card.theme.label if card.theme else "",
                    seat.attendee,
                    names[seat.attendee],
                    names[hook.b] if hook else "",
                    hook.explanation if hook else "No shared point at this table.",
                ]
            )
    return rows


def write_plan_csv(out: TextIO, attendees: Sequence[Attendee], cards: Sequence[TableCard]) -> None:
    """One row per seat: round, table, theme, attendee and their hook."""
    names = {a.id: a.name for a in attendees}
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PLAN_COLUMNS)
    for row in _rows(cards, names):
        writer.writerow([spreadsheet_safe(cell) for cell in row])


def write_plan_json(out: TextIO, attendees: Sequence[Attendee], cards: Sequence[TableCard]) -> None:
    """Rounds of tables, each with its theme and seats."""
    names = {a.id: a.name for a in attendees}
    document = [
        {
            "round": card.round,
            "table": card.table,
            "theme": card.theme.label if card.theme else None,
            "theme_holders": card.theme_holders,
            "seats": [
                {
                    "attendee_id": seat.attendee,
                    "attendee": names[seat.attendee],
                    "hook_with": seat.hook.b if seat.hook else None,
                    "hook": seat.hook.explanation if seat.hook else None,
                    "score": round(seat.hook.score, 4) if seat.hook else 0.0,
                }
                for seat in card.seats
            ],
        }
        for card in cards
    ]
    json.dump(document, out, ensure_ascii=False, indent=2)
    out.write("\n")


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("touchpoints.files", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def write_cards_html(
    out: TextIO, attendees: Sequence[Attendee], cards: Sequence[TableCard], *, title: str
) -> None:
    """Print-ready cards: one per table per round, then one agenda per attendee."""
    people = {a.id: a for a in attendees}
    agenda: dict[str, list[tuple[TableCard, Seat]]] = defaultdict(list)
    for card in cards:
        for seat in card.seats:
            agenda[seat.attendee].append((card, seat))
    out.write(
        _ENV.get_template("cards.html").render(
            title=title,
            cards=cards,
            people=people,
            agendas=[(people[a.id], agenda[a.id]) for a in attendees],
        )
    )


def read_plan(fp: BinaryIO, *, filename: str) -> dict[int, dict[str, int]]:
    """An earlier plan (our CSV format): round -> {attendee id: table}, numbered from 1.

    Raises
    ------
    InputFileError
        When the file is not a plan; :class:`ImportRowsError` naming every bad row.
    """
    try:
        text = fp.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(f"{filename}: not a UTF-8 plan file", filename=filename) from None
    reader = csv.DictReader(text.splitlines())
    missing = {"round", "table", "attendee_id"} - set(reader.fieldnames or ())
    if missing:
        raise InputFileError(
            f"{filename}: not a touchpoints plan (missing columns: {', '.join(sorted(missing))})",
            filename=filename,
        )
    rounds: dict[int, dict[str, int]] = defaultdict(dict)
    problems = []
    for line, row in enumerate(reader, start=2):
        numbers = []
        for column in ("round", "table"):
            cell = (row[column] or "").strip()
            if not cell.isdigit() or int(cell) < 1:
                problems.append(
                    RowProblem(filename, line, column, f"expected a number from 1, got {cell!r}")
                )
            numbers.append(int(cell) if cell.isdigit() else 0)
        attendee = (row["attendee_id"] or "").strip()
        if not attendee:
            problems.append(RowProblem(filename, line, "attendee_id", "attendee_id is required"))
        elif attendee in rounds[numbers[0]]:
            problems.append(
                RowProblem(filename, line, "attendee_id", f"{attendee!r} is seated twice")
            )
        rounds[numbers[0]][attendee] = numbers[1]
    if problems:
        raise ImportRowsError(problems, filename=filename)
    return dict(sorted(rounds.items()))


def read_plan_pairs(fp: BinaryIO, *, filename: str, ids: Sequence[str]) -> set[tuple[str, str]]:
    """Pairs of attendee ids who shared a table in an earlier plan (our CSV format).

    Rows naming attendees who are not in this event are ignored (they cannot meet
    again).
    """
    known = set(ids)
    pairs = set()
    for seating in read_plan(fp, filename=filename).values():
        tables: dict[int, list[str]] = defaultdict(list)
        for attendee, table in seating.items():
            if attendee in known:
                tables[table].append(attendee)
        pairs |= {
            (min(a, b), max(a, b))
            for members in tables.values()
            for i, a in enumerate(members)
            for b in members[i + 1 :]
        }
    return pairs
