"""DESTA, TREND and ToTA built with the curated FTAs from the real files: counts, one node per agreement,
the China-Switzerland FTA across all four, its environment chapter, the unmatched reports and the queries.

Every expected figure is read from the files here, not typed in. The sources are built once per session.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pycountry
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from ingest import agreement_matching as am
from ingest import desta, tota, trend
from stdgraph import config
from stdgraph.build import build
from stdgraph.namespaces import META_GRAPH, SG, entity, market, vocab
from stdgraph.queries import named_queries
from stdgraph.sources import Source, SourceDataError
from stdgraph.store import OxigraphStore

DATA = config.shared_data_dir()
DESTA_CSV = DATA / "desta-trade-agreements" / "DESTA.csv"
TREND_CSV = DATA / "trend-environmental-provisions" / "trend2022.csv"
TOTA_DIR = DATA / "tota-trade-agreement-texts"
SOURCES = ["ontology", "markets", "curated-trade-agreements", "desta", "trend", "tota"]
SWISS = URIRef(entity("agreement", "desta-862"))


def _rows(path: Path, delimiter: str) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


@pytest.fixture(scope="module")
def trade() -> Iterator[OxigraphStore]:
    """The trade sources with the curated FTAs, markets and ontology, built once: each source is checked
    against the others (DESTA's parties are markets while TREND is validated)."""
    store = OxigraphStore()
    build(store, SOURCES, data_dir=DATA, progress=False)
    yield store


def _count(store: OxigraphStore, query: str) -> int:
    return int(store.select(query).rows[0]["n"])  # type: ignore[arg-type]


def _notes(store: OxigraphStore, source: Source) -> list[str]:
    rows = store.select(
        "SELECT ?note WHERE { GRAPH ?meta { ?g sg:buildNote ?note } }",
        bindings={"meta": META_GRAPH, "g": source.graph_iri},
    ).rows
    return [str(r["note"]) for r in rows]


def _note(store: OxigraphStore, source: Source, start: str) -> str:
    return next(n for n in _notes(store, source) if n.startswith(start))


@pytest.mark.slow
def test_desta_agreements_and_parties_match_the_file(trade: OxigraphStore) -> None:
    rows = _rows(DESTA_CSV, ";")
    pairs = set()
    for row in rows:
        for column in am.PARTY_COLUMNS:
            country = pycountry.countries.get(numeric=row[column].zfill(3)) if row[column] != "NA" else None
            if country:
                pairs.add((row["number"], country.alpha_2))
    agreements = _count(
        trade, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH sgg:desta { ?a a sg:TradeAgreement } }"
    )
    parties = _count(trade, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH sgg:desta { ?a sg:party ?m } }")
    assert agreements == len(rows) == 1217
    assert parties == len(pairs)


@pytest.mark.slow
def test_unmapped_desta_parties_are_reported_not_guessed(trade: OxigraphStore) -> None:
    rows = _rows(DESTA_CSV, ";")
    with_unmapped = [
        r for r in rows if any(r[c] in am.UNMAPPED_CODES for c in am.PARTY_COLUMNS if r[c] != "NA")
    ]
    note = _note(trade, desta.SOURCE, "DESTA entries with a party that has no ISO 3166-1 market")
    assert f"({len(with_unmapped)}):" in note
    assert all(f"{r['number']} {r['name']}:" in note for r in with_unmapped)


@pytest.mark.slow
def test_trend_codes_every_one_and_no_zero(trade: OxigraphStore) -> None:
    rows = _rows(TREND_CSV, ";")
    columns = [c for c in rows[0] if c.startswith("X")]
    ones = {(r["Trade.Agreement"], c) for r in rows for c in columns if r[c] == "1"}
    concepts = _count(
        trade, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH sgg:trend { ?c skos:inScheme sgid:vocab\\/trend } }"
    )
    codes = _count(trade, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH sgg:trend { ?a sg:hasProvisionCode ?c } }")
    agreements = _count(
        trade, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH sgg:trend { ?a a sg:TradeAgreement } }"
    )
    assert concepts == len(columns) == 298
    assert codes == len(ones)
    assert agreements == len(rows) == 775


@pytest.mark.slow
def test_trend_rows_without_desta_are_reported(trade: OxigraphStore) -> None:
    numbers = {r["number"] for r in _rows(DESTA_CSV, ";")}
    outside = [r["Trade.Agreement"] for r in _rows(TREND_CSV, ";") if r["Number"] not in numbers]
    note = _note(trade, trend.SOURCE, "TREND rows whose number DESTA does not list")
    assert note.startswith(
        f"TREND rows whose number DESTA does not list (described from TREND alone) ({len(outside)}):"
    )
    assert "1047_China Mauritius_2019" in note


