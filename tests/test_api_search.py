"""Home page search: one box over every kind of entity, English or Chinese, with facets."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from stdgraph.namespaces import SG

JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module")
def client(default_store) -> TestClient:
    return TestClient(create_app(default_store))


def titles_containing(store, text: str) -> set[str]:
    """Editions whose title holds `text`, asked of the store directly."""
    result = store.select(
        "SELECT DISTINCT ?e WHERE { ?e a sg:Edition ; dcterms:title ?t . "
        "FILTER(CONTAINS(LCASE(STR(?t)), LCASE(?text))) }",
        {"text": text},
    )
    return {str(iri) for iri in result.column("e")}


def test_an_identifier_as_people_write_it_comes_first(client) -> None:
    answer = client.get("/search", params={"q": "GB/T 24001"}, headers=JSON).json()
    assert answer["results"][0]["identifier"].startswith("GB/T 24001")
    assert answer["results"][0]["page"].startswith("/id/edition/gb-t-24001")


@pytest.mark.parametrize("text", ["碳足迹", "温室气体", "carbon footprint"])
def test_every_edition_whose_title_holds_the_text_is_found(client, default_store, text) -> None:
    expected = titles_containing(default_store, text)
    found: set[str] = set()
    offset = 0
    while True:
        params = {"q": text, "kind": str(SG.Edition), "offset": offset}
        answer = client.get("/search", params=params, headers=JSON).json()
        found |= {r["iri"] for r in answer["results"]}
        offset += answer["limit"]
        if offset >= answer["total"]:
            break
    assert expected and expected == found


def test_schemes_arrangements_and_bodies_are_searched_too(client) -> None:
    kinds = {
        r["kind"] for r in client.get("/search", params={"q": "ecolabel"}, headers=JSON).json()["results"]
    }
    assert {"certification scheme", "recognition arrangement"} <= kinds


def test_a_facet_narrows_and_its_counts_add_up(client) -> None:
    answer = client.get("/search", params={"q": "carbon"}, headers=JSON).json()
    kinds = {f["value"]: f["count"] for f in answer["facets"]["kind"]}
    assert len(kinds) >= 2
    edition = str(SG.Edition)
    narrowed = client.get("/search", params={"q": "carbon", "kind": edition}, headers=JSON).json()
    assert narrowed["total"] == kinds[edition] < answer["total"]
    assert {r["kind"] for r in narrowed["results"]} == {"standard"}


def test_people_get_a_page_with_links_and_facets(client) -> None:
    page = client.get("/search", params={"q": "GB/T 24001"}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert 'href="/id/edition/gb-t-24001_2016"' in page.text
    assert 'class="facet' in page.text


def test_home_page_says_what_the_graph_holds(client, default_store) -> None:
    page = client.get("/")
    editions = default_store.class_counts()[str(SG.Edition)]
    assert page.status_code == 200 and f"{editions:,}</strong> standard" in page.text


def test_bad_parameters_are_refused_in_words(client) -> None:
    assert client.get("/search", params={"q": "x" * 201}).status_code == 422
    assert client.get("/search", params={"q": "iso", "offset": -1}).status_code == 422
    short = client.get("/search", params={"q": "a"}, headers=JSON).json()
    assert short["total"] == 0
