"""The SHACL shapes compiled to SPARQL queries that find violations, run by Oxigraph on the store.

pySHACL checks ~2,000 triples a second in rdflib, which is minutes for the catalogues. Here every
constraint of `shapes/stdgraph-shapes.ttl` becomes one SELECT that returns the focus nodes (and value
nodes) that break it, so Oxigraph does the work over a staged graph and its context in seconds:

* targets (`sh:targetClass`, implicit class targets, `sh:targetNode`, `sh:targetSubjectsOf`,
  `sh:targetObjectsOf`) become a sub-select of focus nodes; class targets and `sh:class` read the
  `rdfs:subClassOf` closure of the data at run time, so `sh:class sg:Edition` accepts an amendment;
* SHACL Core components become filters on the value nodes (`sh:datatype` including the lexical check
  of the literal, `sh:nodeKind`, `sh:in`, `sh:pattern`/`sh:flags`, `sh:minLength`, `sh:maxLength`,
  `sh:languageIn`, `sh:minInclusive` and the other ranges, `sh:class`), counts (`sh:minCount`,
  `sh:maxCount`), `sh:hasValue`, `sh:uniqueLang`, and the shape-based `sh:node`, `sh:not`, `sh:and`,
  `sh:or`, `sh:xone`, whose member shapes compile to a boolean SPARQL expression "conforms";
* SHACL-SPARQL constraints (`sh:sparql` with `sh:select` and `sh:prefixes`) run as written, joined
  with the focus nodes of their shape;
* the value constraints of the property shapes of one path (one focus) share one query, their counts
  another, with a flag per constraint in each solution; a class-targeted shape on a one-property path
  also gets a scan form (the path's triples first, then a lookup in the focus table) that `run_checks`
  takes for many focus nodes. Same results either way (`tests/test_shapes.py` forces each form).

A feature the compiler does not know makes `compile_shapes` raise `UnsupportedShapeError` naming the
shape and the feature: it never skips a constraint silently. Results are the `Violation` records of
`stdgraph.validation`, with the same messages, labels, paths and components as pySHACL's, which
`tests/test_shacl_sparql.py` checks on every shape fixture and on the default build.
"""

from __future__ import annotations

import itertools
import re
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from stdgraph.store import STAGING_PREFIX, from_ox, to_ox
from stdgraph.validation import (
    DEFAULT_SHAPES,
    ValidationReport,
    Violation,
    _focus_label,
    _local,
    _path,
    _pick_message,
    _term,
    load_context,
    load_shapes,
)

__all__ = [
    "CompiledCheck",
    "CompiledShapes",
    "UnsupportedShapeError",
    "compile_shapes",
    "compiled_shapes",
    "validate_graph",
    "validate_store",
]

_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_TRUE = ox.Literal(True)
_SCAN_FROM = 5_000
"""Focus nodes from which a check with a scan form (`CompiledCheck.scan_query`) runs it."""
_FOCUS_FILTER = "__FOCUS_FILTER__"
_FOCUS_GRAPH = "__FOCUS_GRAPH__"
_FOCUS_TYPE = "<urn:stdgraph:validation:type>"

# Parameters that describe a shape or were read elsewhere (targets by the caller); never constraints.
_DESCRIPTIVE = {
    SH.name,
    SH.description,
    SH.message,
    SH.severity,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.deactivated,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.declare,
}
# Constraint parameters whose check is a filter on each value node.
_VALUE_PARAMETERS = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH["in"],
    SH.pattern,
    SH.minLength,
    SH.maxLength,
    SH.languageIn,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.node,
    SH["not"],
    SH["and"],
    SH["or"],
    SH.xone,
}
_PROPERTY_ONLY = {SH.minCount, SH.maxCount, SH.uniqueLang, SH.path}
_HANDLED = _DESCRIPTIVE | _VALUE_PARAMETERS | _PROPERTY_ONLY | {SH.hasValue, SH.property, SH.sparql, SH.flags}
_NESTED_COUNT_LIMIT = 4

# Datatypes whose lexical forms Oxigraph checks when casting: a literal that does not cast is ill-formed.
_CASTABLE = {
    str(XSD[name])
    for name in (
        "boolean",
        "integer",
        "decimal",
        "float",
        "double",
        "date",
        "dateTime",
        "time",
        "gYear",
        "gYearMonth",
        "gMonthDay",
        "gMonth",
        "gDay",
        "duration",
        "dayTimeDuration",
        "yearMonthDuration",
    )
}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
_RANGES = {
    SH.minInclusive: (">=", "MinInclusiveConstraintComponent"),
    SH.maxInclusive: ("<=", "MaxInclusiveConstraintComponent"),
    SH.minExclusive: (">", "MinExclusiveConstraintComponent"),
    SH.maxExclusive: ("<", "MaxExclusiveConstraintComponent"),
}
_COMPONENTS = {
    SH["class"]: "ClassConstraintComponent",
    SH.datatype: "DatatypeConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent",
    SH["in"]: "InConstraintComponent",
    SH.pattern: "PatternConstraintComponent",
    SH.minLength: "MinLengthConstraintComponent",
    SH.maxLength: "MaxLengthConstraintComponent",
    SH.languageIn: "LanguageInConstraintComponent",
    SH.node: "NodeConstraintComponent",
    SH["not"]: "NotConstraintComponent",
    SH["and"]: "AndConstraintComponent",
    SH["or"]: "OrConstraintComponent",
    SH.xone: "XoneConstraintComponent",
    SH.minCount: "MinCountConstraintComponent",
    SH.maxCount: "MaxCountConstraintComponent",
    SH.hasValue: "HasValueConstraintComponent",
    SH.uniqueLang: "UniqueLangConstraintComponent",
    **{p: c for p, (_, c) in _RANGES.items()},
}
_GENERIC_MESSAGES = {
    "ClassConstraintComponent": "Value does not have the required class",
    "DatatypeConstraintComponent": "Value is not a literal with the required datatype",
    "NodeKindConstraintComponent": "Value is not of the required node kind",
    "InConstraintComponent": "Value is not one of the allowed values",
    "PatternConstraintComponent": "Value does not match the required pattern",
    "MinCountConstraintComponent": "Fewer values than required",
    "MaxCountConstraintComponent": "More values than allowed",
    "HasValueConstraintComponent": "The required value is missing",
}


