"""The shapes compiled to SPARQL: the same results as pySHACL, and a loud refusal of what it cannot compile.

Every shape fixture of tests/shapes is compared in tests/test_shapes.py and the default build in
tests/test_default_graph.py (they share pySHACL's runs); here: SHACL Core components the project's
shapes do not use yet, focus nodes, the refusals and the CLI.
"""

from __future__ import annotations

import pytest
from rdflib import Graph

from stdgraph import shacl_sparql
from stdgraph.shacl_sparql import UnsupportedShapeError, compile_shapes, validate_graph
from stdgraph.validation import ValidationReport, validate

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

# SHACL Core components beyond those of shapes/stdgraph-shapes.ttl, so that a shape another helper
# adds with them is checked the same way by both engines.
EXTRA_SHAPES = (
    PREFIXES
    + """
ex:ThingShape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:code ; sh:minLength 2 ; sh:maxLength 4 ; sh:message "code length" ] ,
        [ sh:path ex:label ; sh:languageIn ( "en" "zh" ) ; sh:uniqueLang true ; sh:message "labels" ] ,
        [ sh:path ex:kind ; sh:hasValue ex:good ; sh:message "kind" ] ,
        [ sh:path ex:part ; sh:node ex:PartShape ; sh:minCount 2 ; sh:message "parts" ] ,
        [ sh:path ex:score ; sh:datatype xsd:integer ; sh:minExclusive 0 ; sh:maxInclusive 10 ;
          sh:message "score" ] ,
        [ sh:path [ sh:inversePath ex:owns ] ; sh:maxCount 1 ; sh:message "one owner" ] ,
        [ sh:path ( ex:part ex:code ) ; sh:pattern "^P" ; sh:flags "i" ; sh:message "part codes" ] ,
        [ sh:path ex:alt ; sh:xone ( [ sh:datatype xsd:string ] [ sh:nodeKind sh:IRI ] ) ;
          sh:message "xone" ] ,
        [ sh:path ex:both ; sh:and ( [ sh:nodeKind sh:IRI ] [ sh:class ex:Part ] ) ; sh:message "and" ] .
ex:PartShape a sh:NodeShape ;
    sh:property [ sh:path ex:code ; sh:minCount 1 ] .
ex:Special a sh:NodeShape , rdfs:Class ;
    sh:not [ sh:property [ sh:path ex:kind ; sh:hasValue ex:bad ] ] ;
    sh:message "not bad" .
ex:NodeTargets a sh:NodeShape ;
    sh:targetNode ex:n1 ;
    sh:targetSubjectsOf ex:owns ;
    sh:property [ sh:path ex:code ; sh:minCount 1 ; sh:message "needs a code" ] .
"""
)

EXTRA_DATA = (
    PREFIXES
    + """
ex:Part rdfs:subClassOf ex:Component .
ex:good1 a ex:Thing ; ex:code "AB" ; ex:label "a"@en , "b"@zh ; ex:kind ex:good ;
    ex:part ex:p1 , ex:p2 ; ex:score 5 ; ex:alt "x" ; ex:both ex:p1 .
ex:p1 a ex:Part ; ex:code "P1" .
ex:p2 a ex:Part ; ex:code "p2" .
ex:bad1 a ex:Thing ; ex:code "A" , "ABCDE" , ex:iri ; ex:label "a"@en , "b"@EN , "c"@fr , "d" ;
    ex:kind ex:other ; ex:part ex:p3 ; ex:score 0 , 11 , "3" ; ex:alt ex:q , "y"^^xsd:token ;
    ex:both "lit" , ex:p3 .
ex:p3 ex:code "Q3" .
ex:o1 ex:owns ex:bad1 .
ex:o2 ex:owns ex:bad1 .
ex:s1 a ex:Special ; ex:kind ex:bad .
ex:n1 ex:label "no code"@en .
"""
)


def _keys(report: ValidationReport) -> set[tuple[str, str, str, str | None, str]]:
    return {
        (v.focus_node, v.path or "", v.constraint_component, v.value, v.severity) for v in report.violations
    }


@pytest.mark.parametrize("scan", [False, True], ids=["join", "scan"])
def test_components_beyond_the_project_shapes_agree_with_pyshacl(scan: bool, monkeypatch) -> None:
    if scan:  # the scan forms the engine takes for many focus nodes, forced
        monkeypatch.setattr(shacl_sparql, "_SCAN_FROM", 0)
    shapes = Graph().parse(data=EXTRA_SHAPES, format="turtle")
    data = Graph().parse(data=EXTRA_DATA, format="turtle")
    expected = validate(data, shapes=shapes)
    found = validate_graph(data, shapes=shapes)
    components = {v.constraint_component for v in expected.violations}
    assert len(components) >= 12, components  # the data breaks most of the components above
    assert _keys(found) == _keys(expected), found.text()
    assert {v.message for v in found.violations} == {v.message for v in expected.violations}


def test_focus_nodes_limit_the_check_to_their_own_results() -> None:
    """Focus nodes keep exactly the full run's results about them (pySHACL's `focus_nodes` does not:
    it also filters the value nodes of nested shapes, and reports `sh:xone` on a conforming value)."""
    shapes = Graph().parse(data=EXTRA_SHAPES, format="turtle")
    data = Graph().parse(data=EXTRA_DATA, format="turtle")
    only = "https://example.org/bad1"
    everything = validate(data, shapes=shapes)
    found = validate_graph(data, shapes=shapes, focus_nodes=[only])
    assert {v.focus_node for v in found.violations} == {only}
    assert _keys(found) == {k for k in _keys(everything) if k[0] == only}
    assert validate_graph(data, shapes=shapes, focus_nodes=[]).conforms


