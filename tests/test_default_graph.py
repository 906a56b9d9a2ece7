"""The default graph as shipped: it conforms as a whole, and every fact and graph carries its source."""

from __future__ import annotations

from stdgraph.namespaces import SG
from stdgraph.store import OxigraphStore

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


def test_the_whole_default_graph_conforms(default_pyshacl_report) -> None:
    assert default_pyshacl_report.conforms, default_pyshacl_report.text()


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
