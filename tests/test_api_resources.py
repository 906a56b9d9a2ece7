"""The resource API on the default graph: standards (search, facets, pages, one standard with its
adoptions both ways, supersession, equivalents, schemes), bodies, schemes, arrangements, agreements,
markets; formats, 404 with suggestions, 422 in words."""

from __future__ import annotations

import csv
import json
import warnings
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from api import standard_search, standards
from api.app import create_app
from api.entities import KINDS
from api.settings import ApiSettings
from stdgraph import config, identifiers
from stdgraph.namespaces import SG, SGID
from stdgraph.store import from_ox

with warnings.catch_warnings():  # starlette warns that its test client will move to httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


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
    return TestClient(create_app(default_store, ApiSettings(row_cap=500)))


def _get(client, url: str, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.text)
    return response.json()


def _csv(name: str) -> list[dict]:
    with open(config.CURATED_DIR / name, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _urls(cell: str) -> set[str]:
    return {item.strip() for item in cell.split(" ; ") if item.strip()}


ADOPTIONS = _csv("adoptions.csv")
EVIDENCE = {"V": "primary", "V*": "secondary"}


# --- one standard -----------------------------------------------------------------------------------


@pytest.mark.parametrize("row", ADOPTIONS, ids=[f"{r['adopting']}>{r['adopted']}" for r in ADOPTIONS])
def test_every_curated_adoption_shows_both_ways_with_degree_and_source(client, row) -> None:
    adopting = _get(client, f"/standards/{quote(row['adopting'], safe='')}")
    assert adopting["id"] == row["adopting"]
    records = [a for a in adopting["adopts"] if a["adopted"]["id"] == row["adopted"]]
    assert len(records) == 1, adopting["adopts"]
    record = records[0]
    assert record["degree"] == row["degree"]
    assert record["evidence"] == EVIDENCE[row["confidence"]]
    assert {s["url"] for s in record["sources"]} == _urls(row["source"])
    assert record["adopted"]["iri"] == identifiers.edition_iri(row["adopted"])
    adopted = _get(client, f"/standards/{quote(row['adopted'], safe='')}")
    assert row["adopting"] in {a["adopting"]["id"] for a in adopted["adopted_by"]}


@pytest.mark.parametrize(
    "written",
    [
        "GB/T 24001-2016",
        "ｇｂ／ｔ　２４００１—２０１６",
        "gb-t-24001_2016",
        "https://w3id.org/stdgraph/id/edition/gb-t-24001_2016",
    ],
)
def test_what_users_write_resolves(client, written) -> None:
    body = _get(client, "/standards/" + quote(written, safe=""))
    assert body["iri"] == str(SGID["edition/gb-t-24001_2016"])
    assert body["kind"] == "edition"
    assert body["work"]["id"] == "GB/T 24001"
    assert body["evidence"] == "secondary"
    assert "http://xaw.net.cn/newsnr.asp?bid=24&id=1073" in {s["url"] for s in body["sources"]}


def test_a_work_lists_its_editions_and_the_adoptions_of_all_of_them(client) -> None:
    body = _get(client, "/standards/ISO%2014064-1")
    assert body["kind"] == "standard"
    assert "ISO 14064-1:2018" in {e["id"] for e in body["editions"]}
    en = [a for a in body["adopted_by"] if a["adopting"]["id"] == "EN ISO 14064-1:2019"]
    assert en and en[0]["degree"] == "not-established" and en[0]["evidence"] == "primary"


def test_supersession_chain_both_ways(client) -> None:
    rows = {r["identifier"]: r for r in _csv("standards.csv")}
    middle = next(
        i for i, r in rows.items() if r["supersedes"] and any(s["supersedes"] == i for s in rows.values())
    )
    later = next(i for i, r in rows.items() if r["supersedes"] == middle)
    body = _get(client, "/standards/" + quote(middle, safe=""))
    assert rows[middle]["supersedes"] in {e["id"] for e in body["supersession"]["earlier"]}
    assert later in {e["id"] for e in body["supersession"]["later"]}
    assert all(e["sources"] for e in body["supersession"]["earlier"])


def test_equivalents_reach_the_root_and_every_adoption_of_it(client) -> None:
    body = _get(client, "/standards/GB%2FT%2024001-2016")
    family = body["equivalents"]
    assert family["root"]["id"] == "ISO 14001:2015"
    members = {(m["id"], m["adopts"]): m for m in family["members"]}
    assert members[("GB/T 24001-2016", "ISO 14001:2015")]["degree"] == "IDT"
    assert all(m["sources"] for m in family["members"])


def test_schemes_based_on_a_standard(client) -> None:
    based_on = [r for r in _csv("schemes.csv") if "ISO 14024" in r.get("based_on", "")]
    body = _get(client, "/standards/ISO%2014024")
    names = {s["name"] for s in body["schemes"]}
    assert based_on, "schemes.csv names schemes based on ISO 14024"
    assert {r["name_en"] for r in based_on} <= names
    assert all(s["sources"] and s["evidence"] in ("primary", "secondary") for s in body["schemes"])


def test_unknown_standard_is_404_with_the_closest_identifiers(client) -> None:
    response = client.get("/standards/ISO%2014068")
    assert response.status_code == 404
    body = response.json()
    assert "ISO 14068" in body["detail"]
    assert body["suggestions"][0]["id"] == "ISO 14068-1:2023"
    slug = client.get("/standards/gb-t-24001_2099").json()
    assert "GB/T 24001-2016" in {s["id"] for s in slug["suggestions"]}


def test_empty_and_malformed_standard_ids(client) -> None:
    assert client.get("/standards/%20").status_code == 422
    response = client.get("/standards/not%20a%20standard")
    assert response.status_code == 404
    assert "not a standard" in response.json()["detail"]


# --- search -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("carbon footprint", "ISO 14067:2018"),
        ("环境管理体系", "GB/T 24001-2016"),
        ("ISO 14064", "ISO 14064-1:2018"),
        ("ｉｓｏ　１４０６４", "ISO 14064-1:2018"),
    ],
)
def test_search_by_text_in_english_chinese_and_identifiers(client, q, expected) -> None:
    body = _get(client, "/standards", params={"q": q, "limit": 200})
    assert expected in {item["id"] for item in body["items"]}
    assert body["total"] == len(body["items"])


