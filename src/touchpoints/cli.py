"""The ``touchpoints`` command: thin commands over the library.

Each command reads a registration file, calls the engine and prints. Errors the
library raises on purpose come out as one clear line and exit code 1; usage
errors exit with 2 (click's convention).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from touchpoints import __version__
from touchpoints.core.acquaintance import acquaintances
from touchpoints.core.candidates import best_matches
from touchpoints.core.common_ground import CommonGround
from touchpoints.core.plans.explain import explain_plan
from touchpoints.core.plans.objective import pair_values
from touchpoints.core.plans.tables import table_capacities, table_plan
from touchpoints.core.topics import TopicKind, Vocabulary, event_topics
from touchpoints.demo import DEMO_FILENAME, demo_event_bytes
from touchpoints.errors import TouchpointsError
from touchpoints.files.matches import write_matches_csv, write_matches_json
from touchpoints.files.plans import (
    read_plan_pairs,
    write_cards_html,
    write_plan_csv,
    write_plan_json,
)
from touchpoints.files.registrations import (
    ImportResult,
    read_registrations,
    read_registrations_path,
)

__all__ = ["cli"]

_err = Console(stderr=True, highlight=False)

#: Table size when neither --size, --tables nor --capacities is given.
DEFAULT_TABLE_SIZE = 8


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    """A progress callback drawing bars on stderr (only when it is a terminal)."""
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_err,
        transient=True,
        disable=not _err.is_terminal,
    )
    tasks: dict[str, Any] = {}

    def report(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bars.add_task(stage, total=total if total > 0 else None)
        bars.update(tasks[stage], completed=done, total=total if total > 0 else None)

    with bars:
        yield report


def _parse_columns(values: tuple[str, ...]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for value in values:
        field, sep, header = value.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise click.UsageError(f"--column expects FIELD=HEADER, got {value!r}")
        mapping[field.strip()] = header.strip()
    return mapping


def _read(file: str | None, demo: bool, columns: tuple[str, ...]) -> ImportResult:
    if demo == (file is not None):
        raise click.UsageError("give a registration FILE, or --demo for the bundled demo event")
    mapping = _parse_columns(columns) or None
    if file is None:
        return read_registrations(
            io.BytesIO(demo_event_bytes()), filename=DEMO_FILENAME, mapping=mapping
        )
    return read_registrations_path(file, mapping=mapping)


def _input_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """FILE, --demo and --column, shared by every command that reads registrations."""
    command = click.option(
        "--column",
        "columns",
        multiple=True,
        metavar="FIELD=HEADER",
        help="Take FIELD from column HEADER (repeatable), e.g. --column interests='Topics'.",
    )(command)
    command = click.option("--demo", is_flag=True, help="Use the bundled demo event.")(command)
    return click.argument("file", required=False, type=click.Path(dir_okay=False))(command)


def _topics(result: ImportResult) -> Vocabulary:
    for warning in result.warnings:
        _err.print(f"[yellow]note:[/] {warning}", markup=True, highlight=False)
    with _progress() as report:
        return event_topics(result.attendees, progress=report)


class _Group(click.Group):
    """Turns errors the library raises on purpose into one line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TouchpointsError as exc:
            raise click.ClickException(exc.message) from exc


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="touchpoints")
def cli() -> None:
    """Find one real point of common interest between the people at an event."""


