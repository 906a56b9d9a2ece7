"""Is my evidence accepted? Scenario graphs for each kind of path, then real questions on the default graph.

The scenario graphs are tiny and made up (markets XA, XB, XC and union XU; `.test` sources); they test the
reasoning. The default-graph tests ask real questions whose answers follow from the sourced files, and
compute what they expect from those files where they can.
"""

from __future__ import annotations

import csv
import json
import re
import warnings
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from typer.testing import CliRunner

from ingest import recognition_rules
from stdgraph import config
from stdgraph.namespaces import RDF, SGG, entity
from stdgraph.recognition import RecognitionInputError, answer, holds_on
from stdgraph.sources import SourceDataError
from stdgraph.store import OxigraphStore

with warnings.catch_warnings():  # starlette warns that its test client will move to httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

SHARED = config.shared_data_dir()
CURATED = config.CURATED_DIR

# ---------------------------------------------------------------------------------------------------
# scenario graphs: one path type each

PREFIXES = """
@prefix sg: <https://w3id.org/stdgraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix hs: <https://w3id.org/stdgraph/id/hs/2022/> .
@prefix m: <https://w3id.org/stdgraph/id/market/> .
@prefix id: <https://w3id.org/stdgraph/id/> .
@prefix level: <https://w3id.org/stdgraph/id/vocab/evidence-level/> .
@prefix role: <https://w3id.org/stdgraph/id/vocab/participation-role/> .
@prefix status: <https://w3id.org/stdgraph/id/vocab/arrangement-status/> .
@prefix degree: <https://w3id.org/stdgraph/id/vocab/adoption-degree/> .
@prefix type: <https://w3id.org/stdgraph/id/vocab/scheme-type/> .
"""

