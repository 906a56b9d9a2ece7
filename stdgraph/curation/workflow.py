"""The curation workflow: propose, approve or reject, publish, withdraw; every step in PROV-O.

`Curator.propose` validates a change set against the shapes together with the one-hop description, from
the store, of every node it mentions (as `stdgraph.build.validation_context` does for a source), never the
whole graph, then commits it with one SPARQL update, which Oxigraph runs as one transaction. A lock makes
validate-and-commit one step per process, and the store admits one writing process (RocksDB's lock), so
two curators writing at once are serialised and lose nothing. A batch is all or nothing: one bad row and
nothing is stored, and the errors name every bad row's line and column.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from stdgraph.curation.auth import Principal
from stdgraph.curation.model import (
    HISTORY_GRAPH,
    PUBLIC_GRAPH,
    Record,
    agent_iri,
    canonical,
    kind_of,
    parse_canonical,
    record_candidates,
    record_id,
    status_iri,
    status_of,
    version_iri,
    with_status,
)
from stdgraph.curation.rows import ADOPTION_FIELD_OF, FIELD_OF, Batch, RowError
from stdgraph.namespaces import DCTERMS, PROV, RDF, RDFS, SG, SGID, XSD
from stdgraph.store import OxigraphStore, from_ox, to_ox
from stdgraph.terms import Triple
from stdgraph.validation import load_context, load_shapes, validate

ACTIONS = {
    # action: (from statuses, to status, role needed, comment required, author may do it)
    "approve": (("proposed",), "approved", "reviewer", True, False),
    "reject": (("proposed",), "rejected", "reviewer", True, False),
    "publish": (("approved",), "published", "reviewer", False, True),
    "withdraw": (("published",), "withdrawn", "reviewer", True, True),
}
DONE = {"approve": "approved", "reject": "rejected", "publish": "published", "withdraw": "withdrawn"}


class CurationError(Exception):
    """A refused step; `status` is the HTTP status that fits (404, 409 wrong state, 403 not allowed)."""

    status = 400


class NotFound(CurationError):
    status = 404


class Conflict(CurationError):
    status = 409


class NotAllowed(CurationError):
    status = 403


class BatchRefused(CurationError):
    """A batch with bad rows: nothing was stored."""

    status = 422

    def __init__(self, errors: Sequence[RowError], warnings: Sequence[str] = ()) -> None:
        self.errors = list(errors)
        self.warnings = list(warnings)
        lines = "\n".join(f"  - {e.text()}" for e in self.errors)
        super().__init__(f"nothing was stored: {len(self.errors)} problem(s) in the batch\n{lines}")


@dataclass
class RecordState:
    iri: URIRef
    kind: str
    status: str
    version: int
    triples: list[Triple]
    author: URIRef | None

    @property
    def id(self) -> str:
        return record_id(self.iri)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "iri": str(self.iri),
            "kind": self.kind,
            "status": self.status,
            "version": self.version,
            "proposed_by": str(self.author) if self.author else None,
            "triples": canonical(self.triples),
        }


@dataclass
class Step:
    version: int
    status: str
    agent: str
    agent_name: str | None
    time: str
    comment: str | None
    activity: str

    def to_dict(self) -> dict[str, object]:
        return self.__dict__.copy()


@dataclass
class Proposal:
    batch: str
    records: list[dict[str, object]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@lru_cache(maxsize=4)
def shapes_for(classes: frozenset[URIRef]) -> Graph:
    """The part of the shapes graph that can apply to instances of `classes`.

    The node shapes that target one of them (or a superclass), with everything they reach: property
    shapes, lists, SPARQL constraints and their prefix declarations. The shapes file uses only
    `sh:targetClass`, so no other shape can have a record as its focus; the context nodes (editions,
    bodies) are then described to the shapes without being validated themselves, which is what keeps
    the time proportional to the change set rather than to its neighbourhood.
    """
    shapes = load_shapes()
    wanted = set(classes)
    for sub, sup in load_context().subject_objects(RDFS.subClassOf):
        if sub in classes:
            wanted.add(sup)
    roots = [s for c in wanted for s in shapes.subjects(SH.targetClass, c)]
    pruned = Graph()
    for prefix, namespace in shapes.namespaces():
        pruned.bind(prefix, namespace)
    seen: set[Node] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in shapes.predicate_objects(node):
            pruned.add((node, p, o))
            followed = p not in (SH.targetClass, SH["class"]) and isinstance(o, (URIRef, BNode))
            if followed and (o, None, None) in shapes:
                stack.append(o)
    return pruned


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _nt(triples: Iterable[Triple]) -> str:
    return " ".join(f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ." for s, p, o in triples)


class Curator:
    """Curation over one writable `OxigraphStore`; one instance per process (it holds the write lock)."""

    def __init__(self, store: OxigraphStore) -> None:
        if store.read_only:
            raise ValueError("curation needs a writable store (the server opens it so; see DEVELOPERS.md)")
        self.store = store
        self._ox = store.oxigraph
        self.lock = threading.Lock()
        self.timings: dict[str, float] = {}  # seconds of the last propose, by phase (for bench/curation.py)
        self.checked_triples = 0  # size of the last validated graph: the change set and its context

    # reading -------------------------------------------------------------------------------------

    def _objects(self, subject: Node, predicate: Node, graph: URIRef = HISTORY_GRAPH) -> list[Node]:
        quads = self._ox.quads_for_pattern(to_ox(subject), to_ox(predicate), None, to_ox(graph))
        return [from_ox(q.object) for q in quads]  # type: ignore[misc]

    def state(self, iri: URIRef) -> RecordState | None:
        current = self._objects(iri, SG.currentVersion)
        if not current:
            return None
        version = current[0]
        content = self._objects(version, SG.recordContent)
        triples = parse_canonical(str(content[0])) if content else []
        status = status_of((self._objects(version, SG.versionStatus) or [None])[0]) or "proposed"
        author = (self._objects(version, PROV.wasAttributedTo) or [None])[0]
        return RecordState(
            iri,
            kind_of(triples, iri) or "mapping",
            status,
            int(str(version).rsplit("/v", 1)[-1]),
            triples,
            author if isinstance(author, URIRef) else None,
        )

    def find(self, short_id: str) -> RecordState:
        for iri in record_candidates(short_id):
            state = self.state(iri)
            if state is not None:
                return state
        raise NotFound(f"no mapping or adoption record with id {short_id!r}")

    def records(self, status: str | None = None) -> list[RecordState]:
        """Every record's current state (those of one status when given), by id."""
        quads = self._ox.quads_for_pattern(None, to_ox(SG.currentVersion), None, to_ox(HISTORY_GRAPH))
        found = []
        for quad in quads:
            record = from_ox(quad.subject)
            wanted = status is None or self._objects(from_ox(quad.object), SG.versionStatus) == [
                status_iri(status)
            ]
            if wanted and isinstance(record, URIRef):
                state = self.state(record)
                if state is not None:
                    found.append(state)
        return sorted(found, key=lambda s: s.id)

    def history(self, short_id: str) -> list[Step]:
        state = self.find(short_id)
        result = self.store.select(
            """SELECT ?v ?status ?time ?agent ?name ?comment ?act WHERE {
                GRAPH sgg:curation-history {
                    ?v prov:specializationOf ?record ; sg:versionStatus ?status ; prov:wasGeneratedBy ?act .
                    ?act prov:endedAtTime ?time ; prov:wasAssociatedWith ?agent .
                    OPTIONAL { ?agent rdfs:label ?name }
                    OPTIONAL { ?act rdfs:comment ?comment }
                }
            }""",
            {"record": state.iri},
        )
        steps = [
            Step(
                version=int(str(r["v"]).rsplit("/v", 1)[-1]),
                status=status_of(r["status"]) or "",
                agent=str(r["agent"]),
                agent_name=str(r["name"]) if r["name"] is not None else None,
                time=str(r["time"]),
                comment=str(r["comment"]) if r["comment"] is not None else None,
                activity=str(r["act"]),
            )
            for r in result.rows
        ]
        return sorted(steps, key=lambda s: (s.version, s.time))

    def published(self) -> list[Record]:
        """The records of the public graph (what a release contains)."""
        graph: dict[URIRef, list[Triple]] = {}
        for quad in self._ox.quads_for_pattern(None, None, None, to_ox(PUBLIC_GRAPH)):
            s, p, o = from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)
            graph.setdefault(s, []).append((s, p, o))  # type: ignore[arg-type]
        records = []
        for subject, triples in graph.items():
            kind = kind_of(triples, subject)
            if kind is None:
                continue
            if kind == "adoption":
                a = next((o for _, p, o in triples if p == SG.adoptingEdition), None)
                b = next((o for _, p, o in triples if p == SG.adoptedEdition), None)
                if a is not None and b is not None:
                    triples = [*triples, (a, SG.adopts, b)]
            records.append(Record(subject, kind, triples))
        return sorted(records, key=lambda r: r.id)

    def labels(self, nodes: Iterable[Node]) -> dict[Node, str]:
        """The identifier of each standard or edition, for the SSSOM label columns."""
        labels = {}
        for node in set(nodes):
            if isinstance(node, URIRef):
                quads = self._ox.quads_for_pattern(to_ox(node), to_ox(DCTERMS.identifier), None, None)
                found = [q.object.value for q in quads]
                if found:
                    labels[node] = str(sorted(found, key=str)[0])
        return labels

    # validation ----------------------------------------------------------------------------------

    def check(self, records: Sequence[Record]) -> tuple[list[RowError], list[str]]:
        """Shape violations of the records (published form) with the one-hop context of what they touch."""
        if not records:
            return [], []
        data = Graph()
        own = {r.iri for r in records}
        for record in records:
            for triple in with_status(record.iri, record.kind, record.triples, "published"):
                data.add(triple)
        started = time.perf_counter()
        nodes = {n for t in data for n in (t[0], t[2]) if isinstance(n, URIRef)} - own
        data += self.store.describe_nodes(str(n) for n in nodes)
        classes = frozenset(o for r in records for s, p, o in r.triples if s == r.iri and p == RDF.type)
        shapes = shapes_for(classes)
        self.timings["context"] = time.perf_counter() - started
        started = time.perf_counter()
        report = validate(data, shapes=shapes)
        self.timings["shapes"] = time.perf_counter() - started
        self.checked_triples = len(data)
        by_iri = {r.iri: r for r in records}
        errors, warnings = [], []
        for v in report.violations:
            record = by_iri.get(URIRef(v.focus_node))
            if record is None:
                continue
            fields = ADOPTION_FIELD_OF if record.kind == "adoption" else FIELD_OF
            column = fields.get(v.path or "", v.property_name)
            value = f" (value: {v.value})" if v.value and v.value != v.focus_node else ""
            message = f"{v.message}{value}"
            if v.severity == "Violation":
                errors.append(RowError(record.line, column, message, record=record.id))
            else:
                warnings.append(RowError(record.line, column, message, record=record.id).text())
        return errors, warnings

    # writing -------------------------------------------------------------------------------------

    def _step(
        self,
        record: URIRef,
        previous: RecordState | None,
        status: str,
        triples: list[Triple],
        who: URIRef,
        author: URIRef,
        time: str,
        comment: str | None,
        batch: URIRef | None = None,
    ) -> tuple[list[Triple], list[Triple]]:
        """The history triples to delete and to insert for one step of one record."""
        n = previous.version + 1 if previous else 1
        version = version_iri(record, n)
        activity = URIRef(SGID[f"curation-step/{uuid.uuid4().hex}"])
        stamp = Literal(time, datatype=XSD.dateTime)
        insert: list[Triple] = [
            (version, RDF.type, PROV.Entity),
            (version, RDF.type, SG.RecordVersion),
            (version, PROV.specializationOf, record),
            (version, SG.versionStatus, status_iri(status)),
            (version, SG.recordContent, Literal(canonical(triples))),
            (version, PROV.wasGeneratedBy, activity),
            (version, PROV.wasAttributedTo, author),
            (version, PROV.generatedAtTime, stamp),
            (activity, RDF.type, PROV.Activity),
            (activity, RDF.type, SG.CurationStep),
            (activity, PROV.wasAssociatedWith, who),
            (activity, PROV.startedAtTime, stamp),
            (activity, PROV.endedAtTime, stamp),
            (activity, PROV.generated, version),
            (record, SG.currentVersion, version),
        ]
        delete: list[Triple] = []
        if previous is not None:
            old = version_iri(record, previous.version)
            insert += [(version, PROV.wasRevisionOf, old), (activity, PROV.used, old)]
            delete.append((record, SG.currentVersion, old))
        if comment:
            insert.append((activity, RDFS.comment, Literal(comment)))
        if batch is not None:
            insert.append((activity, DCTERMS.isPartOf, batch))
        return delete, insert

    def _agent(self, principal: Principal) -> tuple[URIRef, list[Triple]]:
        agent = agent_iri(principal.name)
        return agent, [(agent, RDF.type, PROV.Agent), (agent, RDFS.label, Literal(principal.name))]

    def _commit(self, deletes: dict[URIRef, list[Triple]], inserts: dict[URIRef, list[Triple]]) -> None:
        """One SPARQL update: Oxigraph applies it in one transaction, so all of it or none of it."""
        ops = [f"DELETE DATA {{ GRAPH {to_ox(g)} {{ {_nt(ts)} }} }}" for g, ts in deletes.items() if ts]
        ops += [f"INSERT DATA {{ GRAPH {to_ox(g)} {{ {_nt(ts)} }} }}" for g, ts in inserts.items() if ts]
        if ops:
            try:
                self._ox.update(" ;\n".join(ops))
            finally:
                self.store._bump()  # answers cached per store generation (recognition index) refresh

    def propose(self, batch: Batch, principal: Principal, comment: str | None = None) -> Proposal:
        """Validate and store a batch of new records (or new versions of published ones): all or nothing."""
        principal.require("curator", "proposing")
        with self.lock:
            errors = list(batch.errors)
            seen: dict[URIRef, Record] = {}
            states: dict[URIRef, RecordState | None] = {}
            for record in batch.records:
                if record.iri in seen:
                    first = seen[record.iri].line
                    errors.append(
                        RowError(record.line, None, f"repeats the record of line {first} ({record.id})")
                    )
                    continue
                seen[record.iri] = record
                state = states[record.iri] = self.state(record.iri)
                if state is not None and state.status in ("proposed", "approved"):
                    errors.append(
                        RowError(
                            record.line,
                            None,
                            f"{record.id} is already {state.status} (version {state.version}) and awaits "
                            "review; it cannot be proposed again until it is published or rejected",
                            record=record.id,
                        )
                    )
                elif state is not None and state.status == "published":
                    current = with_status(record.iri, record.kind, state.triples, "proposed")
                    if canonical(current) == canonical(
                        with_status(record.iri, record.kind, record.triples, "proposed")
                    ):
                        errors.append(
                            RowError(
                                record.line,
                                None,
                                f"{record.id} is already published as given",
                                record=record.id,
                            )
                        )
            shape_errors, warnings = self.check(list(seen.values()))
            errors += shape_errors
            if not batch.records and not errors:
                errors.append(RowError(None, None, "the batch holds no rows"))
            if errors:
                raise BatchRefused(
                    sorted(errors, key=lambda e: (e.line or 0, e.field or "")), batch.warnings + warnings
                )
            agent, agent_triples = self._agent(principal)
            now = _now()
            batch_iri = URIRef(SGID[f"batch/{uuid.uuid4().hex}"])
            history = [*agent_triples, (batch_iri, RDF.type, PROV.Collection)]
            history.append((batch_iri, PROV.wasAttributedTo, agent))
            history.append((batch_iri, PROV.generatedAtTime, Literal(now, datatype=XSD.dateTime)))
            for key in ("mapping_set_id", "license"):
                value = batch.metadata.get(key)
                if isinstance(value, str) and value.startswith(("http://", "https://")):
                    prop = PROV.wasDerivedFrom if key == "mapping_set_id" else DCTERMS.license
                    history.append((batch_iri, prop, URIRef(value)))
            delete: list[Triple] = []
            out = Proposal(batch=record_id(batch_iri), warnings=batch.warnings + warnings)
            for record in seen.values():
                triples = with_status(record.iri, record.kind, record.triples, "proposed")
                d, i = self._step(
                    record.iri,
                    states[record.iri],
                    "proposed",
                    triples,
                    agent,
                    agent,
                    now,
                    comment,
                    batch_iri,
                )
                delete += d
                history += i
                history.append(
                    (
                        batch_iri,
                        PROV.hadMember,
                        version_iri(
                            record.iri, (states[record.iri].version + 1) if states[record.iri] else 1
                        ),
                    )
                )  # type: ignore[union-attr]
                out.records.append(
                    {"id": record.id, "line": record.line, "kind": record.kind, "status": "proposed"}
                )
            started = time.perf_counter()
            self._commit({HISTORY_GRAPH: delete}, {HISTORY_GRAPH: history})
            self.timings["commit"] = time.perf_counter() - started
        return out

    def act(
        self, short_id: str, action: str, principal: Principal, comment: str | None = None
    ) -> RecordState:
        """Approve, reject, publish or withdraw one record."""
        if action not in ACTIONS:
            raise CurationError(f"unknown action {action!r}: use {', '.join(ACTIONS)}")
        sources, target, role, needs_comment, author_may = ACTIONS[action]
        principal.require(role, f"{action[:-1] if action.endswith('e') else action}ing a record")
        comment = (comment or "").strip() or None
        if needs_comment and not comment:
            raise CurationError(f"say why: {action} needs a comment")
        with self.lock:
            state = self.find(short_id)
            if state.status not in sources:
                raise Conflict(
                    f"{state.id} is {state.status}; only a record that is {' or '.join(sources)} "
                    f"can be {DONE[action]}"
                )
            agent, agent_triples = self._agent(principal)
            if not author_may and state.author == agent:
                raise NotAllowed(f"{principal.name} proposed {state.id}; another reviewer must {action} it")
            triples = with_status(state.iri, state.kind, state.triples, target)
            if (
                action == "approve"
                and state.kind == "mapping"
                and (state.iri, SG.reviewer, agent) not in triples
            ):
                triples.append((state.iri, SG.reviewer, agent))
            delete, insert = self._step(
                state.iri, state, target, triples, agent, state.author or agent, _now(), comment
            )
            deletes = {HISTORY_GRAPH: delete, PUBLIC_GRAPH: []}
            inserts = {HISTORY_GRAPH: agent_triples + insert, PUBLIC_GRAPH: []}
            if action in ("publish", "withdraw"):
                deletes[PUBLIC_GRAPH] = self._public_triples(state.iri)
            if action == "publish":
                inserts[PUBLIC_GRAPH] = triples
            self._commit(deletes, inserts)
        new = self.state(state.iri)
        assert new is not None
        return new

    def _public_triples(self, iri: URIRef) -> list[Triple]:
        triples = [
            (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
            for q in self._ox.quads_for_pattern(to_ox(iri), None, None, to_ox(PUBLIC_GRAPH))
        ]
        a = next((o for _, p, o in triples if p == SG.adoptingEdition), None)
        b = next((o for _, p, o in triples if p == SG.adoptedEdition), None)
        if a is not None and b is not None and self._ox.contains_named_graph(to_ox(PUBLIC_GRAPH)):
            shortcut = ox.Quad(to_ox(a), to_ox(SG.adopts), to_ox(b), to_ox(PUBLIC_GRAPH))  # type: ignore[arg-type]
            if shortcut in self._ox:
                triples.append((a, SG.adopts, b))
        return triples  # type: ignore[return-value]
