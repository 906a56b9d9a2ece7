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
from rdflib import Graph, URIRef
from rdflib.term import Node
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from stdgraph import config

app = typer.Typer(
    help="stdgraph: a knowledge graph of standards, adoptions and mutual recognition for green trade.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True, soft_wrap=True)
out = Console()
_AS_PROGRAM = False  # set by `main`: this process is the `stdgraph` program, not a test's CliRunner

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Store folder (default: $STDGRAPH_STORE or ./var/store)."),
]
EndpointOption = Annotated[
    str | None,
    typer.Option(
        "--endpoint",
        help="Use a remote SPARQL 1.1 endpoint (query URL) instead of the store folder "
        "(default: $STDGRAPH_ENDPOINT; credentials from $STDGRAPH_ENDPOINT_USER/_PASSWORD).",
    ),
]
UpdateEndpointOption = Annotated[
    str | None,
    typer.Option(
        "--update-endpoint",
        help="The remote SPARQL 1.1 Update URL (default: $STDGRAPH_UPDATE_ENDPOINT, else --endpoint).",
    ),
]
GraphStoreOption = Annotated[
    str | None,
    typer.Option(
        "--graph-store",
        help="The remote Graph Store Protocol URL, to load whole graphs in one request each "
        "(default: $STDGRAPH_GRAPH_STORE, else SPARQL INSERT DATA).",
    ),
]


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def open_store(
    path: Path | None,
    must_exist: bool = True,
    endpoint: str | None = None,
    update_endpoint: str | None = None,
    graph_store: str | None = None,
):
    """The configured store (`config.open_store`): a remote SPARQL endpoint when one is given, else the
    store folder, read-only for commands that only read (`must_exist`), so they need no lock."""
    if path and endpoint:
        raise fail("give --store or --endpoint, not both")
    label = config.store_label(path, endpoint)
    remote = label.startswith("the SPARQL endpoint")
    if must_exist and not remote and not config.store_path(path).exists():
        raise fail(f"no store at {label}: run `stdgraph build` first (or pass --store)")
    try:
        return config.open_store(
            path,
            endpoint=endpoint,
            update_endpoint=update_endpoint,
            graph_store=graph_store,
            read_only=must_exist,
        )
    except (OSError, ValueError) as exc:
        raise fail(f"cannot open {'' if remote else 'the store at '}{label}: {exc}") from None


@app.command()
def build(
    store: StoreOption = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Folder of published source files: builds every known source found in it, with the "
            "default ones read from elsewhere (default: the default graph, from $STDGRAPH_SHARED_DATA or "
            "../shared/data)."
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
    endpoint: EndpointOption = None,
    update_endpoint: UpdateEndpointOption = None,
    graph_store: GraphStoreOption = None,
    engine: Annotated[
        str,
        typer.Option(help="Validation engine: sparql (shapes compiled to SPARQL, default) or pyshacl."),
    ] = "sparql",
    workers: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Worker processes that make the large sources (the ISO and IEC catalogues) beside the "
            "build (default: 2 on a machine with two cores or more; 0 makes them in this process).",
        ),
    ] = None,
) -> None:
    """Read the sources, validate them with the shapes, and only then swap them into the store.

    With --data-dir and no --source, every source whose files are in DIR joins the default ones."""
    overrides: dict[str, Path] = {}
    for item in input_dir or []:
        name, sep, folder = item.partition("=")
        if not sep or not name or not folder:
            raise fail(f"--input {item!r}: write NAME=DIR, e.g. --input curated-standards=./mydata")
        overrides[name] = Path(folder)
    if engine not in ("sparql", "pyshacl"):
        raise fail(f"--engine {engine!r}: use sparql or pyshacl")
    names = source
    if data_dir is not None and not source:
        names, skipped = sources_in(data_dir)
        for name, folder in skipped:
            out.print(f"skipped {name}: no folder {folder}", highlight=False)
    target = open_store(store, False, endpoint, update_endpoint, graph_store)
    _build_into(target, names, data_dir, overrides, quiet, engine, workers)


