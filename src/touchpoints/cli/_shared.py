"""What every command shares: reading registrations, progress bars, one-line errors."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from touchpoints.core.model import Attendee
from touchpoints.core.plans.explain import TableCard
from touchpoints.core.topics import Vocabulary, event_topics
from touchpoints.demo import DEMO_FILENAME, demo_event_bytes
from touchpoints.errors import TouchpointsError
from touchpoints.files.plans import write_cards_html, write_plan_csv, write_plan_json
from touchpoints.files.registrations import (
    ImportResult,
    read_registrations,
    read_registrations_path,
)

__all__ = [
    "ErrorsAsMessages",
    "err",
    "list_names",
    "output_options",
    "write_plan_outputs",
    "input_options",
    "progress_bars",
    "read_input",
    "topics_of",
]

err = Console(stderr=True, highlight=False)


@contextmanager
def progress_bars() -> Iterator[Callable[[str, int, int], None]]:
    """A progress callback drawing bars on stderr (only when it is a terminal)."""
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
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


def read_input(file: str | None, demo: bool, columns: tuple[str, ...]) -> ImportResult:
    if demo == (file is not None):
        raise click.UsageError("give a registration FILE, or --demo for the bundled demo event")
    mapping = _parse_columns(columns) or None
    if file is None:
        return read_registrations(
            io.BytesIO(demo_event_bytes()), filename=DEMO_FILENAME, mapping=mapping
        )
    return read_registrations_path(file, mapping=mapping)


def input_options(command: Callable[..., Any]) -> Callable[..., Any]:
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


def topics_of(result: ImportResult, attendees: Sequence[Attendee] | None = None) -> Vocabulary:
    """The event's topics (of ``attendees``, by default the file's), after its warnings."""
    for warning in result.warnings:
        err.print(f"[yellow]note:[/] {warning}", markup=True, highlight=False)
    with progress_bars() as report:
        return event_topics(result.attendees if attendees is None else attendees, progress=report)


class ErrorsAsMessages(click.Group):
    """Turns errors the library raises on purpose into one line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TouchpointsError as exc:
            raise click.ClickException(exc.message) from exc


def write_plan_outputs(
    out: TextIO,
    fmt: str,
    cards_out: TextIO | None,
    people: Sequence[Attendee],
    cards: Sequence[TableCard],
    title: str,
) -> None:
    """The plan as CSV or JSON, and the cards when asked for."""
    (write_plan_json if fmt == "json" else write_plan_csv)(out, people, cards)
    if cards_out is not None:
        write_cards_html(cards_out, people, cards, title=title)


def list_names(label: str, names: Sequence[str]) -> None:
    """Name up to 20 people on stderr after a label (nothing when none)."""
    if names:
        more = f" and {len(names) - 20} more" if len(names) > 20 else ""
        err.print(f"{label} ({len(names)}): {', '.join(names[:20])}{more}", markup=False)


def output_options(what: str, cards: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--out, --format and --cards, shared by the commands that write a plan
    (``what`` names it in the help; ``cards`` says what the cards hold)."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option(
            "--cards",
            type=click.File("w", encoding="utf-8"),
            default=None,
            help=f"Also write print-ready HTML {cards}.",
        )(command)
        command = click.option(
            "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
        )(command)
        return click.option(
            "--out",
            type=click.File("w", encoding="utf-8"),
            default="-",
            help=f"Write the {what} here (CSV, or JSON with --format json).",
        )(command)

    return decorate
