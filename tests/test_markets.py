"""Markets: ISO 3166-1 countries from pycountry and the EU from data/curated/unions.csv."""

from __future__ import annotations

import shutil
from pathlib import Path

import pycountry
import pytest
from rdflib import Graph, Literal, URIRef

from ingest import markets as m
from stdgraph import config
from stdgraph.namespaces import DCTERMS, RDF, SG, SKOS, market
from stdgraph.sources import SourceDataError, read_source
from stdgraph.terms import CellError

EU_ROW = {
    "union": "EU",
    "member_iso2": "DE",
    "source": "https://european-union.europa.eu/x",
    "confidence": "V",
}


def graph(triples) -> Graph:
    g = Graph()
    for triple in triples:
        g.add(triple)
    return g


def test_country_gives_codes_and_english_and_chinese_names() -> None:
    g = graph(m.country_triples(pycountry.countries.get(alpha_2="CN")))
    cn = URIRef(market("CN"))
    assert (cn, RDF.type, SG.Country) in g
    assert g.value(cn, SG.iso3166Alpha2) == Literal("CN")
    assert g.value(cn, SG.iso3166Numeric) == Literal("156")
    assert set(g.objects(cn, SKOS.prefLabel)) == {Literal("China", lang="en"), Literal("中国", lang="zh")}
    assert g.value(cn, DCTERMS.source) == URIRef(m.ISO_CODES)


def test_union_row_gives_a_member_state_with_its_source() -> None:
    g = graph(m.union_triples(EU_ROW))
    eu = URIRef(market("EU"))
    assert (eu, RDF.type, SG.Union) in g
    assert (eu, SG.memberState, URIRef(market("DE"))) in g
    assert (eu, DCTERMS.source, URIRef("https://european-union.europa.eu/x")) in g


@pytest.mark.parametrize(
    ("cell", "value"),
    [("union", "EUR"), ("member_iso2", "XX"), ("source", ""), ("confidence", "X")],
)
def test_bad_union_cell_is_refused(cell: str, value: str) -> None:
    with pytest.raises(CellError):
        list(m.union_triples({**EU_ROW, cell: value}))


def test_whole_source_has_every_country_and_27_member_states() -> None:
    g = read_source(m.SOURCE).graph
    assert len(set(g.subjects(RDF.type, SG.Country))) == len(pycountry.countries)
    assert len(set(g.objects(URIRef(market("EU")), SG.memberState))) == 27


def test_bad_row_names_file_and_line(tmp_path: Path) -> None:
    shutil.copy(config.CURATED_DIR / m.UNIONS_FILE, tmp_path)
    path = tmp_path / m.UNIONS_FILE
    path.write_text(path.read_text(encoding="utf-8") + "EU,FR,,V\n", encoding="utf-8")
    with pytest.raises(SourceDataError, match=r"unions\.csv, line 29: the source is empty"):
        read_source(m.SOURCE, tmp_path)


def test_markets_conform_to_the_shapes() -> None:
    validation = pytest.importorskip("stdgraph.validation")
    report = validation.validate(read_source(m.SOURCE).graph)
    assert report.conforms, report.text()
