"""Typed RDF terms from the cells of curated and published tables.

Sources write dates as `2015`, `2015-06` or `2015-06-01`, list several URLs in one cell and rate each row V
(primary) or V* (secondary). These helpers turn such cells into terms and refuse what they cannot read,
so a bad cell stops the build with its file and line instead of entering the graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from stdgraph.namespaces import DCTERMS, SG, XSD, vocab

Triple = tuple[Node, Node, Node]
OxTriple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]
"""A triple of pyoxigraph terms: what the large sources yield, since the store loads it without conversion."""


def ox_iri(value: object) -> ox.NamedNode:
    """A pyoxigraph IRI from an IRI string or rdflib term (validated by pyoxigraph), for `OxTriple`s."""
    return ox.NamedNode(str(value))


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_URL = re.compile(r"^https?://\S+$")
_SPLIT = re.compile(r"\s+;\s+")


class CellError(ValueError):
    """A cell that cannot become an RDF term; the message says what was expected."""


def date_literal(text: str) -> Literal:
    """`xsd:date`, `xsd:gYearMonth` or `xsd:gYear`, by how much of the date the source gives."""
    match = _DATE.match(text.strip())
    if not match:
        raise CellError(f"{text!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        if day:
            date(int(year), int(month), int(day))
            return Literal(text.strip(), datatype=XSD.date)
        if month:
            date(int(year), int(month), 1)
            return Literal(text.strip(), datatype=XSD.gYearMonth)
    except ValueError as exc:
        raise CellError(f"{text!r} is not a calendar date ({exc})") from None
    return Literal(year, datatype=XSD.gYear)


def source_terms(cell: str) -> list[Node]:
    """The sources listed in a cell (separated by ' ; '): URLs become IRIs, others stay text."""
    items = [item.strip() for item in _SPLIT.split(cell.strip()) if item.strip()]
    if not items:
        raise CellError("the source is empty: every curated row needs a source URL or document")
    return [URIRef(item) if _URL.match(item) else Literal(item) for item in items]


EVIDENCE = {"V": "primary", "V*": "secondary"}


def evidence_level(cell: str) -> URIRef:
    """V means read in the primary source; V* means read only in a secondary copy."""
    level = EVIDENCE.get(cell.strip())
    if level is None:
        raise CellError(f"confidence {cell!r} is not V (primary) or V* (secondary)")
    return URIRef(vocab("evidence-level", level))


def sourced(subject: Node, source_cell: str, confidence_cell: str) -> Iterator[Triple]:
    """The provenance every curated entity carries: its sources and their evidence level."""
    for term in source_terms(source_cell):
        yield subject, DCTERMS.source, term
    yield subject, SG.evidenceLevel, evidence_level(confidence_cell)


def text(value: str | None, lang: str | None = None) -> Literal | None:
    """A plain or language-tagged literal, or None for a blank cell."""
    if value is None or not value.strip():
        return None
    return Literal(value.strip(), lang=lang)


def split_list(cell: str | None, sep: str = ";") -> list[str]:
    """Items of a list cell, stripped, blanks dropped."""
    if not cell:
        return []
    return [item.strip() for item in cell.split(sep) if item.strip()]
