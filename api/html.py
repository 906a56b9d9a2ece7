"""Server-rendered pages: one Jinja2 environment and the static files, shared by every router.

Pages extend `templates/base.html` (blocks `title` and `content`) so they share one look and work
without JavaScript.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import QueryParams

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

templates = Jinja2Templates(directory=TEMPLATES_DIR)


def facet_toggle(params: QueryParams, name: str, value: str) -> str:
    """The query string with `name=value` added, or removed if present; back to the first page."""
    items = [(k, v) for k, v in params.multi_items() if k != "offset"]
    items = [i for i in items if i != (name, value)] if (name, value) in items else [*items, (name, value)]
    return urlencode(items)


def with_offset(params: QueryParams, offset: int) -> str:
    """The query string for another page of the same answer."""
    return urlencode([*((k, v) for k, v in params.multi_items() if k != "offset"), ("offset", str(offset))])


templates.env.filters["facet_toggle"] = facet_toggle
templates.env.filters["with_offset"] = with_offset


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The template `name` rendered with `context` (and `request`, which every template may use)."""
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def static_files() -> StaticFiles:
    """The project's own CSS and scripts, mounted at `/static` (no CDN)."""
    return StaticFiles(directory=STATIC_DIR)
