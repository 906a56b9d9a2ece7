"""Build the graph: read sources, validate what they touch, then swap them into the store at once.

Nothing reaches the store until every source has been read and has passed the shapes, so a broken
source leaves the store exactly as it was. Each source is validated together with the one-hop
description of every node it mentions (from the other sources of the build and from the store), which
checks the merged view of those nodes without validating the whole graph.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from stdgraph.namespaces import SG
from stdgraph.sources import DataFile, LoadedSource, Source, SourceInput, read_source, registry
from stdgraph.store import GraphStore
from stdgraph.terms import Triple
from stdgraph.validation import ValidationReport, validate


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


def validation_context(
    loaded: LoadedSource, others: Sequence[LoadedSource], store: GraphStore, replaced: set[str]
) -> Graph:
    """The one-hop description, from elsewhere, of every IRI the source mentions."""
    nodes = {n for triple in loaded.graph for n in (triple[0], triple[2]) if isinstance(n, URIRef)}
    context = Graph()
    for other in others:
        if other is loaded:
            continue
        for node in nodes:
            for p, o in other.graph.predicate_objects(node):
                context.add((node, p, o))
    context += store.describe_nodes((str(n) for n in nodes), exclude_graphs=replaced)
    return context


def validate_loaded(
    loaded: LoadedSource, others: Sequence[LoadedSource], store: GraphStore
) -> ValidationReport:
    """Validate a source with its context, keeping only the results about nodes the source describes.

    Filtering the report is much faster than pySHACL's `focus_nodes`, which still walks the whole
    graph per shape (103 s against 19 s for the 7,000 codes of HS 2022).
    """
    replaced = {str(o.source.graph_iri) for o in others}
    data = Graph()
    data += loaded.graph
    data += validation_context(loaded, others, store, replaced)
    subjects = {str(s) for s in loaded.graph.subjects()}
    report = validate(data)
    kept = [v for v in report.violations if v.focus_node in subjects]
    return ValidationReport(
        conforms=not any(v.severity == "Violation" for v in kept),
        violations=kept,
        results_graph=report.results_graph,
    )


def build(
    store: GraphStore,
    names: Sequence[str] | None = None,
    data_dir: Path | None = None,
    overrides: dict[str, Path] | None = None,
    progress: bool = True,
    sources: Sequence[Source] | None = None,
) -> BuildReport:
    """Read, validate and swap in the selected sources (the default graph when none are named)."""
    started = time.perf_counter()
    sources = list(sources) if sources is not None else select_sources(names)
    overrides = overrides or {}
    report = BuildReport()
    loaded: list[LoadedSource] = []
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), disable=not progress
    ) as bar:
        task = bar.add_task("reading sources", total=len(sources))
        for source in sources:
            bar.update(task, description=f"reading {source.name}")
            t0 = time.perf_counter()
            item = read_source(source, source_directory(source, data_dir, overrides))
            loaded.append(item)
            report.results.append(
                SourceResult(source.name, len(item.graph), _rows(item), time.perf_counter() - t0)
            )
            bar.advance(task)
        task = bar.add_task("validating", total=len(loaded))
        failures = []
        for item, result in zip(loaded, report.results, strict=True):
            bar.update(task, description=f"validating {item.source.name}")
            if item.source is not ONTOLOGY:
                t0 = time.perf_counter()
                result.report = validate_loaded(item, loaded, store)
                result.seconds += time.perf_counter() - t0
                if not result.report.conforms:
                    failures.append(result)
            bar.advance(task)
    if failures:
        details = "\n\n".join(f"source {r.name}:\n{r.report.text()}" for r in failures if r.report)
        raise BuildError(f"the store was not changed: {len(failures)} source(s) do not conform.\n{details}")
    meta = Graph()
    for item in loaded:
        meta += item.provenance
    store.replace_graphs({str(i.source.graph_iri): i.graph for i in loaded}, meta)
    report.seconds = time.perf_counter() - started
    return report


def _rows(item: LoadedSource) -> int:
    value = item.provenance.value(item.source.graph_iri, SG.rowCount)
    return int(value) if value is not None else 0