def test_filters_and_facets_agree(client) -> None:
    everything = _get(client, "/standards", params={"limit": 200})
    by_status = {f["value"]: f["count"] for f in everything["facets"]["status"]}
    withdrawn = _get(client, "/standards", params={"status": "withdrawn", "limit": 200})
    assert withdrawn["total"] == by_status["withdrawn"] == len(withdrawn["items"])
    assert {item["status"] for item in withdrawn["items"]} == {"withdrawn"}
    sac = _get(client, "/standards", params={"publisher": "SAC", "type": "national-standard", "limit": 200})
    assert sac["items"] and {i["publisher"]["iri"] for i in sac["items"]} == {str(SGID["org/sac-cn"])}
    assert "GB/T 24001-2016" in {i["id"] for i in sac["items"]}
    assert sum(f["count"] for f in everything["facets"]["publisher"]) == everything["total"]


def test_pages_follow_next_to_the_end_in_identifier_order(client) -> None:
    everything = _get(client, "/standards", params={"limit": 200})
    ids, url, pages = [], "/standards?limit=7", 0
    while url:
        response = client.get(url)
        body = response.json()
        assert body["total"] == everything["total"]
        ids += [item["id"] for item in body["items"]]
        url = body["links"].get("next")
        if pages:
            assert "prev" in body["links"] and 'rel="prev"' in response.headers["link"]
        pages += 1
    assert ids == [item["id"] for item in everything["items"]]
    assert ids == sorted(ids)
    assert pages == -(-everything["total"] // 7)


# --- formats ----------------------------------------------------------------------------------------


def test_turtle_and_json_ld_hold_the_triples(client) -> None:
    edition = URIRef(str(SGID["edition/gb-t-24001_2016"]))
    turtle = client.get("/standards/GB%2FT%2024001-2016", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = parse_rdf(turtle.text, "turtle")
    assert (edition, SG.adopts, URIRef(str(SGID["edition/iso-14001_2015"]))) in graph
    jsonld = client.get("/standards/GB%2FT%2024001-2016?format=jsonld")
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert set(parse_rdf(jsonld.text, "json-ld")) == set(graph)
    page = client.get("/standards?q=ISO&limit=3", headers={"Accept": "application/ld+json"})
    assert len({s for s in parse_rdf(page.text, "json-ld").subjects()}) >= 3


@pytest.mark.parametrize(
    ("accept", "status", "media"),
    [
        (None, 200, "application/json"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", 200, "application/json"),
        ("application/n-triples", 200, "application/n-triples"),
        ("application/rdf+xml", 200, "application/rdf+xml"),
        ("image/png", 406, "application/json"),
    ],
)
def test_negotiation(client, accept, status, media) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/bodies/iso", headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"].startswith(media)


# --- errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/standards?status=current", 422, "status 'current' is not one of"),
        ("/standards?type=book", 422, "type 'book' is not one of"),
        ("/standards?ics=thirteen", 422, "is not an ICS code"),
        ("/standards?limit=ten", 422, "limit must be a whole number"),
        ("/standards?limit=0", 422, "limit must be between 1 and"),
        ("/standards?sort=title", 422, "unknown parameter(s): sort"),
        ("/standards?committee=ISO/TC%20999", 404, "no technical committee"),
        ("/standards?publisher=NOPE", 404, "no standards body 'NOPE'"),
        ("/standards?format=yaml", 400, "unknown format"),
        ("/schemes?type=green", 422, "type 'green' is not one of"),
        ("/bodies?market=China", 422, "is not an ISO 3166-1 alpha-2 code"),
        ("/agreements?type=fta", 422, "have no type"),
        ("/markets/C1", 422, "is not an ISO 3166-1 alpha-2 code"),
        ("/markets/ZZ", 404, "no market 'ZZ'"),
    ],
)
def test_bad_requests_say_what_is_wrong(client, url, status, words) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]


