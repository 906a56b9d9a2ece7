"""HS 2022 as a SKOS hierarchy, checked against the published file (counts computed from the CSV)."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from ingest import hs_codes
from stdgraph.namespaces import RDF, SG, SKOS
from stdgraph.sources import SourceDataError, read_source

FOLDER = hs_codes.SOURCE.default_dir()


def csv_rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def hs() -> Graph:
    return read_source(hs_codes.SOURCE).graph


def test_every_row_is_one_concept_at_its_level(hs: Graph) -> None:
    rows = [r for r in csv_rows("harmonized-system.csv") if r["hscode"] != hs_codes.TOTAL]
    sections = csv_rows("sections.csv")
    expected = Counter(hs_codes.LEVELS[len(r["hscode"])] for r in rows)
    expected["section"] = len(sections)
    found = Counter(str(level) for level in hs.objects(None, SG.hsLevel))
    assert found == expected
    assert len(set(hs.subjects(RDF.type, SG.HSCode))) == len(rows) + len(sections)
    notations = {str(n) for n in hs.objects(None, SKOS.notation)}
    assert notations == {r["hscode"] for r in rows} | {s["section"] for s in sections}


def test_broader_and_narrower_mirror_each_other_and_every_concept_is_in_the_scheme(hs: Graph) -> None:
    concepts = set(hs.subjects(RDF.type, SG.HSCode))
    assert {(a, b) for a, _, b in hs.triples((None, SKOS.broader, None))} == {
        (b, a) for a, _, b in hs.triples((None, SKOS.narrower, None))
    }
    assert all((c, SKOS.inScheme, hs_codes.SCHEME) in hs for c in concepts)
    tops = set(hs.subjects(SKOS.topConceptOf, hs_codes.SCHEME))
    assert tops == set(hs.objects(hs_codes.SCHEME, SKOS.hasTopConcept))
    for concept in concepts:
        parents = list(hs.objects(concept, SKOS.broader))
        assert len(parents) == (0 if concept in tops else 1), concept
        assert parents == [] or parents[0] in concepts
    no_section = {r["hscode"] for r in csv_rows("harmonized-system.csv") if r["section"] == hs_codes.TOTAL}
    chapters_without_section = {c for c in no_section if len(c) == 2}
    assert {str(hs.value(t, SKOS.notation)) for t in tops} == (
        {s["section"] for s in csv_rows("sections.csv")} | chapters_without_section
    )


def test_a_photovoltaic_module_walks_up_to_its_section(hs: Graph) -> None:
    chain, node = [], hs_codes.code_iri("854143")
    while node is not None:
        chain.append(str(hs.value(node, SKOS.notation)))
        node = hs.value(node, SKOS.broader)
    assert chain == ["854143", "8541", "85", "XVI"]
    label = hs.value(hs_codes.code_iri("854143"), SKOS.prefLabel)
    assert isinstance(label, Literal) and label.language == "en" and "photovoltaic" in str(label)


ROW = {"section": "XVI", "hscode": "854143", "description": "PV modules", "parent": "8541", "level": "6"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"level": "4"}, "has level '4'"),
        ({"parent": "8542"}, "not the code it begins with"),
        ({"hscode": "85414"}, "not 2, 4 or 6 digits"),
        ({"description": ""}, "no description"),
        ({"section": "XXX"}, "sections.csv lacks"),
    ],
)
def test_a_row_that_breaks_the_hierarchy_is_refused(change: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        list(hs_codes.code_triples({**ROW, **change}, {"XVI"}))


def test_one_row_in_one_concept_out() -> None:
    triples = set(hs_codes.code_triples(ROW, {"XVI"}))
    node, parent = hs_codes.code_iri("854143"), hs_codes.code_iri("8541")
    assert (node, SKOS.broader, parent) in triples and (parent, SKOS.narrower, node) in triples
    assert (node, SG.hsLevel, Literal("subheading")) in triples


def test_a_child_before_its_parent_is_named_with_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "hs"
    shutil.copytree(FOLDER, folder)
    lines = (folder / "harmonized-system.csv").read_text(encoding="utf-8").splitlines()
    lines[1], lines[2] = lines[2], lines[1]  # heading 0101 before chapter 01
    (folder / "harmonized-system.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceDataError, match=r"harmonized-system.csv, line 2: .*before its parent '01'"):
        read_source(hs_codes.SOURCE, folder)


def test_the_scheme_is_labelled(hs: Graph) -> None:
    assert (hs_codes.SCHEME, RDF.type, SKOS.ConceptScheme) in hs
    assert {lbl.language for lbl in hs.objects(hs_codes.SCHEME, SKOS.prefLabel)} == {"en", "zh"}
    assert isinstance(hs_codes.SCHEME, URIRef)
