"""``touchpoints serve``: the web app, optionally with the demo event."""

from __future__ import annotations

import datetime as dt
import io
import os
import secrets
from itertools import combinations
from random import Random

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from touchpoints.cli._shared import err
from touchpoints.demo import DEMO_FILENAME, demo_event_bytes
from touchpoints.files.registrations import read_registrations
from touchpoints.settings import Settings
from touchpoints.storage import plans
from touchpoints.storage import repository as repo
from touchpoints.storage.database import open_database
from touchpoints.storage.schema import ConfirmationRow, EventRow, OrganizerRow, PlanRow, SeatRow
from touchpoints.web import planning

__all__ = ["DEMO_ORGANIZER", "seed_demo", "serve"]

DEMO_ORGANIZER = "demo@example.org"
DEMO_EVENT = "Demo event"


def seed_demo(settings: Settings) -> tuple[str, str, str]:
    """The demo organizer (with a new password each time) and event with a published
    two-round breakfast plan and some touchpoints, created once.

    Returns the organizer's e-mail, password and one attendee's personal link path.
    """
    password = secrets.token_urlsafe(9)
    factory = open_database(settings.database_url)
    with factory.begin() as db:
        organizer = db.scalar(select(OrganizerRow).where(OrganizerRow.email == DEMO_ORGANIZER))
        if organizer is None:
            organizer = repo.create_organizer(db, DEMO_ORGANIZER, password)
        else:
            repo.set_password(db, organizer, password)
        event = db.scalar(
            select(EventRow).where(
                EventRow.organizer_id == organizer.id, EventRow.name == DEMO_EVENT
            )
        )
        if event is None:
            event = repo.create_event(db, organizer.id, DEMO_EVENT)
            people = read_registrations(io.BytesIO(demo_event_bytes()), filename=DEMO_FILENAME)
            repo.add_attendees(db, event, people.attendees)
            breakfast = plans.create_session(
                db, event, name="Breakfast", kind="tables", table_size=8, rounds=2, time_limit=3
            )
            plan_id = plans.start_plan(db, breakfast).id
        else:
            plan_id = None
        first = repo.attendees_of(db, event.id)[0]
        link, event_id = f"/a/{first.token}", event.id
    if plan_id is not None:  # a published breakfast plan, so attendee pages show a table
        planning.run_plan(factory, plan_id)
        with factory.begin() as db:
            plan = db.get(PlanRow, plan_id)
            if plan is not None and plan.status == "ready":
                plans.publish_plan(db, plan)
                _demo_touchpoints(db, plan, event_id)
    factory.kw["bind"].dispose()  # the server opens its own connections
    return DEMO_ORGANIZER, password, link


def _demo_touchpoints(db: Session, plan: PlanRow, event_id: int) -> None:
    """A morning's confirmations, so the dashboard has a network to show: among round-1
    tablemates about a third of the pairs mutual and some one-sided; a few people who
    met away from their table (by meet-me code); some nobody confirmed yet. Nobody
    shares contact details (each attendee chooses that on their page)."""
    random = Random(7)
    seats = list(db.scalars(select(SeatRow).where(SeatRow.plan_id == plan.id, SeatRow.round == 1)))
    tables: dict[int, list[int]] = {}
    for seat in seats:
        tables.setdefault(seat.table, []).append(seat.attendee_id)
    start = dt.datetime.now(dt.UTC).replace(hour=8, minute=0, second=0, microsecond=0)

    def confirm(me: int, other: int, via: str) -> None:
        at = start + dt.timedelta(minutes=random.uniform(0, 120))
        db.add(
            ConfirmationRow(
                event_id=event_id, attendee_id=me, other_id=other, via=via, created_at=at
            )
        )

    for members in tables.values():
        for a, b in combinations(members, 2):
            draw = random.random()
            if draw < 0.3:
                confirm(a, b, "table")
                confirm(b, a, "table")
            elif draw < 0.4:
                confirm(a, b, "table")
    met_away = [a for t in sorted(tables) for a in tables[t]]
    random.shuffle(met_away)
    for a, b in zip(met_away[:20:2], met_away[1:20:2], strict=True):
        if not any(a in m and b in m for m in tables.values()):
            confirm(a, b, "code")
            confirm(b, a, "code")


@click.command()
@click.option("--demo", is_flag=True, help="Also create the demo organizer and event.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Data folder (default: $TOUCHPOINTS_DATA or ./touchpoints-data).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes (about one per core for a busy event).",
)
@click.option(
    "--database-url",
    default=None,
    help="SQLAlchemy URL, e.g. postgresql+psycopg://localhost/touchpoints "
    "(default: $TOUCHPOINTS_DATABASE_URL or SQLite in the data folder).",
)
def serve(
    demo: bool,
    host: str,
    port: int,
    data_dir: str | None,
    database_url: str | None,
    workers: int,
) -> None:
    """Run the web app: organizers plan, attendees see what they share.

    Example: touchpoints serve --demo   (then open http://127.0.0.1:8000)
    """
    import uvicorn

    from touchpoints.web.app import create_app

    settings = Settings.from_env(data_dir, database_url)
    if demo:
        email, password, link = seed_demo(settings)
        err.print(
            f"Demo event ready. Organizer login: {email} / {password}\n"
            f"An attendee's page: http://{host}:{port}{link}",
            markup=False,
        )
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
        return
    open_database(settings.database_url)  # migrate once here, not in every worker at once
    os.environ["TOUCHPOINTS_DATA"] = str(settings.data_dir)  # each worker reads its settings
    os.environ["TOUCHPOINTS_DATABASE_URL"] = settings.database_url
    os.environ.setdefault("TOUCHPOINTS_SECRET_KEY", settings.secret_key)
    uvicorn.run(
        "touchpoints.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )
