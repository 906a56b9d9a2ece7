"""Curated certification schemes and their organisations: one row in, one sourced fact out."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from ingest import curated_schemes as ch
from ingest import curated_standards as cs
from stdgraph import config
from stdgraph.identifiers import parse, standard_iri
from stdgraph.namespaces import ORG, RDF, SG, XSD, entity, market, org, vocab
from stdgraph.sources import SourceDataError, read_source

CURATED = config.CURATED_DIR
KEYS = {ch.SCHEMES: "key", ch.ORGANISATIONS: "acronym"}


def rows(name: str) -> list[dict[str, str]]:
    with (CURATED / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def graph(triples) -> Graph:
    g = Graph()
    for triple in triples:
        g.add(triple)
    return g


CEL = {
    "key": "china-environmental-labelling",
    "name_en": "China Environmental Labelling",
    "name_zh": "十环",
    "scheme_type": "type-i-ecolabel",
    "owner": "",
    "operator": "CEC@CN",
    "based_on": "ISO 14024",
    "operates_in": "CN",
    "established": "1993",
    "product_scope_text": "",
    "note": "",
    "source": "http://www.chinadaily.com.cn/english/doc/2005-01/26/content_412340.htm",
    "confidence": "V*",
}


def test_scheme_row_gives_type_operator_standard_market_and_date() -> None:
    g = graph(ch.scheme_triples(CEL))
    node = URIRef(entity("scheme", "china-environmental-labelling"))
    assert (node, SG.schemeType, URIRef(vocab("scheme-type", "type-i-ecolabel"))) in g
    assert (node, SG.operator, URIRef(org("CEC", "CN"))) in g
    assert (node, SG.basedOn, URIRef(standard_iri("ISO 14024"))) in g
    assert (node, SG.operatesIn, URIRef(market("CN"))) in g
    assert (node, SG.established, Literal("1993", datatype=XSD.gYear)) in g


def test_organisation_row_gives_class_and_jurisdiction() -> None:
    row = {
        "acronym": "CEC",
        "country": "CN",
        "name_en": "China Environmental United Certification Center",
        "name_zh": "中环联合认证中心",
        "types": "ConformityAssessmentBody;SchemeOperator",
        "source": "http://www.chinadaily.com.cn/english/doc/2005-01/26/content_412340.htm",
        "confidence": "V*",
    }
    g = graph(ch.organisation_triples(row))
    node = URIRef(org("CEC", "CN"))
    assert (node, RDF.type, SG.ConformityAssessmentBody) in g
    assert (node, RDF.type, ORG.Organization) in g
    assert (node, SG.jurisdiction, URIRef(market("CN"))) in g


def test_organisation_without_acronym_is_keyed_by_name() -> None:
    assert ch.org_ref("I-TRACK Foundation") == org("I-TRACK Foundation")


def copy_with(tmp_path: Path, name: str, column: str, value: str, line: int) -> Path:
    for data_file in ch.SOURCE.files:
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
        (ch.SCHEMES, "established", "2016-13-01", "not a calendar date"),
        (ch.SCHEMES, "scheme_type", "ecolabel", "scheme type"),
        (ch.SCHEMES, "based_on", "ISO-fourteen-thousand", "not a standard reference"),
        (ch.SCHEMES, "operates_in", "China", "alpha-2"),
        (ch.SCHEMES, "source", "", "needs a source"),
        (ch.ORGANISATIONS, "confidence", "X", "confidence"),
        (ch.ORGANISATIONS, "types", "Regulator", "organisation type"),
    ],
)
def test_bad_cell_names_file_and_line(
    tmp_path: Path, name: str, column: str, value: str, message: str
) -> None:
    folder = copy_with(tmp_path, name, column, value, line=4)
    with pytest.raises(SourceDataError, match=rf"{name}, line 4: .*{message}"):
        read_source(ch.SOURCE, folder)


@pytest.mark.parametrize("name", list(KEYS))
def test_every_row_has_a_source_and_a_confidence(name: str) -> None:
    for row in rows(name):
        assert row["source"].strip(), row
        assert row["confidence"] in {"V", "V*"}, row


def test_tables_are_sorted_by_their_key_and_keys_are_unique() -> None:
    keys = [row["key"] for row in rows(ch.SCHEMES)]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    orgs = [(row["acronym"] or row["name_en"], row["country"]) for row in rows(ch.ORGANISATIONS)]
    assert orgs == sorted(orgs) and len(orgs) == len(set(orgs))


def test_every_based_on_parses() -> None:
    for row in rows(ch.SCHEMES):
        for ref in row["based_on"].split(";"):
            if ref.strip():
                parse(ref)


def test_every_based_on_names_a_curated_standard_or_edition() -> None:
    known = set()
    for row in rows(cs.STANDARDS):
        ref = parse(row["identifier"])
        known |= {ref.canonical, ref.work}
    for row in rows(ch.SCHEMES):
        for ref in row["based_on"].split(";"):
            if ref.strip():
                assert parse(ref).canonical in known, f"{row['key']}: {ref} is not in standards.csv"


def test_every_owner_and_operator_is_an_organisations_row() -> None:
    known = {org(row["acronym"] or row["name_en"], row["country"] or None) for row in rows(ch.ORGANISATIONS)}
    for row in rows(ch.SCHEMES):
        for cell in (row["owner"] + ";" + row["operator"]).split(";"):
            if cell.strip():
                assert ch.org_ref(cell) in known, f"{row['key']}: {cell} is not in organisations.csv"


def test_the_whole_source_reads() -> None:
    loaded = read_source(ch.SOURCE)
    assert len(rows(ch.SCHEMES)) == len(set(loaded.graph.subjects(RDF.type, SG.CertificationScheme)))


SCHEMES_WITHOUT_TYPE = {"iscc-plus", "rsb"}
"""Schemes whose sources state no type that the scheme-type vocabulary has (reported as a vocabulary gap)."""


def test_only_the_known_vocabulary_gaps_lack_a_scheme_type() -> None:
    assert {row["key"] for row in rows(ch.SCHEMES) if not row["scheme_type"]} == SCHEMES_WITHOUT_TYPE


def test_the_sources_conform_to_the_shapes() -> None:
    """The schemes with the nodes they link to (curated standards, markets) against the shapes."""
    validation = pytest.importorskip("stdgraph.validation")
    from ingest import markets

    data = read_source(ch.SOURCE).graph + read_source(cs.SOURCE).graph + read_source(markets.SOURCE).graph
    report = validation.validate(data)
    assert report.conforms, report.text()
