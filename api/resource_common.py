"""What the resource routers (`/standards`, `/bodies`, ..., `/id/...`) share: formats, pages, workers, errors.

- Formats: JSON by default; JSON-LD, Turtle, N-Triples and RDF/XML by Accept or `format=` (the RDF of the
  resource: every triple of the entities it shows). A browser (Accept with `text/html`) gets JSON, as on
  `/queries`. `pick_format` is a pure function of Accept and `format`, built on `api.conneg`'s
  `parse_accept` and `accept_rank`.
- Pages: `limit` (default 20, at most 200 and the row cap) and `offset`; the body has `total` and `links`
  (`self`, `first`, `next`, `prev`), and the `Link` header carries `next` and `prev`.
- Errors: the JSON shape of `/queries` (`{"detail": ..., ...}`), from `ApiError`.
- Queries run in the SPARQL endpoint's workers, within its time limit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import JSONResponse, Response
from rdflib import Graph, URIRef
from rdflib.term import Node

from api.conneg import NotAcceptable, UnknownFormat, accept_rank, parse_accept
from api.json_responses import FastJSONResponse
from api.named_queries import ApiError, _integer, error
from api.runner import QueryTimeout
from stdgraph.description import Description
from stdgraph.namespaces import PREFIXES
from stdgraph.store import GraphStore, OxigraphStore, QueryError, to_ox

T = TypeVar("T")
OxTerm = ox.NamedNode | ox.Literal | ox.BlankNode

DEFAULT_LIMIT = 20
MAX_LIMIT = 200

# (name for `format=`, media type, rdflib serializer or None for our JSON)
JSON = ("json", "application/json", None)
RDF_FORMATS = (
    ("jsonld", "application/ld+json", "json-ld"),
    ("turtle", "text/turtle", "turtle"),
    ("ntriples", "application/n-triples", "nt"),
    ("rdfxml", "application/rdf+xml", "xml"),
)
HTML = ("html", "text/html", None)
RESOURCE_FORMATS = (JSON, *RDF_FORMATS)
MEDIA_TYPES = {name: media for name, media, _ in (*RESOURCE_FORMATS, HTML)}
SERIALIZERS = {name: serializer for name, _, serializer in RDF_FORMATS}


def pick_format(
    offers: Sequence[tuple[str, str, str | None]], accept: str | None, format_param: str | None
) -> str:
    """The name of the offer to answer with: `format` first, then Accept (q, then specificity, then
    the client's order, then ours); the first offer when the client accepts anything."""
    names = [name for name, _, _ in offers]
    if format_param:
        name = format_param.strip().lower()
        if name not in names:
            raise UnknownFormat(f"unknown format {format_param!r}: use one of {', '.join(names)}")
        return name
    if not accept or not accept.strip():
        return names[0]
    ranges = parse_accept(accept)
    if not ranges:
        return names[0]
    best: tuple | None = None
    chosen: str | None = None
    for preference, (name, media_type, _) in enumerate(offers):
        rank = accept_rank(ranges, media_type)
        if rank is None:
            continue
        key = (*rank, -preference)
        if best is None or key > best:
            best, chosen = key, name
    if chosen is None:
        raise NotAcceptable(
            f"none of the accepted types ({accept}) is available; this resource comes as "
            + ", ".join(media for _, media, _ in offers)
        )
    return chosen


def resource_format(request: Request) -> str:
    """json, jsonld, turtle, ntriples or rdfxml for a resource request; a browser gets json."""
    return _resource_format(request.headers.get("accept"), request.query_params.get("format"))


@lru_cache(maxsize=256)
def _resource_format(accept: str | None, format_param: str | None) -> str:
    """A pure function of two strings that recur from request to request, so its answers are kept
    (parsing and ranking an Accept header: ~14 µs a request); a refusal raises each time."""
    if not format_param and accept:
        exact = {f"{r.type}/{r.subtype}": r.q for r in parse_accept(accept)}
        if exact.get("text/html", 0) > 0:
            return "json"
    return pick_format(RESOURCE_FORMATS, accept, format_param)


# ---------------------------------------------------------------------------------------------------
# pages


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


def read_page(request: Request) -> Page:
    """`limit` and `offset`, or ApiError 422 saying what is wrong with them."""
    params = request.query_params
    for name in ("limit", "offset"):
        if len(params.getlist(name)) > 1:
            raise ApiError(422, f"parameter(s) given more than once: {name}")
    cap = min(MAX_LIMIT, request.app.state.settings.row_cap)
    limit = _integer("limit", params.get("limit"), min(DEFAULT_LIMIT, cap), 1, cap)
    offset = _integer("offset", params.get("offset"), 0, 0, None)
    return Page(limit, offset)


def page_links(request: Request, page: Page, total: int) -> dict[str, str]:
    """self, first, and next / prev where they exist."""
    url = request.url
    links = {"self": str(url), "first": str(url.include_query_params(limit=page.limit, offset=0))}
    if page.offset + page.limit < total:
        links["next"] = str(url.include_query_params(limit=page.limit, offset=page.offset + page.limit))
    if page.offset > 0:
        previous = max(0, page.offset - page.limit)
        links["prev"] = str(url.include_query_params(limit=page.limit, offset=previous))
    return links


def link_header(links: dict[str, str]) -> dict[str, str]:
    parts = [f'<{links[rel]}>; rel="{rel}"' for rel in ("next", "prev") if rel in links]
    return {"Link": ", ".join(parts)} if parts else {}


def check_params(request: Request, allowed: Iterable[str]) -> None:
    """422 for a parameter the route does not take (a typo would otherwise be silently ignored)."""
    known = {*allowed, "limit", "offset", "format"}
    unknown = sorted({k for k in request.query_params if k not in known})
    if unknown:
        raise ApiError(
            422,
            f"unknown parameter(s): {', '.join(unknown)}; this route takes: {', '.join(sorted(known))}",
        )


# ---------------------------------------------------------------------------------------------------
# running and answering


async def in_worker(request: Request, job: Callable[[GraphStore], T]) -> T:
    """`job(store)` in a query worker within the time limit; errors come back fresh (no worker frame)."""
    endpoint = request.app.state.sparql
    store: GraphStore = request.app.state.store

    def work(stop: threading.Event) -> T:
        try:
            return job(store)
        except ApiError as exc:
            failure: Exception = ApiError(exc.status, exc.message, **exc.extra)
        except QueryError as exc:
            failure = RuntimeError(f"the query failed: {exc}")
        except Exception as exc:
            failure = RuntimeError(f"{type(exc).__name__}: {exc}")
        raise failure

    return await endpoint.runner.run(work, endpoint.settings.query_timeout)


def failure_response(exc: Exception) -> Response:
    """The JSON error for an exception raised while answering a resource request."""
    if isinstance(exc, ApiError):
        return error(exc.status, exc.message, **exc.extra)
    if isinstance(exc, UnknownFormat):
        return error(400, str(exc))
    if isinstance(exc, NotAcceptable):
        return error(406, str(exc))
    if isinstance(exc, QueryTimeout):
        return error(503, str(exc))
    return error(500, str(exc))


HANDLED = (ApiError, UnknownFormat, NotAcceptable, QueryTimeout, RuntimeError)


def rdf_response(graph: Graph | Description, fmt: str, headers: dict[str, str] | None = None) -> Response:
    """The graph in one of the RDF formats, with the project's prefixes."""
    if isinstance(graph, Description):
        graph = graph.graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    options = {"context": dict(PREFIXES), "auto_compact": True} if fmt == "jsonld" else {}
    body = graph.serialize(format=SERIALIZERS[fmt], encoding="utf-8", **options)
    return Response(body, media_type=MEDIA_TYPES[fmt], headers={"Vary": "Accept", **(headers or {})})


def json_response(body: dict, headers: dict[str, str] | None = None, status: int = 200) -> JSONResponse:
    return FastJSONResponse(body, status_code=status, headers={"Vary": "Accept", **(headers or {})})


def describe(store: GraphStore, iris: Iterable[str | URIRef]) -> Description:
    """Every triple whose subject is one of `iris` (the RDF view of a resource or a page)."""
    return store.describe([str(i) for i in dict.fromkeys(iris)])


def ox_rows(store: GraphStore, query: str, bindings: Mapping[str, Node]) -> list[dict[str, OxTerm | None]]:
    """The rows of a SELECT in Oxigraph's terms, each a dict of variable -> term (None where unbound):
    the embedded store's own terms, another store's rdflib terms converted."""
    if isinstance(store, OxigraphStore):
        solutions = store.solutions(query, bindings)
        names = [v.value for v in solutions.variables]
        return [dict(zip(names, solution, strict=True)) for solution in solutions]
    rows = store.select(query, bindings).rows
    return [{k: None if v is None else to_ox(v) for k, v in row.items()} for row in rows]


class Triples:
    """The triples of a few subjects in Oxigraph's terms, keyed by IRI text: subject -> predicate ->
    objects, in the order read, without repeats (what `Description` is to rdflib terms)."""

    def __init__(self, index: dict[str, dict[str, dict[OxTerm, None]]] | None = None) -> None:
        self._index = index if index is not None else {}

    def objects(self, subject: str, predicate: str) -> Iterable[OxTerm]:
        return self._index.get(subject, {}).get(predicate, ())

    def value(self, subject: str, predicate: str) -> OxTerm | None:
        """One object of (subject, predicate), the first read, or None."""
        return next(iter(self.objects(subject, predicate)), None)


class RecordReader:
    """A store as one record reads it, in Oxigraph's terms: SELECT rows and the triples of subjects.

    On the embedded store the terms are Oxigraph's own (another store's rdflib terms are converted):
    turning every term of a record's few hundred into an rdflib term, then reading those back, was half of
    the Python of `/standards/{id}`. Each subject's triples are read once per record: a standard's
    publisher and source pages are the neighbours of both the edition and its work, and the edition is
    among its work's editions (at 1M, 3 of ~17 quad patterns a record). Nothing outlives the record: this
    is the request's own reading, not a cache of the store.
    """

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._ox = store.oxigraph if isinstance(store, OxigraphStore) else None
        self._read: dict[str, dict[str, dict[OxTerm, None]]] = {}

    def rows(self, query: str, bindings: Mapping[str, Node]) -> list[dict[str, OxTerm | None]]:
        return ox_rows(self.store, query, bindings)

    def describe(self, iris: Iterable[str]) -> Triples:
        """The triples whose subject is one of `iris`, each subject read from the store once."""
        iris = list(dict.fromkeys(iris))
        missing = [i for i in iris if i not in self._read]
        if self._ox is not None:
            for iri in missing:
                quads = self._ox.quads_for_pattern(ox.NamedNode(iri), None, None, None)
                self._read[iri] = _by_predicate((q.predicate, q.object) for q in quads)
        elif missing:
            fresh = self.store.describe(missing)
            for iri in missing:
                pairs = fresh.predicate_objects(URIRef(iri))
                self._read[iri] = _by_predicate((to_ox(p), to_ox(o)) for p, o in pairs)
        return Triples({iri: self._read[iri] for iri in iris})


def _by_predicate(pairs: Iterable[tuple[OxTerm, OxTerm]]) -> dict[str, dict[OxTerm, None]]:
    found: dict[str, dict[OxTerm, None]] = {}
    for predicate, obj in pairs:
        found.setdefault(predicate.value, {})[obj] = None
    return found