@pytest.mark.parametrize(
    ("shape", "feature"),
    [
        ("sh:closed true", "sh:closed"),
        (
            "sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:A ] ; "
            "sh:qualifiedMinCount 1 ]",
            "sh:qualified",
        ),
        ("sh:property [ sh:path ex:p ; sh:equals ex:q ]", "sh:equals"),
        ("sh:property [ sh:path ex:p ; sh:lessThan ex:q ]", "sh:lessThan"),
        ("sh:or ( [ sh:path ex:p ; sh:minCount 9 ] [ sh:path ex:q ; sh:minCount 1 ] )", "count above"),
        ('sh:sparql [ sh:ask "ASK { $this ?p ?o }" ]', "sh:ask"),
    ],
)
def test_an_unsupported_feature_is_refused_with_the_shape_and_the_feature(shape: str, feature: str) -> None:
    shapes = Graph().parse(
        data=PREFIXES + f"ex:BadShape a sh:NodeShape ; sh:targetClass ex:A ; {shape} .", format="turtle"
    )
    with pytest.raises(UnsupportedShapeError) as info:
        compile_shapes(shapes)
    message = str(info.value)
    assert feature in message and "compiler" in message
    assert "https://example.org/BadShape" in message or "_:" in message


def test_the_project_shapes_compile() -> None:
    from stdgraph.shacl_sparql import compiled_shapes

    compiled = compiled_shapes()
    components = {c.component for c in compiled.checks}
    assert {"SPARQLConstraintComponent", "OrConstraintComponent", "NotConstraintComponent"} <= components
    assert len(compiled.checks) > 100


def test_the_cli_validates_with_either_engine(tmp_path) -> None:
    from typer.testing import CliRunner

    from stdgraph.cli import app

    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix sg: <https://w3id.org/stdgraph/ontology#> .\n"
        "<https://w3id.org/stdgraph/id/adoption/x> a sg:Adoption .\n"
    )
    outputs = {}
    for engine in ("sparql", "pyshacl"):
        result = CliRunner().invoke(app, ["validate", "--engine", engine, str(bad)])
        assert result.exit_code == 1, result.output
        outputs[engine] = result.output
    assert outputs["sparql"] == outputs["pyshacl"] and "must state its degree" in outputs["sparql"]
    assert CliRunner().invoke(app, ["validate", "--engine", "jena", str(bad)]).exit_code == 2


# Constraints on one path are checked by one query (value constraints) and one more (counts), with a flag
# per constraint: a value that breaks several of them, a node with too many values that also break them,
# two property shapes on the same path, a node with no value at all.
FOLDED_SHAPES = (
    PREFIXES
    + """
ex:CodeShape a sh:NodeShape ;
    sh:targetClass ex:Coded ;
    sh:property [ sh:path ex:code ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ;
                  sh:pattern "^A" ; sh:maxLength 3 ; sh:message "code" ] ,
        [ sh:path ex:code ; sh:minCount 2 ; sh:nodeKind sh:Literal ; sh:severity sh:Warning ;
          sh:message "second shape on code" ] ,
        [ sh:path ex:ref ; sh:class ex:Target ; sh:nodeKind sh:IRI ; sh:maxCount 0 ; sh:message "ref" ] .
"""
)
FOLDED_DATA = (
    PREFIXES
    + """
ex:good a ex:Coded ; ex:code "AB" .
ex:many a ex:Coded ; ex:code "AB" , "BCDE"^^xsd:token , ex:iri ; ex:ref ex:t , "lit" .
ex:none a ex:Coded .
ex:t a ex:Target .
"""
)


@pytest.mark.parametrize("scan", [False, True], ids=["join", "scan"])
def test_folded_checks_of_one_path_report_each_broken_constraint_as_pyshacl_does(
    scan: bool, monkeypatch
) -> None:
    if scan:
        monkeypatch.setattr(shacl_sparql, "_SCAN_FROM", 0)
    shapes = Graph().parse(data=FOLDED_SHAPES, format="turtle")
    data = Graph().parse(data=FOLDED_DATA, format="turtle")
    compiled = compile_shapes(shapes)
    shared = [c for c in compiled.checks if c.flag is not None]
    assert len({c.query for c in shared}) < len(shared)  # the checks above do share queries
    assert all(c.scan_query for c in compiled.checks if "Count" not in c.component)
    expected = validate(data, shapes=shapes)
    found = validate_graph(data, shapes=shapes)
    by_node = {}
    for key in _keys(found):
        by_node.setdefault((key[0], key[3]), set()).add(key[2])
    # one value breaks three constraints of one shape and one of the other, all found by one query
    assert by_node[("https://example.org/many", "https://example.org/iri")] == {
        "DatatypeConstraintComponent",
        "PatternConstraintComponent",
        "MaxLengthConstraintComponent",
        "NodeKindConstraintComponent",
    }
    assert by_node[("https://example.org/none", None)] == {"MinCountConstraintComponent"}
    assert _keys(found) == _keys(expected), found.text()
    assert {v.message for v in found.violations} == {v.message for v in expected.violations}
    assert {v.severity for v in found.violations} == {"Violation", "Warning"}
