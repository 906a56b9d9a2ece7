"""`/editor`: a SPARQL editor for researchers, preloaded with the named queries of `queries/`.

The page is a plain form that GETs `/sparql` (it works without JavaScript); where the YASGUI bundle
is installed (`make install` runs `npm ci` in `web/`) the page upgrades the form to YASGUI, served
from the project's own files. `/editor?query=...` is the permalink: it opens with that query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.html import REPO, render
from stdgraph.namespaces import PREFIXES
from stdgraph.queries import NamedQuery, ParameterError, named_queries
from stdgraph.store import bind_values

router = APIRouter()

YASGUI_BUILD = REPO / "web" / "node_modules" / "@zazuko" / "yasgui" / "build"
MAX_PERMALINK_QUERY = 20_000  # characters; a longer query belongs in a POST, not a link


@dataclass(frozen=True)
class Example:
    name: str
    summary: str
    sparql: str


def _prefix_block(sparql: str) -> str:
    """PREFIX lines for the prefixes the query uses, so the text runs as it is on any endpoint."""
    used = [p for p in PREFIXES if re.search(rf"(?<![\w-]){re.escape(p)}:", sparql)]
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in used)


def example(query: NamedQuery) -> Example:
    """The query with its declared example values bound, ready to run."""
    values = {p.name: p.example for p in query.params if p.example is not None}
    try:
        body = bind_values(query.sparql, query.bindings(values)) if values else query.sparql
    except ParameterError:
        body = query.sparql
    return Example(query.name, query.summary, _prefix_block(body) + body.strip() + "\n")


def examples() -> list[Example]:
    return [example(q) for q in named_queries().values()]


def yasgui_files() -> StaticFiles | None:
    """The YASGUI bundle from `web/node_modules`, or None where `npm ci` has not run."""
    if (YASGUI_BUILD / "yasgui.min.js").is_file():
        return StaticFiles(directory=YASGUI_BUILD)
    return None


@router.get("/editor", response_class=HTMLResponse, summary="SPARQL editor (YASGUI) with example queries")
def editor(
    request: Request,
    query: str | None = Query(None, max_length=MAX_PERMALINK_QUERY, description="the query to open with"),
) -> HTMLResponse:
    library = examples()
    return render(
        request,
        "editor.html",
        examples=library,
        query=query or (library[0].sparql if library else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"),
        yasgui=request.app.state.yasgui,
    )
