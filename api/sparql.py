"""`/sparql`: a read-only SPARQL 1.1 Protocol endpoint (https://www.w3.org/TR/sparql11-protocol/).

- Queries by GET (`?query=`), by POST form (`query=`) or by POST `application/sparql-query`, with the
  protocol's `default-graph-uri` / `named-graph-uri`. Without them the default graph is the union of all
  graphs (as everywhere in stdgraph), unless the query names its own dataset with FROM.
- The project's prefixes (`sg:`, `sgid:`, `sgg:`, `skos:`, `dcterms:`, ...) are declared for every
  query; relative IRIs resolve against the endpoint's own IRI.
- Results by content negotiation (`api.conneg`), or a `format` parameter for browsers.
- GET without a query answers the SPARQL 1.1 Service Description.
- Refused: updates (403, read-only), more than one query, a body over the size limit (413), `SERVICE`
  unless federation is allowed (400), a result over the row cap (400: add LIMIT; a cut result would look
  complete), a query over the time limit (503).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from api.conneg import GRAPH_FORMATS, RESULTS_FORMATS, Format, Kind, NotAcceptable, UnknownFormat, negotiate
from api.runner import Cancelled, QueryRunner, QueryTimeout
from api.service_description import describe
from api.settings import ApiSettings
from stdgraph.namespaces import PREFIXES

router = APIRouter()

QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
FORM_TYPE = "application/x-www-form-urlencoded"

READ_ONLY = "this endpoint is read-only: SPARQL UPDATE is not accepted"


class ProtocolError(Exception):
    """A request the endpoint refuses; `status` and a message in words for the body."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Endpoint:
    """What `/sparql` serves: the pyoxigraph store, the limits and the query workers."""

    store: ox.Store
    settings: ApiSettings
    named_graphs: Callable[[], list[str]]
    runner: QueryRunner = field(init=False)

    def __post_init__(self) -> None:
        self.runner = QueryRunner(self.settings.query_workers)


@dataclass
class Operation:
    query: str | None
    default_graphs: list[ox.NamedNode]
    named_graphs: list[ox.NamedNode]
    format: str | None


# ---------------------------------------------------------------------------------------------------
# reading the request


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 once it passes `limit` bytes (declared or sent)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, f"request body over the {limit} byte limit")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProtocolError(413, f"request body over the {limit} byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def _content_type(header: str | None) -> tuple[str, dict[str, str]]:
    if not header:
        return "", {}
    media, *params = header.split(";")
    parsed = {}
    for param in params:
        key, _, value = param.partition("=")
        parsed[key.strip().lower()] = value.strip().strip('"')
    return media.strip().lower(), parsed


def _decode(body: bytes, params: dict[str, str]) -> str:
    charset = params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"charset {charset!r} is not accepted: send the body as UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the body is not valid UTF-8: {exc}") from None


def _single(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise ProtocolError(400, f"the request has {len(values)} {name!r} parameters; send exactly one")
    return values[0] if values else None


def _graphs(params: list[tuple[str, str]], name: str) -> list[ox.NamedNode]:
    graphs = []
    for _, value in (p for p in params if p[0] == name):
        try:
            graphs.append(ox.NamedNode(value))
        except ValueError as exc:
            raise ProtocolError(400, f"{name} {value!r} is not an IRI: {exc}") from None
    return graphs


async def read_operation(request: Request, settings: ApiSettings) -> Operation:
    """The query and dataset of a protocol request, or the ProtocolError that refuses it."""
    params = list(request.query_params.multi_items())
    direct_query = None
    if request.method == "POST":
        media, ct_params = _content_type(request.headers.get("content-type"))
        if media == UPDATE_TYPE:
            raise ProtocolError(403, READ_ONLY)
        if media not in (FORM_TYPE, QUERY_TYPE):
            raise ProtocolError(
                415,
                f"POST a query as {FORM_TYPE} (query=...) or as {QUERY_TYPE}; "
                f"got {media or 'no content type'}",
            )
        text = _decode(await read_body(request, settings.max_body_bytes), ct_params)
        if media == FORM_TYPE:
            params += parse_qsl(text, keep_blank_values=True)
        else:
            direct_query = text
    updates = [v for k, v in params if k == "update"]
    queries = [v for k, v in params if k == "query"]
    if updates and (queries or direct_query is not None):
        raise ProtocolError(400, "the request has both a query and an update; send one operation")
    if len(updates) > 1:
        raise ProtocolError(400, f"the request has {len(updates)} 'update' parameters; send exactly one")
    if updates:
        raise ProtocolError(403, READ_ONLY)
    if direct_query is not None and queries:
        raise ProtocolError(400, f"the query is in the {QUERY_TYPE} body; do not also send query=")
    query = direct_query if direct_query is not None else _single(params, "query")
    return Operation(
        query=query,
        default_graphs=_graphs(params, "default-graph-uri"),
        named_graphs=_graphs(params, "named-graph-uri"),
        format=_single(params, "format"),
    )


# ---------------------------------------------------------------------------------------------------
# looking at the query text

_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
    re.DOTALL,
)