class UnsupportedShapeError(ValueError):
    """A shape uses something the compiler cannot turn into SPARQL; the message names both."""

    def __init__(self, shape: Node, feature: str) -> None:
        self.shape = _term(shape) or ""
        self.feature = feature
        super().__init__(
            f"shape {self.shape}: {feature} is not supported by the SHACL-to-SPARQL compiler "
            "(stdgraph/shacl_sparql.py); extend the compiler or validate with --engine pyshacl"
        )


@dataclass(frozen=True)
class CompiledCheck:
    """One query that returns the violations of one constraint, with how to report them."""

    query: str
    shape: str
    component: str
    severity: str
    messages: tuple[Literal, ...]
    path_node: Node | None = None
    path: str | None = None
    property_name: str | None = None
    source_constraint: str | None = None
    value_is_focus: bool = False
    """Node-level results: the value is the focus node itself when the query binds no ?value."""
    substitute: bool = False
    """SPARQL constraints: fill `{?var}` in the message from the solution."""
    flag: str | None = None
    """Folded checks: the variable, true in a solution that breaks this constraint, of the query that
    checks all the constraints of one path at once (they share its text); None when every solution does."""
    scan_query: str | None = None
    """The same check read the other way round: every triple of the path, kept when its subject is a
    focus node (one lookup in the focus table) instead of the focus nodes joined with the path. Only
    for class targets and a path of one property; `run_checks` takes it for many focus nodes, where it
    is 2-6x cheaper (80,000 editions), not for a few, where the path may have far more triples."""


@dataclass
class CompiledShapes:
    """Every check of a shapes graph, and the classes whose subclass closure the checks need."""

    checks: list[CompiledCheck] = field(default_factory=list)
    classes: dict[str, str] = field(default_factory=dict)
    """class IRI -> the placeholder its closure replaces in the query texts."""
    focus_info: dict[str, tuple[tuple[str, ...], bool]] = field(default_factory=dict)
    """focus sub-select -> (its target classes, whether it has targets other than classes)."""

    def _targets(self, check: CompiledCheck) -> tuple[tuple[str, ...], bool] | None:
        """The check's focus: (its target classes, whether it has other targets); None if unknown."""
        return next((info for focus, info in self.focus_info.items() if focus in check.query), None)

    def needed(self, check: CompiledCheck, present: set[str], subclasses: dict[str, set[str]]) -> bool:
        """False when no focus node can exist: class targets only, and no such class in the focus table."""
        targets = self._targets(check)
        if targets is None:
            return True
        classes, others = targets
        return others or any((subclasses.get(c, {c}) | {c}) & present for c in classes)

    def focus_size(
        self, check: CompiledCheck, counts: dict[str, int], subclasses: dict[str, set[str]]
    ) -> int:
        """How many (node, class) rows of the focus table the check's class targets match (0 if unknown)."""
        targets = self._targets(check)
        if targets is None or targets[1]:
            return 0
        matched = set().union(*(subclasses.get(c, {c}) | {c} for c in targets[0]))
        return sum(counts.get(c, 0) for c in matched)

    def queries(
        self, subclasses: dict[str, set[str]], focus_filter: str, focus_graph: str = "<urn:x:none>"
    ) -> list[tuple[CompiledCheck, str]]:
        """The runnable text of every check: closures, focus table and focus restriction filled in."""
        fill = self._filler(subclasses, focus_filter, focus_graph)
        return [(check, fill(check.query)) for check in self.checks]

    def scan_queries(self, subclasses: dict[str, set[str]], focus_graph: str) -> dict[int, str]:
        """The runnable scan form of each check that has one, by `id` of the check."""
        fill = self._filler(subclasses, "", focus_graph)
        return {id(c): fill(c.scan_query) for c in self.checks if c.scan_query is not None}

    def _filler(
        self, subclasses: dict[str, set[str]], focus_filter: str, focus_graph: str
    ) -> Callable[[str], str]:
        slots = {
            token: " ".join(f"<{c}>" for c in sorted(subclasses.get(cls, {cls}) | {cls}))
            for cls, token in self.classes.items()
        }
        slots[_FOCUS_FILTER] = focus_filter
        slots[_FOCUS_GRAPH] = focus_graph
        pattern = re.compile("|".join(re.escape(t) for t in slots))
        return lambda text: pattern.sub(lambda m: slots[m.group(0)], text)


# --- compiling ---------------------------------------------------------------------------------------


_Folded = tuple[Node, str, str, dict[str, object]]
"""A constraint waiting to be folded: its shape, component, condition and report fields."""


