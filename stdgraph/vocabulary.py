"""The controlled values of `ontology/vocabularies.ttl`, for code that must check a cell against them.

The SKOS schemes are the one list of allowed values; sources read them from there instead of keeping
copies that could drift from the shapes.
"""

from __future__ import annotations

from functools import cache

from rdflib import Graph, URIRef

from stdgraph import config
from stdgraph.namespaces import SKOS, vocab
from stdgraph.terms import CellError


@cache
def _vocabularies() -> Graph:
    graph = Graph()
    graph.parse(config.ONTOLOGY_DIR / "vocabularies.ttl", format="turtle")
    return graph


@cache
def controlled_values(scheme: str) -> frozenset[str]:
    """The notations of the concepts in one scheme, e.g. {'IDT', 'MOD', 'NEQ', 'not-established'}."""
    graph = _vocabularies()
    scheme_iri = URIRef(vocab(scheme, "").rstrip("/"))
    values = frozenset(str(graph.value(c, SKOS.notation)) for c in graph.subjects(SKOS.inScheme, scheme_iri))
    if not values:
        raise KeyError(f"no controlled vocabulary {scheme!r} in ontology/vocabularies.ttl")
    return values


def controlled(scheme: str, value: str, what: str) -> URIRef:
    """The concept IRI for a value, or a CellError listing the allowed values so a curator can pick."""
    allowed = controlled_values(scheme)
    if value not in allowed:
        raise CellError(f"{what} {value!r} is not one of: {', '.join(sorted(allowed))}")
    return URIRef(vocab(scheme, value))
