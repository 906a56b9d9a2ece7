"""The build: sources are validated before the store changes; a broken source changes nothing."""

from __future__ import annotations

import gc
import io
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from stdgraph.build import ONTOLOGY, BuildError, build
from stdgraph.identifiers import edition_iri, normalise, parse, standard_iri
from stdgraph.namespaces import DCTERMS, RDF, SG, entity, graph, org, vocab
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.store import PENDING, STAGING_PREFIX, OxigraphStore, rdflib_triple
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


def publishers_source(*triples: tuple) -> Source:
    """A source of a few given triples, read from no file."""
    return Source(
        name="test-publishers",
        title="t",
        publisher="tests",
        homepage="https://example.org/tests",
        licence="CC0-1.0",
        files=(),
        triples=lambda _src: iter(triples),
    )


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


# --- scale: streamed sources, staging, the compiled shapes ---------------------------------------


def many_rows(n: int, bad: int | None = None) -> list[str]:
    """n adoptions by distinct editions (GB/T 1xxxx-2016 adopts ISO 14001:2015); row `bad` has no degree."""
    rows = []
    for i in range(n):
        row = GOOD.replace("24001", str(10000 + i))
        rows.append(row.replace(",IDT,", ",,") if i == bad else row)
    return rows


def test_a_large_streamed_source_with_one_bad_row_is_refused_and_changes_nothing(
    built, tmp_path: Path
) -> None:
    store, source = built
    before = snapshot(store)
    rows = many_rows(1000, bad=234)
    with pytest.raises(BuildError) as info:
        build(
            store,
            sources=[source],
            overrides={source.name: write_rows(tmp_path / "big", *rows)},
            progress=False,
        )
    message = str(info.value)
    assert "store was not changed" in message and "1 violation on 1 entity" in message
    assert "GB/T 10234-2016 → adopts ISO 14001:2015" in message  # the row, named as a curator would
    assert "An adoption must state its degree" in message
    assert snapshot(store) == before
    assert not [g for g in store.named_graphs() if g.startswith(STAGING_PREFIX)]


def test_a_large_streamed_source_that_conforms_is_swapped_in(built, tmp_path: Path) -> None:
    store, source = built
    report = build(
        store,
        sources=[source],
        overrides={source.name: write_rows(tmp_path / "big", *many_rows(1000))},
        progress=False,
    )
    [result] = report.results
    assert result.rows == 1000 and result.report is not None and result.report.conforms
    assert store.triple_counts()[str(source.graph_iri)] == result.triples
    recorded = store.select(
        "SELECT ?n WHERE { GRAPH sgg:meta { ?g void:triples ?n } }", {"g": source.graph_iri}
    )
    assert [int(n) for n in recorded.column("n")] == [result.triples]


def test_the_pyshacl_engine_refuses_the_same_row(built, tmp_path: Path) -> None:
    store, source = built
    before = snapshot(store)
    with pytest.raises(BuildError, match="An adoption must state its degree"):
        build(
            store,
            sources=[source],
            overrides={source.name: write_rows(tmp_path / "bad", GOOD.replace(",IDT,", ",,"))},
            progress=False,
            engine="pyshacl",
        )
    assert snapshot(store) == before


def test_sh_class_reads_the_graphs_the_build_leaves_in_place(built, tmp_path: Path) -> None:
    """An edition's publisher typed only by another live graph still counts as a standards body."""
    store, _ = built
    typed_elsewhere = publishers_source(
        (URIRef(edition_iri("GB/T 24001-2016")), DCTERMS.publisher, URIRef(org("SAC", "CN")))
    )
    build(store, sources=[typed_elsewhere], progress=False)
    assert store.ask("ASK WHERE { GRAPH ?g { ?e dcterms:publisher ?p } }", {"g": typed_elsewhere.graph_iri})


CRASH = """
import os, sys
from rdflib import Graph, Literal, URIRef
from stdgraph.build import build
from stdgraph.sources import Source
from stdgraph.store import STAGING_PREFIX, OxigraphStore

def triples(_src):
    for i in range(50_000):
        if i == 20_000:
            os._exit(3)  # the process dies mid-stream: no exception handler, no clean-up
        yield URIRef(f"https://example.org/x{i}"), URIRef("https://example.org/p"), Literal(i)

source = Source(name="test-adoptions", title="t", publisher="t", homepage="https://example.org/t",
                licence="CC0-1.0", files=(), triples=triples)
build(OxigraphStore(sys.argv[1]), sources=[source], progress=False)
"""


