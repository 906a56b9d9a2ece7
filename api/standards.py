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
    OwnFacts,
    best_label,
    entity_links,
    labels_of,
    local_name,
    ox_provenance_json,
    ox_source_json,
    ox_value_json,
    read_own_facts,
    source_json,
    term_json,
    text,
)
from api.lookup import resolve_standard
from api.named_queries import queries_of
from api.resource_common import (
    HANDLED,
    OxTerm,
    RecordReader,
    Triples,
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
from stdgraph.namespaces import DCTERMS, RDFS, SG, SKOS
from stdgraph.queries import NamedQuery
from stdgraph.store import GraphStore, from_ox

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


def _rows(reader: RecordReader, queries: dict[str, NamedQuery], name: str, iri: str) -> list[dict]:
    return reader.rows(queries[name].sparql, {"standard": URIRef(iri)})


def _edition_ref(identifier: str, base: str) -> dict:
    out: dict = {"id": identifier}
    try:
        iri = identifiers.edition_iri(identifier)
        out["iri"] = iri
        out["links"] = entity_links(iri, base)
    except identifiers.IdentifierError:
        pass
    return out


def _adoptions(rows: list[dict], context: Triples, base: str) -> list[dict]:
    """Rows of adoption.rq / adopted-by.rq (one per source) grouped into one record per adoption."""
    records: dict[str, dict] = {}
    for row in rows:
        key = text(row["adoption"])
        record = records.get(key)
        if record is None:
            record = {
                "adopting": _edition_ref(text(row["adopting"]), base),
                "adopted": _edition_ref(text(row["adopted"]), base),
                "degree": text(row["degree"]),
                "evidence": text(row["evidence"]) if row["evidence"] is not None else None,
                "sources": [],
                "iri": key,
                "links": entity_links(key, base),
            }
            note = context.value(key, _NOTE)
            comment = note if _text_or(note, "") else context.value(key, _COMMENT)
            if comment is not None:
                record["comment"] = text(comment)
            records[key] = record
        source = ox_source_json(row["source"])
        if source not in record["sources"]:
            record["sources"].append(source)
    return list(records.values())


def _provenance(context: Triples, iri: str) -> dict:
    out: dict = {"sources": [ox_source_json(s) for s in context.objects(iri, _SOURCE)]}
    level = context.value(iri, _EVIDENCE)
    if level is not None:
        out["evidence"] = local_name(text(level))
    return out


def _refs(facts: OwnFacts, prop: str, base: str) -> list[dict]:
    return [ox_value_json(v, base) for v in facts.values.get(prop, [])]


def _mappings(reader: RecordReader, iris: Iterable[str], base: str) -> list[dict]:
    found: list[str] = []
    for iri in iris:
        for query in (MAPPINGS_AS_SUBJECT, MAPPINGS_AS_OBJECT):
            found += [text(r["mapping"]) for r in reader.rows(query, {"x": URIRef(iri)})]  # type: ignore[arg-type]
    found = list(dict.fromkeys(found))
    if not found:
        return []
    graph = reader.describe(found)
    out = []
    for mapping in found:
        record: dict = {"iri": mapping, "links": entity_links(mapping, base)}
        for key, prop in MAPPING_TEXTS:
            value = graph.value(mapping, prop)
            if value is not None:
                record[key] = text(value)
        for key, prop in MAPPING_VALUES:
            value = graph.value(mapping, prop)
            if value is not None:
                record[key] = from_ox(value).toPython()  # type: ignore[union-attr]
        record.update(_provenance(graph, mapping))
        out.append(record)
    return out


MAPPINGS_AS_SUBJECT = "SELECT ?mapping WHERE { ?mapping sg:mappingSubject ?x }"
MAPPINGS_AS_OBJECT = "SELECT ?mapping WHERE { ?mapping sg:mappingObject ?x }"
# Predicates as IRI text: what `OwnFacts` and `Triples` are keyed by.
_IDENTIFIER, _TITLE, _SOURCE = str(DCTERMS.identifier), str(DCTERMS.title), str(DCTERMS.source)
_STATUS, _EVIDENCE, _EDITION_OF = str(SG.status), str(SG.evidenceLevel), str(SG.editionOf)
_HAS_EDITION, _NOTE, _COMMENT = str(SG.hasEdition), str(SKOS.note), str(RDFS.comment)
MAPPING_TEXTS = tuple(
    (key, str(prop))
    for key, prop in (
        ("subject", SG.mappingSubject),
        ("object", SG.mappingObject),
        ("predicate", SG.mappingPredicate),
        ("justification", SG.mappingJustification),
        ("lifecycle", SG.lifecycleStatus),
    )
)
MAPPING_VALUES = (("confidence", str(SG.mappingConfidence)), ("negated", str(SG.negated)))
RECORD_NAMES = (("status", str(SG.status)), ("type", str(SG.documentType)))
RECORD_TEXTS = tuple(
    (key, str(prop))
    for key, prop in (
        ("issued", DCTERMS.issued),
        ("implemented", SG.implementationDate),
        ("withdrawn", SG.withdrawalDate),
        ("stage", SG.stageCode),
        ("edition_number", SG.editionNumber),
    )
)
RECORD_REFS = tuple(
    (key, str(prop))
    for key, prop in (
        ("publisher", DCTERMS.publisher),
        ("committee", SG.committee),
        ("ics", SG.ics),
        ("amends", SG.amends),
        ("catalogue", SG.catalogueURL),
    )
)


def standard_record(store: GraphStore, request: Request, iri: str, types: tuple[str, ...], base: str) -> dict:
    """Everything the graph says about an edition or a work, each related record with its sources.

    Read in Oxigraph's terms (`RecordReader`), each subject's triples once."""
    reader = RecordReader(store)
    queries = queries_of(request)
    facts = read_own_facts(reader, iri)
    is_edition = str(SG.Edition) in types
    edition_of = facts.first(_EDITION_OF)
    work = text(edition_of) if is_edition and edition_of is not None else None
    identifier = facts.first(_IDENTIFIER)
    record: dict = {
        "id": _text_or(identifier, local_name(iri)),
        "iri": iri,
        "kind": "edition" if is_edition else "standard",
        "title": {t.language or "": text(t) for t in facts.objects(_TITLE)},  # type: ignore[union-attr]
    }
    for key, prop in RECORD_NAMES:
        value = facts.first(prop)
        if value is not None:
            record[key] = local_name(text(value))
    for key, prop in RECORD_TEXTS:
        value = facts.first(prop)
        if value is not None:
            record[key] = text(value)
    for key, prop in RECORD_REFS:
        record[key] = _refs(facts, prop, base)
    comments = [text(c) for c in facts.objects(_COMMENT)]
    if comments:
        record["comments"] = comments
    record.update(ox_provenance_json(facts))
    work_iri = work if is_edition else iri
    work_facts = read_own_facts(reader, work_iri) if work and work != iri else facts
    if work_iri:
        record["work"] = {
            "id": _text_or(work_facts.first(_IDENTIFIER), local_name(work_iri)),
            "iri": work_iri,
            "links": entity_links(work_iri, base),
        }
    editions = [text(e) for e in work_facts.objects(_HAS_EDITION)]
    adoption_rows = _rows(reader, queries, "adoption", iri)
    adopted_rows = _rows(reader, queries, "adopted-by", iri)
    chain = _rows(reader, queries, "supersession", iri) if is_edition else []
    family = _rows(reader, queries, "equivalents", iri) if is_edition else []
    schemes = _rows(reader, queries, "schemes-based-on", iri)
    if is_edition and work:
        schemes += [r for r in _rows(reader, queries, "schemes-based-on", work) if r not in schemes]
    context_iris = [
        *editions,
        *(text(r["adoption"]) for r in (*adoption_rows, *adopted_rows, *family)),
        *(text(r["edition"]) for r in chain),
        *(text(r["scheme"]) for r in schemes),
    ]
    context = reader.describe(context_iris) if context_iris else Triples()
    record["editions"] = sorted((_edition(context, e, base) for e in editions), key=lambda ed: ed["id"])
    record["adopts"] = _adoptions(adoption_rows, context, base)
    record["adopted_by"] = _adoptions(adopted_rows, context, base)
    record["equivalents"] = _family(family, context, base)
    record["mappings"] = _mappings(reader, [iri, *([work] if work else [])], base)
    record["supersession"] = {
        direction: [
            {
                "id": text(r["identifier"]),
                "iri": text(r["edition"]),
                **({"issued": text(r["issued"])} if r["issued"] is not None else {}),
                **_provenance(context, text(r["edition"])),
                "links": entity_links(text(r["edition"]), base),
            }
            for r in chain
            if text(r["direction"]) == direction
        ]
        for direction in ("earlier", "later")
    }
    record["schemes"] = [
        {
            "name": text(r["name"]),
            "iri": text(r["scheme"]),
            **({"type": text(r["type"])} if r["type"] is not None else {}),
            **_provenance(context, text(r["scheme"])),
            "links": entity_links(text(r["scheme"]), base),
        }
        for r in {text(r["scheme"]): r for r in schemes}.values()
    ]
    record["links"] = entity_links(iri, base)
    return record


def _text_or(term: OxTerm | None, fallback: str) -> str:
    """`str(term or fallback)` as it read with rdflib terms, where an empty string was false."""
    found = text(term) if term is not None else ""
    return found or fallback


def _edition(context: Triples, edition: str, base: str) -> dict:
    """One of the work's editions: identifier, status, sources."""
    status = context.value(edition, _STATUS)
    return {
        "id": _text_or(context.value(edition, _IDENTIFIER), local_name(edition)),
        "iri": edition,
        **({"status": local_name(text(status))} if status is not None else {}),
        **_provenance(context, edition),
        "links": entity_links(edition, base),
    }


def _family(rows: list[dict], context: Triples, base: str) -> dict:
    """equivalents.rq: the root edition and one record per adoption in its family."""
    if not rows:
        return {"root": None, "members": []}
    root = rows[0]
    return {
        "root": {
            "id": text(root["rootIdentifier"]),
            "iri": text(root["root"]),
            "links": entity_links(text(root["root"]), base),
        },
        "members": [
            {
                "id": text(r["identifier"]),
                "iri": text(r["equivalent"]),
                "adopts": text(r["adoptedIdentifier"]),
                "degree": text(r["degree"]),
                "adoption": text(r["adoption"]),
                **_provenance(context, text(r["adoption"])),
                "links": entity_links(text(r["equivalent"]), base),
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