def _bound(condition: str) -> int:
    """The number of a count condition (`< 2`, `> 0`)."""
    return int(condition.split()[1])


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.counter = itertools.count()
        self.result = CompiledShapes()
        self.folds: dict[tuple[str, str, str], list[_Folded]] = {}
        """(focus, path, "values" or "counts") -> (shape, component, condition, report fields) of each
        constraint on that path, compiled into one query per key at the end (`emit_folds`)."""
        self.members: dict[str, str] = {}
        """focus sub-select of class targets only -> an expression true when ?this is one of its nodes."""

    # helpers ---------------------------------------------------------------------------------------

    def var(self, stem: str) -> str:
        return f"?{stem}{next(self.counter)}"

    def one(self, shape: Node, parameter: URIRef) -> Node | None:
        values = list(self.g.objects(shape, parameter))
        if len(values) > 1:
            raise UnsupportedShapeError(shape, f"more than one {self.g.qname(parameter)}")
        return values[0] if values else None

    def items(self, shape: Node, parameter: URIRef, head: Node) -> list[Node]:
        if head != RDF.nil and self.g.value(head, RDF.first) is None:
            raise UnsupportedShapeError(shape, f"{self.g.qname(parameter)} whose value is not an RDF list")
        return list(Collection(self.g, head))

    def deactivated(self, shape: Node) -> bool:
        value = self.g.value(shape, SH.deactivated)
        return isinstance(value, Literal) and value.toPython() is True

    def check_parameters(self, shape: Node, nested: bool) -> None:
        """Refuse any SHACL parameter the compiler does not implement, rather than skip it."""
        for predicate in set(self.g.predicates(shape, None)):
            if not str(predicate).startswith(str(SH)):
                continue
            if predicate not in _HANDLED:
                raise UnsupportedShapeError(shape, f"the parameter {self.g.qname(predicate)}")
            if nested and predicate == SH.sparql:
                raise UnsupportedShapeError(
                    shape, "sh:sparql inside sh:node, sh:not, sh:and, sh:or or sh:xone"
                )
        if self.g.value(shape, SH.path) is None:
            for predicate in (SH.minCount, SH.maxCount, SH.uniqueLang):
                if (shape, predicate, None) in self.g:
                    raise UnsupportedShapeError(shape, f"{self.g.qname(predicate)} on a node shape")
        elif (shape, SH.property, None) in self.g:
            raise UnsupportedShapeError(shape, "sh:property on a property shape")

    def term(self, shape: Node, node: Node) -> str:
        if isinstance(node, BNode):
            raise UnsupportedShapeError(shape, "a blank node as a constant")
        return str(to_ox(node))

    def class_token(self, cls: Node, shape: Node) -> str:
        if not isinstance(cls, URIRef):
            raise UnsupportedShapeError(shape, "a class that is not an IRI")
        key = str(cls)
        if key not in self.result.classes:
            self.result.classes[key] = f"__CLASSES_{len(self.result.classes)}__"
        return self.result.classes[key]

    def sparql_path(self, shape: Node, path: Node) -> str:
        if isinstance(path, URIRef):
            return f"<{ox.NamedNode(str(path)).value}>"
        if self.g.value(path, RDF.first) is not None:
            parts = [self.sparql_path(shape, p) for p in Collection(self.g, path)]
            return "(" + " / ".join(parts) + ")"
        kinds = {
            SH.inversePath: "^({})",
            SH.zeroOrMorePath: "({})*",
            SH.oneOrMorePath: "({})+",
            SH.zeroOrOnePath: "({})?",
        }
        for predicate, form in kinds.items():
            inner = self.g.value(path, predicate)
            if inner is not None:
                return form.format(self.sparql_path(shape, inner))
        alternatives = self.g.value(path, SH.alternativePath)
        if alternatives is not None:
            return (
                "(" + " | ".join(self.sparql_path(shape, p) for p in Collection(self.g, alternatives)) + ")"
            )
        raise UnsupportedShapeError(shape, "this kind of sh:path")

    # value-level constraints -----------------------------------------------------------------------

    def value_violations(self, shape: Node, v: str, depth: int) -> list[tuple[URIRef, str]]:
        """(parameter, SPARQL expression true when value `v` breaks it) for each value-level constraint."""
        found: list[tuple[URIRef, str]] = []
        for parameter in sorted(_VALUE_PARAMETERS, key=str):
            for value in self.g.objects(shape, parameter):
                found.append((parameter, self.value_violation(shape, parameter, value, v, depth)))
        return found

    def value_violation(self, shape: Node, parameter: URIRef, value: Node, v: str, depth: int) -> str:
        if parameter == SH["class"]:
            t = self.var("t")
            return f"NOT EXISTS {{ VALUES {t} {{ {self.class_token(value, shape)} }} {v} a {t} }}"
        if parameter == SH.datatype:
            if not isinstance(value, URIRef):
                raise UnsupportedShapeError(shape, "sh:datatype that is not an IRI")
            return f"!({self.datatype_ok(shape, value, v)})"
        if parameter == SH.nodeKind:
            if value not in _NODE_KINDS:
                raise UnsupportedShapeError(shape, f"sh:nodeKind {value}")
            return "!" + _NODE_KINDS[value].format(v=v)
        if parameter == SH["in"]:
            members = [f"sameTerm({v}, {self.term(shape, m)})" for m in self.items(shape, parameter, value)]
            return f"!({' || '.join(members) or 'false'})"
        if parameter == SH.pattern:
            flags = self.one(shape, SH.flags)
            args = f"STR({v}), {_string(str(value))}" + (f", {_string(str(flags))}" if flags else "")
            return f"(isBlank({v}) || !REGEX({args}))"
        if parameter in (SH.minLength, SH.maxLength):
            op = ">=" if parameter == SH.minLength else "<="
            return f"(isBlank({v}) || !(STRLEN(STR({v})) {op} {_integer(shape, value, parameter)}))"
        if parameter == SH.languageIn:
            ranges = [
                f"LANGMATCHES(LANG({v}), {_string(str(r))})" for r in self.items(shape, parameter, value)
            ]
            return f"!(isLiteral({v}) && ({' || '.join(ranges) or 'false'}))"
        if parameter in _RANGES:
            op = _RANGES[parameter][0]
            return f"!COALESCE({v} {op} {self.term(shape, value)}, false)"
        if parameter == SH.node:
            return f"!({self.conforms(value, v, depth + 1)})"
        if parameter == SH["not"]:
            return self.conforms(value, v, depth + 1)
        members = [self.conforms(m, v, depth + 1) for m in self.items(shape, parameter, value)]
        if parameter == SH["and"]:
            return f"!({' && '.join(members) or 'true'})"
        if parameter == SH["or"]:
            return f"!({' || '.join(members) or 'false'})"
        if parameter == SH.xone:
            total = " + ".join(f"IF({m}, 1, 0)" for m in members) or "0"
            return f"(({total}) != 1)"
        raise UnsupportedShapeError(shape, f"the parameter {self.g.qname(parameter)}")  # pragma: no cover

    def datatype_ok(self, shape: Node, datatype: URIRef, v: str) -> str:
        iri = str(datatype)
        if iri == str(RDFS.Literal):
            return f"isLiteral({v})"
        check = f"isLiteral({v}) && DATATYPE({v}) = <{iri}>"
        if iri in _CASTABLE:  # the lexical form must be valid for the datatype, as in pySHACL
            check += f" && COALESCE(isLiteral(<{iri}>(STR({v}))), false)"
        return check

    # conformance of a node to a shape (for sh:node, sh:not, sh:and, sh:or, sh:xone) ------------------

    def conforms(self, shape: Node, x: str, depth: int) -> str:
        """A SPARQL expression, true when the node in `x` conforms to `shape`."""
        if depth > 8:
            raise UnsupportedShapeError(shape, "shapes nested more than 8 deep (a recursive shape?)")
        self.check_parameters(shape, nested=True)
        if self.deactivated(shape):
            return "true"
        path = self.g.value(shape, SH.path)
        parts: list[str] = []
        if path is None:
            parts += [f"!({bad})" for _, bad in self.value_violations(shape, x, depth)]
            parts += [f"sameTerm({x}, {self.term(shape, h)})" for h in self.g.objects(shape, SH.hasValue)]
            for nested in self.g.objects(shape, SH.property):
                parts.append(self.conforms(nested, x, depth + 1))
        else:
            p = self.sparql_path(shape, path)
            for n in self.g.objects(shape, SH.minCount):
                parts.append(self.at_least(shape, x, p, _integer(shape, n, SH.minCount)))
            for n in self.g.objects(shape, SH.maxCount):
                parts.append(f"!({self.at_least(shape, x, p, _integer(shape, n, SH.maxCount) + 1)})")
            for h in self.g.objects(shape, SH.hasValue):
                parts.append(f"EXISTS {{ {x} {p} {self.term(shape, h)} }}")
            if self._unique_lang(shape):
                a, b = self.var("a"), self.var("b")
                parts.append(f"NOT EXISTS {{ {x} {p} {a} . {x} {p} {b} . FILTER ({_same_lang(a, b)}) }}")
            v = self.var("v")
            for _, bad in self.value_violations(shape, v, depth):
                parts.append(f"NOT EXISTS {{ {x} {p} {v} . FILTER ({bad}) }}")
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def at_least(self, shape: Node, x: str, p: str, n: int) -> str:
        if n <= 0:
            return "true"
        if n > _NESTED_COUNT_LIMIT:
            raise UnsupportedShapeError(
                shape,
                f"a count above {_NESTED_COUNT_LIMIT - 1} inside sh:node, sh:not, sh:and, sh:or or sh:xone",
            )
        names = [self.var("c") for _ in range(n)]
        triples = " . ".join(f"{x} {p} {name}" for name in names)
        distinct = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(names, 2)]
        condition = f" FILTER ({' && '.join(distinct)})" if distinct else ""
        return f"EXISTS {{ {triples} .{condition} }}"

    def _unique_lang(self, shape: Node) -> bool:
        value = self.one(shape, SH.uniqueLang)
        return isinstance(value, Literal) and value.toPython() is True

    # top-level shapes ------------------------------------------------------------------------------

    def compile(self) -> CompiledShapes:
        for shape in sorted(self.top_level_shapes(), key=str):
            self.check_parameters(shape, nested=False)
            if self.deactivated(shape):
                continue
            focus = self.focus(shape)
            if self.g.value(shape, SH.path) is not None:
                self.property_checks(shape, focus)
                continue
            self.node_checks(shape, focus)
            for prop in sorted(self.g.objects(shape, SH.property), key=str):
                self.check_parameters(prop, nested=False)
                if self.g.value(prop, SH.path) is None:
                    raise UnsupportedShapeError(prop, "sh:property whose shape has no sh:path")
                if not self.deactivated(prop):
                    self.property_checks(prop, focus)
            for constraint in sorted(self.g.objects(shape, SH.sparql), key=str):
                self.sparql_check(shape, constraint, focus)
        self.emit_folds()
        return self.result

    def top_level_shapes(self) -> set[Node]:
        targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
        found = {s for t in targets for s in self.g.subjects(t, None)}
        shape_types = (SH.NodeShape, SH.PropertyShape)
        found |= {
            s
            for t in shape_types
            for s in self.g.subjects(RDF.type, t)
            if (s, RDF.type, RDFS.Class) in self.g
        }
        for s in self.g.subjects(SH.target, None):  # SHACL-AF targets are not Core
            raise UnsupportedShapeError(s, "sh:target (SHACL advanced targets)")
        return found

    def focus(self, shape: Node) -> str:
        """A sub-select of the focus nodes of a shape.

        Class targets read the table of (subject, type) that `run_checks` writes once per run into a
        scratch graph, already limited to the subjects the caller checks; the other targets are
        limited here by the caller's restriction.
        """
        branches: list[str] = []
        classes = list(self.g.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in self.g:
            classes.append(shape)
        if classes:
            t = self.var("t")
            tokens = " ".join(self.class_token(c, shape) for c in classes)
            branches.append(
                f"{{ VALUES {t} {{ {tokens} }} GRAPH {_FOCUS_GRAPH} {{ ?this {_FOCUS_TYPE} {t} }} }}"
            )
        others: list[str] = []
        nodes = [self.term(shape, n) for n in self.g.objects(shape, SH.targetNode)]
        if nodes:
            others.append(f"{{ VALUES ?this {{ {' '.join(nodes)} }} }}")
        for p in self.g.objects(shape, SH.targetSubjectsOf):
            others.append(f"{{ ?this {self.term(shape, p)} {self.var('o')} }}")
        for p in self.g.objects(shape, SH.targetObjectsOf):
            others.append(f"{{ {self.var('s')} {self.term(shape, p)} ?this }}")
        if others:
            branches.append(f"{{ {' UNION '.join(others)} {_FOCUS_FILTER} }}")
        text = f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(branches)} }} }}"
        self.result.focus_info[text] = (tuple(str(c) for c in classes), bool(others))
        if classes and not others:  # ?this is a focus node: one lookup in the focus table
            t = self.var("t")
            self.members[text] = (
                f"EXISTS {{ VALUES {t} {{ {tokens} }} GRAPH {_FOCUS_GRAPH} {{ ?this {_FOCUS_TYPE} {t} }} }}"
            )
        return text

    def report_fields(self, shape: Node) -> dict[str, object]:
        severity = self.g.value(shape, SH.severity)
        name = self.g.value(shape, SH.name)
        return {
            "shape": _term(shape) or "",
            "severity": _local(severity) or "Violation",
            "messages": tuple(m for m in self.g.objects(shape, SH.message) if isinstance(m, Literal)),
            "property_name": str(name) if name is not None else None,
        }

    def add(self, query: str, shape: Node, component: str, **extra: object) -> None:
        fields = self.report_fields(shape)
        fields.update(extra)
        self.result.checks.append(CompiledCheck(query=query, component=component, **fields))  # type: ignore[arg-type]

    def node_checks(self, shape: Node, focus: str) -> None:
        """Constraints of a node shape on the focus node itself (its value node)."""
        for parameter, bad in self.value_violations(shape, "?this", 0):
            query = f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER ({bad}) }}"
            self.add(query, shape, _COMPONENTS[parameter], value_is_focus=True)
        for h in self.g.objects(shape, SH.hasValue):
            query = (
                f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER (!sameTerm(?this, {self.term(shape, h)})) }}"
            )
            self.add(query, shape, _COMPONENTS[SH.hasValue])

    def property_checks(self, shape: Node, focus: str) -> None:
        path_node = self.g.value(shape, SH.path)
        p = self.sparql_path(shape, path_node)
        where = {"path_node": path_node, "path": _path(path_node, self.g)}
        counts = self.folds.setdefault((focus, p, "counts"), [])
        for n in self.g.objects(shape, SH.minCount):
            count = _integer(shape, n, SH.minCount)
            if count > 0:
                counts.append((shape, _COMPONENTS[SH.minCount], f"< {count}", where))
        for n in self.g.objects(shape, SH.maxCount):
            count = _integer(shape, n, SH.maxCount)
            counts.append((shape, _COMPONENTS[SH.maxCount], f"> {count}", where))
        for h in self.g.objects(shape, SH.hasValue):
            query = (
                f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {p} {self.term(shape, h)} }} }}"
            )
            self.add(query, shape, _COMPONENTS[SH.hasValue], **where)
        if self._unique_lang(shape):
            query = (
                f"SELECT DISTINCT ?this ?lang WHERE {{ {focus} ?this {p} ?a . ?this {p} ?b . "
                f"FILTER ({_same_lang('?a', '?b')}) BIND (LCASE(LANG(?a)) AS ?lang) }}"
            )
            self.add(query, shape, _COMPONENTS[SH.uniqueLang], **where)
        values = self.folds.setdefault((focus, p, "values"), [])
        for parameter, bad in self.value_violations(shape, "?value", 0):
            values.append((shape, _COMPONENTS[parameter], bad, where))
        for constraint in sorted(self.g.objects(shape, SH.sparql), key=str):
            self.sparql_check(shape, constraint, focus, p)

    def emit_folds(self) -> None:
        """One query per (focus, path) for the value constraints of every property shape on that path,
        one for their counts: each solution carries a flag per constraint it breaks.

        A catalogue shape has ~20 properties of a few constraints each over ~80,000 editions; one query
        per constraint walked the focus nodes and their values once per constraint. A lone constraint
        keeps its own query (no flag).
        """
        for (focus, p, kind), entries in self.folds.items():
            if kind == "values":
                self.emit_values(focus, p, entries)
            else:
                self.emit_counts(focus, p, entries)
        self.folds.clear()

    def scan_member(self, focus: str, p: str) -> str | None:
        """The focus test of the scan form, when the focus and the path allow one."""
        simple = re.fullmatch(r"\^?\(?<[^<>\s]*>\)?", p)
        return self.members.get(focus) if simple else None

    def emit_values(self, focus: str, p: str, entries: list[_Folded]) -> None:
        member = self.scan_member(focus, p)
        if len(entries) == 1:
            shape, component, bad, where = entries[0]
            query = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {p} ?value . FILTER ({bad}) }}"
            scan = None
            if member:  # an error in `bad` drops the row in both forms
                scan = (
                    f"SELECT DISTINCT ?this ?value WHERE {{ ?this {p} ?value . "
                    f"FILTER (({bad}) && {member}) }}"
                )
            self.add(query, shape, component, scan_query=scan, **where)
            return
        flags = [self.var("b") for _ in entries]
        # COALESCE: a condition that raises an error is no violation, as in FILTER.
        binds = " ".join(
            f"BIND (COALESCE({bad}, false) AS {f})" for (_, _, bad, _), f in zip(entries, flags, strict=True)
        )
        head = f"SELECT DISTINCT ?this ?value {' '.join(flags)} WHERE {{"
        query = f"{head} {focus} ?this {p} ?value . {binds} FILTER ({' || '.join(flags)}) }}"
        scan = None
        if member:
            scan = f"{head} ?this {p} ?value . {binds} FILTER (({' || '.join(flags)}) && {member}) }}"
        for (shape, component, _, where), f in zip(entries, flags, strict=True):
            self.add(query, shape, component, flag=f[1:], scan_query=scan, **where)

    def emit_counts(self, focus: str, p: str, entries: list[_Folded]) -> None:
        lone = len(entries) == 1
        folded = []
        for entry in entries:
            shape, component, condition, where = entry
            if lone or _bound(condition) < 0:  # a negative sh:maxCount must not count nodes without values
                query, scan = self.count_query(focus, p, condition)
                self.add(query, shape, component, scan_query=scan, **where)
            else:
                folded.append(entry)
        if not folded:
            return
        flags = [self.var("b") for _ in folded]
        tests = [f"COUNT(DISTINCT ?value) {condition}" for _, _, condition, _ in folded]
        projection = " ".join(f"({t} AS {f})" for t, f in zip(tests, flags, strict=True))
        query = (
            f"SELECT ?this {projection} WHERE {{ {focus} OPTIONAL {{ ?this {p} ?value }} }} "
            f"GROUP BY ?this HAVING ({' || '.join(tests)})"
        )
        for (shape, component, _, where), f in zip(folded, flags, strict=True):
            self.add(query, shape, component, flag=f[1:], **where)

    def count_query(self, focus: str, p: str, condition: str) -> tuple[str, str | None]:
        """One count constraint's own query, and its scan form (a maximum on a scannable path only)."""
        if condition.startswith("<"):
            if _bound(condition) == 1:
                return f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {p} ?value }} }}", None
            query = (
                f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {p} ?value }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {condition})"
            )
            return query, None
        query = (
            f"SELECT ?this WHERE {{ {focus} ?this {p} ?value }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {condition})"
        )
        member = self.scan_member(focus, p)
        if not member:
            return query, None
        scan = (
            f"SELECT ?this WHERE {{ {{ SELECT ?this WHERE {{ ?this {p} ?value }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {condition}) }} "
            f"FILTER ({member}) }}"
        )
        return query, scan

    def sparql_check(self, shape: Node, constraint: Node, focus: str, path: str | None = None) -> None:
        if self.deactivated(constraint):
            return
        for predicate in set(self.g.predicates(constraint, None)):
            known = {SH.select, SH.prefixes, SH.message, SH.name, SH.description, SH.deactivated, SH.severity}
            if str(predicate).startswith(str(SH)) and predicate not in known:
                raise UnsupportedShapeError(
                    constraint, f"the parameter {self.g.qname(predicate)} of a SPARQL constraint"
                )
        select = self.g.value(constraint, SH.select)
        if select is None:
            raise UnsupportedShapeError(constraint, "a SPARQL constraint without sh:select (sh:ask)")
        text = str(select)
        for variable in ("$currentShape", "$shapesGraph", "?currentShape", "?shapesGraph"):
            if variable in text:
                raise UnsupportedShapeError(constraint, f"the pre-bound variable {variable}")
        if "$PATH" in text:
            if path is None:
                raise UnsupportedShapeError(constraint, "$PATH in a constraint of a node shape")
            text = text.replace("$PATH", path)
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.prefixes(constraint))
        query = f"{prologue}SELECT * WHERE {{ {focus} {{ {text} }} }}"
        fields = self.report_fields(shape)
        path_node = self.g.value(shape, SH.path)
        messages = tuple(m for m in self.g.objects(constraint, SH.message) if isinstance(m, Literal))
        name = self.g.value(shape, SH.name) or self.g.value(constraint, SH.name)
        self.result.checks.append(
            CompiledCheck(
                query=query,
                shape=str(fields["shape"]),
                component="SPARQLConstraintComponent",
                severity=str(fields["severity"]),
                messages=messages + tuple(fields["messages"]),  # type: ignore[arg-type]
                path_node=path_node,
                path=_path(path_node, self.g) if path_node is not None else None,
                property_name=str(name) if name is not None else None,
                source_constraint=_term(constraint),
                value_is_focus=path_node is None,
                substitute=True,
            )
        )

    def prefixes(self, constraint: Node) -> list[tuple[str, str]]:
        declared: list[tuple[str, str]] = []
        for holder in self.g.objects(constraint, SH.prefixes):
            for declaration in self.g.objects(holder, SH.declare):
                prefix = self.g.value(declaration, SH.prefix)
                namespace = self.g.value(declaration, SH.namespace)
                if prefix is None or namespace is None:
                    raise UnsupportedShapeError(
                        constraint, "an sh:declare without sh:prefix and sh:namespace"
                    )
                declared.append((str(prefix), ox.NamedNode(str(namespace)).value))
        return sorted(set(declared))


