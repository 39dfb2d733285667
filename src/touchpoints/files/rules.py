"""Seating rules from a CSV file an organizer writes by hand or in a spreadsheet.

One rule per row, with the columns ``rule``, ``attendees``, ``table`` and ``tags``::

    rule,attendees,table,tags
    keep-apart,ann@example.org; bo@example.org,,
    keep-together,Cy Diaz; Dee Diaz,,
    pin,Eve Host,3,
    needs,Finn Wheel,,accessible
    table-tags,,3,accessible; german

Attendees are named by id, e-mail or full name and separated by ``;``; tables are
numbered from 1; tags are free words (case ignored). Like registrations, the file
is read all or nothing: every bad row is reported with its line and column.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import BinaryIO

from touchpoints.core.acquaintance import attendee_finder, avoid_pairs
from touchpoints.core.model import Attendee
from touchpoints.core.plans.rules import Rules
from touchpoints.errors import ImportRowsError, InputFileError, RowProblem

__all__ = ["RULE_KINDS", "read_rules", "with_avoid"]

RULE_KINDS = ("keep-apart", "keep-together", "pin", "needs", "table-tags")
_COLUMNS = ("rule", "attendees", "table", "tags")


def read_rules(fp: BinaryIO, *, filename: str, attendees: Sequence[Attendee], tables: int) -> Rules:
    """The rules of a rules CSV, with attendees as indices into ``attendees``.

    Raises
    ------
    ImportRowsError
        Naming file, line and column of every row that is not a valid rule.
    """
    try:
        text = fp.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(f"{filename}: not a UTF-8 CSV file", filename=filename) from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().casefold() for h in reader.fieldnames or ()]
    if "rule" not in header:
        raise InputFileError(
            f"{filename}: a rules file needs the columns {', '.join(_COLUMNS)}", filename=filename
        )
    reader.fieldnames = header
    find = attendee_finder(attendees)
    index = {a.id: i for i, a in enumerate(attendees)}
    problems: list[RowProblem] = []
    apart: list[tuple[int, int]] = []
    together: list[tuple[int, ...]] = []
    pinned: dict[int, int] = {}
    needs: dict[int, frozenset[str]] = {}
    table_tags: dict[int, frozenset[str]] = {}

    for line, row in enumerate(reader, start=2):

        def problem(column: str, message: str, line: int = line) -> None:
            problems.append(RowProblem(filename, line, column, message))

        kind = (row.get("rule") or "").strip().casefold()
        people: list[int] = []
        for entry in _split(row.get("attendees")):
            found = find(entry)
            if found is None:
                problem("attendees", f"no attendee with id, e-mail or name {entry!r}")
            else:
                people.append(index[found])
        table = _table(row.get("table"), tables)
        tags = frozenset(t.casefold() for t in _split(row.get("tags")))
        if kind not in RULE_KINDS:
            problem("rule", f"unknown rule {kind!r}; use one of {', '.join(RULE_KINDS)}")
        elif kind in ("keep-apart", "keep-together") and len(_split(row.get("attendees"))) < 2:
            problem("attendees", f"{kind} needs at least two attendees")
        elif kind in ("pin", "table-tags") and isinstance(table, str):
            problem("table", table)
        elif kind in ("needs", "table-tags") and not tags:
            problem("tags", f"{kind} needs at least one tag")
        elif kind in ("pin", "needs") and len(_split(row.get("attendees"))) < 1:
            problem("attendees", f"{kind} needs at least one attendee")
        elif kind == "keep-apart":
            apart += [(a, b) for i, a in enumerate(people) for b in people[i + 1 :]]
        elif kind == "keep-together":
            together.append(tuple(people))
        elif kind == "pin" and isinstance(table, int):
            pinned.update(dict.fromkeys(people, table))
        elif kind == "needs":
            for person in people:
                needs[person] = needs.get(person, frozenset()) | tags
        elif kind == "table-tags" and isinstance(table, int):
            table_tags[table] = table_tags.get(table, frozenset()) | tags
    if problems:
        raise ImportRowsError(problems, filename=filename)
    return Rules(apart, together, pinned, needs, table_tags)


def with_avoid(rules: Rules, attendees: Sequence[Attendee]) -> tuple[Rules, list[tuple[str, str]]]:
    """``rules`` plus a keep-apart for every "avoid" an attendee gave, and the avoid
    entries that match nobody, as (attendee id, entry)."""
    avoid, unmatched = avoid_pairs(attendees)
    if not avoid:
        return rules, unmatched
    merged = Rules(
        [*rules.keep_apart, *avoid],
        rules.keep_together,
        rules.pinned,
        rules.needs,
        rules.table_tags,
    )
    return merged, unmatched


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _table(cell: str | None, tables: int) -> int | str:
    """A 0-based table index, or what is wrong with the cell."""
    text = (cell or "").strip()
    if not text.isdigit() or not 1 <= int(text) <= tables:
        return f"expected a table number from 1 to {tables}, got {text!r}"
    return int(text) - 1
