"""The standards catalogues: ISO deliverables, IEC publications, ICS and ISO committees.

Unit tests feed real rows of the files in ../shared/data to the row functions (cheap). The `slow` tests
share one session build of the default graph plus every catalogue (`catalogue_build`, tests/conftest.py)
and check facts the files state, counts against the files, and the links across sources.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from ingest import _catalogue as cat
from ingest import ics, iec_catalogue, iso_catalogue, iso_committees
from stdgraph import config
from stdgraph.identifiers import edition_iri, parse
from stdgraph.namespaces import DCTERMS, SG, SKOS, XSD, committee, org, vocab
from stdgraph.queries import named_queries
from stdgraph.sources import SourceDataError, SourceInput, found_in, read_source
from stdgraph.store import from_ox, rdflib_triple

# One worker builds the catalogues once (`--dist loadgroup` keeps these tests together).
pytestmark = pytest.mark.xdist_group("catalogues")

DATA = config.shared_data_dir()
ISO_CSV = DATA / "iso-catalogue-relaton" / iso_catalogue.DELIVERABLES
IEC_CSV = DATA / "iec-catalogue-relaton" / iec_catalogue.PUBLICATIONS
ICS_CSV = DATA / "iso-open-data" / ics.ICS_FILE
TC_CSV = DATA / "iso-open-data" / iso_committees.COMMITTEES


def file_rows(path: Path, key: str, *values: str) -> list[tuple[int, dict[str, str]]]:
    """(line, row) of the real file whose `key` column is one of `values`, as `SourceInput.rows` gives."""
    found = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            if row[key] in values:
                found.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
    return found


def graph(triples) -> Graph:
    """The triples as an rdflib graph (the catalogues yield pyoxigraph terms, ICS and committees rdflib)."""
    g = Graph()
    for triple in triples:
        g.add(rdflib_triple(triple))
    return g


def iri(text: str) -> URIRef:
    return URIRef(edition_iri(text))


STATUS = {s: URIRef(vocab("status", s)) for s in ("under-development", "published", "withdrawn")}


# --- stage codes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("30.99", "under-development"),
        ("50.20", "under-development"),
        ("60.00", "under-development"),
        ("60.60", "published"),
        ("90.92", "published"),
        ("90.93", "published"),
        ("95.20", "published"),
        ("95.99", "withdrawn"),
        ("40.98", None),
    ],
)
def test_stage_codes_map_to_status(stage: str, expected: str | None) -> None:
    assert from_ox(iso_catalogue.status(stage)) == (STATUS[expected] if expected else None)


def test_every_stage_code_of_the_file_maps() -> None:
    stages = Counter(row["stage_code"] for _, row in file_rows(ISO_CSV, "doctype", "international-standard"))
    for stage in stages:
        iso_catalogue.status(stage)  # raises on a code it does not know


# --- ISO rows -----------------------------------------------------------------------------------------


def test_iso_14067_row_gives_its_edition() -> None:
    (_, row), *_ = file_rows(ISO_CSV, "reference", "ISO 14067:2018")
    index = cat.Index()
    for text in ("ISO 14067:2018", "ISO/TS 14067:2013"):
        index.add(1, cat.reference(text), ())
    unresolved: Counter = Counter()
    g = graph(iso_catalogue.edition_triples(row, cat.reference(row["reference"]), index, unresolved))
    node = iri("ISO 14067:2018")
    assert (node, SG.stageCode, Literal("90.92")) in g
    assert (node, SG.status, STATUS["published"]) in g
    assert (node, DCTERMS.issued, Literal("2018-08", datatype=XSD.gYearMonth)) in g
    assert (node, SG.committee, URIRef(committee("ISO/TC 207/SC 7"))) in g
    assert (node, SG.ics, URIRef("https://w3id.org/stdgraph/id/ics/13.020.40")) in g
    assert (node, SG.supersedes, iri("ISO/TS 14067:2013")) in g
    assert (iri("ISO/TS 14067:2013"), SG.supersededBy, node) in g
    assert (node, SG.catalogueURL, URIRef("https://www.iso.org/standard/71206.html")) in g
    assert (node, DCTERMS.publisher, URIRef(org("ISO"))) in g
    assert unresolved == Counter({"ISO/AWI 14067": 1})  # a stage label with no record of its own


def test_updated_by_means_is_updated_by_and_amendments_do_not_supersede() -> None:
    (_, row), *_ = file_rows(ISO_CSV, "reference", "ISO 14001:2015")
    newer = [r for r in row["updated_by"].split(";") if r]
    index = cat.Index()
    for text in ["ISO 14001:2015", *newer]:
        index.add(1, cat.reference(text), ())
    g = graph(iso_catalogue.edition_triples(row, cat.reference(row["reference"]), index, Counter()))
    node = iri("ISO 14001:2015")
    assert "ISO 14001:2015/Amd 1:2024" in newer
    assert (iri("ISO 14001:2015/Amd 1:2024"), SG.supersedes, node) not in g
    assert not list(g.objects(node, SG.supersededBy)), "ISO 14001:2015 is amended, not superseded"
    (_, old), *_ = file_rows(ISO_CSV, "reference", "ISO 14001:2004")
    index.add(2, cat.reference("ISO 14001:2004"), ())
    g = graph(iso_catalogue.edition_triples(old, cat.reference("ISO 14001:2004"), index, Counter()))
    assert (node, SG.supersedes, iri("ISO 14001:2004")) in g


def test_a_green_record_carries_its_abstract_and_french_title() -> None:
    src = SourceInput(iso_catalogue.SOURCE, ISO_CSV.parent)
    green = iso_catalogue.read_green(src)
    record = green[parse("ISO 14067:2018").edition_slug]
    (_, row), *_ = file_rows(ISO_CSV, "reference", "ISO 14067:2018")
    g = graph(
        iso_catalogue.owned_triples(
            cat.iri(iri("ISO 14067:2018")), parse("ISO 14067:2018"), row, record, Counter()
        )
    )
    assert (iri("ISO 14067:2018"), DCTERMS.abstract, Literal(record["abstract_en"].strip(), lang="en")) in g
    assert (iri("ISO 14067:2018"), DCTERMS.title, Literal(record["title_fr"].strip(), lang="fr")) in g
    assert {r["committee"].split("/SC")[0] for r in green.values()} <= set(iso_catalogue.GREEN_COMMITTEES)


def test_a_supplement_keeps_no_date_of_its_base() -> None:
    """The file dates ISO 14001:2015/Amd 1:2024 with its base's year (2015): that is not its date."""
    ref = parse("ISO 14001:2015/Amd 1:2024")
    counts: Counter = Counter()
    assert cat.issued(ref, "2015", {}, counts) is None
    assert from_ox(cat.issued(ref, "2024-02", {}, counts)) == Literal("2024-02", datatype=XSD.gYearMonth)
    assert cat.issued(ref, "2024-02", {ref.edition_slug: "2024-02-23"}, counts) is None
    assert counts == Counter(
        {"dates of another document": 1, "dates the curated graph states more precisely": 1}
    )


