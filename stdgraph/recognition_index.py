"""A precomputed index for recognition answers: the facts that do not change between requests, read once.

`stdgraph.recognition.answer` reads its facts through a `Graph` (the named queries `recognition-*.rq`,
bound to IRIs, one answer at a time). `RecognitionIndex(store).graph()` gives a `Graph` that answers the
same questions from Python structures built from the store in a few bulk queries:

- the requirements of a market for a product: the HS ancestry (`skos:broader`), the union membership
  (`sg:memberState`) and, per requirement, its scopes and curated scope mappings with their details
  (the same `recognition-requirements.rq` with its anchored sub-select replaced by all the keys at once);
  a request then only walks the code's ancestors and the market's unions;
- the acceptance rules per requirement, the participations per (body, arrangement) and the
  accreditations per body (the same named queries, unbound, grouped in Python);
- everything else the answer asks (node names and sources, arrangements, union members, labels, adoptions,
  the lists the inputs are resolved against) is kept after the first request that asks it.

The index is correct on every write through the store: every write method bumps `GraphStore.generation`,
and `graph()` rebuilds the index when the generation changed. Writes by another process to the same
database or endpoint are not seen (open a new store, or call `refresh()`). The answers are the same as the
SPARQL path's (tests/test_recognition_index.py compares both).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from functools import cache

from rdflib.term import Node

from stdgraph.queries import get_query
from stdgraph.recognition import Graph
from stdgraph.store import GraphStore

Row = dict[str, Node | None]

_ANCHORED = """    SELECT DISTINCT ?market ?hs ?requirement ?imposedBy ?scope ?mapping WHERE {
      ?hs skos:broader* ?scope .
      ?market ^sg:memberState? ?imposedBy .
"""
_ALL_KEYS = """    SELECT DISTINCT ?requirement WHERE {
      ?requirement sg:market ?anyMarket .
    }
  }
  {
"""
_MAPPING_DETAILS = """  OPTIONAL {
    ?m sg:scopeRelation ?relation0 ; sg:justification ?justification0 ; dcterms:creator ?curator0 ;
       dcterms:source ?mappingSource .
    OPTIONAL { ?m sg:evidenceLevel/skos:notation ?mappingLevel0 }
    FILTER(?m = ?mapping)
  }
"""
_KEYS_BODY = """      { ?requirement sg:productScope ?scope . }
      UNION
      { ?mapping sg:mappedCode ?scope ; sg:forRequirement ?requirement . }
      ?requirement sg:market ?imposedBy .
    }
  }
"""
KEYS = (
    "SELECT ?requirement ?imposedBy WHERE { ?requirement sg:market ?imposedBy }",
    "SELECT ?requirement ?scope WHERE { ?requirement sg:productScope ?scope }",
    "SELECT ?requirement ?scope ?mapping WHERE "
    "{ ?mapping sg:mappedCode ?scope ; sg:forRequirement ?requirement }",
)
"""The keys of `recognition-requirements.rq`'s sub-select, as three plain patterns joined in Python (Oxigraph
takes tens of seconds over the union and join at 1M triples)."""
MAPPINGS = """
SELECT ?m (SAMPLE(?relation0) AS ?relation) (SAMPLE(?justification0) AS ?justification)
       (SAMPLE(?curator0) AS ?curator) (SAMPLE(?mappingLevel0) AS ?mappingLevel)
       (GROUP_CONCAT(DISTINCT STR(?mappingSource); separator=" ; ") AS ?mappingSources)
WHERE {
  ?m sg:scopeRelation ?relation0 ; sg:justification ?justification0 ; dcterms:creator ?curator0 ;
     dcterms:source ?mappingSource .
  OPTIONAL { ?m sg:evidenceLevel/skos:notation ?mappingLevel0 }
}
GROUP BY ?m
"""
"""The mapping details of `recognition-requirements.rq`, once per mapping: joined per row in Python, as the
named query's compared (not joined) OPTIONAL would cost every key times every mapping."""
MAPPING_COLUMNS = ("relation", "justification", "curator", "mappingLevel", "mappingSources")


def _requirements_query() -> str:
    """`recognition-requirements.rq` for every market and code at once: keys, then the same details but the
    scope mapping's (`MAPPINGS`)."""
    text = get_query("recognition-requirements").sparql
    for old, new in (
        (_ANCHORED + _KEYS_BODY, _ALL_KEYS.rsplit("  {\n", 1)[0]),
        (_MAPPING_DETAILS, ""),
        ("SELECT ?market ?hs ?requirement", "SELECT ?requirement"),
        ("GROUP BY ?market ?hs ?requirement ?imposedBy ?scope ?mapping", "GROUP BY ?requirement"),
        ("SELECT ?requirement ?imposedBy ?scope ?mapping", "SELECT ?requirement"),
        ("ORDER BY ?imposedBy ?requirement ?scope", ""),
    ):
        if old not in text:  # the named query changed: the index must follow it
            raise RuntimeError(f"recognition-requirements.rq no longer contains {old.strip()!r}")
        text = text.replace(old, new)
    return text


@cache
def _params(name: str) -> dict:
    """The parameters of a named query (parsed once: `get_query` reads its file on every call)."""
    return {p.name: p for p in get_query(name).params}


