"""The neighbourhood picture shows exactly what the adoption and supersession queries answer."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from stdgraph.queries import get_query

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def client(default_store) -> TestClient:
    return TestClient(create_app(default_store))


def answers(store, name: str, standard: str, column: str) -> set[str]:
    query = get_query(name)
    result = store.select(query.sparql, query.bindings({"standard": standard}))
    return {str(value) for value in result.column(column) if value is not None}


def boxes(svg: str) -> dict[str, str]:
    """Label of each box -> the page it links to."""
    root = ET.fromstring(svg)
    return {a.find(f"{SVG}text").text: a.get("href") for a in root.iter(f"{SVG}a")}


@pytest.mark.parametrize("standard", ["GB/T 23331-2012", "ISO 14001:2015", "GB/T 24001-2016"])
def test_the_picture_holds_every_adoption_and_edition_the_queries_give(
    client, default_store, standard
) -> None:
    response = client.get("/neighbourhood.svg", params={"standard": standard})
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    shown = boxes(response.text)
    expected = (
        {standard}
        | answers(default_store, "adoption", standard, "adopted")
        | answers(default_store, "adopted-by", standard, "adopting")
        | answers(default_store, "supersession", standard, "identifier")
    )
    assert len(expected) > 1, "pick a standard with neighbours"
    assert set(shown) == expected
    assert all(href.startswith("/id/edition/") for href in shown.values())


def test_adoption_edges_carry_the_degree(client, default_store) -> None:
    svg = client.get("/neighbourhood.svg", params={"standard": "GB/T 23331-2012"}).text
    degrees = answers(default_store, "adoption", "GB/T 23331-2012", "degree")
    labels = {t.text for t in ET.fromstring(svg).iter(f"{SVG}text") if t.get("class") == "degree"}
    assert degrees and all(any(d in label for label in labels) for d in degrees)


def test_unknown_and_malformed_standards_are_refused_in_words(client) -> None:
    missing = client.get("/neighbourhood.svg", params={"standard": "ISO 99999:2001"})
    assert missing.status_code == 404 and "ISO 99999:2001" in missing.json()["detail"]
    bad = client.get("/neighbourhood.svg", params={"standard": "garbage!!"})
    assert bad.status_code == 422 and "not a standard reference" in bad.json()["detail"]
