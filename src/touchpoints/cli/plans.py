"""``touchpoints plan`` and ``touchpoints repair``: tables, rounds, and the day itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TextIO

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from touchpoints.cli._shared import (
    err,
    input_options,
    list_names,
    output_options,
    read_input,
    topics_of,
    write_plan_outputs,
)
from touchpoints.core.acquaintance import acquaintances, attendee_finder
from touchpoints.core.model import Attendee
from touchpoints.core.plans.explain import explain_plan
from touchpoints.core.plans.objective import plan_values
from touchpoints.core.plans.repair import repair_round
from touchpoints.core.plans.rules import Rules
from touchpoints.core.plans.seating import pairs_of
from touchpoints.core.plans.tables import PlanMetrics, table_capacities, table_plan
from touchpoints.errors import InfeasiblePlanError, InputFileError
from touchpoints.files.plans import read_plan, read_plan_pairs
from touchpoints.files.registrations import ImportResult, read_registrations_path
from touchpoints.files.rules import read_rules, with_avoid

__all__ = ["plan", "repair"]

#: Table size when neither --size, --tables nor --capacities is given.
DEFAULT_TABLE_SIZE = 8


def _parse_capacities(value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        seats = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(f"expected numbers like 8,8,6, got {value!r}") from None
    if not seats or any(s < 1 for s in seats):
        raise click.BadParameter(f"expected positive numbers like 8,8,6, got {value!r}")
    return seats


def _rules(path: str | None, people: Sequence[Attendee], tables: int) -> Rules:
    """The rules file's rules, plus a keep-apart for every "avoid" an attendee gave."""
    rules = Rules()
    if path is not None:
        with open(path, "rb") as fp:
            rules = read_rules(fp, filename=path, attendees=people, tables=tables)
    rules, unmatched = with_avoid(rules, people)
    names = {a.id: a.name for a in people}
    for who, entry in unmatched:
        err.print(f"note: {names[who]} avoids {entry!r}, who is not registered", markup=False)
    return rules


def _earlier_pairs(path: str | None, people: Sequence[Attendee]) -> set[tuple[int, int]]:
    if path is None:
        return set()
    index = {a.id: i for i, a in enumerate(people)}
    with open(path, "rb") as fp:
        earlier = read_plan_pairs(fp, filename=path, ids=list(index))
    return {(index[a], index[b]) for a, b in earlier}


