"""Market requirements: one literal row in, the fact out; bad cells stop with file and line."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from ingest import market_requirements as mr
from ingest import markets
from stdgraph import config
from stdgraph.namespaces import RDF, SG, SKOS, XSD, entity, market
from stdgraph.sources import SourceDataError, read_source
from stdgraph.terms import CellError

SHARED = mr.SOURCE.default_dir()
HS_FILE = config.shared_data_dir() / "hs-harmonized-system" / "harmonized-system.csv"
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared data not found at {SHARED}")

FERTILISERS = dict.fromkeys(mr.COLUMNS, "") | {
    "market": "EU",
    "requirement": "CBAM scope: fertilisers",
    "legal_basis": "Regulation (EU) 2023/956 Annex I",
    "product_scope_hs": "2814 10 00;2814 20 00",
    "applies_from": "2023-10-01",
    "source": "https://www.wtocenter.vn/x",
    "confidence": "V*",
}
PV = dict.fromkeys(mr.COLUMNS, "") | {
    "market": "AU",
    "requirement": "Clean Energy Council Approved PV Module List",
    "standard_or_method": "IEC 61215 (2021 edition series); IEC 61730; AS/NZS 5033 (terms and conditions)",
    "who_verifies_or_accepts": "Clean Energy Council product engineers",
    "source": "https://cleanenergycouncil.org.au/x",
    "confidence": "V",
}


def graph(triples) -> Graph:
    g = Graph()
    for triple in triples:
        g.add(triple)
    return g


def node(row: dict[str, str]) -> URIRef:
    return URIRef(entity("requirement", f"{row['market']} {row['requirement']}"))


def test_cn_codes_stay_and_link_to_their_hs_subheading() -> None:
    g = graph(mr.requirement_triples(FERTILISERS))
    req = node(FERTILISERS)
    assert g.value(req, SG.market) == URIRef(market("EU"))
    assert g.value(req, SKOS.prefLabel) == Literal("CBAM scope: fertilisers", lang="en")
    assert set(g.objects(req, SG.cnCode)) == {Literal("28141000"), Literal("28142000")}
    assert set(g.objects(req, SG.productScope)) == {mr.hs_concept("281410"), mr.hs_concept("281420")}
    assert str(mr.hs_concept("281410")) == "https://w3id.org/stdgraph/id/hs/2022/281410"
    assert g.value(req, SG.appliesFrom) == Literal("2023-10-01", datatype=XSD.date)


def test_named_standards_link_only_where_the_parser_reads_them() -> None:
    g = graph(mr.requirement_triples(PV))
    linked = {str(o).rsplit("/", 1)[-1] for o in g.objects(node(PV), SG.refersToStandard)}
    assert linked == {"iec-61215", "iec-61730", "as-nzs-5033"}
    assert g.value(node(PV), SG.verifiedBy) == Literal("Clean Energy Council product engineers", lang="en")
    korea = dict(PV, market="KR", standard_or_method="KC 62133 (IEC 62133 2nd ed.); KC 62133-2:2020")
    linked = {
        str(o).rsplit("/", 1)[-1]
        for o in graph(mr.requirement_triples(korea)).objects(None, SG.refersToStandard)
    }
    assert linked == {"iec-62133"}  # 'KC' is not a publisher the parser reads


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        ("applies_from", "2023-10", None),
        ("applies_from", "1 October 2023", "not a date"),
        ("product_scope_hs", "28.14", "not an HS/CN code"),
        ("source", "", "source is empty"),
        ("confidence", "X", "confidence 'X'"),
    ],
)
def test_bad_cells_are_refused(cell: str, value: str, message: str | None) -> None:
    row = {**FERTILISERS, cell: value}
    if message is None:
        assert graph(mr.requirement_triples(row)).value(node(row), SG.appliesFrom).datatype == XSD.gYearMonth
        return
    with pytest.raises(CellError, match=message):
        list(mr.requirement_triples(row))


def test_bad_row_names_file_and_line(tmp_path: Path) -> None:
    shutil.copy(SHARED / mr.FILE, tmp_path)
    path = tmp_path / mr.FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace(",2023-10-01,2025-12-31,", ",2023-10-01,2025-12-32,")
    )
    with pytest.raises(SourceDataError, match=r"requirements\.csv, line 2: '2025-12-32'"):
        read_source(mr.SOURCE, tmp_path)


def test_whole_source_reads_and_every_hs_link_exists_in_hs_2022() -> None:
    g = read_source(mr.SOURCE).graph
    assert len(set(g.subjects(RDF.type, SG.MarketRequirement))) == 21
    if not HS_FILE.is_file():
        pytest.skip(f"{HS_FILE} not found")
    with HS_FILE.open(encoding="utf-8", newline="") as handle:
        codes = {row["hscode"] for row in csv.DictReader(handle)}
    linked = {str(o).rsplit("/", 1)[-1] for o in g.objects(None, SG.productScope)}
    assert linked and linked <= codes


def test_market_requirements_conform_to_the_shapes() -> None:
    validation = pytest.importorskip("stdgraph.validation")
    data = read_source(mr.SOURCE).graph + read_source(markets.SOURCE).graph
    codes = set(data.objects(None, SG.productScope))
    for code in codes:  # the HS source types these; stand in for it, and check only this source's nodes
        data.add((code, RDF.type, SG.HSCode))
    report = validation.validate(data, focus_nodes=set(data.subjects()) - codes)
    assert report.conforms, report.text()
