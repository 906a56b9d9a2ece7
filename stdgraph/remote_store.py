"""A remote SPARQL 1.1 endpoint as a `GraphStore`: the same code, another backend.

Queries go by the SPARQL 1.1 Protocol and writes by SPARQL 1.1 Update, through SPARQLWrapper (POST, form
encoded, optional HTTP basic credentials); graphs are loaded by the Graph Store HTTP Protocol when the
server's graph-store URL is given (one N-Triples request per graph, its triples counted on the server
before the swap), else by `INSERT DATA` requests. Any SPARQL 1.1 server fits: Oxigraph (`oxigraph serve
--union-default-graph`), Apache Jena Fuseki, Virtuoso, GraphDB, Amazon Neptune.

The contract is `OxigraphStore`'s:
- parameters are bound by `bind_values` (validated terms in `VALUES` blocks), never pasted as text;
- the default graph is the union of the named graphs. The server must be set up that way (Oxigraph:
  `--union-default-graph`; Fuseki/TDB2: `tdb2:unionDefaultGraph true`; Virtuoso, GraphDB and Neptune do it
  by default); `check()` and every `replace_graphs` verify it, and refuse a server that does not;
- `replace_graphs` stages every graph into `sgg:staging/...` graphs, then swaps them in with ONE update
  request (`DROP SILENT` / `MOVE SILENT` / `ADD SILENT`). Oxigraph and Fuseki (TDB2) run one update
  request as one transaction, so readers see the old graphs or the new ones, never a mix. An endpoint
  that applies the operations of a request one by one (Virtuoso in its default autocommit mode, some
  proxies) can be seen half-swapped for the duration of that request, and a failure in the middle of it
  leaves what was done; the staging step still keeps a broken build from touching the live graphs.
  While the graphs are staged, readers of the union default graph also see the staged triples (the
  named graphs they query by `GRAPH` are untouched). One writer at a time: a write first drops the
  staging graphs a crashed writer left behind.
- errors come back as `QueryError` (the endpoint refused the query: HTTP 400) or `EndpointError` (it is
  unreachable, refused the credentials, failed, or timed out), whose message names the endpoint.
- stdgraph's graphs are those under `sgg:`; others on the server (Virtuoso's system graphs, other data
  sets) are not listed, counted or exported. Credentials go as HTTP basic, or as digest after a 401
  (Virtuoso's `/sparql-auth`). What Virtuoso 7.2 needs besides (parameters bound by BIND, ASK read from a
  table, blank nodes inserted by a template) is said where it is done, and in DEVELOPERS.md.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any

import httpx
import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from stdgraph.namespaces import PREFIXES, SGG
from stdgraph.store import (
    EXPORT_FORMATS,
    STAGING_PREFIX,
    GraphStore,
    QueryError,
    SelectResult,
    _forget_graph,
    bind_values,
    from_ox,
    swap_operations,
    to_ox,
)

PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())
RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
INSERT_CHUNK = 20_000  # triples per INSERT DATA request when there is no graph-store URL
DESCRIBE_CHUNK = 500  # IRIs per describe_nodes request

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*',
    re.DOTALL,
)
_FORM = re.compile(r"(?<![\w:?$])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:])", re.IGNORECASE)


class EndpointError(ConnectionError):
    """The endpoint could not answer: unreachable, timed out, refused the credentials, or failed (5xx)."""

    def __init__(self, endpoint: str, message: str, status: int | None = None) -> None:
        super().__init__(f"SPARQL endpoint {endpoint}: {message}")
        self.endpoint = endpoint
        self.status = status


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword outside strings, IRIs and comments."""
    match = _FORM.search(_TOKENS.sub(" ", query))
    if match is None:
        raise QueryError("SPARQL syntax error: no SELECT, ASK, CONSTRUCT or DESCRIBE in the query")
    return match.group(1).upper()


def term_of(value: Mapping[str, Any]) -> Node:
    """A term of a SPARQL 1.1 JSON result as an rdflib term (as `from_ox` makes them)."""
    kind = value.get("type")
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if value.get("xml:lang"):
            return Literal(value["value"], lang=value["xml:lang"])
        datatype = value.get("datatype")
        if datatype and datatype != _XSD_STRING:
            return Literal(value["value"], datatype=URIRef(datatype))
        return Literal(value["value"])
    raise QueryError(f"unsupported term in the endpoint's result: {value!r}")


