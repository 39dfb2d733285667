"""Touchpoints in a real browser: two tablemates confirm each other ("We met") and each
then sees the contact card the other chose, while a third tablemate sees nothing of
it; a meet-me code scanned on a phone asks before confirming, and tells a phone
without a personal link nothing about the code's owner.

The event (an organizer, attendees, a published plan) is written straight into the
live app's database: the organizer's clicks are :mod:`tests.e2e.test_organizer`'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import TIMEOUT_MS
from touchpoints.core.model import Attendee
from touchpoints.storage import repository as repo
from touchpoints.storage.database import open_database
from touchpoints.storage.schema import AttendeeRow, PlanRow, SeatRow, SessionRow

#: A phone's screen, as the browser context sees it.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
ANN_PHONE = "+44 20 7946 0958"
BO_LINK = "https://bo.example.org/me"
CROWD = [
    Attendee("1", "Ann Lee", "ann@x.org", interests=("sailing", "chess")),
    Attendee("2", "Bo Chen", "bo@x.org", interests=("sailing", "jazz")),
    Attendee("3", "Cy Diaz", "cy@x.org", interests=("knitting",)),
    Attendee("4", "Di Eze", "di@x.org", interests=("chess", "jazz")),
]
WAITING = "Noted. They see nothing of it until they confirm too."
MUTUAL = "A touchpoint: you both confirmed."


def seat_event(
    database_url: str,
    people: Sequence[Attendee],
    tables: Sequence[Sequence[int]],
    *,
    kind: str = "tables",
) -> list[AttendeeRow]:
    """An organizer's event of ``people`` with a published one-round plan whose tables
    are ``tables`` (positions in ``people``), written into the database directly: the
    attendee rows, in ``people``'s order (detached, their columns loaded)."""
    db = open_database(database_url)
    try:
        with db.begin() as session:
            organizer = repo.create_organizer(session, "org@example.org", "correct horse")
            event = repo.create_event(session, organizer.id, "Breakfast")
            rows = repo.add_attendees(session, event, people)
            sitting = SessionRow(event_id=event.id, name="Breakfast tables", kind=kind, rounds=1)
            session.add(sitting)
            session.flush()
            plan = PlanRow(session_id=sitting.id, status="published")
            session.add(plan)
            session.flush()
            session.add_all(
                SeatRow(plan_id=plan.id, round=1, table=table, attendee_id=rows[i].id)
                for table, members in enumerate(tables, 1)
                for i in members
            )
        return rows
    finally:
        db.kw["bind"].dispose()


@pytest.fixture
def crowd(live_app: str, database_url: str) -> dict[str, AttendeeRow]:
    """Ann, Bo and Cy at table 1, Di at table 2 (published): the rows by first name."""
    rows = seat_event(database_url, CROWD, [[0, 1, 2], [3]])
    return {row.name.split()[0]: row for row in rows}


@pytest.fixture
def new_context(browser) -> Iterator[Callable[..., BrowserContext]]:  # type: ignore[no-untyped-def]
    """Fresh browser contexts (each its own cookies: one person's phone), closed after."""
    opened: list[BrowserContext] = []

    def new(**options: object) -> BrowserContext:
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        opened.append(context)
        return context

    yield new
    for context in opened:
        context.close()


def _mate(page: Page, first: str):  # type: ignore[no-untyped-def]
    """This round's tablemate ``first`` on a personal page."""
    return page.locator("article.seat li").filter(has=page.get_by_text(first, exact=True))


def _touchpoints(page: Page):  # type: ignore[no-untyped-def]
    return page.locator('section[aria-labelledby="touchpoints"]')