def test_a_bad_stage_code_names_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "iso"
    folder.mkdir()
    shutil.copy(ISO_CSV.parent / iso_catalogue.GREEN, folder / iso_catalogue.GREEN)
    with ISO_CSV.open(encoding="utf-8") as handle:
        lines = [next(handle), next(handle)]
        lines += [
            line.replace(",90.92,", ",published,") for line in handle if line.startswith("ISO 14067:2018,")
        ]
    (folder / iso_catalogue.DELIVERABLES).write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SourceDataError, match=r"iso_deliverables.csv, line 3: stage code 'published'"):
        read_source(iso_catalogue.SOURCE, folder)


# --- IEC rows -----------------------------------------------------------------------------------------


def test_iec_61215_row_gives_status_dates_and_committee() -> None:
    (_, row), *_ = file_rows(IEC_CSV, "reference", "IEC 61215-1:2016")
    catalogue = iec_catalogue.Catalogue()
    catalogue.successors[(parse("IEC 61215-1:2021").work_slug, "2021-02-23")].append(
        edition_iri("IEC 61215-1:2021")
    )
    catalogue.index.add(1, cat.reference(row["reference"]), ())
    g = graph(catalogue.edition_triples(row, cat.reference(row["reference"])))
    node = iri("IEC 61215-1:2016")
    assert (node, SG.status, STATUS["withdrawn"]) in g
    assert (node, SG.withdrawalDate, Literal("2021-02-23", datatype=XSD.date)) in g
    assert (node, SG.committee, URIRef(committee("IEC/TC 82"))) in g
    assert (node, SG.supersededBy, iri("IEC 61215-1:2021")) in g
    assert (node, SG.catalogueURL, URIRef("https://webstore.iec.ch/publication/24312")) in g


def test_a_shared_document_is_spelled_as_its_lead_publisher_spells_it() -> None:
    assert cat.reference("ISO/IEC 10021-1:1990/AMD1:1994").canonical == "ISO/IEC 10021-1:1990/Amd 1:1994"
    assert cat.reference("IEC/TR 60828:1988").canonical == "IEC TR 60828:1988"


