"""The W3C SPARQL 1.1 Protocol tests, read from their manifest and run against `/sparql`.

Each `mf:ProtocolTest` of `w3c-sparql11-protocol-tests/protocol/manifest.ttl` (under the shared data
folder: `STDGRAPH_SHARED_DATA`, else `../shared/data`) becomes one case: its `ut:graphData` is loaded into
an in-memory store as named graphs, its requests are sent in order through the FastAPI test client (the
manifest's `/sparql/` rewritten to `/sparql`), and the status class, result format and boolean it expects
are checked.

Out of scope, listed below with the reason and never skipped silently: the tests that expect an update to
succeed. The public endpoint is read-only, so for those the case asserts the opposite, a 403, and does not
send the follow-up queries that would check the update's effect.
"""

from __future__ import annotations

import json
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection

from api.app import create_app
from api.settings import ApiSettings
from stdgraph.config import shared_data_dir
from stdgraph.store import OxigraphStore

with warnings.catch_warnings():  # starlette warns that its test client will move to httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")

MANIFEST = shared_data_dir() / "w3c-sparql11-protocol-tests" / "protocol" / "manifest.ttl"

READ_ONLY = "the public endpoint is read-only: an update that the test expects to succeed is refused (403)"
OUT_OF_SCOPE = {
    "update_dataset_default_graph": READ_ONLY,
    "update_dataset_default_graphs": READ_ONLY,
    "update_dataset_named_graphs": READ_ONLY,
    "update_dataset_full": READ_ONLY,
    "update_post_form": READ_ONLY,
    "update_post_direct": READ_ONLY,
    "update_base_uri": READ_ONLY,
}

RESULTS_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = RESULTS_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"}


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: str | None
    expected_status: set[str]  # "2xx", "3xx", "4xx"
    expected_format: str | None
    expected_boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    label: str
    requests: list[HttpRequest]
    graphs: dict[str, Path] = field(default_factory=dict)  # graph IRI -> N-Triples file


def _read_manifest(path: Path) -> list[ProtocolTest]:
    graph = Graph().parse(path, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        name = str(entry).rsplit("#", 1)[-1]
        action = graph.value(entry, MF.action)
        requests = []
        for req in Collection(graph, graph.value(action, HT.requests)):
            body = graph.value(req, HT.body)
            headers_list = graph.value(req, HT.headers)
            headers = {}
            if headers_list is not None:
                for header in Collection(graph, headers_list):
                    headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
            resp = graph.value(req, HT.resp)
            boolean = graph.value(resp, MF.expectedBoolean)
            fmt = graph.value(resp, MF.expectedFormat)
            requests.append(
                HttpRequest(
                    method=str(graph.value(req, HT.methodName)),
                    path=str(graph.value(req, HT.absolutePath)),
                    headers=headers,
                    body=None if body is None else str(graph.value(body, CNT.chars)),
                    expected_status={
                        str(s).rsplit("StatusCode", 1)[-1] for s in graph.objects(resp, MF.expectedStatus)
                    },
                    expected_format=None if fmt is None else str(fmt),
                    expected_boolean=None if boolean is None else boolean.toPython(),
                )
            )
        graphs = {
            str(graph.value(data, RDFS.label)): path.parent / Path(str(graph.value(data, UT.graph))).name
            for data in graph.objects(entry, UT.graphData)
        }
        tests.append(ProtocolTest(name, str(graph.value(entry, MF.name)), requests, graphs))
    return tests


if not MANIFEST.exists():
    pytest.skip(f"no W3C protocol manifest at {MANIFEST} (set STDGRAPH_SHARED_DATA)", allow_module_level=True)

TESTS = _read_manifest(MANIFEST)


def _client(test: ProtocolTest) -> TestClient:
    store = OxigraphStore()
    store.replace_graphs({iri: Graph().parse(path, format="nt") for iri, path in test.graphs.items()})
    return TestClient(create_app(store, ApiSettings()))


def _send(client: TestClient, request: HttpRequest):
    assert request.path.startswith("/sparql/"), request.path
    path = "/sparql" + request.path[len("/sparql/") :]
    content = None if request.body is None else request.body.encode("utf-8")
    return client.request(request.method, path, content=content, headers=request.headers)


def _boolean(response) -> bool:
    media = response.headers["content-type"].split(";")[0]
    if media == "application/sparql-results+json":
        return json.loads(response.text)["boolean"]
    root = ET.fromstring(response.text)
    return root.find("{http://www.w3.org/2005/sparql-results#}boolean").text.strip() == "true"


def _check(response, request: HttpRequest) -> None:
    status_class = f"{response.status_code // 100}xx"
    assert status_class in request.expected_status, (response.status_code, response.text)
    media = response.headers.get("content-type", "").split(";")[0]
    if request.expected_format == "boolean":
        assert media in RESULTS_TYPES
    elif request.expected_format == "tabular":
        assert media in TABULAR_TYPES
    elif request.expected_format == "RDF":
        assert media in RDF_TYPES
    if request.expected_boolean is not None:
        assert _boolean(response) is request.expected_boolean


@pytest.mark.parametrize("test", [t for t in TESTS if t.name not in OUT_OF_SCOPE], ids=lambda t: t.name)
def test_protocol(test: ProtocolTest) -> None:
    """A manifest test in scope: every request answers as the manifest expects."""
    client = _client(test)
    for request in test.requests:
        _check(_send(client, request), request)


@pytest.mark.parametrize("test", [t for t in TESTS if t.name in OUT_OF_SCOPE], ids=lambda t: t.name)
def test_protocol_update_refused(test: ProtocolTest) -> None:
    """Out of scope (see OUT_OF_SCOPE): the update the test expects to succeed is refused with 403."""
    response = _send(_client(test), test.requests[0])
    assert response.status_code == 403, response.text
    assert "read-only" in response.text


def test_out_of_scope_list_matches_manifest() -> None:
    """Every out-of-scope name is in the manifest, and every test expecting an update to pass is listed."""
    names = {t.name for t in TESTS}
    assert set(OUT_OF_SCOPE) <= names
    for test in TESTS:
        first = test.requests[0]
        is_update = first.headers.get("content-type", "").startswith("application/sparql-update") or (
            (first.body or "").startswith("update=")
        )
        if is_update and first.expected_status & {"2xx", "3xx"}:
            assert test.name in OUT_OF_SCOPE, test.name
    assert len(TESTS) == 34
