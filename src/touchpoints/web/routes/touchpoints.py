"""Touchpoints from the attendee's side: confirm who you met, share a contact card.

From the personal page (``/a/{token}``) an attendee confirms a tablemate or partner
(``/met``), or anyone else by their meet-me code (``/met-code``: typed, or from the
scan page); withdraws a confirmation the other has not returned (``/withdraw``);
chooses what their touchpoints see (``/sharing``); renews their meet-me code
(``/meet-code``); and downloads their touchpoints (``touchpoints.vcf``, ``.csv``).

``/m/{code}`` is what a phone camera opens on scanning someone's meet-me QR code
(``/a/{token}/meet.svg``). Scanning creates nothing and shares nothing: the page asks
the attendee whose personal page this phone opened last (see
:func:`~touchpoints.web.security.remember_attendee`) whether they met the code's
owner, and only their "Yes" posts a confirmation. A phone with no personal page
learns nothing about the code's owner.

The double-blind rules are :mod:`touchpoints.core.touchpoints`; a refused form shows
the personal page again with the reason (400, or 404 for an unknown code).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import segno
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from touchpoints.core.touchpoints import Sharing, TouchpointError
from touchpoints.errors import NotFoundError, TouchpointsError
from touchpoints.files.contacts import write_contacts_csv, write_contacts_vcf
from touchpoints.storage import repository as repo
from touchpoints.storage import touchpoints as store
from touchpoints.storage import views
from touchpoints.storage.schema import AttendeeRow
from touchpoints.storage.views import first_name
from touchpoints.web.pages import render
from touchpoints.web.routes.attendee import personal_page_response
from touchpoints.web.security import attendee_token, checked_form

__all__ = ["NOT_TABLEMATES", "routes"]

NOT_TABLEMATES = "confirm tablemates here; for anyone else, scan their meet-me code"
NO_ATTENDEE = (
    "Open your personal link on this phone first (the organizer sent it to you), then scan again."
)
NOT_ON_PAGE = "that person is not on your page: reload it and try again"
OTHER_EVENT = "this code is for another event: confirm people you met at yours"

#: A form's work on the database: its redirect target ("?key=value#section").
_Action = Callable[[Session, AttendeeRow, FormData], str]


def _other_id(form: FormData) -> int:
    try:
        return int(str(form.get("other", "")))
    except ValueError:
        raise TouchpointError(NOT_ON_PAGE) from None


def _code(form: FormData) -> str:
    """The code as typed, or the whole scanned address pasted (``…/m/CODE``)."""
    return str(form.get("code", "")).strip().rsplit("/", 1)[-1]


async def _act(request: Request, action: _Action, *, card_form: bool = False) -> Response:
    """Run a touchpoint form: CSRF first, then ``action`` in one transaction, then back
    to the personal page (or the page again with the reason it was refused, and the
    contact card as typed if this is its form)."""
    token = str(request.path_params["token"])
    form = await checked_form(request)
    me_found = False
    try:
        with request.app.state.db.begin() as db:
            me = repo.attendee_by_token(db, token)
            me_found = True
            target = action(db, me, form)
    except TouchpointsError as exc:
        if not me_found:
            raise  # not a personal link: the app's 404 page
        card = Sharing(bool(form.get("email")), *_typed_card(form)) if card_form else None
        status = 404 if isinstance(exc, NotFoundError) else 400
        return await personal_page_response(
            request, token, error=exc.message, card=card, status=status
        )
    return RedirectResponse(f"/a/{token}{target}", 303)


def _typed_card(form: FormData) -> tuple[str, str]:
    return str(form.get("phone", "")), str(form.get("link", ""))


def _confirm_tablemate(db: Session, me: AttendeeRow, form: FormData) -> str:
    other_id = _other_id(form)
    other = db.get(AttendeeRow, other_id)
    if other is None or not store.seated_together(db, me.id, other_id):
        raise TouchpointError(NOT_TABLEMATES)
    return f"?met={store.confirm(db, me, other, 'table')}#touchpoints"


def _confirm_code(db: Session, me: AttendeeRow, form: FormData) -> str:
    other = store.attendee_by_meet_code(db, _code(form))
    return f"?met={store.confirm(db, me, other, 'code')}#touchpoints"


def _withdraw(db: Session, me: AttendeeRow, form: FormData) -> str:
    store.withdraw(db, me, _other_id(form))
    return "?met=withdrawn#touchpoints"


def _share(db: Session, me: AttendeeRow, form: FormData) -> str:
    phone, link = _typed_card(form)
    store.set_sharing(db, me, Sharing.chosen(email=bool(form.get("email")), phone=phone, link=link))
    return "?saved=card#card"


def _renew(db: Session, me: AttendeeRow, form: FormData) -> str:
    store.renew_meet_code(db, me)
    return "?saved=code#meet-code"


async def met(request: Request) -> Response:
    return await _act(request, _confirm_tablemate)


async def met_code(request: Request) -> Response:
    return await _act(request, _confirm_code)


async def withdraw(request: Request) -> Response:
    return await _act(request, _withdraw)


async def sharing(request: Request) -> Response:
    return await _act(request, _share, card_form=True)


async def renew_code(request: Request) -> Response:
    return await _act(request, _renew)


async def meet_qr(request: Request) -> Response:
    token = str(request.path_params["token"])
    with request.app.state.db() as db:
        row = repo.attendee_by_token(db, token)
    buffer = io.BytesIO()
    segno.make(str(request.url_for("meet_page", code=row.meet_code)), error="m").save(
        buffer, kind="svg", scale=4, xmldecl=False, title="Meet-me code"
    )
    return Response(buffer.getvalue(), media_type="image/svg+xml")


async def meet_page(request: Request) -> Response:
    """The scan landing page: asks; never confirms by itself."""
    code = str(request.path_params["code"])
    token = attendee_token(request)
    with request.app.state.db() as db:
        try:
            owner = store.attendee_by_meet_code(db, code)
        except NotFoundError as exc:
            return _meet(request, {"message": exc.message, "refused": True}, 404)
        try:
            me = repo.attendee_by_token(db, token) if token else None
        except NotFoundError:
            me = None  # a link that no longer works: as if none
        if me is None:
            return _meet(request, {"message": NO_ATTENDEE})
        if me.event_id != owner.event_id:
            return _meet(request, {"message": OTHER_EVENT, "refused": True}, 400)
        context = {
            "me": me,
            "own": me.id == owner.id,
            "name": first_name(owner.name),
            "code": owner.meet_code,
        }
    return _meet(request, context)


def _meet(request: Request, context: dict[str, object], status: int = 200) -> Response:
    return render(request, "meet.html", context, status)


def _contacts_file(kind: str) -> Callable[[Request], Response]:
    def download(request: Request) -> Response:
        token = str(request.path_params["token"])
        with request.app.state.db() as db:
            me = repo.attendee_by_token(db, token)
            event = me.event.name
            contacts = [c for _, c in views.touchpoint_people(db, store.my_view(db, me)).mutual]
        out = io.StringIO()
        if kind == "vcf":
            write_contacts_vcf(out, contacts, note=f"Touchpoint at {event}")
            body, media_type = out.getvalue().encode(), "text/vcard; charset=utf-8"
        else:
            write_contacts_csv(out, contacts)
            # With a byte-order mark: spreadsheet programs then read the names as UTF-8.
            body, media_type = out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8"
        headers = {"Content-Disposition": f'attachment; filename="touchpoints.{kind}"'}
        return Response(body, media_type=media_type, headers=headers)

    return download


routes = [
    Route("/a/{token}/met", met, methods=["POST"], name="confirm_tablemate"),
    Route("/a/{token}/met-code", met_code, methods=["POST"], name="confirm_code"),
    Route("/a/{token}/withdraw", withdraw, methods=["POST"], name="withdraw_confirmation"),
    Route("/a/{token}/sharing", sharing, methods=["POST"], name="edit_sharing"),
    Route("/a/{token}/meet-code", renew_code, methods=["POST"], name="renew_meet_code"),
    Route("/a/{token}/meet.svg", meet_qr, name="meet_qr"),
    Route("/a/{token}/touchpoints.vcf", _contacts_file("vcf"), name="touchpoints_vcf"),
    Route("/a/{token}/touchpoints.csv", _contacts_file("csv"), name="touchpoints_csv"),
    Route("/m/{code}", meet_page, name="meet_page"),
]