# --- ICS and committees -------------------------------------------------------------------------------


def test_ics_code_has_labels_and_broader() -> None:
    (_, row), *_ = file_rows(ICS_CSV, "identifier", "13.020.40")
    g = graph(ics.code_triples(row))
    node = URIRef("https://w3id.org/stdgraph/id/ics/13.020.40")
    assert (node, SKOS.broader, URIRef("https://w3id.org/stdgraph/id/ics/13.020")) in g
    assert (node, SKOS.prefLabel, Literal(row["titleEn"], lang="en")) in g
    assert (node, SKOS.prefLabel, Literal(row["titleFr"], lang="fr")) in g


def test_ics_parent_must_be_the_code_above() -> None:
    row = dict.fromkeys(ics.COLUMNS, "") | {"identifier": "13.020.40", "parent": "17.020"}
    with pytest.raises(ValueError, match="not the code above"):
        list(ics.code_triples(row))


def test_committee_row_gives_parent_secretariat_and_members() -> None:
    (_, row), *_ = file_rows(TC_CSV, "reference", "ISO/TC 207/SC 7")
    references = {r["id"]: r["reference"] for _, r in file_rows(TC_CSV, "reference", "ISO/TC 207")}
    g = graph(iso_committees.committee_triples(row, references))
    node = URIRef(committee("ISO/TC 207/SC 7"))
    assert (node, SG.parentCommittee, URIRef(committee("ISO/TC 207"))) in g
    assert (node, SG.participatingMember, URIRef(org("SAC", "CN"))) in g
    assert (URIRef(org("SAC", "CN")), SG.jurisdiction, URIRef("https://w3id.org/stdgraph/id/market/CN")) in g
    (secretariat,) = g.objects(node, SG.secretariat)
    assert (secretariat, SG.acronym, Literal(row["secretariat.acronym"])) in g
    assert str(secretariat).endswith(f"iso-member-{row['secretariat.id']}")


def test_member_lists_must_pair_ids_and_acronyms() -> None:
    assert iso_committees.members("[1485, 1499]", "[SABS, IANOR]") == [("SABS", "1485"), ("IANOR", "1499")]
    with pytest.raises(ValueError, match="2 member ids but 1 acronyms"):
        iso_committees.members("[1485, 1499]", "[SABS]")


# --- which sources a build picks up -------------------------------------------------------------------


def test_catalogues_join_a_build_when_their_files_are_found(tmp_path: Path) -> None:
    for source in (iso_catalogue.SOURCE, iec_catalogue.SOURCE, ics.SOURCE, iso_committees.SOURCE):
        assert not source.default, "the default graph stays small; --data-dir adds the catalogues"
        assert found_in(source, DATA)
        assert not found_in(source, tmp_path)


# --- the whole catalogues, built once (slow) ----------------------------------------------------------


def rows_of(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def select(store, query: str, **bindings):
    return store.select(query, bindings=bindings).rows


@pytest.mark.slow
def test_counts_match_the_files(catalogue_build) -> None:
    store, report = catalogue_build
    results = {r.name: r for r in report.results}
    assert results["iso-catalogue"].rows == rows_of(ISO_CSV) == 71267
    assert results["iec-catalogue"].rows == rows_of(IEC_CSV) == 32524
    assert results["ics"].rows == rows_of(ICS_CSV)
    assert results["iso-committees"].rows == rows_of(TC_CSV)
    (row,) = select(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH sgg:ics { ?c a sg:ICSCode } }")
    assert int(row["n"]) == rows_of(ICS_CSV)
    (row,) = select(
        store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH sgg:iso-committees { ?c a sg:TechnicalCommittee } }"
    )
    assert int(row["n"]) == rows_of(TC_CSV)
    # ISO: 71,267 rows = 53,268 dated documents + 9,629 duplicate rows + 8,370 undated references.
    (row,) = select(
        store,
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE "
        "{ GRAPH sgg:iso-catalogue { ?e sg:editionOf ?w ; a sg:Edition } }",
    )
    catalogue = iso_catalogue.Catalogue()
    sum(1 for _ in iso_catalogue.triples(SourceInput(iso_catalogue.SOURCE, ISO_CSV.parent), catalogue))
    assert catalogue.counts["editions"] == catalogue.index.editions == 53268
    counts = catalogue.index.counts
    assert counts["dated"] + counts["undated"] == 71267
    assert catalogue.index.editions + catalogue.index.duplicates + counts["undated"] == 71267
    assert int(row["n"]) == catalogue.index.editions + len(catalogue.index.missing_bases)


