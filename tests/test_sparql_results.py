"""`/sparql` SELECT results are written by Oxigraph (TSV counted row by row, then the format asked for):
the same bytes as Oxigraph's own serialiser in every format, the row cap exact across output chunks and
with literals that hold newlines and tabs, and a stopped query cut."""

from __future__ import annotations

import json
import threading

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.conneg import RESULTS_FORMATS
from api.runner import Cancelled
from api.settings import ApiSettings
from api.sparql import Endpoint, Operation, ProtocolError, run_query
from stdgraph.namespaces import PREFIXES
from stdgraph.store import OxigraphStore

G = ox.NamedNode("https://example.org/g")
P = ox.NamedNode("https://example.org/p")
ROWS = 5000
ODD = 'a\tb\nc "d" \\ e,{f}\r\n'  # a tab, newlines, quotes, a backslash: still one row each
SELECT = "SELECT ?s ?o WHERE { ?s <https://example.org/p> ?o } ORDER BY ?s"
MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    store = OxigraphStore()
    quads = [
        ox.Quad(ox.NamedNode(f"https://example.org/s{i:05}"), P, ox.Literal(ODD + str(i)), G)
        for i in range(ROWS)
    ]
    quads.append(ox.Quad(ox.BlankNode("b0"), P, ox.Literal("chat", language="fr"), G))
    quads.append(
        ox.Quad(
            ox.NamedNode("https://example.org/t"),
            P,
            ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
            G,
        )
    )
    store.oxigraph.extend(quads)
    return store


def _expected(store: OxigraphStore, query: str, name: str) -> bytes:
    answer = store.oxigraph.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
    return answer.serialize(format=RESULTS_FORMATS[name])


@pytest.mark.parametrize("name", sorted(MEDIA))
def test_every_format_is_oxigraphs_own(store, name) -> None:
    client = TestClient(create_app(store, ApiSettings(row_cap=ROWS + 2)))
    response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": MEDIA[name]})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(MEDIA[name])
    expected = _expected(store, SELECT, name)
    if name == "json":  # blank node labels are the store's own in both
        assert response.json() == json.loads(expected)
    assert response.content == expected


def test_row_cap_is_exact_across_chunks(store) -> None:
    """Rows with newlines and tabs in their literals, far more bytes than one output chunk."""
    total = ROWS + 2
    exact = TestClient(create_app(store, ApiSettings(row_cap=total)))
    response = exact.get("/sparql", params={"query": SELECT, "format": "json"})
    assert response.status_code == 200
    rows = response.json()["results"]["bindings"]
    assert len(rows) == total
    assert sum(1 for r in rows if r["o"]["value"].startswith(ODD)) == ROWS
    one_short = TestClient(create_app(store, ApiSettings(row_cap=total - 1)))
    refused = one_short.get("/sparql", params={"query": SELECT, "format": "csv"})
    assert refused.status_code == 400
    assert f"result exceeds {total - 1} rows; add LIMIT" in refused.text


def test_unbound_and_empty_results(store) -> None:
    client = TestClient(create_app(store))
    query = (
        "SELECT ?s ?none WHERE { ?s <https://example.org/p> ?o "
        "OPTIONAL { ?s <https://example.org/q> ?none } } LIMIT 3"
    )
    body = client.get("/sparql", params={"query": query, "format": "json"}).json()
    assert body["head"]["vars"] == ["s", "none"]
    assert [sorted(row) for row in body["results"]["bindings"]] == [["s"]] * 3
    empty = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x <https://example.org/none> ?y }"})
    assert empty.json() == {"head": {"vars": ["x"]}, "results": {"bindings": []}}


def test_a_stopped_query_is_cut(store) -> None:
    stop = threading.Event()
    stop.set()
    endpoint = Endpoint(store.oxigraph, ApiSettings(), store.named_graphs)
    operation = Operation(query=SELECT, default_graphs=[], named_graphs=[], format="json")
    with pytest.raises(Cancelled):
        run_query(endpoint, operation, "http://testserver/sparql", None, stop)
    capped = Endpoint(store.oxigraph, ApiSettings(row_cap=10), store.named_graphs)
    with pytest.raises(ProtocolError, match="result exceeds 10 rows"):
        run_query(capped, operation, "http://testserver/sparql", None, threading.Event())
