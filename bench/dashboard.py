#!/usr/bin/env python3
"""The organizer's network dashboard (gh-6): page times for a 3,000-attendee event
with 20,000 touchpoints, on SQLite and on PostgreSQL.

The event is seeded (not timed): ``--attendees`` people (default 3,000) from
``bench/web.py``'s synthetic event (interests drawn from the demo event's, an
organization shared by a few people, a hometown); a published plan of two rounds of
random tables of 8 (so the seat suggestions have a round to work on); and
``--touchpoints`` distinct random pairs (default 20,000) who both confirmed, among 95%
of the attendees (the other 5% stay isolated), inserted in bulk as two confirmation
rows each, the second 1-30 minutes after the first, over 8 hours; plus one one-sided
confirmation for every ten touchpoints.

The app runs in this process behind Starlette's TestClient (no network), logged in as
the organizer. Each page is fetched once cold, then ``--repeat`` times (default 5):
the table shows the cold time and the median of the warm ones. The first dashboard
request computes the event's topics, everybody's best matches and pair values (kept
for the event afterwards, as for every page); the first picture lays the network out
(kept per number of touchpoints). ``--profile`` prints where a warm dashboard spends
its time.

PostgreSQL needs a server: ``--postgres-url`` or ``$TOUCHPOINTS_TEST_POSTGRES_URL``,
which ``bash scripts/test python bench/dashboard.py`` sets (a throwaway cluster); a
database is created for the run and dropped after.

    bash scripts/test python bench/dashboard.py          # both backends
    python bench/dashboard.py --backend sqlite --attendees 1000 --touchpoints 5000
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import os
import pstats
import random
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import insert
from starlette.testclient import TestClient

from touchpoints.settings import Settings
from touchpoints.storage.database import open_database
from touchpoints.storage.schema import ConfirmationRow
from touchpoints.web.app import create_app
from web import EMAIL, PASSWORD, scratch_postgres, seed_event

START = datetime.datetime(2025, 5, 1, 8, 0, tzinfo=datetime.UTC)


def seed(url: str, attendees: int, touchpoints: int, *, size: int = 8, rounds: int = 2) -> int:
    """Store the event, its published plan and confirmations; the event's id."""
    rng = random.Random(11)
    factory = open_database(url)
    with factory.begin() as db:
        event, rows = seed_event(db, attendees, rounds=rounds, size=size, seed=11)
        ids = [row.id for row in rows]
        social = ids[: int(len(ids) * 0.95)]
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < touchpoints:
            a, b = rng.sample(social, 2)
            pairs.add((min(a, b), max(a, b)))
        confirmations = []
        for a, b in sorted(pairs):
            first = START + datetime.timedelta(seconds=rng.uniform(0, 8 * 3600))
            second = first + datetime.timedelta(minutes=rng.uniform(1, 30))
            by, met = (a, b) if rng.random() < 0.5 else (b, a)
            confirmations.append((by, met, first))
            confirmations.append((met, by, second))
        waiting: dict[tuple[int, int], tuple[int, int]] = {}  # one direction per pair
        while len(waiting) < touchpoints // 10:
            a, b = rng.sample(ids, 2)
            if (min(a, b), max(a, b)) not in pairs:
                waiting.setdefault((min(a, b), max(a, b)), (a, b))
        at = START + datetime.timedelta(hours=4)
        confirmations += [(a, b, at) for a, b in waiting.values()]
        db.execute(
            insert(ConfirmationRow),
            [
                {"event_id": event.id, "attendee_id": by, "other_id": met, "via": "table",
                 "created_at": at}
                for by, met, at in confirmations
            ],
        )  # fmt: skip
        event_id = event.id
    factory.kw["bind"].dispose()
    return event_id


def timed(client: TestClient, url: str) -> tuple[float, int]:
    """Seconds to fetch ``url``, and the size of the page in bytes."""
    started = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code, response.text[:500])
    return seconds, len(response.content)


def seat_once(client: TestClient, backend: str, base: str) -> dict[str, object]:
    """Click "Seat better" for the first isolated person who has a suggestion (the
    move is saved and the plan's metrics measured again; then the dashboard again)."""
    page = client.get(f"{base}/dashboard").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    attendee = re.search(r'name="attendee" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    started = time.perf_counter()
    response = client.post(
        f"{base}/dashboard/seat", data={"attendee": attendee, "csrf_token": token}
    )
    seconds = time.perf_counter() - started
    if "now sits at table" not in response.text:
        raise SystemExit(f"seat better failed: {response.status_code} {response.text[:500]}")
    print(f"  seat better (POST, then the dashboard): {seconds:.2f} s", flush=True)
    return {"backend": backend, "page": "seat better + dashboard", "cold": seconds,
            "warm": None, "kb": len(response.content) / 1024}  # fmt: skip


def bench(backend: str, url: str, opts: argparse.Namespace) -> list[dict[str, object]]:
    print(f"{backend}: seeding {opts.attendees} attendees, {opts.touchpoints} touchpoints ...")
    started = time.perf_counter()
    event_id = seed(url, opts.attendees, opts.touchpoints)
    print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
    results = []
    with tempfile.TemporaryDirectory() as data:
        app = create_app(Settings(url, "bench-secret", Path(data)))
        with TestClient(app) as client:
            page = client.get("/login").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
            client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
            base = f"/events/{event_id}"
            for name, path in (
                ("dashboard", f"{base}/dashboard"),
                ("network.svg", f"{base}/network.svg"),
                ("touchpoints.csv", f"{base}/touchpoints.csv"),
            ):
                cold, size = timed(client, path)
                warm = [timed(client, path)[0] for _ in range(opts.repeat)]
                row = {
                    "backend": backend,
                    "page": name,
                    "cold": cold,
                    "warm": statistics.median(warm),
                    "kb": size / 1024,
                }
                print(
                    f"  {name}: cold {cold:.2f} s, warm median {row['warm']:.3f} s, "
                    f"{row['kb']:.0f} KB",
                    flush=True,
                )
                results.append(row)
            results.append(seat_once(client, backend, base))
            if opts.profile:
                profile(lambda: client.get(f"{base}/dashboard"))
        app.state.db.kw["bind"].dispose()
    return results


def profile(step: Callable[[], object]) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    step()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--attendees", type=int, default=3000)
    parser.add_argument("--touchpoints", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5, help="warm fetches per page")
    parser.add_argument("--profile", action="store_true", help="profile a warm dashboard")
    parser.add_argument("--postgres-url", default=os.environ.get("TOUCHPOINTS_TEST_POSTGRES_URL"))
    opts = parser.parse_args()
    results = []
    if opts.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            results += bench("sqlite", f"sqlite:///{folder}/bench.db", opts)
    if opts.backend in ("postgresql", "both"):
        if not opts.postgres_url:
            raise SystemExit("PostgreSQL: give --postgres-url, or run via bash scripts/test")
        with scratch_postgres(opts.postgres_url) as url:
            results += bench("postgresql", url, opts)
    print(f"\n{opts.attendees} attendees, {opts.touchpoints} touchpoints; warm = median of "
          f"{opts.repeat}\n")  # fmt: skip
    print("| backend | page | cold (first request) | warm (median) | size |")
    print("|---|---|---|---|---|")
    for r in results:
        warm = f"{r['warm']:.3f} s" if r["warm"] is not None else "–"  # type: ignore[str-format]
        print(f"| {r['backend']} | {r['page']} | {r['cold']:.2f} s | {warm} | {r['kb']:.0f} KB |")  # type: ignore[str-format]


if __name__ == "__main__":
    main()
