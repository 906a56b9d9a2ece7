"""Curated standards: editions, their national and regional adoptions, and the bodies that publish them.

Hand-curated from the project's research table (facts.md sections 1a and 1b) and, for ISO and IEC editions,
the ISO and IEC catalogues. Each CSV row is one sourced fact set: an edition (`standards.csv`), an adoption
with its degree as the source states it (`adoptions.csv`), or a standards body (`standards_bodies.csv`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping

from rdflib import Literal, URIRef

from stdgraph.identifiers import IdentifierError, StandardRef, parse
from stdgraph.namespaces import DCTERMS, ORG, RDF, RDFS, SG, SKOS, entity, market, org, vocab
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.terms import CellError, Triple, date_literal, sourced, split_list, text
from stdgraph.vocabulary import controlled

STANDARDS = "standards.csv"
ADOPTIONS = "adoptions.csv"
BODIES = "standards_bodies.csv"

CATALOGUE_URL = re.compile(r"^https://(www\.iso\.org/standard/|webstore\.iec\.ch/publication/)\d+(\.html)?$")
"""A source URL that is the edition's own page in the ISO or IEC catalogue."""

SOURCE = Source(
    name="curated-standards",
    title="Curated standards, national and regional adoptions, and standards bodies",
    publisher="stdgraph contributors",
    homepage="https://w3id.org/stdgraph",
    licence="CC-BY-4.0",
    location="curated",
    files=(
        DataFile(
            STANDARDS,
            columns=(
                "identifier",
                "title_en",
                "title_zh",
                "publisher",
                "document_type",
                "status",
                "issued",
                "implemented",
                "withdrawn_on",
                "supersedes",
                "note",
                "source",
                "confidence",
            ),
        ),
        DataFile(ADOPTIONS, columns=("adopting", "adopted", "degree", "note", "source", "confidence")),
        DataFile(
            BODIES, columns=("acronym", "name_en", "name_zh", "country", "level", "source", "confidence")
        ),
    ),
    triples=lambda src: triples(src),  # defined below
    description=(
        "Chinese GB/T editions and the ISO/IEC editions they adopt, EN and BS EN adoptions, supersession "
        "between editions and the bodies that publish them; every row carries its source and evidence level."
    ),
)


def reference(cell: str, *, edition: bool = False) -> StandardRef:
    """A parsed reference; an edition must carry its year, since only a dated document can be adopted."""
    try:
        ref = parse(cell)
    except IdentifierError as exc:
        raise CellError(str(exc)) from None
    if edition and not ref.is_edition:
        raise CellError(f"{cell!r} names a standard, not an edition: add its year (e.g. 'ISO 14001:2015')")
    return ref


def choice(value: str, scheme: str, what: str) -> str:
    """A controlled value of `ontology/vocabularies.ttl`, refused with the allowed ones listed."""
    controlled(scheme, value, what)
    return value


def market_ref(code: str) -> URIRef:
    """The market of an ISO 3166-1 alpha-2 code (or EU), refused as a cell error when it is not one."""
    try:
        return URIRef(market(code))
    except ValueError as exc:
        raise CellError(str(exc)) from None


def work_triples(ref: StandardRef) -> Iterator[Triple]:
    """The work (sg:Standard) a reference belongs to, so that links to it carry its type and identifier."""
    work = URIRef(ref.standard_iri)
    yield work, RDF.type, SG.Standard
    yield work, DCTERMS.identifier, Literal(ref.work)


def edition_node_triples(ref: StandardRef) -> Iterator[Triple]:
    """An edition's identity: its type, canonical identifier and work, both ways."""
    node = URIRef(ref.edition_iri)
    kind = ref.document_type
    yield node, RDF.type, SG.Edition
    if kind == "amendment":
        yield node, RDF.type, SG.Amendment
    elif kind == "corrigendum":
        yield node, RDF.type, SG.Corrigendum
    yield node, DCTERMS.identifier, Literal(ref.canonical)
    yield node, SG.editionOf, URIRef(ref.standard_iri)
    yield URIRef(ref.standard_iri), SG.hasEdition, node
    yield from work_triples(ref)


