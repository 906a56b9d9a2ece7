"""Linked Data on the default graph: every kind of minted IRI dereferences at /id/... to an HTML page and
to the same RDF in four formats; the ontology at /ontology; unknown entities are 404."""

from __future__ import annotations

import re
import warnings

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from api.app import create_app
from api.facts import ontology_terms
from stdgraph import config
from stdgraph.namespaces import SG, SGID
from stdgraph.queries import get_query
from stdgraph.store import from_ox

with warnings.catch_warnings():  # starlette warns that its test client will move to httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
RDF = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


def parse_rdf(text: str, fmt: str) -> Graph:
    """An rdflib graph of an answer, parsed by Oxigraph (rdflib's JSON-LD parser warns of deprecations)."""
    formats = {
        "turtle": ox.RdfFormat.TURTLE,
        "json-ld": ox.RdfFormat.JSON_LD,
        "nt": ox.RdfFormat.N_TRIPLES,
        "xml": ox.RdfFormat.RDF_XML,
    }
    graph = Graph()
    for triple in ox.parse(text.encode("utf-8"), format=formats[fmt]):
        graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
    return graph


@pytest.fixture(scope="module")
def client(default_store) -> TestClient:
    return TestClient(create_app(default_store))


@pytest.fixture(scope="module")
def one_per_kind(default_store) -> list[str]:
    """One minted IRI of every kind the graph holds (edition, org, adoption, market, vocab, hs, ...)."""
    rows = default_store.select("SELECT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), STR(sgid:))) }").column(
        "s"
    )
    kinds: dict[str, str] = {}
    for subject in sorted({str(s) for s in rows}):
        kinds.setdefault(subject[len(str(SGID)) :].split("/", 1)[0], subject)
    return list(kinds.values())


def _path(iri: str) -> str:
    return "/id/" + iri[len(str(SGID)) :]


def test_every_kind_of_entity_dereferences(client, default_store, one_per_kind) -> None:
    assert {"edition", "standard", "adoption", "org", "market", "scheme", "vocab"} <= {
        i[len(str(SGID)) :].split("/", 1)[0] for i in one_per_kind
    }
    for iri in one_per_kind:
        page = client.get(_path(iri), headers=HTML)
        assert page.status_code == 200, (iri, page.text[:300])
        assert page.headers["content-type"].startswith("text/html")
        assert iri in page.text
        expected = default_store.describe_nodes([iri])
        for media, parser in RDF.items():
            response = client.get(_path(iri), headers={"Accept": media})
            assert response.status_code == 200, (iri, media)
            assert response.headers["content-type"].startswith(media)
            assert response.headers["vary"] == "Accept"
            assert isomorphic(parse_rdf(response.text, parser), expected), (iri, media)


def test_page_shows_facts_with_labels_sources_and_secondary_mark(client) -> None:
    text = client.get("/id/edition/gb-t-24001_2016", headers=HTML).text
    assert "<h1>GB/T 24001-2016</h1>" in text
    assert '<a href="/id/edition/iso-14001_2015">ISO 14001:2015</a>' in text  # a label, not a raw IRI
    assert '<a href="/ontology#adopts"' in text and "采用" in text
    assert 'href="http://xaw.net.cn/newsnr.asp?bid=24&amp;id=1073"' in text
    assert "secondary source" in text
    assert "[curated-standards]" in text and 'id="graph-curated-standards"' in text
    primary = client.get("/id/adoption/gb-t-24067-2024-iso-14067-2018", headers=HTML).text
    assert "not-established" in primary or "not established" in primary
    assert "secondary source" not in primary.split("<h2>Facts</h2>")[0]


def test_page_lists_who_refers_to_the_entity(client) -> None:
    text = client.get("/id/edition/iso-14001_2015", headers=HTML).text
    referred = text.split("Referred to by", 1)[1]
    assert '<a href="/id/edition/gb-t-24001_2016">GB/T 24001-2016</a> <span class="secondary"' in referred


def test_format_parameter_and_default(client) -> None:
    assert client.get("/id/org/iso").headers["content-type"].startswith("text/turtle")
    assert client.get("/id/org/iso?format=html").headers["content-type"].startswith("text/html")
    assert client.get("/id/org/iso?format=jsonld").headers["content-type"].startswith("application/ld+json")
    assert client.get("/id/org/iso?format=csv").status_code == 400
    assert client.get("/id/org/iso", headers={"Accept": "image/png"}).status_code == 406


def test_unknown_entity_is_404(client) -> None:
    page = client.get("/id/edition/iso-99999_2099", headers=HTML)
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "iso-99999_2099" in page.text
    data = client.get("/id/edition/iso-99999_2099", headers={"Accept": "text/turtle"})
    assert data.status_code == 404
    assert data.json()["iri"] == str(SGID["edition/iso-99999_2099"])


def test_ontology_in_turtle_and_html(client) -> None:
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.content == (config.ONTOLOGY_DIR / "stdgraph.ttl").read_bytes()
    page = client.get("/ontology", headers=HTML).text
    ours = [iri for iri in ontology_terms() if iri.startswith(str(SG))]
    anchors = set(re.findall(r'<tr id="([^"]+)">', page))
    assert {iri[len(str(SG)) :] for iri in ours} == anchors
    assert "标准采用" in page  # Chinese labels
    jsonld = parse_rdf(client.get("/ontology?format=jsonld").text, "json-ld")
    assert (URIRef(str(SG.Adoption)), None, None) in jsonld


def test_an_edition_page_shows_its_adoptions_with_degree_and_its_picture(client, default_store) -> None:
    query = get_query("adopted-by")
    rows = default_store.select(query.sparql, query.bindings({"standard": "ISO 14001:2015"})).rows
    assert rows, "the default graph adopts ISO 14001:2015"
    page = client.get("/id/edition/iso-14001_2015", headers={"Accept": "text/html"}).text
    assert "<svg" in page and "Adopted by" in page
    for row in rows:
        assert str(row["adopting"]) in page
        assert f'<strong class="degree">{row["degree"]}</strong>' in page
