"""The `/sparql` endpoint beyond the W3C protocol tests: formats, limits, refusals, time and concurrency."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time
import warnings
import xml.etree.ElementTree as ET

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from api.app import create_app
from api.conneg import Kind, NotAcceptable, UnknownFormat, negotiate
from api.settings import ApiSettings
from api.sparql import names_dataset, uses_service
from stdgraph.store import OxigraphStore

with warnings.catch_warnings():  # starlette warns that its test client will move to httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

EX = Namespace("http://example.org/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
G1, G2 = "http://example.org/graph/one", "http://example.org/graph/two"

SELECT = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s"
ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c }"
# 3,000 triples joined with themselves: 9 million rows counted before the first answer (about 1 s).
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d }"
CHEAP = "ASK { ?s ?p ?o }"


def _store() -> OxigraphStore:
    one, two = Graph(), Graph()
    for i in range(3):
        one.add((EX[f"thing{i}"], RDF.type, EX.Thing))
        one.add(
            (EX[f"thing{i}"], URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal(f"thing {i}"))
        )
    two.add((EX.other, RDF.type, EX.Other))
    store = OxigraphStore()
    store.replace_graphs({G1: one, G2: two})
    return store


def _client(**settings) -> TestClient:
    return TestClient(create_app(_store(), ApiSettings(**settings)))


@pytest.fixture(scope="module")
def client() -> TestClient:
    return _client()


@pytest.fixture(scope="module")
def big_store() -> OxigraphStore:
    graph = Graph()
    for i in range(3000):
        graph.add((EX[f"s{i % 300}"], EX[f"p{i % 7}"], Literal(i)))
    store = OxigraphStore()
    store.replace_graphs({G1: graph})
    return store


def _media(response) -> str:
    return response.headers["content-type"].split(";")[0]


# --- content negotiation, as a table --------------------------------------------------------------

NEGOTIATION = [
    # kind, Accept, format=, expected format name (or an exception)
    (Kind.RESULTS, None, None, "json"),
    (Kind.RESULTS, "*/*", None, "json"),
    (Kind.RESULTS, "application/sparql-results+xml", None, "xml"),
    (Kind.RESULTS, "application/json", None, "json"),
    (Kind.RESULTS, "text/csv", None, "csv"),
    (Kind.RESULTS, "text/tab-separated-values", None, "tsv"),
    (Kind.RESULTS, "text/*", None, "csv"),
    (Kind.RESULTS, "text/csv;q=0.5, application/sparql-results+xml", None, "xml"),
    (Kind.RESULTS, "text/csv, application/sparql-results+json", None, "csv"),
    (Kind.RESULTS, "*/*;q=0.1, text/tab-separated-values", None, "tsv"),
    (Kind.RESULTS, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, "xml"),
    (Kind.RESULTS, "application/sparql-results+json;q=0, */*", None, "xml"),
    (Kind.RESULTS, "text/turtle", None, NotAcceptable),
    (Kind.RESULTS, "text/turtle", "csv", "csv"),
    (Kind.RESULTS, None, "TSV", "tsv"),
    (Kind.RESULTS, None, "turtle", NotAcceptable),
    (Kind.RESULTS, None, "yaml", UnknownFormat),
    (Kind.GRAPH, None, None, "turtle"),
    (Kind.GRAPH, "*/*", None, "turtle"),
    (Kind.GRAPH, "application/n-triples", None, "ntriples"),
    (Kind.GRAPH, "application/rdf+xml", None, "rdfxml"),
    (Kind.GRAPH, "application/ld+json", None, "jsonld"),
    (Kind.GRAPH, "application/json", None, "jsonld"),
    (Kind.GRAPH, "text/csv", None, NotAcceptable),
    (Kind.GRAPH, "garbage", None, "turtle"),
    (Kind.GRAPH, None, "jsonld", "jsonld"),
    (Kind.GRAPH, "text/turtle", "rdfxml", "rdfxml"),
]


@pytest.mark.parametrize(("kind", "accept", "format_param", "expected"), NEGOTIATION)
def test_negotiate(kind, accept, format_param, expected) -> None:
    if isinstance(expected, type):
        with pytest.raises(expected):
            negotiate(kind, accept, format_param)
    else:
        assert negotiate(kind, accept, format_param).name == expected


# --- formats on the wire ----------------------------------------------------------------------------


def _rows_json(text: str) -> list[str]:
    return [b["label"]["value"] for b in json.loads(text)["results"]["bindings"]]


def _rows_xml(text: str) -> list[str]:
    ns = "{http://www.w3.org/2005/sparql-results#}"
    return [
        b.find(f"{ns}literal").text
        for b in ET.fromstring(text).iter(f"{ns}binding")
        if b.get("name") == "label"
    ]


def _rows_csv(text: str) -> list[str]:
    return [row["label"] for row in csv.DictReader(io.StringIO(text))]


def _rows_tsv(text: str) -> list[str]:
    lines = text.strip().splitlines()
    assert lines[0].split("\t") == ["?s", "?label"]
    return [line.split("\t")[1].strip('"') for line in lines[1:]]


SELECT_FORMATS = [
    ("application/sparql-results+json", "json", _rows_json),
    ("application/sparql-results+xml", "xml", _rows_xml),
    ("text/csv", "csv", _rows_csv),
    ("text/tab-separated-values", "tsv", _rows_tsv),
]


@pytest.mark.parametrize(("media_type", "name", "rows"), SELECT_FORMATS)
def test_select_formats(client, media_type, name, rows) -> None:
    expected = ["thing 0", "thing 1", "thing 2"]
    by_accept = client.get("/sparql", params={"query": SELECT}, headers={"Accept": media_type})
    assert by_accept.status_code == 200, by_accept.text
    assert _media(by_accept) == media_type
    assert rows(by_accept.text) == expected
    by_param = client.get(
        "/sparql", params={"query": SELECT, "format": name}, headers={"Accept": "text/html"}
    )
    assert by_param.status_code == 200, by_param.text
    assert _media(by_param) == media_type
    assert rows(by_param.text) == expected


@pytest.mark.parametrize(("media_type", "name"), [(m, n) for m, n, _ in SELECT_FORMATS])
def test_ask_formats(client, media_type, name) -> None:
    response = client.get("/sparql", params={"query": ASK, "format": name})
    assert response.status_code == 200
    assert _media(response) == media_type
    assert "true" in response.text


def _parse(text: str, rdflib_format: str) -> Graph:
    """A response body as an rdflib graph (JSON-LD through pyoxigraph: rdflib's parser warns)."""
    if rdflib_format == "json-ld":
        triples = ox.parse(text, format=ox.RdfFormat.JSON_LD)
        text, rdflib_format = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), "nt"
    return Graph().parse(data=text, format=rdflib_format)


