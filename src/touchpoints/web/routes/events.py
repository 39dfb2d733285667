"""Organizers' pages: their events, attendees and imports."""

from __future__ import annotations

import io
import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from touchpoints.errors import ImportRowsError, InputFileError, TouchpointsError
from touchpoints.files.columns import FIELDS
from touchpoints.files.registrations import read_registrations
from touchpoints.storage import repository as repo
from touchpoints.web.pages import render
from touchpoints.web.security import checked_form, organizer_id

__all__ = ["routes"]

#: Largest registration file accepted through the browser.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_PENDING = "pending_import"


async def event_list(request: Request) -> Response:
    me = organizer_id(request)
    if request.method == "POST":
        form = await checked_form(request)
        with request.app.state.db.begin() as db:
            event = repo.create_event(db, me, str(form.get("name", "")))
            event_id = event.id
        return RedirectResponse(f"/events/{event_id}", 303)
    with request.app.state.db() as db:
        events = repo.events_of(db, me)
        return render(request, "events.html", {"events": events})


async def event_page(request: Request) -> Response:
    me = organizer_id(request)
    search = str(request.query_params.get("q", ""))
    with request.app.state.db() as db:
        event = repo.event_of(db, me, int(request.path_params["event_id"]))
        attendees = repo.attendees_of(db, event.id, search)
        total = len(repo.attendees_of(db, event.id)) if search else len(attendees)
        context = {"event": event, "attendees": attendees, "q": search, "total": total}
        if request.headers.get("hx-request") and request.headers.get("hx-target") == "attendees":
            return render(request, "_attendees.html", context)
        return render(request, "event.html", context)


async def import_preview(request: Request) -> Response:
    """Read an uploaded registration file and show what would be imported (nothing yet)."""
    me = organizer_id(request)
    form = await checked_form(request)
    upload = form.get("file")
    with request.app.state.db() as db:
        event = repo.event_of(db, me, int(request.path_params["event_id"]))
    if upload is None or isinstance(upload, str) or not upload.filename:
        return render(request, "import.html", {"event": event, "error": "Choose a file."}, 400)
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    await form.close()
    if len(data) > MAX_UPLOAD_BYTES:
        error = f"The file is larger than {MAX_UPLOAD_BYTES // 2**20} MB."
        return render(request, "import.html", {"event": event, "error": error}, 400)
    context = {"event": event, "filename": upload.filename}
    try:
        result = read_registrations(io.BytesIO(data), filename=upload.filename)
    except ImportRowsError as error:
        context["problems"] = error.problems
        return render(request, "import.html", context, 400)
    except InputFileError as error:
        context["error"] = error.message
        return render(request, "import.html", context, 400)
    key = secrets.token_urlsafe(16)
    (request.app.state.settings.data_dir / f"upload-{key}.bin").write_bytes(data)
    request.session[_PENDING] = {"key": key, "event": event.id, "filename": upload.filename}
    context |= {"result": result, "preview": result.attendees[:10], "fields": FIELDS}
    return render(request, "import.html", context)


async def import_confirm(request: Request) -> Response:
    """Import the file previewed last (all or nothing)."""
    me = organizer_id(request)
    await checked_form(request)
    pending = request.session.get(_PENDING) or {}
    event_id = int(request.path_params["event_id"])
    if pending.get("event") != event_id:
        raise TouchpointsError("nothing to import: upload the file again")
    path = request.app.state.settings.data_dir / f"upload-{pending['key']}.bin"
    result = read_registrations(io.BytesIO(path.read_bytes()), filename=pending["filename"])
    with request.app.state.db.begin() as db:
        event = repo.event_of(db, me, event_id)
        repo.add_attendees(db, event, result.attendees)
    path.unlink(missing_ok=True)
    del request.session[_PENDING]
    return RedirectResponse(f"/events/{event_id}", 303)


routes = [
    Route("/events", event_list, methods=["GET", "POST"]),
    Route("/events/{event_id:int}", event_page),
    Route("/events/{event_id:int}/import", import_preview, methods=["POST"]),
    Route("/events/{event_id:int}/import/confirm", import_confirm, methods=["POST"]),
]
