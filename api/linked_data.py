"""Linked Data: every IRI the graph mints (`https://w3id.org/stdgraph/id/{path}`) dereferences at
`/id/{path}`, and the ontology (`https://w3id.org/stdgraph/ontology`) at `/ontology`.

Content negotiation (or `format=`): an HTML page for people (`text/html`), RDF for machines (Turtle, the
default for a client that accepts anything, JSON-LD, N-Triples, RDF/XML). The page shows the entity's facts
grouped by property with labels, each value with the named graph (source) it comes from, the entity's
sources and a visible mark for a secondary source or a confidence below 1, and links to the related
entities' own pages. The RDF is the entity's own triples (its concise description). Unknown: 404 (a
page for a browser, JSON otherwise).
"""

from __future__ import annotations

from functools import cache

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from rdflib import Graph, Literal, URIRef

from api import html
from api.facts import (
    Facts,
    _ontology_graph,
    curie,
    entity_path,
    ontology_terms,
    property_label,
    read_facts,
)
from api.named_queries import ApiError
from api.resource_common import (
    HANDLED,
    HTML,
    RDF_FORMATS,
    check_params,
    describe,
    failure_response,
    in_worker,
    pick_format,
    rdf_response,
)
from stdgraph import config
from stdgraph.namespaces import DCTERMS, ONTOLOGY_IRI, RDF, SG, SGG, SGID, XSD
from stdgraph.store import GraphStore

router = APIRouter(tags=["linked data"])

# Turtle first: the default for a client that accepts anything (curl, RDF libraries).
LD_FORMATS = (RDF_FORMATS[1], RDF_FORMATS[0], RDF_FORMATS[2], RDF_FORMATS[3], HTML)
SECONDARY = str(SGID["vocab/evidence-level/secondary"])
META_OF_GRAPH = (
    "SELECT ?title ?source WHERE { GRAPH sgg:meta { ?graph dcterms:title ?title ; dcterms:source ?source } }"
)


def ld_format(request: Request) -> str:
    return pick_format(LD_FORMATS, request.headers.get("accept"), request.query_params.get("format"))


def _wants_html(request: Request) -> bool:
    try:
        return ld_format(request) == "html"
    except Exception:
        return False


# ---------------------------------------------------------------------------------------------------
# the page


def value_view(value, facts: Facts) -> dict:
    """What the template shows for one value: text or a link, language or datatype, its graphs."""
    term = value.term
    view: dict = {"graphs": value.graphs}
    if isinstance(term, Literal):
        view["text"] = str(term)
        if term.language:
            view["lang"] = term.language
        elif term.datatype is not None and term.datatype != XSD.string:
            view["datatype"] = curie(str(term.datatype))
        if term.datatype == XSD.anyURI:
            view["href"] = str(term)
    else:
        view["text"] = value.label or str(term)
        view["href"] = entity_path(str(term)) or str(term)
        view["iri"] = str(term)
        level = facts.neighbours.value(term, SG.evidenceLevel)
        view["secondary"] = str(term) == SECONDARY or str(level) == SECONDARY
    return view


def grouped(values: dict) -> list[dict]:
    """Properties with their labels, sorted by label (type first)."""
    groups = []
    for predicate, items in values.items():
        en, zh = property_label(predicate)
        groups.append(
            {
                "iri": predicate,
                "curie": curie(predicate),
                "label": en,
                "label_zh": zh,
                "href": entity_path(predicate) or predicate,
                "values": items,
            }
        )
    return sorted(groups, key=lambda g: (g["iri"] != str(RDF.type), g["label"].lower()))


def page_context(store: GraphStore, facts: Facts) -> dict:
    sources = [
        {"href": str(s), "text": str(s)} if isinstance(s, URIRef) else {"text": str(s)}
        for s in facts.sources()
    ]
    confidence = facts.first(SG.mappingConfidence)
    graphs = []
    for name in facts.graphs():
        rows = store.select(META_OF_GRAPH, {"graph": URIRef(str(SGG[name]))}).rows
        graphs.append(
            {
                "name": name,
                "title": str(rows[0]["title"]) if rows else name,
                "source": str(rows[0]["source"]) if rows else None,
            }
        )
    return {
        "iri": facts.iri,
        "label": facts.label(),
        "labels": facts.labels(),
        "types": [{"text": property_label(t)[0], "href": entity_path(t) or t} for t in facts.types()],
        "properties": [
            {**g, "values": [value_view(v, facts) for v in g["values"]]}
            for g in grouped(facts.values)
            if g["iri"] != str(RDF.type)
        ],
        "incoming": [
            {**g, "values": [value_view(v, facts) for v in g["values"]]} for g in grouped(facts.incoming)
        ],
        "incoming_capped": facts.incoming_capped,
        "sources": sources,
        "evidence": facts.evidence(),
        "confidence": float(confidence.toPython()) if isinstance(confidence, Literal) else None,
        "graphs": graphs,
    }


# ---------------------------------------------------------------------------------------------------
# the routes


def _not_found(request: Request, iri: str) -> Response:
    message = f"no entity {iri} in the graph"
    if _wants_html(request):
        return html.render(request, "not_found.html", status_code=404, message=message, iri=iri)
    raise ApiError(404, message, iri=iri)


