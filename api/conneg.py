"""Content negotiation for the SPARQL endpoint, as a pure function of the request's Accept and `format`.

Query results (SELECT, ASK) and graphs (CONSTRUCT, DESCRIBE, the service description) have separate
format lists. A `format` parameter (`json`, `xml`, `csv`, `tsv`, `turtle`, `ntriples`, `rdfxml`,
`jsonld`) overrides Accept, so a browser link can ask for a format.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import pyoxigraph as ox


class Kind(Enum):
    RESULTS = "results"  # SELECT and ASK
    GRAPH = "graph"  # CONSTRUCT, DESCRIBE and the service description


@dataclass(frozen=True)
class Format:
    name: str  # the `format` parameter value
    media_type: str  # what the response says it is
    kind: Kind
    aliases: tuple[str, ...] = ()  # other media types a client may ask for, answered with `media_type`


# In order of preference: the first is the default when the client accepts anything.
FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", Kind.RESULTS, ("application/json",)),
    Format("xml", "application/sparql-results+xml", Kind.RESULTS, ("application/xml", "text/xml")),
    Format("csv", "text/csv", Kind.RESULTS),
    Format("tsv", "text/tab-separated-values", Kind.RESULTS),
    Format("turtle", "text/turtle", Kind.GRAPH, ("application/x-turtle",)),
    Format("ntriples", "application/n-triples", Kind.GRAPH),
    Format("rdfxml", "application/rdf+xml", Kind.GRAPH, ("application/xml", "text/xml")),
    Format("jsonld", "application/ld+json", Kind.GRAPH, ("application/json",)),
)
FORMAT_NAMES = {f.name: f for f in FORMATS}


class NotAcceptable(Exception):
    """No format of this kind is acceptable (406), or `format=` names one of the other kind."""


class UnknownFormat(ValueError):
    """`format=` names no format at all (400)."""


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float
    position: int

    def specificity(self, media_type: str) -> int | None:
        """How exactly this range matches `media_type` (2 exact, 1 `type/*`, 0 `*/*`), None if not."""
        main, sub = media_type.split("/", 1)
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type == main and self.subtype == "*":
            return 1
        if self.type == main and self.subtype == sub:
            return 2
        return None


def parse_accept(accept: str) -> list[_Range]:
    """The media ranges of an Accept header; malformed parts are ignored, as RFC 9110 allows."""
    ranges = []
    for position, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            if media == "*":  # seen from some clients; means */*
                media = "*/*"
            else:
                continue
        main, sub = media.split("/", 1)
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append(_Range(main, sub, q, position))
    return ranges


def accept_rank(ranges: list[_Range], media_type: str) -> tuple[float, int, int] | None:
    """How much the client wants `media_type`: (q, specificity, -position) of the most specific range
    that matches it (RFC 9110 12.5.1), or None where no range matches or its q is 0."""
    matches = [(r.specificity(media_type), r) for r in ranges]
    matches = [(s, r) for s, r in matches if s is not None]
    if not matches:
        return None
    specificity, rng = max(matches, key=lambda m: (m[0], -m[1].position))
    if rng.q <= 0:
        return None
    return rng.q, specificity, -rng.position


def negotiate(kind: Kind, accept: str | None = None, format_param: str | None = None) -> Format:
    """The format to answer with.

    `format_param` wins over Accept. Without Accept (or with `*/*`), the first format of the kind. Among
    acceptable formats the highest q wins, then the one whose range the client listed first, then ours.
    """
    candidates = [f for f in FORMATS if f.kind is kind]
    if format_param:
        chosen = FORMAT_NAMES.get(format_param.strip().lower())
        if chosen is None:
            raise UnknownFormat(f"unknown format {format_param!r}: use one of {', '.join(FORMAT_NAMES)}")
        if chosen.kind is not kind:
            raise NotAcceptable(
                f"format {chosen.name!r} does not fit this result; use one of "
                f"{', '.join(f.name for f in candidates)}"
            )
        return chosen
    if not accept or not accept.strip():
        return candidates[0]
    ranges = parse_accept(accept)
    if not ranges:
        return candidates[0]
    best: tuple | None = None
    best_format: Format | None = None
    for preference, fmt in enumerate(candidates):
        for media_type in (fmt.media_type, *fmt.aliases):
            rank = accept_rank(ranges, media_type)
            if rank is None:
                continue
            exact = 1 if media_type == fmt.media_type else 0
            key = (*rank, exact, -preference)
            if best is None or key > best:
                best, best_format = key, fmt
    if best_format is None:
        raise NotAcceptable(
            f"none of the accepted types ({accept}) is available; this result comes as "
            + ", ".join(f.media_type for f in candidates)
        )
    return best_format


# The pyoxigraph format that writes each of ours.
RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}