def sources_in(data_dir: Path) -> tuple[list[str], list[tuple[str, Path]]]:
    """The sources `build --data-dir` takes: every source whose folder is in DIR, and the default ones
    read from elsewhere (the ontology, curated tables)."""
    from stdgraph.build import available_sources

    if not data_dir.is_dir():
        raise fail(f"--data-dir {data_dir} is not a folder")
    names: list[str] = []
    skipped: list[tuple[str, Path]] = []
    for name, item in available_sources(include_all=True).items():
        if not item.location.startswith("shared:"):
            if item.default:
                names.append(name)
            continue
        folder = data_dir / item.location.removeprefix("shared:")
        if folder.is_dir():
            names.append(name)  # a file missing from it stops the build, named, before the store changes
        else:
            skipped.append((name, folder))
    return names, skipped


def _build_into(
    target, names, data_dir, overrides, quiet: bool, engine: str = "sparql", workers: int | None = None
) -> None:
    from stdgraph.build import BuildError
    from stdgraph.build import build as run_build
    from stdgraph.sources import SourceDataError
    from stdgraph.store import QueryError

    try:
        report = run_build(
            target, names, data_dir, overrides, progress=not quiet, engine=engine, workers=workers
        )
    except SourceDataError as exc:
        raise fail(f"{exc} (the store was not changed)") from None
    except BuildError as exc:
        err.print(str(exc), highlight=False)
        raise typer.Exit(1) from None
    except (OSError, QueryError) as exc:  # a remote store that failed or refused a write
        raise fail(str(exc)) from None
    target.flush()
    table = Table("source", "rows", "triples", "seconds", title="build")
    for r in report.results:
        table.add_row(r.name, str(r.rows), str(r.triples), f"{r.seconds:.2f}")
    out.print(table)
    _print_build_notes(target, [r.name for r in report.results])
    out.print(
        f"{report.triples} triples from {len(report.results)} sources in {report.seconds:.1f} s "
        f"(validation {report.validation_seconds:.1f} s, {report.engine})"
    )


def _print_build_notes(target, names: list[str]) -> None:
    """What the build found about the data (e.g. codes it could not link), from the provenance records."""
    from stdgraph.namespaces import graph

    for name in names:
        rows = target.select(
            "SELECT ?note WHERE { GRAPH sgg:meta { ?g sg:buildNote ?note } }", {"g": URIRef(graph(name))}
        ).rows
        for row in rows:
            out.print(f"note ({name}): {row['note']}", highlight=False)


MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024
"""Cap on what `stdgraph ingest --from URL` downloads per file (`STDGRAPH_MAX_DOWNLOAD_BYTES`)."""


