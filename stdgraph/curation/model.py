"""Curation records and where they live.

A record is one mapping (`sg:Mapping`, SSSOM-shaped) or one adoption (`sg:Adoption`), identified by a
stable IRI derived from its content (`sgid:mapping/{subject}--{relation}--{object}`, the adoption IRI of
`ingest/curated_standards.py`), so the same statement proposed twice is the same record.

Graphs (DEVELOPERS.md, "Curation"):
- `sgg:curated-mappings`: the public graph, the published version of every published record.
- `sgg:curation-history`: PROV-O: one `sg:RecordVersion` per step, which carries the record's triples
  as N-Triples text (`sg:recordContent`), so proposals are never mistaken for published data by queries
  over the union default graph; one `sg:CurationStep` (a `prov:Activity`) per step: who, when, why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from stdgraph.namespaces import PROV, RDF, SG, SGG, SGID, SKOS, entity, slugify, vocab
from stdgraph.store import from_ox, to_ox
from stdgraph.terms import Triple

PUBLIC_GRAPH = URIRef(SGG["curated-mappings"])
HISTORY_GRAPH = URIRef(SGG["curation-history"])

STATUSES = ("proposed", "approved", "rejected", "published", "withdrawn")
MAPPING_PREFIX = str(SGID["mapping/"])
ADOPTION_PREFIX = str(SGID["adoption/"])
RELATIONS = {
    "exactMatch": SKOS.exactMatch,
    "closeMatch": SKOS.closeMatch,
    "broadMatch": SKOS.broadMatch,
    "narrowMatch": SKOS.narrowMatch,
    "relatedMatch": SKOS.relatedMatch,
}


def status_iri(status: str) -> URIRef:
    return URIRef(vocab("lifecycle", status))


def status_of(iri: Node | None) -> str | None:
    if iri is None:
        return None
    text = str(iri)
    prefix = vocab("lifecycle", "")
    return text[len(prefix) :] if text.startswith(prefix) else None


def local(iri: Node) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def mapping_iri(subject: Node, predicate: Node, obj: Node, negated: bool) -> URIRef:
    """Stable id from content: the two ends and the relation, with `not-` for a negative mapping."""
    relation = ("not-" if negated else "") + slugify(local(predicate))
    key = f"{local(subject)}--{relation}--{local(obj)}"
    return URIRef(MAPPING_PREFIX + key.lower())


def record_id(iri: Node) -> str:
    """The short id of a record, as used in URLs: the last path segment of its IRI."""
    return str(iri).rsplit("/", 1)[-1]


def record_candidates(short_id: str) -> list[URIRef]:
    """The IRIs a short id may name (a mapping, else an adoption)."""
    if "/" in short_id or not short_id:
        return []
    return [URIRef(MAPPING_PREFIX + short_id), URIRef(ADOPTION_PREFIX + short_id)]


def agent_iri(name: str) -> URIRef:
    """A person or organisation acting: an ORCID stays an ORCID IRI, other names get `sgid:agent/`."""
    text = name.strip()
    if text.startswith("https://orcid.org/"):
        return URIRef(text)
    if text.lower().startswith("orcid:"):
        return URIRef("https://orcid.org/" + text.split(":", 1)[1])
    return URIRef(entity("agent", text))


@dataclass
class Record:
    """A record as proposed: its IRI, kind and triples (published form), and where it came from."""

    iri: URIRef
    kind: str  # "mapping" or "adoption"
    triples: list[Triple]
    line: int | None = None
    label: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return record_id(self.iri)


def canonical(triples: Iterable[Triple]) -> str:
    """N-Triples text, one sorted line per triple: the stored form and the basis of change detection."""
    lines = {f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ." for s, p, o in triples}
    return "\n".join(sorted(lines)) + "\n"


def parse_canonical(text: str) -> list[Triple]:
    return [
        (from_ox(t.subject), from_ox(t.predicate), from_ox(t.object))  # type: ignore[misc]
        for t in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    ]


def digest(triples: Iterable[Triple]) -> str:
    return hashlib.sha256(canonical(triples).encode("utf-8")).hexdigest()


def with_status(record_iri: URIRef, kind: str, triples: list[Triple], status: str) -> list[Triple]:
    """The triples with the lifecycle status of a mapping (adoptions carry theirs only in the history)."""
    kept = [t for t in triples if not (t[0] == record_iri and t[1] == SG.lifecycleStatus)]
    if kind == "mapping":
        kept.append((record_iri, SG.lifecycleStatus, status_iri(status)))
    return kept


def kind_of(triples: Iterable[Triple], iri: URIRef) -> str | None:
    types = {o for s, p, o in triples if s == iri and p == RDF.type}
    if SG.Mapping in types:
        return "mapping"
    if SG.Adoption in types:
        return "adoption"
    return None


def version_iri(record: URIRef, n: int) -> URIRef:
    return URIRef(f"{record}/v{n}")


def literal_datetime(value: str) -> Literal:
    from stdgraph.namespaces import XSD

    return Literal(value, datatype=XSD.dateTime)


__all__ = [
    "ADOPTION_PREFIX",
    "HISTORY_GRAPH",
    "MAPPING_PREFIX",
    "PROV",
    "PUBLIC_GRAPH",
    "RELATIONS",
    "STATUSES",
    "Record",
    "agent_iri",
    "canonical",
    "digest",
    "kind_of",
    "mapping_iri",
    "parse_canonical",
    "record_candidates",
    "record_id",
    "status_iri",
    "status_of",
    "version_iri",
    "with_status",
]
