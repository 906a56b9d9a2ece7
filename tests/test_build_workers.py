"""The large sources made in worker processes: the same graph and provenance as made in process, and a
broken file in a worker's source stops the build with the file and line, changing nothing."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

import stdgraph.build as build_module
from stdgraph import config
from stdgraph.build import build
from stdgraph.namespaces import META_GRAPH
from stdgraph.sources import SourceDataError
from stdgraph.store import OxigraphStore, rdflib_triple

DATA = config.shared_data_dir()
SOURCES = ["ontology", "markets", "desta", "trend"]
DESTA_GRAPH = "https://w3id.org/stdgraph/graph/desta"


def graph_of(store: OxigraphStore, name: str) -> Graph:
    found = Graph()
    for quad in store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(name)):
        found.add(rdflib_triple((quad.subject, quad.predicate, quad.object)))
    return found


def provenance(store: OxigraphStore, name: str) -> set[tuple[str, str]]:
    """The meta records of a source graph and of the files it read, without the build's timestamps."""
    rows = store.select(
        "SELECT ?p ?o WHERE { GRAPH ?meta { { ?g ?p ?o } UNION { ?g prov:wasGeneratedBy/prov:used ?file . "
        "?file ?p ?o } } FILTER (!isBlank(?o) && ?p NOT IN (prov:generatedAtTime, prov:wasGeneratedBy)) }",
        bindings={"meta": META_GRAPH, "g": URIRef(name)},
    ).rows
    return {(str(row["p"]), str(row["o"])) for row in rows}


@pytest.mark.parametrize("on_disk", [True, False], ids=["rocksdb", "memory"])
def test_a_source_made_in_a_worker_gives_the_graph_made_in_process(
    tmp_path: Path, monkeypatch, on_disk: bool
) -> None:
    monkeypatch.setattr(build_module, "WORKER_BYTES", 700_000)  # DESTA.csv (793 kB) goes to a worker
    stores = {}
    for workers in (1, 0):
        store = OxigraphStore(tmp_path / f"store-{workers}" if on_disk else None)
        report = build(store, SOURCES, data_dir=DATA, progress=False, workers=workers)
        stores[workers] = store
        made = [(w.rows_read, sorted(w.checksums)) for w in report.workers]
        assert made == ([(1217, ["DESTA.csv"])] if workers else [])
        assert [r.name for r in report.results] == SOURCES  # reported in build order all the same
    assert stores[0].named_graphs() == stores[1].named_graphs()
    for name in stores[0].named_graphs():
        if name != str(META_GRAPH):
            assert isomorphic(graph_of(stores[1], name), graph_of(stores[0], name)), name
    assert provenance(stores[1], DESTA_GRAPH) == provenance(stores[0], DESTA_GRAPH)
    assert ("https://w3id.org/stdgraph/ontology#rowCount", "1217") in provenance(stores[1], DESTA_GRAPH)
    assert stores[1].ask("ASK WHERE { GRAPH ?g { ?a a sg:TradeAgreement } }", {"g": URIRef(DESTA_GRAPH)})


@pytest.mark.parametrize("on_disk", [True, False], ids=["rocksdb", "memory"])
def test_a_broken_file_in_a_worker_names_its_line_and_changes_nothing(
    tmp_path: Path, monkeypatch, on_disk: bool
) -> None:
    monkeypatch.setattr(build_module, "WORKER_BYTES", 1)  # every registered source goes to a worker
    store = OxigraphStore(tmp_path / "store" if on_disk else None)
    build(store, ["ontology", "markets"], data_dir=DATA, progress=False)
    before = sorted(str(q) for q in store.oxigraph)
    folder = tmp_path / "data" / "trend-environmental-provisions"
    folder.mkdir(parents=True)
    (tmp_path / "data" / "desta-trade-agreements").symlink_to(DATA / "desta-trade-agreements")
    lines = (DATA / "trend-environmental-provisions" / "trend2022.csv").read_text("utf-8").splitlines(True)
    lines[3] = lines[3][: lines[3].rindex(";")] + ';"7"\n'
    (folder / "trend2022.csv").write_text("".join(lines), encoding="utf-8")
    message = r"trend2022\.csv, line 4: X15\.OTHER\.ENVIRONMENTAL\.NORMS is '7'"
    with pytest.raises(SourceDataError, match=message):
        build(store, ["desta", "trend"], data_dir=tmp_path / "data", progress=False, workers=2)
    assert sorted(str(q) for q in store.oxigraph) == before