def _string(text: str) -> str:
    return str(ox.Literal(text))


def _integer(shape: Node, value: Node, parameter: URIRef) -> int:
    if not isinstance(value, Literal) or not isinstance(value.toPython(), int):
        raise UnsupportedShapeError(shape, f"{parameter} that is not an integer")
    return int(value.toPython())


def _same_lang(a: str, b: str) -> str:
    return f'!sameTerm({a}, {b}) && LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))'


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """Every constraint of `shapes` as a query; raises UnsupportedShapeError on what it cannot compile."""
    compiled = _Compiler(shapes).compile()
    probe = ox.Store()
    scans = compiled.scan_queries({}, "<urn:x:none>")
    empty = compiled.queries({}, "") + [(c, scans[id(c)]) for c in compiled.checks if id(c) in scans]
    for check, text in empty:
        try:
            list(probe.query(text))
        except SyntaxError as exc:
            raise UnsupportedShapeError(
                URIRef(check.source_constraint or check.shape),
                f"SPARQL the compiler produced that does not parse ({exc})",
            ) from None
    return compiled


@lru_cache(maxsize=4)
def _compiled(path: str) -> CompiledShapes:
    return compile_shapes(load_shapes(path))


def compiled_shapes(path: str | Path | None = None) -> CompiledShapes:
    """The compiled checks of a shapes file (default: the project's), compiled once per path."""
    return _compiled(str(Path(path or DEFAULT_SHAPES).resolve()))


