"""Build the graph: stream sources into staging graphs, validate them there, then swap them in at once.

Nothing reaches the live graphs until every source has been read and has passed the shapes, so a
broken source leaves the store exactly as it was (its staging graphs are dropped; after a crash, the
next writable open drops them). Each source's nodes are checked against the store as it will be after
the swap: the other staged sources, the live graphs that stay, the ontology's class hierarchy.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import queue
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from stdgraph.namespaces import META_GRAPH
from stdgraph.shacl_sparql import UnsupportedShapeError, validate_store
from stdgraph.source_worker import MadeFile, make_file
from stdgraph.sources import (
    DataFile,
    Source,
    SourceInput,
    provenance_graph,
    registry,
    stream_source,
)
from stdgraph.store import GraphStore, OxigraphStore, Staging, _quads, from_ox, graph_size
from stdgraph.terms import Triple
from stdgraph.validation import ValidationReport, load_context, validate


def _turtle_triples(src: SourceInput) -> Iterable[Triple]:
    for data_file in src.source.files:
        graph = Graph()
        graph.parse(src.path(data_file.name), format="turtle")
        yield from graph


ONTOLOGY = Source(
    name="ontology",
    title="stdgraph ontology and controlled vocabularies",
    publisher="stdgraph contributors",
    homepage="https://w3id.org/stdgraph/ontology",
    licence="Apache-2.0",
    location="ontology",
    files=(DataFile("stdgraph.ttl"), DataFile("vocabularies.ttl")),
    triples=_turtle_triples,
    description="The OWL ontology (TBox) and the SKOS schemes of controlled values, loaded so that "
    "queries can show labels and definitions.",
)


class BuildError(Exception):
    """A build that stopped before touching the store; the message is the reason, in words."""


@dataclass
class SourceResult:
    name: str
    triples: int
    rows: int
    seconds: float
    report: ValidationReport | None = None


@dataclass
class BuildReport:
    results: list[SourceResult] = field(default_factory=list)
    seconds: float = 0.0
    validation_seconds: float = 0.0
    engine: str = "sparql"
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds per phase of the build (streaming, each step of validation, swap), for `bench/build.py`."""
    workers: list[MadeFile] = field(default_factory=list)
    """What each worker process cost (its time, CPU and peak memory come on top of the build's own)."""

    @property
    def triples(self) -> int:
        return sum(r.triples for r in self.results)


def available_sources(include_all: bool = False) -> dict[str, Source]:
    """The ontology plus every registered source (only the default ones unless asked)."""
    found = {ONTOLOGY.name: ONTOLOGY}
    found.update({n: s for n, s in registry().items() if include_all or s.default})
    return found


def select_sources(names: Sequence[str] | None) -> list[Source]:
    everything = available_sources(include_all=True)
    if not names:
        return list(available_sources().values())
    unknown = [n for n in names if n not in everything]
    if unknown:
        raise BuildError(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(everything)}")
    return [everything[n] for n in names]


def source_directory(source: Source, data_dir: Path | None, overrides: dict[str, Path]) -> Path:
    """Where a source's files are read: an explicit override, else --data-dir for shared sources."""
    if source.name in overrides:
        return overrides[source.name]
    if data_dir and source.location.startswith("shared:"):
        return data_dir / source.location.removeprefix("shared:")
    return source.default_dir()


ENGINES = ("sparql", "pyshacl")


