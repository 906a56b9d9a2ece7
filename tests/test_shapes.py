"""Data-driven tests of the SHACL shapes, in the style of pySHACL's test suite.

Each `tests/shapes/<Shape>/valid/*.ttl` must conform with no result at all; each
`tests/shapes/<Shape>/invalid/*.ttl` starts with `# expect: <ConstraintComponent> <focus IRI>` lines
and must produce exactly those (component, focus) pairs. Coverage tests make sure every node shape
and every SPARQL constraint is shown to reject something.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from stdgraph.shacl_sparql import validate_graph
from stdgraph.validation import ValidationReport, load_shapes, validate

CASES = Path(__file__).parent / "shapes"
SGSH = "https://w3id.org/stdgraph/shapes#"
_EXPECT = re.compile(r"^#\s*expect:\s*(\S+)\s+(\S+)\s*$")


def _files(kind: str) -> list[Path]:
    return sorted(CASES.glob(f"*/{kind}/*.ttl"))


def _id(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.stem}"


def _expected(path: Path, graph: Graph) -> set[tuple[str, str]]:
    expected = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = _EXPECT.match(line)
        if match:
            component, focus = match.groups()
            if focus.startswith("<"):
                focus = focus.strip("<>")
            elif "://" not in focus:
                focus = str(graph.namespace_manager.expand_curie(focus))
            expected.add((component, focus))
    return expected


@cache
def _run(path: Path) -> tuple[Graph, ValidationReport]:
    graph = Graph().parse(path, format="turtle")
    return graph, validate(graph)


def _node_shapes() -> set[URIRef]:
    shapes = load_shapes()
    return {s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}


def _sparql_constraints() -> set[URIRef]:
    shapes = load_shapes()
    return {c for c in shapes.objects(None, SH.sparql) if isinstance(c, URIRef)}


@pytest.mark.parametrize("path", _files("valid"), ids=_id)
def test_valid_case_conforms(path: Path) -> None:
    _, report = _run(path)
    assert report.conforms, report.text()
    assert report.violations == [], report.text()


@pytest.mark.parametrize("path", _files("invalid"), ids=_id)
def test_invalid_case_reports_exactly_the_expected_results(path: Path) -> None:
    graph, report = _run(path)
    expected = _expected(path, graph)
    assert expected, f"{path} has no '# expect:' line"
    found = {(v.constraint_component, v.focus_node) for v in report.violations}
    assert found == expected, report.text()
    if any(v.severity == "Violation" for v in report.violations):
        assert not report.conforms


@pytest.mark.parametrize("path", _files("invalid"), ids=_id)
def test_invalid_case_is_rejected_by_its_own_shape(path: Path) -> None:
    """The directory names the shape under test: one of the results must come from it."""
    shapes = load_shapes()
    shape = URIRef(SGSH + path.parent.parent.name)
    own = {shape, *shapes.objects(shape, SH.property)}
    _, report = _run(path)
    sources = {URIRef(v.shape) for v in report.violations}
    assert sources & own, f"{shape} did not reject {path.name}:\n{report.text()}"


def test_every_node_shape_has_invalid_cases() -> None:
    missing = sorted(
        str(shape)
        for shape in _node_shapes()
        if not list((CASES / str(shape).removeprefix(SGSH) / "invalid").glob("*.ttl"))
    )
    assert not missing, f"node shapes without tests/shapes/<Shape>/invalid cases: {missing}"


def test_every_node_shape_has_valid_cases() -> None:
    missing = sorted(
        str(shape)
        for shape in _node_shapes()
        if not list((CASES / str(shape).removeprefix(SGSH) / "valid").glob("*.ttl"))
    )
    assert not missing, f"node shapes without tests/shapes/<Shape>/valid cases: {missing}"


def test_every_case_directory_names_a_shape() -> None:
    names = {str(shape).removeprefix(SGSH) for shape in _node_shapes()}
    stray = sorted(d.name for d in CASES.iterdir() if d.is_dir() and d.name not in names)
    assert not stray, f"case directories for unknown shapes: {stray}"


def test_every_sparql_constraint_rejects_an_invalid_case() -> None:
    fired = {
        URIRef(v.source_constraint)
        for path in _files("invalid")
        for v in _run(path)[1].violations
        if v.source_constraint
    }
    missing = sorted(str(c) for c in _sparql_constraints() - fired)
    assert not missing, f"SPARQL constraints no invalid case triggers: {missing}"


def test_every_property_shape_speaks_to_curators() -> None:
    shapes = load_shapes()
    property_shapes = set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(
        shapes.objects(None, SH.property)
    )
    # Anonymous property shapes inside sh:or alternatives report through their node shape's message.
    for shape in (s for s in property_shapes if isinstance(s, URIRef)):
        assert shapes.value(shape, SH.message), f"{shape} has no sh:message"
        assert shapes.value(shape, SH.name), f"{shape} has no sh:name"
    for constraint in _sparql_constraints():
        assert shapes.value(constraint, SH.message), f"{constraint} has no sh:message"


@pytest.mark.parametrize("path", _files("valid") + _files("invalid"), ids=_id)
def test_the_compiled_sparql_engine_reports_what_pyshacl_reports(path: Path) -> None:
    """stdgraph.shacl_sparql on Oxigraph: the same results, worded the same, as pySHACL's."""
    _compare_engines(path)