# --- running ----------------------------------------------------------------------------------------

GraphName = ox.NamedNode | ox.DefaultGraph


@dataclass
class _Result:
    check: CompiledCheck
    focus: ox.NamedNode | ox.BlankNode | ox.Literal
    value: ox.NamedNode | ox.BlankNode | ox.Literal | None
    path: ox.NamedNode | None
    bindings: dict[str, Node]


def _focus_filter(focus_graphs: Sequence[str] | None, focus_nodes: Sequence[Node] | None) -> str:
    parts = []
    if focus_graphs is not None:
        names = [f"<{ox.NamedNode(g).value}>" for g in focus_graphs]
        parts.append(
            "FILTER ("
            + (" || ".join(f"EXISTS {{ GRAPH {n} {{ ?this ?fp ?fo }} }}" for n in names) or "false")
            + ")"
        )
    if focus_nodes is not None:
        values = " ".join(str(to_ox(n)) for n in focus_nodes)
        parts.append(f"VALUES ?this {{ {values} }}")
    return " ".join(parts)


def _subclasses(store: ox.Store, view: list[GraphName], classes: Iterable[str]) -> dict[str, set[str]]:
    classes = sorted(classes)
    if not classes:
        return {}
    values = " ".join(f"<{c}>" for c in classes)
    query = (
        f"SELECT ?sup ?sub WHERE {{ VALUES ?sup {{ {values} }} "
        f"?sub <{RDFS.subClassOf}>* ?sup . FILTER (isIRI(?sub)) }}"
    )
    closure: dict[str, set[str]] = {c: {c} for c in classes}
    for row in store.query(query, default_graph=view):
        closure[row["sup"].value].add(row["sub"].value)
    return closure


