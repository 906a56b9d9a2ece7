"""The APEC list of environmental goods: HS2007 codes kept, linked to HS 2022 only where the code exists."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from rdflib import Literal

from ingest import environmental_goods as eg
from ingest import hs_codes
from stdgraph.namespaces import DCTERMS, RDF, SG, SKOS
from stdgraph.sources import LoadedSource, SourceDataError, read_source

FOLDER = eg.SOURCE.default_dir()


def csv_rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def listed_codes() -> list[str]:
    return [r["hs_code"] for r in csv_rows(FOLDER, eg.CODES_FILE)]


def hs2022_subheadings() -> set[str]:
    rows = csv_rows(hs_codes.SOURCE.default_dir(), "harmonized-system.csv")
    return {r["hscode"] for r in rows if len(r["hscode"]) == 6}


@pytest.fixture(scope="module")
def loaded() -> LoadedSource:
    return read_source(eg.SOURCE)


def test_every_code_of_the_list_is_a_line_and_a_member_in_hs2007(loaded: LoadedSource) -> None:
    g, codes = loaded.graph, listed_codes()
    lines = set(g.subjects(RDF.type, SG.ListedGood))
    assert len(lines) == len(codes) == len(set(codes))
    members = set(g.objects(eg.LIST, SKOS.member))
    assert members == {eg.code_iri(c) for c in codes}
    assert all((m, SKOS.inScheme, eg.SCHEME) in g for m in members)
    assert {str(g.value(g.value(line, SG.listedCode), SKOS.notation)) for line in lines} == set(codes)
    assert all(g.value(line, DCTERMS.source) is not None for line in lines)


def test_codes_link_to_hs_2022_only_where_the_same_code_exists(loaded: LoadedSource) -> None:
    g, codes, hs2022 = loaded.graph, listed_codes(), hs2022_subheadings()
    links = {(str(g.value(a, SKOS.notation)), b) for a, _, b in g.triples((None, SG.sameHSCode, None))}
    assert links == {(c, hs_codes.code_iri(c)) for c in codes if c in hs2022}
    unmatched = [c for c in codes if c not in hs2022]
    assert unmatched, "HS 2022 split some HS2007 codes (e.g. 854140 into 854141-854149)"
    assert "854140" in unmatched
    notes = [str(n) for n in loaded.provenance.objects(eg.SOURCE.graph_iri, SG.buildNote)]
    assert len(notes) == 1
    assert notes[0].startswith(f"{len(unmatched)} of the {len(codes)} codes")
    assert all(code in notes[0] for code in unmatched)


def test_the_hs_2022_file_used_is_in_the_provenance(loaded: LoadedSource) -> None:
    titles = {str(t) for t in loaded.provenance.objects(None, DCTERMS.title)}
    assert "hs-harmonized-system/harmonized-system.csv" in titles and eg.CODES_FILE in titles


def test_the_lists_own_words_are_kept_where_they_were_read(loaded: LoadedSource) -> None:
    g = loaded.graph
    rows = csv_rows(FOLDER, eg.DESCRIPTIONS_FILE)
    described = {
        str(g.value(line, SG.listedCode)).rsplit("/", 1)[1] for line in g.subjects(DCTERMS.description)
    }
    assert described == {r["hs_code"] for r in rows if r["description"]}
    row = rows[0]
    assert (eg.line_iri(row["hs_code"]), DCTERMS.description, Literal(row["description"], lang="en")) in g


def copy_with(tmp_path: Path, name: str, old: str, new: str) -> Path:
    folder = tmp_path / "environmental-goods"
    shutil.copytree(FOLDER, folder)
    path = folder / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return folder


def test_a_code_of_another_vintage_is_refused_with_its_line(tmp_path: Path) -> None:
    folder = copy_with(tmp_path, eg.CODES_FILE, "840290,HS2007", "840290,HS2012")
    with pytest.raises(SourceDataError, match=rf"{eg.CODES_FILE}, line 3: hs_vintage 'HS2012'"):
        read_source(eg.SOURCE, folder)


def test_a_description_of_a_code_not_on_the_list_is_refused(tmp_path: Path) -> None:
    folder = copy_with(tmp_path, eg.DESCRIPTIONS_FILE, "441872,", "441899,")
    with pytest.raises(SourceDataError, match=rf"{eg.DESCRIPTIONS_FILE}, line 2: hs_code 441899 is not"):
        read_source(eg.SOURCE, folder)


def test_the_list_in_the_default_graph_conforms_and_answers_its_query(default_store) -> None:
    rows = default_store.select(
        "SELECT ?code ?hs2022 WHERE { ?line sg:onList ?list ; sg:listedCode ?c . ?c skos:notation ?code "
        "OPTIONAL { ?c sg:sameHSCode ?h . ?h skos:prefLabel ?hs2022 } }",
        {"list": eg.LIST},
    ).rows
    assert len(rows) == len(listed_codes())
    labelled = {str(r["code"]) for r in rows if r["hs2022"] is not None}
    assert labelled == set(listed_codes()) & hs2022_subheadings()


def test_the_named_query_lists_every_line_with_the_hs_2022_description_where_there_is_one(
    default_store,
) -> None:
    from stdgraph.queries import get_query

    rows = default_store.select(get_query("environmental-goods").sparql).rows
    assert [str(r["code"]) for r in rows] == sorted(listed_codes())
    assert {str(r["version"]) for r in rows} == {"Harmonized System 2007"}
    linked = {str(r["code"]) for r in rows if r["hs2022Description"] is not None}
    assert linked == set(listed_codes()) & hs2022_subheadings()
    described = {str(r["code"]) for r in rows if r["description"] is not None}
    assert described == {r["hs_code"] for r in csv_rows(FOLDER, eg.DESCRIPTIONS_FILE) if r["description"]}
    assert all(r["source"] is not None for r in rows)