BASE = """
level:primary skos:notation "primary" . level:secondary skos:notation "secondary" .
role:signatory skos:notation "signatory" .
role:national-certification-body skos:notation "national-certification-body" .
status:withdrawn skos:notation "withdrawn" .
degree:IDT skos:notation "IDT" . degree:MOD skos:notation "MOD" .
<https://w3id.org/stdgraph/id/hs/2022> dcterms:source <https://datahub.io/core/harmonized-system> .
hs:85 a sg:HSCode ; skos:notation "85" ; skos:prefLabel "Electrical machinery"@en .
hs:8541 a sg:HSCode ; skos:notation "8541" ; skos:prefLabel "Semiconductor devices"@en ; skos:broader hs:85 .
hs:854143 a sg:HSCode ; skos:notation "854143" ; skos:prefLabel "PV modules"@en ; skos:broader hs:8541 .
hs:854149 a sg:HSCode ; skos:notation "854149" ; skos:prefLabel "Other photosensitive devices"@en ;
    skos:broader hs:8541 .
m:XU a sg:Union ; sg:iso3166Alpha2 "XU" ; skos:prefLabel "Test Union"@en ; sg:memberState m:XA ;
    dcterms:source <https://union.test/members> ; sg:evidenceLevel level:primary .
m:XA a sg:Country ; sg:iso3166Alpha2 "XA" ; skos:prefLabel "Member Land"@en .
m:XB a sg:Country ; sg:iso3166Alpha2 "XB" ; skos:prefLabel "Outer Land"@en .
m:XC a sg:Country ; sg:iso3166Alpha2 "XC" ; skos:prefLabel "Third Land"@en .

id:requirement/chapter a sg:MarketRequirement ; sg:market m:XU ; skos:prefLabel "Union chapter rule"@en ;
    sg:productScope hs:85 ; sg:appliesFrom "2020-01-01"^^xsd:date ;
    dcterms:source <https://union.test/law> ; sg:evidenceLevel level:primary .
id:requirement/old a sg:MarketRequirement ; sg:market m:XU ; skos:prefLabel "Expired union rule"@en ;
    sg:productScope hs:8541 ; sg:appliesUntil "2021-12-31"^^xsd:date ;
    dcterms:source <https://union.test/old> ; sg:evidenceLevel level:primary .
id:requirement/mapped a sg:MarketRequirement ; sg:market m:XC ; skos:prefLabel "Solar rule in words"@en ;
    sg:productScopeText "solar modules"@en ; dcterms:source <https://third.test/solar> ;
    sg:evidenceLevel level:primary .
id:scope-mapping/solar a sg:ScopeMapping ; sg:forRequirement id:requirement/mapped ; sg:mappedCode hs:854143 ;
    sg:scopeRelation "close" ; sg:justification "same goods"@en ; dcterms:creator "a curator" ;
    dcterms:source <https://third.test/solar> ; sg:evidenceLevel level:secondary .

id:acceptance-rule/chapter-cb a sg:AcceptanceRule ; sg:forRequirement id:requirement/chapter ;
    sg:evidenceKind "certificate" ; sg:ruleArrangement id:arrangement/cb ;
    sg:ruleStandard id:standard/iec-61215 ;
    sg:editionYear "2021" ; dcterms:source <https://union.test/rule> ; sg:evidenceLevel level:primary .
id:acceptance-rule/mapped-ver a sg:AcceptanceRule ; sg:forRequirement id:requirement/mapped ;
    sg:evidenceKind "verification-report" ; sg:accreditationMarket m:XU ;
    dcterms:source <https://third.test/verify> ; sg:evidenceLevel level:primary .
id:standard/iec-61215 a sg:Standard ; dcterms:identifier "IEC 61215" .

id:arrangement/cb a sg:MultilateralArrangement ; skos:prefLabel "Test CB Scheme"@en ;
    sg:arrangementType <https://w3id.org/stdgraph/id/vocab/arrangement-type/certification-scheme> ;
    dcterms:source <https://cb.test/> ; sg:evidenceLevel level:primary .
id:org/ncb-xb a sg:ConformityAssessmentBody ; sg:acronym "NCB" ; sg:jurisdiction m:XB .
id:org/gone-xb a sg:ConformityAssessmentBody ; sg:acronym "GONE" ; sg:jurisdiction m:XB .
id:participation/ncb a sg:Participation ; sg:participant id:org/ncb-xb ; sg:inArrangement id:arrangement/cb ;
    sg:participationRole role:national-certification-body ; sg:validFrom "2010"^^xsd:gYear ;
    dcterms:source <https://cb.test/ncb> ; sg:evidenceLevel level:primary .
id:participation/gone a sg:Participation ; sg:participant id:org/gone-xb ;
    sg:inArrangement id:arrangement/cb ;
    sg:participationRole role:national-certification-body ; sg:validUntil "2022-06"^^xsd:gYearMonth ;
    sg:participationStatus status:withdrawn ; dcterms:source <https://cb.test/gone> ;
    sg:evidenceLevel level:primary .

id:edition/en-61215_2022 a sg:Edition ; dcterms:identifier "EN 61215:2022" .
id:edition/iec-61215_2021 a sg:Edition ; dcterms:identifier "IEC 61215:2021" .
id:adoption/idt a sg:Adoption ; sg:adoptingEdition id:edition/en-61215_2022 ;
    sg:adoptedEdition id:edition/iec-61215_2021 ;
    sg:adoptionDegree degree:IDT ; dcterms:source <https://adoption.test/idt> ;
    sg:evidenceLevel level:primary .
id:edition/bs-61215_2021 a sg:Edition ; dcterms:identifier "BS 61215:2021" .
id:adoption/mod a sg:Adoption ; sg:adoptingEdition id:edition/bs-61215_2021 ;
    sg:adoptedEdition id:edition/iec-61215_2021 ;
    sg:adoptionDegree degree:MOD ; dcterms:source <https://adoption.test/mod> ;
    sg:evidenceLevel level:primary .

id:org/nab-xa a sg:AccreditationBody ; sg:acronym "NABA" ; sg:jurisdiction m:XA .
id:org/nab-xb a sg:AccreditationBody ; sg:acronym "NABB" ; sg:jurisdiction m:XB .
id:org/ver-in a sg:ConformityAssessmentBody ; sg:acronym "VIN" .
id:org/ver-out a sg:ConformityAssessmentBody ; sg:acronym "VOUT" .
id:accreditation/in a sg:Accreditation ; sg:accreditedBody id:org/ver-in ; sg:accreditedBy id:org/nab-xa ;
    sg:validUntil "2030-01-01"^^xsd:date ; dcterms:source <https://nab.test/in> ;
    sg:evidenceLevel level:primary .
id:accreditation/out a sg:Accreditation ; sg:accreditedBody id:org/ver-out ; sg:accreditedBy id:org/nab-xb ;
    dcterms:source <https://nab.test/out> ; sg:evidenceLevel level:primary .

id:scheme/label-b a sg:CertificationScheme ; skos:prefLabel "Label B"@en ;
    sg:schemeType type:type-i-ecolabel ;
    sg:operator id:org/op-b ; sg:operatesIn m:XB .
id:scheme/label-c a sg:CertificationScheme ; skos:prefLabel "Label C"@en ;
    sg:schemeType type:type-i-ecolabel ;
    sg:operator id:org/op-c ; sg:operatesIn m:XC .
id:scheme/label-u a sg:CertificationScheme ; skos:prefLabel "Label U"@en ;
    sg:schemeType type:type-i-ecolabel ;
    sg:operator id:org/op-u ; sg:operatesIn m:XU .
id:arrangement/eco-bc a sg:BilateralArrangement ; skos:prefLabel "B-C ecolabel MRA"@en ;
    sg:arrangementType <https://w3id.org/stdgraph/id/vocab/arrangement-type/ecolabel-mra> ;
    sg:party id:org/op-b , id:org/op-c ; sg:signedOn "2005"^^xsd:gYear ;
    dcterms:source <https://eco.test/bc> ; sg:evidenceLevel level:primary .
"""


