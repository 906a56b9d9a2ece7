"""The `stdgraph` command: build, check, validate, query, inspect and export the graph.

Exit codes: 0 success, 1 the data does not conform (or the ontology is inconsistent), 2 bad input or usage.
Errors are one line that says what to do.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rdflib import Graph
from rdflib.term import Node
from rich.console import Console
from rich.table import Table

from stdgraph import config

app = typer.Typer(
    help="stdgraph: a knowledge graph of standards, adoptions and mutual recognition for green trade.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True, soft_wrap=True)
out = Console()

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Store folder (default: $STDGRAPH_STORE or ./var/store)."),
]


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def open_store(path: Path | None, must_exist: bool = True):
    """The store, read-only for commands that only read (`must_exist`), so they need no lock."""
    from stdgraph.store import OxigraphStore

    location = config.store_path(path)
    if must_exist and not location.exists():
        raise fail(f"no store at {location}: run `stdgraph build` first (or pass --store)")
    try:
        return OxigraphStore(location, read_only=must_exist)
    except OSError as exc:
        raise fail(f"cannot open the store at {location}: {exc}") from None


@app.command()
def build(
    store: StoreOption = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Folder of published source files (default: $STDGRAPH_SHARED_DATA or ../shared/data)."
        ),
    ] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Build only these sources (repeatable).")
    ] = None,
    input_dir: Annotated[
        list[str] | None,
        typer.Option("--input", help="Read one source from another folder: NAME=DIR (repeatable)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Read the sources, validate them with the shapes, and only then swap them into the store.

    With --data-dir and no --source, every source whose files are in DIR joins the default ones."""
    overrides: dict[str, Path] = {}
    for item in input_dir or []:
        name, sep, folder = item.partition("=")
        if not sep or not name or not folder:
            raise fail(f"--input {item!r}: write NAME=DIR, e.g. --input curated-standards=./mydata")
        overrides[name] = Path(folder)
    if data_dir is not None and not source:
        source = _found_sources(data_dir)
    target = open_store(store, must_exist=False)
    _build_into(target, source, data_dir, overrides, quiet)


def _found_sources(data_dir: Path) -> list[str]:
    """The default sources plus every other source whose files are in `data_dir` (the catalogues)."""
    from stdgraph.build import available_sources
    from stdgraph.sources import found_in

    if not data_dir.is_dir():
        raise fail(f"--data-dir {data_dir}: no such folder")
    every = available_sources(include_all=True)
    return [name for name, src in every.items() if src.default or found_in(src, data_dir)]


def _build_into(target, names, data_dir, overrides, quiet: bool) -> None:
    from stdgraph.build import BuildError
    from stdgraph.build import build as run_build
    from stdgraph.sources import SourceDataError

    try:
        report = run_build(target, names, data_dir, overrides, progress=not quiet)
    except SourceDataError as exc:
        raise fail(f"{exc} (the store was not changed)") from None
    except BuildError as exc:
        err.print(str(exc), highlight=False)
        raise typer.Exit(1) from None
    target.flush()
    table = Table("source", "rows", "triples", "seconds", title="build")
    for r in report.results:
        table.add_row(r.name, str(r.rows), str(r.triples), f"{r.seconds:.2f}")
    out.print(table)
    out.print(f"{report.triples} triples from {len(report.results)} sources in {report.seconds:.1f} s")


@app.command()
def check() -> None:
    """Check that the ontology is consistent (HermiT) and that the shapes parse."""
    from stdgraph.ontology_check import check_ontology
    from stdgraph.validation import load_shapes

    report = check_ontology()
    shapes = load_shapes()
    out.print(
        f"ontology: {report.classes} classes, {report.properties} properties, "
        f"{'consistent' if report.consistent else 'INCONSISTENT'}, "
        f"{len(report.unsatisfiable)} unsatisfiable classes ({report.seconds:.1f} s)"
    )
    out.print(f"shapes: {len(shapes)} triples parsed")
    if not report.consistent or report.unsatisfiable:
        err.print(report.message, highlight=False)
        for iri in report.unsatisfiable:
            err.print(f"  unsatisfiable: {iri}", highlight=False)
        raise typer.Exit(1)


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="Turtle, JSON-LD, N-Triples or RDF/XML file.")],
) -> None:
    """Validate a file against the shapes; exit 1 and explain each violation when it does not conform."""
    from stdgraph.validation import validate as run_validate

    if not file.is_file():
        raise fail(f"{file} does not exist")
    graph = Graph()
    try:
        graph.parse(file, format=_rdf_format(file))
    except Exception as exc:  # rdflib raises many parser-specific types
        raise fail(f"{file} is not valid {_rdf_format(file)}: {exc}") from None
    report = run_validate(graph)
    if report.conforms:
        out.print(f"{file}: conforms ({len(graph)} triples)")
        return
    err.print(report.text(), highlight=False)
    raise typer.Exit(1)


def _rdf_format(path: Path) -> str:
    formats = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt", ".rdf": "xml"}
    formats.update({".owl": "xml", ".xml": "xml", ".trig": "trig", ".nq": "nquads"})
    return formats.get(path.suffix.lower(), "turtle")


@app.command()
def query(
    name_or_sparql: Annotated[str, typer.Argument(help="A named query (see `stdgraph queries`) or SPARQL.")],
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="Parameter as NAME=VALUE (repeatable).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    store: StoreOption = None,
) -> None:
    """Run a named query with its parameters, or a SPARQL SELECT/ASK given inline."""
    from stdgraph.queries import ParameterError, QueryFileError, get_query
    from stdgraph.store import QueryError

    if fmt not in ("table", "csv", "json"):
        raise fail(f"--format {fmt!r}: use table, csv or json")
    values: dict[str, str] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise fail(f"--param {item!r}: write NAME=VALUE")
        values[key] = value
    try:
        if _looks_like_sparql(name_or_sparql):
            sparql, bindings = name_or_sparql, {}
            if values:
                raise fail("--param works with named queries; inline SPARQL takes no parameters")
        else:
            named = get_query(name_or_sparql)
            sparql, bindings = named.sparql, named.bindings(values)
        result = open_store(store).query(sparql, bindings)
    except (QueryFileError, ParameterError, QueryError, ValueError) as exc:
        raise fail(str(exc)) from None
    if isinstance(result, bool):
        out.print(json.dumps({"boolean": result}) if fmt == "json" else str(result).lower())
    elif isinstance(result, Graph):
        sys.stdout.write(result.serialize(format="json-ld" if fmt == "json" else "turtle"))
    else:
        _print_result(result.variables, result.rows, fmt)


def _looks_like_sparql(text: str) -> bool:
    return any(k in text.upper() for k in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "{"))


def _cell(term: Node | None) -> str:
    return "" if term is None else str(term)


def _print_result(variables: list[str], rows: list[dict[str, Node | None]], fmt: str) -> None:
    if fmt == "json":
        data = [{v: _cell(r[v]) for v in variables if r[v] is not None} for r in rows]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(variables)
        writer.writerows([_cell(r[v]) for v in variables] for r in rows)
    else:
        table = Table(*variables, show_lines=False)
        for r in rows:
            table.add_row(*(_cell(r[v]) for v in variables))
        out.print(table)
        out.print(f"{len(rows)} row(s)")


