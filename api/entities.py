"""`/bodies`, `/schemes`, `/arrangements`, `/agreements` (lists and one entity each) and `/markets/{code}`.

A list reads the members of its classes with their names in one query (filters bound: a market, a type),
then sorts and pages by name. One entity is its facts (`api.facts`: every property with its labels and
named graphs, its sources and evidence level) plus what hangs off it: an organisation's participations
in arrangements, an arrangement's participants, an agreement's chapters (with articles) and provisions,
a market's bodies, arrangements, agreements, schemes and requirements. Each related record carries its
own sources and evidence level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from rdflib import Graph, Literal, URIRef

from api.facts import best_label, entity_links, facts_json, labels_of, local_name, read_facts, source_json
from api.lookup import NotFound, resolve_entity
from api.named_queries import ApiError
from api.resource_common import (
    HANDLED,
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
from stdgraph.namespaces import DCTERMS, ORG, RDF, SG, market, vocab
from stdgraph.store import GraphStore
from stdgraph.vocabulary import controlled_values

router = APIRouter(tags=["resources"])


@dataclass(frozen=True)
class Kind:
    route: str  # `bodies`
    slug: str  # the IRI segment: `org`
    what: str  # `body`, in messages
    classes: tuple[URIRef, ...]
    type_property: URIRef | None  # what `type=` filters on
    type_scheme: str | None  # its controlled values (None: the classes themselves)
    market_pattern: str  # how a member relates to `market=`
    example: str


BODY_TYPES = {
    "standards-body": SG.StandardsBody,
    "accreditation-body": SG.AccreditationBody,
    "conformity-assessment-body": SG.ConformityAssessmentBody,
}
KINDS = {
    "bodies": Kind(
        "bodies",
        "org",
        "body",
        (SG.StandardsBody, SG.AccreditationBody, SG.ConformityAssessmentBody, ORG.Organization),
        RDF.type,
        None,
        "?x sg:jurisdiction ?market .",
        "sac-cn",
    ),
    "schemes": Kind(
        "schemes",
        "scheme",
        "certification scheme",
        (SG.CertificationScheme,),
        SG.schemeType,
        "scheme-type",
        "?x sg:operatesIn ?market .",
        "china-environmental-labelling",
    ),
    "arrangements": Kind(
        "arrangements",
        "arrangement",
        "recognition arrangement",
        (SG.RecognitionArrangement, SG.MultilateralArrangement, SG.BilateralArrangement),
        SG.arrangementType,
        "arrangement-type",
        "?x sg:party ?market .",
        "iaf-mla",
    ),
    "agreements": Kind(
        "agreements",
        "agreement",
        "trade agreement",
        (SG.TradeAgreement,),
        None,
        None,
        "?x sg:party ?market .",
        "cn-ch-fta",
    ),
}

MEMBERS = """
SELECT DISTINCT ?x ?name WHERE {{
  {patterns}
  ?x a ?class ;
     skos:prefLabel|sg:acronym ?name .
}}
"""


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _market_term(code: str) -> URIRef:
    try:
        return URIRef(market(code))
    except ValueError as exc:
        raise ApiError(422, f"market: {exc}") from None


def _type_term(kind: Kind, value: str) -> URIRef:
    if kind.type_scheme is None:
        if value not in BODY_TYPES:
            raise ApiError(422, f"type {value!r} is not one of: {', '.join(BODY_TYPES)}")
        return BODY_TYPES[value]
    allowed = controlled_values(kind.type_scheme)
    if value not in allowed:
        raise ApiError(422, f"type {value!r} is not one of: {', '.join(sorted(allowed))}")
    return URIRef(vocab(kind.type_scheme, value))


def list_members(store: GraphStore, kind: Kind, q: str | None, market_code: str | None, type_: str | None):
    """(IRI, names) of the kind's members that pass the filters, sorted by their English name."""
    patterns, bindings = [], {}
    if market_code:
        patterns.append(kind.market_pattern)
        bindings["market"] = _market_term(market_code)
    if type_:
        if kind.type_property is None:
            raise ApiError(422, f"{kind.route} have no type to filter on")
        patterns.append("?x ?typeProperty ?typeValue .")
        bindings["typeProperty"] = kind.type_property
        bindings["typeValue"] = _type_term(kind, type_)
    query = MEMBERS.format(patterns="\n  ".join(patterns))
    names: dict[str, dict[str, str]] = {}
    for cls in kind.classes:
        for row in store.select(query, {**bindings, "class": cls}).rows:
            iri = str(row["x"])
            if not iri.startswith(f"https://w3id.org/stdgraph/id/{kind.slug}/"):
                continue
            name: Literal = row["name"]  # type: ignore[assignment]
            names.setdefault(iri, {}).setdefault(name.language or "", str(name))
    if q:
        needle = q.strip().lower()
        names = {
            iri: n
            for iri, n in names.items()
            if needle in iri.rsplit("/", 1)[1] or any(needle in v.lower() for v in n.values())
        }
    return sorted(names.items(), key=lambda item: (best_label(item[1], item[0]).lower(), item[0]))


