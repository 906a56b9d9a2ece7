"""A small picture of an edition's neighbourhood: what it adopts, what adopts it, what it replaces.

Server-rendered SVG (no script, prints, scales to a phone): international editions it adopts on the
top row, the edition with its earlier and later editions in the middle, national and regional
adoptions of it on the bottom row. Each box links to the entity's page and each adoption edge carries
its degree (IDT, MOD, NEQ) and how many sources state it. The facts come from the named queries
`adoption`, `adopted-by` and `supersession`, so the picture shows what those answer, nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from xml.sax.saxutils import escape, quoteattr

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from rdflib import URIRef

from stdgraph.identifiers import IdentifierError
from stdgraph.identifiers import edition_iri as to_edition_iri
from stdgraph.namespaces import SGID
from stdgraph.queries import ParameterError, get_query
from stdgraph.store import GraphStore

router = APIRouter()

BOX_W, BOX_H, GAP_X, ROW_Y, MARGIN = 150, 34, 20, 110, 10
MAX_PER_ROW = 8  # more than this and a list reads better than a picture


@dataclass
class Node:
    iri: str
    label: str


@dataclass
class Edge:
    source: str
    target: str
    label: str


@dataclass
class Neighbourhood:
    centre: Node
    adopts: list[Node] = field(default_factory=list)
    adopted_by: list[Node] = field(default_factory=list)
    earlier: list[Node] = field(default_factory=list)
    later: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.adopts or self.adopted_by or self.earlier or self.later)


def _rows(store: GraphStore, name: str, edition: str) -> list[dict[str, str]]:
    query = get_query(name)
    bindings = query.bindings({"standard": edition})
    result = store.select(query.sparql, bindings)
    return [{k: str(v) for k, v in row.items() if v is not None} for row in result.rows]


def _degree_label(degrees: dict[str, int]) -> str:
    return ", ".join(f"{d}" + (f" ×{n}" if n > 1 else "") for d, n in sorted(degrees.items()))


def neighbourhood(store: GraphStore, edition: str, identifier: str) -> Neighbourhood:
    """The adoptions both ways and the supersession chain of `edition` (as a user writes it)."""
    hood = Neighbourhood(Node(to_edition_iri(edition), identifier))
    for name, row_list, other_key, centre_is_source in (
        ("adoption", hood.adopts, "adopted", True),
        ("adopted-by", hood.adopted_by, "adopting", False),
    ):
        degrees: dict[str, dict[str, int]] = {}
        for row in _rows(store, name, edition):
            other = row.get(other_key)
            if other is None:
                continue
            counts = degrees.setdefault(other, {})
            counts[row.get("degree", "?")] = counts.get(row.get("degree", "?"), 0) + 1
        for other, counts in sorted(degrees.items()):
            node = Node(to_edition_iri(other), other)
            row_list.append(node)
            source, target = (hood.centre, node) if centre_is_source else (node, hood.centre)
            hood.edges.append(Edge(source.iri, target.iri, _degree_label(counts)))
    for row in _rows(store, "supersession", edition):
        node = Node(row["edition"], row.get("identifier", row["edition"]))
        (hood.earlier if row.get("direction") == "earlier" else hood.later).append(node)
    hood.earlier.sort(key=lambda n: n.label)
    hood.later.sort(key=lambda n: n.label)
    return hood


def _href(iri: str) -> str:
    return "/id/" + iri.removeprefix(str(SGID)) if iri.startswith(str(SGID)) else iri


def render_svg(hood: Neighbourhood) -> str:
    """The picture as an SVG document."""
    middle = [*hood.earlier, hood.centre, *hood.later]
    rows = [r[:MAX_PER_ROW] for r in (hood.adopts, middle, hood.adopted_by) if r]
    width = max(len(r) for r in rows) * (BOX_W + GAP_X) - GAP_X + 2 * MARGIN
    height = (len(rows) - 1) * ROW_Y + BOX_H + 2 * MARGIN
    centres: dict[str, tuple[float, float]] = {}
    boxes: list[str] = []
    for index, row in enumerate(rows):
        offset = (width - (len(row) * (BOX_W + GAP_X) - GAP_X)) / 2
        y = MARGIN + index * ROW_Y
        for i, node in enumerate(row):
            x = offset + i * (BOX_W + GAP_X)
            centres[node.iri] = (x + BOX_W / 2, y + BOX_H / 2)
            cls = "centre" if node is hood.centre else "node"
            boxes.append(
                f'<a href={quoteattr(_href(node.iri))}><rect class="{cls}" x="{x:.0f}" y="{y}" '
                f'width="{BOX_W}" height="{BOX_H}" rx="4"/><text x="{x + BOX_W / 2:.0f}" y="{y + 22}">'
                f"{escape(node.label)}</text></a>"
            )
    lines: list[str] = []
    chain = [n.iri for n in middle]
    for a, b in pairwise(chain):
        (x1, y1), (x2, y2) = centres[a], centres[b]
        x1, x2 = x1 + BOX_W / 2, x2 - BOX_W / 2
        lines.append(f'<line class="supersession" x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}"/>')
    for edge in hood.edges:
        if edge.source not in centres or edge.target not in centres:
            continue
        (x1, y1), (x2, y2) = centres[edge.source], centres[edge.target]
        y1, y2 = (y1 + BOX_H / 2, y2 - BOX_H / 2) if y1 < y2 else (y1 - BOX_H / 2, y2 + BOX_H / 2)
        lines.append(
            f'<line class="adoption" x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}"/>'
            f'<text class="degree" x="{(x1 + x2) / 2 + 4:.0f}" y="{(y1 + y2) / 2:.0f}">'
            f"{escape(edge.label)}</text>"
        )
    title = f"Neighbourhood of {hood.centre.label}: adoptions (top: adopted, bottom: adopting) and editions"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height}" role="img" '
        f'aria-label={quoteattr(title)} style="max-width:100%;height:auto">'
        f"<title>{escape(title)}</title>"
        "<style>rect{fill:#fff;stroke:#586069}rect.centre{fill:#e6f4ee;stroke:#0b6e4f;stroke-width:2}"
        "text{font:12px sans-serif;text-anchor:middle;fill:#1b1f23}"
        "text.degree{text-anchor:start;fill:#0b6e4f}"
        "line{stroke:#586069}line.supersession{stroke-dasharray:4 3}a:hover rect{stroke:#0b6e4f}</style>"
        + "".join(lines)
        + "".join(boxes)
        + "</svg>"
    )


@router.get(
    "/neighbourhood.svg",
    summary="An edition's adoptions (both ways) and supersession chain as an SVG picture",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}},
)
def neighbourhood_svg(
    request: Request,
    standard: str = Query(..., max_length=200, examples=["ISO 14001:2015"], description="an edition"),
) -> Response:
    store: GraphStore = request.app.state.store
    try:
        iri = to_edition_iri(standard)
    except IdentifierError as exc:
        raise HTTPException(422, f"standard: {exc}") from None
    if not store.ask("ASK WHERE { ?e dcterms:identifier ?id }", {"e": URIRef(iri)}):
        raise HTTPException(404, f"no edition {standard!r} in the graph")
    found = store.select("SELECT ?id WHERE { ?e dcterms:identifier ?id } LIMIT 1", {"e": URIRef(iri)})
    label = str(found.rows[0]["id"])
    try:
        hood = neighbourhood(store, standard, label)
    except ParameterError as exc:
        raise HTTPException(422, str(exc)) from None
    return Response(render_svg(hood), media_type="image/svg+xml")
