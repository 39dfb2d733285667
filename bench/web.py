#!/usr/bin/env python3
"""The attendee page under load: ``wrk`` on loopback against ``/a/{token}`` of a
3,000-attendee event, on SQLite and on PostgreSQL.

The event is synthetic (seeded): 3,000 attendees "Attendee 0001"..., each with 3-6
interests drawn from the interests of the bundled demo event, an organization shared
by up to 8 people, a hometown from 12 cities; stored directly with
:func:`touchpoints.storage.repository.add_attendees` (not timed), with a published
two-round plan of random tables of 8 (so every page shows seven tablemates and what
each shares). The app runs as ``touchpoints serve`` in a child process. One request warms the
page first (the event's topics and matches are computed once and cached: that time is
reported as "first page"). Then two ``wrk`` runs per backend, each on one attendee's
page at a time, drawn round-robin from 200 attendees:

* **paced**: about ``--rate`` requests/s (default 300). Debian's ``wrk`` is plain wrk,
  not wrk2 (no ``-R``), so the pace comes from a Lua ``delay()``: each of
  ``--connections`` connections waits ``connections / rate`` seconds between requests.
  The request rate achieved and the latency percentiles are what wrk measured; as with
  any closed-loop client, a stall delays the next requests instead of queueing them,
  so the p99 understates a true open-loop p99 if the server stalls.
* **saturated**: as fast as it goes with 32 connections, 2 threads: the most requests/s.

PostgreSQL needs a server: ``--postgres-url`` or ``$TOUCHPOINTS_TEST_POSTGRES_URL``,
which ``bash scripts/test python bench/web.py`` sets (a throwaway cluster); a database
is created for the run and dropped after. Needs ``wrk`` (``apt-get install wrk``).

    bash scripts/test python bench/web.py                 # both backends
    python bench/web.py --backend sqlite --duration 10
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import insert
from sqlalchemy.orm import Session

from touchpoints.core.model import Attendee
from touchpoints.demo import DEMO_FILENAME, demo_event_bytes
from touchpoints.files.registrations import read_registrations
from touchpoints.storage import plans
from touchpoints.storage import repository as repo
from touchpoints.storage.database import open_database
from touchpoints.storage.schema import AttendeeRow, EventRow, PlanRow, SeatRow

CITIES = (
    "Berlin", "Lisbon", "Nairobi", "Lagos", "Austin", "Toronto",
    "Seoul", "Pune", "Lyon", "Leeds", "Porto", "Krakow",
)  # fmt: skip
LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def lua_script(paths: list[str], delay_ms: int | None) -> str:
    """Round-robin over ``paths``; each connection waits ``delay_ms`` between requests."""
    script = LUA % ", ".join(json.dumps(p) for p in paths)
    if delay_ms is not None:
        script += f"delay = function() return {delay_ms} end\n"
    return script


def synthetic_event(n: int, seed: int = 7) -> list[Attendee]:
    """``n`` attendees whose interests are drawn from the demo event's."""
    demo = read_registrations(io.BytesIO(demo_event_bytes()), filename=DEMO_FILENAME)
    pool = sorted({i for a in demo.attendees for i in a.interests})
    rng = random.Random(seed)
    people = []
    for k in range(n):
        org = f"Org {rng.randrange(n // 4)}" if rng.random() < 0.7 else None
        people.append(
            Attendee(
                str(k + 1),
                f"Attendee {k + 1:04d}",
                email=f"attendee{k + 1:04d}@example.org",
                organization=org,
                interests=tuple(rng.sample(pool, rng.randint(3, 6))),
                hometown=rng.choice(CITIES),
            )
        )
    return people


#: The organizer who owns the benchmarks' events.
EMAIL, PASSWORD = "bench@example.org", "bench password"


