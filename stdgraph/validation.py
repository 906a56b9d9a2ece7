"""SHACL validation of stdgraph data, with reports a curator can act on.

`validate` runs pySHACL with the shapes of `shapes/stdgraph-shapes.ttl` and returns a
`ValidationReport`: the results as plain records, rendered in words (`text()`) or as JSON
(`to_dict()`). It never raises on non-conforming data; callers decide, e.g.
`if not report.conforms: raise ValidationError(report)`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS, NamespaceManager
from rdflib.plugins.sparql import processor as sparql_processor
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from stdgraph.namespaces import PREFIXES, SG

__all__ = [
    "DEFAULT_SHAPES",
    "ValidationError",
    "ValidationReport",
    "Violation",
    "load_context",
    "load_shapes",
    "validate",
]

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHAPES = REPO / "shapes" / "stdgraph-shapes.ttl"
ONTOLOGY = REPO / "ontology" / "stdgraph.ttl"
VOCABULARIES = REPO / "ontology" / "vocabularies.ttl"

_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
# Properties that name an entity, best first; the first one present labels a focus node.
_NAME_PROPERTIES = (
    DCTERMS.identifier,
    SG.acronym,
    SKOS.prefLabel,
    DCTERMS.title,
    SKOS.notation,
    RDFS.label,
)
_lock = threading.Lock()


@lru_cache(maxsize=8)
def _load_shapes(path: str) -> Graph:
    return Graph().parse(path, format="turtle")


def load_shapes(path: str | Path | None = None) -> Graph:
    """The shapes graph, parsed once per path; shared between calls, so do not modify it."""
    return _load_shapes(str(Path(path or DEFAULT_SHAPES).resolve()))


@lru_cache(maxsize=1)
def load_context() -> Graph:
    """What the data needs beside it to be checked without inference.

    The class hierarchy of the ontology (so `sh:class sg:Edition` accepts an `sg:Amendment`
    and `sh:targetClass sg:Market` reaches countries) and the controlled vocabularies (so
    concepts have their types). Passed as data rather than as pySHACL's `ont_graph`, which
    copies only OWL/RDFS axioms and would leave out the SKOS concepts. Missing files are
    skipped, so validation works while the ontology is being written.
    """
    context = Graph()
    if ONTOLOGY.exists():
        ontology = Graph().parse(ONTOLOGY, format="turtle")
        for sub, sup in ontology.subject_objects(RDFS.subClassOf):
            if isinstance(sub, URIRef) and isinstance(sup, URIRef):
                context.add((sub, RDFS.subClassOf, sup))
    if VOCABULARIES.exists():
        context.parse(VOCABULARIES, format="turtle")
    return context


@dataclass(frozen=True)
class Violation:
    """One SHACL result: what is wrong, where, and which shape says so."""

    focus_node: str
    path: str | None
    value: str | None
    severity: str
    message: str
    constraint_component: str
    shape: str
    focus_label: str | None = None
    property_name: str | None = None
    source_constraint: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)


@dataclass
class ValidationReport:
    """The outcome of `validate`: `conforms` is False only for results of severity Violation.

    `violations` holds every result, warnings included (see `severity`), sorted by focus node.
    """

    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    results_graph: Graph | None = field(default=None, repr=False, compare=False)

    def counts(self) -> dict[str, int]:
        """Number of results per severity (Violation, Warning, Info)."""
        counts: dict[str, int] = {}
        for violation in self.violations:
            counts[violation.severity] = counts.get(violation.severity, 0) + 1
        return counts

    def text(self) -> str:
        """The report in words, one block per entity, named by its identifier or label."""
        if not self.violations:
            return "The data conforms to the stdgraph shapes: no problems found."
        counts = self.counts()
        summary = ", ".join(
            f"{n} {severity.lower()}{'s' if n != 1 else ''}"
            for severity, n in sorted(counts.items(), key=lambda kv: _SEVERITY_ORDER.get(kv[0], 9))
        )
        groups: dict[str, list[Violation]] = {}
        for violation in self.violations:
            groups.setdefault(violation.focus_node, []).append(violation)
        verdict = "does not conform" if not self.conforms else "conforms, with remarks"
        lines = [
            f"The data {verdict}: {summary} on {len(groups)} entit{'ies' if len(groups) != 1 else 'y'}.",
        ]
        for focus, items in groups.items():
            label = items[0].focus_label
            compact = _compact(focus)
            lines.append("")
            lines.append(f"{label} ({compact})" if label and label != compact else compact)
            for item in items:
                where = f"{item.property_name}: " if item.property_name else ""
                shown = item.value is not None and item.value != item.focus_node
                value = f" [value: {item.value}]" if shown else ""
                lines.append(f"  - {item.severity}: {where}{item.message}{value}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form for the API and the CLI's --json output."""
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "violations": [violation.to_dict() for violation in self.violations],
        }


