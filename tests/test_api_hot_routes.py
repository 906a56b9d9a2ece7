"""The lookups' hot paths: `GET /queries/{name}` and `GET /standards/{id}` reach their endpoints through
`api.hot_routes.HotRoutes`, below FastAPI's routing, and answer exactly what the FastAPI routes answer;
named-query cells come straight from Oxigraph's terms, as `term_json` writes the same terms made rdflib."""

from __future__ import annotations

import threading
import warnings
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from api import named_queries as nq
from api.app import create_app
from api.hot_routes import HotRoutes
from api.named_queries import Call, ox_cell, run_call, term_json
from api.runner import Cancelled
from api.settings import ApiSettings
from stdgraph.queries import named_queries
from stdgraph.store import from_ox

with warnings.catch_warnings():  # starlette warns that its test client will move to httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def clients(default_store) -> tuple[TestClient, TestClient]:
    """(the app as served, the same app without `HotRoutes`: every request through FastAPI's router)."""
    settings = ApiSettings(row_cap=500)
    routed = create_app(default_store, settings)
    routed.user_middleware = [m for m in routed.user_middleware if m.cls is not HotRoutes]
    return TestClient(create_app(default_store, settings)), TestClient(routed)


def _answer(response) -> tuple:
    headers = {k: v for k, v in response.headers.items() if k != "content-length"}
    return response.status_code, headers, response.content