def _focus_table(
    store: ox.Store,
    view: list[GraphName],
    table: str,
    focus_graphs: Sequence[str] | None,
    focus_nodes: Sequence[Node] | None,
) -> None:
    """Write (subject, type) for every subject the run checks, types read from the whole view.

    One pass, driven by the subjects to check: re-checking one small source against a large store
    costs what the source costs, not what the store holds.
    """
    using = "".join(f"USING <{g.value}> " for g in view if isinstance(g, ox.NamedNode))
    if focus_graphs is not None:
        named = "".join(f"USING NAMED <{ox.NamedNode(g).value}> " for g in focus_graphs)
        subjects = " UNION ".join(
            f"{{ GRAPH <{ox.NamedNode(g).value}> {{ ?this ?p ?o }} }}" for g in focus_graphs
        )
        start = f"{{ SELECT DISTINCT ?this WHERE {{ {subjects or 'FILTER (false)'} }} }}"
    else:
        named, start = "", ""
    if focus_nodes is not None:
        start += f" VALUES ?this {{ {' '.join(str(to_ox(n)) for n in focus_nodes)} }}"
    store.update(
        f"INSERT {{ GRAPH <{table}> {{ ?this {_FOCUS_TYPE} ?t }} }} {using}{named}"
        f"WHERE {{ {start} ?this a ?t }}"
    )


