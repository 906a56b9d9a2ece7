"""The build: sources are validated before the store changes; a broken source changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from stdgraph.build import ONTOLOGY, BuildError, build
from stdgraph.identifiers import edition_iri, normalise, parse, standard_iri
from stdgraph.namespaces import DCTERMS, RDF, SG, entity, org, vocab
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.store import OxigraphStore
from stdgraph.terms import date_literal, sourced

COLUMNS = ("adopting", "adopted", "degree", "issued", "source", "confidence")


BODIES = {"SAC": "CN", "ISO": None}


def edition_triples(identifier: str, body: str, source: str):
    edition = URIRef(edition_iri(identifier))
    work = URIRef(standard_iri(identifier))
    publisher = URIRef(org(body, BODIES[body]))
    yield edition, RDF.type, SG.Edition
    yield edition, DCTERMS.identifier, Literal(normalise(identifier))
    yield edition, SG.editionOf, work
    yield edition, DCTERMS.publisher, publisher
    yield work, RDF.type, SG.Standard
    yield work, DCTERMS.identifier, Literal(parse(identifier).work)
    yield work, SG.hasEdition, edition
    yield publisher, RDF.type, SG.StandardsBody
    yield publisher, SG.acronym, Literal(body)
    yield from sourced(publisher, source, "V")


def adoption_rows(src: SourceInput):
    for line, row in src.rows("adoptions.csv"):
        yield from edition_triples(row["adopting"], "SAC", row["source"])
        yield from edition_triples(row["adopted"], "ISO", row["source"])
        adopting, adopted = URIRef(edition_iri(row["adopting"])), URIRef(edition_iri(row["adopted"]))
        node = URIRef(entity("adoption", f"{row['adopting']} -- {row['adopted']}"))
        try:
            yield adopting, DCTERMS.issued, date_literal(row["issued"])
        except ValueError as exc:
            raise SourceDataError(f"adoptions.csv, line {line}: {exc}") from None
        yield node, RDF.type, SG.Adoption
        yield node, SG.adoptingEdition, adopting
        yield node, SG.adoptedEdition, adopted
        if row["degree"]:
            yield node, SG.adoptionDegree, URIRef(vocab("adoption-degree", row["degree"]))
        yield adopting, SG.adopts, adopted
        yield from sourced(node, row["source"], row["confidence"])


def make_source(folder: Path) -> Source:
    return Source(
        name="test-adoptions",
        title="test adoptions",
        publisher="tests",
        homepage="https://example.org/tests",
        licence="CC0-1.0",
        files=(DataFile("adoptions.csv", COLUMNS),),
        triples=adoption_rows,
        location="curated",
    )


def write_rows(folder: Path, *rows: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "adoptions.csv").write_text(",".join(COLUMNS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return folder


GOOD = "GB/T 24001-2016,ISO 14001:2015,IDT,2016-10-13,http://xaw.net.cn/newsnr.asp?bid=24&id=1073,V*"


def snapshot(store: OxigraphStore) -> bytes:
    out = io.BytesIO()
    store.export(out)
    return b"\n".join(sorted(line for line in out.getvalue().splitlines() if b"generatedAtTime" not in line))


@pytest.fixture
def built(tmp_path: Path) -> tuple[OxigraphStore, Source]:
    store = OxigraphStore()
    source = make_source(tmp_path)
    build(
        store,
        sources=[ONTOLOGY, source],
        overrides={source.name: write_rows(tmp_path / "good", GOOD)},
        progress=False,
    )
    return store, source


def test_a_valid_source_lands_in_its_own_graph_with_provenance(built) -> None:
    store, source = built
    counts = store.triple_counts()
    assert counts[str(source.graph_iri)] > 0
    rows = store.select(
        "SELECT ?g ?rows ?sha WHERE { GRAPH sgg:meta { "
        "?g sg:rowCount ?rows ; prov:wasGeneratedBy/prov:used/sg:sha256 ?sha } }",
        {"g": source.graph_iri},
    ).rows
    assert len(rows) == 1 and int(rows[0]["rows"]) == 1 and len(str(rows[0]["sha"])) == 64


def test_a_source_that_breaks_a_shape_changes_nothing(built, tmp_path: Path) -> None:
    store, source = built
    before = snapshot(store)
    missing_degree = GOOD.replace(",IDT,", ",,")
    with pytest.raises(BuildError) as info:
        build(
            store,
            sources=[source],
            overrides={source.name: write_rows(tmp_path / "bad", missing_degree)},
            progress=False,
        )
    message = str(info.value)
    assert "store was not changed" in message and "degree" in message
    assert snapshot(store) == before


def test_a_malformed_cell_changes_nothing(built, tmp_path: Path) -> None:
    store, source = built
    before = snapshot(store)
    with pytest.raises(SourceDataError, match="line 2"):
        build(
            store,
            sources=[source],
            overrides={source.name: write_rows(tmp_path / "bad", GOOD.replace("2016-10-13", "2016-13-40"))},
            progress=False,
        )
    assert snapshot(store) == before


def test_a_missing_column_is_named(built, tmp_path: Path) -> None:
    store, source = built
    folder = tmp_path / "nocol"
    folder.mkdir()
    (folder / "adoptions.csv").write_text("adopting,adopted\nx,y\n", encoding="utf-8")
    with pytest.raises(SourceDataError, match="missing column"):
        build(store, sources=[source], overrides={source.name: folder}, progress=False)


def test_rebuilding_replaces_rather_than_adds(built, tmp_path: Path) -> None:
    store, source = built
    before = store.triple_counts()[str(source.graph_iri)]
    build(
        store, sources=[source], overrides={source.name: write_rows(tmp_path / "again", GOOD)}, progress=False
    )
    assert store.triple_counts()[str(source.graph_iri)] == before
    assert len(store.select("SELECT ?g WHERE { GRAPH sgg:meta { ?g a sg:SourceGraph } }", {}).rows) == 2