def turtle(text: str) -> Graph:
    """Turtle with `id:kind/key` shorthands (not valid prefixed names) written out as IRIs."""
    expanded = re.sub(r"\bid:([a-z-]+/[A-Za-z0-9_-]+)", r"<https://w3id.org/stdgraph/id/\1>", text)
    return Graph().parse(data=PREFIXES + expanded, format="turtle")


def scenario(extra: str = "") -> OxigraphStore:
    store = OxigraphStore()
    store.replace_graphs({str(SGG["scenario"]): turtle(BASE + extra)})
    return store


@pytest.fixture(scope="module")
def world() -> OxigraphStore:
    return scenario()


def verdict_of(result, label: str) -> str | None:
    return next(r.verdict for r in result.requirements if r.label == label)


def test_a_member_state_inherits_its_unions_requirement_scoped_at_the_chapter(world) -> None:
    result = answer(world, "854143", "XA", on="2024-01-01")
    req = next(r for r in result.requirements if r.label == "Union chapter rule")
    path = req.reached_by[0]
    assert [h.step for h in path] == ["membership", "hs", "product scope"]
    assert path[0].sources == ["https://union.test/members"]
    assert "HS 85" in path[1].label
    assert answer(world, "854143", "XB", on="2024-01-01").requirements == []  # not a member


def test_an_expired_requirement_is_left_out_with_a_note(world) -> None:
    result = answer(world, "854143", "XA", on="2024-01-01")
    assert "Expired union rule" not in [r.label for r in result.requirements]
    assert [(e.label, e.note) for e in result.excluded] == [
        ("Expired union rule", "expired: valid until 2021-12-31")
    ]
    assert "Expired union rule" in [
        r.label for r in answer(world, "854143", "XA", on="2021-06-01").requirements
    ]


def test_a_scope_mapping_is_marked_as_the_curators_judgement(world) -> None:
    result = answer(world, "854143", "XC", on="2024-01-01")
    (req,) = result.requirements
    (mapping,) = [h for h in req.reached_by[0] if h.step == "scope mapping"]
    assert mapping.curator_judgement and "a curator" in (mapping.note or "")
    assert any("curator's judgement" in n for n in result.notes)
    assert answer(world, "854149", "XC", on="2024-01-01").requirements == []  # the mapping is to 854143 only


def test_a_certificate_through_the_arrangement_is_accepted_via_recognition(world) -> None:
    result = answer(
        world, "854143", "XA", "2024-01-01", "Test CB Scheme", "NCB", "IEC 61215-2:2021", "certificate"
    )
    req = next(r for r in result.requirements if r.label == "Union chapter rule")
    assert req.verdict == "accepted via recognition"
    reason = req.reasons[0]
    assert reason.arrangement == "Test CB Scheme"
    steps = [h.step for h in reason.hops]
    assert steps == ["requirement", "rule", "arrangement", "participation", "body", "standard edition"]
    assert reason.hops[3].sources == ["https://cb.test/ncb"] and reason.hops[3].valid_from == "2010"