def _keywords_text(query: str) -> str:
    """The query with strings, IRIs and comments blanked, so keywords are seen only where they are."""
    return _TOKENS.sub(" ", query)


def _has_keyword(query: str, keyword: str) -> bool:
    return re.search(rf"(?<![\w:?$]){keyword}(?![\w:])", _keywords_text(query), re.IGNORECASE) is not None


def uses_service(query: str) -> bool:
    """Whether the query calls `SERVICE` (a federated query). Errs towards yes on odd text."""
    return _has_keyword(query, "SERVICE")


def names_dataset(query: str) -> bool:
    """Whether the query has FROM / FROM NAMED, which the union default graph would override."""
    return _has_keyword(query, "FROM")


# ---------------------------------------------------------------------------------------------------
# running and serialising


class RowCapExceeded(Exception):
    pass


class _RowWriter:
    """Where Oxigraph writes SELECT results as TSV, counted as they come.

    In TSV every solution is one line (a newline inside a literal is written `\\n`), after the line of
    variables, so counting newlines counts rows exactly: the row cap is applied while Oxigraph evaluates
    and serialises (without holding the GIL), and a stopped query is cut at its next chunk of output.
    The TSV is then parsed and written in the format asked for, all in Oxigraph: the terms never become
    Python objects.
    """

    def __init__(self, stop: threading.Event, cap: int) -> None:
        self.stop = stop
        self.cap = cap
        self.lines = 0
        self.chunks: list[bytes] = []

    def write(self, chunk: bytes) -> int:
        if self.stop.is_set():
            raise Cancelled()
        self.lines += chunk.count(b"\n")
        if self.lines - 1 > self.cap:
            raise RowCapExceeded(f"result exceeds {self.cap} rows; add LIMIT (at most {self.cap})")
        self.chunks.append(bytes(chunk))
        return len(chunk)

    def flush(self) -> None:
        pass

    def value(self) -> bytes:
        return b"".join(self.chunks)


@dataclass
class Answer:
    body: bytes
    media_type: str


