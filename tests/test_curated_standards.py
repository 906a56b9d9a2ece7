"""Curated editions, adoptions and standards bodies: one row in, one sourced fact out; bad cells named."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from ingest import curated_standards as cs
from stdgraph import config
from stdgraph.identifiers import edition_iri, parse, standard_iri
from stdgraph.namespaces import DCTERMS, RDF, SG, XSD, org, vocab
from stdgraph.sources import SourceDataError, read_source

CURATED = config.CURATED_DIR
PUBLISHERS = {"SAC": org("SAC", "CN"), "ISO": org("ISO"), "BSI": org("BSI", "GB"), "CEN": org("CEN")}
KEYS = {cs.STANDARDS: ("identifier",), cs.ADOPTIONS: ("adopting", "adopted"), cs.BODIES: ("acronym",)}


def rows(name: str) -> list[dict[str, str]]:
    with (CURATED / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def edition_row(**cells: str) -> dict[str, str]:
    row = dict.fromkeys(cs.SOURCE.files[0].columns, "")
    row.update(
        publisher="SAC", document_type="national-standard", source="http://a.example/x", confidence="V*"
    )
    row.update(cells)
    return row


GBT_24001 = {
    "adopting": "GB/T 24001-2016",
    "adopted": "ISO 14001:2015",
    "degree": "IDT",
    "note": "Stated as identical (IDT).",
    "source": "http://xaw.net.cn/newsnr.asp?bid=24&id=1073 ; http://wqbo.cn/album/72324352",
    "confidence": "V*",
}


def graph(triples) -> Graph:
    g = Graph()
    for triple in triples:
        g.add(triple)
    return g


# --- one row in, one fact out ---------------------------------------------------------------------------


def test_adoption_row_gives_its_degree_source_and_shortcut() -> None:
    g = graph(cs.adoption_triples(GBT_24001))
    (node,) = g.subjects(RDF.type, SG.Adoption)
    assert (node, SG.adoptionDegree, URIRef(vocab("adoption-degree", "IDT"))) in g
    assert (node, DCTERMS.source, URIRef("http://xaw.net.cn/newsnr.asp?bid=24&id=1073")) in g
    assert (node, SG.evidenceLevel, URIRef(vocab("evidence-level", "secondary"))) in g
    adopting, adopted = URIRef(edition_iri("GB/T 24001-2016")), URIRef(edition_iri("ISO 14001:2015"))
    assert (node, SG.adoptingEdition, adopting) in g
    assert (adopting, SG.adopts, adopted) in g


def test_edition_row_gives_work_dates_and_supersession_both_ways() -> None:
    row = edition_row(
        identifier="GB/T 24001-2016",
        title_zh="环境管理体系 要求及使用指南",
        status="published",
        issued="2016-10-13",
        implemented="2017-05-01",
        supersedes="GB/T 24001-2004",
    )
    g = graph(cs.edition_triples(row, PUBLISHERS))
    node, work, old = (
        URIRef(edition_iri("GB/T 24001-2016")),
        URIRef(standard_iri("GB/T 24001")),
        URIRef(edition_iri("GB/T 24001-2004")),
    )
    assert (node, DCTERMS.identifier, Literal("GB/T 24001-2016")) in g
    assert (node, SG.editionOf, work) in g and (work, SG.hasEdition, node) in g
    assert (work, DCTERMS.identifier, Literal("GB/T 24001")) in g
    assert (node, DCTERMS.title, Literal("环境管理体系 要求及使用指南", lang="zh")) in g
    assert (node, DCTERMS.publisher, URIRef(org("SAC", "CN"))) in g
    assert (node, DCTERMS.issued, Literal("2016-10-13", datatype=XSD.date)) in g
    assert (node, SG.implementationDate, Literal("2017-05-01", datatype=XSD.date)) in g
    assert (node, SG.supersedes, old) in g and (old, SG.supersededBy, node) in g


def test_amendment_row_amends_its_base_edition() -> None:
    row = edition_row(
        identifier="ISO 14001:2015/Amd 1:2024",
        publisher="ISO",
        document_type="amendment",
        source="https://www.iso.org/standard/88209.html",
    )
    g = graph(cs.edition_triples(row, PUBLISHERS))
    node = URIRef(edition_iri("ISO 14001:2015/Amd 1:2024"))
    assert (node, RDF.type, SG.Amendment) in g
    assert (node, SG.amends, URIRef(edition_iri("ISO 14001:2015"))) in g
    assert (node, SG.catalogueURL, URIRef("https://www.iso.org/standard/88209.html")) in g


def test_body_row_gives_level_and_jurisdiction() -> None:
    row = {
        "acronym": "SAC",
        "name_en": "Standardization Administration of China",
        "name_zh": "国家标准化管理委员会",
        "country": "CN",
        "level": "national",
        "source": "https://www.sac.gov.cn",
        "confidence": "V",
    }
    g = graph(cs.body_triples(row))
    node = URIRef(org("SAC", "CN"))
    assert (node, RDF.type, SG.StandardsBody) in g
    assert (node, SG.bodyLevel, URIRef(vocab("body-level", "national"))) in g


# --- bad cells stop the build, naming file and line -------------------------------------------------------


def copy_with(tmp_path: Path, name: str, column: str, value: str, line: int = 2) -> Path:
    """The curated files with one cell of `name` (on the given CSV line) replaced."""
    for data_file in cs.SOURCE.files:
        shutil.copy(CURATED / data_file.name, tmp_path / data_file.name)
    table = rows(name)
    table[line - 2][column] = value
    with (tmp_path / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    return tmp_path


@pytest.mark.parametrize(
    ("name", "column", "value", "message"),
    [
        (cs.STANDARDS, "issued", "2016-13-01", "not a calendar date"),
        (cs.STANDARDS, "status", "current", "status"),
        (cs.STANDARDS, "identifier", "GB/T 24001", "not an edition"),
        (cs.STANDARDS, "publisher", "SAMR", "not a row of"),
        (cs.ADOPTIONS, "degree", "IDENTICAL", "adoption degree"),
        (cs.ADOPTIONS, "source", "", "needs a source"),
        (cs.ADOPTIONS, "confidence", "X", "confidence"),
        (cs.BODIES, "level", "global", "body level"),
    ],
)
def test_bad_cell_names_file_and_line(
    tmp_path: Path, name: str, column: str, value: str, message: str
) -> None:
    folder = copy_with(tmp_path, name, column, value, line=3)
    with pytest.raises(SourceDataError, match=rf"{name}, line 3: .*{message}"):
        read_source(cs.SOURCE, folder)


# --- the shipped tables ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(KEYS))
def test_every_row_has_a_source_and_a_confidence(name: str) -> None:
    for row in rows(name):
        assert row["source"].strip(), row
        assert row["confidence"] in {"V", "V*"}, row


@pytest.mark.parametrize("name", list(KEYS))
def test_tables_are_sorted_by_their_key_and_keys_are_unique(name: str) -> None:
    keys = [tuple(row[column] for column in KEYS[name]) for row in rows(name)]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys))


def test_every_referenced_edition_is_a_row_of_standards_csv() -> None:
    editions = {parse(row["identifier"]).canonical for row in rows(cs.STANDARDS)}
    referenced = [(row["adopting"], row["adopted"]) for row in rows(cs.ADOPTIONS)]
    referenced += [
        (row["identifier"], old) for row in rows(cs.STANDARDS) for old in row["supersedes"].split(";")
    ]
    for holder, text in referenced:
        for ref in (holder, text):
            if ref:
                assert parse(ref).is_edition, ref
                assert parse(ref).canonical in editions, f"{ref} (named by {holder}) is not in standards.csv"


def test_amendments_have_their_base_edition_as_a_row() -> None:
    editions = {parse(row["identifier"]).canonical for row in rows(cs.STANDARDS)}
    for row in rows(cs.STANDARDS):
        base = parse(row["identifier"]).base
        assert base is None or base.canonical in editions, row["identifier"]


def test_every_publisher_is_a_standards_body_row() -> None:
    bodies = {row["acronym"] for row in rows(cs.BODIES)}
    assert {row["publisher"] for row in rows(cs.STANDARDS)} <= bodies


def test_the_whole_source_reads() -> None:
    loaded = read_source(cs.SOURCE)
    assert (
        URIRef(edition_iri("GB/T 24001-2016")),
        SG.adopts,
        URIRef(edition_iri("ISO 14001:2015")),
    ) in loaded.graph
    assert len(rows(cs.ADOPTIONS)) == len(set(loaded.graph.subjects(RDF.type, SG.Adoption)))


def test_the_source_conforms_to_the_shapes() -> None:
    validation = pytest.importorskip("stdgraph.validation")
    from ingest import markets

    data = read_source(cs.SOURCE).graph + read_source(markets.SOURCE).graph
    report = validation.validate(data)
    assert report.conforms, report.text()