@pytest.mark.slow
def test_iso_14067_supersession_as_the_file_says(catalogue_store) -> None:
    rows = select(
        catalogue_store,
        "SELECT ?old ?new WHERE { ?e sg:supersedes ?old . ?new sg:supersedes ?e }",
        e=iri("ISO 14067:2018"),
    )
    (_, row), *_ = file_rows(ISO_CSV, "reference", "ISO 14067:2018")
    assert row["obsoletes"].split(";")[0] == "ISO/TS 14067:2013"
    olds = {
        r["old"]
        for r in select(
            catalogue_store, "SELECT ?old WHERE { ?e sg:supersedes ?old }", e=iri("ISO 14067:2018")
        )
    }
    assert olds == {iri("ISO/TS 14067:2013")}
    later = select(
        catalogue_store, "SELECT ?new WHERE { ?e sg:supersededBy ?new }", e=iri("ISO/TS 14067:2013")
    )
    assert {r["new"] for r in later} == {iri("ISO 14067:2018")}
    assert rows == []  # nothing in the file supersedes ISO 14067:2018 yet (90.92, to be revised)
    chain = named_queries()["supersession"]
    for older, newer in (("ISO 14064-1:2006", "ISO 14064-1:2018"), ("ISO 50001:2011", "ISO 50001:2018")):
        found = catalogue_store.select(chain.sparql, chain.bindings({"standard": older})).rows
        assert iri(newer) in {r["edition"] for r in found if str(r["direction"]) == "later"}


@pytest.mark.slow
def test_sc7_secretariat_and_sac_membership(catalogue_store) -> None:
    (_, row), *_ = file_rows(TC_CSV, "reference", "ISO/TC 207/SC 7")
    (answer,) = select(
        catalogue_store,
        "SELECT ?acronym WHERE { ?tc sg:secretariat/sg:acronym ?acronym }",
        tc=URIRef(committee("ISO/TC 207/SC 7")),
    )
    assert str(answer["acronym"]) == row["secretariat.acronym"]
    query = named_queries()["body-memberships"]
    found = catalogue_store.select(query.sparql, query.bindings({"body": "SAC"})).rows
    p_members = {str(r["reference"]) for r in found if str(r["role"]) == "P"}
    expected = {
        r["reference"]
        for _, r in file_rows(TC_CSV, "status", "Active", "Suspended")
        if "SAC" in r["pMembers.acronym"].strip("[]").split(", ")
    }
    assert "ISO/TC 207/SC 7" in p_members
    assert p_members == expected
    assert {r["market"] for r in found} == {URIRef("https://w3id.org/stdgraph/id/market/CN")}


@pytest.mark.slow
def test_ics_broader_and_edition_ics(catalogue_store) -> None:
    rows = select(
        catalogue_store,
        "SELECT ?label WHERE { ?e sg:ics ?c . ?c skos:broader/skos:prefLabel ?label "
        "FILTER(LANG(?label) = 'en') }",
        e=iri("ISO 14067:2018"),
    )
    (_, row), *_ = file_rows(ICS_CSV, "identifier", "13.020")
    assert {str(r["label"]) for r in rows} == {row["titleEn"]}


@pytest.mark.slow
def test_iec_61215_editions(catalogue_store) -> None:
    rows = select(
        catalogue_store,
        "SELECT ?e ?id ?status WHERE { ?w sg:hasEdition ?e . ?e dcterms:identifier ?id ; sg:status ?status }",
        w=URIRef(parse("IEC 61215-1").standard_iri),
    )
    found = {str(r["id"]): r["status"] for r in rows}
    assert found["IEC 61215-1:2021"] == STATUS["published"]
    assert found["IEC 61215-1:2016"] == STATUS["withdrawn"]


