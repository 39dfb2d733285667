from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.web.conftest import csrf, sign_up
from touchpoints.demo import demo_event_bytes
from touchpoints.storage.schema import AttendeeRow

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _event(client, name="Breakfast"):
    response = client.post("/events", data={"name": name, "csrf_token": csrf(client, "/events")})
    assert response.status_code == 200
    return response.url.path


def _upload(client, event, content, filename="regs.csv"):
    return client.post(
        f"{event}/import",
        data={"csrf_token": csrf(client, event)},
        files={"file": (filename, content, "text/csv")},
    )


def test_import_shows_a_preview_and_imports_only_on_confirm(client):
    sign_up(client)
    event = _event(client)

    preview = _upload(client, event, demo_event_bytes())

    assert preview.status_code == 200
    assert "120 attendee(s) in regs.csv" in preview.text
    assert "Fiona Gallagher" in preview.text
    assert "0 of 0 attendee(s)" in client.get(event).text
    confirmed = client.post(f"{event}/import/confirm", data={"csrf_token": csrf(client, event)})
    assert "120 of 120 attendee(s)" in confirmed.text


def test_a_bad_file_lists_every_problem_row_and_imports_nothing(client):
    sign_up(client)
    event = _event(client)

    response = _upload(client, event, b"Name,Email\nAnn,not-an-email\n,b@x.org\n")

    assert response.status_code == 400
    assert "2 problem(s); nothing was imported" in response.text
    assert "not an e-mail address" in response.text
    assert "0 of 0 attendee(s)" in client.get(event).text


def test_attendee_search_filters_by_name_or_organization(client):
    sign_up(client)
    event = _event(client)
    _upload(client, event, demo_event_bytes())
    client.post(f"{event}/import/confirm", data={"csrf_token": csrf(client, event)})

    page = client.get(event, params={"q": "gallagher"})

    assert "1 of 120 attendee(s) matching “gallagher”" in page.text


def test_an_organizer_cannot_see_another_organizers_event(client, app):
    sign_up(client)
    event = _event(client, "Mine")
    with TestClient(app) as other:
        sign_up(other, "other@example.org")

        response = other.get(event)

    assert response.status_code == 404
    assert "Mine" not in response.text


def test_what_organizers_typed_is_rendered_escaped(client):
    sign_up(client)
    event = _event(client, "<script>alert(1)</script>")

    page = client.get(event).text

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_attendee_page_needs_a_valid_token_and_shows_no_email(client):
    sign_up(client)
    event = _event(client)
    _upload(client, event, demo_event_bytes())
    client.post(f"{event}/import/confirm", data={"csrf_token": csrf(client, event)})
    with client.app.state.db() as db:
        token = db.scalar(select(AttendeeRow.token).order_by(AttendeeRow.id))

    page = client.get(f"/a/{token}")

    assert page.status_code == 200
    assert "Hello, Fiona" in page.text
    assert not EMAIL.search(page.text)
    assert len(token) >= 32  # 192 random bits
    assert client.get("/a/not-a-token").status_code == 404


# -- the column mapping of an import ------------------------------------------------------------

UNUSUAL = b"Name,Email,Stuff I like\nAnn Lee,ann@x.org,chess; go\nBo Ng,bo@x.org,jazz\n"


def _remap(client, event, **columns):
    """Post the mapping form: ``interests=["A", "B"]`` or ``name="Name"``; other fields none."""
    data = {"csrf_token": csrf(client, event)}
    for field, headers in columns.items():
        data[f"map-{field}"] = headers
    return client.post(f"{event}/import/preview", data=data)


def _confirm(client, event):
    return client.post(f"{event}/import/confirm", data={"csrf_token": csrf(client, event)})


def _interests(client):
    with client.app.state.db() as db:
        rows = db.scalars(select(AttendeeRow).order_by(AttendeeRow.id)).all()
        return {row.name: row.lists.get("interests", []) for row in rows}


def test_the_preview_offers_the_files_columns_preset_to_the_guess(client):
    sign_up(client)
    event = _event(client)

    page = _upload(client, event, UNUSUAL).text

    assert '<select id="map-name" name="map-name">' in page
    assert '<option value="Name" selected>Name</option>' in page
    assert '<option value="Stuff I like">Stuff I like</option>' in page  # not guessed
    assert '<select id="map-interests" name="map-interests" multiple' in page
    assert "Ignored column &#34;Stuff I like&#34;" in page
    assert "choose a field for it above" in page
    assert "Update preview" in page


