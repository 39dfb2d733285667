"""Sessions and CSRF: who is logged in, and that a form came from our own page.

Session cookies are signed (itsdangerous, via Starlette's SessionMiddleware), HttpOnly
and SameSite=Lax. Every form carries the session's CSRF token in a hidden field (htmx
requests send it as the ``X-CSRF-Token`` header); :func:`checked_form` refuses a POST
without the right one.

The session also remembers the attendee whose personal page this browser opened last
(:func:`remember_attendee`), so that a meet-me code scanned with the same phone knows
who is scanning. The cookie is signed, not encrypted: it holds the personal token the
browser already has, and nothing else about the attendee.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.datastructures import FormData, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "attendee_token",
    "checked_form",
    "csrf_token",
    "log_in",
    "log_out",
    "organizer_id",
    "remember_attendee",
]

_CSRF = "csrf"
_ORGANIZER = "organizer"
_ATTENDEE = "attendee"


def csrf_token(request: Request) -> str:
    """This session's CSRF token (created on first use)."""
    token = request.session.get(_CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[_CSRF] = token
    return token


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token matches the session's (else 403)."""
    form = await request.form()
    sent = form.get("csrf_token") or request.headers.get("x-csrf-token") or ""
    expected = request.session.get(_CSRF)
    if not isinstance(sent, str) or not isinstance(expected, str):
        raise HTTPException(403, "This form has expired. Go back, reload the page and try again.")
    if not hmac.compare_digest(sent, expected):
        raise HTTPException(403, "This form has expired. Go back, reload the page and try again.")
    return form


def organizer_id(request: Request) -> int:
    """The logged-in organizer (else a redirect to the login page)."""
    value = request.session.get(_ORGANIZER)
    if not isinstance(value, int):
        raise HTTPException(303, headers={"Location": f"/login?next={request.url.path}"})
    return value


def log_in(request: Request, organizer: int) -> None:
    """Start a fresh session for ``organizer`` (a new CSRF token too)."""
    request.session.clear()
    request.session[_ORGANIZER] = organizer
    csrf_token(request)


def log_out(request: Request) -> None:
    request.session.clear()


def remember_attendee(request: Request, token: str) -> None:
    """Remember that this browser holds the personal link with ``token``."""
    request.session[_ATTENDEE] = token


def attendee_token(request: Request) -> str | None:
    """The personal token this browser opened last (None: no personal page yet)."""
    token = request.session.get(_ATTENDEE)
    return token if isinstance(token, str) and token else None


#: Headers of every page reached by a personal link or a meet-me code: the link is the
#: key, so these pages are never cached, indexed or sent on as a referrer.
PRIVATE_HEADERS = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}
#: Where those pages live (attendees' personal links, meet-me codes).
PRIVATE_PATHS = ("/a/", "/m/")


class PrivatePages:
    """ASGI middleware: :data:`PRIVATE_HEADERS` on every response under
    :data:`PRIVATE_PATHS`, error pages and redirects included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith(PRIVATE_PATHS):
            await self.app(scope, receive, send)
            return

        async def send_private(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(PRIVATE_HEADERS)
            await send(message)

        await self.app(scope, receive, send_private)
