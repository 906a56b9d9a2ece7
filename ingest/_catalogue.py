"""What the ISO and IEC catalogue sources share: one catalogue record becomes one edition.

A catalogue row is keyed by its parsed reference (`stdgraph.identifiers`), so two spellings of one document
(``/DAM 1`` and ``/DAmd 1``) are one edition, and the ISO and IEC catalogues meet on the same IRIs. Rules:

- A reference without a year (``ISO/DIS 14021``, ``IEC 61400-4``) names a draft or a work, not a dated
  edition; it is counted, not minted (an `sg:Edition` has a dated identifier).
- When a catalogue lists one document twice, one row wins (`Index.add`): the row with a committee, then
  with a document type, then the later stage; the others are counted as duplicates.
- Each catalogue *owns* the documents its publisher leads (ISO for ``ISO ...``/``ISO/IEC ...``, IEC for
  ``IEC ...``/``CISPR ...``): only the owner states the single-valued facts (title, status, stage, type,
  edition number, dates); the other catalogue adds its links (committee, ICS, supersession) and nothing
  that could contradict the owner.

The two catalogues are 1.3 M of the graph's 1.6 M triples, so their triples are made of pyoxigraph terms,
which the store loads as they are (`stdgraph.store`), and the terms that recur (classes, properties,
committees, ICS codes, dates, controlled values) are made once: making the ISO catalogue's quads took
18.5 CPU-s with rdflib terms converted, 10 so (bench/RESULTS.md, "Full build").
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

import pyoxigraph as ox

from stdgraph import config
from stdgraph.identifiers import IdentifierError, StandardRef, parse
from stdgraph.namespaces import DCTERMS, ORG, RDF, SG, committee, ics, org, vocab
from stdgraph.store import to_ox
from stdgraph.terms import CellError, OxTriple, date_literal, split_list
from stdgraph.terms import ox_iri as iri
from stdgraph.vocabulary import controlled_values

ISO = iri(org("ISO"))
IEC = iri(org("IEC"))

TYPE, IDENTIFIER, TITLE, ISSUED, PUBLISHER = map(
    iri, (RDF.type, DCTERMS.identifier, DCTERMS.title, DCTERMS.issued, DCTERMS.publisher)
)
ABSTRACT = iri(DCTERMS.abstract)
EDITION, AMENDMENT, CORRIGENDUM, STANDARD = map(iri, (SG.Edition, SG.Amendment, SG.Corrigendum, SG.Standard))
EDITION_OF, HAS_EDITION, AMENDS, COMMITTEE, ICS = map(
    iri, (SG.editionOf, SG.hasEdition, SG.amends, SG.committee, SG.ics)
)
SUPERSEDES, SUPERSEDED_BY, STATUS, STAGE_CODE = map(
    iri, (SG.supersedes, SG.supersededBy, SG.status, SG.stageCode)
)
DOCUMENT_TYPE, EDITION_NUMBER, CATALOGUE_URL = map(iri, (SG.documentType, SG.editionNumber, SG.catalogueURL))
WITHDRAWAL_DATE, TECHNICAL_COMMITTEE, UNIT_OF = map(
    iri, (SG.withdrawalDate, SG.TechnicalCommittee, ORG.unitOf)
)


def literal(value: str) -> ox.Literal:
    """A plain (xsd:string) literal."""
    return ox.Literal(value)


def text(value: str | None, lang: str) -> ox.Literal | None:
    """A language-tagged literal of a stripped cell, or None for a blank one (as `stdgraph.terms.text`)."""
    if value is None or not value.strip():
        return None
    return ox.Literal(value.strip(), language=lang)


@lru_cache(maxsize=1 << 14)
def date(cell: str) -> ox.Literal:
    """`stdgraph.terms.date_literal` as a pyoxigraph term, once per distinct date (a few thousand)."""
    return to_ox(date_literal(cell))  # type: ignore[return-value]


@lru_cache(maxsize=1 << 14)
def committee_node(reference_text: str) -> ox.NamedNode:
    return iri(committee(reference_text))


@lru_cache(maxsize=1 << 16)
def ics_node(code: str) -> ox.NamedNode:
    return iri(ics(code))


@lru_cache(maxsize=1 << 18)
def reference(text: str) -> StandardRef | None:
    """The parsed reference in its lead publisher's spelling, or None when the text is not one.

    ISO writes ``ISO/IEC 10021-1:1990/Amd 1:1994`` where the IEC webstore writes ``.../AMD1:1994``: one
    document, one node, so both catalogues give it the spelling of the publisher that leads it. Cached:
    each reference is read in both passes and again wherever another row links to it, and the cached
    `StandardRef` keeps its slugs and IRIs once computed (it is immutable)."""
    try:
        ref = parse(text)
    except IdentifierError:
        return None
    style = "iec" if lead(ref) == "IEC" else "iso"
    return ref if ref.style == style else replace(ref, style=style)


def lead(ref: StandardRef) -> str:
    """The publisher that leads a document: 'ISO' for ISO, ISO/IEC and IWA; 'IEC' for IEC and CISPR."""
    first = ref.publishers[0].split("/")[0] if ref.publishers else "ISO"
    return "IEC" if first in ("IEC", "CISPR") else "ISO"


def publishers(ref: StandardRef) -> Iterator[ox.NamedNode]:
    """ISO and/or IEC among the outermost publishers (other co-publishers are no bodies here)."""
    group = ref.publishers[0].split("/") if ref.publishers else ["ISO"]
    if "ISO" in group:
        yield ISO
    if "IEC" in group or "CISPR" in group:
        yield IEC


def edition_identity(ref: StandardRef, seen: set[str] | None = None) -> Iterator[OxTriple]:
    """Type, canonical identifier and work of an edition (as `ingest.curated_standards` writes them).

    `seen` holds the IRIs of the works already described, so a work with many editions is described once."""
    node = iri(ref.edition_iri)
    work_iri = ref.standard_iri
    work = iri(work_iri)
    kind = ref.document_type
    yield node, TYPE, EDITION
    if kind == "amendment":
        yield node, TYPE, AMENDMENT
    elif kind == "corrigendum":
        yield node, TYPE, CORRIGENDUM
    yield node, IDENTIFIER, literal(ref.canonical)
    yield node, EDITION_OF, work
    yield work, HAS_EDITION, node
    if seen is None or work_iri not in seen:
        if seen is not None:
            seen.add(work_iri)
        yield work, TYPE, STANDARD
        yield work, IDENTIFIER, literal(ref.work)


DOC_TYPES = {value: iri(vocab("document-type", value)) for value in controlled_values("document-type")}


def document_type(ref: StandardRef, cell: str) -> ox.NamedNode | None:
    """Amendment or corrigendum by the reference; else the catalogue's type where the vocabulary has it."""
    by_ref = ref.document_type
    if by_ref in ("amendment", "corrigendum"):
        return DOC_TYPES[by_ref]
    if cell in DOC_TYPES:
        return DOC_TYPES[cell]
    return DOC_TYPES.get(by_ref) if by_ref else None