def seed_event(
    db: Session, n: int, *, rounds: int = 2, size: int = 8, seed: int = 3
) -> tuple[EventRow, list[AttendeeRow]]:
    """Store a synthetic event of ``n`` attendees with a published plan (``rounds``
    rounds of random tables of ``size``, so every page shows tablemates)."""
    organizer = repo.create_organizer(db, EMAIL, PASSWORD)
    event = repo.create_event(db, organizer.id, f"Bench {n}")
    rows = repo.add_attendees(db, event, synthetic_event(n))
    session = plans.create_session(
        db, event, name="Breakfast", kind="tables", table_size=size, rounds=rounds, time_limit=1
    )
    plan = PlanRow(session_id=session.id, status="published", stage="done", progress=1.0)
    db.add(plan)
    db.flush()
    shuffle = random.Random(seed)
    for round_ in range(1, rounds + 1):
        order = [row.id for row in rows]
        shuffle.shuffle(order)
        db.execute(
            insert(SeatRow),
            [
                {"plan_id": plan.id, "round": round_, "table": i // size + 1, "attendee_id": a}
                for i, a in enumerate(order)
            ],
        )
    return event, rows


def seed(url: str, n: int) -> list[str]:
    """Store the event (:func:`seed_event`); the attendees' personal tokens."""
    factory = open_database(url)
    with factory.begin() as db:
        tokens = [row.token for row in seed_event(db, n)[1]]
    factory.kw["bind"].dispose()
    return tokens


@contextmanager
def scratch_postgres(server_url: str) -> Iterator[str]:
    """A new, empty database on the PostgreSQL server of ``server_url``: its URL
    (dropped afterwards)."""
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(server_url)
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"tp_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    try:
        url = server.set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'DROP DATABASE "{name}" WITH (FORCE)')  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, timeout: float) -> tuple[int, float]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=timeout) as response:
        response.read()
        return response.status, time.perf_counter() - start


def wait_until_up(base: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"touchpoints serve exited with {server.returncode}")
        try:
            get(f"{base}/login", 2)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("touchpoints serve did not start")


def wrk(base: str, args: list[str], lua: str) -> dict[str, float]:
    """Run wrk; requests/s, and latency percentiles in ms."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        out = subprocess.run(
            ["wrk", *args, "--latency", "-s", script.name, base],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(script.name)
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}  # type: ignore[union-attr]
    for pct in ("50", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if m:
            scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
            result[f"p{pct}"] = float(m.group(1)) * scale
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    result["non_2xx"] = float(errors.group(1)) if errors else 0.0
    if socket_errors:
        print(f"    wrk socket errors: {socket_errors.group(1)}")
    return result


def bench(backend: str, url: str, opts: argparse.Namespace) -> dict[str, object]:
    print(f"{backend}: seeding {opts.attendees} attendees ...", flush=True)
    start = time.perf_counter()
    tokens = seed(url, opts.attendees)
    print(f"  seeded in {time.perf_counter() - start:.1f} s", flush=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data:
        server = subprocess.Popen(
            ["touchpoints", "serve", "--port", str(port), "--data", data, "--database-url", url,
             "--workers", str(opts.workers)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base, server)
            paths = [f"/a/{t}" for t in random.Random(1).sample(tokens, min(200, len(tokens)))]
            status, first = get(base + paths[0], timeout=600)
            assert status == 200, status
            print(f"  first page (cold cache) {first:.2f} s", flush=True)
            for p in paths[:20]:
                get(base + p, timeout=60)
            if opts.workers > 1:  # every worker computes the event's topics once: warm them all
                wrk(base, ["-t2", "-c8", "-d15s", "--timeout", "60s"], lua_script(paths, None))
            delay_ms = round(1000 * opts.connections / opts.rate)
            paced = wrk(
                base,
                ["-t2", f"-c{opts.connections}", f"-d{opts.duration}s"],
                lua_script(paths, delay_ms),
            )
            print(f"  paced ~{opts.rate}/s: {paced}", flush=True)
            saturated = wrk(base, ["-t2", "-c32", f"-d{opts.duration}s"], lua_script(paths, None))
            print(f"  saturated: {saturated}", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {"backend": backend, "first_s": first, "paced": paced, "saturated": saturated}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--attendees", type=int, default=3000)
    parser.add_argument("--rate", type=int, default=300, help="paced run: requests/s")
    parser.add_argument("--connections", type=int, default=30, help="paced run: connections")
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, default=1, help="touchpoints serve --workers")
    parser.add_argument("--postgres-url", default=os.environ.get("TOUCHPOINTS_TEST_POSTGRES_URL"))
    opts = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("needs wrk: apt-get install wrk")
    results = []
    if opts.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            results.append(bench("sqlite", f"sqlite:///{folder}/bench.db", opts))
    if opts.backend in ("postgresql", "both"):
        if not opts.postgres_url:
            sys.exit("PostgreSQL: give --postgres-url, or run via bash scripts/test")
        with scratch_postgres(opts.postgres_url) as url:
            results.append(bench("postgresql", url, opts))
    print("\n| backend | first page | paced: req/s | p50 | p99 | saturated: req/s | p50 | p99 |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        p, s = r["paced"], r["saturated"]
        print(
            f"| {r['backend']} | {r['first_s']:.1f} s | {p['rps']:.0f} | {p['p50']:.1f} ms"  # type: ignore[index]
            f" | {p['p99']:.1f} ms | {s['rps']:.0f} | {s['p50']:.1f} ms | {s['p99']:.1f} ms |"  # type: ignore[index]
        )


if __name__ == "__main__":
    main()