def test_unknown_body_suggests_close_ids(client) -> None:
    response = client.get("/bodies/sac")
    assert response.status_code == 404
    assert {"sac-cn", "sac-sg"} <= {s["id"] for s in response.json()["suggestions"]}


# --- other entities ---------------------------------------------------------------------------------


def test_body_by_acronym_with_its_participations(client) -> None:
    body = _get(client, "/bodies/CNAS")
    assert body["id"] == "cnas-cn"
    assert body["properties"]["jurisdiction"][0]["iri"] == str(SGID["market/CN"])
    arrangements = {a["iri"] for p in body["participations"] for a in p.get("inArrangement", [])}
    assert str(SGID["arrangement/iaf-mla"]) in arrangements
    assert all(p["sources"] for p in body["participations"])


def test_body_list_filters(client) -> None:
    standards_bodies = _get(client, "/bodies", params={"type": "standards-body", "limit": 200})
    assert "iso" in {i["id"] for i in standards_bodies["items"]}
    assert all("StandardsBody" in i["types"] for i in standards_bodies["items"])
    chinese = _get(client, "/bodies", params={"market": "CN", "limit": 200})
    assert {"sac-cn", "cnas-cn"} <= {i["id"] for i in chinese["items"]}


def test_scheme_and_its_standard(client) -> None:
    body = _get(client, "/schemes/china-environmental-labelling")
    assert body["properties"]["basedOn"][0]["iri"] == str(SGID["standard/iso-14024"])
    ecolabels = _get(client, "/schemes", params={"type": "type-i-ecolabel", "limit": 200})
    assert "china-environmental-labelling" in {i["id"] for i in ecolabels["items"]}


def test_arrangement_with_its_participants(client) -> None:
    body = _get(client, "/arrangements/iaf-mla")
    assert body["participants"]
    assert all(p["sources"] and p["evidence"] for p in body["participants"])
    mra = _get(client, "/arrangements/eu-jp-mra")
    parties = {p["iri"] for p in mra["properties"]["party"]}
    assert parties == {str(SGID["market/EU"]), str(SGID["market/JP"])}


