"""The ingest framework: a source declares its files and metadata and turns rows into triples.

Each module in `ingest/` exports `SOURCE`, a `Source`. The build reads it into its own named graph with a
provenance record (files, checksums, licence, row count, retrieval date), so that a source can be
reloaded or withdrawn alone and every triple's origin can be queried.
"""

from __future__ import annotations

import csv
import hashlib
import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from stdgraph import config
from stdgraph.namespaces import DCTERMS, META_GRAPH, PROV, RDF, SG, VOID, XSD, graph
from stdgraph.store import rdflib_triple
from stdgraph.terms import CellError, OxTriple, Triple


class SourceDataError(ValueError):
    """Input that a source cannot read; names the file and line so a curator can fix it."""


@dataclass(frozen=True)
class DataFile:
    """A file a source reads, with the columns it must have."""

    name: str
    columns: tuple[str, ...] = ()
    delimiter: str | None = None
    """The cell separator; by default a tab for .tsv/.tab files and a comma otherwise."""


@dataclass(frozen=True)
class Source:
    """What a source is, where its files are, and how its rows become triples."""

    name: str
    title: str
    publisher: str
    homepage: str
    licence: str
    files: tuple[DataFile, ...]
    triples: Callable[[SourceInput], Iterable[Triple | OxTriple]]
    """The source's triples: of rdflib terms, or of pyoxigraph terms (the large sources), which the store
    loads without conversion."""
    location: str = "curated"
    """'curated' (data/curated), 'ontology' (ontology/) or 'shared:<folder>' (a folder of shared data)."""
    retrieved: str | None = None
    """When the publisher's file was retrieved (YYYY-MM-DD), as its SOURCE.md says."""
    default: bool = True
    """Part of the default graph that `stdgraph build` loads."""
    description: str = ""

    @property
    def graph_iri(self) -> URIRef:
        return URIRef(graph(self.name))

    def default_dir(self) -> Path:
        if self.location == "curated":
            return config.CURATED_DIR
        if self.location == "ontology":
            return config.ONTOLOGY_DIR
        if self.location.startswith("shared:"):
            return config.shared_data_dir() / self.location.removeprefix("shared:")
        raise ValueError(f"source {self.name}: unknown location {self.location!r}")


@dataclass
class SourceInput:
    """Rows of a source's files, read from one folder, counted for the provenance record."""

    source: Source
    directory: Path
    rows_read: int = 0
    checksums: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    """Findings about the data a reader should know (e.g. codes that could not be linked), in words;
    the provenance record keeps them as `sg:buildNote`."""

    def path(self, name: str) -> Path:
        path = self.directory / name
        if not path.is_file():
            raise SourceDataError(
                f"{self.source.name}: {path} is missing; pass --data-dir with the folder that holds "
                f"{', '.join(f.name for f in self.source.files)}"
            )
        if name not in self.checksums:
            self.checksums[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        return path

    def rows(self, name: str) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, row) for each CSV/TSV row, after checking the header."""
        path = self.path(name)
        spec = next((f for f in self.source.files if f.name == name), DataFile(name))
        expected = spec.columns
        delimiter = spec.delimiter or ("\t" if path.suffix in {".tsv", ".tab"} else ",")
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle, delimiter=delimiter)
                missing = [c for c in expected if c not in (reader.fieldnames or [])]
                if missing:
                    raise SourceDataError(f"{path}: missing column(s) {', '.join(missing)}")
                for row in reader:
                    if None in row:
                        raise SourceDataError(
                            f"{path}, line {reader.line_num}: more cells than the header has columns"
                        )
                    self.rows_read += 1
                    yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}
        except UnicodeDecodeError as exc:
            raise SourceDataError(f"{path}: not UTF-8 text ({exc.reason})") from None


def stream_source(source: Source, directory: Path) -> tuple[SourceInput, Iterator[Triple]]:
    """A source's triples as they are made, cell errors turned into SourceDataError with file and line."""
    src_input = SourceInput(source, directory)

    def triples() -> Iterator[Triple]:
        try:
            yield from source.triples(src_input)
        except CellError as exc:
            raise SourceDataError(f"{source.name}: {exc}") from None

    return src_input, triples()


