"""The remote backend against a real `oxigraph serve`: loads, errors in words, the union check, the CLI
building the default graph into it, and the API served from it giving the embedded store's answers."""

from __future__ import annotations

import gzip
import io
import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from api.app import create_app
from api.settings import ApiSettings
from stdgraph.cli import app as cli
from stdgraph.namespaces import DCTERMS, META_GRAPH, SGG
from stdgraph.queries import named_queries
from stdgraph.remote_store import EndpointError, SparqlEndpointStore
from stdgraph.store import STAGING_PREFIX, OxigraphStore, QueryError
from tests.conftest import OxigraphServer, oxigraph_serve

with warnings.catch_warnings():  # starlette warns that its test client will move to httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

G1 = str(SGG["one"])
A = URIRef("https://example.org/a")


def test_insert_data_loads_keep_blank_nodes_and_escapes(oxigraph_server: OxigraphServer) -> None:
    store = oxigraph_server.store(graph_store=False)
    store.update("DROP SILENT ALL")
    data = Graph().parse(
        data='<https://example.org/a> <https://example.org/p> ( "x\\"y" "多\\n行" ) .', format="turtle"
    )
    store.replace_graphs({G1: data})
    back = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}")
    assert isomorphic(back, data) and len(back) == 5
    out = io.BytesIO()
    store.export(out, fmt="nquads", graph=G1)
    assert out.getvalue().count(b"\n") == 5 and f"<{G1}> .".encode() in out.getvalue()
    query = "SELECT ?x WHERE { ?a <https://example.org/p> ?l . ?l rdf:rest*/rdf:first ?x }"
    assert sorted(store.select(query).column("x")) == [Literal('x"y'), Literal("多\n行")]


def test_an_unreachable_endpoint_is_named_in_the_error() -> None:
    store = SparqlEndpointStore("http://127.0.0.1:9/query", timeout=5)
    with pytest.raises(EndpointError, match=r"127\.0\.0\.1:9/query: cannot reach it"):
        store.check()


def test_a_wrong_url_a_bad_query_and_a_read_only_write_say_what_is_wrong(
    oxigraph_server: OxigraphServer, remote_store: SparqlEndpointStore
) -> None:
    with pytest.raises(EndpointError, match="HTTP 404"):
        SparqlEndpointStore(f"{oxigraph_server.url}/nothing-here").check()
    with pytest.raises(QueryError, match=f"{oxigraph_server.url}/query refused the query.*syntax"):
        remote_store.select("SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(QueryError, match="expected an ASK"):
        remote_store.ask("SELECT ?s WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match="read-only"):
        oxigraph_server.store(read_only=True).replace_graphs({G1: Graph()})
    with pytest.raises(ValueError, match="not an http"):
        SparqlEndpointStore("ftp://example.org/sparql")


def test_a_server_without_the_union_default_graph_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    with oxigraph_serve(tmp_path, union=False) as server:
        store = server.store()
        store.check()  # empty: nothing to check yet
        with pytest.raises(EndpointError, match="union-default-graph"):
            store.replace_graphs({G1: Graph().add((A, DCTERMS.title, Literal("a")))})
        assert store.named_graphs() == []  # the staged graph was dropped, nothing swapped in
        store.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <{A}> <{DCTERMS.title}> 'a' }} }}")
        with pytest.raises(EndpointError, match="not the union of its named graphs"):
            store.check()


# --- the default graph built into a remote store by the CLI, and served from it -----------------------


@pytest.fixture(scope="module")
def built_server(
    tmp_path_factory: pytest.TempPathFactory, default_store: OxigraphStore
) -> Iterator[OxigraphServer]:
    """A server of its own holding the default graph: the session's build copied in through
    `replace_graphs`, then `curated-standards` rebuilt by `stdgraph build --endpoint ... --source`, which
    validates it against the context read from the endpoint and swaps it in. (A whole second build would
    repeat a minute of SHACL validation that this test does not need.)"""
    with oxigraph_serve(tmp_path_factory.mktemp("built")) as server:
        graphs = {g: Graph() for g in default_store.named_graphs() if g != str(META_GRAPH)}
        for name, graph in graphs.items():
            for triple in default_store.graph_triples(name):
                graph.add(triple)
        meta = Graph()
        for triple in default_store.graph_triples(str(META_GRAPH)):
            meta.add(triple)
        server.store().replace_graphs(graphs, meta)
        args = ["build", "--quiet", "--source", "curated-standards"]
        args += ["--endpoint", f"{server.url}/query", "--update-endpoint", f"{server.url}/update"]
        result = CliRunner().invoke(cli, [*args, "--graph-store", f"{server.url}/store"])
        assert result.exit_code == 0, result.output
        assert "curated-standards" in result.output
        yield server