def committee_triples(
    reference_text: str, bodies: tuple[ox.NamedNode, ...], seen: set[str]
) -> Iterator[OxTriple]:
    """A committee the catalogue names (once), typed so that an edition's link to it can be checked."""
    if reference_text in seen:
        return
    seen.add(reference_text)
    node = committee_node(reference_text)
    yield node, TYPE, TECHNICAL_COMMITTEE
    yield node, IDENTIFIER, literal(reference_text)
    for body in bodies:
        yield node, UNIT_OF, body


def ics_triples(node: ox.NamedNode, cell: str) -> Iterator[OxTriple]:
    for code in split_list(cell):
        try:
            yield node, ICS, ics_node(code)
        except ValueError as exc:
            raise CellError(str(exc)) from None


def issued(
    ref: StandardRef, cell: str, curated: Mapping[str, str], counts: Counter, check_year: bool = True
) -> ox.Literal | None:
    """The publication date, when it is the document's own.

    Left out (and counted) when the catalogue's date is another document's year (a draft, or a supplement
    dated with its base's year, as SOURCE.md warns), and when the curated default graph already states the
    same date more precisely (ISO 14001:2015: 2015-09 here, 2015-09-15 curated from iso.org), so that one
    edition keeps one date. The IEC webstore dates each publication itself (a consolidated version is
    published after its last amendment), so the IEC source passes `check_year=False`."""
    if not cell:
        return None
    year = ref.supplements[-1].year if ref.supplements else ref.year
    if check_year and (ref.is_draft or cell[:4] != year):
        counts["dates of another document"] += 1
        return None
    known = curated.get(ref.edition_slug)
    if known and known != cell and known.startswith(cell):
        counts["dates the curated graph states more precisely"] += 1
        return None
    return date(cell)


