"""The triples of a few subjects, indexed for reading: what the API builds a record from.

An rdflib `Graph` costs ~30 µs a triple to fill (its memory store keeps three indexes, a context index
and an event per add), and a record of `/standards/{id}` reads a few hundred triples to ask "the values
of p on s" a few dozen times: filling graphs was a third of that request's time. A `Description` is a
dict of subject -> predicate -> objects with the methods of `Graph` the API calls (`objects`, `value`,
`predicate_objects`), and becomes a `Graph` only where RDF is serialised (`graph()`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import Graph
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


class Description:
    """A set of triples, indexed by subject and predicate, in the order they were added."""

    def __init__(self, triples: Iterable[Triple] = ()) -> None:
        self._index: dict[Node, dict[Node, dict[Node, None]]] = {}
        self._size = 0
        for triple in triples:
            self.add(triple)

    def add(self, triple: Triple) -> None:
        s, p, o = triple
        objects = self._index.setdefault(s, {}).setdefault(p, {})
        if o not in objects:
            objects[o] = None
            self._size += 1

    def add_objects(self, subject: Node, predicate: Node, objects: Iterable[Node]) -> None:
        """Add (subject, predicate, o) for each o: the index is reached once for a run of values."""
        held = self._index.setdefault(subject, {}).setdefault(predicate, {})
        before = len(held)
        held.update(dict.fromkeys(objects))
        self._size += len(held) - before

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> Iterator[Node]:
        for s in self._subjects(subject):
            by_predicate = self._index[s]
            for p in [predicate] if predicate is not None else list(by_predicate):
                yield from by_predicate.get(p, ())

    def value(self, subject: Node, predicate: Node, default: Node | None = None) -> Node | None:
        """One object of (subject, predicate), or `default`: as `Graph.value` with `any=True`."""
        return next(iter(self._index.get(subject, {}).get(predicate, ())), default)

    def predicate_objects(self, subject: Node) -> Iterator[tuple[Node, Node]]:
        for p, objects in self._index.get(subject, {}).items():
            for o in objects:
                yield p, o

    def subjects(self) -> Iterator[Node]:
        return iter(self._index)

    def _subjects(self, subject: Node | None) -> list[Node]:
        if subject is None:
            return list(self._index)
        return [subject] if subject in self._index else []

    def __iter__(self) -> Iterator[Triple]:
        for s, by_predicate in self._index.items():
            for p, objects in by_predicate.items():
                for o in objects:
                    yield s, p, o

    def __len__(self) -> int:
        return self._size

    def __contains__(self, triple: Triple) -> bool:
        s, p, o = triple
        return o in self._index.get(s, {}).get(p, {})

    def graph(self) -> Graph:
        """The same triples as an rdflib Graph, to serialise."""
        graph = Graph()
        for triple in self:
            graph.add(triple)
        return graph
