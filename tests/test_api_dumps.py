"""`/dumps` and `/void` on the default graph: the files decompress to the store, the VoID counts it."""

from __future__ import annotations

import gzip
import json
import warnings

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from api.app import create_app
from api.void import DATASET
from stdgraph.namespaces import SG, SGG

with warnings.catch_warnings():  # starlette warns that its test client will move to httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

CURATED = str(SGG["curated-standards"])


@pytest.fixture(scope="module")
def client(default_store) -> TestClient:
    return TestClient(create_app(default_store))


def _media(response) -> str:
    return response.headers["content-type"].split(";")[0]


def _quads(response) -> list[ox.Quad]:
    assert response.status_code == 200, response.text
    assert _media(response) == "application/gzip"
    assert "content-encoding" not in response.headers
    data = gzip.decompress(response.content)
    quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    assert len(quads) == len(data.decode("utf-8").splitlines())
    return quads


# --- dumps ------------------------------------------------------------------------------------------


def test_list_of_dumps(client, default_store) -> None:
    response = client.get("/dumps")
    assert response.status_code == 200
    dumps = {d["name"]: d for d in response.json()["dumps"]}
    whole = dumps["stdgraph.nq.gz"]
    assert whole["url"] == "http://testserver/dumps/stdgraph.nq.gz"
    assert whole["quads"] == len(default_store)
    graph = dumps["graphs/curated-standards.nq.gz"]
    assert graph["url"] == "http://testserver/dumps/graphs/curated-standards.nq.gz"
    assert graph["graph"] == CURATED
    assert graph["quads"] == default_store.triple_counts()[CURATED]
    assert len(dumps) == 1 + len(default_store.named_graphs())


def test_whole_dump_is_every_quad(client, default_store) -> None:
    response = client.get("/dumps/stdgraph.nq.gz")
    assert response.headers["content-disposition"] == 'attachment; filename="stdgraph.nq.gz"'
    quads = _quads(response)
    assert len(quads) == len(default_store)
    assert {q.graph_name.value for q in quads} == set(default_store.named_graphs())


def test_graph_dump_is_one_graph(client, default_store) -> None:
    response = client.get("/dumps/graphs/curated-standards.nq.gz")
    assert response.headers["content-disposition"] == 'attachment; filename="curated-standards.nq.gz"'
    quads = _quads(response)
    assert len(quads) == default_store.triple_counts()[CURATED]
    assert {q.graph_name.value for q in quads} == {CURATED}


def test_every_listed_dump_downloads(client) -> None:
    for dump in client.get("/dumps").json()["dumps"]:
        if dump["graph"]:
            assert len(_quads(client.get(dump["url"]))) == dump["quads"], dump["name"]


def test_unknown_graph_is_404_with_the_names(client, default_store) -> None:
    response = client.get("/dumps/graphs/no-such-graph.nq.gz")
    assert response.status_code == 404
    body = response.json()
    assert "no-such-graph" in body["detail"]
    assert "curated-standards" in body["graphs"]
    assert len(body["graphs"]) == len(default_store.named_graphs())
    assert client.get("/dumps/graphs/curated-standards.ttl").status_code == 404


# --- VoID -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def void(client) -> Graph:
    response = client.get("/void")
    assert response.status_code == 200
    assert _media(response) == "text/turtle"
    return Graph().parse(data=response.text, format="turtle")


def _one(graph: Graph, subject, predicate):
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def test_void_describes_the_dataset(void, default_store) -> None:
    assert (DATASET, RDF.type, VOID.Dataset) in void
    assert (DATASET, RDF.type, DCAT.Dataset) in void
    assert _one(void, DATASET, VOID.triples).toPython() == len(default_store)
    assert _one(void, DATASET, VOID.sparqlEndpoint) == URIRef("http://testserver/sparql")
    assert _one(void, DATASET, VOID.dataDump) == URIRef("http://testserver/dumps/stdgraph.nq.gz")
    download = _one(void, _one(void, DATASET, DCAT.distribution), DCAT.downloadURL)
    assert download == URIRef("http://testserver/dumps/stdgraph.nq.gz")


def test_void_subsets_count_every_graph(void, default_store) -> None:
    subsets = set(void.objects(DATASET, VOID.subset))
    counts = default_store.triple_counts()
    assert {str(s) for s in subsets} == set(counts)
    assert {str(s): _one(void, s, VOID.triples).toPython() for s in subsets} == counts


def test_void_subset_carries_its_provenance(void) -> None:
    curated = URIRef(CURATED)
    assert _one(void, curated, DCTERMS.title)
    assert _one(void, curated, DCTERMS.license)
    assert isinstance(_one(void, curated, DCTERMS.source), URIRef)
    assert _one(void, curated, VOID.dataDump) == URIRef(
        "http://testserver/dumps/graphs/curated-standards.nq.gz"
    )
    hs = URIRef(str(SGG["hs-2022"]))
    assert _one(void, hs, SG.retrieved) == Literal("2024-10-25", datatype=XSD.date)
    for subset in void.objects(DATASET, VOID.subset):
        assert _one(void, subset, DCTERMS.title), subset


def test_well_known_void_is_the_same(client, void) -> None:
    response = client.get("/.well-known/void")
    assert response.status_code == 200
    again = Graph().parse(data=response.text, format="turtle")
    assert set(again.objects(DATASET, VOID.subset)) == set(void.objects(DATASET, VOID.subset))


@pytest.mark.parametrize(
    ("accept", "format_param", "media", "rdflib_format"),
    [
        ("application/ld+json", None, "application/ld+json", "json-ld"),
        ("application/json", None, "application/ld+json", "json-ld"),
        (None, "ntriples", "application/n-triples", "nt"),
        ("application/n-triples", None, "application/n-triples", "nt"),
        (None, "rdfxml", "application/rdf+xml", "xml"),
    ],
)
def test_void_formats(client, void, accept, format_param, media, rdflib_format) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/void" + (f"?format={format_param}" if format_param else ""), headers=headers)
    assert response.status_code == 200
    assert _media(response) == media
    if rdflib_format == "json-ld":  # rdflib's JSON-LD parser warns of its own deprecations: use Oxigraph
        json.loads(response.text)
        assert len(list(ox.parse(response.content, format=ox.RdfFormat.JSON_LD))) == len(void)
        return
    parsed = Graph().parse(data=response.text, format=rdflib_format)
    assert len(parsed) == len(void)


def test_void_refusals(client) -> None:
    assert client.get("/void", headers={"Accept": "text/csv"}).status_code == 406
    assert client.get("/void?format=csv").status_code == 406
    assert client.get("/void?format=yaml").status_code == 400
