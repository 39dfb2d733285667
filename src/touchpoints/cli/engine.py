"""``touchpoints topics`` and ``touchpoints match``: what the engine finds."""

from __future__ import annotations

import json
from typing import TextIO

import click
from rich.console import Console
from rich.table import Table

from touchpoints.cli._shared import err, input_options, progress_bars, read_input, topics_of
from touchpoints.core.acquaintance import acquaintances
from touchpoints.core.candidates import best_matches
from touchpoints.core.common_ground import CommonGround
from touchpoints.core.topics import TopicKind
from touchpoints.files.matches import write_matches_csv, write_matches_json
from touchpoints.files.registrations import ImportResult

__all__ = ["match", "topics"]


@click.command()
@input_options
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
    vocabulary = topics_of(read_input(file, demo, columns))
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


@click.command()
@input_options
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
    result = read_input(file, demo, columns)
    vocabulary = topics_of(result)
    known = acquaintances(result.attendees)
    with progress_bars() as report:
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
        err.print(f"{alone} attendee(s) share nothing with anyone here yet (listed above).")


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