@app.command()
def ingest(
    name: Annotated[str, typer.Argument(help="The source to reload (see `stdgraph sources`).")],
    from_: Annotated[
        str,
        typer.Option(
            "--from",
            help="A folder or file of the source, or an http(s) URL of its file (or folder, ending in /).",
        ),
    ],
    store: StoreOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Reload one source from a folder, file or URL; the old graph stays until the new one is validated."""
    import tempfile

    from stdgraph.build import available_sources

    known = available_sources(include_all=True)
    if name not in known:
        raise fail(f"unknown source {name!r}; known: {', '.join(known)}")
    item = known[name]
    with tempfile.TemporaryDirectory(prefix=f"stdgraph-{name}-") as tmp:
        folder = _input_folder(item, from_, Path(tmp))
        target = open_store(store, must_exist=False)
        _build_into(target, [name], None, {name: folder}, quiet)


def _input_folder(item, location: str, tmp: Path) -> Path:
    """The folder holding the source's files: given, the file's own folder, or a download into `tmp`."""
    names = [f.name for f in item.files]
    if location.startswith(("http://", "https://")):
        if len(names) == 1 and not location.endswith("/"):
            urls = {names[0]: location}
        else:
            base = location if location.endswith("/") else location.rsplit("/", 1)[0] + "/"
            if not location.endswith("/") and location.rsplit("/", 1)[1] not in names:
                raise fail(
                    f"source {item.name} has several files ({', '.join(names)}): give the URL of the "
                    "folder that holds them, ending in /, or of one of them"
                )
            urls = {n: base + n for n in names}
        for file_name, url in urls.items():
            _download(url, tmp / file_name)
        return tmp
    path = Path(location)
    if path.is_dir():
        return path
    if path.is_file():
        if path.name in names:
            return path.parent
        if len(names) == 1:
            (tmp / names[0]).symlink_to(path.resolve())
            return tmp
        raise fail(f"{path}: source {item.name} reads {', '.join(names)}; give the folder that holds them")
    raise fail(f"--from {location}: no such file or folder")


def _download(url: str, target: Path) -> None:
    """Stream one file to `target`, refusing it once it passes the size cap."""
    import os

    import httpx

    cap = int(os.environ.get("STDGRAPH_MAX_DOWNLOAD_BYTES", MAX_DOWNLOAD_BYTES))
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=60.0) as response:
            if response.status_code != 200:
                raise fail(f"{url}: HTTP {response.status_code}; nothing was changed")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > cap:
                raise fail(f"{url} is {declared} bytes, over the cap of {cap} (STDGRAPH_MAX_DOWNLOAD_BYTES)")
            size = 0
            with target.open("wb") as handle:
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > cap:
                        raise fail(f"{url} is over the cap of {cap} bytes (STDGRAPH_MAX_DOWNLOAD_BYTES)")
                    handle.write(chunk)
    except httpx.HTTPError as exc:
        raise fail(f"{url}: cannot download ({exc}); nothing was changed") from None


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
    engine: Annotated[
        str,
        typer.Option(help="sparql (shapes compiled to SPARQL on Oxigraph, default) or pyshacl (reference)."),
    ] = "sparql",
) -> None:
    """Validate a file against the shapes; exit 1 and explain each violation when it does not conform."""
    from stdgraph.shacl_sparql import UnsupportedShapeError, validate_graph
    from stdgraph.validation import validate as run_validate

    if engine not in ("sparql", "pyshacl"):
        raise fail(f"--engine {engine!r}: use sparql or pyshacl")
    if not file.is_file():
        raise fail(f"{file} does not exist")
    graph = Graph()
    try:
        graph.parse(file, format=_rdf_format(file))
    except Exception as exc:  # rdflib raises many parser-specific types
        raise fail(f"{file} is not valid {_rdf_format(file)}: {exc}") from None
    try:
        report = validate_graph(graph) if engine == "sparql" else run_validate(graph)
    except UnsupportedShapeError as exc:
        raise fail(str(exc)) from None
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
    endpoint: EndpointOption = None,
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
        result = open_store(store, endpoint=endpoint).query(sparql, bindings)
    except (QueryFileError, ParameterError, QueryError, ValueError, OSError) as exc:
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
    endpoint: EndpointOption = None,
) -> None:
    """Triples per named graph and entities per class."""
    from stdgraph.namespaces import PREFIXES

    target = open_store(store, endpoint=endpoint)
    try:
        graphs, classes = target.triple_counts(), target.class_counts()
    except OSError as exc:
        raise fail(str(exc)) from None
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
    endpoint: EndpointOption = None,
) -> None:
    """Write the whole graph (or one named graph) as N-Quads or TriG."""
    if fmt not in ("nquads", "trig"):
        raise fail(f"--format {fmt!r}: use nquads or trig")
    target = open_store(store, endpoint=endpoint)
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
    endpoint: EndpointOption = None,
    update_endpoint: UpdateEndpointOption = None,
    graph_store: GraphStoreOption = None,
) -> None:
    """Serve the store over HTTP (read-only SPARQL 1.1 endpoint at /sparql), building it first if empty."""
    from stdgraph import allocator

    try:
        if _AS_PROGRAM:
            allocator.restart_on_jemalloc()  # returns only when jemalloc is in use, off or not found
        out.print(allocator.describe(), highlight=False)
    except allocator.AllocatorError as exc:
        raise fail(str(exc)) from None
    from api.curation import Curation
    from api.server import serve as run_server
    from stdgraph.curation import CurationPaths, curation_dir
    from stdgraph.curation.workflow import Curator

    target = open_store(store, False, endpoint, update_endpoint, graph_store)  # held open while serving
    if target.is_empty():
        out.print(f"no graph at {config.store_label(store, endpoint)} yet: building the default graph first")
        _build_into(target, None, data_dir, {}, quiet=False)
    paths = CurationPaths(curation_dir(config.store_path(store)))
    run_server(target, host=host, port=port, curation=Curation.open(Curator(target), paths))


# --- curation (curate branch) ---

token_app = typer.Typer(
    help="API tokens for curation (stored hashed beside the store).", no_args_is_help=True
)
app.add_typer(token_app, name="token")
TokenOption = Annotated[
    str | None, typer.Option("--token", envvar="STDGRAPH_TOKEN", help="Your token (or $STDGRAPH_TOKEN).")
]


def _curation_paths(store: Path | None):
    from stdgraph.curation import CurationPaths, curation_dir

    return CurationPaths(curation_dir(config.store_path(store)))


def _curator(store: Path | None):
    """The curator over the store opened for writing; refused while a server holds the store."""
    from stdgraph.curation.workflow import Curator
    from stdgraph.store import OxigraphStore

    location = config.store_path(store)
    if not location.exists():
        raise fail(f"no store at {location}: run `stdgraph build` first (or pass --store)")
    try:
        return Curator(OxigraphStore(location))
    except OSError as exc:
        raise fail(
            f"cannot open the store at {location} for writing ({exc}); if `stdgraph serve` is running, "
            "send the change through its API (POST /mappings) instead"
        ) from None


def _who(store: Path | None, token: str | None):
    from stdgraph.curation.auth import AuthError, TokenStore

    try:
        return TokenStore(_curation_paths(store).tokens).verify(token)
    except AuthError as exc:
        raise fail(str(exc)) from None


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option(help="reader, curator, reviewer or admin.")],
    name: Annotated[
        str, typer.Option(help="Who holds it: an ORCID (https://orcid.org/...), e-mail or body.")
    ],
    store: StoreOption = None,
) -> None:
    """Create a token; it is printed once and only its scrypt hash is kept."""
    from stdgraph.curation.auth import TokenStore

    tokens = TokenStore(_curation_paths(store).tokens)
    try:
        token = tokens.create(name, role)
    except ValueError as exc:
        raise fail(str(exc)) from None
    err.print(f"token for {name} ({role}), kept hashed in {tokens.path}; copy it now, it is not shown again:")
    out.print(token, highlight=False, soft_wrap=True)


@token_app.command("list")
def token_list(store: StoreOption = None) -> None:
    """List the tokens: id, holder, role and creation date (never the secret, which is not kept)."""
    from rich.table import Table

    from stdgraph.curation.auth import TokenStore

    table = Table("id", "name", "role", "created")
    for entry in TokenStore(_curation_paths(store).tokens).list():
        table.add_row(entry["id"], entry["name"], entry["role"], entry["created"])
    out.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[
        str, typer.Argument(help="The token's id (from `stdgraph token list`) or the token.")
    ],
    store: StoreOption = None,
) -> None:
    """Revoke a token: a running server refuses it at its next request; the history keeps its holder."""
    from stdgraph.curation.auth import TokenStore

    try:
        gone = TokenStore(_curation_paths(store).tokens).revoke(token_id)
    except KeyError as exc:
        raise fail(exc.args[0]) from None
    err.print(f"revoked token {gone['id']} of {gone['name']} ({gone['role']})")


@app.command()
def propose(
    file: Annotated[
        Path, typer.Argument(help="SSSOM TSV (.tsv), CSV (.csv), JSON (.json) or Turtle (.ttl).")
    ],
    comment: Annotated[str | None, typer.Option(help="Why (kept in the history).")] = None,
    token: TokenOption = None,
    store: StoreOption = None,
) -> None:
    """Propose the mappings or adoptions of FILE: validated first, stored all or nothing as 'proposed'."""
    from stdgraph.curation.auth import ForbiddenError
    from stdgraph.curation.rows import FORMAT_OF_SUFFIX, UploadError, read_upload
    from stdgraph.curation.workflow import BatchRefused

    fmt = FORMAT_OF_SUFFIX.get(file.suffix.lower())
    if fmt is None:
        raise fail(f"{file.name}: use a .tsv (SSSOM), .csv, .json or .ttl file")
    if not file.is_file():
        raise fail(f"no file {file}")
    principal = _who(store, token)
    curator = _curator(store)
    try:
        batch = read_upload(file.read_bytes(), fmt, principal.name)
        proposal = curator.propose(batch, principal, comment)
    except UploadError as exc:
        raise fail(f"{file.name}: {exc}") from None
    except ForbiddenError as exc:
        raise fail(str(exc)) from None
    except BatchRefused as exc:
        for warning in exc.warnings:
            err.print(f"warning: {warning}", highlight=False)
        raise fail(f"{file.name}: {exc}", code=1) from None
    finally:
        curator.store.flush()
    for warning in proposal.warnings:
        err.print(f"warning: {warning}", highlight=False)
    out.print(f"proposed {len(proposal.records)} record(s) in batch {proposal.batch}:")
    for item in proposal.records:
        out.print(f"  {item['id']} ({item['kind']}, line {item['line']})", highlight=False)


@app.command()
def review(
    record: Annotated[str | None, typer.Argument(help="Record id; without it, list the queue.")] = None,
    action: Annotated[str | None, typer.Option(help="approve, reject, publish or withdraw.")] = None,
    comment: Annotated[
        str | None, typer.Option(help="Why (required to approve, reject or withdraw).")
    ] = None,
    token: TokenOption = None,
    store: StoreOption = None,
) -> None:
    """List the review queue, or approve / reject / publish / withdraw one record."""
    from stdgraph.curation.auth import ForbiddenError
    from stdgraph.curation.workflow import CurationError

    if record is None:
        curator = _curator(store)
        waiting = curator.records("proposed") + curator.records("approved")
        out.print(f"{len(waiting)} record(s) waiting for review or publication")
        for state in waiting:
            by = f", proposed by {state.author}" if state.author else ""
            out.print(
                f"  {state.id}: {state.kind}, {state.status} (version {state.version}){by}", highlight=False
            )
        return
    if action is None:
        raise fail("say what to do: --action approve, reject, publish or withdraw")
    principal = _who(store, token)
    curator = _curator(store)
    try:
        state = curator.act(record, action, principal, comment)
    except (CurationError, ForbiddenError) as exc:
        raise fail(str(exc)) from None
    finally:
        curator.store.flush()
    out.print(f"{state.id} is now {state.status} (version {state.version})", highlight=False)


@app.command()
def release(
    version: Annotated[
        str | None, typer.Option(help="Release version (default: the date, YYYY.MM.DD).")
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Releases folder (default: beside the store).")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Write a versioned, dated release: dump, SSSOM of published mappings, changelog against the last one."""
    from stdgraph.curation.releases import ReleaseError, make_release

    curator = _curator(store)
    root = out_dir or _curation_paths(store).releases
    try:
        made = make_release(curator.store, root, version)
    except ReleaseError as exc:
        raise fail(str(exc)) from None
    m = made.manifest
    out.print(
        f"release {made.version} at {made.path}: {m['published_records']} published record(s); "
        f"{len(m['added'])} added, {len(m['changed'])} changed, {len(m['withdrawn'])} withdrawn"
        + (f" since {m['previous']}" if m["previous"] else ""),
        highlight=False,
    )


@app.command()
def accepts(
    product: Annotated[str, typer.Option("--product", help="HS 2022 code (2, 4 or 6 digits), e.g. 854143.")],
    market: Annotated[str, typer.Option("--market", help="Importing market: ISO 3166-1 alpha-2 or EU.")],
    scheme: Annotated[
        str | None, typer.Option(help="Scheme or arrangement of the evidence held, e.g. 'IECEE CB Scheme'.")
    ] = None,
    body: Annotated[str | None, typer.Option(help="Body that issued it (acronym, or ACRONYM@CC).")] = None,
    standard: Annotated[str | None, typer.Option(help="Standard edition, e.g. 'IEC 61215-1:2021'.")] = None,
    evidence: Annotated[
        str | None,
        typer.Option(
            help="certificate, test-report, verification-report, ecolabel-licence or self-declaration."
        ),
    ] = None,
    date: Annotated[
        str | None, typer.Option(help="Date of the question, YYYY-MM-DD (default today).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    store: StoreOption = None,
) -> None:
    """What a market requires for a product, and whether the evidence held is accepted, with every reason."""
    from stdgraph.recognition import RecognitionInputError, answer

    if fmt not in ("table", "json"):
        raise fail(f"--format {fmt!r}: use table or json")
    try:
        result = answer(open_store(store), product, market, date, scheme, body, standard, evidence)
    except RecognitionInputError as exc:
        raise fail(f"--{exc}") from None
    if fmt == "json":
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    _print_recognition(result)


def _print_recognition(result) -> None:
    held = result.held
    out.print(
        f"[bold]HS {result.product['code']}[/bold] {result.product['label']} -> "
        f"[bold]{result.market['code']}[/bold] {result.market['label']} on {result.date}",
        highlight=False,
    )
    if held.given:
        what = ", ".join(
            f"{k}: {v}"
            for k, v in (
                ("evidence", held.kind),
                ("scheme", held.scheme_label),
                ("body", held.body_label),
                ("standard", held.standard),
            )
            if v
        )
        out.print(f"evidence held: {what}", highlight=False)
    table = Table("requirement", "market", "applies", "accepted evidence", "verdict", show_lines=True)
    for req in result.requirements:
        accepted = "\n".join(
            ("excludes " if r["excludes"] else "")
            + " ".join(
                filter(
                    None,
                    (
                        r["evidence_kind"],
                        r["scheme"],
                        r["arrangement"],
                        r["body"],
                        r["standard"],
                        r["edition_year"],
                    ),
                )
            )
            for r in req.accepted_evidence
        )
        applies = " to ".join(filter(None, (req.applies_from, req.applies_until))) or "-"
        table.add_row(req.label, req.imposed_by, applies, accepted or "(no source says)", req.verdict or "")
    out.print(table)
    for req in result.requirements:
        out.print(f"\n[bold]{req.label}[/bold]", highlight=False)
        for path in req.reached_by:
            out.print("  reached by: " + " -> ".join(_hop_text(h) for h in path), highlight=False)
        for reason in req.reasons:
            out.print(f"  [bold]{reason.verdict}[/bold]", highlight=False)
            for hop in reason.hops:
                out.print(f"    - {_hop_text(hop)}", highlight=False)
            for missing in reason.missing:
                out.print(f"    missing: {missing}", highlight=False)
            for condition in reason.conditions:
                out.print(f"    condition: {condition}", highlight=False)
        for item in req.also_needed:
            out.print(f"  also needed: {item}", highlight=False)
    for label in result.labels:
        out.print(f"\n[bold]label {label.label}[/bold]: {label.verdict}", highlight=False)
        for reason in label.reasons:
            out.print("    " + " -> ".join(_hop_text(h) for h in reason.hops), highlight=False)
            for missing in reason.missing:
                out.print(f"    missing: {missing}", highlight=False)
    for item in result.excluded:
        out.print(f"excluded {item.step}: {item.label} ({item.note})", highlight=False)
    for note in result.notes:
        out.print(f"note: {note}", highlight=False)


def _hop_text(hop) -> str:
    facts = [hop.confidence or "", " to ".join(filter(None, (hop.valid_from, hop.valid_until)))]
    marks = ["CURATOR'S JUDGEMENT"] if hop.curator_judgement else []
    extra = "; ".join(filter(None, [*marks, *facts]))
    source = (
        f" <{hop.sources[0]}>" + (f" +{len(hop.sources) - 1}" if len(hop.sources) > 1 else "")
        if hop.sources
        else ""
    )
    return escape(f"{hop.step}: {hop.label}" + (f" ({extra})" if extra else "") + source)


@app.command()
def sources() -> None:
    """List the sources the build knows, with their licence and where their files are read."""
    from stdgraph.build import available_sources

    table = Table("name", "title", "licence", "default", "folder")
    for s in available_sources(include_all=True).values():
        table.add_row(s.name, s.title, s.licence, "yes" if s.default else "no", str(s.default_dir()))
    out.print(table)


# --- push: the local store into a remote SPARQL endpoint (virtuoso branch) ---


@app.command()
def push(
    endpoint: Annotated[
        str, typer.Option("--endpoint", help="The remote SPARQL 1.1 query URL (e.g. Virtuoso's /sparql).")
    ],
    update_endpoint: UpdateEndpointOption = None,
    graph_store: GraphStoreOption = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Account that may update (default: $STDGRAPH_ENDPOINT_USER).")
    ] = None,
    password: Annotated[
        str | None,
        typer.Option("--password", help="Its password (default: $STDGRAPH_ENDPOINT_PASSWORD)."),
    ] = None,
    store: StoreOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Load the graph built in the local store into a remote SPARQL endpoint, named graph by named graph.

    Each graph is staged on the server (Graph Store Protocol with --graph-store, else SPARQL INSERT DATA),
    then all are swapped in with one update, replacing the server's graphs of the same names; its other
    graphs are left as they are. A failure before the swap leaves the server as it was."""
    import os
    import time

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from stdgraph.namespaces import META_GRAPH, SGG
    from stdgraph.store import QueryError

    local = open_store(store)
    counts = local.triple_counts()
    if not any(n for g, n in counts.items() if g != str(META_GRAPH)):
        raise fail(f"the store at {config.store_path(store)} is empty: run `stdgraph build` first")
    user = user or os.environ.get("STDGRAPH_ENDPOINT_USER")
    if password is None:
        password = os.environ.get("STDGRAPH_ENDPOINT_PASSWORD", "")
    try:
        target = config.open_store(
            endpoint=endpoint,
            update_endpoint=update_endpoint,
            graph_store=graph_store,
            credentials=(user, password) if user else None,
        )
    except (OSError, ValueError) as exc:
        raise fail(f"cannot open the SPARQL endpoint {endpoint}: {exc} (nothing was pushed)") from None
    graphs: dict[str, Graph] = {}
    for name in counts:
        graph = Graph()
        for triple in local.graph_triples(name):
            graph.add(triple)
        graphs[name] = graph
    meta = graphs.pop(str(META_GRAPH), Graph())
    total = sum(len(g) for g in graphs.values()) + len(meta)
    started = time.perf_counter()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} triples"),
    )
    with Progress(*columns, TimeElapsedColumn(), disable=quiet, console=err) as bar:
        task = bar.add_task("staging", total=total)

        def staged(name: str, triples: int) -> None:
            bar.update(task, advance=triples, description=f"staged {name.rsplit('/', 1)[-1]}")

        try:
            target.replace_graphs(graphs, meta, progress=staged)
        except (OSError, QueryError) as exc:
            raise fail(f"{exc} (the endpoint's graphs were not changed)") from None
        bar.update(task, completed=total, description="swapped in")
    pushed = target.triple_counts()
    table = Table("named graph (sgg:)", "local triples", "on the endpoint", title=f"push to {endpoint}")
    for name, graph in [*graphs.items(), (str(META_GRAPH), meta)]:
        table.add_row(name.removeprefix(str(SGG)), str(len(graph)), str(pushed.get(name, 0)))
    out.print(table)
    out.print(
        f"pushed {len(graphs) + 1} named graphs, {total} triples to {endpoint} in "
        f"{time.perf_counter() - started:.1f} s",
        highlight=False,
    )


def main() -> None:
    """The `stdgraph` program (and `python -m stdgraph.cli`)."""
    global _AS_PROGRAM
    _AS_PROGRAM = True
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