def run_checks(
    store: ox.Store,
    view: list[GraphName],
    compiled: CompiledShapes,
    focus_graphs: Sequence[str] | None = None,
    focus_nodes: Sequence[Node] | None = None,
    timings: dict[str, float] | None = None,
    union: bool = False,
    threads: int = 1,
) -> list[_Result]:
    """Run every check over the graphs of `view` (as one default graph).

    `focus_graphs` keeps the focus nodes that are subjects in one of those graphs (what a build checks:
    the nodes its sources describe); `focus_nodes` keeps only the given nodes. The store must be
    writable: the run keeps its table of focus nodes in a staging graph, dropped at the end (and by
    the next open of the store after a crash). `timings`, when given, receives the seconds of the focus
    table and of the checks. `union=True` says that the store holds the graphs of `view` and nothing
    else (a copy made for the run): the checks then read the union of its graphs, one index lookup per
    pattern where a default graph of N named graphs costs N (the catalogue checks run twice as fast).
    The focus table is then in that union too: the compiled Core checks never match its one predicate
    (`urn:stdgraph:validation:type`), but a SHACL-SPARQL `sh:select` may have any pattern, so those
    constraints still read the view itself. `threads` run the check queries side by side (Oxigraph
    evaluates a query without the GIL: 1.9x on two cores for the catalogue checks); the results keep
    the order of the checks.
    """
    started = time.perf_counter()
    if any(not isinstance(g, ox.NamedNode) for g in view):
        raise ValueError("the validation view must list named graphs")
    subclasses = _subclasses(store, view, compiled.classes)
    table = f"{STAGING_PREFIX}{uuid.uuid4().hex}/focus"
    results: list[_Result] = []
    try:
        _focus_table(store, view, table, focus_graphs, focus_nodes)
        texts = compiled.queries(subclasses, _focus_filter(focus_graphs, focus_nodes), f"<{table}>")
        counts = {
            row["t"].value: int(row["n"].value)  # type: ignore[index]
            for row in store.query(
                f"SELECT ?t (COUNT(*) AS ?n) WHERE {{ GRAPH <{table}> {{ ?s {_FOCUS_TYPE} ?t }} }} "
                "GROUP BY ?t"
            )
        }
        present = set(counts)
        scans = compiled.scan_queries(subclasses, f"<{table}>")
        checked = time.perf_counter()
        if timings is not None:
            timings["validation: focus table"] = checked - started
        queries: dict[str, list[CompiledCheck]] = {}  # folded checks share one query
        for check, text in texts:
            if compiled.needed(check, present, subclasses):
                if id(check) in scans and compiled.focus_size(check, counts, subclasses) >= _SCAN_FROM:
                    text = scans[id(check)]
                queries.setdefault(text, []).append(check)

        def run(text: str, checks: list[CompiledCheck]) -> tuple[float, list[_Result]]:
            one = time.perf_counter()
            if union and not any(c.substitute for c in checks):  # substitute: a SHACL-SPARQL constraint
                solutions = store.query(text, use_default_graph_as_union=True)
            else:
                solutions = store.query(text, default_graph=view)
            variables = [v.value for v in solutions.variables]  # type: ignore[union-attr]
            found: list[_Result] = []
            for solution in solutions:  # type: ignore[union-attr]
                focus = solution["this"]
                if focus is None:
                    continue
                value = solution["value"] if "value" in variables else None
                path = solution["path"] if "path" in variables else None
                for check in checks:
                    if check.flag is not None and solution[check.flag] != _TRUE:
                        continue
                    bindings = {}
                    if check.substitute:
                        bindings = {v: from_ox(solution[v]) for v in variables if solution[v] is not None}
                    node = focus if value is None and check.value_is_focus else value
                    found.append(_Result(check, focus, node, path, bindings))  # type: ignore[arg-type]
            return time.perf_counter() - one, found

        slowest: list[tuple[float, str]] = []
        with ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="stdgraph-check") as pool:
            outcomes = list(pool.map(run, queries, queries.values()))
        for (seconds, found), checks in zip(outcomes, queries.values(), strict=True):
            results.extend(found)
            first = checks[0]
            folded = f" (+{len(checks) - 1} folded)" if len(checks) > 1 else ""
            slowest.append((seconds, f"{_local(first.shape)} {first.path or ''} {first.component}{folded}"))
        if timings is not None:
            timings["validation: checks"] = time.perf_counter() - checked
            timings[f"validation: checks run (of {len(texts)})"] = sum(len(c) for c in queries.values())
            timings[f"validation: queries run (of {len(set(t for _, t in texts))})"] = len(queries)
            for seconds, name in sorted(slowest, reverse=True)[:8]:
                timings[f"  check {name}"] = seconds
    finally:
        store.remove_graph(ox.NamedNode(table))
    return _dedupe(results)