class ValidationError(Exception):
    """Raised by callers that refuse non-conforming data; `str()` is the report in words."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(report.text())
        self.report = report

    def __str__(self) -> str:
        return self.report.text()


def validate(
    data: Graph,
    shapes: Graph | None = None,
    focus_nodes: Iterable[Node | str] | None = None,
) -> ValidationReport:
    """Check `data` against the stdgraph shapes (no inference) and report in curator words.

    `data` may be a Graph or a Dataset (all its named graphs are checked together). It is not
    modified: the ontology's class hierarchy and the vocabularies are added to a copy. With
    `focus_nodes`, only those nodes are checked (e.g. the subjects of a change set).
    """
    shapes_graph = shapes if shapes is not None else load_shapes()
    merged = Graph()
    merged += load_context()
    if isinstance(data, ConjunctiveGraph):
        merged.addN((s, p, o, merged) for s, p, o, _ in data.quads((None, None, None, None)))
    else:
        merged += data
    focus = [URIRef(str(node)) for node in focus_nodes] if focus_nodes is not None else None
    if focus is not None and not focus:
        return ValidationReport(conforms=True)
    # pySHACL patches rdflib globally while it loads shapes, so calls are kept apart.
    with _lock, _prepared_sparql():
        conforms, results, _ = pyshacl.validate(
            merged,
            shacl_graph=shapes_graph,
            inference="none",
            advanced=True,
            allow_warnings=True,
            inplace=True,
            focus_nodes=focus,
        )
    if not isinstance(results, Graph):  # pySHACL returns an exception object on failure
        raise RuntimeError(f"SHACL validation could not run: {results}")
    violations = [_violation(results, result, merged, shapes_graph) for result in _results(results)]
    violations.sort(key=lambda v: (v.focus_node, _SEVERITY_ORDER.get(v.severity, 9), v.path or ""))
    return ValidationReport(conforms=bool(conforms), violations=violations, results_graph=results)


@lru_cache(maxsize=256)
def _prepare(text: str, base: str | None, namespaces: tuple[tuple[str, str], ...]) -> Query:
    return sparql_processor.translateQuery(parseQuery(text), base, dict(namespaces))


@contextmanager
def _prepared_sparql() -> Iterator[None]:
    """Parse each SPARQL constraint once rather than once per focus node.

    pySHACL hands rdflib the same query text for every focus node (binding $this separately),
    and rdflib's parser takes ~0.1 s per query, which made a ten-node graph take a second.
    Prepared queries are what rdflib offers for reuse; results are unchanged.
    """
    original = sparql_processor.SPARQLProcessor.query

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, **kwargs):
        if isinstance(strOrQuery, str):
            namespaces = tuple(sorted((k, str(v)) for k, v in (initNs or {}).items()))
            strOrQuery = _prepare(strOrQuery, base, namespaces)
        return original(self, strOrQuery, initBindings, initNs, base, **kwargs)

    sparql_processor.SPARQLProcessor.query = query  # type: ignore[method-assign]
    try:
        yield
    finally:
        sparql_processor.SPARQLProcessor.query = original  # type: ignore[method-assign]


def _results(results: Graph) -> list[Node]:
    return [
        result
        for report in results.subjects(RDF.type, SH.ValidationReport)
        for result in results.objects(report, SH.result)
    ]


def _violation(results: Graph, result: Node, data: Graph, shapes: Graph) -> Violation:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    shape = results.value(result, SH.sourceShape)
    constraint = results.value(result, SH.sourceConstraint)
    severity = results.value(result, SH.resultSeverity)
    component = results.value(result, SH.sourceConstraintComponent)
    messages = list(results.objects(result, SH.resultMessage))
    name = shapes.value(shape, SH.name) if shape is not None else None
    if name is None and constraint is not None:
        name = shapes.value(constraint, SH.name)
    return Violation(
        focus_node=_term(focus) or "",
        path=_path(path, results),
        value=_term(value),
        severity=_local(severity) or "Violation",
        message=_pick_message(messages),
        constraint_component=_local(component) or "",
        shape=_term(shape) or "",
        focus_label=_focus_label(focus, data) if focus is not None else None,
        property_name=str(name) if name is not None else None,
        source_constraint=_term(constraint),
    )


def _pick_message(messages: list[Node]) -> str:
    """The English (or untagged) message when the shape gives several languages."""
    for message in messages:
        if isinstance(message, Literal) and message.language in (None, "en"):
            return str(message)
    return str(messages[0]) if messages else "The value does not meet the shape."


def _term(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _local(node: Node | None) -> str | None:
    if node is None:
        return None
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _path(path: Node | None, results: Graph) -> str | None:
    """A property IRI, or a SPARQL-like rendering of an inverse or sequence path."""
    if path is None or isinstance(path, URIRef):
        return _term(path)
    inverse = results.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{_path(inverse, results)}"
    first = results.value(path, RDF.first)
    if first is not None:
        parts = []
        while path is not None and path != RDF.nil:
            parts.append(_path(results.value(path, RDF.first), results) or "?")
            path = results.value(path, RDF.rest)
        return "/".join(parts)
    return _term(path)


@lru_cache(maxsize=1)
def _namespaces() -> NamespaceManager:
    manager = NamespaceManager(Graph(bind_namespaces="none"))
    for prefix, iri in PREFIXES.items():
        manager.bind(prefix, iri)
    return manager


def _compact(iri: str) -> str:
    """`sgid:adoption/...` rather than the full IRI, for reading."""
    manager = _namespaces()
    best = iri
    for prefix, namespace in manager.namespaces():
        ns = str(namespace)
        if iri.startswith(ns) and len(iri) > len(ns):
            candidate = f"{prefix}:{iri[len(ns) :]}"
            if len(candidate) < len(best):
                best = candidate
    return best


def _name(node: Node, data: Graph) -> str | None:
    """The identifier, acronym or label of a node, English label preferred."""
    for prop in _NAME_PROPERTIES:
        values = list(data.objects(node, prop))
        if not values:
            continue
        for value in values:
            if isinstance(value, Literal) and value.language in (None, "en"):
                return str(value)
        return str(values[0])
    return None


def _focus_label(node: Node, data: Graph) -> str | None:
    """How a curator would name the entity: relations by their two ends, others by name."""
    types = set(data.objects(node, RDF.type))
    if SG.Adoption in types:
        adopting = data.value(node, SG.adoptingEdition)
        adopted = data.value(node, SG.adoptedEdition)
        if adopting is not None and adopted is not None:
            return f"{_name_or_iri(adopting, data)} → adopts {_name_or_iri(adopted, data)}"
    if SG.Mapping in types and (node, DCTERMS.identifier, None) not in data:
        subject = data.value(node, SG.mappingSubject)
        obj = data.value(node, SG.mappingObject)
        predicate = data.value(node, SG.mappingPredicate)
        if subject is not None and obj is not None:
            relation = _local(predicate) if predicate is not None else "maps to"
            return f"{_name_or_iri(subject, data)} {relation} {_name_or_iri(obj, data)}"
    if SG.Participation in types:
        participant = data.value(node, SG.participant)
        arrangement = data.value(node, SG.inArrangement)
        if participant is not None and arrangement is not None:
            return f"{_name_or_iri(participant, data)} in {_name_or_iri(arrangement, data)}"
    if SG.Accreditation in types:
        body = data.value(node, SG.accreditedBody)
        by = data.value(node, SG.accreditedBy)
        if body is not None and by is not None:
            return f"{_name_or_iri(body, data)} accredited by {_name_or_iri(by, data)}"
    if SG.Provision in types:
        agreement = data.value(node, SG.provisionOf)
        article = data.value(node, SG.articleRef)
        if agreement is not None:
            where = f", {_name_or_iri(article, data)}" if article is not None else ""
            return f"provision of {_name_or_iri(agreement, data)}{where}"
    return _name(node, data)


def _name_or_iri(node: Node, data: Graph) -> str:
    if isinstance(node, Literal):
        return str(node)
    return _name(node, data) or _compact(str(node))