@router.get(
    "/id/{path:path}",
    summary="Dereference an entity IRI: an HTML page or its RDF (Turtle, JSON-LD, N-Triples, RDF/XML)",
    description="`https://w3id.org/stdgraph/id/{path}` redirects here. `Accept: text/html` "
    "(or `format=html`) gives the page; RDF media types (or `format=turtle|jsonld|ntriples|rdfxml`) "
    "the entity's triples.",
    responses={404: {"description": "no such entity"}},
)
async def dereference(
    request: Request,
    path: str = Path(
        description="the IRI after https://w3id.org/stdgraph/id/", examples=["edition/gb-t-24001_2016"]
    ),
    format: str | None = Query(None, description="html, turtle, jsonld, ntriples or rdfxml"),
) -> Response:
    iri = str(SGID) + path
    try:
        check_params(request, ())
        fmt = ld_format(request)
        try:
            URIRef(iri)
            if " " in iri or "<" in iri or ">" in iri or '"' in iri:
                raise ValueError(iri)
        except ValueError:
            raise ApiError(400, f"{iri!r} is not an IRI") from None

        def job(store: GraphStore):
            if fmt == "html":
                facts = read_facts(store, iri)
                if not facts.exists:
                    return False, None
                return True, (page_context(store, facts), *standard_view(store, request, iri, facts))
            graph = describe(store, [iri])
            return len(graph) > 0, graph

        exists, found = await in_worker(request, job)
        if not exists:
            return _not_found(request, iri)
    except HANDLED as exc:
        return failure_response(exc)
    if fmt == "html":
        entity, standard, picture = found
        response = html.render(
            request, "entity.html", entity=entity, standard=standard, picture=picture, formats=RDF_FORMATS
        )
        response.headers["Vary"] = "Accept"
        return response
    return rdf_response(found, fmt)


def standard_view(store: GraphStore, request: Request, iri: str, facts) -> tuple[dict | None, str | None]:
    """For an edition or a work: its standard record (adoptions both ways, editions, schemes) and, for
    an edition, the neighbourhood picture; (None, None) for any other entity."""
    from api.neighbourhood import neighbourhood, render_svg
    from api.standards import _base, standard_record

    types = tuple(facts.types())
    if str(SG.Edition) not in types and str(SG.Standard) not in types:
        return None, None
    record = standard_record(store, request, iri, types, _base(request))
    picture = None
    identifier = facts.first(DCTERMS.identifier)
    if str(SG.Edition) in types and identifier is not None:
        try:
            hood = neighbourhood(store, str(identifier), str(identifier))
        except ValueError:  # an identifier the parser does not take: the page goes without a picture
            hood = None
        if hood is not None and not hood.empty:
            picture = render_svg(hood)
    return record, picture


# ---------------------------------------------------------------------------------------------------
# the ontology


@cache
def ontology_view() -> dict:
    """Classes and properties of the ontology, with labels, definitions, domains and ranges."""
    graph = _ontology_graph()
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    classes, properties = [], []
    for iri, term in sorted(ontology_terms().items(), key=lambda kv: kv[1].en.lower()):
        if not iri.startswith(str(SG)):
            continue
        node = URIRef(iri)
        entry = {
            "name": iri[len(str(SG)) :],
            "iri": iri,
            "label": term.en,
            "label_zh": term.zh,
            "definition": term.definition,
            "domain": [curie(str(d)) for d in graph.objects(node, URIRef(rdfs + "domain"))],
            "range": [curie(str(r)) for r in graph.objects(node, URIRef(rdfs + "range"))],
            "parents": [
                curie(str(p))
                for p in graph.objects(node, URIRef(rdfs + "subClassOf"))
                if isinstance(p, URIRef)
            ],
        }
        (classes if term.kind == "class" else properties).append(entry)
    title = next(
        (str(t) for t in graph.objects(URIRef(ONTOLOGY_IRI), DCTERMS.title) if t.language == "en"), ""
    )
    return {"iri": ONTOLOGY_IRI, "title": title, "classes": classes, "properties": properties}


@cache
def ontology_graph() -> Graph:
    graph = Graph()
    graph.parse(config.ONTOLOGY_DIR / "stdgraph.ttl", format="turtle")
    return graph


@router.get(
    "/ontology",
    summary="The stdgraph ontology: Turtle (and other RDF) or an HTML list of its classes and properties",
    description="`https://w3id.org/stdgraph/ontology` (and its `#Term` fragments) redirects here.",
)
async def ontology(
    request: Request, format: str | None = Query(None, description="html, turtle, jsonld, ntriples or rdfxml")
) -> Response:
    try:
        check_params(request, ())
        fmt = ld_format(request)
    except HANDLED as exc:
        return failure_response(exc)
    if fmt == "html":
        response = html.render(request, "ontology.html", ontology=ontology_view(), formats=RDF_FORMATS)
        response.headers["Vary"] = "Accept"
        return response
    if fmt == "turtle":
        body = (config.ONTOLOGY_DIR / "stdgraph.ttl").read_bytes()
        return Response(body, media_type="text/turtle", headers={"Vary": "Accept"})
    copy = Graph()
    for triple in ontology_graph():
        copy.add(triple)
    return rdf_response(copy, fmt)