@cli.command()
@_input_options
@click.option("--min-count", default=2, show_default=True, help="Hide topics fewer people hold.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def topics(
    file: str | None, demo: bool, columns: tuple[str, ...], min_count: int, fmt: str
) -> None:
    """List the event's topics: how many hold each, how specific it is, example phrases.

    Example: touchpoints topics registrations.csv --min-count 3
    """
    vocabulary = _topics(_read(file, demo, columns))
    shown = sorted(
        (t for t in vocabulary.topics if t.attendee_count >= min_count),
        key=lambda t: (-t.specificity, -t.attendee_count, t.label.casefold()),
    )
    if fmt == "json":
        rows = [
            {
                "topic": t.label,
                "kind": t.kind.value,
                "attendees": t.attendee_count,
                "wrote_it": t.direct_count,
                "specificity": round(t.specificity, 3),
                "examples": list(t.examples),
            }
            for t in shown
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(
        title=f"{len(shown)} topics held by {min_count}+ of {vocabulary.n_attendees} attendees"
    )
    for name, justify in (
        ("topic", "left"),
        ("kind", "left"),
        ("people", "right"),
        ("specificity", "right"),
        ("example phrases", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for t in shown:
        kind = "" if t.kind is TopicKind.INTEREST else t.kind.value
        table.add_row(
            t.label,
            kind,
            str(t.attendee_count),
            f"{t.specificity:.2f}",
            "; ".join(t.examples),
        )
    Console(highlight=False, markup=False).print(table)


@cli.command()
@_input_options
@click.option(
    "--top",
    default=5,
    show_default=True,
    type=click.IntRange(1, 100),
    help="People listed per attendee.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--include-acquaintances",
    is_flag=True,
    help="Also list colleagues and people they know (flagged).",
)
@click.option(
    "--out",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Write here instead of standard output.",
)
def match(
    file: str | None,
    demo: bool,
    columns: tuple[str, ...],
    top: int,
    fmt: str,
    include_acquaintances: bool,
    out: TextIO,
) -> None:
    """For every attendee, the best people to meet and the point they share.

    Example: touchpoints match registrations.csv --top 5 --format csv --out matches.csv
    """
    result = _read(file, demo, columns)
    vocabulary = _topics(result)
    known = acquaintances(result.attendees)
    with _progress() as report:
        matches = best_matches(
            vocabulary,
            top,
            acquaintances=known,
            include_acquaintances=include_acquaintances,
            progress=report,
        )
    if fmt == "csv":
        write_matches_csv(out, result.attendees, matches)
    elif fmt == "json":
        write_matches_json(out, result.attendees, matches)
    else:
        _print_matches(out, result, matches)
    alone = sum(1 for m in matches if not m)
    if alone:
        _err.print(f"{alone} attendee(s) share nothing with anyone here yet (listed above).")


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


@cli.command()
@_input_options
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
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same plan.")
@click.option(
    "--history",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="An earlier plan CSV: people who met there are not seated together again.",
)
@click.option(
    "--out",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Write the plan here (CSV, or JSON with --format json).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--cards",
    type=click.File("w", encoding="utf-8"),
    default=None,
    help="Also write print-ready HTML table cards and agendas here.",
)
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
) -> None:
    """Seat everybody at tables, round after round, around what they share.

    Example: touchpoints plan regs.csv --size 8 --rounds 3 --out plan.csv --cards cards.html
    """
    result = _read(file, demo, columns)
    people = result.attendees
    seats = _parse_capacities(capacities)
    if size is None and tables is None and seats is None:
        size = DEFAULT_TABLE_SIZE
    layout = table_capacities(len(people), size=size, tables=tables, capacities=seats)
    vocabulary = _topics(result)
    index = {a.id: i for i, a in enumerate(people)}
    known = acquaintances(people)
    met: set[tuple[int, int]] = set()
    if history is not None:
        with open(history, "rb") as fp:
            earlier = read_plan_pairs(fp, filename=history, ids=list(index))
        met = {(index[a], index[b]) for a, b in earlier}
    with _err.status(f"planning {rounds} round(s) of {len(layout)} tables ({time_limit:g} s)…"):
        seating = table_plan(
            pair_values(vocabulary),
            layout,
            rounds,
            acquainted=[(index[p.a], index[p.b]) for p in known.pairs.values()],
            met_before=met,
            time_limit=time_limit,
            seed=seed,
        )
    explained = explain_plan(vocabulary, seating, acquaintances=known)
    (write_plan_json if fmt == "json" else write_plan_csv)(out, people, explained)
    if cards is not None:
        write_cards_html(cards, people, explained, title="Table plan")
    m = seating.metrics
    lonely = sorted({s.attendee for c in explained for s in c.seats if s.hook is None})
    names = {a.id: a.name for a in people}
    _err.print(
        f"{len(people)} people, {rounds} round(s), tables of {', '.join(map(str, layout))}: "
        f"hook coverage {m.hook_coverage:.0%}, mean hook {m.mean_hook:.2f}, "
        f"repeated pairs {m.repeated_pairs}, acquaintances together {m.acquaintances_together}, "
        f"rule violations {m.keep_apart_violations}",
        markup=False,
        highlight=False,
    )
    if lonely:
        _err.print(
            f"No shared point at their table in some round ({len(lonely)}): "
            + ", ".join(names[i] for i in lonely[:20])
            + (" …" if len(lonely) > 20 else ""),
            markup=False,
            highlight=False,
        )


def _print_matches(out: TextIO, result: ImportResult, matches: list[list[CommonGround]]) -> None:
    names = {a.id: a.name for a in result.attendees}
    table = Table(show_lines=False)
    for name in ("attendee", "#", "meet", "score", "shared point"):
        table.add_column(name, overflow="fold")
    for attendee, grounds in zip(result.attendees, matches, strict=True):
        if not grounds:
            table.add_row(attendee.name, "", "", "", "no common ground with anyone here yet")
        for rank, ground in enumerate(grounds, start=1):
            note = (
                f" [{', '.join(r.value for r in ground.acquainted)}]" if ground.acquainted else ""
            )
            table.add_row(
                attendee.name if rank == 1 else "",
                str(rank),
                names[ground.b],
                f"{ground.score:.2f}",
                ground.explanation + note,
            )
    Console(file=out, highlight=False, markup=False, width=160 if not out.isatty() else None).print(
        table
    )