def test_a_crash_mid_stream_leaves_the_live_graphs_and_only_staging_graphs_dropped_on_open(
    tmp_path: Path,
) -> None:
    location = tmp_path / "store"
    store = OxigraphStore(location)
    source = make_source(tmp_path)
    build(
        store,
        sources=[ONTOLOGY, source],
        overrides={source.name: write_rows(tmp_path / "good", GOOD)},
        progress=False,
    )
    store.flush()
    before = snapshot(store)
    del store
    gc.collect()  # release RocksDB's lock for the child
    child = subprocess.run(
        [sys.executable, "-c", CRASH, str(location)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        capture_output=True,
        timeout=300,
    )
    assert child.returncode == 3, child.stderr.decode()
    reopened = OxigraphStore(location)
    assert not [g for g in reopened.named_graphs() if g.startswith(STAGING_PREFIX)]
    assert snapshot(reopened) == before


def test_a_crash_while_loading_a_new_graph_in_place_leaves_nothing_after_the_next_open(
    tmp_path: Path,
) -> None:
    """A graph with no live version loads under its own name (no MOVE at the swap); it is listed as
    pending first, so a crash mid-stream leaves the store as it was once reopened."""
    location = tmp_path / "store"
    store = OxigraphStore(location)
    build(store, sources=[ONTOLOGY], progress=False)
    store.flush()
    before = snapshot(store)
    del store
    gc.collect()
    child = subprocess.run(
        [sys.executable, "-c", CRASH, str(location)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        capture_output=True,
        timeout=300,
    )
    assert child.returncode == 3, child.stderr.decode()
    half = ox.Store.read_only(str(location))
    pending = [q.subject.value for q in half.quads_for_pattern(None, PENDING, None, None)]
    assert pending == [graph("test-adoptions")]  # loaded in place, listed as pending before the load
    del half
    reopened = OxigraphStore(location)
    assert not [g for g in reopened.named_graphs() if g.startswith(STAGING_PREFIX)]
    assert snapshot(reopened) == before


def test_a_new_graph_loaded_in_place_is_dropped_when_the_build_fails(tmp_path: Path) -> None:
    store = OxigraphStore()
    build(store, sources=[ONTOLOGY], progress=False)
    before = snapshot(store)
    source = make_source(tmp_path)
    with pytest.raises(BuildError, match="An adoption must state its degree"):
        build(
            store,
            sources=[source],
            overrides={source.name: write_rows(tmp_path / "bad", GOOD.replace(",IDT,", ",,"))},
            progress=False,
        )
    assert snapshot(store) == before
    assert str(source.graph_iri) not in store.named_graphs()


def test_a_shape_the_compiler_cannot_run_stops_the_build_by_name(built, tmp_path: Path, monkeypatch) -> None:
    import stdgraph.shacl_sparql as compiler

    store, source = built
    before = snapshot(store)
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix sg: <https://w3id.org/stdgraph/ontology#> .\n"
        "<https://example.org/ClosedShape> a sh:NodeShape ; sh:targetClass sg:Adoption ; sh:closed true .\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(compiler, "DEFAULT_SHAPES", shapes)
    monkeypatch.setattr(
        compiler, "compiled_shapes", lambda path=None: compiler.compile_shapes(Graph().parse(shapes))
    )
    with pytest.raises(BuildError, match=r"ClosedShape: the parameter sh:closed is not supported"):
        build(
            store,
            sources=[source],
            overrides={source.name: write_rows(tmp_path / "again", GOOD)},
            progress=False,
        )
    assert snapshot(store) == before


def rdflib_graph(store: ox.Store, name: URIRef) -> Graph:
    found = Graph()
    for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(str(name))):
        found.add(rdflib_triple((quad.subject, quad.predicate, quad.object)))
    return found


def test_on_disk_the_checks_run_on_the_copy_the_sources_stream_into(tmp_path: Path, monkeypatch) -> None:
    """A RocksDB store: the staged sources stream into an in-memory copy, from which a writer thread loads
    them into RocksDB; the live graphs the build keeps are copied after; a violation is filed under its
    source, a conforming rebuild is swapped in."""
    import stdgraph.build as build_module

    store = OxigraphStore(tmp_path / "store")
    source = make_source(tmp_path)
    copies = []

    class RecordingWriter(build_module._DiskWriter):
        def put(self, name, data, graph=None) -> None:
            copies.append(data)
            super().put(name, data, graph)

    monkeypatch.setattr(build_module, "_DiskWriter", RecordingWriter)
    build(store, sources=[ONTOLOGY, source], overrides={source.name: write_rows(tmp_path / "good", GOOD)})
    assert len(copies) == 2 and copies[0] is copies[1]  # both sources, into one in-memory copy
    for graph_iri in (ONTOLOGY.graph_iri, source.graph_iri):  # new graphs load in place, under their names
        on_disk, in_memory = rdflib_graph(store.oxigraph, graph_iri), rdflib_graph(copies[0], graph_iri)
        assert len(on_disk) and isomorphic(on_disk, in_memory)  # the loader gives blank nodes new labels
    before = snapshot(store)
    with pytest.raises(BuildError) as info:  # the ontology stays live: read from disk into the copy
        build(
            store,
            sources=[source],
            overrides={source.name: write_rows(tmp_path / "bad", GOOD.replace(",IDT,", ",,"))},
            progress=False,
        )
    assert "source test-adoptions" in str(info.value) and "degree" in str(info.value)
    assert snapshot(store) == before
    again = build(
        store, sources=[source], overrides={source.name: write_rows(tmp_path / "again", GOOD)}, progress=False
    )
    assert again.phases["validation: copy the context and the live graphs kept to memory"] > 0
    in_graph = f"<{source.graph_iri}> .".encode()
    assert [q for q in snapshot(store).splitlines() if q.endswith(in_graph)] == [
        q for q in before.splitlines() if q.endswith(in_graph)
    ]
    edition = URIRef(edition_iri("GB/T 24001-2016"))
    typed_elsewhere = publishers_source(  # the edition's identifier, work and publisher's type: live graph
        (edition, RDF.type, SG.Edition), (edition, DCTERMS.publisher, URIRef(org("SAC", "CN")))
    )
    build(store, sources=[typed_elsewhere], progress=False)
    assert store.ask("ASK WHERE { GRAPH ?g { ?e dcterms:publisher ?p } }", {"g": typed_elsewhere.graph_iri})