@contextmanager
def _time_bar(seconds: float) -> Iterator[Callable[[str, float], None]]:
    """A bar over the time limit, showing what the planner is doing (stderr, terminals)."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    task = bar.add_task("planning", total=max(seconds, 1e-9))

    def report(stage: str, elapsed: float) -> None:
        bar.update(task, description=stage, completed=min(elapsed, seconds))

    with bar:
        yield report


def _summary(people: Sequence[Attendee], rounds: int, layout: Sequence[int], m: PlanMetrics) -> str:
    return (
        f"{len(people)} people, {rounds} round(s), tables of {', '.join(map(str, layout))}\n"
        f"  hook coverage          {m.hook_coverage:.1%}\n"
        f"  hook strength          mean {m.mean_hook:.2f}, weakest {m.min_hook:.2f}\n"
        f"  repeated pairs         {m.repeated_pairs}\n"
        f"  acquaintances together {m.acquaintances_together}\n"
        f"  rule violations        {m.rule_violations}\n"
        f"  total common ground    {m.total_value:.1f}"
    )


def _with_output_options(command: Callable[..., object]) -> Callable[..., object]:
    """--out, --format, --cards and --rules, shared by plan and repair."""
    command = click.option(
        "--rules",
        "rules_file",
        type=click.Path(exists=True, dir_okay=False),
        default=None,
        help="Seating rules CSV: keep-apart, keep-together, pin, needs, table-tags.",
    )(command)
    return output_options("plan", "table cards and agendas here")(command)


@click.command()
@input_options
@click.option(
    "--size",
    type=click.IntRange(2, 500),
    default=None,
    help="People per table; the remainder is spread (8 and 7 side by side). Default 8.",
)
@click.option("--tables", type=click.IntRange(1), default=None, help="Number of tables.")
@click.option("--capacities", default=None, metavar="8,8,6", help="Seats of each table.")
@click.option(
    "--rounds",
    type=click.IntRange(1, 50),
    default=1,
    show_default=True,
    help="Rotations; nobody meets the same person twice while that is feasible.",
)
@click.option(
    "--time",
    "time_limit",
    type=click.FloatRange(0.0),
    default=10.0,
    show_default=True,
    help="Seconds to search (the whole plan).",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Seed of the search: the same seed repeats the same search; how far it gets "
    "depends on --time and the machine.",
)
@click.option(
    "--history",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="An earlier plan CSV: people who met there are not seated together again.",
)
@_with_output_options
def plan(
    file: str | None,
    demo: bool,
    columns: tuple[str, ...],
    size: int | None,
    tables: int | None,
    capacities: str | None,
    rounds: int,
    time_limit: float,
    seed: int,
    history: str | None,
    out: TextIO,
    fmt: str,
    cards: TextIO | None,
    rules_file: str | None,
) -> None:
    """Seat everybody at tables, round after round, around what they share.

    Example: touchpoints plan regs.csv --size 8 --rounds 3 --out plan.csv --cards cards.html
    """
    result = read_input(file, demo, columns)
    people = result.attendees
    seats = _parse_capacities(capacities)
    if size is None and tables is None and seats is None:
        size = DEFAULT_TABLE_SIZE
    layout = table_capacities(len(people), size=size, tables=tables, capacities=seats)
    rules = _rules(rules_file, people, len(layout))
    vocabulary = topics_of(result)
    index = {a.id: i for i, a in enumerate(people)}
    known = acquaintances(people)
    names = [a.name for a in people]
    with _time_bar(time_limit) as report:
        seating = table_plan(
            plan_values(vocabulary),
            layout,
            rounds,
            rules=rules,
            acquainted=[(index[p.a], index[p.b]) for p in known.pairs.values()],
            met_before=_earlier_pairs(history, people),
            time_limit=time_limit,
            seed=seed,
            names=names,
            progress=report,
        )
    explained = explain_plan(vocabulary, seating.rounds, acquaintances=known)
    write_plan_outputs(out, fmt, cards, people, explained, "Table plan")
    err.print(_summary(people, rounds, layout, seating.metrics), markup=False)
    list_names("Share nothing with anybody here", [names[p] for p in seating.unmatched])
    unmatched = {people[p].id for p in seating.unmatched}
    lonely = sorted({s.attendee for c in explained for s in c.seats if s.hook is None} - unmatched)
    list_names("No shared point at their table in some round", [names[index[i]] for i in lonely])


@click.command()
@input_options
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(exists=True, dir_okay=False),
    required=True,
    help="The published plan (CSV from `touchpoints plan`).",
)
@click.option(
    "--round",
    "round_number",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="The round to repair.",
)
@click.option(
    "--no-show",
    "no_shows",
    multiple=True,
    metavar="WHO",
    help="Someone who did not come: id, e-mail or name (repeatable).",
)
@click.option(
    "--walk-ins",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Registrations of people who came without a seat (same format as FILE).",
)
@click.option(
    "--size",
    type=click.IntRange(2, 500),
    default=None,
    help="Seats per table (default: the fullest table of the round).",
)
@click.option("--capacities", default=None, metavar="8,8,6", help="Seats of each table.")
@_with_output_options
def repair(
    file: str | None,
    demo: bool,
    columns: tuple[str, ...],
    plan_file: str,
    round_number: int,
    no_shows: tuple[str, ...],
    walk_ins: str | None,
    size: int | None,
    capacities: str | None,
    out: TextIO,
    fmt: str,
    cards: TextIO | None,
    rules_file: str | None,
) -> None:
    """Re-seat a published round for no-shows and walk-ins, moving as few people as possible.

    Everyone in FILE (and --walk-ins) who has no seat in the round is seated; the
    moves are listed, and the whole plan is written again with the round repaired.

    Example: touchpoints repair regs.csv --plan plan.csv --round 2 --no-show ann@x.org
    --walk-ins late.csv --out plan.csv
    """
    result = read_input(file, demo, columns)
    people = _with_walk_ins(result, walk_ins)
    index = {a.id: i for i, a in enumerate(people)}
    names = [a.name for a in people]
    with open(plan_file, "rb") as fp:
        published = read_plan(fp, filename=plan_file)
    if round_number not in published:
        raise InfeasiblePlanError(
            f"{plan_file} has no round {round_number} (rounds: {', '.join(map(str, published))})"
        )
    rounds = [[published[r].get(a.id, 0) - 1 for a in people] for r in range(1, max(published) + 1)]
    seating = rounds[round_number - 1]
    tables = max(max(seating) + 1, len(_parse_capacities(capacities) or ()))
    counts = [seating.count(t) for t in range(tables)]
    layout = _parse_capacities(capacities) or [max(c, size or max(counts)) for c in counts]
    if len(layout) < tables:
        raise click.BadParameter(f"the round has {tables} tables", param_hint="--capacities")
    find = attendee_finder(people)
    absent = []
    for entry in no_shows:
        found = find(entry)
        if found is None:
            raise click.BadParameter(f"no attendee with id, e-mail or name {entry!r}")
        absent.append(index[found])
    met = {
        pair for r, other in enumerate(rounds) if r != round_number - 1 for pair in pairs_of(other)
    }
    rules = _rules(rules_file, people, len(layout))
    vocabulary = topics_of(result, people)
    fixed = repair_round(
        plan_values(vocabulary),
        layout,
        seating,
        absent=absent,
        rules=rules,
        met_before=met,
        names=names,
    )
    rounds[round_number - 1] = list(fixed.seating)
    known = acquaintances(people)
    explained = explain_plan(vocabulary, rounds, acquaintances=known)
    write_plan_outputs(out, fmt, cards, people, explained, "Table plan")
    err.print(f"Round {round_number}: {len(fixed.moves)} change(s)", markup=False)
    for move in fixed.moves:
        where = (
            f"table {move.from_table + 1} → table {move.to_table + 1}"
            if move.from_table is not None and move.to_table is not None
            else f"→ table {move.to_table + 1}"
            if move.to_table is not None
            else f"leaves table {(move.from_table or 0) + 1}"
        )
        err.print(f"  {names[move.person]}: {where} ({move.reason})", markup=False)


def _with_walk_ins(result: ImportResult, path: str | None) -> list[Attendee]:
    """The registered people, then the walk-ins (ids that clash get a ``walk-in-`` prefix)."""
    people = list(result.attendees)
    if path is None:
        return people
    ids = {a.id for a in people}
    emails = {a.email.casefold() for a in people if a.email}
    for attendee in read_registrations_path(path).attendees:
        if attendee.email and attendee.email.casefold() in emails:
            raise InputFileError(
                f"{path}: walk-in {attendee.name} is already registered", filename=path
            )
        if attendee.id in ids:
            attendee = replace(attendee, id=f"walk-in-{attendee.id}")
        ids.add(attendee.id)
        people.append(attendee)
    return people
