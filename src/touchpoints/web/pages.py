"""Rendering pages: Jinja2 templates (autoescaped) with the CSRF token at hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from touchpoints.web.security import csrf_token

__all__ = ["STATIC", "render"]

_HERE = Path(__file__).parent
STATIC = _HERE / "static"
_templates = Jinja2Templates(directory=str(_HERE / "templates"))


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page, with the CSRF token and the logged-in organizer at hand."""
    context = {"csrf_token": csrf_token(request), **context}
    context.setdefault("organizer", request.session.get("organizer"))
    return _templates.TemplateResponse(request, name, context, status_code=status)
