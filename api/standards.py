"""`/standards` (search with filters and facets) and `/standards/{id}` (an edition or a work, with its
adoptions both ways, equivalence mappings, supersession chain, committee and the schemes based on it).

Every related record carries its own `sources` (dcterms:source) and `evidence` (primary / secondary).
JSON by default; JSON-LD, Turtle, N-Triples and RDF/XML give the triples of the entities shown.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from rdflib import Graph, URIRef

from api.facts import (
    Facts,
    best_label,
    entity_links,
    labels_of,
    local_name,
    provenance_json,
    read_facts,
    source_json,
    term_json,
)
from api.lookup import resolve_standard
from api.named_queries import queries_of
from api.resource_common import (
    HANDLED,
    OnceReader,
    check_params,
    describe,
    failure_response,
    in_worker,
    json_response,
    link_header,
    page_links,
    rdf_response,
    read_page,
    resource_format,
)
from api.standard_search import (
    FILTERS,
    SORT_HERE_ABOVE,
    Cache,
    facet_counts,
    page_rows,
    read_search,
    sorted_keys,
    text_search,
)
from stdgraph import identifiers
from stdgraph.namespaces import DCTERMS, SG, SKOS
from stdgraph.store import GraphStore

router = APIRouter(tags=["resources"])

LIST_EXAMPLES = {
    "q": {"summary": "text in a title or identifier", "value": "carbon footprint"},
    "zh": {"summary": "Chinese title text", "value": "环境管理"},
    "reference": {"summary": "a reference as people write it", "value": "ISO 14064"},
}
ID_EXAMPLES = {
    "edition": {"summary": "a Chinese edition", "value": "GB/T 24001-2016"},
    "iso": {"summary": "an ISO edition", "value": "ISO 14067:2018"},
    "work": {"summary": "a work (all its editions)", "value": "ISO 14064-1"},
    "slug": {"summary": "the slug of its IRI", "value": "gb-t-24001_2016"},
}


def _caches(request: Request) -> tuple[Cache, Cache]:
    """(facet counts, sorted keys) per filter set, one pair per app."""
    state = request.app.state
    if getattr(state, "standard_caches", None) is None:
        state.standard_caches = (Cache(facet_counts, 256), Cache(sorted_keys, 8))
    return state.standard_caches


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


# ---------------------------------------------------------------------------------------------------
# the list


def _summaries(store: GraphStore, iris: list[str], base: str) -> list[dict]:
    """One item per edition of the page: identifier, titles, publisher, status, type, dates, sources."""
    graph = describe(store, iris)
    related = {str(o) for s in iris for p in (DCTERMS.publisher,) for o in graph.objects(URIRef(s), p)}
    labels = describe(store, related) if related else Graph()
    return [_summary(graph, labels, iri, base) for iri in iris]


def _summary(graph: Graph, labels: Graph, iri: str, base: str) -> dict:
    node = URIRef(iri)
    titles = {t.language or "": str(t) for t in graph.objects(node, DCTERMS.title)}
    item: dict = {
        "id": str(graph.value(node, DCTERMS.identifier) or local_name(iri)),
        "iri": iri,
        "title": titles,
    }
    for key, prop in (("status", SG.status), ("type", SG.documentType)):
        value = graph.value(node, prop)
        if value is not None:
            item[key] = local_name(str(value))
    for key, prop in (("issued", DCTERMS.issued), ("implemented", SG.implementationDate)):
        value = graph.value(node, prop)
        if value is not None:
            item[key] = str(value)
    publisher = graph.value(node, DCTERMS.publisher)
    if publisher is not None:
        item["publisher"] = term_json(publisher, base, _name(labels, publisher))
    work = graph.value(node, SG.editionOf)
    if work is not None:
        item["work"] = {"iri": str(work), "links": entity_links(str(work), base)}
    item["sources"] = [source_json(s) for s in graph.objects(node, DCTERMS.source)]
    level = graph.value(node, SG.evidenceLevel)
    if level is not None:
        item["evidence"] = local_name(str(level))
    item["links"] = entity_links(iri, base)
    return item


def _name(graph: Graph, node) -> str:
    acronym = graph.value(node, SG.acronym)
    return str(acronym) if acronym is not None else best_label(labels_of(graph, node), local_name(str(node)))


def _facets_json(store: GraphStore, counts: dict, base: str) -> dict:
    publishers = list(counts["publisher"])
    labels = describe(store, publishers) if publishers else Graph()
    out = {}
    for facet in ("publisher", "status", "type"):
        values = sorted(counts[facet].items(), key=lambda kv: (-kv[1], kv[0]))
        out[facet] = [
            {
                "value": _name(labels, URIRef(iri)) if facet == "publisher" else local_name(iri),
                "iri": iri,
                "count": n,
            }
            for iri, n in values
        ]
    return out


@router.get(
    "/standards",
    summary="Search standard editions by text, publisher, committee, ICS, status and type, with facets",
    description="Text matches English and Chinese titles and identifiers (a reference such as "
    "`ｇｂ／ｔ　２４００１` is normalised first). `publisher` is an acronym (`ISO`, `SAC`), a body id "
    "(`sac-cn`) or an IRI; `committee` a reference (`ISO/TC 207/SC 7`, with its subcommittees); `ics` a "
    "code (`13.020`, with narrower codes); `status` and `type` controlled values. Items are sorted by "
    "identifier; `facets` counts the matching editions by publisher, status and type.",
)
async def list_standards(
    request: Request,
    q: str | None = Query(None, description="text in titles or identifiers", openapi_examples=LIST_EXAMPLES),
    publisher: str | None = Query(None, description="standards body: acronym, id or IRI", examples=["SAC"]),
    committee: str | None = Query(None, description="committee reference", examples=["ISO/TC 207/SC 7"]),
    ics: str | None = Query(None, description="ICS code", examples=["13.020.40"]),
    status: str | None = Query(None, description="published, withdrawn or under-development"),
    type: str | None = Query(None, description="document type, e.g. national-standard"),
    limit: str | None = Query(None, description="items per page (default 20, at most 200)"),
    offset: str | None = Query(None, description="items to skip"),
    format: str | None = Query(None, description="json, jsonld, turtle, ntriples or rdfxml"),
) -> Response:
    try:
        check_params(request, FILTERS)
        fmt = resource_format(request)
        page = read_page(request)
        params = {name: request.query_params.get(name) for name in FILTERS}
        facets_cache, keys_cache = _caches(request)
        base = _base(request)

        def job(store: GraphStore) -> tuple:
            search = read_search(store, params)  # type: ignore[arg-type]
            if search.has_text:
                rows, counts = text_search(store, search, page.limit, page.offset)
            else:
                counts = facets_cache.get(store, search)
                if counts["total"] > SORT_HERE_ABOVE:
                    rows = keys_cache.get(store, search)[page.offset : page.offset + page.limit]
                else:
                    rows = page_rows(store, search, page.limit, page.offset)
            iris = [iri for iri, _ in rows]
            if fmt != "json":
                return search, counts, describe(store, iris), None
            return search, counts, _summaries(store, iris, base), _facets_json(store, counts, base)

        search, counts, items, facets = await in_worker(request, job)
    except HANDLED as exc:
        return failure_response(exc)
    links = page_links(request, page, counts["total"])
    if fmt != "json":
        return rdf_response(items, fmt, link_header(links))
    body = {
        "filters": dict(search.given),
        "total": counts["total"],
        "limit": page.limit,
        "offset": page.offset,
        "items": items,
        "facets": facets,
        "links": links,
    }
    return json_response(body, link_header(links))


# ---------------------------------------------------------------------------------------------------
# one standard


def _rows(store: GraphStore, request: Request, name: str, iri: str) -> list[dict]:
    named = queries_of(request)[name]
    return store.select(named.sparql, {"standard": URIRef(iri)}).rows


def _edition_ref(identifier: str, base: str) -> dict:
    out: dict = {"id": identifier}
    try:
        iri = identifiers.edition_iri(identifier)
        out["iri"] = iri
        out["links"] = entity_links(iri, base)
    except identifiers.IdentifierError:
        pass
    return out


def _adoptions(rows: list[dict], other: str, context: Graph, base: str) -> list[dict]:
    """Rows of adoption.rq / adopted-by.rq (one per source) grouped into one record per adoption."""
    records: dict[str, dict] = {}
    for row in rows:
        key = str(row["adoption"])
        record = records.get(key)
        if record is None:
            record = {
                "adopting": _edition_ref(str(row["adopting"]), base),
                "adopted": _edition_ref(str(row["adopted"]), base),
                "degree": str(row["degree"]),
                "evidence": str(row["evidence"]) if row["evidence"] is not None else None,
                "sources": [],
                "iri": key,
                "links": entity_links(key, base),
            }
            comment = context.value(URIRef(key), SKOS.note) or context.value(
                URIRef(key), URIRef("http://www.w3.org/2000/01/rdf-schema#comment")
            )
            if comment is not None:
                record["comment"] = str(comment)
            records[key] = record
        source = source_json(row["source"])
        if source not in record["sources"]:
            record["sources"].append(source)
    return list(records.values())


def _provenance(context: Graph, iri: str) -> dict:
    node = URIRef(iri)
    out: dict = {"sources": [source_json(s) for s in context.objects(node, DCTERMS.source)]}
    level = context.value(node, SG.evidenceLevel)
    if level is not None:
        out["evidence"] = local_name(str(level))
    return out


def _refs(facts: Facts, prop: URIRef, base: str) -> list[dict]:
    return [term_json(v, base) for v in facts.values.get(str(prop), [])]


def _mappings(store: GraphStore, iris: Iterable[str], context_of, base: str) -> list[dict]:
    found: list[str] = []
    for iri in iris:
        for query in (MAPPINGS_AS_SUBJECT, MAPPINGS_AS_OBJECT):
            found += [str(r["mapping"]) for r in store.select(query, {"x": URIRef(iri)}).rows]
    found = list(dict.fromkeys(found))
    if not found:
        return []
    graph = describe(store, found)
    out = []
    for mapping in found:
        node = URIRef(mapping)
        record: dict = {"iri": mapping, "links": entity_links(mapping, base)}
        for key, prop in (
            ("subject", SG.mappingSubject),
            ("object", SG.mappingObject),
            ("predicate", SG.mappingPredicate),
            ("justification", SG.mappingJustification),
            ("lifecycle", SG.lifecycleStatus),
        ):
            value = graph.value(node, prop)
            if value is not None:
                record[key] = str(value)
        for key, prop in (("confidence", SG.mappingConfidence), ("negated", SG.negated)):
            value = graph.value(node, prop)
            if value is not None:
                record[key] = value.toPython()
        record.update(_provenance(graph, mapping))
        out.append(record)
    return out


MAPPINGS_AS_SUBJECT = "SELECT ?mapping WHERE { ?mapping sg:mappingSubject ?x }"
MAPPINGS_AS_OBJECT = "SELECT ?mapping WHERE { ?mapping sg:mappingObject ?x }"


def standard_record(store: GraphStore, request: Request, iri: str, types: tuple[str, ...], base: str) -> dict:
    """Everything the graph says about an edition or a work, each related record with its sources."""
    store = OnceReader(store)  # type: ignore[assignment]
    facts = read_facts(store, iri, incoming=False)
    is_edition = str(SG.Edition) in types
    work = str(facts.first(SG.editionOf)) if is_edition and facts.first(SG.editionOf) else None
    record: dict = {
        "id": str(facts.first(DCTERMS.identifier) or local_name(iri)),
        "iri": iri,
        "kind": "edition" if is_edition else "standard",
        "title": {t.language or "": str(t) for t in facts.objects(DCTERMS.title)},
    }
    for key, prop in (("status", SG.status), ("type", SG.documentType)):
        value = facts.first(prop)
        if value is not None:
            record[key] = local_name(str(value))
    for key, prop in (
        ("issued", DCTERMS.issued),
        ("implemented", SG.implementationDate),
        ("withdrawn", SG.withdrawalDate),
        ("stage", SG.stageCode),
        ("edition_number", SG.editionNumber),
    ):
        value = facts.first(prop)
        if value is not None:
            record[key] = str(value)
    for key, prop in (
        ("publisher", DCTERMS.publisher),
        ("committee", SG.committee),
        ("ics", SG.ics),
        ("amends", SG.amends),
        ("catalogue", SG.catalogueURL),
    ):
        record[key] = _refs(facts, prop, base)
    comments = [str(c) for c in facts.objects(URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))]
    if comments:
        record["comments"] = comments
    record.update(provenance_json(facts))
    work_iri = work if is_edition else iri
    work_facts = read_facts(store, work_iri, incoming=False) if work and work != iri else facts
    if work_iri:
        record["work"] = {
            "id": str(work_facts.first(DCTERMS.identifier) or local_name(work_iri)),
            "iri": work_iri,
            "links": entity_links(work_iri, base),
        }
    editions = [str(e) for e in work_facts.objects(SG.hasEdition)]
    adoption_rows = _rows(store, request, "adoption", iri)
    adopted_rows = _rows(store, request, "adopted-by", iri)
    chain = _rows(store, request, "supersession", iri) if is_edition else []
    family = _rows(store, request, "equivalents", iri) if is_edition else []
    schemes = _rows(store, request, "schemes-based-on", iri)
    if is_edition and work:
        schemes += [r for r in _rows(store, request, "schemes-based-on", work) if r not in schemes]
    context_iris = [
        *editions,
        *(str(r["adoption"]) for r in (*adoption_rows, *adopted_rows, *family)),
        *(str(r["edition"]) for r in chain),
        *(str(r["scheme"]) for r in schemes),
    ]
    context = describe(store, context_iris) if context_iris else Graph()
    record["editions"] = sorted(
        (
            {
                "id": str(context.value(URIRef(e), DCTERMS.identifier) or local_name(e)),
                "iri": e,
                **(
                    {"status": local_name(str(context.value(URIRef(e), SG.status)))}
                    if context.value(URIRef(e), SG.status) is not None
                    else {}
                ),
                **_provenance(context, e),
                "links": entity_links(e, base),
            }
            for e in editions
        ),
        key=lambda ed: ed["id"],
    )
    record["adopts"] = _adoptions(adoption_rows, "adopted", context, base)
    record["adopted_by"] = _adoptions(adopted_rows, "adopting", context, base)
    record["equivalents"] = _family(family, context, base)
    record["mappings"] = _mappings(store, [iri, *([work] if work else [])], context, base)
    record["supersession"] = {
        direction: [
            {
                "id": str(r["identifier"]),
                "iri": str(r["edition"]),
                **({"issued": str(r["issued"])} if r["issued"] is not None else {}),
                **_provenance(context, str(r["edition"])),
                "links": entity_links(str(r["edition"]), base),
            }
            for r in chain
            if str(r["direction"]) == direction
        ]
        for direction in ("earlier", "later")
    }
    record["schemes"] = [
        {
            "name": str(r["name"]),
            "iri": str(r["scheme"]),
            **({"type": str(r["type"])} if r["type"] is not None else {}),
            **_provenance(context, str(r["scheme"])),
            "links": entity_links(str(r["scheme"]), base),
        }
        for r in {str(r["scheme"]): r for r in schemes}.values()
    ]
    record["links"] = entity_links(iri, base)
    return record


def _family(rows: list[dict], context: Graph, base: str) -> dict:
    """equivalents.rq: the root edition and one record per adoption in its family."""
    if not rows:
        return {"root": None, "members": []}
    root = rows[0]
    return {
        "root": {
            "id": str(root["rootIdentifier"]),
            "iri": str(root["root"]),
            "links": entity_links(str(root["root"]), base),
        },
        "members": [
            {
                "id": str(r["identifier"]),
                "iri": str(r["equivalent"]),
                "adopts": str(r["adoptedIdentifier"]),
                "degree": str(r["degree"]),
                "adoption": str(r["adoption"]),
                **_provenance(context, str(r["adoption"])),
                "links": entity_links(str(r["equivalent"]), base),
            }
            for r in rows
        ],
    }


def related_iris(record: dict) -> list[str]:
    """The IRIs whose triples make the RDF view of a standard record."""
    iris = [record["iri"]]
    if record.get("work"):
        iris.append(record["work"]["iri"])
    iris += [e["iri"] for e in record["editions"]]
    iris += [a["iri"] for a in (*record["adopts"], *record["adopted_by"])]
    iris += [m["iri"] for m in record["mappings"]]
    iris += [s["iri"] for s in record["schemes"]]
    return iris


@router.get(
    "/standards/{id:path}",
    summary="One standard: an edition or a work, its adoptions both ways, equivalents, supersession, schemes",
    description="`id` is what people write (`GB/T 24001-2016`, `ISO 14067:2018`, `ISO 14067`), the slug of "
    "the IRI (`gb-t-24001_2016`) or the full IRI. An unknown id gives 404 with the closest identifiers "
    "(`ISO 14068` suggests `ISO 14068-1:2023`).",
    responses={404: {"description": "no such standard; `suggestions` lists the closest identifiers"}},
)
async def get_standard(
    request: Request,
    id: str = Path(description="the standard as people write it", openapi_examples=ID_EXAMPLES),
    format: str | None = Query(None, description="json, jsonld, turtle, ntriples or rdfxml"),
) -> Response:
    try:
        check_params(request, ())
        fmt = resource_format(request)
        base = _base(request)

        def job(store: GraphStore) -> tuple[dict, Graph | None]:
            resolved = resolve_standard(store, id)
            record = standard_record(store, request, resolved.iri, resolved.types, base)
            return record, describe(store, related_iris(record)) if fmt != "json" else None

        record, graph = await in_worker(request, job)
    except HANDLED as exc:
        return failure_response(exc)
    if graph is not None:
        return rdf_response(graph, fmt)
    return json_response(record)