def _dedupe(results: list[_Result]) -> list[_Result]:
    """One result per SPARQL solution that differs in what it reports, as pySHACL guards against."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for r in results:
        key = (
            id(r.check),
            r.focus,
            r.value,
            r.path,
            tuple(sorted((k, str(v)) for k, v in r.bindings.items())),
        )
        if key not in seen:
            seen.add(key)
            kept.append(r)
    return kept


_LINKS = (
    "https://w3id.org/stdgraph/ontology#adoptingEdition",
    "https://w3id.org/stdgraph/ontology#adoptedEdition",
    "https://w3id.org/stdgraph/ontology#mappingSubject",
    "https://w3id.org/stdgraph/ontology#mappingObject",
    "https://w3id.org/stdgraph/ontology#participant",
    "https://w3id.org/stdgraph/ontology#inArrangement",
    "https://w3id.org/stdgraph/ontology#accreditedBody",
    "https://w3id.org/stdgraph/ontology#accreditedBy",
    "https://w3id.org/stdgraph/ontology#provisionOf",
    "https://w3id.org/stdgraph/ontology#articleRef",
)


def _label_graph(store: ox.Store, view: list[GraphName], nodes: list[ox.NamedNode | ox.BlankNode]) -> Graph:
    """The description of the focus nodes and of the ends of relations, enough to name them in words."""
    graph = Graph()
    links = " ".join(f"<{p}>" for p in _LINKS)
    for start in range(0, len(nodes), 500):
        chunk = [n for n in nodes[start : start + 500] if isinstance(n, ox.NamedNode)]
        if not chunk:
            continue
        values = " ".join(str(n) for n in chunk)
        query = (
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?f {{ {values} }} "
            f"{{ ?f ?p ?o BIND (?f AS ?s) }} UNION {{ VALUES ?link {{ {links} }} ?f ?link ?s . ?s ?p ?o }} }}"
        )
        for t in store.query(query, default_graph=view):  # type: ignore[union-attr]
            graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))  # type: ignore[arg-type]
    return graph


def _message(result: _Result) -> str:
    check = result.check
    if not check.messages:
        return _GENERIC_MESSAGES.get(check.component, "The value does not meet the shape.")
    message = _pick_message(list(check.messages))
    if check.substitute:
        values = dict(result.bindings)
        values.setdefault("this", from_ox(result.focus))  # type: ignore[arg-type]
        if result.value is not None:
            values["value"] = from_ox(result.value)  # type: ignore[assignment]
        if result.path is not None:
            values["path"] = from_ox(result.path)  # type: ignore[assignment]
        for name, term in values.items():
            message = re.sub(r"\{[?$]" + re.escape(name) + r"\}", lambda _m, t=term: str(t), message)
    return message


def report(store: ox.Store, view: list[GraphName], results: list[_Result]) -> ValidationReport:
    """The results as a `ValidationReport` in curator words (labels read from the view)."""
    focus_nodes = list(dict.fromkeys(r.focus for r in results))
    labels = _label_graph(store, view, focus_nodes)  # type: ignore[arg-type]
    violations = []
    for r in results:
        focus = from_ox(r.focus)
        path = _term(from_ox(r.path)) if r.path is not None else r.check.path
        violations.append(
            Violation(
                focus_node=_term(focus) or "",
                path=path,
                value=_term(from_ox(r.value)),
                severity=r.check.severity,
                message=_message(r),
                constraint_component=r.check.component,
                shape=r.check.shape,
                focus_label=_focus_label(focus, labels) if focus is not None else None,  # type: ignore[arg-type]
                property_name=r.check.property_name,
                source_constraint=r.check.source_constraint,
            )
        )
    violations.sort(key=lambda v: (v.focus_node, _SEVERITY_ORDER.get(v.severity, 9), v.path or ""))
    conforms = not any(v.severity == "Violation" for v in violations)
    return ValidationReport(conforms=conforms, violations=violations)


def validate_store(
    store: ox.Store,
    view: list[GraphName],
    focus_graphs: Sequence[str] | None = None,
    focus_nodes: Sequence[Node] | None = None,
    shapes: Graph | str | Path | None = None,
    timings: dict[str, float] | None = None,
    union: bool = False,
    threads: int = 1,
) -> ValidationReport:
    """Check the graphs of `view`, taken together, against the shapes, on the store itself.

    The view must hold the ontology's class hierarchy (e.g. `sgg:ontology` or a graph of
    `validation.load_context()`); `focus_graphs` / `focus_nodes` limit the focus nodes and `union`
    says the store holds nothing but the view, as in `run_checks`.
    """
    compiled = compile_shapes(shapes) if isinstance(shapes, Graph) else compiled_shapes(shapes)
    results = run_checks(store, view, compiled, focus_graphs, focus_nodes, timings, union, threads)
    started = time.perf_counter()
    found = report(store, view, results)
    if timings is not None:
        timings["validation: report"] = time.perf_counter() - started
    return found


DATA = ox.NamedNode("urn:stdgraph:validation:data")
CONTEXT = ox.NamedNode("urn:stdgraph:validation:context")


def validate_graph(
    data: Graph | Iterable[tuple[Node, Node, Node]],
    focus_nodes: Iterable[Node | str] | None = None,
    shapes: Graph | str | Path | None = None,
    threads: int = 1,
) -> ValidationReport:
    """`validation.validate` on Oxigraph: the data and the context in an in-memory store, then the checks
    (the check queries on `threads` threads)."""
    store = ox.Store()
    if isinstance(data, ConjunctiveGraph):
        triples: Iterable[tuple[Node, Node, Node]] = (
            (s, p, o) for s, p, o, _ in data.quads((None, None, None, None))
        )
    else:
        triples = data
    store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), DATA) for s, p, o in triples)  # type: ignore[arg-type]
    store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), CONTEXT) for s, p, o in load_context())  # type: ignore[arg-type]
    focus = [URIRef(str(n)) for n in focus_nodes] if focus_nodes is not None else None
    if focus is not None and not focus:
        return ValidationReport(conforms=True)
    return validate_store(
        store, [DATA, CONTEXT], focus_nodes=focus, shapes=shapes, union=True, threads=threads
    )