def curated_international_editions() -> set[str]:
    """Every ISO or IEC edition that data/curated names (editions, adoptions, supersession)."""
    names: set[str] = set()
    with (config.CURATED_DIR / "standards.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            names.update([row["identifier"], *[s for s in row["supersedes"].split(";") if s]])
    with (config.CURATED_DIR / "adoptions.csv").open(encoding="utf-8", newline="") as handle:
        names.update(row["adopted"] for row in csv.DictReader(handle))
    return {n.strip() for n in names if parse(n).publishers[0].split("/")[0] in ("ISO", "IEC")}


@pytest.mark.slow
def test_curated_iso_and_iec_editions_exist_in_the_catalogues(catalogue_store) -> None:
    """The GB/T adoptions point at the editions the catalogues mint: same IRIs, one node."""
    missing = []
    ask = (
        "ASK WHERE { GRAPH ?g { ?e a sg:Edition ; sg:editionOf ?w } "
        "FILTER(?g IN (sgg:iso-catalogue, sgg:iec-catalogue)) }"
    )
    for name in sorted(curated_international_editions()):
        if not catalogue_store.ask(ask, bindings={"e": iri(name)}):
            missing.append(name)
    assert missing == []
    adopted = select(
        catalogue_store,
        "SELECT ?status WHERE { ?gb sg:adopts ?iso . GRAPH sgg:iso-catalogue { ?iso sg:status ?status } }",
        gb=iri("GB/T 24001-2016"),
    )
    assert [r["status"] for r in adopted] == [STATUS["published"]]


# --- named queries on the catalogues (issue 5, item 5) ---------------------------------------------------


def published_stage(code: str) -> bool:
    """ISO harmonized stage codes of a published document (https://www.iso.org/stage-codes.html)."""
    return code == "60.60" or code.startswith("90.") or code in ("95.20", "95.60", "95.92")


@pytest.mark.slow
def test_current_standards_of_a_committee_with_their_ics_labels(catalogue_store) -> None:
    """ISO/TC 207/SC 7: the published editions the ISO file lists, each ICS code with the ICS file's label."""
    with ICS_CSV.open(encoding="utf-8-sig", newline="") as handle:
        labels = {row["identifier"]: row["titleEn"].strip() for row in csv.DictReader(handle)}
    expected = set()
    for _, row in file_rows(ISO_CSV, "committee", "ISO/TC 207/SC 7"):
        ref = cat.reference(row["reference"])
        if ref is not None and ref.is_edition and published_stage(row["stage_code"]):
            for code in row["ics"].split(";"):
                expected.add((ref.canonical, code.strip(), labels[code.strip()]))
    assert len({e[0] for e in expected}) >= 15  # ISO 14064-1:2018, ISO 14067:2018, ISO 14068-1:2023, ...
    query = named_queries()["committee-current-standards"]
    rows = catalogue_store.select(query.sparql, query.bindings({"committee": "ISO/TC 207/SC 7"})).rows
    got = [(str(r["identifier"]), str(r["icsCode"]), str(r["icsLabel"])) for r in rows]
    assert len(got) == len(set(got))  # one row per edition and ICS code
    assert set(got) == expected
    assert {str(r["unit"]) for r in rows} == {"ISO/TC 207/SC 7"}
    assert not {e for e in got if e[0] in ("ISO 14064-1:2006", "ISO/TS 14067:2013")}  # withdrawn


def green_committee(committee_ref: str) -> str | None:
    for green in iso_catalogue.GREEN_COMMITTEES:
        if committee_ref == green or committee_ref.startswith(f"{green}/"):
            return green
    return None


@pytest.mark.slow
def test_green_committee_adoptions_are_the_curated_ones_with_their_degree(catalogue_store) -> None:
    committees = {}
    with ISO_CSV.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            ref = cat.reference(row["reference"])
            if ref is not None and ref.is_edition and row["committee"]:
                committees.setdefault(ref.canonical, row["committee"])
    expected = []
    with (config.CURATED_DIR / "adoptions.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            adopted = parse(row["adopted"]).canonical
            if green_committee(committees.get(adopted, "")):
                green = green_committee(committees[adopted])
                expected.append((green, parse(row["adopting"]).canonical, adopted, row["degree"]))
    query = named_queries()["green-committee-adoptions"]
    rows = catalogue_store.select(query.sparql, query.bindings({})).rows
    got = [(str(r["committee"]), str(r["adopting"]), str(r["adopted"]), str(r["degree"])) for r in rows]
    assert sorted(got) == sorted(expected)
    for adopting, adopted, degree in (
        ("EN ISO 14064-1:2019", "ISO 14064-1:2018", "not-established"),
        ("GB/T 24067-2024", "ISO 14067:2018", "not-established"),
        ("GB/T 24001-2016", "ISO 14001:2015", "IDT"),
    ):
        assert ("ISO/TC 207", adopting, adopted, degree) in got
    assert all(str(r["sources"]).startswith("http") for r in rows)
    one = catalogue_store.select(query.sparql, query.bindings({"committee": "ISO/TC 301"})).rows
    assert sorted(str(r["adopted"]) for r in one) == sorted(e[2] for e in expected if e[0] == "ISO/TC 301")
    assert one  # ISO 50001 (TC 301, energy management) adopted as GB/T 23331