class _Stream(io.RawIOBase):
    """A file-like reader over an iterator of byte chunks (an HTTP response body), for pyoxigraph's parser."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:  # type: ignore[override]
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper sending through an opener of its own, which answers an HTTP digest challenge (as
    Virtuoso's /sparql-auth sends) with the store's credentials; SPARQLWrapper's own DIGEST mode would
    install a process-wide opener instead. Basic credentials still go with the first request."""

    opener: urllib.request.OpenerDirector | None = None

    def _query(self):  # type: ignore[override]
        if self.opener is None:
            return super()._query()
        return self.opener.open(self._createRequest(), timeout=self.timeout), self.returnFormat


class SparqlEndpointStore(GraphStore):
    """A SPARQL 1.1 server: `endpoint` for queries, `update_endpoint` for updates (default: the same URL),
    `graph_store` for the Graph Store HTTP Protocol (optional; loads are then one request per graph)."""

    def __init__(
        self,
        endpoint: str,
        update_endpoint: str | None = None,
        graph_store: str | None = None,
        credentials: tuple[str, str] | None = None,
        timeout: float = 60.0,
        read_only: bool = False,
        parameter_form: str | None = None,
    ) -> None:
        for url in (endpoint, update_endpoint, graph_store):
            if url is not None and not re.match(r"https?://[^\s/]+", url):
                raise ValueError(f"{url!r} is not an http(s) URL of a SPARQL endpoint")
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.graph_store = graph_store
        self.credentials = credentials
        self.timeout = timeout
        self.read_only = read_only
        self._digest = False  # the server wants HTTP digest authentication (found on its first 401)
        self._parameter_form: str | None = parameter_form

    def __repr__(self) -> str:
        return f"SparqlEndpointStore({self.endpoint!r})"

    # the protocol ------------------------------------------------------------------------------------

    def _wrapper(self, url_kind: str, text: str, accept: str) -> SPARQLWrapper:
        wrapper = _Wrapper(self.endpoint, updateEndpoint=self.update_endpoint, returnFormat=JSON)
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(
            True
        )  # else `format=json` goes along, and Virtuoso answers a CONSTRUCT with 406
        wrapper.setTimeout(max(1, round(self.timeout)))
        if self.credentials:
            if not self._digest:
                wrapper.setCredentials(*self.credentials)
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in {self.endpoint, self.update_endpoint}:
                passwords.add_password(None, url, *self.credentials)
            wrapper.opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))
        # set directly: SPARQLWrapper guesses (and warns) otherwise; the kind only picks the URL to use
        # (query or update) and a default Accept, which the custom header replaces
        wrapper.queryString = text
        wrapper.queryType = url_kind
        wrapper.addCustomHttpHeader("Accept", accept)
        return wrapper

    def _send(self, wrapper: SPARQLWrapper, update: bool = False):
        """The open HTTP response, or the error in stdgraph's terms, naming the endpoint."""
        url = self.update_endpoint if update else self.endpoint
        try:
            try:
                return wrapper.query().response
            except urllib.error.HTTPError as exc:
                if exc.code != 401 or not self.credentials or self._digest:
                    raise
                # refused with basic credentials (Virtuoso's /sparql-auth then sends no challenge at all):
                # from now on send none, and answer the server's digest challenge instead
                self._digest = True
                wrapper.user = wrapper.passwd = None
                return wrapper.query().response
        except SPARQLWrapperException as exc:
            status = {"QueryBadFormed": 400, "EndPointNotFound": 404, "Unauthorized": 401}.get(
                type(exc).__name__, 414 if type(exc).__name__ == "URITooLong" else 500
            )
            raise self._http_error(url, status, _detail(exc), update) from None
        except urllib.error.HTTPError as exc:
            raise self._http_error(url, exc.code, _body(exc), update) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise EndpointError(url, f"no answer within {self.timeout:g} s") from None
            raise EndpointError(url, f"cannot reach it ({exc.reason})") from None
        except TimeoutError:
            raise EndpointError(url, f"no answer within {self.timeout:g} s") from None
        except OSError as exc:
            raise EndpointError(url, f"cannot reach it ({exc})") from None

    def _http_error(self, url: str, status: int, detail: str, update: bool) -> Exception:
        if status == 400:
            what = "update" if update else "query"
            return QueryError(f"the endpoint {url} refused the {what} (HTTP 400, bad syntax?): {detail}")
        if status in (401, 403):
            return EndpointError(
                url,
                f"HTTP {status}, access refused: set STDGRAPH_ENDPOINT_USER and STDGRAPH_ENDPOINT_PASSWORD "
                f"for an account that may {'update' if update else 'query'} ({detail})",
                status,
            )
        if status == 404:
            return EndpointError(url, f"HTTP 404, no SPARQL endpoint at this URL ({detail})", status)
        return EndpointError(url, f"HTTP {status}: {detail}", status)

    def raw_query(self, text: str, accept: str, params: Iterable[tuple[str, str]] = ()) -> tuple[str, bytes]:
        """The endpoint's answer to a complete query text, as (media type, body): the protocol as is,
        for `/sparql` to forward. `params` are extra protocol parameters (`default-graph-uri`, ...)."""
        wrapper = self._wrapper("SELECT", text, accept)
        for name, value in params:
            wrapper.addParameter(name, value)
        response = self._send(wrapper)
        with response:
            media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            body = response.read()
        if media == RESULTS_JSON and b'"__ASK_RETVAL"' in body[:200]:
            body = _ask_as_boolean(body)
        return media, body

    def _results(self, text: str) -> dict[str, Any]:
        media, body = self.raw_query(PROLOGUE + text, RESULTS_JSON)
        try:
            return json.loads(body)
        except ValueError:
            raise EndpointError(self.endpoint, f"answered {media or 'no type'}, not JSON results") from None

    def update(self, operations: str) -> None:
        """One SPARQL 1.1 Update request (operations joined by ' ;'): stdgraph-made text only."""
        if self.read_only:
            raise QueryError("this store was opened read-only")
        try:
            response = self._send(self._wrapper("INSERT", operations, "*/*"), update=True)
            with response:
                response.read()
        finally:
            self._bump()

    # queries -----------------------------------------------------------------------------------------

    def bind(self, query: str, bindings: Mapping[str, Node | str] | None) -> str:
        """The query with its parameters bound (`bind_values`): by leading VALUES blocks, or by BIND on a
        server that mis-joins them (`parameter_form`)."""
        if not bindings:
            return query
        return bind_values(query, bindings, self.parameter_form)

    @property
    def parameter_form(self) -> str:
        """ "values", or "bind" for Virtuoso (found from its HTTP `Server` header on the first call): Virtuoso
        7.2 joins a sub-select without the outer VALUES block (wrong answers: every adoption for one
        standard) and refuses `?x sg:p? ?y` after one ("transitive start not given"); BIND gives the
        embedded store's answers there. Oxigraph keeps VALUES, which it starts from (BIND: up to 2x
        slower)."""
        if self._parameter_form is None:
            wrapper = self._wrapper("SELECT", "ASK {}", RESULTS_JSON)
            with self._send(wrapper) as response:
                server = response.headers.get("Server") or ""
                response.read()
            self._parameter_form = "bind" if server.lower().startswith("virtuoso") else "values"
        return self._parameter_form

    def query(
        self, query: str, bindings: Mapping[str, Node | str] | None = None
    ) -> SelectResult | bool | Graph:
        text = self.bind(query, bindings)
        form = query_form(text)
        if form in ("SELECT", "ASK"):
            document = self._results(text)
            if "boolean" in document:
                return bool(document["boolean"])
            return self._rows(document)
        return self._construct(text)

    def select(self, query: str, bindings: Mapping[str, Node | str] | None = None) -> SelectResult:
        text = self.bind(query, bindings)
        if query_form(text) != "SELECT":
            raise QueryError("expected a SELECT query")
        return self._rows(self._results(text))

    def ask(self, query: str, bindings: Mapping[str, Node | str] | None = None) -> bool:
        text = self.bind(query, bindings)
        if query_form(text) != "ASK":
            raise QueryError("expected an ASK query")
        return bool(self._results(text).get("boolean"))

    def construct(self, query: str, bindings: Mapping[str, Node | str] | None = None) -> Graph:
        text = self.bind(query, bindings)
        if query_form(text) not in ("CONSTRUCT", "DESCRIBE"):
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        return self._construct(text)

    @staticmethod
    def _rows(document: Mapping[str, Any]) -> SelectResult:
        variables = list(document.get("head", {}).get("vars", []))
        rows = []
        for binding in document.get("results", {}).get("bindings", []):
            rows.append({v: term_of(binding[v]) if v in binding else None for v in variables})
        return SelectResult(variables, rows)

    def _construct(self, text: str) -> Graph:
        media, body = self.raw_query(PROLOGUE + text, N_TRIPLES)
        if media != N_TRIPLES:
            raise EndpointError(self.endpoint, f"answered {media or 'no type'} to a CONSTRUCT, not N-Triples")
        graph = Graph()
        for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
            graph.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))  # type: ignore[arg-type]
        return graph

    def check(self) -> None:
        """Raise `EndpointError` unless the endpoint answers and its default graph is the union of its
        named graphs (checked on one of their triples; an empty store passes, and is checked at the
        next `replace_graphs`)."""
        sample = self.select(
            "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) } } LIMIT 1"
        )
        if sample.rows:
            self._check_union(sample.rows[0])

    def _check_union(self, row: Mapping[str, Node | None]) -> None:
        if not self.ask("ASK WHERE { ?s ?p ?o }", {k: v for k, v in row.items() if v is not None}):
            raise EndpointError(
                self.endpoint,
                "its default graph is not the union of its named graphs, which stdgraph's queries need: "
                "start `oxigraph serve` with --union-default-graph, or set tdb2:unionDefaultGraph on a "
                "Fuseki dataset (Virtuoso, GraphDB and Neptune do it by default)",
            )

    # writes ------------------------------------------------------------------------------------------

    def replace_graphs(
        self,
        graphs: Mapping[str, Graph],
        meta: Graph | None = None,
        progress: Callable[[str, int], None] | None = None,
    ) -> None:
        """Stage every graph, check the union default graph on a staged triple, then swap them in with
        one update request (atomic where the server runs a request as one transaction; see the module).
        `progress(name, triples)` is called as each graph is staged."""
        if self.read_only:
            raise QueryError("this store was opened read-only")
        self.drop_staging()
        run = uuid.uuid4().hex
        staged: dict[str, str] = {}
        meta_staging = f"{STAGING_PREFIX}{run}/meta" if meta is not None else None
        try:
            for name, graph in graphs.items():
                to_ox(URIRef(name))  # a graph name is written into the update: validate it first
                staged[name] = f"{STAGING_PREFIX}{run}/{len(staged)}"
                self._load(graph, staged[name])
                if progress is not None:
                    progress(name, len(graph))
            if meta is not None and meta_staging is not None:
                self._load(meta, meta_staging)
            self._check_staged({staged[name]: len(graph) for name, graph in graphs.items()})
            probe = next((t for g in (*graphs.values(), meta or Graph()) for t in _ground(g)), None)
            if probe is not None:
                self._check_union(dict(zip(("s", "p", "o"), probe, strict=True)))
            self.update(" ;\n".join(swap_operations(staged, meta_staging)))
        finally:  # MOVE empties the staging graphs; after a failure, this drops what was staged
            with contextlib.suppress(EndpointError, QueryError):
                self._drop([*staged.values(), *([meta_staging] if meta_staging else [])])

    def _check_staged(self, expected: Mapping[str, int]) -> None:
        """Refuse to swap unless every staging graph holds the triples sent to it: a server can accept a
        load and put it elsewhere (`oxigraph serve` files a POST to an unknown path, say a mistyped
        --graph-store URL, under a graph named by that URL), and the swap would then empty the live graphs."""
        if not expected:
            return
        values = " ".join(f"<{ox.NamedNode(name).value}>" for name in expected)
        query = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        query += " GROUP BY ?g"
        found = {str(r["g"]): int(r["n"]) for r in self.select(query).rows}  # type: ignore[arg-type]
        for name, count in expected.items():
            if found.get(name, 0) != count:
                where = self.graph_store or self.update_endpoint
                raise EndpointError(
                    where,
                    f"accepted {count} triples for the staging graph <{name}> but holds {found.get(name, 0)} "
                    "there: is it the server's Graph Store Protocol (or update) URL? Nothing was swapped in",
                )

    def _drop(self, names: Iterable[str]) -> None:
        names = list(names)
        if names:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{ox.NamedNode(n).value}>" for n in names))

    def drop_graphs(self, names: Iterable[str]) -> None:
        """Withdraw sources: their graphs and their meta records, in one update request."""
        ops = [op for name in names for op in _forget_graph(name)]
        if ops:
            self.update(" ;\n".join(ops))

    def drop_staging(self) -> None:
        """Drop every staging graph (left by a writer that crashed): there is one writer at a time."""
        self._drop(g for g in self.named_graphs() if g.startswith(STAGING_PREFIX))

    def _load(self, graph: Graph, target: str) -> None:
        if self.graph_store:
            self._put_graph_store(graph, target)
            return
        lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        lines = [line for line in lines if line.strip()]
        blank = [line for line in lines if "_:" in line]  # one request keeps blank nodes together
        ground = [line for line in lines if "_:" not in line]
        chunks = [blank] if blank else []
        chunks += [ground[i : i + INSERT_CHUNK] for i in range(0, len(ground), INSERT_CHUNK)]
        for chunk in chunks:
            body = f"{{ GRAPH <{target}> {{\n" + "\n".join(chunk) + "\n} }"
            # blank nodes go in a template (INSERT ... WHERE {}), which every engine takes; Virtuoso 7.2
            # refuses them in INSERT DATA ("not allowed in a constant clause")
            self.update(f"INSERT {body} WHERE {{}}" if chunk is blank else f"INSERT DATA {body}")

    def _put_graph_store(self, graph: Graph, target: str) -> None:
        """POST the graph as N-Triples to `?graph=target` (SPARQL 1.1 Graph Store HTTP Protocol)."""
        assert self.graph_store is not None
        body = graph.serialize(format="nt", encoding="utf-8")
        try:
            response = self._post_graph(body, target)
            if response.status_code == 401 and self.credentials and not self._digest:
                self._digest = True  # as in `_send`
                response = self._post_graph(body, target)
        except httpx.TimeoutException:
            raise EndpointError(self.graph_store, f"no answer within {self.timeout:g} s") from None
        except httpx.TransportError as exc:
            raise EndpointError(self.graph_store, f"cannot reach it ({exc})") from None
        finally:
            self._bump()
        if response.status_code >= 300:
            raise self._http_error(self.graph_store, response.status_code, response.text[:500], True)

    def _post_graph(self, body: bytes, target: str) -> httpx.Response:
        assert self.graph_store is not None
        auth: httpx.Auth | None = None
        if self.credentials:
            auth = httpx.DigestAuth(*self.credentials) if self._digest else httpx.BasicAuth(*self.credentials)
        return httpx.post(
            self.graph_store,
            params={"graph": target},
            content=body,
            headers={"Content-Type": N_TRIPLES},
            auth=auth,
            timeout=self.timeout,
        )

    # reading -----------------------------------------------------------------------------------------

    def named_graphs(self) -> list[str]:
        """stdgraph's named graphs on the server: those under `sgg:` (a server may hold others: Virtuoso
        keeps its own system graphs, and a shared server other data sets, which stdgraph leaves alone).
        `GRAPH ?g { }` lists the graphs from the server's graph index where it has one (Oxigraph, 275x
        faster than scanning the quads at 58k triples); Virtuoso 7.2 answers it with one unbound row, so an
        answer without a graph is checked by scanning."""
        found = [r["g"] for r in self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }").rows]
        if not any(isinstance(g, URIRef) for g in found):
            scan = (
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"  # Virtuoso: 0.01 s
            )
            found = [r["g"] for r in self.select(scan).rows]  # at 58k triples, DISTINCT ?g: 0.6 s
        return sorted(str(g) for g in found if isinstance(g, URIRef) and g.startswith(SGG))

    def _own_graphs(self) -> str | None:
        """A `VALUES ?g` block of stdgraph's graphs (none: None), to count in them and nowhere else."""
        names = self.named_graphs()
        return f"VALUES ?g {{ {' '.join(f'<{g}>' for g in names)} }}" if names else None

    def triple_counts(self) -> dict[str, int]:
        values = self._own_graphs()
        if values is None:
            return {}
        query = (
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ {values} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g ORDER BY ?g"
        )
        return {str(r["g"]): int(r["n"]) for r in self.select(query).rows}  # type: ignore[arg-type]

    def class_counts(self) -> dict[str, int]:
        values = self._own_graphs()
        if values is None:
            return {}
        query = (
            f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {values} GRAPH ?g {{ ?s a ?c }} }} "
            "GROUP BY ?c ORDER BY DESC(?n) ?c"
        )
        return {str(r["c"]): int(r["n"]) for r in self.select(query).rows}  # type: ignore[arg-type]

    def is_empty(self) -> bool:
        values = self._own_graphs()
        return values is None or not self.ask(f"ASK {{ {values} GRAPH ?g {{ ?s ?p ?o }} }}")

    def __len__(self) -> int:
        return sum(self.triple_counts().values())

    def describe_nodes(self, iris: Iterable[str], exclude_graphs: Iterable[str] = ()) -> Graph:
        excluded = {str(g) for g in exclude_graphs}
        terms = [str(to_ox(URIRef(iri))) for iri in dict.fromkeys(str(i) for i in iris)]
        graph = Graph()
        for start in range(0, len(terms), DESCRIBE_CHUNK):
            values = " ".join(terms[start : start + DESCRIBE_CHUNK])
            query = f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            result = self.select(query)
            for row in result.rows:
                if str(row["g"]) not in excluded:
                    graph.add((row["s"], row["p"], row["o"]))  # type: ignore[arg-type]
        return graph

    def export(self, out: IO[bytes], fmt: str = "nquads", graph: str | None = None) -> None:
        """Every named graph (or one), streamed from the endpoint graph by graph (CONSTRUCT as N-Triples)."""
        if fmt not in EXPORT_FORMATS:
            raise ValueError(f"unknown export format {fmt!r}: use {' or '.join(EXPORT_FORMATS)}")
        names = [graph] if graph is not None else self.named_graphs()
        ox.serialize(self._quads(names), out, format=EXPORT_FORMATS[fmt])

    def _quads(self, names: list[str]) -> Iterator[ox.Quad]:
        """Each graph's triples, then a check that they were all: a server may cut an answer short
        without an error (Virtuoso at its ResultSetMaxRows), and a dump must not be silently partial."""
        for name in names:
            target = ox.NamedNode(name)
            text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {target} {{ ?s ?p ?o }} }}"
            response = self._send(self._wrapper("SELECT", text, N_TRIPLES))
            sent = 0
            with response:
                reader = io.BufferedReader(_Stream(iter(lambda r=response: r.read(1 << 16), b"")))
                for quad in ox.parse(reader, format=ox.RdfFormat.N_TRIPLES):
                    sent += 1
                    yield ox.Quad(quad.subject, quad.predicate, quad.object, target)
            count = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {target} {{ ?s ?p ?o }} }}").rows
            held = int(count[0]["n"]) if count else 0  # type: ignore[arg-type]
            if sent < held:
                raise EndpointError(
                    self.endpoint,
                    f"answered {sent} of the {held} triples of <{name}>: raise the server's limit on result "
                    "rows (Virtuoso: ResultSetMaxRows in virtuoso.ini)",
                )


def _ask_as_boolean(body: bytes) -> bytes:
    """Virtuoso 7.2 answers ASK in SPARQL JSON as a one-column table (`__ASK_RETVAL`: 1, or no row)
    instead of `{"boolean": ...}`: the boolean document the protocol specifies."""
    try:
        rows = json.loads(body).get("results", {}).get("bindings", [])
    except ValueError:
        return body
    value = bool(rows) and rows[0].get("__ASK_RETVAL", {}).get("value") not in (None, "0")
    return json.dumps({"head": {}, "boolean": value}).encode()


def _ground(graph: Graph) -> Iterator[tuple[Node, Node, Node]]:
    return (t for t in graph if not isinstance(t[0], BNode) and not isinstance(t[2], BNode))


def _detail(exc: SPARQLWrapperException) -> str:
    text = str(exc)
    return text.split("Response:\n", 1)[-1].strip()[:500] or type(exc).__name__


def _body(exc: urllib.error.HTTPError) -> str:
    try:
        return exc.read().decode("utf-8", errors="replace").strip()[:500] or exc.reason
    except OSError:
        return str(exc.reason)