PATHS = [
    "/queries/adoption?standard=GB%2FT+24001-2016",
    "/queries/adoption?standard=GB%2FT+24001-2016&format=sparql-json",
    "/queries/adoption?standard=GB%2FT+24001-2016&format=csv",
    "/queries/adoption?standard=GB%2FT+24001-2016&limit=1&offset=1",
    "/queries/sources",  # typed literals: integers and a dateTime
    "/queries/adoption",  # 422: the parameter is missing
    "/queries/adoption?standard=GB%2FT+24001-2016&bogus=1",  # 422: an unknown parameter
    "/queries/adoption?standard=GB%2FT+24001-2016&limit=x",  # 422: a bad limit
    "/queries/no-such-query",  # 404 with the known names
    "/queries/",  # no name: FastAPI's own answer
    "/standards/" + quote("ISO 14067:2018", safe=":"),
    "/standards/" + quote("GB/T 24001-2016", safe="/:"),
    "/standards/ISO%2014064-1",  # a work
    "/standards/gb-t-24001_2016",  # a slug
    "/standards/ISO%2014068",  # 404 with suggestions
    "/standards/",  # 422: empty
    "/standards/ISO%2014067:2018?format=turtle",
    "/standards/ISO%2014067:2018?bogus=1",  # 422
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("accept", ["application/json", "text/html,*/*;q=0.8", "text/csv"])
def test_the_hot_path_answers_what_the_router_answers(clients, path: str, accept: str) -> None:
    hot, routed = clients
    headers = {"Accept": accept}
    assert _answer(hot.get(path, headers=headers)) == _answer(routed.get(path, headers=headers))


def test_the_hot_path_is_taken(clients, monkeypatch: pytest.MonkeyPatch) -> None:
    hot, routed = clients
    calls = []
    endpoint = nq.run_named_query

    async def counted(name, request):
        calls.append(name)
        return await endpoint(name, request)

    monkeypatch.setattr(nq, "run_named_query", counted)  # what HotRoutes calls; the route holds its own
    assert hot.get("/queries/sources").status_code == 200
    assert routed.get("/queries/sources").status_code == 200
    assert calls == ["sources"]


@pytest.mark.parametrize("method", ["HEAD", "POST", "DELETE"])
def test_other_methods_go_through_the_router(clients, method: str) -> None:
    hot, routed = clients
    for path in ("/queries/adoption?standard=GB%2FT+24001-2016", "/standards/ISO%2014067:2018"):
        assert _answer(hot.request(method, path)) == _answer(routed.request(method, path))


def test_both_paths_stay_documented(clients) -> None:
    hot, routed = clients
    paths = hot.get("/openapi.json").json()["paths"]
    assert "get" in paths["/queries/{name}"]
    assert "get" in paths["/standards/{id}"]
    assert hot.get("/openapi.json").json() == routed.get("/openapi.json").json()


def test_an_app_under_a_root_path_goes_through_the_router(default_store) -> None:
    client = TestClient(create_app(default_store), root_path="/api")
    response = client.get("/api/queries/adoption", params={"standard": "GB/T 24001-2016"})
    assert response.status_code == 200
    assert response.json()["rows"]


# --- cells ------------------------------------------------------------------------------------------


TERMS = [
    ox.NamedNode("https://w3id.org/stdgraph/id/edition/iso-14067_2018"),
    ox.BlankNode("b0"),
    ox.Literal("plain"),
    ox.Literal("碳足迹", language="zh"),
    ox.Literal("2018-08-01", datatype=ox.NamedNode(XSD + "date")),
    ox.Literal("2026-11-23T18:01:34Z", datatype=ox.NamedNode(XSD + "dateTime")),  # rdflib: +00:00
    ox.Literal("01", datatype=ox.NamedNode(XSD + "integer")),  # rdflib: 1
    ox.Literal("1", datatype=ox.NamedNode(XSD + "boolean")),  # rdflib: true
    ox.Literal("0.90", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("x", datatype=ox.NamedNode("https://example.org/custom")),
]


@pytest.mark.parametrize("term", TERMS, ids=str)
def test_a_cell_is_what_term_json_writes_for_the_rdflib_term(term) -> None:
    assert ox_cell(term) == term_json(from_ox(term))


def test_run_call_stops_reading_rows_when_told(default_store) -> None:
    named = named_queries()["sources"]
    call = Call(named, {}, {}, 100, 0)
    assert run_call(default_store, call).rows  # rows to read
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        run_call(default_store, call, stop)


def test_run_call_pages(default_store) -> None:
    named = named_queries()["sources"]
    everything = run_call(default_store, Call(named, {}, {}, 500, 0))
    assert not everything.more and len(everything.rows) > 2
    page = run_call(default_store, Call(named, {}, {}, 2, 1))
    assert page.more and page.rows == everything.rows[1:3]
    assert page.variables == everything.variables


def test_paging_is_decided_once_per_query_text() -> None:
    nq._pages_itself.cache_clear()
    text = named_queries()["adoption"].sparql
    for offset in range(3):
        assert nq.paged_sparql(text, 10, offset)[1] is True
    assert nq._pages_itself.cache_info().misses == 1


# --- one record's reading ---------------------------------------------------------------------------


def test_a_record_reads_each_subject_once(default_store) -> None:
    from api.resource_common import RecordReader
    from stdgraph import identifiers
    from stdgraph.namespaces import DCTERMS, SG

    edition = identifiers.edition_iri("GB/T 24001-2016")
    work = identifiers.standard_iri("GB/T 24001")
    iris = [edition, work, "https://example.org/not-in-the-graph"]
    asked: list[list[str]] = []

    class Counting:  # another kind of store: its rdflib terms are converted
        def describe(self, wanted):
            asked.append(list(wanted))
            return default_store.describe(wanted)

    reader = RecordReader(Counting())  # type: ignore[arg-type]
    first = reader.describe(iris)
    again = reader.describe([edition, edition])
    embedded = RecordReader(default_store).describe(iris)
    for prop in (str(DCTERMS.identifier), str(DCTERMS.source), str(SG.hasEdition), str(SG.editionOf)):
        for iri in iris:
            assert list(first.objects(iri, prop)) == list(embedded.objects(iri, prop))
        assert list(again.objects(edition, prop)) == list(embedded.objects(edition, prop))
        assert list(again.objects(work, prop)) == []  # only the subjects asked for
    assert first.value(work, str(SG.hasEdition)) is not None
    assert asked == [iris]