@cache
def curated_dates() -> dict[str, str]:
    """Publication dates of the curated editions (data/curated/standards.csv), by edition slug."""
    dates: dict[str, str] = {}
    with (config.CURATED_DIR / "standards.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            ref = reference(row["identifier"])
            if ref is not None and row["issued"]:
                dates[ref.edition_slug] = row["issued"]
    return dates


def supersession(
    newer: ox.NamedNode, older: ox.NamedNode, seen: set[tuple[str, str]] | None = None
) -> Iterator[OxTriple]:
    """Both directions, as the ontology's inverse pair is queried either way.

    `seen` holds the pairs already stated: the ISO file states most pairs twice (the older row's
    ``updated_by``, the newer row's ``obsoletes``), 48k repeated triples the store would only drop."""
    if seen is not None:
        pair = (newer.value, older.value)
        if pair in seen:
            return
        seen.add(pair)
    yield newer, SUPERSEDES, older
    yield older, SUPERSEDED_BY, newer


def supplement_of(ref: StandardRef, base: StandardRef) -> bool:
    """True when `ref` is an amendment or corrigendum (at any depth) of `base`."""
    current = ref.base
    while current is not None:
        if current == base:
            return True
        current = current.base
    return False


@dataclass
class Index:
    """First pass over a catalogue: which row wins for each document, and which documents exist."""

    winners: dict[str, tuple[tuple, int]] = field(default_factory=dict)
    """edition slug -> (score, line of the winning row)."""
    counts: Counter = field(default_factory=Counter)
    works: set[str] = field(default_factory=set)
    """Works already described in the second pass."""
    committees: set[str] = field(default_factory=set)
    """Committees already described in the second pass."""
    missing_bases: set[str] = field(default_factory=set)
    """Edition slugs of the bases of supplements that have no row of their own (given their identity)."""
    supersessions: set[tuple[str, str]] = field(default_factory=set)
    """(newer, older) edition IRIs already stated in the second pass."""

    def add(self, line: int, ref: StandardRef | None, score: tuple) -> None:
        if ref is None:
            self.counts["unparsed"] += 1
            return
        if not ref.is_edition:
            self.counts["undated"] += 1
            return
        slug = ref.edition_slug
        best = self.winners.get(slug)
        if best is None or score > best[0]:
            self.winners[slug] = (score, line)
        self.counts["dated"] += 1

    def wins(self, line: int, ref: StandardRef) -> bool:
        best = self.winners.get(ref.edition_slug)
        return best is not None and best[1] == line

    def known(self, ref: StandardRef | None) -> bool:
        return ref is not None and ref.is_edition and ref.edition_slug in self.winners

    @property
    def editions(self) -> int:
        return len(self.winners)

    @property
    def duplicates(self) -> int:
        return self.counts["dated"] - len(self.winners)


def resolved(cells: Iterable[str], index: Index, unresolved: Counter) -> Iterator[StandardRef]:
    """The references of a list cell that name a document of the catalogue; the rest are counted."""
    for text in cells:
        ref = reference(text)
        if index.known(ref):
            yield ref  # type: ignore[misc]
        else:
            unresolved[text] += 1
