"""200 attendees confirm their partner at the same moment, over real HTTP against the
app served by uvicorn, on both backends: every confirmation lands exactly once, and
sending them all again at once changes nothing.

No browser here (one ``httpx.Client`` per attendee, a thread each), but it needs the
live server of :mod:`tests.e2e.conftest`, so it is collected (and marked) with the
browser tests.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import select

from tests.e2e.test_touchpoints import seat_event
from touchpoints.core.model import Attendee
from touchpoints.storage.database import open_database
from touchpoints.storage.schema import ConfirmationRow

N = 200  # attendees, in N // 2 published pairs
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TOPICS = ("sailing", "chess", "jazz", "opera", "knitting", "climbing", "rust", "baking")


def _people() -> list[Attendee]:
    return [
        Attendee(
            str(i),
            f"Person{i} Load",
            f"p{i}@x.org",
            interests=(TOPICS[i % len(TOPICS)], TOPICS[(i * 3 + 1) % len(TOPICS)]),
        )
        for i in range(N)
    ]


def _all_at_once(work, clients):  # type: ignore[no-untyped-def]
    """``work(i, client)`` for every client, each in its own thread, released together."""
    start = threading.Barrier(len(clients), timeout=60)

    def run(i: int):  # type: ignore[no-untyped-def]
        start.wait()
        return work(i, clients[i])

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(run, range(len(clients))))


def test_200_simultaneous_confirmations_each_land_exactly_once(live_app, database_url):
    rows = seat_event(database_url, _people(), [[i, i + 1] for i in range(0, N, 2)], kind="pairs")
    partner = [i ^ 1 for i in range(N)]  # 0-1, 2-3, ...
    clients = [
        httpx.Client(base_url=live_app, follow_redirects=False, timeout=120) for _ in range(N)
    ]
    try:
        # Everyone opens their personal page at once (a cold cache: one crowd computed).
        def open_page(i: int, client: httpx.Client) -> str:
            page = client.get(f"/a/{rows[i].token}")
            assert page.status_code == 200, page.text[:500]
            return CSRF.search(page.text).group(1)  # type: ignore[union-attr]

        tokens = _all_at_once(open_page, clients)

        def confirm(i: int, client: httpx.Client) -> httpx.Response:
            return client.post(
                f"/a/{rows[i].token}/met",
                data={"other": str(rows[partner[i]].id), "csrf_token": tokens[i]},
            )

        def outcomes(responses: list[httpx.Response]) -> Counter[str]:
            seen: Counter[str] = Counter()
            for i, response in enumerate(responses):
                assert response.status_code == 303, (i, response.status_code, response.text[:500])
                where = response.headers["location"]
                assert where.startswith(f"/a/{rows[i].token}?met="), where
                seen[where.split("?met=")[1].split("#")[0]] += 1
            return seen

        first = outcomes(_all_at_once(confirm, clients))
        confirmations = _confirmations(database_url)

        again = outcomes(_all_at_once(confirm, clients))
        replayed = _confirmations(database_url)
    finally:
        for client in clients:
            client.close()

    assert set(first) <= {"waiting", "mutual"}
    assert again == {"mutual": N}
    expected = sorted((rows[i].id, rows[partner[i]].id) for i in range(N))
    assert sorted((a, b) for a, b, _ in confirmations) == expected  # each (attendee, partner) once
    assert {via for _, _, via in confirmations} == {"table"}
    pairs = {frozenset((a, b)) for a, b, _ in confirmations}
    assert len(pairs) == N // 2  # 100 mutual touchpoints
    assert replayed == confirmations


def _confirmations(database_url: str) -> list[tuple[int, int, str]]:
    db = open_database(database_url)
    try:
        with db() as session:
            query = select(
                ConfirmationRow.attendee_id, ConfirmationRow.other_id, ConfirmationRow.via
            )
            return sorted(tuple(row) for row in session.execute(query))  # type: ignore[misc]
    finally:
        db.kw["bind"].dispose()
