"""The default graph as shipped: it conforms as a whole, and every fact and graph carries its source."""

from __future__ import annotations

from rdflib import Graph

from stdgraph.namespaces import SG
from stdgraph.shacl_sparql import validate_graph
from stdgraph.store import OxigraphStore
from stdgraph.validation import validate

CURATED = [
    "Adoption",
    "CertificationScheme",
    "RecognitionArrangement",
    "Participation",
    "TradeAgreement",
    "Provision",
    "MarketRequirement",
    "StandardsBody",
    "AccreditationBody",
    "ConformityAssessmentBody",
    "Accreditation",
    "Mapping",
]


def whole_graph(store: OxigraphStore) -> Graph:
    """Every graph but the ontology's, as one rdflib graph."""
    return store.construct(
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != sgg:ontology) }"
    )


def test_the_whole_default_graph_conforms(default_store: OxigraphStore) -> None:
    graph = whole_graph(default_store)
    report = validate(graph)
    assert report.conforms, report.text()
    # The shapes compiled to SPARQL (what the build runs) report the same results, worded the same; in
    # this test so that the whole-graph pySHACL run happens once per session.
    compiled = validate_graph(graph)
    described = ("focus_node", "path", "value", "constraint_component", "severity", "message", "focus_label")
    assert compiled.conforms == report.conforms
    assert sorted(tuple(str(getattr(v, f)) for f in described) for v in compiled.violations) == sorted(
        tuple(str(getattr(v, f)) for f in described) for v in report.violations
    )


def test_every_curated_entity_has_a_source_and_evidence_level(default_store: OxigraphStore) -> None:
    for name in CURATED:
        missing = default_store.select(
            "SELECT ?s ?class WHERE { ?s a ?class . FILTER NOT EXISTS { ?s dcterms:source ?src } } LIMIT 5",
            {"class": SG[name]},
        )
        assert not missing.rows, f"{name} without dcterms:source: {missing.column('s')}"


def test_secondary_sources_are_flagged(default_store: OxigraphStore) -> None:
    levels = default_store.select(
        "SELECT ?level (COUNT(*) AS ?n) WHERE { ?s sg:evidenceLevel/skos:notation ?level } GROUP BY ?level"
    )
    counts = {str(r["level"]): int(r["n"]) for r in levels.rows}
    assert counts.get("primary", 0) > 0 and counts.get("secondary", 0) > 0


def test_every_named_graph_has_its_provenance_record(default_store: OxigraphStore) -> None:
    counts = default_store.triple_counts()
    records = default_store.select(
        "SELECT ?g ?n ?licence WHERE { GRAPH sgg:meta { "
        "?g a sg:SourceGraph ; void:triples ?n ; dcterms:license ?licence } }"
    )
    recorded = {str(r["g"]): int(r["n"]) for r in records.rows}
    data_graphs = {g for g in counts if not g.endswith("/graph/meta")}
    assert data_graphs == set(recorded)
    for g in data_graphs:
        assert recorded[g] == counts[g], g


def test_build_report_counts(default_build) -> None:
    _, report = default_build
    names = {r.name for r in report.results}
    assert {"ontology", "curated-standards", "curated-schemes", "markets"} <= names
    assert all(r.report is None or r.report.conforms for r in report.results)