def test_a_withdrawn_participation_is_excluded_and_the_answer_is_not_established(world) -> None:
    result = answer(world, "854143", "XA", "2024-01-01", body="GONE", standard="IEC 61215:2021")
    req = next(r for r in result.requirements if r.label == "Union chapter rule")
    assert req.verdict == "not established"
    assert any("GONE takes part in the Test CB Scheme" in m for m in req.reasons[0].missing)
    assert any(e.step == "participation" and e.note.startswith("withdrawn") for e in result.excluded)


def test_an_older_edition_is_conditional_unless_a_source_excludes_it(world) -> None:
    result = answer(world, "854143", "XA", "2024-01-01", body="NCB", standard="IEC 61215-1:2016")
    req = next(r for r in result.requirements if r.label == "Union chapter rule")
    assert req.verdict == "conditional"
    assert "older edition" in req.reasons[0].conditions[0]
    strict = scenario('id:acceptance-rule/chapter-cb sg:otherEditionsExcluded "true"^^xsd:boolean .')
    result = answer(strict, "854143", "XA", "2024-01-01", body="NCB", standard="IEC 61215-1:2016")
    assert verdict_of(result, "Union chapter rule") == "not accepted"


@pytest.mark.parametrize(
    ("held", "verdict"),
    [("EN 61215:2022", "accepted via recognition"), ("BS 61215:2021", "conditional")],
)
def test_equivalence_through_adoption_is_strong_for_idt_and_partial_for_mod(world, held, verdict) -> None:
    result = answer(world, "854143", "XA", "2024-01-01", body="NCB", standard=held)
    req = next(r for r in result.requirements if r.label == "Union chapter rule")
    assert req.verdict == verdict
    adoption = next(h for h in req.reasons[0].hops if h.step == "adoption")
    assert adoption.sources[0].startswith("https://adoption.test/")


def test_accreditation_in_the_union_is_accepted_and_outside_it_not_established(world) -> None:
    inside = answer(world, "854143", "XC", "2024-01-01", body="VIN", evidence="verification-report")
    assert inside.requirements[0].verdict == "accepted"
    assert [h.step for h in inside.requirements[0].reasons[0].hops][-2:] == [
        "accreditation",
        "accreditation body",
    ]
    outside = answer(world, "854143", "XC", "2024-01-01", body="VOUT", evidence="verification-report")
    reason = outside.requirements[0].reasons[0]
    assert outside.requirements[0].verdict == "not established"
    assert reason.missing == [
        "no source found that 'Solar rule in words' accepts verifiers accredited outside XU "
        "(VOUT accredited by NABB)"
    ]
    later = answer(world, "854143", "XC", "2031-01-01", body="VIN", evidence="verification-report")
    assert later.requirements[0].verdict == "not established"  # the accreditation expired on 2030-01-01
    assert any(e.step == "accreditation" and "expired" in e.note for e in later.excluded)


def test_a_kind_the_rules_do_not_name_is_not_established(world) -> None:
    result = answer(world, "854143", "XC", "2024-01-01", evidence="self-declaration")
    assert result.requirements[0].reasons[0].missing == [
        "no source found that 'Solar rule in words' accepts a self-declaration; "
        "its sources name: verification-report"
    ]


def test_labels_are_recognised_through_an_arrangement_of_their_operators(world) -> None:
    result = answer(world, "854143", "XC", "2024-01-01", scheme="Label B")
    (label,) = result.labels
    assert (label.label, label.verdict) == ("Label C", "accepted via recognition")
    assert [h.step for h in label.reasons[0].hops] == [
        "scheme",
        "operator",
        "arrangement",
        "operator",
        "scheme",
    ]
    union = answer(world, "854143", "XA", "2024-01-01", scheme="Label B")  # Label U operates in the union
    assert [(x.label, x.verdict) for x in union.labels] == [("Label U", "not established")]


def test_a_new_recognition_fact_changes_the_next_answer() -> None:
    store = scenario()
    before = answer(store, "854143", "XA", "2024-01-01", body="VOUT", standard="IEC 61215:2021")
    assert verdict_of(before, "Union chapter rule") == "not established"
    extra = turtle(
        """id:participation/vout a sg:Participation ; sg:participant id:org/ver-out ;
                 sg:inArrangement id:arrangement/cb ; sg:participationRole role:national-certification-body ;
                 dcterms:source <https://cb.test/vout> ; sg:evidenceLevel level:primary ."""
    )
    store.replace_graphs({str(SGG["scenario-extra"]): extra})
    after = answer(store, "854143", "XA", "2024-01-01", body="VOUT", standard="IEC 61215:2021")
    assert verdict_of(after, "Union chapter rule") == "accepted via recognition"


