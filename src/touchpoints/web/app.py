"""``create_app(settings)``: the Starlette app, its database, templates and routes.

Errors are translated once, here: :class:`~touchpoints.errors.NotFoundError` is a 404
page, any other :class:`~touchpoints.errors.TouchpointsError` a 400 page with its
message; everything a user typed is rendered by Jinja2 with autoescaping.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from touchpoints.errors import NotFoundError, TouchpointsError
from touchpoints.settings import Settings
from touchpoints.storage.database import open_database
from touchpoints.web.pages import STATIC, render
from touchpoints.web.routes import (
    account,
    attendee,
    dashboard,
    events,
    links,
    plans,
    registration,
    touchpoints,
)
from touchpoints.web.security import PrivatePages

__all__ = ["app_from_env", "create_app"]


async def _not_found(request: Request, exc: Exception) -> Response:
    message = exc.message if isinstance(exc, NotFoundError) else "There is no such page."
    return render(request, "error.html", {"message": message, "status": 404}, status=404)


async def _refused(request: Request, exc: Exception) -> Response:
    message = exc.message if isinstance(exc, TouchpointsError) else str(exc)
    return render(request, "error.html", {"message": message, "status": 400}, status=400)


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code in (301, 302, 303, 307) and exc.headers:
        return RedirectResponse(exc.headers["Location"], status_code=exc.status_code)
    if exc.status_code == 404:
        return await _not_found(request, exc)
    return render(
        request, "error.html", {"message": exc.detail, "status": exc.status_code}, exc.status_code
    )


def create_app(settings: Settings) -> Starlette:
    """The app on ``settings``' database (migrated to the latest tables on start)."""
    app = Starlette(
        routes=[
            *account.routes,
            *events.routes,
            *attendee.routes,
            *touchpoints.routes,
            *registration.routes,
            *links.routes,
            *plans.routes,
            *dashboard.routes,
            Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
        ],
        middleware=[
            Middleware(PrivatePages),
            Middleware(
                SessionMiddleware,
                secret_key=settings.secret_key,
                session_cookie="touchpoints_session",
                same_site="lax",
                https_only=settings.https_only,
                max_age=14 * 24 * 3600,
            ),
        ],
        exception_handlers={
            NotFoundError: _not_found,
            TouchpointsError: _refused,
            HTTPException: _http,
            404: _not_found,
        },
    )
    app.state.db = open_database(settings.database_url)
    app.state.settings = settings
    return app


def app_from_env() -> Starlette:
    """The app on the environment's settings (for ``uvicorn --factory`` and workers)."""
    return create_app(Settings.from_env())