def validate_staged(
    stage: Staging,
    store: GraphStore,
    staged: dict[str, str],
    engine: str = "sparql",
    phases: dict[str, float] | None = None,
    copy: ox.Store | None = None,
) -> dict[str, ValidationReport]:
    """Check every staged source graph, with everything else the build leaves in the store.

    The data seen is the store as it will be after the swap (staged graphs, live graphs that are not
    replaced) plus the ontology's class hierarchy and the vocabularies; the focus nodes are the
    subjects of each source. `engine="sparql"` runs the compiled shapes on Oxigraph once for all the
    sources; `"pyshacl"` runs pySHACL per source on its graph and the one-hop description of every node
    it mentions, as stdgraph did before (the reference, and minutes for the catalogues). `phases`, when
    given, receives the seconds of each step. `copy`, the in-memory store an on-disk build streamed the
    sources into (RocksDB is written from it on another thread; copying the view back out of RocksDB
    took 62 s of the catalogue build), is where the checks then run, under the same graph names (the
    live graphs the build keeps are copied into it first); without it the checks run on the store itself.
    """
    phases = phases if phases is not None else {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases[name] = phases.get(name, 0.0) + now - clock
        clock = now

    if engine not in ENGINES:
        raise BuildError(f"unknown validation engine {engine!r}: use {' or '.join(ENGINES)}")
    if not staged:
        return {}
    if engine == "pyshacl":
        return {name: _pyshacl_staged(store, stage, graph) for name, graph in staged.items()}
    if not isinstance(store, OxigraphStore):
        raise BuildError("the sparql validation engine needs an Oxigraph store; use the pyshacl engine")
    if copy is not None:
        target, union = copy, True  # the copy holds the view and nothing else
        copied = {g.value for g in copy.named_graphs() if isinstance(g, ox.NamedNode)}
        context = "urn:stdgraph:validation:context"
        target.bulk_extend(_quads(load_context(), ox.NamedNode(context)))
        _in_memory(store.oxigraph, [ox.NamedNode(g) for g in stage.view() if g not in copied], target)
        view = [ox.NamedNode(g) for g in [*stage.view(), context]]
        lap("validation: copy the context and the live graphs kept to memory")
    else:  # an in-memory store: the checks run on it, the context staged beside the view
        context = stage.add("validation-context", load_context())
        view = [ox.NamedNode(g) for g in [*stage.view(), context]]
        lap("validation: stage the context")
        target, union = store.oxigraph, False
    try:
        whole = validate_store(
            target,
            view,
            focus_graphs=list(staged.values()),
            timings=phases,
            union=union,
            threads=2 if (os.cpu_count() or 1) > 1 else 1,  # each check query releases the GIL: 1.9x
        )
    except UnsupportedShapeError as exc:
        raise BuildError(f"the store was not changed: {exc}") from None
    if not whole.violations:
        return {name: ValidationReport(conforms=True) for name in staged}
    subjects = _subjects_by_graph(target, list(staged.values()), {v.focus_node for v in whole.violations})
    reports = {}
    for name, graph in staged.items():
        kept = [v for v in whole.violations if graph in subjects.get(v.focus_node, ())]
        reports[name] = ValidationReport(
            conforms=not any(v.severity == "Violation" for v in kept), violations=kept
        )
    return reports


def _in_memory(store: ox.Store, view: list[ox.NamedNode], copy: ox.Store) -> None:
    """The graphs of `view` copied into `copy`, in memory: the compiled checks run 6x faster there.

    Measured on the default build: 18 s of CPU on disk against 2.9 s in memory, copy included; the
    copy holds the whole view (about 350 bytes a triple), the price of checking against all of it.
    """
    for graph in view:
        copy.bulk_extend(store.quads_for_pattern(None, None, None, graph))


def _subjects_by_graph(store: ox.Store, graphs: list[str], nodes: set[str]) -> dict[str, set[str]]:
    """For each node, the staged graphs in which it is a subject (to file a violation under its source).

    One quad-pattern read per node: a query joining VALUES of the nodes with VALUES of the graphs took
    ~9 s for the warnings of the catalogue build.
    """
    wanted = set(graphs)
    found: dict[str, set[str]] = {}
    for node in nodes:
        if node.startswith("_:"):
            found[node] = set(graphs)
            continue
        found[node] = {
            quad.graph_name.value
            for quad in store.quads_for_pattern(ox.NamedNode(node), None, None, None)
            if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in wanted
        }
    return found


def _pyshacl_staged(store: GraphStore, stage: Staging, staging_graph: str) -> ValidationReport:
    if not isinstance(store, OxigraphStore):
        raise BuildError("staged validation needs an Oxigraph store")
    data = Graph()
    for triple in store.graph_triples(staging_graph):
        data.add(triple)
    subjects = {str(s) for s in data.subjects()}
    nodes = {n for triple in data for n in (triple[0], triple[2]) if isinstance(n, URIRef)}
    excluded = set(store.named_graphs()) - set(stage.view())  # the live graphs being replaced
    data += store.describe_nodes((str(n) for n in nodes), exclude_graphs=excluded)
    report = validate(data)
    kept = [v for v in report.violations if v.focus_node in subjects]
    return ValidationReport(
        conforms=not any(v.severity == "Violation" for v in kept),
        violations=kept,
        results_graph=report.results_graph,
    )


WORKER_BYTES = 5_000_000
"""A registered source whose files hold at least this many bytes is made in a worker process (the ISO
and IEC catalogues; the next largest, the emission factors, 3.9 MB, costs less than a worker's start)."""


def default_workers() -> int:
    """Worker processes for the large sources: two where there is a second core, else none."""
    return 2 if (os.cpu_count() or 1) > 1 else 0


def build(
    store: GraphStore,
    names: Sequence[str] | None = None,
    data_dir: Path | None = None,
    overrides: dict[str, Path] | None = None,
    progress: bool = True,
    sources: Sequence[Source] | None = None,
    engine: str = "sparql",
    workers: int | None = None,
) -> BuildReport:
    """Stream, validate and swap in the selected sources (the default graph when none are named).

    Each source streams its triples into a staging graph (Oxigraph's bulk loader, no rdflib graph of
    the source); the staged graphs are checked against the shapes, and only if every source conforms
    are they swapped in, in one atomic update. Any error before that drops the staging graphs and
    leaves the live graphs as they were.

    An on-disk store is built memory first: the sources stream into an in-memory copy, where the
    checks run (6x faster than on RocksDB), and a writer thread loads each staged graph into RocksDB
    from there while the build goes on. The large sources (`WORKER_BYTES`) are made in `workers`
    processes (`default_workers()` when None, 0 to make them here) as N-Triples files, loaded into
    both stores by Oxigraph.
    """
    if engine not in ENGINES:
        raise BuildError(f"unknown validation engine {engine!r}: use {' or '.join(ENGINES)}")
    if not isinstance(store, OxigraphStore):
        return _build_elsewhere(store, names, data_dir, overrides, progress, sources, engine)
    started = time.perf_counter()
    sources = list(sources) if sources is not None else select_sources(names)
    overrides = overrides or {}
    by_name = {s.name: s for s in sources}
    directories = {s.name: source_directory(s, data_dir, overrides) for s in sources}
    workers = default_workers() if workers is None else workers
    delegated = _delegated(sources, directories) if workers > 0 else set()
    report = BuildReport()
    meta = Graph()
    staged: dict[str, str] = {}
    results: dict[str, SourceResult] = {}
    copy = ox.Store() if store.path is not None and engine == "sparql" else None
    with ExitStack() as stack:
        stage = stack.enter_context(store.staging())
        bar = stack.enter_context(
            Progress(
                SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), disable=not progress
            )
        )
        task = bar.add_task("reading sources", total=len(sources))
        if copy is not None:  # every graph named before the writer thread writes any
            for source in sources:
                staged[str(source.graph_iri)] = stage.reserve(str(source.graph_iri))
        files = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="stdgraph-build-")))
        made = stack.enter_context(_Workers(min(workers, len(delegated))))
        for name in sorted(delegated, key=lambda n: -_size(directories[n])):  # the longest first
            made.submit(name, directories[name], files / f"{name}.nt")
        writer = stack.enter_context(_DiskWriter(stage)) if copy is not None else None

        def record(source: Source, src_input: SourceInput, t0: float) -> None:
            name = str(source.graph_iri)
            count = graph_size(copy, staged[name]) if copy is not None else stage.count(name)
            for triple in provenance_graph(source, src_input, count):
                meta.add(triple)
            results[source.name] = SourceResult(
                source.name, count, src_input.rows_read, time.perf_counter() - t0
            )
            bar.advance(task)

        for source in sources:
            if source.name in delegated:
                continue
            bar.update(task, description=f"reading {source.name}")
            t0 = time.perf_counter()
            src_input, triples = stream_source(source, directories[source.name])
            name = str(source.graph_iri)
            if copy is None or writer is None:  # an in-memory store: no copy, no writer
                staged[name] = stage.load(name, triples)
            else:
                graph = ox.NamedNode(staged[name])
                copy.bulk_extend(_quads(triples, graph))
                writer.put(name, copy, graph)
            record(source, src_input, t0)
        for source_name, done in made.results():
            source = by_name[source_name]
            t0 = time.perf_counter()
            bar.update(task, description=f"loading {source_name}")
            src_input = done.source_input(SourceInput(source, directories[source_name]))
            name, path = str(source.graph_iri), files / f"{source_name}.nt"
            if copy is None or writer is None:
                staged[name] = stage.reserve(name)
                stage.load_ntriples(name, path)
            else:
                copy.bulk_load(
                    path=str(path),
                    format=ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.NamedNode(staged[name]),
                    lenient=True,
                )
                writer.put(name, path)
            record(source, src_input, t0 - done.seconds)
            report.workers.append(done)
        report.results = [results[s.name] for s in sources]
        bar.update(task, description=f"validating ({engine})")
        t0 = time.perf_counter()
        report.phases["stream sources"] = time.perf_counter() - started
        checked = {n: g for n, g in staged.items() if n != str(ONTOLOGY.graph_iri)}
        reports = validate_staged(stage, store, checked, engine, report.phases, copy)
        seconds = time.perf_counter() - t0
        failures = []
        for source, result in zip(sources, report.results, strict=True):
            result.report = reports.get(str(source.graph_iri))
            if result.report is not None and not result.report.conforms:
                failures.append(result)
        report.validation_seconds, report.engine = seconds, engine
        if failures:
            details = "\n\n".join(f"source {r.name}:\n{r.report.text()}" for r in failures if r.report)
            raise BuildError(
                f"the store was not changed: {len(failures)} source(s) do not conform.\n{details}"
            )
        t0 = time.perf_counter()
        if writer is not None:
            writer.finish()
            report.phases["write to disk after validation"] = time.perf_counter() - t0
            t0 = time.perf_counter()
        stage.commit(meta)
        report.phases["swap"] = time.perf_counter() - t0
    report.seconds = time.perf_counter() - started
    return report


