"""The graph store: one interface, Oxigraph on disk (default) or in memory (tests).

A remote SPARQL 1.1 endpoint can implement the same `GraphStore` interface; callers only ever pass a query
and bound terms, never query text with values pasted in. Results come back as rdflib terms, the project's
toolkit type, while rdflib's own query engine stays off every query path (it is 20-130x slower here).
"""

from __future__ import annotations

import re
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from stdgraph.description import Description
from stdgraph.namespaces import META_GRAPH, PREFIXES, RDF, SGG, XSD
from stdgraph.terms import OxTriple

STAGING_PREFIX = f"{SGG}staging/"
PENDING_SUFFIX = "/pending"
PENDING = ox.NamedNode("urn:stdgraph:staging:pending")
"""(graph, PENDING, run) in a run's pending graph: a new graph loaded in place, not yet committed."""
EXPORT_FORMATS = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


class QueryError(ValueError):
    """A query the store cannot run: bad syntax, a parameter that is not projected, a wrong kind."""


@dataclass
class SelectResult:
    """Variables and rows of a SELECT, as rdflib terms (None where a variable is unbound)."""

    variables: list[str]
    rows: list[dict[str, Node | None]]

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Node | None]:
        return [row[name] for row in self.rows]


def to_ox(term: Node | str) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """An rdflib term (or plain string, as a literal) as a validated Oxigraph term."""
    if isinstance(term, URIRef):
        try:
            return ox.NamedNode(str(term))
        except ValueError as exc:
            raise QueryError(f"{str(term)!r} is not a valid IRI: {exc}") from None
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, str):
        return ox.Literal(term)
    raise QueryError(f"cannot bind {term!r}: expected an IRI, a literal or a string")


_XSD_STRING = str(XSD.string)
_LANG_STRING = str(RDF.langString)


@lru_cache(maxsize=1 << 16)
def _iri(value: str) -> URIRef:
    """IRIs recur (predicates, classes, the entities a page reads twice) and `URIRef` checks each."""
    return URIRef(value)


@lru_cache(maxsize=1 << 16)
def _literal(value: str, language: str | None, datatype: str) -> Literal:
    """rdflib parses a typed literal's value when it is made (dates through isodate): ~30 µs each."""
    if language:
        return Literal(value, lang=language)
    if datatype in (_XSD_STRING, _LANG_STRING):
        return Literal(value)
    return Literal(value, datatype=_iri(datatype))