@pytest.mark.parametrize(
    ("args", "field_name", "suggestion"),
    [
        (("854199", "XA"), "product", "854143"),
        (("85414", "XA"), "product", None),
        (("854143", "Membr Land"), "market", "XA (Member Land)"),
        (("854143", "XA", "2024-02-30"), "date", None),
    ],
)
def test_bad_inputs_are_refused_with_suggestions(world, args, field_name, suggestion) -> None:
    with pytest.raises(RecognitionInputError) as info:
        answer(world, *args)
    assert info.value.field == field_name
    if suggestion:
        assert any(s.startswith(suggestion) for s in info.value.suggestions)


def test_periods_of_partial_dates_cover_the_whole_month_or_year() -> None:
    from datetime import date

    assert holds_on(None, "2022-06", date(2022, 6, 30)) is None
    assert holds_on(None, "2022-06", date(2022, 7, 1)) == "expired: valid until 2022-06"
    assert holds_on("2025", None, date(2024, 12, 31)) == "not yet in force: valid from 2025"


# ---------------------------------------------------------------------------------------------------
# the ingest of rules and mappings


def _requirements() -> list[dict[str, str]]:
    with (SHARED / "market-requirements" / "requirements.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _curated(name: str) -> list[dict[str, str]]:
    with (CURATED / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_mapping_row_names_an_existing_requirement_and_says_why() -> None:
    known = {(r["market"], r["requirement"]) for r in _requirements()}
    row = _curated("scope_mappings.csv")[0]
    triples = list(recognition_rules.mapping_triples(row, known))
    assert any(str(p).endswith("justification") for _s, p, _o in triples)
    with pytest.raises(ValueError, match="no requirement"):
        list(recognition_rules.mapping_triples({**row, "requirement": "Renamed"}, known))
    with pytest.raises(ValueError, match="justification is blank"):
        list(recognition_rules.mapping_triples({**row, "justification": ""}, known))


def test_a_bad_rule_row_stops_the_source_with_file_and_line(tmp_path: Path, monkeypatch) -> None:
    rows = _curated("acceptance_rules.csv")
    rows[1]["evidence_kind"] = "paper"
    for name in ("scope_mappings.csv",):
        (tmp_path / name).write_bytes((CURATED / name).read_bytes())
    with (tmp_path / "acceptance_rules.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setattr(config, "CURATED_DIR", tmp_path)
    from stdgraph.sources import read_source

    with pytest.raises(SourceDataError, match=r"acceptance_rules.csv, line 3: evidence_kind 'paper'"):
        read_source(recognition_rules.SOURCE)


# ---------------------------------------------------------------------------------------------------
# real questions on the default graph


def _codes(cell: str) -> set[str]:
    return {c.replace(" ", "")[:6] for c in cell.split(";") if c.strip()}


def _expected_eu_labels(code: str, on: str) -> tuple[set[str], set[str]]:
    """EU requirements reaching HS `code` (its own scope or a mapping to it or its parents), split by date."""
    levels = {code[:2], code[:4], code}
    mapped = {
        r["requirement"]
        for r in _curated("scope_mappings.csv")
        if r["market"] == "EU" and r["hs_code"] in levels
    }
    applying, expired = set(), set()
    for row in _requirements():
        if row["market"] != "EU" or not (
            row["requirement"] in mapped or code in _codes(row["product_scope_hs"])
        ):
            continue
        late = row["applies_until"] and row["applies_until"] < on
        early = row["applies_from"] and row["applies_from"] > on
        (expired if late or early else applying).add(row["requirement"])
    return applying, expired


@pytest.mark.parametrize("on", ["2024-06-01", "2026-06-01"])
def test_germany_inherits_the_eus_cbam_requirements_for_portland_cement(default_store, on) -> None:
    result = answer(default_store, "252329", "DE", on=on)
    applying, excluded = _expected_eu_labels("252329", on)
    assert applying and excluded
    assert {r.label for r in result.requirements} == applying
    assert {e.label for e in result.excluded if e.step == "requirement"} == excluded
    for req in result.requirements:
        for path in req.reached_by:
            assert (
                path[0].step == "membership"
                and path[0].label == "Germany is a member state of European Union"
            )
            assert all(h.curator_judgement for h in path if h.step == "scope mapping")


def test_pv_modules_to_australia_with_a_cqc_cb_certificate_to_iec_61215_2021(default_store) -> None:
    result = answer(
        default_store, "854143", "AU", None, "IECEE CB Scheme", "CQC", "IEC 61215-1:2021", "certificate"
    )
    (req,) = result.requirements
    assert req.verdict == "accepted via recognition"
    reason = req.reasons[0]
    assert reason.arrangement == "IECEE CB Scheme"
    with (SHARED / "recognition-lists" / "iecee_cb_scheme_members.csv").open(encoding="utf-8") as handle:
        listed = {r["source"] for r in csv.DictReader(handle) if r["ncb_acronym"] == "CQC"}
    participations = [h for h in reason.hops if h.step == "participation"]
    assert listed <= {s for h in participations for s in h.sources}
    assert req.also_needed == [f"evidence against IEC 61730, which '{req.label}' also names"]
    assert any(h.curator_judgement for h in req.reached_by[0])  # HS 8541.43 is the curator's mapping


def test_an_older_iec_61215_edition_is_not_accepted_in_australia_because_the_source_says_so(
    default_store,
) -> None:
    rule = next(
        r for r in _curated("acceptance_rules.csv") if r["market"] == "AU" and r["standard"] == "IEC 61215"
    )
    assert rule["other_editions_excluded"] == "yes" and rule["edition_year"] == "2021"
    result = answer(
        default_store, "854143", "AU", None, "IECEE CB Scheme", "CQC", "IEC 61215-2:2016", "certificate"
    )
    assert result.requirements[0].verdict == "not accepted"


def test_lithium_ion_batteries_to_korea_with_a_cb_test_report_are_conditional(default_store) -> None:
    result = answer(
        default_store, "850760", "KR", None, "IECEE CB Scheme", "CQC", "IEC 62133-2:2017", "test-report"
    )
    (req,) = result.requirements
    assert req.verdict == "conditional"
    assert req.confidence == "secondary" and "KATS" in req.reasons[0].conditions[0]


def test_cement_to_the_eu_with_an_iso_14064_3_verification_is_not_established(default_store) -> None:
    result = answer(
        default_store, "252329", "FR", None, None, "CNAS", "ISO 14064-3:2019", "verification-report"
    )
    req = next(r for r in result.requirements if r.label == "CBAM verification of embedded emissions")
    assert req.verdict == "not established"
    missing = req.reasons[0].missing
    assert (
        "no source found that 'CBAM verification of embedded emissions' accepts verifiers accredited "
        "outside EU" in (missing[0])
    )
    assert any("ISO 14064-3:2019" in m for m in missing)
    assert any(
        h.step == "signatory" and "IAF MLA" in h.label for h in req.reasons[0].hops
    )  # context, sourced


def test_a_self_declaration_for_eu_batteries_is_not_accepted(default_store) -> None:
    result = answer(default_store, "850760", "FR", "2026-06-01", evidence="self-declaration")
    req = next(r for r in result.requirements if r.label.startswith("Battery conformity assessment"))
    assert req.verdict == "not accepted"
    assert "Module A" in (req.reasons[0].hops[1].note or "")


def test_a_china_environmental_labelling_licence_in_japan_goes_through_the_cec_jea_agreement(
    default_store,
) -> None:
    result = answer(default_store, "94", "JP", scheme="China Environmental Labelling")
    (eco_mark,) = [x for x in result.labels if x.label == "Eco Mark"]
    assert eco_mark.verdict == "accepted via recognition"
    with (SHARED / "recognition-lists" / "ecolabel_mutual_recognition.csv").open(encoding="utf-8") as handle:
        cec_jea = [r for r in csv.DictReader(handle) if "(CEC)" in r["party_a"] and "(JEA)" in r["party_b"]]
    named = {h.label for reason in eco_mark.reasons for h in reason.hops if h.step == "arrangement"}
    assert {r["agreement"] for r in cec_jea} <= named


def test_without_a_source_for_what_a_requirement_accepts_the_answer_says_so(default_store) -> None:
    result = answer(default_store, "252329", "DE", "2026-06-01", evidence="certificate")
    req = next(r for r in result.requirements if r.label == "CBAM scope: cement")
    assert req.reasons[0].missing == ["no source found of what evidence 'CBAM scope: cement' accepts"]


# ---------------------------------------------------------------------------------------------------
# surfaces: the API and the CLI give the same answer


@pytest.fixture(scope="module")
def client(default_store) -> TestClient:
    from api.app import create_app

    return TestClient(create_app(default_store))


QUESTION = {
    "product": "854143",
    "market": "AU",
    "scheme": "IECEE CB Scheme",
    "body": "CQC",
    "standard": "IEC 61215-1:2021",
    "date": "2026-01-15",
}


def test_the_api_and_the_cli_give_the_same_answer(client, default_store, monkeypatch) -> None:
    from stdgraph import cli

    api = client.get("/recognition", params=QUESTION)
    assert api.status_code == 200
    monkeypatch.setattr(cli, "open_store", lambda path, must_exist=True: default_store)
    args = [f"--{k}={v}" for k, v in QUESTION.items()]
    result = CliRunner().invoke(cli.app, ["accepts", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    from_api = api.json()
    assert from_api.pop("permalink") == "/recognition?" + "&".join(
        f"{k}={v.replace(' ', '+').replace(':', '%3A')}" for k, v in QUESTION.items()
    )
    assert json.loads(result.output) == from_api
    table = CliRunner().invoke(cli.app, ["accepts", *args])
    assert "accepted via recognition" in table.output and "CURATOR'S JUDGEMENT" in table.output


def test_the_cli_refuses_a_bad_market_with_a_suggestion(default_store, monkeypatch) -> None:
    from stdgraph import cli

    monkeypatch.setattr(cli, "open_store", lambda path, must_exist=True: default_store)
    result = CliRunner().invoke(cli.app, ["accepts", "--product", "854143", "--market", "Germny"])
    assert result.exit_code == 2
    assert "--market" in result.output and "DE (Germany)" in result.output


def test_json_ld_uses_untp_conformity_terms(client) -> None:
    response = client.get("/recognition", params={**QUESTION, "format": "jsonld"})
    assert response.headers["content-type"].startswith("application/ld+json")
    data = response.json()
    assert data["@context"]["@vocab"].startswith("https://test.uncefact.org/vocabulary/untp/dcc/")
    assert data["sg:evidenceHeld"]["type"] == ["ConformityAttestation"]
    (req,) = data["sg:requirement"]
    assert req["type"][0] == "Regulation" and req["jurisdictionCountry"] == "AU"
    with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its deprecated ConjunctiveGraph
        warnings.simplefilter("ignore", DeprecationWarning)
        graph = Graph().parse(data=json.dumps(data), format="json-ld", publicID="https://w3id.org/stdgraph/")
    regulation = URIRef("https://test.uncefact.org/vocabulary/untp/dcc/0/Regulation")
    assert (URIRef(entity("requirement", "AU " + req["name"])), RDF.type, regulation) in graph


def test_the_html_view_shows_verdicts_sources_and_a_permalink(client) -> None:
    page = client.get("/recognition", params=QUESTION, headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "accepted via recognition" in page.text and "curator&#39;s judgement" in page.text
    assert 'href="/recognition?product=854143&amp;market=AU' in page.text
    assert (
        "https://www.cqc.com.cn/www/english/internationalcertification/cb/RegulationandProcess/" in page.text
    )
    form = client.get("/recognition", headers={"accept": "text/html"})
    assert form.status_code == 200 and 'name="product"' in form.text


@pytest.mark.parametrize(
    ("params", "field_name"),
    [
        ({"product": "854199", "market": "AU"}, "product"),
        ({"product": "854143", "market": "ZZ"}, "market"),
        ({"product": "854143", "market": "AU", "date": "yesterday"}, "date"),
        ({"product": "854143", "market": "AU", "evidence": "paper"}, "evidence"),
    ],
)
def test_the_api_refuses_bad_input_with_422(client, params, field_name) -> None:
    response = client.get("/recognition", params=params)
    assert response.status_code == 422
    assert response.json()["field"] == field_name
    assert client.get("/recognition").status_code == 422
