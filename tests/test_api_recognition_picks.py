"""People may type their product in words: the checker lists the HS codes that fit, each a link to ask."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(default_store) -> TestClient:
    return TestClient(create_app(default_store))


def hs_codes_described_by(store, words: str) -> set[str]:
    rows = store.select(
        "SELECT ?n WHERE { ?c a sg:HSCode ; skos:notation ?n ; skos:prefLabel ?l . "
        "FILTER(CONTAINS(LCASE(STR(?l)), LCASE(?w))) }",
        {"w": words},
    ).rows
    return {str(r["n"]) for r in rows}


def test_words_give_the_hs_codes_they_describe_as_links_that_keep_the_question(client, default_store) -> None:
    expected = hs_codes_described_by(default_store, "photovoltaic")
    page = client.get("/recognition", params={"product": "photovoltaic", "market": "AU"}, headers=HTML)
    assert page.status_code == 200 and "Which product?" in page.text
    links = [a.split('"')[0] for a in page.text.split('<a href="/recognition?')[1:]]
    picked = {parse_qs(urlparse("?" + link.replace("&amp;", "&")).query)["product"][0] for link in links}
    assert "854143" in picked and picked <= expected
    assert all("market=AU" in link for link in links)


def test_words_nothing_describes_say_so(client) -> None:
    page = client.get("/recognition", params={"product": "zzzqqq", "market": "AU"}, headers=HTML)
    assert "No HS 2022 description holds" in page.text


def test_programs_still_get_a_422_for_a_product_that_is_not_a_code(client) -> None:
    answer = client.get("/recognition", params={"product": "photovoltaic", "market": "AU"})
    assert answer.status_code == 422 and answer.json()["field"] == "product"