def test_changing_the_mapping_changes_the_preview_and_the_import(client):
    sign_up(client)
    event = _event(client)
    _upload(client, event, UNUSUAL)

    preview = _remap(client, event, name="Name", email="Email", interests=["Stuff I like"])

    assert preview.status_code == 200
    assert "<td>chess; go</td>" in preview.text
    assert '<option value="Stuff I like" selected>Stuff I like</option>' in preview.text
    assert _interests(client) == {}  # nothing imported before confirm
    assert "2 of 2 attendee(s)" in _confirm(client, event).text
    assert _interests(client) == {"Ann Lee": ["chess", "go"], "Bo Ng": ["jazz"]}


def test_a_list_field_takes_several_columns(client):
    sign_up(client)
    event = _event(client)
    _upload(client, event, b"Name,Tag A,Tag B\nAnn,chess,go\n")

    preview = _remap(client, event, name="Name", interests=["Tag A", "Tag B"])

    assert "<td>chess; go</td>" in preview.text


def test_a_mapping_with_row_problems_can_be_fixed_without_uploading_again(client):
    sign_up(client)
    event = _event(client)
    content = b"Name,Contact email,Email\nAnn,555-1234,ann@x.org\n"

    first = _upload(client, event, content)  # the guess: the leftmost e-mail column
    fixed = _remap(client, event, name="Name", email="Email")

    assert first.status_code == 400
    assert "not an e-mail address" in first.text
    assert "Update preview" in first.text
    assert fixed.status_code == 200
    assert "1 attendee(s) in regs.csv" in fixed.text
    assert "1 of 1 attendee(s)" in _confirm(client, event).text


def test_a_mapping_without_names_shows_the_importers_error_and_imports_nothing(client):
    sign_up(client)
    event = _event(client)
    _upload(client, event, UNUSUAL)

    response = _remap(client, event, email="Email")

    assert response.status_code == 400
    assert "no column holds the attendees&#39; names" in response.text
    assert "Choose a column for Full name" in response.text
    assert "Import 2 attendee(s)" not in response.text
    assert _confirm(client, event).status_code == 400  # the preview shown had errors
    assert "0 of 0 attendee(s)" in client.get(event).text


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"name": "Nom"}, "Full name: the file has no column “Nom”."),
        ({"name": ["Name", "Email"]}, "Full name takes one column, not 2."),
        (
            {"name": "Name", "bio": "Email", "email": "Email"},
            "The column “Email” is chosen for both E-mail and Bio; pick one.",
        ),
    ],
)
def test_a_bad_mapping_is_a_clear_error_and_imports_nothing(client, columns, message):
    sign_up(client)
    event = _event(client)
    _upload(client, event, UNUSUAL)

    response = _remap(client, event, **columns)

    assert response.status_code == 400
    assert message in response.text
    assert _confirm(client, event).status_code == 400
    assert "0 of 0 attendee(s)" in client.get(event).text


def test_confirm_imports_with_the_mapping_of_the_last_preview(client):
    sign_up(client)
    event = _event(client)
    _upload(client, event, UNUSUAL)
    _remap(client, event, name="Name", email="Email", interests=["Stuff I like"])

    _remap(client, event, name="Name", email="Email")  # interests unmapped again
    _confirm(client, event)

    assert _interests(client) == {"Ann Lee": [], "Bo Ng": []}


def test_remapping_needs_the_csrf_token_and_a_pending_upload(client):
    sign_up(client)
    event = _event(client)

    assert _remap(client, event, name="Name").status_code == 400  # nothing uploaded
    _upload(client, event, UNUSUAL)
    forged = client.post(f"{event}/import/preview", data={"map-name": "Name"})

    assert forged.status_code == 403
    assert "2 attendee(s)" in _remap(client, event, name="Name").text  # still pending


def test_headers_from_the_file_are_rendered_escaped(client):
    sign_up(client)
    event = _event(client)

    page = _upload(client, event, b'Name,"<script>alert(1)</script>"\nAnn,x\n').text

    assert "<script>alert(1)</script>" not in page
    assert '<option value="&lt;script&gt;alert(1)&lt;/script&gt;">' in page


def test_a_new_upload_replaces_the_pending_one(client, app):
    sign_up(client)
    event = _event(client)
    _upload(client, event, UNUSUAL)
    _remap(client, event, name="Name", email="Email", interests=["Stuff I like"])

    _upload(client, event, b"Name\nCy\n")

    assert [p.name for p in app.state.settings.data_dir.glob("upload-*")] != []
    assert len(list(app.state.settings.data_dir.glob("upload-*"))) == 1  # old file, mapping gone
    assert "1 of 1 attendee(s)" in _confirm(client, event).text
    assert list(app.state.settings.data_dir.glob("upload-*")) == []
