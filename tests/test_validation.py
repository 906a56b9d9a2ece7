"""stdgraph.validation: reports in words and as JSON, on a realistic adoption."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal, URIRef

from stdgraph.namespaces import DCTERMS, SG
from stdgraph.validation import (
    ValidationError,
    ValidationReport,
    Violation,
    load_shapes,
    validate,
)

TTL = """
@prefix sg: <https://w3id.org/stdgraph/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix adoption: <https://w3id.org/stdgraph/id/adoption/> .
@prefix edition: <https://w3id.org/stdgraph/id/edition/> .
@prefix standard: <https://w3id.org/stdgraph/id/standard/> .
@prefix degree: <https://w3id.org/stdgraph/id/vocab/adoption-degree/> .
@prefix evidence: <https://w3id.org/stdgraph/id/vocab/evidence-level/> .

adoption:gb-t-24001_2016--iso-14001_2015 a sg:Adoption ;
    sg:adoptingEdition edition:gb-t-24001_2016 ; sg:adoptedEdition edition:iso-14001_2015 ;
    sg:adoptionDegree degree:IDT ;
    dcterms:source <http://xaw.net.cn/newsnr.asp?bid=24&id=1073> ;
    sg:evidenceLevel evidence:primary .
edition:gb-t-24001_2016 sg:adopts edition:iso-14001_2015 .
edition:gb-t-24001_2016 a sg:Edition ; dcterms:identifier "GB/T 24001-2016" ;
    sg:editionOf standard:gb-t-24001 .
edition:iso-14001_2015 a sg:Edition ; dcterms:identifier "ISO 14001:2015" ;
    sg:editionOf standard:iso-14001 .
standard:gb-t-24001 a sg:Standard ; dcterms:identifier "GB/T 24001" .
standard:iso-14001 a sg:Standard ; dcterms:identifier "ISO 14001" .
"""
ADOPTION = URIRef("https://w3id.org/stdgraph/id/adoption/gb-t-24001_2016--iso-14001_2015")
GB_EDITION = URIRef("https://w3id.org/stdgraph/id/edition/gb-t-24001_2016")
DEGREE_MESSAGE = "An adoption must state its degree"


def _graph() -> Graph:
    return Graph().parse(data=TTL, format="turtle")


def _without_degree() -> Graph:
    graph = _graph()
    graph.remove((ADOPTION, SG.adoptionDegree, None))
    return graph


def test_valid_graph_conforms_with_no_results() -> None:
    report = validate(_graph())
    assert report.conforms
    assert report.violations == []
    assert "no problems" in report.text()


def test_data_graph_is_not_modified() -> None:
    graph = _graph()
    before = len(graph)
    validate(graph)
    assert len(graph) == before


def test_report_names_the_focus_node_and_the_message() -> None:
    report = validate(_without_degree())
    assert not report.conforms
    [violation] = report.violations
    assert violation.focus_node == str(ADOPTION)
    assert violation.path == str(SG.adoptionDegree)
    assert violation.constraint_component == "MinCountConstraintComponent"
    assert violation.shape == "https://w3id.org/stdgraph/shapes#Adoption-adoptionDegree"
    assert violation.severity == "Violation"
    text = report.text()
    assert "GB/T 24001-2016 → adopts ISO 14001:2015" in text
    assert "sgid:adoption/gb-t-24001_2016--iso-14001_2015" in text
    assert DEGREE_MESSAGE in text


def test_report_falls_back_to_the_identifier_of_other_entities() -> None:
    graph = _graph()
    graph.set((GB_EDITION, DCTERMS.identifier, Literal("GB/T 24001")))  # no year
    text = validate(graph).text()
    assert "GB/T 24001 (sgid:edition/gb-t-24001_2016)" in text
    assert "must have exactly one reference that includes its year" in text


def test_to_dict_is_json_ready() -> None:
    data = validate(_without_degree()).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["conforms"] is False
    assert data["counts"] == {"Violation": 1}
    [item] = data["violations"]
    assert set(item) == {
        "focus_node",
        "path",
        "value",
        "severity",
        "message",
        "constraint_component",
        "shape",
        "focus_label",
        "property_name",
        "source_constraint",
    }
    assert item["focus_node"] == str(ADOPTION)
    assert item["message"].startswith(DEGREE_MESSAGE)
    assert item["property_name"] == "degree of correspondence"


def test_validation_error_carries_the_report() -> None:
    report = validate(_without_degree())
    with pytest.raises(ValidationError) as caught:
        raise ValidationError(report)
    assert caught.value.report is report
    assert str(caught.value) == report.text()


def test_focus_nodes_limit_the_check() -> None:
    graph = _without_degree()
    assert not validate(graph, focus_nodes=[ADOPTION]).conforms
    assert validate(graph, focus_nodes=[GB_EDITION]).conforms
    assert validate(graph, focus_nodes=[]).conforms


def test_sparql_result_carries_its_constraint() -> None:
    graph = _graph()
    graph.remove((GB_EDITION, SG.adopts, None))
    [violation] = validate(graph).violations
    assert violation.constraint_component == "SPARQLConstraintComponent"
    assert violation.source_constraint == "https://w3id.org/stdgraph/shapes#AdoptionShortcut"


def test_shapes_are_loaded_once() -> None:
    assert load_shapes() is load_shapes()


def test_empty_report_renders() -> None:
    report = ValidationReport(conforms=True)
    assert report.to_dict() == {"conforms": True, "counts": {}, "violations": []}
    assert isinstance(Violation, type)
