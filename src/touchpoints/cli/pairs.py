"""``touchpoints pairs``: 1:1 rounds at an event, and recurring pairings in a community."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Sequence
from itertools import combinations
from typing import TextIO

import click

from touchpoints.cli._shared import (
    err,
    input_options,
    list_names,
    output_options,
    read_input,
    topics_of,
    write_plan_outputs,
)
from touchpoints.core.acquaintance import acquaintances, attendee_finder, avoid_pairs
from touchpoints.core.model import Attendee
from touchpoints.core.plans.explain import explain_plan
from touchpoints.core.plans.objective import plan_values
from touchpoints.core.plans.pairs import pair_rounds
from touchpoints.core.plans.seating import seating_of
from touchpoints.core.topics import Vocabulary
from touchpoints.files.pair_history import append_history, read_history

__all__ = ["pairs"]

Pair = tuple[int, int]

#: Status cells that mean "not this time" (case ignored).
_NOT_IN = frozenset({"paused", "pause", "opted out", "opt out", "out", "no", "inactive", "off"})
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


def _column(person: Attendee, header: str | None) -> str:
    """The cell of an extra column (headers compared without case)."""
    if header is None:
        return ""
    wanted = header.strip().casefold()
    return next((v.strip() for h, v in person.extra if h.strip().casefold() == wanted), "")


def _offset_hours(text: str, who: str) -> float | None:
    """Hours east of UTC of a time zone name (Europe/Oslo) or offset (UTC+2, -05:30)."""
    if not text:
        return None
    match = _OFFSET.match(text.replace(" ", ""))
    if match:
        sign = 1 if match.group(1) == "+" else -1
        return sign * (int(match.group(2)) + int(match.group(3) or 0) / 60)
    try:
        zone = zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise click.UsageError(f"{who}: unknown time zone {text!r}") from None
    offset = dt.datetime.now(zone).utcoffset() or dt.timedelta()
    return offset.total_seconds() / 3600


def _never(
    people: Sequence[Attendee],
    timezone_column: str | None,
    max_hours_apart: float | None,
    availability_column: str | None,
) -> set[Pair]:
    """Pairs never to pair: acquaintances, "avoid", time zones too far apart, no
    shared availability."""
    index = {a.id: i for i, a in enumerate(people)}
    never = {(index[p.a], index[p.b]) for p in acquaintances(people).pairs.values()}
    never.update(avoid_pairs(people)[0])
    if max_hours_apart is not None:
        hours = [_offset_hours(_column(p, timezone_column), p.name) for p in people]
        known = [i for i, h in enumerate(hours) if h is not None]
        never |= {
            (a, b)
            for a, b in combinations(known, 2)
            if abs((hours[a] or 0) - (hours[b] or 0)) > max_hours_apart
        }
    if availability_column is not None:
        slots = [
            {s.strip().casefold() for s in _column(p, availability_column).split(";") if s.strip()}
            for p in people
        ]
        given = [i for i, s in enumerate(slots) if s]
        never |= {(a, b) for a, b in combinations(given, 2) if not slots[a] & slots[b]}
    return never


def _mutual(people: Sequence[Attendee]) -> set[Pair]:
    """Pairs who both asked to meet each other."""
    find = attendee_finder(people)
    index = {a.id: i for i, a in enumerate(people)}
    wants = {
        (i, index[other])
        for i, person in enumerate(people)
        for entry in person.want_to_meet
        if (other := find(entry)) is not None and other != person.id
    }
    return {(a, b) for a, b in wants if a < b and (b, a) in wants}


def _this_week() -> str:
    year, week, _ = dt.date.today().isocalendar()
    return f"{year}-W{week:02d}"


@click.command()
@input_options
@click.option(
    "--rounds",
    type=click.IntRange(1, 100),
    default=1,
    show_default=True,
    help="Rounds at an event; nobody meets the same person twice.",
)
@click.option(
    "--history",
    type=click.Path(dir_okay=False),
    default=None,
    help="Recurring pairings: the history CSV to avoid and to append this round to "
    "(created if missing).",
)
@click.option(
    "--label",
    default=None,
    help="The round's name in the history (default: this ISO week, e.g. 2026-W48); "
    "with --rounds N the rounds are LABEL/1 … LABEL/N.",
)
@click.option(
    "--window",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Avoid partners of the last N rounds of the history only (0: all of them).",
)
@click.option(
    "--status-column",
    default="status",
    show_default=True,
    help="Column saying who takes part: 'paused', 'opted out', 'no' … are left out.",
)
@click.option(
    "--timezone-column",
    default="time zone",
    show_default=True,
    help="Column with a time zone (Europe/Oslo) or offset (UTC+2).",
)
@click.option(
    "--max-hours-apart",
    type=click.FloatRange(0),
    default=None,
    help="Only pair people whose time zones are at most this many hours apart.",
)
@click.option(
    "--availability-column",
    default=None,
    help="Only pair people who share a slot in this column (slots separated by ';').",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same pairs.")
@output_options("pairs", "cards: one per pair per round, an agenda per attendee")
def pairs(
    file: str | None,
    demo: bool,
    columns: tuple[str, ...],
    rounds: int,
    history: str | None,
    label: str | None,
    window: int,
    status_column: str,
    timezone_column: str,
    max_hours_apart: float | None,
    availability_column: str | None,
    seed: int,
    out: TextIO,
    fmt: str,
    cards: TextIO | None,
) -> None:
    """Pair people 1:1 around what they share, round after round or week after week.

    At an event: touchpoints pairs regs.csv --rounds 6 --out pairs.csv --cards cards.html

    In a community: touchpoints pairs members.csv --history history.csv --window 8
    --out this_week.csv
    """
    result = read_input(file, demo, columns)
    people = result.attendees
    index = {a.id: i for i, a in enumerate(people)}
    present = [
        i for i, p in enumerate(people) if _column(p, status_column).casefold() not in _NOT_IN
    ]
    label = label or _this_week()
    earlier = read_history(history) if history is not None else {}
    labels = [label] if rounds == 1 else [f"{label}/{r}" for r in range(1, rounds + 1)]
    recorded = [name for name in labels if name in earlier]
    if history is not None and recorded:
        err.print(
            f"{', '.join(recorded)} already in {history}: showing those pairs, appending nothing"
        )
        seatings = [
            seating_of(len(people), _groups([(index[a], index[b]) for a, b in earlier[name]]))
            for name in recorded
        ]
        _show(people, topics_of(result), seatings, out, fmt, cards)
        return
    recent = list(earlier.values())[-window:] if window else list(earlier.values())
    met = {(index[a], index[b]) for r in recent for a, b in r if a in index and b in index}
    vocabulary = topics_of(result)
    plan = pair_rounds(
        plan_values(vocabulary),
        rounds,
        present=present,
        met_before=met,
        never=_never(people, timezone_column, max_hours_apart, availability_column),
        mutual=_mutual(people),
        seed=seed,
    )
    seatings = [seating_of(len(people), r.groups) for r in plan]
    _show(people, vocabulary, seatings, out, fmt, cards)
    names = [p.name for p in people]
    for number, paired in enumerate(plan, start=1):
        trios = sum(1 for g in paired.groups if len(g) == 3)
        err.print(
            f"Round {number}: {len(paired.groups)} pairs" + (" (one a trio)" if trios else ""),
            markup=False,
        )
        for left in paired.unpaired:
            err.print(f"  {names[left.person]}: no partner ({left.reason})", markup=False)
    skipped = len(people) - len(present)
    if skipped:
        err.print(f"{skipped} paused or opted out, not paired", markup=False)
    if history is not None:
        append_history(
            history,
            {
                name: [
                    (people[a].id, people[b].id)
                    for group in paired.groups
                    for a, b in combinations(group, 2)
                ]
                for name, paired in zip(labels, plan, strict=True)
            },
        )
        err.print(f"appended {', '.join(labels)} to {history}", markup=False)


def _groups(pairs: Sequence[Pair]) -> list[tuple[int, ...]]:
    """Pairs back into groups (a trio is recorded as its three pairs)."""
    group_of: dict[int, set[int]] = {}
    for a, b in pairs:
        merged = group_of.get(a, {a}) | group_of.get(b, {b})
        for person in merged:
            group_of[person] = merged
    unique = {id(g): g for g in group_of.values()}
    return [tuple(sorted(g)) for g in unique.values()]


def _show(
    people: Sequence[Attendee],
    vocabulary: Vocabulary,
    seatings: list[list[int]],
    out: TextIO,
    fmt: str,
    cards: TextIO | None,
) -> None:
    """Write the pairs with what each shares, and name who shares nothing yet."""
    explained = explain_plan(vocabulary, seatings, acquaintances=acquaintances(people))
    write_plan_outputs(out, fmt, cards, people, explained, "Pairs")
    alone = [s.attendee for c in explained for s in c.seats if s.hook is None]
    names = {p.id: p.name for p in people}
    list_names("Paired with someone they share nothing with yet", sorted({names[a] for a in alone}))