def _item(graph: Graph, iri: str, base: str) -> dict:
    node = URIRef(iri)
    item: dict = {
        "id": iri.rsplit("/", 1)[1],
        "iri": iri,
        "label": labels_of(graph, node),
        "types": sorted(local_name(str(t)) for t in graph.objects(node, RDF.type)),
    }
    acronym = graph.value(node, SG.acronym)
    if acronym is not None:
        item["acronym"] = str(acronym)
    for prop in (SG.schemeType, SG.arrangementType, SG.bodyLevel):
        value = graph.value(node, prop)
        if value is not None:
            item[local_name(str(prop))] = local_name(str(value))
    item["sources"] = [source_json(s) for s in graph.objects(node, DCTERMS.source)]
    level = graph.value(node, SG.evidenceLevel)
    if level is not None:
        item["evidence"] = local_name(str(level))
    item["links"] = entity_links(iri, base)
    return item


def items(store: GraphStore, iris: list[str], base: str) -> list[dict]:
    graph = describe(store, iris) if iris else Graph()
    return [_item(graph, iri, base) for iri in iris]


# ---------------------------------------------------------------------------------------------------
# what hangs off an entity

PARTICIPATIONS_OF = "SELECT DISTINCT ?participation WHERE { ?participation sg:participant ?x }"
PARTICIPANTS_IN = "SELECT DISTINCT ?participation WHERE { ?participation sg:inArrangement ?x }"
ARTICLES = "SELECT DISTINCT ?article WHERE { ?x sg:hasChapter/sg:hasArticle ?article }"


def _column(store: GraphStore, query: str, x: URIRef, var: str) -> list[str]:
    return [str(r[var]) for r in store.select(query, {"x": x}).rows]


def _records(store: GraphStore, iris: list[str], base: str, links_of: tuple[URIRef, ...] = ()) -> list[dict]:
    """Each node's own facts (literals, and the labels of the entities it links to) with its sources."""
    graph = describe(store, iris) if iris else Graph()
    linked = {str(o) for s in iris for p in links_of for o in graph.objects(URIRef(s), p)}
    labels = describe(store, linked) if linked else Graph()
    out = []
    for iri in iris:
        node = URIRef(iri)
        record: dict = {"iri": iri}
        for p, o in sorted(graph.predicate_objects(node)):
            if p in (RDF.type, DCTERMS.source, SG.evidenceLevel):
                continue
            key = local_name(str(p))
            if isinstance(o, Literal):
                value: object = str(o)
            else:
                value = {"iri": str(o), "label": best_label(labels_of(labels, o), local_name(str(o)))}
                links = entity_links(str(o), base)
                if links:
                    value["links"] = links  # type: ignore[index]
            record.setdefault(key, []).append(value)
        record["sources"] = [source_json(s) for s in graph.objects(node, DCTERMS.source)]
        level = graph.value(node, SG.evidenceLevel)
        if level is not None:
            record["evidence"] = local_name(str(level))
        record["links"] = entity_links(iri, base)
        out.append(record)
    return out