GRAPH_FORMATS = [
    ("text/turtle", "turtle", "turtle"),
    ("application/n-triples", "ntriples", "nt"),
    ("application/rdf+xml", "rdfxml", "xml"),
    ("application/ld+json", "jsonld", "json-ld"),
]


@pytest.mark.parametrize(("media_type", "name", "rdflib_format"), GRAPH_FORMATS)
def test_construct_formats(client, media_type, name, rdflib_format) -> None:
    for kwargs in ({"headers": {"Accept": media_type}}, {"params": {"query": CONSTRUCT, "format": name}}):
        params = kwargs.get("params", {"query": CONSTRUCT})
        response = client.get("/sparql", params=params, headers=kwargs.get("headers"))
        assert response.status_code == 200, response.text
        assert _media(response) == media_type
        graph = _parse(response.text, rdflib_format)
        assert (EX.thing0, RDF.type, EX.Thing) in graph
        assert (EX.other, RDF.type, EX.Other) in graph
        assert len(graph) == 4


def test_describe_is_a_graph(client) -> None:
    response = client.post(
        "/sparql", content=f"DESCRIBE <{EX.thing1}>", headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 200
    assert _media(response) == "text/turtle"
    assert len(Graph().parse(data=response.text, format="turtle")) == 2


def test_post_form(client) -> None:
    response = client.post("/sparql", data={"query": SELECT, "format": "csv"})
    assert response.status_code == 200
    assert _rows_csv(response.text) == ["thing 0", "thing 1", "thing 2"]


def test_unsupported_accept_is_406(client) -> None:
    response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    # acceptable in general, but not for this query form
    response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/turtle"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text
    assert client.get("/sparql", params={"query": SELECT, "format": "yaml"}).status_code == 400


def test_project_prefixes_are_predeclared(client) -> None:
    response = client.get("/sparql", params={"query": "SELECT (sg:x AS ?x) {}"})
    assert json.loads(response.text)["results"]["bindings"][0]["x"]["value"].endswith("ontology#x")


# --- the dataset --------------------------------------------------------------------------------------


def _count(client, query: str, **params) -> int:
    response = client.get("/sparql", params={"query": query, **params})
    assert response.status_code == 200, response.text
    return int(json.loads(response.text)["results"]["bindings"][0]["n"]["value"])


def test_default_graph_is_the_union(client) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c }"
    assert _count(client, query) == 4
    assert _count(client, query, **{"default-graph-uri": G2}) == 1
    assert _count(client, f"SELECT (COUNT(*) AS ?n) FROM <{G2}> WHERE {{ ?s a ?c }}") == 1
    named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a ?c } }"
    assert _count(client, named, **{"named-graph-uri": G1}) == 3
    assert client.get("/sparql", params={"query": ASK, "default-graph-uri": "not an iri"}).status_code == 400