@pytest.mark.slow
def test_china_switzerland_is_one_node_across_the_four_sources(trade: OxigraphStore) -> None:
    rows = trade.select(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?a a sg:TradeAgreement } }", bindings={"a": SWISS}
    ).rows
    assert {str(r["g"]).rsplit("/", 1)[1] for r in rows} == {
        "desta",
        "trend",
        "tota",
        "curated-trade-agreements",
    }
    parties = trade.select("SELECT DISTINCT ?m WHERE { ?a sg:party ?m }", bindings={"a": SWISS}).rows
    assert {r["m"] for r in parties} == {URIRef(market("CN")), URIRef(market("CH"))}
    facts = trade.select(
        "SELECT DISTINCT ?number ?rta WHERE { ?a sg:destaNumber ?number ; sg:wtoRtaId ?rta }",
        bindings={"a": SWISS},
    ).rows
    tota_row = next(r for r in _rows(TOTA_DIR / "tota_metadata.csv", ",") if r["treaty_identifier"] == "376")
    assert [(str(r["number"]), str(r["rta"])) for r in facts] == [("862", tota_row["wto_rta_id"])]
    trend_row = next(r for r in _rows(TREND_CSV, ";") if r["Number"] == "862")
    coded = _count(trade, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{SWISS}> sg:hasProvisionCode ?c }}")
    assert coded == sum(1 for c, v in trend_row.items() if c.startswith("X") and v == "1")


@pytest.mark.slow
def test_switzerland_environment_chapter_has_the_tota_text(trade: OxigraphStore) -> None:
    root = ET.parse(TOTA_DIR / "xml" / "pta_376.xml").getroot()
    chapter = next(c for c in root.iter("chapter") if "nviron" in (c.get("name") or ""))
    articles = {a.get("number").removeprefix("ARTICLE ") for a in chapter.findall("article")}  # type: ignore[union-attr]
    query = named_queries()["agreement-chapters"]
    result = trade.select(query.sparql, bindings=query.bindings({"agreement": str(SWISS)})).rows
    environment = [r for r in result if r["topic"] == Literal("environment")]
    assert {str(r["articleNumber"]) for r in environment} == articles
    first = next(r for r in environment if str(r["articleNumber"]) == "12.1")
    expected = (chapter.find("article").text or "").replace("\u00a0", " ").split()[:8]  # type: ignore[union-attr]
    assert str(first["text"]).split()[:8] == expected
    # The curated chapter 12 and ToTA's chapter 12 are one node.
    assert {str(r["chapter"]) for r in environment} == {entity("chapter", "desta-862 12")}
    others = {str(r["title"]) for r in result if r["topic"] == Literal("other")}
    assert "Dispute Settlement" in others
    assert all(r["text"] is None for r in result if r["topic"] == Literal("other") and r["article"] is None)


@pytest.mark.slow
def test_agreements_with_provision_finds_china_switzerland(trade: OxigraphStore) -> None:
    trend_row = next(r for r in _rows(TREND_CSV, ";") if r["Number"] == "862")
    column = next(c for c, v in trend_row.items() if c.startswith("X") and v == "1")
    code = trend.variable(column)[0]  # type: ignore[index]
    coded = {r["Number"] for r in _rows(TREND_CSV, ";") if r[column] == "1"}
    china = [
        r for r in _rows(DESTA_CSV, ";") if r["number"] in coded and "156" in (r[c] for c in am.PARTY_COLUMNS)
    ]
    query = named_queries()["agreements-with-provision"]
    rows = trade.select(query.sparql, bindings=query.bindings({"market": "CN", "provision": code})).rows
    found = {str(r["agreement"]) for r in rows}
    assert str(SWISS) in found
    assert {entity("agreement", am.desta_key(r["number"])) for r in china} <= found
    swiss = [r for r in rows if str(r["agreement"]) == str(SWISS)]
    assert str(swiss[0]["signed"]) == "2013-07-06"  # ToTA's and the curated date beat DESTA's year
    assert {str(r["chapterTitle"]) for r in swiss} >= {"Environmental Issues"}


@pytest.mark.slow
def test_tota_unmatched_rows_are_counted_and_listed(trade: OxigraphStore) -> None:
    rows = _rows(TOTA_DIR / "tota_metadata.csv", ",")
    matched_note = _note(trade, tota.SOURCE, "ToTA rows matched to DESTA")
    unmatched_note = _note(trade, tota.SOURCE, "ToTA rows not matched to DESTA")
    matched = int(matched_note.split(": ", 1)[1].split(" of ")[0])
    unmatched = int(unmatched_note.split("(kept as wto-rta-{id}) (", 1)[1].split(")")[0])
    assert matched + unmatched == len(rows)
    in_graph = _count(
        trade,
        "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH sgg:tota { ?a a sg:TradeAgreement "
        "FILTER(!STRSTARTS(STR(?a), 'https://w3id.org/stdgraph/id/agreement/desta-')) } }",
    )
    assert in_graph == unmatched
    licence = trade.select(
        "SELECT ?l WHERE { GRAPH ?meta { ?g dcterms:license ?l } }",
        bindings={"meta": META_GRAPH, "g": tota.SOURCE.graph_iri},
    ).rows
    assert "CC BY-NC 4.0" in str(licence[0]["l"])


