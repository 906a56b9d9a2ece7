"""The `/standards/{id}` record read in Oxigraph's terms: the same record from a store that answers in
rdflib terms (a remote endpoint's), and `text` writing each kind of literal as rdflib did."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from starlette.requests import Request

from api.app import create_app
from api.facts import text
from api.lookup import resolve_standard
from api.standards import standard_record
from stdgraph.store import from_ox

XSD = "http://www.w3.org/2001/XMLSchema#"


class RdflibStore:
    """The default store seen through the `GraphStore` methods a record calls, as a store other than the
    embedded one (whose rows and triples come back as rdflib terms)."""

    def __init__(self, store) -> None:
        self.store = store

    def select(self, query, bindings=None):
        return self.store.select(query, bindings)

    def describe(self, iris):
        return self.store.describe(iris)


@pytest.mark.parametrize("given", ["GB/T 24001-2016", "ISO 14067:2018", "ISO 14064-1", "ISO 14001:2015"])
def test_the_record_is_the_same_from_a_store_in_rdflib_terms(default_store, given: str) -> None:
    app = create_app(default_store)
    request = Request({"type": "http", "app": app, "headers": [], "path": "/", "query_string": b""})
    resolved = resolve_standard(default_store, given)
    embedded = standard_record(default_store, request, resolved.iri, resolved.types, "http://x")
    other = standard_record(RdflibStore(default_store), request, resolved.iri, resolved.types, "http://x")  # type: ignore[arg-type]
    assert other == embedded
    assert embedded["adopts"] or embedded["adopted_by"] or embedded["editions"]


@pytest.mark.parametrize(
    "term",
    [
        ox.NamedNode("https://w3id.org/stdgraph/id/edition/iso-14067_2018"),
        ox.BlankNode("b0"),
        ox.Literal("ISO 14067:2018"),
        ox.Literal("碳足迹", language="zh"),
        ox.Literal("2018-08-01", datatype=ox.NamedNode(XSD + "date")),
        ox.Literal("2026-11-23T18:01:34Z", datatype=ox.NamedNode(XSD + "dateTime")),
        ox.Literal("01", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("0.90", datatype=ox.NamedNode(XSD + "decimal")),
        ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
        ox.Literal("not a date", datatype=ox.NamedNode(XSD + "date")),
    ],
)
def test_text_is_what_str_gave_of_the_rdflib_term(term) -> None:
    assert text(term) == str(from_ox(term))
