"""`/queries`: the named queries over HTTP, on the default graph: listing, running, formats, pages, errors."""

from __future__ import annotations

import csv
import io
import warnings

import pytest

from api.app import create_app
from api.conneg import NotAcceptable, UnknownFormat
from api.named_queries import ROWS_FORMAT, choose_format, paged_sparql
from api.settings import ApiSettings
from stdgraph.queries import named_queries

with warnings.catch_warnings():  # starlette warns that its test client will move to httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROW_CAP = 500


@pytest.fixture(scope="module")
def client(default_store) -> TestClient:
    return TestClient(create_app(default_store, ApiSettings(row_cap=ROW_CAP)))


def _media(response) -> str:
    return response.headers["content-type"].split(";")[0]


def _values(rows: list[dict], variable: str) -> list[str]:
    return [row[variable]["value"] for row in rows if variable in row]


# --- listing ----------------------------------------------------------------------------------------


def test_list_names_every_query_with_its_parameters(client) -> None:
    response = client.get("/queries")
    assert response.status_code == 200
    listed = {q["name"]: q for q in response.json()["queries"]}
    assert set(listed) == set(named_queries())
    adoption = listed["adoption"]
    assert adoption["summary"]
    assert adoption["parameters"] == [
        {
            "name": "standard",
            "type": "standard",
            "description": adoption["parameters"][0]["description"],
            "example": "GB/T 24001-2016",
            "required": True,
        }
    ]
    assert adoption["links"]["self"] == "http://testserver/queries/adoption"
    assert adoption["links"]["example"] == "http://testserver/queries/adoption?standard=GB%2FT+24001-2016"
    assert response.json()["paging"] == {"limit": 100, "max_limit": ROW_CAP}


def test_every_example_link_runs(client) -> None:
    for query in client.get("/queries").json()["queries"]:
        link = query["links"].get("example") or query["links"]["self"]
        response = client.get(link)
        assert response.status_code == 200, (query["name"], response.text)
        assert response.json()["query"] == query["name"]


# --- running ----------------------------------------------------------------------------------------


def test_adoption_of_gb_t_24001(client) -> None:
    response = client.get("/queries/adoption", params={"standard": "GB/T 24001-2016"})
    assert response.status_code == 200
    assert _media(response) == "application/json"
    body = response.json()
    assert body["query"] == "adoption"
    assert body["parameters"] == {"standard": "GB/T 24001-2016"}
    assert body["variables"] == [
        "standard",
        "adopting",
        "adopted",
        "degree",
        "evidence",
        "source",
        "adoption",
    ]
    assert body["rows"], body
    assert set(_values(body["rows"], "adopted")) == {"ISO 14001:2015"}
    assert set(_values(body["rows"], "degree")) == {"IDT"}
    row = body["rows"][0]
    assert row["standard"] == {"type": "uri", "value": "https://w3id.org/stdgraph/id/edition/gb-t-24001_2016"}
    assert row["adopted"] == {"type": "literal", "value": "ISO 14001:2015"}
    assert "next" not in body
    assert (body["limit"], body["offset"]) == (100, 0)


def test_typed_literals_keep_their_datatype(client) -> None:
    response = client.get("/queries/sources")
    assert response.status_code == 200
    cells = [cell for row in response.json()["rows"] for cell in row.values()]
    typed = [cell for cell in cells if "datatype" in cell]
    assert typed, "the sources query returns counts and dates"
    assert all(cell["type"] == "literal" for cell in typed)
    assert all(cell["datatype"].startswith("http://www.w3.org/2001/XMLSchema#") for cell in typed)


# --- pages ------------------------------------------------------------------------------------------


def _all_rows(client, name: str, **params) -> list[dict]:
    return client.get(f"/queries/{name}", params={**params, "limit": ROW_CAP}).json()["rows"]