@dataclass
class LoadedSource:
    """A source read into its own graph, not yet in any store."""

    source: Source
    graph: Graph
    provenance: Graph


def read_source(source: Source, directory: Path | None = None) -> LoadedSource:
    """Run a source's transform; cell errors become SourceDataError with file and line."""
    src_input = SourceInput(source, Path(directory) if directory else source.default_dir())
    data = Graph()
    try:
        for triple in source.triples(src_input):
            data.add(rdflib_triple(triple))
    except CellError as exc:
        raise SourceDataError(f"{source.name}: {exc}") from None
    return LoadedSource(source, data, provenance_graph(source, src_input, len(data)))


def provenance_graph(source: Source, src_input: SourceInput, triples: int) -> Graph:
    """PROV-O and DCTERMS description of one source graph, kept in the meta graph."""
    prov = Graph(identifier=META_GRAPH)
    g = source.graph_iri
    now = datetime.now(UTC).replace(microsecond=0)
    activity = URIRef(f"{g}/load/{now.strftime('%Y%m%dT%H%M%SZ')}")
    prov.add((g, RDF.type, SG.SourceGraph))
    prov.add((g, DCTERMS.title, Literal(source.title, lang="en")))
    prov.add((g, DCTERMS.publisher, Literal(source.publisher)))
    prov.add((g, DCTERMS.source, URIRef(source.homepage)))
    prov.add((g, DCTERMS.license, Literal(source.licence)))
    if source.description:
        prov.add((g, DCTERMS.description, Literal(source.description, lang="en")))
    if source.retrieved:
        prov.add((g, SG.retrieved, Literal(source.retrieved, datatype=XSD.date)))
    prov.add((g, SG.rowCount, Literal(src_input.rows_read)))
    prov.add((g, VOID.triples, Literal(triples)))
    for note in src_input.notes:
        prov.add((g, SG.buildNote, Literal(note, lang="en")))
    prov.add((g, PROV.generatedAtTime, Literal(now.isoformat(), datatype=XSD.dateTime)))
    prov.add((g, PROV.wasGeneratedBy, activity))
    prov.add((activity, RDF.type, PROV.Activity))
    prov.add((activity, PROV.endedAtTime, Literal(now.isoformat(), datatype=XSD.dateTime)))
    for name, digest in sorted(src_input.checksums.items()):
        file_iri = URIRef(f"{g}/file/{name}")
        prov.add((activity, PROV.used, file_iri))
        prov.add((file_iri, RDF.type, PROV.Entity))
        prov.add((file_iri, DCTERMS.title, Literal(name)))
        prov.add((file_iri, SG.sha256, Literal(digest)))
    return prov


def registry() -> dict[str, Source]:
    """Every source in the `ingest` package, by name; built-ins register like a user's would."""
    import ingest

    found: dict[str, Source] = {}
    for info in pkgutil.iter_modules(ingest.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"ingest.{info.name}")
        source = getattr(module, "SOURCE", None)
        if isinstance(source, Source):
            if source.name in found:
                raise ValueError(f"two ingest modules declare the source name {source.name!r}")
            found[source.name] = source
    return dict(sorted(found.items()))


def found_in(source: Source, data_dir: Path) -> bool:
    """True when every file of a shared-data source is in its folder under `data_dir`.

    `stdgraph build --data-dir DIR` builds the default sources plus every source found this way, so the
    large catalogues join a build whenever their files are there, without weighing on the default graph."""
    if not source.location.startswith("shared:"):
        return False
    folder = Path(data_dir) / source.location.removeprefix("shared:")
    return all((folder / f.name).is_file() for f in source.files)
