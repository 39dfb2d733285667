"""Organizers' pages: their events, attendees and imports.

An import is previewed before anything is stored: the upload is kept in the data
folder under a random key (named in the session), with the column mapping the
organizer chose next to it (``upload-KEY.mapping.json``, not in the session cookie,
which is limited to about 4 KB and headers can be long form questions). "Update
preview" re-reads the upload with a new mapping; "Import" imports with the mapping
of the preview shown. Nothing is imported while the file has problems.
"""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from touchpoints.errors import ImportRowsError, InputFileError, TouchpointsError
from touchpoints.files.columns import FIELDS, LIST_FIELDS, ColumnMapping, guess_mapping
from touchpoints.files.registrations import ImportResult, read_headers, read_registrations
from touchpoints.storage import repository as repo
from touchpoints.storage.schema import EventRow
from touchpoints.web.pages import render
from touchpoints.web.security import checked_form, organizer_id

__all__ = ["routes"]

#: Largest registration file accepted through the browser.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_PENDING = "pending_import"
#: How each field is named in the mapping form.
FIELD_LABELS = {
    "id": "Registration id",
    "first_name": "First name",
    "last_name": "Last name",
    "name": "Full name",
    "email": "E-mail",
    "organization": "Organization",
    "job_title": "Job title",
    "interests": "Interests",
    "bio": "Bio",
    "hometown": "Hometown",
    "languages": "Languages",
    "knows": "Already knows",
    "arrived_with": "Arrived with",
    "want_to_meet": "Wants to meet",
    "avoid": "Keep apart from",
}
_MAP = "map-"  # form field prefix: map-interests=Header (repeated for list fields)

Overrides = dict[str, list[str]]


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


def _mapping_problem(overrides: Mapping[str, Sequence[str]], headers: Sequence[str]) -> str | None:
    """Why the chosen mapping cannot be used: a column the file lacks, or one chosen twice."""
    chosen_for: dict[str, str] = {}
    for field, chosen in overrides.items():
        label = FIELD_LABELS[field]
        if field not in LIST_FIELDS and len(chosen) > 1:
            return f"{label} takes one column, not {len(chosen)}."
        for header in chosen:
            if header not in headers:
                return f"{label}: the file has no column \u201c{header}\u201d."
            if header in chosen_for:
                return (
                    f"The column \u201c{header}\u201d is chosen for both "
                    f"{FIELD_LABELS[chosen_for[header]]} and {label}; pick one."
                )
            chosen_for[header] = field
    return None


def _for_the_web(message: str) -> str:
    """The importer's message, its command-line hints put in the form's words."""
    return message.replace(
        "Map one with --column name=HEADER or --column first_name=HEADER",
        "Choose a column for Full name, or for First name (and Last name), below",
    ).replace("map it with --column FIELD=HEADER", "choose a field for it above")


def _selection(mapping: ColumnMapping) -> Overrides:
    return {field: list(mapping.headers_for(field)) for field in FIELDS}


def _pending_paths(request: Request, key: str) -> tuple[Path, Path]:
    folder: Path = request.app.state.settings.data_dir
    return folder / f"upload-{key}.bin", folder / f"upload-{key}.mapping.json"


def _discard_pending(request: Request) -> None:
    pending = request.session.pop(_PENDING, None)
    if isinstance(pending, dict) and isinstance(pending.get("key"), str):
        for path in _pending_paths(request, pending["key"]):
            path.unlink(missing_ok=True)


def _pending_upload(request: Request, event_id: int) -> tuple[str, Path, Path]:
    """The file name, upload and mapping paths of the upload previewed last for this event."""
    pending = request.session.get(_PENDING) or {}
    if pending.get("event") != event_id:
        raise TouchpointsError("Nothing to import: upload the file again.")
    upload, mapping = _pending_paths(request, pending["key"])
    if not upload.exists():
        raise TouchpointsError("Nothing to import: upload the file again.")
    return str(pending["filename"]), upload, mapping


def _saved_overrides(path: Path) -> Overrides | None:
    if not path.exists():
        return None  # the guess
    saved = json.loads(path.read_text(encoding="utf-8"))
    return {str(f): [str(h) for h in hs] for f, hs in saved.items() if f in FIELDS}