def _delegated(sources: Sequence[Source], directories: dict[str, Path]) -> set[str]:
    """The sources to make in a worker: registered ones (found there by name) with large files."""
    known = registry()
    return {s.name for s in sources if known.get(s.name) is s and _size(directories[s.name]) >= WORKER_BYTES}


def _size(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.iterdir() if p.is_file()) if directory.is_dir() else 0


class _Workers:
    """Worker processes that make the large sources' files; stopped at once if the build fails."""

    def __init__(self, processes: int) -> None:
        self.pool = multiprocessing.get_context("spawn").Pool(processes) if processes else None
        self.done: queue.SimpleQueue[tuple[str, MadeFile | BaseException]] = queue.SimpleQueue()
        self.pending = 0

    def submit(self, name: str, directory: Path, path: Path) -> None:
        assert self.pool is not None
        self.pending += 1
        self.pool.apply_async(
            make_file,
            (name, str(directory), str(path)),
            callback=lambda made: self.done.put((name, made)),
            error_callback=lambda exc: self.done.put((name, exc)),
        )

    def results(self) -> Iterator[tuple[str, MadeFile]]:
        """Each source's outcome as it comes; a worker's error is raised here, as the source's own. The
        workers are stopped once the last file is made (idle, they would hold their memory)."""
        while self.pending:
            name, outcome = self.done.get()
            self.pending -= 1
            if isinstance(outcome, BaseException):
                raise outcome
            if not self.pending:
                self.stop()
            yield name, outcome

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _DiskWriter:
    """Loads the staged graphs into the on-disk store on a thread of its own, in the order given.

    Oxigraph's bulk loader releases the GIL, so RocksDB is written on the second core while the build
    streams the next source or runs the checks on the in-memory copy; the first error stops the writes
    and is raised by `finish`.
    """

    def __init__(self, stage: Staging) -> None:
        self.stage = stage
        self.jobs: queue.SimpleQueue[tuple[str, Path | tuple[ox.Store, ox.NamedNode]] | None]
        self.jobs = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="stdgraph-disk-writer", daemon=True)
        self.thread.start()

    def put(self, name: str, data: Path | ox.Store, graph: ox.NamedNode | None = None) -> None:
        """Load `name`'s graph from an N-Triples file, or from `graph` of the in-memory copy."""
        self.jobs.put((name, data if isinstance(data, Path) else (data, graph)))  # type: ignore[arg-type]

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            if self.error is not None:
                continue
            name, data = job
            try:
                if isinstance(data, Path):
                    self.stage.load_ntriples(name, data)
                else:
                    memory, graph = data
                    dump = memory.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
                    self.stage.load_ntriples(name, dump)
            except BaseException as exc:  # raised in the build's thread by finish()
                self.error = exc

    def finish(self) -> None:
        self.jobs.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def __enter__(self) -> _DiskWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.thread.is_alive():
            self.error = self.error or RuntimeError("the build stopped")
            self.jobs.put(None)
            self.thread.join()