def edition_triples(row: Mapping[str, str], publishers: Mapping[str, str]) -> Iterator[Triple]:
    """One edition row; `publishers` maps a body acronym to its IRI (from standards_bodies.csv)."""
    ref = reference(row["identifier"], edition=True)
    node = URIRef(ref.edition_iri)
    yield from edition_node_triples(ref)
    for value, lang in ((row["title_en"], "en"), (row["title_zh"], "zh")):
        if title := text(value, lang):
            yield node, DCTERMS.title, title
    if row["publisher"] not in publishers:
        raise CellError(f"publisher {row['publisher']!r} is not a row of {BODIES}")
    yield node, DCTERMS.publisher, URIRef(publishers[row["publisher"]])
    doc_type = choice(row["document_type"], "document-type", "document type")
    if ref.document_type and ref.document_type != doc_type:
        raise CellError(f"document type {doc_type!r} contradicts {ref.canonical!r}, a {ref.document_type}")
    yield node, SG.documentType, URIRef(vocab("document-type", doc_type))
    if row["status"]:
        yield node, SG.status, controlled("status", row["status"], "status")
    if row["withdrawn_on"] and row["status"] != "withdrawn":
        raise CellError(f"a withdrawal date is given but the status is {row['status']!r}, not 'withdrawn'")
    for column, prop in (
        ("issued", DCTERMS.issued),
        ("implemented", SG.implementationDate),
        ("withdrawn_on", SG.withdrawalDate),
    ):
        if row[column]:
            yield node, prop, date_literal(row[column])
    for earlier in split_list(row["supersedes"]):
        old = URIRef(reference(earlier, edition=True).edition_iri)
        yield node, SG.supersedes, old
        yield old, SG.supersededBy, node
    if ref.base is not None:
        yield node, SG.amends, URIRef(ref.base.edition_iri)
    if note := text(row["note"], "en"):
        yield node, RDFS.comment, note
    for url in row["source"].split(" ; "):
        if CATALOGUE_URL.match(url.strip()):
            yield node, SG.catalogueURL, URIRef(url.strip())
    yield from sourced(node, row["source"], row["confidence"])


def adoption_key(adopting: str, adopted: str) -> str:
    """Stable key of an adoption: the two canonical references, adopting first."""
    return f"{reference(adopting).canonical} -- {reference(adopted).canonical}"


def adoption_triples(row: Mapping[str, str]) -> Iterator[Triple]:
    """One adoption with the degree its source states, and the `sg:adopts` shortcut beside it."""
    adopting = URIRef(reference(row["adopting"], edition=True).edition_iri)
    adopted = URIRef(reference(row["adopted"], edition=True).edition_iri)
    if adopting == adopted:
        raise CellError(f"{row['adopting']!r} cannot adopt itself")
    node = URIRef(entity("adoption", adoption_key(row["adopting"], row["adopted"])))
    yield node, RDF.type, SG.Adoption
    yield node, SG.adoptingEdition, adopting
    yield node, SG.adoptedEdition, adopted
    yield node, SG.adoptionDegree, controlled("adoption-degree", row["degree"], "adoption degree")
    if note := text(row["note"], "en"):
        yield node, RDFS.comment, note
    yield from sourced(node, row["source"], row["confidence"])
    yield adopting, SG.adopts, adopted


def body_iri(row: Mapping[str, str]) -> str:
    """International and regional bodies have no country in their IRI; national ones must have one."""
    level = choice(row["level"], "body-level", "body level")
    country = row["country"].strip().upper()
    if (level == "national") != bool(country):
        raise CellError(f"a {level} body {'needs' if level == 'national' else 'has no'} country code")
    return org(row["acronym"], country or None)


def body_triples(row: Mapping[str, str]) -> Iterator[Triple]:
    """One standards body: names, acronym, level and, for a national body, its jurisdiction."""
    node = URIRef(body_iri(row))
    yield node, RDF.type, SG.StandardsBody
    yield node, RDF.type, ORG.Organization
    if not row["acronym"]:
        raise CellError("a standards body needs its acronym (it is the key publishers are named by)")
    yield node, SG.acronym, Literal(row["acronym"])
    for value, lang in ((row["name_en"], "en"), (row["name_zh"], "zh")):
        if name := text(value, lang):
            yield node, SKOS.prefLabel, name
    if row["country"]:
        yield node, SG.jurisdiction, market_ref(row["country"])
    yield node, SG.bodyLevel, URIRef(vocab("body-level", row["level"]))
    yield from sourced(node, row["source"], row["confidence"])


def checked_rows(
    src: SourceInput, file: str, transform: Callable[[Mapping[str, str]], Iterable[Triple]]
) -> Iterator[Triple]:
    """The triples of each row of `file`; a bad cell stops the build naming the file and line."""
    for line, row in src.rows(file):
        try:
            yield from transform(row)
        except CellError as exc:
            raise SourceDataError(f"{file}, line {line}: {exc}") from None


def triples(src: SourceInput) -> Iterator[Triple]:
    """Bodies first (editions name their publisher by acronym), then editions, then adoptions."""
    publishers: dict[str, str] = {}

    def body(row: Mapping[str, str]) -> Iterator[Triple]:
        publishers[row["acronym"]] = body_iri(row)
        return body_triples(row)

    yield from checked_rows(src, BODIES, body)
    yield from checked_rows(src, STANDARDS, lambda row: edition_triples(row, publishers))
    yield from checked_rows(src, ADOPTIONS, adoption_triples)