@pytest.mark.parametrize("path", _files("invalid") + _files("valid"), ids=_id)
def test_the_scan_forms_report_what_pyshacl_reports(path: Path, monkeypatch) -> None:
    """The scan form of the checks (path first, then the focus table), which the engine takes for many
    focus nodes (the catalogues), forced here on the small fixtures: the same results."""
    import stdgraph.shacl_sparql as shacl_sparql

    monkeypatch.setattr(shacl_sparql, "_SCAN_FROM", 0)
    _compare_engines(path)


def _compare_engines(path: Path) -> None:
    graph, expected = _run(path)
    found = validate_graph(graph)
    assert found.conforms == expected.conforms
    keys = {(v.focus_node, v.path, v.constraint_component) for v in found.violations}
    assert keys == {(v.focus_node, v.path, v.constraint_component) for v in expected.violations}, found.text()
    messages = _messages(expected)
    for v in found.violations:
        assert v.message in messages[(v.focus_node, v.path, v.constraint_component)], v
    assert sorted(_described(found)) == sorted(_described(expected))


def _described(report: ValidationReport) -> list[tuple[str, ...]]:
    fields = ("focus_node", "path", "value", "severity", "shape", "focus_label", "property_name")
    return [tuple(str(getattr(v, f)) for f in fields) for v in report.violations]


def _messages(report: ValidationReport) -> dict[tuple[str, str | None, str], set[str]]:
    """Every message pySHACL attached to each result (it lists a shape's and a constraint's, unordered)."""
    found: dict[tuple[str, str | None, str], set[str]] = {}
    results = report.results_graph
    assert results is not None
    for v in report.violations:
        found.setdefault((v.focus_node, v.path, v.constraint_component), set()).add(v.message)
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = str(results.value(result, SH.focusNode))
        component = str(results.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1]
        for key in [k for k in found if k[0] == focus and k[2] == component]:
            found[key] |= {str(m) for m in results.objects(result, SH.resultMessage)}
    return found


def test_checks_run_on_threads_report_the_same_results_in_the_same_order() -> None:
    """A build runs the check queries on two threads: every invalid fixture at once, the same report
    from one thread and from four, result for result."""
    merged = Graph()
    for path in _files("invalid"):
        merged += Graph().parse(path, format="turtle")
    alone, threaded = validate_graph(merged, threads=1), validate_graph(merged, threads=4)
    assert len(alone.violations) > len(_files("invalid"))
    assert _described(threaded) == _described(alone)
