"""Touchpoints from the attendee's side: double-blind confirmations, meet-me codes,
contact cards and the downloads, on both backends."""

from __future__ import annotations

import csv
import io
import re

import segno
import vobject
from markupsafe import escape
from sqlalchemy import event, func, select
from starlette.testclient import TestClient

from tests.web.conftest import csrf, sign_up
from tests.web.test_attendee import CROWD, import_event, people, publish
from touchpoints.storage.schema import AttendeeRow, ConfirmationRow

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
SCRIPT = "<script>alert(1)</script>"
PHONE = "+44 20 7946 0958"


def _event(client, app, content=CROWD, name="Breakfast"):
    """An event with a published plan of two rounds; its attendee rows by first name.

    Round 1: Ann Bo Cy | Di Ed Flo.  Round 2: Ann Di Ed | Bo Cy Flo.
    """
    event_id = import_event(client, content, name)
    p = people(app, event_id)
    ids = {first: row.id for first, row in p.items()}
    publish(
        app,
        event_id,
        [
            [[ids["Ann"], ids["Bo"], ids["Cy"]], [ids["Di"], ids["Ed"], ids["Flo"]]],
            [[ids["Ann"], ids["Di"], ids["Ed"]], [ids["Bo"], ids["Cy"], ids["Flo"]]],
        ],
        name=name,
    )
    return p


def _crowd(client, app):
    sign_up(client)
    return _event(client, app)


def _phone(app, row):
    """A phone that has opened ``row``'s personal page."""
    phone = TestClient(app)
    assert phone.get(f"/a/{row.token}").status_code == 200
    return phone


def _post(client, row, action, **data):
    page = f"/a/{row.token}"
    return client.post(f"{page}/{action}", data={**data, "csrf_token": csrf(client, page)})


def _query(response):
    """The query string a form redirected to (what the page says it did)."""
    return response.url.query.decode()


def _confirmations(app):
    with app.state.db() as db:
        rows = db.execute(select(ConfirmationRow.attendee_id, ConfirmationRow.other_id)).all()
    return sorted((a, b) for a, b in rows)


