"""Home page and one search box over standards, schemes, bodies, arrangements and agreements.

`/search?q=...` matches identifiers, titles, names and acronyms in English or Chinese (the named query
`find`) and groups the hits by facet: kind, body (publisher or scheme owner), committee, status and
type. Facet filters (`kind=`, `body=`, ... given as the facet value's IRI) narrow the hits; several
values of one facet widen them again (OR within a facet, AND across facets). People get HTML, programs
get JSON (`Accept: application/json` or `format=json`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.html import render
from stdgraph.namespaces import SG, SGID
from stdgraph.queries import get_query
from stdgraph.store import GraphStore

router = APIRouter()

FACETS = ("kind", "body", "committee", "status", "type")
MAX_HITS = 5000  # the cap of queries/find.rq
PAGE = 50
KIND_LABELS = {
    "Edition": "standard",
    "Amendment": "amendment",
    "Corrigendum": "corrigendum",
    "CertificationScheme": "certification scheme",
    "StandardsBody": "standards body",
    "AccreditationBody": "accreditation body",
    "ConformityAssessmentBody": "conformity-assessment body",
    "RecognitionArrangement": "recognition arrangement",
    "MultilateralArrangement": "recognition arrangement",
    "BilateralArrangement": "recognition arrangement",
    "TradeAgreement": "trade agreement",
}


@dataclass
class Hit:
    iri: str
    kind: str
    identifier: str | None
    names: list[str] = field(default_factory=list)
    facets: dict[str, set[str]] = field(default_factory=dict)

    @property
    def page(self) -> str:
        """The entity's page on this server (its Linked Data view)."""
        return "/id/" + self.iri.removeprefix(str(SGID)) if self.iri.startswith(str(SGID)) else self.iri

    def rank(self, text: str) -> tuple[int, str]:
        """Exact identifiers first, then identifiers that start with the text, then the rest."""
        needle, ident = text.casefold(), (self.identifier or "").casefold()
        return (0 if ident == needle else 1 if ident.startswith(needle) else 2, ident or self.names[0])

    def to_dict(self, labels: dict[str, str]) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "page": self.page,
            "kind": self.kind,
            "identifier": self.identifier,
            "names": self.names,
            **{f: sorted(labels.get(v, v) for v in vs) for f, vs in self.facets.items() if f != "kind"},
        }


def facet_labels(request: Request) -> dict[str, str]:
    """Labels of facet values, read once per app (they are organisations and controlled values)."""
    state = request.app.state
    if getattr(state, "facet_labels", None) is None:
        store: GraphStore = state.store
        result = store.select(get_query("facet-labels").sparql)
        labels = {str(r["iri"]): str(r["label"]) for r in result.rows if r["label"] is not None}
        labels.update({str(SG[k]): v for k, v in KIND_LABELS.items()})
        state.facet_labels = labels
    return state.facet_labels


def find(store: GraphStore, text: str) -> list[Hit]:
    """Every entity matching `text`, with its facet values, best matches first."""
    query = get_query("find")
    result = store.select(query.sparql, query.bindings({"text": text}))
    hits: dict[str, Hit] = {}
    for row in result.rows:
        iri = str(row["entity"])
        kind = kind_of(str(row["kind"]))
        hit = hits.get(iri)
        if hit is None:
            identifier = str(row["identifier"]) if row["identifier"] is not None else None
            label = KIND_LABELS.get(kind.removeprefix(str(SG)), "entity")
            hit = hits[iri] = Hit(iri, label, identifier, facets={f: set() for f in FACETS})
        hit.facets["kind"].add(kind)
        name = row["name"]
        if name is not None and str(name) not in hit.names:
            hit.names.append(str(name))
        for facet in ("body", "committee", "status", "type"):
            if row[facet] is not None:
                hit.facets[facet].add(str(row[facet]))
    ordered = sorted(hits.values(), key=lambda h: h.rank(text) if (h.identifier or h.names) else (3, h.iri))
    for hit in ordered:
        if not hit.names:
            hit.names.append(hit.identifier or hit.iri)
    return ordered


def kind_of(class_iri: str) -> str:
    """The kind facet value: bilateral and multilateral arrangements are one kind to people."""
    local = class_iri.removeprefix(str(SG))
    return str(SG["RecognitionArrangement" if local.endswith("Arrangement") else local])


def narrow(hits: list[Hit], chosen: dict[str, list[str]]) -> list[Hit]:
    return [h for h in hits if all(not vs or h.facets[f] & set(vs) for f, vs in chosen.items())]


def facet_counts(hits: list[Hit], labels: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    counts: dict[str, list[dict[str, Any]]] = {}
    for facet in FACETS:
        counter = Counter(value for hit in hits for value in hit.facets[facet])
        counts[facet] = [
            {"value": value, "label": labels.get(value, value.rsplit("/", 1)[-1]), "count": n}
            for value, n in sorted(counter.items(), key=lambda kv: (-kv[1], labels.get(kv[0], kv[0])))
        ]
    return counts


def _wants_json(request: Request, format_param: str | None) -> bool:
    if format_param:
        return format_param == "json"
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request) -> HTMLResponse:
    store: GraphStore = request.app.state.store
    return render(request, "home.html", counts=_kind_counts(store))


def _kind_counts(store: GraphStore) -> list[tuple[str, int]]:
    classes = store.class_counts()
    grouped: Counter[str] = Counter()
    for name, label in KIND_LABELS.items():
        grouped[label] += classes.get(str(SG[name]), 0)
    return [(label, n) for label, n in grouped.items() if n]


@router.get(
    "/search",
    summary="Search standards, schemes, bodies, arrangements and agreements (English or Chinese)",
    responses={200: {"content": {"application/json": {}, "text/html": {}}}},
)
def search(
    request: Request,
    q: Annotated[
        str, Query(max_length=200, description="words in English or Chinese", examples=["carbon footprint"])
    ] = "",
    kind: Annotated[list[str] | None, Query(description="facet filter: kind IRI (repeatable)")] = None,
    body: Annotated[
        list[str] | None, Query(description="facet filter: publisher or scheme owner IRI")
    ] = None,
    committee: Annotated[list[str] | None, Query(description="facet filter: committee IRI")] = None,
    status: Annotated[list[str] | None, Query(description="facet filter: status IRI")] = None,
    type: Annotated[
        list[str] | None, Query(description="facet filter: document, scheme or arrangement type")
    ] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_HITS)] = 0,
    format: Annotated[
        str | None, Query(pattern="^(json|html)$", description="json or html, else by Accept")
    ] = None,
) -> Response:
    text = q.strip()
    given = {"kind": kind, "body": body, "committee": committee, "status": status, "type": type}
    chosen = {facet: values or [] for facet, values in given.items()}
    labels = facet_labels(request)
    hits = find(request.app.state.store, text) if len(text) >= 2 else []
    shown = narrow(hits, chosen)
    page = shown[offset : offset + PAGE]
    answer = {
        "q": text,
        "total": len(shown),
        "capped": len(hits) >= MAX_HITS,
        "offset": offset,
        "limit": PAGE,
        "facets": facet_counts(shown, labels),
        "chosen": {f: vs for f, vs in chosen.items() if vs},
        "results": [h.to_dict(labels) for h in page],
    }
    if _wants_json(request, format):
        return JSONResponse(answer)
    if text and len(text) < 2:
        answer["problem"] = "type at least two characters"
    return render(request, "search.html", answer=answer, labels=labels, request_params=request.query_params)