def _preview(
    request: Request,
    event: EventRow,
    data: bytes,
    filename: str,
    headers: tuple[str, ...],
    overrides: Overrides | None,
) -> tuple[Response, ImportResult | None]:
    """The import page for ``data`` read with ``overrides`` (None: the guess), and the result.

    The mapping form is always shown, pre-set to the mapping used (or asked for),
    so that a mapping that gives errors can be fixed without uploading again.
    """
    context: dict[str, Any] = {
        "event": event,
        "filename": filename,
        "headers": headers,
        "fields": FIELDS,
        "list_fields": LIST_FIELDS,
        "labels": FIELD_LABELS,
        "selected": overrides if overrides is not None else _selection(guess_mapping(headers)),
    }
    problem = _mapping_problem(overrides, headers) if overrides is not None else None
    if problem is not None:
        context["error"] = problem
        return render(request, "import.html", context, 400), None
    try:
        result = read_registrations(io.BytesIO(data), filename=filename, mapping=overrides)
    except ImportRowsError as error:
        context["problems"] = error.problems
        return render(request, "import.html", context, 400), None
    except InputFileError as error:  # ColumnMappingError included: e.g. no name column
        context["error"] = _for_the_web(error.message)
        return render(request, "import.html", context, 400), None
    context |= {
        "result": result,
        "warnings": [_for_the_web(w) for w in result.warnings],
        "preview": result.attendees[:10],
        "selected": _selection(result.mapping),
    }
    return render(request, "import.html", context), result


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
    filename = upload.filename
    context: dict[str, Any] = {"event": event, "filename": filename}
    try:
        headers = read_headers(data, filename)
    except ImportRowsError as error:
        context["problems"] = error.problems
        return render(request, "import.html", context, 400)
    except InputFileError as error:
        context["error"] = error.message
        return render(request, "import.html", context, 400)
    _discard_pending(request)
    key = secrets.token_urlsafe(16)
    _pending_paths(request, key)[0].write_bytes(data)
    request.session[_PENDING] = {"key": key, "event": event.id, "filename": filename}
    response, _ = _preview(request, event, data, filename, headers, None)
    return response


async def import_remap(request: Request) -> Response:
    """Read the pending upload again with the column mapping chosen in the form."""
    me = organizer_id(request)
    form = await checked_form(request)
    event_id = int(request.path_params["event_id"])
    with request.app.state.db() as db:
        event = repo.event_of(db, me, event_id)
    filename, upload, saved = _pending_upload(request, event_id)
    overrides: Overrides = {
        field: [h for h in form.getlist(_MAP + field) if isinstance(h, str) and h.strip()]
        for field in FIELDS
    }
    saved.write_text(json.dumps(overrides), encoding="utf-8")
    data = upload.read_bytes()
    response, _ = _preview(request, event, data, filename, read_headers(data, filename), overrides)
    return response


async def import_confirm(request: Request) -> Response:
    """Import the file previewed last, with the mapping of that preview (all or nothing)."""
    me = organizer_id(request)
    await checked_form(request)
    event_id = int(request.path_params["event_id"])
    with request.app.state.db() as db:
        event = repo.event_of(db, me, event_id)
    filename, upload, saved = _pending_upload(request, event_id)
    data = upload.read_bytes()
    headers = read_headers(data, filename)
    response, result = _preview(request, event, data, filename, headers, _saved_overrides(saved))
    if result is None:
        return response  # the errors, and the mapping form; nothing imported
    with request.app.state.db.begin() as db:
        event = repo.event_of(db, me, event_id)
        repo.add_attendees(db, event, result.attendees)
    _discard_pending(request)
    return RedirectResponse(f"/events/{event_id}", 303)


routes = [
    Route("/events", event_list, methods=["GET", "POST"]),
    Route("/events/{event_id:int}", event_page),
    Route("/events/{event_id:int}/import", import_preview, methods=["POST"]),
    Route("/events/{event_id:int}/import/preview", import_remap, methods=["POST"]),
    Route("/events/{event_id:int}/import/confirm", import_confirm, methods=["POST"]),
]