def from_ox(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> Node | None:
    """An Oxigraph term as an rdflib term."""
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return _from_ox_term(term)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise QueryError(f"unsupported term in result: {term!r}")


@lru_cache(maxsize=1 << 16)
def _from_ox_term(term: ox.NamedNode | ox.Literal) -> Node:
    """Keyed by the Oxigraph term itself (hashed and compared by Oxigraph): a term met again is not taken
    apart into Python strings again (0.55 -> 0.2 µs a term, the terms of a standard's description)."""
    if isinstance(term, ox.NamedNode):
        return _iri(term.value)
    return _literal(term.value, term.language, term.datatype.value)


_OUTER_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_SELECT_WHERE = re.compile(r"\bSELECT\b(?P<projection>[^{}]*?)\bWHERE\s*\{", re.IGNORECASE | re.DOTALL)


def bind_values(query: str, bindings: Mapping[str, Node | str], form: str = "values") -> str:
    """The query with its parameters bound by `VALUES` blocks opening the WHERE clauses that use them.

    The outer WHERE gets every parameter; a sub-select gets those it projects (the same variable in
    the outer scope, so binding it inside changes no answer, but lets the sub-select start from it).
    Each value is a validated Oxigraph term serialised by Oxigraph (IRIs checked, literals escaped), so
    no user text reaches the query unescaped. Oxigraph's planner starts from a leading VALUES block;
    SEP-0007 substitutions it does not (273 ms against 0.26 ms for a supersession chain at 1M triples,
    bench/RESULTS.md), and a block only in the outer query leaves sub-selects to enumerate everything.

    `form="bind"` writes `BIND(term AS ?name)` at the same places instead, for an engine that mis-joins a
    leading VALUES block (Virtuoso 7: see `remote_store`); Oxigraph runs some queries up to 2x slower so.
    """
    if not bindings:
        return query
    terms = {name: str(to_ox(value)) for name, value in bindings.items()}
    pieces, last = [], 0
    for position, names in _insertion_points(query, tuple(terms)):
        if form == "bind":
            block = "".join(f" BIND({terms[n]} AS ?{n})" for n in names)
        else:
            block = (
                f" VALUES ({' '.join(f'?{n}' for n in names)}) {{ ({' '.join(terms[n] for n in names)}) }}"
            )
        pieces += [query[last:position], block]
        last = position
    return "".join([*pieces, query[last:]])


@lru_cache(maxsize=512)
def _insertion_points(query: str, names: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    """Where `bind_values` opens blocks, and for which names: the same few query texts come back on
    every request, and finding their WHERE clauses is a scan of the whole text."""
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"{name!r} is not a SPARQL variable name")
    outer = _OUTER_WHERE.search(query)
    if outer is None:
        raise QueryError("a query with parameters must have a 'WHERE {' clause to bind them in")
    inserts = {outer.end(): list(names)}
    for match in _SELECT_WHERE.finditer(query):
        if match.end() != outer.end():
            projection = match.group("projection")
            inside = [n for n in names if "*" in projection or re.search(rf"[?$]{n}\b", projection)]
            if inside:
                inserts[match.end()] = inside
    return sorted(inserts.items())


def _forget_graph(name: str) -> list[str]:
    """Update operations that empty a named graph and remove its records from the meta graph."""
    iri = ox.NamedNode(name).value  # validated: it is written into the update
    return [
        f"DROP SILENT GRAPH <{iri}>",
        f"DELETE {{ GRAPH <{META_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{META_GRAPH}> "
        f'{{ ?s ?p ?o FILTER(?s = <{iri}> || STRSTARTS(STR(?s), "{iri}/")) }} }}',
    ]


def swap_operations(staged: Mapping[str, str], meta_staging: str | None) -> list[str]:
    """The update operations that swap staged graphs in (one request, so one transaction where the store
    runs a request atomically): each live graph and its meta records go, its staging graph moves in, and
    the staged meta records join the meta graph. `staged` maps live graph name -> staging graph name."""
    ops = []
    for name, staging in staged.items():
        ops += _forget_graph(name)
        ops.append(f"MOVE SILENT GRAPH <{ox.NamedNode(staging).value}> TO <{ox.NamedNode(name).value}>")
    if meta_staging is not None:
        ops.append(f"ADD SILENT GRAPH <{ox.NamedNode(meta_staging).value}> TO <{META_GRAPH}>")
        ops.append(f"DROP SILENT GRAPH <{ox.NamedNode(meta_staging).value}>")
    return ops


Triple = tuple[Node, Node, Node]


def _quads(triples: Iterable[Triple | OxTriple | ox.Triple], graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """rdflib triples as quads of one graph; pyoxigraph ones (`ox.Triple`, or a tuple of pyoxigraph terms,
    told by its predicate) skip the conversion. A tuple of pyoxigraph terms is the cheapest to load: no
    `ox.Triple` to make and take apart again (half the cost of a quad, measured)."""
    for triple in triples:
        yield ox.Quad(*_ox_terms(triple), graph)  # type: ignore[arg-type]


def ox_triples(triples: Iterable[Triple | OxTriple | ox.Triple]) -> Iterator[ox.Triple]:
    """Any source's triples as `ox.Triple`s, for pyoxigraph's serializer (a build worker's file)."""
    for triple in triples:
        yield triple if isinstance(triple, ox.Triple) else ox.Triple(*_ox_terms(triple))  # type: ignore[arg-type]


def _ox_terms(triple: Triple | OxTriple | ox.Triple) -> OxTriple:
    """The three terms of a triple as pyoxigraph terms, converted only when they are rdflib's."""
    if isinstance(triple, ox.Triple):
        return triple.subject, triple.predicate, triple.object  # type: ignore[return-value]
    s, p, o = triple
    if isinstance(p, ox.NamedNode):
        return triple  # type: ignore[return-value]
    return to_ox(s), to_ox(p), to_ox(o)  # type: ignore[return-value]


def graph_size(store: ox.Store, name: str) -> int:
    """Distinct triples in one named graph of a pyoxigraph store."""
    iri = ox.NamedNode(name).value  # validated: it is written into the query
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
    return int(next(iter(rows))["n"].value)  # type: ignore[index]


def rdflib_triple(triple: Triple | OxTriple | ox.Triple) -> Triple:
    """A triple of rdflib terms, whichever kind of terms a source yields (for rdflib graphs and tests)."""
    if isinstance(triple, ox.Triple):
        triple = (triple.subject, triple.predicate, triple.object)
    s, p, o = triple
    if isinstance(p, URIRef):
        return triple  # type: ignore[return-value]
    return from_ox(s), from_ox(p), from_ox(o)  # type: ignore[arg-type,return-value]


class GraphStore(ABC):
    """What stdgraph needs from a quad store."""

    _generation = 0
    """Bumped by every write method, so that caches of what the store holds know when to rebuild."""

    @property
    def generation(self) -> int:
        """A number that changes whenever this store object writes (not on writes by other processes)."""
        return self._generation

    def _bump(self) -> None:
        self._generation += 1

    @abstractmethod
    def query(
        self, query: str, bindings: Mapping[str, Node | str] | None = None
    ) -> SelectResult | bool | Graph:
        """Any query form: rows for SELECT, a boolean for ASK, a graph for CONSTRUCT/DESCRIBE."""

    @abstractmethod
    def select(self, query: str, bindings: Mapping[str, Node | str] | None = None) -> SelectResult: ...

    @abstractmethod
    def ask(self, query: str, bindings: Mapping[str, Node | str] | None = None) -> bool: ...

    @abstractmethod
    def construct(self, query: str, bindings: Mapping[str, Node | str] | None = None) -> Graph:
        """CONSTRUCT or DESCRIBE, as an rdflib graph."""

    @abstractmethod
    def replace_graphs(self, graphs: Mapping[str, Graph], meta: Graph | None = None) -> None:
        """Replace each named graph (and its record in the meta graph) at once: all or nothing."""

    def staging(self) -> Staging:
        """A set of staging graphs to stream new graphs into, check, then swap in at once (`Staging`).

        Only the embedded store stages in place; `stdgraph.build` builds for other stores in a local
        in-memory store and hands the result to `replace_graphs`.
        """
        raise NotImplementedError(f"{type(self).__name__} does not stage in place")

    @abstractmethod
    def named_graphs(self) -> list[str]: ...

    @abstractmethod
    def describe_nodes(self, iris: Iterable[str], exclude_graphs: Iterable[str] = ()) -> Graph:
        """Every triple whose subject is one of `iris`, outside `exclude_graphs` (validation context)."""

    def describe(self, iris: Iterable[str]) -> Description:
        """Every triple whose subject is one of `iris`, indexed for reading (what the API builds from)."""
        return Description(self.describe_nodes(iris))

    @abstractmethod
    def export(self, out: IO[bytes], fmt: str = "nquads", graph: str | None = None) -> None: ...

    def triple_counts(self) -> dict[str, int]:
        """Triples per named graph."""
        result = self.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
        return {str(r["g"]): int(r["n"]) for r in result.rows}  # type: ignore[arg-type]

    def class_counts(self) -> dict[str, int]:
        """Distinct instances per class, across all graphs."""
        result = self.select(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c"
        )
        return {str(r["c"]): int(r["n"]) for r in result.rows}  # type: ignore[arg-type]

    def is_empty(self) -> bool:
        return not self.ask("ASK { GRAPH ?g { ?s ?p ?o } }")

    def __len__(self) -> int:
        """Quads in the named graphs."""
        result = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(result.rows[0]["n"]) if result.rows else 0  # type: ignore[arg-type]

    def flush(self) -> None:  # noqa: B027 (a no-op unless the store buffers writes)
        """Make the writes so far durable; a no-op where the store does it on every write."""


class OxigraphStore(GraphStore):
    """pyoxigraph, embedded: RocksDB on disk, or in memory when no path is given."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False) -> None:
        """Read-only opening takes no lock, so readers can run beside the process that writes."""
        self.path = Path(path) if path else None
        self.read_only = read_only
        if self.path and read_only:
            self._store = ox.Store.read_only(str(self.path))
        elif self.path:
            self.path.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(self.path))
        else:
            self._store = ox.Store()
        if not read_only:
            self._drop_staging()

    # queries -----------------------------------------------------------------------------------------

    def _run(self, query: str, bindings: Mapping[str, Node | str] | None):
        text = bind_values(query, bindings or {})
        try:
            return self._store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        except RuntimeError as exc:
            raise QueryError(str(exc)) from None

    def query(
        self, query: str, bindings: Mapping[str, Node | str] | None = None
    ) -> SelectResult | bool | Graph:
        answer = self._run(query, bindings)
        if isinstance(answer, ox.QuerySolutions):
            return self._rows(answer)
        if isinstance(answer, ox.QueryBoolean):
            return bool(answer)
        return self._graph(answer)

    def select(self, query: str, bindings: Mapping[str, Node | str] | None = None) -> SelectResult:
        solutions = self._run(query, bindings)
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        return self._rows(solutions)

    def solutions(self, query: str, bindings: Mapping[str, Node | str] | None = None) -> ox.QuerySolutions:
        """A SELECT's solutions as Oxigraph gives them (read lazily, Oxigraph terms), for the API to write
        as JSON without making rdflib terms. Read and drop them on the thread that made them."""
        solutions = self._run(query, bindings)
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        return solutions

    @staticmethod
    def _rows(solutions: ox.QuerySolutions) -> SelectResult:
        variables = [v.value for v in solutions.variables]
        rows = [{v: from_ox(sol[v]) for v in variables} for sol in solutions]
        return SelectResult(variables, rows)

    def ask(self, query: str, bindings: Mapping[str, Node | str] | None = None) -> bool:
        answer = self._run(query, bindings)
        if not isinstance(answer, ox.QueryBoolean):
            raise QueryError("expected an ASK query")
        return bool(answer)

    def construct(self, query: str, bindings: Mapping[str, Node | str] | None = None) -> Graph:
        triples = self._run(query, bindings)
        if not isinstance(triples, ox.QueryTriples):
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        return self._graph(triples)

    @staticmethod
    def _graph(triples: ox.QueryTriples) -> Graph:
        graph = Graph()
        for t in triples:
            graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))  # type: ignore[arg-type]
        return graph

    # writes ------------------------------------------------------------------------------------------

    def replace_graphs(self, graphs: Mapping[str, Graph], meta: Graph | None = None) -> None:
        """Stage every graph, then swap them in with one SPARQL update, which Oxigraph runs atomically.

        A crash while staging leaves only staging graphs, which the next open drops; the live graphs
        are never seen half-written.
        """
        with self.staging() as stage:
            for name, graph in graphs.items():
                stage.load(name, graph)
            stage.commit(meta)

    def staging(self) -> OxigraphStaging:
        return OxigraphStaging(self)

    def drop_graphs(self, names: Iterable[str]) -> None:
        """Withdraw sources: their graphs and their meta records, at once."""
        ops = [op for name in names for op in _forget_graph(name)]
        if ops:
            try:
                self._store.update(" ;\n".join(ops))
            finally:
                self._bump()

    def _load(self, triples: Iterable[Triple | OxTriple | ox.Triple], target: str) -> None:
        """Stream triples into a graph with Oxigraph's bulk loader (not transactional: staging only).

        Measured against `Store.extend` (one transaction): as fast in memory, twice as fast on
        RocksDB and a third of the memory, since nothing is held for a commit (bench/RESULTS.md).
        """
        self._store.bulk_extend(_quads(triples, ox.NamedNode(target)))

    def _drop_staging(self, run: str | None = None) -> None:
        """Drop the staging graphs of a run (all runs when None), and the new graphs they loaded in place.

        A graph a run loads under its own name (`OxigraphStaging.load`, a name with no live graph) is
        listed in the run's pending graph first, so it is dropped here unless the swap committed it.
        """
        prefix = f"{STAGING_PREFIX}{run}/" if run else STAGING_PREFIX
        staging = [
            g
            for g in self._store.named_graphs()
            if isinstance(g, ox.NamedNode) and g.value.startswith(prefix)
        ]
        for g in staging:
            if g.value.endswith(PENDING_SUFFIX):
                for quad in list(self._store.quads_for_pattern(None, PENDING, None, g)):
                    self._store.remove_graph(quad.subject)
        for g in staging:
            self._store.remove_graph(g)

    # reading -----------------------------------------------------------------------------------------

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def describe_nodes(self, iris: Iterable[str], exclude_graphs: Iterable[str] = ()) -> Graph:
        excluded = {str(g) for g in exclude_graphs}
        graph = Graph()
        for iri in iris:
            for quad in self._store.quads_for_pattern(ox.NamedNode(iri), None, None, None):
                g = quad.graph_name
                if isinstance(g, ox.NamedNode) and g.value in excluded:
                    continue
                graph.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))  # type: ignore[arg-type]
        return graph

    def describe(self, iris: Iterable[str]) -> Description:
        out = Description()
        for iri in iris:
            subject = _iri(iri)
            for quad in self._store.quads_for_pattern(ox.NamedNode(iri), None, None, None):
                out.add((subject, from_ox(quad.predicate), from_ox(quad.object)))  # type: ignore[arg-type]
        return out

    def graph_triples(self, name: str) -> Iterator[tuple[Node, Node, Node]]:
        for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(name)):
            yield from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)  # type: ignore[misc]

    def export(self, out: IO[bytes], fmt: str = "nquads", graph: str | None = None) -> None:
        if fmt not in EXPORT_FORMATS:
            raise ValueError(f"unknown export format {fmt!r}: use {' or '.join(EXPORT_FORMATS)}")
        if graph is None:
            self._store.dump(out, format=EXPORT_FORMATS[fmt])
            return
        quads = self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        ox.serialize(quads, out, format=EXPORT_FORMATS[fmt])

    @property
    def oxigraph(self) -> ox.Store:
        """The pyoxigraph store itself, for the SPARQL endpoint, which lets Oxigraph serialise results.

        Oxigraph's result objects must be used and dropped on the thread that created them.
        """
        return self._store

    def __len__(self) -> int:
        return len(self._store)

    def flush(self) -> None:
        if self.path and not self.read_only:
            self._store.flush()


class Staging(ABC):
    """New graphs streamed into staging graphs of the store, checked there, then swapped in at once.

    Use it as a context manager: leaving the block without `commit` (an error, a failed check) drops
    the staging graphs, and a crash leaves only staging graphs, which the next writable open drops.
    The live graphs change only in `commit`, in one atomic update.
    """

    run: str

    @abstractmethod
    def load(self, name: str, triples: Iterable[Triple | OxTriple | ox.Triple]) -> str:
        """Stream triples into the staging graph of the named graph `name`; returns the staging IRI."""

    @abstractmethod
    def reserve(self, name: str) -> str:
        """The graph that `name`'s new version goes to until the swap (its staging IRI), recorded now."""

    @abstractmethod
    def load_ntriples(self, name: str, data: Path | bytes) -> None:
        """N-Triples that stdgraph wrote (pyoxigraph's serializer) into the graph `reserve` gave `name`."""

    @abstractmethod
    def add(self, name: str, triples: Iterable[Triple | OxTriple | ox.Triple]) -> str:
        """Stage a helper graph (e.g. validation context) that `commit` never swaps in."""

    @abstractmethod
    def count(self, name: str) -> int:
        """Distinct triples in the staging graph of `name`."""

    @abstractmethod
    def view(self) -> list[str]:
        """The graphs as they will be after `commit`: staged ones and live ones not being replaced."""

    @abstractmethod
    def commit(self, meta: Graph | None = None) -> None:
        """Swap every staged graph in (and add `meta` to the meta graph) in one atomic update."""

    @abstractmethod
    def discard(self) -> None: ...

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()


class OxigraphStaging(Staging):
    """Staging in the store itself.

    A graph that has no live version yet (a fresh store, a new source) is loaded in place, under its own
    name, after the run records it in its pending graph: the swap then has nothing to move, only the
    meta records to add and the pending graph to drop, in one small update. Moving a graph is one
    transaction over all its quads, held in memory (5.9 GB and 13 minutes of a 21-minute catalogue
    build, bench/RESULTS.md), so only a graph that replaces a live one goes through a staging graph
    and `MOVE`. Until the swap a graph loaded in place is dropped like a staging graph: by `discard`,
    or, after a crash, by the next writable open (it is listed as pending).
    """

    def __init__(self, store: OxigraphStore) -> None:
        self.store = store
        self.run = uuid.uuid4().hex
        self.staged: dict[str, str] = {}
        self.helpers: dict[str, str] = {}
        self.committed = False
        self.live = set(store.named_graphs())
        self.pending = ox.NamedNode(f"{STAGING_PREFIX}{self.run}{PENDING_SUFFIX}")

    def _name(self, kind: str) -> str:
        return f"{STAGING_PREFIX}{self.run}/{kind}{len(self.staged) + len(self.helpers)}"

    def reserve(self, name: str) -> str:
        iri = ox.NamedNode(name).value  # validated: it is written into the swap
        if iri in self.staged:
            raise ValueError(f"{iri} is staged twice in one build")
        if iri in self.live or iri.startswith(STAGING_PREFIX):
            staging = self._name("graph")
        else:
            staging = iri
            self.store._store.add(ox.Quad(ox.NamedNode(iri), PENDING, ox.Literal(self.run), self.pending))
        self.staged[iri] = staging
        return staging

    def load(self, name: str, triples: Iterable[Triple | OxTriple | ox.Triple]) -> str:
        staging = self.reserve(name)
        self.store._load(triples, staging)
        return staging

    def load_ntriples(self, name: str, data: Path | bytes) -> None:
        """Oxigraph's bulk loader, `lenient` (IRIs not checked again): every term was made by pyoxigraph,
        which validated it, and written by its serializer."""
        source = {"path": str(data)} if isinstance(data, Path) else {"input": data}
        self.store._store.bulk_load(
            format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(self.staged[name]), lenient=True, **source
        )

    def add(self, name: str, triples: Iterable[Triple | OxTriple | ox.Triple]) -> str:
        staging = self._name("helper")
        self.helpers[name] = staging
        self.store._load(triples, staging)
        return staging

    def count(self, name: str) -> int:
        return graph_size(self.store._store, self.staged.get(name) or self.helpers[name])

    def view(self) -> list[str]:
        replaced = set(self.staged)
        live = [
            g for g in self.store.named_graphs() if not g.startswith(STAGING_PREFIX) and g not in replaced
        ]
        return [*self.staged.values(), *live]

    def commit(self, meta: Graph | None = None) -> None:
        if self.committed:
            raise RuntimeError("this staging was already committed")
        ops = []
        for name, staging in self.staged.items():
            if staging == name:  # loaded in place: only its old meta records go
                ops += _forget_graph(name)[1:]
            else:
                ops += _forget_graph(name)
                ops.append(f"MOVE SILENT GRAPH <{staging}> TO <{name}>")
        if meta is not None:
            meta_staging = self._name("meta")
            self.store._load(meta, meta_staging)
            ops.append(f"ADD SILENT GRAPH <{meta_staging}> TO <{META_GRAPH}>")
            ops.append(f"DROP SILENT GRAPH <{meta_staging}>")
        ops.append(f"DROP SILENT GRAPH <{self.pending.value}>")
        try:
            self.store._store.update(" ;\n".join(ops))
        finally:
            self.store._bump()
        self.committed = True

    def discard(self) -> None:
        self.store._drop_staging(self.run)