def run_query(
    endpoint: Endpoint,
    operation: Operation,
    base_iri: str,
    accept: str | None,
    stop: threading.Event,
) -> Answer:
    """Evaluate, check the row cap and serialise, all in the worker thread (Oxigraph evaluates lazily)."""
    query = operation.query or ""
    cap = endpoint.settings.row_cap
    kwargs: dict = {"base_iri": base_iri, "prefixes": PREFIXES}
    if operation.default_graphs or operation.named_graphs:
        kwargs["default_graph"] = operation.default_graphs
        kwargs["named_graphs"] = operation.named_graphs
    elif not names_dataset(query):
        kwargs["use_default_graph_as_union"] = True
    try:
        answer = endpoint.store.query(query, **kwargs)
    except SyntaxError as exc:
        raise ProtocolError(400, f"SPARQL syntax error: {exc}") from None
    try:
        if isinstance(answer, ox.QueryBoolean):
            fmt = negotiate(Kind.RESULTS, accept, operation.format)
            return Answer(answer.serialize(format=RESULTS_FORMATS[fmt.name]), fmt.media_type)
        if isinstance(answer, ox.QuerySolutions):
            fmt = negotiate(Kind.RESULTS, accept, operation.format)
            tsv = _RowWriter(stop, cap)
            answer.serialize(tsv, format=ox.QueryResultsFormat.TSV)
            body = tsv.value()
            if fmt.name != "tsv":
                solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)
                body = solutions.serialize(format=RESULTS_FORMATS[fmt.name])
            return Answer(body, fmt.media_type)
        fmt = negotiate(Kind.GRAPH, accept, operation.format)
        triples = []
        for triple in answer:
            if stop.is_set():
                raise Cancelled()
            if len(triples) >= cap:
                raise RowCapExceeded(f"result exceeds {cap} triples; add LIMIT (at most {cap})")
            triples.append(triple)
        body = ox.serialize(triples, format=GRAPH_FORMATS[fmt.name], prefixes=_used_prefixes(fmt))
        return Answer(body or b"", fmt.media_type)
    except (NotAcceptable, UnknownFormat, RowCapExceeded) as exc:
        status = 406 if isinstance(exc, NotAcceptable) else 400
        raise ProtocolError(status, str(exc)) from None


def _in_worker(
    endpoint: Endpoint, operation: Operation, base_iri: str, accept: str | None, stop: threading.Event
) -> Answer:
    """`run_query`, with any error replaced by a fresh one that holds no frame of it.

    pyoxigraph results may only be dropped on the thread that made them; a traceback carried to the
    event loop would keep them alive there.
    """
    try:
        return run_query(endpoint, operation, base_iri, accept, stop)
    except ProtocolError as exc:
        failure: Exception = ProtocolError(exc.status, exc.message)
    except Cancelled:
        failure = Cancelled()
    except OSError as exc:
        failure = OSError(str(exc))
    except Exception as exc:
        failure = RuntimeError(f"{type(exc).__name__}: {exc}")
    raise failure


def _used_prefixes(fmt: Format) -> dict[str, str] | None:
    return PREFIXES if fmt.name in ("turtle", "rdfxml") else None


def error(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status_code=status)


def endpoint_iri(request: Request) -> str:
    return str(request.url.replace(query="", fragment=""))


# ---------------------------------------------------------------------------------------------------
# the route


# One route per method, so that each has its own OpenAPI operation id.
@router.get("/sparql", summary="SPARQL 1.1 Protocol endpoint (read-only): query by GET")
@router.post("/sparql", summary="SPARQL 1.1 Protocol endpoint (read-only): query by POST")
async def sparql(request: Request) -> Response:
    endpoint: Endpoint = request.app.state.sparql
    settings = endpoint.settings
    accept = request.headers.get("accept")
    try:
        operation = await read_operation(request, settings)
        if operation.query is None:
            if request.method == "GET":
                graphs = endpoint.named_graphs()
                return describe(settings, graphs, endpoint_iri(request), accept, operation.format)
            raise ProtocolError(400, "no query: send query=... or a application/sparql-query body")
        if operation.format is None and accept:
            _check_acceptable(accept)
        if uses_service(operation.query) and not settings.allow_service:
            raise ProtocolError(400, "federation is off: SERVICE is not allowed on this endpoint")
        base = endpoint_iri(request)
        answer = await endpoint.runner.run(
            lambda stop: _in_worker(endpoint, operation, base, accept, stop), settings.query_timeout
        )
    except ProtocolError as exc:
        return error(exc.status, exc.message)
    except QueryTimeout as exc:
        return error(503, str(exc))
    except Cancelled:
        return error(503, f"query exceeded the {settings.query_timeout:g} s time limit")
    except (OSError, RuntimeError) as exc:
        return error(500, f"the query failed: {exc}")
    return Response(answer.body, media_type=answer.media_type, headers={"Vary": "Accept"})


def _check_acceptable(accept: str) -> None:
    """406 before running when the client accepts neither results nor graphs."""
    for kind in Kind:
        try:
            negotiate(kind, accept)
            return
        except NotAcceptable:
            pass
    raise ProtocolError(406, f"none of the accepted types ({accept}) is available")