def _build_elsewhere(
    store: GraphStore,
    names: Sequence[str] | None,
    data_dir: Path | None,
    overrides: dict[str, Path] | None,
    progress: bool,
    sources: Sequence[Source] | None,
    engine: str,
) -> BuildReport:
    """Build for a store that cannot stage in place (a remote SPARQL server): copy its graphs into a
    local in-memory store, build and validate there exactly as for the embedded store, then hand the
    new graphs and their provenance to the store's own all-or-nothing `replace_graphs`."""
    local = OxigraphStore()
    dump = io.BytesIO()
    store.export(dump, "nquads")
    if dump.getvalue():
        local.oxigraph.bulk_load(dump.getvalue(), format=ox.RdfFormat.N_QUADS)
    report = build(local, names, data_dir, overrides, progress, sources, engine)
    chosen = list(sources) if sources is not None else select_sources(names)
    graphs = {str(source.graph_iri): _graph_of(local, str(source.graph_iri)) for source in chosen}
    meta = Graph()
    for row in local.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(META_GRAPH)):
        subject = row.subject.value
        if any(subject == g or subject.startswith(f"{g}/") for g in graphs):
            meta.add((from_ox(row.subject), from_ox(row.predicate), from_ox(row.object)))
    started = time.perf_counter()
    store.replace_graphs(graphs, meta)
    report.seconds += time.perf_counter() - started
    return report


def _graph_of(store: OxigraphStore, name: str) -> Graph:
    graph = Graph()
    for triple in store.graph_triples(name):
        graph.add(triple)
    return graph
