"""`/standards` search: filters read from the request, queries built from fixed fragments with every
value bound (never pasted).

Each filter is a fragment anchored at its bound IRI (a publisher, a committee and its subcommittees, an
ICS code and its narrower codes, a status, a document type); text is one pass over titles and identifiers
(`CONTAINS` on the lower-cased text), or over the works' identifiers when it is a standard reference.
With text, one query returns every match with its facet values, and the total, facets and page come from
it. Without text, the page is a sub-select of distinct editions that projects the bound parameters (so
`bind_values` starts it from them), sorted by identifier, and the total and facet counts (publisher,
status, type) come from two aggregate queries; the graph is read-only while served, so those counts are
kept per filter set (a small LRU): the unfiltered catalogue is counted once.
"""

from __future__ import annotations

import contextlib
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from api.lookup import _types, resolve_entity
from api.named_queries import ApiError
from stdgraph import identifiers
from stdgraph.namespaces import SG, SGID, entity, vocab
from stdgraph.store import GraphStore
from stdgraph.vocabulary import controlled_values

FILTERS = ("q", "publisher", "committee", "ics", "status", "type")

# Fragments, in the order they are written into the query (anchored ones first).
FRAGMENTS: dict[str, tuple[str, str]] = {  # filter -> (bound variable, pattern)
    "committee": ("committee", "?committee ^sg:parentCommittee* ?unit . ?edition sg:committee ?unit ."),
    "ics": ("ics", "?ics ^skos:broader* ?icsCode . ?edition sg:ics ?icsCode ."),
    "publisher": ("publisher", "?edition dcterms:publisher ?publisher ."),
    "status": ("status", "?edition sg:status ?status ."),
    "type": ("type", "?edition sg:documentType ?type ."),
    "q": (
        "needle",
        "?edition dcterms:title|dcterms:identifier ?text . FILTER(CONTAINS(LCASE(STR(?text)), ?needle))",
    ),
    # q written as a standard reference: a scan of works' canonical identifiers only, then their editions
    "reference": (
        "reference",
        "?work a sg:Standard ; dcterms:identifier ?workIdentifier . "
        "FILTER(CONTAINS(?workIdentifier, ?reference)) ?work sg:hasEdition ?edition .",
    ),
}

PAGE = """
SELECT ?edition ?identifier WHERE {{
  {{
    SELECT DISTINCT ?edition {projection} WHERE {{
      {patterns}
      ?edition a sg:Edition .
    }}
  }}
  ?edition dcterms:identifier ?identifier .
}}
ORDER BY ?identifier ?edition
LIMIT {limit} OFFSET {offset}
"""

# One scan of the filter, then one group per (publisher, status, type) combination, summed per facet in
# Python. (A UNION of facet branches joined to the filter was pathological: minutes at 1M triples.)
FACETS = """
SELECT ?publisher ?status ?type (COUNT(DISTINCT ?edition) AS ?n) WHERE {{
  {{
    SELECT DISTINCT ?edition {projection} WHERE {{
      {patterns}
      ?edition a sg:Edition .
    }}
  }}
  OPTIONAL {{ ?edition dcterms:publisher ?publisher }}
  OPTIONAL {{ ?edition sg:status ?status }}
  OPTIONAL {{ ?edition sg:documentType ?type }}
}}
GROUP BY ?publisher ?status ?type
"""

_ICS = re.compile(r"\d{2}(\.\d{3}(\.\d{2})?)?")


@dataclass(frozen=True)
class Search:
    """The filters of a request, as given and as bound terms."""

    given: tuple[tuple[str, str], ...]
    bindings: tuple[tuple[str, Node], ...]

    @property
    def key(self) -> tuple:
        return self.bindings

    @property
    def has_text(self) -> bool:
        return any(name in ("needle", "reference") for name, _ in self.bindings)

    def patterns(self) -> str:
        bound = {name for name, _ in self.bindings}
        return "\n      ".join(pattern for variable, pattern in FRAGMENTS.values() if variable in bound)

    def projection(self) -> str:
        return " ".join(f"?{name}" for name, _ in self.bindings)


def needle(text: str) -> str:
    """The lower-cased text to look for; a standard reference in its canonical spelling."""
    folded = unicodedata.normalize("NFKC", text).strip()
    with contextlib.suppress(identifiers.IdentifierError):
        folded = identifiers.normalise(folded)
    return " ".join(folded.split()).lower()


def reference_work(text: str) -> str | None:
    """The canonical work of a standard reference (`ISO 14064` for `iso 14064-1:2018`), else None."""
    try:
        ref = identifiers.parse(unicodedata.normalize("NFKC", text).strip())
    except identifiers.IdentifierError:
        return None
    return ref.work


def _controlled(scheme: str, value: str, name: str) -> URIRef:
    allowed = controlled_values(scheme)
    if value not in allowed:
        raise ApiError(422, f"{name} {value!r} is not one of: {', '.join(sorted(allowed))}")
    return URIRef(vocab(scheme, value))


def _exists(store: GraphStore, iri: str, what: str, given: str, example: str) -> URIRef:
    if not _types(store, iri):
        raise ApiError(404, f"no {what} {given!r} in the graph (write it as e.g. {example})")
    return URIRef(iri)