def extras(store: GraphStore, kind: Kind, iri: str, base: str) -> dict:
    node = URIRef(iri)
    if kind.route == "bodies":
        parts = _column(store, PARTICIPATIONS_OF, node, "participation")
        return {"participations": _records(store, parts, base, (SG.inArrangement, SG.participationRole))}
    if kind.route == "arrangements":
        parts = _column(store, PARTICIPANTS_IN, node, "participation")
        return {
            "participants": _records(
                store, parts, base, (SG.participant, SG.inArrangement, SG.participationRole)
            )
        }
    if kind.route == "agreements":
        facts = describe(store, [iri])
        chapters = sorted(str(c) for c in facts.objects(node, SG.hasChapter))
        provisions = sorted(str(p) for p in facts.objects(node, SG.hasProvision))
        articles = _column(store, ARTICLES, node, "article")
        chapter_records = _records(store, chapters, base, (SG.chapterTopic,))
        article_records = {a["iri"]: a for a in _records(store, articles, base)}
        for chapter in chapter_records:
            chapter["articles"] = [article_records[a["iri"]] for a in chapter.pop("hasArticle", [])]
        return {
            "chapters": chapter_records,
            "environment_chapters": [
                c["iri"]
                for c in chapter_records
                if any(t["iri"].endswith("/environment") for t in c.get("chapterTopic", []))
            ],
            "provisions": _records(store, provisions, base, (SG.provisionCategory,)),
        }
    return {}


# ---------------------------------------------------------------------------------------------------
# the routes


def _list_route(kind: Kind) -> Callable:
    async def list_kind(
        request: Request,
        q: str | None = Query(None, description="text in the name, acronym or id"),
        market: str | None = Query(None, description="ISO 3166 alpha-2 code or EU", examples=["CN"]),
        type: str | None = Query(None, description="a type of this kind"),
        limit: str | None = Query(None, description="items per page (default 20, at most 200)"),
        offset: str | None = Query(None, description="items to skip"),
        format: str | None = Query(None, description="json, jsonld, turtle, ntriples or rdfxml"),
    ) -> Response:
        try:
            check_params(request, ("q", "market", "type"))
            fmt = resource_format(request)
            page = read_page(request)
            base = _base(request)

            def job(store: GraphStore):
                members = list_members(store, kind, q, market, type)
                iris = [iri for iri, _ in members[page.offset : page.offset + page.limit]]
                if fmt != "json":
                    return len(members), describe(store, iris)
                return len(members), items(store, iris, base)

            total, found = await in_worker(request, job)
        except HANDLED as exc:
            return failure_response(exc)
        links = page_links(request, page, total)
        if fmt != "json":
            return rdf_response(found, fmt, link_header(links))
        filters = {k: v for k, v in (("q", q), ("market", market), ("type", type)) if v}
        body = {
            "filters": filters,
            "total": total,
            "limit": page.limit,
            "offset": page.offset,
            "items": found,
            "links": links,
        }
        return json_response(body, link_header(links))

    return list_kind


def _one_route(kind: Kind) -> Callable:
    async def get_kind(
        request: Request,
        id: str = Path(description=f"the {kind.what}'s id (slug of its IRI) or IRI", examples=[kind.example]),
        format: str | None = Query(None, description="json, jsonld, turtle, ntriples or rdfxml"),
    ) -> Response:
        try:
            check_params(request, ())
            fmt = resource_format(request)
            base = _base(request)

            def job(store: GraphStore):
                resolved = resolve_entity(store, id, kind.slug, kind.classes, kind.what)
                if fmt != "json":
                    return None, describe(store, [resolved.iri])
                record = facts_json(read_facts(store, resolved.iri, incoming=False), base)
                record["id"] = resolved.iri.rsplit("/", 1)[1]
                record.update(extras(store, kind, resolved.iri, base))
                return record, None

            record, graph = await in_worker(request, job)
        except HANDLED as exc:
            return failure_response(exc)
        if graph is not None:
            return rdf_response(graph, fmt)
        return json_response(record)

    return get_kind