def _section(html, heading_id):
    start = html.index(f'id="{heading_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def test_a_confirmation_stays_invisible_to_the_other_until_both_confirm(client, app):
    p = _crowd(client, app)
    ann, bo, cy = (_phone(app, p[n]) for n in ("Ann", "Bo", "Cy"))
    shared = _post(bo, p["Bo"], "sharing", email="1", phone=PHONE, link="")
    assert _query(shared) == "saved=card"
    _post(ann, p["Ann"], "sharing", link="https://ann.example.org/me")
    bo_before = bo.get(f"/a/{p['Bo'].token}").text

    waiting = _post(ann, p["Ann"], "met", other=str(p["Bo"].id))

    assert waiting.status_code == 200
    assert (waiting.url.path, _query(waiting)) == (f"/a/{p['Ann'].token}", "met=waiting")
    assert "They see nothing of it until they confirm too." in waiting.text
    assert "You confirmed; waiting for Bo." in _section(waiting.text, "now")
    assert "Bo Chen" not in waiting.text
    assert EMAIL.findall(waiting.text) == []
    assert bo.get(f"/a/{p['Bo'].token}").text == bo_before  # not a trace of it for Bo

    mutual = _post(bo, p["Bo"], "met", other=str(p["Ann"].id))

    assert _query(mutual) == "met=mutual"
    met = _section(mutual.text, "touchpoints")
    assert "<strong>Ann Lee</strong>" in met
    assert 'href="https://ann.example.org/me" rel="noopener noreferrer nofollow"' in met
    assert EMAIL.findall(mutual.text) == []  # Ann shares no e-mail
    assert "touchpoint ✓" in _section(mutual.text, "now")
    ann_page = ann.get(f"/a/{p['Ann'].token}").text
    met = _section(ann_page, "touchpoints")
    assert "<strong>Bo Chen</strong>" in met
    assert 'href="mailto:bo@x.org"' in met
    assert f'href="tel:+442079460958">{PHONE}</a>' in met
    assert EMAIL.findall(ann_page) == ["bo@x.org", "bo@x.org"]  # Bo's, as he chose; no one else's
    cy_page = cy.get(f"/a/{p['Cy'].token}").text
    assert EMAIL.findall(cy_page) == []
    assert "Ann Lee" not in cy_page
    assert "Bo Chen" not in cy_page
    assert "None yet." in _section(cy_page, "touchpoints")


def test_withdrawing_works_until_the_other_confirms(client, app):
    p = _crowd(client, app)
    ann, bo = _phone(app, p["Ann"]), _phone(app, p["Bo"])
    _post(ann, p["Ann"], "met", other=str(p["Bo"].id))

    withdrawn = _post(ann, p["Ann"], "withdraw", other=str(p["Bo"].id))

    assert _query(withdrawn) == "met=withdrawn"
    assert "Withdrawn." in withdrawn.text
    assert _confirmations(app) == []
    assert _query(_post(bo, p["Bo"], "met", other=str(p["Ann"].id))) == "met=waiting"
    assert _query(_post(ann, p["Ann"], "met", other=str(p["Bo"].id))) == "met=mutual"

    refused = _post(ann, p["Ann"], "withdraw", other=str(p["Bo"].id))

    assert refused.status_code == 400
    assert "it can no longer be withdrawn" in refused.text
    assert refused.headers["cache-control"] == "private, no-store"
    assert len(_confirmations(app)) == 2


def test_the_waiting_list_shows_my_one_sided_confirmations_with_withdraw(client, app):
    p = _crowd(client, app)
    ann = _phone(app, p["Ann"])
    _post(ann, p["Ann"], "met-code", code=p["Flo"].meet_code)  # not a tablemate: by code

    page = ann.get(f"/a/{p['Ann'].token}").text

    waiting = page.split("Waiting for them to confirm")[1].split("<section")[0]
    assert "<strong>Flo</strong>" in waiting
    assert f'name="other" value="{p["Flo"].id}"' in waiting
    assert "Gray" not in page


def test_scanning_a_code_asks_and_creates_nothing(client, app):
    p = _crowd(client, app)
    bo = _phone(app, p["Bo"])

    scanned = bo.get(f"/m/{p['Flo'].meet_code}")

    assert scanned.status_code == 200
    assert "You met <strong>Flo</strong>?" in scanned.text
    assert f'action="/a/{p["Bo"].token}/met-code"' in scanned.text
    assert "Gray" not in scanned.text
    assert EMAIL.findall(scanned.text) == []
    assert scanned.headers["referrer-policy"] == "no-referrer"
    assert _confirmations(app) == []

    token = re.search(r'name="csrf_token" value="([^"]+)"', scanned.text).group(1)
    code = re.search(r'name="code" value="([^"]+)"', scanned.text).group(1)
    yes = bo.post(f"/a/{p['Bo'].token}/met-code", data={"code": code, "csrf_token": token})

    assert _query(yes) == "met=waiting"
    with app.state.db() as db:
        assert db.scalars(select(ConfirmationRow.via)).all() == ["code"]
    assert _confirmations(app) == [(p["Bo"].id, p["Flo"].id)]


def test_scanning_without_a_personal_page_on_the_phone_tells_nothing_of_the_owner(client, app):
    p = _crowd(client, app)

    with TestClient(app) as stranger:
        scanned = stranger.get(f"/m/{p['Ann'].meet_code}")

    assert scanned.status_code == 200
    assert "Open your personal link on this phone first" in scanned.text
    assert "Ann" not in scanned.text
    assert "<form" not in scanned.text.split("<main>")[1]
    assert _confirmations(app) == []


def test_scanning_your_own_code_says_so(client, app):
    p = _crowd(client, app)
    ann = _phone(app, p["Ann"])

    scanned = ann.get(f"/m/{p['Ann'].meet_code}")
    typed = _post(ann, p["Ann"], "met-code", code=p["Ann"].meet_code)

    assert "This is your own meet-me code" in scanned.text
    assert typed.status_code == 400
    assert "that is your own code" in typed.text
    assert _confirmations(app) == []


def test_another_events_code_is_refused(client, app):
    p = _crowd(client, app)
    lunch = _event(client, app, name="Lunch")
    ann = _phone(app, p["Ann"])

    scanned = ann.get(f"/m/{lunch['Bo'].meet_code}")
    typed = _post(ann, p["Ann"], "met-code", code=lunch["Bo"].meet_code)

    assert scanned.status_code == 400
    assert "this code is for another event" in scanned.text
    assert "Bo" not in scanned.text.split("<main>")[1]
    assert typed.status_code == 400
    assert "that person is at another event" in typed.text
    assert _confirmations(app) == []


def test_a_forged_code_is_not_found(client, app):
    p = _crowd(client, app)
    ann = _phone(app, p["Ann"])

    scanned = ann.get("/m/forged-code-123")
    typed = _post(ann, p["Ann"], "met-code", code="forged-code-123")
    empty = _post(ann, p["Ann"], "met-code", code="  ")

    assert scanned.status_code == typed.status_code == empty.status_code == 404
    assert "this meet-me code is not valid" in scanned.text
    assert "this meet-me code is not valid" in typed.text
    assert 'role="alert"' in typed.text  # the page again, with the reason on top
    assert _confirmations(app) == []


def test_a_pasted_scan_address_works_as_a_code(client, app):
    p = _crowd(client, app)
    ann = _phone(app, p["Ann"])

    typed = _post(ann, p["Ann"], "met-code", code=f" http://testserver/m/{p['Di'].meet_code} ")

    assert _query(typed) == "met=waiting"
    assert _confirmations(app) == [(p["Ann"].id, p["Di"].id)]


def test_confirming_again_changes_nothing(client, app):
    p = _crowd(client, app)
    ann = _phone(app, p["Ann"])

    first = _post(ann, p["Ann"], "met", other=str(p["Bo"].id))
    again = _post(ann, p["Ann"], "met", other=str(p["Bo"].id))
    by_code = _post(ann, p["Ann"], "met-code", code=p["Bo"].meet_code)

    assert _query(first) == _query(again) == _query(by_code) == "met=waiting"
    assert _confirmations(app) == [(p["Ann"].id, p["Bo"].id)]


def test_only_tablemates_are_confirmed_from_the_table(client, app):
    p = _crowd(client, app)
    ann = _phone(app, p["Ann"])

    stranger = _post(ann, p["Ann"], "met", other=str(p["Flo"].id))
    nobody = _post(ann, p["Ann"], "met", other="999999")
    garbage = _post(ann, p["Ann"], "met", other="x")
    later_round = _post(ann, p["Ann"], "met", other=str(p["Di"].id))

    assert stranger.status_code == nobody.status_code == garbage.status_code == 400
    assert "confirm tablemates here; for anyone else, scan their meet-me code" in stranger.text
    assert "that person is not on your page" in garbage.text
    assert _query(later_round) == "met=waiting"
    assert _confirmations(app) == [(p["Ann"].id, p["Di"].id)]


def test_a_plan_not_published_does_not_make_tablemates(client, app):
    sign_up(client)
    p = people(app, import_event(client))
    publish(app, p["Ann"].event_id, [[[p["Ann"].id, p["Bo"].id]]], status="ready")
    ann = _phone(app, p["Ann"])

    refused = _post(ann, p["Ann"], "met", other=str(p["Bo"].id))

    assert refused.status_code == 400
    assert _confirmations(app) == []


def test_forms_without_the_csrf_token_or_a_valid_link_are_refused(client, app):
    p = _crowd(client, app)
    ann = _phone(app, p["Ann"])
    forms = {
        "met": {"other": str(p["Bo"].id)},
        "met-code": {"code": p["Bo"].meet_code},
        "withdraw": {"other": str(p["Bo"].id)},
        "sharing": {"email": "1"},
        "meet-code": {},
    }

    for action, data in forms.items():
        no_token = ann.post(f"/a/{p['Ann'].token}/{action}", data=data)
        no_link = ann.post(f"/a/not-a-token/{action}", data={**data, "csrf_token": csrf(ann)})

        assert no_token.status_code == 403, action
        assert no_link.status_code == 404, action
        assert "this link is not valid" in no_link.text
    assert _confirmations(app) == []
    assert people(app, p["Ann"].event_id)["Ann"].meet_code == p["Ann"].meet_code
    assert people(app, p["Ann"].event_id)["Ann"].sharing in ({}, None)


def test_the_contact_card_is_checked_and_shown_again_as_typed(client, app):
    p = _crowd(client, app)
    ann = _phone(app, p["Ann"])

    bad_link = _post(ann, p["Ann"], "sharing", email="1", link=f"javascript:{SCRIPT}")
    bad_phone = _post(ann, p["Ann"], "sharing", phone=SCRIPT)

    assert bad_link.status_code == bad_phone.status_code == 400
    assert "a profile link starts with https://" in bad_link.text
    assert "a phone number is digits" in bad_phone.text
    for page in (bad_link, bad_phone):
        assert "<script>alert" not in page.text
        assert str(escape(SCRIPT)) in _section(page.text, "card")
    assert 'name="email" value="1" checked' in bad_link.text
    assert people(app, p["Ann"].event_id)["Ann"].sharing in ({}, None)
    default = ann.get(f"/a/{p['Ann'].token}").text
    assert 'name="email" value="1">' in default  # nothing shared by default


def test_typed_names_and_links_are_escaped_on_the_page_and_verbatim_in_the_vcard(client, app):
    sign_up(client)
    p = _event(client, app, CROWD.replace(b"Bo Chen", b"Bo " + SCRIPT.encode()))
    sneaky = p["Bo"]
    ann, bo = _phone(app, p["Ann"]), _phone(app, sneaky)
    link = f"https://x.org/{SCRIPT}"
    _post(bo, sneaky, "sharing", link=link)
    _post(bo, sneaky, "met", other=str(p["Ann"].id))
    _post(ann, p["Ann"], "met", other=str(sneaky.id))

    page = ann.get(f"/a/{p['Ann'].token}").text
    (card,) = vobject.readComponents(ann.get(f"/a/{p['Ann'].token}/touchpoints.vcf").text)

    assert "<script>alert" not in page
    assert f"<strong>Bo {escape(SCRIPT)}</strong>" in _section(page, "touchpoints")
    assert f'href="{escape(link)}"' in page
    assert (card.fn.value, card.url.value) == (f"Bo {SCRIPT}", link)


def test_met_people_show_where_they_sit_in_my_rounds(client, app):
    p = _crowd(client, app)
    ann, bo = _phone(app, p["Ann"]), _phone(app, p["Bo"])
    _post(ann, p["Ann"], "met", other=str(p["Bo"].id))
    _post(bo, p["Bo"], "met", other=str(p["Ann"].id))

    met = _section(ann.get(f"/a/{p['Ann'].token}").text, "touchpoints")

    places = [" ".join(m.split()) for m in re.findall(r"<li>(Breakfast[^<]*)</li>", met)]
    assert places == ["Breakfast · round 1: with you", "Breakfast · round 2: table 2"]


def test_the_downloads_hold_mutual_touchpoints_with_only_what_each_shared(client, app):
    p = _crowd(client, app)
    ann = _phone(app, p["Ann"])
    for name, sharing in (("Bo", {"email": "1", "phone": PHONE}), ("Cy", {}), ("Di", {})):
        phone = _phone(app, p[name])
        if sharing:
            _post(phone, p[name], "sharing", **sharing)
        _post(phone, p[name], "met", other=str(p["Ann"].id))
    _post(ann, p["Ann"], "met", other=str(p["Bo"].id))
    _post(ann, p["Ann"], "met", other=str(p["Cy"].id))  # Di: confirmed by Di only

    vcf = ann.get(f"/a/{p['Ann'].token}/touchpoints.vcf")
    spreadsheet = ann.get(f"/a/{p['Ann'].token}/touchpoints.csv")

    assert vcf.headers["content-disposition"] == 'attachment; filename="touchpoints.vcf"'
    assert vcf.headers["content-type"].startswith("text/vcard")
    assert vcf.headers["cache-control"] == "private, no-store"
    bo, cy = vobject.readComponents(vcf.text)
    assert (bo.fn.value, bo.email.value, bo.tel.value) == ("Bo Chen", "bo@x.org", PHONE)
    assert "url" not in bo.contents
    assert set(cy.contents) == {"version", "fn", "n", "note"}
    assert cy.note.value == "Touchpoint at Breakfast"
    assert spreadsheet.headers["content-disposition"] == 'attachment; filename="touchpoints.csv"'
    rows = list(csv.reader(io.StringIO(spreadsheet.content.decode("utf-8-sig"))))
    assert rows == [
        ["name", "email", "phone", "link"],
        ["Bo Chen", "bo@x.org", f"'{PHONE}", ""],  # a leading + would be a formula
        ["Cy Diaz", "", "", ""],
    ]
    assert "Di Eze" not in vcf.text + spreadsheet.text
    page = ann.get(f"/a/{p['Ann'].token}").text
    assert f'href="/a/{p["Ann"].token}/touchpoints.vcf"' in page


def test_the_downloads_of_someone_without_touchpoints_are_empty(client, app):
    p = _crowd(client, app)

    vcf = client.get(f"/a/{p['Ann'].token}/touchpoints.vcf")
    spreadsheet = client.get(f"/a/{p['Ann'].token}/touchpoints.csv")

    assert vcf.text == ""
    assert spreadsheet.content.decode("utf-8-sig") == "name,email,phone,link\n"
    assert "touchpoints.vcf" not in client.get(f"/a/{p['Ann'].token}").text
    assert client.get("/a/nope/touchpoints.csv").status_code == 404


def test_the_meet_qr_code_encodes_the_scan_address(client, app):
    p = _crowd(client, app)

    response = client.get(f"/a/{p['Ann'].token}/meet.svg")

    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["cache-control"] == "private, no-store"
    expected = io.BytesIO()
    segno.make(f"http://testserver/m/{p['Ann'].meet_code}", error="m").save(
        expected, kind="svg", scale=4, xmldecl=False, title="Meet-me code"
    )
    assert response.content == expected.getvalue()
    page = client.get(f"/a/{p['Ann'].token}").text
    assert f'src="/a/{p["Ann"].token}/meet.svg"' in page
    assert f"<code>{p['Ann'].meet_code}</code>" in page


def test_renewing_the_code_retires_the_old_one(client, app):
    p = _crowd(client, app)
    ann, bo = _phone(app, p["Ann"]), _phone(app, p["Bo"])
    old = p["Ann"].meet_code

    renewed = _post(ann, p["Ann"], "meet-code")

    new = people(app, p["Ann"].event_id)["Ann"].meet_code
    assert new != old
    assert _query(renewed) == "saved=code"
    assert f"<code>{new}</code>" in renewed.text
    assert bo.get(f"/m/{old}").status_code == 404
    assert _post(bo, p["Bo"], "met-code", code=old).status_code == 404
    assert "You met <strong>Ann</strong>?" in bo.get(f"/m/{new}").text


def test_a_personal_page_with_touchpoints_stays_within_five_queries(client, app):
    p = _crowd(client, app)
    ann, bo = _phone(app, p["Ann"]), _phone(app, p["Bo"])
    _post(ann, p["Ann"], "met", other=str(p["Bo"].id))
    _post(bo, p["Bo"], "met", other=str(p["Ann"].id))
    _post(ann, p["Ann"], "met", other=str(p["Cy"].id))
    statements = []
    engine = app.state.db.kw["bind"]

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        page = ann.get(f"/a/{p['Ann'].token}")
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert "<strong>Bo Chen</strong>" in page.text
    assert len(statements) <= 5  # 2 before touchpoints (the crowd is cached) + 3


def test_scanning_remembers_only_the_last_personal_page_opened(client, app):
    p = _crowd(client, app)
    phone = _phone(app, p["Ann"])
    phone.get(f"/a/{p['Cy'].token}")

    scanned = phone.get(f"/m/{p['Bo'].meet_code}")

    assert f'action="/a/{p["Cy"].token}/met-code"' in scanned.text
    with app.state.db() as db:
        assert db.scalar(select(func.count()).select_from(AttendeeRow)) == 6