# --- refusals -----------------------------------------------------------------------------------------


def test_syntax_error_is_400_with_the_message(client) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert _media(response) == "text/plain"
    assert "SPARQL syntax error" in response.text
    assert "1:" in response.text  # the parser's position


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "POST", "data": {"update": "CLEAR ALL"}},
        {"method": "POST", "content": "CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
        {"method": "GET", "params": {"update": "CLEAR ALL"}},
    ],
    ids=["form", "direct", "get"],
)
def test_update_is_403(client, request_kwargs) -> None:
    kwargs = dict(request_kwargs)
    response = client.request(kwargs.pop("method"), "/sparql", **kwargs)
    assert response.status_code == 403
    assert "this endpoint is read-only" in response.text
    assert _count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == 7


def test_two_queries_or_query_and_update_are_400(client) -> None:
    assert client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D").status_code == 400
    assert client.post("/sparql", data={"query": ASK, "update": "CLEAR ALL"}).status_code == 400
    direct_and_param = client.post(
        "/sparql?query=ASK%7B%7D", content=ASK, headers={"Content-Type": "application/sparql-query"}
    )
    assert direct_and_param.status_code == 400


def test_wrong_media_type_is_415(client) -> None:
    response = client.post("/sparql", content=ASK, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_body_over_the_limit_is_413() -> None:
    client = _client(max_body_bytes=200)
    padded = ASK + " #" + "x" * 300
    response = client.post("/sparql", content=padded, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    assert client.post("/sparql", data={"query": padded}).status_code == 413
    ok = client.post("/sparql", content=ASK, headers={"Content-Type": "application/sparql-query"})
    assert ok.status_code == 200


def test_row_cap() -> None:
    client = _client(row_cap=2)
    response = client.get("/sparql", params={"query": SELECT})
    assert response.status_code == 400
    assert "result exceeds 2 rows; add LIMIT" in response.text
    assert client.get("/sparql", params={"query": SELECT + " LIMIT 2"}).status_code == 200
    assert client.get("/sparql", params={"query": CONSTRUCT}).status_code == 400  # 4 triples
    assert client.get("/sparql", params={"query": ASK}).status_code == 200


def test_service_is_off_by_default(client) -> None:
    query = "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert "federation is off" in response.text
    # the word inside a string, an IRI, a prefixed name or a comment is not a SERVICE call
    harmless = 'SELECT * WHERE { ?service <http://x/SERVICE> "SERVICE" } # SERVICE'
    assert client.get("/sparql", params={"query": harmless}).status_code == 200


def test_service_detection() -> None:
    assert uses_service("select * { service <http://x/> { ?s ?p ?o } }")
    assert uses_service('SELECT * { ?s ?p "x" . SERVICE\n<http://x/> {} }')
    assert not uses_service("SELECT ?service { ?service ex:SERVICE 'service' }")
    assert names_dataset("SELECT * FROM <http://g/> {}")
    assert not names_dataset('SELECT * { ?s ?p "FROM" }')


def test_service_allowed_reaches_the_evaluator() -> None:
    client = _client(allow_service=True)
    query = "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query})
    assert "federation is off" not in response.text


# --- service description ------------------------------------------------------------------------------


def test_service_description(client) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert _media(response) == "text/turtle"
    graph = Graph().parse(data=response.text, format="turtle")
    endpoint = URIRef("http://testserver/sparql")
    assert (endpoint, RDF.type, SD.Service) in graph
    assert (endpoint, SD.endpoint, endpoint) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = {str(f) for f in graph.objects(endpoint, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats
    names = {str(n) for n in graph.objects(None, SD.name)}
    assert names == {G1, G2}
    assert (endpoint, SD.feature, SD.BasicFederatedQuery) not in graph
    for media_type, name, rdflib_format in GRAPH_FORMATS:
        other = client.get("/sparql", params={"format": name})
        assert _media(other) == media_type
        assert len(_parse(other.text, rdflib_format)) == len(graph)


# --- time -----------------------------------------------------------------------------------------------


def test_timeout_is_503(big_store) -> None:
    client = TestClient(create_app(big_store, ApiSettings(query_timeout=0.1)))
    started = time.monotonic()
    response = client.get("/sparql", params={"query": HEAVY})
    assert response.status_code == 503
    assert "query exceeded the 0.1 s time limit" in response.text
    assert time.monotonic() - started < 0.8


def test_busy_workers_time_out_too(big_store) -> None:
    """With every worker taken by a slow query, a new query waits at most its time limit for one."""
    app = create_app(big_store, ApiSettings(query_timeout=0.3, query_workers=1))

    async def scenario() -> tuple[int, str, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            slow = asyncio.create_task(http.get("/sparql", params={"query": HEAVY}))
            await asyncio.sleep(0.05)
            cheap = await http.get("/sparql", params={"query": CHEAP})
            return cheap.status_code, cheap.text, (await slow).status_code

    cheap_status, cheap_text, slow_status = run_apart(scenario())
    assert (cheap_status, slow_status) == (503, 503)
    assert "no query worker became free" in cheap_text


def test_slow_query_does_not_block_a_cheap_one(big_store) -> None:
    app = create_app(big_store, ApiSettings(query_timeout=30))

    async def scenario() -> tuple[float, bool, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            slow = asyncio.create_task(http.get("/sparql", params={"query": HEAVY}))
            await asyncio.sleep(0.05)
            started = time.monotonic()
            cheap = await http.get("/sparql", params={"query": CHEAP})
            elapsed = time.monotonic() - started
            assert cheap.status_code == 200
            slow_still_running = not slow.done()
            return elapsed, slow_still_running, (await slow).status_code

    elapsed, slow_still_running, slow_status = run_apart(scenario())
    assert slow_still_running
    assert elapsed < 0.5
    assert slow_status == 200


# --- settings -------------------------------------------------------------------------------------------


def test_settings_from_env(monkeypatch) -> None:
    monkeypatch.setenv("STDGRAPH_QUERY_TIMEOUT", "2.5")
    monkeypatch.setenv("STDGRAPH_ROW_CAP", "50")
    monkeypatch.setenv("STDGRAPH_MAX_BODY_BYTES", "1024")
    monkeypatch.setenv("STDGRAPH_ALLOW_SERVICE", "true")
    settings = ApiSettings.from_env()
    assert settings == ApiSettings(query_timeout=2.5, row_cap=50, max_body_bytes=1024, allow_service=True)
    monkeypatch.setenv("STDGRAPH_ROW_CAP", "many")
    with pytest.raises(ValueError, match="STDGRAPH_ROW_CAP"):
        ApiSettings.from_env()


def test_settings_defaults() -> None:
    settings = ApiSettings()
    assert (settings.query_timeout, settings.row_cap, settings.max_body_bytes, settings.allow_service) == (
        10.0,
        10_000,
        1_000_000,
        False,
    )


def run_apart(coroutine):
    """`asyncio.run` in a thread of its own: another test's event loop (Playwright's, in the browser
    tests of the same worker) may be running in this one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
