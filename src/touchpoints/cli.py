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
from touchpoints.core.topics import TopicKind, Vocabulary, event_topics
from touchpoints.demo import DEMO_FILENAME, demo_event_bytes
from touchpoints.errors import TouchpointsError
from touchpoints.files.matches import write_matches_csv, write_matches_json
from touchpoints.files.registrations import (
    ImportResult,
    read_registrations,
    read_registrations_path,
)

__all__ = ["cli"]

_err = Console(stderr=True, highlight=False)


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