def test_pages_follow_next_to_the_end(client) -> None:
    everything = _all_rows(client, "sources")
    assert len(everything) > 3
    seen, url, pages = [], "/queries/sources?limit=2", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        assert len(body["rows"]) <= 2
        seen += body["rows"]
        url = body.get("next")
        if url:
            assert response.headers["link"] == f'<{url}>; rel="next"'
            assert "offset=" in url
        pages += 1
    assert seen == everything
    assert pages == -(-len(everything) // 2)


def test_pages_of_a_query_with_its_own_limit(client) -> None:
    # search.rq ends with LIMIT 100: the page is cut from its rows, not by another LIMIT.
    assert paged_sparql(named_queries()["search"].sparql, 5, 0)[1] is False
    everything = _all_rows(client, "search", text="management")
    assert len(everything) > 2
    first = client.get("/queries/search", params={"text": "management", "limit": 2}).json()
    second = client.get(first["next"]).json()
    assert first["rows"] + second["rows"] == everything[:4]
    assert second["offset"] == 2


def test_offset_past_the_end_is_an_empty_page(client) -> None:
    body = client.get("/queries/standards-by-publisher", params={"offset": 100000}).json()
    assert body["rows"] == []
    assert "next" not in body


# --- formats ----------------------------------------------------------------------------------------

ADOPTION = "/queries/adoption?standard=GB/T%2024001-2016"


@pytest.mark.parametrize(
    ("accept", "format_param", "media"),
    [
        ("text/csv", None, "text/csv"),
        (None, "csv", "text/csv"),
        ("text/tab-separated-values", None, "text/tab-separated-values"),
        ("application/sparql-results+json", None, "application/sparql-results+json"),
        (None, "sparql-json", "application/sparql-results+json"),
        ("application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("application/json", None, "application/json"),
        ("*/*", None, "application/json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, "application/json"),
        ("text/turtle", "json", "application/json"),
    ],
)
def test_formats(client, accept, format_param, media) -> None:
    headers = {"Accept": accept} if accept else {}
    url = ADOPTION + (f"&format={format_param}" if format_param else "")
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert _media(response) == media


def test_csv_and_sparql_json_carry_the_rows(client) -> None:
    text = client.get(ADOPTION + "&format=csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["adopted"] for r in rows} == {"ISO 14001:2015"}
    assert {r["degree"] for r in rows} == {"IDT"}
    document = client.get(ADOPTION, headers={"Accept": "application/sparql-results+json"}).json()
    assert document["head"]["vars"][:3] == ["standard", "adopting", "adopted"]
    assert {b["degree"]["value"] for b in document["results"]["bindings"]} == {"IDT"}


def test_csv_page_links_the_next_one(client) -> None:
    response = client.get("/queries/standards-by-publisher", params={"limit": 1, "format": "tsv"})
    assert response.status_code == 200
    assert 'rel="next"' in response.headers["link"]


@pytest.mark.parametrize(
    ("accept", "format_param", "expected"),
    [
        (None, None, ROWS_FORMAT),
        ("application/json", None, ROWS_FORMAT),
        ("application/sparql-results+json", None, "json"),
        ("application/json, application/sparql-results+json;q=0.5", None, ROWS_FORMAT),
        ("application/sparql-results+json, application/json;q=0.5", None, "json"),
        ("text/csv", None, "csv"),
        (None, "JSON", ROWS_FORMAT),
        (None, "tsv", "tsv"),
        ("text/turtle", None, NotAcceptable),
        (None, "turtle", NotAcceptable),
        (None, "yaml", UnknownFormat),
    ],
)
def test_choose_format(accept, format_param, expected) -> None:
    if isinstance(expected, type):
        with pytest.raises(expected):
            choose_format(accept, format_param)
    else:
        assert choose_format(accept, format_param) == expected


# --- errors -----------------------------------------------------------------------------------------


def test_unknown_query_is_404_with_the_names(client) -> None:
    response = client.get("/queries/no-such-query")
    assert response.status_code == 404
    body = response.json()
    assert "no-such-query" in body["detail"]
    assert body["queries"] == list(named_queries())


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/queries/adoption", "needs the parameter standard"),
        ("/queries/adoption?standard=", "needs the parameter standard"),
        ("/queries/adoption?standard=GB/T%2024001-2016&colour=red", "has no parameter colour"),
        ("/queries/adoption?standard=a&standard=b", "more than once: standard"),
        ("/queries/requirements-for-product?market=EU&hs=abc", "parameter 'hs' (hs)"),
        ("/queries/adoption?standard=GB/T%2024001-2016&limit=0", "limit must be between 1 and"),
        (f"/queries/adoption?standard=GB/T%2024001-2016&limit={ROW_CAP + 1}", "limit must be between"),
        ("/queries/adoption?standard=GB/T%2024001-2016&limit=ten", "limit must be a whole number"),
        ("/queries/adoption?standard=GB/T%2024001-2016&offset=-1", "offset must be a whole number"),
    ],
)
def test_bad_parameters_are_422(client, url, words) -> None:
    response = client.get(url)
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]


def test_parameter_error_message_comes_from_the_query(client) -> None:
    response = client.get("/queries/requirements-for-product", params={"market": "EU", "hs": "12345"})
    assert response.status_code == 422
    assert "is not an HS code of 2, 4 or 6 digits" in response.json()["detail"]


def test_unacceptable_format_is_406(client) -> None:
    response = client.get(ADOPTION, headers={"Accept": "text/turtle"})
    assert response.status_code == 406
    assert client.get(ADOPTION + "&format=turtle").status_code == 406


def test_unknown_format_is_400(client) -> None:
    response = client.get(ADOPTION + "&format=yaml")
    assert response.status_code == 400
    assert "unknown format" in response.json()["detail"]