@app.command()
def queries() -> None:
    """List the named queries and their parameters."""
    from stdgraph.queries import named_queries

    table = Table("name", "summary", "parameters")
    for q in named_queries().values():
        table.add_row(q.name, q.summary, ", ".join(f"{p.name} ({p.type})" for p in q.params))
    out.print(table)


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    store: StoreOption = None,
) -> None:
    """Triples per named graph and entities per class."""
    from stdgraph.namespaces import PREFIXES

    target = open_store(store)
    graphs, classes = target.triple_counts(), target.class_counts()
    if as_json:
        sys.stdout.write(json.dumps({"graphs": graphs, "classes": classes, "triples": len(target)}, indent=2))
        sys.stdout.write("\n")
        return

    def short(iri: str) -> str:
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns):
                return f"{prefix}:{iri[len(ns) :]}"
        return iri

    table = Table("named graph", "triples", title="graphs")
    for g, n in graphs.items():
        table.add_row(short(g), str(n))
    out.print(table)
    table = Table("class", "entities", title="classes")
    for c, n in classes.items():
        table.add_row(short(c), str(n))
    out.print(table)
    out.print(f"{len(target)} triples in {len(graphs)} named graphs")


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="nquads or trig.")] = "nquads",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default: stdout).")] = None,
    graph: Annotated[str | None, typer.Option(help="Only this named graph (IRI).")] = None,
    store: StoreOption = None,
) -> None:
    """Write the whole graph (or one named graph) as N-Quads or TriG."""
    if fmt not in ("nquads", "trig"):
        raise fail(f"--format {fmt!r}: use nquads or trig")
    target = open_store(store)
    if graph and graph not in target.named_graphs():
        raise fail(f"no named graph {graph}; see `stdgraph stats`")
    if output:
        with output.open("wb") as handle:
            target.export(handle, fmt, graph)
    else:
        target.export(sys.stdout.buffer, fmt, graph)


@app.command()
def identifier(
    reference: Annotated[
        str | None, typer.Argument(help="A standard reference as people write it, e.g. 'gb/t 24001—2016'.")
    ] = None,
    report: Annotated[
        bool, typer.Option("--report", help="Round-trip every reference of the ISO and IEC catalogues.")
    ] = False,
    data_dir: Annotated[Path | None, typer.Option(help="Folder of the published catalogues.")] = None,
) -> None:
    """Normalise a standard reference and show its IRIs, or report on the whole catalogues."""
    from stdgraph import identifiers

    if report:
        from stdgraph.identifier_report import catalogue_report

        try:
            sys.stdout.write(json.dumps(catalogue_report(data_dir), indent=2, ensure_ascii=False) + "\n")
        except FileNotFoundError as exc:
            raise fail(f"{exc}; pass --data-dir with the folder that holds the catalogues") from None
        return
    if not reference:
        raise fail("give a reference (e.g. 'ISO 14067:2018') or --report")
    try:
        ref = identifiers.parse(reference)
    except identifiers.IdentifierError as exc:
        raise fail(str(exc)) from None
    out.print(f"canonical: {ref.canonical}\nwork:      {ref.work}")
    out.print(f"work IRI:  {identifiers.standard_iri(reference)}")
    if ref.is_edition:
        out.print(f"edition IRI: {identifiers.edition_iri(reference)}")


@app.command()
def serve(
    store: StoreOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    data_dir: Annotated[
        Path | None, typer.Option(help="Folder of published source files, for the first build.")
    ] = None,
) -> None:
    """Serve the store over HTTP (read-only SPARQL 1.1 endpoint at /sparql), building it first if empty."""
    from api.server import serve as run_server

    target = open_store(store, must_exist=False)  # held open (and locked) while serving
    if target.is_empty():
        out.print(f"no graph at {config.store_path(store)} yet: building the default graph first")
        _build_into(target, None, data_dir, {}, quiet=False)
    run_server(target, host=host, port=port)


@app.command()
def sources() -> None:
    """List the sources the build knows, with their licence and where their files are read."""
    from stdgraph.build import available_sources

    table = Table("name", "title", "licence", "default", "folder")
    for s in available_sources(include_all=True).values():
        table.add_row(s.name, s.title, s.licence, "yes" if s.default else "no", str(s.default_dir()))
    out.print(table)


if __name__ == "__main__":  # pragma: no cover
    app()
