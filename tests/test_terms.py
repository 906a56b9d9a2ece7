"""Cells of curated tables become typed terms, or a message that says what to write."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from stdgraph.namespaces import DCTERMS, SG, XSD
from stdgraph.terms import CellError, date_literal, evidence_level, source_terms, sourced


@pytest.mark.parametrize(
    ("cell", "datatype"),
    [("2016-10-13", XSD.date), ("2017-05", XSD.gYearMonth), ("2005", XSD.gYear)],
)
def test_dates_keep_the_precision_the_source_gives(cell: str, datatype) -> None:
    assert date_literal(cell).datatype == datatype


@pytest.mark.parametrize("cell", ["2016-13-01", "2016-02-30", "13 May 2016", "", "2005 (renewed 2011)"])
def test_bad_dates_are_refused(cell: str) -> None:
    with pytest.raises(CellError):
        date_literal(cell)


def test_sources_split_on_spaced_semicolons_and_keep_document_references() -> None:
    terms = source_terms("http://a.example/x;y=1 ; ToTA xml/pta_376.xml")
    assert terms == [URIRef("http://a.example/x;y=1"), Literal("ToTA xml/pta_376.xml")]


def test_empty_source_is_refused() -> None:
    with pytest.raises(CellError, match="needs a source"):
        source_terms("  ")


def test_evidence_levels() -> None:
    assert str(evidence_level("V")).endswith("/primary")
    assert str(evidence_level("V*")).endswith("/secondary")
    with pytest.raises(CellError):
        evidence_level("I")


def test_sourced_gives_source_and_evidence() -> None:
    s = URIRef("https://example.org/s")
    triples = list(sourced(s, "https://a.example ; https://b.example", "V*"))
    assert (s, DCTERMS.source, URIRef("https://b.example")) in triples
    assert sum(1 for t in triples if t[1] == SG.evidenceLevel) == 1