def swiss_agreement_id() -> str:
    """The China-Switzerland FTA's id: its DESTA number where the curated file matched one."""
    row = next(r for r in _csv("trade_agreements.csv") if r["key"] == "cn-ch-fta")
    return f"desta-{row['desta']}" if row.get("desta") else "cn-ch-fta"


def test_agreement_with_environment_chapter_articles_and_provisions(client) -> None:
    chapters = [r for r in _csv("agreement_chapters.csv") if r.get("agreement") == "cn-ch-fta"]
    body = _get(client, f"/agreements/{swiss_agreement_id()}")
    assert body["environment_chapters"]
    environment = next(c for c in body["chapters"] if c["iri"] == body["environment_chapters"][0])
    assert environment["articles"] and all(a["links"]["html"] for a in environment["articles"])
    assert body["provisions"] and all(p["provisionCategory"] for p in body["provisions"])
    assert all(p["sources"] for p in body["provisions"])
    if chapters:
        assert len(body["chapters"]) == len(chapters)


def test_market_gathers_what_the_graph_holds(client) -> None:
    china = _get(client, "/markets/CN")
    assert {"sac-cn", "cnas-cn"} <= {b["id"] for b in china["bodies"]}
    assert swiss_agreement_id() in {a["id"] for a in china["agreements"]}
    germany = _get(client, "/markets/de")
    imposers = {m["iri"] for r in germany["requirements"] for m in r.get("market", [])}
    assert str(SGID["market/EU"]) in imposers  # a member state sees its union's requirements
    assert "EU" in {u["id"] for u in germany["unions"]}
    assert len(_get(client, "/markets/EU")["members"]) == 27


# --- OpenAPI ----------------------------------------------------------------------------------------


def test_openapi_documents_every_resource_route_with_examples(client) -> None:
    spec = client.get("/openapi.json").json()
    routes = [
        "/standards",
        "/standards/{id}",
        "/bodies",
        "/bodies/{id}",
        "/schemes",
        "/schemes/{id}",
        "/arrangements",
        "/arrangements/{id}",
        "/agreements",
        "/agreements/{id}",
        "/markets/{code}",
        "/id/{path}",
        "/ontology",
    ]
    for route in routes:
        operation = spec["paths"][route]["get"]
        assert operation["summary"], route
        params = [p for p in operation.get("parameters", []) if p["in"] == "path"]
        for param in params:
            assert param.get("examples") or param["schema"].get("examples"), (route, param)
    standards_q = next(p for p in spec["paths"]["/standards"]["get"]["parameters"] if p["name"] == "q")
    assert standards_q["examples"]["zh"]["value"] == "环境管理"
    assert json.dumps(spec)  # serialisable


def test_readme_documents_every_resource_route(client) -> None:
    readme = (config.REPO_ROOT / "README.md").read_text(encoding="utf-8")
    spec = client.get("/openapi.json").json()
    ours = [p for p in spec["paths"] if p.split("/")[1] in (*KINDS, "standards", "markets", "id", "ontology")]
    missing = [p for p in ours if p.split("{")[0].rstrip("/") not in readme]
    assert not missing, f"document these routes in README.md: {missing}"


@pytest.mark.parametrize("params", [{}, {"publisher": "SAC"}, {"status": "published"}])
def test_pages_cut_from_the_sorted_keys_match_the_sorted_query(default_store, params) -> None:
    search = standard_search.read_search(default_store, params)
    keys = standard_search.sorted_keys(default_store, search)
    assert len(keys) == standard_search.facet_counts(default_store, search)["total"]
    for offset in (0, 7):
        assert keys[offset : offset + 7] == standard_search.page_rows(default_store, search, 7, offset)


def test_large_match_sets_page_from_the_cached_keys(default_store, monkeypatch) -> None:
    fresh = TestClient(create_app(default_store))
    expected = _get(fresh, "/standards", params={"limit": 9, "offset": 9})
    monkeypatch.setattr(standards, "SORT_HERE_ABOVE", 0)
    cut = _get(TestClient(create_app(default_store)), "/standards", params={"limit": 9, "offset": 9})
    assert cut == expected