def read_search(store: GraphStore, params: dict[str, str]) -> Search:
    """The filters, each checked and turned into a bound term, or ApiError in words."""
    given: list[tuple[str, str]] = []
    bindings: list[tuple[str, Node]] = []
    for name in FILTERS:
        raw = params.get(name)
        if raw is None or not raw.strip():
            continue
        value = raw.strip()
        term: Node
        if name == "q":
            if len(value) > 200:
                raise ApiError(422, "q is longer than 200 characters")
            work = reference_work(value)
            given.append((name, value))
            if work:
                bindings.append(("reference", Literal(work)))
            else:
                bindings.append(("needle", Literal(needle(value))))
            continue
        elif name == "publisher":
            term = URIRef(resolve_entity(store, value, "org", (SG.StandardsBody,), "standards body").iri)
        elif name == "committee":
            iri = value if value.startswith(str(SGID)) else entity("committee", value)
            term = _exists(store, iri, "technical committee", value, "ISO/TC 207/SC 7")
        elif name == "ics":
            if not _ICS.fullmatch(value):
                raise ApiError(422, f"ics {value!r} is not an ICS code: write e.g. 13, 13.020 or 13.020.40")
            term = _exists(store, str(SGID[f"ics/{value}"]), "ICS code", value, "13.020.40")
        elif name == "status":
            term = _controlled("status", value, "status")
        else:
            term = _controlled("document-type", value, "type")
        given.append((name, value))
        bindings.append((FRAGMENTS[name][0], term))
    return Search(tuple(given), tuple(bindings))


def page_rows(store: GraphStore, search: Search, limit: int, offset: int) -> list[tuple[str, str]]:
    """(edition IRI, identifier) of one page, sorted by identifier."""
    query = PAGE.format(
        projection=search.projection(), patterns=search.patterns(), limit=int(limit), offset=int(offset)
    )
    rows = store.select(query, dict(search.bindings)).rows
    return [(str(r["edition"]), str(r["identifier"])) for r in rows]


class Cache:
    """Answers per filter set, kept while the (read-only) graph is served; least recently used go first."""

    def __init__(self, compute: Callable[[GraphStore, Search], Any], size: int) -> None:
        self.compute = compute
        self.size = size
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store: GraphStore, search: Search) -> Any:
        with self._lock:
            if search.key in self._items:
                self._items.move_to_end(search.key)
                return self._items[search.key]
        value = self.compute(store, search)
        with self._lock:
            self._items[search.key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


# Above this many matches, a page is cut from the sorted identifiers of the whole match set, read once per
# filter set without ORDER BY and sorted here: Oxigraph's ORDER BY decodes terms in every comparison and
# took about 10x the scan itself (bench/RESULTS.md).
SORT_HERE_ABOVE = 2000

KEYS = """
SELECT DISTINCT ?edition ?identifier WHERE {{
  {patterns}
  ?edition a sg:Edition ;
           dcterms:identifier ?identifier .
}}
"""


def sorted_keys(store: GraphStore, search: Search) -> list[tuple[str, str]]:
    """(edition IRI, identifier) of every match, sorted by identifier, in one unsorted read."""
    rows = store.select(KEYS.format(patterns=search.patterns()), dict(search.bindings)).rows
    keys = {str(r["edition"]): str(r["identifier"]) for r in rows}
    return sorted(keys.items(), key=lambda item: (item[1], item[0]))


def facet_counts(store: GraphStore, search: Search) -> dict:
    """{"total": n, "publisher": {iri: n}, "status": {iri: n}, "type": {iri: n}}.

    An edition with two publishers (a co-published ISO/IEC edition) counts once in the total (a separate
    COUNT DISTINCT) and once under each publisher.
    """
    query = FACETS.format(projection=search.projection(), patterns=search.patterns())
    counts: dict = {"total": 0, "publisher": {}, "status": {}, "type": {}}
    for row in store.select(query, dict(search.bindings)).rows:
        n = int(row["n"])  # type: ignore[arg-type]
        for facet in ("publisher", "status", "type"):
            if row[facet] is not None:
                counts[facet][str(row[facet])] = counts[facet].get(str(row[facet]), 0) + n
    counts["total"] = total_count(store, search)
    return counts


TOTAL = """
SELECT (COUNT(DISTINCT ?edition) AS ?n) WHERE {{
  {patterns}
  ?edition a sg:Edition .
}}
"""


def total_count(store: GraphStore, search: Search) -> int:
    rows = store.select(TOTAL.format(patterns=search.patterns()), dict(search.bindings)).rows
    return int(rows[0]["n"]) if rows else 0  # type: ignore[arg-type]


# Text search: one scan gives every match with its facet values; total, facets and the page come from it.
MATCHES = """
SELECT ?edition ?identifier ?publisher ?status ?type WHERE {{
  {{
    SELECT DISTINCT ?edition {projection} WHERE {{
      {patterns}
      ?edition a sg:Edition .
    }}
  }}
  ?edition dcterms:identifier ?identifier .
  OPTIONAL {{ ?edition dcterms:publisher ?publisher }}
  OPTIONAL {{ ?edition sg:status ?status }}
  OPTIONAL {{ ?edition sg:documentType ?type }}
}}
"""


def text_search(
    store: GraphStore, search: Search, limit: int, offset: int
) -> tuple[list[tuple[str, str]], dict]:
    """(the page, the counts) of a search with text, from one pass over the matches."""
    query = MATCHES.format(projection=search.projection(), patterns=search.patterns())
    identifiers_of: dict[str, str] = {}
    values: dict[str, dict[str, set[str]]] = {"publisher": {}, "status": {}, "type": {}}
    for row in store.select(query, dict(search.bindings)).rows:
        edition = str(row["edition"])
        identifiers_of.setdefault(edition, str(row["identifier"]))
        for facet in values:
            if row[facet] is not None:
                values[facet].setdefault(str(row[facet]), set()).add(edition)
    ordered = sorted(identifiers_of.items(), key=lambda item: (item[1], item[0]))
    counts: dict = {"total": len(ordered)}
    for facet, by_value in values.items():
        counts[facet] = {value: len(editions) for value, editions in by_value.items()}
    return ordered[offset : offset + limit], counts