def _group(rows: list[Row], *keys: str) -> dict[tuple[str, ...], list[Row]]:
    grouped: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for row in rows:
        grouped[tuple(str(row[k]) for k in keys)].append(row)
    return dict(grouped)


class _Facts:
    """One generation of the store, as Python structures."""

    def __init__(self, store: GraphStore) -> None:
        self.generation = store.generation
        self.parents: dict[str, set[str]] = defaultdict(set)
        for row in store.select("SELECT ?c ?p WHERE { ?c skos:broader ?p }").rows:
            self.parents[str(row["c"])].add(str(row["p"]))
        self.unions: dict[str, set[str]] = defaultdict(set)
        for row in store.select("SELECT ?u ?m WHERE { ?u sg:memberState ?m }").rows:
            self.unions[str(row["m"])].add(str(row["u"]))
        self.requirements = self._requirements(store)
        self.rules = _group(store.select(get_query("recognition-rules").sparql).rows, "requirement")
        self.participations = _group(
            store.select(get_query("recognition-participations").sparql).rows, "body", "arrangement"
        )
        self.accreditations = _group(
            store.select(get_query("recognition-accreditations").sparql).rows, "body"
        )
        self.memo: dict[tuple, list[Row]] = {}
        self.nodes: dict[str, dict] = {}

    @staticmethod
    def _requirements(store: GraphStore) -> dict[tuple[str, ...], list[Row]]:
        """The rows of `recognition-requirements.rq` for every key, grouped by (scope, imposedBy)."""
        markets, scopes, mapped = (store.select(q).rows for q in KEYS)
        imposers: dict[str, list[Node]] = defaultdict(list)
        for row in markets:
            imposers[str(row["requirement"])].append(row["imposedBy"])  # type: ignore[arg-type]
        details = {str(row["requirement"]): row for row in store.select(_requirements_query()).rows}
        mappings = {str(row["m"]): row for row in store.select(MAPPINGS).rows}
        keys = {(str(r["requirement"]), r["scope"], None) for r in scopes}
        keys |= {(str(r["requirement"]), r["scope"], r["mapping"]) for r in mapped}
        grouped: dict[tuple[str, ...], list[Row]] = defaultdict(list)
        for requirement, scope, mapping in keys:
            if requirement not in details:  # no skos:prefLabel: the named query's join drops it
                continue
            found = mappings.get(str(mapping)) if mapping is not None else None
            for imposed in imposers.get(requirement, ()):
                row = {**details[requirement], "imposedBy": imposed, "scope": scope, "mapping": mapping}
                for column in MAPPING_COLUMNS:
                    row[column] = found[column] if found else None
                grouped[(str(scope), str(imposed))].append(row)
        return dict(grouped)

    def ancestors(self, code: str) -> set[str]:
        """The code and every concept above it (`skos:broader*`)."""
        seen, todo = {code}, [code]
        while todo:
            for parent in self.parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen


class IndexedGraph(Graph):
    """A `Graph` that reads from the index; queries it does not index are kept per generation."""

    def __init__(self, store: GraphStore, facts: _Facts) -> None:
        super().__init__(store)
        self.facts = facts
        self._nodes = facts.nodes

    def rows(self, name: str, **params: str) -> list[Row]:
        facts = self.facts
        if name == "recognition-requirements":
            return self._requirements(params["market"], params["hs"])
        if name == "recognition-rules":
            return facts.rules.get((params["requirement"],), [])
        if name == "recognition-participations":
            return facts.participations.get((params["body"], params["arrangement"]), [])
        if name == "recognition-accreditations":
            return facts.accreditations.get((params["body"],), [])
        key = (name, *sorted(params.items()))
        if key not in facts.memo:
            facts.memo[key] = super().rows(name, **params)
        return facts.memo[key]

    def select(self, sparql: str, bindings: dict[str, Node] | None = None) -> list[Row]:
        key = ("select", sparql, *sorted((k, str(v)) for k, v in (bindings or {}).items()))
        if key not in self.facts.memo:
            self.facts.memo[key] = super().select(sparql, bindings)
        return self.facts.memo[key]

    def _requirements(self, market_code: str, hs_code: str) -> list[Row]:
        params = _params("recognition-requirements")
        terms = {"market": params["market"].term(market_code), "hs": params["hs"].term(hs_code)}
        market_iri, hs_iri = str(terms["market"]), str(terms["hs"])
        imposers = {market_iri} | self.facts.unions.get(market_iri, set())
        found = [
            {"market": terms["market"], "hs": terms["hs"], **row}
            for scope in self.facts.ancestors(hs_iri)
            for imposer in imposers
            for row in self.facts.requirements.get((scope, imposer), ())
        ]
        found.sort(key=lambda r: (str(r["imposedBy"]), str(r["requirement"]), str(r["scope"])))
        return found


class RecognitionIndex:
    """The index of one store; `graph()` is current with the store's last write."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._facts: _Facts | None = None
        self._lock = threading.Lock()
        self.builds = 0

    def refresh(self) -> None:
        """Forget the index: the next `graph()` reads the store again."""
        with self._lock:
            self._facts = None

    def graph(self) -> IndexedGraph:
        facts = self._facts
        if facts is None or facts.generation != self.store.generation:
            with self._lock:
                facts = self._facts
                if facts is None or facts.generation != self.store.generation:
                    facts = _Facts(self.store)
                    self._facts = facts
                    self.builds += 1
        return IndexedGraph(self.store, facts)