def test_two_tablemates_confirm_and_see_each_others_cards_while_a_third_sees_nothing(
    live_app, crowd, new_context
):
    ann = new_context(**PHONE).new_page()
    bo = new_context().new_page()
    cy = new_context().new_page()
    ann_url, bo_url, cy_url = (f"{live_app}/a/{crowd[n].token}" for n in ("Ann", "Bo", "Cy"))

    # Each chooses a contact card: Ann her e-mail and a phone, Bo only a profile link.
    ann.goto(ann_url)
    expect(ann.get_by_role("heading", name="Hello, Ann")).to_be_visible()
    ann.get_by_label("Share my e-mail address").check()
    ann.get_by_label("Phone").fill(ANN_PHONE)
    ann.get_by_role("button", name="Save my card").click()
    expect(ann.get_by_text("Your contact card is saved.")).to_be_visible()
    expect(ann.get_by_label("Share my e-mail address")).to_be_checked()
    expect(ann.get_by_label("Phone")).to_have_value(ANN_PHONE)
    assert ann.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    bo.goto(bo_url)
    bo.get_by_label("Profile link").fill(BO_LINK)
    bo.get_by_role("button", name="Save my card").click()
    expect(bo.get_by_text("Your contact card is saved.")).to_be_visible()
    expect(bo.get_by_label("Share my e-mail address")).not_to_be_checked()
    bo.goto(bo_url)
    bo_before = bo.locator("main").inner_html()

    # Ann confirms Bo: she sees it waiting; Bo's page has not a trace of it.
    expect(_mate(ann, "Cy").get_by_role("button", name="We met")).to_be_visible()
    _mate(ann, "Bo").get_by_role("button", name="We met").click()
    expect(ann.get_by_text(WAITING)).to_be_visible()
    expect(_mate(ann, "Bo")).to_contain_text("You confirmed; waiting for Bo.")
    expect(_mate(ann, "Bo").get_by_role("button", name="Withdraw")).to_be_visible()
    expect(_touchpoints(ann)).to_contain_text("None yet.")
    expect(ann.locator("main")).not_to_contain_text("bo@x.org")

    bo.goto(bo_url)
    assert bo.locator("main").inner_html() == bo_before
    expect(_mate(bo, "Ann").get_by_role("button", name="We met")).to_be_visible()
    expect(_touchpoints(bo)).to_contain_text("None yet.")
    expect(bo.locator("main")).not_to_contain_text("waiting")

    # Bo confirms Ann: now each sees the other, with exactly what they chose to share.
    _mate(bo, "Ann").get_by_role("button", name="We met").click()
    expect(bo.get_by_text(MUTUAL)).to_be_visible()
    expect(_mate(bo, "Ann")).to_contain_text("touchpoint ✓")
    met = _touchpoints(bo).locator("ul.touchpoints > li")
    expect(met).to_have_count(1)
    expect(met.locator("strong")).to_have_text("Ann Lee")
    expect(met.get_by_role("link", name="ann@x.org")).to_have_attribute("href", "mailto:ann@x.org")
    expect(met.get_by_role("link", name=ANN_PHONE)).to_have_attribute("href", "tel:+442079460958")
    expect(met.locator("a.detail")).to_have_count(2)  # no link: Ann shares none

    ann.goto(ann_url)
    expect(_mate(ann, "Bo")).to_contain_text("touchpoint ✓")
    met = _touchpoints(ann).locator("ul.touchpoints > li")
    expect(met).to_have_count(1)
    expect(met.locator("strong")).to_have_text("Bo Chen")
    expect(met.locator("a.detail")).to_have_count(1)
    expect(met.get_by_role("link", name=BO_LINK)).to_have_attribute("href", BO_LINK)
    assert "bo@x.org" not in ann.content()  # Bo did not share his e-mail
    assert "mailto:" not in ann.content()
    assert ann.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Cy, at the same table, sees nothing of it: not in the text, not in the markup.
    cy.goto(cy_url)
    expect(cy.get_by_role("heading", name="Hello, Cy")).to_be_visible()
    expect(_touchpoints(cy)).to_contain_text("None yet.")
    html = cy.content()
    for secret in ("ann@x.org", "bo@x.org", ANN_PHONE, "+442079460958", BO_LINK, "mailto:"):
        assert secret not in html, secret
    for name in ("Ann Lee", "Bo Chen", "touchpoint ✓", "waiting"):
        assert name not in html, name
    expect(_mate(cy, "Ann").get_by_role("button", name="We met")).to_be_visible()
    expect(_mate(cy, "Bo").get_by_role("button", name="We met")).to_be_visible()


def test_a_scanned_meet_me_code_asks_first_and_tells_a_stranger_nothing(
    live_app, crowd, new_context
):
    bo = new_context().new_page()
    bo.goto(f"{live_app}/a/{crowd['Bo'].token}")
    code = bo.locator('section[aria-labelledby="meet-code"] code').inner_text()
    assert code == crowd["Bo"].meet_code
    scan = f"{live_app}/m/{code}"

    # Cy's phone, which opened Cy's personal link, scans Bo's code: a question, not a touchpoint.
    cy = new_context(**PHONE).new_page()
    cy.goto(f"{live_app}/a/{crowd['Cy'].token}")
    cy.goto(scan)
    expect(cy.locator("p.lead")).to_have_text("You met Bo?")
    expect(cy.locator("main")).not_to_contain_text("Bo Chen")
    expect(cy.locator("main")).not_to_contain_text("bo@x.org")
    yes = cy.get_by_role("button", name="Yes, we met")
    expect(yes).to_be_visible()
    yes.click()
    expect(cy).to_have_url(re.compile(rf"/a/{re.escape(crowd['Cy'].token)}\?met=waiting"))
    expect(cy.get_by_text(WAITING)).to_be_visible()
    expect(_mate(cy, "Bo")).to_contain_text("You confirmed; waiting for Bo.")

    # A phone that never opened a personal link learns nothing about the code's owner.
    stranger = new_context(**PHONE).new_page()
    stranger.goto(scan)
    main = stranger.locator("main")
    expect(main).to_contain_text("Open your personal link on this phone first")
    expect(main).not_to_contain_text("Bo")
    expect(main.get_by_role("button")).to_have_count(0)
    expect(main.locator("form")).to_have_count(0)