def test_a_bad_trend_cell_names_file_and_line_and_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "trend-environmental-provisions"
    folder.mkdir()
    (tmp_path / "desta-trade-agreements").symlink_to(DESTA_CSV.parent)
    lines = TREND_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3][: lines[3].rindex(";")] + ';"7"\n'
    (folder / "trend2022.csv").write_text("".join(lines), encoding="utf-8")
    store = OxigraphStore()
    with pytest.raises(
        SourceDataError, match=r"trend2022\.csv, line 4: X15\.OTHER\.ENVIRONMENTAL\.NORMS is '7'"
    ):
        build(store, ["trend"], data_dir=tmp_path, progress=False)
    assert store.is_empty()


DESTA_ROW = {
    "number": "862",
    "base_treaty": "862",
    "name": "China Switzerland",
    "entry_type": "base_treaty",
    "year": "2013",
    "entryforceyear": "2014",
    "typememb": "1",
    "wto_name": "Switzerland - China",
    **{c: "NA" for c in am.PARTY_COLUMNS},
    "c1": "156",
    "c2": "756",
}


def test_desta_row_gives_years_parties_and_type() -> None:
    g = Graph()
    for triple in desta.agreement_triples(DESTA_ROW):
        g.add(triple)
    assert g.value(SWISS, SG.signatureYear) == Literal("2013", datatype=XSD.gYear)
    assert g.value(SWISS, SG.signedOn) is None  # DESTA gives years only
    assert set(g.objects(SWISS, SG.party)) == {URIRef(market("CN")), URIRef(market("CH"))}
    assert g.value(SWISS, SG.destaEntryType) == URIRef(vocab("desta-entry-type", "base-treaty"))
    assert g.value(SWISS, SG.baseAgreement) is None


def test_desta_accession_points_at_its_base_treaty() -> None:
    row = {
        **DESTA_ROW,
        "number": "62+1",
        "base_treaty": "62",
        "entry_type": "accession",
        "entryforceyear": "NA",
    }
    g = Graph()
    for triple in desta.agreement_triples(row):
        g.add(triple)
    node = URIRef(entity("agreement", "desta-62-plus-1"))
    assert g.value(node, SG.baseAgreement) == URIRef(entity("agreement", "desta-62"))
    assert g.value(node, SG.entryIntoForceYear) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"c3": "999"}, "'999' is not an ISO 3166-1 numeric"),
        ({"year": "13"}, "year '13' is not a year"),
        ({"entry_type": "treaty"}, "entry_type 'treaty'"),
    ],
)
def test_bad_desta_cells_are_refused(change: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        list(desta.agreement_triples({**DESTA_ROW, **change}))


def test_trend_column_names_become_codes_and_labels() -> None:
    assert trend.variable("X14.04.26.Other.ref.Paris.Climate.Agreement") == (
        "14.04.26",
        "Other ref Paris Climate Agreement",
    )
    assert trend.variable("X15.OTHER.ENVIRONMENTAL.NORMS") == ("15", "OTHER ENVIRONMENTAL NORMS")
    assert trend.variable("Year") is None


def test_tota_text_keeps_wording_only_for_environmental_articles() -> None:
    root = ET.fromstring(
        '<treaty><body><chapter number="CHAPTER 12" name="Environmental Issues" chapter_identifier="1">'
        '<article number="ARTICLE 12.1" name="Context" article_identifier="2">'
        "The\u00a0Parties recall.</article>"
        '</chapter><chapter number="CHAPTER IV" name="Trade Remedies" chapter_identifier="3">'
        '<article number="ARTICLE 4" name="Safeguards" article_identifier="4">Not kept.</article>'
        '<article article_identifier="5">An unnumbered closing text.</article>'
        "</chapter></body></treaty>"
    )
    g = Graph()
    for triple in tota.text_triples(root, "desta-862", "xml/pta_376.xml"):
        g.add(triple)
    environment = URIRef(entity("article", "desta-862 12.1"))
    assert g.value(environment, SG.text) == Literal("The Parties recall.", lang="en")
    other = URIRef(entity("article", "desta-862 4"))
    assert g.value(other, DCTERMS.title) == Literal("Safeguards", lang="en")
    assert g.value(other, SG.text) is None
    assert g.value(URIRef(entity("chapter", "desta-862 IV")), SG.chapterNumber) == Literal("IV")
    assert len(set(g.subjects(RDF.type, SG.AgreementArticle))) == 2


@pytest.mark.slow
def test_environment_chapters_give_one_row_per_chapter_across_sources(trade: OxigraphStore) -> None:
    query = named_queries()["environment-chapters"]
    rows = trade.select(query.sparql, bindings=query.bindings({"market": "CN"})).rows
    korea = [r for r in rows if str(r["agreement"]) == entity("agreement", "desta-909")]
    assert len(korea) == 1  # the curated file and ToTA both describe chapter 16
    assert str(korea[0]["chapter"]) == "16"
    assert str(korea[0]["signed"]) == "2015-06-01"
