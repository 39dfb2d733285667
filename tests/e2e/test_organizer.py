"""An event in a real browser: the organizer signs up, creates an event, imports the
demo registrations through the preview, searches the attendees, plans a tables
session, watches the live progress, publishes; then an attendee opens their personal
link and sees their table and what they share."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import TIMEOUT_MS
from touchpoints.demo import demo_event_bytes

NOTHING_SHARED = "nothing shared yet"
PLANNING_TIMEOUT_MS = 120_000  # topics, then a 1-second search, on a slow CI machine
#: A phone's screen, as the browser context sees it.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _import_demo(page: Page, live_app: str, demo) -> str:  # type: ignore[no-untyped-def]
    page.goto(f"{live_app}/signup")
    page.get_by_label("E-mail").fill("org@example.org")
    page.get_by_label("Password").fill("correct horse")
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(f"{live_app}/events")

    page.get_by_label("New event").fill("Breakfast at DevConf")
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/events/\d+$"))
    expect(page.get_by_role("heading", name="Breakfast at DevConf")).to_be_visible()
    event_url = page.url

    page.locator('input[type="file"]').set_input_files(demo)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("120 attendee(s) in demo-event.csv")).to_be_visible()
    expect(page.get_by_role("cell", name="Fiona Gallagher")).to_be_visible()

    page.get_by_role("button", name="Import 120 attendee(s)").click()
    expect(page).to_have_url(event_url)
    expect(page.get_by_text("120 of 120 attendee(s)")).to_be_visible()
    rows = page.locator("#attendees tbody tr")
    expect(rows).to_have_count(120)

    page.get_by_placeholder("Search by name").fill("Gallagher")  # htmx, no reload
    expect(page.get_by_text(re.compile(r"\d+ of 120 attendee\(s\) matching"))).to_be_visible()
    expect(rows.filter(has_text="Fiona Gallagher")).to_have_count(1)
    assert 1 <= rows.count() < 120
    expect(page).to_have_url(event_url)
    return event_url


def test_organizer_imports_plans_and_publishes_and_an_attendee_sees_their_table(
    page, live_app, tmp_path
):
    demo = tmp_path / "demo-event.csv"
    demo.write_bytes(demo_event_bytes())
    event_url = _import_demo(page, live_app, demo)

    # A tables session, planned in the background with live progress.
    page.get_by_text("New session").click()
    page.get_by_role("textbox", name="Name", exact=True).fill("Breakfast tables")
    page.get_by_role("spinbutton", name="People per table").fill("8")
    page.get_by_role("spinbutton", name="Rounds").fill("1")
    page.get_by_role("spinbutton", name="Time to search").fill("1")
    page.get_by_role("button", name="Create session").click()
    expect(page.get_by_role("heading", name="Breakfast tables")).to_be_visible()
    page.get_by_role("button", name="Plan", exact=True).click()
    expect(page).to_have_url(re.compile(r"/events/\d+/plans/\d+$"))
    # Polled every second by htmx; the page reloads itself when the plan is ready.
    publish = page.get_by_role("button", name="Publish")
    expect(publish).to_be_visible(timeout=PLANNING_TIMEOUT_MS)
    expect(page.locator("h1")).to_contain_text("(ready)")
    expect(page.locator("#round-1 .table-card").first).to_be_visible()
    publish.click()
    expect(page.get_by_text("Published: attendees see this plan.")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("(published)")

    # The organizer's list of personal links; one attendee opens theirs.
    page.goto(f"{event_url}/links")
    link = page.locator("a.link").first.get_attribute("href")
    assert link
    assert re.search(r"/a/[\w-]+$", link)

    # On a phone (no organizer cookie): the page fits the screen's width.
    phone = page.context.browser.new_context(**PHONE)
    phone.set_default_timeout(TIMEOUT_MS)
    attendee = phone.new_page()
    attendee.goto(link)
    expect(attendee.get_by_role("heading", name=re.compile(r"^Hello, "))).to_be_visible()
    seat = attendee.locator("article.seat").first
    expect(seat).to_contain_text(re.compile(r"Breakfast tables · round 1 · table \d+"))
    shared = seat.locator(".shared")
    expect(shared.first).to_be_visible()
    texts = shared.all_inner_texts()
    assert any(t.strip() and NOTHING_SHARED not in t for t in texts), texts
    expect(attendee.locator("body")).not_to_contain_text("@example")  # no e-mails shown
    assert attendee.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    save = attendee.get_by_role("button", name="Save interests")
    save.scroll_into_view_if_needed()
    expect(save).to_be_in_viewport(ratio=1)
    phone.close()