for _kind in KINDS.values():
    router.add_api_route(
        f"/{_kind.route}",
        _list_route(_kind),
        methods=["GET"],
        summary=f"List {_kind.route} (filter by text, market, type; paginated)",
        name=f"list_{_kind.route}",
    )
    router.add_api_route(
        f"/{_kind.route}/{{id:path}}",
        _one_route(_kind),
        methods=["GET"],
        summary=f"One {_kind.what}: its facts with sources and evidence level, and what relates to it",
        name=f"get_{_kind.route}",
        responses={404: {"description": "unknown id; `suggestions` lists the closest ones"}},
    )


# ---------------------------------------------------------------------------------------------------
# markets

MARKET_QUERIES = {
    "bodies": "SELECT DISTINCT ?x WHERE { ?x sg:jurisdiction ?market }",
    "arrangements": "SELECT DISTINCT ?x WHERE { ?x sg:party ?market ; a sg:RecognitionArrangement }",
    "participations": "SELECT DISTINCT ?x WHERE { ?x sg:participant ?market }",
    "agreements": "SELECT DISTINCT ?x WHERE { ?x sg:party ?market ; a sg:TradeAgreement }",
    "schemes": "SELECT DISTINCT ?x WHERE { ?x sg:operatesIn ?market }",
    "requirements": "SELECT DISTINCT ?x WHERE { ?market ^sg:memberState? ?by . ?x sg:market ?by }",
    "unions": "SELECT DISTINCT ?x WHERE { ?x sg:memberState ?market }",
    "members": "SELECT DISTINCT ?x WHERE { ?market sg:memberState ?x }",
}


def market_record(store: GraphStore, code: str, base: str) -> dict:
    iri = _market_term(code)
    facts = read_facts(store, str(iri), incoming=False)
    if not facts.exists:
        raise NotFound("market", code, [])
    record = facts_json(facts, base)
    record["code"] = code.strip().upper()
    for key, query in MARKET_QUERIES.items():
        iris = sorted(str(r["x"]) for r in store.select(query, {"market": iri}).rows)
        if key in ("bodies", "arrangements", "agreements", "schemes", "unions", "members"):
            record[key] = items(store, iris, base)
        else:
            record[key] = _records(store, iris, base, (SG.inArrangement, SG.market))
    return record


@router.get(
    "/markets/{code}",
    summary="What the graph holds about a market: bodies, arrangements, agreements, schemes, requirements",
    description="`code` is an ISO 3166-1 alpha-2 code or `EU`. Requirements include those of the unions the "
    "market belongs to (the EU's for DE), each with the market that imposes it.",
    responses={404: {"description": "no such market in the graph"}},
)
async def get_market(
    request: Request,
    code: str = Path(description="ISO 3166-1 alpha-2 or EU", examples=["CN"]),
    format: str | None = Query(None, description="json, jsonld, turtle, ntriples or rdfxml"),
) -> Response:
    try:
        check_params(request, ())
        fmt = resource_format(request)
        base = _base(request)

        def job(store: GraphStore):
            record = market_record(store, code, base)
            if fmt == "json":
                return record, None
            related = [record["iri"]]
            for key in MARKET_QUERIES:
                related += [r["iri"] for r in record[key]]
            return None, describe(store, related)

        record, graph = await in_worker(request, job)
    except HANDLED as exc:
        return failure_response(exc)
    if graph is not None:
        return rdf_response(graph, fmt)
    return json_response(record)
