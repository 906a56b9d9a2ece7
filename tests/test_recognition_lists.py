"""Recognition lists: one literal row in, the fact out; bad cells stop with file and line."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from ingest import markets
from ingest import recognition_lists as rl
from stdgraph import config
from stdgraph.namespaces import DCTERMS, ORG, RDF, RDFS, SG, SKOS, XSD, entity, market, org, vocab
from stdgraph.sources import SourceDataError, read_source
from stdgraph.terms import CellError

SHARED = rl.SOURCE.default_dir()
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared data not found at {SHARED}")

AERSSC = {
    "acronym": "AERSSC",
    "full_name": "Accreditation Education Research and Scientific Services Center Pvt. Ltd",
    "economy_iso2": "NP",
    "regional_group": "APAC",
    "scope": "",
    "standard": "",
    "date": "2023",
    "status": "WITHDRAWN",
    "note": "ILAC MRA signatory status withdrawn",
    "source": "https://ilac.org/x",
    "confidence": "V",
    "seen_date": "2023",
}
NORWAY = {
    "acronym": "NA",
    "full_name": "",
    "economy_iso2": "NO",
    "regional_group": "",
    "signatory_type": "Accreditation Body",
    "mla_scope": "Product Certification sub-scope GLOBALG.A.P. IFA",
    "recognition_date": "2014",
    "note": "",
    "source": "https://www.jas-anz.org/extending-the-iaf-mla-scope",
    "confidence": "V*",
    "seen_date": "",
}
CEC_JEA = {
    "party_a": "China Environmental United Certification Center (CEC)",
    "party_a_programme": "China Environmental Labelling",
    "party_a_iso2": "CN",
    "party_b": "Japan Environment Association (JEA)",
    "party_b_programme": "Eco Mark",
    "party_b_iso2": "JP",
    "agreement": "agreement on mutual recognition of environmental labelling",
    "date_signed": "2005 (renewed 2011)",
    "scope_or_note": "",
    "source": "http://en.mepcec.com/x",
    "confidence": "V",
    "seen_date": "2017-01-09",
}
SWISS = {
    "partner": "Switzerland",
    "partner_iso2": "CH",
    "agreement": "Agreement between the EC and CH on MRA",
    "oj_reference": "OJ L 114, 30.4.2002, p. 369",
    "date_signed": "1999-06-21",
    "entry_into_force": "2002-06-01",
    "sectors": "",
    "note": "",
    "source": "http://ec.europa.eu/x",
    "confidence": "V",
    "seen_date": "",
}


def graph(triples) -> Graph:
    g = Graph()
    for triple in triples:
        g.add(triple)
    return g


def participation(arrangement: str, key: str) -> URIRef:
    return URIRef(entity("participation", f"{arrangement} {key}"))


def test_ilac_withdrawn_row_ends_the_participation() -> None:
    g = graph(rl.ilac_triples(AERSSC, 33))
    node = participation("ILAC MRA", "AERSSC NP 33")
    assert g.value(node, SG.participant) == URIRef(org("AERSSC", "NP"))
    assert g.value(node, SG.participationStatus) == URIRef(vocab("arrangement-status", "withdrawn"))
    assert g.value(node, SG.validUntil) == Literal("2023", datatype=XSD.gYear)
    assert g.value(node, SG.validFrom) is None
    assert (URIRef(org("AERSSC", "NP")), SG.jurisdiction, URIRef(market("NP"))) in g


def test_norway_na_is_an_acronym_not_a_missing_value() -> None:
    g = graph(rl.iaf_triples(NORWAY, 70))
    body = URIRef(org("NA", "NO"))
    assert (body, RDF.type, SG.AccreditationBody) in g
    assert g.value(body, SG.acronym) == Literal("NA")
    node = participation("IAF MLA", "NA NO 70")
    assert g.value(node, SG.validFrom) == Literal("2014", datatype=XSD.gYear)
    assert g.value(node, SG.evidenceLevel) == URIRef(vocab("evidence-level", "secondary"))


def test_whole_source_keeps_norway_and_singapore_sac() -> None:
    g = read_source(rl.SOURCE).graph
    assert g.value(URIRef(org("NA", "NO")), SG.acronym) == Literal("NA")
    assert (URIRef(org("SAC", "SG")), RDF.type, SG.AccreditationBody) in g
    assert (URIRef(org("SAC", "CN")), None, None) not in g


def test_multi_economy_body_has_no_country_in_its_iri() -> None:
    row = {**NORWAY, "acronym": "JAS-ANZ", "economy_iso2": "AU;NZ"}
    g = graph(rl.iaf_triples(row, 60))
    body = URIRef(org("JAS-ANZ"))
    assert set(g.objects(body, SG.jurisdiction)) == {URIRef(market("AU")), URIRef(market("NZ"))}


def test_ecolabel_row_is_bilateral_with_first_date_and_note() -> None:
    g = graph(rl.ecolabel_triples(CEC_JEA, 2))
    node = rl.arrangement("ecolabel CEC CN JEA JP 2005 (renewed 2011)")
    assert (node, RDF.type, SG.BilateralArrangement) in g
    assert set(g.objects(node, SG.party)) == {URIRef(org("CEC", "CN")), URIRef(org("JEA", "JP"))}
    assert g.value(node, SG.signedOn) == Literal("2005", datatype=XSD.gYear)
    assert Literal("renewed 2011", lang="en") in set(g.objects(node, RDFS.comment))
    assert g.value(node, SG.arrangementType) == URIRef(vocab("arrangement-type", "ecolabel-mra"))


def test_ecolabel_row_with_one_party_is_refused() -> None:
    with pytest.raises(CellError, match="both parties"):
        list(rl.ecolabel_triples({**CEC_JEA, "party_b": ""}, 2))


def test_eu_mra_rows_of_one_agreement_merge_with_both_sources() -> None:
    g = read_source(rl.SOURCE).graph
    node = rl.arrangement("EU CH MRA")
    assert (node, RDF.type, SG.BilateralArrangement) in g
    assert set(g.objects(node, SG.party)) == {URIRef(market("EU")), URIRef(market("CH"))}
    assert g.value(node, SG.signedOn) == Literal("1999-06-21", datatype=XSD.date)
    assert g.value(node, SG.entryIntoForce) == Literal("2002-06-01", datatype=XSD.date)
    assert len(set(g.objects(node, DCTERMS.source))) == 3
    assert len(set(g.objects(node, SKOS.prefLabel))) == 1
    # one of its rows is V*: the node is rated by its weakest fact
    assert g.value(node, SG.evidenceLevel) == URIRef(vocab("evidence-level", "secondary"))
    australia = rl.arrangement("EU AU MRA")
    assert len(set(g.objects(australia, DCTERMS.source))) == 2
    assert (rl.arrangement("EU CA CETA protocol"), RDF.type, SG.BilateralArrangement) in g


def test_eu_mra_row_without_partner_is_refused() -> None:
    with pytest.raises(CellError, match="second party"):
        list(rl.eu_mra_triples({**SWISS, "partner_iso2": ""}, first=True))


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [("date", "2019-02-30", "not a calendar date"), ("date", "around 2019", "not a date"),
     ("source", "", "source is empty"), ("confidence", "X", "confidence 'X'")],
)  # fmt: skip
def test_bad_ilac_cells_are_refused(cell: str, value: str, message: str) -> None:
    with pytest.raises(CellError, match=message):
        list(rl.ilac_triples({**AERSSC, cell: value}, 33))


def test_date_text_without_a_year_stays_a_note() -> None:
    assert rl.dated("23 October (year not stated; initial peer evaluation Sept 2012)") == (
        None,
        "23 October (year not stated; initial peer evaluation Sept 2012)",
    )
    assert rl.dated("2005 (renewed 2011)") == (Literal("2005", datatype=XSD.gYear), "renewed 2011")


def test_curated_bilateral_arrangement_needs_two_parties() -> None:
    row = {
        "key": "x",
        "kind": "bilateral",
        "name_en": "X",
        "name_zh": "",
        "arrangement_type": "ecolabel-mra",
        "parties": "org:CEC@CN",
        "recognises": "",
        "scope_text": "",
        "signed": "2005-03-01",
        "in_force": "",
        "status": "",
        "legal_text": "",
        "note": "",
        "source": "http://x.example/a",
        "confidence": "V*",
    }
    with pytest.raises(CellError, match="exactly two parties"):
        list(rl.arrangement_triples(row))
    g = graph(rl.arrangement_triples({**row, "parties": "org:CEC@CN;org:KELA@KR"}))
    assert g.value(rl.arrangement("x"), SG.signedOn) == Literal("2005-03-01", datatype=XSD.date)
    assert (URIRef(org("KELA", "KR")), RDF.type, ORG.Organization) in g


def test_bad_shared_row_names_file_and_line(tmp_path: Path) -> None:
    for data_file in rl.SOURCE.files:
        if (SHARED / data_file.name).is_file():
            shutil.copy(SHARED / data_file.name, tmp_path)
    path = tmp_path / rl.ECOLABEL
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",2007,", ",2007-13,")  # the TEI row
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SourceDataError, match=r"ecolabel_mutual_recognition\.csv, line 4: '2007-13'"):
        read_source(rl.SOURCE, tmp_path)


def test_whole_source_reads_and_every_participation_has_its_arrangement() -> None:
    loaded = read_source(rl.SOURCE)
    g = loaded.graph
    parts = set(g.subjects(RDF.type, SG.Participation))
    assert len(parts) == 206
    for part in parts:
        assert (g.value(part, SG.inArrangement), RDF.type, SG.MultilateralArrangement) in g
    files = [
        SHARED / f.name if (SHARED / f.name).is_file() else config.CURATED_DIR / f.name
        for f in rl.SOURCE.files
    ]
    rows = sum(len(list(csv.DictReader(p.read_text(encoding="utf-8").splitlines()))) for p in files)
    assert loaded.provenance.value(rl.SOURCE.graph_iri, SG.rowCount) == Literal(rows)
    cnas_ghg = [p for p in parts if g.value(p, SG.participant) == URIRef(org("CNAS", "CN"))]
    assert len(cnas_ghg) == 5  # 2 IAF list rows + IAF and ILAC from the CNAS statement + the GHG V&V row


def _shape_conflict(violation) -> bool:
    """Reported, not bent: the shapes want an organisation as participant, but some rows name only a country
    (IECEE 'country with NCB(s)', GENICES passes without agency)."""
    return violation.path == str(SG.participant) and "/market/" in (violation.value or "")


def _report():
    validation = pytest.importorskip("stdgraph.validation")
    data = read_source(rl.SOURCE).graph + read_source(markets.SOURCE).graph
    return validation.validate(data)


def test_recognition_lists_meet_the_shapes_but_for_the_reported_conflict() -> None:
    report = _report()
    unexpected = [v for v in report.violations if v.severity == "Violation" and not _shape_conflict(v)]
    assert not unexpected, "\n".join(f"{v.focus_node} {v.path}: {v.message}" for v in unexpected)


def test_recognition_lists_conform_to_the_shapes() -> None:
    assert _report().conforms