def test_the_cli_builds_the_default_graph_into_the_endpoint(
    built_server: OxigraphServer, default_store: OxigraphStore
) -> None:
    remote = built_server.store()
    assert remote.triple_counts() == default_store.triple_counts()
    assert remote.class_counts() == default_store.class_counts()
    assert not [g for g in remote.named_graphs() if g.startswith(STAGING_PREFIX)]
    result = CliRunner().invoke(cli, ["stats", "--json", "--endpoint", f"{built_server.url}/query"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["triples"] == len(default_store)


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_queries_give_the_embedded_answers(
    name: str, built_server: OxigraphServer, default_store: OxigraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every named query with its documented example, run by the CLI through `STDGRAPH_ENDPOINT` alone."""
    named = named_queries()[name]
    values = {p.name: p.example for p in named.params if p.example}
    monkeypatch.setenv("STDGRAPH_ENDPOINT", f"{built_server.url}/query")
    args = ["query", name, "--format", "json"] + [f"--param={k}={v}" for k, v in values.items()]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    embedded = default_store.select(named.sparql, named.bindings(values))
    expected = [{v: str(r[v]) for v in embedded.variables if r[v] is not None} for r in embedded.rows]

    def cell(value: str) -> list[str]:  # GROUP_CONCAT joins in no set order: compare the parts
        return sorted(re.split(r" ; | \| |, | ", value))

    def rows(found: list[dict[str, str]]) -> list[str]:  # `loaded`: curated-standards was rebuilt
        return sorted(json.dumps({k: cell(v) for k, v in r.items() if k != "loaded"}) for r in found)

    assert rows(json.loads(result.output)) == rows(expected)


def test_the_cli_names_an_endpoint_that_does_not_answer() -> None:
    result = CliRunner().invoke(cli, ["stats", "--endpoint", "http://127.0.0.1:9/query"])
    assert result.exit_code == 2
    assert "http://127.0.0.1:9/query" in result.output and "cannot reach it" in result.output


@pytest.fixture(scope="module")
def clients(built_server: OxigraphServer, default_store: OxigraphStore) -> tuple[TestClient, TestClient]:
    settings = ApiSettings(row_cap=500)
    remote = create_app(built_server.store(read_only=True), settings)
    return TestClient(remote), TestClient(create_app(default_store, settings))


SELECT = (
    "SELECT ?id ?degree WHERE { ?a sg:adoptingEdition/dcterms:identifier ?id ; "
    "sg:adoptionDegree/skos:notation ?degree } ORDER BY ?id ?degree LIMIT 20"
)


@pytest.mark.parametrize(
    ("params", "accept"),
    [
        ({"query": SELECT}, "application/sparql-results+json"),
        ({"query": SELECT}, "text/csv"),
        ({"query": SELECT, "format": "xml"}, None),
        ({"query": "ASK { ?e dcterms:identifier 'ISO 14067:2018' }"}, "application/sparql-results+json"),
        ({"query": "DESCRIBE <https://w3id.org/stdgraph/id/market/CN>"}, "application/n-triples"),
        (
            {
                "query": "SELECT ?id WHERE { ?e dcterms:identifier ?id } ORDER BY ?id LIMIT 20",
                "default-graph-uri": "https://w3id.org/stdgraph/graph/curated-standards",
            },
            "text/tab-separated-values",
        ),
    ],
)
def test_sparql_over_the_remote_store_answers_as_over_the_embedded_one(
    clients: tuple[TestClient, TestClient], params: dict[str, str], accept: str | None
) -> None:
    remote, embedded = (c.get("/sparql", params=params, headers={"Accept": accept or "*/*"}) for c in clients)
    assert remote.status_code == embedded.status_code == 200, remote.text
    assert remote.headers["content-type"] == embedded.headers["content-type"]
    if "n-triples" in (accept or ""):
        one, two = (Graph().parse(data=r.text, format="nt") for r in (remote, embedded))
        assert len(one) == len(two) > 0
    else:
        assert remote.text == embedded.text
        assert len(remote.text) > 20


def test_sparql_over_the_remote_store_refuses_and_describes_like_the_embedded_one(
    clients: tuple[TestClient, TestClient],
) -> None:
    remote, embedded = clients
    update = {"update": "DROP ALL"}
    assert remote.post("/sparql", data=update).status_code == 403
    bad = remote.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p }"})
    assert bad.status_code == 400 and "syntax" in bad.text
    everything = {"query": "SELECT * WHERE { ?s a sg:HSCode }"}
    capped = remote.get("/sparql", params=everything)
    assert capped.status_code == embedded.get("/sparql", params=everything).status_code == 400
    assert "exceeds 500 rows; add LIMIT" in capped.text
    description = remote.get("/sparql", headers={"Accept": "text/turtle"})
    assert description.status_code == 200 and "sd:Service" in description.text
    assert "curated-standards" in description.text


def test_a_named_query_resource_over_the_remote_store(clients: tuple[TestClient, TestClient]) -> None:
    url = "/queries/adoption"
    params = {"standard": "GB/T 24001-2016"}
    remote, embedded = (c.get(url, params=params) for c in clients)
    assert remote.status_code == embedded.status_code == 200, remote.text
    assert remote.json() == embedded.json()
    assert remote.json()["rows"], remote.json()


def test_dumps_and_void_over_the_remote_store(clients: tuple[TestClient, TestClient]) -> None:
    url = "/dumps/graphs/markets.nq.gz"
    one, two = (sorted(gzip.decompress(c.get(url).content).splitlines()) for c in clients)
    assert one == two and len(one) > 100
    void = clients[0].get("/void", headers={"Accept": "text/turtle"})
    assert void.status_code == 200 and "curated-standards" in void.text
